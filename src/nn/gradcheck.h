/*
 * gradcheck.h — numeric gradient checking by central differences (KANN's
 * kad_check_grad as a library function that the layer tests call).
 *
 * f is a scalar function of a float buffer x; it reads x through its own
 * context. For each i the checker evaluates
 *     numeric_i = (f(x + h·e_i) − f(x − h·e_i)) / ((x_i + h) − (x_i − h))
 * where the denominator is the difference of the two float32 points actually
 * evaluated (not 2h, which float rounding of x_i ± h would make inexact), then
 * restores x_i bit for bit, and compares with the analytic gradient:
 *     rel_i = |analytic_i − numeric_i| / max(|analytic_i|, |numeric_i|, floor)
 * floor turns the relative error into an absolute one for gradients near 0,
 * where both are dominated by rounding noise.
 *
 * Tolerances: the truncation error of the central difference is h²/6·f'''
 * (Taylor), the rounding error about ε·|f|/h with ε the precision of f. With
 * float32 forward passes (ε ~ 1e-7 per operation, a few ops deep) and
 * h ~ 1e-2..1e-3, both stay below ~1e-3 for functions of order 1, so tests
 * use tolerances around 1e-2 relative.
 */
#ifndef DLX_NN_GRADCHECK_H
#define DLX_NN_GRADCHECK_H

#include "util/real.h"
#include <stddef.h>

/* The scalar function at the current contents of the buffer under check. */
typedef double (*gradcheck_fn)(void *ctx);

typedef struct {
    double max_rel_error; /* max_i rel_i (0 when n = 0) */
    size_t worst;         /* the i where it occurs */
    double analytic;      /* analytic_i and numeric_i at that i */
    double numeric;
} gradcheck_result;

/* Check analytic[0..n) against central differences of f in x[0..n), step h. */
gradcheck_result gradcheck(gradcheck_fn f, void *ctx, real *x, const real *analytic, size_t n,
                           real h, double floor);

#endif
