/*
 * test_calibrate.c: `zoet calibrate` (driver/calibrate.c, io/io_calib.c).
 *
 * - a synthetic problem: a root-zone run of the demo with known grass
 *   parameters makes the "observations"; calibrate recovers them within 2 %
 *   from a start away from them;
 * - bad calibration files exit 2 naming file, line and key.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_calib.h"
#include "testutil.h"

#define CAL "out/tests/calibrate"

static char cwd[900];

static void build_inputs(void)
{
    char cmd[2400], err[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(cmd, sizeof cmd, "rm -rf %s && %s demo build --out %s/input --quiet", CAL,
             tu_zoet(), CAL);
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "%s", err);
}

/* The base scenario: the root zone of the demo, May 2018, a parameter table
 * `params` (absolute path). */
static void write_scenario(const char *path, const char *params, const char *out)
{
    char text[4096];
    snprintf(text, sizeof text,
             "[run]\nname = \"synthetic\"\nmode = \"rootzone\"\nstart = 2018-05-01\n"
             "end = 2018-05-31\n[input]\ndomain = \"%s/" CAL "/input/domain.nc\"\n"
             "forcing = \"%s/" CAL "/input/forcing.nc\"\nparameters = \"%s\"\n"
             "[output]\ndir = \"%s\"\nvariables = []\n",
             cwd, cwd, params, out);
    ck_assert_int_eq(tu_write(path, text), 0);
}

static double target_of(const char *dir, const char *column)
{
    io_cal_target t;
    zt_err err;
    double v = NAN;
    memset(&t, 0, sizeof t);
    snprintf(t.name, sizeof t.name, "%s", column);
    snprintf(t.file, sizeof t.file, "balance.csv");
    snprintf(t.column, sizeof t.column, "%s", column);
    t.from = 1;
    t.to = 0;
    t.reduce = IO_CAL_SUM;
    t.scale = 1e-6;
    zt_err_clear(&err);
    ck_assert_msg(io_calib_target_value(dir, &t, &v, &err) == ZT_OK, "%s", err.msg);
    return v;
}

START_TEST(synthetic_recovery)
{
    /* truth: interception 1.4 mm/d, root depth 0.22 m for grass; start
     * 1.0 and 0.30; the interception and the transpiration of the month
     * identify them */
    char path[1400], text[4096], truth[1400], cmd[3000], out[8192], err[8192];
    build_inputs();
    snprintf(path, sizeof path, "%s/" CAL "/truth_params.ini", cwd);
    snprintf(text, sizeof text,
             "extends = \"%s/scenarios/params/default.ini\"\n[landuse.grass]\n"
             "interception_mm = 1.4\nroot_depth_m = 0.22\n",
             cwd);
    ck_assert_int_eq(tu_write(path, text), 0);
    snprintf(truth, sizeof truth, "%s/" CAL "/truth", cwd);
    write_scenario(CAL "/truth.ini", path, truth);
    snprintf(cmd, sizeof cmd, "%s run " CAL "/truth.ini --quiet", tu_zoet());
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "%s", err);
    const double ei = target_of(truth, "interception_m3"), ta = target_of(truth, "transpiration_m3");

    snprintf(path, sizeof path, "%s/scenarios/params/default.ini", cwd);
    write_scenario(CAL "/base.ini", path, "unused");
    snprintf(text, sizeof text,
             "[calibrate]\nscenario = \"base.ini\"\nalgorithm = \"bobyqa\"\n"
             "max_evaluations = 80\nxtol_rel = 1e-5\nout = \"fit\"\n"
             "[parameter.icap]\nparameters = \"landuse.grass.interception_mm\"\nstart = 1.0\n"
             "min = 0.5\nmax = 2.0\n"
             "[parameter.roots]\nparameters = \"landuse.grass.root_depth_m\"\nstart = 0.30\n"
             "min = 0.15\nmax = 0.50\n"
             "[target.interception]\nfile = \"balance.csv\"\ncolumn = \"interception_m3\"\n"
             "reduce = \"sum\"\nscale = 1e-6\nobserved = %.17g\ntolerance = 0.01\n"
             "[target.transpiration]\nfile = \"balance.csv\"\ncolumn = \"transpiration_m3\"\n"
             "reduce = \"sum\"\nscale = 1e-6\nobserved = %.17g\ntolerance = 0.01\n",
             ei, ta);
    ck_assert_int_eq(tu_write(CAL "/calib.ini", text), 0);
    snprintf(cmd, sizeof cmd, "%s calibrate " CAL "/calib.ini", tu_zoet());
    ck_assert_msg(tu_run(cmd, out, sizeof out, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(strstr(out, "converged") != NULL, "%s", out);

    char *cal = tu_slurp(CAL "/fit/calibrated_parameters.ini", NULL);
    ck_assert_ptr_nonnull(cal);
    double icap = NAN, roots = NAN;
    const char *p = strstr(cal, "interception_mm = "), *q = strstr(cal, "root_depth_m = ");
    ck_assert(p && q);
    ck_assert_int_eq(sscanf(p, "interception_mm = %lf", &icap), 1);
    ck_assert_int_eq(sscanf(q, "root_depth_m = %lf", &roots), 1);
    ck_assert_msg(fabs(icap / 1.4 - 1.0) < 0.02, "interception %g, truth 1.4", icap);
    ck_assert_msg(fabs(roots / 0.22 - 1.0) < 0.02, "root depth %g, truth 0.22", roots);
    free(cal);
    /* calibrated.ini runs and reproduces the observations */
    snprintf(cmd, sizeof cmd, "%s run " CAL "/fit/calibrated.ini --out %s/" CAL "/check --quiet",
             tu_zoet(), cwd);
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/" CAL "/check", cwd);
    ck_assert(fabs(target_of(path, "interception_m3") / ei - 1.0) < 0.01);
    ck_assert(fabs(target_of(path, "transpiration_m3") / ta - 1.0) < 0.01);
    /* one row of evaluations.csv per run */
    char *ev = tu_slurp(CAL "/fit/evaluations.csv", NULL);
    ck_assert_ptr_nonnull(ev);
    int rows = -1, runs = 0;
    for (const char *c = ev; *c; c++) {
        rows += *c == '\n';
    }
    const char *r = strstr(out, "zoet calibrate: ");
    while (r && strstr(r + 1, " runs in ")) {
        r = strstr(r + 1, "zoet calibrate: ");
        if (r && sscanf(r, "zoet calibrate: %d runs in", &runs) == 1) {
            break;
        }
    }
    ck_assert_int_gt(runs, 2);
    ck_assert_int_eq(rows, runs);
    free(ev);

    /* interrupted (SIGINT after 2 s, some 5 runs): exit 130, the runs so far
       in evaluations.csv, no calibrated.ini from this or an earlier one */
    ck_assert_int_eq(system("cp -r " CAL "/fit " CAL "/fit2"), 0);
    snprintf(text, sizeof text, "cat " CAL "/calib.ini | sed 's/^out = .*/out = \"fit2\"/' > " CAL
                                "/calib2.ini");
    ck_assert_int_eq(system(text), 0);
    /* --foreground: one SIGINT, as a user's Ctrl-C; without it timeout also
       signals its process group, and the second SIGINT (the handler is
       reset after the first, so that a second Ctrl-C kills) killed zoet
       before it could say so, now and then */
    snprintf(cmd, sizeof cmd,
             "timeout --foreground --preserve-status -s INT 2 %s calibrate " CAL
             "/calib2.ini --quiet",
             tu_zoet());
    const int rc = tu_run(cmd, NULL, 0, err, sizeof err);
    ck_assert_msg(rc == 130, "exit %d: %s", rc, err);
    ck_assert_msg(strstr(err, "interrupted"), "%s", err);
    ck_assert(!tu_exists(CAL "/fit2/calibrated.ini"));
    ck_assert(!tu_exists(CAL "/fit2/calibrated_parameters.ini"));
    ck_assert(tu_exists(CAL "/fit2/evaluations.csv"));
    ck_assert(!tu_exists(CAL "/fit2/evaluations.csv.part"));
}
END_TEST

START_TEST(failed_run_stops)
{
    /* the start point is not a valid table (a negative interception): the
       first run fails, the calibration stops at once with its message and
       exit 2, with no result and no row */
    char path[1400], text[4096], cmd[3000], err[8192];
    build_inputs();
    snprintf(path, sizeof path, "%s/scenarios/params/default.ini", cwd);
    write_scenario(CAL "/base.ini", path, "unused");
    ck_assert_int_eq(system("mkdir -p " CAL "/fit"), 0);
    ck_assert_int_eq(tu_write(CAL "/fit/calibrated.ini", "# an earlier result\n"), 0);
    snprintf(text, sizeof text,
             "[calibrate]\nscenario = \"base.ini\"\nmax_evaluations = 80\nout = \"fit\"\n"
             "[parameter.icap]\nparameters = \"landuse.grass.interception_mm\"\nstart = -0.1\n"
             "min = -0.5\nmax = 2.0\n"
             "[target.interception]\nfile = \"balance.csv\"\ncolumn = \"interception_m3\"\n"
             "reduce = \"sum\"\nobserved = 100\ntolerance = 0.1\n");
    ck_assert_int_eq(tu_write(CAL "/calib.ini", text), 0);
    snprintf(cmd, sizeof cmd, "%s calibrate " CAL "/calib.ini --quiet", tu_zoet());
    const int rc = tu_run(cmd, NULL, 0, err, sizeof err);
    ck_assert_msg(rc == 2, "exit %d: %s", rc, err);
    ck_assert_msg(strstr(err, "parameters.ini") && strstr(err, "interception_mm"), "%s", err);
    ck_assert(!tu_exists(CAL "/fit/calibrated.ini"));
    char *ev = tu_slurp(CAL "/fit/evaluations.csv", NULL);
    ck_assert_ptr_nonnull(ev);
    int rows = -1;
    for (const char *c = ev; *c; c++) {
        rows += *c == '\n';
    }
    ck_assert_int_eq(rows, 0);
    free(ev);
}
END_TEST

/* A calibration file that must fail: exit 2, the message names `want1`
 * and `want2`. */
static void bad(const char *name, const char *body, const char *want1, const char *want2)
{
    char path[1400], text[8192], cmd[3000], err[8192];
    snprintf(path, sizeof path, CAL "/bad/%s", name);
    snprintf(text, sizeof text, "%s", body);
    ck_assert_int_eq(tu_write(path, text), 0);
    snprintf(cmd, sizeof cmd, "%s calibrate %s --quiet", tu_zoet(), path);
    const int rc = tu_run(cmd, NULL, 0, err, sizeof err);
    ck_assert_msg(rc == 2, "%s: exit %d: %s", name, rc, err);
    ck_assert_msg(strstr(err, want1) && strstr(err, want2), "%s: %s", name, err);
}

#define HEAD "[calibrate]\nscenario = \"../base.ini\"\nout = \"o\"\n"
#define PAR "[parameter.a]\nparameters = \"landuse.grass.interception_mm\"\nstart = 1\nmin = 0.5\nmax = 2\n"
#define TGT "[target.t]\nfile = \"balance.csv\"\ncolumn = \"interception_m3\"\nreduce = \"sum\"\nobserved = 5\ntolerance = 0.1\n"

START_TEST(bad_files)
{
    char path[1400];
    build_inputs();
    snprintf(path, sizeof path, "%s/scenarios/params/default.ini", cwd);
    write_scenario(CAL "/base.ini", path, "unused");
    ck_assert_int_eq(system("mkdir -p " CAL "/bad"), 0);
    bad("noscen.ini", "[calibrate]\nout = \"o\"\n" PAR TGT, "noscen.ini", "scenario");
    bad("nopar.ini", HEAD TGT, "nopar.ini", "[parameter.<name>]");
    bad("twokinds.ini", HEAD "[parameter.a]\nparameters = \"a.b\"\nscenario = \"c.d\"\nstart = 1\nmin = 0\nmax = 2\n" TGT,
        "twokinds.ini:6", "exactly one");
    bad("nodot.ini", HEAD "[parameter.a]\nparameters = \"interception\"\nstart = 1\nmin = 0\nmax = 2\n" TGT,
        "nodot.ini:5", "section.key");
    bad("input.ini", HEAD "[parameter.a]\nscenario = \"input.forcing\"\nstart = 1\nmin = 0\nmax = 2\n" TGT,
        "input.ini:5", "cannot be calibrated");
    bad("bounds.ini", HEAD "[parameter.a]\nparameters = \"a.b\"\nstart = 1\nmin = 2\nmax = 2\n" TGT,
        "bounds.ini:8", "above min");
    bad("start.ini", HEAD "[parameter.a]\nparameters = \"a.b\"\nstart = 3\nmin = 0\nmax = 2\n" TGT,
        "start.ini:6", "outside");
    bad("dkey.ini", HEAD "[parameter.a]\ndistricts = \"level\"\nstart = 1\nmin = 0\nmax = 2\n" TGT,
        "dkey.ini:5", "summer_tolerance_m");
    bad("obs0.ini", HEAD PAR "[target.t]\nfile = \"balance.csv\"\ncolumn = \"x\"\nreduce = \"sum\"\nobserved = 0\ntolerance = 0.1\n",
        "obs0.ini:13", "observed");
    bad("tol.ini", HEAD PAR "[target.t]\nfile = \"balance.csv\"\ncolumn = \"x\"\nreduce = \"sum\"\nobserved = 1\ntolerance = 0\n",
        "tol.ini:14", "tolerance");
    bad("reduce.ini", HEAD PAR "[target.t]\nfile = \"balance.csv\"\ncolumn = \"x\"\nreduce = \"median\"\nobserved = 1\ntolerance = 0.1\n",
        "reduce.ini:12", "reduce");
    bad("path.ini", HEAD PAR "[target.t]\nfile = \"../balance.csv\"\ncolumn = \"x\"\nreduce = \"sum\"\nobserved = 1\ntolerance = 0.1\n",
        "path.ini:10", "file");
    bad("where.ini", HEAD PAR TGT "where = \"node\"\n", "where.ini", "column=value");
    bad("unknown.ini", HEAD "algoritm = \"bobyqa\"\n" PAR TGT, "unknown.ini:4", "algoritm");
    bad("alg.ini", HEAD "algorithm = \"newton\"\n" PAR TGT, "alg.ini:4", "algorithm");
    bad("period.ini", HEAD PAR TGT "from = 2018-05-10\n", "period.ini", "to");
    bad("years1.ini", HEAD PAR TGT "years = [2014.5]\n", "years1.ini:15", "whole year");
    bad("years2.ini", HEAD PAR TGT "years = [2014, 2014]\n", "years2.ini:15", "twice");
    /* found only when the first run's output is read: the column */
    bad("column.ini", HEAD "max_evaluations = 3\n" PAR
        "[target.t]\nfile = \"balance.csv\"\ncolumn = \"interceptie\"\nreduce = \"sum\"\nobserved = 5\ntolerance = 0.1\n",
        "balance.csv", "interceptie");
    /* and a parameter key the table does not know */
    bad("pkey.ini", HEAD "max_evaluations = 3\n[parameter.a]\nparameters = \"landuse.grass.roots\"\nstart = 1\nmin = 0.5\nmax = 2\n" TGT,
        "parameters.ini", "roots");
}
END_TEST

START_TEST(target_reductions)
{
    /* a hand-made output: a node's flow on five days over three years; the
       other node's rows are filtered out. By hand: sum 1+2+4+8+16 = 31;
       mean 6.2; max 16; years 2014 and 2016 only: 1+2+16 = 19, over its 2
       years 9.5 a year; sum_per_year over all three years 31/3 */
    char dir[1400];
    tu_tmpdir("calibrate-targets", dir, sizeof dir);
    char path[1600];
    snprintf(path, sizeof path, "%s/supply_nodes.csv", dir);
    ck_assert_int_eq(tu_write(path, "date,node,flow\n2014-05-01,a,1\n2014-05-01,b,100\n"
                                    "2014-06-01,a,2\n2015-05-01,a,4\n2015-07-01,a,8\n"
                                    "2016-05-01,a,16\n2016-05-01,b,200\n"),
                     0);
    io_cal_target t;
    memset(&t, 0, sizeof t);
    snprintf(t.name, sizeof t.name, "t");
    snprintf(t.file, sizeof t.file, "supply_nodes.csv");
    snprintf(t.column, sizeof t.column, "flow");
    snprintf(t.where_col, sizeof t.where_col, "node");
    snprintf(t.where_val, sizeof t.where_val, "a");
    t.from = 1;
    t.to = 0;
    t.scale = 1.0;
    const int reduce[4] = {IO_CAL_SUM, IO_CAL_MEAN, IO_CAL_MAX, IO_CAL_SUM_PER_YEAR};
    const double want[4] = {31.0, 6.2, 16.0, 31.0 / 3.0};
    zt_err err;
    double v;
    for (int i = 0; i < 4; i++) {
        t.reduce = reduce[i];
        zt_err_clear(&err);
        ck_assert_msg(io_calib_target_value(dir, &t, &v, &err) == ZT_OK, "%s", err.msg);
        ck_assert_double_eq_tol(v, want[i], 1e-12);
    }
    t.nyears = 2;
    t.years[0] = 2016;
    t.years[1] = 2014;
    t.reduce = IO_CAL_SUM;
    ck_assert_int_eq(io_calib_target_value(dir, &t, &v, &err), ZT_OK);
    ck_assert_double_eq_tol(v, 19.0, 1e-12);
    t.reduce = IO_CAL_SUM_PER_YEAR;
    ck_assert_int_eq(io_calib_target_value(dir, &t, &v, &err), ZT_OK);
    ck_assert_double_eq_tol(v, 9.5, 1e-12);
    /* a period that keeps nothing: named */
    t.from = zt_day_from_ymd(2020, 1, 1);
    t.to = zt_day_from_ymd(2020, 12, 31);
    ck_assert_int_eq(io_calib_target_value(dir, &t, &v, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "supply_nodes.csv") && strstr(err.msg, "no row"), "%s", err.msg);
}
END_TEST

Suite *suite_calibrate(void);
Suite *suite_calibrate(void)
{
    Suite *su = suite_create("calibrate");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, synthetic_recovery);
    tcase_add_test(tc, bad_files);
    tcase_add_test(tc, failed_run_stops);
    tcase_add_test(tc, target_reductions);
    suite_add_tcase(su, tc);
    return su;
}
