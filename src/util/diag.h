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
 */
#ifndef DLX_UTIL_DIAG_H
#define DLX_UTIL_DIAG_H

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

typedef struct {
    dlx_diag *items;
    int count, cap;
} dlx_diags;

/* Append one error. file may be NULL; line/col 0 when unknown. printf-style. */
void diags_add(dlx_diags *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Print every diagnostic, one per line, sorted by (file, line, col) and
   stable among equal locations. */
void diags_print(const dlx_diags *d, FILE *out);

/* Free the messages and the list; leaves d empty and reusable. */
void diags_free(dlx_diags *d);

#endif
