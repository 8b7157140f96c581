/*
 * polar.c — the `polar` diagnostic of a one-hidden-layer ReLU network
 * without biases (SPEC §7; see solvers/polar.h for the polar problem):
 *
 *   polar_ratio  = max_{‖w‖=‖a‖=1} ⟨−∇_Ŷ ℓ, relu(Xw)·aᵀ⟩ / λ over the training
 *                  inputs, estimated by projected ascent (a lower bound; ≤ 1
 *                  at a stationary point certifies global optimality)
 *   active_units = units with ‖w_i‖‖a_i‖ > 10⁻⁶ of the largest
 *
 * ∇_Ŷ ℓ is the gradient of the training loss as dlx defines it: for mse,
 * ℓ = (1/(nK)) Σ (y − ŷ)², so −∇ = (2/(nK))(y − ŷ); for cross_entropy,
 * −∇ = (onehot(y) − softmax(ŷ))/n. The ascent starts from every unit's
 * incoming weights and from random directions drawn from the run's seed on
 * a stream of this diagnostic's own, so the other columns are unaffected.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "diagnostics/optimality.h"
#include "solvers/polar.h"

enum { POLAR_STREAM = 41 };

typedef struct {
    dlx_polar_work work;
    float *outputs;     /* [n·K] the network's outputs on the training inputs */
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
    free(s->outputs);
    free(s->g);
    free(s->products);
    free(s);
}

static bool polar_fits(const dlx_config *cfg, char *why, size_t n);

static dlx_status polar_diag_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    char why[256];
    if (!polar_fits(ctx->config, why, sizeof why)) {   /* checked before any run (validate.c) */
        diags_add(diags, NULL, 0, 0, "%s", why);
        return DLX_ERR_INPUT;
    }
    const dlx_split *train = &ctx->data->train;
    int k = model_n_outputs(ctx->model);
    polar_state *s = calloc(1, sizeof *s);
    if (s) {
        s->outputs = malloc(((size_t)train->n * k + 1) * sizeof *s->outputs);
        s->g = malloc(((size_t)train->n * k + 1) * sizeof *s->g);
        const dlx_tensor *w = model_find_tensor(ctx->model, "fc1.weight");
        s->products = w ? malloc((size_t)w->shape[0] * sizeof *s->products) : NULL;
    }
    if (!s || !s->outputs || !s->g || !s->products ||
        polar_create(&s->work, train->n, train->dim, k, diags) != DLX_OK) {
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
        const float *z = s->outputs + (size_t)i * k;
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

static void polar_measure(dlx_diag_context *ctx, double *values)
{
    polar_state *s = ctx->state;
    const dlx_split *train = &ctx->data->train;
    int k = model_n_outputs(ctx->model);
    model_predict(ctx->model, train->x, train->n, NULL, s->outputs);
    negative_output_gradient(s, train, k, ctx->config->loss);
    const dlx_tensor *w = model_find_tensor(ctx->model, "fc1.weight");
    const dlx_tensor *a = model_find_tensor(ctx->model, "out.weight");
    dlx_rng rng;
    rng_seed(&rng, ctx->seed, POLAR_STREAM);
    values[0] = polar_ratio(&s->work, train->x, s->g, optimality_lambda(ctx->config), w->data,
                            w->shape[0], &rng);
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

/* The polar problem is the one of a network Ŷ = Σ_i a_i relu(X w_i)ᵀ: one
   hidden relu layer, no biases, no batch norm or dropout, a loss whose
   output gradient this file computes, and λ > 0. */
static bool polar_fits(const dlx_config *cfg, char *why, size_t n)
{
    const dlx_model_config *m = &cfg->model;
    const char *need = NULL;
    if (m->type != MODEL_MLP || m->n_hidden != 1)
        need = "model.type mlp with one hidden layer";
    else if (m->activation != ACT_RELU)
        need = "model.activation relu";
    else if (!m->without_bias)
        need = "model.bias: false";
    else if (m->batch_norm || m->dropout_hidden > 0 || m->dropout_input > 0)
        need = "a network without batch norm or dropout";
    else if (cfg->loss != LOSS_MSE && cfg->loss != LOSS_CROSS_ENTROPY)
        need = "loss mse or cross_entropy";
    else if (!(optimality_lambda(cfg) > 0))
        need = "a regularizer weight λ > 0 (regularizer.product or regularizer.l2)";
    if (!need)
        return true;
    snprintf(why, n, "diagnostic polar needs %s (the positively homogeneous network of Haeffele & "
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
