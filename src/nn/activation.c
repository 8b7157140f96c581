/*
 * activation.c — elementwise nonlinearities and their derivatives (see activation.h).
 *
 * The loops that vectorize are compiled for AVX-512, AVX2 and SSE2
 * (VECTOR_CLONES, util/vector_clones.h): the same operations per element in
 * each version, so the same bits on every processor. tanh calls libm's
 * tanhf, which does not vectorize without changing results.
 */
#include "nn/activation.h"
#include "util/real.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "util/vector_clones.h"

VECTOR_CLONES void relu_forward(real *out, const real *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] > REAL_C(0.0) ? in[i] : REAL_C(0.0);
}

VECTOR_CLONES void relu_backward(real *d_in, const real *d_out, const real *in, size_t n)
{
    /* d_out[i] is read whatever the sign, so the select has no conditional
       load and vectorizes. */
    for (size_t i = 0; i < n; i++) {
        real g = d_out[i];
        d_in[i] = in[i] > REAL_C(0.0) ? g : REAL_C(0.0);
    }
}

#ifdef DLX_FLOAT64

/* σ(x) = 1/(1 + e^−x), computed as e^−|x| · … so the exponential never
   overflows: x ≥ 0: 1/(1 + e^−x); x < 0: e^x/(1 + e^x). NaN stays NaN. The
   float64 build uses libm's exp; the bit-level float code below is float32's. */
void sigmoid_forward(real *out, const real *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        real x = in[i], e = exp(-fabs(x)), s = 1.0 / (1.0 + e);
        out[i] = x < 0.0 ? e * s : s;
    }
}

#else

/* The IEEE-754 bits of f. */
static inline uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* The float whose IEEE-754 bits are u. */
static inline float bits_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* e^−a for a = |x| ≥ 0 given as its bits, within 2 ulp of expf, in
   straight-line integer and float code that the compiler vectorizes (a call to
   libm's expf per element cost as much as the rest of the layer, and a float
   comparison would stop the vectorizer under the default -ftrapping-math).
   Cephes' expf (Moshier 1984): t = −a = k·ln2 + r with |r| ≤ ln2/2,
   e^r ≈ 1 + r + r²·P(r) with P of degree 5, then the result is multiplied by
   2^k as two factors 2^(k/2) and 2^(k − k/2), so that results down to the
   smallest subnormal come out right. a is clamped to 104 (as bits: for
   non-negative floats the integer order is the float order), past which e^−a
   rounds to 0; so are inf and NaN, which the caller handles. */
static inline float exp_neg_abs(uint32_t abs_bits)
{
    const uint32_t limit = 0x42D00000u; /* 104.0f */
    float t = -bits_float(abs_bits < limit ? abs_bits : limit);
    int k = (int)(t * 1.44269504088896341f - 0.5f); /* nearest integer to t/ln2 */
    float r = t - (float)k * 0.693359375f + (float)k * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int k1 = k / 2, k2 = k - k1;
    return p * bits_float((uint32_t)(k1 + 127) << 23) * bits_float((uint32_t)(k2 + 127) << 23);
}

/* The exponential is only ever taken of −|x|, so it never overflows:
   x ≥ 0: 1/(1 + e^-x);   x < 0: e^x/(1 + e^x) = e^x · 1/(1 + e^x).
   The sign and NaN selections are done on bits (see exp_neg_abs); NaN stays NaN. */
VECTOR_CLONES void sigmoid_forward(float *out, const float *in, size_t n)
{
    const uint32_t one = 0x3F800000u, exponent_all_ones = 0x7F800000u;
    for (size_t i = 0; i < n; i++) {
        uint32_t x = float_bits(in[i]), abs_x = x & 0x7FFFFFFFu;
        float e = exp_neg_abs(abs_x);
        float s = 1.0f / (1.0f + e);
        uint32_t negative = (uint32_t)((int32_t)x >> 31);              /* all ones if x < 0 */
        uint32_t nan = (uint32_t)((int32_t)(exponent_all_ones - abs_x) >> 31); /* if NaN */
        float y = s * bits_float((float_bits(e) & negative) | (one & ~negative));
        out[i] = bits_float((float_bits(y) & ~nan) | (x & nan));
    }
}

#endif

VECTOR_CLONES void sigmoid_backward(real *d_in, const real *d_out, const real *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d_in[i] = d_out[i] * out[i] * (REAL_C(1.0) - out[i]);
}

void tanh_forward(real *out, const real *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = rtanh(in[i]);
}

VECTOR_CLONES void tanh_backward(real *d_in, const real *d_out, const real *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d_in[i] = d_out[i] * (REAL_C(1.0) - out[i] * out[i]);
}

void identity_forward(real *out, const real *in, size_t n)
{
    if (out != in)
        memmove(out, in, n * sizeof *out);
}

void identity_backward(real *d_in, const real *d_out, size_t n)
{
    if (d_in != d_out)
        memmove(d_in, d_out, n * sizeof *d_in);
}

void activation_forward(dlx_activation kind, real *out, const real *in, size_t n)
{
    switch (kind) {
    case ACT_RELU: relu_forward(out, in, n); break;
    case ACT_SIGMOID: sigmoid_forward(out, in, n); break;
    case ACT_TANH: tanh_forward(out, in, n); break;
    case ACT_IDENTITY: identity_forward(out, in, n); break;
    case ACTIVATION_COUNT:
        break;
    }
}

void activation_backward(dlx_activation kind, real *d_in, const real *d_out, const real *in,
                         const real *out, size_t n)
{
    switch (kind) {
    case ACT_RELU: relu_backward(d_in, d_out, in, n); break;
    case ACT_SIGMOID: sigmoid_backward(d_in, d_out, out, n); break;
    case ACT_TANH: tanh_backward(d_in, d_out, out, n); break;
    case ACT_IDENTITY: identity_backward(d_in, d_out, n); break;
    case ACTIVATION_COUNT:
        break;
    }
}
