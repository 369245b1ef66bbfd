/*
 * test_picture.c: quicklook pictures (io/io_picture.c).
 *
 * Maps: a 4 x 3 grid of 250 m at (200000, 550000) m RD New, written with the
 * NetCDF API and io_nc_def_grid, with a (time, y, x) variable whose value in
 * cell k is k (time 0, July 2018) and k - 6 (time 1), cell 0 fill, and a 2-D
 * variable. The PNG is read back with GDAL: its size (nx * scale, ny *
 * scale), bands, the colour of cells in the northern row (first PNG rows)
 * and the southern row, worked out by hand from the anchor table of
 * io_picture.c (exactly on anchors, and half-way between two, rounded), the
 * transparent or grey no-data cell, the geotransform GDAL takes from the
 * world file and the CRS from the .aux.xml; the world file's text; the
 * legend's range (2nd-98th percentile by hand: 1.2 and 10.8 for 1..11).
 * Charts: a small long-format CSV with a quoted key; the SVG's root, one
 * <polyline> per column (two after a NaN gap), the title (escaped), month
 * labels and the first point's coordinates by hand. Error paths: missing
 * file, variable, column, key; bad number and date; options out of range;
 * unwritable folder (no .part left); failed allocations.
 */
#include <check.h>
#include <gdal.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_file.h"
#include "io_nc.h"
#include "io_picture.h"
#include "testutil.h"

/* The test grid: 4 x 3 cells of 250 m, south-west corner (200000, 550000) m. */
static const zt_grid tgrid = {4, 3, 200000.0, 550000.0, 250.0};

#define NCOK(call) ck_assert_msg((call) == NC_NOERR, "%s", #call)

/*
 * dir/name: float demand(time=2, y, x) "mm" (cell k: k at time 0, k - 6 at
 * time 1; cell 0 fill), float flat(y, x) = 7 everywhere, float empty(time,
 * y, x) all fill; time in days since 1970-01-01 with bounds (July and
 * August 2018).
 */
static const char *make_nc(const char *dir, const char *name, char *buf, size_t n)
{
    int ncid, dimy, dimx, dimt, dimnv, vt, vb, vd, vf, ve, dims[3];
    float fill = -9999.0f, v[2][12], flat[12], empty[2][12];
    double tv[2] = {17728.5, 17759.5}, tb[2][2] = {{17713, 17744}, {17744, 17775}};
    zt_err err;
    int k;

    zt_err_clear(&err);
    io_path_join(dir, name, buf, n);
    NCOK(nc_create(buf, NC_NETCDF4 | NC_CLOBBER, &ncid));
    ck_assert_msg(io_nc_def_grid(ncid, &tgrid, buf, &dimy, &dimx, &err) == ZT_OK, "%s", err.msg);
    NCOK(nc_inq_dimid(ncid, "nv", &dimnv));
    NCOK(nc_def_dim(ncid, "time", NC_UNLIMITED, &dimt));
    NCOK(nc_def_var(ncid, "time", NC_DOUBLE, 1, &dimt, &vt));
    NCOK(nc_put_att_text(ncid, vt, "units", 30, "days since 1970-01-01 00:00:00"));
    NCOK(nc_put_att_text(ncid, vt, "bounds", 9, "time_bnds"));
    dims[0] = dimt;
    dims[1] = dimnv;
    NCOK(nc_def_var(ncid, "time_bnds", NC_DOUBLE, 2, dims, &vb));
    dims[1] = dimy;
    dims[2] = dimx;
    NCOK(nc_def_var(ncid, "demand", NC_FLOAT, 3, dims, &vd));
    NCOK(nc_put_att_float(ncid, vd, "_FillValue", NC_FLOAT, 1, &fill));
    NCOK(nc_put_att_text(ncid, vd, "units", 2, "mm"));
    NCOK(nc_put_att_text(ncid, vd, "long_name", 13, "inlet demand"));
    NCOK(nc_put_att_text(ncid, vd, "grid_mapping", 3, "crs"));
    NCOK(nc_def_var(ncid, "empty", NC_FLOAT, 3, dims, &ve));
    NCOK(nc_put_att_float(ncid, ve, "_FillValue", NC_FLOAT, 1, &fill));
    NCOK(nc_put_att_text(ncid, ve, "grid_mapping", 3, "crs"));
    NCOK(nc_def_var(ncid, "flat", NC_FLOAT, 2, dims + 1, &vf));
    NCOK(nc_put_att_text(ncid, vf, "units", 1, "m"));
    NCOK(nc_put_att_text(ncid, vf, "grid_mapping", 3, "crs"));
    NCOK(nc_enddef(ncid));
    ck_assert_msg(io_nc_put_grid(ncid, &tgrid, buf, &err) == ZT_OK, "%s", err.msg);
    for (k = 0; k < 12; k++) {
        v[0][k] = k == 0 ? fill : (float)k;
        v[1][k] = k == 0 ? fill : (float)(k - 6);
        flat[k] = 7.0f;
        empty[0][k] = empty[1][k] = fill;
    }
    {
        size_t start[3] = {0, 0, 0}, count[3] = {2, 3, 4};
        size_t s2[2] = {0, 0}, c2[2] = {2, 2};
        NCOK(nc_put_vara_double(ncid, vt, start, count, tv));
        NCOK(nc_put_vara_double(ncid, vb, s2, c2, &tb[0][0]));
        NCOK(nc_put_vara_float(ncid, vd, start, count, &v[0][0]));
        NCOK(nc_put_vara_float(ncid, ve, start, count, &empty[0][0]));
    }
    NCOK(nc_put_var_float(ncid, vf, flat));
    NCOK(nc_close(ncid));
    return buf;
}

/* The PNG's pixel (row r from the top, column c): RGB(A) into px[4]. */
typedef struct png_info {
    int w, h, nb;
    double gt[6];
    char srs[64]; /* "28992" when the CRS names it, else "" */
} png_info;

static void png_open(const char *path, png_info *pi)
{
    GDALDatasetH ds;
    const char *wkt;
    GDALAllRegister();
    ds = GDALOpen(path, GA_ReadOnly);
    ck_assert_msg(ds != NULL, "GDAL cannot open %s", path);
    ck_assert_str_eq(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "PNG");
    pi->w = GDALGetRasterXSize(ds);
    pi->h = GDALGetRasterYSize(ds);
    pi->nb = GDALGetRasterCount(ds);
    ck_assert(GDALGetGeoTransform(ds, pi->gt) == CE_None);
    wkt = GDALGetProjectionRef(ds);
    snprintf(pi->srs, sizeof pi->srs, "%s", wkt && strstr(wkt, "28992") ? "28992" : "");
    GDALClose(ds);
}

static void png_pixel(const char *path, int r, int c, int px[4])
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    int b, nb;
    ck_assert(ds != NULL);
    nb = GDALGetRasterCount(ds);
    px[3] = 255;
    for (b = 0; b < nb; b++) {
        unsigned char v = 0;
        ck_assert(GDALRasterIO(GDALGetRasterBand(ds, b + 1), GF_Read, c, r, 1, 1, &v, 1, 1,
                               GDT_Byte, 0, 0) == CE_None);
        px[b] = v;
    }
    GDALClose(ds);
}

static void expect_pixel(const char *path, int r, int c, int red, int green, int blue,
                         int alpha)
{
    int px[4];
    png_pixel(path, r, c, px);
    ck_assert_msg(px[0] == red && px[1] == green && px[2] == blue && px[3] == alpha,
                  "%s pixel (%d, %d): (%d, %d, %d, %d), expected (%d, %d, %d, %d)", path, r, c,
                  px[0], px[1], px[2], px[3], red, green, blue, alpha);
}

static char *slurp_ok(const char *path)
{
    char *s = tu_slurp(path, NULL);
    ck_assert_msg(s != NULL, "cannot read %s", path);
    return s;
}

static void expect_text(const char *path, const char *needle)
{
    char *s = slurp_ok(path);
    ck_assert_msg(strstr(s, needle) != NULL, "%s lacks '%s':\n%s", path, needle, s);
    free(s);
}

/* Sequential, given range 0-8, scale 2: anchors by hand; world file; CRS. */
START_TEST(test_map_sequential)
{
    char dir[256], nc[512], png[512], side[600];
    io_map_opts o;
    png_info pi;
    zt_err err;
    char *txt;

    zt_err_clear(&err);
    tu_tmpdir("picture_seq", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "demand.png", png, sizeof png);
    io_map_opts_default(&o);
    o.vmin = 0.0;
    o.vmax = 8.0;
    o.scale = 2;
    ck_assert_msg(io_map_png(nc, "demand", 0, png, &o, &err) == ZT_OK, "%s", err.msg);

    png_open(png, &pi);
    ck_assert_int_eq(pi.w, 8); /* nx * scale */
    ck_assert_int_eq(pi.h, 6); /* ny * scale */
    ck_assert_int_eq(pi.nb, 4);
    /* North row (grid row 2) first: cell 8 (value 8 = vmax) is the last anchor. */
    expect_pixel(png, 0, 0, 0xFD, 0xE7, 0x25, 255);
    expect_pixel(png, 1, 1, 0xFD, 0xE7, 0x25, 255);
    /* Middle row: cell 4 (value 4: t = 0.5, anchor 4) and cell 5 (anchor 5). */
    expect_pixel(png, 2, 0, 0x21, 0x90, 0x8C, 255);
    expect_pixel(png, 3, 1, 0x21, 0x90, 0x8C, 255);
    expect_pixel(png, 3, 3, 0x27, 0xAD, 0x81, 255);
    expect_pixel(png, 2, 2, 0x27, 0xAD, 0x81, 255);
    /* South row last: cell 0 is no data (transparent), cell 1 anchor 1. */
    expect_pixel(png, 5, 0, 0xDC, 0xDC, 0xDC, 0);
    expect_pixel(png, 4, 1, 0xDC, 0xDC, 0xDC, 0);
    expect_pixel(png, 5, 2, 0x47, 0x2D, 0x7B, 255);

    /* World file (GDAL's text): six lines, pixel 125 m; upper-left pixel
     * centre (200062.5, 550687.5). */
    io_path_join(dir, "demand.pgw", side, sizeof side);
    txt = slurp_ok(side);
    ck_assert_int_eq(tu_count_lines(txt), 6);
    {
        static const double want[6] = {125.0, 0.0, 0.0, -125.0, 200062.5, 550687.5};
        const char *q = txt;
        for (int i = 0; i < 6; i++) {
            char *end;
            double x = strtod(q, &end);
            ck_assert_msg(end != q && (*end == '\n'), "world file line %d: %s", i + 1, txt);
            ck_assert_double_eq_tol(x, want[i], 1e-9);
            q = end + 1;
        }
    }
    free(txt);
    /* The CRS comes from the .aux.xml, the placement from the world file. */
    {
        char aside[700];
        png_info no_aux;
        GDALDatasetH ds;
        double gt[6];
        snprintf(side, sizeof side, "%s.aux.xml", png);
        snprintf(aside, sizeof aside, "%s.aside", side);
        ck_assert_int_eq(rename(side, aside), 0);
        png_open(png, &no_aux);
        ck_assert_str_eq(no_aux.srs, "");
        ck_assert_double_eq_tol(no_aux.gt[0], 200000.0, 1e-6);
        ck_assert_int_eq(rename(aside, side), 0);
        io_path_join(dir, "demand.pgw", side, sizeof side);
        snprintf(aside, sizeof aside, "%s.aside", side);
        ck_assert_int_eq(rename(side, aside), 0);
        ds = GDALOpen(png, GA_ReadOnly);
        ck_assert_ptr_nonnull(ds);
        ck_assert(GDALGetGeoTransform(ds, gt) != CE_None);
        GDALClose(ds);
        ck_assert_int_eq(rename(aside, side), 0);
    }
    /* GDAL places it: corner (200000, 550750), 125 m pixels, RD New. */
    ck_assert_double_eq_tol(pi.gt[0], 200000.0, 1e-6);
    ck_assert_double_eq_tol(pi.gt[1], 125.0, 1e-9);
    ck_assert_double_eq_tol(pi.gt[2], 0.0, 1e-12);
    ck_assert_double_eq_tol(pi.gt[3], 550750.0, 1e-6);
    ck_assert_double_eq_tol(pi.gt[5], -125.0, 1e-9);
    ck_assert_str_eq(pi.srs, "28992");

    /* Legend text. */
    snprintf(side, sizeof side, "%s.txt", png);
    expect_text(side, "variable:  demand (inlet demand)");
    expect_text(side, "units:     mm");
    expect_text(side, "(2018-07-16), period 2018-07-01 to 2018-07-31");
    expect_text(side, "range:     0 to 8 mm (given)");
    expect_text(side, "no data:   transparent; cells without data: 1");
    expect_text(side, "             4  #21908C");
    expect_text(side, "min 1, 2% 1.2, median 6, mean 6, 98% 10.8, max 11 mm");
    snprintf(side, sizeof side, "%s.part", png);
    ck_assert(!tu_exists(side));
}
END_TEST

/* Range from the data (2nd-98th percentile), opaque grey, interpolation. */
START_TEST(test_map_percentile_and_grey)
{
    char dir[256], nc[512], png[512], side[600];
    io_map_opts o;
    png_info pi;
    zt_err err;

    zt_err_clear(&err);
    tu_tmpdir("picture_pct", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "pct.png", png, sizeof png);
    ck_assert_msg(io_map_png(nc, "demand", 0, png, NULL, &err) == ZT_OK, "%s", err.msg);
    snprintf(side, sizeof side, "%s.txt", png);
    /* Values 1..11: q(0.02) = 1 + 0.2 (2 - 1) = 1.2, q(0.98) = 10 + 0.8 = 10.8. */
    expect_text(side, "range:     1.2 to 10.8 mm (from the data: 2nd to 98th percentile)");
    /* Cell 1 (value 1 < 1.2): first anchor; cell 11 (> 10.8): last anchor. */
    expect_pixel(png, 2, 1, 0x44, 0x01, 0x54, 255);
    expect_pixel(png, 0, 3, 0xFD, 0xE7, 0x25, 255);

    /* Opaque, range 0-16: value 1 is t = 1/16, half-way between anchors 0
     * (68, 1, 84) and 1 (71, 45, 123): (69.5, 23, 103.5) rounded away from 0. */
    io_map_opts_default(&o);
    o.vmin = 0.0;
    o.vmax = 16.0;
    o.opaque = 1;
    io_path_join(dir, "grey.png", png, sizeof png);
    ck_assert_msg(io_map_png(nc, "demand", 0, png, &o, &err) == ZT_OK, "%s", err.msg);
    png_open(png, &pi);
    ck_assert_int_eq(pi.nb, 3);
    ck_assert_int_eq(pi.w, 4);
    ck_assert_int_eq(pi.h, 3);
    expect_pixel(png, 2, 1, 70, 23, 104, 255);
    expect_pixel(png, 2, 0, 0xDC, 0xDC, 0xDC, 255);
    /* Value 12 would be t = 0.75 = anchor 6; cell 11 (value 11): t = 0.6875,
     * p = 5.5: half-way between (39, 173, 129) and (93, 200, 99) = (66, 186.5, 114). */
    expect_pixel(png, 0, 3, 66, 187, 114, 255);
}
END_TEST

/* Diverging: white at 0, symmetric from data; piecewise with a given range. */
START_TEST(test_map_diverging)
{
    char dir[256], nc[512], png[512], side[600];
    io_map_opts o;
    zt_err err;

    zt_err_clear(&err);
    tu_tmpdir("picture_div", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "div.png", png, sizeof png);
    io_map_opts_default(&o);
    o.diverging = 1;
    /* Time 1: values k - 6 = -5..5; q02 = -4.8, q98 = 4.8, range [-4.8, 4.8]. */
    ck_assert_msg(io_map_png(nc, "demand", 1, png, &o, &err) == ZT_OK, "%s", err.msg);
    snprintf(side, sizeof side, "%s.txt", png);
    expect_text(side, "range:     -4.8 to 4.8 mm");
    expect_text(side, "period 2018-08-01 to 2018-08-31");
    /* Cell 6 (row 1, col 2) is 0: white; cell 1 (-5): blue end; cell 11 (5): red end. */
    expect_pixel(png, 1, 2, 0xF7, 0xF7, 0xF7, 255);
    expect_pixel(png, 2, 1, 0x21, 0x66, 0xAC, 255);
    expect_pixel(png, 0, 3, 0xB2, 0x18, 0x2B, 255);

    /* Given [-2, 8]: -1 is t = 0.25 (anchor 2), 4 is t = 0.75 (anchor 6), 0 white. */
    o.vmin = -2.0;
    o.vmax = 8.0;
    ck_assert_msg(io_map_png(nc, "demand", 1, png, &o, &err) == ZT_OK, "%s", err.msg);
    expect_pixel(png, 1, 1, 0x92, 0xC5, 0xDE, 255); /* cell 5 = -1 */
    expect_pixel(png, 0, 2, 0xF4, 0xA5, 0x82, 255); /* cell 10 = 4 */
    expect_pixel(png, 1, 2, 0xF7, 0xF7, 0xF7, 255); /* cell 6 = 0 */
    expect_text(side, "             0  #F7F7F7");
}
END_TEST

/* A 2-D variable (t ignored), constant: the range is widened to [6, 8]. */
START_TEST(test_map_2d_constant)
{
    char dir[256], nc[512], png[512], side[600];
    zt_err err;

    zt_err_clear(&err);
    tu_tmpdir("picture_2d", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "noext", png, sizeof png);
    ck_assert_msg(io_map_png(nc, "flat", 3, png, NULL, &err) == ZT_OK, "%s", err.msg);
    snprintf(side, sizeof side, "%s.txt", png);
    expect_text(side, "time:      none (2-D variable)");
    expect_text(side, "range:     6 to 8 m");
    expect_text(side, "units:     m\n");
    /* 7 is the middle: anchor 4. */
    expect_pixel(png, 0, 0, 0x21, 0x90, 0x8C, 255);
    /* No extension: the world file is the name with .pgw appended. */
    snprintf(side, sizeof side, "%s.pgw", png);
    ck_assert(tu_exists(side));
}
END_TEST

static void expect_fail(zt_status got, const zt_err *err, zt_status want, const char *a,
                        const char *b)
{
    ck_assert_msg(got == want, "status %s, expected %s: %s", zt_status_name(got),
                  zt_status_name(want), err->msg);
    ck_assert_msg(strstr(err->msg, a) != NULL, "message lacks '%s': %s", a, err->msg);
    if (b) {
        ck_assert_msg(strstr(err->msg, b) != NULL, "message lacks '%s': %s", b, err->msg);
    }
}

START_TEST(test_map_errors)
{
    char dir[256], nc[512], png[512], side[700], bad[512];
    io_map_opts o;
    zt_err err;

    tu_tmpdir("picture_err", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "e.png", png, sizeof png);

    zt_err_clear(&err);
    io_path_join(dir, "absent.nc", bad, sizeof bad);
    expect_fail(io_map_png(bad, "demand", 0, png, NULL, &err), &err, ZT_EINPUT, "absent.nc",
                "cannot open");
    zt_err_clear(&err);
    expect_fail(io_map_png(nc, "nosuch", 0, png, NULL, &err), &err, ZT_EINPUT, "f.nc",
                "'nosuch' not found");
    zt_err_clear(&err);
    expect_fail(io_map_png(nc, "demand", 2, png, NULL, &err), &err, ZT_EINPUT, "'demand'",
                "time index 2 outside 0-1");
    zt_err_clear(&err);
    expect_fail(io_map_png(nc, "demand", -1, png, NULL, &err), &err, ZT_EUSAGE, "time index -1",
                NULL);
    zt_err_clear(&err);
    expect_fail(io_map_png(nc, "empty", 0, png, NULL, &err), &err, ZT_EINPUT, "'empty'",
                "no valid value");
    io_map_opts_default(&o);
    o.scale = 0;
    zt_err_clear(&err);
    expect_fail(io_map_png(nc, "demand", 0, png, &o, &err), &err, ZT_EUSAGE, "scale 0", NULL);
    io_map_opts_default(&o);
    o.vmin = 3.0;
    o.vmax = 3.0;
    zt_err_clear(&err);
    expect_fail(io_map_png(nc, "demand", 0, png, &o, &err), &err, ZT_EUSAGE, "vmin 3", NULL);
    /* Not a NetCDF file. */
    io_path_join(dir, "text.nc", bad, sizeof bad);
    ck_assert_int_eq(tu_write(bad, "not netcdf\n"), 0);
    zt_err_clear(&err);
    expect_fail(io_map_png(bad, "demand", 0, png, NULL, &err), &err, ZT_EINPUT, "text.nc",
                NULL);
    ck_assert(!tu_exists(png));

    /* A folder that does not exist: ZT_EIO naming it, nothing left behind. */
    snprintf(bad, sizeof bad, "%s/nofolder/m.png", dir);
    zt_err_clear(&err);
    expect_fail(io_map_png(nc, "demand", 0, bad, NULL, &err), &err, ZT_EIO, "nofolder", NULL);
    snprintf(side, sizeof side, "%s/nofolder", dir);
    ck_assert(!tu_exists(side));

    /* The PNG cannot be written (its .part name is a folder): no sidecars left. */
    snprintf(side, sizeof side, "%s.part", png);
    ck_assert_int_eq(io_dir_ensure(side, &err), ZT_OK);
    zt_err_clear(&err);
    ck_assert_int_eq(io_map_png(nc, "demand", 0, png, NULL, &err), ZT_EIO);
    ck_assert_msg(strstr(err.msg, "e.png") != NULL, "%s", err.msg);
    snprintf(side, sizeof side, "%s.txt", png);
    ck_assert(!tu_exists(side));
    io_path_join(dir, "e.pgw", side, sizeof side);
    ck_assert(!tu_exists(side));
    snprintf(side, sizeof side, "%s.aux.xml", png);
    ck_assert(!tu_exists(side));
    ck_assert(!tu_exists(png));
}
END_TEST

/* Every allocation of ours can fail: ZT_ENOMEM, nothing leaked (valgrind). */
START_TEST(test_map_nomem)
{
    char dir[256], nc[512], png[512];
    zt_err err;
    zt_status st = ZT_ENOMEM;
    long nth;

    tu_tmpdir("picture_nomem", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "m.png", png, sizeof png);
    for (nth = 1; nth < 200 && st != ZT_OK; nth++) {
        zt_err_clear(&err);
        zt_alloc_fail_after(nth);
        st = io_map_png(nc, "demand", 0, png, NULL, &err);
        zt_alloc_fail_after(0);
        ck_assert_msg(st == ZT_OK || st == ZT_ENOMEM, "allocation %ld: %s", nth, err.msg);
        if (st != ZT_OK) {
            ck_assert(!tu_exists(png));
        }
    }
    ck_assert_int_eq(st, ZT_OK);
    ck_assert_int_gt(nth, 2);
}
END_TEST

/* ---- charts ------------------------------------------------------------------ */

/* Demand 0..10 over 2018-06-28 .. 2018-08-03 for district A; a quoted key. */
static const char *make_csv(const char *dir, char *buf, size_t n)
{
    char *text = malloc(65536);
    size_t used = 0;
    zt_day d, d0 = zt_day_from_ymd(2018, 6, 28), d1 = zt_day_from_ymd(2018, 8, 3);
    ck_assert(text != NULL);
    used += (size_t)snprintf(text + used, 65536 - used, "date,district,demand,supplied,level\n");
    for (d = d0; d <= d1; d++) {
        char ds[11];
        double dem = 10.0 * (double)(d - d0) / (double)(d1 - d0); /* m3 s-1 */
        zt_day_format(d, ds);
        used += (size_t)snprintf(text + used, 65536 - used, "%s,A,%g,%g,-0.5\n", ds, dem,
                                 0.8 * dem);
        used += (size_t)snprintf(text + used, 65536 - used, "%s,\"B, \"\"quoted\"\"\",%g,%s,1\n",
                                 ds, 2.0, d == d0 + 3 ? "NaN" : "1.5");
    }
    io_path_join(dir, "districts.csv", buf, n);
    ck_assert_int_eq(tu_write(buf, text), 0);
    free(text);
    return buf;
}

static int count(const char *s, const char *needle)
{
    int k = 0;
    for (s = strstr(s, needle); s; s = strstr(s + 1, needle)) {
        k++;
    }
    return k;
}

START_TEST(test_chart)
{
    char dir[256], csv[512], svg[512];
    const char *cols[2] = {"demand", "supplied"};
    zt_err err;
    char *s;

    zt_err_clear(&err);
    tu_tmpdir("picture_chart", dir, sizeof dir);
    make_csv(dir, csv, sizeof csv);
    io_path_join(dir, "a.svg", svg, sizeof svg);
    ck_assert_msg(io_chart_svg(csv, "district", "A", cols, 2, svg, "Inlet demand & supply",
                               &err) == ZT_OK,
                  "%s", err.msg);
    s = slurp_ok(svg);
    ck_assert_msg(strncmp(s, "<svg ", 5) == 0, "%.80s", s);
    ck_assert_msg(strcmp(s + strlen(s) - 7, "</svg>\n") == 0, "no </svg> at the end");
    ck_assert_int_eq(count(s, "<polyline"), 2);
    ck_assert_int_eq(count(s, "data-column=\"demand\""), 1);
    ck_assert(strstr(s, "<title>Inlet demand &amp; supply</title>") != NULL);
    ck_assert(strstr(s, ">Inlet demand &amp; supply</text>") != NULL);
    /* Month ticks on 1 July and 1 August (the first labelled with its year). */
    ck_assert(strstr(s, ">Jul 2018</text>") != NULL);
    ck_assert(strstr(s, ">Aug</text>") != NULL);
    /* y axis: 0..10, nice step 2 (10/4 = 2.5 -> 2): labels 0, 2, ..., 10. */
    ck_assert(strstr(s, ">10</text>") != NULL);
    ck_assert(strstr(s, ">2</text>") != NULL);
    /* The first demand point: the first day at x = 90 (left), value 0 at
     * y = 470 (bottom); the last (10) at x = 760, y = 60 (top). */
    ck_assert(strstr(s, "points=\"90.0,470.0 ") != NULL);
    ck_assert(strstr(s, " 760.0,60.0\"/>") != NULL);
    /* Legend entries. */
    ck_assert(strstr(s, ">supplied</text>") != NULL);
    free(s);

    /* The quoted key; a NaN on the fourth day splits its line in two. */
    cols[0] = "supplied";
    ck_assert_msg(io_chart_svg(csv, "district", "B, \"quoted\"", cols, 1, svg, NULL, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    s = slurp_ok(svg);
    ck_assert_int_eq(count(s, "<polyline"), 2);
    ck_assert(strstr(s, "<title>district B, &quot;quoted&quot;</title>") != NULL);
    free(s);
}
END_TEST

/* A series shorter than two month starts gets dekad ticks; rows out of order. */
START_TEST(test_chart_short_unsorted)
{
    char dir[256], csv[512], svg[512];
    const char *cols[1] = {"q"};
    zt_err err;
    char *s;

    zt_err_clear(&err);
    tu_tmpdir("picture_short", dir, sizeof dir);
    io_path_join(dir, "s.csv", csv, sizeof csv);
    ck_assert_int_eq(tu_write(csv, "date,id,q\r\n2018-07-25,7,3\r\n2018-07-05,7,1\r\n"
                                   "2018-07-15,7,2\r\n"),
                     0);
    io_path_join(dir, "s.svg", svg, sizeof svg);
    ck_assert_msg(io_chart_svg(csv, "id", "7", cols, 1, svg, "short", &err) == ZT_OK, "%s",
                  err.msg);
    s = slurp_ok(svg);
    ck_assert(strstr(s, ">11 Jul</text>") != NULL);
    ck_assert(strstr(s, ">21 Jul</text>") != NULL);
    /* Sorted: 5 Jul (1) at the left bottom, 25 Jul (3) at the right top.
     * y: 1..3, nice range 2, step 0.5: axis 1 to 3. */
    ck_assert_msg(strstr(s, "points=\"90.0,470.0 425.0,265.0 760.0,60.0\"") != NULL, "%s", s);
    free(s);
}
END_TEST

START_TEST(test_chart_errors)
{
    char dir[256], csv[512], svg[512], bad[512];
    const char *cols[2] = {"demand", "nosuch"};
    zt_err err;

    tu_tmpdir("picture_charterr", dir, sizeof dir);
    make_csv(dir, csv, sizeof csv);
    io_path_join(dir, "e.svg", svg, sizeof svg);

    zt_err_clear(&err);
    io_path_join(dir, "absent.csv", bad, sizeof bad);
    expect_fail(io_chart_svg(bad, "district", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "absent.csv", "cannot open");
    zt_err_clear(&err);
    expect_fail(io_chart_svg(csv, "district", "A", cols, 2, svg, NULL, &err), &err, ZT_EINPUT,
                "column 'nosuch' not found", "columns: date, district, demand");
    zt_err_clear(&err);
    expect_fail(io_chart_svg(csv, "region", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "column 'region' not found", NULL);
    zt_err_clear(&err);
    expect_fail(io_chart_svg(csv, "district", "Z9", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "no rows with district = 'Z9'", "districts.csv");
    zt_err_clear(&err);
    expect_fail(io_chart_svg(csv, "district", "A", cols, 0, svg, NULL, &err), &err, ZT_EUSAGE,
                "no column", NULL);

    io_path_join(dir, "bad.csv", bad, sizeof bad);
    ck_assert_int_eq(tu_write(bad, "date,district,demand\n2018-07-01,A,1\n2018-07-02,A,x1\n"), 0);
    zt_err_clear(&err);
    expect_fail(io_chart_svg(bad, "district", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "bad.csv:3: column 'demand': expected a number, got 'x1'", NULL);
    ck_assert_int_eq(tu_write(bad, "date,district,demand\n2018-02-29,A,1\n"), 0);
    zt_err_clear(&err);
    expect_fail(io_chart_svg(bad, "district", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "bad.csv:2: column 'date': expected a date YYYY-MM-DD, got '2018-02-29'", NULL);
    ck_assert_int_eq(tu_write(bad, "date,district,demand\n2018-07-01,A\n"), 0);
    zt_err_clear(&err);
    expect_fail(io_chart_svg(bad, "district", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "bad.csv:2: 2 fields, but the header has 3", NULL);
    ck_assert_int_eq(tu_write(bad, ""), 0);
    zt_err_clear(&err);
    expect_fail(io_chart_svg(bad, "district", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "empty file", NULL);
    ck_assert(!tu_exists(svg));

    snprintf(bad, sizeof bad, "%s/nofolder/c.svg", dir);
    zt_err_clear(&err);
    expect_fail(io_chart_svg(csv, "district", "A", cols, 1, bad, NULL, &err), &err, ZT_EIO,
                "nofolder", NULL);
}
END_TEST

START_TEST(test_chart_nomem)
{
    char dir[256], csv[512], svg[512];
    const char *cols[2] = {"demand", "supplied"};
    zt_err err;
    zt_status st = ZT_ENOMEM;
    long nth;

    tu_tmpdir("picture_chartnomem", dir, sizeof dir);
    make_csv(dir, csv, sizeof csv);
    io_path_join(dir, "m.svg", svg, sizeof svg);
    for (nth = 1; nth < 200 && st != ZT_OK; nth++) {
        zt_err_clear(&err);
        zt_alloc_fail_after(nth);
        st = io_chart_svg(csv, "district", "A", cols, 2, svg, NULL, &err);
        zt_alloc_fail_after(0);
        ck_assert_msg(st == ZT_OK || st == ZT_ENOMEM, "allocation %ld: %s", nth, err.msg);
        if (st != ZT_OK) {
            ck_assert(!tu_exists(svg));
        }
    }
    ck_assert_int_eq(st, ZT_OK);
    ck_assert_int_gt(nth, 2);
}
END_TEST

Suite *suite_picture(void)
{
    Suite *s = suite_create("picture");
    TCase *tm = tcase_create("map");
    TCase *tc = tcase_create("chart");
    tcase_set_timeout(tm, 60);
    tcase_add_test(tm, test_map_sequential);
    tcase_add_test(tm, test_map_percentile_and_grey);
    tcase_add_test(tm, test_map_diverging);
    tcase_add_test(tm, test_map_2d_constant);
    tcase_add_test(tm, test_map_errors);
    tcase_add_test(tm, test_map_nomem);
    tcase_add_test(tc, test_chart);
    tcase_add_test(tc, test_chart_short_unsorted);
    tcase_add_test(tc, test_chart_errors);
    tcase_add_test(tc, test_chart_nomem);
    suite_add_tcase(s, tm);
    suite_add_tcase(s, tc);
    return s;
}
