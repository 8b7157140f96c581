/*
 * real.h — the floating type dlx computes in (SPEC §10 `precision`).
 *
 * Every parameter, activation, gradient, data matrix and optimizer state is a
 * `real`. The sources are written once; meson compiles them twice, the way
 * FFTW builds its single- and double-precision libraries from one source
 * (and the reference BLAS its s and d routines):
 *
 *   dlx          real = float  (the default precision, float32)
 *   dlx-float64  real = double (compiled with -DDLX_FLOAT64)
 *
 * `dlx run` on an experiment with `precision: float64` hands the command to
 * dlx-float64 (cli/precision_dispatch.c), so the user sees one program.
 * Accumulators that already are double (losses, norms, references) stay
 * double in both builds.
 *
 * The macros below are the only places the two builds differ in spelling:
 * REAL_C(1.5) is the literal 1.5f or 1.5, rexp is expf or exp, and so on,
 * so the float32 build compiles to exactly the code it was before the type
 * had a name, and its results stay byte-identical.
 */
#ifndef DLX_UTIL_REAL_H
#define DLX_UTIL_REAL_H

#include <float.h>
#include <math.h>
#include <stdint.h>

#ifdef DLX_FLOAT64

typedef double real;
typedef uint64_t real_bits;          /* an unsigned integer as wide as real */
#define REAL_C(x) x
#define REAL_MAX DBL_MAX
#define REAL_MIN DBL_MIN
#define REAL_EPSILON DBL_EPSILON
#define REAL_DIGITS 17               /* %.17g reads back to the same double */
#define REAL_PRECISION_NAME "float64"
#define REAL_SAFETENSORS_DTYPE "F64"
#define rexp exp
#define rlog log
#define rsqrt sqrt
#define rfabs fabs
#define rtanh tanh
#define rpow pow
#define rfmax fmax
#define rfmin fmin
#define rfloor floor
#define rceil ceil
#define rerf erf
#define rcos cos
#define rsin sin
#define rlog1p log1p
#define rexpm1 expm1
#define rround round
#define rtrunc trunc
#define rlrint lrint

#else

typedef float real;
typedef uint32_t real_bits;
#define REAL_C(x) x##f
#define REAL_MAX FLT_MAX
#define REAL_MIN FLT_MIN
#define REAL_EPSILON FLT_EPSILON
#define REAL_DIGITS 9                /* %.9g reads back to the same float */
#define REAL_PRECISION_NAME "float32"
#define REAL_SAFETENSORS_DTYPE "F32"
#define rexp expf
#define rlog logf
#define rsqrt sqrtf
#define rfabs fabsf
#define rtanh tanhf
#define rpow powf
#define rfmax fmaxf
#define rfmin fminf
#define rfloor floorf
#define rceil ceilf
#define rerf erff
#define rcos cosf
#define rsin sinf
#define rlog1p log1pf
#define rexpm1 expm1f
#define rround roundf
#define rtrunc truncf
#define rlrint lrintf

#endif

#endif
