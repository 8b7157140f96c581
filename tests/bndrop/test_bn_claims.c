/*
 * The batch-normalization claims of Ioffe & Szegedy (2015), fig. 1, on a
 * reduced bn_vs_nobn (configs/bn_vs_nobn.yaml: 784-100x3-10 sigmoid, N(0,1)
 * init, SGD lr 0.5, batches of 60; here 6000 training images, 3 epochs,
 * evaluation every 50 steps), for every seed of the config:
 *   (a) the BN arm reaches 70% test accuracy in fewer steps;
 *   (b) the distribution of the last hidden layer's sigmoid input (15/50/85th
 *       percentiles over the probe batch, diagnostic act_quantiles) moves
 *       less than half as much with BN as without, from the first
 *       evaluation after step 0 to the end.
 * Measured drifts (seeds 1-3): see docs/experiments/bn_vs_nobn.md.
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

static bool is_run(const harness_csv *csv, int r, const char *arm, int seed)
{
    return !strcmp(harness_csv_str(csv, r, "arm"), arm) &&
           (int)harness_csv_num(csv, r, "seed") == seed;
}

/* First step at which (arm, seed) reaches test accuracy >= level, or LONG_MAX/2. */
static long first_step_reaching(const harness_csv *csv, const char *arm, int seed, double level)
{
    for (int r = 0; r < csv->n_rows; r++)
        if (is_run(csv, r, arm, seed) && harness_csv_num(csv, r, "test_acc") >= level)
            return (long)harness_csv_num(csv, r, "step");
    return 1L << 40;
}

/* max over q in {15, 50, 85} and over evaluation points t > t0 of
   |q(t) − q(t0)| for hidden layer fc3, t0 the first point after step 0. */
static double quantile_drift(const harness_csv *csv, const char *arm, int seed)
{
    const char *cols[] = {"act_q15.fc3", "act_q50.fc3", "act_q85.fc3"};
    double ref[3] = {0};
    bool have_ref = false;
    double drift = 0.0;
    for (int r = 0; r < csv->n_rows; r++) {
        if (!is_run(csv, r, arm, seed) || harness_csv_num(csv, r, "step") == 0)
            continue;
        for (int q = 0; q < 3; q++) {
            double v = harness_csv_num(csv, r, cols[q]);
            if (!have_ref)
                ref[q] = v;
            else if (fabs(v - ref[q]) > drift)
                drift = fabs(v - ref[q]);
        }
        have_ref = true;
    }
    return drift;
}

static void test_bn_vs_nobn_claims(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    int code = harness_dlx(NULL, NULL,
                           "run '%s/configs/bn_vs_nobn.yaml' --out '%s/bn' --quiet --jobs 2 "
                           "--set data.n_train=6000 --set data.n_test=2000 --set training.epochs=3 "
                           "--set training.eval_every=50",
                           harness_source_root(), dir);
    assert_int_equal(code, 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/bn/metrics.csv", dir);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    assert_true(harness_csv_col(&csv, "act_q85.fc3") >= 0);
    for (int seed = 1; seed <= 3; seed++) {
        long steps_plain = first_step_reaching(&csv, "no_bn", seed, 0.70);
        long steps_bn = first_step_reaching(&csv, "bn", seed, 0.70);
        double drift_plain = quantile_drift(&csv, "no_bn", seed);
        double drift_bn = quantile_drift(&csv, "bn", seed);
        print_message("seed %d: steps to 70%% no_bn %ld, bn %ld; fc3 quantile drift no_bn %.3f, "
                      "bn %.3f\n", seed, steps_plain, steps_bn, drift_plain, drift_bn);
        assert_true(steps_bn < steps_plain);
        assert_true(drift_bn < 0.5 * drift_plain);
    }
    harness_csv_free(&csv);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    harness_require_fashion_mnist();   /* every case needs it: exit 77 (a skip) without */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bn_vs_nobn_claims),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
