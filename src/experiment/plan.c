/*
 * plan.c — what an experiment will run: the experiment resolved from its
 * file and overrides, every sweep point (all validated, also when --point
 * picks one), the --arms and --seeds filters, each arm's data set (loaded
 * once per distinct `data:` section, data_cache.c) checked against its
 * model, and the list of runs in their order: point, arm (file order), seed
 * (list order). That order is the order of metrics.csv and summary.csv.
 * Nothing here touches the output folder.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/runner_internal.h"
#include "experiment/validate.h"
#include "train/run.h"

/* Keep only the arms named in a comma-separated list (file order kept). */
static dlx_status filter_arms(dlx_experiment *exp, const char *list, dlx_diags *diags)
{
    bool keep[DLX_MAX_ARMS] = {false};
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", list);
    dlx_status st = DLX_OK;
    for (char *save = NULL, *name = strtok_r(buf, ",", &save); name;
         name = strtok_r(NULL, ",", &save)) {
        int found = -1;
        for (int a = 0; a < exp->n_arms; a++)
            if (strcmp(exp->arms[a].name, name) == 0)
                found = a;
        if (found < 0) {
            char known[2048] = "";
            for (int a = 0; a < exp->n_arms; a++) {
                strncat(known, a ? ", " : "", sizeof known - strlen(known) - 1);
                strncat(known, exp->arms[a].name, sizeof known - strlen(known) - 1);
            }
            diags_add(diags, NULL, 0, 0, "--arms: no arm named '%s' (the arms are: %s)", name,
                      known);
            st = DLX_ERR_INPUT;
            continue;
        }
        keep[found] = true;
    }
    if (st != DLX_OK)
        return st;
    int n = 0;
    for (int a = 0; a < exp->n_arms; a++)
        if (keep[a])
            exp->arms[n++] = exp->arms[a];
    exp->n_arms = n;
    if (n == 0) {
        diags_add(diags, NULL, 0, 0, "--arms: no arm selected");
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

/* Replace the seeds by a comma-separated list of non-negative integers. */
static dlx_status parse_seeds(dlx_experiment *exp, const char *list, dlx_diags *diags)
{
    int n = 0;
    const char *p = list;
    while (*p) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || errno || (*end && *end != ',') || *p == '-' || n >= DLX_MAX_SEEDS) {
            diags_add(diags, NULL, 0, 0,
                      "--seeds: expected a comma-separated list of non-negative integers, got '%s'",
                      list);
            return DLX_ERR_INPUT;
        }
        exp->seeds[n++] = v;
        p = *end ? end + 1 : end;
    }
    if (n == 0) {
        diags_add(diags, NULL, 0, 0, "--seeds: empty list");
        return DLX_ERR_INPUT;
    }
    exp->n_seeds = n;
    return DLX_OK;
}

/* Load the experiment for one point (-1: no sweep), apply --arms/--seeds. */
static dlx_status load_point(runner *r, const dlx_overrides *ov, int point, point_state *ps,
                             dlx_diags *diags)
{
    ps->exp = calloc(1, sizeof *ps->exp);
    if (!ps->exp) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = experiment_load(ps->exp, &r->sweep, r->path, ov, point, ps->values, diags);
    if (st != DLX_OK)
        return st;
    /* what only fits some models (diagnostics, references, losses), located */
    if ((st = experiment_validate_point_fits(ps->exp, &r->sweep, point, ps->values, diags)) != DLX_OK)
        return st;
    for (int k = 0; k < DLX_MAX_SWEEP_KEYS; k++)
        ps->value_ptrs[k] = ps->values[k];
    if (r->opts->arms && (st = filter_arms(ps->exp, r->opts->arms, diags)) != DLX_OK)
        return st;
    if (r->opts->seeds && (st = parse_seeds(ps->exp, r->opts->seeds, diags)) != DLX_OK)
        return st;
    if (r->opts->out_dir)
        snprintf(ps->exp->output, sizeof ps->exp->output, "%s", r->opts->out_dir);
    return DLX_OK;
}

/* Load every data set and check that each arm's model fits its data, so
   that a mistake is reported before any run starts. */
static dlx_status check_point_data(runner *r, point_state *ps, dlx_diags *diags)
{
    dlx_status st = DLX_OK;
    for (int a = 0; a < ps->exp->n_arms; a++) {
        dlx_config *cfg = &ps->exp->arms[a].config;
        dlx_status s = data_cache_get(&r->data, cfg, r->path, &ps->data[a], diags);
        if (s == DLX_OK && cfg->data.source == DATA_SAFETENSORS) {   /* the file's order and shape */
            cfg->data.tensor_order = ps->data[a]->tensor_order;
            memcpy(cfg->data.tensor_shape, ps->data[a]->tensor_shape, sizeof cfg->data.tensor_shape);
        }
        if (s == DLX_OK)
            s = train_check_model(cfg, ps->data[a], r->path, ps->exp->arms[a].name, diags);
        if (s != DLX_OK && st == DLX_OK)
            st = s;
        if (s == DLX_ERR_RUNTIME)
            return s;
    }
    return st;
}

/* Load the base and every point needed, and list the runs in order. */
dlx_status plan_runs(runner *r, const dlx_overrides *ov, dlx_diags *diags)
{
    point_state base = {0};
    dlx_status st = load_point(r, ov, -1, &base, diags);
    if (st != DLX_OK) {
        free(base.exp);
        return st;
    }
    int n_sweep = r->sweep.n_points;
    int first = 0, last = n_sweep > 0 ? n_sweep - 1 : 0;
    if (r->opts->point >= 0) {
        if (r->opts->point >= (n_sweep > 0 ? n_sweep : 1)) {
            diags_add(diags, NULL, 0, 0, "--point %d: the experiment has %d sweep point%s",
                      r->opts->point, n_sweep > 0 ? n_sweep : 1, n_sweep == 1 ? "" : "s");
            free(base.exp);
            return DLX_ERR_INPUT;
        }
        first = last = r->opts->point;
    }
    snprintf(r->out, sizeof r->out, "%s", base.exp->output);
    r->n_extra = n_sweep > 0 ? r->sweep.n_keys : 0;
    for (int k = 0; k < r->n_extra; k++)
        r->key_ptrs[k] = r->sweep.keys[k];

    /* points[0] is the base without a sweep; with a sweep, points[i] is point i. */
    r->n_points = n_sweep > 0 ? n_sweep : 1;
    r->points = calloc((size_t)r->n_points + 1, sizeof *r->points);
    if (!r->points) {
        free(base.exp);
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    r->points[r->n_points] = base; /* kept last, for resolved.yaml */
    if (n_sweep == 0) {
        r->points[0] = base;
        r->points[r->n_points] = (point_state){0};
        st = check_point_data(r, &r->points[0], diags);
    } else {
        /* Every point is validated, also when only one runs. */
        for (int p = 0; p < n_sweep; p++) {
            dlx_diags point_diags = {0};
            dlx_status s = load_point(r, ov, p, &r->points[p], &point_diags);
            for (int i = 0; i < point_diags.count; i++) {
                const dlx_diag *d = &point_diags.items[i];
                if (strncmp(d->message, "in sweep point ", 15) == 0) /* the fit checks name it */
                    diags_add(diags, d->file, d->line, d->col, "%s", d->message);
                else
                    diags_add(diags, d->file, d->line, d->col, "in sweep point %d: %s", p, d->message);
            }
            diags_free(&point_diags);
            if (s == DLX_OK && p >= first && p <= last)
                s = check_point_data(r, &r->points[p], diags);
            if (s != DLX_OK && st == DLX_OK)
                st = s;
        }
    }
    if (st != DLX_OK)
        return st;

    int total = 0;
    for (int p = first; p <= last; p++)
        total += r->points[p].exp->n_arms * r->points[p].exp->n_seeds;
    r->diag_columns = calloc(1, sizeof *r->diag_columns);
    if (!r->diag_columns) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    for (int p = first; p <= last; p++)
        for (int a = 0; a < r->points[p].exp->n_arms; a++)
            diagnostics_columns(&r->points[p].exp->arms[a].config, r->diag_columns);
    r->runs = calloc((size_t)total, sizeof *r->runs);
    if (!r->runs) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    for (int p = first; p <= last; p++) {
        const dlx_experiment *e = r->points[p].exp;
        for (int a = 0; a < e->n_arms; a++) {
            for (int k = 0; k < e->n_seeds; k++) {
                run_slot *s = &r->runs[r->n_runs++];
                s->point = n_sweep > 0 ? p : -1;
                s->arm = a;
                s->seed = e->seeds[k];
                int len;
                if (n_sweep > 0)
                    len = snprintf(s->dir, sizeof s->dir, "%s/runs/p%d/%s/seed-%llu", r->out,
                                   p, e->arms[a].name, (unsigned long long)s->seed);
                else
                    len = snprintf(s->dir, sizeof s->dir, "%s/runs/%s/seed-%llu", r->out,
                                   e->arms[a].name, (unsigned long long)s->seed);
                if (len >= (int)sizeof s->dir) {
                    diags_add(diags, NULL, 0, 0, "output folder path too long: '%s'", r->out);
                    return DLX_ERR_INPUT;
                }
            }
        }
    }
    return DLX_OK;
}

point_state *slot_point(runner *r, const run_slot *s)
{
    return &r->points[s->point < 0 ? 0 : s->point];
}

const point_state *plan_base(const runner *r)
{
    return r->points[r->n_points].exp ? &r->points[r->n_points] : &r->points[0];
}

void plan_free(runner *r)
{
    for (int p = 0; p <= r->n_points && r->points; p++)
        free(r->points[p].exp);
    free(r->points);
    free(r->runs);
    free(r->diag_columns);
    data_cache_free(&r->data);
    if (r->metrics)
        fclose(r->metrics);
}
