/* Tests of diag.c: formatting and ordering of compiler-style errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/diag.h"

static char *print_to_string(const dlx_diags *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diags_print(d, f);
    fclose(f);
    return buf;
}

static void test_format_and_order(void **state)
{
    (void)state;
    dlx_diags d = {0};
    diags_add(&d, "b.yaml", 3, 7, "second file");
    diags_add(&d, "a.yaml", 10, 2, "later line");
    diags_add(&d, "a.yaml", 2, 5, "value %d too big", 42);
    diags_add(&d, "a.yaml", 0, 0, "no line");
    diags_add(&d, NULL, 0, 0, "no file");
    char *s = print_to_string(&d);
    assert_string_equal(s, "dlx: error: no file\n"
                           "a.yaml: error: no line\n"
                           "a.yaml:2:5: error: value 42 too big\n"
                           "a.yaml:10:2: error: later line\n"
                           "b.yaml:3:7: error: second file\n");
    free(s);
    diags_free(&d);
    assert_int_equal(d.count, 0);
}

/* Equal places keep their order of arrival (the sort is stable). */
static void test_stable_order(void **state)
{
    (void)state;
    dlx_diags d = {0};
    for (int i = 0; i < 50; i++)
        diags_add(&d, "a.yaml", 1 + i % 2, 1, "m%02d", i);
    char *s = print_to_string(&d);
    assert_true(strncmp(s, "a.yaml:1:1: error: m00\na.yaml:1:1: error: m02\n", 46) == 0);
    assert_non_null(strstr(s, "a.yaml:1:1: error: m48\na.yaml:2:1: error: m01\n"));
    free(s);
    diags_free(&d);
}

/* diags_add_capped keeps DLX_MAX_ERRORS, counts the rest, and the print
   ends with "... and N more errors"; diags_seen knows kept and counted
   ones alike; totals count both. */
static void test_cap_and_seen(void **state)
{
    (void)state;
    dlx_diags d = {0};
    diags_add(&d, "a.yaml", 1, 1, "plain");
    assert_true(diags_seen(&d, "a.yaml", 1, 1, "plain"));
    assert_false(diags_seen(&d, "a.yaml", 1, 2, "plain"));
    assert_false(diags_seen(&d, NULL, 1, 1, "plain"));
    for (int i = 0; i < 1000; i++)
        diags_add_capped(&d, "a.yaml", 2 + i, 1, "error %d", i);
    assert_int_equal(d.count, DLX_MAX_ERRORS);
    assert_int_equal(d.more, 1001 - DLX_MAX_ERRORS);
    assert_int_equal(diags_total(&d), 1001);
    assert_true(diags_seen(&d, "a.yaml", 2, 1, "error 0"));
    assert_true(diags_seen(&d, "a.yaml", 1001, 1, "error 999"));
    assert_false(diags_seen(&d, "a.yaml", 1001, 1, "error 998"));
    char *s = print_to_string(&d);
    const char *last = "dlx: error: ... and 901 more errors\n";
    assert_true(strlen(s) > strlen(last));
    assert_string_equal(s + strlen(s) - strlen(last), last);
    free(s);
    diags_free(&d);
    assert_int_equal(d.more, 0);
    assert_null(d.index);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_and_order),
        cmocka_unit_test(test_stable_order),
        cmocka_unit_test(test_cap_and_seen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
