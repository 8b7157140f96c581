/*
 * condition.c — the condition number of each layer's inputs:
 *
 *   condition_number.<layer> = κ(M) = λ_max(M) / λ_min(M),
 *   M = (1/n) Σ_i h_i h_iᵀ, the second-moment matrix of the layer's inputs h
 *
 * For a linear model with mse, M is (half) the Hessian of the loss, so κ
 * governs gradient descent's rate (Nesterov 2004, Thm 2.1.15; LeCun, Bottou,
 * Orr & Müller 1998, "Efficient BackProp", §5) and whitening makes κ = 1.
 * The first layer's inputs are the data: M over the whole training split as
 * preprocessed, computed once per run, at setup. A deeper layer of an mlp
 * (fc2 … fcL, out) reads the previous hidden layer's outputs h = φ(u), u the
 * input of its nonlinearity in inference mode (network_probe_preactivations;
 * no dropout noise, batch norm's running statistics): M over a fixed probe
 * batch, the first P = min(1000, n_train) training examples, measured at
 * every evaluation point, since it changes as the network trains (LeCun et
 * al. 1998 §4.3: every layer's inputs should be centred and decorrelated).
 * With batch_norm after the nonlinearity the deeper columns are empty.
 * Eigenvalues by LAPACK dsyevd in double; κ = inf when λ_min ≤ 0.
 */
#include "diagnostics/convex.h"
#include "util/real.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/linalg.h"
#include "nn/activation.h"

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

enum { PROBE_MAX = 1000 };

typedef struct {
    double first;                 /* κ of the first layer's inputs (the data) */
    int n_probe, n_deeper;        /* probe rows; hidden layers whose outputs are measured */
    real *pre[DLX_MAX_HIDDEN];   /* [n_probe, width_l] */
    real *h;                     /* [n_probe, max width] */
    double *hd, *m, *eig;         /* h in double, M, its eigenvalues */
} condition_state;

static void condition_destroy(void *state)
{
    condition_state *s = state;
    if (!s)
        return;
    for (int l = 0; l < DLX_MAX_HIDDEN; l++)
        free(s->pre[l]);
    free(s->h), free(s->hd), free(s->m), free(s->eig);
    free(s);
}

/* κ of M = (1/n) hᵀh for h [n, dim] in double; m and eig are work buffers. */
static double second_moment_condition(const double *h, int n, int dim, double *m, double *eig, dlx_status *st)
{
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, dim, n, 1.0 / n, h, dim, 0.0, m, dim);
    for (int i = 0; i < dim; i++)
        for (int j = 0; j < i; j++)
            m[(size_t)i * dim + j] = m[(size_t)j * dim + i];
    *st = symmetric_eigen(m, eig, dim);
    return eig[0] > 0 ? eig[dim - 1] / eig[0] : INFINITY;
}

static bool condition_fits(const dlx_config *cfg, char *why, size_t n);

static dlx_status condition_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    const dlx_split *s = &ctx->data->train;
    char why[256];
    if (!condition_fits(ctx->config, why, sizeof why) || !s->x || s->dim < 1) {
        /* checked before any run (validate.c); matrix entries have no inputs */
        bool fits = condition_fits(ctx->config, why, sizeof why);
        diags_add(diags, NULL, 0, 0, "diagnostic condition_number %s", fits ? "needs input features" : why);
        return DLX_ERR_INPUT;
    }
    condition_state *c = calloc(1, sizeof *c);
    const dlx_model_config *md = &ctx->config->model;
    bool bn_after = md->batch_norm && md->bn_position == BN_AFTER;
    int hidden = md->type == MODEL_MLP && !bn_after ? model_n_probes(ctx->model) : 0;
    int width = s->dim;
    for (int l = 0; l < hidden; l++)
        width = model_probe_width(ctx->model, l) > width ? model_probe_width(ctx->model, l) : width;
    size_t nd = (size_t)s->n * (size_t)s->dim, probe_rows = (size_t)(s->n < PROBE_MAX ? s->n : PROBE_MAX);
    size_t rows = nd > probe_rows * (size_t)width ? nd : probe_rows * (size_t)width;
    bool ok = c && (c->hd = malloc(sizeof(double) * (rows ? rows : 1))) &&
              (c->m = malloc(sizeof(double) * (size_t)width * (size_t)width)) &&
              (c->eig = malloc(sizeof(double) * (size_t)width)) &&
              (c->h = malloc(sizeof(real) * (probe_rows * (size_t)width + 1)));
    for (int l = 0; ok && l < hidden; l++)
        ok = (c->pre[l] = malloc(sizeof(real) * (probe_rows * (size_t)model_probe_width(ctx->model, l) + 1)));
    if (!ok) {
        condition_destroy(c);
        diags_add(diags, NULL, 0, 0, "out of memory for condition_number");
        return DLX_ERR_RUNTIME;
    }
    c->n_probe = (int)probe_rows;
    c->n_deeper = hidden;
    for (size_t i = 0; i < nd; i++)
        c->hd[i] = s->x[i];
    dlx_status st;
    c->first = second_moment_condition(c->hd, s->n, s->dim, c->m, c->eig, &st);
    if (st != DLX_OK) {
        condition_destroy(c);
        diags_add(diags, NULL, 0, 0, "condition_number: the eigendecomposition failed");
        return st;
    }
    ctx->state = c;
    return DLX_OK;
}

static void measure_condition(dlx_diag_context *ctx, double *values)
{
    condition_state *c = ctx->state;
    int layers = ctx->config->model.type == MODEL_MLP ? ctx->config->model.n_hidden + 1 : 1;
    values[0] = c->first;
    for (int l = 1; l < layers; l++)
        values[l] = NAN;
    if (c->n_deeper == 0)
        return;
    model_probe(ctx->model, ctx->data->train.x, c->n_probe, c->pre);
    for (int l = 0; l < c->n_deeper; l++) {
        int width = model_probe_width(ctx->model, l);
        size_t n = (size_t)c->n_probe * (size_t)width;
        activation_forward(ctx->config->model.activation, c->h, c->pre[l], n);
        bool finite = true;
        for (size_t i = 0; i < n; i++) {
            c->hd[i] = c->h[i];
            finite &= isfinite(c->hd[i]);
        }
        dlx_status st = DLX_OK;
        double kappa = finite ? second_moment_condition(c->hd, c->n_probe, width, c->m, c->eig, &st) : NAN;
        values[l + 1] = st == DLX_OK ? kappa : NAN;
    }
}

/* The conditioning of input features: a model that has some (not a
   factorization, whose examples are matrix entries). */
static bool condition_fits(const dlx_config *cfg, char *why, size_t n)
{
    if (cfg->model.type != MODEL_FACTORIZATION)
        return true;
    snprintf(why, n, "measures input features, which a factorization's matrix entries do not have");
    return false;
}

const dlx_diagnostic DIAG_CONDITION_NUMBER = {"condition_number", condition_columns, condition_create, condition_destroy,
                                              measure_condition, condition_fits};
