/*
 * matricization.c — see matricization.h. The rank is counted on the thin
 * SVD (util/svd.c) of the rearranged matrix; both are allocated per call,
 * which the diagnostic does once per evaluation (tensors of at most 10⁷
 * entries, the ones of the experiments have 2^8).
 */
#include "util/matricization.h"

#include <stdlib.h>

#include "util/svd.h"

void matricization_size(int order, const int *shape, long *rows, long *cols)
{
    *rows = *cols = 1;
    for (int n = 0; n < order; n++) {
        if (n % 2 == 0)
            *rows *= shape[n];
        else
            *cols *= shape[n];
    }
}

void matricization(const double *t, int order, const int *shape, double *out)
{
    long rows, cols;
    matricization_size(order, shape, &rows, &cols);
    long total = rows * cols;
    int index[32] = {0};
    for (long e = 0; e < total; e++) {
        long row = 0, col = 0;
        for (int n = 0; n < order; n++) {
            if (n % 2 == 0)
                row = row * shape[n] + index[n];
            else
                col = col * shape[n] + index[n];
        }
        out[row * cols + col] = t[e];
        for (int n = order - 1; n >= 0; n--) {   /* next multi-index, last mode fastest */
            if (++index[n] < shape[n])
                break;
            index[n] = 0;
        }
    }
}

dlx_status matricization_rank(const double *t, int order, const int *shape, double rel_tol, int *rank,
                              dlx_diags *diags)
{
    *rank = 0;
    long rows, cols;
    matricization_size(order, shape, &rows, &cols);
    long k = rows < cols ? rows : cols;
    double *m = malloc((size_t)(rows * cols) * sizeof *m), *s = malloc((size_t)k * sizeof *s);
    dlx_svd w = {0};
    dlx_status st = m && s ? svd_create(&w, (int)rows, (int)cols, diags) : DLX_ERR_RUNTIME;
    if (!m || !s)
        diags_add(diags, NULL, 0, 0, "out of memory for a %ld x %ld matricization", rows, cols);
    if (st == DLX_OK) {
        matricization(t, order, shape, m);
        st = svd_compute(&w, m, s, NULL, NULL, diags);
    }
    if (st == DLX_OK && k > 0 && s[0] > 0)
        for (long i = 0; i < k; i++)
            *rank += s[i] > rel_tol * s[0];
    svd_free(&w);
    free(m);
    free(s);
    return st;
}
