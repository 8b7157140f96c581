/*
 * Tests of safetensors.c: write then read back bit for bit, the exact header
 * layout, and hand-made files (bytes built here) with each kind of defect,
 * each refused with a message naming the file and the tensor.
 */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <cmocka.h>

#include "io/safetensors.h"
#include "util/rng.h"
#include "io_test_files.h"

static int setup_folder(void **state)
{
    *state = scratch_make();
    return *state ? 0 : -1;
}

static int teardown_folder(void **state)
{
    scratch_remove(*state);
    return 0;
}

static dlx_tensor make_tensor(const char *name, int ndim, int rows, int cols, float *data)
{
    dlx_tensor t = {.ndim = ndim, .shape = {rows, cols}, .data = data, .is_weight = ndim == 2};
    snprintf(t.name, sizeof t.name, "%s", name);
    return t;
}

/* A safetensors file from a header text and a data area: 8-byte LE length,
   the header bytes as given, the data bytes. */
static void write_st_file(const char *path, const char *header, const void *data, size_t data_len)
{
    size_t header_len = strlen(header);
    size_t total = 8 + header_len + data_len;
    unsigned char *bytes = malloc(total);
    assert_non_null(bytes);
    for (int i = 0; i < 8; i++)
        bytes[i] = (unsigned char)((uint64_t)header_len >> (8 * i));
    memcpy(bytes + 8, header, header_len);
    if (data_len)
        memcpy(bytes + 8 + header_len, data, data_len);
    assert_int_equal(write_bytes(path, bytes, total), 0);
    free(bytes);
}

/* Little-endian float32 bytes of values. */
static void f32_bytes(unsigned char *out, const float *values, int n)
{
    for (int i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &values[i], 4);
        for (int k = 0; k < 4; k++)
            out[4 * i + k] = (unsigned char)(bits >> (8 * k));
    }
}

/* Read path expecting failure with exactly the given messages, in order,
   each naming path. */
static void expect_errors(const char *path, dlx_status expected_status, int n, const char *const *messages)
{
    dlx_st_file f;
    dlx_diags d = {0};
    assert_int_equal(safetensors_read(path, &f, &d), expected_status);
    assert_int_equal(f.n_tensors, 0);
    assert_null(f.tensors);
    if (d.count != n) {
        for (int i = 0; i < d.count; i++)
            print_message("diagnostic: %s\n", d.items[i].message);
        fail_msg("expected %d diagnostics, got %d", n, d.count);
    }
    for (int i = 0; i < n; i++) {
        assert_string_equal(d.items[i].file, path);
        assert_string_equal(d.items[i].message, messages[i]);
    }
    diags_free(&d);
}

static void expect_error(const char *path, const char *message)
{
    expect_errors(path, DLX_ERR_INPUT, 1, &message);
}

/* Write tensors and metadata, read them back: same names, order, shapes,
   bits (NaN payload, −0, subnormals, infinities included) and metadata. */
static void test_round_trip(void **state)
{
    const char *path = scratch_path(*state, "checkpoint.safetensors", 0);
    float w[6] = {1.5f, -0.0f, 1e-45f, INFINITY, -INFINITY, 3.14159274f};
    uint32_t nan_bits = 0x7fc01234u;
    memcpy(&w[1], &nan_bits, 4);
    float b[2] = {-2.5f, 0.1f};
    float state_buf[5] = {1, 2, 3, 4, 5};
    dlx_tensor t[4] = {make_tensor("fc1.weight", 2, 2, 3, w), make_tensor("fc1.bias", 1, 2, 0, b),
                       make_tensor("empty", 1, 0, 0, NULL), make_tensor("optim.exp_avg", 1, 5, 0, state_buf)};
    const char *keys[3] = {"format", "epoch", "tricky"};
    const char *values[3] = {"dlx-checkpoint-1", "12", "quote \" backslash \\ newline \n tab \t end"};
    dlx_diags d = {0};
    assert_int_equal(safetensors_write(path, t, 4, keys, values, 3, &d), DLX_OK);
    assert_int_equal(d.count, 0);

    dlx_st_file f;
    assert_int_equal(safetensors_read(path, &f, &d), DLX_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(f.n_tensors, 4);
    const char *names[4] = {"fc1.weight", "fc1.bias", "empty", "optim.exp_avg"};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(f.tensors[i].name, names[i]);
        assert_int_equal(f.tensors[i].ndim, t[i].ndim);
        assert_int_equal(f.tensors[i].shape[0], t[i].shape[0]);
        if (t[i].ndim == 2)
            assert_int_equal(f.tensors[i].shape[1], t[i].shape[1]);
        assert_int_equal(f.tensors[i].numel, tensor_numel(&t[i]));
        if (f.tensors[i].numel)
            assert_memory_equal(f.tensors[i].data, t[i].data, f.tensors[i].numel * sizeof(float));
    }
    assert_int_equal(f.n_meta, 3);
    for (int i = 0; i < 3; i++)
        assert_string_equal(safetensors_meta(&f, keys[i]), values[i]);
    assert_null(safetensors_meta(&f, "missing"));
    assert_ptr_equal(safetensors_find(&f, "fc1.bias"), &f.tensors[1]);
    assert_null(safetensors_find(&f, "fc2.bias"));
    safetensors_free(&f);
    assert_null(f.tensors);
    assert_int_equal(f.n_tensors, 0);
    assert_false(file_exists(scratch_path(*state, "checkpoint.safetensors.tmp", 1)));
}

/* The bytes of a written file: length, compact header with __metadata__
   first and contiguous offsets, space padding to a multiple of 8, data. */
static void test_exact_layout(void **state)
{
    const char *path = scratch_path(*state, "layout.safetensors", 0);
    float a[2] = {1.0f, -2.0f}, b[1] = {0.5f};
    dlx_tensor t[2] = {make_tensor("a", 1, 2, 0, a), make_tensor("b", 2, 1, 1, b)};
    const char *keys[1] = {"format"}, *values[1] = {"pt"};
    dlx_diags d = {0};
    assert_int_equal(safetensors_write(path, t, 2, keys, values, 1, &d), DLX_OK);
    size_t n;
    unsigned char *bytes = (unsigned char *)read_bytes(path, &n);
    assert_non_null(bytes);
    const char *json = "{\"__metadata__\":{\"format\":\"pt\"},"
                       "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                       "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}";
    size_t json_len = strlen(json), padded = (json_len + 7) / 8 * 8;
    uint64_t header_len = 0;
    for (int i = 7; i >= 0; i--)
        header_len = header_len << 8 | bytes[i];
    assert_int_equal(header_len, padded);
    assert_int_equal(n, 8 + padded + 12);
    assert_memory_equal(bytes + 8, json, json_len);
    for (size_t i = json_len; i < padded; i++)
        assert_int_equal(bytes[8 + i], ' ');
    const unsigned char data[12] = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f};
    assert_memory_equal(bytes + 8 + padded, data, 12);
    free(bytes);

    /* Without metadata the first key is the first tensor. */
    assert_int_equal(safetensors_write(path, t, 1, NULL, NULL, 0, &d), DLX_OK);
    bytes = (unsigned char *)read_bytes(path, &n);
    assert_memory_equal(bytes + 8, "{\"a\":{", 6);
    free(bytes);
}

/* Files written by other tools: pretty-printed JSON (spaces, newlines),
   tensors stored out of order with gaps, scalars, unknown keys ignored. */
static void test_foreign_layouts(void **state)
{
    const char *path = scratch_path(*state, "foreign.safetensors", 0);
    const char *header = "{\n  \"second\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [16, 20], \"extra\": [1, {\"x\": null}]},\n"
                         "  \"scalar\": {\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [0, 4]},\n"
                         "  \"__metadata__\": {\"format\": \"pt\"}\n}   ";
    float values[5] = {7.0f, 0, 0, 0, -1.25f};
    unsigned char data[20];
    f32_bytes(data, values, 5);
    write_st_file(path, header, data, 20);
    dlx_st_file f;
    dlx_diags d = {0};
    assert_int_equal(safetensors_read(path, &f, &d), DLX_OK);
    assert_int_equal(f.n_tensors, 2);
    assert_string_equal(f.tensors[0].name, "second");
    assert_true(f.tensors[0].data[0] == -1.25f);
    assert_string_equal(f.tensors[1].name, "scalar");
    assert_int_equal(f.tensors[1].ndim, 0);
    assert_int_equal(f.tensors[1].numel, 1);
    assert_true(f.tensors[1].data[0] == 7.0f);
    assert_string_equal(safetensors_meta(&f, "format"), "pt");
    safetensors_free(&f);
}

/* F64 is rounded to float32; F16 and BF16 are widened exactly. */
static void test_dtype_conversions(void **state)
{
    const char *path = scratch_path(*state, "dtypes.safetensors", 0);
    const double f64[4] = {1.5, -2.25, 0.1, 1e300};
    /* F16: 1, −2, 2^-24 (smallest subnormal), 1023·2^-24 (largest subnormal),
       65504 (largest normal), inf, 0x3555 = 1365/4096 = 0.333251953125. */
    const uint16_t f16[7] = {0x3c00, 0xc000, 0x0001, 0x03ff, 0x7bff, 0x7c00, 0x3555};
    /* BF16: 1, −3, 0x4049 = 3.140625. */
    const uint16_t bf16[3] = {0x3f80, 0xc040, 0x4049};
    unsigned char data[32 + 14 + 6];
    for (int i = 0; i < 4; i++) {
        uint64_t bits;
        memcpy(&bits, &f64[i], 8);
        for (int k = 0; k < 8; k++)
            data[8 * i + k] = (unsigned char)(bits >> (8 * k));
    }
    for (int i = 0; i < 7; i++) {
        data[32 + 2 * i] = (unsigned char)(f16[i] & 0xff);
        data[32 + 2 * i + 1] = (unsigned char)(f16[i] >> 8);
    }
    for (int i = 0; i < 3; i++) {
        data[46 + 2 * i] = (unsigned char)(bf16[i] & 0xff);
        data[46 + 2 * i + 1] = (unsigned char)(bf16[i] >> 8);
    }
    write_st_file(path,
                  "{\"d\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,32]},"
                  "\"h\":{\"dtype\":\"F16\",\"shape\":[7],\"data_offsets\":[32,46]},"
                  "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[46,52]}}",
                  data, sizeof data);
    dlx_st_file f;
    dlx_diags d = {0};
    assert_int_equal(safetensors_read(path, &f, &d), DLX_OK);
    const dlx_st_tensor *td = safetensors_find(&f, "d"), *th = safetensors_find(&f, "h"), *tb = safetensors_find(&f, "b");
    assert_non_null(td);
    assert_int_equal(td->ndim, 2);
    assert_true(td->data[0] == 1.5f && td->data[1] == -2.25f && td->data[2] == 0.1f);
    assert_true(isinf(td->data[3]) && td->data[3] > 0);
    assert_true(th->data[0] == 1.0f && th->data[1] == -2.0f);
    assert_true(th->data[2] == ldexpf(1.0f, -24));
    assert_true(th->data[3] == ldexpf(1023.0f, -24));
    assert_true(th->data[4] == 65504.0f);
    assert_true(isinf(th->data[5]));
    assert_true(th->data[6] == 0.333251953125f);
    assert_true(tb->data[0] == 1.0f && tb->data[1] == -3.0f && tb->data[2] == 3.140625f);
    safetensors_free(&f);
}

static void test_too_short(void **state)
{
    const char *path = scratch_path(*state, "short.safetensors", 0);
    assert_int_equal(write_bytes(path, "\x10\x00\x00\x00\x00", 5), 0);
    expect_error(path, "not a safetensors file: 5 bytes, too short for the 8-byte header length");
}

static void test_header_past_end(void **state)
{
    const char *path = scratch_path(*state, "past.safetensors", 0);
    unsigned char bytes[50] = {0xe8, 0x03}; /* 1000 */
    memset(bytes + 8, ' ', 42);
    assert_int_equal(write_bytes(path, bytes, sizeof bytes), 0);
    expect_error(path, "header length 1000 runs past the end of the file (42 bytes after the length)");
}

/* A header length above 100 MB inside a (sparse) file big enough to hold it:
   refused before anything but the length is read. */
static void test_header_over_limit(void **state)
{
    const char *path = scratch_path(*state, "huge.safetensors", 0);
    uint64_t length = 100000008;
    unsigned char bytes[8];
    for (int i = 0; i < 8; i++)
        bytes[i] = (unsigned char)(length >> (8 * i));
    assert_int_equal(write_bytes(path, bytes, 8), 0);
    assert_int_equal(truncate(path, 8 + 100000016), 0);
    expect_error(path, "header length 100000008 is above the limit of 100000000 bytes");
}

static void test_not_json(void **state)
{
    const char *path = scratch_path(*state, "text.safetensors", 0);
    write_st_file(path, "this is not json", NULL, 0);
    expect_error(path, "header is not a JSON object (it must start with '{')");

    write_st_file(path, "{\"a\": [1, 2}", NULL, 0);
    dlx_st_file f;
    dlx_diags d = {0};
    assert_int_equal(safetensors_read(path, &f, &d), DLX_ERR_INPUT);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, path);
    assert_non_null(strstr(d.items[0].message, "header is not valid JSON: "));
    assert_non_null(strstr(d.items[0].message, " at header byte 11"));
    diags_free(&d);

    write_st_file(path, "{\"a\": 1} {\"b\": 2}", NULL, 0);
    expect_error(path, "header is not valid JSON: text after the closing '}'");

    write_st_file(path, "{\"w\": {\"dtype\": 32, \"shape\": [1], \"data_offsets\": [0, 4]}}", "\0\0\0\0", 4);
    expect_error(path, "tensor 'w': dtype is not a string");
    write_st_file(path, "{\"w\": {\"dtype\": F32, \"shape\": [1], \"data_offsets\": [0, 4]}}", "\0\0\0\0", 4);
    expect_error(path, "header is not valid JSON: syntax error near 'F32, \"shape\": [1], \"data' at header byte 16");

    write_st_file(path, "{\"w\": {\"dtype\": \"F32\", \"shape\": [\"1\"], \"data_offsets\": [0, 4]}}", "\0\0\0\0", 4);
    expect_error(path, "tensor 'w': shape[0] is not an integer");

    write_st_file(path, "{\"w\": [1, 2]}", NULL, 0);
    expect_error(path, "tensor 'w': entry is not a JSON object");

    /* YAML that is not JSON (single quotes, an alias) is a syntax error;
       invalid UTF-8 is refused before parsing. */
    write_st_file(path, "{'w': {}}", NULL, 0);
    expect_error(path, "header is not valid JSON: syntax error near 'w': {}}' at header byte 2");
    write_st_file(path,
                  "{\"a\": &e {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"b\": *e}",
                  "\0\0\0\0", 4);
    expect_error(path, "header is not valid JSON: syntax error near '&e {\"dtype\": \"F32\", \"sha' at header byte 6");
    write_st_file(path, "{\"\xff\": 1}", NULL, 0);
    expect_error(path, "header is not valid JSON: invalid leading UTF-8 octet at header byte 2");
    write_st_file(path, "{\"a\": \"\xe2\x82\"}", NULL, 0);
    expect_error(path, "header is not valid JSON: invalid trailing UTF-8 octet at header byte 7");
    write_st_file(path, "{\"a\": \"\xed\xa0\x80\"}", NULL, 0);
    expect_error(path, "header is not valid JSON: invalid Unicode character at header byte 7");

    /* A NUL escape would cut a name short: refused. A surrogate pair, as
       Python's json.dumps writes a character outside the BMP, reads. */
    write_st_file(path, "{\"a\\u0000b\": 1}", NULL, 0);
    expect_error(path, "header is not valid JSON for dlx: a string holds a NUL character (\\u0000) at header byte 3");
    write_st_file(path, "{\"__metadata__\": {\"e\": \"\\ud83d\\ude00\", \"q\": \"\\\\u0000\"}}", NULL, 0);
    dlx_st_file g;
    assert_int_equal(safetensors_read(path, &g, &d), DLX_OK);
    assert_string_equal(safetensors_meta(&g, "e"), "\xf0\x9f\x98\x80");
    assert_string_equal(safetensors_meta(&g, "q"), "\\u0000");
    safetensors_free(&g);
}

/* Seconds since some fixed moment, for the timing notes. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A header of "{\"a\":" + depth '[' + depth ']' + "}" followed by data_len
   zero bytes (a sparse tail, so that a big header is not larger than its
   data); returns the header length. */
static size_t write_deep_file(const char *path, size_t depth, size_t data_len)
{
    size_t len = 6 + 2 * depth;
    char *header = malloc(len + 1);
    assert_non_null(header);
    memcpy(header, "{\"a\":", 5);
    memset(header + 5, '[', depth);
    memset(header + 5 + depth, ']', depth);
    header[len - 1] = '}';
    header[len] = '\0';
    write_st_file(path, header, NULL, 0);
    free(header);
    assert_int_equal(truncate(path, (off_t)(8 + len + data_len)), 0);
    return len;
}

/* Deeply nested headers, which took libyaml's scanner quadratic time (a
   200 kB header nested 100,000 deep: some 17 s), are refused at once with
   a clear message: 100,000 deep in 200 kB, and 5,000,000 deep in 10 MB. The
   time is printed, not asserted. */
static void test_deep_header(void **state)
{
    const char *path = scratch_path(*state, "deep.safetensors", 0);
    const char *message = "header nests deeper than 64 levels at header byte 68 (a safetensors header needs 3)";
    size_t depths[2] = {100000, 5000000};
    for (int k = 0; k < 2; k++) {
        size_t len = write_deep_file(path, depths[k], 0);
        if (len > (1 << 20)) {
            /* a 10 MB header without as much data is refused on its size alone */
            char size_message[256];
            snprintf(size_message, sizeof size_message,
                     "header length %zu is larger than the 0 bytes of tensor data it describes "
                     "(a header above 1048576 bytes may not outgrow the data)", len);
            expect_error(path, size_message);
            write_deep_file(path, depths[k], len);
        }
        double t0 = now_seconds();
        expect_error(path, message);
        print_message("header of %zu bytes nested %zu deep: refused in %.3f s\n", len, depths[k],
                      now_seconds() - t0);
    }
}

/* cJSON's own nesting limit (CJSON_NESTING_LIMIT) applies to the library
   dlx links, as the second guard behind the reader's bracket count. */
static void test_cjson_nesting_limit(void **state)
{
    (void)state;
    char text[2 * 3000 + 1];
    for (int depth = 500; depth <= 3000; depth += 2500) {
        memset(text, '[', (size_t)depth);
        memset(text + depth, ']', (size_t)depth);
        text[2 * depth] = '\0';
        cJSON *json = cJSON_ParseWithLength(text, (size_t)(2 * depth));
        if (depth < CJSON_NESTING_LIMIT)
            assert_non_null(json);
        else
            assert_null(json);
        cJSON_Delete(json);
    }
}

/* A wide header of 8.5 MB: 500,001 metadata keys, the last one a duplicate
   of the first, found (by sorting) in well under a second. */
static void test_wide_header(void **state)
{
    const char *path = scratch_path(*state, "wide.safetensors", 0);
    size_t cap = 12 * 1000 * 1000, used = 0;
    char *header = malloc(cap);
    assert_non_null(header);
    used += (size_t)snprintf(header + used, cap - used, "{\"__metadata__\":{");
    int n = 500000;
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(header + used, cap - used, "%s\"key%07d\":\"v\"", i ? "," : "", i);
    used += (size_t)snprintf(header + used, cap - used, ",\"key0000000\":\"w\"}}");
    write_st_file(path, header, NULL, 0);
    free(header);
    assert_int_equal(truncate(path, (off_t)(8 + 2 * used)), 0);
    double t0 = now_seconds();
    expect_error(path, "__metadata__: duplicate key 'key0000000'");
    print_message("header of %zu bytes with %d keys: read in %.3f s\n", used, n + 1, now_seconds() - t0);
}

static void test_offsets_outside_file(void **state)
{
    const char *path = scratch_path(*state, "outside.safetensors", 0);
    write_st_file(path, "{\"fc1.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "\0\0\0\0", 4);
    expect_error(path, "tensor 'fc1.weight': data_offsets [0, 8] lie outside the data area of 4 bytes");

    write_st_file(path, "{\"fc1.weight\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", "\0\0\0\0\0\0\0\0", 8);
    expect_error(path, "tensor 'fc1.weight': data_offsets [8, 4] lie outside the data area of 8 bytes");
}

static void test_wrong_span(void **state)
{
    const char *path = scratch_path(*state, "span.safetensors", 0);
    unsigned char data[16] = {0};
    write_st_file(path, "{\"out.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", data, 16);
    expect_error(path, "tensor 'out.bias': shape needs 3 x 4 = 12 bytes of F32 but data_offsets [0, 8] span 8");
}

static void test_unsupported_dtype(void **state)
{
    const char *path = scratch_path(*state, "dtype.safetensors", 0);
    unsigned char data[16] = {0};
    write_st_file(path,
                  "{\"steps\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                  "\"odd\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                  data, 16);
    const char *messages[2] = {"tensor 'steps': unsupported dtype 'I64' (dlx reads F32, F64, F16 and BF16)",
                               "tensor 'odd': unknown dtype 'F33'"};
    expect_errors(path, DLX_ERR_INPUT, 2, messages);
}

static void test_overlap_and_duplicates(void **state)
{
    const char *path = scratch_path(*state, "overlap.safetensors", 0);
    unsigned char data[16] = {0};
    write_st_file(path,
                  "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                  "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                  data, 16);
    expect_error(path, "tensors 'a' and 'b' overlap in the data area ([0, 8] and [4, 12])");

    write_st_file(path,
                  "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                  "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}",
                  data, 16);
    expect_error(path, "duplicate tensor name 'a'");
}

static void test_bad_shapes_and_fields(void **state)
{
    const char *path = scratch_path(*state, "shape.safetensors", 0);
    unsigned char data[8] = {0};
    write_st_file(path,
                  "{\"neg\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]},"
                  "\"deep\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]},"
                  "\"nodtype\":{\"shape\":[1],\"data_offsets\":[4,8]},"
                  "\"twice\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                  "\"float\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[4,8]},"
                  "\"pair\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}",
                  data, 8);
    const char *messages[6] = {
        "tensor 'neg': shape[0] is negative",
        "tensor 'deep': shape has 17 dimensions (at most 16)",
        "tensor 'nodtype': missing 'dtype'",
        "tensor 'twice': duplicate key 'dtype'",
        "tensor 'float': shape[0] is not an integer",
        "tensor 'pair': data_offsets is not a list [begin, end]",
    };
    expect_errors(path, DLX_ERR_INPUT, 6, messages);
}

static void test_bad_metadata(void **state)
{
    const char *path = scratch_path(*state, "meta.safetensors", 0);
    write_st_file(path, "{\"__metadata__\":{\"format\":\"pt\",\"epoch\":3}}", NULL, 0);
    expect_error(path, "__metadata__: the value of 'epoch' is not a string");

    write_st_file(path, "{\"__metadata__\":[\"pt\"]}", NULL, 0);
    expect_error(path, "__metadata__ is not a JSON object of strings");

    write_st_file(path, "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", NULL, 0);
    expect_error(path, "__metadata__: duplicate key 'k'");
}

static void test_long_name_and_missing_file(void **state)
{
    const char *path = scratch_path(*state, "long.safetensors", 0);
    char header[512];
    snprintf(header, sizeof header, "{\"%s\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}",
             "a_very_long_tensor_name_that_goes_on_and_on_past_sixty_three_chars");
    write_st_file(path, header, NULL, 0);
    expect_error(path, "tensor 'a_very_long_tensor_name_that_goes_on_and...': name longer than 63 characters");

    const char *missing = scratch_path(*state, "missing.safetensors", 1);
    const char *message = "cannot open: No such file or directory";
    expect_errors(missing, DLX_ERR_INPUT, 1, &message);
}

/* The writer refuses what it could not read back, and reports I/O failure. */
static void test_write_errors(void **state)
{
    float x[1] = {1};
    dlx_tensor t[2] = {make_tensor("x", 1, 1, 0, x), make_tensor("x", 1, 1, 0, x)};
    dlx_diags d = {0};
    const char *path = scratch_path(*state, "dup.safetensors", 0);
    assert_int_equal(safetensors_write(path, t, 2, NULL, NULL, 0, &d), DLX_ERR_INPUT);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].message, "duplicate tensor name 'x'");
    assert_false(file_exists(path));
    diags_free(&d);

    const char *blocker = scratch_path(*state, "file", 1);
    assert_int_equal(write_bytes(blocker, "x", 1), 0);
    const char *under = scratch_path(*state, "file/ckpt.safetensors", 2);
    assert_int_equal(safetensors_write(under, t, 1, NULL, NULL, 0, &d), DLX_ERR_RUNTIME);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, under);
    assert_string_equal(d.items[0].message, "cannot write: Not a directory");
    diags_free(&d);
}

/* Corrupted files (random bytes changed, every truncation) never crash the
   reader: each read either succeeds or fails with at least one diagnostic
   naming the file, and leaves nothing allocated on failure (checked under
   ASan and valgrind). */
static void test_corruptions(void **state)
{
    const char *path = scratch_path(*state, "good.safetensors", 0);
    const char *bad = scratch_path(*state, "bad.safetensors", 1);
    float w[6] = {1, 2, 3, 4, 5, 6}, b[2] = {7, 8};
    dlx_tensor t[2] = {make_tensor("fc1.weight", 2, 2, 3, w), make_tensor("fc1.bias", 1, 2, 0, b)};
    const char *keys[1] = {"epoch"}, *values[1] = {"4"};
    dlx_diags d = {0};
    assert_int_equal(safetensors_write(path, t, 2, keys, values, 1, &d), DLX_OK);
    size_t n = 0;
    unsigned char *good = (unsigned char *)read_bytes(path, &n);
    assert_non_null(good);
    unsigned char *copy = malloc(n);
    dlx_rng rng;
    rng_seed(&rng, 99, 0);
    int refused = 0;
    for (int trial = 0; trial < 600; trial++) {
        memcpy(copy, good, n);
        size_t length = n;
        if (trial < 200) {
            length = (size_t)trial * n / 200; /* truncations */
        } else {
            int flips = 1 + (int)rng_below(&rng, 4);
            for (int k = 0; k < flips; k++)
                copy[rng_below(&rng, n)] = (unsigned char)rng_u64(&rng);
        }
        assert_int_equal(write_bytes(bad, copy, length), 0);
        dlx_st_file f;
        dlx_status st = safetensors_read(bad, &f, &d);
        if (st == DLX_OK) {
            assert_int_equal(d.count, 0);
            safetensors_free(&f);
        } else {
            assert_int_equal(st, DLX_ERR_INPUT);
            assert_true(d.count >= 1);
            assert_string_equal(d.items[0].file, bad);
            assert_null(f.tensors);
            refused++;
        }
        diags_free(&d);
    }
    assert_true(refused >= 200);
    free(copy);
    free(good);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_exact_layout, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_foreign_layouts, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_dtype_conversions, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_too_short, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_header_past_end, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_header_over_limit, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_not_json, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_deep_header, setup_folder, teardown_folder),
        cmocka_unit_test(test_cjson_nesting_limit),
        cmocka_unit_test_setup_teardown(test_wide_header, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_offsets_outside_file, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_wrong_span, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_unsupported_dtype, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_overlap_and_duplicates, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_bad_shapes_and_fields, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_bad_metadata, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_long_name_and_missing_file, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_write_errors, setup_folder, teardown_folder),
        cmocka_unit_test_setup_teardown(test_corruptions, setup_folder, teardown_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
