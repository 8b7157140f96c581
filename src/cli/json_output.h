/*
 * json_output.h — the machine-readable output of `dlx collect --format json`
 * and `dlx validate --format json` (schema: docs/json-output.md).
 */
#ifndef DLX_CLI_JSON_OUTPUT_H
#define DLX_CLI_JSON_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "io/csv_reader.h"
#include "util/diag.h"

/* {"format": "dlx-collect/1", "columns": [...], "rows": [{column: value}, ...]}
   to fp: a field that reads fully as a finite number is a JSON number, an
   empty field null, "nan"/"inf"/"-inf" and any other text a string. */
dlx_status json_write_table(const dlx_text_table *t, FILE *fp, dlx_diags *diags);

/* {"format": "dlx-validate/1", "valid": bool, "errors": [{"file", "line",
   "column", "message"}], "resolved": YAML text or null} to fp. */
dlx_status json_write_validation(bool valid, const dlx_diags *errors, const char *resolved,
                                 FILE *fp, dlx_diags *diags);

#endif
