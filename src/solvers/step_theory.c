/*
 * step_theory.c — L and μ of a linear model's quadratic objective and the
 * step sizes and momenta they prescribe (step_theory.h).
 *
 * The Hessian is formed explicitly ((d+1)² doubles by one cblas_dsyrk):
 * its eigenvalues are the quantity wanted, and squaring the condition
 * number here costs no accuracy in λ_max, while λ_min is resolved to about
 * 1e-16·λ_max, far below the μ of any problem one would call strongly
 * convex (κ ≤ 1e12).
 */
#include "solvers/step_theory.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>

#include "util/linalg.h"

bool step_theory_needed(const dlx_optimizer_config *opt)
{
    return opt->lr_theory || opt->momentum_rule == MOMENTUM_THEORY;
}

dlx_status curvature_compute(dlx_curvature *c, const dlx_config *cfg, const dlx_dataset *ds,
                             dlx_diags *diags)
{
    const dlx_split *s = &ds->train;
    int n = s->n, d = s->dim, cols = d + 1;
    int k = ds->classes > 0 ? ds->classes : s->n_targets;
    double *a = malloc(sizeof(double) * (size_t)n * (size_t)cols);
    double *h = malloc(sizeof(double) * (size_t)cols * (size_t)cols);
    double *eig = malloc(sizeof(double) * (size_t)cols);
    dlx_status st = a && h && eig ? DLX_OK : DLX_ERR_RUNTIME;
    if (st == DLX_OK) {
        for (int i = 0; i < n; i++) { /* example weights (SPEC §9): rows scaled by √w_i */
            double sw = s->weights ? sqrt((double)s->weights[i]) : 1.0;
            for (int j = 0; j < d; j++)
                a[(size_t)i * cols + j] = s->x[(size_t)i * d + j] * sw;
            a[(size_t)i * cols + d] = sw;
        }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, cols, n, 2.0 / ((double)n * k), a, cols, 0.0, h,
                    cols);
        /* E over input noise of the mse (mean over n·k terms) adds (σ²/k)‖W‖² */
        double l2 = cfg->regularizer.l2 + 2.0 * cfg->regularizer.input_noise * cfg->regularizer.input_noise / k;
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < i; j++)
                h[(size_t)i * cols + j] = h[(size_t)j * cols + i];
            if (i < d)
                h[(size_t)i * cols + i] += l2;
        }
        st = symmetric_eigen(h, eig, cols);
    }
    if (st == DLX_OK)
        *c = (dlx_curvature){.L = eig[cols - 1], .mu = eig[0] > 0 ? eig[0] : 0.0};
    else
        diags_add(diags, NULL, 0, 0, "the curvature of the objective: LAPACK failed or memory ran out");
    free(a), free(h), free(eig);
    return st;
}

void step_theory_apply(dlx_optimizer_config *opt, const dlx_curvature *c)
{
    double q = c->L > 0 ? sqrt(c->mu / c->L) : 0.0; /* 1/√κ */
    double ratio = (1.0 - q) / (1.0 + q);            /* (√κ−1)/(√κ+1) */
    if (opt->lr_theory) {
        opt->lr = opt->type == OPT_MOMENTUM ? 4.0 / ((sqrt(c->L) + sqrt(c->mu)) * (sqrt(c->L) + sqrt(c->mu)))
                                            : 1.0 / c->L;
        opt->lr_theory = false;
    }
    if (opt->momentum_rule == MOMENTUM_THEORY) {
        opt->momentum = opt->type == OPT_MOMENTUM ? ratio * ratio : ratio;
        opt->momentum_rule = MOMENTUM_CONSTANT;
    }
}
