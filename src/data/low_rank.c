/*
 * low_rank.c — see low_rank.h. A·Bᵀ is one gemm_f64 in double, then the
 * noise is added entry by entry in row-major order.
 */
#include "data/low_rank.h"

#include <math.h>
#include <stdlib.h>

#include "data/matrix_entries.h"
#include "data/synthetic.h"
#include "util/gemm.h"
#include "util/rng.h"

enum { MAX_MATRIX_ENTRIES = 100000000 };

/* The parameters' ranges, every problem reported. */
static dlx_status check_low_rank(const dlx_data_config *cfg, const char *file, dlx_diags *d)
{
    dlx_status st = DLX_OK;
    if (cfg->rows < 1 || cfg->cols < 1) {
        diags_add(d, file, 0, 0, "data.rows and data.cols must be at least 1 for kind low_rank");
        st = DLX_ERR_INPUT;
    } else if ((double)cfg->rows * cfg->cols > MAX_MATRIX_ENTRIES) {
        diags_add(d, file, 0, 0, "a %d x %d matrix has more than %d entries", cfg->rows, cfg->cols,
                  MAX_MATRIX_ENTRIES);
        st = DLX_ERR_INPUT;
    }
    int smaller = cfg->rows < cfg->cols ? cfg->rows : cfg->cols;
    if (cfg->rank < 1 || (st == DLX_OK && cfg->rank > smaller)) {
        diags_add(d, file, 0, 0, "data.rank must be between 1 and min(rows, cols) = %d, not %d",
                  smaller, cfg->rank);
        st = DLX_ERR_INPUT;
    }
    if (!(cfg->noise >= 0 && isfinite(cfg->noise))) {
        diags_add(d, file, 0, 0, "data.noise must be a finite number >= 0");
        st = DLX_ERR_INPUT;
    }
    if (!(cfg->observed > 0 && cfg->observed <= 1)) {
        diags_add(d, file, 0, 0, "data.observed must be in (0, 1], the fraction of observed entries");
        st = DLX_ERR_INPUT;
    }
    return st;
}

dlx_status low_rank_generate(dlx_dataset *ds, const dlx_data_config *cfg, const char *source_file,
                             dlx_diags *d)
{
    *ds = (dlx_dataset){0};
    dlx_status st = check_low_rank(cfg, source_file, d);
    if (st != DLX_OK)
        return st;
    int m = cfg->rows, n = cfg->cols, k = cfg->rank;
    double *a = malloc((size_t)m * k * sizeof *a), *b = malloc((size_t)n * k * sizeof *b);
    double *y = malloc((size_t)m * n * sizeof *y);
    if (!a || !b || !y) {
        free(a), free(b), free(y);
        diags_add(d, source_file, 0, 0, "out of memory generating a %d x %d matrix", m, n);
        return DLX_ERR_RUNTIME;
    }
    dlx_rng truth, noise;
    rng_seed(&truth, cfg->seed, SYNTHETIC_STREAM_TRUTH);
    rng_seed(&noise, cfg->seed, SYNTHETIC_STREAM_TRAIN);
    for (size_t i = 0; i < (size_t)m * k; i++)
        a[i] = rng_normal(&truth);
    for (size_t i = 0; i < (size_t)n * k; i++)
        b[i] = rng_normal(&truth);
    gemm_f64(false, true, m, n, k, 1.0, a, k, b, k, 0.0, y, n);
    for (size_t i = 0; i < (size_t)m * n; i++)
        y[i] += cfg->noise * rng_normal(&noise);
    st = entries_from_dense(ds, y, m, n, cfg->observed, cfg->seed, source_file, d);
    free(a);
    free(b);
    free(y);
    return st;
}
