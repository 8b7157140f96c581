/*
 * io_test_files.h — scratch folders and whole-file helpers for the io tests.
 *
 * Each test gets a fresh folder under $TMPDIR (or /tmp), removed afterwards
 * with everything in it.
 */
#ifndef DLX_TESTS_IO_TEST_FILES_H
#define DLX_TESTS_IO_TEST_FILES_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new empty folder; the caller frees the returned name. */
static inline char *scratch_make(void)
{
    const char *tmp = getenv("TMPDIR");
    char *name = malloc(4096);
    if (!name)
        return NULL;
    snprintf(name, 4096, "%s/dlx-io-test-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(name)) {
        free(name);
        return NULL;
    }
    return name;
}

static inline int scratch_remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* rm -rf folder, then free its name. */
static inline void scratch_remove(char *folder)
{
    if (!folder)
        return;
    nftw(folder, scratch_remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(folder);
}

/* folder/name in a static buffer per slot (slot < 4). */
static inline const char *scratch_path(const char *folder, const char *name, int slot)
{
    static char paths[4][4096];
    snprintf(paths[slot], sizeof paths[slot], "%s/%s", folder, name);
    return paths[slot];
}

/* Write n bytes to path (plain, not atomic); 0 on success. */
static inline int write_bytes(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t written = fwrite(data, 1, n, fp);
    return fclose(fp) == 0 && written == n ? 0 : -1;
}

/* The whole content of path (NUL-terminated, *n bytes before the NUL), or
   NULL when it cannot be read; the caller frees it. */
static inline char *read_bytes(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len == cap) {
            char *bigger = realloc(buf, 2 * cap + 1);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(fp);
    if (buf) {
        buf[len] = '\0';
        if (n)
            *n = len;
    }
    return buf;
}

static inline int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

#endif
