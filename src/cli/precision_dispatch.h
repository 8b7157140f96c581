/*
 * precision_dispatch.h — `dlx run` in the precision the experiment asks for.
 */
#ifndef DLX_CLI_PRECISION_DISPATCH_H
#define DLX_CLI_PRECISION_DISPATCH_H

#include <stdbool.h>

#include "util/diag.h"

/* True when this program computes in float64 (it is dlx-float64). */
bool precision_this_build_is_float64(void);

/* Replace this process by the build of the other precision (dlx-float64 for
   float64, dlx for float32), found beside this executable, running
   `run ARGS...` (argv[0..argc-1] are the arguments after "run"). Returns
   only on failure, with a diagnostic located at file:line:col (the
   experiment's `precision` key). */
dlx_status precision_hand_off(bool float64, int argc, char **argv, const char *file, int line,
                              int col, dlx_diags *diags);

#endif
