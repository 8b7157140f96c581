/*
 * predictive.h — diagnostics of the predictive distribution on the test
 * set: mc_dropout (MC average over dropout masks against weight scaling) and
 * calibration (expected calibration error and NLL).
 */
#ifndef DLX_DIAGNOSTICS_PREDICTIVE_H
#define DLX_DIAGNOSTICS_PREDICTIVE_H

#include "diagnostics/diagnostic.h"

extern const dlx_diagnostic DIAG_MC_DROPOUT, DIAG_CALIBRATION;

#endif
