/*
 * cmd_collect.c — `dlx collect DIR... [-o FILE] [--runs] [--allow-mixed]`
 * and `dlx summarize DIR... [-o FILE] [--format table|csv|json] [--csv]
 * [--paired A B [--metric M]] [--allow-mixed]` (SPEC §6, docs/sweeps.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "io/atomic_file.h"
#include "results/collect.h"
#include "results/paired.h"
#include "results/seed_summary.h"
#include "results/summary_json.h"

typedef struct {
    char **dirs;
    int n_dirs;
    const char *out;
    bool csv;
    bool json;                 /* --format json */
    const char *paired[2];     /* --paired A B */
    const char *metric;        /* --metric M (with --paired) */
    dlx_collect_options opts;
} collect_args;

static dlx_status parse(collect_args *a, int argc, char **argv, bool summarize, dlx_diags *diags)
{
    *a = (collect_args){.dirs = calloc((size_t)argc + 1, sizeof(char *))};
    if (!a->dirs) {
        diags_add(diags, NULL, 0, 0, "out of memory reading the command line");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = DLX_OK;
    for (int i = 0; i < argc; i++) {
        const char *w = argv[i];
        if (!strcmp(w, "-o") || !strcmp(w, "--output")) {
            if (i + 1 >= argc) {
                diags_add(diags, NULL, 0, 0, "option '%s' needs a value", w);
                st = DLX_ERR_INPUT;
            } else {
                a->out = argv[++i];
            }
        } else if (!strncmp(w, "--output=", 9)) {
            a->out = w + 9;
        } else if (!strcmp(w, "--allow-mixed")) {
            a->opts.allow_mixed = true;
        } else if (!strcmp(w, "--runs") && !summarize) {
            a->opts.runs = true;
        } else if (!strcmp(w, "--csv") && summarize) {
            a->csv = true;
        } else if ((!strcmp(w, "--format") || !strncmp(w, "--format=", 9)) && summarize) {
            const char *f = w[8] == '=' ? w + 9 : i + 1 < argc ? argv[++i] : NULL;
            if (f && (!strcmp(f, "table") || !strcmp(f, "csv") || !strcmp(f, "json"))) {
                a->csv = !strcmp(f, "csv");
                a->json = !strcmp(f, "json");
            } else {
                diags_add(diags, NULL, 0, 0, "--format expects table, csv or json, got '%s'",
                          f ? f : "nothing");
                st = DLX_ERR_INPUT;
            }
        } else if (!strcmp(w, "--paired") && summarize) {
            if (i + 2 >= argc) {
                diags_add(diags, NULL, 0, 0, "--paired needs two arms (--paired A B)");
                st = DLX_ERR_INPUT;
                i = argc;
            } else {
                a->paired[0] = argv[++i];
                a->paired[1] = argv[++i];
            }
        } else if ((!strcmp(w, "--metric") || !strncmp(w, "--metric=", 9)) && summarize) {
            const char *m = w[8] == '=' ? w + 9 : i + 1 < argc ? argv[++i] : NULL;
            if (!m) {
                diags_add(diags, NULL, 0, 0, "option '--metric' needs a value");
                st = DLX_ERR_INPUT;
            }
            a->metric = m;
        } else if (w[0] == '-' && w[1]) {
            diags_add(diags, NULL, 0, 0, "unknown option '%s' (see dlx help %s)", w,
                      summarize ? "summarize" : "collect");
            st = DLX_ERR_INPUT;
        } else {
            a->dirs[a->n_dirs++] = argv[i];
        }
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

/* Write t as CSV to path (atomically) or to stdout when path is NULL. */
static dlx_status write_table(const dlx_text_table *t, const char *path, dlx_diags *diags)
{
    if (!path)
        return collect_write_csv(t, stdout, "<stdout>", diags);
    dlx_atomic_file af;
    dlx_status st = atomic_open(&af, path, diags);
    if (st != DLX_OK)
        return st;
    st = collect_write_csv(t, af.fp, path, diags);
    if (st != DLX_OK) {
        atomic_abort(&af);
        return st;
    }
    return atomic_commit(&af, diags);
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
        st = write_table(&merged, a.out, &diags);
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
