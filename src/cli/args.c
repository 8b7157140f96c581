/*
 * args.c — parsing the command line of `dlx run` / `dlx validate`.
 *
 * Options are looked up in one table; apply_option stores each value.
 * --gemm is stored and, once the whole line parsed, selected for the
 * process (gemm_select): every product of the run goes through that seam,
 * and selecting here keeps the choice in one place for run and its workers.
 */
#include "cli/args.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OPT_FLAG, OPT_STRING, OPT_INT } option_kind;

typedef struct {
    const char *name;
    option_kind kind;
    bool run_only;
} option_def;

static const option_def OPTIONS[] = {
    {"set", OPT_STRING, false},  {"out", OPT_STRING, true},   {"arms", OPT_STRING, true},
    {"seeds", OPT_STRING, true}, {"point", OPT_INT, true},     {"jobs", OPT_INT, true},
    {"threads", OPT_INT, true},  {"resume", OPT_FLAG, true},  {"force", OPT_FLAG, true},
    {"quiet", OPT_FLAG, true},   {"progress", OPT_FLAG, true}, {"gemm", OPT_STRING, true},
};
#define N_OPTIONS (int)(sizeof OPTIONS / sizeof *OPTIONS)

static const option_def *find_option(const char *name, size_t len)
{
    for (int i = 0; i < N_OPTIONS; i++)
        if (strlen(OPTIONS[i].name) == len && strncmp(OPTIONS[i].name, name, len) == 0)
            return &OPTIONS[i];
    return NULL;
}

static bool push_override(dlx_cli_args *a, const char *text)
{
    const char **o = realloc(a->overrides, (size_t)(a->n_overrides + 1) * sizeof *o);
    if (!o)
        return false;
    a->overrides = o;
    a->overrides[a->n_overrides++] = text;
    return true;
}

/* A non-negative int option value in [min, INT_MAX]. */
static bool parse_int(const char *name, const char *text, int min, int *out, dlx_diags *diags)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < min || v > INT_MAX) {
        diags_add(diags, NULL, 0, 0, "--%s expects an integer >= %d, got '%s'", name, min, text);
        return false;
    }
    *out = (int)v;
    return true;
}

/* Store the value of a recognised option. */
static bool apply_option(dlx_cli_args *a, const option_def *o, const char *value,
                         dlx_diags *diags)
{
    const char *n = o->name;
    if (!strcmp(n, "set")) {
        if (!strchr(value, '=')) {
            diags_add(diags, NULL, 0, 0, "--set expects KEY=VALUE, got '%s'", value);
            return false;
        }
        return push_override(a, value);
    }
    if (!strcmp(n, "out"))
        a->out = value;
    else if (!strcmp(n, "arms"))
        a->arms = value;
    else if (!strcmp(n, "seeds"))
        a->seeds = value;
    else if (!strcmp(n, "point"))
        return parse_int(n, value, 0, &a->point, diags);
    else if (!strcmp(n, "jobs"))
        return parse_int(n, value, 1, &a->jobs, diags);
    else if (!strcmp(n, "threads"))
        return parse_int(n, value, 1, &a->threads, diags);
    else if (!strcmp(n, "resume"))
        a->resume = true;
    else if (!strcmp(n, "force"))
        a->force = true;
    else if (!strcmp(n, "quiet"))
        a->quiet = true;
    else if (!strcmp(n, "progress"))
        a->progress = true;
    else if (!strcmp(n, "gemm") && !gemm_backend_parse(value, &a->gemm)) {
        diags_add(diags, NULL, 0, 0, "--gemm expects auto, openblas or onednn, got '%s'", value);
        return false;
    }
    return true;
}

dlx_status cli_parse_args(dlx_cli_args *a, int argc, char **argv, bool allow_run_options,
                          dlx_diags *diags)
{
    *a = (dlx_cli_args){.point = -1, .jobs = 1};
    bool ok = true;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) == 0 && arg[2]) {
            const char *name = arg + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const option_def *o = find_option(name, len);
            if (!o && eq) { /* --KEY=VALUE: an override (Hydra's habit) */
                ok &= push_override(a, name);
                continue;
            }
            if (!o || (o->run_only && !allow_run_options)) {
                diags_add(diags, NULL, 0, 0, "unknown option '%.*s'", (int)len + 2, arg);
                ok = false;
                continue;
            }
            const char *value = eq ? eq + 1 : NULL;
            if (o->kind == OPT_FLAG) {
                if (value) {
                    diags_add(diags, NULL, 0, 0, "option '--%s' takes no value", o->name);
                    ok = false;
                    continue;
                }
            } else if (!value) {
                if (i + 1 >= argc) {
                    diags_add(diags, NULL, 0, 0, "option '--%s' needs a value", o->name);
                    ok = false;
                    continue;
                }
                value = argv[++i];
            }
            ok &= apply_option(a, o, value, diags);
        } else if (!a->file && !strchr(arg, '=')) {
            a->file = arg;
        } else if (a->file && strchr(arg, '=')) {
            ok &= push_override(a, arg); /* KEY=VALUE after the file */
        } else {
            diags_add(diags, NULL, 0, 0, "unexpected argument '%s'", arg);
            ok = false;
        }
    }
    if (!a->file) {
        diags_add(diags, NULL, 0, 0, "missing experiment file (usage: dlx %s FILE.yaml ...)",
                  allow_run_options ? "run" : "validate");
        ok = false;
    }
    if (a->resume && a->force) {
        diags_add(diags, NULL, 0, 0, "--resume and --force cannot be used together");
        ok = false;
    }
    if (ok && allow_run_options && gemm_select(a->gemm, diags) != DLX_OK)
        ok = false;
    return ok ? DLX_OK : DLX_ERR_INPUT;
}

void cli_args_free(dlx_cli_args *a)
{
    free(a->overrides);
    *a = (dlx_cli_args){0};
}
