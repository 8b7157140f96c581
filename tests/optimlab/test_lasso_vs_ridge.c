/*
 * Reduced configs/lasso_vs_ridge.yaml: n = 60, p = 20, a 3-sparse truth, target noise 0.3,
 * full-batch proximal GD (l1 = 0.4) against GD with l2 = 0.4, on data seeds 1..8 (a sweep).
 *
 * Claims (issue 4, reproduction 6; Tibshirani 1996): the lasso's exact zeros are exactly the
 * 17 true zeros (support_recovered = 1, no false zeros or nonzeros, sparsity 17/20); ridge
 * leaves all 20 coefficients nonzero (sparsity 0, 17 false nonzeros); both converge to
 * their exact references (dist_to_ref < 1e-5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "optimlab_util.h"

static const char *const YAML =
    "experiment: lasso_vs_ridge_reduced\n"
    "data: {source: synthetic, kind: linear, n_train: 60, n_test: 50, dim: 20, sparsity: 3,\n"
    "       noise: 0.3, seed: 1, preprocess: none}\n"
    "model: {type: linear, init: zeros}\n"
    "loss: mse\n"
    "optimizer: {type: sgd, lr: 0.1}\n"
    "training: {epochs: 500, batch_size: full, eval_every: 500}\n"
    "diagnostics: [sparsity, dist_to_ref]\n"
    "arms:\n"
    "  - name: lasso\n"
    "    regularizer: {l1: 0.4}\n"
    "  - name: ridge\n"
    "    regularizer: {l2: 0.4}\n"
    "sweep:\n"
    "  data.seed: [1, 2, 3, 4, 5, 6, 7, 8]\n";

static void test_lasso_recovers_support_ridge_does_not(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    harness_csv m;
    optimlab_run(dir, YAML, &m);
    int finals = 0;
    for (int r = 0; r < m.n_rows; r++) {
        if (harness_csv_num(&m, r, "epoch") != 500)
            continue;
        finals++;
        const char *arm = harness_csv_str(&m, r, "arm");
        double seed = harness_csv_num(&m, r, "data.seed"), dist = harness_csv_num(&m, r, "dist_to_ref");
        double sparsity = harness_csv_num(&m, r, "sparsity.out");
        double false_zeros = harness_csv_num(&m, r, "false_zeros");
        double false_nonzeros = harness_csv_num(&m, r, "false_nonzeros");
        print_message("data seed %g %s: sparsity %g false zeros %g false nonzeros %g dist_to_ref %.3g\n", seed,
                      arm, sparsity, false_zeros, false_nonzeros, dist);
        assert_true(dist < 1e-5);
        assert_true(false_zeros == 0);
        if (strcmp(arm, "lasso") == 0) {
            assert_true(sparsity == 17.0 / 20.0);
            assert_true(false_nonzeros == 0);
            assert_true(harness_csv_num(&m, r, "support_recovered") == 1);
        } else {
            assert_true(sparsity == 0);
            assert_true(false_nonzeros == 17);
            assert_true(harness_csv_num(&m, r, "support_recovered") == 0);
        }
    }
    assert_int_equal(finals, 16);
    harness_csv_free(&m);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    optimlab_use_memory_tmp();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_lasso_recovers_support_ridge_does_not)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
