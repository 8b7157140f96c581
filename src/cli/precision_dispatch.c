/*
 * precision_dispatch.c — hand `dlx run` to the build of the experiment's
 * precision (SPEC §10; util/real.h).
 *
 * dlx and dlx-float64 are the same program compiled with real = float and
 * real = double. Whichever the user starts reads the experiment; when its
 * `precision` is the other one, the process execs the sibling executable
 * (the directory of /proc/self/exe, so an installed pair and a build
 * directory both work) with the same arguments. The sibling reads the file
 * again and runs it; meta.yaml names the precision that ran. Nothing is
 * written before the hand-off, so an error in it leaves no trace.
 */
#include "cli/precision_dispatch.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/real.h"

bool precision_this_build_is_float64(void)
{
#ifdef DLX_FLOAT64
    return true;
#else
    return false;
#endif
}

/* dir(this executable)/name into out; false when it does not fit or
   /proc/self/exe cannot be read. */
static bool sibling_path(const char *name, char *out, size_t size)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return false;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash)
        return false;
    slash[1] = '\0';
    return (size_t)snprintf(out, size, "%s%s", self, name) < size;
}

dlx_status precision_hand_off(bool float64, int argc, char **argv, const char *file, int line,
                              int col, dlx_diags *diags)
{
    const char *name = float64 ? "dlx-float64" : "dlx";
    char path[PATH_MAX];
    if (!sibling_path(name, path, sizeof path)) {
        diags_add(diags, file, line, col, "precision: %s: cannot find %s beside this program",
                  float64 ? "float64" : "float32", name);
        return DLX_ERR_INPUT;
    }
    char **args = calloc((size_t)argc + 3, sizeof *args);
    if (!args) {
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    args[0] = path;
    args[1] = "run";
    for (int i = 0; i < argc; i++)
        args[i + 2] = argv[i];
    fflush(NULL);
    execv(path, args);
    int err = errno;
    free(args);
    diags_add(diags, file, line, col,
              "precision: %s: cannot start %s (%s); it is built beside dlx by meson",
              float64 ? "float64" : "float32", path, strerror(err));
    return DLX_ERR_INPUT;
}
