/*
 * rng.h — the one random number generator of dlx.
 *
 * xoshiro256** (Blackman & Vigna 2018), seeded through splitmix64. Its whole
 * state is four 64-bit words, so it can be written into a checkpoint and read
 * back. Every run owns its generators: results never depend on --jobs.
 */
#ifndef DLX_UTIL_RNG_H
#define DLX_UTIL_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} dlx_rng;

/* Seed from (seed, stream): distinct streams give independent sequences
   for the same seed (e.g. data order vs dropout masks). */
void rng_seed(dlx_rng *r, uint64_t seed, uint64_t stream);

/* Next 64 random bits. */
uint64_t rng_u64(dlx_rng *r);

/* Uniform on [0, 1) with 24 random bits (exactly representable floats). */
float rng_uniform_f(dlx_rng *r);

/* Uniform on [0, 1) with 53 random bits. */
double rng_uniform(dlx_rng *r);

/* Uniform integer in [0, n), n > 0, without modulo bias (Lemire 2019). */
uint64_t rng_below(dlx_rng *r, uint64_t n);

/* Standard normal N(0,1) by the Box–Muller transform (one value per call,
   two uniforms consumed, no cached state). */
double rng_normal(dlx_rng *r);

/* Fisher–Yates shuffle of idx[0..n). */
void rng_shuffle(dlx_rng *r, int *idx, int n);

#endif
