/*
 * collect.c — merging output folders into one table (see collect.h).
 */
#include "results/collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv_writer.h"
#include "results/result_folder.h"

typedef struct {
    int n;
    char **names;
} name_list;

static int find_name(const name_list *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->names[i], s))
            return i;
    return -1;
}

/* Add s unless present; false when memory runs out. */
static bool add_name(name_list *l, const char *s)
{
    if (find_name(l, s) >= 0)
        return true;
    char **names = realloc(l->names, (size_t)(l->n + 1) * sizeof *names);
    if (!names)
        return false;
    l->names = names;
    return (names[l->n] = strdup(s)) != NULL && ++l->n;
}

static void free_names(name_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    *l = (name_list){0};
}

static bool is_swept(const dlx_result_folder *f, const char *key)
{
    for (int k = 0; k < f->sweep.n_keys; k++)
        if (dotted_key_within(key, f->sweep.keys[k]))
            return true;
    return false;
}

static bool is_set(const dlx_result_folder *f, const char *key)
{
    for (int k = 0; k < f->n_set; k++)
        if (dotted_key_within(key, f->set_keys[k]))
            return true;
    return false;
}

/* Compare one key of folder f with the reference ref. */
static bool compare_key(const dlx_result_folder *ref, const dlx_result_folder *f, const char *key,
                        const dlx_collect_options *opts, name_list *varied, dlx_diags *diags)
{
    if (!strcmp(key, "seeds") || is_swept(ref, key) || is_swept(f, key))
        return true;
    const char *a = result_folder_leaf(ref, key), *b = result_folder_leaf(f, key);
    if (a && b && !strcmp(a, b))
        return true;
    if (is_set(ref, key) || is_set(f, key) || opts->allow_mixed)
        return add_name(varied, key);
    diags_add(diags, NULL, 0, 0,
              "'%s' and '%s' hold different experiments: '%s' is %s in one and %s in the "
              "other (use --allow-mixed to merge them anyway)",
              ref->dir, f->dir, key, a ? a : "absent", b ? b : "absent");
    return false;
}

/* The keys that vary between the folders; an error for a difference that
   is not allowed. */
static dlx_status find_varied_keys(dlx_result_folder *fs, int n, const dlx_collect_options *opts,
                                   name_list *varied, dlx_diags *diags)
{
    dlx_status st = DLX_OK;
    for (int i = 1; i < n; i++) {
        bool ok = true;
        for (int j = 0; ok && j < fs[0].n_leaves; j++)
            ok = compare_key(&fs[0], &fs[i], fs[0].leaf_keys[j], opts, varied, diags);
        for (int j = 0; ok && j < fs[i].n_leaves; j++)
            if (!result_folder_leaf(&fs[0], fs[i].leaf_keys[j]))
                ok = compare_key(&fs[0], &fs[i], fs[i].leaf_keys[j], opts, varied, diags);
        if (!ok)
            st = DLX_ERR_INPUT;
    }
    return st;
}

/* The flow text of each swept key at a point of f's sweep. */
static dlx_status point_values(const dlx_result_folder *f, int point,
                               char values[DLX_MAX_SWEEP_KEYS][128])
{
    char path[DLX_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/resolved.yaml", f->dir);
    dlx_experiment *exp = calloc(1, sizeof *exp);
    dlx_sweep sweep;
    dlx_diags ignored = {0};
    dlx_status st = exp ? experiment_load(exp, &sweep, path, NULL, point, values, &ignored)
                        : DLX_ERR_RUNTIME;
    diags_free(&ignored);
    free(exp);
    return st;
}

/* Does summary.csv hold a finished row for this run? NULL: yes; else why not. */
static const char *run_state(const dlx_result_folder *f, const char *arm, unsigned long long seed,
                             char values[DLX_MAX_SWEEP_KEYS][128])
{
    const dlx_text_table *s = &f->summary;
    int c_arm = csv_table_column(s, "arm"), c_seed = csv_table_column(s, "seed"),
        c_status = csv_table_column(s, "status");
    if (c_arm < 0 || c_seed < 0 || c_status < 0)
        return "no summary.csv";
    for (int r = 0; r < s->n_rows; r++) {
        if (strcmp(s->rows[r][c_arm], arm) || strtoull(s->rows[r][c_seed], NULL, 10) != seed)
            continue;
        bool match = true;
        for (int k = 0; values && k < f->sweep.n_keys; k++) {
            int c = csv_table_column(s, f->sweep.keys[k]);
            match &= c >= 0 && !strcmp(s->rows[r][c], values[k]);
        }
        if (match)
            return strcmp(s->rows[r][c_status], "interrupted") ? NULL : "interrupted";
    }
    return "not finished (no row in summary.csv)";
}

/* Warn about every run of f that is not finished. */
static dlx_status check_finished(const dlx_result_folder *f, dlx_diags *warnings)
{
    int first = -1, last = -1;
    if (f->sweep.n_points > 0) {
        first = f->point >= 0 ? f->point : 0;
        last = f->point >= 0 ? f->point : f->sweep.n_points - 1;
    }
    for (int p = first; p <= last; p++) {
        char values[DLX_MAX_SWEEP_KEYS][128];
        if (p >= 0 && point_values(f, p, values) != DLX_OK)
            return DLX_ERR_RUNTIME;
        for (int a = 0; a < f->exp->n_arms; a++) {
            for (int k = 0; k < f->exp->n_seeds; k++) {
                const char *why = run_state(f, f->exp->arms[a].name,
                                            (unsigned long long)f->exp->seeds[k], p >= 0 ? values : NULL);
                if (!why)
                    continue;
                char where[64] = "";
                if (p >= 0)
                    snprintf(where, sizeof where, "point %d, ", p);
                diags_add(warnings, f->dir, 0, 0, "unfinished run (%sarm %s, seed %llu): %s", where,
                          f->exp->arms[a].name, (unsigned long long)f->exp->seeds[k], why);
            }
        }
    }
    return DLX_OK;
}

/* Warn about the points of a sweep run point by point (--point) that have
   no folder among fs. */
static void check_points_covered(const dlx_result_folder *fs, int n, dlx_diags *warnings)
{
    int n_points = fs[0].sweep.n_points;
    for (int i = 0; i < n; i++)
        if (fs[i].point < 0 || fs[i].sweep.n_points != n_points)
            return;
    for (int p = 0; p < n_points; p++) {
        bool seen = false;
        for (int i = 0; i < n && !seen; i++)
            seen = fs[i].point == p;
        if (!seen)
            diags_add(warnings, NULL, 0, 0, "sweep point %d has no output folder (never started?)",
                      p);
    }
}

/* Stable order by --point (insertion sort keeps equal points in order). */
static void sort_by_point(dlx_result_folder *fs, int n)
{
    for (int i = 1; i < n; i++) {
        dlx_result_folder f = fs[i];
        int j = i;
        for (; j > 0 && fs[j - 1].point > f.point; j--)
            fs[j] = fs[j - 1];
        fs[j] = f;
    }
}

/* Append every row of each folder's table to out, under out's columns. */
static dlx_status merge_rows(dlx_result_folder *fs, int n, bool runs, const name_list *columns,
                             const name_list *varied, dlx_text_table *out)
{
    out->n_cols = columns->n;
    out->header = calloc((size_t)columns->n, sizeof *out->header);
    if (!out->header)
        return DLX_ERR_RUNTIME;
    for (int c = 0; c < columns->n; c++)
        if (!(out->header[c] = strdup(columns->names[c])))
            return DLX_ERR_RUNTIME;
    for (int i = 0; i < n; i++) {
        const dlx_text_table *t = runs ? &fs[i].summary : &fs[i].metrics;
        char ***rows = realloc(out->rows, (size_t)(out->n_rows + t->n_rows) * sizeof *rows);
        if (!rows && out->n_rows + t->n_rows > 0)
            return DLX_ERR_RUNTIME;
        out->rows = rows;
        int *from = calloc((size_t)columns->n, sizeof *from);
        if (!from)
            return DLX_ERR_RUNTIME;
        for (int c = 0; c < columns->n; c++)
            from[c] = csv_table_column(t, columns->names[c]);
        for (int r = 0; r < t->n_rows; r++) {
            char **row = calloc((size_t)columns->n, sizeof *row);
            if (!row) {
                free(from);
                return DLX_ERR_RUNTIME;
            }
            out->rows[out->n_rows++] = row;
            for (int c = 0; c < columns->n; c++) {
                const char *v = from[c] >= 0 ? t->rows[r][from[c]] : NULL;
                if (!v && find_name(varied, columns->names[c]) >= 0)
                    v = result_folder_leaf(&fs[i], columns->names[c]);
                if (!(row[c] = strdup(v ? v : ""))) {
                    free(from);
                    return DLX_ERR_RUNTIME;
                }
            }
        }
        free(from);
    }
    return DLX_OK;
}

dlx_status collect_merge(char *const *paths, int n_paths, const dlx_collect_options *opts,
                         dlx_text_table *out, dlx_diags *diags, dlx_diags *warnings)
{
    *out = (dlx_text_table){0};
    char **dirs = NULL;
    int n = 0;
    dlx_status st = result_folders_find(paths, n_paths, &dirs, &n, diags);
    dlx_result_folder *fs = st == DLX_OK ? calloc((size_t)n, sizeof *fs) : NULL;
    if (st == DLX_OK && !fs)
        st = DLX_ERR_RUNTIME;
    int loaded = 0;
    for (; st == DLX_OK && loaded < n; loaded++)
        st = result_folder_load(dirs[loaded], &fs[loaded], diags);
    if (st != DLX_OK && loaded > 0)
        loaded--; /* the failed one freed itself */
    name_list varied = {0}, columns = {0};
    if (st == DLX_OK) {
        sort_by_point(fs, n);
        st = find_varied_keys(fs, n, opts, &varied, diags);
    }
    for (int i = 0; st == DLX_OK && i < n; i++) {
        const dlx_text_table *t = opts->runs ? &fs[i].summary : &fs[i].metrics;
        for (int c = 0; st == DLX_OK && c < t->n_cols; c++)
            if (!add_name(&columns, t->header[c]))
                st = DLX_ERR_RUNTIME;
    }
    for (int k = 0; st == DLX_OK && k < varied.n; k++)
        if (!add_name(&columns, varied.names[k]))
            st = DLX_ERR_RUNTIME;
    if (st == DLX_OK)
        st = merge_rows(fs, n, opts->runs, &columns, &varied, out);
    for (int i = 0; st == DLX_OK && i < n; i++)
        st = check_finished(&fs[i], warnings);
    if (st == DLX_OK)
        check_points_covered(fs, n, warnings);
    if (st == DLX_ERR_RUNTIME)
        diags_add(diags, NULL, 0, 0, "out of memory");
    if (st != DLX_OK)
        csv_table_free(out);
    free_names(&varied);
    free_names(&columns);
    for (int i = 0; i < loaded; i++)
        result_folder_free(&fs[i]);
    free(fs);
    for (int i = 0; i < n; i++)
        free(dirs[i]);
    free(dirs);
    return st;
}

dlx_status collect_write_csv(const dlx_text_table *t, FILE *fp, const char *path, dlx_diags *diags)
{
    dlx_status st = csv_write_header(fp, (const char *const *)t->header, t->n_cols, diags, path);
    static dlx_csv_row row;
    for (int r = 0; st == DLX_OK && r < t->n_rows; r++) {
        csv_row_begin(&row);
        for (int c = 0; c < t->n_cols; c++)
            csv_row_str(&row, t->rows[r][c]);
        st = csv_row_write(&row, fp, diags, path);
    }
    return st;
}
