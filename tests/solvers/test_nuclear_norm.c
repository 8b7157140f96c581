/*
 * test_nuclear_norm.c — the nuclear-norm reference, the certificate and the
 * factorization model against what the theory says exactly.
 *
 * - SVT on a fully observed matrix satisfies the optimality conditions of
 *   min ½‖Y − X‖² + λ‖X‖_*: ‖Y − X*‖₂ ≤ λ and ⟨Y − X*, X*⟩ = λ‖X*‖_*
 *   (Watson 1992), and no perturbation lowers f.
 * - soft-impute on a partially observed matrix satisfies the same conditions
 *   for R = P_Ω(Y − X*), to its tolerance.
 * - the balanced factors U = AΣ^½, V = BΣ^½ of X* padded with zero columns
 *   give cert_ratio ≤ 1, balance 0, factor_rank = rank X*, zero_columns = the
 *   padding, and their factored objective (either Θ) equals f*
 *   (‖X‖_* = min ½(‖U‖² + ‖V‖²), attained there); a rotated, unbalanced
 *   factorization of the same X has a larger l2 objective.
 * - the factorization model's gradient, with the product penalty's, agrees
 *   with finite differences.
 * - the polar problem max_{‖w‖=1} ‖Gᵀ relu(Xw)‖/λ with X = I and one output
 *   is ‖g₊‖/λ (w = g₊/‖g₊‖); with two outputs and X = I the estimate lies
 *   between a random search over nonnegative unit vectors and the top
 *   singular value of the best row subset of G (an upper bound).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "data/low_rank.h"
#include "data/split.h"
#include "models/model.h"
#include "models/model_gradcheck.h"
#include "solvers/certificate.h"
#include "solvers/nuclear_norm.h"
#include "solvers/polar.h"
#include "util/svd.h"

static dlx_data_config low_rank_config(int rows, int cols, int rank, double observed)
{
    dlx_data_config c = {0};
    c.source = DATA_SYNTHETIC;
    c.kind = SYN_LOW_RANK;
    c.rows = rows;
    c.cols = cols;
    c.rank = rank;
    c.noise = 0.5;
    c.observed = observed;
    c.seed = 7;
    return c;
}

/* ‖P_Ω(Y − X)‖₂ and ⟨P_Ω(Y − X), X⟩ for the reference's X*. */
static void optimality(const dlx_nuclear_reference *r, const dlx_split *train, double *spectral,
                       double *inner)
{
    size_t n = (size_t)r->rows * r->cols;
    double *res = calloc(n, sizeof *res);
    for (int e = 0; e < train->n; e++) {
        size_t i = (size_t)train->entry_row[e] * r->cols + train->entry_col[e];
        res[i] = train->targets[e] - r->x_star[i];
    }
    *inner = 0;
    for (size_t i = 0; i < n; i++)
        *inner += res[i] * r->x_star[i];
    dlx_svd w;
    dlx_diags d = {0};
    assert_int_equal(svd_create(&w, r->rows, r->cols, &d), DLX_OK);
    assert_int_equal(svd_spectral_norm(&w, res, spectral, &d), DLX_OK);
    svd_free(&w);
    free(res);
}

static void check_optimal(double observed, double tol)
{
    dlx_data_config c = low_rank_config(40, 30, 5, observed);
    dlx_dataset ds;
    dlx_diags d = {0};
    assert_int_equal(low_rank_generate(&ds, &c, "t.yaml", &d), DLX_OK);
    assert_int_equal(ds.train.n, (int)lround(observed * 1200));
    assert_int_equal(ds.test.n, observed == 1.0 ? 1200 : 1200 - ds.train.n);
    dlx_nuclear_reference r;
    double lambda = 4.0;
    assert_int_equal(nuclear_norm_solve(&r, &ds.train, lambda, &d), DLX_OK);
    double spectral, inner;
    optimality(&r, &ds.train, &spectral, &inner);
    assert_true(spectral <= lambda * (1 + tol));
    assert_true(fabs(inner - lambda * r.nuclear) <= tol * lambda * r.nuclear);
    assert_true(r.rank >= 1 && r.rank <= 30);
    /* no random perturbation lowers f: f(X* + εE) ≥ f* */
    for (int trial = 0; trial < 5; trial++) {
        dlx_nuclear_reference p = r;
        size_t n = 1200;
        p.x_star = malloc(n * sizeof *p.x_star);
        for (size_t i = 0; i < n; i++)
            p.x_star[i] = r.x_star[i] + 1e-3 * sin(17.0 * i + trial);
        /* f at the perturbed point: data term + λ·nuclear norm by SVD */
        dlx_svd w;
        assert_int_equal(svd_create(&w, 40, 30, &d), DLX_OK);
        double s[30];
        assert_int_equal(svd_compute(&w, p.x_star, s, NULL, NULL, &d), DLX_OK);
        double nuc = 0, fit = 0;
        for (int k = 0; k < 30; k++)
            nuc += s[k];
        for (int e = 0; e < ds.train.n; e++) {
            double res = ds.train.targets[e] -
                         p.x_star[(size_t)ds.train.entry_row[e] * 30 + ds.train.entry_col[e]];
            fit += res * res;
        }
        assert_true(0.5 * fit + lambda * nuc >= r.f_star - 1e-9 * fabs(r.f_star));
        svd_free(&w);
        free(p.x_star);
    }
    nuclear_norm_free(&r);
    dataset_free(&ds);
}

static void test_svt_full_observation(void **state) { (void)state; check_optimal(1.0, 1e-9); }
static void test_soft_impute_partial(void **state) { (void)state; check_optimal(0.5, 1e-6); }

/* Balanced SVD factors of X* padded to rank r. */
static void balanced_factors(const dlx_nuclear_reference *ref, int r, float *U, float *V)
{
    int m = ref->rows, n = ref->cols, k = m < n ? m : n;
    dlx_svd w;
    dlx_diags d = {0};
    assert_int_equal(svd_create(&w, m, n, &d), DLX_OK);
    double *s = malloc(k * sizeof *s), *u = malloc((size_t)m * k * sizeof *u),
           *vt = malloc((size_t)k * n * sizeof *vt);
    assert_int_equal(svd_compute(&w, ref->x_star, s, u, vt, &d), DLX_OK);
    memset(U, 0, (size_t)m * r * sizeof *U);
    memset(V, 0, (size_t)n * r * sizeof *V);
    for (int c = 0; c < ref->rank && c < r; c++) {
        double root = sqrt(s[c]);
        for (int i = 0; i < m; i++)
            U[(size_t)i * r + c] = (float)(root * u[(size_t)i * k + c]);
        for (int j = 0; j < n; j++)
            V[(size_t)j * r + c] = (float)(root * vt[(size_t)c * n + j]);
    }
    free(s), free(u), free(vt);
    svd_free(&w);
}

static void test_certificate_of_the_optimum(void **state)
{
    (void)state;
    dlx_data_config c = low_rank_config(40, 30, 5, 1.0);
    dlx_dataset ds;
    dlx_diags d = {0};
    assert_int_equal(low_rank_generate(&ds, &c, "t.yaml", &d), DLX_OK);
    dlx_nuclear_reference ref;
    assert_int_equal(nuclear_norm_solve(&ref, &ds.train, 8.0, &d), DLX_OK);
    int r = ref.rank + 4;
    float *U = malloc((size_t)40 * r * sizeof *U), *V = malloc((size_t)30 * r * sizeof *V);
    balanced_factors(&ref, r, U, V);
    dlx_certificate_work w;
    assert_int_equal(certificate_create(&w, 40, 30, r, &d), DLX_OK);
    dlx_certificate cert;
    assert_int_equal(certificate_measure(&w, &ds.train, U, V, 8.0, &cert, &d), DLX_OK);
    assert_true(cert.cert_ratio <= 1.0 + 1e-5);
    assert_int_equal(cert.factor_rank, ref.rank);
    assert_int_equal(cert.zero_columns, 4);
    assert_true(cert.factor_balance < 1e-5);
    double f_l2 = factored_objective(&ds.train, U, V, r, 8.0, false);
    double f_product = factored_objective(&ds.train, U, V, r, 8.0, true);
    assert_true(fabs(f_l2 - ref.f_star) < 1e-5 * ref.f_star);
    assert_true(fabs(f_product - ref.f_star) < 1e-5 * ref.f_star);
    /* U·2, V/2: the same X, unbalanced, a larger ½(‖U‖² + ‖V‖²); the
       product form is invariant to that rescaling */
    for (size_t i = 0; i < (size_t)40 * r; i++)
        U[i] *= 2.0f;
    for (size_t j = 0; j < (size_t)30 * r; j++)
        V[j] *= 0.5f;
    assert_true(factored_objective(&ds.train, U, V, r, 8.0, false) > ref.f_star + 1.0);
    assert_true(fabs(factored_objective(&ds.train, U, V, r, 8.0, true) - ref.f_star) < 1e-5 * ref.f_star);
    assert_int_equal(certificate_measure(&w, &ds.train, U, V, 8.0, &cert, &d), DLX_OK);
    assert_true(fabs(cert.factor_balance - 15.0 / 16.0) < 1e-5);   /* ‖4S − S/4‖ / ‖4S‖ */
    /* an under-sized factorization (the top column only) has cert_ratio > 1 */
    certificate_free(&w);
    balanced_factors(&ref, 1, U, V);
    assert_int_equal(certificate_create(&w, 40, 30, 1, &d), DLX_OK);
    assert_int_equal(certificate_measure(&w, &ds.train, U, V, 8.0, &cert, &d), DLX_OK);
    assert_true(cert.cert_ratio > 1.0);
    certificate_free(&w);
    free(U), free(V);
    nuclear_norm_free(&ref);
    dataset_free(&ds);
}

/* The factorization kind's loss gradient and the product penalty's. */
static void test_factorization_gradients(void **state)
{
    (void)state;
    dlx_data_config c = low_rank_config(6, 5, 2, 0.6);
    dlx_dataset ds;
    dlx_diags d = {0};
    assert_int_equal(low_rank_generate(&ds, &c, "t.yaml", &d), DLX_OK);
    dlx_config cfg = {0};
    cfg.model.type = MODEL_FACTORIZATION;
    cfg.model.rank = 3;
    cfg.model.init = INIT_NORMAL;
    cfg.model.init_std = 0.7;
    dlx_model_shape shape = {.max_batch = ds.train.n, .rows = 6, .cols = 5, .n_train = ds.train.n};
    dlx_model m;
    assert_int_equal(model_create(&m, &cfg, &shape, &d), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 3, 1);
    model_init(&m, &rng);
    dlx_batch b = model_batch_of_split(&ds.train, 0, ds.train.n);
    assert_true(model_gradcheck(&m, &b, &rng, 1e-2f, 1e-3).max_rel_error < 1e-2);
    /* the full-batch loss is ½‖P_Ω(Y − UVᵀ)‖² */
    float *U = model_find_tensor(&m, "U")->data, *V = model_find_tensor(&m, "V")->data;
    double f = factored_objective(&ds.train, U, V, 3, 0.0, false);
    assert_true(fabs(model_forward_train(&m, &b, &rng) - f) < 1e-5 * f);
    /* product penalty: λΣ‖U_k‖‖V_k‖ and its gradient, by central differences */
    double lambda = 0.8, h = 1e-3;
    model_product_penalty(&m, lambda, false);
    memset(model_grads(&m), 0, model_n_params(&m) * sizeof(float));
    model_product_penalty(&m, lambda, true);
    float *p = model_params(&m), *g = model_grads(&m);
    for (size_t i = 0; i < model_n_params(&m); i++) {
        float keep = p[i];
        p[i] = keep + (float)h;
        double up = model_product_penalty(&m, lambda, false);
        p[i] = keep - (float)h;
        double down = model_product_penalty(&m, lambda, false);
        p[i] = keep;
        assert_true(fabs((up - down) / (2 * h) - g[i]) < 1e-3);
    }
    /* a zero column pair: subgradient 0 for both columns */
    for (int i = 0; i < 6; i++)
        U[i * 3 + 1] = 0.0f;
    memset(g, 0, model_n_params(&m) * sizeof(float));
    model_product_penalty(&m, lambda, true);
    for (int i = 0; i < 6; i++)
        assert_true(g[i * 3 + 1] == 0.0f);
    for (int j = 0; j < 5; j++)
        assert_true(g[18 + j * 3 + 1] == 0.0f);
    model_free(&m);
    dataset_free(&ds);
}

/* X = I: relu(Xw) = w₊, so the value is max over unit w ≥ 0 of ‖Gᵀw‖. */
static void test_polar_identity_design(void **state)
{
    (void)state;
    enum { N = 6 };
    float x[N * N] = {0};
    for (int i = 0; i < N; i++)
        x[i * N + i] = 1.0f;
    double g[N] = {0.3, -1.0, 0.4, 1.2, -0.2, 0.0};
    dlx_polar_work p;
    dlx_diags d = {0};
    assert_int_equal(polar_create(&p, N, N, 1, &d), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 1, 1);
    double expected = sqrt(0.09 + 0.16 + 1.44) / 0.5;
    double got = polar_ratio(&p, x, g, 0.5, NULL, 0, &rng);
    assert_true(fabs(got - expected) < 1e-9);
    polar_free(&p);
    /* two outputs: the max over subsets S of the top singular value of G_S */
    double g2[N * 2] = {1, 0.5, -0.3, 0.8, 0.7, -0.9, 0.2, 0.1, -1.0, -1.0, 0.4, 0.6};
    double best = 0;
    for (int mask = 1; mask < (1 << N); mask++) {
        double a = 0, b = 0, c = 0;   /* G_Sᵀ G_S = [[a, b], [b, c]] */
        for (int i = 0; i < N; i++)
            if (mask >> i & 1) {
                a += g2[2 * i] * g2[2 * i];
                b += g2[2 * i] * g2[2 * i + 1];
                c += g2[2 * i + 1] * g2[2 * i + 1];
            }
        double top = sqrt(0.5 * (a + c) + sqrt(0.25 * (a - c) * (a - c) + b * b));
        best = top > best ? top : best;
    }
    /* and at least what 200,000 random nonnegative unit vectors find */
    double searched = 0;
    for (int t = 0; t < 200000; t++) {
        double w[N], norm = 0, v0 = 0, v1 = 0;
        for (int i = 0; i < N; i++) {
            w[i] = fabs(rng_normal(&rng)) * (rng_uniform(&rng) < 0.5);
            norm += w[i] * w[i];
        }
        if (norm == 0)
            continue;
        for (int i = 0; i < N; i++) {
            v0 += g2[2 * i] * w[i] / sqrt(norm);
            v1 += g2[2 * i + 1] * w[i] / sqrt(norm);
        }
        searched = fmax(searched, sqrt(v0 * v0 + v1 * v1));
    }
    assert_int_equal(polar_create(&p, N, N, 2, &d), DLX_OK);
    got = polar_ratio(&p, x, g2, 1.0, NULL, 0, &rng);
    print_message("polar: ascent %.9f, random search %.9f, bound %.9f\n", got, searched, best);
    assert_true(got <= best * (1 + 1e-9));
    assert_true(got >= searched * (1 - 1e-9));
    polar_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svt_full_observation),
        cmocka_unit_test(test_soft_impute_partial),
        cmocka_unit_test(test_certificate_of_the_optimum),
        cmocka_unit_test(test_factorization_gradients),
        cmocka_unit_test(test_polar_identity_design),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
