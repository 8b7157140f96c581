/*
 * importance.c — `importance`: the effective sample size of the training
 * split's loss weights, as a fraction of n,
 *
 *   iw_ess = (Σ_i w_i)² / (n · Σ_i w_i²)   ∈ (0, 1]
 *
 * (Kish 1965, "Survey Sampling"; the usual diagnostic of importance
 * weighting, e.g. Sugiyama & Kawanabe 2012, "Machine Learning in
 * Non-Stationary Environments"). It is 1 for uniform weights and
 * falls towards 1/n as one example takes all the weight: how many examples
 * the weighted fit effectively rests on. The weights do not change during a
 * run, so every row shows the same value.
 */
#include "diagnostics/importance.h"
#include "util/real.h"

double importance_ess_fraction(const real *w, int n)
{
    if (!w || n < 1)
        return 1.0;
    double sum = 0.0, sq = 0.0;
    for (int i = 0; i < n; i++) {
        sum += w[i];
        sq += (double)w[i] * w[i];
    }
    return sq > 0 ? sum * sum / (n * sq) : 0.0;
}

static void importance_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "iw_ess");
}

static void measure_importance(dlx_diag_context *ctx, double *values)
{
    const dlx_split *s = &ctx->data->train;
    values[0] = importance_ess_fraction(s->weights, s->n);
}

const dlx_diagnostic DIAG_IMPORTANCE = {
    .name = "importance",
    .columns = importance_columns,
    .measure = measure_importance,
};
