/*
 * Tests of the twin runs of the stability diagnostic (src/train/twins.c,
 * src/diagnostics/stability.c) on a small logistic regression (60 examples,
 * 4 inputs, batches of 5, shuffled):
 *  - S' differs from S in exactly the replaced example (inputs from the spare
 *    example, label flipped), and bad indices or data without a spare are
 *    refused with a message;
 *  - the runs of a pair start from the run's weights, and the pairs differ in
 *    their example order only: with a "replacement" equal to the example it
 *    replaces, each pair's two runs stay bit-identical (distance 0 at every
 *    step), while two pairs' runs on the same S do not;
 *  - with a real replacement the distance is positive and below the
 *    Hardt–Recht–Singer bound; the diagnostic's rows show the same;
 *  - a run stopped mid-epoch and resumed gives the uninterrupted run's rows,
 *    stability columns included, byte for byte (wall_s aside);
 *  - the twins' heap grows linearly with the number of pairs, and twins.yaml
 *    reports it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <math.h>
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
#include "diagnostics/diagnostic.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "train/twins.h"
#include "util/rng.h"

enum { N_TRAIN = 60, N_TEST = 30, DIM = 4, BATCH = 5, EPOCHS = 3 };

/* Labels from a noisy linear rule; spare: a fresh example, or a copy of
   training example `copy_of` when copy_of >= 0. */
static void make_data(dlx_dataset *ds, int copy_of)
{
    dlx_diags d = {0};
    *ds = (dlx_dataset){.classes = 2};
    assert_int_equal(split_alloc(&ds->train, N_TRAIN, DIM, 0, "train", &d), DLX_OK);
    assert_int_equal(split_alloc(&ds->test, N_TEST, DIM, 0, "test", &d), DLX_OK);
    assert_int_equal(split_alloc(&ds->spare, 1, DIM, 0, "spare", &d), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 11, 1);
    dlx_split *splits[] = {&ds->train, &ds->test, &ds->spare};
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < splits[s]->n; i++) {
            double z = 0.3 * rng_normal(&rng);
            for (int j = 0; j < DIM; j++) {
                splits[s]->x[i * DIM + j] = (float)(0.5 * rng_normal(&rng));
                z += (j % 2 ? -1.0 : 1.0) * splits[s]->x[i * DIM + j];
            }
            splits[s]->labels[i] = z > 0;
        }
    if (copy_of >= 0)
        split_copy_example(&ds->spare, 0, &ds->train, copy_of);
}

static dlx_config logistic_config(int pairs, bool flip)
{
    dlx_config cfg = {0};
    cfg.model.type = MODEL_LOGISTIC;
    cfg.model.init = INIT_NORMAL;
    cfg.model.init_std = 0.1;
    cfg.loss = LOSS_LOGISTIC;
    cfg.optimizer = (dlx_optimizer_config){.type = OPT_SGD, .lr = 0.5};
    cfg.training = (dlx_training_config){.epochs = EPOCHS, .batch_size = BATCH, .shuffle = true};
    cfg.reference = REF_NONE;
    cfg.n_diagnostics = 1;
    snprintf(cfg.diagnostics[0], DLX_NAME_MAX, "stability");
    cfg.diagnostic_param[0] = NAN;
    cfg.stability = (dlx_stability_config){.pairs = pairs, .replace = 7, .flip_label = flip};
    return cfg;
}

static double distance(dlx_model *a, dlx_model *b)
{
    double sq = 0;
    for (size_t i = 0; i < model_n_params(a); i++) {
        double d = (double)model_params(a)[i] - (double)model_params(b)[i];
        sq += d * d;
    }
    return sqrt(sq);
}

static void test_neighbour_changes_one_example(void **state)
{
    (void)state;
    dlx_dataset ds, nb;
    make_data(&ds, -1);
    dlx_diags d = {0};
    assert_int_equal(twins_neighbour_dataset(&nb, &ds, 7, true, "t.yaml", &d), DLX_OK);
    assert_int_equal(nb.train.n, N_TRAIN);
    int differing = 0;
    for (int i = 0; i < N_TRAIN; i++) {
        bool same = nb.train.labels[i] == ds.train.labels[i] &&
                    !memcmp(nb.train.x + i * DIM, ds.train.x + i * DIM, DIM * sizeof(float));
        differing += !same;
        if (i == 7) {
            assert_memory_equal(nb.train.x + i * DIM, ds.spare.x, DIM * sizeof(float));
            assert_int_equal(nb.train.labels[i], 1 - ds.spare.labels[0]);
        }
    }
    assert_int_equal(differing, 1);
    assert_ptr_equal(nb.test.x, ds.test.x);   /* the test split is shared */
    split_free(&nb.train);
    /* Outside the split, and without a spare example: refused. */
    assert_int_equal(twins_neighbour_dataset(&nb, &ds, N_TRAIN, false, "t.yaml", &d), DLX_ERR_INPUT);
    assert_non_null(strstr(d.items[d.count - 1].message, "replace is 60"));
    split_free(&ds.spare);
    assert_int_equal(twins_neighbour_dataset(&nb, &ds, 0, false, "t.yaml", &d), DLX_ERR_INPUT);
    assert_non_null(strstr(d.items[d.count - 1].message, "needs an example"));
    diags_free(&d);
    dataset_free(&ds);
}

/* Twins of a change that changes nothing: every pair's runs bit-identical at
   every step, from the run's initial weights; two pairs' runs on S differ. */
static void test_pairs_share_init_and_order(void **state)
{
    (void)state;
    dlx_dataset ds;
    make_data(&ds, 7);
    dlx_config cfg = logistic_config(3, false);
    dlx_run_request req = {.config = &cfg, .arm = "a", .seed = 4, .data = &ds,
                           .source_file = "t.yaml"};
    dlx_diags d = {0};
    dlx_model main_model = {0};
    int batch;
    assert_int_equal(trainer_build_model(&cfg, &ds, N_TRAIN, &req, &main_model, &batch, &d), DLX_OK);
    dlx_twins *tw;
    assert_int_equal(twins_create(&tw, &req, &cfg, &d), DLX_OK);
    int pairs;
    dlx_model *const *m = twins_models(tw, &pairs);
    assert_int_equal(pairs, 3);
    for (int i = 0; i < 2 * pairs; i++)
        assert_true(distance(m[i], &main_model) == 0.0);
    for (int s = 0; s < EPOCHS * N_TRAIN / BATCH; s++) {
        assert_int_equal(twins_step(tw, &d), DLX_OK);
        for (int k = 0; k < pairs; k++)
            assert_true(distance(m[2 * k], m[2 * k + 1]) == 0.0);
    }
    assert_true(distance(m[0], m[2]) > 1e-4);   /* another order: another path */
    assert_true(distance(m[2], m[4]) > 1e-4);
    twins_free(tw);
    model_free(&main_model);
    diags_free(&d);
    dataset_free(&ds);
}

typedef struct {
    char *dir;
    char ckpt[4096], rows[4096];
    FILE *fp;
    dlx_columns columns;
} run_files;

/* A request writing rows (with the stability columns) to dir/name. */
static dlx_run_request open_run(run_files *f, const dlx_config *cfg, const dlx_dataset *ds,
                                const char *name)
{
    f->dir = harness_tmpdir();
    snprintf(f->ckpt, sizeof f->ckpt, "%s/checkpoint.safetensors", f->dir);
    snprintf(f->rows, sizeof f->rows, "%s/%s", f->dir, name);
    f->fp = fopen(f->rows, "w");
    assert_non_null(f->fp);
    f->columns.count = 0;
    diagnostics_columns(cfg, &f->columns);
    return (dlx_run_request){.config = cfg, .arm = "a", .seed = 2, .data = ds,
                             .source_file = "t.yaml", .checkpoint_path = f->ckpt,
                             .sinks = {{f->fp, f->rows}}, .n_sinks = 1,
                             .diag_columns = &f->columns};
}

static void close_run(run_files *f)
{
    if (f->fp)
        fclose(f->fp);
    f->fp = NULL;
}

/* Field col of every line, as numbers; *n gets the number of lines. */
static int column_values(const char *path, int col, double *out, int max)
{
    char *text = harness_read(path);
    assert_non_null(text);
    int n = 0;
    for (char *line = text; *line && n < max;) {
        char *p = line;
        for (int c = 0; c < col && p; c++)
            p = (p = strchr(p, ',')) ? p + 1 : NULL;
        assert_non_null(p);
        out[n++] = *p == ',' || *p == '\n' ? NAN : strtod(p, NULL);
        char *next = strchr(line, '\n');
        if (!next)
            break;
        line = next + 1;
    }
    free(text);
    return n;
}

/* Metrics columns: 12 fixed, then stab_param_dist, stab_loss_sens, stab_bound. */
enum { COL_DIST = 12, COL_SENS = 13, COL_BOUND = 14 };

static void test_rows_below_bound_and_zero_for_identical(void **state)
{
    (void)state;
    for (int identical = 0; identical < 2; identical++) {
        dlx_dataset ds;
        make_data(&ds, identical ? 7 : -1);
        dlx_config cfg = logistic_config(8, !identical);
        run_files f;
        dlx_run_request req = open_run(&f, &cfg, &ds, "rows.csv");
        dlx_run_summary summary;
        dlx_diags d = {0};
        assert_int_equal(train_run(&req, &summary, &d), DLX_OK);
        close_run(&f);
        double dist[64], sens[64], bound[64];
        int n = column_values(f.rows, COL_DIST, dist, 64);
        assert_int_equal(n, EPOCHS + 1);
        column_values(f.rows, COL_SENS, sens, 64);
        column_values(f.rows, COL_BOUND, bound, 64);
        assert_true(dist[0] == 0.0 && bound[0] == 0.0);
        for (int i = 1; i < n; i++) {
            if (identical) {
                assert_true(dist[i] == 0.0 && sens[i] == 0.0);
            } else {
                assert_true(dist[i] > 0.0 && sens[i] > 0.0);
                assert_true(dist[i] < bound[i]);
            }
            assert_true(bound[i] > bound[i - 1]);
        }
        char yaml[4200];
        snprintf(yaml, sizeof yaml, "%s/twins.yaml", f.dir);
        char *report = harness_read(yaml);
        assert_non_null(report);
        assert_non_null(strstr(report, "pairs: 8\ntwin_runs: 16\n"));
        assert_non_null(strstr(report, "twin_heap_bytes: "));
        free(report);
        diags_free(&d);
        harness_rmtree(f.dir);
        free(f.dir);
        dataset_free(&ds);
    }
}

/* The rows of a file from line `from` on, without wall_s (field 12). */
static char *rows_without_wall(const char *path, int from)
{
    char *text = harness_read(path);
    assert_non_null(text);
    char *out = calloc(strlen(text) + 1, 1);
    char *w = out;
    int line = 0;
    for (char *p = text; *p;) {
        char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) + 1 : strlen(p);
        if (line >= from) {
            int field = 0;
            for (size_t i = 0; i < len; i++) {
                if (p[i] == ',')
                    field++;
                if (field != 11 || p[i] == ',')
                    *w++ = p[i];
            }
        }
        line++;
        p += len;
    }
    free(text);
    return out;
}

/* Stopped after 5 steps (mid-epoch 1), resumed: the resumed rows equal the
   uninterrupted run's from the checkpoint's row on. */
static void test_resume_is_exact(void **state)
{
    (void)state;
    dlx_dataset ds;
    make_data(&ds, -1);
    dlx_config cfg = logistic_config(4, true);
    cfg.training.eval_every = 2;
    dlx_diags d = {0};
    dlx_run_summary summary;
    run_files ref;
    dlx_run_request req = open_run(&ref, &cfg, &ds, "ref.csv");
    assert_int_equal(train_run(&req, &summary, &d), DLX_OK);
    close_run(&ref);

    run_files f;
    dlx_run_request stopped = open_run(&f, &cfg, &ds, "stopped.csv");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dlx_trainer *t;
        int ok = trainer_create(&t, &stopped, &d) == DLX_OK && trainer_begin(t, &d) == DLX_OK;
        for (int s = 0; ok && s < 4; s++)
            ok = trainer_advance(t, &d) == DLX_OK;
        train_request_stop();
        ok = ok && trainer_advance(t, &d) == DLX_OK && trainer_done(t);
        trainer_free(t);
        fclose(f.fp);
        _exit(ok ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close_run(&f);
    dlx_train_state st;
    assert_int_equal(checkpoint_read_state(f.ckpt, &st, &d), DLX_OK);
    assert_int_equal(st.step, 5);
    assert_false(st.finished);

    snprintf(f.rows, sizeof f.rows, "%s/resumed.csv", f.dir);
    f.fp = fopen(f.rows, "w");
    stopped.sinks[0] = (dlx_metrics_sink){f.fp, f.rows};
    stopped.resume = true;
    assert_int_equal(train_run(&stopped, &summary, &d), DLX_OK);
    close_run(&f);
    char *want = rows_without_wall(ref.rows, (int)st.rows);
    char *got = rows_without_wall(f.rows, 0);
    assert_true(strlen(got) > 0);
    assert_string_equal(got, want);
    free(want);
    free(got);
    diags_free(&d);
    harness_rmtree(ref.dir);
    free(ref.dir);
    harness_rmtree(f.dir);
    free(f.dir);
    dataset_free(&ds);
}

/* Heap of the twins for R and 4R pairs: four times as much, within 25 %. */
static void test_memory_scales_with_pairs(void **state)
{
    (void)state;
    dlx_dataset ds;
    make_data(&ds, -1);
    size_t bytes[2];
    for (int i = 0; i < 2; i++) {
        dlx_config cfg = logistic_config(i ? 40 : 10, false);
        dlx_run_request req = {.config = &cfg, .arm = "a", .seed = 1, .data = &ds,
                               .source_file = "t.yaml"};
        dlx_diags d = {0};
        dlx_twins *tw;
        assert_int_equal(twins_create(&tw, &req, &cfg, &d), DLX_OK);
        bytes[i] = twins_bytes(tw);
        twins_free(tw);
        diags_free(&d);
    }
    double ratio = (double)bytes[1] / (double)bytes[0];
    assert_true(bytes[0] > 0);
    assert_true(ratio > 3.0 && ratio < 5.0);
    dataset_free(&ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_neighbour_changes_one_example),
        cmocka_unit_test(test_pairs_share_init_and_order),
        cmocka_unit_test(test_rows_below_bound_and_zero_for_identical),
        cmocka_unit_test(test_resume_is_exact),
        cmocka_unit_test(test_memory_scales_with_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
