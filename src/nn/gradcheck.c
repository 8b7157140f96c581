/*
 * gradcheck.c — central-difference gradient checker (see gradcheck.h).
 */
#include "nn/gradcheck.h"
#include "util/real.h"

#include <math.h>

gradcheck_result gradcheck(gradcheck_fn f, void *ctx, real *x, const real *analytic, size_t n,
                           real h, double floor)
{
    gradcheck_result result = {0.0, 0, 0.0, 0.0};
    for (size_t i = 0; i < n; i++) {
        real saved = x[i];
        real plus = saved + h, minus = saved - h;
        x[i] = plus;
        double f_plus = f(ctx);
        x[i] = minus;
        double f_minus = f(ctx);
        x[i] = saved;
        double numeric = (f_plus - f_minus) / ((double)plus - (double)minus);
        double a = analytic[i];
        double scale = fmax(fmax(fabs(a), fabs(numeric)), floor);
        double rel = fabs(a - numeric) / scale;
        if (i == 0 || rel > result.max_rel_error || isnan(rel))
            result = (gradcheck_result){rel, i, a, numeric};
        if (isnan(rel))
            break;
    }
    return result;
}
