/*
 * dropout_penalty.c — Wager, Wang & Liang's (2013) quadratic
 * approximation of the regularizer that feature noising adds to a logistic
 * model, at the current β (out.weight) and b (out.bias):
 *
 *   dropout_penalty = δ/(2(1−δ)) · (1/n) Σ_i Σ_j p_i(1−p_i) x_ij² β_j²
 *   noise_penalty   = (σ²/2) · ||β||² · (1/n) Σ_i p_i(1−p_i)
 *
 * p_i = σ(x_i·β + b) the model's probability on training example i (after
 * preprocessing), δ = model.dropout.input, σ = regularizer.input_noise.
 * Wager et al. (arXiv:1307.1493, §2) write the loss as a sum over examples
 * and R^q(β) = ½Σ_i A''(x_i·β)·Var_ξ[x̃_i·β] with A''(z) = p(1 − p) for
 * the logistic log-partition A; for inverted dropout Var[x̃_ij] =
 * δ/(1−δ)·x_ij² (the dropout case), for additive N(0, σ²) noise Var[x̃_i·β]
 * = σ²||β||² (the Gaussian case). dlx's logistic loss is the mean over
 * examples (SPEC §2), so both are divided by n: each column is the amount the
 * noise adds, to second order, to the objective column of metrics.csv.
 * A column is 0 when its rate is 0. Only logistic models have these columns
 * (penalty_fits, checked when the experiment is validated).
 *
 * Beside the quadratic approximation, the noising penalty itself (Wager et
 * al., eq. 4: R(β) = Σ_i E_ξ[A(x̃_i·β)] − A(x_i·β), A(z) = log(1 + e^z)),
 * also divided by n, with z_i = x_i·β + b (the bias is not noised):
 *
 *   noise_penalty_exact  (1/n) Σ_i E[A(z_i + σ‖β‖Z)] − A(z_i), Z ~ N(0,1):
 *                        exact in distribution, since x̃·β − x·β = ε·β ~
 *                        N(0, σ²‖β‖²) for ε ~ N(0, σ²I); the expectation by
 *                        128-node Gauss–Hermite quadrature (util/gauss_hermite.c),
 *                        accurate to 2e-11 for σ‖β‖ ≤ 3 (5e-5 relative at 10);
 *   dropout_penalty_clt  (1/n) Σ_i E[A(z_i + s_i Z)] − A(z_i) with
 *                        s_i² = δ/(1−δ)·Σ_j x_ij²β_j²: the same quadrature over
 *                        the normal with the mean and variance of x̃_i·β. Under
 *                        dropout x̃_i·β = Σ_j c_ij m_j, c_ij = x_ij β_j/(1−δ), is
 *                        a discrete sum of d independent two-point terms, so
 *                        this is only its central-limit approximation: it has
 *                        the same two moments as R^q uses and misses the same
 *                        skewness and kurtosis (large when δ is small or a few
 *                        terms dominate);
 *   dropout_penalty_exact (1/n) Σ_i E_m[A(b + Σ_j c_ij m_j)] − A(z_i): the sum
 *                        over all 2^K masks of the K = min(d, 10) terms of
 *                        largest |c_ij| (each mask with probability
 *                        Π(1−δ)^{m_j} δ^{1−m_j}), the other d − K terms replaced
 *                        by their normal (32-node quadrature). Exact when
 *                        d ≤ 10; for larger d the CLT is used only for the
 *                        smallest terms, where it is at its best. 1024·32
 *                        evaluations of A per example;
 *   *_rel_err            Σ_i |R^q_i − R_i| / Σ_i R_i over the examples (R_i from
 *                        noise_penalty_exact, dropout_penalty_exact): the
 *                        relative error of the quadratic approximation, example
 *                        by example (R^q_i is above R_i near z_i = 0 and below
 *                        in the tails, so the error of the sum alone would let
 *                        the two cancel); 0 when the rate is 0.
 */
#include <math.h>
#include "util/real.h"
#include <stdio.h>
#include <stdlib.h>


#include "diagnostics/convex.h"
#include "spec/experiment.h"
#include "util/gauss_hermite.h"
#include "util/gemm.h"

/* Nodes of the quadrature: 128 integrate A(z + sZ) to 2e-11 absolute for s ≤ 3 and 5e-5
   relative at s = 10 (tests/util/test_gauss_hermite.c). */
#define PENALTY_GH_NODES 128
/* Terms of x̃·β whose masks dropout_penalty_exact enumerates, and the nodes of the rest's normal. */
#define PENALTY_EXACT_TERMS 10
#define PENALTY_REST_NODES 32

typedef struct {
    real *z;       /* [n] the training logits x_i·β */
    double *term;   /* [d] c_j = x_ij β_j/(1−δ) of one example, largest |c_j| first after sorting */
    gauss_hermite_rule rule, rest_rule;
} penalty_state;

static void penalty_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "dropout_penalty");
    columns_add(out, "noise_penalty");
    columns_add(out, "noise_penalty_exact");
    columns_add(out, "noise_penalty_rel_err");
    columns_add(out, "dropout_penalty_clt");
    columns_add(out, "dropout_penalty_exact");
    columns_add(out, "dropout_penalty_rel_err");
}

/* A(z) = log(1 + e^z), the logistic log-partition, without overflow: max(z, 0) + log1p(e^−|z|). */
static double log_partition(double z, void *arg)
{
    (void)arg;
    return (z > 0.0 ? z : 0.0) + log1p(exp(-fabs(z)));
}

/* E[A(z + sZ)] − A(z), Z ~ N(0,1): the noising penalty of one example whose noised logit is
   normal with mean z and standard deviation s (Wager et al. 2013, eq. 4). */
static double normal_noising_penalty(const gauss_hermite_rule *rule, double z, double s)
{
    if (s == 0.0)
        return 0.0;
    return gauss_hermite_expect(rule, log_partition, NULL, z, s) - log_partition(z, NULL);
}

/* E_m[A(b + Σ_j c_j m_j)] − A(b + (1−δ)Σ_j c_j), m_j ~ Bernoulli(1−δ) independent: the dropout
   noising penalty of one example (Wager et al. 2013, eq. 4, with x̃ = x∘m/(1−δ)). The K largest
   |c_j| are moved to the front of term (a partial selection sort) and enumerated over their 2^K
   masks; the rest Σ_{j≥K} c_j m_j is replaced by N((1−δ)Σc_j, δ(1−δ)Σc_j²). */
static double dropout_noising_penalty(const penalty_state *s, double *term, int d, double bias, double delta)
{
    int k_exact = d < PENALTY_EXACT_TERMS ? d : PENALTY_EXACT_TERMS;
    for (int a = 0; a < k_exact; a++) {
        int best = a;
        for (int j = a + 1; j < d; j++)
            if (fabs(term[j]) > fabs(term[best]))
                best = j;
        double t = term[a];
        term[a] = term[best];
        term[best] = t;
    }
    double mean = bias, rest_mean = 0.0, rest_var = 0.0;
    for (int j = 0; j < d; j++) {
        mean += (1.0 - delta) * term[j];
        if (j >= k_exact) {
            rest_mean += (1.0 - delta) * term[j];
            rest_var += delta * (1.0 - delta) * term[j] * term[j];
        }
    }
    double expect = 0.0, rest_sd = sqrt(rest_var);
    for (unsigned mask = 0; mask < (1u << k_exact); mask++) {
        double logit = bias + rest_mean, prob = 1.0;
        for (int j = 0; j < k_exact; j++) {
            bool kept = (mask >> j) & 1u;
            logit += kept ? term[j] : 0.0;
            prob *= kept ? 1.0 - delta : delta;
        }
        expect += prob * (rest_sd > 0.0 ? gauss_hermite_expect(&s->rest_rule, log_partition, NULL, logit, rest_sd)
                                        : log_partition(logit, NULL));
    }
    return expect - log_partition(mean, NULL);
}

/* Σ_i |R^q_i − R_i| / Σ_i R_i from the two sums, 0 when there is no noise (both 0). */
static double relative_error(double abs_diff_sum, double exact_sum)
{
    return exact_sum == 0.0 ? 0.0 : abs_diff_sum / exact_sum;
}

/* Only a logistic model has the (β, b) the formulas are written for. */
static bool penalty_fits(const dlx_config *cfg, char *why, size_t n)
{
    if (cfg->model.type == MODEL_LOGISTIC)
        return true;
    snprintf(why, n, "needs model.type logistic, here %s", model_type_name(cfg->model.type));
    return false;
}

static dlx_status penalty_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[128];
    if (!penalty_fits(ctx->config, why, sizeof why)) { /* checked before any run */
        diags_add(diags, NULL, 0, 0, "diagnostic dropout_penalty %s", why);
        return DLX_ERR_INPUT;
    }
    penalty_state *s = calloc(1, sizeof *s);
    int n = ctx->data->train.n;
    int d = ctx->data->train.dim;
    if (s) {
        s->z = malloc(sizeof(real) * (size_t)(n > 0 ? n : 1));
        s->term = malloc(sizeof(double) * (size_t)(d > 0 ? d : 1));
    }
    if (!s || !s->z || !s->term || gauss_hermite_rule_init(&s->rule, PENALTY_GH_NODES) != DLX_OK ||
        gauss_hermite_rule_init(&s->rest_rule, PENALTY_REST_NODES) != DLX_OK) {
        if (s) {
            free(s->z);
            free(s->term);
        }
        free(s);
        diags_add(diags, NULL, 0, 0, "out of memory for diagnostic dropout_penalty");
        return DLX_ERR_RUNTIME;
    }
    ctx->state = s;
    return DLX_OK;
}

static void penalty_destroy(void *state)
{
    penalty_state *s = state;
    if (s) {
        free(s->z);
        free(s->term);
    }
    free(s);
}

static void measure_penalty(dlx_diag_context *ctx, double *values)
{
    penalty_state *s = ctx->state;
    const dlx_split *train = &ctx->data->train;
    const dlx_tensor *w = model_find_tensor(ctx->model, "out.weight");
    const dlx_tensor *b = model_find_tensor(ctx->model, "out.bias");
    int n = train->n, d = train->dim;
    gemm_real(false, true, n, 1, d, REAL_C(1.0), train->x, d, w->data, d, REAL_C(0.0), s->z, 1);
    double delta = ctx->config->model.dropout_input, sigma = ctx->config->regularizer.input_noise;
    double dropout_sum = 0.0, variance_sum = 0.0, norm2 = 0.0;
    for (int j = 0; j < d; j++)
        norm2 += (double)w->data[j] * w->data[j];
    double noise_sd = sigma * sqrt(norm2), drop_ratio = delta / (1.0 - delta);
    double noise_exact = 0.0, dropout_clt = 0.0, dropout_exact = 0.0, noise_diff = 0.0, dropout_diff = 0.0;
    for (int i = 0; i < n; i++) {
        double p = 1.0 / (1.0 + exp(-((double)s->z[i] + b->data[0]))), v = p * (1.0 - p);
        const real *x = train->x + (size_t)i * d;
        double row = 0.0;
        for (int j = 0; j < d; j++)
            row += (double)x[j] * x[j] * w->data[j] * w->data[j];
        dropout_sum += v * row;
        variance_sum += v;
        double logit = (double)s->z[i] + b->data[0];
        double noise_i = normal_noising_penalty(&s->rule, logit, noise_sd);
        dropout_clt += normal_noising_penalty(&s->rule, logit, sqrt(drop_ratio * row));
        double dropout_i = 0.0;
        if (delta > 0.0) {
            for (int j = 0; j < d; j++)
                s->term[j] = (double)x[j] * w->data[j] / (1.0 - delta);
            dropout_i = dropout_noising_penalty(s, s->term, d, b->data[0], delta);
        }
        noise_exact += noise_i;
        dropout_exact += dropout_i;
        noise_diff += fabs(0.5 * noise_sd * noise_sd * v - noise_i);
        dropout_diff += fabs(0.5 * drop_ratio * row * v - dropout_i);
    }
    values[0] = delta / (2.0 * (1.0 - delta)) * dropout_sum / n;
    values[1] = 0.5 * sigma * sigma * norm2 * variance_sum / n;
    values[2] = noise_exact / n;
    values[3] = relative_error(noise_diff, noise_exact);
    values[4] = dropout_clt / n;
    values[5] = dropout_exact / n;
    values[6] = relative_error(dropout_diff, dropout_exact);
}

const dlx_diagnostic DIAG_DROPOUT_PENALTY = {"dropout_penalty", penalty_columns, penalty_create, penalty_destroy,
                                             measure_penalty, penalty_fits};
