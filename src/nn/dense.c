/*
 * dense.c — forward and backward of the fully connected layer (see dense.h).
 *
 * The three products go through the GEMM seam (util/gemm.h). The bias is fused with the
 * forward product: out is first filled with b row by row and the GEMM then
 * accumulates into it (beta = 1), so out is written in one pass. Column sums
 * for db accumulate in double, a block of columns at a time, because a
 * full-batch run sums tens of thousands of rows; the loop is compiled for
 * AVX-512, AVX2 and SSE2 with the same operations (VECTOR_CLONES).
 */
#include "nn/dense.h"
#include "util/real.h"

#include <stddef.h>
#include <string.h>

#include "util/gemm.h"
#include "util/vector_clones.h"

enum { COLUMN_BLOCK = 64 };

void dense_forward(real *out, const real *in, const real *W, const real *b, int B, int n_in,
                   int n_out)
{
    real beta = REAL_C(0.0);
    if (b) {
        for (int r = 0; r < B; r++)
            memcpy(out + (size_t)r * n_out, b, (size_t)n_out * sizeof *out);
        beta = REAL_C(1.0);
    }
    gemm_real(false, true, B, n_out, n_in, REAL_C(1.0), in, n_in, W, n_in, beta, out, n_out);
}

/* sums[j] = Σ_r m[r, j] over the B rows of the [B, n] matrix m. */
VECTOR_CLONES static void column_sums(real *sums, const real *m, int B, int n)
{
    for (int j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
        int width = n - j0 < COLUMN_BLOCK ? n - j0 : COLUMN_BLOCK;
        double acc[COLUMN_BLOCK] = {0};
        for (int r = 0; r < B; r++) {
            const real *row = m + (size_t)r * n + j0;
            for (int j = 0; j < width; j++)
                acc[j] += row[j];
        }
        for (int j = 0; j < width; j++)
            sums[j0 + j] = (real)acc[j];
    }
}

void dense_backward(real *d_in, real *dW, real *db, const real *d_out, const real *in,
                    const real *W, int B, int n_in, int n_out)
{
    gemm_real(true, false, n_out, n_in, B, REAL_C(1.0), d_out, n_out, in, n_in, REAL_C(0.0), dW, n_in);
    if (db)
        column_sums(db, d_out, B, n_out);
    if (d_in)
        gemm_real(false, false, B, n_in, n_out, REAL_C(1.0), d_out, n_out, W, n_in, REAL_C(0.0), d_in, n_in);
}
