/* Tests of mnist_folder.c: the real Fashion-MNIST, the folder search rule and
   its error message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "data/mnist_folder.h"
#include "data_test_util.h"

#define FASHION_DIR MNIST_SYSTEM_DATA_DIR "/fashion-mnist"

static const char *const FILE_NAMES[4] = {
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
};

static int setup(void **state)
{
    char *dir = calloc(TEST_PATH_MAX, 1);
    if (!dir || !temp_dir_make(dir))
        return -1;
    unsetenv("DLX_DATA");
    *state = dir;
    return 0;
}

static int teardown(void **state)
{
    temp_dir_remove(*state);
    free(*state);
    unsetenv("DLX_DATA");
    return 0;
}

static dlx_data_config *folder_config(dlx_data_source source, const char *dir)
{
    dlx_data_config *c = calloc(1, sizeof *c);
    c->source = source;
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    return c;
}

/* A tiny MNIST-style folder: train 6 and test 4 images of 2x2, labels
   i % 10 (or bad_label at train example 2 when >= 0); the train files are
   gzipped, the test files plain, to mix both. `skip` names a file to leave
   out (-1: none). */
static void write_mini_folder(const char *folder, int skip, int bad_label)
{
    mkdir(folder, 0700);
    for (int k = 0; k < 4; k++) {
        if (k == skip)
            continue;
        int train = k < 2, images = k % 2 == 0;
        unsigned n = train ? 6 : 4;
        unsigned char data[6 * 4];
        for (unsigned i = 0; i < n * 4; i++)
            data[i] = (unsigned char)(10 * i + (train ? 1 : 2));
        unsigned char labels[6];
        for (unsigned i = 0; i < n; i++)
            labels[i] = (unsigned char)(train ? i + 4 : i);
        if (train && bad_label >= 0)
            labels[2] = (unsigned char)bad_label;
        char name[64], path[TEST_PATH_MAX];
        snprintf(name, sizeof name, "%s%s", FILE_NAMES[k], train ? ".gz" : "");
        assert_true(path_join(path, folder, name));
        const unsigned image_dims[3] = {n, 2, 2}, label_dims[1] = {n};
        assert_true(images ? write_idx(path, 3, image_dims, data, train)
                           : write_idx(path, 1, label_dims, labels, train));
    }
}

static void test_real_fashion_mnist(void **state)
{
    (void)state;
    struct stat st;
    if (stat(FASHION_DIR, &st) != 0)
        skip(); /* Debian's dataset-fashion-mnist is not installed here */
    dlx_data_config *c = folder_config(DATA_FASHION_MNIST, ""); /* the default search */
    dlx_diags d = {0};
    dlx_dataset ds;
    dlx_status st_load = dataset_load(&ds, c, "exp.yaml", &d);
    if (st_load != DLX_OK)
        dump_diags(&d);
    assert_int_equal(st_load, DLX_OK);
    assert_int_equal(ds.classes, 10);
    assert_int_equal(ds.train.n, 60000);
    assert_int_equal(ds.test.n, 10000);
    assert_int_equal(ds.train.dim, 784);
    assert_int_equal(ds.test.dim, 784);
    const int first_train[5] = {9, 0, 0, 3, 0}, first_test[5] = {9, 2, 1, 1, 6};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(ds.train.labels[i], first_train[i]);
        assert_int_equal(ds.test.labels[i], first_test[i]);
    }
    /* Raw pixels: integers 0..255; the first images' pixel sums are known. */
    double sum_train = 0, sum_test = 0;
    float largest = 0;
    for (int j = 0; j < 784; j++) {
        sum_train += ds.train.x[j];
        sum_test += ds.test.x[j];
    }
    for (size_t i = 0; i < (size_t)60000 * 784; i++) {
        float v = ds.train.x[i];
        assert_true(v >= 0 && v <= 255 && v == (float)(int)v);
        largest = v > largest ? v : largest;
    }
    assert_true(largest == 255.0f);
    assert_true(sum_train == 76247.0);
    assert_true(sum_test == 33456.0);
    int counts[10] = {0};
    for (int i = 0; i < 60000; i++)
        counts[ds.train.labels[i]]++;
    for (int k = 0; k < 10; k++)
        assert_int_equal(counts[k], 6000);
    dataset_free(&ds);

    /* More training examples than the file has: the message names the file. */
    c->n_train = 70000;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "exp.yaml", 0, 0,
                          "data.n_train is 70000 but " FASHION_DIR
                          "/train-images-idx3-ubyte.gz has 60000 examples") >= 0);
    diags_free(&d);

    /* A subsample with scaling: 1000 examples, pixels in [0, 1]. */
    c->n_train = 1000;
    c->n_test = 500;
    c->preprocess = PRE_SCALE;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.train.n, 1000);
    assert_int_equal(ds.test.n, 500);
    for (size_t i = 0; i < (size_t)1000 * 784; i++)
        assert_true(ds.train.x[i] >= 0 && ds.train.x[i] <= 1);
    dataset_free(&ds);
    free(c);
}

static void test_folder_from_data_dir(void **state)
{
    const char *tmp = *state;
    char folder[TEST_PATH_MAX];
    assert_true(path_join(folder, tmp, "mini"));
    write_mini_folder(folder, -1, -1);
    dlx_data_config *c = folder_config(DATA_MNIST, folder);
    dlx_diags d = {0};
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.classes, 10);
    assert_int_equal(ds.train.n, 6);
    assert_int_equal(ds.test.n, 4);
    assert_int_equal(ds.train.dim, 4);
    assert_true(ds.train.x[5] == 51.0f);
    assert_true(ds.test.x[5] == 52.0f);
    assert_int_equal(ds.train.labels[5], 9);
    assert_int_equal(ds.test.labels[3], 3);
    dataset_free(&ds);

    mnist_files files;
    assert_int_equal(mnist_folder_find(&files, "mnist", folder, "exp.yaml", &d), DLX_OK);
    char expected[TEST_PATH_MAX];
    assert_true(path_join(expected, folder, "train-images-idx3-ubyte.gz"));
    assert_string_equal(files.path[0], expected);
    assert_true(path_join(expected, folder, "t10k-labels-idx1-ubyte"));
    assert_string_equal(files.path[3], expected);
    free(c);
}

static void test_missing_folder_or_file(void **state)
{
    const char *tmp = *state;
    char folder[TEST_PATH_MAX], message[3 * TEST_PATH_MAX];
    assert_true(path_join(folder, tmp, "nowhere"));
    dlx_data_config *c = folder_config(DATA_FASHION_MNIST, folder);
    dlx_diags d = {0};
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_ERR_INPUT);
    snprintf(message, sizeof message, "fashion-mnist data not found; looked in %s (no such folder)",
             folder);
    assert_int_equal(d.count, 1);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, message) >= 0);
    diags_free(&d);

    assert_true(path_join(folder, tmp, "partial"));
    write_mini_folder(folder, 3, -1);
    snprintf(c->dir, sizeof c->dir, "%s", folder);
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_ERR_INPUT);
    snprintf(message, sizeof message, "looked in %s (missing t10k-labels-idx1-ubyte[.gz])",
             folder);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, message) >= 0);
    diags_free(&d);
    free(c);
}

static void test_search_through_dlx_data(void **state)
{
    const char *tmp = *state;
    char folder[TEST_PATH_MAX], message[3 * TEST_PATH_MAX];
    setenv("DLX_DATA", tmp, 1);
    dlx_data_config *c = folder_config(DATA_MNIST, "");
    dlx_diags d = {0};
    dlx_dataset ds;
    struct stat st;
    if (stat(MNIST_SYSTEM_DATA_DIR "/mnist", &st) != 0) {
        assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_ERR_INPUT);
        snprintf(message, sizeof message,
                 "mnist data not found; looked in %s/mnist (no such folder); "
                 "%s/mnist (no such folder); Debian 12 ships no MNIST package (Fashion-MNIST "
                 "is in dataset-fashion-mnist): download the four idx files "
                 "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
                 "t10k-labels-idx1-ubyte (plain or .gz) from the original MNIST site "
                 "(http://yann.lecun.com/exdb/mnist/) or a mirror into one folder; dlx looks in "
                 "data.dir when it is set, else in $DLX_DATA/mnist, then %s/mnist",
                 tmp, MNIST_SYSTEM_DATA_DIR, MNIST_SYSTEM_DATA_DIR);
        assert_true(find_diag(&d, "exp.yaml", 0, 0, message) >= 0);
        diags_free(&d);
    }
    assert_true(path_join(folder, tmp, "mnist"));
    write_mini_folder(folder, -1, -1);
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_OK);
    assert_int_equal(ds.train.n, 6);
    dataset_free(&ds);
    free(c);
}

static void test_label_beyond_nine(void **state)
{
    const char *tmp = *state;
    char folder[TEST_PATH_MAX];
    assert_true(path_join(folder, tmp, "badlabels"));
    write_mini_folder(folder, -1, 10);
    dlx_data_config *c = folder_config(DATA_MNIST, folder);
    dlx_diags d = {0};
    dlx_dataset ds;
    assert_int_equal(dataset_load(&ds, c, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "train-labels-idx1-ubyte.gz", 0, 0,
                          "label 10 of example 2 is not a class 0..9") >= 0);
    diags_free(&d);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_real_fashion_mnist, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_from_data_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_folder_or_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_through_dlx_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_label_beyond_nine, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
