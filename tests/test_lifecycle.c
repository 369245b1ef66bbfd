/*
 * test_lifecycle.c: the lifecycle suite: the real program ($ZT_ZOET) on the
 * demo inputs, stopped or starved on purpose (issue 11, item 4).
 *
 * - SIGTERM in the middle of a year's run: exit 143, one line on stderr, no
 *   staging folder, no .part, no lock, the previous outputs byte for byte;
 * - two runs into one folder: the second exits 2 while the first still
 *   runs, naming its pid and start time; the first's set is whole and
 *   matches its run.json (sizes and `sha256sum`);
 * - the file-size limit (setrlimit RLIMIT_FSIZE in the child): exit 1, one
 *   line naming the file and "File too large", previous outputs untouched;
 * - a full file system (a 2 MB tmpfs; skipped with a printed reason when
 *   mounting is not permitted): exit 1, one line "No space left on
 *   device", no crash, no HDF5 diagnostics, previous outputs untouched.
 *
 * The demo inputs are built once (`zoet demo build`, half a second). The
 * "previous outputs" are a 3-day run with few outputs; the runs that fail
 * write a month of every output (about 10 MB).
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io_file.h"
#include "testutil.h"

#define BASE "out/tests/lifecycle"

static char base_abs[2048];  /* absolute BASE */
static char input_abs[2100]; /* the demo inputs */
static char repo_abs[1024];  /* the working directory (the repository) */

/* The program under test as a path exec can take. */
static const char *zoet_path(void)
{
    static char buf[2048];
    const char *z = tu_zoet();
    if (z[0] == '/' || strchr(z, '/') == NULL) {
        return z;
    }
    snprintf(buf, sizeof buf, "%s/%s", repo_abs, z);
    return buf;
}

static void setup_demo(void)
{
    char cmd[12000], err[4096];
    if (!getcwd(repo_abs, sizeof repo_abs)) {
        abort();
    }
    snprintf(base_abs, sizeof base_abs, "%s/" BASE, repo_abs);
    snprintf(input_abs, sizeof input_abs, "%s/input", base_abs);
    /* a tmpfs that an earlier, failed run of this suite left mounted */
    snprintf(cmd, sizeof cmd, "umount %s/full/mnt 2>/dev/null; rm -rf %s && mkdir -p %s && "
             "%s demo build --out %s --quiet",
             base_abs, base_abs, base_abs, zoet_path(), input_abs);
    if (tu_run(cmd, NULL, 0, err, sizeof err) != 0) {
        fprintf(stderr, "test_lifecycle: demo build failed: %s\n", err);
        abort();
    }
}

/*
 * A scenario on the demo inputs into path: the period, and `small` for few
 * outputs (one gridded variable, no district series, no network).
 */
static void write_scenario(const char *path, const char *start, const char *end, int small)
{
    char text[16384];
    snprintf(text, sizeof text,
             "[run]\nname = \"lifecycle\"\nstart = %s\nend = %s\n"
             "[input]\ndomain = \"%s/domain.nc\"\nforcing = \"%s/forcing.nc\"\n"
             "districts = \"%s/districts.ini\"\nparameters = \"%s/scenarios/params/default.ini\"\n"
             "%s%s%s"
             "[output]\ndir = \"out\"\nvariables = [%s]\naggregation = \"month\"\n"
             "districts = %s\n",
             start, end, input_abs, input_abs, input_abs, repo_abs,
             small ? "" : "network = \"", small ? "" : repo_abs,
             small ? "" : "/scenarios/network/noord-nederland.ini\"\n",
             small ? "\"P\"" : "\"P\", \"ETact\", \"recharge\", \"gw_depth\", \"seepage\"",
             small ? "false" : "true");
    ck_assert_int_eq(tu_write(path, text), 0);
}

/* A fresh case folder BASE/tag with the scenarios in it; its path into dir. */
static void case_dir(const char *tag, char *dir, size_t n)
{
    char cmd[4400], p[4400];
    snprintf(dir, n, "%s/%s", base_abs, tag);
    snprintf(cmd, sizeof cmd, "umount %s/mnt 2>/dev/null; rm -rf %s && mkdir -p %s", dir, dir,
             dir);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, NULL, 0), 0);
    io_path_join(dir, "prev.ini", p, sizeof p);
    write_scenario(p, "2018-06-01", "2018-06-03", 1);
    io_path_join(dir, "month.ini", p, sizeof p);
    write_scenario(p, "2018-06-01", "2018-06-30", 0);
    io_path_join(dir, "quarter.ini", p, sizeof p);
    write_scenario(p, "2018-06-01", "2018-08-31", 0);
    io_path_join(dir, "year.ini", p, sizeof p);
    write_scenario(p, "2018-01-01", "2018-12-31", 0);
}

/*
 * Start `zoet run SCENARIO --out OUT --threads 1 --quiet` in folder dir with
 * stderr to err_path; fsize > 0 sets RLIMIT_FSIZE (bytes) in the child.
 */
static pid_t spawn_run(const char *dir, const char *scenario, const char *out,
                       const char *err_path, long fsize)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        FILE *e = freopen(err_path, "w", stderr);
        if (!e || !freopen("/dev/null", "w", stdout) || chdir(dir) != 0) {
            _exit(126);
        }
        if (fsize > 0) {
            struct rlimit rl = {(rlim_t)fsize, (rlim_t)fsize};
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0) {
                _exit(125);
            }
        }
        execlp(zoet_path(), "zoet", "run", scenario, "--out", out, "--threads", "1", "--quiet",
               (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Wait for a child; its exit status, or -1 - signal when a signal ended it. */
static int wait_run(pid_t pid)
{
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1 - WTERMSIG(st);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Wait (up to secs) until `ls -A out` shows a name starting with prefix. */
static int wait_for_entry(const char *out, const char *prefix, double secs)
{
    double t0 = now_s();
    char cmd[4400], buf[4096];
    snprintf(cmd, sizeof cmd, "ls -A '%s' 2>/dev/null | grep -c '^%s' || true", out, prefix);
    while (now_s() - t0 < secs) {
        tu_run(cmd, buf, sizeof buf, NULL, 0);
        if (atoi(buf) > 0) {
            return 1;
        }
        usleep(20000);
    }
    return 0;
}

/* `ls -A out` without run.json: the names that are not the set's files. */
static void list_dir(const char *out, char *buf, size_t n)
{
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "ls -A '%s'", out);
    ck_assert_int_eq(tu_run(cmd, buf, n, NULL, 0), 0);
}

/* A snapshot of a folder: every name with its sha256 (sha256sum), sorted. */
static void snapshot(const char *out, char *buf, size_t n)
{
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "cd '%s' && ls -A | sort && sha256sum $(ls -A | sort)", out);
    ck_assert_int_eq(tu_run(cmd, buf, n, NULL, 0), 0);
}

/* No staging folder, .part file or lock in out. */
static void assert_clean(const char *out)
{
    char names[8192];
    list_dir(out, names, sizeof names);
    ck_assert_msg(!strstr(names, ".staging-"), "staging folder left: %s", names);
    ck_assert_msg(!strstr(names, ".part"), ".part left: %s", names);
    ck_assert_msg(!strstr(names, ".zoet.lock"), "lock left: %s", names);
}

/*
 * The set in out is whole: every file run.json lists is there with its
 * size and the sha256 of `sha256sum`, and every other file of the folder
 * is run.json itself. Returns the number of files listed.
 */
static int assert_set_matches_manifest(const char *out)
{
    char p[4400], names[8192];
    char *man, *line;
    int nfile = 0, nlisted_names = 0;

    io_path_join(out, "run.json", p, sizeof p);
    man = tu_slurp(p, NULL);
    ck_assert_msg(man != NULL, "%s: no run.json", out);
    ck_assert_msg(strstr(man, "\"complete\": true") && strstr(man, "\"exit_status\": 0"),
                  "%s", man);
    for (line = strstr(man, "{\"file\": \""); line; line = strstr(line + 1, "{\"file\": \"")) {
        char name[256], sha[65], cmd[4600], sum[4096];
        long long bytes;
        struct stat sb;
        ck_assert_int_eq(sscanf(line,
                                "{\"file\": \"%255[^\"]\", \"bytes\": %lld, "
                                "\"sha256\": \"%64[0-9a-f]\"}",
                                name, &bytes, sha),
                         3);
        io_path_join(out, name, p, sizeof p);
        ck_assert_msg(stat(p, &sb) == 0, "%s listed but missing", p);
        ck_assert_msg((long long)sb.st_size == bytes, "%s: %lld bytes, manifest %lld", p,
                      (long long)sb.st_size, bytes);
        snprintf(cmd, sizeof cmd, "sha256sum '%s'", p);
        ck_assert_int_eq(tu_run(cmd, sum, sizeof sum, NULL, 0), 0);
        ck_assert_msg(strncmp(sum, sha, 64) == 0, "%s: sha256sum %.64s, manifest %s", p, sum,
                      sha);
        nfile++;
    }
    free(man);
    list_dir(out, names, sizeof names);
    for (char *tok = strtok(names, "\n"); tok; tok = strtok(NULL, "\n")) {
        nlisted_names++;
    }
    ck_assert_msg(nlisted_names == nfile + 1, "%s: %d entries, run.json lists %d files", out,
                  nlisted_names, nfile);
    return nfile;
}

/* Run the small scenario into out: the previous outputs; its snapshot. */
static void previous_outputs(const char *dir, const char *out, char *snap, size_t n)
{
    char errp[4400];
    int rc;
    io_path_join(dir, "prev.err", errp, sizeof errp);
    rc = wait_run(spawn_run(dir, "prev.ini", out, errp, 0));
    ck_assert_msg(rc == 0, "previous run: exit %d", rc);
    ck_assert_int_ge(assert_set_matches_manifest(out), 3);
    snapshot(out, snap, n);
}

static char *read_err(const char *path)
{
    char *s = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(s);
    return s;
}

START_TEST(sigterm_mid_run_leaves_previous_outputs)
{
    static char before[65536], after[65536];
    char dir[4096], out[4400], errp[4400];
    char *msg;
    pid_t pid;
    int rc;

    case_dir("sigterm", dir, sizeof dir);
    io_path_join(dir, "out", out, sizeof out);
    io_path_join(dir, "year.err", errp, sizeof errp);
    previous_outputs(dir, out, before, sizeof before);

    pid = spawn_run(dir, "year.ini", out, errp, 0);
    ck_assert_msg(wait_for_entry(out, ".staging-", 60.0), "the run never began its set");
    usleep(300000); /* into the time loop */
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    rc = wait_run(pid);
    msg = read_err(errp);
    ck_assert_msg(rc == 143, "exit %d, expected 143; stderr: %s", rc, msg);
    ck_assert_msg(tu_count_lines(msg) == 1, "expected one line: %s", msg);
    /* stopped in the time loop, before its end: the message names the day */
    ck_assert_msg(strstr(msg, "2018-") && strstr(msg, "interrupted by SIGTERM") &&
                      !strstr(msg, "2018-12-31"),
                  "%s", msg);
    free(msg);
    assert_clean(out);
    snapshot(out, after, sizeof after);
    ck_assert_msg(strcmp(before, after) == 0, "previous outputs changed:\n%s\nvs\n%s", before,
                  after);
}
END_TEST

START_TEST(second_run_into_same_folder_exits_2)
{
    char dir[4096], out[4400], errp[4400], errq[4400], want[128];
    char *msg;
    pid_t first, second;
    double t0, t_second;
    int rc, still_running;

    case_dir("concurrent", dir, sizeof dir);
    io_path_join(dir, "out", out, sizeof out);
    io_path_join(dir, "first.err", errp, sizeof errp);
    io_path_join(dir, "second.err", errq, sizeof errq);

    first = spawn_run(dir, "quarter.ini", out, errp, 0);
    ck_assert_msg(wait_for_entry(out, ".zoet.lock", 60.0), "the first run never took the lock");
    t0 = now_s();
    second = spawn_run(dir, "month.ini", out, errq, 0);
    rc = wait_run(second);
    t_second = now_s() - t0;
    still_running = waitpid(first, NULL, WNOHANG) == 0;
    msg = read_err(errq);
    ck_assert_msg(rc == 2, "second run: exit %d, expected 2; stderr: %s", rc, msg);
    ck_assert_msg(tu_count_lines(msg) == 1, "expected one line: %s", msg);
    snprintf(want, sizeof want, "in use by another zoet run (pid %ld, started 20", (long)first);
    ck_assert_msg(strstr(msg, want), "message lacks '%s': %s", want, msg);
    ck_assert_msg(still_running, "the second run ended only after the first (%.1f s)", t_second);
    free(msg);

    rc = wait_run(first);
    msg = read_err(errp);
    ck_assert_msg(rc == 0, "first run: exit %d; stderr: %s", rc, msg);
    free(msg);
    assert_clean(out);
    ck_assert_int_ge(assert_set_matches_manifest(out), 10);
    fprintf(stderr, "lifecycle: the second run exited 2 after %.2f s\n", t_second);
}
END_TEST

START_TEST(file_size_limit_exits_1)
{
    static char before[65536], after[65536];
    char dir[4096], out[4400], errp[4400];
    char *msg;
    int rc;

    case_dir("fsize", dir, sizeof dir);
    io_path_join(dir, "out", out, sizeof out);
    io_path_join(dir, "month.err", errp, sizeof errp);
    previous_outputs(dir, out, before, sizeof before);

    rc = wait_run(spawn_run(dir, "month.ini", out, errp, 1000000L));
    msg = read_err(errp);
    ck_assert_msg(rc == 1, "exit %d, expected 1; stderr: %s", rc, msg);
    ck_assert_msg(tu_count_lines(msg) == 1, "expected one line: %s", msg);
    ck_assert_msg(strstr(msg, "File too large") && strstr(msg, "ulimit -f") &&
                      strstr(msg, "/out/") && strstr(msg, "untouched"),
                  "%s", msg);
    ck_assert_msg(!strstr(msg, ".staging-"), "names the staging path: %s", msg);
    free(msg);
    assert_clean(out);
    snapshot(out, after, sizeof after);
    ck_assert_msg(strcmp(before, after) == 0, "previous outputs changed:\n%s\nvs\n%s", before,
                  after);
}
END_TEST

START_TEST(full_file_system_exits_1)
{
    static char before[65536], after[65536];
    char dir[4096], mnt[4400], out[4400], errp[4400], cmd[16000], err[4096];
    char *msg;
    int rc;

    case_dir("full", dir, sizeof dir);
    io_path_join(dir, "mnt", mnt, sizeof mnt);
    io_path_join(mnt, "out", out, sizeof out);
    io_path_join(dir, "month.err", errp, sizeof errp);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && mount -t tmpfs -o size=2m tmpfs '%s'", mnt, mnt);
    if (tu_run(cmd, NULL, 0, err, sizeof err) != 0) {
        fprintf(stderr, "lifecycle: full_file_system_exits_1 skipped: cannot mount a tmpfs: %s",
                err[0] ? err : "(no message)\n");
        return;
    }
    previous_outputs(dir, out, before, sizeof before);

    rc = wait_run(spawn_run(dir, "month.ini", out, errp, 0));
    msg = read_err(errp);
    snprintf(cmd, sizeof cmd, "ls -A '%s' > '%s/names.txt'; umount '%s'", out, dir, mnt);
    {
        /* the checks below read the tmpfs: they run before it is unmounted */
        char names[8192];
        list_dir(out, names, sizeof names);
        snapshot(out, after, sizeof after);
        tu_run(cmd, NULL, 0, NULL, 0);
        ck_assert_msg(rc == 1, "exit %d, expected 1 (a crash is < 0); stderr: %s", rc, msg);
        ck_assert_msg(tu_count_lines(msg) == 1, "expected one line: %s", msg);
        ck_assert_msg(!strstr(msg, "HDF5-DIAG"), "HDF5 diagnostics: %s", msg);
        ck_assert_msg(strstr(msg, "No space left on device") && strstr(msg, "/out/") &&
                          strstr(msg, "untouched"),
                      "%s", msg);
        ck_assert_msg(!strstr(names, ".staging-") && !strstr(names, ".part") &&
                          !strstr(names, ".zoet.lock"),
                      "left behind: %s", names);
    }
    free(msg);
    ck_assert_msg(strcmp(before, after) == 0, "previous outputs changed:\n%s\nvs\n%s", before,
                  after);
}
END_TEST

Suite *suite_lifecycle(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("runs");
    tcase_add_unchecked_fixture(tc, setup_demo, NULL);
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, sigterm_mid_run_leaves_previous_outputs);
    tcase_add_test(tc, second_run_into_same_folder_exits_2);
    tcase_add_test(tc, file_size_limit_exits_1);
    tcase_add_test(tc, full_file_system_exits_1);
    suite_add_tcase(s, tc);
    return s;
}
