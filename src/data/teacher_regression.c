/*
 * teacher_regression.c — see teacher_regression.h. The teacher is small
 * (k ≤ d units), so each target is computed example by example in double
 * from the float inputs the model will see; there is no product large
 * enough for a GEMM.
 */
#include "data/teacher_regression.h"
#include "util/real.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "data/split.h"
#include "data/synthetic.h"
#include "util/linalg.h"

double teacher_regression_activation(dlx_activation a, double z)
{
    switch (a) {
    case ACT_RELU: return z > 0 ? z : 0.0;
    case ACT_SIGMOID: return 1.0 / (1.0 + exp(-z));
    case ACT_TANH: return tanh(z);
    case ACT_IDENTITY:
    case ACTIVATION_COUNT: break;
    }
    return z;
}

dlx_status teacher_regression_truth(const dlx_data_config *cfg, dlx_rng *rng, double *first_layer,
                                    double *bias1, double *weights2)
{
    int dim = cfg->dim, hidden = cfg->teacher_hidden;
    double *q = malloc((size_t)dim * (size_t)dim * sizeof *q);
    dlx_status st = q ? random_orthogonal(q, dim, rng) : DLX_ERR_RUNTIME;
    if (st == DLX_OK) {
        /* row j of A₁ = column j of Q; q is column-major: Q(i, j) = q[j·dim + i] */
        for (int j = 0; j < hidden; j++)
            for (int i = 0; i < dim; i++)
                first_layer[(size_t)j * dim + i] = q[(size_t)j * dim + i];
        for (int j = 0; j < hidden; j++)
            bias1[j] = rng_uniform(rng) - 0.5;
        for (int j = 0; j < hidden; j++) {
            double sign = rng_uniform(rng) < 0.5 ? -1.0 : 1.0;
            weights2[j] = sign * (1.0 + rng_uniform(rng));
        }
    }
    free(q);
    return st;
}

/* Fill split s: x ~ N(0, I), y = a₂ᵀσ(A₁x + b₁) + noise·ε, example by example. */
static void teacher_regression_split(dlx_split *s, const dlx_data_config *cfg, const double *first_layer,
                                     const double *bias1, const double *weights2, dlx_rng *rng)
{
    int dim = cfg->dim, hidden = cfg->teacher_hidden;
    dlx_activation act = (dlx_activation)cfg->teacher_activation;
    for (int i = 0; i < s->n; i++) {
        real *x = s->x + (size_t)i * dim;
        for (int c = 0; c < dim; c++)
            x[c] = (real)rng_normal(rng);
        double y = 0.0;
        for (int j = 0; j < hidden; j++) {
            const double *w = first_layer + (size_t)j * dim;
            double z = bias1[j];
            for (int c = 0; c < dim; c++)
                z += w[c] * x[c];
            y += weights2[j] * teacher_regression_activation(act, z);
        }
        s->targets[i] = (real)(y + cfg->noise * rng_normal(rng));
    }
}

/* The ranges of the parameters, every problem reported. */
static dlx_status check_teacher(const dlx_data_config *cfg, const char *file, dlx_diags *d)
{
    dlx_status st = DLX_OK;
    if (cfg->n_train < 1 || cfg->n_train > INT_MAX || cfg->n_test < 1 || cfg->n_test > INT_MAX) {
        diags_add(d, file, 0, 0, "data.kind teacher_regression needs data.n_train and data.n_test between 1 "
                  "and %d, got %ld and %ld", INT_MAX, cfg->n_train, cfg->n_test);
        st = DLX_ERR_INPUT;
    }
    if (cfg->dim < 1 || cfg->teacher_hidden < 1 || cfg->teacher_hidden > cfg->dim) {
        diags_add(d, file, 0, 0, "data.kind teacher_regression needs 1 <= data.hidden <= data.dim, got %d and %d",
                  cfg->teacher_hidden, cfg->dim);
        st = DLX_ERR_INPUT;
    }
    if (!(cfg->noise >= 0 && isfinite(cfg->noise))) {
        diags_add(d, file, 0, 0, "data.noise must be a finite number >= 0");
        st = DLX_ERR_INPUT;
    }
    if (cfg->teacher_activation < 0 || cfg->teacher_activation >= ACTIVATION_COUNT) {
        diags_add(d, file, 0, 0, "unknown data.activation (%d)", cfg->teacher_activation);
        st = DLX_ERR_INPUT;
    }
    return st;
}

dlx_status teacher_regression_generate(dlx_dataset *ds, const dlx_data_config *cfg,
                                       const char *source_file, dlx_diags *d)
{
    *ds = (dlx_dataset){0};
    dlx_status st = check_teacher(cfg, source_file, d);
    if (st != DLX_OK)
        return st;
    int reported = diags_total(d);
    size_t hidden = (size_t)cfg->teacher_hidden, dim = (size_t)cfg->dim;
    double *first_layer = malloc(hidden * dim * sizeof *first_layer);
    double *bias1 = malloc(hidden * sizeof *bias1), *weights2 = malloc(hidden * sizeof *weights2);
    ds->teacher_first_layer = malloc(hidden * dim * sizeof *ds->teacher_first_layer);
    dlx_rng truth_rng, train_rng, test_rng, spare_rng;
    rng_seed(&truth_rng, cfg->seed, SYNTHETIC_STREAM_TRUTH);
    rng_seed(&train_rng, cfg->seed, SYNTHETIC_STREAM_TRAIN);
    rng_seed(&test_rng, cfg->seed, SYNTHETIC_STREAM_TEST);
    rng_seed(&spare_rng, cfg->seed, SYNTHETIC_STREAM_SPARE);
    st = first_layer && bias1 && weights2 && ds->teacher_first_layer ? DLX_OK : DLX_ERR_RUNTIME;
    if (st == DLX_OK)
        st = split_alloc(&ds->train, (int)cfg->n_train, cfg->dim, 1, source_file, d);
    if (st == DLX_OK)
        st = split_alloc(&ds->test, (int)cfg->n_test, cfg->dim, 1, source_file, d);
    if (st == DLX_OK)
        st = split_alloc(&ds->spare, 1, cfg->dim, 1, source_file, d);
    if (st == DLX_OK)
        st = teacher_regression_truth(cfg, &truth_rng, first_layer, bias1, weights2);
    if (st == DLX_OK) {
        teacher_regression_split(&ds->train, cfg, first_layer, bias1, weights2, &train_rng);
        teacher_regression_split(&ds->test, cfg, first_layer, bias1, weights2, &test_rng);
        teacher_regression_split(&ds->spare, cfg, first_layer, bias1, weights2, &spare_rng);
        for (size_t i = 0; i < hidden * dim; i++)
            ds->teacher_first_layer[i] = (real)first_layer[i];
        ds->teacher_units = cfg->teacher_hidden;
    } else if (diags_total(d) == reported) {
        diags_add(d, source_file, 0, 0, "out of memory (or a LAPACK failure) generating teacher_regression data");
    }
    free(first_layer);
    free(bias1);
    free(weights2);
    if (st != DLX_OK)
        dataset_free(ds);
    return st;
}
