/*
 * registry.c — the table of diagnostics and column bookkeeping.
 *
 * The table is indexed by dlx_diagnostic_kind (src/spec/config.h), whose
 * names SPEC_DIAGNOSTICS lists in the same order; its length is checked at
 * compile time and its names by tests/train/test_diagnostics.c.
 */
#include "diagnostics/diagnostic.h"

#include <stdio.h>
#include <string.h>

#include "diagnostics/convex.h"
#include "diagnostics/norms.h"
#include "diagnostics/act_quantiles.h"
#include "diagnostics/dropconnect_moments.h"
#include "diagnostics/importance.h"
#include "diagnostics/input_covariance.h"
#include "diagnostics/mean_network.h"
#include "diagnostics/optimality.h"
#include "diagnostics/predictive.h"
#include "diagnostics/stability.h"
#include "diagnostics/tensor_fit.h"
#include "diagnostics/weight_recovery.h"
#include "diagnostics/variance_shift.h"

static const dlx_diagnostic *const TABLE[] = {
    [DIAGNOSTIC_WEIGHT_NORM] = &DIAG_WEIGHT_NORM,
    [DIAGNOSTIC_GRAD_NORM] = &DIAG_GRAD_NORM,
    [DIAGNOSTIC_SUBOPTIMALITY] = &DIAG_SUBOPTIMALITY,
    [DIAGNOSTIC_DIST_TO_REF] = &DIAG_DIST_TO_REF,
    [DIAGNOSTIC_CONDITION_NUMBER] = &DIAG_CONDITION_NUMBER,
    [DIAGNOSTIC_SPARSITY] = &DIAG_SPARSITY,
    [DIAGNOSTIC_ACT_QUANTILES] = &DIAG_ACT_QUANTILES,
    [DIAGNOSTIC_MC_DROPOUT] = &DIAG_MC_DROPOUT,
    [DIAGNOSTIC_CALIBRATION] = &DIAG_CALIBRATION,
    [DIAGNOSTIC_DROPOUT_PENALTY] = &DIAG_DROPOUT_PENALTY,
    [DIAGNOSTIC_CERTIFICATE] = &DIAG_CERTIFICATE,
    [DIAGNOSTIC_POLAR] = &DIAG_POLAR,
    [DIAGNOSTIC_RANK] = &DIAG_RANK,
    [DIAGNOSTIC_IMPORTANCE] = &DIAG_IMPORTANCE,
    [DIAGNOSTIC_STABILITY] = &DIAG_STABILITY,
    [DIAGNOSTIC_MEAN_NETWORK] = &DIAG_MEAN_NETWORK,
    [DIAGNOSTIC_FIT_REL_ERROR] = &DIAG_FIT_REL_ERROR,
    [DIAGNOSTIC_MATRICIZATION_RANK] = &DIAG_MATRICIZATION_RANK,
    [DIAGNOSTIC_ERROR_DECOMPOSITION] = &DIAG_ERROR_DECOMPOSITION,
    [DIAGNOSTIC_UNIT_QUANTILES] = &DIAG_UNIT_QUANTILES,
    [DIAGNOSTIC_INPUT_COVARIANCE_CONDITION] = &DIAG_INPUT_COVARIANCE_CONDITION,
    [DIAGNOSTIC_DROPCONNECT_MOMENTS] = &DIAG_DROPCONNECT_MOMENTS,
    [DIAGNOSTIC_WEIGHT_RECOVERY] = &DIAG_WEIGHT_RECOVERY,
    [DIAGNOSTIC_VARIANCE_SHIFT] = &DIAG_VARIANCE_SHIFT,
};
#define N_DIAGNOSTICS (int)(sizeof TABLE / sizeof *TABLE)
_Static_assert(N_DIAGNOSTICS == DIAGNOSTIC_COUNT, "one row per dlx_diagnostic_kind");

int diagnostic_count(void) { return N_DIAGNOSTICS; }

const dlx_diagnostic *diagnostic_at(int i) { return i >= 0 && i < N_DIAGNOSTICS ? TABLE[i] : NULL; }

const dlx_diagnostic *diagnostic_find(const char *name)
{
    for (int i = 0; i < N_DIAGNOSTICS; i++)
        if (!strcmp(TABLE[i]->name, name))
            return TABLE[i];
    return NULL;
}

/* Diagnostics whose state must survive --resume, and how to reach it. */
static const struct {
    const dlx_diagnostic *diagnostic;
    dlx_tensor *(*saved_state)(void *state, int *count);
} SAVED_STATE[] = {
    {&DIAG_UNIT_QUANTILES, unit_quantiles_saved_state},
};

dlx_tensor *diagnostic_saved_state(const dlx_diagnostic *d, void *state, int *count)
{
    *count = 0;
    for (size_t i = 0; i < sizeof SAVED_STATE / sizeof *SAVED_STATE; i++)
        if (SAVED_STATE[i].diagnostic == d && state)
            return SAVED_STATE[i].saved_state(state, count);
    return NULL;
}

bool diagnostic_fits(const dlx_diagnostic *d, const dlx_config *cfg, char *why, size_t n)
{
    return !d->fits || d->fits(cfg, why, n);
}

int columns_find(const dlx_columns *cols, const char *name)
{
    for (int i = 0; i < cols->count; i++)
        if (!strcmp(cols->names[i], name))
            return i;
    return -1;
}

int columns_add(dlx_columns *cols, const char *name)
{
    int i = columns_find(cols, name);
    if (i >= 0)
        return i;
    if (cols->count >= DLX_MAX_DIAG_COLUMNS)
        return -1;
    snprintf(cols->names[cols->count], DLX_COLUMN_MAX, "%s", name);
    return cols->count++;
}

void diagnostics_columns(const dlx_config *cfg, dlx_columns *out)
{
    for (int i = 0; i < cfg->n_diagnostics; i++) {
        const dlx_diagnostic *d = diagnostic_find(cfg->diagnostics[i]);
        if (d)
            d->columns(cfg, out);
    }
}

int diagnostics_layer_names(const dlx_config *cfg, char (*names)[16], int max)
{
    int n = 0;
    if (cfg->model.type == MODEL_FACTORIZATION && max >= 2) {   /* its weights are U and V */
        snprintf(names[n++], 16, "U");
        snprintf(names[n++], 16, "V");
        return n;
    }
    if (cfg->model.type == MODEL_CP || cfg->model.type == MODEL_HT) {   /* names as models/tensor_model.h */
        int order = cfg->data.tensor_order;
        for (int j = 0; j < order && n < max; j++)
            snprintf(names[n++], 16, cfg->model.type == MODEL_CP ? "A%d" : "leaf%d", j + 1);
        for (int width = order / 2, level = 1; cfg->model.type == MODEL_HT && width >= 1; width /= 2, level++)
            for (int j = 0; j < width && n < max; j++)
                snprintf(names[n++], 16, "node%d.%d", level % 100, (j + 1) % 100000);
        return n;
    }
    int hidden = cfg->model.type == MODEL_MLP ? cfg->model.n_hidden : 0;
    for (int l = 0; l < hidden && n < max; l++)
        snprintf(names[n++], 16, "fc%d", l + 1);
    if (n < max)
        snprintf(names[n++], 16, "out");
    return n;
}
