/* Tests of init.c and network_init: empirical moments and limits of each
   scheme, which biases are drawn, and the batch-norm starting values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nn/init.h"
#include "models/mlp.h"
#include "nn_testing.h"

enum { FAN_IN = 300, FAN_OUT = 200, NW = FAN_IN * FAN_OUT };

typedef struct {
    double mean, std, min, max;
} moments;

static moments measure(const real *v, size_t n)
{
    moments m = {0, 0, v[0], v[0]};
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        s += v[i];
        s2 += (double)v[i] * v[i];
        m.min = fmin(m.min, v[i]);
        m.max = fmax(m.max, v[i]);
    }
    m.mean = s / n;
    m.std = sqrt(s2 / n - m.mean * m.mean);
    return m;
}

static bool all_zero(const real *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] != REAL_C(0.0))
            return false;
    return true;
}

/* Initialize a FAN_OUT x FAN_IN layer by cfg; W and b are caller buffers. */
static void init_layer(real *W, real *b, dlx_init_scheme scheme, double std, double limit)
{
    dlx_model_config cfg = {.init = scheme, .init_std = std, .init_limit = limit};
    dlx_rng rng;
    rng_seed(&rng, 61, (uint64_t)scheme);
    for (int i = 0; i < FAN_OUT; i++)
        b[i] = REAL_C(123.0); /* must be overwritten */
    init_dense(W, b, FAN_IN, FAN_OUT, &cfg, &rng);
}

/* The sample std of n = 60000 draws has standard error ≈ σ/sqrt(2n) = σ·2.9e-3;
   means have σ/sqrt(n) = σ·4.1e-3. Checks allow about 4 standard errors. */
static void test_normal_and_he(void **state)
{
    (void)state;
    static real W[NW], b[FAN_OUT];
    init_layer(W, b, INIT_NORMAL, 0.5, 0);
    moments m = measure(W, NW);
    assert_true(fabs(m.mean) < 0.5 * 0.017);
    assert_true(fabs(m.std - 0.5) < 0.5 * 0.012);
    assert_true(all_zero(b, FAN_OUT));

    /* He et al. (2015): std = sqrt(2/fan_in) = sqrt(2/300) = 0.0816497 */
    init_layer(W, b, INIT_HE, 0, 0);
    m = measure(W, NW);
    assert_true(fabs(init_he_std(FAN_IN) - 0.0816497) < 1e-7);
    assert_true(fabs(m.std - 0.0816497) < 0.0816497 * 0.012);
    assert_true(all_zero(b, FAN_OUT));
}

static void test_uniform_xavier_and_pytorch_default(void **state)
{
    (void)state;
    static real W[NW], b[FAN_OUT];
    /* U(−a, a) has std a/sqrt(3); its extremes come within a·1e-3 of ±a in 60000 draws. */
    init_layer(W, b, INIT_UNIFORM, 0, 0.3);
    moments m = measure(W, NW);
    assert_true(m.min >= -0.3 && m.max <= 0.3 && m.min < -0.2997 && m.max > 0.2997);
    assert_true(fabs(m.std - 0.3 / sqrt(3.0)) < 0.3 / sqrt(3.0) * 0.012);
    assert_true(all_zero(b, FAN_OUT));

    /* Glorot & Bengio (2010): a = sqrt(6/(300 + 200)) = 0.1095445 */
    init_layer(W, b, INIT_XAVIER, 0, 0);
    double a = 0.1095445;
    assert_true(fabs(init_xavier_limit(FAN_IN, FAN_OUT) - a) < 1e-7);
    m = measure(W, NW);
    assert_true(m.min >= -a && m.max <= a && m.min < -0.999 * a && m.max > 0.999 * a);
    assert_true(fabs(m.std - a / sqrt(3.0)) < a / sqrt(3.0) * 0.012);
    assert_true(all_zero(b, FAN_OUT));

    /* limit 0: PyTorch's nn.Linear, weights and biases U(±1/sqrt(300)) = ±0.0577350 */
    init_layer(W, b, INIT_UNIFORM, 0, 0);
    a = 0.0577350;
    m = measure(W, NW);
    assert_true(m.min >= -a && m.max <= a && m.min < -0.999 * a && m.max > 0.999 * a);
    moments mb = measure(b, FAN_OUT);
    assert_true(mb.min >= -a && mb.max <= a);
    assert_true(mb.std > 0.6 * a / sqrt(3.0)); /* 200 draws: not zeros, spread like U */
}

static void test_network_init_and_batchnorm(void **state)
{
    (void)state;
    dlx_model_config cfg = {.type = MODEL_MLP, .n_hidden = 2, .hidden = {7, 5},
                            .activation = ACT_RELU, .batch_norm = true, .bn_momentum = 0.1,
                            .bn_eps = 1e-5, .init = INIT_XAVIER};
    dlx_diags diags = {0};
    dlx_network *a = NULL, *b = NULL;
    assert_int_equal(network_create(&a, &cfg, LOSS_CROSS_ENTROPY, 4, 3, 8, &diags), DLX_OK);
    assert_int_equal(network_create(&b, &cfg, LOSS_CROSS_ENTROPY, 4, 3, 8, &diags), DLX_OK);
    dlx_rng ra, rb;
    rng_seed(&ra, 5, 1);
    rng_seed(&rb, 5, 1);
    network_init(a, &ra);
    network_init(b, &rb);
    /* Same seed, same parameters. */
    assert_memory_equal(network_params(a), network_params(b), network_n_params(a) * sizeof(real));
    for (int l = 1; l <= 2; l++) {
        char name[32];
        int w = l == 1 ? 7 : 5;
        const real expect[4] = {1, 0, 0, 1};
        const char *suffix[4] = {"weight", "bias", "running_mean", "running_var"};
        for (int s = 0; s < 4; s++) {
            snprintf(name, sizeof name, "bn%d.%s", l, suffix[s]);
            dlx_tensor *t = network_find_tensor(a, name);
            assert_non_null(t);
            for (int j = 0; j < w; j++)
                assert_true(t->data[j] == expect[s]);
        }
        snprintf(name, sizeof name, "fc%d.bias", l);
        assert_true(all_zero(network_find_tensor(a, name)->data, (size_t)w));
        snprintf(name, sizeof name, "fc%d.weight", l);
        dlx_tensor *W = network_find_tensor(a, name);
        int fan_in = l == 1 ? 4 : 7;
        moments m = measure(W->data, tensor_numel(W));
        assert_true(m.max <= init_xavier_limit(fan_in, w) && m.min >= -init_xavier_limit(fan_in, w));
        assert_true(m.std > 0.0);
    }
    network_free(a);
    network_free(b);
    diags_free(&diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_and_he),
        cmocka_unit_test(test_uniform_xavier_and_pytorch_default),
        cmocka_unit_test(test_network_init_and_batchnorm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
