/* Tests of activation.c: values at known points, no overflow, and each
   backward against central differences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "nn/activation.h"
#include "nn_testing.h"

static void test_values(void **state)
{
    (void)state;
    const real in[6] = {-REAL_C(100.0), -REAL_C(2.0), -REAL_C(0.0), REAL_C(0.0), REAL_C(0.5), REAL_C(100.0)};
    real relu[6], sig[6], th[6], id[6];
    relu_forward(relu, in, 6);
    sigmoid_forward(sig, in, 6);
    tanh_forward(th, in, 6);
    identity_forward(id, in, 6);
    const real relu_expected[6] = {0, 0, 0, 0, REAL_C(0.5), REAL_C(100.0)};
    assert_memory_equal(relu, relu_expected, sizeof relu);
    assert_memory_equal(id, in, sizeof id);
    /* σ(−100) = e^−100/(1 + e^−100) = 3.72e-44, a float subnormal (steps of
       1.4e-45), not 0/0 */
    assert_true(sig[0] > REAL_C(3.5e-44) && sig[0] < REAL_C(3.9e-44));
    assert_true(fabs(sig[1] - 0.11920292) < 1e-7);
    assert_true(sig[2] == REAL_C(0.5) && sig[3] == REAL_C(0.5));
    assert_true(fabs(sig[4] - 0.62245933) < 1e-7);
    assert_true(sig[5] == REAL_C(1.0));
    assert_true(fabs(th[1] + 0.96402758) < 1e-7);
    assert_true(fabs(th[4] - 0.46211716) < 1e-7);
    assert_true(th[5] == REAL_C(1.0));
}

enum { N = 12 };

typedef struct {
    dlx_activation kind;
    real x[N], c[N], y[N];
} act_case;

/* L = Σ c·act(x). */
static double act_loss(void *ctx)
{
    act_case *k = ctx;
    activation_forward(k->kind, k->y, k->x, N);
    return weighted_sum(k->c, k->y, N);
}

static void check_kind(dlx_activation kind, const char *name)
{
    dlx_rng rng;
    rng_seed(&rng, 21, (uint64_t)kind);
    act_case k = {.kind = kind};
    /* |x| in [0.2, 2]: the relu kink at 0 is 0.2 away, beyond the step 1e-2. */
    for (int i = 0; i < N; i++) {
        real mag = (real)(0.2 + 1.8 * rng_uniform(&rng));
        k.x[i] = i % 2 ? mag : -mag;
    }
    fill_uniform(k.c, N, -1.5, 1.5, &rng);
    act_loss(&k);
    real d_in[N], d_in_place[N];
    activation_backward(kind, d_in, k.c, k.x, k.y, N);
    memcpy(d_in_place, k.c, sizeof d_in_place);
    activation_backward(kind, d_in_place, d_in_place, k.x, k.y, N);
    assert_memory_equal(d_in, d_in_place, sizeof d_in);
    /* Truncation h²/6·|f'''| ≤ 2e-5 (|f'''| ≤ 2 for σ and tanh), float
       rounding of y ~6e-8/(2h) ~ 3e-6: 1e-3 relative with a 1e-3 floor for
       the units relu switches off (gradient exactly 0 both ways). */
    assert_gradcheck_below(gradcheck(act_loss, &k, k.x, d_in, N, REAL_C(1e-2), 1e-3), 1e-3, name);
}

static void test_backward_matches_finite_differences(void **state)
{
    (void)state;
    check_kind(ACT_RELU, "relu");
    check_kind(ACT_SIGMOID, "sigmoid");
    check_kind(ACT_TANH, "tanh");
    check_kind(ACT_IDENTITY, "identity");
}

static void test_relu_gradient_is_zero_for_off_units(void **state)
{
    (void)state;
    const real x[4] = {-REAL_C(1.0), REAL_C(0.0), REAL_C(1e-30), REAL_C(3.0)}, dy[4] = {5, 5, 5, 5};
    real dx[4];
    relu_backward(dx, dy, x, 4);
    const real expected[4] = {0, 0, 5, 5};
    assert_memory_equal(dx, expected, sizeof dx);
}

/* The vectorized sigmoid (activation.c: Cephes' expf polynomial) against
   σ in double at 2,000,001 points of [−100, 100]: within 3 float ulp
   (relative 3.6e-7) wherever σ is a normal float (measured worst: 1.8e-7),
   and never off by more than one smallest subnormal step beyond that below;
   ±0 give exactly 0.5, ±inf give 1 and 0, NaN stays NaN. */
static void test_sigmoid_matches_double_precision(void **state)
{
    (void)state;
    enum { POINTS = 2000001 };
    static real x[POINTS], y[POINTS];
    for (int i = 0; i < POINTS; i++)
        x[i] = -REAL_C(100.0) + REAL_C(200.0) * (real)i / (POINTS - 1);
    sigmoid_forward(y, x, POINTS);
    double worst = 0.0;
    for (int i = 0; i < POINTS; i++) {
        double e = exp(-fabs((double)x[i]));
        double ref = x[i] >= REAL_C(0.0) ? 1.0 / (1.0 + e) : e / (1.0 + e);
        if (ref >= 1.1754944e-38) {
            double rel = fabs(y[i] - ref) / ref;
            worst = rel > worst ? rel : worst;
        } else {
            assert_true(fabs(y[i] - ref) <= 0.07 * ref + 1.5e-45);
        }
    }
    assert_true(worst < 3.6e-7);
    const real special[5] = {REAL_C(0.0), -REAL_C(0.0), INFINITY, -INFINITY, NAN};
    real out[5];
    sigmoid_forward(out, special, 5);
    assert_true(out[0] == REAL_C(0.5) && out[1] == REAL_C(0.5) && out[2] == REAL_C(1.0) && out[3] == REAL_C(0.0));
    assert_true(isnan(out[4]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_backward_matches_finite_differences),
        cmocka_unit_test(test_relu_gradient_is_zero_for_off_units),
        cmocka_unit_test(test_sigmoid_matches_double_precision),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
