/*
 * dataset.h — a train/test pair of examples in memory.
 *
 * Inputs are float32, row-major [n, dim]. A classification split has integer
 * labels in [0, classes); a regression split has float targets [n, n_targets]
 * and classes == 0.
 *
 * Two optional shapes beside dense inputs: per-example loss weights
 * (`weights`, NULL when uniform), and matrix entries, where example i is the
 * entry (entry_row[i], entry_col[i]) of a rows×cols matrix with value
 * targets[i] (x NULL, dim 0, n_targets 1). The batcher gathers both, and
 * split_free frees them.
 */
#ifndef DLX_DATA_DATASET_H
#define DLX_DATA_DATASET_H

#include "util/real.h"
#include "spec/config.h"
#include "util/diag.h"

typedef struct {
    int n;            /* examples */
    int dim;          /* inputs per example */
    real *x;         /* [n, dim] */
    int *labels;      /* [n] when classes > 0, else NULL */
    real *targets;   /* [n, n_targets] when classes == 0, else NULL */
    int n_targets;    /* regression outputs; 0 for classification */
    real *weights;   /* [n] per-example loss weights, or NULL (uniform) */
    int *entry_row;   /* [n] matrix entries: row index, or NULL (dense inputs) */
    int *entry_col;   /* [n] matrix entries: column index */
    int rows, cols;   /* matrix entries: the matrix's size */
} dlx_split;

/* Why data are regression targets, for messages: the first target of a
   file that is not a class label (CSV files; file "" otherwise). */
typedef struct {
    char file[DLX_PATH_MAX];
    int line, col;
    char why[160];    /* "target -1 is not a class label (an integer in [0, 1e6))" */
} dlx_data_note;

typedef struct {
    dlx_split train, test;
    int classes;      /* > 0 classification, 0 regression */
    real *true_weights; /* [data.dim] the known w* of synthetic linear and logistic
                            data (before preprocessing; all the generator's inputs,
                            also when data.features keeps fewer), else NULL */
    real *teacher_first_layer; /* [teacher_units, data.dim] A₁ of teacher_regression data
                                   (its rows orthonormal), else NULL */
    int teacher_units;
    dlx_data_note regression_note; /* file "" when there is none */
    int tensor_order; /* order-N tensor data (data.kind cp_tensor, ht_tensor, data.source */
    int tensor_shape[DLX_MAX_TENSOR_ORDER]; /* safetensors): modes and their sizes; else 0 */
    dlx_split spare;  /* one example outside the training split, the replacement of
                         the stability diagnostic's twin runs (SPEC §8): a fresh draw
                         of a synthetic generator, or the first training example that
                         data.n_train left out; n == 0 when there is none */
} dlx_dataset;

/* Load (or generate) the data a config describes, subsample to
   n_train/n_test, and preprocess with statistics of the training split.
   source_file names the experiment file for error messages. */
dlx_status dataset_load(dlx_dataset *ds, const dlx_data_config *cfg,
                        const char *source_file, dlx_diags *diags);

void dataset_free(dlx_dataset *ds);

#endif
