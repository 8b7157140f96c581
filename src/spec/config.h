/*
 * config.h — the typed, validated experiment (SPEC §2).
 *
 * The spec layer turns YAML into these structs; everything below it (train,
 * nn, optim, data) reads only these structs, never YAML. A dlx_config is the
 * complete description of one arm: the base of the file with the arm merged
 * over it, every default filled in. It is plain data (fixed-size strings, no
 * pointers) so it can be copied with '='.
 */
#ifndef DLX_SPEC_CONFIG_H
#define DLX_SPEC_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define DLX_NAME_MAX 65      /* [A-Za-z0-9._-]{1,64} plus NUL */
#define DLX_PATH_MAX 1024
#define DLX_MAX_HIDDEN 32    /* hidden layers of an mlp */
#define DLX_MAX_SEEDS 1024
#define DLX_MAX_ARMS 64
#define DLX_MAX_DIAGNOSTICS 16

typedef enum { DATA_FASHION_MNIST, DATA_MNIST, DATA_IDX, DATA_CSV, DATA_SYNTHETIC,
               DATA_SAFETENSORS } dlx_data_source;
/* Outside the enum, so switches over a source need no case for it: keep it
   one past the last source. */
#define DATA_SOURCE_COUNT ((int)DATA_SAFETENSORS + 1)
typedef enum { SYN_GAUSSIAN_MIXTURE, SYN_LINEAR, SYN_LOGISTIC, SYN_TEACHER, SYN_LOW_RANK,
               SYN_SHIFTED_REGRESSION, SYN_CP_TENSOR, SYN_HT_TENSOR,
               SYN_TEACHER_REGRESSION,
               SYN_KIND_COUNT } dlx_synthetic_kind;
/* shifted_regression (SPEC §9): the regression function of the targets. */
typedef enum { TRUTH_CUBIC, TRUTH_LINEAR, TRUTH_COUNT } dlx_shift_truth;
/* data.importance.weights (SPEC §9): how w(x) = q₁(x)/q₀(x) is known. */
typedef enum { IMPORTANCE_NONE, IMPORTANCE_EXACT, IMPORTANCE_CLASSIFIER, IMPORTANCE_COUNT } dlx_importance;
#define DLX_MAX_TENSOR_ORDER 16      /* modes of a cp_tensor or ht_tensor */
/* How a csv file holds its data (SPEC §7): a table of examples, or a matrix
   as row,col,value entries or as dense rows. */
typedef enum { CSV_TABLE, CSV_ENTRIES, CSV_DENSE, CSV_FORMAT_COUNT } dlx_csv_format;
typedef enum { PRE_NONE, PRE_SCALE, PRE_STANDARDIZE, PRE_WHITEN, PREPROCESS_COUNT } dlx_preprocess;

typedef struct {
    dlx_data_source source;
    char dir[DLX_PATH_MAX];            /* fashion-mnist, mnist: folder ("" = default search) */
    char train_images[DLX_PATH_MAX];   /* idx */
    char train_labels[DLX_PATH_MAX];
    char test_images[DLX_PATH_MAX];
    char test_labels[DLX_PATH_MAX];
    char train[DLX_PATH_MAX];          /* csv */
    char test[DLX_PATH_MAX];
    char target[DLX_NAME_MAX * 4];     /* csv: column name or 0-based index; "" = last column */
    int target_line, target_col;       /* where data.target is written in the experiment file, */
    int dir_line, dir_col;             /* and data.dir; 0 when not written there (a default,
                                          --set, a sweep). For the data loaders' messages */
    dlx_synthetic_kind kind;           /* synthetic */
    int dim;                           /* synthetic: input dimension */
    int classes;                       /* synthetic classification kinds */
    double noise;                      /* synthetic: label/target noise (see docs/config.md) */
    double condition;                  /* synthetic linear: condition number of the design covariance */
    bool rotate;                       /* synthetic linear: Σ = Q·diag(λ)·Qᵀ with random Q (true) or diag(λ) */
    bool exact_covariance;             /* synthetic linear: each split's sample mean 0, covariance Σ exactly */
    double separation;                 /* synthetic gaussian_mixture: distance scale of the means */
    int teacher_hidden;                /* synthetic teacher: width of the teacher's hidden layer */
                                       /* (teacher_regression: data.hidden, rows of A₁) */
    int teacher_activation;            /* teacher_regression: data.activation, a dlx_activation */
    int sparsity;                      /* synthetic linear, logistic: nonzero true coefficients; 0 = all */
    double scale_ratio;                /* synthetic logistic: largest / smallest feature std */
    int features;                      /* synthetic linear: the model sees the first k of dim inputs; 0 = all */
    long n_train;                      /* subsample / synthetic size; 0 = all */
    long n_test;
    uint64_t seed;                     /* data.seed: synthetic generation and subsampling */
    dlx_preprocess preprocess;
    bool bootstrap;                    /* each run trains on a resample of the training split from its seed */
    dlx_csv_format format;             /* csv: table (default), entries or dense */
    int rows, cols, rank;              /* synthetic low_rank: Y = A·Bᵀ + noise, A rows×rank, B cols×rank */
    double observed;                   /* low_rank: fraction of entries in the training set */
    /* shifted_regression (SPEC §9): x ~ N(mean, std²) per split */
    double train_mean, train_std, test_mean, test_std;
    dlx_shift_truth truth;
    /* data.importance (SPEC §9): each training loss weighted by w(x)^power, mean 1 */
    dlx_importance importance;
    double importance_power;
    char weight_column[DLX_NAME_MAX * 4]; /* csv table: data.weight, "" = none */
    int tensor_order;                  /* cp_tensor, ht_tensor: modes N (rank is data.rank) */
    int tensor_shape[DLX_MAX_TENSOR_ORDER]; /* cp_tensor, ht_tensor: size of each mode */
    char tensor_path[DLX_PATH_MAX];    /* safetensors: data.path, the file of the tensor */
    char tensor_name[DLX_NAME_MAX];    /* safetensors: data.tensor, "" = the file's only tensor;
                                          the file's order and shape fill tensor_order and
                                          tensor_shape once it is read (experiment/tensor_file.h) */
} dlx_data_config;

typedef enum { MODEL_LINEAR, MODEL_LOGISTIC, MODEL_SOFTMAX, MODEL_MLP, MODEL_FACTORIZATION,
               MODEL_CP, MODEL_HT, MODEL_TYPE_COUNT } dlx_model_type;
typedef enum { ACT_RELU, ACT_SIGMOID, ACT_TANH, ACT_IDENTITY, ACTIVATION_COUNT } dlx_activation;
typedef enum { DROPOUT_BERNOULLI, DROPOUT_GAUSSIAN, DROPOUT_DROPCONNECT, DROPOUT_KIND_COUNT } dlx_dropout_kind;
typedef enum { DROPOUT_INVERTED, DROPOUT_TEST_TIME, DROPOUT_SCALING_COUNT } dlx_dropout_scaling;
/* How a DropConnect network infers (model.dropconnect_inference): the weights
   scaled by their mean, or Wan et al.'s (2013) Algorithm 2, a Gaussian of the
   pre-activation's first two moments sampled through the nonlinearity. */
typedef enum { DROPCONNECT_WEIGHT_SCALING, DROPCONNECT_MOMENT_MATCHING,
               DROPCONNECT_INFERENCE_COUNT } dlx_dropconnect_inference;
/* Where batch norm sits in a hidden layer: before the nonlinearity (Ioffe &
   Szegedy 2015, the default) or after it. */
typedef enum { BN_BEFORE, BN_AFTER, BN_POSITION_COUNT } dlx_bn_position;
/* What batch norm does to the gradient arriving at its output in the backward
   pass: nothing (the exact gradient, the default) or standardize it per unit
   over the batch first (nn/grad_standardize.h). */
typedef enum { BN_BACKWARD_NONE, BN_BACKWARD_STANDARDIZE, BN_BACKWARD_COUNT } dlx_bn_backward;
/* Which hidden layers unit dropout follows: every one (the default, so each
   layer's dropout feeds the next layer's batch norm) or only the last (after
   every batch norm; Li et al. 2019, §5). */
typedef enum { DROPOUT_BEFORE_BN, DROPOUT_AFTER_BN, DROPOUT_POSITION_COUNT } dlx_dropout_position;
/* The schemes named in the file come first (INIT_NAMED_COUNT of them, the
   names of SPEC_INIT_SCHEMES); INIT_FROM_FILE is written `init: {from: ...}`. */
typedef enum { INIT_NORMAL, INIT_UNIFORM, INIT_XAVIER, INIT_HE, INIT_ZEROS, INIT_NAMED_COUNT,
               INIT_FROM_FILE = INIT_NAMED_COUNT } dlx_init_scheme;

typedef struct {
    dlx_model_type type;
    int n_hidden;                      /* 0 for linear, logistic, softmax */
    int hidden[DLX_MAX_HIDDEN];
    int hidden_line, hidden_col;       /* where model.hidden is written in the experiment file
                                          (0 when it is not), for messages about the model's size */
    dlx_activation activation;
    bool batch_norm;
    double bn_momentum;                /* default 0.1 */
    double bn_eps;                     /* default 1e-5 */
    dlx_bn_position bn_position;       /* default before */
    dlx_bn_backward bn_backward;       /* default none */
    double dropout_hidden;             /* drop rate in [0,1) */
    double dropout_input;
    dlx_dropout_kind dropout_kind;
    dlx_dropout_scaling dropout_scaling;
    dlx_dropconnect_inference dropconnect_inference; /* default weight_scaling */
    int dropconnect_samples;           /* moment_matching: samples Z per unit (default 1000) */
    dlx_dropout_position dropout_position; /* default before_bn */
    bool dropout_input_in_data;        /* not a key: set by the trainer when the training
                                          inputs are already masked (regularizer.dropout_copies),
                                          so training applies no input dropout of its own */
    dlx_init_scheme init;
    double init_std;                   /* normal: std (default 0.01) */
    double init_limit;                 /* uniform: U(-limit, limit); 0 = PyTorch default 1/sqrt(fan_in) */
    char init_from[DLX_PATH_MAX];      /* init: {from: FILE.safetensors} */
    int rank;                          /* factorization: columns r of U and V; cp: terms Z;
                                          ht: rank r of every level */
    bool without_bias;                 /* model.bias: false (mlp): dense layers have no bias
                                          (the positively homogeneous network of SPEC §7) */
} dlx_model_config;

typedef enum { LOSS_CROSS_ENTROPY, LOSS_LOGISTIC, LOSS_MSE, LOSS_COUNT } dlx_loss;

typedef struct {
    double l2, l1, max_norm, input_noise; /* 0 = off */
    double product;                    /* λ·Σ_k ‖U_k‖‖V_k‖ (factorization), 0 = off */
    int noise_copies;                  /* J > 0: input noise drawn once, J copies of the
                                          training split (data/noise_copies.h); 0 = fresh
                                          noise at every step */
    int dropout_copies;                /* J > 0: input dropout masks drawn once, J masked
                                          copies of the training split (data/dropout_copies.h);
                                          0 = fresh masks at every step */
} dlx_regularizer_config;

typedef enum { OPT_SGD, OPT_MOMENTUM, OPT_NESTEROV, OPT_ADAGRAD, OPT_RMSPROP, OPT_ADAM, OPT_TYPE_COUNT } dlx_optimizer_type;

typedef enum {
    SCHED_CONSTANT, SCHED_STEP, SCHED_EXPONENTIAL, SCHED_INVERSE_TIME, SCHED_COSINE, SCHED_TYPE_COUNT
} dlx_schedule_type;

/* optimizer.schedule (src/optim/schedule.c): the rate as a function of the epoch. */
typedef struct {
    dlx_schedule_type type;            /* default constant */
    int step_size;                     /* step: epochs between decays (default 10) */
    double gamma;                      /* step 0.1, exponential 0.95, inverse_time 1.0 */
    int t_max;                         /* cosine: period in epochs; 0 = training.epochs */
    double eta_min;                    /* cosine: the final rate (default 0) */
} dlx_schedule_config;

/* optimizer.momentum: a number (PyTorch's constant μ), `theory` (the
   strongly convex optimum from L and μ of the objective, resolved at run
   start by src/solvers/step_theory.c), or `accelerated` (nesterov only:
   β_t = (t−1)/(t+2), Nesterov 1983, Beck & Teboulle 2009). */
typedef enum { MOMENTUM_CONSTANT, MOMENTUM_THEORY, MOMENTUM_ACCELERATED } dlx_momentum_rule;

typedef struct {
    dlx_optimizer_type type;
    double lr;
    bool lr_theory;                    /* lr: theory, resolved at run start (step_theory.c) */
    dlx_schedule_config schedule;
    double momentum;                   /* momentum, nesterov: default 0.9 */
    dlx_momentum_rule momentum_rule;   /* default constant */
    double beta1, beta2;               /* adam: 0.9, 0.999 */
    double alpha;                      /* rmsprop: 0.99 */
    double eps;                        /* adam, rmsprop: 1e-8; adagrad: 1e-10 */
} dlx_optimizer_config;

/* What a run does when its loss becomes non-finite (docs/reliability.md):
   stop it (status diverged, the other runs go on), continue it to the end
   (status diverged), or stop the whole experiment with exit status 1. */
typedef enum { DIVERGE_STOP, DIVERGE_CONTINUE, DIVERGE_FAIL, DIVERGE_COUNT } dlx_on_divergence;

/* training.grow_rank (SPEC §7): the meta-algorithm that trains a
   factorization `epochs` epochs at rank r, then appends a column while the
   certificate fails (src/train/grow_rank.c). */
typedef struct {
    bool enabled;
    int start, max;                    /* ranks tried: start, start + 1, ..., max */
    int epochs;                        /* epochs per rank */
    double tol;                        /* grow while cert_ratio > 1 + tol */
} dlx_grow_rank_config;

/* training.method (SPEC §7): gradient steps, or Janzamin et al.'s NN-LIFT
   (src/train/tensor_lift.c), one fit instead of epochs. */
typedef enum { TRAIN_GRADIENT, TRAIN_TENSOR_LIFT, TRAIN_METHOD_COUNT } dlx_training_method;

typedef struct {
    int epochs;                        /* >= 0 */
    int batch_size;                    /* 0 = "full" */
    bool shuffle;
    int eval_every;                    /* 0 = every epoch; else every N steps */
    dlx_on_divergence on_divergence;   /* default stop */
    dlx_grow_rank_config grow_rank;
    dlx_training_method method;        /* default gradient */
} dlx_training_config;

/* The exact optimum a linear or logistic model is compared with
   (src/solvers/reference.c); `auto` is resolved by the spec layer. */
typedef enum {
    REF_AUTO, REF_NONE, REF_MIN_NORM, REF_RIDGE, REF_LASSO, REF_LOGISTIC, REF_DROPOUT_QUADRATIC,
    REF_NUCLEAR_NORM, REF_DROPOUT_RIDGE, REF_TYPE_COUNT
} dlx_reference_type;

/* uncertainty: how the runner measures predictive uncertainty after the
   runs (src/experiment/uncertainty_pass.c): none, the average of groups of
   `size` seeds' final models, or `size` MC-dropout passes of each model. */
typedef enum {
    UNCERTAINTY_NONE, UNCERTAINTY_ENSEMBLE, UNCERTAINTY_MC_DROPOUT, UNCERTAINTY_METHOD_COUNT
} dlx_uncertainty_method;

typedef struct {
    dlx_uncertainty_method method;
    int size;                          /* models per ensemble, or dropout masks T */
} dlx_uncertainty_config;

/* The diagnostics (SPEC §4), in the order of their names in SPEC_DIAGNOSTICS
   (src/spec/schema.c) and of the table of src/diagnostics/registry.c. The
   config keeps a diagnostic by its name. */
typedef enum {
    DIAGNOSTIC_WEIGHT_NORM, DIAGNOSTIC_GRAD_NORM, DIAGNOSTIC_SUBOPTIMALITY, DIAGNOSTIC_DIST_TO_REF,
    DIAGNOSTIC_CONDITION_NUMBER, DIAGNOSTIC_SPARSITY, DIAGNOSTIC_ACT_QUANTILES, DIAGNOSTIC_MC_DROPOUT,
    DIAGNOSTIC_CALIBRATION, DIAGNOSTIC_DROPOUT_PENALTY, DIAGNOSTIC_CERTIFICATE, DIAGNOSTIC_POLAR,
    DIAGNOSTIC_RANK, DIAGNOSTIC_IMPORTANCE, DIAGNOSTIC_STABILITY, DIAGNOSTIC_MEAN_NETWORK,
    DIAGNOSTIC_FIT_REL_ERROR, DIAGNOSTIC_MATRICIZATION_RANK,
    DIAGNOSTIC_ERROR_DECOMPOSITION, DIAGNOSTIC_UNIT_QUANTILES,
    DIAGNOSTIC_INPUT_COVARIANCE_CONDITION,
    DIAGNOSTIC_DROPCONNECT_MOMENTS,
    DIAGNOSTIC_WEIGHT_RECOVERY,
    DIAGNOSTIC_VARIANCE_SHIFT,
    DIAGNOSTIC_COUNT
} dlx_diagnostic_kind;

/* Diagnostic `{stability: {pairs: R, replace: I, flip_label: B}}` (SPEC §8):
   R twin pairs trained beside the run on S and on S' = S with example I
   replaced (and its label changed with flip_label). pairs 0: not listed. */
typedef struct {
    int pairs;
    int replace;
    bool flip_label;
} dlx_stability_config;

/* Where a value is written in the experiment file, for messages of checks
   made after conversion (src/experiment/validate.c); line 0 when it is not
   written there (a default, a --set override or a sweep point's value). */
typedef struct {
    int line, col;
} dlx_source_pos;

/* The places of the values that only fit some models. */
typedef struct {
    dlx_source_pos diagnostics[DLX_MAX_DIAGNOSTICS];  /* each item of the diagnostics list */
    dlx_source_pos reference;
    dlx_source_pos loss;
    /* the data files' keys, for the header checks of validation
       (src/data/data_check.c): the data map itself, and each file key */
    dlx_source_pos data, data_dir, data_train, data_test, data_train_images, data_train_labels,
        data_test_images, data_test_labels, data_target, data_weight;
    dlx_source_pos data_path, data_tensor;  /* data.source safetensors */
} dlx_config_places;

typedef struct {
    dlx_data_config data;
    dlx_model_config model;
    dlx_loss loss;
    dlx_regularizer_config regularizer;
    dlx_optimizer_config optimizer;
    dlx_training_config training;
    int n_diagnostics;
    char diagnostics[DLX_MAX_DIAGNOSTICS][DLX_NAME_MAX];
    double diagnostic_param[DLX_MAX_DIAGNOSTICS];   /* `{name: value}`; NAN when absent */
    dlx_stability_config stability;    /* the stability diagnostic's map, when listed */
    dlx_reference_type reference;      /* never REF_AUTO after conversion */
    dlx_uncertainty_config uncertainty;
    dlx_config_places places;          /* for messages only; not part of the experiment */
} dlx_config;

typedef struct {
    char name[DLX_NAME_MAX];
    dlx_config config;                 /* base with this arm merged over it */
} dlx_arm;

/* The whole experiment file, resolved. */
typedef struct {
    char experiment[DLX_NAME_MAX];
    char description[1024];
    char output[DLX_PATH_MAX];         /* default results/<experiment> */
    bool float64;                      /* precision: float64 (SPEC §10); default float32 */
    int precision_line, precision_col; /* where precision was set, for messages; 0 if not */
    int n_seeds;
    uint64_t seeds[DLX_MAX_SEEDS];
    dlx_config base;                   /* the file without arms */
    int n_arms;                        /* >= 1: a file without arms has one arm "main" */
    dlx_arm arms[DLX_MAX_ARMS];
    char source_file[DLX_PATH_MAX];    /* path of the YAML file it came from */
} dlx_experiment;

#endif
