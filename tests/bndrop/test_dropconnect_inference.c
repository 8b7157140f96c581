/*
 * Tests of DropConnect's moments and of moment-matching inference (Wan et
 * al. 2013, §3 and Algorithm 2):
 *   - the dropconnect_moments diagnostic's closed forms (its rms columns)
 *     equal E u, Var u and κ₄ u found by enumerating every mask of a tiny
 *     layer, for both scalings, on the output layer of a softmax model and
 *     on both layers of a one-hidden-layer network;
 *   - its Monte-Carlo errors average to their rms and fall as S^(-1/2);
 *   - moment matching with a relu layer approaches the Gaussian closed form
 *     E relu(u) = μΦ(μ/σ) + σφ(μ/σ); with the identity activation it equals
 *     weight scaling up to its Monte-Carlo error; as p → 1 it approaches
 *     the deterministic network; batch norm before the activation scales σ
 *     by γ/√(running var + ε);
 *   - training, the initial weights and repeated evaluations are unchanged
 *     or identical, and evaluate scores exactly the logits predict returns.
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

#include "diagnostics/diagnostic.h"
#include "models/mlp.h"
#include "models/model.h"
#include "util/rng.h"

enum { N_IN = 3, N_HID = 3, N_CLASSES = 2, N_PROBE = 4 };

static const float PROBE_X[N_PROBE * N_IN] = {0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.75f,
                                              -2.0f, 1.0f, 0.5f, 0.1f, 0.9f, -1.2f};

/* Exact mean, variance and fourth cumulant of u_i = s·Σ_k M_ik·W_ik·v_k over
   all 2^(n_out·n_in) masks of independent Bernoulli(p) entries (n_out·n_in ≤ 16). */
static void enumerate_moments(const double *W, const double *v, int n_in, int n_out, double p, double s,
                              double *mean, double *var, double *kurt)
{
    int n_w = n_in * n_out;
    for (int i = 0; i < n_out; i++) {
        double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
        for (unsigned long mask = 0; mask < (1ul << n_w); mask++) {
            double prob = 1, u = 0;
            for (int w = 0; w < n_w; w++) {
                int kept = (int)(mask >> w & 1ul);
                prob *= kept ? p : 1 - p;
                if (kept && w / n_in == i)
                    u += s * W[w] * v[w % n_in];
            }
            m1 += prob * u, m2 += prob * u * u, m3 += prob * u * u * u, m4 += prob * u * u * u * u;
        }
        double c2 = m2 - m1 * m1;
        double c4 = m4 - 4 * m3 * m1 + 6 * m2 * m1 * m1 - 3 * m1 * m1 * m1 * m1;
        mean[i] = m1;
        var[i] = c2;
        kurt[i] = c4 - 3 * c2 * c2;
    }
}

typedef struct {
    dlx_config cfg;
    dlx_model model;
    dlx_dataset data;
    float x[N_PROBE * N_IN];
} setup;

/* A model of cfg's kind with weights drawn from seed, and a dataset whose
   splits are the probe examples. */
static setup *make_setup(dlx_model_type type, dlx_dropout_scaling scaling, double input, double hidden)
{
    setup *st = calloc(1, sizeof *st);
    assert_non_null(st);
    dlx_config *cfg = &st->cfg;
    cfg->model.type = type;
    cfg->model.n_hidden = type == MODEL_MLP ? 1 : 0;
    cfg->model.hidden[0] = N_HID;
    cfg->model.activation = ACT_RELU;
    cfg->model.init = INIT_NORMAL;
    cfg->model.init_std = 1.0;
    cfg->model.dropout_kind = DROPOUT_DROPCONNECT;
    cfg->model.dropout_scaling = scaling;
    cfg->model.dropout_input = input;
    cfg->model.dropout_hidden = hidden;
    cfg->loss = LOSS_CROSS_ENTROPY;
    dlx_diags diags = {0};
    dlx_model_shape shape = {.n_inputs = N_IN, .n_outputs = N_CLASSES, .max_batch = 8};
    assert_int_equal(model_create(&st->model, cfg, &shape, &diags), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 11, 0);
    model_init(&st->model, &rng);
    memcpy(st->x, PROBE_X, sizeof st->x);
    dlx_split split = {.n = N_PROBE, .dim = N_IN, .x = st->x};
    st->data.train = split;
    st->data.test = split;
    st->data.classes = N_CLASSES;
    return st;
}

static void free_setup(setup *st)
{
    model_free(&st->model);
    free(st);
}

/* Measure dropconnect_moments with S masks at step (its stream). */
static void measure(setup *st, int S, long step, double *values)
{
    const dlx_diagnostic *d = diagnostic_find("dropconnect_moments");
    assert_non_null(d);
    dlx_diag_context ctx = {.config = &st->cfg, .model = &st->model, .data = &st->data, .step = step,
                            .seed = 5, .param = S};
    dlx_diags diags = {0};
    assert_int_equal(d->create(&ctx, &diags), DLX_OK);
    d->measure(&ctx, values);
    d->destroy(ctx.state);
}

/* The rms columns of the diagnostic for one layer W [n_out, n_in] on inputs
   v [N_PROBE, n_in], from the enumerated moments. */
static void exact_rms(const float *Wf, const double *v, int n_in, int n_out, double p, double s, int S,
                      double *mean_rms, double *var_rms)
{
    double W[16], mean[4], var[4], kurt[4];
    for (int i = 0; i < n_in * n_out; i++)
        W[i] = Wf[i];
    double sum_var = 0, norm_mean = 0, ms_var = 0, norm_var = 0;
    for (int e = 0; e < N_PROBE; e++) {
        enumerate_moments(W, v + e * n_in, n_in, n_out, p, s, mean, var, kurt);
        for (int i = 0; i < n_out; i++) {
            sum_var += var[i];
            norm_mean += mean[i] * mean[i];
            ms_var += kurt[i] / S + 2 * var[i] * var[i] / (S - 1);
            norm_var += var[i] * var[i];
        }
    }
    *mean_rms = sqrt(sum_var / S / norm_mean);
    *var_rms = sqrt(ms_var / norm_var);
}

static void assert_close(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("got %.10g, want %.10g (relative tolerance %g)", got, want, rel);
}

/* The closed forms behind the rms columns equal the enumerated moments:
   softmax (the out layer reads the inputs at the input rate) and an mlp
   (fc1 at the input rate, out at the hidden rate on relu(fc1)). */
static void test_closed_forms_against_enumeration(void **state)
{
    (void)state;
    enum { S = 400 };
    for (int sc = 0; sc < 2; sc++) {
        dlx_dropout_scaling scaling = sc ? DROPOUT_TEST_TIME : DROPOUT_INVERTED;
        setup *st = make_setup(MODEL_SOFTMAX, scaling, 0.3, 0.0);
        double values[4], v[N_PROBE * N_IN], mean_rms, var_rms, p = 0.7;
        for (int i = 0; i < N_PROBE * N_IN; i++)
            v[i] = PROBE_X[i];
        measure(st, S, 1, values);
        exact_rms(model_find_tensor(&st->model, "out.weight")->data, v, N_IN, N_CLASSES, p, sc ? 1 : 1 / p, S,
                  &mean_rms, &var_rms);
        print_message("softmax %s: mean err %.4f (rms %.4f), var err %.4f (rms %.4f)\n",
                      sc ? "test_time" : "inverted", values[0], mean_rms, values[1], var_rms);
        assert_close(values[2], mean_rms, 1e-6);
        assert_close(values[3], var_rms, 1e-6);
        free_setup(st);

        st = make_setup(MODEL_MLP, scaling, 0.3, 0.6);
        double all[8];
        measure(st, S, 1, all);
        const float *W1 = model_find_tensor(&st->model, "fc1.weight")->data;
        const float *b1 = model_find_tensor(&st->model, "fc1.bias")->data;
        exact_rms(W1, v, N_IN, N_HID, p, sc ? 1 : 1 / p, S, &mean_rms, &var_rms);
        assert_close(all[2], mean_rms, 1e-6);
        assert_close(all[3], var_rms, 1e-6);
        double h[N_PROBE * N_HID];   /* the out layer's input: relu(x·W1ᵀ + b1), inference mode */
        for (int e = 0; e < N_PROBE; e++)
            for (int j = 0; j < N_HID; j++) {
                double z = b1[j];
                for (int k = 0; k < N_IN; k++)
                    z += (double)W1[j * N_IN + k] * PROBE_X[e * N_IN + k];
                h[e * N_HID + j] = z > 0 ? z : 0;
            }
        double q = 0.4;
        exact_rms(model_find_tensor(&st->model, "out.weight")->data, h, N_HID, N_CLASSES, q, sc ? 1 : 1 / q, S,
                  &mean_rms, &var_rms);
        assert_close(all[6], mean_rms, 1e-5);
        assert_close(all[7], var_rms, 1e-5);
        free_setup(st);
    }
}

/* Averaged over 60 measurements (60 streams), the squared errors match their
   mean square within the sampling error of the average, at S = 50 and
   S = 800, and the errors fall by about √16 = 4. */
static void test_errors_fall_as_inverse_sqrt_samples(void **state)
{
    (void)state;
    enum { K = 60 };
    setup *st = make_setup(MODEL_MLP, DROPOUT_INVERTED, 0.3, 0.6);
    double avg_err[2][2] = {{0}};
    const int samples[2] = {50, 800};
    for (int si = 0; si < 2; si++) {
        double ms[2] = {0}, rms[2] = {0};
        for (long k = 0; k < K; k++) {
            double v[8];
            measure(st, samples[si], k, v);
            for (int c = 0; c < 2; c++) {
                ms[c] += v[c] * v[c] / K;
                avg_err[si][c] += v[c] / K;
                rms[c] = v[2 + c];
            }
        }
        for (int c = 0; c < 2; c++) {
            double ratio = ms[c] / (rms[c] * rms[c]);
            print_message("S %d %s: mean square error / rms² = %.3f (rms %.4f)\n", samples[si],
                          c ? "variance" : "mean", ratio, rms[c]);
            assert_true(ratio > 0.6 && ratio < 1.5);
        }
    }
    for (int c = 0; c < 2; c++) {
        double fall = avg_err[0][c] / avg_err[1][c];
        print_message("%s error: S 50 %.4f, S 800 %.4f, ratio %.2f (S^(-1/2) predicts 4)\n", c ? "variance" : "mean",
                      avg_err[0][c], avg_err[1][c], fall);
        assert_true(fall > 3.0 && fall < 5.3);
    }
    free_setup(st);
}

/* The diagnostic fits only networks with DropConnect. */
static void test_fits(void **state)
{
    (void)state;
    const dlx_diagnostic *d = diagnostic_find("dropconnect_moments");
    dlx_config cfg = {0};
    cfg.model.type = MODEL_MLP;
    cfg.model.n_hidden = 1;
    cfg.model.hidden[0] = 4;
    cfg.model.dropout_hidden = 0.5;
    char why[256];
    assert_false(diagnostic_fits(d, &cfg, why, sizeof why));
    assert_non_null(strstr(why, "model.dropout.kind dropconnect"));
    cfg.model.dropout_kind = DROPOUT_DROPCONNECT;
    assert_true(diagnostic_fits(d, &cfg, why, sizeof why));
    cfg.model.dropout_hidden = 0.0;
    assert_false(diagnostic_fits(d, &cfg, why, sizeof why));
    cfg.model.type = MODEL_FACTORIZATION;
    cfg.model.dropout_hidden = 0.5;
    assert_false(diagnostic_fits(d, &cfg, why, sizeof why));
}

/* ---- moment-matching inference ------------------------------------------ */

enum { M_IN = 3, M_HID = 4, M_OUT = 2, M_ROWS = 64 };

static dlx_model_config mm_config(dlx_activation act, double input, double hidden, dlx_dropconnect_inference how,
                                  int samples)
{
    return (dlx_model_config){.type = MODEL_MLP, .n_hidden = 1, .hidden = {M_HID}, .activation = act,
                              .init = INIT_NORMAL, .init_std = 1.0, .dropout_kind = DROPOUT_DROPCONNECT,
                              .dropout_input = input, .dropout_hidden = hidden,
                              .dropout_scaling = DROPOUT_INVERTED, .dropconnect_inference = how,
                              .dropconnect_samples = samples, .bn_eps = 1e-5, .bn_momentum = 0.1};
}

/* A network of m with the weights of seed 3. */
static dlx_network *mm_network(const dlx_model_config *m)
{
    dlx_network *net = NULL;
    dlx_diags diags = {0};
    assert_int_equal(network_create(&net, m, LOSS_CROSS_ENTROPY, M_IN, M_OUT, M_ROWS, &diags), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 3, 0);
    network_init(net, &rng);
    return net;
}

static void mm_inputs(float *x)
{
    dlx_rng rng;
    rng_seed(&rng, 8, 1);
    for (int i = 0; i < M_ROWS * M_IN; i++)
        x[i] = (float)rng_normal(&rng);
}

/* σ_j of hidden unit j for example x: √((1−p)/p·Σ_k W_jk² x_k²) (inverted). */
static double hidden_sd(const float *W1, const float *x, int j, double rate)
{
    double p = 1 - rate, s2 = 0;
    for (int k = 0; k < M_IN; k++)
        s2 += (double)W1[j * M_IN + k] * W1[j * M_IN + k] * x[k] * x[k];
    return sqrt((1 - p) / p * s2);
}

/* relu: the logits approach those of the closed form E relu(u) =
   μΦ(μ/σ) + σφ(μ/σ), within 6 standard errors of a full-correlation bound. */
static void test_relu_matches_gaussian_closed_form(void **state)
{
    (void)state;
    enum { Z = 20000 };
    const double rate = 0.3;
    dlx_model_config m = mm_config(ACT_RELU, rate, 0.0, DROPCONNECT_MOMENT_MATCHING, Z);
    dlx_network *net = mm_network(&m);
    float x[M_ROWS * M_IN], logits[M_ROWS * M_OUT];
    mm_inputs(x);
    network_forward_logits(net, x, M_ROWS, NULL, logits);
    const float *W1 = network_find_tensor(net, "fc1.weight")->data, *b1 = network_find_tensor(net, "fc1.bias")->data;
    const float *W2 = network_find_tensor(net, "out.weight")->data, *b2 = network_find_tensor(net, "out.bias")->data;
    double worst = 0;
    for (int e = 0; e < M_ROWS; e++) {
        const float *xe = x + e * M_IN;
        double h[M_HID], sd[M_HID];
        for (int j = 0; j < M_HID; j++) {
            double mu = b1[j];
            for (int k = 0; k < M_IN; k++)
                mu += (double)W1[j * M_IN + k] * xe[k];
            sd[j] = hidden_sd(W1, xe, j, rate);
            double t = mu / sd[j];
            h[j] = mu * 0.5 * erfc(-t / sqrt(2.0)) + sd[j] * exp(-0.5 * t * t) / sqrt(2 * M_PI);
        }
        for (int c = 0; c < M_OUT; c++) {
            double want = b2[c], bound = 1e-4;
            for (int j = 0; j < M_HID; j++) {
                want += W2[c * M_HID + j] * h[j];
                bound += 6 * fabs(W2[c * M_HID + j]) * sd[j] / sqrt((double)Z);
            }
            double err = fabs(logits[e * M_OUT + c] - want);
            worst = fmax(worst, err / bound);
            if (err > bound)
                fail_msg("example %d class %d: moment matching %.6f, closed form %.6f, bound %.6f", e, c,
                         logits[e * M_OUT + c], want, bound);
        }
    }
    print_message("relu, Z %d: worst |logit − closed form| / bound = %.3f\n", Z, worst);
    network_free(net);
}

/* Identity activation: moment matching's hidden output is μ + σ·ē, ē the
   mean of Z standard normals, so its logits equal weight scaling's up to
   Σ_j |W2_cj|·σ_j/√Z (6 of those), and the RMS difference over the
   examples falls by about √(4096/16) = 16 from Z = 16 to Z = 4096. */
static void test_identity_equals_weight_scaling_in_expectation(void **state)
{
    (void)state;
    const double rate = 0.3;
    float x[M_ROWS * M_IN], ws[M_ROWS * M_OUT], mm[M_ROWS * M_OUT];
    mm_inputs(x);
    dlx_model_config wcfg = mm_config(ACT_IDENTITY, rate, 0.5, DROPCONNECT_WEIGHT_SCALING, 0);
    dlx_network *wnet = mm_network(&wcfg);
    network_forward_logits(wnet, x, M_ROWS, NULL, ws);
    double rms[2];
    const int Zs[2] = {16, 4096};
    for (int zi = 0; zi < 2; zi++) {
        dlx_model_config m = mm_config(ACT_IDENTITY, rate, 0.5, DROPCONNECT_MOMENT_MATCHING, Zs[zi]);
        dlx_network *net = mm_network(&m);
        assert_memory_equal(network_params(net), network_params(wnet), network_n_params(net) * sizeof(float));
        network_forward_logits(net, x, M_ROWS, NULL, mm);
        const float *W1 = network_find_tensor(net, "fc1.weight")->data;
        const float *W2 = network_find_tensor(net, "out.weight")->data;
        double ss = 0;
        for (int e = 0; e < M_ROWS; e++)
            for (int c = 0; c < M_OUT; c++) {
                double d = mm[e * M_OUT + c] - ws[e * M_OUT + c], bound = 1e-5;
                for (int j = 0; j < M_HID; j++)
                    bound += 6 * fabs(W2[c * M_HID + j]) * hidden_sd(W1, x + e * M_IN, j, rate) / sqrt((double)Zs[zi]);
                if (fabs(d) > bound)
                    fail_msg("Z %d example %d class %d: moment matching %.6f, weight scaling %.6f, bound %.6f", Zs[zi],
                             e, c, mm[e * M_OUT + c], ws[e * M_OUT + c], bound);
                ss += d * d;
            }
        rms[zi] = sqrt(ss / (M_ROWS * M_OUT));
        network_free(net);
    }
    print_message("identity: rms difference to weight scaling %.5f (Z 16), %.6f (Z 4096), ratio %.1f\n", rms[0],
                  rms[1], rms[0] / rms[1]);
    assert_true(rms[0] / rms[1] > 8);
    network_free(wnet);
}

/* As p → 1 the Gaussian narrows (σ ∝ √(rate/(1 − rate))) and moment matching
   approaches the deterministic network: each tenfold smaller rate shrinks
   the largest logit difference (0.46, 0.078, 0.0077, 0.0035 measured for
   rates 0.2 .. 0.0002), down to below 0.005. */
static void test_approaches_deterministic_net_as_p_to_one(void **state)
{
    (void)state;
    float x[M_ROWS * M_IN], ws[M_ROWS * M_OUT], mm[M_ROWS * M_OUT];
    mm_inputs(x);
    double last = INFINITY;
    for (double rate = 0.2; rate > 1e-4; rate /= 10) {
        dlx_model_config w = mm_config(ACT_RELU, rate, rate, DROPCONNECT_WEIGHT_SCALING, 0);
        dlx_model_config m = mm_config(ACT_RELU, rate, rate, DROPCONNECT_MOMENT_MATCHING, 4000);
        dlx_network *wnet = mm_network(&w), *net = mm_network(&m);
        network_forward_logits(wnet, x, M_ROWS, NULL, ws);
        network_forward_logits(net, x, M_ROWS, NULL, mm);
        double worst = 0;
        for (int i = 0; i < M_ROWS * M_OUT; i++)
            worst = fmax(worst, fabs(mm[i] - ws[i]));
        print_message("rate %g: max |moment matching − weight scaling| = %.6f\n", rate, worst);
        assert_true(worst < last);
        last = worst;
        network_free(wnet);
        network_free(net);
    }
    assert_true(last < 5e-3);
}

/* Batch norm before the activation scales σ by γ/√(running var + ε): with
   γ = 0 every draw is the same and moment matching is weight scaling; with
   γ = 1 it is not. */
static void test_batch_norm_scales_the_variance(void **state)
{
    (void)state;
    float x[M_ROWS * M_IN], ws[M_ROWS * M_OUT], mm[M_ROWS * M_OUT];
    mm_inputs(x);
    for (int g = 0; g < 2; g++) {
        dlx_model_config w = mm_config(ACT_RELU, 0.3, 0.0, DROPCONNECT_WEIGHT_SCALING, 0);
        dlx_model_config m = mm_config(ACT_RELU, 0.3, 0.0, DROPCONNECT_MOMENT_MATCHING, 1000);
        w.batch_norm = m.batch_norm = true;
        dlx_network *nets[2] = {mm_network(&w), mm_network(&m)};
        for (int n = 0; n < 2; n++) {
            float *gamma = network_find_tensor(nets[n], "bn1.weight")->data;
            float *beta = network_find_tensor(nets[n], "bn1.bias")->data;
            for (int j = 0; j < M_HID; j++)
                gamma[j] = (float)g, beta[j] = 0.3f * (float)(j - 1);
        }
        network_forward_logits(nets[0], x, M_ROWS, NULL, ws);
        network_forward_logits(nets[1], x, M_ROWS, NULL, mm);
        double worst = 0;
        for (int i = 0; i < M_ROWS * M_OUT; i++)
            worst = fmax(worst, fabs(mm[i] - ws[i]));
        print_message("batch norm γ = %d: max |moment matching − weight scaling| = %.3g\n", g, worst);
        if (g == 0)
            assert_true(worst < 1e-5);
        else
            assert_true(worst > 1e-2);
        network_free(nets[0]);
        network_free(nets[1]);
    }
}

/* Training is the same with either inference (same weights, loss and
   gradient); moment matching's evaluations are reproducible; and evaluate
   scores exactly the logits of predict. */
static void test_training_unchanged_and_evaluation_reproducible(void **state)
{
    (void)state;
    float x[M_ROWS * M_IN], a[M_ROWS * M_OUT], b[M_ROWS * M_OUT];
    int labels[M_ROWS];
    mm_inputs(x);
    for (int e = 0; e < M_ROWS; e++)
        labels[e] = e % M_OUT;
    dlx_model_config w = mm_config(ACT_RELU, 0.2, 0.5, DROPCONNECT_WEIGHT_SCALING, 0);
    dlx_model_config m = mm_config(ACT_RELU, 0.2, 0.5, DROPCONNECT_MOMENT_MATCHING, 500);
    dlx_network *wnet = mm_network(&w), *net = mm_network(&m);
    size_t n = network_n_params(net);
    assert_int_equal(n, network_n_params(wnet));
    assert_memory_equal(network_params(net), network_params(wnet), n * sizeof(float));
    dlx_rng r1, r2;
    rng_seed(&r1, 4, 3);
    rng_seed(&r2, 4, 3);
    double l1 = network_forward_train(wnet, x, labels, NULL, M_ROWS, &r1);
    double l2 = network_forward_train(net, x, labels, NULL, M_ROWS, &r2);
    assert_true(l1 == l2);
    network_backward(wnet);
    network_backward(net);
    assert_memory_equal(network_grads(net), network_grads(wnet), n * sizeof(float));

    network_forward_logits(net, x, M_ROWS, NULL, a);
    network_forward_logits(net, x, M_ROWS, NULL, b);
    assert_memory_equal(a, b, sizeof a);
    long correct = 0;
    double loss = network_evaluate(net, x, labels, NULL, M_ROWS, &correct);
    double want = 0;
    long hits = 0;
    for (int e = 0; e < M_ROWS; e++) {
        const float *z = a + e * M_OUT;
        double top = fmax(z[0], z[1]);
        want += top + log(exp(z[0] - top) + exp(z[1] - top)) - z[labels[e]];
        hits += (z[labels[e]] >= z[1 - labels[e]]);
    }
    assert_close(loss, want, 1e-5);
    assert_int_equal(correct, hits);
    network_free(wnet);
    network_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_forms_against_enumeration),
        cmocka_unit_test(test_errors_fall_as_inverse_sqrt_samples),
        cmocka_unit_test(test_fits),
        cmocka_unit_test(test_relu_matches_gaussian_closed_form),
        cmocka_unit_test(test_identity_equals_weight_scaling_in_expectation),
        cmocka_unit_test(test_approaches_deterministic_net_as_p_to_one),
        cmocka_unit_test(test_batch_norm_scales_the_variance),
        cmocka_unit_test(test_training_unchanged_and_evaluation_reproducible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
