/*
 * safetensors.h — reading and writing the safetensors format.
 *
 * Format (huggingface/safetensors): 8 bytes little-endian u64 N, then N bytes
 * of a JSON object {"name": {"dtype": "F32", "shape": [..], "data_offsets":
 * [begin, end]}, ..., "__metadata__": {"key": "string", ...}}, then the raw
 * little-endian tensor bytes; offsets are relative to the end of the header.
 * The header is parsed with cJSON (libcjson), never by a hand-written JSON
 * parser, in time linear in its length.
 */
#ifndef DLX_IO_SAFETENSORS_H
#define DLX_IO_SAFETENSORS_H

#include "util/real.h"
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"
#include "util/tensor.h"

/* Write tensors (F32) and string metadata (keys[i] -> values[i], may be 0
   entries) to path atomically: a temporary file in the same folder, fsync,
   rename, fsync of the folder. Returns DLX_ERR_RUNTIME with a message naming
   the file on any I/O error. */
dlx_status safetensors_write(const char *path, const dlx_tensor *tensors, int n_tensors,
                             const char *const *meta_keys, const char *const *meta_values,
                             int n_meta, dlx_diags *diags);

#define DLX_ST_MAX_NDIM 16 /* dimensions of a tensor the reader takes */

/* One tensor of a file read into memory, converted to float32 (F32 as is;
   F64, F16 and BF16 converted; other dtypes refused); dtype as the file
   names it ("F32", "F64", "F16", "BF16"). */
typedef struct {
    char name[DLX_TENSOR_NAME_MAX];
    char dtype[8];
    int ndim;
    int64_t shape[DLX_ST_MAX_NDIM];
    size_t numel;
    real *data;
} dlx_st_tensor;

typedef struct {
    int n_tensors;
    dlx_st_tensor *tensors;
    int n_meta;
    char **meta_keys, **meta_values;
} dlx_st_file;

/* Read and validate a whole file: header length within the file, valid JSON
   object, known dtypes, shapes whose byte size equals data_offsets' span,
   offsets inside the data area and not overlapping. Errors are
   DLX_ERR_INPUT with a message naming the file and the tensor. */
dlx_status safetensors_read(const char *path, dlx_st_file *out, dlx_diags *diags);

/* The tensor with that name, or NULL. */
const dlx_st_tensor *safetensors_find(const dlx_st_file *f, const char *name);
/* The metadata value for key, or NULL. */
const char *safetensors_meta(const dlx_st_file *f, const char *key);

void safetensors_free(dlx_st_file *f);

#endif
