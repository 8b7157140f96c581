/*
 * commands.h — the subcommands of dlx (SPEC §1). Each returns the process
 * exit status; only main() exits.
 */
#ifndef DLX_CLI_COMMANDS_H
#define DLX_CLI_COMMANDS_H

#include <stdio.h>

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_summarize(int argc, char **argv);

/* Print the usage of one command (NULL: the overview) to fp. */
void print_usage(const char *command, FILE *fp);

#endif
