/*
 * grad_standardize.h — standardizing a gradient per unit over the batch, the
 * backward counterpart of batch normalization's forward standardization
 * (model.batch_norm.backward: standardize).
 *
 * The model's loss is the batch mean, so the gradient g[B, n] arriving at a
 * layer's output is (1/B)·u with u_i = ∂ℓ_i/∂y_i the per-example gradient.
 * Standardizing u per unit j over the batch,
 *
 *     m_j = (1/B) Σ_i u_ij,   s²_j = (1/B) Σ_i (u_ij − m_j)²   (biased, as BN's forward)
 *     u'_ij = (u_ij − m_j)/sqrt(s²_j + eps)
 *
 * and handing on g' = u'/B keeps the mean-loss convention, so the result is
 *
 *     g'_ij = (g_ij − mean_B g_j)/sqrt(B²·var_B g_j + eps).
 *
 * The B² puts eps on the scale of per-example gradients, not of the tiny
 * 1/B-scaled entries, so eps = model.batch_norm.eps means what it means in
 * the forward pass. Nothing here allocates.
 */
#ifndef DLX_NN_GRAD_STANDARDIZE_H
#define DLX_NN_GRAD_STANDARDIZE_H

#include "util/real.h"

/* g ← (g − mean_B g)/sqrt(B²·var_B g + eps) per column of g[B, n], in place. */
void grad_standardize(real *g, int B, int n, double eps);

#endif
