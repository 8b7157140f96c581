/*
 * bootstrap.c — resampling a split with replacement (see bootstrap.h).
 */
#include "data/bootstrap.h"

#include "data/split.h"

dlx_status bootstrap_split(dlx_split *out, const dlx_split *src, dlx_rng *rng, dlx_diags *d)
{
    dlx_status st = split_alloc_like(out, src, src->n, "bootstrap resample", d);
    if (st != DLX_OK)
        return st;
    for (int k = 0; k < src->n; k++)
        split_copy_example(out, k, src, (int)rng_below(rng, (uint64_t)src->n));
    return DLX_OK;
}
