/*
 * svd.h — the thin singular value decomposition of a dense matrix, over
 * LAPACK's dgesvd (in OpenBLAS), with its workspace sized once.
 *
 * A = U·diag(s)·Vᵀ for a row-major m×n matrix A, k = min(m, n): s[k] in
 * descending order, U row-major m×k, Vᵀ row-major k×n. LAPACK works in
 * column-major order, where the row-major A is Aᵀ; its SVD Aᵀ = U'·S·V'ᵀ
 * gives A = V'·S·U'ᵀ, and the column-major V'ᵀ (k×m) is exactly the
 * row-major U (m×k), while the column-major U' (n×k) is the row-major Vᵀ
 * (k×n): no transposes are needed. Used by the nuclear-norm reference
 * (singular-value soft-thresholding) and the certificate diagnostic.
 */
#ifndef DLX_UTIL_SVD_H
#define DLX_UTIL_SVD_H

#include "util/diag.h"

typedef struct {
    int m, n, k;
    double *a;      /* [m·n] copy of the input (dgesvd overwrites it) */
    double *s;      /* [k] singular values of the last svd_spectral_norm */
    double *work;   /* LAPACK workspace */
    int lwork;
} dlx_svd;

/* Allocate the workspace for m×n matrices (m, n >= 1). */
dlx_status svd_create(dlx_svd *w, int m, int n, dlx_diags *diags);
void svd_free(dlx_svd *w);

/* The SVD of the row-major m×n matrix a (not modified): s [k]; u [m×k] and
   vt [k×n] row-major, either NULL when not wanted. Returns DLX_ERR_RUNTIME
   when LAPACK does not converge. */
dlx_status svd_compute(dlx_svd *w, const double *a, double *s, double *u, double *vt,
                       dlx_diags *diags);

/* The largest singular value (spectral norm) of the row-major m×n matrix a. */
dlx_status svd_spectral_norm(dlx_svd *w, const double *a, double *norm, dlx_diags *diags);

#endif
