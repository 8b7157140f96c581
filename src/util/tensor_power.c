/*
 * tensor_power.c — Algorithm 1 of Anandkumar et al. (2014), see
 * tensor_power.h. The tensors are small (d³ doubles, d ≤ a few dozen), so
 * the contractions are plain loops; the three d-vectors of work are
 * allocated once per call.
 */
#include "util/tensor_power.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* out_a = T(I, θ, θ)_a = Σ_{b,c} T_abc θ_b θ_c. */
static void contract_two(const double *T, int d, const double *theta, double *out)
{
    for (int a = 0; a < d; a++) {
        const double *slab = T + (size_t)a * d * d;
        double s = 0.0;
        for (int b = 0; b < d; b++) {
            const double *row = slab + (size_t)b * d;
            double r = 0.0;
            for (int c = 0; c < d; c++)
                r += row[c] * theta[c];
            s += theta[b] * r;
        }
        out[a] = s;
    }
}

double tensor_power_value(const double *T, int d, const double *theta)
{
    double s = 0.0;
    for (int a = 0; a < d; a++) {
        const double *slab = T + (size_t)a * d * d;
        double sa = 0.0;
        for (int b = 0; b < d; b++) {
            const double *row = slab + (size_t)b * d;
            double r = 0.0;
            for (int c = 0; c < d; c++)
                r += row[c] * theta[c];
            sa += theta[b] * r;
        }
        s += theta[a] * sa;
    }
    return s;
}

/* θ ← θ/‖θ‖; false when θ = 0. */
static bool normalize(double *theta, int d)
{
    double s = 0.0;
    for (int i = 0; i < d; i++)
        s += theta[i] * theta[i];
    if (!(s > 0))
        return false;
    s = 1.0 / sqrt(s);
    for (int i = 0; i < d; i++)
        theta[i] *= s;
    return true;
}

/* N power updates of θ in place (work: d doubles). */
static void power_iterate(const double *T, int d, int iterations, double *theta, double *work)
{
    for (int t = 0; t < iterations; t++) {
        contract_two(T, d, theta, work);
        if (!normalize(work, d))
            return;   /* T(I, θ, θ) = 0: θ is as good as any other */
        memcpy(theta, work, (size_t)d * sizeof *theta);
    }
}

/* A uniform random unit vector: normalized N(0, I). */
static void random_unit(double *theta, int d, dlx_rng *rng)
{
    do {
        for (int i = 0; i < d; i++)
            theta[i] = rng_normal(rng);
    } while (!normalize(theta, d));
}

dlx_status tensor_power_decompose(double *T, int d, int k, int restarts, int iterations, dlx_rng *rng,
                                  double *weights, double *vectors)
{
    if (d < 1 || k < 1 || k > d || restarts < 1 || iterations < 0)
        return DLX_ERR_INPUT;
    double *theta = malloc((size_t)3 * d * sizeof *theta);
    if (!theta)
        return DLX_ERR_RUNTIME;
    double *best = theta + d, *work = theta + 2 * d;
    for (int j = 0; j < k; j++) {
        double best_value = -INFINITY;
        for (int tau = 0; tau < restarts; tau++) {
            random_unit(theta, d, rng);
            power_iterate(T, d, iterations, theta, work);
            double value = tensor_power_value(T, d, theta);
            if (value > best_value) {
                best_value = value;
                memcpy(best, theta, (size_t)d * sizeof *best);
            }
        }
        power_iterate(T, d, iterations, best, work);
        double lambda = tensor_power_value(T, d, best);
        weights[j] = lambda;
        memcpy(vectors + (size_t)j * d, best, (size_t)d * sizeof *best);
        /* deflation: T ← T − λ θ⊗θ⊗θ */
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) {
                double lab = lambda * best[a] * best[b];
                double *row = T + ((size_t)a * d + b) * d;
                for (int c = 0; c < d; c++)
                    row[c] -= lab * best[c];
            }
    }
    free(theta);
    return DLX_OK;
}
