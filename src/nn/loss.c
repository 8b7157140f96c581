/*
 * loss.c — cross-entropy, logistic and squared-error losses (see loss.h).
 */
#include "nn/loss.h"
#include "util/real.h"

#include <math.h>
#include <stddef.h>

/* Index of the first largest of z[0..K). */
static int argmax(const real *z, int K)
{
    int best = 0;
    for (int k = 1; k < K; k++)
        if (z[k] > z[best])
            best = k;
    return best;
}

/* log Σ_k e^(z_k), with the maximum subtracted so no exponential overflows. */
static double log_sum_exp(const real *z, int K)
{
    real m = z[argmax(z, K)];
    double s = 0.0;
    for (int k = 0; k < K; k++)
        s += exp((double)z[k] - m);
    return m + log(s);
}

double softmax_cross_entropy_forward(const real *logits, const int *labels, int B, int K,
                                     long *correct)
{
    double sum = 0.0;
    long hits = 0;
    for (int b = 0; b < B; b++) {
        const real *z = logits + (size_t)b * K;
        int y = labels[b];
        if (y < 0 || y >= K) {
            sum += NAN;
            continue;
        }
        sum += log_sum_exp(z, K) - z[y];
        hits += argmax(z, K) == y;
    }
    if (correct)
        *correct = hits;
    return sum;
}

void softmax_cross_entropy_backward(real *d_logits, const real *logits, const int *labels, int B,
                                    int K)
{
    for (int b = 0; b < B; b++) {
        const real *z = logits + (size_t)b * K;
        real *dz = d_logits + (size_t)b * K;
        int y = labels[b];
        double lse = log_sum_exp(z, K);
        for (int k = 0; k < K; k++) {
            double p = exp((double)z[k] - lse);
            double onehot = k == y;
            dz[k] = y < 0 || y >= K ? NAN : (real)((p - onehot) / B);
        }
    }
}

double logistic_loss_forward(const real *logits, const int *labels, int B, long *correct)
{
    double sum = 0.0;
    long hits = 0;
    for (int b = 0; b < B; b++) {
        double z = logits[b];
        int y = labels[b];
        if (y != 0 && y != 1) {
            sum += NAN;
            continue;
        }
        sum += fmax(z, 0.0) - z * y + log1p(exp(-fabs(z)));
        hits += (z > 0.0) == (y == 1);
    }
    if (correct)
        *correct = hits;
    return sum;
}

void logistic_loss_backward(real *d_logits, const real *logits, const int *labels, int B)
{
    for (int b = 0; b < B; b++) {
        double z = logits[b];
        int y = labels[b];
        double e = exp(-fabs(z));
        double sigma = z >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        d_logits[b] = y != 0 && y != 1 ? NAN : (real)((sigma - y) / B);
    }
}

/* The target of output k of example b: targets[b, k], or onehot(labels[b])[k]. */
static double target_value(const real *targets, const int *labels, int b, int k, int K)
{
    if (targets)
        return targets[(size_t)b * K + k];
    int y = labels[b];
    return y < 0 || y >= K ? NAN : (double)(k == y);
}

double mse_forward(const real *outputs, const real *targets, const int *labels, int B, int K,
                   long *correct)
{
    double sum = 0.0;
    long hits = 0;
    for (int b = 0; b < B; b++) {
        const real *z = outputs + (size_t)b * K;
        double sq = 0.0;
        for (int k = 0; k < K; k++) {
            double diff = target_value(targets, labels, b, k, K) - z[k];
            sq += diff * diff;
        }
        sum += sq / K;
        if (!targets)
            hits += argmax(z, K) == labels[b];
    }
    if (correct)
        *correct = hits;
    return sum;
}

void mse_backward(real *d_outputs, const real *outputs, const real *targets, const int *labels,
                  int B, int K)
{
    double scale = 2.0 / ((double)B * K);
    for (int b = 0; b < B; b++)
        for (int k = 0; k < K; k++) {
            size_t at = (size_t)b * K + k;
            d_outputs[at] = (real)(scale * (outputs[at] - target_value(targets, labels, b, k, K)));
        }
}

void loss_weight_gradient(real *d, const real *weights, int B, int K)
{
    for (int b = 0; b < B; b++)
        for (int k = 0; k < K; k++)
            d[(size_t)b * K + k] *= weights[b];
}
