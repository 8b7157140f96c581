/*
 * tensor.h — a named view of float32 numbers owned by someone else.
 *
 * The network owns one block of trainable parameters, one block of their
 * gradients and one block of non-trainable buffers (batch-norm running
 * statistics); a dlx_tensor names a slice of those blocks. Optimizers,
 * regularizers and checkpoints work on lists of tensors and never need to
 * know what a layer is.
 */
#ifndef DLX_UTIL_TENSOR_H
#define DLX_UTIL_TENSOR_H

#include "util/real.h"
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#define DLX_TENSOR_NAME_MAX 64

typedef struct {
    char name[DLX_TENSOR_NAME_MAX]; /* SPEC §2: "fc1.weight", "bn1.running_var", "out.bias" */
    int ndim;                       /* 1 or 2 */
    int shape[2];                   /* [out, in] for weights (nn.Linear layout), [n] for vectors */
    real *data;
    real *grad;                    /* NULL for non-trainable buffers */
    bool is_weight;                 /* a dense weight matrix: l2, l1 and max_norm apply */
} dlx_tensor;

/* ‖(x[0], x[stride], …, x[(n−1)·stride])‖₂ accumulated in double: a row
   (stride 1) or a column (stride = the row length) of a row-major matrix. */
static inline double strided_norm(const real *x, size_t n, size_t stride)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)x[i * stride] * x[i * stride];
    return sqrt(s);
}

/* Number of floats in t. */
static inline size_t tensor_numel(const dlx_tensor *t)
{
    return t->ndim == 1 ? (size_t)t->shape[0] : (size_t)t->shape[0] * (size_t)t->shape[1];
}

#endif
