/* Tests of the fit checks made before anything runs (src/experiment/validate.c):
   each rule "X only fits some models" reported at the place of X, through
   the path `dlx validate` takes (experiment_validate_file), and through the
   call the runner makes for each loaded sweep point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/harness.h"
#include "experiment/validate.h"
#include "spec/experiment.h"

static const char DATA_LOGISTIC[] =
    "experiment: fit\n"
    "data: {source: synthetic, kind: logistic, n_train: 40, n_test: 20, dim: 3}\n";

/* Validate text as file e.yaml in a fresh folder, as `dlx validate` does;
   returns the status and the printed messages in *out (with the folder's
   path replaced by nothing, so messages read "e.yaml:L:C: ..."). */
static dlx_status validate_text(const char *text, char **out)
{
    char *dir = harness_tmpdir();
    char *path = harness_write(dir, "e.yaml", text);
    dlx_diags diags = {0};
    dlx_status st = experiment_validate_file(path, NULL, &diags);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diags_print(&diags, f);
    fclose(f);
    size_t prefix = strlen(dir) + 1;
    for (char *p; (p = strstr(buf, dir));) /* drop "DIR/" */
        memmove(p, p + prefix, strlen(p + prefix) + 1);
    *out = buf;
    diags_free(&diags);
    harness_rmtree(dir);
    free(path);
    free(dir);
    return st;
}

/* Exactly the expected messages, in order, and nothing else. */
static void expect_messages(const char *text, const char *const *expected, int n)
{
    char *out = NULL;
    assert_int_equal(validate_text(text, &out), n ? DLX_ERR_INPUT : DLX_OK);
    const char *p = out;
    for (int i = 0; i < n; i++) {
        const char *hit = strstr(p, expected[i]);
        if (!hit)
            fail_msg("expected \"%s\" in:\n%s", expected[i], out);
        p = hit + strlen(expected[i]);
    }
    int lines = 0;
    for (const char *q = out; *q; q++)
        lines += *q == '\n';
    if (lines != n)
        fail_msg("expected %d messages, got:\n%s", n, out);
    free(out);
}

static char *with_data(const char *rest)
{
    size_t n = strlen(DATA_LOGISTIC) + strlen(rest) + 1;
    char *text = malloc(n);
    snprintf(text, n, "%s%s", DATA_LOGISTIC, rest);
    return text;
}

/* The bug: an mlp arm with dropout_penalty passed validation and failed
   only when its run started, without a place. */
static void test_dropout_penalty_on_mlp_arm(void **state)
{
    (void)state;
    char *text = with_data("model: {type: logistic}\n"
                           "diagnostics: [weight_norm, dropout_penalty]\n"
                           "arms:\n"
                           "  - name: logit\n"
                           "  - name: net\n"
                           "    model: {type: mlp, hidden: [4]}\n"
                           "    loss: logistic\n");
    /* The spec layer alone accepts it: only the fit check refuses it. */
    dlx_diags diags = {0};
    assert_int_equal(experiment_validate_all_points_string(text, strlen(text), "e.yaml", NULL, &diags), DLX_OK);
    diags_free(&diags);
    const char *expected[] = {
        "e.yaml:4:28: error: arm 'net': diagnostic dropout_penalty needs model.type logistic, here mlp\n"};
    expect_messages(text, expected, 1);
    free(text);
}

/* An arm's own list is the place when the arm writes it. */
static void test_arm_list_is_the_place(void **state)
{
    (void)state;
    char *text = with_data("model: {type: logistic}\n"
                           "arms:\n"
                           "  - name: plain\n"
                           "  - name: soft\n"
                           "    model: {type: softmax}\n"
                           "    loss: cross_entropy\n"
                           "    diagnostics: [grad_norm, dropout_penalty]\n");
    const char *expected[] = {
        "e.yaml:9:30: error: arm 'soft': diagnostic dropout_penalty needs model.type logistic, here softmax\n"};
    expect_messages(text, expected, 1);
    free(text);
}

/* A problem of every arm (here the one arm of a file without arms) is
   reported once, without an arm; the base alone is not checked, since it
   runs only as that arm. */
static void test_base_problem_once(void **state)
{
    (void)state;
    char *text = with_data("model: {type: mlp, hidden: [3]}\n"
                           "loss: logistic\n"
                           "diagnostics: [dropout_penalty]\n");
    const char *expected[] = {
        "e.yaml:5:15: error: diagnostic dropout_penalty needs model.type logistic, here mlp\n"};
    expect_messages(text, expected, 1);
    free(text);
}

/* The base's reference is none, but every arm sets one that fits: valid
   (the base does not run on its own). An item every arm inherits and
   misfits is reported once. */
static void test_arms_override_the_base(void **state)
{
    (void)state;
    char *text = with_data("model: {type: logistic}\n"
                           "diagnostics: [dist_to_ref]\n"
                           "arms:\n"
                           "  - name: a\n"
                           "    reference: logistic\n"
                           "  - name: b\n"
                           "    reference: dropout_quadratic\n");
    expect_messages(text, NULL, 0);
    free(text);
    text = with_data("model: {type: softmax}\n"
                     "diagnostics: [dropout_penalty]\n"
                     "arms:\n"
                     "  - name: a\n"
                     "  - name: b\n"
                     "    optimizer: {lr: 0.5}\n");
    const char *expected[] = {
        "e.yaml:4:15: error: diagnostic dropout_penalty needs model.type logistic, here softmax\n"};
    expect_messages(text, expected, 1);
    free(text);
}

/* reference: an explicit choice that is not the model's objective. */
static void test_reference_lasso_on_logistic(void **state)
{
    (void)state;
    char *text = with_data("model: {type: logistic}\n"
                           "arms:\n"
                           "  - name: ok\n"
                           "  - name: lasso\n"
                           "    reference: lasso\n");
    const char *expected[] = {"e.yaml:7:16: error: arm 'lasso': reference 'lasso' needs model linear with loss "
                              "mse, here model is logistic with loss logistic\n"};
    expect_messages(text, expected, 1);
    free(text);
}

/* suboptimality and dist_to_ref need a reference solution. */
static void test_suboptimality_without_reference(void **state)
{
    (void)state;
    char *text = with_data("model: {type: logistic}\n"
                           "diagnostics: [suboptimality, dist_to_ref]\n");
    /* logistic without l2: auto picks none */
    const char *expected[] = {
        "e.yaml:4:15: error: diagnostic suboptimality needs a reference solution, and model logistic has none",
        "e.yaml:4:30: error: diagnostic dist_to_ref needs a reference solution, and model logistic has none"};
    expect_messages(text, expected, 2);
    free(text);
}

/* A logistic model goes with the logistic loss (was found when the run
   started, without a place). */
static void test_logistic_model_with_mse(void **state)
{
    (void)state;
    char *text = with_data("model: {type: logistic}\n"
                           "loss: mse\n");
    const char *expected[] = {
        "e.yaml:4:7: error: model logistic goes with loss logistic, here loss is mse\n"};
    expect_messages(text, expected, 1);
    free(text);
}

/* Every problem at once, each at its place, sorted by place. */
static void test_every_problem_at_once(void **state)
{
    (void)state;
    char *text = with_data("model: {type: logistic}\n"
                           "regularizer: {l2: 0.1}\n"
                           "diagnostics: [dropout_penalty, suboptimality]\n"
                           "arms:\n"
                           "  - name: a\n"
                           "  - name: b\n"
                           "    model: {type: softmax}\n"
                           "    loss: cross_entropy\n"
                           "  - name: c\n"
                           "    reference: ridge\n");
    const char *expected[] = {
        "e.yaml:5:15: error: arm 'b': diagnostic dropout_penalty needs model.type logistic, here softmax\n",
        "e.yaml:5:32: error: arm 'b': diagnostic suboptimality needs a reference solution",
        "e.yaml:12:16: error: arm 'c': reference 'ridge' needs model linear with loss mse, here model is "
        "logistic with loss logistic\n"};
    expect_messages(text, expected, 3);
    free(text);
}

/* A sweep: a problem of some points is prefixed with the point, one of
   every point is reported once, without a point. */
static void test_sweep_points(void **state)
{
    (void)state;
    char *text = with_data("model: {type: logistic}\n"
                           "diagnostics: [dropout_penalty]\n"
                           "sweep:\n"
                           "  model.type: [logistic, softmax]\n");
    const char *some[] = {"e.yaml:4:15: error: in sweep point 1 (model.type=softmax): diagnostic dropout_penalty "
                          "needs model.type logistic, here softmax\n"};
    expect_messages(text, some, 1);
    free(text);
    text = with_data("model: {type: softmax}\n"
                     "diagnostics: [dropout_penalty]\n"
                     "sweep:\n"
                     "  optimizer.lr: [0.1, 0.2, 0.3]\n");
    const char *every[] = {"e.yaml:4:15: error: diagnostic dropout_penalty needs model.type logistic, here softmax\n"};
    expect_messages(text, every, 1);
    free(text);
}

/* A valid experiment: no message, as before. */
static void test_valid_experiment(void **state)
{
    (void)state;
    char *text = with_data("model: {type: logistic}\n"
                           "regularizer: {l2: 0.1, input_noise: 0.1}\n"
                           "diagnostics: [dropout_penalty, suboptimality, dist_to_ref, act_quantiles, "
                           "condition_number]\n"
                           "arms:\n"
                           "  - name: a\n"
                           "  - name: b\n"
                           "    model: {type: mlp, hidden: [3]}\n"
                           "    diagnostics: [act_quantiles]\n"
                           "sweep:\n"
                           "  optimizer.lr: [0.1, 0.2]\n");
    expect_messages(text, NULL, 0);
    free(text);
}

/* What the runner calls for each loaded point: the point named as the spec
   layer names it. */
static void test_runner_call(void **state)
{
    (void)state;
    char *text = with_data("model: {type: logistic}\n"
                           "diagnostics: [dropout_penalty]\n"
                           "sweep:\n"
                           "  model.type: [logistic, softmax]\n");
    dlx_experiment *exp = calloc(1, sizeof *exp);
    dlx_sweep sweep;
    char values[DLX_MAX_SWEEP_KEYS][128];
    dlx_diags diags = {0};
    assert_int_equal(experiment_load_string(exp, &sweep, text, strlen(text), "e.yaml", NULL, 0, values, &diags),
                     DLX_OK);
    assert_int_equal(experiment_validate_point_fits(exp, &sweep, 0, values, &diags), DLX_OK);
    assert_int_equal(experiment_load_string(exp, &sweep, text, strlen(text), "e.yaml", NULL, 1, values, &diags),
                     DLX_OK);
    assert_int_equal(experiment_validate_point_fits(exp, &sweep, 1, values, &diags), DLX_ERR_INPUT);
    assert_int_equal(diags.count, 1);
    assert_string_equal(diags.items[0].message, "in sweep point 1 (model.type=softmax): diagnostic dropout_penalty "
                                                "needs model.type logistic, here softmax");
    assert_int_equal(diags.items[0].line, 4);
    assert_int_equal(diags.items[0].col, 15);
    diags_free(&diags);
    free(exp);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dropout_penalty_on_mlp_arm),
        cmocka_unit_test(test_arm_list_is_the_place),
        cmocka_unit_test(test_base_problem_once),
        cmocka_unit_test(test_arms_override_the_base),
        cmocka_unit_test(test_reference_lasso_on_logistic),
        cmocka_unit_test(test_suboptimality_without_reference),
        cmocka_unit_test(test_logistic_model_with_mse),
        cmocka_unit_test(test_every_problem_at_once),
        cmocka_unit_test(test_sweep_points),
        cmocka_unit_test(test_valid_experiment),
        cmocka_unit_test(test_runner_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
