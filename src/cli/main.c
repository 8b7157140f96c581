/*
 * main.c — dlx's entry point: picks the command, and is the only place that
 * turns a status into an exit code (SPEC §1).
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "dlx_version.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(NULL, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        print_usage(NULL, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("dlx %s (%s)\n", DLX_VERSION, DLX_BUILD_COMMIT);
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "validate"))
        return cmd_validate(argc - 2, argv + 2);
    if (!strcmp(cmd, "sweep"))
        return cmd_sweep(argc - 2, argv + 2);
    if (!strcmp(cmd, "collect"))
        return cmd_collect(argc - 2, argv + 2);
    if (!strcmp(cmd, "summarize"))
        return cmd_summarize(argc - 2, argv + 2);
    if (!strcmp(cmd, "help"))
        return cmd_help(argc - 2, argv + 2);
    fprintf(stderr, "dlx: error: unknown command '%s' (the commands are: run, validate, sweep, collect, summarize, help)\n",
            cmd);
    return 2;
}
