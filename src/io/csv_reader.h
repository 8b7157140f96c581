/*
 * csv_reader.h — a CSV file read whole into a table of strings (RFC 4180:
 * fields in double quotes may hold ',', '"' doubled, CR and LF), the inverse
 * of csv_writer for the files of SPEC §3. The first row is the header.
 * A last line without its newline (a killed writer) is dropped, since
 * dlx writes only whole lines.
 */
#ifndef DLX_IO_CSV_READER_H
#define DLX_IO_CSV_READER_H

#include "util/diag.h"

typedef struct {
    int n_cols;          /* fields of the header */
    char **header;       /* [n_cols] */
    int n_rows;          /* rows after the header */
    char ***rows;        /* [n_rows][n_cols]; a short row is padded with "" */
} dlx_text_table;

/* Read path into t. DLX_ERR_INPUT (with a diagnostic) when the file is
   missing, empty or a row has more fields than the header. */
dlx_status csv_read_table(const char *path, dlx_text_table *t, dlx_diags *diags);

/* Index of the column named name, or -1. */
int csv_table_column(const dlx_text_table *t, const char *name);

void csv_table_free(dlx_text_table *t);

#endif
