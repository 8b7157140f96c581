/*
 * mnist_folder.h — MNIST and Fashion-MNIST from a folder of the four
 * standard IDX files.
 *
 * The files are train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each plain or with
 * .gz. The folder is data.dir when it is set; otherwise the first of
 * $DLX_DATA/NAME and /usr/share/datasets/NAME that holds all four (Debian's
 * dataset-fashion-mnist package installs the gzipped files in the latter).
 */
#ifndef DLX_DATA_MNIST_FOLDER_H
#define DLX_DATA_MNIST_FOLDER_H

#include "data/dataset.h"
#include "data/split.h"
#include "util/diag.h"

#define MNIST_SYSTEM_DATA_DIR "/usr/share/datasets"

/* The four file paths of one folder, in the order train images, train
   labels, test images, test labels. */
typedef struct {
    char path[4][DLX_PATH_MAX];
} mnist_files;

/* Find the four files of dataset `name` ("mnist" or "fashion-mnist") by the
   rule above; dir is data.dir ("" when unset). When they are not found,
   one error on source_file lists every folder looked in and what it
   lacked. */
dlx_status mnist_folder_find(mnist_files *files, const char *name, const char *dir,
                             const char *source_file, dlx_diags *d);

/* Find and load the dataset: 10 classes, labels checked < 10, raw pixels
   0..255. origin receives the images files' paths. When dir is set and the
   files are not found, the error is at dir_line:dir_col of source_file
   (where data.dir is written; 0 when it is not written there). */
dlx_status mnist_folder_load(dlx_dataset *ds, dlx_split_origin *origin, const char *name,
                             const char *dir, int dir_line, int dir_col, const char *source_file,
                             dlx_diags *d);

/* Check, before anything runs, that dataset `name` can be loaded: the four
   files are found as mnist_folder_find finds them, and their IDX headers
   (read alone, the data untouched) announce unsigned-byte images and labels
   of matching counts and image sizes. Every error is at line:col of
   source_file (data.dir's place, or the data key's; 0 for the file alone). */
dlx_status mnist_folder_check(const char *name, const char *dir, int line, int col,
                              const char *source_file, dlx_diags *d);

#endif
