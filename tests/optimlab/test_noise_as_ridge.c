/*
 * Reduced configs/noise_as_ridge.yaml: n = 100, d = 5, σ = 0.3 (ridge λ = 2σ² = 0.18), data
 * seeds 1..4, run seeds 1..8. Measured over data seeds 1..20 while writing this test: fitted
 * slopes −0.487 … −0.573; geometric-mean distance ratio J=256 / J=1 0.042 … 0.076 (theory
 * 1/16); largest change between epochs 75 and 150 8.2e-5; fresh-noise distances ≤ 0.036;
 * distance to OLS / distance to ridge ≥ 2.70.
 *
 * Claims (issue 4, reproduction 4; Bishop 1995):
 *   - least squares on J noisy copies of the training set (regularizer.noise_copies: J,
 *     full-batch GD to convergence) approaches the ridge solution with λ = 2σ² as J grows:
 *     the slope of log dist_to_ref against log J, fitted over every (J, seed) with
 *     J ∈ {1, 4, 16, 64, 256}, lies in [−0.65, −0.35] (theory: −1/2), and the geometric
 *     mean distance at J = 256 is below 0.15 times that at J = 1;
 *   - GD has converged: dist_to_ref at epochs 75 and 150 agree to 1e-3 (relative; the
 *     distances of neighbouring J differ by factors near 2, so the J effect is measured on
 *     the converged solutions, not on the optimization);
 *   - minibatch SGD with fresh noise at every step ends near the ridge solution: every seed's
 *     final distance below 0.08, and at least 2 times closer to ridge than to the unregularized
 *     least-squares solution (the same run measured against reference: min_norm).
 * And the factor with k outputs: the mse is a mean over n·k terms, so input noise adds
 * (σ²/k)‖W‖² and its ridge equivalent is λ = 2σ²/k (docs/experiments/noise_as_ridge.md).
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

#include "optimlab_util.h"
#include "solvers/step_theory.h"

#define N_SEEDS 8

static const char *const YAML =
    "experiment: noise_as_ridge_reduced\n"
    "seeds: 8\n"
    "data: {source: synthetic, kind: linear, n_train: 100, n_test: 50, dim: 5, noise: 0.5,\n"
    "       condition: 4, seed: %d, preprocess: none}\n"
    "model: {type: linear, init: zeros}\n"
    "regularizer: {input_noise: 0.3}\n"
    "reference: ridge\n"
    "optimizer: {type: sgd, lr: theory}\n"
    "training: {epochs: 150, batch_size: full, shuffle: false, eval_every: 75}\n"
    "diagnostics: [dist_to_ref]\n"
    "arms:\n"
    "  - {name: J1, regularizer: {noise_copies: 1}}\n"
    "  - {name: J4, regularizer: {noise_copies: 4}}\n"
    "  - {name: J16, regularizer: {noise_copies: 16}}\n"
    "  - {name: J64, regularizer: {noise_copies: 64}}\n"
    "  - {name: J256, regularizer: {noise_copies: 256}}\n"
    "  - name: fresh_noise\n"
    "    optimizer: {lr: 0.05, schedule: {type: inverse_time, gamma: 0.05}}\n"
    "    training: {epochs: 200, batch_size: 10, shuffle: true, eval_every: 1000}\n"
    "  - name: fresh_noise_vs_ols\n"
    "    reference: min_norm\n"
    "    optimizer: {lr: 0.05, schedule: {type: inverse_time, gamma: 0.05}}\n"
    "    training: {epochs: 200, batch_size: 10, shuffle: true, eval_every: 1000}\n";

static const int COPIES[] = {1, 4, 16, 64, 256};
#define N_COPIES 5

/* Final dist_to_ref of each seed of an arm into d[N_SEEDS]; checks that the
   arm's last two rows of each seed agree when converged is set. */
static void final_distances(const harness_csv *m, const char *arm, double *d, bool converged)
{
    int first, end, k = 0;
    optimlab_arm_rows(m, arm, &first, &end);
    for (int r = first; r < end; r++) {
        bool last = r + 1 == end || strcmp(harness_csv_str(m, r, "seed"), harness_csv_str(m, r + 1, "seed"));
        if (!last)
            continue;
        assert_true(k < N_SEEDS);
        d[k] = harness_csv_num(m, r, "dist_to_ref");
        if (converged)
            assert_true(fabs(harness_csv_num(m, r - 1, "dist_to_ref") - d[k]) <= 1e-3 * d[k]);
        k++;
    }
    assert_int_equal(k, N_SEEDS);
}

static double geometric_mean(const double *x, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += log(x[i]);
    return exp(s / n);
}

static void check_seed(int seed)
{
    char *dir = harness_tmpdir(), text[4096];
    snprintf(text, sizeof text, YAML, seed);
    harness_csv m;
    optimlab_run(dir, text, &m);
    /* least-squares slope of log d against log J over all (J, seed) */
    double sx = 0, sy = 0, sxx = 0, sxy = 0, gm[N_COPIES], d[N_SEEDS];
    for (int c = 0; c < N_COPIES; c++) {
        char arm[16];
        snprintf(arm, sizeof arm, "J%d", COPIES[c]);
        final_distances(&m, arm, d, true);
        gm[c] = geometric_mean(d, N_SEEDS);
        for (int k = 0; k < N_SEEDS; k++) {
            double x = log(COPIES[c]), y = log(d[k]);
            sx += x, sy += y, sxx += x * x, sxy += x * y;
        }
    }
    double n = N_COPIES * N_SEEDS, slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    double fresh[N_SEEDS], ols[N_SEEDS], fresh_max = 0.0, ratio_min = INFINITY;
    final_distances(&m, "fresh_noise", fresh, false);
    final_distances(&m, "fresh_noise_vs_ols", ols, false);
    for (int k = 0; k < N_SEEDS; k++) {
        fresh_max = fmax(fresh_max, fresh[k]);
        ratio_min = fmin(ratio_min, ols[k] / fresh[k]);
    }
    print_message("data seed %d: slope %.3f, geometric mean dist J=1 %.4f J=256 %.4f; fresh noise max %.4f, "
                  "min dist_ols/dist_ridge %.2f\n", seed, slope, gm[0], gm[N_COPIES - 1], fresh_max, ratio_min);
    assert_true(slope >= -0.65 && slope <= -0.35);
    assert_true(gm[N_COPIES - 1] < 0.15 * gm[0]);
    assert_true(fresh_max < 0.08);
    assert_true(ratio_min > 2.0);
    harness_csv_free(&m);
    harness_rmtree(dir);
    free(dir);
}

static void test_noise_as_ridge(void **state)
{
    (void)state;
    optimlab_use_memory_tmp();
    for (int seed = 1; seed <= 4; seed++)
        check_seed(seed);
}

/* μ of lr: theory's Hessian for mse on k = 3 one-hot classes, standardized inputs (so the
   bias is decoupled: its eigenvalue is 2/k), with and without input noise σ = 0.1: the smallest
   eigenvalue is a weight direction, (2/k)(λ_min(corr) + σ²), so the difference is 2σ²/k. */
static void test_noise_factor_with_k_outputs(void **state)
{
    (void)state;
    static const char *const text =
        "experiment: noise_k\n"
        "data: {source: synthetic, kind: gaussian_mixture, classes: 3, n_train: 300, n_test: 10,\n"
        "       dim: 4, seed: 2, preprocess: standardize}\n"
        "model: {type: linear}\n"
        "loss: mse\n"
        "regularizer: {input_noise: %s}\n"
        "optimizer: {type: sgd, lr: theory}\n";
    double mu[2];
    const char *sigma[2] = {"0.0", "0.1"};
    char *dir = harness_tmpdir();
    for (int v = 0; v < 2; v++) {
        char yaml_text[1024];
        snprintf(yaml_text, sizeof yaml_text, text, sigma[v]);
        char *yaml = harness_write(dir, "k.yaml", yaml_text);
        dlx_diags diags = {0};
        dlx_config base;
        dlx_dataset ds;
        optimlab_load_base(yaml, &base, &ds);
        dlx_curvature c;
        assert_int_equal(curvature_compute(&c, &base, &ds, &diags), DLX_OK);
        mu[v] = c.mu;
        assert_true(c.mu < 2.0 / 3.0 - 0.05); /* a weight direction, not the bias */
        dataset_free(&ds);
        free(yaml);
        diags_free(&diags);
    }
    print_message("mu without noise %.9g, with sigma 0.1 %.9g: difference %.9g (2 sigma^2 / 3 = %.9g)\n",
                  mu[0], mu[1], mu[1] - mu[0], 2 * 0.01 / 3);
    assert_true(fabs((mu[1] - mu[0]) - 2 * 0.01 / 3) < 1e-9);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noise_as_ridge),
        cmocka_unit_test(test_noise_factor_with_k_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
