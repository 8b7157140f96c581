/*
 * fuzz_csv_matrix.c — the CSV matrix reader (src/data/csv_matrix.c): the
 * input is both the train and the test file, read as `format: entries` and
 * as `format: dense`. An accepted matrix must have every entry inside its
 * rows × cols and a finite value.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/csv_matrix.h"
#include "fuzz_input.h"

/* Abort (a finding) when a split breaks what csv_matrix.h promises. */
static void check_split(const dlx_split *s)
{
    for (int e = 0; e < s->n; e++)
        if (s->entry_row[e] < 0 || s->entry_row[e] >= s->rows || s->entry_col[e] < 0 ||
            s->entry_col[e] >= s->cols || !isfinite(s->targets[e]))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file(data, size, ".csv");
    if (!path)
        return 0;
    for (int format = CSV_ENTRIES; format <= CSV_DENSE; format++) {
        dlx_data_config cfg = {.source = DATA_CSV, .format = (dlx_csv_format)format};
        snprintf(cfg.train, sizeof cfg.train, "%s", path);
        snprintf(cfg.test, sizeof cfg.test, "%s", path);
        dlx_dataset ds = {0};
        dlx_split_origin origin = {0};
        dlx_diags d = {0};
        if (csv_matrix_load(&ds, &origin, &cfg, &d) == DLX_OK) {
            check_split(&ds.train);
            check_split(&ds.test);
            dataset_free(&ds);
        }
        diags_free(&d);
    }
    return 0;
}
