/*
 * safetensors.c — the safetensors format (huggingface/safetensors), written
 * the way the reference implementation writes it and read with every field
 * checked.
 *
 * Layout: u64 little-endian N, N bytes of JSON header, then the data area.
 * Writing: the header is compact JSON with "__metadata__" first (when there
 * is metadata), then the tensors in the caller's order with contiguous
 * offsets, padded with spaces to a multiple of 8 bytes as the reference does
 * (so the data area starts 8-byte aligned); data is little-endian float32.
 *
 * Reading: the whole file is loaded, the header is parsed with cJSON (a
 * JSON parser, linear in the header's length; libyaml's scanner, used
 * before, took quadratic time on deeply nested text) and every rule of the
 * format is checked before any tensor is converted:
 *   - 8 <= file size; N <= file size − 8 and N <= 100 000 000 (the
 *     reference's MAX_HEADER_SIZE); a header above 1 MiB may not be larger
 *     than the data area it describes (no real file comes near: a tensor's
 *     entry is some 80 bytes); the header starts with '{';
 *   - the header text is UTF-8, nests at most ST_MAX_DEPTH brackets (cJSON
 *     stops at CJSON_NESTING_LIMIT, 1000, as a second guard) and holds no
 *     "\u0000" escape; it is one JSON object, followed by nothing but
 *     white space (the writer's padding);
 *   - each entry has dtype (F32, F64, F16, BF16 are read and converted to
 *     float32; the other safetensors dtypes are refused as unsupported),
 *     shape (at most 16 non-negative integers; [] is a scalar) and
 *     data_offsets [begin, end] with begin <= end <= data size and
 *     end − begin == numel·sizeof(dtype); other keys are ignored, as the
 *     reference does;
 *   - no two tensors share a name or overlap in the data area (gaps are
 *     tolerated); "__metadata__" is an object of strings with unique keys.
 *     Duplicates are found by sorting, so a header of many keys costs
 *     n log n.
 * Every problem found is reported, naming the file and the tensor; a header
 * that is not JSON stops the reading at the first syntax error.
 *
 * cJSON reads numbers as doubles: an integer spelt 1.0 or 1e2 is taken as
 * the integer it is, and integers from 2^53 up are refused as too large
 * (no offset or dimension of a file dlx can hold comes near).
 */
#include "io/safetensors.h"
#include "util/real.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include <math.h>

#include "io/atomic_file.h"

#define ST_HEADER_LIMIT 100000000ULL
#define ST_HEADER_FREE (1 << 20) /* a header up to this size may be larger than its data */
#define ST_MAX_NDIM DLX_ST_MAX_NDIM
#define ST_MAX_DEPTH 64 /* brackets in the header (it needs 3) */
#define ST_METADATA_KEY "__metadata__"

/* ------------------------------------------------------------------ dtypes */

typedef enum { ST_F32, ST_F64, ST_F16, ST_BF16, ST_UNSUPPORTED } st_conversion;

typedef struct {
    const char *name;
    size_t size; /* bytes per element */
    st_conversion conversion;
} st_dtype;

/* The dtypes of the safetensors specification. */
static const st_dtype DTYPES[] = {
    {"F32", 4, ST_F32},          {"F64", 8, ST_F64},          {"F16", 2, ST_F16},
    {"BF16", 2, ST_BF16},        {"BOOL", 1, ST_UNSUPPORTED}, {"U8", 1, ST_UNSUPPORTED},
    {"I8", 1, ST_UNSUPPORTED},   {"F8_E5M2", 1, ST_UNSUPPORTED}, {"F8_E4M3", 1, ST_UNSUPPORTED},
    {"I16", 2, ST_UNSUPPORTED},  {"U16", 2, ST_UNSUPPORTED},  {"I32", 4, ST_UNSUPPORTED},
    {"U32", 4, ST_UNSUPPORTED},  {"I64", 8, ST_UNSUPPORTED},  {"U64", 8, ST_UNSUPPORTED},
};

/* The dtype called name, or NULL when the format has no such dtype. */
static const st_dtype *find_dtype(const char *name)
{
    for (size_t i = 0; i < sizeof DTYPES / sizeof DTYPES[0]; i++)
        if (strcmp(DTYPES[i].name, name) == 0)
            return &DTYPES[i];
    return NULL;
}

/* ------------------------------------------------------------- byte order */

/* Little-endian encoding and decoding, independent of the host's order. */
static void put_u64_le(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64_le(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t get_u32_le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get_u16_le(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* IEEE 754 binary16 to float: (−1)^s·2^(e−15)·(1 + m/1024) for 0 < e < 31,
   (−1)^s·2^−14·(m/1024) for e = 0, ±inf or NaN for e = 31. Exact. */
static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31;
    uint32_t exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    uint32_t bits;
    if (exponent == 31) {
        bits = sign | 0x7f800000u | mantissa << 13;
    } else if (exponent != 0) {
        bits = sign | (exponent + 112) << 23 | mantissa << 13;
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        /* Subnormal half: normalise the mantissa into a float exponent. */
        int shift = 0;
        while (!(mantissa & 0x400)) {
            mantissa <<= 1;
            shift++;
        }
        bits = sign | (uint32_t)(113 - shift) << 23 | (mantissa & 0x3ff) << 13;
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* bfloat16 is the top half of a float32's bits. */
static float bfloat16_to_float(uint16_t b)
{
    uint32_t bits = (uint32_t)b << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* --------------------------------------------------------------- writing */

typedef struct {
    char *data;
    size_t len, cap;
    bool out_of_memory;
} text_buffer;

/* Append n bytes to b, growing it; remembers an allocation failure. */
static void text_append(text_buffer *b, const char *s, size_t n)
{
    if (b->out_of_memory)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *data = realloc(b->data, cap);
        if (!data) {
            b->out_of_memory = true;
            return;
        }
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Append the C string s to b. */
static void text_puts(text_buffer *b, const char *s)
{
    text_append(b, s, strlen(s));
}

/* s as a JSON string: '"' and '\' escaped, control characters as \u00XX,
   other bytes (UTF-8) copied. */
static void text_json_string(text_buffer *b, const char *s)
{
    text_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char escaped[8];
        if (*p == '"' || *p == '\\') {
            escaped[0] = '\\';
            escaped[1] = (char)*p;
            text_append(b, escaped, 2);
        } else if (*p < 0x20) {
            snprintf(escaped, sizeof escaped, "\\u%04x", *p);
            text_puts(b, escaped);
        } else {
            text_append(b, (const char *)p, 1);
        }
    }
    text_puts(b, "\"");
}

/* The header JSON, padded with spaces to a multiple of 8 bytes. */
static void build_header(text_buffer *b, const dlx_tensor *tensors, int n_tensors,
                         const char *const *meta_keys, const char *const *meta_values, int n_meta)
{
    text_puts(b, "{");
    if (n_meta > 0) {
        text_puts(b, "\"" ST_METADATA_KEY "\":{");
        for (int i = 0; i < n_meta; i++) {
            if (i > 0)
                text_puts(b, ",");
            text_json_string(b, meta_keys[i]);
            text_puts(b, ":");
            text_json_string(b, meta_values[i]);
        }
        text_puts(b, "}");
    }
    uint64_t offset = 0;
    for (int t = 0; t < n_tensors; t++) {
        char number[96];
        if (t > 0 || n_meta > 0)
            text_puts(b, ",");
        text_json_string(b, tensors[t].name);
        text_puts(b, ":{\"dtype\":\"" REAL_SAFETENSORS_DTYPE "\",\"shape\":[");
        for (int d = 0; d < tensors[t].ndim; d++) {
            snprintf(number, sizeof number, d ? ",%d" : "%d", tensors[t].shape[d]);
            text_puts(b, number);
        }
        uint64_t end = offset + sizeof(real) * (uint64_t)tensor_numel(&tensors[t]);
        snprintf(number, sizeof number, "],\"data_offsets\":[%" PRIu64 ",%" PRIu64 "]}", offset, end);
        text_puts(b, number);
        offset = end;
    }
    text_puts(b, "}");
    /* pad to 8 bytes; after an allocation failure text_puts no longer grows
       the buffer, and the caller reports it */
    while (b->len % 8 != 0 && !b->out_of_memory)
        text_puts(b, " ");
}

/* Tensors the writer can represent: ndim 1 or 2, non-negative sizes, data
   present, unique names other than "__metadata__". */
static dlx_status check_tensors_to_write(const char *path, const dlx_tensor *tensors, int n,
                                         dlx_diags *diags)
{
    dlx_status st = DLX_OK;
    for (int t = 0; t < n; t++) {
        const dlx_tensor *x = &tensors[t];
        if (x->ndim < 1 || x->ndim > 2 || x->shape[0] < 0 || (x->ndim == 2 && x->shape[1] < 0)) {
            diags_add(diags, path, 0, 0, "tensor '%s': cannot write a tensor of ndim %d", x->name, x->ndim);
            st = DLX_ERR_INPUT;
        } else if (!x->data && tensor_numel(x) > 0) {
            diags_add(diags, path, 0, 0, "tensor '%s': no data to write", x->name);
            st = DLX_ERR_INPUT;
        }
        if (strcmp(x->name, ST_METADATA_KEY) == 0) {
            diags_add(diags, path, 0, 0, "'%s' is reserved and cannot name a tensor", ST_METADATA_KEY);
            st = DLX_ERR_INPUT;
        }
        for (int u = 0; u < t; u++)
            if (strcmp(tensors[u].name, x->name) == 0) {
                diags_add(diags, path, 0, 0, "duplicate tensor name '%s'", x->name);
                st = DLX_ERR_INPUT;
                break;
            }
    }
    return st;
}

/* The numbers of t (REAL_SAFETENSORS_DTYPE: F32, or F64 in the float64
   build) as little-endian bytes, through a fixed staging buffer. */
static bool write_floats_le(FILE *fp, const real *data, size_t n)
{
    unsigned char chunk[4096];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        real_bits bits;
        memcpy(&bits, &data[i], sizeof bits);
        for (int k = 0; k < (int)sizeof bits; k++)
            chunk[used++] = (unsigned char)(bits >> (8 * k));
        if (used == sizeof chunk) {
            if (fwrite(chunk, 1, used, fp) != used)
                return false;
            used = 0;
        }
    }
    return used == 0 || fwrite(chunk, 1, used, fp) == used;
}

dlx_status safetensors_write(const char *path, const dlx_tensor *tensors, int n_tensors,
                             const char *const *meta_keys, const char *const *meta_values,
                             int n_meta, dlx_diags *diags)
{
    dlx_status st = check_tensors_to_write(path, tensors, n_tensors, diags);
    if (st != DLX_OK)
        return st;
    text_buffer header = {0};
    build_header(&header, tensors, n_tensors, meta_keys, meta_values, n_meta);
    if (header.out_of_memory) {
        free(header.data);
        diags_add(diags, path, 0, 0, "cannot write: out of memory");
        return DLX_ERR_RUNTIME;
    }

    dlx_atomic_file af;
    st = atomic_open(&af, path, diags);
    if (st != DLX_OK) {
        free(header.data);
        return st;
    }
    unsigned char length[8];
    put_u64_le(length, header.len);
    bool ok = fwrite(length, 1, 8, af.fp) == 8 && fwrite(header.data, 1, header.len, af.fp) == header.len;
    for (int t = 0; ok && t < n_tensors; t++)
        ok = write_floats_le(af.fp, tensors[t].data, tensor_numel(&tensors[t]));
    free(header.data);
    if (!ok) {
        diags_add(diags, path, 0, 0, "cannot write: %s", strerror(errno));
        atomic_abort(&af);
        return DLX_ERR_RUNTIME;
    }
    return atomic_commit(&af, diags);
}

/* --------------------------------------------------------------- reading */

/* One header entry once parsed; valid when every field checked out. */
typedef struct {
    char name[DLX_TENSOR_NAME_MAX];
    const st_dtype *dtype;
    int ndim;
    int64_t shape[ST_MAX_NDIM];
    size_t numel;
    uint64_t begin, end;
    bool valid;
} st_entry;

typedef struct {
    const char *path;
    dlx_diags *diags;
    uint64_t data_size;
    int n_errors;
} st_reader;

#define READ_ERROR(r, ...)                                \
    do {                                                  \
        diags_add((r)->diags, (r)->path, 0, 0, __VA_ARGS__); \
        (r)->n_errors++;                                  \
    } while (0)

/* The whole file in memory, once its first 8 bytes give a plausible header
   length (checked before the rest is read, so a bogus length costs nothing).
   A missing file is the user's mistake (a wrong path: DLX_ERR_INPUT); other
   failures to read are I/O errors (DLX_ERR_RUNTIME). */
static dlx_status read_file(const char *path, unsigned char **bytes, size_t *size, uint64_t *header_len,
                            dlx_diags *diags)
{
    *bytes = NULL;
    *size = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        int err = errno;
        diags_add(diags, path, 0, 0, "cannot open: %s", strerror(err));
        return err == ENOENT || err == ENOTDIR || err == EISDIR ? DLX_ERR_INPUT : DLX_ERR_RUNTIME;
    }
    struct stat sb;
    if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        diags_add(diags, path, 0, 0, "cannot read: not a regular file");
        fclose(fp);
        return DLX_ERR_INPUT;
    }
    size_t n = (size_t)sb.st_size;
    unsigned char length[8];
    if (n < 8 || fread(length, 1, 8, fp) != 8) {
        diags_add(diags, path, 0, 0, "not a safetensors file: %zu bytes, too short for the 8-byte header length", n);
        fclose(fp);
        return DLX_ERR_INPUT;
    }
    *header_len = get_u64_le(length);
    if (*header_len > n - 8) {
        diags_add(diags, path, 0, 0, "header length %" PRIu64 " runs past the end of the file (%zu bytes after the length)",
                  *header_len, n - 8);
        fclose(fp);
        return DLX_ERR_INPUT;
    }
    if (*header_len > ST_HEADER_LIMIT) {
        diags_add(diags, path, 0, 0, "header length %" PRIu64 " is above the limit of %llu bytes", *header_len,
                  ST_HEADER_LIMIT);
        fclose(fp);
        return DLX_ERR_INPUT;
    }
    uint64_t data_size = n - 8 - *header_len;
    if (*header_len > ST_HEADER_FREE && *header_len > data_size) {
        diags_add(diags, path, 0, 0,
                  "header length %" PRIu64 " is larger than the %" PRIu64 " bytes of tensor data it describes "
                  "(a header above %d bytes may not outgrow the data)", *header_len, data_size, ST_HEADER_FREE);
        fclose(fp);
        return DLX_ERR_INPUT;
    }
    unsigned char *data = malloc(n);
    if (!data) {
        diags_add(diags, path, 0, 0, "cannot read: out of memory for %zu bytes", n);
        fclose(fp);
        return DLX_ERR_RUNTIME;
    }
    memcpy(data, length, 8);
    if (fread(data + 8, 1, n - 8, fp) != n - 8) {
        diags_add(diags, path, 0, 0, "cannot read: %s", ferror(fp) ? strerror(errno) : "file shrank while reading");
        free(data);
        fclose(fp);
        return DLX_ERR_RUNTIME;
    }
    fclose(fp);
    *bytes = data;
    *size = n;
    return DLX_OK;
}

/* A JSON string (cJSON keeps strings NUL-terminated; a "\u0000" escape is
   refused before parsing, so every string is a whole C string). */
static bool is_c_string(const cJSON *node)
{
    return cJSON_IsString(node) && node->valuestring;
}

typedef enum { INT_OK, INT_NOT_INTEGER, INT_NEGATIVE, INT_TOO_LARGE } int_parse;

/* A JSON integer as a uint64. cJSON reads every number as a double: an
   integer is a finite whole double, exact below 2^53 (far beyond any file
   dlx can read), so larger ones are refused as too large. */
static int_parse parse_json_uint(const cJSON *node, uint64_t *value)
{
    if (!cJSON_IsNumber(node))
        return INT_NOT_INTEGER;
    double v = node->valuedouble;
    if (isinf(v))
        return INT_TOO_LARGE;
    if (!isfinite(v) || v != floor(v))
        return INT_NOT_INTEGER;
    if (v < 0)
        return INT_NEGATIVE;
    if (v >= 9007199254740992.0) /* 2^53 */
        return INT_TOO_LARGE;
    *value = (uint64_t)v;
    return INT_OK;
}

/* What is wrong with a number, for messages. */
static const char *int_problem(int_parse p)
{
    return p == INT_NEGATIVE ? "is negative" : p == INT_TOO_LARGE ? "is too large" : "is not an integer";
}

/* "dtype": a JSON string naming a supported dtype. */
static bool parse_dtype(st_reader *r, st_entry *e, const cJSON *node)
{
    if (!is_c_string(node)) {
        READ_ERROR(r, "tensor '%s': dtype is not a string", e->name);
        return false;
    }
    const char *name = node->valuestring;
    e->dtype = find_dtype(name);
    if (!e->dtype) {
        READ_ERROR(r, "tensor '%s': unknown dtype '%s'", e->name, name);
        return false;
    }
    if (e->dtype->conversion == ST_UNSUPPORTED) {
        READ_ERROR(r, "tensor '%s': unsupported dtype '%s' (dlx reads F32, F64, F16 and BF16)", e->name, name);
        return false;
    }
    return true;
}

/* "shape": a list of at most ST_MAX_NDIM non-negative integers; numel their
   product. */
static bool parse_shape(st_reader *r, st_entry *e, const cJSON *node)
{
    if (!cJSON_IsArray(node)) {
        READ_ERROR(r, "tensor '%s': shape is not a list", e->name);
        return false;
    }
    long ndim = 0;
    for (const cJSON *item = node->child; item; item = item->next)
        ndim++;
    if (ndim > ST_MAX_NDIM) {
        READ_ERROR(r, "tensor '%s': shape has %ld dimensions (at most %d)", e->name, ndim, ST_MAX_NDIM);
        return false;
    }
    e->ndim = (int)ndim;
    uint64_t numel = 1;
    bool overflow = false;
    const cJSON *item = node->child;
    for (int d = 0; d < e->ndim; d++, item = item->next) {
        uint64_t n;
        int_parse p = parse_json_uint(item, &n);
        if (p != INT_OK) {
            READ_ERROR(r, "tensor '%s': shape[%d] %s", e->name, d, int_problem(p));
            return false;
        }
        e->shape[d] = (int64_t)n;
        if (n != 0 && numel > UINT64_MAX / n)
            overflow = true;
        else
            numel *= n;
    }
    if (overflow || numel > SIZE_MAX / 8) {
        READ_ERROR(r, "tensor '%s': shape has too many elements", e->name);
        return false;
    }
    e->numel = (size_t)numel;
    return true;
}

/* "data_offsets": [begin, end], two integers. */
static bool parse_offsets(st_reader *r, st_entry *e, const cJSON *node)
{
    const cJSON *first = cJSON_IsArray(node) ? node->child : NULL;
    if (!first || !first->next || first->next->next) {
        READ_ERROR(r, "tensor '%s': data_offsets is not a list [begin, end]", e->name);
        return false;
    }
    int_parse p = parse_json_uint(first, &e->begin);
    if (p == INT_OK)
        p = parse_json_uint(first->next, &e->end);
    if (p != INT_OK) {
        READ_ERROR(r, "tensor '%s': a data offset %s", e->name, int_problem(p));
        return false;
    }
    return true;
}

/* One tensor entry: its three fields present once each, then the offsets
   checked against the shape and the data area. */
static void parse_entry(st_reader *r, st_entry *e, const cJSON *node)
{
    if (!cJSON_IsObject(node)) {
        READ_ERROR(r, "tensor '%s': entry is not a JSON object", e->name);
        return;
    }
    const char *fields[3] = {"dtype", "shape", "data_offsets"};
    int seen[3] = {0, 0, 0};
    bool ok = true;
    for (const cJSON *value = node->child; value; value = value->next) {
        int f = 0;
        while (f < 3 && strcmp(value->string, fields[f]) != 0)
            f++;
        if (f == 3)
            continue; /* unknown keys are ignored, as by the reference */
        if (seen[f]++) {
            READ_ERROR(r, "tensor '%s': duplicate key '%s'", e->name, fields[f]);
            ok = false;
            continue;
        }
        if (f == 0)
            ok &= parse_dtype(r, e, value);
        else if (f == 1)
            ok &= parse_shape(r, e, value);
        else
            ok &= parse_offsets(r, e, value);
    }
    for (int f = 0; f < 3; f++)
        if (!seen[f]) {
            READ_ERROR(r, "tensor '%s': missing '%s'", e->name, fields[f]);
            ok = false;
        }
    if (!ok)
        return;

    uint64_t bytes = (uint64_t)e->numel * e->dtype->size;
    if (e->begin > e->end || e->end > r->data_size) {
        READ_ERROR(r, "tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64 "] lie outside the data area of %" PRIu64 " bytes",
                   e->name, e->begin, e->end, r->data_size);
        return;
    }
    if (e->end - e->begin != bytes) {
        READ_ERROR(r, "tensor '%s': shape needs %zu x %zu = %" PRIu64 " bytes of %s but data_offsets [%" PRIu64 ", %" PRIu64 "] span %" PRIu64,
                   e->name, e->numel, e->dtype->size, bytes, e->dtype->name, e->begin, e->end, e->end - e->begin);
        return;
    }
    e->valid = true;
}

/* A metadata entry and its place in the header. */
typedef struct {
    const cJSON *node;
    size_t place;
} st_meta;

/* qsort order of metadata entries: by key, then by place in the header. */
static int compare_meta(const void *a, const void *b)
{
    const st_meta *x = a, *y = b;
    int c = strcmp(x->node->string, y->node->string);
    return c ? c : (x->place < y->place ? -1 : x->place > y->place);
}

/* "__metadata__": an object whose keys and values are strings, keys unique
   (found by sorting, so that a header of many keys costs n log n). */
static dlx_status parse_metadata(st_reader *r, const cJSON *node, dlx_st_file *out)
{
    if (!cJSON_IsObject(node)) {
        READ_ERROR(r, "%s is not a JSON object of strings", ST_METADATA_KEY);
        return DLX_OK;
    }
    size_t n = 0;
    for (const cJSON *v = node->child; v; v = v->next)
        n++;
    st_meta *sorted = calloc(n > 0 ? n : 1, sizeof *sorted);
    out->meta_keys = calloc(n > 0 ? n : 1, sizeof(char *));
    out->meta_values = calloc(n > 0 ? n : 1, sizeof(char *));
    if (!sorted || !out->meta_keys || !out->meta_values) {
        free(sorted);
        diags_add(r->diags, r->path, 0, 0, "cannot read: out of memory");
        return DLX_ERR_RUNTIME;
    }
    size_t m = 0;
    for (const cJSON *v = node->child; v; v = v->next) {
        if (!is_c_string(v)) {
            READ_ERROR(r, "%s: the value of '%s' is not a string", ST_METADATA_KEY, v->string);
            continue;
        }
        sorted[m] = (st_meta){v, m};
        m++;
    }
    qsort(sorted, m, sizeof *sorted, compare_meta);
    dlx_status st = DLX_OK;
    for (size_t i = 0; i < m && st == DLX_OK; i++) {
        const cJSON *v = sorted[i].node;
        if (i > 0 && strcmp(v->string, sorted[i - 1].node->string) == 0) {
            READ_ERROR(r, "%s: duplicate key '%s'", ST_METADATA_KEY, v->string);
            continue;
        }
        int k = out->n_meta++;
        out->meta_keys[k] = strdup(v->string);
        out->meta_values[k] = strdup(v->valuestring);
        if (!out->meta_keys[k] || !out->meta_values[k]) {
            diags_add(r->diags, r->path, 0, 0, "cannot read: out of memory");
            st = DLX_ERR_RUNTIME;
        }
    }
    free(sorted);
    return st;
}

/* qsort orders: by name; by data offsets (begin, then end). */
static int compare_entry_names(const void *a, const void *b)
{
    return strcmp((*(const st_entry *const *)a)->name, (*(const st_entry *const *)b)->name);
}

static int compare_entry_offsets(const void *a, const void *b)
{
    const st_entry *x = *(const st_entry *const *)a, *y = *(const st_entry *const *)b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Names unique; the non-empty spans of valid entries disjoint. order is
   scratch space for n pointers. */
static void check_names_and_overlaps(st_reader *r, st_entry *entries, int n, st_entry **order)
{
    for (int i = 0; i < n; i++)
        order[i] = &entries[i];
    qsort(order, (size_t)n, sizeof *order, compare_entry_names);
    for (int i = 1; i < n; i++)
        if (strcmp(order[i]->name, order[i - 1]->name) == 0 &&
            (i < 2 || strcmp(order[i]->name, order[i - 2]->name) != 0))
            READ_ERROR(r, "duplicate tensor name '%s'", order[i]->name);

    int m = 0;
    for (int i = 0; i < n; i++)
        if (entries[i].valid && entries[i].end > entries[i].begin)
            order[m++] = &entries[i];
    qsort(order, (size_t)m, sizeof *order, compare_entry_offsets);
    const st_entry *reach = NULL; /* the span seen so far that ends last */
    for (int i = 0; i < m; i++) {
        if (reach && order[i]->begin < reach->end)
            READ_ERROR(r, "tensors '%s' and '%s' overlap in the data area ([%" PRIu64 ", %" PRIu64 "] and [%" PRIu64 ", %" PRIu64 "])",
                       reach->name, order[i]->name, reach->begin, reach->end, order[i]->begin, order[i]->end);
        if (!reach || order[i]->end > reach->end)
            reach = order[i];
    }
}

/* Decode the entry's bytes (little-endian, any dtype read) into floats. */
static void convert_entry(const st_entry *e, const unsigned char *data_area, real *out)
{
    const unsigned char *p = data_area + e->begin;
    for (size_t i = 0; i < e->numel; i++) {
        switch (e->dtype->conversion) {
        case ST_F32: {
            uint32_t bits = get_u32_le(p + 4 * i);
            float v;
            memcpy(&v, &bits, sizeof v);
            out[i] = v;
            break;
        }
        case ST_F64: {
            uint64_t bits = get_u64_le(p + 8 * i);
            double v;
            memcpy(&v, &bits, sizeof v);
            out[i] = (real)v;
            break;
        }
        case ST_F16:
            out[i] = half_to_float(get_u16_le(p + 2 * i));
            break;
        case ST_BF16:
            out[i] = bfloat16_to_float(get_u16_le(p + 2 * i));
            break;
        case ST_UNSUPPORTED:
            break;
        }
    }
}

/* The header's top-level object: "__metadata__" and one entry per tensor. */
static dlx_status parse_root(st_reader *r, const cJSON *root, st_entry *entries, int *n_entries,
                             st_entry **order, dlx_st_file *out)
{
    int n = 0, n_metadata = 0;
    for (const cJSON *value = root->child; value; value = value->next) {
        const char *name = value->string;
        if (strcmp(name, ST_METADATA_KEY) == 0) {
            if (n_metadata++) {
                READ_ERROR(r, "duplicate key '%s'", ST_METADATA_KEY);
                continue;
            }
            dlx_status st = parse_metadata(r, value, out);
            if (st != DLX_OK)
                return st;
            continue;
        }
        if (strlen(name) >= DLX_TENSOR_NAME_MAX) {
            READ_ERROR(r, "tensor '%.40s...': name longer than %d characters", name, DLX_TENSOR_NAME_MAX - 1);
            continue;
        }
        st_entry *e = &entries[n++];
        memcpy(e->name, name, strlen(name) + 1);
        parse_entry(r, e, value);
    }
    *n_entries = n;
    check_names_and_overlaps(r, entries, n, order);
    return DLX_OK;
}

/* Length of the UTF-8 sequence starting at s (at most n bytes), or 0 with
   *problem set (the reader's wording) when it is not valid UTF-8. */
static size_t utf8_sequence(const unsigned char *s, size_t n, const char **problem)
{
    unsigned c = s[0];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0) {
        *problem = "invalid leading UTF-8 octet";
        return 0;
    }
    if (len > n) {
        *problem = "incomplete UTF-8 octet sequence";
        return 0;
    }
    uint32_t code = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) {
            *problem = "invalid trailing UTF-8 octet";
            return 0;
        }
        code = code << 6 | (s[k] & 0x3F);
    }
    static const uint32_t smallest[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[len]) {
        *problem = "invalid length of a UTF-8 sequence";
        return 0;
    }
    if ((code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) {
        *problem = "invalid Unicode character";
        return 0;
    }
    return len;
}

/* Checks of the raw header text before it is parsed, each linear in its
   length: UTF-8 throughout (the format requires it; cJSON does not check),
   nesting of at most ST_MAX_DEPTH brackets (a safetensors header needs 3;
   cJSON's own limit, CJSON_NESTING_LIMIT, stays as a second guard), and no
   "\u0000" escape, which would cut a name short (cJSON ends its C strings
   there). Inside strings, escapes are skipped so that brackets and quotes
   in names do not count. */
static bool check_header_text(st_reader *r, const unsigned char *h, size_t len)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len;) {
        const char *problem = NULL;
        size_t step = utf8_sequence(h + i, len - i, &problem);
        if (step == 0) {
            READ_ERROR(r, "header is not valid JSON: %s at header byte %zu", problem, i);
            return false;
        }
        unsigned char c = h[i];
        if (in_string) {
            if (c == '"') {
                in_string = false;
            } else if (c == '\\' && i + 1 < len) {
                if (i + 5 < len && memcmp(h + i + 1, "u0000", 5) == 0) {
                    READ_ERROR(r, "header is not valid JSON for dlx: a string holds a NUL character "
                                  "(\\u0000) at header byte %zu", i);
                    return false;
                }
                if (h[i + 1] < 0x80)
                    step = 2; /* the escaped character (a multi-byte one is checked on its own) */
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > ST_MAX_DEPTH) {
                READ_ERROR(r, "header nests deeper than %d levels at header byte %zu "
                              "(a safetensors header needs 3)", ST_MAX_DEPTH, i);
                return false;
            }
        } else if (c == '}' || c == ']') {
            depth--;
        }
        i += step;
    }
    return true;
}

/* Up to 24 bytes of text at p as printable ASCII, for messages. */
static void excerpt(const unsigned char *p, size_t n, char out[32])
{
    size_t k = 0;
    for (; k < n && k < 24; k++)
        out[k] = p[k] >= 0x20 && p[k] < 0x7f ? (char)p[k] : '?';
    out[k] = '\0';
}

/* Parse the header text as exactly one JSON object and nothing after it
   but white space (the writer's padding). NULL with a message otherwise. */
static cJSON *load_header(st_reader *r, const unsigned char *header, size_t header_len)
{
    if (!check_header_text(r, header, header_len))
        return NULL;
    const char *text = (const char *)header, *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, header_len, &end, false);
    size_t at = end ? (size_t)(end - text) : 0;
    if (!root) {
        char near[32];
        excerpt(header + at, header_len - at, near);
        READ_ERROR(r, "header is not valid JSON: syntax error near '%s' at header byte %zu", near, at);
        return NULL;
    }
    while (at < header_len && header[at] && strchr(" \t\r\n", header[at]))
        at++;
    if (at < header_len) {
        READ_ERROR(r, "header is not valid JSON: text after the closing '}'");
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* Parse the header text into entries (*entries_out, caller frees) and
   metadata (into out), checking every rule. */
static dlx_status parse_header(st_reader *r, const unsigned char *header, size_t header_len,
                               st_entry **entries_out, int *n_entries, dlx_st_file *out)
{
    *entries_out = NULL;
    *n_entries = 0;
    if (header_len == 0 || header[0] != '{') {
        READ_ERROR(r, "header is not a JSON object (it must start with '{')");
        return DLX_ERR_INPUT;
    }
    cJSON *root = load_header(r, header, header_len);
    if (!root)
        return DLX_ERR_INPUT;
    if (!cJSON_IsObject(root)) {
        READ_ERROR(r, "header is not a JSON object");
        cJSON_Delete(root);
        return DLX_ERR_INPUT;
    }
    size_t cap = 1;
    for (const cJSON *v = root->child; v; v = v->next)
        cap++;
    st_entry *entries = calloc(cap, sizeof *entries);
    st_entry **order = calloc(cap, sizeof *order);
    dlx_status st = DLX_ERR_RUNTIME;
    if (!entries || !order)
        diags_add(r->diags, r->path, 0, 0, "cannot read: out of memory");
    else
        st = parse_root(r, root, entries, n_entries, order, out);
    free(order);
    cJSON_Delete(root);
    *entries_out = entries;
    if (st != DLX_OK)
        return st;
    return r->n_errors ? DLX_ERR_INPUT : DLX_OK;
}

/* Copy the valid entries into out, converting their data to float32. */
static dlx_status fill_tensors(st_reader *r, const st_entry *entries, int n, const unsigned char *data_area,
                               dlx_st_file *out)
{
    out->tensors = calloc((size_t)(n > 0 ? n : 1), sizeof *out->tensors);
    if (!out->tensors) {
        diags_add(r->diags, r->path, 0, 0, "cannot read: out of memory");
        return DLX_ERR_RUNTIME;
    }
    for (int i = 0; i < n; i++) {
        dlx_st_tensor *t = &out->tensors[i];
        snprintf(t->name, sizeof t->name, "%s", entries[i].name);
        snprintf(t->dtype, sizeof t->dtype, "%s", entries[i].dtype->name);
        t->ndim = entries[i].ndim;
        memcpy(t->shape, entries[i].shape, sizeof t->shape);
        t->numel = entries[i].numel;
        t->data = malloc((t->numel > 0 ? t->numel : 1) * sizeof(real));
        out->n_tensors = i + 1;
        if (!t->data) {
            diags_add(r->diags, r->path, 0, 0, "cannot read: out of memory for tensor '%s'", t->name);
            return DLX_ERR_RUNTIME;
        }
        convert_entry(&entries[i], data_area, t->data);
    }
    return DLX_OK;
}

dlx_status safetensors_read(const char *path, dlx_st_file *out, dlx_diags *diags)
{
    *out = (dlx_st_file){0};
    unsigned char *bytes;
    size_t size;
    uint64_t header_len;
    dlx_status st = read_file(path, &bytes, &size, &header_len, diags);
    if (st != DLX_OK)
        return st;

    st_reader r = {path, diags, size - 8 - header_len, 0};
    st_entry *entries = NULL;
    int n_entries = 0;
    st = parse_header(&r, bytes + 8, (size_t)header_len, &entries, &n_entries, out);
    if (st == DLX_OK)
        st = fill_tensors(&r, entries, n_entries, bytes + 8 + header_len, out);
    free(entries);
    free(bytes);
    if (st != DLX_OK)
        safetensors_free(out);
    return st;
}

const dlx_st_tensor *safetensors_find(const dlx_st_file *f, const char *name)
{
    for (int i = 0; i < f->n_tensors; i++)
        if (strcmp(f->tensors[i].name, name) == 0)
            return &f->tensors[i];
    return NULL;
}

const char *safetensors_meta(const dlx_st_file *f, const char *key)
{
    for (int i = 0; i < f->n_meta; i++)
        if (strcmp(f->meta_keys[i], key) == 0)
            return f->meta_values[i];
    return NULL;
}

void safetensors_free(dlx_st_file *f)
{
    if (f->tensors)
        for (int i = 0; i < f->n_tensors; i++)
            free(f->tensors[i].data);
    free(f->tensors);
    if (f->meta_keys)
        for (int i = 0; i < f->n_meta; i++)
            free(f->meta_keys[i]);
    if (f->meta_values)
        for (int i = 0; i < f->n_meta; i++)
            free(f->meta_values[i]);
    free(f->meta_keys);
    free(f->meta_values);
    *f = (dlx_st_file){0};
}
