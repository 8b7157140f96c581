/*
 * schema.c — the table of keys and the names of enum values (schema.h).
 *
 * Adding a key: add its row here, read it in the convert_*.c file of its
 * section, write it in emit.c, and document it in docs/config.md.
 */
#include "spec/schema.h"

#include <string.h>

#include "spec/experiment.h"

static const spec_key keys[] = {
    {"dlx_version", NULL, NULL},
    {"solutions", NULL, NULL},
    {"experiment", NULL, NULL},
    {"description", NULL, NULL},
    {"seeds", NULL, NULL},
    {"output", NULL, NULL},
    {"precision", NULL, NULL},
    {"arms", NULL, NULL},
    {"sweep", NULL, NULL},
    {"diagnostics", NULL, NULL},
    {"reference", NULL, NULL},
    {"uncertainty", NULL, NULL},
    {"uncertainty.method", NULL, NULL},
    {"uncertainty.size", "uncertainty.method", "ensemble,mc_dropout"},
    {"loss", NULL, NULL},

    {"data", NULL, NULL},
    {"data.source", NULL, NULL},
    {"data.dir", "data.source", "fashion-mnist,mnist"},
    {"data.train_images", "data.source", "idx"},
    {"data.train_labels", "data.source", "idx"},
    {"data.test_images", "data.source", "idx"},
    {"data.test_labels", "data.source", "idx"},
    {"data.train", "data.source", "csv"},
    {"data.test", "data.source", "csv"},
    {"data.target", "data.source", "csv"},
    {"data.format", "data.source", "csv"},
    {"data.kind", "data.source", "synthetic"},
    {"data.dim", "data.source", "synthetic"},
    {"data.classes", "data.kind", "gaussian_mixture,logistic,teacher"},
    {"data.noise", "data.source", "synthetic,safetensors"},
    {"data.condition", "data.kind", "linear"},
    {"data.rotate", "data.kind", "linear"},
    {"data.exact_covariance", "data.kind", "linear"},
    {"data.separation", "data.kind", "gaussian_mixture"},
    {"data.teacher_hidden", "data.kind", "teacher"},
    {"data.hidden", "data.kind", "teacher_regression"},
    {"data.activation", "data.kind", "teacher_regression"},
    {"data.sparsity", "data.kind", "linear,logistic"},
    {"data.features", "data.kind", "linear"},
    {"data.scale_ratio", "data.kind", "logistic"},
    {"data.n_train", NULL, NULL},
    {"data.n_test", NULL, NULL},
    {"data.seed", NULL, NULL},
    {"data.preprocess", NULL, NULL},
    {"data.bootstrap", NULL, NULL},
    {"data.rows", "data.kind", "low_rank"},
    {"data.cols", "data.kind", "low_rank"},
    {"data.rank", "data.kind", "low_rank,cp_tensor,ht_tensor"},
    {"data.observed", "data.kind", "low_rank"},
    {"data.train_input", "data.kind", "shifted_regression"},
    {"data.train_input.mean", NULL, NULL},
    {"data.train_input.std", NULL, NULL},
    {"data.test_input", "data.kind", "shifted_regression"},
    {"data.test_input.mean", NULL, NULL},
    {"data.test_input.std", NULL, NULL},
    {"data.truth", "data.kind", "shifted_regression"},
    {"data.importance", NULL, NULL},
    {"data.importance.weights", NULL, NULL},
    {"data.importance.power", NULL, NULL},
    {"data.weight", "data.source", "csv"},
    {"data.shape", "data.kind", "cp_tensor,ht_tensor"},
    {"data.path", "data.source", "safetensors"},
    {"data.tensor", "data.source", "safetensors"},

    {"model", NULL, NULL},
    {"model.type", NULL, NULL},
    {"model.hidden", "model.type", "mlp"},
    {"model.activation", "model.type", "mlp"},
    {"model.batch_norm", "model.type", "mlp"},
    {"model.batch_norm.enabled", NULL, NULL},
    {"model.batch_norm.momentum", NULL, NULL},
    {"model.batch_norm.eps", NULL, NULL},
    {"model.batch_norm.position", NULL, NULL},
    {"model.batch_norm.backward", NULL, NULL},
    {"model.dropout", NULL, NULL},
    {"model.dropout.hidden", NULL, NULL},
    {"model.dropout.input", NULL, NULL},
    {"model.dropout.kind", NULL, NULL},
    {"model.dropout.scaling", NULL, NULL},
    {"model.dropconnect_inference", NULL, NULL},
    {"model.dropconnect_samples", NULL, NULL},
    {"model.dropout.position", NULL, NULL},
    {"model.init", NULL, NULL},
    {"model.init.scheme", NULL, NULL},
    {"model.init.std", "model.init.scheme", "normal"},
    {"model.init.limit", "model.init.scheme", "uniform"},
    {"model.init.from", NULL, NULL},
    {"model.rank", "model.type", "factorization,cp,ht"},
    {"model.bias", "model.type", "mlp"},

    {"regularizer", NULL, NULL},
    {"regularizer.l2", NULL, NULL},
    {"regularizer.l1", NULL, NULL},
    {"regularizer.max_norm", NULL, NULL},
    {"regularizer.input_noise", NULL, NULL},
    {"regularizer.noise_copies", NULL, NULL},
    {"regularizer.dropout_copies", NULL, NULL},
    {"regularizer.product", NULL, NULL},

    {"optimizer", NULL, NULL},
    {"optimizer.type", NULL, NULL},
    {"optimizer.lr", NULL, NULL},
    {"optimizer.momentum", "optimizer.type", "momentum,nesterov"},
    {"optimizer.beta1", "optimizer.type", "adam"},
    {"optimizer.beta2", "optimizer.type", "adam"},
    {"optimizer.alpha", "optimizer.type", "rmsprop"},
    {"optimizer.eps", "optimizer.type", "adagrad,rmsprop,adam"},
    {"optimizer.schedule", NULL, NULL},
    {"optimizer.schedule.type", NULL, NULL},
    {"optimizer.schedule.step_size", "optimizer.schedule.type", "step"},
    {"optimizer.schedule.gamma", "optimizer.schedule.type", "step,exponential,inverse_time"},
    {"optimizer.schedule.t_max", "optimizer.schedule.type", "cosine"},
    {"optimizer.schedule.eta_min", "optimizer.schedule.type", "cosine"},

    {"training", NULL, NULL},
    {"training.epochs", NULL, NULL},
    {"training.batch_size", NULL, NULL},
    {"training.shuffle", NULL, NULL},
    {"training.eval_every", NULL, NULL},
    {"training.on_divergence", NULL, NULL},
    {"training.grow_rank", NULL, NULL},
    {"training.grow_rank.start", NULL, NULL},
    {"training.grow_rank.max", NULL, NULL},
    {"training.grow_rank.epochs", NULL, NULL},
    {"training.grow_rank.tol", NULL, NULL},
    {"training.method", NULL, NULL},
    {"diagnostics.stability.pairs", NULL, NULL},
    {"diagnostics.stability.replace", NULL, NULL},
    {"diagnostics.stability.flip_label", NULL, NULL},
};

#define N_KEYS ((int)(sizeof keys / sizeof keys[0]))

const spec_key *schema_find(const char *path)
{
    for (int i = 0; i < N_KEYS; i++)
        if (strcmp(keys[i].path, path) == 0)
            return &keys[i];
    return NULL;
}

int schema_children(const char *parent, const char **names, int max)
{
    size_t plen = strlen(parent);
    int n = 0;
    for (int i = 0; i < N_KEYS && n < max; i++) {
        const char *p = keys[i].path;
        if (plen == 0) {
            if (!strchr(p, '.'))
                names[n++] = p;
        } else if (strncmp(p, parent, plen) == 0 && p[plen] == '.' && !strchr(p + plen + 1, '.')) {
            names[n++] = p + plen + 1;
        }
    }
    return n;
}

bool schema_value_in(const char *value, const char *values)
{
    size_t len = strlen(value);
    for (const char *p = values; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, value, n) == 0)
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

bool schema_is_experiment_key(const char *key)
{
    static const char *const whole[] = {"experiment", "description", "seeds", "output", "arms", "sweep",
                                        "dlx_version", "solutions", "precision"};
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
        if (strcmp(key, whole[i]) == 0)
            return true;
    return false;
}

/* ---- enum names, indexed by the C enums of spec/config.h. Each list is
   written with designated initialisers and checked at compile time to have
   one name per enum value, so a value added to an enum without its name
   stops the build instead of reading past the end of a list. */

#define NAMES_OF(table, count) \
    _Static_assert(sizeof table / sizeof *table == (count), #table " must name every value of its enum")

static const char *const data_sources[] = {
    [DATA_FASHION_MNIST] = "fashion-mnist", [DATA_MNIST] = "mnist", [DATA_IDX] = "idx", [DATA_CSV] = "csv",
    [DATA_SYNTHETIC] = "synthetic",
    [DATA_SAFETENSORS] = "safetensors"};
NAMES_OF(data_sources, DATA_SOURCE_COUNT);
static const char *const synthetic_kinds[] = {[SYN_GAUSSIAN_MIXTURE] = "gaussian_mixture", [SYN_LINEAR] = "linear",
                                              [SYN_LOGISTIC] = "logistic", [SYN_TEACHER] = "teacher",
                                              [SYN_LOW_RANK] = "low_rank",
                                              [SYN_SHIFTED_REGRESSION] = "shifted_regression",
                                              [SYN_CP_TENSOR] = "cp_tensor", [SYN_HT_TENSOR] = "ht_tensor",
                                              [SYN_TEACHER_REGRESSION] = "teacher_regression"};
NAMES_OF(synthetic_kinds, SYN_KIND_COUNT);
static const char *const shift_truths[] = {[TRUTH_CUBIC] = "cubic", [TRUTH_LINEAR] = "linear"};
NAMES_OF(shift_truths, TRUTH_COUNT);
static const char *const importances[] = {[IMPORTANCE_NONE] = "none", [IMPORTANCE_EXACT] = "exact",
                                          [IMPORTANCE_CLASSIFIER] = "classifier"};
NAMES_OF(importances, IMPORTANCE_COUNT);
static const char *const csv_formats[] = {[CSV_TABLE] = "table", [CSV_ENTRIES] = "entries",
                                          [CSV_DENSE] = "dense"};
NAMES_OF(csv_formats, CSV_FORMAT_COUNT);
static const char *const preprocesses[] = {[PRE_NONE] = "none", [PRE_SCALE] = "scale",
                                           [PRE_STANDARDIZE] = "standardize", [PRE_WHITEN] = "whiten"};
NAMES_OF(preprocesses, PREPROCESS_COUNT);
static const char *const model_types[] = {[MODEL_LINEAR] = "linear", [MODEL_LOGISTIC] = "logistic",
                                          [MODEL_SOFTMAX] = "softmax", [MODEL_MLP] = "mlp",
                                          [MODEL_FACTORIZATION] = "factorization",
                                          [MODEL_CP] = "cp", [MODEL_HT] = "ht"};
NAMES_OF(model_types, MODEL_TYPE_COUNT);
static const char *const activations[] = {[ACT_RELU] = "relu", [ACT_SIGMOID] = "sigmoid", [ACT_TANH] = "tanh",
                                          [ACT_IDENTITY] = "identity"};
NAMES_OF(activations, ACTIVATION_COUNT);
static const char *const dropout_kinds[] = {[DROPOUT_BERNOULLI] = "bernoulli", [DROPOUT_GAUSSIAN] = "gaussian",
                                            [DROPOUT_DROPCONNECT] = "dropconnect"};
NAMES_OF(dropout_kinds, DROPOUT_KIND_COUNT);
static const char *const dropout_scalings[] = {[DROPOUT_INVERTED] = "inverted", [DROPOUT_TEST_TIME] = "test_time"};
NAMES_OF(dropout_scalings, DROPOUT_SCALING_COUNT);
static const char *const dropconnect_inferences[] = {[DROPCONNECT_WEIGHT_SCALING] = "weight_scaling",
                                                     [DROPCONNECT_MOMENT_MATCHING] = "moment_matching"};
NAMES_OF(dropconnect_inferences, DROPCONNECT_INFERENCE_COUNT);
static const char *const bn_positions[] = {[BN_BEFORE] = "before", [BN_AFTER] = "after"};
NAMES_OF(bn_positions, BN_POSITION_COUNT);
static const char *const bn_backwards[] = {[BN_BACKWARD_NONE] = "none", [BN_BACKWARD_STANDARDIZE] = "standardize"};
NAMES_OF(bn_backwards, BN_BACKWARD_COUNT);
static const char *const dropout_positions[] = {[DROPOUT_BEFORE_BN] = "before_bn", [DROPOUT_AFTER_BN] = "after_bn"};
NAMES_OF(dropout_positions, DROPOUT_POSITION_COUNT);
/* init: {from: FILE} has no name of its own (INIT_FROM_FILE follows the named schemes). */
static const char *const init_schemes[] = {[INIT_NORMAL] = "normal", [INIT_UNIFORM] = "uniform",
                                           [INIT_XAVIER] = "xavier", [INIT_HE] = "he", [INIT_ZEROS] = "zeros"};
NAMES_OF(init_schemes, INIT_NAMED_COUNT);
static const char *const losses[] = {[LOSS_CROSS_ENTROPY] = "cross_entropy", [LOSS_LOGISTIC] = "logistic",
                                     [LOSS_MSE] = "mse"};
NAMES_OF(losses, LOSS_COUNT);
static const char *const optimizers[] = {[OPT_SGD] = "sgd", [OPT_MOMENTUM] = "momentum",
                                         [OPT_NESTEROV] = "nesterov", [OPT_ADAGRAD] = "adagrad",
                                         [OPT_RMSPROP] = "rmsprop", [OPT_ADAM] = "adam"};
NAMES_OF(optimizers, OPT_TYPE_COUNT);
static const char *const references[] = {[REF_AUTO] = "auto", [REF_NONE] = "none", [REF_MIN_NORM] = "min_norm",
                                         [REF_RIDGE] = "ridge", [REF_LASSO] = "lasso", [REF_LOGISTIC] = "logistic",
                                         [REF_DROPOUT_QUADRATIC] = "dropout_quadratic",
                                         [REF_NUCLEAR_NORM] = "nuclear_norm",
                                         [REF_DROPOUT_RIDGE] = "dropout_ridge"};
NAMES_OF(references, REF_TYPE_COUNT);
static const char *const uncertainty_methods[] = {[UNCERTAINTY_NONE] = "none", [UNCERTAINTY_ENSEMBLE] = "ensemble",
                                                  [UNCERTAINTY_MC_DROPOUT] = "mc_dropout"};
NAMES_OF(uncertainty_methods, UNCERTAINTY_METHOD_COUNT);
static const char *const divergence_actions[] = {[DIVERGE_STOP] = "stop", [DIVERGE_CONTINUE] = "continue",
                                                 [DIVERGE_FAIL] = "fail"};
NAMES_OF(divergence_actions, DIVERGE_COUNT);
static const char *const schedules[] = {[SCHED_CONSTANT] = "constant", [SCHED_STEP] = "step",
                                        [SCHED_EXPONENTIAL] = "exponential", [SCHED_INVERSE_TIME] = "inverse_time",
                                        [SCHED_COSINE] = "cosine"};
NAMES_OF(schedules, SCHED_TYPE_COUNT);
static const char *const training_methods[] = {[TRAIN_GRADIENT] = "gradient", [TRAIN_TENSOR_LIFT] = "tensor_lift"};
NAMES_OF(training_methods, TRAIN_METHOD_COUNT);
/* Diagnostics known to this version (SPEC §4), in the order of
   dlx_diagnostic_kind and of the table of src/diagnostics/registry.c. */
static const char *const diagnostics[] = {
    [DIAGNOSTIC_WEIGHT_NORM] = "weight_norm", [DIAGNOSTIC_GRAD_NORM] = "grad_norm",
    [DIAGNOSTIC_SUBOPTIMALITY] = "suboptimality", [DIAGNOSTIC_DIST_TO_REF] = "dist_to_ref",
    [DIAGNOSTIC_CONDITION_NUMBER] = "condition_number", [DIAGNOSTIC_SPARSITY] = "sparsity",
    [DIAGNOSTIC_ACT_QUANTILES] = "act_quantiles", [DIAGNOSTIC_MC_DROPOUT] = "mc_dropout",
    [DIAGNOSTIC_CALIBRATION] = "calibration", [DIAGNOSTIC_DROPOUT_PENALTY] = "dropout_penalty",
    [DIAGNOSTIC_CERTIFICATE] = "certificate", [DIAGNOSTIC_POLAR] = "polar", [DIAGNOSTIC_RANK] = "rank",
    [DIAGNOSTIC_IMPORTANCE] = "importance", [DIAGNOSTIC_STABILITY] = "stability",
    [DIAGNOSTIC_MEAN_NETWORK] = "mean_network",
    [DIAGNOSTIC_FIT_REL_ERROR] = "fit_rel_error", [DIAGNOSTIC_MATRICIZATION_RANK] = "matricization_rank",
    [DIAGNOSTIC_ERROR_DECOMPOSITION] = "error_decomposition",
    [DIAGNOSTIC_UNIT_QUANTILES] = "unit_quantiles",
    [DIAGNOSTIC_INPUT_COVARIANCE_CONDITION] = "input_covariance_condition",
    [DIAGNOSTIC_DROPCONNECT_MOMENTS] = "dropconnect_moments",
    [DIAGNOSTIC_WEIGHT_RECOVERY] = "weight_recovery",
    [DIAGNOSTIC_VARIANCE_SHIFT] = "variance_shift"};
NAMES_OF(diagnostics, DIAGNOSTIC_COUNT);

/* Diagnostics that take a parameter (`{name: value}` in the list). */
static const spec_diag_param diagnostic_params[] = {
    {"mc_dropout", SPEC_PARAM_REQUIRED, true, 1, 10000, "the number of dropout masks T"},
    {"calibration", SPEC_PARAM_OPTIONAL, true, 1, 10000, "the number of dropout masks T of its MC columns"},
    {"unit_quantiles", SPEC_PARAM_OPTIONAL, true, 0, 10, "the units shown per layer K"},
    {"dropconnect_moments", SPEC_PARAM_OPTIONAL, true, 2, 100000, "the number of Monte-Carlo masks S"},
};

const spec_diag_param *schema_diagnostic_param(const char *diagnostic)
{
    static const spec_diag_param none = {"", SPEC_PARAM_NONE, false, 0, 0, "nothing"};
    for (size_t i = 0; i < sizeof diagnostic_params / sizeof *diagnostic_params; i++)
        if (!strcmp(diagnostic_params[i].diagnostic, diagnostic))
            return &diagnostic_params[i];
    return &none;
}

#define ENUM(noun, table) {noun, table, (int)(sizeof table / sizeof table[0])}

const spec_enum SPEC_DATA_SOURCES = ENUM("data source", data_sources);
const spec_enum SPEC_SYNTHETIC_KINDS = ENUM("synthetic data kind", synthetic_kinds);
const spec_enum SPEC_PREPROCESS = ENUM("preprocessing", preprocesses);
const spec_enum SPEC_CSV_FORMATS = ENUM("csv format", csv_formats);
const spec_enum SPEC_SHIFT_TRUTHS = ENUM("regression truth", shift_truths);
const spec_enum SPEC_IMPORTANCE = ENUM("importance weighting", importances);
const spec_enum SPEC_MODEL_TYPES = ENUM("model type", model_types);
const spec_enum SPEC_ACTIVATIONS = ENUM("activation", activations);
const spec_enum SPEC_DROPOUT_KINDS = ENUM("dropout kind", dropout_kinds);
const spec_enum SPEC_DROPOUT_SCALINGS = ENUM("dropout scaling", dropout_scalings);
const spec_enum SPEC_DROPCONNECT_INFERENCES = ENUM("DropConnect inference", dropconnect_inferences);
const spec_enum SPEC_BN_POSITIONS = ENUM("batch-norm position", bn_positions);
const spec_enum SPEC_BN_BACKWARDS = ENUM("batch-norm backward", bn_backwards);
const spec_enum SPEC_DROPOUT_POSITIONS = ENUM("dropout position", dropout_positions);
const spec_enum SPEC_INIT_SCHEMES = ENUM("init scheme", init_schemes);
const spec_enum SPEC_LOSSES = ENUM("loss", losses);
const spec_enum SPEC_OPTIMIZERS = ENUM("optimizer", optimizers);
const spec_enum SPEC_SCHEDULES = ENUM("schedule", schedules);
const spec_enum SPEC_DIVERGENCE = ENUM("divergence action", divergence_actions);
const spec_enum SPEC_REFERENCES = ENUM("reference", references);
const spec_enum SPEC_UNCERTAINTY_METHODS = ENUM("uncertainty method", uncertainty_methods);
const spec_enum SPEC_DIAGNOSTICS = ENUM("diagnostic", diagnostics);
const spec_enum SPEC_TRAINING_METHODS = ENUM("training method", training_methods);

const char *spec_enum_name(const spec_enum *e, int i)
{
    return i >= 0 && i < e->count ? e->names[i] : "unknown";
}

const char *model_type_name(dlx_model_type t) { return spec_enum_name(&SPEC_MODEL_TYPES, (int)t); }
const char *activation_name(dlx_activation a) { return spec_enum_name(&SPEC_ACTIVATIONS, (int)a); }
const char *loss_name(dlx_loss l) { return spec_enum_name(&SPEC_LOSSES, (int)l); }
const char *optimizer_type_name(dlx_optimizer_type t) { return spec_enum_name(&SPEC_OPTIMIZERS, (int)t); }
const char *data_source_name(dlx_data_source s) { return spec_enum_name(&SPEC_DATA_SOURCES, (int)s); }
const char *preprocess_name(dlx_preprocess p) { return spec_enum_name(&SPEC_PREPROCESS, (int)p); }
