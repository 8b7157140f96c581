/*
 * result_folder.c — reading an output folder back (see result_folder.h).
 */
#include "results/result_folder.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/yaml_tree.h"

static bool add_leaf(dlx_result_folder *f, const char *key, const char *value)
{
    char **k = realloc(f->leaf_keys, (size_t)(f->n_leaves + 1) * sizeof *k);
    if (k)
        f->leaf_keys = k;
    char **v = realloc(f->leaf_values, (size_t)(f->n_leaves + 1) * sizeof *v);
    if (v)
        f->leaf_values = v;
    if (!k || !v)
        return false;
    k[f->n_leaves] = strdup(key);
    v[f->n_leaves] = strdup(value);
    if (!k[f->n_leaves] || !v[f->n_leaves]) {
        free(k[f->n_leaves]);
        free(v[f->n_leaves]);
        return false;
    }
    f->n_leaves++;
    return true;
}

static bool all_scalars(const ytree_node *seq)
{
    for (int i = 0; i < seq->count; i++)
        if (seq->values[i]->kind != YTREE_SCALAR)
            return false;
    return true;
}

/* Flatten node under prefix into f's leaves. */
static bool flatten(dlx_result_folder *f, const ytree_node *node, const char *prefix)
{
    if (node->kind == YTREE_SCALAR || (node->kind == YTREE_SEQ && all_scalars(node))) {
        char value[4096];
        ytree_to_flow(node, value, sizeof value);
        return add_leaf(f, prefix, value);
    }
    for (int i = 0; i < node->count; i++) {
        char key[512];
        if (node->kind == YTREE_MAP)
            snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", node->keys[i]->text);
        else
            snprintf(key, sizeof key, "%s%s%d", prefix, *prefix ? "." : "", i);
        if (!*prefix && (!strcmp(key, "dlx_version") || !strcmp(key, "output")))
            continue;
        if (!flatten(f, node->values[i], key))
            return false;
    }
    return true;
}

static char *read_text(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 4096 + 1 > cap) {
            char *b = realloc(buf, cap = 2 * cap + 4096 + 1);
            if (!b) {
                free(buf);
                fclose(fp);
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + *len, 1, 4096, fp);
        *len += got;
        if (got == 0)
            break;
    }
    fclose(fp);
    buf[*len] = '\0';
    return buf;
}

static const char *const RUN_VALUE_OPTIONS[] = {"out", "arms", "seeds", "point", "jobs", "threads"};

static bool is_value_option(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof RUN_VALUE_OPTIONS / sizeof *RUN_VALUE_OPTIONS; i++)
        if (strlen(RUN_VALUE_OPTIONS[i]) == len && !strncmp(RUN_VALUE_OPTIONS[i], name, len))
            return true;
    return false;
}

static void add_set_key(dlx_result_folder *f, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || f->n_set == DLX_MAX_SET_KEYS)
        return;
    snprintf(f->set_keys[f->n_set++], sizeof f->set_keys[0], "%.*s", (int)(eq - assignment),
             assignment);
}

/* The --point and override keys of meta.yaml's command ("dlx run FILE ..."
   joined by spaces, as cmd_run records it). */
static void parse_command(dlx_result_folder *f, char *command)
{
    char *save = NULL;
    bool seen_file = false;
    strtok_r(command, " ", &save); /* dlx */
    strtok_r(NULL, " ", &save);    /* run */
    for (char *w = strtok_r(NULL, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (!strncmp(w, "--", 2)) {
            const char *name = w + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const char *value = eq ? eq + 1 : NULL;
            if (len == 3 && !strncmp(name, "set", 3)) {
                add_set_key(f, value ? value : strtok_r(NULL, " ", &save));
            } else if (is_value_option(name, len)) {
                if (!value)
                    value = strtok_r(NULL, " ", &save);
                if (value && len == 5 && !strncmp(name, "point", 5))
                    f->point = atoi(value);
            } else if (eq) {
                add_set_key(f, name);
            }
        } else if (strchr(w, '=') && seen_file) {
            add_set_key(f, w);
        } else {
            seen_file = true;
        }
    }
}

/* meta.yaml's command, if any. */
static void read_meta(dlx_result_folder *f)
{
    char path[DLX_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/meta.yaml", f->dir);
    size_t len;
    char *text = read_text(path, &len);
    if (!text)
        return;
    ytree_origin origin = {path, NULL};
    ytree_node *root = NULL;
    dlx_diags ignored = {0};
    if (ytree_parse(text, len, &origin, 0, &root, &ignored) == DLX_OK && root &&
        root->kind == YTREE_MAP) {
        const ytree_node *cmd = ytree_map_get(root, "command");
        if (cmd && cmd->kind == YTREE_SCALAR) {
            char *copy = strdup(cmd->text);
            if (copy)
                parse_command(f, copy);
            free(copy);
        }
    }
    diags_free(&ignored);
    ytree_free(root);
    free(text);
}

/* The folder's file `name` into t, empty when it is missing or not a table;
   running out of memory is an error (DLX_ERR_RUNTIME, with its message),
   never an empty table. */
static dlx_status read_optional_csv(const char *dir, const char *name, dlx_text_table *t,
                                    dlx_diags *diags)
{
    char path[DLX_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    dlx_diags own = {0};
    dlx_status st = csv_read_table(path, t, &own);
    if (st == DLX_ERR_RUNTIME)
        for (int i = 0; i < own.count; i++)
            diags_add(diags, own.items[i].file, own.items[i].line, own.items[i].col, "%s",
                      own.items[i].message);
    diags_free(&own);
    return st == DLX_ERR_RUNTIME ? st : DLX_OK;
}

dlx_status result_folder_load(const char *dir, dlx_result_folder *f, dlx_diags *diags)
{
    *f = (dlx_result_folder){.point = -1};
    snprintf(f->dir, sizeof f->dir, "%s", dir);
    char path[DLX_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/resolved.yaml", dir);
    size_t len;
    char *text = read_text(path, &len);
    if (!text) {
        diags_add(diags, path, 0, 0, "cannot read: %s (not an output folder of dlx run?)",
                  strerror(errno));
        return DLX_ERR_INPUT;
    }
    ytree_origin origin = {path, NULL};
    ytree_node *root = NULL;
    dlx_status st = ytree_parse(text, len, &origin, 0, &root, diags);
    if (st == DLX_OK && (!root || root->kind != YTREE_MAP)) {
        diags_add(diags, path, 1, 1, "not a resolved experiment");
        st = DLX_ERR_INPUT;
    }
    if (st == DLX_OK && !flatten(f, root, "")) {
        diags_add(diags, path, 0, 0, "out of memory");
        st = DLX_ERR_RUNTIME;
    }
    ytree_free(root);
    free(text);
    if (st == DLX_OK && !(f->exp = calloc(1, sizeof *f->exp)))
        st = DLX_ERR_RUNTIME;
    if (st == DLX_OK)
        st = experiment_load(f->exp, &f->sweep, path, NULL, -1, NULL, diags);
    if (st != DLX_OK) {
        result_folder_free(f);
        return st;
    }
    read_meta(f);
    st = read_optional_csv(dir, "metrics.csv", &f->metrics, diags);
    if (st == DLX_OK)
        st = read_optional_csv(dir, "summary.csv", &f->summary, diags);
    if (st != DLX_OK)
        result_folder_free(f);
    return st;
}

void result_folder_free(dlx_result_folder *f)
{
    for (int i = 0; i < f->n_leaves; i++) {
        free(f->leaf_keys[i]);
        free(f->leaf_values[i]);
    }
    free(f->leaf_keys);
    free(f->leaf_values);
    free(f->exp);
    csv_table_free(&f->metrics);
    csv_table_free(&f->summary);
    f->leaf_keys = f->leaf_values = NULL;
    f->n_leaves = 0;
    f->exp = NULL;
}

const char *result_folder_leaf(const dlx_result_folder *f, const char *key)
{
    for (int i = 0; i < f->n_leaves; i++)
        if (!strcmp(f->leaf_keys[i], key))
            return f->leaf_values[i];
    return NULL;
}

bool dotted_key_within(const char *key, const char *path)
{
    size_t n = strlen(path);
    return !strncmp(key, path, n) && (key[n] == '\0' || key[n] == '.');
}

/* ---- finding folders -------------------------------------------------- */

typedef struct {
    char **items;
    int count;
} path_list;

static bool push_path(path_list *l, const char *p)
{
    char **items = realloc(l->items, (size_t)(l->count + 1) * sizeof *items);
    if (!items)
        return false;
    l->items = items;
    return (l->items[l->count] = strdup(p)) != NULL && ++l->count;
}

/* Names in "natural" order: runs of digits compare as numbers (p2 < p10). */
static int natural_compare(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    while (*a && *b) {
        if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            char *ea, *eb;
            unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
            if (x != y)
                return x < y ? -1 : 1;
            a = ea, b = eb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        a++, b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static bool is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static dlx_status search(const char *dir, path_list *out, int depth, dlx_diags *diags)
{
    char probe[DLX_PATH_MAX + 16];
    snprintf(probe, sizeof probe, "%s/resolved.yaml", dir);
    struct stat sb;
    if (stat(probe, &sb) == 0)
        return push_path(out, dir) ? DLX_OK : DLX_ERR_RUNTIME;
    if (depth > 8)
        return DLX_OK;
    DIR *d = opendir(dir);
    if (!d)
        return DLX_OK;
    path_list subs = {0};
    dlx_status st = DLX_OK;
    for (struct dirent *e; st == DLX_OK && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char sub[DLX_PATH_MAX];
        if (snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= (int)sizeof sub)
            continue;
        if (is_dir(sub) && !push_path(&subs, sub))
            st = DLX_ERR_RUNTIME;
    }
    closedir(d);
    if (subs.count > 1)
        qsort(subs.items, (size_t)subs.count, sizeof *subs.items, natural_compare);
    for (int i = 0; i < subs.count; i++) {
        if (st == DLX_OK)
            st = search(subs.items[i], out, depth + 1, diags);
        free(subs.items[i]);
    }
    free(subs.items);
    return st;
}

dlx_status result_folders_find(char *const *paths, int n_paths, char ***dirs, int *n_dirs,
                               dlx_diags *diags)
{
    path_list out = {0};
    dlx_status st = DLX_OK;
    for (int i = 0; i < n_paths && st == DLX_OK; i++) {
        int before = out.count;
        if (!is_dir(paths[i])) {
            diags_add(diags, paths[i], 0, 0, "not a folder");
            st = DLX_ERR_INPUT;
            break;
        }
        st = search(paths[i], &out, 0, diags);
        if (st == DLX_OK && out.count == before) {
            diags_add(diags, paths[i], 0, 0, "no output folder of dlx run here (no resolved.yaml)");
            st = DLX_ERR_INPUT;
        }
    }
    if (st == DLX_ERR_RUNTIME)
        diags_add(diags, NULL, 0, 0, "out of memory");
    *dirs = out.items;
    *n_dirs = out.count;
    return st;
}
