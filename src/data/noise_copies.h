/*
 * noise_copies.h — a training split replicated J times with Gaussian input
 * noise drawn once (regularizer.noise_copies).
 *
 * The slide's argument for "training with noise is ridge regression" (Bishop
 * 1995): replace each example x_i by J noisy copies x_i + ε_ij, ε_ij ~
 * N(0, σ²I), and fit least squares on the J·n examples. As J → ∞ the mean
 * squared error of the replicated set tends to its expectation
 * (1/n)Σ_i (y_i − x_i·w − b)² + σ²‖w‖², the ridge objective with λ = 2σ²
 * in SPEC's (λ/2)‖w‖² convention, so its minimizer tends to the ridge
 * solution; the distance falls like (J·n)^{-1/2} (the noise's sample moments
 * (1/Jn)Σ εεᵀ − σ²I and (1/Jn)Σ x εᵀ are averages of Jn independent terms).
 */
#ifndef DLX_DATA_NOISE_COPIES_H
#define DLX_DATA_NOISE_COPIES_H

#include "data/dataset.h"
#include "util/diag.h"
#include "util/rng.h"

/* Allocate *out with copies·src->n examples: row j·n + i is example i of src
   with σ·z added to each input, z ~ N(0, 1) drawn in row order from rng;
   labels or targets copied unchanged. src is not changed. DLX_ERR_INPUT
   (too large a split) or DLX_ERR_RUNTIME (memory), with a message. */
dlx_status noise_copies_split(dlx_split *out, const dlx_split *src, int copies, double sigma,
                              dlx_rng *rng, dlx_diags *d);

#endif
