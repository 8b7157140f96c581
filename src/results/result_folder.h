/*
 * result_folder.h — an output folder of `dlx run` read back (SPEC §3), for
 * `dlx collect` and `dlx summarize`.
 *
 * A folder is recognised by its resolved.yaml. What is read:
 *   - resolved.yaml, flattened into dotted leaves ("optimizer.lr" = "0.1";
 *     a list of scalars is one leaf in flow style, a list of maps is
 *     indexed: "arms.1.model.dropout.hidden"), without `dlx_version` and
 *     `output`; and loaded back as an experiment (arms, seeds, sweep);
 *   - meta.yaml's `command`: its --point and the keys its overrides set;
 *   - metrics.csv and summary.csv (either may be missing: a run that never
 *     wrote them).
 */
#ifndef DLX_RESULTS_RESULT_FOLDER_H
#define DLX_RESULTS_RESULT_FOLDER_H

#include "io/csv_reader.h"
#include "spec/experiment.h"

#define DLX_MAX_SET_KEYS 64

typedef struct {
    char dir[DLX_PATH_MAX];
    int point;                                  /* --point of its command line, -1: all */
    int n_leaves;
    char **leaf_keys, **leaf_values;            /* resolved.yaml flattened */
    int n_set;
    char set_keys[DLX_MAX_SET_KEYS][128];       /* keys set by --set / KEY=VALUE */
    dlx_experiment *exp;                        /* resolved.yaml loaded back */
    dlx_sweep sweep;
    dlx_text_table metrics, summary;            /* n_cols 0 when missing */
} dlx_result_folder;

/* Read the folder dir. DLX_ERR_INPUT with a diagnostic when it has no
   readable resolved.yaml. */
dlx_status result_folder_load(const char *dir, dlx_result_folder *f, dlx_diags *diags);
void result_folder_free(dlx_result_folder *f);

/* The value of a flattened key, or NULL. */
const char *result_folder_leaf(const dlx_result_folder *f, const char *key);

/* True when key is path or lies under it ("model.dropout.hidden" under
   "model.dropout"). */
bool dotted_key_within(const char *key, const char *path);

/* The result folders named by paths: a path holding resolved.yaml is one;
   otherwise its subfolders are searched (sorted by name, numbers in
   numeric order, not inside a result folder). *dirs is malloc'd. */
dlx_status result_folders_find(char *const *paths, int n_paths, char ***dirs, int *n_dirs,
                               dlx_diags *diags);

#endif
