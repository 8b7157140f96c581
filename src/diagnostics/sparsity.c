/*
 * sparsity.c — the fraction of weights that are exactly zero:
 *
 *   sparsity.<layer> = #{(i, j) : W_ij = 0} / #W   (biases not counted)
 *
 * L1 through its proximal step produces exact zeros, its subgradient and L2
 * do not (Tibshirani 1996, §2; Hastie, Tibshirani & Wainwright 2015,
 * "Statistical Learning with Sparsity", §2.2).
 *
 * Support recovery, when the data have a known sparse truth w* (synthetic
 * linear or logistic data with data.sparsity = k > 0) and the model is a
 * single layer (linear or logistic), with S* = {j : w*_j ≠ 0} and
 * Ŝ = {j : w_j ≠ 0}:
 *
 *   false_zeros       = |S* \ Ŝ|  true coefficients estimated exactly zero
 *   false_nonzeros    = |Ŝ \ S*|  zero coefficients estimated nonzero
 *   support_recovered = 1 if Ŝ = S*, else 0
 *
 * (Hastie, Tibshirani & Wainwright 2015, §11.4, "variable selection
 * consistency"; Wainwright 2009, "Sharp thresholds for high-dimensional and
 * noisy sparsity recovery".) Preprocessing by standardize rescales each
 * coefficient and keeps S*; whiten mixes the features, and S* no longer
 * refers to the model's inputs.
 */
#include "diagnostics/convex.h"
#include "util/real.h"

#include <math.h>
#include <stdio.h>

/* Whether cfg has a known sparse truth for a single-layer model. */
static bool has_sparse_truth(const dlx_config *cfg)
{
    const dlx_data_config *d = &cfg->data;
    bool single = cfg->model.type == MODEL_LINEAR || cfg->model.type == MODEL_LOGISTIC;
    return single && d->source == DATA_SYNTHETIC && (d->kind == SYN_LINEAR || d->kind == SYN_LOGISTIC) &&
           d->sparsity > 0;
}

static void sparsity_columns(const dlx_config *cfg, dlx_columns *out)
{
    char layers[DLX_MAX_HIDDEN + 1][16];
    int n = diagnostics_layer_names(cfg, layers, DLX_MAX_HIDDEN + 1);
    for (int l = 0; l < n; l++) {
        char name[DLX_COLUMN_MAX];
        if (snprintf(name, sizeof name, "sparsity.%s", layers[l]) < (int)sizeof name)
            columns_add(out, name);
    }
    if (has_sparse_truth(cfg)) {
        columns_add(out, "false_zeros");
        columns_add(out, "false_nonzeros");
        columns_add(out, "support_recovered");
    }
}

/* The three support columns of w against the truth w* (both [dim]). */
static void measure_support(const real *w, const real *truth, size_t dim, double *values)
{
    size_t false_zeros = 0, false_nonzeros = 0;
    for (size_t j = 0; j < dim; j++) {
        false_zeros += truth[j] != REAL_C(0.0) && w[j] == REAL_C(0.0);
        false_nonzeros += truth[j] == REAL_C(0.0) && w[j] != REAL_C(0.0);
    }
    values[0] = (double)false_zeros;
    values[1] = (double)false_nonzeros;
    values[2] = false_zeros + false_nonzeros == 0 ? 1.0 : 0.0;
}

static void measure_sparsity(dlx_diag_context *ctx, double *values)
{
    int k = 0;
    const dlx_tensor *last = NULL;
    for (int i = 0; i < model_n_tensors(ctx->model); i++) {
        const dlx_tensor *t = model_tensor(ctx->model, i);
        if (!t->is_weight)
            continue;
        size_t n = tensor_numel(t), zeros = 0;
        for (size_t j = 0; j < n; j++)
            zeros += t->data[j] == REAL_C(0.0);
        values[k++] = n ? (double)zeros / (double)n : 0.0;
        last = t;
    }
    if (!has_sparse_truth(ctx->config))
        return;
    const real *truth = ctx->data->true_weights;
    if (truth && last && tensor_numel(last) == (size_t)ctx->data->train.dim)
        measure_support(last->data, truth, tensor_numel(last), values + k);
    else
        values[k] = values[k + 1] = values[k + 2] = NAN;
}

const dlx_diagnostic DIAG_SPARSITY = {"sparsity", sparsity_columns, NULL, NULL, measure_sparsity, NULL};
