/* Tests of split.c: sized allocation, and a split adopting its caller's
   input array (as the IDX loader does after widening pixels in place), with
   the array freed on every error so that no path leaks it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "data/split.h"

/* Whether the first message in d contains text. */
static int first_message_has(const dlx_diags *d, const char *text)
{
    return d->count > 0 && strstr(d->items[0].message, text) != NULL;
}

static void test_alloc_is_zeroed_and_sized(void **state)
{
    (void)state;
    dlx_diags d = {0};
    dlx_split s;
    assert_int_equal(split_alloc(&s, 3, 4, 0, "f", &d), DLX_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.dim, 4);
    assert_null(s.targets);
    for (int i = 0; i < 12; i++)
        assert_true(s.x[i] == 0.0f);
    for (int i = 0; i < 3; i++)
        assert_int_equal(s.labels[i], 0);
    split_free(&s);
    assert_null(s.x);
    assert_int_equal(split_alloc(&s, 2, 3, 2, "f", &d), DLX_OK);
    assert_null(s.labels);
    assert_true(s.targets[3] == 0.0f);
    split_free(&s);
    assert_int_equal(d.count, 0);
}

static void test_adopts_the_callers_inputs(void **state)
{
    (void)state;
    dlx_diags d = {0};
    dlx_split s;
    float *x = malloc(7 * sizeof *x);
    assert_non_null(x);
    for (int i = 0; i < 7; i++)
        x[i] = (float)i + 0.5f;
    assert_int_equal(split_alloc_with_inputs(&s, x, 2, 3, 0, "f", &d), DLX_OK);
    assert_ptr_equal(s.x, x); /* no copy */
    assert_true(s.x[5] == 5.5f);
    assert_int_equal(s.labels[1], 0);
    split_free(&s); /* frees x too: valgrind and ASan see no leak */
    assert_int_equal(d.count, 0);
}

static void test_errors_free_the_inputs(void **state)
{
    (void)state;
    dlx_split s;
    /* Negative sizes: an input error, x freed. */
    dlx_diags d = {0};
    assert_int_equal(split_alloc_with_inputs(&s, malloc(4), -1, 3, 0, "neg", &d), DLX_ERR_INPUT);
    assert_true(first_message_has(&d, "negative split size"));
    assert_null(s.x);
    diags_free(&d);
    /* More than 2^31 numbers: the size message, x freed. */
    assert_int_equal(split_alloc_with_inputs(&s, malloc(4), 70000, 40000, 0, "big", &d),
                     DLX_ERR_INPUT);
    assert_true(first_message_has(&d, "dlx accepts at most 2^31 numbers"));
    diags_free(&d);
    /* No array (the caller's allocation failed): out of memory. */
    assert_int_equal(split_alloc_with_inputs(&s, NULL, 2, 3, 0, "oom", &d), DLX_ERR_RUNTIME);
    assert_true(first_message_has(&d, "out of memory"));
    assert_null(s.labels);
    diags_free(&d);
    /* split_alloc checks the size before allocating anything: one message. */
    assert_int_equal(split_alloc(&s, 70000, 40000, 0, "big", &d), DLX_ERR_INPUT);
    assert_int_equal(d.count, 1);
    diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_is_zeroed_and_sized),
        cmocka_unit_test(test_adopts_the_callers_inputs),
        cmocka_unit_test(test_errors_free_the_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
