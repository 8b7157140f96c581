/*
 * stability.h — twin-run stability (diagnostic `stability`, SPEC §8).
 */
#ifndef DLX_DIAGNOSTICS_STABILITY_H
#define DLX_DIAGNOSTICS_STABILITY_H

#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_STABILITY;

#endif
