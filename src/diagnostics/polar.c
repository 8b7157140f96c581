/*
 * polar.c — the `polar` diagnostic of a ReLU network without biases
 * (SPEC §7; see solvers/polar.h for the polar problem):
 *
 *   polar_ratio  = max_{‖w‖=‖a‖=1} ⟨−∇_Ŷ ℓ, relu(Hw)·aᵀ⟩ / λ, estimated by
 *                  projected ascent (a lower bound)
 *   active_units = units of the last hidden layer with ‖w_i‖‖a_i‖ > 10⁻⁶ of
 *                  the largest
 *
 * H is the input of the last hidden layer on the training inputs: X itself
 * for one hidden layer (Haeffele & Vidal's certificate: ≤ 1 at a stationary
 * point certifies global optimality), relu(... relu(X W₁ᵀ) ...) for a deeper
 * network, whose earlier layers are then held fixed. For a deeper network the
 * ratio is the first-order gain of one unit added to the last hidden layer
 * alone: above 1 the point is not a local minimum, but ≤ 1 is only a
 * necessary condition of optimality, not a certificate (the earlier layers
 * could still move to a better point).
 *
 * ∇_Ŷ ℓ is the gradient of the training loss as dlx defines it: for mse,
 * ℓ = (1/(nK)) Σ (y − ŷ)², so −∇ = (2/(nK))(y − ŷ); for cross_entropy,
 * −∇ = (onehot(y) − softmax(ŷ))/n. The ascent starts from every unit's
 * incoming weights and from random directions drawn from the run's seed on
 * a stream of this diagnostic's own, so the other columns are unaffected.
 */
#include <math.h>
#include "util/real.h"
#include <stdio.h>
#include <stdlib.h>

#include "diagnostics/optimality.h"
#include "solvers/polar.h"

enum { POLAR_STREAM = 41 };

typedef struct {
    dlx_polar_work work;
    int n_hidden;
    real *pre[DLX_MAX_HIDDEN]; /* [n × width_l] pre-activations (deeper networks only) */
    char last_weight[32];       /* "fcL.weight" of the last hidden layer L */
    real *outputs;     /* [n·K] the network's outputs on the training inputs */
    double *g;          /* [n·K] −∇_Ŷ ℓ */
    double *products;   /* [width] ‖w_i‖‖a_i‖ */
} polar_state;

static void polar_columns(const dlx_config *cfg, dlx_columns *out)
{
    (void)cfg;
    columns_add(out, "polar_ratio");
    columns_add(out, "active_units");
}

static void polar_destroy(void *state)
{
    polar_state *s = state;
    if (!s)
        return;
    polar_free(&s->work);
    for (int l = 0; l < DLX_MAX_HIDDEN; l++)
        free(s->pre[l]);
    free(s->outputs);
    free(s->g);
    free(s->products);
    free(s);
}

static bool polar_fits(const dlx_config *cfg, char *why, size_t n);

/* The λ the ratio is taken against: `product`, else `l2`, else `l1`. With l1
   (degree 1 against a degree-2 unit) no unit can lower the objective to
   first order at any point, so there is no certificate; the ratio is then
   the degree-2 test of the same point at weight λ (docs/diagnostics.md). */
static double polar_lambda(const dlx_config *cfg)
{
    double lambda = optimality_lambda(cfg);
    return lambda > 0 ? lambda : cfg->regularizer.l1;
}

static dlx_status polar_diag_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[256];
    if (!polar_fits(ctx->config, why, sizeof why)) {   /* checked before any run (validate.c) */
        diags_add(diags, NULL, 0, 0, "diagnostic polar %s", why);
        return DLX_ERR_INPUT;
    }
    const dlx_split *train = &ctx->data->train;
    int k = model_n_outputs(ctx->model);
    polar_state *s = calloc(1, sizeof *s);
    bool pre_ok = true;
    int d = train->dim;
    if (s) {
        s->n_hidden = model_n_probes(ctx->model);
        snprintf(s->last_weight, sizeof s->last_weight, "fc%d.weight", s->n_hidden);
        for (int l = 0; s->n_hidden > 1 && l < s->n_hidden; l++) {
            s->pre[l] = malloc(((size_t)train->n * model_probe_width(ctx->model, l) + 1) * sizeof *s->pre[l]);
            pre_ok &= s->pre[l] != NULL;
        }
        if (s->n_hidden > 1)
            d = model_probe_width(ctx->model, s->n_hidden - 2);
        s->outputs = malloc(((size_t)train->n * k + 1) * sizeof *s->outputs);
        s->g = malloc(((size_t)train->n * k + 1) * sizeof *s->g);
        const dlx_tensor *w = model_find_tensor(ctx->model, s->last_weight);
        s->products = w ? malloc((size_t)w->shape[0] * sizeof *s->products) : NULL;
    }
    if (!s || !pre_ok || !s->outputs || !s->g || !s->products ||
        polar_create(&s->work, train->n, d, k, diags) != DLX_OK) {
        polar_destroy(s);
        diags_add(diags, NULL, 0, 0, "out of memory for diagnostic polar");
        return DLX_ERR_RUNTIME;
    }
    ctx->state = s;
    return DLX_OK;
}

/* −∇_Ŷ ℓ of the training loss into s->g, from the outputs in s->outputs. */
static void negative_output_gradient(polar_state *s, const dlx_split *train, int k, dlx_loss loss)
{
    int n = train->n;
    for (int i = 0; i < n; i++) {
        const real *z = s->outputs + (size_t)i * k;
        double *g = s->g + (size_t)i * k;
        if (loss == LOSS_CROSS_ENTROPY) {
            double top = z[0], sum = 0.0;
            for (int c = 1; c < k; c++)
                top = z[c] > top ? z[c] : top;
            for (int c = 0; c < k; c++)
                sum += exp(z[c] - top);
            for (int c = 0; c < k; c++)
                g[c] = ((c == train->labels[i]) - exp(z[c] - top) / sum) / n;
        } else {
            for (int c = 0; c < k; c++) {
                double y = train->labels ? (double)(c == train->labels[i]) : train->targets[(size_t)i * k + c];
                g[c] = 2.0 * (y - z[c]) / ((double)n * k);
            }
        }
    }
}

/* The last hidden layer's input H on the training inputs: X for one hidden
   layer, else relu of the next-to-last layer's pre-activations (computed in
   place in s->pre[L−2]). */
static const real *last_layer_input(polar_state *s, dlx_diag_context *ctx)
{
    const dlx_split *train = &ctx->data->train;
    if (s->n_hidden < 2)
        return train->x;
    model_probe(ctx->model, train->x, train->n, s->pre);
    real *h = s->pre[s->n_hidden - 2];
    size_t numel = (size_t)train->n * model_probe_width(ctx->model, s->n_hidden - 2);
    for (size_t i = 0; i < numel; i++)
        h[i] = h[i] > 0 ? h[i] : REAL_C(0.0);
    return h;
}

static void polar_measure(dlx_diag_context *ctx, double *values)
{
    polar_state *s = ctx->state;
    const dlx_split *train = &ctx->data->train;
    int k = model_n_outputs(ctx->model);
    const real *h = last_layer_input(s, ctx);
    model_predict(ctx->model, train->x, train->n, NULL, s->outputs);
    negative_output_gradient(s, train, k, ctx->config->loss);
    const dlx_tensor *w = model_find_tensor(ctx->model, s->last_weight);
    const dlx_tensor *a = model_find_tensor(ctx->model, "out.weight");
    dlx_rng rng;
    rng_seed(&rng, ctx->seed, POLAR_STREAM);
    values[0] = polar_ratio(&s->work, h, s->g, polar_lambda(ctx->config), w->data, w->shape[0], &rng);
    int width = w->shape[0], d = w->shape[1];
    double largest = 0.0, *products = s->products;
    for (int i = 0; i < width; i++) {
        products[i] = strided_norm(w->data + (size_t)i * d, (size_t)d, 1) *
                      strided_norm(a->data + i, (size_t)k, (size_t)width);
        largest = products[i] > largest ? products[i] : largest;
    }
    int active = 0;
    for (int i = 0; i < width; i++)
        active += largest > 0 && products[i] > 1e-6 * largest;
    values[1] = active;
}

/* The polar problem is the one of a network Ŷ = Σ_i a_i relu(H w_i)ᵀ: relu
   hidden layers, no biases, no batch norm or dropout, a loss whose output
   gradient this file computes, and λ > 0. */
static bool polar_fits(const dlx_config *cfg, char *why, size_t n)
{
    const dlx_model_config *m = &cfg->model;
    const char *need = NULL;
    if (m->type != MODEL_MLP || m->n_hidden < 1)
        need = "model.type mlp with at least one hidden layer";
    else if (m->activation != ACT_RELU)
        need = "model.activation relu";
    else if (!m->without_bias)
        need = "model.bias: false";
    else if (m->batch_norm || m->dropout_hidden > 0 || m->dropout_input > 0)
        need = "a network without batch norm or dropout";
    else if (cfg->loss != LOSS_MSE && cfg->loss != LOSS_CROSS_ENTROPY)
        need = "loss mse or cross_entropy";
    else if (!(polar_lambda(cfg) > 0))
        need = "a regularizer weight λ > 0 (regularizer.product, regularizer.l2 or regularizer.l1)";
    if (!need)
        return true;
    snprintf(why, n, "needs %s (the positively homogeneous network of Haeffele & "
             "Vidal)", need);
    return false;
}

const dlx_diagnostic DIAG_POLAR = {
    .name = "polar",
    .columns = polar_columns,
    .create = polar_diag_create,
    .destroy = polar_destroy,
    .measure = polar_measure,
    .fits = polar_fits,
};
