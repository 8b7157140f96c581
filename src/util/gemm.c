/*
 * gemm.c — the GEMM seam: backend choice and dispatch (see gemm.h).
 *
 * The process-wide choice is one static variable, set by gemm_select. The
 * auto rule's inputs (the CPU's widest vectors, the vector width of the
 * kernels OpenBLAS chose, whether oneDNN is built) do not change during a
 * process, so they are read once, under pthread_once, and the per-call
 * decision is a comparison of M·N·K with GEMM_AUTO_MIN_WORK. The OpenBLAS
 * path is a single cblas call with the caller's arguments: whatever the
 * choice, a product OpenBLAS computes is bit-identical to the direct call
 * dlx made before the seam existed.
 *
 * OpenBLAS's vector width comes from openblas_get_corename (e.g. Prescott:
 * SSE3; Haswell, Zen: AVX2; SkylakeX, Cooperlake: AVX-512). A core name not
 * in the tables counts as matching the CPU, so an unknown OpenBLAS is never
 * second-guessed. The CPU's width comes from __builtin_cpu_supports on
 * x86-64 with GCC or clang; elsewhere auto keeps OpenBLAS.
 */
#include "util/gemm.h"

#include <cblas.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "util/gemm_onednn.h"

#define GEMM_STR_(x) #x
#define GEMM_STR(x) GEMM_STR_(x)

enum { VEC_SSE = 1, VEC_AVX = 2, VEC_AVX2 = 3, VEC_AVX512 = 4, VEC_UNKNOWN = 99 };

static gemm_backend selected = GEMM_AUTO;
static long onednn_fallbacks;
static pthread_once_t auto_once = PTHREAD_ONCE_INIT;
static bool auto_uses_onednn; /* oneDNN built and wider than OpenBLAS's kernels here */

/* Vector width of an OpenBLAS core name; VEC_UNKNOWN for names not listed. */
static int openblas_core_width(const char *core)
{
    static const char *const sse[] = {"Katmai",  "Coppermine", "Northwood",    "Prescott",
                                      "Banias",  "Atom",       "Core2",        "Penryn",
                                      "Dunnington", "Nehalem", "Athlon",       "Opteron",
                                      "Opteron_SSE3", "Barcelona", "Nano",     "Bobcat"};
    static const char *const avx[] = {"Sandybridge", "Bulldozer", "Piledriver", "Steamroller"};
    static const char *const avx2[] = {"Haswell", "Zen", "Excavator"};
    static const char *const avx512[] = {"SkylakeX", "Cooperlake", "Sapphirerapids"};
    static const struct {
        const char *const *names;
        size_t n;
        int width;
    } tables[] = {{sse, sizeof sse / sizeof *sse, VEC_SSE},
                  {avx, sizeof avx / sizeof *avx, VEC_AVX},
                  {avx2, sizeof avx2 / sizeof *avx2, VEC_AVX2},
                  {avx512, sizeof avx512 / sizeof *avx512, VEC_AVX512}};
    for (size_t t = 0; core && t < sizeof tables / sizeof *tables; t++)
        for (size_t i = 0; i < tables[t].n; i++)
            if (!strcasecmp(core, tables[t].names[i]))
                return tables[t].width;
    return VEC_UNKNOWN;
}

/* Widest vectors this CPU runs (0 when not known). */
static int cpu_width(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return VEC_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return VEC_AVX2;
    if (__builtin_cpu_supports("avx"))
        return VEC_AVX;
    return VEC_SSE;
#else
    return 0;
#endif
}

/* Read the auto rule's fixed inputs once. */
static void auto_init(void)
{
    auto_uses_onednn =
        gemm_onednn_built() && cpu_width() > openblas_core_width(openblas_get_corename());
}

bool gemm_backend_parse(const char *text, gemm_backend *out)
{
    static const char *const names[] = {"auto", "openblas", "onednn"};
    for (int i = 0; i < 3; i++)
        if (text && !strcmp(text, names[i])) {
            *out = (gemm_backend)i;
            return true;
        }
    return false;
}

bool gemm_backend_built(gemm_backend b)
{
    return b != GEMM_ONEDNN || gemm_onednn_built();
}

dlx_status gemm_select(gemm_backend b, dlx_diags *diags)
{
#ifdef DLX_FLOAT64
    /* dnnl_sgemm is single precision only: a float64 run asking for it would get OpenBLAS
       while meta.yaml said onednn. */
    if (b == GEMM_ONEDNN) {
        diags_add(diags, NULL, 0, 0,
                  "--gemm onednn: oneDNN has no double-precision matrix product; an experiment "
                  "with precision: float64 runs on OpenBLAS (use --gemm openblas or auto)");
        return DLX_ERR_INPUT;
    }
#endif
    if (!gemm_backend_built(b)) {
        diags_add(diags, NULL, 0, 0,
                  "--gemm onednn: this dlx was built without oneDNN (install libdnnl-dev and "
                  "run meson setup again), use --gemm openblas or auto");
        return DLX_ERR_INPUT;
    }
    if (b == GEMM_ONEDNN && !gemm_onednn_load()) {
        diags_add(diags, NULL, 0, 0,
                  "--gemm onednn: the oneDNN library (libdnnl) cannot be opened or lacks "
                  "dnnl_sgemm");
        return DLX_ERR_INPUT;
    }
    selected = b;
    return DLX_OK;
}

const char *gemm_backend_name(void)
{
    if (selected == GEMM_OPENBLAS)
        return "openblas";
    if (selected == GEMM_ONEDNN)
        return "onednn";
#ifdef DLX_FLOAT64
    return "auto/openblas"; /* every double product is OpenBLAS's dgemm */
#endif
    pthread_once(&auto_once, auto_init);
    return auto_uses_onednn ? "auto/onednn>=" GEMM_STR(GEMM_AUTO_MIN_WORK) : "auto/openblas";
}

gemm_backend gemm_auto_choice(int M, int N, int K)
{
#ifdef DLX_FLOAT64
    (void)M, (void)N, (void)K;
    return GEMM_OPENBLAS;
#endif
    pthread_once(&auto_once, auto_init);
    return auto_uses_onednn && (double)M * N * K >= GEMM_AUTO_MIN_WORK ? GEMM_ONEDNN
                                                                       : GEMM_OPENBLAS;
}

/* The product on OpenBLAS, exactly as the caller wrote it. */
static void openblas_sgemm(bool ta, bool tb, int M, int N, int K, float alpha, const float *A,
                           int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M,
                N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void gemm_f32_on(gemm_backend b, bool trans_a, bool trans_b, int M, int N, int K, float alpha,
                 const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
    if (b == GEMM_AUTO)
        b = gemm_auto_choice(M, N, K);
    if (b == GEMM_ONEDNN && M > 0 && N > 0 && K > 0 && gemm_onednn_built()) {
        if (gemm_onednn_sgemm(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc,
                              openblas_get_num_threads()))
            return;
        onednn_fallbacks++;
    }
    openblas_sgemm(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void gemm_f32(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float *A,
              int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
    gemm_f32_on(selected, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void gemm_f64(bool trans_a, bool trans_b, int M, int N, int K, double alpha, const double *A,
              int lda, const double *B, int ldb, double beta, double *C, int ldc)
{
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

long gemm_onednn_fallbacks(void)
{
    return onednn_fallbacks;
}
