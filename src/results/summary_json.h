/*
 * summary_json.h — `dlx summarize --format json`: the statistics over seeds
 * (and the paired comparison, when asked) as one JSON document. The schema
 * is documented in docs/sweeps.md ("Machine-readable output").
 */
#ifndef DLX_RESULTS_SUMMARY_JSON_H
#define DLX_RESULTS_SUMMARY_JSON_H

#include <stdio.h>

#include "io/csv_reader.h"
#include "results/paired.h"

/* Write the document: the groups of `stats` (seed_summary_compute of `runs`),
   the seeds of their diverged runs from `runs`, and `paired` when not NULL. */
dlx_status summary_json_write(const dlx_text_table *runs, const dlx_text_table *stats,
                              const dlx_paired *paired, FILE *fp, const char *path,
                              dlx_diags *diags);

#endif
