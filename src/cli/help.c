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
    "  sweep FILE.yaml     print one dlx run per sweep point (--emit commands|slurm)\n"
    "  collect DIR...      merge output folders into one tidy CSV\n"
    "  summarize DIR...    mean, sd, min, max, 95% t interval over seeds per arm and point\n"
    "  help COMMAND        describe a command\n"
    "\n"
    "  dlx --version       print the version\n"
    "\n"
    "See README.md and docs/config.md.\n";

static const char RUN[] =
    "usage: dlx run FILE.yaml [--set KEY=VALUE]... [--out DIR] [--arms A,B] [--seeds 1,2]\n"
    "               [--point I] [--jobs N] [--threads N] [--resume | --force] [--quiet]\n"
    "               [--progress] [--gemm auto|openblas|onednn]\n"
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
    "  --resume         continue every unfinished run from its last checkpoint (refused\n"
    "                   when the experiment or --set changed; docs/reliability.md)\n"
    "  --force          replace the results already in the output folder\n"
    "  --quiet          no progress and no closing table on stderr\n"
    "  --progress       progress on stderr even when it is not a terminal: plain lines\n"
    "                   (on a terminal: a block redrawn in place, with an ETA)\n"
    "  --gemm B         matrix-product backend: auto (default), openblas, onednn\n"
    "                   (when built with it); docs/performance.md\n"
    "\n"
    "exit status: 0 success (diverged runs are results), 1 runtime failure,\n"
    "2 usage, experiment-file or data error, 130/143/129/138 after\n"
    "SIGINT/SIGTERM/SIGHUP/SIGUSR1, once the runs stopped with their checkpoints\n"
    "(SIGHUP: the terminal or ssh session closed, unless run under nohup; SIGUSR1:\n"
    "what Slurm sends before a time limit). A second dlx on the same output folder is\n"
    "refused (exit 2).\n";

static const char VALIDATE[] =
    "usage: dlx validate FILE.yaml [--set KEY=VALUE]... [--format yaml|json]\n"
    "\n"
    "Print the resolved experiment (every default filled in, every override applied)\n"
    "as YAML that `dlx run` accepts again, or every error as FILE:LINE:COL: error: ...\n"
    "and exit 2. --format json: one JSON document with both (docs/json-output.md).\n";

static const char SWEEP[] =
    "usage: dlx sweep FILE.yaml --emit commands|slurm [--out DIR] [--set KEY=VALUE]...\n"
    "                 [--threads N] [--dlx PATH] [--throttle N] [--partition P] [--time T]\n"
    "                 [--mem M] [--job-name NAME] [--sbatch OPTION]... [--resume | --force]\n"
    "\n"
    "Validate every sweep point, then print how to run each one on its own:\n"
    "  --emit commands  one line per point, `dlx run FILE --point I --out DIR/pI`,\n"
    "                   for `parallel -j N`, `xargs -P N` or any scheduler\n"
    "  --emit slurm     a Slurm job-array script (task I runs point I; logs in\n"
    "                   DIR/slurm/, which is created); submit it with sbatch\n"
    "  --out DIR        parent of the point folders (default: the file's output)\n"
    "  --set KEY=VALUE  passed to every run\n"
    "  --threads N      BLAS threads of each run (and --cpus-per-task)\n"
    "  --dlx PATH       the dlx program in the lines (default: this one, absolute)\n"
    "  --throttle N     at most N array tasks at once (--array=0-K%N)\n"
    "  --partition, --time, --mem, --job-name, --sbatch OPTION  #SBATCH lines, one option each\n"
    "  --resume, --force  passed to every run; without one, point folders that already\n"
    "                   hold results are refused here (exit 2)\n"
    "Then: dlx collect DIR -o all.csv; dlx summarize DIR. See docs/sweeps.md.\n";

static const char COLLECT[] =
    "usage: dlx collect DIR... [-o FILE] [--runs] [--allow-mixed] [--format csv|json]\n"
    "\n"
    "Merge the output folders found under each DIR into one CSV (stdout, or FILE):\n"
    "the rows of their metrics.csv (--runs: of their summary.csv), ordered by sweep\n"
    "point, with the swept keys and the keys that their --set overrides changed as\n"
    "columns. Folders of different experiments are refused unless --allow-mixed.\n"
    "Unfinished runs and sweep points without a folder are named on stderr.\n"
    "--format json: the table as JSON (docs/json-output.md).\n";

static const char SUMMARIZE[] =
    "usage: dlx summarize DIR... [-o FILE] [--format table|csv|json] [--csv]\n"
    "                     [--paired A B [--metric M]] [--allow-mixed]\n"
    "\n"
    "Per arm and sweep point, over the seeds whose runs ended ok: n, then mean, sd,\n"
    "min, max and the 95% Student-t interval of the final and best metrics of\n"
    "summary.csv. Diverged runs (a non-finite loss) are counted apart and kept out\n"
    "of the statistics; groups of fewer than 3 seeds are marked * and warned about\n"
    "on stderr.\n"
    "\n"
    "  --format F      on stdout: table (default, readable), csv, or json (docs/sweeps.md)\n"
    "  --csv           the same as --format csv\n"
    "  -o FILE         also write the CSV to FILE\n"
    "  --paired A B    arm A minus arm B over the seeds both have: mean difference,\n"
    "                  its sd and 95% paired t interval, n (table and json forms)\n"
    "  --metric M      the metric --paired compares (default: final_test_acc, or\n"
    "                  final_test_loss for models without accuracy)\n"
    "  --allow-mixed   merge folders of different experiments\n";

void print_usage(const char *command, FILE *fp)
{
    if (command && !strcmp(command, "run"))
        fputs(RUN, fp);
    else if (command && !strcmp(command, "validate"))
        fputs(VALIDATE, fp);
    else if (command && !strcmp(command, "sweep"))
        fputs(SWEEP, fp);
    else if (command && !strcmp(command, "collect"))
        fputs(COLLECT, fp);
    else if (command && !strcmp(command, "summarize"))
        fputs(SUMMARIZE, fp);
    else
        fputs(OVERVIEW, fp);
}

int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        print_usage(NULL, stdout);
        return 0;
    }
    if (strcmp(argv[0], "run") && strcmp(argv[0], "validate") && strcmp(argv[0], "help") &&
        strcmp(argv[0], "sweep") && strcmp(argv[0], "collect") && strcmp(argv[0], "summarize")) {
        fprintf(stderr,
                "dlx: error: no command '%s' (the commands are: run, validate, sweep, collect, "
                "summarize, help)\n",
                argv[0]);
        return 2;
    }
    print_usage(argv[0], stdout);
    return 0;
}
