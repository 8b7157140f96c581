/*
 * cmd_run.c — `dlx run FILE.yaml ...` (SPEC §1).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/precision_dispatch.h"
#include "experiment/runner.h"

static void on_stop_signal(int sig) { runner_note_signal(sig); }

/* SIGINT, SIGTERM, SIGHUP (the terminal or ssh session closed) and SIGUSR1
   stop the runs after their current step; what is finished stays written,
   and the exit status is 128 + the signal's number. A SIGHUP ignored when
   dlx starts (`nohup dlx run ...`) stays ignored: the run goes on. */
static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct sigaction hup;
    if (sigaction(SIGHUP, NULL, &hup) == 0 && hup.sa_handler != SIG_IGN)
        sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL); /* Slurm's warning before a time limit */
}

/* The command line as one string, for meta.yaml. */
static char *join_command_line(int argc, char **argv)
{
    size_t n = strlen("dlx run") + 1;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *s = malloc(n);
    if (!s)
        return NULL;
    strcpy(s, "dlx run");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

int cmd_run(int argc, char **argv)
{
    dlx_diags diags = {0};
    dlx_cli_args args;
    dlx_status st = cli_parse_args(&args, argc, argv, true, &diags);
    dlx_run_report report = {0};
    if (st == DLX_OK) {
        /* precision: float64 runs in dlx-float64, float32 in dlx (SPEC §10) */
        dlx_overrides ov = {args.overrides, args.n_overrides};
        bool float64 = false;
        int line = 0, col = 0;
        st = runner_precision(args.file, &ov, &float64, &line, &col, &diags);
        if (st == DLX_OK && float64 != precision_this_build_is_float64())
            st = precision_hand_off(float64, argc, argv, args.file, line, col, &diags);
    }
    if (st == DLX_OK) {
        install_signal_handlers();
        char *command_line = join_command_line(argc, argv);
        dlx_run_options opts = {
            .out_dir = args.out, .arms = args.arms, .seeds = args.seeds, .point = args.point,
            .jobs = args.jobs, .threads = args.threads, .force = args.force,
            .resume = args.resume,
            .progress = !args.quiet && (args.progress || isatty(STDERR_FILENO)),
            .progress_live = isatty(STDERR_FILENO),
            .command_line = command_line,
        };
        dlx_overrides ov = {args.overrides, args.n_overrides};
        st = runner_run(args.file, &ov, &opts, &report, &diags);
        free(command_line);
    }
    diags_print(&diags, stderr);
    diags_free(&diags);
    cli_args_free(&args);
    if (report.stop_signal == SIGINT)
        return 130;
    if (report.stop_signal == SIGTERM)
        return 143;
    if (report.stop_signal == SIGHUP)
        return 128 + SIGHUP; /* 129 */
    if (report.stop_signal == SIGUSR1)
        return 128 + SIGUSR1;
    return (int)st;
}
