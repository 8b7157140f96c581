/*
 * trainer.h — one run's training as a sequence of optimizer steps.
 *
 *   dlx_trainer *t;
 *   trainer_create(&t, &request, diags);   everything allocated, weights drawn
 *   trainer_begin(t, diags);               epoch-0 row, or the checkpoint restored
 *   while (!trainer_done(t))
 *       trainer_advance(t, diags);         one optimizer step and what falls at it
 *   trainer_finish(t, &summary);
 *   trainer_free(t);
 *
 * Each trainer_advance takes one minibatch step and then, at that step, the
 * evaluation rows (eval_every, the epoch's end), the epoch's checkpoint, and
 * the end of the run after a divergence or an interruption
 * (train_request_stop). Between two calls the run is at a step boundary: two
 * trainers can advance in lockstep, and a caller can inspect the model
 * (trainer_model) between any two steps.
 */
#ifndef DLX_TRAIN_TRAINER_H
#define DLX_TRAIN_TRAINER_H

#include <stdbool.h>

#include "models/model.h"
#include "train/run.h"
#include "util/diag.h"

typedef struct dlx_trainer dlx_trainer;

/* Resolve lr/momentum: theory, build the model (registry or req->model_kind),
   the optimizer, the batcher and the diagnostics for req. */
dlx_status trainer_create(dlx_trainer **t, const dlx_run_request *req, dlx_diags *diags);

/* Write the epoch-0 row, or with req->resume restore the checkpoint. */
dlx_status trainer_begin(dlx_trainer *t, dlx_diags *diags);

/* One optimizer step and what falls at it (see above). A no-op once done. */
dlx_status trainer_advance(dlx_trainer *t, dlx_diags *diags);

/* True when the run has nothing left to do (finished, stopped, or failed). */
bool trainer_done(const dlx_trainer *t);

/* Optimizer steps taken so far. */
long trainer_steps(const dlx_trainer *t);

/* The run's model, for a caller that measures it between steps. */
dlx_model *trainer_model(dlx_trainer *t);

/* The summary row as it stands. */
const dlx_run_summary *trainer_summary(const dlx_trainer *t);

/* The final summary row (epochs done and training time filled in). */
void trainer_finish(dlx_trainer *t, dlx_run_summary *summary);

void trainer_free(dlx_trainer *t);

/* Build the model of cfg for ds with n_train training examples, its initial
   weights drawn from req->seed (or read from init: {from}); *batch gets the
   training batch size. Used by trainer_create and train_check_model. */
dlx_status trainer_build_model(const dlx_config *cfg, const dlx_dataset *ds, int n_train,
                               const dlx_run_request *req, dlx_model *model, int *batch,
                               dlx_diags *diags);

#endif
