/*
 * io_nc.c: NetCDF-4 / CF-1.8 grids on RD New (EPSG:28992).
 *
 * What it does:
 * - one checking path for every nc_* call (io_nc_check);
 * - the grid every gridded file shares (io_nc_def_grid, io_nc_put_grid,
 *   io_nc_put_global): the CDL of ../shared/CF_RDNEW.md §4.3 without the 2-D
 *   lat/lon auxiliary coordinates (left out to keep files small; GDAL, QGIS
 *   and pyproj place the grid from crs_wkt alone, CF_RDNEW.md §4.2);
 * - reading a 2-D or 3-D field of any numeric type (io_nc_read_field),
 *   including what `gdal_translate -of netCDF` writes;
 * - the static domain file (io_domain_read, io_domain_write), with the
 *   optional groundwater group (kd ... tile_resistance, issue 3): all nine
 *   variables or none; the optional peat_thickness on its own; NaN allowed
 *   in active cells only for the trench and tile fields, where it means "no
 *   such drains", and for the peat thickness, where it means "unknown" (not
 *   in peat cells: grid_domain_validate).
 *
 * Geometry (zt.h): a grid of nx x ny square cells of side dx (m) whose
 * south-west corner is (x0, y0) (m, RD New). Cell (row j from the south,
 * column i) has its centre at
 *     x_i = x0 + (i + 1/2) dx,   y_j = y0 + (j + 1/2) dx,
 * and bounds [x0 + i dx, x0 + (i + 1) dx], [y0 + j dx, y0 + (j + 1) dx].
 * Reading inverts this: dx = (x_{n-1} - x_0) / (n - 1) with every step
 * checked against dx within 1 mm, x0 = x_0 - dx / 2, y0 = min(y) - dx / 2.
 *
 * Values: _FillValue, missing_value (NUG / CF-1.8 §2.5.1) and NaN become
 * NAN; without a _FillValue attribute the NetCDF default fill of the type is
 * a fill too, except for bytes (NUG: "the default fill value for byte should
 * not be used"). Packed data are unpacked, v = packed * scale_factor +
 * add_offset (CF-1.8 §8.1), after the fill test on the packed value.
 *
 * Sources: CF conventions 1.8 (cfconventions.org), chapters 2.5, 4, 5.6, 8
 * and appendix F; the NetCDF Users Guide (Unidata) on attribute conventions;
 * EPSG:28992 as PROJ 9.1 gives it (parameters in CF_RDNEW.md §4.3); what
 * GDAL 3.6.2 writes, tested in tests/test_io_nc.c.
 */
#include "io_nc.h"

#include <float.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io_file.h"
#include "io_input.h"

/* Written into the `source` global attribute. */
#define IO_NC_SOURCE "zoet 0.1"

/* _FillValue of float fields (-), CF_RDNEW.md §4.3. */
#define IO_NC_FILL_FLOAT (-9999.0f)

/* Deflate level of the domain variables (-): 1 is the fastest; [E] higher
 * levels gain little on class maps. */
#define IO_NC_DEFLATE_LEVEL 1

/* Two grids are the same when nx, ny agree and x0, y0, dx agree within this
 * (m); io_nc.h fixes 1 mm. */
#define IO_NC_GRID_TOL 1e-3

/* Coordinates are evenly spaced when every step is within this of the mean
 * (m); [E], the 1 mm of the grid comparison. */
#define IO_NC_STEP_TOL 1e-3

const char io_rdnew_wkt[] =
    "PROJCS[\"Amersfoort / RD New\",GEOGCS[\"Amersfoort\",DATUM[\"Amersfoort\","
    "SPHEROID[\"Bessel 1841\",6377397.155,299.1528128,AUTHORITY[\"EPSG\",\"7004\"]],"
    "AUTHORITY[\"EPSG\",\"6289\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
    "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
    "AUTHORITY[\"EPSG\",\"4289\"]],PROJECTION[\"Oblique_Stereographic\"],"
    "PARAMETER[\"latitude_of_origin\",52.1561605555556],"
    "PARAMETER[\"central_meridian\",5.38763888888889],"
    "PARAMETER[\"scale_factor\",0.9999079],PARAMETER[\"false_easting\",155000],"
    "PARAMETER[\"false_northing\",463000],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],"
    "AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"28992\"]]";

/*
 * The RD New parameters as CF attributes (EPSG:28992 via PROJ 9.1,
 * CF_RDNEW.md §4.3): all written to `crs`, and checked when a file's grid
 * mapping has no WKT. `alt` is GDAL's name for the same parameter. The
 * tolerances are [E]: 1e-6 degree is about 0.1 m on the ground.
 */
static const struct rd_param {
    const char *name; /* CF attribute */
    const char *alt;  /* GDAL's attribute name, or NULL */
    double value;     /* value (degrees, -, m or -) */
    double tol;       /* accepted difference, same unit */
} rd_params[] = {
    {"latitude_of_projection_origin", NULL, 52.15616055555555, 1e-6},  /* deg */
    {"longitude_of_projection_origin", "longitude_of_central_meridian", 5.38763888888889,
     1e-6},                                                            /* deg */
    {"longitude_of_central_meridian", NULL, 5.38763888888889, 1e-6},   /* deg, GDAL's */
    {"scale_factor_at_projection_origin", "scale_factor_at_central_meridian", 0.9999079,
     1e-9},                                                            /* - */
    {"false_easting", NULL, 155000.0, 1e-3},                           /* m */
    {"false_northing", NULL, 463000.0, 1e-3},                          /* m */
    {"semi_major_axis", NULL, 6377397.155, 1e-3},                      /* m, Bessel 1841 */
    {"inverse_flattening", NULL, 299.1528128, 1e-6},                   /* -, Bessel 1841 */
    {"longitude_of_prime_meridian", NULL, 0.0, 1e-9},                  /* deg */
};

/* ======================================================================== */
/* Checking path and small helpers                                          */
/* ======================================================================== */

zt_status io_nc_check(int ncret, zt_status st, const char *file, const char *what, zt_err *err)
{
    if (ncret == NC_NOERR) {
        return ZT_OK;
    }
    return zt_fail(err, st, "%s: %s: %s", file, what, nc_strerror(ncret));
}

/* Put a text attribute; ZT_EIO naming file, variable and attribute. */
static zt_status put_text(int ncid, int varid, const char *vname, const char *att,
                          const char *text, const char *path, zt_err *err)
{
    char what[256];
    snprintf(what, sizeof what, "writing attribute %s:%s", vname, att);
    return io_nc_check(nc_put_att_text(ncid, varid, att, strlen(text), text), ZT_EIO, path, what,
                       err);
}

/* Put a double attribute; ZT_EIO naming file, variable and attribute. */
static zt_status put_double(int ncid, int varid, const char *vname, const char *att,
                            double value, const char *path, zt_err *err)
{
    char what[256];
    snprintf(what, sizeof what, "writing attribute %s:%s", vname, att);
    return io_nc_check(nc_put_att_double(ncid, varid, att, NC_DOUBLE, 1, &value), ZT_EIO, path,
                       what, err);
}

/*
 * Read a text attribute (NC_CHAR, or one NC_STRING) into a new string;
 * *out is NULL when the attribute does not exist (returned to the caller,
 * zt_free). ZT_EINPUT when it is not text, ZT_ENOMEM.
 */
static zt_status get_text(int ncid, int varid, const char *vname, const char *att,
                          const char *path, char **out, zt_err *err)
{
    nc_type type;
    size_t len;
    int ret;
    char *s = NULL;
    zt_status st = ZT_OK;

    *out = NULL;
    ret = nc_inq_att(ncid, varid, att, &type, &len);
    if (ret == NC_ENOTATT) {
        return ZT_OK;
    }
    if (ret != NC_NOERR) {
        char what[256];
        snprintf(what, sizeof what, "variable %s: attribute %s", vname, att);
        return io_nc_check(ret, ZT_EINPUT, path, what, err);
    }
    if (type == NC_CHAR) {
        s = zt_malloc(len + 1);
        if (!s) {
            st = zt_fail(err, ZT_ENOMEM, "%s: variable %s: out of memory for attribute %s", path,
                         vname, att);
            goto done;
        }
        ret = nc_get_att_text(ncid, varid, att, s);
        s[len] = '\0';
    } else if (type == NC_STRING && len == 1) {
        char *tmp = NULL;
        ret = nc_get_att_string(ncid, varid, att, &tmp);
        if (ret == NC_NOERR) {
            size_t n = tmp ? strlen(tmp) : 0;
            s = zt_malloc(n + 1);
            if (s) {
                memcpy(s, tmp ? tmp : "", n + 1);
            }
            nc_free_string(1, &tmp);
            if (!s) {
                st = zt_fail(err, ZT_ENOMEM, "%s: variable %s: out of memory for attribute %s",
                             path, vname, att);
                goto done;
            }
        }
    } else {
        st = zt_fail(err, ZT_EINPUT, "%s: variable %s: attribute %s is not text", path, vname,
                     att);
        goto done;
    }
    if (ret != NC_NOERR) {
        char what[256];
        snprintf(what, sizeof what, "variable %s: reading attribute %s", vname, att);
        st = io_nc_check(ret, ZT_EINPUT, path, what, err);
        goto done;
    }
    *out = s;
    s = NULL;
done:
    zt_free(s);
    return st;
}

/* "(time, y, x)" for the dimensions of a variable, into buf (size n). */
static const char *dims_text(int ncid, int ndims, const int *dimids, char *buf, size_t n)
{
    size_t used = 0;
    int i;

    used += (size_t)snprintf(buf, n, "(");
    for (i = 0; i < ndims && used < n; i++) {
        char name[NC_MAX_NAME + 1] = "?";
        (void)nc_inq_dimname(ncid, dimids[i], name);
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", name);
    }
    if (used < n) {
        snprintf(buf + used, n - used, ")");
    }
    return buf;
}

/* ======================================================================== */
/* Writing the grid                                                         */
/* ======================================================================== */

/* Define dimension `name` of length len, or check the one already there. */
static zt_status def_dim(int ncid, const char *name, size_t len, const char *path, int *id,
                         zt_err *err)
{
    char what[128];
    size_t have;
    int ret = nc_inq_dimid(ncid, name, id);

    snprintf(what, sizeof what, "defining dimension %s", name);
    if (ret == NC_EBADDIM) {
        return io_nc_check(nc_def_dim(ncid, name, len, id), ZT_EIO, path, what, err);
    }
    if (ret == NC_NOERR) {
        ret = nc_inq_dimlen(ncid, *id, &have);
    }
    if (ret != NC_NOERR) {
        return io_nc_check(ret, ZT_EIO, path, what, err);
    }
    if (have != len) {
        return zt_fail(err, ZT_EINTERNAL, "%s: dimension %s exists with length %zu, grid needs %zu",
                       path, name, have, len);
    }
    return ZT_OK;
}

/* Define a coordinate variable and its bounds (axis "x" or "y"). */
static zt_status def_coord(int ncid, const char *axis, int dim, int dimnv, const char *path,
                           zt_err *err)
{
    char bname[16], what[64], std[64];
    int vid, bid, bdims[2];
    int is_x = axis[0] == 'x';
    zt_status st;

    snprintf(bname, sizeof bname, "%s_bnds", axis);
    snprintf(std, sizeof std, "projection_%s_coordinate", axis);
    snprintf(what, sizeof what, "defining variable %s", axis);
    if ((st = io_nc_check(nc_def_var(ncid, axis, NC_DOUBLE, 1, &dim, &vid), ZT_EIO, path, what,
                          err)) != ZT_OK ||
        (st = put_text(ncid, vid, axis, "standard_name", std, path, err)) != ZT_OK ||
        (st = put_text(ncid, vid, axis, "long_name",
                       is_x ? "x coordinate of projection (RD New easting)"
                            : "y coordinate of projection (RD New northing)",
                       path, err)) != ZT_OK ||
        (st = put_text(ncid, vid, axis, "units", "m", path, err)) != ZT_OK ||
        (st = put_text(ncid, vid, axis, "axis", is_x ? "X" : "Y", path, err)) != ZT_OK ||
        (st = put_text(ncid, vid, axis, "bounds", bname, path, err)) != ZT_OK) {
        return st;
    }
    bdims[0] = dim;
    bdims[1] = dimnv;
    snprintf(what, sizeof what, "defining variable %s", bname);
    return io_nc_check(nc_def_var(ncid, bname, NC_DOUBLE, 2, bdims, &bid), ZT_EIO, path, what,
                       err);
}

int io_nc_put_text(int ncid, int varid, const char *name, const char *text)
{
    return nc_put_att_text(ncid, varid, name, strlen(text), text);
}

zt_status io_nc_close_part(int ncid, const char *final, zt_status st, zt_err *err)
{
    if (ncid >= 0) {
        int r = nc_close(ncid);
        if (st == ZT_OK) {
            st = io_nc_check(r, ZT_EIO, final, "closing", err);
        }
    }
    if (st == ZT_OK) {
        st = io_part_commit(final, err);
    }
    if (st != ZT_OK) {
        io_part_discard(final);
    }
    return st;
}

zt_status io_nc_def_grid(int ncid, const zt_grid *g, const char *path, int *dimy, int *dimx,
                         zt_err *err)
{
    int dimnv, crs;
    size_t i;
    zt_status st;

    if ((st = def_dim(ncid, "y", (size_t)g->ny, path, dimy, err)) != ZT_OK ||
        (st = def_dim(ncid, "x", (size_t)g->nx, path, dimx, err)) != ZT_OK ||
        (st = def_dim(ncid, "nv", 2, path, &dimnv, err)) != ZT_OK ||
        (st = def_coord(ncid, "x", *dimx, dimnv, path, err)) != ZT_OK ||
        (st = def_coord(ncid, "y", *dimy, dimnv, path, err)) != ZT_OK) {
        return st;
    }
    if ((st = io_nc_check(nc_def_var(ncid, "crs", NC_INT, 0, NULL, &crs), ZT_EIO, path,
                          "defining variable crs", err)) != ZT_OK ||
        (st = put_text(ncid, crs, "crs", "grid_mapping_name", "oblique_stereographic", path,
                       err)) != ZT_OK) {
        return st;
    }
    for (i = 0; i < sizeof rd_params / sizeof rd_params[0]; i++) {
        if ((st = put_double(ncid, crs, "crs", rd_params[i].name, rd_params[i].value, path,
                             err)) != ZT_OK) {
            return st;
        }
    }
    if ((st = put_text(ncid, crs, "crs", "projected_crs_name", "Amersfoort / RD New", path,
                       err)) != ZT_OK ||
        (st = put_text(ncid, crs, "crs", "geographic_crs_name", "Amersfoort", path, err)) !=
            ZT_OK ||
        (st = put_text(ncid, crs, "crs", "horizontal_datum_name", "Amersfoort", path, err)) !=
            ZT_OK ||
        (st = put_text(ncid, crs, "crs", "reference_ellipsoid_name", "Bessel 1841", path, err)) !=
            ZT_OK ||
        (st = put_text(ncid, crs, "crs", "crs_wkt", io_rdnew_wkt, path, err)) != ZT_OK ||
        (st = put_text(ncid, crs, "crs", "spatial_ref", io_rdnew_wkt, path, err)) != ZT_OK) {
        return st;
    }
    return ZT_OK;
}

/* Write centres and bounds of one axis: n cells of size dx (m) from edge e0 (m). */
static zt_status put_axis(int ncid, const char *axis, zt_idx n, double e0, double dx,
                          const char *path, zt_err *err)
{
    double *c = NULL; /* centres (m) */
    double *b = NULL; /* bounds (m), n x 2 */
    char bname[16], what[64];
    int vid, bid, ret;
    zt_idx i;
    zt_status st = ZT_OK;

    c = zt_malloc((size_t)n * sizeof *c);
    b = zt_malloc((size_t)n * 2 * sizeof *b);
    if (!c || !b) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory for coordinate %s", path, axis);
        goto done;
    }
    for (i = 0; i < n; i++) {
        c[i] = e0 + ((double)i + 0.5) * dx;
        b[2 * i] = e0 + (double)i * dx;
        b[2 * i + 1] = e0 + (double)(i + 1) * dx;
    }
    snprintf(bname, sizeof bname, "%s_bnds", axis);
    snprintf(what, sizeof what, "writing variable %s", axis);
    ret = nc_inq_varid(ncid, axis, &vid);
    if (ret == NC_NOERR) {
        ret = nc_put_var_double(ncid, vid, c);
    }
    if ((st = io_nc_check(ret, ZT_EIO, path, what, err)) != ZT_OK) {
        goto done;
    }
    snprintf(what, sizeof what, "writing variable %s", bname);
    ret = nc_inq_varid(ncid, bname, &bid);
    if (ret == NC_NOERR) {
        ret = nc_put_var_double(ncid, bid, b);
    }
    st = io_nc_check(ret, ZT_EIO, path, what, err);
done:
    zt_free(c);
    zt_free(b);
    return st;
}

zt_status io_nc_put_grid(int ncid, const zt_grid *g, const char *path, zt_err *err)
{
    zt_status st = put_axis(ncid, "x", g->nx, g->x0, g->dx, path, err);
    if (st != ZT_OK) {
        return st;
    }
    return put_axis(ncid, "y", g->ny, g->y0, g->dx, path, err);
}

zt_status io_nc_put_global(int ncid, const char *path, const char *title, const char *history,
                           zt_err *err)
{
    char hist[128];
    zt_status st;

    if (!history) {
        /* SOURCE_DATE_EPOCH (reproducible-builds.org) fixes the time, so
         * that two runs can give the same bytes. */
        const char *sde = getenv("SOURCE_DATE_EPOCH");
        time_t now = (sde && *sde) ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
        struct tm tmv;
        char stamp[32] = "unknown time";
        if (gmtime_r(&now, &tmv)) {
            strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tmv);
        }
        snprintf(hist, sizeof hist, "%s: created by %s", stamp, IO_NC_SOURCE);
        history = hist;
    }
    if ((st = put_text(ncid, NC_GLOBAL, "global", "Conventions", "CF-1.8", path, err)) != ZT_OK ||
        (st = put_text(ncid, NC_GLOBAL, "global", "title",
                       title ? title : "zoet water balance, Noord-Nederland", path, err)) !=
            ZT_OK ||
        (st = put_text(ncid, NC_GLOBAL, "global", "institution", "zoet", path, err)) != ZT_OK ||
        (st = put_text(ncid, NC_GLOBAL, "global", "source", IO_NC_SOURCE, path, err)) != ZT_OK ||
        (st = put_text(ncid, NC_GLOBAL, "global", "history", history, path, err)) != ZT_OK ||
        (st = put_text(ncid, NC_GLOBAL, "global", "references",
                       "zoet docs/io.md and docs/ (model description); CF conventions 1.8 "
                       "(cfconventions.org); grid on EPSG:28992 Amersfoort / RD New",
                       path, err)) != ZT_OK) {
        return st;
    }
    return ZT_OK;
}

/* ======================================================================== */
/* Reading the grid and checking the CRS                                    */
/* ======================================================================== */

/* A copy of s without blanks, into a new string (zt_free); NULL on no memory. */
static char *squeeze(const char *s)
{
    char *t = zt_malloc(strlen(s) + 1), *q = t;
    if (!t) {
        return NULL;
    }
    for (; *s; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
            *q++ = *s;
        }
    }
    *q = '\0';
    return t;
}

/* The first quoted name of a WKT, into buf (size n), for messages. */
static const char *wkt_name(const char *wkt, char *buf, size_t n)
{
    const char *a = strchr(wkt, '"'), *b = a ? strchr(a + 1, '"') : NULL;
    size_t len;
    if (!a || !b) {
        snprintf(buf, n, "(no name)");
        return buf;
    }
    len = (size_t)(b - a - 1);
    if (len > n - 1) {
        len = n - 1;
    }
    memcpy(buf, a + 1, len);
    buf[len] = '\0';
    return buf;
}

/* Message head for a wrong CRS; the caller appends the reason. */
#define NOT_RD "grid mapping is not RD New (EPSG:28992)"

/*
 * Check the grid mapping of variable `vname` (varid): RD New by WKT, or by
 * its CF parameters when it has no WKT. ZT_EINPUT otherwise.
 */
static zt_status check_crs(int ncid, int varid, const char *vname, const char *path, zt_err *err)
{
    char *gm = NULL, *wkt = NULL, *flat = NULL, *gmname = NULL;
    char crsname[NC_MAX_NAME + 1];
    int crsid;
    size_t i, len;
    zt_status st;

    if ((st = get_text(ncid, varid, vname, "grid_mapping", path, &gm, err)) != ZT_OK) {
        goto done;
    }
    if (!gm) {
        st = zt_fail(err, ZT_EINPUT, "%s: variable %s: " NOT_RD ": it has no grid_mapping attribute",
                     path, vname);
        goto done;
    }
    /* CF-1.7 also allows "crs: x y"; the variable is the first word. */
    len = strcspn(gm + strspn(gm, " "), " :");
    if (len > NC_MAX_NAME) {
        len = NC_MAX_NAME;
    }
    memcpy(crsname, gm + strspn(gm, " "), len);
    crsname[len] = '\0';
    if (nc_inq_varid(ncid, crsname, &crsid) != NC_NOERR) {
        st = zt_fail(err, ZT_EINPUT,
                     "%s: variable %s: " NOT_RD ": grid-mapping variable '%s' not found", path,
                     vname, crsname);
        goto done;
    }
    if ((st = get_text(ncid, crsid, crsname, "crs_wkt", path, &wkt, err)) != ZT_OK) {
        goto done;
    }
    if (!wkt && (st = get_text(ncid, crsid, crsname, "spatial_ref", path, &wkt, err)) != ZT_OK) {
        goto done;
    }
    if (wkt) {
        char name[96];
        flat = squeeze(wkt);
        if (!flat) {
            st = zt_fail(err, ZT_ENOMEM, "%s: variable %s: out of memory", path, crsname);
            goto done;
        }
        if (strstr(flat, "AUTHORITY[\"EPSG\",\"28992\"]") || strstr(flat, "ID[\"EPSG\",28992]") ||
            strstr(wkt, "RD New")) {
            st = ZT_OK;
        } else {
            st = zt_fail(err, ZT_EINPUT, "%s: variable %s: " NOT_RD ": the WKT of '%s' names \"%s\"",
                         path, vname, crsname, wkt_name(wkt, name, sizeof name));
        }
        goto done;
    }
    /* No WKT: the CF parameters must be those of RD New. */
    if ((st = get_text(ncid, crsid, crsname, "grid_mapping_name", path, &gmname, err)) != ZT_OK) {
        goto done;
    }
    if (!gmname || strcmp(gmname, "oblique_stereographic") != 0) {
        st = zt_fail(err, ZT_EINPUT,
                     "%s: variable %s: " NOT_RD ": '%s' has no WKT and grid_mapping_name \"%s\"",
                     path, vname, crsname, gmname ? gmname : "(none)");
        goto done;
    }
    for (i = 0; i < sizeof rd_params / sizeof rd_params[0]; i++) {
        const struct rd_param *p = &rd_params[i];
        double v = NAN;
        int ret = nc_get_att_double(ncid, crsid, p->name, &v);
        if (ret == NC_ENOTATT && p->alt) {
            ret = nc_get_att_double(ncid, crsid, p->alt, &v);
        }
        if (ret == NC_ENOTATT && p->value == 0.0) {
            continue; /* a prime meridian of 0 may be left out */
        }
        if (ret == NC_ENOTATT && strcmp(p->name, "longitude_of_central_meridian") == 0) {
            continue; /* GDAL's name; checked through longitude_of_projection_origin */
        }
        if (ret != NC_NOERR || !(fabs(v - p->value) <= p->tol)) {
            st = zt_fail(err, ZT_EINPUT,
                         "%s: variable %s: " NOT_RD ": '%s' has no WKT and its %s is %s%.10g "
                         "(RD New: %.10g)",
                         path, vname, crsname, p->name, ret == NC_NOERR ? "" : "missing ",
                         ret == NC_NOERR ? v : 0.0, p->value);
            goto done;
        }
    }
    st = ZT_OK;
done:
    zt_free(gm);
    zt_free(wkt);
    zt_free(flat);
    zt_free(gmname);
    return st;
}

/*
 * One axis of a variable: the coordinate variable of dimension dimid, its
 * values (read as double) and the signed step (m). *known is 0 when the
 * axis has one cell and no bounds to tell its size.
 */
static zt_status read_axis(int ncid, int dimid, const char *vname, const char *path,
                           double *first, double *step, size_t *n, int *known, zt_err *err)
{
    char dname[NC_MAX_NAME + 1], what[NC_MAX_NAME * 2 + 64];
    double *c = NULL; /* coordinates (m) */
    double tol;       /* accepted deviation of a step (m) */
    int cid, cdims[NC_MAX_VAR_DIMS], cnd, ret;
    nc_type ctype;
    size_t i, len;
    char *bname = NULL;
    zt_status st = ZT_OK;

    *known = 0;
    ret = nc_inq_dimname(ncid, dimid, dname);
    if (ret == NC_NOERR) {
        ret = nc_inq_dimlen(ncid, dimid, &len);
    }
    if ((st = io_nc_check(ret, ZT_EINPUT, path, "reading dimensions", err)) != ZT_OK) {
        goto done;
    }
    if (nc_inq_varid(ncid, dname, &cid) != NC_NOERR ||
        nc_inq_var(ncid, cid, NULL, &ctype, &cnd, cdims, NULL) != NC_NOERR || cnd != 1 ||
        cdims[0] != dimid) {
        st = zt_fail(err, ZT_EINPUT, "%s: variable %s: no coordinate variable %s(%s)", path, vname,
                     dname, dname);
        goto done;
    }
    if (len == 0) {
        st = zt_fail(err, ZT_EINPUT, "%s: variable %s: dimension %s is empty", path, vname, dname);
        goto done;
    }
    c = zt_malloc(len * sizeof *c);
    if (!c) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory for coordinate %s", path, dname);
        goto done;
    }
    snprintf(what, sizeof what, "reading coordinate %s", dname);
    if ((st = io_nc_check(nc_get_var_double(ncid, cid, c), ZT_EINPUT, path, what, err)) !=
        ZT_OK) {
        goto done;
    }
    *n = len;
    *first = c[0];
    if (len >= 2) {
        double maxabs = fmax(fabs(c[0]), fabs(c[len - 1]));
        *step = (c[len - 1] - c[0]) / (double)(len - 1);
        /* float coordinates carry about 7 digits: allow a few ulps more */
        tol = IO_NC_STEP_TOL + (ctype == NC_FLOAT ? 4.0 * FLT_EPSILON * maxabs : 0.0);
        for (i = 0; i + 1 < len; i++) {
            if (!(fabs(c[i + 1] - c[i] - *step) <= tol)) {
                st = zt_fail(err, ZT_EINPUT,
                             "%s: variable %s: coordinate %s is not evenly spaced (step %.6g m "
                             "at index %zu, mean %.6g m)",
                             path, vname, dname, c[i + 1] - c[i], i, *step);
                goto done;
            }
        }
        *known = 1;
    } else if ((st = get_text(ncid, cid, dname, "bounds", path, &bname, err)) == ZT_OK && bname) {
        double b[2];
        int bid;
        size_t start[2] = {0, 0}, count[2] = {1, 2};
        ret = nc_inq_varid(ncid, bname, &bid);
        if (ret == NC_NOERR) {
            ret = nc_get_vara_double(ncid, bid, start, count, b);
        }
        snprintf(what, sizeof what, "reading bounds %s", bname);
        if ((st = io_nc_check(ret, ZT_EINPUT, path, what, err)) != ZT_OK) {
            goto done;
        }
        *step = b[1] - b[0];
        *known = 1;
    }
done:
    zt_free(c);
    zt_free(bname);
    return st;
}

zt_status io_nc_read_grid(int ncid, int varid, const char *path, zt_grid *g, int *y_descending,
                          zt_err *err)
{
    char vname[NC_MAX_NAME + 1] = "?", dims[256], ydim[NC_MAX_NAME + 1], xdim[NC_MAX_NAME + 1];
    int nd, dimids[NC_MAX_VAR_DIMS], kx, ky;
    double x1, y1, sx = 0.0, sy = 0.0; /* first centre and signed step (m) */
    double dx;                         /* cell size (m) */
    size_t nx = 0, ny = 0;
    zt_status st;

    if ((st = io_nc_check(nc_inq_var(ncid, varid, vname, NULL, &nd, dimids, NULL), ZT_EINPUT,
                          path, "reading a variable", err)) != ZT_OK) {
        return st;
    }
    if (nd < 2) {
        return zt_fail(err, ZT_EINPUT, "%s: variable %s: expected dimensions (y, x), found %s",
                       path, vname, dims_text(ncid, nd, dimids, dims, sizeof dims));
    }
    /* A transposed (x, y) variable would be read wrongly: refuse it. */
    if (nc_inq_dimname(ncid, dimids[nd - 2], ydim) != NC_NOERR ||
        nc_inq_dimname(ncid, dimids[nd - 1], xdim) != NC_NOERR || strcmp(ydim, "x") == 0 ||
        strcmp(xdim, "y") == 0) {
        return zt_fail(err, ZT_EINPUT, "%s: variable %s: expected dimensions (y, x), found %s",
                       path, vname, dims_text(ncid, nd, dimids, dims, sizeof dims));
    }
    if ((st = read_axis(ncid, dimids[nd - 1], vname, path, &x1, &sx, &nx, &kx, err)) != ZT_OK ||
        (st = read_axis(ncid, dimids[nd - 2], vname, path, &y1, &sy, &ny, &ky, err)) != ZT_OK) {
        return st;
    }
    if (!kx && !ky) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: variable %s: cannot tell the cell size of a 1 x 1 grid without "
                       "x_bnds or y_bnds",
                       path, vname);
    }
    if (!kx) {
        sx = fabs(sy);
    }
    if (!ky) {
        sy = sx;
    }
    if (!(sx > 0.0)) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: variable %s: x coordinates must increase (step %.6g m)", path, vname,
                       sx);
    }
    dx = sx;
    if (!(fabs(fabs(sy) - sx) <= IO_NC_GRID_TOL)) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: variable %s: cells are not square (dx %.6g m, dy %.6g m)", path, vname,
                       sx, fabs(sy));
    }
    g->nx = (zt_idx)nx;
    g->ny = (zt_idx)ny;
    g->dx = dx;
    g->x0 = x1 - 0.5 * dx;
    /* the southernmost centre is the first (ascending) or the last (descending) */
    g->y0 = (sy < 0.0 ? y1 + sy * (double)(ny - 1) : y1) - 0.5 * dx;
    *y_descending = sy < 0.0;
    return check_crs(ncid, varid, vname, path, err);
}

/* ======================================================================== */
/* Reading fields                                                           */
/* ======================================================================== */

/*
 * Find variable `var` and check its shape: (y, x), or (time, y, x) with t in
 * range when allow3d. *varid and *ndims are set.
 */
static zt_status find_var(int ncid, const char *path, const char *var, int allow3d, size_t t,
                          int *varid, int *ndims, zt_err *err)
{
    int dimids[NC_MAX_VAR_DIMS];
    nc_type type;
    char dims[256];
    int ret = nc_inq_varid(ncid, var, varid);

    if (ret == NC_ENOTVAR) {
        return zt_fail(err, ZT_EINPUT, "%s: variable '%s' not found", path, var);
    }
    if (ret == NC_NOERR) {
        ret = nc_inq_var(ncid, *varid, NULL, &type, ndims, dimids, NULL);
    }
    if (ret != NC_NOERR) {
        char what[NC_MAX_NAME + 32];
        snprintf(what, sizeof what, "variable %s", var);
        return io_nc_check(ret, ZT_EINPUT, path, what, err);
    }
    if (!(*ndims == 2 || (allow3d && *ndims == 3))) {
        return zt_fail(err, ZT_EINPUT, "%s: variable %s: expected dimensions (y, x)%s, found %s",
                       path, var, allow3d ? " or (time, y, x)" : "",
                       dims_text(ncid, *ndims, dimids, dims, sizeof dims));
    }
    if (type == NC_CHAR || type == NC_STRING || type > NC_STRING) {
        return zt_fail(err, ZT_EINPUT, "%s: variable %s: not numeric (NetCDF type %d)", path, var,
                       (int)type);
    }
    if (*ndims == 3) {
        size_t nt = 0;
        if ((ret = nc_inq_dimlen(ncid, dimids[0], &nt)) != NC_NOERR) {
            return io_nc_check(ret, ZT_EINPUT, path, "reading dimensions", err);
        }
        if (t >= nt) {
            return zt_fail(err, ZT_EINPUT,
                           "%s: variable %s: time index %zu outside the %zu steps of the file",
                           path, var, t, nt);
        }
    }
    return ZT_OK;
}

/* nx ny x0 y0 dx of a grid, for messages. */
static const char *grid_text(const zt_grid *g, char *buf, size_t n)
{
    snprintf(buf, n, "%lld %lld %.3f %.3f %.3f", (long long)g->nx, (long long)g->ny, g->x0, g->y0,
             g->dx);
    return buf;
}

static int grid_same(const zt_grid *a, const zt_grid *b)
{
    return a->nx == b->nx && a->ny == b->ny && fabs(a->x0 - b->x0) <= IO_NC_GRID_TOL &&
           fabs(a->y0 - b->y0) <= IO_NC_GRID_TOL && fabs(a->dx - b->dx) <= IO_NC_GRID_TOL;
}

/* Synonyms of a unit (UDUNITS spellings); the first of a row is ours. */
static const char *const unit_rows[][6] = {
    {"m", "meter", "metre", "meters", "metres", NULL},
    {"mm d-1", "mm/d", "mm/day", "mm day-1", NULL, NULL},
    {"mm", "millimeter", "millimetre", "millimeters", "millimetres", NULL},
    {"m2 d-1", "m2/d", "m2/day", "m2 day-1", "m^2/d", "m2.d-1"},
    {"d", "day", "days", NULL, NULL, NULL},
};

static int unit_matches(const char *have, const char *want)
{
    size_t r, c, len;
    char buf[64];

    /* trim blanks around `have` */
    have += strspn(have, " ");
    len = strlen(have);
    while (len > 0 && have[len - 1] == ' ') {
        len--;
    }
    if (len >= sizeof buf) {
        return 0;
    }
    memcpy(buf, have, len);
    buf[len] = '\0';
    if (strcmp(buf, want) == 0) {
        return 1;
    }
    for (r = 0; r < sizeof unit_rows / sizeof unit_rows[0]; r++) {
        int want_in = 0, have_in = 0;
        for (c = 0; c < 6 && unit_rows[r][c]; c++) {
            want_in |= strcmp(unit_rows[r][c], want) == 0;
            have_in |= strcmp(unit_rows[r][c], buf) == 0;
        }
        if (want_in && have_in) {
            return 1;
        }
    }
    return 0;
}

/*
 * The units attribute of a variable must match `units`. A file written by
 * GDAL (global attribute GDAL) has none on its bands; that is accepted.
 */
static zt_status check_units(int ncid, int varid, const char *var, const char *path,
                             const char *units, zt_err *err)
{
    char *have = NULL;
    size_t len;
    zt_status st;

    if (!units) {
        return ZT_OK;
    }
    if ((st = get_text(ncid, varid, var, "units", path, &have, err)) != ZT_OK) {
        return st;
    }
    if (!have) {
        if (nc_inq_attlen(ncid, NC_GLOBAL, "GDAL", &len) == NC_NOERR) {
            return ZT_OK;
        }
        return zt_fail(err, ZT_EINPUT, "%s: variable %s: no units attribute (expected \"%s\")",
                       path, var, units);
    }
    if (!unit_matches(have, units)) {
        st = zt_fail(err, ZT_EINPUT, "%s: variable %s: units \"%s\", expected \"%s\"", path, var,
                     have, units);
    }
    zt_free(have);
    return st;
}

/* The NetCDF default fill of a type, as double; 0 for bytes (not used). */
static int default_fill(nc_type type, double *v)
{
    switch (type) {
    case NC_SHORT: *v = NC_FILL_SHORT; return 1;
    case NC_INT: *v = NC_FILL_INT; return 1;
    case NC_FLOAT: *v = NC_FILL_FLOAT; return 1;
    case NC_DOUBLE: *v = NC_FILL_DOUBLE; return 1;
    case NC_USHORT: *v = NC_FILL_USHORT; return 1;
    case NC_UINT: *v = NC_FILL_UINT; return 1;
    case NC_INT64: *v = (double)NC_FILL_INT64; return 1;
    case NC_UINT64: *v = (double)NC_FILL_UINT64; return 1;
    default: return 0;
    }
}

/* Read a numeric attribute of up to `max` values as double; *n = 0 when absent. */
static zt_status get_doubles(int ncid, int varid, const char *var, const char *att,
                             const char *path, double *v, size_t max, size_t *n, zt_err *err)
{
    double tmp[IO_NC_MAX_MISSING];
    char what[NC_MAX_NAME * 2 + 32];
    nc_type type;
    size_t len;
    int ret = nc_inq_att(ncid, varid, att, &type, &len);

    *n = 0;
    if (ret == NC_ENOTATT) {
        return ZT_OK;
    }
    snprintf(what, sizeof what, "variable %s: attribute %s", var, att);
    if (ret == NC_NOERR && (type == NC_CHAR || type == NC_STRING)) {
        return zt_fail(err, ZT_EINPUT, "%s: %s is text, expected a number", path, what);
    }
    if (ret == NC_NOERR && len > IO_NC_MAX_MISSING) {
        return zt_fail(err, ZT_EINPUT, "%s: %s has %zu values, at most %d are read", path, what,
                       len, IO_NC_MAX_MISSING);
    }
    if (ret == NC_NOERR) {
        ret = nc_get_att_double(ncid, varid, att, tmp);
    }
    if (ret != NC_NOERR) {
        return io_nc_check(ret, ZT_EINPUT, path, what, err);
    }
    if (len > max) {
        len = max;
    }
    memcpy(v, tmp, len * sizeof *v);
    *n = len;
    return ZT_OK;
}

zt_status io_nc_unpack_init(int ncid, int varid, const char *path, const char *var,
                            io_nc_unpack *u, zt_err *err)
{
    size_t nfill = 0, nmiss = 0, nsc = 0, noff = 0;
    nc_type type;
    zt_status st;

    u->scale = 1.0;
    u->offset = 0.0;
    u->nfill = 0;
    if ((st = io_nc_check(nc_inq_vartype(ncid, varid, &type), ZT_EINPUT, path, "variable type",
                          err)) != ZT_OK ||
        (st = get_doubles(ncid, varid, var, "_FillValue", path, u->fills, 1, &nfill, err)) !=
            ZT_OK ||
        (st = get_doubles(ncid, varid, var, "missing_value", path, u->fills + nfill,
                          IO_NC_MAX_MISSING, &nmiss, err)) != ZT_OK ||
        (st = get_doubles(ncid, varid, var, "scale_factor", path, &u->scale, 1, &nsc, err)) !=
            ZT_OK ||
        (st = get_doubles(ncid, varid, var, "add_offset", path, &u->offset, 1, &noff, err)) !=
            ZT_OK) {
        return st;
    }
    if (nfill == 0 && default_fill(type, &u->fills[nmiss])) {
        nmiss++;
    }
    u->nfill = nfill + nmiss;
    return ZT_OK;
}

zt_status io_nc_read_unpacked(int ncid, int varid, const char *path, const char *var,
                              const size_t *start, const size_t *count, double *out,
                              zt_err *err)
{
    io_nc_unpack u;
    char what[NC_MAX_NAME + 32];
    size_t n = 1, i, f;
    int nd, d;
    zt_status st;

    if ((st = io_nc_unpack_init(ncid, varid, path, var, &u, err)) != ZT_OK ||
        (st = io_nc_check(nc_inq_varndims(ncid, varid, &nd), ZT_EINPUT, path, var, err)) !=
            ZT_OK) {
        return st;
    }
    for (d = 0; d < nd; d++) {
        n *= count[d];
    }
    snprintf(what, sizeof what, "variable %s: reading values", var);
    if ((st = io_nc_check(nc_get_vara_double(ncid, varid, start, count, out), ZT_EINPUT, path,
                          what, err)) != ZT_OK) {
        return st;
    }
    for (i = 0; i < n; i++) {
        int isfill = isnan(out[i]);
        for (f = 0; f < u.nfill && !isfill; f++) {
            isfill = out[i] == u.fills[f];
        }
        out[i] = isfill ? NAN : out[i] * u.scale + u.offset;
    }
    return ZT_OK;
}

/*
 * Read the (y, x) slab at time t (3-D only) of a variable of grid g into out
 * (ncell floats, row 0 south), fills and NaN as NAN, unpacked.
 */
static zt_status read_slab(int ncid, int varid, const char *var, const char *path,
                           const zt_grid *g, int y_descending, int ndims, size_t t, float *out,
                           zt_err *err)
{
    double *buf = NULL; /* the slab, unpacked, file row order */
    size_t start[3] = {0, 0, 0}, count[3] = {1, 1, 1};
    size_t nx = (size_t)g->nx, ny = (size_t)g->ny, j, i;
    zt_status st;

    buf = zt_malloc(nx * ny * sizeof *buf);
    if (!buf) {
        return zt_fail(err, ZT_ENOMEM, "%s: variable %s: out of memory for %zu x %zu values",
                       path, var, ny, nx);
    }
    if (ndims == 3) {
        start[0] = t;
        count[1] = ny;
        count[2] = nx;
    } else {
        count[0] = ny;
        count[1] = nx;
    }
    st = io_nc_read_unpacked(ncid, varid, path, var, start, count, buf, err);
    for (j = 0; st == ZT_OK && j < ny; j++) {
        const double *row = buf + j * nx;
        float *dst = out + (y_descending ? ny - 1 - j : j) * nx;
        for (i = 0; i < nx; i++) {
            dst[i] = (float)row[i];
        }
    }
    zt_free(buf);
    return st;
}

/*
 * Read variable `var` of an open file: shape, grid (equal to expect, when
 * given, else returned in *gout), units, values. `expect_what` names where
 * the expected grid comes from.
 */
static zt_status read_var(int ncid, const char *path, const char *var, int allow3d, size_t t,
                          const zt_grid *expect, const char *expect_what, const char *units,
                          float *out, zt_err *err)
{
    zt_grid g;
    int varid, ndims, ydesc;
    char a[128], b[128];
    zt_status st;

    if ((st = find_var(ncid, path, var, allow3d, t, &varid, &ndims, err)) != ZT_OK ||
        (st = io_nc_read_grid(ncid, varid, path, &g, &ydesc, err)) != ZT_OK) {
        return st;
    }
    if (expect && !grid_same(&g, expect)) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: variable %s: grid differs from %s (nx ny x0 y0 dx: %s vs %s)", path,
                       var, expect_what, grid_text(&g, a, sizeof a),
                       grid_text(expect, b, sizeof b));
    }
    if ((st = check_units(ncid, varid, var, path, units, err)) != ZT_OK) {
        return st;
    }
    return read_slab(ncid, varid, var, path, &g, ydesc, ndims, t, out, err);
}

/* Open a file for reading: ZT_EINPUT "<file>: cannot open: <nc text>", or
 * "<file>: is a folder, not a regular file" (io_input.h). */
static zt_status open_read(const char *path, int *ncid, zt_err *err)
{
    zt_status st = io_input_check(path, NULL, ZT_EINPUT, err);
    if (st != ZT_OK) {
        return st;
    }
    return io_nc_check(nc_open(path, NC_NOWRITE, ncid), ZT_EINPUT, path, "cannot open", err);
}

zt_status io_nc_read_field(const char *path, const char *var, const zt_grid *expect,
                           const char *units, size_t t, float *out, zt_err *err)
{
    int ncid = -1;
    zt_status st;

    if ((st = open_read(path, &ncid, err)) != ZT_OK) {
        return st;
    }
    st = read_var(ncid, path, var, 1, t, expect, "the expected grid", units, out, err);
    nc_close(ncid);
    return st;
}

/* ======================================================================== */
/* The static domain                                                        */
/* ======================================================================== */

enum { DF_MASK, DF_SURFACE, DF_SOIL, DF_LANDUSE, DF_DISTRICT, DF_PROVINCE, DF_GWDEPTH,
       DF_SPRINKLING,
       /* the groundwater group (optional as a whole, grid_domain.h) */
       DF_KD, DF_DEEP_HEAD, DF_CV, DF_DITCH_C, DF_DITCH_CI, DF_TRENCH_DEPTH, DF_TRENCH_C,
       DF_TILE_DEPTH, DF_TILE_C,
       /* optional on its own (grid_domain.h) */
       DF_PEAT_THICKNESS, DF_COUNT };

/* The groundwater group: DF_GW_FIRST..DF_GW_LAST. */
#define DF_GW_FIRST DF_KD
#define DF_GW_LAST DF_TILE_C
#define DF_GW_NAMES                                                                            \
    "kd, deep_head, seepage_resistance, ditch_resistance, ditch_infiltration_resistance, "    \
    "trench_depth, trench_resistance, tile_depth, tile_resistance"

/*
 * The fields of a domain file. Class codes: zt.h. `codes` lists the known
 * codes (ncode of them; ncode 0 means any integer 0..INT32_MAX); `flags`
 * the codes that flag_values lists with `meanings`.
 */
static const struct dom_field {
    const char *name;      /* variable name */
    nc_type type;          /* stored type */
    const char *long_name; /* CF long_name */
    const char *std_name;  /* CF standard_name or NULL */
    const char *units;     /* units or NULL (class codes) */
    const char *comment;   /* comment or NULL */
    const char *meanings;  /* flag_meanings or NULL */
    unsigned char flags[6];
    int nflag;
    int codes[7];
    int ncode;
} dom_fields[DF_COUNT] = {
    {"mask", NC_UBYTE, "model cells: inactive, active, fixed head", NULL, NULL, NULL,
     "inactive active fixed_head", {0, 1, 2}, 3, {0, 1, 2}, 3},
    {"surface_level", NC_FLOAT, "surface level (m NAP)", "surface_altitude", "m",
     "height above NAP (Normaal Amsterdams Peil)", NULL, {0}, 0, {0}, 0},
    {"soil", NC_UBYTE, "soil class", NULL, NULL, "0 = none (outside active cells, open water)",
     "peat clay sand", {1, 2, 3}, 3, {0, 1, 2, 3}, 4},
    {"landuse", NC_UBYTE, "land use class", NULL, NULL, "0 = none (outside active cells)",
     "grass arable capital_intensive_crops nature urban open_water", {1, 2, 3, 4, 5, 6}, 6,
     {0, 1, 2, 3, 4, 5, 6}, 7},
    {"district", NC_INT, "district (peilgebied) id", NULL, NULL,
     "0 = none (outside any district)", NULL, {0}, 0, {0}, 0},
    {"province", NC_UBYTE, "province (PDOK/Kadaster code PV20, PV21, PV22)", NULL, NULL,
     "0 = outside the three provinces", "Groningen Fryslan Drenthe", {20, 21, 22}, 3,
     {0, 20, 21, 22}, 4},
    {"gw_depth_init", NC_FLOAT, "initial depth of the water table below surface", NULL, "m",
     "positive downward", NULL, {0}, 0, {0}, 0},
    {"sprinkling_source", NC_UBYTE, "source of sprinkling water", NULL, NULL, NULL,
     "none surface_water groundwater", {0, 1, 2}, 3, {0, 1, 2}, 3},
    {"kd", NC_FLOAT, "transmissivity of the phreatic system", NULL, "m2 d-1",
     "kD of the top system; > 0 in active cells", NULL, {0}, 0, {0}, 0},
    {"deep_head", NC_FLOAT, "head of the deep aquifer (m NAP)", NULL, "m",
     "phi of the seepage term (phi - h) / cv; height above NAP", NULL, {0}, 0, {0}, 0},
    {"seepage_resistance", NC_FLOAT, "vertical resistance to the deep aquifer (cv)", NULL, "d",
     "> 0 in active cells", NULL, {0}, 0, {0}, 0},
    {"ditch_resistance", NC_FLOAT, "drainage resistance of the ditches", NULL, "d",
     "> 0 in active cells; ditch level follows the district's water level", NULL, {0}, 0,
     {0}, 0},
    {"ditch_infiltration_resistance", NC_FLOAT, "infiltration resistance of the ditches", NULL,
     "d", "> 0 in active cells", NULL, {0}, 0, {0}, 0},
    {"trench_depth", NC_FLOAT, "depth of the trenches (greppels) below surface", NULL, "m",
     "positive downward; fill: no trenches", NULL, {0}, 0, {0}, 0},
    {"trench_resistance", NC_FLOAT, "drainage resistance of the trenches", NULL, "d",
     "> 0 where trench_depth is given", NULL, {0}, 0, {0}, 0},
    {"tile_depth", NC_FLOAT, "depth of the tile drains below surface", NULL, "m",
     "positive downward; fill: no tile drains", NULL, {0}, 0, {0}, 0},
    {"tile_resistance", NC_FLOAT, "drainage resistance of the tile drains", NULL, "d",
     "> 0 where tile_depth is given", NULL, {0}, 0, {0}, 0},
    {"peat_thickness", NC_FLOAT, "thickness of the peat layer below surface", NULL, "m",
     "positive downward from the surface; fill: unknown, allowed only where the soil is not "
     "peat; the variable is optional",
     NULL, {0}, 0, {0}, 0},
};

static int is_float_field(int f)
{
    return dom_fields[f].type == NC_FLOAT;
}

/* The float array of a float field (NULL for a groundwater field of a
 * domain without the group, and for the peat thickness of a domain without
 * it). */
static float *dom_float(const grid_domain *d, int f)
{
    switch (f) {
    case DF_SURFACE: return d->surface;
    case DF_GWDEPTH: return d->gwdepth;
    case DF_KD: return d->kd;
    case DF_DEEP_HEAD: return d->deep_head;
    case DF_CV: return d->cv;
    case DF_DITCH_C: return d->ditch_c;
    case DF_DITCH_CI: return d->ditch_ci;
    case DF_TRENCH_DEPTH: return d->trench_depth;
    case DF_TRENCH_C: return d->trench_c;
    case DF_TILE_DEPTH: return d->tile_depth;
    case DF_PEAT_THICKNESS: return d->peat_thickness;
    default: return d->tile_c;
    }
}

/* 1 when no data (NAN) is allowed in an active cell: the trench and tile
 * fields, where NAN means "no such drains here" (grid_domain_validate
 * checks that a resistance goes with every depth), and the peat thickness,
 * where it means "unknown" (grid_domain_validate refuses it in peat cells). */
static int nan_allowed(int f)
{
    return f == DF_TRENCH_DEPTH || f == DF_TRENCH_C || f == DF_TILE_DEPTH || f == DF_TILE_C ||
           f == DF_PEAT_THICKNESS;
}

/* 1 when domain d holds field f: the groundwater group with has_gw, the
 * peat thickness when it is allocated, the others always. */
static int dom_has(const grid_domain *d, int f)
{
    if (f >= DF_GW_FIRST && f <= DF_GW_LAST) {
        return d->has_gw;
    }
    if (f == DF_PEAT_THICKNESS) {
        return d->peat_thickness != NULL;
    }
    return 1;
}

/* Store class code c (known) of field f at cell k. */
static void dom_set_code(grid_domain *d, int f, zt_idx k, int32_t c)
{
    switch (f) {
    case DF_MASK: d->mask[k] = (uint8_t)c; break;
    case DF_SOIL: d->soil[k] = (uint8_t)c; break;
    case DF_LANDUSE: d->landuse[k] = (uint8_t)c; break;
    case DF_DISTRICT: d->district[k] = c; break;
    case DF_PROVINCE: d->province[k] = (uint8_t)c; break;
    default: d->sprinkling[k] = (uint8_t)c; break;
    }
}

/* The class code of field f at cell k, as stored. */
static int32_t dom_get_code(const grid_domain *d, int f, zt_idx k)
{
    switch (f) {
    case DF_MASK: return d->mask[k];
    case DF_SOIL: return d->soil[k];
    case DF_LANDUSE: return d->landuse[k];
    case DF_DISTRICT: return d->district[k];
    case DF_PROVINCE: return d->province[k];
    default: return d->sprinkling[k];
    }
}

/* 1 when v is a known code of field f. */
static int code_known(int f, double v)
{
    int c;
    if (v != floor(v)) {
        return 0;
    }
    if (dom_fields[f].ncode == 0) {
        return v >= 0.0 && v <= (double)INT32_MAX;
    }
    for (c = 0; c < dom_fields[f].ncode; c++) {
        if (v == (double)dom_fields[f].codes[c]) {
            return 1;
        }
    }
    return 0;
}

static zt_status cell_fail(const zt_grid *g, zt_idx k, const char *file, const char *var,
                           const char *why, zt_err *err)
{
    zt_idx j = k / g->nx, i = k % g->nx;
    return zt_fail(err, ZT_EINPUT,
                   "%s: variable %s: %s in active cell row %lld col %lld (x %.0f, y %.0f)", file,
                   var, why, (long long)j, (long long)i,
                   g->x0 + ((double)i + 0.5) * g->dx, g->y0 + ((double)j + 0.5) * g->dx);
}

/*
 * Move the values of field f (vals, ncell floats, NAN for no data) into the
 * domain: the mask everywhere (no data = inactive), other fields checked
 * in active cells (no data and unknown codes are errors there; elsewhere
 * they become 0, or stay NAN for float fields).
 */
static zt_status dom_store(grid_domain *d, int f, const float *vals, const char *file,
                           const char *var, zt_err *err)
{
    zt_idx n = zt_grid_ncell(&d->g), k;
    char why[96];

    for (k = 0; k < n; k++) {
        double v = vals[k];
        int active = f != DF_MASK && d->mask[k] == ZT_MASK_ACTIVE;
        if (is_float_field(f)) {
            if (active && isnan(v) && !nan_allowed(f)) {
                return cell_fail(&d->g, k, file, var, "missing value (fill or NaN)", err);
            }
            dom_float(d, f)[k] = (float)v;
            continue;
        }
        if (isnan(v)) {
            if (active) {
                return cell_fail(&d->g, k, file, var, "missing value (fill or NaN)", err);
            }
            dom_set_code(d, f, k, 0);
            continue;
        }
        if (!code_known(f, v)) {
            if (f == DF_MASK || active) {
                snprintf(why, sizeof why, "unknown %s code %g", dom_fields[f].name, v);
                if (f == DF_MASK) {
                    zt_idx j = k / d->g.nx, i = k % d->g.nx;
                    return zt_fail(err, ZT_EINPUT,
                                   "%s: variable %s: %s in cell row %lld col %lld (x %.0f, y %.0f)",
                                   file, var, why, (long long)j, (long long)i,
                                   d->g.x0 + ((double)i + 0.5) * d->g.dx,
                                   d->g.y0 + ((double)j + 0.5) * d->g.dx);
                }
                return cell_fail(&d->g, k, file, var, why, err);
            }
            dom_set_code(d, f, k, 0);
            continue;
        }
        dom_set_code(d, f, k, (int32_t)v);
    }
    return ZT_OK;
}

/*
 * *there = 1 when field f is in the domain: given by a source (from, may be
 * NULL), or a variable of the domain file `path`, opened into *dom_nc when
 * it is not open yet (-1). ZT_EINPUT when the file cannot be opened or
 * asked.
 */
static zt_status dom_field_there(const char *path, const io_field_source *from, int f,
                                 int *dom_nc, int *there, zt_err *err)
{
    char what[NC_MAX_NAME + 32];
    int varid, ret;
    zt_status st;

    *there = 0;
    if (from) {
        *there = 1;
        return ZT_OK;
    }
    if (*dom_nc < 0 && (st = open_read(path, dom_nc, err)) != ZT_OK) {
        return st;
    }
    ret = nc_inq_varid(*dom_nc, dom_fields[f].name, &varid);
    if (ret != NC_NOERR && ret != NC_ENOTVAR) {
        snprintf(what, sizeof what, "variable %s", dom_fields[f].name);
        return io_nc_check(ret, ZT_EINPUT, path, what, err);
    }
    *there = ret == NC_NOERR;
    return ZT_OK;
}

zt_status io_domain_read(const char *path, const io_field_source *src, int nsrc,
                         grid_domain **out, zt_err *err)
{
    const io_field_source *from[DF_COUNT] = {NULL}; /* replacement per field (borrowed) */
    grid_domain *d = NULL;
    float *vals = NULL; /* one field (its unit), row 0 south */
    int dom_nc = -1;    /* the domain file, opened when first needed */
    int gw_there = -1;  /* the first groundwater field present, -1 none */
    int gw_missing = -1; /* the first groundwater field absent, -1 none */
    int peat_there = 0;  /* 1 when the peat thickness is given */
    int s, f;
    const char *grid_file = path; /* the file the grid comes from */
    zt_status st = ZT_OK;

    *out = NULL;
    for (s = 0; s < nsrc; s++) {
        for (f = 0; f < DF_COUNT && strcmp(src[s].field, dom_fields[f].name) != 0; f++) {
        }
        if (f == DF_COUNT) {
            st = zt_fail(err, ZT_EINPUT,
                         "%s: variable %s: '%s' is not a domain field (mask, surface_level, "
                         "soil, landuse, district, province, gw_depth_init, sprinkling_source, "
                         "peat_thickness, and the groundwater group: " DF_GW_NAMES ")",
                         src[s].path, src[s].var, src[s].field);
            goto done;
        }
        from[f] = &src[s]; /* a later source for the same field wins */
    }
    /* The groundwater group: all of it (from the domain file or a source) or
       none of it; the first missing one is named. */
    for (f = DF_GW_FIRST; f <= DF_GW_LAST; f++) {
        int there;
        if ((st = dom_field_there(path, from[f], f, &dom_nc, &there, err)) != ZT_OK) {
            goto done;
        }
        if (there && gw_there < 0) {
            gw_there = f;
        }
        if (!there && gw_missing < 0) {
            gw_missing = f;
        }
    }
    if (gw_there >= 0 && gw_missing >= 0) {
        st = zt_fail(err, ZT_EINPUT,
                     "%s: variable '%s' not found: the groundwater variables come as a group "
                     "(" DF_GW_NAMES "), and %s is given",
                     path, dom_fields[gw_missing].name, dom_fields[gw_there].name);
        goto done;
    }
    /* The peat thickness: optional on its own */
    if ((st = dom_field_there(path, from[DF_PEAT_THICKNESS], DF_PEAT_THICKNESS, &dom_nc,
                              &peat_there, err)) != ZT_OK) {
        goto done;
    }
    for (f = 0; f < DF_COUNT; f++) {
        const char *file = from[f] ? from[f]->path : path;
        const char *var = from[f] ? from[f]->var : dom_fields[f].name;
        int ncid;
        if (f > DF_MASK && !dom_has(d, f)) {
            continue; /* absent: no groundwater group (has_gw 0), no peat thickness */
        }
        if (from[f]) {
            if ((st = open_read(file, &ncid, err)) != ZT_OK) {
                goto done;
            }
        } else {
            if (dom_nc < 0 && (st = open_read(path, &dom_nc, err)) != ZT_OK) {
                goto done;
            }
            ncid = dom_nc;
        }
        if (f == DF_MASK) {
            zt_grid g;
            int varid, ndims, ydesc;
            if ((st = find_var(ncid, file, var, 0, 0, &varid, &ndims, err)) == ZT_OK &&
                (st = io_nc_read_grid(ncid, varid, file, &g, &ydesc, err)) == ZT_OK &&
                (st = grid_domain_create(&g, &d, err)) == ZT_OK &&
                (gw_there < 0 || (st = grid_domain_add_gw(d, err)) == ZT_OK) &&
                (!peat_there || (st = grid_domain_add_peat_thickness(d, err)) == ZT_OK)) {
                vals = zt_malloc((size_t)zt_grid_ncell(&g) * sizeof *vals);
                if (!vals) {
                    st = zt_fail(err, ZT_ENOMEM, "%s: out of memory for the domain", file);
                } else {
                    st = read_slab(ncid, varid, var, file, &g, ydesc, ndims, 0, vals, err);
                }
            }
        } else {
            st = read_var(ncid, file, var, 0, 0, &d->g, grid_file, dom_fields[f].units, vals,
                          err);
        }
        if (from[f]) {
            nc_close(ncid);
        }
        if (st != ZT_OK || (st = dom_store(d, f, vals, file, var, err)) != ZT_OK) {
            goto done;
        }
        if (f == DF_MASK) {
            grid_file = file;
        }
    }
    if ((st = grid_domain_validate(d, path, err)) != ZT_OK) {
        goto done;
    }
    *out = d;
    d = NULL;
done:
    if (dom_nc >= 0) {
        nc_close(dom_nc);
    }
    zt_free(vals);
    grid_domain_destroy(&d);
    return st;
}

/* Define one domain variable with its attributes. */
static zt_status def_dom_var(int ncid, int f, const int *dims, const zt_grid *g,
                             const char *path, int *vid, zt_err *err)
{
    const struct dom_field *df = &dom_fields[f];
    size_t chunk[2] = {(size_t)g->ny, (size_t)g->nx};
    char what[96];
    int ret;
    zt_status st;

    snprintf(what, sizeof what, "defining variable %s", df->name);
    ret = nc_def_var(ncid, df->name, df->type, 2, dims, vid);
    if (ret == NC_NOERR) {
        ret = nc_def_var_chunking(ncid, *vid, NC_CHUNKED, chunk);
    }
    if (ret == NC_NOERR) {
        ret = nc_def_var_deflate(ncid, *vid, 1, 1, IO_NC_DEFLATE_LEVEL);
    }
    if ((st = io_nc_check(ret, ZT_EIO, path, what, err)) != ZT_OK ||
        (st = put_text(ncid, *vid, df->name, "long_name", df->long_name, path, err)) != ZT_OK) {
        return st;
    }
    if (df->std_name &&
        (st = put_text(ncid, *vid, df->name, "standard_name", df->std_name, path, err)) != ZT_OK) {
        return st;
    }
    if (df->units && (st = put_text(ncid, *vid, df->name, "units", df->units, path, err)) != ZT_OK) {
        return st;
    }
    if (df->type == NC_FLOAT) {
        float fill = IO_NC_FILL_FLOAT;
        snprintf(what, sizeof what, "writing attribute %s:_FillValue", df->name);
        if ((st = io_nc_check(nc_put_att_float(ncid, *vid, "_FillValue", NC_FLOAT, 1, &fill),
                              ZT_EIO, path, what, err)) != ZT_OK) {
            return st;
        }
    }
    if (df->meanings) {
        const unsigned char *fl = df->flags;
        snprintf(what, sizeof what, "writing attribute %s:flag_values", df->name);
        if ((st = io_nc_check(nc_put_att_uchar(ncid, *vid, "flag_values", NC_UBYTE,
                                               (size_t)df->nflag, fl),
                              ZT_EIO, path, what, err)) != ZT_OK ||
            (st = put_text(ncid, *vid, df->name, "flag_meanings", df->meanings, path, err)) !=
                ZT_OK) {
            return st;
        }
    }
    if (df->comment &&
        (st = put_text(ncid, *vid, df->name, "comment", df->comment, path, err)) != ZT_OK) {
        return st;
    }
    return put_text(ncid, *vid, df->name, "grid_mapping", "crs", path, err);
}

/* Write the values of field f. */
static zt_status put_dom_var(int ncid, int vid, int f, const grid_domain *d, const char *path,
                             zt_err *err)
{
    zt_idx n = zt_grid_ncell(&d->g), k;
    float *fv = NULL;
    int32_t *iv = NULL;
    uint8_t *bv = NULL;
    char what[96];
    int ret;
    zt_status st = ZT_OK;

    snprintf(what, sizeof what, "writing variable %s", dom_fields[f].name);
    if (is_float_field(f)) {
        const float *src = dom_float(d, f);
        fv = zt_malloc((size_t)n * sizeof *fv);
        if (!fv) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory writing %s", path, dom_fields[f].name);
            goto done;
        }
        for (k = 0; k < n; k++) {
            fv[k] = isnan(src[k]) ? IO_NC_FILL_FLOAT : src[k];
        }
        ret = nc_put_var_float(ncid, vid, fv);
    } else if (f == DF_DISTRICT) {
        iv = d->district;
        ret = nc_put_var_int(ncid, vid, iv);
        iv = NULL;
    } else {
        bv = zt_malloc((size_t)n * sizeof *bv);
        if (!bv) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory writing %s", path, dom_fields[f].name);
            goto done;
        }
        for (k = 0; k < n; k++) {
            bv[k] = (uint8_t)dom_get_code(d, f, k);
        }
        ret = nc_put_var_uchar(ncid, vid, bv);
    }
    st = io_nc_check(ret, ZT_EIO, path, what, err);
done:
    zt_free(fv);
    zt_free(bv);
    return st;
}

zt_status io_domain_write(const char *path, const grid_domain *d, const char *title,
                          zt_err *err)
{
    char part[4096];
    int ncid = -1, dims[2], vids[DF_COUNT], f;
    zt_status st;

    io_part_path(path, part, sizeof part);
    if ((st = io_nc_check(nc_create(part, NC_NETCDF4 | NC_CLOBBER, &ncid), ZT_EIO, path,
                          "cannot create", err)) != ZT_OK) {
        ncid = -1;
        goto done;
    }
    if ((st = io_nc_put_global(ncid, path, title ? title : "zoet static domain", NULL, err)) !=
            ZT_OK ||
        (st = io_nc_def_grid(ncid, &d->g, path, &dims[0], &dims[1], err)) != ZT_OK) {
        goto done;
    }
    for (f = 0; f < DF_COUNT; f++) {
        if (dom_has(d, f) &&
            (st = def_dom_var(ncid, f, dims, &d->g, path, &vids[f], err)) != ZT_OK) {
            goto done;
        }
    }
    if ((st = io_nc_check(nc_enddef(ncid), ZT_EIO, path, "leaving define mode", err)) != ZT_OK ||
        (st = io_nc_put_grid(ncid, &d->g, path, err)) != ZT_OK) {
        goto done;
    }
    for (f = 0; f < DF_COUNT; f++) {
        if (dom_has(d, f) && (st = put_dom_var(ncid, vids[f], f, d, path, err)) != ZT_OK) {
            goto done;
        }
    }
done:
    return io_nc_close_part(ncid, path, st, err);
}

zt_status io_nc_write_fields(const char *path, const zt_grid *g, const char *title,
                             const io_nc_field *f, int n, zt_err *err)
{
    char part[4096], what[128];
    int ncid = -1, dims[2], vid[IO_NC_MAX_FIELDS];
    const zt_idx ncell = zt_grid_ncell(g);
    size_t chunk[2] = {(size_t)g->ny, (size_t)g->nx};
    float *buf = NULL, fill = IO_NC_FILL_FLOAT;
    zt_status st;

    if (n < 1 || n > IO_NC_MAX_FIELDS) {
        return zt_fail(err, ZT_EINTERNAL, "%s: %d fields (1 to %d)", path, n, IO_NC_MAX_FIELDS);
    }
    io_part_path(path, part, sizeof part);
    if ((st = io_nc_check(nc_create(part, NC_NETCDF4 | NC_CLOBBER, &ncid), ZT_EIO, path,
                          "cannot create", err)) != ZT_OK) {
        ncid = -1;
        goto done;
    }
    if ((st = io_nc_put_global(ncid, path, title, NULL, err)) != ZT_OK ||
        (st = io_nc_def_grid(ncid, g, path, &dims[0], &dims[1], err)) != ZT_OK) {
        goto done;
    }
    for (int i = 0; i < n; i++) {
        snprintf(what, sizeof what, "defining variable %s", f[i].name);
        int ret = nc_def_var(ncid, f[i].name, NC_FLOAT, 2, dims, &vid[i]);
        if (ret == NC_NOERR) {
            ret = nc_def_var_chunking(ncid, vid[i], NC_CHUNKED, chunk);
        }
        if (ret == NC_NOERR) {
            ret = nc_def_var_deflate(ncid, vid[i], 1, 1, IO_NC_DEFLATE_LEVEL);
        }
        if (ret == NC_NOERR) {
            ret = nc_put_att_float(ncid, vid[i], "_FillValue", NC_FLOAT, 1, &fill);
        }
        if ((st = io_nc_check(ret, ZT_EIO, path, what, err)) != ZT_OK ||
            (st = put_text(ncid, vid[i], f[i].name, "long_name", f[i].long_name, path, err)) !=
                ZT_OK ||
            (st = put_text(ncid, vid[i], f[i].name, "units", f[i].units, path, err)) != ZT_OK ||
            (st = put_text(ncid, vid[i], f[i].name, "grid_mapping", "crs", path, err)) != ZT_OK) {
            goto done;
        }
        if (f[i].comment &&
            (st = put_text(ncid, vid[i], f[i].name, "comment", f[i].comment, path, err)) != ZT_OK) {
            goto done;
        }
    }
    if ((st = io_nc_check(nc_enddef(ncid), ZT_EIO, path, "leaving define mode", err)) != ZT_OK ||
        (st = io_nc_put_grid(ncid, g, path, err)) != ZT_OK) {
        goto done;
    }
    buf = zt_malloc((size_t)ncell * sizeof *buf);
    if (!buf) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        for (zt_idx k = 0; k < ncell; k++) {
            const double v = f[i].data[k];
            buf[k] = isfinite(v) ? (float)v : IO_NC_FILL_FLOAT;
        }
        snprintf(what, sizeof what, "writing variable %s", f[i].name);
        if ((st = io_nc_check(nc_put_var_float(ncid, vid[i], buf), ZT_EIO, path, what, err)) !=
            ZT_OK) {
            goto done;
        }
    }
done:
    zt_free(buf);
    return io_nc_close_part(ncid, path, st, err);
}
