/*
 * test_sweep_units.c — the pieces under dlx collect/summarize: Student-t
 * quantiles against published tables, and the CSV reader on quoted fields,
 * short rows and an unfinished last line.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/harness.h"
#include "io/csv_reader.h"
#include "util/student_t.h"

/* t_{0.975, df}: Abramowitz & Stegun, table 26.10, and R's qt(0.975, df). */
static void test_t_quantiles(void **state)
{
    (void)state;
    const double df[] = {1, 2, 3, 4, 9, 10, 30, 1000};
    const double want[] = {12.706204736, 4.302652730, 3.182446305, 2.776445105,
                           2.262157163,  2.228138852, 2.042272456, 1.962339081};
    for (size_t i = 0; i < sizeof df / sizeof *df; i++)
        assert_true(fabs(student_t_quantile(0.975, df[i]) - want[i]) < 1e-8 * want[i]);
    assert_true(fabs(student_t_quantile(0.025, 5) + student_t_quantile(0.975, 5)) < 1e-10);
    assert_true(fabs(student_t_quantile(0.5, 7)) < 1e-10);
    /* df = 1 is the Cauchy distribution: P(T <= 1) = 3/4. */
    assert_true(fabs(student_t_cdf(1.0, 1.0) - 0.75) < 1e-12);
}

static void test_csv_reader(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *path = harness_write(dir, "a.csv", "arm,seed,model.hidden\r\nplain,1,\"[8, 8]\"\n\"say \"\"hi\"\"\",2\nbn,3,[4");
    dlx_text_table t;
    dlx_diags d = {0};
    assert_int_equal(csv_read_table(path, &t, &d), DLX_OK);
    assert_int_equal(t.n_cols, 3);
    assert_int_equal(t.n_rows, 2); /* the unfinished last line is dropped */
    assert_string_equal(t.header[2], "model.hidden");
    assert_string_equal(t.rows[0][2], "[8, 8]");
    assert_string_equal(t.rows[1][0], "say \"hi\"");
    assert_string_equal(t.rows[1][2], ""); /* a short row is padded */
    assert_int_equal(csv_table_column(&t, "seed"), 1);
    assert_int_equal(csv_table_column(&t, "wall_s"), -1);
    csv_table_free(&t);
    free(path);

    path = harness_write(dir, "b.csv", "a,b\n1,2,3\n");
    assert_int_equal(csv_read_table(path, &t, &d), DLX_ERR_INPUT);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.items[0].line, 2);
    assert_string_equal(d.items[0].message, "3 fields, but the header has 2");
    diags_free(&d);
    free(path);
    harness_rmtree(dir);
    free(dir);
    assert_int_equal(csv_read_table("/nonexistent/metrics.csv", &t, &d), DLX_ERR_INPUT);
    diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_t_quantiles),
        cmocka_unit_test(test_csv_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
