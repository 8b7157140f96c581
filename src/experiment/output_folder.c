/*
 * output_folder.c — making an output folder ready for the runs.
 *
 * A fresh start refuses a folder that already holds results (SPEC §1)
 * unless --force, which removes the files dlx writes there and nothing else.
 * --resume first checks everything it is going to continue, and only then
 * changes anything: resolved.yaml must be the experiment it would write
 * (resume.c), every run's checkpoint must read, and every run's metrics.csv
 * must be the file that run wrote: the header this experiment writes, then
 * rows of that run whose epochs increase row by row, at least as many as its
 * checkpoint counts (resume_check_metrics). A file that fails is refused with
 * its name and line. Then stale temporaries are deleted, each metrics.csv is
 * cut back to its checkpoint's rows, finished runs are taken as they are and
 * unfinished ones marked to continue. All of this happens under the folder's
 * lock (folder_lock.h), taken by runner.c before.
 */
#define _XOPEN_SOURCE 700 /* nftw, open_memstream */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dlx_version.h"
#include "experiment/resume.h"
#include "experiment/runner_internal.h"
#include "io/atomic_file.h"
#include "train/checkpoint.h"
#include "io/output_file.h"

/* nftw's callback: remove one entry (children first, FTW_DEPTH). */
static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* True when path names anything (a file, a folder). */
static bool path_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

dlx_status output_prepare(runner *r, dlx_diags *diags)
{
    dlx_status links = io_refuse_output_links(r->out, diags);
    if (links != DLX_OK)
        return links;
    /* the first two and "runs" are results; the others are removed with them */
    static const char *const written[] = {"metrics.csv", "summary.csv", "resolved.yaml",
                                          "meta.yaml", "runs", "uncertainty.csv", "growth.csv"};
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
                  "output folder '%s' already holds results (%s); use --resume to continue "
                  "them, --force to replace them, or --out DIR for another folder",
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

/* The resolved experiment --resume would write, compared with the folder's. */
static dlx_status check_resolved(runner *r, const char *resolved_path, dlx_diags *diags)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = experiment_write_yaml(plan_base(r)->exp, &r->sweep, DLX_VERSION, mem, diags);
    fclose(mem);
    if (st == DLX_OK)
        st = resume_check_resolved(resolved_path, text, len, diags);
    free(text);
    return st;
}

/* The header line every metrics.csv of this experiment starts with, into
   *header (caller frees). */
static dlx_status expected_header(runner *r, char **header, dlx_diags *diags)
{
    size_t len = 0;
    *header = NULL;
    FILE *mem = open_memstream(header, &len);
    if (!mem) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = metrics_write_header(mem, "metrics.csv", r->diag_columns, r->n_extra,
                                         r->key_ptrs, diags);
    if (fclose(mem) != 0 || !*header) { /* the stream's buffer could not grow */
        free(*header);
        *header = NULL;
        if (st == DLX_OK)
            diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    return st;
}

/* The files of one run: (path to) its checkpoint and metrics.csv. */
static void run_files(const run_slot *s, char ckpt[DLX_PATH_MAX + 32],
                      char metrics[DLX_PATH_MAX + 32])
{
    snprintf(ckpt, DLX_PATH_MAX + 32, "%s/checkpoint.safetensors", s->dir);
    snprintf(metrics, DLX_PATH_MAX + 32, "%s/metrics.csv", s->dir);
}

dlx_status output_prepare_resume(runner *r, dlx_diags *diags)
{
    /* no file of the folder is a link dlx would write through */
    dlx_status links = io_refuse_output_links(r->out, diags);
    if (links != DLX_OK)
        return links;
    char p[DLX_PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/resolved.yaml", r->out);
    if (!path_exists(p)) {
        resume_remove_stale_temporaries(r->out);
        snprintf(p, sizeof p, "%s/runs", r->out);
        if (path_exists(p)) {
            diags_add(diags, NULL, 0, 0,
                      "cannot resume: '%s' has runs but no resolved.yaml; use --force to start "
                      "over", r->out);
            return DLX_ERR_INPUT;
        }
        return make_dirs(r->out, diags); /* nothing was started: start */
    }
    dlx_status st = check_resolved(r, p, diags);
    char *header = NULL;
    if (st == DLX_OK)
        st = expected_header(r, &header, diags);
    dlx_train_state *states = st == DLX_OK ? calloc((size_t)r->n_runs + 1, sizeof *states) : NULL;
    bool *started = st == DLX_OK ? calloc((size_t)r->n_runs + 1, sizeof *started) : NULL;
    if (st == DLX_OK && (!states || !started)) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        st = DLX_ERR_RUNTIME;
    }
    /* Check every run before changing any file; report every bad file. */
    for (int i = 0; st != DLX_ERR_RUNTIME && states && started && i < r->n_runs; i++) {
        const run_slot *s = &r->runs[i];
        char ckpt[DLX_PATH_MAX + 32], metrics[DLX_PATH_MAX + 32];
        run_files(s, ckpt, metrics);
        if (io_refuse_links_below(r->out, s->dir, diags) != DLX_OK) {
            st = DLX_ERR_INPUT;   /* a run folder (or runs/) that leads outside OUT */
            break;                /* one message: the other runs share that folder */
        }
        if (!path_exists(ckpt))
            continue; /* never reached its first checkpoint: starts again */
        dlx_status c = checkpoint_read_state(ckpt, &states[i], diags);
        const dlx_config *cfg = &slot_point(r, s)->exp->arms[s->arm].config;
        long n_train = slot_point(r, s)->data[s->arm]->train.n;
        if (cfg->regularizer.noise_copies > 0)
            n_train *= cfg->regularizer.noise_copies;
        if (cfg->regularizer.dropout_copies > 0)
            n_train *= cfg->regularizer.dropout_copies;
        if (c == DLX_OK)
            c = checkpoint_validate(ckpt, cfg, n_train, &states[i], diags);
        if (c == DLX_OK)
            c = resume_check_metrics(metrics, header, slot_point(r, s)->exp->arms[s->arm].name,
                                     s->seed, states[i].rows,
                                     states[i].summary.status == RUN_DIVERGED, diags);
        started[i] = c == DLX_OK;
        if (c != DLX_OK && (st == DLX_OK || c == DLX_ERR_RUNTIME))
            st = c;
    }
    free(header);
    if (st == DLX_OK)
        resume_remove_stale_temporaries(r->out);
    for (int i = 0; st == DLX_OK && i < r->n_runs; i++) {
        run_slot *s = &r->runs[i];
        if (!started[i])
            continue;
        char ckpt[DLX_PATH_MAX + 32], metrics[DLX_PATH_MAX + 32];
        run_files(s, ckpt, metrics);
        st = resume_truncate_metrics(metrics, states[i].rows, diags);
        if (states[i].finished) {
            s->done = true;
            s->summary = states[i].summary;
        } else {
            s->resume = true;
        }
    }
    free(states);
    free(started);
    return st;
}

void output_recover_killed(runner *r, run_slot *s)
{
    char ckpt[DLX_PATH_MAX + 32], metrics[DLX_PATH_MAX + 32];
    run_files(s, ckpt, metrics);
    dlx_diags ignored = {0};
    dlx_train_state state = {0};
    bool have = path_exists(ckpt) && checkpoint_read_state(ckpt, &state, &ignored) == DLX_OK &&
                resume_truncate_metrics(metrics, state.rows, &ignored) == DLX_OK;
    if (have) {
        s->summary = state.summary;
        s->summary.epochs_done = (int)state.epoch;
        if (!state.finished)
            s->summary.status = RUN_INTERRUPTED;
    } else {
        /* Nothing to continue from: the run starts again on --resume; its
           metrics.csv is left with the header alone. */
        s->summary = (dlx_run_summary){
            .status = RUN_INTERRUPTED, .final_train_loss = NAN, .final_test_loss = NAN,
            .final_gen_gap = NAN, .final_train_acc = NAN, .final_test_acc = NAN,
            .best_test_acc = NAN, .best_epoch = NAN};
        dlx_status open_status;
        FILE *fp = io_fopen_output(metrics, "w", &open_status, &ignored);
        if (fp) {
            metrics_write_header(fp, metrics, r->diag_columns, r->n_extra, r->key_ptrs,
                                 &ignored);
            fclose(fp);
        }
    }
    diags_free(&ignored);
    s->failed = false;
}
