/* Tests of the --resume helpers of src/experiment/resume.c: cutting metrics.csv
   back to the rows a checkpoint counted, naming the key of a changed line of
   resolved.yaml, and deleting the temporary files a killed dlx left behind
   (only those whose process is gone or a zombie). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../support/harness.h"
#include "experiment/resume.h"

static bool exists(const char *dir, const char *name)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat sb;
    return stat(p, &sb) == 0;
}

/* A PID that belonged to a process that has exited and been reaped. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    return pid;
}

/* A child that has exited but is not reaped yet: a zombie. The caller reaps it. */
static pid_t zombie_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    assert_true(pid > 0);
    assert_int_equal(waitid(P_PID, (id_t)pid, &(siginfo_t){0}, WEXITED | WNOWAIT), 0);
    return pid;
}

static void test_truncate_keeps_header_and_rows(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char *path = harness_write(dir, "metrics.csv", "arm,seed\na,1\na,2\na,3\npartial");
    dlx_diags diags = {0};
    assert_int_equal(resume_truncate_metrics(path, 2, &diags), DLX_OK);
    char *text = harness_read(path);
    assert_string_equal(text, "arm,seed\na,1\na,2\n");
    free(text);
    /* More rows than the file holds: refused, the file untouched. */
    assert_int_equal(resume_truncate_metrics(path, 5, &diags), DLX_ERR_INPUT);
    assert_non_null(strstr(diags.items[0].message, "holds 2 whole rows but the checkpoint needs 5"));
    diags_free(&diags);
    free(path);
    harness_rmtree(dir);
    free(dir);
}

/* resume_check_metrics on text, expecting st and, when refused, a message at
   line `line` containing `words`. */
static void check_metrics_case(const char *text, long rows, bool diverged, dlx_status st,
                               int line, const char *words)
{
    char *dir = harness_tmpdir();
    char *path = harness_write(dir, "metrics.csv", text);
    dlx_diags diags = {0};
    dlx_status got = resume_check_metrics(path, "arm,seed,epoch,step\n", "a,\"x", 7, rows,
                                          diverged, &diags);
    if (got != st || (st != DLX_OK && (diags.count != 1 || diags.items[0].line != line ||
                                       !strstr(diags.items[0].message, words)))) {
        diags_print(&diags, stderr);
        fail_msg("resume_check_metrics on '%s': status %d, expected %d at line %d ('%s')", text,
                 got, st, line, words);
    }
    char *after = harness_read(path);
    assert_string_equal(after, text); /* checking changes nothing */
    free(after);
    diags_free(&diags);
    free(path);
    harness_rmtree(dir);
    free(dir);
}

/* --resume checks a run's metrics.csv before trusting it: the header, rows of
   that run (a quoted arm name), epochs going forward, the checkpoint's row
   count; a partial last line and the repeats of a diverged run pass. */
static void test_check_metrics(void **state)
{
    (void)state;
    const char *h = "arm,seed,epoch,step\n";
    char ok[256], text[512];
    snprintf(ok, sizeof ok, "%s\"a,\"\"x\",7,0,0\n\"a,\"\"x\",7,0.5,7\n\"a,\"\"x\",7,1,13\n", h);
    check_metrics_case(ok, 3, false, DLX_OK, 0, "");
    check_metrics_case(ok, 2, false, DLX_OK, 0, "");
    snprintf(text, sizeof text, "%s\"a,\"\"x\",7,1.5,2", ok); /* partial last line */
    check_metrics_case(text, 3, false, DLX_OK, 0, "");
    snprintf(text, sizeof text, "%s%s", ok, ok); /* the whole file twice */
    check_metrics_case(text, 3, false, DLX_ERR_INPUT, 5, "line 5 is not a row of run a,\"x seed 7");
    snprintf(text, sizeof text, "%s\"a,\"\"x\",7,1,13\n", ok); /* the last row twice */
    check_metrics_case(text, 3, false, DLX_ERR_INPUT, 5, "the epoch on line 5 (1) does not follow");
    check_metrics_case(text, 4, true, DLX_OK, 0, ""); /* a diverged run repeats its step */
    snprintf(text, sizeof text, "%s\"a,\"\"x\",7,0.5,7\n", ok); /* going back */
    check_metrics_case(text, 3, true, DLX_ERR_INPUT, 5, "does not follow the one on line 4 (1)");
    snprintf(text, sizeof text, "%s\"a,\"\"x\",8,2,20\n", ok); /* another seed's row */
    check_metrics_case(text, 3, false, DLX_ERR_INPUT, 5, "is not a row of run");
    snprintf(text, sizeof text, "%s\"a,\"\"x\",7,2,20,9\n", ok); /* too wide */
    check_metrics_case(text, 3, false, DLX_ERR_INPUT, 5, "line 5 has 5 fields, the header 4");
    check_metrics_case("arm,seed,epoch\n", 0, false, DLX_ERR_INPUT, 1, "line 1 is not the header");
    check_metrics_case(ok, 4, false, DLX_ERR_INPUT, 5, "holds 3 whole rows but the checkpoint needs 4");
    check_metrics_case("", 1, false, DLX_ERR_INPUT, 0, "the file is empty");
}

static void test_key_path_of_changed_line(void **state)
{
    (void)state;
    const char *text = "experiment: x\n"
                       "optimizer:\n"
                       "  type: sgd\n"
                       "  schedule:\n"
                       "    type: step\n"
                       "arms:\n"
                       "  - name: bn\n"
                       "    model:\n"
                       "      batch_norm: true\n";
    char key[256];
    size_t at = (size_t)(strstr(text, "    type: step") - text);
    resume_key_path(text, strlen(text), at, key, sizeof key);
    assert_string_equal(key, "optimizer.schedule.type");
    at = (size_t)(strstr(text, "      batch_norm") - text);
    resume_key_path(text, strlen(text), at, key, sizeof key);
    assert_string_equal(key, "arms.bn.model.batch_norm");
}

static void test_stale_temporaries_removed(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char sub[4096], gone[64], alive[64], zombie[64];
    pid_t zombie_child = zombie_pid();
    snprintf(zombie, sizeof zombie, "metrics.csv.tmp.%ld", (long)zombie_child);
    snprintf(sub, sizeof sub, "%s/runs", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(gone, sizeof gone, "runs/checkpoint.safetensors.tmp.%ld", (long)dead_pid());
    snprintf(alive, sizeof alive, "summary.csv.tmp.%ld", (long)getpid());
    const char *names[] = {gone, zombie, alive, "runs/metrics.csv", "notes.tmp.txt", "x.tmp."};
    for (int i = 0; i < 6; i++)
        free(harness_write(dir, names[i], "x"));
    assert_int_equal(resume_remove_stale_temporaries(dir), 2);
    assert_int_equal(waitpid(zombie_child, NULL, 0), zombie_child);
    assert_false(exists(dir, gone));
    assert_false(exists(dir, zombie));
    for (int i = 2; i < 6; i++)
        assert_true(exists(dir, names[i]));
    harness_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncate_keeps_header_and_rows),
        cmocka_unit_test(test_check_metrics),
        cmocka_unit_test(test_key_path_of_changed_line),
        cmocka_unit_test(test_stale_temporaries_removed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
