/*
 * merge.c — deep merge of an arm over the base (merge.h).
 *
 * Nodes that come from the base carry SPEC_INHERITED, so conversion can tell
 * what the arm wrote from what it inherited: a key the base set for one
 * optimizer type is dropped silently when the arm switches to another type,
 * while the same key written in the arm itself is an error.
 */
#include "spec/merge.h"

#include <string.h>

#include "spec/convert.h"
#include "spec/schema.h"

static void flag_inherited(ytree_node *n)
{
    n->flags |= SPEC_INHERITED;
    for (int i = 0; i < n->count; i++) {
        if (n->keys)
            flag_inherited(n->keys[i]);
        flag_inherited(n->values[i]);
    }
}

/* Merge `over` into `base` (both maps): for each key of over, recurse when
   both values are mappings, else replace base's entry by a copy of over's. */
static bool merge_maps(ytree_node *base, const ytree_node *over)
{
    for (int i = 0; i < over->count; i++) {
        const ytree_node *key = over->keys[i], *value = over->values[i];
        int j = ytree_map_index(base, key->text);
        if (j >= 0 && base->values[j]->kind == YTREE_MAP && value->kind == YTREE_MAP) {
            if (!merge_maps(base->values[j], value))
                return false;
            continue;
        }
        ytree_node *k = ytree_clone(key), *v = ytree_clone(value);
        if (!k || !v) {
            ytree_free(k);
            ytree_free(v);
            return false;
        }
        if (j >= 0) {
            ytree_free(base->keys[j]);
            ytree_free(base->values[j]);
            base->keys[j] = k;
            base->values[j] = v;
        } else if (!ytree_map_append(base, k, v)) {
            ytree_free(k);
            ytree_free(v);
            return false;
        }
    }
    return true;
}

ytree_node *merge_arm_tree(const ytree_node *root, const ytree_node *arm)
{
    ytree_node *tree = ytree_clone(root);
    if (!tree)
        return NULL;
    for (int i = tree->count - 1; i >= 0; i--)
        if (schema_is_experiment_key(tree->keys[i]->text))
            ytree_map_remove(tree, i);
    flag_inherited(tree);
    ytree_node *over = ytree_clone(arm);
    if (!over) {
        ytree_free(tree);
        return NULL;
    }
    int name = ytree_map_index(over, "name");
    if (name >= 0)
        ytree_map_remove(over, name);
    bool ok = merge_maps(tree, over);
    ytree_free(over);
    if (!ok) {
        ytree_free(tree);
        return NULL;
    }
    return tree;
}
