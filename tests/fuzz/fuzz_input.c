/*
 * fuzz_input.c — the scratch file of the fuzz harnesses (see fuzz_input.h).
 */
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char path[256];

static void remove_scratch(void) { remove(path); }

const char *fuzz_write_file(const uint8_t *data, size_t size, const char *suffix)
{
    if (!path[0])
        atexit(remove_scratch);
    /* memory, not disk, by default: a fuzzer writes hundreds of files a second */
    const char *tmp = getenv("TMPDIR");
    if (!tmp)
        tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(path, sizeof path, "%s/dlx-fuzz-%ld%s", tmp, (long)getpid(), suffix);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return NULL;
    size_t written = fwrite(data, 1, size, fp);
    if (fclose(fp) != 0 || written != size)
        return NULL;
    return path;
}
