/* Tests of experiment_load on valid files: defaults, arms, seeds, --set
   overrides and sweep points. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spec_test_util.h"

static loaded *load_ok(const char *text, const char *const *sets, int n_sets, int point)
{
    loaded *l = load_text(text, sets, n_sets, point);
    show_diags(&l->diags);
    assert_int_equal(l->status, DLX_OK);
    assert_int_equal(l->diags.count, 0);
    return l;
}

static void test_defaults(void **state)
{
    (void)state;
    loaded *l = load_ok("experiment: e1\nmodel: {hidden: [100]}\n", NULL, 0, -1);
    const dlx_experiment *e = l->exp;
    assert_string_equal(e->experiment, "e1");
    assert_string_equal(e->description, "");
    assert_string_equal(e->output, "results/e1");
    assert_string_equal(e->source_file, "t.yaml");
    assert_int_equal(e->n_seeds, 1);
    assert_int_equal(e->seeds[0], 1);
    const dlx_config *c = &e->base;
    assert_int_equal(c->data.source, DATA_FASHION_MNIST);
    assert_string_equal(c->data.dir, "");
    assert_int_equal(c->data.n_train, 0);
    assert_int_equal(c->data.n_test, 0);
    assert_int_equal(c->data.seed, 0);
    assert_int_equal(c->data.preprocess, PRE_SCALE);
    assert_int_equal(c->model.type, MODEL_MLP);
    assert_int_equal(c->model.n_hidden, 1);
    assert_int_equal(c->model.hidden[0], 100);
    assert_int_equal(c->model.activation, ACT_RELU);
    assert_false(c->model.batch_norm);
    assert_true(c->model.bn_momentum == 0.1);
    assert_true(c->model.bn_eps == 1e-5);
    assert_true(c->model.dropout_hidden == 0.0 && c->model.dropout_input == 0.0);
    assert_int_equal(c->model.dropout_kind, DROPOUT_BERNOULLI);
    assert_int_equal(c->model.dropout_scaling, DROPOUT_INVERTED);
    assert_int_equal(c->model.init, INIT_UNIFORM);
    assert_true(c->model.init_limit == 0.0);
    assert_int_equal(c->loss, LOSS_CROSS_ENTROPY);
    assert_true(c->regularizer.l2 == 0 && c->regularizer.l1 == 0 && c->regularizer.max_norm == 0 &&
                c->regularizer.input_noise == 0);
    assert_int_equal(c->optimizer.type, OPT_SGD);
    assert_true(c->optimizer.lr == 0.01);
    assert_int_equal(c->training.epochs, 10);
    assert_int_equal(c->training.batch_size, 64);
    assert_true(c->training.shuffle);
    assert_int_equal(c->training.eval_every, 0);
    assert_int_equal(c->n_diagnostics, 0);
    assert_int_equal(e->n_arms, 1);
    assert_string_equal(e->arms[0].name, "main");
    assert_int_equal(e->arms[0].config.model.hidden[0], 100);
    assert_int_equal(l->sweep->n_points, 0);
    loaded_free(l);
}

static void test_defaults_by_choice(void **state)
{
    (void)state;
    loaded *l = load_ok("experiment: e\n"
                        "data: {source: synthetic, kind: logistic}\n"
                        "model: {type: logistic}\n"
                        "optimizer: {type: adagrad}\n", NULL, 0, -1);
    const dlx_config *c = &l->exp->base;
    assert_int_equal(c->data.kind, SYN_LOGISTIC);
    assert_int_equal(c->data.dim, 10);
    assert_int_equal(c->data.classes, 2);
    assert_int_equal(c->data.n_train, 1000);
    assert_int_equal(c->data.n_test, 1000);
    assert_int_equal(c->data.preprocess, PRE_NONE);
    assert_int_equal(c->loss, LOSS_LOGISTIC);
    assert_int_equal(c->model.n_hidden, 0);
    assert_true(c->optimizer.eps == 1e-10);
    loaded_free(l);

    l = load_ok("experiment: e\ndata: {source: synthetic, kind: linear}\nmodel: {type: linear}\n"
                "optimizer: {type: adam}\n", NULL, 0, -1);
    c = &l->exp->base;
    assert_int_equal(c->data.classes, 0);
    assert_true(c->data.condition == 1.0);
    assert_int_equal(c->loss, LOSS_MSE);
    assert_true(c->optimizer.beta1 == 0.9 && c->optimizer.beta2 == 0.999 && c->optimizer.eps == 1e-8);
    loaded_free(l);

    l = load_ok("experiment: e\ndata: {source: synthetic, kind: gaussian_mixture}\nmodel: {type: softmax}\n"
                "optimizer: {type: rmsprop}\n", NULL, 0, -1);
    c = &l->exp->base;
    assert_true(c->data.separation == 3.0);
    assert_int_equal(c->loss, LOSS_CROSS_ENTROPY);
    assert_true(c->optimizer.alpha == 0.99 && c->optimizer.eps == 1e-8);
    loaded_free(l);

    l = load_ok("experiment: e\ndata: {source: synthetic, kind: teacher}\nmodel: {type: softmax}\n"
                "optimizer: {type: nesterov}\n", NULL, 0, -1);
    assert_int_equal(l->exp->base.data.teacher_hidden, 32);
    assert_true(l->exp->base.optimizer.momentum == 0.9);
    loaded_free(l);
}

static void test_full_values(void **state)
{
    (void)state;
    loaded *l = load_ok("experiment: full\n"
                        "description: a test\n"
                        "output: /tmp/out\n"
                        "dlx_version: 0.0.1\n"
                        "data: {source: csv, train: a.csv, test: b.csv, target: 2, n_train: 1e3, n_test: all,"
                        " seed: 12, preprocess: whiten}\n"
                        "model:\n"
                        "  hidden: [256, 128]\n"
                        "  activation: tanh\n"
                        "  batch_norm: {momentum: 0.01, eps: 1.0e-3}\n"
                        "  dropout: {hidden: 0.5, input: 0.2, kind: bernoulli, scaling: test_time}\n"
                        "  init: {scheme: normal, std: 1.0}\n"
                        "loss: mse\n"
                        "regularizer: {l2: 0.5, l1: 0.25, max_norm: 3, input_noise: 0.1}\n"
                        "optimizer: {type: adam, lr: 3e-4, beta1: 0.8, beta2: 0.99, eps: 1e-6}\n"
                        "training: {epochs: 0, batch_size: full, shuffle: false, eval_every: 50}\n",
                        NULL, 0, -1);
    const dlx_experiment *e = l->exp;
    const dlx_config *c = &e->base;
    assert_string_equal(e->description, "a test");
    assert_string_equal(e->output, "/tmp/out");
    assert_string_equal(c->data.train, "a.csv");
    assert_string_equal(c->data.test, "b.csv");
    assert_string_equal(c->data.target, "2");
    assert_int_equal(c->data.n_train, 1000);
    assert_int_equal(c->data.n_test, 0);
    assert_int_equal(c->data.seed, 12);
    assert_int_equal(c->data.preprocess, PRE_WHITEN);
    assert_int_equal(c->model.n_hidden, 2);
    assert_int_equal(c->model.hidden[1], 128);
    assert_int_equal(c->model.activation, ACT_TANH);
    assert_true(c->model.batch_norm);
    assert_true(c->model.bn_momentum == 0.01 && c->model.bn_eps == 1e-3);
    assert_true(c->model.dropout_hidden == 0.5 && c->model.dropout_input == 0.2);
    assert_int_equal(c->model.dropout_scaling, DROPOUT_TEST_TIME);
    assert_int_equal(c->model.init, INIT_NORMAL);
    assert_true(c->model.init_std == 1.0);
    assert_int_equal(c->loss, LOSS_MSE);
    assert_true(c->regularizer.l2 == 0.5 && c->regularizer.l1 == 0.25 && c->regularizer.max_norm == 3 &&
                c->regularizer.input_noise == 0.1);
    assert_int_equal(c->optimizer.type, OPT_ADAM);
    assert_true(c->optimizer.lr == 3e-4 && c->optimizer.beta1 == 0.8 && c->optimizer.beta2 == 0.99 &&
                c->optimizer.eps == 1e-6);
    assert_int_equal(c->training.epochs, 0);
    assert_int_equal(c->training.batch_size, 0);
    assert_false(c->training.shuffle);
    assert_int_equal(c->training.eval_every, 50);
    loaded_free(l);
}

static void test_short_forms(void **state)
{
    (void)state;
    loaded *l = load_ok("experiment: s\nmodel: {hidden: [8], batch_norm: true, dropout: 0.3, init: he}\n"
                        "data: {source: csv, train: a, test: b, target: -1}\n",
                        NULL, 0, -1);
    const dlx_model_config *m = &l->exp->base.model;
    assert_true(m->batch_norm);
    assert_true(m->bn_momentum == 0.1);
    assert_true(m->dropout_hidden == 0.3 && m->dropout_input == 0.0);
    assert_int_equal(m->init, INIT_HE);
    assert_string_equal(l->exp->base.data.target, "");
    loaded_free(l);
    l = load_ok("experiment: s\nmodel: {hidden: [8], batch_norm: {enabled: false, eps: 0.1},"
                " init: {from: w.safetensors}}\ndata: {source: csv, train: a, test: b, target: label}\n",
                NULL, 0, -1);
    m = &l->exp->base.model;
    assert_false(m->batch_norm);
    assert_true(m->bn_eps == 0.1);
    assert_int_equal(m->init, INIT_FROM_FILE);
    assert_string_equal(m->init_from, "w.safetensors");
    assert_string_equal(l->exp->base.data.target, "label");
    loaded_free(l);
}

static void test_seeds_forms(void **state)
{
    (void)state;
    loaded *l = load_ok("experiment: s\nseeds: 4\nmodel: {hidden: [8]}\n", NULL, 0, -1);
    assert_int_equal(l->exp->n_seeds, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(l->exp->seeds[i], i + 1);
    loaded_free(l);
    l = load_ok("experiment: s\nseeds: [1, 7, 0, 9]\nmodel: {hidden: [8]}\n", NULL, 0, -1);
    assert_int_equal(l->exp->n_seeds, 4);
    assert_int_equal(l->exp->seeds[1], 7);
    assert_int_equal(l->exp->seeds[2], 0);
    loaded_free(l);
}

static void test_arms_merge(void **state)
{
    (void)state;
    loaded *l = load_ok("experiment: bn\n"
                        "model: {hidden: [100, 100], activation: sigmoid, batch_norm: {momentum: 0.2}}\n"
                        "optimizer: {type: adam, lr: 0.5, beta1: 0.8}\n"
                        "arms:\n"
                        "  - name: no_bn\n"
                        "    model: {batch_norm: {enabled: false}}\n"
                        "  - name: bn_sgd\n"
                        "    optimizer: {type: sgd}\n"
                        "  - name: wide\n"
                        "    model: {hidden: [400]}\n"
                        "  - name: soft\n"
                        "    model: {type: softmax}\n",
                        NULL, 0, -1);
    const dlx_experiment *e = l->exp;
    assert_int_equal(e->n_arms, 4);
    assert_string_equal(e->arms[0].name, "no_bn");
    assert_false(e->arms[0].config.model.batch_norm);
    assert_true(e->arms[0].config.model.bn_momentum == 0.2); /* merged, not replaced */
    assert_int_equal(e->arms[0].config.model.activation, ACT_SIGMOID);
    assert_true(e->base.model.batch_norm);
    /* a type switch drops what the base set for the old type, keeps lr */
    assert_int_equal(e->arms[1].config.optimizer.type, OPT_SGD);
    assert_true(e->arms[1].config.optimizer.lr == 0.5);
    /* sequences replace */
    assert_int_equal(e->arms[2].config.model.n_hidden, 1);
    assert_int_equal(e->arms[2].config.model.hidden[0], 400);
    /* hidden, activation, batch_norm of the base do not follow into a softmax arm */
    assert_int_equal(e->arms[3].config.model.type, MODEL_SOFTMAX);
    assert_int_equal(e->arms[3].config.model.n_hidden, 0);
    assert_false(e->arms[3].config.model.batch_norm);
    loaded_free(l);
}

static void test_overrides(void **state)
{
    (void)state;
    const char *text = "experiment: o\n"
                       "model: {hidden: [100]}\n"
                       "arms:\n  - name: a\n  - name: b\n";
    const char *const sets[] = {"optimizer.lr=0.1", "model.hidden=[256,256]", "arms.1.model.batch_norm=true",
                                "training.batch_size=full", "experiment=renamed", "data.source=mnist",
                                "optimizer.lr=0.25"};
    loaded *l = load_ok(text, sets, 7, -1);
    const dlx_experiment *e = l->exp;
    assert_string_equal(e->experiment, "renamed");
    assert_string_equal(e->output, "results/renamed");
    assert_true(e->base.optimizer.lr == 0.25); /* applied in order */
    assert_int_equal(e->base.model.n_hidden, 2);
    assert_int_equal(e->base.model.hidden[0], 256);
    assert_int_equal(e->base.model.hidden[1], 256);
    assert_false(e->arms[0].config.model.batch_norm);
    assert_true(e->arms[1].config.model.batch_norm);
    assert_int_equal(e->arms[1].config.model.hidden[1], 256);
    assert_int_equal(e->base.training.batch_size, 0);
    assert_int_equal(e->base.data.source, DATA_MNIST);
    loaded_free(l);
}

static void test_sweep_points(void **state)
{
    (void)state;
    const char *text = "experiment: sw\n"
                       "model: {hidden: [10]}\n"
                       "sweep:\n"
                       "  optimizer.lr: [0.05, 0.5, 5.0]\n"
                       "  model.hidden: [[10], [20, 20]]\n";
    loaded *l = load_ok(text, NULL, 0, -1);
    assert_int_equal(l->sweep->n_keys, 2);
    assert_int_equal(l->sweep->n_points, 6);
    assert_string_equal(l->sweep->keys[0], "optimizer.lr");
    assert_string_equal(l->sweep->keys[1], "model.hidden");
    assert_int_equal(l->sweep->n_values[0], 3);
    assert_int_equal(l->sweep->n_values[1], 2);
    assert_string_equal(l->sweep->lists[0], "[0.05, 0.5, 5.0]");
    assert_string_equal(l->sweep->lists[1], "[[10], [20, 20]]");
    assert_true(l->exp->base.optimizer.lr == 0.01); /* point -1: the base values */
    loaded_free(l);
    /* last key fastest: point 3 = (lr index 1, hidden index 1) */
    l = load_ok(text, NULL, 0, 3);
    assert_true(l->exp->base.optimizer.lr == 0.5);
    assert_int_equal(l->exp->base.model.n_hidden, 2);
    assert_string_equal(l->point_values[0], "0.5");
    assert_string_equal(l->point_values[1], "[20, 20]");
    loaded_free(l);
    l = load_ok(text, NULL, 0, 4);
    assert_true(l->exp->base.optimizer.lr == 5.0);
    assert_int_equal(l->exp->base.model.n_hidden, 1);
    assert_string_equal(l->point_values[0], "5.0");
    loaded_free(l);
    /* sweep values come after --set overrides */
    const char *const sets[] = {"optimizer.lr=1.5"};
    l = load_ok(text, sets, 1, 0);
    assert_true(l->exp->base.optimizer.lr == 0.05);
    loaded_free(l);
    /* --set can replace a sweep key's list */
    const char *const sweep_set[] = {"sweep.optimizer.lr=[0.25]"};
    l = load_ok(text, sweep_set, 1, 1);
    assert_int_equal(l->sweep->n_points, 2);
    assert_true(l->exp->base.optimizer.lr == 0.25);
    assert_int_equal(l->exp->base.model.hidden[0], 20);
    loaded_free(l);
}

static void test_sweep_into_arm(void **state)
{
    (void)state;
    const char *text = "experiment: sw\nmodel: {hidden: [10]}\n"
                       "arms:\n  - name: a\n  - name: m\n    optimizer: {type: momentum}\n"
                       "sweep:\n  arms.1.optimizer.momentum: [0.5, 0.99]\n";
    loaded *l = load_ok(text, NULL, 0, 1);
    assert_true(l->exp->arms[1].config.optimizer.momentum == 0.99);
    assert_int_equal(l->exp->arms[0].config.optimizer.type, OPT_SGD);
    loaded_free(l);
}

static void test_load_from_file(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/spec/files/spec_example.yaml", getenv("DLX_TEST_DATA"));
    dlx_experiment *e = calloc(1, sizeof *e);
    dlx_sweep sweep;
    dlx_diags d = {0};
    assert_int_equal(experiment_load(e, &sweep, path, NULL, 2, NULL, &d), DLX_OK);
    assert_string_equal(e->experiment, "bn_vs_nobn");
    assert_int_equal(e->n_seeds, 3);
    assert_int_equal(e->n_arms, 2);
    assert_true(e->arms[1].config.model.batch_norm);
    assert_true(e->base.optimizer.lr == 5.0);
    assert_int_equal(sweep.n_points, 3);
    assert_string_equal(e->source_file, path);
    free(e);
    e = calloc(1, sizeof *e);
    assert_int_equal(experiment_load(e, &sweep, "/nonexistent/x.yaml", NULL, -1, NULL, &d), DLX_ERR_INPUT);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, "/nonexistent/x.yaml");
    assert_non_null(strstr(d.items[0].message, "cannot open"));
    diags_free(&d);
    free(e);
}

static void test_enum_names(void **state)
{
    (void)state;
    assert_string_equal(model_type_name(MODEL_MLP), "mlp");
    assert_string_equal(activation_name(ACT_IDENTITY), "identity");
    assert_string_equal(loss_name(LOSS_CROSS_ENTROPY), "cross_entropy");
    assert_string_equal(optimizer_type_name(OPT_NESTEROV), "nesterov");
    assert_string_equal(data_source_name(DATA_FASHION_MNIST), "fashion-mnist");
    assert_string_equal(preprocess_name(PRE_STANDARDIZE), "standardize");
    assert_string_equal(loss_name((dlx_loss)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_defaults_by_choice),
        cmocka_unit_test(test_full_values),
        cmocka_unit_test(test_short_forms),
        cmocka_unit_test(test_seeds_forms),
        cmocka_unit_test(test_arms_merge),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_sweep_points),
        cmocka_unit_test(test_sweep_into_arm),
        cmocka_unit_test(test_load_from_file),
        cmocka_unit_test(test_enum_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
