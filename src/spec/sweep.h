/*
 * sweep.h — the `sweep:` grid: reading it, and applying one point.
 *
 * Points are numbered 0..n_points-1 over the full product of the value
 * lists, the last key varying fastest (like nested loops in file order).
 * The lists of a `zip:` group (sweep: {zip: {a: [1, 2], b: [3, 4]}}) have
 * one length and are paired, (a=1, b=3) then (a=2, b=4): the group is one
 * axis of the product, at its place in the file.
 */
#ifndef DLX_SPEC_SWEEP_H
#define DLX_SPEC_SWEEP_H

#include "spec/convert.h"
#include "spec/experiment.h"

/* Read the sweep section of the top-level map into sweep: every key must
   name a known key (data, model, loss, regularizer, optimizer, training,
   diagnostics, or arms.N.<one of those>), every value a non-empty list. */
void sweep_read(spec_ctx *ctx, const ytree_node *root, dlx_sweep *sweep);

/* The index into each key's list for a point (last key fastest). */
void sweep_point_indices(const dlx_sweep *sweep, int point, int *index);

/* "optimizer.lr=0.5, model.hidden=[10]": the point's assignments. */
void sweep_describe_point(const ytree_node *root, const dlx_sweep *sweep, int point, char *buf, size_t size);

/* Apply a point's values to the tree like --set overrides. The copied
   values keep their place in the file and get `origin` (whose context names
   the point). point_values[k] (if non-NULL) receive each value's flow text. */
dlx_status sweep_apply_point(ytree_node *root, const dlx_sweep *sweep, int point, const ytree_origin *origin,
                             char (*point_values)[128], dlx_diags *diags);

#endif
