/*
 * convex.h — diagnostics of convex models against their exact optimum
 * and of the problem's conditioning: `suboptimality`, `dist_to_ref`
 * (reference_distance.c), `condition_number` (condition.c), `sparsity`
 * (sparsity.c), `dropout_penalty` (dropout_penalty.c), `error_decomposition`
 * (error_decomposition.c).
 */
#ifndef DLX_DIAGNOSTICS_CONVEX_H
#define DLX_DIAGNOSTICS_CONVEX_H

#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_SUBOPTIMALITY;
extern const dlx_diagnostic DIAG_DIST_TO_REF;
extern const dlx_diagnostic DIAG_CONDITION_NUMBER;
extern const dlx_diagnostic DIAG_SPARSITY;
extern const dlx_diagnostic DIAG_DROPOUT_PENALTY;
extern const dlx_diagnostic DIAG_ERROR_DECOMPOSITION;

#endif
