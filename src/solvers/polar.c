/*
 * polar.c — see polar.h.
 */
#include "solvers/polar.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

dlx_status polar_create(dlx_polar_work *p, int n, int d, int k, dlx_diags *diags)
{
    *p = (dlx_polar_work){.n = n, .d = d, .k = k};
    p->z = malloc((size_t)(n > 0 ? n : 1) * sizeof *p->z);
    p->gz = malloc((size_t)(k > 0 ? k : 1) * sizeof *p->gz);
    p->grad = malloc((size_t)(d > 0 ? d : 1) * sizeof *p->grad);
    p->w = malloc((size_t)(d > 0 ? d : 1) * sizeof *p->w);
    if (!p->z || !p->gz || !p->grad || !p->w) {
        polar_free(p);
        diags_add(diags, NULL, 0, 0, "out of memory for the polar problem");
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}

void polar_free(dlx_polar_work *p)
{
    free(p->z);
    free(p->gz);
    free(p->grad);
    free(p->w);
    *p = (dlx_polar_work){0};
}

/* Normalize v [d] in place; false when it is zero. */
static bool normalize(double *v, int d)
{
    double s = 0.0;
    for (int j = 0; j < d; j++)
        s += v[j] * v[j];
    if (!(s > 0.0))
        return false;
    s = 1.0 / sqrt(s);
    for (int j = 0; j < d; j++)
        v[j] *= s;
    return true;
}

/* ‖Gᵀ relu(X w)‖₂ at p->w, leaving relu(Xw) in p->z and Gᵀ relu(Xw) in p->gz. */
static double value_at(dlx_polar_work *p, const real *x, const double *g)
{
    memset(p->gz, 0, (size_t)p->k * sizeof *p->gz);
    for (int i = 0; i < p->n; i++) {
        double s = 0.0;
        for (int j = 0; j < p->d; j++)
            s += (double)x[(size_t)i * p->d + j] * p->w[j];
        p->z[i] = s > 0 ? s : 0.0;
        if (s > 0)
            for (int c = 0; c < p->k; c++)
                p->gz[c] += g[(size_t)i * p->k + c] * s;
    }
    double v = 0.0;
    for (int c = 0; c < p->k; c++)
        v += p->gz[c] * p->gz[c];
    return sqrt(v);
}

/* Projected ascent from p->w; returns the best value seen. */
static double ascend(dlx_polar_work *p, const real *x, const double *g)
{
    double best = value_at(p, x, g);
    for (int it = 0; it < POLAR_ITERATIONS; it++) {
        /* ∇(½φ²) = Σ_i 1(z_i > 0)·⟨g_i, Gᵀz⟩·x_i */
        memset(p->grad, 0, (size_t)p->d * sizeof *p->grad);
        for (int i = 0; i < p->n; i++) {
            if (!(p->z[i] > 0))
                continue;
            double c = 0.0;
            for (int q = 0; q < p->k; q++)
                c += g[(size_t)i * p->k + q] * p->gz[q];
            for (int j = 0; j < p->d; j++)
                p->grad[j] += c * x[(size_t)i * p->d + j];
        }
        if (!normalize(p->grad, p->d))
            break;
        memcpy(p->w, p->grad, (size_t)p->d * sizeof *p->w);
        double v = value_at(p, x, g);
        if (v <= best * (1 + 1e-12)) {
            best = v > best ? v : best;
            break;
        }
        best = v;
    }
    return best;
}

double polar_ratio(dlx_polar_work *p, const real *x, const double *g, double lambda,
                   const real *starts, int n_starts, dlx_rng *rng)
{
    double best = 0.0;
    for (int s = 0; s < n_starts + POLAR_RANDOM_STARTS; s++) {
        for (int j = 0; j < p->d; j++)
            p->w[j] = s < n_starts ? (double)starts[(size_t)s * p->d + j] : rng_normal(rng);
        if (!normalize(p->w, p->d))
            continue;
        double v = ascend(p, x, g);
        if (v > best)
            best = v;
    }
    return best / lambda;
}
