/*
 * loss.h — the three data losses of SPEC §2, each a forward/backward pair.
 *
 * Every forward returns the SUM over the B examples of the per-example loss
 * (so an evaluation can add batches up and divide once) and, when correct is
 * not NULL, stores the number of correct predictions. Every backward writes
 * the gradient of the MEAN over the batch, d(Σ_b loss_b / B)/dz, the quantity
 * a training step differentiates. Sums accumulate in double.
 *
 * Labels must lie in [0, K) ({0, 1} for logistic); the data layer checks
 * that. An example whose label does not gets a NaN loss and NaN gradient
 * rather than an out-of-bounds read.
 */
#ifndef DLX_NN_LOSS_H
#define DLX_NN_LOSS_H

#include "util/real.h"

/* Softmax cross-entropy on logits z[B, K], fused and stable:
       loss_b = logsumexp(z_b) − z_b[y_b],   logsumexp(z) = m + log Σ_k e^(z_k − m), m = max_k z_k
   correct counts argmax_k z_b[k] == y_b (the first maximum on ties). */
double softmax_cross_entropy_forward(const real *logits, const int *labels, int B, int K,
                                     long *correct);
/* d_logits = (softmax(z) − onehot(y)) / B */
void softmax_cross_entropy_backward(real *d_logits, const real *logits, const int *labels, int B,
                                    int K);

/* Binary cross-entropy on one logit per example, y in {0, 1}, in the stable form
       loss_b = max(z, 0) − z·y + log(1 + e^(−|z|))      (= −y log σ(z) − (1−y) log(1 − σ(z)))
   correct counts (z > 0) == (y == 1). */
double logistic_loss_forward(const real *logits, const int *labels, int B, long *correct);
/* d_logits = (σ(z) − y) / B */
void logistic_loss_backward(real *d_logits, const real *logits, const int *labels, int B);

/* Squared error against targets[B, K] (regression) or, when targets is NULL,
   against onehot(labels) (classification):
       loss_b = (1/K) Σ_k (y_bk − z_bk)²
   so loss / B is the mean over examples and outputs (SPEC §2). correct counts
   argmax_k z_b[k] == label_b with labels, and is 0 for regression. */
double mse_forward(const real *outputs, const real *targets, const int *labels, int B, int K,
                   long *correct);
/* d_outputs = 2(z − y) / (B·K) */
void mse_backward(real *d_outputs, const real *outputs, const real *targets, const int *labels,
                  int B, int K);

/* Per-example loss weights w[B] (SPEC §9): row b of the gradient d[B, K] of
   the mean loss is multiplied by w_b, which makes it the gradient of the
   weighted mean (1/B)·Σ_b w_b·loss_b. */
void loss_weight_gradient(real *d, const real *weights, int B, int K);

#endif
