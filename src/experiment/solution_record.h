/*
 * solution_record.h — the exact optimum θ* of each arm's training objective,
 * and the curvature behind `theory` step sizes, recorded at the end of
 * resolved.yaml in a `solutions:` section.
 *
 * The section follows the line SOLUTION_RECORD_MARKER; it holds numbers that
 * dlx computed from the data, not settings: reading the file ignores it, and
 * `--resume` compares only the text before it (the experiment's identity).
 */
#ifndef DLX_EXPERIMENT_SOLUTION_RECORD_H
#define DLX_EXPERIMENT_SOLUTION_RECORD_H

#include <stdbool.h>
#include <stdio.h>

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"

#define SOLUTION_RECORD_MARKER "# Computed by dlx run from the training data; ignored when read."

/* Whether an arm has something to record: a diagnostic that needs θ*
   (suboptimality, dist_to_ref), or an optimizer value `theory`. */
bool solution_record_wanted(const dlx_config *cfg);

/* One list item of the section for an arm (point < 0: no sweep):
     - arm, point; reference, method, f_star, theta_norm, theta (≤ 32
       values) or theta_fnv1a64 (FNV-1a of the doubles' little-endian bytes),
       iterations, grad_norm (the tolerance reached);
     - for a linear model with mse: L, mu, condition (step_theory.h), and
       the lr and momentum that `theory` resolved to.
   Writes the marker and `solutions:` first when *started is false. */
dlx_status solution_record_write(FILE *fp, bool *started, const char *arm, int point,
                                 const dlx_config *cfg, const dlx_dataset *ds, dlx_diags *diags);

#endif
