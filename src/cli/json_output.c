/*
 * json_output.c — JSON documents for scripts (json_output.h), built with
 * cJSON and printed whole, so a reader gets one document or none.
 */
#include "cli/json_output.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* The JSON value of one CSV field. */
static cJSON *field_value(const char *text)
{
    if (!text[0])
        return cJSON_CreateNull();
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!*end && end != text && !errno && isfinite(v))
        return cJSON_CreateNumber(v);
    return cJSON_CreateString(text);
}

/* Print doc to fp and free it. */
static dlx_status print_document(cJSON *doc, FILE *fp, dlx_diags *diags)
{
    char *text = doc ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    if (!text) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    int bad = fputs(text, fp) < 0 || fputc('\n', fp) == EOF;
    free(text);
    if (bad) {
        diags_add(diags, NULL, 0, 0, "cannot write the JSON output");
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}

dlx_status json_write_table(const dlx_text_table *t, FILE *fp, dlx_diags *diags)
{
    cJSON *doc = cJSON_CreateObject(), *cols = cJSON_CreateArray(), *rows = cJSON_CreateArray();
    bool ok = doc && cols && rows;
    if (ok) {
        cJSON_AddItemToObject(doc, "format", cJSON_CreateString("dlx-collect/1"));
        cJSON_AddItemToObject(doc, "columns", cols);
        cJSON_AddItemToObject(doc, "rows", rows);
    } else {
        cJSON_Delete(cols);
        cJSON_Delete(rows);
    }
    for (int c = 0; ok && c < t->n_cols; c++)
        ok = cJSON_AddItemToArray(cols, cJSON_CreateString(t->header[c]));
    for (int r = 0; ok && r < t->n_rows; r++) {
        cJSON *row = cJSON_CreateObject();
        ok = row && cJSON_AddItemToArray(rows, row);
        for (int c = 0; ok && c < t->n_cols; c++)
            ok = cJSON_AddItemToObject(row, t->header[c], field_value(t->rows[r][c]));
    }
    if (!ok) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    return print_document(doc, fp, diags);
}

dlx_status json_write_validation(bool valid, const dlx_diags *errors, const char *resolved,
                                 FILE *fp, dlx_diags *diags)
{
    cJSON *doc = cJSON_CreateObject(), *list = cJSON_CreateArray();
    bool ok = doc && list;
    if (ok) {
        cJSON_AddItemToObject(doc, "format", cJSON_CreateString("dlx-validate/1"));
        cJSON_AddItemToObject(doc, "valid", cJSON_CreateBool(valid));
        cJSON_AddItemToObject(doc, "errors", list);
        cJSON_AddItemToObject(doc, "resolved",
                              resolved ? cJSON_CreateString(resolved) : cJSON_CreateNull());
    } else {
        cJSON_Delete(list);
    }
    for (int i = 0; ok && errors && i < errors->count; i++) {
        const dlx_diag *d = &errors->items[i];
        cJSON *e = cJSON_CreateObject();
        ok = e && cJSON_AddItemToArray(list, e);
        if (ok) {
            cJSON_AddItemToObject(e, "file", d->file ? cJSON_CreateString(d->file) : cJSON_CreateNull());
            cJSON_AddItemToObject(e, "line", d->line ? cJSON_CreateNumber(d->line) : cJSON_CreateNull());
            cJSON_AddItemToObject(e, "column", d->col ? cJSON_CreateNumber(d->col) : cJSON_CreateNull());
            cJSON_AddItemToObject(e, "message", cJSON_CreateString(d->message));
        }
    }
    if (!ok) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    return print_document(doc, fp, diags);
}
