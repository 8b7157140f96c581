/*
 * validate.c — the fit checks of every arm and sweep point (validate.h).
 *
 * One config's problems come from the tables: each diagnostic's `fits`
 * (src/diagnostics), the reference's (src/solvers/reference.c), the
 * optimizer's (src/optim/optimizer.c), and the model's loss rule (a logistic
 * model has one output and the logistic loss, as train_output_size insists
 * at run time). Each is located at the place the config recorded for the
 * item (dlx_config.places), or at the file alone when the item is not
 * written in it (a default, --set, a sweep value).
 *
 * The base is checked first and its problems reported without an arm; an
 * arm's problem is reported with "arm 'NAME': " unless the base has the
 * same one at the same place (an item the arm inherits), so a file without
 * arms, whose one arm is the base, reads as the spec layer's messages do.
 * Over a sweep, a problem of every point is reported once; one of some
 * points only is prefixed with the point, as experiment.c does for the
 * spec layer's own errors.
 */
#include "experiment/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostics/diagnostic.h"
#include "optim/optimizer.h"
#include "solvers/reference.h"

#define WHY_MAX 320
#define CONTEXT_MAX 2400

/* A logistic model has one output, the probability of class 1: the
   logistic loss is the only one it is trained with. */
static bool loss_fits(const dlx_config *cfg, char *why, size_t n)
{
    if (cfg->model.type != MODEL_LOGISTIC || cfg->loss == LOSS_LOGISTIC)
        return true;
    snprintf(why, n, "model logistic goes with loss logistic, here loss is %s", loss_name(cfg->loss));
    return false;
}

/* Append one problem at pos of file (prefix and message). */
static void add(dlx_diags *out, const char *file, dlx_source_pos pos, const char *prefix, const char *what)
{
    diags_add(out, file, pos.line, pos.col, "%s%s", prefix, what);
}

/* Every problem of one config, each message prefixed with prefix. */
static void config_problems(const dlx_config *cfg, const char *file, const char *prefix, dlx_diags *out)
{
    char why[WHY_MAX], what[WHY_MAX + DLX_NAME_MAX + 16];
    for (int i = 0; i < cfg->n_diagnostics; i++) {
        const dlx_diagnostic *d = diagnostic_find(cfg->diagnostics[i]);
        if (d && !diagnostic_fits(d, cfg, why, sizeof why)) {
            snprintf(what, sizeof what, "diagnostic %s %s", d->name, why);
            add(out, file, cfg->places.diagnostics[i], prefix, what);
        }
    }
    if (!reference_fits(cfg, why, sizeof why))
        add(out, file, cfg->places.reference, prefix, why);
    if (!optimizer_fits(cfg, why, sizeof why))
        add(out, file, (dlx_source_pos){0, 0}, prefix, why);
    if (!loss_fits(cfg, why, sizeof why))
        add(out, file, cfg->places.loss, prefix, why);
}

static bool same_diag(const dlx_diag *a, const dlx_diag *b)
{
    return a->line == b->line && a->col == b->col && strcmp(a->message, b->message) == 0 &&
           strcmp(a->file ? a->file : "", b->file ? b->file : "") == 0;
}

static bool list_has(const dlx_diags *list, const dlx_diag *g)
{
    for (int i = 0; i < list->count; i++)
        if (same_diag(&list->items[i], g))
            return true;
    return false;
}

/* Copy g into to, its message prefixed "CONTEXT: " when context is set. */
static void copy_diag(dlx_diags *to, const dlx_diag *g, const char *context)
{
    if (context)
        diags_add(to, g->file, g->line, g->col, "%s: %s", context, g->message);
    else
        diags_add(to, g->file, g->line, g->col, "%s", g->message);
}

dlx_status experiment_validate_fits(const dlx_experiment *exp, const char *context, dlx_diags *diags)
{
    int start = diags->count;
    const char *file = exp->source_file;
    dlx_diags base = {0};
    config_problems(&exp->base, file, "", &base);
    for (int i = 0; i < base.count; i++)
        copy_diag(diags, &base.items[i], context);
    for (int a = 0; a < exp->n_arms; a++) {
        dlx_diags own = {0}, bare = {0};
        char prefix[DLX_NAME_MAX + 16];
        snprintf(prefix, sizeof prefix, "arm '%s': ", exp->arms[a].name);
        config_problems(&exp->arms[a].config, file, "", &bare);
        config_problems(&exp->arms[a].config, file, prefix, &own);
        for (int i = 0; i < own.count; i++)
            if (!list_has(&base, &bare.items[i]))
                copy_diag(diags, &own.items[i], context);
        diags_free(&own);
        diags_free(&bare);
    }
    diags_free(&base);
    return diags->count > start ? DLX_ERR_INPUT : DLX_OK;
}

/* "in sweep point I (KEY=VALUE, ...)", as sweep_describe_point writes it. */
static void point_context(const dlx_sweep *sweep, int point, char (*values)[128], char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "in sweep point %d (", point);
    for (int k = 0; k < sweep->n_keys && used < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", k ? ", " : "", sweep->keys[k],
                                 values ? values[k] : "?");
    if (used < size)
        snprintf(buf + used, size - used, ")");
}

dlx_status experiment_validate_point_fits(const dlx_experiment *exp, const dlx_sweep *sweep, int point,
                                          char (*values)[128], dlx_diags *diags)
{
    if (point < 0 || !sweep || sweep->n_points == 0)
        return experiment_validate_fits(exp, NULL, diags);
    char context[CONTEXT_MAX];
    point_context(sweep, point, values, context, sizeof context);
    return experiment_validate_fits(exp, context, diags);
}

/* The fits of every sweep point of path: each point's problems into
   points[p] (without context), then reported once when every point has
   them, else with the point's context. */
static dlx_status sweep_fits(const char *path, const dlx_overrides *ov, dlx_experiment *exp, int n_points,
                             dlx_diags *diags)
{
    dlx_diags *points = calloc((size_t)n_points, sizeof *points);
    char (*contexts)[CONTEXT_MAX] = calloc((size_t)n_points, sizeof *contexts);
    char (*values)[128] = calloc(DLX_MAX_SWEEP_KEYS, sizeof *values);
    dlx_sweep *sweep = calloc(1, sizeof *sweep);
    dlx_status st = points && contexts && values && sweep ? DLX_OK : DLX_ERR_RUNTIME;
    for (int p = 0; p < n_points && st == DLX_OK; p++) {
        dlx_diags load = {0};
        st = experiment_load(exp, sweep, path, ov, p, values, &load);
        for (int i = 0; i < load.count; i++) /* none: every point was validated */
            copy_diag(diags, &load.items[i], NULL);
        diags_free(&load);
        if (st == DLX_OK) {
            point_context(sweep, p, values, contexts[p], sizeof contexts[p]);
            experiment_validate_fits(exp, NULL, &points[p]);
        }
    }
    for (int p = 0; p < n_points && st == DLX_OK; p++)
        for (int i = 0; i < points[p].count; i++) {
            const dlx_diag *g = &points[p].items[i];
            bool everywhere = true;
            for (int q = 0; q < n_points && everywhere; q++)
                everywhere = list_has(&points[q], g);
            if (!(everywhere && p > 0)) /* a problem of every point: reported with point 0 */
                copy_diag(diags, g, everywhere ? NULL : contexts[p]);
        }
    for (int p = 0; points && p < n_points; p++)
        diags_free(&points[p]);
    free(points);
    free(contexts);
    free(values);
    free(sweep);
    if (st == DLX_ERR_RUNTIME)
        diags_add(diags, path, 0, 0, "out of memory while checking the sweep points");
    return st;
}

dlx_status experiment_validate_file(const char *path, const dlx_overrides *overrides, dlx_diags *diags)
{
    dlx_status st = experiment_validate_all_points(path, overrides, diags);
    if (st != DLX_OK)
        return st;
    int start = diags->count;
    dlx_experiment *exp = calloc(1, sizeof *exp);
    dlx_sweep *sweep = calloc(1, sizeof *sweep);
    if (!exp || !sweep) {
        free(exp);
        free(sweep);
        diags_add(diags, path, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    st = experiment_load(exp, sweep, path, overrides, -1, NULL, diags);
    if (st == DLX_OK && sweep->n_points > 0)
        st = sweep_fits(path, overrides, exp, sweep->n_points, diags);
    else if (st == DLX_OK)
        st = experiment_validate_fits(exp, NULL, diags);
    free(exp);
    free(sweep);
    if (st == DLX_ERR_RUNTIME)
        return st;
    return diags->count > start ? DLX_ERR_INPUT : DLX_OK;
}
