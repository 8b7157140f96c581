/*
 * csv_matrix.h — a matrix from two CSV files (SPEC §7, `source: csv` with
 * `format: entries` or `format: dense`), as the entries datasets of
 * matrix_entries.h: `train` holds the observed entries Ω, `test` the held-out
 * ones.
 *
 *   entries  one entry per row: row,col,value (0-based indexes; a header row
 *            such as `row,col,value` is allowed). The matrix's size is one
 *            more than the largest row and column index of both files. An
 *            entry listed twice in one file is an error.
 *   dense    one matrix row per line, one field per column; an empty field is
 *            an entry the file does not hold. Both files must have the same
 *            shape; an entry may be in both (a test file that is the whole
 *            matrix).
 * Every malformed value is reported as FILE:LINE:COL.
 */
#ifndef DLX_DATA_CSV_MATRIX_H
#define DLX_DATA_CSV_MATRIX_H

#include "data/dataset.h"
#include "data/split.h"
#include "spec/config.h"
#include "util/diag.h"

/* Load cfg->train and cfg->test in cfg->format (CSV_ENTRIES or CSV_DENSE). */
dlx_status csv_matrix_load(dlx_dataset *ds, dlx_split_origin *origin, const dlx_data_config *cfg,
                           dlx_diags *d);

#endif
