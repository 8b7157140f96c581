/*
 * network_probe_layer_inputs returns what each layer's matrix product reads.
 *
 * A 3 → 4 → 5 → 2 ReLU mlp, without batch norm, with it before and with it
 * after the nonlinearity, every bias, γ, β and running statistic drawn at
 * random (so batch norm is not the identity of a fresh network). For B = 7
 * random inputs, inference mode, checked in double against the probes:
 *   - the logits (network_forward_logits) are out.W · h₂ + out.b with h₂ the
 *     probed input of out, to 1e-5;
 *   - fc2's input to its nonlinearity (network_probe_preactivations) is
 *     fc2.W · h₁ + fc2.b without batch norm and with it after, and
 *     BN(fc2.W · h₁ + fc2.b) with it before (running statistics, eps 1e-5),
 *     h₁ the probed input of fc2, to 1e-5;
 *   - h₁ itself is relu(u₁), u₁ fc1's probed input to its nonlinearity, and
 *     BN(relu(u₁)) with batch norm after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/mlp.h"
#include "util/rng.h"

enum { B = 7, N_IN = 3, W1 = 4, W2 = 5, N_OUT = 2 };

static dlx_tensor *tensor(dlx_network *net, const char *name)
{
    dlx_tensor *t = network_tensors(net);
    for (int i = 0; i < network_n_tensors(net); i++)
        if (!strcmp(t[i].name, name))
            return &t[i];
    fail_msg("no tensor %s", name);
    return NULL;
}

/* y[b, o] = Σ_i W[o, i]·x[b, i] + bias[o] in double. */
static void affine(double *y, const float *x, const dlx_tensor *W, const dlx_tensor *bias, int n_in, int n_out)
{
    for (int b = 0; b < B; b++)
        for (int o = 0; o < n_out; o++) {
            double s = bias->data[o];
            for (int i = 0; i < n_in; i++)
                s += (double)W->data[o * n_in + i] * x[b * n_in + i];
            y[b * n_out + o] = s;
        }
}

static void check_position(bool batch_norm, dlx_bn_position position)
{
    dlx_model_config cfg = {.type = MODEL_MLP, .activation = ACT_RELU, .batch_norm = batch_norm,
                            .bn_position = position, .bn_momentum = 0.1, .bn_eps = 1e-5,
                            .init = INIT_NORMAL, .init_std = 0.7, .dropout_scaling = DROPOUT_INVERTED,
                            .n_hidden = 2, .hidden = {W1, W2}};
    dlx_diags diags = {0};
    dlx_network *net = NULL;
    assert_int_equal(network_create(&net, &cfg, LOSS_CROSS_ENTROPY, N_IN, N_OUT, B, &diags), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 7, 0);
    network_init(net, &rng);
    dlx_tensor *all = network_tensors(net);
    for (int i = 0; i < network_n_tensors(net); i++) {   /* biases, γ, β, running statistics at random */
        dlx_tensor *t = &all[i];
        if (t->is_weight)
            continue;
        int n = t->ndim == 1 ? t->shape[0] : t->shape[0] * t->shape[1];
        bool var = strstr(t->name, "running_var") != NULL;
        for (int j = 0; j < n; j++)
            t->data[j] = var ? (float)(0.2 + rng_uniform(&rng)) : (float)(0.5 * rng_normal(&rng));
    }
    float x[B * N_IN], h1[B * W1], h2[B * W2], pre1[B * W1], pre2[B * W2], logits[B * N_OUT];
    for (int i = 0; i < B * N_IN; i++)
        x[i] = (float)rng_normal(&rng);
    float *inputs[2] = {h1, h2}, *pre[2] = {pre1, pre2};
    network_probe_layer_inputs(net, x, B, inputs);
    network_probe_preactivations(net, x, B, pre);
    network_forward_logits(net, x, B, NULL, logits);

    double y[B * W2];
    affine(y, h2, tensor(net, "out.weight"), tensor(net, "out.bias"), W2, N_OUT);
    for (int i = 0; i < B * N_OUT; i++)
        assert_true(fabs(y[i] - logits[i]) < 1e-5 * (1 + fabs(y[i])));
    affine(y, h1, tensor(net, "fc2.weight"), tensor(net, "fc2.bias"), W1, W2);
    bool bn_before = batch_norm && position == BN_BEFORE;
    const float *gamma = bn_before ? tensor(net, "bn2.weight")->data : NULL;
    const float *beta = bn_before ? tensor(net, "bn2.bias")->data : NULL;
    const float *mean = bn_before ? tensor(net, "bn2.running_mean")->data : NULL;
    const float *var = bn_before ? tensor(net, "bn2.running_var")->data : NULL;
    for (int b = 0; b < B; b++)
        for (int j = 0; j < W2; j++) {
            double u = y[b * W2 + j];
            if (bn_before)   /* Ioffe & Szegedy (2015), Alg. 2: γ(u − E[u])/√(Var[u] + ε) + β */
                u = gamma[j] * (u - mean[j]) / sqrt((double)var[j] + 1e-5) + beta[j];
            assert_true(fabs(u - pre2[b * W2 + j]) < 1e-5 * (1 + fabs(u)));
        }
    /* fc2's input itself: relu(pre1), batch-normalized after the ReLU when bn is after */
    bool bn_after = batch_norm && position == BN_AFTER;
    const dlx_tensor *g1 = bn_after ? tensor(net, "bn1.weight") : NULL, *b1 = bn_after ? tensor(net, "bn1.bias") : NULL;
    const dlx_tensor *m1 = bn_after ? tensor(net, "bn1.running_mean") : NULL;
    const dlx_tensor *v1 = bn_after ? tensor(net, "bn1.running_var") : NULL;
    for (int b = 0; b < B; b++)
        for (int j = 0; j < W1; j++) {
            double r = pre1[b * W1 + j] > 0 ? pre1[b * W1 + j] : 0.0;
            if (bn_after)
                r = g1->data[j] * (r - m1->data[j]) / sqrt((double)v1->data[j] + 1e-5) + b1->data[j];
            assert_true(fabs(r - h1[b * W1 + j]) < 1e-5 * (1 + fabs(r)));
        }
    network_free(net);
    diags_free(&diags);
}

static void test_no_batch_norm(void **state)
{
    (void)state;
    check_position(false, BN_BEFORE);
}

static void test_batch_norm_before(void **state)
{
    (void)state;
    check_position(true, BN_BEFORE);
}

static void test_batch_norm_after(void **state)
{
    (void)state;
    check_position(true, BN_AFTER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_no_batch_norm), cmocka_unit_test(test_batch_norm_before),
                                       cmocka_unit_test(test_batch_norm_after)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
