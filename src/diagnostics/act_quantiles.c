/*
 * act_quantiles.c — how the input distribution of each hidden layer's
 * nonlinearity moves during training (Ioffe & Szegedy 2015, fig. 1(b,c):
 * "internal covariate shift").
 *
 * At every evaluation point the network runs in inference mode (batch norm
 * with its running statistics, no dropout noise) on a fixed probe batch, the
 * first P = min(1000, n_test) test examples, and for each hidden layer fcL
 * the values u_{ij} that enter its nonlinearity (unit j, probe example i;
 * after batch norm's γ, β when the layer has it) are pooled over all
 * P·width entries:
 *
 *   act_q15.fcL, act_q50.fcL, act_q85.fcL   the 15th, 50th, 85th percentiles
 *                                           of {u_ij} (type-7 interpolation)
 *   act_mean.fcL = (1/N) Σ u_ij,   act_std.fcL = √((1/N) Σ (u_ij − mean)²),
 *   N = P·width.
 *
 * The paper plots the percentiles of one typical sigmoid; pooling over the
 * units of a layer gives a figure that does not depend on picking a unit and
 * is equal to it when the units are exchangeable. Why the probe is fixed:
 * the change between two points is then the network's, not the sample's.
 * All buffers are allocated once in create; measuring sorts them in place.
 */
#include "diagnostics/act_quantiles.h"
#include "util/real.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { PROBE_MAX = 1000 };

static const char *const STAT_NAMES[] = {"act_q15", "act_q50", "act_q85", "act_mean", "act_std"};
static const double QUANTILES[] = {0.15, 0.50, 0.85};
#define N_STATS (int)(sizeof STAT_NAMES / sizeof *STAT_NAMES)

typedef struct {
    int n_probe;
    const real *probe;           /* [n_probe, n_inputs], the test split's first rows */
    real *pre[DLX_MAX_HIDDEN];   /* [n_probe, width_l] */
} act_state;

/* act_<stat>.fcL for every hidden layer, grouped by layer. */
static void act_columns(const dlx_config *cfg, dlx_columns *out)
{
    int hidden = cfg->model.type == MODEL_MLP ? cfg->model.n_hidden : 0;
    for (int l = 0; l < hidden; l++)
        for (int s = 0; s < N_STATS; s++) {
            char name[DLX_COLUMN_MAX];
            snprintf(name, sizeof name, "%s.fc%d", STAT_NAMES[s], l + 1);
            columns_add(out, name);
        }
}

static void act_destroy(void *state)
{
    act_state *st = state;
    if (!st)
        return;
    for (int l = 0; l < DLX_MAX_HIDDEN; l++)
        free(st->pre[l]);
    free(st);
}

/* The probe (test split, else training split) and one buffer per hidden layer. */
static dlx_status act_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    act_state *st = calloc(1, sizeof *st);
    if (!st)
        goto oom;
    const dlx_split *split = ctx->data->test.n > 0 ? &ctx->data->test : &ctx->data->train;
    st->n_probe = split->n < PROBE_MAX ? split->n : PROBE_MAX;
    st->probe = split->x;
    for (int l = 0; l < model_n_probes(ctx->model); l++) {
        size_t n = (size_t)st->n_probe * (size_t)model_probe_width(ctx->model, l);
        st->pre[l] = malloc((n ? n : 1) * sizeof(real));
        if (!st->pre[l])
            goto oom;
    }
    ctx->state = st;
    return DLX_OK;
oom:
    act_destroy(st);
    diags_add(diags, NULL, 0, 0, "out of memory for the act_quantiles probe buffers");
    return DLX_ERR_RUNTIME;
}

static int compare_floats(const void *a, const void *b)
{
    real x = *(const real *)a, y = *(const real *)b;
    return (x > y) - (x < y);
}

double act_quantile_sorted(const real *sorted, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * ((double)sorted[lo + 1] - sorted[lo]);
}

/* Mean, std and the three quantiles of n values (sorted in place). Any
   non-finite value (a diverged network) makes every statistic NAN. */
static void layer_stats(real *u, size_t n, double *values)
{
    double sum = 0.0, sq = 0.0;
    if (n == 0) {
        for (int s = 0; s < N_STATS; s++)
            values[s] = NAN;
        return;
    }
    for (size_t i = 0; i < n; i++)
        sum += u[i];
    double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        sq += ((double)u[i] - mean) * ((double)u[i] - mean);
    if (!isfinite(sum) || !isfinite(sq)) {
        for (int s = 0; s < N_STATS; s++)
            values[s] = NAN;
        return;
    }
    qsort(u, n, sizeof *u, compare_floats);
    for (int s = 0; s < 3; s++)
        values[s] = act_quantile_sorted(u, n, QUANTILES[s]);
    values[3] = mean;
    values[4] = sqrt(sq / (double)n);
}

static void act_measure(dlx_diag_context *ctx, double *values)
{
    act_state *st = ctx->state;
    model_probe(ctx->model, st->probe, st->n_probe, st->pre);
    for (int l = 0; l < model_n_probes(ctx->model); l++)
        layer_stats(st->pre[l], (size_t)st->n_probe * model_probe_width(ctx->model, l),
                    values + (size_t)l * N_STATS);
}

const dlx_diagnostic DIAG_ACT_QUANTILES = {"act_quantiles", act_columns, act_create, act_destroy,
                                           act_measure, NULL};
