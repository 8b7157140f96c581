/*
 * eval_timer.c — seconds dlx's inference pass takes over N examples, the way
 * `dlx run` evaluates a split: train/run.c sizes the network for
 * max(training batch, 1024) rows, train/evaluate.c calls network_evaluate on
 * that many rows at a time, and the network runs them in chunks of 512. Compiled by scripts/bench/bench.py from dlx's own
 * src/nn and src/util files, so it times exactly the code dlx runs; not part of
 * dlx itself.
 *
 * Usage: eval_timer N REPEATS BATCH ACTIVATION BN WIDTH...
 *   ACTIVATION relu|sigmoid; BN 0|1; 784 inputs, 10 classes, inputs uniform
 *   in [0, 1) like scaled pixels. Prints the minimum and median seconds over
 *   REPEATS passes, after one untimed warm-up pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/mlp.h"
#include "util/rng.h"

enum { N_INPUTS = 784, N_CLASSES = 10, EVAL_BATCH = 1024 };

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* One pass over the n examples in chunks of the network's batch size. */
static double evaluate_all(dlx_network *net, const float *x, const int *y, int n)
{
    int B = network_max_batch(net);
    double loss = 0.0;
    for (int start = 0; start < n; start += B) {
        int C = n - start < B ? n - start : B;
        long correct = 0;
        loss += network_evaluate(net, x + (size_t)start * N_INPUTS, y + start, NULL, C, &correct);
    }
    return loss;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: eval_timer N REPEATS BATCH relu|sigmoid BN WIDTH...\n");
        return 2;
    }
    int n = atoi(argv[1]), repeats = atoi(argv[2]), batch = atoi(argv[3]);
    dlx_model_config m = {.type = MODEL_MLP, .bn_momentum = 0.1, .bn_eps = 1e-5,
                          .init = INIT_UNIFORM};
    m.activation = strcmp(argv[4], "sigmoid") == 0 ? ACT_SIGMOID : ACT_RELU;
    m.batch_norm = atoi(argv[5]) != 0;
    m.n_hidden = argc - 6;
    for (int l = 0; l < m.n_hidden && l < DLX_MAX_HIDDEN; l++)
        m.hidden[l] = atoi(argv[6 + l]);
    int max_batch = batch > EVAL_BATCH ? batch : EVAL_BATCH; /* as train/run.c */
    dlx_diags diags = {0};
    dlx_network *net = NULL;
    if (n < 1 || repeats < 1
        || network_create(&net, &m, LOSS_CROSS_ENTROPY, N_INPUTS, N_CLASSES, max_batch, &diags)
               != DLX_OK) {
        diags_print(&diags, stderr);
        return 2;
    }
    dlx_rng rng;
    rng_seed(&rng, 1, 0);
    network_init(net, &rng);
    float *x = malloc((size_t)n * N_INPUTS * sizeof *x);
    int *y = malloc((size_t)n * sizeof *y);
    double *t = malloc((size_t)repeats * sizeof *t);
    if (!x || !y || !t)
        return 2;
    for (size_t i = 0; i < (size_t)n * N_INPUTS; i++)
        x[i] = rng_uniform_f(&rng);
    for (int i = 0; i < n; i++)
        y[i] = (int)rng_below(&rng, N_CLASSES);
    double check = evaluate_all(net, x, y, n);
    for (int r = 0; r < repeats; r++) {
        double t0 = now_seconds();
        check += evaluate_all(net, x, y, n);
        t[r] = now_seconds() - t0;
    }
    qsort(t, (size_t)repeats, sizeof *t, by_value);
    printf("%.6f %.6f\n", t[0], t[repeats / 2]);
    fprintf(stderr, "eval_timer: loss sum %g\n", check);
    network_free(net);
    free(x);
    free(y);
    free(t);
    diags_free(&diags);
    return 0;
}
