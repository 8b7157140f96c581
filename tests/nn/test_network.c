/* Tests of network.c: the tensor list of SPEC §2, whole-network gradients
   against central differences, evaluation (sums, counts, chunks, batch-norm
   running statistics, test-time dropout scaling) and network_create's checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/mlp.h"
#include "nn_testing.h"

/* An mlp config with the given hidden widths (0-terminated) and defaults. */
static dlx_model_config mlp_config(const int *hidden, dlx_activation act, bool batch_norm)
{
    dlx_model_config cfg = {.type = MODEL_MLP, .activation = act, .batch_norm = batch_norm,
                            .bn_momentum = 0.1, .bn_eps = 1e-5, .init = INIT_NORMAL,
                            .init_std = 0.5, .dropout_scaling = DROPOUT_INVERTED};
    while (hidden[cfg.n_hidden])
        cfg.hidden[cfg.n_hidden] = hidden[cfg.n_hidden], cfg.n_hidden++;
    return cfg;
}

static dlx_network *create_ok(const dlx_model_config *cfg, dlx_loss loss, int n_in, int n_out,
                              int max_batch)
{
    dlx_diags diags = {0};
    dlx_network *net = NULL;
    dlx_status st = network_create(&net, cfg, loss, n_in, n_out, max_batch, &diags);
    if (st != DLX_OK)
        fail_msg("network_create: %s", diags.count ? diags.items[0].message : "?");
    diags_free(&diags);
    return net;
}

static void test_tensor_list_follows_spec(void **state)
{
    (void)state;
    const int hidden[] = {4, 5, 0};
    dlx_model_config cfg = mlp_config(hidden, ACT_RELU, true);
    dlx_network *net = create_ok(&cfg, LOSS_CROSS_ENTROPY, 3, 2, 10);
    const struct {
        const char *name;
        int ndim, rows, cols;
        bool trainable, is_weight;
    } expected[] = {
        {"fc1.weight", 2, 4, 3, true, true},     {"fc1.bias", 1, 4, 0, true, false},
        {"bn1.weight", 1, 4, 0, true, false},    {"bn1.bias", 1, 4, 0, true, false},
        {"bn1.running_mean", 1, 4, 0, false, false}, {"bn1.running_var", 1, 4, 0, false, false},
        {"fc2.weight", 2, 5, 4, true, true},     {"fc2.bias", 1, 5, 0, true, false},
        {"bn2.weight", 1, 5, 0, true, false},    {"bn2.bias", 1, 5, 0, true, false},
        {"bn2.running_mean", 1, 5, 0, false, false}, {"bn2.running_var", 1, 5, 0, false, false},
        {"out.weight", 2, 2, 5, true, true},     {"out.bias", 1, 2, 0, true, false},
    };
    int n = (int)(sizeof expected / sizeof expected[0]);
    assert_int_equal(network_n_tensors(net), n);
    /* Trainable tensors tile the params block in order; grads mirror it. */
    size_t offset = 0;
    for (int i = 0; i < n; i++) {
        dlx_tensor *t = network_tensor(net, i);
        assert_string_equal(t->name, expected[i].name);
        assert_int_equal(t->ndim, expected[i].ndim);
        assert_int_equal(t->shape[0], expected[i].rows);
        if (t->ndim == 2)
            assert_int_equal(t->shape[1], expected[i].cols);
        assert_int_equal(t->is_weight, expected[i].is_weight);
        assert_int_equal(t->grad != NULL, expected[i].trainable);
        if (expected[i].trainable) {
            assert_ptr_equal(t->data, network_params(net) + offset);
            assert_ptr_equal(t->grad, network_grads(net) + offset);
            offset += tensor_numel(t);
        }
        assert_ptr_equal(network_find_tensor(net, expected[i].name), t);
        assert_ptr_equal(&network_tensors(net)[i], t);
    }
    /* 12+4+4+4 + 20+5+5+5 + 10+2 = 71 */
    assert_int_equal(network_n_params(net), 71);
    assert_int_equal(offset, 71);
    assert_null(network_find_tensor(net, "bn3.weight"));
    assert_null(network_tensor(net, n));
    assert_int_equal(network_n_inputs(net), 3);
    assert_int_equal(network_n_outputs(net), 2);
    assert_int_equal(network_max_batch(net), 10);
    network_free(net);

    /* A softmax model is the single layer "out". */
    dlx_model_config soft = {.type = MODEL_SOFTMAX, .init = INIT_XAVIER};
    net = create_ok(&soft, LOSS_CROSS_ENTROPY, 6, 4, 3);
    assert_int_equal(network_n_tensors(net), 2);
    assert_string_equal(network_tensor(net, 0)->name, "out.weight");
    assert_string_equal(network_tensor(net, 1)->name, "out.bias");
    assert_int_equal(network_n_params(net), 28);
    network_free(net);
}

/* Whole-network gradient check: the loss of network_forward_train as a
   function of the params block, dropout masks redrawn from the same seed. */
typedef struct {
    dlx_network *net;
    real x[8 * 4], targets[8 * 3];
    int labels[8];
    int B;
    bool regression;
} net_case;

static double net_loss(void *ctx)
{
    net_case *k = ctx;
    dlx_rng rng;
    rng_seed(&rng, 77, 3);
    return network_forward_train(k->net, k->x, k->regression ? NULL : k->labels,
                                 k->regression ? k->targets : NULL, k->B, &rng);
}

static void check_network_gradient(const dlx_model_config *cfg, dlx_loss loss, int n_out,
                                   bool regression, const char *name)
{
    net_case k = {.B = 8, .regression = regression};
    k.net = create_ok(cfg, loss, 4, n_out, 8);
    dlx_rng rng;
    rng_seed(&rng, 78, 0);
    network_init(k.net, &rng);
    /* BN gamma/beta away from 1/0 so their gradients are generic. */
    for (int i = 0; i < network_n_tensors(k.net); i++) {
        dlx_tensor *t = network_tensor(k.net, i);
        if (strstr(t->name, "bn") && t->grad)
            fill_normal(t->data, tensor_numel(t), strstr(t->name, "weight") ? 1.0 : 0.0, 0.3, &rng);
    }
    fill_normal(k.x, 8 * 4, 0, 1, &rng);
    fill_normal(k.targets, 8 * 3, 0, 1, &rng);
    for (int b = 0; b < 8; b++)
        k.labels[b] = (int)rng_below(&rng, loss == LOSS_LOGISTIC ? 2 : (uint64_t)n_out);

    double f = net_loss(&k);
    assert_true(isfinite(f) && f > 0);
    network_backward(k.net);
    size_t n = network_n_params(k.net);
    real *analytic = malloc(n * sizeof *analytic);
    assert_non_null(analytic);
    memcpy(analytic, network_grads(k.net), n * sizeof *analytic);
    /* The loss is a mean over 8 examples of float32 forward passes three
       layers deep: its rounding noise is ~1e-6 absolute, ~5e-5 once divided
       by 2h = 2e-2, and the truncation h²/6·f''' is ~1e-5 for these O(1)
       weights. Parameter gradients are 1e-2..1e-1, so with a 1e-2 floor the
       relative error stays below ~5e-3; the tolerance is 1e-2. A wrong term
       (a missing 1/B, a transposed product, a dropped batch-norm path) gives
       errors of order 1. */
    gradcheck_result r = gradcheck(net_loss, &k, network_params(k.net), analytic, n,
                                   GRADCHECK_STEP(REAL_C(1e-2)), 1e-2);
    assert_gradcheck_below(r, GRADCHECK_TOL(1e-2), name);
    free(analytic);
    network_free(k.net);
}

static void test_gradient_matches_finite_differences(void **state)
{
    (void)state;
    const int hidden[] = {6, 5, 0};
    dlx_model_config cfg = mlp_config(hidden, ACT_TANH, false);
    cfg.dropout_hidden = 0.3;
    cfg.dropout_input = 0.2;
    check_network_gradient(&cfg, LOSS_CROSS_ENTROPY, 3, false, "tanh, dropout, cross-entropy");

    cfg = mlp_config(hidden, ACT_SIGMOID, true);
    check_network_gradient(&cfg, LOSS_CROSS_ENTROPY, 3, false, "sigmoid, batch norm, cross-entropy");

    cfg = mlp_config(hidden, ACT_TANH, true);
    cfg.dropout_hidden = 0.5;
    cfg.dropout_scaling = DROPOUT_TEST_TIME;
    check_network_gradient(&cfg, LOSS_MSE, 3, true, "tanh, batch norm, test-time dropout, mse");

    const int one_layer[] = {5, 0};
    cfg = mlp_config(one_layer, ACT_IDENTITY, true);
    cfg.dropout_input = 0.25;
    check_network_gradient(&cfg, LOSS_LOGISTIC, 1, false, "identity, batch norm, logistic");

    dlx_model_config soft = {.type = MODEL_SOFTMAX, .init = INIT_NORMAL, .init_std = 0.5,
                             .dropout_input = 0.5};
    check_network_gradient(&soft, LOSS_CROSS_ENTROPY, 3, false, "softmax, input dropout");
    check_network_gradient(&soft, LOSS_MSE, 3, false, "softmax model, mse on one-hot labels");
}

/* model.batch_norm.position after (fc -> act -> bn): the whole-network
   gradient, through batch norm of the activation's output, against central
   differences, alone and followed by dropout. */
static void test_gradient_with_batchnorm_after(void **state)
{
    (void)state;
    const int hidden[] = {6, 5, 0};
    dlx_model_config cfg = mlp_config(hidden, ACT_SIGMOID, true);
    cfg.bn_position = BN_AFTER;
    check_network_gradient(&cfg, LOSS_CROSS_ENTROPY, 3, false, "sigmoid, batch norm after, cross-entropy");

    cfg = mlp_config(hidden, ACT_TANH, true);
    cfg.bn_position = BN_AFTER;
    cfg.dropout_hidden = 0.3;
    check_network_gradient(&cfg, LOSS_MSE, 3, true, "tanh, batch norm after, dropout, mse");
}

/* With batch norm after the activation, the probed input of the first
   nonlinearity is the raw dense output x·Wᵀ + b, and the logits in inference
   mode are those of sigmoid then batch norm with the running statistics
   (fresh: mean 0, var 1, so out = γ·σ(z)/sqrt(1 + eps) + β). */
static void test_batchnorm_after_probe_and_eval(void **state)
{
    (void)state;
    enum { B = 3, NI = 4, W = 2 };
    const int hidden[] = {W, 0};
    dlx_model_config cfg = mlp_config(hidden, ACT_SIGMOID, true);
    cfg.bn_position = BN_AFTER;
    dlx_network *net = create_ok(&cfg, LOSS_CROSS_ENTROPY, NI, 2, B);
    dlx_rng rng;
    rng_seed(&rng, 5, 0);
    network_init(net, &rng);
    dlx_tensor *g = network_find_tensor(net, "bn1.weight"), *be = network_find_tensor(net, "bn1.bias");
    g->data[0] = REAL_C(2.0), g->data[1] = REAL_C(0.5), be->data[0] = -REAL_C(1.0), be->data[1] = REAL_C(0.25);
    real x[B * NI], pre[B * W];
    fill_normal(x, B * NI, 0, 1, &rng);
    real *pres[1] = {pre};
    network_probe_preactivations(net, x, B, pres);
    const real *W1 = network_find_tensor(net, "fc1.weight")->data;
    const real *b1 = network_find_tensor(net, "fc1.bias")->data;
    const real *Wo = network_find_tensor(net, "out.weight")->data;
    const real *bo = network_find_tensor(net, "out.bias")->data;
    real logits[B * 2];
    network_forward_logits(net, x, B, NULL, logits);
    for (int i = 0; i < B; i++) {
        double h[W];
        for (int j = 0; j < W; j++) {
            double z = b1[j];
            for (int k = 0; k < NI; k++)
                z += (double)x[i * NI + k] * W1[j * NI + k];
            assert_float_equal(pre[i * W + j], z, 1e-5);
            h[j] = g->data[j] / sqrt(1.0 + 1e-5) / (1.0 + exp(-z)) + be->data[j];
        }
        for (int o = 0; o < 2; o++)
            assert_float_equal(logits[i * 2 + o], bo[o] + Wo[o * W] * h[0] + Wo[o * W + 1] * h[1], 1e-5);
    }
    network_free(net);
}

/* Gaussian dropout and DropConnect: the noise/mask is redrawn from the same
   seed at every evaluation of the loss, so the loss is a smooth function of
   the parameters and central differences apply. */
static void test_gradient_of_dropout_kinds(void **state)
{
    (void)state;
    const int hidden[] = {6, 5, 0};
    const dlx_dropout_kind kinds[] = {DROPOUT_GAUSSIAN, DROPOUT_DROPCONNECT};
    const char *names[2][2] = {{"gaussian dropout, inverted", "gaussian dropout, test-time"},
                               {"dropconnect, inverted", "dropconnect, test-time, batch norm"}};
    for (int k = 0; k < 2; k++)
        for (int s = 0; s < 2; s++) {
            /* Batch norm only with DropConnect: Gaussian noise (sd 0.5 on the
               inputs) before batch norm over 8 examples curves the loss enough
               that the h = 1e-2 truncation error reaches ~1% at one weight
               (it passes at h = 3e-3, so it is truncation, not a wrong term). */
            dlx_model_config cfg = mlp_config(hidden, ACT_TANH, k == 1 && s == 1);
            cfg.dropout_kind = kinds[k];
            cfg.dropout_hidden = 0.4;
            cfg.dropout_input = 0.2;
            cfg.dropout_scaling = s ? DROPOUT_TEST_TIME : DROPOUT_INVERTED;
            check_network_gradient(&cfg, LOSS_CROSS_ENTROPY, 3, false, names[k][s]);
        }
    dlx_model_config soft = {.type = MODEL_SOFTMAX, .init = INIT_NORMAL, .init_std = 0.5,
                             .dropout_input = 0.5, .dropout_kind = DROPOUT_DROPCONNECT};
    check_network_gradient(&soft, LOSS_CROSS_ENTROPY, 3, false, "softmax, dropconnect");
}

static void test_forward_train_is_reproducible_and_skips_rate_zero(void **state)
{
    (void)state;
    const int hidden[] = {8, 0};
    dlx_model_config cfg = mlp_config(hidden, ACT_RELU, false);
    cfg.dropout_hidden = 0.5;
    dlx_network *net = create_ok(&cfg, LOSS_CROSS_ENTROPY, 3, 2, 4);
    dlx_rng rng;
    rng_seed(&rng, 1, 0);
    network_init(net, &rng);
    const real x[12] = {1, 2, 3, -1, 0, 1, 2, 2, -2, REAL_C(0.5), REAL_C(0.5), REAL_C(0.5)};
    const int y[4] = {0, 1, 1, 0};
    dlx_rng a, b;
    rng_seed(&a, 9, 9);
    rng_seed(&b, 9, 9);
    double la = network_forward_train(net, x, y, NULL, 4, &a);
    double lb = network_forward_train(net, x, y, NULL, 4, &b);
    assert_true(la == lb);
    /* 4·8 hidden units: ceil(32/4) = 8 draws. */
    dlx_rng c;
    rng_seed(&c, 9, 9);
    for (int i = 0; i < 8; i++)
        rng_u64(&c);
    assert_memory_equal(&a, &c, sizeof a);
    network_free(net);

    /* No dropout: no draws at all, and the generator may be NULL. */
    cfg.dropout_hidden = 0.0;
    net = create_ok(&cfg, LOSS_CROSS_ENTROPY, 3, 2, 4);
    network_init(net, &rng);
    rng_seed(&a, 9, 9);
    rng_seed(&b, 9, 9);
    double with_rng = network_forward_train(net, x, y, NULL, 4, &a);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(network_forward_train(net, x, y, NULL, 4, NULL) == with_rng);
    /* Without noise the train loss is the evaluation mean. */
    long correct;
    assert_true(fabs(network_evaluate(net, x, y, NULL, 4, &correct) / 4 - with_rng) < 1e-6);
    network_free(net);
}

/* Set a tensor's values by name. */
static void set_tensor(dlx_network *net, const char *name, const real *values)
{
    dlx_tensor *t = network_find_tensor(net, name);
    assert_non_null(t);
    memcpy(t->data, values, tensor_numel(t) * sizeof *values);
}

static void test_evaluate_uses_batchnorm_running_statistics(void **state)
{
    (void)state;
    /* 1 input -> fc1 (1 unit) -> bn1 -> identity -> out (1 unit), mse, eps 1.
       fc1: w 2, b 1; bn1: gamma 3, beta −1, running mean 2, running var 3;
       out: w 0.5, b 0.25.
         x = 2.5:  fc 6,  bn 3·(6 − 2)/sqrt(3 + 1) − 1 = 5,   out 2.75; target 3:  0.0625
         x = −0.5: fc 0,  bn 3·(0 − 2)/2 − 1 = −4,           out −1.75; target −1.75: 0
       Sum 0.0625. In train mode the batch statistics apply instead:
         fc = (6, 0): mean 3, biased var 9, x̂ = ±1/sqrt(1 + 1/9)... (eps 1)
         x̂ = ±3/sqrt(10) = ±0.9486833, bn = 3·x̂ − 1 = (1.8460499, −3.8460499),
         out = (1.1730249, −1.6730249): loss ((3 − 1.1730249)² + (−1.75 + 1.6730249)²)/2
             = (3.3378380 + 0.0059252)/2 = 1.6718815 */
    const int hidden[] = {1, 0};
    dlx_model_config cfg = mlp_config(hidden, ACT_IDENTITY, true);
    cfg.bn_eps = 1.0;
    dlx_network *net = create_ok(&cfg, LOSS_MSE, 1, 1, 2);
    const real w1 = 2, b1 = 1, g = 3, be = -1, rm = 2, rv = 3, wo = REAL_C(0.5), bo = REAL_C(0.25);
    set_tensor(net, "fc1.weight", &w1);
    set_tensor(net, "fc1.bias", &b1);
    set_tensor(net, "bn1.weight", &g);
    set_tensor(net, "bn1.bias", &be);
    set_tensor(net, "bn1.running_mean", &rm);
    set_tensor(net, "bn1.running_var", &rv);
    set_tensor(net, "out.weight", &wo);
    set_tensor(net, "out.bias", &bo);
    const real x[2] = {REAL_C(2.5), -REAL_C(0.5)}, t[2] = {REAL_C(3.0), -REAL_C(1.75)};
    long correct = -1;
    assert_true(fabs(network_evaluate(net, x, NULL, t, 2, &correct) - 0.0625) < 1e-6);
    assert_int_equal(correct, 0);

    double train = network_forward_train(net, x, NULL, t, 2, NULL);
    assert_true(fabs(train - 1.6718815) < 2e-6);
    /* and it moved the running estimates: mean 0.9·2 + 0.1·3 = 2.1,
       var 0.9·3 + 0.1·(9·2/1) = 4.5 (unbiased: 9·B/(B − 1) = 18) */
    assert_true(fabs(network_find_tensor(net, "bn1.running_mean")->data[0] - REAL_C(2.1)) < 1e-6);
    assert_true(fabs(network_find_tensor(net, "bn1.running_var")->data[0] - REAL_C(4.5)) < 1e-6);
    network_free(net);
}

static void test_evaluate_scales_test_time_dropout(void **state)
{
    (void)state;
    /* 2 inputs -> fc1 = identity matrix -> identity -> out = (1, 1), mse against 0,
       input dropout 0.25 and hidden dropout 0.5. x = (2, 4):
         test_time: inputs × 0.75 = (1.5, 3), hidden × 0.5 = (0.75, 1.5), out 2.25,
                    loss 2.25² = 5.0625
         inverted:  nothing scaled at evaluation, out 6, loss 36 */
    const int hidden[] = {2, 0};
    const real eye[4] = {1, 0, 0, 1}, zero2[2] = {0, 0}, ones[2] = {1, 1}, zero1 = 0;
    const real x[2] = {2, 4}, t[1] = {0};
    const dlx_dropout_scaling scalings[2] = {DROPOUT_TEST_TIME, DROPOUT_INVERTED};
    const double expected[2] = {5.0625, 36.0};
    for (int s = 0; s < 2; s++) {
        dlx_model_config cfg = mlp_config(hidden, ACT_IDENTITY, false);
        cfg.dropout_input = 0.25;
        cfg.dropout_hidden = 0.5;
        cfg.dropout_scaling = scalings[s];
        dlx_network *net = create_ok(&cfg, LOSS_MSE, 2, 1, 1);
        set_tensor(net, "fc1.weight", eye);
        set_tensor(net, "fc1.bias", zero2);
        set_tensor(net, "out.weight", ones);
        set_tensor(net, "out.bias", &zero1);
        assert_true(fabs(network_evaluate(net, x, NULL, t, 1, NULL) - expected[s]) < 1e-5);
        network_free(net);
    }
}

static void test_evaluate_sums_and_counts_across_chunks(void **state)
{
    (void)state;
    /* Softmax model, W = identity, b = 0, labels all 0:
         x = (1, 0): −log softmax = log(1 + e^−1) = 0.31326169, correct
         x = (0, 1): log(1 + e^1) = 1.31326169, wrong
         x = (3, 1): log(1 + e^−2) = 0.12692801, correct
       1200 examples cycling through the three (more than one 512-row chunk):
       sum 400·1.75345139 = 701.380554, correct 800. */
    enum { N = 1200 };
    dlx_model_config cfg = {.type = MODEL_SOFTMAX, .init = INIT_NORMAL};
    dlx_network *net = create_ok(&cfg, LOSS_CROSS_ENTROPY, 2, 2, N);
    const real eye[4] = {1, 0, 0, 1}, zero2[2] = {0, 0};
    set_tensor(net, "out.weight", eye);
    set_tensor(net, "out.bias", zero2);
    static real x[N * 2];
    static int y[N];
    const real rows[3][2] = {{1, 0}, {0, 1}, {3, 1}};
    for (int i = 0; i < N; i++) {
        x[2 * i] = rows[i % 3][0];
        x[2 * i + 1] = rows[i % 3][1];
        y[i] = 0;
    }
    long correct = -1;
    double sum = network_evaluate(net, x, y, NULL, N, &correct);
    assert_true(fabs(sum - 701.380554) < 1e-4);
    assert_int_equal(correct, 800);
    network_free(net);
}

static void test_evaluate_leaves_backward_state_alone(void **state)
{
    (void)state;
    const int hidden[] = {6, 0};
    dlx_model_config cfg = mlp_config(hidden, ACT_SIGMOID, true);
    cfg.dropout_hidden = 0.2;
    dlx_network *net = create_ok(&cfg, LOSS_CROSS_ENTROPY, 4, 3, 8);
    dlx_rng rng;
    rng_seed(&rng, 3, 0);
    network_init(net, &rng);
    real x[32], other[32];
    int y[8] = {0, 1, 2, 0, 1, 2, 0, 1};
    fill_normal(x, 32, 0, 1, &rng);
    fill_normal(other, 32, 5, 3, &rng);
    size_t n = network_n_params(net);
    real *grads = malloc(n * sizeof *grads);
    assert_non_null(grads);
    dlx_rng d1, d2;
    rng_seed(&d1, 4, 0);
    d2 = d1;
    network_forward_train(net, x, y, NULL, 8, &d1);
    network_backward(net);
    memcpy(grads, network_grads(net), n * sizeof *grads);
    network_forward_train(net, x, y, NULL, 8, &d2);
    network_evaluate(net, other, y, NULL, 8, NULL);
    network_backward(net);
    assert_memory_equal(grads, network_grads(net), n * sizeof *grads);
    free(grads);
    network_free(net);
}

static void test_bad_batch_sizes(void **state)
{
    (void)state;
    dlx_model_config cfg = {.type = MODEL_LOGISTIC, .init = INIT_NORMAL, .init_std = 1};
    dlx_network *net = create_ok(&cfg, LOSS_LOGISTIC, 2, 1, 4);
    real x[10] = {0};
    int y[5] = {0};
    long correct = 7;
    assert_true(isnan(network_forward_train(net, x, y, NULL, 5, NULL)));
    assert_true(isnan(network_forward_train(net, x, y, NULL, 0, NULL)));
    assert_true(isnan(network_evaluate(net, x, y, NULL, 5, &correct)));
    assert_int_equal(correct, 0);
    /* No saved forward pass: backward leaves a zero gradient. */
    network_params(net)[0] = 1;
    network_grads(net)[0] = 42;
    network_backward(net);
    for (size_t i = 0; i < network_n_params(net); i++)
        assert_true(network_grads(net)[i] == REAL_C(0.0));
    network_free(net);
}

/* network_create's status and its first message. */
static dlx_status create_error(const dlx_model_config *cfg, dlx_loss loss, int n_in, int n_out,
                               int max_batch, char *message, size_t cap, int *count)
{
    dlx_diags diags = {0};
    dlx_network *net = (dlx_network *)1;
    dlx_status st = network_create(&net, cfg, loss, n_in, n_out, max_batch, &diags);
    assert_null(net);
    *count = diags.count;
    snprintf(message, cap, "%s", diags.count ? diags.items[0].message : "");
    if (diags.count)
        assert_int_equal(diags.items[0].line, 0);
    diags_free(&diags);
    return st;
}

static void test_create_rejects_bad_sizes(void **state)
{
    (void)state;
    char msg[256];
    int count;
    const int hidden[] = {4, 0};
    dlx_model_config cfg = mlp_config(hidden, ACT_RELU, false);
    assert_int_equal(create_error(&cfg, LOSS_CROSS_ENTROPY, 0, 3, 8, msg, sizeof msg, &count),
                     DLX_ERR_INPUT);
    assert_string_equal(msg, "model needs at least 1 input, got 0");
    assert_int_equal(create_error(&cfg, LOSS_CROSS_ENTROPY, 3, 3, 0, msg, sizeof msg, &count),
                     DLX_ERR_INPUT);
    assert_string_equal(msg, "batch size must be at least 1, got 0");
    assert_int_equal(create_error(&cfg, LOSS_LOGISTIC, 3, 3, 8, msg, sizeof msg, &count),
                     DLX_ERR_INPUT);
    assert_string_equal(msg, "the logistic loss needs 1 output, got 3");

    const int bad_hidden[] = {4, -2, 0};
    cfg = mlp_config(bad_hidden, ACT_RELU, false);
    cfg.dropout_hidden = 1.0;
    assert_int_equal(create_error(&cfg, LOSS_CROSS_ENTROPY, 0, 3, 8, msg, sizeof msg, &count),
                     DLX_ERR_INPUT);
    assert_int_equal(count, 3); /* every problem at once */
    assert_string_equal(msg, "model needs at least 1 input, got 0");
    dlx_diags diags = {0};
    dlx_network *net = NULL;
    network_create(&net, &cfg, LOSS_CROSS_ENTROPY, 2, 3, 8, &diags);
    assert_int_equal(diags.count, 2);
    assert_string_equal(diags.items[0].message,
                        "model.hidden[1]: a layer needs at least 1 unit, got -2");
    assert_string_equal(diags.items[1].message, "model.dropout.hidden must be in [0, 1), got 1");
    diags_free(&diags);
}

static void test_create_refuses_too_large_models(void **state)
{
    (void)state;
    char msg[256];
    int count;
    /* 1 -> 65536 -> 65536 -> 1, batch 1: fc2.weight alone is 2^32 reals = 16 GiB in
       float32 (32 in float64), and its gradient as much again; the rest is a few MiB. */
    const int wide[] = {65536, 65536, 0};
    dlx_model_config cfg = mlp_config(wide, ACT_RELU, false);
    assert_int_equal(create_error(&cfg, LOSS_MSE, 1, 1, 1, msg, sizeof msg, &count), DLX_ERR_INPUT);
    assert_non_null(strstr(msg, sizeof(real) == 4
                                    ? "model needs 32.0 GiB of buffers for batches of 1 examples"
                                    : "model needs 64.0 GiB of buffers for batches of 1 examples"));
    /* Sizes whose products overflow 64 bits are refused the same way, not wrapped. */
    const int huge[] = {INT_MAX, INT_MAX, INT_MAX, 0};
    cfg = mlp_config(huge, ACT_RELU, true);
    cfg.dropout_hidden = 0.5;
    assert_int_equal(create_error(&cfg, LOSS_MSE, INT_MAX, INT_MAX, INT_MAX, msg, sizeof msg,
                                  &count),
                     DLX_ERR_INPUT);
    assert_non_null(strstr(msg, "GiB of buffers"));
    assert_int_equal(count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tensor_list_follows_spec),
        cmocka_unit_test(test_gradient_matches_finite_differences),
        cmocka_unit_test(test_forward_train_is_reproducible_and_skips_rate_zero),
        cmocka_unit_test(test_evaluate_uses_batchnorm_running_statistics),
        cmocka_unit_test(test_evaluate_scales_test_time_dropout),
        cmocka_unit_test(test_gradient_of_dropout_kinds),
        cmocka_unit_test(test_gradient_with_batchnorm_after),
        cmocka_unit_test(test_batchnorm_after_probe_and_eval),
        cmocka_unit_test(test_evaluate_sums_and_counts_across_chunks),
        cmocka_unit_test(test_evaluate_leaves_backward_state_alone),
        cmocka_unit_test(test_bad_batch_sizes),
        cmocka_unit_test(test_create_rejects_bad_sizes),
        cmocka_unit_test(test_create_refuses_too_large_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
