/*
 * collect.h — merging output folders of `dlx run` into one tidy table
 * (SPEC §6 `dlx collect`).
 *
 * Folders are ordered by their --point (a local run of the whole sweep
 * first), then as found, so the folders of `dlx sweep --emit commands`
 * merge into the rows, in the order, of one local run.
 *
 * Two folders are the same experiment when their resolved.yaml files agree
 * on every key except `output`, `seeds`, the swept keys and the keys that
 * their command lines set with --set (a shell sweep); each key of the last
 * kind that differs becomes a column (named by its dotted path) after the
 * file's own columns. Any other difference is an error naming the key,
 * unless allow_mixed, which makes it a column too.
 *
 * Unfinished runs (no row in summary.csv, or status `interrupted`) and
 * sweep points without a folder are reported as warnings.
 */
#ifndef DLX_RESULTS_COLLECT_H
#define DLX_RESULTS_COLLECT_H

#include <stdbool.h>

#include "io/csv_reader.h"
#include "util/diag.h"

typedef struct {
    bool runs;          /* merge summary.csv (one row per run), not metrics.csv */
    bool allow_mixed;   /* merge folders of different experiments */
} dlx_collect_options;

/* Merge the folders found under paths into *out (a table the caller frees
   with csv_table_free). Errors go to diags; warnings (unfinished runs) to
   warnings. */
dlx_status collect_merge(char *const *paths, int n_paths, const dlx_collect_options *opts,
                         dlx_text_table *out, dlx_diags *diags, dlx_diags *warnings);

/* Write a table as CSV (RFC 4180 quoting) to fp. */
dlx_status collect_write_csv(const dlx_text_table *t, FILE *fp, const char *path,
                             dlx_diags *diags);

#endif
