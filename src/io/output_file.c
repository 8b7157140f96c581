/*
 * output_file.c — opening output files without following links (see
 * output_file.h).
 *
 * O_NOFOLLOW makes open(2) fail with ELOOP when the last component of the
 * name is a symbolic link, dangling or not, so that the check and the open
 * are one system call (no window between an lstat and the open). Folders
 * are checked with lstat, which is enough there: dlx only reads what it
 * finds and each write goes through io_open_output again.
 */
#define _POSIX_C_SOURCE 200809L
#include "io/output_file.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const DLX_OUTPUT_NAMES[] = {"metrics.csv", "summary.csv", "resolved.yaml",
                                        "meta.yaml", "uncertainty.csv",
                                        "checkpoint.safetensors", NULL};

/* The message for a link at path. */
static void report_link(const char *path, dlx_diags *diags)
{
    diags_add(diags, path, 0, 0,
              "is a symbolic link; dlx does not write through links in its output folder "
              "(remove it, or use another --out)");
}

int io_open_output(int dirfd, const char *name, int flags, const char *path,
                   dlx_status *status, dlx_diags *diags)
{
    int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) {
        *status = DLX_OK;
        return fd;
    }
    int err = errno;
    struct stat sb;
    if (err == ELOOP || (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
                         S_ISLNK(sb.st_mode))) {
        report_link(path, diags);
        *status = DLX_ERR_INPUT;
    } else {
        diags_add(diags, path, 0, 0, "cannot write: %s", strerror(err));
        *status = DLX_ERR_RUNTIME;
    }
    return -1;
}

FILE *io_fopen_output(const char *path, const char *mode, dlx_status *status,
                      dlx_diags *diags)
{
    bool append = mode[0] == 'a';
    int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
    int fd = io_open_output(AT_FDCWD, path, flags, path, status, diags);
    if (fd < 0)
        return NULL;
    FILE *fp = fdopen(fd, append ? "a" : "w");
    if (!fp) {
        diags_add(diags, path, 0, 0, "cannot write: %s", strerror(errno));
        close(fd);
        *status = DLX_ERR_RUNTIME;
    }
    return fp;
}

dlx_status io_refuse_link(int dirfd, const char *name, const char *path, dlx_diags *diags)
{
    struct stat sb;
    if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode)) {
        report_link(path, diags);
        return DLX_ERR_INPUT;
    }
    return DLX_OK;
}

dlx_status io_refuse_links_below(const char *root, const char *path, dlx_diags *diags)
{
    size_t start = strlen(root), len = strlen(path);
    char prefix[4096];
    if (strncmp(path, root, start) != 0 || len >= sizeof prefix)
        return DLX_OK;
    memcpy(prefix, path, len + 1);
    for (size_t i = start + 1; i <= len; i++) {
        if (i < len && prefix[i] != '/')
            continue;
        char saved = prefix[i];
        prefix[i] = '\0';
        dlx_status st = io_refuse_link(AT_FDCWD, prefix, prefix, diags);
        prefix[i] = saved;
        if (st != DLX_OK)
            return st;
    }
    return DLX_OK;
}

dlx_status io_refuse_output_links(const char *dir, dlx_diags *diags)
{
    dlx_status st = DLX_OK;
    char path[4096];
    for (int i = 0; DLX_OUTPUT_NAMES[i]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, DLX_OUTPUT_NAMES[i]);
        if (io_refuse_link(AT_FDCWD, path, path, diags) != DLX_OK)
            st = DLX_ERR_INPUT;
    }
    return st;
}
