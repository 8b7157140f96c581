/*
 * output_file.h — opening the files dlx writes without following symbolic
 * links.
 *
 * An output folder belongs to dlx: a symbolic link inside it under a name
 * dlx writes (a dangling `metrics.csv`, a `summary.csv` pointing at a file
 * elsewhere) would make dlx create, fill or truncate a file outside the
 * folder. Every file dlx writes is therefore opened with O_NOFOLLOW (and
 * temporaries with O_EXCL as well), relative to the descriptor of the folder
 * that holds it where the caller has one, and a link is refused with
 *     PATH: error: is a symbolic link; dlx does not write through links in
 *     its output folder (remove it, or use another --out)
 * as DLX_ERR_INPUT (exit 2). Links to the output folder itself, or above
 * it, are the user's business and are followed.
 */
#ifndef DLX_IO_OUTPUT_FILE_H
#define DLX_IO_OUTPUT_FILE_H

#include <stdio.h>
#include <sys/types.h>

#include "util/diag.h"

/* The file names dlx writes in an output folder and in a run's folder. */
extern const char *const DLX_OUTPUT_NAMES[];

/* open(2) of name in the folder dirfd (AT_FDCWD: the current folder, name
   may then be a path) with flags | O_NOFOLLOW | O_CLOEXEC and mode 0644.
   Returns the descriptor, or -1 with a message naming `path` (the name as
   the user should read it): DLX_ERR_INPUT in *status for a symbolic link,
   DLX_ERR_RUNTIME for any other failure ("cannot write: REASON"). */
int io_open_output(int dirfd, const char *name, int flags, const char *path,
                   dlx_status *status, dlx_diags *diags);

/* fopen(path, mode) for mode "w" (create or truncate) or "a" (append,
   the file must exist or is created), without following a link. NULL
   with a message on failure, as io_open_output. */
FILE *io_fopen_output(const char *path, const char *mode, dlx_status *status,
                      dlx_diags *diags);

/* DLX_OK when none of DLX_OUTPUT_NAMES in folder `dir` is a symbolic link
   (dangling or not); otherwise DLX_ERR_INPUT with one message per link. */
dlx_status io_refuse_output_links(const char *dir, dlx_diags *diags);

/* DLX_ERR_INPUT with the message above (naming `path`) when `name` in
   folder dirfd (AT_FDCWD: name is a path) is a symbolic link; DLX_OK
   otherwise, also when it does not exist. */
dlx_status io_refuse_link(int dirfd, const char *name, const char *path, dlx_diags *diags);

/* DLX_ERR_INPUT (the message above, naming the link) when a folder of `path`
   below `root` (path starts with root: OUT/runs/a/seed-1 below OUT) is a
   symbolic link, so that nothing dlx writes in a run's folder lands outside
   the output folder; DLX_OK otherwise, also for parts that do not exist. */
dlx_status io_refuse_links_below(const char *root, const char *path, dlx_diags *diags);

#endif
