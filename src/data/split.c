/*
 * split.c — sized allocation of a dataset split (see split.h).
 */
#include "data/split.h"
#include "util/real.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

dlx_status split_check_size(size_t n, size_t dim, const char *what, const char *file,
                            dlx_diags *d)
{
    /* The product in double is exact enough to print and cannot overflow. */
    double values = (double)n * (double)dim;
    double gib = values * sizeof(real) / (1024.0 * 1024.0 * 1024.0);
    int overflows = dim != 0 && n > SIZE_MAX / dim;
    if (overflows || n > INT_MAX || dim > INT_MAX || n * dim > DLX_SPLIT_MAX_VALUES) {
        diags_add(d, file, 0, 0,
                  "%zu %s x %zu values = %.4g numbers would need %.*f GiB as float32; "
                  "dlx accepts at most 2^31 numbers (8 GiB) per array",
                  n, what, dim, values, gib < 1e6 ? 1 : 0, gib);
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

/* Check a split's shape: no negative size, and n·dim (and n·n_targets) a
   size dlx accepts. Messages on `file`. */
static dlx_status check_shape(int n, int dim, int n_targets, const char *file, dlx_diags *d)
{
    if (n < 0 || dim < 0 || n_targets < 0) {
        diags_add(d, file, 0, 0, "negative split size (%d examples, %d inputs)", n, dim);
        return DLX_ERR_INPUT;
    }
    dlx_status st = split_check_size((size_t)n, (size_t)dim, "examples", file, d);
    if (st == DLX_OK && n_targets > 0)
        st = split_check_size((size_t)n, (size_t)n_targets, "examples", file, d);
    return st;
}

/* Fill s, of a checked shape, around the inputs x (owned from now on; NULL
   when their allocation failed) and allocate its labels or targets. */
static dlx_status fill_split(dlx_split *s, real *x, int n, int dim, int n_targets,
                             const char *file, dlx_diags *d)
{
    s->n = n;
    s->dim = dim;
    s->n_targets = n_targets;
    s->x = x;
    /* calloc(0) may return NULL: ask for at least one element. */
    if (n_targets > 0)
        s->targets = calloc((size_t)n * (size_t)n_targets + 1, sizeof *s->targets);
    else
        s->labels = calloc((size_t)n + 1, sizeof *s->labels);
    if (!s->x || (n_targets > 0 ? !s->targets : !s->labels)) {
        split_free(s);
        diags_add(d, file, 0, 0, "out of memory allocating %d examples x %d inputs", n, dim);
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}

dlx_status split_alloc_with_inputs(dlx_split *s, real *x, int n, int dim, int n_targets,
                                   const char *file, dlx_diags *d)
{
    *s = (dlx_split){0};
    dlx_status st = check_shape(n, dim, n_targets, file, d);
    if (st != DLX_OK) {
        free(x);
        return st;
    }
    return fill_split(s, x, n, dim, n_targets, file, d);
}

dlx_status split_alloc(dlx_split *s, int n, int dim, int n_targets, const char *file,
                       dlx_diags *d)
{
    *s = (dlx_split){0};
    /* The shape is checked before the inputs are allocated: a huge n·dim
       ends in the size message, not in a failed calloc. */
    dlx_status st = check_shape(n, dim, n_targets, file, d);
    if (st != DLX_OK)
        return st;
    real *x = calloc((size_t)n * (size_t)dim + 1, sizeof *x);
    return fill_split(s, x, n, dim, n_targets, file, d);
}

dlx_status split_alloc_like(dlx_split *dst, const dlx_split *src, int n, const char *file,
                            dlx_diags *d)
{
    dlx_status st = src->entry_row ? split_check_size((size_t)n, 3, "matrix entries", file, d)
                                   : split_alloc(dst, n, src->dim, src->labels ? 0 : src->n_targets,
                                                 file, d);
    if (st != DLX_OK)
        return st;
    if (src->entry_row) {
        *dst = (dlx_split){.n = n, .n_targets = 1};
        dst->targets = malloc((size_t)(n > 0 ? n : 1) * sizeof *dst->targets);
        dst->entry_row = malloc((size_t)(n > 0 ? n : 1) * sizeof *dst->entry_row);
        dst->entry_col = malloc((size_t)(n > 0 ? n : 1) * sizeof *dst->entry_col);
    }
    dst->rows = src->rows;
    dst->cols = src->cols;
    if (src->weights)
        dst->weights = malloc((size_t)(n > 0 ? n : 1) * sizeof *dst->weights);
    if ((src->weights && !dst->weights) || (src->entry_row && (!dst->targets || !dst->entry_row ||
                                                               !dst->entry_col))) {
        split_free(dst);
        diags_add(d, file, 0, 0, "out of memory allocating %d examples", n);
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}

void split_copy_example(dlx_split *dst, int k, const dlx_split *src, int i)
{
    size_t dim = (size_t)src->dim, n_targets = (size_t)src->n_targets;
    if (dim > 0)
        memcpy(dst->x + (size_t)k * dim, src->x + (size_t)i * dim, dim * sizeof *dst->x);
    if (src->labels)
        dst->labels[k] = src->labels[i];
    else
        memcpy(dst->targets + (size_t)k * n_targets, src->targets + (size_t)i * n_targets,
               n_targets * sizeof *dst->targets);
    if (src->weights)
        dst->weights[k] = src->weights[i];
    if (src->entry_row) {
        dst->entry_row[k] = src->entry_row[i];
        dst->entry_col[k] = src->entry_col[i];
    }
}

void split_free(dlx_split *s)
{
    free(s->x);
    free(s->labels);
    free(s->targets);
    free(s->weights);
    free(s->entry_row);
    free(s->entry_col);
    *s = (dlx_split){0};
}

dlx_status split_replicate(dlx_split *out, const dlx_split *src, int copies, const char *what,
                           const char *replicas, split_input_map map, void *ctx, dlx_diags *d)
{
    size_t n = (size_t)src->n * (size_t)copies;
    dlx_status st = split_check_size(n, (size_t)src->dim, what, NULL, d);
    if (st == DLX_OK)
        st = split_alloc(out, (int)n, src->dim, src->labels ? 0 : src->n_targets, replicas, d);
    if (st != DLX_OK)
        return st;
    size_t dim = (size_t)src->dim, n_targets = (size_t)src->n_targets;
    for (int j = 0; j < copies; j++) {
        for (int i = 0; i < src->n; i++) {
            size_t row = (size_t)j * (size_t)src->n + (size_t)i;
            const real *x = src->x + (size_t)i * dim;
            real *xr = out->x + row * dim;
            for (size_t c = 0; c < dim; c++)
                xr[c] = map(x[c], ctx);
            if (src->labels)
                out->labels[row] = src->labels[i];
            else
                memcpy(out->targets + row * n_targets, src->targets + (size_t)i * n_targets,
                       n_targets * sizeof *out->targets);
        }
    }
    return DLX_OK;
}
