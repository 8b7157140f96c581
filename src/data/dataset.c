/*
 * dataset.c — dataset_load: load or generate, subsample, preprocess (see
 * dataset.h).
 *
 * Files come from the source's loader (mnist_folder.c, idx.c, csv_table.c),
 * generated data from synthetic.c, whose sizes are already n_train and
 * n_test. Subsampling happens before preprocessing, so standardize and
 * whiten take their statistics from the training examples actually used.
 */
#include "data/dataset.h"

#include <stdio.h>
#include <stdlib.h>

#include "data/csv_matrix.h"
#include "data/csv_table.h"
#include "data/idx.h"
#include "data/mnist_folder.h"
#include "data/preprocess.h"
#include "data/split.h"
#include "data/subsample.h"
#include "data/synthetic.h"

/* Load the source's files (no subsampling yet); origin names them. */
static dlx_status load_source(dlx_dataset *ds, dlx_split_origin *origin,
                              const dlx_data_config *cfg, const char *source_file, dlx_diags *d)
{
    switch (cfg->source) {
    case DATA_FASHION_MNIST:
        return mnist_folder_load(ds, origin, "fashion-mnist", cfg->dir, cfg->dir_line,
                                 cfg->dir_col, source_file, d);
    case DATA_MNIST:
        return mnist_folder_load(ds, origin, "mnist", cfg->dir, cfg->dir_line, cfg->dir_col,
                                 source_file, d);
    case DATA_IDX:
        snprintf(origin->train, sizeof origin->train, "%s", cfg->train_images);
        snprintf(origin->test, sizeof origin->test, "%s", cfg->test_images);
        return idx_load_dataset(ds, cfg->train_images, cfg->train_labels, cfg->test_images,
                                cfg->test_labels, 0, d);
    case DATA_CSV:
        if (cfg->format != CSV_TABLE)
            return csv_matrix_load(ds, origin, cfg, d);
        return csv_load_at(ds, origin, cfg->train, cfg->test, cfg->target, cfg->target_line,
                           cfg->target_col, source_file, d);
    case DATA_SYNTHETIC:
        return synthetic_generate(ds, cfg, source_file, d);
    }
    diags_add(d, source_file, 0, 0, "unknown data.source (%d)", (int)cfg->source);
    return DLX_ERR_INPUT;
}

dlx_status dataset_load(dlx_dataset *ds, const dlx_data_config *cfg, const char *source_file,
                        dlx_diags *diags)
{
    *ds = (dlx_dataset){0};
    dlx_split_origin origin = {{0}, {0}};
    dlx_status st = load_source(ds, &origin, cfg, source_file, diags);
    if (st == DLX_OK && cfg->source != DATA_SYNTHETIC)
        st = subsample_dataset(ds, cfg, &origin, source_file, diags);
    if (st == DLX_OK)
        st = preprocess_dataset(ds, cfg->preprocess, source_file, diags);
    if (st != DLX_OK)
        dataset_free(ds);
    return st;
}

void dataset_free(dlx_dataset *ds)
{
    split_free(&ds->train);
    split_free(&ds->test);
    free(ds->true_weights);
    ds->true_weights = NULL;
    ds->classes = 0;
}
