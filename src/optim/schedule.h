/*
 * schedule.h — learning-rate schedules, a pure function of the epoch.
 *
 * The rate of every step of epoch e+1 (e = epochs completed, 0-based) is
 * schedule_lr(cfg, e), the rate PyTorch's torch.optim.lr_scheduler gives when
 * scheduler.step() is called once per epoch. Being a function of e alone, a
 * resumed run gets the same rates as an uninterrupted one.
 */
#ifndef DLX_OPTIM_SCHEDULE_H
#define DLX_OPTIM_SCHEDULE_H

#include "spec/config.h"

/* The learning rate for the steps after `epoch` completed epochs. */
double schedule_lr(const dlx_optimizer_config *opt, int epoch, int total_epochs);

#endif
