/*
 * calibration.c — loss, accuracy and expected calibration error of a
 * probabilistic prediction (formulas in calibration.h). Sums in double.
 */
#include "uncertainty/calibration.h"
#include "util/real.h"

#include <math.h>
#include <stddef.h>

/* The predicted class and its confidence of one example's prediction p[K]. */
static int predicted_class(const double *p, int K, dlx_loss loss, double *confidence)
{
    if (loss == LOSS_LOGISTIC) {
        *confidence = p[0] > 0.5 ? p[0] : 1.0 - p[0];
        return p[0] > 0.5;
    }
    int best = 0;
    for (int k = 1; k < K; k++)
        best = p[k] > p[best] ? k : best;
    *confidence = p[best];
    return best;
}

/* The loss of one example's prediction p[K]. */
static double example_loss(const double *p, int K, dlx_loss loss, const int *label, const real *target)
{
    if (loss == LOSS_CROSS_ENTROPY)
        return -log(p[*label]);
    if (loss == LOSS_LOGISTIC)
        return *label == 1 ? -log(p[0]) : -log1p(-p[0]);
    double sum = 0.0;
    for (int k = 0; k < K; k++) {
        double y = target ? target[k] : (double)(k == *label);
        sum += (y - p[k]) * (y - p[k]);
    }
    return sum / K;
}

dlx_prediction_scores score_prediction(const double *p, int n, int K, dlx_loss loss, const int *labels,
                                       const real *targets)
{
    dlx_prediction_scores s = {NAN, NAN, NAN};
    if (n < 1)
        return s;
    double loss_sum = 0.0;
    long hits = 0, bin_count[CALIBRATION_BINS] = {0};
    double bin_conf[CALIBRATION_BINS] = {0}, bin_hits[CALIBRATION_BINS] = {0};
    for (int i = 0; i < n; i++) {
        const double *pi = p + (size_t)i * K;
        loss_sum += example_loss(pi, K, loss, labels ? labels + i : NULL,
                                 targets ? targets + (size_t)i * K : NULL);
        if (!labels)
            continue;
        double conf;
        int hit = predicted_class(pi, K, loss, &conf) == labels[i];
        if (!(conf >= 0.0 && conf <= 1.0))   /* a diverged network: no scores */
            return (dlx_prediction_scores){NAN, NAN, NAN};
        int m = (int)ceil(conf * CALIBRATION_BINS) - 1;   /* conf in ((m)/M, (m+1)/M] */
        m = m < 0 ? 0 : m >= CALIBRATION_BINS ? CALIBRATION_BINS - 1 : m;
        hits += hit;
        bin_count[m]++;
        bin_conf[m] += conf;
        bin_hits[m] += hit;
    }
    s.loss = loss_sum / n;
    if (!labels)
        return s;
    s.accuracy = (double)hits / n;
    s.ece = 0.0;
    for (int m = 0; m < CALIBRATION_BINS; m++)   /* (|B_m|/n)·|acc − conf| = |Σhit − Σconf|/n */
        s.ece += fabs(bin_hits[m] - bin_conf[m]) / n;
    return s;
}
