/*
 * csv_reader.c — reading a CSV file into strings (see csv_reader.h).
 */
#include "io/csv_reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file, NUL-terminated; *len its size. */
static char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
    }
    fclose(fp);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

/* Split one record starting at *p into fields (written into fields[], at
   most max); *p moves past its newline. Returns the number of fields, or -1
   for a record without its final newline. Fields are unescaped in place. */
static int split_record(char **p, char **fields, int max)
{
    char *s = *p, *w = s;
    int n = 0;
    for (;;) {
        char *start = w;
        if (*s == '"') {
            s++;
            while (*s && !(*s == '"' && s[1] != '"'))
                *w++ = (*s == '"') ? (s += 2, '"') : *s++;
            if (*s == '"')
                s++;
        }
        while (*s && *s != ',' && *s != '\n' && *s != '\r')
            *w++ = *s++;
        char end = *s;
        *w++ = '\0';
        if (n < max)
            fields[n] = start;
        n++;
        if (end == ',') {
            s++;
            continue;
        }
        if (end == '\0')
            return -1;
        if (end == '\r' && s[1] == '\n')
            s++;
        *p = s + 1;
        return n;
    }
}

/* A new array of n copies of fields (missing ones ""). */
static char **copy_fields(char **fields, int have, int n)
{
    char **row = calloc((size_t)n, sizeof *row);
    for (int i = 0; row && i < n; i++) {
        row[i] = strdup(i < have ? fields[i] : "");
        if (!row[i]) {
            while (i-- > 0)
                free(row[i]);
            free(row);
            return NULL;
        }
    }
    return row;
}

dlx_status csv_read_table(const char *path, dlx_text_table *t, dlx_diags *diags)
{
    *t = (dlx_text_table){0};
    size_t len;
    char *text = read_all(path, &len);
    if (!text) {
        int err = errno;
        diags_add(diags, path, 0, 0, "cannot read: %s", strerror(err));
        return err == ENOMEM ? DLX_ERR_RUNTIME : DLX_ERR_INPUT;   /* a missing file is the caller's call */
    }
    enum { MAX_FIELDS = 4096 };
    char **fields = malloc(MAX_FIELDS * sizeof *fields);
    dlx_status st = fields ? DLX_OK : DLX_ERR_RUNTIME;
    char *p = text;
    int line = 1;
    while (st == DLX_OK && *p) {
        int n = split_record(&p, fields, MAX_FIELDS);
        if (n < 0)
            break; /* an unfinished last line */
        if (!t->header) {
            t->n_cols = n < MAX_FIELDS ? n : MAX_FIELDS;
            t->header = copy_fields(fields, t->n_cols, t->n_cols);
            if (!t->header)
                st = DLX_ERR_RUNTIME;
        } else if (n > t->n_cols) {
            diags_add(diags, path, line, 0, "%d fields, but the header has %d", n, t->n_cols);
            st = DLX_ERR_INPUT;
        } else {
            char ***rows = realloc(t->rows, (size_t)(t->n_rows + 1) * sizeof *rows);
            char **row = rows ? copy_fields(fields, n, t->n_cols) : NULL;
            if (rows)
                t->rows = rows;
            if (!row)
                st = DLX_ERR_RUNTIME;
            else
                t->rows[t->n_rows++] = row;
        }
        line++;
    }
    if (st == DLX_OK && !t->header) {
        diags_add(diags, path, 0, 0, "empty file (no header row)");
        st = DLX_ERR_INPUT;
    }
    if (st == DLX_ERR_RUNTIME)
        diags_add(diags, path, 0, 0, "out of memory");
    free(fields);
    free(text);
    if (st != DLX_OK)
        csv_table_free(t);
    return st;
}

int csv_table_column(const dlx_text_table *t, const char *name)
{
    for (int i = 0; i < t->n_cols; i++)
        if (strcmp(t->header[i], name) == 0)
            return i;
    return -1;
}

static void free_fields(char **row, int n)
{
    for (int i = 0; row && i < n; i++)
        free(row[i]);
    free(row);
}

void csv_table_free(dlx_text_table *t)
{
    free_fields(t->header, t->n_cols);
    for (int r = 0; r < t->n_rows; r++)
        free_fields(t->rows[r], t->n_cols);
    free(t->rows);
    *t = (dlx_text_table){0};
}
