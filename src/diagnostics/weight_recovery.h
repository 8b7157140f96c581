/*
 * weight_recovery.h — diagnostic `weight_recovery` (SPEC §7; Janzamin,
 * Sedghi & Anandkumar 2015): how well a one-hidden-layer network's first
 * layer matches the teacher of teacher_regression data, in
 * weight_recovery.c.
 */
#ifndef DLX_DIAGNOSTICS_WEIGHT_RECOVERY_H
#define DLX_DIAGNOSTICS_WEIGHT_RECOVERY_H

#include "util/real.h"
#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_WEIGHT_RECOVERY;

/* min over teacher rows a_j of max over model rows w_i of
   |⟨a_j, w_i⟩| / (‖a_j‖·‖w_i‖): teacher [k, dim], rows [m, dim], row-major.
   NaN when a row has norm 0 in every match (no direction to compare). */
double weight_recovery_min_cos(const real *teacher, int k, const real *rows, int m, int dim);

#endif
