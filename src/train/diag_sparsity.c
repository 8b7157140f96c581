/*
 * diag_sparsity.c — the fraction of weights that are exactly zero:
 *
 *   sparsity.<layer> = #{(i, j) : W_ij = 0} / #W   (biases not counted)
 *
 * L1 through its proximal step produces exact zeros, its subgradient and L2
 * do not (Tibshirani 1996, §2; Hastie, Tibshirani & Wainwright 2015,
 * "Statistical Learning with Sparsity", §2.2).
 */
#include "train/diag_convex.h"

#include <stdio.h>

static void sparsity_columns(const dlx_config *cfg, dlx_columns *out)
{
    char layers[DLX_MAX_HIDDEN + 1][16];
    int n = diagnostics_layer_names(cfg, layers, DLX_MAX_HIDDEN + 1);
    for (int l = 0; l < n; l++) {
        char name[DLX_COLUMN_MAX];
        if (snprintf(name, sizeof name, "sparsity.%s", layers[l]) < (int)sizeof name)
            columns_add(out, name);
    }
}

static void measure_sparsity(dlx_diag_context *ctx, double *values)
{
    int k = 0;
    for (int i = 0; i < network_n_tensors(ctx->net); i++) {
        const dlx_tensor *t = network_tensor(ctx->net, i);
        if (!t->is_weight)
            continue;
        size_t n = tensor_numel(t), zeros = 0;
        for (size_t j = 0; j < n; j++)
            zeros += t->data[j] == 0.0f;
        values[k++] = n ? (double)zeros / (double)n : 0.0;
    }
}

const dlx_diagnostic DIAG_SPARSITY = {"sparsity", sparsity_columns, NULL, NULL, measure_sparsity};
