/* Tests of dense.c: the forward product against a direct triple loop, and
   dW, db, d_in against central differences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "nn/dense.h"
#include "nn_testing.h"

enum { B = 3, N_IN = 5, N_OUT = 4 };

static void test_forward_matches_definition(void **state)
{
    (void)state;
    dlx_rng rng;
    rng_seed(&rng, 11, 0);
    real in[B * N_IN], W[N_OUT * N_IN], b[N_OUT], out[B * N_OUT], out_nobias[B * N_OUT];
    fill_normal(in, B * N_IN, 0, 1, &rng);
    fill_normal(W, N_OUT * N_IN, 0, 1, &rng);
    fill_normal(b, N_OUT, 0, 1, &rng);
    dense_forward(out, in, W, b, B, N_IN, N_OUT);
    dense_forward(out_nobias, in, W, NULL, B, N_IN, N_OUT);
    for (int r = 0; r < B; r++)
        for (int o = 0; o < N_OUT; o++) {
            double s = 0.0; /* out[r, o] = Σ_i in[r, i]·W[o, i] (+ b[o]) */
            for (int i = 0; i < N_IN; i++)
                s += (double)in[r * N_IN + i] * W[o * N_IN + i];
            assert_true(fabs(out_nobias[r * N_OUT + o] - s) < 1e-5);
            assert_true(fabs(out[r * N_OUT + o] - (s + b[o])) < 1e-5);
        }
}

/* L = ½ Σ c·out², so dL/d(out) = c·out. */
typedef struct {
    real in[B * N_IN], W[N_OUT * N_IN], b[N_OUT], c[B * N_OUT], out[B * N_OUT];
} dense_case;

static double dense_loss(void *ctx)
{
    dense_case *k = ctx;
    dense_forward(k->out, k->in, k->W, k->b, B, N_IN, N_OUT);
    double s = 0.0;
    for (int i = 0; i < B * N_OUT; i++)
        s += 0.5 * k->c[i] * (double)k->out[i] * k->out[i];
    return s;
}

static void test_backward_matches_finite_differences(void **state)
{
    (void)state;
    dlx_rng rng;
    rng_seed(&rng, 12, 0);
    dense_case k;
    fill_normal(k.in, B * N_IN, 0, 1, &rng);
    fill_normal(k.W, N_OUT * N_IN, 0, 0.7, &rng);
    fill_normal(k.b, N_OUT, 0, 0.5, &rng);
    fill_uniform(k.c, B * N_OUT, 0.5, 1.5, &rng);

    real d_out[B * N_OUT], dW[N_OUT * N_IN], db[N_OUT], d_in[B * N_IN];
    dense_loss(&k);
    for (int i = 0; i < B * N_OUT; i++)
        d_out[i] = k.c[i] * k.out[i];
    memset(dW, 0x7f, sizeof dW); /* garbage: backward overwrites, never accumulates */
    dense_backward(d_in, dW, db, d_out, k.in, k.W, B, N_IN, N_OUT);

    /* L is quadratic in each variable, so the central difference has no
       truncation error; what remains is float rounding of out (~1e-7
       relative) divided by 2h = 2e-2: ~1e-5 on gradients of order 1. */
    assert_gradcheck_below(gradcheck(dense_loss, &k, k.W, dW, N_OUT * N_IN, GRADCHECK_STEP(REAL_C(1e-2)), 1e-2), GRADCHECK_TOL(1e-3), "dW");
    assert_gradcheck_below(gradcheck(dense_loss, &k, k.b, db, N_OUT, GRADCHECK_STEP(REAL_C(1e-2)), 1e-2), GRADCHECK_TOL(1e-3), "db");
    assert_gradcheck_below(gradcheck(dense_loss, &k, k.in, d_in, B * N_IN, GRADCHECK_STEP(REAL_C(1e-2)), 1e-2), GRADCHECK_TOL(1e-3), "d_in");

    /* Without d_in (first layer) the parameter gradients are the same. */
    real dW2[N_OUT * N_IN], db2[N_OUT];
    dense_backward(NULL, dW2, db2, d_out, k.in, k.W, B, N_IN, N_OUT);
    assert_memory_equal(dW, dW2, sizeof dW);
    assert_memory_equal(db, db2, sizeof db);
}

static void test_bias_gradient_sums_many_rows(void **state)
{
    (void)state;
    /* 100000 rows of 0.1 plus 1 row of 1e-3: float accumulation would drift by
       ~1e-3 relative; the double column sums stay at the exact 10000.001. */
    enum { ROWS = 100001, COLS = 70 };
    static real d_out[ROWS * COLS], in[ROWS * 1];
    for (int r = 0; r < ROWS; r++) {
        in[r] = REAL_C(0.0);
        for (int o = 0; o < COLS; o++)
            d_out[r * COLS + o] = r == ROWS - 1 ? REAL_C(1e-3) : REAL_C(0.1);
    }
    real W[COLS], dW[COLS], db[COLS];
    memset(W, 0, sizeof W);
    dense_backward(NULL, dW, db, d_out, in, W, ROWS, 1, COLS);
    for (int o = 0; o < COLS; o++) {
        assert_true(fabs(db[o] - (100000.0 * REAL_C(0.1) + REAL_C(1e-3))) < 2e-3);
        assert_true(dW[o] == REAL_C(0.0));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_matches_definition),
        cmocka_unit_test(test_backward_matches_finite_differences),
        cmocka_unit_test(test_bias_gradient_sums_many_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
