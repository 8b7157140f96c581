/*
 * dropout.h — Bernoulli dropout (Srivastava et al. 2014) on n floats.
 *
 * rate r is the probability of dropping a unit; a unit is kept with
 * probability p = 1 − r. The mask is one byte per unit (1 = kept), drawn from
 * the dlx_rng passed in, so the same generator state gives the same mask.
 * Scaling (SPEC §2, model.dropout.scaling):
 *   inverted:   kept units × 1/p in training, nothing at evaluation;
 *   test_time:  nothing in training, activations × p at evaluation, which is
 *               the paper's "outgoing weights multiplied by p" (§2, fig. 2).
 * A rate of 0 is not a layer at all: callers skip it and draw nothing.
 */
#ifndef DLX_NN_DROPOUT_H
#define DLX_NN_DROPOUT_H

#include "util/real.h"
#include <stddef.h>
#include <stdint.h>

#include "spec/config.h"
#include "util/rng.h"

/* Factor applied to kept units in training: 1/(1 − rate) when inverted, else 1. */
real dropout_train_scale(double rate, dlx_dropout_scaling scaling);
/* Factor applied to every unit at evaluation: 1 − rate for test_time, else 1. */
real dropout_eval_scale(double rate, dlx_dropout_scaling scaling);

/* mask[i] = 1 with probability 1 − rate, else 0, for i < n. Each 64-bit draw
   gives four 16-bit lanes u, and a unit is kept when u < round((1 − rate)·2^16),
   so the realized keep probability is within 2^-17 of 1 − rate; ceil(n/4)
   draws are consumed. */
void dropout_draw_mask(uint8_t *mask, size_t n, double rate, dlx_rng *rng);

/* Draw a mask into mask[n], then out = in·mask·scale. out may alias in. */
void dropout_forward_train(real *out, uint8_t *mask, const real *in, size_t n, double rate,
                           real scale, dlx_rng *rng);

/* d_in = d_out·mask·scale. d_in may alias d_out. */
void dropout_backward(real *d_in, const real *d_out, const uint8_t *mask, size_t n, real scale);

/* Gaussian dropout (Srivastava et al. 2014, §10): multiplicative noise with
   the mean and variance of the Bernoulli mask it replaces,
       noise_i = scale·(p + √(p(1 − p))·ε_i),  ε_i ~ N(0, 1),  p = 1 − rate,
   so with inverted scaling (scale 1/p) E noise = 1, Var noise = rate/(1 − rate),
   and with test_time scaling (scale 1) E noise = p, as the Bernoulli mask.
   Draws noise[n] (one rng_normal per unit), then out = in·noise. out may
   alias in. */
void dropout_gaussian_forward_train(real *out, real *noise, const real *in, size_t n,
                                    double rate, real scale, dlx_rng *rng);

/* d_in = d_out·noise. d_in may alias d_out. */
void dropout_gaussian_backward(real *d_in, const real *d_out, const real *noise, size_t n);

/* DropConnect (Wan et al. 2013) on a weight matrix: draws a Bernoulli mask
   over its n entries and writes W_used = W·mask·scale. */
void dropconnect_mask_weights(real *W_used, uint8_t *mask, const real *W, size_t n, double rate,
                              real scale, dlx_rng *rng);

/* The weight gradient through the mask: dW = dW·mask·scale, in place. */
void dropconnect_backward(real *dW, const uint8_t *mask, size_t n, real scale);

/* Evaluation: out = in·scale (scale from dropout_eval_scale). out may alias in. */
void dropout_forward_eval(real *out, const real *in, size_t n, real scale);

#endif
