/*
 * Tests of the act_quantiles diagnostic: the type-7 quantile, the columns,
 * and the measured values on a hand-set network whose pre-activations are
 * known exactly (with and without batch norm).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/mlp.h"
#include "diagnostics/act_quantiles.h"
#include "diagnostics/diagnostic.h"
#include "models/model.h"

/* numpy.percentile([1, 2, 3, 4, 5], [15, 50, 85]) = [1.6, 3.0, 4.4]. */
static void test_quantile_type7(void **state)
{
    (void)state;
    const float x[] = {1, 2, 3, 4, 5};
    assert_float_equal(act_quantile_sorted(x, 5, 0.15), 1.6, 1e-12);
    assert_float_equal(act_quantile_sorted(x, 5, 0.50), 3.0, 1e-12);
    assert_float_equal(act_quantile_sorted(x, 5, 0.85), 4.4, 1e-12);
    assert_float_equal(act_quantile_sorted(x, 5, 1.0), 5.0, 1e-12);
    assert_float_equal(act_quantile_sorted(x, 1, 0.85), 1.0, 1e-12);
}

static dlx_config one_layer_config(bool batch_norm)
{
    dlx_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.model.type = MODEL_MLP;
    cfg.model.n_hidden = 1;
    cfg.model.hidden[0] = 2;
    cfg.model.activation = ACT_SIGMOID;
    cfg.model.batch_norm = batch_norm;
    cfg.model.bn_momentum = 0.1;
    cfg.model.bn_eps = 1e-5;
    cfg.loss = LOSS_CROSS_ENTROPY;
    cfg.n_diagnostics = 1;
    strcpy(cfg.diagnostics[0], "act_quantiles");
    return cfg;
}

static void test_columns(void **state)
{
    (void)state;
    dlx_config cfg = one_layer_config(false);
    cfg.model.n_hidden = 2;
    cfg.model.hidden[1] = 3;
    dlx_columns *cols = calloc(1, sizeof *cols);
    diagnostics_columns(&cfg, cols);
    const char *expected[] = {"act_q15.fc1", "act_q50.fc1", "act_q85.fc1", "act_mean.fc1",
                              "act_std.fc1", "act_q15.fc2", "act_q50.fc2", "act_q85.fc2",
                              "act_mean.fc2", "act_std.fc2"};
    assert_int_equal(cols->count, 10);
    for (int i = 0; i < 10; i++)
        assert_string_equal(cols->names[i], expected[i]);
    /* A model without hidden layers has no such columns. */
    cfg.model.type = MODEL_SOFTMAX;
    cols->count = 0;
    diagnostics_columns(&cfg, cols);
    assert_int_equal(cols->count, 0);
    free(cols);
}

/* Probe x_i = (i, −i), i = 1..5, through W = [[1, 0], [0, 2]], b = [0, 1]:
   u = {1..5} ∪ {−1, −3, −5, −7, −9}; sorted −9 −7 −5 −3 −1 1 2 3 4 5.
   q15: h = 1.35 → −6.3; q50: h = 4.5 → 0; q85: h = 7.65 → 3.65;
   mean −1; std √(210/10) = √21. With batch norm (running mean 0, var 1,
   γ = 2, β = 0.5) every u becomes 2u/√(1+ε) + 0.5. */
static void check_measure(bool batch_norm)
{
    dlx_config cfg = one_layer_config(batch_norm);
    dlx_diags diags = {0};
    dlx_model model = {0};
    assert_int_equal(model_create(&model, &cfg, &(dlx_model_shape){.n_inputs = 2, .n_outputs = 3, .max_batch = 4}, &diags), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 1, 0);
    model_init(&model, &rng);
    float *W = model_find_tensor(&model, "fc1.weight")->data;
    float *b = model_find_tensor(&model, "fc1.bias")->data;
    W[0] = 1, W[1] = 0, W[2] = 0, W[3] = 2;
    b[0] = 0, b[1] = 1;
    double scale = 1.0, shift = 0.0;
    if (batch_norm) {
        float *gamma = model_find_tensor(&model, "bn1.weight")->data;
        float *beta = model_find_tensor(&model, "bn1.bias")->data;
        gamma[0] = gamma[1] = 2.0f;
        beta[0] = beta[1] = 0.5f;
        scale = 2.0 / sqrt(1.0 + 1e-5);
        shift = 0.5;
    }
    float x[10];
    int labels[5] = {0};
    for (int i = 0; i < 5; i++)
        x[2 * i] = (float)(i + 1), x[2 * i + 1] = (float)-(i + 1);
    dlx_dataset data = {.test = {.n = 5, .dim = 2, .x = x, .labels = labels}, .classes = 3};
    dlx_diag_context ctx = {.config = &cfg, .model = &model, .data = &data, .step = 0};
    assert_int_equal(DIAG_ACT_QUANTILES.create(&ctx, &diags), DLX_OK);
    double values[5];
    DIAG_ACT_QUANTILES.measure(&ctx, values);
    const double expected[5] = {-6.3 * scale + shift, 0.0 * scale + shift, 3.65 * scale + shift,
                                -1.0 * scale + shift, sqrt(21.0) * scale};
    for (int s = 0; s < 5; s++)
        assert_float_equal(values[s], expected[s], 1e-5);
    /* Measuring again gives the same values: the probe is fixed. */
    double again[5];
    DIAG_ACT_QUANTILES.measure(&ctx, again);
    for (int s = 0; s < 5; s++)
        assert_float_equal(again[s], values[s], 0.0);
    DIAG_ACT_QUANTILES.destroy(ctx.state);
    model_free(&model);
    diags_free(&diags);
}

static void test_measure_plain(void **state)
{
    (void)state;
    check_measure(false);
}

static void test_measure_batch_norm(void **state)
{
    (void)state;
    check_measure(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantile_type7),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_measure_plain),
        cmocka_unit_test(test_measure_batch_norm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
