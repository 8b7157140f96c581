/*
 * tensor_lift.h — training.method tensor_lift (SPEC §7): NN-LIFT of
 * Janzamin, Sedghi & Anandkumar (2015), "Beating the perils of
 * non-convexity: guaranteed training of neural networks using tensor
 * methods", arXiv:1506.08473, Algorithm 1, for a network
 * ŷ = a₂ᵀσ(W₁x + b₁) + c on standard Gaussian inputs:
 *
 *   1. the cross-moment T = (1/n) Σ_i y_i S₃(x_i) of the targets with the
 *      third-order score function (util/score_moment.h), whose expectation
 *      is Σ_j λ_j w_j⊗w_j⊗w_j with λ_j = a_j E[σ'''(w_jᵀx + b_j)];
 *   2. the k = model.hidden units' directions from T by the tensor power
 *      method with deflation (util/tensor_power.h; Anandkumar et al. 2014,
 *      Algorithm 1) with TENSOR_LIFT_RESTARTS starts of
 *      TENSOR_LIFT_ITERATIONS updates each: W₁'s rows, unit vectors, each
 *      with the sign that makes its λ positive. No whitening: the
 *      components of teacher_regression data are orthonormal already;
 *   3. b₁, a₂ and c with W₁ fixed: (a₂, c) by linear least squares on the
 *      features σ(W₁x) (b₁ = 0), then b₁, a₂ and c jointly by
 *      Levenberg–Marquardt steps on the mean squared error
 *      (solvers/least_squares.h), at most TENSOR_LIFT_LM_STEPS of them.
 *      The paper's step 2 estimates b₁ by a Fourier method and step 3 fits
 *      the output layer by ridge regression; the joint least-squares fit is
 *      the simpler choice that also undoes the sign the tensor cannot see
 *      (for sigmoid, σ(−z) = 1 − σ(z) turns into an output sign and bias),
 *      and it only lowers the training loss of the b₁ = 0 start.
 *
 * Everything is in double; the design matrix is never stored (the normal
 * equations are accumulated in a pass over the examples), and the n·k
 * projections W₁x are computed once per fit.
 */
#ifndef DLX_TRAIN_TENSOR_LIFT_H
#define DLX_TRAIN_TENSOR_LIFT_H

#include "data/dataset.h"
#include "models/model.h"
#include "spec/config.h"
#include "util/diag.h"
#include "util/rng.h"

#define TENSOR_LIFT_RESTARTS 30     /* L of Anandkumar et al. (2014), Algorithm 1 */
#define TENSOR_LIFT_ITERATIONS 100  /* N of the same */
#define TENSOR_LIFT_LM_STEPS 50     /* Levenberg–Marquardt steps of the b₁, a₂, c fit */
#define TENSOR_LIFT_MAX_DIM 64      /* inputs d: the moment has d³ entries */

/* What the fit found, for messages and tests. */
typedef struct {
    double lm_loss_start;   /* training MSE with b₁ = 0 and (a₂, c) by least squares */
    double lm_loss_end;     /* after the joint Levenberg–Marquardt fit */
    int lm_steps;           /* accepted steps */
} dlx_tensor_lift_report;

/* Fit the mlp `model` (one hidden layer with fc1.weight [k, d], fc1.bias,
   out.weight [1, k], out.bias) to the split `train` (d inputs, one target)
   by NN-LIFT with activation act; the power method's starts come from rng.
   The model's parameters are replaced. report may be NULL. */
dlx_status tensor_lift_fit(dlx_model *model, const dlx_split *train, dlx_activation act, dlx_rng *rng,
                           dlx_tensor_lift_report *report, dlx_diags *diags);

#endif
