/*
 * test_tensor_models.c — the tensor data (data/tensor_data.h), the cp and
 * ht models (models/tensor_model.h), their product regularizers and the
 * odd/even matricization (util/matricization.h):
 *
 *   - cp_tensor and ht_tensor data: every entry an example whose inputs are
 *     its multi-index (row-major), mean square entry 1, the test split the
 *     same entries; the same data.seed gives the same tensor.
 *   - the matricization puts entry (i1, i2, i3, i4) at row (i1, i3), column
 *     (i2, i4); a CP tensor of Z generic terms has matricization rank Z.
 *   - both models' backward passes agree with finite differences (a
 *     minibatch, so the n/|B| scale is exercised), and so do the gradients
 *     of their product regularizers; Θ_cp is invariant under rescaling one
 *     term's factors by c and 1/c, Θ_ht scales as c^(2N−1) with all weights.
 *   - the full tensor in double agrees with predict at every entry, and an
 *     ht model of rank r has matricization rank ≤ r^(N/2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "data/tensor_data.h"
#include "models/model.h"
#include "models/model_gradcheck.h"
#include "models/tensor_model.h"
#include "util/matricization.h"

/* The data config of a tensor of that kind, shape and rank. */
static dlx_data_config tensor_config(dlx_synthetic_kind kind, int order, const int *shape, int rank, uint64_t seed)
{
    dlx_data_config d = {.source = DATA_SYNTHETIC, .kind = kind, .tensor_order = order, .rank = rank,
                         .seed = seed};
    memcpy(d.tensor_shape, shape, (size_t)order * sizeof *shape);
    return d;
}

static void test_tensor_data_layout(void **state)
{
    (void)state;
    const int shape[] = {3, 2, 4};
    dlx_data_config d = tensor_config(SYN_CP_TENSOR, 3, shape, 2, 7);
    dlx_dataset ds, again;
    dlx_diags diags = {0};
    assert_int_equal(tensor_data_generate(&ds, &d, "t.yaml", &diags), DLX_OK);
    assert_int_equal(tensor_data_generate(&again, &d, "t.yaml", &diags), DLX_OK);
    assert_int_equal(ds.train.n, 24);
    assert_int_equal(ds.train.dim, 3);
    assert_int_equal(ds.test.n, 24);
    assert_int_equal(ds.classes, 0);
    double sq = 0;
    for (int e = 0; e < 24; e++) {
        assert_true(ds.train.x[e * 3 + 0] == (real)(e / 8));
        assert_true(ds.train.x[e * 3 + 1] == (real)(e / 4 % 2));
        assert_true(ds.train.x[e * 3 + 2] == (real)(e % 4));
        assert_true(ds.train.targets[e] == ds.test.targets[e]);
        assert_true(ds.train.targets[e] == again.train.targets[e]);
        sq += (double)ds.train.targets[e] * ds.train.targets[e];
    }
    assert_true(fabs(sq / 24 - 1.0) < 1e-5);
    dataset_free(&ds);
    dataset_free(&again);
    d.tensor_order = 3;
    d.kind = SYN_HT_TENSOR;   /* 3 modes: not a binary tree */
    assert_int_equal(tensor_data_generate(&ds, &d, "t.yaml", &diags), DLX_ERR_INPUT);
    assert_true(diags.count > 0);
    diags_free(&diags);
}

static void test_matricization(void **state)
{
    (void)state;
    const int shape[] = {2, 3, 2, 2};
    double t[24], m[24];
    for (int e = 0; e < 24; e++)
        t[e] = e;
    matricization(t, 4, shape, m);   /* rows (i1, i3): 4, columns (i2, i4): 6 */
    long rows, cols;
    matricization_size(4, shape, &rows, &cols);
    assert_int_equal(rows, 4);
    assert_int_equal(cols, 6);
    for (int i1 = 0; i1 < 2; i1++)
        for (int i2 = 0; i2 < 3; i2++)
            for (int i3 = 0; i3 < 2; i3++)
                for (int i4 = 0; i4 < 2; i4++)
                    assert_true(m[(i1 * 2 + i3) * 6 + i2 * 2 + i4] == t[((i1 * 3 + i2) * 2 + i3) * 2 + i4]);
    const int cube[] = {3, 3, 3, 3};
    dlx_diags diags = {0};
    for (int Z = 1; Z <= 4; Z++) {
        dlx_data_config d = tensor_config(SYN_CP_TENSOR, 4, cube, Z, 3);
        double values[81];
        int rank = -1;
        assert_int_equal(tensor_data_values(&d, values, "t.yaml", &diags), DLX_OK);
        assert_int_equal(matricization_rank(values, 4, cube, 1e-9, &rank, &diags), DLX_OK);
        assert_int_equal(rank, Z);
    }
    diags_free(&diags);
}

/* A cp or ht model on the tensor of ds, rank r, init N(0, std²), for batches of up to max_batch. */
static void make_model(dlx_model *m, dlx_model_type type, const dlx_data_config *d, const dlx_dataset *ds,
                       int rank, double std, int max_batch)
{
    dlx_config cfg = {.data = *d, .loss = LOSS_MSE};
    cfg.model = (dlx_model_config){.type = type, .rank = rank, .init = INIT_NORMAL, .init_std = std};
    dlx_model_shape shape = {.n_inputs = ds->train.dim, .n_outputs = 1, .max_batch = max_batch,
                             .n_train = ds->train.n};
    dlx_diags diags = {0};
    assert_int_equal(model_create(m, &cfg, &shape, &diags), DLX_OK);
    dlx_rng rng;
    rng_seed(&rng, 11, 1);
    model_init(m, &rng);
    diags_free(&diags);
}

/* The product penalty's gradient against central differences of its value. */
static void check_penalty_gradient(dlx_model *m, double lambda)
{
    real *p = model_params(m), *g = model_grads(m);
    size_t n = model_n_params(m);
    memset(g, 0, n * sizeof *g);
    model_product_penalty(m, lambda, true);
    double h = 1e-3, worst = 0;
    for (size_t i = 0; i < n; i++) {
        real keep = p[i];
        p[i] = keep + (real)h;
        double up = model_product_penalty(m, lambda, false);
        p[i] = keep - (real)h;
        double down = model_product_penalty(m, lambda, false);
        p[i] = keep;
        double numeric = (up - down) / (2 * h), err = fabs(numeric - g[i]) / fmax(1e-2, fabs(numeric));
        worst = fmax(worst, err);
    }
    print_message("%s: product penalty gradient max rel error %.3g\n", m->kind->name, worst);
    assert_true(worst < 2e-2);
}

static void test_gradients(void **state)
{
    (void)state;
    const int shape[] = {3, 2, 4, 2};
    dlx_data_config d = tensor_config(SYN_HT_TENSOR, 4, shape, 2, 5);
    dlx_dataset ds;
    dlx_diags diags = {0};
    assert_int_equal(tensor_data_generate(&ds, &d, "t.yaml", &diags), DLX_OK);
    dlx_batch batch = model_batch_of_split(&ds.train, 5, 12);
    dlx_rng rng;
    rng_seed(&rng, 2, 2);
    dlx_model_type types[] = {MODEL_CP, MODEL_HT};
    for (int k = 0; k < 2; k++) {
        dlx_model m;
        make_model(&m, types[k], &d, &ds, 3, 0.8, 48);
        gradcheck_result r = model_gradcheck(&m, &batch, &rng, REAL_C(1e-2), 1e-3);
        print_message("%s: loss gradient max rel error %.3g\n", m.kind->name, r.max_rel_error);
        assert_true(r.max_rel_error < 2e-2);
        check_penalty_gradient(&m, 0.7);
        model_free(&m);
    }
    dataset_free(&ds);
    diags_free(&diags);
}

static void test_penalty_homogeneity(void **state)
{
    (void)state;
    const int shape[] = {2, 3, 2, 2};
    dlx_data_config d = tensor_config(SYN_CP_TENSOR, 4, shape, 2, 1);
    dlx_dataset ds;
    dlx_diags diags = {0};
    assert_int_equal(tensor_data_generate(&ds, &d, "t.yaml", &diags), DLX_OK);
    dlx_model cp;
    make_model(&cp, MODEL_CP, &d, &ds, 3, 0.9, 24);
    double theta = model_product_penalty(&cp, 1.0, false);
    dlx_tensor *a1 = model_find_tensor(&cp, "A1"), *a3 = model_find_tensor(&cp, "A3");
    assert_non_null(a1);
    assert_non_null(model_find_tensor(&cp, "A4"));
    assert_null(model_find_tensor(&cp, "A5"));
    for (int i = 0; i < a1->shape[0]; i++)
        a1->data[i * 3 + 1] *= REAL_C(4.0);   /* term 1: A1·4, A3/4 */
    for (int i = 0; i < a3->shape[0]; i++)
        a3->data[i * 3 + 1] /= REAL_C(4.0);
    assert_true(fabs(model_product_penalty(&cp, 1.0, false) - theta) < 1e-5 * theta);
    model_free(&cp);

    const int tree[] = {2, 2, 2, 2};
    d = tensor_config(SYN_HT_TENSOR, 4, tree, 2, 1);
    dataset_free(&ds);
    assert_int_equal(tensor_data_generate(&ds, &d, "t.yaml", &diags), DLX_OK);
    dlx_model ht;
    make_model(&ht, MODEL_HT, &d, &ds, 2, 0.9, 16);
    assert_int_equal(model_n_tensors(&ht), 7);          /* 4 leaves, 2 + 1 inner nodes */
    assert_non_null(model_find_tensor(&ht, "node2.1"));
    assert_int_equal(model_find_tensor(&ht, "node2.1")->shape[0], 1);
    theta = model_product_penalty(&ht, 1.0, false);
    real *p = model_params(&ht);
    for (size_t i = 0; i < model_n_params(&ht); i++)
        p[i] *= REAL_C(1.5);
    assert_true(fabs(model_product_penalty(&ht, 1.0, false) - pow(1.5, 7) * theta) < 1e-5 * pow(1.5, 7) * theta);
    model_free(&ht);
    dataset_free(&ds);
    diags_free(&diags);
}

static void test_full_tensor(void **state)
{
    (void)state;
    const int shape[] = {2, 2, 2, 2, 2, 2, 2, 2};
    dlx_data_config d = tensor_config(SYN_HT_TENSOR, 8, shape, 2, 4);
    dlx_dataset ds;
    dlx_diags diags = {0};
    assert_int_equal(tensor_data_generate(&ds, &d, "t.yaml", &diags), DLX_OK);
    dlx_model_type types[] = {MODEL_CP, MODEL_HT};
    int ranks[] = {5, 2}, max_rank[] = {5, 16};
    for (int k = 0; k < 2; k++) {
        dlx_model m;
        make_model(&m, types[k], &d, &ds, ranks[k], 0.9, 256);
        double full[256];
        real out[256];
        int order = 0, got[DLX_MAX_TENSOR_ORDER], rank = -1;
        assert_int_equal(tensor_model_entries(&m), 256);
        assert_true(tensor_model_full(&m, full, &order, got));
        assert_int_equal(order, 8);
        model_predict(&m, ds.train.x, 256, NULL, out);
        for (int e = 0; e < 256; e++)
            assert_true(fabs(out[e] - full[e]) <= 1e-5 * fmax(1.0, fabs(full[e])));
        assert_int_equal(matricization_rank(full, order, got, 1e-9, &rank, &diags), DLX_OK);
        print_message("%s rank %d: matricization rank %d\n", m.kind->name, ranks[k], rank);
        assert_true(rank <= max_rank[k]);
        assert_true(rank >= 1);
        model_free(&m);
    }
    dataset_free(&ds);
    diags_free(&diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tensor_data_layout),
        cmocka_unit_test(test_matricization),
        cmocka_unit_test(test_gradients),
        cmocka_unit_test(test_penalty_homogeneity),
        cmocka_unit_test(test_full_tensor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
