/*
 * nuclear_norm.h — the exact optimum of the convex problem behind a
 * regularized matrix factorization (SPEC §7):
 *
 *     min_X  f(X) = ½‖P_Ω(Y − X)‖²_F + λ‖X‖_*
 *
 * whose value equals the minimum over U, V of the factored objective
 * ½‖P_Ω(Y − UVᵀ)‖²_F + λ·½(‖U‖²_F + ‖V‖²_F) (or + λΣ_k‖U_k‖‖V_k‖) once
 * r >= rank(X*), because ‖X‖_* = min_{UVᵀ = X} ½(‖U‖² + ‖V‖²) (Srebro,
 * Rennie & Jaakkola 2005; Haeffele & Vidal 2015, Prop. 1).
 *
 * Full observation: X* = SVT_λ(Y) = Σ_i max(σ_i − λ, 0) u_i v_iᵀ, singular-value
 * soft-thresholding of Y (Cai, Candès & Shen 2010, Thm 2.1). Otherwise: the
 * proximal-gradient iteration X ← SVT_λ(P_Ω(Y) + P_Ω⊥(X)) (soft-impute,
 * Mazumder, Hastie & Tibshirani 2010), accelerated as FISTA (Beck & Teboulle
 * 2009; step 1, the Lipschitz constant of the smooth part), until the
 * relative change ‖X_{k+1} − X_k‖_F / ‖X_{k+1}‖_F is below 10⁻¹².
 * Everything in double.
 */
#ifndef DLX_SOLVERS_NUCLEAR_NORM_H
#define DLX_SOLVERS_NUCLEAR_NORM_H

#include "util/real.h"
#include <stdbool.h>

#include "data/dataset.h"
#include "util/diag.h"

#define NUCLEAR_TOLERANCE 1e-12
#define NUCLEAR_MAX_ITERATIONS 200000L

typedef struct {
    int rows, cols;
    double lambda;
    double *x_star;       /* [rows·cols] row-major X* */
    double f_star;        /* f(X*) */
    double nuclear;       /* ‖X*‖_* */
    int rank;             /* number of singular values of X* above 0 */
    long iterations;      /* 0 for the closed form */
    double change;        /* the last relative change (0 for the closed form) */
    const char *method;   /* "svt" or "soft-impute (FISTA)" */
} dlx_nuclear_reference;

/* X* of the training entries of train (an entries split) with weight λ > 0. */
dlx_status nuclear_norm_solve(dlx_nuclear_reference *r, const dlx_split *train, double lambda,
                              dlx_diags *diags);
void nuclear_norm_free(dlx_nuclear_reference *r);

/* The factored objective ½‖P_Ω(Y − UVᵀ)‖²_F + λΘ(U, V) in double, with
   Θ = ½(‖U‖²_F + ‖V‖²_F), or Σ_k‖U_k‖‖V_k‖ when product; U rows×r and
   V cols×r row-major. */
double factored_objective(const dlx_split *train, const real *U, const real *V, int r,
                          double lambda, bool product);

#endif
