/* Tests of gradcheck.c: it accepts a right gradient, flags a wrong one at the
   right index, and leaves the buffer exactly as it found it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "nn_testing.h"

typedef struct {
    const real *x;
    size_t n;
} cubic_ctx;

/* f(x) = Σ x_i³ + sin(x_i), f'(x) = 3x_i² + cos(x_i), evaluated in double. */
static double cubic(void *ctx)
{
    const cubic_ctx *c = ctx;
    double s = 0.0;
    for (size_t i = 0; i < c->n; i++)
        s += (double)c->x[i] * c->x[i] * c->x[i] + sin(c->x[i]);
    return s;
}

static void test_accepts_right_and_flags_wrong_gradient(void **state)
{
    (void)state;
    real x[8] = {-REAL_C(1.5), -REAL_C(0.75), -REAL_C(0.2), REAL_C(0.1), REAL_C(0.5), REAL_C(0.9), REAL_C(1.3), REAL_C(2.0)}, saved[8], grad[8];
    memcpy(saved, x, sizeof x);
    for (int i = 0; i < 8; i++)
        grad[i] = (real)(3.0 * x[i] * x[i] + cos(x[i]));
    cubic_ctx ctx = {x, 8};
    /* The central difference of a cubic has truncation error h²·f'''/6 = h²
       (f''' = 6 − cos x ≈ 6): 1e-6 at h = 1e-3, a relative 1e-6 or less. */
    gradcheck_result ok = gradcheck(cubic, &ctx, x, grad, 8, REAL_C(1e-3), 1e-3);
    assert_gradcheck_below(ok, 1e-4, "right gradient");
    assert_memory_equal(x, saved, sizeof x);

    grad[5] *= REAL_C(1.1); /* a 10% error in one component */
    gradcheck_result bad = gradcheck(cubic, &ctx, x, grad, 8, REAL_C(1e-3), 1e-3);
    assert_int_equal(bad.worst, 5);
    assert_true(fabs(bad.max_rel_error - 0.1 / 1.1) < 1e-3);
    assert_true(fabs(bad.numeric - (3.0 * 0.81 + cos(0.9))) < 1e-4);
    assert_memory_equal(x, saved, sizeof x);
}

/* f(x) = Σ x_i³, whose gradient vanishes at 0. */
static double pure_cubic(void *ctx)
{
    const cubic_ctx *c = ctx;
    double s = 0.0;
    for (size_t i = 0; i < c->n; i++)
        s += (double)c->x[i] * c->x[i] * c->x[i];
    return s;
}

static void test_floor_makes_tiny_gradients_absolute(void **state)
{
    (void)state;
    /* At x = 0 the true gradient is 0 and the central difference gives
       ((h³) − (−h³))/(2h) = h² = 1e-4 for h = 1e-2. Without a floor that is a
       relative error of 1; with floor 1e-2 it is 1e-4/1e-2 = 1e-2. */
    real x[2] = {REAL_C(0.0), REAL_C(0.0)}, grad[2] = {REAL_C(0.0), REAL_C(0.0)};
    cubic_ctx ctx = {x, 2};
    gradcheck_result no_floor = gradcheck(pure_cubic, &ctx, x, grad, 2, REAL_C(1e-2), 0.0);
    assert_true(fabs(no_floor.max_rel_error - 1.0) < 1e-6);
    assert_true(fabs(no_floor.numeric - 1e-4) < 1e-8);
    gradcheck_result floored = gradcheck(pure_cubic, &ctx, x, grad, 2, REAL_C(1e-2), 1e-2);
    assert_true(fabs(floored.max_rel_error - 1e-2) < 1e-5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_right_and_flags_wrong_gradient),
        cmocka_unit_test(test_floor_makes_tiny_gradients_absolute),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
