/*
 * gemm_shim.c — the time a process spends inside cblas_sgemm, measured in
 * place. Built as a shared library by bench.py and loaded with LD_PRELOAD
 * into one `dlx run`; not part of dlx.
 *
 * Every call to cblas_sgemm is timed with CLOCK_MONOTONIC around the real
 * OpenBLAS function (found with dlsym(RTLD_NEXT)). Only the training
 * products are counted: a call is counted when its M or its K is one of the
 * row counts listed in DLX_SHIM_ROWS (a comma list; bench.py gives the batch
 * size). dense.c's training products all have the batch as M (forward,
 * d(input)) or K (dW); evaluation runs blocks of 512 or 1024 rows, and
 * bench.py checks that no evaluation block, layer width or input size equals
 * the batch. A last partial batch is left out (its row count can equal an
 * evaluation block's remainder), which for M's 32 rows of 20,000 makes the
 * sum 0.2 % short. At exit the library writes "CALLS SECONDS" to the file
 * named by DLX_SHIM_OUT.
 *
 * Since the GEMMs are timed inside the run they belong to, the ratio of the
 * run's training time to this sum does not depend on how fast the machine
 * happens to be that minute, unlike a floor timed in a separate process.
 */
#define _GNU_SOURCE
#include <cblas.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*sgemm_fn)(const enum CBLAS_ORDER, const enum CBLAS_TRANSPOSE,
                         const enum CBLAS_TRANSPOSE, const blasint, const blasint, const blasint,
                         const float, const float *, const blasint, const float *, const blasint,
                         const float, float *, const blasint);

#define MAX_ROWS 8

static sgemm_fn real_sgemm;
static int rows[MAX_ROWS], n_rows;
static long calls;
static double seconds;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Whether a product of M rows and inner dimension K is a training product. */
static int counted(int m, int k)
{
    for (int i = 0; i < n_rows; i++)
        if (m == rows[i] || k == rows[i])
            return 1;
    return 0;
}

__attribute__((constructor)) static void shim_init(void)
{
    real_sgemm = (sgemm_fn)dlsym(RTLD_NEXT, "cblas_sgemm");
    const char *list = getenv("DLX_SHIM_ROWS");
    for (char *p = (char *)list; p && *p && n_rows < MAX_ROWS;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        rows[n_rows++] = (int)v;
        p = *end == ',' ? end + 1 : end;
    }
}

__attribute__((destructor)) static void shim_report(void)
{
    const char *path = getenv("DLX_SHIM_OUT");
    FILE *f = path ? fopen(path, "w") : NULL;
    if (!f)
        return;
    fprintf(f, "%ld %.6f\n", calls, seconds);
    fclose(f);
}

void cblas_sgemm(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE ta,
                 const enum CBLAS_TRANSPOSE tb, const blasint m, const blasint n, const blasint k,
                 const float alpha, const float *a, const blasint lda, const float *b,
                 const blasint ldb, const float beta, float *c, const blasint ldc)
{
    if (!counted(m, k)) {
        real_sgemm(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    double t0 = now_seconds();
    real_sgemm(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    seconds += now_seconds() - t0;
    calls++;
}
