/*
 * mlp.h — a feed-forward network built from a dlx_model_config, the first
 * model kind (models/model.h).
 *
 * linear, logistic and softmax are one dense layer ("out"); an mlp is
 *     x -> [input dropout] -> (fc_l -> [bn_l] -> act -> [dropout]) x L -> out
 * or, with model.batch_norm.position after, (fc_l -> act -> bn_l -> [dropout]).
 * All trainable parameters live in one contiguous block, their gradients in a
 * second block of the same layout, batch-norm running statistics in a third,
 * and every activation buffer is sized for max_batch once in network_create:
 * nothing is allocated by forward, backward or evaluate.
 *
 * Outputs and losses (SPEC §2):
 *   cross_entropy: n_outputs = classes, loss = -log softmax(z)[y]
 *   logistic:      n_outputs = 1, p = sigmoid(z), binary cross-entropy on y in {0,1}
 *   mse:           n_outputs = targets (regression) or classes (one-hot labels),
 *                  loss = mean over outputs of (y - z)^2 per example
 */
#ifndef DLX_MODELS_MLP_H
#define DLX_MODELS_MLP_H

#include "util/real.h"
#include "models/model.h"
#include "spec/config.h"
#include "util/diag.h"
#include "util/rng.h"
#include "util/tensor.h"

typedef struct dlx_network dlx_network;

/* Build the layers for n_inputs -> n_outputs and allocate every buffer for
   batches of up to max_batch examples. Parameters are left zero: call
   network_init, or fill the tensors from a checkpoint. */
dlx_status network_create(dlx_network **out, const dlx_model_config *model, dlx_loss loss,
                          int n_inputs, int n_outputs, int max_batch, dlx_diags *diags);
void network_free(dlx_network *net);

/* Draw initial weights by model->init (normal, uniform, xavier, he); biases
   as docs/config.md says; BN gamma = 1, beta = 0, running mean 0, var 1.
   With model.dropconnect_inference moment_matching, one more draw from rng
   (after the weights) seeds the moment-matching sampler. */
void network_init(dlx_network *net, dlx_rng *rng);

/* Every tensor in SPEC §2 order: fc1.weight, fc1.bias, bn1.weight, bn1.bias,
   bn1.running_mean, bn1.running_var, fc2..., out.weight, out.bias. */
int network_n_tensors(const dlx_network *net);
dlx_tensor *network_tensor(dlx_network *net, int i);
/* All tensors as one array of network_n_tensors entries (same order). */
dlx_tensor *network_tensors(dlx_network *net);
/* The tensor with that name, or NULL. */
dlx_tensor *network_find_tensor(dlx_network *net, const char *name);

/* The contiguous block of trainable parameters and its gradient. */
real *network_params(dlx_network *net);
real *network_grads(dlx_network *net);
size_t network_n_params(const dlx_network *net);

/* Training-mode forward pass on B <= max_batch examples x [B, n_inputs]:
   dropout masks are drawn from rng, batch norm uses batch statistics and
   updates its running estimates. labels (classification) or targets
   [B, n_outputs] (regression) give the loss. Returns the mean data loss
   over the batch. The activations are kept for network_backward. */
double network_forward_train(dlx_network *net, const real *x, const int *labels,
                             const real *targets, int B, dlx_rng *rng);
/* The same with per-example loss weights w [B] (NULL: uniform): the mean
   (1/B)·Σ_b w_b·loss_b, and network_backward then differentiates it. */
double network_forward_train_weighted(dlx_network *net, const real *x, const int *labels,
                                      const real *targets, const real *weights, int B,
                                      dlx_rng *rng);

/* Backward pass of the last network_forward_train: overwrites the gradient
   block with d(mean batch loss)/d(parameters). */
void network_backward(dlx_network *net);

/* Inference mode (no dropout noise, BN running statistics, test-time weight
   scaling when model.dropout.scaling is test_time; with
   model.dropconnect_inference moment_matching, Wan et al.'s (2013) Gaussian
   moment matching of every hidden DropConnect layer, see mlp.c) on B <=
   max_batch examples. Returns the SUM of the per-example losses; *correct gets the
   number of correct predictions (0 for regression). */
double network_evaluate(dlx_network *net, const real *x, const int *labels,
                        const real *targets, int B, long *correct);
/* The same with per-example loss weights w [B] (NULL: uniform): Σ_b w_b·loss_b. */
double network_evaluate_weighted(dlx_network *net, const real *x, const int *labels,
                                 const real *targets, const real *weights, int B, long *correct);

/* Inference mode on B examples x[B, n_inputs] (any B >= 0: it runs in
   chunks), writing into pre[l] [B, width of hidden layer l] the input of
   hidden layer l's nonlinearity (after batch norm when it comes before the
   nonlinearity; the raw dense output when it comes after), for
   l < network_n_hidden. Nothing else is changed. */
void network_probe_preactivations(dlx_network *net, const real *x, int B, real *const *pre);
/* Inference mode on B examples x: inputs[l] [B, width_l] gets the input of
   the layer after hidden layer l, exactly what its GEMM reads (φ(BN(u)),
   BN(φ(u)) or φ(u), times the test-time dropout scale when there is one), for
   l < network_n_hidden. Nothing else is changed. */
void network_probe_layer_inputs(dlx_network *net, const real *x, int B, real *const *inputs);

/* The logits of B examples x[B, n_inputs] (any B >= 0: it runs in chunks)
   into logits[B, n_outputs]. rng NULL: inference mode, exactly the outputs
   network_evaluate scores. rng given: one stochastic pass for MC dropout
   (Gal & Ghahramani 2016): batch norm with its running statistics, but every
   dropout layer draws fresh masks from rng with the training scaling (unit
   dropout: one mask per example; DropConnect: one weight mask per chunk of
   up to 512 examples). Uses the training mask buffers, so a following
   network_backward needs a new network_forward_train first. */
void network_forward_logits(dlx_network *net, const real *x, int B, dlx_rng *rng, real *logits);

/* Sizes. */
int network_n_hidden(const dlx_network *net);
int network_hidden_width(const dlx_network *net, int l);
int network_n_inputs(const dlx_network *net);
int network_n_outputs(const dlx_network *net);
int network_max_batch(const dlx_network *net);

/* The MLP as a model kind (models/model.h): linear, logistic, softmax and mlp. */
extern const dlx_model_kind MODEL_KIND_MLP;

#endif
