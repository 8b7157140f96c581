/*
 * unit_quantiles.c — how the input distribution of ONE unit's nonlinearity
 * moves during training (Ioffe & Szegedy 2015, fig. 1(b,c): the 15th, 50th
 * and 85th percentiles of "a typical sigmoid"'s input), and how much every
 * unit of a layer drifts on average.
 *
 * act_quantiles pools the P·width values of a layer, which hides each unit's
 * own drift (units drifting in opposite directions cancel in the pool). This
 * diagnostic keeps the units apart. At every evaluation point the network
 * runs in inference mode (batch norm with its running statistics and its γ,
 * β; no dropout noise) on the same fixed probe batch as act_quantiles, the
 * first P = min(1000, n_test) test examples, and for each hidden layer fcL
 * and unit j the P values u_ij entering its nonlinearity give
 * q15_j, q50_j, q85_j (type-7 quantiles, act_quantile_sorted). Columns:
 *
 *   unit_q15.fcL.uJ, unit_q50.fcL.uJ, unit_q85.fcL.uJ
 *       for the first K units J = 0 … K−1 of each layer ({unit_quantiles: K},
 *       default 3), and
 *   unit_drift.fcL = (1/|U|) Σ_{j∈U} max_{p∈{15,50,85}} |q_p,j(t) − q_p,j(r)| / s_j,
 *       s_j = q85_j(r) − q15_j(r),  U = the layer's units with s_j > 0,
 *
 * over ALL units of the layer: each unit's largest percentile move since
 * the reference evaluation r, in units of its own spread at r. r is the
 * first evaluation after step 0 (unit_drift is empty before it and 0 at
 * it): at step 0 a batch-normalized network in inference mode still holds
 * its initial running statistics (mean 0, variance 1), so its input there
 * is the raw pre-activation, not the normalized one it has once training
 * starts; the same reference is used without batch norm, so the two arms
 * compare alike.
 *
 * --resume: the reference (every unit's three percentiles at r, rounded to
 * float, and whether r has been seen) is this diagnostic's saved state
 * (diagnostic_saved_state), written in every checkpoint as the tensor
 * diagnostic.unit_quantiles.reference and restored from it, so a resumed
 * run writes the rows of an uninterrupted one. The uninterrupted run
 * compares with the same float-rounded reference.
 *
 * All buffers are allocated once in create; measuring sorts a copy of each
 * unit's column in place.
 */
#include "diagnostics/act_quantiles.h"
#include "util/real.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PROBE_MAX = 1000, UNITS_DEFAULT = 3 };

static const char *const Q_NAMES[] = {"unit_q15", "unit_q50", "unit_q85"};
static const double QUANTILES[] = {0.15, 0.50, 0.85};

typedef struct {
    int n_probe, n_layers, shown;
    int width[DLX_MAX_HIDDEN];
    const real *probe;            /* [n_probe, n_inputs], the test split's first rows */
    real *pre[DLX_MAX_HIDDEN];    /* [n_probe, width_l] */
    real *column;                 /* [n_probe]: one unit's values, sorted */
    double *q;                     /* [Σ width, 3]: this evaluation's percentiles */
    real *reference;              /* [1 + Σ width·3]: seen flag, then the percentiles at r */
    dlx_tensor saved;              /* view of reference */
} unit_state;

/* K, the units shown per layer: the parameter, else UNITS_DEFAULT, at most
   the layer's width. */
static int shown_units(const dlx_config *cfg, int width)
{
    int k = UNITS_DEFAULT;
    for (int i = 0; i < cfg->n_diagnostics; i++)
        if (!strcmp(cfg->diagnostics[i], "unit_quantiles"))
            k = isnan(cfg->diagnostic_param[i]) ? UNITS_DEFAULT : (int)cfg->diagnostic_param[i];
    return k < width ? k : width;
}

/* Per hidden layer: unit_q15/q50/q85.fcL.uJ for the shown units, then unit_drift.fcL. */
static void unit_columns(const dlx_config *cfg, dlx_columns *out)
{
    int hidden = cfg->model.type == MODEL_MLP ? cfg->model.n_hidden : 0;
    char name[DLX_COLUMN_MAX];
    for (int l = 0; l < hidden; l++) {
        int k = shown_units(cfg, cfg->model.hidden[l]);
        for (int j = 0; j < k; j++)
            for (int s = 0; s < 3; s++) {
                snprintf(name, sizeof name, "%s.fc%d.u%d", Q_NAMES[s], l + 1, j);
                columns_add(out, name);
            }
        snprintf(name, sizeof name, "unit_drift.fc%d", l + 1);
        columns_add(out, name);
    }
}

static void unit_destroy(void *state)
{
    unit_state *st = state;
    if (!st)
        return;
    for (int l = 0; l < DLX_MAX_HIDDEN; l++)
        free(st->pre[l]);
    free(st->column), free(st->q), free(st->reference);
    free(st);
}

/* Only an mlp with hidden layers has units to follow. */
static bool unit_fits(const dlx_config *cfg, char *why, size_t n)
{
    if (cfg->model.type == MODEL_MLP && cfg->model.n_hidden > 0)
        return true;
    snprintf(why, n, "needs an mlp with hidden layers (it follows the units of model.hidden)");
    return false;
}

static dlx_status unit_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[256];
    if (!unit_fits(ctx->config, why, sizeof why) || model_n_probes(ctx->model) < 1) {
        /* checked before any run (validate.c) */
        diags_add(diags, NULL, 0, 0, "diagnostic unit_quantiles %s", why);
        return DLX_ERR_INPUT;
    }
    unit_state *st = calloc(1, sizeof *st);
    if (!st)
        goto oom;
    const dlx_split *split = ctx->data->test.n > 0 ? &ctx->data->test : &ctx->data->train;
    st->n_probe = split->n < PROBE_MAX ? split->n : PROBE_MAX;
    st->probe = split->x;
    st->n_layers = model_n_probes(ctx->model);
    size_t units = 0;
    for (int l = 0; l < st->n_layers; l++) {
        st->width[l] = model_probe_width(ctx->model, l);
        units += (size_t)st->width[l];
        size_t n = (size_t)st->n_probe * (size_t)st->width[l];
        if (!(st->pre[l] = malloc((n ? n : 1) * sizeof(real))))
            goto oom;
    }
    st->column = malloc(((size_t)st->n_probe + 1) * sizeof *st->column);
    st->q = malloc((3 * units + 1) * sizeof *st->q);
    st->reference = calloc(1 + 3 * units, sizeof *st->reference);
    if (!st->column || !st->q || !st->reference)
        goto oom;
    st->saved = (dlx_tensor){.name = "diagnostic.unit_quantiles.reference", .ndim = 1,
                             .shape = {(int)(1 + 3 * units), 0}, .data = st->reference};
    ctx->state = st;
    return DLX_OK;
oom:
    unit_destroy(st);
    diags_add(diags, NULL, 0, 0, "out of memory for the unit_quantiles probe buffers");
    return DLX_ERR_RUNTIME;
}

static int compare_floats(const void *a, const void *b)
{
    real x = *(const real *)a, y = *(const real *)b;
    return (x > y) - (x < y);
}

/* q15, q50, q85 of unit j of a [n, width] layer into q[0..3); NAN when a
   value is not finite (a diverged network). */
static void unit_percentiles(const real *pre, int n, int width, int j, real *column, double *q)
{
    bool finite = n > 0;
    for (int i = 0; i < n; i++) {
        column[i] = pre[(size_t)i * width + j];
        finite &= isfinite(column[i]);
    }
    if (!finite) {
        q[0] = q[1] = q[2] = NAN;
        return;
    }
    qsort(column, (size_t)n, sizeof *column, compare_floats);
    for (int s = 0; s < 3; s++)
        q[s] = act_quantile_sorted(column, (size_t)n, QUANTILES[s]);
}

/* unit_drift of one layer: the mean over its units with a positive spread at
   r of max_p |q_p(t) − q_p(r)| / (q85(r) − q15(r)); NAN when none. */
static double layer_drift(const double *q, const real *ref, int width)
{
    double sum = 0.0;
    int counted = 0;
    for (int j = 0; j < width; j++) {
        const double *now = q + 3 * (size_t)j;
        const real *r = ref + 3 * (size_t)j;
        double spread = (double)r[2] - (double)r[0];
        if (!(spread > 0))
            continue;
        double move = 0.0;
        for (int s = 0; s < 3; s++) {
            double d = fabs((double)(real)now[s] - (double)r[s]);
            move = isnan(d) || d > move ? d : move;
        }
        sum += move / spread;
        counted++;
    }
    return counted > 0 ? sum / counted : NAN;
}

static void unit_measure(dlx_diag_context *ctx, double *values)
{
    unit_state *st = ctx->state;
    model_probe(ctx->model, st->probe, st->n_probe, st->pre);
    size_t offset = 0;
    for (int l = 0; l < st->n_layers; l++) {
        for (int j = 0; j < st->width[l]; j++)
            unit_percentiles(st->pre[l], st->n_probe, st->width[l], j, st->column,
                             st->q + 3 * (offset + (size_t)j));
        offset += (size_t)st->width[l];
    }
    bool seen = st->reference[0] != REAL_C(0.0);
    if (!seen && ctx->step > 0) {   /* r: the first evaluation after step 0 */
        for (size_t i = 0; i < 3 * offset; i++)
            st->reference[1 + i] = (real)st->q[i];
        st->reference[0] = REAL_C(1.0);
        seen = true;
    }
    size_t v = 0;
    offset = 0;
    for (int l = 0; l < st->n_layers; l++) {
        int k = shown_units(ctx->config, st->width[l]);
        for (int j = 0; j < k; j++)
            for (int s = 0; s < 3; s++)
                values[v++] = st->q[3 * (offset + (size_t)j) + (size_t)s];
        values[v++] = seen ? layer_drift(st->q + 3 * offset, st->reference + 1 + 3 * offset, st->width[l])
                           : NAN;
        offset += (size_t)st->width[l];
    }
}

dlx_tensor *unit_quantiles_saved_state(void *state, int *count)
{
    unit_state *st = state;
    *count = st ? 1 : 0;
    return st ? &st->saved : NULL;
}

const dlx_diagnostic DIAG_UNIT_QUANTILES = {
    .name = "unit_quantiles",
    .columns = unit_columns,
    .create = unit_create,
    .destroy = unit_destroy,
    .measure = unit_measure,
    .fits = unit_fits,
};
