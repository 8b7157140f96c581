/*
 * low_rank.h — the synthetic low-rank matrix of SPEC §7:
 *     Y = A·Bᵀ + noise·E,  A: rows×rank, B: cols×rank, E: rows×cols, all N(0, 1),
 * A and B from data.seed's truth stream and E from its training stream,
 * split into observed and held-out entries (matrix_entries.h).
 */
#ifndef DLX_DATA_LOW_RANK_H
#define DLX_DATA_LOW_RANK_H

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"

/* Check cfg's rows, cols, rank, noise and observed (all problems at once,
   on source_file), then generate. */
dlx_status low_rank_generate(dlx_dataset *ds, const dlx_data_config *cfg, const char *source_file,
                             dlx_diags *d);

#endif
