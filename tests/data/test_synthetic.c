/* Tests of synthetic.c: determinism per seed, shapes, class balance, the
   condition number of the linear design, shared ground truth between train
   and test, and the effect of each kind's noise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/linalg.h"
#include "data/synthetic.h"
#include "data_test_util.h"

static dlx_dataset load(const dlx_data_config *c)
{
    dlx_diags d = {0};
    dlx_dataset ds;
    dlx_status st = dataset_load(&ds, c, "exp.yaml", &d);
    if (st != DLX_OK)
        dump_diags(&d);
    assert_int_equal(st, DLX_OK);
    assert_int_equal(d.count, 0);
    return ds;
}

static int same_split(const dlx_split *a, const dlx_split *b)
{
    if (a->n != b->n || a->dim != b->dim || a->n_targets != b->n_targets)
        return 0;
    size_t n = (size_t)a->n;
    if (memcmp(a->x, b->x, n * (size_t)a->dim * sizeof *a->x) != 0)
        return 0;
    if (a->labels && memcmp(a->labels, b->labels, n * sizeof *a->labels) != 0)
        return 0;
    if (a->targets && memcmp(a->targets, b->targets, n * sizeof *a->targets) != 0)
        return 0;
    return 1;
}

static int same_inputs(const dlx_split *a, const dlx_split *b)
{
    return a->n == b->n && a->dim == b->dim &&
           memcmp(a->x, b->x, (size_t)a->n * (size_t)a->dim * sizeof *a->x) == 0;
}

static double fraction_of_labels_changed(const dlx_split *a, const dlx_split *b)
{
    int changed = 0;
    for (int i = 0; i < a->n; i++)
        changed += a->labels[i] != b->labels[i];
    return (double)changed / a->n;
}

static void test_determinism_and_shapes(void **state)
{
    (void)state;
    const dlx_synthetic_kind kinds[4] = {SYN_GAUSSIAN_MIXTURE, SYN_LINEAR, SYN_LOGISTIC,
                                         SYN_TEACHER};
    const int expected_classes[4] = {3, 0, 2, 3};
    for (int k = 0; k < 4; k++) {
        dlx_data_config c = synthetic_config(kinds[k], 300, 200, 7);
        dlx_dataset a = load(&c), b = load(&c);
        assert_int_equal(a.classes, expected_classes[k]);
        assert_int_equal(a.train.n, 300);
        assert_int_equal(a.test.n, 200);
        assert_int_equal(a.train.dim, 7);
        assert_int_equal(a.test.dim, 7);
        if (kinds[k] == SYN_LINEAR) {
            assert_null(a.train.labels);
            assert_int_equal(a.train.n_targets, 1);
        } else {
            assert_null(a.train.targets);
            assert_int_equal(a.train.n_targets, 0);
            for (int i = 0; i < a.train.n; i++)
                assert_true(a.train.labels[i] >= 0 && a.train.labels[i] < a.classes);
        }
        assert_true(same_split(&a.train, &b.train));
        assert_true(same_split(&a.test, &b.test));
        assert_false(same_inputs(&a.train, &a.test) && a.train.n == a.test.n);

        c.seed = 2;
        dlx_dataset other = load(&c);
        assert_false(same_inputs(&a.train, &other.train));
        /* A different n_train leaves the test split as it was. */
        c.seed = 1;
        c.n_train = 100;
        dlx_dataset fewer = load(&c);
        assert_true(same_split(&a.test, &fewer.test));
        dataset_free(&a);
        dataset_free(&b);
        dataset_free(&other);
        dataset_free(&fewer);
    }
}

/* Mean of class k's inputs in s, into mean [dim]. */
static void class_mean(double *mean, const dlx_split *s, int k)
{
    int count = 0;
    memset(mean, 0, (size_t)s->dim * sizeof *mean);
    for (int i = 0; i < s->n; i++) {
        if (s->labels[i] != k)
            continue;
        count++;
        for (int j = 0; j < s->dim; j++)
            mean[j] += s->x[(size_t)i * s->dim + j];
    }
    for (int j = 0; j < s->dim; j++)
        mean[j] /= count;
}

static double distance(const double *a, const double *b, int dim)
{
    double s = 0;
    for (int j = 0; j < dim; j++)
        s += (a[j] - b[j]) * (a[j] - b[j]);
    return sqrt(s);
}

static void test_gaussian_mixture(void **state)
{
    (void)state;
    enum { K = 5, DIM = 100 };
    dlx_data_config c = synthetic_config(SYN_GAUSSIAN_MIXTURE, 30000, 30000, DIM);
    c.classes = K;
    c.separation = 6;
    dlx_dataset ds = load(&c);
    for (int k = 0; k < K; k++)
        assert_true(fabs(label_fraction(&ds.train, k) - 1.0 / K) < 0.015);
    static double train_means[K][DIM], test_means[K][DIM];
    for (int k = 0; k < K; k++) {
        class_mean(train_means[k], &ds.train, k);
        class_mean(test_means[k], &ds.test, k);
        /* The same means in both splits (sampling error ~ sqrt(DIM/6000) = 0.13). */
        assert_true(distance(train_means[k], test_means[k], DIM) < 0.4);
    }
    /* The means lie about `separation` apart. */
    double total = 0;
    int pairs = 0;
    for (int j = 0; j < K; j++)
        for (int k = j + 1; k < K; k++, pairs++)
            total += distance(train_means[j], train_means[k], DIM);
    assert_true(fabs(total / pairs - 6.0) < 0.6);
    /* Within a class the noise has unit variance per coordinate. */
    double var = 0;
    int count = 0;
    for (int i = 0; i < ds.train.n; i++) {
        if (ds.train.labels[i] != 0)
            continue;
        count++;
        for (int j = 0; j < DIM; j++) {
            double e = ds.train.x[(size_t)i * DIM + j] - train_means[0][j];
            var += e * e;
        }
    }
    assert_true(fabs(var / ((double)count * DIM) - 1.0) < 0.02);

    /* Label noise 0.3: the same inputs, and a fraction 0.3·(1 − 1/K) = 0.24 of labels changed. */
    c.noise = 0.3;
    dlx_dataset noisy = load(&c);
    assert_true(same_inputs(&ds.train, &noisy.train));
    assert_true(fabs(fraction_of_labels_changed(&ds.train, &noisy.train) - 0.24) < 0.012);
    dataset_free(&ds);
    dataset_free(&noisy);
}

/* Eigenvalues (ascending) of the sample covariance of s. */
static void covariance_eigenvalues(double *lambda, const dlx_split *s)
{
    double *mean = malloc((size_t)s->dim * sizeof *mean);
    double *cov = malloc((size_t)s->dim * (size_t)s->dim * sizeof *cov);
    assert_int_equal(mean_covariance(mean, cov, s->x, s->n, s->dim), DLX_OK);
    assert_int_equal(symmetric_eigen(cov, lambda, s->dim), DLX_OK);
    free(mean);
    free(cov);
}

static void test_linear_condition_number(void **state)
{
    (void)state;
    enum { DIM = 10 };
    const double conditions[2] = {100, 1000};
    for (int t = 0; t < 2; t++) {
        dlx_data_config c = synthetic_config(SYN_LINEAR, 200000, 10, DIM);
        c.condition = conditions[t];
        dlx_dataset ds = load(&c);
        double lambda[DIM];
        covariance_eigenvalues(lambda, &ds.train);
        /* Each eigenvalue has relative sampling error about sqrt(2/n) = 0.3%. */
        assert_true(fabs(lambda[DIM - 1] - 1.0) < 0.03);
        assert_true(fabs(lambda[0] * c.condition - 1.0) < 0.03);
        assert_true(fabs(lambda[DIM - 1] / lambda[0] / c.condition - 1.0) < 0.05);
        /* Geometric spacing: λ_i = cond^(−i/(DIM−1)) from the top. */
        for (int i = 0; i < DIM; i++) {
            double expected = pow(c.condition, -(double)(DIM - 1 - i) / (DIM - 1));
            assert_true(fabs(lambda[i] / expected - 1.0) < 0.03);
        }
        dataset_free(&ds);
    }
}

/* w solving min ‖X·w − y‖² through the eigendecomposition of XᵀX. */
static void least_squares(double *w, const dlx_split *s)
{
    int dim = s->dim;
    double *a = calloc((size_t)dim * dim, sizeof *a), *b = calloc((size_t)dim, sizeof *b);
    double *lambda = malloc((size_t)dim * sizeof *lambda);
    for (int i = 0; i < s->n; i++) {
        const float *x = s->x + (size_t)i * dim;
        for (int j = 0; j < dim; j++) {
            b[j] += x[j] * (double)s->targets[i];
            for (int k = 0; k < dim; k++)
                a[j * dim + k] += (double)x[j] * x[k];
        }
    }
    assert_int_equal(symmetric_eigen(a, lambda, dim), DLX_OK);
    memset(w, 0, (size_t)dim * sizeof *w);
    for (int i = 0; i < dim; i++) {
        double proj = 0;
        for (int j = 0; j < dim; j++)
            proj += a[i * dim + j] * b[j];
        for (int j = 0; j < dim; j++)
            w[j] += a[i * dim + j] * proj / lambda[i];
    }
    free(a);
    free(b);
    free(lambda);
}

static void test_linear_targets_and_noise(void **state)
{
    (void)state;
    enum { DIM = 8 };
    dlx_data_config c = synthetic_config(SYN_LINEAR, 2000, 500, DIM);
    c.condition = 30;
    dlx_dataset clean = load(&c);
    /* Without noise y = x·w* exactly (to float rounding), with the same w* for the test split. */
    double w[DIM];
    least_squares(w, &clean.train);
    double worst = 0, scale = 0;
    for (int i = 0; i < clean.test.n; i++) {
        double fit = 0;
        for (int j = 0; j < DIM; j++)
            fit += w[j] * clean.test.x[(size_t)i * DIM + j];
        worst = fmax(worst, fabs(fit - clean.test.targets[i]));
        scale = fmax(scale, fabs(clean.test.targets[i]));
    }
    assert_true(scale > 0.5);
    assert_true(worst < 1e-4 * scale);
    /* noise 0.5 adds 0.5·N(0,1) to the same targets of the same inputs. */
    c.noise = 0.5;
    dlx_dataset noisy = load(&c);
    assert_true(same_inputs(&clean.train, &noisy.train));
    double sum = 0, sum2 = 0;
    for (int i = 0; i < noisy.train.n; i++) {
        double e = noisy.train.targets[i] - clean.train.targets[i];
        sum += e;
        sum2 += e * e;
    }
    double n = noisy.train.n, mean = sum / n;
    assert_true(fabs(mean) < 0.05);
    assert_true(fabs(sqrt(sum2 / n - mean * mean) - 0.5) < 0.03);
    dataset_free(&clean);
    dataset_free(&noisy);

    /* More inputs than training examples is allowed. */
    c = synthetic_config(SYN_LINEAR, 20, 20, 50);
    c.condition = 1e3;
    dlx_dataset wide = load(&c);
    assert_int_equal(wide.train.dim, 50);
    dataset_free(&wide);
}

static void test_logistic(void **state)
{
    (void)state;
    enum { DIM = 10 };
    dlx_data_config c = synthetic_config(SYN_LOGISTIC, 20000, 20000, DIM);
    c.classes = 7; /* ignored: logistic data has two classes */
    dlx_dataset ds = load(&c);
    assert_int_equal(ds.classes, 2);
    assert_true(fabs(label_fraction(&ds.train, 1) - 0.5) < 0.03);
    /* The direction between the class means is shared by train and test ... */
    double m0[DIM], m1[DIM], t0[DIM], t1[DIM], direction[DIM], test_direction[DIM];
    class_mean(m0, &ds.train, 0);
    class_mean(m1, &ds.train, 1);
    class_mean(t0, &ds.test, 0);
    class_mean(t1, &ds.test, 1);
    double dot = 0, n1 = 0, n2 = 0;
    for (int j = 0; j < DIM; j++) {
        direction[j] = m1[j] - m0[j];
        test_direction[j] = t1[j] - t0[j];
        dot += direction[j] * test_direction[j];
        n1 += direction[j] * direction[j];
        n2 += test_direction[j] * test_direction[j];
    }
    assert_true(dot / sqrt(n1 * n2) > 0.97);
    /* ... and predicts test labels well: with Var(x·w*) = 4 the Bayes accuracy is about 0.82. */
    int correct = 0;
    for (int i = 0; i < ds.test.n; i++) {
        double z = 0;
        for (int j = 0; j < DIM; j++)
            z += direction[j] * ds.test.x[(size_t)i * DIM + j];
        correct += (z > 0) == (ds.test.labels[i] == 1);
    }
    double accuracy = (double)correct / ds.test.n;
    assert_true(accuracy > 0.72 && accuracy < 0.92);
    /* Flip probability 0.2: the same inputs, 20% of labels flipped. */
    c.noise = 0.2;
    dlx_dataset noisy = load(&c);
    assert_true(same_inputs(&ds.train, &noisy.train));
    assert_true(fabs(fraction_of_labels_changed(&ds.train, &noisy.train) - 0.2) < 0.012);
    dataset_free(&ds);
    dataset_free(&noisy);
}

/* data.sparsity and data.scale_ratio: the truth kept in the dataset has exactly k nonzeros,
   each at least a/√k (a = 1 linear, 2 logistic, on γ_j = s_j·w*_j), the targets follow it,
   and logistic features have standard deviations s_j = r^(−j/(d−1)). */
static void test_sparse_truth_and_scales(void **state)
{
    (void)state;
    enum { DIM = 30, K = 4 };
    dlx_data_config c = synthetic_config(SYN_LINEAR, 200, 10, DIM);
    c.noise = 0.0;
    dlx_dataset dense = load(&c);
    assert_non_null(dense.true_weights);
    for (int j = 0; j < DIM; j++)
        assert_true(dense.true_weights[j] != 0.0f);
    c.sparsity = K;
    dlx_dataset ds = load(&c);
    int nonzero = 0;
    for (int j = 0; j < DIM; j++) {
        float w = ds.true_weights[j];
        nonzero += w != 0.0f;
        assert_true(w == 0.0f || fabs(w) >= 1.0 / sqrt((double)K) - 1e-6);
    }
    assert_int_equal(nonzero, K);
    double worst = 0.0; /* noise 0: y = x·w* up to float rounding */
    for (int i = 0; i < ds.train.n; i++) {
        double z = 0.0;
        for (int j = 0; j < DIM; j++)
            z += (double)ds.train.x[(size_t)i * DIM + j] * ds.true_weights[j];
        worst = fmax(worst, fabs(z - ds.train.targets[i]));
    }
    assert_true(worst < 1e-4);
    dataset_free(&dense);
    dataset_free(&ds);

    enum { LDIM = 10, LK = 3 };
    dlx_data_config l = synthetic_config(SYN_LOGISTIC, 20000, 10, LDIM);
    l.scale_ratio = 10.0;
    l.sparsity = LK;
    dlx_dataset lg = load(&l);
    nonzero = 0;
    for (int j = 0; j < LDIM; j++) {
        double s = pow(10.0, -(double)j / (LDIM - 1)), sum2 = 0.0;
        for (int i = 0; i < lg.train.n; i++)
            sum2 += (double)lg.train.x[(size_t)i * LDIM + j] * lg.train.x[(size_t)i * LDIM + j];
        assert_true(fabs(sqrt(sum2 / lg.train.n) / s - 1.0) < 0.03);
        double gamma = lg.true_weights[j] * s;
        nonzero += gamma != 0.0;
        assert_true(gamma == 0.0 || fabs(gamma) >= 2.0 / sqrt((double)LK) - 1e-5);
    }
    assert_int_equal(nonzero, LK);
    dataset_free(&lg);
}

static void test_teacher(void **state)
{
    (void)state;
    /* Class balance for several sizes (dim, teacher_hidden, classes), the
       first the defaults of the spec layer (docs/config.md). */
    const int sizes[5][3] = {{10, 32, 2}, {10, 32, 10}, {20, 64, 10}, {50, 100, 10}, {10, 16, 3}};
    for (int t = 0; t < 5; t++) {
        dlx_data_config c = synthetic_config(SYN_TEACHER, 20000, 100, sizes[t][0]);
        c.teacher_hidden = sizes[t][1];
        c.classes = sizes[t][2];
        dlx_dataset ds = load(&c);
        assert_int_equal(ds.classes, c.classes);
        double uniform = 1.0 / c.classes;
        for (int k = 0; k < c.classes; k++) {
            double f = label_fraction(&ds.train, k);
            if (fabs(f - uniform) > 0.2 * uniform)
                fail_msg("class %d has fraction %.3f, expected about %.3f", k, f, uniform);
        }
        dataset_free(&ds);
    }
    /* Labels are a function of the inputs: the first 1000 examples of a
       2000-example draw are those of a 1000-example draw. */
    dlx_data_config c = synthetic_config(SYN_TEACHER, 2000, 100, 20);
    c.classes = 10;
    dlx_dataset big = load(&c);
    c.n_train = 1000;
    dlx_dataset small = load(&c);
    assert_memory_equal(big.train.x, small.train.x, 1000 * 20 * sizeof(float));
    assert_memory_equal(big.train.labels, small.train.labels, 1000 * sizeof(int));
    /* Label noise 0.3: about 0.3·(1 − 1/10) = 0.27 changed. */
    c.n_train = 20000;
    dlx_dataset clean = load(&c);
    c.noise = 0.3;
    dlx_dataset noisy = load(&c);
    assert_true(same_inputs(&clean.train, &noisy.train));
    assert_true(fabs(fraction_of_labels_changed(&clean.train, &noisy.train) - 0.27) < 0.015);
    dataset_free(&big);
    dataset_free(&small);
    dataset_free(&clean);
    dataset_free(&noisy);
}

static void test_parameter_errors(void **state)
{
    (void)state;
    dlx_diags d = {0};
    dlx_dataset ds;
    dlx_data_config c = synthetic_config(SYN_GAUSSIAN_MIXTURE, 0, 10, 0);
    c.noise = 1.5;
    c.classes = 1;
    c.separation = -1;
    assert_int_equal(dataset_load(&ds, &c, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_null(ds.train.x);
    assert_true(find_diag(&d, "exp.yaml", 0, 0,
                          "synthetic data needs data.n_train and data.n_test between 1 and") >= 0);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, "data.dim must be at least 1, got 0") >= 0);
    assert_int_equal(d.count, 2); /* sizes first: the rest depends on them */
    diags_free(&d);

    c.n_train = 10;
    c.dim = 3;
    assert_int_equal(dataset_load(&ds, &c, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "exp.yaml", 0, 0,
                          "data.noise of synthetic kind gaussian_mixture must be a probability "
                          "in [0, 1], got 1.5") >= 0);
    assert_true(find_diag(&d, "exp.yaml", 0, 0,
                          "data.classes of synthetic kind gaussian_mixture must be at least 2, "
                          "got 1") >= 0);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, "data.separation must be finite and >= 0") >= 0);
    assert_int_equal(d.count, 3);
    diags_free(&d);

    c = synthetic_config(SYN_LINEAR, 10, 10, 3);
    c.condition = 0.5;
    c.noise = -1;
    assert_int_equal(dataset_load(&ds, &c, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, "data.condition must be finite and >= 1, got 0.5") >=
                0);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, "must be finite and >= 0, got -1") >= 0);
    diags_free(&d);

    c = synthetic_config(SYN_TEACHER, 10, 10, 3);
    c.teacher_hidden = 0;
    assert_int_equal(dataset_load(&ds, &c, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, "data.teacher_hidden must be at least 1, got 0") >=
                0);
    diags_free(&d);

    /* Sizes beyond memory sanity say how much they would need. */
    c = synthetic_config(SYN_GAUSSIAN_MIXTURE, 2000000000, 10, 100000);
    assert_int_equal(dataset_load(&ds, &c, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "exp.yaml", 0, 0,
                          "2000000000 examples x 100000 values = 2e+14 numbers would need "
                          "745058.1 GiB as float32") >= 0);
    diags_free(&d);
    c = synthetic_config(SYN_LINEAR, 10, 10, 100000);
    assert_int_equal(dataset_load(&ds, &c, "exp.yaml", &d), DLX_ERR_INPUT);
    assert_true(find_diag(&d, "exp.yaml", 0, 0, "100000 rows of the rotation x 100000 values") >=
                0);
    diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_determinism_and_shapes),
        cmocka_unit_test(test_gaussian_mixture),
        cmocka_unit_test(test_linear_condition_number),
        cmocka_unit_test(test_linear_targets_and_noise),
        cmocka_unit_test(test_logistic),
        cmocka_unit_test(test_teacher),
        cmocka_unit_test(test_sparse_truth_and_scales),
        cmocka_unit_test(test_parameter_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
