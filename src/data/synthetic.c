/*
 * synthetic.c — the generators of synthetic.h.
 *
 * Each kind is a pair: a *_truth function draws the ground truth from the
 * truth stream, a *_split function draws one split's examples from that
 * split's stream. Products with the ground truth go through the GEMM seam (on
 * OpenBLAS whatever --gemm chooses, so every backend sees the same data) on
 * blocks of rows, with small explicit buffers.
 */
#include "data/synthetic.h"
#include "util/real.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/gemm.h"
#include "util/linalg.h"
#include "data/low_rank.h"
#include "data/shifted_regression.h"
#include "data/split.h"
#include "data/tensor_data.h"
#include "data/teacher_regression.h"
#include "spec/schema.h"
#include "util/rng.h"

enum { BLOCK_ROWS = 256, TEACHER_CALIBRATION = 20000, TEACHER_BALANCE_STEPS = 200 };

/* The ground truth shared by both splits; which arrays are set depends on
   the kind. */
typedef struct {
    real *means;    /* gaussian_mixture: [classes, dim] */
    real *mixing;   /* linear: A = diag(√λ)·Qᵀ [dim, dim], so x = z·A */
    real *weights;  /* linear, logistic: w* [dim]; teacher: W1 [hidden, dim] */
    real *weights2; /* teacher: W2 [classes, hidden] */
    real *bias2;    /* teacher: b2 [classes] */
} ground_truth;

/* Free the arrays of the ground truth and zero it. */
static void truth_free(ground_truth *t)
{
    free(t->means);
    free(t->mixing);
    free(t->weights);
    free(t->weights2);
    free(t->bias2);
    *t = (ground_truth){0};
}

/* x[i] ~ N(0, std²) for i < count. */
static void fill_normal(real *x, size_t count, double std, dlx_rng *rng)
{
    for (size_t i = 0; i < count; i++)
        x[i] = (real)(std * rng_normal(rng));
}

/* malloc of count floats (at least one, so that NULL always means failure). */
static real *alloc_floats(size_t count) { return malloc((count ? count : 1) * sizeof(real)); }

/* The YAML name of a kind, for messages. */
static const char *kind_name(dlx_synthetic_kind kind)
{
    return spec_enum_name(&SPEC_SYNTHETIC_KINDS, (int)kind);
}

/* Check the parameters the kind uses; every problem is reported. */
static dlx_status check_parameters(const dlx_data_config *cfg, const char *file, dlx_diags *d)
{
    dlx_status st = DLX_OK;
    const char *kind = kind_name(cfg->kind);
    if (cfg->kind != SYN_GAUSSIAN_MIXTURE && cfg->kind != SYN_LINEAR &&
        cfg->kind != SYN_LOGISTIC && cfg->kind != SYN_TEACHER) {
        diags_add(d, file, 0, 0, "unknown synthetic data.kind (%d)", (int)cfg->kind);
        return DLX_ERR_INPUT;
    }
    if (cfg->n_train < 1 || cfg->n_train > INT_MAX || cfg->n_test < 1 || cfg->n_test > INT_MAX) {
        diags_add(d, file, 0, 0,
                  "synthetic data needs data.n_train and data.n_test between 1 and %d, "
                  "got %ld and %ld",
                  INT_MAX, cfg->n_train, cfg->n_test);
        st = DLX_ERR_INPUT;
    }
    if (cfg->dim < 1) {
        diags_add(d, file, 0, 0, "data.dim must be at least 1, got %d", cfg->dim);
        st = DLX_ERR_INPUT;
    }
    if (st != DLX_OK)
        return st;
    long n_max = cfg->n_train > cfg->n_test ? cfg->n_train : cfg->n_test;
    if ((st = split_check_size((size_t)n_max, (size_t)cfg->dim, "examples", file, d)))
        return st;
    int label_kind = cfg->kind != SYN_LINEAR;
    if (!(cfg->noise >= 0 && (label_kind ? cfg->noise <= 1 : isfinite(cfg->noise)))) {
        diags_add(d, file, 0, 0, "data.noise of synthetic kind %s must be %s, got %g", kind,
                  label_kind ? "a probability in [0, 1]" : "finite and >= 0", cfg->noise);
        st = DLX_ERR_INPUT;
    }
    if ((cfg->kind == SYN_GAUSSIAN_MIXTURE || cfg->kind == SYN_TEACHER) && cfg->classes < 2) {
        diags_add(d, file, 0, 0, "data.classes of synthetic kind %s must be at least 2, got %d",
                  kind, cfg->classes);
        st = DLX_ERR_INPUT;
    }
    if (cfg->kind == SYN_GAUSSIAN_MIXTURE && !(cfg->separation >= 0 && isfinite(cfg->separation))) {
        diags_add(d, file, 0, 0, "data.separation must be finite and >= 0, got %g",
                  cfg->separation);
        st = DLX_ERR_INPUT;
    }
    if (cfg->kind == SYN_LINEAR) {
        if (!(cfg->condition >= 1 && isfinite(cfg->condition))) {
            diags_add(d, file, 0, 0, "data.condition must be finite and >= 1, got %g",
                      cfg->condition);
            st = DLX_ERR_INPUT;
        }
        if (split_check_size((size_t)cfg->dim, (size_t)cfg->dim, "rows of the rotation", file,
                             d) != DLX_OK)
            st = DLX_ERR_INPUT;
        if (cfg->exact_covariance && (cfg->n_train <= cfg->dim || cfg->n_test <= cfg->dim)) {
            diags_add(d, file, 0, 0,
                      "data.exact_covariance needs more examples than data.dim (%d) in each "
                      "split, got n_train %ld and n_test %ld",
                      cfg->dim, cfg->n_train, cfg->n_test);
            st = DLX_ERR_INPUT;
        }
    }
    if (cfg->kind == SYN_TEACHER) {
        if (cfg->teacher_hidden < 1) {
            diags_add(d, file, 0, 0, "data.teacher_hidden must be at least 1, got %d",
                      cfg->teacher_hidden);
            st = DLX_ERR_INPUT;
        } else if (split_check_size((size_t)cfg->teacher_hidden, (size_t)cfg->dim,
                                    "teacher units", file, d) != DLX_OK) {
            st = DLX_ERR_INPUT;
        }
    }
    return st;
}

/* ---- gaussian_mixture ---------------------------------------------------- */

/* Class means μ_k ~ N(0, (s²/(2·dim))·I), k < classes, s = separation: then
   E‖μ_j − μ_k‖² = 2·dim·s²/(2·dim) = s², so the means lie about
   `separation` apart in units of the unit noise std. */
static dlx_status gaussian_mixture_truth(ground_truth *t, const dlx_data_config *cfg,
                                         dlx_rng *rng)
{
    size_t count = (size_t)cfg->classes * (size_t)cfg->dim;
    t->means = alloc_floats(count);
    if (!t->means)
        return DLX_ERR_RUNTIME;
    fill_normal(t->means, count, cfg->separation / sqrt(2.0 * cfg->dim), rng);
    return DLX_OK;
}

/* y ~ Uniform{0..classes−1}, x = μ_y + N(0, I); then with probability
   `noise` y is replaced by a uniformly random class (possibly itself). */
static void gaussian_mixture_split(dlx_split *s, const ground_truth *t,
                                   const dlx_data_config *cfg, dlx_rng *rng)
{
    size_t dim = (size_t)s->dim;
    for (int i = 0; i < s->n; i++) {
        int y = (int)rng_below(rng, (uint64_t)cfg->classes);
        real *x = s->x + (size_t)i * dim;
        const real *mu = t->means + (size_t)y * dim;
        for (size_t j = 0; j < dim; j++)
            x[j] = mu[j] + (real)rng_normal(rng);
        double u = rng_uniform(rng);
        int replacement = (int)rng_below(rng, (uint64_t)cfg->classes);
        s->labels[i] = u < cfg->noise ? replacement : y;
    }
}

/* A k-sparse truth (k = data.sparsity > 0): k coordinates chosen uniformly
   without replacement (partial Fisher–Yates) get w*_j = ±(1 + |g_j|)·a/√k,
   g_j ~ N(0, 1), random sign, a the kind's amplitude; every other w*_j = 0.
   The magnitudes are at least a/√k, so the support is identifiable (the
   "beta-min" condition of Hastie, Tibshirani & Wainwright 2015, §11.4). */
static dlx_status sparsify(real *w, int dim, int k, double amplitude, dlx_rng *rng)
{
    if (k <= 0)
        return DLX_OK;
    int *index = malloc((size_t)dim * sizeof *index);
    if (!index)
        return DLX_ERR_RUNTIME;
    for (int j = 0; j < dim; j++) {
        index[j] = j;
        w[j] = REAL_C(0.0);
    }
    for (int s = 0; s < k; s++) {
        int pick = s + (int)rng_below(rng, (uint64_t)(dim - s));
        int j = index[pick];
        index[pick] = index[s];
        index[s] = j;
        double sign = rng_uniform(rng) < 0.5 ? -1.0 : 1.0;
        w[j] = (real)(sign * (1.0 + fabs(rng_normal(rng))) * amplitude / sqrt((double)k));
    }
    free(index);
    return DLX_OK;
}

/* ---- linear -------------------------------------------------------------- */

/* Design covariance Σ = Q·diag(λ)·Qᵀ with Q Haar-orthogonal and
   λ_i = condition^(−i/(dim−1)), i = 0..dim−1: geometrically spaced from 1
   down to 1/condition, so cond(Σ) = condition exactly. Stored as the mixing
   matrix A = diag(√λ)·Qᵀ (x = z·A with z ~ N(0, I) has covariance
   Aᵀ·A = Σ). True weights w* ~ N(0, I/dim), so Var(x·w*) ≈ tr(Σ)/dim.
   With data.rotate false, Q = I (an axis-aligned design, Σ = diag(λ)); Q is
   still drawn, so w* is the same draw as with a rotation. */
static dlx_status linear_truth(ground_truth *t, const dlx_data_config *cfg, dlx_rng *rng)
{
    int dim = cfg->dim;
    size_t width = (size_t)dim;
    double *q = malloc(width * width * sizeof *q);
    t->mixing = alloc_floats(width * width);
    t->weights = alloc_floats(width);
    dlx_status st = q && t->mixing && t->weights ? random_orthogonal(q, dim, rng) : DLX_ERR_RUNTIME;
    if (st == DLX_OK && !cfg->rotate)
        for (size_t i = 0; i < width * width; i++)
            q[i] = i % (width + 1) == 0 ? 1.0 : 0.0;
    if (st == DLX_OK) {
        for (size_t i = 0; i < width; i++) {
            double lambda = dim > 1 ? pow(cfg->condition, -(double)i / (dim - 1)) : 1.0;
            /* A[i][j] = √λ_i·Q(j, i); q is column-major: Q(j, i) = q[i·dim + j]. */
            for (size_t j = 0; j < width; j++)
                t->mixing[i * width + j] = (real)(sqrt(lambda) * q[i * width + j]);
        }
        fill_normal(t->weights, width, 1.0 / sqrt((double)dim), rng);
        st = sparsify(t->weights, dim, cfg->sparsity, 1.0, rng);
    }
    free(q);
    return st;
}

/* Make the rows of z [n, dim] have sample mean 0 and population covariance
   (1/n)·zᵀz = I, up to float rounding: z ← (z − z̄)·V·Λ^(−1/2)·Vᵀ with
   C = VΛVᵀ the sample covariance (ZCA whitening, in double). Needs n > dim
   (checked with the parameters); a singular sample is a runtime error. */
static dlx_status whiten_sample(real *z, int n, int dim)
{
    size_t width = (size_t)dim;
    double *mean = malloc(width * sizeof *mean), *cov = malloc(width * width * sizeof *cov);
    double *lambda = malloc(width * sizeof *lambda), *map = malloc(width * width * sizeof *map);
    double *row = malloc(width * sizeof *row);
    dlx_status st = mean && cov && lambda && map && row ? mean_covariance(mean, cov, z, n, dim)
                                                         : DLX_ERR_RUNTIME;
    if (st == DLX_OK)
        st = symmetric_eigen(cov, lambda, dim);
    if (st == DLX_OK && !(lambda[0] > 0))
        st = DLX_ERR_RUNTIME;
    if (st == DLX_OK) {
        /* map[j][k] = Σ_e v_e[j]·v_e[k]/√λ_e (row e of cov is eigenvector e). */
        for (size_t j = 0; j < width; j++)
            for (size_t k = 0; k < width; k++) {
                double s = 0.0;
                for (size_t e = 0; e < width; e++)
                    s += cov[e * width + j] * cov[e * width + k] / sqrt(lambda[e]);
                map[j * width + k] = s;
            }
        for (int i = 0; i < n; i++) {
            real *x = z + (size_t)i * width;
            for (size_t k = 0; k < width; k++) {
                double s = 0.0;
                for (size_t j = 0; j < width; j++)
                    s += (x[j] - mean[j]) * map[j * width + k];
                row[k] = s;
            }
            for (size_t k = 0; k < width; k++)
                x[k] = (real)row[k];
        }
    }
    free(mean);
    free(cov);
    free(lambda);
    free(map);
    free(row);
    return st;
}

/* x = z·A with z ~ N(0, I) (so x ~ N(0, Σ)); y = x·w* + noise·ε with
   ε ~ N(0, 1). Each example draws its dim values of z, then its ε. With
   data.exact_covariance the split's z is whitened first (whiten_sample), so
   its inputs have sample mean 0 and (1/n)·XᵀX = Σ exactly (up to float
   rounding): with data.rotate false the training mse is then a separable
   quadratic, Σ_j λ_j·(w_j − w*_j)² + (b − ȳ)² + const. */
static dlx_status linear_split(dlx_split *s, const ground_truth *t, const dlx_data_config *cfg,
                               dlx_rng *rng)
{
    size_t dim = (size_t)s->dim;
    for (int i = 0; i < s->n; i++) {
        fill_normal(s->x + (size_t)i * dim, dim, 1.0, rng);
        s->targets[i] = (real)(cfg->noise * rng_normal(rng));
    }
    if (cfg->exact_covariance) {
        dlx_status st = whiten_sample(s->x, s->n, s->dim);
        if (st != DLX_OK)
            return st;
    }
    real *z = alloc_floats(BLOCK_ROWS * dim);
    if (!z)
        return DLX_ERR_RUNTIME;
    for (int i0 = 0; i0 < s->n; i0 += BLOCK_ROWS) {
        int rows = s->n - i0 < BLOCK_ROWS ? s->n - i0 : BLOCK_ROWS;
        real *x = s->x + (size_t)i0 * dim;
        memcpy(z, x, (size_t)rows * dim * sizeof *z);
        gemm_real_on(GEMM_OPENBLAS, false, false, rows, s->dim, s->dim, REAL_C(1.0), z, s->dim, t->mixing,
                    s->dim, REAL_C(0.0), x, s->dim);
    }
    free(z);
    /* targets (noise·ε so far) += X·w*. */
    gemm_real_on(GEMM_OPENBLAS, false, false, s->n, 1, s->dim, REAL_C(1.0), s->x, s->dim, t->weights, 1,
                REAL_C(1.0), s->targets, 1);
    return DLX_OK;
}

/* ---- logistic ------------------------------------------------------------ */

/* The std of feature j of logistic data: s_j = r^(−j/(dim−1)), r =
   data.scale_ratio, from 1 down to 1/r (all 1 when r ≤ 1: the spec layer
   requires r ≥ 1, and a zeroed config means equal scales). */
static double feature_scale(const dlx_data_config *cfg, int j)
{
    double r = cfg->scale_ratio > 1.0 ? cfg->scale_ratio : 1.0;
    return cfg->dim > 1 && r > 1.0 ? pow(r, -(double)j / (cfg->dim - 1)) : 1.0;
}

/* Coefficients γ ~ N(0, (4/dim)·I) (k-sparse with amplitude 2 when
   data.sparsity = k), and w*_j = γ_j / s_j: the logit x·w* = Σ_j z_j·γ_j
   (x_j = s_j·z_j) then has variance about 4 whatever the feature scales, so
   labels are mostly but not entirely predictable, and a small-scale feature
   is as discriminative as a large one. */
static dlx_status logistic_truth(ground_truth *t, const dlx_data_config *cfg, dlx_rng *rng)
{
    t->weights = alloc_floats((size_t)cfg->dim);
    if (!t->weights)
        return DLX_ERR_RUNTIME;
    fill_normal(t->weights, (size_t)cfg->dim, 2.0 / sqrt((double)cfg->dim), rng);
    dlx_status st = sparsify(t->weights, cfg->dim, cfg->sparsity, 2.0, rng);
    for (int j = 0; j < cfg->dim; j++)
        t->weights[j] = (real)(t->weights[j] / feature_scale(cfg, j));
    return st;
}

/* x_j = s_j·z_j with z ~ N(0, I); y ~ Bernoulli(σ(x·w*)) with
   σ(z) = 1/(1 + e^(−z)); then with probability `noise` the label is flipped
   (y ← 1 − y). The inputs of all examples are drawn first, then two uniforms
   per example. */
static dlx_status logistic_split(dlx_split *s, const ground_truth *t, const dlx_data_config *cfg,
                                 dlx_rng *rng)
{
    fill_normal(s->x, (size_t)s->n * (size_t)s->dim, 1.0, rng);
    if (cfg->scale_ratio > 1.0)
        for (size_t i = 0; i < (size_t)s->n; i++)
            for (int j = 0; j < s->dim; j++)
                s->x[i * (size_t)s->dim + (size_t)j] *= (real)feature_scale(cfg, j);
    real *logit = alloc_floats((size_t)s->n);
    if (!logit)
        return DLX_ERR_RUNTIME;
    gemm_real_on(GEMM_OPENBLAS, false, false, s->n, 1, s->dim, REAL_C(1.0), s->x, s->dim, t->weights, 1,
                REAL_C(0.0), logit, 1);
    for (int i = 0; i < s->n; i++) {
        double p = 1.0 / (1.0 + exp(-(double)logit[i]));
        double u = rng_uniform(rng), flip = rng_uniform(rng);
        int y = u < p;
        s->labels[i] = flip < cfg->noise ? 1 - y : y;
    }
    free(logit);
    return DLX_OK;
}

/* ---- teacher ------------------------------------------------------------- */

/* z = W2·tanh(W1·x) + b2 for a block of `rows` inputs x [rows, dim]; h is a
   [rows, hidden] buffer, z [rows, classes]. */
static void teacher_scores(real *z, real *h, const real *x, int rows, const ground_truth *t,
                           const dlx_data_config *cfg)
{
    int hidden = cfg->teacher_hidden, classes = cfg->classes;
    gemm_real_on(GEMM_OPENBLAS, false, true, rows, hidden, cfg->dim, REAL_C(1.0), x, cfg->dim, t->weights,
                cfg->dim, REAL_C(0.0), h, hidden);
    for (size_t k = 0; k < (size_t)rows * (size_t)hidden; k++)
        h[k] = rtanh(h[k]);
    for (int r = 0; r < rows; r++)
        memcpy(z + (size_t)r * (size_t)classes, t->bias2, (size_t)classes * sizeof *z);
    gemm_real_on(GEMM_OPENBLAS, false, true, rows, classes, hidden, REAL_C(1.0), h, hidden, t->weights2,
                hidden, REAL_C(1.0), z, classes);
}

/* argmax_k (z[k] + shift[k]) over k < classes (shift may be NULL). */
static int argmax(const real *z, const double *shift, int classes)
{
    int best = 0;
    double best_value = z[0] + (shift ? shift[0] : 0);
    for (int k = 1; k < classes; k++) {
        double v = z[k] + (shift ? shift[k] : 0);
        if (v > best_value) {
            best = k;
            best_value = v;
        }
    }
    return best;
}

/* Balance the classes: choose b2 so that argmax_k (z_k + b2_k) is equally
   frequent for every k on a calibration sample of TEACHER_CALIBRATION inputs
   (z = the bias-free scores). b2 minimizes the convex function
   g(b) = mean_i max_k (z_ik + b_k) − mean_k b_k, whose subgradient is
   (frequency of k) − 1/classes: the dual of the semi-discrete optimal
   transport onto the uniform distribution (Peyré & Cuturi 2019,
   "Computational Optimal Transport", §5.2). Subgradient descent with step
   η_t = s/√(t+1), s the rms score; keeps the most balanced b seen. */
static void teacher_balance(ground_truth *t, const real *z, int m, int classes)
{
    double *b = calloc((size_t)classes, sizeof *b);
    int *counts = calloc((size_t)classes, sizeof *counts);
    if (!b || !counts) {
        free(b);
        free(counts);
        return; /* b2 stays 0: unbalanced but valid */
    }
    double rms = 0;
    for (size_t k = 0; k < (size_t)m * (size_t)classes; k++)
        rms += (double)z[k] * z[k];
    rms = sqrt(rms / ((double)m * classes));
    double best_deviation = 2;
    for (int iteration = 0; iteration < TEACHER_BALANCE_STEPS; iteration++) {
        memset(counts, 0, (size_t)classes * sizeof *counts);
        for (int i = 0; i < m; i++)
            counts[argmax(z + (size_t)i * (size_t)classes, b, classes)]++;
        double deviation = 0;
        for (int k = 0; k < classes; k++) {
            double dk = fabs((double)counts[k] / m - 1.0 / classes);
            deviation = dk > deviation ? dk : deviation;
        }
        if (deviation < best_deviation) {
            best_deviation = deviation;
            for (int k = 0; k < classes; k++)
                t->bias2[k] = (real)b[k];
        }
        double step = rms / sqrt(iteration + 1.0);
        for (int k = 0; k < classes; k++)
            b[k] -= step * ((double)counts[k] / m - 1.0 / classes) * classes;
    }
    free(b);
    free(counts);
}

/* A random teacher network dim → hidden (tanh) → classes:
   W1 [hidden, dim] ~ N(0, 1/dim), W2 [classes, hidden] ~ N(0, 1/hidden)
   (variance 1/fan_in, so pre-activations have about unit variance), no
   hidden bias, and the output bias b2 of teacher_balance. */
static dlx_status teacher_truth(ground_truth *t, const dlx_data_config *cfg, dlx_rng *rng)
{
    size_t hidden = (size_t)cfg->teacher_hidden, classes = (size_t)cfg->classes;
    size_t m = TEACHER_CALIBRATION;
    t->weights = alloc_floats(hidden * (size_t)cfg->dim);
    t->weights2 = alloc_floats(classes * hidden);
    t->bias2 = calloc(classes, sizeof *t->bias2);
    real *x = alloc_floats((size_t)BLOCK_ROWS * (size_t)cfg->dim);
    real *h = alloc_floats((size_t)BLOCK_ROWS * hidden);
    real *z = alloc_floats(m * classes);
    dlx_status st = t->weights && t->weights2 && t->bias2 && x && h && z ? DLX_OK
                                                                        : DLX_ERR_RUNTIME;
    if (st == DLX_OK) {
        fill_normal(t->weights, hidden * (size_t)cfg->dim, 1.0 / sqrt((double)cfg->dim), rng);
        fill_normal(t->weights2, classes * hidden, 1.0 / sqrt((double)hidden), rng);
        for (size_t i0 = 0; i0 < m; i0 += BLOCK_ROWS) {
            int rows = m - i0 < BLOCK_ROWS ? (int)(m - i0) : BLOCK_ROWS;
            fill_normal(x, (size_t)rows * (size_t)cfg->dim, 1.0, rng);
            teacher_scores(z + i0 * classes, h, x, rows, t, cfg);
        }
        teacher_balance(t, z, (int)m, cfg->classes);
    }
    free(x);
    free(h);
    free(z);
    return st;
}

/* x ~ N(0, I); y = argmax_k (W2·tanh(W1·x) + b2)_k; then with probability
   `noise` y is replaced by a uniformly random class. Inputs of all examples
   first, then two draws per example for the noise. */
static dlx_status teacher_split(dlx_split *s, const ground_truth *t, const dlx_data_config *cfg,
                                dlx_rng *rng)
{
    int classes = cfg->classes;
    fill_normal(s->x, (size_t)s->n * (size_t)s->dim, 1.0, rng);
    real *h = alloc_floats((size_t)BLOCK_ROWS * (size_t)cfg->teacher_hidden);
    real *z = alloc_floats((size_t)BLOCK_ROWS * (size_t)classes);
    if (!h || !z) {
        free(h);
        free(z);
        return DLX_ERR_RUNTIME;
    }
    for (int i0 = 0; i0 < s->n; i0 += BLOCK_ROWS) {
        int rows = s->n - i0 < BLOCK_ROWS ? s->n - i0 : BLOCK_ROWS;
        teacher_scores(z, h, s->x + (size_t)i0 * (size_t)s->dim, rows, t, cfg);
        for (int r = 0; r < rows; r++)
            s->labels[i0 + r] = argmax(z + (size_t)r * (size_t)classes, NULL, classes);
    }
    free(h);
    free(z);
    for (int i = 0; i < s->n; i++) {
        double u = rng_uniform(rng);
        int replacement = (int)rng_below(rng, (uint64_t)classes);
        if (u < cfg->noise)
            s->labels[i] = replacement;
    }
    return DLX_OK;
}

/* ---- dispatch ------------------------------------------------------------ */

/* gaussian_mixture_split cannot fail; the table wants a status. */
static dlx_status gaussian_mixture_split_ok(dlx_split *s, const ground_truth *t,
                                            const dlx_data_config *cfg, dlx_rng *rng)
{
    gaussian_mixture_split(s, t, cfg, rng);
    return DLX_OK;
}

/* The generators, indexed by dlx_synthetic_kind (names as SPEC_SYNTHETIC_KINDS):
   the ground truth shared by both splits, then one split drawn from it. A
   matrix (low_rank) is generated by low_rank.c as a whole instead, and a
   tensor (cp_tensor, ht_tensor) by tensor_data.c. */
typedef struct {
    dlx_status (*truth)(ground_truth *t, const dlx_data_config *cfg, dlx_rng *rng);
    dlx_status (*split)(dlx_split *s, const ground_truth *t, const dlx_data_config *cfg,
                        dlx_rng *rng);
} generator;

static const generator GENERATORS[] = {
    [SYN_GAUSSIAN_MIXTURE] = {gaussian_mixture_truth, gaussian_mixture_split_ok},
    [SYN_LINEAR] = {linear_truth, linear_split},
    [SYN_LOGISTIC] = {logistic_truth, logistic_split},
    [SYN_TEACHER] = {teacher_truth, teacher_split},
    [SYN_LOW_RANK] = {NULL, NULL},
    [SYN_SHIFTED_REGRESSION] = {NULL, NULL},   /* two densities: shifted_regression.c */
    [SYN_CP_TENSOR] = {NULL, NULL},
    [SYN_HT_TENSOR] = {NULL, NULL},
    [SYN_TEACHER_REGRESSION] = {NULL, NULL},   /* teacher_regression.c */
};
_Static_assert(sizeof GENERATORS / sizeof *GENERATORS == SYN_KIND_COUNT,
               "one generator per dlx_synthetic_kind");

/* The generator of cfg->kind, or NULL. */
static const generator *generator_of(const dlx_data_config *cfg)
{
    unsigned k = (unsigned)cfg->kind;
    return k < SYN_KIND_COUNT && GENERATORS[k].truth ? &GENERATORS[k] : NULL;
}

/* Draw the ground truth of cfg->kind. */
static dlx_status make_truth(ground_truth *t, const dlx_data_config *cfg, dlx_rng *rng)
{
    const generator *g = generator_of(cfg);
    return g ? g->truth(t, cfg, rng) : DLX_ERR_INPUT;
}

/* Draw one split of cfg->kind from the ground truth. */
static dlx_status make_split(dlx_split *s, const ground_truth *t, const dlx_data_config *cfg,
                             dlx_rng *rng)
{
    const generator *g = generator_of(cfg);
    return g ? g->split(s, t, cfg, rng) : DLX_ERR_INPUT;
}

/* Keep the first k of each example's inputs (data.features), in place: the
   model class of linear models on k of the generator's dim inputs, while
   the targets still depend on all of them (what the other inputs
   contribute becomes the class's approximation error). */
static void keep_first_features(dlx_split *s, int k)
{
    if (k <= 0 || k >= s->dim)
        return;
    for (int i = 0; i < s->n; i++)
        memmove(s->x + (size_t)i * (size_t)k, s->x + (size_t)i * (size_t)s->dim, (size_t)k * sizeof *s->x);
    s->dim = k;
}

dlx_status synthetic_generate(dlx_dataset *ds, const dlx_data_config *cfg,
                              const char *source_file, dlx_diags *d)
{
    if (cfg->kind == SYN_LOW_RANK)
        return low_rank_generate(ds, cfg, source_file, d);
    if (cfg->kind == SYN_SHIFTED_REGRESSION)
        return shifted_regression_generate(ds, cfg, source_file, d);
    if (cfg->kind == SYN_CP_TENSOR || cfg->kind == SYN_HT_TENSOR)
        return tensor_data_generate(ds, cfg, source_file, d);
    if (cfg->kind == SYN_TEACHER_REGRESSION)
        return teacher_regression_generate(ds, cfg, source_file, d);
    *ds = (dlx_dataset){0};
    dlx_status st = check_parameters(cfg, source_file, d);
    if (st != DLX_OK)
        return st;
    int regression = cfg->kind == SYN_LINEAR;
    ds->classes = regression ? 0 : cfg->kind == SYN_LOGISTIC ? 2 : cfg->classes;
    ground_truth truth = {0};
    dlx_rng truth_rng, train_rng, test_rng, spare_rng;
    rng_seed(&spare_rng, cfg->seed, SYNTHETIC_STREAM_SPARE);
    rng_seed(&truth_rng, cfg->seed, SYNTHETIC_STREAM_TRUTH);
    rng_seed(&train_rng, cfg->seed, SYNTHETIC_STREAM_TRAIN);
    rng_seed(&test_rng, cfg->seed, SYNTHETIC_STREAM_TEST);
    st = split_alloc(&ds->train, (int)cfg->n_train, cfg->dim, regression, source_file, d);
    if (st == DLX_OK)
        st = split_alloc(&ds->test, (int)cfg->n_test, cfg->dim, regression, source_file, d);
    if (st == DLX_OK)
        st = split_alloc(&ds->spare, 1, cfg->dim, regression, source_file, d);
    if (st == DLX_OK) {
        st = make_truth(&truth, cfg, &truth_rng);
        if (st == DLX_OK)
            st = make_split(&ds->train, &truth, cfg, &train_rng);
        if (st == DLX_OK)
            st = make_split(&ds->test, &truth, cfg, &test_rng);
        if (st == DLX_OK) { /* a fresh draw from its own stream: the other splits do not change */
            dlx_data_config one = *cfg;   /* one example has no sample covariance to make exact */
            one.exact_covariance = false;
            st = make_split(&ds->spare, &truth, &one, &spare_rng);
        }
        if (st == DLX_OK && cfg->kind == SYN_LINEAR) {
            keep_first_features(&ds->train, cfg->features);
            keep_first_features(&ds->test, cfg->features);
            keep_first_features(&ds->spare, cfg->features);
        }
        if (st == DLX_OK && (cfg->kind == SYN_LINEAR || cfg->kind == SYN_LOGISTIC)) {
            /* kept for support recovery (diag_sparsity.c) and the population
               risk of error_decomposition: [data.dim], all the inputs */
            ds->true_weights = truth.weights;
            truth.weights = NULL;
        }
        if (st != DLX_OK)
            diags_add(d, source_file, 0, 0,
                      "out of memory (or a LAPACK failure) generating synthetic %s data",
                      kind_name(cfg->kind));
    }
    truth_free(&truth);
    if (st != DLX_OK) {
        split_free(&ds->train);
        split_free(&ds->test);
        split_free(&ds->spare);
        ds->classes = 0;
        free(ds->true_weights);
        ds->true_weights = NULL;
    }
    return st;
}
