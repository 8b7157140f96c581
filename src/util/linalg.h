/*
 * linalg.h — the dense linear algebra of the data layer, over LAPACK.
 *
 * Sample mean and covariance (in double), the eigendecomposition of a
 * symmetric matrix (LAPACK dsyevd) and a random orthogonal matrix (QR of a
 * Gaussian matrix, LAPACK dgeqrf + dorgqr). OpenBLAS contains LAPACK; the
 * Fortran prototypes are declared in linalg.c since Debian ships no
 * lapacke.h with it.
 */
#ifndef DLX_UTIL_LINALG_H
#define DLX_UTIL_LINALG_H

#include "util/real.h"
#include <stddef.h>

#include "util/diag.h"
#include "util/rng.h"

/* mean[j] = (1/n) Σ_i x[i,j] and the population covariance
   cov[j,k] = (1/n) Σ_i (x[i,j] − mean[j])(x[i,k] − mean[k]) of the n rows of
   x [n, dim], accumulated in double (cblas_dsyrk over blocks of rows).
   cov is [dim, dim], full (both triangles). Returns DLX_ERR_RUNTIME when the
   block buffer cannot be allocated. */
dlx_status mean_covariance(double *mean, double *cov, const real *x, int n, int dim);

/* Eigendecomposition a = Σ_i λ_i e_i e_iᵀ of the symmetric [dim, dim] matrix
   a: on return eigenvalues[i] = λ_i in ascending order and row i of a is the
   unit eigenvector e_i. Returns DLX_ERR_RUNTIME if LAPACK fails or memory
   runs out. */
dlx_status symmetric_eigen(double *a, double *eigenvalues, int dim);

/* A random orthogonal [dim, dim] matrix q, Haar-distributed: the Q of the
   QR decomposition of a matrix of N(0,1) entries, with the columns' signs
   fixed so that R has a positive diagonal (Mezzadri 2007, "How to generate
   random matrices from the classical compact groups", Notices AMS 54(5)).
   q is column-major, as LAPACK returns it (its transpose is equally
   Haar-distributed). Returns DLX_ERR_RUNTIME if LAPACK fails or memory runs
   out. */
dlx_status random_orthogonal(double *q, int dim, dlx_rng *rng);

#endif
