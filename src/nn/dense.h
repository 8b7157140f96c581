/*
 * dense.h — the fully connected layer, PyTorch nn.Linear layout.
 *
 *     out[B, n_out] = in[B, n_in] · Wᵀ + b,    W stored [n_out, n_in] row-major
 *
 * Buffers are owned by the caller; nothing here allocates.
 */
#ifndef DLX_NN_DENSE_H
#define DLX_NN_DENSE_H

#include "util/real.h"

/* out = in·Wᵀ + b. b may be NULL (no bias). */
void dense_forward(real *out, const real *in, const real *W, const real *b, int B, int n_in,
                   int n_out);

/* Gradients of the layer given d_out = dL/d(out):
       dW = d_outᵀ·in   [n_out, n_in]
       db = Σ_rows d_out [n_out]       (db may be NULL)
       d_in = d_out·W   [B, n_in]      (d_in may be NULL: the first layer needs none)
   Every output is overwritten, not accumulated. d_in must not alias d_out. */
void dense_backward(real *d_in, real *dW, real *db, const real *d_out, const real *in,
                    const real *W, int B, int n_in, int n_out);

#endif
