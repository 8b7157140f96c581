/*
 * reference.c — exact optima of convex training objectives (reference.h).
 *
 *   min_norm  the least-squares solution of smallest ||θ|| over θ = (W, b):
 *             the pseudo-inverse [X 1]⁺·Y by LAPACK dgelsd (SVD, divide and
 *             conquer; singular values below machine precision × σ_max are
 *             treated as zero). When [X 1] has full column rank this is the
 *             unique least-squares solution; when p > n it is the interpolant
 *             that gradient descent from θ = 0 converges to (the iterates stay
 *             in the row space of [X 1]).
 *   ridge     columns centred (the bias is not penalized, b = ȳ − Wx̄), then
 *             the augmented least-squares problem [Xc; √(nkλ₂/2)·I]·w ≈ [yc; 0]
 *             by Householder QR (dgels), whose normal equations are
 *             (XcᵀXc + (nkλ₂/2) I) w = Xcᵀyc, the stationarity condition of f,
 *             without forming XcᵀXc (which would square the condition number).
 *   lasso     cyclic coordinate descent on the centred problem (Friedman,
 *             Hastie & Tibshirani 2010, eq. 5), w_j ← S(ρ_j, nkλ₁/2) /
 *             (||x_j||² + nkλ₂/2), ρ_j = x_jᵀ(r + x_j w_j), S the soft
 *             threshold; until a sweep moves no coordinate by more than
 *             1e-15·(1 + max|w|); the KKT residual is recorded.
 *   logistic  Newton's method with backtracking (Boyd & Vandenberghe 2004,
 *             Algorithm 9.5) from θ = 0: ∇f = (1/n)Aᵀ(p − y) + λ₂(w, 0),
 *             ∇²f = (1/n)AᵀSA + λ₂·diag(1, …, 1, 0), S = diag(p(1 − p)),
 *             A = [X 1], solved by Cholesky (dposv), until ||∇f|| < 1e-10.
 *   Example weights w_i (SPEC §9: data.importance, data.weight): every
 *             objective's data term becomes Σ_i w_i·ℓ_i / n, solved as the
 *             unweighted problem on rows scaled by √w_i (least squares, with
 *             weighted means for the centring) or with w_i in the gradient
 *             and Hessian (logistic); all factors are 1.0 without weights.
 *   dropout_quadratic
 *             logistic loss + Wager et al.'s quadratic dropout penalty,
 *             by damped Newton steps in reference_dropout.c.
 *   dropout_ridge
 *             the expected mse under input dropout, a ridge penalty weighted
 *             by each feature's second moment (Srivastava et al. 2014, §9.1):
 *             for inverted dropout w* = (XᵀX + ((1−p)/p)·diag(XᵀX))⁻¹Xᵀy with
 *             the bias in the augmented normal equations (Cholesky, dposv);
 *             with test-time scaling the trained weights are w* divided by p.
 *
 * One table (KINDS, indexed by dlx_reference_type) names each reference,
 * the models whose objective it is, and its solver; reference_fits is the
 * check made for every arm before anything runs.
 */
#include "solvers/reference.h"
#include "util/real.h"

#include "spec/experiment.h"
#include "spec/schema.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* LAPACK's Fortran entry points (OpenBLAS ships no lapacke.h on Debian). */
extern void dgelsd_(const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b,
                    const int *ldb, double *s, const double *rcond, int *rank, double *work,
                    const int *lwork, int *iwork, int *info);
extern void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a,
                   const int *lda, double *b, const int *ldb, double *work, const int *lwork, int *info,
                   size_t trans_len);
extern void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b,
                   const int *ldb, int *info, size_t uplo_len);

#define NEWTON_TOL 1e-10
#define NEWTON_MAX 200
#define CD_MAX_SWEEPS 1000000L

/* Targets of example i, output o: regression targets, or the label for logistic. */
static double target(const dlx_split *s, int i, int o, int k)
{
    return s->targets ? (double)s->targets[(size_t)i * k + o] : (double)s->labels[i];
}

/* The loss weight of example i (SPEC §9): 1 without example weights, so an
   unweighted objective is computed exactly as before (every factor 1.0). */
static double weight_of(const dlx_split *s, int i)
{
    return s->weights ? (double)s->weights[i] : 1.0;
}

/* Σ_i w_i over the split: n without example weights. */
static double weight_sum(const dlx_split *s)
{
    double sum = 0.0;
    for (int i = 0; i < s->n; i++)
        sum += weight_of(s, i);
    return sum;
}

/* log(1 + e^z) without overflow. */
static double softplus(double z)
{
    return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/* Centre the columns of the split's x [n, d] at their weighted means
   x̄ = Σ w_i x_i / Σ w_i and scale row i by √w_i into xc (double), return
   the means. With weights the centred, scaled problem is the unweighted
   one whose least-squares solution is the weighted one's, the intercept
   being ȳ − W·x̄ with weighted means. */
static void centre(double *xc, double *mean, const dlx_split *s, int d)
{
    int n = s->n;
    const real *x = s->x;
    double wsum = weight_sum(s);
    for (int j = 0; j < d; j++)
        mean[j] = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++)
            mean[j] += weight_of(s, i) * x[(size_t)i * d + j];
    for (int j = 0; j < d; j++)
        mean[j] /= wsum;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++)
            xc[(size_t)i * d + j] = (x[(size_t)i * d + j] - mean[j]) * sqrt(weight_of(s, i));
}

/* Pseudo-inverse solution of [X 1]θ ≈ Y by SVD (dgelsd). */
static dlx_status solve_min_norm(dlx_reference *r, const dlx_split *s)
{
    int n = s->n, d = r->dim, k = r->outputs, cols = d + 1, ldb = n > cols ? n : cols;
    int rank = 0, info = 0, lwork = -1, iwork_query = 0;
    double rcond = -1.0, work_query = 0.0;
    double *a = malloc(sizeof(double) * (size_t)n * cols), *b = calloc((size_t)ldb * k, sizeof(double));
    double *sv = malloc(sizeof(double) * (size_t)(n < cols ? n : cols));
    if (!a || !b || !sv)
        goto fail;
    for (int i = 0; i < n; i++) { /* rows scaled by √w_i: weighted least squares */
        double sw = sqrt(weight_of(s, i));
        for (int j = 0; j < d; j++)
            a[i + (size_t)j * n] = s->x[(size_t)i * d + j] * sw;
        a[i + (size_t)d * n] = sw;
        for (int o = 0; o < k; o++)
            b[i + (size_t)o * ldb] = target(s, i, o, k) * sw;
    }
    dgelsd_(&n, &cols, &k, a, &n, b, &ldb, sv, &rcond, &rank, &work_query, &lwork, &iwork_query, &info);
    lwork = (int)work_query;
    double *work = malloc(sizeof(double) * (size_t)(lwork > 1 ? lwork : 1));
    int *iwork = malloc(sizeof(int) * (size_t)(iwork_query > 1 ? iwork_query : 1));
    if (work && iwork)
        dgelsd_(&n, &cols, &k, a, &n, b, &ldb, sv, &rcond, &rank, work, &lwork, iwork, &info);
    bool ok = work && iwork && info == 0;
    free(work);
    free(iwork);
    if (!ok)
        goto fail;
    for (int o = 0; o < k; o++) {
        for (int j = 0; j < d; j++)
            r->theta[(size_t)o * d + j] = b[j + (size_t)o * ldb];
        r->theta[(size_t)k * d + o] = b[d + (size_t)o * ldb];
    }
    free(a), free(b), free(sv);
    return DLX_OK;
fail:
    free(a), free(b), free(sv);
    return DLX_ERR_RUNTIME;
}

/* Ridge by QR of the centred, augmented system (dgels). */
static dlx_status solve_ridge(dlx_reference *r, const dlx_split *s)
{
    int n = s->n, d = r->dim, k = r->outputs, m = n + d, info = 0, lwork = -1;
    double *xc = malloc(sizeof(double) * (size_t)n * d), *mean = malloc(sizeof(double) * (size_t)d);
    double *a = calloc((size_t)m * d, sizeof(double)), *b = calloc((size_t)m * k, sizeof(double));
    double *ymean = calloc((size_t)k, sizeof(double)), work_query = 0.0, *work = NULL;
    if (!xc || !mean || !a || !b || !ymean)
        goto fail;
    centre(xc, mean, s, d);
    double wsum = weight_sum(s);
    double shift = sqrt(n * (double)k * r->l2 / 2.0);
    for (int j = 0; j < d; j++) {
        for (int i = 0; i < n; i++)
            a[i + (size_t)j * m] = xc[(size_t)i * d + j];
        a[n + j + (size_t)j * m] = shift;
    }
    for (int o = 0; o < k; o++) {
        for (int i = 0; i < n; i++)
            ymean[o] += weight_of(s, i) * target(s, i, o, k) / wsum;
        for (int i = 0; i < n; i++)
            b[i + (size_t)o * m] = (target(s, i, o, k) - ymean[o]) * sqrt(weight_of(s, i));
    }
    dgels_("N", &m, &d, &k, a, &m, b, &m, &work_query, &lwork, &info, 1);
    lwork = (int)work_query;
    work = malloc(sizeof(double) * (size_t)(lwork > 1 ? lwork : 1));
    if (!work)
        goto fail;
    dgels_("N", &m, &d, &k, a, &m, b, &m, work, &lwork, &info, 1);
    if (info != 0)
        goto fail;
    for (int o = 0; o < k; o++) {
        double bias = ymean[o];
        for (int j = 0; j < d; j++) {
            r->theta[(size_t)o * d + j] = b[j + (size_t)o * m];
            bias -= b[j + (size_t)o * m] * mean[j];
        }
        r->theta[(size_t)k * d + o] = bias;
    }
    free(xc), free(mean), free(a), free(b), free(ymean), free(work);
    return DLX_OK;
fail:
    free(xc), free(mean), free(a), free(b), free(ymean), free(work);
    return DLX_ERR_RUNTIME;
}

/* dropout_ridge: per output o, the normal equations of f in the inverted
   parametrization, [XᵀX + c·diag(XᵀX), Xᵀ1; 1ᵀX, n]·[w; b] = [Xᵀy; 1ᵀy],
   c = (1−p)/p, by Cholesky (dposv); weights divided by p when the run uses
   test-time scaling (r->input_scale = p). diag(XᵀX) is the uncentred second
   moment: the masks multiply x itself, not x − x̄. */
static dlx_status solve_dropout_ridge(dlx_reference *r, const dlx_split *s, double keep)
{
    int n = s->n, d = r->dim, k = r->outputs, m = d + 1, info = 0;
    double c = (1.0 - keep) / keep;
    double *a = calloc((size_t)m * m, sizeof(double)), *rhs = calloc((size_t)m * k, sizeof(double));
    if (!a || !rhs) {
        free(a), free(rhs);
        return DLX_ERR_RUNTIME;
    }
    for (int i = 0; i < n; i++) {
        const real *x = s->x + (size_t)i * d;
        for (int j = 0; j < d; j++) {
            for (int l = 0; l < d; l++)
                a[j + (size_t)l * m] += (double)x[j] * x[l];
            a[j + (size_t)d * m] += x[j];
            for (int o = 0; o < k; o++)
                rhs[j + (size_t)o * m] += x[j] * target(s, i, o, k);
        }
        for (int o = 0; o < k; o++)
            rhs[d + (size_t)o * m] += target(s, i, o, k);
    }
    for (int j = 0; j < d; j++) {
        a[j + (size_t)j * m] *= 1.0 + c;
        a[d + (size_t)j * m] = a[j + (size_t)d * m];
    }
    a[d + (size_t)d * m] = n;
    dposv_("L", &m, &k, a, &m, rhs, &m, &info, 1);
    if (info == 0)
        for (int o = 0; o < k; o++) {
            for (int j = 0; j < d; j++)
                r->theta[(size_t)o * d + j] = rhs[j + (size_t)o * m] / r->input_scale;
            r->theta[(size_t)k * d + o] = rhs[d + (size_t)o * m];
        }
    free(a), free(rhs);
    return info == 0 ? DLX_OK : DLX_ERR_RUNTIME;
}

/* Lasso (elastic net when l2 > 0) by cyclic coordinate descent. */
static dlx_status solve_lasso(dlx_reference *r, const dlx_split *s)
{
    int n = s->n, d = r->dim, k = r->outputs;
    double *xc = malloc(sizeof(double) * (size_t)n * d), *mean = malloc(sizeof(double) * (size_t)d);
    double *xt = malloc(sizeof(double) * (size_t)n * d), *res = malloc(sizeof(double) * (size_t)n);
    double *sq = malloc(sizeof(double) * (size_t)d), *w = malloc(sizeof(double) * (size_t)d);
    if (!xc || !mean || !xt || !res || !sq || !w) {
        free(xc), free(mean), free(xt), free(res), free(sq), free(w);
        return DLX_ERR_RUNTIME;
    }
    centre(xc, mean, s, d);
    double wsum = weight_sum(s);
    for (int j = 0; j < d; j++) { /* column j contiguous */
        sq[j] = 0.0;
        for (int i = 0; i < n; i++) {
            xt[(size_t)j * n + i] = xc[(size_t)i * d + j];
            sq[j] += xc[(size_t)i * d + j] * xc[(size_t)i * d + j];
        }
    }
    double nk2 = n * (double)k / 2.0, thresh = nk2 * r->l1, ridge = nk2 * r->l2;
    r->grad_norm = 0.0;
    for (int o = 0; o < k; o++) {
        double ymean = 0.0;
        for (int i = 0; i < n; i++)
            ymean += weight_of(s, i) * target(s, i, o, k) / wsum;
        for (int i = 0; i < n; i++)
            res[i] = (target(s, i, o, k) - ymean) * sqrt(weight_of(s, i));
        memset(w, 0, sizeof(double) * (size_t)d);
        long sweep = 0;
        for (; sweep < CD_MAX_SWEEPS; sweep++) {
            double max_step = 0.0, max_w = 0.0;
            for (int j = 0; j < d; j++) {
                const double *col = xt + (size_t)j * n;
                if (sq[j] + ridge == 0.0)
                    continue;
                double rho = cblas_ddot(n, col, 1, res, 1) + sq[j] * w[j];
                double mag = fabs(rho) - thresh;
                double wj = mag > 0 ? copysign(mag, rho) / (sq[j] + ridge) : 0.0;
                double delta = wj - w[j];
                if (delta != 0.0)
                    cblas_daxpy(n, -delta, col, 1, res, 1);
                w[j] = wj;
                max_step = fmax(max_step, fabs(delta));
                max_w = fmax(max_w, fabs(wj));
            }
            if (max_step <= 1e-15 * (1.0 + max_w))
                break;
        }
        r->iterations = sweep + 1 > r->iterations ? sweep + 1 : r->iterations;
        double bias = ymean;
        for (int j = 0; j < d; j++) {
            /* KKT: ∂f/∂w_j = −(1/nk)·2x_jᵀr + λ₂w_j, and |·| ≤ λ₁ at zero, = −λ₁sign(w_j) elsewhere */
            double g = -cblas_ddot(n, xt + (size_t)j * n, 1, res, 1) / nk2 + r->l2 * w[j];
            double kkt = w[j] != 0.0 ? fabs(g + r->l1 * (w[j] > 0 ? 1.0 : -1.0)) : fmax(0.0, fabs(g) - r->l1);
            r->grad_norm = fmax(r->grad_norm, kkt);
            r->theta[(size_t)o * d + j] = w[j];
            bias -= w[j] * mean[j];
        }
        r->theta[(size_t)k * d + o] = bias;
    }
    free(xc), free(mean), free(xt), free(res), free(sq), free(w);
    return DLX_OK;
}

/* f of the logistic objective at θ = (w, b) in double, and z = Aθ into z. */
static double logistic_value(const dlx_reference *r, const double *a, const dlx_split *s,
                             const double *theta, double *z)
{
    int n = s->n, c = r->dim + 1;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, n, c, 1.0, a, c, theta, 1, 0.0, z, 1);
    double f = 0.0;
    for (int i = 0; i < n; i++)
        f += weight_of(s, i) * (softplus(z[i]) - s->labels[i] * z[i]);
    f /= n;
    return f + 0.5 * r->l2 * cblas_ddot(r->dim, theta, 1, theta, 1);
}

/* L2-penalized logistic regression by damped Newton steps. */
static dlx_status solve_logistic(dlx_reference *r, const dlx_split *s, dlx_diags *diags)
{
    int n = s->n, d = r->dim, c = d + 1, info = 0;
    double *a = malloc(sizeof(double) * (size_t)n * c), *as = malloc(sizeof(double) * (size_t)n * c);
    double *z = malloc(sizeof(double) * (size_t)n), *resid = malloc(sizeof(double) * (size_t)n);
    double *g = malloc(sizeof(double) * (size_t)c), *h = malloc(sizeof(double) * (size_t)c * c);
    double *step = malloc(sizeof(double) * (size_t)c), *trial = malloc(sizeof(double) * (size_t)c);
    double *theta = calloc((size_t)c, sizeof(double));
    dlx_status st = DLX_ERR_RUNTIME;
    if (!a || !as || !z || !resid || !g || !h || !step || !trial || !theta)
        goto done;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++)
            a[(size_t)i * c + j] = s->x[(size_t)i * d + j];
        a[(size_t)i * c + d] = 1.0;
    }
    double f = logistic_value(r, a, s, theta, z);
    for (r->iterations = 0; r->iterations <= NEWTON_MAX; r->iterations++) {
        for (int i = 0; i < n; i++) {
            double p = 1.0 / (1.0 + exp(-z[i])), sw = sqrt(weight_of(s, i) * p * (1.0 - p) / n);
            resid[i] = weight_of(s, i) * (p - s->labels[i]) / n;
            for (int j = 0; j < c; j++)
                as[(size_t)i * c + j] = sw * a[(size_t)i * c + j];
        }
        cblas_dgemv(CblasRowMajor, CblasTrans, n, c, 1.0, a, c, resid, 1, 0.0, g, 1);
        for (int j = 0; j < d; j++)
            g[j] += r->l2 * theta[j];
        r->grad_norm = cblas_dnrm2(c, g, 1);
        if (r->grad_norm < NEWTON_TOL) {
            st = DLX_OK;
            break;
        }
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, c, n, 1.0, as, c, 0.0, h, c);
        for (int j = 0; j < d; j++)
            h[(size_t)j * c + j] += r->l2;
        memcpy(step, g, sizeof(double) * (size_t)c);
        int one = 1;
        dposv_("U", &c, &one, h, &c, step, &c, &info, 1);
        if (info != 0)
            break;
        /* Newton decrement λ² = ∇fᵀ(∇²f)⁻¹∇f. Once it is below what f can
           resolve in double, the line search cannot see a decrease: take the
           full step, inside the region of quadratic convergence. */
        double decrement = cblas_ddot(c, g, 1, step, 1), t = 1.0, f_trial = f;
        for (int tries = 0; tries < 60; tries++, t *= 0.5) {
            for (int j = 0; j < c; j++)
                trial[j] = theta[j] - t * step[j];
            f_trial = logistic_value(r, a, s, trial, z);
            if (f_trial <= f - 0.25 * t * decrement || decrement < 1e-12 * (1.0 + fabs(f)))
                break;
        }
        memcpy(theta, trial, sizeof(double) * (size_t)c);
        f = f_trial;
    }
    if (st != DLX_OK) {
        diags_add(diags, NULL, 0, 0, "reference logistic: Newton's method stopped at gradient norm %.3g "
                  "after %ld steps (is the data separable with a tiny l2?)", r->grad_norm, r->iterations);
        st = DLX_ERR_INPUT;
    }
    memcpy(r->theta, theta, sizeof(double) * (size_t)c);
done:
    free(a), free(as), free(z), free(resid), free(g), free(h), free(step), free(trial), free(theta);
    return st;
}

/* f(θ) for θ = (W [k, d], b [k]) in double, with X from ref->x. */
static double objective_at(dlx_reference *r, const dlx_split *s, const double *theta)
{
    int n = s->n, d = r->dim, k = r->outputs;
    const double *W = theta, *b = theta + (size_t)k * d;
    double data = 0.0;
    for (int o = 0; o < k; o++) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, n, d, r->input_scale, r->x, d, W + (size_t)o * d, 1, 0.0,
                    r->z, 1);
        for (int i = 0; i < n; i++) {
            double z = r->z[i] + b[o];
            if (r->loss == LOSS_LOGISTIC) {
                data += weight_of(s, i) * (softplus(z) - s->labels[i] * z);
            } else {
                double e = z - target(s, i, o, k);
                data += weight_of(s, i) * e * e;
            }
        }
        if (r->feature_ridge > 0) /* dropout_ridge: c·Σ_j W_oj²·Σ_i x_ij² */
            for (int i = 0; i < n; i++)
                for (int j = 0; j < d; j++) {
                    double xw = r->x[(size_t)i * d + j] * W[(size_t)o * d + j];
                    data += r->feature_ridge * xw * xw;
                }
    }
    data /= (double)n * k;
    double sq = 0.0, abs_sum = 0.0;
    for (size_t i = 0; i < (size_t)k * d; i++) {
        sq += W[i] * W[i];
        abs_sum += fabs(W[i]);
    }
    double dropout = r->type == REF_DROPOUT_QUADRATIC ? reference_dropout_penalty(r, s, theta) : 0.0;
    return data + 0.5 * r->l2 * sq + r->l1 * abs_sum + dropout;
}

/* The solvers with the table's signature. */
static dlx_status run_min_norm(dlx_reference *r, const dlx_split *s, const dlx_config *cfg, dlx_diags *diags)
{
    (void)cfg, (void)diags;
    return solve_min_norm(r, s);
}

static dlx_status run_ridge(dlx_reference *r, const dlx_split *s, const dlx_config *cfg, dlx_diags *diags)
{
    (void)cfg, (void)diags;
    return r->l2 > 0 ? solve_ridge(r, s) : solve_min_norm(r, s);
}

static dlx_status run_lasso(dlx_reference *r, const dlx_split *s, const dlx_config *cfg, dlx_diags *diags)
{
    (void)cfg, (void)diags;
    return solve_lasso(r, s);
}

static dlx_status run_logistic(dlx_reference *r, const dlx_split *s, const dlx_config *cfg, dlx_diags *diags)
{
    (void)cfg;
    return solve_logistic(r, s, diags);
}

static dlx_status run_dropout(dlx_reference *r, const dlx_split *s, const dlx_config *cfg, dlx_diags *diags)
{
    r->dropout_rate = cfg->model.dropout_input;
    r->noise_std = cfg->regularizer.input_noise;
    return reference_dropout_solve(r, s, diags);
}

static dlx_status run_dropout_ridge(dlx_reference *r, const dlx_split *s, const dlx_config *cfg,
                                    dlx_diags *diags)
{
    (void)diags;
    double keep = 1.0 - cfg->model.dropout_input;
    bool test_time = cfg->model.dropout_scaling == DROPOUT_TEST_TIME;
    r->input_scale = test_time ? keep : 1.0;
    r->feature_ridge = test_time ? keep * (1.0 - keep) : (1.0 - keep) / keep;
    return solve_dropout_ridge(r, s, keep);
}

/* Which models a reference's objective is the training objective of. */
typedef enum { FITS_ANY, FITS_LINEAR_MSE, FITS_LOGISTIC, FITS_FACTORIZATION } reference_fit;

/* One row: the name (as in SPEC_REFERENCES), the models it fits, how θ* is
   computed (for the record) and the solver; auto and none solve nothing. */
typedef struct {
    const char *name;
    reference_fit fit;
    const char *method;
    dlx_status (*solve)(dlx_reference *r, const dlx_split *s, const dlx_config *cfg, dlx_diags *diags);
} reference_kind;

/* The references, indexed by dlx_reference_type. Adding one: its solver
   (here or in a file of its own), a row here, its name in SPEC_REFERENCES
   (src/spec/schema.c), and, if `auto` should pick it, convert_reference. */
static const reference_kind KINDS[] = {
    [REF_AUTO] = {"auto", FITS_ANY, NULL, NULL},
    [REF_NONE] = {"none", FITS_ANY, NULL, NULL},
    [REF_MIN_NORM] = {"min_norm", FITS_LINEAR_MSE, "pseudo-inverse [X 1]+ Y by SVD (LAPACK dgelsd)", run_min_norm},
    [REF_RIDGE] = {"ridge", FITS_LINEAR_MSE, "QR of the centred augmented system (LAPACK dgels)", run_ridge},
    [REF_LASSO] = {"lasso", FITS_LINEAR_MSE, "cyclic coordinate descent to a step below 1e-15", run_lasso},
    [REF_LOGISTIC] = {"logistic", FITS_LOGISTIC, "Newton's method to a gradient norm below 1e-10 (LAPACK dposv)",
                      run_logistic},
    [REF_DROPOUT_QUADRATIC] = {"dropout_quadratic", FITS_LOGISTIC,
                               "damped Newton on the logistic loss + quadratic dropout penalty to a gradient "
                               "norm below 1e-10 (LAPACK dposv)",
                               run_dropout},
    [REF_DROPOUT_RIDGE] = {"dropout_ridge", FITS_LINEAR_MSE,
                           "Cholesky of the augmented normal equations with the dropout-weighted "
                           "diagonal (LAPACK dposv)",
                           run_dropout_ridge},
    /* a matrix X*, not a θ* of this struct: solvers/nuclear_norm.c computes it */
    [REF_NUCLEAR_NORM] = {"nuclear_norm", FITS_FACTORIZATION,
                          "singular-value soft-thresholding of Y (LAPACK dgesvd), or FISTA soft-impute to a "
                          "relative change below 1e-12 when entries are held out",
                          NULL},
};
_Static_assert(sizeof KINDS / sizeof *KINDS == REF_TYPE_COUNT, "one row per dlx_reference_type");

static const reference_kind *kind_of(dlx_reference_type type)
{
    return (int)type >= 0 && (int)type < REF_TYPE_COUNT ? &KINDS[type] : NULL;
}

const char *reference_kind_name(dlx_reference_type type)
{
    const reference_kind *k = kind_of(type);
    return k ? k->name : NULL;
}

bool reference_fits(const dlx_config *cfg, char *why, size_t n)
{
    const reference_kind *k = kind_of(cfg->reference);
    if (!k)
        return false;
    bool linear = cfg->model.type == MODEL_LINEAR && cfg->loss == LOSS_MSE;
    bool logistic = cfg->model.type == MODEL_LOGISTIC;
    bool factorization = cfg->model.type == MODEL_FACTORIZATION;
    bool fits = k->fit == FITS_ANY || (k->fit == FITS_LINEAR_MSE && linear) ||
                (k->fit == FITS_LOGISTIC && logistic) || (k->fit == FITS_FACTORIZATION && factorization);
    bool weighted = cfg->data.importance != IMPORTANCE_NONE || cfg->data.weight_column[0];
    if (fits && weighted && cfg->reference == REF_DROPOUT_QUADRATIC) {
        snprintf(why, n, "reference 'dropout_quadratic' is not defined for weighted training examples "
                 "(data.importance, data.weight)");
        return false;
    }
    if (fits && k->fit == FITS_FACTORIZATION && !(cfg->regularizer.l2 > 0 || cfg->regularizer.product > 0)) {
        snprintf(why, n, "reference 'nuclear_norm' needs a regularizer weight λ > 0 (regularizer.l2 or "
                 "regularizer.product)");
        return false;
    }
    if (fits && cfg->reference == REF_DROPOUT_RIDGE &&
        (!(cfg->model.dropout_input > 0) || cfg->model.dropout_kind != DROPOUT_BERNOULLI ||
         cfg->regularizer.l2 > 0 || cfg->regularizer.l1 > 0 || cfg->regularizer.input_noise > 0)) {
        snprintf(why, n, "reference 'dropout_ridge' is the expected mse under Bernoulli input dropout: it "
                 "needs model.dropout.input > 0 with kind bernoulli and no l2, l1 or input_noise");
        return false;
    }
    if (fits)
        return true;
    snprintf(why, n, "reference '%s' needs %s, here model is %s with loss %s", k->name,
             k->fit == FITS_LOGISTIC ? "model logistic"
             : k->fit == FITS_FACTORIZATION ? "model factorization" : "model linear with loss mse",
             model_type_name(cfg->model.type), loss_name(cfg->loss));
    return false;
}

bool reference_solves(dlx_reference_type type)
{
    const reference_kind *k = kind_of(type);
    return k && (k->solve || k->fit == FITS_FACTORIZATION);
}

dlx_status reference_compute(dlx_reference *ref, const dlx_config *cfg, const dlx_dataset *ds,
                             dlx_diags *diags)
{
    *ref = (dlx_reference){.type = cfg->reference, .input_scale = 1.0};
    const dlx_split *s = &ds->train;
    const reference_kind *kind = kind_of(cfg->reference);
    if (!kind || !kind->solve) {
        diags_add(diags, NULL, 0, 0, "this diagnostic needs a reference solution, and model %s has none "
                  "(set reference: to one of min_norm, ridge, lasso, logistic, dropout_quadratic)", model_type_name(cfg->model.type));
        return DLX_ERR_INPUT;
    }
    char why[256];
    if (!reference_fits(cfg, why, sizeof why)) { /* checked before any run (src/experiment/validate.c) */
        diags_add(diags, NULL, 0, 0, "%s", why);
        return DLX_ERR_INPUT;
    }
    bool logistic = kind->fit == FITS_LOGISTIC;
    if (!logistic && ds->classes > 0) {
        diags_add(diags, NULL, 0, 0, "reference %s needs regression targets, but the data have classes",
                  kind->name);
        return DLX_ERR_INPUT;
    }
    ref->loss = logistic ? LOSS_LOGISTIC : LOSS_MSE;
    ref->dim = s->dim;
    ref->outputs = logistic ? 1 : s->n_targets;
    const dlx_regularizer_config *reg = &cfg->regularizer;
    /* E over input noise of the mse (mean over n·k terms) adds (σ²/k)‖W‖²: λ = 2σ²/k */
    ref->l2 = reg->l2 + (logistic ? 0.0 : 2.0 * reg->input_noise * reg->input_noise / ref->outputs);
    ref->l1 = cfg->reference == REF_LASSO ? reg->l1 : 0.0;
    if (cfg->reference == REF_MIN_NORM)
        ref->l2 = 0.0;
    ref->theta = calloc((size_t)ref->outputs * (size_t)(ref->dim + 1), sizeof(double));
    if (!ref->theta) {
        diags_add(diags, NULL, 0, 0, "out of memory for the reference solution");
        return DLX_ERR_RUNTIME;
    }
    ref->method = kind->method;
    dlx_status st = kind->solve(ref, s, cfg, diags);
    if (st == DLX_ERR_RUNTIME)
        diags_add(diags, NULL, 0, 0, "reference %s: LAPACK failed or memory ran out", kind->name);
    if (st != DLX_OK) {
        reference_free(ref);
        return st;
    }
    size_t n_theta = (size_t)ref->outputs * (size_t)(ref->dim + 1);
    ref->x = malloc(sizeof(double) * (size_t)s->n * (size_t)s->dim);
    ref->z = malloc(sizeof(double) * (size_t)(s->n > 0 ? s->n : 1));
    ref->theta_t = malloc(sizeof(double) * n_theta);
    if (!ref->x || !ref->z || !ref->theta_t) {
        diags_add(diags, NULL, 0, 0, "out of memory for the reference solution");
        reference_free(ref);
        return DLX_ERR_RUNTIME;
    }
    for (size_t i = 0; i < (size_t)s->n * (size_t)s->dim; i++)
        ref->x[i] = s->x[i];
    ref->f_star = objective_at(ref, s, ref->theta);
    return DLX_OK;
}

void reference_free(dlx_reference *ref)
{
    free(ref->theta);
    free(ref->x);
    free(ref->z);
    free(ref->theta_t);
    ref->theta = ref->x = ref->z = ref->theta_t = NULL;
}

double reference_objective(dlx_reference *ref, const dlx_split *train, const real *W, const real *b)
{
    size_t kd = (size_t)ref->outputs * (size_t)ref->dim;
    for (size_t i = 0; i < kd; i++)
        ref->theta_t[i] = W[i];
    for (int o = 0; o < ref->outputs; o++)
        ref->theta_t[kd + (size_t)o] = b[o];
    return objective_at(ref, train, ref->theta_t);
}
