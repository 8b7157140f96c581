/*
 * Learning-rate schedules and the `reference` and `schedule` keys:
 * closed-form rates, located errors with did-you-mean, and the resolved
 * experiment reading back to the same bytes.
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

#include "../support/harness.h"
#include "optim/schedule.h"

static dlx_optimizer_config with(dlx_schedule_type type, int step_size, double gamma, int t_max,
                                 double eta_min)
{
    return (dlx_optimizer_config){.lr = 0.5, .schedule = {type, step_size, gamma, t_max, eta_min}};
}

static void test_rates(void **state)
{
    (void)state;
    dlx_optimizer_config c = with(SCHED_CONSTANT, 0, 0, 0, 0);
    assert_true(schedule_lr(&c, 7, 10) == 0.5);
    c = with(SCHED_STEP, 3, 0.1, 0, 0);
    assert_true(schedule_lr(&c, 2, 10) == 0.5);
    assert_true(fabs(schedule_lr(&c, 3, 10) - 0.05) < 1e-15);
    assert_true(fabs(schedule_lr(&c, 6, 10) - 0.005) < 1e-16);
    c = with(SCHED_EXPONENTIAL, 0, 0.5, 0, 0);
    assert_true(schedule_lr(&c, 3, 10) == 0.0625);
    c = with(SCHED_INVERSE_TIME, 0, 0.5, 0, 0);
    assert_true(schedule_lr(&c, 4, 10) == 0.5 / 3.0);
    c = with(SCHED_COSINE, 0, 1.0, 0, 0.1);   /* T = the 10 epochs */
    assert_true(schedule_lr(&c, 0, 10) == 0.5);
    assert_true(fabs(schedule_lr(&c, 5, 10) - 0.3) < 1e-15);
    assert_true(fabs(schedule_lr(&c, 10, 10) - 0.1) < 1e-15);
    c = with(SCHED_COSINE, 0, 1.0, 4, 0.0);
    assert_true(fabs(schedule_lr(&c, 2, 10) - 0.25) < 1e-15);
}

static const char *const BASE =
    "experiment: s\n"
    "data: {source: synthetic, kind: linear, n_train: 20, n_test: 10, dim: 3}\n"
    "model: {type: linear}\n";

/* dlx validate on BASE + extra; returns the exit code, stdout and stderr. */
static int validate(const char *dir, const char *extra, char **out, char **err)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", BASE, extra);
    char *path = harness_write(dir, "e.yaml", text);
    int code = harness_dlx(out, err, "validate '%s'", path);
    free(path);
    return code;
}

static void expect_error(const char *dir, const char *extra, const char *message)
{
    char *err = NULL;
    assert_int_equal(validate(dir, extra, NULL, &err), 2);
    if (!strstr(err, message))
        fail_msg("expected \"%s\" in:\n%s", message, err);
    free(err);
}

static void test_errors(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    expect_error(dir, "optimizer: {lr: 0.1, schedule: {type: cosin}}\n",
                 "e.yaml:4:39: error: unknown schedule 'cosin' for 'optimizer.schedule.type'; did you mean 'cosine'?");
    expect_error(dir, "optimizer: {schedule: {type: exponential, step_size: 3}}\n",
                 "e.yaml:4:43: error: key 'step_size' applies only to optimizer.schedule.type step");
    expect_error(dir, "optimizer: {schedule: {type: step, gama: 0.5}}\n",
                 "e.yaml:4:36: error: unknown key 'gama' in 'optimizer.schedule'; did you mean 'gamma'?");
    expect_error(dir, "optimizer: {schedule: {type: step, gamma: 2}}\n",
                 "e.yaml:4:43: error: optimizer.schedule.gamma must be in (0, 1], got 2");
    expect_error(dir, "reference: logistic\n",
                 "e.yaml:4:12: error: reference 'logistic' needs model logistic, here model is linear with loss mse");
    expect_error(dir, "reference: rige\n", "did you mean 'ridge'?");
    harness_rmtree(dir);
    free(dir);
}

static void test_round_trip(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *first = NULL, *second = NULL;
    assert_int_equal(validate(dir, "optimizer: {lr: 0.1, schedule: cosine}\nregularizer: {l1: 0.01}\n"
                                   "arms:\n  - name: a\n  - name: b\n"
                                   "    optimizer: {schedule: {type: step, step_size: 5}}\n"
                                   "    regularizer: {l1: 0.0}\n", &first, NULL), 0);
    assert_non_null(strstr(first, "  schedule:\n    type: cosine\n    t_max: epochs\n    eta_min: 0.0\n"));
    assert_non_null(strstr(first, "\nreference: lasso\n"));
    assert_non_null(strstr(first, "      schedule:\n        type: step\n        step_size: 5\n        gamma: 0.1\n"));
    assert_non_null(strstr(first, "    reference: min_norm\n"));
    char *path = harness_write(dir, "resolved.yaml", first);
    assert_int_equal(harness_dlx(&second, NULL, "validate '%s'", path), 0);
    assert_string_equal(first, second);
    free(path);
    free(first);
    free(second);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
