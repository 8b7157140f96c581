/*
 * The claims of configs/stability_sgd_convex.yaml (Hardt, Recht & Singer 2016), reduced
 * to 50 twin pairs instead of 400 (the rest as written: n = 200, d = 20, step 1/β,
 * 20 epochs), for seeds 1..3, both arms:
 *
 *   at every evaluation after epoch 0, the mean over the pairs of ‖θ_t − θ'_t‖ is
 *   positive and below the bound (2L/n)Σα (stab_bound, which grows linearly);
 *   the strongly convex arm (l2 0.05) stops growing: its distance at epoch 20 is at
 *   most 1.2× epoch 10's (with 50 pairs the mean itself fluctuates by ~30 % between
 *   evaluations, so only growth is excluded).
 *
 * And of configs/stability_ridge_m.yaml (Bousquet & Elisseeff 2002), reduced to
 * m ∈ {100, 400, 1600} and 200 steps (converged), data seeds 1..3, λ ∈ {0.1, 0.01},
 * replaced examples 0..4 (its arms): for every λ and data seed, the largest replace-one
 * sensitivity over the replaced examples is positive and below σ²κ²/(λm) at every m, and
 * the slope of log sensitivity against log m fitted over every (m, data seed) lies in
 * [−1.2, −0.8].
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

static void test_sgd_convex(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    assert_int_equal(harness_dlx(NULL, NULL,
                                 "run '%s/configs/stability_sgd_convex.yaml' --out '%s/out' --seeds 1,2,3"
                                 " --set 'diagnostics=[{stability: {pairs: 50, replace: 0, flip_label: true}}]'"
                                 " --jobs 2 --quiet", harness_source_root(), dir), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/out/metrics.csv", dir);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    const char *arms[] = {"convex", "strongly_convex"};
    int checked = 0;
    for (int a = 0; a < 2; a++)
        for (int seed = 1; seed <= 3; seed++) {
            double at10 = NAN, at20 = NAN, last_bound = 0;
            for (int i = 0; i < csv.n_rows; i++) {
                if (strcmp(harness_csv_str(&csv, i, "arm"), arms[a]) ||
                    harness_csv_num(&csv, i, "seed") != seed)
                    continue;
                double epoch = harness_csv_num(&csv, i, "epoch");
                double dist = harness_csv_num(&csv, i, "stab_param_dist");
                double bound = harness_csv_num(&csv, i, "stab_bound");
                if (epoch == 0) {
                    assert_true(dist == 0.0 && bound == 0.0);
                    continue;
                }
                if (!(dist > 0 && dist < bound && bound > last_bound))
                    fail_msg("%s seed %d epoch %g: distance %g, bound %g", arms[a], seed, epoch,
                             dist, bound);
                last_bound = bound;
                checked++;
                if (epoch == 10)
                    at10 = dist;
                if (epoch == 20)
                    at20 = dist;
            }
            assert_true(isfinite(at10) && isfinite(at20));
            if (a == 1 && !(at20 <= 1.2 * at10))
                fail_msg("strongly convex seed %d: distance %g at epoch 20, %g at epoch 10", seed,
                         at20, at10);
        }
    assert_int_equal(checked, 2 * 3 * 20);
    harness_csv_free(&csv);
    harness_rmtree(dir);
    free(dir);
}

/* Bousquet & Elisseeff's bound for ridge with dlx's (λ/2)‖w‖², B = κ = 1 (the page):
   σ = 2(1 + √(2/λ)), β ≤ σ²/(λm). */
static double be_bound(double lambda, double m)
{
    double sigma = 2.0 * (1.0 + sqrt(2.0 / lambda));
    return sigma * sigma / (lambda * m);
}

static void test_ridge_m(void **state)
{
    (void)state;
    const char *root = harness_source_root();
    char *dir = harness_tmpdir();
    assert_int_equal(harness_dlx(NULL, NULL,
                                 "run '%s/configs/stability_ridge_m.yaml' --out '%s/out'"
                                 " --set 'sweep={data.n_train: [100, 400, 1600], data.seed: [1, 2, 3]}'"
                                 " --set training.epochs=200"
                                 " --set data.train='%s/configs/data/stability_ridge_train.csv'"
                                 " --set data.test='%s/configs/data/stability_ridge_test.csv'"
                                 " --jobs 2 --quiet", root, dir, root, root), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/out/metrics.csv", dir);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    const double lambdas[] = {0.1, 0.01}, ms[] = {100, 400, 1600};
    double sens[2][3][3] = {{{0}}};   /* [λ][m][data seed]: max over the replaced examples */
    for (int i = 0; i < csv.n_rows; i++) {
        if (harness_csv_num(&csv, i, "epoch") != 200)
            continue;
        const char *arm = harness_csv_str(&csv, i, "arm");
        int l = strncmp(arm, "l2_0.1_", 7) == 0 ? 0 : strncmp(arm, "l2_0.01_", 8) == 0 ? 1 : -1;
        assert_true(l >= 0);
        double m = harness_csv_num(&csv, i, "data.n_train");
        int d = (int)harness_csv_num(&csv, i, "data.seed") - 1;
        int k = m == 100 ? 0 : m == 400 ? 1 : m == 1600 ? 2 : -1;
        assert_true(k >= 0 && d >= 0 && d < 3);
        double v = harness_csv_num(&csv, i, "stab_loss_sens");
        if (v > sens[l][k][d])
            sens[l][k][d] = v;
    }
    for (int l = 0; l < 2; l++) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = 0;
        for (int k = 0; k < 3; k++)
            for (int d = 0; d < 3; d++) {
                double v = sens[l][k][d];
                if (!(v > 0 && v < be_bound(lambdas[l], ms[k])))
                    fail_msg("λ %g m %g data seed %d: sensitivity %g, bound %g", lambdas[l], ms[k],
                             d + 1, v, be_bound(lambdas[l], ms[k]));
                double x = log(ms[k]), y = log(v);
                sx += x, sy += y, sxx += x * x, sxy += x * y, n++;
            }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        if (!(slope >= -1.2 && slope <= -0.8))
            fail_msg("λ %g: fitted slope %g outside [-1.2, -0.8]", lambdas[l], slope);
        print_message("λ %g: slope %.3f\n", lambdas[l], slope);
    }
    harness_csv_free(&csv);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgd_convex),
        cmocka_unit_test(test_ridge_m),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
