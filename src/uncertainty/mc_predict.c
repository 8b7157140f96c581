/*
 * mc_predict.c — T stochastic passes, mean and variance over masks (see
 * mc_predict.h for the formulas). The mean and variance accumulate in
 * double with Welford's update (Welford 1962), exact for T = 1 and stable
 * for any T:
 *     δ = ŷ_t − m_{t−1},  m_t = m_{t−1} + δ/t,  S_t = S_{t−1} + δ·(ŷ_t − m_t),
 *     var = S_T / T.
 */
#include "uncertainty/mc_predict.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MC_STREAM_BASE = 301 };   /* streams 301·2^32 + step, apart from run.c's 1..4 */

dlx_status mc_predict_create(dlx_mc_prediction **out, int n, int n_outputs, bool want_logits,
                             dlx_diags *diags)
{
    size_t cells = (size_t)(n > 0 ? n : 1) * (size_t)(n_outputs > 0 ? n_outputs : 1);
    dlx_mc_prediction *mc = calloc(1, sizeof *mc);
    if (mc) {
        mc->n = n;
        mc->n_outputs = n_outputs;
        mc->mean = malloc(cells * sizeof *mc->mean);
        mc->var = malloc(cells * sizeof *mc->var);
        mc->logits = malloc(cells * sizeof *mc->logits);
        mc->pass = malloc((size_t)(n_outputs > 0 ? n_outputs : 1) * sizeof *mc->pass);
        mc->mean_logits = want_logits ? malloc(cells * sizeof *mc->mean_logits) : NULL;
        mc->var_logits = want_logits ? malloc(cells * sizeof *mc->var_logits) : NULL;
    }
    if (!mc || !mc->mean || !mc->var || !mc->logits || !mc->pass || (want_logits && (!mc->mean_logits || !mc->var_logits))) {
        mc_predict_destroy(mc);
        diags_add(diags, NULL, 0, 0, "out of memory for the MC-dropout prediction buffers");
        return DLX_ERR_RUNTIME;
    }
    *out = mc;
    return DLX_OK;
}

void mc_predict_destroy(dlx_mc_prediction *mc)
{
    if (!mc)
        return;
    free(mc->mean);
    free(mc->var);
    free(mc->logits);
    free(mc->pass);
    free(mc->mean_logits);
    free(mc->var_logits);
    free(mc);
}

void mc_prediction_of_logits(double *p, const real *z, int n_outputs, dlx_loss loss)
{
    if (loss == LOSS_CROSS_ENTROPY) {   /* softmax, shifted by the max for stability */
        double m = z[0], sum = 0.0;
        for (int k = 1; k < n_outputs; k++)
            m = z[k] > m ? z[k] : m;
        for (int k = 0; k < n_outputs; k++)
            sum += p[k] = exp((double)z[k] - m);
        for (int k = 0; k < n_outputs; k++)
            p[k] /= sum;
    } else if (loss == LOSS_LOGISTIC) {
        for (int k = 0; k < n_outputs; k++)
            p[k] = 1.0 / (1.0 + exp(-(double)z[k]));
    } else {
        for (int k = 0; k < n_outputs; k++)
            p[k] = z[k];
    }
}

void mc_predict_seed(dlx_rng *rng, uint64_t seed, long step)
{
    rng_seed(rng, seed, ((uint64_t)MC_STREAM_BASE << 32) + (uint64_t)step);
}

/* Welford's update of (mean, S) by the value x of pass t (1-based). */
static void welford(double *mean, double *s, double x, int t)
{
    double delta = x - *mean;
    *mean += delta / t;
    *s += delta * (x - *mean);
}

void mc_predict(dlx_mc_prediction *mc, dlx_model *model, dlx_loss loss, const real *x, int T,
                dlx_rng *rng)
{
    int K = mc->n_outputs;
    size_t cells = (size_t)mc->n * K;
    memset(mc->mean, 0, cells * sizeof *mc->mean);
    memset(mc->var, 0, cells * sizeof *mc->var);
    if (mc->mean_logits) {
        memset(mc->mean_logits, 0, cells * sizeof *mc->mean_logits);
        memset(mc->var_logits, 0, cells * sizeof *mc->var_logits);
    }
    double *p = mc->pass;
    for (int t = 1; t <= T; t++) {
        model_predict(model, x, mc->n, rng, mc->logits);
        for (int i = 0; i < mc->n; i++) {
            const real *z = mc->logits + (size_t)i * K;
            mc_prediction_of_logits(p, z, K, loss);
            for (int k = 0; k < K; k++) {
                size_t c = (size_t)i * K + k;
                welford(&mc->mean[c], &mc->var[c], p[k], t);
                if (mc->mean_logits)
                    welford(&mc->mean_logits[c], &mc->var_logits[c], z[k], t);
            }
        }
    }
    for (size_t c = 0; c < cells; c++) {
        mc->var[c] /= T;
        if (mc->var_logits)
            mc->var_logits[c] /= T;
    }
}
