/*
 * csv_table.c — reading a train/test pair of CSV files (see csv_table.h).
 *
 * Each file is read whole into memory and parsed in place: a quoted field is
 * unquoted where it stands and every field is NUL-terminated over its
 * delimiter, so a field is a pointer into the file's text with its line and
 * column. Values go straight into a growing [rows, inputs] float matrix and
 * a target vector in double (kept in double so that the classification rule
 * sees the value as written, not its float rounding).
 */
#include "data/csv_table.h"
#include "util/real.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MESSAGE_MAX = 512, SUGGEST_NAME_MAX = 128 };

/* One field of a record: unquoted, trimmed, NUL-terminated, in the file's text. */
typedef struct {
    char *text;
    int line, col;
} csv_field;

typedef struct {
    csv_field *items;
    int count, cap;
    int line;             /* where the record starts */
    int end_line, end_col; /* just after its last field: where a missing field would go */
} csv_record;

typedef struct {
    const char *path;
    dlx_diags *d;
    char *text; /* the whole file, NUL-terminated */
    char *end;  /* text + file length */
    char *p;    /* next byte to parse */
    char *line_start;
    int line;
    int errors; /* problems found in this file (only the first CSV_MAX_ERRORS are reported) */
} csv_reader;

/* The columns of one file: header names, inputs and target values. */
typedef struct {
    int n_cols;
    int has_header;
    char **names; /* [n_cols] when has_header; point into the reader's text */
    int n_rows, cap_rows;
    real *inputs;  /* [n_rows, n_cols - 1] */
    double *target; /* [n_rows] */
    int weight_col;  /* data.weight's column, -1 when none: not an input */
    double *weight;  /* [n_rows] that column's values, when weight_col >= 0 */
    csv_field nonlabel; /* the first target that is not a class label (text NULL when none) */
} csv_columns;

typedef enum { REC_OK, REC_EOF, REC_BAD, REC_NOMEM } record_status;

typedef enum { NUM_OK, NUM_EMPTY, NUM_NOT_A_NUMBER, NUM_NOT_FINITE, NUM_TOO_LARGE } number_status;

/* Report a problem of the file at line:col, up to CSV_MAX_ERRORS of them. */
static void csv_error(csv_reader *r, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void csv_error(csv_reader *r, int line, int col, const char *fmt, ...)
{
    r->errors++;
    if (r->errors > CSV_MAX_ERRORS)
        return;
    char message[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    diags_add(r->d, r->path, line, col, "%s", message);
    if (r->errors == CSV_MAX_ERRORS)
        diags_add(r->d, r->path, line, col, "too many errors in this file; stopped reading it");
}

/* Read the whole file into r->text. */
static dlx_status csv_open(csv_reader *r, const char *path, dlx_diags *d)
{
    *r = (csv_reader){.path = path, .d = d, .line = 1};
    FILE *f = fopen(path, "rb");
    if (!f) {
        int err = errno;
        diags_add(d, path, 0, 0, "cannot open: %s", strerror(err));
        return err == ENOENT || err == ENOTDIR || err == EACCES || err == EISDIR ? DLX_ERR_INPUT
                                                                                 : DLX_ERR_RUNTIME;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        diags_add(d, path, 0, 0, "cannot read: not a regular file");
        return DLX_ERR_INPUT;
    }
    size_t size = (size_t)st.st_size;
    r->text = malloc(size + 1);
    if (!r->text) {
        fclose(f);
        diags_add(d, path, 0, 0, "out of memory reading %zu bytes", size);
        return DLX_ERR_RUNTIME;
    }
    size_t got = fread(r->text, 1, size, f);
    int read_failed = ferror(f);
    fclose(f);
    if (got != size || read_failed) {
        diags_add(d, path, 0, 0, "read error: got %zu of %zu bytes", got, size);
        free(r->text);
        r->text = NULL;
        return DLX_ERR_RUNTIME;
    }
    r->text[size] = '\0';
    r->end = r->text + size;
    r->p = r->text;
    if (size >= 3 && memcmp(r->text, "\xEF\xBB\xBF", 3) == 0)
        r->p += 3; /* UTF-8 byte-order mark */
    r->line_start = r->p;
    return DLX_OK;
}

/* 1-based column of the byte `at` on the current line. */
static int column_of(const csv_reader *r, const char *at) { return (int)(at - r->line_start) + 1; }

/* The parser crossed a line end: the next line starts at `next`. */
static void start_line(csv_reader *r, char *next)
{
    r->line++;
    r->line_start = next;
}

/* Move r->p past the end of the current line (after a malformed record). */
static void skip_line(csv_reader *r, char *from)
{
    char *q = from;
    while (q < r->end && *q != '\n')
        q++;
    if (q < r->end) {
        r->p = q + 1;
        start_line(r, r->p);
    } else {
        r->p = r->end;
    }
}

/* Skip lines that are empty or hold only spaces and tabs. */
static void skip_blank_lines(csv_reader *r)
{
    for (;;) {
        char *q = r->p;
        while (*q == ' ' || *q == '\t')
            q++;
        if (q == r->end) {
            r->p = q;
            return;
        }
        if (*q != '\n' && *q != '\r')
            return;
        q += q[0] == '\r' && q[1] == '\n' ? 2 : 1;
        r->p = q;
        start_line(r, q);
    }
}

/* Cut spaces and tabs from both ends of s, in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Append f to the record, growing it; 0 when memory runs out. */
static int push_field(csv_record *rec, csv_field f)
{
    if (rec->count == rec->cap) {
        int cap = rec->cap ? 2 * rec->cap : 64;
        csv_field *items = realloc(rec->items, (size_t)cap * sizeof *items);
        if (!items)
            return 0;
        rec->items = items;
        rec->cap = cap;
    }
    rec->items[rec->count++] = f;
    return 1;
}

/* Parse a quoted field starting at r->p (the opening quote), unquoting it in
   place. *after receives the position of the byte after the closing quote. */
static record_status parse_quoted(csv_reader *r, csv_field *f, char **after)
{
    char *w = r->p, *q = r->p + 1;
    for (;;) {
        if (q == r->end) {
            csv_error(r, f->line, f->col, "unterminated quoted field");
            r->p = r->end;
            return REC_BAD;
        }
        if (*q == '"') {
            if (q[1] == '"') {
                *w++ = '"';
                q += 2;
                continue;
            }
            q++;
            break;
        }
        if (*q == '\n')
            start_line(r, q + 1);
        *w++ = *q++;
    }
    if (*q != ',' && *q != '\n' && *q != '\r' && q != r->end) {
        csv_error(r, r->line, column_of(r, q), "unexpected '%c' after the closing quote of a field",
                  *q);
        skip_line(r, q);
        return REC_BAD;
    }
    *w = '\0';
    f->text = r->p;
    *after = q;
    return REC_OK;
}

/* Parse the next record into rec. */
static record_status next_record(csv_reader *r, csv_record *rec)
{
    skip_blank_lines(r);
    if (r->p == r->end)
        return REC_EOF;
    rec->count = 0;
    rec->line = r->line;
    for (;;) {
        csv_field f = {.line = r->line, .col = column_of(r, r->p)};
        char *q;
        if (*r->p == '"') {
            record_status s = parse_quoted(r, &f, &q);
            if (s != REC_OK)
                return s;
        } else {
            q = r->p;
            while (*q != ',' && *q != '\n' && *q != '\r' && *q != '\0')
                q++;
            if (*q == '\0' && q != r->end) {
                csv_error(r, r->line, column_of(r, q), "NUL byte in a CSV file");
                skip_line(r, q);
                return REC_BAD;
            }
            f.text = r->p;
        }
        char delim = *q;
        rec->end_line = r->line;
        rec->end_col = column_of(r, q);
        *q = '\0';
        f.text = trim(f.text);
        if (!push_field(rec, f))
            return REC_NOMEM;
        if (delim == ',') {
            r->p = q + 1;
            continue;
        }
        if (delim == '\0') {
            r->p = r->end;
        } else {
            if (delim == '\r' && q[1] == '\n')
                q++;
            r->p = q + 1;
            start_line(r, r->p);
        }
        return REC_OK;
    }
}

/* Read a number written with '.' as decimal point (the caller sets the C
   numeric locale); the whole text must be the number. */
static number_status parse_number(const char *text, double *value)
{
    if (!*text)
        return NUM_EMPTY;
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end)
        return NUM_NOT_A_NUMBER;
    if (!isfinite(v))
        return NUM_NOT_FINITE;
    if (fabs(v) > REAL_MAX)
        return NUM_TOO_LARGE;
    *value = v;
    return NUM_OK;
}

/* "column 'name'" with a header, else "column K" (0-based, as data.target). */
static void column_label(char *buf, size_t size, const csv_columns *c, int k)
{
    if (c->has_header)
        snprintf(buf, size, "column '%.64s'", c->names[k]);
    else
        snprintf(buf, size, "column %d", k);
}

/* Read the first record: it fixes the column count and is a header when any
   non-empty field is not a number. *pending is 1 when it is data still to
   be read by read_rows. */
static dlx_status read_first_row(csv_reader *r, csv_record *rec, csv_columns *c, int *pending)
{
    record_status s = next_record(r, rec);
    if (s == REC_NOMEM) {
        diags_add(r->d, r->path, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    if (s == REC_BAD)
        return DLX_ERR_INPUT;
    if (s == REC_EOF) {
        diags_add(r->d, r->path, 0, 0, "the file holds no rows");
        return DLX_ERR_INPUT;
    }
    c->n_cols = rec->count;
    c->has_header = 0;
    for (int k = 0; k < rec->count; k++) {
        double v;
        if (parse_number(rec->items[k].text, &v) == NUM_NOT_A_NUMBER)
            c->has_header = 1;
    }
    *pending = !c->has_header;
    if (c->has_header) {
        c->names = malloc((size_t)c->n_cols * sizeof *c->names);
        if (!c->names) {
            diags_add(r->d, r->path, 0, 0, "out of memory");
            return DLX_ERR_RUNTIME;
        }
        for (int k = 0; k < c->n_cols; k++)
            c->names[k] = rec->items[k].text;
    }
    return DLX_OK;
}

/* The input columns of a row: all but the target and the weight column. */
static size_t input_columns(const csv_columns *c)
{
    return (size_t)c->n_cols - 1 - (c->weight_col >= 0);
}

/* Make room for one more row, doubling the arrays up to the size limit. */
static dlx_status grow_rows(csv_reader *r, csv_columns *c)
{
    if (c->n_rows < c->cap_rows)
        return DLX_OK;
    size_t inputs = input_columns(c);
    size_t max_rows = DLX_SPLIT_MAX_VALUES / inputs;
    if (max_rows > INT_MAX)
        max_rows = INT_MAX;
    if ((size_t)c->n_rows >= max_rows) /* one more row is over the limit: say so */
        return split_check_size((size_t)c->n_rows + 1, inputs, "rows", r->path, r->d);
    size_t cap = c->cap_rows ? 2 * (size_t)c->cap_rows : 1024;
    if (cap > max_rows)
        cap = max_rows;
    real *x = realloc(c->inputs, cap * inputs * sizeof *x);
    if (x)
        c->inputs = x;
    double *t = realloc(c->target, cap * sizeof *t);
    if (t)
        c->target = t;
    double *w = c->weight_col >= 0 ? realloc(c->weight, cap * sizeof *w) : NULL;
    if (w)
        c->weight = w;
    if (!x || !t || (c->weight_col >= 0 && !w)) {
        diags_add(r->d, r->path, 0, 0, "out of memory after %d rows", c->n_rows);
        return DLX_ERR_RUNTIME;
    }
    c->cap_rows = (int)cap;
    return DLX_OK;
}

/* Report a field that parse_number refused. */
static void report_field(csv_reader *r, const csv_columns *c, int k, const csv_field *f,
                         number_status why)
{
    char col[96];
    column_label(col, sizeof col, c, k);
    if (why == NUM_EMPTY)
        csv_error(r, f->line, f->col, "empty field in %s", col);
    else if (why == NUM_NOT_A_NUMBER)
        csv_error(r, f->line, f->col, "'%.40s' in %s is not a number", f->text, col);
    else if (why == NUM_NOT_FINITE)
        csv_error(r, f->line, f->col, "'%.40s' in %s is not a finite number", f->text, col);
    else
        csv_error(r, f->line, f->col, "'%.40s' in %s is beyond the float32 range", f->text, col);
}

/* The classification rule of csv_table.h for one target: an integer in
   [0, CSV_CLASS_LIMIT). */
static int is_class_label(double v) { return v >= 0 && v < CSV_CLASS_LIMIT && v == floor(v); }

/* Check and store one record as a row; return 0 when a field is bad. */
static int store_row(csv_reader *r, const csv_record *rec, int target_col, csv_columns *c)
{
    int ok = 1;
    real *row = c->inputs + (size_t)c->n_rows * input_columns(c);
    for (int k = 0, j = 0; k < rec->count; k++) {
        double v = 0;
        number_status why = parse_number(rec->items[k].text, &v);
        if (why != NUM_OK) {
            report_field(r, c, k, &rec->items[k], why);
            ok = 0;
        }
        if (k == target_col) {
            c->target[c->n_rows] = v;
            if (why == NUM_OK && !is_class_label(v) && !c->nonlabel.text)
                c->nonlabel = rec->items[k];
        } else if (k == c->weight_col) {
            c->weight[c->n_rows] = v;
            if (why == NUM_OK && !(v >= 0)) {
                csv_error(r, rec->items[k].line, rec->items[k].col,
                          "the loss weight (data.weight) must be >= 0, got %.40s", rec->items[k].text);
                ok = 0;
            }
        } else {
            row[j++] = (real)v;
        }
    }
    return ok;
}

/* Read the data rows (the first one already in rec when pending). */
static dlx_status read_rows(csv_reader *r, csv_record *rec, int pending, int target_col,
                            csv_columns *c)
{
    for (;;) {
        if (r->errors >= CSV_MAX_ERRORS)
            return DLX_ERR_INPUT;
        if (!pending) {
            record_status s = next_record(r, rec);
            if (s == REC_EOF)
                break;
            if (s == REC_BAD)
                continue;
            if (s == REC_NOMEM) {
                diags_add(r->d, r->path, 0, 0, "out of memory");
                return DLX_ERR_RUNTIME;
            }
        }
        pending = 0;
        if (rec->count != c->n_cols) {
            int extra = rec->count > c->n_cols;
            csv_error(r, extra ? rec->items[c->n_cols].line : rec->end_line,
                      extra ? rec->items[c->n_cols].col : rec->end_col,
                      "row has %d field%s, but the %s has %d", rec->count,
                      rec->count == 1 ? "" : "s", c->has_header ? "header" : "first row",
                      c->n_cols);
            continue;
        }
        dlx_status st = grow_rows(r, c);
        if (st != DLX_OK)
            return st;
        if (store_row(r, rec, target_col, c))
            c->n_rows++;
    }
    if (r->errors > 0)
        return DLX_ERR_INPUT;
    if (c->n_rows == 0) {
        diags_add(r->d, r->path, 0, 0, "the file has a header but no data rows");
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

/* Levenshtein distance between a and b (both at most SUGGEST_NAME_MAX long). */
static int edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    int prev[SUGGEST_NAME_MAX + 1], cur[SUGGEST_NAME_MAX + 1];
    for (int j = 0; j <= lb; j++)
        prev[j] = j;
    for (int i = 1; i <= la; i++) {
        cur[0] = i;
        for (int j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (size_t)(lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

/* The header name closest to `name`, or NULL when none is close. */
static const char *closest_name(const char *name, const csv_columns *c)
{
    const char *best = NULL;
    int best_distance = 0;
    if (strlen(name) > SUGGEST_NAME_MAX)
        return NULL;
    for (int k = 0; k < c->n_cols; k++) {
        if (strlen(c->names[k]) > SUGGEST_NAME_MAX)
            continue;
        int dist = edit_distance(name, c->names[k]);
        int limit = (int)strlen(name) / 3 + 1;
        if (dist <= limit && (!best || dist < best_distance)) {
            best = c->names[k];
            best_distance = dist;
        }
    }
    return best;
}

/* Whether s is a non-empty run of decimal digits (a column index). */
static int is_index(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* data.target as the experiment file gives it: the name or index, and where it is written
   (line 0 when it is not written there). */
typedef struct {
    const char *name;
    const char *source_file;
    int line, col;
} csv_target;

/* The 0-based column of data.target in the training file; its errors are at
   data.target's place in the experiment file. */
static dlx_status resolve_target(int *target_col, const csv_target *t, const csv_columns *c,
                                 const char *path, dlx_diags *d)
{
    const char *target = t->name, *source_file = t->source_file;
    int line = t->line, col = t->col;
    if (!target[0]) {
        *target_col = c->n_cols - 1;
        return DLX_OK;
    }
    if (is_index(target)) {
        errno = 0;
        long k = strtol(target, NULL, 10);
        if (errno || k >= c->n_cols) {
            diags_add(d, source_file, line, col,
                      "data.target is column %s, but %s has %d columns (0..%d)", target, path,
                      c->n_cols, c->n_cols - 1);
            return DLX_ERR_INPUT;
        }
        *target_col = (int)k;
        return DLX_OK;
    }
    if (!c->has_header) {
        diags_add(d, source_file, line, col,
                  "data.target '%s' is a column name, but %s has no header row (its first row "
                  "is all numbers); give a 0-based column index instead",
                  target, path);
        return DLX_ERR_INPUT;
    }
    int found = -1;
    for (int k = 0; k < c->n_cols; k++) {
        if (strcmp(c->names[k], target) != 0)
            continue;
        if (found >= 0) {
            diags_add(d, source_file, line, col,
                      "data.target '%s' is ambiguous: columns %d and %d of %s have that name",
                      target, found, k, path);
            return DLX_ERR_INPUT;
        }
        found = k;
    }
    if (found < 0) {
        const char *suggestion = closest_name(target, c);
        if (suggestion)
            diags_add(d, source_file, line, col,
                      "data.target '%s' is not a column of %s; did you mean '%s'?", target, path,
                      suggestion);
        else
            diags_add(d, source_file, line, col,
                      "data.target '%s' is not a column of %s (its header has %d columns)",
                      target, path, c->n_cols);
        return DLX_ERR_INPUT;
    }
    *target_col = found;
    return DLX_OK;
}

/* The test file must have the train file's columns; when both have a
   header, with the same names. */
static dlx_status check_test_columns(csv_reader *r, const csv_record *first,
                                     const csv_columns *test, const csv_columns *train,
                                     const char *train_path)
{
    if (test->n_cols != train->n_cols) {
        csv_error(r, first->line, 1, "%d columns, but %s has %d", test->n_cols, train_path,
                  train->n_cols);
        return DLX_ERR_INPUT;
    }
    if (!test->has_header || !train->has_header)
        return DLX_OK;
    dlx_status st = DLX_OK;
    for (int k = 0; k < test->n_cols; k++) {
        if (strcmp(test->names[k], train->names[k]) != 0) {
            csv_error(r, first->items[k].line, first->items[k].col,
                      "column %d is named '%.64s' here but '%.64s' in %s", k, test->names[k],
                      train->names[k], train_path);
            st = DLX_ERR_INPUT;
        }
    }
    return st;
}

/* The classification rule of csv_table.h: every target an integer in
   [0, CSV_CLASS_LIMIT). Returns the number of classes, or 0 for regression. */
static int classes_of_targets(const csv_columns *train, const csv_columns *test)
{
    double largest = 0;
    const csv_columns *both[2] = {train, test};
    for (int s = 0; s < 2; s++) {
        for (int i = 0; i < both[s]->n_rows; i++) {
            double v = both[s]->target[i];
            if (!is_class_label(v))
                return 0;
            if (v > largest)
                largest = v;
        }
    }
    int classes = (int)largest + 1;
    return classes < 2 ? 2 : classes;
}

/* Note in ds why the data are regression targets: the first target of the
   train file, else of the test file, that is not a class label. */
static void note_regression(dlx_dataset *ds, const csv_columns *train, const char *train_path,
                            const csv_columns *test, const char *test_path)
{
    const csv_field *f = train->nonlabel.text ? &train->nonlabel : &test->nonlabel;
    if (!f->text)
        return;
    dlx_data_note *n = &ds->regression_note;
    snprintf(n->file, sizeof n->file, "%s", f == &train->nonlabel ? train_path : test_path);
    n->line = f->line;
    n->col = f->col;
    _Static_assert((int)CSV_CLASS_LIMIT == 1000000, "the message below writes the limit as 1e6");
    snprintf(n->why, sizeof n->why, "target %.40s is not a class label (an integer in [0, 1e6))",
             f->text);
}

/* Move the columns into a split: the input matrix changes hands, the
   targets become labels or float targets. */
static dlx_status columns_to_split(dlx_split *s, csv_columns *c, int classes, const char *path,
                                   dlx_diags *d)
{
    *s = (dlx_split){.n = c->n_rows, .dim = (int)input_columns(c), .n_targets = classes ? 0 : 1};
    size_t values = (size_t)c->n_rows * (size_t)s->dim;
    real *x = realloc(c->inputs, values * sizeof *x);
    s->x = x ? x : c->inputs;
    c->inputs = NULL;
    if (classes)
        s->labels = malloc((size_t)c->n_rows * sizeof *s->labels);
    else
        s->targets = malloc((size_t)c->n_rows * sizeof *s->targets);
    if (classes ? !s->labels : !s->targets) {
        diags_add(d, path, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    for (int i = 0; i < c->n_rows; i++) {
        if (classes)
            s->labels[i] = (int)c->target[i];
        else
            s->targets[i] = (real)c->target[i];
    }
    return DLX_OK;
}

/* The training split's loss weights from its weight column, as they are:
   the file's weights define the objective Σ w_i ℓ_i / n. */
static dlx_status weights_to_split(dlx_split *s, const csv_columns *c, const char *path, dlx_diags *d)
{
    s->weights = malloc((size_t)(c->n_rows > 0 ? c->n_rows : 1) * sizeof *s->weights);
    if (!s->weights) {
        diags_add(d, path, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    for (int i = 0; i < c->n_rows; i++)
        s->weights[i] = (real)c->weight[i];
    return DLX_OK;
}

/* The 0-based column of data.weight (a header name) in the training file,
   not the target's; -1 when data.weight is empty. */
static dlx_status resolve_weight(int *weight_col, const char *weight, int target_col,
                                 const csv_columns *c, const char *path, const char *source_file,
                                 dlx_diags *d)
{
    *weight_col = -1;
    if (!weight || !weight[0])
        return DLX_OK;
    if (!c->has_header) {
        diags_add(d, source_file, 0, 0, "data.weight '%s' is a column name, but %s has no header row",
                  weight, path);
        return DLX_ERR_INPUT;
    }
    for (int k = 0; k < c->n_cols; k++)
        if (strcmp(c->names[k], weight) == 0 && *weight_col < 0)
            *weight_col = k;
    if (*weight_col < 0) {
        const char *suggestion = closest_name(weight, c);
        diags_add(d, source_file, 0, 0, "data.weight '%s' is not a column of %s%s%s%s", weight, path,
                  suggestion ? "; did you mean '" : "", suggestion ? suggestion : "",
                  suggestion ? "'?" : "");
        return DLX_ERR_INPUT;
    }
    if (*weight_col == target_col || c->n_cols < 3) {
        diags_add(d, source_file, 0, 0, "data.weight '%s' must be a column of its own beside the "
                  "target and at least one input", weight);
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

/* Free what the columns still own and zero them. */
static void columns_free(csv_columns *c)
{
    free(c->names);
    free(c->inputs);
    free(c->target);
    free(c->weight);
    *c = (csv_columns){.weight_col = -1};
}

/* Read the train file, resolve the target on it, then read the test file. */
static dlx_status read_both(csv_reader *tr, csv_reader *te, csv_columns *train,
                            csv_columns *test, csv_record *rec, const csv_target *target,
                            const char *weight)
{
    int pending = 0, target_col = 0;
    dlx_status st = read_first_row(tr, rec, train, &pending);
    if (st != DLX_OK)
        return st;
    if (train->n_cols < 2) {
        diags_add(tr->d, tr->path, rec->line, 1,
                  "only one column: the file needs a target and at least one input column");
        return DLX_ERR_INPUT;
    }
    if ((st = resolve_target(&target_col, target, train, tr->path, tr->d)))
        return st;
    if ((st = resolve_weight(&train->weight_col, weight, target_col, train, tr->path,
                             target->source_file, tr->d)))
        return st;
    test->weight_col = train->weight_col;   /* the test file's is read and ignored */
    dlx_status st_train = read_rows(tr, rec, pending, target_col, train);
    if (st_train == DLX_ERR_RUNTIME)
        return st_train;
    if ((st = read_first_row(te, rec, test, &pending)) != DLX_OK)
        return st;
    if ((st = check_test_columns(te, rec, test, train, tr->path)) != DLX_OK)
        return st;
    st = read_rows(te, rec, pending, target_col, test);
    return st != DLX_OK ? st : st_train;
}

dlx_status csv_load(dlx_dataset *ds, dlx_split_origin *origin, const char *train_path,
                    const char *test_path, const char *target, const char *source_file,
                    dlx_diags *d)
{
    return csv_load_at(ds, origin, train_path, test_path, target, 0, 0, source_file, d);
}

dlx_status csv_load_at(dlx_dataset *ds, dlx_split_origin *origin, const char *train_path,
                       const char *test_path, const char *target, int target_line,
                       int target_col, const char *source_file, dlx_diags *d)
{
    return csv_load_weighted(ds, origin, train_path, test_path, target, target_line, target_col,
                             "", source_file, d);
}

dlx_status csv_load_weighted(dlx_dataset *ds, dlx_split_origin *origin, const char *train_path,
                             const char *test_path, const char *target, int target_line,
                             int target_col, const char *weight, const char *source_file,
                             dlx_diags *d)
{
    const csv_target where = {target, source_file, target_line, target_col};
    *ds = (dlx_dataset){0};
    csv_reader tr, te;
    csv_columns train = {.weight_col = -1}, test = {.weight_col = -1};
    csv_record rec = {0};
    /* strtod reads the decimal point of the current locale: use "C" while parsing. */
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t previous = c_locale ? uselocale(c_locale) : (locale_t)0;

    dlx_status st = csv_open(&tr, train_path, d);
    dlx_status st_test = csv_open(&te, test_path, d);
    if (st == DLX_OK || (st_test != DLX_OK && st_test < st))
        st = st_test;
    if (st == DLX_OK)
        st = read_both(&tr, &te, &train, &test, &rec, &where, weight);
    if (st == DLX_OK) {
        ds->classes = classes_of_targets(&train, &test);
        if (ds->classes == 0)
            note_regression(ds, &train, train_path, &test, test_path);
        st = columns_to_split(&ds->train, &train, ds->classes, train_path, d);
        if (st == DLX_OK && train.weight_col >= 0)
            st = weights_to_split(&ds->train, &train, train_path, d);
        if (st == DLX_OK)
            st = columns_to_split(&ds->test, &test, ds->classes, test_path, d);
    }
    if (st == DLX_OK) {
        snprintf(origin->train, sizeof origin->train, "%s", train_path);
        snprintf(origin->test, sizeof origin->test, "%s", test_path);
    } else {
        split_free(&ds->train);
        split_free(&ds->test);
        ds->classes = 0;
    }
    columns_free(&train);
    columns_free(&test);
    free(rec.items);
    free(tr.text);
    free(te.text);
    if (c_locale) {
        uselocale(previous);
        freelocale(c_locale);
    }
    return st;
}

/* ---- a file as rows of numbers (the matrix formats of csv_matrix.c) ---- */

/* Append one value with its place to cells (growing the arrays by doubling). */
static bool push_cell(dlx_csv_cells *c, size_t *cap, size_t n, double v, int line, int col)
{
    if (n == *cap) {
        size_t grown = *cap ? 2 * *cap : 1024;
        double *values = realloc(c->values, grown * sizeof *values);
        if (values)
            c->values = values;
        int *lines = realloc(c->line, grown * sizeof *lines);
        if (lines)
            c->line = lines;
        int *cols = realloc(c->col, grown * sizeof *cols);
        if (cols)
            c->col = cols;
        if (!values || !lines || !cols)
            return false;
        *cap = grown;
    }
    c->values[n] = v;
    c->line[n] = line;
    c->col[n] = col;
    return true;
}

/* Append a row's start and length. */
static bool push_row(dlx_csv_cells *c, int *cap, int start, int length)
{
    if (c->n_rows == *cap) {
        int grown = *cap ? 2 * *cap : 256;
        int *starts = realloc(c->row_start, (size_t)grown * sizeof *starts);
        if (starts)
            c->row_start = starts;
        int *lengths = realloc(c->row_length, (size_t)grown * sizeof *lengths);
        if (lengths)
            c->row_length = lengths;
        if (!starts || !lengths)
            return false;
        *cap = grown;
    }
    c->row_start[c->n_rows] = start;
    c->row_length[c->n_rows++] = length;
    return true;
}

/* True when some non-empty field of rec is not a number (a header row). */
static bool is_header(const csv_record *rec)
{
    for (int k = 0; k < rec->count; k++) {
        double v;
        number_status s = parse_number(rec->items[k].text, &v);
        if (s != NUM_OK && s != NUM_EMPTY)
            return true;
    }
    return false;
}

dlx_status csv_read_cells(const char *path, bool allow_empty, dlx_csv_cells *cells, dlx_diags *d)
{
    *cells = (dlx_csv_cells){0};
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t previous = c_locale ? uselocale(c_locale) : (locale_t)0;
    csv_reader r;
    csv_record rec = {0};
    dlx_status st = csv_open(&r, path, d);
    size_t n = 0, cap = 0;
    int row_cap = 0;
    bool first = true;
    while (st == DLX_OK) {
        record_status rs = next_record(&r, &rec);
        if (rs == REC_EOF)
            break;
        if (rs == REC_NOMEM) {
            st = DLX_ERR_RUNTIME;
            break;
        }
        if (rs == REC_BAD)
            continue;
        if (first && is_header(&rec)) {
            cells->header_line = rec.line;
            first = false;
            continue;
        }
        first = false;
        int start = (int)n;
        for (int k = 0; st == DLX_OK && k < rec.count; k++) {
            const csv_field *f = &rec.items[k];
            double v = NAN;
            number_status why = parse_number(f->text, &v);
            if (why == NUM_EMPTY && allow_empty)
                v = NAN;
            else if (why == NUM_EMPTY)
                csv_error(&r, f->line, f->col, "empty field");
            else if (why == NUM_NOT_A_NUMBER)
                csv_error(&r, f->line, f->col, "'%.40s' is not a number", f->text);
            else if (why == NUM_NOT_FINITE)
                csv_error(&r, f->line, f->col, "'%.40s' is not a finite number", f->text);
            else if (why == NUM_TOO_LARGE)
                csv_error(&r, f->line, f->col, "'%.40s' is beyond the float32 range", f->text);
            if (!push_cell(cells, &cap, n++, v, f->line, f->col))
                st = DLX_ERR_RUNTIME;
        }
        if (st == DLX_OK && !push_row(cells, &row_cap, start, rec.count))
            st = DLX_ERR_RUNTIME;
    }
    if (st == DLX_ERR_RUNTIME && r.text)
        diags_add(d, path, 0, 0, "out of memory reading the file");
    if (st == DLX_OK && r.errors > 0)
        st = DLX_ERR_INPUT;
    if (st == DLX_OK && cells->n_rows == 0) {
        diags_add(d, path, 0, 0, "no rows of numbers in the file");
        st = DLX_ERR_INPUT;
    }
    free(rec.items);
    free(r.text);
    if (c_locale) {
        uselocale(previous);
        freelocale(c_locale);
    }
    if (st != DLX_OK)
        csv_cells_free(cells);
    return st;
}

void csv_cells_free(dlx_csv_cells *cells)
{
    free(cells->row_length);
    free(cells->row_start);
    free(cells->values);
    free(cells->line);
    free(cells->col);
    *cells = (dlx_csv_cells){0};
}
