/*
 * yaml_parse.c — libyaml events into a located tree (ytree_parse).
 *
 * The parser is a stack machine over libyaml's event stream: a container
 * event opens a node on the stack, its end event closes it and hands it to
 * the parent (a sequence appends it; a mapping alternates key and value).
 * Anchors remember the finished node they name; an alias becomes a deep
 * copy, after checking that the copy stays within YTREE_MAX_ALIAS_NODES in
 * total and YTREE_MAX_DEPTH in nesting, which stops exponential documents
 * ("billion laughs") before they allocate anything. Problems in the
 * document are reported and parsing goes on, so that one pass finds them
 * all; running out of memory, too deep a nesting or an alias bomb stop it.
 */
#include "util/yaml_tree.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Number of nodes in a subtree, counting keys; stops early above limit. */
static long count_nodes(const ytree_node *n, long limit)
{
    long total = 1;
    for (int i = 0; i < n->count && total <= limit; i++) {
        total += count_nodes(n->values[i], limit - total);
        if (n->kind == YTREE_MAP)
            total++;
    }
    return total;
}

/* Nesting height of a subtree: 1 for a scalar. */
static int tree_height(const ytree_node *n)
{
    int h = 0;
    for (int i = 0; i < n->count; i++) {
        int hi = tree_height(n->values[i]);
        if (hi > h)
            h = hi;
    }
    return h + 1;
}

typedef struct {
    char *name;
    ytree_node *node;    /* NULL while the anchored node is still open */
    int height;
} anchor_entry;

/* The keys of an open mapping by hash, so that each new key is checked for
   a duplicate in O(1): a linear search made a mapping of n keys cost n². */
typedef struct {
    int *slots; /* entry index + 1; 0 is empty */
    int cap;    /* a power of two; 0 before the first key */
} key_index;

typedef struct {
    const ytree_origin *origin;
    int col_offset;
    dlx_diags *diags;
    dlx_status status;
    ytree_node *stack[YTREE_MAX_DEPTH + 1];
    ytree_node *pending_key[YTREE_MAX_DEPTH + 1]; /* map on the stack: key awaiting its value */
    bool discard_value[YTREE_MAX_DEPTH + 1];     /* map: the pending key was a duplicate */
    char *open_anchor[YTREE_MAX_DEPTH + 1];      /* anchor of each open container */
    key_index keys[YTREE_MAX_DEPTH + 1];         /* map on the stack: its keys by hash */
    int depth;
    bool stop;                                   /* a fatal problem: read no further */
    ytree_node *root;
    bool have_root;
    int documents;
    anchor_entry *anchors;
    int n_anchors, cap_anchors;
    long alias_nodes;
    const char *text;                            /* the input, for reader errors' places */
    size_t len;
    ytree_node *merged;                          /* merge sources, kept for their anchors */
} parse_state;

/* libyaml marks are 0-based; ours are 1-based. */
static int mark_line(const yaml_mark_t *m) { return (int)m->line + 1; }

/* 1-based column, shifted on the first line by the caller's offset. */
static int mark_col(const parse_state *ps, const yaml_mark_t *m)
{
    return (int)m->column + 1 + (m->line == 0 ? ps->col_offset : 0);
}

/* One message at a position of an origin, with the origin's context. */
static void origin_error(dlx_diags *diags, const ytree_origin *o, int line, int col, const char *msg)
{
    if (o->context)
        diags_add(diags, o->file, line, col, "%s: %s", o->context, msg);
    else
        diags_add(diags, o->file, line, col, "%s", msg);
}

/* Record a failed allocation once; parsing stops. */
static void out_of_memory(parse_state *ps)
{
    if (ps->status != DLX_ERR_RUNTIME)
        diags_add(ps->diags, ps->origin->file, 0, 0, "out of memory while reading YAML");
    ps->status = DLX_ERR_RUNTIME;
}

/* A problem in the document: reported, parsing goes on unless stopped. */
static void input_error(parse_state *ps, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void input_error(parse_state *ps, int line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ps->origin->context)
        diags_add_capped(ps->diags, ps->origin->file, line, col, "%s: %s", ps->origin->context, msg);
    else
        diags_add_capped(ps->diags, ps->origin->file, line, col, "%s", msg);
    if (ps->status == DLX_OK)
        ps->status = DLX_ERR_INPUT;
}

/* The latest anchor of that name, or NULL. */
static anchor_entry *anchor_find(parse_state *ps, const char *name)
{
    for (int i = ps->n_anchors - 1; i >= 0; i--)
        if (strcmp(ps->anchors[i].name, name) == 0)
            return &ps->anchors[i];
    return NULL;
}

/* Start an anchor (a redefinition shadows the earlier one, as YAML says). */
static char *anchor_open(parse_state *ps, const char *name)
{
    if (ps->n_anchors == ps->cap_anchors) {
        int cap = ps->cap_anchors ? 2 * ps->cap_anchors : 8;
        anchor_entry *a = realloc(ps->anchors, (size_t)cap * sizeof *a);
        if (!a) {
            out_of_memory(ps);
            return NULL;
        }
        ps->anchors = a;
        ps->cap_anchors = cap;
    }
    char *copy = strdup(name);
    if (!copy) {
        out_of_memory(ps);
        return NULL;
    }
    ps->anchors[ps->n_anchors++] = (anchor_entry){copy, NULL, 0};
    return copy;
}

/* The anchored node is complete: aliases may now copy it. */
static void anchor_close(parse_state *ps, const char *name, ytree_node *node)
{
    for (int i = ps->n_anchors - 1; i >= 0; i--)
        if (ps->anchors[i].name == name) {
            ps->anchors[i].node = node;
            ps->anchors[i].height = tree_height(node);
            return;
        }
}

/* Whether node is root or inside root's subtree (keys included; entries a
   merge moved out are NULL). */
static bool subtree_contains(const ytree_node *root, const ytree_node *node)
{
    if (!root)
        return false;
    if (root == node)
        return true;
    for (int i = 0; i < root->count; i++)
        if (subtree_contains(root->values[i], node) ||
            (root->kind == YTREE_MAP && subtree_contains(root->keys[i], node)))
            return true;
    return false;
}

/* Free a node the document does not keep (a duplicate key and its value,
   a non-scalar key), first forgetting every anchor defined inside it: an
   alias to it must not reach freed memory (found by fuzzing, see
   tests/fuzz/experiment/crashers). An earlier anchor of the same name is
   visible again, as if the discarded text had not been there. */
static void discard_node(parse_state *ps, ytree_node *node)
{
    int kept = 0;
    for (int i = 0; i < ps->n_anchors; i++) {
        anchor_entry *a = &ps->anchors[i];
        if (a->node && subtree_contains(node, a->node))
            free(a->name);
        else
            ps->anchors[kept++] = *a;
    }
    ps->n_anchors = kept;
    ytree_free(node);
}

/* FNV-1a of len bytes. */
static size_t key_hash(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return (size_t)(h ^ (h >> 32));
}

/* Index of the entry of map whose key is the C string text (compared as
   ytree_map_index compares), or -1. */
static int key_find(const key_index *x, const ytree_node *map, const char *text)
{
    if (x->cap == 0)
        return -1;
    size_t len = strlen(text), mask = (size_t)x->cap - 1;
    for (size_t j = key_hash(text, len) & mask; x->slots[j]; j = (j + 1) & mask) {
        const ytree_node *k = map->keys[x->slots[j] - 1];
        if (k->len == len && memcmp(k->text, text, len) == 0)
            return x->slots[j] - 1;
    }
    return -1;
}

/* Put entry i of map into the index (no check for an equal key). */
static void key_insert(key_index *x, const ytree_node *map, int i)
{
    size_t mask = (size_t)x->cap - 1;
    size_t j = key_hash(map->keys[i]->text, map->keys[i]->len) & mask;
    while (x->slots[j])
        j = (j + 1) & mask;
    x->slots[j] = i + 1;
}

/* Index every entry of map again, in a table at most half full; false when
   memory runs out. */
static bool key_rebuild(key_index *x, const ytree_node *map)
{
    int cap = x->cap ? x->cap : 16;
    while (cap < 2 * (map->count + 1))
        cap *= 2;
    if (cap != x->cap) {
        int *slots = realloc(x->slots, (size_t)cap * sizeof *slots);
        if (!slots)
            return false;
        x->slots = slots;
        x->cap = cap;
    }
    memset(x->slots, 0, (size_t)x->cap * sizeof *x->slots);
    for (int i = 0; i < map->count; i++)
        key_insert(x, map, i);
    return true;
}

/* The last entry of map was just appended: index it. */
static bool key_added(key_index *x, const ytree_node *map)
{
    if (2 * map->count > x->cap)
        return key_rebuild(x, map);
    key_insert(x, map, map->count - 1);
    return true;
}

/* Ready for a new mapping at this depth: small tables are cleared and
   kept, large ones freed (clearing a large table for each of many small
   mappings would cost more than the mappings). */
static void key_reset(key_index *x)
{
    if (x->cap > 64) {
        free(x->slots);
        *x = (key_index){0};
    } else if (x->cap) {
        memset(x->slots, 0, (size_t)x->cap * sizeof *x->slots);
    }
}

/* Merge key: copy the entries of `src` (a map) that `map` lacks into it
   (copies: src stays whole for an alias to its anchor). */
static void merge_from(parse_state *ps, ytree_node *map, key_index *keys, ytree_node *src)
{
    for (int i = 0; i < src->count; i++) {
        if (key_find(keys, map, src->keys[i]->text) >= 0)
            continue;
        ytree_node *k = ytree_clone(src->keys[i]), *v = ytree_clone(src->values[i]);
        if (!k || !v || !ytree_map_append(map, k, v)) {
            ytree_free(k);
            ytree_free(v);
            out_of_memory(ps);
            return;
        }
        if (!key_added(keys, map)) {
            out_of_memory(ps);
            return;
        }
    }
}

/* YAML 1.1 merge keys (`<<: *base` or `<<: [*a, *b]`): explicit keys win,
   then earlier merged mappings over later ones. */
static void resolve_merge_keys(parse_state *ps, ytree_node *map, key_index *keys)
{
    int i = key_find(keys, map, "<<");
    if (i < 0 || map->keys[i]->quoted)
        return;
    ytree_node *key = map->keys[i], *value = map->values[i];
    for (int j = i + 1; j < map->count; j++) {
        map->keys[j - 1] = map->keys[j];
        map->values[j - 1] = map->values[j];
    }
    map->count--;
    if (!key_rebuild(keys, map)) { /* the entries after '<<' moved */
        out_of_memory(ps);
        ytree_free(key);
        discard_node(ps, value);
        return;
    }
    if (value->kind == YTREE_MAP) {
        merge_from(ps, map, keys, value);
    } else if (value->kind == YTREE_SEQ) {
        for (int k = 0; k < value->count; k++) {
            if (value->values[k]->kind == YTREE_MAP)
                merge_from(ps, map, keys, value->values[k]);
            else
                input_error(ps, value->values[k]->line, value->values[k]->col,
                            "merge key '<<' takes mappings (an alias such as *base or a list of them)");
        }
    } else {
        input_error(ps, value->line, value->col,
                    "merge key '<<' takes a mapping (an alias such as *base or a list of them)");
    }
    /* The source may carry an anchor (`<<: &base {...}`) that later aliases
       use: keep it until the parse ends, in a sequence of spent sources. */
    ytree_free(key);
    if (!ps->merged)
        ps->merged = ytree_new_container(YTREE_SEQ, 0, 0, ps->origin);
    if (!ps->merged || !ytree_seq_append(ps->merged, value))
        discard_node(ps, value);
}

/* Hand a finished node to its parent (or make it the root). */
static void attach(parse_state *ps, ytree_node *node)
{
    if (ps->depth == 0) {
        ps->root = node;
        ps->have_root = true;
        return;
    }
    int top = ps->depth - 1;
    ytree_node *parent = ps->stack[top];
    if (parent->kind == YTREE_SEQ) {
        if (!ytree_seq_append(parent, node)) {
            ytree_free(node);
            out_of_memory(ps);
        }
        return;
    }
    ytree_node *key = ps->pending_key[top];
    if (key || ps->discard_value[top]) {
        ps->pending_key[top] = NULL;
        if (ps->discard_value[top]) {
            ps->discard_value[top] = false;
            discard_node(ps, node);
            return;
        }
        if (!ytree_map_append(parent, key, node)) {
            ytree_free(key);
            ytree_free(node);
            out_of_memory(ps);
        } else if (!key_added(&ps->keys[top], parent)) {
            out_of_memory(ps);
        }
        return;
    }
    /* node is a key */
    if (node->kind != YTREE_SCALAR) {
        input_error(ps, node->line, node->col, "mapping keys must be scalars");
        discard_node(ps, node);
        ps->discard_value[top] = true;
        return;
    }
    int first = key_find(&ps->keys[top], parent, node->text);
    if (first >= 0) {
        input_error(ps, node->line, node->col, "duplicate key '%.200s' (first defined at line %d, column %d)",
                    node->text, parent->keys[first]->line, parent->keys[first]->col);
        ps->discard_value[top] = true;
        discard_node(ps, node);
        return;
    }
    ps->pending_key[top] = node;
}

/* A string scalar when tagged !!str; other tags are ignored. */
static bool tagged_as_string(const yaml_char_t *tag)
{
    return tag && strcmp((const char *)tag, YAML_STR_TAG) == 0;
}

/* A scalar event: a new located scalar node. */
static void on_scalar(parse_state *ps, const yaml_event_t *ev)
{
    bool quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || tagged_as_string(ev->data.scalar.tag);
    ytree_node *n = ytree_new_scalar_len((const char *)ev->data.scalar.value, ev->data.scalar.length, quoted,
                                   mark_line(&ev->start_mark), mark_col(ps, &ev->start_mark), ps->origin);
    if (!n) {
        out_of_memory(ps);
        return;
    }
    if (ev->data.scalar.anchor) {
        char *name = anchor_open(ps, (const char *)ev->data.scalar.anchor);
        if (name)
            anchor_close(ps, name, n);
    }
    attach(ps, n);
}

/* A mapping or sequence starts: push an open node. */
static void on_container_start(parse_state *ps, const yaml_event_t *ev, ytree_kind kind)
{
    if (ps->depth == YTREE_MAX_DEPTH) {
        input_error(ps, mark_line(&ev->start_mark), mark_col(ps, &ev->start_mark),
                    "nesting deeper than %d levels", YTREE_MAX_DEPTH);
        ps->stop = true;
        return;
    }
    ytree_node *n = ytree_new_container(kind, mark_line(&ev->start_mark), mark_col(ps, &ev->start_mark), ps->origin);
    if (!n) {
        out_of_memory(ps);
        return;
    }
    const yaml_char_t *anchor = kind == YTREE_MAP ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    ps->open_anchor[ps->depth] = anchor ? anchor_open(ps, (const char *)anchor) : NULL;
    ps->pending_key[ps->depth] = NULL;
    ps->discard_value[ps->depth] = false;
    key_reset(&ps->keys[ps->depth]);
    ps->stack[ps->depth++] = n;
}

/* A mapping or sequence ends: pop it, resolve merge keys, attach it. */
static void on_container_end(parse_state *ps)
{
    ytree_node *n = ps->stack[--ps->depth];
    ytree_free(ps->pending_key[ps->depth]);
    ps->pending_key[ps->depth] = NULL;
    if (n->kind == YTREE_MAP)
        resolve_merge_keys(ps, n, &ps->keys[ps->depth]);
    if (ps->open_anchor[ps->depth])
        anchor_close(ps, ps->open_anchor[ps->depth], n);
    attach(ps, n);
}

/* An alias: a bounded deep copy of the anchored node. */
static void on_alias(parse_state *ps, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    int line = mark_line(&ev->start_mark), col = mark_col(ps, &ev->start_mark);
    anchor_entry *a = anchor_find(ps, name);
    ytree_node *copy = NULL;
    if (!a) {
        input_error(ps, line, col, "undefined alias '*%.200s'", name);
    } else if (!a->node) {
        input_error(ps, line, col, "alias '*%.200s' refers to a node that contains it", name);
    } else if (ps->depth + a->height > YTREE_MAX_DEPTH) {
        input_error(ps, line, col, "alias '*%.200s' nests deeper than %d levels", name, YTREE_MAX_DEPTH);
    } else {
        long budget = YTREE_MAX_ALIAS_NODES - ps->alias_nodes;
        long size = count_nodes(a->node, budget);
        if (size > budget) {
            input_error(ps, line, col,
                        "alias '*%.200s' expands the document beyond %d nodes (an exponential "
                        "\"billion laughs\" document?)", name, (int)YTREE_MAX_ALIAS_NODES);
            ps->stop = true;
        } else {
            ps->alias_nodes += size;
            copy = ytree_clone(a->node);
            if (!copy) {
                out_of_memory(ps);
                return;
            }
            copy->line = line;
            copy->col = col;
        }
    }
    if (!copy) {
        /* stand-in so that the structure stays consistent */
        copy = ytree_new_scalar_len("", 0, false, line, col, ps->origin);
        if (!copy) {
            out_of_memory(ps);
            return;
        }
    }
    attach(ps, copy);
}

/* libyaml's own error, with its problem and context texts. */
static void syntax_error(parse_state *ps, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";
    char msg[400];
    if (p->error == YAML_READER_ERROR) {
        /* libyaml gives only a byte offset here: count lines and columns. */
        int line = 1, col = 1;
        size_t at = p->problem_offset < ps->len ? p->problem_offset : ps->len;
        for (size_t i = 0; i < at; i++) {
            if (ps->text[i] == '\n')
                line++, col = 1;
            else if (((unsigned char)ps->text[i] & 0xC0) != 0x80)
                col++;
        }
        if (at < ps->len)
            snprintf(msg, sizeof msg, "%s (byte 0x%02x): the file must be UTF-8 text", problem,
                     (unsigned char)ps->text[at]);
        else
            snprintf(msg, sizeof msg, "%s: the file must be UTF-8 text", problem);
        origin_error(ps->diags, ps->origin, line, col + (line == 1 ? ps->col_offset : 0), msg);
    } else if (p->error == YAML_MEMORY_ERROR) {
        out_of_memory(ps);
        return;
    } else {
        if (p->context)
            snprintf(msg, sizeof msg, "%s %s (which started at line %d)", problem, p->context,
                     mark_line(&p->context_mark));
        else
            snprintf(msg, sizeof msg, "%s", problem);
        size_t at = p->problem_mark.index;
        if (at < ps->len && ps->text[at] == '\t')
            strncat(msg, " (a tab: YAML indents with spaces only)", sizeof msg - strlen(msg) - 1);
        origin_error(ps->diags, ps->origin, mark_line(&p->problem_mark), mark_col(ps, &p->problem_mark), msg);
    }
    if (ps->status == DLX_OK)
        ps->status = DLX_ERR_INPUT;
}

/* Free what an interrupted parse left open. */
static void parse_state_free(parse_state *ps)
{
    for (int i = 0; i < ps->depth; i++) {
        ytree_free(ps->stack[i]);
        ytree_free(ps->pending_key[i]);
    }
    for (int i = 0; i < ps->n_anchors; i++)
        free(ps->anchors[i].name);
    free(ps->anchors);
    ytree_free(ps->merged);
    for (int i = 0; i <= YTREE_MAX_DEPTH; i++)
        free(ps->keys[i].slots);
}

/* Handle one event; false at the end of the stream or on a fatal error. */
static bool on_event(parse_state *ps, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_STREAM_END_EVENT: return false;
    case YAML_DOCUMENT_START_EVENT:
        if (++ps->documents > 1) {
            input_error(ps, mark_line(&ev->start_mark), mark_col(ps, &ev->start_mark),
                        "expected a single YAML document, found a second one");
            return false;
        }
        return true;
    case YAML_SCALAR_EVENT: on_scalar(ps, ev); break;
    case YAML_SEQUENCE_START_EVENT: on_container_start(ps, ev, YTREE_SEQ); break;
    case YAML_MAPPING_START_EVENT: on_container_start(ps, ev, YTREE_MAP); break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: on_container_end(ps); break;
    case YAML_ALIAS_EVENT: on_alias(ps, ev); break;
    default: break;
    }
    return ps->status != DLX_ERR_RUNTIME && !ps->stop;
}

dlx_status ytree_parse(const char *text, size_t len, const ytree_origin *origin, int col_offset,
                       ytree_node **root, dlx_diags *diags)
{
    *root = NULL;
    parse_state *ps = calloc(1, sizeof *ps);
    if (!ps) {
        diags_add(diags, origin->file, 0, 0, "out of memory while reading YAML");
        return DLX_ERR_RUNTIME;
    }
    ps->origin = origin;
    ps->col_offset = col_offset;
    ps->diags = diags;
    ps->text = text;
    ps->len = len;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        free(ps);
        diags_add(diags, origin->file, 0, 0, "out of memory while reading YAML");
        return DLX_ERR_RUNTIME;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            syntax_error(ps, &parser);
            break;
        }
        bool more = on_event(ps, &ev);
        yaml_event_delete(&ev);
        if (!more)
            break;
    }
    yaml_parser_delete(&parser);
    dlx_status st = ps->status;
    if (st == DLX_OK)
        *root = ps->root;
    else
        ytree_free(ps->root);
    parse_state_free(ps);
    free(ps);
    return st;
}
