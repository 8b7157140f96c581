/*
 * atomic_file.h — replace a file so that readers see the old or the new
 * content, never a mix: write a temporary file in the same folder, fsync it,
 * rename it over the target, fsync the folder. The folder is opened once and
 * every step is relative to its descriptor; the temporary is created with
 * O_EXCL | O_NOFOLLOW, and a target that is a symbolic link is refused
 * (io/output_file.h): dlx never replaces a link, nor writes through one.
 */
#ifndef DLX_IO_ATOMIC_FILE_H
#define DLX_IO_ATOMIC_FILE_H

#include <stdio.h>

#include "util/diag.h"

typedef struct {
    FILE *fp;                 /* write the content here */
    char *path, *tmp_path;
    int dir_fd;               /* the folder holding path (-1 when closed) */
} dlx_atomic_file;

/* Open a temporary file beside path. DLX_ERR_INPUT when path is a symbolic
   link, DLX_ERR_RUNTIME when the temporary cannot be created. */
dlx_status atomic_open(dlx_atomic_file *af, const char *path, dlx_diags *diags);
/* Flush, fsync, rename over path, fsync the folder. Closes af either way. */
dlx_status atomic_commit(dlx_atomic_file *af, dlx_diags *diags);
/* Close and delete the temporary file. */
void atomic_abort(dlx_atomic_file *af);

/* mkdir -p; DLX_ERR_RUNTIME with a message on failure. The folder is where
   dlx will write: DLX_ERR_INPUT when one of the names dlx writes there
   (DLX_OUTPUT_NAMES) is a symbolic link in it. */
dlx_status make_dirs(const char *path, dlx_diags *diags);

#endif
