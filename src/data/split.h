/*
 * split.h — allocating one split of a dataset with its size checked.
 *
 * Every loader and generator sizes its arrays through split_check_size, so a
 * corrupted header or a mistyped `dim` ends in a message that says how much
 * memory the request would need, never in a huge malloc or an overflowed
 * product. A split holds at most DLX_SPLIT_MAX_VALUES numbers in its input
 * matrix (2^31 floats, 8 GiB).
 */
#ifndef DLX_DATA_SPLIT_H
#define DLX_DATA_SPLIT_H

#include "util/real.h"
#include <stddef.h>

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"

#define DLX_SPLIT_MAX_VALUES ((size_t)1 << 31)

/* Where the two splits of a dataset came from (a file name, or a short
   description), for messages such as "data.n_train is 70000 but FILE has
   60000 examples". */
typedef struct {
    char train[DLX_PATH_MAX];
    char test[DLX_PATH_MAX];
} dlx_split_origin;

/* Check that n rows of dim values is a size dlx accepts: the product does
   not overflow, n and dim fit an int, and n·dim <= DLX_SPLIT_MAX_VALUES.
   what names the rows in the message ("examples", "bytes of IDX data").
   Returns DLX_ERR_INPUT with a diagnostic on `file` otherwise. */
dlx_status split_check_size(size_t n, size_t dim, const char *what, const char *file,
                            dlx_diags *d);

/* Allocate s->x [n, dim] and either s->labels [n] (n_targets == 0) or
   s->targets [n, n_targets], zero-filled. Checks the size first (messages
   on `file`); DLX_ERR_RUNTIME when memory runs out. */
dlx_status split_alloc(dlx_split *s, int n, int dim, int n_targets, const char *file,
                       dlx_diags *d);

/* As split_alloc, but s->x is the caller's x, an array of at least n·dim + 1
   floats from malloc that s now owns (freed here on any error). Lets a
   loader build the inputs in place instead of copying them into a second
   array. */
dlx_status split_alloc_with_inputs(dlx_split *s, real *x, int n, int dim, int n_targets,
                                   const char *file, dlx_diags *d);

/* Allocate dst for n examples with every array src has (inputs, labels or
   targets, weights, matrix entries) and src's sizes. */
dlx_status split_alloc_like(dlx_split *dst, const dlx_split *src, int n, const char *file,
                            dlx_diags *d);

/* Copy example i of src into slot k of dst (the same layout; dst may be src
   when k != i). */
void split_copy_example(dlx_split *dst, int k, const dlx_split *src, int i);

/* Free the arrays of s and zero it. */
void split_free(dlx_split *s);

/* One input value of a replica, from the original value (split_replicate). */
typedef real (*split_input_map)(real x, void *ctx);

/* Allocate *out with copies·src->n examples: row j·n + i is example i of src
   with every input x replaced by map(x, ctx), called in row order (so a map
   that draws random numbers draws them in that order); labels or targets
   copied unchanged. `what` names the examples in the too-large message,
   `replicas` the split in the out-of-memory one. DLX_ERR_INPUT (too large a
   split) or DLX_ERR_RUNTIME (memory), with a message. */
dlx_status split_replicate(dlx_split *out, const dlx_split *src, int copies, const char *what,
                           const char *replicas, split_input_map map, void *ctx, dlx_diags *d);

#endif
