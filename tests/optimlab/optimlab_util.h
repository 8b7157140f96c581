/*
 * optimlab_util.h — helpers of the reduced reproductions: run an experiment
 * given as text in a fresh folder and read its metrics.csv.
 */
#ifndef DLX_TESTS_OPTIMLAB_UTIL_H
#define DLX_TESTS_OPTIMLAB_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/harness.h"
#include "data/dataset.h"
#include "spec/experiment.h"

/* Full-batch runs checkpoint (with fsync) after every step; temporary
   folders on tmpfs keep these tests fast. Uses /dev/shm when writable and
   TMPDIR is unset. */
static inline void optimlab_use_memory_tmp(void)
{
    if (!getenv("TMPDIR") && access("/dev/shm", W_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 0);
}

/* Run dlx on the experiment text in dir/exp.yaml with output dir/r and read
   dir/r/metrics.csv into m. Fails the test when dlx fails. */
static inline void optimlab_run(const char *dir, const char *text, harness_csv *m)
{
    char *yaml = harness_write(dir, "exp.yaml", text);
    char *err = NULL;
    if (harness_dlx(NULL, &err, "run '%s' --out '%s/r' --quiet --threads 1", yaml, dir) != 0)
        fail_msg("dlx failed: %s", err);
    free(err);
    free(yaml);
    char path[4096];
    snprintf(path, sizeof path, "%s/r/metrics.csv", dir);
    assert_int_equal(harness_csv_read(m, path), 0);
}

/* Rows [first, end) of an arm (rows are grouped by arm, then seed). */
static inline void optimlab_arm_rows(const harness_csv *m, const char *arm, int *first, int *end)
{
    *first = -1;
    *end = -1;
    for (int r = 0; r < m->n_rows; r++) {
        if (strcmp(harness_csv_str(m, r, "arm"), arm) == 0) {
            if (*first < 0)
                *first = r;
            *end = r + 1;
        }
    }
    assert_true(*first >= 0);
}

/* The first step at which column col falls to at most tol times its value at
   the arm's first row; -1 when it never does. */
static inline long optimlab_steps_to(const harness_csv *m, const char *arm, const char *col, double tol)
{
    int first, end;
    optimlab_arm_rows(m, arm, &first, &end);
    double start = harness_csv_num(m, first, col);
    for (int r = first; r < end; r++)
        if (harness_csv_num(m, r, col) <= tol * start)
            return (long)harness_csv_num(m, r, "step");
    return -1;
}

/* Load the experiment file yaml: its base config into *base and its data set
   into *ds (free with dataset_free). Fails the test on any error. */
static inline void optimlab_load_base(const char *yaml, dlx_config *base, dlx_dataset *ds)
{
    dlx_diags diags = {0};
    dlx_experiment *exp = malloc(sizeof *exp);
    dlx_sweep *sweep = malloc(sizeof *sweep);
    assert_non_null(exp);
    assert_non_null(sweep);
    assert_int_equal(experiment_load(exp, sweep, yaml, NULL, -1, NULL, &diags), DLX_OK);
    *base = exp->base;
    assert_int_equal(dataset_load(ds, &base->data, yaml, &diags), DLX_OK);
    free(exp);
    free(sweep);
    diags_free(&diags);
}

/* The value of col at an arm's last row. */
static inline double optimlab_last(const harness_csv *m, const char *arm, const char *col)
{
    int first, end;
    optimlab_arm_rows(m, arm, &first, &end);
    return harness_csv_num(m, end - 1, col);
}

#endif
