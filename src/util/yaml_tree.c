/*
 * yaml_tree.c — the node API of a located YAML tree (yaml_tree.h).
 *
 * A node is a scalar (text, length, quoted or not) or a container whose
 * entries live in two parallel arrays (keys for mappings, values for both)
 * grown by doubling. Every node carries its line, column and origin, and
 * the caller's flags, through every copy, so that any value found wrong
 * later can still be reported at FILE:LINE:COL. Lookups by key are linear:
 * the maps built from experiment files are small, and the parser, which
 * sees maps of any size, keeps its own hash index of the keys of each open
 * mapping (yaml_parse.c). The two other parts of the tree live beside this
 * file: yaml_parse.c (libyaml events into nodes, anchors and limits) and
 * yaml_scalar.c (what a scalar means, and nodes back to YAML text).
 */
#include "util/yaml_tree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- nodes */

/* An empty node of a kind, located. */
static ytree_node *node_new(ytree_kind kind, int line, int col, const ytree_origin *origin)
{
    ytree_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = line;
    n->col = col;
    n->origin = origin;
    return n;
}

ytree_node *ytree_new_scalar_len(const char *text, size_t len, bool quoted, int line, int col,
                                 const ytree_origin *origin)
{
    ytree_node *n = node_new(YTREE_SCALAR, line, col, origin);
    if (!n)
        return NULL;
    n->text = malloc(len + 1);
    if (!n->text) {
        free(n);
        return NULL;
    }
    if (len)
        memcpy(n->text, text, len);
    n->text[len] = '\0';
    n->len = len;
    n->quoted = quoted;
    return n;
}

ytree_node *ytree_new_scalar(const char *text, bool quoted, int line, int col, const ytree_origin *origin)
{
    return ytree_new_scalar_len(text, strlen(text), quoted, line, col, origin);
}

ytree_node *ytree_new_container(ytree_kind kind, int line, int col, const ytree_origin *origin)
{
    return node_new(kind, line, col, origin);
}

void ytree_free(ytree_node *node)
{
    if (!node)
        return;
    for (int i = 0; i < node->count; i++) {
        if (node->keys)
            ytree_free(node->keys[i]);
        ytree_free(node->values[i]);
    }
    free(node->keys);
    free(node->values);
    free(node->text);
    free(node);
}

/* Make room for one more entry (keys only for maps). */
static bool container_reserve(ytree_node *c)
{
    if (c->count < c->cap)
        return true;
    int cap = c->cap ? 2 * c->cap : 4;
    ytree_node **values = realloc(c->values, (size_t)cap * sizeof *values);
    if (!values)
        return false;
    c->values = values;
    if (c->kind == YTREE_MAP) {
        ytree_node **keys = realloc(c->keys, (size_t)cap * sizeof *keys);
        if (!keys)
            return false;
        c->keys = keys;
    }
    c->cap = cap;
    return true;
}

bool ytree_map_append(ytree_node *map, ytree_node *key, ytree_node *value)
{
    if (!container_reserve(map))
        return false;
    map->keys[map->count] = key;
    map->values[map->count] = value;
    map->count++;
    return true;
}

bool ytree_seq_append(ytree_node *seq, ytree_node *item)
{
    if (!container_reserve(seq))
        return false;
    seq->values[seq->count++] = item;
    return true;
}

int ytree_map_index(const ytree_node *map, const char *key)
{
    if (!map || map->kind != YTREE_MAP)
        return -1;
    size_t len = strlen(key);
    for (int i = 0; i < map->count; i++)
        if (map->keys[i]->len == len && memcmp(map->keys[i]->text, key, len) == 0)
            return i;
    return -1;
}

ytree_node *ytree_map_get(const ytree_node *map, const char *key)
{
    int i = ytree_map_index(map, key);
    return i < 0 ? NULL : map->values[i];
}

void ytree_map_remove(ytree_node *map, int i)
{
    ytree_free(map->keys[i]);
    ytree_free(map->values[i]);
    for (int j = i + 1; j < map->count; j++) {
        map->keys[j - 1] = map->keys[j];
        map->values[j - 1] = map->values[j];
    }
    map->count--;
}

ytree_node *ytree_clone(const ytree_node *node)
{
    ytree_node *c;
    if (node->kind == YTREE_SCALAR)
        c = ytree_new_scalar_len(node->text, node->len, node->quoted, node->line, node->col, node->origin);
    else
        c = node_new(node->kind, node->line, node->col, node->origin);
    if (!c)
        return NULL;
    c->flags = node->flags;
    for (int i = 0; i < node->count; i++) {
        ytree_node *v = ytree_clone(node->values[i]);
        ytree_node *k = node->kind == YTREE_MAP ? ytree_clone(node->keys[i]) : NULL;
        bool ok = v && (node->kind == YTREE_SEQ || k);
        ok = ok && (node->kind == YTREE_MAP ? ytree_map_append(c, k, v) : ytree_seq_append(c, v));
        if (!ok) {
            ytree_free(k);
            ytree_free(v);
            ytree_free(c);
            return NULL;
        }
    }
    return c;
}

/* ------------------------------------------------------------- messages */

void ytree_error(dlx_diags *diags, const ytree_node *node, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const ytree_origin *o = node->origin;
    const char *file = o ? o->file : NULL;
    if (o && o->context)
        diags_add(diags, file, node->line, node->col, "%s: %s", o->context, msg);
    else
        diags_add(diags, file, node->line, node->col, "%s", msg);
}

void ytree_describe(const ytree_node *node, char *buf, size_t size)
{
    if (node->kind == YTREE_MAP) {
        snprintf(buf, size, "a mapping");
        return;
    }
    if (node->kind == YTREE_SEQ) {
        snprintf(buf, size, "a sequence");
        return;
    }
    ytree_value v = ytree_resolve(node);
    switch (v.type) {
    case YTREE_NULL: snprintf(buf, size, "null"); break;
    case YTREE_BOOL: snprintf(buf, size, "boolean %s", v.boolean ? "true" : "false"); break;
    case YTREE_INT: snprintf(buf, size, "integer %.40s", node->text); break;
    case YTREE_FLOAT: snprintf(buf, size, "number %.40s", node->text); break;
    case YTREE_STRING:
        if (node->len > 40)
            snprintf(buf, size, "string \"%.40s...\"", node->text);
        else
            snprintf(buf, size, "string \"%s\"", node->text);
        break;
    }
}
