/*
 * uncertainty_pass.c — predictions of a group of trained models and their
 * uncertainty.csv row (see uncertainty_pass.h).
 *
 * Ensemble members are evaluated in inference mode (network_forward_logits
 * without a generator: no dropout noise, batch-norm running statistics);
 * their predictions (softmax, sigmoid or the raw output: mc_predict.h) are
 * averaged, and their population variance across members is the model
 * variance. MC dropout draws `size` masks with mc_predict, from the stream
 * mc_predict_seed(seed, −1) for the test split and (seed, −2) for the
 * training split, apart from every stream of training and of the
 * diagnostics' evaluation points.
 */
#include "experiment/uncertainty_pass.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/split.h"
#include "io/csv_writer.h"
#include "models/model.h"
#include "spec/schema.h"
#include "uncertainty/calibration.h"
#include "train/checkpoint.h"
#include "uncertainty/mc_predict.h"
#include "train/run.h"
#include "uncertainty/scores.h"

#define EVAL_BATCH 1024

static const char *const columns[] = {
    "arm", "method", "seeds", "n_models", "n_masks", "test_loss", "test_acc", "nll", "ece",
    "rmse", "noise_sd", "model_sd", "cover50", "cover90", "truth_rmse", "truth_cover50",
    "truth_cover90",
};
#define N_COLUMNS ((int)(sizeof columns / sizeof columns[0]))

dlx_status uncertainty_write_header(FILE *fp, const char *path, int n_extra,
                                    const char *const *keys, dlx_diags *diags)
{
    const char *names[N_COLUMNS + 64];
    if (n_extra > 64)
        n_extra = 64;
    for (int i = 0; i < N_COLUMNS; i++)
        names[i] = columns[i];
    for (int i = 0; i < n_extra; i++)
        names[N_COLUMNS + i] = keys[i];
    return csv_write_header(fp, names, N_COLUMNS + n_extra, diags, path);
}

/* The mean and variance of a prediction over models or masks, [n, k]. */
typedef struct {
    long count;            /* n·k */
    double *mean, *var;
} prediction;

static void prediction_free(prediction *p)
{
    free(p->mean);
    free(p->var);
}

static bool prediction_alloc(prediction *p, long count)
{
    p->count = count;
    p->mean = calloc((size_t)count + 1, sizeof *p->mean);
    p->var = calloc((size_t)count + 1, sizeof *p->var);
    return p->mean && p->var;
}

/* One member's prediction of every example of s into out[n, k], in
   inference mode; logits is scratch [n, k]. */
static void member_predict(dlx_model *model, dlx_loss loss, const dlx_split *s, real *logits,
                           double *out)
{
    int k = model_n_outputs(model);
    model_predict(model, s->x, s->n, NULL, logits);
    for (int i = 0; i < s->n; i++)
        mc_prediction_of_logits(out + (long)i * k, logits + (long)i * k, k, loss);
}

/* mean = (1/M) Σ_m p_m, var = (1/M) Σ_m (p_m − mean)², entry by entry, of
   M member predictions stored one after another in all[M, count]. */
static void across_members(prediction *p, const double *all, int M)
{
    for (long j = 0; j < p->count; j++) {
        double sum = 0, sq = 0;
        for (int m = 0; m < M; m++)
            sum += all[(long)m * p->count + j];
        double mean = sum / M;
        for (int m = 0; m < M; m++) {
            double d = all[(long)m * p->count + j] - mean;
            sq += d * d;
        }
        p->mean[j] = mean;
        p->var[j] = sq / M;
    }
}

/* The ensemble's predictions of both splits. */
static dlx_status predict_ensemble(const dlx_uncertainty_group *g, dlx_model *model,
                                   prediction *train, prediction *test, dlx_diags *diags)
{
    const dlx_dataset *ds = g->data;
    int M = g->n_models;
    long n_max = ds->train.n > ds->test.n ? ds->train.n : ds->test.n;
    int k = model_n_outputs(model);
    double *all_train = malloc(((size_t)M * (size_t)train->count + 1) * sizeof *all_train);
    double *all_test = malloc(((size_t)M * (size_t)test->count + 1) * sizeof *all_test);
    real *logits = malloc(((size_t)n_max * (size_t)k + 1) * sizeof *logits);
    dlx_status st = all_train && all_test && logits ? DLX_OK : DLX_ERR_RUNTIME;
    if (st != DLX_OK)
        diags_add(diags, NULL, 0, 0, "out of memory for the ensemble's predictions");
    for (int m = 0; st == DLX_OK && m < M; m++) {
        st = checkpoint_load_weights(g->checkpoints[m], model, NULL, diags);
        if (st != DLX_OK)
            break;
        member_predict(model, g->config->loss, &ds->train, logits, all_train + (long)m * train->count);
        member_predict(model, g->config->loss, &ds->test, logits, all_test + (long)m * test->count);
    }
    if (st == DLX_OK) {
        across_members(train, all_train, M);
        across_members(test, all_test, M);
    }
    free(all_train);
    free(all_test);
    free(logits);
    return st;
}

/* T MC-dropout passes of the group's one model over split s into p. */
static dlx_status predict_mc_split(const dlx_uncertainty_group *g, dlx_model *model,
                                   const dlx_split *s, long stream, prediction *p,
                                   dlx_diags *diags)
{
    dlx_mc_prediction *mc = NULL;
    dlx_status st = mc_predict_create(&mc, s->n, model_n_outputs(model), false, diags);
    if (st != DLX_OK)
        return st;
    dlx_rng rng;
    mc_predict_seed(&rng, g->seeds[0], stream);
    mc_predict(mc, model, g->config->loss, s->x, g->config->uncertainty.size, &rng);
    memcpy(p->mean, mc->mean, (size_t)p->count * sizeof *p->mean);
    memcpy(p->var, mc->var, (size_t)p->count * sizeof *p->var);
    mc_predict_destroy(mc);
    return DLX_OK;
}

static dlx_status predict_mc(const dlx_uncertainty_group *g, dlx_model *model, prediction *train,
                             prediction *test, dlx_diags *diags)
{
    dlx_status st = checkpoint_load_weights(g->checkpoints[0], model, NULL, diags);
    if (st == DLX_OK)
        st = predict_mc_split(g, model, &g->data->train, -2, train, diags);
    if (st == DLX_OK)
        st = predict_mc_split(g, model, &g->data->test, -1, test, diags);
    return st;
}

/* The regression function on the test inputs, where it is known: synthetic
   linear data regenerated with noise 0 (the same draws give the same inputs
   and w*; only the noise term vanishes). *truth gets NULL otherwise. */
static dlx_status load_truth(const dlx_uncertainty_group *g, dlx_dataset *clean, const real **truth,
                             dlx_diags *diags)
{
    const dlx_data_config *d = &g->config->data;
    *truth = NULL;
    if (d->source != DATA_SYNTHETIC || d->kind != SYN_LINEAR)
        return DLX_OK;
    dlx_data_config noiseless = *d;
    noiseless.noise = 0.0;
    dlx_status st = dataset_load(clean, &noiseless, g->source_file, diags);
    if (st == DLX_OK)
        *truth = clean->test.targets;
    return st;
}

/* Score the predictions of the group's test split. */
static dlx_status score(const dlx_uncertainty_group *g, const prediction *train,
                        const prediction *test, dlx_uncertainty_score *s, dlx_diags *diags)
{
    const dlx_dataset *ds = g->data;
    if (ds->classes > 0) {
        int k = (int)(test->count / (ds->test.n > 0 ? ds->test.n : 1));
        dlx_prediction_scores p = score_prediction(test->mean, ds->test.n, k, g->config->loss,
                                                   ds->test.labels, NULL);
        *s = (dlx_uncertainty_score){.loss = p.loss, .accuracy = p.accuracy, .nll = p.loss,
                                     .ece = p.ece, .rmse = NAN, .noise_sd = NAN, .model_sd = NAN,
                                     .cover50 = NAN, .cover90 = NAN, .truth_rmse = NAN,
                                     .truth_cover50 = NAN, .truth_cover90 = NAN};
        return DLX_OK;
    }
    dlx_dataset clean = {0};
    const real *truth;
    dlx_status st = load_truth(g, &clean, &truth, diags);
    if (st == DLX_OK) {
        double noise_var = uncertainty_noise_var(train->mean, ds->train.targets, train->count);
        *s = uncertainty_score_regression(test->mean, test->var, ds->test.targets, truth,
                                          test->count, noise_var);
    }
    dataset_free(&clean);
    return st;
}

static dlx_status write_row(const dlx_uncertainty_group *g, const dlx_uncertainty_score *s,
                            int n_extra, const char *const *values, FILE *fp, const char *path,
                            dlx_diags *diags)
{
    static dlx_csv_row row;   /* 64 KB: one per process, rows are written one at a time */
    char seeds[DLX_CSV_ROW_CAPACITY / 4];
    size_t len = 0;
    seeds[0] = '\0';
    for (int m = 0; m < g->n_models && len < sizeof seeds - 24; m++)
        len += (size_t)snprintf(seeds + len, sizeof seeds - len, "%s%llu", m ? " " : "",
                                (unsigned long long)g->seeds[m]);
    const dlx_uncertainty_config *u = &g->config->uncertainty;
    csv_row_begin(&row);
    csv_row_str(&row, g->arm);
    csv_row_str(&row, spec_enum_name(&SPEC_UNCERTAINTY_METHODS, (int)u->method));
    csv_row_str(&row, seeds);
    csv_row_int(&row, g->n_models);
    if (u->method == UNCERTAINTY_MC_DROPOUT)
        csv_row_int(&row, u->size);
    else
        csv_row_empty(&row);
    const double values_of_row[] = {s->loss, s->accuracy, s->nll, s->ece, s->rmse, s->noise_sd,
                                    s->model_sd, s->cover50, s->cover90, s->truth_rmse,
                                    s->truth_cover50, s->truth_cover90};
    for (size_t i = 0; i < sizeof values_of_row / sizeof *values_of_row; i++) {
        if (isnan(values_of_row[i]))
            csv_row_empty(&row);
        else
            csv_row_num(&row, values_of_row[i]);
    }
    for (int i = 0; i < n_extra; i++)
        csv_row_str(&row, values[i]);
    return csv_row_write(&row, fp, diags, path);
}

dlx_status uncertainty_evaluate(const dlx_uncertainty_group *g, int n_extra,
                                const char *const *values, FILE *fp, const char *path,
                                dlx_diags *diags)
{
    const dlx_config *cfg = g->config;
    const dlx_dataset *ds = g->data;
    int k = 0;
    dlx_status st = train_output_size(cfg, ds, g->source_file, g->arm, &k, diags);
    if (st != DLX_OK || g->n_models < 1)
        return st;
    int n_max = ds->train.n > ds->test.n ? ds->train.n : ds->test.n;
    dlx_model model = {0};
    dlx_model_shape shape = {.n_inputs = ds->train.dim, .n_outputs = k,
                             .max_batch = n_max < EVAL_BATCH ? (n_max > 0 ? n_max : 1) : EVAL_BATCH};
    st = model_create(&model, cfg, &shape, diags);
    prediction train = {0}, test = {0};
    if (st == DLX_OK && (!prediction_alloc(&train, (long)ds->train.n * k) ||
                         !prediction_alloc(&test, (long)ds->test.n * k))) {
        diags_add(diags, NULL, 0, 0, "out of memory for the predictions of arm '%s'", g->arm);
        st = DLX_ERR_RUNTIME;
    }
    if (st == DLX_OK)
        st = cfg->uncertainty.method == UNCERTAINTY_MC_DROPOUT
                 ? predict_mc(g, &model, &train, &test, diags)
                 : predict_ensemble(g, &model, &train, &test, diags);
    dlx_uncertainty_score s;
    if (st == DLX_OK)
        st = score(g, &train, &test, &s, diags);
    if (st == DLX_OK)
        st = write_row(g, &s, n_extra, values, fp, path, diags);
    prediction_free(&train);
    prediction_free(&test);
    model_free(&model);
    return st;
}
