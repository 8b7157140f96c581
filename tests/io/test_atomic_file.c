/*
 * Tests of atomic_file.c: replacing files whole, cleaning up after failures
 * (injected with /dev/full, a file-size limit, a folder in the way, a path
 * under a regular file), and make_dirs.
 */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "io/atomic_file.h"
#include "io_test_files.h"

static int setup_folder(void **state)
{
    *state = scratch_make();
    return *state ? 0 : -1;
}

static int teardown_folder(void **state)
{
    scratch_remove(*state);
    return 0;
}

/* PATH.tmp.<pid> for this process. */
static const char *tmp_name_of(const char *path)
{
    static char name[4200];
    snprintf(name, sizeof name, "%s.tmp.%ld", path, (long)getpid());
    return name;
}

/* The only diagnostic, with its file and message checked. */
static void assert_one_diag(const dlx_diags *d, const char *file, const char *message)
{
    assert_int_equal(d->count, 1);
    assert_non_null(d->items[0].file);
    assert_string_equal(d->items[0].file, file);
    assert_int_equal(d->items[0].line, 0);
    assert_string_equal(d->items[0].message, message);
}

/* A new file appears only at commit; until then the temporary holds the
   content and the target does not exist. */
static void test_commit_creates_file(void **state)
{
    const char *path = scratch_path(*state, "out.txt", 0);
    dlx_atomic_file af;
    dlx_diags d = {0};
    assert_int_equal(atomic_open(&af, path, &d), DLX_OK);
    assert_string_equal(af.tmp_path, tmp_name_of(path));
    fputs("hello, world\n", af.fp);
    assert_false(file_exists(path));
    assert_true(file_exists(tmp_name_of(path)));
    assert_int_equal(atomic_commit(&af, &d), DLX_OK);
    assert_int_equal(d.count, 0);
    assert_null(af.fp);
    assert_null(af.path);
    char *content = read_bytes(path, NULL);
    assert_non_null(content);
    assert_string_equal(content, "hello, world\n");
    free(content);
    assert_false(file_exists(tmp_name_of(path)));
}

/* Replacing: readers see the old content until the commit, then the new. */
static void test_commit_replaces_file(void **state)
{
    const char *path = scratch_path(*state, "metrics.csv", 0);
    assert_int_equal(write_bytes(path, "old\n", 4), 0);
    dlx_atomic_file af;
    dlx_diags d = {0};
    assert_int_equal(atomic_open(&af, path, &d), DLX_OK);
    fputs("new content\n", af.fp);
    fflush(af.fp);
    char *before = read_bytes(path, NULL);
    assert_string_equal(before, "old\n");
    free(before);
    assert_int_equal(atomic_commit(&af, &d), DLX_OK);
    char *after = read_bytes(path, NULL);
    assert_string_equal(after, "new content\n");
    free(after);
}

/* Abort keeps the old file and removes the temporary one. */
static void test_abort_keeps_old_file(void **state)
{
    const char *path = scratch_path(*state, "keep.txt", 0);
    assert_int_equal(write_bytes(path, "keep\n", 5), 0);
    dlx_atomic_file af;
    dlx_diags d = {0};
    assert_int_equal(atomic_open(&af, path, &d), DLX_OK);
    fputs("discarded", af.fp);
    atomic_abort(&af);
    assert_null(af.fp);
    assert_null(af.tmp_path);
    assert_false(file_exists(tmp_name_of(path)));
    char *content = read_bytes(path, NULL);
    assert_string_equal(content, "keep\n");
    free(content);
    atomic_abort(&af); /* a second abort is harmless */
}

/* A path whose folder is a regular file cannot be opened. */
static void test_open_under_regular_file(void **state)
{
    const char *blocker = scratch_path(*state, "plain-file", 0);
    assert_int_equal(write_bytes(blocker, "x", 1), 0);
    const char *path = scratch_path(*state, "plain-file/checkpoint.safetensors", 1);
    dlx_atomic_file af;
    dlx_diags d = {0};
    assert_int_equal(atomic_open(&af, path, &d), DLX_ERR_RUNTIME);
    assert_one_diag(&d, path, "cannot write: Not a directory");
    assert_null(af.fp);
    diags_free(&d);
}

/* A full disk (the stream swapped for /dev/full): the commit fails with
   ENOSPC, names the target, removes the temporary file, creates nothing. */
static void test_disk_full(void **state)
{
    const char *path = scratch_path(*state, "full.bin", 0);
    dlx_atomic_file af;
    dlx_diags d = {0};
    assert_int_equal(atomic_open(&af, path, &d), DLX_OK);
    FILE *full = fopen("/dev/full", "wb");
    if (!full) {
        atomic_abort(&af);
        skip();
    }
    fclose(af.fp);
    af.fp = full;
    fputs("this will not fit", af.fp);
    assert_int_equal(atomic_commit(&af, &d), DLX_ERR_RUNTIME);
    assert_one_diag(&d, path, "cannot write: No space left on device");
    assert_false(file_exists(path));
    assert_false(file_exists(tmp_name_of(path)));
    assert_null(af.fp);
    diags_free(&d);
}

/* A file-size limit (RLIMIT_FSIZE) makes write() fail with EFBIG partway
   through a large content; the old file survives untouched. */
static void test_file_size_limit(void **state)
{
    const char *path = scratch_path(*state, "big.bin", 0);
    assert_int_equal(write_bytes(path, "previous", 8), 0);
    struct rlimit saved;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    void (*saved_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = saved;
    small.rlim_cur = 1 << 16;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);

    dlx_atomic_file af;
    dlx_diags d = {0};
    dlx_status opened = atomic_open(&af, path, &d);
    char block[4096];
    memset(block, 'z', sizeof block);
    for (int i = 0; opened == DLX_OK && i < 64; i++)
        fwrite(block, 1, sizeof block, af.fp);
    dlx_status committed = opened == DLX_OK ? atomic_commit(&af, &d) : opened;

    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, saved_handler);
    assert_int_equal(opened, DLX_OK);
    assert_int_equal(committed, DLX_ERR_RUNTIME);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, path);
    assert_non_null(strstr(d.items[0].message, "cannot write: "));
    char *content = read_bytes(path, NULL);
    assert_string_equal(content, "previous");
    free(content);
    assert_false(file_exists(tmp_name_of(path)));
    diags_free(&d);
}

/* A non-empty folder where the file should go: rename fails (EISDIR), the
   temporary file is removed. */
static void test_rename_over_folder(void **state)
{
    const char *path = scratch_path(*state, "occupied", 0);
    assert_int_equal(mkdir(path, 0777), 0);
    assert_int_equal(write_bytes(scratch_path(*state, "occupied/inside", 1), "x", 1), 0);
    dlx_atomic_file af;
    dlx_diags d = {0};
    assert_int_equal(atomic_open(&af, path, &d), DLX_OK);
    fputs("content", af.fp);
    assert_int_equal(atomic_commit(&af, &d), DLX_ERR_RUNTIME);
    assert_one_diag(&d, path, "cannot write: Is a directory");
    assert_false(file_exists(tmp_name_of(path)));
    diags_free(&d);
}

/* A file name without a folder is written in the current folder. */
static void test_relative_name(void **state)
{
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(*state), 0);
    dlx_atomic_file af;
    dlx_diags d = {0};
    dlx_status opened = atomic_open(&af, "bare.txt", &d);
    if (opened == DLX_OK) {
        fputs("bare", af.fp);
        opened = atomic_commit(&af, &d);
    }
    char *content = read_bytes("bare.txt", NULL);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(opened, DLX_OK);
    assert_string_equal(content, "bare");
    free(content);
}

/* mkdir -p: nested folders, existing folders, repeated and trailing slashes. */
static void test_make_dirs(void **state)
{
    dlx_diags d = {0};
    const char *deep = scratch_path(*state, "runs/bn/seed-1", 0);
    assert_int_equal(make_dirs(deep, &d), DLX_OK);
    struct stat sb;
    assert_int_equal(stat(deep, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(make_dirs(deep, &d), DLX_OK); /* exists already */
    const char *odd = scratch_path(*state, "a//b/c/", 1);
    assert_int_equal(make_dirs(odd, &d), DLX_OK);
    assert_int_equal(stat(scratch_path(*state, "a/b/c", 2), &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(make_dirs("/", &d), DLX_OK);
    assert_int_equal(d.count, 0);
}

/* A regular file in the way: as the last component and as a parent. */
static void test_make_dirs_blocked_by_file(void **state)
{
    const char *blocker = scratch_path(*state, "results", 0);
    assert_int_equal(write_bytes(blocker, "x", 1), 0);
    dlx_diags d = {0};
    assert_int_equal(make_dirs(blocker, &d), DLX_ERR_RUNTIME);
    assert_one_diag(&d, blocker, "cannot create folder: Not a directory");
    diags_free(&d);

    const char *below = scratch_path(*state, "results/runs/bn", 1);
    assert_int_equal(make_dirs(below, &d), DLX_ERR_RUNTIME);
    char expected[4300];
    snprintf(expected, sizeof expected, "cannot create folder '%s': Not a directory", blocker);
    assert_one_diag(&d, below, expected);
    diags_free(&d);

    assert_int_equal(make_dirs("", &d), DLX_ERR_INPUT);
    assert_int_equal(d.count, 1);
    diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_creates_file, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_commit_replaces_file, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_abort_keeps_old_file, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_open_under_regular_file, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_disk_full, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_file_size_limit, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_rename_over_folder, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_relative_name, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_make_dirs, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_make_dirs_blocked_by_file, setup_folder, teardown_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
