/*
 * Tests of regularizer.c: l2/l1 penalty and gradient on hand values, only
 * weight tensors touched, finite-difference checks of the gradient, max-norm
 * projection and the moments of input noise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "optim/regularizer.h"

#define assert_close(actual, expected, tol)                                                 \
    do {                                                                                    \
        double actual_ = (actual), expected_ = (expected);                                 \
        if (!(fabs(actual_ - expected_) <= (tol)))                                          \
            fail_msg("%s = %.9g, expected %.9g +- %g", #actual, actual_, expected_, (double)(tol)); \
    } while (0)

static dlx_tensor make_tensor(const char *name, int rows, int cols, float *data, float *grad, bool is_weight)
{
    dlx_tensor t = {.ndim = cols > 0 ? 2 : 1, .shape = {rows, cols}, .data = data, .grad = grad,
                    .is_weight = is_weight};
    snprintf(t.name, sizeof t.name, "%s", name);
    return t;
}

/* W = [[1, −2], [3, 0]] (weight), b = [5, −1] (bias), γ = [2, 2] (BN scale):
   penalty = (0.1/2)·(1 + 4 + 9 + 0) + 0.01·(1 + 2 + 3 + 0) = 0.7 + 0.06 = 0.76,
   gradient on W = 0.1·W + 0.01·sign(W) = [[0.11, −0.21], [0.31, 0]],
   b and γ neither counted nor changed. */
static void test_penalty_and_gradient_by_hand(void **state)
{
    (void)state;
    float w[4] = {1, -2, 3, 0}, gw[4] = {0, 0, 0, 0};
    float b[2] = {5, -1}, gb[2] = {7, 7};
    float gamma[2] = {2, 2}, ggamma[2] = {-3, -3};
    dlx_tensor t[3] = {make_tensor("fc1.weight", 2, 2, w, gw, true), make_tensor("fc1.bias", 2, 0, b, gb, false),
                       make_tensor("bn1.weight", 2, 0, gamma, ggamma, false)};
    dlx_regularizer_config cfg = {.l2 = 0.1, .l1 = 0.01};
    assert_close(regularizer_penalty(&cfg, t, 3), 0.76, 1e-9);

    regularizer_add_gradient(&cfg, t, 3);
    const double expected[4] = {0.11, -0.21, 0.31, 0.0};
    for (int i = 0; i < 4; i++)
        assert_close(gw[i], expected[i], 1e-7);
    assert_true(gb[0] == 7 && gb[1] == 7);
    assert_true(ggamma[0] == -3 && ggamma[1] == -3);
    assert_true(w[0] == 1 && w[1] == -2 && w[2] == 3 && w[3] == 0);

    /* l2 alone: penalty 0.7, and the gradient adds to what is there. */
    dlx_regularizer_config l2_only = {.l2 = 0.1};
    assert_close(regularizer_penalty(&l2_only, t, 3), 0.7, 1e-9);
    regularizer_add_gradient(&l2_only, t, 3);
    assert_close(gw[0], 0.11 + 0.1, 1e-7);
    assert_close(gw[1], -0.21 - 0.2, 1e-7);

    /* l1 alone: penalty 0.06. */
    dlx_regularizer_config l1_only = {.l1 = 0.01};
    assert_close(regularizer_penalty(&l1_only, t, 3), 0.06, 1e-9);

    /* Everything off: zero penalty, gradient untouched. */
    dlx_regularizer_config off = {0};
    float before[4];
    memcpy(before, gw, sizeof before);
    assert_true(regularizer_penalty(&off, t, 3) == 0.0);
    regularizer_add_gradient(&off, t, 3);
    assert_memory_equal(before, gw, sizeof before);
}

/* Central differences (P(w + h) − P(w − h)) / (2h) against the analytic
   gradient, for each weight of a 3x4 matrix; l1 weights kept away from 0 so
   that |w| is differentiable on [w − h, w + h]. */
static void check_finite_difference(const dlx_regularizer_config *cfg)
{
    float w[12], g[12] = {0};
    for (int i = 0; i < 12; i++) {
        float magnitude = 0.2f + 0.15f * (float)i;
        w[i] = i % 3 == 0 ? -magnitude : magnitude;
    }
    dlx_tensor t = make_tensor("fc1.weight", 3, 4, w, g, true);
    regularizer_add_gradient(cfg, &t, 1);
    for (int i = 0; i < 12; i++) {
        float saved = w[i];
        w[i] = saved + 1e-3f;
        double plus = regularizer_penalty(cfg, &t, 1);
        float w_plus = w[i];
        w[i] = saved - 1e-3f;
        double minus = regularizer_penalty(cfg, &t, 1);
        float w_minus = w[i];
        w[i] = saved;
        double numeric = (plus - minus) / ((double)w_plus - (double)w_minus);
        assert_close(g[i], numeric, 1e-6);
    }
}

static void test_finite_difference_l2(void **state)
{
    (void)state;
    dlx_regularizer_config cfg = {.l2 = 0.3};
    check_finite_difference(&cfg);
}

static void test_finite_difference_l1(void **state)
{
    (void)state;
    dlx_regularizer_config cfg = {.l1 = 0.05};
    check_finite_difference(&cfg);
    dlx_regularizer_config both = {.l2 = 0.3, .l1 = 0.05};
    check_finite_difference(&both);
}

/* c = 2: row [3, 4] (norm 5) becomes [1.2, 1.6] (norm 2); row [0.6, 0.8]
   (norm 1) and row [0, 2] (norm exactly 2) stay bit for bit; the bias, though
   large, is not a weight and stays. */
static void test_max_norm_projection(void **state)
{
    (void)state;
    float w[6] = {3, 4, 0.6f, 0.8f, 0, 2};
    float b[3] = {100, 100, 100};
    dlx_tensor t[2] = {make_tensor("fc1.weight", 3, 2, w, NULL, true), make_tensor("fc1.bias", 3, 0, b, NULL, false)};
    dlx_regularizer_config cfg = {.max_norm = 2};
    regularizer_project(&cfg, t, 2);
    assert_close(w[0], 1.2, 1e-7);
    assert_close(w[1], 1.6, 1e-7);
    assert_close(sqrt((double)w[0] * w[0] + (double)w[1] * w[1]), 2.0, 1e-6);
    assert_true(w[2] == 0.6f && w[3] == 0.8f);
    assert_true(w[4] == 0.0f && w[5] == 2.0f);
    assert_true(b[0] == 100 && b[1] == 100 && b[2] == 100);

    /* Idempotent: projecting again changes nothing measurable. */
    regularizer_project(&cfg, t, 2);
    assert_close(w[0], 1.2, 1e-6);
    assert_close(w[1], 1.6, 1e-6);

    /* max_norm 0 is off. */
    float big[2] = {30, 40};
    dlx_tensor t_big = make_tensor("out.weight", 1, 2, big, NULL, true);
    dlx_regularizer_config off = {0};
    regularizer_project(&off, &t_big, 1);
    assert_true(big[0] == 30 && big[1] == 40);
}

/* Many rows of a wider matrix: every row's norm ends at min(norm, c). */
static void test_max_norm_many_rows(void **state)
{
    (void)state;
    enum { ROWS = 50, COLS = 7 };
    float w[ROWS * COLS];
    double norms[ROWS];
    dlx_rng rng;
    rng_seed(&rng, 3, 0);
    for (int r = 0; r < ROWS; r++) {
        double s = 0;
        for (int j = 0; j < COLS; j++) {
            w[r * COLS + j] = (float)(rng_normal(&rng) * 0.6);
            s += (double)w[r * COLS + j] * w[r * COLS + j];
        }
        norms[r] = sqrt(s);
    }
    dlx_tensor t = make_tensor("fc2.weight", ROWS, COLS, w, NULL, true);
    dlx_regularizer_config cfg = {.max_norm = 1.5};
    regularizer_project(&cfg, &t, 1);
    int above = 0;
    for (int r = 0; r < ROWS; r++) {
        double s = 0;
        for (int j = 0; j < COLS; j++)
            s += (double)w[r * COLS + j] * w[r * COLS + j];
        double expected = norms[r] > 1.5 ? 1.5 : norms[r];
        above += norms[r] > 1.5;
        assert_close(sqrt(s), expected, 1e-6);
    }
    assert_true(above > 5 && above < ROWS - 5); /* the data exercises both cases */
}

/* x + σ·N(0,1) with σ = 0.5 on 200 000 copies of 3: mean 3 (standard error
   1.1e-3), variance 0.25 (standard error 7.9e-4). σ = 0 leaves x and the
   generator untouched. */
static void test_input_noise_moments(void **state)
{
    (void)state;
    const size_t n = 200000;
    float *x = malloc(n * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++)
        x[i] = 3.0f;
    dlx_rng rng;
    rng_seed(&rng, 11, 2);
    regularizer_input_noise(x, n, 0.5, &rng);
    double sum = 0, sum_sq = 0;
    for (size_t i = 0; i < n; i++) {
        sum += x[i];
        sum_sq += ((double)x[i] - 3.0) * ((double)x[i] - 3.0);
    }
    double mean = sum / (double)n, var = sum_sq / (double)n - (mean - 3.0) * (mean - 3.0);
    assert_close(mean, 3.0, 6e-3);
    assert_close(var, 0.25, 4e-3);

    dlx_rng before = rng;
    float y[3] = {1, 2, 3};
    regularizer_input_noise(y, 3, 0.0, &rng);
    assert_true(y[0] == 1 && y[1] == 2 && y[2] == 3);
    assert_memory_equal(&before, &rng, sizeof rng);
    free(x);
}

/* The same seed gives the same noise (runs are reproducible). */
static void test_input_noise_reproducible(void **state)
{
    (void)state;
    float a[64] = {0}, b[64] = {0};
    dlx_rng ra, rb;
    rng_seed(&ra, 5, 1);
    rng_seed(&rb, 5, 1);
    regularizer_input_noise(a, 64, 0.1, &ra);
    regularizer_input_noise(b, 64, 0.1, &rb);
    assert_memory_equal(a, b, sizeof a);
    int nonzero = 0;
    for (int i = 0; i < 64; i++)
        nonzero += a[i] != 0;
    assert_int_equal(nonzero, 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_penalty_and_gradient_by_hand),
        cmocka_unit_test(test_finite_difference_l2),
        cmocka_unit_test(test_finite_difference_l1),
        cmocka_unit_test(test_max_norm_projection),
        cmocka_unit_test(test_max_norm_many_rows),
        cmocka_unit_test(test_input_noise_moments),
        cmocka_unit_test(test_input_noise_reproducible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
