/*
 * norms.h — per-layer weight and gradient norms (diagnostics
 * `weight_norm`, `grad_norm`).
 */
#ifndef DLX_DIAGNOSTICS_NORMS_H
#define DLX_DIAGNOSTICS_NORMS_H

#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_WEIGHT_NORM;
extern const dlx_diagnostic DIAG_GRAD_NORM;

#endif
