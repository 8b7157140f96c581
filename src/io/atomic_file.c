/*
 * atomic_file.c — replace a file whole or not at all (see atomic_file.h).
 *
 * The content goes to PATH.tmp.<pid> in the target's own folder (rename is
 * atomic only within one file system), is flushed and fsync'ed, renamed over
 * PATH, and the folder is fsync'ed so that the rename itself survives a
 * crash. A reader or a crash therefore sees the old file or the new one. Any
 * failure removes the temporary file and reports
 *     PATH: error: cannot write: <strerror>
 * as DLX_ERR_RUNTIME.
 */
#define _POSIX_C_SOURCE 200809L /* openat, renameat, unlinkat */
#include "io/atomic_file.h"
#include "io/output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Close the folder, free the names and forget the stream (already closed by
   the caller). */
static void release(dlx_atomic_file *af)
{
    if (af->dir_fd >= 0)
        close(af->dir_fd);
    af->dir_fd = -1;
    free(af->path);
    free(af->tmp_path);
    af->fp = NULL;
    af->path = af->tmp_path = NULL;
}

/* The last component of path (the name inside its folder). */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The folder that holds path ("." when path has no '/'), in a new string. */
static char *parent_folder(const char *path);

dlx_status atomic_open(dlx_atomic_file *af, const char *path, dlx_diags *diags)
{
    *af = (dlx_atomic_file){.dir_fd = -1};
    af->path = strdup(path);
    size_t cap = strlen(path) + 32;
    af->tmp_path = malloc(cap);
    char *dir = parent_folder(path);
    if (!af->path || !af->tmp_path || !dir) {
        free(dir);
        release(af);
        diags_add(diags, path, 0, 0, "cannot write: out of memory");
        return DLX_ERR_RUNTIME;
    }
    snprintf(af->tmp_path, cap, "%s.tmp.%ld", path, (long)getpid());
    af->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (af->dir_fd < 0) {
        diags_add(diags, path, 0, 0, "cannot write: %s", strerror(errno));
        release(af);
        return DLX_ERR_RUNTIME;
    }
    dlx_status st = io_refuse_link(af->dir_fd, base_name(path), path, diags);
    if (st != DLX_OK) {
        release(af);
        return st;
    }
    /* A file of this name can only be left by a killed process whose PID
       was ours: remove it (a link is removed, not followed) and try again. */
    const char *tmp = base_name(af->tmp_path);
    int flags = O_WRONLY | O_CREAT | O_EXCL;
    dlx_diags first = {0};
    int fd = io_open_output(af->dir_fd, tmp, flags, path, &st, &first);
    if (fd < 0 && unlinkat(af->dir_fd, tmp, 0) == 0)
        fd = io_open_output(af->dir_fd, tmp, flags, path, &st, diags);
    else if (fd < 0)
        for (int i = 0; i < first.count; i++)
            diags_add(diags, first.items[i].file, 0, 0, "%s", first.items[i].message);
    diags_free(&first);
    if (fd < 0) {
        release(af);
        return st;
    }
    af->fp = fdopen(fd, "wb");
    if (!af->fp) {
        int err = errno;
        close(fd);
        unlinkat(af->dir_fd, tmp, 0);
        diags_add(diags, path, 0, 0, "cannot write: %s", strerror(err));
        release(af);
        return DLX_ERR_RUNTIME;
    }
    return DLX_OK;
}

static char *parent_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir) {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    return dir;
}

/* fsync the folder so that a rename in it is durable. File systems that
   cannot sync a folder (EINVAL) are accepted: the rename was still atomic. */
static int sync_folder(int dir_fd)
{
    return fsync(dir_fd) != 0 && errno != EINVAL ? errno : 0;
}

dlx_status atomic_commit(dlx_atomic_file *af, dlx_diags *diags)
{
    int err = 0;
    if (fflush(af->fp) != 0 || ferror(af->fp))
        err = errno ? errno : EIO;
    else if (fsync(fileno(af->fp)) != 0)
        err = errno;
    if (fclose(af->fp) != 0 && !err)
        err = errno;
    af->fp = NULL;
    if (!err &&
        renameat(af->dir_fd, base_name(af->tmp_path), af->dir_fd, base_name(af->path)) != 0)
        err = errno;
    if (err) {
        unlinkat(af->dir_fd, base_name(af->tmp_path), 0);
        diags_add(diags, af->path, 0, 0, "cannot write: %s", strerror(err));
        release(af);
        return DLX_ERR_RUNTIME;
    }
    err = sync_folder(af->dir_fd);
    if (err) {
        diags_add(diags, af->path, 0, 0, "cannot write: %s (syncing its folder)", strerror(err));
        release(af);
        return DLX_ERR_RUNTIME;
    }
    release(af);
    return DLX_OK;
}

void atomic_abort(dlx_atomic_file *af)
{
    if (af->fp)
        fclose(af->fp);
    if (af->tmp_path && af->dir_fd >= 0)
        unlinkat(af->dir_fd, base_name(af->tmp_path), 0);
    release(af);
}

/* Create the folder prefix unless it exists as a folder; 0 or an errno. */
static int make_one_dir(char *prefix)
{
    if (mkdir(prefix, 0777) == 0)
        return 0;
    int err = errno;
    struct stat sb;
    if (stat(prefix, &sb) == 0)
        return S_ISDIR(sb.st_mode) ? 0 : (err == EEXIST ? ENOTDIR : err);
    return err;
}

/* mkdir -p: create every missing folder of path, parents first. */
dlx_status make_dirs(const char *path, dlx_diags *diags)
{
    if (!path[0]) {
        diags_add(diags, NULL, 0, 0, "cannot create a folder with an empty name");
        return DLX_ERR_INPUT;
    }
    char *prefix = strdup(path);
    if (!prefix) {
        diags_add(diags, path, 0, 0, "cannot create folder: out of memory");
        return DLX_ERR_RUNTIME;
    }
    size_t len = strlen(prefix);
    while (len > 1 && prefix[len - 1] == '/')
        prefix[--len] = '\0';
    /* Walk the components: cut the path after each one and create it. */
    for (size_t i = 1; i <= len; i++) {
        if (i < len && prefix[i] != '/')
            continue;
        if (i < len && prefix[i - 1] == '/')
            continue; /* repeated slash */
        char saved = prefix[i];
        prefix[i] = '\0';
        int err = make_one_dir(prefix);
        if (err) {
            if (i < len)
                diags_add(diags, path, 0, 0, "cannot create folder '%s': %s", prefix, strerror(err));
            else
                diags_add(diags, path, 0, 0, "cannot create folder: %s", strerror(err));
            free(prefix);
            return DLX_ERR_RUNTIME;
        }
        prefix[i] = saved;
    }
    free(prefix);
    return io_refuse_output_links(path, diags);
}
