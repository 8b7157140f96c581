/*
 * model_gradcheck.c — see model_gradcheck.h.
 */
#include "models/model_gradcheck.h"
#include "util/real.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    dlx_model *model;
    const dlx_batch *batch;
    const dlx_rng *rng;
} loss_point;

/* The batch loss at the parameters as they stand, with the saved noise. */
static double loss_at(void *ctx)
{
    loss_point *p = ctx;
    dlx_rng rng = *p->rng;
    return model_forward_train(p->model, p->batch, &rng);
}

gradcheck_result model_gradcheck(dlx_model *m, const dlx_batch *batch, const dlx_rng *rng,
                                 real h, double floor)
{
    size_t n = model_n_params(m);
    real *analytic = malloc((n + 1) * sizeof *analytic);
    if (!analytic)
        return (gradcheck_result){.max_rel_error = 1e300};
    loss_point p = {m, batch, rng};
    loss_at(&p);
    model_backward(m);
    memcpy(analytic, model_grads(m), n * sizeof *analytic);
    gradcheck_result r = gradcheck(loss_at, &p, model_params(m), analytic, n, h, floor);
    free(analytic);
    return r;
}
