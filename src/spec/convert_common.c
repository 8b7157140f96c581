/*
 * convert_common.c — reading located scalars as typed values, and the key
 * check (convert.h).
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "spec/convert.h"
#include "util/suggest.h"

const char SPEC_CHOICE_INVALID[] = "<invalid>";

bool spec_inherited(const ytree_node *node)
{
    if (!(node->flags & SPEC_INHERITED))
        return false;
    for (int i = 0; i < node->count; i++) {
        if (node->keys && !spec_inherited(node->keys[i]))
            return false;
        if (!spec_inherited(node->values[i]))
            return false;
    }
    return true;
}

void spec_error(spec_ctx *ctx, const ytree_node *node, const char *fmt, ...)
{
    char msg[1024], full[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const ytree_origin *o = node->origin;
    const char *file = o ? o->file : NULL;
    if (o && o->context)
        snprintf(full, sizeof full, "%s: %s", o->context, msg);
    else
        snprintf(full, sizeof full, "%s", msg);
    ctx->errors++;
    if (diags_seen(ctx->diags, file, node->line, node->col, full))
        return;
    if (ctx->arm_name && (node->flags & SPEC_INHERITED)) {
        char in_arm[1400];
        snprintf(in_arm, sizeof in_arm, "in arm '%s': %s", ctx->arm_name, full);
        if (!diags_seen(ctx->diags, file, node->line, node->col, in_arm))
            diags_add_capped(ctx->diags, file, node->line, node->col, "%s", in_arm);
        return;
    }
    diags_add_capped(ctx->diags, file, node->line, node->col, "%s", full);
}

const ytree_node *spec_get(const ytree_node *map, const char *key)
{
    if (!map || map->kind != YTREE_MAP)
        return NULL;
    const ytree_node *v = ytree_map_get(map, key);
    return v && !ytree_is_null(v) ? v : NULL;
}

/* "a,b,c" as "a, b or c". */
static void format_alternatives(const char *values, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    int n_commas = 0;
    for (const char *p = values; *p; p++)
        n_commas += *p == ',';
    int seen = 0;
    for (const char *p = values; *p && used + 8 < size; p++) {
        if (*p == ',') {
            seen++;
            const char *sep = seen == n_commas ? " or " : ", ";
            used += (size_t)snprintf(buf + used, size - used, "%s", sep);
        } else {
            buf[used++] = *p;
            buf[used] = '\0';
        }
    }
}

/* The current value of a discriminating key; *found says whether it is listed. */
static const char *choice_value(const spec_choice *choices, int n, const char *key, bool *found)
{
    for (int i = 0; i < n; i++)
        if (strcmp(choices[i].key, key) == 0) {
            *found = true;
            return choices[i].value;
        }
    *found = false;
    return NULL;
}

/* The key applies to the current choices; otherwise say to which it does. */
static void check_applies(spec_ctx *ctx, const spec_key *e, const ytree_node *key, const ytree_node *value,
                          const spec_choice *choices, int n)
{
    bool found;
    const char *current = choice_value(choices, n, e->when_key, &found);
    if (!found || current == SPEC_CHOICE_INVALID)
        return;
    if (current && schema_value_in(current, e->when_values))
        return;
    if (spec_inherited(key) && spec_inherited(value))
        return; /* an arm changed the choice: what the base set for the old one is dropped */
    char alternatives[256];
    const spec_key *d = schema_find(e->when_key);
    if (!current && d && d->when_key) {
        format_alternatives(d->when_values, alternatives, sizeof alternatives);
        spec_error(ctx, key, "key '%s' applies only to %s %s", key->text, d->when_key, alternatives);
        return;
    }
    format_alternatives(e->when_values, alternatives, sizeof alternatives);
    if (current)
        spec_error(ctx, key, "key '%s' applies only to %s %s (here it is %s)", key->text, e->when_key,
                   alternatives, current);
    else
        spec_error(ctx, key, "key '%s' applies only to %s %s", key->text, e->when_key, alternatives);
}

void spec_check_keys(spec_ctx *ctx, const ytree_node *map, const char *path, const spec_choice *choices,
                     int n_choices)
{
    if (!map || map->kind != YTREE_MAP)
        return;
    for (int i = 0; i < map->count; i++) {
        const ytree_node *key = map->keys[i], *value = map->values[i];
        char full[300];
        snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", key->text);
        const spec_key *e = schema_find(full);
        if (!e) {
            const char *names[64];
            int n = schema_children(path, names, 64);
            const char *guess = suggest_closest(key->text, names, n);
            char where[200] = "";
            if (*path)
                snprintf(where, sizeof where, " in '%s'", path);
            if (guess)
                spec_error(ctx, key, "unknown key '%s'%s; did you mean '%s'?", key->text, where, guess);
            else
                spec_error(ctx, key, "unknown key '%s'%s", key->text, where);
            continue;
        }
        if (e->when_key && !ytree_is_null(value))
            check_applies(ctx, e, key, value, choices, n_choices);
    }
}

bool spec_expect_kind(spec_ctx *ctx, const ytree_node *node, const char *path, ytree_kind kind)
{
    if (node->kind == kind)
        return true;
    char got[128];
    ytree_describe(node, got, sizeof got);
    spec_error(ctx, node, "expected %s for '%s', got %s",
               kind == YTREE_MAP ? "a mapping" : kind == YTREE_SEQ ? "a list" : "a single value", path, got);
    return false;
}

bool spec_read_number(spec_ctx *ctx, const ytree_node *node, const char *path, double *out)
{
    ytree_value v = node->kind == YTREE_SCALAR ? ytree_resolve(node) : (ytree_value){.type = YTREE_STRING};
    if (node->kind != YTREE_SCALAR || (v.type != YTREE_INT && v.type != YTREE_FLOAT)) {
        char got[128];
        ytree_describe(node, got, sizeof got);
        spec_error(ctx, node, "expected a number for '%s', got %s", path, got);
        return false;
    }
    if (!isfinite(v.number)) {
        spec_error(ctx, node, "%s must be a finite number, got %s", path, node->text);
        return false;
    }
    *out = v.number;
    return true;
}

bool spec_read_int(spec_ctx *ctx, const ytree_node *node, const char *path, long long min, long long max,
                   long long *out)
{
    ytree_value v = node->kind == YTREE_SCALAR ? ytree_resolve(node) : (ytree_value){.type = YTREE_STRING};
    if (node->kind != YTREE_SCALAR || (v.type != YTREE_INT && v.type != YTREE_FLOAT)) {
        char got[128];
        ytree_describe(node, got, sizeof got);
        spec_error(ctx, node, "expected an integer for '%s', got %s", path, got);
        return false;
    }
    long long x;
    if (v.type == YTREE_INT && !v.int_overflow) {
        x = v.integer;
    } else if (v.type == YTREE_FLOAT && isfinite(v.number) && v.number == floor(v.number) &&
               fabs(v.number) < 9.0e18) {
        x = (long long)v.number;
    } else if (v.type == YTREE_FLOAT && isfinite(v.number) && v.number != floor(v.number)) {
        spec_error(ctx, node, "expected an integer for '%s', got %s", path, node->text);
        return false;
    } else {
        spec_error(ctx, node, "%s is out of range for '%s'", node->text, path);
        return false;
    }
    if (x < min || x > max) {
        if (max == LLONG_MAX)
            spec_error(ctx, node, "%s must be at least %lld, got %s", path, min, node->text);
        else
            spec_error(ctx, node, "%s must be between %lld and %lld, got %s", path, min, max, node->text);
        return false;
    }
    *out = x;
    return true;
}

bool spec_read_bool(spec_ctx *ctx, const ytree_node *node, const char *path, bool *out)
{
    ytree_value v = node->kind == YTREE_SCALAR ? ytree_resolve(node) : (ytree_value){.type = YTREE_STRING};
    if (node->kind != YTREE_SCALAR || v.type != YTREE_BOOL) {
        char got[128];
        ytree_describe(node, got, sizeof got);
        spec_error(ctx, node, "expected true or false for '%s', got %s", path, got);
        return false;
    }
    *out = v.boolean;
    return true;
}

bool spec_read_string(spec_ctx *ctx, const ytree_node *node, const char *path, char *buf, size_t size)
{
    if (node->kind != YTREE_SCALAR || ytree_is_null(node)) {
        char got[128];
        ytree_describe(node, got, sizeof got);
        spec_error(ctx, node, "expected a string for '%s', got %s", path, got);
        return false;
    }
    if (strlen(node->text) != node->len) {
        spec_error(ctx, node, "'%s' must not contain NUL characters", path);
        return false;
    }
    if (node->len + 1 > size) {
        spec_error(ctx, node, "'%s' is too long (%zu bytes; at most %zu)", path, node->len, size - 1);
        return false;
    }
    memcpy(buf, node->text, node->len + 1);
    return true;
}

bool spec_read_enum(spec_ctx *ctx, const ytree_node *node, const char *path, const spec_enum *e, int *out)
{
    ytree_value v = node->kind == YTREE_SCALAR ? ytree_resolve(node) : (ytree_value){.type = YTREE_NULL};
    if (node->kind != YTREE_SCALAR || v.type == YTREE_NULL) {
        char got[128];
        ytree_describe(node, got, sizeof got);
        spec_error(ctx, node, "expected a %s name for '%s', got %s", e->noun, path, got);
        return false;
    }
    for (int i = 0; i < e->count; i++)
        if (strcmp(node->text, e->names[i]) == 0) {
            *out = i;
            return true;
        }
    char valid[512];
    suggest_list(valid, sizeof valid, e->names, e->count);
    const char *guess = suggest_closest(node->text, e->names, e->count);
    if (guess)
        spec_error(ctx, node, "unknown %s '%s' for '%s'; did you mean '%s'? (valid values: %s)", e->noun,
                   node->text, path, guess, valid);
    else if (e->count)
        spec_error(ctx, node, "unknown %s '%s' for '%s' (valid values: %s)", e->noun, node->text, path, valid);
    else
        spec_error(ctx, node, "unknown %s '%s' for '%s' (this version of dlx has none)", e->noun, node->text,
                   path);
    return false;
}

bool spec_check_positive(spec_ctx *ctx, const ytree_node *node, const char *path, double x)
{
    if (x > 0)
        return true;
    spec_error(ctx, node, "%s must be greater than 0, got %s", path, node->text);
    return false;
}

bool spec_check_nonnegative(spec_ctx *ctx, const ytree_node *node, const char *path, double x)
{
    if (x >= 0)
        return true;
    spec_error(ctx, node, "%s must be at least 0, got %s", path, node->text);
    return false;
}

bool spec_check_unit(spec_ctx *ctx, const ytree_node *node, const char *path, double x, bool closed_above)
{
    if (x >= 0 && (closed_above ? x <= 1 : x < 1))
        return true;
    spec_error(ctx, node, "%s must be in [0, 1%s, got %s", path, closed_above ? "]" : ")", node->text);
    return false;
}

dlx_source_pos spec_source_pos(const ytree_node *node)
{
    if (!node || !node->origin || node->origin->context)
        return (dlx_source_pos){0, 0};
    return (dlx_source_pos){node->line, node->col};
}
