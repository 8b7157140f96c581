/*
 * DropConnect against dropout at matched rates (Wan et al. 2013), on a
 * reduced dropconnect_vs_dropout (configs/dropconnect_vs_dropout.yaml with
 * 2000 training images, a 784-128-128-10 ReLU MLP, 15 epochs, its lr 0.01),
 * seeds 1-3, with the same network without any dropout as the reference:
 *   (a) both kinds regularize: their final generalization gap
 *       (test − train loss) is below 0.6 of the unregularized network's;
 *   (b) at matched rates DropConnect's final test accuracy is within 0.05
 *       of dropout's.
 * Measured values: docs/experiments/dropconnect_vs_dropout.md.
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
#include <sys/stat.h>
#include <cmocka.h>

#include "../support/harness.h"

enum { EPOCHS = 15 };

static const char *REDUCED = "--quiet --jobs 2 --seeds 1,2,3 --set data.n_train=2000 "
                             "--set data.n_test=2000 --set training.epochs=15 "
                             "--set 'model.hidden=[128,128]'";

/* The final row's value of column for (arm, seed). */
static double final_value(const harness_csv *csv, const char *arm, int seed, const char *column)
{
    for (int r = 0; r < csv->n_rows; r++)
        if (!strcmp(harness_csv_str(csv, r, "arm"), arm) &&
            (int)harness_csv_num(csv, r, "seed") == seed &&
            (int)harness_csv_num(csv, r, "epoch") == EPOCHS)
            return harness_csv_num(csv, r, column);
    fail_msg("no final row for %s seed %d", arm, seed);
    return NAN;
}

static void read_metrics(harness_csv *csv, const char *dir, const char *sub)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/metrics.csv", dir, sub);
    assert_int_equal(harness_csv_read(csv, path), 0);
}

static void test_dropconnect_vs_dropout_claims(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    const char *cfg = "configs/dropconnect_vs_dropout.yaml";
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s/%s' --out '%s/k' --arms dropout,dropconnect %s",
                                 harness_source_root(), cfg, dir, REDUCED),
                     0);
    /* The reference: the dropout arm with both rates set to 0. */
    assert_int_equal(harness_dlx(NULL, NULL,
                                 "run '%s/%s' --out '%s/none' --arms dropout %s "
                                 "--set model.dropout.input=0 --set model.dropout.hidden=0",
                                 harness_source_root(), cfg, dir, REDUCED),
                     0);
    harness_csv kinds, none;
    read_metrics(&kinds, dir, "k");
    read_metrics(&none, dir, "none");
    for (int seed = 1; seed <= 3; seed++) {
        double gap_none = final_value(&none, "dropout", seed, "gen_gap");
        double gap_drop = final_value(&kinds, "dropout", seed, "gen_gap");
        double gap_conn = final_value(&kinds, "dropconnect", seed, "gen_gap");
        double acc_drop = final_value(&kinds, "dropout", seed, "test_acc");
        double acc_conn = final_value(&kinds, "dropconnect", seed, "test_acc");
        print_message("seed %d: gap none %.3f dropout %.3f dropconnect %.3f; test accuracy "
                      "dropout %.4f dropconnect %.4f\n",
                      seed, gap_none, gap_drop, gap_conn, acc_drop, acc_conn);
        assert_true(gap_drop < 0.6 * gap_none);
        assert_true(gap_conn < 0.6 * gap_none);
        assert_true(fabs(acc_conn - acc_drop) < 0.05);
    }
    harness_csv_free(&kinds);
    harness_csv_free(&none);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    harness_require_fashion_mnist();   /* every case needs it: exit 77 (a skip) without */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dropconnect_vs_dropout_claims),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
