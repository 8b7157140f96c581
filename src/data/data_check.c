/*
 * data_check.c — the header checks of the data files (see data_check.h).
 *
 * MNIST and Fashion-MNIST go through mnist_folder_check (the loader's search
 * and its IDX header reader); idx files through idx_read_header. A CSV
 * file's first record is read here on its own (at most FIRST_RECORD_MAX
 * bytes, RFC 4180 quoting, fields trimmed as csv_table.c trims them): it is
 * a header when some field is not a number, as csv_table.c decides. A
 * table needs the target column (a name in the header, or an index below
 * the number of fields) and data.weight's column; an entries file's header,
 * when it has one, is row,col,value, and it has three fields.
 */
#include "data/data_check.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/idx.h"
#include "data/mnist_folder.h"
#include "util/suggest.h"

enum { FIRST_RECORD_MAX = 1 << 16, FIELDS_MAX = 4096 };

/* The first record of a CSV file: its fields point into text. */
typedef struct {
    char text[FIRST_RECORD_MAX + 1];
    char *field[FIELDS_MAX];
    int n;
} first_record;

/* Report at pos: line 0 is the file alone. */
static void add_at(dlx_diags *d, const char *file, dlx_source_pos pos, const char *message)
{
    diags_add(d, file, pos.line, pos.col, "%s", message);
}


/* Whether s (trimmed) is a number as strtod reads it. */
static int is_number(const char *s)
{
    char *end;
    errno = 0;
    strtod(s, &end);
    return end != s && *end == '\0';
}

/* Strip spaces and tabs from both ends of s, in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Read the first record of path (skipping a UTF-8 byte-order mark) into r.
   On failure, why says what went wrong. */
static int read_first_record(const char *path, first_record *r, char *why, size_t why_size)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, why_size, "%s", strerror(errno));
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_size, "not a regular file");
        return 0;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(why, why_size, "%s", strerror(errno));
        return 0;
    }
    size_t len = fread(r->text, 1, FIRST_RECORD_MAX, fp);
    fclose(fp);
    r->text[len] = '\0';
    char *p = r->text;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (*p == '\0') {
        snprintf(why, why_size, "the file holds no rows");
        return 0;
    }
    /* Unquote in place: out trails p. */
    char *out = p, *start = p;
    int quoted = 0;
    r->n = 0;
    for (;; p++) {
        char c = *p;
        if (quoted) {
            if (c == '\0')
                break;
            if (c == '"' && p[1] == '"')
                *out++ = *++p;
            else if (c == '"')
                quoted = 0;
            else
                *out++ = c;
            continue;
        }
        if (c == '"') {
            quoted = 1;
        } else if (c == ',' || c == '\n' || c == '\0') {
            *out++ = '\0';
            if (r->n < FIELDS_MAX)
                r->field[r->n++] = trim(start);
            start = out;
            if (c != ',')
                break;
        } else {
            *out++ = c;
        }
    }
    return 1;
}

/* Whether some field of r is not a number: then r is a header. */
static int is_header(const first_record *r)
{
    for (int k = 0; k < r->n; k++)
        if (r->field[k][0] && !is_number(r->field[k]))
            return 1;
    return 0;
}

/* The fields of r joined with ',' into buf, for messages. */
static void joined(const first_record *r, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < r->n && used + 1 < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? "," : "", r->field[k]);
}

/* The column index named by target in r (a header), -1 when none. */
static int column_of(const first_record *r, const char *name)
{
    for (int k = 0; k < r->n; k++)
        if (strcmp(r->field[k], name) == 0)
            return k;
    return -1;
}

/* The field of r closest to name ("did you mean"), NULL when none is close:
   the rule of csv_table.c's closest_name, through util/suggest.h. */
static const char *closest_field(const first_record *r, const char *name)
{
    return suggest_closest(name, (const char *const *)r->field, r->n);
}

/* The first record of one CSV file of data.KEY (the file key's place pos),
   or 0 with the error reported. */
static int open_csv(const char *path, const char *key, dlx_source_pos pos, const char *source_file,
                    first_record *r, dlx_diags *d)
{
    char why[256], message[DLX_PATH_MAX + 320];
    if (read_first_record(path, r, why, sizeof why))
        return 1;
    snprintf(message, sizeof message, "data.%s: cannot read %s: %s", key, path, why);
    add_at(d, source_file, pos, message);
    return 0;
}

/* A table: the training file has the target column and the weight column;
   the test file is readable. */
static void check_table(const dlx_config *cfg, const first_record *train, const char *source_file,
                        dlx_diags *d)
{
    const dlx_data_config *c = &cfg->data;
    char message[DLX_PATH_MAX + 2 * DLX_NAME_MAX * 4 + 512], header[256];
    joined(train, header, sizeof header);
    int header_row = is_header(train);
    const char *t = c->target;
    int index = t[0] != '\0';
    for (const char *s = t; *s && index; s++)
        index = isdigit((unsigned char)*s);
    if (t[0] && index) {
        long k = strtol(t, NULL, 10);
        if (k >= train->n) {
            snprintf(message, sizeof message, "data.target is column %s, but %s has %d columns (0..%d)",
                     t, c->train, train->n, train->n - 1);
            add_at(d, source_file, cfg->places.data_target, message);
        }
    } else if (t[0] && (!header_row || column_of(train, t) < 0)) {
        const char *suggestion = header_row ? closest_field(train, t) : NULL;
        if (suggestion)
            snprintf(message, sizeof message, "data.target '%s' is not a column of %s; did you mean '%s'?",
                     t, c->train, suggestion);
        else if (header_row)
            snprintf(message, sizeof message, "data.target '%s' is not a column of %s (its header has %d "
                     "columns)", t, c->train, train->n);
        else
            snprintf(message, sizeof message, "data.target '%s' is a column name, but %s has no header "
                     "row (its first row is all numbers); give a 0-based column index instead", t, c->train);
        add_at(d, source_file, cfg->places.data_target, message);
    }
    if (c->weight_column[0] && (!header_row || column_of(train, c->weight_column) < 0)) {
        const char *suggestion = header_row ? closest_field(train, c->weight_column) : NULL;
        if (header_row)
            snprintf(message, sizeof message, "data.weight '%s' is not a column of %s%s%s%s",
                     c->weight_column, c->train, suggestion ? "; did you mean '" : "",
                     suggestion ? suggestion : "", suggestion ? "'?" : "");
        else
            snprintf(message, sizeof message, "data.weight '%s' is a column name, but %s has no header row",
                     c->weight_column, c->train);
        add_at(d, source_file, cfg->places.data_weight, message);
    }
    (void)header;
}

/* An entries file: a header, when there is one, is row,col,value; a row
   has three fields. */
static void check_entries(const first_record *r, const char *path, const char *key, dlx_source_pos pos,
                          const char *source_file, dlx_diags *d)
{
    char message[DLX_PATH_MAX + 512], first[256];
    joined(r, first, sizeof first);
    int header_row = is_header(r);
    int ok = r->n == 3 && (!header_row || (strcmp(r->field[0], "row") == 0 &&
                                           strcmp(r->field[1], "col") == 0 &&
                                           strcmp(r->field[2], "value") == 0));
    if (ok)
        return;
    snprintf(message, sizeof message, "data.%s: %s %s '%s', but a data.format entries file has the "
             "header row,col,value (or none) and three fields a row", key, path,
             header_row ? "has the header" : "starts with the row", first);
    add_at(d, source_file, pos, message);
}

/* The two files of a csv source. */
static void check_csv(const dlx_config *cfg, const char *source_file, dlx_diags *d)
{
    const dlx_data_config *c = &cfg->data;
    first_record *r = malloc(2 * sizeof *r);
    if (!r) {
        diags_add(d, source_file, 0, 0, "out of memory");
        return;
    }
    const char *paths[2] = {c->train, c->test}, *keys[2] = {"train", "test"};
    dlx_source_pos pos[2] = {cfg->places.data_train, cfg->places.data_test};
    int ok[2];
    for (int k = 0; k < 2; k++)
        ok[k] = open_csv(paths[k], keys[k], pos[k], source_file, &r[k], d);
    if (c->format == CSV_TABLE && ok[0])
        check_table(cfg, &r[0], source_file, d);
    for (int k = 0; k < 2 && c->format == CSV_ENTRIES; k++)
        if (ok[k])
            check_entries(&r[k], paths[k], keys[k], pos[k], source_file, d);
    free(r);
}

/* The four files of an idx source: each header announces unsigned bytes in
   the dimensions of images or labels. */
static void check_idx(const dlx_config *cfg, const char *source_file, dlx_diags *d)
{
    const dlx_data_config *c = &cfg->data;
    const char *paths[4] = {c->train_images, c->train_labels, c->test_images, c->test_labels};
    const char *keys[4] = {"train_images", "train_labels", "test_images", "test_labels"};
    dlx_source_pos pos[4] = {cfg->places.data_train_images, cfg->places.data_train_labels,
                             cfg->places.data_test_images, cfg->places.data_test_labels};
    for (int k = 0; k < 4; k++) {
        idx_array header;
        dlx_diags quiet = {0};
        if (idx_read_header(paths[k], k % 2 == 0 ? 3 : 1, &header, &quiet) != DLX_OK)
            for (int i = 0; i < quiet.count; i++)
                diags_add(d, source_file, pos[k].line, pos[k].col,
                          "data.%s: %s: %s", keys[k], quiet.items[i].file, quiet.items[i].message);
        diags_free(&quiet);
    }
}

dlx_status data_files_check(const dlx_config *cfg, const char *source_file, dlx_diags *d)
{
    int start = d->count;
    const dlx_data_config *c = &cfg->data;
    dlx_source_pos at = c->dir[0] ? cfg->places.data_dir : cfg->places.data;
    switch (c->source) {
    case DATA_FASHION_MNIST:
        mnist_folder_check("fashion-mnist", c->dir, at.line, at.col, source_file, d);
        break;
    case DATA_MNIST: mnist_folder_check("mnist", c->dir, at.line, at.col, source_file, d); break;
    case DATA_IDX: check_idx(cfg, source_file, d); break;
    case DATA_CSV: check_csv(cfg, source_file, d); break;
    case DATA_SYNTHETIC: break;
    case DATA_SAFETENSORS: break;   /* checked by experiment/tensor_file.c (data/ cannot read io/) */
    }
    return d->count > start ? DLX_ERR_INPUT : DLX_OK;
}
