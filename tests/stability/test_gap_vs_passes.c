/*
 * The claim of configs/gap_vs_passes.yaml (Hardt, Recht & Singer 2016, §5), reduced to
 * 2 twin pairs and 20 epochs (the rest as written: MLP with 64 ReLU units, 500
 * Fashion-MNIST images, SGD lr 0.1, batches of 50), seeds 1..2: for every seed both the
 * generalization gap and stab_param_dist grow with the passes, epoch 1 < epoch 10 <
 * epoch 20, and stab_bound is empty (the loss is not convex). Skipped (exit 77) without
 * the Fashion-MNIST files.
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

static void test_gap_and_distance_grow(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    assert_int_equal(harness_dlx(NULL, NULL,
                                 "run '%s/configs/gap_vs_passes.yaml' --out '%s/out' --seeds 1,2"
                                 " --set training.epochs=20"
                                 " --set 'diagnostics=[{stability: {pairs: 2, replace: 0, flip_label: true}}]'"
                                 " --jobs 2 --quiet", harness_source_root(), dir), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/out/metrics.csv", dir);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, path), 0);
    for (int seed = 1; seed <= 2; seed++) {
        double gap[3] = {NAN, NAN, NAN}, dist[3] = {NAN, NAN, NAN};
        for (int i = 0; i < csv.n_rows; i++) {
            if (harness_csv_num(&csv, i, "seed") != seed)
                continue;
            double e = harness_csv_num(&csv, i, "epoch");
            int k = e == 1 ? 0 : e == 10 ? 1 : e == 20 ? 2 : -1;
            assert_string_equal(harness_csv_str(&csv, i, "stab_bound"), "");
            if (k < 0)
                continue;
            gap[k] = harness_csv_num(&csv, i, "gen_gap");
            dist[k] = harness_csv_num(&csv, i, "stab_param_dist");
        }
        print_message("seed %d: gen_gap %.4f %.4f %.4f, stab_param_dist %.4f %.4f %.4f\n", seed,
                      gap[0], gap[1], gap[2], dist[0], dist[1], dist[2]);
        if (!(gap[0] < gap[1] && gap[1] < gap[2] && dist[0] > 0 && dist[0] < dist[1] &&
              dist[1] < dist[2]))
            fail_msg("seed %d: the gap or the distance does not grow", seed);
    }
    harness_csv_free(&csv);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    harness_require_fashion_mnist();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gap_and_distance_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
