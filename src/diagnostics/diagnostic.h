/*
 * diagnostic.h — extra measurements at evaluation points (SPEC §4).
 *
 * Each name in an experiment's `diagnostics:` list is one dlx_diagnostic: it
 * names its columns of metrics.csv from the config alone (so every run of an
 * experiment agrees on the header before anything runs), may keep buffers
 * sized once per run, and measures its values at every evaluation point.
 * Adding a diagnostic = one file with its formula and source in the comment
 * (with a `fits` check when it fits only some models), one row in the table
 * of src/diagnostics/registry.c, and its value in dlx_diagnostic_kind
 * (src/spec/config.h) with its name in src/spec/schema.c's list (the table's
 * length is checked at compile time, its names by a test).
 */
#ifndef DLX_DIAGNOSTICS_DIAGNOSTIC_H
#define DLX_DIAGNOSTICS_DIAGNOSTIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "data/dataset.h"
#include "models/model.h"
#include "spec/config.h"
#include "util/diag.h"

#define DLX_COLUMN_MAX 64
#define DLX_MAX_DIAG_COLUMNS 512

/* A list of column names. */
typedef struct {
    int count;
    char names[DLX_MAX_DIAG_COLUMNS][DLX_COLUMN_MAX];
} dlx_columns;

/* What a diagnostic sees of its run. */
typedef struct {
    const dlx_config *config;
    dlx_model *model;
    const dlx_dataset *data;
    long step;          /* optimizer steps so far (0 before training) */
    uint64_t seed;      /* the run's seed (for a diagnostic's own random stream) */
    double param;       /* its parameter, `{name: param}` in the list; NAN when absent */
    void *state;        /* the diagnostic's own buffers, from create */
    dlx_model *const *twins; /* stability: the models of the twin pairs, pair k
                                is twins[2k] (on S) and twins[2k+1] (on S') */
    int n_twin_pairs;   /* 0 when the run has no twins */
} dlx_diag_context;

typedef struct {
    const char *name;
    /* Append the column names for this config to out. */
    void (*columns)(const dlx_config *cfg, dlx_columns *out);
    /* Allocate ctx->state once per run; NULL when none is needed. */
    dlx_status (*create)(dlx_diag_context *ctx, dlx_diags *diags);
    void (*destroy)(void *state);
    /* Write one value per column, in the order of columns(); NAN where a
       value does not exist at this point (written as an empty field). */
    void (*measure)(dlx_diag_context *ctx, double *values);
    /* Whether the diagnostic fits cfg's model; when not, why gets the
       reason after the diagnostic's name ("needs model.type logistic, here
       mlp"). NULL: it fits every config. Checked for every arm before
       anything runs (src/experiment/validate.c); create refuses the same
       configs, as a defensive check. */
    bool (*fits)(const dlx_config *cfg, char *why, size_t n);
} dlx_diagnostic;

/* The diagnostic with that name, or NULL. */
const dlx_diagnostic *diagnostic_find(const char *name);
int diagnostic_count(void);
/* The diagnostic of dlx_diagnostic_kind i (the order of SPEC_DIAGNOSTICS). */
const dlx_diagnostic *diagnostic_at(int i);

/* The tensors of a diagnostic's state (from its create) that --resume must
   restore: what it measured at an earlier evaluation point and compares
   with later, named "diagnostic.<name>.<what>". The trainer saves them in
   every checkpoint and restores them after create when a run resumes, so a
   resumed run writes the rows of an uninterrupted one. *count = 0 and NULL
   for a diagnostic without such state (the table in registry.c). */
dlx_tensor *diagnostic_saved_state(const dlx_diagnostic *d, void *state, int *count);

/* Whether d fits cfg (see dlx_diagnostic.fits). */
bool diagnostic_fits(const dlx_diagnostic *d, const dlx_config *cfg, char *why, size_t n);

/* All diagnostic columns of a config, in the order of its list. */
void diagnostics_columns(const dlx_config *cfg, dlx_columns *out);

/* Add name to cols unless present; returns its index (-1 if full). */
int columns_add(dlx_columns *cols, const char *name);
int columns_find(const dlx_columns *cols, const char *name);

/* Layer names of a config in SPEC §2 order: "fc1".."fcL", then "out". */
int diagnostics_layer_names(const dlx_config *cfg, char (*names)[16], int max);

#endif
