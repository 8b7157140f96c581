/*
 * student_t.h — quantiles of Student's t distribution, for the confidence
 * intervals over seeds of `dlx summarize`.
 */
#ifndef DLX_UTIL_STUDENT_T_H
#define DLX_UTIL_STUDENT_T_H

/* P(T <= t) for T ~ Student t with df > 0 degrees of freedom. */
double student_t_cdf(double t, double df);

/* The q-quantile (0 < q < 1) of Student's t with df > 0 degrees of freedom:
   the t with student_t_cdf(t, df) = q, to about 1e-12 relative. */
double student_t_quantile(double q, double df);

#endif
