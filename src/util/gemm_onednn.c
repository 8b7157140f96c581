/*
 * gemm_onednn.c — dnnl_sgemm behind the GEMM seam (see gemm.h).
 *
 * dnnl_sgemm takes row-major arguments with 'N'/'T' characters, the same
 * M, N, K and leading dimensions as cblas_sgemm(CblasRowMajor, ...), so the
 * product is a direct call.
 *
 * The library is opened with dlopen on first use, not linked: libdnnl.so is
 * 40 MB of C++ with libstdc++ and OpenCL behind it, and relocating it at
 * start-up costs a few milliseconds that a run which never reaches oneDNN
 * (every tiny run) should not pay. Only its header is used at build time.
 * dnnl_sgemm and omp_set_num_threads (Debian's oneDNN runs on OpenMP;
 * dlsym on the library's handle also searches its libgomp) are looked up
 * once, under pthread_once.
 *
 * oneDNN's thread count is the calling thread's OpenMP setting; it is set
 * to the count the caller gives (OpenBLAS's) whenever that changes — a plain
 * call, no allocation. Built without DLX_HAVE_DNNL, each function reports
 * that oneDNN is not in this build.
 */
#include "util/gemm_onednn.h"
#include "util/gemm.h"

#ifdef DLX_HAVE_DNNL
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_version.h>

#define ONEDNN_STR_(x) #x
#define ONEDNN_STR(x) ONEDNN_STR_(x)
#define ONEDNN_SONAME "libdnnl.so." ONEDNN_STR(DNNL_VERSION_MAJOR)

typedef dnnl_status_t (*sgemm_fn)(char, char, dnnl_dim_t, dnnl_dim_t, dnnl_dim_t, float,
                                  const float *, dnnl_dim_t, const float *, dnnl_dim_t, float,
                                  float *, dnnl_dim_t);
typedef void (*set_threads_fn)(int);
typedef dnnl_cpu_isa_t (*isa_fn)(void);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static sgemm_fn sgemm;
static set_threads_fn set_threads;
static isa_fn effective_isa;
static int omp_threads = -1; /* last count given to OpenMP; -1 before the first call */

/* Open the library and look its functions up; sgemm stays NULL on failure. */
static void load(void)
{
    void *lib = dlopen(ONEDNN_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return;
    /* ISO C has no conversion from void * to a function pointer; POSIX
       guarantees the representation, so the unions read it as one. */
    union {
        void *p;
        sgemm_fn f;
    } g = {dlsym(lib, "dnnl_sgemm")};
    union {
        void *p;
        set_threads_fn f;
    } t = {dlsym(lib, "omp_set_num_threads")};
    union {
        void *p;
        isa_fn f;
    } i = {dlsym(lib, "dnnl_get_effective_cpu_isa")};
    set_threads = t.f;
    effective_isa = i.f;
    sgemm = g.f;
}

bool gemm_onednn_built(void)
{
    return true;
}

bool gemm_onednn_load(void)
{
    pthread_once(&load_once, load);
    return sgemm != NULL;
}

const char *gemm_onednn_isa(void)
{
    if (!gemm_onednn_load() || !effective_isa)
        return "unavailable";
    switch (effective_isa()) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    default: return "other";
    }
}

bool gemm_onednn_sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha,
                       const float *A, int lda, const float *B, int ldb, float beta, float *C,
                       int ldc, int threads)
{
    if (!gemm_onednn_load())
        return false;
    if (threads > 0 && threads != omp_threads && set_threads) {
        set_threads(threads);
        omp_threads = threads;
    }
    return sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta,
                 C, ldc) == dnnl_success;
}

#else

bool gemm_onednn_built(void)
{
    return false;
}

bool gemm_onednn_load(void)
{
    return false;
}

const char *gemm_onednn_isa(void)
{
    return "not built";
}

bool gemm_onednn_sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha,
                       const float *A, int lda, const float *B, int ldb, float beta, float *C,
                       int ldc, int threads)
{
    (void)trans_a, (void)trans_b, (void)M, (void)N, (void)K, (void)alpha, (void)A, (void)lda;
    (void)B, (void)ldb, (void)beta, (void)C, (void)ldc, (void)threads;
    return false;
}

#endif
