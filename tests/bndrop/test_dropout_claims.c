/*
 * The dropout claims of Srivastava et al. (2014) on a reduced dropout_vs_l2
 * (configs/dropout_vs_l2.yaml with 2000 training images, a 784-128-128-10
 * ReLU MLP, 30 epochs, SGD momentum lr 0.02 — lower than the full config's
 * 0.05 so that a small set's per-epoch test loss is smooth enough to locate
 * its minimum), arms none and dropout (input 0.2, hidden 0.5), for every seed:
 *   (a) dropout shrinks the generalization gap at the end of training to less
 *       than half: test − train loss, and train − test accuracy;
 *   (b) without dropout the test loss climbs back up from its minimum (the
 *       mean of the last 5 epochs exceeds the minimum by more than 0.04, the
 *       minimum falls in the first two thirds), with dropout it does not
 *       (less than 0.04 above, the minimum in the last sixth).
 * Measured on seeds 1-5: gap 0.456-0.511 vs 0.132-0.154; accuracy gap
 * 0.126-0.146 vs 0.042-0.048; climb 0.063-0.086 (minimum at epochs 11-16)
 * vs 0.014-0.025 (minimum at epochs 28-30).
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

enum { EPOCHS = 30 };

typedef struct {
    double test_loss[EPOCHS + 1];
    double final_gap, final_acc_gap;
} run_curve;

/* The test losses per epoch and the final gaps of (arm, seed). */
static run_curve read_run(const harness_csv *csv, const char *arm, int seed)
{
    run_curve c = {{0}, NAN, NAN};
    int seen = 0;
    for (int r = 0; r < csv->n_rows; r++) {
        if (strcmp(harness_csv_str(csv, r, "arm"), arm) || (int)harness_csv_num(csv, r, "seed") != seed)
            continue;
        int e = (int)harness_csv_num(csv, r, "epoch");
        assert_true(e >= 0 && e <= EPOCHS);
        c.test_loss[e] = harness_csv_num(csv, r, "test_loss");
        seen++;
        if (e == EPOCHS) {
            c.final_gap = harness_csv_num(csv, r, "gen_gap");
            c.final_acc_gap = harness_csv_num(csv, r, "train_acc") - harness_csv_num(csv, r, "test_acc");
        }
    }
    assert_int_equal(seen, EPOCHS + 1);
    return c;
}

/* Epoch of the minimum test loss, and mean of the last 5 epochs minus it. */
static int argmin_epoch(const run_curve *c)
{
    int best = 0;
    for (int e = 1; e <= EPOCHS; e++)
        if (c->test_loss[e] < c->test_loss[best])
            best = e;
    return best;
}

static double climb(const run_curve *c)
{
    double last = 0;
    for (int e = EPOCHS - 4; e <= EPOCHS; e++)
        last += c->test_loss[e] / 5;
    return last - c->test_loss[argmin_epoch(c)];
}

static void test_dropout_vs_none_claims(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    int code = harness_dlx(NULL, NULL,
                           "run '%s/configs/dropout_vs_l2.yaml' --out '%s/d' --quiet --jobs 2 "
                           "--arms none,dropout --seeds 1,2,3 --set data.n_train=2000 "
                           "--set data.n_test=2000 --set training.epochs=%d "
                           "--set 'model.hidden=[128,128]' --set optimizer.lr=0.02",
                           harness_source_root(), dir, EPOCHS);
    assert_int_equal(code, 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/d/metrics.csv", dir);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    for (int seed = 1; seed <= 3; seed++) {
        run_curve none = read_run(&csv, "none", seed), drop = read_run(&csv, "dropout", seed);
        print_message("seed %d: gap none %.3f dropout %.3f; accuracy gap %.3f vs %.3f; climb "
                      "%.3f (min at %d) vs %.3f (min at %d)\n",
                      seed, none.final_gap, drop.final_gap, none.final_acc_gap, drop.final_acc_gap,
                      climb(&none), argmin_epoch(&none), climb(&drop), argmin_epoch(&drop));
        assert_true(drop.final_gap < 0.5 * none.final_gap);
        assert_true(drop.final_acc_gap < 0.5 * none.final_acc_gap);
        assert_true(climb(&none) > 0.04);
        assert_true(argmin_epoch(&none) <= 2 * EPOCHS / 3);
        assert_true(climb(&drop) < 0.04);
        assert_true(argmin_epoch(&drop) >= EPOCHS - EPOCHS / 6);
    }
    harness_csv_free(&csv);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    harness_require_fashion_mnist();   /* every case needs it: exit 77 (a skip) without */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dropout_vs_none_claims),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
