/*
 * folder_lock.c — the exclusive lock of an output folder (see folder_lock.h).
 *
 * flock, not fcntl locks: an fcntl lock belongs to a process and is not
 * inherited by fork, while the workers of --jobs N must hold the lock too
 * (a killed parent's workers die with it, PR_SET_PDEATHSIG, and only then is
 * the folder free). The holder's record is written after the lock is taken;
 * a process refused in the short moment before that finds the file empty
 * and waits a little for the record before naming "another dlx process".
 * A lock still held when the holder named in the record has exited is held
 * by its workers, which die with it: it is waited for (up to 5 s), so that
 * a --resume right after a SIGKILL of dlx does not find the folder in use.
 * A file system that has no locks (flock fails with ENOLCK or EOPNOTSUPP)
 * does not stop a run: the guard is then off, as it was before it existed.
 */
#include "experiment/folder_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "experiment/resume.h"
#include "spec/config.h"

/* The holder's record: "pid N\ncommand ...\n", read into buf (empty when the
   holder has not written it yet, after waiting up to half a second). */
static void read_holder(int fd, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int tries = 0; tries < 50; tries++) {
        ssize_t got = pread(fd, buf, n - 1, 0);
        buf[got > 0 ? got : 0] = '\0';
        if (got > 0 && buf[got - 1] == '\n')
            return;
        struct timespec ten_ms = {0, 10 * 1000 * 1000};
        nanosleep(&ten_ms, NULL);
    }
}

/* The pid and command of the holder's record (pid 0 when there is none). */
static long holder_of(int fd, char *command, size_t n)
{
    char record[4096];
    read_holder(fd, record, sizeof record);
    long pid = 0;
    command[0] = '\0';
    const char *line = strstr(record, "\ncommand ");
    if (sscanf(record, "pid %ld", &pid) != 1 || !line)
        return 0;
    snprintf(command, n, "%s", line + 9);
    command[strcspn(command, "\n")] = '\0';
    return pid;
}

/* The lock is held, but the holder named in the record has exited: its
   workers are dying with it (PR_SET_PDEATHSIG) and release the lock in a
   moment. Wait for that, up to 5 s; true once the lock is taken. */
static bool wait_for_dying_holder(int fd, long pid)
{
    if (pid <= 0 || resume_process_running(pid))
        return false;
    for (int tries = 0; tries < 500; tries++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return true;
        struct timespec ten_ms = {0, 10 * 1000 * 1000};
        nanosleep(&ten_ms, NULL);
    }
    return false;
}

/* The refusal: which process holds the lock, from its record. */
static void refuse(const char *path, long pid, const char *command, dlx_diags *diags)
{
    if (pid > 0)
        diags_add(diags, path, 0, 0,
                  "the output folder is in use by dlx process %ld (%s); wait for it to "
                  "finish or stop it, or use another --out",
                  pid, command);
    else
        diags_add(diags, path, 0, 0,
                  "the output folder is in use by another dlx process; wait for it to "
                  "finish or stop it, or use another --out");
}

dlx_status folder_lock_take(const char *out, const char *command_line, int *fd,
                            dlx_diags *diags)
{
    char path[DLX_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", out, FOLDER_LOCK_NAME);
    *fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (*fd < 0) {
        diags_add(diags, path, 0, 0, "cannot open the lock file: %s", strerror(errno));
        return errno == ELOOP ? DLX_ERR_INPUT : DLX_ERR_RUNTIME;
    }
    while (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK)
            return DLX_OK; /* a file system without locks (ENOLCK): run unguarded */
        char command[4096];
        long pid = holder_of(*fd, command, sizeof command);
        if (wait_for_dying_holder(*fd, pid))
            break;
        refuse(path, pid, command, diags);
        close(*fd);
        *fd = -1;
        return DLX_ERR_INPUT;
    }
    /* The record is for messages only: failing to write it (a full disk)
       does not stop the run, which holds the lock either way. */
    char record[4096];
    int n = snprintf(record, sizeof record, "pid %ld\ncommand %s\n", (long)getpid(),
                     command_line ? command_line : "dlx run");
    if (n >= (int)sizeof record) {
        n = (int)sizeof record - 1;
        record[n - 1] = '\n';
    }
    if (ftruncate(*fd, 0) == 0 && pwrite(*fd, record, (size_t)n, 0) != (ssize_t)n) {
        /* nothing more to do: see above */
    }
    return DLX_OK;
}

void folder_lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
