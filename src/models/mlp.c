/*
 * mlp.c — a feed-forward model assembled from the layer files (see network.h).
 *
 * Shape of an mlp with L hidden layers, in training mode:
 *
 *     x ─copy or input dropout─> h0 ─fc1─> z1 ─[bn1]─> a1 ─act─> h1 ─[dropout]─> ... ─out─> logits
 *
 * or, with model.batch_norm.position after, z1 ─act─> a1 ─bn1─> h1: batch
 * norm then normalizes the nonlinearity's output instead of its input.
 *
 * Unit dropout (model.dropout.hidden) follows every hidden layer with
 * model.dropout.position before_bn (the default), so layer l's dropout feeds
 * layer l+1's batch norm through fc(l+1); with after_bn it follows only the
 * last hidden layer, after every batch norm, just before the output layer
 * (Li, Chen, Hu & Yang 2019, "Understanding the Disharmony between Dropout
 * and Batch Normalization by Variance Shift", §5).
 *
 * With model.batch_norm.backward standardize, the gradient arriving at each
 * batch norm's output is standardized per unit over the batch
 * (nn/grad_standardize.h) before batch norm's own backward pass; the result
 * is then no longer the gradient of the loss.
 *
 * linear, logistic and softmax models are the same with L = 0. Each hidden
 * layer keeps what its backward pass reads: the dense output, batch norm's
 * x̂ and statistics, the activation's output and the dropout mask. The loss
 * gradient d(logits) is computed at the end of the forward pass, so
 * network_backward needs nothing from the caller, and the batch is copied into
 * the network for the same reason (the first layer's dW reads it).
 *
 * Memory: four blocks, laid out once by assign_layout, which runs twice —
 * first without bases, only counting (that count is checked against the 16 GiB
 * limit before anything is allocated), then with the allocated bases:
 *   params      trainable tensors in SPEC §2 order (fc1.weight, fc1.bias,
 *               bn1.weight, bn1.bias, fc2.weight, ..., out.weight, out.bias)
 *   grads       the same layout
 *   buffers     batch-norm running statistics (bn1.running_mean, bn1.running_var, ...)
 *   activations train-mode buffers for max_batch examples, and evaluation
 *               buffers for EVAL_CHUNK examples
 *   (and one byte block for the dropout masks)
 *
 * Dropout kinds (model.dropout.kind): bernoulli keeps a byte mask per unit,
 * gaussian a float noise factor per unit (both in place of the masks above);
 * dropconnect drops no units but masks the weights of each dense layer whose
 * input would have been dropped — one mask per minibatch, applied to a copy
 * W_used that forward and backward both read, so each stays one GEMM.
 *
 * DropConnect inference (model.dropconnect_inference): weight_scaling
 * evaluates with the mean weights, E[s·M∘W] = s·p·W (W itself when
 * inverted). moment_matching is Wan et al.'s (2013) Algorithm 2 for every
 * hidden DropConnect layer: its pre-activation u = (s·M∘W)v + b is taken as
 * Gaussian with the mask's mean and variance,
 *     μ = s·p·W v + b,   σ² = s²·p(1−p)·(W∘W)(v∘v)      (Wan et al. §3),
 * (batch norm before the activation, being affine per unit, maps it to
 * N(γ(μ − m)/√(v+ε) + β, γ²σ²/(v+ε))), and the layer outputs the average of
 * act(u) over Z draws of u (model.dropconnect_samples). The output layer has
 * no nonlinearity of its own (the loss applies softmax or the sigmoid to its
 * logits, as Wan et al.'s softmax layer reads the DropConnect layer's
 * output), so its logits are μ: the limit of the Z-sample average of u. The
 * draws are u = μ + σ·ε with ε read from a pool of 64·Z standard normals:
 * each (example, unit) reads Z consecutive pool entries from its own random
 * offset, so its Z draws are independent N(0, 1) while a pool is drawn once
 * per inference call, not once per unit (two units share draws only where
 * their windows overlap). The pool and the offsets come from the sampler's
 * seed (drawn from the run's initialization stream by network_init) and are
 * re-seeded at every call and chunk, so an evaluation is a function of the
 * weights and the inputs, whatever evaluations came before it: reproducible,
 * and a resumed run evaluates as an uninterrupted one.
 * The probes (network_probe_preactivations) keep the weight-scaled pass.
 *
 * Why evaluation has its own buffers: network_evaluate runs the batch in
 * chunks of EVAL_CHUNK rows through two ping-pong buffers, so it never
 * touches what network_backward will read and costs little memory even when
 * training is full-batch.
 */
#include "models/mlp.h"
#include "util/real.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/activation.h"
#include "nn/batchnorm.h"
#include "nn/dense.h"
#include "nn/dropout.h"
#include "nn/grad_standardize.h"
#include "nn/init.h"
#include "nn/loss.h"

enum {
    EVAL_CHUNK = 512,                      /* rows per evaluation step */
    MM_POOL_WINDOWS = 64,                  /* moment matching: pool of 64·Z normals */
    MM_STREAM_POOL = 1, MM_STREAM_OFFSETS = 2,
    MAX_TENSORS = 6 * DLX_MAX_HIDDEN + 2,  /* fc w, b, bn w, b, mean, var per layer; out w, b */
};

static const double MEMORY_LIMIT_BYTES = 16.0 * 1024 * 1024 * 1024;

typedef struct {
    int n_in, n_out;
    real *W, *b;   /* [n_out, n_in], [n_out] in the params block */
    real *dW, *db; /* the same in the grads block */
    /* DropConnect (model.dropout.kind dropconnect), when connect_rate > 0 */
    double connect_rate;
    real *W_used;   /* [n_out, n_in] W·mask·scale of the last train pass */
    uint8_t *w_mask; /* [n_out, n_in] */
    real *W_eval;   /* [n_out, n_in] (1 − rate)·W, with test_time scaling */
    real *W_var;    /* [n_out, n_in] s²·p(1−p)·W∘W, hidden layers with moment matching */
} dense_params;

typedef struct {
    int width;
    dense_params fc;
    /* batch norm (when model.batch_norm) */
    real *gamma, *beta, *d_gamma, *d_beta; /* [width] params, grads */
    real *running_mean, *running_var;      /* [width] buffers */
    real *mean, *var, *rstd;               /* [width] of the last train batch */
    real *x_hat, *bn_out;                  /* [max_batch, width] */
    bool bn_after;                          /* batch norm after the activation */
    /* saved by the train forward pass */
    real *fc_out;   /* [max_batch, width] dense output */
    real *act_out;  /* [max_batch, width] activation output */
    real *drop_out; /* [max_batch, width] when unit dropout of hidden units is on */
    uint8_t *mask;   /* [max_batch, width] the same, bernoulli */
    real *noise;    /* [max_batch, width] the same, gaussian */
} hidden_layer;

struct dlx_network {
    dlx_model_config model;
    dlx_loss loss;
    int n_inputs, n_outputs, max_batch;
    int n_hidden; /* 0 for linear, logistic, softmax */
    int widest;   /* max(hidden widths, 1) */
    hidden_layer hidden[DLX_MAX_HIDDEN];
    dense_params out;

    real *input;        /* [max_batch, n_inputs]: the batch, after input dropout */
    uint8_t *input_mask; /* [max_batch, n_inputs] bernoulli dropout of the inputs */
    real *input_noise;  /* [max_batch, n_inputs] gaussian dropout of the inputs */
    real *logits;       /* [max_batch, n_outputs] */
    real *d_logits;     /* [max_batch, n_outputs] d(mean loss)/d(logits) */
    real *grad_a, *grad_b; /* [max_batch, widest] backward ping-pong */
    int saved_batch;     /* B of the last forward_train; 0 when there is none */

    int eval_chunk;
    real *eval_input;            /* [eval_chunk, n_inputs] for test-time input scaling */
    real *eval_a, *eval_b;       /* [eval_chunk, widest] */
    real *eval_logits;           /* [eval_chunk, n_outputs] */

    /* DropConnect moment-matching inference (model.dropconnect_inference) */
    bool moment_matching;
    int mm_samples;               /* Z */
    uint64_t mm_seed;             /* from network_init's generator */
    dlx_rng mm_rng;               /* re-seeded from mm_seed at every call and chunk */
    real *mm_sq_input;           /* [eval_chunk, max(n_inputs, widest)] v∘v */
    real *mm_var;                /* [eval_chunk, widest] σ² */
    real *mm_pool;               /* [MM_POOL_WINDOWS·Z] standard normals */
    real *mm_draws;              /* [Z] act(μ + σ·ε) of one unit */

    real *params, *grads, *buffers, *activations;
    uint8_t *masks;
    size_t n_params, n_buffers, n_activations, n_mask_bytes;

    int n_tensors;
    dlx_tensor tensors[MAX_TENSORS];
};

/* A block being laid out: with base NULL only the count advances. */
typedef struct {
    real *base;
    size_t used;
    double bytes; /* the same count in bytes, immune to size_t overflow */
} float_block;

typedef struct {
    uint8_t *base;
    size_t used;
    double bytes;
} byte_block;

/* The next rows·cols floats of blk (NULL while counting). */
static real *take(float_block *blk, int rows, int cols)
{
    size_t n = (size_t)rows * (size_t)cols;
    real *p = blk->base ? blk->base + blk->used : NULL;
    blk->used += n;
    blk->bytes += (double)rows * cols * sizeof(real);
    return p;
}

/* The next rows·cols bytes of blk (NULL while counting). */
static uint8_t *take_bytes(byte_block *blk, int rows, int cols)
{
    size_t n = (size_t)rows * (size_t)cols;
    uint8_t *p = blk->base ? blk->base + blk->used : NULL;
    blk->used += n;
    blk->bytes += (double)rows * cols;
    return p;
}

typedef struct {
    float_block params, grads, buffers, activations;
    byte_block masks;
} layout_blocks;

/* W and b of a dense layer, with their gradients at the same offsets (no b
   with model.bias: false). */
static void take_dense(dense_params *fc, layout_blocks *blk, int n_in, int n_out, bool bias)
{
    fc->n_in = n_in;
    fc->n_out = n_out;
    fc->W = take(&blk->params, n_out, n_in);
    fc->dW = take(&blk->grads, n_out, n_in);
    fc->b = bias ? take(&blk->params, 1, n_out) : NULL;
    fc->db = bias ? take(&blk->grads, 1, n_out) : NULL;
}

/* Dropout of units (bernoulli, gaussian) rather than of weights (dropconnect). */
static bool unit_dropout(const dlx_model_config *m)
{
    return m->dropout_kind != DROPOUT_DROPCONNECT;
}

/* DropConnect buffers of a dense layer whose input is dropped at rate
   (model.dropout.input for fc1, .hidden for the layers after a hidden one). */
static void take_dropconnect(dense_params *fc, layout_blocks *blk, const dlx_model_config *m,
                             double rate)
{
    fc->connect_rate = m->dropout_kind == DROPOUT_DROPCONNECT ? rate : 0.0;
    if (fc->connect_rate <= 0.0)
        return;
    fc->W_used = take(&blk->activations, fc->n_out, fc->n_in);
    fc->w_mask = take_bytes(&blk->masks, fc->n_out, fc->n_in);
    if (m->dropout_scaling == DROPOUT_TEST_TIME)
        fc->W_eval = take(&blk->activations, fc->n_out, fc->n_in);
}

/* Moment-matching inference buffers: σ²'s weights of every hidden DropConnect
   layer, the squared inputs and σ² of a chunk, the pool and one unit's draws. */
static void take_moment_matching(dlx_network *net, layout_blocks *blk)
{
    if (!net->moment_matching)
        return;
    for (int l = 0; l < net->n_hidden; l++) {
        dense_params *fc = &net->hidden[l].fc;
        if (fc->connect_rate > 0.0)
            fc->W_var = take(&blk->activations, fc->n_out, fc->n_in);
    }
    int widest_in = net->n_inputs > net->widest ? net->n_inputs : net->widest;
    net->mm_sq_input = take(&blk->activations, net->eval_chunk, widest_in);
    net->mm_var = take(&blk->activations, net->eval_chunk, net->widest);
    net->mm_pool = take(&blk->activations, MM_POOL_WINDOWS, net->mm_samples);
    net->mm_draws = take(&blk->activations, 1, net->mm_samples);
}

/* Point every layer at its slice of the blocks (or only count, when the bases
   are NULL). The params order is the SPEC §2 tensor order. */
static void assign_layout(dlx_network *net, layout_blocks *blk)
{
    const dlx_model_config *m = &net->model;
    int B = net->max_batch, C = net->eval_chunk;
    int n_in = net->n_inputs;
    for (int l = 0; l < net->n_hidden; l++) {
        hidden_layer *h = &net->hidden[l];
        int w = h->width;
        take_dense(&h->fc, blk, n_in, w, !m->without_bias);
        take_dropconnect(&h->fc, blk, m, l == 0 ? m->dropout_input : m->dropout_hidden);
        if (m->batch_norm) {
            h->gamma = take(&blk->params, 1, w);
            h->d_gamma = take(&blk->grads, 1, w);
            h->beta = take(&blk->params, 1, w);
            h->d_beta = take(&blk->grads, 1, w);
            h->running_mean = take(&blk->buffers, 1, w);
            h->running_var = take(&blk->buffers, 1, w);
            h->mean = take(&blk->activations, 1, w);
            h->var = take(&blk->activations, 1, w);
            h->rstd = take(&blk->activations, 1, w);
            h->x_hat = take(&blk->activations, B, w);
            h->bn_out = take(&blk->activations, B, w);
            h->bn_after = m->bn_position == BN_AFTER;
        }
        h->fc_out = take(&blk->activations, B, w);
        h->act_out = take(&blk->activations, B, w);
        if (m->dropout_hidden > 0.0 && unit_dropout(m) &&
            (m->dropout_position == DROPOUT_BEFORE_BN || l == net->n_hidden - 1)) {
            h->drop_out = take(&blk->activations, B, w);
            if (m->dropout_kind == DROPOUT_GAUSSIAN)
                h->noise = take(&blk->activations, B, w);
            else
                h->mask = take_bytes(&blk->masks, B, w);
        }
        n_in = w;
    }
    take_dense(&net->out, blk, n_in, net->n_outputs, !m->without_bias);
    take_dropconnect(&net->out, blk, m, net->n_hidden > 0 ? m->dropout_hidden : m->dropout_input);

    net->input = take(&blk->activations, B, net->n_inputs);
    if (m->dropout_input > 0.0 && m->dropout_kind == DROPOUT_GAUSSIAN)
        net->input_noise = take(&blk->activations, B, net->n_inputs);
    else if (m->dropout_input > 0.0 && unit_dropout(m))
        net->input_mask = take_bytes(&blk->masks, B, net->n_inputs);
    net->logits = take(&blk->activations, B, net->n_outputs);
    net->d_logits = take(&blk->activations, B, net->n_outputs);
    if (net->n_hidden > 0) {
        net->grad_a = take(&blk->activations, B, net->widest);
        net->grad_b = take(&blk->activations, B, net->widest);
    }
    if (m->dropout_input > 0.0 && unit_dropout(m) && m->dropout_scaling == DROPOUT_TEST_TIME)
        net->eval_input = take(&blk->activations, C, net->n_inputs);
    net->eval_a = take(&blk->activations, C, net->widest);
    net->eval_b = take(&blk->activations, C, net->widest);
    net->eval_logits = take(&blk->activations, C, net->n_outputs);
    take_moment_matching(net, blk);
}

/* Append the tensor name → data/grad view. */
static void add_tensor(dlx_network *net, const char *name, int rows, int cols, real *data,
                       real *grad, bool is_weight)
{
    dlx_tensor *t = &net->tensors[net->n_tensors++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ndim = rows > 0 ? 2 : 1;
    t->shape[0] = rows > 0 ? rows : cols;
    t->shape[1] = rows > 0 ? cols : 0;
    t->data = data;
    t->grad = grad;
    t->is_weight = is_weight;
}

/* The tensor list in SPEC §2 order. */
static void list_tensors(dlx_network *net)
{
    char name[DLX_TENSOR_NAME_MAX];
    for (int l = 0; l < net->n_hidden; l++) {
        hidden_layer *h = &net->hidden[l];
        snprintf(name, sizeof name, "fc%d.weight", l + 1);
        add_tensor(net, name, h->width, h->fc.n_in, h->fc.W, h->fc.dW, true);
        snprintf(name, sizeof name, "fc%d.bias", l + 1);
        if (h->fc.b)
            add_tensor(net, name, 0, h->width, h->fc.b, h->fc.db, false);
        if (!net->model.batch_norm)
            continue;
        snprintf(name, sizeof name, "bn%d.weight", l + 1);
        add_tensor(net, name, 0, h->width, h->gamma, h->d_gamma, false);
        snprintf(name, sizeof name, "bn%d.bias", l + 1);
        add_tensor(net, name, 0, h->width, h->beta, h->d_beta, false);
        snprintf(name, sizeof name, "bn%d.running_mean", l + 1);
        add_tensor(net, name, 0, h->width, h->running_mean, NULL, false);
        snprintf(name, sizeof name, "bn%d.running_var", l + 1);
        add_tensor(net, name, 0, h->width, h->running_var, NULL, false);
    }
    add_tensor(net, "out.weight", net->n_outputs, net->out.n_in, net->out.W, net->out.dW, true);
    if (net->out.b)
        add_tensor(net, "out.bias", 0, net->n_outputs, net->out.b, net->out.db, false);
}

/* Check the sizes and hyperparameters the layers rely on; one diagnostic per problem. */
static bool config_is_valid(const dlx_model_config *m, dlx_loss loss, int n_inputs, int n_outputs,
                            int max_batch, dlx_diags *diags)
{
    int errors = diags->count;
    if (n_inputs < 1)
        diags_add(diags, NULL, 0, 0, "model needs at least 1 input, got %d", n_inputs);
    if (n_outputs < 1)
        diags_add(diags, NULL, 0, 0, "model needs at least 1 output, got %d", n_outputs);
    if (max_batch < 1)
        diags_add(diags, NULL, 0, 0, "batch size must be at least 1, got %d", max_batch);
    if (loss == LOSS_LOGISTIC && n_outputs != 1)
        diags_add(diags, NULL, 0, 0, "the logistic loss needs 1 output, got %d", n_outputs);
    if (m->type == MODEL_MLP) {
        if (m->n_hidden < 0 || m->n_hidden > DLX_MAX_HIDDEN)
            diags_add(diags, NULL, 0, 0, "model.hidden: %d layers, the limit is %d", m->n_hidden,
                      DLX_MAX_HIDDEN);
        for (int l = 0; l < m->n_hidden && l < DLX_MAX_HIDDEN; l++)
            if (m->hidden[l] < 1)
                diags_add(diags, NULL, 0, 0, "model.hidden[%d]: a layer needs at least 1 unit, got %d",
                          l, m->hidden[l]);
        if (!(m->dropout_hidden >= 0.0 && m->dropout_hidden < 1.0))
            diags_add(diags, NULL, 0, 0, "model.dropout.hidden must be in [0, 1), got %g",
                      m->dropout_hidden);
        if (m->batch_norm && !(m->bn_eps > 0.0 && isfinite(m->bn_eps)))
            diags_add(diags, NULL, 0, 0, "model.batch_norm.eps must be > 0, got %g", m->bn_eps);
        if (m->batch_norm && !(m->bn_momentum >= 0.0 && m->bn_momentum <= 1.0))
            diags_add(diags, NULL, 0, 0, "model.batch_norm.momentum must be in [0, 1], got %g",
                      m->bn_momentum);
        if (m->dropout_position == DROPOUT_AFTER_BN && m->dropout_kind == DROPOUT_DROPCONNECT)
            diags_add(diags, NULL, 0, 0,
                      "model.dropout.position after_bn needs a unit dropout kind (bernoulli or "
                      "gaussian), got dropconnect");
    }
    if (!(m->dropout_input >= 0.0 && m->dropout_input < 1.0))
        diags_add(diags, NULL, 0, 0, "model.dropout.input must be in [0, 1), got %g",
                  m->dropout_input);
    if (m->dropconnect_inference == DROPCONNECT_MOMENT_MATCHING &&
        !(m->dropconnect_samples >= 1 && m->dropconnect_samples <= 100000))
        diags_add(diags, NULL, 0, 0, "model.dropconnect_samples must be in [1, 100000], got %d",
                  m->dropconnect_samples);
    return diags->count == errors;
}

/* Copy the config and the shapes into net; hidden layers only for an mlp. */
static void set_shapes(dlx_network *net, const dlx_model_config *model, dlx_loss loss, int n_inputs,
                       int n_outputs, int max_batch)
{
    net->model = *model;
    net->loss = loss;
    net->n_inputs = n_inputs;
    net->n_outputs = n_outputs;
    net->max_batch = max_batch;
    net->eval_chunk = max_batch < EVAL_CHUNK ? max_batch : EVAL_CHUNK;
    net->n_hidden = model->type == MODEL_MLP ? model->n_hidden : 0;
    if (net->n_hidden == 0) {
        net->model.batch_norm = false;
        net->model.dropout_hidden = 0.0;
    }
    net->widest = 1;
    for (int l = 0; l < net->n_hidden; l++) {
        net->hidden[l].width = model->hidden[l];
        if (model->hidden[l] > net->widest)
            net->widest = model->hidden[l];
    }
    /* Only hidden layers sample: the output layer's logits are μ either way. */
    bool hidden_dropconnect = (net->n_hidden > 0 && model->dropout_input > 0.0) ||
                              (net->n_hidden > 1 && model->dropout_hidden > 0.0);
    net->moment_matching = model->dropout_kind == DROPOUT_DROPCONNECT && hidden_dropconnect &&
                           model->dropconnect_inference == DROPCONNECT_MOMENT_MATCHING;
    net->mm_samples = net->moment_matching ? model->dropconnect_samples : 0;
}

/* Validate, count the blocks without allocating, refuse more than 16 GiB,
   then allocate the blocks and lay the layers and tensors out over them. */
dlx_status network_create(dlx_network **out, const dlx_model_config *model, dlx_loss loss,
                          int n_inputs, int n_outputs, int max_batch, dlx_diags *diags)
{
    *out = NULL;
    if (!config_is_valid(model, loss, n_inputs, n_outputs, max_batch, diags))
        return DLX_ERR_INPUT;
    dlx_network *net = calloc(1, sizeof *net);
    if (!net) {
        diags_add(diags, NULL, 0, 0, "out of memory creating the network");
        return DLX_ERR_RUNTIME;
    }
    set_shapes(net, model, loss, n_inputs, n_outputs, max_batch);

    layout_blocks count = {0};
    assign_layout(net, &count);
    double bytes = count.params.bytes + count.grads.bytes + count.buffers.bytes
                 + count.activations.bytes + count.masks.bytes;
    if (bytes > MEMORY_LIMIT_BYTES) {
        diags_add(diags, NULL, 0, 0,
                  "model needs %.1f GiB of buffers for batches of %d examples, more than the "
                  "16 GiB limit: use fewer or smaller layers or a smaller batch",
                  bytes / (1024.0 * 1024 * 1024), max_batch);
        free(net);
        return DLX_ERR_INPUT;
    }

    net->n_params = count.params.used;
    net->n_buffers = count.buffers.used;
    net->n_activations = count.activations.used;
    net->n_mask_bytes = count.masks.used;
    layout_blocks blk = {
        .params = {calloc(net->n_params, sizeof(real)), 0, 0},
        .grads = {calloc(net->n_params, sizeof(real)), 0, 0},
        .buffers = {calloc(net->n_buffers ? net->n_buffers : 1, sizeof(real)), 0, 0},
        .activations = {calloc(net->n_activations, sizeof(real)), 0, 0},
        .masks = {calloc(net->n_mask_bytes ? net->n_mask_bytes : 1, 1), 0, 0},
    };
    net->params = blk.params.base;
    net->grads = blk.grads.base;
    net->buffers = blk.buffers.base;
    net->activations = blk.activations.base;
    net->masks = blk.masks.base;
    if (!net->params || !net->grads || !net->buffers || !net->activations || !net->masks) {
        diags_add(diags, NULL, 0, 0, "out of memory allocating %.1f GiB for the network",
                  bytes / (1024.0 * 1024 * 1024));
        network_free(net);
        return DLX_ERR_RUNTIME;
    }
    assign_layout(net, &blk);
    list_tensors(net);
    *out = net;
    return DLX_OK;
}

/* Free the blocks and the network; NULL is allowed. */
void network_free(dlx_network *net)
{
    if (!net)
        return;
    free(net->params);
    free(net->grads);
    free(net->buffers);
    free(net->activations);
    free(net->masks);
    free(net);
}

/* Layer by layer in tensor order: dense weights (and bias), then batch norm;
   with moment-matching inference, then the sampler's seed (one draw). */
void network_init(dlx_network *net, dlx_rng *rng)
{
    for (int l = 0; l < net->n_hidden; l++) {
        hidden_layer *h = &net->hidden[l];
        init_dense(h->fc.W, h->fc.b, h->fc.n_in, h->fc.n_out, &net->model, rng);
        if (net->model.batch_norm)
            init_batchnorm(h->gamma, h->beta, h->running_mean, h->running_var, h->width);
    }
    init_dense(net->out.W, net->out.b, net->out.n_in, net->out.n_out, &net->model, rng);
    if (net->moment_matching)   /* after the weights, which stay those of weight scaling */
        net->mm_seed = rng_u64(rng);
}

int network_n_tensors(const dlx_network *net) { return net->n_tensors; }

dlx_tensor *network_tensor(dlx_network *net, int i)
{
    return i >= 0 && i < net->n_tensors ? &net->tensors[i] : NULL;
}

dlx_tensor *network_tensors(dlx_network *net) { return net->tensors; }

/* Linear search: there are at most MAX_TENSORS names. */
dlx_tensor *network_find_tensor(dlx_network *net, const char *name)
{
    for (int i = 0; i < net->n_tensors; i++)
        if (strcmp(net->tensors[i].name, name) == 0)
            return &net->tensors[i];
    return NULL;
}

real *network_params(dlx_network *net) { return net->params; }
real *network_grads(dlx_network *net) { return net->grads; }
size_t network_n_params(const dlx_network *net) { return net->n_params; }
int network_n_inputs(const dlx_network *net) { return net->n_inputs; }
int network_n_outputs(const dlx_network *net) { return net->n_outputs; }
int network_max_batch(const dlx_network *net) { return net->max_batch; }

/* The sum of the per-example losses of logits[B, n_outputs]; mse reads
   targets when given, else one-hot labels. */
static double loss_sum(const dlx_network *net, const real *logits, const int *labels,
                       const real *targets, int B, long *correct)
{
    switch (net->loss) {
    case LOSS_CROSS_ENTROPY:
        return softmax_cross_entropy_forward(logits, labels, B, net->n_outputs, correct);
    case LOSS_LOGISTIC:
        return logistic_loss_forward(logits, labels, B, correct);
    case LOSS_MSE:
        break;
    case LOSS_COUNT:
        break;
    }
    return mse_forward(logits, targets, targets ? NULL : labels, B, net->n_outputs, correct);
}

/* Σ_b w_b·loss_b of logits[B, n_outputs] (loss_sum when weights is NULL,
   so unweighted runs compute exactly what they did); correct still counts
   examples, unweighted. */
static double weighted_loss_sum(const dlx_network *net, const real *logits, const int *labels,
                                const real *targets, const real *weights, int B, long *correct)
{
    if (!weights)
        return loss_sum(net, logits, labels, targets, B, correct);
    int K = net->n_outputs;
    double sum = 0.0;
    long hits = 0;
    for (int b = 0; b < B; b++) {
        long hit = 0;
        sum += weights[b] * loss_sum(net, logits + (size_t)b * K, labels ? labels + b : NULL,
                                     targets ? targets + (size_t)b * K : NULL, 1, &hit);
        hits += hit;
    }
    if (correct)
        *correct = hits;
    return sum;
}

/* d(mean loss)/d(logits) into d_logits[B, n_outputs]. */
static void loss_gradient(const dlx_network *net, real *d_logits, const real *logits,
                          const int *labels, const real *targets, int B)
{
    switch (net->loss) {
    case LOSS_CROSS_ENTROPY:
        softmax_cross_entropy_backward(d_logits, logits, labels, B, net->n_outputs);
        return;
    case LOSS_LOGISTIC:
        logistic_loss_backward(d_logits, logits, labels, B);
        return;
    case LOSS_MSE:
        break;
    case LOSS_COUNT:
        break;
    }
    mse_backward(d_logits, logits, targets, targets ? NULL : labels, B, net->n_outputs);
}

/* Unit dropout of n values in → out (bernoulli into mask, gaussian into noise). */
static void unit_dropout_train(const dlx_model_config *m, real *out, uint8_t *mask, real *noise,
                               const real *in, size_t n, double rate, dlx_rng *rng)
{
    real scale = dropout_train_scale(rate, m->dropout_scaling);
    if (m->dropout_kind == DROPOUT_GAUSSIAN)
        dropout_gaussian_forward_train(out, noise, in, n, rate, scale, rng);
    else
        dropout_forward_train(out, mask, in, n, rate, scale, rng);
}

/* The weights a train pass of fc uses: W, or with DropConnect a freshly
   masked copy W·mask·scale (one mask per minibatch, see docs/config.md). */
static const real *train_weights(const dlx_model_config *m, dense_params *fc, dlx_rng *rng)
{
    if (fc->connect_rate <= 0.0)
        return fc->W;
    dropconnect_mask_weights(fc->W_used, fc->w_mask, fc->W, (size_t)fc->n_out * fc->n_in,
                             fc->connect_rate, dropout_train_scale(fc->connect_rate,
                                                                   m->dropout_scaling), rng);
    return fc->W_used;
}

/* Batch norm of h in train mode on in[B, width] into h->bn_out, updating the
   running estimates. */
static void batchnorm_train(hidden_layer *h, const real *in, int B, const dlx_model_config *m)
{
    batchnorm_forward_train(h->bn_out, h->x_hat, h->mean, h->var, h->rstd, in, h->gamma, h->beta,
                            B, h->width, m->bn_eps);
    batchnorm_update_running(h->running_mean, h->running_var, h->mean, h->var, B, h->width,
                             m->bn_momentum);
}

/* What hidden layer h hands on before dropout in a train pass: the
   activation's output, or batch norm's when it comes after the activation. */
static const real *hidden_output(const hidden_layer *h)
{
    return h->bn_after ? h->bn_out : h->act_out;
}

/* Train-mode pass of hidden layer h on its input [B, fc.n_in]; returns its output. */
static const real *hidden_forward_train(const dlx_network *net, hidden_layer *h, const real *in,
                                         int B, dlx_rng *rng)
{
    const dlx_model_config *m = &net->model;
    size_t n = (size_t)B * h->width;
    dense_forward(h->fc_out, in, train_weights(m, &h->fc, rng), h->fc.b, B, h->fc.n_in, h->width);
    const real *pre = h->fc_out;
    if (m->batch_norm && !h->bn_after) {
        batchnorm_train(h, h->fc_out, B, m);
        pre = h->bn_out;
    }
    activation_forward(m->activation, h->act_out, pre, n);
    if (m->batch_norm && h->bn_after)
        batchnorm_train(h, h->act_out, B, m);
    if (!h->drop_out)
        return hidden_output(h);
    unit_dropout_train(m, h->drop_out, h->mask, h->noise, hidden_output(h), n, m->dropout_hidden,
                       rng);
    return h->drop_out;
}

/* Copy (or input-dropout) the batch, run the layers, then compute the loss
   and its gradient d(logits), so that backward needs nothing more. */
double network_forward_train(dlx_network *net, const real *x, const int *labels,
                             const real *targets, int B, dlx_rng *rng)
{
    return network_forward_train_weighted(net, x, labels, targets, NULL, B, rng);
}

double network_forward_train_weighted(dlx_network *net, const real *x, const int *labels,
                                      const real *targets, const real *weights, int B,
                                      dlx_rng *rng)
{
    const dlx_model_config *m = &net->model;
    net->saved_batch = 0;
    if (B < 1 || B > net->max_batch)
        return NAN;
    size_t n_x = (size_t)B * net->n_inputs;
    if ((net->input_mask || net->input_noise) && !m->dropout_input_in_data)
        unit_dropout_train(m, net->input, net->input_mask, net->input_noise, x, n_x,
                           m->dropout_input, rng);
    else /* no input dropout, or the inputs were masked once (regularizer.dropout_copies) */
        memcpy(net->input, x, n_x * sizeof *x);

    const real *h = net->input;
    for (int l = 0; l < net->n_hidden; l++)
        h = hidden_forward_train(net, &net->hidden[l], h, B, rng);
    dense_forward(net->logits, h, train_weights(m, &net->out, rng), net->out.b, B, net->out.n_in,
                  net->n_outputs);

    loss_gradient(net, net->d_logits, net->logits, labels, targets, B);
    if (weights)
        loss_weight_gradient(net->d_logits, weights, B, net->n_outputs);
    net->saved_batch = B;
    return weighted_loss_sum(net, net->logits, labels, targets, weights, B, NULL) / B;
}

/* The input that dense layer l (l = n_hidden: the output layer) read in the
   last train forward pass. */
static const real *dense_input(const dlx_network *net, int l)
{
    if (l == 0)
        return net->input;
    const hidden_layer *prev = &net->hidden[l - 1];
    return prev->drop_out ? prev->drop_out : hidden_output(prev);
}

/* dense_backward of fc with the weights its train pass used; with DropConnect
   the weight gradient then goes through the mask: dW ← dW·mask·scale. */
static void dense_backward_masked(const dlx_model_config *m, dense_params *fc, real *d_in,
                                  const real *d_out, const real *in, int B)
{
    const real *W = fc->connect_rate > 0.0 ? fc->W_used : fc->W;
    dense_backward(d_in, fc->dW, fc->db, d_out, in, W, B, fc->n_in, fc->n_out);
    if (fc->connect_rate > 0.0)
        dropconnect_backward(fc->dW, fc->w_mask, (size_t)fc->n_out * fc->n_in,
                             dropout_train_scale(fc->connect_rate, m->dropout_scaling));
}

/* Backward through h's batch norm in place on d_out[B, width], the gradient at
   its output, standardized first with model.batch_norm.backward standardize. */
static void bn_backward(const dlx_model_config *m, hidden_layer *h, real *d_out, int B)
{
    if (m->bn_backward == BN_BACKWARD_STANDARDIZE)
        grad_standardize(d_out, B, h->width, m->bn_eps);
    batchnorm_backward(d_out, h->d_gamma, h->d_beta, d_out, h->x_hat, h->gamma, h->rstd, B, h->width);
}

/* Backward through hidden layer h from d(h's output) in d_out, which is
   overwritten on the way; writes d(h's input) into d_in unless NULL. */
static void hidden_backward(const dlx_network *net, hidden_layer *h, real *d_in, real *d_out,
                            const real *in, int B)
{
    const dlx_model_config *m = &net->model;
    size_t n = (size_t)B * h->width;
    if (h->mask)
        dropout_backward(d_out, d_out, h->mask, n,
                         dropout_train_scale(m->dropout_hidden, m->dropout_scaling));
    else if (h->noise)
        dropout_gaussian_backward(d_out, d_out, h->noise, n);
    if (m->batch_norm && h->bn_after)
        bn_backward(m, h, d_out, B);
    const real *pre = m->batch_norm && !h->bn_after ? h->bn_out : h->fc_out;
    activation_backward(m->activation, d_out, d_out, pre, h->act_out, n);
    if (m->batch_norm && !h->bn_after)
        bn_backward(m, h, d_out, B);
    dense_backward_masked(m, &h->fc, d_in, d_out, in, B);
}

/* Output layer, then hidden layers from the last to the first, the gradient
   of each layer's output alternating between grad_a and grad_b. */
void network_backward(dlx_network *net)
{
    int B = net->saved_batch;
    if (B == 0) {
        memset(net->grads, 0, net->n_params * sizeof *net->grads);
        return;
    }
    int L = net->n_hidden;
    real *d_out = net->grad_a, *d_in = net->grad_b;
    dense_backward_masked(&net->model, &net->out, L > 0 ? d_out : NULL, net->d_logits,
                          dense_input(net, L), B);
    for (int l = L - 1; l >= 0; l--) {
        hidden_backward(net, &net->hidden[l], l > 0 ? d_in : NULL, d_out, dense_input(net, l), B);
        real *t = d_out;
        d_out = d_in;
        d_in = t;
    }
}

/* The weights of fc at evaluation: W, or (1 − rate)·W for DropConnect with
   test_time scaling (filled by prepare_eval_weights). */
static const real *eval_weights(const dense_params *fc)
{
    return fc->W_eval ? fc->W_eval : fc->W;
}

/* W_eval = (1 − rate)·W for every DropConnect layer with test_time scaling:
   the mean-field weight scaling of Srivastava et al. (2014) §2 applied to
   weights (Wan et al. 2013 use a moment-matched Gaussian instead). */
static void prepare_eval_weights(dlx_network *net)
{
    for (int l = 0; l <= net->n_hidden; l++) {
        dense_params *fc = l < net->n_hidden ? &net->hidden[l].fc : &net->out;
        if (!fc->W_eval)
            continue;
        size_t n = (size_t)fc->n_out * fc->n_in;
        dropout_forward_eval(fc->W_eval, fc->W, n,
                             dropout_eval_scale(fc->connect_rate, net->model.dropout_scaling));
    }
}

/* W_var = s²·p(1−p)·W∘W for every hidden DropConnect layer (σ²'s weights,
   Wan et al. 2013 §3; s the training scale), and the pool of MM_POOL_WINDOWS·Z
   standard normals, drawn from the stream (mm_seed, MM_STREAM_POOL): the same
   pool at every call for the same network. */
static void prepare_moment_matching(dlx_network *net)
{
    if (!net->moment_matching)
        return;
    for (int l = 0; l < net->n_hidden; l++) {
        dense_params *fc = &net->hidden[l].fc;
        if (!fc->W_var)
            continue;
        double p = 1.0 - fc->connect_rate, s = dropout_train_scale(fc->connect_rate, net->model.dropout_scaling);
        real c = (real)(s * s * p * (1.0 - p));
        for (size_t i = 0, n = (size_t)fc->n_out * fc->n_in; i < n; i++)
            fc->W_var[i] = c * fc->W[i] * fc->W[i];
    }
    rng_seed(&net->mm_rng, net->mm_seed, MM_STREAM_POOL);
    for (size_t i = 0, n = (size_t)MM_POOL_WINDOWS * net->mm_samples; i < n; i++)
        net->mm_pool[i] = (real)rng_normal(&net->mm_rng);
}

enum { MM_LANES = 8 };   /* partial sums of the Z draws, in a fixed order */

/* Σ_z act(μ + σ·ε_z) over z < Z: the draws u_z = μ + σ·ε_z go through the
   activation and are summed in MM_LANES partial sums (lane k adds z ≡ k mod
   MM_LANES in order) then in double. relu and identity are applied inline,
   as activation_forward computes them, without a call per draw and in
   blocks of MM_LANES the compiler can vectorize; other activations go through activation_forward on draws[Z]. */
static double gaussian_activation_sum(dlx_activation act, real mu, real sd, const real *eps, int Z,
                                      real *draws)
{
    real lane[MM_LANES] = {0};
    int z = 0;
    double sum = 0.0;
    if (act == ACT_RELU || act == ACT_IDENTITY) {
        bool relu = act == ACT_RELU;
        for (; z + MM_LANES <= Z; z += MM_LANES)
            for (int k = 0; k < MM_LANES; k++) {
                real u = mu + sd * eps[z + k];
                lane[k] += relu ? (u > REAL_C(0.0) ? u : REAL_C(0.0)) : u;
            }
        for (; z < Z; z++) {
            real u = mu + sd * eps[z];
            sum += relu ? (u > REAL_C(0.0) ? u : REAL_C(0.0)) : u;
        }
    } else {
        for (int i = 0; i < Z; i++)
            draws[i] = mu + sd * eps[i];
        activation_forward(act, draws, draws, (size_t)Z);
        for (; z + MM_LANES <= Z; z += MM_LANES)
            for (int k = 0; k < MM_LANES; k++)
                lane[k] += draws[z + k];
        for (; z < Z; z++)
            sum += draws[z];
    }
    for (int k = 0; k < MM_LANES; k++)
        sum += lane[k];
    return sum;
}

/* (1/Z)·Σ_z act(μ + σ·ε_z) of n units, μ in mean_out (overwritten by the
   average) and σ² in var, each unit reading Z pool entries from its own
   offset drawn from net->mm_rng (Wan et al. 2013, Algorithm 2). */
static void moment_matched_activation(dlx_network *net, real *mean_out, const real *var, size_t n)
{
    int Z = net->mm_samples;
    uint64_t offsets = (uint64_t)(MM_POOL_WINDOWS - 1) * (uint64_t)Z + 1;
    for (size_t i = 0; i < n; i++) {
        const real *eps = net->mm_pool + rng_below(&net->mm_rng, offsets);
        real sd = var[i] > REAL_C(0.0) ? rsqrt(var[i]) : REAL_C(0.0);
        mean_out[i] = (real)(gaussian_activation_sum(net->model.activation, mean_out[i], sd, eps, Z,
                                                      net->mm_draws) / Z);
    }
}

/* Moment-matching hidden layer hl on C rows: buf holds μ (after batch norm
   when it comes first); its σ² is s²p(1−p)(W∘W)(v∘v) of the layer's input in,
   scaled by γ²/(running var + ε) through batch norm; buf gets the average of
   act(u) over Z draws. */
static void moment_matched_layer(dlx_network *net, const hidden_layer *hl, const real *in, real *buf, int C)
{
    const dlx_model_config *m = &net->model;
    size_t n_in = (size_t)C * hl->fc.n_in, n = (size_t)C * hl->width;
    for (size_t i = 0; i < n_in; i++)
        net->mm_sq_input[i] = in[i] * in[i];
    dense_forward(net->mm_var, net->mm_sq_input, hl->fc.W_var, NULL, C, hl->fc.n_in, hl->width);
    if (m->batch_norm && !hl->bn_after)
        for (int r = 0; r < C; r++)
            for (int j = 0; j < hl->width; j++)
                net->mm_var[(size_t)r * hl->width + j] *=
                    (real)((double)hl->gamma[j] * hl->gamma[j] / ((double)hl->running_var[j] + m->bn_eps));
    moment_matched_activation(net, buf, net->mm_var, n);
}

/* Inference pass of C rows x[C, n_inputs] into eval_logits. When pre is not
   NULL, hidden layer l's input to its nonlinearity is also copied into
   pre[l] + row0·width_l (rows row0 .. row0+C-1 of a caller's [B, width_l]).
   With rng (MC dropout), every dropout layer instead draws fresh masks from
   it as in training (training scaling, one DropConnect mask per chunk),
   into the training mask buffers; batch norm still uses running statistics.
   When inputs is not NULL, the output of hidden layer l as the next layer's
   GEMM reads it (after the nonlinearity, batch norm after it, and test-time
   dropout scaling) is copied into inputs[l] + row0·width_l likewise.
   Otherwise, with moment-matching inference and no probe (pre and inputs NULL), every
   hidden DropConnect layer is moment matched, its offsets re-seeded for the
   chunk (prepare_moment_matching drew the pool). */
static void forward_eval_chunk(dlx_network *net, const real *x, int C, real *const *pre, int row0,
                               dlx_rng *rng, real *const *inputs)
{
    const dlx_model_config *m = &net->model;
    const real *h = x;
    bool moment_matching = net->moment_matching && !rng && !pre && !inputs;
    if (moment_matching)
        rng_seed(&net->mm_rng, net->mm_seed, MM_STREAM_OFFSETS);
    if (rng && (net->input_mask || net->input_noise)) {
        unit_dropout_train(m, net->input, net->input_mask, net->input_noise, x,
                           (size_t)C * net->n_inputs, m->dropout_input, rng);
        h = net->input;
    } else if (net->eval_input && !rng) {
        dropout_forward_eval(net->eval_input, x, (size_t)C * net->n_inputs,
                             dropout_eval_scale(m->dropout_input, m->dropout_scaling));
        h = net->eval_input;
    }
    real *ping_pong[2] = {net->eval_a, net->eval_b};
    for (int l = 0; l < net->n_hidden; l++) {
        hidden_layer *hl = &net->hidden[l];
        real *buf = ping_pong[l % 2];
        size_t n = (size_t)C * hl->width;
        dense_forward(buf, h, rng ? train_weights(m, &hl->fc, rng) : eval_weights(&hl->fc), hl->fc.b, C,
                      hl->fc.n_in, hl->width);
        if (m->batch_norm && !hl->bn_after)
            batchnorm_forward_eval(buf, buf, hl->gamma, hl->beta, hl->running_mean,
                                   hl->running_var, C, hl->width, m->bn_eps);
        if (pre)
            memcpy(pre[l] + (size_t)row0 * hl->width, buf, n * sizeof *buf);
        if (moment_matching && hl->fc.W_var)
            moment_matched_layer(net, hl, h, buf, C);
        else
            activation_forward(m->activation, buf, buf, n);
        if (m->batch_norm && hl->bn_after)
            batchnorm_forward_eval(buf, buf, hl->gamma, hl->beta, hl->running_mean,
                                   hl->running_var, C, hl->width, m->bn_eps);
        if (rng && hl->drop_out)
            unit_dropout_train(m, buf, hl->mask, hl->noise, buf, n, m->dropout_hidden, rng);
        else if (!rng && hl->drop_out && m->dropout_scaling == DROPOUT_TEST_TIME)
            dropout_forward_eval(buf, buf, n,
                                 dropout_eval_scale(m->dropout_hidden, m->dropout_scaling));
        if (inputs)
            memcpy(inputs[l] + (size_t)row0 * hl->width, buf, n * sizeof *buf);
        h = buf;
    }
    dense_forward(net->eval_logits, h, rng ? train_weights(m, &net->out, rng) : eval_weights(&net->out),
                  net->out.b, C, net->out.n_in, net->n_outputs);
}

/* Chunks of eval_chunk rows through forward_eval_chunk; the losses add up. */
double network_evaluate(dlx_network *net, const real *x, const int *labels, const real *targets,
                        int B, long *correct)
{
    return network_evaluate_weighted(net, x, labels, targets, NULL, B, correct);
}

double network_evaluate_weighted(dlx_network *net, const real *x, const int *labels,
                                 const real *targets, const real *weights, int B, long *correct)
{
    long hits = 0;
    if (correct)
        *correct = 0;
    if (B < 1 || B > net->max_batch)
        return NAN;
    double sum = 0.0;
    prepare_eval_weights(net);
    prepare_moment_matching(net);
    for (int start = 0; start < B; start += net->eval_chunk) {
        int C = B - start < net->eval_chunk ? B - start : net->eval_chunk;
        forward_eval_chunk(net, x + (size_t)start * net->n_inputs, C, NULL, 0, NULL, NULL);
        long chunk_hits = 0;
        sum += weighted_loss_sum(net, net->eval_logits, labels ? labels + start : NULL,
                                 targets ? targets + (size_t)start * net->n_outputs : NULL,
                                 weights ? weights + start : NULL, C, &chunk_hits);
        hits += chunk_hits;
    }
    if (correct)
        *correct = hits;
    return sum;
}

/* Chunks of eval_chunk rows through forward_eval_chunk, keeping only the
   pre-activations; the logits are discarded. */
void network_probe_preactivations(dlx_network *net, const real *x, int B, real *const *pre)
{
    prepare_eval_weights(net);
    for (int start = 0; start < B; start += net->eval_chunk) {
        int C = B - start < net->eval_chunk ? B - start : net->eval_chunk;
        forward_eval_chunk(net, x + (size_t)start * net->n_inputs, C, pre, start, NULL, NULL);
    }
}

/* Chunks of eval_chunk rows through forward_eval_chunk, keeping only the
   inputs of every layer after the first (what its GEMM reads); the logits are
   discarded. */
void network_probe_layer_inputs(dlx_network *net, const real *x, int B, real *const *inputs)
{
    prepare_eval_weights(net);
    for (int start = 0; start < B; start += net->eval_chunk) {
        int C = B - start < net->eval_chunk ? B - start : net->eval_chunk;
        forward_eval_chunk(net, x + (size_t)start * net->n_inputs, C, NULL, start, NULL, inputs);
    }
}

/* Chunks of eval_chunk rows through forward_eval_chunk, copying the logits. */
void network_forward_logits(dlx_network *net, const real *x, int B, dlx_rng *rng, real *logits)
{
    prepare_eval_weights(net);
    if (!rng)
        prepare_moment_matching(net);
    for (int start = 0; start < B; start += net->eval_chunk) {
        int C = B - start < net->eval_chunk ? B - start : net->eval_chunk;
        forward_eval_chunk(net, x + (size_t)start * net->n_inputs, C, NULL, 0, rng, NULL);
        memcpy(logits + (size_t)start * net->n_outputs, net->eval_logits,
               (size_t)C * net->n_outputs * sizeof *logits);
    }
    net->saved_batch = 0;   /* the training buffers no longer hold a train pass */
}

int network_n_hidden(const dlx_network *net) { return net->n_hidden; }

int network_hidden_width(const dlx_network *net, int l)
{
    return l >= 0 && l < net->n_hidden ? net->hidden[l].width : 0;
}

/* ---- The MLP as a dlx_model kind (models/model.h) ---------------------- */

/* Build the network for cfg->model and cfg->loss at the shape's sizes. */
static dlx_status mlp_create(void **impl, const dlx_config *cfg, const dlx_model_shape *shape,
                             dlx_diags *diags)
{
    dlx_network *net = NULL;
    dlx_status st = network_create(&net, &cfg->model, cfg->loss, shape->n_inputs,
                                   shape->n_outputs, shape->max_batch, diags);
    *impl = net;
    return st;
}

static void mlp_destroy(void *impl) { network_free(impl); }
static void mlp_init(void *impl, dlx_rng *rng) { network_init(impl, rng); }

static dlx_tensor *mlp_tensors(void *impl, int *count)
{
    *count = network_n_tensors(impl);
    return network_tensors(impl);
}

static real *mlp_params(void *impl) { return network_params(impl); }
static real *mlp_grads(void *impl) { return network_grads(impl); }
static size_t mlp_n_params(const void *impl) { return network_n_params(impl); }
static int mlp_n_outputs(const void *impl) { return network_n_outputs(impl); }
static int mlp_max_batch(const void *impl) { return network_max_batch(impl); }

static double mlp_forward_train(void *impl, const dlx_batch *b, dlx_rng *rng)
{
    return network_forward_train_weighted(impl, b->x, b->labels, b->targets, b->weights, b->size, rng);
}

static void mlp_backward(void *impl) { network_backward(impl); }

static double mlp_evaluate(void *impl, const dlx_batch *b, long *correct)
{
    return network_evaluate_weighted(impl, b->x, b->labels, b->targets, b->weights, b->size, correct);
}

static void mlp_predict(void *impl, const real *x, int B, dlx_rng *rng, real *out)
{
    network_forward_logits(impl, x, B, rng, out);
}

static int mlp_n_probes(const void *impl) { return network_n_hidden(impl); }
static int mlp_probe_width(const void *impl, int l) { return network_hidden_width(impl, l); }

static void mlp_probe(void *impl, const real *x, int B, real *const *pre)
{
    network_probe_preactivations(impl, x, B, pre);
}

static void mlp_probe_inputs(void *impl, const real *x, int B, real *const *inputs)
{
    network_probe_layer_inputs(impl, x, B, inputs);
}

/* Θ = Σ_i ‖w_i‖₂‖a_i‖₂ over the hidden units of a one-hidden-layer network,
   w_i = row i of fc1.weight (its incoming weights), a_i = column i of
   out.weight (its outgoing ones): with relu and no biases the network is
   positively homogeneous of degree 2 in (w_i, a_i), and so is Θ (Haeffele &
   Vidal 2015, §4). The gradient with respect to w_i is λ‖a_i‖w_i/‖w_i‖ (and
   symmetrically for a_i); a unit with a zero factor gets the subgradient 0,
   as in factorization.c. 0 for other networks (the validation refuses
   `product` there). */
static double mlp_product_penalty(void *impl, double lambda, bool add_gradient)
{
    dlx_network *net = impl;
    if (net->n_hidden != 1)
        return 0.0;
    const dense_params *fc = &net->hidden[0].fc, *out = &net->out;
    int width = fc->n_out, n_in = fc->n_in, n_out = out->n_out;
    double theta = 0.0;
    for (int i = 0; i < width; i++) {
        double nw = strided_norm(fc->W + (size_t)i * n_in, (size_t)n_in, 1);
        double na = strided_norm(out->W + i, (size_t)n_out, (size_t)width);
        theta += nw * na;
        if (!add_gradient || nw == 0.0 || na == 0.0)
            continue;
        real gw = (real)(lambda * na / nw), ga = (real)(lambda * nw / na);
        for (int j = 0; j < n_in; j++)
            fc->dW[(size_t)i * n_in + j] += gw * fc->W[(size_t)i * n_in + j];
        for (int k = 0; k < n_out; k++)
            out->dW[(size_t)k * width + i] += ga * out->W[(size_t)k * width + i];
    }
    return lambda * theta;
}

const dlx_model_kind MODEL_KIND_MLP = {
    .name = "mlp",
    .create = mlp_create,
    .destroy = mlp_destroy,
    .init = mlp_init,
    .tensors = mlp_tensors,
    .params = mlp_params,
    .grads = mlp_grads,
    .n_params = mlp_n_params,
    .n_outputs = mlp_n_outputs,
    .max_batch = mlp_max_batch,
    .forward_train = mlp_forward_train,
    .backward = mlp_backward,
    .evaluate = mlp_evaluate,
    .predict = mlp_predict,
    .product_penalty = mlp_product_penalty,
    .n_probes = mlp_n_probes,
    .probe_width = mlp_probe_width,
    .probe = mlp_probe,
    .probe_inputs = mlp_probe_inputs,
};
