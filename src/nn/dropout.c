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
#include "util/real.h"

#include <math.h>
#include <string.h>

#include "util/vector_clones.h"

enum { LANE_BITS = 16, LANES_PER_DRAW = 64 / LANE_BITS };

real dropout_train_scale(double rate, dlx_dropout_scaling scaling)
{
    return scaling == DROPOUT_INVERTED ? (real)(1.0 / (1.0 - rate)) : REAL_C(1.0);
}

real dropout_eval_scale(double rate, dlx_dropout_scaling scaling)
{
    return scaling == DROPOUT_TEST_TIME ? (real)(1.0 - rate) : REAL_C(1.0);
}

/* out = mask ⊙ in · scale, elementwise, for a mask of 0s and 1s. The select
   is done on the bits: in[i] · scale ANDed with all ones (kept) or all zeros
   (dropped), so the loop has no branch and vectorizes, and a dropped unit is
   exactly +0 even where in[i] · scale is not finite. */
VECTOR_CLONES static void apply_mask(real *out, const real *in, const uint8_t *mask, size_t n,
                                     real scale)
{
    for (size_t i = 0; i < n; i++) {
        real kept = in[i] * scale;
        real_bits bits;
        memcpy(&bits, &kept, sizeof bits);
        bits &= (real_bits)0 - (real_bits)mask[i];
        memcpy(&out[i], &bits, sizeof bits);
    }
}

void dropout_draw_mask(uint8_t *mask, size_t n, double rate, dlx_rng *rng)
{
    /* keep iff lane < threshold; threshold in [0, 2^16] */
    uint64_t threshold = (uint64_t)llround((1.0 - rate) * (double)(1u << LANE_BITS));
    const uint64_t lane_mask = (1u << LANE_BITS) - 1;
    for (size_t i = 0; i < n; i += LANES_PER_DRAW) {
        uint64_t bits = rng_u64(rng);
        size_t lanes = n - i < LANES_PER_DRAW ? n - i : LANES_PER_DRAW;
        for (size_t lane = 0; lane < lanes; lane++)
            mask[i + lane] = (uint8_t)((bits >> (lane * LANE_BITS) & lane_mask) < threshold);
    }
}

void dropout_forward_train(real *out, uint8_t *mask, const real *in, size_t n, double rate,
                           real scale, dlx_rng *rng)
{
    dropout_draw_mask(mask, n, rate, rng);
    apply_mask(out, in, mask, n, scale);
}

void dropout_backward(real *d_in, const real *d_out, const uint8_t *mask, size_t n, real scale)
{
    apply_mask(d_in, d_out, mask, n, scale);
}

void dropout_forward_eval(real *out, const real *in, size_t n, real scale)
{
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] * scale;
}

void dropout_gaussian_forward_train(real *out, real *noise, const real *in, size_t n,
                                    double rate, real scale, dlx_rng *rng)
{
    double p = 1.0 - rate, sd = sqrt(p * (1.0 - p));
    for (size_t i = 0; i < n; i++) {
        noise[i] = (real)(scale * (p + sd * rng_normal(rng)));
        out[i] = in[i] * noise[i];
    }
}

void dropout_gaussian_backward(real *d_in, const real *d_out, const real *noise, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d_in[i] = d_out[i] * noise[i];
}

void dropconnect_mask_weights(real *W_used, uint8_t *mask, const real *W, size_t n, double rate,
                              real scale, dlx_rng *rng)
{
    dropout_draw_mask(mask, n, rate, rng);
    apply_mask(W_used, W, mask, n, scale);
}

void dropconnect_backward(real *dW, const uint8_t *mask, size_t n, real scale)
{
    apply_mask(dW, dW, mask, n, scale);
}
