/*
 * data_cache.c — data sets keyed on the canonical text of their `data:`
 * section (see data_cache.h).
 *
 * The key is cut out of the resolved YAML that spec/emit.c writes for an
 * experiment whose base is the arm's config: the `data:` line and the
 * indented lines under it. Writing the whole config and keeping one section
 * costs a few microseconds per arm and needs nothing from spec/ beyond its
 * public experiment_write_yaml.
 */
#define _XOPEN_SOURCE 700 /* open_memstream */
#include "experiment/data_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/tensor_file.h"
#include "spec/experiment.h"

/* The `data:` block of a resolved YAML text (NUL-terminated), moved to the
   front of text; false when there is none. */
static bool keep_data_section(char *text)
{
    char *start = strncmp(text, "data:\n", 6) == 0 ? text : strstr(text, "\ndata:\n");
    if (!start)
        return false;
    if (start != text)
        start++;
    char *end = start + 6;
    while (*end == ' ') { /* lines under data: are indented */
        char *nl = strchr(end, '\n');
        end = nl ? nl + 1 : end + strlen(end);
    }
    size_t n = (size_t)(end - start);
    memmove(text, start, n);
    text[n] = '\0';
    return true;
}

dlx_status data_cache_key(const dlx_config *config, char **key, dlx_diags *diags)
{
    *key = NULL;
    dlx_experiment *scratch = calloc(1, sizeof *scratch);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = scratch ? open_memstream(&text, &len) : NULL;
    if (!mem) {
        free(scratch);
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    scratch->base = *config;
    dlx_status st = experiment_write_yaml(scratch, NULL, NULL, mem, diags);
    bool closed = fclose(mem) == 0;   /* the memory stream grows its buffer as it goes */
    free(scratch);
    if (st == DLX_OK && (!closed || !text)) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        st = DLX_ERR_RUNTIME;
    }
    if (st == DLX_OK && !keep_data_section(text)) {
        diags_add(diags, NULL, 0, 0, "internal error: the resolved experiment has no data section");
        st = DLX_ERR_RUNTIME;
    }
    if (st != DLX_OK) {
        free(text);
        return st;
    }
    *key = text;
    return DLX_OK;
}

dlx_status data_cache_get(dlx_data_cache *cache, const dlx_config *config,
                          const char *source_file, dlx_dataset **out, dlx_diags *diags)
{
    char *key;
    dlx_status st = data_cache_key(config, &key, diags);
    if (st != DLX_OK)
        return st;
    for (int i = 0; i < cache->count; i++) {
        if (strcmp(cache->keys[i], key) == 0) {
            free(key);
            *out = cache->sets[i];
            return DLX_OK;
        }
    }
    dlx_dataset **sets = realloc(cache->sets, (size_t)(cache->count + 1) * sizeof *sets);
    if (sets)
        cache->sets = sets;
    char **keys = realloc(cache->keys, (size_t)(cache->count + 1) * sizeof *keys);
    if (keys)
        cache->keys = keys;
    dlx_dataset *d = calloc(1, sizeof *d);
    if (!sets || !keys || !d) {
        free(d);
        free(key);
        diags_add(diags, NULL, 0, 0, "out of memory loading data");
        return DLX_ERR_RUNTIME;
    }
    dlx_data_loader load = cache->load                             ? cache->load
                           : config->data.source == DATA_SAFETENSORS ? tensor_file_load
                                                                     : dataset_load;
    st = load(d, &config->data, source_file, diags);
    if (st != DLX_OK) {
        free(d);
        free(key);
        return st;
    }
    cache->sets[cache->count] = d;
    cache->keys[cache->count] = key;
    cache->count++;
    *out = d;
    return DLX_OK;
}

void data_cache_free(dlx_data_cache *cache)
{
    for (int i = 0; i < cache->count; i++) {
        dataset_free(cache->sets[i]);
        free(cache->sets[i]);
        free(cache->keys[i]);
    }
    free(cache->sets);
    free(cache->keys);
    *cache = (dlx_data_cache){.load = cache->load};
}
