/* Tests of subsample.c: determinism, original order, uniformity, the rows
   moving with their labels and targets, and the size errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/split.h"
#include "data/subsample.h"
#include "data_test_util.h"

static void test_order_and_determinism(void **state)
{
    (void)state;
    dlx_split a = numbered_split(1000, 0), b = numbered_split(1000, 0);
    dlx_split other = numbered_split(1000, 1);
    dlx_rng r1, r2, r3;
    rng_seed(&r1, 5, SUBSAMPLE_STREAM_TRAIN);
    rng_seed(&r2, 5, SUBSAMPLE_STREAM_TRAIN);
    rng_seed(&r3, 6, SUBSAMPLE_STREAM_TRAIN);
    subsample_split(&a, 100, &r1);
    subsample_split(&b, 100, &r2);
    subsample_split(&other, 100, &r3);
    assert_int_equal(a.n, 100);
    assert_memory_equal(a.x, b.x, 200 * sizeof(float));
    assert_memory_equal(a.labels, b.labels, 100 * sizeof(int));
    int differs = 0;
    for (int i = 0; i < 100; i++) {
        int original = (int)a.x[2 * i];
        assert_true(a.x[2 * i + 1] == (float)-original); /* whole rows move */
        assert_int_equal(a.labels[i], original % 7);     /* with their labels */
        if (i > 0)
            assert_true(original > (int)a.x[2 * (i - 1)]); /* original order, no repeats */
        int other_original = (int)other.x[2 * i];
        assert_true(other.targets[i] == 10.0f * other_original);
        differs += other_original != original;
    }
    assert_true(differs > 50); /* another seed, another subset */
    split_free(&a);
    split_free(&b);
    split_free(&other);
}

static void test_uniform_selection(void **state)
{
    (void)state;
    /* Keep 3 of 10, 6000 times: each index is kept 1800 times on average
       (binomial std sqrt(6000·0.3·0.7) = 35). */
    int kept[10] = {0};
    for (uint64_t seed = 0; seed < 6000; seed++) {
        dlx_split s = numbered_split(10, 0);
        dlx_rng r;
        rng_seed(&r, seed, SUBSAMPLE_STREAM_TEST);
        subsample_split(&s, 3, &r);
        assert_int_equal(s.n, 3);
        for (int i = 0; i < 3; i++)
            kept[(int)s.x[2 * i]]++;
        split_free(&s);
    }
    for (int i = 0; i < 10; i++)
        assert_true(abs(kept[i] - 1800) < 175);
}

static void test_dataset_subsample_and_errors(void **state)
{
    (void)state;
    dlx_dataset ds = {.train = numbered_split(50, 0), .test = numbered_split(20, 0), .classes = 7};
    dlx_split_origin origin;
    snprintf(origin.train, sizeof origin.train, "train.csv");
    snprintf(origin.test, sizeof origin.test, "test.csv");
    dlx_data_config c;
    memset(&c, 0, sizeof c);
    dlx_diags d = {0};

    c.n_train = 70;
    c.n_test = 21;
    assert_int_equal(subsample_dataset(&ds, &c, &origin, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, "data.n_train is 70 but train.csv has 50 examples") >=
                0);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, "data.n_test is 21 but test.csv has 20 examples") >=
                0);
    assert_int_equal(ds.train.n, 50);
    diags_free(&d);

    c.n_train = -3;
    c.n_test = 0;
    assert_int_equal(subsample_dataset(&ds, &c, &origin, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, "data.n_train must be >= 0") >= 0);
    diags_free(&d);

    /* 0 keeps all; equal to the size keeps all in order; the seed picks the subset. */
    c.n_train = 50;
    c.n_test = 0;
    assert_int_equal(subsample_dataset(&ds, &c, &origin, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.train.n, 50);
    assert_int_equal(ds.test.n, 20);
    for (int i = 0; i < 50; i++)
        assert_true(ds.train.x[2 * i] == (float)i);

    c.n_train = 10;
    c.n_test = 5;
    c.seed = 3;
    assert_int_equal(subsample_dataset(&ds, &c, &origin, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.train.n, 10);
    assert_int_equal(ds.test.n, 5);
    dlx_split expected = numbered_split(50, 0);
    dlx_rng r;
    rng_seed(&r, 3, SUBSAMPLE_STREAM_TRAIN);
    subsample_split(&expected, 10, &r);
    assert_memory_equal(ds.train.x, expected.x, 20 * sizeof(float));
    split_free(&expected);
    dataset_free(&ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_determinism),
        cmocka_unit_test(test_uniform_selection),
        cmocka_unit_test(test_dataset_subsample_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
