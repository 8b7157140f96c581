/*
 * runner.c — an experiment's runs, their output folder and files (see runner.h).
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "experiment/runner.h"

#include <cblas.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "data/dataset.h"
#include "dlx_version.h"
#include "io/atomic_file.h"
#include "io/csv_writer.h"
#include "diagnostics/diagnostic.h"
#include "train/metrics.h"
#include "experiment/resume.h"
#include "train/run.h"
#include "train/checkpoint.h"
#include "experiment/solution_record.h"
#include "experiment/uncertainty_pass.h"

static volatile sig_atomic_t stop_signal;

void runner_note_signal(int sig)
{
    stop_signal = sig;
    train_request_stop();
}

/* One (point, arm, seed) run and what it produced. */
typedef struct {
    int point;                 /* sweep point, -1 without sweep */
    int arm;                   /* index into the point's experiment */
    uint64_t seed;
    char dir[DLX_PATH_MAX];    /* runs/[p<I>/]<arm>/seed-<k> */
    bool done;                 /* finished (any status) */
    bool appended;             /* its rows are in the top metrics.csv */
    bool failed;               /* an error, not a result */
    bool resume;               /* continue from its checkpoint (--resume) */
    dlx_run_summary summary;
} run_slot;

/* An experiment loaded for one sweep point, with its datasets. */
typedef struct {
    dlx_experiment *exp;
    char values[DLX_MAX_SWEEP_KEYS][128];
    const char *value_ptrs[DLX_MAX_SWEEP_KEYS];
    dlx_dataset *data[DLX_MAX_ARMS];    /* per arm; arms with equal data configs share */
} point_state;

typedef struct {
    const char *path;
    const dlx_run_options *opts;
    dlx_sweep sweep;
    const char *key_ptrs[DLX_MAX_SWEEP_KEYS];
    int n_extra;
    int n_points;                       /* point states loaded */
    point_state *points;
    int n_runs;
    run_slot *runs;
    dlx_columns *diag_columns;          /* union over all runs, in order of first use */
    char out[DLX_PATH_MAX];
    char metrics_path[DLX_PATH_MAX + 32];
    FILE *metrics;
    /* datasets loaded so far, to share between arms and points */
    int n_datasets;
    dlx_dataset **datasets;
    dlx_data_config *dataset_configs;
} runner;

/* ---- helpers ---------------------------------------------------------- */

static bool strings_equal(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* Field-by-field equality of two data configs (memcmp would see padding). */
static bool data_config_equal(const dlx_data_config *a, const dlx_data_config *b)
{
    return a->source == b->source && strings_equal(a->dir, b->dir) &&
           strings_equal(a->train_images, b->train_images) &&
           strings_equal(a->train_labels, b->train_labels) &&
           strings_equal(a->test_images, b->test_images) &&
           strings_equal(a->test_labels, b->test_labels) && strings_equal(a->train, b->train) &&
           strings_equal(a->test, b->test) && strings_equal(a->target, b->target) &&
           a->kind == b->kind && a->dim == b->dim && a->classes == b->classes &&
           a->noise == b->noise && a->condition == b->condition &&
           a->separation == b->separation && a->teacher_hidden == b->teacher_hidden &&
           a->n_train == b->n_train && a->n_test == b->n_test && a->seed == b->seed &&
           a->preprocess == b->preprocess;
}

/* The dataset for cfg, loading it the first time it is asked for. */
static dlx_status get_dataset(runner *r, const dlx_data_config *cfg, dlx_dataset **out,
                              dlx_diags *diags)
{
    for (int i = 0; i < r->n_datasets; i++) {
        if (data_config_equal(&r->dataset_configs[i], cfg)) {
            *out = r->datasets[i];
            return DLX_OK;
        }
    }
    dlx_dataset **ds = realloc(r->datasets, (size_t)(r->n_datasets + 1) * sizeof *ds);
    if (ds)
        r->datasets = ds;
    dlx_data_config *cs =
        realloc(r->dataset_configs, (size_t)(r->n_datasets + 1) * sizeof *cs);
    if (cs)
        r->dataset_configs = cs;
    dlx_dataset *d = calloc(1, sizeof *d);
    if (!ds || !cs || !d) {
        free(d);
        diags_add(diags, NULL, 0, 0, "out of memory loading data");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = dataset_load(d, cfg, r->path, diags);
    if (st != DLX_OK) {
        free(d);
        return st;
    }
    r->datasets[r->n_datasets] = d;
    r->dataset_configs[r->n_datasets] = *cfg;
    r->n_datasets++;
    *out = d;
    return DLX_OK;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static bool path_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Refuse an output folder that holds results, unless --force, which removes
   the files dlx writes there (and nothing else). */
static dlx_status prepare_output(runner *r, dlx_diags *diags)
{
    static const char *const written[] = {"metrics.csv", "summary.csv", "resolved.yaml",
                                          "meta.yaml", "runs"};
    char p[DLX_PATH_MAX + 64];
    const char *found = NULL;
    for (size_t i = 0; i < sizeof written / sizeof *written; i++) {
        snprintf(p, sizeof p, "%s/%s", r->out, written[i]);
        if (path_exists(p) && (i < 2 || i == 4)) {
            found = written[i];
            break;
        }
    }
    if (found && !r->opts->force) {
        diags_add(diags, NULL, 0, 0,
                  "output folder '%s' already holds results (%s); use --force to replace them",
                  r->out, found);
        return DLX_ERR_INPUT;
    }
    if (found) {
        for (size_t i = 0; i < sizeof written / sizeof *written; i++) {
            snprintf(p, sizeof p, "%s/%s", r->out, written[i]);
            if (!path_exists(p))
                continue;
            if (nftw(p, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
                diags_add(diags, p, 0, 0, "cannot remove old results: %s", strerror(errno));
                return DLX_ERR_RUNTIME;
            }
        }
    }
    return make_dirs(r->out, diags);
}

/* --resume: the folder must hold the same resolved experiment; each run
   with a checkpoint is either finished (its summary is taken) or continued,
   and its metrics.csv is cut back to the rows its checkpoint counted. */
static dlx_status prepare_resume(runner *r, const point_state *base, dlx_diags *diags)
{
    char p[DLX_PATH_MAX + 64];
    if (path_exists(r->out))
        resume_remove_stale_temporaries(r->out);
    snprintf(p, sizeof p, "%s/resolved.yaml", r->out);
    if (!path_exists(p)) {
        snprintf(p, sizeof p, "%s/runs", r->out);
        if (path_exists(p)) {
            diags_add(diags, NULL, 0, 0,
                      "cannot resume: '%s' has runs but no resolved.yaml; use --force to start "
                      "over", r->out);
            return DLX_ERR_INPUT;
        }
        return make_dirs(r->out, diags); /* nothing was started: start */
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = experiment_write_yaml(base->exp, &r->sweep, DLX_VERSION, mem, diags);
    fclose(mem);
    if (st == DLX_OK)
        st = resume_check_resolved(p, text, len, diags);
    free(text);
    for (int i = 0; st == DLX_OK && i < r->n_runs; i++) {
        run_slot *s = &r->runs[i];
        char ckpt[DLX_PATH_MAX + 32], metrics[DLX_PATH_MAX + 32];
        snprintf(ckpt, sizeof ckpt, "%s/checkpoint.safetensors", s->dir);
        snprintf(metrics, sizeof metrics, "%s/metrics.csv", s->dir);
        if (!path_exists(ckpt))
            continue; /* never reached its first checkpoint: starts again */
        dlx_train_state state = {0};
        st = checkpoint_read_state(ckpt, &state, diags);
        if (st == DLX_OK)
            st = resume_truncate_metrics(metrics, state.rows, diags);
        if (st != DLX_OK)
            break;
        if (state.finished) {
            s->done = true;
            s->summary = state.summary;
        } else {
            s->resume = true;
        }
    }
    return st;
}

/* ---- the experiment and its points ------------------------------------ */

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
            if (strings_equal(exp->arms[a].name, name))
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
        const dlx_config *cfg = &ps->exp->arms[a].config;
        dlx_status s = get_dataset(r, &cfg->data, &ps->data[a], diags);
        if (s == DLX_OK)
            s = train_check_model(cfg, ps->data[a], r->path, ps->exp->arms[a].name, diags);
        if (s != DLX_OK && st == DLX_OK)
            st = s;
        if (s == DLX_ERR_RUNTIME)
            return s;
    }
    return st;
}

/* ---- files of the output folder -------------------------------------- */

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

static void iso_time(char *buf, size_t n, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* meta.yaml: how, where and when the experiment ran (SPEC §3). */
static dlx_status write_meta(runner *r, time_t start, time_t end, int threads, dlx_diags *diags)
{
    char path[DLX_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/meta.yaml", r->out);
    dlx_atomic_file af;
    dlx_status st = atomic_open(&af, path, diags);
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

static point_state *slot_point(runner *r, const run_slot *s);

static dlx_status write_resolved(runner *r, const point_state *base, dlx_diags *diags)
{
    char path[DLX_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/resolved.yaml", r->out);
    dlx_atomic_file af;
    dlx_status st = atomic_open(&af, path, diags);
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

/* Open the output folder's file `name` for atomic replacement; path
   (DLX_PATH_MAX + 32 bytes) gets its full name. */
static dlx_status open_output_file(const runner *r, const char *name, char *path,
                                   dlx_atomic_file *af, dlx_diags *diags)
{
    snprintf(path, DLX_PATH_MAX + 32, "%s/%s", r->out, name);
    return atomic_open(af, path, diags);
}

/* summary.csv with a row for every finished run, replaced atomically. */
static dlx_status write_summary(runner *r, dlx_diags *diags)
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
        const point_state *ps = &r->points[s->point < 0 ? 0 : s->point];
        st = summary_write_row(af.fp, path, ps->exp->arms[s->arm].name, s->seed, &s->summary,
                               r->n_extra, ps->value_ptrs, diags);
    }
    if (st != DLX_OK) {
        atomic_abort(&af);
        return st;
    }
    return atomic_commit(&af, diags);
}

/* ---- executing runs --------------------------------------------------- */

static point_state *slot_point(runner *r, const run_slot *s)
{
    return &r->points[s->point < 0 ? 0 : s->point];
}

/* Append the rows of a run's metrics.csv (not its header) to out. */
static dlx_status copy_rows(const char *own_path, FILE *out, const char *out_path,
                            dlx_diags *diags)
{
    FILE *in = fopen(own_path, "r");
    if (!in) {
        diags_add(diags, own_path, 0, 0, "cannot read: %s", strerror(errno));
        return DLX_ERR_RUNTIME;
    }
    char *line = NULL;
    size_t cap = 0;
    bool header = true;
    ssize_t n;
    dlx_status st = DLX_OK;
    while (st == DLX_OK && (n = getline(&line, &cap, in)) > 0) {
        if (!header)
            st = csv_append_whole(out, line, (size_t)n, diags, out_path);
        header = false;
    }
    free(line);
    fclose(in);
    return st;
}

/* Train one run in this process; its rows go to its own metrics.csv and,
   when main_metrics is given, to the top metrics.csv as well. */
static dlx_status execute_run(runner *r, run_slot *s, FILE *main_metrics, dlx_diags *diags)
{
    point_state *ps = slot_point(r, s);
    const dlx_arm *arm = &ps->exp->arms[s->arm];
    dlx_status st = make_dirs(s->dir, diags);
    if (st != DLX_OK)
        return st;
    char own_path[DLX_PATH_MAX + 32], ckpt_path[DLX_PATH_MAX + 32];
    snprintf(own_path, sizeof own_path, "%s/metrics.csv", s->dir);
    snprintf(ckpt_path, sizeof ckpt_path, "%s/checkpoint.safetensors", s->dir);
    FILE *own = fopen(own_path, s->resume ? "a" : "w");
    if (!own) {
        diags_add(diags, own_path, 0, 0, "cannot create: %s", strerror(errno));
        return DLX_ERR_RUNTIME;
    }
    if (s->resume)
        st = main_metrics ? copy_rows(own_path, main_metrics, r->metrics_path, diags) : DLX_OK;
    else
        st = metrics_write_header(own, own_path, r->diag_columns, r->n_extra, r->key_ptrs,
                                  diags);
    dlx_run_request req = {
        .config = &arm->config, .arm = arm->name, .seed = s->seed, .data = ps->data[s->arm],
        .source_file = r->path, .checkpoint_path = ckpt_path,
        .sinks = {{own, own_path}, {main_metrics, r->metrics_path}},
        .n_sinks = main_metrics ? 2 : 1,
        .diag_columns = r->diag_columns,
        .n_extra = r->n_extra, .extra_values = ps->value_ptrs,
        .progress = r->opts->progress && r->opts->jobs == 1,
        .resume = s->resume,
    };
    if (st == DLX_OK)
        st = train_run(&req, &s->summary, diags);
    if (fclose(own) != 0 && st == DLX_OK) {
        diags_add(diags, own_path, 0, 0, "cannot write: %s", strerror(errno));
        st = DLX_ERR_RUNTIME;
    }
    return st;
}

/* Append the rows of finished runs to the top metrics.csv, in run order,
   up to the first run that has not finished. */
static dlx_status append_finished(runner *r, dlx_diags *diags)
{
    for (int i = 0; i < r->n_runs; i++) {
        run_slot *s = &r->runs[i];
        if (s->appended)
            continue;
        if (!s->done)
            return DLX_OK;
        s->appended = true;
        if (s->failed)
            continue;
        char own_path[DLX_PATH_MAX + 32];
        snprintf(own_path, sizeof own_path, "%s/metrics.csv", s->dir);
        dlx_status st = copy_rows(own_path, r->metrics, r->metrics_path, diags);
        if (st != DLX_OK)
            return st;
    }
    return DLX_OK;
}

static void report_finished(const runner *r, const run_slot *s, int finished)
{
    if (!r->opts->progress || r->opts->jobs == 1)
        return;
    const point_state *ps = &r->points[s->point < 0 ? 0 : s->point];
    fprintf(stderr, "[%d/%d] %s seed %llu: %s", finished, r->n_runs, ps->exp->arms[s->arm].name,
            (unsigned long long)s->seed, s->failed ? "failed" : run_status_name(s->summary.status));
    if (!s->failed)
        fprintf(stderr, ", test_loss %.4g, %.1f s", s->summary.final_test_loss, s->summary.wall_s);
    fputc('\n', stderr);
}

/* training.on_divergence: fail — a diverged run stops the experiment
   (exit status 1); DLX_OK otherwise. */
static dlx_status check_divergence(runner *r, const run_slot *s, dlx_diags *diags)
{
    const dlx_arm *arm = &slot_point(r, s)->exp->arms[s->arm];
    if (s->failed || s->summary.status != RUN_DIVERGED ||
        arm->config.training.on_divergence != DIVERGE_FAIL)
        return DLX_OK;
    diags_add(diags, r->path, 0, 0,
              "run %s seed %llu diverged (a non-finite loss) in epoch %d; "
              "training.on_divergence is fail, so no further run is started",
              arm->name, (unsigned long long)s->seed, s->summary.epochs_done + 1);
    return DLX_ERR_RUNTIME;
}

static dlx_status run_sequential(runner *r, dlx_diags *diags)
{
    for (int i = 0; i < r->n_runs; i++) {
        if (train_stop_requested())
            break;
        run_slot *s = &r->runs[i];
        if (s->done) { /* finished before --resume: its rows only */
            char own_path[DLX_PATH_MAX + 32];
            snprintf(own_path, sizeof own_path, "%s/metrics.csv", s->dir);
            s->appended = true;
            dlx_status st = copy_rows(own_path, r->metrics, r->metrics_path, diags);
            if (st == DLX_OK)
                st = check_divergence(r, s, diags);
            if (st != DLX_OK)
                return st;
            continue;
        }
        dlx_status st = execute_run(r, s, r->metrics, diags);
        s->done = true;
        s->appended = true;
        if (st != DLX_OK) {
            s->failed = true;
            return st;
        }
        if ((st = write_summary(r, diags)) != DLX_OK)
            return st;
        if ((st = check_divergence(r, s, diags)) != DLX_OK)
            return st;
    }
    return DLX_OK;
}

/* A worker: train one run, send its summary to the parent, exit with the
   run's status. */
static void worker_main(runner *r, run_slot *s, int threads, int fd, pid_t parent)
{
#ifdef __linux__
    /* A worker whose parent was killed (SIGKILL cannot be caught) must not
       go on writing into a folder that a --resume may already be using. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(DLX_ERR_RUNTIME);
#else
    (void)parent;
#endif
    openblas_set_num_threads(threads);
    dlx_diags diags = {0};
    dlx_status st = execute_run(r, s, NULL, &diags);
    diags_print(&diags, stderr);
    diags_free(&diags);
    ssize_t w = write(fd, &s->summary, sizeof s->summary);
    close(fd);
    _exit(w == (ssize_t)sizeof s->summary ? (int)st : DLX_ERR_RUNTIME);
}

static dlx_status run_parallel(runner *r, int threads, dlx_diags *diags)
{
    int jobs = r->opts->jobs;
    pid_t *pids = calloc((size_t)jobs, sizeof *pids);
    int *slots = calloc((size_t)jobs, sizeof *slots);
    int *fds = calloc((size_t)jobs, sizeof *fds);
    if (!pids || !slots || !fds) {
        free(pids), free(slots), free(fds);
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    fflush(NULL); /* nothing buffered may be written twice by the children */
    pid_t parent = getpid();
    dlx_status st = append_finished(r, diags); /* runs finished before --resume */
    for (int i = 0; st == DLX_OK && i < r->n_runs; i++)
        if (r->runs[i].done)
            st = check_divergence(r, &r->runs[i], diags);
    int next = 0, running = 0, finished = 0;
    while (next < r->n_runs || running > 0) {
        while (next < r->n_runs && r->runs[next].done)
            next++;
        while (st == DLX_OK && !train_stop_requested() && running < jobs && next < r->n_runs) {
            int pipefd[2];
            if (pipe(pipefd) != 0) {
                diags_add(diags, NULL, 0, 0, "cannot create a pipe: %s", strerror(errno));
                st = DLX_ERR_RUNTIME;
                break;
            }
            pid_t pid = fork();
            if (pid < 0) {
                diags_add(diags, NULL, 0, 0, "cannot start a worker: %s", strerror(errno));
                close(pipefd[0]), close(pipefd[1]);
                st = DLX_ERR_RUNTIME;
                break;
            }
            if (pid == 0) {
                close(pipefd[0]);
                worker_main(r, &r->runs[next], threads, pipefd[1], parent);
            }
            close(pipefd[1]);
            int k = 0;
            while (pids[k])
                k++;
            pids[k] = pid, slots[k] = next, fds[k] = pipefd[0];
            running++, next++;
            while (next < r->n_runs && r->runs[next].done)
                next++;
        }
        if (running == 0)
            break;
        int wstatus;
        pid_t pid = waitpid(-1, &wstatus, 0);
        if (pid < 0) {
            if (errno == EINTR) {
                for (int k = 0; k < jobs; k++)
                    if (pids[k])
                        kill(pids[k], SIGTERM);
                continue;
            }
            diags_add(diags, NULL, 0, 0, "waiting for workers: %s", strerror(errno));
            st = DLX_ERR_RUNTIME;
            break;
        }
        int k = 0;
        while (k < jobs && pids[k] != pid)
            k++;
        if (k == jobs)
            continue;
        run_slot *s = &r->runs[slots[k]];
        ssize_t got = read(fds[k], &s->summary, sizeof s->summary);
        close(fds[k]);
        pids[k] = 0, running--;
        s->done = true;
        int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : DLX_ERR_RUNTIME;
        if (code != 0 || got != (ssize_t)sizeof s->summary) {
            s->failed = true;
            if (st == DLX_OK) {
                st = code == DLX_ERR_INPUT ? DLX_ERR_INPUT : DLX_ERR_RUNTIME;
                diags_add(diags, NULL, 0, 0, "run %s seed %llu failed",
                          slot_point(r, s)->exp->arms[s->arm].name, (unsigned long long)s->seed);
            }
        }
        report_finished(r, s, ++finished);
        if (st == DLX_OK)
            st = check_divergence(r, s, diags);
        dlx_status a = append_finished(r, diags);
        if (a == DLX_OK)
            a = write_summary(r, diags);
        if (a != DLX_OK && st == DLX_OK)
            st = a;
    }
    free(pids), free(slots), free(fds);
    return st;
}

/* ---- the whole experiment --------------------------------------------- */

/* Load the base and every point needed, and list the runs in order. */
static dlx_status plan_runs(runner *r, const dlx_overrides *ov, dlx_diags *diags)
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
static dlx_status write_uncertainty(runner *r, dlx_diags *diags)
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

static void runner_free(runner *r)
{
    for (int p = 0; p <= r->n_points && r->points; p++)
        free(r->points[p].exp);
    free(r->points);
    free(r->runs);
    free(r->diag_columns);
    for (int i = 0; i < r->n_datasets; i++) {
        dataset_free(r->datasets[i]);
        free(r->datasets[i]);
    }
    free(r->datasets);
    free(r->dataset_configs);
    if (r->metrics)
        fclose(r->metrics);
}

dlx_status runner_run(const char *path, const dlx_overrides *overrides,
                      const dlx_run_options *opts, dlx_run_report *report, dlx_diags *diags)
{
    *report = (dlx_run_report){0};
    runner r = {.path = path, .opts = opts};
    time_t start = time(NULL);
    dlx_status st = plan_runs(&r, overrides, diags);
    const point_state *base =
        st == DLX_OK ? r.points[r.n_points].exp ? &r.points[r.n_points] : &r.points[0] : NULL;
    if (st == DLX_OK)
        st = opts->resume ? prepare_resume(&r, base, diags) : prepare_output(&r, diags);
    int threads = opts->threads > 0 ? opts->threads : opts->jobs > 1 ? 1 : 0;
    if (threads > 0)
        openblas_set_num_threads(threads);
    int threads_used = openblas_get_num_threads();
    if (st == DLX_OK)
        st = write_resolved(&r, base, diags);
    if (st == DLX_OK)
        st = write_meta(&r, start, 0, threads_used, diags);
    if (st == DLX_OK) {
        snprintf(r.metrics_path, sizeof r.metrics_path, "%s/metrics.csv", r.out);
        r.metrics = fopen(r.metrics_path, "w");
        if (!r.metrics) {
            diags_add(diags, r.metrics_path, 0, 0, "cannot create: %s", strerror(errno));
            st = DLX_ERR_RUNTIME;
        }
    }
    if (st == DLX_OK)
        st = metrics_write_header(r.metrics, r.metrics_path, r.diag_columns, r.n_extra,
                                  r.key_ptrs, diags);
    if (st == DLX_OK)
        st = write_summary(&r, diags);
    if (st == DLX_OK)
        st = opts->jobs > 1 ? run_parallel(&r, threads_used, diags) : run_sequential(&r, diags);
    if (st == DLX_OK && !train_stop_requested())
        st = write_uncertainty(&r, diags);
    if (r.metrics && fflush(r.metrics) != 0 && st == DLX_OK) {
        diags_add(diags, r.metrics_path, 0, 0, "cannot write: %s", strerror(errno));
        st = DLX_ERR_RUNTIME;
    }
    if (st == DLX_OK || train_stop_requested()) {
        dlx_status m = write_meta(&r, start, time(NULL), threads_used, diags);
        if (st == DLX_OK)
            st = m;
    }
    report->runs_total = r.n_runs;
    for (int i = 0; i < r.n_runs; i++) {
        const run_slot *s = &r.runs[i];
        if (!s->done || s->failed)
            continue;
        report->runs_ok += s->summary.status == RUN_OK;
        report->runs_diverged += s->summary.status == RUN_DIVERGED;
        report->runs_interrupted += s->summary.status == RUN_INTERRUPTED;
    }
    report->stop_signal = stop_signal;
    runner_free(&r);
    return st;
}
