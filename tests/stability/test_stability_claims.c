/*
 * The claims of configs/stability_sgd_convex.yaml (Hardt, Recht & Singer 2016), reduced
 * to 50 twin pairs instead of 400 (the rest as written: n = 200, d = 20, step 1/β,
 * 20 epochs), for seeds 1..3, both arms:
 *
 *   at every evaluation after epoch 0, the mean over the pairs of ‖θ_t − θ'_t‖ is
 *   positive and below the bound (2L/n)Σα (stab_bound, which grows linearly);
 *   the strongly convex arm (l2 0.05) stops growing: its distance at epoch 20 is at
 *   most 1.2× epoch 10's (with 50 pairs the mean itself fluctuates by ~30 % between
 *   evaluations, so only growth is excluded).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/harness.h"

static void test_sgd_convex(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    assert_int_equal(harness_dlx(NULL, NULL,
                                 "run '%s/configs/stability_sgd_convex.yaml' --out '%s/out' --seeds 1,2,3"
                                 " --set 'diagnostics=[{stability: {pairs: 50, replace: 0, flip_label: true}}]'"
                                 " --jobs 2 --quiet", harness_source_root(), dir), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/out/metrics.csv", dir);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    const char *arms[] = {"convex", "strongly_convex"};
    int checked = 0;
    for (int a = 0; a < 2; a++)
        for (int seed = 1; seed <= 3; seed++) {
            double at10 = NAN, at20 = NAN, last_bound = 0;
            for (int i = 0; i < csv.n_rows; i++) {
                if (strcmp(harness_csv_str(&csv, i, "arm"), arms[a]) ||
                    harness_csv_num(&csv, i, "seed") != seed)
                    continue;
                double epoch = harness_csv_num(&csv, i, "epoch");
                double dist = harness_csv_num(&csv, i, "stab_param_dist");
                double bound = harness_csv_num(&csv, i, "stab_bound");
                if (epoch == 0) {
                    assert_true(dist == 0.0 && bound == 0.0);
                    continue;
                }
                if (!(dist > 0 && dist < bound && bound > last_bound))
                    fail_msg("%s seed %d epoch %g: distance %g, bound %g", arms[a], seed, epoch,
                             dist, bound);
                last_bound = bound;
                checked++;
                if (epoch == 10)
                    at10 = dist;
                if (epoch == 20)
                    at20 = dist;
            }
            assert_true(isfinite(at10) && isfinite(at20));
            if (a == 1 && !(at20 <= 1.2 * at10))
                fail_msg("strongly convex seed %d: distance %g at epoch 20, %g at epoch 10", seed,
                         at20, at10);
        }
    assert_int_equal(checked, 2 * 3 * 20);
    harness_csv_free(&csv);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgd_convex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
