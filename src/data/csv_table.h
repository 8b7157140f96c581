/*
 * csv_table.h — a dataset from two CSV files (train and test).
 *
 * Format: RFC 4180 (comma-separated, "quoted fields" with "" for a quote,
 * LF or CRLF line ends); blank lines are skipped, spaces around a number are
 * allowed, a UTF-8 byte-order mark is ignored. The first row is a header when
 * any of its non-empty fields is not a number. Numbers are read with '.' as
 * the decimal point whatever the locale.
 *
 * The target column is data.target: a column name (needs a header), a
 * 0-based index, or "" for the last column; every other column is an input.
 *
 * Classification or regression: when every target value of both files is an
 * integer in [0, 1e6), the data is a classification problem with
 * classes = (largest target) + 1, at least 2; otherwise it is a regression
 * with one float target. So 0/1 targets give two classes, and targets such
 * as -1/1 or 2.5 give a regression.
 *
 * Every malformed field (empty, not a number, NaN or infinite, outside the
 * float range) and every ragged row is reported as FILE:LINE:COL, up to
 * CSV_MAX_ERRORS per file.
 */
#ifndef DLX_DATA_CSV_TABLE_H
#define DLX_DATA_CSV_TABLE_H

#include <stdbool.h>

#include "data/dataset.h"
#include "data/split.h"
#include "util/diag.h"

#define CSV_MAX_ERRORS 20
#define CSV_CLASS_LIMIT 1000000.0

/* Load the train and test files; target as data.target. Errors about
   data.target itself are reported on source_file (the experiment file).
   origin receives the two paths. */
dlx_status csv_load(dlx_dataset *ds, dlx_split_origin *origin, const char *train_path,
                    const char *test_path, const char *target, const char *source_file,
                    dlx_diags *d);

/* csv_load, with the errors about data.target at target_line:target_col of
   source_file (where data.target is written; 0 when it is not written there:
   a default, a --set or a sweep). A regression's dataset keeps, in
   regression_note, the first target of the files that is not a class label. */
dlx_status csv_load_at(dlx_dataset *ds, dlx_split_origin *origin, const char *train_path,
                       const char *test_path, const char *target, int target_line,
                       int target_col, const char *source_file, dlx_diags *d);

/* csv_load_at with per-example loss weights (SPEC §9): the column of the
   header named weight ("" = none) is not an input; the training file's gives
   ds->train.weights (each >= 0), the test file's (it has the same columns)
   is ignored, so the test split stays unweighted. */
dlx_status csv_load_weighted(dlx_dataset *ds, dlx_split_origin *origin, const char *train_path,
                             const char *test_path, const char *target, int target_line,
                             int target_col, const char *weight, const char *source_file,
                             dlx_diags *d);

/* A CSV file as rows of numbers, for the matrix formats (csv_matrix.c): the
   same reading rules as above (a header when the first row is not numeric,
   blank lines skipped, '.' decimals), every field a finite float or, when
   allow_empty, empty (NAN). Each value keeps its line and column for
   messages. Malformed fields are reported as FILE:LINE:COL, up to
   CSV_MAX_ERRORS. */
typedef struct {
    int n_rows;
    int *row_length;   /* [n_rows] fields of each row */
    int *row_start;    /* [n_rows] index of its first value */
    double *values;    /* [total fields] */
    int *line, *col;   /* [total fields] */
    int header_line;   /* 1 when the first row was a header, else 0 */
} dlx_csv_cells;

dlx_status csv_read_cells(const char *path, bool allow_empty, dlx_csv_cells *cells, dlx_diags *d);
void csv_cells_free(dlx_csv_cells *cells);

#endif
