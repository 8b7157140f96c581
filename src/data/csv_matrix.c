/*
 * csv_matrix.c — see csv_matrix.h. The files are read as rows of numbers by
 * csv_table.c's reader (the same quoting, header and number rules as a CSV
 * table), then turned into entries splits.
 */
#include "data/csv_matrix.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/csv_table.h"
#include "data/matrix_entries.h"

enum { MAX_INDEX = 100000 };

/* An entry index: a whole number in [0, MAX_INDEX). */
static bool is_index(double v) { return v >= 0 && v < MAX_INDEX && v == floor(v); }

/* Check an entries file (three fields a row, integer indexes); *rows and
   *cols grow to one more than its largest indexes. */
static dlx_status check_entries(const dlx_csv_cells *c, const char *path, int *rows, int *cols,
                                dlx_diags *d)
{
    dlx_status st = DLX_OK;
    for (int r = 0; r < c->n_rows; r++) {
        int s = c->row_start[r];
        if (c->row_length[r] != 3) {
            diags_add(d, path, c->line[s], c->col[s], "%d fields: an entry is row,col,value",
                      c->row_length[r]);
            st = DLX_ERR_INPUT;
            continue;
        }
        for (int k = 0; k < 2; k++)
            if (!is_index(c->values[s + k])) {
                diags_add(d, path, c->line[s + k], c->col[s + k],
                          "%s index %g is not a whole number in [0, %d)", k ? "column" : "row",
                          c->values[s + k], MAX_INDEX);
                st = DLX_ERR_INPUT;
            }
        if (st == DLX_OK) {
            *rows = (int)c->values[s] + 1 > *rows ? (int)c->values[s] + 1 : *rows;
            *cols = (int)c->values[s + 1] + 1 > *cols ? (int)c->values[s + 1] + 1 : *cols;
        }
    }
    return st;
}

/* The split of an entries file; an entry listed twice is an error. */
static dlx_status entries_split(dlx_split *s, const dlx_csv_cells *c, const char *path, int rows,
                                int cols, dlx_diags *d)
{
    dlx_status st = entries_alloc(s, c->n_rows, rows, cols, path, d);
    unsigned char *seen = st == DLX_OK ? calloc((size_t)rows * (size_t)cols, 1) : NULL;
    if (st == DLX_OK && !seen) {
        diags_add(d, path, 0, 0, "out of memory for a %d x %d matrix", rows, cols);
        st = DLX_ERR_RUNTIME;
    }
    for (int r = 0; st == DLX_OK && r < c->n_rows; r++) {
        int k = c->row_start[r], i = (int)c->values[k], j = (int)c->values[k + 1];
        size_t at = (size_t)i * (size_t)cols + (size_t)j;
        if (seen[at]) {
            diags_add(d, path, c->line[k], c->col[k], "entry (%d, %d) is listed twice", i, j);
            st = DLX_ERR_INPUT;
        }
        seen[at] = 1;
        s->entry_row[r] = i;
        s->entry_col[r] = j;
        s->targets[r] = (real)c->values[k + 2];
    }
    free(seen);
    if (st != DLX_OK)
        split_free(s);
    return st;
}

/* The split of a dense file's non-empty fields (every row cols fields). */
static dlx_status dense_split(dlx_split *s, const dlx_csv_cells *c, const char *path, int cols,
                              dlx_diags *d)
{
    int n = 0;
    for (int r = 0; r < c->n_rows; r++) {
        if (c->row_length[r] != cols) {
            int k = c->row_start[r];
            diags_add(d, path, c->line[k], c->col[k], "%d fields, but the matrix has %d columns",
                      c->row_length[r], cols);
            return DLX_ERR_INPUT;
        }
        for (int j = 0; j < cols; j++)
            n += !isnan(c->values[c->row_start[r] + j]);
    }
    if (n == 0) {
        diags_add(d, path, 0, 0, "no entry: every field is empty");
        return DLX_ERR_INPUT;
    }
    dlx_status st = entries_alloc(s, n, c->n_rows, cols, path, d);
    int e = 0;
    for (int r = 0; st == DLX_OK && r < c->n_rows; r++)
        for (int j = 0; j < cols; j++) {
            double v = c->values[c->row_start[r] + j];
            if (isnan(v))
                continue;
            s->entry_row[e] = r;
            s->entry_col[e] = j;
            s->targets[e++] = (real)v;
        }
    return st;
}

dlx_status csv_matrix_load(dlx_dataset *ds, dlx_split_origin *origin, const dlx_data_config *cfg,
                           dlx_diags *d)
{
    *ds = (dlx_dataset){0};
    bool dense = cfg->format == CSV_DENSE;
    dlx_csv_cells train, test;
    dlx_status st = csv_read_cells(cfg->train, dense, &train, d);
    dlx_status st_test = csv_read_cells(cfg->test, dense, &test, d);
    if (st == DLX_OK || (st_test != DLX_OK && st_test < st))
        st = st_test;
    if (st == DLX_OK && dense) {
        int cols = train.row_length[0];
        if (test.n_rows != train.n_rows || test.row_length[0] != cols) {
            diags_add(d, cfg->test, 0, 0, "a %d x %d matrix, but %s is %d x %d", test.n_rows,
                      test.row_length[0], cfg->train, train.n_rows, cols);
            st = DLX_ERR_INPUT;
        }
        if (st == DLX_OK)
            st = dense_split(&ds->train, &train, cfg->train, cols, d);
        if (st == DLX_OK)
            st = dense_split(&ds->test, &test, cfg->test, cols, d);
    } else if (st == DLX_OK) {
        int rows = 0, cols = 0;
        st = check_entries(&train, cfg->train, &rows, &cols, d);
        dlx_status t = check_entries(&test, cfg->test, &rows, &cols, d);
        st = st == DLX_OK ? t : st;
        if (st == DLX_OK)
            st = entries_split(&ds->train, &train, cfg->train, rows, cols, d);
        if (st == DLX_OK)
            st = entries_split(&ds->test, &test, cfg->test, rows, cols, d);
    }
    if (st == DLX_OK) {
        snprintf(origin->train, sizeof origin->train, "%s", cfg->train);
        snprintf(origin->test, sizeof origin->test, "%s", cfg->test);
    } else {
        split_free(&ds->train);
        split_free(&ds->test);
    }
    csv_cells_free(&train);
    csv_cells_free(&test);
    return st;
}
