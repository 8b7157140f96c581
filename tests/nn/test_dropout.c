/* Tests of dropout.c: the mask's lanes and keep rate, inverted scaling in
   expectation, test-time scaling, the backward pass with a fixed mask, and
   dropped units exactly +0 whatever their input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nn/dropout.h"
#include "nn_testing.h"

static void test_mask_uses_four_16_bit_lanes_per_draw(void **state)
{
    (void)state;
    /* rate 0.3: keep iff lane < round(0.7·65536) = 45875. Ten units take
       ceil(10/4) = 3 draws, lanes from the low bits up. */
    dlx_rng rng, replay;
    rng_seed(&rng, 41, 0);
    replay = rng;
    uint8_t mask[10];
    dropout_draw_mask(mask, 10, 0.3, &rng);
    uint64_t bits = 0;
    for (int i = 0; i < 10; i++) {
        if (i % 4 == 0)
            bits = rng_u64(&replay);
        uint64_t lane = (bits >> (16 * (i % 4))) & 0xffff;
        assert_int_equal(mask[i], lane < 45875);
    }
    assert_memory_equal(&rng, &replay, sizeof rng); /* exactly 3 draws consumed */
}

static void test_keep_rate(void **state)
{
    (void)state;
    enum { N = 1000000 };
    uint8_t *mask = malloc(N);
    assert_non_null(mask);
    dlx_rng rng;
    rng_seed(&rng, 42, 0);
    const double rates[3] = {0.2, 0.5, 0.9};
    for (int r = 0; r < 3; r++) {
        dropout_draw_mask(mask, N, rates[r], &rng);
        long kept = 0;
        for (int i = 0; i < N; i++)
            kept += mask[i];
        /* standard error sqrt(p(1−p)/N) ≤ 5e-4; allow 5 of them */
        assert_true(fabs((double)kept / N - (1.0 - rates[r])) < 2.5e-3);
    }
    free(mask);
}

static void test_inverted_scaling_keeps_expectation(void **state)
{
    (void)state;
    enum { N = 1000000 };
    real *in = malloc(N * sizeof *in), *out = malloc(N * sizeof *out);
    uint8_t *mask = malloc(N);
    assert_true(in && out && mask);
    for (int i = 0; i < N; i++)
        in[i] = REAL_C(2.0);
    dlx_rng rng;
    rng_seed(&rng, 43, 0);
    real scale = dropout_train_scale(0.4, DROPOUT_INVERTED);
    assert_true(fabs(scale - 1.0 / 0.6) < 1e-6);
    dropout_forward_train(out, mask, in, N, 0.4, scale, &rng);
    double sum = 0;
    for (int i = 0; i < N; i++) {
        assert_true(out[i] == (mask[i] ? REAL_C(2.0) * scale : REAL_C(0.0)));
        sum += out[i];
    }
    /* E[out] = 2·0.6/0.6 = 2; standard error 2·sqrt(0.4/0.6/N) = 1.6e-3 */
    assert_true(fabs(sum / N - 2.0) < 8e-3);
    free(in);
    free(out);
    free(mask);
}

static void test_test_time_scaling(void **state)
{
    (void)state;
    /* test_time: no scaling while training, × (1 − r) at evaluation;
       inverted: the reverse. */
    assert_true(dropout_train_scale(0.25, DROPOUT_TEST_TIME) == REAL_C(1.0));
    assert_true(dropout_eval_scale(0.25, DROPOUT_TEST_TIME) == REAL_C(0.75));
    assert_true(dropout_eval_scale(0.25, DROPOUT_INVERTED) == REAL_C(1.0));
    const real in[3] = {4, -8, 1};
    real out[3];
    dropout_forward_eval(out, in, 3, dropout_eval_scale(0.25, DROPOUT_TEST_TIME));
    const real expected[3] = {3, -6, REAL_C(0.75)};
    assert_memory_equal(out, expected, sizeof out);
}

enum { GN = 16 };

typedef struct {
    real x[GN], c[GN], y[GN];
    uint8_t mask[GN];
    real scale;
} dropout_case;

/* L = Σ c·dropout(x), the mask redrawn from the same seed on every call. */
static double dropout_loss(void *ctx)
{
    dropout_case *k = ctx;
    dlx_rng rng;
    rng_seed(&rng, 44, 7);
    dropout_forward_train(k->y, k->mask, k->x, GN, 0.5, k->scale, &rng);
    return weighted_sum(k->c, k->y, GN);
}

static void test_backward_with_fixed_mask(void **state)
{
    (void)state;
    dlx_rng rng;
    rng_seed(&rng, 45, 0);
    dropout_case k = {.scale = dropout_train_scale(0.5, DROPOUT_INVERTED)};
    fill_normal(k.x, GN, 0, 1, &rng);
    fill_uniform(k.c, GN, -1, 1, &rng);
    dropout_loss(&k);
    uint8_t first_mask[GN];
    memcpy(first_mask, k.mask, GN);
    dropout_loss(&k);
    assert_memory_equal(first_mask, k.mask, GN); /* same seed, same mask */
    int kept = 0;
    for (int i = 0; i < GN; i++)
        kept += k.mask[i];
    assert_true(kept > 0 && kept < GN); /* both branches are exercised */
    real d_in[GN];
    dropout_backward(d_in, k.c, k.mask, GN, k.scale);
    for (int i = 0; i < GN; i++)
        assert_true(d_in[i] == (k.mask[i] ? k.c[i] * REAL_C(2.0) : REAL_C(0.0)));
    /* L is linear in x: only float rounding, ~1e-7/(2h). */
    assert_gradcheck_below(gradcheck(dropout_loss, &k, k.x, d_in, GN, REAL_C(1e-2), 1e-3), 1e-3, "dx");
}

/* The mask is applied by selecting bits: a dropped unit is +0 exactly, even
   for an infinite or NaN input (no 0·inf = NaN, no −0), a kept one is
   in · scale bit for bit; the same for the backward pass and for
   DropConnect's in-place weight gradient. */
static void test_dropped_units_are_plus_zero(void **state)
{
    (void)state;
    enum { N = 37 }; /* more than one vector, and a tail */
    real in[N], out[N], d_in[N], dW[N];
    uint8_t mask[N];
    for (int i = 0; i < N; i++) {
        in[i] = i % 3 == 0 ? INFINITY : i % 3 == 1 ? NAN : -REAL_C(1.5) * (real)i;
        mask[i] = (uint8_t)(i % 2);
    }
    dropout_backward(out, in, mask, N, REAL_C(2.0));
    memcpy(dW, in, sizeof dW);
    dropconnect_backward(dW, mask, N, REAL_C(2.0));
    for (int i = 0; i < N; i++) {
        if (mask[i]) {
            real expected = in[i] * REAL_C(2.0);
            assert_memory_equal(&out[i], &expected, sizeof expected);
        } else {
            uint32_t bits;
            memcpy(&bits, &out[i], sizeof bits);
            assert_int_equal(bits, 0); /* +0.0f */
        }
    }
    assert_memory_equal(dW, out, sizeof dW);
    dlx_rng rng;
    rng_seed(&rng, 46, 0);
    dropout_forward_train(d_in, mask, in, N, 0.5, REAL_C(2.0), &rng);
    for (int i = 0; i < N; i++)
        if (!mask[i])
            assert_true(d_in[i] == REAL_C(0.0) && !signbit(d_in[i]));
}

/* Gaussian dropout's noise is scale·(p + √(p(1−p))·ε) with p = 1 − rate and
   ε the generator's next normal: with inverted scaling 1/p that is
   1 + √(rate/(1−rate))·ε, the Bernoulli mask's mean and variance. Replayed
   from a copy of the generator, by hand: rate 0.2 gives 1 + 0.5·ε
   (√(0.2/0.8) = 0.5), rate 0.5 gives 1 + ε; test_time scaling at rate 0.2
   gives 0.8 + 0.4·ε (√(0.8·0.2) = 0.4). The output is in·noise. */
static void test_gaussian_noise_values(void **state)
{
    (void)state;
    enum { N = 9 };
    const struct { double rate; real scale; double mean, sd; } cases[] = {
        {0.2, REAL_C(1.0) / REAL_C(0.8), 1.0, 0.5}, {0.5, REAL_C(2.0), 1.0, 1.0}, {0.2, REAL_C(1.0), 0.8, 0.4}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        dlx_rng rng, replay;
        rng_seed(&rng, 47, (uint64_t)c);
        replay = rng;
        real in[N], out[N], noise[N];
        for (int i = 0; i < N; i++)
            in[i] = REAL_C(0.5) * (real)(i - 4);
        dropout_gaussian_forward_train(out, noise, in, N, cases[c].rate, cases[c].scale, &rng);
        for (int i = 0; i < N; i++) {
            double expected = cases[c].mean + cases[c].sd * rng_normal(&replay);
            assert_true(fabs(noise[i] - expected) < 1e-6 * (1.0 + fabs(expected)));
            assert_true(fabs(out[i] - in[i] * noise[i]) <= REAL_C(1e-6) * rfabs(in[i] * noise[i]));
        }
        assert_memory_equal(&rng, &replay, sizeof rng); /* one normal per unit */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_uses_four_16_bit_lanes_per_draw),
        cmocka_unit_test(test_keep_rate),
        cmocka_unit_test(test_inverted_scaling_keeps_expectation),
        cmocka_unit_test(test_test_time_scaling),
        cmocka_unit_test(test_backward_with_fixed_mask),
        cmocka_unit_test(test_dropped_units_are_plus_zero),
        cmocka_unit_test(test_gaussian_noise_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
