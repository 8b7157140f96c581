/*
 * least_squares.c — the damped normal equations of least_squares.h by
 * Cholesky (LAPACK dposv, column-major; G is symmetric so its row-major
 * copy is the same matrix).
 */
#include "solvers/least_squares.h"

#include <string.h>

/* LAPACK's Fortran entry point (OpenBLAS ships no lapacke.h on Debian). */
extern void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b,
                   const int *ldb, int *info, size_t uplo_len);

dlx_status least_squares_solve(const double *G, const double *r, int n, double mu, double ridge, double *x,
                               double *work)
{
    memcpy(work, G, (size_t)n * n * sizeof *work);
    for (int i = 0; i < n; i++)
        work[(size_t)i * n + i] += mu * G[(size_t)i * n + i] + ridge;
    memcpy(x, r, (size_t)n * sizeof *x);
    int one = 1, info = 0;
    dposv_("L", &n, &one, work, &n, x, &n, &info, 1);
    return info == 0 ? DLX_OK : DLX_ERR_RUNTIME;
}
