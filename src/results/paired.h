/*
 * paired.h — a paired comparison of two arms over their shared seeds
 * (`dlx summarize DIR --paired A B`, docs/sweeps.md).
 *
 * Two arms trained with the same seed share their data order, their
 * initialization draws and their dropout masks as far as their models
 * allow, so the difference per seed, d_s = m_A(s) − m_B(s), removes much of
 * the seed-to-seed variation that an unpaired comparison of two means
 * carries. Over the n seeds where both arms have a run with status ok and a
 * finite value:
 *     mean_diff = Σ d_s / n,  sd_diff = √(Σ (d_s − mean_diff)² / (n − 1)),
 *     95% interval: mean_diff ± t_{0.975, n−1} · sd_diff / √n
 * (the paired t interval; Student 1908). One comparison per combination of
 * the other grouping columns (swept and varied keys), in order of first
 * appearance.
 */
#ifndef DLX_RESULTS_PAIRED_H
#define DLX_RESULTS_PAIRED_H

#include "io/csv_reader.h"
#include "util/sample_stats.h"

typedef struct {
    char **keys;               /* values of the grouping columns except arm */
    int n_seeds;
    char **seeds;              /* the shared seeds, in the order of arm A's rows */
    dlx_sample_stats diff;     /* of m_A − m_B over the shared seeds */
} dlx_paired_group;

typedef struct {
    const char *arm_a, *arm_b;
    char metric[64];           /* a summary.csv column */
    int n_keys;
    char **key_names;          /* the grouping columns except arm */
    int n_groups;
    dlx_paired_group *groups;
} dlx_paired;

/* Compare arm_a with arm_b in the merged summary rows `runs`. metric NULL:
   final_test_acc when both arms have it on every row, else final_test_loss.
   An arm that is not in the rows, or an unknown metric, is a usage error. */
dlx_status paired_compare(const dlx_text_table *runs, const char *arm_a, const char *arm_b,
                          const char *metric, dlx_paired *out, dlx_diags *diags);

/* Warnings: a comparison over fewer than 3 shared seeds, or none. */
void paired_warnings(const dlx_paired *p, dlx_diags *warnings);

/* The comparison as a readable table. */
void paired_print(const dlx_paired *p, FILE *fp);

void paired_free(dlx_paired *p);

#endif
