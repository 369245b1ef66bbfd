/*
 * test_io_out.c: the io_out suite (gridded output and time series).
 *
 * A 3 x 2 grid (cells k = 0..5, cell 2 inactive, cell 4 fixed head) gets
 * N_DAYS = 40 days of known values from a start day d0:
 *
 *   flux  P(k, i) = k + 0.25 i      (mm d-1)   i = 0..39, the day index
 *   state H(k, i) = 10 k + 0.5 i    (m)
 *
 * so a period of days i = a..b has, by hand,
 *   sum P  = n k + 0.25 (a + b) n / 2     (mm),  n = b - a + 1
 *   mean H = 10 k + 0.5 (a + b) / 2        (m)
 * Every value involved is a multiple of 1/8 below 2^20, exact in float and
 * double, so these sums compare exactly (tolerance 0).
 *
 * From 2020-01-22 the 40 days run to 2020-03-01: January 22-31 (10 days, an
 * incomplete month), all of February 2020 (29 days, a leap year) and March 1.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_out.h"
#include "testutil.h"

#define NX 3
#define NY 2
#define NCELL (NX * NY)
#define N_DAYS 40

static const zt_grid grid = {NX, NY, 200000.0, 560000.0, 250.0};
static const uint8_t mask[NCELL] = {1, 1, 0, 1, 2, 1};

static const io_var_spec vars[2] = {
    {"P", "precipitation", "mm d-1", "mm", "precipitation_amount", 1},
    {"H", "groundwater head", "m", NULL, NULL, 0},
};

/* Values of day index i: P, H as above (or scaled for the quantisation test). */
static void day_values(int i, int odd, float *p, float *h)
{
    int k;
    for (k = 0; k < NCELL; k++) {
        if (odd) {
            /* many significant digits, for quantisation (mm, m) */
            p[k] = (float)(1.23456789 * (k + 1) + 0.0137 * i);
            h[k] = (float)(-3.14159265 * (k + 1) - 0.00271 * i);
        } else {
            p[k] = (float)k + 0.25f * (float)i;
            h[k] = 10.0f * (float)k + 0.5f * (float)i;
        }
    }
}

static io_gridout_opts opts(io_agg agg, int deflate, int nsd, int async)
{
    io_gridout_opts o;
    memset(&o, 0, sizeof o);
    o.agg = agg;
    o.deflate = deflate;
    o.nsd = nsd;
    o.async = async;
    o.title = "io_out test";
    o.history = "test_io_out";
    return o;
}

/* Write N_DAYS days from d0 to path; returns the status of the first failure. */
static zt_status write_grid(const char *path, const io_gridout_opts *o, zt_day d0, int odd,
                            double *seconds)
{
    io_gridout *w = NULL;
    float p[NCELL], h[NCELL];
    const float *fields[2] = {p, h};
    zt_err err;
    zt_status st;
    int i;

    zt_err_clear(&err);
    st = io_gridout_create(path, &grid, mask, vars, 2, o, &w, &err);
    for (i = 0; i < N_DAYS && st == ZT_OK; i++) {
        day_values(i, odd, p, h);
        st = io_gridout_add_day(w, d0 + i, fields, &err);
    }
    if (seconds) {
        *seconds = io_gridout_seconds(w);
    }
    if (st == ZT_OK) {
        st = io_gridout_close(&w, 1, &err);
    } else {
        (void)io_gridout_close(&w, 0, NULL);
    }
    ck_assert_msg(st == ZT_OK, "%s: %s", path, err.msg);
    ck_assert_ptr_null(w);
    return st;
}

static int nc_ok(int r)
{
    ck_assert_msg(r == NC_NOERR, "netCDF: %s", nc_strerror(r));
    return r;
}

static void att_text(int ncid, int varid, const char *name, char *buf, size_t n)
{
    size_t len = 0;
    nc_ok(nc_inq_attlen(ncid, varid, name, &len));
    ck_assert_uint_lt(len, n);
    nc_ok(nc_get_att_text(ncid, varid, name, buf));
    buf[len] = '\0';
}

static size_t dim_len(int ncid, const char *name)
{
    int id;
    size_t len;
    nc_ok(nc_inq_dimid(ncid, name, &id));
    nc_ok(nc_inq_dimlen(ncid, id, &len));
    return len;
}

/* Record r of variable name: NCELL floats. */
static void get_rec(int ncid, const char *name, size_t r, float *out)
{
    int id;
    size_t start[3] = {r, 0, 0}, count[3] = {1, NY, NX};
    nc_ok(nc_inq_varid(ncid, name, &id));
    nc_ok(nc_get_vara_float(ncid, id, start, count, out));
}

static void get_time(int ncid, size_t r, double *t, double *b, int *ndays)
{
    int id;
    size_t start[2] = {r, 0}, count[2] = {1, 2};
    nc_ok(nc_inq_varid(ncid, "time", &id));
    nc_ok(nc_get_vara_double(ncid, id, start, count, t));
    nc_ok(nc_inq_varid(ncid, "time_bnds", &id));
    nc_ok(nc_get_vara_double(ncid, id, start, count, b));
    nc_ok(nc_inq_varid(ncid, "ndays", &id));
    nc_ok(nc_get_vara_int(ncid, id, start, count, ndays));
}

/* Check record r: period of day indices a..b (calendar days first..last+1). */
static void check_period(int ncid, size_t r, zt_day d0, int a, int b)
{
    float p[NCELL], h[NCELL];
    double t, bnd[2];
    int n = b - a + 1, nd, k;

    get_time(ncid, r, &t, bnd, &nd);
    ck_assert_double_eq(bnd[0], (double)(d0 + a));
    ck_assert_double_eq(bnd[1], (double)(d0 + b + 1));
    ck_assert_double_eq(t, 0.5 * (double)(2 * d0 + a + b + 1));
    ck_assert_int_eq(nd, n);
    get_rec(ncid, "P", r, p);
    get_rec(ncid, "H", r, h);
    for (k = 0; k < NCELL; k++) {
        if (mask[k] == 0) {
            ck_assert_float_eq(p[k], -9999.0f);
            ck_assert_float_eq(h[k], -9999.0f);
            continue;
        }
        /* hand sums (see the head of the file); exact */
        ck_assert_double_eq((double)p[k], n * k + 0.25 * (a + b) * n / 2.0);
        ck_assert_double_eq((double)h[k], 10.0 * k + 0.5 * (a + b) / 2.0);
    }
}

/* ---- tests ---------------------------------------------------------------- */

START_TEST(test_agg_names)
{
    io_agg a;
    int i;
    for (i = 0; i <= (int)IO_AGG_YEAR; i++) {
        ck_assert_int_eq(io_agg_parse(io_agg_name((io_agg)i), &a), 0);
        ck_assert_int_eq((int)a, i);
    }
    ck_assert_str_eq(io_agg_name(IO_AGG_10DAY), "10day");
    ck_assert_int_eq(io_agg_parse("week", &a), -1);
    ck_assert_int_eq(io_agg_parse(NULL, &a), -1);
}
END_TEST

START_TEST(test_month)
{
    char dir[256], path[512], buf[600];
    zt_day d0 = zt_day_from_ymd(2020, 1, 22);
    io_gridout_opts o = opts(IO_AGG_MONTH, 4, 0, 0);
    int ncid, id, nvd;
    float fill;
    double seconds = -1.0;

    tu_tmpdir("io_out_month", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/month.nc", dir);
    write_grid(path, &o, d0, 0, &seconds);
    ck_assert(seconds >= 0.0);
    snprintf(buf, sizeof buf, "%s.part", path);
    ck_assert_int_eq(tu_exists(buf), 0);

    nc_ok(nc_open(path, NC_NOWRITE, &ncid));
    ck_assert_uint_eq(dim_len(ncid, "time"), 3);
    ck_assert_uint_eq(dim_len(ncid, "x"), NX);
    ck_assert_uint_eq(dim_len(ncid, "y"), NY);
    /* Jan 22-31 (i 0-9), February 2020 (i 10-38, 29 days), March 1 (i 39) */
    check_period(ncid, 0, d0, 0, 9);
    check_period(ncid, 1, d0, 10, 38);
    check_period(ncid, 2, d0, 39, 39);
    {
        /* February by hand: sum P = 29 k + 174 mm, mean H = 10 k + 12 m (cell 5) */
        float p[NCELL], h[NCELL];
        get_rec(ncid, "P", 1, p);
        get_rec(ncid, "H", 1, h);
        ck_assert_float_eq(p[5], 29.0f * 5 + 174.0f);
        ck_assert_float_eq(h[5], 62.0f);
    }
    /* time coordinate */
    nc_ok(nc_inq_varid(ncid, "time", &id));
    att_text(ncid, id, "units", buf, sizeof buf);
    ck_assert_str_eq(buf, "days since 1970-01-01 00:00:00");
    att_text(ncid, id, "calendar", buf, sizeof buf);
    ck_assert_str_eq(buf, "standard");
    att_text(ncid, id, "axis", buf, sizeof buf);
    ck_assert_str_eq(buf, "T");
    att_text(ncid, id, "bounds", buf, sizeof buf);
    ck_assert_str_eq(buf, "time_bnds");
    /* data variables */
    nc_ok(nc_inq_varid(ncid, "P", &id));
    att_text(ncid, id, "cell_methods", buf, sizeof buf);
    ck_assert_str_eq(buf, "time: sum");
    att_text(ncid, id, "units", buf, sizeof buf);
    ck_assert_str_eq(buf, "mm");
    att_text(ncid, id, "standard_name", buf, sizeof buf);
    ck_assert_str_eq(buf, "precipitation_amount");
    att_text(ncid, id, "grid_mapping", buf, sizeof buf);
    ck_assert_str_eq(buf, "crs");
    nc_ok(nc_get_att_float(ncid, id, "_FillValue", &fill));
    ck_assert_float_eq(fill, -9999.0f);
    {
        int storage, shuffle, deflate, level, ndims;
        size_t chunk[3];
        nc_ok(nc_inq_varndims(ncid, id, &ndims));
        ck_assert_int_eq(ndims, 3);
        nc_ok(nc_inq_var_chunking(ncid, id, &storage, chunk));
        ck_assert_int_eq(storage, NC_CHUNKED);
        ck_assert_uint_eq(chunk[0], 1);
        ck_assert_uint_eq(chunk[1], NY);
        ck_assert_uint_eq(chunk[2], NX);
        nc_ok(nc_inq_var_deflate(ncid, id, &shuffle, &deflate, &level));
        ck_assert_int_eq(shuffle, 1);
        ck_assert_int_eq(deflate, 1);
        ck_assert_int_eq(level, 4);
    }
    nc_ok(nc_inq_varid(ncid, "H", &id));
    att_text(ncid, id, "cell_methods", buf, sizeof buf);
    ck_assert_str_eq(buf, "time: mean");
    att_text(ncid, id, "units", buf, sizeof buf);
    ck_assert_str_eq(buf, "m");
    ck_assert_int_eq(nc_inq_att(ncid, id, "standard_name", NULL, NULL), NC_ENOTATT);
    /* the first and last months are incomplete and said so */
    att_text(ncid, NC_GLOBAL, "incomplete_periods", buf, sizeof buf);
    ck_assert_str_eq(buf, "2020-01-22 to 2020-01-31 (10 of 31 days); "
                          "2020-03-01 to 2020-03-01 (1 of 31 days)");
    att_text(ncid, NC_GLOBAL, "aggregation", buf, sizeof buf);
    ck_assert_str_eq(buf, "month");
    nc_ok(nc_inq_nvars(ncid, &nvd));
    ck_assert_int_gt(nvd, 5);
    nc_ok(nc_close(ncid));
}
END_TEST

START_TEST(test_dekad_leap)
{
    char dir[256], path[512];
    zt_day d0 = zt_day_from_ymd(2020, 1, 22);
    io_gridout_opts o = opts(IO_AGG_10DAY, 1, 0, 0);
    int ncid;

    tu_tmpdir("io_out_dekad", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/dekad2020.nc", dir);
    write_grid(path, &o, d0, 0, NULL);
    nc_ok(nc_open(path, NC_NOWRITE, &ncid));
    ck_assert_uint_eq(dim_len(ncid, "time"), 5);
    check_period(ncid, 0, d0, 0, 9);   /* Jan 22-31 of the dekad 21-31 */
    check_period(ncid, 1, d0, 10, 19); /* Feb 1-10 */
    check_period(ncid, 2, d0, 20, 29); /* Feb 11-20 */
    check_period(ncid, 3, d0, 30, 38); /* Feb 21-29: 9 days in 2020 */
    check_period(ncid, 4, d0, 39, 39); /* Mar 1 of the dekad 1-10 */
    {
        double t, b[2];
        int nd;
        get_time(ncid, 3, &t, b, &nd);
        ck_assert_double_eq(b[0], (double)zt_day_from_ymd(2020, 2, 21));
        ck_assert_double_eq(b[1], (double)zt_day_from_ymd(2020, 3, 1));
        ck_assert_int_eq(nd, 9);
    }
    nc_ok(nc_close(ncid));
}
END_TEST

START_TEST(test_dekad_common_year)
{
    char dir[256], path[512];
    zt_day d0 = zt_day_from_ymd(2019, 1, 22);
    io_gridout_opts o = opts(IO_AGG_10DAY, 0, 0, 0);
    double t, b[2];
    int ncid, nd;

    tu_tmpdir("io_out_dekad19", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/dekad2019.nc", dir);
    write_grid(path, &o, d0, 0, NULL);
    nc_ok(nc_open(path, NC_NOWRITE, &ncid));
    ck_assert_uint_eq(dim_len(ncid, "time"), 5);
    check_period(ncid, 3, d0, 30, 37); /* Feb 21-28: 8 days in 2019 */
    check_period(ncid, 4, d0, 38, 39); /* Mar 1-2 */
    get_time(ncid, 3, &t, b, &nd);
    ck_assert_double_eq(b[0], (double)zt_day_from_ymd(2019, 2, 21));
    ck_assert_double_eq(b[1], (double)zt_day_from_ymd(2019, 3, 1));
    ck_assert_int_eq(nd, 8);
    {
        int id, storage, shuffle, deflate, level;
        nc_ok(nc_inq_varid(ncid, "P", &id));
        nc_ok(nc_inq_var_deflate(ncid, id, &shuffle, &deflate, &level));
        ck_assert_int_eq(deflate, 0); /* deflate 0: no filter */
        nc_ok(nc_inq_var_chunking(ncid, id, &storage, NULL));
        ck_assert_int_eq(storage, NC_CHUNKED);
    }
    nc_ok(nc_close(ncid));
}
END_TEST

START_TEST(test_day)
{
    char dir[256], path[512], buf[256];
    zt_day d0 = zt_day_from_ymd(2018, 12, 20);
    io_gridout_opts o = opts(IO_AGG_DAY, 2, 0, 0);
    int ncid, id, i;

    tu_tmpdir("io_out_day", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/day.nc", dir);
    write_grid(path, &o, d0, 0, NULL);
    nc_ok(nc_open(path, NC_NOWRITE, &ncid));
    ck_assert_uint_eq(dim_len(ncid, "time"), N_DAYS);
    for (i = 0; i < N_DAYS; i++) {
        /* time = d + 0.5, bounds [d, d + 1], the day's value itself */
        check_period(ncid, (size_t)i, d0, i, i);
    }
    nc_ok(nc_inq_varid(ncid, "P", &id));
    att_text(ncid, id, "cell_methods", buf, sizeof buf);
    ck_assert_str_eq(buf, "time: sum");
    att_text(ncid, id, "units", buf, sizeof buf);
    ck_assert_str_eq(buf, "mm");
    /* whole days only: nothing incomplete */
    ck_assert_int_eq(nc_inq_att(ncid, NC_GLOBAL, "incomplete_periods", NULL, NULL), NC_ENOTATT);
    nc_ok(nc_close(ncid));
}
END_TEST

START_TEST(test_year)
{
    char dir[256], path[512], buf[256];
    zt_day d0 = zt_day_from_ymd(2018, 12, 20); /* 12 days of 2018, 28 of 2019 */
    io_gridout_opts o = opts(IO_AGG_YEAR, 4, 0, 1);
    int ncid;

    tu_tmpdir("io_out_year", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/year.nc", dir);
    write_grid(path, &o, d0, 0, NULL);
    nc_ok(nc_open(path, NC_NOWRITE, &ncid));
    ck_assert_uint_eq(dim_len(ncid, "time"), 2);
    check_period(ncid, 0, d0, 0, 11);
    check_period(ncid, 1, d0, 12, 39);
    att_text(ncid, NC_GLOBAL, "incomplete_periods", buf, sizeof buf);
    ck_assert_str_eq(buf, "2018-12-20 to 2018-12-31 (12 of 365 days); "
                          "2019-01-01 to 2019-01-28 (28 of 365 days)");
    nc_ok(nc_close(ncid));
}
END_TEST

/*
 * BitGroom with nsd significant digits keeps ceil(nsd log2 10) + 1 mantissa
 * bits, so |q - v| <= 0.5 10^-nsd |v| (io_out.c); the float rounding of the
 * mean adds at most |v| FLT_EPSILON.
 */
START_TEST(test_quantize)
{
    char dir[256], path[512];
    zt_day d0 = zt_day_from_ymd(2021, 6, 1);
    io_gridout_opts o = opts(IO_AGG_MONTH, 4, 3, 0);
    float p[NCELL], h[NCELL], q[NCELL], qh[NCELL];
    double sp[NCELL] = {0}, sh[NCELL] = {0};
    int ncid, id, nsd, mode, k, i, ndiff = 0;

    tu_tmpdir("io_out_quant", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/q.nc", dir);
    write_grid(path, &o, d0, 1, NULL);
    /* June 2021 = day indices 0..29 */
    for (i = 0; i < 30; i++) {
        day_values(i, 1, p, h);
        for (k = 0; k < NCELL; k++) {
            sp[k] += p[k];
            sh[k] += h[k];
        }
    }
    nc_ok(nc_open(path, NC_NOWRITE, &ncid));
    nc_ok(nc_inq_varid(ncid, "P", &id));
    nc_ok(nc_inq_var_quantize(ncid, id, &mode, &nsd));
    ck_assert_int_eq(mode, NC_QUANTIZE_BITGROOM);
    ck_assert_int_eq(nsd, 3);
    get_rec(ncid, "P", 0, q);
    get_rec(ncid, "H", 0, qh);
    for (k = 0; k < NCELL; k++) {
        double v = sp[k], vh = sh[k] / 30.0;
        if (mask[k] == 0) {
            ck_assert_float_eq(q[k], -9999.0f); /* the fill value is kept */
            continue;
        }
        ck_assert_msg(fabs(q[k] - v) <= (0.5e-3 + FLT_EPSILON) * fabs(v),
                      "cell %d: P %.9g stored as %.9g", k, v, (double)q[k]);
        ck_assert_msg(fabs(qh[k] - vh) <= (0.5e-3 + FLT_EPSILON) * fabs(vh),
                      "cell %d: H %.9g stored as %.9g", k, vh, (double)qh[k]);
        ndiff += (q[k] != (float)v) + (qh[k] != (float)vh);
    }
    ck_assert_int_gt(ndiff, 0); /* quantisation did change the values */
    nc_ok(nc_close(ncid));

    /* nsd 7 is float precision: values unquantised (netCDF 4.9.0 would
     * corrupt them, Unidata/netcdf-c#3389) */
    o = opts(IO_AGG_MONTH, 4, 7, 0);
    snprintf(path, sizeof path, "%s/q7.nc", dir);
    write_grid(path, &o, d0, 1, NULL);
    nc_ok(nc_open(path, NC_NOWRITE, &ncid));
    nc_ok(nc_inq_varid(ncid, "P", &id));
    nc_ok(nc_inq_var_quantize(ncid, id, &mode, &nsd));
    ck_assert_int_eq(mode, NC_NOQUANTIZE);
    get_rec(ncid, "P", 0, q);
    get_rec(ncid, "H", 0, qh);
    for (k = 0; k < NCELL; k++) {
        if (mask[k] != 0) {
            ck_assert_float_eq(q[k], (float)sp[k]);
            ck_assert_float_eq(qh[k], (float)(sh[k] / 30.0));
        }
    }
    nc_ok(nc_close(ncid));
}
END_TEST

/* Async and sync writing give the same bytes; so do two runs of either. */
START_TEST(test_async_identical)
{
    char dir[256], a[512], b[512], c[512];
    zt_day d0 = zt_day_from_ymd(2020, 1, 22);
    io_agg aggs[2] = {IO_AGG_DAY, IO_AGG_10DAY};
    double sec = -1.0;
    int j;

    tu_tmpdir("io_out_async", dir, sizeof dir);
    for (j = 0; j < 2; j++) {
        io_gridout_opts os = opts(aggs[j], 4, 3, 0);
        io_gridout_opts oa = opts(aggs[j], 4, 3, 1);
        snprintf(a, sizeof a, "%s/sync%d.nc", dir, j);
        snprintf(b, sizeof b, "%s/async%d.nc", dir, j);
        snprintf(c, sizeof c, "%s/sync%d-again.nc", dir, j);
        write_grid(a, &os, d0, 1, NULL);
        write_grid(b, &oa, d0, 1, &sec);
        write_grid(c, &os, d0, 1, NULL);
        ck_assert(sec >= 0.0);
        ck_assert_int_eq(tu_cmp_files(a, c), 0);
        ck_assert_int_eq(tu_cmp_files(a, b), 0);
    }
}
END_TEST

START_TEST(test_unwritable)
{
    char dir[256], path[512], part[600];
    io_gridout_opts o = opts(IO_AGG_MONTH, 4, 0, 0);
    io_gridout *w = (io_gridout *)&o; /* must be reset to NULL */
    zt_err err;
    zt_status st;

    tu_tmpdir("io_out_unwritable", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/no/such/folder/a.nc", dir);
    zt_err_clear(&err);
    st = io_gridout_create(path, &grid, mask, vars, 2, &o, &w, &err);
    ck_assert_int_eq(st, ZT_EIO);
    ck_assert_ptr_null(w);
    ck_assert_msg(strstr(err.msg, "no/such/folder/a.nc.part") != NULL, "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "No such file or directory") != NULL, "%s", err.msg);
    snprintf(part, sizeof part, "%s.part", path);
    ck_assert_int_eq(tu_exists(part), 0);
}
END_TEST

START_TEST(test_bad_options)
{
    char dir[256], path[512];
    io_gridout_opts o = opts(IO_AGG_MONTH, 10, 0, 0);
    io_gridout *w = NULL;
    zt_err err;

    tu_tmpdir("io_out_badopt", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/a.nc", dir);
    zt_err_clear(&err);
    ck_assert_int_eq(io_gridout_create(path, &grid, mask, vars, 2, &o, &w, &err), ZT_ECONFIG);
    ck_assert_ptr_nonnull(strstr(err.msg, "deflate 10"));
    o = opts(IO_AGG_MONTH, 1, 8, 0);
    zt_err_clear(&err);
    ck_assert_int_eq(io_gridout_create(path, &grid, mask, vars, 2, &o, &w, &err), ZT_ECONFIG);
    ck_assert_ptr_null(w);
    ck_assert_int_eq(tu_exists(path), 0);
}
END_TEST

/* A gap in the days is ZT_EINTERNAL; the failed file leaves nothing behind. */
static void gap_case(int async)
{
    char dir[256], path[512], part[600];
    io_gridout_opts o = opts(IO_AGG_DAY, 1, 0, async);
    io_gridout *w = NULL;
    float p[NCELL], h[NCELL];
    const float *fields[2] = {p, h};
    zt_day d0 = zt_day_from_ymd(2018, 4, 1);
    zt_err err;

    tu_tmpdir(async ? "io_out_gap_async" : "io_out_gap", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/gap.nc", dir);
    snprintf(part, sizeof part, "%s.part", path);
    day_values(0, 0, p, h);
    zt_err_clear(&err);
    ck_assert_int_eq(io_gridout_create(path, &grid, mask, vars, 2, &o, &w, &err), ZT_OK);
    ck_assert_int_eq(io_gridout_add_day(w, d0, fields, &err), ZT_OK);
    ck_assert_int_eq(io_gridout_add_day(w, d0 + 1, fields, &err), ZT_OK);
    ck_assert_int_eq(tu_exists(part), 1);
    ck_assert_int_eq(io_gridout_add_day(w, d0 + 3, fields, &err), ZT_EINTERNAL);
    ck_assert_msg(strstr(err.msg, "got 2018-04-04, expected 2018-04-03") != NULL, "%s", err.msg);
    /* closing with ok = 1 after a failure still discards the file */
    ck_assert_int_eq(io_gridout_close(&w, 1, NULL), ZT_OK);
    ck_assert_ptr_null(w);
    ck_assert_int_eq(tu_exists(path), 0);
    ck_assert_int_eq(tu_exists(part), 0);
}

START_TEST(test_gap)
{
    gap_case(0);
    gap_case(1);
}
END_TEST

/* close(!ok) after written periods: no final file, no .part (sync and async). */
START_TEST(test_close_not_ok)
{
    char dir[256], path[512], part[600];
    int async;
    tu_tmpdir("io_out_notok", dir, sizeof dir);
    for (async = 0; async <= 1; async++) {
        io_gridout_opts o = opts(IO_AGG_DAY, 4, 0, async);
        io_gridout *w = NULL;
        float p[NCELL], h[NCELL];
        const float *fields[2] = {p, h};
        zt_err err;
        int i;
        snprintf(path, sizeof path, "%s/notok%d.nc", dir, async);
        snprintf(part, sizeof part, "%s.part", path);
        zt_err_clear(&err);
        ck_assert_int_eq(io_gridout_create(path, &grid, mask, vars, 2, &o, &w, &err), ZT_OK);
        for (i = 0; i < 10; i++) {
            day_values(i, 0, p, h);
            ck_assert_int_eq(io_gridout_add_day(w, 17000 + i, fields, &err), ZT_OK);
        }
        ck_assert_int_eq(io_gridout_close(&w, 0, &err), ZT_OK);
        ck_assert_ptr_null(w);
        ck_assert_int_eq(tu_exists(path), 0);
        ck_assert_int_eq(tu_exists(part), 0);
    }
    ck_assert_int_eq(io_gridout_close(NULL, 1, NULL), ZT_OK);
}
END_TEST

/* Every allocation of create can fail: ZT_ENOMEM, nothing left on disk. */
START_TEST(test_alloc_fail)
{
    char dir[256], path[512], part[600];
    io_gridout_opts o = opts(IO_AGG_MONTH, 4, 0, 1);
    io_gridout *w = NULL;
    zt_err err;
    zt_status st = ZT_ENOMEM;
    long n;

    tu_tmpdir("io_out_nomem", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/m.nc", dir);
    snprintf(part, sizeof part, "%s.part", path);
    for (n = 1; n < 50 && st == ZT_ENOMEM; n++) {
        zt_err_clear(&err);
        zt_alloc_fail_after(n);
        st = io_gridout_create(path, &grid, mask, vars, 2, &o, &w, &err);
        zt_alloc_fail_after(0);
        if (st != ZT_OK) {
            ck_assert_int_eq(st, ZT_ENOMEM);
            ck_assert_ptr_null(w);
            ck_assert_int_eq(tu_exists(part), 0);
        }
    }
    ck_assert_int_eq(st, ZT_OK);
    ck_assert_int_gt(n, 2);
    ck_assert_int_eq(io_gridout_close(&w, 0, &err), ZT_OK);

    /* and the time-series writer */
    {
        static const int32_t ids[1] = {1};
        io_tsout *t = NULL;
        snprintf(path, sizeof path, "%s/ts.csv", dir);
        st = ZT_ENOMEM;
        for (n = 1; n < 50 && st == ZT_ENOMEM; n++) {
            zt_err_clear(&err);
            zt_alloc_fail_after(n);
            st = io_tsout_create(NULL, path, "district", ids, NULL, 1, vars, 2, 17000, 3, &t,
                                 &err);
            zt_alloc_fail_after(0);
            if (st != ZT_OK) {
                ck_assert_int_eq(st, ZT_ENOMEM);
                ck_assert_ptr_null(t);
            }
        }
        ck_assert_int_eq(st, ZT_OK);
        ck_assert_int_eq(io_tsout_close(&t, 0, &err), ZT_OK);
        ck_assert_int_eq(tu_exists(path), 0);
    }
}
END_TEST

/* ---- time series ---------------------------------------------------------- */

static const int32_t ts_ids[2] = {101, 102};
static const char *const ts_names[2] = {"Dokkum", "Hunze, Aa"};
static const io_var_spec ts_vars[2] = {
    {"demand", "inlet water demand", "m3", "m3", NULL, 1}, /* a daily amount */
    {"level", "water level", "m", NULL, NULL, 0},
};

/* values[v * nfeat + f] of day index d (see the expected CSV below) */
static void ts_values(int d, double *val)
{
    val[0 * 2 + 0] = 12345678.9 + d;
    val[0 * 2 + 1] = (d + 1) / 3.0;
    val[1 * 2 + 0] = -0.5 - 0.01 * d;
    val[1 * 2 + 1] = d == 1 ? NAN : 1e-5 * (d + 1);
}

static zt_status write_ts(const char *nc, const char *csv, int ndays_add, zt_err *err)
{
    io_tsout *t = NULL;
    double val[4];
    zt_day d0 = zt_day_from_ymd(2018, 7, 30);
    zt_status st;
    int d;

    st = io_tsout_create(nc, csv, "district", ts_ids, ts_names, 2, ts_vars, 2, d0, 3, &t, err);
    for (d = 0; d < ndays_add && st == ZT_OK; d++) {
        ts_values(d, val);
        st = io_tsout_add_day(t, d0 + d, val, err);
    }
    if (st == ZT_OK) {
        return io_tsout_close(&t, 1, err);
    }
    (void)io_tsout_close(&t, 0, NULL);
    return st;
}

/* Tidy CSV: the key columns replace the name column (a value with a comma
 * quoted, a NULL value empty); the NetCDF is not concerned (no path). Too
 * many keys is a programmer's error. */
START_TEST(test_tsout_keys)
{
    static const char expect[] = "date,user,cause,class,demand,level\n"
                                 "2018-07-30,21001,peat,1.2,12345678.9,-0.5\n"
                                 "2018-07-30,\"Hunze, Aa\",,2.1,0.333333,1e-05\n";
    static const char *const knames[3] = {"user", "cause", "class"};
    static const char *const kvals[6] = {"21001", "peat", "1.2", "Hunze, Aa", NULL, "2.1"};
    const io_ts_keys keys = {3, knames, kvals};
    const io_ts_keys many = {IO_TS_MAX_KEYS + 1, knames, kvals};
    char dir[256], csv[512], *text;
    io_tsout *t = NULL;
    double val[4];
    zt_err err;
    const zt_day d0 = zt_day_from_ymd(2018, 7, 30);
    tu_tmpdir("io_out_tskeys", dir, sizeof dir);
    snprintf(csv, sizeof csv, "%s/users.csv", dir);
    zt_err_clear(&err);
    ck_assert_int_eq(io_tsout_create_keyed(NULL, csv, "user", ts_ids, ts_names, 2, &keys, ts_vars,
                                           2, d0, 1, &t, &err),
                     ZT_OK);
    ts_values(0, val);
    ck_assert_int_eq(io_tsout_add_day(t, d0, val, &err), ZT_OK);
    ck_assert_int_eq(io_tsout_close(&t, 1, &err), ZT_OK);
    text = tu_slurp(csv, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, expect);
    free(text);
    ck_assert_int_eq(io_tsout_create_keyed(NULL, csv, "user", ts_ids, ts_names, 2, &many, ts_vars,
                                           2, d0, 1, &t, &err),
                     ZT_EINTERNAL);
    ck_assert_ptr_null(t);
}
END_TEST

START_TEST(test_tsout)
{
    static const char expect[] = "date,district,demand,level\n"
                                 "2018-07-30,Dokkum,12345678.9,-0.5\n"
                                 "2018-07-30,\"Hunze, Aa\",0.333333,1e-05\n"
                                 "2018-07-31,Dokkum,12345679.9,-0.51\n"
                                 "2018-07-31,\"Hunze, Aa\",0.666667,NaN\n"
                                 "2018-08-01,Dokkum,12345680.9,-0.52\n"
                                 "2018-08-01,\"Hunze, Aa\",1,3e-05\n";
    char dir[256], nc[512], csv[512], part[600], buf[256];
    char *text;
    size_t len;
    zt_err err;
    int ncid, id, d, f, ids[2];
    char *names[2];
    double v[3], t[3], b[6];
    zt_day d0 = zt_day_from_ymd(2018, 7, 30);

    tu_tmpdir("io_out_ts", dir, sizeof dir);
    snprintf(nc, sizeof nc, "%s/districts.nc", dir);
    snprintf(csv, sizeof csv, "%s/districts.csv", dir);
    zt_err_clear(&err);
    ck_assert_msg(write_ts(nc, csv, 3, &err) == ZT_OK, "%s", err.msg);
    snprintf(part, sizeof part, "%s.part", csv);
    ck_assert_int_eq(tu_exists(part), 0);
    snprintf(part, sizeof part, "%s.part", nc);
    ck_assert_int_eq(tu_exists(part), 0);

    text = tu_slurp(csv, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, expect);
    free(text);

    nc_ok(nc_open(nc, NC_NOWRITE, &ncid));
    att_text(ncid, NC_GLOBAL, "featureType", buf, sizeof buf);
    ck_assert_str_eq(buf, "timeSeries");
    ck_assert_uint_eq(dim_len(ncid, "district"), 2);
    ck_assert_uint_eq(dim_len(ncid, "time"), 3);
    nc_ok(nc_inq_varid(ncid, "district_id", &id));
    nc_ok(nc_get_var_int(ncid, id, ids));
    ck_assert_int_eq(ids[0], 101);
    ck_assert_int_eq(ids[1], 102);
    nc_ok(nc_inq_varid(ncid, "district_name", &id));
    {
        nc_type type;
        nc_ok(nc_inq_vartype(ncid, id, &type));
        ck_assert_int_eq(type, NC_STRING);
    }
    att_text(ncid, id, "cf_role", buf, sizeof buf);
    ck_assert_str_eq(buf, "timeseries_id");
    nc_ok(nc_get_var_string(ncid, id, names));
    ck_assert_str_eq(names[0], "Dokkum");
    ck_assert_str_eq(names[1], "Hunze, Aa");
    nc_ok(nc_free_string(2, names));
    nc_ok(nc_inq_varid(ncid, "time", &id));
    nc_ok(nc_get_var_double(ncid, id, t));
    nc_ok(nc_inq_varid(ncid, "time_bnds", &id));
    nc_ok(nc_get_var_double(ncid, id, b));
    for (d = 0; d < 3; d++) {
        ck_assert_double_eq(t[d], d0 + d + 0.5);
        ck_assert_double_eq(b[2 * d], d0 + d);
        ck_assert_double_eq(b[2 * d + 1], d0 + d + 1);
    }
    nc_ok(nc_inq_varid(ncid, "demand", &id));
    att_text(ncid, id, "units", buf, sizeof buf);
    ck_assert_str_eq(buf, "m3");
    att_text(ncid, id, "cell_methods", buf, sizeof buf);
    ck_assert_str_eq(buf, "time: sum");
    for (f = 0; f < 2; f++) {
        size_t start[2] = {(size_t)f, 0}, count[2] = {1, 3};
        double val[4];
        nc_ok(nc_inq_varid(ncid, "demand", &id));
        nc_ok(nc_get_vara_double(ncid, id, start, count, v));
        for (d = 0; d < 3; d++) {
            ts_values(d, val);
            ck_assert_double_eq(v[d], val[f]); /* stored as double: exact */
        }
        nc_ok(nc_inq_varid(ncid, "level", &id));
        nc_ok(nc_get_vara_double(ncid, id, start, count, v));
        for (d = 0; d < 3; d++) {
            ts_values(d, val);
            if (isnan(val[2 + f])) {
                ck_assert(isnan(v[d]));
            } else {
                ck_assert_double_eq(v[d], val[2 + f]);
            }
        }
    }
    nc_ok(nc_inq_varid(ncid, "level", &id));
    att_text(ncid, id, "cell_methods", buf, sizeof buf);
    ck_assert_str_eq(buf, "time: mean");
    att_text(ncid, id, "units", buf, sizeof buf);
    ck_assert_str_eq(buf, "m");
    att_text(ncid, id, "coordinates", buf, sizeof buf);
    ck_assert_str_eq(buf, "district_name");
    nc_ok(nc_close(ncid));
}
END_TEST

START_TEST(test_tsout_errors)
{
    char dir[256], nc[512], csv[512], part[600];
    io_tsout *t = NULL;
    double val[4] = {0, 0, 0, 0};
    zt_day d0 = zt_day_from_ymd(2018, 7, 30);
    zt_err err;
    int d;

    tu_tmpdir("io_out_ts_err", dir, sizeof dir);
    /* an unwritable path fails at create, naming the file */
    snprintf(nc, sizeof nc, "%s/missing/d.nc", dir);
    zt_err_clear(&err);
    ck_assert_int_eq(io_tsout_create(nc, NULL, "district", ts_ids, ts_names, 2, ts_vars, 2, d0, 3,
                                     &t, &err),
                     ZT_EIO);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err.msg, "missing/d.nc.part") != NULL, "%s", err.msg);

    /* days out of order, and beyond the reserved days */
    snprintf(nc, sizeof nc, "%s/d.nc", dir);
    snprintf(csv, sizeof csv, "%s/d.csv", dir);
    zt_err_clear(&err);
    ck_assert_int_eq(io_tsout_create(nc, csv, "district", ts_ids, ts_names, 2, ts_vars, 2, d0, 3,
                                     &t, &err),
                     ZT_OK);
    ck_assert_int_eq(io_tsout_add_day(t, d0 + 1, val, &err), ZT_EINTERNAL);
    ck_assert_msg(strstr(err.msg, "got 2018-07-31, expected 2018-07-30") != NULL, "%s", err.msg);
    for (d = 0; d < 3; d++) {
        ck_assert_int_eq(io_tsout_add_day(t, d0 + d, val, NULL), ZT_OK);
    }
    zt_err_clear(&err);
    ck_assert_int_eq(io_tsout_add_day(t, d0 + 3, val, &err), ZT_EINTERNAL);
    /* close(!ok): nothing on disk */
    ck_assert_int_eq(io_tsout_close(&t, 0, NULL), ZT_OK);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(tu_exists(nc), 0);
    ck_assert_int_eq(tu_exists(csv), 0);
    snprintf(part, sizeof part, "%s.part", nc);
    ck_assert_int_eq(tu_exists(part), 0);
    snprintf(part, sizeof part, "%s.part", csv);
    ck_assert_int_eq(tu_exists(part), 0);

    /* a run that stops early writes the days it has; CSV only */
    zt_err_clear(&err);
    ck_assert_int_eq(write_ts(NULL, csv, 2, &err), ZT_OK);
    {
        char *text = tu_slurp(csv, NULL);
        ck_assert_ptr_nonnull(text);
        ck_assert_int_eq(tu_count_lines(text), 1 + 2 * 2);
        free(text);
    }
    ck_assert_int_eq(tu_exists(nc), 0);
    ck_assert_int_eq(io_tsout_close(NULL, 1, NULL), ZT_OK);
}
END_TEST

Suite *suite_io_out(void)
{
    Suite *s = suite_create("io_out");
    TCase *tc = tcase_create("grid");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_agg_names);
    tcase_add_test(tc, test_month);
    tcase_add_test(tc, test_dekad_leap);
    tcase_add_test(tc, test_dekad_common_year);
    tcase_add_test(tc, test_day);
    tcase_add_test(tc, test_year);
    tcase_add_test(tc, test_quantize);
    tcase_add_test(tc, test_async_identical);
    tcase_add_test(tc, test_unwritable);
    tcase_add_test(tc, test_bad_options);
    tcase_add_test(tc, test_gap);
    tcase_add_test(tc, test_close_not_ok);
    tcase_add_test(tc, test_alloc_fail);
    suite_add_tcase(s, tc);
    tc = tcase_create("tsout");
    tcase_add_test(tc, test_tsout);
    tcase_add_test(tc, test_tsout_keys);
    tcase_add_test(tc, test_tsout_errors);
    suite_add_tcase(s, tc);
    return s;
}
