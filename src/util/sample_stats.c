/*
 * sample_stats.c — see sample_stats.h.
 *
 *   mean = Σx / n,  sd = √(Σ(x − mean)² / (n − 1)),
 *   95% interval of the mean: mean ± t_{0.975, n−1} · sd / √n   (Student, 1908).
 * Two passes (mean first, then the squared deviations), which is exact
 * enough for a handful of seeds.
 */
#include "util/sample_stats.h"

#include <math.h>

#include "util/student_t.h"

dlx_sample_stats sample_stats(const double *x, int n)
{
    dlx_sample_stats s = {.n = n, .mean = NAN, .sd = NAN, .min = NAN, .max = NAN,
                          .ci95_low = NAN, .ci95_high = NAN};
    if (n <= 0)
        return s;
    double sum = 0, lo = x[0], hi = x[0];
    for (int i = 0; i < n; i++) {
        sum += x[i];
        lo = fmin(lo, x[i]);
        hi = fmax(hi, x[i]);
    }
    s.mean = sum / n, s.min = lo, s.max = hi;
    if (n < 2)
        return s;
    double ss = 0;
    for (int i = 0; i < n; i++)
        ss += (x[i] - s.mean) * (x[i] - s.mean);
    s.sd = sqrt(ss / (n - 1));
    double half = student_t_quantile(0.975, n - 1) * s.sd / sqrt((double)n);
    s.ci95_low = s.mean - half, s.ci95_high = s.mean + half;
    return s;
}
