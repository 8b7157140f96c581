/*
 * trainer.c — one run's training, one optimizer step at a time (see trainer.h).
 *
 * A dlx_trainer owns everything a run allocates (the model, the optimizer,
 * the batcher, the diagnostics' buffers), all sized in trainer_create: the
 * steps allocate nothing. trainer_advance takes exactly one optimizer step
 * and does what falls at that step: the shuffle when an epoch starts, the
 * evaluation rows at eval_every and at the epoch's end, the checkpoint at the
 * epoch's end, and the stop after a divergence or an interruption. So a run
 * is `create; begin; while (!done) advance; finish`, two trainers can advance
 * in lockstep, and a caller can act between any two steps.
 *
 * Random streams: every run seeds its generators from its own seed only, one
 * stream per purpose, so an arm's initial weights and data order are the same
 * across arms with the same seed (paired comparisons), and no result depends
 * on how many runs execute at once.
 */
#include "train/trainer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/dropout_copies.h"
#include "data/noise_copies.h"
#include "data/split.h"
#include "optim/optimizer.h"
#include "optim/prox_l1.h"
#include "optim/regularizer.h"
#include "optim/schedule.h"
#include "solvers/step_theory.h"
#include "train/batcher.h"
#include "train/checkpoint.h"
#include "train/evaluate.h"
#include "train/grow_rank.h"
#include "train/metrics.h"
#include "train/tensor_lift.h"
#include "train/twins.h"

enum { STREAM_INIT = 1, STREAM_SHUFFLE = 2, STREAM_DROPOUT = 3, STREAM_NOISE = 4,
       STREAM_NOISE_COPIES = 6, STREAM_DROPOUT_COPIES = 7,
       STREAM_TENSOR_LIFT = 8 };   /* the power method's starting points */

/* Seconds between two epoch-end checkpoints (the last epoch, an
   interruption and a divergence always write one). */
#define CHECKPOINT_INTERVAL_S 2.0

/* Largest batch used for evaluation: large enough for efficient GEMMs,
   small enough to keep activation buffers modest. */
#define EVAL_BATCH 1024

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
    dlx_model *model;
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
    dlx_model *const *twins; /* the stability diagnostic's twin models, or NULL */
    int n_twin_pairs;
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
        d->ctx = (dlx_diag_context){.config = cfg, .model = c->model, .data = c->req->data,
                                     .seed = c->req->seed, .param = cfg->diagnostic_param[k],
                                     .twins = c->twins, .n_twin_pairs = c->n_twin_pairs};
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
    if (req->twin)
        return DLX_OK;   /* a twin is measured by its run's stability diagnostic */
    dlx_eval_result train = evaluate_split(c->model, &req->data->train, c->classes);
    dlx_eval_result test = evaluate_split(c->model, &req->data->test, c->classes);
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
    if (req->on_eval)
        req->on_eval(req->on_eval_ctx, epoch, test.loss, test.accuracy);
    return DLX_OK;
}

/* Everything a run allocates, freed together. */
typedef struct {
    dlx_model model;
    dlx_optimizer *opt;
    dlx_batcher batcher;
    dlx_split noisy_train;  /* regularizer.noise_copies or dropout_copies: what the batcher draws from */
} run_buffers;

static void run_buffers_free(run_buffers *b)
{
    split_free(&b->noisy_train);
    model_free(&b->model);
    optimizer_free(b->opt);
    batcher_free(&b->batcher);
}

/* The shape a run's model is built for; *batch gets the training batch. */
static dlx_model_shape model_shape_of(const dlx_config *cfg, const dlx_dataset *ds, int n_train,
                                      int n_outputs, int *batch)
{
    *batch = cfg->training.batch_size > 0 && cfg->training.batch_size < n_train
                 ? cfg->training.batch_size : n_train;
    int eval_batch = ds->train.n > ds->test.n ? ds->train.n : ds->test.n;
    if (eval_batch > EVAL_BATCH)
        eval_batch = EVAL_BATCH;
    return (dlx_model_shape){.n_inputs = ds->train.dim, .n_outputs = n_outputs,
                             .max_batch = *batch > eval_batch ? *batch : eval_batch,
                             .rows = ds->train.rows, .cols = ds->train.cols, .n_train = n_train};
}

/* Build the model of cfg for ds (for n_train training examples) with its
   initial weights drawn from req->seed (or read from init: {from: ...});
   *batch gets the training batch size. Errors of the model's own checks are
   reported against the experiment file, at model.hidden when it is written
   there, and the arm. */
dlx_status trainer_build_model(const dlx_config *cfg, const dlx_dataset *ds, int n_train,
                               const dlx_run_request *req, dlx_model *model, int *batch,
                               dlx_diags *diags)
{
    int n_outputs = 0;
    dlx_status st = train_output_size(cfg, ds, req->source_file, req->arm, &n_outputs, diags);
    if (st != DLX_OK)
        return st;
    dlx_model_shape shape = model_shape_of(cfg, ds, n_train, n_outputs, batch);
    dlx_diags own = {0};
    st = req->model_kind ? model_create_kind(model, req->model_kind, cfg, &shape, &own)
                         : model_create(model, cfg, &shape, &own);
    for (int i = 0; i < own.count; i++)
        diags_add(diags, req->source_file, cfg->model.hidden_line, cfg->model.hidden_col,
                  "arm '%s': %s", req->arm, own.items[i].message);
    diags_free(&own);
    if (st != DLX_OK)
        return st;
    dlx_rng init_rng;
    rng_seed(&init_rng, req->seed, STREAM_INIT);
    model_init(model, &init_rng);
    if (cfg->model.init == INIT_FROM_FILE) {
        const char *converted = NULL;
        st = checkpoint_load_weights(cfg->model.init_from, model, &converted, diags);
        if (st == DLX_OK && converted && req->checking) /* SPEC §10: either type, said so */
            fprintf(stderr, "dlx: note: %s: %s tensors converted to %s for arm '%s'\n",
                    cfg->model.init_from, converted, REAL_PRECISION_NAME, req->arm);
    }
    return st;
}
/* The model, the optimizer and the batcher of a run. With
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
    /* regularizer.dropout_copies J: the batcher draws from J masked copies
       (stream STREAM_DROPOUT_COPIES), and the model, told that its inputs
       are masked already, draws no input mask of its own in training; its
       evaluation (test-time scaling included) is unchanged. */
    dlx_config masked_inputs;
    if (cfg->regularizer.dropout_copies > 0) {
        dlx_rng rng;
        rng_seed(&rng, req->seed, STREAM_DROPOUT_COPIES);
        dlx_status st = dropout_copies_split(&b->noisy_train, train, cfg->regularizer.dropout_copies,
                                             cfg->model.dropout_input, cfg->model.dropout_scaling,
                                             &rng, diags);
        if (st != DLX_OK)
            return st;
        train = &b->noisy_train;
        masked_inputs = *cfg;
        masked_inputs.model.dropout_input_in_data = true;
        cfg = &masked_inputs;
    }
    int batch = 0;
    dlx_status st = trainer_build_model(cfg, ds, train->n, req, &b->model, &batch, diags);
    if (st != DLX_OK)
        return st;
    st = optimizer_create(&b->opt, &cfg->optimizer, model_n_params(&b->model), diags);
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
    dlx_batch batch = batcher_batch(bt, B);
    double loss = model_forward_train(&b->model, &batch, &state->dropout_rng);
    double objective = loss;
    if (reg->l1 > 0 || reg->l2 > 0)
        objective += regularizer_penalty(reg, tensors, n_tensors);
    if (reg->product > 0)
        objective += model_product_penalty(&b->model, reg->product, false);
    if (!isfinite(objective) && cfg->training.on_divergence != DIVERGE_CONTINUE)
        return objective;
    model_backward(&b->model);
    bool prox = prox_l1_applies(cfg);
    dlx_regularizer_config smooth = *reg;
    if (prox)
        smooth.l1 = 0.0;
    regularizer_add_gradient(&smooth, tensors, n_tensors);
    if (reg->product > 0)
        model_product_penalty(&b->model, reg->product, true);
    optimizer_step(b->opt, model_params(&b->model), model_grads(&b->model), lr);
    if (prox)
        prox_l1_step(tensors, n_tensors, lr * reg->l1);
    regularizer_project(reg, tensors, n_tensors);
    state->step++;
    return objective;
}

/* The diagnostics' resumable state (diagnostic_saved_state) as one list
   of at most max tensors; returns their count. */
static int diagnostics_saved_state(const run_context *c, dlx_tensor *out, int max)
{
    int n = 0;
    for (int k = 0; k < c->n_diagnostics; k++) {
        const active_diagnostic *d = &c->diagnostics[k];
        int count = 0;
        dlx_tensor *t = diagnostic_saved_state(d->kind, d->ctx.state, &count);
        for (int i = 0; t && i < count && n < max; i++)
            out[n++] = t[i];
    }
    return n;
}

enum { MAX_SAVED_STATE = 2 * DLX_MAX_DIAGNOSTICS };

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
    dlx_tensor extra[MAX_SAVED_STATE];
    int n_extra = diagnostics_saved_state(c, extra, MAX_SAVED_STATE);
    return checkpoint_save(req->checkpoint_path, &b->model, b->opt, extra, n_extra, state, diags);
}

/* Continue where the checkpoint stopped: weights, optimizer, RNGs, the
   metrics accumulators and the summary as they were (docs/reliability.md). */
static dlx_status resume_from_checkpoint(const dlx_run_request *req, run_buffers *b,
                                         dlx_train_state *state, run_context *c,
                                         dlx_diags *diags)
{
    dlx_tensor extra[MAX_SAVED_STATE];
    int n_extra = diagnostics_saved_state(c, extra, MAX_SAVED_STATE);
    dlx_status st = checkpoint_load(req->checkpoint_path, &b->model, b->opt, extra, n_extra, state,
                                    diags);
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

struct dlx_trainer {
    dlx_config config;        /* the run's config with lr/momentum: theory resolved */
    dlx_run_request req;      /* the caller's request, pointing at config */
    run_buffers b;
    dlx_train_state state;
    run_context ctx;
    dlx_run_summary summary;
    dlx_tensor *tensors;
    int n_tensors;
    double lr;                /* the rate of the epoch in progress */
    bool stop_on_divergence;  /* on_divergence stop or fail: a diverged run ends */
    int epoch;                /* the epoch in progress (1-based); 0 between epochs */
    dlx_rng order_rng;        /* the shuffle RNG after this epoch's shuffle */
    bool resumed;             /* begun from a checkpoint, first epoch not yet started */
    bool done;
    double last_checkpoint;   /* monotonic time of the last epoch-end checkpoint */
    dlx_twins *twins;         /* diagnostic stability: the twin pairs, or NULL */
};

static bool run_stopped(const dlx_trainer *t)
{
    return t->summary.status == RUN_INTERRUPTED ||
           (t->summary.status == RUN_DIVERGED && t->stop_on_divergence);
}

dlx_status trainer_create(dlx_trainer **out, const dlx_run_request *req, dlx_diags *diags)
{
    *out = NULL;
    dlx_trainer *t = calloc(1, sizeof *t);
    if (!t) {
        diags_add(diags, NULL, 0, 0, "out of memory for a run");
        return DLX_ERR_RUNTIME;
    }
    t->summary = (dlx_run_summary){.status = RUN_OK, .best_test_acc = NAN, .best_epoch = NAN,
                                   .final_train_acc = NAN, .final_test_acc = NAN};
    t->req = *req;
    dlx_status st = resolve_step_theory(req, &t->config, diags);
    t->req.config = &t->config;
    const dlx_grow_rank_config *grow = &t->config.training.grow_rank;
    if (st == DLX_OK && grow->enabled) {
        t->config.model.rank = grow->start;
        if (req->resume && req->checkpoint_path)
            st = grow_rank_of_checkpoint(req->checkpoint_path, &t->config.model.rank, diags);
    }
    if (st == DLX_OK)
        st = run_setup(&t->req, &t->b, diags);
    if (st != DLX_OK) {
        trainer_free(t);
        return st;
    }
    const dlx_config *cfg = &t->config;
    /* A twin draws its order and training noise from its pair's seed. */
    uint64_t order_seed = req->twin ? req->twin_order_seed : req->seed;
    rng_seed(&t->state.shuffle_rng, order_seed, STREAM_SHUFFLE);
    rng_seed(&t->state.dropout_rng, order_seed, STREAM_DROPOUT);
    rng_seed(&t->state.noise_rng, order_seed, STREAM_NOISE);
    t->tensors = model_tensors(&t->b.model, &t->n_tensors);
    t->lr = schedule_lr(&cfg->optimizer, 0, cfg->training.epochs);
    t->stop_on_divergence = cfg->training.on_divergence != DIVERGE_CONTINUE;
    t->ctx = (run_context){.req = &t->req, .model = &t->b.model, .classes = req->data->classes,
                           .steps_per_epoch = batcher_steps_per_epoch(&t->b.batcher),
                           .summary = &t->summary};
    if (cfg->training.method == TRAIN_TENSOR_LIFT)
        t->ctx.steps_per_epoch = 1;   /* the fit is the one step of the one epoch */
    if (!req->twin && cfg->stability.pairs > 0) {
        st = twins_create(&t->twins, &t->req, cfg, diags);
        if (st != DLX_OK) {
            trainer_free(t);
            return st;
        }
        t->ctx.twins = twins_models(t->twins, &t->ctx.n_twin_pairs);
    }
    st = diagnostics_setup(&t->ctx, diags);
    if (st != DLX_OK) {
        trainer_free(t);
        return st;
    }
    t->last_checkpoint = now_seconds();
    *out = t;
    return DLX_OK;
}

dlx_status trainer_begin(dlx_trainer *t, dlx_diags *diags)
{
    dlx_status st;
    if (t->req.resume) {
        st = resume_from_checkpoint(&t->req, &t->b, &t->state, &t->ctx, diags);
        t->resumed = st == DLX_OK;
        if (st == DLX_OK && t->twins)
            st = twins_catch_up(t->twins, t->state.step, diags);
    } else {
        st = evaluate_and_record(&t->ctx, 0, t->lr, diags);
    }
    if (st != DLX_OK)
        t->done = true;
    return st;
}

/* Shuffle for the next epoch, or mark the run done when none is left.
   state.shuffle_rng stays as it was before this epoch's shuffle until the
   epoch ends, so that a checkpoint taken mid-epoch can redo it. */
static void start_epoch(dlx_trainer *t)
{
    int epoch = (int)t->state.epoch + 1;
    if (epoch > t->config.training.epochs || run_stopped(t)) {
        t->done = true;
        return;
    }
    t->epoch = epoch;
    t->order_rng = t->state.shuffle_rng;
    double t_shuffle = now_seconds();
    batcher_start_epoch(&t->b.batcher, &t->order_rng);
    t->ctx.wall_s += now_seconds() - t_shuffle;
    if (t->resumed)
        t->b.batcher.position = (int)t->state.position;
    t->resumed = false;
    t->lr = schedule_lr(&t->config.optimizer, epoch - 1, t->config.training.epochs);
}

/* grow_rank's decision at the end of a phase: append a column and rebuild
   what depends on the model's size (the optimizer's state afresh, the
   diagnostics' buffers), or, when the certificate holds or the rank is at
   its maximum, end the run (*last). */
static dlx_status grow_or_stop(dlx_trainer *t, bool *last, dlx_diags *diags)
{
    dlx_config *cfg = &t->config;
    const dlx_grow_rank_config *g = &cfg->training.grow_rank;
    const dlx_split *train = &t->req.data->train;
    double lambda = cfg->regularizer.product > 0 ? cfg->regularizer.product : cfg->regularizer.l2;
    double *u = malloc(((size_t)train->rows + train->cols + 2) * sizeof *u);
    if (!u) {
        diags_add(diags, NULL, 0, 0, "out of memory for grow_rank");
        return DLX_ERR_RUNTIME;
    }
    double ratio = 0;
    dlx_status st = grow_rank_certificate(&t->b.model, train, lambda, &ratio, u, u + train->rows,
                                          diags);
    if (st == DLX_OK && (!(ratio > 1.0 + g->tol) || cfg->model.rank >= g->max)) {
        *last = true;
        t->done = true;
    } else if (st == DLX_OK) {
        int n_outputs = 0, batch = 0;
        st = train_output_size(cfg, t->req.data, t->req.source_file, t->req.arm, &n_outputs, diags);
        dlx_model_shape shape = model_shape_of(cfg, t->req.data, t->b.batcher.split->n, n_outputs,
                                               &batch);
        if (st == DLX_OK)
            st = grow_rank_append(&t->b.model, cfg, &shape, u, u + train->rows, diags);
        if (st == DLX_OK) {
            optimizer_free(t->b.opt);
            t->b.opt = NULL;
            t->state.optimizer_start = t->state.step;
            st = optimizer_create(&t->b.opt, &cfg->optimizer, model_n_params(&t->b.model), diags);
        }
        if (st == DLX_OK) {
            t->tensors = model_tensors(&t->b.model, &t->n_tensors);
            diagnostics_free(&t->ctx);
            st = diagnostics_setup(&t->ctx, diags);
        }
    }
    free(u);
    return st;
}

/* What the twin runs cost, written beside the checkpoint (twins.yaml) and,
   with progress, on stderr. */
static dlx_status report_twins(const dlx_trainer *t, dlx_diags *diags)
{
    const dlx_run_request *req = &t->req;
    if (req->progress)
        fprintf(stderr, "[%s seed %llu] stability: %d twin pairs, %.1f MiB, %.2f s (the run: %.2f s)\n",
                req->arm, (unsigned long long)req->seed, t->config.stability.pairs,
                (double)twins_bytes(t->twins) / (1024.0 * 1024.0), twins_seconds(t->twins),
                t->ctx.wall_s);
    if (!req->checkpoint_path)
        return DLX_OK;
    char path[DLX_PATH_MAX + 16];
    const char *slash = strrchr(req->checkpoint_path, '/');
    int dir = slash ? (int)(slash - req->checkpoint_path) : 0;
    snprintf(path, sizeof path, "%.*s%stwins.yaml", dir, req->checkpoint_path, slash ? "/" : "");
    return twins_report(t->twins, path, t->ctx.wall_s, diags);
}

/* The end of the epoch in progress: its evaluation row (unless the last step
   wrote one), the epoch count and the checkpoint; the run is done when it
   stopped or this was the last epoch. */
static dlx_status end_epoch(dlx_trainer *t, dlx_diags *diags)
{
    const dlx_config *cfg = &t->config;
    dlx_train_state *state = &t->state;
    dlx_run_summary *summary = &t->summary;
    int eval_every = cfg->training.eval_every;
    int epoch = t->epoch;
    t->epoch = 0;
    /* A row at this step was written by the last step when nothing was
       accumulated since (a non-finite step is not counted in state.step but
       is in objective_count, and needs its own row). */
    bool evaluated_here = eval_every > 0 && state->step % eval_every == 0 &&
                          t->ctx.objective_count == 0;
    bool last = epoch == cfg->training.epochs;
    bool grow_due = grow_rank_due(&cfg->training.grow_rank, epoch);
    /* An evaluation row at every epoch end (eval_every: epoch), at the end of
       training, where the run stopped (diverged or interrupted), and where
       grow_rank decides. */
    dlx_status st = DLX_OK;
    if (!evaluated_here && (eval_every == 0 || last || grow_due || run_stopped(t)))
        st = evaluate_and_record(&t->ctx, state->step, t->lr, diags);
    if (summary->status == RUN_DIVERGED && t->stop_on_divergence) {
        summary->epochs_done = (int)state->epoch;
        if (st == DLX_OK)
            st = save_checkpoint(&t->req, &t->b, state, &t->ctx, t->b.batcher.position, true, diags);
        t->done = true;
        return st;
    }
    bool going_on = summary->status != RUN_INTERRUPTED;
    if (going_on) {
        state->epoch = epoch;
        state->shuffle_rng = t->order_rng;
    }
    summary->epochs_done = (int)state->epoch;
    if (st == DLX_OK && going_on && grow_due && !last)
        st = grow_or_stop(t, &last, diags);
    /* Epoch-end checkpoints at most every CHECKPOINT_INTERVAL_S seconds, and
       always at the end: a resume from an older one redoes the same epochs
       and rows (the run is deterministic), so thousands of short epochs do
       not spend their time in fsync. */
    double now = now_seconds();
    if (st == DLX_OK && going_on && (last || now - t->last_checkpoint >= CHECKPOINT_INTERVAL_S)) {
        st = save_checkpoint(&t->req, &t->b, state, &t->ctx, 0, last, diags);
        t->last_checkpoint = now;
    }
    if (st == DLX_OK && last && t->twins)
        st = report_twins(t, diags);
    if (summary->status == RUN_INTERRUPTED || st != DLX_OK || last)
        t->done = true;
    return st;
}

/* training.method tensor_lift: the whole fit as the run's one step and
   epoch (tensor_lift.h), timed into wall_s, then its evaluation row (epoch
   1, step 1) and the final checkpoint. A run resumed from that checkpoint
   has nothing left to do. */
static dlx_status lift_advance(dlx_trainer *t, dlx_diags *diags)
{
    t->done = true;
    if (t->state.epoch >= 1 || run_stopped(t))
        return DLX_OK;
    dlx_rng rng;
    rng_seed(&rng, t->req.seed, STREAM_TENSOR_LIFT);
    double t0 = now_seconds();
    dlx_status st = tensor_lift_fit(&t->b.model, t->b.batcher.split, t->config.model.activation, &rng, NULL,
                                    diags);
    t->ctx.wall_s += now_seconds() - t0;
    if (st != DLX_OK)
        return st;
    t->state.step = 1;
    t->state.optimizer_start = 1;   /* the fit is the step; the optimizer took none */
    t->state.epoch = 1;
    t->summary.epochs_done = 1;
    st = evaluate_and_record(&t->ctx, t->state.step, t->lr, diags);
    if (st == DLX_OK)
        st = save_checkpoint(&t->req, &t->b, &t->state, &t->ctx, 0, true, diags);
    return st;
}

dlx_status trainer_advance(dlx_trainer *t, dlx_diags *diags)
{
    if (t->done)
        return DLX_OK;
    if (t->config.training.method == TRAIN_TENSOR_LIFT)
        return lift_advance(t, diags);
    if (t->epoch == 0) {
        start_epoch(t);
        if (t->done)
            return DLX_OK;
    }
    run_context *ctx = &t->ctx;
    int B = next_batch_timed(&t->b.batcher, &ctx->wall_s);
    if (B == 0)
        return end_epoch(t, diags);
    double t0 = now_seconds();
    double objective = train_step(&t->config, &t->b, B, &t->state, t->tensors, t->n_tensors, t->lr);
    ctx->wall_s += now_seconds() - t0;
    ctx->objective_sum += objective;
    ctx->objective_count++;
    if (t->twins) {   /* the twins take the same step before anything is measured */
        dlx_status st = twins_step(t->twins, diags);
        if (st != DLX_OK) {
            t->done = true;
            return st;
        }
    }
    if (!isfinite(objective)) {
        t->summary.status = RUN_DIVERGED;
        if (t->stop_on_divergence)
            return end_epoch(t, diags);
    }
    int eval_every = t->config.training.eval_every;
    if (eval_every > 0 && t->state.step % eval_every == 0) {
        dlx_status st = evaluate_and_record(ctx, t->state.step, t->lr, diags);
        if (st != DLX_OK) {
            t->done = true;
            return st;
        }
        if (t->summary.status == RUN_DIVERGED && t->stop_on_divergence)
            return end_epoch(t, diags);
    }
    if (train_stop_requested()) {
        /* The checkpoint precedes the interruption's own row, which an
           uninterrupted run would not have. */
        dlx_status st = save_checkpoint(&t->req, &t->b, &t->state, ctx, t->b.batcher.position,
                                        false, diags);
        t->summary.status = RUN_INTERRUPTED;
        if (st != DLX_OK) {
            t->done = true;
            return st;
        }
        return end_epoch(t, diags);
    }
    if (t->b.batcher.position >= t->b.batcher.split->n)
        return end_epoch(t, diags);
    return DLX_OK;
}

bool trainer_done(const dlx_trainer *t) { return t->done; }

long trainer_steps(const dlx_trainer *t) { return t->state.step; }

dlx_model *trainer_model(dlx_trainer *t) { return &t->b.model; }

const dlx_run_summary *trainer_summary(const dlx_trainer *t) { return &t->summary; }

void trainer_finish(dlx_trainer *t, dlx_run_summary *summary)
{
    t->summary.epochs_done = (int)t->state.epoch;
    t->summary.wall_s = t->ctx.wall_s;
    *summary = t->summary;
}

void trainer_free(dlx_trainer *t)
{
    if (!t)
        return;
    diagnostics_free(&t->ctx);
    twins_free(t->twins);
    run_buffers_free(&t->b);
    free(t);
}
