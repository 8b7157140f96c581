/*
 * dropout_confidence (configs/dropout_confidence.yaml) reduced, and the
 * ensemble evaluation behind it (the `uncertainty` key, uncertainty.csv):
 *   (a) an ensemble of identical models is the single model: its test loss
 *       is the members' final test loss, its model spread 0; and the file is
 *       the same with --jobs 2 and with a sweep (one column per swept key);
 *   (b) convexity: an ensemble's test MSE (regression) and NLL
 *       (classification) are at most the mean of its members';
 *   (c) the claims of docs/experiments/dropout_confidence.md on 500 test
 *       examples, 40 epochs, 6 seeds (2 bootstrap ensembles of K = 3, MC
 *       dropout with T = 3 at rates 0.05 and 0.3): the bootstrap ensemble's
 *       90% interval covers between 75% and 95% of the test targets; MC
 *       dropout's spread is set by the rate: for every seed the model sd at
 *       rate 0.3 exceeds 1.4 times that at rate 0.05, and the coverage of the
 *       regression function by the 90% interval is higher by more than 0.05.
 * The seeds of (c) can be changed with DLX_CONFID_SEEDS="11,12,13,14,15,16".
 * Measured with seeds 1-6, 11-16, 21-26: see the page's "reduced test".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/harness.h"

/* The summary.csv final_test_loss of (arm, seed). */
static double member_loss(const harness_csv *summary, const char *arm, int seed)
{
    for (int r = 0; r < summary->n_rows; r++)
        if (!strcmp(harness_csv_str(summary, r, "arm"), arm) &&
            (int)harness_csv_num(summary, r, "seed") == seed)
            return harness_csv_num(summary, r, "final_test_loss");
    fail_msg("no summary row for %s seed %d", arm, seed);
    return NAN;
}

/* Mean final test loss of the members listed in a row's `seeds` ("1 2 3"). */
static double mean_member_loss(const harness_csv *summary, const char *arm, const char *seeds)
{
    double sum = 0;
    int n = 0;
    for (const char *p = seeds; *p;) {
        char *end;
        long seed = strtol(p, &end, 10);
        assert_true(end != p);
        sum += member_loss(summary, arm, (int)seed);
        n++;
        p = end;
        while (*p == ' ')
            p++;
    }
    return sum / n;
}

static void read_outputs(const char *dir, const char *sub, harness_csv *unc, harness_csv *summary)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/uncertainty.csv", dir, sub);
    assert_int_equal(harness_csv_read(unc, path), 0);
    snprintf(path, sizeof path, "%s/%s/summary.csv", dir, sub);
    assert_int_equal(harness_csv_read(summary, path), 0);
}

static void test_identical_members_jobs_and_sweep(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *one = harness_write(dir, "one.yaml",
        "experiment: one\n"
        "data: {source: synthetic, kind: linear, dim: 3, n_train: 100, n_test: 200, noise: 0.3}\n"
        "model: {type: mlp, hidden: [8]}\nloss: mse\noptimizer: {type: adam, lr: 0.01}\n"
        "training: {epochs: 1, batch_size: 20}\n");
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s' --out '%s/one' --quiet", one, dir), 0);
    free(one);
    char text[4096];
    snprintf(text, sizeof text,
             "experiment: same\nseeds: 3\n"
             "data: {source: synthetic, kind: linear, dim: 3, n_train: 100, n_test: 200, noise: 0.3}\n"
             "model: {type: mlp, hidden: [8], init: {from: '%s/one/runs/main/seed-1/checkpoint.safetensors'}}\n"
             "loss: mse\noptimizer: {type: adam, lr: 0.01}\n"
             "training: {epochs: 3, batch_size: 20, shuffle: false}\n"
             "uncertainty: {method: ensemble, size: 3}\n"
             "sweep: {training.batch_size: [20, 50]}\n", dir);
    char *same = harness_write(dir, "same.yaml", text);
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s' --out '%s/s1' --quiet", same, dir), 0);
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s' --out '%s/s2' --quiet --jobs 2", same, dir), 0);
    free(same);
    char p1[4096], p2[4096];
    snprintf(p1, sizeof p1, "%s/s1/uncertainty.csv", dir);
    snprintf(p2, sizeof p2, "%s/s2/uncertainty.csv", dir);
    char *t1 = harness_read(p1), *t2 = harness_read(p2);
    assert_non_null(t1);
    assert_non_null(t2);
    assert_string_equal(t1, t2);
    free(t1);
    free(t2);
    harness_csv unc, summary;
    read_outputs(dir, "s1", &unc, &summary);
    assert_int_equal(unc.n_rows, 2);            /* one ensemble per sweep point */
    assert_true(harness_csv_col(&unc, "training.batch_size") >= 0);
    double losses[2];
    for (int r = 0; r < 2; r++) {
        assert_string_equal(harness_csv_str(&unc, r, "seeds"), "1 2 3");
        assert_int_equal((int)harness_csv_num(&unc, r, "n_models"), 3);
        assert_float_equal(harness_csv_num(&unc, r, "model_sd"), 0.0, 0.0);
        losses[r] = harness_csv_num(&unc, r, "test_loss");
        /* summary rows: point 0's three seeds, then point 1's */
        double member = harness_csv_num(&summary, 3 * r, "final_test_loss");
        print_message("point %d: ensemble %.9g member %.9g\n", r, losses[r], member);
        assert_float_equal(losses[r], member, 1e-6 * member);
        double rmse = harness_csv_num(&unc, r, "rmse");
        assert_float_equal(rmse * rmse, losses[r], 1e-6 * losses[r]);
    }
    assert_true(losses[0] != losses[1]);
    harness_csv_free(&unc);
    harness_csv_free(&summary);
    harness_rmtree(dir);
    free(dir);
}

static void test_convexity_classification(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *file = harness_write(dir, "cls.yaml",
        "experiment: cls\nseeds: 4\n"
        "data: {source: synthetic, kind: teacher, dim: 6, classes: 3, n_train: 300, n_test: 300, "
        "noise: 0.1, bootstrap: true}\n"
        "model: {type: mlp, hidden: [16]}\noptimizer: {type: adam, lr: 0.01}\n"
        "training: {epochs: 15, batch_size: 30}\n"
        "uncertainty: {method: ensemble, size: 4}\n"
        "arms:\n  - name: main\n"
        "  - name: mc\n    data: {bootstrap: false}\n    model: {dropout: 0.2}\n"
        "    uncertainty: {method: mc_dropout, size: 10}\n");
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s' --out '%s/c' --quiet", file, dir), 0);
    free(file);
    harness_csv unc, summary;
    read_outputs(dir, "c", &unc, &summary);
    assert_int_equal(unc.n_rows, 5);            /* one ensemble, four MC-dropout models */
    for (int r = 1; r < 5; r++) {
        double ece = harness_csv_num(&unc, r, "ece"), acc = harness_csv_num(&unc, r, "test_acc");
        print_message("MC seed %s: nll %.4f ece %.4f acc %.4f\n", harness_csv_str(&unc, r, "seeds"),
                      harness_csv_num(&unc, r, "nll"), ece, acc);
        assert_string_equal(harness_csv_str(&unc, r, "method"), "mc_dropout");
        assert_int_equal((int)harness_csv_num(&unc, r, "n_masks"), 10);
        assert_true(ece >= 0 && ece <= 1 && acc > 0.5);
    }
    double nll = harness_csv_num(&unc, 0, "nll");
    double members = mean_member_loss(&summary, "main", harness_csv_str(&unc, 0, "seeds"));
    print_message("ensemble nll %.4f, mean member nll %.4f, ece %.4f, acc %.4f\n", nll, members,
                  harness_csv_num(&unc, 0, "ece"), harness_csv_num(&unc, 0, "test_acc"));
    assert_true(nll <= members);
    assert_true(harness_csv_num(&unc, 0, "ece") >= 0 && harness_csv_num(&unc, 0, "ece") <= 1);
    assert_string_equal(harness_csv_str(&unc, 0, "cover90"), "");   /* regression only */
    harness_csv_free(&unc);
    harness_csv_free(&summary);
    harness_rmtree(dir);
    free(dir);
}

/* The row of (arm, first seed) in uncertainty.csv. */
static int find_row(const harness_csv *unc, const char *arm, const char *seed)
{
    for (int r = 0; r < unc->n_rows; r++)
        if (!strcmp(harness_csv_str(unc, r, "arm"), arm) && !strcmp(harness_csv_str(unc, r, "seeds"), seed))
            return r;
    fail_msg("no uncertainty row for %s seed %s", arm, seed);
    return -1;
}

static void test_dropout_confidence_claims(void **state)
{
    (void)state;
    const char *seeds = getenv("DLX_CONFID_SEEDS") ? getenv("DLX_CONFID_SEEDS") : "1,2,3,4,5,6";
    char *dir = harness_tmpdir();
    int code = harness_dlx(NULL, NULL,
                           "run '%s/configs/dropout_confidence.yaml' --out '%s/d' --quiet --jobs 2 "
                           "--arms mc_dropout_0.05,mc_dropout_0.3,bootstrap --seeds %s "
                           "--set data.n_test=500 --set training.epochs=40 "
                           "--set arms.0.uncertainty.size=3 --set arms.2.uncertainty.size=3 "
                           "--set arms.3.uncertainty.size=3",
                           harness_source_root(), dir, seeds);
    assert_int_equal(code, 0);
    harness_csv unc, summary;
    read_outputs(dir, "d", &unc, &summary);
    int ensembles = 0;
    for (int r = 0; r < unc.n_rows; r++) {
        const char *arm = harness_csv_str(&unc, r, "arm");
        if (strcmp(arm, "bootstrap") != 0) {
            /* (c) MC dropout: paired by seed, rate 0.3 against 0.05 */
            if (strcmp(arm, "mc_dropout_0.05") != 0)
                continue;
            const char *seed = harness_csv_str(&unc, r, "seeds");
            int high = find_row(&unc, "mc_dropout_0.3", seed);
            double sd_low = harness_csv_num(&unc, r, "model_sd"), sd_high = harness_csv_num(&unc, high, "model_sd");
            double f_low = harness_csv_num(&unc, r, "truth_cover90");
            double f_high = harness_csv_num(&unc, high, "truth_cover90");
            print_message("seed %s: MC model sd %.3f -> %.3f, f coverage90 %.3f -> %.3f, y coverage90 "
                          "%.3f -> %.3f\n", seed, sd_low, sd_high, f_low, f_high,
                          harness_csv_num(&unc, r, "cover90"), harness_csv_num(&unc, high, "cover90"));
            assert_true(sd_high > 1.4 * sd_low);
            assert_true(f_high > f_low + 0.05);
            continue;
        }
        ensembles++;
        double cover = harness_csv_num(&unc, r, "cover90");
        double mse = harness_csv_num(&unc, r, "test_loss");
        double members = mean_member_loss(&summary, arm, harness_csv_str(&unc, r, "seeds"));
        print_message("ensemble %s: coverage90 %.3f (f %.3f), mse %.4f vs members %.4f, model sd %.3f\n",
                      harness_csv_str(&unc, r, "seeds"), cover, harness_csv_num(&unc, r, "truth_cover90"),
                      mse, members, harness_csv_num(&unc, r, "model_sd"));
        assert_int_equal((int)harness_csv_num(&unc, r, "n_models"), 3);
        assert_true(cover >= 0.75 && cover <= 0.95);     /* (c) */
        assert_true(mse <= members);                     /* (b) */
        assert_true(harness_csv_num(&unc, r, "model_sd") > 0); /* resamples differ */
    }
    assert_int_equal(ensembles, 2);
    harness_csv_free(&unc);
    harness_csv_free(&summary);
    harness_rmtree(dir);
    free(dir);
}

/* The keys in the experiment file: located errors with did-you-mean, and
   resolved.yaml written back byte for byte. */
static void test_keys_errors_and_round_trip(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *bad = harness_write(dir, "bad.yaml",
        "experiment: bad\n"
        "data: {source: synthetic, kind: linear, bootstrap: yes}\n"
        "model: {type: mlp, hidden: [4]}\n"
        "loss: mse\n"
        "uncertainty: {method: mc_dropout, size: 0}\n"
        "arms:\n"
        "  - name: a\n"
        "    uncertainty: {method: ensembel, size: 3}\n"
        "  - name: b\n"
        "    uncertainty: {method: ensemble, sise: 3}\n");
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "validate '%s'", bad), 2);
    free(bad);
    print_message("%s", err);
    const char *expected[] = {
        "bad.yaml:2:52: error: expected true or false for 'data.bootstrap', got string \"yes\"",
        "bad.yaml:5:41: error: uncertainty.size must be between 1 and 10000, got 0",
        "bad.yaml:5:23: error: uncertainty.method mc_dropout needs a model with dropout",
        "bad.yaml:8:27: error: unknown uncertainty method 'ensembel'",
        "did you mean 'ensemble'?",
        "bad.yaml:10:37: error: unknown key 'sise'",
    };
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++)
        if (!strstr(err, expected[i]))
            fail_msg("missing \"%s\" in:\n%s", expected[i], err);
    free(err);
    char *out1 = NULL, *out2 = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/configs/dropout_confidence.yaml", harness_source_root());
    assert_int_equal(harness_dlx(&out1, NULL, "validate '%s'", path), 0);
    assert_non_null(strstr(out1, "  bootstrap: false\n"));
    assert_non_null(strstr(out1, "    data:\n      bootstrap: true\n    uncertainty:\n"
                                 "      method: ensemble\n      size: 5\n"));
    char *resolved = harness_write(dir, "resolved.yaml", out1);
    assert_int_equal(harness_dlx(&out2, NULL, "validate '%s'", resolved), 0);
    free(resolved);
    assert_string_equal(out1, out2);
    free(out1);
    free(out2);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical_members_jobs_and_sweep),
        cmocka_unit_test(test_convexity_classification),
        cmocka_unit_test(test_dropout_confidence_claims),
        cmocka_unit_test(test_keys_errors_and_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
