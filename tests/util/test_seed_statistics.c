/*
 * Tests of the statistics over seeds: Student's t quantiles
 * (src/util/student_t.c) against their closed forms, and the sample standard
 * deviation and the 95% interval of seed_summary_compute
 * (src/results/seed_summary.c), mean ± t_{0.975, n−1}·sd/√n with
 * sd = √(Σ(x − mean)²/(n − 1)), against values computed by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "results/seed_summary.h"
#include "util/student_t.h"

#define assert_close(a, b, tol) assert_true(fabs((a) - (b)) < (tol))

/* Closed forms: df 1 is Cauchy, t_q = tan(π(q − 1/2)); df 2 has
   t_q = (2q − 1)/√(2q(1 − q)). t_{0.975, 2} = 0.95/√0.04875 = 4.30265...,
   the value a 3-seed interval uses (and t_{0.975, 3} = 3.18245 the one it
   must not: the n − 1 degrees of freedom of a sample of n). */
static void test_quantile_closed_forms(void **state)
{
    (void)state;
    const double qs[] = {0.6, 0.9, 0.975, 0.995};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        double q = qs[i];
        assert_close(student_t_quantile(q, 1.0), tan(M_PI * (q - 0.5)), 1e-9);
        assert_close(student_t_quantile(q, 2.0), (2 * q - 1) / sqrt(2 * q * (1 - q)), 1e-9);
        assert_close(student_t_quantile(1 - q, 2.0), -(2 * q - 1) / sqrt(2 * q * (1 - q)), 1e-9);
    }
    assert_close(student_t_quantile(0.975, 2.0), 4.302652729749464, 1e-9);
    assert_close(student_t_quantile(0.975, 3.0), 3.182446305284263, 1e-9);
}

/* A merged summary with three runs of arm "a", one column of values. */
static char *cell(const char *s) { return strdup(s); }

static void make_runs(dlx_text_table *t, const char *const values[3], const char *const status[3])
{
    static const char *const header[] = {"arm", "seed", "status", "final_test_acc"};
    *t = (dlx_text_table){.n_cols = 4, .n_rows = 3};
    t->header = calloc(4, sizeof *t->header);
    t->rows = calloc(3, sizeof *t->rows);
    assert_non_null(t->header);
    assert_non_null(t->rows);
    for (int c = 0; c < 4; c++)
        t->header[c] = cell(header[c]);
    for (int r = 0; r < 3; r++) {
        char seed[8];
        snprintf(seed, sizeof seed, "%d", r + 1);
        t->rows[r] = calloc(4, sizeof **t->rows);
        assert_non_null(t->rows[r]);
        t->rows[r][0] = cell("a");
        t->rows[r][1] = cell(seed);
        t->rows[r][2] = cell(status[r]);
        t->rows[r][3] = cell(values[r]);
    }
}

static double stat(const dlx_text_table *s, const char *name)
{
    int c = csv_table_column(s, name);
    assert_true(c >= 0);
    char *end;
    double v = strtod(s->rows[0][c], &end);
    assert_true(end != s->rows[0][c]);
    return v;
}

/* Test accuracies 0.80, 0.82, 0.87 over three seeds. By hand:
     mean = 2.49/3 = 0.83; deviations −0.03, −0.01, 0.04; Σ² = 0.0026
     sd = √(0.0026/2) = √0.0013 = 0.0360555127546 (not √(0.0026/3) = 0.02944)
     half-width = t_{0.975,2}·sd/√3 = 4.30265272975 · 0.0360555127546 / 1.73205080757
                = 0.0895669, so the interval is [0.7404331, 0.9195669]
   (with t_{0.975,3} it would be ±0.06625). */
static void test_sd_and_interval(void **state)
{
    (void)state;
    const char *const values[3] = {"0.80", "0.82", "0.87"}, *const status[3] = {"ok", "ok", "ok"};
    dlx_text_table runs, s;
    make_runs(&runs, values, status);
    dlx_diags d = {0};
    assert_int_equal(seed_summary_compute(&runs, &s, &d), DLX_OK);
    assert_int_equal(s.n_rows, 1);
    double half = 4.302652729749464 * sqrt(0.0013) / sqrt(3.0);
    assert_close(half, 0.0895669, 1e-7);
    assert_close(stat(&s, "n"), 3, 1e-12);
    assert_close(stat(&s, "final_test_acc_mean"), 0.83, 1e-9);
    assert_close(stat(&s, "final_test_acc_sd"), 0.0360555127546, 1e-9);
    assert_close(stat(&s, "final_test_acc_min"), 0.80, 1e-9);
    assert_close(stat(&s, "final_test_acc_max"), 0.87, 1e-9);
    assert_close(stat(&s, "final_test_acc_ci95_low"), 0.83 - half, 1e-8);
    assert_close(stat(&s, "final_test_acc_ci95_high"), 0.83 + half, 1e-8);
    csv_table_free(&s);
    csv_table_free(&runs);
}

/* An interrupted run does not count: two values 0.80, 0.82 remain. By hand:
   mean 0.81, sd = √((0.01² + 0.01²)/1) = 0.0141421356, and
   t_{0.975,1} = tan(0.475π) = 12.7062047362, half-width
   12.7062047362·0.0141421356/√2 = 0.127062047362. */
static void test_two_values(void **state)
{
    (void)state;
    const char *const values[3] = {"0.80", "0.5", "0.82"};
    const char *const status[3] = {"ok", "interrupted", "ok"};
    dlx_text_table runs, s;
    make_runs(&runs, values, status);
    dlx_diags d = {0};
    assert_int_equal(seed_summary_compute(&runs, &s, &d), DLX_OK);
    assert_close(stat(&s, "n"), 2, 1e-12);
    assert_close(stat(&s, "diverged"), 0, 1e-12);
    assert_close(stat(&s, "final_test_acc_mean"), 0.81, 1e-9);
    assert_close(stat(&s, "final_test_acc_sd"), 0.0141421356237, 1e-9);
    assert_close(stat(&s, "final_test_acc_ci95_high") - 0.81, 0.127062047362, 1e-8);
    csv_table_free(&s);
    csv_table_free(&runs);
}

/* A diverged run is counted in `diverged` and kept out of n and every
   statistic, even with a finite accuracy (0.33, a broken model's): one ok
   value 0.80 remains, so mean = min = max = 0.80 and sd, interval empty. */
static void test_diverged_left_out(void **state)
{
    (void)state;
    const char *const values[3] = {"0.80", "0.33", "0.5"};
    const char *const status[3] = {"ok", "diverged", "interrupted"};
    dlx_text_table runs, s;
    make_runs(&runs, values, status);
    dlx_diags d = {0};
    assert_int_equal(seed_summary_compute(&runs, &s, &d), DLX_OK);
    assert_close(stat(&s, "n"), 1, 1e-12);
    assert_close(stat(&s, "diverged"), 1, 1e-12);
    assert_close(stat(&s, "final_test_acc_mean"), 0.80, 1e-12);
    assert_close(stat(&s, "final_test_acc_min"), 0.80, 1e-12);
    assert_close(stat(&s, "final_test_acc_max"), 0.80, 1e-12);
    assert_string_equal(s.rows[0][csv_table_column(&s, "final_test_acc_sd")], "");
    assert_string_equal(s.rows[0][csv_table_column(&s, "final_test_acc_ci95_low")], "");
    assert_true(seed_summary_few_seeds(&s, 0));
    csv_table_free(&s);
    csv_table_free(&runs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantile_closed_forms),
        cmocka_unit_test(test_sd_and_interval),
        cmocka_unit_test(test_two_values),
        cmocka_unit_test(test_diverged_left_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
