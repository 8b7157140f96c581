/*
 * Reduced configs/dropout_ridge.yaml: n = 100, d = 5, input dropout rate 0.3
 * (keep p = 0.7), data seeds 1..3, run seeds 1..4, and the pieces it rests on.
 *
 * Claims (Srivastava et al. 2014, §9.1):
 *   - least squares on J masked copies of the training set
 *     (regularizer.dropout_copies: J, full-batch GD to convergence)
 *     approaches the data-dependent ridge solution
 *     (XᵀX + ((1−p)/p)·diag(XᵀX))⁻¹Xᵀy (reference dropout_ridge): the slope
 *     of log dist_to_ref against log J over every (J, seed), J ∈ {1, 16, 256},
 *     lies in [−0.7, −0.3] (theory −1/2), and the geometric mean distance at
 *     J = 256 is below 0.2 times that at J = 1 (theory 1/16); GD has
 *     converged (dist_to_ref at epochs 75 and 150 agree to 1e-3, relative);
 *   - with the same masks, inverted dropout's converged weights are p times
 *     those of test-time scaling (every weight's ratio within 1e-4 of p), and
 *     both predict the same at test time (test losses within 1e-5, relative).
 * Also: the reference is the minimizer of the exact expectation of the mse
 * over all 2^(n·d) masks of a small problem (its gradient, enumerated, is 0),
 * the copies hold x·m/p (inverted) or x·m (test-time), and misuses are
 * located errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/dropout_copies.h"
#include "data/split.h"
#include "io/safetensors.h"
#include "solvers/reference.h"
#include "optimlab_util.h"

enum { N_DATA_SEEDS = 3, N_SEEDS = 4, DIM = 5 };
static const double KEEP = 0.7;

static const char *const YAML =
    "experiment: dropout_ridge_reduced\n"
    "seeds: 4\n"
    "data: {source: synthetic, kind: linear, n_train: 100, n_test: 50, dim: 5, noise: 0.5,\n"
    "       condition: 4, seed: %d, preprocess: none}\n"
    "model: {type: linear, init: zeros, dropout: {input: 0.3}}\n"
    "reference: dropout_ridge\n"
    "optimizer: {type: sgd, lr: theory}\n"
    "training: {epochs: 150, batch_size: full, shuffle: false, eval_every: 75}\n"
    "diagnostics: [dist_to_ref]\n"
    "arms:\n"
    "  - {name: J1, regularizer: {dropout_copies: 1}}\n"
    "  - {name: J16, regularizer: {dropout_copies: 16}}\n"
    "  - {name: J256, regularizer: {dropout_copies: 256}}\n"
    "  - {name: J16_test_time, model: {dropout: {input: 0.3, scaling: test_time}},\n"
    "     regularizer: {dropout_copies: 16}}\n";

/* out.weight of a run's checkpoint into w[DIM]. */
static void read_weights(const char *dir, const char *arm, int seed, double *w)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/r/runs/%s/seed-%d/checkpoint.safetensors", dir, arm, seed);
    dlx_st_file f;
    dlx_diags d = {0};
    assert_int_equal(safetensors_read(path, &f, &d), DLX_OK);
    const dlx_st_tensor *t = safetensors_find(&f, "out.weight");
    assert_non_null(t);
    assert_int_equal(t->numel, DIM);
    for (int j = 0; j < DIM; j++)
        w[j] = t->data[j];
    safetensors_free(&f);
    diags_free(&d);
}

/* The row of (arm, seed) at a given epoch. */
static int row_of(const harness_csv *m, const char *arm, int seed, int epoch)
{
    for (int r = 0; r < m->n_rows; r++)
        if (strcmp(harness_csv_str(m, r, "arm"), arm) == 0 && (int)harness_csv_num(m, r, "seed") == seed &&
            (int)harness_csv_num(m, r, "epoch") == epoch)
            return r;
    fail_msg("no row for %s seed %d epoch %d", arm, seed, epoch);
    return -1;
}

static void test_reduced_claims(void **state)
{
    (void)state;
    const char *arms[] = {"J1", "J16", "J256"};
    const int js[] = {1, 16, 256};
    for (int data_seed = 1; data_seed <= N_DATA_SEEDS; data_seed++) {
        char *dir = harness_tmpdir();
        char text[4096];
        snprintf(text, sizeof text, YAML, data_seed);
        harness_csv m;
        optimlab_run(dir, text, &m);
        double sx = 0, sy = 0, sxx = 0, sxy = 0, log_mean[3] = {0};
        int count = 0;
        for (int a = 0; a < 3; a++)
            for (int seed = 1; seed <= N_SEEDS; seed++) {
                double mid = harness_csv_num(&m, row_of(&m, arms[a], seed, 75), "dist_to_ref");
                double end = harness_csv_num(&m, row_of(&m, arms[a], seed, 150), "dist_to_ref");
                assert_true(fabs(mid - end) <= 1e-3 * end);
                double x = log(js[a]), y = log(end);
                sx += x, sy += y, sxx += x * x, sxy += x * y, count++;
                log_mean[a] += y / N_SEEDS;
            }
        double slope = (count * sxy - sx * sy) / (count * sxx - sx * sx);
        double ratio = exp(log_mean[2] - log_mean[0]);
        print_message("data seed %d: slope %.3f, geometric-mean ratio J256/J1 %.4f\n", data_seed, slope,
                      ratio);
        assert_true(slope >= -0.7 && slope <= -0.3);
        assert_true(ratio < 0.2);
        for (int seed = 1; seed <= N_SEEDS; seed++) {
            double inv[DIM], tt[DIM], worst = 0;
            read_weights(dir, "J16", seed, inv);
            read_weights(dir, "J16_test_time", seed, tt);
            for (int j = 0; j < DIM; j++)
                worst = fmax(worst, fabs(inv[j] / tt[j] - KEEP));
            double li = harness_csv_num(&m, row_of(&m, "J16", seed, 150), "test_loss");
            double lt = harness_csv_num(&m, row_of(&m, "J16_test_time", seed, 150), "test_loss");
            print_message("  seed %d: max |w_inv/w_tt − p| %.2g, test losses %.9g %.9g\n", seed, worst, li,
                          lt);
            assert_true(worst <= 1e-4);
            assert_true(fabs(li - lt) <= 1e-5 * li);
        }
        harness_csv_free(&m);
        harness_rmtree(dir);
        free(dir);
    }
}

/* n = 4 examples, d = 2: the gradient of the exact expected mse over all
   2^8 input masks (inverted scaling) vanishes at the reference θ*; with
   test-time scaling θ*'s weights are 1/p times the inverted ones. */
static void test_reference_is_the_expected_optimum(void **state)
{
    (void)state;
    enum { N = 4, D = 2 };
    const float x[N * D] = {1.0f, -0.5f, 0.3f, 2.0f, -1.2f, 0.7f, 0.4f, -0.9f};
    const float y[N] = {0.8f, 1.9f, -1.1f, 0.2f};
    dlx_dataset ds = {0};
    dlx_diags d = {0};
    assert_int_equal(split_alloc(&ds.train, N, D, 1, "train", &d), DLX_OK);
    assert_int_equal(split_alloc(&ds.test, N, D, 1, "test", &d), DLX_OK);
    memcpy(ds.train.x, x, sizeof x);
    memcpy(ds.train.targets, y, sizeof y);
    memcpy(ds.test.x, x, sizeof x);
    memcpy(ds.test.targets, y, sizeof y);
    dlx_config cfg = {0};
    cfg.model.type = MODEL_LINEAR;
    cfg.model.dropout_input = 1.0 - KEEP;
    cfg.model.dropout_kind = DROPOUT_BERNOULLI;
    cfg.loss = LOSS_MSE;
    cfg.reference = REF_DROPOUT_RIDGE;
    dlx_reference ref;
    assert_int_equal(reference_compute(&ref, &cfg, &ds, &d), DLX_OK);
    double w[D] = {ref.theta[0], ref.theta[1]}, b = ref.theta[2];
    /* ∇ of E_m (1/N)Σ_i (y_i − Σ_j m_ij x_ij w_j / p − b)², enumerated. */
    double grad[D + 1] = {0};
    for (unsigned masks = 0; masks < (1u << (N * D)); masks++) {
        double prob = 1.0;
        for (int bit = 0; bit < N * D; bit++)
            prob *= (masks >> bit & 1u) ? KEEP : 1.0 - KEEP;
        for (int i = 0; i < N; i++) {
            double xt[D], e = b - y[i];
            for (int j = 0; j < D; j++) {
                xt[j] = (masks >> (i * D + j) & 1u) ? x[i * D + j] / KEEP : 0.0;
                e += xt[j] * w[j];
            }
            for (int j = 0; j < D; j++)
                grad[j] += prob * 2.0 * e * xt[j] / N;
            grad[D] += prob * 2.0 * e / N;
        }
    }
    print_message("θ* = (%.6f, %.6f, %.6f), enumerated gradient (%.2g, %.2g, %.2g)\n", w[0], w[1], b, grad[0],
                  grad[1], grad[2]);
    for (int k = 0; k <= D; k++)
        assert_true(fabs(grad[k]) < 1e-12);
    /* Not plain least squares: the penalty moves the weights. */
    dlx_config ols = cfg;
    ols.reference = REF_MIN_NORM;
    dlx_reference plain;
    assert_int_equal(reference_compute(&plain, &ols, &ds, &d), DLX_OK);
    assert_true(fabs(plain.theta[0] - w[0]) > 1e-3);
    dlx_config tt = cfg;
    tt.model.dropout_scaling = DROPOUT_TEST_TIME;
    dlx_reference scaled;
    assert_int_equal(reference_compute(&scaled, &tt, &ds, &d), DLX_OK);
    for (int j = 0; j < D; j++)
        assert_float_equal(scaled.theta[j] * KEEP, w[j], 1e-12);
    assert_float_equal(scaled.theta[D], b, 1e-12);
    assert_float_equal(scaled.f_star, ref.f_star, 1e-12);
    reference_free(&ref);
    reference_free(&plain);
    reference_free(&scaled);
    dataset_free(&ds);
    diags_free(&d);
}

/* Each copy keeps an input or zeroes it; kept inputs are x/p (inverted) or
   x (test-time); the kept fraction is about p. */
static void test_copies(void **state)
{
    (void)state;
    enum { N = 50, D = 4, J = 40 };
    dlx_split src;
    dlx_diags d = {0};
    assert_int_equal(split_alloc(&src, N, D, 1, "src", &d), DLX_OK);
    for (int i = 0; i < N * D; i++)
        src.x[i] = 1.0f + (float)i;
    for (int i = 0; i < N; i++)
        src.targets[i] = (float)i;
    const dlx_dropout_scaling scalings[] = {DROPOUT_INVERTED, DROPOUT_TEST_TIME};
    for (int s = 0; s < 2; s++) {
        dlx_split out;
        dlx_rng rng;
        rng_seed(&rng, 3, 7);
        assert_int_equal(dropout_copies_split(&out, &src, J, 1.0 - KEEP, scalings[s], &rng, &d), DLX_OK);
        assert_int_equal(out.n, N * J);
        long kept = 0;
        for (int r = 0; r < out.n; r++) {
            assert_true(out.targets[r] == src.targets[r % N]);
            for (int c = 0; c < D; c++) {
                float v = out.x[(size_t)r * D + c], orig = src.x[(r % N) * D + c];
                float want = s == 0 ? (float)(orig * (1.0f / (float)KEEP)) : orig;
                assert_true(v == 0.0f || fabsf(v - want) <= 1e-6f * want);
                kept += v != 0.0f;
            }
        }
        double frac = (double)kept / (N * J * D);
        assert_true(fabs(frac - KEEP) < 0.03);
        split_free(&out);
    }
    split_free(&src);
    diags_free(&d);
}

static void test_misuse_is_located(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *yaml = harness_write(dir, "bad.yaml",
                               "experiment: bad\n"
                               "data: {source: synthetic, kind: linear}\n"
                               "model: {type: linear}\n"
                               "regularizer: {dropout_copies: 4}\n"
                               "arms:\n"
                               "  - name: l2\n"
                               "    model: {dropout: {input: 0.2}}\n"
                               "    regularizer: {l2: 0.1}\n"
                               "    reference: dropout_ridge\n");
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "validate '%s'", yaml), 2);
    print_message("%s", err);
    assert_non_null(strstr(err, "bad.yaml:4:31: error: regularizer.dropout_copies draws input dropout masks: "
                                "it needs model.dropout.input > 0 with kind bernoulli"));
    free(err);
    free(yaml);
    yaml = harness_write(dir, "bad2.yaml",
                         "experiment: bad2\n"
                         "data: {source: synthetic, kind: linear}\n"
                         "model: {type: linear, dropout: {input: 0.2}}\n"
                         "regularizer: {l2: 0.1}\n"
                         "reference: dropout_ridge\n");
    assert_int_equal(harness_dlx(NULL, &err, "run '%s' --out '%s/r' --quiet", yaml, dir), 2);
    print_message("%s", err);
    assert_non_null(strstr(err, "reference 'dropout_ridge' is the expected mse under Bernoulli input dropout"));
    free(err);
    free(yaml);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    optimlab_use_memory_tmp();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_is_the_expected_optimum), cmocka_unit_test(test_copies),
        cmocka_unit_test(test_misuse_is_located), cmocka_unit_test(test_reduced_claims),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
