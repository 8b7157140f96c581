/*
 * certificate.h — Haeffele & Vidal's global-optimality certificate for a
 * regularized matrix factorization, and the shape of its factors (SPEC §7).
 *
 * For f(U, V) = ½‖P_Ω(Y − UVᵀ)‖²_F + λΘ(U, V) with Θ either variational form
 * of the nuclear norm, a point X = UVᵀ is the global optimum of the convex
 * problem min_X ½‖P_Ω(Y − X)‖² + λ‖X‖_* iff the residual R = P_Ω(Y − X) has
 * ‖R‖₂ ≤ λ and ⟨R, X⟩ = λ‖X‖_* (the subgradient condition of the nuclear
 * norm, Watson 1992); at a stationary point of the factored problem the
 * second holds, so
 *     cert_ratio = ‖P_Ω(Y − UVᵀ)‖₂ / λ  ≤ 1  ⇔  (U, V) is globally optimal
 * (Haeffele & Vidal 2015, Thm 2 and Cor. 1 in the matrix case). Beside it:
 *     factor_rank    numerical rank of [U; V] (singular values above 10⁻⁶·σ₁)
 *     factor_balance ‖UᵀU − VᵀV‖_F / ‖UᵀU‖_F (0 for the balanced factors
 *                    U = A·Σ^½, V = B·Σ^½ of an SVD, which any stationary
 *                    point of the l2 form has)
 *     zero_columns   columns of [U; V]·W of norm below 10⁻⁶·σ₁, W the right
 *                    singular vectors of [U; V]: rotating U and V by the same
 *                    W leaves UVᵀ and Θ_l2 unchanged and exposes the all-zero
 *                    slices of the theorem.
 * Everything in double, with buffers sized once per run.
 */
#ifndef DLX_SOLVERS_CERTIFICATE_H
#define DLX_SOLVERS_CERTIFICATE_H

#include "util/real.h"
#include "data/dataset.h"
#include "util/diag.h"
#include "util/svd.h"

#define CERTIFICATE_RANK_TOLERANCE 1e-6

typedef struct {
    double cert_ratio;
    int factor_rank;
    double factor_balance;
    int zero_columns;
} dlx_certificate;

typedef struct {
    int rows, cols, rank;
    double *residual;          /* [rows·cols] P_Ω(Y − UVᵀ) of the last measure */
    double *res_s, *res_u, *res_vt;   /* its SVD: s [k], u [rows×k], vt [k×cols] */
    double *stacked;           /* [(rows + cols)·rank] [U; V] */
    double *stack_s, *stack_vt;       /* its singular values [rank] and Wᵀ [rank×rank] */
    double *gram;              /* [rank·rank] */
    dlx_svd res_svd, stack_svd;
} dlx_certificate_work;

dlx_status certificate_create(dlx_certificate_work *w, int rows, int cols, int rank,
                              dlx_diags *diags);
void certificate_free(dlx_certificate_work *w);

/* The certificate of (U, V) (row-major rows×rank and cols×rank) on the
   training entries of train, for weight λ > 0. */
dlx_status certificate_measure(dlx_certificate_work *w, const dlx_split *train, const real *U,
                               const real *V, double lambda, dlx_certificate *out,
                               dlx_diags *diags);

/* The top singular pair of the residual of the last certificate_measure:
   u [rows] and v [cols], unit vectors, and its singular value. */
double certificate_top_pair(const dlx_certificate_work *w, double *u, double *v);

#endif
