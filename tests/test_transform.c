/*
 * test_transform.c: suite "transform", `zoet forcing transform` on one
 * station (driver/transform.c): Leeuwarden 1991-2020 to KNMI'14 WH 2050.
 * Issue 15 asks: the monthly mean precipitation changes equal the `ave`
 * factors within 1 percentage point, the wet-day count changes equal `wdf`
 * within 1 point, and the JJA Makkink change lies within 2 points of the
 * README's national figure (+10.5 % for WH 2050); the table the fallback
 * scales ET0 by (data/knmi14/makkink-monthly-change.csv) is what this
 * transformation gives. A forcing without TG and Q: precipitation
 * transformed, ET0 scaled by that table, labelled a fallback. A station
 * stationstabel does not list takes the region of the nearest listed one.
 * KNMI'23: delta change by data/knmi23/approximation.csv, labelled.
 */
#include <check.h>
#include <netcdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_forcing.h"
#include "io_knmi14.h"
#include "io_stations.h"
#include "testutil.h"
#include "transform.h"

#define KNMI270 "data/knmi/etmgeg_270_leeuwarden_1951-2021_selected.csv"
#define STATIONS "data/knmi/stations.csv"

START_TEST(leeuwarden_wh2050)
{
    char dir[256], in[512], out[512];
    const char *files[1] = {KNMI270};
    io_knmi_opts ko;
    io_stations a, b;
    io_k14_deltas dl;
    zt_err err;
    tu_tmpdir("transform", dir, sizeof dir);
    snprintf(in, sizeof in, "%s/f.nc", dir);
    snprintf(out, sizeof out, "%s/wh.nc", dir);
    memset(&ko, 0, sizeof ko);
    ko.stations = STATIONS;
    ko.fill_nearest = 0;
    ko.first = zt_day_from_ymd(1991, 1, 1);
    ko.last = zt_day_from_ymd(2020, 12, 31);
    zt_err_clear(&err);
    ck_assert_msg(io_knmi_import(files, 1, &ko, in, NULL, &err) == ZT_OK, "%s", err.msg);
    const drv_transform_opts o = {.in = in, .out = out, .scenario = "WH", .horizon = "2050",
                                  .p99 = "centr", .deltas = "data/knmi14", .quiet = 1};
    ck_assert_msg(drv_transform(&o, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(io_stations_read(in, &a, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(io_stations_read(out, &b, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(io_k14_read("data/knmi14", "WH", "2050", "NON", "centr", &dl, &err) == ZT_OK,
                  "%s", err.msg);
    double s0[12] = {0}, s1[12] = {0}, w0[12] = {0}, w1[12] = {0}, e0 = 0.0, e1 = 0.0;
    double m0[12] = {0}, m1[12] = {0}, mk[12];
    const char *keys[2] = {"WH", "2050"};
    ck_assert_msg(io_monthly_change("data/knmi14/makkink-monthly-change.csv", keys, 2, mk, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    for (int k = 0; k < a.nd; k++) {
        int y, m, d;
        zt_day_to_ymd(a.first + k, &y, &m, &d);
        s0[m - 1] += a.p[k];
        s1[m - 1] += b.p[k];
        w0[m - 1] += a.p[k] >= 0.1f;
        w1[m - 1] += b.p[k] >= 0.1f;
        m0[m - 1] += a.et0[k];
        m1[m - 1] += b.et0[k];
        if (m >= 6 && m <= 8) {
            e0 += a.et0[k];
            e1 += b.et0[k];
        }
    }
    for (int m = 0; m < 12; m++) {
        const double dave = 100.0 * (s1[m] / s0[m] - 1.0), dwdf = 100.0 * (w1[m] / w0[m] - 1.0);
        ck_assert_msg(fabs(dave - dl.rr[m].ave) <= 1.0, "month %d: mean %+.2f %%, ave %+.3f %%",
                      m + 1, dave, dl.rr[m].ave);
        ck_assert_msg(fabs(dwdf - dl.rr[m].wdf) <= 1.0, "month %d: wet days %+.2f %%, wdf %+.3f %%",
                      m + 1, dwdf, dl.rr[m].wdf);
        const double dm = 100.0 * (m1[m] / m0[m] - 1.0);
        ck_assert_msg(fabs(dm - mk[m]) <= 0.006, "month %d: Makkink %+.3f %%, the fallback's table %+.2f %%",
                      m + 1, dm, mk[m]);
    }
    const double dmk = 100.0 * (e1 / e0 - 1.0);
    ck_assert_msg(fabs(dmk - 10.5) <= 2.0, "JJA Makkink %+.2f %%, README +10.5 %%", dmk);
    io_stations_free(&a);
    io_stations_free(&b);
    /* the region of a station the table does not list must be given */
    const drv_transform_opts bad = {.in = in, .out = out, .scenario = "WH", .horizon = "2050",
                                    .p99 = "centr", .deltas = "tests/data", .quiet = 1};
    zt_err_clear(&err);
    ck_assert_int_eq(drv_transform(&bad, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "stationstabel"), "%s", err.msg);
}
END_TEST

/* A forcing file from CSV text (no TG and Q) in dir/name. */
static void small_forcing(const char *dir, const char *name, const char *text, char *in, size_t n)
{
    char csv[512];
    const char *files[1] = {csv};
    io_knmi_opts ko;
    zt_err err;
    snprintf(csv, sizeof csv, "%s/%s.csv", dir, name);
    snprintf(in, n, "%s/%s.nc", dir, name);
    ck_assert_int_eq(tu_write(csv, text), 0);
    memset(&ko, 0, sizeof ko);
    ko.stations = STATIONS;
    ko.first = 1;
    ko.last = 0;
    zt_err_clear(&err);
    ck_assert_msg(io_knmi_import(files, 1, &ko, in, NULL, &err) == ZT_OK, "%s", err.msg);
}

/* The global attribute zoet_transform of path contains want. */
static void assert_label(const char *path, const char *want)
{
    int nc;
    size_t len;
    char text[512] = "";
    ck_assert_int_eq(nc_open(path, NC_NOWRITE, &nc), NC_NOERR);
    ck_assert_int_eq(nc_inq_attlen(nc, NC_GLOBAL, "zoet_transform", &len), NC_NOERR);
    ck_assert_uint_lt(len, sizeof text);
    ck_assert_int_eq(nc_get_att_text(nc, NC_GLOBAL, "zoet_transform", text), NC_NOERR);
    nc_close(nc);
    ck_assert_msg(strstr(text, want), "zoet_transform '%s' lacks '%s'", text, want);
}

START_TEST(forcing_without_tg_q)
{
    /* two July days without TG and Q: precipitation by KNMI's method (the
       dry day stays dry; the amounts are checked by leeuwarden_wh2050), ET0
       by the table: July WH 2050 +11.12 %: 5.6 -> 6.22, 4.0 -> 4.44 mm */
    char dir[256], in[512], out[512];
    io_stations b;
    zt_err err;
    tu_tmpdir("transform_noq", dir, sizeof dir);
    small_forcing(dir, "f", "STN,YYYYMMDD,RH,EV24\n270,20180701,0,56\n270,20180702,30,40\n", in,
                  sizeof in);
    snprintf(out, sizeof out, "%s/o.nc", dir);
    const drv_transform_opts o = {.in = in, .out = out, .scenario = "WH", .horizon = "2050",
                                  .p99 = "centr", .region = "NON", .deltas = "data/knmi14",
                                  .quiet = 1};
    zt_err_clear(&err);
    ck_assert_msg(drv_transform(&o, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(io_stations_read(out, &b, &err) == ZT_OK, "%s", err.msg);
    ck_assert(b.tg == NULL);
    ck_assert_float_eq_tol(b.et0[0], 6.22f, 1e-5f);
    ck_assert_float_eq_tol(b.et0[1], 4.44f, 1e-5f);
    ck_assert_float_eq(b.p[0], 0.0f);
    io_stations_free(&b);
    assert_label(out, "ET0 fallback");
}
END_TEST

START_TEST(nearest_listed_region)
{
    /* Lauwersoog (277) is not in stationstabel: it takes NON from
       Leeuwarden (270), so its series equals one made with --region NON;
       a file of 277 alone has no listed station to take it from */
    const char *text = "STN,YYYYMMDD,RH,EV24\n270,20180701,0,56\n270,20180702,30,40\n"
                       "277,20180701,12,50\n277,20180702,0,44\n";
    char dir[256], in[512], in1[512], out[512], out2[512];
    io_stations a, b;
    zt_err err;
    tu_tmpdir("transform_near", dir, sizeof dir);
    small_forcing(dir, "two", text, in, sizeof in);
    small_forcing(dir, "one", "STN,YYYYMMDD,RH,EV24\n277,20180701,12,50\n", in1, sizeof in1);
    snprintf(out, sizeof out, "%s/o.nc", dir);
    snprintf(out2, sizeof out2, "%s/o2.nc", dir);
    drv_transform_opts o = {.in = in, .out = out, .scenario = "GH", .horizon = "2050",
                            .p99 = "centr", .deltas = "data/knmi14", .quiet = 1};
    zt_err_clear(&err);
    ck_assert_msg(drv_transform(&o, &err) == ZT_OK, "%s", err.msg);
    o.out = out2;
    o.region = "NON";
    ck_assert_msg(drv_transform(&o, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(io_stations_read(out, &a, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(io_stations_read(out2, &b, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(a.ns, 2);
    ck_assert_mem_eq(a.et0, b.et0, 4 * sizeof *a.et0);
    ck_assert_mem_eq(a.p, b.p, 4 * sizeof *a.p);
    io_stations_free(&a);
    io_stations_free(&b);
    o.in = in1;
    o.region = NULL;
    zt_err_clear(&err);
    ck_assert_int_eq(drv_transform(&o, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "lists no station") && strstr(err.msg, "--region"), "%s", err.msg);
}
END_TEST

START_TEST(knmi23_approximation)
{
    /* Hd 2050, July: P -12.9 %: 3.0 -> 2.6 mm; ET0 +7.83 %: 5.6 -> 6.04,
       4.0 -> 4.31 mm; labelled; a scenario without numbers is refused */
    char dir[256], in[512], out[512];
    io_stations b;
    zt_err err;
    tu_tmpdir("transform_k23", dir, sizeof dir);
    small_forcing(dir, "f", "STN,YYYYMMDD,RH,EV24\n270,20180701,30,56\n270,20180702,0,40\n", in,
                  sizeof in);
    snprintf(out, sizeof out, "%s/o.nc", dir);
    drv_transform_opts o = {.in = in, .out = out, .knmi23 = 1, .scenario = "Hd", .horizon = "2050",
                            .deltas = "data/knmi23", .quiet = 1};
    zt_err_clear(&err);
    ck_assert_msg(drv_transform(&o, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(io_stations_read(out, &b, &err) == ZT_OK, "%s", err.msg);
    ck_assert_float_eq_tol(b.p[0], 2.6f, 1e-5f);
    ck_assert_float_eq(b.p[1], 0.0f);
    ck_assert_float_eq_tol(b.et0[0], 6.04f, 1e-5f);
    ck_assert_float_eq_tol(b.et0[1], 4.31f, 1e-5f);
    io_stations_free(&b);
    assert_label(out, "approximation");
    o.scenario = "Md";
    zt_err_clear(&err);
    ck_assert_int_eq(drv_transform(&o, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "approximation.csv: no row for Md,2050,P"), "%s", err.msg);
}
END_TEST

/* -o naming the input file (another path to it) is refused: the observed
 * series would be replaced by the transformed one, unseen. */
START_TEST(output_is_input)
{
    char dir[256], in[512], out[600];
    zt_err err;
    tu_tmpdir("transform_same", dir, sizeof dir);
    small_forcing(dir, "f", "STN,YYYYMMDD,RH,EV24\n270,20180701,30,56\n", in, sizeof in);
    snprintf(out, sizeof out, "%s/../transform_same/f.nc", dir);
    ck_assert_str_ne(out, in);
    drv_transform_opts o = {.in = in, .out = out, .knmi23 = 1, .scenario = "Hd", .horizon = "2050",
                            .deltas = "data/knmi23", .quiet = 1};
    zt_err_clear(&err);
    ck_assert_int_eq(drv_transform(&o, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "the output is the input file"), "%s", err.msg);
    io_stations b;
    ck_assert_msg(io_stations_read(in, &b, &err) == ZT_OK, "%s", err.msg);
    ck_assert_float_eq_tol(b.p[0], 3.0f, 1e-5f); /* as observed */
    io_stations_free(&b);
}
END_TEST

Suite *suite_transform(void)
{
    Suite *su = suite_create("transform");
    TCase *tc = tcase_create("transform");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, leeuwarden_wh2050);
    tcase_add_test(tc, forcing_without_tg_q);
    tcase_add_test(tc, nearest_listed_region);
    tcase_add_test(tc, knmi23_approximation);
    tcase_add_test(tc, output_is_input);
    suite_add_tcase(su, tc);
    return su;
}
