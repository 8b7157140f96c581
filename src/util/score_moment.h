/*
 * score_moment.h — the third-order score-function cross-moment of standard
 * Gaussian inputs (Janzamin, Sedghi & Anandkumar 2014, "Score function
 * features for discriminative learning: matrix and tensor framework",
 * arXiv:1412.2863, eq. for the Gaussian; used by NN-LIFT, Janzamin, Sedghi &
 * Anandkumar 2015, "Beating the perils of non-convexity", §3, Algorithm 1).
 *
 * For x ~ N(0, I_d) the third-order score function is the Hermite tensor
 *
 *   S₃(x) = x⊗x⊗x − Σ_{i=1}^{d} (x⊗e_i⊗e_i + e_i⊗x⊗e_i + e_i⊗e_i⊗x),
 *
 * and Stein's identity gives E[y·S₃(x)] = E[∇³_x f(x)] for y = f(x) + noise.
 * For a two-layer network f(x) = Σ_j a_j σ(w_jᵀx + b_j) with unit rows w_j:
 *
 *   E[y·S₃(x)] = Σ_j λ_j w_j⊗w_j⊗w_j,   λ_j = a_j·E[σ'''(z + b_j)], z ~ N(0, 1),
 *
 * an orthogonally decomposable tensor when the w_j are orthonormal. The
 * empirical moment is computed as
 *
 *   T = (1/n) Σ_i y_i x_i⊗x_i⊗x_i − sym(m ⊗ I),   m = (1/n) Σ_i y_i x_i,
 *
 * the first term as a GEMM over blocks of rows: [d², d] += Zᵀ·X with
 * Z[i, (a,b)] = y_i x_ia x_ib, in double. Buffers are sized once per call;
 * nothing is allocated per example.
 */
#ifndef DLX_UTIL_SCORE_MOMENT_H
#define DLX_UTIL_SCORE_MOMENT_H

#include "util/real.h"
#include "util/diag.h"

/* T [d, d, d] row-major (T[(a·d + b)·d + c]) = (1/n) Σ_i y_i S₃(x_i) for the
   n rows of x [n, d] and targets y [n]. DLX_ERR_RUNTIME when memory runs
   out, DLX_ERR_INPUT for n < 1 or d < 1. */
dlx_status score_moment3(const real *x, const real *y, int n, int d, double *T);

#endif
