/*
 * cmd_collect.c — `dlx collect DIR... [-o FILE] [--runs] [--allow-mixed] [--format csv|json]`
 * and `dlx summarize DIR... [-o FILE] [--format table|csv|json] [--csv]
 * [--paired A B [--metric M]] [--allow-mixed]` (SPEC §6, docs/sweeps.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/option_parser.h"
#include "io/atomic_file.h"
#include "results/collect.h"
#include "results/paired.h"
#include "results/seed_summary.h"
#include "results/summary_json.h"

typedef struct {
    char **dirs;
    int n_dirs;
    const char *out;
    bool csv;                  /* summarize --csv or --format csv */
    bool json;                 /* --format json */
    const char *paired[2];     /* summarize --paired A B */
    const char *metric;        /* summarize --metric M (with --paired) */
    dlx_collect_options opts;
} collect_args;

enum { OPT_OUTPUT = 'o', OPT_ALLOW_MIXED = 256, OPT_RUNS, OPT_CSV, OPT_FORMAT, OPT_PAIRED, OPT_METRIC };

/* The options of `dlx collect` and `dlx summarize` (--runs is collect's;
   --csv, --paired and --metric summarize's). */
static const struct option COLLECT_OPTIONS[] = {
    {"output", required_argument, NULL, OPT_OUTPUT}, {"allow-mixed", no_argument, NULL, OPT_ALLOW_MIXED},
    {"runs", no_argument, NULL, OPT_RUNS},           {"csv", no_argument, NULL, OPT_CSV},
    {"format", required_argument, NULL, OPT_FORMAT}, {"paired", required_argument, NULL, OPT_PAIRED},
    {"metric", required_argument, NULL, OPT_METRIC}, {NULL, 0, NULL, 0},
};

static dlx_status parse(collect_args *a, int argc, char **argv, bool summarize, dlx_diags *diags)
{
    const char *command = summarize ? "summarize" : "collect";
    *a = (collect_args){.dirs = calloc((size_t)argc + 1, sizeof(char *))};
    cli_options p;
    if (!a->dirs || !cli_options_begin(&p, argc, argv, COLLECT_OPTIONS, "o:", false, command)) {
        diags_add(diags, NULL, 0, 0, "out of memory reading the command line");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = DLX_OK;
    bool want_second_arm = false;   /* --paired A read, B is the next word */
    for (cli_event e; (e = cli_options_next(&p, diags)) != CLI_END;) {
        if (e == CLI_ERROR) {
            st = DLX_ERR_INPUT;
        } else if (e == CLI_WORD && want_second_arm) {
            a->paired[1] = p.value;
            want_second_arm = false;
        } else if (e == CLI_WORD) {
            a->dirs[a->n_dirs++] = (char *)p.value;
        } else if (p.id == OPT_OUTPUT) {
            a->out = p.value;
        } else if (p.id == OPT_ALLOW_MIXED) {
            a->opts.allow_mixed = true;
        } else if (p.id == OPT_RUNS && !summarize) {
            a->opts.runs = true;
        } else if (p.id == OPT_CSV && summarize) {
            a->csv = true;
        } else if (p.id == OPT_FORMAT && summarize) {
            if (!strcmp(p.value, "table") || !strcmp(p.value, "csv") || !strcmp(p.value, "json")) {
                a->csv = !strcmp(p.value, "csv");
                a->json = !strcmp(p.value, "json");
            } else {
                diags_add(diags, NULL, 0, 0, "--format expects table, csv or json, got '%s'", p.value);
                st = DLX_ERR_INPUT;
            }
        } else if (p.id == OPT_PAIRED && summarize) {
            a->paired[0] = p.value;
            want_second_arm = true;
        } else if (p.id == OPT_METRIC && summarize) {
            a->metric = p.value;
        } else if (p.id == OPT_FORMAT && !summarize) {
            if (!strcmp(p.value, "json") || !strcmp(p.value, "csv")) {
                a->json = !strcmp(p.value, "json");
            } else {
                diags_add(diags, NULL, 0, 0,
                          "--format: unknown value '%s' (the values are: csv, json)", p.value);
                st = DLX_ERR_INPUT;
            }
        } else {
            diags_add(diags, NULL, 0, 0, "unknown option '--%s' (see dlx help %s)",
                      p.id == OPT_RUNS      ? "runs"
                      : p.id == OPT_CSV     ? "csv"
                      : p.id == OPT_PAIRED  ? "paired"
                      : p.id == OPT_METRIC  ? "metric"
                                            : "format",
                      command);
            st = DLX_ERR_INPUT;
        }
    }
    cli_options_end(&p);
    if (want_second_arm) {
        diags_add(diags, NULL, 0, 0, "--paired needs two arms (--paired A B)");
        st = DLX_ERR_INPUT;
    }
    if (a->metric && !a->paired[0]) {
        diags_add(diags, NULL, 0, 0, "--metric chooses the metric of --paired, which is not given");
        st = DLX_ERR_INPUT;
    }
    if (a->paired[0] && a->csv) {
        diags_add(diags, NULL, 0, 0,
                  "--paired is shown in the table and JSON forms, not in the CSV (--format csv)");
        st = DLX_ERR_INPUT;
    }
    if (a->n_dirs == 0 && st == DLX_OK) {
        diags_add(diags, NULL, 0, 0, "no folder given (usage: dlx %s DIR... [-o FILE])",
                  summarize ? "summarize" : "collect");
        st = DLX_ERR_INPUT;
    }
    return st;
}

/* Write t as CSV (or, json, as the JSON of json_output.h) to path
   (atomically) or to stdout when path is NULL. */
static dlx_status write_table_as(const dlx_text_table *t, const char *path, bool json,
                                 dlx_diags *diags)
{
    if (!path)
        return json ? json_write_table(t, stdout, diags)
                    : collect_write_csv(t, stdout, "<stdout>", diags);
    dlx_atomic_file af;
    dlx_status st = atomic_open(&af, path, diags);
    if (st != DLX_OK)
        return st;
    st = json ? json_write_table(t, af.fp, diags) : collect_write_csv(t, af.fp, path, diags);
    if (st != DLX_OK) {
        atomic_abort(&af);
        return st;
    }
    return atomic_commit(&af, diags);
}

static dlx_status write_table(const dlx_text_table *t, const char *path, dlx_diags *diags)
{
    return write_table_as(t, path, false, diags);
}

static int collect_or_summarize(int argc, char **argv, bool summarize)
{
    dlx_diags diags = {0}, warnings = {0};
    collect_args a;
    dlx_status st = parse(&a, argc, argv, summarize, &diags);
    if (summarize)
        a.opts.runs = true;
    dlx_text_table merged = {0}, stats = {0};
    dlx_paired paired = {0};
    if (st == DLX_OK)
        st = collect_merge(a.dirs, a.n_dirs, &a.opts, &merged, &diags, &warnings);
    if (st == DLX_OK && summarize)
        st = seed_summary_compute(&merged, &stats, &diags);
    if (st == DLX_OK && summarize && a.paired[0])
        st = paired_compare(&merged, a.paired[0], a.paired[1], a.metric, &paired, &diags);
    if (st == DLX_OK && summarize) {
        seed_summary_warnings(&merged, &stats, &warnings);
        if (a.paired[0])
            paired_warnings(&paired, &warnings);
        if (a.out)
            st = write_table(&stats, a.out, &diags);
        if (st == DLX_OK && a.csv)
            st = write_table(&stats, NULL, &diags);
        else if (st == DLX_OK && a.json)
            st = summary_json_write(&merged, &stats, a.paired[0] ? &paired : NULL, stdout,
                                    "<stdout>", &diags);
        else if (st == DLX_OK) {
            seed_summary_print(&stats, stdout);
            if (a.paired[0])
                paired_print(&paired, stdout);
        }
    } else if (st == DLX_OK) {
        st = write_table_as(&merged, a.out, a.json, &diags);
    }
    for (int i = 0; i < warnings.count; i++) {
        const dlx_diag *d = &warnings.items[i];
        fprintf(stderr, "%s%swarning: %s\n", d->file ? d->file : "", d->file ? ": " : "dlx: ",
                d->message);
    }
    diags_print(&diags, stderr);
    diags_free(&diags);
    diags_free(&warnings);
    csv_table_free(&merged);
    csv_table_free(&stats);
    paired_free(&paired);
    free(a.dirs);
    return (int)st;
}

int cmd_collect(int argc, char **argv) { return collect_or_summarize(argc, argv, false); }

int cmd_summarize(int argc, char **argv) { return collect_or_summarize(argc, argv, true); }
