/*
 * workers.c — executing the runs of an experiment and gathering their rows.
 *
 * Every run writes its rows to its own runs/.../metrics.csv. With --jobs 1
 * the runs execute one after the other in this process, which writes each
 * row to the top metrics.csv as well, as it is measured. With --jobs N the
 * parent forks up to N workers, one run each, with single-thread BLAS; a
 * worker sends its summary row back through a pipe and exits with the run's
 * status. The parent appends a run's rows to the top metrics.csv only once
 * every run before it has finished, so the file is byte-identical (apart from
 * wall_s) whatever N is, and rewrites summary.csv after each. A worker dies
 * with its parent (PR_SET_PDEATHSIG) and inherits its lock on the folder
 * (folder_lock.h). A worker killed by a signal is named with the signal, and
 * its run recorded as interrupted from its last checkpoint.
 *
 * Progress (progress.h): with --jobs 1 on a terminal the trainer's evaluation
 * callback redraws the block; with --jobs N the parent, instead of blocking
 * in waitpid, polls every 0.1 s, reads each running worker's latest
 * metrics.csv row and redraws; the workers themselves print nothing.
 */
#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "experiment/progress.h"
#include "experiment/runner_internal.h"
#include "io/atomic_file.h"
#include "io/csv_writer.h"
#include "train/run.h"
#include "io/output_file.h"

/* The name of a signal (SIGKILL), or "signal N". */
static const char *signal_name(int sig)
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {{SIGKILL, "SIGKILL"}, {SIGTERM, "SIGTERM"}, {SIGINT, "SIGINT"},
                 {SIGHUP, "SIGHUP"},   {SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"},
                 {SIGABRT, "SIGABRT"}, {SIGFPE, "SIGFPE"},   {SIGILL, "SIGILL"},
                 {SIGPIPE, "SIGPIPE"}, {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"},
                 {SIGUSR1, "SIGUSR1"}, {SIGUSR2, "SIGUSR2"}, {SIGQUIT, "SIGQUIT"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].sig == sig)
            return names[i].name;
    static char other[32];
    snprintf(other, sizeof other, "signal %d", sig);
    return other;
}

/* Append the rows of a run's metrics.csv (not its header) to out. */
static dlx_status copy_rows(const char *own_path, FILE *out, const char *out_path,
                            dlx_diags *diags)
{
    FILE *in = fopen(own_path, "r");
    if (!in) {
        diags_add(diags, own_path, 0, 0, "cannot read: %s", strerror(errno));
        return DLX_ERR_RUNTIME;
    }
    char *line = NULL;
    size_t cap = 0;
    bool header = true;
    ssize_t n;
    dlx_status st = DLX_OK;
    while (st == DLX_OK && (n = getline(&line, &cap, in)) > 0) {
        if (!header)
            st = csv_append_whole(out, line, (size_t)n, diags, out_path);
        header = false;
    }
    free(line);
    fclose(in);
    return st;
}

/* Train one run in this process; its rows go to its own metrics.csv and,
   when main_metrics is given, to the top metrics.csv as well. */
static dlx_status execute_run(runner *r, run_slot *s, FILE *main_metrics, dlx_diags *diags)
{
    point_state *ps = slot_point(r, s);
    const dlx_arm *arm = &ps->exp->arms[s->arm];
    dlx_status st = io_refuse_links_below(r->out, s->dir, diags);   /* runs/ inside OUT only */
    if (st == DLX_OK)
        st = make_dirs(s->dir, diags);
    if (st != DLX_OK)
        return st;
    char own_path[DLX_PATH_MAX + 32], ckpt_path[DLX_PATH_MAX + 32];
    snprintf(own_path, sizeof own_path, "%s/metrics.csv", s->dir);
    snprintf(ckpt_path, sizeof ckpt_path, "%s/checkpoint.safetensors", s->dir);
    FILE *own = io_fopen_output(own_path, s->resume ? "a" : "w", &st, diags);
    if (!own)
        return st;
    if (s->resume)
        st = main_metrics ? copy_rows(own_path, main_metrics, r->metrics_path, diags) : DLX_OK;
    else
        st = metrics_write_header(own, own_path, r->diag_columns, r->n_extra, r->key_ptrs,
                                  diags);
    dlx_run_request req = {
        .config = &arm->config, .arm = arm->name, .seed = s->seed, .data = ps->data[s->arm],
        .source_file = r->path, .checkpoint_path = ckpt_path,
        .sinks = {{own, own_path}, {main_metrics, r->metrics_path}},
        .n_sinks = main_metrics ? 2 : 1,
        .diag_columns = r->diag_columns,
        .n_extra = r->n_extra, .extra_values = ps->value_ptrs,
        .progress = r->opts->progress && r->opts->jobs == 1 && !r->live,
        .on_eval = main_metrics && r->live ? progress_on_eval : NULL,
        .on_eval_ctx = r->live,
        .resume = s->resume,
    };
    if (st == DLX_OK)
        st = train_run(&req, &s->summary, diags);
    if (fclose(own) != 0 && st == DLX_OK) {
        diags_add(diags, own_path, 0, 0, "cannot write: %s", strerror(errno));
        st = DLX_ERR_RUNTIME;
    }
    return st;
}

/* Append the rows of finished runs to the top metrics.csv, in run order,
   up to the first run that has not finished. */
static dlx_status append_finished(runner *r, dlx_diags *diags)
{
    for (int i = 0; i < r->n_runs; i++) {
        run_slot *s = &r->runs[i];
        if (s->appended)
            continue;
        if (!s->done)
            return DLX_OK;
        s->appended = true;
        if (s->failed)
            continue;
        char own_path[DLX_PATH_MAX + 32];
        snprintf(own_path, sizeof own_path, "%s/metrics.csv", s->dir);
        dlx_status st = copy_rows(own_path, r->metrics, r->metrics_path, diags);
        if (st != DLX_OK)
            return st;
    }
    return DLX_OK;
}

/* With --jobs N, a line on stderr for each run that ends. */
static void report_finished(runner *r, const run_slot *s, int finished)
{
    if (!r->opts->progress || r->opts->jobs == 1)
        return;
    const point_state *ps = slot_point(r, s);
    char line[512];
    int n = snprintf(line, sizeof line, "[%d/%d] %s seed %llu: %s", finished, r->n_runs,
                     ps->exp->arms[s->arm].name, (unsigned long long)s->seed,
                     s->failed ? "failed" : run_status_name(s->summary.status));
    char loss[32];   /* "nan" as in metrics.csv, not printf's "-nan" */
    if (isnan(s->summary.final_test_loss))
        snprintf(loss, sizeof loss, "nan");
    else
        snprintf(loss, sizeof loss, "%.4g", s->summary.final_test_loss);
    if (!s->failed && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, ", test_loss %s, %.1f s", loss,
                 s->summary.wall_s);
    if (r->live)
        progress_note(r->live, line);
    else
        fprintf(stderr, "%s\n", line);
}

/* training.on_divergence: fail — a diverged run stops the experiment
   (exit status 1); DLX_OK otherwise. */
static dlx_status check_divergence(runner *r, const run_slot *s, dlx_diags *diags)
{
    const dlx_arm *arm = &slot_point(r, s)->exp->arms[s->arm];
    if (s->failed || s->summary.status != RUN_DIVERGED ||
        arm->config.training.on_divergence != DIVERGE_FAIL)
        return DLX_OK;
    diags_add(diags, r->path, 0, 0,
              "run %s seed %llu diverged (a non-finite loss) in epoch %d; "
              "training.on_divergence is fail, so no further run is started",
              arm->name, (unsigned long long)s->seed, s->summary.epochs_done + 1);
    return DLX_ERR_RUNTIME;
}

/* The live display of --jobs 1 around run_sequential_runs. */
static dlx_status run_sequential_runs(runner *r, dlx_diags *diags);

dlx_status run_sequential(runner *r, dlx_diags *diags)
{
    progress_display live;
    if (r->opts->progress && r->opts->progress_live && progress_begin(&live, r, 1, stderr))
        r->live = &live;
    dlx_status st = run_sequential_runs(r, diags);
    if (r->live)
        progress_end(r->live);
    r->live = NULL;
    return st;
}

static dlx_status run_sequential_runs(runner *r, dlx_diags *diags)
{
    for (int i = 0; i < r->n_runs; i++) {
        if (train_stop_requested())
            break;
        run_slot *s = &r->runs[i];
        if (s->done) { /* finished before --resume: its rows only */
            char own_path[DLX_PATH_MAX + 32];
            snprintf(own_path, sizeof own_path, "%s/metrics.csv", s->dir);
            s->appended = true;
            dlx_status st = copy_rows(own_path, r->metrics, r->metrics_path, diags);
            if (st == DLX_OK)
                st = check_divergence(r, s, diags);
            if (st != DLX_OK)
                return st;
            continue;
        }
        if (r->live) {
            progress_assign(r->live, 0, i);
            progress_draw(r->live, true);
        }
        dlx_status st = execute_run(r, s, r->metrics, diags);
        s->done = true;
        s->appended = true;
        if (st != DLX_OK) {
            s->failed = true;
            return st;
        }
        if ((st = write_summary(r, diags)) != DLX_OK)
            return st;
        if ((st = check_divergence(r, s, diags)) != DLX_OK)
            return st;
    }
    return DLX_OK;
}

/* A worker: train one run, send its summary to the parent, exit with the
   run's status. */
static void worker_main(runner *r, run_slot *s, int threads, int fd, pid_t parent)
{
#ifdef __linux__
    /* A worker whose parent was killed (SIGKILL cannot be caught) must not
       go on writing into a folder that a --resume may already be using. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(DLX_ERR_RUNTIME);
#else
    (void)parent;
#endif
    openblas_set_num_threads(threads);
    dlx_diags diags = {0};
    dlx_status st = execute_run(r, s, NULL, &diags);
    diags_print(&diags, stderr);
    diags_free(&diags);
    ssize_t w = write(fd, &s->summary, sizeof s->summary);
    close(fd);
    _exit(w == (ssize_t)sizeof s->summary ? (int)st : DLX_ERR_RUNTIME);
}

/* waitpid(-1) for the next worker to end. With the live display, polls
   instead: every 0.1 s, the workers' latest rows are read and the block
   redrawn. A stop signal makes it return -1 with errno EINTR (once per
   signal seen), as a blocking waitpid interrupted by it would. */
static pid_t wait_for_worker(runner *r, int *wstatus, bool *stop_forwarded)
{
    if (!r->live)
        return waitpid(-1, wstatus, 0);
    for (;;) {
        pid_t pid = waitpid(-1, wstatus, WNOHANG);
        if (pid != 0)
            return pid;
        if (train_stop_requested() && !*stop_forwarded) {
            *stop_forwarded = true;
            errno = EINTR;
            return -1;
        }
        progress_poll_files(r->live);
        progress_draw(r->live, false);
        struct timespec tick = {0, 100 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
}

dlx_status run_parallel(runner *r, int threads, dlx_diags *diags)
{
    int jobs = r->opts->jobs;
    pid_t *pids = calloc((size_t)jobs, sizeof *pids);
    int *slots = calloc((size_t)jobs, sizeof *slots);
    int *fds = calloc((size_t)jobs, sizeof *fds);
    if (!pids || !slots || !fds) {
        free(pids), free(slots), free(fds);
        diags_add(diags, NULL, 0, 0, "out of memory");
        return DLX_ERR_RUNTIME;
    }
    progress_display live;
    if (r->opts->progress && r->opts->progress_live && progress_begin(&live, r, jobs, stderr))
        r->live = &live;
    bool stop_forwarded = false;
    fflush(NULL); /* nothing buffered may be written twice by the children */
    pid_t parent = getpid();
    dlx_status st = append_finished(r, diags); /* runs finished before --resume */
    for (int i = 0; st == DLX_OK && i < r->n_runs; i++)
        if (r->runs[i].done)
            st = check_divergence(r, &r->runs[i], diags);
    int next = 0, running = 0, finished = 0;
    while (next < r->n_runs || running > 0) {
        while (next < r->n_runs && r->runs[next].done)
            next++;
        while (st == DLX_OK && !train_stop_requested() && running < jobs && next < r->n_runs) {
            int pipefd[2];
            if (pipe(pipefd) != 0) {
                diags_add(diags, NULL, 0, 0, "cannot create a pipe: %s", strerror(errno));
                st = DLX_ERR_RUNTIME;
                break;
            }
            pid_t pid = fork();
            if (pid < 0) {
                diags_add(diags, NULL, 0, 0, "cannot start a worker: %s", strerror(errno));
                close(pipefd[0]), close(pipefd[1]);
                st = DLX_ERR_RUNTIME;
                break;
            }
            if (pid == 0) {
                close(pipefd[0]);
                /* the parent's bookkeeping is not the worker's (and would leak at its _exit) */
                free(pids);
                free(slots);
                free(fds);
                if (r->live) {
                    free(r->live->workers);
                    r->live = NULL;
                }
                worker_main(r, &r->runs[next], threads, pipefd[1], parent);
            }
            close(pipefd[1]);
            int k = 0;
            while (pids[k])
                k++;
            pids[k] = pid, slots[k] = next, fds[k] = pipefd[0];
            if (r->live)
                progress_assign(r->live, k, next);
            running++, next++;
            while (next < r->n_runs && r->runs[next].done)
                next++;
        }
        if (running == 0)
            break;
        int wstatus;
        pid_t pid = wait_for_worker(r, &wstatus, &stop_forwarded);
        if (pid < 0) {
            if (errno == EINTR) {
                for (int k = 0; k < jobs; k++)
                    if (pids[k])
                        kill(pids[k], SIGTERM);
                continue;
            }
            diags_add(diags, NULL, 0, 0, "waiting for workers: %s", strerror(errno));
            st = DLX_ERR_RUNTIME;
            break;
        }
        int k = 0;
        while (k < jobs && pids[k] != pid)
            k++;
        if (k == jobs)
            continue;
        run_slot *s = &r->runs[slots[k]];
        ssize_t got = read(fds[k], &s->summary, sizeof s->summary);
        close(fds[k]);
        pids[k] = 0, running--;
        s->done = true;
        if (r->live)
            progress_assign(r->live, k, -1);
        int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : DLX_ERR_RUNTIME;
        if (WIFSIGNALED(wstatus)) {
            /* Killed (SIGKILL, the OOM killer, a crash): nothing of the run
               after its last checkpoint is kept, and it is recorded as
               interrupted, to be continued by --resume. */
            int sig = WTERMSIG(wstatus);
            output_recover_killed(r, s);
            if (st == DLX_OK)
                st = DLX_ERR_RUNTIME;
            diags_add(diags, NULL, 0, 0,
                      "run %s seed %llu failed: its worker process %ld was killed by %s (%s); "
                      "the run is recorded as interrupted after %d epochs, and --resume "
                      "continues it",
                      slot_point(r, s)->exp->arms[s->arm].name, (unsigned long long)s->seed,
                      (long)pid, signal_name(sig), strsignal(sig), s->summary.epochs_done);
        } else if (code != 0 || got != (ssize_t)sizeof s->summary) {
            s->failed = true;
            if (st == DLX_OK) {
                st = code == DLX_ERR_INPUT ? DLX_ERR_INPUT : DLX_ERR_RUNTIME;
                diags_add(diags, NULL, 0, 0, "run %s seed %llu failed",
                          slot_point(r, s)->exp->arms[s->arm].name, (unsigned long long)s->seed);
            }
        }
        report_finished(r, s, ++finished);
        if (st == DLX_OK)
            st = check_divergence(r, s, diags);
        dlx_status a = append_finished(r, diags);
        if (a == DLX_OK)
            a = write_summary(r, diags);
        if (a != DLX_OK && st == DLX_OK)
            st = a;
    }
    if (r->live)
        progress_end(r->live);
    r->live = NULL;
    free(pids), free(slots), free(fds);
    return st;
}

