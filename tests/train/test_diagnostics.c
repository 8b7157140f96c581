/* Tests of the diagnostics table and of weight_norm / grad_norm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spec/schema.h"
#include "diagnostics/diagnostic.h"
#include "models/model.h"

/* The names the experiment file accepts are exactly the implemented ones,
   in the order of dlx_diagnostic_kind. */
static void test_spec_names_match_table(void **state)
{
    (void)state;
    assert_int_equal(SPEC_DIAGNOSTICS.count, diagnostic_count());
    assert_int_equal(DIAGNOSTIC_COUNT, diagnostic_count());
    for (int i = 0; i < SPEC_DIAGNOSTICS.count; i++) {
        assert_non_null(diagnostic_find(SPEC_DIAGNOSTICS.names[i]));
        assert_string_equal(diagnostic_at(i)->name, SPEC_DIAGNOSTICS.names[i]);
    }
}

static dlx_config mlp_config(void)
{
    dlx_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.model.type = MODEL_MLP;
    cfg.model.n_hidden = 2;
    cfg.model.hidden[0] = 3;
    cfg.model.hidden[1] = 2;
    cfg.model.activation = ACT_TANH;
    cfg.model.bn_momentum = 0.1;
    cfg.model.bn_eps = 1e-5;
    cfg.loss = LOSS_CROSS_ENTROPY;
    cfg.n_diagnostics = 2;
    strcpy(cfg.diagnostics[0], "weight_norm");
    strcpy(cfg.diagnostics[1], "grad_norm");
    return cfg;
}

static void test_columns(void **state)
{
    (void)state;
    dlx_config cfg = mlp_config();
    dlx_columns *cols = calloc(1, sizeof *cols);
    diagnostics_columns(&cfg, cols);
    const char *expected[] = {"weight_norm.fc1", "weight_norm.fc2", "weight_norm.out",
                              "grad_norm.fc1", "grad_norm.fc2", "grad_norm.out"};
    assert_int_equal(cols->count, 6);
    for (int i = 0; i < 6; i++)
        assert_string_equal(cols->names[i], expected[i]);
    /* A second config adds only its new columns (the union over arms). */
    cfg.model.n_hidden = 3;
    cfg.model.hidden[2] = 2;
    diagnostics_columns(&cfg, cols);
    assert_int_equal(cols->count, 8);
    assert_string_equal(cols->names[6], "weight_norm.fc3");
    assert_string_equal(cols->names[7], "grad_norm.fc3");
    free(cols);
}

/* ||W||_F per layer, by hand: every weight w = 0.5 in fc1 (3x4) gives
   sqrt(12 * 0.25) = sqrt(3); grad_norm is empty before the first step and
   ||G||_F after. */
static void test_norm_values(void **state)
{
    (void)state;
    dlx_config cfg = mlp_config();
    dlx_model model = {0};
    dlx_diags diags = {0};
    assert_int_equal(model_create(&model, &cfg, &(dlx_model_shape){.n_inputs = 4, .n_outputs = 5, .max_batch = 8}, &diags), DLX_OK);
    dlx_tensor *fc1 = model_find_tensor(&model, "fc1.weight");
    dlx_tensor *out = model_find_tensor(&model, "out.weight");
    for (size_t i = 0; i < tensor_numel(fc1); i++) {
        fc1->data[i] = 0.5f;
        fc1->grad[i] = i == 0 ? 3.0f : 0.0f;
    }
    for (size_t i = 0; i < tensor_numel(out); i++)
        out->data[i] = i < 2 ? 2.0f : 0.0f;
    dlx_diag_context ctx = {.config = &cfg, .model = &model, .step = 0};
    double v[3];
    diagnostic_find("weight_norm")->measure(&ctx, v);
    assert_true(fabs(v[0] - sqrt(3.0)) < 1e-12);
    assert_true(fabs(v[2] - sqrt(8.0)) < 1e-12);
    diagnostic_find("grad_norm")->measure(&ctx, v);
    assert_true(isnan(v[0]) && isnan(v[1]) && isnan(v[2]));
    ctx.step = 5;
    diagnostic_find("grad_norm")->measure(&ctx, v);
    assert_true(fabs(v[0] - 3.0) < 1e-12);
    model_free(&model);
    diags_free(&diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_names_match_table),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_norm_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
