/*
 * progress.c — the live progress display (see progress.h).
 *
 * Work is counted in epochs: a finished run counts all the epochs of its
 * arm, a running one the epoch of its latest evaluation. The ETA assumes the
 * rate of this invocation so far holds:
 *     ETA = elapsed · (total − done) / (done − done_at_start).
 * Lines are cut to the terminal's width so that none wraps, which keeps
 * "cursor up by the lines drawn" exact.
 */
#include "experiment/progress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + 1e-9 * (double)(now.tv_nsec - t->tv_nsec);
}

/* The epochs a run trains (its arm's training.epochs). */
static double run_epochs(const runner *r, const run_slot *s)
{
    const point_state *ps = &r->points[s->point < 0 ? 0 : s->point];
    return ps->exp->arms[s->arm].config.training.epochs;
}

static const char *run_arm(const runner *r, const run_slot *s)
{
    const point_state *ps = &r->points[s->point < 0 ? 0 : s->point];
    return ps->exp->arms[s->arm].name;
}

/* Epochs done so far over all runs. */
static double work_done(const progress_display *p)
{
    const runner *r = p->r;
    double done = 0;
    for (int i = 0; i < r->n_runs; i++)
        if (r->runs[i].done)
            done += run_epochs(r, &r->runs[i]);
    for (int k = 0; k < p->n_workers; k++) {
        const progress_worker *w = &p->workers[k];
        if (w->run >= 0 && !r->runs[w->run].done && isfinite(w->epoch))
            done += w->epoch;
    }
    return done;
}

bool progress_begin(progress_display *p, const runner *r, int n_workers, FILE *fp)
{
    *p = (progress_display){.fp = fp, .r = r, .n_workers = n_workers};
    p->workers = calloc((size_t)n_workers, sizeof *p->workers);
    if (!p->workers)
        return false;
    for (int k = 0; k < n_workers; k++)
        p->workers[k] = (progress_worker){.run = -1, .epoch = NAN};
    for (int i = 0; i < r->n_runs; i++)
        p->work_total += run_epochs(r, &r->runs[i]);
    p->work_at_start = work_done(p);
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    return true;
}

void progress_assign(progress_display *p, int k, int run)
{
    if (k >= 0 && k < p->n_workers)
        p->workers[k] = (progress_worker){.run = run, .epoch = NAN, .test_loss = NAN,
                                          .test_acc = NAN};
}

void progress_on_eval(void *ctx, double epoch, double test_loss, double test_acc)
{
    progress_display *p = ctx;
    bool first = !isfinite(p->workers[0].epoch); /* the run's epoch 0: shown at once */
    p->workers[0].epoch = epoch;
    p->workers[0].test_loss = test_loss;
    p->workers[0].test_acc = test_acc;
    progress_draw(p, first);
}

/* Split the first n fields of a CSV line (quotes allowed) into f[]. */
static int split_fields(char *line, char **f, int n)
{
    int k = 0;
    char *s = line;
    while (k < n && *s && *s != '\n') {
        if (*s == '"') {
            char *w = ++s, *out = s;
            while (*s && !(*s == '"' && s[1] != '"')) {
                if (*s == '"')
                    s++;
                *out++ = *s++;
            }
            if (*s == '"')
                s++;
            *out = '\0';
            f[k++] = w;
        } else {
            f[k++] = s;
            while (*s && *s != ',' && *s != '\n')
                s++;
        }
        if (*s == ',' || *s == '\n')
            *s++ = '\0';
        else
            break;
    }
    return k;
}

/* The latest row of path into w: epoch (column 3), test_loss and test_acc
   (columns 8 and 9; SPEC §3). Leaves w as it is when there is none yet. */
static void read_latest_row(const char *path, progress_worker *w)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return;
    char buf[8192];
    long size = fseek(fp, 0, SEEK_END) == 0 ? ftell(fp) : -1;
    long from = size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0;
    size_t n = size > 0 && fseek(fp, from, SEEK_SET) == 0 ? fread(buf, 1, sizeof buf - 1, fp) : 0;
    fclose(fp);
    buf[n] = '\0';
    /* the last whole line: the text between the last two newlines */
    char *end = n > 0 && buf[n - 1] == '\n' ? &buf[n - 1] : strrchr(buf, '\n');
    if (!end)
        return;
    *end = '\0';
    char *line = strrchr(buf, '\n');
    line = line ? line + 1 : (from == 0 ? buf : NULL);
    if (!line || !strncmp(line, "arm,", 4))
        return;
    char *f[9];
    if (split_fields(line, f, 9) < 9)
        return;
    char *e;
    double epoch = strtod(f[2], &e);
    if (e == f[2])
        return;
    w->epoch = epoch;
    w->test_loss = *f[7] ? strtod(f[7], NULL) : NAN;
    w->test_acc = *f[8] ? strtod(f[8], NULL) : NAN;
}

void progress_poll_files(progress_display *p)
{
    for (int k = 0; k < p->n_workers; k++) {
        progress_worker *w = &p->workers[k];
        if (w->run < 0)
            continue;
        char path[DLX_PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/metrics.csv", p->r->runs[w->run].dir);
        read_latest_row(path, w);
    }
}

/* m:ss or h:mm:ss. */
static void format_duration(char *buf, size_t n, double s)
{
    if (!isfinite(s) || s < 0) {
        snprintf(buf, n, "-");
        return;
    }
    long t = lround(s);
    if (t >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

static int terminal_columns(FILE *fp)
{
    struct winsize ws;
    if (ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
        return ws.ws_col;
    return 80;
}

/* Remove the block drawn last (the cursor is on the line below it). */
static void erase_block(progress_display *p)
{
    if (p->lines_drawn > 0)
        fprintf(p->fp, "\r\033[%dA\033[J", p->lines_drawn);
    p->lines_drawn = 0;
}

static void put_line(progress_display *p, const char *text, int width)
{
    fprintf(p->fp, "%.*s\n", width - 1, text);
    p->lines_drawn++;
}

void progress_draw(progress_display *p, bool force)
{
    if (!force && p->drawn_once && seconds_since(&p->last_draw) < 0.2)
        return;
    const runner *r = p->r;
    int done = 0, running = 0;
    for (int i = 0; i < r->n_runs; i++)
        done += r->runs[i].done;
    for (int k = 0; k < p->n_workers; k++)
        running += p->workers[k].run >= 0 && !r->runs[p->workers[k].run].done;
    double elapsed = seconds_since(&p->start), now_done = work_done(p);
    double rate = (now_done - p->work_at_start) / elapsed;
    char el[32], eta[32], line[512];
    format_duration(el, sizeof el, elapsed);
    format_duration(eta, sizeof eta, rate > 0 ? (p->work_total - now_done) / rate : NAN);
    int width = terminal_columns(p->fp);
    erase_block(p);
    snprintf(line, sizeof line, "dlx run: %d/%d runs done, %d running, %s elapsed, ETA %s", done,
             r->n_runs, running, el, eta);
    put_line(p, line, width);
    for (int k = 0; k < p->n_workers; k++) {
        const progress_worker *w = &p->workers[k];
        if (w->run < 0 || r->runs[w->run].done)
            continue;
        const run_slot *s = &r->runs[w->run];
        char where[160], ep[48] = "epoch -", loss[48] = "", acc[48] = "";
        if (s->point >= 0)
            snprintf(where, sizeof where, "p%d %s seed %llu", s->point, run_arm(r, s),
                     (unsigned long long)s->seed);
        else
            snprintf(where, sizeof where, "%s seed %llu", run_arm(r, s),
                     (unsigned long long)s->seed);
        if (isfinite(w->epoch))
            snprintf(ep, sizeof ep, "epoch %.4g/%g", w->epoch, run_epochs(r, s));
        if (!isnan(w->test_loss))
            snprintf(loss, sizeof loss, "test_loss %.4g", w->test_loss);
        if (!isnan(w->test_acc))
            snprintf(acc, sizeof acc, "test_acc %.4f", w->test_acc);
        snprintf(line, sizeof line, "  %-24s %-14s %-18s %s", where, ep, loss, acc);
        put_line(p, line, width);
    }
    fflush(p->fp);
    clock_gettime(CLOCK_MONOTONIC, &p->last_draw);
    p->drawn_once = true;
}

void progress_note(progress_display *p, const char *line)
{
    erase_block(p);
    fprintf(p->fp, "%s\n", line);
    progress_draw(p, true);
}

void progress_end(progress_display *p)
{
    if (p->fp) {
        erase_block(p);
        fflush(p->fp);
    }
    free(p->workers);
    *p = (progress_display){0};
}
