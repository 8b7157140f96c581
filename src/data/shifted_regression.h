/*
 * shifted_regression.h — the covariate-shift toy problem of Shimodaira
 * (2000), `data.kind: shifted_regression` (SPEC §9).
 *
 * One input; the training and test splits draw it from different normal
 * densities, q₀ = N(train_input.mean, train_input.std²) and
 * q₁ = N(test_input.mean, test_input.std²), and the targets from the same
 * regression function:
 *     cubic   y = −x + x³ + noise·ε       (the toy example of Shimodaira 2000)
 *     linear  y = 1 − 2x + noise·ε        ε ~ N(0, 1)
 * so a linear model is misspecified for `cubic` and right for `linear`.
 */
#ifndef DLX_DATA_SHIFTED_REGRESSION_H
#define DLX_DATA_SHIFTED_REGRESSION_H

#include "data/dataset.h"

/* Both splits from data.seed's train and test streams (synthetic.h). */
dlx_status shifted_regression_generate(dlx_dataset *ds, const dlx_data_config *cfg,
                                       const char *source_file, dlx_diags *d);

/* log q₁(x) − log q₀(x) of cfg's two input densities: the log of the exact
   importance weight (normal densities; the normalizing constants give the
   log σ₀/σ₁ term). */
double shifted_regression_log_ratio(const dlx_data_config *cfg, double x);

#endif
