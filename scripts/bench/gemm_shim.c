/*
 * gemm_shim.c — the time a process spends inside its matrix products
 * (cblas_sgemm and oneDNN's dnnl_sgemm), measured in place. Built as a
 * shared library by bench.py and loaded with LD_PRELOAD into one `dlx run`;
 * not part of dlx.
 *
 * Every call to cblas_sgemm is timed with CLOCK_MONOTONIC around the real
 * OpenBLAS function (found with dlsym(RTLD_NEXT)). dlx opens oneDNN with
 * dlopen and looks dnnl_sgemm up with dlsym on that handle, which LD_PRELOAD
 * cannot reach; so the shim wraps dlsym itself and hands out a timed
 * dnnl_sgemm instead of the real one. Only the training
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
#include <stdint.h>
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

typedef int (*dnnl_sgemm_fn)(char, char, int64_t, int64_t, int64_t, float, const float *,
                             int64_t, const float *, int64_t, float, float *, int64_t);
typedef void *(*dlsym_fn)(void *, const char *);

static sgemm_fn real_sgemm;
static dnnl_sgemm_fn real_dnnl_sgemm;
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

/* glibc's own dlsym (2.34 moved it into libc; older ones keep 2.2.5). */
static dlsym_fn real_dlsym(void)
{
    static dlsym_fn f;
    if (!f)
        f = (dlsym_fn)dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
    if (!f)
        f = (dlsym_fn)dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
    return f;
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

/* dnnl_sgemm, timed like cblas_sgemm (dlx calls it row-major: M, N, K as for cblas). */
static int timed_dnnl_sgemm(char ta, char tb, int64_t m, int64_t n, int64_t k, float alpha,
                            const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                            float *c, int64_t ldc)
{
    if (!counted((int)m, (int)k))
        return real_dnnl_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    double t0 = now_seconds();
    int status = real_dnnl_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    seconds += now_seconds() - t0;
    calls++;
    return status;
}

/* dlsym, except that dnnl_sgemm comes back as timed_dnnl_sgemm. */
void *dlsym(void *handle, const char *name)
{
    void *p = real_dlsym()(handle, name);
    if (p && !strcmp(name, "dnnl_sgemm")) {
        real_dnnl_sgemm = (dnnl_sgemm_fn)p;
        return (void *)timed_dnnl_sgemm;
    }
    return p;
}
