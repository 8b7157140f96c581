/*
 * error_decomposition.c — Bottou & Bousquet's split of the excess error of
 * a learned linear model into approximation, estimation and optimization
 * (Bottou & Bousquet 2008, "The tradeoffs of large scale learning", NIPS,
 * eq. (2)-(3)):
 *
 *   E = F(Φ̃_{F,n}) − F(Φ*)
 *     = [F(Φ*_F) − F(Φ*)]          err_approx: the best model of the class F
 *     + [F(Φ_{F,n}) − F(Φ*_F)]     err_est:    the empirical minimizer on n examples
 *     + [F(Φ̃_{F,n}) − F(Φ_{F,n})]  err_opt:    the model the optimizer has reached
 *
 * F is the expected risk under the data's own distribution, computed in
 * closed form, not estimated on a test sample. The data are synthetic
 * `linear` with condition 1, x ~ N(0, I_D), y = x·w* + σ·ε, and the loss is
 * mse, so for a linear model (w, b) on the first k inputs (data.features),
 * with w̄ = (w, 0) ∈ R^D,
 *
 *   F(w, b) = E(y − w·x_{1..k} − b)² = σ² + ‖w̄ − w*‖² + b².
 *
 * The Bayes risk is F(Φ*) = σ² (w*, all D inputs); the best of the class of
 * k features is the truncation w*_{1..k} with b = 0 (isotropic inputs), so
 * err_approx = Σ_{j>k} w*_j²; Φ_{F,n} is the exact minimizer θ* of the run's
 * training objective (its `reference`: least squares, or ridge with an l2
 * term, solved in double by solvers/reference.c); Φ̃_{F,n} is the model at
 * this evaluation. err_opt is negative when the iterate generalizes better
 * than the empirical minimizer (early stopping when n is close to k).
 * err_excess is the sum, F(θ_t) − σ².
 */
#include <math.h>
#include "util/real.h"
#include <stdio.h>
#include <stdlib.h>

#include "diagnostics/convex.h"
#include "solvers/reference.h"
#include "spec/experiment.h"
#include "spec/schema.h"

/* Σ_{j<k} (w_j − w*_j)² + b²: the excess risk of (w, b) over the best of
   the class, F(w, b) − F(Φ*_F), for the truth w* (double or float w). */
static double class_excess_float(const real *w, double b, const real *truth, int k)
{
    double s = b * b;
    for (int j = 0; j < k; j++) {
        double d = (double)w[j] - truth[j];
        s += d * d;
    }
    return s;
}

static double class_excess_double(const double *w, double b, const real *truth, int k)
{
    double s = b * b;
    for (int j = 0; j < k; j++) {
        double d = w[j] - truth[j];
        s += d * d;
    }
    return s;
}

/* The population risk has this closed form only for isotropic Gaussian
   inputs of synthetic linear data, as generated (no preprocessing), a
   linear model with loss mse, and an exact minimizer of the training
   objective to measure the estimation error at. */
static bool error_decomposition_fits(const dlx_config *cfg, char *why, size_t n)
{
    const dlx_data_config *d = &cfg->data;
    if (d->source != DATA_SYNTHETIC || d->kind != SYN_LINEAR) {
        snprintf(why, n, "needs data.kind linear (its population risk is known in closed form), here %s",
                 d->source == DATA_SYNTHETIC ? spec_enum_name(&SPEC_SYNTHETIC_KINDS, (int)d->kind) : data_source_name(d->source));
        return false;
    }
    if (d->condition != 1.0) {
        snprintf(why, n, "needs data.condition 1 (isotropic inputs), here %g", d->condition);
        return false;
    }
    if (d->preprocess != PRE_NONE) {
        snprintf(why, n, "needs data.preprocess none (the risk is in the generator's coordinates), here %s",
                 preprocess_name(d->preprocess));
        return false;
    }
    if (cfg->model.type != MODEL_LINEAR || cfg->loss != LOSS_MSE) {
        snprintf(why, n, "needs model linear with loss mse, here model %s with loss %s",
                 model_type_name(cfg->model.type), loss_name(cfg->loss));
        return false;
    }
    if (!reference_solves(cfg->reference)) {
        snprintf(why, n, "needs a reference solution for its estimation error (set reference: min_norm or ridge)");
        return false;
    }
    return true;
}

/* θ* of the run's training split, once per run. */
static dlx_status error_decomposition_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[256];
    if (!error_decomposition_fits(ctx->config, why, sizeof why) || !ctx->data->true_weights) {
        diags_add(diags, NULL, 0, 0, "diagnostic error_decomposition %s",
                  ctx->data->true_weights ? why : "needs the data's true weights");
        return DLX_ERR_INPUT;
    }
    dlx_reference *ref = calloc(1, sizeof *ref);
    if (!ref) {
        diags_add(diags, NULL, 0, 0, "out of memory for the reference solution");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = reference_compute(ref, ctx->config, ctx->data, diags);
    if (st != DLX_OK) {
        free(ref);
        return st;
    }
    ctx->state = ref;
    return DLX_OK;
}

static void error_decomposition_destroy(void *state)
{
    if (!state)
        return;
    reference_free(state);
    free(state);
}

static void error_decomposition_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "err_approx");
    columns_add(out, "err_est");
    columns_add(out, "err_opt");
    columns_add(out, "err_excess");
}

/* The four terms at this evaluation (see the top of the file). */
static void measure_error_decomposition(dlx_diag_context *ctx, double *values)
{
    const dlx_reference *ref = ctx->state;
    const real *truth = ctx->data->true_weights;
    int k = ctx->data->train.dim, dim = ctx->config->data.dim;
    double approx = 0.0;
    for (int j = k; j < dim; j++)
        approx += (double)truth[j] * truth[j];
    const dlx_tensor *w = model_find_tensor(ctx->model, "out.weight");
    const dlx_tensor *b = model_find_tensor(ctx->model, "out.bias");
    double est = class_excess_double(ref->theta, ref->theta[k], truth, k);
    double now = class_excess_float(w->data, b ? (double)b->data[0] : 0.0, truth, k);
    values[0] = approx;
    values[1] = est;
    values[2] = now - est;
    values[3] = approx + now;
}

const dlx_diagnostic DIAG_ERROR_DECOMPOSITION = {
    .name = "error_decomposition",
    .columns = error_decomposition_columns,
    .create = error_decomposition_create,
    .destroy = error_decomposition_destroy,
    .measure = measure_error_decomposition,
    .fits = error_decomposition_fits,
};
