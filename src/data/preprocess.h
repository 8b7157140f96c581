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
   whitened training covariance is the identity to the working precision
   (each eigenvalue becomes λ/(λ + ε) = 1 − ε/λ, so κ after whitening is
   1 + ε·cond(C)/max λ), large enough to keep 1/√(λ+ε) finite on directions
   of zero variance (constant pixels), which stay at 0 for the training
   split. float: 1e-12, below float rounding (6e-8) while cond(C) < 1e4;
   double: 1e-22, below double rounding (1.1e-16) while cond(C) < 1e6 (1e-12
   there left κ = 1 + 1e-9 at cond(C) = 1000). */
#ifdef DLX_FLOAT64
#define WHITEN_EPS_RELATIVE 1e-22
#else
#define WHITEN_EPS_RELATIVE 1e-12
#endif

/* Preprocess both splits of ds in place. Errors (on source_file): whiten of
   constant training inputs; out of memory is DLX_ERR_RUNTIME. */
dlx_status preprocess_dataset(dlx_dataset *ds, dlx_preprocess mode, const char *source_file,
                              dlx_diags *d);

#endif
