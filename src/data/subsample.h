/*
 * subsample.h — keeping a random subset of a split (data.n_train, data.n_test).
 *
 * The subset is uniform among all subsets of that size, drawn from data.seed
 * (streams SUBSAMPLE_STREAM_TRAIN / _TEST), and the kept examples stay in
 * their original order.
 */
#ifndef DLX_DATA_SUBSAMPLE_H
#define DLX_DATA_SUBSAMPLE_H

#include "data/dataset.h"
#include "data/split.h"
#include "spec/config.h"
#include "util/diag.h"
#include "util/rng.h"

enum {
    SUBSAMPLE_STREAM_TRAIN = 201,
    SUBSAMPLE_STREAM_TEST = 202,
};

/* Keep `keep` of the s->n examples (0 <= keep <= s->n), chosen by selection
   sampling (Knuth, TAOCP vol. 2, §3.4.2, Algorithm S: example i of the
   remaining r is kept with probability (still needed)/r), compacting them in
   place in their original order. */
void subsample_split(dlx_split *s, int keep, dlx_rng *rng);

/* Apply data.n_train and data.n_test to a loaded dataset: 0 keeps every
   example; a number above what the file has is an error on source_file
   ("data.n_train is 70000 but FILE has 60000 examples"), with FILE from
   origin. */
dlx_status subsample_dataset(dlx_dataset *ds, const dlx_data_config *cfg,
                             const dlx_split_origin *origin, const char *source_file,
                             dlx_diags *d);

#endif
