/* Tests of grad_standardize.c and of model.batch_norm.backward: standardize:
   a hand-computed case of the per-unit standardization, and the MLP's
   backward pass with the option against the standard batch-norm backward
   applied, by hand, to the standardized gradient at batch norm's output.
   (The option changes the gradient, so finite differences do not apply to
   it; the default's gradient stays checked by test_network.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "models/mlp.h"
#include "nn/batchnorm.h"
#include "nn/grad_standardize.h"
#include "util/rng.h"

/* B = 4, two units. Unit 0: g = (0.1, 0.2, 0.3, 0.6), mean 0.3, centered
   (−0.2, −0.1, 0, 0.3), biased var 0.14/4 = 0.035, B²·var = 0.56; with
   eps = 0.44 the divisor is sqrt(1) = 1, so g' = (−0.2, −0.1, 0, 0.3).
   Unit 1: constant g = 0.5 → centered 0 → g' = 0. */
static void test_hand_computed_case(void **state)
{
    (void)state;
    real g[8] = {REAL_C(0.1), REAL_C(0.5), REAL_C(0.2), REAL_C(0.5), REAL_C(0.3), REAL_C(0.5), REAL_C(0.6), REAL_C(0.5)};
    const real want[8] = {-REAL_C(0.2), REAL_C(0.), -REAL_C(0.1), REAL_C(0.), REAL_C(0.), REAL_C(0.), REAL_C(0.3), REAL_C(0.)};
    grad_standardize(g, 4, 2, 0.44);
    for (int i = 0; i < 8; i++)
        if (rfabs(g[i] - want[i]) > REAL_C(1e-6))
            fail_msg("entry %d: got %.8f, want %.8f", i, g[i], want[i]);
}

/* With eps = 0 the per-example gradient B·g' has mean 0 and biased variance 1
   per unit. */
static void test_unit_variance(void **state)
{
    (void)state;
    enum { B = 7, N = 3 };
    real g[B * N];
    for (int i = 0; i < B * N; i++)
        g[i] = (real)sin(1.7 * i + 0.3) * (real)(1 + i % N) * REAL_C(0.01);
    grad_standardize(g, B, N, 0.0);
    for (int j = 0; j < N; j++) {
        double m = 0, v = 0;
        for (int i = 0; i < B; i++)
            m += B * g[i * N + j];
        m /= B;
        for (int i = 0; i < B; i++)
            v += (B * g[i * N + j] - m) * (B * g[i * N + j] - m);
        v /= B;
        if (fabs(m) > 1e-5 || fabs(v - 1.0) > 1e-4)
            fail_msg("unit %d: mean %.3g, variance %.6f", j, m, v);
    }
}

/* One hidden layer (batch norm, identity activation), softmax cross-entropy:
   by hand, z = x·W1ᵀ + b1, y = BN_train(z), logits = y·Woutᵀ + bout,
   d_logits = (softmax − onehot)/B, G = d_logits·Wout (the gradient at BN's
   output), then grad_standardize(G) and batchnorm_backward, dW1 = dzᵀ·x.
   The network with the option must give the same bn1 and fc1 gradients. */
static void test_network_backward_is_bn_backward_of_standardized_gradient(void **state)
{
    (void)state;
    enum { B = 5, NI = 3, W = 4, NO = 3 };
    dlx_model_config cfg = {.type = MODEL_MLP, .activation = ACT_IDENTITY, .batch_norm = true,
                            .bn_momentum = 0.1, .bn_eps = 1e-5, .init = INIT_NORMAL, .init_std = 0.7,
                            .dropout_scaling = DROPOUT_INVERTED, .bn_backward = BN_BACKWARD_STANDARDIZE,
                            .n_hidden = 1, .hidden = {W}};
    dlx_diags diags = {0};
    dlx_network *net = NULL;
    assert_int_equal(network_create(&net, &cfg, LOSS_CROSS_ENTROPY, NI, NO, B, &diags), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 11, 0);
    network_init(net, &rng);
    real *gamma = network_find_tensor(net, "bn1.weight")->data;
    real *beta = network_find_tensor(net, "bn1.bias")->data;
    for (int j = 0; j < W; j++)
        gamma[j] = REAL_C(0.5) + REAL_C(0.3) * j, beta[j] = REAL_C(0.1) * j - REAL_C(0.2);
    real x[B * NI];
    int labels[B] = {0, 2, 1, 1, 0};
    for (int i = 0; i < B * NI; i++)
        x[i] = (real)cos(0.9 * i + 0.4);
    network_forward_train(net, x, labels, NULL, B, &rng);
    network_backward(net);

    const real *W1 = network_find_tensor(net, "fc1.weight")->data;
    const real *b1 = network_find_tensor(net, "fc1.bias")->data;
    const real *Wo = network_find_tensor(net, "out.weight")->data;
    const real *bo = network_find_tensor(net, "out.bias")->data;
    real z[B * W], x_hat[B * W], y[B * W], mean[W], var[W], rstd[W], G[B * W];
    for (int i = 0; i < B; i++)
        for (int j = 0; j < W; j++) {
            double s = b1[j];
            for (int k = 0; k < NI; k++)
                s += (double)x[i * NI + k] * W1[j * NI + k];
            z[i * W + j] = (real)s;
        }
    batchnorm_forward_train(y, x_hat, mean, var, rstd, z, gamma, beta, B, W, cfg.bn_eps);
    for (int i = 0; i < B; i++) {
        double logit[NO], mx = -1e300, sum = 0;
        for (int o = 0; o < NO; o++) {
            logit[o] = bo[o];
            for (int j = 0; j < W; j++)
                logit[o] += (double)y[i * W + j] * Wo[o * W + j];
            mx = logit[o] > mx ? logit[o] : mx;
        }
        for (int o = 0; o < NO; o++)
            sum += exp(logit[o] - mx);
        double dl[NO];
        for (int o = 0; o < NO; o++)
            dl[o] = (exp(logit[o] - mx) / sum - (o == labels[i])) / B;
        for (int j = 0; j < W; j++) {
            double s = 0;
            for (int o = 0; o < NO; o++)
                s += dl[o] * Wo[o * W + j];
            G[i * W + j] = (real)s;
        }
    }
    grad_standardize(G, B, W, cfg.bn_eps);
    real dz[B * W], dgamma[W], dbeta[W];
    batchnorm_backward(dz, dgamma, dbeta, G, x_hat, gamma, rstd, B, W);

    const real *net_dgamma = network_find_tensor(net, "bn1.weight")->grad;
    const real *net_dbeta = network_find_tensor(net, "bn1.bias")->grad;
    const real *net_dW1 = network_find_tensor(net, "fc1.weight")->grad;
    for (int j = 0; j < W; j++) {
        if (rfabs(net_dgamma[j] - dgamma[j]) > REAL_C(1e-4) * (1 + rfabs(dgamma[j])))
            fail_msg("bn1.weight grad %d: network %.7g, by hand %.7g", j, net_dgamma[j], dgamma[j]);
        /* centering makes Σ_i g'_i = 0, so beta's gradient vanishes */
        if (rfabs(net_dbeta[j]) > REAL_C(1e-5) || rfabs(dbeta[j]) > REAL_C(1e-5))
            fail_msg("bn1.bias grad %d: network %.7g, by hand %.7g, want 0", j, net_dbeta[j], dbeta[j]);
        for (int k = 0; k < NI; k++) {
            double s = 0;
            for (int i = 0; i < B; i++)
                s += (double)dz[i * W + j] * x[i * NI + k];
            if (fabs(net_dW1[j * NI + k] - s) > 1e-4 * (1 + fabs(s)))
                fail_msg("fc1.weight grad [%d,%d]: network %.7g, by hand %.7g", j, k,
                         net_dW1[j * NI + k], s);
        }
    }
    network_free(net);
    diags_free(&diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed_case),
        cmocka_unit_test(test_unit_variance),
        cmocka_unit_test(test_network_backward_is_bn_backward_of_standardized_gradient),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
