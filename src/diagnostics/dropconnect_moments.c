/*
 * dropconnect_moments.c — the first two moments of a DropConnect layer's
 * pre-activation, by Monte Carlo against the closed form of Wan, Zeiler,
 * Zhang, LeCun & Fergus (2013), "Regularization of Neural Networks using
 * DropConnect", §3 (the moments their eq. 6 and Algorithm 2 match).
 *
 * A dense layer whose weights DropConnect masks in training computes, for an
 * input v [n_in] and a mask M [n_out, n_in] of independent Bernoulli(p)
 * entries (p = 1 − rate, the rate of the units the layer reads: fc1 reads the
 * inputs, every later layer a hidden layer), u = (s·M∘W)v, with s the
 * training scale: s = 1 for test_time scaling (Wan et al.'s form) and s = 1/p
 * for inverted scaling. The bias is not masked and only shifts the mean, so it
 * is left out. With a_k = W_ik·v_k, u_i − E u_i = Σ_k a_k·s·(M_ik − p), so
 *
 *   E_M[u]   = s·p·W v                      (Wan et al.: pWv; inverted: Wv)
 *   Var_M[u] = s²·p(1−p)·(W∘W)(v∘v)         (Wan et al.: p(1−p)(W∘W)(v∘v);
 *                                             inverted: ((1−p)/p)(W∘W)(v∘v))
 *   κ₄[u]    = s⁴·p(1−p)(1−6p(1−p))·(W∘W∘W∘W)(v∘v∘v∘v)   (fourth cumulant)
 *
 * On a fixed probe, the first 32 test examples (training examples without a
 * test split), v is each layer's input in the model's deterministic inference
 * pass (the probe pass, which weight-scales whatever
 * model.dropconnect_inference says; the moments hold for any fixed v). The
 * diagnostic draws S masks with the training sampler (dropconnect_mask_weights,
 * one mask for the whole probe per draw, as training draws one per minibatch)
 * and forms, per probe example and unit, the sample mean ū and the unbiased
 * sample variance s². Every entry's S draws are independent, so
 *
 *   E (ū − E u)²       = Var u / S
 *   E (s² − Var u)²    = κ₄/S + 2·Var²u/(S − 1)
 *
 * exactly. Columns per masked layer L ("fc1".., "out"), norms over the
 * [probe, n_out] matrix:
 *
 *   dc_mean_rel_err.L     = ‖ū − E u‖_F / ‖E u‖_F
 *   dc_var_rel_err.L      = ‖s² − Var u‖_F / ‖Var u‖_F
 *   dc_mean_rel_err_rms.L = √(Σ Var u / S) / ‖E u‖_F          its root mean square
 *   dc_var_rel_err_rms.L  = √(Σ κ₄/S + 2Var²u/(S−1)) / ‖Var u‖_F
 *
 * so the errors fall as S^(-1/2), and the measured one stays near its rms
 * (the entries of different units use independent mask rows; those of one
 * unit across examples share the mask, which only loosens that
 * concentration). The formulas use the nominal p; the sampler's keep
 * probability is within 2^-17 of it (nn/dropout.h). The closed forms are
 * computed in double (gemm_f64), the samples in float (dense_forward). Masks
 * come from the diagnostic's own stream, seeded at every measurement from
 * (run seed, step), so a resumed run measures the same values. Everything
 * is allocated in create.
 */
#include "diagnostics/dropconnect_moments.h"
#include "util/real.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/activation.h"
#include "nn/batchnorm.h"
#include "nn/dense.h"
#include "nn/dropout.h"
#include "util/gemm.h"
#include "util/rng.h"

enum { MAX_LAYERS = DLX_MAX_HIDDEN + 1, DC_MOMENTS_STREAM = 0x44434d4d /* "DCMM" */ };

/* One dense layer that DropConnect masks. */
typedef struct {
    char name[16];
    int dense;          /* dense layer index: l < n_hidden is fc(l+1), n_hidden is out */
    double rate;
} masked_layer;

typedef struct {
    int n_masked, n_hidden, n_probe, samples;
    masked_layer layers[MAX_LAYERS];
    const real *probe;             /* [n_probe, n_inputs] */
    real *pre[DLX_MAX_HIDDEN];     /* [n_probe, width_l] probe pre-activations, then outputs */
    real *W_used;                  /* [largest n_out·n_in] one masked draw */
    uint8_t *mask;                  /* the same, its mask */
    real *u;                       /* [n_probe, largest n_out] one draw's pre-activations */
    double *Wp[3], *Vp[3];          /* W∘…, v∘… to the powers 1, 2, 4 */
    double *mean, *var, *kurt;      /* [n_probe, largest n_out] closed forms */
    double *sum, *sumsq;            /* Σ (u − E u), Σ (u − E u)² over the draws */
} dc_state;

/* The masked dense layers of cfg in SPEC §2 order (fc1..fcL, out), with the
   rate of the units each reads; returns how many. */
static int masked_layers(const dlx_config *cfg, masked_layer *out)
{
    const dlx_model_config *m = &cfg->model;
    if (m->dropout_kind != DROPOUT_DROPCONNECT)
        return 0;
    char names[MAX_LAYERS][16];
    int n_dense = diagnostics_layer_names(cfg, names, MAX_LAYERS);
    int n = 0;
    for (int l = 0; l < n_dense; l++) {
        double rate = l == 0 ? m->dropout_input : m->dropout_hidden;
        if (!(rate > 0.0))
            continue;
        memcpy(out[n].name, names[l], sizeof out[n].name);
        out[n].dense = l;
        out[n].rate = rate;
        n++;
    }
    return n;
}

static void dc_columns(const dlx_config *cfg, dlx_columns *out)
{
    masked_layer layers[MAX_LAYERS];
    int n = masked_layers(cfg, layers);
    static const char *const prefixes[] = {"dc_mean_rel_err", "dc_var_rel_err", "dc_mean_rel_err_rms",
                                           "dc_var_rel_err_rms"};
    char name[DLX_COLUMN_MAX];
    for (int i = 0; i < n; i++)
        for (int c = 0; c < 4; c++) {
            snprintf(name, sizeof name, "%.20s.%.15s", prefixes[c], layers[i].name);
            columns_add(out, name);
        }
}

static bool dc_fits(const dlx_config *cfg, char *why, size_t n)
{
    const dlx_model_config *m = &cfg->model;
    bool mlp_kind = m->type == MODEL_MLP || m->type == MODEL_LINEAR || m->type == MODEL_LOGISTIC ||
                    m->type == MODEL_SOFTMAX;
    masked_layer layers[MAX_LAYERS];
    if (!mlp_kind || masked_layers(cfg, layers) == 0) {
        snprintf(why, n, "needs a network with DropConnect: model.type mlp (or linear, logistic, softmax) "
                 "with model.dropout.kind dropconnect and a rate above 0");
        return false;
    }
    return true;
}

static void dc_destroy(void *state)
{
    dc_state *st = state;
    if (!st)
        return;
    for (int l = 0; l < DLX_MAX_HIDDEN; l++)
        free(st->pre[l]);
    free(st->W_used);
    free(st->mask);
    free(st->u);
    for (int k = 0; k < 3; k++) {
        free(st->Wp[k]);
        free(st->Vp[k]);
    }
    free(st->mean);
    free(st->var);
    free(st->kurt);
    free(st->sum);
    free(st->sumsq);
    free(st);
}

/* The weight tensor of dense layer l ("fc<l+1>.weight" or "out.weight"). */
static dlx_tensor *dense_weight(dlx_model *model, int l, int n_hidden)
{
    char name[DLX_TENSOR_NAME_MAX];
    if (l < n_hidden)
        snprintf(name, sizeof name, "fc%d.weight", l + 1);
    else
        snprintf(name, sizeof name, "out.weight");
    return model_find_tensor(model, name);
}

static dlx_status dc_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[256];
    if (!dc_fits(ctx->config, why, sizeof why)) {
        diags_add(diags, NULL, 0, 0, "dropconnect_moments %s", why);
        return DLX_ERR_INPUT;
    }
    dc_state *st = calloc(1, sizeof *st);
    if (!st)
        goto oom;
    st->n_masked = masked_layers(ctx->config, st->layers);
    st->n_hidden = model_n_probes(ctx->model);
    st->samples = isnan(ctx->param) ? DROPCONNECT_MOMENTS_DEFAULT_SAMPLES : (int)ctx->param;
    const dlx_split *split = ctx->data->test.n > 0 ? &ctx->data->test : &ctx->data->train;
    st->n_probe = split->n < DROPCONNECT_MOMENTS_PROBE ? split->n : DROPCONNECT_MOMENTS_PROBE;
    st->probe = split->x;
    size_t np = (size_t)(st->n_probe > 0 ? st->n_probe : 1);
    for (int l = 0; l < st->n_hidden; l++)
        if (!(st->pre[l] = malloc(np * (size_t)model_probe_width(ctx->model, l) * sizeof(real))))
            goto oom;
    size_t most_weights = 1, most_in = 1, most_out = 1;
    for (int i = 0; i < st->n_masked; i++) {
        dlx_tensor *W = dense_weight(ctx->model, st->layers[i].dense, st->n_hidden);
        if (!W || W->ndim != 2) {
            diags_add(diags, NULL, 0, 0, "dropconnect_moments: the model has no weight tensor for layer %s",
                      st->layers[i].name);
            dc_destroy(st);
            return DLX_ERR_INPUT;
        }
        size_t rows = (size_t)W->shape[0], cols = (size_t)W->shape[1];
        most_weights = rows * cols > most_weights ? rows * cols : most_weights;
        most_in = cols > most_in ? cols : most_in;
        most_out = rows > most_out ? rows : most_out;
    }
    st->W_used = malloc(most_weights * sizeof *st->W_used);
    st->mask = malloc(most_weights);
    st->u = malloc(np * most_out * sizeof *st->u);
    for (int k = 0; k < 3; k++) {
        st->Wp[k] = malloc(most_weights * sizeof(double));
        st->Vp[k] = malloc(np * most_in * sizeof(double));
        if (!st->Wp[k] || !st->Vp[k])
            goto oom;
    }
    double **outs[] = {&st->mean, &st->var, &st->kurt, &st->sum, &st->sumsq};
    for (size_t k = 0; k < sizeof outs / sizeof *outs; k++)
        if (!(*outs[k] = malloc(np * most_out * sizeof(double))))
            goto oom;
    if (!st->W_used || !st->mask || !st->u)
        goto oom;
    ctx->state = st;
    return DLX_OK;
oom:
    dc_destroy(st);
    diags_add(diags, NULL, 0, 0, "out of memory for the dropconnect_moments buffers");
    return DLX_ERR_RUNTIME;
}

/* The probe's inputs to the dense layers after the first: st->pre[l] becomes
   hidden layer l's output in inference mode, act(pre) and, with batch norm
   after the activation, that normalized by its running statistics. */
static void hidden_outputs(dc_state *st, dlx_diag_context *ctx)
{
    const dlx_model_config *m = &ctx->config->model;
    if (st->n_hidden > 0)
        model_probe(ctx->model, st->probe, st->n_probe, st->pre);
    for (int l = 0; l < st->n_hidden; l++) {
        int width = model_probe_width(ctx->model, l);
        size_t n = (size_t)st->n_probe * width;
        activation_forward(m->activation, st->pre[l], st->pre[l], n);
        if (!(m->batch_norm && m->bn_position == BN_AFTER))
            continue;
        char name[DLX_TENSOR_NAME_MAX];
        const real *bn[4];
        static const char *const parts[] = {"weight", "bias", "running_mean", "running_var"};
        for (int k = 0; k < 4; k++) {
            snprintf(name, sizeof name, "bn%d.%s", l + 1, parts[k]);
            const dlx_tensor *t = model_find_tensor(ctx->model, name);
            bn[k] = t ? t->data : NULL;
        }
        if (bn[0] && bn[1] && bn[2] && bn[3])
            batchnorm_forward_eval(st->pre[l], st->pre[l], bn[0], bn[1], bn[2], bn[3], st->n_probe, width,
                                   m->bn_eps);
    }
}

/* E u, Var u and κ₄ u of every probe example and unit of layer W [n_out, n_in]
   on inputs v [n_probe, n_in] (formulas at the top), in double. */
static void closed_forms(dc_state *st, const real *W, const real *v, int n_in, int n_out, double p,
                         double s)
{
    size_t nw = (size_t)n_out * n_in, nv = (size_t)st->n_probe * n_in;
    for (size_t i = 0; i < nw; i++) {
        double w = W[i];
        st->Wp[0][i] = w;
        st->Wp[1][i] = w * w;
        st->Wp[2][i] = w * w * w * w;
    }
    for (size_t i = 0; i < nv; i++) {
        double x = v[i];
        st->Vp[0][i] = x;
        st->Vp[1][i] = x * x;
        st->Vp[2][i] = x * x * x * x;
    }
    double q = p * (1.0 - p);
    double alpha[3] = {s * p, s * s * q, s * s * s * s * q * (1.0 - 6.0 * q)};
    double *outs[3] = {st->mean, st->var, st->kurt};
    for (int k = 0; k < 3; k++)   /* out[P, n_out] = alpha·V[P, n_in]·Wᵀ */
        gemm_f64(false, true, st->n_probe, n_out, n_in, alpha[k], st->Vp[k], n_in, st->Wp[k], n_in, 0.0,
                 outs[k], n_out);
}

/* The four values of one masked layer: S draws of u = (s·M∘W)v against the
   closed forms. */
static void layer_errors(dc_state *st, const masked_layer *layer, const real *W, const real *v, int n_in,
                         int n_out, dlx_dropout_scaling scaling, dlx_rng *rng, double *values)
{
    double p = 1.0 - layer->rate;
    real s = dropout_train_scale(layer->rate, scaling);
    closed_forms(st, W, v, n_in, n_out, p, (double)s);
    size_t n = (size_t)st->n_probe * n_out;
    memset(st->sum, 0, n * sizeof *st->sum);
    memset(st->sumsq, 0, n * sizeof *st->sumsq);
    for (int draw = 0; draw < st->samples; draw++) {
        dropconnect_mask_weights(st->W_used, st->mask, W, (size_t)n_out * n_in, layer->rate, s, rng);
        dense_forward(st->u, v, st->W_used, NULL, st->n_probe, n_in, n_out);
        for (size_t i = 0; i < n; i++) {   /* shifted by E u: no cancellation in the variance */
            double d = (double)st->u[i] - st->mean[i];
            st->sum[i] += d;
            st->sumsq[i] += d * d;
        }
    }
    double S = st->samples;
    double mean_err = 0, mean_norm = 0, var_err = 0, var_norm = 0, var_sum = 0, var_ms = 0;
    for (size_t i = 0; i < n; i++) {
        double shift = st->sum[i] / S;
        double sample_var = (st->sumsq[i] - st->sum[i] * shift) / (S - 1.0);
        double var = st->var[i];
        mean_err += shift * shift;
        mean_norm += st->mean[i] * st->mean[i];
        var_err += (sample_var - var) * (sample_var - var);
        var_norm += var * var;
        var_sum += var;
        var_ms += st->kurt[i] / S + 2.0 * var * var / (S - 1.0);
    }
    double out[4] = {sqrt(mean_err / mean_norm), sqrt(var_err / var_norm), sqrt(var_sum / S / mean_norm),
                     sqrt(var_ms / var_norm)};
    for (int k = 0; k < 4; k++)
        values[k] = isfinite(out[k]) ? out[k] : NAN;
    if (!(mean_norm > 0)) {
        values[0] = NAN;
        values[2] = NAN;
    }
    if (!(var_norm > 0)) {
        values[1] = NAN;
        values[3] = NAN;
    }
}

static void dc_measure(dlx_diag_context *ctx, double *values)
{
    dc_state *st = ctx->state;
    if (st->n_probe < 1 || st->samples < 2) {
        for (int k = 0; k < 4 * st->n_masked; k++)
            values[k] = NAN;
        return;
    }
    hidden_outputs(st, ctx);
    dlx_rng rng;
    rng_seed(&rng, ctx->seed, ((uint64_t)DC_MOMENTS_STREAM << 32) + (uint64_t)ctx->step);
    for (int i = 0; i < st->n_masked; i++) {
        const masked_layer *layer = &st->layers[i];
        const dlx_tensor *W = dense_weight(ctx->model, layer->dense, st->n_hidden);
        int n_out = W->shape[0], n_in = W->shape[1];
        const real *v = layer->dense == 0 ? st->probe : st->pre[layer->dense - 1];
        layer_errors(st, layer, W->data, v, n_in, n_out, ctx->config->model.dropout_scaling, &rng, values + 4 * i);
    }
}

const dlx_diagnostic DIAG_DROPCONNECT_MOMENTS = {"dropconnect_moments", dc_columns, dc_create, dc_destroy,
                                                 dc_measure, dc_fits};
