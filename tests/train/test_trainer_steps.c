/*
 * Tests of the trainer's bookkeeping (src/train/trainer.c, checkpoint.c) on a
 * linear regression small enough to count by hand: 40 examples, batches of
 * 10 in data order, so an epoch is 4 steps and 3 epochs are 12.
 *  - the learning-rate schedule is indexed by epochs completed: with a step
 *    schedule halving every epoch, the rows of epochs 0, 1, 2, 3 carry
 *    lr 0.1, 0.1, 0.05, 0.025 (epoch 1 trains at the initial rate);
 *  - a run stopped mid-epoch checkpoints its position in the epoch, and
 *    --resume continues from that position: 12 steps in all, the same final
 *    row as an uninterrupted run (not the 14 of an epoch redone from its start).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../support/harness.h"
#include "data/split.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "util/rng.h"

enum { N_TRAIN = 40, N_TEST = 10, DIM = 3, BATCH = 10, EPOCHS = 3 };

/* y = x·[1, −2, 0.5] + noise; inputs standard normal. */
static void make_data(dlx_dataset *ds)
{
    dlx_diags d = {0};
    *ds = (dlx_dataset){0};
    assert_int_equal(split_alloc(&ds->train, N_TRAIN, DIM, 1, "train", &d), DLX_OK);
    assert_int_equal(split_alloc(&ds->test, N_TEST, DIM, 1, "test", &d), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 7, 1);
    const double w[DIM] = {1.0, -2.0, 0.5};
    dlx_split *splits[] = {&ds->train, &ds->test};
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < splits[s]->n; i++) {
            double y = 0.1 * rng_normal(&rng);
            for (int j = 0; j < DIM; j++) {
                splits[s]->x[i * DIM + j] = (float)rng_normal(&rng);
                y += w[j] * splits[s]->x[i * DIM + j];
            }
            splits[s]->targets[i] = (float)y;
        }
}

/* SGD at 0.1, halved after every epoch (StepLR, step_size 1, γ 0.5). */
static dlx_config linear_config(void)
{
    dlx_config cfg = {0};
    cfg.model.type = MODEL_LINEAR;
    cfg.model.init = INIT_NORMAL;
    cfg.model.init_std = 0.1;
    cfg.loss = LOSS_MSE;
    cfg.optimizer = (dlx_optimizer_config){
        .type = OPT_SGD, .lr = 0.1, .schedule = {.type = SCHED_STEP, .step_size = 1, .gamma = 0.5}};
    cfg.training = (dlx_training_config){.epochs = EPOCHS, .batch_size = BATCH, .shuffle = false};
    cfg.reference = REF_NONE;
    return cfg;
}

typedef struct {
    dlx_dataset ds;
    dlx_config cfg;
    char *dir;
    char ckpt[4096], metrics[4096];
    FILE *fp;
    dlx_run_request req;
} fixture;

/* A request for seed 1 writing its rows to dir/NAME and checkpointing. */
static void fixture_open(fixture *f, const char *name)
{
    make_data(&f->ds);
    f->cfg = linear_config();
    f->dir = harness_tmpdir();
    snprintf(f->ckpt, sizeof f->ckpt, "%s/checkpoint.safetensors", f->dir);
    snprintf(f->metrics, sizeof f->metrics, "%s/%s", f->dir, name);
    f->fp = fopen(f->metrics, "w");
    assert_non_null(f->fp);
    f->req = (dlx_run_request){.config = &f->cfg, .arm = "a", .seed = 1, .data = &f->ds,
                               .source_file = "test.yaml", .checkpoint_path = f->ckpt,
                               .sinks = {{f->fp, f->metrics}}, .n_sinks = 1};
}

static void fixture_close(fixture *f)
{
    if (f->fp)
        fclose(f->fp);
    dataset_free(&f->ds);
    harness_rmtree(f->dir);
    free(f->dir);
}

/* The whole run of the fixture's request, its rows file closed after. */
static void fixture_train(fixture *f)
{
    dlx_run_summary summary;
    dlx_diags d = {0};
    assert_int_equal(train_run(&f->req, &summary, &d), DLX_OK);
    assert_int_equal(summary.status, RUN_OK);
    fclose(f->fp);
    f->fp = NULL;
    diags_free(&d);
}

/* Field `col` (0-based) of line `line` of a rows file, as a number. */
static double field(const char *path, int line, int col)
{
    char *text = harness_read(path);
    assert_non_null(text);
    const char *p = text;
    for (int l = 0; l < line && p; l++)
        p = (p = strchr(p, '\n')) ? p + 1 : NULL;
    assert_non_null(p);
    for (int c = 0; c < col && p; c++)
        p = (p = strchr(p, ',')) ? p + 1 : NULL;
    assert_non_null(p);
    double v = strtod(p, NULL);
    free(text);
    return v;
}

/* The last line of a rows file without its wall_s (the 12th field). */
static char *last_row_without_wall(const char *path)
{
    char *text = harness_read(path);
    assert_non_null(text);
    size_t n = strlen(text);
    assert_true(n > 1);
    text[n - 1] = '\0';
    char *last = strrchr(text, '\n');
    char *row = strdup(last ? last + 1 : text);
    free(text);
    char *p = row;
    for (int c = 0; c < 11 && p; c++)
        p = (p = strchr(p, ',')) ? p + 1 : NULL;
    assert_non_null(p);
    char *end = strchr(p, ',');
    memmove(p, end ? end : p + strlen(p), strlen(end ? end : p + strlen(p)) + 1);
    return row;
}

/* The rate of epoch e's steps is schedule_lr(e − 1), the rate after e − 1 epochs completed, as
   PyTorch's scheduler.step() once per epoch gives: a step schedule halving every epoch must show
   lr 0.1 on the rows of epochs 0 and 1, then 0.05 and 0.025 (one epoch ahead, epoch 1 would
   already train at 0.05). Rows: arm,seed,epoch,step,lr,...; one per epoch plus epoch 0. */
static void test_schedule_follows_epochs_completed(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "rows.csv");
    fixture_train(&f);
    const double lr[EPOCHS + 1] = {0.1, 0.1, 0.05, 0.025};
    for (int e = 0; e <= EPOCHS; e++) {
        assert_true(field(f.metrics, e, 2) == e);
        assert_true(field(f.metrics, e, 3) == 4 * e);
        assert_true(field(f.metrics, e, 4) == lr[e]);
    }
    fixture_close(&f);
}

/* A run stopped after two steps of epoch 1 checkpoints position 20 (2 batches of 10), and its
   --resume trains the remaining 20 examples of epoch 1, not the whole epoch again: 12 steps in
   all, and the final row equal to the uninterrupted run's. The stop comes from a child process,
   since the stop flag is process-wide; the resume runs here. */
static void test_resume_continues_mid_epoch(void **state)
{
    (void)state;
    fixture ref;
    fixture_open(&ref, "ref.csv");
    fixture_train(&ref);

    dlx_diags d = {0};
    fixture f;
    fixture_open(&f, "stopped.csv");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dlx_trainer *t;
        int ok = trainer_create(&t, &f.req, &d) == DLX_OK && trainer_begin(t, &d) == DLX_OK &&
                 trainer_advance(t, &d) == DLX_OK;
        train_request_stop();
        ok = ok && trainer_advance(t, &d) == DLX_OK && trainer_done(t);
        trainer_free(t);
        fclose(f.fp);
        _exit(ok ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    dlx_train_state st;
    assert_int_equal(checkpoint_read_state(f.ckpt, &st, &d), DLX_OK);
    assert_int_equal(st.epoch, 0);
    assert_int_equal(st.step, 2);
    assert_int_equal(st.position, 2 * BATCH);   /* 20 of epoch 1's 40 examples done */
    assert_false(st.finished);

    f.req.resume = true;
    fixture_train(&f);
    assert_int_equal(checkpoint_read_state(f.ckpt, &st, &d), DLX_OK);
    assert_int_equal(st.step, EPOCHS * N_TRAIN / BATCH);   /* 12, as uninterrupted */
    assert_true(st.finished);
    char *a = last_row_without_wall(ref.metrics), *b = last_row_without_wall(f.metrics);
    assert_string_equal(a, b);
    free(a);
    free(b);
    diags_free(&d);
    fixture_close(&f);
    fixture_close(&ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule_follows_epochs_completed),
        cmocka_unit_test(test_resume_continues_mid_epoch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
