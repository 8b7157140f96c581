/*
 * tensor_fit.c — fit_rel_error and matricization_rank (tensor_fit.h).
 *
 * fit_rel_error sums the model's squared errors over the training split in
 * batches (models' evaluate), against Σ Y² of its targets. matricization_rank
 * takes the model's full tensor in double from its float parameters
 * (models/tensor_model.h): the float32 predictions would carry rounding noise
 * of 10⁻⁷ relative, far above the tolerance 10⁻⁹·σ₁, while the double
 * evaluation of a rank-Z CP or rank-r HT model is exact to about 10⁻¹⁵, so
 * the count is the rank of the function the parameters define. Its buffer of
 * Π M_n doubles is allocated once, in create; the SVD's workspace per call.
 */
#include "diagnostics/tensor_fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/tensor_model.h"
#include "spec/experiment.h"
#include "util/matricization.h"

#define MATRICIZATION_TOL 1e-9

/* Both need a cp or ht model; why gets the reason after the name. */
static bool tensor_fits(const dlx_config *cfg, char *why, size_t n)
{
    if (cfg->model.type == MODEL_CP || cfg->model.type == MODEL_HT)
        return true;
    snprintf(why, n, "needs model.type cp or ht, here %s", model_type_name(cfg->model.type));
    return false;
}

static bool fit_fits(const dlx_config *cfg, char *why, size_t n)
{
    return tensor_fits(cfg, why, n);
}

static bool rank_fits(const dlx_config *cfg, char *why, size_t n)
{
    return tensor_fits(cfg, why, n);
}

static void fit_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "fit_rel_error");
}

static dlx_status fit_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[160];
    if (fit_fits(ctx->config, why, sizeof why))
        return DLX_OK;
    diags_add(diags, NULL, 0, 0, "diagnostic fit_rel_error %s", why);
    return DLX_ERR_INPUT;
}

/* ‖Y − Ŷ‖_F / ‖Y‖_F over the training split (NaN for a zero tensor). */
static void fit_measure(dlx_diag_context *ctx, double *values)
{
    const dlx_split *s = &ctx->data->train;
    int chunk = model_max_batch(ctx->model);
    if (chunk < 1)
        chunk = 1;
    double err = 0.0, norm = 0.0;
    for (int start = 0; start < s->n; start += chunk) {
        int size = s->n - start < chunk ? s->n - start : chunk;
        dlx_batch b = model_batch_of_split(s, start, size);
        err += model_evaluate(ctx->model, &b, NULL);
    }
    for (int i = 0; i < s->n; i++)
        norm += (double)s->targets[i] * s->targets[i];
    values[0] = norm > 0 ? sqrt(err / norm) : NAN;
}

const dlx_diagnostic DIAG_FIT_REL_ERROR = {
    .name = "fit_rel_error",
    .columns = fit_columns,
    .create = fit_create,
    .measure = fit_measure,
    .fits = fit_fits,
};

static void rank_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "matricization_rank");
}

/* The buffer of Π M_n doubles for Ŷ. */
static dlx_status rank_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[160];
    long entries = tensor_model_entries(ctx->model);
    if (!rank_fits(ctx->config, why, sizeof why) || entries < 1) {
        diags_add(diags, NULL, 0, 0, "diagnostic matricization_rank %s",
                  entries < 1 ? "needs model.type cp or ht" : why);
        return DLX_ERR_INPUT;
    }
    ctx->state = malloc((size_t)entries * sizeof(double));
    if (!ctx->state) {
        diags_add(diags, NULL, 0, 0, "out of memory for diagnostic matricization_rank");
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}

static void rank_destroy(void *state) { free(state); }

/* rank [Ŷ] at tolerance 10⁻⁹·σ₁ (NaN when the SVD fails). */
static void rank_measure(dlx_diag_context *ctx, double *values)
{
    int order = 0, shape[DLX_MAX_TENSOR_ORDER];
    double *full = ctx->state;
    int rank = 0;
    dlx_diags ignored = {0};
    values[0] = NAN;
    if (tensor_model_full(ctx->model, full, &order, shape) &&
        matricization_rank(full, order, shape, MATRICIZATION_TOL, &rank, &ignored) == DLX_OK)
        values[0] = rank;
    diags_free(&ignored);
}

const dlx_diagnostic DIAG_MATRICIZATION_RANK = {
    .name = "matricization_rank",
    .columns = rank_columns,
    .create = rank_create,
    .destroy = rank_destroy,
    .measure = rank_measure,
    .fits = rank_fits,
};
