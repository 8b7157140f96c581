/*
 * evaluate.c — whole-split evaluation (see evaluate.h).
 */
#include "train/evaluate.h"

#include <math.h>

dlx_eval_result evaluate_split(dlx_network *net, const dlx_split *split, int classes)
{
    int max_batch = network_max_batch(net);
    double loss_sum = 0.0;
    long correct_total = 0;
    for (int start = 0; start < split->n; start += max_batch) {
        int B = split->n - start < max_batch ? split->n - start : max_batch;
        const float *x = split->x + (size_t)start * (size_t)split->dim;
        const int *labels = split->labels ? split->labels + start : NULL;
        const float *targets =
            split->targets ? split->targets + (size_t)start * (size_t)split->n_targets : NULL;
        long correct = 0;
        loss_sum += network_evaluate(net, x, labels, targets, B, &correct);
        correct_total += correct;
    }
    dlx_eval_result r;
    r.loss = split->n > 0 ? loss_sum / split->n : NAN;
    r.accuracy = classes > 0 && split->n > 0 ? (double)correct_total / split->n : NAN;
    return r;
}
