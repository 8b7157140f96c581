/*
 * load_timer.c — seconds dlx takes to load Fashion-MNIST (both splits, the
 * four gzipped IDX files, pixels converted to float32), the way `dlx run`
 * loads them: idx_load_dataset, compiled from dlx's own src/data/idx.c by
 * scripts/bench/bench.py. Not part of dlx.
 *
 * Build: cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc \
 *          scripts/bench/load_timer.c src/data/idx.c src/data/split.c src/util/diag.c \
 *          -ldeflate -lz -lpthread -o load_timer
 * Usage: load_timer [DIR [REPEATS]]  (default /usr/share/datasets/fashion-mnist, 5)
 *   Prints the median and minimum wall seconds and the median CPU seconds
 *   (user + system, all threads) of REPEATS loads, after one untimed warm-up
 *   load, then the median CPU seconds of each split loaded alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "data/idx.h"
#include "data/split.h"

enum { MAX_REPEATS = 101 };

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    if (repeats < 1 || repeats > MAX_REPEATS) {
        fprintf(stderr, "load_timer: REPEATS must be 1..%d\n", MAX_REPEATS);
        return 2;
    }
    char p[4][4096];
    const char *names[4] = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
    for (int i = 0; i < 4; i++)
        snprintf(p[i], sizeof p[i], "%s/%s", dir, names[i]);
    double wall[MAX_REPEATS], cpu[MAX_REPEATS];
    for (int r = -1; r < repeats; r++) {
        dlx_diags d = {0};
        dlx_dataset ds;
        double w0 = clock_seconds(CLOCK_MONOTONIC), c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
        dlx_status st = idx_load_dataset(&ds, p[0], p[1], p[2], p[3], 10, &d);
        double w1 = clock_seconds(CLOCK_MONOTONIC), c1 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
        if (st != DLX_OK) {
            diags_print(&d, stderr);
            return 1;
        }
        if (r >= 0)
            wall[r] = w1 - w0, cpu[r] = c1 - c0;
        split_free(&ds.train);
        split_free(&ds.test);
        diags_free(&d);
    }
    /* Each split alone: idx_load_dataset loads them on two threads, so on
       two idle cores its wall time is about the larger of the two. */
    double split_cpu[2][MAX_REPEATS];
    for (int r = 0; r < repeats; r++) {
        for (int k = 0; k < 2; k++) {
            dlx_diags d = {0};
            dlx_split s;
            double c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
            dlx_status st = idx_load_split(&s, p[2 * k], p[2 * k + 1], 10, &d);
            split_cpu[k][r] = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
            if (st != DLX_OK) {
                diags_print(&d, stderr);
                return 1;
            }
            split_free(&s);
            diags_free(&d);
        }
    }
    for (int k = 0; k < 2; k++)
        qsort(split_cpu[k], (size_t)repeats, sizeof split_cpu[k][0], by_value);
    qsort(wall, (size_t)repeats, sizeof *wall, by_value);
    qsort(cpu, (size_t)repeats, sizeof *cpu, by_value);
    printf("load wall median %.3f s, min %.3f s; cpu median %.3f s (%d loads)\n",
           wall[repeats / 2], wall[0], cpu[repeats / 2], repeats);
    printf("cpu median of the training split alone %.3f s, of the test split alone %.3f s\n",
           split_cpu[0][repeats / 2], split_cpu[1][repeats / 2]);
    return 0;
}
