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

#include <stddef.h>
#include <string.h>

#include "util/gemm.h"
#include "util/vector_clones.h"

enum { COLUMN_BLOCK = 64 };

void dense_forward(float *out, const float *in, const float *W, const float *b, int B, int n_in,
                   int n_out)
{
    float beta = 0.0f;
    if (b) {
        for (int r = 0; r < B; r++)
            memcpy(out + (size_t)r * n_out, b, (size_t)n_out * sizeof *out);
        beta = 1.0f;
    }
    gemm_f32(false, true, B, n_out, n_in, 1.0f, in, n_in, W, n_in, beta, out, n_out);
}

/* sums[j] = Σ_r m[r, j] over the B rows of the [B, n] matrix m. */
VECTOR_CLONES static void column_sums(float *sums, const float *m, int B, int n)
{
    for (int j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
        int width = n - j0 < COLUMN_BLOCK ? n - j0 : COLUMN_BLOCK;
        double acc[COLUMN_BLOCK] = {0};
        for (int r = 0; r < B; r++) {
            const float *row = m + (size_t)r * n + j0;
            for (int j = 0; j < width; j++)
                acc[j] += row[j];
        }
        for (int j = 0; j < width; j++)
            sums[j0 + j] = (float)acc[j];
    }
}

void dense_backward(float *d_in, float *dW, float *db, const float *d_out, const float *in,
                    const float *W, int B, int n_in, int n_out)
{
    gemm_f32(true, false, n_out, n_in, B, 1.0f, d_out, n_out, in, n_in, 0.0f, dW, n_in);
    if (db)
        column_sums(db, d_out, B, n_out);
    if (d_in)
        gemm_f32(false, false, B, n_in, n_out, 1.0f, d_out, n_out, W, n_in, 0.0f, d_in, n_in);
}
