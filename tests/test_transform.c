/*
 * test_transform.c: suite "transform", `zoet forcing transform` on one
 * station (driver/transform.c): Leeuwarden 1991-2020 to KNMI'14 WH 2050.
 * Issue 15 asks: the monthly mean precipitation changes equal the `ave`
 * factors within 1 percentage point, the wet-day count changes equal `wdf`
 * within 1 point, and the JJA Makkink change lies within 2 points of the
 * README's national figure (+10.5 % for WH 2050). A forcing without TG and
 * Q is refused, naming the file.
 */
#include <check.h>
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
    const drv_transform_opts o = {in, out, "WH", "2050", "centr", NULL, "data/knmi14", 1};
    ck_assert_msg(drv_transform(&o, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(io_stations_read(in, &a, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(io_stations_read(out, &b, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(io_k14_read("data/knmi14", "WH", "2050", "NON", "centr", &dl, &err) == ZT_OK,
                  "%s", err.msg);
    double s0[12] = {0}, s1[12] = {0}, w0[12] = {0}, w1[12] = {0}, e0 = 0.0, e1 = 0.0;
    for (int k = 0; k < a.nd; k++) {
        int y, m, d;
        zt_day_to_ymd(a.first + k, &y, &m, &d);
        s0[m - 1] += a.p[k];
        s1[m - 1] += b.p[k];
        w0[m - 1] += a.p[k] >= 0.1f;
        w1[m - 1] += b.p[k] >= 0.1f;
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
    }
    const double dmk = 100.0 * (e1 / e0 - 1.0);
    ck_assert_msg(fabs(dmk - 10.5) <= 2.0, "JJA Makkink %+.2f %%, README +10.5 %%", dmk);
    io_stations_free(&a);
    io_stations_free(&b);
    /* the region of a station the table does not list must be given */
    const drv_transform_opts bad = {in, out, "WH", "2050", "centr", NULL, "tests/data", 1};
    zt_err_clear(&err);
    ck_assert_int_eq(drv_transform(&bad, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "stationstabel"), "%s", err.msg);
}
END_TEST

START_TEST(forcing_without_tg_q)
{
    /* the demo-style CSV without TG and Q: no TG/Q in the forcing, and the
       transformation refuses it by name */
    char dir[256], csv[512], in[512], out[512];
    const char *files[1];
    io_knmi_opts ko;
    zt_err err;
    tu_tmpdir("transform_noq", dir, sizeof dir);
    snprintf(csv, sizeof csv, "%s/k.csv", dir);
    snprintf(in, sizeof in, "%s/f.nc", dir);
    snprintf(out, sizeof out, "%s/o.nc", dir);
    ck_assert_int_eq(tu_write(csv, "STN,YYYYMMDD,RH,EV24\n270,20180701,0,56\n270,20180702,3,40\n"),
                     0);
    files[0] = csv;
    memset(&ko, 0, sizeof ko);
    ko.stations = STATIONS;
    ko.first = 1;
    ko.last = 0;
    zt_err_clear(&err);
    ck_assert_msg(io_knmi_import(files, 1, &ko, in, NULL, &err) == ZT_OK, "%s", err.msg);
    const drv_transform_opts o = {in, out, "WH", "2050", "centr", "NON", "data/knmi14", 1};
    ck_assert_int_eq(drv_transform(&o, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "f.nc: no TG and Q"), "%s", err.msg);
    ck_assert(!tu_exists(out));
}
END_TEST

Suite *suite_transform(void)
{
    Suite *su = suite_create("transform");
    TCase *tc = tcase_create("transform");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, leeuwarden_wh2050);
    tcase_add_test(tc, forcing_without_tg_q);
    suite_add_tcase(su, tc);
    return su;
}
