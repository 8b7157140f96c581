/*
 * model.h — the one interface every model kind implements.
 *
 * The training loop, evaluation, checkpoints, --resume, the diagnostics, MC
 * dropout and the uncertainty pass speak only to a dlx_model: a kind (a table
 * of functions, dlx_model_kind) and the kind's own state. A kind is built from
 * a validated config and the shape of its data, owns one contiguous block of
 * trainable parameters and one of their gradients (so one optimizer step
 * updates everything), and lists its tensors by name for checkpoints,
 * `init: {from}`, regularizers and the diagnostics that read weights.
 *
 * Required of a kind: create/destroy, init, tensors, params/grads,
 * forward_train + backward (the loss of a batch and its gradient, split in two
 * so that the loop can check the regularized objective before it computes a
 * gradient), evaluate (inference-mode loss of a batch) and predict (outputs of
 * a batch, optionally with training noise for Monte-Carlo prediction).
 * Optional (NULL when a kind has none): the product regularizer of a
 * positively homogeneous kind, and the hidden-layer probes that
 * act_quantiles and condition_number read (and the layer inputs that
 * input_covariance_condition reads).
 *
 * The MLP (models/mlp.c; linear, logistic and softmax are MLPs without hidden
 * layers) is the first kind. Adding a kind: one file that fills a
 * dlx_model_kind, and its row in models/registry.c (docs/architecture.md).
 */
#ifndef DLX_MODELS_MODEL_H
#define DLX_MODELS_MODEL_H

#include "util/real.h"
#include <stdbool.h>
#include <stddef.h>

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"
#include "util/rng.h"
#include "util/tensor.h"

/* What a model is built for: the data's sizes and the largest batch it will
   see (the training batch or an evaluation chunk). */
typedef struct {
    int n_inputs;      /* values per example (dense inputs) */
    int n_outputs;     /* outputs per example (classes, 1, or regression targets) */
    int max_batch;
    int rows, cols;    /* matrix-entries data: the matrix's size (0 for dense data) */
    long n_train;      /* training examples (entries), for a loss that is a sum over them */
} dlx_model_shape;

/* One batch of examples, as the batcher gathered it or as a slice of a split
   read in place. Dense: x [size, n_inputs], labels [size] or targets
   [size, n_outputs]. weights [size]: per-example loss weights (NULL when
   uniform). Matrix entries: row, col [size] and targets [size] (x NULL). */
typedef struct {
    int size;
    const real *x;
    const int *labels;
    const real *targets;
    const real *weights;
    const int *row, *col;
} dlx_batch;

typedef struct dlx_model_kind dlx_model_kind;

typedef struct {
    const dlx_model_kind *kind;
    void *impl;        /* the kind's own state */
} dlx_model;

struct dlx_model_kind {
    const char *name;
    /* Allocate everything for cfg and shape; parameters are left zero.
       Messages are about the model only (the caller adds file and arm). */
    dlx_status (*create)(void **impl, const dlx_config *cfg, const dlx_model_shape *shape,
                         dlx_diags *diags);
    void (*destroy)(void *impl);
    /* Draw the initial parameters from rng (model.init). */
    void (*init)(void *impl, dlx_rng *rng);
    /* Every tensor, trainable and not, in checkpoint order. */
    dlx_tensor *(*tensors)(void *impl, int *count);
    real *(*params)(void *impl);
    real *(*grads)(void *impl);
    size_t (*n_params)(const void *impl);
    int (*n_outputs)(const void *impl);
    int (*max_batch)(const void *impl);
    /* Training-mode forward pass: the mean data loss of the batch, with
       example weights the weighted mean (1/B)·Σ_b w_b·ℓ_b (SPEC §9); keeps
       what backward needs. rng draws the training noise (dropout masks). */
    double (*forward_train)(void *impl, const dlx_batch *batch, dlx_rng *rng);
    /* Overwrite the gradient block with d(mean batch loss)/d(params) of the
       last forward_train. */
    void (*backward)(void *impl);
    /* Inference mode: the SUM of per-example losses of the batch (Σ_b w_b·ℓ_b
       with example weights; correct counts examples, unweighted); *correct
       gets the number of correct predictions (0 for regression). */
    double (*evaluate)(void *impl, const dlx_batch *batch, long *correct);
    /* Outputs [B, n_outputs] of B examples x (any B >= 0). rng NULL:
       inference mode, exactly what evaluate scores; rng given: one pass with
       the training noise for Monte-Carlo prediction. */
    void (*predict)(void *impl, const real *x, int B, dlx_rng *rng, real *out);
    /* Optional: the degree-matched product regularizer λ·Θ of a positively
       homogeneous kind (Haeffele & Vidal 2015), its value, and with
       add_gradient its (sub)gradient added to the gradient block. */
    double (*product_penalty)(void *impl, double lambda, bool add_gradient);
    /* Optional hidden-layer probes (NULL when the kind has none). */
    int (*n_probes)(const void *impl);
    int (*probe_width)(const void *impl, int l);
    void (*probe)(void *impl, const real *x, int B, real *const *pre);
    /* Optional: in[l] [B, probe_width(l)] = the input of the layer after
       hidden layer l as its GEMM reads it, inference mode. */
    void (*probe_inputs)(void *impl, const real *x, int B, real *const *in);
};

/* Build the model of cfg's kind (models/registry.c) for shape. */
dlx_status model_create(dlx_model *m, const dlx_config *cfg, const dlx_model_shape *shape,
                        dlx_diags *diags);
/* Build a model of an explicit kind (a test's own kind, or a registry row). */
dlx_status model_create_kind(dlx_model *m, const dlx_model_kind *kind, const dlx_config *cfg,
                             const dlx_model_shape *shape, dlx_diags *diags);
/* Free what model_create allocated; a zeroed model is a no-op. */
void model_free(dlx_model *m);

/* Thin wrappers over the kind's table. */
void model_init(dlx_model *m, dlx_rng *rng);
dlx_tensor *model_tensors(dlx_model *m, int *count);
int model_n_tensors(dlx_model *m);
/* Tensor i (0 <= i < model_n_tensors) in checkpoint order. */
dlx_tensor *model_tensor(dlx_model *m, int i);
/* The tensor with that name, or NULL. */
dlx_tensor *model_find_tensor(dlx_model *m, const char *name);
real *model_params(dlx_model *m);
real *model_grads(dlx_model *m);
size_t model_n_params(const dlx_model *m);
int model_n_outputs(const dlx_model *m);
int model_max_batch(const dlx_model *m);
double model_forward_train(dlx_model *m, const dlx_batch *batch, dlx_rng *rng);
void model_backward(dlx_model *m);
double model_evaluate(dlx_model *m, const dlx_batch *batch, long *correct);
void model_predict(dlx_model *m, const real *x, int B, dlx_rng *rng, real *out);
/* λ·Θ of the kind's product regularizer (0 when it has none); with
   add_gradient, its subgradient is added to the gradient block. */
double model_product_penalty(dlx_model *m, double lambda, bool add_gradient);
/* Hidden-layer probes: 0 layers when the kind has none. */
int model_n_probes(const dlx_model *m);
int model_probe_width(const dlx_model *m, int l);
void model_probe(dlx_model *m, const real *x, int B, real *const *pre);
/* The layer inputs of the probes (model_n_probes 0 when the kind has none). */
bool model_has_probe_inputs(const dlx_model *m);
void model_probe_inputs(dlx_model *m, const real *x, int B, real *const *in);

/* The batch of rows [start, start + size) of a split, read in place. */
dlx_batch model_batch_of_split(const dlx_split *s, int start, int size);

#endif
