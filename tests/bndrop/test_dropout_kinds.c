/*
 * Tests of the dropout kinds beyond Bernoulli: Gaussian noise has the mean
 * and variance of the Bernoulli mask it replaces, DropConnect masks weights
 * (one mask per minibatch) and scales them by 1 − rate at evaluation with
 * test_time scaling, and the experiment file names the kinds with
 * did-you-mean errors.
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

#include "../support/harness.h"
#include "nn/dropout.h"
#include "models/mlp.h"

/* Sample mean and variance of 200000 noise values against the Bernoulli
   mask's: inverted (scale 1/p): mean 1, variance r/(1 − r); test_time
   (scale 1): mean p, variance p(1 − p). Standard errors are below 3e-3. */
static void test_gaussian_noise_moments(void **state)
{
    (void)state;
    enum { N = 200000 };
    float *in = malloc(N * sizeof *in), *out = malloc(N * sizeof *out),
          *noise = malloc(N * sizeof *noise);
    assert_non_null(in), assert_non_null(out), assert_non_null(noise);
    for (int i = 0; i < N; i++)
        in[i] = 2.0f;
    const double rate = 0.3, p = 0.7;
    for (int s = 0; s < 2; s++) {
        dlx_dropout_scaling scaling = s ? DROPOUT_TEST_TIME : DROPOUT_INVERTED;
        dlx_rng rng;
        rng_seed(&rng, 5, (uint64_t)s);
        dropout_gaussian_forward_train(out, noise, in, N, rate, dropout_train_scale(rate, scaling),
                                       &rng);
        double sum = 0, sq = 0;
        for (int i = 0; i < N; i++) {
            assert_float_equal(out[i], 2.0f * noise[i], 0.0);
            sum += noise[i];
            sq += (double)noise[i] * noise[i];
        }
        double mean = sum / N, var = sq / N - mean * mean;
        double want_mean = s ? p : 1.0, want_var = s ? p * (1 - p) : rate / (1 - rate);
        assert_float_equal(mean, want_mean, 5e-3);
        assert_float_equal(var, want_var, 1e-2);
    }
    free(in), free(out), free(noise);
}

/* One hidden identity layer with DropConnect: its pre-activations at
   evaluation are x·((1 − rate)·W)ᵀ + b with test_time scaling and x·Wᵀ + b
   with inverted scaling. */
static void test_dropconnect_evaluation_scaling(void **state)
{
    (void)state;
    for (int s = 0; s < 2; s++) {
        dlx_model_config cfg = {.type = MODEL_MLP, .n_hidden = 1, .hidden = {2},
                                .activation = ACT_IDENTITY, .init = INIT_NORMAL, .init_std = 1.0,
                                .dropout_kind = DROPOUT_DROPCONNECT, .dropout_input = 0.25,
                                .dropout_hidden = 0.5,
                                .dropout_scaling = s ? DROPOUT_TEST_TIME : DROPOUT_INVERTED};
        dlx_diags diags = {0};
        dlx_network *net = NULL;
        assert_int_equal(network_create(&net, &cfg, LOSS_CROSS_ENTROPY, 2, 3, 4, &diags), DLX_OK);
        dlx_rng rng;
        rng_seed(&rng, 9, 0);
        network_init(net, &rng);
        float *W = network_find_tensor(net, "fc1.weight")->data;
        float *b = network_find_tensor(net, "fc1.bias")->data;
        W[0] = 1, W[1] = 2, W[2] = -3, W[3] = 4;
        b[0] = 0.5f, b[1] = -1;
        const float x[2] = {1, 1};
        float pre_buf[2];
        float *pre[1] = {pre_buf};
        network_probe_preactivations(net, x, 1, pre);
        double scale = s ? 0.75 : 1.0;
        assert_float_equal(pre_buf[0], scale * 3 + 0.5, 1e-6);
        assert_float_equal(pre_buf[1], scale * 1 - 1, 1e-6);
        network_free(net);
        diags_free(&diags);
    }
}

/* In training one mask per minibatch: identical rows give identical logits,
   which per-example Bernoulli dropout would not. */
static void test_dropconnect_mask_is_shared_by_the_batch(void **state)
{
    (void)state;
    dlx_model_config cfg = {.type = MODEL_MLP, .n_hidden = 1, .hidden = {16},
                            .activation = ACT_TANH, .init = INIT_NORMAL, .init_std = 1.0,
                            .dropout_kind = DROPOUT_DROPCONNECT, .dropout_input = 0.5,
                            .dropout_hidden = 0.5};
    dlx_diags diags = {0};
    dlx_network *net = NULL;
    assert_int_equal(network_create(&net, &cfg, LOSS_CROSS_ENTROPY, 3, 2, 4, &diags), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 10, 0);
    network_init(net, &rng);
    const float x[12] = {1, -1, 2, 1, -1, 2, 1, -1, 2, 1, -1, 2};
    const int labels[4] = {0, 0, 0, 0};
    double loss = network_forward_train(net, x, labels, NULL, 4, &rng);
    /* The same mean loss as the loss of one of the rows alone under the same
       mask: rerun the first row with the generator restarted at the same state. */
    dlx_rng again;
    rng_seed(&again, 10, 0);
    network_init(net, &again);
    double one = network_forward_train(net, x, labels, NULL, 1, &again);
    assert_float_equal(loss, one, 1e-6);
    network_free(net);
    diags_free(&diags);
}

/* kind accepts the three names; a misspelling is located, with a suggestion. */
static void test_spec_kinds(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *path = harness_write(dir, "k.yaml",
                               "experiment: k\n"
                               "data: {source: synthetic, kind: gaussian_mixture, n_train: 100,"
                               " n_test: 50, dim: 4, classes: 3}\n"
                               "model:\n"
                               "  type: mlp\n"
                               "  hidden: [8]\n"
                               "  dropout: {hidden: 0.5, kind: gausian}\n");
    char *out = NULL, *err = NULL;
    assert_int_equal(harness_dlx(&out, &err, "validate '%s'", path), 2);
    char want[4200];
    snprintf(want, sizeof want,
             "%s:6:32: error: unknown dropout kind 'gausian' for 'model.dropout.kind'; did you "
             "mean 'gaussian'? (valid values: bernoulli, gaussian, dropconnect)",
             path);
    assert_non_null(strstr(err, want));
    free(out), free(err);
    const char *kinds[] = {"gaussian", "dropconnect"};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(harness_dlx(&out, &err, "validate '%s' --set model.dropout.kind=%s",
                                     path, kinds[k]),
                         0);
        char line[64];
        snprintf(line, sizeof line, "kind: %s\n", kinds[k]);
        assert_non_null(strstr(out, line));
        free(out), free(err);
    }
    free(path);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gaussian_noise_moments),
        cmocka_unit_test(test_dropconnect_evaluation_scaling),
        cmocka_unit_test(test_dropconnect_mask_is_shared_by_the_batch),
        cmocka_unit_test(test_spec_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
