/*
 * evaluate.h — mean data loss and accuracy over a whole split, in inference
 * mode (SPEC §3: no dropout, batch-norm running statistics, no regularizer).
 */
#ifndef DLX_TRAIN_EVALUATE_H
#define DLX_TRAIN_EVALUATE_H

#include "data/dataset.h"
#include "models/model.h"

typedef struct {
    double loss;      /* mean over examples of the per-example loss */
    double accuracy;  /* fraction correct; NAN for regression */
} dlx_eval_result;

/* Evaluate model on every example of split, in batches of up to the
   network's max_batch, reading the examples in place (no copies). */
dlx_eval_result evaluate_split(dlx_model *model, const dlx_split *split, int classes);

#endif
