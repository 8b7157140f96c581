/*
 * growth_file.c — growth.csv of training.grow_rank (SPEC §7): one row per
 * rank a run tried, `arm,seed,rank,epochs,objective,cert_ratio,suboptimality`
 * then the swept keys, in run order.
 *
 * It is read back from each run's own metrics.csv after every run has
 * finished: the trainer writes an evaluation row at the end of every phase
 * (grow_rank.c), so the last row at each value of the `rank` column is that
 * rank's result, and epochs at a rank are its last epoch minus the last
 * epoch of the rank before. Deriving it from metrics.csv, which --resume
 * already restores byte for byte, keeps it identical whatever --jobs and
 * however often the runs were interrupted. cert_ratio and suboptimality are
 * empty when the experiment does not list the certificate and suboptimality
 * diagnostics.
 */
#include <math.h>
#include <stdlib.h>

#include "experiment/runner_internal.h"
#include "io/atomic_file.h"
#include "io/csv_reader.h"
#include "io/csv_writer.h"

/* The number in column col of row (NAN when the column is absent or empty). */
static double cell(const dlx_text_table *t, int row, int col)
{
    if (col < 0 || !t->rows[row][col][0])
        return NAN;
    char *end;
    double x = strtod(t->rows[row][col], &end);   /* written by csv_format_number: '.' */
    return *end ? NAN : x;
}

/* The growth rows of one run, from its metrics.csv. */
static dlx_status run_rows(runner *r, const run_slot *s, FILE *fp, const char *path,
                           dlx_csv_row *row, dlx_diags *diags)
{
    char metrics[DLX_PATH_MAX + 32];
    snprintf(metrics, sizeof metrics, "%s/metrics.csv", s->dir);
    dlx_text_table t;
    dlx_status st = csv_read_table(metrics, &t, diags);
    if (st != DLX_OK)
        return st;
    int c_epoch = csv_table_column(&t, "epoch"), c_rank = csv_table_column(&t, "rank");
    int c_obj = csv_table_column(&t, "objective"), c_cert = csv_table_column(&t, "cert_ratio");
    int c_sub = csv_table_column(&t, "suboptimality");
    const point_state *ps = slot_point(r, s);
    double previous_end = 0.0;
    for (int i = 0; st == DLX_OK && i < t.n_rows; i++) {
        double rank = cell(&t, i, c_rank);
        bool last_at_rank = i + 1 == t.n_rows || cell(&t, i + 1, c_rank) != rank;
        if (!last_at_rank || isnan(rank))
            continue;
        double epoch = cell(&t, i, c_epoch);
        csv_row_begin(row);
        csv_row_str(row, ps->exp->arms[s->arm].name);
        csv_row_int(row, (long)s->seed);
        csv_row_int(row, (long)rank);
        csv_row_num(row, epoch - previous_end);
        csv_row_num(row, cell(&t, i, c_obj));
        csv_row_num(row, cell(&t, i, c_cert));
        csv_row_num(row, cell(&t, i, c_sub));
        for (int k = 0; k < r->n_extra; k++)
            csv_row_str(row, ps->value_ptrs[k]);
        st = csv_row_write(row, fp, diags, path);
        previous_end = epoch;
    }
    csv_table_free(&t);
    return st;
}

dlx_status write_growth(runner *r, dlx_diags *diags)
{
    bool wanted = false;
    for (int i = 0; i < r->n_runs; i++) {
        const run_slot *s = &r->runs[i];
        wanted |= slot_point(r, s)->exp->arms[s->arm].config.training.grow_rank.enabled;
    }
    if (!wanted)
        return DLX_OK;
    char path[DLX_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/growth.csv", r->out);
    dlx_atomic_file af;
    dlx_status st = atomic_open(&af, path, diags);
    if (st != DLX_OK)
        return st;
    const char *names[7 + DLX_MAX_SWEEP_KEYS] = {"arm", "seed", "rank", "epochs", "objective",
                                                 "cert_ratio", "suboptimality"};
    for (int k = 0; k < r->n_extra; k++)
        names[7 + k] = r->key_ptrs[k];
    st = csv_write_header(af.fp, names, 7 + r->n_extra, diags, path);
    dlx_csv_row *row = malloc(sizeof *row);
    if (!row && st == DLX_OK) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        st = DLX_ERR_RUNTIME;
    }
    for (int i = 0; st == DLX_OK && i < r->n_runs; i++) {
        const run_slot *s = &r->runs[i];
        if (s->done && !s->failed && slot_point(r, s)->exp->arms[s->arm].config.training.grow_rank.enabled)
            st = run_rows(r, s, af.fp, path, row, diags);
    }
    free(row);
    if (st != DLX_OK) {
        atomic_abort(&af);
        return st;
    }
    return atomic_commit(&af, diags);
}
