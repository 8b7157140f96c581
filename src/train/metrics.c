/*
 * metrics.c — metrics.csv and summary.csv rows (SPEC §3).
 *
 * Numbers are written with %.9g (a float32 reads back to the same value;
 * %.17g in the float64 build, see util/real.h),
 * non-finite values as nan/inf, missing values (accuracy of a regression,
 * objective at epoch 0) as empty fields. Each row is built in memory and
 * written with one write and a flush, so a killed process leaves whole lines.
 */
#include "train/metrics.h"

#include <math.h>

#include "io/csv_writer.h"

const char *const METRICS_COLUMNS[12] = {
    "arm", "seed", "epoch", "step", "lr", "train_loss", "train_acc",
    "test_loss", "test_acc", "gen_gap", "objective", "wall_s"};

const char *const SUMMARY_COLUMNS[12] = {
    "arm", "seed", "status", "epochs_done", "final_train_loss", "final_test_loss",
    "final_gen_gap", "final_train_acc", "final_test_acc", "best_test_acc", "best_epoch",
    "wall_s"};

const char *run_status_name(dlx_run_status s)
{
    switch (s) {
    case RUN_OK: return "ok";
    case RUN_DIVERGED: return "diverged";
    case RUN_INTERRUPTED: return "interrupted";
    }
    return "ok";
}

/* A number, or an empty field when it is NAN because it does not apply. */
static void num_or_empty(dlx_csv_row *row, double v)
{
    if (isnan(v))
        csv_row_empty(row);
    else
        csv_row_num(row, v);
}

static dlx_status write_header(FILE *fp, const char *path, const char *const *fixed, int n_fixed,
                               const dlx_columns *middle, int n_extra,
                               const char *const *extra_names, dlx_diags *diags)
{
    dlx_csv_row row;
    csv_row_begin(&row);
    for (int i = 0; i < n_fixed; i++)
        csv_row_str(&row, fixed[i]);
    for (int i = 0; middle && i < middle->count; i++)
        csv_row_str(&row, middle->names[i]);
    for (int i = 0; i < n_extra; i++)
        csv_row_str(&row, extra_names[i]);
    return csv_row_write(&row, fp, diags, path);
}

dlx_status metrics_write_header(FILE *fp, const char *path, const dlx_columns *diag_columns,
                                int n_extra, const char *const *extra_names, dlx_diags *diags)
{
    return write_header(fp, path, METRICS_COLUMNS, 12, diag_columns, n_extra, extra_names, diags);
}

dlx_status summary_write_header(FILE *fp, const char *path, int n_extra,
                                const char *const *extra_names, dlx_diags *diags)
{
    return write_header(fp, path, SUMMARY_COLUMNS, 12, NULL, n_extra, extra_names, diags);
}

dlx_status metrics_write_row(FILE *fp, const char *path, const dlx_metrics_row *r,
                             int n_diag, const double *diag_values, int n_extra,
                             const char *const *extra_values, dlx_diags *diags)
{
    dlx_csv_row row;
    csv_row_begin(&row);
    csv_row_str(&row, r->arm);
    csv_row_int(&row, (long)r->seed);
    csv_row_num(&row, r->epoch);
    csv_row_int(&row, r->step);
    csv_row_num(&row, r->lr);
    csv_row_num(&row, r->train_loss);
    num_or_empty(&row, r->train_acc);
    csv_row_num(&row, r->test_loss);
    num_or_empty(&row, r->test_acc);
    csv_row_num(&row, r->gen_gap);
    if (r->has_objective)
        csv_row_num(&row, r->objective);
    else
        csv_row_empty(&row);
    csv_row_num(&row, r->wall_s);
    for (int i = 0; i < n_diag; i++)
        num_or_empty(&row, diag_values[i]);
    for (int i = 0; i < n_extra; i++)
        csv_row_str(&row, extra_values[i]);
    return csv_row_write(&row, fp, diags, path);
}

dlx_status summary_write_row(FILE *fp, const char *path, const char *arm, uint64_t seed,
                             const dlx_run_summary *s, int n_extra,
                             const char *const *extra_values, dlx_diags *diags)
{
    dlx_csv_row row;
    csv_row_begin(&row);
    csv_row_str(&row, arm);
    csv_row_int(&row, (long)seed);
    csv_row_str(&row, run_status_name(s->status));
    csv_row_int(&row, s->epochs_done);
    csv_row_num(&row, s->final_train_loss);
    csv_row_num(&row, s->final_test_loss);
    csv_row_num(&row, s->final_gen_gap);
    num_or_empty(&row, s->final_train_acc);
    num_or_empty(&row, s->final_test_acc);
    num_or_empty(&row, s->best_test_acc);
    num_or_empty(&row, s->best_epoch);
    csv_row_num(&row, s->wall_s);
    for (int i = 0; i < n_extra; i++)
        csv_row_str(&row, extra_values[i]);
    return csv_row_write(&row, fp, diags, path);
}
