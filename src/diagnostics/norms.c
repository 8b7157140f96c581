/*
 * norms.c — per-layer norms of the weights and of their gradient.
 *
 *   weight_norm.<layer> = ||W_layer||_F = sqrt(Σ_ij W_ij²)
 *   grad_norm.<layer>   = ||G_layer||_F, G = the gradient of the last step's
 *                         regularized minibatch objective with respect to
 *                         W_layer, as the optimizer used it (empty at step 0)
 *
 * Layers are fc1..fcL and out (SPEC §2 names); biases and batch-norm
 * parameters are not included. Gradient norms per layer are the quantity
 * whose imbalance across depth the lecture relates to vanishing gradients
 * with saturating nonlinearities (Ioffe & Szegedy 2015, §1; Glorot & Bengio
 * 2010, §4).
 */
#include "diagnostics/norms.h"
#include "util/real.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void norm_columns(const char *prefix, const dlx_config *cfg, dlx_columns *out)
{
    char layers[DLX_MAX_HIDDEN + 1][16];
    int n = diagnostics_layer_names(cfg, layers, DLX_MAX_HIDDEN + 1);
    for (int l = 0; l < n; l++) {
        char name[DLX_COLUMN_MAX];
        if (snprintf(name, sizeof name, "%s.%s", prefix, layers[l]) < (int)sizeof name)
            columns_add(out, name);
    }
}

/* ||x||_2 of n floats, accumulated in double. */
static double l2_norm(const real *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)x[i] * (double)x[i];
    return sqrt(s);
}

/* The norm of each layer's weight matrix (grad: of its gradient), in layer order. */
static void measure_norms(dlx_diag_context *ctx, double *values, bool of_grad)
{
    int k = 0;
    for (int i = 0; i < model_n_tensors(ctx->model); i++) {
        const dlx_tensor *t = model_tensor(ctx->model, i);
        if (!t->is_weight)
            continue;
        if (of_grad)
            values[k++] = ctx->step > 0 ? l2_norm(t->grad, tensor_numel(t)) : NAN;
        else
            values[k++] = l2_norm(t->data, tensor_numel(t));
    }
}

static void weight_columns(const dlx_config *cfg, dlx_columns *out)
{
    norm_columns("weight_norm", cfg, out);
}

static void grad_columns(const dlx_config *cfg, dlx_columns *out)
{
    norm_columns("grad_norm", cfg, out);
}

static void measure_weight_norm(dlx_diag_context *ctx, double *values)
{
    measure_norms(ctx, values, false);
}

static void measure_grad_norm(dlx_diag_context *ctx, double *values)
{
    measure_norms(ctx, values, true);
}

const dlx_diagnostic DIAG_WEIGHT_NORM = {"weight_norm", weight_columns, NULL, NULL,
                                         measure_weight_norm, NULL};
const dlx_diagnostic DIAG_GRAD_NORM = {"grad_norm", grad_columns, NULL, NULL, measure_grad_norm, NULL};
