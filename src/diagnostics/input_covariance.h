/*
 * input_covariance.h — the diagnostic `input_covariance_condition`
 * (input_covariance.c): the condition number of the centred covariance of
 * every layer's inputs, and the arithmetic it rests on, exposed so that a
 * test can check it on a matrix with a known answer.
 */
#ifndef DLX_DIAGNOSTICS_INPUT_COVARIANCE_H
#define DLX_DIAGNOSTICS_INPUT_COVARIANCE_H

#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_INPUT_COVARIANCE_CONDITION;

/* What covariance_condition finds for one layer. */
typedef struct {
    double kappa;       /* κ(C); inf when C is singular (a constant coordinate, or λ_min ≤ 0) */
    double kappa_live;  /* κ of C restricted to the non-constant coordinates; NAN when none */
    int n_constant;     /* coordinates equal on every row (dead ReLU units, constant features) */
} covariance_condition_result;

/* Work buffers for covariance_condition at dimension ≤ dim (one allocation per run). */
typedef struct {
    int dim;
    double *c, *sub, *eig, *mean;
    int *live;
} covariance_work;

dlx_status covariance_work_create(covariance_work *w, int dim);
void covariance_work_free(covariance_work *w);

/* κ of C = (1/n) Σ_i (h_i − h̄)(h_i − h̄)ᵀ for h [n, dim] in double (rows h_i);
   h is centred in place. Eigenvalues by LAPACK dsyevd. */
dlx_status covariance_condition(double *h, int n, int dim, covariance_work *w, covariance_condition_result *out);

#endif
