/*
 * test_io_nc.c: the NetCDF grid I/O (io/io_nc.c).
 *
 * - a small domain written and read back equal, with the CF attributes of
 *   CF_RDNEW.md §4.3, and placed by gdalinfo at EPSG:28992 with the
 *   geotransform worked out by hand;
 * - fields of other types, packed, with fills, 3-D, y descending, checked
 *   against values unpacked by hand;
 * - what gdal_translate writes from a GeoTIFF (y ascending and descending),
 *   read directly and as a replacement source of the domain;
 * - every error path of the brief: missing file, not NetCDF, missing
 *   variable, wrong dimensions, grid mismatch, wrong CRS, NaN in an active
 *   cell (and more), each ZT_EINPUT naming file and variable; failed
 *   allocations through zt_alloc_fail_after;
 * - the optional groundwater group (issue 3): round trip with hand values,
 *   CF attributes, the all-or-none rule naming the missing variable, bad
 *   values in active cells naming file, variable and cell, failed
 *   allocations;
 * - the optional peat_thickness: round trip with hand values and its CF
 *   attributes, a file without it read with the field NULL, a packed
 *   replacement, bad values (negative, 1e30, Inf, no value in a peat cell,
 *   wrong units) refused naming file, variable and cell, failed allocations.
 *
 * Test files are made with the NetCDF C API or with ncgen from CDL text, in
 * out/tests/io_nc_<test>/.
 */
#include <check.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_file.h"
#include "io_nc.h"
#include "testutil.h"

/* The test grid: 4 x 3 cells of 250 m, south-west corner (200000, 550000) m. */
static const zt_grid tgrid = {4, 3, 200000.0, 550000.0, 250.0};

/* Tolerance for values that went through float (relative, -). */
#define TOL_REL 1e-6

/*
 * A domain on tgrid: cell 0 (south-west) inactive, cell 11 (north-east)
 * fixed head, the rest active with values that differ per cell.
 */
static grid_domain *make_domain(void)
{
    grid_domain *d = NULL;
    zt_err err;
    zt_idx k;

    zt_err_clear(&err);
    ck_assert_int_eq(grid_domain_create(&tgrid, &d, &err), ZT_OK);
    for (k = 0; k < 12; k++) {
        d->mask[k] = k == 0 ? ZT_MASK_INACTIVE : (k == 11 ? ZT_MASK_FIXED : ZT_MASK_ACTIVE);
        if (k == 0) {
            d->surface[k] = NAN;
            d->gwdepth[k] = NAN;
            continue;
        }
        d->surface[k] = -1.0f + 0.5f * (float)k;   /* m NAP */
        d->soil[k] = (uint8_t)(1 + k % 3);
        d->landuse[k] = (uint8_t)(1 + k % 6);
        d->district[k] = 100000 + (int32_t)k;
        d->province[k] = (uint8_t)(20 + k % 3);
        d->gwdepth[k] = 0.2f + 0.1f * (float)k;    /* m */
        d->sprinkling[k] = (uint8_t)(k % 3);
    }
    return d;
}

static void same_float(float a, float b, const char *what, zt_idx k)
{
    if (isnan(a) || isnan(b)) {
        ck_assert_msg(isnan(a) && isnan(b), "%s cell %lld: %g vs %g", what, (long long)k, a, b);
        return;
    }
    ck_assert_msg(fabsf(a - b) <= 1e-6f * fmaxf(1.0f, fabsf(b)), "%s cell %lld: %g vs %g", what,
                  (long long)k, a, b);
}

static void same_domain(const grid_domain *a, const grid_domain *b)
{
    zt_idx k, n = zt_grid_ncell(&b->g);
    ck_assert_int_eq(a->g.nx, b->g.nx);
    ck_assert_int_eq(a->g.ny, b->g.ny);
    ck_assert_double_eq_tol(a->g.x0, b->g.x0, 1e-9);
    ck_assert_double_eq_tol(a->g.y0, b->g.y0, 1e-9);
    ck_assert_double_eq_tol(a->g.dx, b->g.dx, 1e-9);
    for (k = 0; k < n; k++) {
        ck_assert_int_eq(a->mask[k], b->mask[k]);
        ck_assert_int_eq(a->soil[k], b->soil[k]);
        ck_assert_int_eq(a->landuse[k], b->landuse[k]);
        ck_assert_int_eq(a->district[k], b->district[k]);
        ck_assert_int_eq(a->province[k], b->province[k]);
        ck_assert_int_eq(a->sprinkling[k], b->sprinkling[k]);
        same_float(a->surface[k], b->surface[k], "surface", k);
        same_float(a->gwdepth[k], b->gwdepth[k], "gwdepth", k);
    }
}

/*
 * make_domain() with the groundwater group: values that differ per cell;
 * trenches in the active cells with k odd, tile drains where k % 3 == 0
 * (NAN elsewhere); the fixed-head cell 11 has kD only, the inactive cell 0
 * nothing.
 */
static grid_domain *make_gw_domain(void)
{
    grid_domain *d = make_domain();
    zt_err err;
    zt_idx k;

    zt_err_clear(&err);
    ck_assert_int_eq(grid_domain_add_gw(d, &err), ZT_OK);
    ck_assert_int_eq(d->has_gw, 1);
    ck_assert(isnan(d->kd[0]) && isnan(d->tile_c[11]));
    d->kd[11] = 30.0f;
    for (k = 1; k < 11; k++) {
        d->kd[k] = 5.0f + 25.0f * (float)k;        /* m2/d */
        d->deep_head[k] = -2.0f + 0.25f * (float)k; /* m NAP */
        d->cv[k] = 100.0f * (float)k;               /* d */
        d->ditch_c[k] = 30.0f + 10.0f * (float)k;   /* d */
        d->ditch_ci[k] = 1.5f * d->ditch_c[k];      /* d */
        if (k % 2 == 1) {
            d->trench_depth[k] = 0.3f;              /* m */
            d->trench_c[k] = 30.0f;                 /* d */
        }
        if (k % 3 == 0) {
            d->tile_depth[k] = 1.0f;                /* m */
            d->tile_c[k] = 10.0f + (float)k;        /* d */
        }
    }
    return d;
}

/* The groundwater group of two domains is equal (cell by cell, NAN = NAN). */
static void same_gw(const grid_domain *a, const grid_domain *b)
{
    zt_idx k, n = zt_grid_ncell(&b->g);
    ck_assert_int_eq(a->has_gw, b->has_gw);
    if (!b->has_gw) {
        ck_assert_ptr_null(a->kd);
        return;
    }
    for (k = 0; k < n; k++) {
        same_float(a->kd[k], b->kd[k], "kd", k);
        same_float(a->deep_head[k], b->deep_head[k], "deep_head", k);
        same_float(a->cv[k], b->cv[k], "cv", k);
        same_float(a->ditch_c[k], b->ditch_c[k], "ditch_c", k);
        same_float(a->ditch_ci[k], b->ditch_ci[k], "ditch_ci", k);
        same_float(a->trench_depth[k], b->trench_depth[k], "trench_depth", k);
        same_float(a->trench_c[k], b->trench_c[k], "trench_c", k);
        same_float(a->tile_depth[k], b->tile_depth[k], "tile_depth", k);
        same_float(a->tile_c[k], b->tile_c[k], "tile_c", k);
    }
}

/* Write a domain to dir/name (path into buf), taking it over (freed). */
static const char *write_this(grid_domain *d, const char *dir, const char *name, char *buf,
                              size_t n)
{
    zt_err err;
    zt_err_clear(&err);
    io_path_join(dir, name, buf, n);
    ck_assert_msg(io_domain_write(buf, d, NULL, &err) == ZT_OK, "%s", err.msg);
    grid_domain_destroy(&d);
    return buf;
}

/* Write make_domain() to dir/name; the path goes to buf. */
static const char *write_domain(const char *dir, const char *name, char *buf, size_t n)
{
    grid_domain *d = make_domain();
    zt_err err;
    zt_err_clear(&err);
    io_path_join(dir, name, buf, n);
    ck_assert_msg(io_domain_write(buf, d, "test domain", &err) == ZT_OK, "%s", err.msg);
    grid_domain_destroy(&d);
    return buf;
}

/* Run ncgen on CDL text: dir/name.cdl -> dir/name.nc (path into buf). */
static const char *ncgen(const char *dir, const char *name, const char *cdl, char *buf, size_t n)
{
    char cdlpath[512], cmd[1400], errtext[2048];
    int rc;
    snprintf(cdlpath, sizeof cdlpath, "%s/%s.cdl", dir, name);
    snprintf(buf, n, "%s/%s.nc", dir, name);
    ck_assert_int_eq(tu_write(cdlpath, cdl), 0);
    snprintf(cmd, sizeof cmd, "ncgen -k nc4 -o '%s' '%s'", buf, cdlpath);
    rc = tu_run(cmd, NULL, 0, errtext, sizeof errtext);
    ck_assert_msg(rc == 0, "ncgen failed: %s", errtext);
    return buf;
}

/*
 * CDL of one variable `v` (type vtype) on a 3 x 2 grid of 250 m with the x
 * and y centres given, with the grid-mapping attributes `crsatts` (no crs
 * variable and no grid_mapping when NULL), the variable attributes
 * `vatts` and the data text.
 */
static void cdl_field(char *buf, size_t n, const char *vtype, const char *xs, const char *ys,
                      const char *crsatts, const char *vatts, const char *data)
{
    snprintf(buf, n,
             "netcdf f {\n"
             "dimensions:\n  x = 3 ; y = 2 ;\n"
             "variables:\n"
             "  double x(x) ;\n  double y(y) ;\n"
             "%s%s%s"
             "  %s v(y, x) ;\n%s%s"
             "data:\n  x = %s ;\n  y = %s ;\n  v = %s ;\n}\n",
             crsatts ? "  int crs ;\n" : "", crsatts ? crsatts : "", crsatts ? "\n" : "", vtype,
             crsatts ? "    v:grid_mapping = \"crs\" ;\n" : "", vatts ? vatts : "", xs, ys, data);
}

/* RD New by parameters only (GDAL's names), no WKT. */
static const char rd_params_cdl[] =
    "    crs:grid_mapping_name = \"oblique_stereographic\" ;\n"
    "    crs:latitude_of_projection_origin = 52.1561605555556 ;\n"
    "    crs:longitude_of_central_meridian = 5.38763888888889 ;\n"
    "    crs:scale_factor_at_central_meridian = 0.9999079 ;\n"
    "    crs:false_easting = 155000. ;\n    crs:false_northing = 463000. ;\n"
    "    crs:semi_major_axis = 6377397.155 ;\n    crs:inverse_flattening = 299.1528128 ;\n";

/* The NetCDF grid of cdl_field's default coordinates: x0 200000, y0 550000. */
static const zt_grid fgrid = {3, 2, 200000.0, 550000.0, 250.0};

static void expect_einput(zt_status st, const zt_err *err, const char *a, const char *b,
                          const char *c)
{
    ck_assert_msg(st == ZT_EINPUT, "status %s, message: %s", zt_status_name(st), err->msg);
    ck_assert_msg(strstr(err->msg, a) != NULL, "'%s' not in: %s", a, err->msg);
    ck_assert_msg(!b || strstr(err->msg, b) != NULL, "'%s' not in: %s", b, err->msg);
    ck_assert_msg(!c || strstr(err->msg, c) != NULL, "'%s' not in: %s", c, err->msg);
}

/* ---- round trip, CF attributes, gdalinfo ------------------------------- */

START_TEST(domain_round_trip)
{
    char dir[256], path[512], part[600];
    grid_domain *a = make_domain(), *b = NULL;
    zt_err err;

    tu_tmpdir("io_nc_roundtrip", dir, sizeof dir);
    write_domain(dir, "domain.nc", path, sizeof path);
    ck_assert(tu_exists(path));
    ck_assert(!tu_exists(io_part_path(path, part, sizeof part)));
    zt_err_clear(&err);
    ck_assert_msg(io_domain_read(path, NULL, 0, &b, &err) == ZT_OK, "%s", err.msg);
    same_domain(b, a);
    grid_domain_destroy(&a);
    grid_domain_destroy(&b);
    ck_assert_ptr_null(b);
}
END_TEST

static void att_is(int ncid, const char *var, const char *att, const char *want)
{
    char buf[2048];
    size_t len = 0;
    int vid = NC_GLOBAL;
    if (var) {
        ck_assert_int_eq(nc_inq_varid(ncid, var, &vid), NC_NOERR);
    }
    ck_assert_msg(nc_inq_attlen(ncid, vid, att, &len) == NC_NOERR, "%s:%s missing",
                  var ? var : "", att);
    ck_assert_uint_lt(len, sizeof buf);
    ck_assert_int_eq(nc_get_att_text(ncid, vid, att, buf), NC_NOERR);
    buf[len] = '\0';
    ck_assert_msg(strcmp(buf, want) == 0, "%s:%s = \"%s\", want \"%s\"", var ? var : "", att, buf,
                  want);
}

static double att_num(int ncid, const char *var, const char *att)
{
    int vid;
    double v = NAN;
    ck_assert_int_eq(nc_inq_varid(ncid, var, &vid), NC_NOERR);
    ck_assert_msg(nc_get_att_double(ncid, vid, att, &v) == NC_NOERR, "%s:%s", var, att);
    return v;
}

START_TEST(domain_cf_attributes)
{
    static const char *const vars[] = {"mask", "surface_level", "soil", "landuse", "district",
                                       "province", "gw_depth_init", "sprinkling_source"};
    char dir[256], path[512];
    double xs[4], yb[6];
    unsigned char flags[8];
    size_t chunks[2], len;
    int ncid, vid, shuffle, deflate, level, storage, i;
    nc_type type;
    float fill;

    tu_tmpdir("io_nc_cf", dir, sizeof dir);
    write_domain(dir, "domain.nc", path, sizeof path);
    ck_assert_int_eq(nc_open(path, NC_NOWRITE, &ncid), NC_NOERR);
    att_is(ncid, NULL, "Conventions", "CF-1.8");
    att_is(ncid, NULL, "title", "test domain");
    att_is(ncid, NULL, "institution", "zoet");
    att_is(ncid, NULL, "source", "zoet 0.1");
    ck_assert_int_eq(nc_inq_attlen(ncid, NC_GLOBAL, "history", &len), NC_NOERR);
    ck_assert_int_eq(nc_inq_attlen(ncid, NC_GLOBAL, "references", &len), NC_NOERR);
    att_is(ncid, "x", "standard_name", "projection_x_coordinate");
    att_is(ncid, "x", "long_name", "x coordinate of projection (RD New easting)");
    att_is(ncid, "x", "units", "m");
    att_is(ncid, "x", "axis", "X");
    att_is(ncid, "x", "bounds", "x_bnds");
    att_is(ncid, "y", "standard_name", "projection_y_coordinate");
    att_is(ncid, "y", "long_name", "y coordinate of projection (RD New northing)");
    att_is(ncid, "y", "axis", "Y");
    att_is(ncid, "y", "bounds", "y_bnds");
    att_is(ncid, "crs", "grid_mapping_name", "oblique_stereographic");
    att_is(ncid, "crs", "crs_wkt", io_rdnew_wkt);
    att_is(ncid, "crs", "spatial_ref", io_rdnew_wkt);
    att_is(ncid, "crs", "projected_crs_name", "Amersfoort / RD New");
    att_is(ncid, "crs", "reference_ellipsoid_name", "Bessel 1841");
    ck_assert_double_eq_tol(att_num(ncid, "crs", "false_easting"), 155000.0, 1e-9);
    ck_assert_double_eq_tol(att_num(ncid, "crs", "false_northing"), 463000.0, 1e-9);
    ck_assert_double_eq_tol(att_num(ncid, "crs", "scale_factor_at_projection_origin"), 0.9999079,
                            1e-12);
    ck_assert_double_eq_tol(att_num(ncid, "crs", "longitude_of_central_meridian"),
                            5.38763888888889, 1e-12);
    ck_assert_double_eq_tol(att_num(ncid, "crs", "inverse_flattening"), 299.1528128, 1e-9);
    ck_assert_int_eq(nc_inq_varid(ncid, "crs", &vid), NC_NOERR);
    ck_assert_int_eq(nc_inq_var(ncid, vid, NULL, &type, &i, NULL, NULL), NC_NOERR);
    ck_assert_int_eq(type, NC_INT);
    ck_assert_int_eq(i, 0);
    ck_assert_msg(strstr(io_rdnew_wkt, "AUTHORITY[\"EPSG\",\"28992\"]]") != NULL, "wkt");

    /* centres x0 + (i + 1/2) dx and bounds of y by hand */
    ck_assert_int_eq(nc_inq_varid(ncid, "x", &vid), NC_NOERR);
    ck_assert_int_eq(nc_get_var_double(ncid, vid, xs), NC_NOERR);
    ck_assert_double_eq(xs[0], 200125.0);
    ck_assert_double_eq(xs[3], 200875.0);
    ck_assert_int_eq(nc_inq_varid(ncid, "y_bnds", &vid), NC_NOERR);
    ck_assert_int_eq(nc_get_var_double(ncid, vid, yb), NC_NOERR);
    ck_assert_double_eq(yb[0], 550000.0);
    ck_assert_double_eq(yb[1], 550250.0);
    ck_assert_double_eq(yb[5], 550750.0);

    for (i = 0; i < 8; i++) {
        ck_assert_int_eq(nc_inq_varid(ncid, vars[i], &vid), NC_NOERR);
        att_is(ncid, vars[i], "grid_mapping", "crs");
        ck_assert_int_eq(nc_inq_var_chunking(ncid, vid, &storage, chunks), NC_NOERR);
        ck_assert_int_eq(storage, NC_CHUNKED);
        ck_assert_uint_eq(chunks[0], 3);
        ck_assert_uint_eq(chunks[1], 4);
        ck_assert_int_eq(nc_inq_var_deflate(ncid, vid, &shuffle, &deflate, &level), NC_NOERR);
        ck_assert_int_eq(shuffle, 1);
        ck_assert_int_eq(deflate, 1);
        ck_assert_int_eq(level, 1);
    }
    att_is(ncid, "mask", "flag_meanings", "inactive active fixed_head");
    ck_assert_int_eq(nc_inq_varid(ncid, "mask", &vid), NC_NOERR);
    ck_assert_int_eq(nc_inq_atttype(ncid, vid, "flag_values", &type), NC_NOERR);
    ck_assert_int_eq(type, NC_UBYTE);
    ck_assert_int_eq(nc_get_att_uchar(ncid, vid, "flag_values", flags), NC_NOERR);
    ck_assert(flags[0] == 0 && flags[1] == 1 && flags[2] == 2);
    att_is(ncid, "surface_level", "standard_name", "surface_altitude");
    att_is(ncid, "surface_level", "units", "m");
    att_is(ncid, "surface_level", "long_name", "surface level (m NAP)");
    ck_assert_int_eq(nc_inq_varid(ncid, "surface_level", &vid), NC_NOERR);
    ck_assert_int_eq(nc_get_att_float(ncid, vid, "_FillValue", &fill), NC_NOERR);
    ck_assert_float_eq(fill, -9999.0f);
    att_is(ncid, "soil", "flag_meanings", "peat clay sand");
    att_is(ncid, "landuse", "flag_meanings",
           "grass arable capital_intensive_crops nature urban open_water");
    ck_assert_int_eq(nc_inq_varid(ncid, "landuse", &vid), NC_NOERR);
    ck_assert_int_eq(nc_inq_attlen(ncid, vid, "flag_values", &len), NC_NOERR);
    ck_assert_uint_eq(len, 6);
    ck_assert_int_eq(nc_get_att_uchar(ncid, vid, "flag_values", flags), NC_NOERR);
    ck_assert(flags[0] == 1 && flags[5] == 6);
    att_is(ncid, "district", "long_name", "district (peilgebied) id");
    ck_assert_int_eq(nc_inq_varid(ncid, "district", &vid), NC_NOERR);
    ck_assert_int_eq(nc_inq_vartype(ncid, vid, &type), NC_NOERR);
    ck_assert_int_eq(type, NC_INT);
    att_is(ncid, "province", "flag_meanings", "Groningen Fryslan Drenthe");
    ck_assert_int_eq(nc_inq_varid(ncid, "province", &vid), NC_NOERR);
    ck_assert_int_eq(nc_get_att_uchar(ncid, vid, "flag_values", flags), NC_NOERR);
    ck_assert(flags[0] == 20 && flags[1] == 21 && flags[2] == 22);
    att_is(ncid, "gw_depth_init", "units", "m");
    att_is(ncid, "gw_depth_init", "long_name", "initial depth of the water table below surface");
    att_is(ncid, "sprinkling_source", "flag_meanings", "none surface_water groundwater");
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
}
END_TEST

START_TEST(domain_gdalinfo)
{
    char dir[256], path[512], cmd[800], out[16384], errtext[2048];
    int rc;

    tu_tmpdir("io_nc_gdalinfo", dir, sizeof dir);
    write_domain(dir, "domain.nc", path, sizeof path);
    snprintf(cmd, sizeof cmd, "gdalinfo NETCDF:%s:surface_level", path);
    rc = tu_run(cmd, out, sizeof out, errtext, sizeof errtext);
    ck_assert_msg(rc == 0, "gdalinfo: %s", errtext);
    ck_assert_msg(strstr(out, "ID[\"EPSG\",28992]") || strstr(out, "AUTHORITY[\"EPSG\",\"28992\"]"),
                  "no EPSG:28992 in: %s", out);
    /* top-left corner: x0 = 200000, y0 + ny dx = 550000 + 3 * 250 = 550750 */
    ck_assert_msg(strstr(out, "Origin = (200000.000000000000000,550750.000000000000000)"), "%s",
                  out);
    ck_assert_msg(strstr(out, "Pixel Size = (250.000000000000000,-250.000000000000000)"), "%s",
                  out);
    ck_assert_msg(strstr(out, "Size is 4, 3"), "%s", out);
}
END_TEST

/* ---- fields: types, packing, fills, y order, time --------------------- */

START_TEST(field_packed_short_y_descending)
{
    char dir[256], path[512], cdl[4096];
    float v[6];
    zt_err err;

    tu_tmpdir("io_nc_packed", dir, sizeof dir);
    /* y descending: file row 0 is the north row (y 550375) */
    cdl_field(cdl, sizeof cdl, "short", "200125, 200375, 200625", "550375, 550125",
              rd_params_cdl,
              "    v:scale_factor = 0.01 ;\n    v:add_offset = 1. ;\n"
              "    v:_FillValue = -32000s ;\n    v:missing_value = -1s ;\n",
              "100, -32000, -1, 250, 0, 7");
    ncgen(dir, "packed", cdl, path, sizeof path);
    zt_err_clear(&err);
    ck_assert_msg(io_nc_read_field(path, "v", &fgrid, NULL, 0, v, &err) == ZT_OK, "%s", err.msg);
    /* south row (file row 1): 250 * 0.01 + 1 = 3.5, 0 * 0.01 + 1 = 1, 7 * 0.01 + 1 = 1.07 */
    ck_assert_float_eq_tol(v[0], 3.5f, 3.5f * TOL_REL);
    ck_assert_float_eq_tol(v[1], 1.0f, TOL_REL);
    ck_assert_float_eq_tol(v[2], 1.07f, 1.07f * TOL_REL);
    /* north row (file row 0): 100 * 0.01 + 1 = 2, fill, missing */
    ck_assert_float_eq_tol(v[3], 2.0f, 2.0f * TOL_REL);
    ck_assert(isnan(v[4]));
    ck_assert(isnan(v[5]));
}
END_TEST

START_TEST(field_3d_slice_and_nan)
{
    char dir[256], path[512];
    float v[6];
    zt_err err;
    static const char cdl[] =
        "netcdf t {\n"
        "dimensions:\n  time = UNLIMITED ; y = 2 ; x = 3 ;\n"
        "variables:\n  double time(time) ;\n  double x(x) ;\n  double y(y) ;\n"
        "  int crs ;\n"
        "    crs:crs_wkt = \"PROJCS[\\\"Amersfoort / RD New\\\",AUTHORITY[\\\"EPSG\\\", "
        "\\\"28992\\\"]]\" ;\n"
        "  double p(time, y, x) ;\n    p:grid_mapping = \"crs\" ;\n    p:units = \"mm/d\" ;\n"
        "data:\n  time = 0, 1 ;\n  x = 200125, 200375, 200625 ;\n  y = 550125, 550375 ;\n"
        "  p = 1, 2, 3, 4, 5, 6,\n      7.25, NaN, 9, 10, 11, -1e300 ;\n}\n";

    tu_tmpdir("io_nc_3d", dir, sizeof dir);
    ncgen(dir, "series", cdl, path, sizeof path);
    zt_err_clear(&err);
    ck_assert_msg(io_nc_read_field(path, "p", &fgrid, "mm d-1", 1, v, &err) == ZT_OK, "%s",
                  err.msg);
    ck_assert_float_eq(v[0], 7.25f);
    ck_assert(isnan(v[1]));
    ck_assert_float_eq(v[3], 10.0f);
    ck_assert_msg(isinf(v[5]) && v[5] < 0, "-1e300 becomes -inf in float, got %g", v[5]);
    ck_assert_int_eq(io_nc_read_field(path, "p", &fgrid, "mm", 0, v, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "units \"mm/d\", expected \"mm\""), "%s", err.msg);
    zt_err_clear(&err);
    expect_einput(io_nc_read_field(path, "p", NULL, NULL, 2, v, &err), &err, path,
                  "variable p", "time index 2");
}
END_TEST

/* ---- GeoTIFF through gdal_translate ------------------------------------ */

/* An ASCII grid on tgrid: rows north to south; -9999 is no data. */
static const char asc_text[] = "ncols 4\nnrows 3\nxllcorner 200000\nyllcorner 550000\n"
                               "cellsize 250\nNODATA_value -9999\n"
                               "9.5 10.5 11.5 12.5\n"
                               "5.5 6.5 7.5 8.5\n"
                               "-9999 2.5 3.5 4.5\n";

/* asc -> GeoTIFF -> NetCDF with gdal_translate; `co` adds creation options. */
static void gdal_nc(const char *dir, const char *co, char *nc, size_t n)
{
    char asc[512], tif[512], cmd[2048], errtext[2048];
    int rc;
    snprintf(asc, sizeof asc, "%s/ahn.asc", dir);
    snprintf(tif, sizeof tif, "%s/ahn.tif", dir);
    snprintf(nc, n, "%s/ahn%s.nc", dir, co[0] ? "_desc" : "");
    ck_assert_int_eq(tu_write(asc, asc_text), 0);
    snprintf(cmd, sizeof cmd,
             "gdal_translate -q -of GTiff -a_srs EPSG:28992 '%s' '%s' && "
             "gdal_translate -q -of netCDF -a_srs EPSG:28992 %s '%s' '%s'",
             asc, tif, co, tif, nc);
    rc = tu_run(cmd, NULL, 0, errtext, sizeof errtext);
    ck_assert_msg(rc == 0, "gdal_translate: %s", errtext);
}

static void check_asc_values(const float *v)
{
    /* row 0 (south) is the last line of the .asc file */
    ck_assert(isnan(v[0]));
    ck_assert_float_eq(v[1], 2.5f);
    ck_assert_float_eq(v[3], 4.5f);
    ck_assert_float_eq(v[4], 5.5f);
    ck_assert_float_eq(v[11], 12.5f);
}

START_TEST(gdal_translate_band1)
{
    char dir[256], nc[512], ncd[512], cmd[700], out[4096];
    float v[12];
    zt_err err;

    tu_tmpdir("io_nc_gdal", dir, sizeof dir);
    gdal_nc(dir, "", nc, sizeof nc);
    gdal_nc(dir, "-co WRITE_BOTTOMUP=NO", ncd, sizeof ncd);
    /* make sure the second file really stores y descending */
    snprintf(cmd, sizeof cmd, "ncdump -v y '%s' | tail -2", ncd);
    ck_assert_int_eq(tu_run(cmd, out, sizeof out, NULL, 0), 0);
    ck_assert_msg(strstr(out, "550625, 550375, 550125"), "%s", out);

    zt_err_clear(&err);
    ck_assert_msg(io_nc_read_field(nc, "Band1", &tgrid, "m", 0, v, &err) == ZT_OK, "%s", err.msg);
    check_asc_values(v);
    memset(v, 0, sizeof v);
    ck_assert_msg(io_nc_read_field(ncd, "Band1", &tgrid, "m", 0, v, &err) == ZT_OK, "%s",
                  err.msg);
    check_asc_values(v);
}
END_TEST

START_TEST(domain_replacement_from_gdal)
{
    char dir[256], path[512], nc[512];
    grid_domain *d = NULL;
    io_field_source src[1];
    zt_err err;

    tu_tmpdir("io_nc_replace", dir, sizeof dir);
    write_domain(dir, "domain.nc", path, sizeof path);
    gdal_nc(dir, "-co WRITE_BOTTOMUP=NO", nc, sizeof nc);
    src[0].field = "surface_level";
    src[0].path = nc;
    src[0].var = "Band1";
    zt_err_clear(&err);
    ck_assert_msg(io_domain_read(path, src, 1, &d, &err) == ZT_OK, "%s", err.msg);
    /* cell 0 is inactive, so the no-data value there is allowed */
    check_asc_values(d->surface);
    ck_assert_int_eq(d->district[5], 100005);
    grid_domain_destroy(&d);
}
END_TEST

START_TEST(crs_by_parameters)
{
    char dir[256], path[512], cdl[4096], bad[2048], *p;
    float v[6];
    zt_err err;

    tu_tmpdir("io_nc_params", dir, sizeof dir);
    cdl_field(cdl, sizeof cdl, "float", "200125, 200375, 200625", "550125, 550375",
              rd_params_cdl, NULL, "1, 2, 3, 4, 5, 6");
    ncgen(dir, "params", cdl, path, sizeof path);
    zt_err_clear(&err);
    ck_assert_msg(io_nc_read_field(path, "v", &fgrid, NULL, 0, v, &err) == ZT_OK, "%s", err.msg);
    ck_assert_float_eq(v[5], 6.0f);

    /* the same with a false easting of 0: not RD New */
    snprintf(bad, sizeof bad, "%s", rd_params_cdl);
    p = strstr(bad, "155000.");
    ck_assert_ptr_nonnull(p);
    memcpy(p, "     0.", 7);
    cdl_field(cdl, sizeof cdl, "float", "200125, 200375, 200625", "550125, 550375", bad, NULL,
              "1, 2, 3, 4, 5, 6");
    ncgen(dir, "badparams", cdl, path, sizeof path);
    expect_einput(io_nc_read_field(path, "v", &fgrid, NULL, 0, v, &err), &err, path,
                  "variable v: grid mapping is not RD New (EPSG:28992)", "false_easting");
}
END_TEST

/* ---- error paths -------------------------------------------------------- */

START_TEST(err_missing_file)
{
    grid_domain *d = NULL;
    zt_err err;
    zt_err_clear(&err);
    expect_einput(io_domain_read("out/tests/no_such_dir/domain.nc", NULL, 0, &d, &err), &err,
                  "out/tests/no_such_dir/domain.nc: cannot open: ", "No such file", NULL);
    ck_assert_ptr_null(d);
}
END_TEST

START_TEST(err_not_netcdf)
{
    char dir[256], path[512];
    grid_domain *d = NULL;
    float v[12];
    zt_err err;

    tu_tmpdir("io_nc_text", dir, sizeof dir);
    io_path_join(dir, "domain.nc", path, sizeof path);
    ck_assert_int_eq(tu_write(path, "mask = 1\nthis is not NetCDF\n"), 0);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path, "cannot open: NetCDF",
                  NULL);
    zt_err_clear(&err);
    expect_einput(io_nc_read_field(path, "v", NULL, NULL, 0, v, &err), &err, path, "cannot open",
                  NULL);
}
END_TEST

/* Open a written domain for editing, rename variable `var` out of the way. */
static int edit_domain(const char *path, const char *var)
{
    int ncid, vid;
    char old[64];
    ck_assert_int_eq(nc_open(path, NC_WRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_redef(ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, var, &vid), NC_NOERR);
    snprintf(old, sizeof old, "%s_old", var);
    ck_assert_int_eq(nc_rename_var(ncid, vid, old), NC_NOERR);
    return ncid;
}

START_TEST(err_missing_variable)
{
    char dir[256], path[512];
    grid_domain *d = NULL;
    zt_err err;

    tu_tmpdir("io_nc_novar", dir, sizeof dir);
    write_domain(dir, "domain.nc", path, sizeof path);
    ck_assert_int_eq(nc_close(edit_domain(path, "soil")), NC_NOERR);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path,
                  ": variable 'soil' not found", NULL);
    ck_assert_ptr_null(d);
}
END_TEST

START_TEST(err_wrong_dims)
{
    char dir[256], path[512];
    grid_domain *d = NULL;
    int ncid, dims[3], vid;
    zt_err err;

    tu_tmpdir("io_nc_dims", dir, sizeof dir);
    write_domain(dir, "domain.nc", path, sizeof path);
    ncid = edit_domain(path, "landuse");
    ck_assert_int_eq(nc_def_dim(ncid, "time", 1, &dims[0]), NC_NOERR);
    ck_assert_int_eq(nc_inq_dimid(ncid, "y", &dims[1]), NC_NOERR);
    ck_assert_int_eq(nc_inq_dimid(ncid, "x", &dims[2]), NC_NOERR);
    ck_assert_int_eq(nc_def_var(ncid, "landuse", NC_UBYTE, 3, dims, &vid), NC_NOERR);
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path,
                  "variable landuse: expected dimensions (y, x), found (time, y, x)", NULL);
    ck_assert_ptr_null(d);
}
END_TEST

START_TEST(err_grid_mismatch)
{
    char dir[256], path[512], shifted[512], cdl[4096];
    grid_domain *d = NULL;
    io_field_source src = {"gw_depth_init", NULL, "v"};
    zt_err err;

    tu_tmpdir("io_nc_mismatch", dir, sizeof dir);
    write_domain(dir, "domain.nc", path, sizeof path);
    cdl_field(cdl, sizeof cdl, "float", "200125, 200375, 200625", "550125, 550375",
              rd_params_cdl, "    v:units = \"m\" ;\n", "1, 2, 3, 4, 5, 6");
    ncgen(dir, "small", cdl, shifted, sizeof shifted);
    src.path = shifted;
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, &src, 1, &d, &err), &err, shifted,
                  "variable v: grid differs from ", path);
    ck_assert_msg(strstr(err.msg, "3 2 200000.000 550000.000 250.000 vs 4 3 200000.000 "
                                  "550000.000 250.000"),
                  "%s", err.msg);
    ck_assert_ptr_null(d);
}
END_TEST

START_TEST(err_wrong_crs)
{
    char dir[256], path[512], utm[512], cdl[4096];
    grid_domain *d = NULL;
    io_field_source src = {"surface_level", NULL, "v"};
    float v[6];
    zt_err err;

    tu_tmpdir("io_nc_crs", dir, sizeof dir);
    write_domain(dir, "domain.nc", path, sizeof path);
    cdl_field(cdl, sizeof cdl, "float", "200125, 200375, 200625", "550125, 550375",
              "    crs:grid_mapping_name = \"transverse_mercator\" ;\n"
              "    crs:crs_wkt = \"PROJCS[\\\"WGS 84 / UTM zone 31N\\\",GEOGCS[\\\"WGS 84\\\"],"
              "AUTHORITY[\\\"EPSG\\\",\\\"32631\\\"]]\" ;\n",
              "    v:units = \"m\" ;\n", "1, 2, 3, 4, 5, 6");
    ncgen(dir, "utm", cdl, utm, sizeof utm);
    zt_err_clear(&err);
    expect_einput(io_nc_read_field(utm, "v", NULL, NULL, 0, v, &err), &err, utm,
                  "variable v: grid mapping is not RD New (EPSG:28992)", "WGS 84 / UTM zone 31N");
    /* as a replacement of the domain */
    src.path = utm;
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, &src, 1, &d, &err), &err, utm,
                  "variable v: grid mapping is not RD New (EPSG:28992)", NULL);
    ck_assert_ptr_null(d);

    /* no grid_mapping at all */
    cdl_field(cdl, sizeof cdl, "float", "200125, 200375, 200625", "550125, 550375", NULL, NULL,
              "1, 2, 3, 4, 5, 6");
    ncgen(dir, "nogm", cdl, utm, sizeof utm);
    zt_err_clear(&err);
    expect_einput(io_nc_read_field(utm, "v", NULL, NULL, 0, v, &err), &err, utm,
                  "variable v: grid mapping is not RD New (EPSG:28992)", "no grid_mapping");
}
END_TEST

START_TEST(err_nan_in_active_cell)
{
    char dir[256], path[512];
    grid_domain *d = make_domain();
    size_t idx[2] = {1, 2}; /* row 1, col 2: cell 6, active */
    float nan = NAN;
    int ncid, vid;
    zt_err err;

    tu_tmpdir("io_nc_nan", dir, sizeof dir);
    /* a NaN surface level is written as _FillValue -9999 and read as missing */
    io_path_join(dir, "fill.nc", path, sizeof path);
    d->surface[6] = NAN;
    zt_err_clear(&err);
    ck_assert_int_eq(io_domain_write(path, d, NULL, &err), ZT_OK);
    grid_domain_destroy(&d);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path,
                  "variable surface_level: missing value", "row 1 col 2 (x 200625, y 550375)");
    ck_assert_ptr_null(d);

    /* a real NaN stored in the file */
    write_domain(dir, "nan.nc", path, sizeof path);
    ck_assert_int_eq(nc_open(path, NC_WRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "gw_depth_init", &vid), NC_NOERR);
    ck_assert_int_eq(nc_put_var1_float(ncid, vid, idx, &nan), NC_NOERR);
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path,
                  "variable gw_depth_init: missing value", "row 1 col 2");
}
END_TEST

START_TEST(err_bad_codes_units_spacing)
{
    char dir[256], path[512], other[512], cdl[4096];
    grid_domain *d = make_domain();
    float v[6];
    zt_err err;

    tu_tmpdir("io_nc_codes", dir, sizeof dir);
    io_path_join(dir, "codes.nc", path, sizeof path);
    d->soil[7] = 9;
    zt_err_clear(&err);
    ck_assert_int_eq(io_domain_write(path, d, NULL, &err), ZT_OK);
    grid_domain_destroy(&d);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path,
                  "variable soil: unknown soil code 9", "row 1 col 3");

    /* units of a replacement: cm is not m */
    write_domain(dir, "domain.nc", path, sizeof path);
    cdl_field(cdl, sizeof cdl, "float", "200125, 200375, 200625", "550125, 550375",
              rd_params_cdl, "    v:units = \"cm\" ;\n", "1, 2, 3, 4, 5, 6");
    ncgen(dir, "cm", cdl, other, sizeof other);
    zt_err_clear(&err);
    ck_assert_int_eq(io_nc_read_field(other, "v", &fgrid, "m", 0, v, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "units \"cm\", expected \"m\""), "%s", err.msg);

    /* uneven x spacing */
    cdl_field(cdl, sizeof cdl, "float", "200125, 200375, 200650", "550125, 550375",
              rd_params_cdl, NULL, "1, 2, 3, 4, 5, 6");
    ncgen(dir, "uneven", cdl, other, sizeof other);
    zt_err_clear(&err);
    expect_einput(io_nc_read_field(other, "v", NULL, NULL, 0, v, &err), &err, other,
                  "variable v: coordinate x is not evenly spaced", NULL);

    /* rectangular cells */
    cdl_field(cdl, sizeof cdl, "float", "200125, 200375, 200625", "550100, 550300",
              rd_params_cdl, NULL, "1, 2, 3, 4, 5, 6");
    ncgen(dir, "rect", cdl, other, sizeof other);
    zt_err_clear(&err);
    expect_einput(io_nc_read_field(other, "v", NULL, NULL, 0, v, &err), &err, other,
                  "variable v: cells are not square", NULL);

    /* a text variable */
    ck_assert_int_eq(tu_write("out/tests/io_nc_codes/txt.cdl",
                              "netcdf t {\ndimensions:\n y = 1 ; x = 2 ;\nvariables:\n"
                              " char v(y, x) ;\ndata:\n v = \"ab\" ;\n}\n"),
                     0);
    ck_assert_int_eq(tu_run("ncgen -o out/tests/io_nc_codes/txt.nc out/tests/io_nc_codes/txt.cdl",
                            NULL, 0, NULL, 0),
                     0);
    zt_err_clear(&err);
    expect_einput(io_nc_read_field("out/tests/io_nc_codes/txt.nc", "v", NULL, NULL, 0, v, &err),
                  &err, "txt.nc", "variable v: not numeric", NULL);
}
END_TEST

/* ---- allocation failures ----------------------------------------------- */

START_TEST(alloc_failures)
{
    char dir[256], path[512], part[600];
    grid_domain *a = make_domain(), *d = NULL;
    zt_status st = ZT_ENOMEM;
    long nth;
    zt_err err;

    tu_tmpdir("io_nc_alloc", dir, sizeof dir);
    io_path_join(dir, "domain.nc", path, sizeof path);
    for (nth = 1; nth < 200 && st != ZT_OK; nth++) {
        zt_err_clear(&err);
        remove(path);
        zt_alloc_fail_after(nth);
        st = io_domain_write(path, a, NULL, &err);
        zt_alloc_fail_after(0);
        if (st != ZT_OK) {
            ck_assert_msg(st == ZT_ENOMEM, "nth %ld: %s", nth, err.msg);
            ck_assert(!tu_exists(path));
            ck_assert(!tu_exists(io_part_path(path, part, sizeof part)));
        }
    }
    ck_assert_int_eq(st, ZT_OK);
    ck_assert_int_gt(nth, 2);
    st = ZT_ENOMEM;
    for (nth = 1; nth < 400 && st != ZT_OK; nth++) {
        zt_err_clear(&err);
        zt_alloc_fail_after(nth);
        st = io_domain_read(path, NULL, 0, &d, &err);
        zt_alloc_fail_after(0);
        if (st != ZT_OK) {
            ck_assert_msg(st == ZT_ENOMEM, "nth %ld: %s", nth, err.msg);
            ck_assert_ptr_null(d);
        }
    }
    ck_assert_int_eq(st, ZT_OK);
    ck_assert_int_gt(nth, 2);
    same_domain(d, a);
    grid_domain_destroy(&d);
    grid_domain_destroy(&a);
}
END_TEST

/* ---- the groundwater group (issue 3) ------------------------------------ */

START_TEST(gw_round_trip_and_attributes)
{
    static const char *const vars[9][3] = {
        {"kd", "m2 d-1", "transmissivity of the phreatic system"},
        {"deep_head", "m", "head of the deep aquifer (m NAP)"},
        {"seepage_resistance", "d", "vertical resistance to the deep aquifer (cv)"},
        {"ditch_resistance", "d", "drainage resistance of the ditches"},
        {"ditch_infiltration_resistance", "d", "infiltration resistance of the ditches"},
        {"trench_depth", "m", "depth of the trenches (greppels) below surface"},
        {"trench_resistance", "d", "drainage resistance of the trenches"},
        {"tile_depth", "m", "depth of the tile drains below surface"},
        {"tile_resistance", "d", "drainage resistance of the tile drains"},
    };
    char dir[256], path[512];
    grid_domain *a = make_gw_domain(), *b = NULL;
    size_t idx[2] = {0, 2}; /* row 0 col 2: cell 2, no trenches */
    float fill, v;
    int ncid, vid, i;
    zt_err err;

    tu_tmpdir("io_nc_gw", dir, sizeof dir);
    write_this(make_gw_domain(), dir, "gw.nc", path, sizeof path);
    zt_err_clear(&err);
    ck_assert_msg(io_domain_read(path, NULL, 0, &b, &err) == ZT_OK, "%s", err.msg);
    same_domain(b, a);
    same_gw(b, a);
    /* hand values: cell 9 (row 2, col 1): kd 5 + 25 x 9 = 230 m2/d, phi
       -2 + 0.25 x 9 = 0.25 m NAP, trenches (9 odd) and tiles (9 % 3 == 0) */
    ck_assert_float_eq_tol(b->kd[9], 230.0f, 1e-4f);
    ck_assert_float_eq_tol(b->deep_head[9], 0.25f, 1e-6f);
    ck_assert_float_eq_tol(b->tile_c[9], 19.0f, 1e-5f);
    ck_assert(isnan(b->trench_depth[2]) && isnan(b->tile_depth[2]));
    ck_assert(isnan(b->kd[0]));
    ck_assert_float_eq(b->kd[11], 30.0f);

    ck_assert_int_eq(nc_open(path, NC_NOWRITE, &ncid), NC_NOERR);
    for (i = 0; i < 9; i++) {
        att_is(ncid, vars[i][0], "units", vars[i][1]);
        att_is(ncid, vars[i][0], "long_name", vars[i][2]);
        att_is(ncid, vars[i][0], "grid_mapping", "crs");
        ck_assert_int_eq(nc_inq_varid(ncid, vars[i][0], &vid), NC_NOERR);
        ck_assert_int_eq(nc_get_att_float(ncid, vid, "_FillValue", &fill), NC_NOERR);
        ck_assert_float_eq(fill, -9999.0f);
    }
    /* an absent trench is stored as the fill value */
    ck_assert_int_eq(nc_inq_varid(ncid, "trench_depth", &vid), NC_NOERR);
    ck_assert_int_eq(nc_get_var1_float(ncid, vid, idx, &v), NC_NOERR);
    ck_assert_float_eq(v, -9999.0f);
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
    grid_domain_destroy(&a);
    grid_domain_destroy(&b);
}
END_TEST

START_TEST(gw_group_optional)
{
    char dir[256], path[512], kdfile[512], cdl[4096];
    grid_domain *d = NULL;
    io_field_source src = {"kd", NULL, "v"};
    int ncid, vid;
    zt_err err;

    tu_tmpdir("io_nc_gwopt", dir, sizeof dir);
    /* an issue-2 domain (no groundwater variables) loads with has_gw 0 */
    write_domain(dir, "rz.nc", path, sizeof path);
    ck_assert_int_eq(nc_open(path, NC_NOWRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "kd", &vid), NC_ENOTVAR);
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
    zt_err_clear(&err);
    ck_assert_msg(io_domain_read(path, NULL, 0, &d, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(d->has_gw, 0);
    ck_assert_ptr_null(d->kd);
    ck_assert_ptr_null(d->tile_c);
    grid_domain_destroy(&d);

    /* ... but one groundwater variable given by a source needs the rest */
    cdl_field(cdl, sizeof cdl, "float", "200125, 200375, 200625, 200875",
              "550125, 550375, 550625", rd_params_cdl, "    v:units = \"m2/d\" ;\n",
              "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12");
    /* cdl_field makes a 3 x 2 grid: widen it to the 4 x 3 test grid */
    {
        char *p = strstr(cdl, "x = 3 ; y = 2 ;");
        ck_assert_ptr_nonnull(p);
        memcpy(p, "x = 4 ; y = 3 ;", 15);
    }
    ncgen(dir, "kd", cdl, kdfile, sizeof kdfile);
    src.path = kdfile;
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, &src, 1, &d, &err), &err, path,
                  "variable 'deep_head' not found: the groundwater variables come as a group",
                  "kd is given");
    ck_assert_ptr_null(d);

    /* a groundwater domain without ditch_resistance names it */
    write_this(make_gw_domain(), dir, "gw.nc", path, sizeof path);
    ck_assert_int_eq(nc_close(edit_domain(path, "ditch_resistance")), NC_NOERR);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path,
                  "variable 'ditch_resistance' not found", "group");
    ck_assert_ptr_null(d);

    /* with the missing one given by a source, the domain loads; the source's
       values (units m2/d, a synonym of m2 d-1) replace kd */
    src.field = "ditch_resistance";
    cdl_field(cdl, sizeof cdl, "float", "200125, 200375, 200625, 200875",
              "550125, 550375, 550625", rd_params_cdl, "    v:units = \"days\" ;\n",
              "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12");
    {
        char *p = strstr(cdl, "x = 3 ; y = 2 ;");
        memcpy(p, "x = 4 ; y = 3 ;", 15);
    }
    ncgen(dir, "dc", cdl, kdfile, sizeof kdfile);
    src.path = kdfile;
    zt_err_clear(&err);
    ck_assert_msg(io_domain_read(path, &src, 1, &d, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(d->has_gw, 1);
    ck_assert_float_eq(d->ditch_c[6], 7.0f); /* row 1 col 2: the 7th value */
    ck_assert_float_eq_tol(d->kd[6], 155.0f, 1e-4f);
    grid_domain_destroy(&d);
}
END_TEST

START_TEST(gw_bad_values)
{
    char dir[256], path[512];
    grid_domain *d = NULL, *g;
    zt_err err;

    tu_tmpdir("io_nc_gwbad", dir, sizeof dir);
    /* kd <= 0 in an active cell: file, variable, cell */
    g = make_gw_domain();
    g->kd[6] = 0.0f;
    write_this(g, dir, "kd0.nc", path, sizeof path);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path, "variable kd: value 0",
                  "active cell row 1 col 2 (x 200625, y 550375)");
    ck_assert_ptr_null(d);

    /* no kd (fill) in an active cell */
    g = make_gw_domain();
    g->kd[5] = NAN;
    write_this(g, dir, "kdnan.nc", path, sizeof path);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path,
                  "variable kd: missing value", "row 1 col 1");

    /* a trench depth without its resistance */
    g = make_gw_domain();
    g->trench_c[7] = NAN;
    write_this(g, dir, "trench.nc", path, sizeof path);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path,
                  "variable trench_resistance", "row 1 col 3 (x 200875, y 550375)");

    /* a negative tile depth; a negative seepage resistance; infinite phi */
    g = make_gw_domain();
    g->tile_depth[3] = -0.5f;
    write_this(g, dir, "tile.nc", path, sizeof path);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path,
                  "variable tile_depth: depth -0.5, must be >= 0", "row 0 col 3");
    g = make_gw_domain();
    g->cv[4] = -100.0f;
    write_this(g, dir, "cv.nc", path, sizeof path);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path,
                  "variable seepage_resistance: value -100", "row 1 col 0");
    g = make_gw_domain();
    g->ditch_ci[8] = INFINITY;
    write_this(g, dir, "ci.nc", path, sizeof path);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path,
                  "variable ditch_infiltration_resistance", "row 2 col 0");

    /* validation directly: deep_head not finite; inactive and fixed-head
       cells are not checked */
    g = make_gw_domain();
    g->kd[0] = -1.0f;
    g->cv[11] = -1.0f;
    zt_err_clear(&err);
    ck_assert_msg(grid_domain_validate(g, "mem", &err) == ZT_OK, "%s", err.msg);
    g->deep_head[10] = NAN;
    expect_einput(grid_domain_validate(g, "mem", &err), &err, "mem: variable deep_head",
                  "row 2 col 2", NULL);
    grid_domain_destroy(&g);
}
END_TEST

START_TEST(gw_alloc_failures)
{
    char dir[256], path[512];
    grid_domain *a = make_gw_domain(), *d = NULL, *e = NULL;
    zt_status st = ZT_ENOMEM;
    long nth;
    zt_err err;

    tu_tmpdir("io_nc_gwalloc", dir, sizeof dir);
    /* grid_domain_add_gw: a failure leaves the domain without the group */
    for (nth = 1; nth < 20 && st != ZT_OK; nth++) {
        e = make_domain();
        zt_err_clear(&err);
        zt_alloc_fail_after(nth);
        st = grid_domain_add_gw(e, &err);
        zt_alloc_fail_after(0);
        if (st != ZT_OK) {
            ck_assert_int_eq(st, ZT_ENOMEM);
            ck_assert_int_eq(e->has_gw, 0);
            ck_assert_ptr_null(e->kd);
            ck_assert_ptr_null(e->deep_head);
        }
        grid_domain_destroy(&e);
    }
    ck_assert_int_eq(st, ZT_OK);
    ck_assert_int_eq(nth, 11); /* nine arrays: the tenth allocation is not made */

    io_path_join(dir, "gw.nc", path, sizeof path);
    zt_err_clear(&err);
    ck_assert_int_eq(io_domain_write(path, a, NULL, &err), ZT_OK);
    st = ZT_ENOMEM;
    for (nth = 1; nth < 400 && st != ZT_OK; nth++) {
        zt_err_clear(&err);
        zt_alloc_fail_after(nth);
        st = io_domain_read(path, NULL, 0, &d, &err);
        zt_alloc_fail_after(0);
        if (st != ZT_OK) {
            ck_assert_msg(st == ZT_ENOMEM, "nth %ld: %s", nth, err.msg);
            ck_assert_ptr_null(d);
        }
    }
    ck_assert_int_eq(st, ZT_OK);
    same_gw(d, a);
    grid_domain_destroy(&d);
    grid_domain_destroy(&a);
}
END_TEST

/* ---- the peat thickness ------------------------------------------------- */

/*
 * make_domain() with a peat thickness: the peat cells (soil 1: k = 3, 6, 9)
 * 0.5 + 0.25 k m; the clay cell 7 1.2 m (peat under clay); the clay cell 4
 * NAN (unknown); the other active cells 0; cells 0 and 11 NAN.
 */
static grid_domain *make_peat_domain(void)
{
    grid_domain *d = make_domain();
    zt_err err;
    zt_idx k;

    zt_err_clear(&err);
    ck_assert_int_eq(grid_domain_add_peat_thickness(d, &err), ZT_OK);
    ck_assert(isnan(d->peat_thickness[0]) && isnan(d->peat_thickness[11]));
    for (k = 1; k < 11; k++) {
        d->peat_thickness[k] = d->soil[k] == ZT_SOIL_PEAT ? 0.5f + 0.25f * (float)k : 0.0f;
    }
    d->peat_thickness[7] = 1.2f;
    d->peat_thickness[4] = NAN;
    return d;
}

/* A CDL file of one variable v of type vtype on the test grid (4 x 3),
 * with the attributes vatts and the 12 values of data. */
static void cdl_tgrid(char *buf, size_t n, const char *vtype, const char *vatts,
                      const char *data)
{
    char *p;
    cdl_field(buf, n, vtype, "200125, 200375, 200625, 200875", "550125, 550375, 550625",
              rd_params_cdl, vatts, data);
    p = strstr(buf, "x = 3 ; y = 2 ;");
    ck_assert_ptr_nonnull(p);
    memcpy(p, "x = 4 ; y = 3 ;", 15);
}

START_TEST(peat_round_trip_and_attributes)
{
    char dir[256], path[512];
    grid_domain *a = make_peat_domain(), *b = NULL;
    size_t idx[2] = {1, 0}; /* row 1 col 0: cell 4, unknown */
    float fill, v;
    int ncid, vid;
    zt_idx k;
    zt_err err;

    tu_tmpdir("io_nc_peat", dir, sizeof dir);
    write_this(make_peat_domain(), dir, "peat.nc", path, sizeof path);
    zt_err_clear(&err);
    ck_assert_msg(io_domain_read(path, NULL, 0, &b, &err) == ZT_OK, "%s", err.msg);
    same_domain(b, a);
    ck_assert_int_eq(b->has_gw, 0);
    ck_assert_ptr_nonnull(b->peat_thickness);
    for (k = 0; k < 12; k++) {
        same_float(b->peat_thickness[k], a->peat_thickness[k], "peat_thickness", k);
    }
    /* hand values: cell 6 (row 1, col 2) peat, 0.5 + 0.25 x 6 = 2 m */
    ck_assert_float_eq(b->peat_thickness[6], 2.0f);
    ck_assert_float_eq(b->peat_thickness[7], 1.2f);
    ck_assert_float_eq(b->peat_thickness[1], 0.0f);
    ck_assert(isnan(b->peat_thickness[4]) && isnan(b->peat_thickness[0]));

    ck_assert_int_eq(nc_open(path, NC_NOWRITE, &ncid), NC_NOERR);
    att_is(ncid, "peat_thickness", "units", "m");
    att_is(ncid, "peat_thickness", "long_name", "thickness of the peat layer below surface");
    att_is(ncid, "peat_thickness", "grid_mapping", "crs");
    ck_assert_int_eq(nc_inq_varid(ncid, "peat_thickness", &vid), NC_NOERR);
    ck_assert_int_eq(nc_get_att_float(ncid, vid, "_FillValue", &fill), NC_NOERR);
    ck_assert_float_eq(fill, -9999.0f);
    ck_assert_int_eq(nc_get_var1_float(ncid, vid, idx, &v), NC_NOERR);
    ck_assert_float_eq(v, -9999.0f);
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
    grid_domain_destroy(&a);
    grid_domain_destroy(&b);

    /* with the groundwater group too: both optional parts written and read */
    a = make_gw_domain();
    zt_err_clear(&err);
    ck_assert_int_eq(grid_domain_add_peat_thickness(a, &err), ZT_OK);
    ck_assert_int_eq(grid_domain_add_peat_thickness(a, &err), ZT_OK); /* a no-op */
    a->peat_thickness[3] = a->peat_thickness[6] = a->peat_thickness[9] = 0.75f;
    write_this(a, dir, "gwpeat.nc", path, sizeof path);
    zt_err_clear(&err);
    ck_assert_msg(io_domain_read(path, NULL, 0, &b, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(b->has_gw, 1);
    ck_assert_float_eq(b->peat_thickness[9], 0.75f);
    ck_assert(isnan(b->peat_thickness[5]));
    grid_domain_destroy(&b);
}
END_TEST

START_TEST(peat_optional_and_replaced)
{
    char dir[256], path[512], other[512], cdl[4096];
    grid_domain *d = NULL;
    io_field_source src = {"peat_thickness", NULL, "v"};
    static const char packed[] = /* 0.01 m in shorts, -1 the fill */
        "    v:units = \"m\" ;\n    v:scale_factor = 0.01 ;\n    v:_FillValue = -1s ;\n";
    int ncid, vid;
    zt_err err;

    tu_tmpdir("io_nc_peatopt", dir, sizeof dir);
    /* a domain file without the variable reads with the field NULL */
    write_domain(dir, "nopeat.nc", path, sizeof path);
    ck_assert_int_eq(nc_open(path, NC_NOWRITE, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_inq_varid(ncid, "peat_thickness", &vid), NC_ENOTVAR);
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);
    zt_err_clear(&err);
    ck_assert_msg(io_domain_read(path, NULL, 0, &d, &err) == ZT_OK, "%s", err.msg);
    ck_assert_ptr_null(d->peat_thickness);
    grid_domain_destroy(&d);

    /* ... and a source gives it: packed shorts (0.01 m) with a fill, read
       through the common unpacking path */
    cdl_tgrid(cdl, sizeof cdl, "short",
              packed,
              "-1, 0, 0, 150, 0, 0, 275, 0, 0, 40, 0, -1");
    ncgen(dir, "packed", cdl, other, sizeof other);
    src.path = other;
    zt_err_clear(&err);
    ck_assert_msg(io_domain_read(path, &src, 1, &d, &err) == ZT_OK, "%s", err.msg);
    ck_assert_ptr_nonnull(d->peat_thickness);
    ck_assert_float_eq_tol(d->peat_thickness[3], 1.5f, 1e-6f);
    ck_assert_float_eq_tol(d->peat_thickness[6], 2.75f, 1e-6f);
    ck_assert_float_eq_tol(d->peat_thickness[9], 0.4f, 1e-6f);
    ck_assert_float_eq(d->peat_thickness[1], 0.0f);
    ck_assert(isnan(d->peat_thickness[0]) && isnan(d->peat_thickness[11]));
    grid_domain_destroy(&d);

    /* a fill in a peat cell of the source is refused by grid_domain_validate
       (which names the domain file: docs/inputs.md, "Not done") */
    cdl_tgrid(cdl, sizeof cdl, "short",
              packed,
              "-1, 0, 0, 150, 0, 0, -1, 0, 0, 40, 0, -1");
    ncgen(dir, "hole", cdl, other, sizeof other);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, &src, 1, &d, &err), &err,
                  "variable peat_thickness: no value (fill or NaN) where the soil is peat",
                  "row 1 col 2 (x 200625, y 550375)", NULL);
    ck_assert_ptr_null(d);

    /* units: cm is not m */
    cdl_tgrid(cdl, sizeof cdl, "float", "    v:units = \"cm\" ;\n",
              "0, 0, 0, 150, 0, 0, 275, 0, 0, 40, 0, 0");
    ncgen(dir, "cm", cdl, other, sizeof other);
    zt_err_clear(&err);
    expect_einput(io_domain_read(path, &src, 1, &d, &err), &err, other, "variable v",
                  "units \"cm\", expected \"m\"");
    ck_assert_ptr_null(d);
}
END_TEST

START_TEST(peat_bad_values)
{
    static const struct {
        zt_idx k;         /* cell */
        float v;          /* its thickness (m) */
        const char *why;  /* in the message */
        const char *cell; /* in the message */
    } bad[] = {
        {6, -0.1f, "variable peat_thickness: value -0.1, outside the accepted range [0, 20] m",
         "active cell row 1 col 2 (x 200625, y 550375)"},
        {3, 1e30f, "variable peat_thickness: value 1e+30, outside", "row 0 col 3"},
        {9, INFINITY, "variable peat_thickness: value inf, outside", "row 2 col 1"},
        {5, -INFINITY, "variable peat_thickness: value -inf, outside", "row 1 col 1"},
        {7, 20.5f, "variable peat_thickness: value 20.5, outside", "row 1 col 3"},
        {9, NAN, "variable peat_thickness: no value (fill or NaN) where the soil is peat",
         "active cell row 2 col 1 (x 200375, y 550625)"},
    };
    char dir[256], path[512], name[32];
    grid_domain *d = NULL, *g;
    size_t i;
    zt_err err;

    tu_tmpdir("io_nc_peatbad", dir, sizeof dir);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        g = make_peat_domain();
        g->peat_thickness[bad[i].k] = bad[i].v;
        snprintf(name, sizeof name, "bad%zu.nc", i);
        write_this(g, dir, name, path, sizeof path);
        zt_err_clear(&err);
        expect_einput(io_domain_read(path, NULL, 0, &d, &err), &err, path, bad[i].why,
                      bad[i].cell);
        ck_assert_ptr_null(d);
    }

    /* validation directly: the bounds pass; inactive and fixed-head cells
       and unknown non-peat cells are not checked */
    g = make_peat_domain();
    g->peat_thickness[3] = 0.0f;
    g->peat_thickness[6] = (float)GRID_PEAT_THICKNESS_MAX;
    g->peat_thickness[0] = -1.0f;
    g->peat_thickness[11] = INFINITY;
    g->peat_thickness[8] = NAN;
    zt_err_clear(&err);
    ck_assert_msg(grid_domain_validate(g, "mem", &err) == ZT_OK, "%s", err.msg);
    g->soil[8] = ZT_SOIL_PEAT; /* now a peat cell without a thickness */
    expect_einput(grid_domain_validate(g, "mem", &err), &err, "mem: variable peat_thickness",
                  "row 2 col 0", NULL);
    grid_domain_destroy(&g);
}
END_TEST

START_TEST(peat_alloc_failures)
{
    char dir[256], path[512];
    grid_domain *a = make_peat_domain(), *d = NULL, *e = make_domain();
    zt_status st = ZT_ENOMEM;
    long nth;
    zt_idx k;
    zt_err err;

    /* grid_domain_add_peat_thickness: a failure leaves the field NULL */
    zt_err_clear(&err);
    zt_alloc_fail_after(1);
    st = grid_domain_add_peat_thickness(e, &err);
    zt_alloc_fail_after(0);
    ck_assert_int_eq(st, ZT_ENOMEM);
    ck_assert_ptr_null(e->peat_thickness);
    ck_assert_msg(strstr(err.msg, "peat thickness"), "%s", err.msg);
    grid_domain_destroy(&e);

    tu_tmpdir("io_nc_peatalloc", dir, sizeof dir);
    io_path_join(dir, "peat.nc", path, sizeof path);
    zt_err_clear(&err);
    ck_assert_int_eq(io_domain_write(path, a, NULL, &err), ZT_OK);
    st = ZT_ENOMEM;
    for (nth = 1; nth < 400 && st != ZT_OK; nth++) {
        zt_err_clear(&err);
        zt_alloc_fail_after(nth);
        st = io_domain_read(path, NULL, 0, &d, &err);
        zt_alloc_fail_after(0);
        if (st != ZT_OK) {
            ck_assert_msg(st == ZT_ENOMEM, "nth %ld: %s", nth, err.msg);
            ck_assert_ptr_null(d);
        }
    }
    ck_assert_int_eq(st, ZT_OK);
    for (k = 0; k < 12; k++) {
        same_float(d->peat_thickness[k], a->peat_thickness[k], "peat_thickness", k);
    }
    grid_domain_destroy(&d);
    grid_domain_destroy(&a);
}
END_TEST

START_TEST(check_formats_message)
{
    zt_err err;
    zt_err_clear(&err);
    ck_assert_int_eq(io_nc_check(NC_NOERR, ZT_EIO, "a.nc", "writing", &err), ZT_OK);
    ck_assert_int_eq(err.status, ZT_OK);
    ck_assert_int_eq(io_nc_check(NC_ENOTVAR, ZT_EIO, "a.nc", "variable q", &err), ZT_EIO);
    ck_assert_str_eq(err.msg, "a.nc: variable q: NetCDF: Variable not found");
}
END_TEST

Suite *suite_io_nc(void)
{
    Suite *s = suite_create("io_nc");
    TCase *tc = tcase_create("io_nc");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, check_formats_message);
    tcase_add_test(tc, domain_round_trip);
    tcase_add_test(tc, domain_cf_attributes);
    tcase_add_test(tc, domain_gdalinfo);
    tcase_add_test(tc, field_packed_short_y_descending);
    tcase_add_test(tc, field_3d_slice_and_nan);
    tcase_add_test(tc, gdal_translate_band1);
    tcase_add_test(tc, domain_replacement_from_gdal);
    tcase_add_test(tc, crs_by_parameters);
    tcase_add_test(tc, err_missing_file);
    tcase_add_test(tc, err_not_netcdf);
    tcase_add_test(tc, err_missing_variable);
    tcase_add_test(tc, err_wrong_dims);
    tcase_add_test(tc, err_grid_mismatch);
    tcase_add_test(tc, err_wrong_crs);
    tcase_add_test(tc, err_nan_in_active_cell);
    tcase_add_test(tc, err_bad_codes_units_spacing);
    tcase_add_test(tc, alloc_failures);
    tcase_add_test(tc, gw_round_trip_and_attributes);
    tcase_add_test(tc, gw_group_optional);
    tcase_add_test(tc, gw_bad_values);
    tcase_add_test(tc, gw_alloc_failures);
    tcase_add_test(tc, peat_round_trip_and_attributes);
    tcase_add_test(tc, peat_optional_and_replaced);
    tcase_add_test(tc, peat_bad_values);
    tcase_add_test(tc, peat_alloc_failures);
    suite_add_tcase(s, tc);
    return s;
}
