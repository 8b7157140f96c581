/*
 * seed_summary.c — mean, sd, min, max and Student-t interval over seeds
 * (see seed_summary.h). The statistics themselves are util/sample_stats.c;
 * this file groups the runs, keeps diverged and interrupted runs out, and
 * prints the readable table, marking the groups of fewer than 3 seeds.
 */
#include "results/seed_summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv_writer.h"
#include "util/sample_stats.h"

static const char *const METRICS[] = {"final_train_loss", "final_test_loss", "final_gen_gap",
                                      "final_train_acc",  "final_test_acc",  "best_test_acc"};
#define N_METRICS (int)(sizeof METRICS / sizeof *METRICS)
static const char *const STATS[] = {"mean", "sd", "min", "max", "ci95_low", "ci95_high"};
#define N_STATS (int)(sizeof STATS / sizeof *STATS)

/* Columns of summary.csv that describe a run rather than its group. */
static bool is_run_column(const char *name)
{
    static const char *const cols[] = {"seed", "status", "epochs_done", "final_train_loss",
                                       "final_test_loss", "final_gen_gap", "final_train_acc",
                                       "final_test_acc", "best_test_acc", "best_epoch", "wall_s"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        if (!strcmp(cols[i], name))
            return true;
    return false;
}

/* stats[0..5] (STATS order) of the finite values x[0..n): see seed_summary.h. */
static void describe(const double *x, int n, double stats[N_STATS])
{
    dlx_sample_stats d = sample_stats(x, n);
    stats[0] = d.mean, stats[1] = d.sd, stats[2] = d.min, stats[3] = d.max;
    stats[4] = d.ci95_low, stats[5] = d.ci95_high;
}

static bool same_group(const dlx_text_table *t, int a, int b, const int *group_cols, int n_group)
{
    for (int g = 0; g < n_group; g++)
        if (strcmp(t->rows[a][group_cols[g]], t->rows[b][group_cols[g]]))
            return false;
    return true;
}

/* One output row for the group of runs rows[first] and those like it. */
static char **group_row(const dlx_text_table *t, int first, const int *group_cols, int n_group,
                        int n_cols, double *buf)
{
    char **row = calloc((size_t)n_cols, sizeof *row);
    if (!row)
        return NULL;
    int c_status = csv_table_column(t, "status");
    int n_runs = 0, n_diverged = 0;
    for (int r = 0; r < t->n_rows; r++) {
        if (!same_group(t, r, first, group_cols, n_group))
            continue;
        const char *status = c_status >= 0 ? t->rows[r][c_status] : "ok";
        n_runs += strcmp(status, "ok") == 0;
        n_diverged += strcmp(status, "diverged") == 0;
    }
    char num[DLX_CSV_NUMBER_MAX];
    int c = 0;
    for (int g = 0; g < n_group; g++)
        row[c++] = strdup(t->rows[first][group_cols[g]]);
    snprintf(num, sizeof num, "%d", n_runs);
    row[c++] = strdup(num);
    snprintf(num, sizeof num, "%d", n_diverged);
    row[c++] = strdup(num);
    for (int m = 0; m < N_METRICS; m++) {
        int col = csv_table_column(t, METRICS[m]), n = 0;
        for (int r = 0; col >= 0 && r < t->n_rows; r++) {
            if (!same_group(t, r, first, group_cols, n_group) ||
                (c_status >= 0 && strcmp(t->rows[r][c_status], "ok")))
                continue;   /* diverged and interrupted runs are not in the statistics */
            char *end;
            double v = strtod(t->rows[r][col], &end);
            if (end != t->rows[r][col] && isfinite(v))
                buf[n++] = v;
        }
        double stats[N_STATS];
        describe(buf, n, stats);
        for (int s = 0; s < N_STATS; s++) {
            if (isnan(stats[s]))
                num[0] = '\0';
            else
                csv_format_number(num, stats[s]);
            row[c++] = strdup(num);
        }
    }
    for (int i = 0; i < n_cols; i++)
        if (!row[i]) {
            for (int j = 0; j < n_cols; j++)
                free(row[j]);
            free(row);
            return NULL;
        }
    return row;
}

dlx_status seed_summary_compute(const dlx_text_table *runs, dlx_text_table *out, dlx_diags *diags)
{
    *out = (dlx_text_table){0};
    int *group_cols = calloc((size_t)runs->n_cols + 1, sizeof *group_cols);
    double *buf = calloc((size_t)runs->n_rows + 1, sizeof *buf);
    bool *done = calloc((size_t)runs->n_rows + 1, sizeof *done);
    int n_group = 0;
    dlx_status st = group_cols && buf && done ? DLX_OK : DLX_ERR_RUNTIME;
    for (int c = 0; st == DLX_OK && c < runs->n_cols; c++)
        if (!is_run_column(runs->header[c]))
            group_cols[n_group++] = c;
    int n_cols = n_group + 2 + N_METRICS * N_STATS;
    if (st == DLX_OK && !(out->header = calloc((size_t)n_cols, sizeof *out->header)))
        st = DLX_ERR_RUNTIME;
    if (st == DLX_OK) {
        out->n_cols = n_cols;
        int c = 0;
        for (int g = 0; g < n_group; g++)
            out->header[c++] = strdup(runs->header[group_cols[g]]);
        out->header[c++] = strdup("n");
        out->header[c++] = strdup("diverged");
        for (int m = 0; m < N_METRICS; m++)
            for (int s = 0; s < N_STATS; s++) {
                char name[96];
                snprintf(name, sizeof name, "%s_%s", METRICS[m], STATS[s]);
                out->header[c++] = strdup(name);
            }
        for (int i = 0; i < n_cols; i++)
            if (!out->header[i])
                st = DLX_ERR_RUNTIME;
    }
    for (int r = 0; st == DLX_OK && r < runs->n_rows; r++) {
        if (done[r])
            continue;
        for (int q = r; q < runs->n_rows; q++)
            done[q] = done[q] || same_group(runs, q, r, group_cols, n_group);
        char ***rows = realloc(out->rows, (size_t)(out->n_rows + 1) * sizeof *rows);
        if (!rows) {
            st = DLX_ERR_RUNTIME;
            break;
        }
        out->rows = rows;
        if (!(rows[out->n_rows] = group_row(runs, r, group_cols, n_group, n_cols, buf)))
            st = DLX_ERR_RUNTIME;
        else
            out->n_rows++;
    }
    if (st != DLX_OK) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        csv_table_free(out);
    }
    free(group_cols);
    free(buf);
    free(done);
    return st;
}

/* "0.8123 ± 0.0121" from the mean and interval columns of a metric. */
static void mean_ci_text(const dlx_text_table *s, int r, const char *metric, char *buf, size_t n)
{
    char name[96];
    snprintf(name, sizeof name, "%s_mean", metric);
    int c_mean = csv_table_column(s, name);
    snprintf(name, sizeof name, "%s_ci95_high", metric);
    int c_high = csv_table_column(s, name);
    const char *mean = c_mean >= 0 ? s->rows[r][c_mean] : "";
    const char *high = c_high >= 0 ? s->rows[r][c_high] : "";
    if (!*mean)
        snprintf(buf, n, "-");
    else if (!*high)
        snprintf(buf, n, "%.4g", strtod(mean, NULL));
    else
        snprintf(buf, n, "%.4g ± %.2g", strtod(mean, NULL), strtod(high, NULL) - strtod(mean, NULL));
}

/* Display width of UTF-8 text (counts code points). */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

void seed_summary_print(const dlx_text_table *stats, FILE *fp)
{
    static const char *const shown[] = {"final_test_loss", "final_test_acc", "best_test_acc"};
    enum { N_SHOWN = 3 };
    int n_group = csv_table_column(stats, "n");   /* n, then diverged */
    int n_cols = n_group + 2 + N_SHOWN;
    bool any_few = false;
    int width[64] = {0};
    if (n_cols > 64)
        n_cols = 64;
    char cell[128];
    /* pass 0 measures, pass 1 prints */
    for (int pass = 0; pass < 2; pass++) {
        for (int r = -1; r < stats->n_rows; r++) {
            for (int c = 0; c < n_cols; c++) {
                if (r < 0)
                    snprintf(cell, sizeof cell, "%s", c <= n_group + 1 ? stats->header[c] : shown[c - n_group - 2]);
                else if (c == n_group && seed_summary_few_seeds(stats, r)) {
                    snprintf(cell, sizeof cell, "%s*", stats->rows[r][c]);
                    any_few = true;
                } else if (c <= n_group + 1)
                    snprintf(cell, sizeof cell, "%s", stats->rows[r][c]);
                else
                    mean_ci_text(stats, r, shown[c - n_group - 2], cell, sizeof cell);
                int w = text_width(cell);
                if (pass == 0 && w > width[c])
                    width[c] = w;
                if (pass == 1)
                    fprintf(fp, "%s%s%*s", c ? "  " : "", cell, c + 1 < n_cols ? width[c] - w : 0, "");
            }
            if (pass == 1)
                fputc('\n', fp);
        }
    }
    fprintf(fp, "(mean ± half-width of the 95%% Student-t interval over seeds; n: runs with status ok;\n"
                " diverged runs are counted apart and left out of the means)\n");
    if (any_few)
        fprintf(fp, "* fewer than %d seeds: the interval is very wide (n = 2) or cannot be given (n <= 1)\n",
                SEED_SUMMARY_FEW);
}

bool seed_summary_few_seeds(const dlx_text_table *stats, int row)
{
    int c = csv_table_column(stats, "n");
    return c >= 0 && atoi(stats->rows[row][c]) < SEED_SUMMARY_FEW;
}

/* "arm plain, model.dropout=0.5" for group row r of the statistics. */
void seed_summary_group_name(const dlx_text_table *stats, int r, char *buf, size_t size)
{
    int n_group = csv_table_column(stats, "n");
    size_t used = 0;
    buf[0] = '\0';
    for (int c = 0; c < n_group && used < size; c++) {
        int k = snprintf(buf + used, size - used, "%s%s%s%s", c ? ", " : "",
                         strcmp(stats->header[c], "arm") ? stats->header[c] : "arm ",
                         strcmp(stats->header[c], "arm") ? "=" : "", stats->rows[r][c]);
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

void seed_summary_warnings(const dlx_text_table *runs, const dlx_text_table *stats,
                           dlx_diags *warnings)
{
    char name[512];
    for (int r = 0; r < stats->n_rows; r++) {
        seed_summary_group_name(stats, r, name, sizeof name);
        const char *n = stats->rows[r][csv_table_column(stats, "n")];
        if (!strcmp(n, "0"))
            diags_add(warnings, NULL, 0, 0, "%s: no run with status ok; no statistics (marked *)",
                      name);
        else if (seed_summary_few_seeds(stats, r))
            diags_add(warnings, NULL, 0, 0,
                      "%s: only %s run%s with status ok; statistics over fewer than %d seeds are "
                      "unreliable (marked * in the table)",
                      name, n, strcmp(n, "1") ? "s" : "", SEED_SUMMARY_FEW);
    }
    int c_status = csv_table_column(runs, "status"), c_seed = csv_table_column(runs, "seed");
    for (int q = 0; c_status >= 0 && q < runs->n_rows; q++) {
        if (strcmp(runs->rows[q][c_status], "diverged"))
            continue;
        int g = seed_summary_group_of(runs, q, stats);
        if (g < 0)
            continue;
        seed_summary_group_name(stats, g, name, sizeof name);
        diags_add(warnings, NULL, 0, 0,
                  "%s: seed %s diverged (a non-finite loss); left out of the statistics", name,
                  c_seed >= 0 ? runs->rows[q][c_seed] : "?");
    }
}

int seed_summary_group_of(const dlx_text_table *runs, int run_row, const dlx_text_table *stats)
{
    int n_group = csv_table_column(stats, "n");
    for (int g = 0; g < stats->n_rows; g++) {
        bool same = true;
        for (int c = 0; c < n_group && same; c++) {
            int rc = csv_table_column(runs, stats->header[c]);
            same = rc >= 0 && !strcmp(runs->rows[run_row][rc], stats->rows[g][c]);
        }
        if (same)
            return g;
    }
    return -1;
}
