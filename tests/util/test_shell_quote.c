/*
 * Tests of shell_quote.c: the words dlx sweep writes read back, in bash and
 * in /bin/sh, as exactly the value quoted (`printf %s WORD`), for chosen
 * hostile values and for random bytes; sbatch arguments read back through
 * a model of sbatch's #SBATCH line parser (both its older form, where only
 * "..." groups and any # ends the line, and its newer one, where '...'
 * groups too and # ends the line only outside quotes); and what is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/rng.h"
#include "util/shell_quote.h"

#define MAX_VALUE 200

/* Values that would do harm unquoted. */
static const char *const HOSTILE[] = {
    "", "plain", "a b", "  lead and trail  ", "it's", "'", "''", "'\\''", "\"", "\\", "\\'", "$(touch x)",
    "`touch x`", "${HOME}", "$HOME", "a;b", "a&b", "a|b", "a>b", "<a", "*", "?", "[a-z]", "{a,b}", "~",
    "~root", "#comment", "a#b", "x=1", "%1", "!", "!!", "-n", "--out=x", "\t", "\r", "\x01\x7f", "\xff\xfe",
    "é", "a\\nb", "results/x; touch /tmp/PWNED #",
};

/* What `SHELL -c 'printf %s WORD'` prints into out (at most size - 1
   bytes); returns its length, or -1 when the shell failed. */
static int shell_print(const char *shell, const char *word, char *out, size_t size)
{
    char script[4 * MAX_VALUE + 32];
    snprintf(script, sizeof script, "printf %%s %s", word);
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl(shell, shell, "-c", script, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    size_t len = 0;
    ssize_t got;
    while ((got = read(fd[0], out + len, size - 1 - len)) > 0)
        len += (size_t)got;
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    out[len] = '\0';
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? (int)len : -1;
}

/* value, quoted, comes back exactly from bash and from /bin/sh. */
static void assert_shell_round_trip(const char *value)
{
    char word[4 * MAX_VALUE + 3], out[MAX_VALUE + 2];
    size_t n = shell_quote(value, word, sizeof word);
    assert_true(n < sizeof word);
    assert_true(n <= 4 * strlen(value) + 2);
    const char *const shells[] = {"/bin/bash", "/bin/sh"};
    for (int i = 0; i < 2; i++) {
        int len = shell_print(shells[i], word, out, sizeof out);
        if (len != (int)strlen(value) || memcmp(out, value, strlen(value)) != 0)
            fail_msg("%s: value of %zu bytes, word [%s], read back [%s]", shells[i], strlen(value), word, out);
    }
}

static void test_shell_hostile_values(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof HOSTILE / sizeof *HOSTILE; i++)
        assert_shell_round_trip(HOSTILE[i]);
}

/* A random value: bytes 1..255 without newline, or mostly the bytes sh and
   sbatch treat specially. */
static void random_value(dlx_rng *rng, char *v)
{
    static const char special[] = "'\"\\$`!#&;|<>(){}[]*?~= \t%";
    size_t len = (size_t)rng_below(rng, MAX_VALUE);
    bool specials = rng_below(rng, 2);
    for (size_t i = 0; i < len; i++) {
        unsigned c = specials ? (unsigned char)special[rng_below(rng, sizeof special - 1)]
                              : 1 + (unsigned)rng_below(rng, 255);
        v[i] = (char)(c == '\n' ? 'n' : c);
    }
    v[len] = '\0';
}

static void test_shell_random_bytes(void **state)
{
    (void)state;
    dlx_rng rng;
    rng_seed(&rng, 20261202, 0);
    char v[MAX_VALUE + 1];
    for (int i = 0; i < 300; i++) {
        random_value(&rng, v);
        assert_shell_round_trip(v);
    }
}

static void test_shell_bare_words(void **state)
{
    (void)state;
    char w[64];
    shell_quote("results/grid-1_a.b:c,d+e@f", w, sizeof w);
    assert_string_equal(w, "results/grid-1_a.b:c,d+e@f");
    shell_quote("", w, sizeof w);
    assert_string_equal(w, "''");
    shell_quote("x=1", w, sizeof w); /* a first word would be an assignment */
    assert_string_equal(w, "'x=1'");
    shell_quote("it's", w, sizeof w);
    assert_string_equal(w, "'it'\\''s'");
    /* snprintf-style: the length needed, truncated text terminated */
    assert_int_equal(shell_quote("a b", w, 3), 5);
    assert_string_equal(w, "'a");
    assert_int_equal(shell_quote("a b", NULL, 0), 5);
}

/* sbatch's #SBATCH argument scanner, for one argument starting at line:
   newer (quotes ' and " group, # ends the line outside quotes) or older
   (only " toggles grouping, any # ends the line). Returns the argument's
   length in arg, or -1 when the argument does not end at the line's end. */
static int sbatch_scan(const char *line, char *arg, bool newer)
{
    const char *p = line;
    char quote = 0;
    bool escape = false;
    int n = 0;
    while ((quote || (*p != ' ' && *p != '\t')) && *p && *p != '\n') {
        if (escape) {
            escape = false;
        } else if (*p == '\\') {
            escape = true, p++;
            continue;
        } else if (newer && quote) {
            if (*p == quote) {
                quote = 0, p++;
                continue;
            }
        } else if (*p == '"' || (newer && *p == '\'')) {
            quote = quote ? 0 : *p, p++;
            continue;
        } else if (*p == '#') {
            break;
        }
        arg[n++] = *p++;
    }
    arg[n] = '\0';
    return *p || quote ? -1 : n;
}

/* value, quoted, is one argument holding exactly value for both sbatch scanners. */
static void assert_sbatch_round_trip(const char *value)
{
    char q[2 * MAX_VALUE + 3], arg[2 * MAX_VALUE + 3];
    size_t n = sbatch_quote(value, q, sizeof q);
    assert_true(n <= 2 * strlen(value) + 2);
    for (int newer = 0; newer < 2; newer++) {
        int len = sbatch_scan(q, arg, newer);
        if (len != (int)strlen(value) || strcmp(arg, value) != 0)
            fail_msg("%s sbatch: value [%s], quoted [%s], read back [%s]", newer ? "newer" : "older", value, q, arg);
    }
}

static void test_sbatch_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof HOSTILE / sizeof *HOSTILE; i++)
        if (!shell_refusal(HOSTILE[i], strlen(HOSTILE[i]), SHQ_SBATCH, NULL) && *HOSTILE[i])
            assert_sbatch_round_trip(HOSTILE[i]);
    dlx_rng rng;
    rng_seed(&rng, 7, 0);
    char v[MAX_VALUE + 1];
    for (int i = 0; i < 2000; i++) {
        random_value(&rng, v);
        for (char *c = v; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = 'c'; /* refused: see test_refusals */
        if (*v)
            assert_sbatch_round_trip(v);
    }
    char q[64];
    sbatch_quote("out/slurm/%x-%A_%a.out", q, sizeof q);
    assert_string_equal(q, "out/slurm/%x-%A_%a.out");
    sbatch_quote("a b#c", q, sizeof q);
    assert_string_equal(q, "\"a b\\#c\"");
}

/* shell_refusal of a string literal, its NULs included. */
#define REFUSAL(s, where, at) shell_refusal(s, sizeof s - 1, where, at)

static void test_refusals(void **state)
{
    (void)state;
    size_t at = 99;
    assert_null(REFUSAL("a\tb\rc'$(x)`", SHQ_SHELL_WORD, &at));
    assert_non_null(REFUSAL("results/x\ntouch /tmp/PWNED #", SHQ_SHELL_WORD, &at));
    assert_int_equal(at, 9);
    assert_non_null(REFUSAL("ab\0c", SHQ_SHELL_WORD, &at));
    assert_int_equal(at, 2);
    assert_null(REFUSAL("a b#c'\"\\ %", SHQ_SBATCH, NULL));
    assert_non_null(REFUSAL("a\tb", SHQ_SBATCH, &at));
    assert_int_equal(at, 1);
    assert_non_null(REFUSAL("a\x7f", SHQ_SBATCH, NULL));
    assert_non_null(REFUSAL("a\rb", SHQ_SBATCH, NULL));
    assert_null(REFUSAL("a\\b", SHQ_SBATCH, NULL));
    assert_non_null(REFUSAL("a\\b", SHQ_SLURM_PATTERN, &at));
    assert_int_equal(at, 1);
    assert_null(REFUSAL("\xc3\xa9", SHQ_SLURM_PATTERN, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shell_hostile_values), cmocka_unit_test(test_shell_random_bytes),
        cmocka_unit_test(test_shell_bare_words),     cmocka_unit_test(test_sbatch_round_trip),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
