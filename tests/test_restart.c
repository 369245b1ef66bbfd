/*
 * test_restart.c: checkpoints and restart of `zoet run` (docs/io.md,
 * "Checkpoints and restart"), on the demo's domain at 4 km with the supply
 * network and the lake (its level and outputs carried over too), the KNMI
 * stations of 2018, January to March:
 *
 * - [run] checkpoint = "month" writes checkpoints/2018-02-01, -03-01 and
 *   -04-01, each with state.nc and a copy of every output written so far;
 *   by default only the latest stays, checkpoints_kept = 3 keeps all three;
 * - a run continued from each checkpoint ends with the same bytes, in every
 *   output file, as the run that was not interrupted;
 * - a state of another run, a file that is no state, and a checkpoint
 *   within a period of the gridded output are refused (exit 2, one line
 *   naming the file or key).
 */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "grid_demo.h"
#include "io_districts.h"
#include "io_forcing.h"
#include "io_nc.h"
#include "testutil.h"

#define BASE "out/tests/restart"
#define DX 4000.0

static char cwd[1024];

/* The outputs a run with the network and the lake writes (every one is
 * compared). */
static const char *const outputs[] = {
    "balance.csv",        "districts.csv",      "districts.nc",       "grids_month.nc",
    "lake.csv",           "lake.nc",            "peat.nc",            "peat_districts.csv",
    "peat_months.csv",    "peat_provinces.csv", "peat_years.csv",     "supply_nodes.csv",
    "supply_nodes.nc",
    "supply_regions.csv",
    "supply_regions.nc",  "supply_users.csv",   "supply_users.nc"};
#define NOUT (int)(sizeof outputs / sizeof outputs[0])

/* Domain, district table and forcing, once for the suite. */
static void setup_inputs(void)
{
    grid_domain *dom = NULL;
    grid_district *dist = NULL;
    int nd = 0;
    zt_err err;
    char bnd[1200], cmd[1400], e[2048];
    const char *knmi[] = {"data/knmi/etmgeg_270_leeuwarden_1951-2021_selected.csv",
                          "data/knmi/etmgeg_279_hoogeveen_selected.csv",
                          "data/knmi/etmgeg_286_nieuw_beerta_selected.csv",
                          "data/knmi/etmgeg_277_lauwersoog_selected.csv"};
    io_knmi_opts ko;

    if (!getcwd(cwd, sizeof cwd)) {
        abort();
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", BASE, BASE);
    if (tu_run(cmd, NULL, 0, e, sizeof e) != 0) {
        abort();
    }
    zt_err_clear(&err);
    snprintf(bnd, sizeof bnd, "data/boundaries/provinciegebied_noord_nederland_rd_new.geojson");
    if (grid_demo_build(bnd, DX, &dom, &err) != ZT_OK ||
        io_domain_write(BASE "/domain.nc", dom, "restart test", &err) != ZT_OK ||
        grid_demo_districts(dom, &dist, &nd, &err) != ZT_OK ||
        io_districts_write(BASE "/districts.ini", dist, nd, NULL, &err) != ZT_OK) {
        fprintf(stderr, "restart fixture: %s\n", err.msg);
        abort();
    }
    memset(&ko, 0, sizeof ko);
    ko.stations = "data/knmi/stations.csv";
    ko.fill_nearest = 1;
    ko.first = zt_day_from_ymd(2018, 1, 1);
    ko.last = zt_day_from_ymd(2018, 4, 30);
    if (io_knmi_import(knmi, 4, &ko, BASE "/forcing.nc", NULL, &err) != ZT_OK) {
        fprintf(stderr, "restart fixture: %s\n", err.msg);
        abort();
    }
    zt_free(dist);
    grid_domain_destroy(&dom);
}

/* A scenario s.ini in BASE with the given [run] and [output] extras. */
static void make_scenario(const char *name, const char *run, const char *output)
{
    char path[600], text[8192];
    snprintf(path, sizeof path, "%s/%s", BASE, name);
    snprintf(text, sizeof text,
             "[run]\nname = \"restart\"\nstart = 2018-01-01\nend = 2018-04-30\n%s\n"
             "[input]\ndomain = \"domain.nc\"\nforcing = \"forcing.nc\"\n"
             "districts = \"districts.ini\"\nparameters = \"%s/scenarios/params/default.ini\"\n"
             "network = \"%s/scenarios/network/noord-nederland.ini\"\n"
             "[supply]\nijsselmeer_factor = 0.5\n"
             "[lake]\nfile = \"%s/scenarios/lake/ijsselmeer-markermeer.ini\"\n"
             "lobith = \"%s/data/lobith/Q_Lobith_1901-2025.csv\"\ninflow_factor = 0.5\n"
             /* a winter level above the start: the level a checkpoint
                carries differs from the one a run starts with */
             "winter_level = -0.30\n"
             "[output]\ndir = \"out\"\naggregation = \"month\"\ndistricts = true\n"
             "variables = [\"P\", \"ETact\", \"sprinkling\", \"head\", \"inlet_demand\"]\n%s\n",
             run, cwd, cwd, cwd, cwd, output ? output : "");
    ck_assert_int_eq(tu_write(path, text), 0);
}

/* Replace the text `from` by `to` (the same length) in BASE/name. */
static void edit_scenario(const char *name, const char *from, const char *to)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", BASE, name);
    char *text = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(text);
    char *q = strstr(text, from);
    ck_assert_msg(q && strlen(from) == strlen(to), "%s: no '%s'", name, from);
    memcpy(q, to, strlen(to));
    ck_assert_int_eq(tu_write(path, text), 0);
    free(text);
}

/* Run zoet in BASE with args; the exit status, stderr into e. */
static int zoet(const char *args, char *e, size_t ne)
{
    char cmd[3000];
    const char *z = tu_zoet();
    snprintf(cmd, sizeof cmd, "cd %s && SOURCE_DATE_EPOCH=1700000000 %s%s%s %s", BASE,
             z[0] == '/' ? "" : cwd, z[0] == '/' ? "" : "/", z, args);
    return tu_run(cmd, NULL, 0, e, ne);
}

/* The uninterrupted run into BASE/full, once for the suite (the tests that
 * compare with it or continue from its checkpoints share it). */
static void full_run(void)
{
    char e[8192];
    if (tu_exists(BASE "/full/run.json")) {
        return;
    }
    /* the three checkpoints stay (by default only the latest does) */
    make_scenario("s.ini", "checkpoint = \"month\"\ncheckpoints_kept = 3", NULL);
    ck_assert_msg(zoet("run s.ini --quiet --out full", e, sizeof e) == 0, "full run: %s", e);
}

START_TEST(continued_runs_end_with_the_same_bytes)
{
    static const char *const dates[] = {"2018-02-01", "2018-03-01"};
    char e[8192], args[600], a[600], b[600];
    full_run();
    for (int i = 0; i < 2; i++) {
        snprintf(a, sizeof a, "%s/full/checkpoints/%s/state.nc", BASE, dates[i]);
        ck_assert_msg(tu_exists(a), "no %s", a);
        snprintf(a, sizeof a, "%s/full/checkpoints/%s/districts.csv", BASE, dates[i]);
        ck_assert_msg(tu_exists(a), "no %s", a);
    }
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args,
                 "run s.ini --quiet --out re%d --restart full/checkpoints/%s/state.nc", i,
                 dates[i]);
        ck_assert_msg(zoet(args, e, sizeof e) == 0, "restart from %s: %s", dates[i], e);
        for (int f = 0; f < NOUT; f++) {
            snprintf(a, sizeof a, "%s/full/%s", BASE, outputs[f]);
            snprintf(b, sizeof b, "%s/re%d/%s", BASE, i, outputs[f]);
            ck_assert_msg(tu_cmp_files(a, b) == 0, "%s differs after a restart from %s",
                          outputs[f], dates[i]);
        }
    }
}
END_TEST

/* 1 when folder dir holds an entry whose name contains `part`. */
static int has_entry(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;
    if (!d) {
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        found |= strstr(e->d_name, part) != NULL;
    }
    closedir(d);
    return found;
}

START_TEST(sigterm_then_restart_into_the_same_folder)
{
    char e[8192], a[600], b[600], cmd[3000];
    char *before[NOUT];
    const char *z = tu_zoet();
    /* the uninterrupted run, and a previous set in the folder "kill" */
    full_run();
    make_scenario("k.ini", "checkpoint = \"month\"", NULL);
    make_scenario("p.ini", "# previous", NULL);
    edit_scenario("p.ini", "end = 2018-04-30", "end = 2018-01-03");
    ck_assert_msg(zoet("run p.ini --quiet --out kill", e, sizeof e) == 0, "previous run: %s", e);
    for (int f = 0; f < NOUT; f++) {
        snprintf(a, sizeof a, "%s/kill/%s", BASE, outputs[f]);
        before[f] = tu_slurp(a, NULL);
    }
    /* the run to stop: in the background, stopped by SIGTERM as soon as
       its first checkpoint is there */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        snprintf(cmd, sizeof cmd, "%s%s%s", z[0] == '/' ? "" : cwd, z[0] == '/' ? "" : "/", z);
        if (chdir(BASE) != 0 || !freopen("kill.err", "w", stderr)) {
            _exit(127);
        }
        setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
        execl(cmd, cmd, "run", "k.ini", "--quiet", "--out", "kill", (char *)NULL);
        _exit(127);
    }
    snprintf(a, sizeof a, "%s/kill/checkpoints/2018-02-01/state.nc", BASE);
    for (int i = 0; i < 60000 && !tu_exists(a); i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    ck_assert_msg(tu_exists(a), "no first checkpoint");
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    snprintf(a, sizeof a, "%s/kill.err", BASE);
    char *msg = tu_slurp(a, NULL);
    ck_assert_ptr_nonnull(msg);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 143,
                  "exit %d, expected 143 (the run ended before the signal?): %s",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1, msg);
    ck_assert_msg(tu_count_lines(msg) == 1 && strstr(msg, "SIGTERM"), "%s", msg);
    free(msg);
    snprintf(a, sizeof a, "%s/kill", BASE);
    ck_assert_msg(!has_entry(a, ".staging") && !has_entry(a, ".part"),
                  "a staging folder or .part file is left in %s", a);
    for (int f = 0; f < NOUT; f++) {
        snprintf(a, sizeof a, "%s/kill/%s", BASE, outputs[f]);
        char *now = tu_slurp(a, NULL);
        ck_assert_msg((before[f] == NULL) == (now == NULL) &&
                          (!now || strcmp(before[f], now) == 0),
                      "%s of the previous run changed", outputs[f]);
        free(now);
        free(before[f]);
    }
    /* the default keeps the latest checkpoint only: one, as the run was
       stopped in February */
    snprintf(a, sizeof a, "%s/kill/checkpoints/2018-03-01", BASE);
    ck_assert_msg(!tu_exists(a), "a checkpoint after the signal");
    /* continued from the first checkpoint, into the same folder */
    ck_assert_msg(zoet("run k.ini --quiet --out kill --restart "
                       "kill/checkpoints/2018-02-01/state.nc",
                       e, sizeof e) == 0,
                  "restart: %s", e);
    /* the continued run, too, keeps only its latest checkpoint */
    snprintf(a, sizeof a, "%s/kill/checkpoints/2018-04-01/state.nc", BASE);
    ck_assert_msg(tu_exists(a), "no last checkpoint");
    snprintf(a, sizeof a, "%s/kill/checkpoints/2018-02-01", BASE);
    ck_assert_msg(!tu_exists(a), "an older checkpoint stayed");
    for (int f = 0; f < NOUT; f++) {
        snprintf(a, sizeof a, "%s/full/%s", BASE, outputs[f]);
        snprintf(b, sizeof b, "%s/kill/%s", BASE, outputs[f]);
        ck_assert_msg(tu_cmp_files(a, b) == 0, "%s differs after SIGTERM and a restart",
                      outputs[f]);
    }
}
END_TEST

/* Progress in a batch log (stderr not a terminal): one line a simulated
 * month, with the date, the days done of the days to do, days/s, elapsed
 * and time left; --quiet silences it. Here from a restart: March and April. */
/* The summary line of a run's standard output (from "zoet run: N days"). */
static void summary_line(const char *out, char *line, size_t n)
{
    const char *p = strstr(out, "zoet run: 120 days, ");
    ck_assert_msg(p != NULL, "no summary line in: %s", out);
    size_t len = strcspn(p, "\n");
    ck_assert(len < n);
    memcpy(line, p, len);
    line[len] = '\0';
}

START_TEST(progress_a_line_a_month_in_a_batch_log)
{
    static char out[1 << 16], e[8192];
    char cmd[3000], a[512], b[512];
    const char *z = tu_zoet();
    full_run();
    /* the restart: progress on stderr, the summary on stdout */
    snprintf(cmd, sizeof cmd,
             "cd %s && SOURCE_DATE_EPOCH=1700000000 %s%s%s run s.ini --out prog --restart "
             "full/checkpoints/2018-03-01/state.nc",
             BASE, z[0] == '/' ? "" : cwd, z[0] == '/' ? "" : "/", z);
    ck_assert_msg(tu_run(cmd, out, sizeof out, e, sizeof e) == 0, "run: %s", e);
    ck_assert_msg(tu_count_lines(e) == 2, "expected two lines: %s", e);
    ck_assert_msg(strstr(e, "zoet: 2018-03-31  31 of 61 days, ") &&
                      strstr(e, "\nzoet: 2018-04-30  61 of 61 days, ") && strstr(e, " days/s, ") &&
                      strstr(e, " s elapsed, ") && strstr(e, " s left\n"),
                  "%s", e);
    summary_line(out, b, sizeof b);
    /* the summary of the continued run is the whole run's (its running
       figures are in the state): the same as the uninterrupted run's */
    snprintf(cmd, sizeof cmd,
             "cd %s && SOURCE_DATE_EPOCH=1700000000 %s%s%s run s.ini --out sum 2>/dev/null", BASE,
             z[0] == '/' ? "" : cwd, z[0] == '/' ? "" : "/", z);
    ck_assert_msg(tu_run(cmd, out, sizeof out, e, sizeof e) == 0, "run: %s", e);
    summary_line(out, a, sizeof a);
    ck_assert_str_eq(a, b);
}
END_TEST

/* A checkpoint another run left, dated after this run's: stale, it goes
 * when this run writes its own (it would otherwise outlive it as "the
 * latest"). */
START_TEST(stale_checkpoints_of_another_run_go)
{
    char e[8192];
    full_run();
    make_scenario("h.ini", "checkpoint = \"month\"", NULL);
    edit_scenario("h.ini", "end = 2018-04-30", "end = 2018-02-15");
    ck_assert_int_eq(tu_run("mkdir -p " BASE "/stale/checkpoints && cp -r " BASE
                            "/full/checkpoints/2018-04-01 " BASE "/stale/checkpoints/",
                            NULL, 0, e, sizeof e),
                     0);
    ck_assert_msg(zoet("run h.ini --quiet --out stale", e, sizeof e) == 0, "run: %s", e);
    ck_assert_msg(tu_exists(BASE "/stale/checkpoints/2018-02-01/state.nc"), "no checkpoint");
    ck_assert_msg(!tu_exists(BASE "/stale/checkpoints/2018-04-01"), "the stale one stayed");
}
END_TEST

/* exit 2 and one line on stderr holding every one of the words */
static void expect_refused(const char *args, const char *w1, const char *w2)
{
    char e[8192];
    int rc = zoet(args, e, sizeof e);
    ck_assert_msg(rc == 2, "%s: exit %d, expected 2: %s", args, rc, e);
    ck_assert_msg(tu_count_lines(e) == 1, "%s: expected one line, got: %s", args, e);
    ck_assert_msg(strstr(e, w1) && strstr(e, w2), "%s: message lacks '%s' or '%s': %s", args, w1,
                  w2, e);
}

START_TEST(state_of_another_run_is_refused)
{
    full_run();
    /* another period: the state is not this run's */
    make_scenario("t.ini", "checkpoint = \"month\"\n# shorter", NULL);
    edit_scenario("t.ini", "end = 2018-04-30", "end = 2018-04-29");
    expect_refused("run t.ini --quiet --out t --restart full/checkpoints/2018-03-01/state.nc",
                   "full/checkpoints/2018-03-01/state.nc", "another run");
    expect_refused("run s.ini --quiet --out t --restart forcing.nc", "forcing.nc",
                   "not a zoet state file");
    /* the same scenario with another district table (one pump changed):
       other inputs, another run */
    ck_assert_int_eq(tu_run("cd " BASE " && sed '0,/pump_capacity_mm_d = [0-9.]*/s//"
                            "pump_capacity_mm_d = 99.5/' districts.ini > districts2.ini && "
                            "sed 's/districts.ini/districts2.ini/' s.ini > u.ini",
                            NULL, 0, NULL, 0),
                     0);
    expect_refused("run u.ini --quiet --out u --restart full/checkpoints/2018-03-01/state.nc",
                   "full/checkpoints/2018-03-01/state.nc", "another run");
    /* a checkpoint whose copy of districts.csv was cut short (a crash of
       the machine while it was written): refused, not appended to */
    ck_assert_int_eq(tu_run("cd " BASE " && rm -rf cut && cp -r full/checkpoints/2018-03-01 cut && "
                            "head -n -1 cut/districts.csv > cut/d && mv cut/d cut/districts.csv",
                            NULL, 0, NULL, 0),
                     0);
    expect_refused("run s.ini --quiet --out c --restart cut/state.nc", "cut: the checkpoint's "
                   "copy of", "districts.csv has");
}
END_TEST

START_TEST(checkpoint_within_a_period_is_refused)
{
    make_scenario("y.ini", "checkpoint = \"month\"", "# a year of grids");
    edit_scenario("y.ini", "aggregation = \"month\"", "aggregation = \"year\" ");
    expect_refused("run y.ini --quiet --out y", "y.ini", "[run] checkpoint");
}
END_TEST

Suite *suite_restart(void)
{
    Suite *s = suite_create("restart");
    TCase *tc = tcase_create("restart");
    tcase_add_unchecked_fixture(tc, setup_inputs, NULL);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, continued_runs_end_with_the_same_bytes);
    tcase_add_test(tc, sigterm_then_restart_into_the_same_folder);
    tcase_add_test(tc, progress_a_line_a_month_in_a_batch_log);
    tcase_add_test(tc, stale_checkpoints_of_another_run_go);
    tcase_add_test(tc, state_of_another_run_is_refused);
    tcase_add_test(tc, checkpoint_within_a_period_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
