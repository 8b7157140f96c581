/*
 * input_covariance.c — the conditioning of every layer's inputs as its
 * covariance, the quantity of the "non-stationary learning problem":
 *
 *   cov_condition.<layer> = κ(C) = λ_max(C) / λ_min(C),
 *   C = (1/n) Σ_i (h_i − h̄)(h_i − h̄)ᵀ,  h̄ = (1/n) Σ_i h_i,
 *
 * h the layer's actual input, what its GEMM reads. LeCun, Bottou, Orr &
 * Müller (1998), "Efficient BackProp" §4.3: gradient descent on a layer is
 * fastest when its inputs are centred, decorrelated and of equal variance,
 * i.e. when κ(C) = 1 (and a non-zero mean adds an eigen-direction of size
 * ‖h̄‖², which is why condition.c's uncentred moment M is a different
 * number). For layer l + 1 of a network C depends on cov(ρ(Θ_l h_l)), which
 * moves as Θ_l learns: the target of layer l + 1's optimization changes
 * under it, which Ioffe & Szegedy (2015) §1 call internal covariate shift
 * and batch norm is meant to steady.
 *
 * The first layer's h is the training split as preprocessed, all n rows,
 * computed once at setup (a test-time input-dropout scale multiplies C by a
 * constant and leaves κ alone). Deeper layers of an mlp read, in inference
 * mode (running statistics, no dropout noise), the previous hidden layer's
 * output: φ(BN(u)) with batch norm before the nonlinearity, BN(φ(u)) with it
 * after, φ(u) without (model_probe_inputs), on the probe batch of
 * condition.c, the first P = min(1000, n_train) training examples, at every
 * evaluation point. With P ≤ width, C has rank < width and κ is huge or inf.
 *
 * A coordinate equal on every probe row (a dead ReLU unit, or a constant
 * feature) has zero variance, so C is singular: cov_condition is then inf,
 * reported as such. The companions make it usable: constant_units.<layer>
 * counts those coordinates and cov_condition_live.<layer> is κ of C's
 * principal submatrix on the other coordinates (= cov_condition when there
 * are none). Eigenvalues by LAPACK dsyevd in double (util/linalg.h).
 */
#include "diagnostics/input_covariance.h"
#include "util/real.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/linalg.h"

/* The three column groups, layer by layer: κ, κ over live units, constants. */
static const char *const PREFIXES[] = {"cov_condition", "cov_condition_live", "constant_units"};
enum { N_GROUPS = 3, PROBE_ROWS = 1000 };

static void covariance_columns(const dlx_config *cfg, dlx_columns *out)
{
    char layers[DLX_MAX_HIDDEN + 1][16];
    int n = diagnostics_layer_names(cfg, layers, DLX_MAX_HIDDEN + 1);
    char name[DLX_COLUMN_MAX];
    for (int g = 0; g < N_GROUPS; g++)
        for (int l = 0; l < n; l++)
            if (snprintf(name, sizeof name, "%s.%s", PREFIXES[g], layers[l]) < (int)sizeof name)
                columns_add(out, name);
}

/* Buffers for dimension ≤ dim: C and a submatrix of it (dim²), eigenvalues, means, indices. */
dlx_status covariance_work_create(covariance_work *w, int dim)
{
    size_t d = (size_t)(dim > 0 ? dim : 1);
    *w = (covariance_work){.dim = dim};
    w->c = malloc(sizeof(double) * d * d);
    w->sub = malloc(sizeof(double) * d * d);
    w->eig = malloc(sizeof(double) * d);
    w->mean = malloc(sizeof(double) * d);
    w->live = malloc(sizeof(int) * d);
    if (!w->c || !w->sub || !w->eig || !w->mean || !w->live) {
        covariance_work_free(w);
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}

void covariance_work_free(covariance_work *w)
{
    free(w->c), free(w->sub), free(w->eig), free(w->mean), free(w->live);
    *w = (covariance_work){0};
}

/* κ = λ_max/λ_min of the symmetric k×k matrix a (overwritten); inf when λ_min ≤ 0. */
static dlx_status kappa_of(double *a, int k, double *eig, double *kappa)
{
    dlx_status st = symmetric_eigen(a, eig, k);
    *kappa = st == DLX_OK && eig[0] > 0 ? eig[k - 1] / eig[0] : INFINITY;
    return st;
}

/* Centre h's columns (a constant column exactly to 0), C = (1/n) hᵀh by
   dsyrk, κ(C) (inf at once with a constant column: its row of C is zero),
   and κ of the principal submatrix C[live, live]. */
dlx_status covariance_condition(double *h, int n, int dim, covariance_work *w, covariance_condition_result *out)
{
    *out = (covariance_condition_result){.kappa = NAN, .kappa_live = NAN};
    if (n < 1 || dim < 1 || dim > w->dim)
        return DLX_ERR_RUNTIME;
    int n_live = 0;
    for (int j = 0; j < dim; j++) {
        double first = h[j], sum = 0.0;
        bool constant = true;
        for (int i = 0; i < n; i++) {
            double v = h[(size_t)i * dim + j];
            sum += v;
            constant &= v == first;
        }
        w->mean[j] = constant ? first : sum / n;
        if (!constant)
            w->live[n_live++] = j;
    }
    out->n_constant = dim - n_live;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < dim; j++)
            h[(size_t)i * dim + j] -= w->mean[j];
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, dim, n, 1.0 / n, h, dim, 0.0, w->c, dim);
    for (int i = 0; i < dim; i++)
        for (int j = 0; j < i; j++)
            w->c[(size_t)i * dim + j] = w->c[(size_t)j * dim + i];
    if (n_live == 0)
        return out->kappa = INFINITY, DLX_OK;
    for (int a = 0; a < n_live; a++)
        for (int b = 0; b < n_live; b++)
            w->sub[(size_t)a * n_live + b] = w->c[(size_t)w->live[a] * dim + w->live[b]];
    dlx_status st = kappa_of(w->sub, n_live, w->eig, &out->kappa_live);
    if (st != DLX_OK) {
        out->kappa_live = NAN;
        return st;
    }
    if (n_live < dim) {
        out->kappa = INFINITY;
        return DLX_OK;
    }
    out->kappa = out->kappa_live;
    return DLX_OK;
}

typedef struct {
    covariance_condition_result first;   /* the data, measured once */
    int n_probe, n_deeper;               /* probe rows; hidden layers whose outputs are read */
    real *in[DLX_MAX_HIDDEN];           /* [n_probe, width_l] */
    double *hd;                          /* one layer's inputs in double */
    covariance_work work;
} covariance_state;

static void covariance_destroy(void *state)
{
    covariance_state *s = state;
    if (!s)
        return;
    for (int l = 0; l < DLX_MAX_HIDDEN; l++)
        free(s->in[l]);
    free(s->hd);
    covariance_work_free(&s->work);
    free(s);
}

static bool covariance_fits(const dlx_config *cfg, char *why, size_t n);

static dlx_status covariance_create(dlx_diag_context *ctx, dlx_diags *diags)
{
    const dlx_split *s = &ctx->data->train;
    char why[256];
    bool fits = covariance_fits(ctx->config, why, sizeof why);
    if (!fits || !s->x || s->dim < 1) {
        diags_add(diags, NULL, 0, 0, "diagnostic input_covariance_condition %s", fits ? "needs input features" : why);
        return DLX_ERR_INPUT;
    }
    covariance_state *c = calloc(1, sizeof *c);
    bool mlp = ctx->config->model.type == MODEL_MLP && model_has_probe_inputs(ctx->model);
    int hidden = mlp ? model_n_probes(ctx->model) : 0;
    int width = s->dim;
    for (int l = 0; l < hidden; l++)
        width = model_probe_width(ctx->model, l) > width ? model_probe_width(ctx->model, l) : width;
    size_t probe_rows = (size_t)(s->n < PROBE_ROWS ? s->n : PROBE_ROWS), nd = (size_t)s->n * (size_t)s->dim;
    size_t rows = nd > probe_rows * (size_t)width ? nd : probe_rows * (size_t)width;
    bool ok = c && (c->hd = malloc(sizeof(double) * (rows ? rows : 1))) &&
              covariance_work_create(&c->work, width) == DLX_OK;
    for (int l = 0; ok && l < hidden; l++)
        ok = (c->in[l] = malloc(sizeof(real) * (probe_rows * (size_t)model_probe_width(ctx->model, l) + 1)));
    if (!ok) {
        covariance_destroy(c);
        diags_add(diags, NULL, 0, 0, "out of memory for input_covariance_condition");
        return DLX_ERR_RUNTIME;
    }
    c->n_probe = (int)probe_rows;
    c->n_deeper = hidden;
    for (size_t i = 0; i < nd; i++)
        c->hd[i] = s->x[i];
    if (covariance_condition(c->hd, s->n, s->dim, &c->work, &c->first) != DLX_OK) {
        covariance_destroy(c);
        diags_add(diags, NULL, 0, 0, "input_covariance_condition: the eigendecomposition failed");
        return DLX_ERR_RUNTIME;
    }
    ctx->state = c;
    return DLX_OK;
}

/* Write layer l's three values into their groups of the row. */
static void put(double *values, int layers, int l, const covariance_condition_result *r)
{
    values[l] = r->kappa;
    values[layers + l] = r->kappa_live;
    values[2 * layers + l] = r->n_constant;
}

static void measure_covariance(dlx_diag_context *ctx, double *values)
{
    covariance_state *c = ctx->state;
    int layers = ctx->config->model.type == MODEL_MLP ? ctx->config->model.n_hidden + 1 : 1;
    for (int k = 0; k < N_GROUPS * layers; k++)
        values[k] = NAN;
    put(values, layers, 0, &c->first);
    if (c->n_deeper == 0)
        return;
    model_probe_inputs(ctx->model, ctx->data->train.x, c->n_probe, c->in);
    for (int l = 0; l < c->n_deeper; l++) {
        int width = model_probe_width(ctx->model, l);
        size_t n = (size_t)c->n_probe * (size_t)width;
        bool finite = true;
        for (size_t i = 0; i < n; i++) {
            c->hd[i] = c->in[l][i];
            finite &= isfinite(c->hd[i]);
        }
        covariance_condition_result r = {.kappa = NAN, .kappa_live = NAN, .n_constant = 0};
        if (finite && covariance_condition(c->hd, c->n_probe, width, &c->work, &r) == DLX_OK)
            put(values, layers, l + 1, &r);
    }
}

/* Input features are needed: not a factorization or a tensor model (cp, ht),
   whose examples are matrix or tensor entries and whose columns are factors. */
static bool covariance_fits(const dlx_config *cfg, char *why, size_t n)
{
    dlx_model_type t = cfg->model.type;
    if (t != MODEL_FACTORIZATION && t != MODEL_CP && t != MODEL_HT)
        return true;
    snprintf(why, n, "measures input features, which a %s's entries do not have",
             t == MODEL_FACTORIZATION ? "factorization" : "tensor model");
    return false;
}

const dlx_diagnostic DIAG_INPUT_COVARIANCE_CONDITION = {"input_covariance_condition", covariance_columns,
                                                        covariance_create, covariance_destroy,
                                                        measure_covariance, covariance_fits};
