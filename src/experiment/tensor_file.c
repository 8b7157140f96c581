/*
 * tensor_file.c — see tensor_file.h. The file goes through safetensors_read
 * (io/safetensors.c), which refuses a damaged header, an offset outside the
 * data area, a shape whose byte size is not its data's and any dimension
 * count above 16 before a value is converted; this file then picks the
 * tensor, refuses the dtypes other than F32 and F64, runs the shape checks
 * of the generated tensors (tensor_data_check_shape) and refuses NaN and
 * infinities. The reader's messages name the file; they are re-reported at
 * data.path of the experiment file, "data.path: PATH: MESSAGE", so that
 * every problem is a FILE:LINE:COL error of the experiment.
 */
#include "experiment/tensor_file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/tensor_data.h"
#include "io/safetensors.h"

#define NAMES_LISTED 8 /* tensor names in a message, then "..." */

/* Every message of quiet again at source_file:at, "data.path: PATH: ...". */
static void relocate(const dlx_diags *quiet, const char *path, const char *source_file, dlx_source_pos at,
                     dlx_diags *diags)
{
    for (int i = 0; i < quiet->count; i++)
        diags_add(diags, source_file, at.line, at.col, "data.path: %s: %s", path, quiet->items[i].message);
}

/* The names of f's tensors, "a, b, c" (at most NAMES_LISTED, then "..."). */
static void list_names(const dlx_st_file *f, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < f->n_tensors && used < size; i++) {
        int n = i == NAMES_LISTED ? snprintf(out + used, size - used, ", ...")
                                  : snprintf(out + used, size - used, "%s'%s'", i ? ", " : "", f->tensors[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
        if (i == NAMES_LISTED)
            break;
    }
}

/* The tensor data.tensor names, or the only one; NULL with a message. */
static const dlx_st_tensor *pick_tensor(const dlx_st_file *f, const char *name, dlx_diags *quiet)
{
    char names[640];
    list_names(f, names, sizeof names);
    if (name[0]) {
        const dlx_st_tensor *t = safetensors_find(f, name);
        if (!t)
            diags_add(quiet, NULL, 0, 0, "no tensor '%s' in the file; it holds %s", name,
                      f->n_tensors ? names : "no tensor");
        return t;
    }
    if (f->n_tensors == 1)
        return &f->tensors[0];
    if (f->n_tensors == 0)
        diags_add(quiet, NULL, 0, 0, "the file holds no tensor");
    else
        diags_add(quiet, NULL, 0, 0, "the file holds %d tensors (%s): data.tensor must name the one to read",
                  f->n_tensors, names);
    return NULL;
}

/* The first entry of t that is NaN or infinite, with its multi-index; false
   when every value is finite. */
static bool report_non_finite(const dlx_st_tensor *t, dlx_diags *quiet)
{
    for (size_t k = 0; k < t->numel; k++) {
        if (isfinite(t->data[k]))
            continue;
        char at[16 * 12 + 4];
        size_t used = 0, rest = k;
        long index[DLX_ST_MAX_NDIM];
        for (int n = t->ndim - 1; n >= 0; n--) {   /* row-major: the last mode fastest */
            index[n] = (long)(rest % (size_t)t->shape[n]);
            rest /= (size_t)t->shape[n];
        }
        for (int n = 0; n < t->ndim && used < sizeof at; n++)
            used += (size_t)snprintf(at + used, sizeof at - used, n ? ", %ld" : "%ld", index[n]);
        diags_add(quiet, NULL, 0, 0, "tensor '%s' holds %s at entry (%s) (element %zu of %zu); every value "
                  "must be finite", t->name, isnan(t->data[k]) ? "NaN" : "an infinity", at, k, t->numel);
        return true;
    }
    return false;
}

/* What the data source needs of the chosen tensor: F32 or F64, the shape
   checks of the generated tensors, finite values. */
static dlx_status check_chosen(const dlx_st_tensor *t, bool tree, dlx_diags *quiet)
{
    if (strcmp(t->dtype, "F32") != 0 && strcmp(t->dtype, "F64") != 0) {
        diags_add(quiet, NULL, 0, 0, "tensor '%s' has dtype %s: data.source safetensors reads F32 or F64",
                  t->name, t->dtype);
        return DLX_ERR_INPUT;
    }
    char what[DLX_TENSOR_NAME_MAX + 16];
    snprintf(what, sizeof what, "tensor '%s'", t->name);
    dlx_status st = tensor_data_check_shape(t->ndim, t->shape, tree, "for model.type ht", what, NULL, quiet);
    if (st != DLX_OK)
        return st;
    return report_non_finite(t, quiet) ? DLX_ERR_INPUT : DLX_OK;
}

dlx_status tensor_file_read(const dlx_data_config *d, bool tree, const char *source_file, dlx_source_pos at,
                            double **values, int *order, int *shape, dlx_diags *diags)
{
    *values = NULL;
    *order = 0;
    dlx_diags quiet = {0};
    dlx_st_file f;
    dlx_status st = safetensors_read(d->tensor_path, &f, &quiet);
    if (st != DLX_OK) {
        relocate(&quiet, d->tensor_path, source_file, at, diags);
        diags_free(&quiet);
        return st;
    }
    const dlx_st_tensor *t = pick_tensor(&f, d->tensor_name, &quiet);
    st = t ? check_chosen(t, tree, &quiet) : DLX_ERR_INPUT;
    if (st == DLX_OK) {
        *values = malloc((t->numel > 0 ? t->numel : 1) * sizeof **values);
        if (!*values) {
            diags_add(diags, source_file, at.line, at.col, "out of memory reading %s", d->tensor_path);
            st = DLX_ERR_RUNTIME;
        }
    }
    if (st == DLX_OK) {
        for (size_t k = 0; k < t->numel; k++)
            (*values)[k] = t->data[k];
        *order = t->ndim;
        for (int n = 0; n < t->ndim; n++)
            shape[n] = (int)t->shape[n];   /* at most 10⁷ each: checked above */
    }
    relocate(&quiet, d->tensor_path, source_file, at, diags);
    diags_free(&quiet);
    safetensors_free(&f);
    return st;
}

dlx_status tensor_file_check(const dlx_config *cfg, const char *source_file, dlx_diags *diags)
{
    if (cfg->data.source != DATA_SAFETENSORS)
        return DLX_OK;
    dlx_source_pos at = cfg->places.data_path.line ? cfg->places.data_path : cfg->places.data;
    double *values;
    int order, shape[DLX_MAX_TENSOR_ORDER];
    dlx_status st = tensor_file_read(&cfg->data, cfg->model.type == MODEL_HT, source_file, at, &values, &order,
                                     shape, diags);
    free(values);
    return st;
}

dlx_status tensor_file_load(dlx_dataset *ds, const dlx_data_config *cfg, const char *source_file,
                            dlx_diags *diags)
{
    *ds = (dlx_dataset){0};
    double *values;
    int order, shape[DLX_MAX_TENSOR_ORDER];
    dlx_status st = tensor_file_read(cfg, false, source_file, (dlx_source_pos){0, 0}, &values, &order, shape,
                                     diags);
    if (st == DLX_OK)
        st = tensor_data_fill(ds, order, shape, values, cfg->noise, cfg->seed, source_file, diags);
    free(values);
    return st;
}
