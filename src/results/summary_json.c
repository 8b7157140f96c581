/*
 * summary_json.c — the JSON form of `dlx summarize` (see summary_json.h).
 *
 * Written by hand (the document is small and flat): strings escaped as
 * RFC 8259 §7 requires, numbers as %.9g (they read back to the same
 * double's first 9 digits, like the CSV), an empty statistic as null.
 */
#include "results/summary_json.h"
#include "util/real.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results/seed_summary.h"

static const char *const METRICS[] = {"final_train_loss", "final_test_loss", "final_gen_gap",
                                      "final_train_acc",  "final_test_acc",  "best_test_acc"};
static const char *const STATS[] = {"mean", "sd", "min", "max", "ci95_low", "ci95_high"};
enum { N_METRICS = 6, N_STATS = 6 };

/* s as a JSON string. */
static void put_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(fp, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", fp);
        else if (*c == '\t')
            fputs("\\t", fp);
        else if (*c < 0x20)
            fprintf(fp, "\\u%04x", *c);
        else
            fputc(*c, fp);
    }
    fputc('"', fp);
}

/* A CSV cell as a JSON number, or null when empty or not finite. */
static void put_number_cell(FILE *fp, const char *cell)
{
    char *end;
    double v = strtod(cell, &end);
    if (end == cell || *end || !isfinite(v))
        fputs("null", fp);
    else
        fprintf(fp, "%.*g", REAL_DIGITS, v);
}

static void put_number(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, "%.*g", REAL_DIGITS, v);
    else
        fputs("null", fp);
}

/* A seed: a number when it is one, else a string. */
static void put_seed(FILE *fp, const char *seed)
{
    size_t n = strspn(seed, "0123456789");
    if (n > 0 && n < 20 && !seed[n])
        fputs(seed, fp);
    else
        put_string(fp, seed);
}

static void put_group(FILE *fp, const dlx_text_table *runs, const dlx_text_table *stats, int g)
{
    int n_group = csv_table_column(stats, "n");
    int c_arm = csv_table_column(stats, "arm");
    fputs("    {\"arm\": ", fp);
    put_string(fp, c_arm >= 0 ? stats->rows[g][c_arm] : "");
    fputs(", \"keys\": {", fp);
    const char *sep = "";
    for (int c = 0; c < n_group; c++) {
        if (c == c_arm)
            continue;
        fputs(sep, fp);
        put_string(fp, stats->header[c]);
        fputs(": ", fp);
        put_string(fp, stats->rows[g][c]);
        sep = ", ";
    }
    fprintf(fp, "},\n     \"n\": %s, \"diverged\": %s, \"few_seeds\": %s, \"seeds\": [",
            stats->rows[g][n_group], stats->rows[g][n_group + 1],
            seed_summary_few_seeds(stats, g) ? "true" : "false");
    int c_seed = csv_table_column(runs, "seed"), c_status = csv_table_column(runs, "status");
    for (int pass = 0; pass < 2; pass++) {   /* pass 0: ok seeds, pass 1: diverged seeds */
        if (pass == 1)
            fputs("], \"diverged_seeds\": [", fp);
        sep = "";
        for (int r = 0; c_seed >= 0 && r < runs->n_rows; r++) {
            const char *status = c_status >= 0 ? runs->rows[r][c_status] : "ok";
            if (strcmp(status, pass ? "diverged" : "ok") || seed_summary_group_of(runs, r, stats) != g)
                continue;
            fputs(sep, fp);
            put_seed(fp, runs->rows[r][c_seed]);
            sep = ", ";
        }
    }
    fputs("],\n     \"metrics\": {", fp);
    for (int m = 0; m < N_METRICS; m++) {
        fprintf(fp, "%s\n       \"%s\": {", m ? "," : "", METRICS[m]);
        for (int s = 0; s < N_STATS; s++) {
            char name[96];
            snprintf(name, sizeof name, "%s_%s", METRICS[m], STATS[s]);
            int c = csv_table_column(stats, name);
            fprintf(fp, "%s\"%s\": ", s ? ", " : "", STATS[s]);
            put_number_cell(fp, c >= 0 ? stats->rows[g][c] : "");
        }
        fputc('}', fp);
    }
    fputs("}}", fp);
}

static void put_paired(FILE *fp, const dlx_paired *p)
{
    fputs(",\n  \"paired\": {\"a\": ", fp);
    put_string(fp, p->arm_a);
    fputs(", \"b\": ", fp);
    put_string(fp, p->arm_b);
    fputs(", \"metric\": ", fp);
    put_string(fp, p->metric);
    fputs(", \"comparisons\": [", fp);
    for (int i = 0; i < p->n_groups; i++) {
        const dlx_paired_group *g = &p->groups[i];
        fprintf(fp, "%s\n    {\"keys\": {", i ? "," : "");
        for (int k = 0; k < p->n_keys; k++) {
            fputs(k ? ", " : "", fp);
            put_string(fp, p->key_names[k]);
            fputs(": ", fp);
            put_string(fp, g->keys[k]);
        }
        fprintf(fp, "}, \"n\": %d, \"few_seeds\": %s, \"seeds\": [", g->n_seeds,
                g->n_seeds < SEED_SUMMARY_FEW ? "true" : "false");
        for (int k = 0; k < g->n_seeds; k++) {
            fputs(k ? ", " : "", fp);
            put_seed(fp, g->seeds[k]);
        }
        fputs("],\n     \"mean_diff\": ", fp);
        put_number(fp, g->diff.mean);
        fputs(", \"sd_diff\": ", fp);
        put_number(fp, g->diff.sd);
        fputs(", \"ci95_low\": ", fp);
        put_number(fp, g->diff.ci95_low);
        fputs(", \"ci95_high\": ", fp);
        put_number(fp, g->diff.ci95_high);
        fputc('}', fp);
    }
    fputs("]}", fp);
}

dlx_status summary_json_write(const dlx_text_table *runs, const dlx_text_table *stats,
                              const dlx_paired *paired, FILE *fp, const char *path,
                              dlx_diags *diags)
{
    fprintf(fp, "{\n  \"format\": \"dlx-summarize\", \"version\": 1,\n  \"groups\": [");
    for (int g = 0; g < stats->n_rows; g++) {
        fputs(g ? ",\n" : "\n", fp);
        put_group(fp, runs, stats, g);
    }
    fputs("\n  ]", fp);
    if (paired)
        put_paired(fp, paired);
    fputs("\n}\n", fp);
    if (fflush(fp) != 0 || ferror(fp)) {
        diags_add(diags, path, 0, 0, "cannot write: %s", strerror(errno));
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}
