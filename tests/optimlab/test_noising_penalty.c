/*
 * Reduced configs/noising_penalty.yaml: logistic regression on 10 features, n = 200, the exact
 * noising penalty R beside Wager, Wang & Liang's (2013, §2, figure 1) quadratic approximation
 * R^q; relative error Σ_i|R^q_i − R_i| / Σ_i R_i.
 *
 * Claims, for every seed tried:
 *   - Gaussian noise, at a fixed β (β, b ~ N(0, 0.5²) from the seed, not trained): the relative
 *     error of R^q grows strictly with σ and is below 1e-3 at σ = 0.05 (measured on seeds 1–5:
 *     4.2e-4–6.6e-4; it grows about as σ², the order of the first term R^q leaves out);
 *   - dropout, same β: the relative error does not vanish as δ → 0 (above 0.03 at δ = 0.05;
 *     measured 0.064–0.193), and at δ = 0.8 it is more than twice its value at δ = 0.05
 *     (measured 0.445–0.582); the normal (CLT) approximation of x̃·β underestimates R at
 *     δ = 0.05 (dropout_penalty_clt / dropout_penalty_exact measured 0.845–0.960);
 *   - after training under dropout (δ = 0.02, 0.1, 0.3, 0.5), the dropout_penalty_exact column
 *     equals the expectation over all 2^10 masks recomputed here from the checkpoint (relative
 *     1e-5), and at δ = 0.02 the ratio R^q/R is within 0.01 of its δ → 0 limit (measured: 0.905
 *     against 0.902 and alike on seeds 1–3)
 *     Σ_ij ½A''(z_i)a_ij² / Σ_ij [A(z_i − a_ij) − A(z_i) + a_ij A'(z_i)], a_ij = x_ij β_j: as δ → 0
 *     dropout turns into rare single-feature drops, whose penalty is not quadratic in a_ij.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "optimlab_util.h"
#include "data/dataset.h"
#include "io/safetensors.h"
#include "spec/experiment.h"

#define DIM 10
#define SEEDS 5
#define POINTS 4

static const double SIGMAS[POINTS] = {0.05, 0.2, 0.5, 1.0}, DELTAS[POINTS] = {0.05, 0.2, 0.5, 0.8};

static const char *const FIXED_YAML =
    "experiment: noising_penalty_fixed\n"
    "seeds: 5\n"
    "data: {source: synthetic, kind: logistic, n_train: 200, n_test: 20, dim: 10, noise: 0.0, seed: 1,\n"
    "       preprocess: none}\n"
    "model: {type: logistic, init: {scheme: normal, std: 0.5}}\n"
    "optimizer: {type: adagrad, lr: 0.5}\n"
    "training: {epochs: 0, batch_size: full}\n"
    "diagnostics: [dropout_penalty]\n"
    "sweep:\n"
    "  zip:\n"
    "    regularizer.input_noise: [0.05, 0.2, 0.5, 1.0, 0.0, 0.0, 0.0, 0.0]\n"
    "    model.dropout.input: [0.0, 0.0, 0.0, 0.0, 0.05, 0.2, 0.5, 0.8]\n";

static const char *const TRAINED_YAML =
    "experiment: noising_penalty_trained\n"
    "seeds: 3\n"
    "data: {source: synthetic, kind: logistic, n_train: 200, n_test: 20, dim: 10, noise: 0.0, seed: 1,\n"
    "       preprocess: none}\n"
    "model: {type: logistic, init: zeros}\n"
    "optimizer: {type: adagrad, lr: 0.5}\n"
    "training: {epochs: 200, batch_size: full, eval_every: 200}\n"
    "diagnostics: [dropout_penalty]\n"
    "sweep:\n"
    "  model.dropout.input: [0.02, 0.1, 0.3, 0.5]\n";

/* The row of (seed, sweep point) in metrics.csv: rows are point, arm, seed, epoch; one
   evaluation row per run (epoch 0) or the last row of the run. */
static int row_of(int point, int seed, int rows_per_run)
{
    return (point * SEEDS + (seed - 1)) * rows_per_run + rows_per_run - 1;
}

static void test_quadratic_error_grows_with_noise(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    harness_csv m;
    optimlab_run(dir, FIXED_YAML, &m);
    assert_int_equal(m.n_rows, 2 * POINTS * SEEDS);
    for (int seed = 1; seed <= SEEDS; seed++) {
        double noise[POINTS], drop[POINTS], clt_ratio[POINTS];
        for (int k = 0; k < POINTS; k++) {
            int rn = row_of(k, seed, 1), rd = row_of(POINTS + k, seed, 1);
            assert_int_equal((int)harness_csv_num(&m, rn, "seed"), seed);
            assert_true(fabs(harness_csv_num(&m, rn, "regularizer.input_noise") - SIGMAS[k]) < 1e-12);
            assert_true(fabs(harness_csv_num(&m, rd, "model.dropout.input") - DELTAS[k]) < 1e-12);
            noise[k] = harness_csv_num(&m, rn, "noise_penalty_rel_err");
            drop[k] = harness_csv_num(&m, rd, "dropout_penalty_rel_err");
            assert_true(harness_csv_num(&m, rn, "noise_penalty_exact") > 0.0);
            assert_true(harness_csv_num(&m, rd, "dropout_penalty_exact") > 0.0);
            clt_ratio[k] = harness_csv_num(&m, rd, "dropout_penalty_clt") / harness_csv_num(&m, rd, "dropout_penalty_exact");
        }
        print_message("seed %d: rel err of R^q at sigma 0.05 0.2 0.5 1.0: %.3g %.3g %.3g %.3g; "
                      "at delta 0.05 0.2 0.5 0.8: %.3g %.3g %.3g %.3g; CLT/exact %.3g %.3g %.3g %.3g\n", seed,
                      noise[0], noise[1], noise[2], noise[3], drop[0], drop[1], drop[2], drop[3], clt_ratio[0],
                      clt_ratio[1], clt_ratio[2], clt_ratio[3]);
        for (int k = 1; k < POINTS; k++)
            assert_true(noise[k] > noise[k - 1]);
        assert_true(noise[0] < 1e-3);
        assert_true(drop[0] > 0.03);
        assert_true(drop[POINTS - 1] > 2.0 * drop[0]);
        assert_true(clt_ratio[0] < 1.0);
    }
    harness_csv_free(&m);
    harness_rmtree(dir);
    free(dir);
}

static double log_partition(double z) { return (z > 0.0 ? z : 0.0) + log1p(exp(-fabs(z))); }

/* (1/n) Σ_i E_m[A(b + Σ_j x_ij β_j m_j/(1−δ))] − A(x_i·β + b) over all 2^d masks m, each with
   probability (1−δ)^{|m|} δ^{d−|m|}: the exact dropout noising penalty (Wager et al., eq. 4).
   *quadratic_err gets Σ_i |R^q_i − R_i| / Σ_i R_i against it. */
static double enumerated_dropout_penalty(const dlx_split *train, const float *w, float b, double delta,
                                         double *quadratic_err)
{
    double total = 0.0, diff = 0.0;
    for (int i = 0; i < train->n; i++) {
        const float *x = train->x + (size_t)i * DIM;
        double z = b, row = 0.0, c[DIM];
        for (int j = 0; j < DIM; j++) {
            c[j] = (double)x[j] * w[j];
            z += c[j];
            row += c[j] * c[j];
        }
        double expect = 0.0;
        for (unsigned mask = 0; mask < (1u << DIM); mask++) {
            double zt = b, prob = 1.0;
            for (int j = 0; j < DIM; j++) {
                bool kept = mask >> j & 1u;
                zt += kept ? c[j] / (1.0 - delta) : 0.0;
                prob *= kept ? 1.0 - delta : delta;
            }
            expect += prob * log_partition(zt);
        }
        double r = expect - log_partition(z), p = 1.0 / (1.0 + exp(-z));
        total += r;
        diff += fabs(0.5 * delta / (1.0 - delta) * row * p * (1.0 - p) - r);
    }
    *quadratic_err = diff / total;
    return total / train->n;
}

/* The δ → 0 limit of R^q/R: Σ_ij ½A''(z_i)a_ij² / Σ_ij [A(z_i − a_ij) − A(z_i) + a_ij A'(z_i)],
   a_ij = x_ij β_j. For small δ at most one feature is dropped at a time (probability δ each),
   which moves the logit by −a_ij·(1 + O(δ)) while the others move by O(δ); to first order in δ,
   R = δ Σ_j [A(z − a_j) − A(z) + a_j A'(z)] and R^q = δ Σ_j ½A''(z)a_j². */
static double small_delta_ratio(const dlx_split *train, const float *w, float b)
{
    double quadratic = 0.0, jumps = 0.0;
    for (int i = 0; i < train->n; i++) {
        const float *x = train->x + (size_t)i * DIM;
        double z = b;
        for (int j = 0; j < DIM; j++)
            z += (double)x[j] * w[j];
        double p = 1.0 / (1.0 + exp(-z));
        for (int j = 0; j < DIM; j++) {
            double a = (double)x[j] * w[j];
            quadratic += 0.5 * p * (1.0 - p) * a * a;
            jumps += log_partition(z - a) - log_partition(z) + a * p;
        }
    }
    return quadratic / jumps;
}

static void test_clt_against_enumeration(void **state)
{
    (void)state;
    char *dir = harness_tmpdir(), path[4096];
    harness_csv m;
    optimlab_run(dir, TRAINED_YAML, &m);
    dlx_diags diags = {0};
    dlx_experiment *experiment = malloc(sizeof *experiment);
    dlx_sweep *sweep = malloc(sizeof *sweep);
    assert_non_null(experiment);
    assert_non_null(sweep);
    snprintf(path, sizeof path, "%s/exp.yaml", dir);
    assert_int_equal(experiment_load(experiment, sweep, path, NULL, -1, NULL, &diags), DLX_OK);
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, &experiment->base.data, path, &diags), DLX_OK);
    const double deltas[4] = {0.02, 0.1, 0.3, 0.5};
    for (int point = 0; point < 4; point++)
        for (int seed = 1; seed <= 3; seed++) {
            int row = -1;
            for (int r = 0; r < m.n_rows; r++)
                if ((int)harness_csv_num(&m, r, "seed") == seed && (int)harness_csv_num(&m, r, "epoch") == 200 &&
                    fabs(harness_csv_num(&m, r, "model.dropout.input") - deltas[point]) < 1e-12)
                    row = r;
            assert_true(row >= 0);
            dlx_st_file ck;
            snprintf(path, sizeof path, "%s/r/runs/p%d/main/seed-%d/checkpoint.safetensors", dir, point, seed);
            assert_int_equal(safetensors_read(path, &ck, &diags), DLX_OK);
            const float *w = safetensors_find(&ck, "out.weight")->data, b = safetensors_find(&ck, "out.bias")->data[0];
            double err_exact, exact = enumerated_dropout_penalty(&ds.train, w, b, deltas[point], &err_exact);
            double clt = harness_csv_num(&m, row, "dropout_penalty_clt");
            double column = harness_csv_num(&m, row, "dropout_penalty_exact");
            double err_column = harness_csv_num(&m, row, "dropout_penalty_rel_err");
            double quadratic = harness_csv_num(&m, row, "dropout_penalty");
            double limit = small_delta_ratio(&ds.train, w, b);
            print_message("delta %.2f seed %d: exact (2^10 masks) %.6g, column %.6g, CLT %.6g (CLT/exact %.3f), "
                          "quadratic %.6g (R^q/R %.3f, its delta->0 limit %.3f); rel err of R^q %.4g (column %.4g)\n",
                          deltas[point], seed, exact, column, clt, clt / exact, quadratic, quadratic / exact, limit,
                          err_exact, err_column);
            assert_true(fabs(column - exact) < 1e-5 * exact);
            assert_true(fabs(err_column - err_exact) < 1e-4);
            if (point == 0)
                assert_true(fabs(quadratic / exact - limit) < 0.01);
            safetensors_free(&ck);
        }
    harness_csv_free(&m);
    dataset_free(&ds);
    free(experiment);
    free(sweep);
    diags_free(&diags);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    optimlab_use_memory_tmp();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quadratic_error_grows_with_noise),
        cmocka_unit_test(test_clt_against_enumeration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
