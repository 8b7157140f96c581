/*
 * args.h — the command line of `dlx run` and `dlx validate` (SPEC §1).
 *
 *   FILE.yaml                 the experiment
 *   --set KEY=VALUE, --set=KEY=VALUE, KEY=VALUE (after the file), --KEY=VALUE
 *                             overrides, applied in order
 *   --out DIR, --arms A,B, --seeds 1,2, --point I, --jobs N, --threads N,
 *   --resume, --force, --quiet, --progress, --gemm auto|openblas|onednn
 *                             (also as --name=value)
 */
#ifndef DLX_CLI_ARGS_H
#define DLX_CLI_ARGS_H

#include <stdbool.h>

#include "util/diag.h"
#include "util/gemm.h"

typedef struct {
    const char *file;
    const char **overrides;   /* pointers into argv, "KEY=VALUE" */
    int n_overrides;
    const char *out, *arms, *seeds;
    int point;                /* -1: all */
    int jobs, threads;        /* jobs >= 1; threads 0 = default */
    bool resume, force, quiet, progress;
    gemm_backend gemm;        /* --gemm; GEMM_AUTO when not given */
    bool json;                /* validate --format json */
} dlx_cli_args;

/* Parse argv[0..argc) (the words after the command name). allow_run_options
   is false for `dlx validate`, which takes only FILE and overrides. For
   `dlx run` a valid --gemm is also made the process's GEMM backend
   (gemm_select), so a backend missing from this build is a usage error. */
dlx_status cli_parse_args(dlx_cli_args *a, int argc, char **argv, bool allow_run_options,
                          dlx_diags *diags);
void cli_args_free(dlx_cli_args *a);

#endif
