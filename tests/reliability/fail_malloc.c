/*
 * fail_malloc.c — malloc-failure injection for the reliability tests, as
 * SQLite tests its own allocator: an LD_PRELOAD library whose malloc, calloc,
 * realloc, posix_memalign, aligned_alloc, memalign, valloc and pvalloc count
 * their calls and make the Nth one fail (NULL, errno ENOMEM); every other
 * call is served by glibc's own allocator (__libc_malloc and friends, which
 * glibc exports for this purpose, so no dlsym bootstrap buffer is needed).
 *
 * Environment (read once, by the library's constructor, before main):
 *   DLX_FAIL_MALLOC_AT=N     the Nth allocation call fails (N >= 1); only that
 *                            one, the later ones succeed again. Unset or 0:
 *                            never fail.
 *   DLX_FAIL_MALLOC_COUNT=1  print "fail_malloc: N allocations" on standard
 *                            error when the process exits.
 * Calls are counted from the constructor (the dynamic loader's and libc's own
 * start-up allocations before it are not counted), per process: a forked
 * child stops injecting and counting (pthread_atfork), and both variables are
 * removed from the environment so that a program the process executes is not
 * affected either. Thread-safe (one atomic counter); free is not touched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* glibc's allocator under its exported internal names. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static atomic_ulong calls;        /* allocation calls counted so far */
static unsigned long fail_at;     /* the call that fails, 0 for none */
static int counting;              /* the constructor has run in this process */
static int report;                /* print the count at exit */

/* Whether this allocation call is the one that must fail (counting it). */
static int must_fail(void)
{
    if (!counting)
        return 0;
    unsigned long n = atomic_fetch_add(&calls, 1) + 1;
    if (fail_at && n == fail_at) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

/* In a forked child: no injection, no counting, no report. */
static void child_after_fork(void)
{
    counting = 0;
    fail_at = 0;
    report = 0;
}

/* Print the number of allocation calls of this process (DLX_FAIL_MALLOC_COUNT). */
static void print_count(void)
{
    if (report)
        fprintf(stderr, "fail_malloc: %lu allocations\n", atomic_load(&calls));
}

/* Read the environment, then start counting. */
__attribute__((constructor)) static void fail_malloc_init(void)
{
    const char *at = getenv("DLX_FAIL_MALLOC_AT");
    const char *count = getenv("DLX_FAIL_MALLOC_COUNT");
    fail_at = at ? strtoul(at, NULL, 10) : 0;
    report = count && strcmp(count, "1") == 0;
    unsetenv("DLX_FAIL_MALLOC_AT");
    unsetenv("DLX_FAIL_MALLOC_COUNT");
    pthread_atfork(NULL, NULL, child_after_fork);
    atexit(print_count);
    counting = 1;
}

/* malloc, failing when it is the chosen call. */
void *malloc(size_t size)
{
    return must_fail() ? NULL : __libc_malloc(size);
}

/* calloc, failing when it is the chosen call. */
void *calloc(size_t n, size_t size)
{
    return must_fail() ? NULL : __libc_calloc(n, size);
}

/* realloc, failing when it is the chosen call (p is then left as it was). */
void *realloc(void *p, size_t size)
{
    return must_fail() ? NULL : __libc_realloc(p, size);
}

/* memalign, failing when it is the chosen call. */
void *memalign(size_t align, size_t size)
{
    return must_fail() ? NULL : __libc_memalign(align, size);
}

/* aligned_alloc, failing when it is the chosen call. */
void *aligned_alloc(size_t align, size_t size)
{
    return must_fail() ? NULL : __libc_memalign(align, size);
}

/* posix_memalign, failing (ENOMEM) when it is the chosen call. */
int posix_memalign(void **out, size_t align, size_t size)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0)
        return EINVAL;
    if (must_fail())
        return ENOMEM;
    void *p = __libc_memalign(align, size);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

/* valloc, failing when it is the chosen call. */
void *valloc(size_t size)
{
    return must_fail() ? NULL : __libc_valloc(size);
}

/* pvalloc, failing when it is the chosen call. */
void *pvalloc(size_t size)
{
    return must_fail() ? NULL : __libc_pvalloc(size);
}
