/* Tests of linalg.c: covariance, symmetric eigendecomposition and random
   orthogonal matrices against known answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/linalg.h"
#include "data_test_util.h"

static void test_mean_covariance(void **state)
{
    (void)state;
    /* Rows (1, 2), (3, 2), (5, 8): mean (3, 4); population covariance
       [[8/3, 4], [4, 8]]. Enough rows to cross a block boundary too. */
    const float x[6] = {1, 2, 3, 2, 5, 8};
    double mean[2], cov[4];
    assert_int_equal(mean_covariance(mean, cov, x, 3, 2), DLX_OK);
    assert_float_equal(mean[0], 3.0, 1e-12);
    assert_float_equal(mean[1], 4.0, 1e-12);
    assert_float_equal(cov[0], 8.0 / 3.0, 1e-12);
    assert_float_equal(cov[1], 4.0, 1e-12);
    assert_float_equal(cov[2], 4.0, 1e-12);
    assert_float_equal(cov[3], 8.0, 1e-12);

    enum { N = 1000 };
    float *many = malloc(N * 2 * sizeof *many);
    for (int i = 0; i < N; i++) {
        many[2 * i] = (float)(i % 2 ? 1 : -1);
        many[2 * i + 1] = (float)(i % 2 ? 2 : -2) + 10.0f;
    }
    assert_int_equal(mean_covariance(mean, cov, many, N, 2), DLX_OK);
    assert_float_equal(mean[1], 10.0, 1e-12);
    assert_float_equal(cov[0], 1.0, 1e-12);
    assert_float_equal(cov[1], 2.0, 1e-12);
    assert_float_equal(cov[3], 4.0, 1e-12);
    free(many);
}

static void test_symmetric_eigen(void **state)
{
    (void)state;
    double a[4] = {2, 1, 1, 2}, lambda[2];
    assert_int_equal(symmetric_eigen(a, lambda, 2), DLX_OK);
    assert_float_equal(lambda[0], 1.0, 1e-12);
    assert_float_equal(lambda[1], 3.0, 1e-12);
    /* Rows are the eigenvectors: ±(1, −1)/√2 for 1, ±(1, 1)/√2 for 3. */
    double r = 1 / sqrt(2.0);
    assert_float_equal(fabs(a[0]), r, 1e-12);
    assert_float_equal(a[0] * a[1], -0.5, 1e-12);
    assert_float_equal(a[2] * a[3], 0.5, 1e-12);
}

static void test_random_orthogonal(void **state)
{
    (void)state;
    enum { DIM = 17 };
    static double q[DIM * DIM], again[DIM * DIM], other[DIM * DIM];
    dlx_rng r;
    rng_seed(&r, 9, 0);
    assert_int_equal(random_orthogonal(q, DIM, &r), DLX_OK);
    rng_seed(&r, 9, 0);
    assert_int_equal(random_orthogonal(again, DIM, &r), DLX_OK);
    rng_seed(&r, 10, 0);
    assert_int_equal(random_orthogonal(other, DIM, &r), DLX_OK);
    assert_memory_equal(q, again, sizeof q);
    assert_true(memcmp(q, other, sizeof q) != 0);
    for (int j = 0; j < DIM; j++) {
        for (int k = 0; k < DIM; k++) {
            double dot = 0;
            for (int i = 0; i < DIM; i++)
                dot += q[i * DIM + j] * q[i * DIM + k];
            assert_float_equal(dot, j == k ? 1.0 : 0.0, 1e-12);
        }
    }
    /* Haar measure: entries have mean 0 and variance 1/DIM; over 200 draws
       the entry (0, 0) averages near 0. */
    double sum = 0, sum2 = 0;
    for (int t = 0; t < 200; t++) {
        assert_int_equal(random_orthogonal(other, DIM, &r), DLX_OK);
        sum += other[0];
        sum2 += other[0] * other[0];
    }
    assert_true(fabs(sum / 200) < 0.1);
    assert_true(fabs(sum2 / 200 * DIM - 1.0) < 0.3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean_covariance),
        cmocka_unit_test(test_symmetric_eigen),
        cmocka_unit_test(test_random_orthogonal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
