/*
 * diag.h — error reporting shared by every layer.
 *
 * Library code never exits, asserts on user input, or prints: it appends
 * diagnostics to a dlx_diags list and returns a dlx_status. Only main() turns
 * the status into an exit code (SPEC §1: 1 runtime failure, 2 usage / file /
 * data error). A diagnostic prints the way compilers print:
 *
 *     FILE:LINE:COL: error: MESSAGE      (line > 0)
 *     FILE: error: MESSAGE               (file given, no line)
 *     dlx: error: MESSAGE                (no file)
 *
 * Inputs can hold an error per line (100,000 unknown keys), so the
 * reporters that can fire once per line of input add through
 * diags_add_capped: once a list holds DLX_MAX_ERRORS diagnostics, further
 * ones are only counted (d->more), and diags_print ends with
 * "... and N more errors". diags_seen tells whether an identical
 * diagnostic was reported already (kept or counted), through a hash index
 * of fingerprints, so that checking each new message against all earlier
 * ones costs O(1), not O(n).
 */
#ifndef DLX_UTIL_DIAG_H
#define DLX_UTIL_DIAG_H

#include <stdbool.h>
#include <stdio.h>

typedef enum {
    DLX_OK = 0,
    DLX_ERR_RUNTIME = 1, /* I/O error, out of memory: exit 1 */
    DLX_ERR_INPUT = 2,   /* usage, experiment file or data error: exit 2 */
} dlx_status;

typedef struct {
    char *file;    /* may be NULL */
    int line, col; /* 1-based; 0 when unknown */
    char *message; /* without the "error: " prefix */
} dlx_diag;

#define DLX_MAX_ERRORS 100 /* diagnostics kept before diags_add_capped only counts */

typedef struct diag_index diag_index;

typedef struct {
    dlx_diag *items;
    int count, cap;
    int more;           /* reported through diags_add_capped but not kept */
    diag_index *index;  /* fingerprints for diags_seen; built lazily, private to diag.c */
} dlx_diags;

/* Append one error. file may be NULL; line/col 0 when unknown. printf-style. */
void diags_add(dlx_diags *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Like diags_add, but when the list already holds DLX_MAX_ERRORS
   diagnostics the error is only counted in d->more (and remembered for
   diags_seen). For reporters that can fire once per line of input. */
void diags_add_capped(dlx_diags *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* True when the list holds this very diagnostic, or counted it in more.
   (Fingerprints: 64-bit hashes, so two different diagnostics are taken for
   the same with a probability of about 2^-64.) */
bool diags_seen(dlx_diags *d, const char *file, int line, int col, const char *message);

/* Every error reported: the ones kept and the ones only counted. Compare
   two totals, not counts, to see whether a stage reported anything. */
int diags_total(const dlx_diags *d);

/* Whether d holds a diagnostic with g's file, place and message. */
bool diags_contains(const dlx_diags *d, const dlx_diag *g);

/* Print every diagnostic, one per line, sorted by (file, line, col) and
   stable among equal locations; then, when some were only counted,
   "dlx: error: ... and N more errors". */
void diags_print(const dlx_diags *d, FILE *out);

/* Free the messages and the list; leaves d empty and reusable. */
void diags_free(dlx_diags *d);

#endif
