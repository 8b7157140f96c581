/* Tests of loss.c: values worked out by hand, stability at extreme logits,
   correct-prediction counts, and each backward against central differences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "nn/loss.h"
#include "spec/config.h"
#include "nn_testing.h"

static void test_cross_entropy_values(void **state)
{
    (void)state;
    /* logsumexp(1, 2, 3) = log(e + e² + e³) = 3.40760596
       y = 2: 3.40760596 − 3 = 0.40760596    y = 0: 3.40760596 − 1 = 2.40760596 */
    const real z[6] = {1, 2, 3, 1, 2, 3};
    const int y[2] = {2, 0};
    long correct = -1;
    double sum = softmax_cross_entropy_forward(z, y, 2, 3, &correct);
    assert_true(fabs(sum - (0.40760596 + 2.40760596)) < 1e-6);
    assert_int_equal(correct, 1); /* argmax 2 matches the first example only */
}

static void test_cross_entropy_is_stable(void **state)
{
    (void)state;
    /* Logits ±1000 overflow e^z in any precision; with the max subtracted the
       loss is −log softmax: ≈ 0 for the top class, 1000 for a class 1000 below. */
    const real z[6] = {1000, 0, -1000, 1000, 0, -1000};
    const int y[2] = {0, 1};
    double sum = softmax_cross_entropy_forward(z, y, 2, 3, NULL);
    assert_true(isfinite(sum));
    assert_true(fabs(sum - 1000.0) < 1e-9);
    real dz[6];
    softmax_cross_entropy_backward(dz, z, y, 2, 3);
    /* (softmax − onehot)/B: row 1 = (1 − 1, 0, 0)/2, row 2 = (1, −1, 0)/2 */
    const real expected[6] = {0, 0, 0, REAL_C(0.5), -REAL_C(0.5), 0};
    for (int i = 0; i < 6; i++)
        assert_true(fabs(dz[i] - expected[i]) < 1e-7);
}

static void test_logistic_values(void **state)
{
    (void)state;
    /* max(z,0) − z·y + log(1 + e^−|z|):
         z = 0,    y = 1: log 2 = 0.69314718
         z = 2,    y = 0: 2 + log(1 + e^−2) = 2.12692801
         z = −800, y = 1: 800 (+ e^−800, below double precision)
         z = 800,  y = 1: 0
       correct when (z > 0) == (y == 1): z = 0 with y = 1 is wrong, z = 2 with
       y = 0 is wrong, −800 with 1 wrong, 800 with 1 right. */
    const real z[4] = {0, 2, -800, 800};
    const int y[4] = {1, 0, 1, 1};
    long correct = -1;
    double sum = logistic_loss_forward(z, y, 4, &correct);
    assert_true(fabs(sum - (0.69314718 + 2.12692801 + 800.0)) < 1e-6);
    assert_int_equal(correct, 1);
    real dz[4];
    logistic_loss_backward(dz, z, y, 4);
    /* (σ(z) − y)/4: (0.5 − 1)/4, (0.8807971 − 0)/4, (0 − 1)/4, (1 − 1)/4 */
    assert_true(fabs(dz[0] + REAL_C(0.125)) < 1e-7);
    assert_true(fabs(dz[1] - REAL_C(0.88079708) / 4) < 1e-7);
    assert_true(fabs(dz[2] + REAL_C(0.25)) < 1e-7);
    assert_true(fabs(dz[3]) < 1e-7);
}

static void test_mse_values(void **state)
{
    (void)state;
    /* Regression, K = 2: outputs (1, 2), targets (0, 4): ((1)² + (2)²)/2 = 2.5;
       outputs (3, 3), targets (3, 2): 1/2 = 0.5. Sum 3.0, correct 0. */
    const real z[4] = {1, 2, 3, 3}, t[4] = {0, 4, 3, 2};
    long correct = -1;
    assert_true(fabs(mse_forward(z, t, NULL, 2, 2, &correct) - 3.0) < 1e-12);
    assert_int_equal(correct, 0);
    /* gradient 2(z − y)/(B·K) = (z − y)/2 */
    real dz[4];
    mse_backward(dz, z, t, NULL, 2, 2);
    const real expected[4] = {REAL_C(0.5), -REAL_C(1.0), REAL_C(0.0), REAL_C(0.5)};
    assert_memory_equal(dz, expected, sizeof dz);

    /* One-hot labels, K = 3: z = (0.5, 0.2, 0.9), y = 2:
         ((0.5)² + (0.2)² + (0.1)²)/3 = 0.3/3 = 0.1, argmax 2 = y: correct. */
    const real zc[3] = {REAL_C(0.5), REAL_C(0.2), REAL_C(0.9)};
    const int yc[1] = {2};
    assert_true(fabs(mse_forward(zc, NULL, yc, 1, 3, &correct) - 0.1) < 1e-7);
    assert_int_equal(correct, 1);
}

static void test_bad_label_gives_nan_not_a_crash(void **state)
{
    (void)state;
    const real z[3] = {1, 2, 3};
    const int too_big[1] = {3}, negative[1] = {-1}, two[1] = {2};
    real dz[3];
    assert_true(isnan(softmax_cross_entropy_forward(z, too_big, 1, 3, NULL)));
    softmax_cross_entropy_backward(dz, z, negative, 1, 3);
    assert_true(isnan(dz[0]));
    assert_true(isnan(logistic_loss_forward(z, two, 1, NULL)));
    assert_true(isnan(mse_forward(z, NULL, too_big, 1, 3, NULL)));
}

/* A loss on logits z[B, K] with its data; f = (sum over the batch)/B. */
enum { B = 5, K = 4 };

typedef struct {
    dlx_loss kind;
    real z[B * K], targets[B * K];
    int labels[B];
    bool use_targets;
} loss_case;

static double mean_loss(void *ctx)
{
    loss_case *k = ctx;
    switch (k->kind) {
    case LOSS_CROSS_ENTROPY:
        return softmax_cross_entropy_forward(k->z, k->labels, B, K, NULL) / B;
    case LOSS_LOGISTIC:
        return logistic_loss_forward(k->z, k->labels, B, NULL) / B;
    case LOSS_MSE:
        break;
    case LOSS_COUNT:
        break;
    }
    return mse_forward(k->z, k->use_targets ? k->targets : NULL, k->labels, B, K, NULL) / B;
}

static void check_gradient(loss_case *k, const char *name)
{
    real dz[B * K];
    int n = k->kind == LOSS_LOGISTIC ? B : B * K;
    switch (k->kind) {
    case LOSS_CROSS_ENTROPY:
        softmax_cross_entropy_backward(dz, k->z, k->labels, B, K);
        break;
    case LOSS_LOGISTIC:
        logistic_loss_backward(dz, k->z, k->labels, B);
        break;
    case LOSS_MSE:
        mse_backward(dz, k->z, k->use_targets ? k->targets : NULL, k->labels, B, K);
        break;
    case LOSS_COUNT:
        break;
    }
    /* The losses are computed in double from float logits, so only the
       truncation error h²/6·|f'''| matters: ≤ 2e-5·|f'''| with |f'''| ≲ 1/B
       here, and 0 for mse (quadratic). Tolerance 1e-3, floor 1e-3. */
    assert_gradcheck_below(gradcheck(mean_loss, k, k->z, dz, (size_t)n, REAL_C(1e-2), 1e-3), 1e-3, name);
}

static void test_backward_matches_finite_differences(void **state)
{
    (void)state;
    dlx_rng rng;
    rng_seed(&rng, 51, 0);
    loss_case k = {.kind = LOSS_CROSS_ENTROPY};
    fill_normal(k.z, B * K, 0, 2, &rng);
    for (int b = 0; b < B; b++)
        k.labels[b] = (int)rng_below(&rng, K);
    check_gradient(&k, "cross_entropy");

    k.kind = LOSS_MSE;
    check_gradient(&k, "mse with one-hot labels");
    k.use_targets = true;
    fill_normal(k.targets, B * K, 0, 1, &rng);
    check_gradient(&k, "mse with targets");

    k.kind = LOSS_LOGISTIC;
    for (int b = 0; b < B; b++)
        k.labels[b] = (int)rng_below(&rng, 2);
    check_gradient(&k, "logistic");
}

static void test_cross_entropy_gradient_rows_sum_to_zero(void **state)
{
    (void)state;
    dlx_rng rng;
    rng_seed(&rng, 52, 0);
    real z[B * K], dz[B * K];
    int y[B] = {0, 1, 2, 3, 0};
    fill_normal(z, B * K, 0, 3, &rng);
    softmax_cross_entropy_backward(dz, z, y, B, K);
    for (int b = 0; b < B; b++) {
        double s = 0;
        for (int c = 0; c < K; c++)
            s += dz[b * K + c];
        assert_true(fabs(s) < 1e-7); /* Σ_k softmax_k − 1 = 0 */
        assert_true(dz[b * K + y[b]] < REAL_C(0.0));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cross_entropy_values),
        cmocka_unit_test(test_cross_entropy_is_stable),
        cmocka_unit_test(test_logistic_values),
        cmocka_unit_test(test_mse_values),
        cmocka_unit_test(test_bad_label_gives_nan_not_a_crash),
        cmocka_unit_test(test_backward_matches_finite_differences),
        cmocka_unit_test(test_cross_entropy_gradient_rows_sum_to_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
