/*
 * condition_number for each layer of an mlp: κ of the second-moment matrix
 * of the layer's inputs over a probe batch of the training split.
 *
 * An mlp 3 → 5 → 2 → out with identity activations: fc2's inputs
 * h = W₁x + b₁ span at most 3 + 1 = 4 of their 5 dimensions, so their
 * second-moment matrix is singular (κ = inf, or above 1e6 from rounding);
 * out's inputs (2 dimensions) are full rank, so κ is finite; fc1's κ is the
 * data's, the same at every evaluation point, while the deeper ones move
 * as the weights train.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "optimlab_util.h"

static void test_layer_condition(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    harness_csv m;
    optimlab_run(dir,
                 "experiment: layer_condition\n"
                 "data: {source: synthetic, kind: gaussian_mixture, n_train: 300, n_test: 50, dim: 3, classes: 2}\n"
                 "model: {type: mlp, hidden: [5, 2], activation: identity}\n"
                 "optimizer: {type: sgd, lr: 0.1}\n"
                 "training: {epochs: 3, batch_size: 30}\n"
                 "diagnostics: [condition_number]\n",
                 &m);
    assert_int_equal(m.n_rows, 4);
    double first = harness_csv_num(&m, 0, "condition_number.fc1");
    for (int r = 0; r < m.n_rows; r++) {
        double k1 = harness_csv_num(&m, r, "condition_number.fc1");
        double k2 = harness_csv_num(&m, r, "condition_number.fc2");
        double k3 = harness_csv_num(&m, r, "condition_number.out");
        print_message("row %d: fc1 %.6g fc2 %.6g out %.6g\n", r, k1, k2, k3);
        assert_true(k1 == first && k1 >= 1 && k1 < 100);
        assert_true(k2 > 1e6);
        assert_true(isfinite(k3) && k3 >= 1 && k3 < 1e6);
    }
    assert_true(harness_csv_num(&m, 0, "condition_number.out") != harness_csv_num(&m, 3, "condition_number.out"));
    harness_csv_free(&m);
    harness_rmtree(dir);
    free(dir);
}

/* A factorization has no input features: refused at validation, the
   diagnostic named once ("diagnostic condition_number measures ..."). */
static void test_condition_refuses_factorization(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *cfg = harness_write(dir, "f.yaml",
                              "experiment: cond_factorization\n"
                              "data: {source: synthetic, kind: low_rank, rows: 8, cols: 6, rank: 2}\n"
                              "model: {type: factorization, rank: 2}\n"
                              "training: {batch_size: full, epochs: 2}\n"
                              "diagnostics: [condition_number]\n");
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "validate '%s'", cfg), 2);
    print_message("%s", err);
    assert_non_null(strstr(err, "error: diagnostic condition_number measures input features, which a "
                                "factorization's matrix entries do not have"));
    assert_null(strstr(err, "condition_number diagnostic condition_number")); /* the name once */
    free(err);
    free(cfg);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    optimlab_use_memory_tmp();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_layer_condition),
                                       cmocka_unit_test(test_condition_refuses_factorization)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
