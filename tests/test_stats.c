/*
 * test_stats.c: suite "stats", core/core_stats.c by hand, and `zoet stats`
 * (driver/stats.c) on a run folder made by hand.
 */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_stats.h"
#include "io_forcing.h"
#include "io_results.h"
#include "peat.h"
#include "stats.h"
#include "table.h"
#include "testutil.h"

START_TEST(deficit_by_hand)
{
    /* ET0 - P: +3, +3, -10 (floored at 0, no surplus), +4, +5: the running
       deficit 3, 6, 0, 4, 9: max 9 (without the floor it would be 6) */
    const double p[5] = {0, 1, 12, 0, 0}, e[5] = {3, 4, 2, 4, 5};
    ck_assert_double_eq_tol(core_stats_deficit_max(p, e, 5), 9.0, 1e-12);
    const double pw[3] = {5, 5, 5}, ew[3] = {1, 1, 1};
    ck_assert_double_eq(core_stats_deficit_max(pw, ew, 3), 0.0);
    const double pn[2] = {0, NAN};
    ck_assert(isnan(core_stats_deficit_max(pn, e, 2)));
}
END_TEST

START_TEST(ranks_and_return_values)
{
    /* nine years: the 1-in-10 value is the largest (r = 10/10 = 1); the
       median (T = 2): r = 5, the fifth largest */
    const double v[9] = {100, 300, 200, 250, 150, 120, 180, 90, 210};
    int rank[9];
    ck_assert_int_eq(core_stats_rank(v, 9, +1, rank), 9);
    ck_assert_int_eq(rank[1], 1);
    ck_assert_int_eq(rank[7], 9);
    ck_assert_double_eq(core_stats_return_value(v, 9, +1, 10.0), 300.0);
    ck_assert_double_eq(core_stats_return_value(v, 9, +1, 2.0), 180.0);
    /* T = 4: r = 2.5, between 250 (rank 2) and 210 (rank 3): 230 */
    ck_assert_double_eq_tol(core_stats_return_value(v, 9, +1, 4.0), 230.0, 1e-12);
    /* smaller is more extreme: the 1-in-10 value is the smallest */
    ck_assert_double_eq(core_stats_return_value(v, 9, -1, 10.0), 90.0);
    /* eight years cannot give a 1-in-10 value; NaN is not counted */
    ck_assert(isnan(core_stats_return_value(v, 8, +1, 10.0)));
    const double w[4] = {1, NAN, 3, 3};
    int rw[4];
    ck_assert_int_eq(core_stats_rank(w, 4, +1, rw), 3);
    ck_assert_int_eq(rw[1], 0);
    ck_assert_int_eq(rw[2], 1); /* equal values rank in the order given */
    ck_assert_int_eq(rw[3], 2);
    ck_assert_int_eq(rw[0], 3);
    ck_assert_int_eq(core_stats_closest(v, 9, 207.0), 8); /* 210 beats 200 */
    ck_assert_int_eq(core_stats_closest(w, 4, 2.0), 0);   /* 1 and 3 tie: first */
    ck_assert_int_eq(core_stats_closest(v, 9, NAN), -1);
}
END_TEST

/* Append printf text to a growing buffer. */
static void put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    if (*len + 256 > *cap) {
        *cap = 2 * *cap + 4096;
        *buf = realloc(*buf, *cap);
        ck_assert_ptr_nonnull(*buf);
    }
    va_start(ap, fmt);
    *len += (size_t)vsnprintf(*buf + *len, *cap - *len, fmt, ap);
    va_end(ap);
}

/*
 * A run folder of the nine years 2001-2009, year k = 1..9:
 *   forcing, one station (270): no rain, ET0 k mm/d: deficit 183 k mm;
 *   supply_regions.csv: each province class 3 short 1000 m3/d and class 4
 *     short 500 k m3/d;
 *   lake.csv: level -0.10 but -0.10 - 0.01 k on 15 July, and -0.9 on 15
 *     December (outside the summer); buffer 300 - k Mm3 on 15 July;
 *   peat_years.csv: Fryslan's share 0.1 k.
 */
/* peat.nc (and the other peat tables) of two peat cells near Leeuwarden
 * over 2001-2009, the water table at 0.30 m, deeper by 0.1 m per factor
 * above 1 (drv_peat). */
static void make_peat(const char *dir, int factor)
{
    static const uint8_t mask[2] = {ZT_MASK_ACTIVE, ZT_MASK_ACTIVE};
    static const uint8_t soil[2] = {ZT_SOIL_PEAT, ZT_SOIL_PEAT};
    static const int32_t d_id[1] = {21001};
    static const int d_prov[1] = {ZT_PROV_FRYSLAN};
    static const zt_idx d_start[2] = {0, 2}, d_cells[2] = {0, 1};
    const zt_day first = zt_day_from_ymd(2001, 1, 1), last = zt_day_from_ymd(2009, 12, 31);
    const drv_peat_setup su = {{2, 1, 182000.0, 579000.0, 250.0}, mask, soil, 1, d_id, d_prov,
                               d_start, d_cells, 250.0 * 250.0, NULL, first, last};
    const double depth[2] = {0.30 + 0.1 * (factor - 1), 0.35 + 0.1 * (factor - 1)};
    drv_peat *p = NULL;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_int_eq(drv_peat_create(&su, &p, &err), ZT_OK);
    for (zt_day d = first; d <= last; d++) {
        drv_peat_day(p, d, depth);
    }
    ck_assert_msg(drv_peat_write(p, dir, NAN, NULL, 1, &err) == ZT_OK, "%s", err.msg);
    drv_peat_destroy(&p);
}

static void make_run(const char *dir, int factor)
{
    char path[600], forc[600];
    char *b = NULL, *l = NULL, *r = NULL;
    size_t bn = 0, bc = 0, ln = 0, lc = 0, rn = 0, rc = 0;
    const char *files[1];
    io_knmi_opts ko;
    zt_err err;
    make_peat(dir, factor);
    put(&b, &bn, &bc, "STN,YYYYMMDD,RH,EV24\n");
    put(&l, &ln, &lc, "date,lake,level,buffer\n");
    put(&r, &rn, &rc, "date,province,class,demand,allocated,realised,shortage\n");
    for (zt_day d = zt_day_from_ymd(2001, 1, 1); d <= zt_day_from_ymd(2009, 12, 31); d++) {
        int y, m, dd;
        char date[16];
        zt_day_to_ymd(d, &y, &m, &dd);
        zt_day_format(d, date);
        const int k = y - 2000;
        put(&b, &bn, &bc, "270,%04d%02d%02d,0,%d\n", y, m, dd, 10 * k);
        const double lev = m == 7 && dd == 15 ? -0.10 - 0.01 * k : m == 12 && dd == 15 ? -0.9 : -0.10;
        put(&l, &ln, &lc, "%s,ijsselmeer_markermeer,%.4f,%d\n", date, lev,
            m == 7 && dd == 15 ? 300 - k : 400);
        static const char *const pv[3] = {"groningen", "fryslan", "drenthe"};
        for (int p = 0; p < 3; p++) {
            put(&r, &rn, &rc, "%s,%s,3,0,0,0,1000\n%s,%s,4,0,0,0,%d\n", date, pv[p], date, pv[p],
                500 * k * factor);
        }
    }
    snprintf(path, sizeof path, "%s/k.csv", dir);
    ck_assert_int_eq(tu_write(path, b), 0);
    snprintf(forc, sizeof forc, "%s/forcing.nc", dir);
    files[0] = path;
    memset(&ko, 0, sizeof ko);
    ko.stations = "data/knmi/stations.csv";
    ko.first = 1;
    zt_err_clear(&err);
    ck_assert_msg(io_knmi_import(files, 1, &ko, forc, NULL, &err) == ZT_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/lake.csv", dir);
    ck_assert_int_eq(tu_write(path, l), 0);
    snprintf(path, sizeof path, "%s/supply_regions.csv", dir);
    ck_assert_int_eq(tu_write(path, r), 0);
    bn = 0;
    put(&b, &bn, &bc, "year,province,peat_area_ha,share_20_40cm\n");
    for (int k = 1; k <= 9; k++) {
        put(&b, &bn, &bc, "%d,Fryslan,100.0,%.1f\n", 2000 + k, 0.1 * k);
    }
    snprintf(path, sizeof path, "%s/peat_years.csv", dir);
    ck_assert_int_eq(tu_write(path, b), 0);
    bn = 0;
    put(&b, &bn, &bc,
        "{\"program\": \"zoet\", \"complete\": true, \"start_date\": \"2001-01-01\", "
        "\"end_date\": \"2009-12-31\", \"inputs\": [{\"role\": \"forcing\", \"path\": \"%s\"}]}\n",
        forc);
    snprintf(path, sizeof path, "%s/run.json", dir);
    ck_assert_int_eq(tu_write(path, b), 0);
    free(b);
    free(l);
    free(r);
}

START_TEST(run_by_hand)
{
    char dir[256], out[300];
    drv_stats s;
    zt_err err;
    tu_tmpdir("stats_run", dir, sizeof dir);
    make_run(dir, 1);
    zt_err_clear(&err);
    ck_assert_msg(drv_stats_compute(dir, &s, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(s.y0, 2001);
    ck_assert_int_eq(s.ny, 9);
    /* 9 years: the 1-in-10 value is the largest (2009), the 1-in-2 the fifth */
    ck_assert_int_eq(s.dry10_year, 2009);
    ck_assert_int_eq(s.avg_year, 2005);
    const drv_series *d = drv_stats_find(&s, "deficit_max_apr_sep", "station 270", "");
    ck_assert_ptr_nonnull(d);
    ck_assert_double_eq_tol(drv_stats_value(&s, d, 2003), 3 * 183.0, 1e-9);
    d = drv_stats_find(&s, "shortage", "fryslan", "4");
    ck_assert_ptr_nonnull(d);
    ck_assert_double_eq_tol(drv_stats_value(&s, d, 2004), 366 * 2000 * 1e-6, 1e-12);
    d = drv_stats_find(&s, "shortage", "north", "3-4");
    ck_assert_ptr_nonnull(d);
    ck_assert_double_eq_tol(drv_stats_value(&s, d, 2002), 3 * 365 * (1000 + 1000) * 1e-6, 1e-12);
    d = drv_stats_find(&s, "lake_min_level_apr_sep", "ijsselmeer_markermeer", "");
    ck_assert_ptr_nonnull(d);
    ck_assert_double_eq_tol(drv_stats_value(&s, d, 2007), -0.17, 1e-12); /* not -0.9 */
    d = drv_stats_find(&s, "lake_min_buffer_apr_sep", "ijsselmeer_markermeer", "");
    ck_assert_double_eq_tol(drv_stats_value(&s, d, 2007), 293.0, 1e-12);
    d = drv_stats_find(&s, "peat_share_20_40cm", "fryslan", "");
    ck_assert_ptr_nonnull(d);
    ck_assert_double_eq_tol(drv_stats_value(&s, d, 2002), 0.2, 1e-12);
    snprintf(out, sizeof out, "%s/stats", dir);
    ck_assert_msg(drv_stats_write(&s, out, &err) == ZT_OK, "%s", err.msg);
    drv_stats_free(&s);
    snprintf(out, sizeof out, "%s/stats/summary.csv", dir);
    char *t = tu_slurp(out, NULL);
    ck_assert_ptr_nonnull(t);
    /* the 1-in-10 peat share: the smallest (0.1), smaller being drier */
    ck_assert_msg(strstr(t, "\npeat_share_20_40cm,fryslan,,return_period_10,,0.1,1\n"), "%s", t);
    ck_assert_msg(strstr(t, "\ndeficit_max_apr_sep,north,,dry_1_in_10_year,2009,1647,mm\n"), "%s", t);
    free(t);
    snprintf(out, sizeof out, "%s/stats/return_periods.csv", dir);
    t = tu_slurp(out, NULL);
    ck_assert_msg(strstr(t, "\ndeficit_max_apr_sep,north,,2009,1647,mm,1,9,0.1000,10.000\n"), "%s", t);
    free(t);
}
END_TEST

/* In a new folder `tag`: the runs ref (factor 1) and dry (factor 2) by
 * make_run, and the path of a table folder beside them. Each buffer holds
 * 256 (base) or 300 bytes. */
static void two_runs(const char *tag, char *base, char *a, char *b, char *out)
{
    tu_tmpdir(tag, base, 256);
    snprintf(a, 300, "%s/ref", base);
    snprintf(b, 300, "%s/dry", base);
    snprintf(out, 300, "%s/table", base);
    ck_assert_int_eq(mkdir(a, 0777), 0);
    ck_assert_int_eq(mkdir(b, 0777), 0);
    make_run(a, 1);
    make_run(b, 2);
}

/* Two runs by hand, the second with twice the class 4 shortage: the table
 * has the 1-in-10 dry year 2009 for both, and in it Fryslan's class 4 short
 * 365 x 500 x 9 m3 = 1.6425 Mm3 in the reference and 3.285 in the other
 * (+1.6425); 2018 is not in the runs. */
START_TEST(table_of_two_runs)
{
    char base[256], a[300], b[300], out[300], path[400];
    zt_err err;
    two_runs("table_runs", base, a, b, out);
    const char *runs[2] = {a, b};
    zt_err_clear(&err);
    ck_assert_msg(drv_table(runs, 2, out, 1, &err) == ZT_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/table.csv", out);
    char *t = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert_msg(strstr(t, "\nref,,shortage,fryslan,4,dry_1_in_10_year,2009,1.6425,Mm3,0\n"), "%s", t);
    ck_assert_msg(strstr(t, "\ndry,,shortage,fryslan,4,dry_1_in_10_year,2009,3.285,Mm3,1.6425\n"), "%s", t);
    ck_assert_msg(strstr(t, "\ndry,,shortage,fryslan,4,2018,,nan,Mm3,nan\n"), "%s", t);
    free(t);
    snprintf(path, sizeof path, "%s/table.md", out);
    t = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert_msg(strstr(t, "| shortage fryslan class 4 (Mm3) |"), "%s", t);
    ck_assert_msg(strstr(t, "3.28 (+1.64)"), "%s", t);
    free(t);
    /* a map per run, and the page passes the headless browser's check:
       it loads, both maps load, no console errors */
    snprintf(path, sizeof path, "%s/map_1_dry.png", out);
    ck_assert(tu_exists(path));
    char cmd[700], so[4096];
    snprintf(cmd, sizeof cmd, "python3 tests/browser/check_html.py %s/table.html", out);
    const int rc = tu_run(cmd, so, sizeof so, NULL, 0);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, so);
    ck_assert_msg(strstr(so, "images: 2/2 loaded"), "%s", so);
    /* the same run twice (once with a trailing slash), or two runs of one
       name: their columns could not be told apart */
    char a2[310];
    snprintf(a2, sizeof a2, "%s/", a);
    runs[1] = a2;
    zt_err_clear(&err);
    ck_assert_int_eq(drv_table(runs, 2, out, 1, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "two runs are named 'ref'"), "%s", err.msg);
    /* a folder that is not a run is named */
    runs[1] = base;
    zt_err_clear(&err);
    ck_assert_int_eq(drv_table(runs, 2, out, 1, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "not the output folder of a complete zoet run"), "%s", err.msg);
}
END_TEST

START_TEST(bad_run_folders)
{
    char dir[256], path[300];
    drv_stats s;
    zt_err err;
    tu_tmpdir("stats_bad", dir, sizeof dir);
    zt_err_clear(&err);
    ck_assert_int_eq(drv_stats_compute(dir, &s, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "not the output folder of a complete zoet run"), "%s", err.msg);
    snprintf(path, sizeof path, "%s/run.json", dir);
    ck_assert_int_eq(tu_write(path, "{\"complete\": tru"), 0);
    zt_err_clear(&err);
    ck_assert_int_eq(drv_stats_compute(dir, &s, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "run.json: not JSON"), "%s", err.msg);
    ck_assert_int_eq(tu_write(path, "{\"complete\": true, \"start_date\": \"2018-03-01\", "
                                    "\"end_date\": \"2018-12-31\"}"), 0);
    zt_err_clear(&err);
    ck_assert_int_eq(drv_stats_compute(dir, &s, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "no complete calendar year"), "%s", err.msg);
}
END_TEST

/* A hand-edited run.json: a role or path that is not a string, and a
 * "complete" that is not true, are said, not a crash or a path "(null)". */
START_TEST(bad_manifests)
{
    static const char *const bad[][2] = {
        {"\"inputs\": [{\"role\": null, \"path\": \"f.nc\"}]", NULL},
        {"\"inputs\": [{\"role\": \"forcing\", \"path\": null}]",
         "the forcing input's 'path' is missing or not a string"},
        {"\"inputs\": [{\"role\": \"forcing\", \"path\": 12}]",
         "the forcing input's 'path' is missing or not a string"},
        {"\"inputs\": [{\"role\": \"forcing\"}]",
         "the forcing input's 'path' is missing or not a string"},
    };
    char dir[256], path[300], json[600];
    io_run_manifest m;
    zt_err err;
    tu_tmpdir("stats_manifest", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/run.json", dir);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(json, sizeof json,
                 "{\"complete\": true, \"start_date\": \"2001-01-01\", "
                 "\"end_date\": \"2009-12-31\", %s}", bad[i][0]);
        ck_assert_int_eq(tu_write(path, json), 0);
        zt_err_clear(&err);
        const zt_status st = io_results_manifest(dir, &m, &err);
        if (!bad[i][1]) {
            /* an input without a role is no forcing */
            ck_assert_msg(st == ZT_OK, "%s", err.msg);
            ck_assert_str_eq(m.forcing, "");
            continue;
        }
        ck_assert_int_eq(st, ZT_EINPUT);
        ck_assert_msg(strstr(err.msg, bad[i][1]) && strstr(err.msg, "run.json"), "%s", err.msg);
    }
    ck_assert_int_eq(tu_write(path, "{\"complete\": \"false\", \"start_date\": \"2001-01-01\", "
                                    "\"end_date\": \"2009-12-31\"}"), 0);
    zt_err_clear(&err);
    ck_assert_int_eq(io_results_manifest(dir, &m, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "the run is not complete"), "%s", err.msg);
}
END_TEST

/* A value that is not finite in a table of the run (NaN, Inf, or a number
 * beyond a double, 1e400) is said with file, line and column; it would
 * otherwise rank as the most extreme year or drop the year unseen. */
START_TEST(tables_not_finite)
{
    static const char *const bad[3] = {"nan", "inf", "1e400"};
    char dir[256], path[300];
    drv_stats s;
    zt_err err;
    tu_tmpdir("stats_finite", dir, sizeof dir);
    make_run(dir, 1);
    snprintf(path, sizeof path, "%s/supply_regions.csv", dir);
    char *orig = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(orig);
    for (int i = 0; i < 3; i++) {
        /* line 3: 2001-01-01, groningen, class 4 */
        char *t = malloc(strlen(orig) + 16), *nl = strchr(strchr(strchr(orig, '\n') + 1, '\n') + 1, '\n');
        ck_assert_ptr_nonnull(t);
        const char *c = nl;
        while (c[-1] != ',') {
            c--;
        }
        snprintf(t, strlen(orig) + 16, "%.*s%s%s", (int)(c - orig), orig, bad[i], nl);
        ck_assert_int_eq(tu_write(path, t), 0);
        free(t);
        zt_err_clear(&err);
        ck_assert_int_eq(drv_stats_compute(dir, &s, &err), ZT_EINPUT);
        ck_assert_msg(strstr(err.msg, "supply_regions.csv:3") && strstr(err.msg, "shortage") &&
                          strstr(err.msg, "expected a finite number"),
                      "%s", err.msg);
    }
    free(orig);
}
END_TEST

/* A table cut short at a line end (a copy interrupted), or a year given
 * twice, does not match the run's days: said, naming the file, the key
 * and the year, instead of a year's value turning into NaN unseen (the
 * 1-in-10 dry year's shortage then showed "nan"). */
START_TEST(tables_truncated)
{
    char dir[256], path[300];
    drv_stats s;
    zt_err err;
    tu_tmpdir("stats_truncated", dir, sizeof dir);
    make_run(dir, 1);
    snprintf(path, sizeof path, "%s/supply_regions.csv", dir);
    char *t = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(t);
    char *cut = strstr(t, "\n2009-06-01,");
    ck_assert_ptr_nonnull(cut);
    cut[1] = '\0';
    ck_assert_int_eq(tu_write(path, t), 0);
    free(t);
    zt_err_clear(&err);
    ck_assert_int_eq(drv_stats_compute(dir, &s, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "supply_regions.csv: groningen class 3 has 151 row(s) in 2009, "
                                  "expected 365 (one a day)"),
                  "%s", err.msg);
    make_run(dir, 1);
    snprintf(path, sizeof path, "%s/peat_years.csv", dir);
    ck_assert_int_eq(tu_write(path, "year,province,peat_area_ha,share_20_40cm\n"
                                    "2001,Fryslan,100.0,0.1\n2001,Fryslan,100.0,0.2\n"), 0);
    zt_err_clear(&err);
    ck_assert_int_eq(drv_stats_compute(dir, &s, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "peat_years.csv: Fryslan has 2 row(s) in 2001, expected 1"),
                  "%s", err.msg);
}
END_TEST

/* An area with a comma (a quoted field of the run's table) stays one
 * field in years.csv, summary.csv, return_periods.csv and table.csv. */
START_TEST(area_with_comma)
{
    char dir[256], path[300], out[300];
    drv_stats s;
    zt_err err;
    tu_tmpdir("stats_comma", dir, sizeof dir);
    ck_assert_int_eq(mkdir(strcat(strcpy(path, dir), "/run"), 0777), 0);
    make_run(path, 1);
    snprintf(path, sizeof path, "%s/run/peat_years.csv", dir);
    char b[2048] = "year,province,peat_area_ha,share_20_40cm\n";
    for (int k = 1; k <= 9; k++) {
        snprintf(b + strlen(b), sizeof b - strlen(b), "%d,\"Fryslan, west\",100.0,0.5\n", 2000 + k);
    }
    ck_assert_int_eq(tu_write(path, b), 0);
    snprintf(path, sizeof path, "%s/run", dir);
    zt_err_clear(&err);
    ck_assert_msg(drv_stats_compute(path, &s, &err) == ZT_OK, "%s", err.msg);
    snprintf(out, sizeof out, "%s/stats", dir);
    ck_assert_msg(drv_stats_write(&s, out, &err) == ZT_OK, "%s", err.msg);
    drv_stats_free(&s);
    static const char *const files[3][2] = {
        {"stats/years.csv", "\n2001,peat_share_20_40cm,\"fryslan, west\",,0.5,1\n"},
        {"stats/summary.csv", "\npeat_share_20_40cm,\"fryslan, west\",,return_period_2,,0.5,1\n"},
        {"stats/return_periods.csv", "\npeat_share_20_40cm,\"fryslan, west\",,2001,0.5,1,1,9,"},
    };
    for (int i = 0; i < 3; i++) {
        snprintf(out, sizeof out, "%s/%s", dir, files[i][0]);
        char *t = tu_slurp(out, NULL);
        ck_assert_ptr_nonnull(t);
        ck_assert_msg(strstr(t, files[i][1]), "%s: %s", out, t);
        free(t);
    }
    const char *runs[1] = {path};
    snprintf(out, sizeof out, "%s/table", dir);
    ck_assert_msg(drv_table(runs, 1, out, 1, &err) == ZT_OK, "%s", err.msg);
    snprintf(out, sizeof out, "%s/table/table.csv", dir);
    char *t = tu_slurp(out, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert_msg(strstr(t, "\nrun,,peat_share_20_40cm,\"fryslan, west\",,average_year,2005,0.5,1,0\n"),
                  "%s", t);
    free(t);
}
END_TEST

/* A run whose folder name holds HTML's and Markdown's special characters:
 * escaped wherever the page shows it (the table, the list, the charts' bar
 * titles), so the page keeps its structure. */
START_TEST(odd_run_names)
{
    char base[256], a[300], b[300], out[300], path[400];
    zt_err err;
    two_runs("table_odd", base, a, b, out);
    /* the name by a link (make_run's run.json holds its folder unescaped) */
    snprintf(b, sizeof b, "%s/a\"b<i>&c", base);
    ck_assert_int_eq(symlink("dry", b), 0);
    const char *runs[2] = {a, b};
    zt_err_clear(&err);
    ck_assert_msg(drv_table(runs, 2, out, 1, &err) == ZT_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/table.html", out);
    char *t = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert_msg(!strstr(t, "<i>"), "a run's name unescaped in table.html");
    ck_assert(strstr(t, "<title>a&quot;b&lt;i&gt;&amp;c average year: "));
    free(t);
}
END_TEST

/* A run named with a '|': escaped in table.md, so each row keeps one cell
 * per column (1 + 2 x 3 cells, 8 pipes unescaped). */
START_TEST(md_pipe_in_name)
{
    char base[256], a[300], b[300], out[300], path[400];
    zt_err err;
    two_runs("table_pipe", base, a, b, out);
    snprintf(b, sizeof b, "%s/wet|dry", base);
    ck_assert_int_eq(symlink("dry", b), 0);
    const char *runs[2] = {a, b};
    zt_err_clear(&err);
    ck_assert_msg(drv_table(runs, 2, out, 1, &err) == ZT_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/table.md", out);
    char *t = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert_msg(strstr(t, "| wet\\|dry: average year (2005) |"), "%s", t);
    int pipes = 0;
    for (const char *c = t; *c && *c != '\n'; c++) {
        pipes += *c == '|' && (c == t || c[-1] != '\\');
    }
    ck_assert_int_eq(pipes, 8);
    free(t);
}
END_TEST

/* Maps: a run without peat.nc (no groundwater) has no map, as maps()
 * says, and the table is made; a run whose peat.nc cannot be read fails
 * the table (exit 2) without leaving table.csv and table.md that look
 * whole beside no table.html. */
START_TEST(table_maps_missing_or_bad)
{
    char base[256], a[300], b[300], out[300], path[400];
    zt_err err;
    two_runs("table_maps", base, a, b, out);
    snprintf(path, sizeof path, "%s/peat.nc", b);
    ck_assert_int_eq(unlink(path), 0);
    const char *runs[2] = {a, b};
    zt_err_clear(&err);
    ck_assert_msg(drv_table(runs, 2, out, 1, &err) == ZT_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/map_0_ref.png", out);
    ck_assert(tu_exists(path));
    snprintf(path, sizeof path, "%s/map_1_dry.png", out);
    ck_assert(!tu_exists(path));
    snprintf(path, sizeof path, "%s/peat.nc", b);
    ck_assert_int_eq(tu_write(path, "not NetCDF"), 0);
    snprintf(out, sizeof out, "%s/table2", base);
    zt_err_clear(&err);
    ck_assert_int_eq(drv_table(runs, 2, out, 1, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "dry/peat.nc"), "%s", err.msg);
    snprintf(path, sizeof path, "%s/table.csv", out);
    ck_assert_msg(!tu_exists(path), "%s left after a failure", path);
    snprintf(path, sizeof path, "%s/table.md", out);
    ck_assert_msg(!tu_exists(path), "%s left after a failure", path);
}
END_TEST

Suite *suite_stats(void)
{
    Suite *su = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_add_test(tc, deficit_by_hand);
    tcase_add_test(tc, ranks_and_return_values);
    tcase_add_test(tc, run_by_hand);
    tcase_add_test(tc, bad_run_folders);
    tcase_add_test(tc, bad_manifests);
    tcase_add_test(tc, tables_not_finite);
    tcase_add_test(tc, tables_truncated);
    tcase_add_test(tc, area_with_comma);
    tcase_add_test(tc, odd_run_names);
    tcase_add_test(tc, md_pipe_in_name);
    tcase_add_test(tc, table_maps_missing_or_bad);
    tcase_add_test(tc, table_of_two_runs);
    suite_add_tcase(su, tc);
    return su;
}
