/*
 * The claims of configs/factorization_certificate.yaml and configs/grow_rank.yaml
 * (Haeffele & Vidal 2015), run as written (they take seconds), for seeds 1..4:
 *
 *   certificate (both arms, full observation and completion with half the
 *   entries): gradient descent from N(0, 0.01²) reaches the convex optimum,
 *   f − f* < 1e-6·f*, cert_ratio ≤ 1 + 1e-5 (the certificate holds),
 *   factor_balance < 1e-5, factor_rank = rank(X*) as resolved.yaml records it,
 *   and zero_columns = r − rank(X*): a local minimum with an all-zero slice.
 *
 *   grow_rank: from r = 1 the meta-algorithm stops at the rank of X* (5, the
 *   true rank, at this λ) for every seed; cert_ratio > 1 + tol at every smaller
 *   r; the gap f − f* falls strictly with r; at the last rank it is < 1e-6·f*.
 *
 *   nuclear_norm_identity (as written, seeds 1..4): both regularizer forms reach
 *   X*; with l2 the factors end balanced and ½(‖U‖² + ‖V‖²) = ‖X*‖_*, with the
 *   product form they stay unbalanced and ½(‖U‖² + ‖V‖²) > ‖X*‖_*.
 *
 *   relu_certificate (reduced: widths 2, 10, 50, 10000 steps, seeds 1..2): the
 *   objective and polar_ratio fall strictly with the width; at r = 2 the ratio
 *   is far above 1 (> 10: a unit would lower the objective a lot), at r = 50 it
 *   is within 5% of 1, and never below it (plain descent does not certify).
 *
 *   rank_needed (reduced: observed 0.5 and 1.0, r = 3..6, seeds 1..3): plain
 *   descent ends within 1e-6·f* of the optimum exactly when r >= rank(X*), for
 *   every seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/harness.h"

#define SEEDS "1,2,3,4"

/* `key: value` of the n-th solutions entry of resolved.yaml, as a number. */
static double solution_number(const char *resolved, int entry, const char *key)
{
    const char *p = strstr(resolved, "solutions:");
    assert_non_null(p);
    for (int i = 0; i <= entry; i++) {
        p = strstr(p + 1, "- arm:");
        assert_non_null(p);
    }
    char pattern[64];
    snprintf(pattern, sizeof pattern, "    %s: ", key);
    const char *v = strstr(p, pattern);
    assert_non_null(v);
    return strtod(v + strlen(pattern), NULL);
}

static char *run_config(const char *name, const char *dir)
{
    char *out = malloc(strlen(dir) + 32);
    sprintf(out, "%s/%s", dir, name);
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s/configs/%s.yaml' --out '%s' --seeds " SEEDS
                                 " --jobs 2 --quiet", harness_source_root(), name, out), 0);
    return out;
}

static void test_certificate(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *out = run_config("factorization_certificate", dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/resolved.yaml", out);
    char *resolved = harness_read(path);
    snprintf(path, sizeof path, "%s/metrics.csv", out);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    const char *arms[] = {"full", "completion"};
    for (int a = 0; a < 2; a++) {
        double f_star = solution_number(resolved, a, "f_star");
        int rank = (int)solution_number(resolved, a, "rank");
        assert_true(rank >= 3 && rank <= 5);
        int finals = 0;
        for (int i = 0; i < csv.n_rows; i++) {
            if (strcmp(harness_csv_str(&csv, i, "arm"), arms[a]) ||
                harness_csv_num(&csv, i, "epoch") != 4000)
                continue;
            finals++;
            double sub = harness_csv_num(&csv, i, "suboptimality");
            print_message("%s seed %s: f - f* %.3g (f* %.6g), cert_ratio %.9g, balance %.3g, "
                          "factor_rank %g (rank X* %d), zero_columns %g\n", arms[a],
                          harness_csv_str(&csv, i, "seed"), sub, f_star,
                          harness_csv_num(&csv, i, "cert_ratio"),
                          harness_csv_num(&csv, i, "factor_balance"),
                          harness_csv_num(&csv, i, "factor_rank"), rank,
                          harness_csv_num(&csv, i, "zero_columns"));
            assert_true(fabs(sub) < 1e-6 * f_star);
            assert_true(harness_csv_num(&csv, i, "cert_ratio") <= 1.0 + 1e-5);
            assert_true(harness_csv_num(&csv, i, "factor_balance") < 1e-5);
            assert_int_equal((int)harness_csv_num(&csv, i, "factor_rank"), rank);
            assert_int_equal((int)harness_csv_num(&csv, i, "zero_columns"), 10 - rank);
        }
        assert_int_equal(finals, 4);
    }
    harness_csv_free(&csv);
    free(resolved);
    harness_rmtree(dir);
    free(dir);
    free(out);
}

static void test_grow_rank(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *out = run_config("grow_rank", dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/resolved.yaml", out);
    char *resolved = harness_read(path);
    double f_star = solution_number(resolved, 0, "f_star");
    int rank = (int)solution_number(resolved, 0, "rank");
    assert_int_equal(rank, 5);
    snprintf(path, sizeof path, "%s/growth.csv", out);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    for (int seed = 1; seed <= 4; seed++) {
        double previous_gap = INFINITY;
        int last_rank = 0, rows = 0;
        for (int i = 0; i < csv.n_rows; i++) {
            if ((int)harness_csv_num(&csv, i, "seed") != seed)
                continue;
            int r = (int)harness_csv_num(&csv, i, "rank");
            double gap = harness_csv_num(&csv, i, "suboptimality");
            double ratio = harness_csv_num(&csv, i, "cert_ratio");
            print_message("seed %d rank %d: f - f* %.6g, cert_ratio %.9g\n", seed, r, gap, ratio);
            assert_int_equal(r, ++rows);            /* 1, 2, 3, ... */
            assert_true(gap < previous_gap);        /* strictly falling with r */
            if (r < rank)
                assert_true(ratio > 1.0 + 1e-3);     /* the certificate fails below rank X* */
            previous_gap = gap;
            last_rank = r;
        }
        assert_int_equal(last_rank, rank);          /* stops at the rank of X*, the true rank */
        assert_true(previous_gap < 1e-6 * f_star);
    }
    harness_csv_free(&csv);
    free(resolved);
    harness_rmtree(dir);
    free(dir);
    free(out);
}

/* The homogeneous ReLU network end to end: model.bias false, the product
   regularizer and the polar diagnostic through `dlx run`: polar_ratio is
   finite and positive at every row and falls from the start to the end of
   training (the first-order gain of a new unit shrinks as the network fits),
   and the fit check refuses polar on a network with biases. */
static void test_relu_polar(void **state)
{
    (void)state;
    static const char yaml[] =
        "experiment: relu\n"
        "data: {source: synthetic, kind: teacher, dim: 5, classes: 3, n_train: 200, n_test: 200,\n"
        "       teacher_hidden: 4, seed: 3}\n"
        "model: {type: mlp, hidden: [20], activation: relu, bias: false, init: {scheme: normal, std: 0.1}}\n"
        "regularizer: {product: 0.01}\n"
        "optimizer: {type: sgd, lr: 0.5}\n"
        "training: {batch_size: full, epochs: 600, eval_every: 200}\n"
        "diagnostics: [polar]\n";
    char *dir = harness_tmpdir();
    char *cfg = harness_write(dir, "relu.yaml", yaml);
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s' --out '%s/out' --seeds 1,2 --quiet", cfg, dir), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/out/metrics.csv", dir);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    assert_int_equal(csv.n_rows, 8);
    for (int seed = 0; seed < 2; seed++) {
        double first = harness_csv_num(&csv, 4 * seed, "polar_ratio");
        double last = harness_csv_num(&csv, 4 * seed + 3, "polar_ratio");
        for (int i = 4 * seed; i < 4 * seed + 4; i++) {
            assert_true(isfinite(harness_csv_num(&csv, i, "polar_ratio")));
            assert_true(harness_csv_num(&csv, i, "polar_ratio") > 0);
            assert_int_equal((int)harness_csv_num(&csv, i, "active_units"), 20);
        }
        print_message("seed %d: polar_ratio %.6g at epoch 0, %.6g at epoch 600\n", seed + 1, first, last);
        assert_true(last < first);
    }
    harness_csv_free(&csv);
    /* with biases the network is not homogeneous: refused before any run */
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "validate '%s' --set model.bias=true", cfg), 2);
    assert_non_null(strstr(err, "diagnostic polar needs model.bias: false"));
    assert_null(strstr(err, "polar diagnostic polar")); /* the name once, not twice */
    free(err);
    free(cfg);
    harness_rmtree(dir);
    free(dir);
}

static void test_nuclear_norm_identity(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *out = run_config("nuclear_norm_identity", dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/resolved.yaml", out);
    char *resolved = harness_read(path);
    double nuclear = solution_number(resolved, 0, "nuclear_norm");
    assert_true(fabs(solution_number(resolved, 1, "nuclear_norm") - nuclear) < 1e-9 * nuclear);
    snprintf(path, sizeof path, "%s/metrics.csv", out);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    int finals = 0;
    for (int i = 0; i < csv.n_rows; i++) {
        if (harness_csv_num(&csv, i, "epoch") != 8000)
            continue;
        finals++;
        bool l2 = !strcmp(harness_csv_str(&csv, i, "arm"), "l2");
        double u = harness_csv_num(&csv, i, "weight_norm.U"), v = harness_csv_num(&csv, i, "weight_norm.V");
        double half = 0.5 * (u * u + v * v), balance = harness_csv_num(&csv, i, "factor_balance");
        print_message("%s seed %s: half %.9g, |X*|_* %.9g, balance %.3g, dist %.3g\n",
                      harness_csv_str(&csv, i, "arm"), harness_csv_str(&csv, i, "seed"), half, nuclear,
                      balance, harness_csv_num(&csv, i, "dist_to_ref"));
        assert_true(harness_csv_num(&csv, i, "dist_to_ref") < 1e-6);
        if (l2) {
            assert_true(fabs(half - nuclear) < 1e-6 * nuclear);
            assert_true(balance < 1e-5);
        } else {
            assert_true(half > nuclear * (1 + 1e-4));
            assert_true(balance > 1e-2);
        }
    }
    assert_int_equal(finals, 8);   /* 2 arms x seeds 1..4 */
    harness_csv_free(&csv);
    free(resolved);
    harness_rmtree(dir);
    free(dir);
    free(out);
}

static void test_relu_certificate(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s/configs/relu_certificate.yaml' --out '%s/relu' --seeds 1,2"
                                 " --set 'sweep.model.hidden=[[2], [10], [50]]' --set training.epochs=10000"
                                 " --jobs 2 --quiet", harness_source_root(), dir), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/relu/metrics.csv", dir);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    for (int seed = 1; seed <= 2; seed++) {
        double objective[3] = {0}, ratio[3] = {0};
        const char *widths[] = {"[2]", "[10]", "[50]"};
        for (int i = 0; i < csv.n_rows; i++) {
            if (harness_csv_num(&csv, i, "epoch") != 10000 || (int)harness_csv_num(&csv, i, "seed") != seed)
                continue;
            for (int w = 0; w < 3; w++)
                if (!strcmp(harness_csv_str(&csv, i, "model.hidden"), widths[w])) {
                    objective[w] = harness_csv_num(&csv, i, "objective");
                    ratio[w] = harness_csv_num(&csv, i, "polar_ratio");
                }
        }
        print_message("seed %d: objective %.6g %.6g %.6g, polar_ratio %.6g %.6g %.6g\n", seed,
                      objective[0], objective[1], objective[2], ratio[0], ratio[1], ratio[2]);
        assert_true(objective[0] > objective[1] && objective[1] > objective[2]);
        assert_true(ratio[0] > ratio[1] && ratio[1] > ratio[2]);
        assert_true(ratio[0] > 10.0);
        assert_true(ratio[2] > 1.0 && ratio[2] < 1.05);
    }
    harness_csv_free(&csv);
    harness_rmtree(dir);
    free(dir);
}

static void test_rank_needed(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s/configs/rank_needed.yaml' --out '%s/rn' --seeds 1,2,3"
                                 " --set 'sweep.data.observed=[0.5, 1.0]' --set 'sweep.model.rank=[3, 4, 5, 6]'"
                                 " --jobs 2 --quiet", harness_source_root(), dir), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/rn/resolved.yaml", dir);
    char *resolved = harness_read(path);
    snprintf(path, sizeof path, "%s/rn/metrics.csv", dir);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    int checked = 0;
    for (int i = 0; i < csv.n_rows; i++) {
        if (harness_csv_num(&csv, i, "epoch") != 3000)
            continue;
        int r = (int)harness_csv_num(&csv, i, "model.rank");
        int point = (harness_csv_num(&csv, i, "data.observed") == 1.0 ? 4 : 0) + (r - 3);
        int rank = (int)solution_number(resolved, point, "rank");
        double f_star = solution_number(resolved, point, "f_star");
        double gap = harness_csv_num(&csv, i, "suboptimality");
        print_message("observed %s r %d (rank X* %d) seed %s: f - f* %.3g\n",
                      harness_csv_str(&csv, i, "data.observed"), r, rank,
                      harness_csv_str(&csv, i, "seed"), gap);
        assert_true((gap < 1e-6 * f_star) == (r >= rank));
        checked++;
    }
    assert_int_equal(checked, 2 * 4 * 3);
    harness_csv_free(&csv);
    free(resolved);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_certificate),
        cmocka_unit_test(test_grow_rank),
        cmocka_unit_test(test_relu_polar),
        cmocka_unit_test(test_nuclear_norm_identity),
        cmocka_unit_test(test_relu_certificate),
        cmocka_unit_test(test_rank_needed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
