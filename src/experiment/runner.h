/*
 * runner.h — run every (sweep point, arm, seed) of an experiment into its
 * output folder (SPEC §1 `dlx run`, §3 files).
 *
 * The runs are ordered point, then arm (file order), then seed (list order);
 * that order is the order of metrics.csv and summary.csv whatever --jobs is.
 * With --jobs N > 1 the runs execute in up to N forked worker processes,
 * each writing runs/.../metrics.csv; the parent appends each run's rows to
 * the top metrics.csv as soon as every run before it has finished, so the
 * file is byte-identical (apart from wall_s) to a --jobs 1 run.
 */
#ifndef DLX_EXPERIMENT_RUNNER_H
#define DLX_EXPERIMENT_RUNNER_H

#include <stdbool.h>

#include "spec/experiment.h"
#include "util/diag.h"

typedef struct {
    const char *out_dir;        /* --out; NULL: the file's output */
    const char *arms;           /* --arms A,B; NULL: all */
    const char *seeds;          /* --seeds 1,2; NULL: the file's seeds */
    int point;                  /* --point I; -1: every sweep point */
    int jobs;                   /* >= 1 */
    int threads;                /* BLAS threads per run; 0: default (SPEC §1) */
    bool force;
    bool resume;                /* continue unfinished runs (docs/reliability.md) */
    bool progress;              /* progress on stderr, and the closing table */
    bool progress_live;         /* as a block redrawn in place (stderr is a terminal) */
    const char *command_line;   /* for meta.yaml */
} dlx_run_options;

/* Outcome of runner_run beyond its status. */
typedef struct {
    int runs_total, runs_ok, runs_diverged, runs_interrupted;
    int stop_signal;            /* SIGINT/SIGTERM/SIGHUP/SIGUSR1 that stopped it, or 0 */
} dlx_run_report;

/* The precision the experiment at path (after the overrides) asks for:
   *float64 true for `precision: float64`; *line, *col where it is set (0 when
   it is not). Loads and validates only the experiment file, not its data:
   the errors are those runner_run would report first. */
dlx_status runner_precision(const char *path, const dlx_overrides *overrides, bool *float64,
                            int *line, int *col, dlx_diags *diags);

dlx_status runner_run(const char *path, const dlx_overrides *overrides,
                      const dlx_run_options *opts, dlx_run_report *report, dlx_diags *diags);

/* Record that a stop signal arrived (async-signal-safe). */
void runner_note_signal(int sig);

#endif
