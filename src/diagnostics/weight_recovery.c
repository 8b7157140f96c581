/*
 * weight_recovery.c — the first layer of a one-hidden-layer network against
 * the teacher's (weight_recovery.h).
 *
 *   weight_recovery = min_j max_i |cos(a_j, w_i)|,
 *
 * a_j the rows of the teacher's A₁ (dlx_dataset.teacher_first_layer), w_i
 * the rows of the model's fc1.weight. A value near 1 says every teacher unit
 * has a model unit pointing along it (up to sign, which a network can absorb
 * into its other weights for odd-symmetric activations, and which the tensor
 * method cannot see: Janzamin, Sedghi & Anandkumar 2015, §3). It is the
 * measure of recovery of their Theorem 3 for unit-norm rows. It fits any
 * training method, so NN-LIFT and gradient descent from a random start can be
 * compared on the same data. Nothing is allocated: a pass over k·m pairs of
 * rows at every evaluation point.
 */
#include "diagnostics/weight_recovery.h"
#include "util/real.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spec/experiment.h"

double weight_recovery_min_cos(const real *teacher, int k, const real *rows, int m, int dim)
{
    double worst = INFINITY;
    for (int j = 0; j < k; j++) {
        const real *a = teacher + (size_t)j * dim;
        double best = NAN;
        for (int i = 0; i < m; i++) {
            const real *w = rows + (size_t)i * dim;
            double dot = 0, na = 0, nw = 0;
            for (int c = 0; c < dim; c++) {
                dot += (double)a[c] * w[c];
                na += (double)a[c] * a[c];
                nw += (double)w[c] * w[c];
            }
            if (na > 0 && nw > 0) {
                double cosine = fabs(dot) / sqrt(na * nw);
                if (isnan(best) || cosine > best)
                    best = cosine;
            }
        }
        if (isnan(best))
            return NAN;
        if (best < worst)
            worst = best;
    }
    return k > 0 ? worst : NAN;
}

/* An mlp with one hidden layer on teacher_regression data. */
static bool recovery_fits(const dlx_config *cfg, char *why, size_t n)
{
    bool teacher = cfg->data.source == DATA_SYNTHETIC && cfg->data.kind == SYN_TEACHER_REGRESSION;
    if (cfg->model.type == MODEL_MLP && cfg->model.n_hidden == 1 && teacher)
        return true;
    if (!teacher)
        snprintf(why, n, "needs a known teacher: data.kind teacher_regression");
    else
        snprintf(why, n, "needs model.type mlp with one hidden layer, here %s with %d hidden layers",
                 model_type_name(cfg->model.type), cfg->model.n_hidden);
    return false;
}

static void recovery_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "weight_recovery");
}

/* Refuse what does not fit (checked before any run by validate.c). */
static dlx_status recovery_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[200];
    if (!recovery_fits(ctx->config, why, sizeof why)) {
        diags_add(diags, NULL, 0, 0, "diagnostic weight_recovery %s", why);
        return DLX_ERR_INPUT;
    }
    if (!ctx->data->teacher_first_layer) {
        diags_add(diags, NULL, 0, 0, "diagnostic weight_recovery: the data keep no teacher first layer");
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

/* min_j max_i |cos(a_j, w_i)| with w_i the rows of fc1.weight. */
static void recovery_measure(dlx_diag_context *ctx, double *values)
{
    values[0] = NAN;
    const dlx_dataset *ds = ctx->data;
    for (int i = 0; i < model_n_tensors(ctx->model); i++) {
        const dlx_tensor *t = model_tensor(ctx->model, i);
        if (strcmp(t->name, "fc1.weight") == 0 && t->ndim == 2 && t->shape[1] == ds->train.dim)
            values[0] = weight_recovery_min_cos(ds->teacher_first_layer, ds->teacher_units, t->data,
                                                t->shape[0], t->shape[1]);
    }
}

const dlx_diagnostic DIAG_WEIGHT_RECOVERY = {
    .name = "weight_recovery",
    .columns = recovery_columns,
    .create = recovery_create,
    .measure = recovery_measure,
    .fits = recovery_fits,
};
