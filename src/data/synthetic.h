/*
 * synthetic.h — generated datasets with a known ground truth.
 *
 * Everything comes from data.seed through util/rng.h, on separate streams
 * for the ground truth (means, weights, rotation), the training examples and
 * the test examples: the same seed gives identical data, train and test are
 * drawn from the same distribution with the same ground truth, and changing
 * n_train leaves the test split unchanged. Each example draws a fixed count of
 * random numbers whatever `noise` is, so two datasets that differ only in
 * `noise` have the same inputs and differ only in their labels (targets).
 *
 * Kinds (x ∈ R^dim, each generator's comment gives its formula):
 *   gaussian_mixture  classification, `classes`, `separation`, label noise
 *   linear            regression, `condition` of the design covariance, target noise,
 *                     `sparsity` (a k-sparse w*)
 *   logistic          two classes, label flips, `sparsity`, `scale_ratio` of the
 *                     feature scales
 * The w* of linear and logistic data is kept in dlx_dataset.true_weights.
 *   teacher           classification by a random tanh MLP, `teacher_hidden`, label noise
 */
#ifndef DLX_DATA_SYNTHETIC_H
#define DLX_DATA_SYNTHETIC_H

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"

/* rng streams of data.seed (subsampling uses its own, see subsample.h). */
enum {
    SYNTHETIC_STREAM_TRUTH = 101,
    SYNTHETIC_STREAM_TRAIN = 102,
    SYNTHETIC_STREAM_TEST = 103,
    SYNTHETIC_STREAM_SPARE = 104,  /* the one spare example (dlx_dataset.spare) */
};

/* Generate cfg->n_train training and cfg->n_test test examples of kind
   cfg->kind. Parameter errors (sizes, noise outside its range, ...) are
   reported on source_file, all at once. */
dlx_status synthetic_generate(dlx_dataset *ds, const dlx_data_config *cfg,
                              const char *source_file, dlx_diags *d);

#endif
