/*
 * sweep.c — reading the sweep grid and applying its points (sweep.h).
 */
#include "spec/sweep.h"

#include <stdio.h>
#include <string.h>

#include "spec/override.h"
#include "util/suggest.h"

/* An error at a column inside a sweep key. */
static void key_error(spec_ctx *ctx, const ytree_node *key, size_t offset, const char *fmt, const char *a,
                      const char *b)
{
    ytree_node at = {.kind = YTREE_SCALAR, .line = key->line, .origin = key->origin,
                     .col = key->col + (key->quoted ? 1 : 0) + (int)offset};
    char msg[600];
    snprintf(msg, sizeof msg, fmt, a, b);
    spec_error(ctx, &at, "%s", msg);
}

/* The sweep key names a key that --set could set (see sweep.h). */
static bool check_sweep_key(spec_ctx *ctx, const ytree_node *key, const ytree_node *root)
{
    const char *path = key->text;
    const char *rest = path;
    if (strncmp(path, "arms.", 5) == 0) {
        const char *digits = path + 5, *dot = strchr(digits, '.');
        size_t n = dot ? (size_t)(dot - digits) : strlen(digits);
        long index = 0;
        bool numeric = n > 0 && n < 6 && strspn(digits, "0123456789") == n;
        for (size_t i = 0; numeric && i < n; i++)
            index = 10 * index + (digits[i] - '0');
        const ytree_node *arms = spec_get(root, "arms");
        int n_arms = arms && arms->kind == YTREE_SEQ ? arms->count : 0;
        if (!numeric || !dot) {
            key_error(ctx, key, 5, "sweep key '%s' must be arms.N.KEY with N an arm's number%s", path, "");
            return false;
        }
        if (index >= n_arms) {
            char count[64];
            snprintf(count, sizeof count, "%d", n_arms);
            key_error(ctx, key, 5, "sweep key '%s' refers to a missing arm ('arms' has %s items)", path, count);
            return false;
        }
        rest = dot + 1;
    }
    char prefix[256] = "";
    for (const char *p = rest; *p;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char candidate[256];
        snprintf(candidate, sizeof candidate, "%s%s%.*s", prefix, *prefix ? "." : "", (int)n, p);
        size_t offset = (size_t)(p - path);
        if (!*prefix && (schema_is_experiment_key(candidate) || strcmp(candidate, "name") == 0)) {
            key_error(ctx, key, offset, "'%s' cannot be swept (sweep key '%s')", candidate, path);
            return false;
        }
        if (n == 0 || !schema_find(candidate)) {
            const char *names[64];
            int count = schema_children(prefix, names, 64);
            char component[128];
            snprintf(component, sizeof component, "%.*s", (int)n, p);
            const char *guess = suggest_closest(component, names, count);
            char msg[400];
            if (guess)
                snprintf(msg, sizeof msg, "unknown key '%s' in sweep key '%s'; did you mean '%s'?", component,
                         path, guess);
            else
                snprintf(msg, sizeof msg, "unknown key '%s' in sweep key '%s'", component, path);
            key_error(ctx, key, offset, "%s%s", msg, "");
            return false;
        }
        snprintf(prefix, sizeof prefix, "%s", candidate);
        if (!dot)
            break;
        p = dot + 1;
    }
    return true;
}

/* Read one `KEY: [values]` entry of the sweep (or of its zip group) into
   slot sweep->n_keys. Returns its number of values, or 0 after an error. */
static int read_entry(spec_ctx *ctx, const ytree_node *root, dlx_sweep *sweep, const ytree_node *key,
                      const ytree_node *list, bool zipped)
{
    if (sweep->n_keys == DLX_MAX_SWEEP_KEYS) {
        spec_error(ctx, key, "a sweep has at most %d keys", DLX_MAX_SWEEP_KEYS);
        return 0;
    }
    if (key->len >= sizeof sweep->keys[0]) {
        spec_error(ctx, key, "sweep key is too long (at most %zu bytes)", sizeof sweep->keys[0] - 1);
        return 0;
    }
    bool key_ok = check_sweep_key(ctx, key, root);
    if (list->kind != YTREE_SEQ || list->count == 0) {
        char got[128];
        ytree_describe(list, got, sizeof got);
        spec_error(ctx, list, "sweep key '%s' needs a non-empty list of values, got %s", key->text,
                   list->kind == YTREE_SEQ ? "an empty list" : got);
        return 0;
    }
    int k = sweep->n_keys;
    if (ytree_to_flow(list, sweep->lists[k], sizeof sweep->lists[k]) >= (int)sizeof sweep->lists[k]) {
        spec_error(ctx, list, "the values of sweep key '%s' are too long (at most %zu characters)",
                   key->text, sizeof sweep->lists[k] - 1);
        return 0;
    }
    bool values_ok = true;
    for (int j = 0; j < list->count; j++) {
        char text[128];
        if (ytree_to_flow(list->values[j], text, sizeof text) >= (int)sizeof text) {
            spec_error(ctx, list->values[j], "a sweep value is too long (at most %zu characters in flow "
                                             "style)", sizeof text - 1);
            values_ok = false;
        }
    }
    if (!key_ok || !values_ok)
        return 0;
    memcpy(sweep->keys[k], key->text, key->len + 1);
    sweep->n_values[k] = list->count;
    sweep->zipped[k] = zipped;
    sweep->n_keys++;
    return list->count;
}

/* The zip group: paired lists of one length. Returns that length, or 0
   after an error. */
static int read_zip(spec_ctx *ctx, const ytree_node *root, dlx_sweep *sweep, const ytree_node *zip)
{
    if (!spec_expect_kind(ctx, zip, "sweep.zip", YTREE_MAP))
        return 0;
    if (zip->count == 0) {
        spec_error(ctx, zip, "'sweep.zip' needs at least one KEY: [values] entry");
        return 0;
    }
    int length = 0;
    bool ok = true;
    for (int i = 0; i < zip->count; i++) {
        const ytree_node *list = zip->values[i];
        int n = read_entry(ctx, root, sweep, zip->keys[i], list, true);
        ok &= n > 0;
        if (n > 0 && length == 0)
            length = n;
        else if (n > 0 && n != length) {
            spec_error(ctx, list, "zipped sweep lists must have the same length: '%s' has %d values, '%s' has %d",
                       zip->keys[i]->text, n, zip->keys[0]->text, length);
            ok = false;
        }
    }
    return ok ? length : 0;
}

void sweep_read(spec_ctx *ctx, const ytree_node *root, dlx_sweep *sweep)
{
    memset(sweep, 0, sizeof *sweep);
    const ytree_node *map = spec_get(root, "sweep");
    if (!map || !spec_expect_kind(ctx, map, "sweep", YTREE_MAP))
        return;
    long long points = 1;
    bool seen_zip = false;
    for (int i = 0; i < map->count; i++) {
        const ytree_node *key = map->keys[i];
        int n;
        if (strcmp(key->text, "zip") == 0 && !key->quoted) {
            if (seen_zip) {
                spec_error(ctx, key, "a sweep has at most one 'zip' group");
                continue;
            }
            seen_zip = true;
            n = read_zip(ctx, root, sweep, map->values[i]);
        } else {
            n = read_entry(ctx, root, sweep, key, map->values[i], false);
        }
        if (n == 0)
            continue;
        points *= n;
        if (points > DLX_MAX_SWEEP_POINTS) {
            spec_error(ctx, key, "the sweep has more than %d points", DLX_MAX_SWEEP_POINTS);
            memset(sweep, 0, sizeof *sweep);
            return;
        }
    }
    sweep->n_points = sweep->n_keys ? (int)points : 0;
}

void sweep_point_indices(const dlx_sweep *sweep, int point, int *index)
{
    for (int k = sweep->n_keys - 1; k >= 0; k--) {
        index[k] = point % sweep->n_values[k];
        int first = k;
        while (sweep->zipped[k] && first > 0 && sweep->zipped[first - 1])
            index[--first] = index[k]; /* the zip group: one axis */
        point /= sweep->n_values[k];
        k = first;
    }
}

/* The map holding key k: the sweep section, or its zip group. */
static const ytree_node *entry_map(const ytree_node *root, const dlx_sweep *sweep, int k)
{
    const ytree_node *map = spec_get(root, "sweep");
    return sweep->zipped[k] ? ytree_map_get(map, "zip") : map;
}

void sweep_describe_point(const ytree_node *root, const dlx_sweep *sweep, int point, char *buf, size_t size)
{
    int index[DLX_MAX_SWEEP_KEYS];
    sweep_point_indices(sweep, point, index);
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < sweep->n_keys && used < size; k++) {
        const ytree_node *list = ytree_map_get(entry_map(root, sweep, k), sweep->keys[k]);
        char value[128];
        ytree_to_flow(list->values[index[k]], value, sizeof value);
        int w = snprintf(buf + used, size - used, "%s%s=%s", k ? ", " : "", sweep->keys[k], value);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static void set_origin(ytree_node *n, const ytree_origin *origin)
{
    n->origin = origin;
    for (int i = 0; i < n->count; i++) {
        if (n->keys)
            set_origin(n->keys[i], origin);
        set_origin(n->values[i], origin);
    }
}

dlx_status sweep_apply_point(ytree_node *root, const dlx_sweep *sweep, int point, const ytree_origin *origin,
                             char (*point_values)[128], dlx_diags *diags)
{
    int index[DLX_MAX_SWEEP_KEYS];
    sweep_point_indices(sweep, point, index);
    dlx_status status = DLX_OK;
    for (int k = 0; k < sweep->n_keys; k++) {
        const ytree_node *map = entry_map(root, sweep, k); /* the root's entries may move */
        int entry = ytree_map_index(map, sweep->keys[k]);
        const ytree_node *key = map->keys[entry];
        const ytree_node *value = map->values[entry]->values[index[k]];
        if (point_values)
            ytree_to_flow(value, point_values[k], 128);
        ytree_node *copy = ytree_clone(value);
        if (!copy)
            return DLX_ERR_RUNTIME;
        set_origin(copy, origin);
        dlx_status st = tree_set_path(root, sweep->keys[k], copy, origin, key->line,
                                      key->col + (key->quoted ? 1 : 0), diags);
        if (st == DLX_ERR_RUNTIME)
            return st;
        if (st != DLX_OK)
            status = st;
    }
    return status;
}
