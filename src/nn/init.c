/*
 * init.c — weight initialization schemes (see init.h for the formulas).
 */
#include "nn/init.h"
#include "util/real.h"

#include <math.h>
#include <string.h>

void init_normal(real *w, size_t n, double std, dlx_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        w[i] = (real)(std * rng_normal(rng));
}

void init_uniform(real *w, size_t n, double limit, dlx_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        w[i] = (real)(limit * (2.0 * rng_uniform(rng) - 1.0));
}

double init_default_limit(int fan_in) { return 1.0 / sqrt((double)fan_in); }

double init_xavier_limit(int fan_in, int fan_out) { return sqrt(6.0 / ((double)fan_in + fan_out)); }

double init_he_std(int fan_in) { return sqrt(2.0 / fan_in); }

void init_dense(real *W, real *b, int n_in, int n_out, const dlx_model_config *model,
                dlx_rng *rng)
{
    size_t n_weights = (size_t)n_out * n_in;
    if (b)
        memset(b, 0, (size_t)n_out * sizeof *b);
    switch (model->init) {
    case INIT_NORMAL:
        init_normal(W, n_weights, model->init_std, rng);
        return;
    case INIT_XAVIER:
        init_uniform(W, n_weights, init_xavier_limit(n_in, n_out), rng);
        return;
    case INIT_HE:
        init_normal(W, n_weights, init_he_std(n_in), rng);
        return;
    case INIT_UNIFORM:
        if (model->init_limit > 0.0) {
            init_uniform(W, n_weights, model->init_limit, rng);
            return;
        }
        break;
    case INIT_ZEROS: /* θ = 0: gradient descent then stays in the row space (min-norm solutions) */
        memset(W, 0, n_weights * sizeof *W);
        return;
    case INIT_FROM_FILE:
        break;
    }
    /* PyTorch's nn.Linear default: weights and biases U(±1/sqrt(fan_in)). */
    init_uniform(W, n_weights, init_default_limit(n_in), rng);
    if (b)
        init_uniform(b, (size_t)n_out, init_default_limit(n_in), rng);
}

void init_batchnorm(real *gamma, real *beta, real *running_mean, real *running_var, int n)
{
    for (int j = 0; j < n; j++) {
        gamma[j] = REAL_C(1.0);
        beta[j] = REAL_C(0.0);
        running_mean[j] = REAL_C(0.0);
        running_var[j] = REAL_C(1.0);
    }
}
