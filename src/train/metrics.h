/*
 * metrics.h — the rows of metrics.csv and summary.csv (SPEC §3).
 */
#ifndef DLX_TRAIN_METRICS_H
#define DLX_TRAIN_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diagnostics/diagnostic.h"
#include "train/run.h"
#include "util/diag.h"

/* One evaluation point of one run. Accuracies are NAN for regression and
   written as empty fields; objective is empty at epoch 0 (has_objective). */
typedef struct {
    const char *arm;
    uint64_t seed;
    double epoch;          /* whole epochs, or fractional with eval_every in steps */
    long step;
    double lr;
    double train_loss, train_acc, test_loss, test_acc, gen_gap;
    bool has_objective;
    double objective;
    double wall_s;
} dlx_metrics_row;

/* The fixed columns, in order. */
extern const char *const METRICS_COLUMNS[12];
extern const char *const SUMMARY_COLUMNS[12];

/* Header row: the fixed columns, the diagnostic columns, then extra_names
   (swept keys). */
dlx_status metrics_write_header(FILE *fp, const char *path, const dlx_columns *diag_columns,
                                int n_extra, const char *const *extra_names, dlx_diags *diags);

/* One row, written and flushed whole: the fixed columns, diag_values (one
   per diagnostic column; NAN is an empty field), extra_values. */
dlx_status metrics_write_row(FILE *fp, const char *path, const dlx_metrics_row *row,
                             int n_diag, const double *diag_values, int n_extra,
                             const char *const *extra_values, dlx_diags *diags);

/* summary.csv header and rows, for a FILE the caller replaces atomically. */
dlx_status summary_write_header(FILE *fp, const char *path, int n_extra,
                                const char *const *extra_names, dlx_diags *diags);
dlx_status summary_write_row(FILE *fp, const char *path, const char *arm, uint64_t seed,
                             const dlx_run_summary *s, int n_extra,
                             const char *const *extra_values, dlx_diags *diags);

/* "ok", "diverged", "interrupted". */
const char *run_status_name(dlx_run_status s);

#endif
