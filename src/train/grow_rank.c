/*
 * grow_rank.c — see grow_rank.h.
 */
#include "train/grow_rank.h"
#include "util/real.h"

#include <stdlib.h>
#include <string.h>

#include "io/safetensors.h"
#include "solvers/certificate.h"

bool grow_rank_due(const dlx_grow_rank_config *g, long epoch)
{
    return g->enabled && g->epochs > 0 && epoch > 0 && epoch % g->epochs == 0;
}

dlx_status grow_rank_certificate(const dlx_model *m, const dlx_split *train, double lambda,
                                 double *cert_ratio, double *u, double *v, dlx_diags *diags)
{
    dlx_model *model = (dlx_model *)m;
    const dlx_tensor *U = model_find_tensor(model, "U"), *V = model_find_tensor(model, "V");
    if (!U || !V) {
        diags_add(diags, NULL, 0, 0, "training.grow_rank needs model.type factorization");
        return DLX_ERR_INPUT;
    }
    dlx_certificate_work w;
    dlx_status st = certificate_create(&w, train->rows, train->cols, U->shape[1], diags);
    if (st != DLX_OK)
        return st;
    dlx_certificate c;
    st = certificate_measure(&w, train, U->data, V->data, lambda, &c, diags);
    if (st == DLX_OK) {
        *cert_ratio = c.cert_ratio;
        certificate_top_pair(&w, u, v);
    }
    certificate_free(&w);
    return st;
}

/* Copy the rows×r row-major a into the first r columns of the rows×(r+1) b,
   with eps·col in the last. */
static void widen(real *b, const real *a, int rows, int r, const double *col, double eps)
{
    for (int i = 0; i < rows; i++) {
        memcpy(b + (size_t)i * (r + 1), a + (size_t)i * r, (size_t)r * sizeof *b);
        b[(size_t)i * (r + 1) + r] = (real)(eps * col[i]);
    }
}

dlx_status grow_rank_append(dlx_model *m, dlx_config *cfg, const dlx_model_shape *shape,
                            const double *u, const double *v, dlx_diags *diags)
{
    const dlx_tensor *U = model_find_tensor(m, "U"), *V = model_find_tensor(m, "V");
    int r = U->shape[1];
    cfg->model.rank = r + 1;
    dlx_model grown;
    dlx_status st = model_create_kind(&grown, m->kind, cfg, shape, diags);
    if (st != DLX_OK)
        return st;
    widen(model_find_tensor(&grown, "U")->data, U->data, U->shape[0], r, u, GROW_RANK_EPSILON);
    widen(model_find_tensor(&grown, "V")->data, V->data, V->shape[0], r, v, GROW_RANK_EPSILON);
    model_free(m);
    *m = grown;
    return DLX_OK;
}

dlx_status grow_rank_of_checkpoint(const char *path, int *rank, dlx_diags *diags)
{
    dlx_st_file f;
    dlx_status st = safetensors_read(path, &f, diags);
    if (st != DLX_OK)
        return st;
    const dlx_st_tensor *U = safetensors_find(&f, "U");
    if (U && U->ndim == 2 && U->shape[1] >= 1 && U->shape[1] <= 1000000)
        *rank = (int)U->shape[1];
    safetensors_free(&f);
    return DLX_OK;
}
