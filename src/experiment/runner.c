/*
 * runner.c — `dlx run`: an experiment from its file to its output folder
 * (see runner.h).
 *
 * How an experiment flows:
 *   1. plan.c resolves the experiment (every sweep point validated), applies
 *      --arms and --seeds, loads each distinct data set once, checks every
 *      arm's model against its data and lists the runs: point, arm, seed.
 *   2. The output folder is created and locked (folder_lock.c): one dlx at a
 *      time writes into it, until this process and its workers have exited.
 *   3. output_folder.c makes it ready: refused if it holds results, cleared
 *      with --force, or, with --resume, checked in full and cut back to the
 *      checkpoints.
 *   4. output_files.c writes resolved.yaml and meta.yaml (end: null), the
 *      header of metrics.csv and an empty summary.csv.
 *   5. workers.c executes the runs, in this process or in forked workers,
 *      appending their rows to metrics.csv in run order and rewriting
 *      summary.csv as each run ends.
 *   6. After the runs: uncertainty.csv (unless a signal stopped the runs),
 *      meta.yaml again with its end time, the closing table on stderr
 *      (run_table.c, unless --quiet) and the report for the exit status.
 * A stop signal (SIGINT, SIGTERM, SIGHUP, SIGUSR1) only sets a flag; the runs
 * finish their step, checkpoint, and the files are completed as above.
 */
#include "experiment/runner.h"

#include <cblas.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "experiment/folder_lock.h"
#include "experiment/resume.h"
#include "experiment/runner_internal.h"
#include "io/atomic_file.h"
#include "train/run.h"
#include "io/output_file.h"
#include "util/gemm.h"

static volatile sig_atomic_t stop_signal;

void runner_note_signal(int sig)
{
    stop_signal = sig;
    train_request_stop();
}

/* Open the top metrics.csv afresh and write its header. */
static dlx_status open_top_metrics(runner *r, dlx_diags *diags)
{
    snprintf(r->metrics_path, sizeof r->metrics_path, "%s/metrics.csv", r->out);
    dlx_status st = DLX_OK;
    r->metrics = io_fopen_output(r->metrics_path, "w", &st, diags);
    if (!r->metrics)
        return st;
    return metrics_write_header(r->metrics, r->metrics_path, r->diag_columns, r->n_extra,
                                r->key_ptrs, diags);
}

/* The counts of the report, from the runs as they ended. */
static void fill_report(const runner *r, dlx_run_report *report)
{
    report->runs_total = r->n_runs;
    for (int i = 0; i < r->n_runs; i++) {
        const run_slot *s = &r->runs[i];
        if (!s->done || s->failed)
            continue;
        report->runs_ok += s->summary.status == RUN_OK;
        report->runs_diverged += s->summary.status == RUN_DIVERGED;
        report->runs_interrupted += s->summary.status == RUN_INTERRUPTED;
    }
    report->stop_signal = stop_signal;
}

/* True when every run of the plan is already finished (after --resume read
   the folder). */
static bool all_runs_done(const runner *r)
{
    for (int i = 0; i < r->n_runs; i++)
        if (!r->runs[i].done)
            return false;
    return true;
}

dlx_status runner_precision(const char *path, const dlx_overrides *overrides, bool *float64,
                            int *line, int *col, dlx_diags *diags)
{
    dlx_experiment *exp = calloc(1, sizeof *exp);
    dlx_sweep sweep;
    if (!exp) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = experiment_load(exp, &sweep, path, overrides, -1, NULL, diags);
    *float64 = st == DLX_OK && exp->float64;
    *line = exp->precision_line;
    *col = exp->precision_col;
    free(exp);
    return st;
}

dlx_status runner_run(const char *path, const dlx_overrides *overrides,
                      const dlx_run_options *opts, dlx_run_report *report, dlx_diags *diags)
{
    *report = (dlx_run_report){0};
    runner r = {.path = path, .opts = opts, .lock_fd = -1};
    time_t start = time(NULL);
    dlx_status st = plan_runs(&r, overrides, diags);
    if (st == DLX_OK)
        st = make_dirs(r.out, diags);
    if (st == DLX_OK)
        st = folder_lock_take(r.out, opts->command_line, &r.lock_fd, diags);
    int threads = opts->threads > 0 ? opts->threads : opts->jobs > 1 ? 1 : 0;
    if (threads > 0)
        openblas_set_num_threads(threads);
    int threads_used = openblas_get_num_threads();
    if (st == DLX_OK && opts->resume) {
        /* SPEC §3: a resume with other threads, GEMM backend or precision
           than the finished part is refused before any file changes. */
        char meta[DLX_PATH_MAX + 32];
        snprintf(meta, sizeof meta, "%s/meta.yaml", r.out);
        st = resume_check_meta(meta, threads_used, gemm_backend_name(), run_precision_name(),
                               diags);
    }
    if (st == DLX_OK)
        st = opts->resume ? output_prepare_resume(&r, diags) : output_prepare(&r, diags);
    char meta_path[DLX_PATH_MAX + 32];
    snprintf(meta_path, sizeof meta_path, "%s/meta.yaml", r.out);
    if (st == DLX_OK && opts->resume && all_runs_done(&r) && resume_meta_finished(meta_path)) {
        /* Nothing to do: the record of the finished work stays as it is
           (SPEC §3: a resume that finds nothing to do changes no file).
           When every run is done but the experiment did not reach its end
           (meta.yaml has no end time: it stopped while writing summary.csv,
           say), the record is written again below from the runs' own files. */
        fill_report(&r, report);
        plan_free(&r);
        folder_lock_release(r.lock_fd);
        return DLX_OK;
    }
    if (st == DLX_OK)
        st = write_resolved(&r, diags);
    if (st == DLX_OK)
        st = write_meta(&r, start, 0, threads_used, diags);
    if (st == DLX_OK)
        st = open_top_metrics(&r, diags);
    if (st == DLX_OK)
        st = write_summary(&r, diags);
    if (st == DLX_OK)
        st = opts->jobs > 1 ? run_parallel(&r, threads_used, diags) : run_sequential(&r, diags);
    if (st == DLX_OK && !train_stop_requested())
        st = write_uncertainty(&r, diags);
    if (st == DLX_OK && !train_stop_requested())
        st = write_growth(&r, diags);
    if (r.metrics && fflush(r.metrics) != 0 && st == DLX_OK) {
        diags_add(diags, r.metrics_path, 0, 0, "cannot write: %s", strerror(errno));
        st = DLX_ERR_RUNTIME;
    }
    if (st == DLX_OK || train_stop_requested()) {
        dlx_status m = write_meta(&r, start, time(NULL), threads_used, diags);
        if (st == DLX_OK)
            st = m;
    }
    fill_report(&r, report);
    if (opts->progress && r.runs && r.n_runs > 0)
        run_table_print(&r, stderr);
    plan_free(&r);
    folder_lock_release(r.lock_fd);
    return st;
}
