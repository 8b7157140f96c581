/*
 * harness.c — see harness.h.
 */
#define _XOPEN_SOURCE 700
#include "harness.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* malloc that stops the test program when memory runs out. */
static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "harness: out of memory\n");
        exit(99);
    }
    return p;
}

char *harness_tmpdir(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *p = xmalloc(strlen(base) + 32);
    sprintf(p, "%s/dlx-test-XXXXXX", base);
    if (!mkdtemp(p)) {
        free(p);
        return NULL;
    }
    return p;
}

char *harness_write(const char *dir, const char *name, const char *text)
{
    char *p = xmalloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return p;
}

char *harness_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = xmalloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

int harness_dlx(char **out, char **err, const char *fmt, ...)
{
    char args[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char *dir = harness_tmpdir();
    char cmd[16384];
    const char *bin = getenv("DLX_BIN") ? getenv("DLX_BIN") : "dlx";
    snprintf(cmd, sizeof cmd, "'%s' %s >'%s/out' 2>'%s/err' </dev/null", bin, args, dir, dir);
    int status = system(cmd);
    char path[4096];
    snprintf(path, sizeof path, "%s/out", dir);
    if (out)
        *out = harness_read(path);
    snprintf(path, sizeof path, "%s/err", dir);
    if (err)
        *err = harness_read(path);
    harness_rmtree(dir);
    free(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int harness_csv_read(harness_csv *csv, const char *path)
{
    memset(csv, 0, sizeof *csv);
    csv->text = harness_read(path);
    if (!csv->text)
        return -1;
    int lines = 0;
    for (char *p = csv->text; *p; p++)
        lines += *p == '\n';
    char **rows = calloc((size_t)lines + 1, sizeof *rows);
    int n = 0;
    for (char *save = NULL, *line = strtok_r(csv->text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        rows[n++] = line;
    if (n == 0) {
        free(rows);
        return -1;
    }
    /* Split on commas in place, keeping empty fields. */
    int cols = 1;
    for (char *p = rows[0]; *p; p++)
        cols += *p == ',';
    csv->n_cols = cols;
    csv->header = calloc((size_t)cols, sizeof *csv->header);
    csv->cells = calloc((size_t)n, sizeof *csv->cells);
    for (int r = 0; r < n; r++) {
        char **cells = r == 0 ? csv->header : (csv->cells[r - 1] = calloc((size_t)cols, sizeof(char *)));
        char *p = rows[r];
        for (int c = 0; c < cols; c++) {
            cells[c] = p ? p : (char *)"";
            char *comma = p ? strchr(p, ',') : NULL;
            if (comma)
                *comma = '\0';
            p = comma ? comma + 1 : NULL;
        }
    }
    csv->n_rows = n - 1;
    free(rows);
    return 0;
}

int harness_csv_col(const harness_csv *csv, const char *name)
{
    for (int c = 0; c < csv->n_cols; c++)
        if (!strcmp(csv->header[c], name))
            return c;
    return -1;
}

const char *harness_csv_str(const harness_csv *csv, int row, const char *name)
{
    int c = harness_csv_col(csv, name);
    return c < 0 || row < 0 || row >= csv->n_rows ? NULL : csv->cells[row][c];
}

double harness_csv_num(const harness_csv *csv, int row, const char *name)
{
    const char *s = harness_csv_str(csv, row, name);
    return s ? strtod(s, NULL) : 0.0 / 0.0;
}

double harness_csv_last(const harness_csv *csv, const char *arm, int seed, const char *name)
{
    double v = 0.0 / 0.0;
    for (int r = 0; r < csv->n_rows; r++) {
        const char *a = harness_csv_str(csv, r, "arm");
        if (a && !strcmp(a, arm) && (int)harness_csv_num(csv, r, "seed") == seed)
            v = harness_csv_num(csv, r, name);
    }
    return v;
}

int harness_run_config(harness_csv *csv, const char *dir, const char *config, const char *args,
                       const char *file)
{
    int code = harness_dlx(NULL, NULL, "run '%s/configs/%s.yaml' --out '%s/out' %s", harness_source_root(),
                           config, dir, args);
    if (code != 0)
        return code;
    char path[4096];
    snprintf(path, sizeof path, "%s/out/%s", dir, file);
    return harness_csv_read(csv, path) == 0 ? 0 : -1;
}

void harness_csv_free(harness_csv *csv)
{
    for (int r = 0; r < csv->n_rows; r++)
        free(csv->cells[r]);
    free(csv->cells);
    free(csv->header);
    free(csv->text);
    memset(csv, 0, sizeof *csv);
}

char *harness_metrics_without_wall(const char *path)
{
    harness_csv csv;
    if (harness_csv_read(&csv, path) != 0)
        return NULL;
    int wall = harness_csv_col(&csv, "wall_s");
    size_t cap = 1 << 16, len = 0;
    char *out = xmalloc(cap);
    out[0] = '\0';
    for (int r = -1; r < csv.n_rows; r++) {
        char **cells = r < 0 ? csv.header : csv.cells[r];
        for (int c = 0; c < csv.n_cols; c++) {
            const char *v = c == wall && r >= 0 ? "-" : cells[c];
            size_t need = strlen(v) + 2;
            if (len + need + 1 > cap) {
                cap = 2 * (cap + need);
                out = realloc(out, cap);
            }
            len += (size_t)sprintf(out + len, "%s%s", v, c + 1 < csv.n_cols ? "," : "\n");
        }
    }
    harness_csv_free(&csv);
    return out;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

void harness_rmtree(const char *dir) { nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

const char *harness_source_root(void)
{
    const char *r = getenv("DLX_SOURCE_ROOT");
    return r ? r : ".";
}

int harness_have_fashion_mnist(void)
{
    static const char file[] = "fashion-mnist/train-images-idx3-ubyte.gz";
    char path[4096];
    struct stat sb;
    const char *data = getenv("DLX_DATA");
    if (data) {
        snprintf(path, sizeof path, "%s/%s", data, file);
        if (stat(path, &sb) == 0)
            return 1;
    }
    snprintf(path, sizeof path, "/usr/share/datasets/%s", file);
    return stat(path, &sb) == 0;
}

void harness_require_fashion_mnist(void)
{
    if (harness_have_fashion_mnist())
        return;
    printf("skip: Fashion-MNIST is not installed ($DLX_DATA/fashion-mnist or Debian's "
           "dataset-fashion-mnist, which scripts/setup.sh installs)\n");
    exit(77);
}
