/*
 * Reference solutions against dlx's own optimizers: full-batch training of a
 * convex model must converge to the exact optimum that solvers/reference.c
 * computes by another route (coordinate descent for lasso, QR for ridge,
 * Newton for logistic), for data seeds 1..4:
 *   - lasso (proximal SGD): dist_to_ref < 1e-5, f − f* < 1e-10, f − f* never
 *     below −1e-12 (θ* is a minimum), and exact zeros (sparsity > 0) where
 *     ridge has none;
 *   - ridge (SGD with l2): dist_to_ref < 1e-5;
 *   - logistic with l2 (SGD): dist_to_ref < 1e-5.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "optimlab_util.h"

static const char *const LINEAR =
    "experiment: lr\n"
    "data: {source: synthetic, kind: linear, n_train: 100, n_test: 20, dim: 20, noise: 0.5,\n"
    "       condition: 10, seed: %d}\n"
    "model: {type: linear, init: zeros}\n"
    "regularizer: {l1: 0.05}\n"
    "optimizer: {type: sgd, lr: 0.2}\n"
    "training: {epochs: 600, batch_size: full, eval_every: 50}\n"
    "diagnostics: [suboptimality, dist_to_ref, sparsity]\n"
    "arms:\n"
    "  - name: lasso\n"
    "  - name: ridge\n"
    "    regularizer: {l1: 0.0, l2: 0.05}\n";

static const char *const LOGISTIC =
    "experiment: lg\n"
    "data: {source: synthetic, kind: logistic, classes: 2, n_train: 200, n_test: 20, dim: 5, seed: %d}\n"
    "model: {type: logistic, init: zeros}\n"
    "regularizer: {l2: 0.01}\n"
    "optimizer: {type: sgd, lr: 1.0}\n"
    "training: {epochs: 400, batch_size: full, eval_every: 100}\n"
    "diagnostics: [suboptimality, dist_to_ref]\n";

static void test_linear_references(void **state)
{
    (void)state;
    for (int seed = 1; seed <= 4; seed++) {
        char *dir = harness_tmpdir(), text[2048];
        snprintf(text, sizeof text, LINEAR, seed);
        harness_csv m;
        optimlab_run(dir, text, &m);
        for (int r = 0; r < m.n_rows; r++)
            assert_true(harness_csv_num(&m, r, "suboptimality") > -1e-12);
        double d_lasso = optimlab_last(&m, "lasso", "dist_to_ref");
        double f_lasso = optimlab_last(&m, "lasso", "suboptimality");
        double s_lasso = optimlab_last(&m, "lasso", "sparsity.out");
        double d_ridge = optimlab_last(&m, "ridge", "dist_to_ref");
        double s_ridge = optimlab_last(&m, "ridge", "sparsity.out");
        print_message("data seed %d: lasso dist %.3g f-f* %.3g zeros %.2f; ridge dist %.3g zeros %.2f\n",
                      seed, d_lasso, f_lasso, s_lasso, d_ridge, s_ridge);
        assert_true(d_lasso < 1e-5);
        assert_true(f_lasso < 1e-10);
        assert_true(s_lasso > 0.0);
        assert_true(d_ridge < 1e-5);
        assert_true(s_ridge == 0.0);
        harness_csv_free(&m);
        harness_rmtree(dir);
        free(dir);
    }
}

static void test_logistic_reference(void **state)
{
    (void)state;
    for (int seed = 1; seed <= 4; seed++) {
        char *dir = harness_tmpdir(), text[2048];
        snprintf(text, sizeof text, LOGISTIC, seed);
        harness_csv m;
        optimlab_run(dir, text, &m);
        double d = optimlab_last(&m, "main", "dist_to_ref"), f = optimlab_last(&m, "main", "suboptimality");
        print_message("data seed %d: logistic dist %.3g f-f* %.3g\n", seed, d, f);
        assert_true(d < 1e-5);
        assert_true(f > -1e-12 && f < 1e-10);
        harness_csv_free(&m);
        harness_rmtree(dir);
        free(dir);
    }
}

int main(void)
{
    optimlab_use_memory_tmp();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_references),
        cmocka_unit_test(test_logistic_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
