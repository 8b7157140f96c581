/* Tests of bootstrap.c: n draws with replacement, whole rows with their
   labels or targets, the same stream gives the same resample and another
   stream another, about 1 − 1/e of the examples appear, the source is left
   as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "data/bootstrap.h"
#include "data/split.h"
#include "data_test_util.h"

/* Fraction of the n source rows that appear in the resample r. */
static double distinct_fraction(const dlx_split *r, int n)
{
    char *seen = calloc((size_t)n, 1);
    assert_non_null(seen);
    int distinct = 0;
    for (int k = 0; k < r->n; k++) {
        int i = (int)r->x[2 * k];
        assert_true(i >= 0 && i < n);
        distinct += !seen[i];
        seen[i] = 1;
    }
    free(seen);
    return (double)distinct / n;
}

static void test_rows_counts_and_determinism(void **state)
{
    (void)state;
    enum { N = 20000 };
    dlx_split src = numbered_split(N, 0);
    assert_non_null(src.x);
    dlx_split a, b, c;
    dlx_diags d = {0};
    dlx_rng r1, r2, r3;
    rng_seed(&r1, 4, 5);
    rng_seed(&r2, 4, 5);
    rng_seed(&r3, 5, 5);
    assert_int_equal(bootstrap_split(&a, &src, &r1, &d), DLX_OK);
    assert_int_equal(bootstrap_split(&b, &src, &r2, &d), DLX_OK);
    assert_int_equal(bootstrap_split(&c, &src, &r3, &d), DLX_OK);
    assert_int_equal(a.n, N);
    assert_int_equal(a.dim, 2);
    assert_null(a.targets);
    assert_memory_equal(a.x, b.x, 2 * N * sizeof(float));
    assert_memory_equal(a.labels, b.labels, N * sizeof(int));
    long same = 0;
    for (int k = 0; k < N; k++) {
        int i = (int)a.x[2 * k];
        assert_true(a.x[2 * k + 1] == (float)-i);  /* whole rows */
        assert_int_equal(a.labels[k], i % 7);      /* with their labels */
        same += a.x[2 * k] == c.x[2 * k];
    }
    assert_true(same < N / 100);                   /* another seed, another resample */
    /* E[distinct]/n = 1 − (1 − 1/n)^n = 0.63213 for n = 20000; its standard
       deviation is about 0.0024 (Feller vol. 1, occupancy), so 0.01 is four. */
    double expected = 1.0 - pow(1.0 - 1.0 / N, N);
    assert_float_equal(distinct_fraction(&a, N), expected, 0.01);
    assert_float_equal(distinct_fraction(&c, N), expected, 0.01);
    for (int i = 0; i < N; i++)                    /* the source is untouched */
        assert_true(src.x[2 * i] == (float)i && src.labels[i] == i % 7);
    split_free(&a);
    split_free(&b);
    split_free(&c);
    split_free(&src);
}

static void test_targets_move_with_rows(void **state)
{
    (void)state;
    dlx_split src = numbered_split(500, 1), r;
    assert_non_null(src.x);
    dlx_diags d = {0};
    dlx_rng rng;
    rng_seed(&rng, 1, 5);
    assert_int_equal(bootstrap_split(&r, &src, &rng, &d), DLX_OK);
    assert_int_equal(r.n, 500);
    assert_int_equal(r.n_targets, 1);
    assert_null(r.labels);
    for (int k = 0; k < r.n; k++)
        assert_true(r.targets[k] == 10.0f * r.x[2 * k]);
    split_free(&r);
    split_free(&src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_counts_and_determinism),
        cmocka_unit_test(test_targets_move_with_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
