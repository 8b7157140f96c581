/* Tests of csv_table.c: headers, target selection, the classification rule,
   and every malformed input reported with FILE:LINE:COL. Fixtures are in
   files/csv/; a few odd files are generated in a temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/csv_table.h"
#include "data_test_util.h"

/* The path of a fixture under DLX_TEST_DATA/data/files/csv. */
static void fixture_path(char path[TEST_PATH_MAX], const char *name)
{
    const char *root = getenv("DLX_TEST_DATA");
    snprintf(path, TEST_PATH_MAX, "%s/data/files/csv/%s", root ? root : "tests", name);
}

static dlx_data_config *csv_config(const char *train, const char *test, const char *target)
{
    dlx_data_config *c = calloc(1, sizeof *c);
    c->source = DATA_CSV;
    fixture_path(c->train, train);
    fixture_path(c->test, test);
    snprintf(c->target, sizeof c->target, "%s", target);
    return c;
}

/* A config on the files train and test of a new temporary folder, whose
   path goes to *dir (temp_dir_remove it, then free it). */
static dlx_data_config *temp_csv_config(char **dir, const char *train, const char *test,
                                        const char *target)
{
    *dir = calloc(TEST_PATH_MAX, 1);
    assert_true(temp_dir_make(*dir));
    dlx_data_config *c = csv_config("", "", target);
    assert_true(path_join(c->train, *dir, train));
    assert_true(path_join(c->test, *dir, test));
    return c;
}

/* Load and expect an input error; the diagnostics stay in d. */
static void expect_error(dlx_data_config *c, dlx_diags *d)
{
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", d), DLX_ERR_INPUT);
    assert_null(ds.train.x);
    assert_null(ds.test.x);
}

static void expect_diag(const dlx_diags *d, const char *file, int line, int col, const char *text)
{
    if (find_diag(d, file, line, col, text) < 0) {
        dump_diags(d);
        fail_msg("expected %s:%d:%d: %s", file ? file : "?", line, col, text);
    }
}

static void test_header_and_target_by_name(void **state)
{
    (void)state;
    dlx_data_config *c = csv_config("iris_train.csv", "iris_test.csv", "species");
    dlx_diags d = {0};
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.classes, 3);
    assert_int_equal(ds.train.n, 4);
    assert_int_equal(ds.train.dim, 3);
    assert_int_equal(ds.test.n, 2);
    assert_null(ds.train.targets);
    const float row2[3] = {6.3f, 3.3f, 6.0f};
    for (int j = 0; j < 3; j++)
        assert_true(ds.train.x[2 * 3 + j] == row2[j]);
    const int labels[4] = {0, 0, 2, 1};
    for (int i = 0; i < 4; i++)
        assert_int_equal(ds.train.labels[i], labels[i]);
    assert_int_equal(ds.test.labels[1], 1);
    assert_true(ds.test.x[1 * 3 + 2] == 4.4f);
    dataset_free(&ds);

    /* The same column by its index. */
    snprintf(c->target, sizeof c->target, "2");
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.train.labels[2], 2);
    dataset_free(&ds);
    free(c);
}

static void test_no_header_default_last_column(void **state)
{
    (void)state;
    dlx_data_config *c = csv_config("numbers_train.csv", "numbers_test.csv", "");
    dlx_diags d = {0};
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.train.n, 3); /* the first row is data */
    assert_int_equal(ds.train.dim, 3);
    assert_int_equal(ds.classes, 2);
    assert_true(ds.train.x[0] == 1.0f && ds.train.x[1] == 0.5f && ds.train.x[2] == -2.0f);
    assert_int_equal(ds.train.labels[0], 1);
    assert_int_equal(ds.train.labels[1], 0);
    dataset_free(&ds);

    /* Column 2 holds -2, -1, 0, 1, 2: integers, but negative: regression. */
    snprintf(c->target, sizeof c->target, "2");
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.classes, 0);
    assert_int_equal(ds.train.n_targets, 1);
    assert_null(ds.train.labels);
    assert_true(ds.train.targets[0] == -2.0f && ds.test.targets[1] == 2.0f);
    assert_true(ds.train.x[2] == 1.0f); /* column 3 is now the third input */
    dataset_free(&ds);

    /* Column 0 holds 1..5: integer labels, classes = max + 1 = 6. */
    snprintf(c->target, sizeof c->target, "0");
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.classes, 6);
    assert_int_equal(ds.test.labels[1], 5);
    dataset_free(&ds);
    free(c);
}

static void test_regression_targets(void **state)
{
    (void)state;
    dlx_data_config *c = csv_config("regression_train.csv", "regression_test.csv", "y");
    dlx_diags d = {0};
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.classes, 0);
    assert_int_equal(ds.train.n_targets, 1);
    assert_true(ds.train.targets[0] == 2.25f);
    assert_true(ds.train.targets[1] == -0.75f);
    assert_true(ds.test.targets[0] == 1.0f); /* an integer here, but 2.25 makes it regression */
    dataset_free(&ds);
    free(c);
}

static void test_ragged_rows(void **state)
{
    (void)state;
    dlx_data_config *c = csv_config("ragged.csv", "ragged.csv", "");
    dlx_diags d = {0};
    expect_error(c, &d);
    /* "5,6" misses its third field after column 3; "9,10,11,1" has a fourth at column 9. */
    expect_diag(&d, "ragged.csv", 4, 4, "row has 2 fields, but the header has 3");
    expect_diag(&d, "ragged.csv", 6, 9, "row has 4 fields, but the header has 3");
    assert_int_equal(d.count, 4); /* both rows, in both files */
    diags_free(&d);
    free(c);
}

static void test_non_numeric_and_non_finite(void **state)
{
    (void)state;
    dlx_data_config *c = csv_config("nonnumeric.csv", "nonfinite.csv", "");
    dlx_diags d = {0};
    expect_error(c, &d);
    expect_diag(&d, "nonnumeric.csv", 3, 5, "'abc' in column 'b' is not a number");
    /* The test file has no header: columns are named by their index. */
    expect_diag(&d, "nonfinite.csv", 2, 1, "'nan' in column 0 is not a finite number");
    expect_diag(&d, "nonfinite.csv", 3, 3, "'-inf' in column 1 is not a finite number");
    expect_diag(&d, "nonfinite.csv", 4, 3, "empty field in column 1");
    assert_int_equal(d.count, 4);
    diags_free(&d);
    free(c);
}

static void test_quoted_header(void **state)
{
    (void)state;
    dlx_data_config *c = csv_config("quoted.csv", "quoted.csv", "say \"hi\"");
    dlx_diags d = {0};
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.train.dim, 3);
    assert_int_equal(ds.classes, 7); /* column 2 holds 3 and 6 */
    assert_int_equal(ds.train.labels[1], 6);
    assert_true(ds.train.x[3] == 4.0f && ds.train.x[4] == 5.0f && ds.train.x[5] == 1.0f);
    dataset_free(&ds);
    snprintf(c->target, sizeof c->target, "a,b");
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.train.labels[1], 4);
    dataset_free(&ds);
    free(c);
}

static void test_target_errors(void **state)
{
    (void)state;
    dlx_data_config *c = csv_config("iris_train.csv", "iris_test.csv", "specis");
    dlx_diags d = {0};
    expect_error(c, &d);
    expect_diag(&d, "exp.yaml", 0, 0, "data.target 'specis' is not a column of ");
    expect_diag(&d, "exp.yaml", 0, 0, "iris_train.csv; did you mean 'species'?");
    diags_free(&d);

    snprintf(c->target, sizeof c->target, "4");
    expect_error(c, &d);
    expect_diag(&d, "exp.yaml", 0, 0, "data.target is column 4, but ");
    expect_diag(&d, "exp.yaml", 0, 0, "iris_train.csv has 4 columns (0..3)");
    diags_free(&d);
    free(c);

    c = csv_config("numbers_train.csv", "numbers_test.csv", "label");
    expect_error(c, &d);
    expect_diag(&d, "exp.yaml", 0, 0,
                "data.target 'label' is a column name, but ");
    expect_diag(&d, "exp.yaml", 0, 0, "has no header row");
    diags_free(&d);
    free(c);
}

/* The errors about data.target are at data.target's place in the experiment
   file when the config has one, and name only the file when it has none. */
static void test_target_errors_located(void **state)
{
    (void)state;
    dlx_data_config *c = csv_config("iris_train.csv", "iris_test.csv", "specis");
    c->target_line = 5;
    c->target_col = 11;
    dlx_diags d = {0};
    expect_error(c, &d);
    expect_diag(&d, "exp.yaml", 5, 11, "did you mean 'species'?");
    diags_free(&d);

    snprintf(c->target, sizeof c->target, "99");
    expect_error(c, &d);
    expect_diag(&d, "exp.yaml", 5, 11, "data.target is column 99, but ");
    diags_free(&d);
    free(c);

    c = csv_config("numbers_train.csv", "numbers_test.csv", "label");
    c->target_line = 2;
    c->target_col = 40;
    expect_error(c, &d);
    expect_diag(&d, "exp.yaml", 2, 40, "has no header row");
    diags_free(&d);
    free(c);
}

/* Regression data keep where the first target that is not a class label is
   written: in the train file before the test file; none for classes. */
static void test_regression_note(void **state)
{
    (void)state;
    char *dir;
    dlx_data_config *c = temp_csv_config(&dir, "train.csv", "test.csv", "y");
    assert_true(write_text(c->train, "x,y\n1,0\n2,1\n\n3, -1\n4,2.5\n"));
    assert_true(write_text(c->test, "x,y\n1,7.5\n"));
    dlx_diags d = {0};
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.classes, 0);
    assert_string_equal(ds.regression_note.file, c->train);
    assert_int_equal(ds.regression_note.line, 5);
    assert_int_equal(ds.regression_note.col, 3); /* the field's start, as in the other messages */
    assert_string_equal(ds.regression_note.why,
                        "target -1 is not a class label (an integer in [0, 1e6))");
    dataset_free(&ds);

    /* Only the test file breaks the rule: the note names it. */
    assert_true(write_text(c->train, "x,y\n1,0\n2,1\n"));
    assert_true(write_text(c->test, "x,y\n1,1\n2,1000000\n"));
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.classes, 0);
    assert_string_equal(ds.regression_note.file, c->test);
    assert_int_equal(ds.regression_note.line, 3);
    assert_int_equal(ds.regression_note.col, 3);
    assert_string_equal(ds.regression_note.why,
                        "target 1000000 is not a class label (an integer in [0, 1e6))");
    dataset_free(&ds);

    /* Class labels: no note. */
    assert_true(write_text(c->test, "x,y\n1,1\n2,3\n"));
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.classes, 4);
    assert_string_equal(ds.regression_note.file, "");
    dataset_free(&ds);
    assert_int_equal(d.count, 0);
    temp_dir_remove(dir);
    free(dir);
    free(c);
}

static void test_test_file_must_match(void **state)
{
    (void)state;
    dlx_data_config *c = csv_config("iris_train.csv", "regression_train.csv", "");
    dlx_diags d = {0};
    expect_error(c, &d);
    expect_diag(&d, "regression_train.csv", 1, 1, "3 columns, but ");
    diags_free(&d);
    free(c);

    c = csv_config("iris_train.csv", "iris_test.csv", "");
    char *dir = calloc(TEST_PATH_MAX, 1);
    assert_true(temp_dir_make(dir));
    assert_true(path_join(c->test, dir, "renamed.csv"));
    assert_true(write_text(c->test, "sepal_length,sepal_width,kind,petal_length\n1,2,0,3\n"));
    expect_error(c, &d);
    expect_diag(&d, "renamed.csv", 1, 26,
                "column 2 is named 'kind' here but 'species' in ");
    diags_free(&d);
    temp_dir_remove(dir);
    free(dir);
    free(c);
}

/* CRLF line ends, a byte-order mark, blank lines and spaces around numbers. */
static void test_dialect_details(void **state)
{
    (void)state;
    char *dir;
    dlx_data_config *c = temp_csv_config(&dir, "crlf.csv", "plain.csv", "");
    assert_true(write_text(c->train, "\xEF\xBB\xBFx,\"y\"\r\n\r\n 1.5 ,1\r\n  \r\n2e-1,\t0\r\n"));
    assert_true(write_text(c->test, "3,1\n\n"));
    dlx_diags d = {0};
    dlx_dataset ds;
    dlx_status st = dataset_load(&ds, c, "exp.yaml", &d);
    if (st != DLX_OK)
        dump_diags(&d);
    assert_int_equal(st, DLX_OK);
    assert_int_equal(ds.train.n, 2);
    assert_int_equal(ds.test.n, 1);
    assert_true(ds.train.x[0] == 1.5f && ds.train.x[1] == 0.2f);
    assert_int_equal(ds.train.labels[0], 1);
    dataset_free(&ds);

    /* Line numbers count the blank lines and CRLF; the bad field is on line 5. */
    assert_true(write_text(c->train, "x,y\r\n\r\n1,1\r\n\r\n2,x1\r\n"));
    expect_error(c, &d);
    expect_diag(&d, "crlf.csv", 5, 3, "'x1' in column 'y' is not a number");
    diags_free(&d);

    /* An unterminated quote is reported where it opens. */
    assert_true(write_text(c->train, "x,y\n1,0\n2,\"1\n3,0\n"));
    expect_error(c, &d);
    expect_diag(&d, "crlf.csv", 3, 3, "unterminated quoted field");
    diags_free(&d);

    assert_true(write_text(c->train, "x,y\n1,\"0\"x\n"));
    expect_error(c, &d);
    expect_diag(&d, "crlf.csv", 2, 6, "unexpected 'x' after the closing quote of a field");
    diags_free(&d);

    /* A value beyond float32 and a header without rows. */
    assert_true(write_text(c->train, "x,y\n1e39,0\n"));
    expect_error(c, &d);
    expect_diag(&d, "crlf.csv", 2, 1, "'1e39' in column 'x' is beyond the float32 range");
    diags_free(&d);
    assert_true(write_text(c->train, "x,y\n"));
    expect_error(c, &d);
    expect_diag(&d, "crlf.csv", 0, 0, "the file has a header but no data rows");
    diags_free(&d);
    assert_true(write_text(c->train, ""));
    expect_error(c, &d);
    expect_diag(&d, "crlf.csv", 0, 0, "the file holds no rows");
    diags_free(&d);
    assert_true(write_text(c->train, "1\n2\n"));
    expect_error(c, &d);
    expect_diag(&d, "crlf.csv", 1, 1, "only one column");
    diags_free(&d);

    temp_dir_remove(dir);
    free(dir);
    free(c);
}

static void test_error_count_is_capped(void **state)
{
    (void)state;
    char *dir = calloc(TEST_PATH_MAX, 1);
    assert_true(temp_dir_make(dir));
    dlx_data_config *c = csv_config("", "iris_test.csv", "");
    assert_true(path_join(c->train, dir, "bad.csv"));
    FILE *f = fopen(c->train, "w");
    fprintf(f, "a,b\n");
    for (int i = 0; i < 1000; i++)
        fprintf(f, "x%d,0\n", i);
    fclose(f);
    fixture_path(c->test, "numbers_test.csv"); /* 4 columns: its own error, still reported */
    dlx_diags d = {0};
    expect_error(c, &d);
    assert_int_equal(d.count, CSV_MAX_ERRORS + 2);
    expect_diag(&d, "numbers_test.csv", 1, 1, "4 columns, but ");
    expect_diag(&d, "bad.csv", 2, 1, "'x0' in column 'a' is not a number");
    expect_diag(&d, "bad.csv", CSV_MAX_ERRORS + 1, 1, "too many errors in this file");
    diags_free(&d);
    temp_dir_remove(dir);
    free(dir);
    free(c);
}

static void test_missing_files(void **state)
{
    (void)state;
    dlx_data_config *c = csv_config("no_such_train.csv", "no_such_test.csv", "");
    dlx_diags d = {0};
    expect_error(c, &d);
    expect_diag(&d, "no_such_train.csv", 0, 0, "cannot open: No such file or directory");
    expect_diag(&d, "no_such_test.csv", 0, 0, "cannot open: No such file or directory");
    diags_free(&d);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_and_target_by_name),
        cmocka_unit_test(test_no_header_default_last_column),
        cmocka_unit_test(test_regression_targets),
        cmocka_unit_test(test_ragged_rows),
        cmocka_unit_test(test_non_numeric_and_non_finite),
        cmocka_unit_test(test_quoted_header),
        cmocka_unit_test(test_target_errors),
        cmocka_unit_test(test_target_errors_located),
        cmocka_unit_test(test_regression_note),
        cmocka_unit_test(test_test_file_must_match),
        cmocka_unit_test(test_dialect_details),
        cmocka_unit_test(test_error_count_is_capped),
        cmocka_unit_test(test_missing_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
