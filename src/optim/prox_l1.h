/*
 * prox_l1.h — the proximal (soft-thresholding) step of the L1 penalty.
 *
 * For the SGD family (sgd, momentum, nesterov) the penalty λ·Σ|w| is not
 * differentiated: the optimizer steps on the smooth part of the objective and
 * then every weight goes through prox_{ηλ|·|}, which sets small weights to
 * exactly zero. Adaptive optimizers keep the subgradient λ·sign(w) (see
 * docs/config.md, "How l1 combines with each optimizer").
 */
#ifndef DLX_OPTIM_PROX_L1_H
#define DLX_OPTIM_PROX_L1_H

#include <stdbool.h>

#include "spec/config.h"
#include "util/tensor.h"

/* True when l1 is applied by prox_l1_step rather than by its subgradient. */
bool prox_l1_applies(const dlx_config *cfg);

/* w ← sign(w)·max(|w| − threshold, 0) for every weight tensor (not biases). */
void prox_l1_step(dlx_tensor *tensors, int n, double threshold);

#endif
