/*
 * grad_standardize.c — per-unit standardization of a [B, n] gradient over
 * the batch (see grad_standardize.h for the definition).
 *
 * Columns are processed in blocks as in batchnorm.c: rows are read
 * contiguously while the per-column sums accumulate in double on the stack;
 * the variance is the two-pass centered sum.
 */
#include "nn/grad_standardize.h"
#include "util/real.h"

#include <math.h>
#include <stddef.h>

enum { COLUMN_BLOCK = 64 };

/* g_ij ← (g_ij − m_j)/sqrt(B²·v_j + eps), m_j, v_j the batch mean and biased
   variance of column j. */
void grad_standardize(real *g, int B, int n, double eps)
{
    for (int j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
        int width = n - j0 < COLUMN_BLOCK ? n - j0 : COLUMN_BLOCK;
        double mu[COLUMN_BLOCK] = {0}, sq[COLUMN_BLOCK] = {0}, scale[COLUMN_BLOCK];
        for (int i = 0; i < B; i++) {
            const real *row = g + (size_t)i * n + j0;
            for (int j = 0; j < width; j++)
                mu[j] += row[j];
        }
        for (int j = 0; j < width; j++)
            mu[j] /= B;
        for (int i = 0; i < B; i++) {
            const real *row = g + (size_t)i * n + j0;
            for (int j = 0; j < width; j++) {
                double centered = row[j] - mu[j];
                sq[j] += centered * centered;
            }
        }
        for (int j = 0; j < width; j++)
            scale[j] = 1.0 / sqrt((double)B * B * (sq[j] / B) + eps);
        for (int i = 0; i < B; i++) {
            real *row = g + (size_t)i * n + j0;
            for (int j = 0; j < width; j++)
                row[j] = (real)((row[j] - mu[j]) * scale[j]);
        }
    }
}
