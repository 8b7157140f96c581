/*
 * data_cache.h — the data sets of an experiment, each loaded once and shared
 * by every arm and sweep point whose `data:` section is the same.
 *
 * Two arms may share a loaded data set only when loading either's section
 * would give the same data. The cache does not compare the fields of
 * dlx_data_config one by one (a key added later and forgotten there would
 * make arms silently share data that differs): it keys each data set on the
 * canonical text of its `data:` section, as resolved.yaml writes it
 * (spec/emit.c: every key that applies to the section's choices, floats in
 * the shortest text that reads back to the same double). Every key the
 * schema knows is written there, so every key takes part in the comparison.
 */
#ifndef DLX_EXPERIMENT_DATA_CACHE_H
#define DLX_EXPERIMENT_DATA_CACHE_H

#include "data/dataset.h"
#include "spec/config.h"
#include "util/diag.h"

/* How a data set is loaded: dataset_load, or a test's stand-in. */
typedef dlx_status (*dlx_data_loader)(dlx_dataset *ds, const dlx_data_config *cfg,
                                      const char *source_file, dlx_diags *diags);

typedef struct {
    dlx_data_loader load;   /* NULL: dataset_load */
    int count;              /* data sets loaded */
    dlx_dataset **sets;     /* [count] */
    char **keys;            /* [count] the canonical `data:` text of each */
} dlx_data_cache;

/* The canonical `data:` section of config (a new string, caller frees) into
   *key. */
dlx_status data_cache_key(const dlx_config *config, char **key, dlx_diags *diags);

/* The data set of config's `data:` section, loaded the first time it is
   asked for (source_file: the experiment file, for relative paths and
   messages). The cache owns it. */
dlx_status data_cache_get(dlx_data_cache *cache, const dlx_config *config,
                          const char *source_file, dlx_dataset **out, dlx_diags *diags);

/* Free every data set and key. */
void data_cache_free(dlx_data_cache *cache);

#endif
