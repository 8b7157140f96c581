/*
 * batcher.h — the order in which an epoch visits the training set, and the
 * gathering of one minibatch into contiguous buffers.
 *
 * SPEC §2 "Batches": every example once per epoch, in a fresh random order
 * drawn from the run's seed (or in data order with shuffle: false); the last,
 * smaller batch is used, as PyTorch's DataLoader with drop_last=False.
 */
#ifndef DLX_TRAIN_BATCHER_H
#define DLX_TRAIN_BATCHER_H

#include "util/real.h"
#include <stdbool.h>

#include "data/dataset.h"
#include "models/model.h"
#include "util/rng.h"

typedef struct {
    const dlx_split *split;
    int batch_size;        /* examples per batch (the last may be smaller) */
    bool shuffle;
    int *order;            /* [n] permutation of the current epoch */
    int position;          /* next index into order */
    real *x;              /* [batch_size, dim] gathered inputs */
    int *labels;           /* [batch_size] or NULL */
    real *targets;        /* [batch_size, n_targets] or NULL */
    real *weights;        /* [batch_size] when the split has example weights, else NULL */
    int *row, *col;        /* [batch_size] when the split holds matrix entries, else NULL */
} dlx_batcher;

/* Allocate the order and the batch buffers once for the run. */
dlx_status batcher_init(dlx_batcher *b, const dlx_split *split, int batch_size, bool shuffle,
                        dlx_diags *diags);
void batcher_free(dlx_batcher *b);

/* Batches per epoch: ceil(n / batch_size). */
int batcher_steps_per_epoch(const dlx_batcher *b);

/* Start an epoch: identity order, then a Fisher–Yates shuffle from rng when
   shuffling. */
void batcher_start_epoch(dlx_batcher *b, dlx_rng *rng);

/* Gather the next batch into b->x / labels / targets; returns its size
   (0 when the epoch is over). */
int batcher_next(dlx_batcher *b);

/* The gathered batch of `size` examples as the model interface takes it. */
dlx_batch batcher_batch(const dlx_batcher *b, int size);

#endif
