/*
 * variance_shift.c — how far the variance a batch-norm layer sees at
 * inference departs from the running variance it stored in training
 * (Li, Chen, Hu & Yang 2019, "Understanding the Disharmony between Dropout
 * and Batch Normalization by Variance Shift", CVPR, §3–4).
 *
 * Dropout before a batch norm makes the variance of that BN's input in train
 * mode (masks on) differ from its variance in inference mode (masks off); the
 * running variance was accumulated in train mode, so at inference BN divides
 * by the wrong scale. Li et al.'s measure, per unit j of batch-norm layer L:
 *
 *     r_j = Var_infer(x_j) / running_var_j
 *
 * where x_j is BN's input and Var_infer its unbiased variance over a fixed
 * probe batch with the network in inference mode (running statistics in
 * every batch norm, no dropout). r_j = 1 means no shift; inverted dropout
 * before BN gives r_j < 1 (their eq. 7: Var_test/Var_train = v/(v/p + (1/p −
 * 1)c²) with keep rate p). Columns per hidden layer L:
 *
 *   variance_shift.bnL      (1/n) Σ_j r_j        mean over the layer's units
 *   variance_shift_sd.bnL   √((1/n) Σ_j (r_j − mean)²)   its spread
 *
 * over the n units where r_j is defined: a unit whose BN input is constant
 * over the probe (a dead ReLU feeding a batch norm placed after the
 * nonlinearity) has no ratio (its 0 would say nothing about dropout) and is
 * left out, as is a unit with γ_j = 0 (below); NAN when no unit is left.
 *
 * The probe is the first P = min(1000, n_train) training examples: the
 * running variance was accumulated on the training split, so the ratio on
 * the same inputs isolates the train/inference difference of the network
 * from any train/test difference of the data.
 *
 * How BN's input is read: the model's hidden-layer probe returns what enters
 * each nonlinearity in inference mode. With batch norm before the
 * nonlinearity (model.batch_norm.position before) that is BN's output
 * y = γ(x − μ_run)/√(σ²_run + ε) + β, so Var(x) = Var(y)·(σ²_run + ε)/γ²
 * (exact; NAN for a unit whose γ is 0). With position after it is the dense
 * output z, and BN's input is act(z), computed here. Buffers are allocated
 * once in create.
 */
#include "diagnostics/variance_shift.h"
#include "util/real.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn/activation.h"

enum { PROBE_MAX = 1000 };

typedef struct {
    int n_probe;
    const real *probe;         /* [n_probe, n_inputs], the training split's first rows */
    real *pre[DLX_MAX_HIDDEN]; /* [n_probe, width_l] */
    double *ratios;             /* [widest] the ratios of one layer */
} shift_state;

/* variance_shift.bnL and variance_shift_sd.bnL for every hidden layer. */
static void shift_columns(const dlx_config *cfg, dlx_columns *out)
{
    int hidden = cfg->model.type == MODEL_MLP && cfg->model.batch_norm ? cfg->model.n_hidden : 0;
    for (int l = 0; l < hidden; l++) {
        char name[DLX_COLUMN_MAX];
        snprintf(name, sizeof name, "variance_shift.bn%d", l + 1);
        columns_add(out, name);
        snprintf(name, sizeof name, "variance_shift_sd.bn%d", l + 1);
        columns_add(out, name);
    }
}

/* Only an mlp with hidden layers and batch norm has running variances. */
static bool shift_fits(const dlx_config *cfg, char *why, size_t n)
{
    if (cfg->model.type == MODEL_MLP && cfg->model.n_hidden > 0 && cfg->model.batch_norm)
        return true;
    snprintf(why, n, "needs an mlp with hidden layers and model.batch_norm");
    return false;
}

static void shift_destroy(void *state)
{
    shift_state *st = state;
    if (!st)
        return;
    for (int l = 0; l < DLX_MAX_HIDDEN; l++)
        free(st->pre[l]);
    free(st->ratios);
    free(st);
}

static dlx_status shift_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[256];
    if (!shift_fits(ctx->config, why, sizeof why) || model_n_probes(ctx->model) < 1 ||
        ctx->data->train.n < 2) {
        /* checked before any run (validate.c) */
        diags_add(diags, NULL, 0, 0, "diagnostic variance_shift %s",
                  shift_fits(ctx->config, why, sizeof why) ? "needs at least 2 training examples" : why);
        return DLX_ERR_INPUT;
    }
    shift_state *st = calloc(1, sizeof *st);
    if (!st)
        goto oom;
    const dlx_split *split = &ctx->data->train;
    st->n_probe = split->n < PROBE_MAX ? split->n : PROBE_MAX;
    st->probe = split->x;
    int widest = 1;
    for (int l = 0; l < model_n_probes(ctx->model); l++) {
        int w = model_probe_width(ctx->model, l);
        widest = w > widest ? w : widest;
        st->pre[l] = malloc((size_t)st->n_probe * (size_t)(w > 0 ? w : 1) * sizeof(real));
        if (!st->pre[l])
            goto oom;
    }
    st->ratios = malloc((size_t)widest * sizeof *st->ratios);
    if (!st->ratios)
        goto oom;
    ctx->state = st;
    return DLX_OK;
oom:
    shift_destroy(st);
    diags_add(diags, NULL, 0, 0, "out of memory for the variance_shift probe buffers");
    return DLX_ERR_RUNTIME;
}

/* Unbiased variance over P rows of column j, over running_var (see the header). */
double variance_shift_ratio(const real *x, int P, int stride, int j, double running_var)
{
    if (P < 2 || !(running_var > 0.0))
        return NAN;
    double sum = 0.0, sq = 0.0;
    for (int i = 0; i < P; i++)
        sum += x[(size_t)i * stride + j];
    double mean = sum / P;
    for (int i = 0; i < P; i++) {
        double d = x[(size_t)i * stride + j] - mean;
        sq += d * d;
    }
    if (!(sq > 0.0)) /* constant over the probe (a dead ReLU feeding BN): no ratio */
        return NAN;
    double r = sq / (P - 1) / running_var;
    return isfinite(r) ? r : NAN;
}

static void shift_measure(dlx_diag_context *ctx, double *values)
{
    shift_state *st = ctx->state;
    const dlx_model_config *m = &ctx->config->model;
    model_probe(ctx->model, st->probe, st->n_probe, st->pre);
    for (int l = 0; l < model_n_probes(ctx->model); l++) {
        int w = model_probe_width(ctx->model, l);
        char name[32];
        snprintf(name, sizeof name, "bn%d.running_var", l + 1);
        dlx_tensor *rv = model_find_tensor(ctx->model, name);
        snprintf(name, sizeof name, "bn%d.weight", l + 1);
        dlx_tensor *gamma = model_find_tensor(ctx->model, name);
        double *out = values + 2 * l;
        if (!rv || !gamma) {
            out[0] = out[1] = NAN;
            continue;
        }
        real *x = st->pre[l];
        if (m->bn_position == BN_AFTER) /* BN's input is the nonlinearity's output */
            activation_forward(m->activation, x, x, (size_t)st->n_probe * w);
        double sum = 0.0;
        int defined = 0;
        for (int j = 0; j < w; j++) {
            double run = rv->data[j];
            double r = variance_shift_ratio(x, st->n_probe, w, j, run);
            if (m->bn_position == BN_BEFORE) { /* x was BN's output y: Var(x) = Var(y)(σ²+ε)/γ² */
                double g = gamma->data[j];
                r = g != 0.0 ? r * (run + m->bn_eps) / (g * g) : NAN;
            }
            st->ratios[j] = r;
            if (isfinite(r)) {
                sum += r;
                defined++;
            }
        }
        if (defined == 0) {
            out[0] = out[1] = NAN;
            continue;
        }
        double mean = sum / defined, sq = 0.0;
        for (int j = 0; j < w; j++)
            if (isfinite(st->ratios[j]))
                sq += (st->ratios[j] - mean) * (st->ratios[j] - mean);
        out[0] = mean;
        out[1] = sqrt(sq / defined);
    }
}

const dlx_diagnostic DIAG_VARIANCE_SHIFT = {.name = "variance_shift",
                                            .columns = shift_columns,
                                            .create = shift_create,
                                            .destroy = shift_destroy,
                                            .measure = shift_measure,
                                            .fits = shift_fits};
