/* Tests of batchnorm.c: the forward statistics, the backward pass against
   central differences, the running estimates after two batches and the eval
   mode, each against numbers worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "nn/batchnorm.h"
#include "nn_testing.h"

static void test_forward_matches_definition(void **state)
{
    (void)state;
    /* 70 features: more than one block of 64 columns. */
    enum { B = 9, N = 70 };
    dlx_rng rng;
    rng_seed(&rng, 31, 0);
    real in[B * N], gamma[N], beta[N], out[B * N], x_hat[B * N], mean[N], var[N], rstd[N];
    fill_normal(in, B * N, 3.0, 2.0, &rng);
    fill_normal(gamma, N, 1.0, 0.3, &rng);
    fill_normal(beta, N, 0.0, 0.3, &rng);
    const double eps = 1e-5;
    batchnorm_forward_train(out, x_hat, mean, var, rstd, in, gamma, beta, B, N, eps);
    for (int j = 0; j < N; j++) {
        double mu = 0, v = 0;
        for (int i = 0; i < B; i++)
            mu += in[i * N + j];
        mu /= B;
        for (int i = 0; i < B; i++)
            v += (in[i * N + j] - mu) * (in[i * N + j] - mu);
        v /= B; /* biased */
        assert_true(fabs(mean[j] - mu) < 1e-5);
        assert_true(fabs(var[j] - v) < 1e-5 * v);
        assert_true(fabs(rstd[j] - 1.0 / sqrt(v + eps)) < 1e-5 * rstd[j]);
        for (int i = 0; i < B; i++) {
            double xh = (in[i * N + j] - mu) / sqrt(v + eps);
            assert_true(fabs(x_hat[i * N + j] - xh) < 1e-5);
            assert_true(fabs(out[i * N + j] - (gamma[j] * xh + beta[j])) < 1e-5);
        }
    }
}

enum { GB = 6, GN = 3 };

typedef struct {
    real in[GB * GN], gamma[GN], beta[GN], c[GB * GN];
    real out[GB * GN], x_hat[GB * GN], mean[GN], var[GN], rstd[GN];
} bn_case;

/* L = Σ c·y with random c: Σ y alone is degenerate for batch norm (Σ_i x̂_i = 0,
   so its input gradient vanishes identically). */
static double bn_loss(void *ctx)
{
    bn_case *k = ctx;
    batchnorm_forward_train(k->out, k->x_hat, k->mean, k->var, k->rstd, k->in, k->gamma, k->beta,
                            GB, GN, 1e-5);
    return weighted_sum(k->c, k->out, GB * GN);
}

static void test_backward_matches_finite_differences(void **state)
{
    (void)state;
    dlx_rng rng;
    rng_seed(&rng, 32, 0);
    bn_case k;
    fill_normal(k.in, GB * GN, 1.0, 1.0, &rng);
    fill_normal(k.gamma, GN, 1.0, 0.3, &rng);
    fill_normal(k.beta, GN, 0.0, 0.5, &rng);
    fill_uniform(k.c, GB * GN, -1.0, 1.0, &rng);
    bn_loss(&k);
    real d_in[GB * GN], d_gamma[GN], d_beta[GN];
    batchnorm_backward(d_in, d_gamma, d_beta, k.c, k.x_hat, k.gamma, k.rstd, GB, GN);
    /* In place (d_in aliasing d_out) gives the same numbers. */
    real d_alias[GB * GN], dg2[GN], db2[GN];
    memcpy(d_alias, k.c, sizeof d_alias);
    batchnorm_backward(d_alias, dg2, db2, d_alias, k.x_hat, k.gamma, k.rstd, GB, GN);
    assert_memory_equal(d_in, d_alias, sizeof d_in);

    /* L is linear in gamma and beta (no truncation error). In x it is smooth
       with third derivatives of order rstd³ ~ 1 here (unit-variance inputs),
       so h = 1e-2 gives truncation ~2e-5; rounding of the float forward
       (~1e-7·Σ|c·y| ~ 1e-6) over 2h adds ~5e-5. Tolerance 5e-3 relative, with a
       1e-2 floor for near-zero input gradients. */
    assert_gradcheck_below(gradcheck(bn_loss, &k, k.in, d_in, GB * GN, REAL_C(1e-2), 1e-2), 5e-3, "dx");
    assert_gradcheck_below(gradcheck(bn_loss, &k, k.gamma, d_gamma, GN, REAL_C(1e-2), 1e-2), 5e-3, "dgamma");
    assert_gradcheck_below(gradcheck(bn_loss, &k, k.beta, d_beta, GN, REAL_C(1e-2), 1e-2), 5e-3, "dbeta");
    /* Σ_i dx_i = 0 for each feature: shifting a whole column changes nothing. */
    for (int j = 0; j < GN; j++) {
        double s = 0;
        for (int i = 0; i < GB; i++)
            s += d_in[i * GN + j];
        assert_true(fabs(s) < 1e-5);
    }
}

static void test_running_statistics_after_two_batches(void **state)
{
    (void)state;
    /* Two features, momentum 0.1, running_mean = 0 and running_var = 1 at start.
       Batch 1: feature 0 = {1,2,3,4}: mean 2.5, biased var 1.25, unbiased 5/3;
                feature 1 = {0,0,0,0}: mean 0, var 0.
         rm0 = 0.9·0 + 0.1·2.5 = 0.25          rv0 = 0.9·1 + 0.1·5/3 = 1.0666667
         rm1 = 0                              rv1 = 0.9·1 + 0 = 0.9
       Batch 2: feature 0 = {2,4,6,8}: mean 5, biased var 5, unbiased 20/3;
                feature 1 = {-1,1,-1,1}: mean 0, biased var 1, unbiased 4/3.
         rm0 = 0.9·0.25 + 0.1·5 = 0.725      rv0 = 0.9·1.0666667 + 0.1·20/3 = 1.6266667
         rm1 = 0                              rv1 = 0.9·0.9 + 0.1·4/3 = 0.9433333 */
    const real batch1[8] = {1, 0, 2, 0, 3, 0, 4, 0}, batch2[8] = {2, -1, 4, 1, 6, -1, 8, 1};
    const real gamma[2] = {1, 1}, beta[2] = {0, 0};
    real running_mean[2] = {0, 0}, running_var[2] = {1, 1};
    real out[8], x_hat[8], mean[2], var[2], rstd[2];
    batchnorm_forward_train(out, x_hat, mean, var, rstd, batch1, gamma, beta, 4, 2, 1e-5);
    assert_true(fabs(var[0] - 1.25) < 1e-6 && var[1] == REAL_C(0.0));
    batchnorm_update_running(running_mean, running_var, mean, var, 4, 2, 0.1);
    assert_true(fabs(running_mean[0] - 0.25) < 1e-6 && running_mean[1] == REAL_C(0.0));
    assert_true(fabs(running_var[0] - 1.0666667) < 1e-6);
    assert_true(fabs(running_var[1] - 0.9) < 1e-6);
    /* A constant feature normalizes to x̂ = 0 (var 0, rstd = 1/sqrt(eps)): no NaN. */
    for (int i = 0; i < 4; i++)
        assert_true(x_hat[i * 2 + 1] == REAL_C(0.0));

    batchnorm_forward_train(out, x_hat, mean, var, rstd, batch2, gamma, beta, 4, 2, 1e-5);
    batchnorm_update_running(running_mean, running_var, mean, var, 4, 2, 0.1);
    assert_true(fabs(running_mean[0] - 0.725) < 1e-6);
    assert_true(fabs(running_mean[1]) < 1e-7);
    assert_true(fabs(running_var[0] - 1.6266667) < 1e-6);
    assert_true(fabs(running_var[1] - 0.9433333) < 1e-6);
}

static void test_batch_of_one(void **state)
{
    (void)state;
    /* B = 1: var = 0 and the unbiased factor B/(B−1) is taken as 1, so
       rm = 0.9·0 + 0.1·3 = 0.3 and rv = 0.9·1 + 0.1·0 = 0.9; the output is β. */
    const real in[1] = {REAL_C(3.0)}, gamma[1] = {REAL_C(2.0)}, beta[1] = {REAL_C(0.5)};
    real out[1], x_hat[1], mean[1], var[1], rstd[1], rm[1] = {0}, rv[1] = {1};
    batchnorm_forward_train(out, x_hat, mean, var, rstd, in, gamma, beta, 1, 1, 1e-5);
    batchnorm_update_running(rm, rv, mean, var, 1, 1, 0.1);
    assert_true(out[0] == REAL_C(0.5) && x_hat[0] == REAL_C(0.0));
    assert_true(fabs(rm[0] - 0.3) < 1e-7 && fabs(rv[0] - 0.9) < 1e-7);
}

static void test_eval_uses_running_statistics(void **state)
{
    (void)state;
    /* running_mean 2, running_var 3, eps 1: sqrt(3 + 1) = 2; gamma 3, beta −1:
         x = 6:  3·(6 − 2)/2 − 1 = 5
         x = 0:  3·(0 − 2)/2 − 1 = −4
         x = 2:  −1 (β) */
    const real in[3] = {6, 0, 2}, gamma[1] = {3}, beta[1] = {-1}, rm[1] = {2}, rv[1] = {3};
    real out[3];
    batchnorm_forward_eval(out, in, gamma, beta, rm, rv, 3, 1, 1.0);
    assert_true(fabs(out[0] - REAL_C(5.0)) < 1e-6);
    assert_true(fabs(out[1] + REAL_C(4.0)) < 1e-6);
    assert_true(fabs(out[2] + REAL_C(1.0)) < 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_matches_definition),
        cmocka_unit_test(test_backward_matches_finite_differences),
        cmocka_unit_test(test_running_statistics_after_two_batches),
        cmocka_unit_test(test_batch_of_one),
        cmocka_unit_test(test_eval_uses_running_statistics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
