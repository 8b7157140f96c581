/*
 * mnist_folder.c — locating and loading the MNIST-style folder (see
 * mnist_folder.h).
 */
#include "data/mnist_folder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/idx.h"

enum { MNIST_CLASSES = 10, MAX_CANDIDATES = 3, REPORT_MAX = 4096 };

static const char *const MNIST_FILE_NAMES[4] = {
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
};

/* Whether path names an existing folder (following links). */
static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether path names an existing regular file (following links). */
static int is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Append "FOLDER NOTE" to the report (a fixed buffer of REPORT_MAX; excess
   is cut), after "; " when the report is not empty. */
static void report_add(char *report, const char *folder, const char *note)
{
    size_t used = strlen(report);
    if (used + 1 < REPORT_MAX)
        snprintf(report + used, REPORT_MAX - used, "%s%s %s", used ? "; " : "", folder, note);
}

/* Look for the four files in folder, each plain or gzipped; on success fill
   files. Otherwise add to report what the folder lacks and return 0. */
static int try_folder(mnist_files *files, const char *folder, char *report)
{
    if (!is_directory(folder)) {
        struct stat sb;
        report_add(report, folder,
                   stat(folder, &sb) == 0 ? "(is not a folder)" : "(no such folder)");
        return 0;
    }
    char missing[200] = "(missing";
    int n_missing = 0;
    for (int k = 0; k < 4; k++) {
        char plain[DLX_PATH_MAX], gz[DLX_PATH_MAX];
        int n1 = snprintf(plain, sizeof plain, "%s/%s", folder, MNIST_FILE_NAMES[k]);
        int n2 = snprintf(gz, sizeof gz, "%s/%s.gz", folder, MNIST_FILE_NAMES[k]);
        int fits = n1 >= 0 && n2 >= 0 && (size_t)n2 < sizeof gz;
        if (fits && is_regular_file(plain)) {
            memcpy(files->path[k], plain, (size_t)n1 + 1);
        } else if (fits && is_regular_file(gz)) {
            memcpy(files->path[k], gz, (size_t)n2 + 1);
        } else {
            size_t used = strlen(missing);
            snprintf(missing + used, sizeof missing - used, "%s %s[.gz]", n_missing ? "," : "",
                     MNIST_FILE_NAMES[k]);
            n_missing++;
        }
    }
    if (n_missing == 0)
        return 1;
    strcat(missing, ")");
    report_add(report, folder, missing);
    return 0;
}

/* Where MNIST comes from, for the not-found message: Debian has no package
   of it, so the message says how to get the files and where dlx looks. */
#define MNIST_GETTING_HINT                                                                      \
    "; Debian 12 ships no MNIST package (Fashion-MNIST is in dataset-fashion-mnist): download " \
    "the four idx files train-images-idx3-ubyte, train-labels-idx1-ubyte, "                    \
    "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (plain or .gz) from the original MNIST " \
    "site (http://yann.lecun.com/exdb/mnist/) or a mirror into one folder; dlx looks in "       \
    "data.dir when it is set, else in $DLX_DATA/mnist, then " MNIST_SYSTEM_DATA_DIR "/mnist"

/* mnist_folder_find, with the error at dir_line:dir_col of source_file (0 for the file
   alone). */
static dlx_status find_at(mnist_files *files, const char *name, const char *dir, int dir_line,
                          int dir_col, const char *source_file, dlx_diags *d)
{
    char candidates[MAX_CANDIDATES][DLX_PATH_MAX];
    int n = 0;
    if (dir && dir[0]) {
        snprintf(candidates[n++], DLX_PATH_MAX, "%s", dir);
    } else {
        const char *env = getenv("DLX_DATA");
        if (env && env[0])
            snprintf(candidates[n++], DLX_PATH_MAX, "%s/%s", env, name);
        snprintf(candidates[n++], DLX_PATH_MAX, "%s/%s", MNIST_SYSTEM_DATA_DIR, name);
    }
    char *report = calloc(REPORT_MAX, 1);
    if (!report) {
        diags_add(d, source_file, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    for (int i = 0; i < n; i++) {
        if (try_folder(files, candidates[i], report)) {
            free(report);
            return DLX_OK;
        }
    }
    const char *hint = strcmp(name, "mnist") == 0 ? MNIST_GETTING_HINT
                       : dir && dir[0]              ? ""
                       : strcmp(name, "fashion-mnist") == 0
                           ? "; set data.dir or $DLX_DATA, or install Debian's "
                             "dataset-fashion-mnist package"
                           : "; set data.dir or $DLX_DATA";
    diags_add(d, source_file, dir_line, dir_col, "%s data not found; looked in %s%s", name,
              report, hint);
    free(report);
    return DLX_ERR_INPUT;
}

dlx_status mnist_folder_find(mnist_files *files, const char *name, const char *dir,
                             const char *source_file, dlx_diags *d)
{
    return find_at(files, name, dir, 0, 0, source_file, d);
}

dlx_status mnist_folder_load(dlx_dataset *ds, dlx_split_origin *origin, const char *name,
                             const char *dir, int dir_line, int dir_col, const char *source_file,
                             dlx_diags *d)
{
    *ds = (dlx_dataset){0};
    mnist_files *files = malloc(sizeof *files);
    if (!files) {
        diags_add(d, source_file, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = find_at(files, name, dir, dir_line, dir_col, source_file, d);
    if (st == DLX_OK)
        st = idx_load_dataset(ds, files->path[0], files->path[1], files->path[2], files->path[3],
                              MNIST_CLASSES, d);
    if (st == DLX_OK) {
        memcpy(origin->train, files->path[0], DLX_PATH_MAX);
        memcpy(origin->test, files->path[2], DLX_PATH_MAX);
    }
    free(files);
    return st;
}

/* Check the header of one of the four files (images: 3 dimensions, labels: 1) and
   report its problem at line:col of source_file, naming the folder's dataset. */
static dlx_status check_one_header(const char *path, int ndim, idx_array *header,
                                   const char *name, int line, int col, const char *source_file,
                                   dlx_diags *d)
{
    dlx_diags quiet = {0};
    dlx_status st = idx_read_header(path, ndim, header, &quiet);
    for (int i = 0; i < quiet.count; i++)
        diags_add(d, source_file, line, col, "%s data: %s: %s", name, quiet.items[i].file,
                  quiet.items[i].message);
    diags_free(&quiet);
    return st;
}

dlx_status mnist_folder_check(const char *name, const char *dir, int line, int col,
                              const char *source_file, dlx_diags *d)
{
    mnist_files *files = malloc(sizeof *files);
    if (!files) {
        diags_add(d, source_file, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = find_at(files, name, dir, line, col, source_file, d);
    idx_array h[4];
    for (int k = 0; k < 4 && st == DLX_OK; k++)
        st = check_one_header(files->path[k], k % 2 == 0 ? 3 : 1, &h[k], name, line, col,
                              source_file, d);
    /* What idx_load_split and idx_load_dataset check of the sizes. */
    for (int k = 0; k < 4 && st == DLX_OK; k += 2) {
        const char *images = files->path[k], *labels = files->path[k + 1];
        if (h[k].dims[0] == 0 || h[k].dims[1] == 0 || h[k].dims[2] == 0) {
            diags_add(d, source_file, line, col, "%s data: %s: the IDX header announces %zu "
                      "images of %zu x %zu pixels", name, images, h[k].dims[0], h[k].dims[1],
                      h[k].dims[2]);
            st = DLX_ERR_INPUT;
        } else if (h[k + 1].dims[0] != h[k].dims[0]) {
            diags_add(d, source_file, line, col, "%s data: %s: %zu labels, but %s has %zu images",
                      name, labels, h[k + 1].dims[0], images, h[k].dims[0]);
            st = DLX_ERR_INPUT;
        }
    }
    if (st == DLX_OK && h[0].dims[1] * h[0].dims[2] != h[2].dims[1] * h[2].dims[2]) {
        diags_add(d, source_file, line, col, "%s data: %s: images have %zu pixels, but those of "
                  "%s have %zu", name, files->path[2], h[2].dims[1] * h[2].dims[2], files->path[0],
                  h[0].dims[1] * h[0].dims[2]);
        st = DLX_ERR_INPUT;
    }
    free(files);
    return st;
}
