/*
 * override.h — setting a value at a dotted path of the tree (--set, sweep).
 */
#ifndef DLX_SPEC_OVERRIDE_H
#define DLX_SPEC_OVERRIDE_H

#include "util/diag.h"
#include "util/yaml_tree.h"

/* Put `value` (ownership taken, freed on error) at the dotted `path` of the
   top-level map `root`, replacing what is there and creating mappings on
   the way. A numeric component indexes a sequence (arms.1.model). Under
   `sweep` the rest of the path is one key (sweep.optimizer.lr sets the
   sweep key "optimizer.lr"). Problems are reported at (line, col +
   offset of the offending component) of `origin`. */
dlx_status tree_set_path(ytree_node *root, const char *path, ytree_node *value, const ytree_origin *origin,
                         int line, int col, dlx_diags *diags);

/* Apply one "KEY=VALUE" argument: VALUE is read as a YAML flow value (an
   empty VALUE is null). Messages are located at column positions inside
   the argument, with origin's file and context. */
dlx_status override_apply(ytree_node *root, const char *arg, const ytree_origin *origin, dlx_diags *diags);

#endif
