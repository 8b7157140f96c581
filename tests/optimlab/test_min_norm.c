/*
 * Reduced configs/min_norm.yaml: underdetermined least squares (p = 60 > n = 20),
 * full-batch gradient descent, for data seeds 1..5.
 *
 * Claims (issue 4, reproduction 3; lecture "Tikhonov regularization"):
 *   - from θ₀ = 0, GD converges to the pseudo-inverse solution θ* = [X 1]⁺y:
 *     dist_to_ref < 1e-5 at the end;
 *   - from θ₀ ≠ 0 (written to a file here, so the test knows it), GD converges to
 *     another interpolant (training loss ~ 0, dist_to_ref > 0.1), and the
 *     difference is exactly the start's null-space component:
 *     θ_∞ = θ* + (I − P)θ₀, P = A⁺A the projection on the row space of A = [X 1].
 *     Pθ₀ is computed as the min-norm solution for targets Aθ₀ (solvers/reference.c).
 *
 * And configs/min_norm.yaml's ridge arms as they are (float64, one seed; then float32):
 *   - ‖θ_λ − θ*‖/‖θ*‖ (arms ridge_L, reference min_norm) falls as λ¹: the least-squares
 *     slope of log distance on log λ over λ = 1e-4..1e-1 lies in [0.95, 1.05];
 *   - GD reaches its own closed-form ridge optimum (arms ridge_L_gd, reference ridge) below
 *     1e-10 in float64, while float32 stays above 1e-9 (a float64 run that silently ran in
 *     float32 fails).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "optimlab_util.h"
#include "data/dataset.h"
#include "io/safetensors.h"
#include "spec/experiment.h"
#include "solvers/reference.h"

#define DIM 60

static const char *const YAML =
    "experiment: min_norm_reduced\n"
    "data: {source: synthetic, kind: linear, n_train: 20, n_test: 50, dim: 60, noise: 0.1,\n"
    "       condition: 10, seed: %d, preprocess: none}\n"
    "model: {type: linear, init: zeros}\n"
    "reference: min_norm\n"
    "optimizer: {type: sgd, lr: 0.2}\n"
    "training: {epochs: 1500, batch_size: full, eval_every: 500}\n"
    "diagnostics: [suboptimality, dist_to_ref]\n"
    "arms:\n"
    "  - name: from_zero\n"
    "  - name: elsewhere\n"
    "    model: {init: {from: '%s/init.safetensors'}}\n";

/* A deterministic N(0, 0.1²)-like start from a simple generator (Box-Muller). */
static void random_start(float *theta, int n, unsigned seed)
{
    uint64_t s = 0x9E3779B97F4A7C15ull * (seed + 1);
    for (int i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double u1 = ((s >> 11) + 1.0) / 9007199254740993.0;
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double u2 = (s >> 11) / 9007199254740992.0;
        theta[i] = (float)(0.1 * sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2));
    }
}

static void check_seed(int seed)
{
    char *dir = harness_tmpdir();
    float theta0[DIM + 1];
    random_start(theta0, DIM + 1, (unsigned)seed);
    dlx_tensor init[2] = {
        {.name = "out.weight", .ndim = 2, .shape = {1, DIM}, .data = theta0, .is_weight = true},
        {.name = "out.bias", .ndim = 1, .shape = {1, 0}, .data = theta0 + DIM},
    };
    dlx_diags diags = {0};
    char path[4096], text[4096];
    snprintf(path, sizeof path, "%s/init.safetensors", dir);
    if (safetensors_write(path, init, 2, NULL, NULL, 0, &diags) != DLX_OK) {
        diags_print(&diags, stderr);
        fail();
    }
    snprintf(text, sizeof text, YAML, seed, dir);
    char *yaml = harness_write(dir, "exp.yaml", text);
    char *err = NULL;
    if (harness_dlx(NULL, &err, "run '%s' --out '%s/r' --quiet --threads 1", yaml, dir) != 0)
        fail_msg("dlx failed: %s", err);
    free(err);

    harness_csv m;
    snprintf(path, sizeof path, "%s/r/metrics.csv", dir);
    assert_int_equal(harness_csv_read(&m, path), 0);
    int last_zero = m.n_rows / 2 - 1, last_else = m.n_rows - 1;
    assert_string_equal(harness_csv_str(&m, last_zero, "arm"), "from_zero");
    double d_zero = harness_csv_num(&m, last_zero, "dist_to_ref");
    double d_else = harness_csv_num(&m, last_else, "dist_to_ref");
    double f_else = harness_csv_num(&m, last_else, "suboptimality");
    harness_csv_free(&m);

    /* θ* and Pθ₀ from the same data */
    dlx_experiment *exp = malloc(sizeof *exp);
    dlx_sweep *sweep = malloc(sizeof *sweep);
    assert_non_null(exp);
    assert_non_null(sweep);
    assert_int_equal(experiment_load(exp, sweep, yaml, NULL, -1, NULL, &diags), DLX_OK);
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, &exp->base.data, yaml, &diags), DLX_OK);
    dlx_reference star, proj;
    assert_int_equal(reference_compute(&star, &exp->base, &ds, &diags), DLX_OK);
    for (int i = 0; i < ds.train.n; i++) {
        double z = theta0[DIM];
        for (int j = 0; j < DIM; j++)
            z += (double)ds.train.x[(size_t)i * DIM + j] * theta0[j];
        ds.train.targets[i] = (float)z;
    }
    assert_int_equal(reference_compute(&proj, &exp->base, &ds, &diags), DLX_OK);

    dlx_st_file ck;
    snprintf(path, sizeof path, "%s/r/runs/elsewhere/seed-1/checkpoint.safetensors", dir);
    assert_int_equal(safetensors_read(path, &ck, &diags), DLX_OK);
    const dlx_st_tensor *w = safetensors_find(&ck, "out.weight"), *b = safetensors_find(&ck, "out.bias");
    assert_non_null(w);
    assert_non_null(b);
    double err2 = 0.0, null2 = 0.0;
    for (int i = 0; i <= DIM; i++) {
        double final = i < DIM ? w->data[i] : b->data[0];
        double null_part = theta0[i] - proj.theta[i];
        double predicted = star.theta[i] + null_part;
        err2 += (final - predicted) * (final - predicted);
        null2 += null_part * null_part;
    }
    double rel = sqrt(err2 / null2);
    print_message("data seed %d: from 0 dist_to_ref %.3g; elsewhere dist_to_ref %.4g, "
                  "f - f* %.2g, |theta_inf - (theta* + (I-P)theta_0)| / |(I-P)theta_0| = %.2g\n",
                  seed, d_zero, d_else, f_else, rel);
    assert_true(d_zero < 1e-5);
    assert_true(d_else > 0.1);
    assert_true(f_else < 1e-10);
    assert_true(rel < 1e-3);

    safetensors_free(&ck);
    reference_free(&star);
    reference_free(&proj);
    dataset_free(&ds);
    free(exp);
    free(sweep);
    diags_free(&diags);
    free(yaml);
    harness_rmtree(dir);
    free(dir);
}

static void test_min_norm_claims(void **state)
{
    (void)state;
    for (int seed = 1; seed <= 5; seed++)
        check_seed(seed);
}

/* Slope of the least-squares line through (log x_i, log y_i). */
static double loglog_slope(const double *x, const double *y, int n)
{
    double mx = 0, my = 0, sxy = 0, sxx = 0;
    for (int i = 0; i < n; i++) {
        mx += log(x[i]) / n;
        my += log(y[i]) / n;
    }
    for (int i = 0; i < n; i++) {
        sxy += (log(x[i]) - mx) * (log(y[i]) - my);
        sxx += (log(x[i]) - mx) * (log(x[i]) - mx);
    }
    return sxy / sxx;
}

static void check_ridge_arms(const char *precision)
{
    static const char *const lambdas[] = {"1e-4", "1e-3", "1e-2", "1e-1"};
    char *dir = harness_tmpdir();
    char args[256];
    snprintf(args, sizeof args,
             "--seeds 1 --arms ridge_1e-4,ridge_1e-4_gd,ridge_1e-3,ridge_1e-3_gd,ridge_1e-2,"
             "ridge_1e-2_gd,ridge_1e-1,ridge_1e-1_gd --set precision=%s --quiet", precision);
    harness_csv m;
    assert_int_equal(harness_run_config(&m, dir, "min_norm", args, "metrics.csv"), 0);
    double lam[4], dist[4], worst_gd = 0.0, best_gd = INFINITY;
    for (int i = 0; i < 4; i++) {
        char arm[32];
        lam[i] = strtod(lambdas[i], NULL);
        snprintf(arm, sizeof arm, "ridge_%s", lambdas[i]);
        dist[i] = harness_csv_last(&m, arm, 1, "dist_to_ref");
        snprintf(arm, sizeof arm, "ridge_%s_gd", lambdas[i]);
        double gd = harness_csv_last(&m, arm, 1, "dist_to_ref");
        worst_gd = fmax(worst_gd, gd);
        best_gd = fmin(best_gd, gd);
        print_message("%s: lambda %s: |theta_l - theta+|/|theta+| %.6g, GD to its ridge optimum %.3g\n",
                      precision, lambdas[i], dist[i], gd);
    }
    double slope = loglog_slope(lam, dist, 4);
    print_message("%s: slope of the distance to the pseudo-inverse in lambda: %.4f\n", precision, slope);
    assert_true(slope >= 0.95 && slope <= 1.05);
    if (strcmp(precision, "float64") == 0)
        assert_true(worst_gd < 1e-10);
    else
        assert_true(best_gd > 1e-9);
    harness_csv_free(&m);
    harness_rmtree(dir);
    free(dir);
}

static void test_ridge_path_float64(void **state)
{
    (void)state;
    check_ridge_arms("float64");
    check_ridge_arms("float32");
}

int main(void)
{
    optimlab_use_memory_tmp();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_min_norm_claims),
                                       cmocka_unit_test(test_ridge_path_float64)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
