/*
 * sample_stats.h — mean, sample standard deviation and the Student-t
 * interval of the mean of a few numbers (seeds): the one place where
 * `dlx run`'s closing table and `dlx summarize` compute them.
 */
#ifndef DLX_UTIL_SAMPLE_STATS_H
#define DLX_UTIL_SAMPLE_STATS_H

typedef struct {
    int n;
    double mean;           /* NAN when n = 0 */
    double sd;             /* sample sd, divided by n − 1; NAN when n < 2 */
    double min, max;       /* NAN when n = 0 */
    double ci95_low, ci95_high; /* mean ± t_{0.975,n−1}·sd/√n; NAN when n < 2 */
} dlx_sample_stats;

/* The statistics of x[0..n) (all finite). */
dlx_sample_stats sample_stats(const double *x, int n);

#endif
