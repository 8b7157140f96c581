/*
 * csv_writer.h — rows of the CSV files of SPEC §3, built in a fixed buffer
 * and written whole.
 *
 * A row is assembled field by field in a caller-owned dlx_csv_row (no
 * allocation), then csv_row_write sends it with its newline in one fwrite
 * followed by fflush, so `tail -f` sees every finished row and a killed
 * process leaves only whole lines. Formatting:
 *   - numbers: "%.9g" (enough digits for any float32 to read back exactly),
 *     with '.' as the decimal point whatever the C library's locale says;
 *     non-finite values as nan, inf, -inf (never "-nan");
 *   - integers: decimal;
 *   - missing values: an empty field;
 *   - strings: as they are, or in double quotes with '"' doubled when they
 *     contain ',', '"', CR or LF (RFC 4180).
 *
 * Usage:
 *     dlx_csv_row row;            (about 64 KB: keep one per writer)
 *     csv_row_begin(&row);
 *     csv_row_str(&row, "bn"); csv_row_int(&row, 3); csv_row_num(&row, loss);
 *     st = csv_row_write(&row, fp, diags, path);
 */
#ifndef DLX_IO_CSV_WRITER_H
#define DLX_IO_CSV_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/diag.h"

#define DLX_CSV_ROW_CAPACITY 65536 /* bytes of one row, newline included */
#define DLX_CSV_NUMBER_MAX 32      /* buffer size for csv_format_number */

typedef struct {
    char text[DLX_CSV_ROW_CAPACITY];
    size_t length;
    int n_fields;
    bool overflow; /* a field did not fit: csv_row_write refuses the row */
} dlx_csv_row;

/* Start an empty row. */
void csv_row_begin(dlx_csv_row *row);

/* Append one field. */
void csv_row_str(dlx_csv_row *row, const char *s);
void csv_row_num(dlx_csv_row *row, double value);
void csv_row_int(dlx_csv_row *row, long value);
void csv_row_empty(dlx_csv_row *row);

/* Write the row and a newline whole (csv_append_whole). A row that
   overflowed the buffer is not written (DLX_ERR_RUNTIME); a failed write is
   DLX_ERR_RUNTIME "PATH: error: cannot write: REASON". */
dlx_status csv_row_write(dlx_csv_row *row, FILE *fp, dlx_diags *diags, const char *path);

/* Append n bytes at the end of fp's file with write(2) after flushing fp,
   so that no stdio buffer keeps a part of them: when the disk fills in the
   middle, the file is cut back to where it was (ftruncate) and the error
   returned, so a reader never sees a partial line. */
dlx_status csv_append_whole(FILE *fp, const char *text, size_t n, dlx_diags *diags,
                            const char *path);

/* A header row of n column names (quoted as strings when needed). */
dlx_status csv_write_header(FILE *fp, const char *const *names, int n, dlx_diags *diags,
                            const char *path);

/* value as its CSV field text ("%.9g", '.' decimal point, nan/inf/-inf)
   into out[DLX_CSV_NUMBER_MAX]; returns the length. */
size_t csv_format_number(char out[DLX_CSV_NUMBER_MAX], double value);

#endif
