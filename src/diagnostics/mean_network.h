/*
 * mean_network.h — the weight-scaled network against the exact geometric
 * and arithmetic means of all 2^N dropout subnetworks (mean_network.c).
 */
#ifndef DLX_DIAGNOSTICS_MEAN_NETWORK_H
#define DLX_DIAGNOSTICS_MEAN_NETWORK_H

#include "diagnostics/diagnostic.h"

/* The largest hidden width whose 2^N masks are enumerated. */
#define MEAN_NETWORK_MAX_UNITS 16

extern const dlx_diagnostic DIAG_MEAN_NETWORK;

#endif
