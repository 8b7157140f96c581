/* Tests of checkpoint_validate (src/train/checkpoint.c): the checks of a
   checkpoint's state against the experiment that is to continue it. Valid
   states (an epoch's end, a signal mid-epoch or after an epoch's last step,
   finished ok, stopped by a divergence) pass; an epoch beyond training.epochs,
   a position beyond the training examples, a step that epoch and position
   contradict and rows outside the evaluation schedule are refused, naming the
   file and the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "train/checkpoint.h"

/* 100 examples, batches of 16: 7 steps per epoch; 2 epochs, a row per epoch. */
static dlx_config experiment(int eval_every)
{
    dlx_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.training.epochs = 2;
    cfg.training.batch_size = 16;
    cfg.training.eval_every = eval_every;
    return cfg;
}

static dlx_train_state state(long epoch, long step, long position, long rows, bool finished)
{
    dlx_train_state s;
    memset(&s, 0, sizeof s);
    s.epoch = epoch, s.step = step, s.position = position, s.rows = rows, s.finished = finished;
    s.summary.status = RUN_OK;
    s.summary.epochs_done = (int)epoch;
    return s;
}

/* The status of checkpoint_validate, and its first message in *message. */
static dlx_status check(const dlx_config *cfg, dlx_train_state s, char *message, size_t n)
{
    dlx_diags d = {0};
    dlx_status st = checkpoint_validate("ck.safetensors", cfg, 100, &s, &d);
    snprintf(message, n, "%s", d.count ? d.items[0].message : "");
    if (d.count)
        assert_string_equal(d.items[0].file, "ck.safetensors");
    diags_free(&d);
    return st;
}

static void test_valid_states_pass(void **unused)
{
    (void)unused;
    char m[512];
    dlx_config cfg = experiment(0);
    assert_int_equal(check(&cfg, state(1, 7, 0, 2, false), m, sizeof m), DLX_OK);  /* epoch end */
    assert_int_equal(check(&cfg, state(1, 10, 48, 2, false), m, sizeof m), DLX_OK); /* signal */
    assert_int_equal(check(&cfg, state(1, 14, 100, 2, false), m, sizeof m), DLX_OK); /* last step */
    assert_int_equal(check(&cfg, state(2, 14, 0, 3, true), m, sizeof m), DLX_OK);   /* finished */
    dlx_train_state diverged = state(1, 9, 48, 3, true);                             /* stopped */
    diverged.summary.status = RUN_DIVERGED;
    assert_int_equal(check(&cfg, diverged, m, sizeof m), DLX_OK);
    dlx_config every5 = experiment(5);
    assert_int_equal(check(&every5, state(1, 10, 48, 3, false), m, sizeof m), DLX_OK);
    assert_int_equal(check(&every5, state(2, 14, 0, 4, true), m, sizeof m), DLX_OK);
}

static void test_epoch_beyond_training(void **unused)
{
    (void)unused;
    char m[512];
    dlx_config cfg = experiment(0);
    assert_int_equal(check(&cfg, state(999, 14, 0, 3, true), m, sizeof m), DLX_ERR_INPUT);
    assert_string_equal(m, "checkpoint metadata 'epoch' is 999, but the experiment has 2 epochs");
}

static void test_position_beyond_examples(void **unused)
{
    (void)unused;
    char m[512];
    dlx_config cfg = experiment(0);
    assert_int_equal(check(&cfg, state(1, 7, 5000, 2, false), m, sizeof m), DLX_ERR_INPUT);
    assert_string_equal(m, "checkpoint metadata 'position' is 5000, beyond the 100 training "
                           "examples");
}

static void test_step_contradicts_epoch(void **unused)
{
    (void)unused;
    char m[512];
    dlx_config cfg = experiment(0);
    assert_int_equal(check(&cfg, state(1, 3, 0, 2, false), m, sizeof m), DLX_ERR_INPUT);
    assert_string_equal(m, "checkpoint metadata 'step' is 3, but 1 epochs of 7 steps and "
                           "position 0 make 7");
}

static void test_rows_and_status(void **unused)
{
    (void)unused;
    char m[512];
    dlx_config cfg = experiment(0);
    assert_int_equal(check(&cfg, state(1, 7, 0, 40, false), m, sizeof m), DLX_ERR_INPUT);
    assert_non_null(strstr(m, "'rows' is 40"));
    assert_int_equal(check(&cfg, state(2, 14, 0, 3, false), m, sizeof m), DLX_ERR_INPUT);
    assert_non_null(strstr(m, "status 'running' after the last epoch"));
    assert_int_equal(check(&cfg, state(1, 7, 0, 2, true), m, sizeof m), DLX_ERR_INPUT);
    assert_non_null(strstr(m, "status 'finished' (ok) after epoch 1 of 2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_states_pass),
        cmocka_unit_test(test_epoch_beyond_training),
        cmocka_unit_test(test_position_beyond_examples),
        cmocka_unit_test(test_step_contradicts_epoch),
        cmocka_unit_test(test_rows_and_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
