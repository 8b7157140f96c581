/*
 * tensor_file.h — data.source safetensors: an order-N tensor read from a
 * .safetensors file, laid out as the generated cp_tensor and ht_tensor are
 * (data/tensor_data.h): every entry an example whose inputs are its
 * multi-index and whose target is its value (plus data.noise·N(0, 1) from
 * data.seed's training stream), the test split the same entries.
 *
 * It lives in the experiment layer because it needs both io/ (the
 * safetensors reader, which checks every field of the untrusted header and
 * sizes) and data/ (the splits and the shape checks shared with the
 * generated tensors), two peers that may not include each other. The data
 * cache loads it (experiment/data_cache.c); validation checks it
 * (experiment/validate.c), with messages at data.path; the plan copies the
 * file's order and shape into the arm's config once the data are loaded
 * (experiment/plan.c), for the cp and ht models.
 *
 * The tensor is data.tensor, or the file's only tensor; its dtype F32 or F64
 * (converted to float, the run's precision), 2 to 16 dimensions each at
 * least 1 (2, 4, 8 or 16 for model.type ht), at most 10⁷ entries, every
 * value finite.
 */
#ifndef DLX_EXPERIMENT_TENSOR_FILE_H
#define DLX_EXPERIMENT_TENSOR_FILE_H

#include <stdbool.h>

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"

/* Read and check d's tensor: *values [entries] row-major in double (caller
   frees), *order its modes, shape [DLX_MAX_TENSOR_ORDER] their sizes. tree:
   the model is ht (2, 4, 8 or 16 modes). Messages go to source_file at
   `at`, as "data.path: PATH: ...". */
dlx_status tensor_file_read(const dlx_data_config *d, bool tree, const char *source_file, dlx_source_pos at,
                            double **values, int *order, int *shape, dlx_diags *diags);

/* Validation: cfg's tensor file (when data.source is safetensors) can be
   read and fits cfg's model; DLX_OK for other sources. */
dlx_status tensor_file_check(const dlx_config *cfg, const char *source_file, dlx_diags *diags);

/* A dlx_data_loader for data.source safetensors: the two splits of the
   file's tensor (ds->tensor_order and ds->tensor_shape set). */
dlx_status tensor_file_load(dlx_dataset *ds, const dlx_data_config *cfg, const char *source_file,
                            dlx_diags *diags);

#endif
