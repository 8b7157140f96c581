/* Tests of the variance_shift diagnostic's per-unit ratio (variance_shift.c):
   a hand-computed column, the cases without a ratio, and its column names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "diagnostics/variance_shift.h"

/* Column 0 of a [4, 2] matrix is (1, 2, 3, 4): mean 2.5, unbiased variance
   (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3; over a running variance of 5/6 the
   ratio is 2. Column 1 is constant: no ratio. */
static void test_hand_computed_ratio(void **state)
{
    (void)state;
    const float x[8] = {1, 7, 2, 7, 3, 7, 4, 7};
    assert_float_equal(variance_shift_ratio(x, 4, 2, 0, 5.0 / 6.0), 2.0, 1e-12);
    assert_float_equal(variance_shift_ratio(x, 4, 2, 0, 5.0 / 3.0), 1.0, 1e-12);
    assert_true(isnan(variance_shift_ratio(x, 4, 2, 1, 1.0)));  /* constant column */
    assert_true(isnan(variance_shift_ratio(x, 1, 2, 0, 1.0)));  /* one row */
    assert_true(isnan(variance_shift_ratio(x, 4, 2, 0, 0.0)));  /* no running variance */
}

/* Two columns per batch-norm layer; none without batch norm. */
static void test_columns(void **state)
{
    (void)state;
    dlx_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.model.type = MODEL_MLP;
    cfg.model.n_hidden = 2;
    cfg.model.batch_norm = true;
    static dlx_columns cols;
    DIAG_VARIANCE_SHIFT.columns(&cfg, &cols);
    assert_int_equal(cols.count, 4);
    assert_string_equal(cols.names[0], "variance_shift.bn1");
    assert_string_equal(cols.names[1], "variance_shift_sd.bn1");
    assert_string_equal(cols.names[3], "variance_shift_sd.bn2");
    char why[256];
    assert_true(DIAG_VARIANCE_SHIFT.fits(&cfg, why, sizeof why));
    cfg.model.batch_norm = false;
    assert_false(DIAG_VARIANCE_SHIFT.fits(&cfg, why, sizeof why));
    static dlx_columns none;
    DIAG_VARIANCE_SHIFT.columns(&cfg, &none);
    assert_int_equal(none.count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed_ratio),
        cmocka_unit_test(test_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
