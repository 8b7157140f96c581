/*
 * shifted_regression.c — see shifted_regression.h. Each split draws, per
 * example, x then ε from its own stream of data.seed, so the training split
 * does not depend on n_test nor the test split on n_train.
 */
#include "data/shifted_regression.h"
#include "util/real.h"

#include <limits.h>
#include <math.h>

#include "data/split.h"
#include "data/synthetic.h"
#include "util/rng.h"

/* The regression function: −x + x³ (cubic) or 1 − 2x (linear). */
static double truth_at(dlx_shift_truth truth, double x)
{
    return truth == TRUTH_LINEAR ? 1.0 - 2.0 * x : -x + x * x * x;
}

/* n examples x ~ N(mean, std²), y = truth(x) + noise·ε into s. */
static void draw_split(dlx_split *s, double mean, double std, const dlx_data_config *cfg, dlx_rng *rng)
{
    for (int i = 0; i < s->n; i++) {
        double x = mean + std * rng_normal(rng);
        double eps = rng_normal(rng);
        s->x[i] = (real)x;
        s->targets[i] = (real)(truth_at(cfg->truth, x) + cfg->noise * eps);
    }
}

dlx_status shifted_regression_generate(dlx_dataset *ds, const dlx_data_config *cfg,
                                       const char *source_file, dlx_diags *d)
{
    *ds = (dlx_dataset){0};
    if (cfg->n_train < 1 || cfg->n_train > INT_MAX || cfg->n_test < 1 || cfg->n_test > INT_MAX) {
        diags_add(d, source_file, 0, 0, "synthetic data needs data.n_train and data.n_test between 1 "
                  "and %d, got %ld and %ld", INT_MAX, cfg->n_train, cfg->n_test);
        return DLX_ERR_INPUT;
    }
    if (!(cfg->train_std > 0 && cfg->test_std > 0 && isfinite(cfg->train_mean) &&
          isfinite(cfg->test_mean) && cfg->noise >= 0 && isfinite(cfg->noise))) {
        diags_add(d, source_file, 0, 0, "shifted_regression needs finite means, std > 0 and noise >= 0");
        return DLX_ERR_INPUT;
    }
    dlx_status st = split_alloc(&ds->train, (int)cfg->n_train, 1, 1, source_file, d);
    if (st == DLX_OK)
        st = split_alloc(&ds->test, (int)cfg->n_test, 1, 1, source_file, d);
    if (st != DLX_OK) {
        split_free(&ds->train);
        return st;
    }
    dlx_rng train_rng, test_rng;
    rng_seed(&train_rng, cfg->seed, SYNTHETIC_STREAM_TRAIN);
    rng_seed(&test_rng, cfg->seed, SYNTHETIC_STREAM_TEST);
    draw_split(&ds->train, cfg->train_mean, cfg->train_std, cfg, &train_rng);
    draw_split(&ds->test, cfg->test_mean, cfg->test_std, cfg, &test_rng);
    ds->classes = 0;
    return DLX_OK;
}

double shifted_regression_log_ratio(const dlx_data_config *cfg, double x)
{
    double z1 = (x - cfg->test_mean) / cfg->test_std, z0 = (x - cfg->train_mean) / cfg->train_std;
    return -0.5 * z1 * z1 + 0.5 * z0 * z0 + log(cfg->train_std / cfg->test_std);
}
