/*
 * gauss_hermite.h — Gauss–Hermite quadrature for expectations over a normal
 * variable, E[f(μ + sZ)] with Z ~ N(0, 1).
 *
 * The n nodes x_k and weights w_k of ∫ e^{−x²} f(x) dx ≈ Σ_k w_k f(x_k) are
 * computed once by the Golub–Welsch method (Golub & Welsch 1969, "Calculation
 * of Gauss quadrature rules", Math. Comp. 23): the nodes are the eigenvalues
 * of the symmetric tridiagonal Jacobi matrix of the physicists' Hermite
 * polynomials (zero diagonal, off-diagonal β_k = √(k/2), k = 1..n−1), and
 * w_k = √π·v_k[0]² with v_k the unit eigenvector of x_k (util/linalg.c's
 * symmetric_eigen). Then E[f(μ + sZ)] = π^{−1/2} Σ_k w_k f(μ + √2·s·x_k),
 * exact for polynomials f of degree ≤ 2n − 1.
 */
#ifndef DLX_UTIL_GAUSS_HERMITE_H
#define DLX_UTIL_GAUSS_HERMITE_H

#include "util/diag.h"

/* Most nodes a rule may have (the Jacobi matrix is n × n doubles). */
#define GAUSS_HERMITE_MAX_NODES 256

typedef struct {
    int n;
    double node[GAUSS_HERMITE_MAX_NODES];   /* x_k, ascending */
    double weight[GAUSS_HERMITE_MAX_NODES]; /* w_k / √π: they sum to 1 */
} gauss_hermite_rule;

/* The n-node rule (1 ≤ n ≤ GAUSS_HERMITE_MAX_NODES) into rule, weights already divided by √π.
   Returns DLX_ERR_RUNTIME when n is out of range or LAPACK fails. */
dlx_status gauss_hermite_rule_init(gauss_hermite_rule *rule, int n);

/* E[f(μ + sZ)], Z ~ N(0,1), by the rule: Σ_k (w_k/√π) f(μ + √2·s·x_k). */
double gauss_hermite_expect(const gauss_hermite_rule *rule, double (*f)(double z, void *arg), void *arg,
                            double mu, double s);

#endif
