/*
 * cmd_validate.c — `dlx validate FILE.yaml [--set KEY=VALUE]... [--format yaml|json]`.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/json_output.h"
#include "dlx_version.h"
#include "experiment/validate.h"
#include "spec/experiment.h"

int cmd_validate(int argc, char **argv)
{
    dlx_diags diags = {0};
    dlx_cli_args args;
    dlx_status st = cli_parse_args(&args, argc, argv, false, &diags);
    dlx_experiment *exp = calloc(1, sizeof *exp);
    dlx_sweep sweep = {0};
    if (!exp) {
        diags_add(&diags, NULL, 0, 0, "out of memory");
        st = DLX_ERR_RUNTIME;
    }
    if (st == DLX_OK) {
        dlx_overrides ov = {args.overrides, args.n_overrides};
        /* Every sweep point must validate, and every arm's diagnostics,
           reference and optimizer fit its model; then print the base with
           its sweep. */
        st = experiment_validate_file(args.file, &ov, &diags);
        if (st == DLX_OK)
            st = experiment_load(exp, &sweep, args.file, &ov, -1, NULL, &diags);
        if (st == DLX_OK && !args.json)
            st = experiment_write_yaml(exp, &sweep, DLX_VERSION, stdout, &diags);
    }
    if (args.json && st != DLX_ERR_RUNTIME) {
        /* --format json: the errors or the resolved text in one document on
           stdout (docs/json-output.md); the exit status is unchanged. */
        char *text = NULL;
        size_t len = 0;
        FILE *mem = st == DLX_OK ? open_memstream(&text, &len) : NULL;
        dlx_status w = st;
        if (mem) {
            w = experiment_write_yaml(exp, &sweep, DLX_VERSION, mem, &diags);
            /* the memory stream grows its buffer as it flushes: a failure shows at fclose */
            if (fclose(mem) != 0 || !text) {
                if (w == DLX_OK)
                    diags_add(&diags, NULL, 0, 0, "out of memory");
                w = DLX_ERR_RUNTIME;
            }
        } else if (st == DLX_OK) {
            diags_add(&diags, NULL, 0, 0, "out of memory");
            w = DLX_ERR_RUNTIME;
        }
        dlx_diags json_errors = {0};
        if (json_write_validation(w == DLX_OK, &diags, w == DLX_OK ? text : NULL, stdout,
                                  &json_errors) != DLX_OK)
            w = DLX_ERR_RUNTIME;
        free(text);
        diags_free(&diags);
        diags = json_errors;
        st = w;
    }
    diags_print(&diags, stderr);
    diags_free(&diags);
    free(exp);
    cli_args_free(&args);
    return (int)st;
}
