/*
 * activation.c — elementwise nonlinearities and their derivatives (see activation.h).
 */
#include "nn/activation.h"

#include <math.h>
#include <string.h>

void relu_forward(float *out, const float *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

void relu_backward(float *d_in, const float *d_out, const float *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d_in[i] = in[i] > 0.0f ? d_out[i] : 0.0f;
}

/* The exponential is only ever taken of −|x|, so it never overflows:
   x ≥ 0: 1/(1 + e^-x);   x < 0: e^x/(1 + e^x). */
void sigmoid_forward(float *out, const float *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float e = expf(-fabsf(in[i]));
        out[i] = in[i] >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    }
}

void sigmoid_backward(float *d_in, const float *d_out, const float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d_in[i] = d_out[i] * out[i] * (1.0f - out[i]);
}

void tanh_forward(float *out, const float *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = tanhf(in[i]);
}

void tanh_backward(float *d_in, const float *d_out, const float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d_in[i] = d_out[i] * (1.0f - out[i] * out[i]);
}

void identity_forward(float *out, const float *in, size_t n)
{
    if (out != in)
        memmove(out, in, n * sizeof *out);
}

void identity_backward(float *d_in, const float *d_out, size_t n)
{
    if (d_in != d_out)
        memmove(d_in, d_out, n * sizeof *d_in);
}

void activation_forward(dlx_activation kind, float *out, const float *in, size_t n)
{
    switch (kind) {
    case ACT_RELU: relu_forward(out, in, n); break;
    case ACT_SIGMOID: sigmoid_forward(out, in, n); break;
    case ACT_TANH: tanh_forward(out, in, n); break;
    case ACT_IDENTITY: identity_forward(out, in, n); break;
    }
}

void activation_backward(dlx_activation kind, float *d_in, const float *d_out, const float *in,
                         const float *out, size_t n)
{
    switch (kind) {
    case ACT_RELU: relu_backward(d_in, d_out, in, n); break;
    case ACT_SIGMOID: sigmoid_backward(d_in, d_out, out, n); break;
    case ACT_TANH: tanh_backward(d_in, d_out, out, n); break;
    case ACT_IDENTITY: identity_backward(d_in, d_out, n); break;
    }
}
