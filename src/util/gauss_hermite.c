/*
 * gauss_hermite.c — Gauss–Hermite rules by the Golub–Welsch eigenvalue
 * method, and expectations over a normal variable with them.
 *
 * Why the eigenvalue method and not a Newton iteration on H_n: it reuses the
 * LAPACK eigensolver the data layer already has, needs no starting guesses,
 * and its weights come out positive and summing to 1 to rounding. The rule
 * is built once (the caller keeps it, typically in a diagnostic's state), so
 * the O(n³) cost is paid outside every hot loop; an expectation is then n
 * evaluations of f.
 */
#include "util/gauss_hermite.h"

#include <math.h>
#include <stdlib.h>

#include "util/linalg.h"

/* Golub & Welsch (1969), §4: for the weight e^{−x²} the three-term recurrence of the monic
   Hermite polynomials is p_{k+1}(x) = x·p_k(x) − (k/2)·p_{k−1}(x), so the Jacobi matrix J has a
   zero diagonal and J[k−1][k] = J[k][k−1] = √(k/2); its eigenvalues are the nodes and
   w_k = μ_0·v_k[0]² with μ_0 = ∫e^{−x²}dx = √π. We store w_k/√π = v_k[0]². */
dlx_status gauss_hermite_rule_init(gauss_hermite_rule *rule, int n)
{
    if (n < 1 || n > GAUSS_HERMITE_MAX_NODES)
        return DLX_ERR_RUNTIME;
    double *jacobi = calloc((size_t)n * (size_t)n, sizeof *jacobi);
    if (!jacobi)
        return DLX_ERR_RUNTIME;
    for (int k = 1; k < n; k++) {
        double b = sqrt(0.5 * k);
        jacobi[(size_t)(k - 1) * n + k] = b;
        jacobi[(size_t)k * n + (k - 1)] = b;
    }
    dlx_status st = symmetric_eigen(jacobi, rule->node, n);
    if (st == DLX_OK) {
        rule->n = n;
        for (int k = 0; k < n; k++) {
            double v0 = jacobi[(size_t)k * n];   /* row k is the eigenvector of node k */
            rule->weight[k] = v0 * v0;
        }
    }
    free(jacobi);
    return st;
}

/* E[f(μ + sZ)] = ∫ f(μ + s·z) φ(z) dz = π^{−1/2} ∫ e^{−x²} f(μ + √2·s·x) dx (z = √2·x). */
double gauss_hermite_expect(const gauss_hermite_rule *rule, double (*f)(double z, void *arg), void *arg,
                            double mu, double s)
{
    double sum = 0.0, scale = sqrt(2.0) * s;
    for (int k = 0; k < rule->n; k++)
        sum += rule->weight[k] * f(mu + scale * rule->node[k], arg);
    return sum;
}
