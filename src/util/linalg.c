/*
 * linalg.c — mean, covariance, eigendecomposition and random rotations
 * (see linalg.h).
 *
 * LAPACK is called through its Fortran interface: every argument by
 * pointer, matrices column-major, and the lengths of CHARACTER arguments
 * passed as hidden trailing size_t arguments (the gfortran convention that
 * LAPACKE also follows).
 */
#include "util/linalg.h"
#include "util/real.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                    double *w, double *work, const int *lwork, int *iwork, const int *liwork,
                    int *info, size_t jobz_len, size_t uplo_len);
extern void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau,
                    double *work, const int *lwork, int *info);
extern void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda,
                    const double *tau, double *work, const int *lwork, int *info);

enum { COVARIANCE_BLOCK_ROWS = 256 };

dlx_status mean_covariance(double *mean, double *cov, const real *x, int n, int dim)
{
    size_t width = (size_t)dim;
    memset(mean, 0, width * sizeof *mean);
    memset(cov, 0, width * width * sizeof *cov);
    if (n <= 0)
        return DLX_OK;
    for (int i = 0; i < n; i++)
        for (size_t j = 0; j < width; j++)
            mean[j] += x[(size_t)i * width + j];
    for (size_t j = 0; j < width; j++)
        mean[j] /= n;
    double *block = malloc(COVARIANCE_BLOCK_ROWS * width * sizeof *block);
    if (!block)
        return DLX_ERR_RUNTIME;
    /* cov += Bᵀ B for each block B of centered rows (upper triangle). */
    for (int i0 = 0; i0 < n; i0 += COVARIANCE_BLOCK_ROWS) {
        int rows = n - i0 < COVARIANCE_BLOCK_ROWS ? n - i0 : COVARIANCE_BLOCK_ROWS;
        for (int r = 0; r < rows; r++)
            for (size_t j = 0; j < width; j++)
                block[(size_t)r * width + j] = x[(size_t)(i0 + r) * width + j] - mean[j];
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, dim, rows, 1.0, block, dim, 1.0, cov,
                    dim);
    }
    free(block);
    for (size_t j = 0; j < width; j++) {
        for (size_t k = j; k < width; k++) {
            cov[j * width + k] /= n;
            cov[k * width + j] = cov[j * width + k];
        }
    }
    return DLX_OK;
}

dlx_status symmetric_eigen(double *a, double *eigenvalues, int dim)
{
    /* a is symmetric, so its row-major and column-major readings agree; the
       eigenvectors come back as columns in column-major order, that is as
       rows of the row-major array. */
    int info = 0, lwork = -1, liwork = -1, iwork_query = 0;
    double work_query = 0;
    dsyevd_("V", "U", &dim, a, &dim, eigenvalues, &work_query, &lwork, &iwork_query, &liwork,
            &info, 1, 1);
    if (info != 0)
        return DLX_ERR_RUNTIME;
    lwork = (int)work_query + 1;
    liwork = iwork_query;
    double *work = malloc((size_t)lwork * sizeof *work);
    int *iwork = malloc((size_t)(liwork > 0 ? liwork : 1) * sizeof *iwork);
    if (work && iwork)
        dsyevd_("V", "U", &dim, a, &dim, eigenvalues, work, &lwork, iwork, &liwork, &info, 1, 1);
    dlx_status st = work && iwork && info == 0 ? DLX_OK : DLX_ERR_RUNTIME;
    free(work);
    free(iwork);
    return st;
}

dlx_status random_orthogonal(double *q, int dim, dlx_rng *rng)
{
    size_t width = (size_t)dim;
    for (size_t i = 0; i < width * width; i++)
        q[i] = rng_normal(rng);
    double *tau = malloc(width * sizeof *tau);
    double *sign = malloc(width * sizeof *sign);
    int info = 0, lwork = -1;
    double work_query = 0;
    if (tau && sign)
        dgeqrf_(&dim, &dim, q, &dim, tau, &work_query, &lwork, &info);
    lwork = (int)work_query + dim;
    double *work = tau && sign && info == 0 ? malloc((size_t)lwork * sizeof *work) : NULL;
    if (work) {
        dgeqrf_(&dim, &dim, q, &dim, tau, work, &lwork, &info);
        /* R's diagonal is q(i, i) in column-major order, before dorgqr overwrites it. */
        for (size_t i = 0; i < width; i++)
            sign[i] = q[i * width + i] < 0 ? -1.0 : 1.0;
        if (info == 0)
            dorgqr_(&dim, &dim, &dim, q, &dim, tau, work, &lwork, &info);
        for (size_t c = 0; c < width; c++)
            for (size_t r = 0; r < width; r++)
                q[c * width + r] *= sign[c];
    }
    dlx_status st = work && info == 0 ? DLX_OK : DLX_ERR_RUNTIME;
    free(tau);
    free(sign);
    free(work);
    return st;
}
