/*
 * test_outset.c: the outset suite (io_outset.h: one output set, all or
 * nothing; io_dir_ensure's reasons).
 *
 * Each test makes a folder under out/tests/outset-*, plays a run's part by
 * hand (writing files into the staging folder) and checks the folder:
 * - publish: the files, run.json last, no staging folder or lock left; the
 *   manifest's sha256 and sizes against `sha256sum` and stat, its inputs and
 *   the extends chain;
 * - lock: a second set in the same folder fails with the holder's pid and
 *   start time; a lock of a dead pid is taken over with a line on the log,
 *   and its staging folder removed;
 * - abort: the previous set stays byte for byte, nothing of the new one;
 * - a signal: io_outset_poll and publish refuse, nothing changes (in a
 *   child process, since the flag is process-wide);
 * - a .part left at publish is refused; destroy accepts NULL;
 * - io_dir_ensure names the component and the real reason.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io_file.h"
#include "io_outset.h"
#include "testutil.h"

static io_outset_info test_info(void)
{
    io_outset_info i;
    memset(&i, 0, sizeof i);
    i.program = "zoet";
    i.version = "9.9.9";
    i.start = 17683; /* 2018-06-01 */
    i.end = 17712;   /* 2018-06-30 */
    i.threads = 3;
    return i;
}

static void put(const char *dir, const char *name, const char *text)
{
    char p[4096];
    io_path_join(dir, name, p, sizeof p);
    ck_assert_msg(tu_write(p, text) == 0, "cannot write %s", p);
}

static char *slurp_in(const char *dir, const char *name)
{
    char p[4096];
    io_path_join(dir, name, p, sizeof p);
    return tu_slurp(p, NULL);
}

/* The sha256 of a file by the sha256sum program. */
static void sha256sum_of(const char *path, char hex[65])
{
    char cmd[4200], out[4096];
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
    ck_assert_int_eq(tu_run(cmd, out, sizeof out, NULL, 0), 0);
    ck_assert_msg(strlen(out) > 64, "sha256sum: %s", out);
    memcpy(hex, out, 64);
    hex[64] = '\0';
}

/* Hidden entries (lock, staging folders) left in dir: 0 when none. */
static int hidden_left(const char *dir)
{
    char cmd[4200], out[4096];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep '^\\.' || true", dir);
    tu_run(cmd, out, sizeof out, NULL, 0);
    return out[0] != '\0';
}

START_TEST(publish_writes_set_and_manifest)
{
    char dir[4096], in[4096], p[4096], hex[65], line[4096];
    io_outset_info info = test_info();
    io_outset *s = NULL;
    zt_err err;
    char *man;
    const char *names[] = {"a.csv", "b.nc"};

    zt_err_clear(&err);
    tu_tmpdir("outset-publish", dir, sizeof dir);
    /* inputs: a scenario extending sub/base.ini, which extends ../root.ini */
    io_path_join(dir, "in", in, sizeof in);
    mkdir(in, 0777);
    io_path_join(dir, "in/sub", p, sizeof p);
    mkdir(p, 0777);
    put(in, "s.ini", "# top\nextends = \"sub/base.ini\"\n[run]\nname = \"x\"\n");
    put(in, "sub/base.ini", "extends = \"../root.ini\"\n[run]\n");
    put(in, "root.ini", "[run]\nextends = \"never.ini\"\n");
    put(in, "domain.nc", "not really netcdf\n");
    io_path_join(dir, "out", p, sizeof p);

    ck_assert_int_eq(io_outset_create(p, &info, NULL, &s, &err), ZT_OK);
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(strstr(io_outset_staging(s), "/out/.staging-") != NULL, "%s",
                  io_outset_staging(s));
    io_path_join(in, "s.ini", line, sizeof line);
    ck_assert_int_eq(io_outset_add_ini(s, "scenario", line, &err), ZT_OK);
    io_path_join(in, "domain.nc", line, sizeof line);
    ck_assert_int_eq(io_outset_add_input(s, "domain", line, &err), ZT_OK);
    ck_assert_int_eq(io_outset_add_input(s, "domain again", line, &err), ZT_OK); /* skipped */
    put(io_outset_staging(s), "a.csv", "date,x\n2018-06-01,1\n");
    put(io_outset_staging(s), "b.nc", "bytes of b\n");
    ck_assert_msg(!tu_exists(strcat(strcpy(line, p), "/a.csv")), "published too early");
    ck_assert_int_eq(io_outset_publish(s, &err), ZT_OK);
    io_outset_destroy(&s);
    ck_assert_ptr_null(s);

    ck_assert_msg(!hidden_left(p), "lock or staging folder left in %s", p);
    man = slurp_in(p, "run.json");
    ck_assert_ptr_nonnull(man);
    ck_assert_msg(strstr(man, "\"version\": \"9.9.9\"") && strstr(man, "\"threads\": 3") &&
                      strstr(man, "\"start_date\": \"2018-06-01\"") &&
                      strstr(man, "\"end_date\": \"2018-06-30\"") &&
                      strstr(man, "\"exit_status\": 0"),
                  "manifest header: %s", man);
    /* every output with its size and the sha256 that sha256sum computes */
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct stat sb;
        char want[4400];
        io_path_join(p, names[i], line, sizeof line);
        ck_assert_int_eq(stat(line, &sb), 0);
        sha256sum_of(line, hex);
        snprintf(want, sizeof want, "{\"file\": \"%s\", \"bytes\": %lld, \"sha256\": \"%s\"}",
                 names[i], (long long)sb.st_size, hex);
        ck_assert_msg(strstr(man, want), "manifest lacks %s:\n%s", want, man);
    }
    /* the extends chain, in order, with realpath'ed names and sha256 */
    {
        const char *chain[] = {"s.ini", "sub/base.ini", "root.ini"};
        const char *prev = man;
        for (size_t i = 0; i < 3; i++) {
            char real[4096], want[4400];
            const char *at;
            io_path_join(in, chain[i], line, sizeof line);
            ck_assert_ptr_nonnull(realpath(line, real));
            sha256sum_of(real, hex);
            snprintf(want, sizeof want, "{\"path\": \"%s\", \"sha256\": \"%s\"}", real, hex);
            at = strstr(prev, want);
            ck_assert_msg(at, "scenario chain lacks %s (in order):\n%s", want, man);
            prev = at + 1;
        }
        ck_assert_msg(strstr(man, "never.ini") == NULL, "extends after a section followed");
        ck_assert_msg(strstr(man, "\"role\": \"scenario (extends)\""), "%s", man);
    }
    ck_assert_msg(strstr(man, "\"role\": \"domain\"") && !strstr(man, "domain again"), "%s",
                  man);
    free(man);
}
END_TEST

START_TEST(second_set_refused_with_pid_and_time)
{
    char dir[4096], want[128];
    io_outset_info info = test_info();
    io_outset *a = NULL, *b = NULL;
    zt_err err;

    zt_err_clear(&err);
    tu_tmpdir("outset-lock", dir, sizeof dir);
    ck_assert_int_eq(io_outset_create(dir, &info, NULL, &a, &err), ZT_OK);
    ck_assert_int_eq(io_outset_create(dir, &info, NULL, &b, &err), ZT_EIO);
    ck_assert_ptr_null(b);
    snprintf(want, sizeof want, "in use by another zoet run (pid %ld, started 20", (long)getpid());
    ck_assert_msg(strstr(err.msg, want) && strstr(err.msg, dir), "%s", err.msg);
    /* the refused set touched nothing: a's staging folder is still there */
    ck_assert_msg(tu_exists(io_outset_staging(a)), "the refused run removed the holder's staging");
    io_outset_destroy(&a);
    ck_assert_msg(!hidden_left(dir), "lock or staging left after destroy");
    /* free again */
    zt_err_clear(&err);
    ck_assert_int_eq(io_outset_create(dir, &info, NULL, &b, &err), ZT_OK);
    io_outset_destroy(&b);
}
END_TEST

START_TEST(stale_lock_taken_over)
{
    char dir[4096], p[4096], text[128], logbuf[4096] = "", stale[4096], want[128];
    io_outset_info info = test_info();
    io_outset *s = NULL;
    zt_err err;
    pid_t dead;
    FILE *log;

    zt_err_clear(&err);
    tu_tmpdir("outset-stale", dir, sizeof dir);
    dead = fork();
    ck_assert_int_ge(dead, 0);
    if (dead == 0) {
        _exit(0);
    }
    ck_assert_int_eq(waitpid(dead, NULL, 0), dead); /* reaped: the pid is dead */
    snprintf(text, sizeof text, "pid %ld started 2026-01-01T00:00:00Z\n", (long)dead);
    put(dir, ".zoet.lock", text);
    snprintf(text, sizeof text, ".staging-%ld", (long)dead);
    io_path_join(dir, text, stale, sizeof stale);
    mkdir(stale, 0777);
    put(stale, "grids_month.nc.part", "half a file");

    log = fmemopen(logbuf, sizeof logbuf - 1, "w");
    ck_assert_ptr_nonnull(log);
    ck_assert_int_eq(io_outset_create(dir, &info, log, &s, &err), ZT_OK);
    fclose(log);
    snprintf(want, sizeof want, "taking over the lock of pid %ld (started 2026-01-01T00:00:00Z)",
             (long)dead);
    ck_assert_msg(strstr(logbuf, want), "log: %s", logbuf);
    ck_assert_int_eq(tu_count_lines(logbuf), 1);
    ck_assert_msg(!tu_exists(stale), "the dead run's staging folder is still there");
    /* the lock now names us */
    io_path_join(dir, ".zoet.lock", p, sizeof p);
    {
        char *now = tu_slurp(p, NULL);
        snprintf(want, sizeof want, "pid %ld started ", (long)getpid());
        ck_assert_msg(now && strncmp(now, want, strlen(want)) == 0, "lock: %s", now);
        free(now);
    }
    io_outset_destroy(&s);
    ck_assert_msg(!tu_exists(p), "lock left after destroy");
}
END_TEST

START_TEST(abort_leaves_previous_set)
{
    char dir[4096], before_a[4096], before_m[4096];
    io_outset_info info = test_info();
    io_outset *s = NULL;
    zt_err err;
    char *x, *y;

    zt_err_clear(&err);
    tu_tmpdir("outset-abort", dir, sizeof dir);
    ck_assert_int_eq(io_outset_create(dir, &info, NULL, &s, &err), ZT_OK);
    put(io_outset_staging(s), "a.csv", "old a\n");
    ck_assert_int_eq(io_outset_publish(s, &err), ZT_OK);
    io_outset_destroy(&s);
    io_path_join(dir, "../outset-abort.before-a", before_a, sizeof before_a);
    io_path_join(dir, "../outset-abort.before-m", before_m, sizeof before_m);
    {
        char cmd[20000];
        snprintf(cmd, sizeof cmd, "cp '%s/a.csv' '%s' && cp '%s/run.json' '%s'", dir, before_a,
                 dir, before_m);
        ck_assert_int_eq(tu_run(cmd, NULL, 0, NULL, 0), 0);
    }

    /* a second run writes a new a.csv and a b.csv, then fails */
    ck_assert_int_eq(io_outset_create(dir, &info, NULL, &s, &err), ZT_OK);
    put(io_outset_staging(s), "a.csv", "new a, longer\n");
    put(io_outset_staging(s), "b.csv", "b\n");
    put(io_outset_staging(s), "c.nc.part", "unfinished");
    zt_fail(&err, ZT_EBALANCE, "2018-06-02: the water balance does not close");
    ck_assert_int_eq(io_outset_abort(s, ZT_EBALANCE, &err), ZT_EBALANCE);
    ck_assert_msg(strstr(err.msg, "does not close"), "abort replaced the error: %s", err.msg);
    ck_assert_int_eq(io_outset_abort(s, ZT_EBALANCE, &err), ZT_EBALANCE); /* twice: no-op */
    io_outset_destroy(&s);

    {
        char p[4096];
        ck_assert_int_eq(tu_cmp_files(strcat(strcpy(p, dir), "/a.csv"), before_a), 0);
        ck_assert_int_eq(tu_cmp_files(strcat(strcpy(p, dir), "/run.json"), before_m), 0);
        ck_assert_msg(!tu_exists(strcat(strcpy(p, dir), "/b.csv")), "b.csv published");
        ck_assert_msg(!tu_exists(strcat(strcpy(p, dir), "/c.nc")), "c.nc published");
    }
    ck_assert_msg(!hidden_left(dir), "lock or staging left after abort");
    x = slurp_in(dir, "a.csv");
    y = tu_slurp(before_a, NULL);
    ck_assert_str_eq(x, y);
    free(x);
    free(y);
}
END_TEST

START_TEST(publish_refuses_unfinished_file)
{
    char dir[4096];
    io_outset_info info = test_info();
    io_outset *s = NULL;
    zt_err err;

    zt_err_clear(&err);
    tu_tmpdir("outset-part", dir, sizeof dir);
    ck_assert_int_eq(io_outset_create(dir, &info, NULL, &s, &err), ZT_OK);
    put(io_outset_staging(s), "a.csv", "a\n");
    put(io_outset_staging(s), "g.nc.part", "open");
    ck_assert_int_eq(io_outset_publish(s, &err), ZT_EINTERNAL);
    ck_assert_msg(strstr(err.msg, "g.nc.part"), "%s", err.msg);
    ck_assert_int_eq(io_outset_abort(s, ZT_EINTERNAL, &err), ZT_EINTERNAL);
    io_outset_destroy(&s);
    {
        char p[4096];
        ck_assert_msg(!tu_exists(strcat(strcpy(p, dir), "/a.csv")), "published after a refusal");
        ck_assert_msg(!tu_exists(strcat(strcpy(p, dir), "/run.json")), "manifest written");
    }
    ck_assert_msg(!hidden_left(dir), "lock or staging left");
    io_outset_destroy(NULL);
    io_outset_destroy(&s); /* *s == NULL */
    ck_assert_int_eq(io_outset_abort(NULL, ZT_EIO, &err), ZT_EIO);
}
END_TEST

/* The signal flag is process-wide: raise SIGTERM in a child and report. */
START_TEST(signal_stops_publish)
{
    char dir[4096];
    pid_t pid;
    int wst = 0;

    tu_tmpdir("outset-signal", dir, sizeof dir);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        io_outset_info info = test_info();
        io_outset *s = NULL;
        zt_err err;
        int bad = 0;
        zt_err_clear(&err);
        bad |= io_outset_catch_signals(&err) != ZT_OK;
        bad |= io_outset_create(dir, &info, NULL, &s, &err) != ZT_OK;
        bad |= io_outset_poll(s, &err) != ZT_OK; /* no signal yet */
        if (!bad) {
            put(io_outset_staging(s), "a.csv", "a\n");
            raise(SIGTERM); /* the handler only sets the flag */
            bad |= io_outset_interrupted() != SIGTERM;
            bad |= io_outset_poll(s, &err) != ZT_EINTERRUPTED;
            bad |= strstr(err.msg, "interrupted by SIGTERM") == NULL;
            zt_err_clear(&err);
            bad |= io_outset_publish(s, &err) != ZT_EINTERRUPTED;
            (void)io_outset_abort(s, ZT_EINTERRUPTED, &err);
            io_outset_destroy(&s);
        }
        _exit(bad ? 3 : 0);
    }
    ck_assert_int_eq(waitpid(pid, &wst, 0), pid);
    ck_assert_msg(WIFEXITED(wst) && WEXITSTATUS(wst) == 0, "child: status %d", wst);
    {
        char p[4096];
        ck_assert_msg(!tu_exists(strcat(strcpy(p, dir), "/a.csv")), "published after SIGTERM");
        ck_assert_msg(!tu_exists(strcat(strcpy(p, dir), "/run.json")), "manifest after SIGTERM");
    }
    ck_assert_msg(!hidden_left(dir), "lock or staging left");
}
END_TEST

START_TEST(dir_ensure_names_the_reason)
{
    char dir[4096], p[4096], file[4096];
    zt_err err;

    tu_tmpdir("outset-dir", dir, sizeof dir);
    io_path_join(dir, "afile", file, sizeof file);
    ck_assert_int_eq(tu_write(file, "x\n"), 0);

    zt_err_clear(&err);
    ck_assert_int_eq(io_dir_ensure(file, &err), ZT_EIO);
    ck_assert_msg(strstr(err.msg, "exists but is not a folder"), "%s", err.msg);

    zt_err_clear(&err);
    io_path_join(file, "sub/deeper", p, sizeof p);
    ck_assert_int_eq(io_dir_ensure(p, &err), ZT_EIO);
    ck_assert_msg(strstr(err.msg, "/afile' exists but is not a folder"), "%s", err.msg);

    zt_err_clear(&err);
    io_path_join(dir, "a/b//c/", p, sizeof p);
    ck_assert_int_eq(io_dir_ensure(p, &err), ZT_OK);
    ck_assert_msg(tu_exists(p), "%s not made", p);

    /* a missing folder in a folder we may not write: the missing one is
       named, with the parent's reason (as root: in a child that is nobody) */
    {
        /* under /tmp, not the checkout: the child (nobody) must be able to
           reach it, and a checkout may lie under a folder only its owner
           can enter (a CI clone in a mktemp -d folder) */
        char base[] = "/tmp/zoet-outset-XXXXXX", locked[4096];
        pid_t pid;
        int wst = 0;
        ck_assert_ptr_nonnull(mkdtemp(base));
        ck_assert_int_eq(chmod(base, 0755), 0);
        io_path_join(base, "locked", locked, sizeof locked);
        ck_assert_int_eq(mkdir(locked, 0555), 0);
        ck_assert_int_eq(chmod(locked, 0555), 0);
        io_path_join(locked, "missing/out", p, sizeof p);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            zt_err e;
            zt_err_clear(&e);
            if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
                _exit(4);
            }
            if (io_dir_ensure(p, &e) != ZT_EIO) {
                _exit(3);
            }
            _exit(strstr(e.msg, "/locked/missing' does not exist and cannot be created: "
                                "Permission denied")
                      ? 0
                      : (fprintf(stderr, "%s\n", e.msg), 5));
        }
        ck_assert_int_eq(waitpid(pid, &wst, 0), pid);
        chmod(locked, 0755);
        rmdir(locked);
        rmdir(base);
        ck_assert_msg(WIFEXITED(wst) && WEXITSTATUS(wst) == 0, "child: status %d", wst);
    }
}
END_TEST

START_TEST(sha256_matches_sha256sum)
{
    char dir[4096], p[4096], a[65], b[65];
    zt_err err;
    FILE *f;

    zt_err_clear(&err);
    tu_tmpdir("outset-sha", dir, sizeof dir);
    io_path_join(dir, "big.bin", p, sizeof p);
    f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    for (long i = 0; i < 3L * 1024 * 1024 + 17; i++) { /* over the 1 MiB read buffer */
        fputc((int)((i * 2654435761u) >> 13) & 255, f);
    }
    fclose(f);
    ck_assert_int_eq(io_sha256_file(p, a, &err), ZT_OK);
    sha256sum_of(p, b);
    ck_assert_str_eq(a, b);
    io_path_join(dir, "empty", p, sizeof p);
    ck_assert_int_eq(tu_write(p, ""), 0);
    ck_assert_int_eq(io_sha256_file(p, a, &err), ZT_OK);
    ck_assert_str_eq(a, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    io_path_join(dir, "none", p, sizeof p);
    ck_assert_int_eq(io_sha256_file(p, a, &err), ZT_EIO);
    ck_assert_msg(strstr(err.msg, "none") && strstr(err.msg, "No such file"), "%s", err.msg);
}
END_TEST

Suite *suite_outset(void)
{
    Suite *s = suite_create("outset");
    TCase *tc = tcase_create("set");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, publish_writes_set_and_manifest);
    tcase_add_test(tc, second_set_refused_with_pid_and_time);
    tcase_add_test(tc, stale_lock_taken_over);
    tcase_add_test(tc, abort_leaves_previous_set);
    tcase_add_test(tc, publish_refuses_unfinished_file);
    tcase_add_test(tc, signal_stops_publish);
    tcase_add_test(tc, dir_ensure_names_the_reason);
    tcase_add_test(tc, sha256_matches_sha256sum);
    suite_add_tcase(s, tc);
    return s;
}
