/*
 * scores.c — scores of a predictive distribution (see uncertainty.h).
 */
#include "uncertainty/scores.h"
#include "util/real.h"

#include <math.h>

#define Z50 0.674489750196082   /* Φ⁻¹(0.75) */
#define Z90 1.644853626951472   /* Φ⁻¹(0.95) */

double uncertainty_noise_var(const double *mean, const real *targets, long count)
{
    double sum = 0.0;
    for (long i = 0; i < count; i++) {
        double r = (double)targets[i] - mean[i];
        sum += r * r;
    }
    return count > 0 ? sum / (double)count : NAN;
}

dlx_uncertainty_score uncertainty_score_regression(const double *mean, const double *var,
                                                   const real *targets, const real *truth,
                                                   long count, double noise_var)
{
    dlx_uncertainty_score s = {.accuracy = NAN, .ece = NAN, .noise_sd = sqrt(noise_var), .truth_rmse = NAN,
                               .truth_cover50 = NAN, .truth_cover90 = NAN};
    double sq = 0, nll = 0, model_sd = 0, in50 = 0, in90 = 0, tsq = 0, t50 = 0, t90 = 0;
    for (long i = 0; i < count; i++) {
        double v = var[i] > 0 ? var[i] : 0.0;
        double s2 = noise_var + v, sd = sqrt(s2);
        double r = (double)targets[i] - mean[i];
        sq += r * r;
        nll += 0.5 * log(2.0 * M_PI * s2) + r * r / (2.0 * s2);
        model_sd += sqrt(v);
        in50 += fabs(r) <= Z50 * sd;
        in90 += fabs(r) <= Z90 * sd;
        if (truth) {
            double e = (double)truth[i] - mean[i];
            tsq += e * e;
            t50 += fabs(e) <= Z50 * sqrt(v);
            t90 += fabs(e) <= Z90 * sqrt(v);
        }
    }
    double n = count > 0 ? (double)count : NAN;
    s.loss = sq / n;
    s.rmse = sqrt(s.loss);
    s.nll = nll / n;
    s.model_sd = model_sd / n;
    s.cover50 = in50 / n;
    s.cover90 = in90 / n;
    if (truth) {
        s.truth_rmse = sqrt(tsq / n);
        s.truth_cover50 = t50 / n;
        s.truth_cover90 = t90 / n;
    }
    return s;
}
