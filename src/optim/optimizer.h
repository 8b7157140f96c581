/*
 * optimizer.h — first-order updates on a flat parameter block.
 *
 * Each optimizer follows PyTorch's torch.optim update rule and defaults, so
 * the same hyperparameters give the same trajectory (SPEC §2). Its state
 * (velocity, squared-gradient averages, step count) is sized once at create.
 * One table in optimizer.c, indexed by dlx_optimizer_type, holds each
 * optimizer's name, state buffers, update rule and model check.
 */
#ifndef DLX_OPTIM_OPTIMIZER_H
#define DLX_OPTIM_OPTIMIZER_H

#include "util/real.h"
#include <stdbool.h>
#include <stddef.h>

#include "spec/config.h"
#include "util/diag.h"

typedef struct dlx_optimizer dlx_optimizer;

dlx_status optimizer_create(dlx_optimizer **out, const dlx_optimizer_config *cfg,
                            size_t n_params, dlx_diags *diags);
void optimizer_free(dlx_optimizer *opt);

/* One update of params[0..n) from grads[0..n) with learning rate lr. */
void optimizer_step(dlx_optimizer *opt, real *params, const real *grads, double lr);

/* The name of an optimizer type in the table (those of SPEC_OPTIMIZERS, in
   the same order), or NULL past its end. */
const char *optimizer_kind_name(dlx_optimizer_type type);

/* Whether cfg's optimizer fits cfg's model; when not, why gets the reason
   ("needs ..., here ..."). Checked for every arm before anything runs
   (src/experiment/validate.c). */
bool optimizer_fits(const dlx_config *cfg, char *why, size_t n);

/* Named state buffers of n_params floats each, for checkpoints
   ("momentum_buffer", "exp_avg", "exp_avg_sq", "sum", "square_avg"). */
int optimizer_n_state(const dlx_optimizer *opt);
real *optimizer_state(dlx_optimizer *opt, int k, const char **name);
/* Steps taken so far (Adam's bias correction; PyTorch's "step"). */
long optimizer_steps(const dlx_optimizer *opt);
void optimizer_set_steps(dlx_optimizer *opt, long steps);

#endif
