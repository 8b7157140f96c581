/*
 * tensor_model.h — the two models of an order-N tensor (SPEC §7; Cohen,
 * Sharir & Shashua 2016), fitted to every entry of data.kind cp_tensor or
 * ht_tensor. An example is one entry: its inputs are the multi-index
 * (i_1, ..., i_N) as numbers, its target the value.
 *
 *   cp (rank Z, "shallow"):  Ŷ_{i_1..i_N} = Σ_{z<Z} Π_n A_n[i_n, z],
 *       tensors "A1".."AN" of shape [M_n, Z];
 *   ht (rank r, "deep", N = 2^L): Cohen et al.'s convolutional arithmetic
 *       circuit, a balanced binary tree. Leaf j holds "leaf<j>" [M_j, r]
 *       (v⁰_j[α] = leaf_j[i_j, α]); node j of level l holds "node<l>.<j>"
 *       [r_out, r] and computes v^l_j[γ] = Σ_α W[γ, α]·v^{l−1}_{2j−1}[α]·v^{l−1}_{2j}[α],
 *       r_out = r below the root and 1 at the root, whose value is Ŷ.
 *
 * Both are fitted like the factorization: the loss of a batch B of the n
 * training entries is (n/|B|)·½ Σ_B (Y − Ŷ)² (a full batch: ½‖Y − Ŷ‖²_F),
 * evaluation scores (Y − Ŷ)² per entry. Both have the degree-matched
 * product regularizer (Haeffele & Vidal 2015): for cp Σ_z Π_n ‖A_n[:, z]‖₂
 * (degree N, as Ŷ in the factors of one term), for ht Π_v ‖W_v‖_F over all
 * 2N − 1 nodes (degree 2N − 1, as Ŷ in all its weights).
 */
#ifndef DLX_MODELS_TENSOR_MODEL_H
#define DLX_MODELS_TENSOR_MODEL_H

#include <stdbool.h>

#include "models/model.h"

extern const dlx_model_kind MODEL_KIND_CP;
extern const dlx_model_kind MODEL_KIND_HT;

/* The full tensor Ŷ of a cp or ht model, computed in double from its float
   parameters, row-major over its shape: out [Π M_n]. *order and shape
   [DLX_MAX_TENSOR_ORDER] get its shape. False (nothing written) when m is
   not a tensor model. */
bool tensor_model_full(dlx_model *m, double *out, int *order, int *shape);

/* The number of entries of a tensor model's Ŷ, 0 when m is not one. */
long tensor_model_entries(dlx_model *m);

#endif
