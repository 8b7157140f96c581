/* Tests of preprocess.c: the statistics each mode produces, taken from the
   training split only and applied unchanged to the test split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/preprocess.h"
#include "data/split.h"
#include "data_test_util.h"

static dlx_dataset load(const dlx_data_config *c)
{
    dlx_diags d = {0};
    dlx_dataset ds;
    dlx_status st = dataset_load(&ds, c, "exp.yaml", &d);
    if (st != DLX_OK)
        dump_diags(&d);
    assert_int_equal(st, DLX_OK);
    return ds;
}

static void test_none_and_scale(void **state)
{
    (void)state;
    dlx_data_config c = synthetic_config(SYN_GAUSSIAN_MIXTURE, 200, 100, 6);
    dlx_dataset raw = load(&c);
    c.preprocess = PRE_SCALE;
    dlx_dataset scaled = load(&c);
    for (int i = 0; i < 200 * 6; i++)
        assert_true(scaled.train.x[i] == raw.train.x[i] / 255.0f);
    for (int i = 0; i < 100 * 6; i++)
        assert_true(scaled.test.x[i] == raw.test.x[i] / 255.0f);
    assert_memory_equal(scaled.train.labels, raw.train.labels, 200 * sizeof(int));
    dataset_free(&raw);
    dataset_free(&scaled);
}

/* A hand-made dataset: train rows (1, 7, 0), (2, 7, 0), (3, 7, 10), (4, 7, 10);
   one test row (5, 9, 5). */
static dlx_dataset small_dataset(void)
{
    dlx_dataset ds = {.classes = 2};
    dlx_diags d = {0};
    assert_int_equal(split_alloc(&ds.train, 4, 3, 0, "small", &d), DLX_OK);
    assert_int_equal(split_alloc(&ds.test, 1, 3, 0, "small", &d), DLX_OK);
    const float train[12] = {1, 7, 0, 2, 7, 0, 3, 7, 10, 4, 7, 10}, test[3] = {5, 9, 5};
    memcpy(ds.train.x, train, sizeof train);
    memcpy(ds.test.x, test, sizeof test);
    return ds;
}

static void test_standardize_by_hand(void **state)
{
    (void)state;
    dlx_dataset ds = small_dataset();
    dlx_diags d = {0};
    assert_int_equal(preprocess_dataset(&ds, PRE_STANDARDIZE, "exp.yaml", &d), DLX_OK);
    /* Column 0: μ = 2.5, population σ = sqrt(1.25); column 1: σ = 0, so x − 7;
       column 2: μ = 5, σ = 5. */
    const double sigma0 = sqrt(1.25);
    for (int i = 0; i < 4; i++) {
        assert_float_equal(ds.train.x[3 * i], (i + 1 - 2.5) / sigma0, 1e-6);
        assert_float_equal(ds.train.x[3 * i + 1], 0.0, 0.0);
        assert_float_equal(ds.train.x[3 * i + 2], i < 2 ? -1.0 : 1.0, 1e-6);
    }
    /* The test row uses the training statistics. */
    assert_float_equal(ds.test.x[0], 2.5 / sigma0, 1e-6);
    assert_float_equal(ds.test.x[1], 2.0, 1e-6);
    assert_float_equal(ds.test.x[2], 0.0, 1e-6);
    dataset_free(&ds);
}

static void test_standardize_moments(void **state)
{
    (void)state;
    enum { DIM = 6 };
    dlx_data_config c = synthetic_config(SYN_LINEAR, 5000, 3000, DIM);
    c.condition = 100;
    dlx_dataset raw = load(&c);
    c.preprocess = PRE_STANDARDIZE;
    dlx_dataset ds = load(&c);
    double mean[DIM], cov[DIM * DIM], raw_mean[DIM], raw_cov[DIM * DIM];
    sample_moments(&ds.train, mean, cov);
    sample_moments(&raw.train, raw_mean, raw_cov);
    for (int j = 0; j < DIM; j++) {
        assert_true(fabs(mean[j]) < 1e-5);
        assert_true(fabs(cov[j * DIM + j] - 1.0) < 1e-5);
        /* The test split: (x − μ_train)/σ_train exactly. */
        for (int i = 0; i < 5; i++) {
            double expected = (raw.test.x[i * DIM + j] - raw_mean[j]) / sqrt(raw_cov[j * DIM + j]);
            assert_float_equal(ds.test.x[i * DIM + j], expected, 1e-5);
        }
    }
    dataset_free(&raw);
    dataset_free(&ds);
}

static void test_whiten_gives_identity_covariance(void **state)
{
    (void)state;
    enum { DIM = 20 };
    dlx_data_config c = synthetic_config(SYN_LINEAR, 20000, 20000, DIM);
    c.condition = 1e3;
    dlx_dataset raw = load(&c);
    c.preprocess = PRE_WHITEN;
    dlx_dataset ds = load(&c);
    static double mean[DIM], cov[DIM * DIM], raw_mean[DIM], raw_cov[DIM * DIM];
    sample_moments(&ds.train, mean, cov);
    sample_moments(&raw.train, raw_mean, raw_cov);
    double worst = 0;
    for (int j = 0; j < DIM; j++) {
        assert_true(fabs(mean[j]) < 1e-5);
        for (int k = 0; k < DIM; k++)
            worst = fmax(worst, fabs(cov[j * DIM + k] - (j == k)));
    }
    if (worst > 2e-6) /* float rounding: about 4e-7 is typical */
        fail_msg("whitened training covariance is off the identity by %g", worst);
    /* The test split, from the same distribution, is white up to sampling error. */
    sample_moments(&ds.test, mean, cov);
    for (int j = 0; j < DIM; j++)
        for (int k = 0; k < DIM; k++)
            assert_true(fabs(cov[j * DIM + k] - (j == k)) < 0.05);
    /* ZCA, not PCA: the map x − μ → (x − μ)·W has W symmetric positive
       definite, so the cross-covariance E[(x − μ)ᵀ·x_white] = C·W = C^(1/2)
       is symmetric with a positive diagonal. */
    static double cross[DIM * DIM];
    memset(cross, 0, sizeof cross);
    for (int i = 0; i < ds.train.n; i++)
        for (int j = 0; j < DIM; j++)
            for (int k = 0; k < DIM; k++)
                cross[j * DIM + k] += (raw.train.x[i * DIM + j] - raw_mean[j]) *
                                      (double)ds.train.x[i * DIM + k] / ds.train.n;
    for (int j = 0; j < DIM; j++) {
        assert_true(cross[j * DIM + j] > 0);
        for (int k = 0; k < DIM; k++)
            assert_true(fabs(cross[j * DIM + k] - cross[k * DIM + j]) < 1e-5);
    }
    dataset_free(&raw);
    dataset_free(&ds);
}

static void test_whiten_uses_training_statistics(void **state)
{
    (void)state;
    enum { DIM = 4, N = 500 };
    /* The test split is the training split shifted by 1 in every input: after
       the same affine map every test row differs from its training row by the
       same vector 1·W. */
    dlx_data_config c = synthetic_config(SYN_LINEAR, N, 10, DIM);
    dlx_dataset ds = load(&c);
    split_free(&ds.test);
    dlx_diags d = {0};
    assert_int_equal(split_alloc(&ds.test, N, DIM, 1, "shifted", &d), DLX_OK);
    for (int i = 0; i < N * DIM; i++)
        ds.test.x[i] = ds.train.x[i] + 1.0f;
    assert_int_equal(preprocess_dataset(&ds, PRE_WHITEN, "exp.yaml", &d), DLX_OK);
    double shift[DIM];
    for (int j = 0; j < DIM; j++)
        shift[j] = ds.test.x[j] - ds.train.x[j];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < DIM; j++)
            assert_float_equal(ds.test.x[i * DIM + j] - ds.train.x[i * DIM + j], shift[j], 1e-4);
    dataset_free(&ds);
}

static void test_whiten_degenerate_inputs(void **state)
{
    (void)state;
    /* More inputs than examples: a rank-deficient covariance, still finite. */
    dlx_data_config c = synthetic_config(SYN_GAUSSIAN_MIXTURE, 10, 10, 30);
    c.preprocess = PRE_WHITEN;
    dlx_dataset ds = load(&c);
    for (int i = 0; i < 10 * 30; i++)
        assert_true(isfinite(ds.train.x[i]) && isfinite(ds.test.x[i]));
    dataset_free(&ds);

    /* Constant training inputs cannot be whitened. */
    dlx_dataset flat = {.classes = 2};
    dlx_diags d = {0};
    assert_int_equal(split_alloc(&flat.train, 5, 3, 0, "flat", &d), DLX_OK);
    assert_int_equal(split_alloc(&flat.test, 2, 3, 0, "flat", &d), DLX_OK);
    assert_int_equal(preprocess_dataset(&flat, PRE_WHITEN, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "exp.yaml", 0, 0,
                          "data.preprocess whiten: the training inputs are constant") >= 0);
    diags_free(&d);
    /* Standardizing them only centres them. */
    for (int i = 0; i < 15; i++)
        flat.train.x[i] = 3.0f;
    flat.test.x[0] = 4.0f;
    assert_int_equal(preprocess_dataset(&flat, PRE_STANDARDIZE, "exp.yaml", &d), DLX_OK);
    assert_true(flat.train.x[7] == 0.0f);
    assert_true(flat.test.x[0] == 1.0f);
    dataset_free(&flat);
}

/* Subsampling comes first: the statistics are those of the kept examples. */
static void test_statistics_after_subsampling(void **state)
{
    (void)state;
    const char *root = getenv("DLX_TEST_DATA");
    dlx_data_config *c = calloc(1, sizeof *c);
    c->source = DATA_CSV;
    snprintf(c->train, sizeof c->train, "%s/data/files/csv/iris_train.csv", root ? root : "tests");
    snprintf(c->test, sizeof c->test, "%s/data/files/csv/iris_test.csv", root ? root : "tests");
    snprintf(c->target, sizeof c->target, "species");
    c->n_train = 2;
    c->seed = 4;
    c->preprocess = PRE_STANDARDIZE;
    dlx_dataset ds = load(c);
    assert_int_equal(ds.train.n, 2);
    for (int j = 0; j < 3; j++) {
        assert_float_equal(ds.train.x[j] + ds.train.x[3 + j], 0.0, 1e-6);
        assert_float_equal(fabs(ds.train.x[j]), 1.0, 1e-6); /* two values: ±1 */
    }
    dataset_free(&ds);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_none_and_scale),
        cmocka_unit_test(test_standardize_by_hand),
        cmocka_unit_test(test_standardize_moments),
        cmocka_unit_test(test_whiten_gives_identity_covariance),
        cmocka_unit_test(test_whiten_uses_training_statistics),
        cmocka_unit_test(test_whiten_degenerate_inputs),
        cmocka_unit_test(test_statistics_after_subsampling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
