/*
 * cmd_sweep.c — `dlx sweep FILE.yaml --emit commands|slurm [--out DIR] ...`
 * (SPEC §6, docs/sweeps.md): one self-contained `dlx run` per sweep point,
 * for GNU parallel, xargs -P or a Slurm job array.
 *
 * Each point is run as `dlx run FILE [--set ...] --point I --out DIR/pI`:
 * --point (rather than a --set per swept key) keeps the swept keys as
 * columns of metrics.csv and summary.csv and validates the whole sweep in
 * every run, so `dlx collect DIR` gives the rows of a local `dlx run`.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/option_parser.h"
#include "experiment/validate.h"
#include "io/atomic_file.h"
#include "spec/experiment.h"
#include "util/shell_quote.h"
#include "util/yaml_tree.h"

#define MAX_SBATCH_LINES 32

typedef struct {
    const char *file, *emit, *out, *dlx, *partition, *time, *mem, *job_name;
    const char **overrides;
    int n_overrides;
    int threads, throttle;
    bool resume, force;       /* passed to every emitted run */
    const char *sbatch[MAX_SBATCH_LINES];
    int n_sbatch;
} sweep_args;

/* The options of `dlx sweep`, each taking a value; `val` indexes the name. */
static const struct option SWEEP_OPTIONS[] = {
    {"emit", required_argument, NULL, 256},      {"out", required_argument, NULL, 257},
    {"dlx", required_argument, NULL, 258},       {"partition", required_argument, NULL, 259},
    {"time", required_argument, NULL, 260},      {"mem", required_argument, NULL, 261},
    {"job-name", required_argument, NULL, 262},  {"threads", required_argument, NULL, 263},
    {"throttle", required_argument, NULL, 264},  {"sbatch", required_argument, NULL, 265},
    {"set", required_argument, NULL, 266},       {"resume", no_argument, NULL, 267},
    {"force", no_argument, NULL, 268},           {NULL, 0, NULL, 0},
};

/* Store one option's value. */
static bool apply(sweep_args *a, const char *name, const char *value, dlx_diags *diags)
{
    int *num = !strcmp(name, "threads") ? &a->threads : !strcmp(name, "throttle") ? &a->throttle : NULL;
    if (num) {
        char *end;
        long v = strtol(value, &end, 10);
        if (end == value || *end || v < 1 || v > INT_MAX) {
            diags_add(diags, NULL, 0, 0, "--%s expects an integer >= 1, got '%s'", name, value);
            return false;
        }
        *num = (int)v;
        return true;
    }
    if (!strcmp(name, "set")) {
        if (!strchr(value, '=')) {
            diags_add(diags, NULL, 0, 0, "--set expects KEY=VALUE, got '%s'", value);
            return false;
        }
        a->overrides[a->n_overrides++] = value;
    } else if (!strcmp(name, "sbatch")) {
        if (a->n_sbatch == MAX_SBATCH_LINES) {
            diags_add(diags, NULL, 0, 0, "at most %d --sbatch options", MAX_SBATCH_LINES);
            return false;
        }
        a->sbatch[a->n_sbatch++] = value;
    } else {
        const char **slot = !strcmp(name, "emit") ? &a->emit : !strcmp(name, "out") ? &a->out
                          : !strcmp(name, "dlx") ? &a->dlx : !strcmp(name, "partition") ? &a->partition
                          : !strcmp(name, "time") ? &a->time : !strcmp(name, "mem") ? &a->mem
                          : &a->job_name;
        *slot = value;
    }
    return true;
}

static dlx_status parse(sweep_args *a, int argc, char **argv, dlx_diags *diags)
{
    *a = (sweep_args){.overrides = calloc((size_t)argc + 1, sizeof(char *))};
    cli_options p;
    if (!a->overrides || !cli_options_begin(&p, argc, argv, SWEEP_OPTIONS, "", true, "sweep")) {
        diags_add(diags, NULL, 0, 0, "out of memory reading the command line");
        return DLX_ERR_RUNTIME;
    }
    bool ok = true;
    for (cli_event e; (e = cli_options_next(&p, diags)) != CLI_END;) {
        const char *w = p.value;
        if (e == CLI_ERROR)
            ok = false;
        else if (e == CLI_OPTION && p.id == 267)
            a->resume = true;
        else if (e == CLI_OPTION && p.id == 268)
            a->force = true;
        else if (e == CLI_OPTION)
            ok &= apply(a, SWEEP_OPTIONS[p.id - 256].name, w, diags);
        else if (e == CLI_OVERRIDE)
            a->overrides[a->n_overrides++] = w; /* --KEY=VALUE */
        else if (!a->file && !strchr(w, '='))
            a->file = w;
        else if (a->file && strchr(w, '='))
            a->overrides[a->n_overrides++] = w;
        else {
            diags_add(diags, NULL, 0, 0, "unexpected argument '%s'", w);
            ok = false;
        }
    }
    cli_options_end(&p);
    if (!a->file) {
        diags_add(diags, NULL, 0, 0, "missing experiment file (usage: dlx sweep FILE.yaml --emit commands|slurm)");
        ok = false;
    }
    if (a->resume && a->force) {
        diags_add(diags, NULL, 0, 0, "--resume and --force cannot be used together");
        ok = false;
    }
    if (!a->emit) {
        diags_add(diags, NULL, 0, 0, "missing --emit commands|slurm");
        ok = false;
    } else if (strcmp(a->emit, "commands") && strcmp(a->emit, "slurm")) {
        diags_add(diags, NULL, 0, 0, "--emit: unknown value '%s' (the values are: commands, slurm)", a->emit);
        ok = false;
    }
    return ok ? DLX_OK : DLX_ERR_INPUT;
}

/* ------------------------------------------------ values that cannot be emitted */

/* Refuse value, named `what` (an option, or FILE:LINE:COL when file is set),
   when it cannot be written safely where it goes (util/shell_quote.h).
   True when it can. */
static bool check_value(dlx_diags *diags, const char *value, shq_context where, const char *what,
                        const char *file, int line, int col)
{
    const char *why = shell_refusal(value, strlen(value), where, NULL);
    if (!why)
        return true;
    char shown[96]; /* "..." with escapes, or plain, shown as 'plain' */
    if (ytree_format_string(value, strlen(value), shown, sizeof shown) >= (int)sizeof shown)
        memcpy(shown + sizeof shown - 4, "...", 4);
    const char *q = shown[0] == '"' ? "" : "'";
    diags_add(diags, file, line, col, "%s %s%s%s cannot be written safely into %s: it holds %s", what, q, shown, q,
              where == SHQ_SHELL_WORD ? "a command line" : "a #SBATCH line", why);
    return false;
}

/* Where the experiment's output folder comes from, for a message: true
   for a --set of `output`; else false, with *line, *col of the file's
   `output:` value (0 when it cannot be found again). The default, from the
   experiment's name, is always safe and never asked about. */
static bool output_origin(const sweep_args *a, int *line, int *col)
{
    *line = *col = 0;
    for (int i = 0; i < a->n_overrides; i++)
        if (!strncmp(a->overrides[i], "output=", 7))
            return true;
    FILE *fp = fopen(a->file, "rb");
    char *text = NULL;
    size_t cap = 0;
    ssize_t len = fp ? getdelim(&text, &cap, '\0', fp) : -1; /* the whole file: it holds no NUL */
    if (fp)
        fclose(fp);
    ytree_origin origin = {a->file, NULL};
    ytree_node *root = NULL;
    dlx_diags ignored = {0};
    if (len > 0 && ytree_parse(text, (size_t)len, &origin, 0, &root, &ignored) == DLX_OK) {
        const ytree_node *v = root && root->kind == YTREE_MAP ? ytree_map_get(root, "output") : NULL;
        if (v)
            *line = v->line, *col = v->col;
    }
    ytree_free(root);
    diags_free(&ignored);
    free(text);
    return false;
}

/* Check every value that goes into the emitted lines, before any is written. */
static bool check_values(const sweep_args *a, const char *dlx, const char *out, const char *cwd,
                         dlx_diags *diags)
{
    bool slurm = !strcmp(a->emit, "slurm");
    bool ok = check_value(diags, dlx, SHQ_SHELL_WORD, a->dlx ? "--dlx" : "the path of this dlx (set another "
                                                               "with --dlx)", NULL, 0, 0);
    ok &= check_value(diags, a->file, SHQ_SHELL_WORD, "the experiment file name", NULL, 0, 0);
    for (int i = 0; i < a->n_overrides; i++)
        ok &= check_value(diags, a->overrides[i], SHQ_SHELL_WORD, "--set", NULL, 0, 0);
    /* In a Slurm script the output folder is also part of --output's pattern. */
    shq_context out_where = slurm ? SHQ_SLURM_PATTERN : SHQ_SHELL_WORD;
    if (a->out) {
        ok &= check_value(diags, out, out_where, "--out", NULL, 0, 0);
    } else if (shell_refusal(out, strlen(out), out_where, NULL)) {
        int line, col;
        bool set = output_origin(a, &line, &col);
        ok &= check_value(diags, out, out_where, set ? "output (set by --set)" : "output", set ? NULL : a->file,
                          line, col);
    }
    if (!slurm)
        return ok;
    const char *const directives[][2] = {{"--job-name", a->job_name}, {"--partition", a->partition},
                                         {"--time", a->time}, {"--mem", a->mem}};
    for (size_t i = 0; i < sizeof directives / sizeof *directives; i++)
        if (directives[i][1])
            ok &= check_value(diags, directives[i][1], SHQ_SBATCH, directives[i][0], NULL, 0, 0);
    for (int i = 0; i < a->n_sbatch; i++)
        ok &= check_value(diags, a->sbatch[i], SHQ_SBATCH, "--sbatch", NULL, 0, 0);
    ok &= check_value(diags, cwd, SHQ_SBATCH, "the working folder (--chdir)", NULL, 0, 0);
    return ok;
}

/* ------------------------------------------------------------ writing */

typedef struct {
    FILE *fp;
    bool failed; /* out of memory */
} emitter;

/* s quoted by `quote` (shell_quote or sbatch_quote). */
static void put_quoted(emitter *e, const char *s, size_t (*quote)(const char *, char *, size_t))
{
    char small[256];
    size_t n = quote(s, small, sizeof small);
    char *q = n < sizeof small ? small : malloc(n + 1);
    if (!q) {
        e->failed = true;
        return;
    }
    if (q != small)
        quote(s, q, n + 1);
    fputs(q, e->fp);
    if (q != small)
        free(q);
}

/* A word for /bin/sh. */
static void put_word(emitter *e, const char *s)
{
    put_quoted(e, s, shell_quote);
}

/* "#SBATCH OPTIONvalue" with the value quoted for sbatch. */
static void put_directive(emitter *e, const char *option, const char *value)
{
    fprintf(e->fp, "#SBATCH %s", option);
    put_quoted(e, value, sbatch_quote);
    fputc('\n', e->fp);
}

/* "DLX run FILE --set ..." shared by every point, without --point/--out. */
static void put_run_prefix(emitter *e, const sweep_args *a, const char *dlx)
{
    put_word(e, dlx);
    fputs(" run ", e->fp);
    put_word(e, a->file);
    for (int i = 0; i < a->n_overrides; i++) {
        fputs(" --set ", e->fp);
        put_word(e, a->overrides[i]);
    }
    if (a->threads)
        fprintf(e->fp, " --threads %d", a->threads);
    if (a->resume)
        fputs(" --resume", e->fp);
    if (a->force)
        fputs(" --force", e->fp);
}

/* Without --resume or --force, refuse (at emit time, rather than in every
   emitted run) when a point folder under out already holds results, as
   `dlx run` would. True when the lines may be emitted. */
static bool check_point_folders(const sweep_args *a, const char *out, int n_points,
                                dlx_diags *diags)
{
    if (a->resume || a->force)
        return true;
    static const char *const results[] = {"metrics.csv", "summary.csv", "runs"};
    bool ok = true;
    for (int p = 0; p < (n_points > 0 ? n_points : 1); p++) {
        char dir[DLX_PATH_MAX + 32], path[DLX_PATH_MAX + 64];
        if (n_points > 0)
            snprintf(dir, sizeof dir, "%s/p%d", out, p);
        else
            snprintf(dir, sizeof dir, "%s", out);
        for (size_t k = 0; k < sizeof results / sizeof *results; k++) {
            snprintf(path, sizeof path, "%s/%s", dir, results[k]);
            if (access(path, F_OK) == 0) {
                diags_add(diags, NULL, 0, 0,
                          "output folder '%s' already holds results (%s); pass --resume to "
                          "continue them, --force to replace them, or --out DIR for another "
                          "folder",
                          dir, results[k]);
                ok = false;
                break;
            }
        }
    }
    return ok;
}

static void emit_commands(emitter *e, const sweep_args *a, const char *dlx, const char *out, int n_points)
{
    for (int p = 0; p < (n_points > 0 ? n_points : 1); p++) {
        put_run_prefix(e, a, dlx);
        if (n_points > 0)
            fprintf(e->fp, " --point %d", p);
        fputs(" --out ", e->fp);
        put_word(e, out);
        if (n_points > 0)
            fprintf(e->fp, "/p%d", p);
        fputc('\n', e->fp);
    }
}

/* The --output pattern of the task logs: logs with each % written %%, as
   Slurm reads it, then the file name. NULL when memory runs out. */
static char *log_pattern(const char *logs)
{
    static const char name[] = "/%x-%A_%a.out";
    char *p = malloc(2 * strlen(logs) + sizeof name), *w = p;
    for (const char *s = logs; p && *s; s++)
        if ((*w++ = *s) == '%')
            *w++ = '%';
    if (p)
        memcpy(w, name, sizeof name);
    return p;
}

static dlx_status emit_slurm(emitter *e, const sweep_args *a, const char *dlx, const char *out, int n_points,
                             const char *name, const char *cwd, dlx_diags *diags)
{
    char logs[DLX_PATH_MAX + 16];
    if (snprintf(logs, sizeof logs, "%s/slurm", out) >= (int)sizeof logs) {
        diags_add(diags, NULL, 0, 0, "the output folder '%s' is too long", out);
        return DLX_ERR_INPUT;
    }
    dlx_status st = make_dirs(logs, diags);
    if (st != DLX_OK)
        return st;
    char *pattern = log_pattern(logs);
    if (!pattern)
        return DLX_ERR_RUNTIME;
    int n = n_points > 0 ? n_points : 1;
    FILE *fp = e->fp;
    fputs("#!/bin/bash\n# Written by dlx sweep --emit slurm: task I runs sweep point I.\n", fp);
    put_directive(e, "--job-name=", a->job_name ? a->job_name : name);
    fprintf(fp, "#SBATCH --array=0-%d", n - 1);
    if (a->throttle)
        fprintf(fp, "%%%d", a->throttle);
    fprintf(fp, "\n#SBATCH --cpus-per-task=%d\n", a->threads ? a->threads : 1);
    put_directive(e, "--output=", pattern);
    free(pattern);
    put_directive(e, "--chdir=", cwd);
    fputs("#SBATCH --signal=B:USR1@120\n", fp);
    const char *const directives[][2] = {{"--partition=", a->partition}, {"--time=", a->time},
                                         {"--mem=", a->mem}};
    for (size_t i = 0; i < sizeof directives / sizeof *directives; i++)
        if (directives[i][1])
            put_directive(e, directives[i][0], directives[i][1]);
    for (int i = 0; i < a->n_sbatch; i++)
        put_directive(e, "", a->sbatch[i]);
    fputs("# exec: the signal Slurm sends before the time limit reaches dlx itself,\n"
          "# which stops after the current step with its checkpoint written.\n",
          fp);
    fputs("exec ", fp);
    put_run_prefix(e, a, dlx);
    fputs(n_points > 0 ? " --point \"$SLURM_ARRAY_TASK_ID\" --out " : " --out ", fp);
    put_word(e, out);
    fputs(n_points > 0 ? "/p\"$SLURM_ARRAY_TASK_ID\"\n" : "\n", fp);
    return DLX_OK;
}

int cmd_sweep(int argc, char **argv)
{
    dlx_diags diags = {0};
    sweep_args a;
    dlx_status st = parse(&a, argc, argv, &diags);
    dlx_overrides ov = {a.overrides, a.n_overrides};
    if (st == DLX_OK)
        st = experiment_validate_file(a.file, &ov, &diags);
    dlx_experiment *exp = st == DLX_OK ? calloc(1, sizeof *exp) : NULL;
    dlx_sweep sweep = {0};
    if (st == DLX_OK && !exp)
        st = DLX_ERR_RUNTIME;
    if (st == DLX_OK)
        st = experiment_load(exp, &sweep, a.file, &ov, -1, NULL, &diags);
    if (st == DLX_OK) {
        char self[DLX_PATH_MAX] = "dlx";
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        self[n > 0 ? n : 3] = '\0';
        const char *dlx = a.dlx ? a.dlx : self;
        const char *out = a.out ? a.out : exp->output;
        char cwd[DLX_PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            snprintf(cwd, sizeof cwd, ".");
        emitter e = {stdout, false};
        if (!check_values(&a, dlx, out, cwd, &diags) || !check_point_folders(&a, out, sweep.n_points, &diags))
            st = DLX_ERR_INPUT;
        else if (!strcmp(a.emit, "commands"))
            emit_commands(&e, &a, dlx, out, sweep.n_points);
        else
            st = emit_slurm(&e, &a, dlx, out, sweep.n_points, exp->experiment, cwd, &diags);
        if (st == DLX_OK && e.failed) {
            diags_add(&diags, NULL, 0, 0, "out of memory");
            st = DLX_ERR_RUNTIME;
        }
        if (st == DLX_OK && fflush(stdout) != 0) {
            diags_add(&diags, NULL, 0, 0, "cannot write to stdout");
            st = DLX_ERR_RUNTIME;
        }
    }
    diags_print(&diags, stderr);
    diags_free(&diags);
    free(exp);
    free(a.overrides);
    return (int)st;
}
