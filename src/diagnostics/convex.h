/*
 * convex.h — diagnostics of convex models against their exact optimum
 * and of the problem's conditioning: `suboptimality`, `dist_to_ref`
 * (diag_reference.c), `condition_number` (diag_condition.c), `sparsity`
 * (diag_sparsity.c), `dropout_penalty` (diag_dropout_penalty.c).
 */
#ifndef DLX_DIAGNOSTICS_CONVEX_H
#define DLX_DIAGNOSTICS_CONVEX_H

#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_SUBOPTIMALITY;
extern const dlx_diagnostic DIAG_DIST_TO_REF;
extern const dlx_diagnostic DIAG_CONDITION_NUMBER;
extern const dlx_diagnostic DIAG_SPARSITY;
extern const dlx_diagnostic DIAG_DROPOUT_PENALTY;

#endif
