/*
 * scores.h — scoring a predictive distribution on a test split.
 *
 * Regression: a Gaussian predictive N(μ_i, s_i²) per example and output, with
 *     s_i² = σ² + v_i
 * v_i the model's variance (over MC-dropout masks, or across the members of
 * an ensemble) and σ² the noise variance, estimated as the mean squared
 * residual of the predictive mean on the training split (Gal & Ghahramani
 * 2016, eq. 8, with τ⁻¹ estimated instead of derived from a prior;
 * Lakshminarayanan et al. 2017 §2.4 for ensembles: the mixture's variance).
 *     nll      = mean ½·log(2π s_i²) + (y_i − μ_i)²/(2 s_i²)
 *     coverC   = #{|y_i − μ_i| ≤ z_C·s_i} / N       (central C interval of y)
 *     truth_coverC = #{|f(x_i) − μ_i| ≤ z_C·√v_i} / N (confidence interval of
 *                the regression function f, where f is known)
 * z_0.5 = 0.674489750, z_0.9 = 1.644853627 (standard normal quantiles).
 *
 * Classification is scored by score_prediction (calibration.h) on the mean
 * predicted probabilities: loss = nll, accuracy, ece.
 */
#ifndef DLX_UNCERTAINTY_SCORES_H
#define DLX_UNCERTAINTY_SCORES_H

#include "util/real.h"
#include <stdbool.h>

typedef struct {
    double loss;           /* mse of μ (regression) or nll (classification) */
    double accuracy;       /* NAN for regression */
    double ece;            /* NAN for regression */
    double nll;
    double rmse;           /* regression: √mse; NAN otherwise */
    double noise_sd;       /* σ */
    double model_sd;       /* mean of √v_i */
    double cover50, cover90;
    double truth_rmse, truth_cover50, truth_cover90; /* NAN without the truth */
} dlx_uncertainty_score;

/* Noise variance σ²: mean over the n·k entries of (y − μ)². */
double uncertainty_noise_var(const double *mean, const real *targets, long count);

/* Score n·k regression predictions (mean μ, model variance v) against
   targets y and, when truth is not NULL, the regression function f. */
dlx_uncertainty_score uncertainty_score_regression(const double *mean, const double *var,
                                                   const real *targets, const real *truth,
                                                   long count, double noise_var);

#endif
