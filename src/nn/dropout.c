/*
 * dropout.c — Bernoulli masks, Gaussian multiplicative noise and DropConnect
 * weight masks, and their application (see dropout.h).
 *
 * Why 16-bit lanes: a uniform float per unit costs one generator call per
 * unit; four 16-bit integer lanes per call cut that by four while keeping the
 * keep probability exact to 2^-17 (half a lane step), far below the sampling
 * noise of any batch. The comparison is on integers, so there is no rounding
 * of a float threshold to worry about.
 */
#include "nn/dropout.h"

#include <math.h>

enum { LANE_BITS = 16, LANES_PER_DRAW = 64 / LANE_BITS };

float dropout_train_scale(double rate, dlx_dropout_scaling scaling)
{
    return scaling == DROPOUT_INVERTED ? (float)(1.0 / (1.0 - rate)) : 1.0f;
}

float dropout_eval_scale(double rate, dlx_dropout_scaling scaling)
{
    return scaling == DROPOUT_TEST_TIME ? (float)(1.0 - rate) : 1.0f;
}

void dropout_draw_mask(uint8_t *mask, size_t n, double rate, dlx_rng *rng)
{
    /* keep iff lane < threshold; threshold in [0, 2^16] */
    uint64_t threshold = (uint64_t)llround((1.0 - rate) * (double)(1u << LANE_BITS));
    const uint64_t lane_mask = (1u << LANE_BITS) - 1;
    size_t i = 0;
    while (i < n) {
        uint64_t bits = rng_u64(rng);
        for (int lane = 0; lane < LANES_PER_DRAW && i < n; lane++, i++) {
            mask[i] = (uint8_t)((bits & lane_mask) < threshold);
            bits >>= LANE_BITS;
        }
    }
}

void dropout_forward_train(float *out, uint8_t *mask, const float *in, size_t n, double rate,
                           float scale, dlx_rng *rng)
{
    dropout_draw_mask(mask, n, rate, rng);
    for (size_t i = 0; i < n; i++)
        out[i] = mask[i] ? in[i] * scale : 0.0f;
}

void dropout_backward(float *d_in, const float *d_out, const uint8_t *mask, size_t n, float scale)
{
    for (size_t i = 0; i < n; i++)
        d_in[i] = mask[i] ? d_out[i] * scale : 0.0f;
}

void dropout_forward_eval(float *out, const float *in, size_t n, float scale)
{
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] * scale;
}

void dropout_gaussian_forward_train(float *out, float *noise, const float *in, size_t n,
                                    double rate, float scale, dlx_rng *rng)
{
    double p = 1.0 - rate, sd = sqrt(p * (1.0 - p));
    for (size_t i = 0; i < n; i++) {
        noise[i] = (float)(scale * (p + sd * rng_normal(rng)));
        out[i] = in[i] * noise[i];
    }
}

void dropout_gaussian_backward(float *d_in, const float *d_out, const float *noise, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d_in[i] = d_out[i] * noise[i];
}

void dropconnect_mask_weights(float *W_used, uint8_t *mask, const float *W, size_t n, double rate,
                              float scale, dlx_rng *rng)
{
    dropout_draw_mask(mask, n, rate, rng);
    for (size_t i = 0; i < n; i++)
        W_used[i] = mask[i] ? W[i] * scale : 0.0f;
}

void dropconnect_backward(float *dW, const uint8_t *mask, size_t n, float scale)
{
    for (size_t i = 0; i < n; i++)
        dW[i] = mask[i] ? dW[i] * scale : 0.0f;
}
