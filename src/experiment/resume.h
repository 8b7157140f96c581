/*
 * resume.h — what `dlx run --resume` needs besides the checkpoints: the
 * check that the experiment is the one that was started, and the cutting of
 * a run's metrics.csv back to the rows its checkpoint knows about, after
 * checking that the file is the one the run wrote.
 *
 * The resolved experiment (resolved.yaml: every default, override, --arms
 * and --seeds applied) is the identity of an output folder: --resume
 * compares it line by line with the one it would write, and refuses with the
 * first key that differs. Comparing the text itself is a stronger check than
 * a hash of it and can say what changed.
 */
#ifndef DLX_EXPERIMENT_RESUME_H
#define DLX_EXPERIMENT_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

/* DLX_OK when the file at resolved_path holds exactly `expected`
   (`len` bytes); otherwise DLX_ERR_INPUT with a message naming the first key
   whose line differs, its old and new text. */
dlx_status resume_check_resolved(const char *resolved_path, const char *expected, size_t len,
                                 dlx_diags *diags);

/* True when the folder's meta.yaml records an end time (`end:` not null):
   the experiment finished and wrote its whole record. False when it is
   missing or unreadable, or the process stopped before the end (a signal,
   or an error such as running out of memory while writing summary.csv). */
bool resume_meta_finished(const char *meta_path);

/* DLX_OK when the settings recorded in the folder's meta.yaml (SPEC §3:
   `threads:`, `gemm:`, `precision:`) are those this run would use; a setting
   that differs is DLX_ERR_INPUT with a message naming both values, since the
   numbers of the resumed part would differ. A missing meta.yaml or key is not
   compared. */
dlx_status resume_check_meta(const char *meta_path, int threads, const char *gemm,
                             const char *precision, dlx_diags *diags);

/* Keep the header and the first `rows` rows of a metrics.csv, dropping
   anything after them (rows measured after the checkpoint, a partial line).
   DLX_ERR_INPUT when the file holds fewer rows. */
dlx_status resume_truncate_metrics(const char *path, long rows, dlx_diags *diags);

/* Check that the metrics.csv at path is the one run (arm, seed) wrote,
   before --resume continues it: its first line is `header` (as
   metrics_write_header writes it, with its newline), every whole line after
   it is a row of that run as wide as the header, the epoch column increases
   row by row (it may repeat only in a run that diverged, whose non-finite
   steps are not counted), and at least `rows` whole rows are there (the
   checkpoint's count; a partial last line is allowed, it is cut off). A
   failure is DLX_ERR_INPUT with a message naming the file and the line. */
dlx_status resume_check_metrics(const char *path, const char *header, const char *arm,
                                uint64_t seed, long rows, bool diverged, dlx_diags *diags);

/* Delete the temporary files (NAME.tmp.PID, src/io/atomic_file.c) that a
   killed dlx left anywhere under folder `out`, when process PID no longer
   exists or has exited (a zombie); returns how many were deleted. A live PID's file is left alone:
   another dlx may be writing it. */
int resume_remove_stale_temporaries(const char *out);

/* True while process pid exists and has not exited (a zombie has). */
bool resume_process_running(long pid);

/* The dotted key path of line `index` of a block-style YAML text, from the
   indentation of the lines before it (list items named by their `name:`),
   into buf. Exposed for tests. */
void resume_key_path(const char *text, size_t len, size_t line_start, char *buf, size_t n);

#endif
