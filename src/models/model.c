/*
 * model.c — the model interface's wrappers and the model registry.
 *
 * The registry maps each model.type of the experiment file to the kind that
 * implements it. It is indexed by the dlx_model_type enum (whose names the
 * spec layer lists in SPEC_MODEL_TYPES) and its length is checked at compile
 * time, so a type added without a row fails to build instead of reading past
 * the table.
 */
#include "models/model.h"
#include "util/real.h"

#include <string.h>

#include "models/factorization.h"
#include "models/mlp.h"
#include "models/tensor_model.h"

/* model.type -> kind: linear, logistic and softmax are MLPs without hidden layers. */
static const dlx_model_kind *const KIND_OF_TYPE[] = {
    [MODEL_LINEAR] = &MODEL_KIND_MLP,
    [MODEL_LOGISTIC] = &MODEL_KIND_MLP,
    [MODEL_SOFTMAX] = &MODEL_KIND_MLP,
    [MODEL_MLP] = &MODEL_KIND_MLP,
    [MODEL_FACTORIZATION] = &MODEL_KIND_FACTORIZATION,
    [MODEL_CP] = &MODEL_KIND_CP,
    [MODEL_HT] = &MODEL_KIND_HT,
};
_Static_assert(sizeof KIND_OF_TYPE / sizeof *KIND_OF_TYPE == MODEL_TYPE_COUNT,
               "every model type needs its row in KIND_OF_TYPE");

dlx_status model_create_kind(dlx_model *m, const dlx_model_kind *kind, const dlx_config *cfg,
                             const dlx_model_shape *shape, dlx_diags *diags)
{
    *m = (dlx_model){.kind = kind};
    dlx_status st = kind->create(&m->impl, cfg, shape, diags);
    if (st != DLX_OK)
        model_free(m);
    return st;
}

dlx_status model_create(dlx_model *m, const dlx_config *cfg, const dlx_model_shape *shape,
                        dlx_diags *diags)
{
    unsigned type = (unsigned)cfg->model.type;
    if (type >= MODEL_TYPE_COUNT || !KIND_OF_TYPE[type]) {
        *m = (dlx_model){0};
        diags_add(diags, NULL, 0, 0, "no model kind implements model type %u", type);
        return DLX_ERR_INPUT;
    }
    return model_create_kind(m, KIND_OF_TYPE[type], cfg, shape, diags);
}

void model_free(dlx_model *m)
{
    if (m->kind && m->impl)
        m->kind->destroy(m->impl);
    *m = (dlx_model){0};
}

void model_init(dlx_model *m, dlx_rng *rng) { m->kind->init(m->impl, rng); }
dlx_tensor *model_tensors(dlx_model *m, int *count) { return m->kind->tensors(m->impl, count); }
real *model_params(dlx_model *m) { return m->kind->params(m->impl); }
real *model_grads(dlx_model *m) { return m->kind->grads(m->impl); }
size_t model_n_params(const dlx_model *m) { return m->kind->n_params(m->impl); }
int model_n_outputs(const dlx_model *m) { return m->kind->n_outputs(m->impl); }
int model_max_batch(const dlx_model *m) { return m->kind->max_batch(m->impl); }
void model_backward(dlx_model *m) { m->kind->backward(m->impl); }

int model_n_tensors(dlx_model *m)
{
    int n = 0;
    model_tensors(m, &n);
    return n;
}

dlx_tensor *model_tensor(dlx_model *m, int i)
{
    int n = 0;
    dlx_tensor *t = model_tensors(m, &n);
    return i >= 0 && i < n ? &t[i] : NULL;
}

dlx_tensor *model_find_tensor(dlx_model *m, const char *name)
{
    int n = 0;
    dlx_tensor *t = model_tensors(m, &n);
    for (int i = 0; i < n; i++)
        if (!strcmp(t[i].name, name))
            return &t[i];
    return NULL;
}

double model_forward_train(dlx_model *m, const dlx_batch *batch, dlx_rng *rng)
{
    return m->kind->forward_train(m->impl, batch, rng);
}

double model_evaluate(dlx_model *m, const dlx_batch *batch, long *correct)
{
    return m->kind->evaluate(m->impl, batch, correct);
}

void model_predict(dlx_model *m, const real *x, int B, dlx_rng *rng, real *out)
{
    m->kind->predict(m->impl, x, B, rng, out);
}

double model_product_penalty(dlx_model *m, double lambda, bool add_gradient)
{
    return m->kind->product_penalty ? m->kind->product_penalty(m->impl, lambda, add_gradient) : 0.0;
}

int model_n_probes(const dlx_model *m) { return m->kind->n_probes ? m->kind->n_probes(m->impl) : 0; }

int model_probe_width(const dlx_model *m, int l)
{
    return m->kind->probe_width ? m->kind->probe_width(m->impl, l) : 0;
}

void model_probe(dlx_model *m, const real *x, int B, real *const *pre)
{
    if (m->kind->probe)
        m->kind->probe(m->impl, x, B, pre);
}

bool model_has_probe_inputs(const dlx_model *m) { return m->kind->probe_inputs != NULL; }

void model_probe_inputs(dlx_model *m, const real *x, int B, real *const *in)
{
    if (m->kind->probe_inputs)
        m->kind->probe_inputs(m->impl, x, B, in);
}

dlx_batch model_batch_of_split(const dlx_split *s, int start, int size)
{
    return (dlx_batch){
        .size = size,
        .x = s->x ? s->x + (size_t)start * (size_t)s->dim : NULL,
        .labels = s->labels ? s->labels + start : NULL,
        .targets = s->targets ? s->targets + (size_t)start * (size_t)(s->n_targets > 0 ? s->n_targets : 1) : NULL,
        .weights = s->weights ? s->weights + start : NULL,
        .row = s->entry_row ? s->entry_row + start : NULL,
        .col = s->entry_col ? s->entry_col + start : NULL,
    };
}
