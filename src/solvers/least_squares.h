/*
 * least_squares.h — small linear least-squares problems in double through
 * their normal equations (LAPACK dposv, Cholesky).
 *
 * min_x ‖A x − y‖² over the rows φ_i of A has the normal equations
 * (AᵀA) x = Aᵀy; the caller accumulates G = Σ φ_i φ_iᵀ and r = Σ φ_i y_i
 * in a pass over its data (no design matrix is stored), and a damped
 * (G + μ·diag(G)) x = r is the Levenberg–Marquardt step of a nonlinear
 * problem (Marquardt 1963, "An algorithm for least-squares estimation of
 * nonlinear parameters", SIAM J. Appl. Math. 11(2)). Used by NN-LIFT's
 * output-layer and bias fit (src/train/tensor_lift.c). Squaring the
 * condition number is harmless at these sizes (a few dozen unknowns, well
 * conditioned features) and keeps the data pass allocation-free.
 */
#ifndef DLX_SOLVERS_LEAST_SQUARES_H
#define DLX_SOLVERS_LEAST_SQUARES_H

#include "util/diag.h"

/* x [n] = (G + μ·diag(G) + ridge·I)⁻¹ r for the symmetric [n, n] G (both
   triangles, unchanged); work holds n·n doubles. DLX_ERR_RUNTIME when the
   damped G is not positive definite (LAPACK dposv info > 0). */
dlx_status least_squares_solve(const double *G, const double *r, int n, double mu, double ridge, double *x,
                               double *work);

#endif
