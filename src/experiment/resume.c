/*
 * resume.c — checking and preparing an output folder for --resume (see
 * resume.h).
 */
#define _XOPEN_SOURCE 700 /* getline, nftw */
#include "experiment/resume.h"
#include "experiment/solution_record.h"
#include "io/output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Start of the line after the one starting at p (or end). */
static size_t next_line(const char *text, size_t len, size_t p)
{
    while (p < len && text[p] != '\n')
        p++;
    return p < len ? p + 1 : len;
}

/* Indentation of the content of the line at p: spaces, plus 2 for a
   "- " list marker (the item's keys are indented that far). */
static int content_indent(const char *text, size_t len, size_t p, bool *item)
{
    int n = 0;
    while (p + (size_t)n < len && text[p + n] == ' ')
        n++;
    *item = p + (size_t)n + 1 < len && text[p + n] == '-' && text[p + n + 1] == ' ';
    return *item ? n + 2 : n;
}

/* The key of the line at p ("lr" of "  lr: 0.5"; the name of "- name: x"). */
static void line_key(const char *text, size_t len, size_t p, char *buf, size_t n)
{
    bool item;
    size_t s = p + (size_t)content_indent(text, len, p, &item);
    size_t e = s;
    while (e < len && text[e] != ':' && text[e] != '\n')
        e++;
    if (item && e - s == 4 && strncmp(text + s, "name", 4) == 0 && e < len && text[e] == ':') {
        s = e + 1;
        while (s < len && text[s] == ' ')
            s++;
        e = s;
        while (e < len && text[e] != '\n')
            e++;
    }
    snprintf(buf, n, "%.*s", (int)(e - s), text + s);
}

void resume_key_path(const char *text, size_t len, size_t line_start, char *buf, size_t n)
{
    bool item;
    int indent = content_indent(text, len, line_start, &item);
    char segments[16][128];
    int depth = 0;
    line_key(text, len, line_start, segments[depth++], sizeof segments[0]);
    /* Walk back: an earlier key indented less encloses the line; so does an
       earlier list item whose marker is indented less (named by its name). */
    int want = item ? indent - 2 : indent;
    size_t starts[4096];
    int n_starts = 0;
    for (size_t p = 0; p < line_start && n_starts < 4096; p = next_line(text, len, p))
        starts[n_starts++] = p;
    for (int i = n_starts - 1; i >= 0 && want > 0 && depth < 16; i--) {
        int ind = content_indent(text, len, starts[i], &item);
        int marker = item ? ind - 2 : ind;
        if ((item && ind <= want && marker < want) || (!item && ind < want)) {
            line_key(text, len, starts[i], segments[depth++], sizeof segments[0]);
            want = marker;
        }
    }
    buf[0] = '\0';
    for (int i = depth - 1; i >= 0; i--) {
        strncat(buf, segments[i], n - strlen(buf) - 1);
        if (i > 0)
            strncat(buf, ".", n - strlen(buf) - 1);
    }
}

/* The line at p without its newline, trimmed, into buf. */
static void line_text(const char *text, size_t len, size_t p, char *buf, size_t n)
{
    while (p < len && text[p] == ' ')
        p++;
    size_t e = p;
    while (e < len && text[e] != '\n')
        e++;
    snprintf(buf, n, "%.*s", (int)(e - p), text + p);
}

/* Cut the value off the first line of text (*len bytes) that starts with
   `prefix` at column 0, if any (the line stays, so line numbers do not move). */
static void drop_top_level_value(char *text, size_t *len, const char *prefix)
{
    if (!text)
        return;
    size_t plen = strlen(prefix);
    for (size_t p = 0; p < *len; p = next_line(text, *len, p)) {
        if (*len - p >= plen && !memcmp(text + p, prefix, plen)) {
            size_t end = next_line(text, *len, p);
            if (end > p && text[end - 1] == '\n')
                end--; /* keep the newline */
            memmove(text + p + plen, text + end, *len - end);
            *len -= end - (p + plen);
            return;
        }
    }
}

dlx_status resume_check_resolved(const char *resolved_path, const char *expected, size_t len,
                                 dlx_diags *diags)
{
    FILE *fp = fopen(resolved_path, "rb");
    if (!fp) {
        diags_add(diags, resolved_path, 0, 0, "cannot resume: cannot read: %s", strerror(errno));
        return DLX_ERR_INPUT;
    }
    char *old = NULL;
    size_t old_len = 0, cap = 0;
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (old_len + got + 1 > cap) {
            cap = 2 * (old_len + got + 1);
            char *bigger = realloc(old, cap);
            if (!bigger) {
                free(old);
                fclose(fp);
                diags_add(diags, resolved_path, 0, 0, "out of memory");
                return DLX_ERR_RUNTIME;
            }
            old = bigger;
        }
        memcpy(old + old_len, chunk, got);
        old_len += got;
    }
    fclose(fp);
    /* The solutions section after the marker holds computed numbers, not
       the experiment: it is rewritten, not compared (solution_record.h). */
    if (old)
        old[old_len] = '\0';
    const char *marker = old ? strstr(old, "\n" SOLUTION_RECORD_MARKER "\n") : NULL;
    if (marker)
        old_len = (size_t)(marker - old) + 1;
    /* Where the folder is is not what was run: a folder copied or moved
       elsewhere resumes there (the value of `output:` is left out on both sides). */
    char *copy = malloc(len + 1);
    if (!copy) {
        free(old);
        diags_add(diags, resolved_path, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    memcpy(copy, expected, len);
    copy[len] = '\0';
    expected = copy;
    drop_top_level_value(old, &old_len, "output:");
    drop_top_level_value(copy, &len, "output:");
    if (old_len == len && (len == 0 || memcmp(old, expected, len) == 0)) {
        free(old);
        free(copy);
        return DLX_OK;
    }
    /* The first line that differs. */
    size_t a = 0, b = 0;
    int line = 1;
    while (a < old_len && b < len) {
        size_t na = next_line(old, old_len, a), nb = next_line(expected, len, b);
        if (na - a != nb - b || memcmp(old + a, expected + b, na - a) != 0)
            break;
        a = na, b = nb, line++;
    }
    char key[512], was[256], now[256];
    const char *text = b < len ? expected : old;
    size_t at = b < len ? b : a;
    resume_key_path(text, b < len ? len : old_len, at, key, sizeof key);
    if (a < old_len)
        line_text(old, old_len, a, was, sizeof was);
    else
        snprintf(was, sizeof was, "(absent)");
    if (b < len)
        line_text(expected, len, b, now, sizeof now);
    else
        snprintf(now, sizeof now, "(absent)");
    diags_add(diags, resolved_path, line, 1,
              "cannot resume: the experiment changed since this folder was started: '%s' was "
              "'%s', now '%s' (rerun with the same file and --set, or use --force or another "
              "--out to start over)",
              key, was, now);
    free(old);
    free(copy);
    return DLX_ERR_INPUT;
}

/* True when the file at path is exactly `size` bytes long. */
static bool fgetc_at_end(const char *path, off_t size)
{
    struct stat sb;
    return stat(path, &sb) == 0 && sb.st_size == size;
}

/* The value of top-level key `key` in a meta.yaml text (block style, one
   `key: value` per line, quotes removed), into buf; false when absent. */
static bool meta_value(const char *text, const char *key, char *buf, size_t n)
{
    size_t klen = strlen(key);
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, klen) || line[klen] != ':')
            continue;
        const char *v = line + klen + 1;
        while (*v == ' ')
            v++;
        size_t len = strcspn(v, "\n");
        if (len >= 2 && v[0] == '"' && v[len - 1] == '"')
            v++, len -= 2;
        snprintf(buf, n, "%.*s", (int)len, v);
        return true;
    }
    return false;
}

bool resume_meta_finished(const char *meta_path)
{
    FILE *fp = fopen(meta_path, "rb");
    if (!fp)
        return false;
    char text[16384];
    size_t got = fread(text, 1, sizeof text - 1, fp);
    text[got] = '\0';
    fclose(fp);
    char end[64];
    return meta_value(text, "end", end, sizeof end) && end[0] && strcmp(end, "null") != 0;
}

dlx_status resume_check_meta(const char *meta_path, int threads, const char *gemm,
                             const char *precision, dlx_diags *diags)
{
    FILE *fp = fopen(meta_path, "rb");
    if (!fp)
        return DLX_OK; /* no record of the settings: nothing to compare */
    char text[16384];
    size_t got = fread(text, 1, sizeof text - 1, fp);
    text[got] = '\0';
    fclose(fp);
    char now_threads[32];
    snprintf(now_threads, sizeof now_threads, "%d", threads);
    const struct { const char *key, *now, *how; } settings[] = {
        {"threads", now_threads, "--threads"},
        {"gemm", gemm, "--gemm"},
        {"precision", precision, "the precision"},
    };
    dlx_status st = DLX_OK;
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
        char was[256];
        if (!meta_value(text, settings[i].key, was, sizeof was) || !strcmp(was, settings[i].now))
            continue;
        /* the option's value: a GEMM backend is recorded as "auto/onednn>=N" */
        int option_len = (int)strcspn(was, "/");
        diags_add(diags, meta_path, 0, 0,
                  "cannot resume: this folder was started with %s %s, this run would use %s %s, "
                  "and its numbers would differ (resume with %s %.*s, or use --force or another "
                  "--out to start over)",
                  settings[i].key, was, settings[i].key, settings[i].now, settings[i].how,
                  option_len, was);
        st = DLX_ERR_INPUT;
    }
    return st;
}

dlx_status resume_truncate_metrics(const char *path, long rows, dlx_diags *diags)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        diags_add(diags, path, 0, 0, "cannot resume: cannot read: %s", strerror(errno));
        return DLX_ERR_INPUT;
    }
    long lines = 0, want = rows + 1; /* the header */
    off_t keep = 0;
    int c;
    while (lines < want && (c = fgetc(fp)) != EOF) {
        keep++;
        if (c == '\n')
            lines++;
    }
    fclose(fp);
    if (lines < want) {
        diags_add(diags, path, 0, 0,
                  "cannot resume: the file holds %ld whole rows but the checkpoint needs %ld", 
                  lines > 0 ? lines - 1 : 0, rows);
        return DLX_ERR_INPUT;
    }
    dlx_status st = DLX_OK;
    if (fgetc_at_end(path, keep))
        return DLX_OK; /* nothing after the rows: the file is left untouched */
    int fd = io_open_output(AT_FDCWD, path, O_WRONLY, path, &st, diags);
    if (fd < 0)
        return st;
    if (ftruncate(fd, keep) != 0) {
        diags_add(diags, path, 0, 0, "cannot truncate: %s", strerror(errno));
        st = DLX_ERR_RUNTIME;
    }
    close(fd);
    return st;
}

/* The next CSV field of line from *pos (quotes as csv_row_str writes them),
   unquoted into buf; *pos moves past its comma. False at the end of the line. */
static bool next_field(const char *line, size_t *pos, char *buf, size_t n)
{
    size_t p = *pos, k = 0;
    if (line[p] == '\0' || line[p] == '\n')
        return false;
    bool quoted = line[p] == '"';
    if (quoted)
        p++;
    while (line[p] && line[p] != '\n') {
        if (quoted && line[p] == '"') {
            if (line[p + 1] != '"') {
                quoted = false;
                p++;
                continue;
            }
            p++;
        } else if (!quoted && line[p] == ',') {
            break;
        }
        if (k + 1 < n)
            buf[k++] = line[p];
        p++;
    }
    buf[k] = '\0';
    *pos = line[p] == ',' ? p + 1 : p;
    return true;
}

/* The number of fields of a CSV line. */
static int field_count(const char *line)
{
    int count = 1;
    bool quoted = false;
    for (const char *p = line; *p && *p != '\n'; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted)
            count++;
    }
    return count;
}

dlx_status resume_check_metrics(const char *path, const char *header, const char *arm,
                                uint64_t seed, long rows, bool diverged, dlx_diags *diags)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        diags_add(diags, path, 0, 0, "cannot resume: cannot read: %s", strerror(errno));
        return DLX_ERR_INPUT;
    }
    const int width = field_count(header);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long line_no = 0, whole = 0;
    double last_epoch = -INFINITY;
    dlx_status st = DLX_OK;
    char seed_text[32];
    snprintf(seed_text, sizeof seed_text, "%llu", (unsigned long long)seed);
    while (st == DLX_OK && (n = getline(&line, &cap, fp)) > 0) {
        line_no++;
        if (line[n - 1] != '\n')
            break; /* a partial last line, cut off by resume_truncate_metrics */
        if (line_no == 1) {
            if (strcmp(line, header) != 0) {
                diags_add(diags, path, 1, 1,
                          "cannot resume: line 1 is not the header this experiment writes; "
                          "use --force to start over");
                st = DLX_ERR_INPUT;
            }
            continue;
        }
        char field[256], epoch_text[64] = "";
        size_t pos = 0;
        bool ours = next_field(line, &pos, field, sizeof field) && strcmp(field, arm) == 0 &&
                    next_field(line, &pos, field, sizeof field) &&
                    strcmp(field, seed_text) == 0 &&
                    next_field(line, &pos, epoch_text, sizeof epoch_text);
        char *end = NULL;
        double epoch = ours ? strtod(epoch_text, &end) : NAN;
        int fields = field_count(line);
        if (!ours || !end || *end != '\0' || !isfinite(epoch)) {
            diags_add(diags, path, (int)line_no, 1,
                      "cannot resume: line %ld is not a row of run %s seed %s; the file was "
                      "changed, or written by two processes at once; use --force to start over",
                      line_no, arm, seed_text);
            st = DLX_ERR_INPUT;
        } else if (fields != width) {
            diags_add(diags, path, (int)line_no, 1,
                      "cannot resume: line %ld has %d fields, the header %d; use --force to "
                      "start over", line_no, fields, width);
            st = DLX_ERR_INPUT;
        } else if (epoch < last_epoch || (epoch == last_epoch && !diverged)) {
            diags_add(diags, path, (int)line_no, 1,
                      "cannot resume: the epoch on line %ld (%s) does not follow the one on "
                      "line %ld (%.9g): the rows of a run go forward; the file was changed, or "
                      "written twice or by two processes at once; use --force to start over",
                      line_no, epoch_text, line_no - 1, last_epoch);
            st = DLX_ERR_INPUT;
        }
        last_epoch = epoch;
        whole++;
    }
    free(line);
    fclose(fp);
    if (st == DLX_OK && line_no == 0) {
        diags_add(diags, path, 0, 0, "cannot resume: the file is empty but the checkpoint "
                  "counts %ld rows; use --force to start over", rows);
        st = DLX_ERR_INPUT;
    } else if (st == DLX_OK && whole < rows) {
        diags_add(diags, path, (int)whole + 2, 1, /* where the next row should be */
                  "cannot resume: the file holds %ld whole rows but the checkpoint needs %ld; "
                  "use --force to start over", whole, rows);
        st = DLX_ERR_INPUT;
    }
    return st;
}

/* Counts deletions for nftw's callback, which has no user pointer. */
static int stale_removed;

/* The PID of a NAME.tmp.PID file name, or -1 when the name is not one. */
static long temporary_pid(const char *name)
{
    const char *dot = strstr(name, ".tmp.");
    while (dot) {
        const char *digits = dot + 5;
        char *end = NULL;
        errno = 0;
        long pid = strtol(digits, &end, 10);
        if (end != digits && *end == '\0' && errno == 0 && pid > 0)
            return pid;
        dot = strstr(dot + 1, ".tmp.");
    }
    return -1;
}

/* True while process pid exists and has not exited: a zombie (state Z in
   Linux's /proc/PID/stat, e.g. a killed worker that its new parent has not
   reaped yet) writes nothing any more. */
bool resume_process_running(long pid)
{
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return false;
    char path[64], stat_line[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return true; /* no /proc: trust kill() */
    size_t n = fread(stat_line, 1, sizeof stat_line - 1, fp);
    fclose(fp);
    stat_line[n] = '\0';
    const char *paren = strrchr(stat_line, ')'); /* "PID (COMM) STATE ..." */
    return !(paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'));
}

static int remove_if_stale(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    long pid = flag == FTW_F ? temporary_pid(path + ftw->base) : -1;
    if (pid > 0 && !resume_process_running(pid) && unlink(path) == 0)
        stale_removed++;
    return 0;
}

int resume_remove_stale_temporaries(const char *out)
{
    stale_removed = 0;
    nftw(out, remove_if_stale, 16, FTW_PHYS);
    return stale_removed;
}
