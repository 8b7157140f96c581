/*
 * option_parser.h — one getopt_long loop for every dlx command (SPEC §1).
 *
 * Each command describes its options as a `struct option` table (and the
 * short options, e.g. "o:" for collect's -o) and pulls events from
 * cli_options_next, in the order the words appear on the line (getopt's
 * "-" mode: no reordering, so `--set` and bare KEY=VALUE overrides apply in
 * the order given). On top of getopt_long it gives dlx's conventions:
 *   - `--KEY=VALUE` whose KEY is not exactly one of the command's options is
 *     a config override (when the command takes overrides), so `--seed=3`
 *     never becomes an abbreviation of `--seeds`; an unambiguous prefix is
 *     accepted only as `--thr 2` (value in the next word), as getopt does;
 *   - errors are added to a dlx_diags list in dlx's wording
 *     ("unknown option '--x'", "option '--x' needs a value", "option '--x'
 *     takes no value"), never printed by getopt;
 *   - words after `--` are plain words.
 */
#ifndef DLX_CLI_OPTION_PARSER_H
#define DLX_CLI_OPTION_PARSER_H

#include <getopt.h>
#include <stdbool.h>

#include "util/diag.h"

typedef enum {
    CLI_END,      /* no more words */
    CLI_OPTION,   /* id = the option's `val`, value = its argument or NULL */
    CLI_WORD,     /* value = a word that is not an option (file, folder, KEY=VALUE) */
    CLI_OVERRIDE, /* value = "KEY=VALUE" from a --KEY=VALUE word */
    CLI_ERROR,    /* a diagnostic was added; parsing goes on */
} cli_event;

typedef struct {
    int argc;
    char **words;                  /* "dlx" then the command's words (getopt wants argv[0]) */
    const struct option *longopts;
    char shortopts[64];            /* "-:" + the command's short options */
    bool overrides;                /* --KEY=VALUE is an override */
    const char *see_help;          /* command named in "(see dlx help X)", or NULL */
    bool done_options;             /* past "--" */
    int id;
    const char *value;
} cli_options;

/* Start parsing argv[0..argc) (the words after the command name). False when
   out of memory. */
bool cli_options_begin(cli_options *p, int argc, char **argv, const struct option *longopts,
                       const char *shortopts, bool overrides, const char *see_help);
/* The next event; on CLI_ERROR a diagnostic is in diags. */
cli_event cli_options_next(cli_options *p, dlx_diags *diags);
void cli_options_end(cli_options *p);

#endif
