/*
 * nuclear_norm.c — see nuclear_norm.h.
 */
#include "solvers/nuclear_norm.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/matrix_entries.h"
#include "util/svd.h"
#include "util/tensor.h"

/* Work buffers of the iteration, sized once. */
typedef struct {
    dlx_svd svd;
    double *s, *u, *vt;   /* the SVD of the thresholded matrix */
} svt_work;

/* out = SVT_λ(a) = U·diag(max(σ − λ, 0))·Vᵀ; *nuclear = Σ max(σ − λ, 0),
   *rank = how many are positive. a and out may be the same. */
static dlx_status soft_threshold(svt_work *w, const double *a, double lambda, double *out,
                                 double *nuclear, int *rank, dlx_diags *diags)
{
    int m = w->svd.m, n = w->svd.n, k = w->svd.k;
    dlx_status st = svd_compute(&w->svd, a, w->s, w->u, w->vt, diags);
    if (st != DLX_OK)
        return st;
    memset(out, 0, (size_t)m * n * sizeof *out);
    double sum = 0.0;
    int kept = 0;
    for (int c = 0; c < k; c++) {
        double shrunk = w->s[c] - lambda;
        if (shrunk <= 0)
            break;   /* descending */
        sum += shrunk;
        kept++;
        for (int i = 0; i < m; i++) {
            double ui = shrunk * w->u[(size_t)i * k + c];
            for (int j = 0; j < n; j++)
                out[(size_t)i * n + j] += ui * w->vt[(size_t)c * n + j];
        }
    }
    *nuclear = sum;
    *rank = kept;
    return DLX_OK;
}

/* ½‖P_Ω(Y − X)‖² for the training entries. */
static double data_term(const dlx_split *train, const double *x)
{
    double sum = 0.0;
    for (int e = 0; e < train->n; e++) {
        double r = train->targets[e] - x[(size_t)train->entry_row[e] * train->cols + train->entry_col[e]];
        sum += r * r;
    }
    return 0.5 * sum;
}

/* FISTA on f: Z_k = P_Ω(Y) + P_Ω⊥(W_k), X_{k+1} = SVT(Z_k),
   W_{k+1} = X_{k+1} + ((t_k − 1)/t_{k+1})(X_{k+1} − X_k). */
static dlx_status soft_impute(dlx_nuclear_reference *r, svt_work *w, const dlx_split *train,
                              dlx_diags *diags)
{
    size_t n = (size_t)r->rows * r->cols;
    double *x_old = calloc(n, sizeof *x_old), *wk = calloc(n, sizeof *wk);
    unsigned char *observed = calloc(n, 1);
    double *y = calloc(n, sizeof *y);
    dlx_status st = x_old && wk && observed && y ? DLX_OK : DLX_ERR_RUNTIME;
    if (st != DLX_OK)
        diags_add(diags, NULL, 0, 0, "out of memory for the nuclear-norm reference");
    if (st == DLX_OK) {
        entries_scatter(train, NULL, y);
        for (int e = 0; e < train->n; e++)
            observed[(size_t)train->entry_row[e] * r->cols + train->entry_col[e]] = 1;
    }
    double t = 1.0;
    for (long it = 1; st == DLX_OK && it <= NUCLEAR_MAX_ITERATIONS; it++) {
        for (size_t i = 0; i < n; i++)
            if (observed[i])
                wk[i] = y[i];
        st = soft_threshold(w, wk, r->lambda, r->x_star, &r->nuclear, &r->rank, diags);
        if (st != DLX_OK)
            break;
        double t_next = 0.5 * (1.0 + sqrt(1.0 + 4.0 * t * t));
        double momentum = (t - 1.0) / t_next, diff = 0.0, norm = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = r->x_star[i] - x_old[i];
            diff += d * d;
            norm += r->x_star[i] * r->x_star[i];
            wk[i] = r->x_star[i] + momentum * d;
            x_old[i] = r->x_star[i];
        }
        t = t_next;
        r->iterations = it;
        r->change = norm > 0 ? sqrt(diff / norm) : sqrt(diff);
        if (r->change < NUCLEAR_TOLERANCE)
            break;
    }
    if (st == DLX_OK && !(r->change < NUCLEAR_TOLERANCE)) {
        diags_add(diags, NULL, 0, 0, "the nuclear-norm reference did not converge in %ld iterations "
                  "(relative change %.3g)", r->iterations, r->change);
        st = DLX_ERR_RUNTIME;
    }
    free(x_old);
    free(wk);
    free(observed);
    free(y);
    return st;
}

dlx_status nuclear_norm_solve(dlx_nuclear_reference *r, const dlx_split *train, double lambda,
                              dlx_diags *diags)
{
    *r = (dlx_nuclear_reference){.rows = train->rows, .cols = train->cols, .lambda = lambda};
    if (!train->entry_row || train->rows < 1 || train->cols < 1) {
        diags_add(diags, NULL, 0, 0, "reference nuclear_norm needs a matrix (data.kind low_rank)");
        return DLX_ERR_INPUT;
    }
    if (!(lambda > 0)) {
        diags_add(diags, NULL, 0, 0, "reference nuclear_norm needs a regularizer weight λ > 0");
        return DLX_ERR_INPUT;
    }
    size_t n = (size_t)r->rows * r->cols;
    svt_work w = {0};
    dlx_status st = svd_create(&w.svd, r->rows, r->cols, diags);
    if (st != DLX_OK)
        return st;
    int k = w.svd.k;
    w.s = malloc((size_t)k * sizeof *w.s);
    w.u = malloc((size_t)r->rows * k * sizeof *w.u);
    w.vt = malloc((size_t)k * r->cols * sizeof *w.vt);
    r->x_star = calloc(n, sizeof *r->x_star);
    if (!w.s || !w.u || !w.vt || !r->x_star) {
        diags_add(diags, NULL, 0, 0, "out of memory for the nuclear-norm reference");
        st = DLX_ERR_RUNTIME;
    }
    if (st == DLX_OK && (size_t)train->n == n) {
        r->method = "svt";
        entries_scatter(train, NULL, r->x_star);
        st = soft_threshold(&w, r->x_star, lambda, r->x_star, &r->nuclear, &r->rank, diags);
    } else if (st == DLX_OK) {
        r->method = "soft-impute (FISTA)";
        st = soft_impute(r, &w, train, diags);
    }
    if (st == DLX_OK)
        r->f_star = data_term(train, r->x_star) + lambda * r->nuclear;
    svd_free(&w.svd);
    free(w.s);
    free(w.u);
    free(w.vt);
    if (st != DLX_OK)
        nuclear_norm_free(r);
    return st;
}

void nuclear_norm_free(dlx_nuclear_reference *r)
{
    free(r->x_star);
    r->x_star = NULL;
}

double factored_objective(const dlx_split *train, const real *U, const real *V, int r,
                          double lambda, bool product)
{
    double fit = 0.0;
    for (int e = 0; e < train->n; e++) {
        const real *u = U + (size_t)train->entry_row[e] * r, *v = V + (size_t)train->entry_col[e] * r;
        double dot = 0.0;
        for (int k = 0; k < r; k++)
            dot += (double)u[k] * v[k];
        double res = train->targets[e] - dot;
        fit += res * res;
    }
    double theta = 0.0;
    if (product) {
        for (int k = 0; k < r; k++)
            theta += strided_norm(U + k, (size_t)train->rows, (size_t)r) *
                     strided_norm(V + k, (size_t)train->cols, (size_t)r);
    } else {
        for (size_t i = 0; i < (size_t)train->rows * r; i++)
            theta += 0.5 * (double)U[i] * U[i];
        for (size_t j = 0; j < (size_t)train->cols * r; j++)
            theta += 0.5 * (double)V[j] * V[j];
    }
    return 0.5 * fit + lambda * theta;
}
