/*
 * batchnorm.h — batch normalization of a [B, n] matrix, per feature (column).
 *
 * Ioffe & Szegedy (2015), Algorithm 1, with the conventions of PyTorch's
 * BatchNorm1d: biased batch variance for normalizing, unbiased batch variance
 * for the running estimate. The derivation of the backward pass is at the top
 * of batchnorm.c. Buffers are owned by the caller; nothing here allocates.
 */
#ifndef DLX_NN_BATCHNORM_H
#define DLX_NN_BATCHNORM_H

#include "util/real.h"

/* Train mode on in[B, n]:
       mean_j = (1/B) Σ_i x_ij,   var_j = (1/B) Σ_i (x_ij − mean_j)²   (biased)
       rstd_j = 1/sqrt(var_j + eps),   x_hat = (x − mean)·rstd,   out = gamma·x_hat + beta
   Saves x_hat [B, n] and mean, var, rstd [n] for the backward pass and the
   running estimates. out may alias in. */
void batchnorm_forward_train(real *out, real *x_hat, real *mean, real *var, real *rstd,
                             const real *in, const real *gamma, const real *beta, int B, int n,
                             double eps);

/* Backward of batchnorm_forward_train, through the batch mean and variance:
       d_gamma = Σ_i dy·x_hat,   d_beta = Σ_i dy,
       dx = (gamma·rstd/B)·(B·dy − d_beta − x_hat·d_gamma)
   Overwrites d_in, d_gamma, d_beta. d_in may alias d_out. */
void batchnorm_backward(real *d_in, real *d_gamma, real *d_beta, const real *d_out,
                        const real *x_hat, const real *gamma, const real *rstd, int B, int n);

/* running = (1 − momentum)·running + momentum·batch, where the batch variance
   is the unbiased one, var·B/(B − 1). With B = 1 the factor would divide by
   zero (PyTorch refuses a batch of one in train mode); here it is taken as 1,
   so running_var moves toward the biased variance, which is 0. */
void batchnorm_update_running(real *running_mean, real *running_var, const real *mean,
                              const real *var, int B, int n, double momentum);

/* Eval mode: out = gamma·(x − running_mean)/sqrt(running_var + eps) + beta.
   out may alias in. */
void batchnorm_forward_eval(real *out, const real *in, const real *gamma, const real *beta,
                            const real *running_mean, const real *running_var, int B, int n,
                            double eps);

#endif
