/* Tests of experiment_write_yaml: the resolved YAML has every key, arms as
   their differences, and reading it back gives the same experiment and,
   written again, the same bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <cmocka.h>

#include "spec_test_util.h"

/* Write an experiment to a new string. */
static char *write_to_string(const dlx_experiment *e, const dlx_sweep *s, const char *version)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    dlx_diags d = {0};
    assert_int_equal(experiment_write_yaml(e, s, version, f, &d), DLX_OK);
    fclose(f);
    assert_int_equal(d.count, 0);
    return text;
}

/* Load a fixture, write it, load the output, write again: same bytes and
   the same arms, seeds and configs. Returns the first output. */
/* The places in the experiment file that configs remember for messages
   (model.hidden's, data.target's and data.dir's line and column,
   dlx_config.places) differ between a file and its resolved
   rewrite; everything else must be equal byte for byte. */
static void forget_source_locations(dlx_experiment *e)
{
    e->base.model.hidden_line = e->base.model.hidden_col = 0;
    e->base.data.target_line = e->base.data.target_col = e->base.data.dir_line = e->base.data.dir_col = 0;
    memset(&e->base.places, 0, sizeof e->base.places);
    for (int i = 0; i < e->n_arms; i++) {
        e->arms[i].config.model.hidden_line = e->arms[i].config.model.hidden_col = 0;
        dlx_data_config *data = &e->arms[i].config.data;
        data->target_line = data->target_col = data->dir_line = data->dir_col = 0;
        memset(&e->arms[i].config.places, 0, sizeof e->arms[i].config.places);
    }
}

static char *round_trip(const char *name, const char *const *sets, int n_sets, int point)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/spec/files/%s", getenv("DLX_TEST_DATA"), name);
    dlx_experiment *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    dlx_sweep sa, sb;
    dlx_diags d = {0};
    dlx_overrides ov = {sets, n_sets};
    dlx_status st = experiment_load(a, &sa, path, &ov, point, NULL, &d);
    show_diags(&d);
    assert_int_equal(st, DLX_OK);
    char *first = write_to_string(a, &sa, "9.9.9");
    st = experiment_load_string(b, &sb, first, strlen(first), "resolved.yaml", NULL, -1, NULL, &d);
    show_diags(&d);
    if (st != DLX_OK)
        fprintf(stderr, "%s", first);
    assert_int_equal(st, DLX_OK);
    char *second = write_to_string(b, &sb, "9.9.9");
    assert_string_equal(first, second);
    assert_string_equal(a->experiment, b->experiment);
    assert_string_equal(a->output, b->output);
    assert_int_equal(a->n_seeds, b->n_seeds);
    assert_memory_equal(a->seeds, b->seeds, sizeof a->seeds[0] * (size_t)a->n_seeds);
    assert_int_equal(a->n_arms, b->n_arms);
    forget_source_locations(a);
    forget_source_locations(b);
    for (int i = 0; i < a->n_arms; i++) {
        assert_string_equal(a->arms[i].name, b->arms[i].name);
        assert_memory_equal(&a->arms[i].config, &b->arms[i].config, sizeof a->arms[i].config);
    }
    assert_memory_equal(&a->base, &b->base, sizeof a->base);
    assert_int_equal(sa.n_points, sb.n_points);
    free(second);
    free(a);
    free(b);
    return first;
}

static void test_round_trip_fixtures(void **state)
{
    (void)state;
    const char *const files[] = {"spec_example.yaml", "arms_mixed.yaml", "minimal.yaml", "sweep_synthetic.yaml",
                                 "idx_csv.yaml", "diag_params.yaml"};
    for (int i = 0; i < 6; i++)
        free(round_trip(files[i], NULL, 0, -1));
    const char *const sets[] = {"model.hidden=[256,256]", "arms.1.optimizer.lr=0.5", "training.eval_every=7"};
    free(round_trip("spec_example.yaml", sets, 3, 1));
    free(round_trip("sweep_synthetic.yaml", NULL, 0, 7));
    const char *const noise[] = {"regularizer.input_noise=0.3", "regularizer.noise_copies=16"};
    char *text = round_trip("minimal.yaml", noise, 2, -1);
    assert_non_null(strstr(text, "  input_noise: 0.3\n  noise_copies: 16\n"));
    free(text);
}

static void test_resolved_content(void **state)
{
    (void)state;
    char *text = round_trip("spec_example.yaml", NULL, 0, -1);
    const char *const lines[] = {
        "dlx_version: \"9.9.9\"\nexperiment: bn_vs_nobn\n",
        "\nseeds: [1, 2, 3]\noutput: results/bn_vs_nobn\n",
        "\ndata:\n  source: fashion-mnist\n  dir: \"\"\n  n_train: 60000\n  n_test: all\n  seed: 0\n"
        "  preprocess: scale\n",
        "\n  batch_norm:\n    enabled: false\n    momentum: 0.1\n    eps: 1.0e-05\n    position: before\n",
        "\n  init:\n    scheme: normal\n    std: 1.0\nloss: cross_entropy\n",
        "\n  max_norm: 0.0\n",
        "\noptimizer:\n  type: sgd\n  lr: 0.5\n  schedule:\n    type: constant\ntraining:\n  epochs: 20\n  batch_size: 60\n  shuffle: true\n"
        "  eval_every: epoch\n  on_divergence: stop\ndiagnostics: []\n",
        "\narms:\n  - name: no_bn\n  - name: bn\n    model:\n      batch_norm:\n        enabled: true\n"
        "sweep:\n  optimizer.lr: [0.05, 0.5, 5.0]\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if (!strstr(text, lines[i]))
            fprintf(stderr, "missing:\n%s\nin:\n%s", lines[i], text);
        assert_non_null(strstr(text, lines[i]));
    }
    free(text);
}

/* model.batch_norm.backward and model.dropout.position round-trip, and are
   written only when set (files without them stay byte-identical). */
static void test_bn_backward_and_dropout_position_round_trip(void **state)
{
    (void)state;
    char *plain = round_trip("spec_example.yaml", NULL, 0, -1);
    assert_null(strstr(plain, "backward:"));
    assert_null(strstr(plain, "position: before_bn"));
    free(plain);
    const char *const sets[] = {"model.batch_norm={backward: standardize}",
                                "model.dropout={hidden: 0.5, position: after_bn}"};
    char *text = round_trip("minimal.yaml", sets, 2, -1);
    assert_non_null(strstr(text, "    position: before\n    backward: standardize\n"));
    assert_non_null(strstr(text, "    scaling: inverted\n    position: after_bn\n"));
    free(text);
}

/* Parameterized diagnostics are written back as one-key maps. */
static void test_diagnostic_params_written(void **state)
{
    (void)state;
    char *text = round_trip("diag_params.yaml", NULL, 0, -1);
    assert_non_null(strstr(text, "\ndiagnostics: [weight_norm, {mc_dropout: 20}, calibration]\n"));
    assert_non_null(strstr(text, "    diagnostics: [{mc_dropout: 50}, {calibration: 7}]\n"));
    free(text);
}

/* model.dropconnect_inference and model.dropconnect_samples: written only
   with moment matching (the default writes nothing new), then read back. */
static void test_dropconnect_inference_written(void **state)
{
    (void)state;
    char *text = round_trip("dropconnect_inference.yaml", NULL, 0, -1);
    assert_non_null(strstr(text, "\ndiagnostics: [{dropconnect_moments: 300}]\n"));
    assert_non_null(strstr(text, "\n  - name: moment_matching\n    model:\n      dropconnect_inference: moment_matching\n"
                                 "      dropconnect_samples: 250\n"));
    assert_non_null(strstr(text, "\n  - name: mm_default_samples\n    model:\n      dropconnect_inference: moment_matching\n"
                                 "      dropconnect_samples: 1000\n"));
    const char *base_end = strstr(text, "\narms:");
    assert_non_null(base_end);
    const char *in_base = strstr(text, "dropconnect_inference: ");
    assert_true(in_base > base_end);   /* the weight-scaling base writes neither key */
    free(text);
    const char *const sets[] = {"model.dropconnect_inference=moment_matching", "model.dropconnect_samples=40"};
    text = round_trip("dropconnect_inference.yaml", sets, 2, -1);
    assert_non_null(strstr(text, "    kind: dropconnect\n    scaling: inverted\n  dropconnect_inference: moment_matching\n"
                                 "  dropconnect_samples: 40\n"));
    free(text);
}

static void test_minimal_has_no_arms_section(void **state)
{
    (void)state;
    char *text = round_trip("minimal.yaml", NULL, 0, -1);
    assert_null(strstr(text, "arms:"));
    assert_null(strstr(text, "sweep:"));
    assert_non_null(strstr(text, "\n  init:\n    scheme: uniform\n    limit: default\n"));
    free(text);
}

static void test_arm_differences_only(void **state)
{
    (void)state;
    char *text = round_trip("arms_mixed.yaml", NULL, 0, -1);
    assert_non_null(strstr(text, "\n  - name: sgd\n    optimizer:\n      type: sgd\n  - name: soft\n"));
    assert_non_null(strstr(text, "      train: a b.csv\n      test: \"1.csv\"\n      target: label\n"));
    assert_non_null(strstr(text, "description: \"multi\\nline: with # and 'quotes' \xc3\xa9\"\n"));
    assert_non_null(strstr(text, "  condition: 100.0\n"));
    free(text);
}

static void test_locale_independent(void **state)
{
    (void)state;
    /* a locale with a decimal comma, if the machine has one */
    const char *const names[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE.utf8", "C.UTF-8"};
    for (int i = 0; i < 4; i++)
        if (setlocale(LC_ALL, names[i]))
            break;
    loaded *l = load_text("experiment: e\nmodel: {hidden: [4]}\noptimizer: {lr: 0.125}\n", NULL, 0, -1);
    assert_int_equal(l->status, DLX_OK);
    assert_true(l->exp->base.optimizer.lr == 0.125);
    char *text = write_to_string(l->exp, l->sweep, NULL);
    assert_non_null(strstr(text, "  lr: 0.125\n"));
    assert_null(strstr(text, "dlx_version"));
    free(text);
    loaded_free(l);
    setlocale(LC_ALL, "C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_fixtures),
        cmocka_unit_test(test_resolved_content),
        cmocka_unit_test(test_diagnostic_params_written),
        cmocka_unit_test(test_dropconnect_inference_written),
        cmocka_unit_test(test_bn_backward_and_dropout_position_round_trip),
        cmocka_unit_test(test_minimal_has_no_arms_section),
        cmocka_unit_test(test_arm_differences_only),
        cmocka_unit_test(test_locale_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
