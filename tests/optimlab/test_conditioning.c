/*
 * Reduced configs/conditioning.yaml: a regression whose design covariance has
 * condition number 1000 (dim 10), fitted by full-batch GD after preprocess
 * none, standardize and whiten, and by Adagrad, for data seeds 1..4.
 *
 * Claims (issue 4, reproduction 2; LeCun et al. 1998 §4.3, §5):
 *   - κ of the inputs' second-moment matrix is large without preprocessing and
 *     after standardizing (the covariance is rotated, so per-feature scaling
 *     cannot undo it), and 1 to float precision after whitening;
 *   - GD reaches f − f* ≤ 1e-6·(f₀ − f*) within 20 steps after whitening, and
 *     needs more than 50 times as many without it. Adagrad's numbers are
 *     printed, not asserted: against GD on the raw inputs it wins on some
 *     data seeds and loses on others (docs/experiments/conditioning.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "optimlab_util.h"

static const char *const YAML =
    "experiment: conditioning_reduced\n"
    "data: {source: synthetic, kind: linear, n_train: 500, n_test: 50, dim: 10, noise: 0.1,\n"
    "       condition: 1000, seed: %d, preprocess: none}\n"
    "model: {type: linear, init: zeros}\n"
    "regularizer: {l2: 1.0e-4}\n"
    "optimizer: {type: sgd, lr: 0.4}\n"
    "training: {epochs: 4000, batch_size: full, eval_every: 10}\n"
    "diagnostics: [condition_number, suboptimality]\n"
    "arms:\n"
    "  - name: none\n"
    "  - name: standardize\n"
    "    data: {preprocess: standardize}\n"
    "    optimizer: {lr: 0.1}\n"
    "  - name: whiten\n"
    "    data: {preprocess: whiten}\n"
    "  - name: adagrad\n"
    "    optimizer: {type: adagrad, lr: 0.1}\n";

static void test_whitening_conditions(void **state)
{
    (void)state;
    for (int seed = 1; seed <= 4; seed++) {
        char *dir = harness_tmpdir(), text[2048];
        snprintf(text, sizeof text, YAML, seed);
        harness_csv m;
        optimlab_run(dir, text, &m);
        double k_none = optimlab_last(&m, "none", "condition_number.out");
        double k_std = optimlab_last(&m, "standardize", "condition_number.out");
        double k_white = optimlab_last(&m, "whiten", "condition_number.out");
        long t_none = optimlab_steps_to(&m, "none", "suboptimality", 1e-6);
        long t_std = optimlab_steps_to(&m, "standardize", "suboptimality", 1e-6);
        long t_white = optimlab_steps_to(&m, "whiten", "suboptimality", 1e-6);
        long t_ada = optimlab_steps_to(&m, "adagrad", "suboptimality", 1e-6);
        print_message("data seed %d: kappa none %.4g standardize %.4g whiten %.9g; steps to 1e-6: "
                      "none %ld standardize %ld whiten %ld adagrad %ld\n",
                      seed, k_none, k_std, k_white, t_none, t_std, t_white, t_ada);
        assert_true(k_none > 100);
        assert_true(k_std > 100);
        assert_true(fabs(k_white - 1.0) < 1e-4);
        assert_true(t_white > 0 && t_white <= 20);
        assert_true(t_none < 0 || t_none > 50 * t_white);
        double f_none = optimlab_last(&m, "none", "suboptimality");
        double f_ada = optimlab_last(&m, "adagrad", "suboptimality");
        print_message("  after 4000 steps f - f*: none %.3g adagrad %.3g\n", f_none, f_ada);
        harness_csv_free(&m);
        harness_rmtree(dir);
        free(dir);
    }
}

int main(void)
{
    optimlab_use_memory_tmp();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_whitening_conditions)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
