/*
 * test_forcing.c: suite "forcing": KNMI import (io_knmi.c) and forcing
 * input (io_forcing.c).
 *
 * Expected values are read by hand from the KNMI files in data/knmi/ (RH and
 * EV24 in 0.1 mm, so P = RH / 10 and ET0 = EV24 / 10 mm d-1; RH = -1 is a
 * trace, P = 0). Float tolerance 1e-5 mm d-1 (values pass through float32).
 * Station positions in RD New are checked against PROJ's own command line
 * (`echo "5.752 53.224" | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:28992
 * -output_xy` gives 179364.07 581994.13 on Debian 12, PROJ 9.1.1).
 */
#include <check.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_forcing.h"
#include "testutil.h"
#include "zt.h"

#define KNMI270 "data/knmi/etmgeg_270_leeuwarden_1951-2021_selected.csv"
#define STATIONS "data/knmi/stations.csv"
#define FIXTURE "tests/data/etmgeg_270_2018-07_knmi.txt"
#define TOL 1e-5

static zt_day ymd(int y, int m, int d)
{
    return zt_day_from_ymd(y, m, d);
}

/* Import files into <dir>/name; returns the status, err filled. */
static zt_status import(const char *const *files, int n, const char *stations, int fill,
                        zt_day first, zt_day last, const char *out, FILE *report, zt_err *err)
{
    io_knmi_opts o;
    memset(&o, 0, sizeof o);
    o.stations = stations;
    o.fill_nearest = fill;
    o.first = first;
    o.last = last;
    zt_err_clear(err);
    return io_knmi_import(files, n, &o, out, report, err);
}

/* A one-cell grid around RD point (x, y) (m). */
static zt_grid one_cell(double x, double y)
{
    zt_grid g = {1, 1, x - 500.0, y - 500.0, 1000.0};
    return g;
}

/* P and ET0 (mm d-1) of the one cell on day d. */
static void day_values(io_forcing *f, zt_day d, float *p, float *e)
{
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(io_forcing_read_day(f, d, p, e, &err) == ZT_OK, "%s", err.msg);
}

/* Read a double variable of a station file (1-D, n values). */
static void nc_read_doubles(const char *path, const char *var, double *v)
{
    int ncid, id;
    ck_assert_int_eq(nc_open(path, NC_NOWRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, var, &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_double(ncid, id, v), NC_NOERR);
    nc_close(ncid);
}

/* ---- KNMI import of a real file --------------------------------------------- */

START_TEST(test_import_leeuwarden_july_2018)
{
    char dir[256], out[512];
    const char *files[] = {KNMI270};
    zt_err err;
    io_forcing *f = NULL;
    zt_grid g;
    float p, e;
    double x, y, t[31], tb[62];
    int ncid, id, stn;
    char text[64];
    size_t len;

    tu_tmpdir("forcing/july", dir, sizeof dir);
    snprintf(out, sizeof out, "%s/knmi270.nc", dir);
    ck_assert_msg(import(files, 1, STATIONS, 0, ymd(2018, 7, 1), ymd(2018, 7, 31), out, NULL,
                         &err) == ZT_OK,
                  "%s", err.msg);
    ck_assert(tu_exists(out));

    /* the DSG layout */
    ck_assert_int_eq(nc_open(out, NC_NOWRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_attlen(ncid, NC_GLOBAL, "featureType", &len), NC_NOERR);
    ck_assert_int_eq(nc_get_att_text(ncid, NC_GLOBAL, "featureType", text), NC_NOERR);
    text[len] = '\0';
    ck_assert_str_eq(text, "timeSeries");
    ck_assert_int_eq(nc_inq_varid(ncid, "station_id", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_int(ncid, id, &stn), NC_NOERR);
    ck_assert_int_eq(stn, 270);
    ck_assert_int_eq(nc_inq_varid(ncid, "P", &id), NC_NOERR);
    ck_assert_int_eq(nc_inq_attlen(ncid, id, "units", &len), NC_NOERR);
    ck_assert_int_eq(nc_get_att_text(ncid, id, "units", text), NC_NOERR);
    text[len] = '\0';
    ck_assert_str_eq(text, "mm d-1");
    nc_close(ncid);
    /* time: day start in days since 1970-01-01; 2018-07-01 is day 17713
       (48 years of 365 d + 12 leap days = 17532, + 181 days Jan-Jun 2018) */
    nc_read_doubles(out, "time", t);
    nc_read_doubles(out, "time_bnds", tb);
    ck_assert_double_eq(t[0], 17713.0);
    ck_assert_double_eq(t[30], 17743.0);
    ck_assert_double_eq(tb[0], 17713.0);
    ck_assert_double_eq(tb[1], 17714.0);

    /* Leeuwarden (53.224 N, 5.752 E) in RD New: PROJ gives 179364.07,
       581994.13 m; about 4 km from the city centre (182, 579 km) */
    nc_read_doubles(out, "x", &x);
    nc_read_doubles(out, "y", &y);
    ck_assert_double_eq_tol(x, 179364.07, 1.0);
    ck_assert_double_eq_tol(y, 581994.13, 1.0);
    ck_assert(hypot(x - 182000.0, y - 579000.0) < 5000.0);

    /* values, read by hand from the file (line numbers of KNMI270):
         24659: 270,20180705,...,DR 3,RH 2,PG 10152,UG 86,EV24 18
         24663: 270,20180709,...,RH -1 (trace),...,EV24 15
         24682: 270,20180728,...,RH 42,...,EV24 20
         24685: 270,20180731,...,RH 66,...,EV24 32                 */
    g = one_cell(x, y);
    zt_err_clear(&err);
    ck_assert_msg(io_forcing_open(out, &g, NULL, ymd(2018, 7, 1), ymd(2018, 7, 31), &f, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    ck_assert_ptr_nonnull(strstr(io_forcing_describe(f), "stations 270"));
    day_values(f, ymd(2018, 7, 5), &p, &e);
    ck_assert_double_eq_tol(p, 0.2, TOL);
    ck_assert_double_eq_tol(e, 1.8, TOL);
    day_values(f, ymd(2018, 7, 9), &p, &e);
    ck_assert_float_eq(p, 0.0f); /* RH = -1 */
    ck_assert_double_eq_tol(e, 1.5, TOL);
    day_values(f, ymd(2018, 7, 28), &p, &e);
    ck_assert_double_eq_tol(p, 4.2, TOL);
    ck_assert_double_eq_tol(e, 2.0, TOL);
    day_values(f, ymd(2018, 7, 31), &p, &e);
    ck_assert_double_eq_tol(p, 6.6, TOL);
    ck_assert_double_eq_tol(e, 3.2, TOL);

    /* TG and Q for the climate transformation (issue 15), by hand from the
       same rows: 20180705 TG 158 -> 15.8 degC, Q 1089 J/cm2 -> 10890
       kJ/m2; 20180731 TG 195, Q 1782 */
    {
        float tg[31], q[31];
        ck_assert_int_eq(nc_open(out, NC_NOWRITE, &ncid), NC_NOERR);
        ck_assert_int_eq(nc_inq_varid(ncid, "TG", &id), NC_NOERR);
        ck_assert_int_eq(nc_get_var_float(ncid, id, tg), NC_NOERR);
        ck_assert_int_eq(nc_inq_varid(ncid, "Q", &id), NC_NOERR);
        ck_assert_int_eq(nc_get_var_float(ncid, id, q), NC_NOERR);
        nc_close(ncid);
        ck_assert_float_eq_tol(tg[4], 15.8f, TOL);
        ck_assert_float_eq_tol(q[4], 10890.0f, 0.01f);
        ck_assert_float_eq_tol(tg[30], 19.5f, TOL);
        ck_assert_float_eq_tol(q[30], 17820.0f, 0.01f);
    }

    /* a day outside the opened period */
    zt_err_clear(&err);
    ck_assert_int_eq(io_forcing_read_day(f, ymd(2018, 8, 1), &p, &e, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "no forcing for 2018-08-01"));
    io_forcing_destroy(&f);
    ck_assert_ptr_null(f);
    io_forcing_destroy(&f); /* NULL-safe */
    io_forcing_destroy(NULL);

    /* a run longer than the file */
    zt_err_clear(&err);
    ck_assert_int_eq(io_forcing_open(out, &g, NULL, ymd(2018, 7, 1), ymd(2018, 8, 2), &f, &err),
                     ZT_EINPUT);
    ck_assert_ptr_null(f);
    ck_assert_msg(strstr(err.msg, "knmi270.nc: no forcing for 2018-08-01 (file covers "
                                  "2018-07-01 to 2018-07-31)"),
                  "%s", err.msg);
    zt_err_clear(&err);
    ck_assert_int_eq(io_forcing_open(out, &g, NULL, ymd(2018, 6, 30), ymd(2018, 7, 2), &f, &err),
                     ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "no forcing for 2018-06-30"));
}
END_TEST

/* Year sums 2018 at Leeuwarden, summed independently from the CSV (sum of
   max(RH, 0) and of EV24 over the 365 rows of 2018, / 10): P 609.9 mm,
   ET0 653.3 mm; the KNMI file has no gap in 2018. Tolerance 0.01 mm. */
START_TEST(test_year_sums_2018)
{
    char dir[256], out[512];
    const char *files[] = {KNMI270};
    zt_err err;
    io_forcing *f = NULL;
    zt_grid g = one_cell(179364.07, 581994.13);
    double sp = 0.0, se = 0.0; /* mm */
    float p, e;
    zt_day d;

    tu_tmpdir("forcing/year", dir, sizeof dir);
    snprintf(out, sizeof out, "%s/y2018.nc", dir);
    ck_assert_msg(import(files, 1, STATIONS, 0, ymd(2018, 1, 1), ymd(2018, 12, 31), out, NULL,
                         &err) == ZT_OK,
                  "%s", err.msg);
    zt_err_clear(&err);
    ck_assert_msg(io_forcing_open(out, &g, NULL, ymd(2018, 1, 1), ymd(2018, 12, 31), &f, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    for (d = ymd(2018, 1, 1); d <= ymd(2018, 12, 31); d++) {
        day_values(f, d, &p, &e);
        sp += p;
        se += e;
    }
    io_forcing_destroy(&f);
    ck_assert_double_eq_tol(sp, 609.9, 0.01);
    ck_assert_double_eq_tol(se, 653.3, 0.01);
}
END_TEST

/* The KNMI-format fixture (header, station block, CRLF) gives the same
   series and position as the CSV subset of the same station. */
START_TEST(test_knmi_format_fixture)
{
    char dir[256], a[512], b[512];
    const char *fa[] = {FIXTURE};
    const char *fb[] = {KNMI270};
    zt_err err;
    double xa, ya, xb, yb;
    float pa[31], pb[31], ea[31], eb[31];
    int ncid, id;
    char *name = NULL;
    int i;

    tu_tmpdir("forcing/fixture", dir, sizeof dir);
    snprintf(a, sizeof a, "%s/fixture.nc", dir);
    snprintf(b, sizeof b, "%s/csv.nc", dir);
    /* no stations CSV: the position must come from the station block */
    ck_assert_msg(import(fa, 1, NULL, 0, 1, 0, a, NULL, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(import(fb, 1, STATIONS, 0, ymd(2018, 7, 1), ymd(2018, 7, 31), b, NULL, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    nc_read_doubles(a, "x", &xa);
    nc_read_doubles(a, "y", &ya);
    nc_read_doubles(b, "x", &xb);
    nc_read_doubles(b, "y", &yb);
    ck_assert_double_eq_tol(xa, xb, 1e-6);
    ck_assert_double_eq_tol(ya, yb, 1e-6);
    /* common period of a one-station file = its 31 days */
    ck_assert_int_eq(nc_open(a, NC_NOWRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "P", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_float(ncid, id, pa), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "ET0", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_float(ncid, id, ea), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "station_name", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_string(ncid, id, &name), NC_NOERR);
    ck_assert_str_eq(name, "LEEUWARDEN");
    nc_free_string(1, &name);
    nc_close(ncid);
    ck_assert_int_eq(nc_open(b, NC_NOWRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "P", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_float(ncid, id, pb), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "ET0", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_float(ncid, id, eb), NC_NOERR);
    nc_close(ncid);
    for (i = 0; i < 31; i++) {
        ck_assert_float_eq(pa[i], pb[i]);
        ck_assert_float_eq(ea[i], eb[i]);
    }
    /* 2018-07-01: RH 0, EV24 56 (first data row of the fixture) */
    ck_assert_float_eq_tol(pa[0], 0.0f, TOL);
    ck_assert_float_eq_tol(ea[0], 5.6f, TOL);

    /* the variant of KNMI's script interface: every header line behind '#',
       station rows without ':'; rows of 270 for 2018-03-03..05 (real) */
    snprintf(a, sizeof a, "%s/script.txt", dir);
    snprintf(b, sizeof b, "%s/script.nc", dir);
    ck_assert_int_eq(tu_write(a, "# BRON: KONINKLIJK NEDERLANDS METEOROLOGISCH INSTITUUT (KNMI)\n"
                                 "#\n"
                                 "# STN         LON(east)   LAT(north)  ALT(m)      NAME\n"
                                 "# 270         5.752       53.224      1.20        Leeuwarden\n"
                                 "# YYYYMMDD  : datum\n"
                                 "# RH        : Etmaalsom van de neerslag (in 0.1 mm)\n"
                                 "# STN,YYYYMMDD,   RH, EV24\n"
                                 "  270,20180303,    0,   10\n"
                                 "  270,20180304,   42,    9\n"
                                 "  270,20180305,    2,    9\n"),
                     0);
    fa[0] = a;
    ck_assert_msg(import(fa, 1, NULL, 0, 1, 0, b, NULL, &err) == ZT_OK, "%s", err.msg);
    nc_read_doubles(b, "x", &xa);
    ck_assert_double_eq_tol(xa, xb, 1e-6);
    ck_assert_int_eq(nc_open(b, NC_NOWRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "P", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_float(ncid, id, pa), NC_NOERR);
    nc_close(ncid);
    ck_assert_float_eq_tol(pa[1], 4.2f, TOL);
    ck_assert_float_eq_tol(pa[2], 0.2f, TOL);
}
END_TEST

/* ---- missing days and filling ---------------------------------------------------- */

/*
 * Real rows of 2018-03-03..05 (stations 270, 277, 286 from data/knmi/, only
 * STN,YYYYMMDD,RH,EV24 kept) with 277's row of 03-04 removed and 270's RH of
 * 03-05 blanked.
 */
static void write_gap_files(const char *dir, char f270[512], char f277[512], char f286[512])
{
    snprintf(f270, 512, "%s/s270.csv", dir);
    snprintf(f277, 512, "%s/s277.csv", dir);
    snprintf(f286, 512, "%s/s286.csv", dir);
    ck_assert_int_eq(tu_write(f270, "STN,YYYYMMDD,RH,EV24\n"
                                    "270,20180303,0,10\n"
                                    "270,20180304,42,9\n"
                                    "270,20180305,,9\n"),
                     0);
    ck_assert_int_eq(tu_write(f277, "STN,YYYYMMDD,RH,EV24\n"
                                    "277,20180303,0,10\n"
                                    "277,20180305,7,8\n"),
                     0);
    ck_assert_int_eq(tu_write(f286, "STN,YYYYMMDD,RH,EV24\n"
                                    "286,20180303,0,10\n"
                                    "286,20180304,18,9\n"
                                    "286,20180305,4,10\n"),
                     0);
}

START_TEST(test_missing_day_is_an_error)
{
    char dir[256], f270[512], f277[512], f286[512], out[512], want[700];
    const char *files[3];
    zt_err err;

    tu_tmpdir("forcing/missing", dir, sizeof dir);
    write_gap_files(dir, f270, f277, f286);
    files[0] = f277;
    files[1] = f270;
    files[2] = f286;
    snprintf(out, sizeof out, "%s/out.nc", dir);
    ck_assert_int_eq(import(files, 3, STATIONS, 0, ymd(2018, 3, 3), ymd(2018, 3, 5), out, NULL,
                            &err),
                     ZT_EINPUT);
    /* stations are handled in number order: 270 first (RH blank on 03-05) */
    snprintf(want, sizeof want, "%s: station 270: no RH on 2018-03-05", f270);
    ck_assert_msg(strstr(err.msg, want), "%s", err.msg);
    ck_assert(!tu_exists(out));
    {
        char part[600];
        snprintf(part, sizeof part, "%s.part", out);
        ck_assert(!tu_exists(part));
    }
    /* 277 alone: the missing row */
    files[0] = f277;
    ck_assert_int_eq(import(files, 1, STATIONS, 0, ymd(2018, 3, 3), ymd(2018, 3, 5), out, NULL,
                            &err),
                     ZT_EINPUT);
    snprintf(want, sizeof want, "%s: station 277: no RH on 2018-03-04", f277);
    ck_assert_msg(strstr(err.msg, want), "%s", err.msg);
    /* one station with fill_nearest: nothing to fill from */
    ck_assert_int_eq(import(files, 1, STATIONS, 1, ymd(2018, 3, 3), ymd(2018, 3, 5), out, NULL,
                            &err),
                     ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "no other station has it"));
}
END_TEST

START_TEST(test_fill_nearest)
{
    char dir[256], f270[512], f277[512], f286[512], out[512], rep[512];
    const char *files[3];
    zt_err err;
    FILE *r;
    char *text;
    float p[9], e[9];
    int ncid, id, ids[3];
    zt_status st;

    tu_tmpdir("forcing/fill", dir, sizeof dir);
    write_gap_files(dir, f270, f277, f286);
    files[0] = f286;
    files[1] = f277;
    files[2] = f270;
    snprintf(out, sizeof out, "%s/out.nc", dir);
    snprintf(rep, sizeof rep, "%s/report.txt", dir);
    r = fopen(rep, "w");
    ck_assert_ptr_nonnull(r);
    st = import(files, 3, STATIONS, 1, ymd(2018, 3, 3), ymd(2018, 3, 5), out, r, &err);
    fclose(r);
    ck_assert_msg(st == ZT_OK, "%s", err.msg);
    text = tu_slurp(rep, NULL);
    ck_assert_ptr_nonnull(text);
    /* distances from PROJ (see file comment): 270-277 36.52 km, 270-286
       93.46 km, 277-286 67.78 km, so each gap is filled from the other of
       270/277 and never from 286 */
    ck_assert_str_eq(text, "filled RH of 270 on 2018-03-05 from 277 (36.5 km)\n"
                           "filled RH of 277 on 2018-03-04 from 270 (36.5 km)\n"
                           "filled EV24 of 277 on 2018-03-04 from 270 (36.5 km)\n");
    free(text);
    ck_assert_int_eq(nc_open(out, NC_NOWRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "station_id", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_int(ncid, id, ids), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "P", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_float(ncid, id, p), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "ET0", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_float(ncid, id, e), NC_NOERR);
    nc_close(ncid);
    /* sorted by station number */
    ck_assert_int_eq(ids[0], 270);
    ck_assert_int_eq(ids[1], 277);
    ck_assert_int_eq(ids[2], 286);
    /* p[station * 3 + day]: 270 on 03-05 <- 277's RH 7; 277 on 03-04 <- 270's
       RH 42 and EV24 9; 286 as read */
    ck_assert_float_eq_tol(p[0 * 3 + 2], 0.7f, TOL);
    ck_assert_float_eq_tol(e[0 * 3 + 2], 0.9f, TOL);
    ck_assert_float_eq_tol(p[1 * 3 + 1], 4.2f, TOL);
    ck_assert_float_eq_tol(e[1 * 3 + 1], 0.9f, TOL);
    ck_assert_float_eq_tol(p[2 * 3 + 1], 1.8f, TOL);
    ck_assert_float_eq_tol(e[2 * 3 + 2], 1.0f, TOL);

    /* common period (first > last): 2018-03-03..05 */
    st = import(files, 3, STATIONS, 1, 1, 0, out, NULL, &err);
    ck_assert_msg(st == ZT_OK, "%s", err.msg);
}
END_TEST

/* ---- malformed input ---------------------------------------------------------------- */

static void expect_bad(const char *dir, const char *name, const char *content,
                       const char *fragment)
{
    char path[512], out[512], want[700];
    const char *files[1];
    zt_err err;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(out, sizeof out, "%s/%s.nc", dir, name);
    ck_assert_int_eq(tu_write(path, content), 0);
    files[0] = path;
    ck_assert_int_eq(import(files, 1, STATIONS, 0, 1, 0, out, NULL, &err), ZT_EINPUT);
    snprintf(want, sizeof want, "%s%s", path, fragment);
    ck_assert_msg(strstr(err.msg, want), "expected '%s' in: %s", want, err.msg);
    ck_assert(!tu_exists(out));
}

START_TEST(test_broken_rows)
{
    char dir[256];
    tu_tmpdir("forcing/broken", dir, sizeof dir);
    expect_bad(dir, "fields.csv",
               "STN,YYYYMMDD,RH,EV24\n270,20180701,0,56\n270,20180702,0\n270,20180703,0,50\n",
               ":3: 3 fields, but the column line has 4");
    expect_bad(dir, "nonint.csv", "STN,YYYYMMDD,RH,EV24\n270,20180701,0,56\n270,20180702,1.5,54\n",
               ":3: RH '1.5' is not an integer");
    expect_bad(dir, "date.csv", "STN,YYYYMMDD,RH,EV24\n270,20180230,0,56\n",
               ":2: bad date '20180230'");
    expect_bad(dir, "order.csv",
               "STN,YYYYMMDD,RH,EV24\n270,20180702,0,56\n270,20180701,0,54\n",
               ":3: station 270: date 2018-07-01 does not follow 2018-07-02");
    expect_bad(dir, "negative.csv", "STN,YYYYMMDD,RH,EV24\n270,20180701,-5,56\n",
               ":2: RH = -5 is negative");
    expect_bad(dir, "norh.csv", "STN,YYYYMMDD,EV24\n270,20180701,56\n",
               ":1: the column line has no RH column");
    expect_bad(dir, "nocols.txt", "BRON: KNMI\nnothing here\n",
               ": no column line 'STN,YYYYMMDD,...' found");
    expect_bad(dir, "unknown.csv", "STN,YYYYMMDD,RH,EV24\n999,20180701,0,56\n",
               ": station 999: position unknown");
    expect_bad(dir, "tg.csv", "STN,YYYYMMDD,TG,Q,RH,EV24\n270,20180701,9999,1000,0,56\n",
               ":2: TG = 9999 is outside -600..600 (0.1 degC)");
    expect_bad(dir, "q.csv", "STN,YYYYMMDD,TG,Q,RH,EV24\n270,20180701,150,-3,0,56\n",
               ":2: Q = -3 is outside 0-5000 J/cm2");
    expect_bad(dir, "tgtext.csv", "STN,YYYYMMDD,TG,Q,RH,EV24\n270,20180701,x,100,0,56\n",
               ":2: TG 'x' is not an integer");
    {
        /* the message tells what to do */
        char path[512], out[512];
        const char *files[1];
        zt_err err;
        snprintf(path, sizeof path, "%s/unknown.csv", dir);
        snprintf(out, sizeof out, "%s/u.nc", dir);
        files[0] = path;
        ck_assert_int_eq(import(files, 1, NULL, 0, 1, 0, out, NULL, &err), ZT_EINPUT);
        ck_assert_ptr_nonnull(strstr(err.msg, "pass --stations"));
        files[0] = "data/knmi/no_such_file.csv";
        ck_assert_int_eq(import(files, 1, NULL, 0, 1, 0, out, NULL, &err), ZT_EINPUT);
        ck_assert_ptr_nonnull(strstr(err.msg, "no_such_file.csv: cannot open"));
    }
}
END_TEST

/* ---- station files written by hand: nearest-station mapping ---------------------- */

/*
 * A station file with two stations, index 0 id 300 at (500, 500) m and
 * index 1 id 100 at (2500, 500) m, 3 days from 2018-07-01; P = 1 + day at
 * station 0 and 10 + day at station 1, ET0 = P / 10; p_bad (if >= 0) puts
 * -1 at station 1, day p_bad.
 */
static void write_two_stations(const char *path, int p_bad)
{
    int ncid, ds, dt, vt, vid, vx, vy, vp, ve, dims[2];
    int ids[2] = {300, 100};
    double x[2] = {500.0, 2500.0}, y[2] = {500.0, 500.0};
    double t[3];
    float p[6], e[6];
    int s, d;
    for (d = 0; d < 3; d++) {
        t[d] = (double)ymd(2018, 7, 1 + d);
        for (s = 0; s < 2; s++) {
            p[s * 3 + d] = (float)((s ? 10 : 1) + d);
            e[s * 3 + d] = p[s * 3 + d] / 10.0f;
        }
    }
    if (p_bad >= 0) {
        p[3 + p_bad] = -1.0f;
    }
    ck_assert_int_eq(nc_create(path, NC_NETCDF4 | NC_CLOBBER, &ncid), NC_NOERR);
    nc_def_dim(ncid, "station", 2, &ds);
    nc_def_dim(ncid, "time", 3, &dt);
    nc_def_var(ncid, "time", NC_DOUBLE, 1, &dt, &vt);
    nc_put_att_text(ncid, vt, "units", 30, "days since 1970-01-01 00:00:00");
    nc_def_var(ncid, "station_id", NC_INT, 1, &ds, &vid);
    nc_def_var(ncid, "x", NC_DOUBLE, 1, &ds, &vx);
    nc_put_att_text(ncid, vx, "units", 1, "m");
    nc_def_var(ncid, "y", NC_DOUBLE, 1, &ds, &vy);
    nc_put_att_text(ncid, vy, "units", 1, "m");
    dims[0] = ds;
    dims[1] = dt;
    nc_def_var(ncid, "P", NC_FLOAT, 2, dims, &vp);
    nc_put_att_text(ncid, vp, "units", 4, "mm/d");
    nc_def_var(ncid, "ET0", NC_FLOAT, 2, dims, &ve);
    nc_put_att_text(ncid, ve, "units", 8, "mm day-1");
    nc_put_att_text(ncid, NC_GLOBAL, "featureType", 10, "timeSeries");
    nc_enddef(ncid);
    nc_put_var_double(ncid, vt, t);
    nc_put_var_int(ncid, vid, ids);
    nc_put_var_double(ncid, vx, x);
    nc_put_var_double(ncid, vy, y);
    nc_put_var_float(ncid, vp, p);
    ck_assert_int_eq(nc_put_var_float(ncid, ve, e), NC_NOERR);
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
}

START_TEST(test_nearest_station_mapping)
{
    char dir[256], path[512];
    /* grid 4 x 2 cells of 1000 m from (0, 0): centres x = 500..3500,
       y = 500 (row 0) and 1500 (row 1). Distances to A (500,500) and
       B (2500,500): column 1 is 1000 m from both (a tie: index 0, A);
       column 0 is nearer A, columns 2 and 3 nearer B, in both rows. */
    zt_grid g = {4, 2, 0.0, 0.0, 1000.0};
    uint8_t mask[8] = {1, 1, 1, 1, 1, 2, 1, 0};
    const float want[8] = {1, 1, 10, 10, 1, 1, 10, 0}; /* day 0; cell 7 inactive */
    float p[8], e[8];
    io_forcing *f = NULL;
    zt_err err;
    int k;

    tu_tmpdir("forcing/nearest", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/two.nc", dir);
    write_two_stations(path, -1);
    zt_err_clear(&err);
    ck_assert_msg(io_forcing_open(path, &g, mask, ymd(2018, 7, 1), ymd(2018, 7, 3), &f, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    ck_assert_ptr_nonnull(strstr(io_forcing_describe(f), "stations 300 100, nearest station"));
    ck_assert_int_eq(io_forcing_read_day(f, ymd(2018, 7, 1), p, e, &err), ZT_OK);
    for (k = 0; k < 8; k++) {
        ck_assert_float_eq(p[k], want[k]);
        ck_assert_float_eq_tol(e[k], want[k] / 10.0f, 1e-6f);
    }
    ck_assert_int_eq(io_forcing_read_day(f, ymd(2018, 7, 3), p, e, &err), ZT_OK);
    ck_assert_float_eq(p[0], 3.0f);
    ck_assert_float_eq(p[3], 12.0f);
    ck_assert_float_eq(p[7], 0.0f);
    io_forcing_destroy(&f);

    /* a negative value in the run period: error at open naming station and date */
    write_two_stations(path, 1);
    zt_err_clear(&err);
    ck_assert_int_eq(io_forcing_open(path, &g, mask, ymd(2018, 7, 1), ymd(2018, 7, 3), &f, &err),
                     ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "P of station 100 on 2018-07-02 is negative"), "%s", err.msg);
    /* ... but not outside it */
    zt_err_clear(&err);
    ck_assert_int_eq(io_forcing_open(path, &g, mask, ymd(2018, 7, 3), ymd(2018, 7, 3), &f, &err),
                     ZT_OK);
    io_forcing_destroy(&f);
}
END_TEST

/* The NetCDF default fill of `type` into P of station 1 (index 1) at day d,
 * written in the type itself (as double it may not be representable). */
static void put_default_fill(int ncid, int varid, nc_type type, size_t d)
{
    size_t idx[2] = {1, d};
    int r;
    switch (type) {
    case NC_DOUBLE: {
        double v = NC_FILL_DOUBLE;
        r = nc_put_var1_double(ncid, varid, idx, &v);
        break;
    }
    case NC_INT64: {
        long long v = NC_FILL_INT64;
        r = nc_put_var1_longlong(ncid, varid, idx, &v);
        break;
    }
    case NC_USHORT: {
        unsigned short v = NC_FILL_USHORT;
        r = nc_put_var1_ushort(ncid, varid, idx, &v);
        break;
    }
    default:
        r = NC_EBADTYPE; /* not used by the cases */
    }
    ck_assert_int_eq(r, NC_NOERR);
}

/*
 * The two stations of write_two_stations stored as `type`, packed with
 * scale and offset (P = stored * scale + offset; scale 1, offset 0: not
 * packed), with _FillValue `fill` when has_fill. fill_at >= 0 puts the
 * fill (or, without a _FillValue, the type's default fill) into P of
 * station 100 at that day.
 */
static void write_typed_stations(const char *path, nc_type type, double scale, double offset,
                                 int has_fill, double fill, int fill_at)
{
    int ncid, ds, dt, vt, vid, vx, vy, vv[2], dims[2], q, s, d;
    int ids[2] = {300, 100};
    double x[2] = {500.0, 2500.0}, y[2] = {500.0, 500.0}, t[3], v[6];
    static const char *const names[2] = {"P", "ET0"};

    for (d = 0; d < 3; d++) {
        t[d] = (double)ymd(2018, 7, 1 + d);
    }
    ck_assert_int_eq(nc_create(path, NC_NETCDF4 | NC_CLOBBER, &ncid), NC_NOERR);
    nc_def_dim(ncid, "station", 2, &ds);
    nc_def_dim(ncid, "time", 3, &dt);
    nc_def_var(ncid, "time", NC_DOUBLE, 1, &dt, &vt);
    nc_put_att_text(ncid, vt, "units", 30, "days since 1970-01-01 00:00:00");
    nc_def_var(ncid, "station_id", NC_INT, 1, &ds, &vid);
    nc_def_var(ncid, "x", NC_DOUBLE, 1, &ds, &vx);
    nc_put_att_text(ncid, vx, "units", 1, "m");
    nc_def_var(ncid, "y", NC_DOUBLE, 1, &ds, &vy);
    nc_put_att_text(ncid, vy, "units", 1, "m");
    dims[0] = ds;
    dims[1] = dt;
    for (q = 0; q < 2; q++) {
        ck_assert_int_eq(nc_def_var(ncid, names[q], type, 2, dims, &vv[q]), NC_NOERR);
        nc_put_att_text(ncid, vv[q], "units", 6, "mm d-1");
        if (scale != 1.0 || offset != 0.0) {
            nc_put_att_double(ncid, vv[q], "scale_factor", NC_DOUBLE, 1, &scale);
            nc_put_att_double(ncid, vv[q], "add_offset", NC_DOUBLE, 1, &offset);
        }
        if (has_fill) {
            /* _FillValue in the variable's own type: nc_put_att_double converts */
            ck_assert_int_eq(nc_put_att_double(ncid, vv[q], "_FillValue", type, 1, &fill),
                             NC_NOERR);
        }
    }
    nc_put_att_text(ncid, NC_GLOBAL, "featureType", 10, "timeSeries");
    nc_enddef(ncid);
    nc_put_var_double(ncid, vt, t);
    nc_put_var_int(ncid, vid, ids);
    nc_put_var_double(ncid, vx, x);
    nc_put_var_double(ncid, vy, y);
    for (q = 0; q < 2; q++) {
        for (s = 0; s < 2; s++) {
            for (d = 0; d < 3; d++) {
                double p = (s ? 10 : 1) + d;             /* mm d-1, as write_two_stations */
                double want = q == 0 ? p : p / 10.0;     /* ET0 = P / 10 */
                v[s * 3 + d] = round((want - offset) / scale); /* the packed value */
                if (type == NC_DOUBLE && scale == 1.0) {
                    v[s * 3 + d] = want;
                }
            }
        }
        if (q == 0 && fill_at >= 0 && has_fill) {
            v[3 + fill_at] = fill;
        }
        ck_assert_int_eq(nc_put_var_double(ncid, vv[q], v), NC_NOERR);
        if (q == 0 && fill_at >= 0 && !has_fill) {
            put_default_fill(ncid, vv[q], type, (size_t)fill_at);
        }
    }
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
}

/*
 * Station series of every numeric type are read as the values they hold:
 * double and int64 were read as zero, packed ones unpacked as the gridded
 * reader does, and the fill is compared in the variable's own type (a float
 * fill passed for a double variable overflowed the stack, ASan).
 */
START_TEST(test_station_types_and_packing)
{
    static const struct {
        nc_type type;
        double scale, offset;
        int has_fill;
        double fill;
    } cases[] = {
        {NC_DOUBLE, 1.0, 0.0, 0, 0.0},     {NC_DOUBLE, 1.0, 0.0, 1, -9999.0},
        {NC_INT64, 0.1, 0.0, 0, 0.0},      {NC_INT64, 0.01, -5.0, 1, -999.0},
        {NC_INT, 0.1, 0.0, 1, -9999.0},    {NC_SHORT, 0.01, 1.0, 1, -32767.0},
        {NC_USHORT, 0.01, 0.0, 0, 0.0},    {NC_FLOAT, 0.5, 0.0, 1, -1.0},
    };
    zt_grid g = {4, 1, 0.0, 0.0, 1000.0}; /* columns 0-1 station 300, 2-3 station 100 */
    char dir[256], path[512];
    size_t i;

    tu_tmpdir("forcing/types", dir, sizeof dir);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        io_forcing *f = NULL;
        float p[4], e[4];
        zt_err err;
        int d;
        snprintf(path, sizeof path, "%s/t%zu.nc", dir, i);
        write_typed_stations(path, cases[i].type, cases[i].scale, cases[i].offset,
                             cases[i].has_fill, cases[i].fill, -1);
        zt_err_clear(&err);
        ck_assert_msg(io_forcing_open(path, &g, NULL, ymd(2018, 7, 1), ymd(2018, 7, 3), &f,
                                      &err) == ZT_OK,
                      "case %zu: %s", i, err.msg);
        for (d = 0; d < 3; d++) {
            day_values(f, ymd(2018, 7, 1 + d), p, e);
            /* packed values are exact to half a packing step */
            ck_assert_msg(fabs(p[0] - (1 + d)) < 1e-4 && fabs(p[3] - (10 + d)) < 1e-4,
                          "case %zu day %d: P %g %g, want %d %d", i, d, (double)p[0],
                          (double)p[3], 1 + d, 10 + d);
            ck_assert_msg(fabs(e[0] - (1 + d) / 10.0) < 0.5 * cases[i].scale + 1e-6 &&
                              fabs(e[3] - (10 + d) / 10.0) < 0.5 * cases[i].scale + 1e-6,
                          "case %zu day %d: ET0 %g %g", i, d, (double)e[0], (double)e[3]);
        }
        io_forcing_destroy(&f);

        /* a fill in P of station 100 on 2018-07-02: missing, named */
        write_typed_stations(path, cases[i].type, cases[i].scale, cases[i].offset,
                             cases[i].has_fill, cases[i].fill, 1);
        zt_err_clear(&err);
        ck_assert_int_eq(io_forcing_open(path, &g, NULL, ymd(2018, 7, 1), ymd(2018, 7, 3), &f,
                                         &err),
                         ZT_EINPUT);
        ck_assert_msg(strstr(err.msg, "P of station 100 on 2018-07-02 is missing"),
                      "case %zu: %s", i, err.msg);
        ck_assert_ptr_null(f);
    }
}
END_TEST

/* Station values beyond the accepted ranges are named with the range. */
START_TEST(test_station_ranges)
{
    zt_grid g = {4, 1, 0.0, 0.0, 1000.0};
    char dir[256], path[512];
    io_forcing *f = NULL;
    zt_err err;

    tu_tmpdir("forcing/ranges", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/big.nc", dir);
    /* packed by 10: 500 stored in P of station 100 on 2018-07-03 is 5000 mm */
    write_typed_stations(path, NC_INT, 10.0, 0.0, 0, 0.0, -1);
    {
        int ncid, vp, ve;
        size_t idx[2] = {1, 2};
        int big = 500, huge = 100000;
        ck_assert_int_eq(nc_open(path, NC_WRITE, &ncid), NC_NOERR);
        ck_assert_int_eq(nc_inq_varid(ncid, "P", &vp), NC_NOERR);
        ck_assert_int_eq(nc_put_var1_int(ncid, vp, idx, &big), NC_NOERR);
        ck_assert_int_eq(nc_close(ncid), NC_NOERR);
        zt_err_clear(&err);
        ck_assert_int_eq(io_forcing_open(path, &g, NULL, ymd(2018, 7, 1), ymd(2018, 7, 3), &f,
                                         &err),
                         ZT_EINPUT);
        ck_assert_msg(strstr(err.msg, "big.nc: P of station 100 on 2018-07-03 is 5000 mm d-1, "
                                      "outside the accepted range [0, 500] mm d-1"),
                      "%s", err.msg);
        ck_assert_int_eq(nc_open(path, NC_WRITE, &ncid), NC_NOERR);
        ck_assert_int_eq(nc_inq_varid(ncid, "P", &vp), NC_NOERR);
        big = 0;
        ck_assert_int_eq(nc_put_var1_int(ncid, vp, idx, &big), NC_NOERR);
        ck_assert_int_eq(nc_inq_varid(ncid, "ET0", &ve), NC_NOERR);
        ck_assert_int_eq(nc_put_var1_int(ncid, ve, idx, &huge), NC_NOERR);
        ck_assert_int_eq(nc_close(ncid), NC_NOERR);
        zt_err_clear(&err);
        ck_assert_int_eq(io_forcing_open(path, &g, NULL, ymd(2018, 7, 1), ymd(2018, 7, 3), &f,
                                         &err),
                         ZT_EINPUT);
        ck_assert_msg(strstr(err.msg, "ET0 of station 100 on 2018-07-03 is 1e+06 mm d-1, "
                                      "outside the accepted range [0, 20] mm d-1"),
                      "%s", err.msg);
    }
}
END_TEST

/* Time units with a zone: UTC in any spelling is read, an offset refused. */
START_TEST(test_time_zone)
{
    static const struct {
        const char *units;
        int ok;
    } cases[] = {
        {"days since 1970-01-01 00:00:00", 1},
        {"days since 1970-01-01T00:00:00Z", 1},
        {"days since 1970-01-01 00:00:00 UTC", 1},
        {"days since 1970-01-01 00:00:00 +00:00", 1},
        {"days since 1970-01-01 00:00 -0000", 1},
        {"days since 1970-01-01 00:00:00 +01:00", 0},
        {"days since 1970-01-01T00:00:00-05:30", 0},
        {"days since 1970-01-01 +02", 0},
        {"days since 1970-01-01 00:00:00 CET", 0},
    };
    zt_grid g = {4, 1, 0.0, 0.0, 1000.0};
    char dir[256], path[512];
    size_t i;

    tu_tmpdir("forcing/tz", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/tz.nc", dir);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        io_forcing *f = NULL;
        zt_err err;
        int ncid, vt;
        write_two_stations(path, -1);
        ck_assert_int_eq(nc_open(path, NC_WRITE, &ncid), NC_NOERR);
        ck_assert_int_eq(nc_inq_varid(ncid, "time", &vt), NC_NOERR);
        ck_assert_int_eq(nc_redef(ncid), NC_NOERR);
        ck_assert_int_eq(
            nc_put_att_text(ncid, vt, "units", strlen(cases[i].units), cases[i].units), NC_NOERR);
        ck_assert_int_eq(nc_close(ncid), NC_NOERR);
        zt_err_clear(&err);
        ck_assert_int_eq(io_forcing_open(path, &g, NULL, ymd(2018, 7, 1), ymd(2018, 7, 3), &f,
                                         &err),
                         cases[i].ok ? ZT_OK : ZT_EINPUT);
        if (cases[i].ok) {
            float p[4], e[4];
            day_values(f, ymd(2018, 7, 1), p, e); /* the same days as without a zone */
            ck_assert_float_eq(p[0], 1.0f);
        } else {
            ck_assert_msg(strstr(err.msg, "tz.nc: time: units"), "%s", err.msg);
        }
        io_forcing_destroy(&f);
    }
}
END_TEST

/* ---- gridded files ------------------------------------------------------------------ */

START_TEST(test_gridded_round_trip)
{
    char dir[256], path[512];
    zt_grid g = {3, 2, 150000.0, 550000.0, 250.0};
    enum { NC = 6, ND = 4 };
    float p[ND * NC], e[ND * NC], rp[NC], re[NC];
    io_forcing *f = NULL;
    zt_err err;
    int d, k;

    for (d = 0; d < ND; d++) {
        for (k = 0; k < NC; k++) {
            p[d * NC + k] = 0.5f * (float)d + 0.125f * (float)k; /* mm d-1 */
            e[d * NC + k] = 1.0f + 0.25f * (float)k;
        }
    }
    tu_tmpdir("forcing/grid", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/grid.nc", dir);
    zt_err_clear(&err);
    ck_assert_msg(io_forcing_write_grid(path, &g, ymd(2018, 12, 30), ND, p, e, &err) == ZT_OK, "%s",
                  err.msg);
    ck_assert_msg(io_forcing_open(path, &g, NULL, ymd(2018, 12, 30), ymd(2019, 1, 2), &f, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    ck_assert_ptr_nonnull(strstr(io_forcing_describe(f), "gridded"));
    for (d = 0; d < ND; d++) {
        ck_assert_msg(io_forcing_read_day(f, ymd(2018, 12, 30) + d, rp, re, &err) == ZT_OK, "%s",
                      err.msg);
        for (k = 0; k < NC; k++) {
            ck_assert_float_eq(rp[k], p[d * NC + k]); /* exact: float32 in and out */
            ck_assert_float_eq(re[k], e[d * NC + k]);
        }
    }
    io_forcing_destroy(&f);

    /* the run must lie inside the file */
    zt_err_clear(&err);
    ck_assert_int_eq(io_forcing_open(path, &g, NULL, ymd(2018, 12, 30), ymd(2019, 1, 3), &f, &err),
                     ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "grid.nc: no forcing for 2019-01-03 (file covers 2018-12-30 to "
                                  "2019-01-02)"),
                  "%s", err.msg);

    /* another grid */
    {
        zt_grid g2 = g;
        g2.x0 += 250.0;
        zt_err_clear(&err);
        ck_assert_int_eq(io_forcing_open(path, &g2, NULL, ymd(2018, 12, 30), ymd(2018, 12, 31),
                                         &f, &err),
                         ZT_EINPUT);
        ck_assert_msg(strstr(err.msg, "grid differs"), "%s", err.msg);
    }
}
END_TEST

START_TEST(test_gridded_negative_and_missing)
{
    char dir[256], path[512];
    zt_grid g = {3, 2, 150000.0, 550000.0, 250.0};
    enum { NC = 6, ND = 2 };
    float p[ND * NC], e[ND * NC], rp[NC], re[NC];
    uint8_t mask[NC] = {1, 1, 1, 1, 1, 2};
    io_forcing *f = NULL;
    zt_err err;
    int k;

    for (k = 0; k < ND * NC; k++) {
        p[k] = 1.0f;
        e[k] = 2.0f;
    }
    p[1 * NC + 5] = -3.0f;     /* day 2, cell 5: fixed-head cell, set to 0 */
    p[1 * NC + 1] = -0.5f;     /* day 2, row 0, column 1: active -> error */
    e[0 * NC + 4] = NAN;       /* day 1, cell 4 (row 1, column 1): fill -> error */
    tu_tmpdir("forcing/gridneg", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/neg.nc", dir);
    zt_err_clear(&err);
    ck_assert_msg(io_forcing_write_grid(path, &g, ymd(2018, 7, 1), ND, p, e, &err) == ZT_OK, "%s",
                  err.msg);
    ck_assert_msg(io_forcing_open(path, &g, mask, ymd(2018, 7, 1), ymd(2018, 7, 2), &f, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    zt_err_clear(&err);
    ck_assert_int_eq(io_forcing_read_day(f, ymd(2018, 7, 1), rp, re, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "neg.nc: ET0 on 2018-07-01 at row 1, column 1 (x 150375, y "
                                  "550375 m"),
                  "%s", err.msg);
    ck_assert_ptr_nonnull(strstr(err.msg, "missing"));
    zt_err_clear(&err);
    ck_assert_int_eq(io_forcing_read_day(f, ymd(2018, 7, 2), rp, re, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "neg.nc: P on 2018-07-02 at row 0, column 1 (x 150375, y "
                                  "550125 m"),
                  "%s", err.msg);
    ck_assert_ptr_nonnull(strstr(err.msg, "negative"));
    io_forcing_destroy(&f);

    /* with that cell inactive, day 2 reads; the fixed-head cell gets 0 */
    mask[1] = 0;
    mask[4] = 0;
    ck_assert_int_eq(io_forcing_open(path, &g, mask, ymd(2018, 7, 1), ymd(2018, 7, 2), &f, &err),
                     ZT_OK);
    zt_err_clear(&err);
    ck_assert_msg(io_forcing_read_day(f, ymd(2018, 7, 2), rp, re, &err) == ZT_OK, "%s", err.msg);
    ck_assert_float_eq(rp[0], 1.0f);
    ck_assert_float_eq(rp[1], 0.0f);
    ck_assert_float_eq(rp[5], 0.0f);
    io_forcing_destroy(&f);
}
END_TEST

/* A gridded file with time in "hours since", stamped at noon, no bounds. */
START_TEST(test_gridded_hours_since)
{
    char dir[256], path[512];
    zt_grid g = {1, 1, 200000.0, 560000.0, 1000.0};
    float p[2] = {3.0f, 4.0f}, e[2] = {0.5f, 0.6f}, rp, re;
    io_forcing *f = NULL;
    zt_err err;
    int ncid, vt;
    double t[2];
    const char *u = "hours since 2018-01-01 00:00:00";

    tu_tmpdir("forcing/hours", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/h.nc", dir);
    zt_err_clear(&err);
    ck_assert_msg(io_forcing_write_grid(path, &g, ymd(2018, 7, 1), 2, p, e, &err) == ZT_OK, "%s",
                  err.msg);
    /* 2018-07-01 12:00 is 181.5 days = 4356 h after 2018-01-01 */
    t[0] = 4356.0;
    t[1] = 4380.0;
    ck_assert_int_eq(nc_open(path, NC_WRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "time", &vt), NC_NOERR);
    ck_assert_int_eq(nc_redef(ncid), NC_NOERR);
    ck_assert_int_eq(nc_put_att_text(ncid, vt, "units", strlen(u), u), NC_NOERR);
    ck_assert_int_eq(nc_del_att(ncid, vt, "bounds"), NC_NOERR);
    ck_assert_int_eq(nc_enddef(ncid), NC_NOERR);
    ck_assert_int_eq(nc_put_var_double(ncid, vt, t), NC_NOERR);
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
    ck_assert_msg(io_forcing_open(path, &g, NULL, ymd(2018, 7, 1), ymd(2018, 7, 2), &f, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    ck_assert_int_eq(io_forcing_read_day(f, ymd(2018, 7, 2), &rp, &re, &err), ZT_OK);
    ck_assert_float_eq(rp, 4.0f);
    ck_assert_float_eq(re, 0.6f);
    io_forcing_destroy(&f);
}
END_TEST

START_TEST(test_bad_forcing_files)
{
    char dir[256], path[512];
    zt_grid g = {1, 1, 0.0, 0.0, 1000.0};
    io_forcing *f = NULL;
    zt_err err;
    int ncid, dt, vt;

    tu_tmpdir("forcing/bad", dir, sizeof dir);
    zt_err_clear(&err);
    ck_assert_int_eq(io_forcing_open("no/such/forcing.nc", &g, NULL, 0, 1, &f, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "no/such/forcing.nc"));
    ck_assert_ptr_null(f);

    /* a file without P */
    snprintf(path, sizeof path, "%s/noP.nc", dir);
    ck_assert_int_eq(nc_create(path, NC_NETCDF4 | NC_CLOBBER, &ncid), NC_NOERR);
    nc_def_dim(ncid, "time", 1, &dt);
    nc_def_var(ncid, "time", NC_DOUBLE, 1, &dt, &vt);
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
    zt_err_clear(&err);
    ck_assert_int_eq(io_forcing_open(path, &g, NULL, 0, 0, &f, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "noP.nc: no variable P"), "%s", err.msg);

    /* station file with wrong units */
    snprintf(path, sizeof path, "%s/units.nc", dir);
    write_two_stations(path, -1);
    ck_assert_int_eq(nc_open(path, NC_WRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "ET0", &vt), NC_NOERR);
    ck_assert_int_eq(nc_redef(ncid), NC_NOERR);
    ck_assert_int_eq(nc_put_att_text(ncid, vt, "units", 7, "kg m-2"), NC_NOERR);
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
    zt_err_clear(&err);
    ck_assert_int_eq(io_forcing_open(path, &g, NULL, ymd(2018, 7, 1), ymd(2018, 7, 1), &f, &err),
                     ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "units.nc: variable ET0 has units 'kg m-2'"), "%s", err.msg);
}
END_TEST

/* Every allocation of open and import may fail; nothing leaks (valgrind). */
START_TEST(test_out_of_memory)
{
    char dir[256], path[512], out[512];
    zt_grid g = {4, 2, 0.0, 0.0, 1000.0};
    const char *files[] = {FIXTURE};
    io_forcing *f = NULL;
    zt_err err;
    zt_status st = ZT_ENOMEM;
    long n;

    tu_tmpdir("forcing/oom", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/two.nc", dir);
    write_two_stations(path, -1);
    for (n = 1; n < 200 && st != ZT_OK; n++) {
        zt_err_clear(&err);
        zt_alloc_fail_after(n);
        st = io_forcing_open(path, &g, NULL, ymd(2018, 7, 1), ymd(2018, 7, 3), &f, &err);
        zt_alloc_fail_after(0);
        if (st != ZT_OK) {
            ck_assert_int_eq(st, ZT_ENOMEM);
            ck_assert_ptr_null(f);
        }
    }
    ck_assert_int_eq(st, ZT_OK);
    io_forcing_destroy(&f);

    snprintf(out, sizeof out, "%s/oom.nc", dir);
    st = import(files, 1, NULL, 0, 1, 0, out, NULL, &err);
    ck_assert_msg(st == ZT_OK, "%s", err.msg);
    st = ZT_ENOMEM;
    for (n = 1; n < 500 && st != ZT_OK; n++) {
        zt_alloc_fail_after(n);
        st = import(files, 1, NULL, 0, 1, 0, out, NULL, &err);
        zt_alloc_fail_after(0);
        if (st != ZT_OK) {
            ck_assert_msg(st == ZT_ENOMEM, "%s", err.msg);
        }
    }
    ck_assert_int_eq(st, ZT_OK);
}
END_TEST

Suite *suite_forcing(void)
{
    Suite *s = suite_create("forcing");
    TCase *tc = tcase_create("knmi");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_import_leeuwarden_july_2018);
    tcase_add_test(tc, test_year_sums_2018);
    tcase_add_test(tc, test_knmi_format_fixture);
    tcase_add_test(tc, test_missing_day_is_an_error);
    tcase_add_test(tc, test_fill_nearest);
    tcase_add_test(tc, test_broken_rows);
    suite_add_tcase(s, tc);
    tc = tcase_create("open");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_nearest_station_mapping);
    tcase_add_test(tc, test_station_types_and_packing);
    tcase_add_test(tc, test_station_ranges);
    tcase_add_test(tc, test_time_zone);
    tcase_add_test(tc, test_gridded_round_trip);
    tcase_add_test(tc, test_gridded_negative_and_missing);
    tcase_add_test(tc, test_gridded_hours_since);
    tcase_add_test(tc, test_bad_forcing_files);
    tcase_add_test(tc, test_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}
