/* Tests of idx.c: good files (plain and gzipped) and every kind of bad file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <zlib.h>

#include "data/idx.h"
#include "data_test_util.h"

/* 385 pixels: several of the 64-byte blocks in which idx.c widens bytes to
   floats in place, and a partial one; i·37 mod 256 takes every byte value. */
enum { N = 5, ROWS = 7, COLS = 11 };

typedef struct {
    char dir[TEST_PATH_MAX];
    unsigned char pixels[N * ROWS * COLS];
    unsigned char labels[N];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || !temp_dir_make(f->dir))
        return -1;
    for (int i = 0; i < N * ROWS * COLS; i++)
        f->pixels[i] = (unsigned char)(i * 37 % 256);
    const unsigned char labels[N] = {9, 0, 0, 3, 7};
    memcpy(f->labels, labels, N);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    temp_dir_remove(f->dir);
    free(f);
    return 0;
}

/* Write images and labels files named NAME-images / NAME-labels (+".gz"). */
static void write_pair(const fixture *f, const char *name, int gzip, char *images, char *labels)
{
    char base[TEST_PATH_MAX];
    const unsigned image_dims[3] = {N, ROWS, COLS}, label_dims[1] = {N};
    snprintf(base, sizeof base, "%s-images%s", name, gzip ? ".gz" : "");
    path_join(images, f->dir, base);
    snprintf(base, sizeof base, "%s-labels%s", name, gzip ? ".gz" : "");
    path_join(labels, f->dir, base);
    assert_true(write_idx(images, 3, image_dims, f->pixels, gzip));
    assert_true(write_idx(labels, 1, label_dims, f->labels, gzip));
}

static void check_split(const fixture *f, const dlx_split *s)
{
    assert_int_equal(s->n, N);
    assert_int_equal(s->dim, ROWS * COLS);
    assert_null(s->targets);
    for (int i = 0; i < N * ROWS * COLS; i++)
        assert_true(s->x[i] == (float)f->pixels[i]);
    for (int i = 0; i < N; i++)
        assert_int_equal(s->labels[i], f->labels[i]);
}

/* Load a split from images and labels: no message, the fixture's values. */
static void load_and_check(const fixture *f, const char *images, const char *labels)
{
    dlx_diags d = {0};
    dlx_split s;
    assert_int_equal(idx_load_split(&s, images, labels, 10, &d), DLX_OK);
    assert_int_equal(d.count, 0);
    check_split(f, &s);
    free(s.x);
    free(s.labels);
}

static void test_good_plain_file(void **state)
{
    fixture *f = *state;
    char images[TEST_PATH_MAX], labels[TEST_PATH_MAX];
    write_pair(f, "plain", 0, images, labels);
    load_and_check(f, images, labels);
}

static void test_good_gzipped_file(void **state)
{
    fixture *f = *state;
    char images[TEST_PATH_MAX], labels[TEST_PATH_MAX];
    write_pair(f, "zipped", 1, images, labels);
    unsigned char magic[2];
    FILE *fp = fopen(images, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(magic, 1, 2, fp), 2);
    fclose(fp);
    assert_true(magic[0] == 0x1f && magic[1] == 0x8b); /* really gzipped */
    load_and_check(f, images, labels);
}

/* Write raw bytes as an IDX file and read it with idx_read, expecting an
   input error whose message contains `text`, on that file. */
static void expect_read_error(const fixture *f, const char *name, const unsigned char *bytes,
                              size_t len, int gzip, int ndim, const char *text)
{
    char path[TEST_PATH_MAX];
    path_join(path, f->dir, name);
    assert_true(write_bytes(path, bytes, len, gzip));
    dlx_diags d = {0};
    idx_array a;
    assert_int_equal(idx_read(path, ndim, &a, &d), DLX_ERR_INPUT);
    assert_null(a.data);
    if (find_diag(&d, name, 0, 0, text) < 0) {
        dump_diags(&d);
        fail_msg("no diagnostic containing \"%s\"", text);
    }
    diags_free(&d);
}

static void test_truncated_file(void **state)
{
    fixture *f = *state;
    const unsigned dims[3] = {N, ROWS, COLS};
    size_t len;
    unsigned char *b = idx_bytes(0x08, 3, dims, f->pixels, N * ROWS * COLS - 3, &len);
    expect_read_error(f, "short", b, len, 0, 3,
                      "truncated IDX file: expected 385 bytes of data, found 382");
    expect_read_error(f, "short.gz", b, len, 1, 3,
                      "truncated IDX file: expected 385 bytes of data, found 382");
    free(b);
}

static void test_trailing_bytes(void **state)
{
    fixture *f = *state;
    const unsigned dims[1] = {N};
    unsigned char data[N + 2] = {1, 2, 3, 4, 5, 6, 7};
    size_t len;
    unsigned char *b = idx_bytes(0x08, 1, dims, data, N + 2, &len);
    expect_read_error(f, "long", b, len, 0, 1, "expected 5 bytes of data, found 7");
    expect_read_error(f, "long.gz", b, len, 1, 1, "expected 5 bytes of data, found 7");
    free(b);
}

static void test_bad_magic(void **state)
{
    fixture *f = *state;
    const unsigned char zip[] = {'P', 'K', 3, 4, 0, 0, 0, 0};
    expect_read_error(f, "archive.zip", zip, sizeof zip, 0, 3,
                      "not an IDX file: it starts with bytes 50 4b 03 04");
    const unsigned char short_file[] = {0, 0};
    expect_read_error(f, "tiny", short_file, sizeof short_file, 0, 1,
                      "truncated IDX header: expected 4 bytes of magic, found 2");
    const unsigned char cut_sizes[] = {0, 0, 8, 3, 0, 0, 0, 5, 0, 0};
    expect_read_error(f, "cut", cut_sizes, sizeof cut_sizes, 0, 3,
                      "truncated IDX header: expected 12 bytes of sizes, found 6");
}

static void test_wrong_type_and_rank(void **state)
{
    fixture *f = *state;
    const unsigned dims[3] = {1, 1, 1};
    const unsigned char four[4] = {0};
    size_t len;
    unsigned char *b = idx_bytes(0x0D, 3, dims, four, 4, &len);
    expect_read_error(f, "floats", b, len, 0, 3,
                      "IDX element type 0x0d (32-bit float) is not supported");
    free(b);
    b = idx_bytes(0x08, 1, dims, four, 1, &len);
    expect_read_error(f, "labels-as-images", b, len, 0, 3,
                      "expected an IDX file of 3 dimensions (images), this one has 1");
    free(b);
}

static void test_mismatched_counts(void **state)
{
    fixture *f = *state;
    char images[TEST_PATH_MAX], labels[TEST_PATH_MAX];
    write_pair(f, "mismatch", 0, images, labels);
    const unsigned label_dims[1] = {N - 1};
    assert_true(write_idx(labels, 1, label_dims, f->labels, 0));
    dlx_diags d = {0};
    dlx_split s;
    assert_int_equal(idx_load_split(&s, images, labels, 10, &d), DLX_ERR_INPUT);
    assert_null(s.x);
    assert_true(find_diag(&d, "mismatch-labels", 0, 0, "4 labels, but ") >= 0);
    assert_true(find_diag(&d, "mismatch-labels", 0, 0, "mismatch-images has 5 images") >= 0);
    diags_free(&d);
}

static void test_huge_dims_in_header(void **state)
{
    fixture *f = *state;
    const unsigned huge[3] = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
    const unsigned char some[16] = {0};
    size_t len;
    unsigned char *b = idx_bytes(0x08, 3, huge, some, sizeof some, &len);
    expect_read_error(f, "huge", b, len, 0, 3,
                      "the IDX header announces 4294967295 x 4294967295 x 4294967295 = "
                      "7.923e+28 bytes of data, which as float32 would need 2.951e+20 GiB");
    expect_read_error(f, "huge.gz", b, len, 1, 3, "so the file is corrupt or too large");
    free(b);
    /* Within the limit (2^30 bytes) but not in the file: the reader must not
       allocate the announced size up front, and reports what it found. */
    const unsigned big[3] = {1024, 1024, 1024};
    b = idx_bytes(0x08, 3, big, some, sizeof some, &len);
    expect_read_error(f, "big", b, len, 0, 3,
                      "truncated IDX file: expected 1073741824 bytes of data, found 16");
    free(b);
    const unsigned many[1] = {0x80000001u};
    b = idx_bytes(0x08, 1, many, some, sizeof some, &len);
    expect_read_error(f, "many", b, len, 0, 1, "dlx accepts at most 2^31 values (8 GiB)");
    free(b);
}

static void test_label_out_of_range(void **state)
{
    fixture *f = *state;
    f->labels[3] = 12;
    char images[TEST_PATH_MAX], labels[TEST_PATH_MAX];
    write_pair(f, "badlabel", 0, images, labels);
    dlx_diags d = {0};
    dlx_split s;
    assert_int_equal(idx_load_split(&s, images, labels, 10, &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "badlabel-labels", 0, 0,
                          "label 12 of example 3 is not a class 0..9 (1 label is out of range)") >=
                0);
    diags_free(&d);
    /* Without a class count (source idx) the same file is fine. */
    assert_int_equal(idx_load_split(&s, images, labels, 0, &d), DLX_OK);
    assert_int_equal(s.labels[3], 12);
    free(s.x);
    free(s.labels);
}

static void test_corrupt_gzip_stream(void **state)
{
    fixture *f = *state;
    char images[TEST_PATH_MAX];
    /* Incompressible pixels so that the compressed stream is long enough to cut. */
    unsigned char big[200 * 10 * 10];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof big; i++) {
        x = x * 1103515245u + 12345u;
        big[i] = (unsigned char)(x >> 24);
    }
    const unsigned dims[3] = {200, 10, 10};
    path_join(images, f->dir, "cut-images.gz");
    assert_true(write_idx(images, 3, dims, big, 1));
    FILE *fp = fopen(images, "rb");
    unsigned char whole[30000];
    size_t len = fread(whole, 1, sizeof whole, fp);
    fclose(fp);
    assert_true(len > 1000 && len < sizeof whole);
    assert_true(write_bytes(images, whole, len / 2, 0)); /* cut the compressed stream */
    dlx_diags d = {0};
    idx_array a;
    assert_int_equal(idx_read(images, 3, &a, &d), DLX_ERR_INPUT);
    /* zlib hands over what it could inflate, then reports the end of input. */
    assert_true(find_diag(&d, "cut-images.gz", 0, 0,
                          "truncated IDX file: expected 20000 bytes of data, found ") >= 0);
    diags_free(&d);
}

static void test_missing_file(void **state)
{
    fixture *f = *state;
    char path[TEST_PATH_MAX];
    path_join(path, f->dir, "nothing-here");
    dlx_diags d = {0};
    idx_array a;
    assert_int_equal(idx_read(path, 3, &a, &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "nothing-here", 0, 0, "cannot open: No such file or directory") >=
                0);
    diags_free(&d);
    assert_int_equal(idx_read(f->dir, 3, &a, &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, NULL, 0, 0, "not a regular file") >= 0);
    diags_free(&d);
}

/* Source idx through dataset_load: classes from the largest label, errors
   of both splits at once, and the n_train message naming the file. */
static void test_idx_source(void **state)
{
    fixture *f = *state;
    dlx_data_config *c = calloc(1, sizeof *c);
    c->source = DATA_IDX;
    write_pair(f, "train", 1, c->train_images, c->train_labels);
    write_pair(f, "test", 0, c->test_images, c->test_labels);
    dlx_diags d = {0};
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.classes, 10); /* largest label 9 */
    check_split(f, &ds.train);
    check_split(f, &ds.test);
    dataset_free(&ds);
    assert_null(ds.train.x);

    c->n_train = 9;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_ERR_INPUT);
    char expected[2 * TEST_PATH_MAX];
    snprintf(expected, sizeof expected, "data.n_train is 9 but %s has 5 examples",
             c->train_images);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, expected) >= 0);
    diags_free(&d);

    c->n_train = 0;
    path_join(c->test_labels, f->dir, "absent");
    path_join(c->train_labels, f->dir, "absent-too");
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_int_equal(d.count, 2); /* both missing files reported */
    assert_null(ds.train.x);
    assert_null(ds.test.x);
    diags_free(&d);
    free(c);
}

/* A gzip file of two members (gzip's format allows any number; `cat a.gz
   b.gz` makes one) is read whole: libdeflate's one-call path inflates only
   the first, so idx_read must notice and read the file again with zlib. */
static void test_two_gzip_members(void **state)
{
    fixture *f = *state;
    char images[TEST_PATH_MAX], labels[TEST_PATH_MAX];
    write_pair(f, "members", 1, images, labels);
    unsigned char head[16] = {0, 0, 0x08, 3, 0, 0, 0, N, 0, 0, 0, ROWS, 0, 0, 0, COLS};
    size_t half = N * ROWS * COLS / 2;
    gzFile g = gzopen(images, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, head, sizeof head), (int)sizeof head);
    assert_int_equal(gzwrite(g, f->pixels, (unsigned)half), (int)half);
    assert_int_equal(gzclose(g), Z_OK);
    g = gzopen(images, "ab"); /* a second member */
    assert_non_null(g);
    assert_int_equal(gzwrite(g, f->pixels + half, (unsigned)(N * ROWS * COLS - half)),
                     (int)(N * ROWS * COLS - half));
    assert_int_equal(gzclose(g), Z_OK);
    load_and_check(f, images, labels);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_plain_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_good_gzipped_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_gzip_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trailing_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_magic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_type_and_rank, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mismatched_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_huge_dims_in_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_label_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_gzip_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_source, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
