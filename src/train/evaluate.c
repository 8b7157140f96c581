/*
 * evaluate.c — whole-split evaluation (see evaluate.h).
 */
#include "train/evaluate.h"

#include <math.h>

dlx_eval_result evaluate_split(dlx_model *model, const dlx_split *split, int classes)
{
    int max_batch = model_max_batch(model);
    double loss_sum = 0.0;
    long correct_total = 0;
    for (int start = 0; start < split->n; start += max_batch) {
        int B = split->n - start < max_batch ? split->n - start : max_batch;
        dlx_batch batch = model_batch_of_split(split, start, B);
        long correct = 0;
        loss_sum += model_evaluate(model, &batch, &correct);
        correct_total += correct;
    }
    dlx_eval_result r;
    r.loss = split->n > 0 ? loss_sum / split->n : NAN;
    r.accuracy = classes > 0 && split->n > 0 ? (double)correct_total / split->n : NAN;
    return r;
}
