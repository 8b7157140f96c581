/*
 * schedule.c — learning-rate schedules (schedule.h), closed forms of
 * PyTorch's torch.optim.lr_scheduler with one scheduler.step() per epoch:
 *
 *   constant      η_e = η
 *   step          η_e = η·γ^⌊e/step_size⌋                 (StepLR)
 *   exponential   η_e = η·γ^e                              (ExponentialLR)
 *   inverse_time  η_e = η/(1 + γ·e)                         (Robbins & Monro 1951's
 *                 1/t decay; Keras InverseTimeDecay with decay_steps 1;
 *                 LambdaLR(lambda e: 1/(1+γe)) in PyTorch)
 *   cosine        η_e = η_min + (η − η_min)·(1 + cos(π·e/T))/2
 *                 (CosineAnnealingLR; Loshchilov & Hutter 2017, eq. 5),
 *                 T = t_max, or the number of epochs when t_max is 0
 *
 * PyTorch computes StepLR, ExponentialLR and CosineAnnealingLR recursively
 * in double; the closed forms agree to about 1e-15 relative, far below the
 * float32 rounding of the rate inside the update.
 */
#include "optim/schedule.h"

#include <math.h>

double schedule_lr(const dlx_optimizer_config *opt, int epoch, int total_epochs)
{
    const dlx_schedule_config *s = &opt->schedule;
    double lr = opt->lr, e = (double)epoch;
    switch (s->type) {
    case SCHED_CONSTANT:
        return lr;
    case SCHED_STEP:
        return lr * pow(s->gamma, (double)(epoch / (s->step_size > 0 ? s->step_size : 1)));
    case SCHED_EXPONENTIAL:
        return lr * pow(s->gamma, e);
    case SCHED_INVERSE_TIME:
        return lr / (1.0 + s->gamma * e);
    case SCHED_COSINE: {
        double t_max = s->t_max > 0 ? s->t_max : (total_epochs > 0 ? total_epochs : 1);
        return s->eta_min + (lr - s->eta_min) * (1.0 + cos(M_PI * e / t_max)) / 2.0;
    case SCHED_TYPE_COUNT:
        break;
    }
    }
    return lr;
}
