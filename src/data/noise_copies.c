/*
 * noise_copies.c — J noisy replicas of a training split (see noise_copies.h).
 */
#include "data/noise_copies.h"
#include "util/real.h"

#include "data/split.h"

typedef struct {
    double sigma;
    dlx_rng *rng;
} gaussian_noise;

/* x + σ·z, z ~ N(0, 1). */
static real add_noise(real x, void *ctx)
{
    const gaussian_noise *g = ctx;
    return (real)(x + g->sigma * rng_normal(g->rng));
}

dlx_status noise_copies_split(dlx_split *out, const dlx_split *src, int copies, double sigma,
                              dlx_rng *rng, dlx_diags *d)
{
    gaussian_noise g = {sigma, rng};
    return split_replicate(out, src, copies, "examples (regularizer.noise_copies)",
                           "noise copies of the training split", add_noise, &g, d);
}
