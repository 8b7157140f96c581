/*
 * matrix_entries.c — see matrix_entries.h.
 */
#include "data/matrix_entries.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/split.h"
#include "util/rng.h"

dlx_status entries_alloc(dlx_split *s, int n, int rows, int cols, const char *file, dlx_diags *d)
{
    *s = (dlx_split){0};
    dlx_status st = split_check_size((size_t)n, 3, "matrix entries", file, d);
    if (st != DLX_OK)
        return st;
    s->n = n;
    s->n_targets = 1;
    s->rows = rows;
    s->cols = cols;
    size_t count = (size_t)(n > 0 ? n : 1);
    s->targets = malloc(count * sizeof *s->targets);
    s->entry_row = malloc(count * sizeof *s->entry_row);
    s->entry_col = malloc(count * sizeof *s->entry_col);
    if (!s->targets || !s->entry_row || !s->entry_col) {
        split_free(s);
        diags_add(d, file, 0, 0, "out of memory allocating %d matrix entries", n);
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}

/* Fill split s with the entries of y whose index is marked `want` in in_train. */
static void fill_entries(dlx_split *s, const double *y, const unsigned char *in_train, int want)
{
    int e = 0;
    for (int i = 0; i < s->rows; i++)
        for (int j = 0; j < s->cols; j++) {
            size_t idx = (size_t)i * s->cols + j;
            if (in_train && in_train[idx] != want)
                continue;
            s->entry_row[e] = i;
            s->entry_col[e] = j;
            s->targets[e] = (real)y[idx];
            e++;
        }
}

dlx_status entries_from_dense(dlx_dataset *ds, const double *y, int rows, int cols, double observed,
                              uint64_t seed, const char *file, dlx_diags *d)
{
    *ds = (dlx_dataset){0};
    size_t total = (size_t)rows * (size_t)cols;
    long n_train = lround(observed * (double)total);
    if (n_train < 1)
        n_train = 1;
    if ((size_t)n_train > total)
        n_train = (long)total;
    bool all = (size_t)n_train == total;
    long n_test = all ? (long)total : (long)total - n_train;
    unsigned char *in_train = NULL;
    if (!all) {
        /* Ω: the first n_train indices of a uniform permutation (Fisher–Yates) */
        int *order = malloc(total * sizeof *order);
        in_train = calloc(total, 1);
        if (!order || !in_train) {
            free(order);
            free(in_train);
            diags_add(d, file, 0, 0, "out of memory splitting a %d x %d matrix", rows, cols);
            return DLX_ERR_RUNTIME;
        }
        for (size_t k = 0; k < total; k++)
            order[k] = (int)k;
        dlx_rng rng;
        rng_seed(&rng, seed, MATRIX_STREAM_OBSERVED);
        rng_shuffle(&rng, order, (int)total);
        for (long k = 0; k < n_train; k++)
            in_train[order[k]] = 1;
        free(order);
    }
    dlx_status st = entries_alloc(&ds->train, (int)n_train, rows, cols, file, d);
    if (st == DLX_OK)
        st = entries_alloc(&ds->test, (int)n_test, rows, cols, file, d);
    if (st == DLX_OK) {
        fill_entries(&ds->train, y, in_train, 1);
        fill_entries(&ds->test, y, in_train, 0);
    } else {
        split_free(&ds->train);
        split_free(&ds->test);
    }
    free(in_train);
    return st;
}

void entries_scatter(const dlx_split *s, const double *values, double *out)
{
    memset(out, 0, (size_t)s->rows * (size_t)s->cols * sizeof *out);
    for (int e = 0; e < s->n; e++)
        out[(size_t)s->entry_row[e] * s->cols + s->entry_col[e]] =
            values ? values[e] : (double)s->targets[e];
}
