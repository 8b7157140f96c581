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
#include "data/importance.h"
#include "data/mnist_folder.h"
#include "data/preprocess.h"
#include "data/split.h"
#include "data/subsample.h"
#include "data/synthetic.h"

/* One loader per data source, each with the signature of the table below. */
typedef dlx_status (*source_loader)(dlx_dataset *ds, dlx_split_origin *origin,
                                    const dlx_data_config *cfg, const char *source_file, dlx_diags *d);

static dlx_status load_fashion_mnist(dlx_dataset *ds, dlx_split_origin *origin,
                                     const dlx_data_config *cfg, const char *source_file, dlx_diags *d)
{
    return mnist_folder_load(ds, origin, "fashion-mnist", cfg->dir, cfg->dir_line, cfg->dir_col,
                             source_file, d);
}

static dlx_status load_mnist(dlx_dataset *ds, dlx_split_origin *origin, const dlx_data_config *cfg,
                             const char *source_file, dlx_diags *d)
{
    return mnist_folder_load(ds, origin, "mnist", cfg->dir, cfg->dir_line, cfg->dir_col,
                             source_file, d);
}

static dlx_status load_idx(dlx_dataset *ds, dlx_split_origin *origin, const dlx_data_config *cfg,
                           const char *source_file, dlx_diags *d)
{
    (void)source_file;
    snprintf(origin->train, sizeof origin->train, "%s", cfg->train_images);
    snprintf(origin->test, sizeof origin->test, "%s", cfg->test_images);
    return idx_load_dataset(ds, cfg->train_images, cfg->train_labels, cfg->test_images,
                            cfg->test_labels, 0, d);
}

/* A table of examples, or a matrix (data.format entries | dense). */
static dlx_status load_csv(dlx_dataset *ds, dlx_split_origin *origin, const dlx_data_config *cfg,
                           const char *source_file, dlx_diags *d)
{
    if (cfg->format != CSV_TABLE)
        return csv_matrix_load(ds, origin, cfg, d);
    return csv_load_weighted(ds, origin, cfg->train, cfg->test, cfg->target, cfg->target_line,
                             cfg->target_col, cfg->weight_column, source_file, d);
}

static dlx_status load_synthetic(dlx_dataset *ds, dlx_split_origin *origin,
                                 const dlx_data_config *cfg, const char *source_file, dlx_diags *d)
{
    (void)origin;
    return synthetic_generate(ds, cfg, source_file, d);
}

/* A tensor file is read by the experiment layer (experiment/tensor_file.h),
   which may use both io/ (the safetensors reader) and data/ (the splits):
   the data cache loads it there, never through dataset_load. */
static dlx_status load_safetensors(dlx_dataset *ds, dlx_split_origin *origin,
                                   const dlx_data_config *cfg, const char *source_file, dlx_diags *d)
{
    (void)ds;
    (void)origin;
    (void)cfg;
    diags_add(d, source_file, 0, 0, "internal error: data.source safetensors is read by "
              "experiment/tensor_file.c, not by dataset_load");
    return DLX_ERR_RUNTIME;
}

/* The data sources, indexed by dlx_data_source (names as SPEC_DATA_SOURCES);
   the length is checked when building. */
static const source_loader SOURCES[] = {
    [DATA_FASHION_MNIST] = load_fashion_mnist,
    [DATA_MNIST] = load_mnist,
    [DATA_IDX] = load_idx,
    [DATA_CSV] = load_csv,
    [DATA_SYNTHETIC] = load_synthetic,
    [DATA_SAFETENSORS] = load_safetensors,
};
_Static_assert(sizeof SOURCES / sizeof *SOURCES == DATA_SOURCE_COUNT, "one loader per data source");

/* Load the source's files (no subsampling yet); origin names them. */
static dlx_status load_source(dlx_dataset *ds, dlx_split_origin *origin,
                              const dlx_data_config *cfg, const char *source_file, dlx_diags *d)
{
    unsigned source = (unsigned)cfg->source;
    if (source < DATA_SOURCE_COUNT && SOURCES[source])
        return SOURCES[source](ds, origin, cfg, source_file, d);
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
    if (st == DLX_OK)   /* on the inputs as drawn or read: the exact densities are of those */
        st = importance_apply(ds, cfg, source_file, diags);
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
    split_free(&ds->spare);
    free(ds->true_weights);
    ds->true_weights = NULL;
    free(ds->teacher_first_layer);
    ds->teacher_first_layer = NULL;
    ds->teacher_units = 0;
    ds->classes = 0;
}
