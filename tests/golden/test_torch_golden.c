/*
 * Golden reference test (after llm.c's test_gpt2): dlx trains the networks
 * of scripts/bench/make_torch_golden.py from the same initial weights
 * (init: {from: ...}), data and batches as PyTorch did, and every epoch's
 * train loss, test loss and test accuracy must match PyTorch's
 * (tests/golden/reference.csv, made once with Debian's python3-torch 1.13).
 *
 * Three arms cover batch norm in train and eval mode with momentum SGD and
 * L2 on weights only, ReLU with Adam, sigmoid with Nesterov: 6 epochs of 8
 * steps each. Float32 sums in a different order drift by a few ulps per
 * step; measured agreement is about 1e-7 relative, the tolerance 1e-4.
 *
 * The trajectories are checked once per GEMM backend (dlx run --gemm):
 * openblas, onednn (skipped with a message when this build has none) and
 * auto, the default.
 *
 * With `--set precision=float64` the same arms must follow PyTorch's
 * model.double() trajectories (tests/golden/reference_float64.csv, the same
 * initial weights, exact in double) to 1e-12 relative: double sums in another
 * order differ by about 1e-16 per step, so a float32 step anywhere in the
 * float64 build (a float temporary, an sgemm) shows as ~1e-8 and fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../support/harness.h"

/* Train the golden arms with `dlx run ... --gemm BACKEND --set precision=PRECISION` and
 * compare every epoch's losses with PyTorch's REFERENCE to TOLERANCE relative. */
static void check_trajectories(const char *backend, const char *precision, const char *reference,
                               double tolerance)
{
    const char *root = getenv("DLX_SOURCE_ROOT");
    assert_non_null(root);
    assert_int_equal(chdir(root), 0); /* the experiment's paths are relative to the root */
    char *dir = harness_tmpdir();
    char *err = NULL;
    int code = harness_dlx(NULL, &err,
                           "run tests/golden/golden.yaml --out '%s/g' --quiet --threads 1 --gemm %s"
                           " --set precision=%s",
                           dir, backend, precision);
    if (code != 0)
        fail_msg("dlx failed: %s", err);
    free(err);

    harness_csv ours, ref;
    char path[4096];
    snprintf(path, sizeof path, "%s/g/metrics.csv", dir);
    assert_int_equal(harness_csv_read(&ours, path), 0);
    assert_int_equal(harness_csv_read(&ref, reference), 0);
    assert_int_equal(ours.n_rows, ref.n_rows);
    assert_int_equal(ours.n_rows, 3 * 7);
    double worst = 0.0;
    for (int r = 0; r < ref.n_rows; r++) {
        assert_string_equal(harness_csv_str(&ours, r, "arm"), harness_csv_str(&ref, r, "arm"));
        assert_int_equal((int)harness_csv_num(&ours, r, "epoch"), (int)harness_csv_num(&ref, r, "epoch"));
        const char *cols[] = {"train_loss", "test_loss"};
        for (int c = 0; c < 2; c++) {
            double a = harness_csv_num(&ours, r, cols[c]), b = harness_csv_num(&ref, r, cols[c]);
            double rel = fabs(a - b) / fabs(b);
            if (rel > worst)
                worst = rel;
            if (rel > tolerance)
                fail_msg("%s epoch %s %s: dlx %.9g, PyTorch %.9g (relative %.2g)",
                         harness_csv_str(&ref, r, "arm"), harness_csv_str(&ref, r, "epoch"),
                         cols[c], a, b, rel);
        }
        assert_true(fabs(harness_csv_num(&ours, r, "test_acc") - harness_csv_num(&ref, r, "test_acc")) < 1e-9);
    }
    print_message("--gemm %s, %s: largest relative difference from PyTorch: %.3g\n", backend, precision,
                  worst);
    snprintf(path, sizeof path, "%s/g/meta.yaml", dir);
    char *meta = harness_read(path);
    char line[64];
    snprintf(line, sizeof line, "precision: %s\n", precision);
    assert_non_null(strstr(meta, line));
    free(meta);
    harness_csv_free(&ours);
    harness_csv_free(&ref);
    harness_rmtree(dir);
    free(dir);
}

static void test_openblas_matches_pytorch(void **state)
{
    (void)state;
    check_trajectories("openblas", "float32", "tests/golden/reference.csv", 1e-4);
}

static void test_onednn_matches_pytorch(void **state)
{
    (void)state;
#ifdef DLX_HAVE_DNNL
    check_trajectories("onednn", "float32", "tests/golden/reference.csv", 1e-4);
#else
    print_message("--gemm onednn: SKIPPED, this build has no oneDNN\n");
    skip();
#endif
}

static void test_auto_matches_pytorch(void **state)
{
    (void)state;
    check_trajectories("auto", "float32", "tests/golden/reference.csv", 1e-4);
}

/* float64 products are always OpenBLAS's dgemm (oneDNN has no double GEMM): one run. */
static void test_float64_matches_pytorch_double(void **state)
{
    (void)state;
    check_trajectories("auto", "float64", "tests/golden/reference_float64.csv", 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_openblas_matches_pytorch),
                                       cmocka_unit_test(test_onednn_matches_pytorch),
                                       cmocka_unit_test(test_auto_matches_pytorch),
                                       cmocka_unit_test(test_float64_matches_pytorch_double)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
