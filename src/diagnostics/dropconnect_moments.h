/*
 * dropconnect_moments.h — Monte-Carlo moments of a DropConnect layer's
 * pre-activation against Wan et al.'s (2013) closed form
 * (dropconnect_moments.c).
 */
#ifndef DLX_DIAGNOSTICS_DROPCONNECT_MOMENTS_H
#define DLX_DIAGNOSTICS_DROPCONNECT_MOMENTS_H

#include "diagnostics/diagnostic.h"

/* Masks S when the list gives none: `dropconnect_moments` = `{dropconnect_moments: 1000}`. */
#define DROPCONNECT_MOMENTS_DEFAULT_SAMPLES 1000
/* Probe examples: the first ones of the test split (of the training split without one). */
#define DROPCONNECT_MOMENTS_PROBE 32

extern const dlx_diagnostic DIAG_DROPCONNECT_MOMENTS;

#endif
