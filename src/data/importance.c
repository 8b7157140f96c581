/*
 * importance.c — importance weights (see importance.h).
 *
 * The classifier is fitted by Newton's method with backtracking in double
 * (the Hessian (2d+1)² is small: d ≤ DLX_IMPORTANCE_MAX_DIM), solved by a
 * Cholesky factorization written out here, since the data layer keeps to its
 * own and util's code. The ridge keeps the problem strictly convex, so two
 * splits that are separable (disjoint supports) still give finite weights.
 */
#include "data/importance.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/shifted_regression.h"

#define CLASSIFIER_RIDGE 1e-4
#define CLASSIFIER_TOL 1e-9
#define CLASSIFIER_MAX_STEPS 100

void importance_normalize(real *w, const double *lw, int n)
{
    double top = -INFINITY, sum = 0.0;
    for (int i = 0; i < n; i++)
        top = fmax(top, lw[i]);
    for (int i = 0; i < n; i++)
        sum += exp(lw[i] - top);
    for (int i = 0; i < n; i++)
        w[i] = (real)(exp(lw[i] - top) * n / sum);
}

/* log(1 + e^z) without overflow. */
static double softplus(double z) { return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)); }

/* Solve a·x = b in place (b ← x) for a symmetric positive definite a [m, m]
   (row-major, overwritten by its Cholesky factor). False when a is not
   positive definite. */
static bool cholesky_solve(double *a, double *b, int m)
{
    for (int j = 0; j < m; j++) {
        double s = a[(size_t)j * m + j];
        for (int k = 0; k < j; k++)
            s -= a[(size_t)j * m + k] * a[(size_t)j * m + k];
        if (!(s > 0))
            return false;
        double l = sqrt(s);
        a[(size_t)j * m + j] = l;
        for (int i = j + 1; i < m; i++) {
            double t = a[(size_t)i * m + j];
            for (int k = 0; k < j; k++)
                t -= a[(size_t)i * m + k] * a[(size_t)j * m + k];
            a[(size_t)i * m + j] = t / l;
        }
    }
    for (int i = 0; i < m; i++) { /* L y = b */
        for (int k = 0; k < i; k++)
            b[i] -= a[(size_t)i * m + k] * b[k];
        b[i] /= a[(size_t)i * m + i];
    }
    for (int i = m - 1; i >= 0; i--) { /* Lᵀ x = y */
        for (int k = i + 1; k < m; k++)
            b[i] -= a[(size_t)k * m + i] * b[k];
        b[i] /= a[(size_t)i * m + i];
    }
    return true;
}

/* The standardized features [x_j, x_j², 1] of example i of s into f [m]. */
static void features(double *f, const dlx_split *s, int i, const double *mu, const double *sd)
{
    int d = s->dim;
    for (int j = 0; j < d; j++) {
        double x = s->x[(size_t)i * d + j];
        f[j] = (x - mu[j]) / sd[j];
        f[d + j] = (x * x - mu[d + j]) / sd[d + j];
    }
    f[2 * d] = 1.0;
}

/* The penalized mean logistic loss of θ over both splits (label 1 = test). */
static double classifier_loss(const dlx_dataset *ds, const double *theta, double *f, int m,
                              const double *mu, const double *sd)
{
    double loss = 0.0;
    long total = (long)ds->train.n + ds->test.n;
    for (int part = 0; part < 2; part++) {
        const dlx_split *s = part ? &ds->test : &ds->train;
        for (int i = 0; i < s->n; i++) {
            features(f, s, i, mu, sd);
            double z = 0.0;
            for (int k = 0; k < m; k++)
                z += f[k] * theta[k];
            loss += softplus(z) - part * z;
        }
    }
    double sq = 0.0;
    for (int k = 0; k < m - 1; k++)
        sq += theta[k] * theta[k];
    return loss / (double)total + 0.5 * CLASSIFIER_RIDGE * sq;
}

/* Fit the classifier; log w_i = fitted log-odds at training example i into lw. */
static dlx_status classifier_log_weights(double *lw, const dlx_dataset *ds, const char *source_file,
                                         dlx_diags *d)
{
    int dim = ds->train.dim, m = 2 * dim + 1;
    long total = (long)ds->train.n + ds->test.n;
    double *mu = calloc((size_t)2 * dim + 1, sizeof *mu), *sd = calloc((size_t)2 * dim + 1, sizeof *sd);
    double *theta = calloc((size_t)m, sizeof *theta), *trial = calloc((size_t)m, sizeof *trial);
    double *g = calloc((size_t)m, sizeof *g), *h = calloc((size_t)m * m, sizeof *h);
    double *f = calloc((size_t)m, sizeof *f);
    dlx_status st = DLX_ERR_RUNTIME;
    if (!mu || !sd || !theta || !trial || !g || !h || !f)
        goto done;
    for (int part = 0; part < 2; part++) { /* pooled feature means and deviations */
        const dlx_split *s = part ? &ds->test : &ds->train;
        for (int i = 0; i < s->n; i++)
            for (int j = 0; j < dim; j++) {
                double x = s->x[(size_t)i * dim + j];
                mu[j] += x / total, mu[dim + j] += x * x / total;
                sd[j] += x * x / total, sd[dim + j] += x * x * x * x / total;
            }
    }
    for (int k = 0; k < 2 * dim; k++) {
        double var = sd[k] - mu[k] * mu[k];
        sd[k] = var > 1e-12 * (1.0 + mu[k] * mu[k]) ? sqrt(var) : 1.0;
    }
    double loss = classifier_loss(ds, theta, f, m, mu, sd);
    for (int step = 0; step < CLASSIFIER_MAX_STEPS; step++) {
        memset(g, 0, sizeof *g * (size_t)m);
        memset(h, 0, sizeof *h * (size_t)m * m);
        for (int part = 0; part < 2; part++) {
            const dlx_split *s = part ? &ds->test : &ds->train;
            for (int i = 0; i < s->n; i++) {
                features(f, s, i, mu, sd);
                double z = 0.0;
                for (int k = 0; k < m; k++)
                    z += f[k] * theta[k];
                double p = 1.0 / (1.0 + exp(-z)), c = p * (1.0 - p) / total;
                for (int k = 0; k < m; k++) {
                    g[k] += (p - part) * f[k] / total;
                    for (int l = 0; l <= k; l++)
                        h[(size_t)k * m + l] += c * f[k] * f[l];
                }
            }
        }
        double norm = 0.0;
        for (int k = 0; k < m; k++) {
            if (k < m - 1) {
                g[k] += CLASSIFIER_RIDGE * theta[k];
                h[(size_t)k * m + k] += CLASSIFIER_RIDGE;
            }
            for (int l = 0; l < k; l++)
                h[(size_t)l * m + k] = h[(size_t)k * m + l];
            norm += g[k] * g[k];
        }
        if (sqrt(norm) < CLASSIFIER_TOL) {
            st = DLX_OK;
            break;
        }
        double decrement = 0.0;
        memcpy(trial, g, sizeof *g * (size_t)m);
        if (!cholesky_solve(h, trial, m))
            break;
        for (int k = 0; k < m; k++)
            decrement += g[k] * trial[k];
        memcpy(g, trial, sizeof *g * (size_t)m); /* g now holds the Newton step */
        double t = 1.0, next = loss;
        for (int tries = 0; tries < 50; tries++, t *= 0.5) {
            for (int k = 0; k < m; k++)
                trial[k] = theta[k] - t * g[k];
            next = classifier_loss(ds, trial, f, m, mu, sd);
            if (next <= loss - 0.25 * t * decrement || decrement < 1e-14 * (1.0 + fabs(loss)))
                break;
        }
        memcpy(theta, trial, sizeof *theta * (size_t)m);
        loss = next;
        if (decrement < 1e-14 * (1.0 + fabs(loss))) {
            st = DLX_OK;
            break;
        }
    }
    if (st != DLX_OK) {
        diags_add(d, source_file, 0, 0, "data.importance classifier: the logistic regression of test "
                  "against training inputs did not converge");
        st = DLX_ERR_INPUT;
        goto done;
    }
    for (int i = 0; i < ds->train.n; i++) {
        features(f, &ds->train, i, mu, sd);
        double z = 0.0;
        for (int k = 0; k < m; k++)
            z += f[k] * theta[k];
        lw[i] = z;
    }
done:
    if (st == DLX_ERR_RUNTIME)
        diags_add(d, source_file, 0, 0, "out of memory fitting the importance classifier");
    free(mu), free(sd), free(theta), free(trial), free(g), free(h), free(f);
    return st;
}

dlx_status importance_apply(dlx_dataset *ds, const dlx_data_config *cfg, const char *source_file,
                            dlx_diags *d)
{
    if (cfg->importance == IMPORTANCE_NONE)
        return DLX_OK;
    dlx_split *s = &ds->train;
    if (s->entry_row || s->dim < 1) {
        diags_add(d, source_file, 0, 0, "data.importance needs dense inputs, not matrix entries");
        return DLX_ERR_INPUT;
    }
    if (cfg->importance == IMPORTANCE_CLASSIFIER && s->dim > DLX_IMPORTANCE_MAX_DIM) {
        diags_add(d, source_file, 0, 0, "data.importance classifier fits at most %d inputs, the data "
                  "have %d", DLX_IMPORTANCE_MAX_DIM, s->dim);
        return DLX_ERR_INPUT;
    }
    double *lw = malloc(sizeof *lw * (size_t)(s->n > 0 ? s->n : 1));
    real *w = malloc(sizeof *w * (size_t)(s->n > 0 ? s->n : 1));
    if (!lw || !w) {
        free(lw), free(w);
        diags_add(d, source_file, 0, 0, "out of memory for the importance weights");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = DLX_OK;
    if (cfg->importance == IMPORTANCE_EXACT)
        for (int i = 0; i < s->n; i++)
            lw[i] = shifted_regression_log_ratio(cfg, s->x[i]);
    else
        st = classifier_log_weights(lw, ds, source_file, d);
    if (st == DLX_OK) {
        for (int i = 0; i < s->n; i++)
            lw[i] *= cfg->importance_power;
        importance_normalize(w, lw, s->n);
        free(s->weights);
        s->weights = w;
        w = NULL;
    }
    free(lw), free(w);
    return st;
}
