/*
 * emit.c — the resolved experiment as YAML (experiment_write_yaml).
 *
 * Each dlx_config is first turned into a canonical tree: every key with
 * its value, in a fixed order, with exactly the keys that apply to its
 * choices (source, kind, model type, init scheme, optimizer type). An arm
 * is written as the entries of its tree that differ from the base's tree;
 * because the base is written in full, merging such a difference over it
 * gives back the arm (what the base set for choices the arm does not make
 * is ignored on reading, see merge.c). Floats use the shortest text that
 * reads back to the same double, so writing, reading and writing again
 * gives the same bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/experiment.h"
#include "spec/schema.h"
#include "util/yaml_tree.h"

/* ---- building the canonical tree (NULL-safe: a failed allocation makes
   the builder return NULL, checked once at the end) */

typedef struct {
    bool failed;
} builder;

/* Append key: value to map; on failure mark the builder failed. */
static ytree_node *add(builder *b, ytree_node *map, const char *key, ytree_node *value)
{
    ytree_node *k = ytree_new_scalar(key, false, 0, 0, NULL);
    if (!k || !value || !ytree_map_append(map, k, value)) {
        ytree_free(k);
        ytree_free(value);
        b->failed = true;
        return NULL;
    }
    return value;
}

static void add_string(builder *b, ytree_node *map, const char *key, const char *s)
{
    add(b, map, key, ytree_new_scalar(s, true, 0, 0, NULL));
}

static void add_int(builder *b, ytree_node *map, const char *key, long long x)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", x);
    add(b, map, key, ytree_new_scalar(text, false, 0, 0, NULL));
}

static void add_float(builder *b, ytree_node *map, const char *key, double x)
{
    char text[32];
    ytree_format_float(x, text);
    add(b, map, key, ytree_new_scalar(text, false, 0, 0, NULL));
}

/* An integral value as an integer (`20`), any other as a float. */
static void add_number(builder *b, ytree_node *map, const char *key, double x)
{
    if (x == floor(x) && fabs(x) < 1e15)
        add_int(b, map, key, (long long)x);
    else
        add_float(b, map, key, x);
}

static void add_bool(builder *b, ytree_node *map, const char *key, bool x)
{
    add(b, map, key, ytree_new_scalar(x ? "true" : "false", false, 0, 0, NULL));
}

/* A word such as `all`, `full`, `epoch`, `default`: plain, so it reads as
   the keyword and not as a quoted string. */
static void add_word(builder *b, ytree_node *map, const char *key, const char *word)
{
    add(b, map, key, ytree_new_scalar(word, false, 0, 0, NULL));
}

static ytree_node *add_container(builder *b, ytree_node *map, const char *key, ytree_kind kind)
{
    if (!map)
        return NULL;
    return add(b, map, key, ytree_new_container(kind, 0, 0, NULL));
}

static void data_tree(builder *b, ytree_node *map, const dlx_data_config *d)
{
    ytree_node *m = add_container(b, map, "data", YTREE_MAP);
    if (!m)
        return;
    add_string(b, m, "source", data_source_name(d->source));
    switch (d->source) {
    case DATA_FASHION_MNIST:
    case DATA_MNIST: add_string(b, m, "dir", d->dir); break;
    case DATA_IDX:
        add_string(b, m, "train_images", d->train_images);
        add_string(b, m, "train_labels", d->train_labels);
        add_string(b, m, "test_images", d->test_images);
        add_string(b, m, "test_labels", d->test_labels);
        break;
    case DATA_CSV:
        add_string(b, m, "train", d->train);
        add_string(b, m, "test", d->test);
        if (d->format != CSV_TABLE) {   /* a matrix: no target column */
            add_string(b, m, "format", spec_enum_name(&SPEC_CSV_FORMATS, (int)d->format));
            break;
        }
        if (d->target[0] == '\0')
            add_int(b, m, "target", -1);
        else if (strspn(d->target, "0123456789") == strlen(d->target) && strlen(d->target) < 10)
            add_int(b, m, "target", atoll(d->target));
        else
            add_string(b, m, "target", d->target);
        if (d->weight_column[0])
            add_string(b, m, "weight", d->weight_column);
        break;
    case DATA_SAFETENSORS:   /* a tensor read from a file: the shape is the file's */
        add_string(b, m, "path", d->tensor_path);
        if (d->tensor_name[0])
            add_string(b, m, "tensor", d->tensor_name);
        add_float(b, m, "noise", d->noise);
        add_int(b, m, "seed", (long long)d->seed);
        add_string(b, m, "preprocess", preprocess_name(d->preprocess));
        add_bool(b, m, "bootstrap", d->bootstrap);
        return;
    case DATA_SYNTHETIC:
        add_string(b, m, "kind", spec_enum_name(&SPEC_SYNTHETIC_KINDS, (int)d->kind));
        if (d->kind == SYN_LOW_RANK) {   /* a matrix: no dim, classes or example counts */
            add_int(b, m, "rows", d->rows);
            add_int(b, m, "cols", d->cols);
            add_int(b, m, "rank", d->rank);
            add_float(b, m, "noise", d->noise);
            add_float(b, m, "observed", d->observed);
            add_int(b, m, "seed", (long long)d->seed);
            add_string(b, m, "preprocess", preprocess_name(d->preprocess));
            add_bool(b, m, "bootstrap", d->bootstrap);
            return;
        }
        if (d->kind == SYN_SHIFTED_REGRESSION) {   /* one input; the two densities */
            static const char *const names[] = {"train_input", "test_input"};
            const double mean[] = {d->train_mean, d->test_mean}, std[] = {d->train_std, d->test_std};
            for (int i = 0; i < 2; i++) {
                ytree_node *in = add_container(b, m, names[i], YTREE_MAP);
                if (in) {
                    add_float(b, in, "mean", mean[i]);
                    add_float(b, in, "std", std[i]);
                }
            }
            add_string(b, m, "truth", spec_enum_name(&SPEC_SHIFT_TRUTHS, (int)d->truth));
            add_float(b, m, "noise", d->noise);
            break;
        }
        if (d->kind == SYN_CP_TENSOR || d->kind == SYN_HT_TENSOR) {   /* a tensor: its shape and rank */
            ytree_node *shape = add_container(b, m, "shape", YTREE_SEQ);
            for (int i = 0; shape && i < d->tensor_order; i++) {
                char text[16];
                snprintf(text, sizeof text, "%d", d->tensor_shape[i]);
                ytree_node *item = ytree_new_scalar(text, false, 0, 0, NULL);
                if (!item || !ytree_seq_append(shape, item)) {
                    ytree_free(item);
                    b->failed = true;
                }
            }
            add_int(b, m, "rank", d->rank);
            add_float(b, m, "noise", d->noise);
            add_int(b, m, "seed", (long long)d->seed);
            add_string(b, m, "preprocess", preprocess_name(d->preprocess));
            add_bool(b, m, "bootstrap", d->bootstrap);
            return;
        }
        add_int(b, m, "dim", d->dim);
        if (d->kind != SYN_LINEAR && d->kind != SYN_TEACHER_REGRESSION)
            add_int(b, m, "classes", d->classes);
        add_float(b, m, "noise", d->noise);
        if (d->kind == SYN_LINEAR)
            add_float(b, m, "condition", d->condition);
        if (d->kind == SYN_LINEAR && !d->rotate)
            add_bool(b, m, "rotate", d->rotate);
        if (d->kind == SYN_LINEAR && d->exact_covariance)
            add_bool(b, m, "exact_covariance", d->exact_covariance);
        if (d->kind == SYN_GAUSSIAN_MIXTURE)
            add_float(b, m, "separation", d->separation);
        if (d->kind == SYN_TEACHER)
            add_int(b, m, "teacher_hidden", d->teacher_hidden);
        if (d->kind == SYN_TEACHER_REGRESSION) {
            add_int(b, m, "hidden", d->teacher_hidden);
            add_string(b, m, "activation", activation_name((dlx_activation)d->teacher_activation));
        }
        if ((d->kind == SYN_LINEAR || d->kind == SYN_LOGISTIC) && d->sparsity > 0)
            add_int(b, m, "sparsity", d->sparsity);
        if (d->kind == SYN_LINEAR && d->features > 0 && d->features < d->dim)
            add_int(b, m, "features", d->features);
        if (d->kind == SYN_LOGISTIC && d->scale_ratio != 1.0)
            add_float(b, m, "scale_ratio", d->scale_ratio);
        break;
    }
    if (d->n_train > 0)
        add_int(b, m, "n_train", d->n_train);
    else
        add_word(b, m, "n_train", "all");
    if (d->n_test > 0)
        add_int(b, m, "n_test", d->n_test);
    else
        add_word(b, m, "n_test", "all");
    add_int(b, m, "seed", (long long)d->seed);
    add_string(b, m, "preprocess", preprocess_name(d->preprocess));
    add_bool(b, m, "bootstrap", d->bootstrap);
    if (d->importance != IMPORTANCE_NONE) {   /* written only when set: other files stay as they were */
        ytree_node *iw = add_container(b, m, "importance", YTREE_MAP);
        if (iw) {
            add_string(b, iw, "weights", spec_enum_name(&SPEC_IMPORTANCE, (int)d->importance));
            add_float(b, iw, "power", d->importance_power);
        }
    }
}

/* model.dropout as its full mapping, and the DropConnect inference keys when set. */
static void dropout_tree(builder *b, ytree_node *m, const dlx_model_config *md)
{
    ytree_node *dr = add_container(b, m, "dropout", YTREE_MAP);
    if (dr) {
        add_float(b, dr, "hidden", md->dropout_hidden);
        add_float(b, dr, "input", md->dropout_input);
        add_string(b, dr, "kind", spec_enum_name(&SPEC_DROPOUT_KINDS, (int)md->dropout_kind));
        add_string(b, dr, "scaling", spec_enum_name(&SPEC_DROPOUT_SCALINGS, (int)md->dropout_scaling));
        if (md->dropout_position != DROPOUT_BEFORE_BN) /* written only when set */
            add_string(b, dr, "position",
                       spec_enum_name(&SPEC_DROPOUT_POSITIONS, (int)md->dropout_position));
    }
    if (md->dropconnect_inference != DROPCONNECT_WEIGHT_SCALING) {   /* written only when set */
        add_string(b, m, "dropconnect_inference",
                   spec_enum_name(&SPEC_DROPCONNECT_INFERENCES, (int)md->dropconnect_inference));
        add_int(b, m, "dropconnect_samples", md->dropconnect_samples);
    }
}

static void model_tree(builder *b, ytree_node *map, const dlx_model_config *md)
{
    ytree_node *m = add_container(b, map, "model", YTREE_MAP);
    if (!m)
        return;
    add_string(b, m, "type", model_type_name(md->type));
    if (md->type == MODEL_MLP) {
        ytree_node *hidden = add_container(b, m, "hidden", YTREE_SEQ);
        for (int i = 0; hidden && i < md->n_hidden; i++) {
            char text[16];
            snprintf(text, sizeof text, "%d", md->hidden[i]);
            ytree_node *item = ytree_new_scalar(text, false, 0, 0, NULL);
            if (!item || !ytree_seq_append(hidden, item)) {
                ytree_free(item);
                b->failed = true;
            }
        }
        add_string(b, m, "activation", activation_name(md->activation));
        ytree_node *bn = add_container(b, m, "batch_norm", YTREE_MAP);
        if (bn) {
            add_bool(b, bn, "enabled", md->batch_norm);
            add_float(b, bn, "momentum", md->bn_momentum);
            add_float(b, bn, "eps", md->bn_eps);
            add_string(b, bn, "position", spec_enum_name(&SPEC_BN_POSITIONS, (int)md->bn_position));
            if (md->bn_backward != BN_BACKWARD_NONE) /* written only when set: older files stay byte-identical */
                add_string(b, bn, "backward", spec_enum_name(&SPEC_BN_BACKWARDS, (int)md->bn_backward));
        }
        dropout_tree(b, m, md);
        if (md->without_bias)
            add_bool(b, m, "bias", false);
    } else if (md->type == MODEL_FACTORIZATION || md->type == MODEL_CP || md->type == MODEL_HT) {
        add_int(b, m, "rank", md->rank);
    } else if (md->dropout_input > 0) {
        dropout_tree(b, m, md); /* input dropout of a model without hidden layers */
    }
    ytree_node *init = add_container(b, m, "init", YTREE_MAP);
    if (!init)
        return;
    if (md->init == INIT_FROM_FILE) {
        add_string(b, init, "from", md->init_from);
        return;
    }
    add_string(b, init, "scheme", spec_enum_name(&SPEC_INIT_SCHEMES, (int)md->init));
    if (md->init == INIT_NORMAL)
        add_float(b, init, "std", md->init_std);
    if (md->init == INIT_UNIFORM) {
        if (md->init_limit > 0)
            add_float(b, init, "limit", md->init_limit);
        else
            add_word(b, init, "limit", "default");
    }
}

static void optimizer_tree(builder *b, ytree_node *map, const dlx_optimizer_config *o)
{
    ytree_node *m = add_container(b, map, "optimizer", YTREE_MAP);
    if (!m)
        return;
    add_string(b, m, "type", optimizer_type_name(o->type));
    if (o->lr_theory)
        add_word(b, m, "lr", "theory");
    else
        add_float(b, m, "lr", o->lr);
    if (o->type == OPT_MOMENTUM || o->type == OPT_NESTEROV) {
        if (o->momentum_rule == MOMENTUM_CONSTANT)
            add_float(b, m, "momentum", o->momentum);
        else
            add_word(b, m, "momentum", o->momentum_rule == MOMENTUM_THEORY ? "theory" : "accelerated");
    }
    if (o->type == OPT_ADAM) {
        add_float(b, m, "beta1", o->beta1);
        add_float(b, m, "beta2", o->beta2);
    }
    if (o->type == OPT_RMSPROP)
        add_float(b, m, "alpha", o->alpha);
    if (o->type == OPT_ADAGRAD || o->type == OPT_RMSPROP || o->type == OPT_ADAM)
        add_float(b, m, "eps", o->eps);
    const dlx_schedule_config *s = &o->schedule;
    ytree_node *sm = add_container(b, m, "schedule", YTREE_MAP);
    if (!sm)
        return;
    add_string(b, sm, "type", spec_enum_name(&SPEC_SCHEDULES, (int)s->type));
    if (s->type == SCHED_STEP)
        add_int(b, sm, "step_size", s->step_size);
    if (s->type == SCHED_STEP || s->type == SCHED_EXPONENTIAL || s->type == SCHED_INVERSE_TIME)
        add_float(b, sm, "gamma", s->gamma);
    if (s->type == SCHED_COSINE) {
        if (s->t_max > 0)
            add_int(b, sm, "t_max", s->t_max);
        else
            add_word(b, sm, "t_max", "epochs");
        add_float(b, sm, "eta_min", s->eta_min);
    }
}

/* Every key of a config with its value, in the order of docs/config.md. */
static ytree_node *config_tree(const dlx_config *c)
{
    builder b = {false};
    ytree_node *map = ytree_new_container(YTREE_MAP, 0, 0, NULL);
    if (!map)
        return NULL;
    data_tree(&b, map, &c->data);
    model_tree(&b, map, &c->model);
    add_string(&b, map, "loss", loss_name(c->loss));
    ytree_node *reg = add_container(&b, map, "regularizer", YTREE_MAP);
    if (reg) {
        add_float(&b, reg, "l2", c->regularizer.l2);
        add_float(&b, reg, "l1", c->regularizer.l1);
        add_float(&b, reg, "max_norm", c->regularizer.max_norm);
        add_float(&b, reg, "input_noise", c->regularizer.input_noise);
        if (c->regularizer.noise_copies > 0)
            add_int(&b, reg, "noise_copies", c->regularizer.noise_copies);
        if (c->regularizer.dropout_copies > 0)
            add_int(&b, reg, "dropout_copies", c->regularizer.dropout_copies);
        if (c->regularizer.product > 0)
            add_float(&b, reg, "product", c->regularizer.product);
    }
    optimizer_tree(&b, map, &c->optimizer);
    ytree_node *t = add_container(&b, map, "training", YTREE_MAP);
    if (t) {
        add_int(&b, t, "epochs", c->training.epochs);
        if (c->training.batch_size > 0)
            add_int(&b, t, "batch_size", c->training.batch_size);
        else
            add_word(&b, t, "batch_size", "full");
        add_bool(&b, t, "shuffle", c->training.shuffle);
        if (c->training.eval_every > 0)
            add_int(&b, t, "eval_every", c->training.eval_every);
        else
            add_word(&b, t, "eval_every", "epoch");
        add_string(&b, t, "on_divergence",
                   spec_enum_name(&SPEC_DIVERGENCE, (int)c->training.on_divergence));
        if (c->training.method != TRAIN_GRADIENT)   /* written only when set: other files stay as they were */
            add_string(&b, t, "method", spec_enum_name(&SPEC_TRAINING_METHODS, (int)c->training.method));
        const dlx_grow_rank_config *g = &c->training.grow_rank;
        ytree_node *grow = g->enabled ? add_container(&b, t, "grow_rank", YTREE_MAP) : NULL;
        if (grow) {
            add_int(&b, grow, "start", g->start);
            add_int(&b, grow, "max", g->max);
            add_int(&b, grow, "epochs", g->epochs);
            add_float(&b, grow, "tol", g->tol);
        }
    }
    ytree_node *diagnostics = add_container(&b, map, "diagnostics", YTREE_SEQ);
    for (int i = 0; diagnostics && i < c->n_diagnostics; i++) {
        ytree_node *item;
        if (!strcmp(c->diagnostics[i], "stability")) {   /* {stability: {pairs, replace, flip_label}} */
            item = ytree_new_container(YTREE_MAP, 0, 0, NULL);
            ytree_node *s = item ? add_container(&b, item, "stability", YTREE_MAP) : NULL;
            if (s) {
                add_int(&b, s, "pairs", c->stability.pairs);
                add_int(&b, s, "replace", c->stability.replace);
                add_bool(&b, s, "flip_label", c->stability.flip_label);
            }
        } else if (isnan(c->diagnostic_param[i])) {
            item = ytree_new_scalar(c->diagnostics[i], true, 0, 0, NULL);
        } else {   /* {name: parameter} */
            item = ytree_new_container(YTREE_MAP, 0, 0, NULL);
            if (item)
                add_number(&b, item, c->diagnostics[i], c->diagnostic_param[i]);
        }
        if (!item || !ytree_seq_append(diagnostics, item)) {
            ytree_free(item);
            b.failed = true;
        }
    }
    add_string(&b, map, "reference", spec_enum_name(&SPEC_REFERENCES, (int)c->reference));
    ytree_node *unc = add_container(&b, map, "uncertainty", YTREE_MAP);
    if (unc) {
        add_string(&b, unc, "method", spec_enum_name(&SPEC_UNCERTAINTY_METHODS, (int)c->uncertainty.method));
        if (c->uncertainty.method != UNCERTAINTY_NONE)
            add_int(&b, unc, "size", c->uncertainty.size);
    }
    if (b.failed) {
        ytree_free(map);
        return NULL;
    }
    return map;
}

/* ---- differences of an arm from the base */

/* Flow text in a new buffer (NULL when memory runs out). */
static char *flow_text(const ytree_node *n)
{
    int need = ytree_to_flow(n, NULL, 0);
    char *buf = malloc((size_t)need + 1);
    if (buf)
        ytree_to_flow(n, buf, (size_t)need + 1);
    return buf;
}

/* Set *differ when the two nodes would be written differently. */
static bool same_value(const ytree_node *a, const ytree_node *b, bool *ok)
{
    char *x = flow_text(a), *y = flow_text(b);
    bool same = x && y && strcmp(x, y) == 0;
    if (!x || !y)
        *ok = false;
    free(x);
    free(y);
    return same;
}

/* The entries of map `arm` that are missing from or differ from `base`;
   mappings are compared key by key. NULL when memory runs out. */
static ytree_node *tree_diff(const ytree_node *arm, const ytree_node *base)
{
    ytree_node *diff = ytree_new_container(YTREE_MAP, 0, 0, NULL);
    bool ok = diff != NULL;
    for (int i = 0; ok && i < arm->count; i++) {
        const ytree_node *key = arm->keys[i], *value = arm->values[i];
        const ytree_node *other = ytree_map_get(base, key->text);
        ytree_node *entry = NULL;
        if (other && other->kind == YTREE_MAP && value->kind == YTREE_MAP) {
            entry = tree_diff(value, other);
            ok = entry != NULL;
            if (entry && entry->count == 0) {
                ytree_free(entry);
                entry = NULL;
            }
        } else if (!other || !same_value(value, other, &ok)) {
            entry = ytree_clone(value);
            ok = ok && entry != NULL;
        }
        if (entry) {
            ytree_node *k = ytree_clone(key);
            if (!k || !ytree_map_append(diff, k, entry)) {
                ytree_free(k);
                ytree_free(entry);
                ok = false;
            }
        }
    }
    if (!ok) {
        ytree_free(diff);
        return NULL;
    }
    return diff;
}

/* ---- writing */

static bool write_flow(FILE *out, const ytree_node *n)
{
    char *text = flow_text(n);
    if (!text)
        return false;
    fputs(text, out);
    free(text);
    return true;
}

/* A mapping in block style: nested mappings indented by two spaces,
   sequences and scalars in flow style on the key's line. */
static bool write_block(FILE *out, const ytree_node *map, int indent)
{
    for (int i = 0; i < map->count; i++) {
        const ytree_node *v = map->values[i];
        fprintf(out, "%*s", indent, "");
        if (!write_flow(out, map->keys[i]))
            return false;
        fputc(':', out);
        if (v->kind == YTREE_MAP && v->count > 0) {
            fputc('\n', out);
            if (!write_block(out, v, indent + 2))
                return false;
            continue;
        }
        fputc(' ', out);
        if (!write_flow(out, v))
            return false;
        fputc('\n', out);
    }
    return true;
}

static bool write_scalar_line(FILE *out, const char *key, const char *value, bool as_string)
{
    if (!as_string) {
        fprintf(out, "%s: %s\n", key, value);
        return true;
    }
    int need = ytree_format_string(value, strlen(value), NULL, 0);
    char *text = malloc((size_t)need + 1);
    if (!text)
        return false;   /* out of memory: the caller refuses the whole file */
    ytree_format_string(value, strlen(value), text, (size_t)need + 1);
    fprintf(out, "%s: %s\n", key, text);
    free(text);
    return true;
}

static bool write_arms(FILE *out, const dlx_experiment *exp, const ytree_node *base_tree)
{
    ytree_node **diffs = calloc((size_t)(exp->n_arms > 0 ? exp->n_arms : 1), sizeof *diffs);
    bool ok = diffs != NULL;
    for (int a = 0; ok && a < exp->n_arms; a++) {
        ytree_node *arm_tree = config_tree(&exp->arms[a].config);
        diffs[a] = arm_tree ? tree_diff(arm_tree, base_tree) : NULL;
        ok = diffs[a] != NULL;
        ytree_free(arm_tree);
    }
    bool implicit_main = ok && exp->n_arms == 1 && strcmp(exp->arms[0].name, "main") == 0 && diffs[0]->count == 0;
    if (ok && !implicit_main && exp->n_arms > 0) {
        fputs("arms:\n", out);
        for (int a = 0; ok && a < exp->n_arms; a++) {
            fputs("  - ", out);
            ok = write_scalar_line(out, "name", exp->arms[a].name, true) && write_block(out, diffs[a], 4);
        }
    }
    for (int a = 0; diffs && a < exp->n_arms; a++)
        ytree_free(diffs[a]);
    free(diffs);
    return ok;
}

dlx_status experiment_write_yaml(const dlx_experiment *exp, const dlx_sweep *sweep, const char *version, FILE *out,
                                 dlx_diags *diags)
{
    bool ok = !version || write_scalar_line(out, "dlx_version", version, true);
    ok = ok && write_scalar_line(out, "experiment", exp->experiment, true);
    ok = ok && write_scalar_line(out, "description", exp->description, true);
    fputs("seeds: [", out);
    for (int i = 0; i < exp->n_seeds; i++)
        fprintf(out, "%s%llu", i ? ", " : "", (unsigned long long)exp->seeds[i]);
    fputs("]\n", out);
    ok = ok && write_scalar_line(out, "output", exp->output, true);
    if (exp->float64) /* the default, float32, is not written: old files stay as they were */
        ok = ok && write_scalar_line(out, "precision", "float64", false);
    ytree_node *base = ok ? config_tree(&exp->base) : NULL;
    ok = ok && base && write_block(out, base, 0) && write_arms(out, exp, base);
    ytree_free(base);
    if (ok && sweep && sweep->n_keys > 0) {
        fputs("sweep:\n", out);
        for (int k = 0; k < sweep->n_keys; k++) {
            if (sweep->zipped[k] && (k == 0 || !sweep->zipped[k - 1]))
                fputs("  zip:\n", out);
            fputs(sweep->zipped[k] ? "    " : "  ", out);
            ok = write_scalar_line(out, sweep->keys[k], sweep->lists[k], false) && ok;
        }
    }
    if (!ok) {
        diags_add(diags, NULL, 0, 0, "out of memory while writing the resolved experiment");
        return DLX_ERR_RUNTIME;
    }
    if (fflush(out) != 0 || ferror(out)) {
        diags_add(diags, NULL, 0, 0, "cannot write the resolved experiment");
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}
