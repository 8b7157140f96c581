/*
 * factorization.c — Ŷ = U·Vᵀ trained on observed entries (see
 * factorization.h).
 *
 * Parameters: one block [U (rows×r) | V (cols×r)], gradients in a second
 * block of the same layout. forward_train keeps the residuals
 * r_e = Y_e − ⟨U_i, V_j⟩ of its batch in a buffer sized for max_batch, and
 * backward accumulates
 *     ∂ℓ/∂U_i = −s · Σ_{e=(i,j)} r_e · V_j,   ∂ℓ/∂V_j = −s · Σ_{e=(i,j)} r_e · U_i,
 * with s = n/|B|. The products are sampled entries of UVᵀ, r multiply-adds
 * each: there is no dense product to hand to a GEMM.
 *
 * The product regularizer Θ(U, V) = Σ_k ‖U_k‖₂‖V_k‖₂ (columns U_k, V_k) is
 * positively homogeneous of degree 2, like UVᵀ; its gradient with respect to
 * U_k is ‖V_k‖·U_k/‖U_k‖ (and symmetrically for V_k). Where a column pair
 * has a zero factor (‖U_k‖ = 0 or ‖V_k‖ = 0) Θ is not differentiable; the
 * subgradient 0 is used for both columns, the minimum-norm element of the
 * subdifferential, so a zero column pair stays zero under gradient steps
 * (docs/config.md).
 */
#include "models/factorization.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/init.h"

typedef struct {
    int rows, cols, rank, max_batch;
    long n_train;
    real *params, *grads;     /* [(rows + cols)·rank] */
    real *U, *V, *dU, *dV;    /* views into the blocks */
    real *residual;           /* [max_batch] r_e of the last forward_train */
    double scale;              /* n / |B| of the last forward_train */
    const dlx_batch *last;     /* the batch of the last forward_train */
    dlx_tensor tensors[2];     /* "U", "V" */
    dlx_model_config model;
} factorization;

static void factorization_destroy(void *impl)
{
    factorization *f = impl;
    if (!f)
        return;
    free(f->params);
    free(f->grads);
    free(f->residual);
    free(f);
}

/* The blocks for the matrix's size and cfg->model.rank. */
static dlx_status factorization_create(void **impl, const dlx_config *cfg,
                                       const dlx_model_shape *shape, dlx_diags *diags)
{
    *impl = NULL;
    int r = cfg->model.rank;
    if (shape->rows < 1 || shape->cols < 1) {
        diags_add(diags, NULL, 0, 0, "model factorization needs a matrix: data of matrix entries "
                  "(data.kind low_rank, or source csv with format entries or dense)");
        return DLX_ERR_INPUT;
    }
    if (r < 1) {
        diags_add(diags, NULL, 0, 0, "model factorization needs model.rank >= 1");
        return DLX_ERR_INPUT;
    }
    double n_params = ((double)shape->rows + shape->cols) * r;
    if (n_params > 1e9) {
        diags_add(diags, NULL, 0, 0, "model factorization of a %d x %d matrix at rank %d has %.3g "
                  "parameters, more than the limit of 1e9", shape->rows, shape->cols, r, n_params);
        return DLX_ERR_INPUT;
    }
    factorization *f = calloc(1, sizeof *f);
    if (!f) {
        diags_add(diags, NULL, 0, 0, "out of memory for the factorization");
        return DLX_ERR_RUNTIME;
    }
    *f = (factorization){.rows = shape->rows, .cols = shape->cols, .rank = r,
                         .max_batch = shape->max_batch, .n_train = shape->n_train,
                         .model = cfg->model};
    size_t n = (size_t)n_params;
    f->params = calloc(n, sizeof *f->params);
    f->grads = calloc(n, sizeof *f->grads);
    f->residual = calloc((size_t)(shape->max_batch > 0 ? shape->max_batch : 1), sizeof *f->residual);
    if (!f->params || !f->grads || !f->residual) {
        factorization_destroy(f);
        diags_add(diags, NULL, 0, 0, "out of memory for the factorization");
        return DLX_ERR_RUNTIME;
    }
    size_t u = (size_t)f->rows * (size_t)r;
    f->U = f->params;
    f->V = f->params + u;
    f->dU = f->grads;
    f->dV = f->grads + u;
    f->tensors[0] = (dlx_tensor){.name = "U", .ndim = 2, .shape = {f->rows, r}, .data = f->U,
                                 .grad = f->dU, .is_weight = true};
    f->tensors[1] = (dlx_tensor){.name = "V", .ndim = 2, .shape = {f->cols, r}, .data = f->V,
                                 .grad = f->dV, .is_weight = true};
    *impl = f;
    return DLX_OK;
}

/* U then V from model.init: N(0, std²) or U(−limit, limit); zeros for zeros. */
static void factorization_init(void *impl, dlx_rng *rng)
{
    factorization *f = impl;
    size_t n = ((size_t)f->rows + (size_t)f->cols) * (size_t)f->rank;
    switch (f->model.init) {
    case INIT_UNIFORM:
        init_uniform(f->params, n, f->model.init_limit > 0 ? f->model.init_limit : 1.0, rng);
        break;
    case INIT_ZEROS:
        memset(f->params, 0, n * sizeof *f->params);
        break;
    default:
        init_normal(f->params, n, f->model.init_std, rng);
        break;
    }
}

static dlx_tensor *factorization_tensors(void *impl, int *count)
{
    *count = 2;
    return ((factorization *)impl)->tensors;
}

static real *factorization_params(void *impl) { return ((factorization *)impl)->params; }
static real *factorization_grads(void *impl) { return ((factorization *)impl)->grads; }

static size_t factorization_n_params(const void *impl)
{
    const factorization *f = impl;
    return ((size_t)f->rows + (size_t)f->cols) * (size_t)f->rank;
}

static int factorization_n_outputs(const void *impl) { (void)impl; return 1; }
static int factorization_max_batch(const void *impl) { return ((const factorization *)impl)->max_batch; }

/* ⟨U_i, V_j⟩ in double. */
static double entry_prediction(const factorization *f, int i, int j)
{
    const real *u = f->U + (size_t)i * f->rank, *v = f->V + (size_t)j * f->rank;
    double dot = 0.0;
    for (int k = 0; k < f->rank; k++)
        dot += (double)u[k] * v[k];
    return dot;
}

/* ℓ_B = (n/|B|)·½ Σ_B w_e·r_e² (w_e = 1 without example weights), keeping
   r_e for backward. */
static double factorization_forward_train(void *impl, const dlx_batch *b, dlx_rng *rng)
{
    (void)rng;
    factorization *f = impl;
    double sum = 0.0;
    for (int e = 0; e < b->size; e++) {
        double r = (double)b->targets[e] - entry_prediction(f, b->row[e], b->col[e]);
        f->residual[e] = (real)r;
        sum += b->weights ? b->weights[e] * r * r : r * r;
    }
    f->last = b;
    f->scale = b->size > 0 ? (double)(f->n_train > 0 ? f->n_train : b->size) / b->size : 0.0;
    return 0.5 * f->scale * sum;
}

/* ∂ℓ/∂U_i = −s Σ w_e r_e V_j, ∂ℓ/∂V_j = −s Σ w_e r_e U_i over the last batch. */
static void factorization_backward(void *impl)
{
    factorization *f = impl;
    const dlx_batch *b = f->last;
    memset(f->grads, 0, factorization_n_params(f) * sizeof *f->grads);
    for (int e = 0; e < b->size; e++) {
        real g = (real)(-f->scale * f->residual[e] * (b->weights ? b->weights[e] : REAL_C(1.0)));
        const real *u = f->U + (size_t)b->row[e] * f->rank, *v = f->V + (size_t)b->col[e] * f->rank;
        real *du = f->dU + (size_t)b->row[e] * f->rank, *dv = f->dV + (size_t)b->col[e] * f->rank;
        for (int k = 0; k < f->rank; k++) {
            du[k] += g * v[k];
            dv[k] += g * u[k];
        }
    }
}

/* Σ_B w_e·(Y_e − Ŷ_e)²: the (weighted) squared error of each entry. */
static double factorization_evaluate(void *impl, const dlx_batch *b, long *correct)
{
    factorization *f = impl;
    if (correct)
        *correct = 0;
    double sum = 0.0;
    for (int e = 0; e < b->size; e++) {
        double r = (double)b->targets[e] - entry_prediction(f, b->row[e], b->col[e]);
        sum += b->weights ? b->weights[e] * r * r : r * r;
    }
    return sum;
}

/* Dense inputs mean nothing to a factorization: its predictions are the
   entries of UVᵀ, scored by evaluate; predict writes NaN (the validation
   refuses what would call it: MC dropout and the uncertainty pass). */
static void factorization_predict(void *impl, const real *x, int B, dlx_rng *rng, real *out)
{
    (void)impl;
    (void)x;
    (void)rng;
    for (int i = 0; i < B; i++)
        out[i] = NAN;
}

/* λ·Σ_k ‖U_k‖‖V_k‖; with add_gradient, λ‖V_k‖U_k/‖U_k‖ into dU_k and
   λ‖U_k‖V_k/‖V_k‖ into dV_k, 0 for a pair with a zero column. */
static double factorization_product_penalty(void *impl, double lambda, bool add_gradient)
{
    factorization *f = impl;
    double theta = 0.0;
    for (int k = 0; k < f->rank; k++) {
        double nu = strided_norm(f->U + k, (size_t)f->rows, (size_t)f->rank);
        double nv = strided_norm(f->V + k, (size_t)f->cols, (size_t)f->rank);
        theta += nu * nv;
        if (!add_gradient || nu == 0.0 || nv == 0.0)
            continue;
        real gu = (real)(lambda * nv / nu), gv = (real)(lambda * nu / nv);
        for (int i = 0; i < f->rows; i++)
            f->dU[(size_t)i * f->rank + k] += gu * f->U[(size_t)i * f->rank + k];
        for (int j = 0; j < f->cols; j++)
            f->dV[(size_t)j * f->rank + k] += gv * f->V[(size_t)j * f->rank + k];
    }
    return lambda * theta;
}

const dlx_model_kind MODEL_KIND_FACTORIZATION = {
    .name = "factorization",
    .create = factorization_create,
    .destroy = factorization_destroy,
    .init = factorization_init,
    .tensors = factorization_tensors,
    .params = factorization_params,
    .grads = factorization_grads,
    .n_params = factorization_n_params,
    .n_outputs = factorization_n_outputs,
    .max_batch = factorization_max_batch,
    .forward_train = factorization_forward_train,
    .backward = factorization_backward,
    .evaluate = factorization_evaluate,
    .predict = factorization_predict,
    .product_penalty = factorization_product_penalty,
};
