/*
 * nn_testing.h — helpers shared by the tests of src/nn: random inputs and a
 * gradient-check assertion that prints where a check failed.
 * Include after <cmocka.h>.
 */
#ifndef DLX_TESTS_NN_TESTING_H
#define DLX_TESTS_NN_TESTING_H

#include <math.h>
#include <stddef.h>

#include "nn/gradcheck.h"
#include "util/rng.h"

/* v[i] = mean + std·N(0,1). */
static inline void fill_normal(real *v, size_t n, double mean, double std, dlx_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (real)(mean + std * rng_normal(rng));
}

/* v[i] uniform on [lo, hi). */
static inline void fill_uniform(real *v, size_t n, double lo, double hi, dlx_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (real)(lo + (hi - lo) * rng_uniform(rng));
}

/* Σ_i c_i·y_i in double: a loss whose gradient with respect to y is c. */
static inline double weighted_sum(const real *c, const real *y, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)c[i] * y[i];
    return s;
}

/* The finite-difference step and tolerance of a gradient check: the float32 values as
   written, and in the float64 build a step of 1e-5 and a tolerance of 1e-6 (central
   differences err by h²/6·f''' ≈ 1e-11 plus rounding ε/h ≈ 1e-11), so the double
   build's backward passes are checked to six digits, not float32's two or three. */
#ifdef DLX_FLOAT64
#define GRADCHECK_STEP(h32) REAL_C(1e-5)
#define GRADCHECK_TOL(t32) 1e-6
#else
#define GRADCHECK_STEP(h32) (h32)
#define GRADCHECK_TOL(t32) (t32)
#endif

/* Fail the test, naming the element, when the check exceeds tol. */
#define assert_gradcheck_below(result, tol, what)                                                  \
    do {                                                                                           \
        gradcheck_result r_ = (result);                                                            \
        if (!(r_.max_rel_error < (tol)))                                                           \
            fail_msg("%s: relative error %.3g > %.3g at [%zu]: analytic %.9g, numeric %.9g",     \
                     (what), r_.max_rel_error, (double)(tol), r_.worst, r_.analytic, r_.numeric); \
    } while (0)

#endif
