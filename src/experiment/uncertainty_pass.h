/*
 * uncertainty_pass.h — the predictive uncertainty of trained models
 * (the `uncertainty` key; docs/config.md), written to uncertainty.csv.
 *
 * After the runs of an experiment, the runner hands over groups of finished
 * runs of one arm: `size` seeds for method ensemble (their final models'
 * average prediction, Lakshminarayanan et al. 2017), one seed for method
 * mc_dropout (the average over `size` dropout masks, Gal & Ghahramani
 * 2016). Each group becomes one row: its test scores (uncertainty.h) with
 * the noise variance σ² estimated on the whole training split (not a
 * bootstrap resample), and for synthetic `linear` data the coverage of the
 * noise-free regression function, regenerated from data.seed with noise 0.
 */
#ifndef DLX_EXPERIMENT_UNCERTAINTY_PASS_H
#define DLX_EXPERIMENT_UNCERTAINTY_PASS_H

#include <stdint.h>
#include <stdio.h>

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"

typedef struct {
    const dlx_config *config;
    const dlx_dataset *data;        /* as the arm loaded it (before any bootstrap) */
    const char *arm;
    const char *source_file;        /* the experiment file, for messages */
    int n_models;
    const uint64_t *seeds;          /* [n_models] */
    const char *const *checkpoints; /* [n_models] checkpoint.safetensors of each run */
} dlx_uncertainty_group;

/* The header: arm,method,seeds,n_models,n_masks,test_loss,test_acc,nll,ece,
   rmse,noise_sd,model_sd,cover50,cover90,truth_rmse,truth_cover50,
   truth_cover90, then one column per swept key. */
dlx_status uncertainty_write_header(FILE *fp, const char *path, int n_extra,
                                    const char *const *keys, dlx_diags *diags);

/* Load the group's models, predict, score, and write its row (swept values
   appended). */
dlx_status uncertainty_evaluate(const dlx_uncertainty_group *g, int n_extra,
                                const char *const *values, FILE *fp, const char *path,
                                dlx_diags *diags);

#endif
