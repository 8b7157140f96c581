/*
 * tensor_lift.c — NN-LIFT (see tensor_lift.h): the moment, the power
 * method, then the least-squares fit of b₁, a₂, c. The fit's loss passes go
 * over the stored projections p_i = W₁x_i [n, k]; each pass accumulates the
 * normal equations of the Gauss–Newton model
 *
 *   ŷ_i = Σ_j a_j σ(p_ij + b_j) + c,
 *   φ_i = ∂ŷ_i/∂(b, a, c) = (a_j σ'(p_ij + b_j), σ(p_ij + b_j), 1),
 *   G = Σ_i φ_i φ_iᵀ,  r = Σ_i φ_i (y_i − ŷ_i),
 *
 * and a step solves (G + μ·diag(G)) δ = r (Marquardt 1963). μ starts at
 * 10⁻³, is divided by 3 after an accepted step and multiplied by 10 after a
 * rejected one; the fit stops when a step improves the loss by less than a
 * relative 10⁻¹², or μ exceeds 10⁸.
 */
#include "train/tensor_lift.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solvers/least_squares.h"
#include "util/score_moment.h"
#include "util/tensor_power.h"

/* σ(z) and σ'(z) of act in double. */
static double act_value(dlx_activation act, double z)
{
    switch (act) {
    case ACT_RELU: return z > 0 ? z : 0.0;
    case ACT_SIGMOID: return 1.0 / (1.0 + exp(-z));
    case ACT_TANH: return tanh(z);
    case ACT_IDENTITY:
    case ACTIVATION_COUNT: break;
    }
    return z;
}

static double act_slope(dlx_activation act, double z)
{
    switch (act) {
    case ACT_RELU: return z > 0 ? 1.0 : 0.0;
    case ACT_SIGMOID: {
        double s = 1.0 / (1.0 + exp(-z));
        return s * (1.0 - s);
    }
    case ACT_TANH: {
        double t = tanh(z);
        return 1.0 - t * t;
    }
    case ACT_IDENTITY:
    case ACTIVATION_COUNT: break;
    }
    return 1.0;
}

/* The fit's state: data, projections and the normal-equation buffers. */
typedef struct {
    const dlx_split *train;
    dlx_activation act;
    int n, k, p;             /* examples, units, unknowns (2k + 1, or k + 1 with b₁ fixed) */
    double *proj;            /* [n, k] W₁x_i */
    double *G, *r, *work;    /* [p, p], [p], [p, p] */
    double *phi;             /* [p] */
    double *delta;           /* [p] a step */
    double *trial;           /* [p] (b, a, c) after a step */
} lift_fit;

/* Σ_i (y_i − ŷ_i)² at (b, a, c); with G non-NULL also G and r of the
   Gauss–Newton model, over the unknowns (b, a, c) when with_bias, else
   (a, c). */
static double lift_pass(lift_fit *f, const double *b, const double *a, double c, bool with_bias, bool normal)
{
    int k = f->k, p = with_bias ? 2 * k + 1 : k + 1;
    int off = with_bias ? k : 0;   /* where a starts among the unknowns */
    if (normal) {
        memset(f->G, 0, (size_t)p * p * sizeof *f->G);
        memset(f->r, 0, (size_t)p * sizeof *f->r);
    }
    double sse = 0.0;
    for (int i = 0; i < f->n; i++) {
        const double *pi = f->proj + (size_t)i * k;
        double yhat = c;
        for (int j = 0; j < k; j++) {
            double z = pi[j] + b[j], h = act_value(f->act, z);
            yhat += a[j] * h;
            if (normal) {
                if (with_bias)
                    f->phi[j] = a[j] * act_slope(f->act, z);
                f->phi[off + j] = h;
            }
        }
        double e = (double)f->train->targets[i] - yhat;
        sse += e * e;
        if (!normal)
            continue;
        f->phi[p - 1] = 1.0;
        for (int u = 0; u < p; u++) {
            f->r[u] += f->phi[u] * e;
            double *gu = f->G + (size_t)u * p;
            for (int v = 0; v <= u; v++)
                gu[v] += f->phi[u] * f->phi[v];
        }
    }
    if (normal)
        for (int u = 0; u < p; u++)
            for (int v = 0; v < u; v++)
                f->G[(size_t)v * p + u] = f->G[(size_t)u * p + v];
    return sse;
}

/* b = 0 and (a, c) by least squares on σ(W₁x): one Gauss–Newton step from
   a = 0, c = 0 of a model linear in (a, c) is its exact solution. */
static dlx_status fit_output_layer(lift_fit *f, double *b, double *a, double *c)
{
    int k = f->k;
    memset(b, 0, (size_t)k * sizeof *b);
    memset(a, 0, (size_t)k * sizeof *a);
    *c = 0.0;
    lift_pass(f, b, a, *c, false, true);
    dlx_status st = least_squares_solve(f->G, f->r, k + 1, 0.0, 1e-12 * f->n, f->delta, f->work);
    if (st != DLX_OK)
        return st;
    memcpy(a, f->delta, (size_t)k * sizeof *a);
    *c = f->delta[k];
    return DLX_OK;
}

/* Levenberg–Marquardt on θ = (b, a, c) [2k + 1] in place, from the
   least-squares start; returns the accepted steps, *sse the final sum of
   squares. */
static int fit_jointly(lift_fit *f, double *theta, double *sse)
{
    int k = f->k, p = 2 * k + 1, accepted = 0;
    double mu = 1e-3;
    double current = lift_pass(f, theta, theta + k, theta[2 * k], true, true);
    for (int step = 0; step < TENSOR_LIFT_LM_STEPS && mu < 1e8;) {
        if (least_squares_solve(f->G, f->r, p, mu, 1e-12 * f->n, f->delta, f->work) != DLX_OK) {
            mu *= 10;
            continue;
        }
        for (int u = 0; u < p; u++)
            f->trial[u] = theta[u] + f->delta[u];
        double next = lift_pass(f, f->trial, f->trial + k, f->trial[2 * k], true, false);
        if (isfinite(next) && next < current) {
            bool small = current - next < 1e-12 * current;
            memcpy(theta, f->trial, (size_t)p * sizeof *theta);
            mu /= 3;
            accepted++;
            step++;
            if (small) {
                current = next;
                break;
            }
            current = lift_pass(f, theta, theta + k, theta[2 * k], true, true);
        } else {
            mu *= 10;
        }
    }
    *sse = current;
    return accepted;
}

/* residual [n] = y − c − βᵀx with (β, c) the least-squares fit of y on
   (x, 1): a control variate for the moment. E[S₃(x)] = 0 and
   E[x_a S₃(x)] = E[∇³x_a] = 0 (Stein's identity), so the population moment
   is unchanged while the variance of its estimate drops by what the linear
   part of y contributed. work holds 3(d + 1)² + (d + 1) doubles. */
static dlx_status linear_residual(const dlx_split *s, real *residual, double *work)
{
    int d = s->dim, q = d + 1;
    double *G = work, *r = G + (size_t)q * q, *beta = r + q, *scratch = beta + q;
    memset(G, 0, (size_t)q * q * sizeof *G);
    memset(r, 0, (size_t)q * sizeof *r);
    for (int i = 0; i < s->n; i++) {
        const real *x = s->x + (size_t)i * d;
        double y = s->targets[i];
        for (int u = 0; u < q; u++) {
            double xu = u < d ? x[u] : 1.0;
            r[u] += xu * y;
            for (int v = 0; v <= u; v++)
                G[(size_t)u * q + v] += xu * (v < d ? x[v] : 1.0);
        }
    }
    for (int u = 0; u < q; u++)
        for (int v = 0; v < u; v++)
            G[(size_t)v * q + u] = G[(size_t)u * q + v];
    dlx_status st = least_squares_solve(G, r, q, 0.0, 1e-12 * s->n, beta, scratch);
    if (st != DLX_OK)
        return st;
    for (int i = 0; i < s->n; i++) {
        const real *x = s->x + (size_t)i * d;
        double fit = beta[d];
        for (int u = 0; u < d; u++)
            fit += beta[u] * x[u];
        residual[i] = (real)(s->targets[i] - fit);
    }
    return DLX_OK;
}

/* The model's tensor called name with count floats, or NULL. */
static dlx_tensor *find_tensor(dlx_model *model, const char *name, size_t count)
{
    for (int i = 0; i < model_n_tensors(model); i++) {
        dlx_tensor *t = model_tensor(model, i);
        if (strcmp(t->name, name) == 0 && tensor_numel(t) == count)
            return t;
    }
    return NULL;
}

static void lift_free(lift_fit *f)
{
    free(f->proj);
    free(f->G);
    free(f->r);
    free(f->work);
    free(f->phi);
    free(f->delta);
    free(f->trial);
}

dlx_status tensor_lift_fit(dlx_model *model, const dlx_split *train, dlx_activation act, dlx_rng *rng,
                           dlx_tensor_lift_report *report, dlx_diags *diags)
{
    int d = train->dim, n = train->n;
    dlx_tensor *w1 = NULL, *b1 = NULL, *w2 = NULL, *c = NULL;
    int k = 0;
    for (int i = 0; i < model_n_tensors(model); i++) {
        dlx_tensor *t = model_tensor(model, i);
        if (strcmp(t->name, "fc1.weight") == 0 && t->ndim == 2 && t->shape[1] == d)
            k = t->shape[0];
    }
    if (k >= 1) {
        w1 = find_tensor(model, "fc1.weight", (size_t)k * d);
        b1 = find_tensor(model, "fc1.bias", (size_t)k);
        w2 = find_tensor(model, "out.weight", (size_t)k);
        c = find_tensor(model, "out.bias", 1);
    }
    if (!w1 || !b1 || !w2 || !c || train->n_targets != 1 || !train->targets || k > d ||
        d > TENSOR_LIFT_MAX_DIM || n < 1) {
        diags_add(diags, NULL, 0, 0, "training.method tensor_lift needs an mlp with one hidden layer of at most "
                  "data.dim (<= %d) units, biases and one regression output", TENSOR_LIFT_MAX_DIM);
        return DLX_ERR_INPUT;
    }
    size_t d3 = (size_t)d * d * d;
    int p = 2 * k + 1;
    lift_fit f = {.train = train, .act = act, .n = n, .k = k, .p = p};
    double *T = malloc(d3 * sizeof *T);
    double *lambda = malloc((size_t)k * sizeof *lambda), *dirs = malloc((size_t)k * d * sizeof *dirs);
    double *theta = malloc((size_t)p * sizeof *theta);
    real *residual = malloc((size_t)n * sizeof *residual);
    double *linear_work = malloc(((size_t)3 * (d + 1) * (d + 1) + (size_t)d + 1) * sizeof *linear_work);
    f.proj = malloc((size_t)n * k * sizeof *f.proj);
    f.G = malloc((size_t)p * p * sizeof *f.G);
    f.r = malloc((size_t)p * sizeof *f.r);
    f.work = malloc((size_t)p * p * sizeof *f.work);
    f.phi = malloc((size_t)p * sizeof *f.phi);
    f.delta = malloc((size_t)p * sizeof *f.delta);
    f.trial = malloc((size_t)p * sizeof *f.trial);
    dlx_status st = T && lambda && dirs && theta && residual && linear_work && f.proj && f.G && f.r && f.work && f.phi && f.delta && f.trial
                        ? DLX_OK : DLX_ERR_RUNTIME;
    /* 1. T = (1/n) Σ (y − c − βᵀx) S₃(x); 2. its k components */
    if (st == DLX_OK)
        st = linear_residual(train, residual, linear_work);
    if (st == DLX_OK)
        st = score_moment3(train->x, residual, n, d, T);
    if (st == DLX_OK)
        st = tensor_power_decompose(T, d, k, TENSOR_LIFT_RESTARTS, TENSOR_LIFT_ITERATIONS, rng, lambda, dirs);
    /* 3. b₁, a₂, c by least squares on the projections W₁x */
    if (st == DLX_OK) {
        for (int i = 0; i < n; i++) {
            const real *xi = train->x + (size_t)i * d;
            for (int j = 0; j < k; j++) {
                const double *w = dirs + (size_t)j * d;
                double z = 0.0;
                for (int u = 0; u < d; u++)
                    z += w[u] * xi[u];
                f.proj[(size_t)i * k + j] = z;
            }
        }
        st = fit_output_layer(&f, theta, theta + k, &theta[2 * k]);
    }
    double start_sse = 0, end_sse = 0;
    int steps = 0;
    if (st == DLX_OK) {
        start_sse = lift_pass(&f, theta, theta + k, theta[2 * k], false, false);
        steps = fit_jointly(&f, theta, &end_sse);
        for (size_t i = 0; i < (size_t)k * d; i++)
            w1->data[i] = (real)dirs[i];
        for (int j = 0; j < k; j++) {
            b1->data[j] = (real)theta[j];
            w2->data[j] = (real)theta[k + j];
        }
        c->data[0] = (real)theta[2 * k];
        if (report)
            *report = (dlx_tensor_lift_report){.lm_loss_start = start_sse / n, .lm_loss_end = end_sse / n,
                                               .lm_steps = steps};
    } else {
        diags_add(diags, NULL, 0, 0, "training.method tensor_lift: out of memory, or a singular least-squares "
                  "problem (features σ(W₁x) linearly dependent)");
    }
    lift_free(&f);
    free(T);
    free(lambda);
    free(dirs);
    free(theta);
    free(residual);
    free(linear_work);
    return st;
}
