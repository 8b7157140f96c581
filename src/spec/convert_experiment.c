/*
 * convert_experiment.c — the top level of the file and its arms into a
 * dlx_experiment.
 *
 * The base (the file without arms) must itself be a complete experiment;
 * each arm is then the base with the arm's keys deep-merged over it
 * (merge.c), converted on its own. An error in the base is reported once,
 * not once per arm.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "spec/convert.h"
#include "spec/convert_experiment.h"
#include "spec/merge.h"
#include "util/suggest.h"

/* [A-Za-z0-9._-]{1,64}, and not "." or "..", so a name is a safe folder name. */
static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* A name that is safe as a folder name, into buf (DLX_NAME_MAX bytes). */
static void read_name(spec_ctx *ctx, const ytree_node *v, const char *path, char *buf)
{
    char text[DLX_PATH_MAX];
    if (!spec_read_string(ctx, v, path, text, sizeof text))
        return;
    if (!valid_name(text)) {
        spec_error(ctx, v, "%s must be 1 to 64 letters, digits, '.', '_' or '-' (and not '.' or '..'), got \"%s\"",
                   path, text);
        return;
    }
    snprintf(buf, DLX_NAME_MAX, "%s", text);
}

/* seeds: N (seeds 1..N) or a list of distinct non-negative integers. */
static void read_seeds(spec_ctx *ctx, const ytree_node *v, dlx_experiment *exp)
{
    exp->n_seeds = 1;
    exp->seeds[0] = 1;
    if (!v)
        return;
    long long n;
    if (v->kind == YTREE_SCALAR) {
        if (!spec_read_int(ctx, v, "seeds", 1, DLX_MAX_SEEDS, &n))
            return;
        exp->n_seeds = (int)n;
        for (int i = 0; i < exp->n_seeds; i++)
            exp->seeds[i] = (uint64_t)i + 1;
        return;
    }
    if (!spec_expect_kind(ctx, v, "seeds", YTREE_SEQ))
        return;
    if (v->count == 0 || v->count > DLX_MAX_SEEDS) {
        spec_error(ctx, v, "seeds must list 1 to %d seeds, got %d", DLX_MAX_SEEDS, v->count);
        return;
    }
    int count = 0;
    for (int i = 0; i < v->count; i++) {
        if (!spec_read_int(ctx, v->values[i], "seeds", 0, LLONG_MAX, &n))
            continue;
        bool repeated = false;
        for (int j = 0; j < count; j++)
            repeated |= exp->seeds[j] == (uint64_t)n;
        if (repeated) {
            spec_error(ctx, v->values[i], "seed %lld is listed twice", n);
            continue;
        }
        exp->seeds[count++] = (uint64_t)n;
    }
    exp->n_seeds = count ? count : 1;
}

/* Keys of an arm: its name and the sections of a config. */
static void check_arm_keys(spec_ctx *ctx, const ytree_node *arm)
{
    static const char *const allowed[] = {"name", "data", "model", "loss", "regularizer", "optimizer",
                                          "training", "diagnostics", "reference",
                                          "uncertainty"};
    const int n_allowed = (int)(sizeof allowed / sizeof allowed[0]);
    for (int i = 0; i < arm->count; i++) {
        const ytree_node *key = arm->keys[i];
        bool known = false;
        for (int j = 0; j < n_allowed; j++)
            known |= strcmp(key->text, allowed[j]) == 0;
        if (known)
            continue;
        if (schema_is_experiment_key(key->text)) {
            spec_error(ctx, key, "key '%s' cannot be set in an arm (it belongs to the whole experiment)",
                       key->text);
            continue;
        }
        const char *guess = suggest_closest(key->text, allowed, n_allowed);
        if (guess)
            spec_error(ctx, key, "unknown key '%s' in an arm; did you mean '%s'?", key->text, guess);
        else
            spec_error(ctx, key, "unknown key '%s' in an arm", key->text);
    }
}

/* Each arm: its name, its keys, and the base merged under it. */
static dlx_status convert_arms(spec_ctx *ctx, const ytree_node *root, const ytree_node *arms, dlx_experiment *exp)
{
    if (!spec_expect_kind(ctx, arms, "arms", YTREE_SEQ))
        return DLX_OK;
    if (arms->count == 0) {
        spec_error(ctx, arms, "arms must list at least one arm (leave 'arms' out for a single arm \"main\")");
        return DLX_OK;
    }
    if (arms->count > DLX_MAX_ARMS) {
        spec_error(ctx, arms, "arms lists %d arms; at most %d are supported", arms->count, DLX_MAX_ARMS);
        return DLX_OK;
    }
    const ytree_node *names[DLX_MAX_ARMS] = {0};
    for (int i = 0; i < arms->count; i++) {
        const ytree_node *arm = arms->values[i];
        dlx_arm *out = &exp->arms[exp->n_arms++];
        out->config = exp->base;
        snprintf(out->name, sizeof out->name, "arm%d", i);
        if (!spec_expect_kind(ctx, arm, "arms", YTREE_MAP))
            continue;
        check_arm_keys(ctx, arm);
        const ytree_node *name = spec_get(arm, "name");
        if (!name) {
            spec_error(ctx, arm, "arm %d has no 'name' (every arm needs a unique name)", i);
        } else {
            read_name(ctx, name, "arms.name", out->name);
            names[i] = name;
            for (int j = 0; j < i; j++)
                if (names[j] && strcmp(names[j]->text, name->text) == 0) {
                    spec_error(ctx, name, "duplicate arm name '%s' (first used at line %d)", name->text,
                               names[j]->line);
                    break;
                }
        }
        ytree_node *tree = merge_arm_tree(root, arm);
        if (!tree) {
            spec_error(ctx, arm, "out of memory merging arm '%s' over the base", out->name);
            return DLX_ERR_RUNTIME;
        }
        spec_ctx arm_ctx = {ctx->diags, out->name, 0};
        convert_config(&arm_ctx, tree, &out->config);
        ctx->errors += arm_ctx.errors;
        ytree_free(tree);
    }
    return DLX_OK;
}

dlx_status convert_experiment(spec_ctx *ctx, const ytree_node *root, dlx_experiment *exp)
{
    spec_check_keys(ctx, root, "", NULL, 0);
    const ytree_node *v;
    if ((v = spec_get(root, "experiment")))
        read_name(ctx, v, "experiment", exp->experiment);
    else
        spec_error(ctx, root, "missing required key 'experiment' (the experiment's name)");
    if ((v = spec_get(root, "description")))
        spec_read_string(ctx, v, "description", exp->description, sizeof exp->description);
    read_seeds(ctx, spec_get(root, "seeds"), exp);
    snprintf(exp->output, sizeof exp->output, "results/%s", exp->experiment);
    if ((v = spec_get(root, "output")) && spec_read_string(ctx, v, "output", exp->output, sizeof exp->output) &&
        exp->output[0] == '\0')
        spec_error(ctx, v, "output must name a folder, not be empty");
    if ((v = spec_get(root, "precision"))) {
        static const char *const names[] = {"float32", "float64"};
        static const spec_enum precisions = {"precision", names, 2};
        int which = 0;
        if (spec_read_enum(ctx, v, "precision", &precisions, &which))
            exp->float64 = which == 1;
        exp->precision_line = v->line;
        exp->precision_col = v->col;
    }
    convert_config(ctx, root, &exp->base);
    exp->n_arms = 0;
    const ytree_node *arms = spec_get(root, "arms");
    if (arms)
        return convert_arms(ctx, root, arms, exp);
    exp->n_arms = 1;
    snprintf(exp->arms[0].name, sizeof exp->arms[0].name, "main");
    exp->arms[0].config = exp->base;
    return DLX_OK;
}
