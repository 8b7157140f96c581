/*
 * fuzz_csv.c — the CSV data reader (src/data/csv_table.c): the input is
 * both the train and the test file, target the last column.
 */
#include "data/csv_table.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file(data, size, ".csv");
    if (!path)
        return 0;
    dlx_dataset ds = {0};
    dlx_split_origin origin = {0};
    dlx_diags d = {0};
    if (csv_load(&ds, &origin, path, path, "", "fuzz.yaml", &d) == DLX_OK)
        dataset_free(&ds);
    diags_free(&d);
    return 0;
}
