/*
 * override.c — dotted paths into the tree (override.h).
 *
 * A path is walked component by component; what is missing is created (an
 * unknown key is then reported by conversion, located at the override like
 * any key of the file), while walking into a scalar or past the end of a
 * sequence is an error here.
 */
#include "spec/override.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Report at a column of the path. */
static dlx_status path_error(dlx_diags *d, const ytree_origin *origin, int line, int col, const char *msg)
{
    ytree_node at = {.kind = YTREE_SCALAR, .line = line, .col = col, .origin = origin};
    ytree_error(d, &at, "%s", msg);
    return DLX_ERR_INPUT;
}

/* Parse a component as a sequence index; -1 if it is not all digits. */
static long parse_index(const char *s, size_t len)
{
    if (len == 0 || len > 9)
        return -1;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = 10 * v + (s[i] - '0');
    }
    return v;
}

dlx_status tree_set_path(ytree_node *root, const char *path, ytree_node *value, const ytree_origin *origin,
                         int line, int col, dlx_diags *diags)
{
    ytree_node *node = root;
    const char *p = path;
    char msg[600];
    for (;;) {
        bool whole_rest = p == path + 6 && strncmp(path, "sweep.", 6) == 0;
        const char *dot = whole_rest ? NULL : strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        int at = col + (int)(p - path);
        bool last = dot == NULL;
        if (len == 0) {
            ytree_free(value);
            snprintf(msg, sizeof msg, "empty key in '%s'", path);
            return path_error(diags, origin, line, at, msg);
        }
        char *component = strndup(p, len);
        if (!component) {
            ytree_free(value);
            return DLX_ERR_RUNTIME;
        }
        ytree_node *next = NULL;
        if (node->kind == YTREE_SEQ) {
            long index = parse_index(component, len);
            if (index < 0 || index >= node->count) {
                if (index < 0)
                    snprintf(msg, sizeof msg, "'%.*s' is a list: expected an item number, got '%s'",
                             (int)(p - path - 1), path, component);
                else
                    snprintf(msg, sizeof msg, "'%.*s' has %d item%s (0..%d): there is no item %ld",
                             (int)(p - path - 1), path, node->count, node->count == 1 ? "" : "s",
                             node->count - 1, index);
                free(component);
                ytree_free(value);
                return path_error(diags, origin, line, at, msg);
            }
            if (last) {
                ytree_free(node->values[index]);
                node->values[index] = value;
                free(component);
                return DLX_OK;
            }
            next = node->values[index];
        } else if (node->kind == YTREE_MAP) {
            int i = ytree_map_index(node, component);
            if (last) {
                if (i >= 0) {
                    ytree_free(node->values[i]);
                    node->values[i] = value;
                } else {
                    ytree_node *key = ytree_new_scalar(component, false, line, at, origin);
                    if (!key || !ytree_map_append(node, key, value)) {
                        ytree_free(key);
                        ytree_free(value);
                        free(component);
                        return DLX_ERR_RUNTIME;
                    }
                }
                free(component);
                return DLX_OK;
            }
            if (i >= 0 && ytree_is_null(node->values[i])) {
                ytree_free(node->values[i]);
                node->values[i] = ytree_new_container(YTREE_MAP, line, at, origin);
                if (!node->values[i]) {
                    ytree_map_remove(node, i);
                    free(component);
                    ytree_free(value);
                    return DLX_ERR_RUNTIME;
                }
            } else if (i < 0) {
                const char *after = p + len + 1;
                size_t next_len = strcspn(after, ".");
                if (parse_index(after, next_len) >= 0) {
                    snprintf(msg, sizeof msg, "'%.*s' is not set, so it has no item %.*s", (int)(p + len - path),
                             path, (int)next_len, after);
                    free(component);
                    ytree_free(value);
                    return path_error(diags, origin, line, at, msg);
                }
                ytree_node *key = ytree_new_scalar(component, false, line, at, origin);
                ytree_node *map = ytree_new_container(YTREE_MAP, line, at, origin);
                if (!key || !map || !ytree_map_append(node, key, map)) {
                    ytree_free(key);
                    ytree_free(map);
                    free(component);
                    ytree_free(value);
                    return DLX_ERR_RUNTIME;
                }
                i = node->count - 1;
            }
            next = node->values[i];
        }
        if (next->kind == YTREE_SCALAR) {
            snprintf(msg, sizeof msg, "'%.*s' is a single value, not a mapping: it has no key '%.*s'",
                     (int)(p + len - path), path, (int)strcspn(p + len + 1, "."), p + len + 1);
            free(component);
            ytree_free(value);
            return path_error(diags, origin, line, at + (int)len + 1, msg);
        }
        free(component);
        node = next;
        p = dot + 1;
    }
}

dlx_status override_apply(ytree_node *root, const char *arg, const ytree_origin *origin, dlx_diags *diags)
{
    const char *eq = strchr(arg, '=');
    if (!eq)
        return path_error(diags, origin, 1, 1, "expected KEY=VALUE");
    if (eq == arg)
        return path_error(diags, origin, 1, 1, "the key before '=' is empty");
    size_t value_len = strlen(eq + 1);
    int value_col = (int)(eq - arg) + 2;
    ytree_node *value = NULL;
    int first = diags->count;
    dlx_status st = ytree_parse(eq + 1, value_len, origin, value_col - 1, &value, diags);
    if (st != DLX_OK) {
        /* libyaml places "unexpected end" problems past the end of the text */
        for (int i = first; i < diags->count; i++)
            if (diags->items[i].line > 1 || diags->items[i].col > (int)strlen(arg) + 1) {
                diags->items[i].line = 1;
                diags->items[i].col = (int)strlen(arg) + 1;
            }
        for (int i = first; i < diags->count; i++) {
            char *where = strstr(diags->items[i].message, " (which started at line ");
            if (where)
                *where = '\0'; /* a line number means nothing inside one argument */
        }
        return st;
    }
    if (!value) {
        value = ytree_new_scalar("", false, 1, value_col, origin);
        if (!value)
            return DLX_ERR_RUNTIME;
    }
    char *key = strndup(arg, (size_t)(eq - arg));
    if (!key) {
        ytree_free(value);
        return DLX_ERR_RUNTIME;
    }
    st = tree_set_path(root, key, value, origin, 1, 1, diags);
    free(key);
    return st;
}
