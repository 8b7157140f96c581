/*
 * seed_summary.h — statistics over seeds of merged summary.csv rows
 * (`dlx summarize`, SPEC §6).
 *
 * Runs are grouped by arm and by every column after the standard
 * summary.csv columns (swept and varied keys), in order of first
 * appearance. For each group and each of final_train_loss,
 * final_test_loss, final_gen_gap, final_train_acc, final_test_acc,
 * best_test_acc: over the runs with status ok whose value is finite, the
 * mean, the sample standard deviation (n − 1), min, max and the 95%
 * confidence interval of the mean,
 *     mean ± t_{0.975, n−1} · sd / √n        (Student, 1908),
 * empty when fewer than two values. Diverged runs (a non-finite loss) are
 * counted in their own column and kept out of every statistic; interrupted
 * runs are ignored. A group of fewer than SEED_SUMMARY_FEW runs is flagged
 * (a warning, a * in the table, few_seeds in the JSON).
 */
#ifndef DLX_RESULTS_SEED_SUMMARY_H
#define DLX_RESULTS_SEED_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "io/csv_reader.h"

/* The statistics table of merged summary rows (see above) into *out. */
dlx_status seed_summary_compute(const dlx_text_table *runs, dlx_text_table *out, dlx_diags *diags);

/* The statistics as an aligned, readable table: per group, n and
   "mean ± half-width" of the main metrics. */
void seed_summary_print(const dlx_text_table *stats, FILE *fp);

/* Fewer seeds than this make a group's statistics "few seeds". */
enum { SEED_SUMMARY_FEW = 3 };

/* Whether group row `row` of the statistics has n < SEED_SUMMARY_FEW. */
bool seed_summary_few_seeds(const dlx_text_table *stats, int row);

/* The group of run row `run_row` of the merged runs: its row in the
   statistics, or -1. */
int seed_summary_group_of(const dlx_text_table *runs, int run_row, const dlx_text_table *stats);

/* "arm plain, model.dropout=0.5": the group of statistics row r. */
void seed_summary_group_name(const dlx_text_table *stats, int r, char *buf, size_t size);

/* One warning per group of fewer than SEED_SUMMARY_FEW runs, one per
   diverged run, into warnings. */
void seed_summary_warnings(const dlx_text_table *runs, const dlx_text_table *stats,
                           dlx_diags *warnings);

#endif
