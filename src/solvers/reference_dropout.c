/*
 * reference_dropout.c — the `dropout_quadratic` reference: the exact
 * minimizer of the logistic loss plus Wager, Wang & Liang's (2013) quadratic
 * approximation of the dropout (and additive-noise) regularizer,
 *
 *   f(θ) = (1/n)Σ_i [log(1 + e^{z_i}) − y_i z_i] + (λ₂/2)||w||² + R(θ),
 *   R(θ) = (1/n)Σ_i v_i·q_i,   z_i = x_i·w + b,  p_i = σ(z_i),  v_i = p_i(1 − p_i),
 *   q_i  = κ·Σ_j x_ij² w_j² + (σ²/2)||w||²,   κ = δ/(2(1 − δ)),
 *
 * δ = model.dropout.input, σ = regularizer.input_noise: R is
 * diag_dropout_penalty.c's dropout_penalty + noise_penalty, with p_i
 * evaluated at θ itself (arXiv:1307.1493, §2: the quadratic approximation
 * R^q = ½Σ_i A''(x_i·β)·Var[x̃_i·β], divided by n as dlx's loss is a mean).
 *
 * f is not convex in general (v_i depends on θ), so Newton's method is
 * damped twice: the Hessian is shifted by μI until Cholesky succeeds
 * (Levenberg; Nocedal & Wright 2006, §3.4), and the step is backtracked
 * until the Armijo condition holds (Boyd & Vandenberghe 2004, Alg. 9.5);
 * from θ = 0 until ||∇f|| < 1e-10. The derivatives, with v' = v(1 − 2p),
 * v'' = v[(1 − 2p)² − 2v], a_i = (x_i, 1), r_i = ∂q_i/∂θ = ((2κx_ij² + σ²)w_j, 0):
 *
 *   ∇f  = (1/n)Σ_i [(p_i − y_i + v'_i q_i) a_i + v_i r_i] + λ₂(w, 0)
 *   ∇²f = (1/n)Σ_i [(v_i + v''_i q_i) a_i a_iᵀ + v'_i (a_i r_iᵀ + r_i a_iᵀ)
 *         + v_i diag(2κx_i² + σ², 0)] + λ₂ diag(1, …, 1, 0)
 */
#include "solvers/reference.h"
#include "util/real.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/gemm.h"

extern void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b,
                   const int *ldb, int *info, size_t uplo_len);

#define DROPOUT_NEWTON_TOL 1e-10
#define DROPOUT_NEWTON_MAX 500

/* Work buffers of one Newton solve. */
typedef struct {
    double *a, *scaled, *grad_rows; /* [n, c]: A, diag(·)A, diag(v')R */
    double *z, *h, *hd, *g, *step, *trial, *theta;
} newton_work;

/* κ = δ/(2(1 − δ)). */
static double kappa(const dlx_reference *r) { return r->dropout_rate / (2.0 * (1.0 - r->dropout_rate)); }

/* q_i of one example x [d] at weights w [d]. */
static double penalty_q(const dlx_reference *r, const real *x, const double *w, double norm2)
{
    double sum = 0.0;
    for (int j = 0; j < r->dim; j++)
        sum += (double)x[j] * x[j] * w[j] * w[j];
    return kappa(r) * sum + 0.5 * r->noise_std * r->noise_std * norm2;
}

/* log(1 + e^z) without overflow. */
static double softplus_d(double z) { return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)); }

double reference_dropout_penalty(const dlx_reference *r, const dlx_split *s, const double *theta)
{
    int d = r->dim;
    double norm2 = cblas_ddot(d, theta, 1, theta, 1), sum = 0.0;
    for (int i = 0; i < s->n; i++) {
        const real *x = s->x + (size_t)i * d;
        double z = theta[d];
        for (int j = 0; j < d; j++)
            z += theta[j] * x[j];
        double p = 1.0 / (1.0 + exp(-z));
        sum += p * (1.0 - p) * penalty_q(r, x, theta, norm2);
    }
    return sum / s->n;
}

/* f(θ), with z = Aθ left in w->z. */
static double dropout_objective(const dlx_reference *r, const dlx_split *s, newton_work *w, const double *theta)
{
    int n = s->n, c = r->dim + 1;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, n, c, 1.0, w->a, c, theta, 1, 0.0, w->z, 1);
    double f = 0.0;
    for (int i = 0; i < n; i++)
        f += softplus_d(w->z[i]) - s->labels[i] * w->z[i];
    return f / n + 0.5 * r->l2 * cblas_ddot(r->dim, theta, 1, theta, 1) + reference_dropout_penalty(r, s, theta);
}

/* ∇f into w->g and ∇²f into w->h (column-major, c × c) at w->theta. */
static void dropout_derivatives(const dlx_reference *r, const dlx_split *s, newton_work *w)
{
    int n = s->n, d = r->dim, c = d + 1;
    const double *th = w->theta;
    double k2 = 2.0 * kappa(r), s2 = r->noise_std * r->noise_std, norm2 = cblas_ddot(d, th, 1, th, 1);
    memset(w->g, 0, sizeof(double) * (size_t)c);
    memset(w->hd, 0, sizeof(double) * (size_t)c);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, n, c, 1.0, w->a, c, th, 1, 0.0, w->z, 1);
    for (int i = 0; i < n; i++) {
        const real *x = s->x + (size_t)i * d;
        double p = 1.0 / (1.0 + exp(-w->z[i])), v = p * (1.0 - p), q = penalty_q(r, x, th, norm2);
        double v1 = v * (1.0 - 2.0 * p), v2 = v * ((1.0 - 2.0 * p) * (1.0 - 2.0 * p) - 2.0 * v);
        double outer = (v + v2 * q) / n, along = (p - s->labels[i] + v1 * q) / n;
        double *sc = w->scaled + (size_t)i * c, *gr = w->grad_rows + (size_t)i * c;
        for (int j = 0; j < c; j++) {
            double aij = w->a[(size_t)i * c + j], curv = j < d ? (k2 * x[j] * x[j] + s2) : 0.0;
            sc[j] = outer * aij;
            gr[j] = v1 / n * curv * (j < d ? th[j] : 0.0);
            w->g[j] += along * aij + v / n * curv * (j < d ? th[j] : 0.0);
            w->hd[j] += v / n * curv;
        }
    }
    /* H = Aᵀ·diag(outer)·A + Aᵀ·diag(v')R + (diag(v')R)ᵀ·A + diag. */
    gemm_f64(true, false, c, c, n, 1.0, w->scaled, c, w->a, c, 0.0, w->h, c);
    gemm_f64(true, false, c, c, n, 1.0, w->grad_rows, c, w->a, c, 1.0, w->h, c);
    gemm_f64(true, false, c, c, n, 1.0, w->a, c, w->grad_rows, c, 1.0, w->h, c);
    for (int j = 0; j < c; j++)
        w->h[(size_t)j * c + j] += w->hd[j] + (j < d ? r->l2 : 0.0);
    for (int j = 0; j < d; j++)
        w->g[j] += r->l2 * th[j];
}

/* Solve (H + μI)·step = g, raising μ until Cholesky succeeds; false if it never does. */
static bool damped_solve(newton_work *w, int c)
{
    double scale = 0.0;
    for (int j = 0; j < c; j++)
        scale = fmax(scale, fabs(w->h[(size_t)j * c + j]));
    for (double mu = 0.0; mu < 1e12 * (1.0 + scale); mu = mu > 0 ? 4.0 * mu : 1e-10 * (1.0 + scale)) {
        double *m = w->scaled; /* sized max(n, c)·c: holds the c × c factor */
        memcpy(m, w->h, sizeof(double) * (size_t)c * c);
        for (int j = 0; j < c; j++)
            m[(size_t)j * c + j] += mu;
        memcpy(w->step, w->g, sizeof(double) * (size_t)c);
        int info = 0, one = 1;
        dposv_("U", &c, &one, m, &c, w->step, &c, &info, 1);
        if (info == 0)
            return true;
    }
    return false;
}

/* The damped Newton iteration from θ = 0. */
static dlx_status dropout_newton(dlx_reference *r, const dlx_split *s, newton_work *w)
{
    int c = r->dim + 1;
    double f = dropout_objective(r, s, w, w->theta);
    for (r->iterations = 0; r->iterations <= DROPOUT_NEWTON_MAX; r->iterations++) {
        dropout_derivatives(r, s, w);
        r->grad_norm = cblas_dnrm2(c, w->g, 1);
        if (r->grad_norm < DROPOUT_NEWTON_TOL)
            return DLX_OK;
        if (!damped_solve(w, c))
            return DLX_ERR_INPUT;
        double slope = cblas_ddot(c, w->g, 1, w->step, 1), t = 1.0, f_trial = f;
        for (int tries = 0; tries < 60; tries++, t *= 0.5) {
            for (int j = 0; j < c; j++)
                w->trial[j] = w->theta[j] - t * w->step[j];
            f_trial = dropout_objective(r, s, w, w->trial);
            /* Below what f resolves in double the full step is taken (as reference.c). */
            if (f_trial <= f - 1e-4 * t * slope || slope < 1e-12 * (1.0 + fabs(f)))
                break;
        }
        memcpy(w->theta, w->trial, sizeof(double) * (size_t)c);
        f = f_trial;
    }
    return DLX_ERR_INPUT;
}

dlx_status reference_dropout_solve(dlx_reference *r, const dlx_split *s, dlx_diags *diags)
{
    int n = s->n, d = r->dim, c = d + 1;
    size_t rows = (size_t)(n > c ? n : c); /* scaled doubles as c × c storage */
    newton_work w = {
        .a = malloc(sizeof(double) * (size_t)n * c), .scaled = malloc(sizeof(double) * rows * c),
        .grad_rows = malloc(sizeof(double) * (size_t)n * c), .z = malloc(sizeof(double) * (size_t)n),
        .h = malloc(sizeof(double) * (size_t)c * c), .hd = malloc(sizeof(double) * (size_t)c),
        .g = malloc(sizeof(double) * (size_t)c), .step = malloc(sizeof(double) * (size_t)c),
        .trial = malloc(sizeof(double) * (size_t)c), .theta = calloc((size_t)c, sizeof(double)),
    };
    dlx_status st = DLX_ERR_RUNTIME;
    if (w.a && w.scaled && w.grad_rows && w.z && w.h && w.hd && w.g && w.step && w.trial && w.theta) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++)
                w.a[(size_t)i * c + j] = s->x[(size_t)i * d + j];
            w.a[(size_t)i * c + d] = 1.0;
        }
        st = dropout_newton(r, s, &w);
        memcpy(r->theta, w.theta, sizeof(double) * (size_t)c);
        if (st != DLX_OK)
            diags_add(diags, NULL, 0, 0, "reference dropout_quadratic: Newton's method stopped at gradient "
                      "norm %.3g after %ld steps", r->grad_norm, r->iterations);
    }
    free(w.a), free(w.scaled), free(w.grad_rows), free(w.z), free(w.h), free(w.hd);
    free(w.g), free(w.step), free(w.trial), free(w.theta);
    return st;
}
