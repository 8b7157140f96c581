/*
 * svd.c — see svd.h.
 */
#include "util/svd.h"

#include <stdlib.h>
#include <string.h>

/* LAPACK (Fortran): hidden string lengths last, as gfortran passes them. */
extern void dgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a,
                    const int *lda, double *s, double *u, const int *ldu, double *vt,
                    const int *ldvt, double *work, const int *lwork, int *info, size_t jobu_len,
                    size_t jobvt_len);

dlx_status svd_create(dlx_svd *w, int m, int n, dlx_diags *diags)
{
    *w = (dlx_svd){.m = m, .n = n, .k = m < n ? m : n};
    w->a = malloc((size_t)m * (size_t)n * sizeof *w->a);
    w->s = malloc((size_t)w->k * sizeof *w->s);
    /* workspace query with both singular-vector sets, the largest case */
    int rows = n, cols = m, info = 0, query = -1, k = w->k;
    double size = 0, dummy = 0;
    if (w->a)
        dgesvd_("S", "S", &rows, &cols, w->a, &rows, &dummy, &dummy, &rows, &dummy, &k, &size,
                &query, &info, 1, 1);
    w->lwork = (int)size + 1;
    w->work = w->a && w->s && info == 0 ? malloc((size_t)w->lwork * sizeof *w->work) : NULL;
    if (!w->work) {
        svd_free(w);
        diags_add(diags, NULL, 0, 0, "cannot allocate the SVD workspace of a %d x %d matrix", m, n);
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}

void svd_free(dlx_svd *w)
{
    free(w->a);
    free(w->s);
    free(w->work);
    *w = (dlx_svd){0};
}

dlx_status svd_compute(dlx_svd *w, const double *a, double *s, double *u, double *vt,
                       dlx_diags *diags)
{
    memcpy(w->a, a, (size_t)w->m * (size_t)w->n * sizeof *w->a);
    /* column-major view: the n×m matrix Aᵀ; its left vectors are our Vᵀ
       (jobu), its right vectors our U (jobvt) */
    int rows = w->n, cols = w->m, k = w->k, info = 0, one = 1;
    double dummy = 0;
    dgesvd_(vt ? "S" : "N", u ? "S" : "N", &rows, &cols, w->a, &rows, s, vt ? vt : &dummy,
            vt ? &rows : &one, u ? u : &dummy, u ? &k : &one, w->work, &w->lwork, &info, 1, 1);
    if (info != 0) {
        diags_add(diags, NULL, 0, 0, "the SVD of a %d x %d matrix did not converge (LAPACK info %d)",
                  w->m, w->n, info);
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}

dlx_status svd_spectral_norm(dlx_svd *w, const double *a, double *norm, dlx_diags *diags)
{
    dlx_status st = svd_compute(w, a, w->s, NULL, NULL, diags);
    *norm = st == DLX_OK ? w->s[0] : 0.0;
    return st;
}
