/*
 * diag_condition.c — the condition number of the training inputs:
 *
 *   condition_number.<layer> = κ(M) = λ_max(M) / λ_min(M),
 *   M = (1/n) Σ_i x_i x_iᵀ, the second-moment matrix of the layer's inputs
 *
 * For a linear model with mse, M is (half) the Hessian of the loss, so κ
 * governs gradient descent's rate (Nesterov 2004, Thm 2.1.15; LeCun, Bottou,
 * Orr & Müller 1998, "Efficient BackProp", §5) and whitening makes κ = 1.
 * Measured on the training split as preprocessed (eigenvalues by LAPACK
 * dsyevd in double); κ = inf when λ_min ≤ 0 (p > n). Only the first layer's
 * input is the data: for an mlp the columns of deeper layers are empty.
 * The value is computed once per run, at setup.
 */
#include "train/diag_convex.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "data/linalg.h"

static void condition_columns(const dlx_config *cfg, dlx_columns *out)
{
    char layers[DLX_MAX_HIDDEN + 1][16];
    int n = diagnostics_layer_names(cfg, layers, DLX_MAX_HIDDEN + 1);
    char name[DLX_COLUMN_MAX];
    for (int l = 0; l < n; l++) {
        if (snprintf(name, sizeof name, "condition_number.%s", layers[l]) < (int)sizeof name)
            columns_add(out, name);
    }
}

static dlx_status condition_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    const dlx_split *s = &ctx->data->train;
    size_t nd = (size_t)s->n * (size_t)s->dim, dd = (size_t)s->dim * (size_t)s->dim;
    double *x = malloc(sizeof(double) * (nd ? nd : 1)), *m = malloc(sizeof(double) * dd);
    double *eig = malloc(sizeof(double) * (size_t)s->dim), *kappa = malloc(sizeof(double));
    if (!x || !m || !eig || !kappa) {
        free(x), free(m), free(eig), free(kappa);
        diags_add(diags, NULL, 0, 0, "out of memory for condition_number");
        return DLX_ERR_RUNTIME;
    }
    for (size_t i = 0; i < nd; i++)
        x[i] = s->x[i];
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, s->dim, s->n, 1.0 / s->n, x, s->dim, 0.0, m, s->dim);
    for (int i = 0; i < s->dim; i++)
        for (int j = 0; j < i; j++)
            m[(size_t)i * s->dim + j] = m[(size_t)j * s->dim + i];
    dlx_status st = symmetric_eigen(m, eig, s->dim);
    if (st == DLX_OK)
        *kappa = eig[0] > 0 ? eig[s->dim - 1] / eig[0] : INFINITY;
    free(x), free(m), free(eig);
    if (st != DLX_OK) {
        free(kappa);
        diags_add(diags, NULL, 0, 0, "condition_number: the eigendecomposition failed");
        return st;
    }
    ctx->state = kappa;
    return DLX_OK;
}

static void measure_condition(dlx_diag_context *ctx, double *values)
{
    int n = ctx->config->model.type == MODEL_MLP ? ctx->config->model.n_hidden + 1 : 1;
    values[0] = *(double *)ctx->state;
    for (int l = 1; l < n; l++)
        values[l] = NAN;
}

const dlx_diagnostic DIAG_CONDITION_NUMBER = {"condition_number", condition_columns, condition_create, free,
                                              measure_condition};
