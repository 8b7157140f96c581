/*
 * validate.c — the fit checks of every arm and sweep point (validate.h).
 *
 * One config's problems come from the tables: each diagnostic's `fits`
 * (src/diagnostics), the reference's (src/solvers/reference.c), the
 * optimizer's (src/optim/optimizer.c), and the model's loss rule (a logistic
 * model has one output and the logistic loss, as train_output_size insists
 * at run time), and the data files (data/data_check.h: they exist and
 * their headers fit, read without loading the data). Each is located at the place the config recorded for the
 * item (dlx_config.places), or at the file alone when the item is not
 * written in it (a default, --set, a sweep value).
 *
 * The arms are what runs (the base alone runs only as the one arm of a file
 * without arms), so the arms are checked: a problem every arm has at the
 * same place (an item they all inherit) is reported once, without an arm,
 * which is how a file without arms reads; one of some arms only is
 * prefixed "arm 'NAME': ". Over a sweep, the same between points: a
 * problem of every point once, one of some points prefixed with the point,
 * as experiment.c does for the spec layer's own errors.
 */
#include "experiment/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/data_check.h"
#include "diagnostics/diagnostic.h"
#include "experiment/tensor_file.h"
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

/* Append one problem at pos of file. */
static void add(dlx_diags *out, const char *file, dlx_source_pos pos, const char *what)
{
    diags_add(out, file, pos.line, pos.col, "%s", what);
}

/* Every problem of one config. */
static void config_problems(const dlx_config *cfg, const char *file, dlx_diags *out)
{
    char why[WHY_MAX], what[WHY_MAX + DLX_NAME_MAX + 16];
    for (int i = 0; i < cfg->n_diagnostics; i++) {
        const dlx_diagnostic *d = diagnostic_find(cfg->diagnostics[i]);
        if (d && !diagnostic_fits(d, cfg, why, sizeof why)) {
            snprintf(what, sizeof what, "diagnostic %s %s", d->name, why);
            add(out, file, cfg->places.diagnostics[i], what);
        }
    }
    if (!reference_fits(cfg, why, sizeof why))
        add(out, file, cfg->places.reference, why);
    if (!optimizer_fits(cfg, why, sizeof why))
        add(out, file, (dlx_source_pos){0, 0}, why);
    if (!loss_fits(cfg, why, sizeof why))
        add(out, file, cfg->places.loss, why);
    data_files_check(cfg, file, out); /* the data files exist and their headers fit */
    tensor_file_check(cfg, file, out); /* data.source safetensors: the tensor can be read and fits */
}

/* Copy g into to, its message prefixed "CONTEXT: " when context is set. */
static void copy_diag(dlx_diags *to, const dlx_diag *g, const char *context)
{
    if (context)
        diags_add(to, g->file, g->line, g->col, "%s: %s", context, g->message);
    else
        diags_add(to, g->file, g->line, g->col, "%s", g->message);
}

/* The problems of n variants (arms, sweep points), lists[i] those of
   variant i: one that every variant has is reported once as it is; one of
   some variants only, for each of them with "NAME: " (names[i]). */
static void report_variants(const dlx_diags *lists, const char *const *names, int n, dlx_diags *out)
{
    for (int v = 0; v < n; v++)
        for (int i = 0; i < lists[v].count; i++) {
            const dlx_diag *g = &lists[v].items[i];
            bool everywhere = true;
            for (int w = 0; w < n && everywhere; w++)
                everywhere = diags_contains(&lists[w], g);
            if (!(everywhere && v > 0)) /* a problem of every variant: reported with the first */
                copy_diag(out, g, everywhere ? NULL : names[v]);
        }
}

dlx_status experiment_validate_fits(const dlx_experiment *exp, const char *context, dlx_diags *diags)
{
    int start = diags->count;
    dlx_diags lists[DLX_MAX_ARMS] = {{0}}, found = {0};
    char names[DLX_MAX_ARMS][DLX_NAME_MAX + 8];
    const char *name_ptrs[DLX_MAX_ARMS] = {0};
    int n = exp->n_arms < DLX_MAX_ARMS ? exp->n_arms : DLX_MAX_ARMS;
    for (int a = 0; a < n; a++) {
        config_problems(&exp->arms[a].config, exp->source_file, &lists[a]);
        snprintf(names[a], sizeof names[a], "arm '%s'", exp->arms[a].name);
        name_ptrs[a] = names[a];
    }
    report_variants(lists, name_ptrs, n, &found);
    for (int i = 0; i < found.count; i++)
        copy_diag(diags, &found.items[i], context);
    for (int a = 0; a < n; a++)
        diags_free(&lists[a]);
    diags_free(&found);
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
    char **contexts = calloc((size_t)n_points, sizeof *contexts); /* for points with problems */
    char (*values)[128] = calloc(DLX_MAX_SWEEP_KEYS, sizeof *values);
    dlx_sweep *sweep = calloc(1, sizeof *sweep);
    dlx_status st = points && contexts && values && sweep ? DLX_OK : DLX_ERR_RUNTIME;
    for (int p = 0; p < n_points && st == DLX_OK; p++) {
        dlx_diags load = {0};
        st = experiment_load(exp, sweep, path, ov, p, values, &load);
        for (int i = 0; i < load.count; i++) /* none: every point was validated */
            copy_diag(diags, &load.items[i], NULL);
        diags_free(&load);
        if (st == DLX_OK && experiment_validate_fits(exp, NULL, &points[p]) != DLX_OK) {
            char context[CONTEXT_MAX];
            point_context(sweep, p, values, context, sizeof context);
            if (!(contexts[p] = strdup(context)))
                st = DLX_ERR_RUNTIME;
        }
    }
    if (st == DLX_OK)
        report_variants(points, (const char *const *)contexts, n_points, diags);
    for (int p = 0; points && contexts && p < n_points; p++) {
        diags_free(&points[p]);
        free(contexts[p]);
    }
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
