/*
 * fuzz_idx.c — the IDX reader (src/data/idx.c), plain and gzipped: any
 * file is read or refused with a message, never a crash or an allocation
 * larger than the file justifies.
 */
#include "data/idx.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file(data, size, ".idx");
    if (!path)
        return 0;
    for (int ndim = 1; ndim <= 3; ndim += 2) {
        idx_array a = {0};
        dlx_diags d = {0};
        if (idx_read(path, ndim, &a, &d) == DLX_OK)
            idx_array_free(&a);
        diags_free(&d);
    }
    return 0;
}
