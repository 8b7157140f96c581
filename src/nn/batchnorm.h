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

/* Train mode on in[B, n]:
       mean_j = (1/B) Σ_i x_ij,   var_j = (1/B) Σ_i (x_ij − mean_j)²   (biased)
       rstd_j = 1/sqrt(var_j + eps),   x_hat = (x − mean)·rstd,   out = gamma·x_hat + beta
   Saves x_hat [B, n] and mean, var, rstd [n] for the backward pass and the
   running estimates. out may alias in. */
void batchnorm_forward_train(float *out, float *x_hat, float *mean, float *var, float *rstd,
                             const float *in, const float *gamma, const float *beta, int B, int n,
                             double eps);

/* Backward of batchnorm_forward_train, through the batch mean and variance:
       d_gamma = Σ_i dy·x_hat,   d_beta = Σ_i dy,
       dx = (gamma·rstd/B)·(B·dy − d_beta − x_hat·d_gamma)
   Overwrites d_in, d_gamma, d_beta. d_in may alias d_out. */
void batchnorm_backward(float *d_in, float *d_gamma, float *d_beta, const float *d_out,
                        const float *x_hat, const float *gamma, const float *rstd, int B, int n);

/* running = (1 − momentum)·running + momentum·batch, where the batch variance
   is the unbiased one, var·B/(B − 1). With B = 1 the factor would divide by
   zero (PyTorch refuses a batch of one in train mode); here it is taken as 1,
   so running_var moves toward the biased variance, which is 0. */
void batchnorm_update_running(float *running_mean, float *running_var, const float *mean,
                              const float *var, int B, int n, double momentum);

/* Eval mode: out = gamma·(x − running_mean)/sqrt(running_var + eps) + beta.
   out may alias in. */
void batchnorm_forward_eval(float *out, const float *in, const float *gamma, const float *beta,
                            const float *running_mean, const float *running_var, int B, int n,
                            double eps);

#endif
