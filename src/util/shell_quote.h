/*
 * shell_quote.h — values written into the scripts and command lines that
 * `dlx sweep` emits, quoted for the program that reads them.
 *
 * Two readers parse what dlx emits:
 *
 *  - a POSIX shell (sh, bash, dash, and GNU parallel, which hands each line
 *    to one) reads the `dlx run ...` lines and the script's `exec` line.
 *    shell_quote() writes a value as one word that the shell reads back as
 *    exactly that value, with no expansion: bare when it holds only
 *    characters that mean nothing to sh wherever the word stands (letters,
 *    digits and _ - + . / : , @), otherwise in single quotes, inside which
 *    sh interprets nothing, with each ' written as '\'' (close the quotes,
 *    an escaped quote, reopen them).
 *  - sbatch reads the `#SBATCH` lines itself: bash sees only comments there.
 *    sbatch splits such a line at unquoted white space, takes "..." (and,
 *    in newer versions, '...') as grouping, removes a backslash before any
 *    character, and ends the line at an unquoted # (in older versions at
 *    any #, even between quotes). sbatch_quote() writes a value that every
 *    version reads back as one argument holding exactly that value: bare
 *    when it holds only letters, digits and _ - + . / : , @ = %, otherwise
 *    in double quotes with a backslash before each \ " ' and #.
 *
 * Some bytes cannot be written safely at all, and shell_refusal() says so
 * before anything is written: a NUL cannot be in a C string; a newline
 * would end the line (a second command for parallel, xargs or the shell
 * reading line by line); in a #SBATCH line, which sbatch reads line by line
 * and splits at any white space, every control character is refused. A
 * Slurm file name pattern (--output) also refuses a backslash, with which
 * Slurm would stop expanding %x, %A and %a (a literal % there is written
 * %% by the caller, before sbatch_quote).
 */
#ifndef DLX_UTIL_SHELL_QUOTE_H
#define DLX_UTIL_SHELL_QUOTE_H

#include <stddef.h>

typedef enum {
    SHQ_SHELL_WORD,     /* a word of a shell command line */
    SHQ_SBATCH,         /* an argument on a #SBATCH line */
    SHQ_SLURM_PATTERN,  /* an argument on a #SBATCH line that Slurm expands as a file name pattern */
} shq_context;

/* NULL when the len bytes of s can be written in that context, else what
   it holds that cannot ("a newline, which would end the line", "a control
   character"); *at (if non-NULL) gets the offset of the first byte refused. */
const char *shell_refusal(const char *s, size_t len, shq_context where, size_t *at);

/* s as one POSIX sh word (see above), NUL-terminated in buf; returns the
   length it needs, snprintf-style (complete when the result is < size).
   The result is at most 4 * strlen(s) + 2 bytes. */
size_t shell_quote(const char *s, char *buf, size_t size);

/* s as one sbatch directive argument (see above), snprintf-style. The
   result is at most 2 * strlen(s) + 2 bytes. */
size_t sbatch_quote(const char *s, char *buf, size_t size);

#endif
