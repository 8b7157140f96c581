/* Tests of uncertainty.c on hand-computed numbers: the noise variance, the
   Gaussian NLL, the coverage of the 50% and 90% intervals of y and of the
   regression function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "uncertainty/scores.h"

/* μ = 0, v = 0, σ² = 1: residuals 1, −1, 3, 0. |r| ≤ 0.674 for one of four,
   |r| ≤ 1.645 for three; nll = ½·log 2π + (1 + 1 + 9 + 0)/(2·4). */
static void test_regression_scores(void **state)
{
    (void)state;
    const double mean[] = {0, 0, 0, 0}, var[] = {0, 0, 0, 0};
    const float y[] = {1, -1, 3, 0};
    dlx_uncertainty_score s = uncertainty_score_regression(mean, var, y, NULL, 4, 1.0);
    assert_float_equal(s.loss, 11.0 / 4, 1e-12);
    assert_float_equal(s.rmse, sqrt(11.0 / 4), 1e-12);
    assert_float_equal(s.nll, 0.5 * log(2 * M_PI) + 11.0 / 8, 1e-12);
    assert_float_equal(s.cover50, 0.25, 0);
    assert_float_equal(s.cover90, 0.75, 0);
    assert_float_equal(s.noise_sd, 1.0, 0);
    assert_float_equal(s.model_sd, 0.0, 0);
    assert_true(isnan(s.truth_cover90) && isnan(s.accuracy) && isnan(s.ece));
}

/* Model variance 4 (sd 2) and σ² = 0: the truth f = (1, 3, −0.5, 5) is
   1, 3, 0.5, 5 away from μ = 0: within 0.674·2 = 1.349 twice, within
   1.645·2 = 3.290 three times. The predictive sd is √(0 + 4) = 2 too. */
static void test_truth_coverage(void **state)
{
    (void)state;
    const double mean[] = {0, 0, 0, 0}, var[] = {4, 4, 4, 4};
    const float y[] = {0, 0, 0, 0}, f[] = {1, 3, -0.5f, 5};
    dlx_uncertainty_score s = uncertainty_score_regression(mean, var, y, f, 4, 0.0);
    assert_float_equal(s.truth_cover50, 0.5, 0);
    assert_float_equal(s.truth_cover90, 0.75, 0);
    assert_float_equal(s.truth_rmse, sqrt((1 + 9 + 0.25 + 25) / 4.0), 1e-12);
    assert_float_equal(s.model_sd, 2.0, 1e-12);
    assert_float_equal(s.cover90, 1.0, 0);
    assert_float_equal(s.nll, 0.5 * log(2 * M_PI * 4), 1e-12);
}

static void test_noise_variance(void **state)
{
    (void)state;
    const double mean[] = {1, 2, 3};
    const float y[] = {2, 2, 1};
    assert_float_equal(uncertainty_noise_var(mean, y, 3), (1.0 + 0 + 4) / 3, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regression_scores),
        cmocka_unit_test(test_truth_coverage),
        cmocka_unit_test(test_noise_variance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
