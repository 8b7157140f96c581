/*
 * twins.c — the twin runs of the stability diagnostic (see twins.h).
 *
 * Each twin is an ordinary trainer (trainer.c) made silent by its request
 * (req.twin): it writes no rows and no checkpoint and evaluates nothing, and
 * its order, dropout and noise streams come from the pair's order seed
 * instead of the run's seed, while its initial weights still come from the
 * run's seed. So the two runs of a pair differ only in their training sets,
 * and the pairs differ only in their example order (Hardt, Recht & Singer
 * 2016 take the expectation over that order).
 *
 * Memory and time grow linearly in R: 2R models, optimizers and batchers,
 * each the size of the run's, and 2R steps per step of the run. Both are
 * measured (heap bytes allocated while creating the twins, from glibc's
 * mallinfo2; seconds spent stepping them) and written by twins_report.
 *
 * --resume: the twins are not checkpointed. A resumed run recomputes them
 * from step 0 to its checkpoint's step (twins_catch_up); their steps are
 * deterministic, so the columns are byte-identical to an uninterrupted run's.
 */
#include "train/twins.h"
#include "util/real.h"

#include <malloc.h>
#if defined(__SANITIZE_ADDRESS__)
size_t __sanitizer_get_current_allocated_bytes(void); /* libasan's, <sanitizer/allocator_interface.h> */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/split.h"
#include "io/atomic_file.h"
#include "train/trainer.h"

/* Order seeds of the pairs: seed·2³² + 0x5AB1 + k, a stream family no run
   seed below 2³² reaches (the run's streams are seeded by its own seed). */
#define TWIN_SEED_BASE 0x5AB1ull

struct dlx_twins {
    int pairs;
    dlx_config config;        /* the run's resolved config, no diagnostics */
    dlx_dataset neighbour;    /* S' (its test split shared with S, not owned) */
    dlx_trainer **trainers;   /* [2R]: 2k on S, 2k+1 on S' */
    dlx_model **models;       /* [2R] */
    size_t bytes;
    double seconds;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Heap bytes in use: glibc's count, or AddressSanitizer's when its allocator
   replaces glibc's (mallinfo2 then reports nothing). */
static size_t heap_in_use(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
#endif
}

dlx_status twins_neighbour_dataset(dlx_dataset *out, const dlx_dataset *ds, int replace,
                                   bool flip_label, const char *source_file, dlx_diags *diags)
{
    *out = *ds;
    out->train = (dlx_split){0};
    out->spare = (dlx_split){0};
    out->true_weights = NULL;
    out->teacher_first_layer = NULL;
    out->teacher_units = 0;
    if (ds->spare.n < 1) {
        diags_add(diags, source_file, 0, 0,
                  "diagnostic stability needs an example to put in the training set: synthetic "
                  "data, or data.n_train below the number of training examples in the files");
        return DLX_ERR_INPUT;
    }
    if (replace < 0 || replace >= ds->train.n) {
        diags_add(diags, source_file, 0, 0,
                  "diagnostics.stability.replace is %d but the training split has %d examples "
                  "(0 to %d)", replace, ds->train.n, ds->train.n - 1);
        return DLX_ERR_INPUT;
    }
    dlx_status st = split_alloc_like(&out->train, &ds->train, ds->train.n, source_file, diags);
    if (st != DLX_OK)
        return st;
    for (int i = 0; i < ds->train.n; i++)
        split_copy_example(&out->train, i, &ds->train, i);
    split_copy_example(&out->train, replace, &ds->spare, 0);
    if (flip_label && out->train.labels && ds->classes > 0)
        out->train.labels[replace] = (out->train.labels[replace] + 1) % ds->classes;
    else if (flip_label && out->train.targets)
        for (int j = 0; j < out->train.n_targets; j++) {
            real *y = &out->train.targets[(size_t)replace * (size_t)out->train.n_targets + j];
            *y = -*y;
        }
    return DLX_OK;
}

dlx_status twins_check(const dlx_config *cfg, const dlx_dataset *ds, const char *source_file,
                       const char *arm, dlx_diags *diags)
{
    if (cfg->stability.pairs <= 0)
        return DLX_OK;
    dlx_source_pos at = {0, 0};
    for (int k = 0; k < cfg->n_diagnostics; k++)
        if (!strcmp(cfg->diagnostics[k], "stability"))
            at = cfg->places.diagnostics[k];
    const char *problem = NULL;
    char text[200];
    if (ds->spare.n < 1)
        problem = "needs an example to put in the training set: synthetic data, or data.n_train "
                  "below the number of training examples in the files";
    else if (cfg->stability.replace >= ds->train.n) {
        snprintf(text, sizeof text, "replace is %d but the training split has %d examples (0 to %d)",
                 cfg->stability.replace, ds->train.n, ds->train.n - 1);
        problem = text;
    }
    if (!problem)
        return DLX_OK;
    diags_add(diags, source_file, at.line, at.col, "arm '%s': diagnostic stability %s", arm, problem);
    return DLX_ERR_INPUT;
}

dlx_status twins_create(dlx_twins **out, const dlx_run_request *req, const dlx_config *resolved,
                        dlx_diags *diags)
{
    *out = NULL;
    size_t before = heap_in_use();
    dlx_twins *tw = calloc(1, sizeof *tw);
    int R = resolved->stability.pairs;
    if (tw) {
        tw->pairs = R;
        tw->trainers = calloc((size_t)(2 * R), sizeof *tw->trainers);
        tw->models = calloc((size_t)(2 * R), sizeof *tw->models);
    }
    if (!tw || !tw->trainers || !tw->models) {
        twins_free(tw);
        diags_add(diags, NULL, 0, 0, "out of memory for %d twin pairs", R);
        return DLX_ERR_RUNTIME;
    }
    tw->config = *resolved;
    tw->config.n_diagnostics = 0;
    tw->config.stability = (dlx_stability_config){0};
    dlx_status st = twins_neighbour_dataset(&tw->neighbour, req->data, resolved->stability.replace,
                                            resolved->stability.flip_label, req->source_file,
                                            diags);
    for (int i = 0; st == DLX_OK && i < 2 * R; i++) {
        dlx_run_request own = {
            .config = &tw->config, .arm = req->arm, .seed = req->seed,
            .data = i % 2 == 0 ? req->data : &tw->neighbour, .source_file = req->source_file,
            .model_kind = req->model_kind, .twin = true,
            .twin_order_seed = (req->seed << 32) + TWIN_SEED_BASE + (uint64_t)(i / 2),
        };
        st = trainer_create(&tw->trainers[i], &own, diags);
        if (st == DLX_OK)
            st = trainer_begin(tw->trainers[i], diags);
        if (st == DLX_OK)
            tw->models[i] = trainer_model(tw->trainers[i]);
    }
    if (st != DLX_OK) {
        twins_free(tw);
        return st;
    }
    size_t after = heap_in_use();
    tw->bytes = after > before ? after - before : 0;
    *out = tw;
    return DLX_OK;
}

dlx_status twins_step(dlx_twins *tw, dlx_diags *diags)
{
    double t0 = now_seconds();
    dlx_status st = DLX_OK;
    for (int i = 0; st == DLX_OK && i < 2 * tw->pairs; i++)
        st = trainer_advance(tw->trainers[i], diags);
    tw->seconds += now_seconds() - t0;
    return st;
}

dlx_status twins_catch_up(dlx_twins *tw, long step, dlx_diags *diags)
{
    double t0 = now_seconds();
    dlx_status st = DLX_OK;
    for (int i = 0; st == DLX_OK && i < 2 * tw->pairs; i++)
        while (st == DLX_OK && !trainer_done(tw->trainers[i]) &&
               trainer_steps(tw->trainers[i]) < step)
            st = trainer_advance(tw->trainers[i], diags);
    tw->seconds += now_seconds() - t0;
    return st;
}

dlx_model *const *twins_models(dlx_twins *tw, int *pairs)
{
    *pairs = tw->pairs;
    return tw->models;
}

size_t twins_bytes(const dlx_twins *tw) { return tw->bytes; }
double twins_seconds(const dlx_twins *tw) { return tw->seconds; }

dlx_status twins_report(const dlx_twins *tw, const char *path, double run_wall_s,
                        dlx_diags *diags)
{
    char text[512];
    size_t params = tw->pairs > 0 ? model_n_params(tw->models[0]) : 0;
    int n = snprintf(text, sizeof text,
                     "# the twin runs of the stability diagnostic beside this run\n"
                     "pairs: %d\n"
                     "twin_runs: %d\n"
                     "parameters_per_run: %zu\n"
                     "twin_heap_bytes: %zu\n"
                     "twin_seconds: %.3f\n"
                     "run_seconds: %.3f\n",
                     tw->pairs, 2 * tw->pairs, params, tw->bytes, tw->seconds, run_wall_s);
    if (n < 0 || (size_t)n >= sizeof text) {
        diags_add(diags, path, 0, 0, "twin report too long");
        return DLX_ERR_RUNTIME;
    }
    dlx_atomic_file af;
    dlx_status st = atomic_open(&af, path, diags);
    if (st != DLX_OK)
        return st;
    if (fwrite(text, 1, (size_t)n, af.fp) != (size_t)n) {
        atomic_abort(&af);
        diags_add(diags, path, 0, 0, "cannot write the twin report");
        return DLX_ERR_RUNTIME;
    }
    return atomic_commit(&af, diags);
}

void twins_free(dlx_twins *tw)
{
    if (!tw)
        return;
    for (int i = 0; tw->trainers && i < 2 * tw->pairs; i++)
        trainer_free(tw->trainers[i]);
    free(tw->trainers);
    free(tw->models);
    split_free(&tw->neighbour.train);
    free(tw);
}
