/*
 * experiment.c — loading an experiment file (experiment.h).
 *
 * The pipeline, in order: parse the YAML into a located tree; apply each
 * --set override to the tree; read the sweep grid and apply the values of
 * the selected point; convert the top level and the base, then each arm
 * merged over the base. Every stage keeps going after an error, so the
 * user sees every problem at once. Tree nodes point to their origin (the
 * file, one --set argument, or the sweep point), which is what turns an
 * error into "FILE:LINE:COL: error: ..." or "<command-line>:1:COL: error:
 * --set 'KEY=VALUE': ...".
 */
#include "spec/experiment.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/convert.h"
#include "spec/convert_experiment.h"
#include "spec/override.h"
#include "spec/sweep.h"

#define MAX_FILE_BYTES (16L << 20)
#define POINT_CONTEXT_MAX 2400

/* The origins that tree nodes point to; they live as long as the tree. */
typedef struct {
    ytree_origin file;
    ytree_origin *overrides;
    char **override_contexts;
    int n_overrides;
    ytree_origin point;
    char point_context[POINT_CONTEXT_MAX];
} origins;

static void origins_free(origins *o)
{
    for (int i = 0; i < o->n_overrides; i++)
        free(o->override_contexts[i]);
    free(o->override_contexts);
    free(o->overrides);
}

static dlx_status apply_overrides(ytree_node *root, const dlx_overrides *ov, origins *o, dlx_diags *diags)
{
    if (!ov || ov->count <= 0)
        return DLX_OK;
    o->overrides = calloc((size_t)ov->count, sizeof *o->overrides);
    o->override_contexts = calloc((size_t)ov->count, sizeof *o->override_contexts);
    if (!o->overrides || !o->override_contexts)
        return DLX_ERR_RUNTIME;
    for (int i = 0; i < ov->count; i++) {
        size_t n = strlen(ov->items[i]) + 16;
        o->override_contexts[i] = malloc(n);
        if (!o->override_contexts[i])
            return DLX_ERR_RUNTIME;
        o->n_overrides = i + 1;
        snprintf(o->override_contexts[i], n, "--set '%s'", ov->items[i]);
        o->overrides[i] = (ytree_origin){"<command-line>", o->override_contexts[i]};
        if (override_apply(root, ov->items[i], &o->overrides[i], diags) == DLX_ERR_RUNTIME)
            return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}

/* The whole pipeline on text in memory; *sweep is filled even on errors. */
static dlx_status load(dlx_experiment *exp, dlx_sweep *sweep, const char *text, size_t len, const char *name,
                       const dlx_overrides *ov, int point, char (*point_values)[128], dlx_diags *diags,
                       char **point_context)
{
    int start = diags_total(diags);
    memset(exp, 0, sizeof *exp);
    memset(sweep, 0, sizeof *sweep);
    origins o = {.file = {name, NULL}};
    ytree_node *root = NULL;
    dlx_status st = ytree_parse(text, len, &o.file, 0, &root, diags);
    if (st != DLX_OK)
        return st;
    if (!root || ytree_is_null(root)) {
        diags_add(diags, name, 0, 0, "empty experiment file");
        ytree_free(root);
        return DLX_ERR_INPUT;
    }
    if (root->kind != YTREE_MAP) {
        char got[128];
        ytree_describe(root, got, sizeof got);
        ytree_error(diags, root, "the top level of an experiment file must be a mapping of keys "
                                 "(experiment: ..., model: ..., ...), got %s", got);
        ytree_free(root);
        return DLX_ERR_INPUT;
    }
    st = apply_overrides(root, ov, &o, diags);
    spec_ctx ctx = {diags, NULL, 0};
    if (st == DLX_OK)
        sweep_read(&ctx, root, sweep);
    if (st == DLX_OK && sweep->n_points > 0 && point >= 0) {
        if (point >= sweep->n_points) {
            diags_add(diags, name, 0, 0, "sweep point %d does not exist (the sweep has %d points, 0 to %d)", point,
                      sweep->n_points, sweep->n_points - 1);
        } else {
            char assignments[POINT_CONTEXT_MAX - 64];
            sweep_describe_point(root, sweep, point, assignments, sizeof assignments);
            snprintf(o.point_context, sizeof o.point_context, "in sweep point %d (%s)", point, assignments);
            o.point = (ytree_origin){name, o.point_context};
            if (point_context)
                *point_context = strdup(o.point_context);
            st = sweep_apply_point(root, sweep, point, &o.point, point_values, diags);
            if (st == DLX_ERR_INPUT)
                st = DLX_OK; /* reported; keep checking the rest */
        }
    }
    if (st == DLX_OK)
        st = convert_experiment(&ctx, root, exp);
    snprintf(exp->source_file, sizeof exp->source_file, "%s", name);
    ytree_free(root);
    origins_free(&o);
    if (st != DLX_OK)
        return st;
    return diags_total(diags) > start ? DLX_ERR_INPUT : DLX_OK;
}

dlx_status experiment_load_string(dlx_experiment *exp, dlx_sweep *sweep, const char *text, size_t len,
                                  const char *name, const dlx_overrides *overrides, int point,
                                  char (*point_values)[128], dlx_diags *diags)
{
    return load(exp, sweep, text, len, name, overrides, point, point_values, diags, NULL);
}

/* The whole file in a new buffer. */
static dlx_status read_file(const char *path, char **text, size_t *len, dlx_diags *diags)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        diags_add(diags, path, 0, 0, "cannot open the experiment file: %s", strerror(errno));
        return errno == ENOENT ? DLX_ERR_INPUT : DLX_ERR_RUNTIME;
    }
    char *buf = malloc((size_t)MAX_FILE_BYTES + 1);
    if (!buf) {
        fclose(f);
        diags_add(diags, path, 0, 0, "out of memory reading the experiment file");
        return DLX_ERR_RUNTIME;
    }
    errno = 0;
    size_t n = fread(buf, 1, (size_t)MAX_FILE_BYTES + 1, f);
    bool failed = ferror(f);
    int err = errno ? errno : EIO;
    fclose(f);
    if (failed) {
        free(buf);
        diags_add(diags, path, 0, 0, "cannot read the experiment file: %s", strerror(err));
        return err == EISDIR ? DLX_ERR_INPUT : DLX_ERR_RUNTIME; /* a folder is a usage error */
    }
    if (n > (size_t)MAX_FILE_BYTES) {
        free(buf);
        diags_add(diags, path, 0, 0, "the experiment file is larger than %ld MiB", MAX_FILE_BYTES >> 20);
        return DLX_ERR_INPUT;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return DLX_OK;
}

dlx_status experiment_load(dlx_experiment *exp, dlx_sweep *sweep, const char *path,
                           const dlx_overrides *overrides, int point, char (*point_values)[128], dlx_diags *diags)
{
    char *text;
    size_t len;
    dlx_status st = read_file(path, &text, &len, diags);
    if (st != DLX_OK) {
        memset(exp, 0, sizeof *exp);
        memset(sweep, 0, sizeof *sweep);
        return st;
    }
    st = load(exp, sweep, text, len, path, overrides, point, point_values, diags, NULL);
    free(text);
    return st;
}

/* ------------------------------------------------- every sweep point */

static void copy_diag(dlx_diags *to, const dlx_diag *g, const char *prefix)
{
    if (prefix && strncmp(g->message, "in sweep point ", 15) != 0)
        diags_add(to, g->file, g->line, g->col, "%s: %s", prefix, g->message);
    else
        diags_add(to, g->file, g->line, g->col, "%s", g->message);
}

dlx_status experiment_validate_all_points_string(const char *text, size_t len, const char *name,
                                                 const dlx_overrides *overrides, dlx_diags *diags)
{
    int start = diags_total(diags);
    dlx_experiment *exp = calloc(1, sizeof *exp);
    dlx_sweep *sweep = calloc(1, sizeof *sweep);
    dlx_diags base = {0};
    dlx_status st = DLX_ERR_RUNTIME;
    if (exp && sweep)
        st = load(exp, sweep, text, len, name, overrides, -1, NULL, &base, NULL);
    int n_points = st == DLX_ERR_RUNTIME ? 0 : sweep->n_points;
    dlx_diags *points = calloc((size_t)(n_points > 0 ? n_points : 1), sizeof *points);
    char **contexts = calloc((size_t)(n_points > 0 ? n_points : 1), sizeof *contexts);
    if (!points || !contexts)
        st = DLX_ERR_RUNTIME;
    for (int p = 0; p < n_points && st != DLX_ERR_RUNTIME; p++)
        if (load(exp, sweep, text, len, name, overrides, p, NULL, &points[p], &contexts[p]) == DLX_ERR_RUNTIME)
            st = DLX_ERR_RUNTIME;
    for (int i = 0; i < base.count; i++)
        copy_diag(diags, &base.items[i], NULL);
    int more = base.more; /* errors beyond the cap: the most any one list counted */
    for (int p = 0; p < n_points; p++)
        if (points[p].more > more)
            more = points[p].more;
    diags->more += more;
    for (int p = 0; p < n_points && st != DLX_ERR_RUNTIME; p++) {
        for (int i = 0; i < points[p].count; i++) {
            const dlx_diag *g = &points[p].items[i];
            if (diags_contains(&base, g))
                continue;
            bool everywhere = true;
            for (int q = 0; q < n_points && everywhere; q++)
                everywhere = diags_contains(&points[q], g);
            if (everywhere && p > 0)
                continue; /* reported with point 0 */
            copy_diag(diags, g, everywhere ? NULL : contexts[p]);
        }
    }
    for (int p = 0; p < n_points; p++) {
        diags_free(&points[p]);
        free(contexts[p]);
    }
    free(points);
    free(contexts);
    diags_free(&base);
    free(exp);
    free(sweep);
    if (st == DLX_ERR_RUNTIME) {
        diags_add(diags, name, 0, 0, "out of memory while checking the sweep points");
        return st;
    }
    return diags_total(diags) > start ? DLX_ERR_INPUT : DLX_OK;
}

dlx_status experiment_validate_all_points(const char *path, const dlx_overrides *overrides, dlx_diags *diags)
{
    char *text;
    size_t len;
    dlx_status st = read_file(path, &text, &len, diags);
    if (st != DLX_OK)
        return st;
    st = experiment_validate_all_points_string(text, len, path, overrides, diags);
    free(text);
    return st;
}
