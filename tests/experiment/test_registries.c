/* Tests of the registries: each table names its rows as the spec layer does,
   in the same order, and each row's fit check refuses exactly the configs
   its run-time code refuses, on a sample of every model type, so a new
   diagnostic or reference that only fits some models cannot forget its
   check (validate.c would then let it through to the run). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "data/dataset.h"
#include "diagnostics/diagnostic.h"
#include "models/model.h"
#include "optim/optimizer.h"
#include "solvers/nuclear_norm.h"
#include "solvers/reference.h"
#include "spec/experiment.h"
#include "spec/schema.h"
#include "train/run.h"

static void test_optimizer_names(void **state)
{
    (void)state;
    assert_int_equal(SPEC_OPTIMIZERS.count, OPT_TYPE_COUNT);
    for (int i = 0; i < OPT_TYPE_COUNT; i++)
        assert_string_equal(optimizer_kind_name((dlx_optimizer_type)i), SPEC_OPTIMIZERS.names[i]);
    assert_null(optimizer_kind_name(OPT_TYPE_COUNT));
}

static void test_reference_names(void **state)
{
    (void)state;
    assert_int_equal(SPEC_REFERENCES.count, REF_TYPE_COUNT);
    for (int i = 0; i < REF_TYPE_COUNT; i++)
        assert_string_equal(reference_kind_name((dlx_reference_type)i), SPEC_REFERENCES.names[i]);
    assert_null(reference_kind_name(REF_TYPE_COUNT));
}

static void test_diagnostic_names(void **state)
{
    (void)state;
    assert_int_equal(SPEC_DIAGNOSTICS.count, DIAGNOSTIC_COUNT);
    for (int i = 0; i < DIAGNOSTIC_COUNT; i++)
        assert_string_equal(diagnostic_at(i)->name, SPEC_DIAGNOSTICS.names[i]);
}

/* One sample arm per model type, each on data its loss accepts. */
static const char SAMPLES[] =
    "experiment: sample\n"
    "data: {source: synthetic, kind: gaussian_mixture, classes: 3, n_train: 30, n_test: 10, dim: 3}\n"
    "model: {type: mlp, hidden: [4, 3], dropout: 0.2}\n"
    "regularizer: {l2: 0.1}\n"
    "arms:\n"
    "  - name: mlp\n"
    "  - name: softmax\n"
    "    model: {type: softmax}\n"
    "  - name: logistic\n"
    "    data: {kind: logistic, classes: 2}\n"
    "    model: {type: logistic, dropout: {input: 0.2}}\n"
    "  - name: linear\n"
    "    data: {kind: linear}\n"
    "    model: {type: linear}\n"
    "  - name: logistic_plain\n"
    "    data: {kind: logistic, classes: 2}\n"
    "    model: {type: logistic}\n"
    "    regularizer: {l2: 0.0}\n"
    "  - name: factorization\n"
    "    data: {kind: low_rank, rows: 6, cols: 5, rank: 2, observed: 0.6}\n"
    "    model: {type: factorization, rank: 3}\n"
    "    loss: mse\n"
    "  - name: cp\n"
    "    data: {kind: cp_tensor, shape: [2, 3, 2, 2], rank: 2}\n"
    "    model: {type: cp, rank: 3}\n"
    "    loss: mse\n"
    "  - name: ht\n"
    "    data: {kind: ht_tensor, shape: [2, 3, 2, 2], rank: 2}\n"
    "    model: {type: ht, rank: 2}\n"
    "    loss: mse\n";

typedef struct {
    dlx_experiment exp;
    dlx_dataset data[DLX_MAX_ARMS];
} samples;

static int setup(void **state)
{
    samples *s = calloc(1, sizeof *s);
    dlx_sweep sweep;
    dlx_diags diags = {0};
    assert_int_equal(experiment_load_string(&s->exp, &sweep, SAMPLES, strlen(SAMPLES), "sample.yaml", NULL, -1,
                                            NULL, &diags), DLX_OK);
    bool types[MODEL_TYPE_COUNT] = {false};
    for (int a = 0; a < s->exp.n_arms; a++) {
        assert_int_equal(dataset_load(&s->data[a], &s->exp.arms[a].config.data, "sample.yaml", &diags), DLX_OK);
        types[s->exp.arms[a].config.model.type] = true;
    }
    for (int t = 0; t < MODEL_TYPE_COUNT; t++)
        if (!types[t])
            fail_msg("no sample arm for model type %s: add one to SAMPLES", model_type_name((dlx_model_type)t));
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    samples *s = *state;
    for (int a = 0; a < s->exp.n_arms; a++)
        dataset_free(&s->data[a]);
    free(s);
    return 0;
}

/* cfg's model built for ds, as a run builds it. */
static void build_model(const dlx_config *cfg, const dlx_dataset *ds, dlx_model *model)
{
    dlx_diags diags = {0};
    int outputs = 0;
    assert_int_equal(train_output_size(cfg, ds, "sample.yaml", "arm", &outputs, &diags), DLX_OK);
    dlx_model_shape shape = {.n_inputs = ds->train.dim, .n_outputs = outputs, .max_batch = 64,
                             .rows = ds->train.rows, .cols = ds->train.cols, .n_train = ds->train.n};
    assert_int_equal(model_create(model, cfg, &shape, &diags), DLX_OK);
    diags_free(&diags);
}

/* For every diagnostic and sample arm: create succeeds exactly where the
   diagnostic's fit check passes. */
static void test_diagnostic_create_agrees_with_fits(void **state)
{
    samples *s = *state;
    for (int a = 0; a < s->exp.n_arms; a++) {
        for (int i = 0; i < diagnostic_count(); i++) {
            const dlx_diagnostic *d = diagnostic_at(i);
            dlx_config cfg = s->exp.arms[a].config;
            cfg.n_diagnostics = 1;
            snprintf(cfg.diagnostics[0], DLX_NAME_MAX, "%s", d->name);
            cfg.diagnostic_param[0] = schema_diagnostic_param(d->name)->use == SPEC_PARAM_NONE ? NAN : 2;
            char why[512] = "";
            bool fits = diagnostic_fits(d, &cfg, why, sizeof why);
            dlx_model model = {0};
            build_model(&cfg, &s->data[a], &model);
            dlx_diag_context ctx = {.config = &cfg, .model = &model, .data = &s->data[a], .seed = 1,
                                    .param = cfg.diagnostic_param[0]};
            dlx_diags diags = {0};
            dlx_status st = d->create ? d->create(&ctx, &diags) : DLX_OK;
            if ((st == DLX_OK) != fits)
                fail_msg("diagnostic %s on arm %s: create %s, fits says %s%s", d->name, s->exp.arms[a].name,
                         st == DLX_OK ? "succeeds" : diags.count ? diags.items[0].message : "fails",
                         fits ? "yes" : "no: ", why);
            if (!fits)
                assert_true(why[0] != '\0');
            if (st == DLX_OK && d->destroy)
                d->destroy(ctx.state);
            diags_free(&diags);
            model_free(&model);
        }
    }
}

/* For every reference and sample arm: the solver runs exactly where the
   reference fits and solves anything. */
static void test_reference_compute_agrees_with_fits(void **state)
{
    samples *s = *state;
    for (int a = 0; a < s->exp.n_arms; a++) {
        for (int r = 0; r < REF_TYPE_COUNT; r++) {
            dlx_config cfg = s->exp.arms[a].config;
            cfg.reference = (dlx_reference_type)r;
            char why[512] = "";
            bool fits = reference_fits(&cfg, why, sizeof why) && reference_solves(cfg.reference);
            dlx_reference ref;
            dlx_diags diags = {0};
            dlx_status st;
            if (cfg.reference == REF_NUCLEAR_NORM) {   /* a matrix X*, solved on its own */
                dlx_nuclear_reference nr;
                double lambda = cfg.regularizer.product > 0 ? cfg.regularizer.product : cfg.regularizer.l2;
                st = nuclear_norm_solve(&nr, &s->data[a].train, lambda, &diags);
                if (st == DLX_OK)
                    nuclear_norm_free(&nr);
                if ((st == DLX_OK) != fits)
                    fail_msg("reference nuclear_norm on arm %s: solve %s, fits says %s", s->exp.arms[a].name,
                             st == DLX_OK ? "succeeds" : diags.items[0].message, fits ? "yes" : why);
                diags_free(&diags);
                continue;
            }
            st = reference_compute(&ref, &cfg, &s->data[a], &diags);
            if ((st == DLX_OK) != fits)
                fail_msg("reference %s on arm %s: compute %s, fits says %s", reference_kind_name(cfg.reference),
                         s->exp.arms[a].name, st == DLX_OK ? "succeeds" : diags.items[0].message,
                         fits ? "yes" : why);
            if (st == DLX_OK)
                reference_free(&ref);
            diags_free(&diags);
        }
    }
}

/* Every optimizer fits every sample (none has a check yet), and creates. */
static void test_optimizer_create_agrees_with_fits(void **state)
{
    samples *s = *state;
    for (int a = 0; a < s->exp.n_arms; a++)
        for (int t = 0; t < OPT_TYPE_COUNT; t++) {
            dlx_config cfg = s->exp.arms[a].config;
            cfg.optimizer.type = (dlx_optimizer_type)t;
            char why[512] = "";
            bool fits = optimizer_fits(&cfg, why, sizeof why);
            dlx_optimizer *opt = NULL;
            dlx_diags diags = {0};
            dlx_status st = optimizer_create(&opt, &cfg.optimizer, 10, &diags);
            assert_int_equal(st == DLX_OK, fits);
            optimizer_free(opt);
            diags_free(&diags);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optimizer_names),
        cmocka_unit_test(test_reference_names),
        cmocka_unit_test(test_diagnostic_names),
        cmocka_unit_test_setup_teardown(test_diagnostic_create_agrees_with_fits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reference_compute_agrees_with_fits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_optimizer_create_agrees_with_fits, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
