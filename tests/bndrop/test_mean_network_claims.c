/*
 * Reduced configs/mean_network.yaml: one hidden layer of 10 units (1024
 * subnetworks), data seeds 1..2, run seeds 1..3, 3 epochs.
 *
 * Claim (Hinton et al. 2012, §1): for one hidden layer with Bernoulli
 * dropout and a softmax output, the weight-scaled network equals the
 * renormalized, probability-weighted geometric mean of all 2^N subnetworks
 * and not their arithmetic mean. At every evaluation point of every run
 * (keep 0.5 and 0.8, inverted and test-time scaling, relu and sigmoid):
 * mean_net_geo_gap ≤ 1e-5 (float32 rounding of the model's logits) and
 * mean_net_arith_gap ≥ 1e-3. Also: more than 16 hidden units, or two hidden
 * layers, are located errors at validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/harness.h"

static const char *const YAML =
    "experiment: mean_network_reduced\n"
    "seeds: 3\n"
    "data: {source: synthetic, kind: gaussian_mixture, n_train: 300, n_test: 60, dim: 6, classes: 4,\n"
    "       separation: 2.0, seed: %d}\n"
    "model: {type: mlp, hidden: [10], activation: relu, dropout: {hidden: 0.5}, init: {scheme: he}}\n"
    "optimizer: {type: sgd, lr: 0.1}\n"
    "training: {epochs: 3, batch_size: 30}\n"
    "diagnostics: [mean_network]\n"
    "arms:\n"
    "  - name: relu_p0.5\n"
    "  - {name: relu_p0.8, model: {dropout: {hidden: 0.2}}}\n"
    "  - {name: relu_test_time, model: {dropout: {hidden: 0.5, scaling: test_time}}}\n"
    "  - {name: sigmoid_p0.5, model: {activation: sigmoid, init: {scheme: xavier}}}\n";

static void test_geometric_not_arithmetic(void **state)
{
    (void)state;
    for (int data_seed = 1; data_seed <= 2; data_seed++) {
        char *dir = harness_tmpdir();
        char text[2048];
        snprintf(text, sizeof text, YAML, data_seed);
        char *yaml = harness_write(dir, "exp.yaml", text);
        char *err = NULL;
        if (harness_dlx(NULL, &err, "run '%s' --out '%s/r' --quiet --threads 1", yaml, dir) != 0)
            fail_msg("dlx failed: %s", err);
        free(err);
        char path[4096];
        snprintf(path, sizeof path, "%s/r/metrics.csv", dir);
        harness_csv m;
        assert_int_equal(harness_csv_read(&m, path), 0);
        assert_int_equal(m.n_rows, 4 * 3 * 4); /* arms × seeds × epochs 0..3 */
        double worst_geo = 0, least_arith = 1;
        for (int r = 0; r < m.n_rows; r++) {
            double geo = harness_csv_num(&m, r, "mean_net_geo_gap");
            double arith = harness_csv_num(&m, r, "mean_net_arith_gap");
            assert_true(geo <= 1e-5);
            assert_true(arith >= 1e-3);
            worst_geo = geo > worst_geo ? geo : worst_geo;
            least_arith = arith < least_arith ? arith : least_arith;
        }
        print_message("data seed %d: max geo gap %.3g, min arith gap %.3g over %d rows\n", data_seed, worst_geo,
                      least_arith, m.n_rows);
        harness_csv_free(&m);
        free(yaml);
        harness_rmtree(dir);
        free(dir);
    }
}

static void test_misuse_is_located(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *yaml = harness_write(dir, "bad.yaml",
                               "experiment: bad\n"
                               "data: {source: synthetic, kind: gaussian_mixture, classes: 3}\n"
                               "model: {type: mlp, hidden: [17], dropout: {hidden: 0.5}}\n"
                               "diagnostics: [mean_network]\n"
                               "arms:\n"
                               "  - name: wide\n"
                               "  - name: deep\n"
                               "    model: {hidden: [4, 4]}\n");
    char *err = NULL;
    assert_int_equal(harness_dlx(NULL, &err, "validate '%s'", yaml), 2);
    print_message("%s", err);
    assert_non_null(strstr(err, "it needs at most 16 hidden units, here 17"));
    assert_non_null(strstr(err, "needs model.type mlp with one hidden layer"));
    assert_non_null(strstr(err, "bad.yaml:"));
    free(err);
    free(yaml);
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_misuse_is_located),
        cmocka_unit_test(test_geometric_not_arithmetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
