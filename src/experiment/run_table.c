/*
 * run_table.c — the closing table of `dlx run` on stderr (see
 * runner_internal.h; docs/progress.md):
 *
 *   arm    n  test_acc          test_loss         gen_gap
 *   plain  3  0.8712 ± 0.0123   0.3521 ± 0.0101   0.0412 ± 0.0031
 *   bn     3  0.9021 ± 0.0087   0.2733 ± 0.0090   0.0305 ± 0.0020
 *
 * One row per arm (per sweep point and arm with a sweep), in run order;
 * each cell the mean ± sample sd (n − 1) over the arm's finished runs with
 * status ok. test_acc is "-" for a model without accuracy (regression,
 * factorization). Diverged and interrupted runs are left out of n and the
 * means and counted in their own columns, shown only when some run has one.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/runner_internal.h"
#include "util/sample_stats.h"

enum { N_VALUES = 3 };

typedef struct {
    int point, arm;
    int n_ok, n_diverged, n_interrupted;
    char label[160];
    char cell[N_VALUES][64];
} table_row;

/* "mean ± sd" of x[0..n), "mean" when n = 1, "-" when n = 0. */
static void mean_sd_text(char *buf, size_t size, const double *x, int n)
{
    dlx_sample_stats st = sample_stats(x, n);
    if (n == 0)
        snprintf(buf, size, "-");
    else if (n == 1)
        snprintf(buf, size, "%.4g", st.mean);
    else
        snprintf(buf, size, "%.4g ± %.2g", st.mean, st.sd);
}

/* Display width of UTF-8 text (counts code points). */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* The row of (point, arm): counts and cells over its runs. */
static void fill_row(const runner *r, table_row *row, double *buf)
{
    for (int v = 0; v < N_VALUES; v++) {
        int n = 0;
        for (int i = 0; i < r->n_runs; i++) {
            const run_slot *s = &r->runs[i];
            if (s->point != row->point || s->arm != row->arm || !s->done || s->failed ||
                s->summary.status != RUN_OK)
                continue;
            double x = v == 0 ? s->summary.final_test_acc
                     : v == 1 ? s->summary.final_test_loss : s->summary.final_gen_gap;
            if (isfinite(x))
                buf[n++] = x;
        }
        mean_sd_text(row->cell[v], sizeof row->cell[v], buf, n);
    }
    for (int i = 0; i < r->n_runs; i++) {
        const run_slot *s = &r->runs[i];
        if (s->point != row->point || s->arm != row->arm || !s->done || s->failed)
            continue;
        row->n_ok += s->summary.status == RUN_OK;
        row->n_diverged += s->summary.status == RUN_DIVERGED;
        row->n_interrupted += s->summary.status == RUN_INTERRUPTED;
    }
}

void run_table_print(const runner *r, FILE *fp)
{
    int n_done = 0;
    for (int i = 0; i < r->n_runs; i++)
        n_done += r->runs[i].done && !r->runs[i].failed;
    if (n_done == 0)
        return;
    table_row *rows = calloc((size_t)r->n_runs + 1, sizeof *rows);
    double *buf = calloc((size_t)r->n_runs + 1, sizeof *buf);
    if (!rows || !buf) {
        free(rows), free(buf);
        return;
    }
    int n_rows = 0;
    bool any_diverged = false, any_interrupted = false;
    for (int i = 0; i < r->n_runs; i++) {
        const run_slot *s = &r->runs[i];
        bool seen = false;
        for (int k = 0; k < n_rows && !seen; k++)
            seen = rows[k].point == s->point && rows[k].arm == s->arm;
        if (seen)
            continue;
        table_row *row = &rows[n_rows++];
        row->point = s->point, row->arm = s->arm;
        const char *arm = r->points[s->point < 0 ? 0 : s->point].exp->arms[s->arm].name;
        if (s->point >= 0)
            snprintf(row->label, sizeof row->label, "p%d %s", s->point, arm);
        else
            snprintf(row->label, sizeof row->label, "%s", arm);
        fill_row(r, row, buf);
        any_diverged |= row->n_diverged > 0;
        any_interrupted |= row->n_interrupted > 0;
    }
    static const char *const heads[] = {"arm", "n", "diverged", "interrupted",
                                        "test_acc", "test_loss", "gen_gap"};
    bool shown[7] = {true, true, any_diverged, any_interrupted, true, true, true};
    int width[7] = {0};
    char cell[7][160];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            fprintf(fp, "final metrics, mean ± sd over seeds (runs with status ok):\n");
        for (int k = -1; k < n_rows; k++) {
            for (int c = 0; c < 7; c++) {
                if (k < 0)
                    snprintf(cell[c], sizeof cell[c], "%s", heads[c]);
                else if (c == 0)
                    snprintf(cell[c], sizeof cell[c], "%s", rows[k].label);
                else if (c <= 3)
                    snprintf(cell[c], sizeof cell[c], "%d",
                             c == 1 ? rows[k].n_ok : c == 2 ? rows[k].n_diverged
                                                            : rows[k].n_interrupted);
                else
                    snprintf(cell[c], sizeof cell[c], "%s", rows[k].cell[c - 4]);
                if (pass == 0 && text_width(cell[c]) > width[c])
                    width[c] = text_width(cell[c]);
            }
            if (pass == 0)
                continue;
            const char *sep = "";
            for (int c = 0; c < 7; c++) {
                if (!shown[c])
                    continue;
                fprintf(fp, "%s%s%*s", sep, cell[c], c < 6 ? width[c] - text_width(cell[c]) : 0,
                        "");
                sep = "  ";
            }
            fputc('\n', fp);
        }
    }
    free(rows);
    free(buf);
}
