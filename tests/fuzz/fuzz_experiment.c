/*
 * fuzz_experiment.c — bytes → validated experiment (src/spec): any input is
 * either accepted or refused with diagnostics, never a crash; an accepted
 * experiment written back as YAML must load again and write the same text
 * (the round trip of experiment_write_yaml), or the harness aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "spec/experiment.h"

/* The resolved YAML of an experiment, in a malloc'd string. */
static char *resolved_text(const dlx_experiment *exp, const dlx_sweep *sweep, size_t *len)
{
    char *text = NULL;
    FILE *mem = open_memstream(&text, len);
    if (!mem)
        return NULL;
    dlx_diags d = {0};
    dlx_status st = experiment_write_yaml(exp, sweep, "0.0.0", mem, &d);
    fclose(mem);
    diags_free(&d);
    if (st != DLX_OK) {
        free(text);
        return NULL;
    }
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dlx_diags d = {0};
    experiment_validate_all_points_string((const char *)data, size, "fuzz.yaml", NULL, &d);
    diags_free(&d);

    dlx_experiment *exp = calloc(1, sizeof *exp), *again = calloc(1, sizeof *again);
    dlx_sweep sweep = {0}, sweep2 = {0};
    if (exp && again &&
        experiment_load_string(exp, &sweep, (const char *)data, size, "fuzz.yaml", NULL, -1,
                               NULL, &d) == DLX_OK) {
        size_t len = 0, len2 = 0;
        char *text = resolved_text(exp, &sweep, &len);
        dlx_diags d2 = {0};
        if (text && experiment_load_string(again, &sweep2, text, len, "resolved.yaml", NULL, -1,
                                           NULL, &d2) != DLX_OK) {
            diags_print(&d2, stderr);
            fprintf(stderr, "resolved YAML does not load again:\n%s\n", text);
            abort();
        }
        char *text2 = text ? resolved_text(again, &sweep2, &len2) : NULL;
        if (text && (!text2 || len != len2 || memcmp(text, text2, len) != 0)) {
            fprintf(stderr, "round trip differs:\n%s\n---\n%s\n", text, text2 ? text2 : "");
            abort();
        }
        diags_free(&d2);
        free(text);
        free(text2);
    }
    diags_free(&d);
    free(exp);
    free(again);
    return 0;
}
