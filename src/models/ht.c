/*
 * ht.c — the hierarchical-Tucker model of Cohen, Sharir & Shashua (2016),
 * their convolutional arithmetic circuit with size-2 product pooling (see
 * tensor_model.h): the deep network over a balanced binary tree of the
 * N = 2^L modes, rank r at every level.
 *
 * The 2N − 1 nodes are numbered level by level: the leaves 0..N−1, then the
 * N/2 nodes of level 1, and so on up to the root, 2N − 2. Parameters: one
 * block of every node's weights in that order (leaf j: [M_j × r], row i
 * holding v⁰_j at index i; an inner node: [r_out × r]). An entry's forward
 * pass fills r values per node, v[γ] = Σ_α W[γ, α]·p[α] with p[α] the product
 * of the two children's α-th values. Its backward pass runs the tree the other
 * way with the root's adjoint −s·r_e (s = n/|B|):
 *     ∂W[γ, α] += v̄[γ]·p[α],   p̄[α] = Σ_γ v̄[γ]·W[γ, α],
 *     v̄_left[α] = p̄[α]·v_right[α],   v̄_right[α] = p̄[α]·v_left[α],
 * and a leaf's adjoint lands in the row of the entry's index. backward
 * recomputes each entry's values instead of keeping them for the whole batch,
 * so the buffers are two of (2N − 1)·r doubles, sized in create.
 *
 * The product regularizer Θ = Π_v ‖W_v‖_F (positively homogeneous of degree
 * 2N − 1, as Ŷ is in its weights jointly) has gradient Θ·W_v/‖W_v‖²_F for
 * W_v; with a zero block it is 0 and so is its subgradient used here.
 */
#include <math.h>
#include "util/real.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tensor_common.h"
#include "models/tensor_model.h"

enum { HT_MAX_NODES = 2 * DLX_MAX_TENSOR_ORDER - 1 };

typedef struct {
    tensor_shape t;
    int rank, max_batch, n_nodes;
    long n_train;
    size_t n_params;
    real *params, *grads;
    size_t offset[HT_MAX_NODES];   /* each node's weights in the blocks */
    int rows[HT_MAX_NODES];        /* leaf: M_j; inner node: r_out */
    int left[HT_MAX_NODES];        /* inner node: its left child (the right one follows); leaf: −1 */
    real *residual;               /* [max_batch] */
    double *value, *adjoint;       /* [n_nodes·r] of one entry */
    double scale;
    const dlx_batch *last;
    dlx_tensor tensors[HT_MAX_NODES];
    dlx_model_config model;
} ht_model;

static void ht_destroy(void *impl)
{
    ht_model *h = impl;
    if (!h)
        return;
    free(h->params);
    free(h->grads);
    free(h->residual);
    free(h->value);
    free(h->adjoint);
    free(h);
}

/* The tree of 2N − 1 nodes, their weights' places and the tensors' names. */
static void ht_layout(ht_model *h)
{
    int N = h->t.order, r = h->rank, k = 0;
    size_t off = 0;
    for (int j = 0; j < N; j++, k++) {
        h->offset[k] = off;
        h->rows[k] = h->t.shape[j];
        h->left[k] = -1;
        off += (size_t)h->t.shape[j] * r;
        snprintf(h->tensors[k].name, sizeof h->tensors[k].name, "leaf%d", j + 1);
    }
    int below = 0;   /* first node of the level below */
    for (int width = N / 2, level = 1; width >= 1; width /= 2, level++) {
        for (int j = 0; j < width; j++, k++) {
            h->offset[k] = off;
            h->rows[k] = width == 1 ? 1 : r;
            h->left[k] = below + 2 * j;
            off += (size_t)h->rows[k] * r;
            snprintf(h->tensors[k].name, sizeof h->tensors[k].name, "node%d.%d", level, j + 1);
        }
        below += 2 * width;
    }
    h->n_nodes = k;
    h->n_params = off;
}

/* The blocks for data.shape (2^L modes) and model.rank r. */
static dlx_status ht_create(void **impl, const dlx_config *cfg, const dlx_model_shape *shape, dlx_diags *diags)
{
    *impl = NULL;
    tensor_shape t;
    dlx_status st = tensor_shape_of(&t, cfg, shape, "ht", diags);
    if (st != DLX_OK)
        return st;
    int r = cfg->model.rank;
    if (t.order & (t.order - 1)) {
        diags_add(diags, NULL, 0, 0, "model ht needs 2, 4, 8 or 16 modes, the data have %d", t.order);
        return DLX_ERR_INPUT;
    }
    if (r < 1 || r > 10000) {
        diags_add(diags, NULL, 0, 0, "model ht needs model.rank between 1 and 10000, not %d", r);
        return DLX_ERR_INPUT;
    }
    double n_params = (double)r * r * (t.order - 2) + r;
    for (int n = 0; n < t.order; n++)
        n_params += (double)t.shape[n] * r;
    if (n_params > 1e9) {
        diags_add(diags, NULL, 0, 0, "model ht at rank %d has %.3g parameters, more than the limit of 1e9", r,
                  n_params);
        return DLX_ERR_INPUT;
    }
    ht_model *h = calloc(1, sizeof *h);
    if (!h) {
        diags_add(diags, NULL, 0, 0, "out of memory for the ht model");
        return DLX_ERR_RUNTIME;
    }
    *h = (ht_model){.t = t, .rank = r, .max_batch = shape->max_batch, .n_train = shape->n_train,
                    .model = cfg->model};
    ht_layout(h);
    size_t slots = (size_t)h->n_nodes * (size_t)r;
    h->params = calloc(h->n_params, sizeof *h->params);
    h->grads = calloc(h->n_params, sizeof *h->grads);
    h->residual = calloc((size_t)(shape->max_batch > 0 ? shape->max_batch : 1), sizeof *h->residual);
    h->value = calloc(slots, sizeof *h->value);
    h->adjoint = calloc(slots, sizeof *h->adjoint);
    if (!h->params || !h->grads || !h->residual || !h->value || !h->adjoint) {
        ht_destroy(h);
        diags_add(diags, NULL, 0, 0, "out of memory for the ht model");
        return DLX_ERR_RUNTIME;
    }
    for (int k = 0; k < h->n_nodes; k++) {
        dlx_tensor *x = &h->tensors[k];
        x->ndim = 2;
        x->shape[0] = h->rows[k];
        x->shape[1] = r;
        x->data = h->params + h->offset[k];
        x->grad = h->grads + h->offset[k];
        x->is_weight = true;
    }
    *impl = h;
    return DLX_OK;
}

static void ht_init(void *impl, dlx_rng *rng)
{
    ht_model *h = impl;
    tensor_init(h->params, h->n_params, &h->model, rng);
}

static dlx_tensor *ht_tensors(void *impl, int *count)
{
    ht_model *h = impl;
    *count = h->n_nodes;
    return h->tensors;
}

static real *ht_params(void *impl) { return ((ht_model *)impl)->params; }
static real *ht_grads(void *impl) { return ((ht_model *)impl)->grads; }
static size_t ht_n_params(const void *impl) { return ((const ht_model *)impl)->n_params; }
static int ht_n_outputs(const void *impl) { (void)impl; return 1; }
static int ht_max_batch(const void *impl) { return ((const ht_model *)impl)->max_batch; }
const tensor_shape *ht_shape(const void *impl) { return &((const ht_model *)impl)->t; }

/* Every node's values at one multi-index into value; returns Ŷ (the root's). */
static double ht_forward_entry(const ht_model *h, const int *index, double *value)
{
    int r = h->rank;
    for (int k = 0; k < h->n_nodes; k++) {
        const real *w = h->params + h->offset[k];
        double *v = value + (size_t)k * r;
        if (h->left[k] < 0) {
            for (int a = 0; a < r; a++)
                v[a] = w[(size_t)index[k] * r + a];
            continue;
        }
        const double *vl = value + (size_t)h->left[k] * r, *vr = vl + r;
        for (int g = 0; g < h->rows[k]; g++) {
            double s = 0.0;
            for (int a = 0; a < r; a++)
                s += w[(size_t)g * r + a] * vl[a] * vr[a];
            v[g] = s;
        }
    }
    return value[(size_t)(h->n_nodes - 1) * r];
}

/* Add the gradient of g·Ŷ at one multi-index (its values in h->value). */
static void ht_backward_entry(ht_model *h, const int *index, double g)
{
    int r = h->rank;
    memset(h->adjoint, 0, (size_t)h->n_nodes * r * sizeof *h->adjoint);
    h->adjoint[(size_t)(h->n_nodes - 1) * r] = g;
    for (int k = h->n_nodes - 1; k >= 0; k--) {
        const real *w = h->params + h->offset[k];
        real *dw = h->grads + h->offset[k];
        const double *vbar = h->adjoint + (size_t)k * r;
        if (h->left[k] < 0) {
            for (int a = 0; a < r; a++)
                dw[(size_t)index[k] * r + a] += (real)vbar[a];
            continue;
        }
        const double *vl = h->value + (size_t)h->left[k] * r, *vr = vl + r;
        double *bl = h->adjoint + (size_t)h->left[k] * r, *br = bl + r;
        for (int a = 0; a < r; a++) {
            double pbar = 0.0, p = vl[a] * vr[a];
            for (int gm = 0; gm < h->rows[k]; gm++) {
                dw[(size_t)gm * r + a] += (real)(vbar[gm] * p);
                pbar += vbar[gm] * w[(size_t)gm * r + a];
            }
            bl[a] = pbar * vr[a];
            br[a] = pbar * vl[a];
        }
    }
}

void ht_full_tensor(const void *impl, double *out)
{
    const ht_model *h = impl;
    int index[DLX_MAX_TENSOR_ORDER] = {0};
    for (long e = 0; e < h->t.entries; e++) {
        out[e] = ht_forward_entry(h, index, h->value);
        tensor_index_next(&h->t, index);
    }
}

/* ℓ_B = (n/|B|)·½ Σ_B r_e², keeping r_e for backward. */
static double ht_forward_train(void *impl, const dlx_batch *b, dlx_rng *rng)
{
    (void)rng;
    ht_model *h = impl;
    int index[DLX_MAX_TENSOR_ORDER];
    double sum = 0.0;
    for (int e = 0; e < b->size; e++) {
        tensor_index_of(&h->t, b->x + (size_t)e * h->t.order, index);
        double r = (double)b->targets[e] - ht_forward_entry(h, index, h->value);
        h->residual[e] = (real)r;
        sum += r * r;
    }
    h->last = b;
    h->scale = b->size > 0 ? (double)(h->n_train > 0 ? h->n_train : b->size) / b->size : 0.0;
    return 0.5 * h->scale * sum;
}

/* The gradient of ℓ_B over the last batch, entry by entry up and down the tree. */
static void ht_backward(void *impl)
{
    ht_model *h = impl;
    const dlx_batch *b = h->last;
    int index[DLX_MAX_TENSOR_ORDER];
    memset(h->grads, 0, h->n_params * sizeof *h->grads);
    for (int e = 0; e < b->size; e++) {
        tensor_index_of(&h->t, b->x + (size_t)e * h->t.order, index);
        ht_forward_entry(h, index, h->value);
        ht_backward_entry(h, index, -h->scale * h->residual[e]);
    }
}

/* Σ_B (Y_e − Ŷ_e)². */
static double ht_evaluate(void *impl, const dlx_batch *b, long *correct)
{
    ht_model *h = impl;
    if (correct)
        *correct = 0;
    int index[DLX_MAX_TENSOR_ORDER];
    double sum = 0.0;
    for (int e = 0; e < b->size; e++) {
        tensor_index_of(&h->t, b->x + (size_t)e * h->t.order, index);
        double r = (double)b->targets[e] - ht_forward_entry(h, index, h->value);
        sum += r * r;
    }
    return sum;
}

static void ht_predict(void *impl, const real *x, int B, dlx_rng *rng, real *out)
{
    (void)rng;
    ht_model *h = impl;
    int index[DLX_MAX_TENSOR_ORDER];
    for (int e = 0; e < B; e++) {
        tensor_index_of(&h->t, x + (size_t)e * h->t.order, index);
        out[e] = (real)ht_forward_entry(h, index, h->value);
    }
}

/* λ·Π_v ‖W_v‖_F; with add_gradient, λ·Θ·W_v/‖W_v‖²_F into each node's
   gradient (nothing when a block is zero). */
static double ht_product_penalty(void *impl, double lambda, bool add_gradient)
{
    ht_model *h = impl;
    double theta = 1.0, norm[HT_MAX_NODES];
    bool zero = false;
    for (int k = 0; k < h->n_nodes; k++) {
        size_t n = (size_t)h->rows[k] * h->rank;
        norm[k] = strided_norm(h->params + h->offset[k], n, 1);
        theta *= norm[k];
        zero |= norm[k] == 0.0;
    }
    if (add_gradient && !zero)
        for (int k = 0; k < h->n_nodes; k++) {
            size_t n = (size_t)h->rows[k] * h->rank;
            real g = (real)(lambda * theta / (norm[k] * norm[k]));
            for (size_t i = 0; i < n; i++)
                h->grads[h->offset[k] + i] += g * h->params[h->offset[k] + i];
        }
    return lambda * theta;
}

const dlx_model_kind MODEL_KIND_HT = {
    .name = "ht",
    .create = ht_create,
    .destroy = ht_destroy,
    .init = ht_init,
    .tensors = ht_tensors,
    .params = ht_params,
    .grads = ht_grads,
    .n_params = ht_n_params,
    .n_outputs = ht_n_outputs,
    .max_batch = ht_max_batch,
    .forward_train = ht_forward_train,
    .backward = ht_backward,
    .evaluate = ht_evaluate,
    .predict = ht_predict,
    .product_penalty = ht_product_penalty,
};
