/*
 * importance.h — the `importance` diagnostic (importance.c).
 */
#ifndef DLX_DIAGNOSTICS_IMPORTANCE_H
#define DLX_DIAGNOSTICS_IMPORTANCE_H

#include "util/real.h"
#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_IMPORTANCE;

/* (Σw)²/(n·Σw²) of w[n]; 1 when w is NULL (uniform weights) or n is 0. */
double importance_ess_fraction(const real *w, int n);

#endif
