/*
 * tensor_power.h — the robust tensor power method with deflation
 * (Anandkumar, Ge, Hsu, Kakade & Telgarsky 2014, "Tensor decompositions for
 * learning latent variable models", JMLR 15, Algorithm 1).
 *
 * For a symmetric T ∈ R^{d×d×d} close to an orthogonally decomposable
 * Σ_j λ_j v_j⊗v_j⊗v_j (v_j orthonormal, λ_j > 0), each component is found
 * by L restarts from uniform random unit vectors θ, each iterated N times
 *
 *   θ ← T(I, θ, θ) / ‖T(I, θ, θ)‖,   T(I, θ, θ)_a = Σ_{b,c} T_abc θ_b θ_c,
 *
 * keeping the restart with the largest T(θ, θ, θ), which is then iterated N
 * more times; λ = T(θ, θ, θ), and T ← T − λ θ⊗θ⊗θ (deflation) before the
 * next component. For an odd order a negative weight is the positive weight
 * of −v: (−λ)(−v)⊗(−v)⊗(−v) = λ v⊗v⊗v, so the method returns λ > 0 with the
 * sign of θ chosen accordingly (the sign convention of the paper, whose
 * model has λ_j > 0).
 */
#ifndef DLX_UTIL_TENSOR_POWER_H
#define DLX_UTIL_TENSOR_POWER_H

#include "util/diag.h"
#include "util/rng.h"

/* Recover k components of the symmetric T [d, d, d] (row-major, deflated in
   place): weights[k] (λ, in the order found) and vectors [k, d] (unit rows),
   with `restarts` starts and `iterations` updates each (L and N of
   Algorithm 1), starting points from rng. DLX_ERR_INPUT for k > d or sizes
   below 1, DLX_ERR_RUNTIME when memory runs out. */
dlx_status tensor_power_decompose(double *T, int d, int k, int restarts, int iterations, dlx_rng *rng,
                                  double *weights, double *vectors);

/* T(θ, θ, θ) = Σ_{a,b,c} T_abc θ_a θ_b θ_c of the [d, d, d] tensor T. */
double tensor_power_value(const double *T, int d, const double *theta);

#endif
