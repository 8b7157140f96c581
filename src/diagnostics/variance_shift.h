/*
 * variance_shift.h — Li, Chen, Hu & Yang (2019)'s variance-shift ratio of
 * every batch-norm layer (diagnostic `variance_shift`, variance_shift.c).
 */
#ifndef DLX_DIAGNOSTICS_VARIANCE_SHIFT_H
#define DLX_DIAGNOSTICS_VARIANCE_SHIFT_H

#include "util/real.h"
#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_VARIANCE_SHIFT;

/* The ratio of unit j: the unbiased variance of x[i·stride + j] over P rows,
   divided by running_var. NAN when P < 2, running_var ≤ 0, the column is
   constant or a value is not finite. */
double variance_shift_ratio(const real *x, int P, int stride, int j, double running_var);

#endif
