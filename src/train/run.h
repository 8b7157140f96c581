/*
 * run.h — one training run: one arm of an experiment with one seed.
 *
 * The loop (docs/architecture.md):
 *   evaluate (epoch 0)
 *   for each epoch: for each minibatch:
 *       x += input noise (unless drawn once: regularizer.noise_copies);
 *       loss = forward_train; backward; + regularizer gradient;
 *       optimizer step; max-norm projection
 *     evaluate at each eval point, write the metrics row, checkpoint at epoch end
 * Every buffer is allocated before the loop; the loop allocates nothing.
 */
#ifndef DLX_TRAIN_RUN_H
#define DLX_TRAIN_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "data/dataset.h"
#include "spec/config.h"
#include "diagnostics/diagnostic.h"
#include "util/diag.h"

typedef enum { RUN_OK, RUN_DIVERGED, RUN_INTERRUPTED } dlx_run_status;

/* The summary.csv row of a finished run (SPEC §3). */
typedef struct {
    dlx_run_status status;
    int epochs_done;
    double final_train_loss, final_test_loss, final_gen_gap;
    double final_train_acc, final_test_acc; /* NAN for regression */
    double best_test_acc;                    /* NAN for regression */
    double best_epoch;                       /* of best_test_acc (lowest test loss for regression) */
    double wall_s;
} dlx_run_summary;

/* Where a run's metrics rows go: each row is written to every sink. */
typedef struct {
    FILE *fp;
    const char *path;     /* for error messages */
} dlx_metrics_sink;

typedef struct {
    const dlx_config *config;
    const char *arm;
    uint64_t seed;
    const dlx_dataset *data;
    const char *source_file;        /* the experiment file, for messages */
    const char *checkpoint_path;    /* runs/<arm>/seed-<k>/checkpoint.safetensors */
    dlx_metrics_sink sinks[2];
    int n_sinks;
    const dlx_columns *diag_columns; /* the experiment's diagnostic columns (all runs) */
    int n_extra;                    /* swept-key columns appended to each row */
    const char *const *extra_values;
    bool progress;                  /* one line per evaluation on stderr */
    /* Called after each evaluation row (not in the training loop), when set:
       the live progress display of `dlx run` (experiment/progress.c). */
    void (*on_eval)(void *ctx, double epoch, double test_loss, double test_acc);
    void *on_eval_ctx;
    bool resume;                    /* continue from checkpoint_path (written by a
                                       stopped run of the same config) */
    const struct dlx_model_kind *model_kind; /* NULL: the kind of config->model.type
                                       (models/registry); else this kind */
    bool twin;                      /* a twin run of the stability diagnostic
                                       (train/twins.c): no rows, no evaluation, no
                                       checkpoint; its order, dropout and noise
                                       streams from twin_order_seed, its weights
                                       from seed */
    uint64_t twin_order_seed;
    bool checking;                  /* train_check_model's build at validation: the one
                                       place the note on an init file of the other
                                       precision is printed (once per arm) */
} dlx_run_request;

/* Train and evaluate one run, writing its metrics rows as they are
   measured. A run that diverges returns DLX_OK with status RUN_DIVERGED;
   errors (bad config/data combination, I/O) return their status. */
dlx_status train_run(const dlx_run_request *req, dlx_run_summary *summary, dlx_diags *diags);

/* Number of model outputs for this config and data: classes for
   cross_entropy (and mse on labels, one-hot), 1 for logistic, n_targets for
   mse on regression. Reports a mismatch (e.g. logistic loss on 10 classes). */
dlx_status train_output_size(const dlx_config *cfg, const dlx_dataset *ds, const char *source_file,
                             const char *arm, int *n_outputs, dlx_diags *diags);

/* Check before anything runs that the arm's model fits its data: output
   size, the network's sizes and memory, init: {from: FILE} (shapes and
   names), and the stability diagnostic's replaced example. Builds the network once and frees it. */
dlx_status train_check_model(const dlx_config *cfg, const dlx_dataset *ds,
                             const char *source_file, const char *arm, dlx_diags *diags);

/* Ask every running train_run in this process to stop after its current
   step (async-signal-safe: only sets a flag). */
void train_request_stop(void);
bool train_stop_requested(void);

#endif
