/*
 * score_moment.c — the empirical third-order score cross-moment of
 * score_moment.h. Blocks of BLOCK rows: Z [BLOCK, d²] and X [BLOCK, d] in
 * double, one gemm_f64 per block into T viewed as [d², d]; then the
 * correction −sym(m ⊗ I) of the score function.
 */
#include "util/score_moment.h"
#include "util/real.h"

#include <stdlib.h>
#include <string.h>

#include "util/gemm.h"

enum { BLOCK = 256 };

dlx_status score_moment3(const real *x, const real *y, int n, int d, double *T)
{
    if (n < 1 || d < 1)
        return DLX_ERR_INPUT;
    size_t dd = (size_t)d * d;
    double *z = malloc((size_t)BLOCK * dd * sizeof *z);
    double *xb = malloc((size_t)BLOCK * d * sizeof *xb);
    double *m = calloc((size_t)d, sizeof *m);
    if (!z || !xb || !m) {
        free(z);
        free(xb);
        free(m);
        return DLX_ERR_RUNTIME;
    }
    memset(T, 0, dd * (size_t)d * sizeof *T);
    for (int start = 0; start < n; start += BLOCK) {
        int rows = n - start < BLOCK ? n - start : BLOCK;
        for (int r = 0; r < rows; r++) {
            const real *xi = x + (size_t)(start + r) * d;
            double yi = y[start + r];
            double *xr = xb + (size_t)r * d, *zr = z + (size_t)r * dd;
            for (int a = 0; a < d; a++) {
                xr[a] = xi[a];
                m[a] += yi * xi[a];
            }
            for (int a = 0; a < d; a++) {
                double ya = yi * xr[a];
                for (int b = 0; b < d; b++)
                    zr[(size_t)a * d + b] = ya * xr[b];
            }
        }
        /* T[(a,b), c] += Σ_r Z[r, (a,b)]·X[r, c] */
        gemm_f64(true, false, (int)dd, d, rows, 1.0, z, (int)dd, xb, d, 1.0, T, d);
    }
    double inv_n = 1.0 / n;
    for (size_t i = 0; i < dd * (size_t)d; i++)
        T[i] *= inv_n;
    for (int a = 0; a < d; a++)
        m[a] *= inv_n;
    /* − Σ_i (m⊗e_i⊗e_i + e_i⊗m⊗e_i + e_i⊗e_i⊗m) */
    for (int a = 0; a < d; a++)
        for (int i = 0; i < d; i++) {
            T[((size_t)a * d + i) * d + i] -= m[a];
            T[((size_t)i * d + a) * d + i] -= m[a];
            T[((size_t)i * d + i) * d + a] -= m[a];
        }
    free(z);
    free(xb);
    free(m);
    return DLX_OK;
}
