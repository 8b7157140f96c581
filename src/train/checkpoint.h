/*
 * checkpoint.h — a run's complete state in one safetensors file (SPEC §3).
 *
 * Tensors: the network's, by SPEC §2 names (fc1.weight, bn1.running_mean,
 * out.bias, ...), then each optimizer state buffer split by parameter as
 * "optimizer.<state>.<tensor>" (e.g. optimizer.momentum_buffer.fc1.weight).
 * Metadata (strings): format, epoch, step, optimizer_steps, the RNG states
 * as hexadecimal words, and what --resume needs to continue exactly
 * (dlx_train_state: position in the epoch, metrics rows written, status
 * running/finished, the metrics accumulators and the summary row, doubles
 * in C99 hexadecimal "%a"). Written atomically (write, fsync, rename).
 */
#ifndef DLX_TRAIN_CHECKPOINT_H
#define DLX_TRAIN_CHECKPOINT_H

#include "models/model.h"
#include "optim/optimizer.h"
#include "train/run.h"
#include "util/diag.h"
#include "util/rng.h"

#define DLX_CHECKPOINT_FORMAT "dlx-checkpoint-1"

/* Where a run stands between two steps: everything besides the tensors that
   --resume needs to continue as if never stopped (docs/reliability.md). */
typedef struct {
    long epoch;            /* epochs completed */
    long step;             /* optimizer steps taken */
    long position;         /* examples of epoch `epoch + 1` already trained on */
    dlx_rng shuffle_rng;   /* the order RNG before the shuffle of epoch `epoch + 1` */
    dlx_rng dropout_rng;   /* dropout masks */
    dlx_rng noise_rng;     /* input noise */
    long rows;             /* metrics rows of this run written so far */
    bool finished;         /* the run is over (status ok or diverged): nothing to resume */
    double wall_s;         /* training seconds so far */
    double objective_sum;  /* minibatch objectives since the last evaluation row */
    long objective_count;
    double best_test_loss; /* regression: lowest test loss so far */
    dlx_run_summary summary; /* the summary.csv row as it stands */
} dlx_train_state;

dlx_status checkpoint_save(const char *path, dlx_model *model, dlx_optimizer *opt,
                           const dlx_train_state *state, dlx_diags *diags);

/* Restore a checkpoint written by checkpoint_save into a network and
   optimizer built from the same configuration: every tensor (weights, BN
   statistics, optimizer buffers) must be present with its shape, and the
   metadata complete. Errors name the file (DLX_ERR_INPUT). */
dlx_status checkpoint_load(const char *path, dlx_model *model, dlx_optimizer *opt,
                           dlx_train_state *state, dlx_diags *diags);

/* Only the metadata of a checkpoint (no network needed): whether the run
   finished, its summary and its row count. */
dlx_status checkpoint_read_state(const char *path, dlx_train_state *state, dlx_diags *diags);

/* Initial weights from a safetensors file (init: {from: FILE}): every
   trainable tensor of the network must be present with the same shape;
   batch-norm running statistics are taken when present; tensors named
   "optimizer.*" are ignored (a checkpoint is a valid init); any other tensor
   is refused, as PyTorch's strict load_state_dict does. */
dlx_status checkpoint_load_weights(const char *path, dlx_model *model, dlx_diags *diags);

#endif
