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

/* Train the golden arms with `dlx run ... --gemm BACKEND` and compare with PyTorch. */
static void check_trajectories(const char *backend)
{
    const char *root = getenv("DLX_SOURCE_ROOT");
    assert_non_null(root);
    assert_int_equal(chdir(root), 0); /* the experiment's paths are relative to the root */
    char *dir = harness_tmpdir();
    char *err = NULL;
    int code = harness_dlx(NULL, &err,
                           "run tests/golden/golden.yaml --out '%s/g' --quiet --threads 1 --gemm %s",
                           dir, backend);
    if (code != 0)
        fail_msg("dlx failed: %s", err);
    free(err);

    harness_csv ours, ref;
    char path[4096];
    snprintf(path, sizeof path, "%s/g/metrics.csv", dir);
    assert_int_equal(harness_csv_read(&ours, path), 0);
    assert_int_equal(harness_csv_read(&ref, "tests/golden/reference.csv"), 0);
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
            if (rel > 1e-4)
                fail_msg("%s epoch %s %s: dlx %.9g, PyTorch %.9g (relative %.2g)",
                         harness_csv_str(&ref, r, "arm"), harness_csv_str(&ref, r, "epoch"),
                         cols[c], a, b, rel);
        }
        assert_true(fabs(harness_csv_num(&ours, r, "test_acc") - harness_csv_num(&ref, r, "test_acc")) < 1e-9);
    }
    print_message("--gemm %s: largest relative difference from PyTorch: %.3g\n", backend, worst);
    harness_csv_free(&ours);
    harness_csv_free(&ref);
    harness_rmtree(dir);
    free(dir);
}

static void test_openblas_matches_pytorch(void **state)
{
    (void)state;
    check_trajectories("openblas");
}

static void test_onednn_matches_pytorch(void **state)
{
    (void)state;
#ifdef DLX_HAVE_DNNL
    check_trajectories("onednn");
#else
    print_message("--gemm onednn: SKIPPED, this build has no oneDNN\n");
    skip();
#endif
}

static void test_auto_matches_pytorch(void **state)
{
    (void)state;
    check_trajectories("auto");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_openblas_matches_pytorch),
                                       cmocka_unit_test(test_onednn_matches_pytorch),
                                       cmocka_unit_test(test_auto_matches_pytorch)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
