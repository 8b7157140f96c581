/* Tests of src/io/output_file.c and its use by atomic_file.c: no output is
   written through a symbolic link. A link as the target of an atomic
   replace, a dangling link opened for writing and a link under a name dlx
   writes in a folder given to make_dirs are refused (DLX_ERR_INPUT, the
   message naming the link), and the file the link points at is neither
   created nor changed. */
#define _XOPEN_SOURCE 700   /* nftw, through io_test_files.h */
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "io/atomic_file.h"
#include "io/output_file.h"
#include "io_test_files.h"

static char *dir;   /* a scratch folder per test (io_test_files.h) */

static int setup(void **unused)
{
    (void)unused;
    dir = scratch_make();
    return dir ? 0 : -1;
}

static int teardown(void **unused)
{
    (void)unused;
    scratch_remove(dir);
    return 0;
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void test_atomic_refuses_link(void **unused)
{
    (void)unused;
    char target[128], link[128];
    snprintf(target, sizeof target, "%s/outside.csv", dir);
    snprintf(link, sizeof link, "%s/summary.csv", dir);
    FILE *fp = fopen(target, "w");
    fputs("keep\n", fp);
    fclose(fp);
    assert_int_equal(symlink(target, link), 0);
    dlx_diags d = {0};
    dlx_atomic_file af;
    assert_int_equal(atomic_open(&af, link, &d), DLX_ERR_INPUT);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, link);
    assert_non_null(strstr(d.items[0].message, "is a symbolic link"));
    diags_free(&d);
    char buf[16] = "";
    fp = fopen(target, "r");
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "keep\n");
}

static void test_dangling_link_not_followed(void **unused)
{
    (void)unused;
    char target[128], link[128];
    snprintf(target, sizeof target, "%s/created.csv", dir);
    snprintf(link, sizeof link, "%s/metrics.csv", dir);
    assert_int_equal(symlink(target, link), 0);
    dlx_diags d = {0};
    dlx_status st = DLX_OK;
    assert_null(io_fopen_output(link, "w", &st, &d));
    assert_int_equal(st, DLX_ERR_INPUT);
    assert_int_equal(make_dirs(dir, &d), DLX_ERR_INPUT);
    assert_int_equal(d.count, 2);
    diags_free(&d);
    assert_false(exists(target));
    /* A plain file is opened as usual, and appended to. */
    char plain[128];
    snprintf(plain, sizeof plain, "%s/plain.csv", dir);
    FILE *fp = io_fopen_output(plain, "a", &st, &d);
    assert_non_null(fp);
    assert_int_equal(st, DLX_OK);
    fclose(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_atomic_refuses_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dangling_link_not_followed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
