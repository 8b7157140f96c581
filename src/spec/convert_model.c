/*
 * convert_model.c — the `model:` section into a dlx_model_config.
 *
 * batch_norm, dropout and init each take a short scalar form or a mapping:
 *   batch_norm: true            == {enabled: true, momentum: 0.1, eps: 1.0e-05, position: before,
 *                                   backward: none}
 *   dropout: 0.5                == {hidden: 0.5, input: 0.0, kind: bernoulli, scaling: inverted,
 *                                   position: before_bn}
 *   init: he                    == {scheme: he}
 * hidden, activation, batch_norm and dropout exist only for mlp.
 * dropconnect_inference (weight_scaling | moment_matching) and
 * dropconnect_samples need DropConnect (dropout kind dropconnect with a rate
 * above 0); dropconnect_samples needs moment_matching.
 */
#include <stdio.h>
#include <string.h>

#include "spec/convert.h"

#define MAX_WIDTH (1 << 20)

/* The defaults of docs/config.md for model. */
static void set_defaults(dlx_model_config *m)
{
    memset(m, 0, sizeof *m);
    m->type = MODEL_MLP;
    m->activation = ACT_RELU;
    m->batch_norm = false;
    m->bn_momentum = 0.1;
    m->bn_eps = 1e-5;
    m->bn_position = BN_BEFORE;
    m->bn_backward = BN_BACKWARD_NONE;
    m->dropout_position = DROPOUT_BEFORE_BN;
    m->dropout_kind = DROPOUT_BERNOULLI;
    m->dropout_scaling = DROPOUT_INVERTED;
    m->dropconnect_inference = DROPCONNECT_WEIGHT_SCALING;
    m->dropconnect_samples = 1000;
    m->init = INIT_UNIFORM;
    m->init_std = 0.01;
    m->init_limit = 0.0;
}

/* hidden: a non-empty list of layer widths, each in [1, 2^20]. */
static void read_hidden(spec_ctx *ctx, const ytree_node *v, dlx_model_config *m)
{
    if (!spec_expect_kind(ctx, v, "model.hidden", YTREE_SEQ))
        return;
    if (v->count == 0) {
        spec_error(ctx, v, "model.hidden must be a non-empty list of layer sizes (e.g. [100, 100])");
        return;
    }
    if (v->count > DLX_MAX_HIDDEN) {
        spec_error(ctx, v, "model.hidden has %d layers; at most %d are supported", v->count, DLX_MAX_HIDDEN);
        return;
    }
    m->n_hidden = v->count;
    bool in_file = v->origin && !v->origin->context; /* not from --set */
    m->hidden_line = in_file ? v->line : 0;
    m->hidden_col = in_file ? v->col : 0;
    for (int i = 0; i < v->count; i++) {
        long long width = 1;
        const ytree_node *item = v->values[i];
        ytree_value t = item->kind == YTREE_SCALAR ? ytree_resolve(item) : (ytree_value){.type = YTREE_STRING};
        if ((t.type == YTREE_INT || t.type == YTREE_FLOAT) && t.number < 1 && t.number == (long long)t.number)
            spec_error(ctx, item, "model.hidden sizes must be positive, got %s", item->text);
        else
            spec_read_int(ctx, item, "model.hidden", 1, MAX_WIDTH, &width);
        m->hidden[i] = (int)width;
    }
}

/* batch_norm: a boolean, or {enabled, momentum, eps, position} (enabled by default). */
static void read_batch_norm(spec_ctx *ctx, const ytree_node *v, dlx_model_config *m)
{
    if (v->kind == YTREE_SCALAR) {
        spec_read_bool(ctx, v, "model.batch_norm", &m->batch_norm);
        return;
    }
    if (!spec_expect_kind(ctx, v, "model.batch_norm", YTREE_MAP))
        return;
    spec_check_keys(ctx, v, "model.batch_norm", NULL, 0);
    const ytree_node *x;
    double d;
    m->batch_norm = true;
    if ((x = spec_get(v, "enabled")))
        spec_read_bool(ctx, x, "model.batch_norm.enabled", &m->batch_norm);
    if ((x = spec_get(v, "momentum")) && spec_read_number(ctx, x, "model.batch_norm.momentum", &d) &&
        spec_check_unit(ctx, x, "model.batch_norm.momentum", d, true))
        m->bn_momentum = d;
    if ((x = spec_get(v, "eps")) && spec_read_number(ctx, x, "model.batch_norm.eps", &d) &&
        spec_check_positive(ctx, x, "model.batch_norm.eps", d))
        m->bn_eps = d;
    int e;
    if ((x = spec_get(v, "position")) &&
        spec_read_enum(ctx, x, "model.batch_norm.position", &SPEC_BN_POSITIONS, &e))
        m->bn_position = (dlx_bn_position)e;
    if ((x = spec_get(v, "backward")) &&
        spec_read_enum(ctx, x, "model.batch_norm.backward", &SPEC_BN_BACKWARDS, &e))
        m->bn_backward = (dlx_bn_backward)e;
}

/* A drop rate in [0, 1). */
static void read_rate(spec_ctx *ctx, const ytree_node *v, const char *path, double *out)
{
    double d;
    if (spec_read_number(ctx, v, path, &d) && spec_check_unit(ctx, v, path, d, false))
        *out = d;
}

/* dropout: a hidden drop rate, or {hidden, input, kind, scaling}. */
static void read_dropout(spec_ctx *ctx, const ytree_node *v, dlx_model_config *m)
{
    if (v->kind == YTREE_SCALAR) {
        read_rate(ctx, v, "model.dropout", &m->dropout_hidden);
        return;
    }
    if (!spec_expect_kind(ctx, v, "model.dropout", YTREE_MAP))
        return;
    spec_check_keys(ctx, v, "model.dropout", NULL, 0);
    const ytree_node *x;
    int e;
    if ((x = spec_get(v, "hidden")))
        read_rate(ctx, x, "model.dropout.hidden", &m->dropout_hidden);
    if ((x = spec_get(v, "input")))
        read_rate(ctx, x, "model.dropout.input", &m->dropout_input);
    if ((x = spec_get(v, "kind")) && spec_read_enum(ctx, x, "model.dropout.kind", &SPEC_DROPOUT_KINDS, &e))
        m->dropout_kind = (dlx_dropout_kind)e;
    if ((x = spec_get(v, "scaling")) &&
        spec_read_enum(ctx, x, "model.dropout.scaling", &SPEC_DROPOUT_SCALINGS, &e))
        m->dropout_scaling = (dlx_dropout_scaling)e;
    if ((x = spec_get(v, "position")) &&
        spec_read_enum(ctx, x, "model.dropout.position", &SPEC_DROPOUT_POSITIONS, &e))
        m->dropout_position = (dlx_dropout_position)e;
    if (x && m->dropout_position == DROPOUT_AFTER_BN && m->dropout_kind == DROPOUT_DROPCONNECT)
        spec_error(ctx, x, "model.dropout.position after_bn needs a unit dropout kind (bernoulli or "
                           "gaussian), got dropconnect");
}

/* dropconnect_inference and dropconnect_samples (Wan et al. 2013, Algorithm
   2), read after dropout: both are errors, at their key, on a model without
   DropConnect, and the number of samples is one without moment matching. */
static void read_dropconnect_inference(spec_ctx *ctx, const ytree_node *node, dlx_model_config *m)
{
    const ytree_node *how = spec_get(node, "dropconnect_inference"), *samples = spec_get(node, "dropconnect_samples");
    int e;
    long long n;
    if (how && spec_read_enum(ctx, how, "model.dropconnect_inference", &SPEC_DROPCONNECT_INFERENCES, &e))
        m->dropconnect_inference = (dlx_dropconnect_inference)e;
    if (samples && spec_read_int(ctx, samples, "model.dropconnect_samples", 1, 100000, &n))
        m->dropconnect_samples = (int)n;
    bool dropconnect = m->dropout_kind == DROPOUT_DROPCONNECT && (m->dropout_input > 0 || m->dropout_hidden > 0);
    const ytree_node *first = how ? how : samples;
    if (first && !dropconnect) {
        spec_error(ctx, first, "%s needs DropConnect: model.dropout.kind dropconnect with a rate above 0 "
                   "(here kind %s, input %g, hidden %g)", how ? "model.dropconnect_inference" : "model.dropconnect_samples",
                   spec_enum_name(&SPEC_DROPOUT_KINDS, (int)m->dropout_kind), m->dropout_input, m->dropout_hidden);
        return;
    }
    if (samples && m->dropconnect_inference != DROPCONNECT_MOMENT_MATCHING)
        spec_error(ctx, samples, "model.dropconnect_samples is the number of samples of moment matching: it needs "
                   "model.dropconnect_inference: moment_matching");
}

/* init: a scheme name, {scheme: ..., std | limit}, or {from: FILE}. */
static void read_init(spec_ctx *ctx, const ytree_node *v, dlx_model_config *m)
{
    int scheme;
    if (v->kind == YTREE_SCALAR) {
        if (spec_read_enum(ctx, v, "model.init", &SPEC_INIT_SCHEMES, &scheme))
            m->init = (dlx_init_scheme)scheme;
        return;
    }
    if (!spec_expect_kind(ctx, v, "model.init", YTREE_MAP))
        return;
    const ytree_node *from = spec_get(v, "from"), *s = spec_get(v, "scheme"), *x;
    bool scheme_ok = true;
    if (from && s && spec_inherited(from) != spec_inherited(s)) {
        /* an arm chose one form over the base's other form */
        if (spec_inherited(from))
            from = NULL;
        else
            s = NULL;
    }
    if (from && s) {
        spec_error(ctx, s, "model.init takes either 'scheme' or 'from', not both");
        scheme_ok = false;
    } else if (from) {
        m->init = INIT_FROM_FILE;
        if (spec_read_string(ctx, from, "model.init.from", m->init_from, sizeof m->init_from) &&
            m->init_from[0] == '\0')
            spec_error(ctx, from, "model.init.from must name a .safetensors file, not be empty");
    } else if (s) {
        scheme_ok = spec_read_enum(ctx, s, "model.init.scheme", &SPEC_INIT_SCHEMES, &scheme);
        if (scheme_ok)
            m->init = (dlx_init_scheme)scheme;
    }
    spec_choice choice = {"model.init.scheme", !scheme_ok ? SPEC_CHOICE_INVALID
                                               : from     ? NULL
                                                          : spec_enum_name(&SPEC_INIT_SCHEMES, (int)m->init)};
    spec_check_keys(ctx, v, "model.init", &choice, 1);
    double d;
    if (m->init == INIT_NORMAL && (x = spec_get(v, "std")) && spec_read_number(ctx, x, "model.init.std", &d) &&
        spec_check_positive(ctx, x, "model.init.std", d))
        m->init_std = d;
    if (m->init == INIT_UNIFORM && (x = spec_get(v, "limit"))) {
        if (x->kind == YTREE_SCALAR && !x->quoted && strcmp(x->text, "default") == 0)
            m->init_limit = 0.0;
        else if (spec_read_number(ctx, x, "model.init.limit", &d) && spec_check_positive(ctx, x, "model.init.limit", d))
            m->init_limit = d;
    }
}

/* model.type factorization, cp and ht: rank (default 10) and init,
   N(0, 0.01²) unless given; only the schemes that need no fan-in (normal,
   uniform with a limit, zeros) or a file. */
static void read_factorization(spec_ctx *ctx, const ytree_node *node, const ytree_node *parent,
                               dlx_model_config *m)
{
    const ytree_node *v;
    long long n;
    m->rank = 10;
    if ((v = spec_get(node, "rank")) && spec_read_int(ctx, v, "model.rank", 1, 100000, &n))
        m->rank = (int)n;
    m->init = INIT_NORMAL;
    m->init_std = 0.01;
    if (!(v = spec_get(node, "init")))
        return;
    read_init(ctx, v, m);
    if (m->init == INIT_XAVIER || m->init == INIT_HE)
        spec_error(ctx, v, "model.init %s needs a layer's fan-in; a factorization takes normal, uniform "
                           "(with a limit), zeros or {from: FILE}", spec_enum_name(&SPEC_INIT_SCHEMES, (int)m->init));
    else if (m->init == INIT_UNIFORM && !(m->init_limit > 0))
        spec_error(ctx, v, "model.init uniform needs a limit for a factorization (there is no fan-in for "
                           "PyTorch's default)");
    (void)parent;
}

void convert_model(spec_ctx *ctx, const ytree_node *node, const ytree_node *parent, dlx_model_config *m)
{
    set_defaults(m);
    if (node && !spec_expect_kind(ctx, node, "model", YTREE_MAP))
        node = NULL;
    const ytree_node *v;
    int e;
    bool type_ok = true;
    if ((v = spec_get(node, "type"))) {
        type_ok = spec_read_enum(ctx, v, "model.type", &SPEC_MODEL_TYPES, &e);
        if (type_ok)
            m->type = (dlx_model_type)e;
    }
    spec_choice choice = {"model.type", type_ok ? model_type_name(m->type) : SPEC_CHOICE_INVALID};
    spec_check_keys(ctx, node, "model", &choice, 1);
    if (m->type == MODEL_MLP && type_ok) {
        if ((v = spec_get(node, "hidden")))
            read_hidden(ctx, v, m);
        else
            spec_error(ctx, spec_get(node, "type") ? spec_get(node, "type") : node ? node : parent,
                       "model.hidden is required for model.type mlp (a list of layer sizes, e.g. [100, 100])");
        if ((v = spec_get(node, "activation")) && spec_read_enum(ctx, v, "model.activation", &SPEC_ACTIVATIONS, &e))
            m->activation = (dlx_activation)e;
        if ((v = spec_get(node, "batch_norm")))
            read_batch_norm(ctx, v, m);
        if ((v = spec_get(node, "dropout")))
            read_dropout(ctx, v, m);
    } else if ((v = spec_get(node, "dropout"))) {
        /* Without hidden layers only the inputs can be dropped (Wager et al. 2013). A hidden
           rate an arm inherits from an mlp base does not apply; one written here is an error. */
        read_dropout(ctx, v, m);
        const ytree_node *hidden = v->kind == YTREE_SCALAR ? v : spec_get(v, "hidden");
        if (m->dropout_hidden > 0 && hidden && !spec_inherited(hidden))
            spec_error(ctx, hidden, "model.type %s has no hidden units to drop: write model.dropout: {input: RATE}",
                       model_type_name(m->type));
        m->dropout_hidden = 0.0;
    }
    if (type_ok)
        read_dropconnect_inference(ctx, node, m);
    if (m->type == MODEL_MLP && type_ok && (v = spec_get(node, "bias"))) {
        bool bias = true;
        if (spec_read_bool(ctx, v, "model.bias", &bias))
            m->without_bias = !bias;
    }
    if ((m->type == MODEL_FACTORIZATION || m->type == MODEL_CP || m->type == MODEL_HT) && type_ok) {
        read_factorization(ctx, node, parent, m);
        return;
    }
    if ((v = spec_get(node, "init")))
        read_init(ctx, v, m);
}
