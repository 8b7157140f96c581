/*
 * prox_l1.c — soft thresholding, the proximal operator of t·||w||₁:
 *
 *   prox_t(v)_j = argmin_w (1/2)(w − v_j)² + t|w| = sign(v_j)·max(|v_j| − t, 0)
 *
 * With t = η·λ after a gradient step on the smooth part this is the
 * proximal-gradient method (ISTA; Beck & Teboulle 2009, eq. 1.4 and §2;
 * Parikh & Boyd 2014, §4.2 and §6.5.2). After a momentum or Nesterov step it
 * is the usual "prox after the momentum update" heuristic (Beck & Teboulle's
 * FISTA places the momentum before the prox; with dlx's PyTorch-form
 * momentum the prox is applied to the updated weights).
 */
#include "optim/prox_l1.h"
#include "util/real.h"

#include <math.h>

bool prox_l1_applies(const dlx_config *cfg)
{
    dlx_optimizer_type t = cfg->optimizer.type;
    return cfg->regularizer.l1 > 0 && (t == OPT_SGD || t == OPT_MOMENTUM || t == OPT_NESTEROV);
}

void prox_l1_step(dlx_tensor *tensors, int n, double threshold)
{
    const real t = (real)threshold;
    for (int k = 0; k < n; k++) {
        if (!tensors[k].is_weight)
            continue;
        real *w = tensors[k].data;
        size_t m = tensor_numel(&tensors[k]);
        for (size_t i = 0; i < m; i++) {
            real a = rfabs(w[i]) - t;
            /* sign by comparison: copysignf would round a double `real` to float */
            w[i] = a > REAL_C(0.0) ? (w[i] < REAL_C(0.0) ? -a : a) : REAL_C(0.0);
        }
    }
}
