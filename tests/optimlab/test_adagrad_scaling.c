/*
 * Reduced configs/adagrad_scaling.yaml, for data seeds 1..3, and the pieces
 * it rests on.
 *
 * Claim (Duchi, Hazan & Singer 2011): on the separable quadratic of an
 * axis-aligned design whose sample covariance is diag(λ) exactly
 * (data.rotate false, data.exact_covariance true; λ from 1 down to 1/κ,
 * noise 0), Adagrad with ε = 0
 *   - follows the same trajectory for κ = 10, 100, 10⁴: in lockstep, every
 *     weight of the κ = 100 and κ = 10⁴ runs stays within 1e-5·max|w| of
 *     the κ = 10 run at each of the first 150 steps (float rounding, not
 *     the theory, sets that tolerance), and the dist_to_ref curves differ by
 *     at most 1e-6; the bias, whose gradient is rounding noise, moves by at
 *     most lr and ends below 1e-6;
 *   - needs the same number of iterations to dist_to_ref ≤ 1e-3 at every κ,
 * while gradient descent with η = 1/L needs at least 100 times as many at
 * κ = 10⁴ as at κ = 10 (theory: about 1000 times).
 * Also: Adagrad's update is 0 on a coordinate with a zero accumulator when
 * ε = 0 (no 0/0), ε = 0 is refused for Adam and RMSprop, the new data keys
 * are located errors where they do not apply, and exact_covariance makes
 * the training split's mean 0 and (1/n)·XᵀX = diag(λ).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "optim/optimizer.h"
#include "train/trainer.h"
#include "optimlab_util.h"

enum { N_SEEDS = 3, DIM = 10, LOCKSTEP_STEPS = 150 };

static const char *const YAML =
    "experiment: adagrad_scaling_reduced\n"
    "data: {source: synthetic, kind: linear, n_train: 200, n_test: 50, dim: 10, noise: 0.0,\n"
    "       condition: 10, rotate: false, exact_covariance: true, seed: %d, preprocess: none}\n"
    "model: {type: linear, init: zeros}\n"
    "loss: mse\n"
    "reference: min_norm\n"
    "optimizer: {type: adagrad, lr: 0.1, eps: 0.0}\n"
    "training: {epochs: 200, batch_size: full, eval_every: 1}\n"
    "diagnostics: [dist_to_ref]\n"
    "arms:\n"
    "  - {name: adagrad_k10}\n"
    "  - {name: adagrad_k100, data: {condition: 100}}\n"
    "  - {name: adagrad_k10000, data: {condition: 10000}}\n"
    "  - {name: gd_k10, optimizer: {type: sgd, lr: theory}, training: {epochs: 400}}\n"
    "  - {name: gd_k10000, data: {condition: 10000}, optimizer: {type: sgd, lr: theory},\n"
    "     training: {epochs: 70000, eval_every: 10}}\n";

/* The first step with dist_to_ref ≤ 1e-3 (dist_to_ref is relative to θ₀). */
static long steps_to_tol(const harness_csv *m, const char *arm)
{
    long n = optimlab_steps_to(m, arm, "dist_to_ref", 1e-3);
    assert_true(n > 0);
    return n;
}

static void test_counts_and_curves(void **state)
{
    (void)state;
    for (int seed = 1; seed <= N_SEEDS; seed++) {
        char *dir = harness_tmpdir();
        char text[4096];
        snprintf(text, sizeof text, YAML, seed);
        harness_csv m;
        optimlab_run(dir, text, &m);
        long ada10 = steps_to_tol(&m, "adagrad_k10"), ada100 = steps_to_tol(&m, "adagrad_k100");
        long ada1e4 = steps_to_tol(&m, "adagrad_k10000");
        long gd10 = steps_to_tol(&m, "gd_k10"), gd1e4 = steps_to_tol(&m, "gd_k10000");
        print_message("data seed %d: Adagrad %ld %ld %ld steps; GD %ld -> %ld (x%.0f)\n", seed, ada10,
                      ada100, ada1e4, gd10, gd1e4, (double)gd1e4 / gd10);
        assert_int_equal(ada100, ada10);
        assert_int_equal(ada1e4, ada10);
        assert_true(gd1e4 >= 100 * gd10);
        /* The dist_to_ref curves of the Adagrad arms, row by row. */
        int f10, e10, f, e;
        optimlab_arm_rows(&m, "adagrad_k10", &f10, &e10);
        const char *others[] = {"adagrad_k100", "adagrad_k10000"};
        for (int a = 0; a < 2; a++) {
            optimlab_arm_rows(&m, others[a], &f, &e);
            assert_int_equal(e - f, e10 - f10);
            double worst = 0;
            for (int r = 0; r < e - f; r++)
                worst = fmax(worst, fabs(harness_csv_num(&m, f + r, "dist_to_ref") -
                                         harness_csv_num(&m, f10 + r, "dist_to_ref")));
            print_message("  %s: max |dist - dist_k10| = %.3g\n", others[a], worst);
            assert_true(worst <= 1e-6);
        }
        harness_csv_free(&m);
        harness_rmtree(dir);
        free(dir);
    }
}

/* One trainer of the base config of text (κ = condition), in dir. */
typedef struct {
    dlx_config cfg;
    dlx_dataset ds;
    dlx_trainer *trainer;
    FILE *rows;
    char ckpt[4096], name[64];
    dlx_run_request req; /* the trainer keeps a pointer to it */
} lockstep_run;

static void lockstep_open(lockstep_run *r, const char *dir, int seed, double condition)
{
    char text[4096], *name = r->name, *body = strstr(YAML, "arms:");
    snprintf(text, sizeof text, "%.*s", (int)(body - YAML), YAML);
    char with_seed[4096];
    snprintf(with_seed, sizeof with_seed, text, seed);
    char *at = strstr(with_seed, "condition: 10,");
    assert_non_null(at);
    char tail[4096];
    snprintf(tail, sizeof tail, "%s", at + strlen("condition: 10,"));
    snprintf(at, sizeof with_seed - (size_t)(at - with_seed), "condition: %g,%s", condition, tail);
    snprintf(name, sizeof r->name, "k%g.yaml", condition);
    char *yaml = harness_write(dir, name, with_seed);
    optimlab_load_base(yaml, &r->cfg, &r->ds);
    free(yaml);
    snprintf(r->ckpt, sizeof r->ckpt, "%s/k%g.safetensors", dir, condition);
    r->rows = fopen("/dev/null", "w");
    assert_non_null(r->rows);
    r->req = (dlx_run_request){.config = &r->cfg, .arm = "a", .seed = 1, .data = &r->ds,
                           .source_file = name, .checkpoint_path = r->ckpt,
                           .sinks = {{r->rows, "/dev/null"}}, .n_sinks = 1};
    dlx_diags d = {0};
    assert_int_equal(trainer_create(&r->trainer, &r->req, &d), DLX_OK);
    assert_int_equal(trainer_begin(r->trainer, &d), DLX_OK);
    diags_free(&d);
}

static void lockstep_close(lockstep_run *r)
{
    trainer_free(r->trainer);
    dataset_free(&r->ds);
    fclose(r->rows);
}

static void test_lockstep_trajectories(void **state)
{
    (void)state;
    const double conditions[] = {10, 100, 10000};
    for (int seed = 1; seed <= N_SEEDS; seed++) {
        char *dir = harness_tmpdir();
        lockstep_run runs[3];
        for (int k = 0; k < 3; k++)
            lockstep_open(&runs[k], dir, seed, conditions[k]);
        /* The weights' scale: the largest |w_j| of the κ = 10 run along the way. */
        dlx_diags d = {0};
        double worst[3] = {0}, scale = 0, bias_max = 0;
        for (int t = 0; t < LOCKSTEP_STEPS; t++) {
            for (int k = 0; k < 3; k++)
                assert_int_equal(trainer_advance(runs[k].trainer, &d), DLX_OK);
            const float *base = model_params(trainer_model(runs[0].trainer));
            size_t n = model_n_params(trainer_model(runs[0].trainer));
            assert_int_equal(n, DIM + 1);
            for (size_t i = 0; i < DIM; i++)
                scale = fmax(scale, fabs(base[i]));
            for (int k = 0; k < 3; k++) {
                const float *p = model_params(trainer_model(runs[k].trainer));
                for (size_t i = 0; i < DIM; i++)
                    worst[k] = fmax(worst[k], fabs((double)p[i] - base[i]));
                bias_max = fmax(bias_max, fabs(p[DIM]));
            }
        }
        /* The bias (curvature 2 at every κ, optimum ȳ = 0) has a gradient of
           rounding size only, 2·mean(residual) ~ 1e-9, and ε = 0 turns it into
           a step of ±lr whatever its size: the bias moves by at most lr and is
           back at rounding level at the end. */
        for (int k = 0; k < 3; k++)
            assert_true(fabs(model_params(trainer_model(runs[k].trainer))[DIM]) < 1e-6);
        assert_true(bias_max <= 0.1 + 1e-6);
        print_message("data seed %d: max |w_κ − w_10| over %d steps: κ=100 %.3g, κ=1e4 %.3g "
                      "(max |w| %.3g, max |b| %.3g)\n", seed, LOCKSTEP_STEPS, worst[1], worst[2], scale,
                      bias_max);
        assert_true(scale > 0.1);
        assert_true(worst[1] <= 1e-5 * scale);
        assert_true(worst[2] <= 1e-5 * scale);
        for (int k = 0; k < 3; k++)
            lockstep_close(&runs[k]);
        diags_free(&d);
        harness_rmtree(dir);
        free(dir);
    }
}

/* ε = 0: a coordinate whose gradients have all been 0 keeps its value (no
   0/0); one with a gradient g moves by −lr·sign(g) at its first step. */
static void test_adagrad_zero_accumulator(void **state)
{
    (void)state;
    dlx_optimizer_config cfg = {.type = OPT_ADAGRAD, .lr = 0.5, .eps = 0.0};
    dlx_optimizer *opt = NULL;
    dlx_diags d = {0};
    assert_int_equal(optimizer_create(&opt, &cfg, 3, &d), DLX_OK);
    float params[3] = {1.0f, 2.0f, 3.0f};
    const float g1[3] = {0.0f, 4.0f, 0.0f}, g2[3] = {0.0f, 3.0f, 1e-30f};
    optimizer_step(opt, params, g1, cfg.lr);
    assert_true(params[0] == 1.0f && params[2] == 3.0f);
    assert_float_equal(params[1], 1.5f, 1e-7);
    optimizer_step(opt, params, g2, cfg.lr); /* 1e-30² underflows: s stays 0 */
    for (int i = 0; i < 3; i++)
        assert_true(isfinite(params[i]));
    assert_true(params[0] == 1.0f && params[2] == 3.0f);
    assert_float_equal(params[1], 1.5f - 0.5f * 3.0f / 5.0f, 1e-6);
    optimizer_free(opt);
    diags_free(&d);
}

/* exact_covariance: mean 0 and (1/n)·XᵀX = diag(λ), λ_j = κ^(−j/(d−1)). */
static void test_exact_design(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char text[4096], *body = strstr(YAML, "arms:");
    snprintf(text, sizeof text, "%.*s", (int)(body - YAML), YAML);
    char with_seed[4096];
    snprintf(with_seed, sizeof with_seed, text, 2);
    char *yaml = harness_write(dir, "exp.yaml", with_seed);
    dlx_config cfg;
    dlx_dataset ds;
    optimlab_load_base(yaml, &cfg, &ds);
    const dlx_split *s = &ds.train;
    double worst = 0;
    for (int j = 0; j < DIM; j++) {
        double mean = 0;
        for (int i = 0; i < s->n; i++)
            mean += s->x[i * DIM + j] / (double)s->n;
        assert_true(fabs(mean) < 1e-6);
        for (int k = 0; k < DIM; k++) {
            double c = 0;
            for (int i = 0; i < s->n; i++)
                c += (double)s->x[i * DIM + j] * s->x[i * DIM + k] / s->n;
            double want = j == k ? pow(10.0, -(double)j / (DIM - 1)) : 0.0;
            worst = fmax(worst, fabs(c - want));
        }
    }
    print_message("max |(1/n)XᵀX − diag(λ)| = %.3g\n", worst);
    assert_true(worst < 1e-6);
    dataset_free(&ds);
    free(yaml);
    harness_rmtree(dir);
    free(dir);
}

static void test_misuse_is_located(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *yaml = harness_write(dir, "bad.yaml",
                               "experiment: bad\n"
                               "data: {source: synthetic, kind: gaussian_mixture, rotate: false}\n"
                               "model: {type: softmax}\n"
                               "optimizer: {type: adam, lr: 0.1, eps: 0.0}\n");
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "validate '%s'", yaml), 2);
    print_message("%s", err);
    assert_non_null(strstr(err, "bad.yaml:2:51: error: key 'rotate' applies only to data.kind linear"));
    assert_non_null(strstr(err, "bad.yaml:4:39: error: optimizer.eps must be greater than 0, got 0.0"));
    free(err);
    free(yaml);
    yaml = harness_write(dir, "small.yaml",
                         "experiment: small\n"
                         "data: {source: synthetic, kind: linear, dim: 10, n_train: 10, n_test: 20,\n"
                         "       exact_covariance: true}\n"
                         "model: {type: linear}\n"
                         "optimizer: {type: adagrad, lr: 0.1, eps: 0}\n");
    assert_int_equal(harness_dlx(NULL, &err, "run '%s' --out '%s/r' --quiet", yaml, dir), 2);
    print_message("%s", err);
    assert_non_null(strstr(err, "data.exact_covariance needs more examples than data.dim (10)"));
    free(err);
    free(yaml);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    optimlab_use_memory_tmp();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adagrad_zero_accumulator), cmocka_unit_test(test_exact_design),
        cmocka_unit_test(test_misuse_is_located),        cmocka_unit_test(test_lockstep_trajectories),
        cmocka_unit_test(test_counts_and_curves),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
