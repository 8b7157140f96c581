/*
 * run.c — the training loop of one (arm, seed) run (see run.h).
 *
 * Random streams: every run seeds its generators from its own seed only, one
 * stream per purpose, so an arm's initial weights and data order are the same
 * across arms with the same seed (paired comparisons), and no result depends
 * on how many runs execute at once.
 */
#include "train/run.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/bootstrap.h"
#include "data/noise_copies.h"
#include "data/split.h"
#include "models/mlp.h"
#include "optim/optimizer.h"
#include "optim/prox_l1.h"
#include "optim/regularizer.h"
#include "optim/schedule.h"
#include "spec/experiment.h"
#include "train/batcher.h"
#include "train/checkpoint.h"
#include "train/evaluate.h"
#include "train/metrics.h"
#include "solvers/step_theory.h"

enum { STREAM_INIT = 1, STREAM_SHUFFLE = 2, STREAM_DROPOUT = 3, STREAM_NOISE = 4, STREAM_BOOTSTRAP = 5,
       STREAM_NOISE_COPIES = 6 };

/* Largest batch used for evaluation: large enough for efficient GEMMs,
   small enough to keep activation buffers modest. */
#define EVAL_BATCH 1024

static volatile sig_atomic_t stop_flag;

void train_request_stop(void) { stop_flag = 1; }
bool train_stop_requested(void) { return stop_flag != 0; }

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* batcher_next with its time added to *wall_s: gathering a shuffled batch is
   part of training, which wall_s counts (SPEC §3: evaluation excluded). */
static int next_batch_timed(dlx_batcher *b, double *wall_s)
{
    double t0 = now_seconds();
    int rows = batcher_next(b);
    *wall_s += now_seconds() - t0;
    return rows;
}

dlx_status train_output_size(const dlx_config *cfg, const dlx_dataset *ds, const char *source_file,
                             const char *arm, int *n_outputs, dlx_diags *diags)
{
    int classes = ds->classes;
    switch (cfg->loss) {
    case LOSS_CROSS_ENTROPY:
        if (classes < 2) {
            diags_add(diags, source_file, 0, 0,
                      "arm '%s': loss cross_entropy needs class labels, but the data are "
                      "regression targets (use loss: mse)", arm);
            return DLX_ERR_INPUT;
        }
        *n_outputs = classes;
        break;
    case LOSS_LOGISTIC:
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
    }
    if (cfg->model.type == MODEL_LOGISTIC && cfg->loss != LOSS_LOGISTIC) {
        diags_add(diags, source_file, 0, 0, "arm '%s': model logistic goes with loss logistic",
                  arm);
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

/* One diagnostic of the run: its context and where its columns go in the
   experiment's list of diagnostic columns. */
typedef struct {
    const dlx_diagnostic *kind;
    dlx_diag_context ctx;
    int n_columns;
    int *column_index;      /* [n_columns] into the experiment's columns */
    double *values;         /* [n_columns] */
} active_diagnostic;

/* State of the metrics of one run between evaluation points. */
typedef struct {
    const dlx_run_request *req;
    dlx_network *net;
    int classes;
    int steps_per_epoch;
    double objective_sum;   /* regularized minibatch objective since the last eval */
    long objective_count;
    double wall_s;          /* training time so far, evaluation excluded */
    double best_test_loss;  /* regression: best_epoch follows the lowest test loss */
    long rows;              /* metrics rows written so far */
    dlx_run_summary *summary;
    int n_diagnostics;
    active_diagnostic *diagnostics;
    double *diag_row;       /* [diag_columns->count] values of one row */
} run_context;

/* Measure every diagnostic into ctx->diag_row (NAN for columns of other runs). */
static void measure_diagnostics(run_context *c, long step)
{
    int n = c->req->diag_columns ? c->req->diag_columns->count : 0;
    for (int i = 0; i < n; i++)
        c->diag_row[i] = NAN;
    for (int k = 0; k < c->n_diagnostics; k++) {
        active_diagnostic *d = &c->diagnostics[k];
        d->ctx.step = step;
        d->kind->measure(&d->ctx, d->values);
        for (int j = 0; j < d->n_columns; j++)
            if (d->column_index[j] >= 0)
                c->diag_row[d->column_index[j]] = d->values[j];
    }
}

static void diagnostics_free(run_context *c)
{
    for (int k = 0; k < c->n_diagnostics; k++) {
        active_diagnostic *d = &c->diagnostics[k];
        if (d->kind->destroy)
            d->kind->destroy(d->ctx.state);
        free(d->column_index);
        free(d->values);
    }
    free(c->diagnostics);
    free(c->diag_row);
    c->diagnostics = NULL;
    c->diag_row = NULL;
    c->n_diagnostics = 0;
}

/* Create the run's diagnostics and map their columns. */
static dlx_status diagnostics_setup(run_context *c, dlx_diags *diags)
{
    const dlx_config *cfg = c->req->config;
    const dlx_columns *all = c->req->diag_columns;
    dlx_columns *own = malloc(sizeof *own); /* one diagnostic's column names */
    c->diag_row = calloc((size_t)(all && all->count > 0 ? all->count : 1), sizeof *c->diag_row);
    c->diagnostics = calloc((size_t)(cfg->n_diagnostics > 0 ? cfg->n_diagnostics : 1),
                            sizeof *c->diagnostics);
    if (!own || !c->diag_row || !c->diagnostics)
        goto out_of_memory;
    for (int k = 0; k < cfg->n_diagnostics; k++) {
        const dlx_diagnostic *kind = diagnostic_find(cfg->diagnostics[k]);
        if (!kind)
            continue; /* the spec layer accepts only known names */
        active_diagnostic *d = &c->diagnostics[c->n_diagnostics++];
        d->kind = kind;
        d->ctx = (dlx_diag_context){.config = cfg, .net = c->net, .data = c->req->data,
                                     .seed = c->req->seed, .param = cfg->diagnostic_param[k]};
        own->count = 0;
        kind->columns(cfg, own);
        d->n_columns = own->count;
        size_t n = (size_t)(own->count > 0 ? own->count : 1);
        d->column_index = calloc(n, sizeof *d->column_index);
        d->values = calloc(n, sizeof *d->values);
        if (!d->column_index || !d->values)
            goto out_of_memory;
        for (int j = 0; j < own->count; j++)
            d->column_index[j] = all ? columns_find(all, own->names[j]) : -1;
        if (kind->create) {
            dlx_status st = kind->create(&d->ctx, diags);
            if (st != DLX_OK) {
                free(own);
                return st;
            }
        }
    }
    free(own);
    return DLX_OK;
out_of_memory:
    free(own);
    diags_add(diags, NULL, 0, 0, "out of memory for diagnostics");
    return DLX_ERR_RUNTIME;
}

/* Evaluate both splits, write the row to every sink, update the summary. */
static dlx_status evaluate_and_record(run_context *c, long step, double lr, dlx_diags *diags)
{
    const dlx_run_request *req = c->req;
    dlx_eval_result train = evaluate_split(c->net, &req->data->train, c->classes);
    dlx_eval_result test = evaluate_split(c->net, &req->data->test, c->classes);
    double epoch = (double)step / c->steps_per_epoch;
    dlx_metrics_row row = {
        .arm = req->arm, .seed = req->seed, .epoch = epoch, .step = step, .lr = lr,
        .train_loss = train.loss, .train_acc = train.accuracy,
        .test_loss = test.loss, .test_acc = test.accuracy,
        .gen_gap = test.loss - train.loss,
        .has_objective = c->objective_count > 0,
        .objective = c->objective_count > 0 ? c->objective_sum / c->objective_count : NAN,
        .wall_s = c->wall_s,
    };
    c->objective_sum = 0.0;
    c->objective_count = 0;
    measure_diagnostics(c, step);
    int n_diag = req->diag_columns ? req->diag_columns->count : 0;
    for (int i = 0; i < req->n_sinks; i++) {
        dlx_status st = metrics_write_row(req->sinks[i].fp, req->sinks[i].path, &row, n_diag,
                                          c->diag_row, req->n_extra, req->extra_values, diags);
        if (st != DLX_OK)
            return st;
    }
    c->rows++;

    dlx_run_summary *s = c->summary;
    s->final_train_loss = train.loss;
    s->final_test_loss = test.loss;
    s->final_gen_gap = row.gen_gap;
    s->final_train_acc = train.accuracy;
    s->final_test_acc = test.accuracy;
    s->wall_s = c->wall_s;
    if (c->classes > 0) {
        if (isnan(s->best_test_acc) || test.accuracy > s->best_test_acc) {
            s->best_test_acc = test.accuracy;
            s->best_epoch = epoch;
        }
    } else if (isfinite(test.loss) && (isnan(s->best_epoch) || test.loss < c->best_test_loss)) {
        s->best_epoch = epoch;
        c->best_test_loss = test.loss;
    }
    if (!isfinite(train.loss) || !isfinite(test.loss))
        s->status = RUN_DIVERGED;

    if (req->progress) {
        if (c->classes > 0)
            fprintf(stderr, "[%s seed %llu] epoch %-6.4g train_loss %.4f test_loss %.4f test_acc %.4f (%.1f s)\n",
                    req->arm, (unsigned long long)req->seed, epoch, train.loss, test.loss,
                    test.accuracy, c->wall_s);
        else
            fprintf(stderr, "[%s seed %llu] epoch %-6.4g train_loss %.4g test_loss %.4g (%.1f s)\n",
                    req->arm, (unsigned long long)req->seed, epoch, train.loss, test.loss,
                    c->wall_s);
    }
    return DLX_OK;
}

/* Everything a run allocates, freed together. */
typedef struct {
    dlx_network *net;
    dlx_optimizer *opt;
    dlx_batcher batcher;
    dlx_split noisy_train;  /* regularizer.noise_copies: what the batcher draws from */
} run_buffers;

static void run_buffers_free(run_buffers *b)
{
    split_free(&b->noisy_train);
    network_free(b->net);
    optimizer_free(b->opt);
    batcher_free(&b->batcher);
}

/* Build the network for cfg and ds with its initial weights drawn from
   seed (or read from init: {from: ...}); *batch gets the training batch size
   for n_train training examples.
   Errors of the network's own checks are reported against the experiment
   file, at model.hidden when it is written there, and the arm. */
static dlx_status build_network(const dlx_config *cfg, const dlx_dataset *ds,
                                int n_train, const char *source_file, const char *arm,
                                uint64_t seed, dlx_network **net, int *batch, dlx_diags *diags)
{
    int n_outputs = 0;
    dlx_status st = train_output_size(cfg, ds, source_file, arm, &n_outputs, diags);
    if (st != DLX_OK)
        return st;
    *batch = cfg->training.batch_size > 0 && cfg->training.batch_size < n_train
                 ? cfg->training.batch_size : n_train;
    int eval_batch = ds->train.n > ds->test.n ? ds->train.n : ds->test.n;
    if (eval_batch > EVAL_BATCH)
        eval_batch = EVAL_BATCH;
    int max_batch = *batch > eval_batch ? *batch : eval_batch;
    dlx_diags own = {0};
    st = network_create(net, &cfg->model, cfg->loss, ds->train.dim, n_outputs, max_batch, &own);
    for (int i = 0; i < own.count; i++)
        diags_add(diags, source_file, cfg->model.hidden_line, cfg->model.hidden_col,
                  "arm '%s': %s", arm, own.items[i].message);
    diags_free(&own);
    if (st != DLX_OK)
        return st;
    dlx_rng init_rng;
    rng_seed(&init_rng, seed, STREAM_INIT);
    network_init(*net, &init_rng);
    if (cfg->model.init == INIT_FROM_FILE)
        st = checkpoint_load_weights(cfg->model.init_from, *net, diags);
    return st;
}

dlx_status train_check_model(const dlx_config *cfg, const dlx_dataset *ds,
                             const char *source_file, const char *arm, dlx_diags *diags)
{
    dlx_network *net = NULL;
    int batch;
    dlx_status st = build_network(cfg, ds, ds->train.n, source_file, arm, 0, &net, &batch, diags);
    network_free(net);
    return st;
}

/* The network, the optimizer and the batcher of a run. With
   regularizer.noise_copies J the batcher draws from J noisy copies of the
   training split, the noise drawn once from the run's seed (stream
   STREAM_NOISE_COPIES, so --resume redraws the same copies); evaluation, the
   reference and lr: theory keep the clean split, as with per-step noise. */
static dlx_status run_setup(const dlx_run_request *req, run_buffers *b, dlx_diags *diags)
{
    const dlx_config *cfg = req->config;
    const dlx_dataset *ds = req->data;
    const dlx_split *train = &ds->train;
    if (cfg->regularizer.noise_copies > 0) {
        dlx_rng rng;
        rng_seed(&rng, req->seed, STREAM_NOISE_COPIES);
        dlx_status st = noise_copies_split(&b->noisy_train, train, cfg->regularizer.noise_copies,
                                           cfg->regularizer.input_noise, &rng, diags);
        if (st != DLX_OK)
            return st;
        train = &b->noisy_train;
    }
    int batch = 0;
    dlx_status st = build_network(cfg, ds, train->n, req->source_file, req->arm, req->seed, &b->net,
                                  &batch, diags);
    if (st != DLX_OK)
        return st;
    st = optimizer_create(&b->opt, &cfg->optimizer, network_n_params(b->net), diags);
    if (st != DLX_OK)
        return st;
    return batcher_init(&b->batcher, train, batch, cfg->training.shuffle, diags);
}

/* One optimizer step with rate lr on the gathered batch: returns the
   regularized minibatch objective (non-finite when the run diverged; the
   step is then not taken unless training.on_divergence is continue). With
   the SGD family, l1 is a proximal step after the update (prox_l1.h). */
static double train_step(const dlx_config *cfg, run_buffers *b, int B, dlx_train_state *state,
                         dlx_tensor *tensors, int n_tensors, double lr)
{
    const dlx_regularizer_config *reg = &cfg->regularizer;
    dlx_batcher *bt = &b->batcher;
    if (reg->input_noise > 0 && reg->noise_copies == 0)
        regularizer_input_noise(bt->x, (size_t)B * (size_t)bt->split->dim, reg->input_noise,
                                &state->noise_rng);
    double loss = network_forward_train(b->net, bt->x, bt->labels, bt->targets, B,
                                        &state->dropout_rng);
    double objective = loss;
    if (reg->l1 > 0 || reg->l2 > 0)
        objective += regularizer_penalty(reg, tensors, n_tensors);
    if (!isfinite(objective) && cfg->training.on_divergence != DIVERGE_CONTINUE)
        return objective;
    network_backward(b->net);
    bool prox = prox_l1_applies(cfg);
    dlx_regularizer_config smooth = *reg;
    if (prox)
        smooth.l1 = 0.0;
    regularizer_add_gradient(&smooth, tensors, n_tensors);
    optimizer_step(b->opt, network_params(b->net), network_grads(b->net), lr);
    if (prox)
        prox_l1_step(tensors, n_tensors, lr * reg->l1);
    regularizer_project(reg, tensors, n_tensors);
    state->step++;
    return objective;
}

/* Write the run's whole state: `position` examples of the epoch after
   state->epoch are done; `finished` marks a run with nothing left to resume. */
static dlx_status save_checkpoint(const dlx_run_request *req, run_buffers *b,
                                  dlx_train_state *state, const run_context *c, long position,
                                  bool finished, dlx_diags *diags)
{
    if (!req->checkpoint_path)
        return DLX_OK;
    state->position = position;
    state->rows = c->rows;
    state->finished = finished;
    state->wall_s = c->wall_s;
    state->objective_sum = c->objective_sum;
    state->objective_count = c->objective_count;
    state->best_test_loss = c->best_test_loss;
    state->summary = *c->summary;
    state->summary.epochs_done = (int)state->epoch;
    state->summary.wall_s = c->wall_s;
    return checkpoint_save(req->checkpoint_path, b->net, b->opt, state, diags);
}

/* Continue where the checkpoint stopped: weights, optimizer, RNGs, the
   metrics accumulators and the summary as they were (docs/reliability.md). */
static dlx_status resume_from_checkpoint(const dlx_run_request *req, run_buffers *b,
                                         dlx_train_state *state, run_context *c,
                                         dlx_diags *diags)
{
    dlx_status st = checkpoint_load(req->checkpoint_path, b->net, b->opt, state, diags);
    if (st != DLX_OK)
        return st;
    if (state->position > b->batcher.split->n) {
        diags_add(diags, req->checkpoint_path, 0, 0,
                  "checkpoint position %ld is beyond the %d training examples", state->position,
                  b->batcher.split->n);
        return DLX_ERR_INPUT;
    }
    c->rows = state->rows;
    c->wall_s = state->wall_s;
    c->objective_sum = state->objective_sum;
    c->objective_count = state->objective_count;
    c->best_test_loss = state->best_test_loss;
    *c->summary = state->summary;
    return DLX_OK;
}

/* `lr: theory` and `momentum: theory` replaced by their values from the
   curvature of the run's training objective (step_theory.h), in *resolved. */
static dlx_status resolve_step_theory(const dlx_run_request *req, dlx_config *resolved, dlx_diags *diags)
{
    *resolved = *req->config;
    if (!step_theory_needed(&resolved->optimizer))
        return DLX_OK;
    dlx_curvature c;
    dlx_status st = curvature_compute(&c, resolved, req->data, diags);
    if (st == DLX_OK && resolved->optimizer.momentum_rule == MOMENTUM_THEORY && !(c.mu > 0)) {
        diags_add(diags, req->source_file, 0, 0,
                  "arm '%s': optimizer.momentum: theory needs a strongly convex objective, but its smallest "
                  "Hessian eigenvalue is 0 (use momentum: accelerated with nesterov)", req->arm);
        st = DLX_ERR_INPUT;
    }
    if (st == DLX_OK)
        step_theory_apply(&resolved->optimizer, &c);
    return st;
}

/* The run on req->data as it is (train_run draws the bootstrap resample first). */
static dlx_status train_on_data(const dlx_run_request *original, dlx_run_summary *summary,
                                dlx_diags *diags)
{
    *summary = (dlx_run_summary){.status = RUN_OK, .best_test_acc = NAN, .best_epoch = NAN,
                                 .final_train_acc = NAN, .final_test_acc = NAN};
    dlx_config resolved;
    dlx_status st = resolve_step_theory(original, &resolved, diags);
    if (st != DLX_OK)
        return st;
    dlx_run_request resolved_req = *original;
    resolved_req.config = &resolved;
    const dlx_run_request *req = &resolved_req;
    const dlx_config *cfg = req->config;
    run_buffers b = {0};
    st = run_setup(req, &b, diags);
    if (st != DLX_OK) {
        run_buffers_free(&b);
        return st;
    }
    dlx_train_state state = {0};
    rng_seed(&state.shuffle_rng, req->seed, STREAM_SHUFFLE);
    rng_seed(&state.dropout_rng, req->seed, STREAM_DROPOUT);
    rng_seed(&state.noise_rng, req->seed, STREAM_NOISE);
    dlx_tensor *tensors = network_tensors(b.net);
    int n_tensors = network_n_tensors(b.net);
    double lr = schedule_lr(&cfg->optimizer, 0, cfg->training.epochs);
    int eval_every = cfg->training.eval_every;
    run_context ctx = {.req = req, .net = b.net, .classes = req->data->classes,
                       .steps_per_epoch = batcher_steps_per_epoch(&b.batcher), .summary = summary};

    st = diagnostics_setup(&ctx, diags);
    bool resumed = req->resume && st == DLX_OK;
    if (resumed)
        st = resume_from_checkpoint(req, &b, &state, &ctx, diags);
    else if (st == DLX_OK)
        st = evaluate_and_record(&ctx, 0, lr, diags);
    /* on_divergence continue: a diverged run trains on to the end. */
    bool stop_on_divergence = cfg->training.on_divergence != DIVERGE_CONTINUE;
    for (int epoch = (int)state.epoch + 1; st == DLX_OK && epoch <= cfg->training.epochs;
         epoch++) {
        if (summary->status == RUN_INTERRUPTED ||
            (summary->status == RUN_DIVERGED && stop_on_divergence))
            break;
        /* state.shuffle_rng stays as it was before this epoch's shuffle until
           the epoch ends, so that a checkpoint taken mid-epoch can redo it. */
        dlx_rng order_rng = state.shuffle_rng;
        double t_shuffle = now_seconds();
        batcher_start_epoch(&b.batcher, &order_rng);
        ctx.wall_s += now_seconds() - t_shuffle;
        if (resumed)
            b.batcher.position = (int)state.position;
        resumed = false;
        lr = schedule_lr(&cfg->optimizer, epoch - 1, cfg->training.epochs);
        int B;
        while ((B = next_batch_timed(&b.batcher, &ctx.wall_s)) > 0) {
            double t0 = now_seconds();
            double objective = train_step(cfg, &b, B, &state, tensors, n_tensors, lr);
            ctx.wall_s += now_seconds() - t0;
            ctx.objective_sum += objective;
            ctx.objective_count++;
            if (!isfinite(objective)) {
                summary->status = RUN_DIVERGED;
                if (stop_on_divergence)
                    break;
            }
            if (eval_every > 0 && state.step % eval_every == 0) {
                st = evaluate_and_record(&ctx, state.step, lr, diags);
                if (st != DLX_OK || (summary->status == RUN_DIVERGED && stop_on_divergence))
                    break;
            }
            if (train_stop_requested()) {
                /* The checkpoint precedes the interruption's own row, which
                   an uninterrupted run would not have. */
                st = save_checkpoint(req, &b, &state, &ctx, b.batcher.position, false, diags);
                summary->status = RUN_INTERRUPTED;
                break;
            }
        }
        if (st != DLX_OK)
            break;
        /* A row at this step was written by the loop when nothing was
           accumulated since (a non-finite step is not counted in state.step
           but is in objective_count, and needs its own row). */
        bool evaluated_here = eval_every > 0 && state.step % eval_every == 0 &&
                              ctx.objective_count == 0;
        bool last = epoch == cfg->training.epochs;
        /* An evaluation row at every epoch end (eval_every: epoch), at the end
           of training, and where the run stopped (diverged or interrupted). */
        bool stopped = summary->status == RUN_INTERRUPTED ||
                       (summary->status == RUN_DIVERGED && stop_on_divergence);
        if (!evaluated_here && (eval_every == 0 || last || stopped))
            st = evaluate_and_record(&ctx, state.step, lr, diags);
        if (summary->status == RUN_DIVERGED && stop_on_divergence) {
            summary->epochs_done = (int)state.epoch;
            if (st == DLX_OK)
                st = save_checkpoint(req, &b, &state, &ctx, b.batcher.position, true, diags);
            break;
        }
        bool going_on = summary->status != RUN_INTERRUPTED;
        if (going_on) {
            state.epoch = epoch;
            state.shuffle_rng = order_rng;
        }
        summary->epochs_done = (int)state.epoch;
        if (st == DLX_OK && going_on)
            st = save_checkpoint(req, &b, &state, &ctx, 0, last, diags);
        if (summary->status == RUN_INTERRUPTED)
            break;
    }
    summary->epochs_done = (int)state.epoch;
    summary->wall_s = ctx.wall_s;
    diagnostics_free(&ctx);
    run_buffers_free(&b);
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
