/*
 * csv_writer.c — CSV rows built in a fixed buffer and written whole (see
 * csv_writer.h).
 *
 * Locale: dlx never calls setlocale, so printf formats numbers in the "C"
 * locale. A program embedding dlx might set LC_NUMERIC to a locale whose
 * decimal point is ',' (or a multi-byte character); rather than switching
 * locales (process-wide, not thread-safe), csv_format_number keeps what
 * "%.9g" (float64: "%.17g") can only produce in any locale — digits, signs, 'e' — and turns
 * whatever else it printed (the decimal point, one run of bytes) into '.'.
 * "%.9g" never groups thousands, so this is exact.
 */
#include "io/csv_writer.h"
#include "util/real.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

void csv_row_begin(dlx_csv_row *row)
{
    row->length = 0;
    row->n_fields = 0;
    row->overflow = false;
    row->text[0] = '\0';
}

/* Append n bytes, keeping room for the final newline. */
static void row_append(dlx_csv_row *row, const char *s, size_t n)
{
    if (row->overflow || row->length + n + 1 > DLX_CSV_ROW_CAPACITY) {
        row->overflow = true;
        return;
    }
    memcpy(row->text + row->length, s, n);
    row->length += n;
    row->text[row->length] = '\0';
}

/* The ',' before every field but the first. */
static void row_separate(dlx_csv_row *row)
{
    if (row->n_fields++ > 0)
        row_append(row, ",", 1);
}

void csv_row_str(dlx_csv_row *row, const char *s)
{
    row_separate(row);
    if (!strpbrk(s, ",\"\r\n")) {
        row_append(row, s, strlen(s));
        return;
    }
    row_append(row, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            row_append(row, "\"\"", 2);
        else
            row_append(row, p, 1);
    }
    row_append(row, "\"", 1);
}

/* Characters "%.*g" prints the same in every locale. */
static bool is_locale_free_char(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e';
}

size_t csv_format_number(char out[DLX_CSV_NUMBER_MAX], double value)
{
    if (isnan(value))
        return (size_t)snprintf(out, DLX_CSV_NUMBER_MAX, "nan");
    if (isinf(value))
        return (size_t)snprintf(out, DLX_CSV_NUMBER_MAX, value > 0 ? "inf" : "-inf");
    char printed[64];
    snprintf(printed, sizeof printed, "%.*g", REAL_DIGITS, value);
    size_t n = 0;
    for (const char *p = printed; *p && n + 1 < DLX_CSV_NUMBER_MAX;) {
        if (is_locale_free_char(*p)) {
            out[n++] = *p++;
        } else {
            out[n++] = '.';
            while (*p && !is_locale_free_char(*p))
                p++;
        }
    }
    out[n] = '\0';
    return n;
}

void csv_row_num(dlx_csv_row *row, double value)
{
    char number[DLX_CSV_NUMBER_MAX];
    size_t n = csv_format_number(number, value);
    row_separate(row);
    row_append(row, number, n);
}

void csv_row_int(dlx_csv_row *row, long value)
{
    char number[DLX_CSV_NUMBER_MAX];
    int n = snprintf(number, sizeof number, "%ld", value);
    row_separate(row);
    row_append(row, number, (size_t)n);
}

void csv_row_empty(dlx_csv_row *row)
{
    row_separate(row);
}

dlx_status csv_row_write(dlx_csv_row *row, FILE *fp, dlx_diags *diags, const char *path)
{
    if (row->overflow) {
        diags_add(diags, path, 0, 0, "cannot write: a row is longer than %d bytes", DLX_CSV_ROW_CAPACITY - 1);
        return DLX_ERR_RUNTIME;
    }
    row->text[row->length] = '\n';
    dlx_status st = csv_append_whole(fp, row->text, row->length + 1, diags, path);
    row->text[row->length] = '\0';
    return st;
}

dlx_status csv_append_whole(FILE *fp, const char *text, size_t n, dlx_diags *diags,
                            const char *path)
{
    errno = 0;
    int fd = fileno(fp);
    if (fd < 0) { /* a memory stream: no file to cut back */
        bool ok = fwrite(text, 1, n, fp) == n;
        if (fflush(fp) == 0 && ok)
            return DLX_OK;
        diags_add(diags, path, 0, 0, "cannot write: %s", strerror(errno ? errno : EIO));
        return DLX_ERR_RUNTIME;
    }
    if (fflush(fp) != 0) {
        diags_add(diags, path, 0, 0, "cannot write: %s", strerror(errno ? errno : EIO));
        return DLX_ERR_RUNTIME;
    }
    /* -1 on a pipe or a terminal (`dlx collect DIR | ...`): written all the
       same, with no partial row to cut back */
    off_t start = lseek(fd, 0, SEEK_END);
    errno = 0;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, text + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    if (done == n)
        return DLX_OK;
    int err = errno ? errno : EIO;
    if (start >= 0 && done > 0 && ftruncate(fd, start) != 0)
        diags_add(diags, path, 0, 0, "cannot remove a partial row: %s", strerror(errno));
    diags_add(diags, path, 0, 0, "cannot write: %s", strerror(err));
    return DLX_ERR_RUNTIME;
}

dlx_status csv_write_header(FILE *fp, const char *const *names, int n, dlx_diags *diags,
                            const char *path)
{
    dlx_csv_row *row = malloc(sizeof *row); /* once per file, not per row */
    if (!row) {
        diags_add(diags, path, 0, 0, "cannot write: out of memory");
        return DLX_ERR_RUNTIME;
    }
    csv_row_begin(row);
    for (int i = 0; i < n; i++)
        csv_row_str(row, names[i]);
    dlx_status st = csv_row_write(row, fp, diags, path);
    free(row);
    return st;
}
