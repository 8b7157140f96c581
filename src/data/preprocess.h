/*
 * preprocess.h — input preprocessing with statistics of the training split
 * (data.preprocess).
 *
 *   none         x unchanged
 *   scale        x ← x / 255 (pixel values to [0, 1])
 *   standardize  x_j ← (x_j − μ_j) / σ_j per feature, population σ; a
 *                feature with σ_j = 0 becomes x_j − μ_j
 *   whiten       ZCA: x ← (x − μ)·W, W = U·diag(1/√(λ_i + ε))·Uᵀ from the
 *                eigendecomposition C = U·diag(λ)·Uᵀ of the training
 *                covariance (Bell & Sejnowski 1997; Krizhevsky 2009, App. A),
 *                ε = WHITEN_EPS_RELATIVE·max λ
 *
 * μ, σ and C are computed on the training split in double precision and
 * applied to both splits unchanged, so the test split never informs them.
 */
#ifndef DLX_DATA_PREPROCESS_H
#define DLX_DATA_PREPROCESS_H

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"

/* ε of whiten relative to the largest eigenvalue: small enough that the
   whitened training covariance is the identity to float precision when
   cond(C) is far below 1e12, large enough to keep 1/√(λ+ε) finite on
   directions of zero variance (constant pixels), which stay at 0 for the
   training split. */
#define WHITEN_EPS_RELATIVE 1e-12

/* Preprocess both splits of ds in place. Errors (on source_file): whiten of
   constant training inputs; out of memory is DLX_ERR_RUNTIME. */
dlx_status preprocess_dataset(dlx_dataset *ds, dlx_preprocess mode, const char *source_file,
                              dlx_diags *d);

#endif
