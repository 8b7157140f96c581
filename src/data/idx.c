/*
 * idx.c — reading IDX files, plain or gzipped (see idx.h).
 *
 * zlib's gzread reads both: it inflates a file that starts with the gzip
 * magic 1f 8b and passes any other file through unchanged. The data bytes are
 * read into a buffer that grows as bytes arrive (doubling, capped at what the
 * header announces), so a corrupted header that claims gigabytes costs no
 * more memory than the file really holds; the announced size is also checked
 * against the 2^31-value limit of split.h before any reading.
 *
 * A well-formed gzipped file takes a faster path first: libdeflate inflates
 * it whole, in about a third of zlib's time (Fashion-MNIST's 26 MB of
 * training images). Anything unexpected sends the file down the zlib path
 * above, so every error message and size check is the zlib path's.
 */
#include "data/idx.h"
#include "util/real.h"

#include <errno.h>
#include <libdeflate.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "data/split.h"

enum { IDX_TYPE_UBYTE = 0x08, FIRST_CHUNK = 1 << 20, SKIP_CHUNK = 1 << 16 };

/* The name of an IDX element type byte, for messages. */
static const char *idx_type_name(int type)
{
    switch (type) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "16-bit integer";
    case 0x0C: return "32-bit integer";
    case 0x0D: return "32-bit float";
    case 0x0E: return "64-bit float";
    default: return "unknown type";
    }
}

/* Open path for reading through zlib; the error distinguishes a file the
   user named wrongly (input error) from a failing system (runtime error). */
static dlx_status open_input(gzFile *f, const char *path, dlx_diags *d)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int err = errno;
        diags_add(d, path, 0, 0, "cannot open: %s", strerror(err));
        return err == ENOENT || err == ENOTDIR || err == EACCES ? DLX_ERR_INPUT : DLX_ERR_RUNTIME;
    }
    if (!S_ISREG(st.st_mode)) {
        diags_add(d, path, 0, 0, "cannot open: not a regular file");
        return DLX_ERR_INPUT;
    }
    *f = gzopen(path, "rb");
    if (!*f) {
        int err = errno;
        diags_add(d, path, 0, 0, "cannot open: %s", err ? strerror(err) : "out of memory");
        return err == EACCES ? DLX_ERR_INPUT : DLX_ERR_RUNTIME;
    }
    gzbuffer(*f, 1 << 17);
    return DLX_OK;
}

/* Read up to len bytes into buf; *got is how many arrived before the end of
   the file. A zlib failure is reported with how far the data had come
   (`offset` bytes before this call, of `expected`). */
static dlx_status read_bytes(gzFile f, unsigned char *buf, size_t len, size_t *got,
                             const char *path, size_t offset, size_t expected, dlx_diags *d)
{
    *got = 0;
    while (*got < len) {
        size_t want = len - *got;
        unsigned chunk = want > (size_t)(INT_MAX / 2) ? (unsigned)(INT_MAX / 2) : (unsigned)want;
        int n = gzread(f, buf + *got, chunk);
        if (n > 0) {
            *got += (size_t)n;
            continue;
        }
        if (n == 0)
            return DLX_OK;
        int errnum = 0;
        const char *msg = gzerror(f, &errnum);
        if (errnum == Z_ERRNO) {
            diags_add(d, path, 0, 0, "read error: %s", strerror(errno));
            return DLX_ERR_RUNTIME;
        }
        if (errnum == Z_MEM_ERROR) {
            diags_add(d, path, 0, 0, "out of memory while decompressing");
            return DLX_ERR_RUNTIME;
        }
        if (errnum == Z_BUF_ERROR)
            diags_add(d, path, 0, 0,
                      "truncated gzip file: the compressed stream ends after %zu of %zu "
                      "expected bytes",
                      offset + *got, expected);
        else
            diags_add(d, path, 0, 0, "corrupt gzip data: %s", msg);
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

/* Check the 4-byte magic 00 00 TYPE NDIM against what the caller expects. */
static dlx_status check_magic(const unsigned char m[4], int ndim, const char *path, dlx_diags *d)
{
    if (m[0] != 0 || m[1] != 0) {
        diags_add(d, path, 0, 0,
                  "not an IDX file: it starts with bytes %02x %02x %02x %02x, an IDX file of "
                  "unsigned bytes in %d dimension%s starts with 00 00 08 %02x",
                  m[0], m[1], m[2], m[3], ndim, ndim == 1 ? "" : "s", (unsigned)ndim);
        return DLX_ERR_INPUT;
    }
    if (m[2] != IDX_TYPE_UBYTE) {
        diags_add(d, path, 0, 0,
                  "IDX element type 0x%02x (%s) is not supported: images and labels must be "
                  "unsigned bytes (type 0x08)",
                  m[2], idx_type_name(m[2]));
        return DLX_ERR_INPUT;
    }
    if (m[3] != ndim) {
        diags_add(d, path, 0, 0, "expected an IDX file of %d dimension%s (%s), this one has %d",
                  ndim, ndim == 1 ? "" : "s", ndim == 1 ? "labels" : "images", m[3]);
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

/* Decode the ndim big-endian sizes of an IDX header into a; a->count is the
   product of the sizes, checked against overflow and the 2^31-value limit. */
static dlx_status decode_sizes(const unsigned char *field, int ndim, idx_array *a,
                               const char *path, dlx_diags *d)
{
    a->ndim = ndim;
    for (int k = 0; k < ndim; k++) {
        const unsigned char *b = field + 4 * k;
        a->dims[k] = (size_t)b[0] << 24 | (size_t)b[1] << 16 | (size_t)b[2] << 8 | (size_t)b[3];
    }
    /* The data is [n, rows·cols]: every factor must fit an int and the
       product the 2^31-value limit of split.h (so it cannot overflow). */
    double announced = 1;
    int fits = 1;
    size_t per_example = 1;
    for (int k = 0; k < ndim; k++) {
        announced *= (double)a->dims[k];
        if (k > 0)
            per_example *= a->dims[k]; /* each dim < 2^32: at most 2^64 for two */
    }
    if (ndim == 3 && a->dims[1] != 0 && per_example / a->dims[1] != a->dims[2])
        fits = 0;
    if (a->dims[0] > INT_MAX || per_example > INT_MAX || announced > (double)DLX_SPLIT_MAX_VALUES)
        fits = 0;
    if (!fits) {
        char sizes[64];
        if (ndim == 3)
            snprintf(sizes, sizeof sizes, "%zu x %zu x %zu", a->dims[0], a->dims[1], a->dims[2]);
        else
            snprintf(sizes, sizeof sizes, "%zu", a->dims[0]);
        diags_add(d, path, 0, 0,
                  "the IDX header announces %s = %.4g bytes of data, which as float32 would need "
                  "%.4g GiB; dlx accepts at most 2^31 values (8 GiB) per array, so the file is "
                  "corrupt or too large",
                  sizes, announced, announced * sizeof(real) / (1024.0 * 1024.0 * 1024.0));
        return DLX_ERR_INPUT;
    }
    a->count = a->dims[0] * per_example;
    return DLX_OK;
}

/* Read the header (magic and sizes) into a; a->count is the product of the
   sizes, checked against overflow and the 2^31-value limit. */
static dlx_status read_header(gzFile f, int ndim, idx_array *a, const char *path, dlx_diags *d)
{
    unsigned char head[4 + 4 * IDX_MAX_NDIM];
    size_t got;
    dlx_status st = read_bytes(f, head, 4, &got, path, 0, 4, d);
    if (st != DLX_OK)
        return st;
    if (got < 4) {
        diags_add(d, path, 0, 0, "truncated IDX header: expected 4 bytes of magic, found %zu",
                  got);
        return DLX_ERR_INPUT;
    }
    if ((st = check_magic(head, ndim, path, d)) != DLX_OK)
        return st;
    size_t size_bytes = 4 * (size_t)ndim;
    if ((st = read_bytes(f, head + 4, size_bytes, &got, path, 4, 4 + size_bytes, d)) != DLX_OK)
        return st;
    if (got < size_bytes) {
        diags_add(d, path, 0, 0, "truncated IDX header: expected %zu bytes of sizes, found %zu",
                  size_bytes, got);
        return DLX_ERR_INPUT;
    }
    return decode_sizes(head + 4, ndim, a, path, d);
}

/* Read exactly a->count data bytes, then count any bytes after them. */
static dlx_status read_data(gzFile f, idx_array *a, const char *path, dlx_diags *d)
{
    size_t cap = a->count < FIRST_CHUNK ? a->count : FIRST_CHUNK, have = 0;
    a->data = malloc(cap + 1);
    if (!a->data)
        goto out_of_memory;
    while (have < a->count) {
        if (have == cap) {
            cap = cap > a->count / 2 ? a->count : 2 * cap;
            unsigned char *grown = realloc(a->data, cap + 1);
            if (!grown)
                goto out_of_memory;
            a->data = grown;
        }
        size_t got;
        dlx_status st = read_bytes(f, a->data + have, cap - have, &got, path, have, a->count, d);
        if (st != DLX_OK)
            return st;
        have += got;
        if (have < cap)
            break; /* end of file */
    }
    size_t extra = 0;
    if (have == a->count) {
        unsigned char skip[SKIP_CHUNK];
        size_t got;
        do {
            dlx_status st = read_bytes(f, skip, sizeof skip, &got, path, have + extra,
                                       a->count, d);
            if (st != DLX_OK)
                return st;
            extra += got;
        } while (got == sizeof skip);
    }
    if (have < a->count) {
        diags_add(d, path, 0, 0, "truncated IDX file: expected %zu bytes of data, found %zu",
                  a->count, have);
        return DLX_ERR_INPUT;
    }
    if (extra > 0) {
        diags_add(d, path, 0, 0,
                  "trailing bytes after the IDX data: expected %zu bytes of data, found %zu",
                  a->count, a->count + extra);
        return DLX_ERR_INPUT;
    }
    return DLX_OK;

out_of_memory:
    diags_add(d, path, 0, 0, "out of memory reading %zu bytes of IDX data", a->count);
    return DLX_ERR_RUNTIME;
}

/* The whole file at path in memory when it starts with the gzip magic
   1f 8b and holds at least the 18 bytes of an empty gzip member (RFC 1952);
   NULL otherwise, having read no more than two bytes of any other file. */
static unsigned char *slurp_gzip(const char *path, size_t *len)
{
    enum { GZIP_MIN = 18 };
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    struct stat st;
    unsigned char *buf = NULL;
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= GZIP_MIN &&
        (uintmax_t)st.st_size <= SIZE_MAX) {
        *len = (size_t)st.st_size;
        unsigned char magic[2];
        if (fread(magic, 1, 2, fp) == 2 && magic[0] == 0x1f && magic[1] == 0x8b &&
            (buf = malloc(*len)) != NULL) {
            memcpy(buf, magic, 2);
            if (fread(buf + 2, 1, *len - 2, fp) != *len - 2) {
                free(buf);
                buf = NULL;
            }
        }
    }
    fclose(fp);
    return buf;
}

/* The fast path for a gzipped file: libdeflate inflates the whole file in
   one call (about three times zlib's speed, CRC-32 and ISIZE checked), into
   a buffer of the size the gzip trailer announces (RFC 1952, §2.3.1).
   Succeeds only for a single gzip member holding exactly one valid IDX
   array of ndim dimensions; in every other case (plain file, corrupt or
   truncated data, bad header, wrong sizes, trailing bytes, no memory) it
   returns false without a message, and idx_read reads the file again with
   zlib, which finds and reports the problem. */
static bool read_gzip_whole(const char *path, int ndim, idx_array *out)
{
    enum { DEFLATE_MAX_RATIO = 1032 };
    size_t len = 0;
    unsigned char *in = slurp_gzip(path, &len);
    if (!in)
        return false;
    size_t header = 4 + 4 * (size_t)ndim;
    size_t isize = (size_t)in[len - 4] | (size_t)in[len - 3] << 8 | (size_t)in[len - 2] << 16 |
                   (size_t)in[len - 1] << 24;
    bool ok = isize >= header && isize / DEFLATE_MAX_RATIO <= len &&
              isize - header <= DLX_SPLIT_MAX_VALUES;
    unsigned char *data = ok ? malloc(isize) : NULL;
    struct libdeflate_decompressor *dec = data ? libdeflate_alloc_decompressor() : NULL;
    size_t used = 0, got = 0;
    ok = dec && libdeflate_gzip_decompress_ex(dec, in, len, data, isize, &used, &got) ==
                    LIBDEFLATE_SUCCESS &&
         used == len && got == isize;
    libdeflate_free_decompressor(dec);
    free(in);
    if (ok) {
        dlx_diags quiet = {0};
        ok = check_magic(data, ndim, path, &quiet) == DLX_OK &&
             decode_sizes(data + 4, ndim, out, path, &quiet) == DLX_OK &&
             out->count == isize - header;
        diags_free(&quiet);
    }
    if (!ok) {
        free(data);
        *out = (idx_array){0};
        return false;
    }
    memmove(data, data + header, out->count);
    out->data = data;
    return true;
}

dlx_status idx_read(const char *path, int ndim, idx_array *out, dlx_diags *d)
{
    *out = (idx_array){0};
    if (read_gzip_whole(path, ndim, out))
        return DLX_OK;
    gzFile f = NULL;
    dlx_status st = open_input(&f, path, d);
    if (st != DLX_OK)
        return st;
    st = read_header(f, ndim, out, path, d);
    if (st == DLX_OK)
        st = read_data(f, out, path, d);
    gzclose(f);
    if (st != DLX_OK)
        idx_array_free(out);
    return st;
}

dlx_status idx_read_header(const char *path, int ndim, idx_array *out, dlx_diags *d)
{
    *out = (idx_array){0};
    gzFile f = NULL;
    dlx_status st = open_input(&f, path, d);
    if (st != DLX_OK)
        return st;
    st = read_header(f, ndim, out, path, d);
    gzclose(f);
    if (st != DLX_OK)
        *out = (idx_array){0};
    return st;
}

void idx_array_free(idx_array *a)
{
    free(a->data);
    *a = (idx_array){0};
}

/* Check that the labels of split s (read from path) are classes
   0..classes-1; report the first offender and how many there are. With
   train_path, the classes are those the training labels in that file define. */
static dlx_status check_labels(const dlx_split *s, int classes, const char *path,
                               const char *train_path, dlx_diags *d)
{
    int bad = 0, first = 0;
    for (int i = 0; i < s->n; i++)
        if (s->labels[i] >= classes && bad++ == 0)
            first = i;
    if (bad == 0)
        return DLX_OK;
    char whose[DLX_PATH_MAX + 64] = "";
    if (train_path)
        snprintf(whose, sizeof whose, ", the classes of the training labels in %s", train_path);
    diags_add(d, path, 0, 0, "label %d of example %d is not a class 0..%d%s (%d label%s out of range)",
              s->labels[first], first, classes - 1, whose, bad, bad == 1 ? " is" : "s are");
    return DLX_ERR_INPUT;
}

/* The bytes of a as floats 0..255, in a's own buffer grown to count + 1
   floats: the pixels never exist twice, so loading needs the float32 array
   and nothing beside it (realloc of a large block moves pages, not bytes).
   Converted from the last byte down: float i fills bytes 4i..4i+3, all at or
   after byte i, and every byte after i has been read by then. Blocks of 64
   bytes are copied out first so the inner loop has no overlap and
   vectorizes. Takes a's buffer (a->data is NULL afterwards); NULL when
   memory runs out, and then the buffer is freed. */
static real *widen_bytes_to_floats(idx_array *a)
{
    size_t n = a->count;
    unsigned char *bytes = a->data;
    a->data = NULL;
    real *x = n + 1 <= SIZE_MAX / sizeof *x ? realloc(bytes, (n + 1) * sizeof *x) : NULL;
    if (!x) {
        free(bytes);
        return NULL;
    }
    enum { BLOCK = 64 };
    const unsigned char *b = (const unsigned char *)x;
    for (size_t end = n; end > 0;) {
        size_t start = end > BLOCK ? end - BLOCK : 0;
        unsigned char block[BLOCK];
        memcpy(block, b + start, end - start);
        for (size_t j = 0; j < end - start; j++)
            x[start + j] = (real)block[j];
        end = start;
    }
    x[n] = REAL_C(0.0);
    return x;
}

dlx_status idx_load_split(dlx_split *s, const char *images_path, const char *labels_path,
                          int classes, dlx_diags *d)
{
    *s = (dlx_split){0};
    idx_array images, labels;
    dlx_status st = idx_read(images_path, 3, &images, d);
    dlx_status st_labels = idx_read(labels_path, 1, &labels, d);
    if (st == DLX_OK && st_labels == DLX_OK) {
        if (images.dims[0] == 0) {
            diags_add(d, images_path, 0, 0, "the IDX file holds no images");
            st = DLX_ERR_INPUT;
        } else if (images.dims[1] == 0 || images.dims[2] == 0) {
            diags_add(d, images_path, 0, 0, "the images have size %zu x %zu", images.dims[1],
                      images.dims[2]);
            st = DLX_ERR_INPUT;
        } else if (labels.dims[0] != images.dims[0]) {
            diags_add(d, labels_path, 0, 0, "%zu labels, but %s has %zu images", labels.dims[0],
                      images_path, images.dims[0]);
            st = DLX_ERR_INPUT;
        }
    } else if (st == DLX_OK || (st_labels != DLX_OK && st_labels < st)) {
        st = st_labels; /* the more serious status wins: runtime before input */
    }
    if (st == DLX_OK) {
        int n = (int)images.dims[0];
        int dim = (int)(images.dims[1] * images.dims[2]);
        real *x = widen_bytes_to_floats(&images);
        st = split_alloc_with_inputs(s, x, n, dim, 0, images_path, d);
        if (st == DLX_OK)
            for (int i = 0; i < n; i++)
                s->labels[i] = labels.data[i];
        if (st == DLX_OK && classes > 0 &&
            (st = check_labels(s, classes, labels_path, NULL, d)) != DLX_OK)
            split_free(s);
    }
    idx_array_free(&images);
    idx_array_free(&labels);
    return st;
}

/* The largest label of a split, -1 when it is empty. */
static int max_label(const dlx_split *s)
{
    int m = -1;
    for (int i = 0; i < s->n; i++)
        if (s->labels[i] > m)
            m = s->labels[i];
    return m;
}

/* One split to load on a thread of its own, with its own messages. */
typedef struct {
    dlx_split *split;
    const char *images, *labels;
    int classes;
    dlx_diags diags;
    dlx_status st;
} split_job;

static void *load_split_job(void *arg)
{
    split_job *j = arg;
    j->st = idx_load_split(j->split, j->images, j->labels, j->classes, &j->diags);
    return NULL;
}

/* The test split loads on a second thread while this one loads the
   training split (on two cores, the load takes the time of the larger);
   the test split's messages follow the training split's, as before. */
dlx_status idx_load_dataset(dlx_dataset *ds, const char *train_images, const char *train_labels,
                            const char *test_images, const char *test_labels, int classes,
                            dlx_diags *d)
{
    *ds = (dlx_dataset){0};
    split_job test = {&ds->test, test_images, test_labels, classes, {0}, DLX_OK};
    pthread_t thread;
    bool threaded = pthread_create(&thread, NULL, load_split_job, &test) == 0;
    dlx_status st = idx_load_split(&ds->train, train_images, train_labels, classes, d);
    if (threaded)
        pthread_join(thread, NULL);
    else
        load_split_job(&test);
    for (int i = 0; i < test.diags.count; i++) {
        const dlx_diag *g = &test.diags.items[i];
        diags_add(d, g->file, g->line, g->col, "%s", g->message);
    }
    diags_free(&test.diags);
    dlx_status st_test = test.st;
    if (st == DLX_OK && st_test == DLX_OK && ds->train.dim != ds->test.dim) {
        diags_add(d, test_images, 0, 0, "images have %d pixels, but those of %s have %d",
                  ds->test.dim, train_images, ds->train.dim);
        st = DLX_ERR_INPUT;
    } else if (st == DLX_OK || (st_test != DLX_OK && st_test < st)) {
        st = st_test;
    }
    if (st != DLX_OK) {
        split_free(&ds->train);
        split_free(&ds->test);
        return st;
    }
    if (classes > 0) {
        ds->classes = classes;
        return DLX_OK;
    }
    /* The classes are those of the training labels, 0..max: a test label
       above them names a class the model could never learn. */
    int m = max_label(&ds->train);
    ds->classes = m + 1 < 2 ? 2 : m + 1;
    st = check_labels(&ds->test, ds->classes, test_labels, train_labels, d);
    if (st != DLX_OK) {
        split_free(&ds->train);
        split_free(&ds->test);
    }
    return st;
}
