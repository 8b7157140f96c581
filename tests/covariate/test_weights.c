/*
 * test_weights.c — per-example loss weights (SPEC §9) below the runner:
 *
 *   - the weighted loss of every model kind and loss (MLP with mse, cross-
 *     entropy, logistic, batch norm and dropout; the factorization) is
 *     (1/B)·Σ_b w_b·ℓ_b, and its backward pass matches central differences
 *     with non-uniform weights; weights of 1 give bit for bit the unweighted
 *     loss and gradient;
 *   - the weighted exact references (min_norm, ridge, lasso, logistic) equal
 *     the unweighted references on the data set in which example i appears
 *     w_i times (integer weights of mean 1, so both objectives are equal);
 *   - data.importance exact: w ∝ q₁/q₀ of the two normal densities, mean 1,
 *     with the power λ as an exponent; classifier: on 4000 + 4000 examples
 *     its weights are within 10 % of the exact ones over the central
 *     training inputs;
 *   - iw_ess = (Σw)²/(n·Σw²);
 *   - a CSV weight column becomes the training weights and not an input,
 *     and the test split stays unweighted; a missing column is refused;
 *   - `dlx validate` refuses, at FILE:LINE:COL with exit 2, each misuse of
 *     the new keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/dataset.h"
#include "data/importance.h"
#include "data/shifted_regression.h"
#include "data/split.h"
#include "diagnostics/importance.h"
#include "models/model.h"
#include "models/model_gradcheck.h"
#include "solvers/reference.h"
#include "../support/harness.h"
#include "util/rng.h"

enum { N = 12, DIM = 3, K = 2 };

/* A dense split of N examples: regression targets [N, k] (k > 0) or labels
   in [0, classes); inputs N(0, 1); weights in (0.2, 2.2) unless uniform. */
static void make_split(dlx_split *s, int k, int classes, bool uniform, uint64_t seed)
{
    dlx_diags d = {0};
    assert_int_equal(split_alloc(s, N, DIM, k, "t", &d), DLX_OK);
    s->weights = malloc(N * sizeof *s->weights);
    dlx_rng rng;
    rng_seed(&rng, seed, 1);
    for (int i = 0; i < N * DIM; i++)
        s->x[i] = (float)rng_normal(&rng);
    for (int i = 0; i < N; i++) {
        if (k > 0)
            for (int o = 0; o < k; o++)
                s->targets[i * k + o] = (float)rng_normal(&rng);
        else
            s->labels[i] = (int)(rng_uniform(&rng) * classes);
        s->weights[i] = uniform ? 1.0f : (float)(0.2 + 2.0 * rng_uniform(&rng));
    }
}

/* The config of a model type with its loss. */
static dlx_config model_config(dlx_model_type type, dlx_loss loss)
{
    dlx_config cfg = {0};
    cfg.model = (dlx_model_config){.type = type, .init = INIT_NORMAL, .init_std = 0.5,
                                   .bn_momentum = 0.1, .bn_eps = 1e-5};
    cfg.loss = loss;
    return cfg;
}

/* Forward loss and gradient of model m on batch b (same rng copy). */
static double loss_and_grad(dlx_model *m, const dlx_batch *b, float *grad)
{
    dlx_rng rng;
    rng_seed(&rng, 9, 9);
    double loss = model_forward_train(m, b, &rng);
    model_backward(m);
    memcpy(grad, model_grads(m), model_n_params(m) * sizeof *grad);
    return loss;
}

/* One MLP variant: weighted loss = mean of w_b ℓ_b (ℓ_b from B = 1 passes),
   gradcheck with the weights, and weights of 1 equal to no weights. */
static void check_mlp(dlx_config cfg, int k, int classes)
{
    dlx_split s, ones;
    make_split(&s, k, classes, false, 1);
    make_split(&ones, k, classes, true, 1);
    int outputs = classes > 0 ? (cfg.loss == LOSS_LOGISTIC ? 1 : classes) : k;
    dlx_model_shape shape = {.n_inputs = DIM, .n_outputs = outputs, .max_batch = N};
    dlx_model m = {0};
    dlx_diags d = {0};
    assert_int_equal(model_create(&m, &cfg, &shape, &d), DLX_OK);
    dlx_rng init;
    rng_seed(&init, 3, 3);
    model_init(&m, &init);

    dlx_batch weighted = model_batch_of_split(&s, 0, N);
    dlx_rng noise;
    rng_seed(&noise, 5, 5);
    gradcheck_result r = model_gradcheck(&m, &weighted, &noise, 1e-2f, 1e-3);
    assert_true(r.max_rel_error < 2e-2);

    if (cfg.model.n_hidden == 0) { /* no batch statistics: examples are independent */
        double sum = 0.0;
        for (int i = 0; i < N; i++) {
            dlx_batch one = model_batch_of_split(&s, i, 1);
            one.weights = NULL;
            sum += s.weights[i] * model_evaluate(&m, &one, NULL);
        }
        assert_true(fabs(model_evaluate(&m, &weighted, NULL) - sum) < 1e-5 * (1 + fabs(sum)));
    }

    size_t p = model_n_params(&m);
    float *g1 = malloc(p * sizeof *g1), *g0 = malloc(p * sizeof *g0);
    dlx_batch with_ones = model_batch_of_split(&ones, 0, N), without = with_ones;
    without.weights = NULL;
    double l1 = loss_and_grad(&m, &with_ones, g1), l0 = loss_and_grad(&m, &without, g0);
    assert_true(l1 == l0);
    assert_memory_equal(g1, g0, p * sizeof *g1);
    free(g1), free(g0);
    model_free(&m);
    split_free(&s);
    split_free(&ones);
    diags_free(&d);
}

static void test_mlp_weighted_gradients(void **state)
{
    (void)state;
    check_mlp(model_config(MODEL_LINEAR, LOSS_MSE), K, 0);
    check_mlp(model_config(MODEL_LOGISTIC, LOSS_LOGISTIC), 0, 2);
    check_mlp(model_config(MODEL_SOFTMAX, LOSS_CROSS_ENTROPY), 0, 3);
    dlx_config mlp = model_config(MODEL_MLP, LOSS_CROSS_ENTROPY);
    mlp.model.n_hidden = 2, mlp.model.hidden[0] = 5, mlp.model.hidden[1] = 4;
    mlp.model.activation = ACT_TANH;
    mlp.model.batch_norm = true;
    mlp.model.dropout_hidden = 0.3;
    check_mlp(mlp, 0, 3);
    mlp.loss = LOSS_MSE;
    mlp.model.batch_norm = false;
    check_mlp(mlp, K, 0);
}

/* The factorization on 10 entries of a 4 x 3 matrix with weights. */
static void test_factorization_weighted_gradients(void **state)
{
    (void)state;
    enum { E = 10 };
    int rows[E] = {0, 1, 2, 3, 0, 1, 2, 3, 0, 2}, cols[E] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 1};
    float y[E], w[E], ones[E];
    for (int e = 0; e < E; e++)
        y[e] = (float)(0.3 * e - 1), w[e] = (float)(0.25 + 0.3 * e), ones[e] = 1.0f;
    dlx_config cfg = model_config(MODEL_FACTORIZATION, LOSS_MSE);
    cfg.model.rank = 2;
    dlx_model_shape shape = {.n_outputs = 1, .max_batch = E, .rows = 4, .cols = 3, .n_train = E};
    dlx_model m = {0};
    dlx_diags d = {0};
    assert_int_equal(model_create(&m, &cfg, &shape, &d), DLX_OK);
    dlx_rng init;
    rng_seed(&init, 4, 4);
    model_init(&m, &init);
    dlx_batch b = {.size = E, .targets = y, .weights = w, .row = rows, .col = cols};
    gradcheck_result r = model_gradcheck(&m, &b, &init, 1e-2f, 1e-3);
    assert_true(r.max_rel_error < 2e-2);
    /* evaluate: Σ w_e r_e², from the unweighted single entries */
    double sum = 0.0;
    for (int e = 0; e < E; e++) {
        dlx_batch one = {.size = 1, .targets = y + e, .row = rows + e, .col = cols + e};
        sum += w[e] * model_evaluate(&m, &one, NULL);
    }
    assert_true(fabs(model_evaluate(&m, &b, NULL) - sum) < 1e-6 * (1 + sum));
    size_t p = model_n_params(&m);
    float *g1 = malloc(p * sizeof *g1), *g0 = malloc(p * sizeof *g0);
    dlx_batch b1 = b, b0 = b;
    b1.weights = ones;
    b0.weights = NULL;
    assert_true(loss_and_grad(&m, &b1, g1) == loss_and_grad(&m, &b0, g0));
    assert_memory_equal(g1, g0, p * sizeof *g1);
    free(g1), free(g0);
    model_free(&m);
    diags_free(&d);
}

/* The dataset of N examples with integer weights of mean 1, and the same
   examples repeated w_i times (unweighted). */
static void make_replicated(dlx_dataset *weighted, dlx_dataset *replicated, int classes)
{
    static const float W[N] = {2, 0, 1, 1, 3, 0, 1, 0, 2, 1, 1, 0};
    *weighted = (dlx_dataset){.classes = classes};
    *replicated = (dlx_dataset){.classes = classes};
    make_split(&weighted->train, classes ? 0 : 1, classes, true, 7);
    memcpy(weighted->train.weights, W, sizeof W);
    dlx_diags d = {0};
    assert_int_equal(split_alloc(&replicated->train, N, DIM, classes ? 0 : 1, "t", &d), DLX_OK);
    int k = 0;
    for (int i = 0; i < N; i++)
        for (int c = 0; c < (int)W[i]; c++, k++) {
            memcpy(replicated->train.x + k * DIM, weighted->train.x + i * DIM, DIM * sizeof(float));
            if (classes)
                replicated->train.labels[k] = weighted->train.labels[i];
            else
                replicated->train.targets[k] = weighted->train.targets[i];
        }
    assert_int_equal(k, N);
}

static void test_weighted_references(void **state)
{
    (void)state;
    const dlx_reference_type types[] = {REF_MIN_NORM, REF_RIDGE, REF_LASSO, REF_LOGISTIC};
    for (int t = 0; t < 4; t++) {
        bool logistic = types[t] == REF_LOGISTIC;
        dlx_dataset weighted, replicated;
        make_replicated(&weighted, &replicated, logistic ? 2 : 0);
        dlx_config cfg = model_config(logistic ? MODEL_LOGISTIC : MODEL_LINEAR, logistic ? LOSS_LOGISTIC : LOSS_MSE);
        cfg.reference = types[t];
        cfg.regularizer.l2 = types[t] == REF_MIN_NORM ? 0.0 : 0.1;
        cfg.regularizer.l1 = types[t] == REF_LASSO ? 0.05 : 0.0;
        dlx_reference rw, rr;
        dlx_diags d = {0};
        assert_int_equal(reference_compute(&rw, &cfg, &weighted, &d), DLX_OK);
        assert_int_equal(reference_compute(&rr, &cfg, &replicated, &d), DLX_OK);
        for (int j = 0; j <= DIM; j++)
            assert_true(fabs(rw.theta[j] - rr.theta[j]) < 1e-8);
        assert_true(fabs(rw.f_star - rr.f_star) < 1e-10);
        /* the objective at θ* in float matches f* (weighted objective) */
        float Wf[DIM], bf;
        for (int j = 0; j < DIM; j++)
            Wf[j] = (float)rw.theta[j];
        bf = (float)rw.theta[DIM];
        assert_true(fabs(reference_objective(&rw, &weighted.train, Wf, &bf) - rw.f_star) < 1e-5);
        reference_free(&rw);
        reference_free(&rr);
        dataset_free(&weighted);
        dataset_free(&replicated);
        diags_free(&d);
    }
}

/* Shimodaira's densities: q₀ = N(0.5, 0.5²), q₁ = N(0, 0.3²). */
static dlx_data_config shifted_config(dlx_importance how, double power, long n_train, long n_test)
{
    dlx_data_config c = {0};
    c.source = DATA_SYNTHETIC;
    c.kind = SYN_SHIFTED_REGRESSION;
    c.dim = 1;
    c.n_train = n_train, c.n_test = n_test;
    c.train_mean = 0.5, c.train_std = 0.5, c.test_mean = 0.0, c.test_std = 0.3;
    c.noise = 0.3;
    c.seed = 11;
    c.importance = how;
    c.importance_power = power;
    return c;
}

static double normal_density(double x, double m, double s)
{
    return exp(-0.5 * (x - m) * (x - m) / (s * s)) / (s * sqrt(2 * M_PI));
}

static void test_exact_weights(void **state)
{
    (void)state;
    const double powers[] = {1.0, 0.5, 0.0};
    for (int p = 0; p < 3; p++) {
        dlx_data_config c = shifted_config(IMPORTANCE_EXACT, powers[p], 200, 50);
        dlx_dataset ds;
        dlx_diags d = {0};
        assert_int_equal(dataset_load(&ds, &c, "t.yaml", &d), DLX_OK);
        assert_non_null(ds.train.weights);
        assert_null(ds.test.weights);
        double mean = 0.0, ratio_sum = 0.0;
        for (int i = 0; i < ds.train.n; i++) {
            double x = ds.train.x[i];
            ratio_sum += pow(normal_density(x, 0, 0.3) / normal_density(x, 0.5, 0.5), powers[p]);
            mean += ds.train.weights[i] / ds.train.n;
            /* the target is −x + x³ plus noise of std 0.3 */
            assert_true(fabs(ds.train.targets[i] - (-x + x * x * x)) < 0.3 * 6);
        }
        assert_true(fabs(mean - 1.0) < 1e-5);
        for (int i = 0; i < ds.train.n; i++) {
            double x = ds.train.x[i];
            double want = pow(normal_density(x, 0, 0.3) / normal_density(x, 0.5, 0.5), powers[p]) *
                          ds.train.n / ratio_sum;
            assert_true(fabs(ds.train.weights[i] - want) < 1e-5 * (1 + want));
            assert_true(fabs(shifted_regression_log_ratio(&c, x) -
                             log(normal_density(x, 0, 0.3) / normal_density(x, 0.5, 0.5))) < 1e-9);
        }
        double ess = importance_ess_fraction(ds.train.weights, ds.train.n), sum = 0.0, sq = 0.0;
        for (int i = 0; i < ds.train.n; i++)
            sum += ds.train.weights[i], sq += (double)ds.train.weights[i] * ds.train.weights[i];
        assert_true(fabs(ess - sum * sum / (ds.train.n * sq)) < 1e-12);
        assert_true(powers[p] == 0.0 ? fabs(ess - 1.0) < 1e-6 : ess < 0.9);
        dataset_free(&ds);
        diags_free(&d);
    }
    assert_true(importance_ess_fraction(NULL, 10) == 1.0);
}

static void test_classifier_weights(void **state)
{
    (void)state;
    dlx_data_config c = shifted_config(IMPORTANCE_CLASSIFIER, 1.0, 4000, 4000);
    dlx_data_config e = shifted_config(IMPORTANCE_EXACT, 1.0, 4000, 4000);
    dlx_dataset dc, de;
    dlx_diags d = {0};
    assert_int_equal(dataset_load(&dc, &c, "t.yaml", &d), DLX_OK);
    assert_int_equal(dataset_load(&de, &e, "t.yaml", &d), DLX_OK);
    int compared = 0;
    for (int i = 0; i < dc.train.n; i++) {
        assert_true(dc.train.x[i] == de.train.x[i]);
        if (fabs(dc.train.x[i] - 0.2) > 0.4)   /* the central inputs, where both splits have mass */
            continue;
        compared++;
        double rel = fabs(dc.train.weights[i] - de.train.weights[i]) / de.train.weights[i];
        assert_true(rel < 0.1);
    }
    assert_true(compared > 1000);
    dataset_free(&dc);
    dataset_free(&de);
    diags_free(&d);
}

static void test_csv_weight_column(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *train = harness_write(dir, "train.csv", "a,w,b,y\n1,0.5,2,3\n4,2,5,6\n7,1.5,8,9\n");
    char *test = harness_write(dir, "test.csv", "a,w,b,y\n1,9,2,3.5\n");
    dlx_data_config c = {0};
    c.source = DATA_CSV;
    snprintf(c.train, sizeof c.train, "%s", train);
    snprintf(c.test, sizeof c.test, "%s", test);
    snprintf(c.weight_column, sizeof c.weight_column, "w");
    dlx_dataset ds;
    dlx_diags d = {0};
    assert_int_equal(dataset_load(&ds, &c, "t.yaml", &d), DLX_OK);
    assert_int_equal(ds.train.dim, 2);
    assert_int_equal(ds.test.dim, 2);
    assert_non_null(ds.train.weights);
    assert_null(ds.test.weights);
    const float w[] = {0.5f, 2.0f, 1.5f}, x[] = {1, 2, 4, 5, 7, 8};
    assert_memory_equal(ds.train.weights, w, sizeof w);
    assert_memory_equal(ds.train.x, x, sizeof x);
    assert_true(ds.test.x[0] == 1 && ds.test.x[1] == 2);
    dataset_free(&ds);
    snprintf(c.weight_column, sizeof c.weight_column, "weight");
    assert_int_equal(dataset_load(&ds, &c, "t.yaml", &d), DLX_ERR_INPUT);
    assert_non_null(strstr(d.items[d.count - 1].message, "data.weight 'weight' is not a column"));
    char *bad = harness_write(dir, "bad.csv", "a,w,b,y\n1,-1,2,3\n");
    snprintf(c.train, sizeof c.train, "%s", bad);
    snprintf(c.weight_column, sizeof c.weight_column, "w");
    assert_int_equal(dataset_load(&ds, &c, "t.yaml", &d), DLX_ERR_INPUT);
    diags_free(&d);
    harness_rmtree(dir);
    free(train), free(test), free(bad), free(dir);
}

/* dlx validate on a file whose data section is `data` (and extra top-level
   lines): exit 2 and a message containing want, located in the file. */
static void expect_invalid(const char *data, const char *extra, const char *want)
{
    char *dir = harness_tmpdir(), text[2048];
    /* extra may bring its own model and loss */
    snprintf(text, sizeof text, "experiment: t\ndata: %s\n%s%s", data,
             strstr(extra, "model:") ? "" : "model: {type: linear}\nloss: mse\n", extra);
    char *path = harness_write(dir, "t.yaml", text), *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "validate '%s'", path), 2);
    if (!strstr(err, want) || !strstr(err, "t.yaml:"))
        fail_msg("expected '%s' in:\n%s", want, err);
    harness_rmtree(dir);
    free(err), free(path), free(dir);
}

static void test_invalid_configs(void **state)
{
    (void)state;
    const char *shift = "{source: synthetic, kind: shifted_regression, train_input: {mean: 0.5, std: 0.5}, "
                        "test_input: {mean: 0, std: 0.3}";
    char data[512];
    expect_invalid("{source: synthetic, kind: gaussian_mixture, importance: {weights: exact}}", "",
                   "needs the known input densities");
    expect_invalid("{source: synthetic, kind: shifted_regression, test_input: {mean: 0, std: 0.3}}", "",
                   "data.train_input: {mean, std} is required");
    expect_invalid("{source: synthetic, kind: shifted_regression, train_input: {mean: 0, std: 0}, "
                   "test_input: {mean: 0, std: 0.3}}", "", "data.train_input.std");
    snprintf(data, sizeof data, "%s, dim: 2}", shift);
    expect_invalid(data, "", "data.dim must be 1");
    snprintf(data, sizeof data, "%s, truth: quartic}", shift);
    expect_invalid(data, "", "data.truth");
    snprintf(data, sizeof data, "%s, importance: {weights: exact, power: -1}}", shift);
    expect_invalid(data, "", "data.importance.power");
    snprintf(data, sizeof data, "%s, importance: {weights: exact, lambda: 1}}", shift);
    expect_invalid(data, "", "lambda");
    expect_invalid("{source: csv, train: a.csv, test: b.csv, weight: w, importance: {weights: classifier}}", "",
                   "data.importance and data.weight both give the training weights");
    expect_invalid("{source: synthetic, kind: low_rank, rows: 5, cols: 4, rank: 2, importance: {weights: classifier}}",
                   "", "does not apply to a matrix");
    expect_invalid("{source: synthetic, kind: logistic, dim: 3, importance: {weights: classifier}}",
                   "model: {type: logistic}\nreference: dropout_quadratic\n", "not defined for weighted training examples");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mlp_weighted_gradients),
        cmocka_unit_test(test_factorization_weighted_gradients),
        cmocka_unit_test(test_weighted_references),
        cmocka_unit_test(test_exact_weights),
        cmocka_unit_test(test_classifier_weights),
        cmocka_unit_test(test_csv_weight_column),
        cmocka_unit_test(test_invalid_configs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
