/*
 * harness.h — helpers for end-to-end tests that run the dlx program:
 * temporary folders, running a command line, reading files and CSV cells.
 */
#ifndef DLX_TESTS_HARNESS_H
#define DLX_TESTS_HARNESS_H

#include <stddef.h>

/* A fresh temporary folder (mkdtemp under $TMPDIR or /tmp). Caller frees. */
char *harness_tmpdir(void);

/* Write text to dir/name; returns the full path (caller frees). */
char *harness_write(const char *dir, const char *name, const char *text);

/* Run "$DLX_BIN ARGS" through /bin/sh with stdout and stderr captured into
   *out and *err (caller frees; either may be NULL). Returns the exit code. */
int harness_dlx(char **out, char **err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whole file as a NUL-terminated string, or NULL. */
char *harness_read(const char *path);

/* A CSV file split into rows and cells (no quoting: dlx's numeric files). */
typedef struct {
    int n_rows, n_cols;   /* rows excluding the header */
    char **header;        /* [n_cols] */
    char ***cells;        /* [n_rows][n_cols] */
    char *text;
} harness_csv;

int harness_csv_read(harness_csv *csv, const char *path);   /* 0 on success */
int harness_csv_col(const harness_csv *csv, const char *name); /* index or -1 */
double harness_csv_num(const harness_csv *csv, int row, const char *name);
const char *harness_csv_str(const harness_csv *csv, int row, const char *name);
/* Column name in the last row of run (arm, seed) (metrics.csv: its last evaluation); NAN when
   the file has no row of that run. */
double harness_csv_last(const harness_csv *csv, const char *arm, int seed, const char *name);
void harness_csv_free(harness_csv *csv);

/* Run configs/CONFIG.yaml of the repository into DIR/out with the further options ARGS
   (e.g. "--set training.epochs=4 --quiet") and read DIR/out/FILE (metrics.csv or
   summary.csv) into *csv. Returns 0, dlx's non-zero exit code, or -1 when FILE cannot be
   read. The reduced claim tests start this way. */
int harness_run_config(harness_csv *csv, const char *dir, const char *config, const char *args,
                       const char *file);

/* metrics.csv text with the wall_s column blanked, for byte comparisons. */
char *harness_metrics_without_wall(const char *path);

/* The repository root ($DLX_SOURCE_ROOT, set by meson test; "." otherwise). */
const char *harness_source_root(void);

/* True when Fashion-MNIST is where dlx looks for it: $DLX_DATA/fashion-mnist or
   /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist). */
int harness_have_fashion_mnist(void);

/* For a test program that needs Fashion-MNIST in every case: when it is missing, say so and exit
   77, which meson reports as a skip (a skipped cmocka case would count as passed). */
void harness_require_fashion_mnist(void);

/* rm -rf dir. */
void harness_rmtree(const char *dir);

#endif
