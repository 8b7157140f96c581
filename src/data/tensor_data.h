/*
 * tensor_data.h — the synthetic order-N tensors of SPEC §7 (Cohen, Sharir &
 * Shashua 2016), with shape [M_1, ..., M_N] and a rank:
 *
 *   cp_tensor (rank Z):  Y = Σ_{z<Z} a_{1,z} ⊗ a_{2,z} ⊗ ... ⊗ a_{N,z},
 *                         a_{n,z} ∈ R^{M_n}, entries N(0, 1);
 *   ht_tensor (rank r, N = 2^L): the convolutional arithmetic circuit of
 *                         Cohen et al. (eq. 4), a balanced binary tree:
 *                         φ^{0,j,α} = a^{0,j,α} ∈ R^{M_j}, α < r;
 *                         φ^{l,j,γ} = Σ_{α<r} a^{l,j,γ}_α φ^{l−1,2j−1,α} ⊗ φ^{l−1,2j,α},
 *                         γ < r below the root and a single γ at level L;
 *                         every weight N(0, 1).
 *
 * Both are then scaled so that the mean square entry is 1 (‖Y‖²_F equals the
 * number of entries), and noise·N(0, 1) is added to every entry. The truth is
 * drawn from data.seed's truth stream, the noise from its training stream.
 * Every entry is an example: inputs x = (i_1, ..., i_N), the multi-index as
 * numbers, target Y_{i_1...i_N}, in row-major order (the last mode fastest);
 * the test split holds the same entries (the whole tensor is the data).
 * A tensor read from a file (data.source safetensors, experiment/
 * tensor_file.h) goes through the same shape checks and the same splits
 * (tensor_data_check_shape, tensor_data_fill), with the file's values as
 * they are.
 */
#ifndef DLX_DATA_TENSOR_DATA_H
#define DLX_DATA_TENSOR_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"

/* The number of entries of cfg's tensor (the product of data.shape). */
long tensor_data_entries(const dlx_data_config *cfg);

/* The tensor of cfg, row-major in double, before it is rounded to float and
   with its noise: values [tensor_data_entries(cfg)]. */
dlx_status tensor_data_values(const dlx_data_config *cfg, double *values, const char *source_file,
                              dlx_diags *d);

/* The checks of an order-N tensor's shape, shared by the generated tensors
   and the ones read from a file: 2..DLX_MAX_TENSOR_ORDER modes (a power of
   2 when tree, tree_why saying why: "for an ht_tensor"), each of size at
   least 1, at most 10⁷ entries. what names the shape in messages
   ("data.shape"). */
dlx_status tensor_data_check_shape(int order, const int64_t *shape, bool tree, const char *tree_why,
                                   const char *what, const char *file, dlx_diags *d);

/* The two splits of a tensor of the given order and shape, values row-major
   (the last mode fastest): every entry an example with inputs its
   multi-index and target values[e] + noise·N(0, 1) (the noise from seed's
   training stream), rounded to float; test = train. Sets ds->tensor_order
   and ds->tensor_shape. */
dlx_status tensor_data_fill(dlx_dataset *ds, int order, const int *shape, const double *values, double noise,
                            uint64_t seed, const char *source_file, dlx_diags *d);

/* Check cfg's shape, rank and noise, then generate the two splits. */
dlx_status tensor_data_generate(dlx_dataset *ds, const dlx_data_config *cfg, const char *source_file,
                                dlx_diags *d);

#endif
