/*
 * help.c — `dlx --help` and `dlx help COMMAND`.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const char OVERVIEW[] =
    "usage: dlx COMMAND [ARGS]\n"
    "\n"
    "dlx trains the arms of a YAML experiment and writes per-epoch metrics.\n"
    "\n"
    "commands:\n"
    "  run FILE.yaml       train every arm and seed, write metrics.csv and summary.csv\n"
    "  validate FILE.yaml  print the resolved experiment as YAML, or its errors\n"
    "  help COMMAND        describe a command\n"
    "\n"
    "  dlx --version       print the version\n"
    "\n"
    "See README.md and docs/config.md.\n";

static const char RUN[] =
    "usage: dlx run FILE.yaml [--set KEY=VALUE]... [--out DIR] [--arms A,B] [--seeds 1,2]\n"
    "               [--point I] [--jobs N] [--threads N] [--force] [--quiet] [--progress]\n"
    "\n"
    "Train every (arm, seed) of the experiment and write into the output folder\n"
    "(default results/<experiment>): metrics.csv, summary.csv, resolved.yaml, meta.yaml\n"
    "and runs/<arm>/seed-<k>/checkpoint.safetensors.\n"
    "\n"
    "  --set KEY=VALUE  override a key by its dotted path (optimizer.lr=0.1,\n"
    "                   model.hidden=[256,256], arms.1.model.batch_norm=true);\n"
    "                   VALUE is a YAML flow value; KEY=VALUE and --KEY=VALUE work too\n"
    "  --out DIR        output folder (replaces `output`)\n"
    "  --arms A,B       run only these arms\n"
    "  --seeds 1,2      run these seeds instead of the file's\n"
    "  --point I        run only sweep point I (0-based)\n"
    "  --jobs N         run up to N runs at once (same results as --jobs 1)\n"
    "  --threads N      BLAS threads per run (default: 1 with --jobs > 1, else all cores)\n"
    "  --force          replace the results already in the output folder\n"
    "  --quiet          no progress on stderr\n"
    "  --progress       progress on stderr even when it is not a terminal\n"
    "\n"
    "exit status: 0 success (diverged runs are results), 1 runtime failure,\n"
    "2 usage, experiment-file or data error, 130/143 after SIGINT/SIGTERM.\n";

static const char VALIDATE[] =
    "usage: dlx validate FILE.yaml [--set KEY=VALUE]...\n"
    "\n"
    "Print the resolved experiment (every default filled in, every override applied)\n"
    "as YAML that `dlx run` accepts again, or every error as FILE:LINE:COL: error: ...\n"
    "and exit 2.\n";

void print_usage(const char *command, FILE *fp)
{
    if (command && !strcmp(command, "run"))
        fputs(RUN, fp);
    else if (command && !strcmp(command, "validate"))
        fputs(VALIDATE, fp);
    else
        fputs(OVERVIEW, fp);
}

int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        print_usage(NULL, stdout);
        return 0;
    }
    if (strcmp(argv[0], "run") && strcmp(argv[0], "validate") && strcmp(argv[0], "help")) {
        fprintf(stderr, "dlx: error: no command '%s' (the commands are: run, validate, help)\n",
                argv[0]);
        return 2;
    }
    print_usage(argv[0], stdout);
    return 0;
}
