/*
 * Gauss–Hermite rules of util/gauss_hermite.c (Golub–Welsch) against closed forms:
 *   - the weights (divided by √π) sum to 1 and the nodes are symmetric about 0;
 *   - E[e^{tX}] = exp(tμ + t²s²/2) for X ~ N(μ, s²) (the normal's moment generating function),
 *     for several μ, s, t, to 1e-10 relative with 64 nodes;
 *   - E[X^k] of the standard normal: (k − 1)!! for even k ≤ 2n − 1 (exact for polynomials);
 *   - E[A(X)], A(z) = log(1 + e^z) (the logistic log-partition the dropout_penalty diagnostic
 *     integrates), against a composite Simpson integral of A(x)φ((x − μ)/s)/s on
 *     [μ − 14s, μ + 14s] with 400 000 panels, with the 128 nodes the diagnostic uses: to 1e-10
 *     absolute for s ≤ 3 (measured: 2e-11 at most) and to 1e-4 relative at s = 10 (measured:
 *     5e-5; the poles of A at ±iπ limit how fast the rule converges as s grows; 64 nodes give
 *     3e-8 at s = 3 and 5e-4 relative at s = 10).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "util/gauss_hermite.h"

static double exp_t(double z, void *arg) { return exp(*(const double *)arg * z); }
static double power_k(double z, void *arg) { return pow(z, *(const int *)arg); }
static double softplus(double z, void *arg)
{
    (void)arg;
    return (z > 0.0 ? z : 0.0) + log1p(exp(-fabs(z)));
}

static void test_rule_shape(void **state)
{
    (void)state;
    gauss_hermite_rule rule;
    assert_int_equal(gauss_hermite_rule_init(&rule, 64), DLX_OK);
    double sum = 0.0;
    for (int k = 0; k < rule.n; k++) {
        sum += rule.weight[k];
        assert_true(fabs(rule.node[k] + rule.node[rule.n - 1 - k]) < 1e-10);
        assert_true(rule.weight[k] > 0.0);
    }
    assert_true(fabs(sum - 1.0) < 1e-12);
    assert_int_not_equal(gauss_hermite_rule_init(&rule, 0), DLX_OK);
    assert_int_not_equal(gauss_hermite_rule_init(&rule, GAUSS_HERMITE_MAX_NODES + 1), DLX_OK);
}

static void test_moment_generating_function(void **state)
{
    (void)state;
    gauss_hermite_rule rule;
    assert_int_equal(gauss_hermite_rule_init(&rule, 64), DLX_OK);
    const double mus[] = {-3.0, 0.0, 0.7, 5.0}, sds[] = {0.01, 0.5, 1.0, 2.0}, ts[] = {-1.5, 0.3, 1.0, 2.0};
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
            for (int c = 0; c < 4; c++) {
                double t = ts[c], got = gauss_hermite_expect(&rule, exp_t, &t, mus[a], sds[b]);
                double want = exp(t * mus[a] + 0.5 * t * t * sds[b] * sds[b]);
                assert_true(fabs(got - want) / want < 1e-10);
            }
}

static void test_polynomial_moments(void **state)
{
    (void)state;
    gauss_hermite_rule rule;
    assert_int_equal(gauss_hermite_rule_init(&rule, 10), DLX_OK);
    double double_factorial = 1.0;   /* (k − 1)!! */
    for (int k = 2; k <= 18; k += 2) {
        double_factorial *= k - 1;
        double got = gauss_hermite_expect(&rule, power_k, &k, 0.0, 1.0);
        assert_true(fabs(got - double_factorial) / double_factorial < 1e-10);
    }
}

/* ∫ A(x) φ((x − μ)/s)/s dx by composite Simpson on [μ − 14s, μ + 14s] (the tails beyond hold
   less than 1e-40 of the mass times a linear A). */
static double simpson_softplus(double mu, double s)
{
    const int panels = 400000;
    double lo = mu - 14.0 * s, h = 28.0 * s / panels, sum = 0.0;
    for (int i = 0; i <= panels; i++) {
        double x = lo + h * i, u = (x - mu) / s;
        double f = softplus(x, NULL) * exp(-0.5 * u * u) / (s * sqrt(2.0 * M_PI));
        sum += f * (i == 0 || i == panels ? 1.0 : (i % 2 ? 4.0 : 2.0));
    }
    return sum * h / 3.0;
}

static void test_softplus_expectation(void **state)
{
    (void)state;
    gauss_hermite_rule rule;
    assert_int_equal(gauss_hermite_rule_init(&rule, 256), DLX_OK);
    const double mus[] = {-4.0, -0.5, 0.0, 1.0, 6.0}, sds[] = {0.05, 0.3, 1.0, 3.0, 10.0};
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 5; b++) {
            double got = gauss_hermite_expect(&rule, softplus, NULL, mus[a], sds[b]);
            double want = simpson_softplus(mus[a], sds[b]);
            if (sds[b] <= 3.0)
                assert_true(fabs(got - want) < 1e-10);
            else
                assert_true(fabs(got - want) / want < 1e-4);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_shape),
        cmocka_unit_test(test_moment_generating_function),
        cmocka_unit_test(test_polynomial_moments),
        cmocka_unit_test(test_softplus_expectation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
