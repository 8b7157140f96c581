/*
 * reference_distance.c — distance of a linear or logistic model from the exact
 * optimum θ* of its training objective f (solvers/reference.c):
 *
 *   suboptimality = f(θ_t) − f*, f the full-batch training objective in
 *                   double (data loss + penalties; input noise as its ridge
 *                   equivalent), f* = f(θ*)
 *   dist_to_ref   = ||θ_t − θ*||₂ / ||θ*||₂ over all parameters (W and b)
 *
 * These are the quantities of the convergence theorems for gradient methods
 * (Nesterov 2004, "Introductory Lectures on Convex Optimization", Thm 2.1.14
 * and 2.1.15; Bottou, Curtis & Nocedal 2018, §4). For a factorization both
 * measure against the nuclear-norm optimum X* instead (diagnostics/certificate.c).
 * θ* is computed once per
 * run, at setup, from the run's training split.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "diagnostics/convex.h"
#include "diagnostics/optimality.h"
#include "solvers/reference.h"
#include "spec/experiment.h"

/* A linear or logistic model's θ*, or a factorization's X* (its own state,
   diagnostics/certificate.c). */
typedef struct {
    dlx_reference ref;
    void *matrix;
} reference_state;

/* Both need an optimum θ*: a reference other than none (reference_fits,
   checked when the experiment is converted and validated, says whether
   that reference fits the model). */
static bool reference_fits_diag(const dlx_config *cfg, char *why, size_t n)
{
    if (reference_solves(cfg->reference))
        return true;
    snprintf(why, n, "needs a reference solution, and model %s has none here (set reference: to min_norm, ridge "
             "or lasso for model linear with loss mse, logistic or dropout_quadratic for model logistic, "
             "nuclear_norm for model factorization)",
             model_type_name(cfg->model.type));
    return false;
}

/* θ* of the run's training split, once. */
static dlx_status reference_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    reference_state *s = calloc(1, sizeof *s);
    if (!s) {
        diags_add(diags, NULL, 0, 0, "out of memory for the reference solution");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st;
    if (ctx->config->model.type == MODEL_FACTORIZATION)
        st = factorization_reference_create(ctx, &s->matrix, diags);
    else
        st = reference_compute(&s->ref, ctx->config, ctx->data, diags);
    if (st != DLX_OK) {
        free(s);
        return st;
    }
    ctx->state = s;
    return DLX_OK;
}

static void reference_destroy(void *state)
{
    reference_state *s = state;
    if (!s)
        return;
    if (s->matrix)
        factorization_reference_destroy(s->matrix);
    else
        reference_free(&s->ref);
    free(s);
}

static void suboptimality_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "suboptimality");
}

static void dist_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "dist_to_ref");
}

static void measure_suboptimality(dlx_diag_context *ctx, double *values)
{
    reference_state *s = ctx->state;
    if (s->matrix) {
        factorization_suboptimality_measure(ctx, s->matrix, values);
        return;
    }
    const dlx_tensor *w = model_find_tensor(ctx->model, "out.weight");
    const dlx_tensor *b = model_find_tensor(ctx->model, "out.bias");
    values[0] = reference_objective(&s->ref, &ctx->data->train, w->data, b->data) - s->ref.f_star;
}

static void measure_dist(dlx_diag_context *ctx, double *values)
{
    reference_state *s = ctx->state;
    if (s->matrix) {
        factorization_dist_measure(ctx, s->matrix, values);
        return;
    }
    const dlx_tensor *w = model_find_tensor(ctx->model, "out.weight");
    const dlx_tensor *b = model_find_tensor(ctx->model, "out.bias");
    size_t kd = tensor_numel(w), k = tensor_numel(b);
    double diff = 0.0, norm = 0.0;
    for (size_t i = 0; i < kd + k; i++) {
        double t = i < kd ? (double)w->data[i] : (double)b->data[i - kd];
        double r = s->ref.theta[i];
        diff += (t - r) * (t - r);
        norm += r * r;
    }
    values[0] = norm > 0 ? sqrt(diff / norm) : sqrt(diff);
}

const dlx_diagnostic DIAG_SUBOPTIMALITY = {"suboptimality", suboptimality_columns, reference_create,
                                           reference_destroy, measure_suboptimality, reference_fits_diag};
const dlx_diagnostic DIAG_DIST_TO_REF = {"dist_to_ref", dist_columns, reference_create, reference_destroy,
                                         measure_dist, reference_fits_diag};
