/*
 * The pieces of NN-LIFT (training.method tensor_lift, SPEC §7):
 *
 *   - the tensor power method with deflation (util/tensor_power.h) recovers
 *     an exactly orthogonally decomposable T = Σ_j λ_j v_j⊗v_j⊗v_j to 10⁻⁶,
 *     a negative λ_j as the positive weight of −v_j;
 *   - the empirical score cross-moment (util/score_moment.h) of a sigmoid
 *     teacher y = Σ_j a_j σ(w_jᵀx + b_j) + noise approaches its population
 *     value Σ_j λ_j w_j⊗w_j⊗w_j, λ_j = a_j E[σ'''(z + b_j)] (Gauss–Hermite),
 *     within a few standard errors, and the error shrinks like 1/√n;
 *   - teacher_regression data: A₁'s rows orthonormal, the targets the
 *     teacher's outputs, and the data the same for the same data.seed;
 *   - the whole fit (train/tensor_lift.h) on a noiseless sigmoid teacher
 *     recovers its rows (weight_recovery ≥ 0.999) and the joint
 *     least-squares step lowers the b₁ = 0 start's loss to near 0, and on
 *     noisy data to about noise²;
 *   - weight_recovery_min_cos on hand-made rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "data/synthetic.h"
#include "diagnostics/weight_recovery.h"
#include "models/model.h"
#include "train/tensor_lift.h"
#include "data/teacher_regression.h"
#include "util/gauss_hermite.h"
#include "util/linalg.h"
#include "util/rng.h"
#include "util/score_moment.h"
#include "util/tensor_power.h"

/* T += λ v⊗v⊗v. */
static void add_rank_one(double *T, int d, double lambda, const double *v)
{
    for (int a = 0; a < d; a++)
        for (int b = 0; b < d; b++)
            for (int c = 0; c < d; c++)
                T[((size_t)a * d + b) * d + c] += lambda * v[a] * v[b] * v[c];
}

static void test_power_method_exact(void **state)
{
    (void)state;
    enum { D = 8, K = 4 };
    const double weights[K] = {3.0, -2.0, 1.5, 0.7};
    double q[D * D], T[D * D * D] = {0}, found[K], dirs[K * D];
    dlx_rng rng;
    rng_seed(&rng, 7, 1);
    assert_int_equal(random_orthogonal(q, D, &rng), DLX_OK);
    for (int j = 0; j < K; j++)
        add_rank_one(T, D, weights[j], q + j * D);   /* column j of Q (column-major) */
    assert_int_equal(tensor_power_decompose(T, D, K, 10, 50, &rng, found, dirs), DLX_OK);
    bool used[K] = {false};
    for (int i = 0; i < K; i++) {
        int match = -1;
        double best = 0, dot_best = 0;
        for (int j = 0; j < K; j++) {
            double dot = 0;
            for (int c = 0; c < D; c++)
                dot += dirs[i * D + c] * q[j * D + c];
            if (fabs(dot) > best) {
                best = fabs(dot);
                match = j;
                dot_best = dot;
            }
        }
        assert_true(match >= 0 && !used[match]);
        used[match] = true;
        double sign = weights[match] > 0 ? 1.0 : -1.0;
        double dist = 0;
        for (int c = 0; c < D; c++)
            dist += pow(dirs[i * D + c] - sign * q[match * D + c], 2);
        print_message("component %d: lambda %.9f (true %.3f), |v - s v_true| = %.3g\n", i, found[i],
                      weights[match], sqrt(dist));
        assert_true(dot_best * sign > 0);
        assert_true(sqrt(dist) < 1e-6);
        assert_true(fabs(found[i] - fabs(weights[match])) < 1e-6);
    }
    /* the components come in the order of |λ|: the largest first */
    for (int i = 1; i < K; i++)
        assert_true(found[i] <= found[i - 1] + 1e-9);
    double rest = 0;
    for (int i = 0; i < D * D * D; i++)
        rest = fmax(rest, fabs(T[i]));
    assert_true(rest < 1e-9);   /* fully deflated */
}

/* σ'''(z) of the logistic sigmoid: s(1 − s)(1 − 6s + 6s²). */
static double sigmoid_third(double z, void *arg)
{
    (void)arg;
    double s = 1.0 / (1.0 + exp(-z));
    return s * (1 - s) * (1 - 6 * s + 6 * s * s);
}

/* ‖T_n − T_pop‖_F / ‖T_pop‖_F for n examples of the teacher of cfg. */
static double moment_error(const dlx_data_config *cfg, double *lambda_out)
{
    enum { D = 4, K = 2 };
    dlx_diags diags = {0};
    dlx_dataset ds;
    assert_int_equal(synthetic_generate(&ds, cfg, "t.yaml", &diags), DLX_OK);
    double A[K * D], b[K], a[K];
    dlx_rng truth;
    rng_seed(&truth, cfg->seed, SYNTHETIC_STREAM_TRUTH);
    assert_int_equal(teacher_regression_truth(cfg, &truth, A, b, a), DLX_OK);
    gauss_hermite_rule rule;
    assert_int_equal(gauss_hermite_rule_init(&rule, 80), DLX_OK);
    double pop[D * D * D] = {0}, T[D * D * D];
    for (int j = 0; j < K; j++) {
        double lambda = a[j] * gauss_hermite_expect(&rule, sigmoid_third, NULL, b[j], 1.0);
        lambda_out[j] = lambda;
        add_rank_one(pop, D, lambda, A + j * D);
    }
    assert_int_equal(score_moment3(ds.train.x, ds.train.targets, ds.train.n, D, T), DLX_OK);
    double err = 0, norm = 0;
    for (int i = 0; i < D * D * D; i++) {
        err += (T[i] - pop[i]) * (T[i] - pop[i]);
        norm += pop[i] * pop[i];
    }
    dataset_free(&ds);
    diags_free(&diags);
    return sqrt(err / norm);
}

static void test_score_moment_expectation(void **state)
{
    (void)state;
    dlx_data_config cfg = {.source = DATA_SYNTHETIC, .kind = SYN_TEACHER_REGRESSION, .dim = 4,
                           .teacher_hidden = 2, .teacher_activation = ACT_SIGMOID, .noise = 0.1,
                           .n_test = 10, .seed = 3};
    double lambda[2];
    cfg.n_train = 62500;
    double small = moment_error(&cfg, lambda);
    cfg.n_train = 1000000;
    double large = moment_error(&cfg, lambda);
    print_message("lambda = %.4f, %.4f; relative Frobenius error at n = 62500: %.4f, at n = 1e6: %.4f\n",
                  lambda[0], lambda[1], small, large);
    assert_true(fabs(lambda[0]) > 0.05 && fabs(lambda[1]) > 0.05);   /* teacher_regression.h: |λ| ∈ [0.055, 0.125] */
    assert_true(large < 0.1);
    assert_true(large < small / 2);   /* 1/√n: a factor 4 from 16 times the examples */
}

static void test_teacher_data(void **state)
{
    (void)state;
    enum { D = 6, K = 3 };
    dlx_data_config cfg = {.source = DATA_SYNTHETIC, .kind = SYN_TEACHER_REGRESSION, .dim = D,
                           .teacher_hidden = K, .teacher_activation = ACT_TANH, .noise = 0.0,
                           .n_train = 50, .n_test = 20, .seed = 11};
    dlx_diags diags = {0};
    dlx_dataset ds, again;
    assert_int_equal(synthetic_generate(&ds, &cfg, "t.yaml", &diags), DLX_OK);
    assert_int_equal(synthetic_generate(&again, &cfg, "t.yaml", &diags), DLX_OK);
    assert_non_null(ds.teacher_first_layer);
    assert_int_equal(ds.teacher_units, K);
    assert_int_equal(ds.classes, 0);
    assert_int_equal(ds.train.n_targets, 1);
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
            double dot = 0;
            for (int c = 0; c < D; c++)
                dot += (double)ds.teacher_first_layer[i * D + c] * ds.teacher_first_layer[j * D + c];
            assert_true(fabs(dot - (i == j)) < 1e-6);
        }
    double A[K * D], b[K], a[K];
    dlx_rng truth;
    rng_seed(&truth, cfg.seed, SYNTHETIC_STREAM_TRUTH);
    assert_int_equal(teacher_regression_truth(&cfg, &truth, A, b, a), DLX_OK);
    for (int j = 0; j < K; j++) {
        assert_true(b[j] >= -0.5 && b[j] <= 0.5);
        assert_true(fabs(a[j]) >= 1.0 && fabs(a[j]) <= 2.0);
    }
    for (int i = 0; i < ds.train.n; i++) {
        double y = 0;
        for (int j = 0; j < K; j++) {
            double z = b[j];
            for (int c = 0; c < D; c++)
                z += A[j * D + c] * ds.train.x[i * D + c];
            y += a[j] * tanh(z);
        }
        assert_true(fabs(y - ds.train.targets[i]) < 1e-5);
    }
    assert_memory_equal(ds.train.x, again.train.x, sizeof(float) * D * 50);
    assert_memory_equal(ds.test.targets, again.test.targets, sizeof(float) * 20);
    dataset_free(&ds);
    dataset_free(&again);
    diags_free(&diags);
}

/* NN-LIFT on n examples of a d = 8, k = 3 sigmoid teacher with this noise;
   returns weight_recovery and the report. */
static double lift_on_teacher(double noise, long n, dlx_tensor_lift_report *report)
{
    enum { D = 8, K = 3 };
    dlx_data_config data = {.source = DATA_SYNTHETIC, .kind = SYN_TEACHER_REGRESSION, .dim = D,
                            .teacher_hidden = K, .teacher_activation = ACT_SIGMOID, .noise = noise,
                            .n_train = n, .n_test = 10, .seed = 2};
    dlx_diags diags = {0};
    dlx_dataset ds;
    assert_int_equal(synthetic_generate(&ds, &data, "t.yaml", &diags), DLX_OK);
    dlx_config cfg = {.data = data, .loss = LOSS_MSE};
    cfg.model = (dlx_model_config){.type = MODEL_MLP, .n_hidden = 1, .hidden = {K}, .activation = ACT_SIGMOID,
                                   .init = INIT_XAVIER, .bn_momentum = 0.1, .bn_eps = 1e-5};
    dlx_model_shape shape = {.n_inputs = D, .n_outputs = 1, .max_batch = 64, .n_train = (int)n};
    dlx_model model = {0};
    assert_int_equal(model_create(&model, &cfg, &shape, &diags), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 1, 1);
    model_init(&model, &rng);
    assert_int_equal(tensor_lift_fit(&model, &ds.train, ACT_SIGMOID, &rng, report, &diags), DLX_OK);
    double recovery = NAN;
    for (int i = 0; i < model_n_tensors(&model); i++) {
        dlx_tensor *t = model_tensor(&model, i);
        if (strcmp(t->name, "fc1.weight") == 0) {
            for (int j = 0; j < K; j++)   /* unit rows */
                assert_true(fabs(strided_norm(t->data + j * D, D, 1) - 1.0) < 1e-6);
            recovery = weight_recovery_min_cos(ds.teacher_first_layer, K, t->data, K, D);
        }
    }
    model_free(&model);
    dataset_free(&ds);
    diags_free(&diags);
    return recovery;
}

static void test_fit(void **state)
{
    (void)state;
    dlx_tensor_lift_report clean, noisy;
    double r_clean = lift_on_teacher(0.0, 100000, &clean);
    double r_noisy = lift_on_teacher(0.1, 100000, &noisy);
    print_message("noise 0: weight_recovery %.6f, mse %.3g after b1 = 0 least squares, %.3g after %d LM steps\n",
                  r_clean, clean.lm_loss_start, clean.lm_loss_end, clean.lm_steps);
    print_message("noise 0.1: weight_recovery %.6f, mse %.4g after b1 = 0 least squares, %.4g after %d LM steps\n",
                  r_noisy, noisy.lm_loss_start, noisy.lm_loss_end, noisy.lm_steps);
    assert_true(r_clean >= 0.999 && r_noisy >= 0.999);
    assert_true(clean.lm_loss_end <= clean.lm_loss_start && noisy.lm_loss_end <= noisy.lm_loss_start);
    assert_true(clean.lm_loss_end < 1e-3);
    assert_true(noisy.lm_loss_end < 0.0105 && noisy.lm_loss_end > 0.0095);
}

static void test_min_cos(void **state)
{
    (void)state;
    const float teacher[2 * 3] = {1, 0, 0, 0, 1, 0};
    const float rows[3 * 3] = {0, -2, 0, 3, 4, 0, 0, 0, 1};   /* ±e2 exactly; e1 at cos 0.6 */
    assert_true(fabs(weight_recovery_min_cos(teacher, 2, rows, 3, 3) - 0.6) < 1e-12);
    const float zero[3] = {0, 0, 0};
    assert_true(isnan(weight_recovery_min_cos(teacher, 2, zero, 1, 3)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_method_exact),
        cmocka_unit_test(test_score_moment_expectation),
        cmocka_unit_test(test_teacher_data),
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_min_cos),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
