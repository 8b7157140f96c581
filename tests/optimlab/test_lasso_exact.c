/*
 * The lasso at full precision (Tibshirani 1996), in the float64 build: the data of
 * configs/lasso_vs_ridge.yaml (n = 100, p = 50, 5-sparse truth, noise 0.5) loaded here in
 * double, the runs made by dlx with `precision: float64`, proximal gradient descent
 * (η = 1/L, soft thresholding) for 3000 full-batch steps, the final weights read back from
 * the F64 checkpoint. With mse = (1/n)Σ(y − xᵀw − b)² and penalty λ‖w‖₁, the optimality
 * (KKT) conditions are g_j + λ·sign(w_j) = 0 where w_j ≠ 0 and |g_j| ≤ λ where w_j = 0, with
 * g = ∇_w mse = −(2/n)Xᵀr, and ∂mse/∂b = 0. Claims, for data seeds 1..3:
 *   - the KKT violation of the trained weights at λ = 0.5 is below 1e-10;
 *   - λ_max = max_j |(2/n) x_jᵀ(y − ȳ)| (the smallest λ whose solution is w = 0): the
 *     weights are exactly 0 at λ = λ_max and exactly one is nonzero at 0.99·λ_max, the
 *     coordinate attaining the max;
 *   - on an orthonormal design ((1/n)XᵀX = I, centred columns: data.exact_covariance with
 *     condition 1) the solution is soft thresholding, w_j = S(w_LS,j, λ/2) with
 *     w_LS = (1/n)Xᵀ(y − ȳ), b = ȳ, to 1e-12.
 * The float32 figures of the same runs are printed beside (their KKT violation stops near
 * 1e-7).
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

#define DIM 50

static const char *const YAML =
    "experiment: lasso_exact\n"
    "precision: float64\n"
    "data: {source: synthetic, kind: linear, n_train: 100, n_test: 200, dim: 50, sparsity: 5,\n"
    "       noise: 0.5, seed: %d, preprocess: none%s}\n"
    "model: {type: linear, init: zeros}\n"
    "loss: mse\n"
    "regularizer: {l1: %.17g}\n"
    "optimizer: {type: sgd, lr: theory}\n"
    "training: {epochs: 3000, batch_size: full, eval_every: 1000}\n";

typedef struct {
    dlx_dataset ds;
    double ybar;
    double corr[DIM]; /* (1/n) x_jᵀ(y − ȳ) */
} lasso_data;

/* Load the data of YAML (seed, design) in double, and (1/n)Xᵀ(y − ȳ). */
static void load_data(lasso_data *d, const char *dir, int seed, const char *design)
{
    char text[2048];
    snprintf(text, sizeof text, YAML, seed, design, 0.5);
    char *yaml = harness_write(dir, "data.yaml", text);
    dlx_diags diags = {0};
    dlx_experiment *exp = malloc(sizeof *exp);
    dlx_sweep *sweep = malloc(sizeof *sweep);
    assert_non_null(exp);
    assert_non_null(sweep);
    assert_int_equal(experiment_load(exp, sweep, yaml, NULL, -1, NULL, &diags), DLX_OK);
    assert_int_equal(dataset_load(&d->ds, &exp->base.data, yaml, &diags), DLX_OK);
    const dlx_split *s = &d->ds.train;
    assert_int_equal(s->dim, DIM);
    d->ybar = 0.0;
    for (int i = 0; i < s->n; i++)
        d->ybar += s->targets[i] / s->n;
    for (int j = 0; j < DIM; j++) {
        double c = 0.0;
        for (int i = 0; i < s->n; i++)
            c += s->x[(size_t)i * DIM + j] * (s->targets[i] - d->ybar);
        d->corr[j] = c / s->n;
    }
    free(exp);
    free(sweep);
    free(yaml);
    diags_free(&diags);
}

/* Train with l1 = lambda (precision as given) and read the final w and b. */
static void train(const char *dir, int seed, const char *design, double lambda,
                  const char *precision, double *w, double *b)
{
    char text[2048];
    snprintf(text, sizeof text, YAML, seed, design, lambda);
    char *yaml = harness_write(dir, "exp.yaml", text);
    char *err = NULL;
    if (harness_dlx(NULL, &err, "run '%s' --out '%s/r' --quiet --threads 1 --force --set precision=%s",
                    yaml, dir, precision) != 0)
        fail_msg("dlx failed: %s", err);
    free(err);
    free(yaml);
    char path[4096];
    snprintf(path, sizeof path, "%s/r/runs/main/seed-1/checkpoint.safetensors", dir);
    dlx_diags diags = {0};
    dlx_st_file ck;
    assert_int_equal(safetensors_read(path, &ck, &diags), DLX_OK);
    const dlx_st_tensor *tw = safetensors_find(&ck, "out.weight"), *tb = safetensors_find(&ck, "out.bias");
    assert_non_null(tw);
    assert_non_null(tb);
    for (int j = 0; j < DIM; j++)
        w[j] = tw->data[j];
    *b = tb->data[0];
    safetensors_free(&ck);
    diags_free(&diags);
}

/* The largest violation of the lasso's optimality conditions at (w, b). */
static double kkt_violation(const dlx_split *s, const double *w, double b, double lambda)
{
    double g[DIM] = {0}, gb = 0.0;
    for (int i = 0; i < s->n; i++) {
        double r = s->targets[i] - b;
        for (int j = 0; j < DIM; j++)
            r -= s->x[(size_t)i * DIM + j] * w[j];
        for (int j = 0; j < DIM; j++)
            g[j] -= 2.0 * s->x[(size_t)i * DIM + j] * r / s->n;
        gb -= 2.0 * r / s->n;
    }
    double worst = fabs(gb);
    for (int j = 0; j < DIM; j++) {
        double v = w[j] != 0.0 ? fabs(g[j] + lambda * (w[j] > 0 ? 1.0 : -1.0))
                               : fmax(0.0, fabs(g[j]) - lambda);
        worst = fmax(worst, v);
    }
    return worst;
}

static int nonzeros(const double *w, int *which)
{
    int count = 0;
    for (int j = 0; j < DIM; j++)
        if (w[j] != 0.0) {
            count++;
            *which = j;
        }
    return count;
}

static void check_seed(int seed)
{
    char *dir = harness_tmpdir();
    lasso_data d;
    load_data(&d, dir, seed, "");
    double w[DIM], b;

    train(dir, seed, "", 0.5, "float64", w, &b);
    double kkt64 = kkt_violation(&d.ds.train, w, b, 0.5);
    train(dir, seed, "", 0.5, "float32", w, &b);
    double kkt32 = kkt_violation(&d.ds.train, w, b, 0.5);

    int argmax = 0;
    for (int j = 1; j < DIM; j++)
        if (fabs(d.corr[j]) > fabs(d.corr[argmax]))
            argmax = j;
    double lambda_max = 2.0 * fabs(d.corr[argmax]);
    int which = -1;
    train(dir, seed, "", lambda_max, "float64", w, &b);
    int nz_at_max = nonzeros(w, &which);
    train(dir, seed, "", 0.99 * lambda_max, "float64", w, &b);
    int nz_below = nonzeros(w, &which);
    int nz_below_which = which;
    train(dir, seed, "", lambda_max, "float32", w, &b);
    int nz_at_max32 = nonzeros(w, &which);
    dataset_free(&d.ds);

    /* the orthonormal design: soft thresholding of the least-squares solution */
    const char *ortho = ", exact_covariance: true, condition: 1";
    load_data(&d, dir, seed, ortho);
    double gram_err = 0.0; /* |(1/n)XᵀX − I|max: the design is what the claim needs */
    const dlx_split *s = &d.ds.train;
    for (int j = 0; j < DIM; j++)
        for (int k = 0; k < DIM; k++) {
            double c = 0.0;
            for (int i = 0; i < s->n; i++)
                c += s->x[(size_t)i * DIM + j] * s->x[(size_t)i * DIM + k];
            gram_err = fmax(gram_err, fabs(c / s->n - (j == k)));
        }
    double ortho_err[2];
    const char *precisions[] = {"float64", "float32"};
    for (int p = 0; p < 2; p++) {
        train(dir, seed, ortho, 0.5, precisions[p], w, &b);
        double e = fabs(b - d.ybar);
        for (int j = 0; j < DIM; j++) {
            double z = d.corr[j], t = 0.25; /* S(z, λ/2) */
            double soft = z > t ? z - t : z < -t ? z + t : 0.0;
            e = fmax(e, fabs(w[j] - soft));
        }
        ortho_err[p] = e;
    }
    dataset_free(&d.ds);

    print_message("data seed %d: KKT violation float64 %.3g, float32 %.3g; lambda_max %.6g: "
                  "nonzeros at lambda_max %d (float32 %d), at 0.99 lambda_max %d (coordinate %d, "
                  "argmax %d); orthonormal design |XtX/n - I| %.2g, |w - soft threshold| float64 "
                  "%.3g, float32 %.3g\n",
                  seed, kkt64, kkt32, lambda_max, nz_at_max, nz_at_max32, nz_below,
                  nz_below_which, argmax, gram_err, ortho_err[0], ortho_err[1]);
    assert_true(kkt64 < 1e-10);
    assert_true(kkt32 > 1e-10); /* float32 really is looser: the float64 run was double */
    assert_int_equal(nz_at_max, 0);
    assert_int_equal(nz_below, 1);
    assert_int_equal(nz_below_which, argmax);
    assert_true(gram_err < 1e-12);
    assert_true(ortho_err[0] < 1e-12);
    harness_rmtree(dir);
    free(dir);
}

static void test_lasso_claims_float64(void **state)
{
    (void)state;
    for (int seed = 1; seed <= 3; seed++)
        check_seed(seed);
}

int main(void)
{
    optimlab_use_memory_tmp();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_lasso_claims_float64)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
