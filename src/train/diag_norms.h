/*
 * diag_norms.h — per-layer weight and gradient norms (diagnostics
 * `weight_norm`, `grad_norm`).
 */
#ifndef DLX_TRAIN_DIAG_NORMS_H
#define DLX_TRAIN_DIAG_NORMS_H

#include "train/diagnostics.h"

extern const dlx_diagnostic DIAG_WEIGHT_NORM;
extern const dlx_diagnostic DIAG_GRAD_NORM;

#endif
