/*
 * importance.h — importance weights of the training examples under
 * covariate shift, `data.importance` (SPEC §9).
 *
 * With training inputs from q₀ and test inputs from q₁, the importance
 * weight of a training example is w(x) = q₁(x)/q₀(x); weighting each
 * training loss by w(x)^λ interpolates between ordinary fitting (λ = 0) and
 * the importance-weighted fit (λ = 1) that Shimodaira (2000) shows to
 * be asymptotically optimal when the model is misspecified. The weights are
 * normalized to mean 1 over the training split, so the weighted objective
 * has the scale of the unweighted one; the test split stays unweighted.
 *
 *   exact       the known densities of data.kind shifted_regression
 *   classifier  a logistic regression of "test" against "training" on the
 *               features x_j and x_j² (each standardized over both splits),
 *               with a ridge of 1e-4 on the coefficients: the log-odds
 *               log(n₀q₁/(n₁q₀)) of two normal densities with diagonal
 *               covariances is exactly of that form, and log w(x) is the
 *               fitted log-odds up to a constant, which the normalization
 *               removes (Bickel, Brückner & Scheffer 2009, "Discriminative
 *               learning under covariate shift", JMLR 10).
 */
#ifndef DLX_DATA_IMPORTANCE_H
#define DLX_DATA_IMPORTANCE_H

#include "util/real.h"
#include "data/dataset.h"

/* The classifier fits at most this many inputs (2·dim + 1 coefficients). */
#define DLX_IMPORTANCE_MAX_DIM 512

/* Set ds->train.weights to w(x)^power / mean for cfg->importance (nothing
   for none). Messages on source_file. */
dlx_status importance_apply(dlx_dataset *ds, const dlx_data_config *cfg, const char *source_file,
                            dlx_diags *d);

/* Normalize log-weights lw[n] (any constant offset) to w_i = e^{lw_i} / mean
   in double, written as float into w; the largest is subtracted first, so
   no exponential overflows. */
void importance_normalize(real *w, const double *lw, int n);

#endif
