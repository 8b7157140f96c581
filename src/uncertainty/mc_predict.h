/*
 * mc_predict.h — Monte-Carlo dropout predictions (Gal & Ghahramani 2016;
 * Srivastava et al. 2014 §7.5): T stochastic forward passes of a trained
 * network over n examples, each with fresh dropout masks, and per example and
 * output the mean and the variance over masks of the model's prediction.
 *
 * The prediction of one pass with logits z is
 *     cross_entropy: softmax(z) (class probabilities, K outputs)
 *     logistic:      σ(z)       (probability of class 1, 1 output)
 *     mse:           z          (the raw output)
 * and over the T passes t = 1..T
 *     mean[i,k] = (1/T) Σ_t ŷ_t[i,k],   var[i,k] = (1/T) Σ_t (ŷ_t[i,k] − mean[i,k])²
 * (the population variance over the masks drawn), mean_logits and var_logits
 * likewise of z. Batch norm uses its running statistics (inference mode); only
 * dropout is stochastic, with the training scaling (network_forward_logits).
 * Nothing of the network's parameters or running statistics changes.
 *
 * Random numbers: the caller passes the generator. Diagnostics seed it with
 * mc_predict_seed(run seed, step), a stream of its own per evaluation point,
 * so the training generators are never touched (metrics stay byte-identical
 * with and without MC columns) and a resumed run draws the same masks.
 *
 * Usage (all buffers allocated once, nothing allocated per call):
 *     dlx_mc_prediction *mc;
 *     if (mc_predict_create(&mc, n, network_n_outputs(net), true, diags) != DLX_OK) ...
 *     dlx_rng rng;
 *     mc_predict_seed(&rng, seed, step);
 *     mc_predict(mc, net, loss, x, T, &rng);     // x [n, n_inputs]
 *     ... mc->mean[i * mc->n_outputs + k], mc->var[...], mc->mean_logits[...]
 *     mc_predict_destroy(mc);
 */
#ifndef DLX_UNCERTAINTY_MC_PREDICT_H
#define DLX_UNCERTAINTY_MC_PREDICT_H

#include "util/real.h"
#include <stdbool.h>
#include <stdint.h>

#include "models/model.h"
#include "spec/config.h"
#include "util/diag.h"
#include "util/rng.h"

typedef struct {
    int n, n_outputs;
    double *mean;         /* [n, n_outputs] mean prediction over the T masks */
    double *var;          /* [n, n_outputs] its variance over the masks (1/T) */
    double *mean_logits;  /* [n, n_outputs] mean logits, or NULL when not asked for */
    double *var_logits;   /* [n, n_outputs] their variance over the masks (1/T), or NULL likewise */
    real *logits;        /* [n, n_outputs] scratch: one pass's logits */
    double *pass;         /* [n_outputs] scratch: one example's prediction */
} dlx_mc_prediction;

/* Buffers for n examples with n_outputs outputs (mean_logits and var_logits
   when want_logits). DLX_ERR_RUNTIME with a message when memory runs out. */
dlx_status mc_predict_create(dlx_mc_prediction **out, int n, int n_outputs, bool want_logits,
                             dlx_diags *diags);
void mc_predict_destroy(dlx_mc_prediction *mc);

/* T >= 1 stochastic passes of net over x[mc->n, n_inputs], masks from rng.
   rng NULL (T must then be 1): the inference-mode (weight-scaled) prediction,
   var 0. */
void mc_predict(dlx_mc_prediction *mc, dlx_model *model, dlx_loss loss, const real *x, int T,
                dlx_rng *rng);

/* The prediction of one example's logits z[n_outputs] into p[n_outputs]
   (softmax, sigmoid or identity, as above), computed in double. */
void mc_prediction_of_logits(double *p, const real *z, int n_outputs, dlx_loss loss);

/* The MC generator of a run at an evaluation point: seeded from the run's
   seed on a stream of its own for each step. */
void mc_predict_seed(dlx_rng *rng, uint64_t seed, long step);

#endif
