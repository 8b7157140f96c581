/*
 * atomic_file.h — replace a file so that readers see the old or the new
 * content, never a mix: write a temporary file in the same folder, fsync it,
 * rename it over the target, fsync the folder.
 */
#ifndef DLX_IO_ATOMIC_FILE_H
#define DLX_IO_ATOMIC_FILE_H

#include <stdio.h>

#include "util/diag.h"

typedef struct {
    FILE *fp;                 /* write the content here */
    char *path, *tmp_path;
} dlx_atomic_file;

/* Open a temporary file beside path. */
dlx_status atomic_open(dlx_atomic_file *af, const char *path, dlx_diags *diags);
/* Flush, fsync, rename over path, fsync the folder. Closes af either way. */
dlx_status atomic_commit(dlx_atomic_file *af, dlx_diags *diags);
/* Close and delete the temporary file. */
void atomic_abort(dlx_atomic_file *af);

/* mkdir -p; DLX_ERR_RUNTIME with a message on failure. */
dlx_status make_dirs(const char *path, dlx_diags *diags);

#endif
