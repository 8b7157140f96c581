/*
 * experiment.h — the YAML experiment file into a validated dlx_experiment.
 *
 * Steps (docs/config.md): parse the YAML into a located tree; apply the
 * --set overrides to the tree in order; apply the values of one sweep point;
 * merge each arm over the base; convert and validate every value, filling
 * defaults. Every problem is reported, all at once, as FILE:LINE:COL with
 * "did you mean" for misspelt keys and enum values.
 */
#ifndef DLX_SPEC_EXPERIMENT_H
#define DLX_SPEC_EXPERIMENT_H

#include <stdio.h>

#include "spec/config.h"
#include "util/diag.h"

#define DLX_MAX_SWEEP_KEYS 16
#define DLX_SWEEP_LIST_MAX 2048   /* one sweep key's list of values as YAML flow text */
#define DLX_MAX_SWEEP_POINTS 1000000

/* The grid of a `sweep:` section (full product, last key varying fastest).
   The keys of its `zip:` group (at most one) are paired: together they are
   one axis of the product, at the place of `zip` in the file. */
typedef struct {
    int n_keys;
    char keys[DLX_MAX_SWEEP_KEYS][128];   /* dotted paths, in file order */
    bool zipped[DLX_MAX_SWEEP_KEYS];      /* in the zip group (consecutive keys) */
    int n_values[DLX_MAX_SWEEP_KEYS];
    int n_points;                         /* product of n_values; 0 without sweep */
    char lists[DLX_MAX_SWEEP_KEYS][DLX_SWEEP_LIST_MAX]; /* each key's values as given, in
                                                           YAML flow style: "[0.05, 0.5, 5.0]" */
} dlx_sweep;

typedef struct {
    const char *const *items;             /* "dotted.key=flow-value" */
    int count;
} dlx_overrides;

/* Load path, apply overrides, select sweep point `point` (ignored when the
   file has no sweep; with a sweep, point < 0 loads the base values and
   keeps the sweep section for printing), validate. On success fills exp and
   sweep; point_values[k] (if non-NULL, DLX_MAX_SWEEP_KEYS strings of 128)
   get the YAML flow text of each swept key's value at that point. Returns
   DLX_ERR_INPUT with every problem in diags. */
dlx_status experiment_load(dlx_experiment *exp, dlx_sweep *sweep, const char *path,
                           const dlx_overrides *overrides, int point,
                           char (*point_values)[128], dlx_diags *diags);

/* Same from a string in memory; name is used in messages. */
dlx_status experiment_load_string(dlx_experiment *exp, dlx_sweep *sweep, const char *text,
                                  size_t len, const char *name, const dlx_overrides *overrides,
                                  int point, char (*point_values)[128], dlx_diags *diags);

/* Load every sweep point of the file (after the overrides) and report the
   problems of each: an error found in every point is reported once, as
   experiment_load reports it; an error found in some points only is
   prefixed "in sweep point I (KEY=VALUE, ...): ". Without a sweep this is
   experiment_load. Returns DLX_ERR_INPUT if any point has an error. */
dlx_status experiment_validate_all_points(const char *path, const dlx_overrides *overrides, dlx_diags *diags);

/* Same from a string in memory; name is used in messages. */
dlx_status experiment_validate_all_points_string(const char *text, size_t len, const char *name,
                                                 const dlx_overrides *overrides, dlx_diags *diags);

/* Write the resolved experiment as YAML: every key with its value, arms as
   their differences from the base, the sweep section if any, and
   `dlx_version: VERSION` first when version is non-NULL. experiment_load
   accepts the output and resolves it to the same experiment. */
dlx_status experiment_write_yaml(const dlx_experiment *exp, const dlx_sweep *sweep,
                                 const char *version, FILE *out, dlx_diags *diags);

/* Names of enum values, for messages and CSV/YAML output. */
const char *model_type_name(dlx_model_type t);
const char *activation_name(dlx_activation a);
const char *loss_name(dlx_loss l);
const char *optimizer_type_name(dlx_optimizer_type t);
const char *data_source_name(dlx_data_source s);
const char *preprocess_name(dlx_preprocess p);

#endif
