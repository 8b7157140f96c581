/*
 * activation.h — elementwise nonlinearities: relu, sigmoid, tanh, identity.
 *
 * Each kind is a forward/backward pair on n floats. A backward pass reads
 * what its derivative is cheapest from: relu its input, sigmoid and tanh
 * their saved output. d_in may alias d_out (one elementwise pass), but a
 * forward output must not alias the input that relu_backward will read.
 */
#ifndef DLX_NN_ACTIVATION_H
#define DLX_NN_ACTIVATION_H

#include <stddef.h>

#include "spec/config.h"

/* y = max(x, 0) */
void relu_forward(float *out, const float *in, size_t n);
/* dx = dy · [x > 0]   (the subgradient 0 is used at x = 0, as PyTorch) */
void relu_backward(float *d_in, const float *d_out, const float *in, size_t n);

/* y = 1 / (1 + e^-x), computed without overflow for any x */
void sigmoid_forward(float *out, const float *in, size_t n);
/* dx = dy · y (1 − y) */
void sigmoid_backward(float *d_in, const float *d_out, const float *out, size_t n);

/* y = tanh x */
void tanh_forward(float *out, const float *in, size_t n);
/* dx = dy · (1 − y²) */
void tanh_backward(float *d_in, const float *d_out, const float *out, size_t n);

/* y = x */
void identity_forward(float *out, const float *in, size_t n);
/* dx = dy */
void identity_backward(float *d_in, const float *d_out, size_t n);

/* The forward of the given kind. */
void activation_forward(dlx_activation kind, float *out, const float *in, size_t n);
/* The backward of the given kind; in and out are the forward's input and output. */
void activation_backward(dlx_activation kind, float *d_in, const float *d_out, const float *in,
                         const float *out, size_t n);

#endif
