/*
 * grow_rank.h — the rank-growing meta-algorithm of Haeffele & Vidal (2015,
 * Alg. 1) for a factorization (SPEC §7, training.grow_rank).
 *
 * Train `grow_rank.epochs` epochs at rank r; then, if the certificate fails
 * (cert_ratio = ‖P_Ω(Y − UVᵀ)‖₂/λ > 1 + tol) and r < max, append the column
 * pair (ε·u₁, ε·v₁), ε = 10⁻³, from the top singular pair (u₁, v₁) of the
 * residual P_Ω(Y − UVᵀ) — the steepest first-order descent direction of the
 * objective among rank-one additions — and go on at rank r + 1; otherwise
 * stop. training.epochs caps the total. The optimizer's state starts afresh
 * at each rank (its buffers have the new size).
 *
 * The rank at epoch e is start + ⌊e / epochs⌋ for as long as the run grows,
 * so a checkpoint needs no record of the phases: its U tensor's width is the
 * rank to rebuild on --resume, and the growth happens before the epoch's
 * checkpoint is written.
 */
#ifndef DLX_TRAIN_GROW_RANK_H
#define DLX_TRAIN_GROW_RANK_H

#include <stdbool.h>

#include "data/dataset.h"
#include "models/model.h"
#include "spec/config.h"
#include "util/diag.h"

#define GROW_RANK_EPSILON 1e-3

/* True at the end of epoch `epoch` when a grow decision is due. */
bool grow_rank_due(const dlx_grow_rank_config *g, long epoch);

/* The certificate of the current factors: cert_ratio, and the residual's top
   singular pair into u [rows] and v [cols]. */
dlx_status grow_rank_certificate(const dlx_model *m, const dlx_split *train, double lambda,
                                 double *cert_ratio, double *u, double *v, dlx_diags *diags);

/* Replace *m (rank r) with a model of rank r + 1 built from cfg (whose
   model.rank is set to r + 1), holding U, V in its first r columns and
   (ε·u, ε·v) in the last. */
dlx_status grow_rank_append(dlx_model *m, dlx_config *cfg, const dlx_model_shape *shape,
                            const double *u, const double *v, dlx_diags *diags);

/* The rank of the U tensor in a checkpoint (for --resume), or start when
   the file holds none. */
dlx_status grow_rank_of_checkpoint(const char *path, int *rank, dlx_diags *diags);

#endif
