/*
 * polar.h — the polar problem of a two-layer ReLU network's regularizer
 * (Haeffele & Vidal 2015, §4; SPEC §7, diagnostic `polar`).
 *
 * For f(θ) = ℓ(Ŷ) + λΘ with Θ = Σ_i ‖w_i‖‖a_i‖ and Ŷ = Σ_i a_i·relu(X w_i)ᵀ, a
 * stationary point is globally optimal when no new unit can lower f to first
 * order, i.e. when
 *     Ω°(−∇_Ŷ ℓ) = max_{‖w‖=‖a‖=1} ⟨−∇_Ŷ ℓ, relu(Xw)·aᵀ⟩ / λ ≤ 1.
 * With G = −∇_Ŷ ℓ (n×K) the inner maximum over a is ‖Gᵀ relu(Xw)‖₂, so the
 * ratio is max over the unit sphere of φ(w) = ‖Gᵀ relu(Xw)‖₂ / λ. φ has no
 * closed-form maximum (the lecture's point); it is estimated by projected
 * ascent, w ← ∇(½φ²)/‖∇(½φ²)‖ with ∇(½φ²) = Xᵀ[(G Gᵀ relu(Xw)) ⊙ 1(Xw > 0)],
 * from many starts: the network's own units' directions and random unit
 * vectors, keeping the best value found (a lower bound on the true maximum,
 * so a ratio above 1 proves a descent direction exists).
 */
#ifndef DLX_SOLVERS_POLAR_H
#define DLX_SOLVERS_POLAR_H

#include "util/real.h"
#include "util/diag.h"
#include "util/rng.h"

#define POLAR_RANDOM_STARTS 64
#define POLAR_ITERATIONS 200

typedef struct {
    int n, d, k;
    double *z, *gz, *grad, *w;   /* [n], [k], [d], [d] */
} dlx_polar_work;

dlx_status polar_create(dlx_polar_work *p, int n, int d, int k, dlx_diags *diags);
void polar_free(dlx_polar_work *p);

/* max_{‖w‖=1} ‖Gᵀ relu(X w)‖₂ / λ, estimated as above: x [n×d] inputs,
   g [n×k] = −∇_Ŷ ℓ, starts [n_starts×d] directions to start from (may be
   NULL), plus POLAR_RANDOM_STARTS random ones from rng. */
double polar_ratio(dlx_polar_work *p, const real *x, const double *g, double lambda,
                   const real *starts, int n_starts, dlx_rng *rng);

#endif
