/*
 * gemm.h — the one seam every matrix product in dlx goes through (SPEC §10).
 *
 * gemm_f32 / gemm_f64 compute the row-major C = alpha·op(A)·op(B) + beta·C
 * with op(A) [M, K], op(B) [K, N] and C [M, N], the arguments of
 * cblas_sgemm(CblasRowMajor, ...). Two backends sit behind it:
 *
 *   openblas  cblas_sgemm / cblas_dgemm, always built. Called with exactly
 *             the arguments given, so its results are those of a direct
 *             cblas call, bit for bit.
 *   onednn    dnnl_sgemm (row-major, 'N'/'T'), built when meson finds
 *             oneDNN (DLX_HAVE_DNNL) and opened with dlopen on first use.
 *             Float32 only: oneDNN has no double GEMM, so gemm_f64 always
 *             runs on OpenBLAS.
 *
 * The choice is process-wide: gemm_select, once, before any product (dlx run
 * calls it while parsing --gemm). GEMM_AUTO, the default, decides per call,
 * from the CPU, the kernels OpenBLAS picked for it and the product's size —
 * never from timing, so the same shapes always take the same backend:
 *
 *   oneDNN when it is built, the CPU has wider vectors than OpenBLAS's
 *   kernels use (OpenBLAS runs an SSE-only core such as Prescott, or an AVX
 *   core on an AVX2 CPU, ...) and M·N·K >= GEMM_AUTO_MIN_WORK; OpenBLAS
 *   otherwise. Small products never reach oneDNN, so a tiny run does not pay
 *   its start-up (tens of ms of initialisation and JIT on the first call).
 *
 * oneDNN threads follow OpenBLAS's: before each oneDNN product the OpenMP
 * thread count is set to openblas_get_num_threads() when it changed, so
 * --threads governs both. With the same backend, threads and precision,
 * results are byte-identical from run to run.
 *
 * Data generation and preprocessing call gemm_f32_on(GEMM_OPENBLAS, ...), so
 * every backend trains on the same bytes of data.
 */
#ifndef DLX_UTIL_GEMM_H
#define DLX_UTIL_GEMM_H

#include <stdbool.h>

#include "util/diag.h"

typedef enum { GEMM_AUTO, GEMM_OPENBLAS, GEMM_ONEDNN } gemm_backend;

/* GEMM_AUTO sends a product to oneDNN only from this many multiply-adds. */
#define GEMM_AUTO_MIN_WORK 262144

/* "auto", "openblas" or "onednn" → *out; false for anything else. */
bool gemm_backend_parse(const char *text, gemm_backend *out);

/* Whether this build can run backend b (GEMM_AUTO and GEMM_OPENBLAS always). */
bool gemm_backend_built(gemm_backend b);

/* Make b the backend of gemm_f32 for the whole process. Choosing onednn in a
   build without it, or when libdnnl cannot be opened, is an input error
   (DLX_ERR_INPUT, with a diagnostic). */
dlx_status gemm_select(gemm_backend b, dlx_diags *diags);

/* The backend in effect, for meta.yaml: "openblas", "onednn",
   "auto/openblas" (auto sends every product to OpenBLAS on this CPU and
   build) or "auto/onednn>=262144" (oneDNN from that many multiply-adds). */
const char *gemm_backend_name(void);

/* The backend GEMM_AUTO would take for an M×N×K product here (never GEMM_AUTO). */
gemm_backend gemm_auto_choice(int M, int N, int K);

/* Row-major C = alpha·op(A)·op(B) + beta·C on the selected backend;
   op(X) = Xᵀ when trans_x. Allocates nothing of its own. */
void gemm_f32(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float *A,
              int lda, const float *B, int ldb, float beta, float *C, int ldc);

/* gemm_f32 on backend b whatever gemm_select chose (GEMM_AUTO: its rule;
   GEMM_ONEDNN in a build without it: OpenBLAS). */
void gemm_f32_on(gemm_backend b, bool trans_a, bool trans_b, int M, int N, int K, float alpha,
                 const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc);

/* Row-major double-precision product; always OpenBLAS (see above). */
void gemm_f64(bool trans_a, bool trans_b, int M, int N, int K, double alpha, const double *A,
              int lda, const double *B, int ldb, double beta, double *C, int ldc);

/* The instruction set oneDNN's kernels use on this CPU ("avx512_core",
   "avx2", ...; dnnl_get_effective_cpu_isa), "not built" or "unavailable".
   Opens the library. */
const char *gemm_onednn_isa(void);

/* How many oneDNN products failed and were computed by OpenBLAS instead
   (dnnl_sgemm fails only when it cannot allocate its workspace). */
long gemm_onednn_fallbacks(void);

/* The product in dlx's working precision (util/real.h): gemm_f32 in the
   float32 build, gemm_f64 in the float64 one. gemm_real_on(b, ...) is
   gemm_f32_on in float32; in float64 every backend is OpenBLAS. */
#ifdef DLX_FLOAT64
#define gemm_real gemm_f64
#define gemm_real_on(b, ...) ((void)(b), gemm_f64(__VA_ARGS__))
#else
#define gemm_real gemm_f32
#define gemm_real_on gemm_f32_on
#endif

#endif
