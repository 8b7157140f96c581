/*
 * fuzz_checkpoint.c — checkpoint checks (src/train/checkpoint.c): bytes → a
 * file → checkpoint_read_state, checkpoint_validate against a fixed small
 * experiment (EXPERIMENT below, the one tests/fuzz/checkpoint/seeds were
 * written by) and checkpoint_load into that experiment's mlp and optimizer.
 * Any input is accepted or refused with diagnostics, never a crash; a state
 * that passes both checks must hold the invariants --resume relies on, and a
 * loaded network and optimizer state must be finite, or the harness aborts.
 *
 * The seeds: the two checkpoints `dlx run` of EXPERIMENT writes (seeds 1 and
 * 2, finished), and three made from them by tests/reliability/edit_checkpoint.py
 * with the metadata of other accepted states (a run at the end of epoch 1, a
 * signal mid-epoch 2, a divergence in epoch 2 with a NaN weight).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "models/model.h"
#include "optim/optimizer.h"
#include "spec/experiment.h"
#include "train/checkpoint.h"

static const char EXPERIMENT[] =
    "experiment: ckpt\n"
    "seeds: 2\n"
    "data: {source: synthetic, kind: gaussian_mixture, n_train: 60, n_test: 20, dim: 3,\n"
    "       classes: 3, separation: 3.0, seed: 1}\n"
    "model: {type: mlp, hidden: [4], activation: relu, batch_norm: true}\n"
    "optimizer: {type: momentum, lr: 0.05}\n"
    "training: {epochs: 3, batch_size: 20}\n";
#define N_TRAIN 60L
#define BATCH 20L

static dlx_config config;
static int have_config;

/* The arm of EXPERIMENT, loaded once; aborts when it does not load (a change
   of the experiment schema that this harness must follow). */
static const dlx_config *experiment_config(void)
{
    if (have_config)
        return &config;
    dlx_experiment *exp = calloc(1, sizeof *exp);
    dlx_sweep sweep = {0};
    dlx_diags d = {0};
    if (!exp || experiment_load_string(exp, &sweep, EXPERIMENT, sizeof EXPERIMENT - 1,
                                       "ckpt.yaml", NULL, -1, NULL, &d) != DLX_OK) {
        diags_print(&d, stderr);
        abort();
    }
    config = exp->arms[0].config;
    have_config = 1;
    diags_free(&d);
    free(exp);
    return &config;
}

/* Abort with a message: an accepted checkpoint broke an invariant. */
static void broken(const char *what, long value)
{
    fprintf(stderr, "accepted checkpoint breaks an invariant: %s (%ld)\n", what, value);
    abort();
}

/* The invariants of a state that checkpoint_read_state and
   checkpoint_validate both accepted, for EXPERIMENT. */
static void check_state(const dlx_config *cfg, const dlx_train_state *s)
{
    long epochs = cfg->training.epochs, per_epoch = (N_TRAIN + BATCH - 1) / BATCH;
    if (s->epoch < 0 || s->epoch > epochs)
        broken("epoch within training.epochs", s->epoch);
    if (s->position < 0 || s->position > N_TRAIN)
        broken("position within one epoch", s->position);
    long expected = s->epoch * per_epoch + (s->position + BATCH - 1) / BATCH;
    bool diverged = s->summary.status == RUN_DIVERGED;
    if (s->step != expected && !(diverged && s->step == expected - 1))
        broken("step = epoch x steps per epoch + steps of position", s->step);
    if (s->rows < 1 || s->rows > 1 + s->epoch + 2)
        broken("rows within the evaluation schedule", s->rows);
    if (s->summary.epochs_done != s->epoch)
        broken("summary.epochs_done = epoch", s->summary.epochs_done);
    if (s->finished && s->summary.status == RUN_OK && (s->epoch != epochs || s->position))
        broken("a finished ok run at its last epoch's end", s->epoch);
    if (!s->finished && s->epoch >= epochs)
        broken("an unfinished run before its last epoch", s->epoch);
    if (!diverged && !isfinite(s->objective_sum))
        broken("objective_sum finite", 0);
}

/* Abort unless every value of n floats is finite. */
static void check_finite(const float *v, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            broken(what, (long)i);
}

/* checkpoint_load into EXPERIMENT's network and optimizer; an accepted
   checkpoint of a run that did not diverge must give finite tensors. */
static void load_into_model(const char *path, const dlx_config *cfg)
{
    dlx_model model = {0};
    dlx_optimizer *opt = NULL;
    dlx_diags d = {0};
    dlx_model_shape shape = {.n_inputs = 3, .n_outputs = 3, .max_batch = (int)N_TRAIN,
                             .n_train = N_TRAIN};
    if (model_create(&model, cfg, &shape, &d) != DLX_OK ||
        optimizer_create(&opt, &cfg->optimizer, model_n_params(&model), &d) != DLX_OK) {
        diags_print(&d, stderr);
        abort();
    }
    dlx_train_state state = {0};
    if (checkpoint_load(path, &model, opt, NULL, 0, &state, &d) == DLX_OK &&
        state.summary.status != RUN_DIVERGED) {
        int n = model_n_tensors(&model);
        for (int i = 0; i < n; i++) {
            dlx_tensor *t = model_tensor(&model, i);
            check_finite(t->data, tensor_numel(t), "network tensors finite");
        }
        for (int s = 0; s < optimizer_n_state(opt); s++) {
            const char *name = NULL;
            check_finite(optimizer_state(opt, s, &name), model_n_params(&model),
                         "optimizer state finite");
        }
    }
    diags_free(&d);
    optimizer_free(opt);
    model_free(&model);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const dlx_config *cfg = experiment_config();
    const char *path = fuzz_write_file(data, size, ".safetensors");
    if (!path)
        return 0;
    dlx_train_state state = {0};
    dlx_diags d = {0};
    if (checkpoint_read_state(path, &state, &d) == DLX_OK &&
        checkpoint_validate(path, cfg, N_TRAIN, &state, &d) == DLX_OK)
        check_state(cfg, &state);
    diags_free(&d);
    load_into_model(path, cfg);
    return 0;
}
