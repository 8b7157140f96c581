/*
 * data_check.h — whether a config's data files are there and readable by
 * their loaders, checked from their headers before anything runs.
 *
 * `dlx validate` (and `dlx run`, which validates first) must not pass a
 * config whose data cannot load. Loading is what takes time (Fashion-MNIST
 * is 26 MB of gzip), so these checks read only what fixes the shape: the
 * IDX headers of MNIST-style folders and idx files, and the first record of
 * a CSV file. Each error is at the config key that names the file
 * (data.dir, data.train, data.target, ...), or at the data key when that
 * key is not written (a default search), so it reads like the spec layer's.
 */
#ifndef DLX_DATA_DATA_CHECK_H
#define DLX_DATA_DATA_CHECK_H

#include "spec/config.h"
#include "util/diag.h"

/* Every problem of cfg's data files, on source_file at the places
   cfg->places records. Synthetic data has no files: always DLX_OK.
   DLX_ERR_INPUT when there is any problem. */
dlx_status data_files_check(const dlx_config *cfg, const char *source_file, dlx_diags *d);

#endif
