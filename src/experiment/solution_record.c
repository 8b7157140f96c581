/*
 * solution_record.c — the `solutions:` section of resolved.yaml
 * (solution_record.h): θ* as solvers/reference.c computes it (X* of a
 * factorization, solvers/nuclear_norm.c), its objective value, and how it
 * was computed, so that a reader can check the
 * suboptimality and dist_to_ref columns against the numbers themselves.
 */
#include "experiment/solution_record.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "spec/schema.h"
#include "solvers/nuclear_norm.h"
#include "solvers/reference.h"
#include "solvers/step_theory.h"
#include "util/yaml_tree.h"

enum { THETA_WRITTEN_MAX = 32 };

bool solution_record_wanted(const dlx_config *cfg)
{
    if (step_theory_needed(&cfg->optimizer))
        return true;
    for (int i = 0; i < cfg->n_diagnostics; i++)
        if (!strcmp(cfg->diagnostics[i], "suboptimality") || !strcmp(cfg->diagnostics[i], "dist_to_ref"))
            return true;
    return false;
}

/* "  key: x" with the shortest decimal that reads back to x. */
static void write_number(FILE *fp, const char *key, double x)
{
    char text[32];
    ytree_format_float(x, text);
    fprintf(fp, "    %s: %s\n", key, text);
}

/* FNV-1a, 64 bits (Fowler, Noll & Vo), over the bytes of n doubles in
   little-endian order: h ← (h ⊕ byte)·1099511628211 from 14695981039346656037. */
static uint64_t fnv1a_doubles(const double *x, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        uint64_t bits;
        memcpy(&bits, &x[i], sizeof bits);
        for (int b = 0; b < 8; b++) {
            h ^= (bits >> (8 * b)) & 0xff;
            h *= 1099511628211ULL;
        }
    }
    return h;
}

/* reference, method, l2 (the effective λ₂ of f: l2 + 2σ² with input noise),
   f_star, theta_norm, theta or its hash, iterations, grad_norm. */
static void write_reference(FILE *fp, const dlx_reference *ref)
{
    size_t n = (size_t)ref->outputs * (size_t)(ref->dim + 1);
    double sq = 0.0;
    for (size_t i = 0; i < n; i++)
        sq += ref->theta[i] * ref->theta[i];
    fprintf(fp, "    method: \"%s\"\n", ref->method);
    write_number(fp, "l2", ref->l2);
    write_number(fp, "f_star", ref->f_star);
    write_number(fp, "theta_norm", sqrt(sq));
    if (n <= THETA_WRITTEN_MAX) {
        fputs("    theta: [", fp);
        for (size_t i = 0; i < n; i++) {
            char text[32];
            ytree_format_float(ref->theta[i], text);
            fprintf(fp, "%s%s", i ? ", " : "", text);
        }
        fputs("]\n", fp);
    } else {
        fprintf(fp, "    theta_fnv1a64: \"%016llx\"\n", (unsigned long long)fnv1a_doubles(ref->theta, n));
    }
    fprintf(fp, "    iterations: %ld\n", ref->iterations);
    write_number(fp, "grad_norm", ref->grad_norm);
}

/* The nuclear-norm optimum X* of a factorization (solvers/nuclear_norm.c):
   method, lambda, f_star, nuclear_norm, rank, iterations, the last relative
   change, and the FNV-1a hash of X*. */
static dlx_status write_nuclear(FILE *fp, const dlx_config *cfg, const dlx_dataset *ds, dlx_diags *diags)
{
    dlx_nuclear_reference r;
    double lambda = cfg->regularizer.product > 0 ? cfg->regularizer.product : cfg->regularizer.l2;
    dlx_status st = nuclear_norm_solve(&r, &ds->train, lambda, diags);
    if (st != DLX_OK)
        return st;
    fprintf(fp, "    method: \"%s\"\n", r.method);
    write_number(fp, "lambda", r.lambda);
    write_number(fp, "f_star", r.f_star);
    write_number(fp, "nuclear_norm", r.nuclear);
    fprintf(fp, "    rank: %d\n", r.rank);
    fprintf(fp, "    iterations: %ld\n", r.iterations);
    write_number(fp, "relative_change", r.change);
    fprintf(fp, "    x_star_fnv1a64: \"%016llx\"\n",
            (unsigned long long)fnv1a_doubles(r.x_star, (size_t)r.rows * (size_t)r.cols));
    nuclear_norm_free(&r);
    return DLX_OK;
}

dlx_status solution_record_write(FILE *fp, bool *started, const char *arm, int point,
                                 const dlx_config *cfg, const dlx_dataset *ds, dlx_diags *diags)
{
    if (!*started)
        fputs(SOLUTION_RECORD_MARKER "\nsolutions:\n", fp);
    *started = true;
    fprintf(fp, "  - arm: \"%s\"\n", arm);
    if (point >= 0)
        fprintf(fp, "    point: %d\n", point);
    fprintf(fp, "    reference: %s\n", spec_enum_name(&SPEC_REFERENCES, (int)cfg->reference));
    dlx_status st = DLX_OK;
    if (cfg->reference == REF_NUCLEAR_NORM)
        return write_nuclear(fp, cfg, ds, diags);
    if (cfg->reference != REF_NONE) {
        dlx_reference ref;
        st = reference_compute(&ref, cfg, ds, diags);
        if (st != DLX_OK)
            return st;
        write_reference(fp, &ref);
        reference_free(&ref);
    }
    if (cfg->model.type != MODEL_LINEAR || cfg->loss != LOSS_MSE)
        return DLX_OK;
    dlx_curvature c;
    st = curvature_compute(&c, cfg, ds, diags);
    if (st != DLX_OK)
        return st;
    write_number(fp, "L", c.L);
    write_number(fp, "mu", c.mu);
    write_number(fp, "condition", c.mu > 0 ? c.L / c.mu : INFINITY);
    dlx_optimizer_config opt = cfg->optimizer;
    if (step_theory_needed(&opt)) {
        step_theory_apply(&opt, &c);
        write_number(fp, "lr", opt.lr);
        if (cfg->optimizer.momentum_rule == MOMENTUM_THEORY)
            write_number(fp, "momentum", opt.momentum);
    }
    return DLX_OK;
}
