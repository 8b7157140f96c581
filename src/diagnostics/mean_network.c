/*
 * mean_network.c — "the mean network is the geometric mean of the 2^N
 * subnetworks" (Hinton, Srivastava, Krizhevsky, Sutskever & Salakhutdinov
 * 2012, §1), checked exactly.
 *
 * For an MLP with one hidden layer of N units, Bernoulli dropout of keep
 * probability p on them and a softmax output, the subnetwork of mask
 * m ∈ {0,1}^N has logits z(m) = W₂·(s·m ∗ h) + b₂, h the hidden layer's
 * output in inference mode and s its training scale (1/p inverted, 1 with
 * test-time scaling); m has probability P(m) = p^|m|·(1−p)^(N−|m|). Over a
 * fixed probe, the first P = min(100, n_test) test examples, it measures
 *
 *   G(x) = renormalized Π_m softmax(z(m))^P(m)     the weighted geometric mean
 *   A(x) = Σ_m P(m)·softmax(z(m))                  the arithmetic mean
 *   W(x) = softmax(model's inference logits)       the weight-scaled network
 *
 * every sum over the 2^N masks done exactly in double, and writes
 *
 *   mean_net_geo_gap   = max_{x, c} |G_c(x) − W_c(x)|
 *   mean_net_arith_gap = max_{x, c} |A_c(x) − W_c(x)|.
 *
 * Since log G_c = Σ_m P(m)·z_c(m) − (terms without c) and z is affine in m,
 * G = softmax(z(E m)) = softmax(W₂·(s·p·h) + b₂) = W: the first gap is 0 up
 * to float rounding (the model computes W in float32), for every p (with
 * p = 1/2 all masks are equally likely, Hinton et al.'s case). The
 * arithmetic mean differs (softmax is not affine), so the second gap is not
 * 0. Masks are visited in Gray-code order, so each step updates the logits
 * by one unit's column ±s·W₂[:, j]·h_j: cost 2^N·P·C per measurement.
 * N ≤ 16 is checked at validation (fits). Buffers are allocated in create.
 */
#include "diagnostics/mean_network.h"
#include "util/real.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/activation.h"

enum { PROBE_MAX = 100 };

typedef struct {
    int n_probe, units, classes;
    const real *probe;    /* [n_probe, n_inputs] */
    real *pre;            /* [n_probe, units] pre-activations, then h in place */
    real *logits;         /* [n_probe, classes] the model's inference logits */
    double *z, *geo, *arith, *model_z; /* [classes] */
} mean_state;

static void mean_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "mean_net_geo_gap");
    columns_add(out, "mean_net_arith_gap");
}

static bool mean_fits(const dlx_config *cfg, char *why, size_t n)
{
    const dlx_model_config *m = &cfg->model;
    if (m->type != MODEL_MLP || m->n_hidden != 1 || cfg->loss != LOSS_CROSS_ENTROPY) {
        snprintf(why, n, "needs model.type mlp with one hidden layer and loss cross_entropy (a softmax "
                 "output)");
        return false;
    }
    if (m->hidden[0] > MEAN_NETWORK_MAX_UNITS) {
        snprintf(why, n, "enumerates all 2^N masks of the hidden layer: it needs at most %d hidden units, "
                 "here %d", MEAN_NETWORK_MAX_UNITS, m->hidden[0]);
        return false;
    }
    if (!(m->dropout_hidden > 0) || m->dropout_kind != DROPOUT_BERNOULLI || m->dropout_input > 0) {
        snprintf(why, n, "needs Bernoulli dropout on the hidden layer only (model.dropout.hidden > 0, "
                 "no input dropout)");
        return false;
    }
    return true;
}

static void mean_destroy(void *state)
{
    mean_state *st = state;
    if (!st)
        return;
    free(st->pre);
    free(st->logits);
    free(st->z);
    free(st->geo);
    free(st->arith);
    free(st->model_z);
    free(st);
}

static dlx_status mean_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[256];
    if (!mean_fits(ctx->config, why, sizeof why) || model_n_probes(ctx->model) != 1 ||
        !model_find_tensor(ctx->model, "out.weight")) {
        diags_add(diags, NULL, 0, 0, "mean_network %s", why);
        return DLX_ERR_INPUT;
    }
    mean_state *st = calloc(1, sizeof *st);
    if (!st)
        goto oom;
    const dlx_split *split = ctx->data->test.n > 0 ? &ctx->data->test : &ctx->data->train;
    st->n_probe = split->n < PROBE_MAX ? split->n : PROBE_MAX;
    st->probe = split->x;
    st->units = model_probe_width(ctx->model, 0);
    st->classes = model_find_tensor(ctx->model, "out.weight")->shape[0];
    size_t np = (size_t)(st->n_probe > 0 ? st->n_probe : 1);
    st->pre = malloc(np * (size_t)st->units * sizeof *st->pre);
    st->logits = malloc(np * (size_t)st->classes * sizeof *st->logits);
    st->z = malloc((size_t)st->classes * sizeof *st->z);
    st->geo = malloc((size_t)st->classes * sizeof *st->geo);
    st->arith = malloc((size_t)st->classes * sizeof *st->arith);
    st->model_z = malloc((size_t)st->classes * sizeof *st->model_z);
    if (!st->pre || !st->logits || !st->z || !st->geo || !st->arith || !st->model_z)
        goto oom;
    ctx->state = st;
    return DLX_OK;
oom:
    mean_destroy(st);
    diags_add(diags, NULL, 0, 0, "out of memory for the mean_network buffers");
    return DLX_ERR_RUNTIME;
}

/* log Σ_c exp(z_c), stably. */
static double log_sum_exp(const double *z, int n)
{
    double top = z[0], s = 0.0;
    for (int c = 1; c < n; c++)
        top = fmax(top, z[c]);
    for (int c = 0; c < n; c++)
        s += exp(z[c] - top);
    return top + log(s);
}

/* The index of the lowest set bit of g > 0. */
static int lowest_bit(unsigned long g)
{
    int j = 0;
    while (!(g >> j & 1ul))
        j++;
    return j;
}

/* The two gaps of one example with hidden output h [units]; W [C, N], b [C]
   (NULL: no bias). */
static void example_gaps(mean_state *st, const real *h, const real *W, const real *b, double scale,
                         double keep, const real *model_logits, double *geo_gap, double *arith_gap)
{
    int N = st->units, C = st->classes;
    double log_keep = log(keep), log_drop = log1p(-keep);
    for (int c = 0; c < C; c++) {
        st->z[c] = b ? b[c] : 0.0; /* the empty mask */
        st->geo[c] = 0.0;
        st->arith[c] = 0.0;
    }
    unsigned mask = 0;
    int kept = 0;
    for (unsigned long g = 0; g < (1ul << N); g++) {
        if (g > 0) { /* Gray code: flip bit lowest_bit(g) */
            int j = lowest_bit(g);
            mask ^= 1u << j;
            double sign = (mask >> j & 1u) ? 1.0 : -1.0;
            kept += (int)sign;
            for (int c = 0; c < C; c++)
                st->z[c] += sign * scale * W[(size_t)c * N + j] * h[j];
        }
        double prob = exp(kept * log_keep + (N - kept) * log_drop);
        double lse = log_sum_exp(st->z, C);
        for (int c = 0; c < C; c++) {
            st->geo[c] += prob * (st->z[c] - lse);
            st->arith[c] += prob * exp(st->z[c] - lse);
        }
    }
    double glse = log_sum_exp(st->geo, C);
    double *model_z = st->model_z;
    for (int c = 0; c < C; c++)
        model_z[c] = model_logits[c];
    double mlse = log_sum_exp(model_z, C);
    for (int c = 0; c < C; c++) {
        double w = exp(model_z[c] - mlse);
        *geo_gap = fmax(*geo_gap, fabs(exp(st->geo[c] - glse) - w));
        *arith_gap = fmax(*arith_gap, fabs(st->arith[c] - w));
    }
}

static void mean_measure(dlx_diag_context *ctx, double *values)
{
    mean_state *st = ctx->state;
    const dlx_model_config *m = &ctx->config->model;
    real *pre[1] = {st->pre};
    model_probe(ctx->model, st->probe, st->n_probe, pre);
    size_t nh = (size_t)st->n_probe * (size_t)st->units;
    activation_forward(m->activation, st->pre, st->pre, nh);
    model_predict(ctx->model, st->probe, st->n_probe, NULL, st->logits);
    const real *W = model_find_tensor(ctx->model, "out.weight")->data;
    const dlx_tensor *bias = model_find_tensor(ctx->model, "out.bias");
    const real *b = bias ? bias->data : NULL;
    double keep = 1.0 - m->dropout_hidden;
    double scale = m->dropout_scaling == DROPOUT_INVERTED ? 1.0 / keep : 1.0;
    double geo_gap = 0.0, arith_gap = 0.0;
    for (int i = 0; i < st->n_probe; i++)
        example_gaps(st, st->pre + (size_t)i * st->units, W, b, scale, keep,
                     st->logits + (size_t)i * st->classes, &geo_gap, &arith_gap);
    bool finite = isfinite(geo_gap) && isfinite(arith_gap) && st->n_probe > 0;
    values[0] = finite ? geo_gap : NAN;
    values[1] = finite ? arith_gap : NAN;
}

const dlx_diagnostic DIAG_MEAN_NETWORK = {"mean_network", mean_columns, mean_create, mean_destroy,
                                          mean_measure, mean_fits};
