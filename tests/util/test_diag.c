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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_format_and_order)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
