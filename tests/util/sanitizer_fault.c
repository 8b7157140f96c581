/*
 * sanitizer_fault.c — a program with one deliberate fault, for the check that a sanitizer
 * build stops on its first report (tests/util/sanitizer_halts.sh). Not a test by itself.
 *   sanitizer_fault undefined   a signed integer overflow (UndefinedBehaviorSanitizer)
 *   sanitizer_fault address     a heap read past the end of a block (AddressSanitizer)
 * The operands come from argc or a volatile so that the compiler cannot fold the fault away. Returns 0 when
 * it gets past the fault: a report that did not stop the program.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    if (!strcmp(argv[1], "undefined")) {
        int x = INT_MAX - 2 + argc;      /* argc = 2: INT_MAX */
        x += argc - 1;                   /* INT_MAX + 1 */
        printf("got past the overflow: %d\n", x);
        return 0;
    }
    if (!strcmp(argv[1], "address")) {
        volatile size_t size = 4;        /* unknown to the compiler: no object-size check */
        size_t n = size;
        char *p = malloc(n);
        if (!p)
            return 2;
        memset(p, 1, n);
        volatile char c = p[n];          /* one past the end */
        free(p);
        printf("got past the overflow: %d\n", c);
        return 0;
    }
    return 2;
}
