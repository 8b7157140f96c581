/*
 * checkpoint.h — a run's complete state in one safetensors file (SPEC §3).
 *
 * Tensors: the network's, by SPEC §2 names (fc1.weight, bn1.running_mean,
 * out.bias, ...), then each optimizer state buffer split by parameter as
 * "optimizer.<state>.<tensor>" (e.g. optimizer.momentum_buffer.fc1.weight).
 * Metadata (strings): format, epoch, step, optimizer_steps and the RNG
 * states as hexadecimal words. Written atomically (write, fsync, rename).
 */
#ifndef DLX_TRAIN_CHECKPOINT_H
#define DLX_TRAIN_CHECKPOINT_H

#include "nn/network.h"
#include "optim/optimizer.h"
#include "util/diag.h"
#include "util/rng.h"

#define DLX_CHECKPOINT_FORMAT "dlx-checkpoint-1"

/* Where a run stands between two steps. */
typedef struct {
    long epoch;            /* epochs completed */
    long step;             /* optimizer steps taken */
    dlx_rng shuffle_rng;   /* epoch order */
    dlx_rng dropout_rng;   /* dropout masks */
    dlx_rng noise_rng;     /* input noise */
} dlx_train_state;

dlx_status checkpoint_save(const char *path, dlx_network *net, dlx_optimizer *opt,
                           const dlx_train_state *state, dlx_diags *diags);

/* Initial weights from a safetensors file (init: {from: FILE}): every
   trainable tensor of the network must be present with the same shape;
   batch-norm running statistics are taken when present; tensors named
   "optimizer.*" are ignored (a checkpoint is a valid init); any other tensor
   is refused, as PyTorch's strict load_state_dict does. */
dlx_status checkpoint_load_weights(const char *path, dlx_network *net, dlx_diags *diags);

#endif
