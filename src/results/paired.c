/*
 * paired.c — the paired comparison of two arms (see paired.h).
 */
#include "results/paired.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results/seed_summary.h"
#include "util/suggest.h"

/* Columns of summary.csv that describe a run rather than its group. */
static bool is_run_column(const char *name)
{
    static const char *const cols[] = {"arm", "seed", "status", "epochs_done", "final_train_loss",
                                       "final_test_loss", "final_gen_gap", "final_train_acc",
                                       "final_test_acc", "best_test_acc", "best_epoch", "wall_s"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        if (!strcmp(cols[i], name))
            return true;
    return false;
}

static const char *const METRICS[] = {"final_train_loss", "final_test_loss", "final_gen_gap",
                                      "final_train_acc",  "final_test_acc",  "best_test_acc"};
enum { N_METRICS = 6 };

/* The value of column c in row r when it is a finite number. */
static bool finite_value(const dlx_text_table *t, int r, int c, double *v)
{
    char *end;
    *v = strtod(t->rows[r][c], &end);
    return end != t->rows[r][c] && !*end && isfinite(*v);
}

/* An arm that is not in the rows: an error naming the arms there are. */
static bool check_arm(const dlx_text_table *t, int c_arm, const char *arm, dlx_diags *diags)
{
    const char **names = calloc((size_t)t->n_rows + 1, sizeof *names);
    int n = 0;
    bool found = false;
    for (int r = 0; r < t->n_rows; r++) {
        const char *a = t->rows[r][c_arm];
        found |= !strcmp(a, arm);
        bool seen = false;
        for (int k = 0; k < n && !seen; k++)
            seen = !strcmp(names[k], a);
        if (!seen && names)
            names[n++] = a;
    }
    if (!found) {
        char list[512];
        suggest_list(list, sizeof list, names, n);
        const char *near = names ? suggest_closest(arm, names, n) : NULL;
        if (near)
            diags_add(diags, NULL, 0, 0, "--paired: no arm '%s' in the results; did you mean '%s'? "
                      "(the arms are: %s)", arm, near, list);
        else
            diags_add(diags, NULL, 0, 0, "--paired: no arm '%s' in the results (the arms are: %s)",
                      arm, list);
    }
    free(names);
    return found;
}

/* Whether rows a and b agree on every key column. */
static bool same_keys(const dlx_text_table *t, int a, int b, const int *key_cols, int n_keys)
{
    for (int k = 0; k < n_keys; k++)
        if (strcmp(t->rows[a][key_cols[k]], t->rows[b][key_cols[k]]))
            return false;
    return true;
}

/* The metric to compare when none is given: accuracy when both arms have
   it on every row (a classifier), else the test loss. */
static const char *auto_metric(const dlx_text_table *t, int c_arm, const char *a, const char *b)
{
    int c_acc = csv_table_column(t, "final_test_acc");
    if (c_acc < 0)
        return "final_test_loss";
    for (int r = 0; r < t->n_rows; r++)
        if ((!strcmp(t->rows[r][c_arm], a) || !strcmp(t->rows[r][c_arm], b)) &&
            !*t->rows[r][c_acc])
            return "final_test_loss";
    return "final_test_acc";
}

/* The comparison for the keys of row `first`: d_s over the shared seeds. */
static dlx_status compare_group(const dlx_text_table *t, const dlx_paired *p, int first,
                                const int *key_cols, int c_arm, int c_seed, int c_status,
                                int c_metric, dlx_paired_group *g, double *d)
{
    g->keys = calloc((size_t)p->n_keys + 1, sizeof *g->keys);
    g->seeds = calloc((size_t)t->n_rows + 1, sizeof *g->seeds);
    if (!g->keys || !g->seeds)
        return DLX_ERR_RUNTIME;
    for (int k = 0; k < p->n_keys; k++)
        if (!(g->keys[k] = strdup(t->rows[first][key_cols[k]])))
            return DLX_ERR_RUNTIME;
    for (int ra = 0; ra < t->n_rows; ra++) {
        double va, vb;
        if (strcmp(t->rows[ra][c_arm], p->arm_a) || !same_keys(t, ra, first, key_cols, p->n_keys) ||
            (c_status >= 0 && strcmp(t->rows[ra][c_status], "ok")) ||
            !finite_value(t, ra, c_metric, &va))
            continue;
        bool dup = false;   /* the same seed twice (merged folders): its first row only */
        for (int k = 0; k < g->n_seeds && !dup; k++)
            dup = !strcmp(g->seeds[k], t->rows[ra][c_seed]);
        for (int rb = 0; rb < t->n_rows && !dup; rb++) {
            if (strcmp(t->rows[rb][c_arm], p->arm_b) || strcmp(t->rows[rb][c_seed], t->rows[ra][c_seed]) ||
                !same_keys(t, rb, first, key_cols, p->n_keys))
                continue;
            if ((c_status < 0 || !strcmp(t->rows[rb][c_status], "ok")) &&
                finite_value(t, rb, c_metric, &vb)) {
                if (!(g->seeds[g->n_seeds] = strdup(t->rows[ra][c_seed])))
                    return DLX_ERR_RUNTIME;
                d[g->n_seeds++] = va - vb;
            }
            break;   /* arm B's first row of that seed decides */
        }
    }
    g->diff = sample_stats(d, g->n_seeds);
    return DLX_OK;
}

dlx_status paired_compare(const dlx_text_table *t, const char *arm_a, const char *arm_b,
                          const char *metric, dlx_paired *p, dlx_diags *diags)
{
    *p = (dlx_paired){.arm_a = arm_a, .arm_b = arm_b};
    int c_arm = csv_table_column(t, "arm"), c_seed = csv_table_column(t, "seed");
    int c_status = csv_table_column(t, "status");
    if (c_arm < 0 || c_seed < 0) {
        diags_add(diags, NULL, 0, 0, "--paired: the results have no arm and seed columns");
        return DLX_ERR_INPUT;
    }
    bool ok = check_arm(t, c_arm, arm_a, diags);
    ok &= check_arm(t, c_arm, arm_b, diags);
    if (metric) {
        bool known = false;
        for (int m = 0; m < N_METRICS; m++)
            known |= !strcmp(METRICS[m], metric);
        if (!known) {
            char list[256];
            suggest_list(list, sizeof list, METRICS, N_METRICS);
            const char *near = suggest_closest(metric, METRICS, N_METRICS);
            diags_add(diags, NULL, 0, 0, "--metric: unknown metric '%s'%s%s%s (the metrics are: %s)",
                      metric, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "",
                      list);
            ok = false;
        }
    }
    if (!ok)
        return DLX_ERR_INPUT;
    snprintf(p->metric, sizeof p->metric, "%s", metric ? metric : auto_metric(t, c_arm, arm_a, arm_b));
    int c_metric = csv_table_column(t, p->metric);
    if (c_metric < 0) {
        diags_add(diags, NULL, 0, 0, "--paired: the results have no %s column", p->metric);
        return DLX_ERR_INPUT;
    }
    int *key_cols = calloc((size_t)t->n_cols + 1, sizeof *key_cols);
    double *d = calloc((size_t)t->n_rows + 1, sizeof *d);
    bool *done = calloc((size_t)t->n_rows + 1, sizeof *done);
    p->key_names = calloc((size_t)t->n_cols + 1, sizeof *p->key_names);
    p->groups = calloc((size_t)t->n_rows + 1, sizeof *p->groups);
    dlx_status st = key_cols && d && done && p->key_names && p->groups ? DLX_OK : DLX_ERR_RUNTIME;
    for (int c = 0; st == DLX_OK && c < t->n_cols; c++)
        if (!is_run_column(t->header[c])) {
            key_cols[p->n_keys] = c;
            p->key_names[p->n_keys++] = t->header[c];
        }
    for (int r = 0; st == DLX_OK && r < t->n_rows; r++) {
        if (done[r] || (strcmp(t->rows[r][c_arm], arm_a) && strcmp(t->rows[r][c_arm], arm_b)))
            continue;
        for (int q = r; q < t->n_rows; q++)
            done[q] = done[q] || same_keys(t, q, r, key_cols, p->n_keys);
        st = compare_group(t, p, r, key_cols, c_arm, c_seed, c_status, c_metric,
                           &p->groups[p->n_groups++], d);
    }
    free(key_cols);
    free(d);
    free(done);
    if (st != DLX_OK) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        paired_free(p);
    }
    return st;
}

/* "model.dropout=0.5, optimizer.lr=0.1" of group g, or "" without keys. */
static void keys_text(const dlx_paired *p, const dlx_paired_group *g, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < p->n_keys && used < size; k++) {
        int n = snprintf(buf + used, size - used, "%s%s=%s", k ? ", " : "", p->key_names[k],
                         g->keys[k]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

void paired_warnings(const dlx_paired *p, dlx_diags *warnings)
{
    char keys[512];
    for (int i = 0; i < p->n_groups; i++) {
        const dlx_paired_group *g = &p->groups[i];
        keys_text(p, g, keys, sizeof keys);
        if (g->n_seeds < SEED_SUMMARY_FEW)
            diags_add(warnings, NULL, 0, 0,
                      "--paired %s %s%s%s: %d shared seeds with status ok; %s", p->arm_a, p->arm_b,
                      *keys ? " at " : "", keys, g->n_seeds,
                      g->n_seeds == 0 ? "nothing to compare"
                      : g->n_seeds == 1 ? "no interval from one seed"
                                        : "the interval from fewer than 3 seeds is unreliable");
    }
}

static void number_text(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.4g", v);
}

void paired_print(const dlx_paired *p, FILE *fp)
{
    fprintf(fp, "\npaired: %s − %s, %s, over the seeds both have (status ok)\n", p->arm_a,
            p->arm_b, p->metric);
    int n_cols = p->n_keys + 5;
    int width[72] = {0};
    if (n_cols > 72)
        return;
    char cell[128];
    static const char *const heads[] = {"n", "mean_diff", "sd_diff", "ci95_low", "ci95_high"};
    for (int pass = 0; pass < 2; pass++)
        for (int i = -1; i < p->n_groups; i++) {
            const dlx_paired_group *g = i >= 0 ? &p->groups[i] : NULL;
            for (int c = 0; c < n_cols; c++) {
                int s = c - p->n_keys;
                if (!g)
                    snprintf(cell, sizeof cell, "%s", s < 0 ? p->key_names[c] : heads[s]);
                else if (s < 0)
                    snprintf(cell, sizeof cell, "%s", g->keys[c]);
                else if (s == 0)
                    snprintf(cell, sizeof cell, "%d%s", g->n_seeds,
                             g->n_seeds < SEED_SUMMARY_FEW ? "*" : "");
                else
                    number_text(cell, sizeof cell,
                                s == 1 ? g->diff.mean : s == 2 ? g->diff.sd
                                : s == 3 ? g->diff.ci95_low : g->diff.ci95_high);
                int w = (int)strlen(cell);
                if (pass == 0 && w > width[c])
                    width[c] = w;
                if (pass == 1)
                    fprintf(fp, "%s%s%*s", c ? "  " : "", cell, c + 1 < n_cols ? width[c] - w : 0, "");
            }
            if (pass == 1)
                fputc('\n', fp);
        }
    fprintf(fp, "(the 95%% paired Student-t interval of the mean difference; * fewer than %d seeds)\n",
            SEED_SUMMARY_FEW);
}

void paired_free(dlx_paired *p)
{
    for (int i = 0; i < p->n_groups; i++) {
        for (int k = 0; p->groups[i].keys && k < p->n_keys; k++)
            free(p->groups[i].keys[k]);
        for (int k = 0; p->groups[i].seeds && k < p->groups[i].n_seeds; k++)
            free(p->groups[i].seeds[k]);
        free(p->groups[i].keys);
        free(p->groups[i].seeds);
    }
    free(p->groups);
    free(p->key_names);
    *p = (dlx_paired){0};
}
