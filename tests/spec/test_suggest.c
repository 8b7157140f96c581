/* Tests of suggest.c: the edit distance and the did-you-mean choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/suggest.h"

static void test_distance(void **state)
{
    (void)state;
    assert_int_equal(suggest_distance("", ""), 0);
    assert_int_equal(suggest_distance("adam", "adam"), 0);
    assert_int_equal(suggest_distance("adm", "adam"), 1);      /* deletion */
    assert_int_equal(suggest_distance("sgdd", "sgd"), 1);      /* insertion */
    assert_int_equal(suggest_distance("relu", "relo"), 1);     /* substitution */
    assert_int_equal(suggest_distance("ealry", "early"), 1);   /* transposition */
    assert_int_equal(suggest_distance("Adam", "adam"), 0);     /* case ignored */
    assert_int_equal(suggest_distance("kitten", "sitting"), 3);
    assert_int_equal(suggest_distance("", "abc"), 3);
}

static void test_closest(void **state)
{
    (void)state;
    const char *const optimizers[] = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"};
    assert_string_equal(suggest_closest("adm", optimizers, 6), "adam");
    assert_string_equal(suggest_closest("momentun", optimizers, 6), "momentum");
    assert_string_equal(suggest_closest("RMSprop", optimizers, 6), "rmsprop");
    assert_null(suggest_closest("lbfgs", optimizers, 6));
    assert_null(suggest_closest("xyz", optimizers, 6));
    assert_null(suggest_closest("adam", optimizers, 0));
    const char *const keys[] = {"lr", "l1", "l2"};
    assert_string_equal(suggest_closest("lr", keys, 3), "lr");
}

static void test_list(void **state)
{
    (void)state;
    const char *const names[] = {"a", "bb", "ccc"};
    char buf[64];
    suggest_list(buf, sizeof buf, names, 3);
    assert_string_equal(buf, "a, bb, ccc");
    char small[5];
    suggest_list(small, sizeof small, names, 3);
    assert_string_equal(small, "a, b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_closest),
        cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
