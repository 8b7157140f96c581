/* Tests of experiment_load on bad files: every problem is reported, at the
   line and column of the offending node, with a message that says what is
   wrong (and did-you-mean where it helps). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "spec_test_util.h"
#include "util/yaml_tree.h"

/* Load text that must fail; returns the loaded state for inspection. */
static loaded *load_bad(const char *text, const char *const *sets, int n_sets, int point)
{
    loaded *l = load_text(text, sets, n_sets, point);
    assert_int_equal(l->status, DLX_ERR_INPUT);
    assert_true(l->diags.count > 0);
    return l;
}

#define BASE "experiment: e\nmodel:\n  hidden: [10]\n"

static void test_wrong_type(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE "optimizer:\n  lr: abc\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 7, "expected a number for 'optimizer.lr', got string \"abc\""));
    assert_int_equal(l->diags.count, 1);
    loaded_free(l);
    l = load_bad(BASE "training: {shuffle: yes, epochs: [1], batch_size: many}\nregularizer: 0.1\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 21, "expected true or false", "'training.shuffle'", "\"yes\""));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 34, "expected an integer for 'training.epochs'", "a sequence"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 51, "'training.batch_size'", "\"many\""));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 14, "expected a mapping for 'regularizer'", "number 0.1"));
    assert_int_equal(l->diags.count, 4);
    loaded_free(l);
}

static void test_quoted_number_is_string(void **state)
{
    (void)state;
    loaded *l = load_bad("experiment: e\nmodel:\n  hidden: [10]\n  dropout: \"0.5\"\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 12, "expected a number for 'model.dropout'", "string \"0.5\""));
    loaded_free(l);
}

static void test_bad_numbers(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE
                         "optimizer: {lr: 0}\n"
                         "training:\n"
                         "  epochs: -1\n"
                         "  batch_size: 0\n"
                         "data: {n_train: 2.5, seed: 99999999999999999999}\n",
                         NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 17, "optimizer.lr must be greater than 0, got 0"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 6, 11, "training.epochs must be between 0 and", "got -1"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 7, 15, "batch_size must be at least 1 (or \"full\")"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 8, 17, "expected an integer for 'data.n_train', got 2.5"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 8, 28, "out of range", "'data.seed'"));
    assert_int_equal(l->diags.count, 5);
    loaded_free(l);
    l = load_bad(BASE "optimizer: {lr: -0.5}\nregularizer: {l2: .inf}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 17, "optimizer.lr must be greater than 0, got -0.5"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 19, "regularizer.l2 must be a finite number, got .inf"));
    loaded_free(l);
}

static void test_dropout_range(void **state)
{
    (void)state;
    loaded *l = load_bad("experiment: e\nmodel:\n  hidden: [10]\n  dropout: 1.0\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 12, "model.dropout must be in [0, 1), got 1.0"));
    loaded_free(l);
    l = load_bad("experiment: e\nmodel:\n  hidden: [10]\n  dropout: {hidden: 0.5, input: -0.1, kind: gausian}\n",
                 NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 33, "model.dropout.input must be in [0, 1), got -0.1"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 45, "unknown dropout kind 'gausian'", "did you mean 'gaussian'"));
    loaded_free(l);
    l = load_bad("experiment: e\nmodel:\n  hidden: [10]\n  batch_norm: {position: afer, eps: 0}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 26, "unknown batch-norm position 'afer'", "did you mean 'after'"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 37, "model.batch_norm.eps must be greater than 0"));
    loaded_free(l);
    l = load_bad("experiment: e\nmodel:\n  hidden: [10, 10]\n  batch_norm: {backward: standardise}\n"
                 "  dropout: {hidden: 0.5, kind: dropconnect, position: after_bn}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 26, "unknown batch-norm backward 'standardise'",
                         "did you mean 'standardize'"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 55, "model.dropout.position after_bn needs a unit dropout kind"));
    loaded_free(l);
}

/* model.dropconnect_inference and model.dropconnect_samples: located errors
   without DropConnect, without moment matching, and out of range. */
static void test_dropconnect_inference(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE "  dropconnect_inference: moment_matching\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 26, "model.dropconnect_inference needs DropConnect",
                         "model.dropout.kind dropconnect", "here kind bernoulli"));
    assert_int_equal(l->diags.count, 1);
    loaded_free(l);
    l = load_bad(BASE "  dropout: {hidden: 0.5, kind: gaussian}\n  dropconnect_inference: moment_matching\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 26, "needs DropConnect", "here kind gaussian"));
    loaded_free(l);
    l = load_bad(BASE "  dropout: {kind: dropconnect}\n  dropconnect_inference: moment_matching\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 26, "needs DropConnect", "a rate above 0", "input 0, hidden 0"));
    loaded_free(l);
    l = load_bad(BASE "  dropout: {hidden: 0.5, kind: dropconnect}\n  dropconnect_inference: moment_matchin\n"
                      "  dropconnect_samples: 0\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 26, "unknown DropConnect inference 'moment_matchin'",
                         "did you mean 'moment_matching'"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 6, 24, "model.dropconnect_samples"));
    loaded_free(l);
    l = load_bad(BASE "  dropout: {hidden: 0.5, kind: dropconnect}\n  dropconnect_samples: 100\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 24, "model.dropconnect_samples is the number of samples of moment "
                         "matching", "needs model.dropconnect_inference: moment_matching"));
    assert_int_equal(l->diags.count, 1);
    loaded_free(l);
    l = load_bad(BASE "  dropout: {hidden: 0.5, kind: dropconnect}\n  dropconnect_inference: weight_scaling\n"
                      "  dropconnect_samples: 100\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 6, 24, "needs model.dropconnect_inference: moment_matching"));
    loaded_free(l);
    /* An arm that turns DropConnect off under an inherited moment-matching base. */
    l = load_bad(BASE "  dropout: {hidden: 0.5, kind: dropconnect}\n  dropconnect_inference: moment_matching\n"
                      "arms:\n  - name: a\n  - {name: b, model: {dropout: {kind: bernoulli}}}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 26, "needs DropConnect", "here kind bernoulli"));
    loaded_free(l);
    /* And the valid forms. */
    l = load_text(BASE "  dropout: {hidden: 0.5, kind: dropconnect}\n  dropconnect_inference: moment_matching\n"
                       "  dropconnect_samples: 7\n", NULL, 0, -1);
    assert_int_equal(l->status, DLX_OK);
    loaded_free(l);
    l = load_text("experiment: e\nmodel: {type: softmax, dropout: {input: 0.3, kind: dropconnect}, "
                  "dropconnect_inference: weight_scaling}\n", NULL, 0, -1);
    assert_int_equal(l->status, DLX_OK);
    loaded_free(l);
}

static void test_hidden(void **state)
{
    (void)state;
    loaded *l = load_bad("experiment: e\nmodel:\n  hidden: []\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 11, "model.hidden must be a non-empty list"));
    loaded_free(l);
    l = load_bad("experiment: e\nmodel:\n  hidden: [10, 0, -3, 2000000]\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 16, "model.hidden sizes must be positive, got 0"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 19, "model.hidden sizes must be positive, got -3"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 23, "model.hidden must be between 1 and 1048576"));
    loaded_free(l);
    l = load_bad("experiment: e\nmodel:\n  type: mlp\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 9, "model.hidden is required for model.type mlp"));
    loaded_free(l);
    l = load_bad("experiment: e\nmodel:\n  type: softmax\n  hidden: [10]\n  batch_norm: true\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 3, "key 'hidden' applies only to model.type mlp",
                         "here it is softmax"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 3, "key 'batch_norm' applies only to model.type mlp"));
    loaded_free(l);
}

static void test_unknown_enum_values(void **state)
{
    (void)state;
    loaded *l = load_bad("experiment: e\n"
                         "data: {source: fashion_mnist}\n"
                         "model: {type: mpl, hidden: [4]}\n"
                         "optimizer: {type: adamw}\n"
                         "loss: cross-entropy\n",
                         NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 16, "unknown data source 'fashion_mnist'",
                         "did you mean 'fashion-mnist'?", "valid values: fashion-mnist, mnist, idx, csv, synthetic"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 15, "unknown model type 'mpl'", "did you mean 'mlp'?",
                         "linear, logistic, softmax, mlp"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 19, "unknown optimizer 'adamw'", "did you mean 'adam'?"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 7, "unknown loss 'cross-entropy'", "did you mean 'cross_entropy'?"));
    loaded_free(l);
    l = load_bad("experiment: e\nmodel: {hidden: [4], activation: Relu}\ndiagnostics: [ics]\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 34, "unknown activation 'Relu'", "did you mean 'relu'?",
                         "relu, sigmoid, tanh, identity"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 15, "unknown diagnostic 'ics'"));
    loaded_free(l);
}

/* Parameterized diagnostics: missing, unexpected, out of range, misspelt. */
static void test_diagnostic_params(void **state)
{
    (void)state;
    loaded *l = load_bad("experiment: e\nmodel: {hidden: [4]}\n"
                         "diagnostics: [mc_dropout, {weight_norm: 2}, {calibration: 0},\n"
                         "  {mc_dropot: 5}, {grad_norm: 1, sparsity: 2}, {act_quantiles: }]\n",
                         NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 15, "diagnostic 'mc_dropout' needs a parameter",
                         "{mc_dropout: N}"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 41, "diagnostic 'weight_norm' takes no parameter"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 59, "diagnostics.calibration", "must be in [1, 10000], got 0"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 4, "unknown diagnostic 'mc_dropot'", "did you mean 'mc_dropout'?"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 19, "a map with one key", "got 2 keys"));
    assert_int_equal(l->diags.count, 5);   /* {act_quantiles: } is the plain name */
    loaded_free(l);
    l = load_bad("experiment: e\nmodel: {hidden: [4]}\ndiagnostics: [{mc_dropout: 2.5}]\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 28, "must be a whole number, got 2.5"));
    loaded_free(l);
}

static void test_unknown_keys(void **state)
{
    (void)state;
    loaded *l = load_bad("experiment: e\n"
                         "optimiser: {lr: 1}\n"
                         "model:\n"
                         "  hidden: [4]\n"
                         "  activaton: relu\n"
                         "optimizer: {type: sgd, learning_rate: 0.1, lrr: 0.1}\n"
                         "zzz_unrelated: 1\n",
                         NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 1, "unknown key 'optimiser'", "did you mean 'optimizer'?"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 3, "unknown key 'activaton' in 'model'", "did you mean 'activation'?"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 6, 24, "unknown key 'learning_rate' in 'optimizer'"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 6, 44, "unknown key 'lrr' in 'optimizer'", "did you mean 'lr'?"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 7, 1, "unknown key 'zzz_unrelated'"));
    assert_int_equal(l->diags.count, 5);
    loaded_free(l);
}

/* regularizer.noise_copies: an integer J in 0..10^6 that needs input noise to draw. */
static void test_noise_copies(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE "regularizer: {noise_copies: 4}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 29, "regularizer.noise_copies needs regularizer.input_noise > 0"));
    assert_int_equal(l->diags.count, 1);
    loaded_free(l);
    l = load_bad(BASE "regularizer: {input_noise: 0.1, noise_copies: 2.5}\n"
                 "arms:\n  - name: a\n    regularizer: {noise_copies: -1}\n"
                 "  - name: b\n    regularizer: {noise_copy: 3}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 47, "expected an integer for 'regularizer.noise_copies', got 2.5"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 7, 33, "regularizer.noise_copies", "-1"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 9, 19, "unknown key 'noise_copy' in 'regularizer'",
                         "did you mean 'noise_copies'?"));
    loaded_free(l);
}

/* nesterov with momentum 0 passed validation and failed when the run
   started (optimizer_create), without a place. */
static void test_nesterov_without_momentum(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE "optimizer: {type: nesterov, momentum: 0}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 39, "optimizer.momentum must be > 0 for optimizer.type nesterov, got 0"));
    assert_int_equal(l->diags.count, 1);
    loaded_free(l);
    l = load_text(BASE "optimizer: {type: momentum, momentum: 0}\n", NULL, 0, -1);
    assert_int_equal(l->status, DLX_OK);
    loaded_free(l);
}

static void test_keys_that_do_not_apply(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE
                         "optimizer: {type: sgd, momentum: 0.9, beta1: 0.9}\n"
                         "data: {source: synthetic, kind: gaussian_mixture, condition: 10, dir: x}\n",
                         NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 24, "key 'momentum' applies only to optimizer.type momentum or nesterov",
                         "here it is sgd"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 39, "key 'beta1' applies only to optimizer.type adam"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 51, "key 'condition' applies only to data.kind linear"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 66, "key 'dir' applies only to data.source fashion-mnist or mnist"));
    loaded_free(l);
    l = load_bad(BASE "data: {source: mnist, classes: 3}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 23, "key 'classes' applies only to data.source synthetic"));
    loaded_free(l);
}

static void test_required_data_keys(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE "data:\n  source: idx\n  train_images: a\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 11, "data.train_labels is required for data.source idx"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 11, "data.test_images is required"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 11, "data.test_labels is required"));
    assert_int_equal(l->diags.count, 3);
    loaded_free(l);
    l = load_bad(BASE "data: {source: synthetic, kind: logistic, classes: 3, noise: 1.5}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 52, "data.classes must be 2 for data.kind logistic"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 62, "data.noise", "[0, 1]"));
    loaded_free(l);
    l = load_bad(BASE "data: {source: synthetic}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 16, "data.kind is required for data.source synthetic"));
    loaded_free(l);
}

/* The tensor data and models (SPEC §7): each problem at its place. */
static void test_tensor_keys(void **state)
{
    (void)state;
    loaded *l = load_bad("experiment: e\n"
                         "data: {source: synthetic, kind: ht_tensor, shape: [2, 2, 2], rank: 2, dim: 3}\n"
                         "model: {type: mlp, hidden: [3]}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 33, "a tensor (data.kind ht_tensor) has no input features"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 51, "data.shape of an ht_tensor", "2, 4, 8 or 16 modes, got 3"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 76, "data.dim does not apply to data.kind ht_tensor"));
    assert_int_equal(l->diags.count, 3);
    loaded_free(l);
    l = load_bad("experiment: e\n"
                 "data: {source: synthetic, kind: cp_tensor, shape: [2, 2, 2]}\n"
                 "model: {type: ht, rank: 2}\n"
                 "regularizer: {max_norm: 3}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 16, "data.rank is required for data.kind cp_tensor"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 15, "model.type ht", "the data have 3"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 25, "regularizer.max_norm does not apply to model.type ht"));
    assert_int_equal(l->diags.count, 3);
    loaded_free(l);
    l = load_bad("experiment: e\n"
                 "data: {source: synthetic, kind: gaussian_mixture, classes: 2}\n"
                 "model: {type: cp, rank: 2}\n"
                 "loss: cross_entropy\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 15, "model.type cp needs an order-N tensor"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 7, "model.type cp is fitted by squared error"));
    loaded_free(l);
    l = load_bad("experiment: e\n"
                 "data: {source: synthetic, kind: cp_tensor, shape: [2, 0], rank: 1, preprocess: scale}\n"
                 "model: {type: cp}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 55, "data.shape must be between 1 and 100000, got 0"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 80, "data.preprocess must be none"));
    loaded_free(l);
}

static void test_tensor_lift_keys(void **state)
{
    (void)state;
    loaded *l = load_bad("experiment: e\n"
                         "data: {source: synthetic, kind: teacher_regression, dim: 4, hidden: 5, classes: 2}\n"
                         "model: {type: mlp, hidden: [3, 3]}\n"
                         "loss: cross_entropy\n"
                         "training: {method: tensor_lift, epochs: 5}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 69, "data.hidden (5) cannot exceed data.dim (4)"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 72, "key 'classes' applies only to", "here it is teacher_regression"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 28, "tensor_lift trains an mlp with exactly one hidden layer"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 7, "tensor_lift fits squared error"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 41, "training.epochs must be 1"));
    assert_int_equal(l->diags.count, 5);
    loaded_free(l);
    l = load_bad("experiment: e\n"
                 "data: {source: synthetic, kind: gaussian_mixture}\n"
                 "model: {type: mlp, hidden: [3], batch_norm: true}\n"
                 "loss: mse\n"
                 "regularizer: {l2: 0.1}\n"
                 "training: {method: tensor_lift}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 33, "tensor_lift uses the score function of standard Gaussian"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 45, "model.batch_norm does not apply"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 14, "fits without a regularizer"));
    assert_int_equal(l->diags.count, 3);
    loaded_free(l);
    l = load_bad("experiment: e\n"
                 "data: {source: synthetic, kind: teacher_regression, dim: 4, hidden: 2, preprocess: standardize}\n"
                 "model: {type: mlp, hidden: [6]}\n"
                 "loss: mse\n"
                 "training: {method: tensor_lft}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 20, "did you mean 'tensor_lift'?"));
    loaded_free(l);
    l = load_bad("experiment: e\n"
                 "data: {source: synthetic, kind: teacher_regression, dim: 4, hidden: 2, preprocess: standardize}\n"
                 "model: {type: mlp, hidden: [6]}\n"
                 "loss: mse\n"
                 "training: {method: tensor_lift}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 28, "recovers at most data.dim", "here 6 units, data.dim 4"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 84, "data.preprocess must be none, here standardize"));
    assert_int_equal(l->diags.count, 2);
    loaded_free(l);
    l = load_bad("experiment: e\n"
                 "data: {source: synthetic, kind: teacher_regression, dim: 4}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 2, 16, "data.hidden is required for data.kind teacher_regression"));
    loaded_free(l);
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE "optimizer:\n  lr: 0.1\n  lr: 0.2\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 6, 3, "duplicate key 'lr'", "first defined at line 5"));
    loaded_free(l);
}

/* Seconds on a monotonic clock, for the timing notes. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* BASE followed by n lines "PREFIXi: 1" (i from 0), then tail. */
static char *many_keys(const char *prefix, int n, const char *tail)
{
    size_t cap = strlen(BASE) + (size_t)n * (strlen(prefix) + 16) + strlen(tail) + 1, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    used += (size_t)snprintf(text, cap, "%s", BASE);
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, cap - used, "%s%d: 1\n", prefix, i);
    snprintf(text + used, cap - used, "%s", tail);
    return text;
}

/* The last line diags_print writes. */
static char *last_printed_line(const dlx_diags *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diags_print(d, f);
    fclose(f);
    assert_true(len > 1 && buf[len - 1] == '\n');
    buf[len - 1] = '\0';
    char *last = strrchr(buf, '\n');
    char *line = strdup(last ? last + 1 : buf);
    free(buf);
    return line;
}

/* 100,000 unknown keys: the duplicate-key and duplicate-message checks
   scanned everything seen so far (some 27 s); now the errors are capped at
   DLX_MAX_ERRORS and the rest counted. Timing printed, not asserted. */
static void test_many_unknown_keys(void **state)
{
    (void)state;
    int n = 100000;
    char *text = many_keys("unknown_key_", n, "");
    double t0 = now_seconds();
    loaded *l = load_bad(text, NULL, 0, -1);
    print_message("%d unknown keys: validated in %.3f s\n", n, now_seconds() - t0);
    assert_int_equal(l->diags.count, DLX_MAX_ERRORS);
    assert_int_equal(diags_total(&l->diags), n);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 1, "unknown key 'unknown_key_0'"));
    char *last = last_printed_line(&l->diags);
    char expected[64];
    snprintf(expected, sizeof expected, "dlx: error: ... and %d more errors", n - DLX_MAX_ERRORS);
    assert_string_equal(last, expected);
    free(last);
    loaded_free(l);
    free(text);
}

/* A mapping of 100,000 keys whose last key repeats an early one: found,
   with both places; and every key given twice: the errors capped. */
static void test_many_keys_duplicate(void **state)
{
    (void)state;
    int n = 100000;
    size_t cap = (size_t)n * 24 + 256, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    used += (size_t)snprintf(text, cap, "x:\n");
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, cap - used, "  k%d: 1\n", i);
    snprintf(text + used, cap - used, "  k17: 2\n");
    ytree_origin origin = {"t.yaml", NULL};
    ytree_node *root = NULL;
    dlx_diags d = {0};
    double t0 = now_seconds();
    assert_int_equal(ytree_parse(text, strlen(text), &origin, 0, &root, &d), DLX_ERR_INPUT);
    print_message("mapping of %d keys and a duplicate: parsed in %.3f s\n", n + 1, now_seconds() - t0);
    assert_int_equal(d.count, 1);
    assert_true(HAS_DIAG(&d, "t.yaml", n + 2, 3, "duplicate key 'k17'", "first defined at line 19, column 3"));
    diags_free(&d);
    free(text);

    text = malloc(2 * cap);
    assert_non_null(text);
    used = (size_t)snprintf(text, 2 * cap, "x:\n");
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n; i++)
            used += (size_t)snprintf(text + used, 2 * cap - used, "  k%d: %d\n", i, pass);
    t0 = now_seconds();
    assert_int_equal(ytree_parse(text, strlen(text), &origin, 0, &root, &d), DLX_ERR_INPUT);
    print_message("mapping of %d keys given twice: parsed in %.3f s\n", n, now_seconds() - t0);
    assert_int_equal(d.count, DLX_MAX_ERRORS);
    assert_int_equal(diags_total(&d), n);
    assert_true(HAS_DIAG(&d, "t.yaml", n + 2, 3, "duplicate key 'k0'", "first defined at line 2, column 3"));
    diags_free(&d);
    free(text);
}

static void test_arms(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE
                         "arms:\n"
                         "  - model: {hidden: [5]}\n"
                         "  - name: a\n"
                         "  - name: a\n"
                         "  - name: ../x\n"
                         "  - name: ok\n"
                         "    seeds: 3\n"
                         "    optimzer: {lr: 1}\n",
                         NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 5, "arm 0 has no 'name'"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 7, 11, "duplicate arm name 'a'", "first used at line 6"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 8, 11, "arms.name must be 1 to 64 letters", "\"../x\""));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 10, 5, "key 'seeds' cannot be set in an arm"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 11, 5, "unknown key 'optimzer' in an arm", "did you mean 'optimizer'?"));
    assert_int_equal(l->diags.count, 5);
    loaded_free(l);
    l = load_bad(BASE "arms:\n  - name: /\n  - name: ..\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 11, "arms.name must be"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 6, 11, "arms.name must be"));
    loaded_free(l);
}

static void test_base_error_reported_once(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE "optimizer: {lr: -1}\narms:\n  - name: a\n  - name: b\n", NULL, 0, -1);
    assert_int_equal(l->diags.count, 1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 17, "optimizer.lr must be greater than 0"));
    loaded_free(l);
    /* an inherited key that the arm makes invalid is reported with the arm */
    l = load_bad(BASE "data: {source: synthetic, kind: gaussian_mixture, classes: 3}\n"
                      "arms:\n  - name: a\n  - name: b\n    data: {kind: logistic}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 60, "in arm 'b': data.classes must be 2 for data.kind logistic"));
    assert_int_equal(l->diags.count, 1);
    loaded_free(l);
}

static void test_experiment_key_and_top_level(void **state)
{
    (void)state;
    loaded *l = load_bad("model: {hidden: [10]}\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 1, 1, "missing required key 'experiment'"));
    loaded_free(l);
    l = load_bad("experiment: \"has space\"\nmodel: {hidden: [10]}\nseeds: 0\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 1, 13, "experiment must be 1 to 64 letters"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 3, 8, "seeds must be between 1 and 1024, got 0"));
    loaded_free(l);
    l = load_bad("- a\n- b\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 1, 1, "top level of an experiment file must be a mapping",
                         "got a sequence"));
    loaded_free(l);
    l = load_bad("just a string\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 1, 1, "must be a mapping", "string \"just a string\""));
    loaded_free(l);
}

static void test_empty_file(void **state)
{
    (void)state;
    const char *const empties[] = {"", "# just a comment\n\n# another\n", "---\n"};
    for (int i = 0; i < 3; i++) {
        loaded *l = load_bad(empties[i], NULL, 0, -1);
        assert_int_equal(l->diags.count, 1);
        assert_true(HAS_DIAG(&l->diags, "t.yaml", 0, 0, "empty experiment file"));
        loaded_free(l);
    }
}

static void test_seed_lists(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE "seeds: [1, 2, 1, -4, x]\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 15, "seed 1 is listed twice"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 18, "seeds must be at least 0, got -4"));
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 22, "expected an integer for 'seeds'"));
    loaded_free(l);
    l = load_bad(BASE "seeds: []\n", NULL, 0, -1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 4, 8, "seeds must list 1 to 1024 seeds"));
    loaded_free(l);
}

static void test_override_errors(void **state)
{
    (void)state;
    const char *const sets[] = {"optimizer.lrr=0.1", "optimizer.lr=abc", "model.hidden=[1, 2",
                                "noequals", "arms.3.model.hidden=[1]", "model.hidden.0.x=1",
                                "optimizer.type=adm"};
    loaded *l = load_bad(BASE "arms:\n  - name: a\n", sets, 7, -1);
    const dlx_diags *d = &l->diags;
    assert_true(HAS_DIAG(d, "<command-line>", 1, 11, "--set 'optimizer.lrr=0.1': unknown key 'lrr' in 'optimizer'",
                         "did you mean 'lr'?"));
    assert_true(HAS_DIAG(d, "<command-line>", 1, 14, "--set 'optimizer.lr=abc': expected a number for 'optimizer.lr'",
                         "got string \"abc\""));
    assert_true(HAS_DIAG(d, "<command-line>", 1, 19, "--set 'model.hidden=[1, 2': did not find expected"));
    assert_true(HAS_DIAG(d, "<command-line>", 1, 1, "--set 'noequals': expected KEY=VALUE"));
    assert_true(HAS_DIAG(d, "<command-line>", 1, 6, "--set 'arms.3.model.hidden=[1]'", "no item 3"));
    assert_true(HAS_DIAG(d, "<command-line>", 1, 16, "--set 'model.hidden.0.x=1'", "'model.hidden.0' is a single value"));
    assert_true(HAS_DIAG(d, "<command-line>", 1, 16, "--set 'optimizer.type=adm': unknown optimizer 'adm'",
                         "did you mean 'adam'?"));
    loaded_free(l);
}

static void test_sweep_errors(void **state)
{
    (void)state;
    loaded *l = load_bad(BASE
                         "sweep:\n"
                         "  optimizer.lrr: [1]\n"
                         "  seeds: [1, 2]\n"
                         "  model.hidden: []\n"
                         "  arms.2.optimizer.lr: [0.1]\n"
                         "  training.epochs: 3\n",
                         NULL, 0, -1);
    const dlx_diags *d = &l->diags;
    assert_true(HAS_DIAG(d, "t.yaml", 5, 13, "unknown key 'lrr' in sweep key 'optimizer.lrr'", "did you mean 'lr'?"));
    assert_true(HAS_DIAG(d, "t.yaml", 6, 3, "'seeds' cannot be swept"));
    assert_true(HAS_DIAG(d, "t.yaml", 7, 17, "sweep key 'model.hidden' needs a non-empty list"));
    assert_true(HAS_DIAG(d, "t.yaml", 8, 8, "sweep key 'arms.2.optimizer.lr' refers to a missing arm"));
    assert_true(HAS_DIAG(d, "t.yaml", 9, 20, "sweep key 'training.epochs' needs a non-empty list", "integer 3"));
    loaded_free(l);
    l = load_bad(BASE "sweep:\n  optimizer.lr: [0.1, -1]\n", NULL, 0, 5);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 0, 0, "sweep point 5 does not exist", "2 points, 0 to 1"));
    loaded_free(l);
    l = load_bad(BASE "sweep:\n  optimizer.lr: [0.1, -1]\n", NULL, 0, 1);
    assert_true(HAS_DIAG(&l->diags, "t.yaml", 5, 23, "in sweep point 1 (optimizer.lr=-1): optimizer.lr must be "
                                                     "greater than 0, got -1"));
    loaded_free(l);
}

static void test_validate_all_points(void **state)
{
    (void)state;
    const char *text = BASE "optimizer: {type: adam}\n"
                            "training: {epochs: -2}\n"
                            "sweep:\n"
                            "  optimizer.lr: [0.1, -1]\n"
                            "  optimizer.beta1: [0.5, 1.5]\n";
    dlx_diags d = {0};
    dlx_status st = experiment_validate_all_points_string(text, strlen(text), "t.yaml", NULL, &d);
    assert_int_equal(st, DLX_ERR_INPUT);
    /* the base error once, without a point */
    assert_true(HAS_DIAG(&d, "t.yaml", 5, 20, "training.epochs must be between 0"));
    /* point 1 = (lr 0.1, beta1 1.5), point 2 = (lr -1, beta1 0.5), point 3 both bad */
    assert_true(HAS_DIAG(&d, "t.yaml", 8, 26, "in sweep point 1 (optimizer.lr=0.1, optimizer.beta1=1.5): "
                                              "optimizer.beta1 must be in [0, 1), got 1.5"));
    assert_true(HAS_DIAG(&d, "t.yaml", 7, 23, "in sweep point 2 (optimizer.lr=-1, optimizer.beta1=0.5): "
                                              "optimizer.lr must be greater than 0"));
    assert_true(HAS_DIAG(&d, "t.yaml", 7, 23, "in sweep point 3 (optimizer.lr=-1, optimizer.beta1=1.5)"));
    assert_true(HAS_DIAG(&d, "t.yaml", 8, 26, "in sweep point 3 (optimizer.lr=-1, optimizer.beta1=1.5)"));
    assert_int_equal(d.count, 5);
    diags_free(&d);
    /* a valid sweep */
    const char *good = BASE "sweep:\n  optimizer.lr: [0.1, 1]\n";
    assert_int_equal(experiment_validate_all_points_string(good, strlen(good), "g.yaml", NULL, &d), DLX_OK);
    assert_int_equal(d.count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_quoted_number_is_string),
        cmocka_unit_test(test_bad_numbers),
        cmocka_unit_test(test_dropout_range),
        cmocka_unit_test(test_hidden),
        cmocka_unit_test(test_unknown_enum_values),
        cmocka_unit_test(test_diagnostic_params),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_noise_copies),
        cmocka_unit_test(test_nesterov_without_momentum),
        cmocka_unit_test(test_keys_that_do_not_apply),
        cmocka_unit_test(test_required_data_keys),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_many_unknown_keys),
        cmocka_unit_test(test_many_keys_duplicate),
        cmocka_unit_test(test_arms),
        cmocka_unit_test(test_base_error_reported_once),
        cmocka_unit_test(test_experiment_key_and_top_level),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_seed_lists),
        cmocka_unit_test(test_tensor_keys),
        cmocka_unit_test(test_tensor_lift_keys),
        cmocka_unit_test(test_override_errors),
        cmocka_unit_test(test_sweep_errors),
        cmocka_unit_test(test_validate_all_points),
        cmocka_unit_test(test_dropconnect_inference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
