/*
 * teacher_regression.h — the synthetic regression data of SPEC §7's NN-LIFT
 * (Janzamin, Sedghi & Anandkumar 2015): standard Gaussian inputs and the
 * output of a two-layer teacher network,
 *
 *   x ~ N(0, I_d),   y = a₂ᵀ σ(A₁ x + b₁) + noise·ε,   ε ~ N(0, 1),
 *
 * with k = data.hidden ≤ d = data.dim units and σ = data.activation. The
 * teacher is drawn from data.seed's truth stream:
 *   A₁ [k, d]: the first k columns of a Haar-random orthogonal d×d matrix
 *              (QR of a Gaussian matrix, util/linalg.h), so its rows are
 *              orthonormal;
 *   b₁_j ~ U(−0.5, 0.5);
 *   a₂_j = s_j·u_j with s_j = ±1 equally likely and u_j ~ U(1, 2).
 * The output has no bias. These ranges keep the score-function weights
 * λ_j = a₂_j·E[σ'''(z + b₁_j)], z ~ N(0, 1), of a sigmoid teacher away from
 * zero: E[σ'''(z + b)] = −0.062 at b = 0 and −0.055 at |b| = 0.5 (it
 * vanishes only for |b| near 2), so 0.055 ≤ |λ_j| ≤ 0.125
 * (src/train/tensor_lift.c recovers A₁ from them).
 * Each split's inputs and noise come from its own stream (train, test, the
 * spare example), in example order: for each example its d inputs, then ε.
 * A₁ is kept in the dataset (teacher_first_layer) for the weight_recovery
 * diagnostic.
 */
#ifndef DLX_DATA_TEACHER_REGRESSION_H
#define DLX_DATA_TEACHER_REGRESSION_H

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"
#include "util/rng.h"

/* The teacher of cfg: A₁ [hidden, dim] row-major, b₁ [hidden], a₂ [hidden],
   drawn from rng as above. Returns DLX_ERR_RUNTIME if LAPACK fails or
   memory runs out. */
dlx_status teacher_regression_truth(const dlx_data_config *cfg, dlx_rng *rng, double *first_layer,
                                    double *bias1, double *weights2);

/* σ(z) of activation a in double: relu max(0, z), sigmoid 1/(1 + e^{−z}),
   tanh, identity. */
double teacher_regression_activation(dlx_activation a, double z);

/* Check cfg's sizes and noise, then generate both splits, the spare example
   and ds->teacher_first_layer. */
dlx_status teacher_regression_generate(dlx_dataset *ds, const dlx_data_config *cfg,
                                       const char *source_file, dlx_diags *d);

#endif
