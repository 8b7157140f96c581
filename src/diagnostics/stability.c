/*
 * stability.c — algorithmic stability between neighbouring training sets
 * (diagnostic `stability`, SPEC §8).
 *
 * The trainer (src/train/twins.c) trains R pairs of twin runs beside the run:
 * pair k is one run on S and one on S' (S with example I replaced), both from
 * the run's initial weights, in the same example order (order seed k of the
 * run's seed), advanced in lockstep with the run. This file only measures
 * them, at each of the run's evaluation points, averaged over the R pairs:
 *
 *   stab_param_dist = (1/R) Σ_k ‖θ_k − θ'_k‖₂            (every trainable parameter)
 *   stab_loss_sens  = (1/R) Σ_k max_{z ∈ test} |ℓ(θ_k; z) − ℓ(θ'_k; z)|
 *   stab_bound      = (2L/n) Σ_{s ≤ t} α_s
 *
 * stab_loss_sens is the empirical counterpart of uniform stability β
 * (Bousquet & Elisseeff 2002, Definition 6, with the sup over z taken over
 * the test split); a uniformly β-stable algorithm generalizes within 2β in
 * expectation, with a high-probability version in their Theorem 12. stab_bound is Hardt, Recht &
 * Singer (2016), Theorem 3.8: SGD with steps α_s ≤ 2/β on a convex,
 * L-Lipschitz, β-smooth loss is ε-uniformly stable in expectation with
 * E‖θ_t − θ'_t‖ ≤ (2L/n) Σ_{s≤t} α_s (their proof bounds δ_t = ‖θ_t − θ'_t‖
 * step by step: with probability 1 − 1/n the step touches the same example
 * and is non-expansive, otherwise δ grows by at most 2α_s L; a minibatch of b
 * touches the replaced example with probability b/n, where it weighs 1/b).
 * It is an expectation over the example order: one pair's distance may
 * exceed it, the mean over the pairs estimates the expectation.
 *
 * The bound applies to the logistic loss of a model without hidden layers
 * (logistic regression) trained by plain SGD on unweighted examples, with
 * every step α_s ≤ 2/(β + λ): for θ = (w, b), ℓ(θ; x, y) has gradient
 * (σ(wᵀx + b) − y)(x, 1), so L = max_i ‖(x_i, 1)‖ over S ∪ S' and β = L²/4;
 * an l2 term λ/2‖w‖² keeps each step non-expansive under that step condition
 * (HRS Lemma 3.7 with the added curvature). Elsewhere the column is empty.
 */
#include "diagnostics/stability.h"
#include "util/real.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/loss.h"
#include "optim/schedule.h"

static void stability_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "stab_param_dist");
    columns_add(out, "stab_loss_sens");
    columns_add(out, "stab_bound");
}

/* Buffers: the outputs of a pair's two models on one chunk of the test split. */
typedef struct {
    real *out_a, *out_b;   /* [chunk, n_outputs] */
    int chunk;
    double lipschitz;       /* L of the bound, NAN when it does not apply */
} stability_state;

/* max_i ‖(x_i, 1)‖ over the rows of s. */
static double max_row_norm_with_bias(const dlx_split *s)
{
    double best = 0.0;
    for (int i = 0; i < s->n; i++) {
        double sq = 1.0;
        for (int j = 0; j < s->dim; j++) {
            double v = s->x[(size_t)i * (size_t)s->dim + (size_t)j];
            sq += v * v;
        }
        if (sq > best)
            best = sq;
    }
    return sqrt(best);
}

/* The optimizer steps of one epoch: ⌈n / batch⌉ (the last batch is smaller). */
static long steps_per_epoch(const dlx_config *cfg, int n)
{
    long b = cfg->training.batch_size > 0 && cfg->training.batch_size < n ? cfg->training.batch_size
                                                                          : n;
    return b > 0 ? (n + b - 1) / b : 1;
}

/* Σ_{s ≤ step} α_s, the rate of step s being the schedule's rate of its epoch. */
static double sum_of_rates(const dlx_config *cfg, int n, long step)
{
    long per_epoch = steps_per_epoch(cfg, n);
    double sum = 0.0;
    for (long e = 0; step > 0; e++) {
        long in_epoch = step < per_epoch ? step : per_epoch;
        sum += (double)in_epoch * schedule_lr(&cfg->optimizer, (int)e, cfg->training.epochs);
        step -= in_epoch;
    }
    return sum;
}

/* L of the bound for this run, or NAN when the bound does not apply (see the
   design comment): logistic regression, plain SGD, unweighted, smooth
   penalty only, every rate ≤ 2/(β + λ). */
static double bound_lipschitz(const dlx_config *cfg, const dlx_dataset *ds)
{
    const dlx_regularizer_config *r = &cfg->regularizer;
    bool convex_logistic = cfg->loss == LOSS_LOGISTIC && cfg->model.n_hidden == 0 &&
                           !cfg->model.batch_norm && cfg->model.dropout_input == 0.0;
    bool plain_sgd = cfg->optimizer.type == OPT_SGD;   /* its rule has no momentum */
    if (!convex_logistic || !plain_sgd || r->l1 > 0 || r->input_noise > 0 || r->product > 0 ||
        ds->train.weights || !ds->train.x)
        return NAN;
    double L = max_row_norm_with_bias(&ds->train);
    if (ds->spare.n > 0) {
        double Ls = max_row_norm_with_bias(&ds->spare);
        L = Ls > L ? Ls : L;
    }
    double smooth = L * L / 4.0 + r->l2;
    for (int e = 0; e < cfg->training.epochs; e++)
        if (schedule_lr(&cfg->optimizer, e, cfg->training.epochs) > 2.0 / smooth)
            return NAN;
    return L;
}

/* Twin runs need a second training set: an example to put in place of one
   (dense inputs; matrix entries have none). */
static bool stability_fits(const dlx_config *cfg, char *why, size_t n)
{
    if (cfg->model.type == MODEL_FACTORIZATION) {
        snprintf(why, n, "needs dense inputs, here model.type factorization");
        return false;
    }
    if (cfg->data.source == DATA_SYNTHETIC && cfg->data.kind == SYN_LOW_RANK) {
        snprintf(why, n, "needs dense inputs, here data.kind low_rank");
        return false;
    }
    return true;
}

static dlx_status stability_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[160];
    if (!stability_fits(ctx->config, why, sizeof why)) {   /* validate.c reports it first */
        diags_add(diags, NULL, 0, 0, "diagnostic stability %s", why);
        return DLX_ERR_INPUT;
    }
    stability_state *s = calloc(1, sizeof *s);
    int k = model_n_outputs(ctx->model);
    int chunk = model_max_batch(ctx->model);
    if (s) {
        s->chunk = chunk > 0 ? chunk : 1;
        s->out_a = malloc((size_t)s->chunk * (size_t)k * sizeof *s->out_a);
        s->out_b = malloc((size_t)s->chunk * (size_t)k * sizeof *s->out_b);
    }
    if (!s || !s->out_a || !s->out_b) {
        if (s) {
            free(s->out_a);
            free(s->out_b);
        }
        free(s);
        diags_add(diags, NULL, 0, 0, "out of memory for the stability diagnostic");
        return DLX_ERR_RUNTIME;
    }
    s->lipschitz = bound_lipschitz(ctx->config, ctx->data);
    ctx->state = s;
    return DLX_OK;
}

static void stability_destroy(void *state)
{
    stability_state *s = state;
    if (!s)
        return;
    free(s->out_a);
    free(s->out_b);
    free(s);
}

/* ‖θ_a − θ_b‖₂ over the trainable parameter blocks, accumulated in double. */
static double param_distance(dlx_model *a, dlx_model *b)
{
    const real *pa = model_params(a), *pb = model_params(b);
    size_t n = model_n_params(a);
    double sq = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)pa[i] - (double)pb[i];
        sq += d * d;
    }
    return sqrt(sq);
}

/* ℓ of one example from the model's outputs z (the loss of the run, SPEC §2). */
static double example_loss(const dlx_config *cfg, const real *z, const dlx_split *s, int i, int K)
{
    long correct = 0;
    const int *y = s->labels ? s->labels + i : NULL;
    switch (cfg->loss) {
    case LOSS_CROSS_ENTROPY:
        return softmax_cross_entropy_forward(z, y, 1, K, &correct);
    case LOSS_LOGISTIC:
        return logistic_loss_forward(z, y, 1, &correct);
    case LOSS_MSE:
    case LOSS_COUNT:
        break;
    }
    return mse_forward(z, s->targets ? s->targets + (size_t)i * (size_t)K : NULL, y, 1, K,
                       &correct);
}

/* max over the test split of |ℓ(θ_a; z) − ℓ(θ_b; z)|, in inference mode. */
static double loss_sensitivity(stability_state *st, const dlx_config *cfg, dlx_model *a,
                               dlx_model *b, const dlx_split *test)
{
    int K = model_n_outputs(a);
    double worst = 0.0;
    for (int start = 0; start < test->n; start += st->chunk) {
        int B = test->n - start < st->chunk ? test->n - start : st->chunk;
        const real *x = test->x + (size_t)start * (size_t)test->dim;
        model_predict(a, x, B, NULL, st->out_a);
        model_predict(b, x, B, NULL, st->out_b);
        for (int i = 0; i < B; i++) {
            double la = example_loss(cfg, st->out_a + (size_t)i * (size_t)K, test, start + i, K);
            double lb = example_loss(cfg, st->out_b + (size_t)i * (size_t)K, test, start + i, K);
            double d = fabs(la - lb);
            if (d > worst || isnan(d))
                worst = d;
        }
    }
    return worst;
}

static void stability_measure(dlx_diag_context *ctx, double *values)
{
    stability_state *st = ctx->state;
    int R = ctx->n_twin_pairs;
    values[0] = values[1] = values[2] = NAN;
    if (R <= 0 || !ctx->twins)
        return;
    double dist = 0.0, sens = 0.0;
    for (int k = 0; k < R; k++) {
        dlx_model *a = ctx->twins[2 * k], *b = ctx->twins[2 * k + 1];
        dist += param_distance(a, b);
        if (ctx->data->test.x)
            sens += loss_sensitivity(st, ctx->config, a, b, &ctx->data->test);
    }
    values[0] = dist / R;
    values[1] = ctx->data->test.x ? sens / R : NAN;
    if (isfinite(st->lipschitz))
        values[2] = 2.0 * st->lipschitz / ctx->data->train.n *
                    sum_of_rates(ctx->config, ctx->data->train.n, ctx->step);
}

const dlx_diagnostic DIAG_STABILITY = {"stability", stability_columns, stability_create,
                                       stability_destroy, stability_measure, stability_fits};
