/*
 * predictive.c — the mc_dropout and calibration diagnostics.
 *
 * Both score predictions on the whole test split at every evaluation point:
 *   ws: the deterministic network of the evaluation columns (inference mode,
 *       the weight-scaling approximation Φ(x; pΘ) of Srivastava et al. 2014
 *       §2 and §7.5; with inverted dropout the scaling is folded into training);
 *   mc: the Monte-Carlo average over T dropout masks (1/T) Σ_t Φ̃(x; Θ, b_t) of
 *       the predictions (softmax probabilities, sigmoid, or raw output), the
 *       "MC dropout" of Srivastava et al. §7.5 and Gal & Ghahramani (2016) §3
 *       (mc_predict.h). Masks come from the stream mc_predict_seed(seed, step),
 *       the same for both diagnostics, so their MC columns agree.
 *
 * mc_dropout: {mc_dropout: T}
 *   mc_test_loss     loss of the MC average (cross_entropy: −(1/n) Σ log p̄_i[y_i])
 *   mc_test_acc      (1/n) #{argmax p̄_i = y_i}
 *   ws_minus_mc_loss loss(ws) − mc_test_loss   (> 0: the MC average is better)
 *   ws_minus_mc_acc  acc(ws) − mc_test_acc
 *   mc_logit_gap     (1/(nK)) Σ_ik |z̄_ik − z^ws_ik|, z̄ the mean logits over the
 *                    T masks: 0 in expectation when the only dropout is before
 *                    the last linear layer; otherwise the error of weight scaling
 *                    plus MC noise of order σ/√T
 *   ws_logit_bias    √max(0, (1/(nK)) Σ_ik [(z̄_ik − z^ws_ik)² − Var_t z_ik/(T−1)]):
 *                    the root-mean-square bias of weight scaling on the logits
 *                    with the MC noise removed (E(z̄ − z^ws)² = bias² + σ²/T and
 *                    E Var_t z = σ²(T−1)/T); empty for T = 1
 *   mc_spread        (1/(nK)) Σ_ik √Var_t ŷ_ik, the spread of the predictions
 *                    over masks
 * calibration: `calibration` or {calibration: T}
 *   ece, nll         of ws (calibration.h: Guo et al. 2017 eq. 3, M = 15 bins)
 *   mc_ece, mc_nll   of the MC average, when T is known: its own parameter,
 *                    else the T of mc_dropout in the same list.
 * Columns are empty for a model without an output distribution over classes
 * (mse) where the formula has none, and when the test split is empty.
 */
#include "diagnostics/predictive.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uncertainty/calibration.h"
#include "uncertainty/mc_predict.h"

typedef struct {
    const dlx_split *test;
    int T;                     /* 0: no MC average */
    dlx_mc_prediction *ws, *mc;
} predictive_state;

/* The parameter of diagnostic name in cfg's list, or NAN. */
static double listed_param(const dlx_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->n_diagnostics; i++)
        if (!strcmp(cfg->diagnostics[i], name))
            return cfg->diagnostic_param[i];
    return NAN;
}

/* T as an int, 0 when absent or not a count. */
static int mask_count(double param) { return param >= 1 ? (int)param : 0; }

/* calibration's T: its own parameter, else mc_dropout's. */
static int calibration_T(const dlx_config *cfg)
{
    int own = mask_count(listed_param(cfg, "calibration"));
    return own ? own : mask_count(listed_param(cfg, "mc_dropout"));
}

static void predictive_destroy(void *state)
{
    predictive_state *st = state;
    if (!st)
        return;
    mc_predict_destroy(st->ws);
    mc_predict_destroy(st->mc);
    free(st);
}

/* Buffers for the test split: ws always, mc when T > 0. */
static dlx_status predictive_create(dlx_diag_context *ctx, int T, dlx_diags *diags)
{
    predictive_state *st = calloc(1, sizeof *st);
    if (!st) {
        diags_add(diags, NULL, 0, 0, "out of memory for the MC-dropout diagnostics");
        return DLX_ERR_RUNTIME;
    }
    st->test = &ctx->data->test;
    st->T = T;
    int K = model_n_outputs(ctx->model);
    dlx_status s = mc_predict_create(&st->ws, st->test->n, K, true, diags);
    if (s == DLX_OK && T > 0)
        s = mc_predict_create(&st->mc, st->test->n, K, true, diags);
    if (s != DLX_OK) {
        predictive_destroy(st);
        return s;
    }
    ctx->state = st;
    return DLX_OK;
}

/* Predict the test split: ws, then the MC average from this point's stream. */
static void predict(dlx_diag_context *ctx, predictive_state *st)
{
    mc_predict(st->ws, ctx->model, ctx->config->loss, st->test->x, 1, NULL);
    if (st->T > 0) {
        dlx_rng rng;
        mc_predict_seed(&rng, ctx->seed, ctx->step);
        mc_predict(st->mc, ctx->model, ctx->config->loss, st->test->x, st->T, &rng);
    }
}

static dlx_prediction_scores scores_of(const predictive_state *st, const dlx_mc_prediction *p,
                                       dlx_loss loss)
{
    return score_prediction(p->mean, p->n, p->n_outputs, loss, st->test->labels, st->test->targets);
}

/* ---- mc_dropout */

static const char *const MC_COLUMNS[] = {"mc_test_loss", "mc_test_acc",  "ws_minus_mc_loss", "ws_minus_mc_acc",
                                         "mc_logit_gap", "ws_logit_bias", "mc_spread"};
#define N_MC_COLUMNS (int)(sizeof MC_COLUMNS / sizeof *MC_COLUMNS)

static void mc_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    for (int i = 0; i < N_MC_COLUMNS; i++)
        columns_add(out, MC_COLUMNS[i]);
}

static dlx_status mc_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    return predictive_create(ctx, mask_count(ctx->param), diags);
}

static void mc_measure(dlx_diag_context *ctx, double *values)
{
    predictive_state *st = ctx->state;
    for (int i = 0; i < N_MC_COLUMNS; i++)
        values[i] = NAN;
    if (st->T < 1 || st->test->n < 1)
        return;
    predict(ctx, st);
    dlx_prediction_scores ws = scores_of(st, st->ws, ctx->config->loss);
    dlx_prediction_scores mc = scores_of(st, st->mc, ctx->config->loss);
    size_t cells = (size_t)st->mc->n * st->mc->n_outputs;
    double gap = 0.0, bias2 = 0.0, spread = 0.0;
    for (size_t c = 0; c < cells; c++) {
        double d = st->mc->mean_logits[c] - st->ws->mean_logits[c];
        gap += fabs(d);
        bias2 += st->T > 1 ? d * d - st->mc->var_logits[c] / (st->T - 1) : 0.0;
        spread += sqrt(st->mc->var[c]);
    }
    values[0] = mc.loss;
    values[1] = mc.accuracy;
    values[2] = ws.loss - mc.loss;
    values[3] = ws.accuracy - mc.accuracy;
    values[4] = gap / cells;
    values[5] = st->T > 1 ? sqrt(fmax(0.0, bias2 / cells)) : NAN;
    values[6] = spread / cells;
}

const dlx_diagnostic DIAG_MC_DROPOUT = {"mc_dropout", mc_columns, mc_create, predictive_destroy,
                                        mc_measure, NULL};

/* ---- calibration */

static void calibration_columns(const dlx_config *cfg, dlx_columns *out)
{
    columns_add(out, "ece");
    columns_add(out, "nll");
    if (calibration_T(cfg) > 0) {
        columns_add(out, "mc_ece");
        columns_add(out, "mc_nll");
    }
}

static dlx_status calibration_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    return predictive_create(ctx, calibration_T(ctx->config), diags);
}

/* nll is the loss of the prediction for the classification losses only. */
static void calibration_measure(dlx_diag_context *ctx, double *values)
{
    predictive_state *st = ctx->state;
    int n_values = st->T > 0 ? 4 : 2;
    for (int i = 0; i < n_values; i++)
        values[i] = NAN;
    if (st->test->n < 1 || ctx->config->loss == LOSS_MSE)
        return;
    predict(ctx, st);
    dlx_prediction_scores ws = scores_of(st, st->ws, ctx->config->loss);
    values[0] = ws.ece;
    values[1] = ws.loss;
    if (st->T > 0) {
        dlx_prediction_scores mc = scores_of(st, st->mc, ctx->config->loss);
        values[2] = mc.ece;
        values[3] = mc.loss;
    }
}

const dlx_diagnostic DIAG_CALIBRATION = {"calibration", calibration_columns, calibration_create,
                                         predictive_destroy, calibration_measure, NULL};
