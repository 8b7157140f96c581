/*
 * Tests of csv_writer.c: number formatting (typical, tiny, huge, non-finite),
 * exact float32 round trip of "%.9g", quoting, whole-row writes, write
 * failures and the locale-independent decimal point (its own test, see main).
 */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "io/csv_writer.h"
#include "util/rng.h"

static const char *formatted(double value)
{
    static char out[DLX_CSV_NUMBER_MAX];
    csv_format_number(out, value);
    return out;
}

static void test_number_formats(void **state)
{
    (void)state;
    assert_string_equal(formatted(0.5), "0.5");
    assert_string_equal(formatted(1.0 / 3.0), "0.333333333");
    assert_string_equal(formatted(2.0), "2");
    assert_string_equal(formatted(-0.0), "-0");
    assert_string_equal(formatted(123456789.0), "123456789");
    assert_string_equal(formatted(1234567890.0), "1.23456789e+09");
    assert_string_equal(formatted(1e-30), "1e-30");
    assert_string_equal(formatted((double)0.1f), "0.100000001");
    assert_string_equal(formatted((double)1.4e-45f), "1.40129846e-45");   /* smallest subnormal float */
    assert_string_equal(formatted((double)3.4028235e38f), "3.40282347e+38"); /* largest float */
    assert_string_equal(formatted(1e300), "1e+300");
    assert_string_equal(formatted(NAN), "nan");
    assert_string_equal(formatted(-NAN), "nan");
    assert_string_equal(formatted(INFINITY), "inf");
    assert_string_equal(formatted(-INFINITY), "-inf");
    char out[DLX_CSV_NUMBER_MAX];
    assert_int_equal(csv_format_number(out, -2.5), 4);
}

/* "%.9g" of any finite float reads back to the same float (Goldberg 1991:
   9 significant digits identify a binary32). Random bit patterns cover
   subnormals, huge and tiny exponents and both signs. */
static void test_float_round_trip(void **state)
{
    (void)state;
    dlx_rng rng;
    rng_seed(&rng, 2024, 0);
    int checked = 0;
    for (int i = 0; i < 200000; i++) {
        uint32_t bits = (uint32_t)rng_u64(&rng);
        float x;
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x))
            continue;
        const char *s = formatted(x);
        char *end;
        float back = strtof(s, &end);
        assert_true(*end == '\0');
        uint32_t back_bits;
        memcpy(&back_bits, &back, sizeof back_bits);
        if (back_bits != bits)
            fail_msg("%s read back as %a, not %a", s, (double)back, (double)x);
        checked++;
    }
    assert_true(checked > 190000);
}

static void test_row_fields_and_quoting(void **state)
{
    (void)state;
    static dlx_csv_row row;
    csv_row_begin(&row);
    csv_row_str(&row, "bn");
    csv_row_int(&row, 3);
    csv_row_int(&row, -1234567890L);
    csv_row_num(&row, 0.25);
    csv_row_empty(&row);
    csv_row_num(&row, NAN);
    csv_row_str(&row, "a,b");
    csv_row_str(&row, "say \"hi\"");
    csv_row_str(&row, "two\nlines");
    csv_row_str(&row, "cr\r");
    csv_row_str(&row, "optimizer.lr");
    csv_row_empty(&row);
    assert_false(row.overflow);
    assert_int_equal(row.n_fields, 12);
    assert_string_equal(row.text, "bn,3,-1234567890,0.25,,nan,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",optimizer.lr,");

    csv_row_begin(&row);
    csv_row_empty(&row);
    assert_string_equal(row.text, "");
    csv_row_empty(&row);
    assert_string_equal(row.text, ",");
}

/* Rows and header go out whole, newline-terminated, already flushed. */
static void test_write_rows(void **state)
{
    (void)state;
    char *text = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&text, &size);
    assert_non_null(fp);
    dlx_diags d = {0};
    const char *names[3] = {"arm", "seed", "model.hidden"};
    assert_int_equal(csv_write_header(fp, names, 3, &d, "metrics.csv"), DLX_OK);
    assert_string_equal(text, "arm,seed,model.hidden\n"); /* visible without fclose: flushed */
    static dlx_csv_row row;
    csv_row_begin(&row);
    csv_row_str(&row, "no_bn");
    csv_row_int(&row, 1);
    csv_row_str(&row, "[100, 100]");
    assert_int_equal(csv_row_write(&row, fp, &d, "metrics.csv"), DLX_OK);
    assert_string_equal(text, "arm,seed,model.hidden\nno_bn,1,\"[100, 100]\"\n");
    assert_string_equal(row.text, "no_bn,1,\"[100, 100]\""); /* the row is intact afterwards */
    assert_int_equal(d.count, 0);
    fclose(fp);
    free(text);
}

/* A full disk: the write fails with a message naming the file. */
static void test_write_failure(void **state)
{
    (void)state;
    FILE *fp = fopen("/dev/full", "w");
    if (!fp)
        skip();
    static dlx_csv_row row;
    csv_row_begin(&row);
    csv_row_num(&row, 1.5);
    dlx_diags d = {0};
    assert_int_equal(csv_row_write(&row, fp, &d, "out/metrics.csv"), DLX_ERR_RUNTIME);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, "out/metrics.csv");
    assert_string_equal(d.items[0].message, "cannot write: No space left on device");
    diags_free(&d);
    fclose(fp);
}

/* A row longer than the buffer is refused whole: nothing is written. */
static void test_overflow(void **state)
{
    (void)state;
    static dlx_csv_row row;
    char field[1001];
    memset(field, 'x', 1000);
    field[1000] = '\0';
    csv_row_begin(&row);
    for (int i = 0; i < 70; i++)
        csv_row_str(&row, field);
    assert_true(row.overflow);
    char *text = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&text, &size);
    dlx_diags d = {0};
    assert_int_equal(csv_row_write(&row, fp, &d, "m.csv"), DLX_ERR_RUNTIME);
    assert_string_equal(d.items[0].message, "cannot write: a row is longer than 65535 bytes");
    fflush(fp);
    assert_int_equal(size, 0);
    fclose(fp);
    free(text);
    diags_free(&d);

    /* Exactly full: 65535 characters plus the newline fit. */
    csv_row_begin(&row);
    char *big = malloc(DLX_CSV_ROW_CAPACITY);
    memset(big, 'y', DLX_CSV_ROW_CAPACITY - 1);
    big[DLX_CSV_ROW_CAPACITY - 1] = '\0';
    csv_row_str(&row, big);
    assert_false(row.overflow);
    csv_row_empty(&row);
    assert_true(row.overflow);
    free(big);
}

/* The first installed locale with a decimal comma, or NULL. */
static const char *decimal_comma_locale(void)
{
    const char *candidates[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "ru_RU.UTF-8", "nl_NL.UTF-8"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (setlocale(LC_NUMERIC, candidates[i])) {
            setlocale(LC_NUMERIC, "C");
            return candidates[i];
        }
    return NULL;
}

static const char *comma_locale;   /* set by main before the decimal-comma group runs */

/* Under a locale with a decimal comma the output keeps '.'. */
static void test_decimal_comma_locale(void **state)
{
    (void)state;
    assert_non_null(setlocale(LC_NUMERIC, comma_locale));
    char check[16];
    snprintf(check, sizeof check, "%.1f", 0.5);
    const char *a = formatted(0.5);
    char first[DLX_CSV_NUMBER_MAX];
    snprintf(first, sizeof first, "%s", a);
    const char *b = formatted(-1.25e-7);
    char second[DLX_CSV_NUMBER_MAX];
    snprintf(second, sizeof second, "%s", b);
    setlocale(LC_NUMERIC, "C");
    assert_string_not_equal(check, "0.5"); /* the locale really uses another point */
    assert_string_equal(first, "0.5");
    assert_string_equal(second, "-1.25e-07");
}

/* `test_csv_writer decimal-comma` runs the locale test alone: it needs a locale with a decimal
   comma (Debian: the locales package and a generated de_DE.UTF-8, which .ci/run sets up), and
   without one it exits 77, which meson reports as a skip rather than a pass. */
int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "decimal-comma")) {
        if (!(comma_locale = decimal_comma_locale())) {
            printf("skip: no locale with a decimal comma is installed (e.g. de_DE.UTF-8: "
                   "add it to /etc/locale.gen and run locale-gen)\n");
            return 77;
        }
        const struct CMUnitTest locale_tests[] = {cmocka_unit_test(test_decimal_comma_locale)};
        return cmocka_run_group_tests(locale_tests, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_formats),
        cmocka_unit_test(test_float_round_trip),
        cmocka_unit_test(test_row_fields_and_quoting),
        cmocka_unit_test(test_write_rows),
        cmocka_unit_test(test_write_failure),
        cmocka_unit_test(test_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
