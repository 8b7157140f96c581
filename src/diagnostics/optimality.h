/*
 * optimality.h — diagnostics of global optimality for the positively
 * homogeneous models of SPEC §7 (Haeffele & Vidal 2015):
 *   certificate  cert_ratio, factor_rank, factor_balance, zero_columns of a
 *                factorization (certificate.c, over solvers/certificate.h)
 *   polar        polar_ratio and active_units of a ReLU network without
 *                biases: Haeffele & Vidal's certificate with one hidden layer,
 *                the last hidden layer's necessary condition with more
 *                (polar.c, over solvers/polar.h)
 * and the factorization's suboptimality f(U, V) − f* against the nuclear-norm
 * reference (certificate.c), which the `suboptimality` diagnostic uses for
 * factorizations.
 */
#ifndef DLX_DIAGNOSTICS_OPTIMALITY_H
#define DLX_DIAGNOSTICS_OPTIMALITY_H

#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_CERTIFICATE;
extern const dlx_diagnostic DIAG_POLAR;
/* `rank`: the factorization's current rank r (the column of training.grow_rank). */
extern const dlx_diagnostic DIAG_RANK;

/* The regularizer weight λ of a factorization or homogeneous network: the
   `product` weight when set, else `l2`. */
double optimality_lambda(const dlx_config *cfg);

/* suboptimality and dist_to_ref of a factorization: X* computed at create
   (the nuclear-norm reference), then f(U, V) − f* and ‖UVᵀ − X*‖_F/‖X*‖_F
   at each measure. */
dlx_status factorization_reference_create(const dlx_diag_context *ctx, void **reference,
                                          dlx_diags *diags);
void factorization_reference_destroy(void *reference);
void factorization_suboptimality_measure(const dlx_diag_context *ctx, const void *reference,
                                         double *values);
void factorization_dist_measure(const dlx_diag_context *ctx, const void *reference, double *values);

#endif
