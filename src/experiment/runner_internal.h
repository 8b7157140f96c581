/*
 * runner_internal.h — the state that the parts of the experiment runner
 * share, and the functions each part offers the others. Not for use outside
 * src/experiment/ (and its tests).
 *
 *   plan.c           the experiment resolved, its points, --arms/--seeds, the
 *                    runs in order, each arm's data (data_cache.c)
 *   output_folder.c  the folder made ready: refused, cleared (--force) or
 *                    checked and cut back for --resume (resume.c)
 *   output_files.c   resolved.yaml, meta.yaml, summary.csv, uncertainty.csv
 *   workers.c        the runs executed, in this process or in forked workers,
 *                    and their rows appended to the top metrics.csv in order
 *   runner.c         the sequence of all these (runner_run)
 */
#ifndef DLX_EXPERIMENT_RUNNER_INTERNAL_H
#define DLX_EXPERIMENT_RUNNER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "data/dataset.h"
#include "diagnostics/diagnostic.h"
#include "experiment/data_cache.h"
#include "experiment/runner.h"
#include "spec/experiment.h"
#include "train/metrics.h"
#include "train/run.h"

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
    dlx_dataset *data[DLX_MAX_ARMS];    /* per arm, owned by the runner's data cache */
} point_state;

/* The live progress display (progress.h). */
typedef struct progress_display progress_display;

typedef struct {
    const char *path;
    const dlx_run_options *opts;
    dlx_sweep sweep;
    const char *key_ptrs[DLX_MAX_SWEEP_KEYS];
    int n_extra;
    int n_points;                       /* point states loaded */
    point_state *points;                /* [n_points + 1]; the last is the base of a sweep */
    int n_runs;
    run_slot *runs;
    dlx_columns *diag_columns;          /* union over all runs, in order of first use */
    char out[DLX_PATH_MAX];
    char metrics_path[DLX_PATH_MAX + 32];
    FILE *metrics;
    dlx_data_cache data;                /* data sets shared between arms and points */
    int lock_fd;                        /* OUT/.dlx.lock, -1 before it is taken */
    progress_display *live;             /* while the live display is drawn, else NULL */
} runner;

/* ---- plan.c */

/* Load the base and every point needed, each arm's data, and list the runs
   in order (r->path and r->opts set). */
dlx_status plan_runs(runner *r, const dlx_overrides *ov, dlx_diags *diags);

/* The point state of a run. */
point_state *slot_point(runner *r, const run_slot *s);

/* The experiment resolved.yaml records: the sweep's base, or the only point. */
const point_state *plan_base(const runner *r);

/* Free what plan_runs allocated and close the top metrics.csv. */
void plan_free(runner *r);

/* ---- output_folder.c */

/* Without --resume: refuse a folder holding results unless --force, which
   removes them. */
dlx_status output_prepare(runner *r, dlx_diags *diags);

/* --resume: check the folder (resolved.yaml, every run's checkpoint and
   metrics.csv) before anything is changed, then cut each run's metrics.csv
   back to its checkpoint and mark finished and continued runs. */
dlx_status output_prepare_resume(runner *r, dlx_diags *diags);

/* A run whose worker was killed: its summary from its last checkpoint
   (status interrupted) and its metrics.csv cut back to that checkpoint. */
void output_recover_killed(runner *r, run_slot *s);

/* ---- output_files.c */

dlx_status write_resolved(runner *r, dlx_diags *diags);
/* meta.yaml; end 0 while the experiment runs. */
/* The floating-point precision the runs compute in, as meta.yaml names it. */
const char *run_precision_name(void);
dlx_status write_meta(runner *r, time_t start, time_t end, int threads, dlx_diags *diags);
/* summary.csv with a row for every finished run. */
dlx_status write_summary(runner *r, dlx_diags *diags);
/* uncertainty.csv, when some arm asks for it. */
dlx_status write_uncertainty(runner *r, dlx_diags *diags);
/* growth.csv, when some arm grows its rank (growth_file.c). */
dlx_status write_growth(runner *r, dlx_diags *diags);

/* ---- run_table.c */

/* The closing table of `dlx run`: per (point,) arm, n and mean ± sd over
   seeds of the final test accuracy, test loss and generalization gap. */
void run_table_print(const runner *r, FILE *fp);

/* ---- workers.c */

/* Every run not yet done, in this process (jobs 1) or in up to jobs forked
   workers of `threads` BLAS threads each. */
dlx_status run_sequential(runner *r, dlx_diags *diags);
dlx_status run_parallel(runner *r, int threads, dlx_diags *diags);

#endif
