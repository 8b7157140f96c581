/*
 * tensor_fit.h — the diagnostics of the tensor models (SPEC §7; Cohen,
 * Sharir & Shashua 2016), in tensor_fit.c:
 *   fit_rel_error       ‖Y − Ŷ‖_F / ‖Y‖_F over the training tensor;
 *   matricization_rank  the rank of the odd/even matricization [Ŷ]
 *                       (util/matricization.h), tolerance 10⁻⁹·σ₁.
 */
#ifndef DLX_DIAGNOSTICS_TENSOR_FIT_H
#define DLX_DIAGNOSTICS_TENSOR_FIT_H

#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_FIT_REL_ERROR;
extern const dlx_diagnostic DIAG_MATRICIZATION_RANK;

#endif
