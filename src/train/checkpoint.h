/*
 * checkpoint.h — a run's complete state in one safetensors file (SPEC §3).
 *
 * Tensors: the network's, by SPEC §2 names (fc1.weight, bn1.running_mean,
 * out.bias, ...), then each optimizer state buffer split by parameter as
 * "optimizer.<state>.<tensor>" (e.g. optimizer.momentum_buffer.fc1.weight),
 * then the state of the diagnostics that must survive --resume, each tensor
 * named "diagnostic.<name>.<tensor>" by its diagnostic (diagnostic.h).
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
    long optimizer_start;  /* the step at which the optimizer's state began: 0, or the
                              step of training.grow_rank's last rank change, which starts
                              the optimizer afresh (metadata "optimizer_start", optional) */
    bool finished;         /* the run is over (status ok or diverged): nothing to resume */
    double wall_s;         /* training seconds so far */
    double objective_sum;  /* minibatch objectives since the last evaluation row */
    long objective_count;
    double best_test_loss; /* regression: lowest test loss so far */
    dlx_run_summary summary; /* the summary.csv row as it stands */
} dlx_train_state;

/* extra[0..n_extra): the diagnostics' resumable state (NULL, 0: none). */
dlx_status checkpoint_save(const char *path, dlx_model *model, dlx_optimizer *opt,
                           const dlx_tensor *extra, int n_extra, const dlx_train_state *state,
                           dlx_diags *diags);

/* Restore a checkpoint written by checkpoint_save into a network and
   optimizer built from the same configuration: every tensor (weights, BN
   statistics, optimizer buffers) must be present with its shape, and the
   metadata complete and consistent (as checkpoint_read_state); each of
   extra[0..n_extra) (the diagnostics' resumable state) is restored from the
   tensor of its name. Errors name the file (DLX_ERR_INPUT). */
dlx_status checkpoint_load(const char *path, dlx_model *model, dlx_optimizer *opt,
                           dlx_tensor *extra, int n_extra, dlx_train_state *state,
                           dlx_diags *diags);

/* Only the metadata of a checkpoint (no network needed): whether the run
   finished, its summary and its row count. Checks everything the file alone
   can tell, so that --resume can refuse a bad checkpoint before it changes
   any file: the metadata agree with each other (summary.epochs_done =
   epoch, step = optimizer_steps >= epoch, rows >= 1, a finished ok run at
   position 0), no RNG state is all zero, the summary's losses and
   objective_sum are finite unless the run diverged, accuracies are in
   [0, 1] or NaN, durations finite and >= 0, and every tensor value is
   finite unless the run diverged. The run's folder (the checkpoint's) must
   hold no symbolic link under a name dlx writes (io/output_file.h), since
   --resume writes there next. Every problem is reported (DLX_ERR_INPUT). */
dlx_status checkpoint_read_state(const char *path, dlx_train_state *state, dlx_diags *diags);

/* The checks that need the experiment which is to continue the checkpoint
   (call it after checkpoint_read_state, before changing any file):
   epoch <= training.epochs; a finished ok run at its last epoch, a running
   one before it; position <= n_train (n_train: the examples of one
   training epoch, i.e. the training split, times regularizer.noise_copies
   when set; position = n_train is a signal after an epoch's last step);
   step = epoch * steps_per_epoch + ceil(position / batch) (one less for a
   run a non-finite step stopped); rows within the evaluation schedule
   (1 + step / eval_every or 1 + epoch, up to 2 more for a finished run).
   DLX_ERR_INPUT with the file and the field. */
dlx_status checkpoint_validate(const char *path, const dlx_config *cfg, long n_train,
                               const dlx_train_state *state, dlx_diags *diags);

/* Initial weights from a safetensors file (init: {from: FILE}): every
   value of every tensor must be finite (refused with the tensor's name);
   every trainable tensor of the network must be present with the same shape;
   batch-norm running statistics are taken when present; tensors named
   "optimizer.*" and "diagnostic.*" are ignored (a checkpoint is a valid init); any other tensor
   is refused, as PyTorch's strict load_state_dict does. Tensors of another
   floating type (an F32 file in float64, F64 in float32, F16, BF16) are
   converted to real; *converted_from (when not NULL) is then the dtype of
   the first such tensor, else NULL, so the caller can say so. */
dlx_status checkpoint_load_weights(const char *path, dlx_model *model, const char **converted_from,
                                   dlx_diags *diags);

#endif
