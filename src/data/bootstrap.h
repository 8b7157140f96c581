/*
 * bootstrap.h — a bootstrap resample of a training split (data.bootstrap).
 *
 * Efron (1979): n draws with replacement from the n examples, each index
 * uniform on [0, n). An example is left out with probability (1 − 1/n)^n →
 * 1/e, so a resample holds about 1 − 1/e ≈ 63.2% distinct examples. The
 * ensembles of Lakshminarayanan et al. (2017) and the bagging of Breiman
 * (1996) train one model per resample.
 */
#ifndef DLX_DATA_BOOTSTRAP_H
#define DLX_DATA_BOOTSTRAP_H

#include "data/dataset.h"
#include "util/diag.h"
#include "util/rng.h"

/* Allocate *out as a resample of src: src->n examples, row k a copy of row
   i_k of src with i_k = rng_below(rng, src->n) drawn in order k = 0..n−1.
   src is not changed. DLX_ERR_RUNTIME (with a message) when memory runs
   out. */
dlx_status bootstrap_split(dlx_split *out, const dlx_split *src, dlx_rng *rng, dlx_diags *d);

#endif
