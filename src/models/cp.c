/*
 * cp.c — the CP model Ŷ = Σ_{z<Z} A_1[:, z] ⊗ ... ⊗ A_N[:, z] (see
 * tensor_model.h), the shallow network of Cohen, Sharir & Shashua (2016).
 *
 * Parameters: one block [A_1 | ... | A_N], A_n row-major [M_n × Z]; gradients
 * in a second block of the same layout. forward_train keeps each entry's
 * residual r_e = Y_e − Ŷ_e; backward accumulates, for every entry and term z,
 *     ∂ℓ/∂A_n[i_n, z] = −s·r_e·Π_{m≠n} A_m[i_m, z],   s = n/|B|,
 * with the products of the other modes from prefix and suffix products
 * (N multiply-adds each, no division). The product regularizer
 * Θ = Σ_z Π_n ‖A_n[:, z]‖₂ has gradient Π_{m≠n}‖A_m[:, z]‖·A_n[:, z]/‖A_n[:, z]‖
 * for A_n[:, z]; a term with a zero factor gets the subgradient 0, as in
 * factorization.c. Every buffer is sized in create.
 */
#include <math.h>
#include "util/real.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tensor_common.h"
#include "models/tensor_model.h"

typedef struct {
    tensor_shape t;
    int rank, max_batch;
    long n_train;
    size_t n_params;
    real *params, *grads;
    real *A[DLX_MAX_TENSOR_ORDER], *dA[DLX_MAX_TENSOR_ORDER];   /* views into the blocks */
    real *residual;            /* [max_batch] */
    double *prefix, *suffix;    /* [N + 1] */
    double scale;
    const dlx_batch *last;
    dlx_tensor tensors[DLX_MAX_TENSOR_ORDER];
    dlx_model_config model;
} cp_model;

static void cp_destroy(void *impl)
{
    cp_model *c = impl;
    if (!c)
        return;
    free(c->params);
    free(c->grads);
    free(c->residual);
    free(c->prefix);
    free(c->suffix);
    free(c);
}

/* The blocks for data.shape and model.rank Z. */
static dlx_status cp_create(void **impl, const dlx_config *cfg, const dlx_model_shape *shape, dlx_diags *diags)
{
    *impl = NULL;
    tensor_shape t;
    dlx_status st = tensor_shape_of(&t, cfg, shape, "cp", diags);
    if (st != DLX_OK)
        return st;
    int Z = cfg->model.rank;
    if (Z < 1) {
        diags_add(diags, NULL, 0, 0, "model cp needs model.rank >= 1");
        return DLX_ERR_INPUT;
    }
    double n_params = 0;
    for (int n = 0; n < t.order; n++)
        n_params += (double)t.shape[n] * Z;
    if (n_params > 1e9) {
        diags_add(diags, NULL, 0, 0, "model cp at rank %d has %.3g parameters, more than the limit of 1e9", Z,
                  n_params);
        return DLX_ERR_INPUT;
    }
    cp_model *c = calloc(1, sizeof *c);
    if (!c) {
        diags_add(diags, NULL, 0, 0, "out of memory for the cp model");
        return DLX_ERR_RUNTIME;
    }
    *c = (cp_model){.t = t, .rank = Z, .max_batch = shape->max_batch, .n_train = shape->n_train,
                    .n_params = (size_t)n_params, .model = cfg->model};
    c->params = calloc(c->n_params, sizeof *c->params);
    c->grads = calloc(c->n_params, sizeof *c->grads);
    c->residual = calloc((size_t)(shape->max_batch > 0 ? shape->max_batch : 1), sizeof *c->residual);
    c->prefix = calloc((size_t)t.order + 1, sizeof *c->prefix);
    c->suffix = calloc((size_t)t.order + 1, sizeof *c->suffix);
    if (!c->params || !c->grads || !c->residual || !c->prefix || !c->suffix) {
        cp_destroy(c);
        diags_add(diags, NULL, 0, 0, "out of memory for the cp model");
        return DLX_ERR_RUNTIME;
    }
    size_t off = 0;
    for (int n = 0; n < t.order; n++) {
        c->A[n] = c->params + off;
        c->dA[n] = c->grads + off;
        off += (size_t)t.shape[n] * Z;
        c->tensors[n] = (dlx_tensor){.ndim = 2, .shape = {t.shape[n], Z}, .data = c->A[n], .grad = c->dA[n],
                                     .is_weight = true};
        snprintf(c->tensors[n].name, sizeof c->tensors[n].name, "A%d", n + 1);
    }
    *impl = c;
    return DLX_OK;
}

static void cp_init(void *impl, dlx_rng *rng)
{
    cp_model *c = impl;
    tensor_init(c->params, c->n_params, &c->model, rng);
}

static dlx_tensor *cp_tensors(void *impl, int *count)
{
    cp_model *c = impl;
    *count = c->t.order;
    return c->tensors;
}

static real *cp_params(void *impl) { return ((cp_model *)impl)->params; }
static real *cp_grads(void *impl) { return ((cp_model *)impl)->grads; }
static size_t cp_n_params(const void *impl) { return ((const cp_model *)impl)->n_params; }
static int cp_n_outputs(const void *impl) { (void)impl; return 1; }
static int cp_max_batch(const void *impl) { return ((const cp_model *)impl)->max_batch; }
const tensor_shape *cp_shape(const void *impl) { return &((const cp_model *)impl)->t; }

/* Ŷ at one multi-index: Σ_z Π_n A_n[i_n, z], in double. */
static double cp_value(const cp_model *c, const int *index)
{
    double sum = 0.0;
    for (int z = 0; z < c->rank; z++) {
        double p = 1.0;
        for (int n = 0; n < c->t.order; n++)
            p *= c->A[n][(size_t)index[n] * c->rank + z];
        sum += p;
    }
    return sum;
}

void cp_full_tensor(const void *impl, double *out)
{
    const cp_model *c = impl;
    int index[DLX_MAX_TENSOR_ORDER] = {0};
    for (long e = 0; e < c->t.entries; e++) {
        out[e] = cp_value(c, index);
        tensor_index_next(&c->t, index);
    }
}

/* ℓ_B = (n/|B|)·½ Σ_B r_e², keeping r_e for backward. */
static double cp_forward_train(void *impl, const dlx_batch *b, dlx_rng *rng)
{
    (void)rng;
    cp_model *c = impl;
    int index[DLX_MAX_TENSOR_ORDER];
    double sum = 0.0;
    for (int e = 0; e < b->size; e++) {
        tensor_index_of(&c->t, b->x + (size_t)e * c->t.order, index);
        double r = (double)b->targets[e] - cp_value(c, index);
        c->residual[e] = (real)r;
        sum += r * r;
    }
    c->last = b;
    c->scale = b->size > 0 ? (double)(c->n_train > 0 ? c->n_train : b->size) / b->size : 0.0;
    return 0.5 * c->scale * sum;
}

/* ∂ℓ/∂A_n[i_n, z] = −s·r_e·Π_{m≠n} A_m[i_m, z] over the last batch. */
static void cp_backward(void *impl)
{
    cp_model *c = impl;
    const dlx_batch *b = c->last;
    int N = c->t.order, Z = c->rank;
    int index[DLX_MAX_TENSOR_ORDER];
    memset(c->grads, 0, c->n_params * sizeof *c->grads);
    for (int e = 0; e < b->size; e++) {
        tensor_index_of(&c->t, b->x + (size_t)e * N, index);
        double g = -c->scale * c->residual[e];
        for (int z = 0; z < Z; z++) {
            c->prefix[0] = 1.0;
            for (int n = 0; n < N; n++)
                c->prefix[n + 1] = c->prefix[n] * c->A[n][(size_t)index[n] * Z + z];
            c->suffix[N] = 1.0;
            for (int n = N - 1; n >= 0; n--)
                c->suffix[n] = c->suffix[n + 1] * c->A[n][(size_t)index[n] * Z + z];
            for (int n = 0; n < N; n++)
                c->dA[n][(size_t)index[n] * Z + z] += (real)(g * c->prefix[n] * c->suffix[n + 1]);
        }
    }
}

/* Σ_B (Y_e − Ŷ_e)². */
static double cp_evaluate(void *impl, const dlx_batch *b, long *correct)
{
    cp_model *c = impl;
    if (correct)
        *correct = 0;
    int index[DLX_MAX_TENSOR_ORDER];
    double sum = 0.0;
    for (int e = 0; e < b->size; e++) {
        tensor_index_of(&c->t, b->x + (size_t)e * c->t.order, index);
        double r = (double)b->targets[e] - cp_value(c, index);
        sum += r * r;
    }
    return sum;
}

/* Ŷ at each example's multi-index (there is no training noise). */
static void cp_predict(void *impl, const real *x, int B, dlx_rng *rng, real *out)
{
    (void)rng;
    cp_model *c = impl;
    int index[DLX_MAX_TENSOR_ORDER];
    for (int e = 0; e < B; e++) {
        tensor_index_of(&c->t, x + (size_t)e * c->t.order, index);
        out[e] = (real)cp_value(c, index);
    }
}

/* λ·Σ_z Π_n ‖A_n[:, z]‖; with add_gradient, λ·Π_{m≠n}‖A_m[:, z]‖·A_n[:, z]/‖A_n[:, z]‖
   into dA_n[:, z], 0 for a term with a zero factor. */
static double cp_product_penalty(void *impl, double lambda, bool add_gradient)
{
    cp_model *c = impl;
    int N = c->t.order, Z = c->rank;
    double theta = 0.0, norm[DLX_MAX_TENSOR_ORDER];
    for (int z = 0; z < Z; z++) {
        double p = 1.0;
        bool zero = false;
        for (int n = 0; n < N; n++) {
            norm[n] = strided_norm(c->A[n] + z, (size_t)c->t.shape[n], (size_t)Z);
            p *= norm[n];
            zero |= norm[n] == 0.0;
        }
        theta += p;
        if (!add_gradient || zero)
            continue;
        for (int n = 0; n < N; n++) {
            real g = (real)(lambda * p / (norm[n] * norm[n]));
            for (int i = 0; i < c->t.shape[n]; i++)
                c->dA[n][(size_t)i * Z + z] += g * c->A[n][(size_t)i * Z + z];
        }
    }
    return lambda * theta;
}

const dlx_model_kind MODEL_KIND_CP = {
    .name = "cp",
    .create = cp_create,
    .destroy = cp_destroy,
    .init = cp_init,
    .tensors = cp_tensors,
    .params = cp_params,
    .grads = cp_grads,
    .n_params = cp_n_params,
    .n_outputs = cp_n_outputs,
    .max_batch = cp_max_batch,
    .forward_train = cp_forward_train,
    .backward = cp_backward,
    .evaluate = cp_evaluate,
    .predict = cp_predict,
    .product_penalty = cp_product_penalty,
};
