/*
 * progress.h — the live progress display of `dlx run` on a terminal
 * (SPEC §1: progress on stderr, stdout stays clean; docs/progress.md).
 *
 *   dlx run: 3/8 runs done, 2 running, 0:12 elapsed, ETA 0:30
 *     plain seed 2   epoch 4/6   test_loss 0.4123  test_acc 0.8712
 *     bn seed 1      epoch 1/6   test_loss 1.021   test_acc 0.5133
 *
 * One line for the whole experiment, one per worker (one with --jobs 1).
 * The block is redrawn in place (cursor up, clear to the end of the screen)
 * at most five times a second, and cleared when the runs end. It is fed
 * outside the training loop: with --jobs 1 by the trainer's evaluation
 * callback, with --jobs N by the parent, which reads the last row of each
 * running worker's runs/.../metrics.csv while it waits for them.
 */
#ifndef DLX_EXPERIMENT_PROGRESS_H
#define DLX_EXPERIMENT_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "experiment/runner_internal.h"

typedef struct {
    int run;                 /* index into the runner's runs, -1: idle */
    double epoch;            /* latest evaluated epoch, NAN before the first */
    double test_loss, test_acc;
} progress_worker;

struct progress_display {
    FILE *fp;                /* stderr */
    const runner *r;
    int n_workers;
    progress_worker *workers;
    double work_total;       /* epochs of every run */
    double work_at_start;    /* epochs done before this invocation (--resume) */
    struct timespec start, last_draw;
    int lines_drawn;
    bool drawn_once;
};

/* Start the display for up to n_workers concurrent runs of runner r. */
bool progress_begin(progress_display *p, const runner *r, int n_workers, FILE *fp);

/* Worker k now runs runs[run] (-1: idle). */
void progress_assign(progress_display *p, int k, int run);

/* The trainer's evaluation callback (--jobs 1; ctx is the display). */
void progress_on_eval(void *ctx, double epoch, double test_loss, double test_acc);

/* Read the latest row of every running worker's metrics.csv (--jobs N). */
void progress_poll_files(progress_display *p);

/* Redraw, unless the last draw is less than 0.2 s old and force is false. */
void progress_draw(progress_display *p, bool force);

/* Print a line above the block (it scrolls away; the block is redrawn). */
void progress_note(progress_display *p, const char *line);

/* Clear the block from the screen and free the display. */
void progress_end(progress_display *p);

#endif
