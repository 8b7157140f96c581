/*
 * matrix_entries.h — a matrix as a dataset of entries (SPEC §7).
 *
 * Example e of a split is the entry (entry_row[e], entry_col[e]) of a
 * rows×cols matrix Y with value targets[e]; there are no dense inputs
 * (x NULL, dim 0) and the data are regression data (classes 0, one target).
 * Matrix completion splits the entries: the training set Ω holds a fraction
 * `observed` of them, drawn uniformly without replacement from data.seed, and
 * the test set the others, or every entry again when all are observed (so
 * test_loss then measures the fit of the whole matrix). Both splits list
 * their entries in row-major order.
 */
#ifndef DLX_DATA_MATRIX_ENTRIES_H
#define DLX_DATA_MATRIX_ENTRIES_H

#include <stdint.h>

#include "data/dataset.h"
#include "util/diag.h"

/* rng stream of data.seed that draws Ω. */
enum { MATRIX_STREAM_OBSERVED = 111 };

/* Allocate an entries split of n entries of a rows×cols matrix. */
dlx_status entries_alloc(dlx_split *s, int n, int rows, int cols, const char *file, dlx_diags *d);

/* Split the dense row-major rows×cols matrix y into ds->train (a fraction
   `observed` in (0, 1] of the entries, at least one) and ds->test. */
dlx_status entries_from_dense(dlx_dataset *ds, const double *y, int rows, int cols, double observed,
                              uint64_t seed, const char *file, dlx_diags *d);

/* The dense rows×cols matrix P_Ω(values) of a split: out[i·cols + j] = the
   value of entry (i, j) when the split holds it, else 0. values[e] is the
   split's own targets when NULL. */
void entries_scatter(const dlx_split *s, const double *values, double *out);

#endif
