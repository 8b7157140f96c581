/*
 * tensor_common.h — what the cp and ht kinds share (tensor_model.h): the
 * tensor's shape from data.shape, the multi-index of an example read from
 * its inputs, the initial draw, and each kind's full-tensor evaluation for
 * tensor_model_full. Private to src/models.
 */
#ifndef DLX_MODELS_TENSOR_COMMON_H
#define DLX_MODELS_TENSOR_COMMON_H

#include "util/real.h"
#include <stddef.h>

#include "models/model.h"

typedef struct {
    int order;                          /* N */
    int shape[DLX_MAX_TENSOR_ORDER];    /* M_n */
    long entries;                       /* Π M_n */
} tensor_shape;

/* The shape of cfg's tensor data, checked against the model's inputs
   (n_inputs must be N); the model's name for messages. */
dlx_status tensor_shape_of(tensor_shape *t, const dlx_config *cfg, const dlx_model_shape *shape,
                           const char *model, dlx_diags *diags);

/* The multi-index of an example from its N inputs, each clamped into its mode. */
void tensor_index_of(const tensor_shape *t, const real *x, int *index);

/* Advance a row-major multi-index by one entry (the last mode fastest). */
void tensor_index_next(const tensor_shape *t, int *index);

/* params [n] from model.init: N(0, std²), U(−limit, limit) or zeros. */
void tensor_init(real *params, size_t n, const dlx_model_config *m, dlx_rng *rng);

/* Ŷ in double at every entry (row-major): out [entries]. */
void cp_full_tensor(const void *impl, double *out);
void ht_full_tensor(const void *impl, double *out);
/* The shape a cp or ht model was built for. */
const tensor_shape *cp_shape(const void *impl);
const tensor_shape *ht_shape(const void *impl);

#endif
