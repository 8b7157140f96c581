/*
 * init.h — initial values of dense and batch-norm parameters (model.init).
 *
 *   normal:   W ~ N(0, std²), b = 0
 *   uniform:  W ~ U(−limit, limit), b = 0; limit 0 means PyTorch's nn.Linear
 *             default instead: W and b ~ U(±1/sqrt(fan_in))
 *   xavier:   W ~ U(±sqrt(6/(fan_in + fan_out))), b = 0
 *             (Glorot & Bengio 2010, eq. 16, "normalized initialization")
 *   he:       W ~ N(0, 2/fan_in), b = 0 (He et al. 2015, §2.2, eq. 10)
 *   from:     the weights come from a file; until the caller loads them the
 *             layer gets PyTorch's default (a model built, then loaded)
 * Batch norm: gamma = 1, beta = 0, running_mean = 0, running_var = 1.
 * Draws come from the dlx_rng passed in: the weights row by row, then the
 * bias when it is random.
 */
#ifndef DLX_NN_INIT_H
#define DLX_NN_INIT_H

#include "util/real.h"
#include <stddef.h>

#include "spec/config.h"
#include "util/rng.h"

/* w[i] ~ N(0, std²) for i < n. */
void init_normal(real *w, size_t n, double std, dlx_rng *rng);
/* w[i] ~ U(−limit, limit) for i < n. */
void init_uniform(real *w, size_t n, double limit, dlx_rng *rng);

/* 1/sqrt(fan_in): PyTorch nn.Linear's bound for weights and biases
   (kaiming_uniform with a = sqrt(5) gives the same bound). */
double init_default_limit(int fan_in);
/* sqrt(6/(fan_in + fan_out)): Glorot & Bengio (2010), eq. 16. */
double init_xavier_limit(int fan_in, int fan_out);
/* sqrt(2/fan_in): He et al. (2015), eq. 10. */
double init_he_std(int fan_in);

/* Initialize W[n_out, n_in] and b[n_out] by model->init (b NULL: a layer without bias). */
void init_dense(real *W, real *b, int n_in, int n_out, const dlx_model_config *model,
                dlx_rng *rng);

/* gamma = 1, beta = 0, running_mean = 0, running_var = 1 for n features. */
void init_batchnorm(real *gamma, real *beta, real *running_mean, real *running_var, int n);

#endif
