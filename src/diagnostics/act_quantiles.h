/*
 * act_quantiles.h — per-layer distribution of the inputs to the
 * nonlinearities over a fixed probe batch (diagnostic `act_quantiles`).
 */
#ifndef DLX_DIAGNOSTICS_ACT_QUANTILES_H
#define DLX_DIAGNOSTICS_ACT_QUANTILES_H

#include "util/real.h"
#include <stddef.h>

#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_ACT_QUANTILES;
/* unit_quantiles.c: the same probe, unit by unit, and each unit's drift. */
extern const dlx_diagnostic DIAG_UNIT_QUANTILES;
/* Its resumable state: the reference percentiles (diagnostic_saved_state). */
dlx_tensor *unit_quantiles_saved_state(void *state, int *count);

/* The q-quantile (q in [0,1]) of n >= 1 sorted values, by linear
   interpolation between order statistics: h = (n−1)·q,
   Q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) (Hyndman & Fan 1996, type 7,
   NumPy's default). */
double act_quantile_sorted(const real *sorted, size_t n, double q);

#endif
