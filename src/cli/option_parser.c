/*
 * option_parser.c — getopt_long with dlx's conventions (see option_parser.h).
 *
 * getopt_long runs in "-:" mode: words come back in order (1 for a
 * non-option word), a missing value is ':' rather than a message, and
 * opterr = 0 keeps getopt silent, so every message is dlx's own and goes
 * through the diagnostics list. optind = 0 makes glibc reinitialise, so a
 * process (or a unit test) may parse several command lines.
 */
#include "cli/option_parser.h"

#include <stdlib.h>
#include <string.h>

bool cli_options_begin(cli_options *p, int argc, char **argv, const struct option *longopts,
                       const char *shortopts, bool overrides, const char *see_help)
{
    *p = (cli_options){.argc = argc + 1, .longopts = longopts, .overrides = overrides,
                       .see_help = see_help};
    p->words = calloc((size_t)argc + 2, sizeof *p->words);
    if (!p->words)
        return false;
    p->words[0] = (char *)"dlx";
    for (int i = 0; i < argc; i++)
        p->words[i + 1] = argv[i];
    strcpy(p->shortopts, "-:");
    strncat(p->shortopts, shortopts ? shortopts : "", sizeof p->shortopts - 3);
    optind = 0;
    opterr = 0;
    return true;
}

void cli_options_end(cli_options *p)
{
    free(p->words);
    p->words = NULL;
}

/* The long name of the option whose val is id, or NULL. */
static const char *long_name(const cli_options *p, int id)
{
    for (const struct option *o = p->longopts; o && o->name; o++)
        if (o->val == id)
            return o->name;
    return NULL;
}

/* "unknown option 'TEXT'" for the name part of text (up to '='). */
static cli_event unknown(cli_options *p, const char *text, dlx_diags *diags)
{
    const char *eq = strncmp(text, "--", 2) == 0 ? strchr(text, '=') : NULL;
    int len = eq ? (int)(eq - text) : (int)strlen(text);
    if (p->see_help)
        diags_add(diags, NULL, 0, 0, "unknown option '%.*s' (see dlx help %s)", len, text,
                  p->see_help);
    else
        diags_add(diags, NULL, 0, 0, "unknown option '%.*s'", len, text);
    return CLI_ERROR;
}

cli_event cli_options_next(cli_options *p, dlx_diags *diags)
{
    p->id = 0;
    p->value = NULL;
    if (p->done_options) {
        if (optind >= p->argc)
            return CLI_END;
        p->value = p->words[optind++];
        return CLI_WORD;
    }
    int before = optind == 0 ? 1 : optind, longindex = -1;
    int c = getopt_long(p->argc, p->words, p->shortopts, p->longopts, &longindex);
    if (c == -1) {
        /* "--" (or the end): what follows is plain words. */
        p->done_options = true;
        return cli_options_next(p, diags);
    }
    if (c == 1) {
        p->value = optarg;
        return CLI_WORD;
    }
    const char *text = p->words[optind - 1 < p->argc ? optind - 1 : p->argc - 1];
    if (c == '?') {
        const char *name = optopt ? long_name(p, optopt) : NULL;
        const char *eq = !strncmp(text, "--", 2) ? strchr(text, '=') : NULL;
        if (name && eq && (size_t)(eq - text - 2) == strlen(name) && !strncmp(text + 2, name, strlen(name))) {
            diags_add(diags, NULL, 0, 0, "option '--%s' takes no value", name);
            return CLI_ERROR;
        }
        if (p->overrides && eq) {
            p->value = text + 2; /* --KEY=VALUE (Hydra's habit) */
            return CLI_OVERRIDE;
        }
        if (optopt && strncmp(text, "--", 2)) {
            char shown[3] = {'-', (char)optopt, 0};
            return unknown(p, shown, diags);
        }
        return unknown(p, text, diags);
    }
    if (c == ':') {
        const char *name = long_name(p, optopt);
        if (name && !strncmp(text, "--", 2))
            diags_add(diags, NULL, 0, 0, "option '--%s' needs a value", name);
        else
            diags_add(diags, NULL, 0, 0, "option '-%c' needs a value", optopt);
        return CLI_ERROR;
    }
    if (longindex >= 0) {
        /* --NAME=VALUE must spell NAME in full: anything else is an override
           (--seed=3 sets `seed`, it is not --seeds=3). */
        const char *typed = p->words[before];
        const char *eq = strchr(typed, '=');
        const char *name = p->longopts[longindex].name;
        if (eq && !strncmp(typed, "--", 2)
            && ((size_t)(eq - typed - 2) != strlen(name) || strncmp(typed + 2, name, strlen(name)))) {
            if (p->overrides) {
                p->value = typed + 2;
                return CLI_OVERRIDE;
            }
            return unknown(p, typed, diags);
        }
    }
    p->id = c;
    p->value = optarg;
    return CLI_OPTION;
}
