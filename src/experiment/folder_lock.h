/*
 * folder_lock.h — one dlx writing into an output folder at a time.
 *
 * `dlx run` (also with --resume or --force) takes an exclusive flock(2) on
 * OUT/.dlx.lock before it reads or changes anything in the folder, and holds
 * it until it exits; forked workers inherit the open file and so hold it with
 * their parent. The kernel releases a flock when the last process holding it
 * dies, however it dies, so a lock is never left stale by a killed dlx: the
 * file staying behind means nothing by itself. The holder writes its pid and
 * command line into the file, for the message that refuses a second writer.
 * The file is opened with O_NOFOLLOW, so a symbolic link planted in its place
 * is refused rather than followed.
 */
#ifndef DLX_EXPERIMENT_FOLDER_LOCK_H
#define DLX_EXPERIMENT_FOLDER_LOCK_H

#include "util/diag.h"

#define FOLDER_LOCK_NAME ".dlx.lock"

/* Take the lock of folder out (which must exist), recording command_line;
   *fd gets the open lock file (-1 on failure). DLX_ERR_INPUT with a message
   naming the holder's pid and command when another process holds it. */
dlx_status folder_lock_take(const char *out, const char *command_line, int *fd,
                            dlx_diags *diags);

/* Release the lock (close the file); fd -1 does nothing. */
void folder_lock_release(int fd);

#endif
