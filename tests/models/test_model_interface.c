/*
 * test_model_interface.c — the model interface (models/model.h) carries a
 * model kind that the training loop has never heard of, and every kind's
 * backward pass agrees with finite differences through the interface.
 *
 * The second kind is the simplest regression model there is: a constant
 * prediction ŷ = c for every input (tensor "mean.value", [n_outputs]), with
 * the mse loss (1/(B·K)) Σ_i Σ_k (y_ik − c_k)² and gradient
 * ∂/∂c_k = (2/(B·K)) Σ_i (c_k − y_ik). Full-batch gradient descent with rate
 * η contracts c − ȳ by (1 − 2η/K) per step, so after T steps
 * c_k = ȳ_k + (1 − 2η/K)^T (c_k(0) − ȳ_k): the test checks the loop's rows,
 * the final value against that formula, and the checkpoint it wrote.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "data/split.h"
#include "models/mlp.h"
#include "models/model.h"
#include "models/model_gradcheck.h"
#include "support/harness.h"
#include "train/checkpoint.h"
#include "train/run.h"

/* ---- the constant model ---------------------------------------------- */

typedef struct {
    int k, max_batch;
    real *value, *grad;      /* [k] */
    dlx_tensor tensor;
    const dlx_batch *last;    /* the batch of the last forward_train */
} constant_model;

static dlx_status constant_create(void **impl, const dlx_config *cfg, const dlx_model_shape *s,
                                  dlx_diags *diags)
{
    (void)cfg;
    constant_model *m = calloc(1, sizeof *m);
    if (!m) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    m->k = s->n_outputs;
    m->max_batch = s->max_batch;
    m->value = calloc((size_t)m->k, sizeof *m->value);
    m->grad = calloc((size_t)m->k, sizeof *m->grad);
    m->tensor = (dlx_tensor){.name = "mean.value", .ndim = 1, .shape = {m->k, 0},
                             .data = m->value, .grad = m->grad};
    *impl = m;
    return DLX_OK;
}

static void constant_destroy(void *impl)
{
    constant_model *m = impl;
    free(m->value);
    free(m->grad);
    free(m);
}

static void constant_init(void *impl, dlx_rng *rng)
{
    constant_model *m = impl;
    for (int k = 0; k < m->k; k++)
        m->value[k] = (real)rng_normal(rng);
}

static dlx_tensor *constant_tensors(void *impl, int *count)
{
    *count = 1;
    return &((constant_model *)impl)->tensor;
}

static real *constant_params(void *impl) { return ((constant_model *)impl)->value; }
static real *constant_grads(void *impl) { return ((constant_model *)impl)->grad; }
static size_t constant_n_params(const void *impl) { return (size_t)((const constant_model *)impl)->k; }
static int constant_n_outputs(const void *impl) { return ((const constant_model *)impl)->k; }
static int constant_max_batch(const void *impl) { return ((const constant_model *)impl)->max_batch; }

/* Σ_i mean_k (y_ik − c_k)² over the batch. */
static double constant_loss_sum(const constant_model *m, const dlx_batch *b)
{
    double sum = 0;
    for (int i = 0; i < b->size; i++)
        for (int k = 0; k < m->k; k++) {
            double d = b->targets[(size_t)i * m->k + k] - m->value[k];
            sum += d * d / m->k;
        }
    return sum;
}

static double constant_forward_train(void *impl, const dlx_batch *b, dlx_rng *rng)
{
    (void)rng;
    constant_model *m = impl;
    m->last = b;
    return constant_loss_sum(m, b) / b->size;
}

static void constant_backward(void *impl)
{
    constant_model *m = impl;
    const dlx_batch *b = m->last;
    for (int k = 0; k < m->k; k++) {
        double g = 0;
        for (int i = 0; i < b->size; i++)
            g += m->value[k] - b->targets[(size_t)i * m->k + k];
        m->grad[k] = (real)(2.0 * g / ((double)b->size * m->k));
    }
}

static double constant_evaluate(void *impl, const dlx_batch *b, long *correct)
{
    *correct = 0;
    return constant_loss_sum(impl, b);
}

static void constant_predict(void *impl, const real *x, int B, dlx_rng *rng, real *out)
{
    (void)x;
    (void)rng;
    constant_model *m = impl;
    for (int i = 0; i < B; i++)
        memcpy(out + (size_t)i * m->k, m->value, (size_t)m->k * sizeof *out);
}

static const dlx_model_kind CONSTANT_KIND = {
    .name = "constant",
    .create = constant_create,
    .destroy = constant_destroy,
    .init = constant_init,
    .tensors = constant_tensors,
    .params = constant_params,
    .grads = constant_grads,
    .n_params = constant_n_params,
    .n_outputs = constant_n_outputs,
    .max_batch = constant_max_batch,
    .forward_train = constant_forward_train,
    .backward = constant_backward,
    .evaluate = constant_evaluate,
    .predict = constant_predict,
};

/* ---- data and config ------------------------------------------------- */

enum { N_TRAIN = 40, N_TEST = 20, DIM = 3, K = 2 };

/* Regression data with targets y_ik = (k + 1) + noise, inputs irrelevant. */
static void make_data(dlx_dataset *ds)
{
    dlx_diags d = {0};
    *ds = (dlx_dataset){0};
    assert_int_equal(split_alloc(&ds->train, N_TRAIN, DIM, K, "train", &d), DLX_OK);
    assert_int_equal(split_alloc(&ds->test, N_TEST, DIM, K, "test", &d), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 42, 1);
    dlx_split *splits[] = {&ds->train, &ds->test};
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < splits[s]->n; i++) {
            for (int j = 0; j < DIM; j++)
                splits[s]->x[i * DIM + j] = (real)rng_normal(&rng);
            for (int k = 0; k < K; k++)
                splits[s]->targets[i * K + k] = (real)(k + 1 + 0.5 * rng_normal(&rng));
        }
}

static dlx_config regression_config(int epochs, double lr)
{
    dlx_config cfg = {0};
    cfg.model.type = MODEL_LINEAR;
    cfg.loss = LOSS_MSE;
    cfg.optimizer = (dlx_optimizer_config){.type = OPT_SGD, .lr = lr};
    cfg.training = (dlx_training_config){.epochs = epochs, .batch_size = 0, .shuffle = false};
    cfg.reference = REF_NONE;
    return cfg;
}

/* ---- tests ----------------------------------------------------------- */

/* The loop trains the constant kind: one row per epoch plus epoch 0, the
   final value on the closed form, and a checkpoint with its tensor. */
static void test_unknown_kind_trains_through_the_loop(void **state)
{
    (void)state;
    dlx_dataset ds;
    make_data(&ds);
    char *dir = harness_tmpdir();
    char ckpt[4096], metrics[4096];
    snprintf(ckpt, sizeof ckpt, "%s/checkpoint.safetensors", dir);
    snprintf(metrics, sizeof metrics, "%s/metrics.csv", dir);
    FILE *fp = fopen(metrics, "w");
    assert_non_null(fp);
    const int epochs = 30;
    const double lr = 0.25;
    dlx_config cfg = regression_config(epochs, lr);
    dlx_run_request req = {.config = &cfg, .arm = "constant", .seed = 3, .data = &ds,
                           .source_file = "test.yaml", .checkpoint_path = ckpt,
                           .sinks = {{fp, metrics}}, .n_sinks = 1, .model_kind = &CONSTANT_KIND};
    dlx_run_summary summary;
    dlx_diags d = {0};
    assert_int_equal(train_run(&req, &summary, &d), DLX_OK);
    fclose(fp);
    assert_int_equal(summary.status, RUN_OK);
    assert_int_equal(summary.epochs_done, epochs);

    char *text = harness_read(metrics);   /* the sink gets rows only, no header */
    assert_non_null(text);
    int lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, epochs + 1);
    assert_true(!strncmp(text, "constant,3,0,0,", 15));   /* arm, seed, epoch 0, step 0 */
    free(text);

    /* The closed form of full-batch GD from the same initial value. */
    dlx_model model = {0};
    dlx_model_shape shape = {.n_inputs = DIM, .n_outputs = K, .max_batch = N_TRAIN};
    assert_int_equal(model_create_kind(&model, &CONSTANT_KIND, &cfg, &shape, &d), DLX_OK);
    dlx_rng init;
    rng_seed(&init, 3, 1);   /* the trainer's initial-weights stream of seed 3 */
    model_init(&model, &init);
    double c0[K], mean[K] = {0};
    for (int k = 0; k < K; k++)
        c0[k] = model_params(&model)[k];
    for (int i = 0; i < N_TRAIN; i++)
        for (int k = 0; k < K; k++)
            mean[k] += ds.train.targets[i * K + k] / N_TRAIN;
    assert_int_equal(checkpoint_load_weights(ckpt, &model, NULL, &d), DLX_OK);
    double contraction = pow(1.0 - 2.0 * lr / K, epochs);
    for (int k = 0; k < K; k++) {
        double expected = mean[k] + contraction * (c0[k] - mean[k]);
        assert_true(fabs(model_params(&model)[k] - expected) < 1e-5);
        assert_true(fabs(model_params(&model)[k] - mean[k]) < 1e-2);
    }
    model_free(&model);
    diags_free(&d);
    dataset_free(&ds);
    harness_rmtree(dir);
    free(dir);
}

/* Finite differences through the interface: the constant kind, and the MLP
   kinds with batch norm and dropout (the noise replayed at every point). */
static void test_gradients_through_the_interface(void **state)
{
    (void)state;
    dlx_dataset ds;
    make_data(&ds);
    dlx_batch batch = model_batch_of_split(&ds.train, 0, 16);
    dlx_diags d = {0};
    dlx_rng noise;
    rng_seed(&noise, 9, 3);

    dlx_config cfg = regression_config(1, 0.1);
    dlx_model model = {0};
    dlx_model_shape shape = {.n_inputs = DIM, .n_outputs = K, .max_batch = 16};
    assert_int_equal(model_create_kind(&model, &CONSTANT_KIND, &cfg, &shape, &d), DLX_OK);
    model_init(&model, &noise);
    assert_true(model_gradcheck(&model, &batch, &noise, REAL_C(1e-2), 1e-3).max_rel_error < 1e-2);
    model_free(&model);

    for (int variant = 0; variant < 3; variant++) {
        cfg.model = (dlx_model_config){.type = MODEL_MLP, .n_hidden = 2, .hidden = {5, 4},
                                       .activation = ACT_TANH, .bn_momentum = 0.1,
                                       .bn_eps = 1e-5, .init = INIT_NORMAL, .init_std = 0.5};
        if (variant == 0)
            cfg.model.type = MODEL_LINEAR, cfg.model.n_hidden = 0;
        cfg.model.batch_norm = variant >= 1;
        cfg.model.dropout_hidden = variant == 2 ? 0.3 : 0.0;
        assert_int_equal(model_create(&model, &cfg, &shape, &d), DLX_OK);
        assert_ptr_equal(model.kind, &MODEL_KIND_MLP);
        model_init(&model, &noise);
        gradcheck_result r = model_gradcheck(&model, &batch, &noise, REAL_C(1e-2), 1e-3);
        assert_true(r.max_rel_error < 2e-2);
        model_free(&model);
    }
    diags_free(&d);
    dataset_free(&ds);
}

/* The homogeneous network (relu, no biases, one hidden layer): no bias
   tensors, the gradient by finite differences, and the product penalty
   Θ = Σ_i ‖w_i‖‖a_i‖ with its gradient, 0 at a unit whose outgoing weights
   are zero, and invariant under w_i·c, a_i/c (degree-2 homogeneity). */
static void test_homogeneous_network(void **state)
{
    (void)state;
    dlx_dataset ds;
    make_data(&ds);
    dlx_batch batch = model_batch_of_split(&ds.train, 0, 16);
    dlx_diags d = {0};
    dlx_config cfg = regression_config(1, 0.1);
    cfg.model = (dlx_model_config){.type = MODEL_MLP, .n_hidden = 1, .hidden = {6},
                                   .activation = ACT_RELU, .init = INIT_NORMAL, .init_std = 0.7,
                                   .without_bias = true};
    dlx_model_shape shape = {.n_inputs = DIM, .n_outputs = K, .max_batch = 16};
    dlx_model model = {0};
    assert_int_equal(model_create(&model, &cfg, &shape, &d), DLX_OK);
    assert_int_equal(model_n_tensors(&model), 2);
    assert_null(model_find_tensor(&model, "fc1.bias"));
    assert_int_equal(model_n_params(&model), 6 * DIM + K * 6);
    dlx_rng rng;
    rng_seed(&rng, 5, 1);
    model_init(&model, &rng);
    gradcheck_result r = model_gradcheck(&model, &batch, &rng, REAL_C(1e-3), 1e-3);
    print_message("homogeneous network: max rel error %.3g at %zu (%g vs %g)\n", r.max_rel_error,
                  r.worst, r.analytic, r.numeric);
    assert_true(r.max_rel_error < 2e-2);

    real *p = model_params(&model), *g = model_grads(&model);
    size_t n = model_n_params(&model);
    double lambda = 0.3, h = 1e-3;
    memset(g, 0, n * sizeof *g);
    double theta = model_product_penalty(&model, lambda, true);
    for (size_t i = 0; i < n; i++) {
        real keep = p[i];
        p[i] = keep + (real)h;
        double up = model_product_penalty(&model, lambda, false);
        p[i] = keep - (real)h;
        double down = model_product_penalty(&model, lambda, false);
        p[i] = keep;
        assert_true(fabs((up - down) / (2 * h) - g[i]) < 1e-3);
    }
    real *w = model_find_tensor(&model, "fc1.weight")->data, *a = model_find_tensor(&model, "out.weight")->data;
    for (int j = 0; j < DIM; j++)
        w[0 * DIM + j] *= REAL_C(4.0);   /* unit 0: w·4, a/4 */
    for (int k = 0; k < K; k++)
        a[k * 6 + 0] /= REAL_C(4.0);
    assert_true(fabs(model_product_penalty(&model, lambda, false) - theta) < 1e-5 * theta);
    for (int k = 0; k < K; k++)
        a[k * 6 + 1] = REAL_C(0.0);      /* unit 1 has no outgoing weights */
    memset(g, 0, n * sizeof *g);
    model_product_penalty(&model, lambda, true);
    for (int j = 0; j < DIM; j++)
        assert_true(g[1 * DIM + j] == REAL_C(0.0));
    model_free(&model);
    diags_free(&d);
    dataset_free(&ds);
}

/* The three-layer homogeneous network (relu, no biases, hidden [6, 5]): no
   bias tensors, the gradient by finite differences, and degree-3 positive
   homogeneity: every weight times c multiplies the outputs by c³. */
static void test_deep_homogeneous_network(void **state)
{
    (void)state;
    dlx_dataset ds;
    make_data(&ds);
    dlx_batch batch = model_batch_of_split(&ds.train, 0, 16);
    dlx_diags d = {0};
    dlx_config cfg = regression_config(1, 0.1);
    cfg.model = (dlx_model_config){.type = MODEL_MLP, .n_hidden = 2, .hidden = {6, 5},
                                   .activation = ACT_RELU, .init = INIT_NORMAL, .init_std = 0.7,
                                   .without_bias = true};
    dlx_model_shape shape = {.n_inputs = DIM, .n_outputs = K, .max_batch = 16};
    dlx_model model = {0};
    assert_int_equal(model_create(&model, &cfg, &shape, &d), DLX_OK);
    assert_int_equal(model_n_tensors(&model), 3);
    assert_null(model_find_tensor(&model, "fc2.bias"));
    assert_int_equal(model_n_params(&model), 6 * DIM + 5 * 6 + K * 5);
    dlx_rng rng;
    rng_seed(&rng, 6, 1);
    model_init(&model, &rng);
    /* floor 1e-2: float32 central differences at h = 1e-3 are good to ~1e-4 absolute */
    gradcheck_result r = model_gradcheck(&model, &batch, &rng, REAL_C(1e-3), 1e-2);
    print_message("deep homogeneous network: max rel error %.3g at %zu (%g vs %g)\n", r.max_rel_error,
                  r.worst, r.analytic, r.numeric);
    assert_true(r.max_rel_error < 2e-2);

    real before[16 * K], after[16 * K];
    model_predict(&model, batch.x, 16, NULL, before);
    real *p = model_params(&model);
    for (size_t i = 0; i < model_n_params(&model); i++)
        p[i] *= REAL_C(2.0);
    model_predict(&model, batch.x, 16, NULL, after);
    for (int i = 0; i < 16 * K; i++)
        assert_true(fabs(after[i] - 8.0 * before[i]) <= 1e-5 * (fabs(8.0 * before[i]) + 1.0));
    model_free(&model);
    diags_free(&d);
    dataset_free(&ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_kind_trains_through_the_loop),
        cmocka_unit_test(test_gradients_through_the_interface),
        cmocka_unit_test(test_homogeneous_network),
        cmocka_unit_test(test_deep_homogeneous_network),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
