/*
 * test_layer.c: suite "layer", one GIS layer onto zoet's grid
 * (io/io_layer.c, io_layer_raster.c, io_layer_vector.c). Every layer is
 * made by GDAL in the test.
 *
 * (a) Where: a 100 x 100 raster of 50 m in RD New over a 20 x 20 grid of
 *     250 m at (230000, 570000), 1 in the block x 231250..232250,
 *     y 572500..573500 (4 x 4 cells, centroid (231750, 573000)) and 0
 *     elsewhere; the same raster warped by GDAL (nearest) to EPSG:4326 and
 *     to EPSG:3035. Read with mean, the centroid of the values must land
 *     within half a cell (125 m) of the RD New one, and the block must keep
 *     its area (16 cells within 1.5).
 * (b) Rules, by hand: a 10 x 10 raster of 10 m (codes below, north row
 *     first) under a 2 x 2 grid of 50 m at (200000, 500000); each cell is
 *     5 x 5 pixels:
 *
 *         1111144444    NW (0,1): 15 x 1, 10 x 2      NE (1,1): 17 x 4, 8 x 3
 *         1111144444      mode 1, mean 35/25 = 1.4      mode 4, mean 92/25 = 3.68
 *         1111144443      median 1, min 1, max 2        median 4, min 3, max 4
 *         2222244433      share of {2,3}: 10/25 = 0.4   share of {2,3}: 8/25 = 0.32
 *         2222233333
 *         2222211111    SW (0,0): 12 x 2, 8 x 3, 5 x 1  SE (1,0): 15 x 1, 10 x 2
 *         2222211111      mode 2, mean 53/25 = 2.12     mode 1, mean 35/25 = 1.4
 *         2233311111      share of {2,3}: 20/25 = 0.8   share of {2,3}: 10/25 = 0.4
 *         3333322222
 *         1111122222
 *
 *     The SE corner pixel as nodata: SE's mean 33/24 = 1.375. Packed: scale
 *     2, offset -1 gives SE mean 1.8; scale -1 turns min into -max (-2).
 *     A 3 x 2 grid reaches 50 m past the raster: 2 cells NaN and outside.
 * (c) Polygons in a GeoPackage, on a 4 x 4 grid of 100 m at (200000,
 *     500000), in layer order (last wins):
 *         A x 200000..200200, y 500000..500200  code 1 value 7
 *         D x 200100..200300, y 500000..500100  code 1 value 5
 *         B x 200200..200400, y 500200..500400  code 2 value 3.5
 *         C x 200300..200350, y 500000..500100  code 9 (half of cell (3,0))
 *     With where "code < 9": (0,0), (0,1), (1,1) = 7; (1,0), (2,0) = 5
 *     (one overlap: (1,0)); (2..3, 2..3) = 3.5; the 7 others NaN. With
 *     fraction and where "code = 9": (3,0) = 0.5, the others 0. The same in
 *     EPSG:4326 (the polygons transformed by OGR).
 * (d) Each bad layer: ZT_EINPUT, the layer named, and what is wrong; each
 *     failed allocation of ours: ZT_ENOMEM.
 */
#include <check.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>

#include "io_layer.h"
#include "testutil.h"
#include "zt.h"

static char dir[512];

static void setup(void)
{
    if (GDALGetDriverCount() == 0) {
        GDALAllRegister();
    }
    tu_tmpdir("layer", dir, sizeof dir);
}

static char *tpath(const char *name, char *buf)
{
    snprintf(buf, 600, "%s/%s", dir, name);
    return buf;
}

static OGRSpatialReferenceH srs_of(int epsg)
{
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    ck_assert(OSRImportFromEPSG(s, epsg) == OGRERR_NONE);
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

/* A one-band Float64 GTiff, rows north first; epsg 0: no CRS; nodata NULL: none. */
static void write_tif(const char *path, int epsg, const double gt[6], int nx, int ny,
                      const double *v, const double *nodata, double scale, double offset)
{
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, nx, ny, 1, GDT_Float64, NULL);
    GDALRasterBandH b;
    ck_assert_msg(ds != NULL, "%s", CPLGetLastErrorMsg());
    b = GDALGetRasterBand(ds, 1);
    GDALSetGeoTransform(ds, (double *)gt);
    if (epsg) {
        OGRSpatialReferenceH s = srs_of(epsg);
        GDALSetSpatialRef(ds, s);
        OSRDestroySpatialReference(s);
    }
    if (nodata) {
        GDALSetRasterNoDataValue(b, *nodata);
    }
    GDALSetRasterScale(b, scale);
    GDALSetRasterOffset(b, offset);
    ck_assert(GDALRasterIO(b, GF_Write, 0, 0, nx, ny, (void *)v, nx, ny, GDT_Float64, 0, 0) ==
              CE_None);
    GDALClose(ds);
}

/* gdalwarp -t_srs EPSG:epsg -r near -dstnodata -9999 src dst */
static void warp_to(const char *src, const char *dst, const char *epsg)
{
    char *argv[] = {"-t_srs", (char *)epsg, "-r", "near", "-dstnodata", "-9999", NULL};
    GDALWarpAppOptions *o = GDALWarpAppOptionsNew(argv, NULL);
    GDALDatasetH in = GDALOpen(src, GA_ReadOnly), out;
    int bad = 0;
    ck_assert(in && o);
    out = GDALWarp(dst, NULL, 1, &in, o, &bad);
    ck_assert_msg(out && !bad, "%s", CPLGetLastErrorMsg());
    GDALClose(out);
    GDALClose(in);
    GDALWarpAppOptionsFree(o);
}

static io_layer_spec spec(const char *name, const char *path, io_resample rule)
{
    io_layer_spec s;
    memset(&s, 0, sizeof s);
    s.name = name;
    s.path = path;
    s.rule = rule;
    return s;
}

/* (a) ------------------------------------------------------------------- */

static const zt_grid agrid = {20, 20, 230000.0, 570000.0, 250.0};

static void block_centroid(const char *path, const char *crs, int warped)
{
    double out[400], sx = 0.0, sy = 0.0, sw = 0.0;
    io_layer_spec s = spec("block", path, IO_RS_MEAN);
    io_layer_report rep;
    zt_err err;
    int i, j;

    zt_err_clear(&err);
    ck_assert_msg(io_layer_read(&s, &agrid, out, &rep, &err) == ZT_OK, "%s", err.msg);
    ck_assert_str_eq(rep.crs, crs);
    ck_assert_int_eq(rep.warped, warped);
    ck_assert_int_eq(rep.cells, 400);
    ck_assert_int_eq(rep.nodata, 0);
    for (j = 0; j < 20; j++) {
        for (i = 0; i < 20; i++) {
            double w = out[j * 20 + i];
            sx += w * (agrid.x0 + (i + 0.5) * agrid.dx);
            sy += w * (agrid.y0 + (j + 0.5) * agrid.dx);
            sw += w;
        }
    }
    ck_assert_msg(fabs(sw - 16.0) < (warped ? 1.5 : 1e-9), "%s: block of %g cells", crs, sw);
    ck_assert_msg(fabs(sx / sw - 231750.0) < (warped ? 125.0 : 1e-6) &&
                      fabs(sy / sw - 573000.0) < (warped ? 125.0 : 1e-6),
                  "%s: centroid (%.1f, %.1f), expected (231750, 573000)", crs, sx / sw, sy / sw);
}

START_TEST(rasters_in_any_crs_land_in_place)
{
    static double v[100 * 100];
    const double gt[6] = {230000.0, 50.0, 0.0, 575000.0, 0.0, -50.0};
    char rd[600], wgs[600], laea[600];
    int r, c;

    for (r = 0; r < 100; r++) {
        for (c = 0; c < 100; c++) {
            double x = 230000.0 + (c + 0.5) * 50.0, y = 575000.0 - (r + 0.5) * 50.0;
            v[r * 100 + c] = (x > 231250 && x < 232250 && y > 572500 && y < 573500) ? 1.0 : 0.0;
        }
    }
    write_tif(tpath("block_rd.tif", rd), 28992, gt, 100, 100, v, NULL, 1.0, 0.0);
    warp_to(rd, tpath("block_4326.tif", wgs), "EPSG:4326");
    warp_to(rd, tpath("block_3035.tif", laea), "EPSG:3035");
    block_centroid(rd, "EPSG:28992", 0);
    block_centroid(wgs, "EPSG:4326", 1);
    block_centroid(laea, "EPSG:3035", 1);
}
END_TEST

/* (b) ------------------------------------------------------------------- */

static const char *const codes10[10] = {"1111144444", "1111144444", "1111144443", "2222244433",
                                        "2222233333", "2222211111", "2222211111", "2233311111",
                                        "3333322222", "1111122222"};
static const double cgt[6] = {200000.0, 10.0, 0.0, 500100.0, 0.0, -10.0};
static const zt_grid cgrid = {2, 2, 200000.0, 500000.0, 50.0};

static void code_raster(const char *path, double corner, const double *nodata, double scale,
                        double offset)
{
    double v[100];
    int r, c;
    for (r = 0; r < 10; r++) {
        for (c = 0; c < 10; c++) {
            v[r * 10 + c] = codes10[r][c] - '0';
        }
    }
    v[99] = corner;
    write_tif(path, 28992, cgt, 10, 10, v, nodata, scale, offset);
}

/* Read path with rule onto cgrid; expect SW, SE, NW, NE (zoet's order). */
static void expect4(const char *path, io_resample rule, const double *codes, int ncodes, double sw,
                    double se, double nw, double ne)
{
    double out[4];
    const double want[4] = {sw, se, nw, ne};
    io_layer_spec s = spec("classes", path, rule);
    zt_err err;
    int k;
    s.codes = codes;
    s.ncodes = ncodes;
    zt_err_clear(&err);
    ck_assert_msg(io_layer_read(&s, &cgrid, out, NULL, &err) == ZT_OK, "%s", err.msg);
    for (k = 0; k < 4; k++) {
        ck_assert_msg(fabs(out[k] - want[k]) < 1e-9, "%s, cell %d: %.12g, expected %g",
                      io_resample_names[rule], k, out[k], want[k]);
    }
}

START_TEST(rules_against_hand_counts)
{
    char p[600], pn[600], ps[600], pm[600], po[600];
    const double c23[2] = {2.0, 3.0}, nd = -9999.0;
    double out[6];
    io_layer_spec s;
    io_layer_report rep;
    zt_grid wide = cgrid;
    zt_err err;

    code_raster(tpath("codes.tif", p), 2.0, NULL, 1.0, 0.0);
    expect4(p, IO_RS_MODE, NULL, 0, 2, 1, 1, 4);
    expect4(p, IO_RS_MEAN, NULL, 0, 2.12, 1.4, 1.4, 3.68);
    expect4(p, IO_RS_MEDIAN, NULL, 0, 2, 1, 1, 4);
    expect4(p, IO_RS_MIN, NULL, 0, 1, 1, 1, 3);
    expect4(p, IO_RS_MAX, NULL, 0, 3, 2, 2, 4);
    expect4(p, IO_RS_FRACTION, c23, 2, 0.8, 0.4, 0.4, 0.32);
    /* the SE corner pixel as nodata: 15 ones and 9 twos */
    code_raster(tpath("codes_nd.tif", pn), nd, &nd, 1.0, 0.0);
    expect4(pn, IO_RS_MEAN, NULL, 0, 2.12, 33.0 / 24.0, 1.4, 3.68);
    expect4(pn, IO_RS_FRACTION, c23, 2, 0.8, 9.0 / 24.0, 0.4, 0.32);
    /* packed */
    code_raster(tpath("codes_scaled.tif", ps), 2.0, NULL, 2.0, -1.0);
    expect4(ps, IO_RS_MEAN, NULL, 0, 2 * 2.12 - 1, 1.8, 1.8, 2 * 3.68 - 1);
    expect4(ps, IO_RS_FRACTION, (const double[]){3.0}, 1, 0.48, 0.4, 0.4, 0.0);
    code_raster(tpath("codes_minus.tif", pm), 2.0, NULL, -1.0, 0.0);
    expect4(pm, IO_RS_MIN, NULL, 0, -3, -2, -2, -4);
    expect4(pm, IO_RS_MAX, NULL, 0, -1, -1, -1, -3);
    /* a grid 50 m wider than the raster: its third column is outside */
    wide.nx = 3;
    s = spec("classes", tpath("codes.tif", po), IO_RS_MODE);
    zt_err_clear(&err);
    ck_assert_msg(io_layer_read(&s, &wide, out, &rep, &err) == ZT_OK, "%s", err.msg);
    ck_assert(isnan(out[2]) && isnan(out[5]) && out[0] == 2 && out[4] == 4);
    ck_assert_int_eq(rep.cells, 6);
    ck_assert_int_eq(rep.nodata, 2);
    ck_assert_int_eq(rep.outside, 2);
    ck_assert_int_eq(rep.warped, 0);
}
END_TEST

/* (c) ------------------------------------------------------------------- */

static const zt_grid vgrid = {4, 4, 200000.0, 500000.0, 100.0};

typedef struct tpoly {
    double x0, x1, y0, y1;
    int code;
    double value;
    const char *label, *num;
} tpoly;

static const tpoly polys[4] = {
    {200000, 200200, 500000, 500200, 1, 7.0, "a", "1.5"},
    {200100, 200300, 500000, 500100, 1, 5.0, "d", "2"},
    {200200, 200400, 500200, 500400, 2, 3.5, "b", " 3"},
    {200300, 200350, 500000, 500100, 9, 1.0, "c", "4"},
};

/* A GeoPackage with layer "fields" holding polys, in EPSG:epsg (0: no CRS). */
static void write_gpkg(const char *path, int epsg)
{
    GDALDatasetH ds =
        GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    OGRSpatialReferenceH rd = srs_of(28992), dst = epsg ? srs_of(epsg) : NULL;
    OGRCoordinateTransformationH ct = NULL;
    OGRLayerH l;
    const char *names[4] = {"code", "value", "label", "num"};
    const OGRFieldType types[4] = {OFTInteger, OFTReal, OFTString, OFTString};
    int i;

    ck_assert_msg(ds != NULL, "%s", CPLGetLastErrorMsg());
    l = GDALDatasetCreateLayer(ds, "fields", dst, wkbPolygon, NULL);
    ck_assert(l != NULL);
    for (i = 0; i < 4; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], types[i]);
        ck_assert(OGR_L_CreateField(l, fd, TRUE) == OGRERR_NONE);
        OGR_Fld_Destroy(fd);
    }
    if (epsg && epsg != 28992) {
        ct = OCTNewCoordinateTransformation(rd, dst);
        ck_assert(ct != NULL);
    }
    for (i = 0; i < 4; i++) {
        const tpoly *p = &polys[i];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing), poly;
        OGR_G_AddPoint_2D(ring, p->x0, p->y0);
        OGR_G_AddPoint_2D(ring, p->x1, p->y0);
        OGR_G_AddPoint_2D(ring, p->x1, p->y1);
        OGR_G_AddPoint_2D(ring, p->x0, p->y1);
        OGR_G_AddPoint_2D(ring, p->x0, p->y0);
        poly = OGR_G_CreateGeometry(wkbPolygon);
        OGR_G_AddGeometryDirectly(poly, ring);
        if (ct) {
            OGR_G_Segmentize(poly, 10.0); /* straight in RD New, not in degrees */
            ck_assert(OGR_G_Transform(poly, ct) == OGRERR_NONE);
        }
        OGR_F_SetGeometryDirectly(f, poly);
        OGR_F_SetFieldInteger(f, 0, p->code);
        OGR_F_SetFieldDouble(f, 1, p->value);
        OGR_F_SetFieldString(f, 2, p->label);
        OGR_F_SetFieldString(f, 3, p->num);
        ck_assert(OGR_L_CreateFeature(l, f) == OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    if (ct) {
        OCTDestroyCoordinateTransformation(ct);
    }
    OSRDestroySpatialReference(rd);
    OSRDestroySpatialReference(dst);
    GDALClose(ds);
}

static void polygons_burnt(const char *path, const char *crs)
{
    const double N = NAN;
    /* zoet's order: row 0 the southernmost */
    const double want[16] = {7, 5, 5, N, 7, 7, N, N, N, N, 3.5, 3.5, N, N, 3.5, 3.5};
    double out[16];
    io_layer_spec s = spec("peil", path, IO_RS_MODE);
    io_layer_report rep;
    zt_err err;
    int k;

    s.field = "value";
    s.where = "code < 9";
    zt_err_clear(&err);
    ck_assert_msg(io_layer_read(&s, &vgrid, out, &rep, &err) == ZT_OK, "%s", err.msg);
    ck_assert_str_eq(rep.crs, crs);
    ck_assert_int_eq(rep.warped, strcmp(crs, "EPSG:28992") != 0);
    for (k = 0; k < 16; k++) {
        ck_assert_msg(isnan(want[k]) ? isnan(out[k]) : out[k] == want[k],
                      "%s cell %d: %g, expected %g", crs, k, out[k], want[k]);
    }
    ck_assert_int_eq(rep.nodata, 7);
    ck_assert_int_eq(rep.outside, 0);
    ck_assert_int_eq(rep.overlaps, 1);
    /* a text field that holds numbers */
    s.field = "num";
    ck_assert_msg(io_layer_read(&s, &vgrid, out, &rep, &err) == ZT_OK, "%s", err.msg);
    ck_assert(out[0] == 1.5 && out[1] == 2.0 && out[15] == 3.0);
    /* the half-cell polygon */
    s.field = NULL;
    s.where = "code = 9";
    s.rule = IO_RS_FRACTION;
    ck_assert_msg(io_layer_read(&s, &vgrid, out, &rep, &err) == ZT_OK, "%s", err.msg);
    for (k = 0; k < 16; k++) {
        ck_assert_msg(fabs(out[k] - (k == 3 ? 0.5 : 0.0)) <= 0.01, "%s fraction cell %d: %g", crs,
                      k, out[k]);
    }
    ck_assert_int_eq(rep.nodata, 0);
    /* all polygons: their union */
    s.where = NULL;
    ck_assert_msg(io_layer_read(&s, &vgrid, out, &rep, &err) == ZT_OK, "%s", err.msg);
    ck_assert(fabs(out[0] - 1) <= 0.01 && fabs(out[2] - 1) <= 0.01 && fabs(out[3] - 0.5) <= 0.01 &&
              fabs(out[6]) <= 0.01);
}

START_TEST(polygons_in_any_crs)
{
    char rd[600], wgs[600];
    write_gpkg(tpath("peil_rd.gpkg", rd), 28992);
    write_gpkg(tpath("peil_4326.gpkg", wgs), 4326);
    polygons_burnt(rd, "EPSG:28992");
    polygons_burnt(wgs, "EPSG:4326");
}
END_TEST

/* (d) ------------------------------------------------------------------- */

static void expect_bad(io_layer_spec *s, const zt_grid *g, const char *what)
{
    double out[400];
    char head[700];
    zt_err err;
    zt_err_clear(&err);
    snprintf(head, sizeof head, "[layer.%s] %s: ", s->name, s->path);
    tu_expect_fail(io_layer_read(s, g, out, NULL, &err), &err, ZT_EINPUT, head, what);
}

START_TEST(bad_layers)
{
    char p[600], txt[600], nocrs[600], far[600], gp[600], gpfar[600];
    const double farg[6] = {100000.0, 10.0, 0.0, 400100.0, 0.0, -10.0};
    double v[100] = {0};
    io_layer_spec s;

    code_raster(tpath("codes.tif", p), 2.0, NULL, 1.0, 0.0);
    write_gpkg(tpath("peil.gpkg", gp), 28992);

    s = spec("soil", tpath("missing.tif", txt), IO_RS_MODE);
    expect_bad(&s, &cgrid, "No such file");
    tu_write(tpath("junk.tif", txt), "this is not a raster\n");
    s = spec("soil", txt, IO_RS_MODE);
    expect_bad(&s, &cgrid, "not a raster or vector file");
    s = spec("soil", p, IO_RS_MODE);
    s.band = 3;
    expect_bad(&s, &cgrid, "band 3 is out of range: the raster has 1 band");
    s = spec("lgn", p, IO_RS_FRACTION);
    expect_bad(&s, &cgrid, "needs the class codes");
    write_tif(tpath("nocrs.tif", nocrs), 0, cgt, 10, 10, v, NULL, 1.0, 0.0);
    s = spec("ahn", nocrs, IO_RS_MEAN);
    expect_bad(&s, &cgrid, "has no coordinate reference system");
    write_tif(tpath("far.tif", far), 28992, farg, 10, 10, v, NULL, 1.0, 0.0);
    s = spec("ahn", far, IO_RS_MEAN);
    expect_bad(&s, &cgrid, "does not cover the grid");

    s = spec("peil", gp, IO_RS_MODE);
    s.vlayer = "peilgebied";
    s.field = "value";
    expect_bad(&s, &vgrid, "no vector layer 'peilgebied'; the file has: fields");
    s.vlayer = NULL;
    s.field = "zomerpeil";
    expect_bad(&s, &vgrid, "no field 'zomerpeil'; its fields: code, value, label, num");
    s.field = "label";
    expect_bad(&s, &vgrid, "field 'label' of vector layer 'fields' is text, and feature");
    s.field = NULL;
    expect_bad(&s, &vgrid, "needs a field");
    s.field = "value";
    s.where = "no_such_column = 3";
    expect_bad(&s, &vgrid, "the filter \"no_such_column = 3\" is not valid");
    s.where = "code = 12345";
    expect_bad(&s, &vgrid, "does not cover the grid: vector layer 'fields' holds no feature with "
                           "a geometry and a value of 'value' that passes the filter code = 12345");
    s.where = NULL;
    expect_bad(&s, &(zt_grid){4, 4, 100000.0, 400000.0, 100.0}, "does not cover the grid");
    write_gpkg(tpath("peil_nocrs.gpkg", gpfar), 0);
    s = spec("peil", gpfar, IO_RS_MEAN);
    s.field = "value";
    expect_bad(&s, &vgrid, "has no coordinate reference system");
}
END_TEST

/* Every allocation of ours that fails gives ZT_ENOMEM, never a crash. */
START_TEST(out_of_memory)
{
    char p[600], gp[600];
    const double c23[2] = {2.0, 3.0};
    double out[16];
    io_layer_spec r, v, f;
    int pass, nomem[3] = {0, 0, 0};
    long n;

    code_raster(tpath("codes.tif", p), 2.0, NULL, 1.0, 0.0);
    write_gpkg(tpath("peil.gpkg", gp), 28992);
    r = spec("lgn", p, IO_RS_FRACTION);
    r.codes = c23;
    r.ncodes = 2;
    v = spec("peil", gp, IO_RS_MODE);
    v.field = "value";
    f = spec("water", gp, IO_RS_FRACTION);
    for (pass = 0; pass < 3; pass++) {
        io_layer_spec *s = pass == 0 ? &r : pass == 1 ? &v : &f;
        const zt_grid *g = pass == 0 ? &cgrid : &vgrid;
        for (n = 1; n <= 8; n++) {
            zt_err err;
            zt_status st;
            zt_err_clear(&err);
            zt_alloc_fail_after(n);
            st = io_layer_read(s, g, out, NULL, &err);
            zt_alloc_fail_after(0);
            ck_assert_msg(st == ZT_OK || st == ZT_ENOMEM, "%s", err.msg);
            if (st == ZT_ENOMEM) {
                nomem[pass]++;
                ck_assert_msg(strstr(err.msg, "[layer.") != NULL, "%s", err.msg);
            }
        }
        ck_assert_msg(nomem[pass] > 0, "pass %d: no allocation failed", pass);
    }
}
END_TEST

Suite *suite_layer(void);
Suite *suite_layer(void)
{
    Suite *su = suite_create("layer");
    TCase *tc = tcase_create("layer");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rasters_in_any_crs_land_in_place);
    tcase_add_test(tc, rules_against_hand_counts);
    tcase_add_test(tc, polygons_in_any_crs);
    tcase_add_test(tc, bad_layers);
    tcase_add_test(tc, out_of_memory);
    suite_add_tcase(su, tc);
    return su;
}
