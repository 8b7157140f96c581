/*
 * convert_training.c — loss, regularizer, optimizer, training and
 * diagnostics, and the assembly of a whole dlx_config.
 *
 * Optimizer defaults are PyTorch's (torch.optim): momentum 0.9 for
 * momentum/nesterov (PyTorch's SGD default is 0, but SPEC §2 fixes 0.9),
 * Adam betas (0.9, 0.999) and eps 1e-8, RMSprop alpha 0.99 and eps 1e-8,
 * Adagrad eps 1e-10.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spec/convert.h"

#define MAX_EPOCHS 1000000000LL
#define MAX_BATCH 1000000000LL
#define MAX_NOISE_COPIES 1000000LL

void convert_loss(spec_ctx *ctx, const ytree_node *node, dlx_model_type model_type, dlx_loss *loss)
{
    static const dlx_loss by_model[] = {
        [MODEL_LINEAR] = LOSS_MSE,
        [MODEL_LOGISTIC] = LOSS_LOGISTIC,
        [MODEL_SOFTMAX] = LOSS_CROSS_ENTROPY,
        [MODEL_MLP] = LOSS_CROSS_ENTROPY,
        [MODEL_FACTORIZATION] = LOSS_MSE,
        [MODEL_CP] = LOSS_MSE,
        [MODEL_HT] = LOSS_MSE,
    };
    _Static_assert(sizeof by_model / sizeof *by_model == MODEL_TYPE_COUNT, "a default loss for every model type");
    *loss = (int)model_type >= 0 && (int)model_type < MODEL_TYPE_COUNT ? by_model[model_type] : LOSS_CROSS_ENTROPY;
    int e;
    if (node && spec_read_enum(ctx, node, "loss", &SPEC_LOSSES, &e))
        *loss = (dlx_loss)e;
}

/* regularizer.noise_copies: J in 0..MAX_NOISE_COPIES, meaningful only with
   input noise to draw (an error otherwise, rather than silently nothing). */
static void read_noise_copies(spec_ctx *ctx, const ytree_node *v, dlx_regularizer_config *reg)
{
    long long copies;
    if (!v || !spec_read_int(ctx, v, "regularizer.noise_copies", 0, MAX_NOISE_COPIES, &copies))
        return;
    if (copies > 0 && !(reg->input_noise > 0))
        spec_error(ctx, v, "regularizer.noise_copies needs regularizer.input_noise > 0 "
                   "(the standard deviation of the noise to draw)");
    else
        reg->noise_copies = (int)copies;
}

void convert_regularizer(spec_ctx *ctx, const ytree_node *node, dlx_regularizer_config *reg)
{
    static const char *const names[] = {"l2", "l1", "max_norm", "input_noise", "product"};
    memset(reg, 0, sizeof *reg);
    if (!node || !spec_expect_kind(ctx, node, "regularizer", YTREE_MAP))
        return;
    spec_check_keys(ctx, node, "regularizer", NULL, 0);
    double *fields[] = {&reg->l2, &reg->l1, &reg->max_norm, &reg->input_noise, &reg->product};
    for (int i = 0; i < 5; i++) {
        const ytree_node *v = spec_get(node, names[i]);
        char path[64];
        snprintf(path, sizeof path, "regularizer.%s", names[i]);
        double x;
        if (v && spec_read_number(ctx, v, path, &x) && spec_check_nonnegative(ctx, v, path, x))
            *fields[i] = x;
    }
    read_noise_copies(ctx, spec_get(node, "noise_copies"), reg);
    const ytree_node *v = spec_get(node, "dropout_copies");
    long long copies;
    if (v && spec_read_int(ctx, v, "regularizer.dropout_copies", 0, MAX_NOISE_COPIES, &copies))
        reg->dropout_copies = (int)copies;
}

/* regularizer.dropout_copies masks the inputs: it needs Bernoulli input
   dropout to draw (model.dropout.input > 0, kind bernoulli), and it replaces
   per-step noise copies rather than combining with them. */
static void check_dropout_copies(spec_ctx *ctx, const ytree_node *map, const dlx_config *cfg)
{
    if (cfg->regularizer.dropout_copies == 0)
        return;
    const ytree_node *where = spec_get(spec_get(map, "regularizer"), "dropout_copies");
    if (!(cfg->model.dropout_input > 0) || cfg->model.dropout_kind != DROPOUT_BERNOULLI)
        spec_error(ctx, where, "regularizer.dropout_copies draws input dropout masks: it needs "
                   "model.dropout.input > 0 with kind bernoulli");
    else if (cfg->regularizer.noise_copies > 0 || cfg->regularizer.input_noise > 0)
        spec_error(ctx, where, "regularizer.dropout_copies cannot be combined with input_noise");
}

/* A decay rate or momentum in [0, 1). */
static void read_rate(spec_ctx *ctx, const ytree_node *v, const char *path, double *out)
{
    double x;
    if (v && spec_read_number(ctx, v, path, &x) && spec_check_unit(ctx, v, path, x, false))
        *out = x;
}

/* schedule: a type name, or {type, step_size | gamma | t_max, eta_min}.
   Defaults: step_size 10 and gamma 0.1 (StepLR's usual pair), exponential
   gamma 0.95, inverse_time gamma 1 (η/(1+e)), cosine t_max = epochs. */
static void read_schedule(spec_ctx *ctx, const ytree_node *v, dlx_schedule_config *s)
{
    int e;
    const ytree_node *type = v, *x;
    if (v->kind != YTREE_SCALAR) {
        if (!spec_expect_kind(ctx, v, "optimizer.schedule", YTREE_MAP))
            return;
        type = spec_get(v, "type");
    }
    bool type_ok = true;
    if (type) {
        type_ok = spec_read_enum(ctx, type, v == type ? "optimizer.schedule" : "optimizer.schedule.type",
                                 &SPEC_SCHEDULES, &e);
        if (type_ok)
            s->type = (dlx_schedule_type)e;
    }
    s->gamma = s->type == SCHED_STEP ? 0.1 : s->type == SCHED_EXPONENTIAL ? 0.95 : 1.0;
    if (v->kind != YTREE_MAP)
        return;
    spec_choice choice = {"optimizer.schedule.type",
                          type_ok ? spec_enum_name(&SPEC_SCHEDULES, (int)s->type) : SPEC_CHOICE_INVALID};
    spec_check_keys(ctx, v, "optimizer.schedule", &choice, 1);
    long long n;
    double d;
    if (s->type == SCHED_STEP && (x = spec_get(v, "step_size")) &&
        spec_read_int(ctx, x, "optimizer.schedule.step_size", 1, 1000000000LL, &n))
        s->step_size = (int)n;
    if (s->type == SCHED_STEP || s->type == SCHED_EXPONENTIAL) {
        if ((x = spec_get(v, "gamma")) && spec_read_number(ctx, x, "optimizer.schedule.gamma", &d) &&
            spec_check_positive(ctx, x, "optimizer.schedule.gamma", d)) {
            if (d > 1)
                spec_error(ctx, x, "optimizer.schedule.gamma must be in (0, 1], got %s", x->text);
            else
                s->gamma = d;
        }
    }
    if (s->type == SCHED_INVERSE_TIME && (x = spec_get(v, "gamma")) &&
        spec_read_number(ctx, x, "optimizer.schedule.gamma", &d) &&
        spec_check_nonnegative(ctx, x, "optimizer.schedule.gamma", d))
        s->gamma = d;
    if (s->type == SCHED_COSINE) {
        if ((x = spec_get(v, "t_max"))) {
            if (x->kind == YTREE_SCALAR && !x->quoted && strcmp(x->text, "epochs") == 0)
                s->t_max = 0;
            else if (spec_read_int(ctx, x, "optimizer.schedule.t_max", 1, 1000000000LL, &n))
                s->t_max = (int)n;
        }
        if ((x = spec_get(v, "eta_min")) && spec_read_number(ctx, x, "optimizer.schedule.eta_min", &d) &&
            spec_check_nonnegative(ctx, x, "optimizer.schedule.eta_min", d))
            s->eta_min = d;
    }
}

static bool is_word(const ytree_node *v, const char *word);

/* optimizer.lr: a number > 0, or `theory` for the SGD family (sgd and
   nesterov 1/L, momentum 4/(√L+√μ)²; resolved at run start). */
static void read_lr(spec_ctx *ctx, const ytree_node *v, dlx_optimizer_config *opt)
{
    bool sgd_family = opt->type == OPT_SGD || opt->type == OPT_MOMENTUM || opt->type == OPT_NESTEROV;
    double x;
    if (is_word(v, "theory")) {
        if (sgd_family)
            opt->lr_theory = true;
        else
            spec_error(ctx, v, "optimizer.lr: theory applies only to optimizer.type sgd, momentum, nesterov "
                               "(here it is %s)", optimizer_type_name(opt->type));
    } else if (spec_read_number(ctx, v, "optimizer.lr", &x) && spec_check_positive(ctx, v, "optimizer.lr", x)) {
        opt->lr = x;
    }
}

/* optimizer.momentum: a number in [0, 1), `theory` (momentum
   ((√κ−1)/(√κ+1))², nesterov (√κ−1)/(√κ+1), κ = L/μ), or `accelerated`
   (nesterov only: β_t = (t−1)/(t+2)). */
static void read_momentum(spec_ctx *ctx, const ytree_node *v, dlx_optimizer_config *opt)
{
    if (is_word(v, "theory")) {
        opt->momentum_rule = MOMENTUM_THEORY;
    } else if (is_word(v, "accelerated")) {
        if (opt->type == OPT_NESTEROV)
            opt->momentum_rule = MOMENTUM_ACCELERATED;
        else
            spec_error(ctx, v, "optimizer.momentum: accelerated applies only to optimizer.type nesterov "
                               "(here it is %s)", optimizer_type_name(opt->type));
    } else {
        read_rate(ctx, v, "optimizer.momentum", &opt->momentum);
        /* PyTorch's SGD refuses nesterov without momentum (optimizer_create would at run start) */
        if (opt->type == OPT_NESTEROV && opt->momentum == 0)
            spec_error(ctx, v, "optimizer.momentum must be > 0 for optimizer.type nesterov, got %s", v->text);
    }
}

void convert_optimizer(spec_ctx *ctx, const ytree_node *node, dlx_optimizer_config *opt)
{
    *opt = (dlx_optimizer_config){.type = OPT_SGD, .lr = 0.01, .momentum = 0.9, .beta1 = 0.9,
                                  .beta2 = 0.999, .alpha = 0.99, .eps = 1e-8,
                                  .schedule = {.type = SCHED_CONSTANT, .step_size = 10, .gamma = 1.0}};
    if (!node || !spec_expect_kind(ctx, node, "optimizer", YTREE_MAP))
        return;
    const ytree_node *v;
    int e;
    bool type_ok = true;
    if ((v = spec_get(node, "type"))) {
        type_ok = spec_read_enum(ctx, v, "optimizer.type", &SPEC_OPTIMIZERS, &e);
        if (type_ok)
            opt->type = (dlx_optimizer_type)e;
    }
    if (opt->type == OPT_ADAGRAD)
        opt->eps = 1e-10;
    spec_choice choice = {"optimizer.type", type_ok ? optimizer_type_name(opt->type) : SPEC_CHOICE_INVALID};
    spec_check_keys(ctx, node, "optimizer", &choice, 1);
    double x;
    if ((v = spec_get(node, "lr")))
        read_lr(ctx, v, opt);
    if ((opt->type == OPT_MOMENTUM || opt->type == OPT_NESTEROV) && (v = spec_get(node, "momentum")))
        read_momentum(ctx, v, opt);
    if (opt->type == OPT_ADAM) {
        read_rate(ctx, spec_get(node, "beta1"), "optimizer.beta1", &opt->beta1);
        read_rate(ctx, spec_get(node, "beta2"), "optimizer.beta2", &opt->beta2);
    }
    if (opt->type == OPT_RMSPROP)
        read_rate(ctx, spec_get(node, "alpha"), "optimizer.alpha", &opt->alpha);
    /* ε = 0 is safe only for Adagrad, whose zero accumulator implies a zero
       gradient (its update is then defined as 0, optim/optimizer.c); RMSprop's
       and Adam's running averages can reach 0 under a nonzero gradient. */
    if (opt->type == OPT_ADAGRAD) {
        if ((v = spec_get(node, "eps")) && spec_read_number(ctx, v, "optimizer.eps", &x) &&
            spec_check_nonnegative(ctx, v, "optimizer.eps", x))
            opt->eps = x;
    } else if (opt->type == OPT_RMSPROP || opt->type == OPT_ADAM) {
        if ((v = spec_get(node, "eps")) && spec_read_number(ctx, v, "optimizer.eps", &x) &&
            spec_check_positive(ctx, v, "optimizer.eps", x))
            opt->eps = x;
    }
    if ((v = spec_get(node, "schedule")))
        read_schedule(ctx, v, &opt->schedule);
}

/* training.grow_rank: {start: 1, max: 50, epochs: 2000, tol: 1.0e-4} (SPEC §7),
   defaults as written there; max >= start >= 1, epochs >= 1, tol >= 0. */
static void convert_grow_rank(spec_ctx *ctx, const ytree_node *node, dlx_grow_rank_config *g)
{
    *g = (dlx_grow_rank_config){0};   /* off: every field zero, whatever else is set */
    if (!node || !spec_expect_kind(ctx, node, "training.grow_rank", YTREE_MAP))
        return;
    *g = (dlx_grow_rank_config){.start = 1, .max = 50, .epochs = 2000, .tol = 1e-4};
    spec_check_keys(ctx, node, "training.grow_rank", NULL, 0);
    g->enabled = true;
    const ytree_node *v;
    long long n;
    if ((v = spec_get(node, "start")) && spec_read_int(ctx, v, "training.grow_rank.start", 1, 100000, &n))
        g->start = (int)n;
    if ((v = spec_get(node, "max")) && spec_read_int(ctx, v, "training.grow_rank.max", 1, 100000, &n))
        g->max = (int)n;
    if ((v = spec_get(node, "epochs")) && spec_read_int(ctx, v, "training.grow_rank.epochs", 1, MAX_EPOCHS, &n))
        g->epochs = (int)n;
    double x;
    if ((v = spec_get(node, "tol")) && spec_read_number(ctx, v, "training.grow_rank.tol", &x) &&
        spec_check_nonnegative(ctx, v, "training.grow_rank.tol", x))
        g->tol = x;
    if (g->max < g->start)
        spec_error(ctx, spec_get(node, "max") ? spec_get(node, "max") : node,
                   "training.grow_rank.max (%d) must be at least its start (%d)", g->max, g->start);
}

/* A word alternative to a number (batch_size: full, eval_every: epoch). */
static bool is_word(const ytree_node *v, const char *word)
{
    return v->kind == YTREE_SCALAR && strcmp(v->text, word) == 0;
}

void convert_training(spec_ctx *ctx, const ytree_node *node, dlx_training_config *t)
{
    *t = (dlx_training_config){.epochs = 10, .batch_size = 64, .shuffle = true, .eval_every = 0};
    if (!node || !spec_expect_kind(ctx, node, "training", YTREE_MAP))
        return;
    spec_check_keys(ctx, node, "training", NULL, 0);
    const ytree_node *v;
    long long n;
    if ((v = spec_get(node, "epochs")) && spec_read_int(ctx, v, "training.epochs", 0, MAX_EPOCHS, &n))
        t->epochs = (int)n;
    if ((v = spec_get(node, "batch_size"))) {
        ytree_value bv = v->kind == YTREE_SCALAR ? ytree_resolve(v) : (ytree_value){.type = YTREE_STRING};
        if (is_word(v, "full"))
            t->batch_size = 0;
        else if (bv.type == YTREE_STRING)
            spec_error(ctx, v, "expected a number or \"full\" for 'training.batch_size', got string \"%s\"",
                       v->text);
        else if (spec_read_int(ctx, v, "training.batch_size", LLONG_MIN, MAX_BATCH, &n)) {
            if (n < 1)
                spec_error(ctx, v, "training.batch_size must be at least 1 (or \"full\"), got %s", v->text);
            else
                t->batch_size = (int)n;
        }
    }
    if ((v = spec_get(node, "shuffle")))
        spec_read_bool(ctx, v, "training.shuffle", &t->shuffle);
    if ((v = spec_get(node, "eval_every"))) {
        ytree_value ev = v->kind == YTREE_SCALAR ? ytree_resolve(v) : (ytree_value){.type = YTREE_STRING};
        if (is_word(v, "epoch"))
            t->eval_every = 0;
        else if (ev.type == YTREE_STRING)
            spec_error(ctx, v, "expected \"epoch\" or a number of steps for 'training.eval_every', got string "
                               "\"%s\"", v->text);
        else if (spec_read_int(ctx, v, "training.eval_every", 1, MAX_EPOCHS, &n))
            t->eval_every = (int)n;
    }
    int e;
    if ((v = spec_get(node, "on_divergence")) &&
        spec_read_enum(ctx, v, "training.on_divergence", &SPEC_DIVERGENCE, &e))
        t->on_divergence = (dlx_on_divergence)e;
    convert_grow_rank(ctx, spec_get(node, "grow_rank"), &t->grow_rank);
    if ((v = spec_get(node, "method")) &&
        spec_read_enum(ctx, v, "training.method", &SPEC_TRAINING_METHODS, &e))
        t->method = (dlx_training_method)e;
}

/* The parameter of diagnostic `name` read from value (NULL: none given)
   into *param against its rule in schema.c; NAN when absent. */
static void read_diagnostic_param(spec_ctx *ctx, const ytree_node *item, const ytree_node *value,
                                  const char *name, double *param)
{
    const spec_diag_param *rule = schema_diagnostic_param(name);
    char path[DLX_NAME_MAX + 16];
    snprintf(path, sizeof path, "diagnostics.%s", name);
    *param = NAN;
    if (!value) {
        if (rule->use == SPEC_PARAM_REQUIRED)
            spec_error(ctx, item, "diagnostic '%s' needs a parameter, %s: write {%s: N}", name, rule->meaning,
                       name);
        return;
    }
    if (rule->use == SPEC_PARAM_NONE) {
        spec_error(ctx, value, "diagnostic '%s' takes no parameter: write it as a plain name", name);
        return;
    }
    double x;
    if (!spec_read_number(ctx, value, path, &x))
        return;
    if (rule->integer && x != floor(x))
        spec_error(ctx, value, "%s (%s) must be a whole number, got %s", path, rule->meaning, value->text);
    else if (x < rule->min || x > rule->max)
        spec_error(ctx, value, "%s (%s) must be in [%g, %g], got %s", path, rule->meaning, rule->min, rule->max,
                   value->text);
    else
        *param = x;
}

/* The stability diagnostic's map {pairs: R, replace: I, flip_label: B}
   (SPEC §8; each key optional: 10 pairs, example 0, no flip), or null for
   the defaults. R in [1, 10000]; I is checked against the data when each
   run starts (train/twins.c). */
static void convert_stability(spec_ctx *ctx, const ytree_node *value, dlx_stability_config *s)
{
    *s = (dlx_stability_config){.pairs = 10, .replace = 0, .flip_label = false};
    if (!value || !spec_expect_kind(ctx, value, "diagnostics.stability", YTREE_MAP))
        return;
    spec_check_keys(ctx, value, "diagnostics.stability", NULL, 0);
    const ytree_node *v;
    long long n;
    if ((v = spec_get(value, "pairs")) &&
        spec_read_int(ctx, v, "diagnostics.stability.pairs", 1, 10000, &n))
        s->pairs = (int)n;
    if ((v = spec_get(value, "replace")) &&
        spec_read_int(ctx, v, "diagnostics.stability.replace", 0, INT_MAX - 1, &n))
        s->replace = (int)n;
    if ((v = spec_get(value, "flip_label")))
        spec_read_bool(ctx, v, "diagnostics.stability.flip_label", &s->flip_label);
}

/* Each item is a diagnostic's name or a one-key map {name: parameter}. */
void convert_diagnostics(spec_ctx *ctx, const ytree_node *node, dlx_config *cfg)
{
    cfg->n_diagnostics = 0;
    cfg->stability = (dlx_stability_config){0};
    if (!node || !spec_expect_kind(ctx, node, "diagnostics", YTREE_SEQ))
        return;
    if (node->count > DLX_MAX_DIAGNOSTICS) {
        spec_error(ctx, node, "diagnostics has %d entries; at most %d are supported", node->count,
                   DLX_MAX_DIAGNOSTICS);
        return;
    }
    for (int i = 0; i < node->count; i++) {
        const ytree_node *item = node->values[i];
        const ytree_node *name_node = item, *value = NULL;
        if (item->kind == YTREE_MAP) {
            if (item->count != 1) {
                spec_error(ctx, item, "a parameterized diagnostic is a map with one key, {name: value}; got %d "
                                      "keys", item->count);
                continue;
            }
            name_node = item->keys[0];
            value = item->values[0];
            if (value->kind == YTREE_SCALAR && ytree_resolve(value).type == YTREE_NULL)
                value = NULL;
        }
        int e;
        if (!spec_read_enum(ctx, name_node, "diagnostics", &SPEC_DIAGNOSTICS, &e))
            continue;
        const char *name = spec_enum_name(&SPEC_DIAGNOSTICS, e);
        bool repeated = false;
        for (int j = 0; j < cfg->n_diagnostics; j++)
            repeated |= strcmp(cfg->diagnostics[j], name) == 0;
        if (repeated) {
            spec_error(ctx, name_node, "diagnostic '%s' is listed twice", name);
            continue;
        }
        double param = NAN;
        if (e == DIAGNOSTIC_STABILITY)
            convert_stability(ctx, value, &cfg->stability);
        else
            read_diagnostic_param(ctx, name_node, value, name, &param);
        cfg->diagnostic_param[cfg->n_diagnostics] = param;
        cfg->places.diagnostics[cfg->n_diagnostics] = spec_source_pos(name_node);
        snprintf(cfg->diagnostics[cfg->n_diagnostics++], DLX_NAME_MAX, "%s", name);
    }
}

/* reference: auto picks the optimum of the configured objective —
   linear/mse: lasso when l1 > 0, else ridge when l2 or input_noise > 0,
   else min_norm; logistic: logistic when l2 > 0 (without a penalty the
   optimum may not exist); other models: none. Whether an explicit choice
   fits the model is the reference table's rule (src/solvers/reference.c),
   checked with the other such rules by src/experiment/validate.c at the
   place recorded here. */
static void convert_reference(spec_ctx *ctx, const ytree_node *node, dlx_config *cfg)
{
    const dlx_regularizer_config *r = &cfg->regularizer;
    bool linear = cfg->model.type == MODEL_LINEAR && cfg->loss == LOSS_MSE;
    bool logistic = cfg->model.type == MODEL_LOGISTIC;
    dlx_reference_type chosen = REF_AUTO;
    int e;
    if (node && spec_read_enum(ctx, node, "reference", &SPEC_REFERENCES, &e))
        chosen = (dlx_reference_type)e;
    if (chosen == REF_AUTO) {
        if (cfg->model.type == MODEL_FACTORIZATION)
            chosen = r->l2 > 0 || r->product > 0 ? REF_NUCLEAR_NORM : REF_NONE;
        else if (linear)
            chosen = r->l1 > 0 ? REF_LASSO : (r->l2 > 0 || r->input_noise > 0) ? REF_RIDGE : REF_MIN_NORM;
        else
            chosen = logistic && r->l2 > 0 ? REF_LOGISTIC : REF_NONE;
    }
    cfg->reference = chosen;
    cfg->places.reference = spec_source_pos(node);
}

/* lr: theory and momentum: theory need the curvature constants L and μ of a
   quadratic objective: a linear model with loss mse. */
static void check_step_theory(spec_ctx *ctx, const ytree_node *optimizer, const dlx_config *cfg)
{
    if (cfg->model.type == MODEL_LINEAR && cfg->loss == LOSS_MSE)
        return;
    const char *keys[] = {"lr", "momentum"};
    bool used[] = {cfg->optimizer.lr_theory, cfg->optimizer.momentum_rule == MOMENTUM_THEORY};
    for (int i = 0; i < 2; i++) {
        const ytree_node *v = used[i] ? spec_get(optimizer, keys[i]) : NULL;
        if (v)
            spec_error(ctx, v, "optimizer.%s: theory needs the curvature of a quadratic objective (model linear "
                               "with loss mse), here model is %s with loss %s",
                       keys[i], model_type_name(cfg->model.type), loss_name(cfg->loss));
    }
}

/* The error node for key path `a.b` under map: the value when written, else
   its section, else the whole config. */
static const ytree_node *place_of(const ytree_node *map, const char *section, const char *key)
{
    const ytree_node *sec = spec_get(map, section);
    const ytree_node *v = key ? spec_get(sec, key) : NULL;
    return v ? v : sec ? sec : map;
}

/* What a factorization, its matrix data, the product regularizer and
   grow_rank need of each other (SPEC §7), each at the place that is wrong. */
static void check_factorization(spec_ctx *ctx, const ytree_node *map, dlx_config *cfg)
{
    bool factorization = cfg->model.type == MODEL_FACTORIZATION;
    bool matrix = (cfg->data.source == DATA_SYNTHETIC && cfg->data.kind == SYN_LOW_RANK) ||
                  (cfg->data.source == DATA_CSV && cfg->data.format != CSV_TABLE);
    const dlx_regularizer_config *r = &cfg->regularizer;
    if (factorization && !matrix)
        spec_error(ctx, place_of(map, "model", "type"), "model.type factorization needs a matrix: "
                   "data.kind low_rank, or data.source csv with data.format entries or dense");
    if (matrix && !factorization)
        spec_error(ctx, place_of(map, "data", cfg->data.source == DATA_CSV ? "format" : "kind"),
                   "a matrix of entries (data.%s %s) has no input features: it needs model.type "
                   "factorization, here %s", cfg->data.source == DATA_CSV ? "format" : "kind",
                   cfg->data.source == DATA_CSV ? spec_enum_name(&SPEC_CSV_FORMATS, (int)cfg->data.format)
                                                : "low_rank", model_type_name(cfg->model.type));
    if (factorization && cfg->loss != LOSS_MSE)
        spec_error(ctx, place_of(map, "loss", NULL), "model.type factorization is fitted by squared error: "
                   "loss must be mse, here %s", loss_name(cfg->loss));
    if (factorization && (r->max_norm > 0 || r->input_noise > 0))
        spec_error(ctx, place_of(map, "regularizer", r->max_norm > 0 ? "max_norm" : "input_noise"),
                   "regularizer.%s does not apply to a factorization (it has no units and no inputs)",
                   r->max_norm > 0 ? "max_norm" : "input_noise");
    bool homogeneous_net = cfg->model.type == MODEL_MLP && cfg->model.n_hidden == 1 && !cfg->model.batch_norm;
    bool tensor_model = cfg->model.type == MODEL_CP || cfg->model.type == MODEL_HT;
    if (r->product > 0 && !factorization && !homogeneous_net && !tensor_model)
        spec_error(ctx, place_of(map, "regularizer", "product"), "regularizer.product is Σ_k ‖U_k‖‖V_k‖ of a "
                   "factorization, Σ_i ‖w_i‖‖a_i‖ of an mlp with one hidden layer and no batch norm, or "
                   "the product of factor norms of a cp or ht model; model here is %s",
                   model_type_name(cfg->model.type));
    const dlx_grow_rank_config *g = &cfg->training.grow_rank;
    if (!g->enabled)
        return;
    const ytree_node *where = place_of(spec_get(map, "training"), "grow_rank", NULL);
    if (!factorization)
        spec_error(ctx, where, "training.grow_rank grows a factorization's rank: it needs model.type "
                   "factorization, here %s", model_type_name(cfg->model.type));
    else if (!(r->l2 > 0 || r->product > 0))
        spec_error(ctx, where, "training.grow_rank decides by the certificate, which needs a regularizer "
                   "weight λ > 0 (regularizer.l2 or regularizer.product)");
    bool listed = false;
    for (int i = 0; i < cfg->n_diagnostics; i++)
        listed |= strcmp(cfg->diagnostics[i], "rank") == 0;
    if (!listed && cfg->n_diagnostics < DLX_MAX_DIAGNOSTICS) {   /* the rank column of SPEC §7 */
        cfg->diagnostic_param[cfg->n_diagnostics] = NAN;
        snprintf(cfg->diagnostics[cfg->n_diagnostics++], DLX_NAME_MAX, "rank");
    }
}

/* What the tensor models (cp, ht) and tensor data (cp_tensor, ht_tensor)
   need of each other (SPEC §7): one goes with the other, squared error, no
   units or inputs to constrain, and an ht tree needs 2^L modes. */
static void check_tensor(spec_ctx *ctx, const ytree_node *map, dlx_config *cfg)
{
    bool tensor_model = cfg->model.type == MODEL_CP || cfg->model.type == MODEL_HT;
    bool tensor_file = cfg->data.source == DATA_SAFETENSORS;
    bool tensor_data = tensor_file || (cfg->data.source == DATA_SYNTHETIC &&
                       (cfg->data.kind == SYN_CP_TENSOR || cfg->data.kind == SYN_HT_TENSOR));
    const dlx_regularizer_config *r = &cfg->regularizer;
    const char *model = model_type_name(cfg->model.type);
    if (tensor_model && !tensor_data)
        spec_error(ctx, place_of(map, "model", "type"), "model.type %s needs an order-N tensor: "
                   "data.kind cp_tensor or ht_tensor, or data.source safetensors", model);
    if (tensor_file && !tensor_model)
        spec_error(ctx, place_of(map, "data", "source"), "a tensor (data.source safetensors) has no input "
                   "features: it needs model.type cp or ht, here %s", model);
    else if (tensor_data && !tensor_model)
        spec_error(ctx, place_of(map, "data", "kind"), "a tensor (data.kind %s) has no input features: it "
                   "needs model.type cp or ht, here %s",
                   spec_enum_name(&SPEC_SYNTHETIC_KINDS, (int)cfg->data.kind), model);
    if (!tensor_model)
        return;
    if (cfg->loss != LOSS_MSE)
        spec_error(ctx, place_of(map, "loss", NULL), "model.type %s is fitted by squared error: loss must be "
                   "mse, here %s", model, loss_name(cfg->loss));
    if (r->max_norm > 0 || r->input_noise > 0)
        spec_error(ctx, place_of(map, "regularizer", r->max_norm > 0 ? "max_norm" : "input_noise"),
                   "regularizer.%s does not apply to model.type %s (it has no units and no inputs)",
                   r->max_norm > 0 ? "max_norm" : "input_noise", model);
    int order = cfg->data.tensor_order;
    if (cfg->model.type == MODEL_HT && tensor_data && order > 0 && (order < 2 || (order & (order - 1))))
        spec_error(ctx, place_of(map, "model", "type"), "model.type ht is a balanced binary tree over the "
                   "modes: it needs 2, 4, 8 or 16 modes, the data have %d", order);
}

/* What training.method tensor_lift (SPEC §7, src/train/tensor_lift.c)
   needs: an mlp with one hidden layer, biases, no batch norm or dropout,
   squared error, no regularizer (it minimizes nothing of the kind), and
   standard Gaussian inputs, for which its score function is written
   (teacher_regression, or linear data with condition 1, preprocess none).
   The fit is the run's one epoch: training.epochs is set to 1, and an
   epoch count written in this arm itself is refused. */
static void check_tensor_lift(spec_ctx *ctx, const ytree_node *map, dlx_config *cfg)
{
    if (cfg->training.method != TRAIN_TENSOR_LIFT)
        return;
    const ytree_node *training = spec_get(map, "training");
    const dlx_model_config *m = &cfg->model;
    if (m->type != MODEL_MLP || m->n_hidden != 1)
        spec_error(ctx, place_of(map, "model", m->type != MODEL_MLP ? "type" : "hidden"),
                   "training.method tensor_lift trains an mlp with exactly one hidden layer; here %s "
                   "with %d hidden layers", model_type_name(m->type), m->n_hidden);
    else if (m->hidden[0] > cfg->data.dim || cfg->data.dim > 64)
        spec_error(ctx, place_of(map, "model", "hidden"), "training.method tensor_lift recovers at most data.dim "
                   "orthogonal units from a data.dim³ moment, data.dim <= 64: here %d units, data.dim %d",
                   m->hidden[0], cfg->data.dim);
    else if (m->without_bias || m->batch_norm || m->dropout_hidden > 0 || m->dropout_input > 0)
        spec_error(ctx, place_of(map, "model", m->without_bias ? "bias" : m->batch_norm ? "batch_norm" : "dropout"),
                   "training.method tensor_lift fits a plain network x -> act(W1 x + b1) -> out: "
                   "model.%s does not apply", m->without_bias ? "bias: false" : m->batch_norm ? "batch_norm"
                                                                                               : "dropout");
    if (cfg->loss != LOSS_MSE)
        spec_error(ctx, place_of(map, "loss", NULL), "training.method tensor_lift fits squared error: loss "
                   "must be mse, here %s", loss_name(cfg->loss));
    const dlx_data_config *d = &cfg->data;
    bool teacher = d->source == DATA_SYNTHETIC && d->kind == SYN_TEACHER_REGRESSION;
    bool gaussian_linear = d->source == DATA_SYNTHETIC && d->kind == SYN_LINEAR && d->condition == 1.0 &&
                           (d->features == 0 || d->features == d->dim);
    if (!teacher && !gaussian_linear)
        spec_error(ctx, place_of(map, "data", d->source == DATA_SYNTHETIC ? "kind" : "source"),
                   "training.method tensor_lift uses the score function of standard Gaussian inputs: it "
                   "needs data.kind teacher_regression (or linear with condition 1 and every feature)");
    else if (d->preprocess != PRE_NONE)
        spec_error(ctx, place_of(map, "data", "preprocess"), "training.method tensor_lift needs the inputs "
                   "as drawn, x ~ N(0, I): data.preprocess must be none, here %s", preprocess_name(d->preprocess));
    const dlx_regularizer_config *r = &cfg->regularizer;
    if (r->l2 > 0 || r->l1 > 0 || r->max_norm > 0 || r->input_noise > 0 || r->product > 0 ||
        r->noise_copies > 0 || r->dropout_copies > 0)
        spec_error(ctx, place_of(map, "regularizer", NULL), "training.method tensor_lift fits without a "
                   "regularizer: every regularizer key must be 0");
    if (cfg->training.grow_rank.enabled)
        spec_error(ctx, place_of(training, "grow_rank", NULL), "training.grow_rank and training.method "
                   "tensor_lift exclude each other");
    if (cfg->stability.pairs > 0)
        spec_error(ctx, place_of(map, "diagnostics", NULL), "diagnostic stability steps twin runs beside "
                   "gradient steps: it does not apply to training.method tensor_lift");
    const ytree_node *epochs = training && training->kind == YTREE_MAP ? spec_get(training, "epochs") : NULL;
    if (epochs && !spec_inherited(epochs) && cfg->training.epochs != 1)
        spec_error(ctx, epochs, "training.method tensor_lift is one fit, the run's only epoch: "
                   "training.epochs must be 1 (or left out), here %d", cfg->training.epochs);
    cfg->training.epochs = 1;
}

/* Where data and its file keys are written (line 0 for a key that is not),
   for the data file checks made at validation. */
static void record_data_places(const ytree_node *map, dlx_config_places *p)
{
    const ytree_node *data = spec_get(map, "data");
    p->data = spec_source_pos(data);
    for (int i = 0; map && map->kind == YTREE_MAP && i < map->count; i++)
        if (strcmp(map->keys[i]->text, "data") == 0 && data)
            p->data = spec_source_pos(map->keys[i]); /* the key `data:` itself */
    if (!data || data->kind != YTREE_MAP)
        return;
    p->data_dir = spec_source_pos(spec_get(data, "dir"));
    p->data_train = spec_source_pos(spec_get(data, "train"));
    p->data_test = spec_source_pos(spec_get(data, "test"));
    p->data_train_images = spec_source_pos(spec_get(data, "train_images"));
    p->data_train_labels = spec_source_pos(spec_get(data, "train_labels"));
    p->data_test_images = spec_source_pos(spec_get(data, "test_images"));
    p->data_test_labels = spec_source_pos(spec_get(data, "test_labels"));
    p->data_target = spec_source_pos(spec_get(data, "target"));
    p->data_weight = spec_source_pos(spec_get(data, "weight"));
    p->data_path = spec_source_pos(spec_get(data, "path"));
    p->data_tensor = spec_source_pos(spec_get(data, "tensor"));
}

void convert_config(spec_ctx *ctx, const ytree_node *map, dlx_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    convert_data(ctx, spec_get(map, "data"), &cfg->data);
    record_data_places(map, &cfg->places);
    convert_model(ctx, spec_get(map, "model"), map, &cfg->model);
    convert_loss(ctx, spec_get(map, "loss"), cfg->model.type, &cfg->loss);
    cfg->places.loss = spec_source_pos(spec_get(map, "loss"));
    convert_regularizer(ctx, spec_get(map, "regularizer"), &cfg->regularizer);
    check_dropout_copies(ctx, map, cfg);
    convert_optimizer(ctx, spec_get(map, "optimizer"), &cfg->optimizer);
    convert_training(ctx, spec_get(map, "training"), &cfg->training);
    convert_diagnostics(ctx, spec_get(map, "diagnostics"), cfg);
    convert_reference(ctx, spec_get(map, "reference"), cfg);
    convert_uncertainty(ctx, spec_get(map, "uncertainty"), cfg);
    check_step_theory(ctx, spec_get(map, "optimizer"), cfg);
    check_factorization(ctx, map, cfg);
    check_tensor(ctx, map, cfg);
    check_tensor_lift(ctx, map, cfg);
}
