/* Helpers shared by the tests of the spec layer: load YAML text and look
   for a diagnostic by position and message words. */
#ifndef DLX_TESTS_SPEC_TEST_UTIL_H
#define DLX_TESTS_SPEC_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/experiment.h"

typedef struct {
    dlx_experiment *exp;
    dlx_sweep *sweep;
    dlx_diags diags;
    dlx_status status;
    char point_values[DLX_MAX_SWEEP_KEYS][128];
} loaded;

/* Load text as "t.yaml" with the given --set overrides and sweep point. */
static inline loaded *load_text(const char *text, const char *const *sets, int n_sets, int point)
{
    loaded *l = calloc(1, sizeof *l);
    l->exp = calloc(1, sizeof *l->exp);
    l->sweep = calloc(1, sizeof *l->sweep);
    dlx_overrides ov = {sets, n_sets};
    l->status = experiment_load_string(l->exp, l->sweep, text, strlen(text), "t.yaml", &ov, point,
                                       l->point_values, &l->diags);
    return l;
}

static inline void loaded_free(loaded *l)
{
    diags_free(&l->diags);
    free(l->exp);
    free(l->sweep);
    free(l);
}

/* Print every diagnostic (shown by cmocka when a test fails). */
static inline void show_diags(const dlx_diags *d)
{
    diags_print(d, stderr);
}

/* True when a diagnostic has this file, line and column and its message
   contains every one of the NULL-terminated words. */
static inline int has_diag(const dlx_diags *d, const char *file, int line, int col, const char *const *words)
{
    for (int i = 0; i < d->count; i++) {
        const dlx_diag *g = &d->items[i];
        if (g->line != line || g->col != col || strcmp(g->file ? g->file : "", file) != 0)
            continue;
        int all = 1;
        for (int w = 0; words[w]; w++)
            all &= strstr(g->message, words[w]) != NULL;
        if (all)
            return 1;
    }
    show_diags(d);
    return 0;
}

#define HAS_DIAG(d, file, line, col, ...) has_diag((d), (file), (line), (col), (const char *const[]){__VA_ARGS__, NULL})

#endif
