/*
 * main.c — dlx's entry point: picks the command, and is the only place that
 * turns a status into an exit code (SPEC §1).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "dlx_version.h"

/* True when the arguments of a command ask for its help: `-h` or `--help`
   anywhere except as the value of an option that takes one (`--set -h` sets
   a value), and before a `--` that ends the options. */
static bool wants_help(int argc, char **argv)
{
    static const char *const takes_value[] = {
        "--set", "--out", "--arms", "--seeds", "--point", "--jobs", "--threads", "--gemm", "--emit",
        "--dlx", "--partition", "--time", "--mem", "--sbatch", "--job-name", "--throttle", "-o",
        "--output", "--format", "--metric", "--paired", NULL};
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            return false;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return true;
        if (!strcmp(argv[i], "--paired")) {   /* summarize --paired A B: two values */
            i += 2;
            continue;
        }
        for (int k = 0; takes_value[k]; k++)
            if (!strcmp(argv[i], takes_value[k])) {
                i++;   /* its value, whatever it looks like */
                break;
            }
    }
    return false;
}

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
    static const char *const commands[] = {"run", "validate", "sweep", "collect", "summarize", NULL};
    for (int k = 0; commands[k]; k++)
        if (!strcmp(cmd, commands[k]) && wants_help(argc - 2, argv + 2)) {
            print_usage(cmd, stdout);   /* SPEC §1: every command takes -h/--help */
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
