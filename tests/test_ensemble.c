/*
 * test_ensemble.c: suite "ensemble", `zoet ensemble` (io/io_ensemble.c,
 * driver/ensemble*.c; docs/hpc.md):
 *
 * - parsing: the members are the product scenarios x climates x periods in
 *   that order, named <scenario>__<climate>__<period>; every bad key is
 *   ZT_ECONFIG naming the file, the line and the key (and, through the
 *   program, exit 2 with one line);
 * - preparation: a period the forcing does not cover stops the ensemble
 *   before anything runs, naming the member and the first day missing;
 *   each forcing is transformed once per climate and the members share it;
 *   the member scenario files pass `zoet check`;
 * - a local ensemble of two members on the demo domain at 4 km, one of them
 *   broken (its domain file does not exist): the other completes, the
 *   broken one is reported with its log, members.csv records both, the exit
 *   status is 3; run again, the complete member is not run again;
 * - SIGTERM to a local ensemble: the member running stops (exit 143), and
 *   the ensemble run again continues it from its checkpoint;
 * - --slurm --no-submit: the scripts' content; the member script run by
 *   hand as an array task would run it: complete at once when run.json is
 *   there, a restart from the newest checkpoint otherwise, with the same
 *   bytes out; the table script lists the members it leaves out.
 */
#include <check.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grid_demo.h"
#include "io_districts.h"
#include "io_ensemble.h"
#include "io_forcing.h"
#include "io_nc.h"
#include "testutil.h"

#define BASE "out/tests/ensemble"
#define DX 4000.0

/* (paths kept short enough for the buffers they go into) */
static char repo[1024];      /* the working directory (the repository) */
static char base[1100];      /* absolute BASE */
static char zoet[1024];      /* the program, absolute */

static void paths(void)
{
    char z[PATH_MAX];
    if (!getcwd(repo, sizeof repo) || !realpath(tu_zoet(), z) || strlen(z) >= sizeof zoet) {
        abort();
    }
    memcpy(zoet, z, strlen(z) + 1); /* as the program finds itself (/proc/self/exe) */
    snprintf(base, sizeof base, "%s/" BASE, repo);
}

/* The demo domain at 4 km, its districts and the KNMI forcing of 2018
 * into BASE/input, once for the suite. */
static void setup_inputs(void)
{
    grid_domain *dom = NULL;
    grid_district *dist = NULL;
    int nd = 0;
    zt_err err;
    char e[2048];
    const char *knmi[] = {"data/knmi/etmgeg_270_leeuwarden_1951-2021_selected.csv",
                          "data/knmi/etmgeg_279_hoogeveen_selected.csv",
                          "data/knmi/etmgeg_286_nieuw_beerta_selected.csv",
                          "data/knmi/etmgeg_277_lauwersoog_selected.csv"};
    io_knmi_opts ko;

    paths();
    if (tu_run("rm -rf " BASE " && mkdir -p " BASE "/input", NULL, 0, e, sizeof e) != 0) {
        abort();
    }
    zt_err_clear(&err);
    if (grid_demo_build("data/boundaries/provinciegebied_noord_nederland_rd_new.geojson", DX,
                        &dom, &err) != ZT_OK ||
        io_domain_write(BASE "/input/domain.nc", dom, "ensemble test", &err) != ZT_OK ||
        grid_demo_districts(dom, &dist, &nd, &err) != ZT_OK ||
        io_districts_write(BASE "/input/districts.ini", dist, nd, NULL, &err) != ZT_OK) {
        fprintf(stderr, "ensemble fixture: %s\n", err.msg);
        abort();
    }
    memset(&ko, 0, sizeof ko);
    ko.stations = "data/knmi/stations.csv";
    ko.fill_nearest = 1;
    ko.first = zt_day_from_ymd(2018, 1, 1);
    ko.last = zt_day_from_ymd(2018, 12, 31);
    if (io_knmi_import(knmi, 4, &ko, BASE "/input/forcing.nc", NULL, &err) != ZT_OK) {
        fprintf(stderr, "ensemble fixture: %s\n", err.msg);
        abort();
    }
    zt_free(dist);
    grid_domain_destroy(&dom);
}

/* Write text to dir/name; the path into path (size n) when not NULL. */
static void put(const char *dir, const char *name, const char *text, char *path, size_t n)
{
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    ck_assert_int_eq(tu_write(p, text), 0);
    if (path) {
        snprintf(path, n, "%s", p);
    }
}

/*
 * A scenario on the fixture into dir/name: coupled (districts, no network),
 * 2018, with `extra` at the end of [run] (checkpoints) and the domain file
 * `domain` (NULL: the fixture's).
 */
static void scenario(const char *dir, const char *name, const char *extra, const char *domain)
{
    char text[16384], dom[1200];
    snprintf(dom, sizeof dom, "%s/input/domain.nc", base);
    snprintf(text, sizeof text,
             "[run]\nstart = 2018-01-01\nend = 2018-12-31\n%s\n"
             "[input]\ndomain = \"%s\"\nforcing = \"%s/input/forcing.nc\"\n"
             "districts = \"%s/input/districts.ini\"\n"
             "parameters = \"%s/scenarios/params/default.ini\"\n"
             "[output]\nvariables = [\"P\", \"ETact\", \"gw_depth\"]\naggregation = \"month\"\n"
             "districts = true\n",
             extra ? extra : "", domain ? domain : dom, base, base, repo);
    put(dir, name, text, NULL, 0);
}

/* Run the program with args in folder dir; exit status, stdout, stderr. */
static int run_zoet(const char *dir, const char *args, char *out, size_t nout, char *e,
                    size_t ne)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "cd '%s' && SOURCE_DATE_EPOCH=1700000000 '%s' %s", dir, zoet,
             args);
    return tu_run(cmd, out, nout, e, ne);
}

/* The end of a long text, for a failure message (Check's are limited). */
static const char *tail(const char *s)
{
    const size_t n = s ? strlen(s) : 0;
    return !s ? "(none)" : n > 1500 ? s + n - 1500 : s;
}

/* A fresh case folder BASE/tag, absolute, into dir. */
static void case_dir(const char *tag, char *dir, size_t n)
{
    char cmd[4096];
    snprintf(dir, n, "%s/%s", base, tag);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, NULL, 0), 0);
}

/* The line of a CSV text that starts with `start`, into line (size n). */
static int csv_line(const char *text, const char *start, char *line, size_t n)
{
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, start, strlen(start)) == 0) {
            const size_t len = strcspn(p, "\n");
            snprintf(line, n, "%.*s", (int)len, p);
            return 0;
        }
    }
    return -1;
}

/* ---- parsing ---------------------------------------------------------------- */

START_TEST(product_order_and_names)
{
    char dir[1200], path[PATH_MAX + 64];
    io_ensemble *e = NULL;
    zt_err err;
    case_dir("parse", dir, sizeof dir);
    put(dir, "ens.ini",
        "[ensemble]\nname = \"klimaat\"\nout = \"runs\"\n"
        "scenarios = [\"demo.ini\", \"sub/veenweide-30.ini\"]\n"
        "climates = [\"none\", \"knmi14:WH:2050\", \"knmi23:Hd:2050\"]\n"
        "periods = [\"1991-01-01/2020-12-31\", \"2018-04-01/2018-09-30\"]\n"
        "[transform]\nregion = \"NON\"\n"
        "[slurm]\ntime = \"1-02:03:04\"\nmem = \"4G\"\ncpus_per_task = 2\n",
        path, sizeof path);
    zt_err_clear(&err);
    ck_assert_msg(io_ensemble_load(path, &e, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(e->nmember, 12);
    ck_assert_str_eq(e->name, "klimaat");
    /* every path absolute, relative to the file */
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s/runs", dir);
    ck_assert_str_eq(e->out, want);
    snprintf(want, sizeof want, "%s/sub/veenweide-30.ini", dir);
    ck_assert_str_eq(e->scenario[1], want);
    /* the period turns fastest, then the climate, then the scenario */
    static const char *const names[] = {
        "demo__none__1991-2020",           "demo__none__20180401-20180930",
        "demo__knmi14-WH-2050__1991-2020", "demo__knmi14-WH-2050__20180401-20180930",
        "demo__knmi23-Hd-2050__1991-2020", "demo__knmi23-Hd-2050__20180401-20180930",
        "veenweide-30__none__1991-2020",   "veenweide-30__none__20180401-20180930",
        "veenweide-30__knmi14-WH-2050__1991-2020",
        "veenweide-30__knmi14-WH-2050__20180401-20180930",
        "veenweide-30__knmi23-Hd-2050__1991-2020",
        "veenweide-30__knmi23-Hd-2050__20180401-20180930"};
    for (int i = 0; i < 12; i++) {
        ck_assert_str_eq(e->member[i].name, names[i]);
        ck_assert_int_eq(e->member[i].scenario, i / 6);
        ck_assert_int_eq(e->member[i].climate, (i / 2) % 3);
        ck_assert_int_eq(e->member[i].period, i % 2);
    }
    ck_assert_str_eq(e->climate[1].family, "knmi14");
    ck_assert_str_eq(e->climate[1].scenario, "WH");
    ck_assert_str_eq(e->climate[2].horizon, "2050");
    ck_assert_str_eq(e->climate[0].family, "");
    ck_assert(e->period[1].start == zt_day_from_ymd(2018, 4, 1) &&
              e->period[1].end == zt_day_from_ymd(2018, 9, 30));
    /* defaults of [local]; [slurm] */
    ck_assert_int_eq(e->jobs, 1);
    ck_assert_int_eq(e->threads, 1);
    ck_assert_int_eq(e->slurm.set, 1);
    ck_assert_int_eq(e->slurm.seconds, 86400 + 2 * 3600 + 3 * 60 + 4);
    ck_assert_str_eq(e->slurm.table_time, "1-02:03:04");
    ck_assert_str_eq(e->slurm.mem, "4G");
    ck_assert_int_eq(e->slurm.cpus_per_task, 2);
    ck_assert_str_eq(e->tf_region, "NON");
    ck_assert_str_eq(e->tf_p99, "");
    char row[512];
    ck_assert_str_eq(io_ens_csv_row(e, 3, row, sizeof row),
                     "3,demo__knmi14-WH-2050__20180401-20180930,demo,knmi14:WH:2050,2018-04-01,"
                     "2018-09-30");
    io_ensemble_destroy(&e);
    ck_assert_ptr_null(e);
    io_ensemble_destroy(&e);
    io_ensemble_destroy(NULL);

    /* the ensemble the repository ships (its reference.ini comes with
       zoet table, issue 15 item 3; the file itself is checked here) */
    ck_assert_msg(io_ensemble_load("scenarios/klimaat/ensemble.ini", &e, &err) == ZT_OK, "%s",
                  err.msg);
    ck_assert_int_eq(e->nmember, 5);
    ck_assert_str_eq(e->member[0].name, "reference__none__1991-2024");
    ck_assert_str_eq(e->member[4].name, "reference__knmi14-WH-2050__1991-2024");
    io_ensemble_destroy(&e);

    /* climates and periods one by one */
    io_ens_climate c;
    io_ens_period p;
    ck_assert_int_eq(io_ens_parse_climate("knmi14:-:2030", &c), 0);
    ck_assert_str_eq(c.tag, "knmi14-2030");
    ck_assert_int_eq(io_ens_parse_climate("knmi23:Ld:2033", &c), 0);
    ck_assert_int_eq(io_ens_parse_climate("knmi23:Hd:2033", &c), -1); /* 2033: L only */
    ck_assert_int_eq(io_ens_parse_climate("knmi14:WH:2100", &c), -1);
    ck_assert_int_eq(io_ens_parse_climate("knmi14:WH:2050:x", &c), -1);
    ck_assert_int_eq(io_ens_parse_climate("knmi14:wh:2050", &c), -1);
    ck_assert_int_eq(io_ens_parse_climate("None", &c), -1);
    ck_assert_int_eq(io_ens_parse_period("2018-01-01/2018-12-31", &p), 0);
    ck_assert_str_eq(p.tag, "2018");
    ck_assert_int_eq(io_ens_parse_period("2018-01-01/2018-12-31 ", &p), -1);
    ck_assert_int_eq(io_ens_parse_period("20180101/20181231", &p), -1);
    ck_assert_int_eq(io_ens_parse_period("2018-02-29/2018-03-01", &p), -1);
}
END_TEST

/* One bad ensemble file: status ZT_ECONFIG, the message naming the file,
 * "line N" and `what`. */
static void bad(const char *dir, const char *text, int line, const char *what)
{
    char path[PATH_MAX + 64], at[PATH_MAX + 80];
    io_ensemble *e = NULL;
    zt_err err;
    put(dir, "bad.ini", text, path, sizeof path);
    zt_err_clear(&err);
    ck_assert_msg(io_ensemble_load(path, &e, &err) == ZT_ECONFIG, "accepted: %s", text);
    ck_assert_ptr_null(e);
    if (line > 0) {
        snprintf(at, sizeof at, "bad.ini:%d: ", line);
    } else {
        snprintf(at, sizeof at, "bad.ini: ");
    }
    ck_assert_msg(strstr(err.msg, at) && strstr(err.msg, what), "'%s' and '%s' not in: %s", at,
                  what, err.msg);
}

#define HEAD "[ensemble]\nname = \"e\"\nout = \"o\"\n"
#define SCEN "scenarios = [\"a.ini\"]\n"
#define CLIM "climates = [\"none\"]\n"
#define PER "periods = [\"2018-01-01/2018-12-31\"]\n"
#define GOOD HEAD SCEN CLIM PER
#define SLURM "[slurm]\ntime = \"01:00:00\"\nmem = \"4G\"\ncpus_per_task = 2\n"

START_TEST(bad_keys_are_named)
{
    char dir[1200];
    case_dir("parse-bad", dir, sizeof dir);
    bad(dir, "[ensemble]\nout = \"o\"\n" SCEN CLIM PER, 1, "[ensemble] name: missing");
    bad(dir, "[ensemble]\nname = \"e\"\n" SCEN CLIM PER, 1, "[ensemble] out: missing");
    bad(dir, HEAD CLIM PER, 1, "[ensemble] scenarios: missing");
    bad(dir, HEAD "scenarios = []\n" CLIM PER, 4, "[ensemble] scenarios: empty list");
    bad(dir, HEAD SCEN "climates = []\n" PER, 5, "[ensemble] climates: empty list");
    bad(dir, HEAD SCEN CLIM "periods = []\n", 6, "[ensemble] periods: empty list");
    bad(dir, HEAD SCEN "climates = [\"none\", \"knmi15:WH:2050\"]\n" PER, 5,
        "[ensemble] climates: item 2: unknown climate \"knmi15:WH:2050\"");
    bad(dir, HEAD SCEN "climates = [\"knmi14:XX:2050\"]\n" PER, 5, "unknown climate");
    bad(dir, HEAD SCEN "climates = [\"none\", \"none\"]\n" PER, 5, "item 2: \"none\" twice");
    bad(dir, HEAD SCEN CLIM "periods = [\"2018-01-01-2018-12-31\"]\n", 6,
        "[ensemble] periods: item 1: \"2018-01-01-2018-12-31\" is no period");
    bad(dir, HEAD SCEN CLIM "periods = [\"2018-12-31/2018-01-01\"]\n", 6, "is no period");
    bad(dir, HEAD "scenarios = [\"a.ini\", \"x/a.ini\"]\n" CLIM PER, 4,
        "items 1 and 2 are both named \"a\"");
    bad(dir, HEAD "scenarios = [\"a__b.ini\"]\n" CLIM PER, 4, "\"a__b\" names its members");
    bad(dir, "[ensemble]\nname = \"a b\"\nout = \"o\"\n" SCEN CLIM PER, 2, "[ensemble] name");
    bad(dir, GOOD "[local]\njobs = 0\n", 8, "[local] jobs");
    bad(dir, GOOD "[local]\nthreads = 0\n", 8, "[local] threads");
    bad(dir, GOOD "[slurm]\ntime = \"1:00\"\nmem = \"4G\"\ncpus_per_task = 2\n", 8,
        "[slurm] time: \"1:00\": expected a time limit");
    bad(dir, GOOD "[slurm]\ntime = \"00:61:00\"\nmem = \"4G\"\ncpus_per_task = 2\n", 8,
        "[slurm] time");
    bad(dir, GOOD "[slurm]\ntime = \"00:00:00\"\nmem = \"4G\"\ncpus_per_task = 2\n", 8,
        "[slurm] time");
    bad(dir, GOOD "[slurm]\ntime = \"01:00:00\"\nmem = \"4X\"\ncpus_per_task = 2\n", 9,
        "[slurm] mem: \"4X\"");
    bad(dir, GOOD "[slurm]\ntime = \"01:00:00\"\nmem = \"4G\"\ncpus_per_task = 0\n", 10,
        "[slurm] cpus_per_task");
    bad(dir, GOOD "[slurm]\ntime = \"01:00:00\"\nmem = \"4G\"\n", 7,
        "[slurm] cpus_per_task: missing");
    bad(dir, GOOD SLURM "extra = [\"qos=x\"]\n", 11, "[slurm] extra: item 1");
    bad(dir, GOOD SLURM "partition = \"a b\"\n", 11, "[slurm] partition");
    bad(dir, GOOD "[transform]\np99 = \"middle\"\n", 8, "[transform] p99");
    bad(dir, GOOD "jobs = 2\n", 7, "[ensemble] jobs: unknown key");
    bad(dir, GOOD "[locale]\njobs = 2\n", 7, "unknown section [locale]");
    bad(dir, "[run]\nname = \"x\"\n", 0, "no [ensemble] section");
}
END_TEST

/* Through the program: exit 2, one line naming file, line and key. */
START_TEST(bad_input_exits_2)
{
    char dir[1200], e[4096], out[4096];
    case_dir("cli-bad", dir, sizeof dir);
    put(dir, "bad.ini", HEAD SCEN "climates = [\"knmi14:WH:2051\"]\n" PER, NULL, 0);
    ck_assert_int_eq(run_zoet(dir, "ensemble bad.ini", out, sizeof out, e, sizeof e), 2);
    ck_assert_msg(tu_count_lines(e) == 1 && strstr(e, "bad.ini:5: [ensemble] climates: item 1") &&
                      strstr(e, "unknown climate \"knmi14:WH:2051\""),
                  "%s", tail(e));
    ck_assert_int_eq(run_zoet(dir, "ensemble bad.ini --jobs 0", out, sizeof out, e, sizeof e), 2);
    ck_assert_msg(tu_count_lines(e) == 1 && strstr(e, "'0'"), "%s", tail(e));
    ck_assert_int_eq(run_zoet(dir, "ensemble --no-submit bad.ini", out, sizeof out, e, sizeof e),
                     2);
    ck_assert_msg(strstr(e, "--no-submit goes with --slurm"), "%s", tail(e));
    /* --slurm without [slurm] */
    scenario(dir, "a.ini", NULL, NULL);
    put(dir, "ok.ini", GOOD, NULL, 0);
    ck_assert_int_eq(run_zoet(dir, "ensemble ok.ini --slurm", out, sizeof out, e, sizeof e), 2);
    ck_assert_msg(tu_count_lines(e) == 1 && strstr(e, "ok.ini: --slurm needs a [slurm] section"),
                  "%s", tail(e));
    ck_assert_int_eq(run_zoet(dir, "ensemble --help", out, sizeof out, e, sizeof e), 0);
    ck_assert_msg(strstr(out, "usage: zoet ensemble ENSEMBLE.ini"), "%s", tail(out));
}
END_TEST

/* ---- preparation ------------------------------------------------------------ */

START_TEST(period_not_covered_stops_before_any_run)
{
    char dir[1200], e[4096], out[4096];
    case_dir("cover", dir, sizeof dir);
    scenario(dir, "a.ini", NULL, NULL);
    put(dir, "ens.ini",
        HEAD SCEN "climates = [\"none\", \"knmi14:WH:2050\"]\n"
                  "periods = [\"2018-01-01/2018-01-31\", \"2017-12-01/2018-01-31\"]\n",
        NULL, 0);
    ck_assert_int_eq(run_zoet(dir, "ensemble ens.ini", out, sizeof out, e, sizeof e), 2);
    ck_assert_msg(tu_count_lines(e) == 1 &&
                      strstr(e, "ens.ini: member a__none__20171201-20180131 (period "
                                "2017-12-01/2018-01-31): its forcing file: ") &&
                      strstr(e, "forcing.nc: no forcing for 2017-12-01 (file covers 2018-01-01 "
                                "to 2018-12-31) (and 1 more member)"),
                  "%s", tail(e));
    /* nothing ran, nothing was transformed */
    ck_assert(!tu_exists(BASE "/cover/o/members/a__none__20180101-20180131/log.txt"));
    ck_assert(!tu_exists(BASE "/cover/o/forcing"));
}
END_TEST

START_TEST(transform_once_and_member_scenarios_check)
{
    char dir[1200], e[8192], out[8192], p[PATH_MAX + 128];
    case_dir("transform", dir, sizeof dir);
    /* two scenarios on one forcing (one named through "..": the same
       file): one transformed file per climate; a third on another file
       of the same name: a file of its own */
    scenario(dir, "a.ini", NULL, NULL);
    scenario(dir, "b.ini", "checkpoint = \"month\"\nthreads = 1\n", NULL);
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd %s && sed 's#input/forcing.nc#input/../input/forcing.nc#' b.ini > b2.ini && "
             "mv b2.ini b.ini && mkdir other && cp %s/input/forcing.nc other/ && "
             "sed 's#%s/input/forcing.nc#%s/other/forcing.nc#' a.ini > c.ini",
             dir, base, base, dir);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, e, sizeof e), 0);
    put(dir, "ens.ini",
        HEAD "scenarios = [\"a.ini\", \"b.ini\", \"c.ini\"]\n"
             "climates = [\"none\", \"knmi14:WH:2050\"]\n"
             "periods = [\"2018-01-01/2018-03-31\"]\n[transform]\nregion = \"NON\"\n" SLURM,
        NULL, 0);
    ck_assert_msg(run_zoet(dir, "ensemble ens.ini --slurm --no-submit", out, sizeof out, e,
                           sizeof e) == 0,
                  "%s", tail(e));
    ck_assert_msg(strstr(out, "transform ") && strstr(out, "slurm/submit.sh"), "%s", tail(out));
    ck_assert_int_eq(tu_run("ls " BASE "/transform/o/forcing/*.nc | wc -l", out, sizeof out,
                            NULL, 0),
                     0);
    ck_assert_msg(atoi(out) == 2, "transformed files: %s", out);
    const char *tf = BASE "/transform/o/forcing/forcing__knmi14-WH-2050__region-NON.nc";
    ck_assert_msg(tu_exists(tf), "no %s", tf);
    snprintf(p, sizeof p, "%s/o/members/c__knmi14-WH-2050__20180101-20180331/scenario.ini", dir);
    char *c = tu_slurp(p, NULL);
    ck_assert_msg(c && strstr(c, "/o/forcing/forcing-2__knmi14-WH-2050__region-NON.nc\"\n"), "%s",
                  tail(c));
    free(c);
    static const char *const members[] = {"a__none__20180101-20180331",
                                          "a__knmi14-WH-2050__20180101-20180331",
                                          "b__none__20180101-20180331",
                                          "b__knmi14-WH-2050__20180101-20180331"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/o/members/%s/scenario.ini", dir, members[i]);
        char *text = tu_slurp(p, NULL);
        ck_assert_msg(text, "no %s", p);
        char want[PATH_MAX + 256];
        /* whole and standalone: the member's name, period, forcing, folder */
        snprintf(want, sizeof want, "name = \"%s\"", members[i]);
        ck_assert_msg(strstr(text, want), "%s: %s", want, tail(text));
        ck_assert_msg(strstr(text, "start = 2018-01-01\nend = 2018-03-31\n"), "%s", tail(text));
        snprintf(want, sizeof want, "forcing = \"%s/%s\"", repo,
                 i % 2 ? tf : BASE "/input/forcing.nc");
        ck_assert_msg(strstr(text, want), "%s: %s", want, tail(text));
        snprintf(want, sizeof want, "[output]\ndir = \"%s/o/members/%s\"", dir, members[i]);
        ck_assert_msg(strstr(text, want), "%s: %s", want, tail(text));
        /* yearly checkpoints, unless the scenario has its own */
        ck_assert_msg(strstr(text, i < 2 ? "checkpoint = \"year\"" : "checkpoint = \"month\""),
                      "%s", tail(text));
        ck_assert_msg(!strstr(text, "\nextends") && !strstr(text, "/../"), "%s", tail(text));
        free(text);
        /* and zoet check loads it and every input it names, from anywhere */
        snprintf(want, sizeof want, "check %s", p);
        ck_assert_msg(run_zoet("/", want, out, sizeof out, e, sizeof e) == 0, "%s: %s", p, tail(e));
        ck_assert_msg(strstr(out, "every input is valid"), "%s", tail(out));
    }
    /* members.csv: every member pending, in task order */
    char *csv = tu_slurp(BASE "/transform/o/members.csv", NULL);
    ck_assert_ptr_nonnull(csv);
    ck_assert_msg(strncmp(csv, IO_ENS_CSV_HEADER "\n", strlen(IO_ENS_CSV_HEADER) + 1) == 0 &&
                      strstr(csv, "\n1,a__knmi14-WH-2050__20180101-20180331,a,knmi14:WH:2050,"
                                  "2018-01-01,2018-03-31,pending,,0.0\n") &&
                      tu_count_lines(csv) == 7,
                  "%s", tail(csv));
    free(csv);
    /* prepared again: the transformed file is used as it is */
    ck_assert_int_eq(run_zoet(dir, "ensemble ens.ini --slurm --no-submit", out, sizeof out, e,
                              sizeof e),
                     0);
    ck_assert_msg(!strstr(out, "transform "), "transformed again: %s", out);
    /* a member folder with outputs of another scenario.ini is refused */
    ck_assert_int_eq(tu_write(BASE "/transform/o/members/a__none__20180101-20180331/run.json",
                              "{}\n"),
                     0);
    put(dir, "a.ini", "", NULL, 0);
    scenario(dir, "a.ini", "checkpoint = \"month\"\n", NULL);
    ck_assert_int_eq(run_zoet(dir, "ensemble ens.ini --slurm --no-submit", out, sizeof out, e,
                              sizeof e),
                     2);
    ck_assert_msg(tu_count_lines(e) == 1 &&
                      strstr(e, "member a__none__20180101-20180331: ") &&
                      strstr(e, "holds the outputs of another scenario.ini"),
                  "%s", tail(e));
}
END_TEST

/* ---- local runs ------------------------------------------------------------- */

START_TEST(local_failed_member_others_go_on)
{
    char dir[1200], e[16384], out[16384], line[512];
    case_dir("local", dir, sizeof dir);
    scenario(dir, "good.ini", NULL, NULL);
    scenario(dir, "broken.ini", NULL, "missing/domain.nc");
    put(dir, "ens.ini",
        HEAD "scenarios = [\"good.ini\", \"broken.ini\"]\n" CLIM
             "periods = [\"2018-01-01/2018-02-28\"]\n[local]\njobs = 2\n",
        NULL, 0);
    ck_assert_int_eq(run_zoet(dir, "ensemble ens.ini", out, sizeof out, e, sizeof e), 3);
    /* the failure, with its reason and its log, on stderr */
    ck_assert_msg(strstr(e, "zoet ensemble: member broken__none__20180101-20180228 failed (exit "
                            "2) after ") &&
                      strstr(e, "domain.nc") &&
                      strstr(e, "/o/members/broken__none__20180101-20180228/log.txt)") &&
                      strstr(e, "1 of 2 members complete, 1 failed "
                                "(broken__none__20180101-20180228)"),
                  "%s", tail(e));
    ck_assert_msg(strstr(out, "good__none__20180101-20180228 done"), "%s", tail(out));
    /* the table over the completed member is tried at the end; two months
       hold no complete year, and that is said */
    ck_assert_msg(strstr(e, "zoet ensemble: no table: ") &&
                      strstr(e, "has no complete calendar year"),
                  "%s", tail(e));
    /* the good member's set is whole: 59 days */
    double maxrel;
    ck_assert_int_eq(
        tu_balance_days(BASE "/local/o/members/good__none__20180101-20180228/balance.csv",
                        &maxrel),
        59);
    ck_assert(tu_exists(BASE "/local/o/members/good__none__20180101-20180228/run.json"));
    ck_assert(!tu_exists(BASE "/local/o/members/broken__none__20180101-20180228/run.json"));
    char *log = tu_slurp(BASE "/local/o/members/broken__none__20180101-20180228/log.txt", NULL);
    ck_assert_msg(log && strstr(log, "missing/domain.nc") &&
                      strstr(log, "member broken__none__20180101-20180228 (task 1): exit 2 "
                                  "(failed)"),
                  "%s", tail(log));
    free(log);
    char *csv = tu_slurp(BASE "/local/o/members.csv", NULL);
    ck_assert_ptr_nonnull(csv);
    ck_assert_int_eq(csv_line(csv, "0,", line, sizeof line), 0);
    static const char row0[] =
        "0,good__none__20180101-20180228,good,none,2018-01-01,2018-02-28,done,0,";
    ck_assert_msg(strncmp(line, row0, strlen(row0)) == 0, "%s", line);
    ck_assert_int_eq(csv_line(csv, "1,", line, sizeof line), 0);
    ck_assert_msg(strstr(line, ",failed,2,"), "%s", line);
    free(csv);
    char *st = tu_slurp(BASE "/local/o/members/good__none__20180101-20180228/status.txt", NULL);
    ck_assert_msg(st && strncmp(st, "done 0 ", 7) == 0, "%s", tail(st));
    free(st);
    /* run again: the complete member is not run again, the broken one is */
    char *json = tu_slurp(BASE "/local/o/members/good__none__20180101-20180228/run.json", NULL);
    ck_assert_int_eq(run_zoet(dir, "ensemble ens.ini --jobs 1 --threads 2", out, sizeof out, e,
                              sizeof e),
                     3);
    ck_assert_msg(strstr(out, "2 members (1 complete before), 1 at a time, 2 threads each"),
                  "%s", tail(out));
    char *json2 = tu_slurp(BASE "/local/o/members/good__none__20180101-20180228/run.json", NULL);
    ck_assert_msg(json && json2 && strcmp(json, json2) == 0, "the complete member ran again");
    free(json);
    free(json2);
    log = tu_slurp(BASE "/local/o/members/good__none__20180101-20180228/log.txt", NULL);
    ck_assert_msg(log && strstr(log, "(task 0): start") &&
                      !strstr(strstr(log, "(task 0): start") + 1, "(task 0): start"),
                  "%s", tail(log));
    free(log);
}
END_TEST

/* SIGTERM to the ensemble: its running member stops and keeps its
 * checkpoint; run again, the member continues from it. */
START_TEST(sigterm_stops_members_then_they_continue)
{
    char dir[1200], e[16384], out[16384], ck[PATH_MAX + 128], errp[PATH_MAX + 32];
    case_dir("signal", dir, sizeof dir);
    scenario(dir, "year.ini", "checkpoint = \"month\"\n", NULL);
    put(dir, "ens.ini",
        HEAD "scenarios = [\"year.ini\"]\n" CLIM "periods = [\"2018-01-01/2018-12-31\"]\n", NULL,
        0);
    snprintf(ck, sizeof ck, "%s/o/members/year__none__2018/checkpoints/2018-03-01/state.nc",
             dir);
    snprintf(errp, sizeof errp, "%s/ens.err", dir);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (chdir(dir) != 0 || !freopen("ens.err", "w", stderr) ||
            !freopen("/dev/null", "w", stdout)) {
            _exit(127);
        }
        execl(zoet, zoet, "ensemble", "ens.ini", "--threads", "1", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 120000 && !tu_exists(ck); i++) {
        const struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    ck_assert_msg(tu_exists(ck), "no checkpoint of March");
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    int ws = 0;
    ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
    char *msg = tu_slurp(errp, NULL);
    ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 143,
                  "exit %d, expected 143 (ended before the signal?): %s",
                  WIFEXITED(ws) ? WEXITSTATUS(ws) : -1, tail(msg));
    ck_assert_msg(msg && strstr(msg, "interrupted by SIGTERM: 1 member stopped"), "%s", tail(msg));
    free(msg);
    /* the member stopped cleanly: exit 143 in its log, no staging folder */
    char *mlog = tu_slurp(BASE "/signal/o/members/year__none__2018/log.txt", NULL);
    ck_assert_msg(mlog && strstr(mlog, "interrupted by SIGTERM: nothing published") &&
                      strstr(mlog, "(task 0): exit 143 (interrupted)"),
                  "%s", tail(mlog));
    free(mlog);
    ck_assert_int_eq(tu_run("ls -a " BASE "/signal/o/members/year__none__2018 | grep -c staging",
                            out, sizeof out, NULL, 0),
                     1);
    char *csv = tu_slurp(BASE "/signal/o/members.csv", NULL);
    ck_assert_msg(csv && strstr(csv, ",interrupted,143,"), "%s", tail(csv));
    free(csv);
    /* again: from the newest checkpoint, to the end */
    ck_assert_msg(run_zoet(dir, "ensemble ens.ini --quiet", out, sizeof out, e, sizeof e) == 0,
                  "%s", tail(e));
    char *log = tu_slurp(BASE "/signal/o/members/year__none__2018/log.txt", NULL);
    ck_assert_msg(log && strstr(log, "(task 0): restart from checkpoint ") &&
                      strstr(log, "/checkpoints/20"),
                  "%s", tail(log));
    free(log);
    double maxrel;
    ck_assert_int_eq(
        tu_balance_days(BASE "/signal/o/members/year__none__2018/balance.csv", &maxrel), 365);
}
END_TEST

/* ---- Slurm ------------------------------------------------------------------ */

START_TEST(slurm_scripts)
{
    char dir[1200], e[16384], out[16384], cmd[PATH_MAX * 3], want[PATH_MAX + 256];
    case_dir("slurm", dir, sizeof dir);
    scenario(dir, "q.ini", "checkpoint = \"month\"\n", NULL);
    put(dir, "ens.ini",
        HEAD "scenarios = [\"q.ini\"]\n" CLIM
             "periods = [\"2018-01-01/2018-03-31\", \"2018-04-01/2018-05-31\"]\n"
             "[slurm]\ntime = \"01:30:00\"\nmem = \"2G\"\ncpus_per_task = 2\n"
             "partition = \"short\"\naccount = \"zoet\"\nextra = [\"--qos=low\"]\n"
             "table_time = \"00:10:00\"\n",
        NULL, 0);
    ck_assert_msg(run_zoet(dir, "ensemble ens.ini --slurm --no-submit", out, sizeof out, e,
                           sizeof e) == 0,
                  "%s", tail(e));
    char *m = tu_slurp(BASE "/slurm/o/slurm/members.sbatch", NULL);
    char *t = tu_slurp(BASE "/slurm/o/slurm/table.sbatch", NULL);
    ck_assert(m && t);
    static const char *const mlines[] = {
        "#!/bin/bash\n",       "\n#SBATCH --array=0-1\n",       "\n#SBATCH --time=01:30:00\n",
        "\n#SBATCH --mem=2G\n", "\n#SBATCH --cpus-per-task=2\n", "\n#SBATCH --requeue\n",
        "\n#SBATCH --open-mode=append\n", "\n#SBATCH --partition=short\n",
        "\n#SBATCH --account=zoet\n", "\n#SBATCH --qos=low\n",
        "\n#SBATCH --signal=B:USR1@300\n",
        "\nmembers=(\nq__none__20180101-20180331\nq__none__20180401-20180531\n)\n",
        "task=${SLURM_ARRAY_TASK_ID:", "--restart \"$ckpt\"", "scontrol requeue",
        "--threads \"${SLURM_CPUS_PER_TASK:-1}\""};
    for (size_t i = 0; i < sizeof mlines / sizeof mlines[0]; i++) {
        ck_assert_msg(strstr(m, mlines[i]), "members.sbatch has no '%s':\n%s", mlines[i], tail(m));
    }
    snprintf(want, sizeof want, "\n#SBATCH --output=%s/o/slurm/logs/member-%%a.out\n", dir);
    ck_assert_msg(strstr(m, want), "%s", tail(m));
    snprintf(want, sizeof want, "\nzoet='%s'\nout='%s/o'\n", zoet, dir);
    ck_assert_msg(strstr(m, want) && strstr(t, want), "no '%s'", want);
    static const char *const tlines[] = {
        "\n#SBATCH --time=00:10:00\n", "\n#SBATCH --mem=2G\n", "\n#SBATCH --partition=short\n",
        "'0,q__none__20180101-20180331,q,none,2018-01-01,2018-03-31'\n",
        "exec \"$zoet\" table --out \"$out/table\" \"${dirs[@]}\"\n"};
    for (size_t i = 0; i < sizeof tlines / sizeof tlines[0]; i++) {
        ck_assert_msg(strstr(t, tlines[i]), "table.sbatch has no '%s':\n%s", tlines[i], tail(t));
    }
    free(m);
    free(t);
    snprintf(cmd, sizeof cmd, "bash -n %s/o/slurm/members.sbatch && bash -n "
             "%s/o/slurm/table.sbatch && sh -n %s/o/slurm/submit.sh", dir, dir, dir);
    ck_assert_msg(tu_run(cmd, NULL, 0, e, sizeof e) == 0, "%s", tail(e));

    /* task 0 as Slurm would run it (no Slurm here: bash and the variables) */
    const char *mdir = BASE "/slurm/o/members/q__none__20180101-20180331";
    snprintf(cmd, sizeof cmd,
             "cd %s/o && SOURCE_DATE_EPOCH=1700000000 SLURM_ARRAY_TASK_ID=0 "
             "SLURM_CPUS_PER_TASK=1 SLURM_ARRAY_JOB_ID=7 bash slurm/members.sbatch",
             dir);
    ck_assert_msg(tu_run(cmd, out, sizeof out, e, sizeof e) == 0, "%s %s", tail(out), tail(e));
    ck_assert_msg(strstr(out, "(task 0): start (Slurm job 7_0"), "%s", tail(out));
    char a[PATH_MAX], b[PATH_MAX];
    snprintf(a, sizeof a, "%s/balance.csv", mdir);
    char *first = tu_slurp(a, NULL);
    ck_assert_ptr_nonnull(first);
    /* complete: the task ends at once */
    ck_assert_msg(tu_run(cmd, out, sizeof out, e, sizeof e) == 0, "%s", tail(e));
    ck_assert_msg(strstr(out, "complete (run.json): nothing to do"), "%s", tail(out));
    /* as if requeued before the end: the set gone, the checkpoints there */
    snprintf(b, sizeof b, "rm %s/run.json %s/balance.csv", mdir, mdir);
    ck_assert_int_eq(tu_run(b, NULL, 0, NULL, 0), 0);
    ck_assert_msg(tu_run(cmd, out, sizeof out, e, sizeof e) == 0, "%s", tail(e));
    ck_assert_msg(strstr(out, "(task 0): restart from checkpoint ") &&
                      strstr(out, "/checkpoints/2018-03-01/state.nc (Slurm job 7_0, restart "
                                  "count 0"),
                  "%s", tail(out));
    char *second = tu_slurp(a, NULL);
    ck_assert_msg(second && strcmp(first, second) == 0,
                  "balance.csv differs after the restart");
    free(first);
    free(second);
    snprintf(a, sizeof a, "%s/status.txt", mdir);
    char *st = tu_slurp(a, NULL);
    ck_assert_msg(st && strncmp(st, "done 0 ", 7) == 0, "%s", tail(st));
    free(st);
    /* the table job: members.csv, and the members it leaves out */
    snprintf(cmd, sizeof cmd, "cd %s/o && bash slurm/table.sbatch", dir);
    (void)tu_run(cmd, out, sizeof out, e, sizeof e); /* zoet table: issue 15, item 3 */
    ck_assert_msg(strstr(out, "1 of 2 members complete") &&
                      strstr(out, "not in the table (no run.json; see their log.txt): "
                                  "q__none__20180401-20180531") &&
                      strstr(out, " table --out "),
                  "%s", tail(out));
    char *csv = tu_slurp(BASE "/slurm/o/members.csv", NULL);
    ck_assert_msg(csv && strstr(csv, "\n0,q__none__20180101-20180331,q,none,2018-01-01,"
                                     "2018-03-31,done,0,") &&
                      strstr(csv, "\n1,q__none__20180401-20180531,q,none,2018-04-01,2018-05-31,"
                                  "pending,,0\n"),
                  "%s", tail(csv));
    free(csv);
}
END_TEST

/* The time limit near (Slurm's USR1 to the batch shell): the task stops its
 * run, keeps the checkpoints and requeues itself; started again, it goes on
 * from the newest checkpoint to the end. Slurm's scontrol is a stand-in
 * that notes its arguments. */
START_TEST(slurm_time_limit_requeues_the_task)
{
    char dir[1200], e[16384], out[16384], p[2400], ck[2400];
    case_dir("slurm-usr1", dir, sizeof dir);
    scenario(dir, "y.ini", "checkpoint = \"month\"\n", NULL);
    put(dir, "ens.ini",
        HEAD "scenarios = [\"y.ini\"]\n" CLIM "periods = [\"2018-01-01/2018-12-31\"]\n" SLURM,
        NULL, 0);
    ck_assert_msg(run_zoet(dir, "ensemble ens.ini --slurm --no-submit --quiet", out, sizeof out, e,
                           sizeof e) == 0,
                  "%s", tail(e));
    snprintf(p, sizeof p, "%s/bin", dir);
    ck_assert_int_eq(mkdir(p, 0755), 0);
    put(p, "scontrol", "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/scontrol.args\"\n", NULL, 0);
    snprintf(p, sizeof p, "%s/bin/scontrol", dir);
    ck_assert_int_eq(chmod(p, 0755), 0);
    snprintf(ck, sizeof ck, "%s/o/members/y__none__2018/checkpoints/2018-03-01/state.nc", dir);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char path[4096];
        snprintf(path, sizeof path, "%s/bin:%s", dir, getenv("PATH") ? getenv("PATH") : "/bin");
        snprintf(p, sizeof p, "%s/o", dir);
        if (chdir(p) != 0 || !freopen("task.out", "w", stdout) || !freopen("task.err", "w", stderr)) {
            _exit(127);
        }
        setenv("PATH", path, 1);
        setenv("SLURM_ARRAY_TASK_ID", "0", 1);
        setenv("SLURM_ARRAY_JOB_ID", "9", 1);
        setenv("SLURM_CPUS_PER_TASK", "1", 1);
        execlp("bash", "bash", "slurm/members.sbatch", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 120000 && !tu_exists(ck); i++) {
        const struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    ck_assert_msg(tu_exists(ck), "no checkpoint of March");
    ck_assert_int_eq(kill(pid, SIGUSR1), 0);
    int ws = 0;
    ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
    ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 143, "task exit %d (ended before USR1?)",
                  WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
    snprintf(p, sizeof p, "%s/bin/scontrol.args", dir);
    char *args = tu_slurp(p, NULL);
    ck_assert_msg(args && strcmp(args, "requeue 9_0\n") == 0, "scontrol: %s", tail(args));
    free(args);
    char *log = tu_slurp(BASE "/slurm-usr1/o/members/y__none__2018/log.txt", NULL);
    ck_assert_msg(log && strstr(log, "(task 0): time limit near: stopping the run") &&
                      strstr(log, "interrupted by SIGTERM: nothing published") &&
                      strstr(log, "(task 0): exit 143 (interrupted)") &&
                      strstr(log, "(task 0): requeued: the task continues from checkpoint "),
                  "%s", tail(log));
    free(log);
    char *st = tu_slurp(BASE "/slurm-usr1/o/members/y__none__2018/status.txt", NULL);
    ck_assert_msg(st && strncmp(st, "interrupted 143 ", 16) == 0, "%s", tail(st));
    free(st);
    /* the requeued task */
    snprintf(p, sizeof p,
             "cd %s/o && SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_JOB_ID=9 SLURM_RESTART_COUNT=1 "
             "bash slurm/members.sbatch",
             dir);
    ck_assert_msg(tu_run(p, out, sizeof out, e, sizeof e) == 0, "%s %s", tail(out), tail(e));
    ck_assert_msg(strstr(out, "restart from checkpoint ") && strstr(out, "restart count 1"), "%s",
                  tail(out));
    double maxrel;
    ck_assert_int_eq(tu_balance_days(BASE "/slurm-usr1/o/members/y__none__2018/balance.csv",
                                     &maxrel),
                     365);
}
END_TEST

Suite *suite_ensemble(void)
{
    Suite *su = suite_create("ensemble");
    TCase *tp = tcase_create("parse");
    tcase_add_unchecked_fixture(tp, paths, NULL);
    tcase_add_test(tp, product_order_and_names);
    tcase_add_test(tp, bad_keys_are_named);
    suite_add_tcase(su, tp);
    TCase *tc = tcase_create("run");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, setup_inputs, NULL);
    tcase_add_test(tc, bad_input_exits_2);
    tcase_add_test(tc, period_not_covered_stops_before_any_run);
    tcase_add_test(tc, transform_once_and_member_scenarios_check);
    tcase_add_test(tc, local_failed_member_others_go_on);
    tcase_add_test(tc, sigterm_stops_members_then_they_continue);
    tcase_add_test(tc, slurm_scripts);
    tcase_add_test(tc, slurm_time_limit_requeues_the_task);
    suite_add_tcase(su, tc);
    return su;
}
