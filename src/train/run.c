/*
 * run.c — one (arm, seed) run from start to end (see run.h).
 *
 * What a run is, around the trainer that steps it (trainer.c): the number of
 * outputs its loss needs from the data, the model check that the runner does
 * for every arm before anything runs, the bootstrap resample drawn from the
 * run's own seed, and the stop flag that a signal handler sets.
 */
#include "train/run.h"

#include <math.h>
#include <signal.h>

#include "data/bootstrap.h"
#include "data/split.h"
#include "train/trainer.h"
#include "train/twins.h"

enum { STREAM_BOOTSTRAP = 5 }; /* the other streams are the trainer's (trainer.c) */

static volatile sig_atomic_t stop_flag;

void train_request_stop(void) { stop_flag = 1; }
bool train_stop_requested(void) { return stop_flag != 0; }

dlx_status train_output_size(const dlx_config *cfg, const dlx_dataset *ds, const char *source_file,
                             const char *arm, int *n_outputs, dlx_diags *diags)
{
    int classes = ds->classes;
    const dlx_data_note *note = &ds->regression_note; /* where regression data became so */
    switch (cfg->loss) {
    case LOSS_CROSS_ENTROPY:
        if (classes < 2) {
            if (note->file[0])
                diags_add(diags, note->file, note->line, note->col,
                          "arm '%s': %s, so the data are regression targets; loss cross_entropy "
                          "needs class labels (use loss: mse, or fix the label)", arm, note->why);
            else
                diags_add(diags, source_file, 0, 0,
                          "arm '%s': loss cross_entropy needs class labels, but the data are "
                          "regression targets (use loss: mse)", arm);
            return DLX_ERR_INPUT;
        }
        *n_outputs = classes;
        break;
    case LOSS_LOGISTIC:
        if (classes == 0 && note->file[0]) {
            diags_add(diags, note->file, note->line, note->col,
                      "arm '%s': %s, so the data are regression targets; loss logistic needs "
                      "two classes {0, 1} (fix the label)", arm, note->why);
            return DLX_ERR_INPUT;
        }
        if (classes != 2) {
            diags_add(diags, source_file, 0, 0,
                      "arm '%s': loss logistic needs two classes {0, 1}, but the data have %s",
                      arm, classes ? "more classes (use loss: cross_entropy)" : "regression targets");
            return DLX_ERR_INPUT;
        }
        *n_outputs = 1;
        break;
    case LOSS_MSE:
        *n_outputs = classes > 0 ? classes : ds->train.n_targets;
        break;
    case LOSS_COUNT:
        break;
    }
    if (cfg->model.type == MODEL_LOGISTIC && cfg->loss != LOSS_LOGISTIC) {
        diags_add(diags, source_file, 0, 0, "arm '%s': model logistic goes with loss logistic",
                  arm);
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

dlx_status train_check_model(const dlx_config *cfg, const dlx_dataset *ds,
                             const char *source_file, const char *arm, dlx_diags *diags)
{
    dlx_model model = {0};
    dlx_run_request req = {.config = cfg, .arm = arm, .seed = 0, .data = ds,
                           .source_file = source_file, .checking = true};
    int batch;
    dlx_status st = trainer_build_model(cfg, ds, ds->train.n, &req, &model, &batch, diags);
    model_free(&model);
    if (st == DLX_OK)
        st = twins_check(cfg, ds, source_file, arm, diags);
    return st;
}

/* The run on req->data as it is (train_run draws the bootstrap resample first):
   a trainer advanced step by step to the end. */
static dlx_status train_on_data(const dlx_run_request *req, dlx_run_summary *summary,
                                dlx_diags *diags)
{
    *summary = (dlx_run_summary){.status = RUN_OK, .best_test_acc = NAN, .best_epoch = NAN,
                                 .final_train_acc = NAN, .final_test_acc = NAN};
    dlx_trainer *t = NULL;
    dlx_status st = trainer_create(&t, req, diags);
    if (st != DLX_OK)
        return st;
    st = trainer_begin(t, diags);
    while (st == DLX_OK && !trainer_done(t))
        st = trainer_advance(t, diags);
    trainer_finish(t, summary);
    trainer_free(t);
    return st;
}

/* data.bootstrap: the run trains (and its train_loss is measured) on a
   resample of the training split drawn from the run's own seed (stream
   STREAM_BOOTSTRAP), so seeds differ, a seed is reproducible and a resumed
   run sees the same resample; the test split is shared as it is. */
dlx_status train_run(const dlx_run_request *req, dlx_run_summary *summary, dlx_diags *diags)
{
    if (!req->config->data.bootstrap)
        return train_on_data(req, summary, diags);
    dlx_rng rng;
    rng_seed(&rng, req->seed, STREAM_BOOTSTRAP);
    dlx_dataset resampled = *req->data;
    dlx_status st = bootstrap_split(&resampled.train, &req->data->train, &rng, diags);
    if (st != DLX_OK)
        return st;
    dlx_run_request own = *req;
    own.data = &resampled;
    st = train_on_data(&own, summary, diags);
    split_free(&resampled.train);
    return st;
}
