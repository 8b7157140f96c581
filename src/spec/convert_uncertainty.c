/*
 * convert_uncertainty.c — the `uncertainty:` key into a dlx_uncertainty_config.
 *
 *   uncertainty: {method: ensemble, size: 5}     average of 5 seeds' models
 *   uncertainty: {method: mc_dropout, size: 20}  20 dropout masks per model
 *
 * What the runner measures with it is in docs/config.md ("uncertainty").
 */
#include "spec/convert.h"

#define MAX_SIZE 10000

void convert_uncertainty(spec_ctx *ctx, const ytree_node *node, dlx_config *cfg)
{
    dlx_uncertainty_config *u = &cfg->uncertainty;
    *u = (dlx_uncertainty_config){.method = UNCERTAINTY_NONE, .size = 0};
    if (!node || !spec_expect_kind(ctx, node, "uncertainty", YTREE_MAP))
        return;
    const ytree_node *method = spec_get(node, "method");
    int m = UNCERTAINTY_NONE;
    bool method_ok = !method || spec_read_enum(ctx, method, "uncertainty.method", &SPEC_UNCERTAINTY_METHODS, &m);
    spec_choice choice = {"uncertainty.method",
                          method_ok ? spec_enum_name(&SPEC_UNCERTAINTY_METHODS, m) : SPEC_CHOICE_INVALID};
    spec_check_keys(ctx, node, "uncertainty", &choice, 1);
    if (!method_ok)
        return;
    u->method = (dlx_uncertainty_method)m;
    if (u->method == UNCERTAINTY_NONE)
        return;
    const ytree_node *size = spec_get(node, "size");
    long long n;
    if (!size)
        spec_error(ctx, method ? method : node, "uncertainty.size is required for method %s (%s)",
                   spec_enum_name(&SPEC_UNCERTAINTY_METHODS, m),
                   u->method == UNCERTAINTY_ENSEMBLE ? "the number of seeds' models per ensemble"
                                                     : "the number of dropout masks T");
    else if (spec_read_int(ctx, size, "uncertainty.size", 1, MAX_SIZE, &n))
        u->size = (int)n;
    const dlx_model_config *md = &cfg->model;
    bool has_dropout = md->type == MODEL_MLP && (md->dropout_hidden > 0 || md->dropout_input > 0);
    if (u->method == UNCERTAINTY_MC_DROPOUT && !has_dropout)
        spec_error(ctx, method, "uncertainty.method mc_dropout needs a model with dropout "
                                "(model.dropout > 0 on an mlp)");
}
