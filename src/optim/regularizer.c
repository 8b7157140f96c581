/*
 * regularizer.c — weight penalties, max-norm projection and input noise
 * (SPEC §2; formulas in regularizer.h).
 *
 * Only tensors flagged is_weight (dense weight matrices, [out, in]) are
 * touched by l2, l1 and max_norm; biases and batch-norm parameters never are.
 * The penalty is summed in double so that its value does not depend on the
 * number of weights through float rounding.
 */
#include "optim/regularizer.h"
#include "util/real.h"

#include <math.h>

/* Σ over weight tensors of (λ2/2)·Σ w² + λ1·Σ |w| (SPEC §2: l2 as PyTorch's
   weight_decay, whose gradient is λ2·w; l1 the lasso penalty). */
double regularizer_penalty(const dlx_regularizer_config *cfg, const dlx_tensor *tensors, int n)
{
    if (cfg->l2 == 0 && cfg->l1 == 0)
        return 0.0;
    double sum_sq = 0.0, sum_abs = 0.0;
    for (int t = 0; t < n; t++) {
        if (!tensors[t].is_weight)
            continue;
        const real *w = tensors[t].data;
        size_t numel = tensor_numel(&tensors[t]);
        for (size_t i = 0; i < numel; i++) {
            double x = w[i];
            sum_sq += x * x;
            sum_abs += fabs(x);
        }
    }
    return 0.5 * cfg->l2 * sum_sq + cfg->l1 * sum_abs;
}

/* sign(x) with sign(0) = 0, as torch.sign: the subgradient of |x| chosen at 0. */
static real sign_of(real x)
{
    return (real)((x > 0) - (x < 0));
}

/* grad += λ2·w + λ1·sign(w) on every weight tensor that has a gradient. */
void regularizer_add_gradient(const dlx_regularizer_config *cfg, dlx_tensor *tensors, int n)
{
    if (cfg->l2 == 0 && cfg->l1 == 0)
        return;
    const real l2 = (real)cfg->l2, l1 = (real)cfg->l1;
    for (int t = 0; t < n; t++) {
        if (!tensors[t].is_weight || !tensors[t].grad)
            continue;
        const real *w = tensors[t].data;
        real *g = tensors[t].grad;
        size_t numel = tensor_numel(&tensors[t]);
        for (size_t i = 0; i < numel; i++)
            g[i] += l2 * w[i] + l1 * sign_of(w[i]);
    }
}

/* Max-norm constraint (Srebro & Shraibman 2005; Srivastava et al. 2014,
   JMLR 15, §5.1): each unit's incoming weight vector w (a row of the
   [out, in] matrix) with ||w||₂ > c becomes w·c/||w||₂; rows inside the ball
   are left exactly as they are. A 1-D weight tensor counts as one row. */
void regularizer_project(const dlx_regularizer_config *cfg, dlx_tensor *tensors, int n)
{
    if (cfg->max_norm <= 0)
        return;
    const double c = cfg->max_norm;
    for (int t = 0; t < n; t++) {
        if (!tensors[t].is_weight)
            continue;
        int rows = tensors[t].ndim == 2 ? tensors[t].shape[0] : 1;
        size_t cols = tensors[t].ndim == 2 ? (size_t)tensors[t].shape[1] : (size_t)tensors[t].shape[0];
        for (int r = 0; r < rows; r++) {
            real *w = tensors[t].data + (size_t)r * cols;
            double sum_sq = 0.0;
            for (size_t j = 0; j < cols; j++)
                sum_sq += (double)w[j] * w[j];
            double norm = sqrt(sum_sq);
            if (!(norm > c))
                continue;
            double scale = c / norm;
            for (size_t j = 0; j < cols; j++)
                w[j] = (real)(w[j] * scale);
        }
    }
}

/* Gaussian input noise (Bishop 1995, "Training with noise is equivalent to
   Tikhonov regularization"): x[i] ← x[i] + σ·z, z ~ N(0, 1). */
void regularizer_input_noise(real *x, size_t n, double sigma, dlx_rng *rng)
{
    if (sigma == 0)
        return;
    for (size_t i = 0; i < n; i++)
        x[i] = (real)(x[i] + sigma * rng_normal(rng));
}
