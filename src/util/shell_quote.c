/*
 * shell_quote.c — quoting for sh and for sbatch's #SBATCH lines (see
 * shell_quote.h for what each reader parses and why these rules suffice).
 */
#include "util/shell_quote.h"

#include <string.h>

#define SAFE_ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* Characters left bare: none has a meaning to sh in any position of a word
   (= would make a first word an assignment, % a job name: both are quoted). */
static const char SHELL_BARE[] = SAFE_ALNUM "_-+./:,@";
/* sbatch gives a meaning only to white space, quotes, \ and #. */
static const char SBATCH_BARE[] = SAFE_ALNUM "_-+./:,@=%";

const char *shell_refusal(const char *s, size_t len, shq_context where, size_t *at)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *why = NULL;
        if (c == '\0')
            why = "a NUL byte";
        else if (c == '\n')
            why = "a newline, which would end the line";
        else if (where != SHQ_SHELL_WORD && (c < 0x20 || c == 0x7f))
            why = "a control character";
        else if (where == SHQ_SLURM_PATTERN && c == '\\')
            why = "a backslash, with which Slurm would not expand %x, %A and %a in the log file name";
        if (why) {
            if (at)
                *at = i;
            return why;
        }
    }
    return NULL;
}

/* Appends to a buffer snprintf-style: counts every byte, stores what fits. */
typedef struct {
    char *buf;
    size_t size, len;
} out_buf;

static void put(out_buf *o, const char *s)
{
    for (; *s; s++, o->len++)
        if (o->len + 1 < o->size)
            o->buf[o->len] = *s;
}

/* Terminate and return the length needed. */
static size_t finish(out_buf *o)
{
    if (o->size)
        o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
    return o->len;
}

/* s bare when it is non-empty and all of its bytes are in bare; otherwise
   between quote characters, each byte in `escaped` written as escape(byte). */
static size_t quote(const char *s, char *buf, size_t size, const char *bare, char mark, const char *escaped,
                    const char *const *escape)
{
    out_buf o = {buf, size, 0};
    if (*s && strspn(s, bare) == strlen(s)) {
        put(&o, s);
        return finish(&o);
    }
    char open[2] = {mark, '\0'};
    put(&o, open);
    for (; *s; s++) {
        const char *e = strchr(escaped, *s);
        char one[2] = {*s, '\0'};
        put(&o, e ? escape[e - escaped] : one);
    }
    put(&o, open);
    return finish(&o);
}

size_t shell_quote(const char *s, char *buf, size_t size)
{
    static const char *const escape[] = {"'\\''"};
    return quote(s, buf, size, SHELL_BARE, '\'', "'", escape);
}

size_t sbatch_quote(const char *s, char *buf, size_t size)
{
    static const char *const escape[] = {"\\\\", "\\\"", "\\'", "\\#"};
    return quote(s, buf, size, SBATCH_BARE, '"', "\\\"'#", escape);
}
