/*
 * regularizer.h — penalties and constraints on weight matrices (SPEC §2).
 *
 * Only tensors with is_weight apply (not biases, not batch-norm parameters):
 *   l2: λ     penalty (λ/2)·Σ w²,  gradient λ·w (PyTorch's weight_decay)
 *   l1: λ     penalty λ·Σ |w|,     subgradient λ·sign(w)
 *   max_norm: c  after each step, each unit's incoming weights (a row of the
 *             [out, in] matrix) are scaled onto the ball ||w_row|| <= c
 *   input_noise: σ  every training input gets N(0, σ²) noise added
 */
#ifndef DLX_OPTIM_REGULARIZER_H
#define DLX_OPTIM_REGULARIZER_H

#include "util/real.h"
#include <stddef.h>

#include "spec/config.h"
#include "util/rng.h"
#include "util/tensor.h"

/* The penalty (l2 and l1 terms) at the current weights. */
double regularizer_penalty(const dlx_regularizer_config *cfg, const dlx_tensor *tensors, int n);

/* Add the penalty's (sub)gradient to each weight tensor's grad. */
void regularizer_add_gradient(const dlx_regularizer_config *cfg, dlx_tensor *tensors, int n);

/* Max-norm projection of each weight row; no-op when max_norm == 0. */
void regularizer_project(const dlx_regularizer_config *cfg, dlx_tensor *tensors, int n);

/* x[i] += σ·N(0,1) for i < n; no-op when σ == 0. */
void regularizer_input_noise(real *x, size_t n, double sigma, dlx_rng *rng);

#endif
