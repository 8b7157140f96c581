/*
 * dropout_copies.c — J masked replicas of a training split (see dropout_copies.h).
 */
#include "data/dropout_copies.h"
#include "util/real.h"

#include "data/split.h"

typedef struct {
    double rate;
    real keep_scale;   /* 1/(1 − rate) inverted, 1 test_time */
    dlx_rng *rng;
} input_mask;

/* x·keep_scale with probability 1 − rate, else 0. */
static real mask_input(real x, void *ctx)
{
    const input_mask *m = ctx;
    return rng_uniform(m->rng) >= m->rate ? x * m->keep_scale : REAL_C(0.0);
}

dlx_status dropout_copies_split(dlx_split *out, const dlx_split *src, int copies, double rate,
                                dlx_dropout_scaling scaling, dlx_rng *rng, dlx_diags *d)
{
    input_mask m = {rate, scaling == DROPOUT_INVERTED ? (real)(1.0 / (1.0 - rate)) : REAL_C(1.0), rng};
    return split_replicate(out, src, copies, "examples (regularizer.dropout_copies)",
                           "dropout copies of the training split", mask_input, &m, d);
}
