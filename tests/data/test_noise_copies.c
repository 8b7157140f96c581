/* Tests of noise_copies.c: J·n rows, row j·n + i is example i plus noise with
   its target or label unchanged; the noise has mean 0 and variance σ², is
   independent between copies of the same example, and is the same for the
   same stream; the source is left as it was; a too large request is an error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "data/noise_copies.h"
#include "data/split.h"
#include "data_test_util.h"

static void test_layout_and_moments(void **state)
{
    (void)state;
    enum { N = 500, J = 40 };
    const double sigma = 0.3;
    dlx_split src = numbered_split(N, 1);
    assert_non_null(src.x);
    dlx_split out, again;
    dlx_diags d = {0};
    dlx_rng rng, rng2;
    rng_seed(&rng, 7, 6);
    rng_seed(&rng2, 7, 6);
    assert_int_equal(noise_copies_split(&out, &src, J, sigma, &rng, &d), DLX_OK);
    assert_int_equal(noise_copies_split(&again, &src, J, sigma, &rng2, &d), DLX_OK);
    assert_int_equal(out.n, N * J);
    assert_int_equal(out.dim, 2);
    assert_memory_equal(out.x, again.x, sizeof *out.x * (size_t)N * J * 2);
    /* moments of ε = x̃ − x over all J·n·2 values, and the correlation of
       ε between copies 0 and 1 of the same example */
    double sum = 0, sq = 0, cross = 0;
    for (int j = 0; j < J; j++) {
        for (int i = 0; i < N; i++) {
            size_t row = (size_t)j * N + (size_t)i;
            assert_true(out.targets[row] == src.targets[i]);
            for (int c = 0; c < 2; c++) {
                double e = (double)out.x[row * 2 + c] - src.x[(size_t)i * 2 + c];
                sum += e;
                sq += e * e;
                if (j == 1)
                    cross += e * ((double)out.x[(size_t)i * 2 + c] - src.x[(size_t)i * 2 + c]);
            }
        }
    }
    double m = (double)N * J * 2, mean = sum / m, var = sq / m - mean * mean;
    /* mean: standard error σ/√m = 1.1e-3; variance: sd σ²√(2/m) = 4.5e-4;
       the cross moment over 2N pairs: sd σ²/√(2N) = 2.8e-3. Bounds at about 5 sd. */
    assert_true(fabs(mean) < 6e-3);
    assert_true(fabs(var - sigma * sigma) < 2.5e-3);
    assert_true(fabs(cross / (2.0 * N)) < 1.5e-2);
    /* the source is unchanged */
    for (int i = 0; i < N; i++)
        assert_true(src.x[2 * i] == (float)i && src.x[2 * i + 1] == (float)-i);
    split_free(&out);
    split_free(&again);
    split_free(&src);
}

static void test_labels_copied_and_size_checked(void **state)
{
    (void)state;
    dlx_split src = numbered_split(10, 0), out;
    dlx_diags d = {0};
    dlx_rng rng;
    rng_seed(&rng, 1, 6);
    assert_int_equal(noise_copies_split(&out, &src, 3, 0.5, &rng, &d), DLX_OK);
    for (int k = 0; k < 30; k++)
        assert_int_equal(out.labels[k], src.labels[k % 10]);
    split_free(&out);
    assert_int_equal(noise_copies_split(&out, &src, 1 << 30, 0.5, &rng, &d), DLX_ERR_INPUT);
    assert_int_equal(d.count, 1);
    assert_non_null(strstr(d.items[0].message, "examples (regularizer.noise_copies)"));
    diags_free(&d);
    split_free(&src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_and_moments),
        cmocka_unit_test(test_labels_copied_and_size_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
