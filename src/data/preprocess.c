/*
 * preprocess.c — scale, standardize and ZCA-whiten the inputs (see
 * preprocess.h).
 */
#include "data/preprocess.h"
#include "util/real.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/gemm.h"
#include "util/linalg.h"
#include "data/split.h"

enum { WHITEN_BLOCK_ROWS = 256 };

/* x ← x / 255 for every input of the split. */
static void scale_split(dlx_split *s)
{
    size_t count = (size_t)s->n * (size_t)s->dim;
    for (size_t i = 0; i < count; i++)
        s->x[i] /= REAL_C(255.0);
}

/* x_j ← (x_j − mean_j)·inv_std_j for every row of the split. */
static void standardize_split(dlx_split *s, const double *mean, const double *inv_std)
{
    size_t dim = (size_t)s->dim;
    for (int i = 0; i < s->n; i++) {
        real *x = s->x + (size_t)i * dim;
        for (size_t j = 0; j < dim; j++)
            x[j] = (real)((x[j] - mean[j]) * inv_std[j]);
    }
}

/* μ_j = (1/n) Σ_i x_ij, σ_j² = (1/n) Σ_i (x_ij − μ_j)² (population variance,
   two passes in double); inv_std_j = 1/σ_j, or 1 when σ_j = 0. */
static void feature_moments(double *mean, double *inv_std, const dlx_split *s)
{
    size_t dim = (size_t)s->dim;
    memset(mean, 0, dim * sizeof *mean);
    memset(inv_std, 0, dim * sizeof *inv_std);
    for (int i = 0; i < s->n; i++)
        for (size_t j = 0; j < dim; j++)
            mean[j] += s->x[(size_t)i * dim + j];
    for (size_t j = 0; j < dim; j++)
        mean[j] /= s->n;
    for (int i = 0; i < s->n; i++) {
        for (size_t j = 0; j < dim; j++) {
            double c = s->x[(size_t)i * dim + j] - mean[j];
            inv_std[j] += c * c;
        }
    }
    for (size_t j = 0; j < dim; j++) {
        double std = sqrt(inv_std[j] / s->n);
        inv_std[j] = std > 0 ? 1.0 / std : 1.0;
    }
}

/* standardize: moments of the training split, applied to both splits. */
static dlx_status standardize(dlx_dataset *ds)
{
    size_t dim = (size_t)ds->train.dim;
    double *mean = malloc((dim ? dim : 1) * sizeof *mean);
    double *inv_std = malloc((dim ? dim : 1) * sizeof *inv_std);
    if (!mean || !inv_std) {
        free(mean);
        free(inv_std);
        return DLX_ERR_RUNTIME;
    }
    feature_moments(mean, inv_std, &ds->train);
    standardize_split(&ds->train, mean, inv_std);
    standardize_split(&ds->test, mean, inv_std);
    if (ds->spare.n > 0)
        standardize_split(&ds->spare, mean, inv_std);
    free(mean);
    free(inv_std);
    return DLX_OK;
}

/* W = Σ_i e_i·e_iᵀ / √(λ_i + ε) from the eigenvectors e_i (rows of vectors)
   and eigenvalues λ_i (negative rounding residue clamped to 0), written as
   W = Fᵀ·F with row i of F = e_i / (λ_i + ε)^(1/4). Returns 0 when every λ
   is 0 (constant inputs). */
static int zca_matrix(real *w, double *vectors, const double *lambda, int dim)
{
    size_t width = (size_t)dim;
    double largest = lambda[dim - 1] > 0 ? lambda[dim - 1] : 0;
    if (!(largest > 0))
        return 0;
    double eps = WHITEN_EPS_RELATIVE * largest;
    for (size_t i = 0; i < width; i++) {
        double l = lambda[i] > 0 ? lambda[i] : 0;
        double f = 1.0 / sqrt(sqrt(l + eps));
        for (size_t j = 0; j < width; j++)
            vectors[i * width + j] *= f;
    }
    /* Only the float result is kept: accumulate W in double, then round. */
    double *wd = malloc(width * width * sizeof *wd);
    if (!wd)
        return -1;
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, dim, dim, 1.0, vectors, dim, 0.0, wd, dim);
    for (size_t j = 0; j < width; j++)
        for (size_t k = j; k < width; k++)
            w[j * width + k] = w[k * width + j] = (real)wd[j * width + k];
    free(wd);
    return 1;
}

/* x ← (x − μ)·W for every row of the split, a block of rows at a time. */
static void whiten_split(dlx_split *s, const double *mean, const real *w, real *block)
{
    size_t dim = (size_t)s->dim;
    for (int i0 = 0; i0 < s->n; i0 += WHITEN_BLOCK_ROWS) {
        int rows = s->n - i0 < WHITEN_BLOCK_ROWS ? s->n - i0 : WHITEN_BLOCK_ROWS;
        real *x = s->x + (size_t)i0 * dim;
        for (size_t r = 0; r < (size_t)rows; r++)
            for (size_t j = 0; j < dim; j++)
                block[r * dim + j] = (real)(x[r * dim + j] - mean[j]);
        gemm_real_on(GEMM_OPENBLAS, false, false, rows, s->dim, s->dim, REAL_C(1.0), block, s->dim, w,
                    s->dim, REAL_C(0.0), x, s->dim);
    }
}

/* whiten: mean, covariance and its eigendecomposition from the training
   split, then x ← (x − μ)·W on both splits. */
static dlx_status whiten(dlx_dataset *ds, const char *source_file, dlx_diags *d)
{
    int dim = ds->train.dim;
    size_t width = (size_t)dim;
    dlx_status size_ok = split_check_size(width, width, "rows of the whitening matrix",
                                          source_file, d);
    if (size_ok != DLX_OK)
        return size_ok;
    double *mean = malloc(width * sizeof *mean);
    double *cov = malloc(width * width * sizeof *cov);
    double *lambda = malloc(width * sizeof *lambda);
    real *w = malloc(width * width * sizeof *w);
    real *block = malloc(WHITEN_BLOCK_ROWS * width * sizeof *block);
    dlx_status st = mean && cov && lambda && w && block ? DLX_OK : DLX_ERR_RUNTIME;
    if (st == DLX_OK)
        st = mean_covariance(mean, cov, ds->train.x, ds->train.n, dim);
    if (st == DLX_OK)
        st = symmetric_eigen(cov, lambda, dim);
    int made = st == DLX_OK ? zca_matrix(w, cov, lambda, dim) : -1;
    if (made == 0) {
        diags_add(d, source_file, 0, 0,
                  "data.preprocess whiten: the training inputs are constant (zero covariance)");
        st = DLX_ERR_INPUT;
    } else if (made < 0) {
        diags_add(d, source_file, 0, 0,
                  "data.preprocess whiten: out of memory or eigendecomposition failed (dim %d)",
                  dim);
        st = DLX_ERR_RUNTIME;
    } else {
        whiten_split(&ds->train, mean, w, block);
        whiten_split(&ds->test, mean, w, block);
        if (ds->spare.n > 0)
            whiten_split(&ds->spare, mean, w, block);
    }
    free(mean);
    free(cov);
    free(lambda);
    free(w);
    free(block);
    return st;
}

dlx_status preprocess_dataset(dlx_dataset *ds, dlx_preprocess mode, const char *source_file,
                              dlx_diags *d)
{
    if (ds->train.n == 0 || ds->train.dim == 0)
        return DLX_OK;
    switch (mode) {
    case PRE_NONE:
        return DLX_OK;
    case PRE_SCALE:
        scale_split(&ds->train);
        scale_split(&ds->test);
        if (ds->spare.n > 0)
            scale_split(&ds->spare);
        return DLX_OK;
    case PRE_STANDARDIZE:
        if (standardize(ds) == DLX_OK)
            return DLX_OK;
        diags_add(d, source_file, 0, 0, "out of memory standardizing %d inputs", ds->train.dim);
        return DLX_ERR_RUNTIME;
    case PRE_WHITEN:
        return whiten(ds, source_file, d);
    case PREPROCESS_COUNT:
        break;
    }
    diags_add(d, source_file, 0, 0, "unknown data.preprocess (%d)", (int)mode);
    return DLX_ERR_INPUT;
}
