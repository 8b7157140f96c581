/*
 * certificate.c — see certificate.h.
 */
#include "solvers/certificate.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/matrix_entries.h"
#include "util/gemm.h"

dlx_status certificate_create(dlx_certificate_work *w, int rows, int cols, int rank,
                              dlx_diags *diags)
{
    *w = (dlx_certificate_work){.rows = rows, .cols = cols, .rank = rank};
    int k = rows < cols ? rows : cols, stack = rows + cols;
    w->residual = malloc((size_t)rows * cols * sizeof *w->residual);
    w->res_s = malloc((size_t)k * sizeof *w->res_s);
    w->res_u = malloc((size_t)rows * k * sizeof *w->res_u);
    w->res_vt = malloc((size_t)k * cols * sizeof *w->res_vt);
    w->stacked = malloc((size_t)stack * rank * sizeof *w->stacked);
    w->stack_s = malloc((size_t)rank * sizeof *w->stack_s);
    w->stack_vt = malloc((size_t)rank * rank * sizeof *w->stack_vt);
    w->gram = malloc((size_t)rank * rank * sizeof *w->gram);
    if (!w->residual || !w->res_s || !w->res_u || !w->res_vt || !w->stacked || !w->stack_s ||
        !w->stack_vt || !w->gram) {
        certificate_free(w);
        diags_add(diags, NULL, 0, 0, "out of memory for the certificate of a %d x %d matrix", rows,
                  cols);
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = svd_create(&w->res_svd, rows, cols, diags);
    if (st == DLX_OK)
        st = svd_create(&w->stack_svd, stack, rank, diags);
    if (st != DLX_OK)
        certificate_free(w);
    return st;
}

void certificate_free(dlx_certificate_work *w)
{
    free(w->residual);
    free(w->res_s);
    free(w->res_u);
    free(w->res_vt);
    free(w->stacked);
    free(w->stack_s);
    free(w->stack_vt);
    free(w->gram);
    svd_free(&w->res_svd);
    svd_free(&w->stack_svd);
    *w = (dlx_certificate_work){0};
}

/* ‖UᵀU − VᵀV‖_F / ‖UᵀU‖_F from the stacked [U; V]. */
static double balance(dlx_certificate_work *w)
{
    int r = w->rank;
    const double *u = w->stacked, *v = w->stacked + (size_t)w->rows * r;
    gemm_f64(true, false, r, r, w->rows, 1.0, u, r, u, r, 0.0, w->gram, r);
    double uu = 0.0;
    for (int i = 0; i < r * r; i++)
        uu += w->gram[i] * w->gram[i];
    gemm_f64(true, false, r, r, w->cols, -1.0, v, r, v, r, 1.0, w->gram, r);
    double diff = 0.0;
    for (int i = 0; i < r * r; i++)
        diff += w->gram[i] * w->gram[i];
    return uu > 0 ? sqrt(diff / uu) : (diff > 0 ? INFINITY : 0.0);
}

dlx_status certificate_measure(dlx_certificate_work *w, const dlx_split *train, const real *U,
                               const real *V, double lambda, dlx_certificate *out,
                               dlx_diags *diags)
{
    int r = w->rank, stack = w->rows + w->cols;
    for (size_t i = 0; i < (size_t)w->rows * r; i++)
        w->stacked[i] = U[i];
    for (size_t j = 0; j < (size_t)w->cols * r; j++)
        w->stacked[(size_t)w->rows * r + j] = V[j];
    /* R = P_Ω(Y − UVᵀ) */
    entries_scatter(train, NULL, w->residual);
    for (int e = 0; e < train->n; e++) {
        int i = train->entry_row[e], j = train->entry_col[e];
        double dot = 0.0;
        for (int k = 0; k < r; k++)
            dot += w->stacked[(size_t)i * r + k] * w->stacked[(size_t)(w->rows + j) * r + k];
        w->residual[(size_t)i * w->cols + j] -= dot;
    }
    dlx_status st = svd_compute(&w->res_svd, w->residual, w->res_s, w->res_u, w->res_vt, diags);
    if (st != DLX_OK)
        return st;
    out->cert_ratio = w->res_s[0] / lambda;
    out->factor_balance = balance(w);
    st = svd_compute(&w->stack_svd, w->stacked, w->stack_s, NULL, w->stack_vt, diags);
    if (st != DLX_OK)
        return st;
    double tol = CERTIFICATE_RANK_TOLERANCE * w->stack_s[0];
    out->factor_rank = 0;
    for (int k = 0; k < r; k++)
        out->factor_rank += w->stack_s[k] > tol;
    /* columns of [U; V]·W, W = (Wᵀ)ᵀ: column c is Σ_k stacked[:, k]·Wᵀ[c, k] */
    out->zero_columns = 0;
    for (int c = 0; c < r; c++) {
        double norm = 0.0;
        for (int i = 0; i < stack; i++) {
            double v = 0.0;
            for (int k = 0; k < r; k++)
                v += w->stacked[(size_t)i * r + k] * w->stack_vt[(size_t)c * r + k];
            norm += v * v;
        }
        out->zero_columns += !(sqrt(norm) >= tol) || w->stack_s[0] == 0.0;
    }
    return DLX_OK;
}

double certificate_top_pair(const dlx_certificate_work *w, double *u, double *v)
{
    int k = w->rows < w->cols ? w->rows : w->cols;
    for (int i = 0; i < w->rows; i++)
        u[i] = w->res_u[(size_t)i * k];
    memcpy(v, w->res_vt, (size_t)w->cols * sizeof *v);
    return w->res_s[0];
}
