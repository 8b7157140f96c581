/* Tests of rng.c: reproducibility, streams, and the moments of each distribution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/rng.h"

static void test_same_seed_same_sequence(void **state)
{
    (void)state;
    dlx_rng a, b, c;
    rng_seed(&a, 42, 0);
    rng_seed(&b, 42, 0);
    rng_seed(&c, 42, 1);
    int differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rng_u64(&a), y = rng_u64(&b), z = rng_u64(&c);
        assert_true(x == y);
        differ += x != z;
    }
    assert_true(differ > 95);
}

static void test_uniform_and_normal_moments(void **state)
{
    (void)state;
    dlx_rng r;
    rng_seed(&r, 7, 3);
    const int n = 200000;
    double su = 0, sn = 0, sn2 = 0;
    for (int i = 0; i < n; i++) {
        float u = rng_uniform_f(&r);
        assert_true(u >= 0.0f && u < 1.0f);
        su += u;
        double z = rng_normal(&r);
        sn += z;
        sn2 += z * z;
    }
    /* Standard errors: 0.29/sqrt(n) ~ 6.5e-4 and 1/sqrt(n) ~ 2.2e-3. */
    assert_true(fabs(su / n - 0.5) < 4e-3);
    assert_true(fabs(sn / n) < 1.2e-2);
    assert_true(fabs(sn2 / n - 1.0) < 2e-2);
}

static void test_below_and_shuffle(void **state)
{
    (void)state;
    dlx_rng r;
    rng_seed(&r, 1, 0);
    int counts[5] = {0};
    for (int i = 0; i < 50000; i++) {
        uint64_t k = rng_below(&r, 5);
        assert_true(k < 5);
        counts[k]++;
    }
    for (int k = 0; k < 5; k++)
        assert_true(abs(counts[k] - 10000) < 500);
    int idx[100], seen[100] = {0};
    for (int i = 0; i < 100; i++)
        idx[i] = i;
    rng_shuffle(&r, idx, 100);
    int moved = 0;
    for (int i = 0; i < 100; i++) {
        seen[idx[i]]++;
        moved += idx[i] != i;
    }
    for (int i = 0; i < 100; i++)
        assert_int_equal(seen[i], 1);
    assert_true(moved > 80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_sequence),
        cmocka_unit_test(test_uniform_and_normal_moments),
        cmocka_unit_test(test_below_and_shuffle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
