/*
 * sgemm_timer.c — the time OpenBLAS's cblas_sgemm (or oneDNN's dnnl_sgemm)
 * alone takes for a list of matrix products: the floor under any trainer
 * that calls it for the same shapes. Used by scripts/bench/bench.py; not
 * part of dlx.
 *
 * Usage: sgemm_timer [--onednn] REPEATS SHAPE...   SHAPE = TA,TB,M,N,K,COUNT
 *   --onednn: dnnl_sgemm instead of cblas_sgemm (built with -DHAVE_DNNL -ldnnl;
 *   oneDNN's threads: OMP_NUM_THREADS). Both take the same row-major arguments.
 *   TA, TB: n (no transpose) or t; row-major C[M,N] = op(A)[M,K] op(B)[K,N].
 *   The list is replayed in the order a trainer calls it: step r runs, in list
 *   order, every shape whose COUNT exceeds r (bench.py lists one step's
 *   products in dense.c's order: forward layer by layer, then backward from
 *   the last layer). Prints the minimum and median over REPEATS of the
 *   seconds the whole replay takes, after one untimed warm-up step.
 *   Threads: OPENBLAS_NUM_THREADS, as for dlx and PyTorch.
 */
#include <cblas.h>
#ifdef HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#endif
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
    int ta, tb, m, n, k;
    long count;
    float *a, *b, *c;
} shape;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A buffer of n floats in [-0.5, 0.5), so no product overflows or denormalizes. */
static float *random_floats(size_t n)
{
    float *p = malloc(n * sizeof *p);
    for (size_t i = 0; p && i < n; i++)
        p[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    return p;
}

static int use_onednn;

/* One product of the list on the chosen library. */
static void product(const shape *p)
{
    int lda = p->ta ? p->m : p->k, ldb = p->tb ? p->k : p->n;
#ifdef HAVE_DNNL
    if (use_onednn) {
        dnnl_sgemm(p->ta ? 'T' : 'N', p->tb ? 'T' : 'N', p->m, p->n, p->k, 1.0f, p->a, lda, p->b,
                   ldb, 0.0f, p->c, p->n);
        return;
    }
#endif
    cblas_sgemm(CblasRowMajor, p->ta ? CblasTrans : CblasNoTrans, p->tb ? CblasTrans : CblasNoTrans,
                p->m, p->n, p->k, 1.0f, p->a, lda, p->b, ldb, 0.0f, p->c, p->n);
}

/* Steps first..last-1 of the replay: in step r, every shape whose count exceeds r. */
static void run_steps(shape *s, int n, long first, long last)
{
    for (long r = first; r < last; r++)
        for (int i = 0; i < n; i++)
            if (r < s[i].count)
                product(&s[i]);
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--onednn")) {
#ifndef HAVE_DNNL
        fprintf(stderr, "sgemm_timer: built without oneDNN\n");
        return 2;
#endif
        use_onednn = 1;
        argv++, argc--;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: sgemm_timer [--onednn] REPEATS TA,TB,M,N,K,COUNT...\n");
        return 2;
    }
    int repeats = atoi(argv[1]), n = argc - 2;
    long steps = 0;
    shape *s = calloc((size_t)n, sizeof *s);
    double *t = calloc((size_t)(repeats > 0 ? repeats : 1), sizeof *t);
    if (!s || !t || repeats < 1)
        return 2;
    for (int i = 0; i < n; i++) {
        char ta, tb;
        if (sscanf(argv[i + 2], "%c,%c,%d,%d,%d,%ld", &ta, &tb, &s[i].m, &s[i].n, &s[i].k,
                   &s[i].count) != 6) {
            fprintf(stderr, "sgemm_timer: bad shape '%s'\n", argv[i + 2]);
            return 2;
        }
        s[i].ta = ta == 't';
        s[i].tb = tb == 't';
        s[i].a = random_floats((size_t)s[i].m * s[i].k);
        s[i].b = random_floats((size_t)s[i].k * s[i].n);
        s[i].c = random_floats((size_t)s[i].m * s[i].n);
        if (!s[i].a || !s[i].b || !s[i].c)
            return 2;
        if (s[i].count > steps)
            steps = s[i].count;
    }
    run_steps(s, n, 0, 1);
    for (int r = 0; r < repeats; r++) {
        double t0 = now_seconds();
        run_steps(s, n, 0, steps);
        t[r] = now_seconds() - t0;
    }
    qsort(t, (size_t)repeats, sizeof *t, by_value);
    printf("%.6f %.6f\n", t[0], t[repeats / 2]);
    return 0;
}
