/*
 * The claims of configs/homogeneity.yaml (Haeffele & Vidal 2015: the certificate needs a
 * regularizer of the network's degree of homogeneity), reduced to fewer steps, for every seed
 * of the config (1..5), with the page's tolerance polar_ratio ≤ 1 + 0.01:
 *
 *   matched (two-layer bias-free ReLU net, product λ, 15000 steps): the certificate holds on
 *   every seed (1 − tol < polar_ratio ≤ 1 + tol) and every seed ends at the same objective
 *   (max − min < 1e-3).
 *
 *   l1 (the same net, λ·Σ|W|, 5000 steps): the degree-2 test fails on every seed
 *   (polar_ratio > 2), at least one seed ends at the zero network (no active unit, objective
 *   log 3 to 1e-3: a local minimum of a degree-1 penalty on a degree-2 network) and the
 *   objective spreads over seeds by more than 0.03.
 *
 *   deep_l2 (three-layer bias-free ReLU net, weight decay, 5000 steps): the last-layer test, a
 *   necessary condition only, holds on every seed (1 − tol < polar_ratio ≤ 1 + tol: near a
 *   stationary point each unit of the last layer gives 1 on the features H it reads, which
 *   checks that the test reads the right layer), yet the objective
 *   spreads over seeds by more than 0.1: it passes at points that are not global minima.
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

#define N_SEEDS 5
#define TOL 0.01

typedef struct {
    double objective[N_SEEDS], ratio[N_SEEDS];
    int active[N_SEEDS];
    double spread;
} arm_result;

/* Runs one arm of configs/homogeneity.yaml for `epochs` steps on seeds 1..5 and reads each
   seed's last row (a row every 1000 steps: its objective is the mean over those steps). */
static arm_result run_arm(const char *dir, const char *arm, int epochs)
{
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s/configs/homogeneity.yaml' --out '%s/%s' --arms %s"
                                 " --seeds 1,2,3,4,5 --set training.epochs=%d --set training.eval_every=1000"
                                 " --jobs 2 --quiet", harness_source_root(), dir, arm, arm, epochs), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/metrics.csv", dir, arm);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    arm_result r = {0};
    int seen = 0;
    for (int i = 0; i < csv.n_rows; i++) {
        if (harness_csv_num(&csv, i, "epoch") != epochs)
            continue;
        int s = (int)harness_csv_num(&csv, i, "seed") - 1;
        assert_true(s >= 0 && s < N_SEEDS);
        r.objective[s] = harness_csv_num(&csv, i, "objective");
        r.ratio[s] = harness_csv_num(&csv, i, "polar_ratio");
        r.active[s] = (int)harness_csv_num(&csv, i, "active_units");
        print_message("%s seed %d: objective %.9g polar_ratio %.6g active_units %d\n", arm, s + 1,
                      r.objective[s], r.ratio[s], r.active[s]);
        seen++;
    }
    assert_int_equal(seen, N_SEEDS);
    double lo = r.objective[0], hi = r.objective[0];
    for (int s = 1; s < N_SEEDS; s++) {
        lo = fmin(lo, r.objective[s]);
        hi = fmax(hi, r.objective[s]);
    }
    r.spread = hi - lo;
    print_message("%s: objective max - min %.3g\n", arm, r.spread);
    harness_csv_free(&csv);
    return r;
}

static void test_homogeneity(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();

    arm_result m = run_arm(dir, "matched", 15000);
    for (int s = 0; s < N_SEEDS; s++) {
        assert_true(m.ratio[s] <= 1 + TOL && m.ratio[s] > 1 - TOL);
        assert_true(m.active[s] > 0);
    }
    assert_true(m.spread < 1e-3);

    arm_result l1 = run_arm(dir, "l1", 5000);
    int zero_networks = 0;
    for (int s = 0; s < N_SEEDS; s++) {
        assert_true(l1.ratio[s] > 2.0);
        zero_networks += l1.active[s] == 0 && fabs(l1.objective[s] - log(3.0)) < 1e-3;
    }
    assert_true(zero_networks >= 1);
    assert_true(l1.spread > 0.03);

    arm_result deep = run_arm(dir, "deep_l2", 5000);
    for (int s = 0; s < N_SEEDS; s++)   /* near 1 from below too: the units' own directions */
        assert_true(deep.ratio[s] <= 1 + TOL && deep.ratio[s] > 1 - TOL);
    assert_true(deep.spread > 0.1);

    harness_rmtree(dir);
    free(dir);
}

/* What the polar test needs, refused by validation at every arm: relu (the deep arm too),
   and some weight λ to compare with. */
static void test_polar_refusals(void **state)
{
    (void)state;
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "validate '%s/configs/homogeneity.yaml' --set model.activation=tanh",
                                 harness_source_root()), 2);
    assert_non_null(strstr(err, "diagnostic polar needs model.activation relu"));
    free(err);
    err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "validate '%s/configs/homogeneity.yaml' --set regularizer.product=0",
                                 harness_source_root()), 2);
    assert_non_null(strstr(err, "diagnostic polar needs a regularizer weight"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polar_refusals),
        cmocka_unit_test(test_homogeneity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
