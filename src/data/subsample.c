/*
 * subsample.c — uniform subsets in original order (see subsample.h).
 */
#include "data/subsample.h"

#include <stdlib.h>

#include "data/split.h"

/* Shrink an array to its kept part; keeps the old block if realloc fails. */
static void *shrink(void *p, size_t bytes)
{
    void *q = realloc(p, bytes ? bytes : 1);
    return q ? q : p;
}

/* subsample_split, and with spare (allocated like s for one example) the
   first example left out copied into it; returns the index of that example
   in s before compaction, or -1 when every example is kept. A skipped row i
   is still intact when it is skipped (rows are only written below i), and
   when selection stops early the first unread row is. */
static int subsample_with_spare(dlx_split *s, int keep, dlx_rng *rng, dlx_split *spare)
{
    if (keep >= s->n)
        return -1;
    size_t dim = (size_t)s->dim, n_targets = (size_t)s->n_targets;
    int kept = 0, first_out = -1, i = 0;
    for (; i < s->n && kept < keep; i++) {
        uint64_t remaining = (uint64_t)(s->n - i), needed = (uint64_t)(keep - kept);
        if (rng_below(rng, remaining) >= needed) {
            if (first_out < 0 && spare)
                split_copy_example(spare, 0, s, i);
            if (first_out < 0)
                first_out = i;
            continue;
        }
        /* kept <= i: copying row i down to row `kept` never overwrites a row still to be read. */
        if (kept != i)
            split_copy_example(s, kept, s, i);
        kept++;
    }
    if (first_out < 0) {
        first_out = i;
        if (spare)
            split_copy_example(spare, 0, s, i);
    }
    s->n = keep;
    s->x = shrink(s->x, (size_t)keep * dim * sizeof *s->x);
    if (s->labels)
        s->labels = shrink(s->labels, (size_t)keep * sizeof *s->labels);
    if (s->targets)
        s->targets = shrink(s->targets, (size_t)keep * n_targets * sizeof *s->targets);
    if (s->weights)
        s->weights = shrink(s->weights, (size_t)keep * sizeof *s->weights);
    if (s->entry_row) {
        s->entry_row = shrink(s->entry_row, (size_t)keep * sizeof *s->entry_row);
        s->entry_col = shrink(s->entry_col, (size_t)keep * sizeof *s->entry_col);
    }
    return first_out;
}

void subsample_split(dlx_split *s, int keep, dlx_rng *rng) { subsample_with_spare(s, keep, rng, NULL); }

/* Check one requested size against what the split holds. */
static dlx_status check_request(long requested, const dlx_split *s, const char *key,
                                const char *file, const char *source_file, dlx_diags *d)
{
    if (requested < 0) {
        diags_add(d, source_file, 0, 0, "data.%s must be >= 0 (0 keeps every example), got %ld",
                  key, requested);
        return DLX_ERR_INPUT;
    }
    if (requested > s->n) {
        diags_add(d, source_file, 0, 0, "data.%s is %ld but %s has %d examples", key, requested,
                  file, s->n);
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

dlx_status subsample_dataset(dlx_dataset *ds, const dlx_data_config *cfg,
                             const dlx_split_origin *origin, const char *source_file,
                             dlx_diags *d)
{
    dlx_status st = check_request(cfg->n_train, &ds->train, "n_train", origin->train, source_file,
                                  d);
    dlx_status st_test = check_request(cfg->n_test, &ds->test, "n_test", origin->test,
                                       source_file, d);
    if (st != DLX_OK || st_test != DLX_OK)
        return DLX_ERR_INPUT;
    dlx_rng rng;
    if (cfg->n_train > 0) {
        rng_seed(&rng, cfg->seed, SUBSAMPLE_STREAM_TRAIN);
        dlx_split *spare = NULL;   /* the stability diagnostic's replacement example */
        if (cfg->n_train < ds->train.n && !ds->train.entry_row) {
            dlx_status st_spare = split_alloc_like(&ds->spare, &ds->train, 1, source_file, d);
            if (st_spare != DLX_OK)
                return st_spare;
            spare = &ds->spare;
        }
        subsample_with_spare(&ds->train, (int)cfg->n_train, &rng, spare);
    }
    if (cfg->n_test > 0) {
        rng_seed(&rng, cfg->seed, SUBSAMPLE_STREAM_TEST);
        subsample_split(&ds->test, (int)cfg->n_test, &rng);
    }
    return DLX_OK;
}
