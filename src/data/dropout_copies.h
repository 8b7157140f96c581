/*
 * dropout_copies.h — a training split replicated J times, each copy with
 * its own input dropout mask drawn once (regularizer.dropout_copies).
 *
 * The dropout analogue of noise_copies.h (Srivastava et al. 2014, §9.1):
 * least squares on the J·n masked examples x̃_ij = s·(m_ij ∗ x_i), m_ij ~
 * Bernoulli(p)^d, p = 1 − rate the keep probability, s = 1/p for inverted
 * dropout and 1 for test-time scaling. As J → ∞ the mse of the replicated set
 * tends to its expectation, for inverted dropout
 *   (1/n)Σ_i (y_i − x_i·w − b)² + ((1−p)/p)·(1/n)·Σ_j w_j² Σ_i x_ij²,
 * a ridge penalty weighted by each feature's second moment (the
 * dropout_ridge reference), and the minimizer's distance to it falls like
 * J^(−1/2) (the masks' sample moments are averages of J·n independent terms).
 */
#ifndef DLX_DATA_DROPOUT_COPIES_H
#define DLX_DATA_DROPOUT_COPIES_H

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"
#include "util/rng.h"

/* Allocate *out with copies·src->n examples: row j·n + i is example i of src
   with each input kept with probability 1 − rate (u ≥ rate for u ~ U[0, 1)
   drawn in row order from rng), kept inputs multiplied by 1/(1 − rate) for
   DROPOUT_INVERTED and by 1 for DROPOUT_TEST_TIME, dropped ones 0; labels or
   targets copied unchanged. DLX_ERR_INPUT (too large a split) or
   DLX_ERR_RUNTIME (memory), with a message. */
dlx_status dropout_copies_split(dlx_split *out, const dlx_split *src, int copies, double rate,
                                dlx_dropout_scaling scaling, dlx_rng *rng, dlx_diags *d);

#endif
