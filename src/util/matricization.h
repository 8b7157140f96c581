/*
 * matricization.h — the odd/even matricization of an order-N tensor and its
 * numerical rank (Cohen, Sharir & Shashua 2016, §3: [A] has the odd modes
 * 1, 3, 5, ... (1-based) as its rows and the even modes 2, 4, ... as its
 * columns; the CP-rank of A is at least rank [A], and a hierarchical-Tucker
 * tensor of ranks r reaches r^(N/2) for almost every parameter).
 *
 * Tensors are dense, row-major over their shape (the last mode varies
 * fastest), in double.
 */
#ifndef DLX_UTIL_MATRICIZATION_H
#define DLX_UTIL_MATRICIZATION_H

#include "util/diag.h"

/* Rows and columns of the odd/even matricization of a tensor of that shape. */
void matricization_size(int order, const int *shape, long *rows, long *cols);

/* The matricization [t] (rows × cols, row-major) of the tensor t:
   entry (i_1, ..., i_N) goes to row (i_1, i_3, ...) and column (i_2, i_4, ...),
   each a row-major index over its modes. */
void matricization(const double *t, int order, const int *shape, double *out);

/* The number of singular values of [t] above rel_tol·σ₁ (0 for a zero
   tensor), in *rank. DLX_ERR_RUNTIME when memory runs out or LAPACK fails. */
dlx_status matricization_rank(const double *t, int order, const int *shape, double rel_tol, int *rank,
                              dlx_diags *diags);

#endif
