/*
 * seed_summary.h — statistics over seeds of merged summary.csv rows
 * (`dlx summarize`, SPEC §6).
 *
 * Runs are grouped by arm and by every column after the standard
 * summary.csv columns (swept and varied keys), in order of first
 * appearance. For each group and each of final_train_loss,
 * final_test_loss, final_gen_gap, final_train_acc, final_test_acc,
 * best_test_acc: over the finished runs (status ok or diverged) whose
 * value is finite, the mean, the sample standard deviation (n − 1), min,
 * max and the 95% confidence interval of the mean,
 *     mean ± t_{0.975, n−1} · sd / √n        (Student, 1908),
 * empty when fewer than two values.
 */
#ifndef DLX_RESULTS_SEED_SUMMARY_H
#define DLX_RESULTS_SEED_SUMMARY_H

#include <stdio.h>

#include "io/csv_reader.h"

/* The statistics table of merged summary rows (see above) into *out. */
dlx_status seed_summary_compute(const dlx_text_table *runs, dlx_text_table *out, dlx_diags *diags);

/* The statistics as an aligned, readable table: per group, n and
   "mean ± half-width" of the main metrics. */
void seed_summary_print(const dlx_text_table *stats, FILE *fp);

#endif
