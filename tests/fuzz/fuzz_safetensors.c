/*
 * fuzz_safetensors.c — the safetensors reader (src/io/safetensors.c):
 * header length, JSON header, dtypes, shapes and offsets of any file.
 */
#include "fuzz_input.h"
#include "io/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file(data, size, ".safetensors");
    if (!path)
        return 0;
    dlx_st_file f = {0};
    dlx_diags d = {0};
    safetensors_read(path, &f, &d);
    safetensors_free(&f);
    diags_free(&d);
    return 0;
}
