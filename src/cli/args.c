/*
 * args.c — parsing the command line of `dlx run` / `dlx validate`.
 *
 * Options are one getopt_long table (cli/option_parser.h gives the loop and
 * dlx's conventions for --KEY=VALUE and the messages); apply_option stores
 * each value.
 * --gemm is stored and, once the whole line parsed, selected for the
 * process (gemm_select): every product of the run goes through that seam,
 * and selecting here keeps the choice in one place for run and its workers.
 */
#include "cli/args.h"

#include "cli/option_parser.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_SET = 256, OPT_OUT, OPT_ARMS, OPT_SEEDS, OPT_POINT, OPT_JOBS, OPT_THREADS, OPT_RESUME,
    OPT_FORCE, OPT_QUIET, OPT_PROGRESS, OPT_GEMM, OPT_FORMAT,
};

/* The options of `dlx run` and `dlx validate`: validate takes only --set and
   --format (run not --format), and names the others as unknown (rather than
   reading `--out=x` as an override). */
static const struct option RUN_OPTIONS[] = {
    {"set", required_argument, NULL, OPT_SET},         {"out", required_argument, NULL, OPT_OUT},
    {"arms", required_argument, NULL, OPT_ARMS},       {"seeds", required_argument, NULL, OPT_SEEDS},
    {"point", required_argument, NULL, OPT_POINT},     {"jobs", required_argument, NULL, OPT_JOBS},
    {"threads", required_argument, NULL, OPT_THREADS}, {"resume", no_argument, NULL, OPT_RESUME},
    {"force", no_argument, NULL, OPT_FORCE},           {"quiet", no_argument, NULL, OPT_QUIET},
    {"progress", no_argument, NULL, OPT_PROGRESS},     {"gemm", required_argument, NULL, OPT_GEMM},
    {"format", required_argument, NULL, OPT_FORMAT},   {NULL, 0, NULL, 0},
};

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
static bool apply_option(dlx_cli_args *a, int id, const char *value, dlx_diags *diags)
{
    switch (id) {
    case OPT_SET:
        if (!strchr(value, '=')) {
            diags_add(diags, NULL, 0, 0, "--set expects KEY=VALUE, got '%s'", value);
            return false;
        }
        return push_override(a, value);
    case OPT_OUT: a->out = value; break;
    case OPT_ARMS: a->arms = value; break;
    case OPT_SEEDS: a->seeds = value; break;
    case OPT_POINT: return parse_int("point", value, 0, &a->point, diags);
    case OPT_JOBS: return parse_int("jobs", value, 1, &a->jobs, diags);
    case OPT_THREADS: return parse_int("threads", value, 1, &a->threads, diags);
    case OPT_RESUME: a->resume = true; break;
    case OPT_FORCE: a->force = true; break;
    case OPT_QUIET: a->quiet = true; break;
    case OPT_PROGRESS: a->progress = true; break;
    case OPT_GEMM:
        if (!gemm_backend_parse(value, &a->gemm)) {
            diags_add(diags, NULL, 0, 0, "--gemm expects auto, openblas or onednn, got '%s'", value);
            return false;
        }
        break;
    case OPT_FORMAT:
        if (strcmp(value, "json") && strcmp(value, "yaml")) {
            diags_add(diags, NULL, 0, 0, "--format: unknown value '%s' (the values are: yaml, json)",
                      value);
            return false;
        }
        a->json = !strcmp(value, "json");
        break;
    default: return false;
    }
    return true;
}

dlx_status cli_parse_args(dlx_cli_args *a, int argc, char **argv, bool allow_run_options,
                          dlx_diags *diags)
{
    *a = (dlx_cli_args){.point = -1, .jobs = 1};
    cli_options p;
    if (!cli_options_begin(&p, argc, argv, RUN_OPTIONS,
                           "", true, NULL)) {
        diags_add(diags, NULL, 0, 0, "out of memory reading the command line");
        return DLX_ERR_RUNTIME;
    }
    bool ok = true;
    for (cli_event e; (e = cli_options_next(&p, diags)) != CLI_END;) {
        const char *arg = p.value;
        if (e == CLI_ERROR)
            ok = false;
        else if (e == CLI_OPTION && (allow_run_options ? p.id == OPT_FORMAT
                                                       : p.id != OPT_SET && p.id != OPT_FORMAT)) {
            diags_add(diags, NULL, 0, 0, "unknown option '--%s'", RUN_OPTIONS[p.id - OPT_SET].name);
            ok = false;
        } else if (e == CLI_OPTION)
            ok &= apply_option(a, p.id, arg, diags);
        else if (e == CLI_OVERRIDE)
            ok &= push_override(a, arg); /* --KEY=VALUE (Hydra's habit) */
        else if (!a->file && !strchr(arg, '='))
            a->file = arg;
        else if (a->file && strchr(arg, '='))
            ok &= push_override(a, arg); /* KEY=VALUE after the file */
        else {
            diags_add(diags, NULL, 0, 0, "unexpected argument '%s'", arg);
            ok = false;
        }
    }
    cli_options_end(&p);
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
