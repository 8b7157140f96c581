/*
 * diag.c — collecting and printing errors in compiler form (see diag.h).
 *
 * A list is an array of diagnostics grown by doubling. Two things keep a
 * list of many errors linear: the cap (diags_add_capped keeps at most
 * DLX_MAX_ERRORS and counts the rest), and the fingerprint index behind
 * diags_seen, an open-addressing hash set of 64-bit hashes of (file, line,
 * column, message). The index is built lazily: a query first adds the
 * items appended since the last one, so callers that never ask pay
 * nothing. Printing sorts with qsort on (place, order of arrival), which is
 * stable and n log n.
 */
#include "util/diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct diag_index {
    uint64_t *slots; /* 0 = empty */
    size_t cap;      /* a power of two */
    size_t used;
    int indexed;     /* items[0, indexed) are in the set */
};

/* Append a formatted message (dropped when memory runs out). */
static void add_v(dlx_diags *d, const char *file, int line, int col, const char *fmt, va_list ap)
{
    if (d->count == d->cap) {
        int cap = d->cap ? 2 * d->cap : 8;
        dlx_diag *items = realloc(d->items, (size_t)cap * sizeof *items);
        if (!items)
            return; /* out of memory while reporting: drop the message */
        d->items = items;
        d->cap = cap;
    }
    /* Format into a stack buffer; a longer message is formatted again into
       a buffer of the size the first pass measured. */
    char small[256];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0)
        n = 0;
    char *msg = malloc((size_t)n + 1);
    if (msg && (size_t)n < sizeof small)
        memcpy(msg, small, (size_t)n + 1);
    else if (msg)
        vsnprintf(msg, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!msg)
        return;
    d->items[d->count++] = (dlx_diag){file ? strdup(file) : NULL, line, col, msg};
}

void diags_add(dlx_diags *d, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_v(d, file, line, col, fmt, ap);
    va_end(ap);
}

/* FNV-1a over the bytes of s (and its terminating NUL, as a separator). */
static uint64_t fnv_string(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); ; p++) {
        h = (h ^ *p) * 0x100000001b3ULL;
        if (!*p)
            return h;
    }
}

/* The fingerprint of a diagnostic; never 0 (the empty slot). */
static uint64_t fingerprint(const char *file, int line, int col, const char *message)
{
    uint64_t h = fnv_string(0xcbf29ce484222325ULL, file);
    h = (h ^ (uint32_t)line) * 0x100000001b3ULL;
    h = (h ^ (uint32_t)col) * 0x100000001b3ULL;
    h = fnv_string(h, message);
    h ^= h >> 29; /* mix the high bits into the slot number */
    return h ? h : 1;
}

/* Insert a fingerprint (true) or find it (false when absent); grows the
   table at half full. False also when memory runs out while inserting. */
static bool index_probe(diag_index *x, uint64_t f, bool insert)
{
    if (insert && 2 * (x->used + 1) > x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 64;
        uint64_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return false;
        for (size_t i = 0; i < x->cap; i++)
            if (x->slots[i])
                for (size_t j = x->slots[i] & (cap - 1);; j = (j + 1) & (cap - 1))
                    if (!slots[j]) {
                        slots[j] = x->slots[i];
                        break;
                    }
        free(x->slots);
        x->slots = slots;
        x->cap = cap;
    }
    if (x->cap == 0)
        return false;
    for (size_t j = f & (x->cap - 1);; j = (j + 1) & (x->cap - 1)) {
        if (x->slots[j] == f)
            return true;
        if (!x->slots[j]) {
            if (!insert)
                return false;
            x->slots[j] = f;
            x->used++;
            return true;
        }
    }
}

/* The index, with every kept item in it (NULL when memory runs out). */
static diag_index *index_update(dlx_diags *d)
{
    if (!d->index && !(d->index = calloc(1, sizeof *d->index)))
        return NULL;
    diag_index *x = d->index;
    if (x->indexed > d->count) { /* the list was cut back: start again */
        memset(x->slots, 0, x->cap * sizeof *x->slots);
        x->used = 0;
        x->indexed = 0;
    }
    for (; x->indexed < d->count; x->indexed++) {
        const dlx_diag *g = &d->items[x->indexed];
        index_probe(x, fingerprint(g->file, g->line, g->col, g->message), true);
    }
    return x;
}

bool diags_seen(dlx_diags *d, const char *file, int line, int col, const char *message)
{
    diag_index *x = index_update(d);
    return x && index_probe(x, fingerprint(file, line, col, message), false);
}

void diags_add_capped(dlx_diags *d, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (d->count < DLX_MAX_ERRORS) {
        add_v(d, file, line, col, fmt, ap);
    } else {
        char msg[1400];
        vsnprintf(msg, sizeof msg, fmt, ap);
        diag_index *x = index_update(d);
        if (x)
            index_probe(x, fingerprint(file, line, col, msg), true);
        d->more++;
    }
    va_end(ap);
}

int diags_total(const dlx_diags *d)
{
    return d->count + d->more;
}

/* The items in print order, for qsort: a diagnostic and its arrival. */
typedef struct {
    const dlx_diag *g;
    int arrival;
} diag_ref;

/* Order by file, then line, then column, then arrival (stable). */
static int compare_refs(const void *pa, const void *pb)
{
    const diag_ref *a = pa, *b = pb;
    int c = strcmp(a->g->file ? a->g->file : "", b->g->file ? b->g->file : "");
    if (c)
        return c;
    if (a->g->line != b->g->line)
        return a->g->line < b->g->line ? -1 : 1;
    if (a->g->col != b->g->col)
        return a->g->col < b->g->col ? -1 : 1;
    return (a->arrival > b->arrival) - (a->arrival < b->arrival);
}

void diags_print(const dlx_diags *d, FILE *out)
{
    int n = d->count;
    diag_ref *order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    if (!order)
        return;
    for (int i = 0; i < n; i++)
        order[i] = (diag_ref){&d->items[i], i};
    qsort(order, (size_t)n, sizeof *order, compare_refs);
    for (int k = 0; k < n; k++) {
        const dlx_diag *g = order[k].g;
        if (g->file && g->line > 0)
            fprintf(out, "%s:%d:%d: error: %s\n", g->file, g->line, g->col > 0 ? g->col : 1, g->message);
        else if (g->file)
            fprintf(out, "%s: error: %s\n", g->file, g->message);
        else
            fprintf(out, "dlx: error: %s\n", g->message);
    }
    if (d->more > 0)
        fprintf(out, "dlx: error: ... and %d more error%s\n", d->more, d->more == 1 ? "" : "s");
    free(order);
}

void diags_free(dlx_diags *d)
{
    for (int i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    if (d->index)
        free(d->index->slots);
    free(d->index);
    *d = (dlx_diags){0};
}

bool diags_contains(const dlx_diags *d, const dlx_diag *g)
{
    for (int i = 0; i < d->count; i++) {
        const dlx_diag *h = &d->items[i];
        if (h->line == g->line && h->col == g->col && strcmp(h->message, g->message) == 0 &&
            strcmp(h->file ? h->file : "", g->file ? g->file : "") == 0)
            return true;
    }
    return false;
}
