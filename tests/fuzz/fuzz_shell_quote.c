/*
 * fuzz_shell_quote.c — bytes → shell_quote (src/util/shell_quote.c) → the
 * word read back by a small POSIX sh reader written here, independently of
 * shell_quote: a word is a run of bare characters (letters, digits and
 * _ - + . / : , @, which sh gives no meaning), '...' strings (inside which
 * sh interprets nothing) and \' (an escaped quote); anything else, an
 * unclosed quote, an empty word, or a read-back that differs from the input
 * aborts. The input is taken up to its first NUL, which no C string holds;
 * shell_refusal must refuse exactly the inputs holding a newline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "util/shell_quote.h"

static const char BARE[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+./:,@";

/* The value sh reads from word into out; -1 when word is not made only of
   what the reader above accepts. */
static long sh_read_word(const char *w, char *out)
{
    size_t n = 0;
    while (*w) {
        if (*w == '\'') {
            const char *end = strchr(w + 1, '\'');
            if (!end)
                return -1;
            memcpy(out + n, w + 1, (size_t)(end - w - 1));
            n += (size_t)(end - w - 1);
            w = end + 1;
        } else if (w[0] == '\\' && w[1] == '\'') {
            out[n++] = '\'';
            w += 2;
        } else if (strchr(BARE, *w)) {
            out[n++] = *w++;
        } else {
            return -1;
        }
    }
    out[n] = '\0';
    return (long)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *value = malloc(size + 1), *word = malloc(4 * size + 3), *back = malloc(4 * size + 3);
    if (!value || !word || !back)
        abort();
    memcpy(value, data, size);
    value[size] = '\0';
    size_t len = strlen(value);
    size_t n = shell_quote(value, word, 4 * size + 3);
    if (n > 4 * len + 2 || strlen(word) != n || n == 0)
        abort();
    if (sh_read_word(word, back) != (long)len || memcmp(back, value, len) != 0)
        abort();
    if ((shell_refusal(value, len, SHQ_SHELL_WORD, NULL) != NULL) != (memchr(value, '\n', len) != NULL))
        abort();
    free(value);
    free(word);
    free(back);
    return 0;
}
