/*
 * tensor_data.c — see tensor_data.h. The CP tensor is summed term by term
 * over every entry; the HT tensor is evaluated entry by entry up its tree,
 * each node holding r values (the φ^{l,j,·} at the entry's indices). The
 * tensors are small (at most 10⁷ entries, checked by the spec layer and again
 * here), so there is no product to hand to a GEMM.
 */
#include "data/tensor_data.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/split.h"
#include "data/synthetic.h"
#include "util/rng.h"

enum { MAX_TENSOR_ENTRIES = 10000000 };
#define MAX_GENERATION_WORK 2e9

long tensor_data_entries(const dlx_data_config *cfg)
{
    long n = 1;
    for (int i = 0; i < cfg->tensor_order; i++)
        n *= cfg->tensor_shape[i];
    return n;
}

dlx_status tensor_data_check_shape(int order, const int64_t *shape, bool tree, const char *tree_why,
                                   const char *what, const char *file, dlx_diags *d)
{
    if (order < 2 || order > DLX_MAX_TENSOR_ORDER || (tree && (order & (order - 1)))) {
        diags_add(d, file, 0, 0, "%s must have 2 to %d modes (2, 4, 8 or 16 %s), got %d", what,
                  DLX_MAX_TENSOR_ORDER, tree_why, order);
        return DLX_ERR_INPUT;
    }
    double entries = 1;
    for (int i = 0; i < order; i++) {
        if (shape[i] < 1) {
            diags_add(d, file, 0, 0, "%s: every mode size must be at least 1", what);
            return DLX_ERR_INPUT;
        }
        entries *= (double)shape[i];
    }
    if (entries > MAX_TENSOR_ENTRIES) {
        diags_add(d, file, 0, 0, "a tensor of %.0f entries is more than the limit of %d", entries,
                  MAX_TENSOR_ENTRIES);
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

/* The parameters' ranges, every problem reported. */
static dlx_status check_tensor(const dlx_data_config *cfg, const char *file, dlx_diags *d)
{
    int order = cfg->tensor_order;
    int64_t shape[DLX_MAX_TENSOR_ORDER] = {0};
    for (int i = 0; i < order && i < DLX_MAX_TENSOR_ORDER; i++)
        shape[i] = cfg->tensor_shape[i];
    dlx_status st = tensor_data_check_shape(order, shape, cfg->kind == SYN_HT_TENSOR, "for an ht_tensor",
                                            "data.shape", file, d);
    if (st != DLX_OK)
        return st;
    double entries = 1;
    for (int i = 0; i < order; i++)
        entries *= cfg->tensor_shape[i];
    if (cfg->rank < 1 || cfg->rank > 100000) {
        diags_add(d, file, 0, 0, "data.rank must be between 1 and 100000, not %d", cfg->rank);
        st = DLX_ERR_INPUT;
    } else if (cfg->kind == SYN_HT_TENSOR && cfg->rank > 256) {
        diags_add(d, file, 0, 0, "data.rank of an ht_tensor must be at most 256, not %d", cfg->rank);
        st = DLX_ERR_INPUT;
    } else {
        /* the multiply-adds of the generation: Z·N per entry (cp), (2N − 1)·r² (ht) */
        double work = cfg->kind == SYN_CP_TENSOR ? entries * cfg->rank * order
                                                 : entries * (2.0 * order - 1) * cfg->rank * cfg->rank;
        if (work > MAX_GENERATION_WORK) {
            diags_add(d, file, 0, 0, "a tensor of %.3g entries at data.rank %d takes %.3g multiply-adds to "
                      "generate, more than the limit of %.0e", entries, cfg->rank, work, MAX_GENERATION_WORK);
            st = DLX_ERR_INPUT;
        }
    }
    if (!(cfg->noise >= 0 && isfinite(cfg->noise))) {
        diags_add(d, file, 0, 0, "data.noise must be a finite number >= 0");
        st = DLX_ERR_INPUT;
    }
    return st;
}

/* Y = Σ_z ⊗_n a_{n,z}: factors [M_n × Z] row-major, one after the other. */
static void cp_values(const dlx_data_config *cfg, dlx_rng *rng, double *factors, double *y)
{
    int order = cfg->tensor_order, Z = cfg->rank;
    const double *a[DLX_MAX_TENSOR_ORDER];
    size_t off = 0;
    for (int n = 0; n < order; n++) {
        a[n] = factors + off;
        off += (size_t)cfg->tensor_shape[n] * Z;
    }
    for (size_t i = 0; i < off; i++)
        factors[i] = rng_normal(rng);
    long total = tensor_data_entries(cfg);
    int index[DLX_MAX_TENSOR_ORDER] = {0};
    for (long e = 0; e < total; e++) {
        double sum = 0.0;
        for (int z = 0; z < Z; z++) {
            double p = 1.0;
            for (int n = 0; n < order; n++)
                p *= a[n][(size_t)index[n] * Z + z];
            sum += p;
        }
        y[e] = sum;
        for (int n = order - 1; n >= 0; n--) {
            if (++index[n] < cfg->tensor_shape[n])
                break;
            index[n] = 0;
        }
    }
}

/* Cohen et al.'s tree, entry by entry: leaves a^{0,j} [M_j × r] (row i gives
   the r values a^{0,j,α}_i), then level by level the weights of each node,
   [r_out × r] with r_out = r below the root and 1 at it. */
static void ht_values(const dlx_data_config *cfg, dlx_rng *rng, double *weights, double *node, double *y)
{
    int order = cfg->tensor_order, r = cfg->rank;
    size_t off = 0;
    const double *leaf[DLX_MAX_TENSOR_ORDER];
    for (int n = 0; n < order; n++) {
        leaf[n] = weights + off;
        off += (size_t)cfg->tensor_shape[n] * r;
    }
    const double *inner = weights + off;   /* the nodes of levels 1..L in order */
    size_t n_inner = 0;
    for (int width = order / 2; width >= 1; width /= 2)
        n_inner += (size_t)width * (width == 1 ? 1 : r) * r;
    for (size_t i = 0; i < off + n_inner; i++)
        weights[i] = rng_normal(rng);
    long total = tensor_data_entries(cfg);
    int index[DLX_MAX_TENSOR_ORDER] = {0};
    for (long e = 0; e < total; e++) {
        for (int n = 0; n < order; n++)
            memcpy(node + (size_t)n * r, leaf[n] + (size_t)index[n] * r, (size_t)r * sizeof *node);
        const double *w = inner;
        for (int width = order / 2; width >= 1; width /= 2) {
            int r_out = width == 1 ? 1 : r;
            for (int j = 0; j < width; j++) {   /* node j from children 2j, 2j+1 (in place: j <= 2j) */
                double out[256];
                const double *left = node + (size_t)(2 * j) * r, *right = left + r;
                for (int g = 0; g < r_out; g++) {
                    double v = 0.0;
                    for (int a = 0; a < r; a++)
                        v += w[(size_t)g * r + a] * left[a] * right[a];
                    out[g] = v;
                }
                memcpy(node + (size_t)j * r, out, (size_t)r_out * sizeof *node);
                w += (size_t)r_out * r;
            }
        }
        y[e] = node[0];
        for (int n = order - 1; n >= 0; n--) {
            if (++index[n] < cfg->tensor_shape[n])
                break;
            index[n] = 0;
        }
    }
}

/* The weights of the truth: CP Σ_n M_n·Z; HT Σ_n M_n·r plus the inner nodes. */
static size_t truth_size(const dlx_data_config *cfg)
{
    size_t n = 0;
    for (int i = 0; i < cfg->tensor_order; i++)
        n += (size_t)cfg->tensor_shape[i] * (size_t)cfg->rank;
    if (cfg->kind == SYN_HT_TENSOR)
        for (int width = cfg->tensor_order / 2; width >= 1; width /= 2)
            n += (size_t)width * (size_t)(width == 1 ? 1 : cfg->rank) * (size_t)cfg->rank;
    return n;
}

dlx_status tensor_data_values(const dlx_data_config *cfg, double *values, const char *source_file,
                              dlx_diags *d)
{
    dlx_status st = check_tensor(cfg, source_file, d);
    if (st != DLX_OK)
        return st;
    double *weights = malloc(truth_size(cfg) * sizeof *weights);
    double *node = malloc((size_t)cfg->tensor_order * (size_t)cfg->rank * sizeof *node);
    if (!weights || !node) {
        free(weights);
        free(node);
        diags_add(d, source_file, 0, 0, "out of memory generating a tensor");
        return DLX_ERR_RUNTIME;
    }
    dlx_rng truth;
    rng_seed(&truth, cfg->seed, SYNTHETIC_STREAM_TRUTH);
    if (cfg->kind == SYN_CP_TENSOR)
        cp_values(cfg, &truth, weights, values);
    else
        ht_values(cfg, &truth, weights, node, values);
    free(weights);
    free(node);
    long total = tensor_data_entries(cfg);
    double sq = 0.0;
    for (long e = 0; e < total; e++)
        sq += values[e] * values[e];
    double scale = sq > 0 ? sqrt((double)total / sq) : 1.0;   /* mean square entry 1 */
    for (long e = 0; e < total; e++)
        values[e] *= scale;
    return DLX_OK;
}

dlx_status tensor_data_fill(dlx_dataset *ds, int order, const int *shape, const double *values, double noise,
                            uint64_t seed, const char *source_file, dlx_diags *d)
{
    *ds = (dlx_dataset){0};
    long total = 1;
    for (int n = 0; n < order; n++)
        total *= shape[n];
    dlx_status st = split_alloc(&ds->train, (int)total, order, 1, source_file, d);
    if (st == DLX_OK)
        st = split_alloc(&ds->test, (int)total, order, 1, source_file, d);
    if (st != DLX_OK) {
        split_free(&ds->train);
        split_free(&ds->test);
        return st;
    }
    dlx_rng noise_rng;
    rng_seed(&noise_rng, seed, SYNTHETIC_STREAM_TRAIN);
    int index[DLX_MAX_TENSOR_ORDER] = {0};
    for (long e = 0; e < total; e++) {
        real value = (real)(values[e] + noise * rng_normal(&noise_rng));
        for (int n = 0; n < order; n++)
            ds->train.x[(size_t)e * order + n] = ds->test.x[(size_t)e * order + n] = (real)index[n];
        ds->train.targets[e] = ds->test.targets[e] = value;
        for (int n = order - 1; n >= 0; n--) {
            if (++index[n] < shape[n])
                break;
            index[n] = 0;
        }
    }
    ds->tensor_order = order;
    memcpy(ds->tensor_shape, shape, (size_t)order * sizeof *shape);
    return DLX_OK;
}

dlx_status tensor_data_generate(dlx_dataset *ds, const dlx_data_config *cfg, const char *source_file,
                                dlx_diags *d)
{
    *ds = (dlx_dataset){0};
    dlx_status st = check_tensor(cfg, source_file, d);
    if (st != DLX_OK)
        return st;
    long total = tensor_data_entries(cfg);
    double *y = malloc((size_t)total * sizeof *y);
    if (!y) {
        diags_add(d, source_file, 0, 0, "out of memory generating a tensor of %ld entries", total);
        return DLX_ERR_RUNTIME;
    }
    st = tensor_data_values(cfg, y, source_file, d);
    if (st == DLX_OK)
        st = tensor_data_fill(ds, cfg->tensor_order, cfg->tensor_shape, y, cfg->noise, cfg->seed, source_file, d);
    free(y);
    return st;
}
