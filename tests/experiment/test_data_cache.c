/*
 * test_data_cache.c — arms share a loaded data set exactly when their
 * `data:` sections are the same (src/experiment/data_cache.c).
 *
 * For every key the schema lists under `data.` (src/spec/schema.c), an
 * experiment of two arms where arm b alone changes that key must load two
 * data sets; the list of keys comes from the schema table, so a key added
 * later without a case here fails this test until one is added. A stand-in
 * loader counts the loads (no file is read), and two arms that differ
 * elsewhere (the optimizer) must share one data set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/data_cache.h"
#include "spec/experiment.h"
#include "spec/schema.h"

/* A data key, a base `data:` section where it applies, and arm b's change. */
typedef struct {
    const char *key;
    const char *base;
    const char *arm;
} data_case;

#define GM "{source: synthetic, kind: gaussian_mixture, dim: 4, classes: 3, n_train: 40, n_test: 10"
#define LIN "{source: synthetic, kind: linear, dim: 4, n_train: 40, n_test: 10, sparsity: 2"
#define LOGI "{source: synthetic, kind: logistic, dim: 4, n_train: 40, n_test: 10, sparsity: 2, scale_ratio: 3"
#define TEACH "{source: synthetic, kind: teacher, dim: 4, classes: 3, teacher_hidden: 5"
#define IDX "{source: idx, train_images: a, train_labels: b, test_images: c, test_labels: d"
#define CSV "{source: csv, train: a.csv, test: b.csv, target: y"
#define LOWR "{source: synthetic, kind: low_rank, rows: 6, cols: 5, rank: 2, observed: 0.5"
#define CSVM "{source: csv, train: a.csv, test: b.csv, format: entries"
#define SHIFT "{source: synthetic, kind: shifted_regression, n_train: 40, n_test: 10, " \
              "train_input: {mean: 0.5, std: 0.5}, test_input: {mean: 0, std: 0.3}"
#define TENS "{source: synthetic, kind: cp_tensor, shape: [2, 2, 2], rank: 2"
#define TFILE "{source: safetensors, path: a.safetensors"
#define TREG "{source: synthetic, kind: teacher_regression, dim: 4, hidden: 2, n_train: 40, n_test: 10"

static const data_case CASES[] = {
    {"source", GM "}", "{source: csv, train: a.csv, test: b.csv}"},
    {"dir", "{source: fashion-mnist, dir: /data/one}", "{dir: /data/two}"},
    {"train_images", IDX "}", "{train_images: a2}"},
    {"train_labels", IDX "}", "{train_labels: b2}"},
    {"test_images", IDX "}", "{test_images: c2}"},
    {"test_labels", IDX "}", "{test_labels: d2}"},
    {"train", CSV "}", "{train: a2.csv}"},
    {"test", CSV "}", "{test: b2.csv}"},
    {"target", CSV "}", "{target: z}"},
    {"kind", GM "}", "{kind: teacher}"},
    {"dim", GM "}", "{dim: 5}"},
    {"classes", GM "}", "{classes: 4}"},
    {"noise", GM ", noise: 0.1}", "{noise: 0.2}"},
    {"condition", LIN ", condition: 2}", "{condition: 10}"},
    {"rotate", LIN "}", "{rotate: false}"},
    {"exact_covariance", LIN "}", "{exact_covariance: true}"},
    {"separation", GM ", separation: 2}", "{separation: 3}"},
    {"teacher_hidden", TEACH "}", "{teacher_hidden: 6}"},
    {"sparsity", LIN "}", "{sparsity: 3}"},
    {"features", LIN "}", "{features: 3}"},
    {"scale_ratio", LOGI "}", "{scale_ratio: 10}"},
    {"n_train", GM "}", "{n_train: 41}"},
    {"n_test", GM "}", "{n_test: 11}"},
    {"seed", GM ", seed: 1}", "{seed: 2}"},
    {"preprocess", GM ", preprocess: none}", "{preprocess: standardize}"},
    {"bootstrap", GM "}", "{bootstrap: true}"},
    {"rows", LOWR "}", "{rows: 7}"},
    {"cols", LOWR "}", "{cols: 6}"},
    {"rank", LOWR "}", "{rank: 3}"},
    {"observed", LOWR "}", "{observed: 0.6}"},
    {"format", CSVM "}", "{format: dense}"},
    {"train_input", SHIFT "}", "{train_input: {mean: 0.4, std: 0.5}}"},
    {"test_input", SHIFT "}", "{test_input: {mean: 0, std: 0.4}}"},
    {"truth", SHIFT "}", "{truth: linear}"},
    {"importance", SHIFT "}", "{importance: {weights: exact, power: 0.5}}"},
    {"weight", CSV "}", "{weight: w}"},
    {"shape", TENS "}", "{shape: [2, 3, 2]}"},
    {"hidden", TREG "}", "{hidden: 3}"},
    {"activation", TREG "}", "{activation: tanh}"},
    {"path", TFILE "}", "{path: b.safetensors}"},
    {"tensor", TFILE ", tensor: Y}", "{tensor: Z}"},
};
#define N_CASES (sizeof CASES / sizeof *CASES)

static int loads;

/* Stands in for dataset_load: counts, reads nothing. */
static dlx_status counting_loader(dlx_dataset *ds, const dlx_data_config *cfg,
                                  const char *source_file, dlx_diags *diags)
{
    (void)ds, (void)cfg, (void)source_file, (void)diags;
    loads++;
    return DLX_OK;
}

/* Load an experiment of arms a (the base) and b (arm_yaml merged over it,
   a mapping of top-level keys in flow style) and ask the cache for each
   arm's data; returns the number of loads, *shared whether both got the
   same data set. */
static int loads_for(const char *base_data, const char *arm_yaml, bool *shared)
{
    char text[2048];
    /* a matrix goes with a factorization, everything else with an mlp */
    bool matrix = strstr(base_data, "low_rank") || strstr(base_data, "format:");
    bool tensor = strstr(base_data, "_tensor") != NULL ||   /* a tensor goes with a cp model */
                  strstr(base_data, "safetensors") != NULL;
    const char *model = tensor   ? "{type: cp, rank: 2}"
                        : matrix ? "{type: factorization, rank: 2}" : "{type: mlp, hidden: [4]}";
    snprintf(text, sizeof text,
             "experiment: t\ndata: %s\nmodel: %s\n"
             "arms:\n  - name: a\n  - {name: b, %s}\n",
             base_data, model, arm_yaml);
    dlx_experiment *exp = calloc(1, sizeof *exp);
    dlx_sweep sweep;
    dlx_diags diags = {0};
    assert_non_null(exp);
    dlx_status st = experiment_load_string(exp, &sweep, text, strlen(text), "t.yaml", NULL, -1,
                                           NULL, &diags);
    if (st != DLX_OK) {
        diags_print(&diags, stderr);
        fprintf(stderr, "in:\n%s", text);
    }
    assert_int_equal(st, DLX_OK);
    assert_int_equal(exp->n_arms, 2);
    dlx_data_cache cache = {.load = counting_loader};
    dlx_dataset *da = NULL, *db = NULL;
    loads = 0;
    assert_int_equal(data_cache_get(&cache, &exp->arms[0].config, "t.yaml", &da, &diags), DLX_OK);
    assert_int_equal(data_cache_get(&cache, &exp->arms[1].config, "t.yaml", &db, &diags), DLX_OK);
    /* Asking again loads nothing more. */
    dlx_dataset *again = NULL;
    assert_int_equal(data_cache_get(&cache, &exp->arms[1].config, "t.yaml", &again, &diags),
                     DLX_OK);
    assert_ptr_equal(again, db);
    assert_int_equal(cache.count, loads);
    *shared = da == db;
    data_cache_free(&cache);
    diags_free(&diags);
    free(exp);
    return loads;
}

/* Every data key of the schema has a case, and every case is a schema key. */
static void test_every_schema_data_key_has_a_case(void **state)
{
    (void)state;
    const char *names[128];
    int n = schema_children("data", names, 128);
    assert_true(n > 10);
    for (int i = 0; i < n; i++) {
        bool found = false;
        for (size_t c = 0; c < N_CASES; c++)
            found |= strcmp(CASES[c].key, names[i]) == 0;
        if (!found)
            fail_msg("data.%s has no case in tests/experiment/test_data_cache.c: add one, "
                     "an arm changing that key alone", names[i]);
    }
    for (size_t c = 0; c < N_CASES; c++) {
        char path[64];
        snprintf(path, sizeof path, "data.%s", CASES[c].key);
        if (!schema_find(path))
            fail_msg("case %s is not a key of the schema", path);
    }
}

/* An arm that changes one data key alone gets its own data set. */
static void test_an_arm_changing_any_data_key_loads_its_own(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_CASES; c++) {
        char arm[256];
        snprintf(arm, sizeof arm, "data: %s", CASES[c].arm);
        bool shared = true;
        int n = loads_for(CASES[c].base, arm, &shared);
        if (n != 2 || shared)
            fail_msg("an arm changing data.%s alone shares the other arm's data (%d loads)",
                     CASES[c].key, n);
    }
}

/* Arms whose data sections are equal share one data set, also when they
   differ elsewhere or spell the same section differently. */
static void test_equal_data_is_loaded_once(void **state)
{
    (void)state;
    bool shared = false;
    assert_int_equal(loads_for(GM "}", "optimizer: {lr: 0.5}", &shared), 1);
    assert_true(shared);
    assert_int_equal(loads_for(GM ", noise: 0.1}", "data: {noise: 0.10}", &shared), 1);
    assert_true(shared);
    /* A key that does not apply to the kind (sparsity for gaussian_mixture
       is refused; separation is ignored for linear) changes nothing. */
    assert_int_equal(loads_for(LIN "}", "data: {n_train: 40}", &shared), 1);
    assert_true(shared);
    /* Two arms fitting the same tensor file share it. */
    assert_int_equal(loads_for(TFILE "}", "model: {rank: 3}", &shared), 1);
    assert_true(shared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_schema_data_key_has_a_case),
        cmocka_unit_test(test_an_arm_changing_any_data_key_loads_its_own),
        cmocka_unit_test(test_equal_data_is_loaded_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
