/*
 * tensor_model.c — the parts of the tensor models (tensor_model.h) that the
 * cp and ht kinds share: their shape, the multi-index of an example, the
 * initial draw, and the full tensor for the diagnostics.
 */
#include "models/tensor_model.h"
#include "util/real.h"

#include <math.h>
#include <string.h>

#include "models/tensor_common.h"
#include "nn/init.h"

dlx_status tensor_shape_of(tensor_shape *t, const dlx_config *cfg, const dlx_model_shape *shape,
                           const char *model, dlx_diags *diags)
{
    const dlx_data_config *d = &cfg->data;
    bool tensor = (d->source == DATA_SYNTHETIC && (d->kind == SYN_CP_TENSOR || d->kind == SYN_HT_TENSOR)) ||
                  d->source == DATA_SAFETENSORS;
    if (!tensor || d->tensor_order < 2 || shape->n_inputs != d->tensor_order) {
        diags_add(diags, NULL, 0, 0, "model %s needs an order-N tensor: data.kind cp_tensor or ht_tensor, "
                  "or data.source safetensors", model);
        return DLX_ERR_INPUT;
    }
    *t = (tensor_shape){.order = d->tensor_order, .entries = 1};
    for (int n = 0; n < t->order; n++) {
        t->shape[n] = d->tensor_shape[n];
        t->entries *= t->shape[n];
    }
    return DLX_OK;
}

void tensor_index_of(const tensor_shape *t, const real *x, int *index)
{
    for (int n = 0; n < t->order; n++) {
        real v = x[n];
        int i = v >= 0 && v < (real)t->shape[n] ? (int)v : 0;   /* NaN and out of range: 0 */
        index[n] = i;
    }
}

void tensor_index_next(const tensor_shape *t, int *index)
{
    for (int n = t->order - 1; n >= 0; n--) {
        if (++index[n] < t->shape[n])
            return;
        index[n] = 0;
    }
}

void tensor_init(real *params, size_t n, const dlx_model_config *m, dlx_rng *rng)
{
    switch (m->init) {
    case INIT_UNIFORM:
        init_uniform(params, n, m->init_limit > 0 ? m->init_limit : 1.0, rng);
        break;
    case INIT_ZEROS:
        memset(params, 0, n * sizeof *params);
        break;
    default:
        init_normal(params, n, m->init_std, rng);
        break;
    }
}

bool tensor_model_full(dlx_model *m, double *out, int *order, int *shape)
{
    const tensor_shape *t = m->kind == &MODEL_KIND_CP ? cp_shape(m->impl)
                            : m->kind == &MODEL_KIND_HT ? ht_shape(m->impl) : NULL;
    if (!t)
        return false;
    *order = t->order;
    memcpy(shape, t->shape, sizeof t->shape);
    if (m->kind == &MODEL_KIND_CP)
        cp_full_tensor(m->impl, out);
    else
        ht_full_tensor(m->impl, out);
    return true;
}

long tensor_model_entries(dlx_model *m)
{
    const tensor_shape *t = m->kind == &MODEL_KIND_CP ? cp_shape(m->impl)
                            : m->kind == &MODEL_KIND_HT ? ht_shape(m->impl) : NULL;
    return t ? t->entries : 0;
}
