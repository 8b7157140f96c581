/*
 * certificate.c — the `certificate` diagnostic of a factorization and its
 * suboptimality against the nuclear-norm optimum (see optimality.h and
 * solvers/certificate.h for the formulas and their source).
 *
 *   cert_ratio     = ‖P_Ω(Y − UVᵀ)‖₂ / λ      (≤ 1 at a global optimum)
 *   factor_rank    = numerical rank of [U; V]
 *   factor_balance = ‖UᵀU − VᵀV‖_F / ‖UᵀU‖_F
 *   zero_columns   = columns of [U; V]·W below 10⁻⁶·σ₁ (W: right singular vectors)
 *   suboptimality  = f(U, V) − f*, f* = ½‖P_Ω(Y − X*)‖² + λ‖X*‖_*
 *   dist_to_ref    = ‖UVᵀ − X*‖_F / ‖X*‖_F
 *   rank           = r, the number of columns of U and V
 * The buffers are sized once per run, in create.
 */
#include <math.h>
#include "util/real.h"
#include <stdio.h>
#include <stdlib.h>

#include "diagnostics/optimality.h"
#include "solvers/certificate.h"
#include "solvers/nuclear_norm.h"
#include "spec/experiment.h"

double optimality_lambda(const dlx_config *cfg)
{
    return cfg->regularizer.product > 0 ? cfg->regularizer.product : cfg->regularizer.l2;
}

static void certificate_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "cert_ratio");
    columns_add(out, "factor_rank");
    columns_add(out, "factor_balance");
    columns_add(out, "zero_columns");
}

static dlx_status certificate_diag_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    dlx_certificate_work *w = malloc(sizeof *w);
    const dlx_tensor *u = model_find_tensor(ctx->model, "U");
    if (!w || !u) {
        free(w);
        diags_add(diags, NULL, 0, 0, w ? "diagnostic certificate needs model.type factorization"
                                       : "out of memory for diagnostic certificate");
        return w ? DLX_ERR_INPUT : DLX_ERR_RUNTIME;
    }
    const dlx_split *train = &ctx->data->train;
    dlx_status st = certificate_create(w, train->rows, train->cols, u->shape[1], diags);
    if (st != DLX_OK) {
        free(w);
        return st;
    }
    ctx->state = w;
    return DLX_OK;
}

static void certificate_diag_destroy(void *state)
{
    if (state)
        certificate_free(state);
    free(state);
}

static void certificate_diag_measure(dlx_diag_context *ctx, double *values)
{
    dlx_certificate c;
    dlx_diags ignored = {0};
    const real *U = model_find_tensor(ctx->model, "U")->data;
    const real *V = model_find_tensor(ctx->model, "V")->data;
    if (certificate_measure(ctx->state, &ctx->data->train, U, V, optimality_lambda(ctx->config), &c,
                            &ignored) != DLX_OK) {
        values[0] = values[1] = values[2] = values[3] = NAN;
    } else {
        values[0] = c.cert_ratio;
        values[1] = c.factor_rank;
        values[2] = c.factor_balance;
        values[3] = c.zero_columns;
    }
    diags_free(&ignored);
}

/* The certificate needs a factorization and a weight λ > 0. */
static bool certificate_fits(const dlx_config *cfg, char *why, size_t n)
{
    if (cfg->model.type != MODEL_FACTORIZATION) {
        snprintf(why, n, "needs model.type factorization, here %s",
                 model_type_name(cfg->model.type));
        return false;
    }
    if (!(optimality_lambda(cfg) > 0)) {
        snprintf(why, n, "needs a regularizer weight λ > 0 (regularizer.l2 or "
                 "regularizer.product): its ratio divides by λ");
        return false;
    }
    return true;
}

const dlx_diagnostic DIAG_CERTIFICATE = {
    .name = "certificate",
    .columns = certificate_columns,
    .create = certificate_diag_create,
    .destroy = certificate_diag_destroy,
    .measure = certificate_diag_measure,
    .fits = certificate_fits,
};

static void rank_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "rank");
}

static void rank_measure(dlx_diag_context *ctx, double *values)
{
    const dlx_tensor *u = model_find_tensor(ctx->model, "U");
    values[0] = u ? u->shape[1] : NAN;
}

static bool rank_fits(const dlx_config *cfg, char *why, size_t n)
{
    if (cfg->model.type == MODEL_FACTORIZATION)
        return true;
    snprintf(why, n, "needs model.type factorization, here %s",
             model_type_name(cfg->model.type));
    return false;
}

/* Refuses a model without factors (checked before any run by validate.c). */
static dlx_status rank_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[128];
    if (rank_fits(ctx->config, why, sizeof why))
        return DLX_OK;
    diags_add(diags, NULL, 0, 0, "diagnostic rank %s", why);
    return DLX_ERR_INPUT;
}

const dlx_diagnostic DIAG_RANK = {
    .name = "rank",
    .columns = rank_columns,
    .create = rank_create,
    .measure = rank_measure,
    .fits = rank_fits,
};

dlx_status factorization_reference_create(const dlx_diag_context *ctx, void **reference,
                                          dlx_diags *diags)
{
    dlx_nuclear_reference *r = malloc(sizeof *r);
    if (!r) {
        diags_add(diags, NULL, 0, 0, "out of memory for the nuclear-norm reference");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = nuclear_norm_solve(r, &ctx->data->train, optimality_lambda(ctx->config), diags);
    if (st != DLX_OK) {
        free(r);
        return st;
    }
    *reference = r;
    return DLX_OK;
}

void factorization_reference_destroy(void *reference)
{
    if (reference)
        nuclear_norm_free(reference);
    free(reference);
}

void factorization_dist_measure(const dlx_diag_context *ctx, const void *reference, double *values)
{
    const dlx_nuclear_reference *r = reference;
    const dlx_tensor *u = model_find_tensor(ctx->model, "U");
    const real *U = u->data, *V = model_find_tensor(ctx->model, "V")->data;
    int k = u->shape[1];
    double diff = 0.0, norm = 0.0;
    for (int i = 0; i < r->rows; i++)
        for (int j = 0; j < r->cols; j++) {
            double x = 0.0;
            for (int c = 0; c < k; c++)
                x += (double)U[(size_t)i * k + c] * V[(size_t)j * k + c];
            double star = r->x_star[(size_t)i * r->cols + j];
            diff += (x - star) * (x - star);
            norm += star * star;
        }
    values[0] = norm > 0 ? sqrt(diff / norm) : sqrt(diff);
}

void factorization_suboptimality_measure(const dlx_diag_context *ctx, const void *reference,
                                         double *values)
{
    const dlx_nuclear_reference *r = reference;
    const dlx_tensor *u = model_find_tensor(ctx->model, "U");
    const real *V = model_find_tensor(ctx->model, "V")->data;
    values[0] = factored_objective(&ctx->data->train, u->data, V, u->shape[1], r->lambda,
                                   ctx->config->regularizer.product > 0) - r->f_star;
}
