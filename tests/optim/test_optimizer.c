/*
 * Tests of optimizer.c: the first three updates of each rule on a small
 * vector, against values worked out by hand from the formulas of
 * torch.optim (arithmetic in the comments, in exact decimals; the float32
 * results agree to a few 1e-8), plus state naming, step counting and
 * hyperparameter checks.
 *
 * Common data: θ0 = [1, -2, 0.5] and the gradients
 *     g1 = [0.5, -1, 2],  g2 = [0.25, 0.5, -1],  g3 = [-0.5, 1, 0].
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "optim/optimizer.h"

#define TOLERANCE 2e-7

/* |actual − expected| <= tol, compared in double, reported with the values. */
#define assert_close(actual, expected, tol)                                                 \
    do {                                                                                    \
        double actual_ = (actual), expected_ = (expected);                                 \
        if (!(fabs(actual_ - expected_) <= (tol)))                                          \
            fail_msg("%s = %.9g, expected %.9g +- %g", #actual, actual_, expected_, (double)(tol)); \
    } while (0)

static const float THETA0[3] = {1.0f, -2.0f, 0.5f};
static const float GRADS[3][3] = {{0.5f, -1.0f, 2.0f}, {0.25f, 0.5f, -1.0f}, {-0.5f, 1.0f, 0.0f}};

/* The configuration the spec layer fills for `type`, with PyTorch defaults. */
static dlx_optimizer_config config_for(dlx_optimizer_type type, double lr)
{
    return (dlx_optimizer_config){
        .type = type,
        .lr = lr,
        .momentum = 0.9,
        .beta1 = 0.9,
        .beta2 = 0.999,
        .alpha = 0.99,
        .eps = type == OPT_ADAGRAD ? 1e-10 : 1e-8,
    };
}

/* Run three steps from THETA0 and compare each iterate with expected[step]. */
static void check_three_steps(dlx_optimizer_type type, double lr, const double expected[3][3])
{
    dlx_optimizer_config cfg = config_for(type, lr);
    dlx_optimizer *opt = NULL;
    dlx_diags d = {0};
    assert_int_equal(optimizer_create(&opt, &cfg, 3, &d), DLX_OK);
    assert_int_equal(d.count, 0);
    float theta[3];
    memcpy(theta, THETA0, sizeof theta);
    for (int step = 0; step < 3; step++) {
        optimizer_step(opt, theta, GRADS[step], lr);
        for (int i = 0; i < 3; i++)
            assert_close(theta[i], expected[step][i], TOLERANCE);
    }
    assert_int_equal(optimizer_steps(opt), 3);
    optimizer_free(opt);
}

/* θ ← θ − 0.1·g:
   θ1 = [1 − 0.05, −2 + 0.1, 0.5 − 0.2]      = [0.95, −1.9, 0.3]
   θ2 = [0.95 − 0.025, −1.9 − 0.05, 0.3 + 0.1] = [0.925, −1.95, 0.4]
   θ3 = [0.925 + 0.05, −1.95 − 0.1, 0.4 − 0]   = [0.975, −2.05, 0.4] */
static void test_sgd(void **state)
{
    (void)state;
    const double expected[3][3] = {{0.95, -1.9, 0.3}, {0.925, -1.95, 0.4}, {0.975, -2.05, 0.4}};
    check_three_steps(OPT_SGD, 0.1, expected);
}

/* μ = 0.9, b ← μ·b + g (b1 = g1), θ ← θ − 0.1·b:
   b1 = [0.5, −1, 2]                                  θ1 = [0.95, −1.9, 0.3]
   b2 = [0.45 + 0.25, −0.9 + 0.5, 1.8 − 1] = [0.7, −0.4, 0.8]
                                                      θ2 = [0.88, −1.86, 0.22]
   b3 = [0.63 − 0.5, −0.36 + 1, 0.72 + 0] = [0.13, 0.64, 0.72]
                                                      θ3 = [0.867, −1.924, 0.148] */
static void test_momentum(void **state)
{
    (void)state;
    const double expected[3][3] = {{0.95, -1.9, 0.3}, {0.88, -1.86, 0.22}, {0.867, -1.924, 0.148}};
    check_three_steps(OPT_MOMENTUM, 0.1, expected);
}

/* Nesterov: same b as above, θ ← θ − 0.1·(g + 0.9·b):
   d1 = g1 + 0.9·g1 = [0.95, −1.9, 3.8]               θ1 = [0.905, −1.81, 0.12]
   d2 = [0.25 + 0.63, 0.5 − 0.36, −1 + 0.72] = [0.88, 0.14, −0.28]
                                                      θ2 = [0.817, −1.824, 0.148]
   d3 = [−0.5 + 0.117, 1 + 0.576, 0 + 0.648] = [−0.383, 1.576, 0.648]
                                                      θ3 = [0.8553, −1.9816, 0.0832] */
static void test_nesterov(void **state)
{
    (void)state;
    const double expected[3][3] = {{0.905, -1.81, 0.12}, {0.817, -1.824, 0.148}, {0.8553, -1.9816, 0.0832}};
    check_three_steps(OPT_NESTEROV, 0.1, expected);
}

/* Adagrad, lr 0.1, ε 1e-10: s ← s + g², θ ← θ − 0.1·g/(√s + ε)
   s1 = [0.25, 1, 4]: g/√s = [1, −1, 1]               θ1 = [0.9, −1.9, 0.4]
   s2 = [0.3125, 1.25, 5]: g/√s = [0.25/0.5590170, 0.5/1.1180340, −1/2.2360680]
      = [0.4472136, 0.4472136, −0.4472136]            θ2 = [0.85527864, −1.94472136, 0.44472136]
   s3 = [0.5625, 2.25, 5]: g/√s = [−0.5/0.75, 1/1.5, 0] = [−2/3, 2/3, 0]
                                                      θ3 = [0.92194531, −2.01138803, 0.44472136] */
static void test_adagrad(void **state)
{
    (void)state;
    const double expected[3][3] = {
        {0.9, -1.9, 0.4}, {0.85527864, -1.94472136, 0.44472136}, {0.92194531, -2.01138803, 0.44472136}};
    check_three_steps(OPT_ADAGRAD, 0.1, expected);
}

/* RMSprop, lr 0.01, α 0.99, ε 1e-8: v ← 0.99·v + 0.01·g², θ ← θ − 0.01·g/(√v + ε)
   v1 = [0.0025, 0.01, 0.04], √v1 = [0.05, 0.1, 0.2], g/(√v+ε) = [10, −10, 10]·(1 − 2e-7 .. 5e-8)
                                                      θ1 = [0.9, −1.9, 0.4]
   v2 = [0.002475 + 0.000625, 0.0099 + 0.0025, 0.0396 + 0.01] = [0.0031, 0.0124, 0.0496]
      √v2 = [0.05567764, 0.11135529, 0.22271057], g/√v = ±4.4901326
                                                      θ2 = [0.85509870, −1.94490133, 0.44490133]
   v3 = [0.003069 + 0.0025, 0.012276 + 0.01, 0.049104] = [0.005569, 0.022276, 0.049104]
      √v3 = [0.07462573, 0.14925146, 0.22159422], g/√v = [−6.7000533, 6.7000533, 0]
                                                      θ3 = [0.92209971, −2.01190234, 0.44490133] */
static void test_rmsprop(void **state)
{
    (void)state;
    const double expected[3][3] = {{0.90000002, -1.90000001, 0.4},
                                   {0.85509870, -1.94490133, 0.44490133},
                                   {0.92209971, -2.01190234, 0.44490133}};
    check_three_steps(OPT_RMSPROP, 0.01, expected);
}

/* Adam, lr 0.1, β = (0.9, 0.999), ε 1e-8:
   m ← 0.9·m + 0.1·g, v ← 0.999·v + 0.001·g², θ ← θ − 0.1·(m/(1−0.9^t)) / (√(v/(1−0.999^t)) + ε)
   t=1: m = [0.05, −0.1, 0.2], v = [0.00025, 0.001, 0.004]; m̂ = g1, v̂ = g1²,
        update = 0.1·sign(g1)                         θ1 = [0.9, −1.9, 0.4]
   t=2: m = [0.07, −0.04, 0.08], v = [0.00031225, 0.001249, 0.004996],
        1−0.9² = 0.19, 1−0.999² = 0.001999,
        m̂ = [0.36842105, −0.21052632, 0.42105263], v̂ = [0.15620310, 0.62481241, 2.49924962],
        update = [0.09321796, −0.02663370, 0.02663370] θ2 = [0.80678204, −1.87336630, 0.37336630]
   t=3: m = [0.013, 0.064, 0.072], v = [0.00056193775, 0.002247751, 0.004991004],
        1−0.9³ = 0.271, 1−0.999³ = 0.002997001,
        m̂ = [0.04797048, 0.23616236, 0.26568266], v̂ = [0.18750002, 0.75000008, 1.66533278],
        update = [0.01107831, 0.02726968, 0.02058793] θ3 = [0.79570373, −1.90063598, 0.35277837] */
static void test_adam(void **state)
{
    (void)state;
    const double expected[3][3] = {{0.9, -1.9, 0.4},
                                   {0.80678204, -1.87336630, 0.37336630},
                                   {0.79570373, -1.90063598, 0.35277837}};
    check_three_steps(OPT_ADAM, 0.1, expected);
}

/* Each rule exposes PyTorch's state-dict names, zero-filled at start. */
static void test_state_names(void **state)
{
    (void)state;
    struct {
        dlx_optimizer_type type;
        int n;
        const char *names[2];
    } cases[] = {
        {OPT_SGD, 0, {NULL, NULL}},
        {OPT_MOMENTUM, 1, {"momentum_buffer", NULL}},
        {OPT_NESTEROV, 1, {"momentum_buffer", NULL}},
        {OPT_ADAGRAD, 1, {"sum", NULL}},
        {OPT_RMSPROP, 1, {"square_avg", NULL}},
        {OPT_ADAM, 2, {"exp_avg", "exp_avg_sq"}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        dlx_optimizer_config cfg = config_for(cases[c].type, 0.1);
        dlx_optimizer *opt = NULL;
        dlx_diags d = {0};
        assert_int_equal(optimizer_create(&opt, &cfg, 5, &d), DLX_OK);
        assert_int_equal(optimizer_n_state(opt), cases[c].n);
        for (int k = 0; k < cases[c].n; k++) {
            const char *name = NULL;
            float *buffer = optimizer_state(opt, k, &name);
            assert_non_null(buffer);
            assert_string_equal(name, cases[c].names[k]);
            for (int i = 0; i < 5; i++)
                assert_true(buffer[i] == 0.0f);
        }
        const char *name = "unchanged";
        assert_null(optimizer_state(opt, cases[c].n, &name));
        assert_null(name);
        assert_null(optimizer_state(opt, -1, NULL));
        optimizer_free(opt);
    }
}

/* The Adam state after one step holds m = 0.1·g and v = 0.001·g². */
static void test_adam_state_values(void **state)
{
    (void)state;
    dlx_optimizer_config cfg = config_for(OPT_ADAM, 0.1);
    dlx_optimizer *opt = NULL;
    dlx_diags d = {0};
    assert_int_equal(optimizer_create(&opt, &cfg, 3, &d), DLX_OK);
    float theta[3];
    memcpy(theta, THETA0, sizeof theta);
    optimizer_step(opt, theta, GRADS[0], 0.1);
    float *m = optimizer_state(opt, 0, NULL), *v = optimizer_state(opt, 1, NULL);
    const double m_expected[3] = {0.05, -0.1, 0.2}, v_expected[3] = {0.00025, 0.001, 0.004};
    for (int i = 0; i < 3; i++) {
        assert_close(m[i], m_expected[i], 1e-8);
        assert_close(v[i], v_expected[i], 2e-9);
    }
    optimizer_free(opt);
}

/* Restoring the step count and the state (as a checkpoint does) continues the
   trajectory exactly: two steps, copy out, a fresh optimizer with the copied
   state and set_steps(2) gives the same third step, bit for bit. */
static void test_steps_restore(void **state)
{
    (void)state;
    dlx_optimizer_config cfg = config_for(OPT_ADAM, 0.1);
    dlx_optimizer *a = NULL, *b = NULL;
    dlx_diags d = {0};
    assert_int_equal(optimizer_create(&a, &cfg, 3, &d), DLX_OK);
    assert_int_equal(optimizer_create(&b, &cfg, 3, &d), DLX_OK);
    float theta_a[3], theta_b[3];
    memcpy(theta_a, THETA0, sizeof theta_a);
    optimizer_step(a, theta_a, GRADS[0], 0.1);
    optimizer_step(a, theta_a, GRADS[1], 0.1);
    assert_int_equal(optimizer_steps(a), 2);

    memcpy(theta_b, theta_a, sizeof theta_b);
    for (int k = 0; k < 2; k++)
        memcpy(optimizer_state(b, k, NULL), optimizer_state(a, k, NULL), 3 * sizeof(float));
    optimizer_set_steps(b, 2);
    assert_int_equal(optimizer_steps(b), 2);
    optimizer_step(a, theta_a, GRADS[2], 0.1);
    optimizer_step(b, theta_b, GRADS[2], 0.1);
    assert_memory_equal(theta_a, theta_b, sizeof theta_a);
    assert_int_equal(optimizer_steps(b), 3);

    /* Without the restored step count, bias correction differs (t = 1). */
    dlx_optimizer *c = NULL;
    assert_int_equal(optimizer_create(&c, &cfg, 3, &d), DLX_OK);
    float theta_c[3];
    memcpy(theta_c, theta_b, sizeof theta_c);
    for (int k = 0; k < 2; k++)
        memcpy(optimizer_state(c, k, NULL), optimizer_state(b, k, NULL), 3 * sizeof(float));
    float theta_d[3];
    memcpy(theta_d, theta_b, sizeof theta_d);
    optimizer_step(b, theta_d, GRADS[0], 0.1);
    optimizer_step(c, theta_c, GRADS[0], 0.1);
    assert_true(fabsf(theta_c[0] - theta_d[0]) > 1e-4f);
    optimizer_free(a);
    optimizer_free(b);
    optimizer_free(c);
}

/* The learning rate is taken per step (schedules change it). */
static void test_lr_per_step(void **state)
{
    (void)state;
    dlx_optimizer_config cfg = config_for(OPT_SGD, 0.1);
    dlx_optimizer *opt = NULL;
    dlx_diags d = {0};
    assert_int_equal(optimizer_create(&opt, &cfg, 3, &d), DLX_OK);
    float theta[3];
    memcpy(theta, THETA0, sizeof theta);
    optimizer_step(opt, theta, GRADS[0], 1.0); /* θ − g1 = [0.5, −1, −1.5] */
    assert_close(theta[0], 0.5, 1e-7);
    assert_close(theta[1], -1.0, 1e-7);
    assert_close(theta[2], -1.5, 1e-7);
    optimizer_free(opt);
}

/* Nesterov with momentum: accelerated, β_t = (t−1)/(t+2) (β_0 = β_1 = 0,
   β_2 = 1/4, β_3 = 2/5, β_4 = 1/2): step t keeps b_t = β_{t−1}·b_{t−1} + g and
   moves by lr·(g + β_t·b_t), the look-ahead one step ahead of the buffer.
   One parameter from 0, gradient 1 at every step, lr 1, by hand:
     t1: b = 1,                d = 1 + 0·1 = 1          θ = −1
     t2: b = 0·1 + 1 = 1,      d = 1 + 1/4·1 = 1.25     θ = −2.25
     t3: b = 1/4·1 + 1 = 1.25, d = 1 + 2/5·1.25 = 1.5   θ = −3.75
     t4: b = 2/5·1.25 + 1 = 1.5, d = 1 + 1/2·1.5 = 1.75 θ = −5.5
   A look-ahead using β_{t−1} would give θ2 = −2; β_t = t/(t+3) θ1 = −1.25. */
static void test_nesterov_accelerated(void **state)
{
    (void)state;
    dlx_optimizer_config cfg = {.type = OPT_NESTEROV, .lr = 1.0, .momentum_rule = MOMENTUM_ACCELERATED};
    dlx_optimizer *opt = NULL;
    dlx_diags d = {0};
    assert_int_equal(optimizer_create(&opt, &cfg, 1, &d), DLX_OK);
    const double expected[4] = {-1.0, -2.25, -3.75, -5.5}, buffer[4] = {1.0, 1.0, 1.25, 1.5};
    float theta = 0.0f, grad = 1.0f;
    for (int t = 0; t < 4; t++) {
        optimizer_step(opt, &theta, &grad, 1.0);
        assert_close(theta, expected[t], 1e-6);
        assert_close(optimizer_state(opt, 0, NULL)[0], buffer[t], 1e-6);
    }
    optimizer_free(opt);
}

/* Out-of-range hyperparameters are refused with a message, nothing allocated. */
static void test_bad_hyperparameters(void **state)
{
    (void)state;
    struct {
        dlx_optimizer_config cfg;
        const char *message;
    } cases[] = {
        {{.type = OPT_NESTEROV, .momentum = 0.0}, "optimizer.momentum must be > 0 for nesterov, got 0"},
        {{.type = OPT_MOMENTUM, .momentum = -0.5}, "optimizer.momentum must be >= 0, got -0.5"},
        {{.type = OPT_ADAM, .beta1 = 1.0, .beta2 = 0.999, .eps = 1e-8}, "optimizer.beta1 must be in [0, 1), got 1"},
        {{.type = OPT_ADAM, .beta1 = 0.9, .beta2 = -0.1, .eps = 1e-8}, "optimizer.beta2 must be in [0, 1), got -0.1"},
        {{.type = OPT_RMSPROP, .alpha = -1, .eps = 1e-8}, "optimizer.alpha must be >= 0, got -1"},
        {{.type = OPT_ADAGRAD, .eps = -1e-10}, "optimizer.eps must be >= 0, got -1e-10"},
        {{.type = OPT_ADAM, .beta1 = 0.9, .beta2 = 0.999, .eps = NAN}, "optimizer.eps must be >= 0, got nan"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        dlx_optimizer *opt = (dlx_optimizer *)&cases[c]; /* must be reset to NULL */
        dlx_diags d = {0};
        assert_int_equal(optimizer_create(&opt, &cases[c].cfg, 4, &d), DLX_ERR_INPUT);
        assert_null(opt);
        assert_int_equal(d.count, 1);
        assert_string_equal(d.items[0].message, cases[c].message);
        diags_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgd),
        cmocka_unit_test(test_momentum),
        cmocka_unit_test(test_nesterov),
        cmocka_unit_test(test_nesterov_accelerated),
        cmocka_unit_test(test_adagrad),
        cmocka_unit_test(test_rmsprop),
        cmocka_unit_test(test_adam),
        cmocka_unit_test(test_state_names),
        cmocka_unit_test(test_adam_state_values),
        cmocka_unit_test(test_steps_restore),
        cmocka_unit_test(test_lr_per_step),
        cmocka_unit_test(test_bad_hyperparameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
