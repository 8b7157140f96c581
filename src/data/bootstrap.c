/*
 * bootstrap.c — resampling a split with replacement (see bootstrap.h).
 */
#include "data/bootstrap.h"

#include <string.h>

#include "data/split.h"

dlx_status bootstrap_split(dlx_split *out, const dlx_split *src, dlx_rng *rng, dlx_diags *d)
{
    dlx_status st = split_alloc(out, src->n, src->dim, src->labels ? 0 : src->n_targets,
                                "bootstrap resample", d);
    if (st != DLX_OK)
        return st;
    size_t dim = (size_t)src->dim, n_targets = (size_t)src->n_targets;
    for (int k = 0; k < src->n; k++) {
        size_t i = (size_t)rng_below(rng, (uint64_t)src->n);
        memcpy(out->x + (size_t)k * dim, src->x + i * dim, dim * sizeof *out->x);
        if (src->labels)
            out->labels[k] = src->labels[i];
        else
            memcpy(out->targets + (size_t)k * n_targets, src->targets + i * n_targets,
                   n_targets * sizeof *out->targets);
    }
    return DLX_OK;
}
