/*
 * batcher.c — epoch order and minibatch gathering (see batcher.h).
 */
#include "train/batcher.h"

#include <stdlib.h>
#include <string.h>

dlx_status batcher_init(dlx_batcher *b, const dlx_split *split, int batch_size, bool shuffle,
                        dlx_diags *diags)
{
    *b = (dlx_batcher){.split = split, .batch_size = batch_size, .shuffle = shuffle};
    size_t bs = (size_t)batch_size;
    b->order = malloc((size_t)(split->n > 0 ? split->n : 1) * sizeof *b->order);
    b->x = malloc(bs * (size_t)split->dim * sizeof *b->x + sizeof *b->x);
    if (split->labels)
        b->labels = malloc(bs * sizeof *b->labels);
    else
        b->targets = malloc(bs * (size_t)split->n_targets * sizeof *b->targets);
    bool weights_ok = !split->weights || (b->weights = malloc(bs * sizeof *b->weights));
    bool entries_ok = !split->entry_row || ((b->row = malloc(bs * sizeof *b->row)) &&
                                            (b->col = malloc(bs * sizeof *b->col)));
    if (!b->order || !b->x || (!b->labels && !b->targets) || !weights_ok || !entries_ok) {
        batcher_free(b);
        diags_add(diags, NULL, 0, 0, "out of memory for minibatch buffers");
        return DLX_ERR_RUNTIME;
    }
    b->position = split->n; /* no epoch started */
    return DLX_OK;
}

void batcher_free(dlx_batcher *b)
{
    free(b->order);
    free(b->x);
    free(b->labels);
    free(b->targets);
    free(b->weights);
    free(b->row);
    free(b->col);
    *b = (dlx_batcher){0};
}

int batcher_steps_per_epoch(const dlx_batcher *b)
{
    return (b->split->n + b->batch_size - 1) / b->batch_size;
}

void batcher_start_epoch(dlx_batcher *b, dlx_rng *rng)
{
    for (int i = 0; i < b->split->n; i++)
        b->order[i] = i;
    if (b->shuffle)
        rng_shuffle(rng, b->order, b->split->n);
    b->position = 0;
}

dlx_batch batcher_batch(const dlx_batcher *b, int size)
{
    return (dlx_batch){.size = size, .x = b->split->dim > 0 ? b->x : NULL, .labels = b->labels,
                       .targets = b->targets, .weights = b->weights, .row = b->row, .col = b->col};
}

int batcher_next(dlx_batcher *b)
{
    const dlx_split *s = b->split;
    int count = s->n - b->position;
    if (count > b->batch_size)
        count = b->batch_size;
    if (count <= 0)
        return 0;
    size_t dim = (size_t)s->dim, k = (size_t)s->n_targets;
    for (int i = 0; i < count; i++) {
        size_t src = (size_t)b->order[b->position + i];
        if (dim > 0)   /* matrix entries have no inputs (x NULL) */
            memcpy(b->x + (size_t)i * dim, s->x + src * dim, dim * sizeof *b->x);
        if (b->labels)
            b->labels[i] = s->labels[src];
        else
            memcpy(b->targets + (size_t)i * k, s->targets + src * k, k * sizeof *b->targets);
        if (b->weights)
            b->weights[i] = s->weights[src];
        if (b->row) {
            b->row[i] = s->entry_row[src];
            b->col[i] = s->entry_col[src];
        }
    }
    b->position += count;
    return count;
}
