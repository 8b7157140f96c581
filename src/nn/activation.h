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

#include "util/real.h"
#include <stddef.h>

#include "spec/config.h"

/* y = max(x, 0) */
void relu_forward(real *out, const real *in, size_t n);
/* dx = dy · [x > 0]   (the subgradient 0 is used at x = 0, as PyTorch) */
void relu_backward(real *d_in, const real *d_out, const real *in, size_t n);

/* y = 1 / (1 + e^-x), computed without overflow for any x */
void sigmoid_forward(real *out, const real *in, size_t n);
/* dx = dy · y (1 − y) */
void sigmoid_backward(real *d_in, const real *d_out, const real *out, size_t n);

/* y = tanh x */
void tanh_forward(real *out, const real *in, size_t n);
/* dx = dy · (1 − y²) */
void tanh_backward(real *d_in, const real *d_out, const real *out, size_t n);

/* y = x */
void identity_forward(real *out, const real *in, size_t n);
/* dx = dy */
void identity_backward(real *d_in, const real *d_out, size_t n);

/* The forward of the given kind. */
void activation_forward(dlx_activation kind, real *out, const real *in, size_t n);
/* The backward of the given kind; in and out are the forward's input and output. */
void activation_backward(dlx_activation kind, real *d_in, const real *d_out, const real *in,
                         const real *out, size_t n);

#endif
