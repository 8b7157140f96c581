/*
 * step_theory.h — the step sizes and momenta that the convergence theory of
 * gradient methods prescribes for a quadratic objective, from its curvature.
 *
 * For a linear model with mse the training objective f is quadratic, and its
 * Hessian H is constant: L = λ_max(H) (f is L-smooth) and μ = λ_min(H) (f is
 * μ-strongly convex when μ > 0), κ = L/μ. `optimizer.lr: theory` and
 * `optimizer.momentum: theory` are resolved from them at the start of a run
 * (Nesterov 2004, "Introductory Lectures on Convex Optimization", §2.1.5 and
 * §2.2.1; Polyak 1964 for the heavy ball):
 *
 *   sgd        η = 1/L                                  rate 1 − 1/κ
 *   momentum   η = 4/(√L + √μ)², β = ((√κ−1)/(√κ+1))²    rate (√κ−1)/(√κ+1)
 *   nesterov   η = 1/L,          β = (√κ−1)/(√κ+1)      rate 1 − 1/√κ
 */
#ifndef DLX_SOLVERS_STEP_THEORY_H
#define DLX_SOLVERS_STEP_THEORY_H

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"

typedef struct {
    double L;   /* λ_max of the Hessian of f */
    double mu;  /* λ_min of the Hessian of f, clipped at 0 */
} dlx_curvature;

/* Whether the optimizer has a `theory` value to resolve. */
bool step_theory_needed(const dlx_optimizer_config *opt);

/* L and μ of the training objective of a linear model with mse on the
   training split as preprocessed:
     H = (2/(n·k))·AᵀA + λ₂·diag(1, …, 1, 0),  A = [X 1],
   k the number of outputs, λ₂ = l2 + 2·input_noise²/k (the ridge equivalent
   of input noise, as in reference.h); eigenvalues by LAPACK dsyevd in
   double. The k outputs share the same block, so H has no other eigenvalues. */
dlx_status curvature_compute(dlx_curvature *c, const dlx_config *cfg, const dlx_dataset *ds,
                             dlx_diags *diags);

/* Replace `lr: theory` and `momentum: theory` in opt by their values for
   curvature c (table above); other values are left as they are. */
void step_theory_apply(dlx_optimizer_config *opt, const dlx_curvature *c);

#endif
