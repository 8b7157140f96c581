/*
 * test_csv_matrix.c — a matrix from CSV files (src/data/csv_matrix.c,
 * `data.format: entries | dense`):
 *   - the fixtures files/matrix/ hold the same 12×9 matrix split into 70
 *     observed and 38 held-out entries, once as row,col,value entries (the
 *     train file with a header, the test file without) and once as dense rows
 *     with empty fields: both formats give the same entries in the same order;
 *   - every malformed input is refused at its FILE:LINE:COL: a duplicated
 *     entry, an index that is not a whole number, a row of two fields, a
 *     ragged dense row, a value that is not a number, dense files of different
 *     shapes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/csv_matrix.h"
#include "data_test_util.h"

static dlx_data_config matrix_config(dlx_csv_format format, const char *train, const char *test)
{
    dlx_data_config c = {.source = DATA_CSV, .format = format};
    snprintf(c.train, sizeof c.train, "%s", train);
    snprintf(c.test, sizeof c.test, "%s", test);
    return c;
}

static void fixture(char path[TEST_PATH_MAX], const char *name)
{
    const char *root = getenv("DLX_TEST_DATA");
    snprintf(path, TEST_PATH_MAX, "%s/data/files/matrix/%s", root ? root : "tests", name);
}

static void test_entries_and_dense_agree(void **state)
{
    (void)state;
    char tr[TEST_PATH_MAX], te[TEST_PATH_MAX], dtr[TEST_PATH_MAX], dte[TEST_PATH_MAX];
    fixture(tr, "entries_train.csv");
    fixture(te, "entries_test.csv");
    fixture(dtr, "dense_train.csv");
    fixture(dte, "dense_test.csv");
    dlx_data_config ce = matrix_config(CSV_ENTRIES, tr, te), cd = matrix_config(CSV_DENSE, dtr, dte);
    dlx_dataset e, dn;
    dlx_split_origin origin;
    dlx_diags d = {0};
    assert_int_equal(csv_matrix_load(&e, &origin, &ce, &d), DLX_OK);
    assert_int_equal(csv_matrix_load(&dn, &origin, &cd, &d), DLX_OK);
    assert_int_equal(e.train.n, 70);
    assert_int_equal(e.test.n, 38);
    assert_int_equal(e.train.rows, 12);
    assert_int_equal(e.train.cols, 9);
    assert_int_equal(e.classes, 0);
    assert_null(e.train.x);
    const dlx_split *a[] = {&e.train, &e.test}, *b[] = {&dn.train, &dn.test};
    for (int s = 0; s < 2; s++) {
        assert_int_equal(a[s]->n, b[s]->n);
        assert_int_equal(b[s]->rows, 12);
        assert_int_equal(b[s]->cols, 9);
        for (int i = 0; i < a[s]->n; i++) {
            assert_int_equal(a[s]->entry_row[i], b[s]->entry_row[i]);
            assert_int_equal(a[s]->entry_col[i], b[s]->entry_col[i]);
            assert_true(a[s]->targets[i] == b[s]->targets[i]);
        }
    }
    dataset_free(&e);
    dataset_free(&dn);
    diags_free(&d);
}

/* One bad file (as train, a good test file beside it): refused at line:col. */
static void expect_refused(dlx_csv_format format, const char *text, int line, int col,
                           const char *message)
{
    char dir[TEST_PATH_MAX], bad[TEST_PATH_MAX], good[TEST_PATH_MAX];
    assert_true(temp_dir_make(dir));
    path_join(bad, dir, "bad.csv");
    path_join(good, dir, "good.csv");
    assert_true(write_text(bad, text));
    assert_true(write_text(good, format == CSV_DENSE ? "1,2\n3,\n" : "0,0,1\n"));
    dlx_data_config c = matrix_config(format, bad, good);
    dlx_dataset ds;
    dlx_split_origin origin;
    dlx_diags d = {0};
    assert_int_equal(csv_matrix_load(&ds, &origin, &c, &d), DLX_ERR_INPUT);
    if (find_diag(&d, "bad.csv", line, col, message) < 0) {
        dump_diags(&d);
        fail_msg("no '%s' at bad.csv:%d:%d", message, line, col);
    }
    diags_free(&d);
    temp_dir_remove(dir);
}

static void test_errors_located(void **state)
{
    (void)state;
    expect_refused(CSV_ENTRIES, "row,col,value\n0,0,1\n1,2,3\n0,0,4\n", 4, 1, "entry (0, 0) is listed twice");
    expect_refused(CSV_ENTRIES, "0,1.5,2\n", 1, 3, "column index 1.5 is not a whole number");
    expect_refused(CSV_ENTRIES, "0,-1,2\n", 1, 3, "column index -1 is not a whole number");
    expect_refused(CSV_ENTRIES, "0,1,2\n3,4\n", 2, 1, "2 fields: an entry is row,col,value");
    expect_refused(CSV_ENTRIES, "0,1,2\n3,4,x\n", 2, 5, "'x' is not a number");
    expect_refused(CSV_DENSE, "1,2\n3\n", 2, 1, "1 fields, but the matrix has 2 columns");
    expect_refused(CSV_DENSE, "1,2\n3,nan\n", 2, 3, "'nan' is not a finite number");
}

static void test_dense_shapes_must_agree(void **state)
{
    (void)state;
    char dir[TEST_PATH_MAX], tr[TEST_PATH_MAX], te[TEST_PATH_MAX];
    assert_true(temp_dir_make(dir));
    path_join(tr, dir, "train.csv");
    path_join(te, dir, "test.csv");
    assert_true(write_text(tr, "1,2\n3,\n"));
    assert_true(write_text(te, "1,2,3\n"));
    dlx_data_config c = matrix_config(CSV_DENSE, tr, te);
    dlx_dataset ds;
    dlx_split_origin origin;
    dlx_diags d = {0};
    assert_int_equal(csv_matrix_load(&ds, &origin, &c, &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "test.csv", 0, 0, "a 1 x 3 matrix, but") >= 0);
    diags_free(&d);
    temp_dir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entries_and_dense_agree),
        cmocka_unit_test(test_errors_located),
        cmocka_unit_test(test_dense_shapes_must_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
