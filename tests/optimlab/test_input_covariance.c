/*
 * input_covariance_condition: κ of the centred covariance of each layer's
 * inputs (src/diagnostics/input_covariance.c).
 *
 * The arithmetic on matrices with known answers: four rows (5 ± 2, 3 ± 1)
 * have covariance diag(4, 1), κ = 4, whatever their mean (the uncentred
 * second moment of the same rows, [[29, 15], [15, 10]], has κ ≈ 21.4); a correlated pair with
 * covariance [[2, 1], [1, 2]] has κ = 3; a constant third coordinate (a dead
 * unit) makes C singular, κ = inf, while κ over the live coordinates stays 4
 * and one constant coordinate is counted. End to end: the first layer of
 * synthetic linear data with exact_covariance and condition 1000 has κ = 1000;
 * with batch norm after the nonlinearity every deeper layer has its columns
 * (the batch-normalized outputs), while condition_number's stay empty. A
 * tensor model, whose examples are entries, is refused at validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "optimlab_util.h"
#include "diagnostics/input_covariance.h"

static void test_known_covariance(void **state)
{
    (void)state;
    covariance_work w;
    assert_int_equal(covariance_work_create(&w, 3), DLX_OK);
    covariance_condition_result r;
    /* rows (5 ± 2, 3 ± 1): C = diag(4, 1) */
    double axis[] = {7, 4, 3, 4, 7, 2, 3, 2};
    assert_int_equal(covariance_condition(axis, 4, 2, &w, &r), DLX_OK);
    print_message("diag(4, 1): kappa %.15g live %.15g constant %d\n", r.kappa, r.kappa_live, r.n_constant);
    assert_true(fabs(r.kappa - 4.0) < 1e-12);
    assert_true(r.kappa_live == r.kappa);
    assert_int_equal(r.n_constant, 0);
    /* ±√3·(1, 1) and ±(1, −1) about (10, −4): C = [[2, 1], [1, 2]], eigenvalues 3 and 1 */
    double a = sqrt(3.0);
    double tilted[] = {10 + a, -4 + a, 10 - a, -4 - a, 11, -5, 9, -3};
    assert_int_equal(covariance_condition(tilted, 4, 2, &w, &r), DLX_OK);
    print_message("[[2,1],[1,2]]: kappa %.15g\n", r.kappa);
    assert_true(fabs(r.kappa - 3.0) < 1e-12);
    /* a third, constant coordinate: a dead unit */
    double dead[] = {7, 4, 0, 3, 4, 0, 7, 2, 0, 3, 2, 0};
    assert_int_equal(covariance_condition(dead, 4, 3, &w, &r), DLX_OK);
    print_message("with a dead unit: kappa %g live %.15g constant %d\n", r.kappa, r.kappa_live, r.n_constant);
    assert_true(isinf(r.kappa) && r.kappa > 0);
    assert_true(fabs(r.kappa_live - 4.0) < 1e-12);
    assert_int_equal(r.n_constant, 1);
    /* nothing live: κ inf, no live κ */
    double flat[] = {1, 2, 1, 2, 1, 2};
    assert_int_equal(covariance_condition(flat, 3, 2, &w, &r), DLX_OK);
    assert_true(isinf(r.kappa) && isnan(r.kappa_live));
    assert_int_equal(r.n_constant, 2);
    covariance_work_free(&w);
}

/* The first layer of data whose sample covariance is Σ with κ(Σ) = 1000 exactly. */
static void test_first_layer_is_the_data(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    harness_csv m;
    optimlab_run(dir,
                 "experiment: cov_first\n"
                 "data: {source: synthetic, kind: linear, n_train: 400, n_test: 50, dim: 5, condition: 1000,\n"
                 "       exact_covariance: true}\n"
                 "model: {type: linear}\n"
                 "loss: mse\n"
                 "optimizer: {type: sgd, lr: 0.01}\n"
                 "training: {epochs: 1, batch_size: 40}\n"
                 "diagnostics: [input_covariance_condition]\n",
                 &m);
    double k = harness_csv_num(&m, 0, "cov_condition.out");
    print_message("cov_condition.out %.9g (expected 1000)\n", k);
    assert_true(fabs(k / 1000.0 - 1.0) < 1e-3);
    assert_true(harness_csv_num(&m, 0, "cov_condition_live.out") == k);
    assert_true(harness_csv_num(&m, 0, "constant_units.out") == 0);
    harness_csv_free(&m);
    harness_rmtree(dir);
    free(dir);
}

/* bn_position after: every deeper column is written (condition_number's stay empty). */
static void test_bn_after_has_columns(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    harness_csv m;
    optimlab_run(dir,
                 "experiment: cov_bn_after\n"
                 "data: {source: synthetic, kind: gaussian_mixture, n_train: 300, n_test: 50, dim: 4, classes: 3}\n"
                 "model: {type: mlp, hidden: [6, 5], activation: tanh, batch_norm: {position: after}}\n"
                 "optimizer: {type: sgd, lr: 0.1}\n"
                 "training: {epochs: 3, batch_size: 30}\n"
                 "diagnostics: [input_covariance_condition, condition_number]\n",
                 &m);
    assert_int_equal(m.n_rows, 4);
    const char *layers[] = {"fc1", "fc2", "out"};
    for (int r = 0; r < m.n_rows; r++)
        for (int l = 0; l < 3; l++) {
            char name[64];
            snprintf(name, sizeof name, "cov_condition.%s", layers[l]);
            const char *s = harness_csv_str(&m, r, name);
            print_message("row %d %s = '%s'\n", r, name, s ? s : "(none)");
            assert_non_null(s);
            assert_true(s[0] != '\0');
            double k = harness_csv_num(&m, r, name);
            assert_true(k >= 1.0);   /* tanh units are never constant: finite */
            assert_true(isfinite(k));
            snprintf(name, sizeof name, "condition_number.%s", layers[l]);
            if (l > 0)
                assert_string_equal(harness_csv_str(&m, r, name), "");
        }
    /* the deeper layers' conditioning moves as the network trains */
    assert_true(harness_csv_num(&m, 0, "cov_condition.out") != harness_csv_num(&m, 3, "cov_condition.out"));
    harness_csv_free(&m);
    harness_rmtree(dir);
    free(dir);
}

/* A cp tensor model has no input features: refused at validation with the
   position of the diagnostic and exit 2. */
static void test_refuses_tensor_model(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *cfg = harness_write(dir, "t.yaml",
                              "experiment: cov_cp\n"
                              "data: {source: synthetic, kind: cp_tensor, shape: [4, 4, 4], rank: 2}\n"
                              "model: {type: cp, rank: 2}\n"
                              "training: {batch_size: full, epochs: 2}\n"
                              "diagnostics: [input_covariance_condition]\n");
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "validate '%s'", cfg), 2);
    print_message("%s", err);
    assert_non_null(strstr(err, "t.yaml:5:15: error: diagnostic input_covariance_condition measures input "
                                "features, which a tensor model's entries do not have"));
    free(err);
    free(cfg);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    optimlab_use_memory_tmp();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_known_covariance),
                                       cmocka_unit_test(test_first_layer_is_the_data),
                                       cmocka_unit_test(test_bn_after_has_columns),
                                       cmocka_unit_test(test_refuses_tensor_model)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
