/*
 * calibration.h — scores of a probabilistic prediction on labelled
 * examples: the loss of the prediction, its accuracy and its expected
 * calibration error. Used by the mc_dropout and calibration diagnostics,
 * for the weight-scaled network's prediction and for the MC-dropout average
 * (mc_predict.h) alike.
 *
 * The prediction p[n, K] is what mc_predict returns: class probabilities
 * (cross_entropy), the probability of class 1 (logistic, K = 1), or the raw
 * output (mse).
 */
#ifndef DLX_UNCERTAINTY_CALIBRATION_H
#define DLX_UNCERTAINTY_CALIBRATION_H

#include "util/real.h"
#include "spec/config.h"

enum { CALIBRATION_BINS = 15 };   /* Guo et al. (2017) §2 use M = 15 */

typedef struct {
    double loss;       /* mean loss of the prediction (NLL for the classification losses) */
    double accuracy;   /* fraction correct; NAN for regression */
    double ece;        /* expected calibration error; NAN for regression */
} dlx_prediction_scores;

/* Scores of p[n, K] against labels[n] (classification) or targets[n, K]
   (regression, loss mse):
     loss: cross_entropy −(1/n) Σ log p_i[y_i]; logistic −(1/n) Σ [y log p + (1−y) log(1−p)];
           mse (1/(nK)) Σ (y_ik − p_ik)² (with labels: against one-hot y)
     accuracy: (1/n) #{argmax_k p_i = y_i} (logistic: p > 1/2)
     ece: Guo, Pleiss, Sun & Weinberger (2017), eq. 3, with M equal-width bins
          B_m = ((m−1)/M, m/M] of the confidence c_i = max_k p_i[k] (logistic:
          max(p, 1−p)):  ECE = Σ_m (|B_m|/n) |acc(B_m) − conf(B_m)|. */
dlx_prediction_scores score_prediction(const double *p, int n, int K, dlx_loss loss, const int *labels,
                                       const real *targets);

#endif
