/*
 * twins.h — the twin runs of the stability diagnostic (SPEC §8).
 *
 *   twins_create(&tw, req, resolved_config, diags)   2R trainers, weights drawn
 *   twins_step(tw, diags)                            every twin one optimizer step
 *   twins_catch_up(tw, step, diags)                  --resume: recompute to `step`
 *   twins_models(tw, &pairs)                         what the diagnostic measures
 *   twins_report(tw, path, run_wall_s, diags)        memory and time, as YAML
 *   twins_free(tw)
 *
 * Pair k is a run on S and a run on S' (S with example `replace` put in the
 * place of the spare example of the data, its label changed with
 * flip_label), both with the run's initial weights and the same order seed,
 * derived from the run's seed and k. The run's trainer steps them in
 * lockstep with its own steps, so they stand at the run's step at each of its
 * evaluation points.
 */
#ifndef DLX_TRAIN_TWINS_H
#define DLX_TRAIN_TWINS_H

#include "data/dataset.h"
#include "models/model.h"
#include "train/run.h"
#include "util/diag.h"

typedef struct dlx_twins dlx_twins;

/* The training set S' of the twin runs: a copy of ds whose training example
   `replace` is ds->spare's example (its label moved to the next class, or its
   target negated, with flip_label). Refuses data without a spare example and
   an index outside the training split, on source_file. */
dlx_status twins_neighbour_dataset(dlx_dataset *out, const dlx_dataset *ds, int replace,
                                   bool flip_label, const char *source_file, dlx_diags *diags);

/* Before anything runs (train_check_model): when cfg lists stability, ds
   has a spare example and `replace` is inside its training split; errors at
   the diagnostic's item in the experiment file, with the arm. */
dlx_status twins_check(const dlx_config *cfg, const dlx_dataset *ds, const char *source_file,
                       const char *arm, dlx_diags *diags);

/* The 2R twin trainers of req's run (R = config->stability.pairs), from the
   run's config with lr/momentum: theory already resolved (so both twins use
   the run's steps), without diagnostics of their own. */
dlx_status twins_create(dlx_twins **out, const dlx_run_request *req, const dlx_config *resolved,
                        dlx_diags *diags);

/* One optimizer step of every twin that is not done. */
dlx_status twins_step(dlx_twins *tw, dlx_diags *diags);

/* Step every twin until it has taken `step` optimizer steps: a resumed run
   recomputes its twins from their start, exactly (the steps are
   deterministic), instead of storing 2R checkpoints. */
dlx_status twins_catch_up(dlx_twins *tw, long step, dlx_diags *diags);

/* The models of the pairs: [2k] on S, [2k+1] on S'; *pairs gets R. */
dlx_model *const *twins_models(dlx_twins *tw, int *pairs);

/* Write what the twins cost to path (YAML): pairs, twin runs, parameters per
   run, heap bytes the twins allocated, seconds spent stepping them, and the
   run's own training seconds, for comparison. */
dlx_status twins_report(const dlx_twins *tw, const char *path, double run_wall_s,
                        dlx_diags *diags);

/* Heap bytes the twins allocated (glibc's count at creation) and seconds
   spent stepping and recomputing them. */
size_t twins_bytes(const dlx_twins *tw);
double twins_seconds(const dlx_twins *tw);

void twins_free(dlx_twins *tw);

#endif
