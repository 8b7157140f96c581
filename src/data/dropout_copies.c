/*
 * dropout_copies.c — J masked replicas of a training split (see dropout_copies.h).
 */
#include "data/dropout_copies.h"

#include <string.h>

#include "data/split.h"

dlx_status dropout_copies_split(dlx_split *out, const dlx_split *src, int copies, double rate,
                                dlx_dropout_scaling scaling, dlx_rng *rng, dlx_diags *d)
{
    size_t n = (size_t)src->n * (size_t)copies;
    dlx_status st = split_check_size(n, (size_t)src->dim, "examples (regularizer.dropout_copies)",
                                     NULL, d);
    if (st == DLX_OK)
        st = split_alloc(out, (int)n, src->dim, src->labels ? 0 : src->n_targets,
                         "dropout copies of the training split", d);
    if (st != DLX_OK)
        return st;
    const float keep_scale = scaling == DROPOUT_INVERTED ? (float)(1.0 / (1.0 - rate)) : 1.0f;
    size_t dim = (size_t)src->dim, n_targets = (size_t)src->n_targets;
    for (int j = 0; j < copies; j++) {
        for (int i = 0; i < src->n; i++) {
            size_t row = (size_t)j * (size_t)src->n + (size_t)i;
            const float *x = src->x + (size_t)i * dim;
            float *xr = out->x + row * dim;
            for (size_t c = 0; c < dim; c++)
                xr[c] = rng_uniform(rng) >= rate ? x[c] * keep_scale : 0.0f;
            if (src->labels)
                out->labels[row] = src->labels[i];
            else
                memcpy(out->targets + row * n_targets, src->targets + (size_t)i * n_targets,
                       n_targets * sizeof *out->targets);
        }
    }
    return DLX_OK;
}
