/*
 * reference.h — the exact optimum of a linear or logistic model's training
 * objective, computed with OpenBLAS's LAPACK in double precision, for the
 * convex diagnostics (suboptimality, dist_to_ref).
 *
 * The objective f is the one the run minimizes, with SPEC §2's conventions
 * (mse: mean over examples and outputs; logistic: mean binary cross-entropy;
 * penalties on weights only, never on biases), on the training split as
 * preprocessed:
 *
 *   linear   f(W, b) = (1/(n·k))·||X·Wᵀ + 1·bᵀ − Y||² + (λ₂/2)||W||² + λ₁||W||₁
 *            with λ₂ = l2 + 2σ²/k for input_noise σ (E over the noise of the
 *            mse adds (σ²/k)||W||²; Bishop 1995, "Training with noise is
 *            equivalent to Tikhonov regularization"; k = 1 for regression data)
 *   dropout_ridge (linear, input dropout of keep probability p = 1 − rate)
 *            f(W, b) = (1/(n·k))·[||s·X·Wᵀ + 1·bᵀ − Y||² + c·Σ_{o,j} W_oj²·Σ_i x_ij²],
 *            the expectation of the mse over the input masks (Srivastava et
 *            al. 2014, §9.1): s = 1, c = (1−p)/p for inverted dropout; s = p,
 *            c = p(1−p) with test-time scaling (the weights the run trains are
 *            then 1/p times the inverted ones)
 *   logistic f(w, b) = (1/n)·Σ_i [log(1 + e^{z_i}) − y_i·z_i] + (λ₂/2)||w||²
 *            (+ R^q(w, b), Wager et al.'s quadratic dropout and noise
 *            penalty, for dropout_quadratic; see reference_dropout.c)
 *
 * With example weights w_i on the training split (SPEC §9) each data term is
 * weighted: (1/(n·k))·Σ_i w_i·||W·x_i + b − y_i||², (1/n)·Σ_i w_i·[...].
 *
 * θ is ordered as the network's parameter block: out.weight ([k, d]
 * row-major), then out.bias ([k]).
 */
#ifndef DLX_SOLVERS_REFERENCE_H
#define DLX_SOLVERS_REFERENCE_H

#include "util/real.h"
#include <stdbool.h>
#include <stddef.h>

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"

typedef struct {
    dlx_reference_type type;
    dlx_loss loss;          /* LOSS_MSE or LOSS_LOGISTIC */
    int dim, outputs;       /* d, k */
    double l2, l1;          /* the effective penalties of f */
    double *theta;          /* θ* [k·d + k] */
    double f_star;          /* f(θ*) */
    long iterations;        /* Newton steps or coordinate-descent sweeps; 0 for a factorization */
    double grad_norm;       /* ||∇f(θ*)|| (logistic), the KKT residual (lasso), else 0 */
    const char *method;     /* how θ* was computed, for the record */
    double *x;              /* the training inputs [n, d] in double, for f */
    double *z;              /* [n] scores, and θ_t [k·d + k] in double: work buffers of f */
    double *theta_t;
    double dropout_rate;    /* dropout_quadratic: δ = model.dropout.input */
    double noise_std;       /* dropout_quadratic: σ = regularizer.input_noise */
    double input_scale;     /* dropout_ridge: s of f (1 for the others) */
    double feature_ridge;   /* dropout_ridge: c of f (0 for the others) */
} dlx_reference;

/* The name of a reference type in the table (those of SPEC_REFERENCES, in
   the same order), or NULL past its end. */
const char *reference_kind_name(dlx_reference_type type);

/* Whether cfg->reference is the training objective of cfg's model (min_norm,
   ridge, lasso: model linear with loss mse; logistic, dropout_quadratic:
   model logistic; auto, none: any); when not, why gets the reason.
   Checked for every arm before anything runs (src/experiment/validate.c). */
bool reference_fits(const dlx_config *cfg, char *why, size_t n);

/* Whether the type computes an optimum (false for auto and none). */
bool reference_solves(dlx_reference_type type);

/* Compute cfg->reference's optimum on the training split. */
dlx_status reference_compute(dlx_reference *ref, const dlx_config *cfg, const dlx_dataset *ds,
                             dlx_diags *diags);
void reference_free(dlx_reference *ref);

/* f(W, b) of the reference's objective on the training split (in double);
   W [k, d] and b [k] are the network's float weights. */
/* reference_dropout.c: θ* of dropout_quadratic into r->theta, and R^q(θ)
   for θ = (w, b) in double (r->dropout_rate, r->noise_std). */
dlx_status reference_dropout_solve(dlx_reference *r, const dlx_split *s, dlx_diags *diags);
double reference_dropout_penalty(const dlx_reference *r, const dlx_split *s, const double *theta);

double reference_objective(dlx_reference *ref, const dlx_split *train, const real *W, const real *b);

#endif
