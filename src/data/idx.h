/*
 * idx.h — the IDX file format of MNIST and Fashion-MNIST.
 *
 * Format (http://yann.lecun.com/exdb/mnist/): bytes 00 00 TYPE NDIM, then
 * NDIM big-endian u32 sizes, then the product of the sizes in elements,
 * row-major. dlx reads TYPE 0x08 (unsigned byte) only: images [n, rows, cols]
 * and labels [n]. A file may be gzipped (detected by the gzip magic 1f 8b).
 */
#ifndef DLX_DATA_IDX_H
#define DLX_DATA_IDX_H

#include <stddef.h>
#include <stdint.h>

#include "data/dataset.h"
#include "util/diag.h"

#define IDX_MAX_NDIM 3

/* An IDX array of unsigned bytes as stored in the file. */
typedef struct {
    int ndim;
    size_t dims[IDX_MAX_NDIM];
    size_t count;        /* product of dims */
    unsigned char *data; /* [count] */
} idx_array;

/* Read the IDX file at path, which must hold unsigned bytes in exactly ndim
   (1..3) dimensions, and exactly as many data bytes as the header says.
   Errors on `path`: DLX_ERR_INPUT for a malformed file, DLX_ERR_RUNTIME for
   an I/O failure or out of memory. */
dlx_status idx_read(const char *path, int ndim, idx_array *out, dlx_diags *d);

/* Read only the header of the IDX file at path (through zlib, so a gzipped
   file inflates just its first bytes): the magic must announce unsigned
   bytes in ndim dimensions, and out receives ndim, dims and count (data
   stays NULL). The same messages as idx_read for a bad header. */
dlx_status idx_read_header(const char *path, int ndim, idx_array *out, dlx_diags *d);

/* Free a->data and zero a. */
void idx_array_free(idx_array *a);

/* Load one split from an images file [n, rows, cols] and a labels file [n]:
   x [n, rows·cols] holds the raw pixel values 0..255 as floats. When
   classes > 0 every label must be < classes. */
dlx_status idx_load_split(dlx_split *s, const char *images_path, const char *labels_path,
                          int classes, dlx_diags *d);

/* Load train and test from four IDX files. classes > 0 fixes the number of
   classes (labels must be below it); classes == 0 takes the largest training
   label plus one (at least 2), and a test label above it is an error. Train and test must have the same image
   size. */
dlx_status idx_load_dataset(dlx_dataset *ds, const char *train_images, const char *train_labels,
                            const char *test_images, const char *test_labels, int classes,
                            dlx_diags *d);

#endif
