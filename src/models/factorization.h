/*
 * factorization.h — the matrix factorization Ŷ = U·Vᵀ as a model kind
 * (SPEC §7; Haeffele & Vidal 2015).
 *
 * U is rows×r and V cols×r, both row-major, no bias; tensors "U" and "V"
 * (both weights, so `l2: λ` is λ·½(‖U‖²_F + ‖V‖²_F), the variational form of
 * λ‖UVᵀ‖_*). Examples are matrix entries (i, j, Y_ij). The training loss of a
 * batch B of the n observed entries Ω is
 *     ℓ_B(U, V) = (n/|B|) · ½ Σ_{(i,j)∈B} (Y_ij − ⟨U_i, V_j⟩)²,
 * so that a full batch gives exactly ½‖P_Ω(Y − UVᵀ)‖²_F, the sum over entries
 * of Haeffele & Vidal's objective, and a minibatch an unbiased estimate of
 * it. Evaluation scores the squared error (Y_ij − Ŷ_ij)² per entry, so
 * train_loss and test_loss are mean squared errors over the entries.
 */
#ifndef DLX_MODELS_FACTORIZATION_H
#define DLX_MODELS_FACTORIZATION_H

#include "models/model.h"

extern const dlx_model_kind MODEL_KIND_FACTORIZATION;

#endif
