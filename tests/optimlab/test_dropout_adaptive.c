/*
 * Reduced configs/dropout_adaptive_reg.yaml: logistic regression, n = 500, 20 features with
 * standard deviations from 1 down to 0.1 (scale_ratio 10), input dropout δ = 0.3, full-batch
 * Adagrad to convergence; for data seeds 1..8.
 *
 * Claims (issue 4, reproduction 5; Wager, Wang & Liang 2013, §2–4):
 *   - the dropout_penalty column is δ/(2(1−δ))·(1/n)Σ_i p_i(1−p_i)Σ_j x_ij²β_j², recomputed
 *     here in double from the checkpoint's weights (relative error < 1e-5);
 *   - the dropout_quadratic reference is a stationary point (||∇f|| < 1e-10);
 *   - dropout's coefficients are close to the dropout_quadratic optimum (dist_to_ref < 0.1)
 *     and at least 5 times closer to it than to L2 with the matched strength
 *     λ = 2·dropout_penalty/||β||² (its exact optimum, reference logistic);
 *   - shrinkage Σ|w_j|/Σ|w_j(mle)| against the unpenalized fit: L2 keeps at least 0.15 less
 *     on the small-scale features (s_j < 0.3) than on the large ones (s_j > 0.5); dropout's
 *     two shrinkages differ by less than 0.1 (Wager et al.'s penalty is scale-free in s_j·β_j).
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
#include "solvers/reference.h"

#define DIM 20

static const char *const YAML =
    "experiment: dropout_adaptive_reduced\n"
    "data: {source: synthetic, kind: logistic, n_train: 500, n_test: 50, dim: 20, scale_ratio: 10,\n"
    "       seed: %d, preprocess: none}\n"
    "model: {type: logistic, init: zeros, dropout: {input: 0.3}}\n"
    "reference: dropout_quadratic\n"
    "optimizer: {type: adagrad, lr: 0.5}\n"
    "training: {epochs: 1000, batch_size: full, eval_every: 1000}\n"
    "diagnostics: [dist_to_ref, dropout_penalty, weight_norm]\n";

/* ||a − b|| / ||b|| over d + 1 values, a in float. */
static double rel_dist(const float *w, float b, const double *ref)
{
    double diff = 0.0, norm = 0.0;
    for (int j = 0; j <= DIM; j++) {
        double t = j < DIM ? w[j] : b;
        diff += (t - ref[j]) * (t - ref[j]);
        norm += ref[j] * ref[j];
    }
    return sqrt(diff / norm);
}

/* Σ|w_j| / Σ|mle_j| over the features whose scale s_j = 10^(−j/(DIM−1)) lies in (lo, hi):
   how much of the unpenalized fit's size a fit keeps there. */
static double shrinkage(const double *w, const double *mle, double lo, double hi)
{
    double kept = 0.0, full = 0.0;
    for (int j = 0; j < DIM; j++) {
        double s = pow(10.0, -(double)j / (DIM - 1));
        if (s > lo && s < hi) {
            kept += fabs(w[j]);
            full += fabs(mle[j]);
        }
    }
    return kept / full;
}

/* The unpenalized (mle) or L2 optimum of the data of cfg, by reference logistic. */
static void logistic_optimum(dlx_reference *out, const dlx_config *base, const dlx_dataset *ds, double l2)
{
    dlx_config cfg = *base;
    cfg.reference = REF_LOGISTIC;
    cfg.regularizer.l2 = l2;
    cfg.model.dropout_input = 0.0;
    dlx_diags diags = {0};
    assert_int_equal(reference_compute(out, &cfg, ds, &diags), DLX_OK);
    diags_free(&diags);
}

static void check_seed(int seed)
{
    char *dir = harness_tmpdir(), text[4096], path[4096];
    snprintf(text, sizeof text, YAML, seed);
    harness_csv m;
    optimlab_run(dir, text, &m);
    int last = m.n_rows - 1;
    double dist_q = harness_csv_num(&m, last, "dist_to_ref"), penalty = harness_csv_num(&m, last, "dropout_penalty");
    double norm = harness_csv_num(&m, last, "weight_norm.out"), lambda = 2.0 * penalty / (norm * norm);
    harness_csv_free(&m);

    dlx_diags diags = {0};
    dlx_experiment *experiment = malloc(sizeof *experiment);
    dlx_sweep *sweep = malloc(sizeof *sweep);
    assert_non_null(experiment);
    assert_non_null(sweep);
    snprintf(path, sizeof path, "%s/exp.yaml", dir);
    assert_int_equal(experiment_load(experiment, sweep, path, NULL, -1, NULL, &diags), DLX_OK);
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, &experiment->base.data, path, &diags), DLX_OK);
    dlx_reference quad, l2, mle;
    assert_int_equal(reference_compute(&quad, &experiment->base, &ds, &diags), DLX_OK);
    logistic_optimum(&l2, &experiment->base, &ds, lambda);
    logistic_optimum(&mle, &experiment->base, &ds, 0.0);

    dlx_st_file ck;
    snprintf(path, sizeof path, "%s/r/runs/main/seed-1/checkpoint.safetensors", dir);
    assert_int_equal(safetensors_read(path, &ck, &diags), DLX_OK);
    const float *w = safetensors_find(&ck, "out.weight")->data, b = safetensors_find(&ck, "out.bias")->data[0];
    double sum = 0.0, wd[DIM];
    for (int i = 0; i < ds.train.n; i++) {
        const float *x = ds.train.x + (size_t)i * DIM;
        double z = b, row = 0.0;
        for (int j = 0; j < DIM; j++) {
            z += (double)w[j] * x[j];
            row += (double)x[j] * x[j] * w[j] * w[j];
        }
        double p = 1.0 / (1.0 + exp(-z));
        sum += p * (1.0 - p) * row;
    }
    double expected = 0.3 / (2.0 * 0.7) * sum / ds.train.n;
    for (int j = 0; j < DIM; j++)
        wd[j] = w[j];
    double dist_l2 = rel_dist(w, b, l2.theta);
    double gap_dropout = shrinkage(wd, mle.theta, 0.5, 2.0) - shrinkage(wd, mle.theta, 0.0, 0.3);
    double gap_l2 = shrinkage(l2.theta, mle.theta, 0.5, 2.0) - shrinkage(l2.theta, mle.theta, 0.0, 0.3);
    print_message("data seed %d: dropout_penalty %.6g (recomputed %.6g), ||grad f(theta*)|| %.2g, lambda %.4g, "
                  "dist to dropout_quadratic %.4g, to l2_matched %.4g; shrinkage gap large-small: "
                  "dropout %.3f, l2 %.3f\n", seed, penalty, expected, quad.grad_norm, lambda, dist_q, dist_l2,
                  gap_dropout, gap_l2);
    assert_true(fabs(penalty - expected) < 1e-5 * expected);
    assert_true(quad.grad_norm < 1e-10);
    assert_true(dist_q < 0.1);
    assert_true(dist_l2 > 5.0 * dist_q);
    assert_true(fabs(gap_dropout) < 0.1);
    assert_true(gap_l2 > 0.15);

    safetensors_free(&ck);
    reference_free(&quad);
    reference_free(&l2);
    reference_free(&mle);
    dataset_free(&ds);
    free(experiment);
    free(sweep);
    diags_free(&diags);
    harness_rmtree(dir);
    free(dir);
}

static void test_dropout_approaches_quadratic_penalty(void **state)
{
    (void)state;
    for (int seed = 1; seed <= 8; seed++)
        check_seed(seed);
}

int main(void)
{
    optimlab_use_memory_tmp();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_dropout_approaches_quadratic_penalty)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
