/*
 * merge.h — an arm merged over the base, as a tree (docs/config.md "Arms").
 */
#ifndef DLX_SPEC_MERGE_H
#define DLX_SPEC_MERGE_H

#include "util/yaml_tree.h"

/* The tree of one arm: a copy of the top level without the keys of the
   whole experiment (experiment, description, seeds, output, arms, sweep,
   dlx_version), every node flagged SPEC_INHERITED, with the arm's keys
   (all but `name`) deep-merged over it: mappings merge key by key,
   sequences and scalars replace. NULL when memory runs out. */
ytree_node *merge_arm_tree(const ytree_node *root, const ytree_node *arm);

#endif
