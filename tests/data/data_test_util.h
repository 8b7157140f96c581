/*
 * data_test_util.h — helpers shared by the data-layer tests: a temporary
 * folder, writing plain, gzipped and IDX files into it, finding a
 * diagnostic by its location and text, and simple statistics.
 */
#ifndef DLX_TESTS_DATA_TEST_UTIL_H
#define DLX_TESTS_DATA_TEST_UTIL_H

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "data/dataset.h"
#include "data/split.h"
#include "util/diag.h"

#define TEST_PATH_MAX 1024

/* Create a fresh temporary folder; its path goes into dir. */
static inline int temp_dir_make(char dir[TEST_PATH_MAX])
{
    snprintf(dir, TEST_PATH_MAX, "/tmp/dlx-data-test-XXXXXX");
    return mkdtemp(dir) != NULL;
}

/* Remove a folder and everything under it (one level of subfolders deep
   is all the tests create, but this recurses). */
static inline void temp_dir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[TEST_PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (n < 0 || n >= (int)sizeof path)
            continue;
        if (unlink(path) != 0)
            temp_dir_remove(path);
    }
    closedir(d);
    rmdir(dir);
}

/* path = dir/name; returns 0 (and an empty path) when it does not fit. */
static inline int path_join(char path[TEST_PATH_MAX], const char *dir, const char *name)
{
    int n = snprintf(path, TEST_PATH_MAX, "%s/%s", dir, name);
    if (n < 0 || n >= TEST_PATH_MAX) {
        path[0] = '\0';
        return 0;
    }
    return 1;
}

/* Write bytes to path, plain (gzip = 0) or gzipped. Returns 1 on success. */
static inline int write_bytes(const char *path, const void *bytes, size_t len, int gzip)
{
    if (gzip) {
        gzFile f = gzopen(path, "wb");
        if (!f)
            return 0;
        int ok = len == 0 || gzwrite(f, bytes, (unsigned)len) == (int)len;
        return gzclose(f) == Z_OK && ok;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(bytes, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static inline int write_text(const char *path, const char *text)
{
    return write_bytes(path, text, strlen(text), 0);
}

/* An IDX file in memory: 00 00 type ndim, big-endian sizes, then `data_len`
   data bytes (which need not match the sizes: tests make bad files). The
   caller frees the result; *len is its size. */
static inline unsigned char *idx_bytes(int type, int ndim, const unsigned *dims,
                                       const unsigned char *data, size_t data_len, size_t *len)
{
    *len = 4 + 4 * (size_t)ndim + data_len;
    unsigned char *b = malloc(*len + 1);
    b[0] = 0;
    b[1] = 0;
    b[2] = (unsigned char)type;
    b[3] = (unsigned char)ndim;
    for (int k = 0; k < ndim; k++) {
        b[4 + 4 * k] = (unsigned char)(dims[k] >> 24);
        b[5 + 4 * k] = (unsigned char)(dims[k] >> 16);
        b[6 + 4 * k] = (unsigned char)(dims[k] >> 8);
        b[7 + 4 * k] = (unsigned char)dims[k];
    }
    if (data_len)
        memcpy(b + 4 + 4 * ndim, data, data_len);
    return b;
}

/* Write a ubyte IDX file of the given sizes whose data is `data` (exactly
   the product of dims bytes). */
static inline int write_idx(const char *path, int ndim, const unsigned *dims,
                            const unsigned char *data, int gzip)
{
    size_t count = 1, len;
    for (int k = 0; k < ndim; k++)
        count *= dims[k];
    unsigned char *b = idx_bytes(0x08, ndim, dims, data, count, &len);
    int ok = write_bytes(path, b, len, gzip);
    free(b);
    return ok;
}

/* Index of the first diagnostic whose file ends with file_suffix (NULL:
   any), at line and col (-1: any) and whose message contains text; -1 if
   none. */
static inline int find_diag(const dlx_diags *d, const char *file_suffix, int line, int col,
                            const char *text)
{
    for (int i = 0; i < d->count; i++) {
        const dlx_diag *g = &d->items[i];
        if (file_suffix) {
            if (!g->file)
                continue;
            size_t lf = strlen(g->file), ls = strlen(file_suffix);
            if (lf < ls || strcmp(g->file + lf - ls, file_suffix) != 0)
                continue;
        }
        if ((line >= 0 && g->line != line) || (col >= 0 && g->col != col))
            continue;
        if (strstr(g->message, text))
            return i;
    }
    return -1;
}

/* Print the diagnostics (shown by cmocka when a test fails). */
static inline void dump_diags(const dlx_diags *d) { diags_print(d, stderr); }

/* A data config for synthetic data of the given kind, with small sizes. */
static inline dlx_data_config synthetic_config(dlx_synthetic_kind kind, int n_train, int n_test,
                                               int dim)
{
    dlx_data_config c;
    memset(&c, 0, sizeof c);
    c.source = DATA_SYNTHETIC;
    c.kind = kind;
    c.n_train = n_train;
    c.n_test = n_test;
    c.dim = dim;
    c.classes = 3;
    c.condition = 10;
    c.separation = 4;
    c.teacher_hidden = 32;
    c.seed = 1;
    c.preprocess = PRE_NONE;
    return c;
}

/* Fraction of labels equal to k. */
static inline double label_fraction(const dlx_split *s, int k)
{
    int c = 0;
    for (int i = 0; i < s->n; i++)
        c += s->labels[i] == k;
    return (double)c / s->n;
}

/* Population mean and covariance of the rows of s->x in double;
   cov is [dim, dim]. */
static inline void sample_moments(const dlx_split *s, double *mean, double *cov)
{
    int dim = s->dim;
    for (int j = 0; j < dim; j++) {
        double m = 0;
        for (int i = 0; i < s->n; i++)
            m += s->x[(size_t)i * dim + j];
        mean[j] = m / s->n;
    }
    for (int j = 0; j < dim; j++) {
        for (int k = j; k < dim; k++) {
            double c = 0;
            for (int i = 0; i < s->n; i++)
                c += (s->x[(size_t)i * dim + j] - mean[j]) * (s->x[(size_t)i * dim + k] - mean[k]);
            cov[j * dim + k] = cov[k * dim + j] = c / s->n;
        }
    }
}

/* A split whose row i is (i, −i) with label i % 7, or target 10·i
   (regression != 0); its arrays are NULL when memory runs out. */
static inline dlx_split numbered_split(int n, int regression)
{
    dlx_split s;
    dlx_diags d = {0};
    if (split_alloc(&s, n, 2, regression, "numbered", &d) != DLX_OK) {
        diags_free(&d);
        return s;
    }
    for (int i = 0; i < n; i++) {
        s.x[2 * i] = (float)i;
        s.x[2 * i + 1] = (float)-i;
        if (regression)
            s.targets[i] = 10.0f * i;
        else
            s.labels[i] = i % 7;
    }
    return s;
}

#endif
