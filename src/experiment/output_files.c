/*
 * output_files.c — the files of an output folder that describe the whole
 * experiment (SPEC §3): resolved.yaml (the experiment as run, then the
 * solutions section), meta.yaml (how, where and when it ran), summary.csv
 * (a row per finished run, in run order) and uncertainty.csv (after every
 * run, so it is the same whatever --jobs is). Each is replaced atomically
 * (io/atomic_file.c) every time it is written. The rows of metrics.csv are
 * workers.c's.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dlx_version.h"
#include "experiment/runner_internal.h"
#include "util/real.h"
#include "experiment/solution_record.h"
#include "experiment/uncertainty_pass.h"
#include "io/atomic_file.h"
#include "util/gemm.h"

/* Open the output folder's file `name` for atomic replacement; path
   (DLX_PATH_MAX + 32 bytes) gets its full name. */
static dlx_status open_output_file(const runner *r, const char *name, char *path,
                                   dlx_atomic_file *af, dlx_diags *diags)
{
    snprintf(path, DLX_PATH_MAX + 32, "%s/%s", r->out, name);
    return atomic_open(af, path, diags);
}

/* A YAML double-quoted scalar. */
static void yaml_quoted(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c < 0x20)
            fprintf(fp, "\\x%02x", c);
        else
            fputc(c, fp);
    }
    fputc('"', fp);
}

/* t as UTC in ISO 8601 (2026-12-02T06:00:00Z). */
static void iso_time(char *buf, size_t n, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* meta.yaml: how, where and when the experiment ran (SPEC §3). */
const char *run_precision_name(void) { return REAL_PRECISION_NAME; }

dlx_status write_meta(runner *r, time_t start, time_t end, int threads, dlx_diags *diags)
{
    char path[DLX_PATH_MAX + 32];
    dlx_atomic_file af;
    dlx_status st = open_output_file(r, "meta.yaml", path, &af, diags);
    if (st != DLX_OK)
        return st;
    char host[256] = "unknown", t0[32], t1[32] = "";
    gethostname(host, sizeof host - 1);
    iso_time(t0, sizeof t0, start);
    if (end)
        iso_time(t1, sizeof t1, end);
    FILE *fp = af.fp;
    fprintf(fp, "command: ");
    yaml_quoted(fp, r->opts->command_line ? r->opts->command_line : "");
    fprintf(fp, "\ndlx_version: ");
    yaml_quoted(fp, DLX_VERSION);
    fprintf(fp, "\nbuild_commit: ");
    yaml_quoted(fp, DLX_BUILD_COMMIT);
    fprintf(fp, "\nblas: ");
    yaml_quoted(fp, openblas_get_config());
    fprintf(fp, "\nblas_core: ");
    yaml_quoted(fp, openblas_get_corename());
    fprintf(fp, "\ngemm: ");
    yaml_quoted(fp, gemm_backend_name());
    fprintf(fp, "\nprecision: %s", run_precision_name());
    fprintf(fp, "\nthreads: %d\njobs: %d\nhost: ", threads, r->opts->jobs);
    yaml_quoted(fp, host);
    fprintf(fp, "\nstart: \"%s\"\nend: %s%s%s\n", t0, end ? "\"" : "", end ? t1 : "null",
            end ? "\"" : "");
    static const char *const sched[] = {"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID",
                                        "SLURM_ARRAY_TASK_ID", "PBS_JOBID", "LSB_JOBID"};
    for (size_t i = 0; i < sizeof sched / sizeof *sched; i++) {
        const char *v = getenv(sched[i]);
        if (v) {
            fprintf(fp, "%s: ", sched[i]);
            yaml_quoted(fp, v);
            fputc('\n', fp);
        }
    }
    return atomic_commit(&af, diags);
}

/* resolved.yaml: the experiment as run, then the solutions section. */
dlx_status write_resolved(runner *r, dlx_diags *diags)
{
    const point_state *base = plan_base(r);
    char path[DLX_PATH_MAX + 32];
    dlx_atomic_file af;
    dlx_status st = open_output_file(r, "resolved.yaml", path, &af, diags);
    if (st != DLX_OK)
        return st;
    st = experiment_write_yaml(base->exp, &r->sweep, DLX_VERSION, af.fp, diags);
    /* The solutions section: each (point, arm) that runs, once, in run order. */
    bool started = false;
    for (int i = 0; st == DLX_OK && i < r->n_runs; i++) {
        const run_slot *s = &r->runs[i];
        if (i > 0 && r->runs[i - 1].point == s->point && r->runs[i - 1].arm == s->arm)
            continue;
        const point_state *ps = slot_point(r, s);
        const dlx_arm *arm = &ps->exp->arms[s->arm];
        if (solution_record_wanted(&arm->config))
            st = solution_record_write(af.fp, &started, arm->name, s->point, &arm->config, ps->data[s->arm],
                                       diags);
    }
    if (st != DLX_OK) {
        atomic_abort(&af);
        return st;
    }
    return atomic_commit(&af, diags);
}

/* summary.csv with a row for every finished run, replaced atomically. */
dlx_status write_summary(runner *r, dlx_diags *diags)
{
    char path[DLX_PATH_MAX + 32];
    dlx_atomic_file af;
    dlx_status st = open_output_file(r, "summary.csv", path, &af, diags);
    if (st != DLX_OK)
        return st;
    st = summary_write_header(af.fp, path, r->n_extra, r->key_ptrs, diags);
    for (int i = 0; st == DLX_OK && i < r->n_runs; i++) {
        const run_slot *s = &r->runs[i];
        if (!s->done || s->failed)
            continue;
        const point_state *ps = slot_point(r, s);
        st = summary_write_row(af.fp, path, ps->exp->arms[s->arm].name, s->seed, &s->summary,
                               r->n_extra, ps->value_ptrs, diags);
    }
    if (st != DLX_OK) {
        atomic_abort(&af);
        return st;
    }
    return atomic_commit(&af, diags);
}

/* The finished runs of slots [first, last) of one (point, arm), as
   uncertainty groups: `size` consecutive seeds per ensemble (a last, smaller
   group keeps the seeds left over), one seed per MC-dropout row. */
static dlx_status uncertainty_arm(runner *r, int first, int last, FILE *fp, const char *path,
                                  dlx_diags *diags)
{
    const point_state *ps = slot_point(r, &r->runs[first]);
    const dlx_arm *arm = &ps->exp->arms[r->runs[first].arm];
    const dlx_uncertainty_config *u = &arm->config.uncertainty;
    int group = u->method == UNCERTAINTY_ENSEMBLE ? u->size : 1;
    uint64_t *seeds = malloc((size_t)group * sizeof *seeds);
    char (*paths)[DLX_PATH_MAX + 32] = malloc((size_t)group * sizeof *paths);
    const char **path_ptrs = malloc((size_t)group * sizeof *path_ptrs);
    dlx_status st = seeds && paths && path_ptrs ? DLX_OK : DLX_ERR_RUNTIME;
    if (st != DLX_OK)
        diags_add(diags, NULL, 0, 0, "out of memory");
    int n = 0;
    for (int i = first; st == DLX_OK && i < last; i++) {
        const run_slot *s = &r->runs[i];
        if (s->done && !s->failed && s->summary.status == RUN_OK) {
            seeds[n] = s->seed;
            snprintf(paths[n], sizeof paths[n], "%s/checkpoint.safetensors", s->dir);
            path_ptrs[n] = paths[n];
            n++;
        }
        if (n > 0 && (n == group || i == last - 1)) {
            dlx_uncertainty_group g = {.config = &arm->config, .data = ps->data[r->runs[first].arm],
                                       .arm = arm->name, .source_file = r->path, .n_models = n,
                                       .seeds = seeds, .checkpoints = path_ptrs};
            st = uncertainty_evaluate(&g, r->n_extra, ps->value_ptrs, fp, path, diags);
            n = 0;
        }
    }
    free(seeds);
    free(paths);
    free(path_ptrs);
    return st;
}

/* uncertainty.csv, when some arm asks for it (docs/config.md,
   "uncertainty"): one row per ensemble or MC-dropout model, after every run
   has finished, so it is the same whatever --jobs is. */
dlx_status write_uncertainty(runner *r, dlx_diags *diags)
{
    bool wanted = false;
    for (int i = 0; i < r->n_runs; i++) {
        const run_slot *s = &r->runs[i];
        wanted |= slot_point(r, s)->exp->arms[s->arm].config.uncertainty.method != UNCERTAINTY_NONE;
    }
    if (!wanted)
        return DLX_OK;
    char path[DLX_PATH_MAX + 32];
    dlx_atomic_file af;
    dlx_status st = open_output_file(r, "uncertainty.csv", path, &af, diags);
    if (st != DLX_OK)
        return st;
    st = uncertainty_write_header(af.fp, path, r->n_extra, r->key_ptrs, diags);
    for (int first = 0; st == DLX_OK && first < r->n_runs;) {
        int last = first + 1;
        while (last < r->n_runs && r->runs[last].point == r->runs[first].point &&
               r->runs[last].arm == r->runs[first].arm)
            last++;
        const run_slot *s = &r->runs[first];
        if (slot_point(r, s)->exp->arms[s->arm].config.uncertainty.method != UNCERTAINTY_NONE)
            st = uncertainty_arm(r, first, last, af.fp, path, diags);
        first = last;
    }
    if (st != DLX_OK) {
        atomic_abort(&af);
        return st;
    }
    return atomic_commit(&af, diags);
}

