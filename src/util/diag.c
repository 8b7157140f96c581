/*
 * diag.c — collecting and printing errors in compiler form (see diag.h).
 */
#include "util/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diags_add(dlx_diags *d, const char *file, int line, int col, const char *fmt, ...)
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
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *msg = malloc((size_t)n + 1);
    if (!msg)
        return;
    if ((size_t)n < sizeof small) {
        memcpy(msg, small, (size_t)n + 1);
    } else {
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    d->items[d->count++] = (dlx_diag){file ? strdup(file) : NULL, line, col, msg};
}

/* Order by file, then line, then column; insertion sort keeps equal keys stable. */
static int diag_before(const dlx_diag *a, const dlx_diag *b)
{
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (c)
        return c < 0;
    if (a->line != b->line)
        return a->line < b->line;
    return a->col < b->col;
}

void diags_print(const dlx_diags *d, FILE *out)
{
    int n = d->count;
    int *order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    if (!order)
        return;
    for (int i = 0; i < n; i++) {
        int j = i;
        while (j > 0 && diag_before(&d->items[i], &d->items[order[j - 1]])) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (int k = 0; k < n; k++) {
        const dlx_diag *g = &d->items[order[k]];
        if (g->file && g->line > 0)
            fprintf(out, "%s:%d:%d: error: %s\n", g->file, g->line, g->col > 0 ? g->col : 1, g->message);
        else if (g->file)
            fprintf(out, "%s: error: %s\n", g->file, g->message);
        else
            fprintf(out, "dlx: error: %s\n", g->message);
    }
    free(order);
}

void diags_free(dlx_diags *d)
{
    for (int i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    *d = (dlx_diags){0};
}
