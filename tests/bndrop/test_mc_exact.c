/*
 * Weight scaling against the exact expectation over dropout masks
 * (Srivastava et al. 2014 §2 and §7.5; Baldi & Sadowski 2013 for why the
 * linear case is exact).
 *
 * For a network whose only dropout is on the units feeding the last linear
 * layer, z = W (m ⊙ s·h) + b is linear in the mask m, so
 *     E_m z = W (p·s·h) + b,
 * which is the weight-scaled network's output (inverted: s = 1/p and nothing
 * at evaluation; test_time: s = 1 and ×p at evaluation). The test computes
 * E_m z EXACTLY by enumerating all 2^k masks of k ≤ 12 hidden units, each with
 * probability Π p^m (1−p)^(1−m), in double from the network's own weights,
 * and compares it with network_forward_logits in inference mode: equal to
 * float precision, for both scalings. For a net with dropout in two hidden
 * layers (6 + 6 units, tanh) the nonlinearity between the masks breaks the
 * identity; the test measures the gap and asserts it is far above float
 * precision (measured: printed by the test). Last, mc_predict's mean logits
 * over T = 20000 masks land within 5 standard errors of the exact
 * expectation (standard error from the exact variance over masks), and
 * their variance within 10% of the exact one, which checks the stochastic
 * pass itself.
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

#include "models/mlp.h"
#include "uncertainty/mc_predict.h"

enum { N_IN = 5, N_OUT = 3, N_EX = 4, MAX_UNITS = 12 };

typedef struct {
    dlx_network *net;
    float x[N_EX * N_IN];
    int widths[2], n_hidden;
    double rate;
    dlx_dropout_scaling scaling;
} fixture;

/* A tanh mlp N_IN → widths → N_OUT with hidden dropout `rate`, random weights and inputs. */
static fixture make(const int *widths, int n_hidden, double rate, dlx_dropout_scaling scaling, uint64_t seed)
{
    fixture f = {.n_hidden = n_hidden, .rate = rate, .scaling = scaling};
    dlx_model_config m = {.type = MODEL_MLP, .n_hidden = n_hidden, .activation = ACT_TANH,
                          .dropout_hidden = rate, .dropout_kind = DROPOUT_BERNOULLI,
                          .dropout_scaling = scaling, .init = INIT_NORMAL, .init_std = 0.8,
                          .bn_momentum = 0.1, .bn_eps = 1e-5};
    for (int l = 0; l < n_hidden; l++)
        f.widths[l] = m.hidden[l] = widths[l];
    dlx_diags d = {0};
    assert_int_equal(network_create(&f.net, &m, LOSS_CROSS_ENTROPY, N_IN, N_OUT, 64, &d), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, seed, 7);
    network_init(f.net, &rng);
    for (int i = 0; i < N_EX * N_IN; i++)
        f.x[i] = (float)rng_normal(&rng);
    /* non-zero biases, so the test does not lean on b = 0 */
    for (int l = 0; l <= n_hidden; l++) {
        char name[32];
        snprintf(name, sizeof name, l < n_hidden ? "fc%d.bias" : "out.bias", l + 1);
        dlx_tensor *b = network_find_tensor(f.net, name);
        for (int j = 0; j < b->shape[0]; j++)
            b->data[j] = (float)(0.3 * rng_normal(&rng));
    }
    return f;
}

/* y[n_out] = W in + b in double, W [n_out, n_in] the named layer's. */
static void dense_double(fixture *f, const char *layer, const double *in, double *y)
{
    char wn[32], bn[32];
    snprintf(wn, sizeof wn, "%s.weight", layer);
    snprintf(bn, sizeof bn, "%s.bias", layer);
    const dlx_tensor *W = network_find_tensor(f->net, wn), *b = network_find_tensor(f->net, bn);
    for (int o = 0; o < W->shape[0]; o++) {
        double s = b->data[o];
        for (int i = 0; i < W->shape[1]; i++)
            s += (double)W->data[(size_t)o * W->shape[1] + i] * in[i];
        y[o] = s;
    }
}

/* The logits of example e under the mask given by the bits of `mask`
   (hidden layer 0's units first), with the training scaling. */
static void masked_logits(fixture *f, int e, unsigned mask, double *z)
{
    double h[MAX_UNITS + N_IN], a[MAX_UNITS];
    for (int i = 0; i < N_IN; i++)
        h[i] = f->x[e * N_IN + i];
    double s = f->scaling == DROPOUT_INVERTED ? 1.0 / (1.0 - f->rate) : 1.0;
    int bit = 0;
    for (int l = 0; l < f->n_hidden; l++) {
        char name[16];
        snprintf(name, sizeof name, "fc%d", l + 1);
        dense_double(f, name, h, a);
        for (int j = 0; j < f->widths[l]; j++, bit++)
            h[j] = ((mask >> bit) & 1u) ? tanh(a[j]) * s : 0.0;
    }
    dense_double(f, "out", h, z);
}

/* Exact E_m z and Var_m z over all masks, for every example. */
static void exact_moments(fixture *f, double *mean, double *var)
{
    int k = f->widths[0] + (f->n_hidden > 1 ? f->widths[1] : 0);
    assert_true(k <= MAX_UNITS);
    double p = 1.0 - f->rate;
    memset(mean, 0, sizeof(double) * N_EX * N_OUT);
    memset(var, 0, sizeof(double) * N_EX * N_OUT);
    for (unsigned mask = 0; mask < (1u << k); mask++) {
        int kept = __builtin_popcount(mask);
        double prob = pow(p, kept) * pow(1.0 - p, k - kept);
        for (int e = 0; e < N_EX; e++) {
            double z[N_OUT];
            masked_logits(f, e, mask, z);
            for (int o = 0; o < N_OUT; o++) {
                mean[e * N_OUT + o] += prob * z[o];
                var[e * N_OUT + o] += prob * z[o] * z[o];
            }
        }
    }
    for (int c = 0; c < N_EX * N_OUT; c++)
        var[c] -= mean[c] * mean[c];
}

/* max over examples and outputs of |E_m z − z_ws| relative to 1 + |z_ws|. */
static double ws_gap(fixture *f)
{
    double mean[N_EX * N_OUT], var[N_EX * N_OUT];
    float ws[N_EX * N_OUT];
    exact_moments(f, mean, var);
    network_forward_logits(f->net, f->x, N_EX, NULL, ws);
    double worst = 0.0;
    for (int c = 0; c < N_EX * N_OUT; c++)
        worst = fmax(worst, fabs(mean[c] - ws[c]) / (1.0 + fabs(ws[c])));
    return worst;
}

static void test_last_layer_dropout_is_exact(void **state)
{
    (void)state;
    const dlx_dropout_scaling scalings[] = {DROPOUT_INVERTED, DROPOUT_TEST_TIME};
    const double rates[] = {0.5, 0.25};
    for (int s = 0; s < 2; s++)
        for (int r = 0; r < 2; r++)
            for (uint64_t seed = 1; seed <= 3; seed++) {
                int width[] = {12};
                fixture f = make(width, 1, rates[r], scalings[s], seed);
                double gap = ws_gap(&f);
                printf("one dropout layer, %s, rate %.2f, seed %d: max |E z - z_ws|/(1+|z|) = %.3g\n",
                       s ? "test_time" : "inverted", rates[r], (int)seed, gap);
                assert_true(gap < 1e-6);
                network_free(f.net);
            }
}

static void test_deeper_dropout_differs(void **state)
{
    (void)state;
    const dlx_dropout_scaling scalings[] = {DROPOUT_INVERTED, DROPOUT_TEST_TIME};
    for (int s = 0; s < 2; s++)
        for (uint64_t seed = 1; seed <= 3; seed++) {
            int widths[] = {6, 6};
            fixture f = make(widths, 2, 0.5, scalings[s], seed);
            double gap = ws_gap(&f);
            printf("two dropout layers, %s, rate 0.50, seed %d: max |E z - z_ws|/(1+|z|) = %.3g\n",
                   s ? "test_time" : "inverted", (int)seed, gap);
            assert_true(gap > 1e-3);
            network_free(f.net);
        }
}

/* mc_predict's mean logits converge to the exact expectation. */
static void test_mc_mean_matches_enumeration(void **state)
{
    (void)state;
    enum { T = 20000 };
    for (int deep = 0; deep < 2; deep++) {
        int widths[] = {6, 6};
        fixture f = make(widths, deep ? 2 : 1, 0.5, DROPOUT_INVERTED, 11);
        double mean[N_EX * N_OUT], var[N_EX * N_OUT];
        exact_moments(&f, mean, var);
        dlx_mc_prediction *mc;
        dlx_diags d = {0};
        assert_int_equal(mc_predict_create(&mc, N_EX, N_OUT, true, &d), DLX_OK);
        dlx_rng rng;
        mc_predict_seed(&rng, 5, 0);
        dlx_model model = {.kind = &MODEL_KIND_MLP, .impl = f.net};
        mc_predict(mc, &model, LOSS_CROSS_ENTROPY, f.x, T, &rng);
        for (int c = 0; c < N_EX * N_OUT; c++) {
            double se = sqrt(var[c] / T);
            assert_true(fabs(mc->mean_logits[c] - mean[c]) < 5 * se + 1e-6);
            assert_true(fabs(mc->var_logits[c] - var[c]) < 0.1 * var[c] + 1e-9);
        }
        for (int e = 0; e < N_EX; e++) {   /* the probabilities average to a distribution */
            double sum = 0;
            for (int o = 0; o < N_OUT; o++)
                sum += mc->mean[e * N_OUT + o];
            assert_true(fabs(sum - 1.0) < 1e-9);
        }
        mc_predict_destroy(mc);
        network_free(f.net);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_last_layer_dropout_is_exact),
        cmocka_unit_test(test_deeper_dropout_differs),
        cmocka_unit_test(test_mc_mean_matches_enumeration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
