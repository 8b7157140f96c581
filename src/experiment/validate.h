/*
 * validate.h — the checks of an experiment that need the tables of the
 * layers above the spec layer: whether each diagnostic, the reference and
 * the optimizer of every arm fit its model, and whether the model goes with
 * its loss.
 *
 * The spec layer converts the file and checks every value on its own; it
 * cannot ask src/diagnostics, src/solvers or src/optim (they sit above it),
 * so rules of the form "X only fits some models" live with X, as a `fits`
 * hook of its table row, and this file runs them all for every arm (and
 * every sweep point) before anything runs. Messages are located where the
 * offending item is written (the config records the places), as
 * "FILE:LINE:COL: error: arm 'X': diagnostic dropout_penalty needs
 * model.type logistic, here mlp"; a problem that every arm has at the same
 * place is reported once, without an arm.
 */
#ifndef DLX_EXPERIMENT_VALIDATE_H
#define DLX_EXPERIMENT_VALIDATE_H

#include "spec/config.h"
#include "spec/experiment.h"
#include "util/diag.h"

/* Every fit problem of the arms of exp, each prefixed
   "CONTEXT: " when context is non-NULL. Returns DLX_ERR_INPUT when there
   is any. */
dlx_status experiment_validate_fits(const dlx_experiment *exp, const char *context, dlx_diags *diags);

/* The same for sweep point `point` of a loaded experiment (point < 0 or a
   sweep without points: no context), prefixed "in sweep point I (KEY=VALUE,
   ...)" as the spec layer's messages about that point are; values are the
   point's swept values as experiment_load writes them. */
dlx_status experiment_validate_point_fits(const dlx_experiment *exp, const dlx_sweep *sweep, int point,
                                          char (*values)[128], dlx_diags *diags);

/* What `dlx validate` checks: experiment_validate_all_points, then, when
   that passes, the fits of every sweep point (of the experiment itself
   without a sweep); a problem found at every point is reported once. */
dlx_status experiment_validate_file(const char *path, const dlx_overrides *overrides, dlx_diags *diags);

#endif
