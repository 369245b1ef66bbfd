/*
 * test_map.c: maps drawn with cairo (io/io_map.c, io_map_draw.c,
 * io_map_outlines.c).
 *
 * The PNG is read back with cairo (cairo_image_surface_create_from_png)
 * and, for the georeference, with GDAL. Where the cells are is never taken
 * from the code under test: it follows from the world file (the raster's
 * first column is (x0 - (C - A/2)) / A, its first row (y0 + ny dx - (F +
 * A/2)) / -A, both whole numbers), so a colour test also checks the world
 * file, and the legend's "from pixel (left, top)" must agree.
 *
 * From a NetCDF file: a 4 x 3 grid of 250 m at (200000, 550000) m RD New,
 * written with the NetCDF API and io_nc_def_grid, with a (time, y, x)
 * variable whose value in cell k is k (time 0, July 2018) and k - 6 (time
 * 1), cell 0 fill, and a 2-D variable. Colours are worked out by hand from
 * the anchor table of io_map_draw.c (exactly on anchors, and half-way
 * between two, rounded); no-data cells are transparent (alpha 0, and cairo
 * then stores 0 in every channel) or grey; the legend's range (2nd-98th
 * percentile by hand: 1.2 and 10.8 for 1..11). These maps are drawn
 * without outlines where the exact colour of every cell is checked; the
 * default outlines are drawn in the others (no boundary is within 9 km of
 * that grid, and a name does not fit into 8 pixels).
 *
 * In memory (io_map_field_png): 40 x 32 cells of 250 m at (203000, 572000),
 * across the Fryslân-Groningen boundary, value i mod 9 in column i (every
 * cell an anchor colour), one NaN: every cell's middle pixel; the picture
 * larger than the raster by margins on every side; the colour bar's top and
 * bottom rows the last and first anchors; dark pixels in the title band
 * and at the right of the bar (units); the scale bar below the raster.
 * Outlines: a square of our own, named, partly outside the raster: its
 * edges dark where they are, every other pixel outside it untouched, the
 * margins untouched (clipped), its name inside; the province boundaries of
 * data/boundaries at the vertex (207833.11, 575839.93) of the Fryslân-
 * Groningen boundary (read from the GeoJSON). Error paths: missing,
 * folder, not vector, other CRS and point-only outlines; bad style; path a
 * folder; an empty grid; a field without values; unwritable folder (no
 * file left); failed allocations.
 */
#include <cairo.h>
#include <check.h>
#include <gdal.h>
#include <math.h>
#include <netcdf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_file.h"
#include "io_map.h"
#include "io_nc.h"
#include "testutil.h"

/* The NetCDF test grid: 4 x 3 cells of 250 m, south-west corner (200000, 550000) m. */
static const zt_grid tgrid = {4, 3, 200000.0, 550000.0, 250.0};

/* The in-memory grid: 40 x 32 cells of 250 m across the Fryslân-Groningen border. */
static const zt_grid fgrid = {40, 32, 203000.0, 572000.0, 250.0};

/* viridis anchors (io_map_draw.c), the values the tests expect. */
static const int viridis[9][3] = {{0x44, 0x01, 0x54}, {0x47, 0x2D, 0x7B}, {0x3B, 0x52, 0x8B},
                                  {0x2C, 0x72, 0x8E}, {0x21, 0x90, 0x8C}, {0x27, 0xAD, 0x81},
                                  {0x5D, 0xC8, 0x63}, {0xAA, 0xDC, 0x32}, {0xFD, 0xE7, 0x25}};

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

/* ---- reading the picture back ------------------------------------------------ */

/* A PNG read with cairo, and where its raster is by its world file. */
typedef struct pic {
    cairo_surface_t *s;
    int w, h;       /* picture (pixels) */
    int rgb;        /* 1: an RGB PNG (no alpha channel) */
    int left, top;  /* the raster's upper-left pixel, from the world file */
    int scale;      /* pixels per cell edge */
    const zt_grid *g;
} pic;

static char *slurp_ok(const char *path)
{
    char *s = tu_slurp(path, NULL);
    ck_assert_msg(s != NULL, "cannot read %s", path);
    return s;
}

/* The six numbers of a world file. */
static void world_read(const char *pgw, double w[6])
{
    char *txt = slurp_ok(pgw), *q = txt;
    int i;
    ck_assert_int_eq(tu_count_lines(txt), 6);
    for (i = 0; i < 6; i++) {
        char *end;
        w[i] = strtod(q, &end);
        ck_assert_msg(end != q && *end == '\n', "world file %s line %d: %s", pgw, i + 1, txt);
        q = end + 1;
    }
    free(txt);
}

/* Open png (world file pgw) showing grid g at scale pixels per cell. */
static void pic_open(pic *p, const char *png, const char *pgw, const zt_grid *g, int scale)
{
    double w[6], a = g->dx / scale, l, t;
    p->s = cairo_image_surface_create_from_png(png);
    ck_assert_msg(cairo_surface_status(p->s) == CAIRO_STATUS_SUCCESS, "cairo cannot read %s: %s",
                  png, cairo_status_to_string(cairo_surface_status(p->s)));
    p->w = cairo_image_surface_get_width(p->s);
    p->h = cairo_image_surface_get_height(p->s);
    p->rgb = cairo_image_surface_get_format(p->s) == CAIRO_FORMAT_RGB24;
    p->scale = scale;
    p->g = g;
    world_read(pgw, w);
    ck_assert_double_eq_tol(w[0], a, 1e-9);
    ck_assert_double_eq_tol(w[1], 0.0, 1e-12);
    ck_assert_double_eq_tol(w[2], 0.0, 1e-12);
    ck_assert_double_eq_tol(w[3], -a, 1e-9);
    /* C, F: the centre of the picture's upper-left pixel */
    l = (g->x0 - (w[4] - a / 2.0)) / a;
    t = ((w[5] + a / 2.0) - (g->y0 + (double)g->ny * g->dx)) / a;
    ck_assert_msg(fabs(l - round(l)) < 1e-6 && fabs(t - round(t)) < 1e-6,
                  "world file puts the raster between pixels: %g, %g", l, t);
    p->left = (int)lround(l);
    p->top = (int)lround(t);
    /* margins on every side: title above, scale bar below, colour bar right */
    ck_assert_int_gt(p->left, 0);
    ck_assert_int_gt(p->top, 0);
    ck_assert_int_gt(p->w - p->left - (int)g->nx * scale, 40);
    ck_assert_int_gt(p->h - p->top - (int)g->ny * scale, 10);
}

static void pic_close(pic *p)
{
    cairo_surface_destroy(p->s);
    p->s = NULL;
}

/* Pixel (row r from the top, column c) as R, G, B, A (premultiplied by A,
 * so exact for A = 255; all 0 for a transparent pixel). */
static void px_at(const pic *p, int r, int c, int px[4])
{
    const unsigned char *d = cairo_image_surface_get_data(p->s);
    size_t stride = (size_t)cairo_image_surface_get_stride(p->s);
    uint32_t v;
    ck_assert_msg(r >= 0 && r < p->h && c >= 0 && c < p->w, "pixel (%d, %d) outside %d x %d", r,
                  c, p->w, p->h);
    v = ((const uint32_t *)(const void *)(d + (size_t)r * stride))[c];
    px[0] = (int)(v >> 16 & 0xFF);
    px[1] = (int)(v >> 8 & 0xFF);
    px[2] = (int)(v & 0xFF);
    px[3] = p->rgb ? 255 : (int)(v >> 24);
}

static int is_rgb(const pic *p, int r, int c, int red, int green, int blue)
{
    int px[4];
    px_at(p, r, c, px);
    return px[0] == red && px[1] == green && px[2] == blue && px[3] == 255;
}

static double lum(const pic *p, int r, int c)
{
    int px[4];
    px_at(p, r, c, px);
    return 0.2126 * px[0] + 0.7152 * px[1] + 0.0722 * px[2];
}

static void expect_px(const pic *p, int r, int c, int red, int green, int blue, int alpha)
{
    int px[4];
    px_at(p, r, c, px);
    ck_assert_msg(px[0] == red && px[1] == green && px[2] == blue && px[3] == alpha,
                  "pixel (%d, %d): (%d, %d, %d, %d), expected (%d, %d, %d, %d)", r, c, px[0],
                  px[1], px[2], px[3], red, green, blue, alpha);
}

/* The pixel in the middle of cell (column i, row j from the south). */
static void cell_px(const pic *p, int i, int j, int *r, int *c)
{
    *r = p->top + ((int)p->g->ny - 1 - j) * p->scale + p->scale / 2;
    *c = p->left + i * p->scale + p->scale / 2;
}

static void expect_cell(const pic *p, int i, int j, int red, int green, int blue, int alpha)
{
    int r, c;
    cell_px(p, i, j, &r, &c);
    expect_px(p, r, c, red, green, blue, alpha);
}

/* Pixels in rows [r0, r1) and columns [c0, c1) that are not white. */
static int count_ink(const pic *p, int r0, int r1, int c0, int c1)
{
    int r, c, n = 0;
    for (r = r0; r < r1; r++) {
        for (c = c0; c < c1; c++) {
            n += !is_rgb(p, r, c, 255, 255, 255);
        }
    }
    return n;
}

static void expect_text(const char *path, const char *needle)
{
    char *s = slurp_ok(path);
    ck_assert_msg(strstr(s, needle) != NULL, "%s lacks '%s':\n%s", path, needle, s);
    free(s);
}

static void side_paths(const char *png, char *pgw, char *txt, size_t n)
{
    size_t len = strlen(png);
    if (len > 4 && strcmp(png + len - 4, ".png") == 0) {
        snprintf(pgw, n, "%.*s.pgw", (int)(len - 4), png);
    } else {
        snprintf(pgw, n, "%s.pgw", png);
    }
    snprintf(txt, n, "%s.txt", png);
}

/* ---- from a NetCDF file ---------------------------------------------------------- */

/* Sequential, given range 0-8, scale 2: anchors by hand; world file; CRS; texts. */
START_TEST(test_map_sequential)
{
    char dir[256], nc[512], png[512], pgw[600], txt[600], side[700], aside[800], want[128];
    io_map_style o;
    pic p;
    zt_err err;

    zt_err_clear(&err);
    tu_tmpdir("map_seq", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "demand.png", png, sizeof png);
    side_paths(png, pgw, txt, sizeof pgw);
    io_map_style_default(&o);
    o.vmin = 0.0;
    o.vmax = 8.0;
    o.scale = 2;
    o.outlines = "";
    ck_assert_msg(io_map_png(nc, "demand", 0, png, &o, &err) == ZT_OK, "%s", err.msg);

    pic_open(&p, png, pgw, &tgrid, 2);
    ck_assert(!p.rgb); /* a transparent cell: RGBA */
    /* North row (grid row 2) first: cell 8 (value 8 = vmax) is the last anchor,
     * all four of its pixels. */
    expect_px(&p, p.top, p.left, 0xFD, 0xE7, 0x25, 255);
    expect_px(&p, p.top + 1, p.left + 1, 0xFD, 0xE7, 0x25, 255);
    /* Middle row: cell 4 (value 4: t = 0.5, anchor 4) and cell 5 (anchor 5). */
    expect_cell(&p, 0, 1, 0x21, 0x90, 0x8C, 255);
    expect_cell(&p, 1, 1, 0x27, 0xAD, 0x81, 255);
    /* South row last: cell 0 is no data (transparent), cell 1 anchor 1. */
    expect_px(&p, p.top + 5, p.left, 0, 0, 0, 0);
    expect_px(&p, p.top + 4, p.left + 1, 0, 0, 0, 0);
    expect_cell(&p, 1, 0, 0x47, 0x2D, 0x7B, 255);
    /* The title band above the raster has text in it; the margin left of
     * the raster is white. */
    ck_assert_int_gt(count_ink(&p, 0, p.top - 1, 0, p.w), 50);
    ck_assert(is_rgb(&p, p.top + 2, 0, 255, 255, 255));
    pic_close(&p);

    /* The CRS comes from the .aux.xml, the placement from the world file. */
    {
        GDALDatasetH ds;
        double gt[6];
        const char *wkt;
        GDALAllRegister();
        ds = GDALOpen(png, GA_ReadOnly);
        ck_assert_ptr_nonnull(ds);
        ck_assert(GDALGetGeoTransform(ds, gt) == CE_None);
        ck_assert_double_eq_tol(gt[0], 200000.0 - 125.0 * p.left, 1e-6);
        ck_assert_double_eq_tol(gt[1], 125.0, 1e-9);
        ck_assert_double_eq_tol(gt[3], 550750.0 + 125.0 * p.top, 1e-6);
        ck_assert_double_eq_tol(gt[5], -125.0, 1e-9);
        ck_assert_int_eq(GDALGetRasterXSize(ds), p.w);
        wkt = GDALGetProjectionRef(ds);
        ck_assert_msg(wkt && strstr(wkt, "28992"), "CRS: %s", wkt ? wkt : "(none)");
        GDALClose(ds);
        snprintf(side, sizeof side, "%s.aux.xml", png);
        snprintf(aside, sizeof aside, "%s.aside", side);
        ck_assert_int_eq(rename(side, aside), 0);
        ds = GDALOpen(png, GA_ReadOnly);
        ck_assert_ptr_nonnull(ds);
        wkt = GDALGetProjectionRef(ds);
        ck_assert(!wkt || !strstr(wkt, "28992"));
        GDALClose(ds);
        ck_assert_int_eq(rename(aside, side), 0);
        snprintf(aside, sizeof aside, "%s.aside", pgw);
        ck_assert_int_eq(rename(pgw, aside), 0);
        ds = GDALOpen(png, GA_ReadOnly);
        ck_assert_ptr_nonnull(ds);
        ck_assert(GDALGetGeoTransform(ds, gt) != CE_None);
        GDALClose(ds);
        ck_assert_int_eq(rename(aside, pgw), 0);
    }

    /* Legend text: where the cells are agrees with the world file. */
    snprintf(want, sizeof want, "the cells 8 x 6 pixels from pixel (%d, %d)", p.left, p.top);
    expect_text(txt, want);
    expect_text(txt, "title:     Inlet demand, July 2018\n");
    expect_text(txt, "variable:  demand (inlet demand)");
    expect_text(txt, "units:     mm");
    expect_text(txt, "(2018-07-16), period 2018-07-01 to 2018-07-31");
    expect_text(txt, "range:     0 to 8 mm (given)");
    expect_text(txt, "no data:   transparent; cells without data: 1");
    expect_text(txt, "             4  #21908C");
    expect_text(txt, "min 1, 2% 1.2, median 6, mean 6, 98% 10.8, max 11 mm");
    snprintf(side, sizeof side, "%s.part", png);
    ck_assert(!tu_exists(side));
}
END_TEST

/* Range from the data (2nd-98th percentile), the default outlines, opaque
 * grey, interpolation. */
START_TEST(test_map_percentile_and_grey)
{
    char dir[256], nc[512], png[512], pgw[600], txt[600];
    io_map_style o;
    pic p;
    zt_err err;

    zt_err_clear(&err);
    tu_tmpdir("map_pct", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "pct.png", png, sizeof png);
    side_paths(png, pgw, txt, sizeof pgw);
    ck_assert_msg(io_map_png(nc, "demand", 0, png, NULL, &err) == ZT_OK, "%s", err.msg);
    /* Values 1..11: q(0.02) = 1 + 0.2 (2 - 1) = 1.2, q(0.98) = 10 + 0.8 = 10.8. */
    expect_text(txt, "range:     1.2 to 10.8 mm (from the data: 2nd to 98th percentile)");
    pic_open(&p, png, pgw, &tgrid, 1);
    /* Cell 1 (value 1 < 1.2): first anchor; cell 11 (> 10.8): last anchor. */
    expect_cell(&p, 1, 0, 0x44, 0x01, 0x54, 255);
    expect_cell(&p, 3, 2, 0xFD, 0xE7, 0x25, 255);
    pic_close(&p);

    /* Opaque, range 0-16: value 1 is t = 1/16, half-way between anchors 0
     * (68, 1, 84) and 1 (71, 45, 123): (69.5, 23, 103.5) rounded away from 0. */
    io_map_style_default(&o);
    o.vmin = 0.0;
    o.vmax = 16.0;
    o.opaque = 1;
    io_path_join(dir, "grey.png", png, sizeof png);
    side_paths(png, pgw, txt, sizeof pgw);
    ck_assert_msg(io_map_png(nc, "demand", 0, png, &o, &err) == ZT_OK, "%s", err.msg);
    pic_open(&p, png, pgw, &tgrid, 1);
    ck_assert(p.rgb);
    expect_cell(&p, 1, 0, 70, 23, 104, 255);
    expect_cell(&p, 0, 0, 0xDC, 0xDC, 0xDC, 255);
    /* Value 12 would be t = 0.75 = anchor 6; cell 11 (value 11): t = 0.6875,
     * p = 5.5: half-way between (39, 173, 129) and (93, 200, 99) = (66, 186.5, 114). */
    expect_cell(&p, 3, 2, 66, 187, 114, 255);
    pic_close(&p);
    expect_text(txt, "no data:   light grey #DCDCDC");
}
END_TEST

/* Diverging: white at 0, symmetric from data; piecewise with a given range. */
START_TEST(test_map_diverging)
{
    char dir[256], nc[512], png[512], pgw[600], txt[600];
    io_map_style o;
    pic p;
    zt_err err;

    zt_err_clear(&err);
    tu_tmpdir("map_div", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "div.png", png, sizeof png);
    side_paths(png, pgw, txt, sizeof pgw);
    io_map_style_default(&o);
    o.diverging = 1;
    o.outlines = "";
    /* Time 1: values k - 6 = -5..5; q02 = -4.8, q98 = 4.8, range [-4.8, 4.8]. */
    ck_assert_msg(io_map_png(nc, "demand", 1, png, &o, &err) == ZT_OK, "%s", err.msg);
    expect_text(txt, "range:     -4.8 to 4.8 mm");
    expect_text(txt, "period 2018-08-01 to 2018-08-31");
    expect_text(txt, "title:     Inlet demand, August 2018\n");
    pic_open(&p, png, pgw, &tgrid, 1);
    /* Cell 6 (row 1, col 2) is 0: white; cell 1 (-5): blue end; cell 11 (5): red end. */
    expect_cell(&p, 2, 1, 0xF7, 0xF7, 0xF7, 255);
    expect_cell(&p, 1, 0, 0x21, 0x66, 0xAC, 255);
    expect_cell(&p, 3, 2, 0xB2, 0x18, 0x2B, 255);
    pic_close(&p);

    /* Given [-2, 8]: -1 is t = 0.25 (anchor 2), 4 is t = 0.75 (anchor 6), 0 white. */
    o.vmin = -2.0;
    o.vmax = 8.0;
    ck_assert_msg(io_map_png(nc, "demand", 1, png, &o, &err) == ZT_OK, "%s", err.msg);
    pic_open(&p, png, pgw, &tgrid, 1);
    expect_cell(&p, 1, 1, 0x92, 0xC5, 0xDE, 255); /* cell 5 = -1 */
    expect_cell(&p, 2, 2, 0xF4, 0xA5, 0x82, 255); /* cell 10 = 4 */
    expect_cell(&p, 2, 1, 0xF7, 0xF7, 0xF7, 255); /* cell 6 = 0 */
    pic_close(&p);
    expect_text(txt, "             0  #F7F7F7");
}
END_TEST

/* A 2-D variable (t ignored), constant: the range is widened to [6, 8]. */
START_TEST(test_map_2d_constant)
{
    char dir[256], nc[512], png[512], pgw[600], txt[600];
    pic p;
    zt_err err;

    zt_err_clear(&err);
    tu_tmpdir("map_2d", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "noext", png, sizeof png);
    side_paths(png, pgw, txt, sizeof pgw);
    ck_assert_msg(io_map_png(nc, "flat", 3, png, NULL, &err) == ZT_OK, "%s", err.msg);
    expect_text(txt, "time:      none (2-D variable)");
    expect_text(txt, "range:     6 to 8 m");
    expect_text(txt, "units:     m\n");
    expect_text(txt, "title:     Flat\n"); /* no long_name: the variable's name */
    /* No extension: the world file is the name with .pgw appended. */
    ck_assert(tu_exists(pgw));
    pic_open(&p, png, pgw, &tgrid, 1);
    expect_cell(&p, 0, 0, 0x21, 0x90, 0x8C, 255); /* 7 is the middle: anchor 4 */
    ck_assert(p.rgb);                             /* no transparent pixel: RGB */
    pic_close(&p);
}
END_TEST

/* ---- in memory --------------------------------------------------------------------- */

/* fgrid's field: i mod 9 in column i, NaN in cell (0, 0). */
static double *make_field(void)
{
    double *v = malloc(40 * 32 * sizeof *v);
    int i, j;
    ck_assert_ptr_nonnull(v);
    for (j = 0; j < 32; j++) {
        for (i = 0; i < 40; i++) {
            v[j * 40 + i] = i % 9;
        }
    }
    v[0] = NAN;
    return v;
}

START_TEST(test_map_field)
{
    char dir[256], png[512], pgw[600], txt[600], want[160];
    double *v = make_field();
    io_map_style o;
    pic p;
    zt_err err;
    int i, j, r, c, bar_x = -1, bar_bottom, raster_right;

    zt_err_clear(&err);
    tu_tmpdir("map_field", dir, sizeof dir);
    io_path_join(dir, "field.png", png, sizeof png);
    side_paths(png, pgw, txt, sizeof pgw);
    io_map_style_default(&o);
    o.title = "Test field";
    o.subtitle = "a subtitle";
    o.units = "mm";
    o.vmin = 0.0;
    o.vmax = 8.0;
    o.scale = 3;
    o.outlines = "";
    ck_assert_msg(io_map_field_png(v, &fgrid, &o, png, &err) == ZT_OK, "%s", err.msg);
    pic_open(&p, png, pgw, &fgrid, 3);

    /* every cell has the anchor colour of its value; row 0 is the south */
    for (j = 0; j < 32; j++) {
        for (i = 0; i < 40; i++) {
            if (i == 0 && j == 0) {
                expect_cell(&p, 0, 0, 0, 0, 0, 0);
            } else {
                expect_cell(&p, i, j, viridis[i % 9][0], viridis[i % 9][1], viridis[i % 9][2],
                            255);
            }
        }
    }
    /* the no-data cell is the south-west one: bottom-left of the raster */
    expect_px(&p, p.top + 32 * 3 - 1, p.left, 0, 0, 0, 0);

    /* the colour bar: right of the raster, its top row vmax's colour (found
     * on the raster's top row), its last row vmin's, then the frame */
    raster_right = p.left + 40 * 3;
    for (c = raster_right + 1; c < p.w && bar_x < 0; c++) {
        if (is_rgb(&p, p.top, c, 0xFD, 0xE7, 0x25)) {
            bar_x = c;
        }
    }
    ck_assert_msg(bar_x > raster_right, "no colour bar right of the raster");
    for (r = p.top; r < p.h; r++) { /* down to the frame: grey, r = g = b */
        int px[4];
        px_at(&p, r, bar_x + 2, px);
        if (px[0] == px[1] && px[1] == px[2]) {
            break;
        }
    }
    bar_bottom = r - 1;
    ck_assert_int_gt(bar_bottom - p.top, 100);
    expect_px(&p, bar_bottom, bar_x + 2, 0x44, 0x01, 0x54, 255);
    expect_px(&p, p.top, bar_x + 2, 0xFD, 0xE7, 0x25, 255);
    /* half-way down: t = 0.5 or close, anchor 4 within rounding */
    {
        int px[4], mid = p.top + (bar_bottom - p.top) / 2;
        px_at(&p, mid, bar_x + 2, px);
        ck_assert_msg(abs(px[0] - 0x21) <= 2 && abs(px[1] - 0x90) <= 2 && abs(px[2] - 0x8C) <= 2,
                      "bar middle (%d, %d, %d)", px[0], px[1], px[2]);
    }
    /* tick labels and the units right of the bar; title and subtitle above */
    ck_assert_int_gt(count_ink(&p, p.top, bar_bottom, bar_x + 20, p.w), 60);
    ck_assert_int_gt(count_ink(&p, 0, p.top - 2, 0, p.w), 100);
    /* the scale bar under the raster's left edge: 10 km wide, a quarter is
     * 2.5 km, so 2 km = 24 pixels of 250/3 m, its first half (12 pixels)
     * black on its middle row */
    ck_assert_int_eq(count_ink(&p, bar_bottom + 2, p.h, 0, p.left - 1), 0);
    for (r = bar_bottom + 2; r < p.h && !is_rgb(&p, r, p.left + 1, 0, 0, 0); r++) {
    }
    ck_assert_msg(r < p.h - 3, "no scale bar under the raster");
    r += 2; /* below its frame */
    for (c = p.left; c < p.w && is_rgb(&p, r, c, 0, 0, 0); c++) {
    }
    ck_assert_int_eq(c - p.left, 12);
    expect_px(&p, r, p.left + 14, 255, 255, 255, 255);
    expect_px(&p, r, p.left + 23, 0, 0, 0, 255); /* its frame's east side */
    pic_close(&p);

    snprintf(want, sizeof want, "the cells 120 x 96 pixels from pixel (%d, %d)", p.left, p.top);
    expect_text(txt, want);
    expect_text(txt, "title:     Test field\n");
    expect_text(txt, "units:     mm\n");
    expect_text(txt, "no data:   transparent; cells without data: 1\n");
    {
        char *s = slurp_ok(txt);
        ck_assert_msg(!strstr(s, "file:") && !strstr(s, "variable:"), "%s", s);
        free(s);
    }

    /* the title alone has ink above the raster; without texts there is none
     * and the raster moves up */
    {
        int top_all = p.top;
        o.subtitle = NULL;
        ck_assert_msg(io_map_field_png(v, &fgrid, &o, png, &err) == ZT_OK, "%s", err.msg);
        pic_open(&p, png, pgw, &fgrid, 3);
        ck_assert_int_gt(count_ink(&p, 0, p.top - 2, 0, p.w), 100);
        ck_assert_int_lt(p.top, top_all);
        pic_close(&p);
        o.title = NULL;
        ck_assert_msg(io_map_field_png(v, &fgrid, &o, png, &err) == ZT_OK, "%s", err.msg);
        pic_open(&p, png, pgw, &fgrid, 3);
        /* (the top tick's label may reach above the bar) */
        ck_assert_int_eq(count_ink(&p, 0, p.top - 1, 0, p.left + 40 * 3), 0);
        pic_close(&p);
        expect_text(txt, "title:     (none)\n");
    }
    /* the units, upright at the right: without them the picture is narrower
     * by their column, which has ink */
    {
        int w_units = p.w, w_none;
        o.units = NULL;
        ck_assert_msg(io_map_field_png(v, &fgrid, &o, png, &err) == ZT_OK, "%s", err.msg);
        pic_open(&p, png, pgw, &fgrid, 3);
        w_none = p.w;
        pic_close(&p);
        ck_assert_int_gt(w_units, w_none + 8);
        o.units = "mm";
        ck_assert_msg(io_map_field_png(v, &fgrid, &o, png, &err) == ZT_OK, "%s", err.msg);
        pic_open(&p, png, pgw, &fgrid, 3);
        ck_assert_int_gt(count_ink(&p, p.top, p.h, w_none - 12, p.w), 10);
        pic_close(&p);
    }
    free(v);
}
END_TEST

/* dir/name: a GeoJSON in RD New with one polygon (x0, y0)-(x1, y1) named naam. */
static void make_square(const char *path, double x0, double y0, double x1, double y1,
                        const char *naam)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\": "
             "{\"name\": \"urn:ogc:def:crs:EPSG::28992\"}}, \"features\": [{\"type\": "
             "\"Feature\", \"properties\": {\"naam\": \"%s\"}, \"geometry\": {\"type\": "
             "\"Polygon\", \"coordinates\": [[[%.3f, %.3f], [%.3f, %.3f], [%.3f, %.3f], [%.3f, "
             "%.3f], [%.3f, %.3f]]]}}]}\n",
             naam, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
    ck_assert_int_eq(tu_write(path, text), 0);
}

/* A field of one value drawn yellow (vmax), scale 4. */
static void draw_yellow(const char *png, const char *outlines)
{
    double *v = malloc(40 * 32 * sizeof *v);
    io_map_style o;
    zt_err err;
    int k;
    ck_assert_ptr_nonnull(v);
    for (k = 0; k < 40 * 32; k++) {
        v[k] = 1.0;
    }
    zt_err_clear(&err);
    io_map_style_default(&o);
    o.vmin = 0.0;
    o.vmax = 1.0;
    o.scale = 4;
    o.outlines = outlines;
    ck_assert_msg(io_map_field_png(v, &fgrid, &o, png, &err) == ZT_OK, "%s", err.msg);
    free(v);
}

/* Our own square, its edges on pixel centres, its east part beyond the raster. */
START_TEST(test_map_outlines_square)
{
    char dir[256], png[512], pgw[600], txt[600], gj[512];
    const double a = 62.5; /* pixel size at scale 4 (m) */
    /* raster columns 20-..., rows 16-80 from the top (pixel centres) */
    const int c0 = 20, r0 = 16, r1 = 80;
    const double x0 = fgrid.x0 + (c0 + 0.5) * a, x1 = fgrid.x0 + 200 * a;
    const double ytop = fgrid.y0 + 32 * fgrid.dx;
    const double y1 = ytop - (r0 + 0.5) * a, y0 = ytop - (r1 + 0.5) * a;
    int r, c, inner_ink = 0;
    pic p;

    tu_tmpdir("map_square", dir, sizeof dir);
    io_path_join(dir, "square.geojson", gj, sizeof gj);
    make_square(gj, x0, y0, x1, y1, "Testland");
    io_path_join(dir, "sq.png", png, sizeof png);
    side_paths(png, pgw, txt, sizeof pgw);
    draw_yellow(png, gj);
    pic_open(&p, png, pgw, &fgrid, 4);
    for (r = 0; r < 128; r++) {
        for (c = 0; c < 160; c++) {
            int on_edge = ((c == c0) && r >= r0 && r <= r1) ||
                          ((r == r0 || r == r1) && c >= c0);
            int near = (c >= c0 - 2 && c <= c0 + 2 && r >= r0 - 2 && r <= r1 + 2) ||
                       ((abs(r - r0) <= 2 || abs(r - r1) <= 2) && c >= c0 - 2);
            int inside = c > c0 + 2 && r > r0 + 2 && r < r1 - 2;
            if (on_edge) {
                ck_assert_msg(lum(&p, p.top + r, p.left + c) < 60.0,
                              "edge pixel (%d, %d) not dark: %g", r, c,
                              lum(&p, p.top + r, p.left + c));
            } else if (inside) {
                inner_ink += !is_rgb(&p, p.top + r, p.left + c, 0xFD, 0xE7, 0x25);
            } else if (!near) {
                ck_assert_msg(is_rgb(&p, p.top + r, p.left + c, 0xFD, 0xE7, 0x25),
                              "pixel (%d, %d) away from the outline is not the field's", r, c);
            }
        }
    }
    /* the name, inside the square */
    ck_assert_int_gt(inner_ink, 50);
    /* clipped to the raster: the margin right of it is white on the edges' rows */
    for (c = p.left + 160 + 1; c < p.left + 160 + 10; c++) {
        ck_assert(is_rgb(&p, p.top + r0, c, 255, 255, 255));
        ck_assert(is_rgb(&p, p.top + r1, c, 255, 255, 255));
    }
    pic_close(&p);
}
END_TEST

/*
 * The provinces: the Fryslân-Groningen boundary passes through the vertex
 * (207833.11, 575839.93) of both polygons in
 * data/boundaries/provinciegebied_noord_nederland_rd_new.geojson: dark
 * there with the default outlines, the field's yellow without.
 */
START_TEST(test_map_outlines_provinces)
{
    const double vx = 207833.11, vy = 575839.93, a = 62.5;
    char dir[256], png[512], pgw[600], txt[600], data[600];
    double darkest[2] = {1e9, 1e9};
    int k, dr, dc;
    char *gj;
    pic p;

    io_map_default_outlines(data, sizeof data);
    gj = slurp_ok(data);
    ck_assert_msg(strstr(gj, "[207833.11, 575839.93]") != NULL, "the vertex is not in %s", data);
    free(gj);
    tu_tmpdir("map_provinces", dir, sizeof dir);
    for (k = 0; k < 2; k++) {
        io_path_join(dir, k == 0 ? "with.png" : "without.png", png, sizeof png);
        side_paths(png, pgw, txt, sizeof pgw);
        draw_yellow(png, k == 0 ? NULL : "");
        pic_open(&p, png, pgw, &fgrid, 4);
        {
            int r = p.top + (int)floor((fgrid.y0 + 32 * fgrid.dx - vy) / a);
            int c = p.left + (int)floor((vx - fgrid.x0) / a);
            for (dr = -1; dr <= 1; dr++) {
                for (dc = -1; dc <= 1; dc++) {
                    darkest[k] = fmin(darkest[k], lum(&p, r + dr, c + dc));
                }
            }
        }
        pic_close(&p);
    }
    ck_assert_msg(darkest[0] < 170.0, "no boundary at the vertex: luminance %g", darkest[0]);
    ck_assert_msg(darkest[1] > 200.0, "without outlines the vertex is not yellow: %g",
                  darkest[1]);
}
END_TEST

/* ---- errors -------------------------------------------------------------------------- */


/* No file of the map png (or its .part) exists. */
static void expect_nothing(const char *png)
{
    char pgw[600], txt[600], side[700];
    side_paths(png, pgw, txt, sizeof pgw);
    ck_assert_msg(!tu_exists(png), "%s left", png);
    ck_assert_msg(!tu_exists(pgw), "%s left", pgw);
    ck_assert_msg(!tu_exists(txt), "%s left", txt);
    snprintf(side, sizeof side, "%s.aux.xml", png);
    ck_assert_msg(!tu_exists(side), "%s left", side);
    snprintf(side, sizeof side, "%s.part", png);
    ck_assert_msg(!tu_exists(side), "%s left", side);
}

START_TEST(test_map_errors)
{
    char dir[256], nc[512], png[512], side[700], bad[512];
    io_map_style o;
    zt_err err;

    tu_tmpdir("map_err", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "e.png", png, sizeof png);

    zt_err_clear(&err);
    io_path_join(dir, "absent.nc", bad, sizeof bad);
    tu_expect_fail(io_map_png(bad, "demand", 0, png, NULL, &err), &err, ZT_EINPUT, "absent.nc",
                "cannot open");
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "nosuch", 0, png, NULL, &err), &err, ZT_EINPUT, "f.nc",
                "'nosuch' not found");
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "demand", 2, png, NULL, &err), &err, ZT_EINPUT, "'demand'",
                "time index 2 outside 0-1");
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "demand", -1, png, NULL, &err), &err, ZT_EUSAGE, "time index -1",
                NULL);
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "empty", 0, png, NULL, &err), &err, ZT_EINPUT, "'empty'",
                "no valid value");
    io_map_style_default(&o);
    o.scale = 0;
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "demand", 0, png, &o, &err), &err, ZT_EUSAGE, "scale 0", NULL);
    io_map_style_default(&o);
    o.vmin = 3.0;
    o.vmax = 3.0;
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "demand", 0, png, &o, &err), &err, ZT_EUSAGE, "vmin 3", NULL);
    /* Not a NetCDF file. */
    io_path_join(dir, "text.nc", bad, sizeof bad);
    ck_assert_int_eq(tu_write(bad, "not netcdf\n"), 0);
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(bad, "demand", 0, png, NULL, &err), &err, ZT_EINPUT, "text.nc",
                NULL);
    /* -o a folder */
    io_path_join(dir, "folder.png", bad, sizeof bad);
    ck_assert_int_eq(io_dir_ensure(bad, &err), ZT_OK);
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "demand", 0, bad, NULL, &err), &err, ZT_EUSAGE, "folder.png",
                "names a folder");
    expect_nothing(png);

    /* A folder that does not exist: ZT_EIO naming it, nothing left behind. */
    snprintf(bad, sizeof bad, "%s/nofolder/m.png", dir);
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "demand", 0, bad, NULL, &err), &err, ZT_EIO, "nofolder", NULL);
    snprintf(side, sizeof side, "%s/nofolder", dir);
    ck_assert(!tu_exists(side));

    /* The PNG cannot be written (its .part name is a folder): no sidecars left. */
    snprintf(side, sizeof side, "%s.part", png);
    ck_assert_int_eq(io_dir_ensure(side, &err), ZT_OK);
    zt_err_clear(&err);
    ck_assert_int_eq(io_map_png(nc, "demand", 0, png, NULL, &err), ZT_EIO);
    ck_assert_msg(strstr(err.msg, "e.png") != NULL, "%s", err.msg);
    ck_assert_int_eq(remove(side), 0);
    expect_nothing(png);
}
END_TEST

/* Outlines that cannot be drawn: ZT_EINPUT naming the file, nothing written. */
START_TEST(test_map_outlines_errors)
{
    char dir[256], nc[512], png[512], gj[512];
    double *v = make_field();
    io_map_style o;
    zt_err err;

    tu_tmpdir("map_ol_err", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "o.png", png, sizeof png);
    io_map_style_default(&o);
    o.outlines = gj;

    io_path_join(dir, "absent.geojson", gj, sizeof gj);
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "demand", 0, png, &o, &err), &err, ZT_EINPUT, "absent.geojson",
                "outlines");
    zt_err_clear(&err);
    tu_expect_fail(io_map_field_png(v, &fgrid, &o, png, &err), &err, ZT_EINPUT, "absent.geojson",
                "outlines");
    expect_nothing(png);

    io_path_join(dir, "folder.geojson", gj, sizeof gj);
    ck_assert_int_eq(io_dir_ensure(gj, &err), ZT_OK);
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "demand", 0, png, &o, &err), &err, ZT_EINPUT, "folder.geojson",
                "is a folder");

    io_path_join(dir, "text.geojson", gj, sizeof gj);
    ck_assert_int_eq(tu_write(gj, "these are not polygons\n"), 0);
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "demand", 0, png, &o, &err), &err, ZT_EINPUT, "text.geojson",
                "as a vector file");

    io_path_join(dir, "wgs84.geojson", gj, sizeof gj);
    ck_assert_int_eq(
        tu_write(gj, "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", "
                     "\"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::4326\"}}, \"features\": "
                     "[{\"type\": \"Feature\", \"properties\": {}, \"geometry\": {\"type\": "
                     "\"Polygon\", \"coordinates\": [[[5, 53], [6, 53], [6, 54], [5, 53]]]}}]}\n"),
        0);
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "demand", 0, png, &o, &err), &err, ZT_EINPUT, "wgs84.geojson",
                "not RD New");

    io_path_join(dir, "points.geojson", gj, sizeof gj);
    ck_assert_int_eq(tu_write(gj, "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": "
                                  "\"name\", \"properties\": {\"name\": "
                                  "\"urn:ogc:def:crs:EPSG::28992\"}}, \"features\": [{\"type\": "
                                  "\"Feature\", \"properties\": {\"naam\": \"p\"}, "
                                  "\"geometry\": {\"type\": \"Point\", \"coordinates\": "
                                  "[200000, 550000]}}]}\n"),
                     0);
    zt_err_clear(&err);
    tu_expect_fail(io_map_png(nc, "demand", 0, png, &o, &err), &err, ZT_EINPUT, "points.geojson",
                "no polygon");
    expect_nothing(png);
    free(v);
}
END_TEST

START_TEST(test_map_field_errors)
{
    char dir[256], png[512], bad[512];
    double *v = make_field();
    zt_grid g = fgrid;
    io_map_style o;
    zt_err err;
    int k;

    tu_tmpdir("map_field_err", dir, sizeof dir);
    io_path_join(dir, "f.png", png, sizeof png);
    io_map_style_default(&o);
    o.outlines = "";
    o.vmin = 2.0;
    o.vmax = 1.0;
    zt_err_clear(&err);
    tu_expect_fail(io_map_field_png(v, &fgrid, &o, png, &err), &err, ZT_EUSAGE, "vmin 2",
                "below vmax 1");
    o.vmin = -INFINITY;
    o.vmax = NAN;
    zt_err_clear(&err);
    tu_expect_fail(io_map_field_png(v, &fgrid, &o, png, &err), &err, ZT_EUSAGE, "vmin -inf",
                "must be finite");
    io_map_style_default(&o);
    o.outlines = "";
    o.scale = 65;
    zt_err_clear(&err);
    tu_expect_fail(io_map_field_png(v, &fgrid, &o, png, &err), &err, ZT_EUSAGE, "scale 65", NULL);
    o.scale = 1;
    io_path_join(dir, "folder.png", bad, sizeof bad);
    ck_assert_int_eq(io_dir_ensure(bad, &err), ZT_OK);
    zt_err_clear(&err);
    tu_expect_fail(io_map_field_png(v, &fgrid, &o, bad, &err), &err, ZT_EUSAGE, "folder.png",
                "names a folder");
    g.nx = 0;
    zt_err_clear(&err);
    tu_expect_fail(io_map_field_png(v, &g, &o, png, &err), &err, ZT_EUSAGE, "f.png",
                "nothing to draw");
    g = fgrid;
    g.dx = 0.0;
    zt_err_clear(&err);
    tu_expect_fail(io_map_field_png(v, &g, &o, png, &err), &err, ZT_EUSAGE, "f.png", NULL);
    for (k = 0; k < 40 * 32; k++) {
        v[k] = NAN;
    }
    zt_err_clear(&err);
    tu_expect_fail(io_map_field_png(v, &fgrid, &o, png, &err), &err, ZT_EINPUT, "f.png",
                "no valid value");
    expect_nothing(png);
    free(v);
}
END_TEST

/* Every allocation of ours can fail: ZT_ENOMEM, nothing leaked (valgrind). */
START_TEST(test_map_nomem)
{
    char dir[256], nc[512], png[512];
    zt_err err;
    zt_status st = ZT_ENOMEM;
    long nth;

    tu_tmpdir("map_nomem", dir, sizeof dir);
    make_nc(dir, "f.nc", nc, sizeof nc);
    io_path_join(dir, "m.png", png, sizeof png);
    for (nth = 1; nth < 400 && st != ZT_OK; nth++) {
        zt_err_clear(&err);
        zt_alloc_fail_after(nth);
        st = io_map_png(nc, "demand", 0, png, NULL, &err);
        zt_alloc_fail_after(0);
        ck_assert_msg(st == ZT_OK || st == ZT_ENOMEM, "allocation %ld: %s", nth, err.msg);
        if (st != ZT_OK) {
            expect_nothing(png);
        }
    }
    ck_assert_int_eq(st, ZT_OK);
    ck_assert_int_gt(nth, 5); /* the default outlines allocate too */
}
END_TEST

Suite *suite_map(void)
{
    Suite *s = suite_create("map");
    TCase *tc = tcase_create("map");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_map_sequential);
    tcase_add_test(tc, test_map_percentile_and_grey);
    tcase_add_test(tc, test_map_diverging);
    tcase_add_test(tc, test_map_2d_constant);
    tcase_add_test(tc, test_map_field);
    tcase_add_test(tc, test_map_outlines_square);
    tcase_add_test(tc, test_map_outlines_provinces);
    tcase_add_test(tc, test_map_errors);
    tcase_add_test(tc, test_map_outlines_errors);
    tcase_add_test(tc, test_map_field_errors);
    tcase_add_test(tc, test_map_nomem);
    suite_add_tcase(s, tc);
    return s;
}
