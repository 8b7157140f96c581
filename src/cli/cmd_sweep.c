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
#include "io/atomic_file.h"
#include "spec/experiment.h"

#define MAX_SBATCH_LINES 32

typedef struct {
    const char *file, *emit, *out, *dlx, *partition, *time, *mem, *job_name;
    const char **overrides;
    int n_overrides;
    int threads, throttle;
    const char *sbatch[MAX_SBATCH_LINES];
    int n_sbatch;
} sweep_args;

static const char *const VALUE_OPTIONS[] = {"emit", "out", "dlx", "partition", "time", "mem",
                                            "job-name", "threads", "throttle", "sbatch", "set"};

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
    if (!a->overrides)
        return DLX_ERR_RUNTIME;
    bool ok = true;
    for (int i = 0; i < argc; i++) {
        const char *w = argv[i];
        if (!strncmp(w, "--", 2) && w[2]) {
            const char *name = w + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const char *known = NULL;
            for (size_t k = 0; k < sizeof VALUE_OPTIONS / sizeof *VALUE_OPTIONS; k++)
                if (strlen(VALUE_OPTIONS[k]) == len && !strncmp(VALUE_OPTIONS[k], name, len))
                    known = VALUE_OPTIONS[k];
            if (!known && eq) {
                a->overrides[a->n_overrides++] = name; /* --KEY=VALUE */
                continue;
            }
            if (!known) {
                diags_add(diags, NULL, 0, 0, "unknown option '%s' (see dlx help sweep)", w);
                ok = false;
                continue;
            }
            const char *value = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (!value) {
                diags_add(diags, NULL, 0, 0, "option '--%s' needs a value", known);
                ok = false;
                continue;
            }
            ok &= apply(a, known, value, diags);
        } else if (!a->file && !strchr(w, '=')) {
            a->file = w;
        } else if (a->file && strchr(w, '=')) {
            a->overrides[a->n_overrides++] = w;
        } else {
            diags_add(diags, NULL, 0, 0, "unexpected argument '%s'", w);
            ok = false;
        }
    }
    if (!a->file) {
        diags_add(diags, NULL, 0, 0, "missing experiment file (usage: dlx sweep FILE.yaml --emit commands|slurm)");
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

/* A word for /bin/sh: as it is when it holds only safe characters, else in
   single quotes (with ' written as '\''). */
static void put_word(FILE *fp, const char *s)
{
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+./:=,@%") ==
                  strlen(s)) {
        fputs(s, fp);
        return;
    }
    fputc('\'', fp);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", fp);
        else
            fputc(*s, fp);
    fputc('\'', fp);
}

/* "DLX run FILE --set ..." shared by every point, without --point/--out. */
static void put_run_prefix(FILE *fp, const sweep_args *a, const char *dlx)
{
    put_word(fp, dlx);
    fputs(" run ", fp);
    put_word(fp, a->file);
    for (int i = 0; i < a->n_overrides; i++) {
        fputs(" --set ", fp);
        put_word(fp, a->overrides[i]);
    }
    if (a->threads) {
        fprintf(fp, " --threads %d", a->threads);
    }
}

static void emit_commands(const sweep_args *a, const char *dlx, const char *out, int n_points)
{
    for (int p = 0; p < (n_points > 0 ? n_points : 1); p++) {
        char dir[DLX_PATH_MAX + 32];
        put_run_prefix(stdout, a, dlx);
        if (n_points > 0) {
            snprintf(dir, sizeof dir, "%s/p%d", out, p);
            fprintf(stdout, " --point %d", p);
        } else {
            snprintf(dir, sizeof dir, "%s", out);
        }
        fputs(" --out ", stdout);
        put_word(stdout, dir);
        fputc('\n', stdout);
    }
}

static dlx_status emit_slurm(const sweep_args *a, const char *dlx, const char *out, int n_points,
                             const char *name, dlx_diags *diags)
{
    char logs[DLX_PATH_MAX + 16], cwd[DLX_PATH_MAX];
    snprintf(logs, sizeof logs, "%s/slurm", out);
    dlx_status st = make_dirs(logs, diags);
    if (st != DLX_OK)
        return st;
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, ".");
    int n = n_points > 0 ? n_points : 1;
    FILE *fp = stdout;
    fputs("#!/bin/bash\n# Written by dlx sweep --emit slurm: task I runs sweep point I.\n", fp);
    fprintf(fp, "#SBATCH --job-name=%s\n", a->job_name ? a->job_name : name);
    fprintf(fp, "#SBATCH --array=0-%d", n - 1);
    if (a->throttle)
        fprintf(fp, "%%%d", a->throttle);
    fprintf(fp, "\n#SBATCH --cpus-per-task=%d\n", a->threads ? a->threads : 1);
    fprintf(fp, "#SBATCH --output=%s/%%x-%%A_%%a.out\n", logs);
    fprintf(fp, "#SBATCH --chdir=%s\n", cwd);
    fputs("#SBATCH --signal=B:USR1@120\n", fp);
    if (a->partition)
        fprintf(fp, "#SBATCH --partition=%s\n", a->partition);
    if (a->time)
        fprintf(fp, "#SBATCH --time=%s\n", a->time);
    if (a->mem)
        fprintf(fp, "#SBATCH --mem=%s\n", a->mem);
    for (int i = 0; i < a->n_sbatch; i++)
        fprintf(fp, "#SBATCH %s\n", a->sbatch[i]);
    fputs("# exec: the signal Slurm sends before the time limit reaches dlx itself,\n"
          "# which stops after the current step with its checkpoint written.\n",
          fp);
    fputs("exec ", fp);
    put_run_prefix(fp, a, dlx);
    if (n_points > 0) {
        fputs(" --point \"$SLURM_ARRAY_TASK_ID\" --out ", fp);
        put_word(fp, out);
        fputs("/p\"$SLURM_ARRAY_TASK_ID\"\n", fp);
    } else {
        fputs(" --out ", fp);
        put_word(fp, out);
        fputc('\n', fp);
    }
    return DLX_OK;
}

int cmd_sweep(int argc, char **argv)
{
    dlx_diags diags = {0};
    sweep_args a;
    dlx_status st = parse(&a, argc, argv, &diags);
    dlx_overrides ov = {a.overrides, a.n_overrides};
    if (st == DLX_OK)
        st = experiment_validate_all_points(a.file, &ov, &diags);
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
        if (!strcmp(a.emit, "commands"))
            emit_commands(&a, dlx, out, sweep.n_points);
        else
            st = emit_slurm(&a, dlx, out, sweep.n_points, exp->experiment, &diags);
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
