/*
 * test_gemm.c — every GEMM backend against a double-precision reference.
 *
 * For each backend of the seam (openblas, onednn, auto) the products dlx
 * makes are checked: the shapes of dense forward (NT), dW (TN) and
 * d(input) (NN) for the benchmark and tiny networks, odd sizes, and TT for
 * completeness; beta 0 and 1, alpha 1 and -0.5; leading dimensions equal to
 * the row width and larger (lda > K). The reference is the same sum in
 * double from the same float inputs; the error bound is the classical one
 * for a dot product of length K, (K + 2)·ε·(|alpha|·Σ|a·b| + |beta·c|), with
 * ε = FLT_EPSILON. The padding of C beyond N must stay untouched, and two
 * runs of the same product must agree byte for byte.
 *
 * A backend this build lacks is skipped with a message (cmocka's skip()
 * counts as a pass in the exit status, so the message is what shows it).
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cblas.h>

#include "util/gemm.h"

typedef struct {
    int M, N, K;
} shape;

/* Products of dense.c for S (784-100-100-100-10, batch 60), M (784-512-512-10,
   batch 128), the tiny run (10-16-2, batch 50) and odd sizes. Each shape is
   run in all four transpositions. */
static const shape SHAPES[] = {
    {60, 100, 784}, {100, 784, 60}, {60, 784, 100}, {60, 100, 100}, {60, 10, 100},
    {10, 100, 60},  {128, 512, 784}, {512, 784, 128}, {128, 512, 512}, {128, 10, 512},
    {50, 16, 10},   {16, 10, 50},   {50, 2, 16},    {1, 1, 1},       {7, 13, 5},
    {33, 17, 65},   {1, 300, 3},    {301, 1, 129},  {1024, 16, 10},  {3, 4, 0},
};

/* Deterministic values in [-1, 1): a small LCG, so runs and backends see the same inputs. */
static void fill(float *x, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (float)((double)(seed >> 8) / (double)(1u << 23) - 1.0);
    }
}

/* Check backend b on sizes s, transpositions ta/tb and padding pad on every leading
   dimension, for alpha 1 and -0.5 and beta 0 and 1: one reference sum per entry, combined
   with each alpha and beta. */
static void check_shape(gemm_backend b, shape s, bool ta, bool tb, int pad)
{
    static const float alphas[] = {1.0f, -0.5f}, betas[] = {0.0f, 1.0f};
    int M = s.M, N = s.N, K = s.K;
    int a_rows = ta ? K : M, a_cols = ta ? M : K, b_rows = tb ? N : K, b_cols = tb ? K : N;
    int lda = a_cols + pad, ldb = b_cols + pad, ldc = N + pad;
    size_t na = (size_t)a_rows * lda + 1, nb = (size_t)b_rows * ldb + 1, nc = (size_t)M * ldc;
    float *A = malloc(na * sizeof *A), *B = malloc(nb * sizeof *B);
    float *C = malloc(nc * sizeof *C), *C0 = malloc(nc * sizeof *C0), *C2 = malloc(nc * sizeof *C2);
    double *ref = malloc(nc * sizeof *ref), *mag = malloc(nc * sizeof *mag);
    assert_true(A && B && C && C0 && C2 && ref && mag);
    fill(A, na, 1u + (uint32_t)(M * 31 + K));
    fill(B, nb, 7u + (uint32_t)(N * 17 + K));
    fill(C0, nc, 11u + (uint32_t)M);
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double sum = 0.0, abs_sum = 0.0;
            for (int k = 0; k < K; k++) {
                double a = ta ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
                double v = tb ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
                sum += a * v;
                abs_sum += fabs(a * v);
            }
            ref[(size_t)i * ldc + j] = sum, mag[(size_t)i * ldc + j] = abs_sum;
        }
    for (int ai = 0; ai < 2; ai++)
        for (int bi = 0; bi < 2; bi++) {
            float alpha = alphas[ai], beta = betas[bi];
            memcpy(C, C0, nc * sizeof *C);
            memcpy(C2, C0, nc * sizeof *C);
            gemm_f32_on(b, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
            gemm_f32_on(b, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C2, ldc);
            assert_memory_equal(C, C2, nc * sizeof *C);
            for (int i = 0; i < M; i++) {
                for (int j = 0; j < N; j++) {
                    size_t at = (size_t)i * ldc + j;
                    double c0 = C0[at], want = alpha * ref[at] + (beta != 0.0f ? beta * c0 : 0.0);
                    double bound = (K + 2) * FLT_EPSILON * (fabs(alpha) * mag[at] + fabs(beta * c0));
                    double got = C[at];
                    if (!(fabs(got - want) <= bound + 1e-30))
                        fail_msg("%s %c%c M=%d N=%d K=%d alpha=%g beta=%g pad=%d: C[%d,%d] = "
                                 "%.9g, reference %.9g (bound %.3g)",
                                 b == GEMM_ONEDNN ? "onednn" : b == GEMM_AUTO ? "auto" : "openblas",
                                 ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, alpha, beta, pad, i, j,
                                 got, want, bound);
                }
                for (int j = N; j < ldc; j++) /* the padding of C is not written */
                    assert_memory_equal(&C[(size_t)i * ldc + j], &C0[(size_t)i * ldc + j],
                                        sizeof *C);
            }
        }
    free(A), free(B), free(C), free(C0), free(C2), free(ref), free(mag);
}

/* Every shape, transposition and padding on backend b. */
static void check_backend(gemm_backend b)
{
    for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++)
        for (int t = 0; t < 4; t++)
            for (int pad = 0; pad <= 3; pad += 3)
                check_shape(b, SHAPES[i], t & 1, t & 2, pad);
}

static void test_openblas(void **state)
{
    (void)state;
    check_backend(GEMM_OPENBLAS);
}

static void test_onednn(void **state)
{
    (void)state;
    if (!gemm_backend_built(GEMM_ONEDNN)) {
        print_message("onednn: SKIPPED, this build has no oneDNN (install libdnnl-dev, meson "
                      "setup again)\n");
        skip();
    }
    dlx_diags d = {0};
    if (gemm_select(GEMM_ONEDNN, &d) != DLX_OK) {
        print_message("onednn: SKIPPED, %s\n", d.items[0].message);
        diags_free(&d);
        skip();
    }
    assert_int_equal(gemm_select(GEMM_AUTO, &d), DLX_OK);
    print_message("onednn kernels: %s\n", gemm_onednn_isa());
    check_backend(GEMM_ONEDNN);
    assert_int_equal(gemm_onednn_fallbacks(), 0);
}

static void test_auto(void **state)
{
    (void)state;
    print_message("auto here: %s\n", gemm_backend_name());
    check_backend(GEMM_AUTO);
    /* the tiny run's products never reach oneDNN, whatever the CPU */
    assert_int_equal(gemm_auto_choice(50, 16, 10), GEMM_OPENBLAS);
    assert_int_equal(gemm_auto_choice(1024, 16, 10), GEMM_OPENBLAS);
}

/* The openblas backend is the direct cblas call, bit for bit (today's results). */
static void test_openblas_is_cblas(void **state)
{
    (void)state;
    enum { M = 60, N = 100, K = 784 };
    float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * N * K);
    float *C1 = malloc(sizeof(float) * M * N), *C2 = malloc(sizeof(float) * M * N);
    assert_true(A && B && C1 && C2);
    fill(A, (size_t)M * K, 3), fill(B, (size_t)N * K, 5), fill(C1, (size_t)M * N, 9);
    memcpy(C2, C1, sizeof(float) * M * N);
    assert_int_equal(gemm_select(GEMM_OPENBLAS, NULL), DLX_OK);
    gemm_f32(false, true, M, N, K, 1.0f, A, K, B, K, 1.0f, C1, N);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, A, K, B, K, 1.0f, C2, N);
    assert_memory_equal(C1, C2, sizeof(float) * M * N);
    assert_string_equal(gemm_backend_name(), "openblas");
    assert_int_equal(gemm_select(GEMM_AUTO, NULL), DLX_OK);
    free(A), free(B), free(C1), free(C2);
}

/* gemm_f64 against a long double reference, all transpositions, beta 0 and 1. */
static void test_f64(void **state)
{
    (void)state;
    enum { M = 13, N = 9, K = 37, P = 2 };
    double A[K * (K + P)], B[K * (K + P)], C[M * (N + P)], C0[M * (N + P)];
    float f[K * (K + P)];
    fill(f, sizeof f / sizeof *f, 21);
    for (size_t i = 0; i < sizeof A / sizeof *A; i++)
        A[i] = f[i] * 1.25, B[i] = f[sizeof f / sizeof *f - 1 - i];
    for (int t = 0; t < 8; t++) {
        bool ta = t & 1, tb = t & 2;
        double beta = t & 4 ? 1.0 : 0.0;
        int lda = (ta ? M : K) + P, ldb = (tb ? K : N) + P, ldc = N + P;
        for (int i = 0; i < M * ldc; i++)
            C0[i] = C[i] = 0.001 * i;
        gemm_f64(ta, tb, M, N, K, 2.0, A, lda, B, ldb, beta, C, ldc);
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                long double ref = 0.0L, mag = 0.0L;
                for (int k = 0; k < K; k++) {
                    long double a = ta ? A[k * lda + i] : A[i * lda + k];
                    long double b = tb ? B[j * ldb + k] : B[k * ldb + j];
                    ref += a * b, mag += fabsl(a * b);
                }
                ref = 2.0L * ref + beta * C0[i * ldc + j];
                assert_true(fabsl(C[i * ldc + j] - ref) <=
                            (K + 2) * DBL_EPSILON * (2.0L * mag + fabs(C0[i * ldc + j])));
            }
    }
}

/* Parsing and selection: names, and onednn refused with a diagnostic when absent. */
static void test_select(void **state)
{
    (void)state;
    gemm_backend b;
    assert_true(gemm_backend_parse("auto", &b) && b == GEMM_AUTO);
    assert_true(gemm_backend_parse("openblas", &b) && b == GEMM_OPENBLAS);
    assert_true(gemm_backend_parse("onednn", &b) && b == GEMM_ONEDNN);
    assert_false(gemm_backend_parse("mkl", &b));
    assert_false(gemm_backend_parse("", &b));
    dlx_diags d = {0};
    dlx_status st = gemm_select(GEMM_ONEDNN, &d);
    if (gemm_backend_built(GEMM_ONEDNN)) {
        assert_int_equal(st, DLX_OK);
        assert_string_equal(gemm_backend_name(), "onednn");
    } else {
        assert_int_equal(st, DLX_ERR_INPUT);
        assert_int_equal(d.count, 1);
        assert_non_null(strstr(d.items[0].message, "without oneDNN"));
    }
    diags_free(&d);
    assert_int_equal(gemm_select(GEMM_AUTO, &d), DLX_OK);
    assert_non_null(strstr(gemm_backend_name(), "auto/"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openblas), cmocka_unit_test(test_onednn),
        cmocka_unit_test(test_auto),     cmocka_unit_test(test_openblas_is_cblas),
        cmocka_unit_test(test_f64),      cmocka_unit_test(test_select),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
