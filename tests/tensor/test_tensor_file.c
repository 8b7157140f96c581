/*
 * test_tensor_file.c — data.source safetensors (src/experiment/tensor_file.c)
 * run through the dlx program.
 *
 * Fits: the test generates a cp_tensor of shape [3, 4, 5] and an ht_tensor
 * of shape [2, 3, 2, 3] in memory with dlx's own generator
 * (tensor_data_values), writes each as a safetensors file in F64 and in F32
 * (the layout of docs/config.md, written byte by byte here), and runs dlx on
 * the generated tensor and on both files with a cp and an ht model: the
 * runs' metrics.csv (wall time blanked) are byte-identical, because the
 * targets are the same floats. With data.noise the F64 file's run matches
 * the generated one's train loss to 1e-5 (the noise is the same draw; the
 * value is rounded to float before it is added).
 *
 * Errors: every problem of a tensor file is a FILE:LINE:COL error at
 * data.path with exit status 2 from `dlx validate`: missing file, not
 * safetensors, damaged header JSON, no such tensor, several tensors and no
 * data.tensor, a dtype other than F32/F64, data length not matching the
 * shape, more than 10⁷ entries, NaN and infinity, an order ht cannot take,
 * an order below 2 or above 16, a mode of size 0; and the spec layer's
 * errors of the section (no data.path, a model other than cp/ht,
 * preprocess).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/harness.h"
#include "data/tensor_data.h"

static char *tmp;

/* dir/name as a new string. */
static char *path_of(const char *name)
{
    size_t n = strlen(tmp) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", tmp, name);
    return p;
}

/* Write a safetensors file by hand: u64 little-endian header length, the
   header text, then data bytes (n of them; zeros when data is NULL). */
static void write_raw(const char *name, const char *header, const void *data, size_t n)
{
    char *path = path_of(name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    uint64_t len = strlen(header);
    unsigned char le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)(len >> (8 * i));
    assert_int_equal(fwrite(le, 1, 8, fp), 8);
    assert_int_equal(fwrite(header, 1, len, fp), len);
    if (data) {
        assert_int_equal(fwrite(data, 1, n, fp), n);
    } else {
        static const unsigned char zeros[65536];
        for (size_t done = 0; done < n;) {
            size_t k = n - done < sizeof zeros ? n - done : sizeof zeros;
            assert_int_equal(fwrite(zeros, 1, k, fp), k);
            done += k;
        }
    }
    fclose(fp);
    free(path);
}

/* One tensor "Y" of the given shape, values little-endian in F64 or F32. */
static void write_tensor(const char *name, int order, const int *shape, const double *values, bool f64)
{
    long n = 1;
    char header[512], dims[256] = "";
    size_t used = 0;
    for (int i = 0; i < order; i++) {
        n *= shape[i];
        used += (size_t)snprintf(dims + used, sizeof dims - used, i ? ",%d" : "%d", shape[i]);
    }
    size_t bytes = (size_t)n * (f64 ? 8 : 4);
    snprintf(header, sizeof header, "{\"Y\":{\"dtype\":\"%s\",\"shape\":[%s],\"data_offsets\":[0,%zu]}}",
             f64 ? "F64" : "F32", dims, bytes);
    unsigned char *data = malloc(bytes);
    assert_non_null(data);
    for (long e = 0; e < n; e++) {
        uint64_t bits = 0;
        if (f64) {
            memcpy(&bits, &values[e], 8);
        } else {
            float f = (float)values[e];
            uint32_t b32;
            memcpy(&b32, &f, 4);
            bits = b32;
        }
        for (int k = 0; k < (f64 ? 8 : 4); k++)
            data[(size_t)e * (f64 ? 8 : 4) + (size_t)k] = (unsigned char)(bits >> (8 * k));
    }
    write_raw(name, header, data, bytes);
    free(data);
}

/* Run dlx on an experiment of the given data section and model; returns
   metrics.csv with the wall time blanked (caller frees). */
static char *run_metrics(const char *tag, const char *data, const char *model, double *train_loss)
{
    char name[64], text[2048];
    snprintf(name, sizeof name, "%s.yaml", tag);
    char *out = path_of(tag);
    snprintf(text, sizeof text,
             "experiment: %s\nseeds: 1\noutput: %s\ndata: %s\nmodel: %s\n"
             "optimizer: {type: adam, lr: 0.03}\n"
             "training: {batch_size: full, epochs: 300, eval_every: 100}\n"
             "diagnostics: [fit_rel_error]\n", tag, out, data, model);
    char *yaml = harness_write(tmp, name, text);
    char *err = NULL;
    int rc = harness_dlx(NULL, &err, "run %s", yaml);
    if (rc != 0)
        fail_msg("dlx run %s: exit %d\n%s", tag, rc, err ? err : "");
    free(err);
    char metrics[1200], summary[1200];
    snprintf(metrics, sizeof metrics, "%s/metrics.csv", out);
    snprintf(summary, sizeof summary, "%s/summary.csv", out);
    char *m = harness_metrics_without_wall(metrics);
    assert_non_null(m);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, summary), 0);
    *train_loss = harness_csv_num(&csv, 0, "final_train_loss");
    harness_csv_free(&csv);
    free(yaml);
    free(out);
    return m;
}

/* The generated tensor of kind/shape/rank/seed, fitted by model, against
   the same values read from an F64 and an F32 file. */
static void check_fit_matches(const char *tag, dlx_synthetic_kind kind, const char *kind_name, int order,
                              const int *shape, const char *model)
{
    dlx_data_config cfg = {.source = DATA_SYNTHETIC, .kind = kind, .tensor_order = order, .rank = 2, .seed = 5};
    memcpy(cfg.tensor_shape, shape, (size_t)order * sizeof *shape);
    long n = tensor_data_entries(&cfg);
    double *values = malloc((size_t)n * sizeof *values);
    assert_non_null(values);
    dlx_diags d = {0};
    assert_int_equal(tensor_data_values(&cfg, values, "t.yaml", &d), DLX_OK);
    char f64[64], f32[64];
    snprintf(f64, sizeof f64, "%s_f64.safetensors", tag);
    snprintf(f32, sizeof f32, "%s_f32.safetensors", tag);
    write_tensor(f64, order, shape, values, true);
    write_tensor(f32, order, shape, values, false);
    free(values);

    char dims[128] = "", data[1400];
    size_t used = 0;
    for (int i = 0; i < order; i++)
        used += (size_t)snprintf(dims + used, sizeof dims - used, i ? ", %d" : "%d", shape[i]);
    char run[64];
    double loss_gen, loss_64, loss_32;
    snprintf(data, sizeof data, "{source: synthetic, kind: %s, shape: [%s], rank: 2, seed: 5}", kind_name, dims);
    snprintf(run, sizeof run, "%s_gen", tag);
    char *gen = run_metrics(run, data, model, &loss_gen);
    char *p64 = path_of(f64), *p32 = path_of(f32);
    snprintf(data, sizeof data, "{source: safetensors, path: %s, seed: 5}", p64);
    snprintf(run, sizeof run, "%s_f64", tag);
    char *m64 = run_metrics(run, data, model, &loss_64);
    snprintf(data, sizeof data, "{source: safetensors, path: %s, tensor: Y}", p32);
    snprintf(run, sizeof run, "%s_f32", tag);
    char *m32 = run_metrics(run, data, model, &loss_32);
    print_message("%s: final train loss generated %.9g, F64 file %.9g, F32 file %.9g\n", tag, loss_gen, loss_64,
                  loss_32);
    /* metrics.csv names the arm "main" in all three: byte-identical */
    if (strcmp(gen, m64) != 0)
        fail_msg("%s: the F64 file's run differs from the generated tensor's:\n%s\nvs\n%s", tag, m64, gen);
    if (strcmp(gen, m32) != 0)
        fail_msg("%s: the F32 file's run differs from the generated tensor's:\n%s\nvs\n%s", tag, m32, gen);
    assert_true(loss_gen > 0 && isfinite(loss_gen));

    /* with noise: the same draw from data.seed's training stream */
    double noisy_gen, noisy_64;
    snprintf(data, sizeof data, "{source: synthetic, kind: %s, shape: [%s], rank: 2, seed: 5, noise: 0.1}",
             kind_name, dims);
    snprintf(run, sizeof run, "%s_gen_noise", tag);
    free(run_metrics(run, data, model, &noisy_gen));
    snprintf(data, sizeof data, "{source: safetensors, path: %s, seed: 5, noise: 0.1}", p64);
    snprintf(run, sizeof run, "%s_f64_noise", tag);
    free(run_metrics(run, data, model, &noisy_64));
    print_message("%s with noise 0.1: final train loss generated %.9g, F64 file %.9g\n", tag, noisy_gen, noisy_64);
    if (!(fabs(noisy_gen - noisy_64) <= 1e-5 * fabs(noisy_gen)))
        fail_msg("%s with noise: generated %.9g vs file %.9g", tag, noisy_gen, noisy_64);
    if (!(fabs(noisy_gen - loss_gen) > 1e-6))
        fail_msg("%s: noise 0.1 did not change the fit (%.9g both)", tag, loss_gen);
    free(gen);
    free(m64);
    free(m32);
    free(p64);
    free(p32);
    diags_free(&d);
}

/* A 3-mode cp_tensor [3, 4, 5] fitted by a cp model of 2 terms. */
static void test_cp_fit_of_a_file_is_the_generated_fit(void **state)
{
    (void)state;
    const int shape[3] = {3, 4, 5};
    check_fit_matches("cp3", SYN_CP_TENSOR, "cp_tensor", 3, shape, "{type: cp, rank: 2, init: {scheme: normal, std: 0.5}}");
}

/* A 4-mode ht_tensor [2, 3, 2, 3] fitted by an ht model of rank 2. */
static void test_ht_fit_of_a_file_is_the_generated_fit(void **state)
{
    (void)state;
    const int shape[4] = {2, 3, 2, 3};
    check_fit_matches("ht4", SYN_HT_TENSOR, "ht_tensor", 4, shape, "{type: ht, rank: 2, init: {scheme: normal, std: 0.5}}");
}

/* `dlx validate` on a file whose data section is data (on line 3, its
   keys in block style from line 4) and model; expects exit 2 and message
   at line:col of the experiment file. */
static void expect_error(const char *tag, const char *data_keys, const char *model, int line, int col,
                         const char *message)
{
    char name[64], text[2048];
    snprintf(name, sizeof name, "%s.yaml", tag);
    snprintf(text, sizeof text, "experiment: %s\nseeds: 1\ndata:\n%smodel: %s\n", tag, data_keys, model);
    char *yaml = harness_write(tmp, name, text);
    char *err = NULL;
    int rc = harness_dlx(NULL, &err, "validate %s", yaml);
    char where[1200];
    snprintf(where, sizeof where, "%s:%d:%d: error: ", yaml, line, col);
    if (rc != 2 || !err || !strstr(err, where) || !strstr(err, message))
        fail_msg("%s: expected exit 2 and\n  %s...%s\ngot exit %d:\n%s", tag, where, message, rc, err ? err : "");
    free(err);
    free(yaml);
}

/* A data section reading file name (in the scratch folder), plus extra keys. */
static void expect_file_error(const char *tag, const char *file, const char *extra, const char *model,
                              const char *message)
{
    char *p = path_of(file), keys[1400], full[1600];
    snprintf(keys, sizeof keys, "  source: safetensors\n  path: %s\n%s", p, extra);
    snprintf(full, sizeof full, "data.path: %s: %s", p, message);
    expect_error(tag, keys, model, 5, 9, full);
    free(p);
}

/* Every problem of the file itself, at data.path, exit 2. */
static void test_file_errors(void **state)
{
    (void)state;
    const char *cp = "{type: cp, rank: 2}", *ht = "{type: ht, rank: 2}";
    const double two[4] = {1, 2, 3, 4};
    const int square[2] = {2, 2};
    expect_file_error("missing", "nothing.safetensors", "", cp, "cannot open: No such file or directory");
    char *text = harness_write(tmp, "text.safetensors", "hello, this is not a tensor file\n");
    free(text);
    expect_file_error("not_safetensors", "text.safetensors", "", cp,
                      "header length 8367736964726416744 runs past the end of the file (25 bytes after the length)");
    write_raw("tiny.safetensors", "", NULL, 0);
    expect_file_error("too_short", "tiny.safetensors", "", cp, "header is not a JSON object");
    write_raw("json.safetensors", "{\"Y\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,32]", two, 32);
    expect_file_error("damaged_json", "json.safetensors", "", cp, "header is not valid JSON: syntax error");
    write_raw("two.safetensors",
              "{\"A\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,32]},"
              "\"B\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[32,64]}}", NULL, 64);
    expect_file_error("several", "two.safetensors", "", cp,
                      "the file holds 2 tensors ('A', 'B'): data.tensor must name the one to read");
    expect_file_error("no_such", "two.safetensors", "  tensor: C\n", cp,
                      "no tensor 'C' in the file; it holds 'A', 'B'");
    write_raw("empty.safetensors", "{}", NULL, 0);
    expect_file_error("no_tensor", "empty.safetensors", "", cp, "the file holds no tensor");
    write_raw("f16.safetensors", "{\"Y\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]}}", NULL, 8);
    expect_file_error("dtype_f16", "f16.safetensors", "", cp,
                      "tensor 'Y' has dtype F16: data.source safetensors reads F32 or F64");
    write_raw("i32.safetensors", "{\"Y\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", NULL, 16);
    expect_file_error("dtype_i32", "i32.safetensors", "", cp, "tensor 'Y': unsupported dtype 'I32'");
    write_raw("short.safetensors", "{\"Y\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", NULL, 20);
    expect_file_error("length", "short.safetensors", "", cp,
                      "tensor 'Y': shape needs 6 x 4 = 24 bytes of F32 but data_offsets [0, 20] span 20");
    write_raw("cut.safetensors", "{\"Y\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", NULL, 20);
    expect_file_error("truncated", "cut.safetensors", "", cp,
                      "tensor 'Y': data_offsets [0, 24] lie outside the data area of 20 bytes");
    write_raw("big.safetensors", "{\"Y\":{\"dtype\":\"F32\",\"shape\":[2,5000001],\"data_offsets\":[0,40000008]}}",
              NULL, 40000008);
    expect_file_error("too_many", "big.safetensors", "", cp,
                      "a tensor of 10000002 entries is more than the limit of 10000000");
    char *big = path_of("big.safetensors");
    remove(big);
    free(big);
    double bad[4] = {1, 2, NAN, 4};
    write_tensor("nan.safetensors", 2, square, bad, true);
    expect_file_error("nan", "nan.safetensors", "", cp,
                      "tensor 'Y' holds NaN at entry (1, 0) (element 2 of 4); every value must be finite");
    bad[2] = 3;
    bad[1] = -INFINITY;
    write_tensor("inf.safetensors", 2, square, bad, false);
    expect_file_error("inf", "inf.safetensors", "", cp,
                      "tensor 'Y' holds an infinity at entry (0, 1) (element 1 of 4); every value must be finite");
    const int cube[3] = {2, 2, 2}, line[1] = {4}, flat[3] = {2, 0, 2};
    const double eight[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    write_tensor("order3.safetensors", 3, cube, eight, true);
    expect_file_error("ht_order", "order3.safetensors", "", ht,
                      "tensor 'Y' must have 2 to 16 modes (2, 4, 8 or 16 for model.type ht), got 3");
    write_tensor("order1.safetensors", 1, line, eight, true);
    expect_file_error("order1", "order1.safetensors", "", cp, "tensor 'Y' must have 2 to 16 modes");
    write_tensor("zero.safetensors", 3, flat, eight, true);
    expect_file_error("zero_mode", "zero.safetensors", "", cp, "tensor 'Y': every mode size must be at least 1");
    write_raw("deep.safetensors",
              "{\"Y\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}",
              NULL, 4);
    expect_file_error("order17", "deep.safetensors", "", cp, "tensor 'Y': shape has 17 dimensions (at most 16)");
}

/* The spec layer's errors of the section. */
static void test_section_errors(void **state)
{
    (void)state;
    write_tensor("ok.safetensors", 2, (const int[]){2, 2}, (const double[]){1, 2, 3, 4}, true);
    char *p = path_of("ok.safetensors"), keys[1400];
    expect_error("no_path", "  source: safetensors\n", "{type: cp, rank: 2}", 4, 11,
                 "data.path is required for data.source safetensors");
    snprintf(keys, sizeof keys, "  source: safetensors\n  path: %s\n", p);
    expect_error("mlp", keys, "{type: mlp, hidden: [4]}", 4, 11,
                 "a tensor (data.source safetensors) has no input features: it needs model.type cp or ht, here mlp");
    snprintf(keys, sizeof keys, "  source: safetensors\n  path: %s\n  preprocess: standardize\n", p);
    expect_error("preprocess", keys, "{type: cp, rank: 2}", 6, 15, "data.preprocess must be none");
    snprintf(keys, sizeof keys, "  source: safetensors\n  path: %s\n  tensor: \"\"\n", p);
    expect_error("empty_name", keys, "{type: cp, rank: 2}", 6, 11, "data.tensor must name a tensor of the file");
    snprintf(keys, sizeof keys, "  source: safetensors\n  path: %s\n  shape: [2, 2]\n", p);
    expect_error("shape_key", keys, "{type: cp, rank: 2}", 6, 3, "shape");
    /* and the file itself is fine */
    snprintf(keys, sizeof keys, "experiment: ok\nseeds: 1\ndata: {source: safetensors, path: %s}\n"
             "model: {type: cp, rank: 2}\n", p);
    char *yaml = harness_write(tmp, "ok.yaml", keys);
    assert_int_equal(harness_dlx(NULL, NULL, "validate %s", yaml), 0);
    free(yaml);
    free(p);
}

/* One scratch folder for the whole program. */
static int setup(void **state)
{
    (void)state;
    tmp = harness_tmpdir();
    return tmp ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    harness_rmtree(tmp);
    free(tmp);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cp_fit_of_a_file_is_the_generated_fit),
        cmocka_unit_test(test_ht_fit_of_a_file_is_the_generated_fit),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_section_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
