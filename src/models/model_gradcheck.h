/*
 * model_gradcheck.h — a model's backward pass checked against central
 * differences of its own forward pass, through the model interface.
 *
 * f(θ) = forward_train(batch) is evaluated with the same training noise at
 * every point (the RNG is restored before each pass), so dropout and batch
 * statistics are part of the function being differentiated, and the
 * analytic gradient is backward() after one forward_train at θ. Every kind's
 * test calls this (nn/gradcheck.h explains the step and the tolerances).
 */
#ifndef DLX_MODELS_MODEL_GRADCHECK_H
#define DLX_MODELS_MODEL_GRADCHECK_H

#include "util/real.h"
#include "models/model.h"
#include "nn/gradcheck.h"

/* Check d(mean batch loss)/dθ of every trainable parameter of m on batch,
   with the training noise drawn from a copy of *rng at every evaluation.
   Leaves the parameters as they were. */
gradcheck_result model_gradcheck(dlx_model *m, const dlx_batch *batch, const dlx_rng *rng,
                                 real h, double floor);

#endif
