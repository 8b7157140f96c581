/*
 * gemm_onednn.h — the oneDNN backend of the GEMM seam, private to
 * src/util/gemm.c (see gemm.h). In a build without oneDNN the functions
 * exist and report that the backend is absent.
 */
#ifndef DLX_UTIL_GEMM_ONEDNN_H
#define DLX_UTIL_GEMM_ONEDNN_H

#include <stdbool.h>

/* Whether dlx was built with oneDNN. */
bool gemm_onednn_built(void);

/* Open libdnnl (once); false when it cannot be opened or lacks dnnl_sgemm. */
bool gemm_onednn_load(void);

/* Row-major C = alpha·op(A)·op(B) + beta·C by dnnl_sgemm on `threads`
   OpenMP threads. False when oneDNN is not built, cannot be opened or the
   call failed (dnnl_sgemm checks its arguments and allocates its workspace
   before it writes C). */
bool gemm_onednn_sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha,
                       const float *A, int lda, const float *B, int ldb, float beta, float *C,
                       int ldc, int threads);

#endif
