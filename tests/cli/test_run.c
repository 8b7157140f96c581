/*
 * End-to-end tests of `dlx run`: the files of SPEC §3, learning on synthetic
 * data, determinism across runs and --jobs, the output-folder guard, arms and
 * seeds selection, divergence, checkpoints as initial weights.
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

static const char SMALL[] =
    "experiment: small\n"
    "seeds: 2\n"
    "data: {source: synthetic, kind: gaussian_mixture, n_train: 600, n_test: 300, dim: 8,\n"
    "       classes: 3, separation: 4.0, seed: 5}\n"
    "model: {type: mlp, hidden: [16, 16], activation: tanh, dropout: 0.1}\n"
    "optimizer: {type: momentum, lr: 0.05}\n"
    "training: {epochs: 6, batch_size: 32}\n"
    "arms:\n"
    "  - name: plain\n"
    "  - name: bn\n"
    "    model: {batch_norm: true}\n";

typedef struct {
    char *dir;
    char *config;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = harness_tmpdir();
    f->config = harness_write(f->dir, "small.yaml", SMALL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    harness_rmtree(f->dir);
    free(f->dir);
    free(f->config);
    free(f);
    return 0;
}

static char *path_in(const fixture *f, const char *rel)
{
    char *p = malloc(strlen(f->dir) + strlen(rel) + 2);
    sprintf(p, "%s/%s", f->dir, rel);
    return p;
}

/* SPEC §3 columns in order, epoch 0 first per run, decreasing training loss,
   summary rows, resolved.yaml and checkpoints present. */
static void test_files_and_columns(void **state)
{
    fixture *f = *state;
    char *err = NULL;
    int code = harness_dlx(NULL, &err, "run '%s' --out '%s/out' --quiet", f->config, f->dir);
    assert_int_equal(code, 0);
    assert_string_equal(err, "");
    free(err);

    char *metrics = path_in(f, "out/metrics.csv");
    char *text = harness_read(metrics);
    assert_non_null(text);
    static const char header[] = "arm,seed,epoch,step,lr,train_loss,train_acc,test_loss,"
                                 "test_acc,gen_gap,objective,wall_s\n";
    assert_memory_equal(text, header, strlen(header));
    free(text);

    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, metrics), 0);
    assert_int_equal(csv.n_rows, 2 * 2 * 7); /* arms x seeds x (epoch 0..6) */
    const char *expected_arm[] = {"plain", "plain", "bn", "bn"};
    for (int run = 0; run < 4; run++) {
        int r0 = run * 7;
        assert_string_equal(harness_csv_str(&csv, r0, "arm"), expected_arm[run]);
        assert_int_equal((int)harness_csv_num(&csv, r0, "seed"), 1 + run % 2);
        assert_string_equal(harness_csv_str(&csv, r0, "epoch"), "0");
        assert_string_equal(harness_csv_str(&csv, r0, "step"), "0");
        assert_string_equal(harness_csv_str(&csv, r0, "objective"), "");
        for (int e = 1; e <= 6; e++) {
            int r = r0 + e;
            assert_int_equal((int)harness_csv_num(&csv, r, "epoch"), e);
            assert_int_equal((int)harness_csv_num(&csv, r, "step"), e * 19); /* ceil(600/32) */
            double gap = harness_csv_num(&csv, r, "test_loss") - harness_csv_num(&csv, r, "train_loss");
            assert_true(fabs(gap - harness_csv_num(&csv, r, "gen_gap")) < 1e-6);
            double acc = harness_csv_num(&csv, r, "test_acc");
            assert_true(acc >= 0 && acc <= 1);
        }
        /* Training loss falls: the last epoch well below epoch 0 and below epoch 1. */
        double l0 = harness_csv_num(&csv, r0, "train_loss");
        double l1 = harness_csv_num(&csv, r0 + 1, "train_loss");
        double l6 = harness_csv_num(&csv, r0 + 6, "train_loss");
        assert_true(l6 < 0.6 * l0);
        assert_true(l6 < l1);
        assert_true(harness_csv_num(&csv, r0 + 6, "test_acc") > 0.7);
    }
    harness_csv_free(&csv);

    char *summary = path_in(f, "out/summary.csv");
    assert_int_equal(harness_csv_read(&csv, summary), 0);
    assert_int_equal(csv.n_cols, 12);
    assert_string_equal(csv.header[2], "status");
    assert_string_equal(csv.header[11], "wall_s");
    assert_int_equal(csv.n_rows, 4);
    for (int r = 0; r < 4; r++) {
        assert_string_equal(harness_csv_str(&csv, r, "status"), "ok");
        assert_int_equal((int)harness_csv_num(&csv, r, "epochs_done"), 6);
    }
    harness_csv_free(&csv);

    const char *files[] = {"out/resolved.yaml", "out/meta.yaml",
                           "out/runs/plain/seed-1/checkpoint.safetensors",
                           "out/runs/bn/seed-2/checkpoint.safetensors"};
    for (int i = 0; i < 4; i++) {
        char *p = path_in(f, files[i]);
        char *t = harness_read(p);
        assert_non_null(t);
        free(t);
        free(p);
    }
    free(summary);
    free(metrics);
}

/* Two runs of the same file give the same metrics.csv apart from wall_s,
   and --jobs 2 gives the same as --jobs 1. */
static void test_determinism_and_jobs(void **state)
{
    fixture *f = *state;
    const char *outs[] = {"a", "b", "c"};
    const char *extra[] = {"--jobs 1", "--jobs 1", "--jobs 2"};
    char *texts[3];
    for (int i = 0; i < 3; i++) {
        int code = harness_dlx(NULL, NULL, "run '%s' --out '%s/%s' --quiet --threads 1 %s",
                               f->config, f->dir, outs[i], extra[i]);
        assert_int_equal(code, 0);
        char rel[64];
        snprintf(rel, sizeof rel, "%s/metrics.csv", outs[i]);
        char *p = path_in(f, rel);
        texts[i] = harness_metrics_without_wall(p);
        assert_non_null(texts[i]);
        free(p);
    }
    assert_string_equal(texts[0], texts[1]);
    assert_string_equal(texts[0], texts[2]);
    for (int i = 0; i < 3; i++)
        free(texts[i]);
}

/* SPEC §1: every command takes -h/--help, anywhere among its arguments: its
   usage on stdout, nothing on stderr, exit 0; the value of an option that
   takes one (`--set -h`) is not a request for help. */
static void test_help_for_every_command(void **state)
{
    (void)state;
    static const char *const commands[] = {"run", "validate", "sweep", "collect", "summarize"};
    for (int i = 0; i < 5; i++) {
        for (int form = 0; form < 2; form++) {
            char *out = NULL, *err = NULL;
            assert_int_equal(harness_dlx(&out, &err, form ? "%s some.yaml -h" : "%s --help", commands[i]), 0);
            char usage[64];
            snprintf(usage, sizeof usage, "usage: dlx %s", commands[i]);
            assert_non_null(strstr(out, usage));
            assert_string_equal(err, "");
            free(out);
            free(err);
        }
    }
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "validate some.yaml --set -h"), 2);
    free(err);
}

/* An output folder with results is refused without --force (exit 2); --force
   removes all of the old results. */
static void test_output_guard(void **state)
{
    fixture *f = *state;
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s' --out '%s/g' --quiet --seeds 1", f->config, f->dir), 0);
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "run '%s' --out '%s/g' --quiet --seeds 1", f->config, f->dir), 2);
    assert_non_null(strstr(err, "already holds results"));
    assert_non_null(strstr(err, "--force"));
    free(err);
    /* --force replaces every file of the old results, also uncertainty.csv
       and growth.csv, which this experiment does not write */
    char *g = path_in(f, "g");
    free(harness_write(g, "uncertainty.csv", "stale\n"));
    free(harness_write(g, "growth.csv", "stale\n"));
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s' --out '%s/g' --quiet --seeds 1 --force", f->config, f->dir), 0);
    char *stale = path_in(f, "g/uncertainty.csv");
    assert_null(harness_read(stale));
    free(stale);
    stale = path_in(f, "g/growth.csv");
    assert_null(harness_read(stale));
    free(stale);
    free(g);
}

/* --arms and --seeds select runs; an unknown arm is an error naming the arms. */
static void test_arms_and_seeds(void **state)
{
    fixture *f = *state;
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s' --out '%s/s' --quiet --arms bn --seeds 7",
                                 f->config, f->dir), 0);
    char *summary = path_in(f, "s/summary.csv");
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, summary), 0);
    assert_int_equal(csv.n_rows, 1);
    assert_string_equal(harness_csv_str(&csv, 0, "arm"), "bn");
    assert_string_equal(harness_csv_str(&csv, 0, "seed"), "7");
    harness_csv_free(&csv);
    free(summary);
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "run '%s' --out '%s/s2' --arms nope", f->config, f->dir), 2);
    assert_non_null(strstr(err, "no arm named 'nope'"));
    assert_non_null(strstr(err, "plain, bn"));
    free(err);
}

/* A diverging arm is recorded as diverged (nan/inf), the others go on, exit 0. */
static void test_divergence_is_a_result(void **state)
{
    fixture *f = *state;
    int code = harness_dlx(NULL, NULL,
                           "run '%s' --out '%s/d' --quiet --seeds 1 --set optimizer.type=sgd "
                           "--set optimizer.lr=1e30 --set model.activation=relu "
                           "--set model.dropout=0.0",
                           f->config, f->dir);
    assert_int_equal(code, 0);
    char *summary = path_in(f, "d/summary.csv");
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, summary), 0);
    assert_int_equal(csv.n_rows, 2);
    assert_string_equal(harness_csv_str(&csv, 0, "status"), "diverged");
    assert_true(harness_csv_num(&csv, 0, "epochs_done") < 6);
    harness_csv_free(&csv);
    free(summary);
}

/* Logistic regression on linearly separable data reaches training accuracy 1. */
static void test_logistic_separable(void **state)
{
    fixture *f = *state;
    char *cfg = harness_write(f->dir, "logit.yaml",
                              "experiment: logit\n"
                              "data: {source: synthetic, kind: gaussian_mixture, classes: 2,\n"
                              "       separation: 12.0, dim: 5, n_train: 400, n_test: 200}\n"
                              "model: {type: logistic}\n"
                              "optimizer: {type: sgd, lr: 0.5}\n"
                              "training: {epochs: 30, batch_size: full}\n");
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s' --out '%s/l' --quiet", cfg, f->dir), 0);
    char *summary = path_in(f, "l/summary.csv");
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, summary), 0);
    assert_string_equal(harness_csv_str(&csv, 0, "final_train_acc"), "1");
    harness_csv_free(&csv);
    free(summary);
    free(cfg);
}

/* A checkpoint is a valid init: the new run's epoch 0 equals the old run's
   last evaluation (same weights, same running statistics). */
static void test_checkpoint_as_init(void **state)
{
    fixture *f = *state;
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s' --out '%s/c1' --quiet --seeds 1 --arms bn",
                                 f->config, f->dir), 0);
    assert_int_equal(harness_dlx(NULL, NULL,
                                 "run '%s' --out '%s/c2' --quiet --seeds 1 --arms bn "
                                 "--set 'model.init={from: %s/c1/runs/bn/seed-1/checkpoint.safetensors}'",
                                 f->config, f->dir, f->dir), 0);
    harness_csv a, b;
    char *pa = path_in(f, "c1/metrics.csv"), *pb = path_in(f, "c2/metrics.csv");
    assert_int_equal(harness_csv_read(&a, pa), 0);
    assert_int_equal(harness_csv_read(&b, pb), 0);
    assert_string_equal(harness_csv_str(&a, a.n_rows - 1, "train_loss"), harness_csv_str(&b, 0, "train_loss"));
    assert_string_equal(harness_csv_str(&a, a.n_rows - 1, "test_acc"), harness_csv_str(&b, 0, "test_acc"));
    harness_csv_free(&a);
    harness_csv_free(&b);
    free(pa);
    free(pb);
    /* A checkpoint of a different shape is refused with the tensor named. */
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err,
                                 "run '%s' --out '%s/c3' --quiet --seeds 1 --arms bn "
                                 "--set 'model.hidden=[16, 8]' "
                                 "--set 'model.init={from: %s/c1/runs/bn/seed-1/checkpoint.safetensors}'",
                                 f->config, f->dir, f->dir), 2);
    assert_non_null(strstr(err, "fc2.weight"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_files_and_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_determinism_and_jobs, setup, teardown),
        cmocka_unit_test(test_help_for_every_command),
        cmocka_unit_test_setup_teardown(test_output_guard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arms_and_seeds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_divergence_is_a_result, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logistic_separable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_as_init, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
