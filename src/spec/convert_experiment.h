/*
 * convert_experiment.h — the whole tree (after overrides and sweep point)
 * into a dlx_experiment.
 */
#ifndef DLX_SPEC_CONVERT_EXPERIMENT_H
#define DLX_SPEC_CONVERT_EXPERIMENT_H

#include "spec/config.h"
#include "spec/convert.h"

/* Fill exp (which must be zeroed) from the top-level map. Errors go
   through ctx; returns DLX_ERR_RUNTIME only when memory runs out. */
dlx_status convert_experiment(spec_ctx *ctx, const ytree_node *root, dlx_experiment *exp);

#endif
