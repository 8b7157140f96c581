/*
 * batchnorm.c — batch normalization, train and eval mode (see batchnorm.h).
 *
 * Forward (Ioffe & Szegedy 2015, Algorithm 1), per feature over the batch:
 *
 *     mu     = (1/B) Σ_i x_i
 *     var    = (1/B) Σ_i (x_i − mu)²                  biased, as the paper
 *     rstd   = 1/sqrt(var + eps)
 *     x̂_i    = (x_i − mu)·rstd
 *     y_i    = gamma·x̂_i + beta
 *
 * Backward (the chain rule of §3, through mu and var, since both depend on
 * every x_i of the batch). With dx̂_i = dy_i·gamma:
 *
 *     dvar = Σ_k dx̂_k·(x_k − mu)·(−1/2)·(var + eps)^(−3/2)
 *          = −(1/2)·rstd²·Σ_k dx̂_k·x̂_k                 using x_k − mu = x̂_k/rstd
 *     dmu  = −rstd·Σ_k dx̂_k + dvar·(−2/B)·Σ_k (x_k − mu)
 *          = −rstd·Σ_k dx̂_k                            the second sum is 0
 *     dx_i = dx̂_i·rstd + dvar·2(x_i − mu)/B + dmu/B
 *          = (rstd/B)·(B·dx̂_i − Σ_k dx̂_k − x̂_i·Σ_k dx̂_k·x̂_k)
 *
 * and for the affine part dgamma = Σ_i dy_i·x̂_i, dbeta = Σ_i dy_i. Since
 * Σ dx̂ = gamma·dbeta and Σ dx̂·x̂ = gamma·dgamma, the input gradient is
 *
 *     dx_i = (gamma·rstd/B)·(B·dy_i − dbeta − x̂_i·dgamma)
 *
 * so the backward pass is one reduction (dgamma, dbeta) and one map.
 *
 * Features are processed in blocks of COLUMN_BLOCK columns: each pass reads
 * rows contiguously while the per-feature sums accumulate in double on the
 * stack (a full-batch run sums 60000 rows). The variance is the two-pass
 * centered sum, which does not cancel catastrophically as E[x²] − E[x]² can.
 */
#include "nn/batchnorm.h"
#include "util/real.h"

#include <math.h>
#include <stddef.h>

#include "util/vector_clones.h"

enum { COLUMN_BLOCK = 64 };

/* Width of the block of columns that starts at j0. */
static int block_width(int j0, int n) { return n - j0 < COLUMN_BLOCK ? n - j0 : COLUMN_BLOCK; }

VECTOR_CLONES void batchnorm_forward_train(real *out, real *x_hat, real *mean, real *var,
                                           real *rstd, const real *in, const real *gamma,
                                           const real *beta, int B, int n, double eps)
{
    for (int j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
        int width = block_width(j0, n);
        double mu[COLUMN_BLOCK] = {0}, sq[COLUMN_BLOCK] = {0}, rs[COLUMN_BLOCK];
        for (int i = 0; i < B; i++) {
            const real *row = in + (size_t)i * n + j0;
            for (int j = 0; j < width; j++)
                mu[j] += row[j];
        }
        for (int j = 0; j < width; j++)
            mu[j] /= B;
        for (int i = 0; i < B; i++) {
            const real *row = in + (size_t)i * n + j0;
            for (int j = 0; j < width; j++) {
                double centered = row[j] - mu[j];
                sq[j] += centered * centered;
            }
        }
        for (int j = 0; j < width; j++) {
            double v = sq[j] / B;
            rs[j] = 1.0 / sqrt(v + eps);
            mean[j0 + j] = (real)mu[j];
            var[j0 + j] = (real)v;
            rstd[j0 + j] = (real)rs[j];
        }
        /* Normalize, then scale and shift. */
        for (int i = 0; i < B; i++) {
            size_t at = (size_t)i * n + j0;
            for (int j = 0; j < width; j++) {
                real xh = (real)((in[at + j] - mu[j]) * rs[j]);
                x_hat[at + j] = xh;
                out[at + j] = gamma[j0 + j] * xh + beta[j0 + j];
            }
        }
    }
}

VECTOR_CLONES void batchnorm_backward(real *d_in, real *d_gamma, real *d_beta,
                                      const real *d_out, const real *x_hat, const real *gamma,
                                      const real *rstd, int B, int n)
{
    for (int j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
        int width = block_width(j0, n);
        double dg[COLUMN_BLOCK] = {0}, db[COLUMN_BLOCK] = {0};
        for (int i = 0; i < B; i++) {
            size_t at = (size_t)i * n + j0;
            for (int j = 0; j < width; j++) {
                dg[j] += (double)d_out[at + j] * x_hat[at + j];
                db[j] += d_out[at + j];
            }
        }
        real coef[COLUMN_BLOCK];
        for (int j = 0; j < width; j++) {
            d_gamma[j0 + j] = (real)dg[j];
            d_beta[j0 + j] = (real)db[j];
            coef[j] = (real)((double)gamma[j0 + j] * rstd[j0 + j] / B);
        }
        /* dx = (gamma·rstd/B)·(B·dy − dbeta − x̂·dgamma) */
        for (int i = 0; i < B; i++) {
            size_t at = (size_t)i * n + j0;
            for (int j = 0; j < width; j++)
                d_in[at + j] = coef[j] * (real)((double)B * d_out[at + j] - db[j]
                                                 - (double)x_hat[at + j] * dg[j]);
        }
    }
}

void batchnorm_update_running(real *running_mean, real *running_var, const real *mean,
                              const real *var, int B, int n, double momentum)
{
    double unbiased = B > 1 ? (double)B / (B - 1) : 1.0;
    for (int j = 0; j < n; j++) {
        running_mean[j] = (real)((1.0 - momentum) * running_mean[j] + momentum * mean[j]);
        running_var[j] =
            (real)((1.0 - momentum) * running_var[j] + momentum * unbiased * var[j]);
    }
}

VECTOR_CLONES void batchnorm_forward_eval(real *out, const real *in, const real *gamma, const real *beta,
                            const real *running_mean, const real *running_var, int B, int n,
                            double eps)
{
    for (int j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
        int width = block_width(j0, n);
        /* y = x·scale + shift, scale = gamma/sqrt(var + eps), shift = beta − mean·scale */
        real scale[COLUMN_BLOCK], shift[COLUMN_BLOCK];
        for (int j = 0; j < width; j++) {
            double s = gamma[j0 + j] / sqrt((double)running_var[j0 + j] + eps);
            scale[j] = (real)s;
            shift[j] = (real)(beta[j0 + j] - running_mean[j0 + j] * s);
        }
        for (int i = 0; i < B; i++) {
            size_t at = (size_t)i * n + j0;
            for (int j = 0; j < width; j++)
                out[at + j] = in[at + j] * scale[j] + shift[j];
        }
    }
}
