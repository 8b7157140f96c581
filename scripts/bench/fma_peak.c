/*
 * fma_peak.c — the single-precision FMA peak of one core, measured: the
 * ceiling that a square GEMM's GFLOP/s is compared with in bench.py. Not
 * part of dlx.
 *
 * Usage: fma_peak   Prints "GFLOPS ISA": the best of 30 short runs of a loop of
 * independent fused multiply-adds on 12 vector accumulators (enough to
 * cover the FMA latency on two pipes), 2 flops per lane. Compiled by
 * bench.py with -mavx512f -mfma when the CPU has AVX-512, else -mavx2 -mfma;
 * the ISA it was built for is printed beside the figure.
 */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
#define ISA "avx512f"
#else
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define STORE _mm256_storeu_ps
#define ISA "avx2"
#endif

enum { ACC = 12 };

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds for `iters` rounds of ACC independent FMAs, each accumulator its own variable so
   that it stays in a register; the sum goes to *sink so nothing is elided. */
static double run(long iters, float *sink)
{
    vec a = SET1(0.999999f), b = SET1(1e-7f);
    vec c0 = SET1(0), c1 = SET1(1), c2 = SET1(2), c3 = SET1(3), c4 = SET1(4), c5 = SET1(5);
    vec c6 = SET1(6), c7 = SET1(7), c8 = SET1(8), c9 = SET1(9), c10 = SET1(10), c11 = SET1(11);
    double t0 = now_seconds();
    for (long r = 0; r < iters; r++) {
        c0 = FMA(c0, a, b), c1 = FMA(c1, a, b), c2 = FMA(c2, a, b), c3 = FMA(c3, a, b);
        c4 = FMA(c4, a, b), c5 = FMA(c5, a, b), c6 = FMA(c6, a, b), c7 = FMA(c7, a, b);
        c8 = FMA(c8, a, b), c9 = FMA(c9, a, b), c10 = FMA(c10, a, b), c11 = FMA(c11, a, b);
    }
    double t = now_seconds() - t0;
    vec s = ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(c4, c5), ADD(c6, c7)));
    s = ADD(s, ADD(ADD(c8, c9), ADD(c10, c11)));
    float out[LANES];
    STORE(out, s);
    *sink += out[0];
    return t;
}

int main(void)
{
    const long iters = 2000000;
    float sink = 0.0f;
    double best = 1e30;
    for (int k = 0; k < 30; k++) {
        double t = run(iters, &sink);
        if (t < best)
            best = t;
    }
    printf("%.1f %s\n", 2.0 * LANES * ACC * (double)iters / best * 1e-9, ISA);
    return sink == 12345.0f; /* never true; keeps sink live */
}
