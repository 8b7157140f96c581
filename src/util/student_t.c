/*
 * student_t.c — Student's t distribution through the regularized incomplete
 * beta function (see student_t.h).
 *
 *   P(T <= t) = 1 − I_x(df/2, 1/2) / 2  for t >= 0,  x = df / (df + t²)
 *
 * (Abramowitz & Stegun 26.7.1 with 26.5.27), or near the centre (t² < df)
 * the same through I_x(a, b) = 1 − I_{1−x}(b, a): 1/2 ± I_{t²/(df+t²)}(1/2, df/2)/2. I_x(a, b) is evaluated by its
 * continued fraction (A&S 26.5.8) with the modified Lentz method, as in
 * Numerical Recipes (3rd ed., §6.4, betacf), using the symmetry
 * I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
 * The quantile is found by bisection on the monotone CDF.
 */
#include "util/student_t.h"

#include <math.h>

/* The continued fraction of I_x(a, b) without its prefactor (NR betacf). */
static double beta_fraction(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 300; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-15)
            break;
    }
    return h;
}

/* The regularized incomplete beta function I_x(a, b), 0 <= x <= 1. */
static double incomplete_beta(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    double log_front = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    double front = exp(log_front);
    if (x < (a + 1.0) / (a + b + 2.0))
        return front * beta_fraction(a, b, x) / a;
    return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

double student_t_cdf(double t, double df)
{
    double t2 = t * t;
    if (t2 < df) { /* near the centre: P = 1/2 ± I_{t²/(df+t²)}(1/2, df/2) / 2, no cancellation */
        double centre = 0.5 * incomplete_beta(0.5, df / 2.0, t2 / (df + t2));
        return t >= 0.0 ? 0.5 + centre : 0.5 - centre;
    }
    double tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t2));
    return t >= 0.0 ? 1.0 - tail : tail;
}

double student_t_quantile(double q, double df)
{
    double lo = -1.0, hi = 1.0;
    while (student_t_cdf(lo, df) > q && lo > -1e12)
        lo *= 2.0;
    while (student_t_cdf(hi, df) < q && hi < 1e12)
        hi *= 2.0;
    for (int i = 0; i < 200 && hi - lo > 1e-13 * fmax(1.0, fabs(hi)); i++) {
        double mid = 0.5 * (lo + hi);
        if (student_t_cdf(mid, df) < q)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}
