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

#include <stdbool.h>
#include <stddef.h>

#define DLX_TENSOR_NAME_MAX 64

typedef struct {
    char name[DLX_TENSOR_NAME_MAX]; /* SPEC §2: "fc1.weight", "bn1.running_var", "out.bias" */
    int ndim;                       /* 1 or 2 */
    int shape[2];                   /* [out, in] for weights (nn.Linear layout), [n] for vectors */
    float *data;
    float *grad;                    /* NULL for non-trainable buffers */
    bool is_weight;                 /* a dense weight matrix: l2, l1 and max_norm apply */
} dlx_tensor;

/* Number of floats in t. */
static inline size_t tensor_numel(const dlx_tensor *t)
{
    return t->ndim == 1 ? (size_t)t->shape[0] : (size_t)t->shape[0] * (size_t)t->shape[1];
}

#endif
