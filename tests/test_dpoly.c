/*
 * test_dpoly.c: suite "dpoly", peilgebieden onto the grid and into the
 * district table (io/io_dpoly.c).
 *
 * The layers are GeoPackages written here through OGR, with DAMO-named
 * fields (CODE, NAAM, ZOMERPEIL, WINTERPEIL, VASTPEIL), two optional
 * ones (PROVINCIE, AANVOER) and four optional district attributes
 * (OPENWATER, GEMAALCAP, DOORSPOEL, TOLERANTIE), null unless a test sets
 * them. The grid: 8 x 6 cells of 250 m near
 * Leeuwarden, west edge x = 181000, south edge y = 578000 (RD New). Every
 * polygon edge lies on a cell edge, 125 m from the nearest centre, so the
 * cell-centre rule has no borderline cell and a layer in EPSG:4326 must
 * give exactly the same cells. Hand count (columns 0-7 west to east, rows
 * 0-5 south to north):
 *
 *   A  x 181000-182000, y 578000-579500: columns 0-3, rows 0-5 = 24 cells
 *   B  x 181750-182750, y 578000-579000: columns 3-6, rows 0-3 = 16 cells,
 *      of which column 3 rows 0-3 (4 cells) overlap A; A is first in the
 *      file and keeps them: B gets 12
 *   C  x 182750-183000, y 578500-579500: column 7, rows 2-5 = 4 cells
 *   D  a small square 5 km east of the grid: no cell (an empty polygon)
 *
 * so 40 cells in a polygon, 8 in none (columns 4-6 rows 4-5, column 7
 * rows 0-1), 4 overlapping. B has only a fixed level (VASTPEIL).
 */
#include <check.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>

#include "grid_domain.h"
#include "io_districts.h"
#include "io_dpoly.h"
#include "testutil.h"
#include "zt.h"

#define NX 8
#define NY 6
#define NF 11 /* fields */
#define NF_BASE 7 /* without the district attributes */

static const char *fnames[NF] = {"CODE",      "NAAM",    "ZOMERPEIL", "WINTERPEIL",
                                 "VASTPEIL",  "PROVINCIE", "AANVOER", "OPENWATER",
                                 "GEMAALCAP", "DOORSPOEL", "TOLERANTIE"};

typedef struct tpoly {
    double x0, y0, x1, y1;      /* m RD New */
    const char *v[NF];          /* field values as text, NULL: null */
} tpoly;

static const tpoly good[4] = {
    {181000, 578000, 182000, 579500, {"PG-A", "Polder A", "-0.52", "-0.62", NULL, "Fryslân", "ja"}},
    {181750, 578000, 182750, 579000, {"PG-B", "Polder B", NULL, NULL, "-0.25", "21", "0"}},
    {182750, 578500, 183000, 579500, {"PG-C", "Polder C", "-1.10", "-1.30", NULL, "Groningen", NULL}},
    {188000, 578000, 188100, 578100, {"PG-D", "Polder D", "-0.50", "-0.50", NULL, "22", NULL}},
};

/* Expected map, north row first: A=1, B=2, C=3, '.'=0. */
static const char *expect_map[NY] = {"AAAA...C", "AAAA...C", "AAAABBBC",
                                     "AAAABBBC", "AAAABBB.", "AAAABBB."};

static zt_grid grid(void)
{
    zt_grid g = {NX, NY, 181000.0, 578000.0, 250.0};
    return g;
}

/*
 * Write polygons p[0..n) to a GeoPackage layer "peilgebied" in CRS epsg
 * (from RD New coordinates). Level and attribute fields are Real, or String
 * when levels_text (to carry bad text). Only the first nf fields are made.
 */
static void write_gpkg(const char *path, const tpoly *p, int n, int epsg, int levels_text, int nf)
{
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    ck_assert_ptr_nonnull(drv);
    remove(path);
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRSpatialReferenceH rd = OSRNewSpatialReference(NULL), out = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(rd, 28992);
    OSRImportFromEPSG(out, epsg);
    OSRSetAxisMappingStrategy(rd, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(out, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = epsg == 28992 ? NULL : OCTNewCoordinateTransformation(rd, out);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "peilgebied", out, wkbPolygon, NULL);
    ck_assert_ptr_nonnull(lyr);
    for (int k = 0; k < nf; k++) {
        int lev = (k >= 2 && k <= 4) || k >= NF_BASE;
        OGRFieldDefnH fd = OGR_Fld_Create(fnames[k], lev && !levels_text ? OFTReal : OFTString);
        ck_assert_int_eq(OGR_L_CreateField(lyr, fd, 1), OGRERR_NONE);
        OGR_Fld_Destroy(fd);
    }
    for (int i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        for (int k = 0; k < nf; k++) {
            if (p[i].v[k]) {
                OGR_F_SetFieldString(f, k, p[i].v[k]);
            } else {
                OGR_F_SetFieldNull(f, k);
            }
        }
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing), poly;
        double xs[5] = {p[i].x0, p[i].x1, p[i].x1, p[i].x0, p[i].x0};
        double ys[5] = {p[i].y0, p[i].y0, p[i].y1, p[i].y1, p[i].y0};
        for (int v = 0; v < 5; v++) {
            OGR_G_AddPoint_2D(ring, xs[v], ys[v]);
        }
        poly = OGR_G_CreateGeometry(wkbPolygon);
        OGR_G_AddGeometryDirectly(poly, ring);
        if (ct) {
            OGR_G_Segmentize(poly, 25.0); /* so the edges stay straight in RD */
            ck_assert_int_eq(OGR_G_Transform(poly, ct), OGRERR_NONE);
        }
        OGR_F_SetGeometryDirectly(f, poly);
        ck_assert_int_eq(OGR_L_CreateFeature(lyr, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    if (ct) {
        OCTDestroyCoordinateTransformation(ct);
    }
    OSRDestroySpatialReference(rd);
    OSRDestroySpatialReference(out);
    GDALClose(ds);
}

static io_dpoly_spec spec_of(const char *path)
{
    io_dpoly_spec s;
    memset(&s, 0, sizeof s);
    s.path = path;
    s.province_field = "PROVINCIE";
    s.supplied_field = "AANVOER";
    return s;
}

static char *tmp(const char *tag, const char *file, char *buf, size_t n)
{
    char dir[512];
    tu_tmpdir(tag, dir, sizeof dir);
    snprintf(buf, n, "%s/%s", dir, file);
    return buf;
}

/* Check cell_id against expect_map (A..D = ids 1..4). */
static void check_map(const int32_t *cell_id)
{
    for (int j = 0; j < NY; j++) {
        for (int i = 0; i < NX; i++) {
            char c = expect_map[NY - 1 - j][i];
            int32_t want = c == '.' ? 0 : c - 'A' + 1;
            ck_assert_msg(cell_id[j * NX + i] == want, "cell row %d col %d: %d, want %d", j, i,
                          (int)cell_id[j * NX + i], (int)want);
        }
    }
}

static void read_ok(const char *path, int32_t *cell_id, io_dpoly *d, io_dpoly_report *rep)
{
    io_dpoly_spec s = spec_of(path);
    zt_grid g = grid();
    zt_err err;
    zt_err_clear(&err);
    zt_status st = io_dpoly_read(&s, &g, cell_id, d, rep, &err);
    ck_assert_msg(st == ZT_OK, "%s", err.msg);
}

START_TEST(test_hand_count)
{
    char path[600];
    int32_t cell_id[NX * NY];
    io_dpoly d;
    io_dpoly_report rep;
    write_gpkg(tmp("dpoly_count", "pg.gpkg", path, sizeof path), good, 4, 28992, 0, NF);
    read_ok(path, cell_id, &d, &rep);
    check_map(cell_id);
    ck_assert_int_eq(d.n, 4);
    ck_assert_int_eq(d.ncells[0], 24);
    ck_assert_int_eq(d.ncells[1], 12);
    ck_assert_int_eq(d.ncells[2], 4);
    ck_assert_int_eq(d.ncells[3], 0);
    ck_assert_int_eq(rep.cells, 40);
    ck_assert_int_eq(rep.in_none, 8);
    ck_assert_int_eq(rep.overlaps, 4);
    ck_assert_int_eq(rep.empty_polygons, 1);
    ck_assert_int_eq(rep.warped, 0);
    ck_assert_str_eq(rep.crs, "EPSG:28992");
    /* ids in file order, the code kept, names from NAAM */
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(d.id[i], i + 1);
        ck_assert_str_eq(d.code[i], good[i].v[0]);
        ck_assert_str_eq(d.name[i], good[i].v[1]);
    }
    ck_assert_double_eq(d.summer[0], -0.52);
    ck_assert_double_eq(d.winter[0], -0.62);
    ck_assert_double_eq(d.summer[1], -0.25); /* the fixed level, both seasons */
    ck_assert_double_eq(d.winter[1], -0.25);
    ck_assert_int_eq(d.province[0], 21);
    ck_assert_int_eq(d.province[1], 21);
    ck_assert_int_eq(d.province[2], 20);
    ck_assert_int_eq(d.supplied[0], 1);
    ck_assert_int_eq(d.supplied[1], 0);
    ck_assert_int_eq(d.supplied[2], -1);
    for (int i = 0; i < 4; i++) { /* no attribute fields named: none given */
        ck_assert(isnan(d.ow_fraction[i]) && isnan(d.pump_mm_d[i]) && isnan(d.flushing_m3s[i]) &&
                  isnan(d.tolerance_m[i]));
    }
    io_dpoly_free(&d);
    io_dpoly_free(&d); /* NULL-safe twice */
}
END_TEST

/* The same polygons in WGS 84 give the same cells. */
START_TEST(test_wgs84)
{
    char path[600];
    int32_t cell_id[NX * NY];
    io_dpoly d;
    io_dpoly_report rep;
    write_gpkg(tmp("dpoly_4326", "pg.gpkg", path, sizeof path), good, 4, 4326, 0, NF);
    read_ok(path, cell_id, &d, &rep);
    ck_assert_str_eq(rep.crs, "EPSG:4326");
    ck_assert_int_eq(rep.warped, 1);
    check_map(cell_id);
    ck_assert_int_eq(rep.overlaps, 4);
    ck_assert_int_eq(rep.in_none, 8);
    io_dpoly_free(&d);
}
END_TEST

/* Numeric ids from CODE; the table written loads back with io_districts. */
START_TEST(test_write_ini)
{
    char path[600], ini[600];
    int32_t cell_id[NX * NY];
    io_dpoly d;
    tpoly p[4];
    const char *codes[4] = {"21001", "21002", "20001", "22001"};
    memcpy(p, good, sizeof p);
    for (int i = 0; i < 4; i++) {
        p[i].v[0] = codes[i];
    }
    p[2].v[1] = "Polder C met een heel lange naam die niet in 4ÿÿ"; /* ÿ at bytes 46-47 */
    write_gpkg(tmp("dpoly_ini", "pg.gpkg", path, sizeof path), p, 4, 28992, 0, NF);
    io_dpoly_spec s = spec_of(path);
    s.id_from_field_numeric = 1;
    zt_grid g = grid();
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(io_dpoly_read(&s, &g, cell_id, &d, NULL, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(cell_id[0], 21001);
    ck_assert_int_eq(cell_id[NX - 1], 0);
    ck_assert_int_eq(cell_id[(NY - 1) * NX + NX - 1], 20001);
    snprintf(ini, sizeof ini, "%.*s/districts.ini", (int)(strlen(path) - 8), path);
    ck_assert_msg(io_dpoly_write_ini(&d, NULL, ini, path, &err) == ZT_OK, "%s", err.msg);
    grid_district *t = NULL;
    int n = 0;
    ck_assert_msg(io_districts_load(ini, &t, &n, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(n, 3); /* 22001 has no cell: not written */
    ck_assert_int_eq(t[0].id, 20001);
    ck_assert_int_eq(t[0].province, 20);
    ck_assert_double_eq(t[0].summer_level, -1.10);
    ck_assert_double_eq(t[0].winter_level, -1.30);
    ck_assert_int_eq((int)strlen(t[0].name), 46); /* cut before the ÿ */
    ck_assert_int_eq(strncmp(t[0].name, "Polder C met een heel lange", 27), 0);
    ck_assert_int_eq(t[0].unsupplied, 0);
    ck_assert_int_eq(t[1].id, 21001);
    ck_assert_int_eq(t[1].unsupplied, 0);
    ck_assert_int_eq(t[2].id, 21002);
    ck_assert_double_eq(t[2].summer_level, -0.25);
    ck_assert_double_eq(t[2].winter_level, -0.25);
    ck_assert_int_eq(t[2].unsupplied, 1);
    ck_assert_double_eq(t[2].ow_fraction, IO_DPOLY_OW_FRACTION);
    ck_assert_double_eq(t[2].pump_mm_d, IO_DPOLY_PUMP_MM_D);
    ck_assert_double_eq(t[2].flushing_m3s, IO_DPOLY_FLUSHING_M3S);
    ck_assert_double_eq(t[2].tolerance_m, IO_DPOLY_TOLERANCE_M);
    char *text = tu_slurp(ini, NULL);
    ck_assert_ptr_nonnull(strstr(text, "pg.gpkg"));
    ck_assert_ptr_nonnull(strstr(text, "# Defaults, not from the layer: open_water_fraction 0.04, "
                                   "pump_capacity_mm_d 12, flushing_m3s 0, summer_tolerance_m 0"));
    zt_free(t);
    free(text);
    /* without a province the table cannot be written */
    d.province[1] = -1;
    zt_err_clear(&err);
    tu_expect_fail(io_dpoly_write_ini(&d, NULL, ini, path, &err), &err, ZT_EINPUT, "21002",
                   "province");
    io_dpoly_free(&d);
}
END_TEST

/*
 * The district attributes from the layer: A and C give all four; B leaves
 * open water and flushing empty (null), which take the defaults for B
 * alone. The table written carries them, and its comment says so.
 */
START_TEST(test_attributes)
{
    char path[600], ini[600];
    int32_t cell_id[NX * NY];
    io_dpoly d;
    tpoly p[3];
    memcpy(p, good, sizeof p);
    p[0].v[0] = "21001";
    p[1].v[0] = "21002";
    p[2].v[0] = "20001";
    const char *vals[3][4] = {{"0.06", "15", "0.5", "0.05"},
                              {NULL, "8.5", NULL, "0.1"},
                              {"1", "0", "2", "0"}};
    for (int i = 0; i < 3; i++) {
        for (int a = 0; a < 4; a++) {
            p[i].v[NF_BASE + a] = vals[i][a];
        }
    }
    write_gpkg(tmp("dpoly_attr", "pg.gpkg", path, sizeof path), p, 3, 28992, 0, NF);
    io_dpoly_spec s = spec_of(path);
    s.id_from_field_numeric = 1;
    s.open_water_field = "openwater"; /* names match without regard to case */
    s.pump_field = "GEMAALCAP";
    s.flushing_field = "DOORSPOEL";
    s.tolerance_field = "TOLERANTIE";
    zt_grid g = grid();
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(io_dpoly_read(&s, &g, cell_id, &d, NULL, &err) == ZT_OK, "%s", err.msg);
    ck_assert_double_eq(d.ow_fraction[0], 0.06);
    ck_assert_double_eq(d.pump_mm_d[0], 15.0);
    ck_assert_double_eq(d.flushing_m3s[0], 0.5);
    ck_assert_double_eq(d.tolerance_m[0], 0.05);
    ck_assert(isnan(d.ow_fraction[1]));
    ck_assert_double_eq(d.pump_mm_d[1], 8.5);
    ck_assert(isnan(d.flushing_m3s[1]));
    ck_assert_double_eq(d.tolerance_m[1], 0.1);
    ck_assert_double_eq(d.ow_fraction[2], 1.0);
    ck_assert_double_eq(d.pump_mm_d[2], 0.0);
    snprintf(ini, sizeof ini, "%.*s/districts.ini", (int)(strlen(path) - 8), path);
    ck_assert_msg(io_dpoly_write_ini(&d, NULL, ini, path, &err) == ZT_OK, "%s", err.msg);
    grid_district *t = NULL;
    int n = 0;
    ck_assert_msg(io_districts_load(ini, &t, &n, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(n, 3); /* sorted by id: 20001 (C), 21001 (A), 21002 (B) */
    ck_assert_int_eq(t[0].id, 20001);
    ck_assert_double_eq(t[0].ow_fraction, 1.0);
    ck_assert_double_eq(t[0].pump_mm_d, 0.0);
    ck_assert_double_eq(t[0].flushing_m3s, 2.0);
    ck_assert_double_eq(t[0].tolerance_m, 0.0);
    ck_assert_int_eq(t[1].id, 21001);
    ck_assert_double_eq(t[1].ow_fraction, 0.06);
    ck_assert_double_eq(t[1].pump_mm_d, 15.0);
    ck_assert_double_eq(t[1].flushing_m3s, 0.5);
    ck_assert_double_eq(t[1].tolerance_m, 0.05);
    ck_assert_int_eq(t[2].id, 21002);
    ck_assert_double_eq(t[2].ow_fraction, IO_DPOLY_OW_FRACTION); /* empty: the default */
    ck_assert_double_eq(t[2].pump_mm_d, 8.5);
    ck_assert_double_eq(t[2].flushing_m3s, IO_DPOLY_FLUSHING_M3S);
    ck_assert_double_eq(t[2].tolerance_m, 0.1);
    char *text = tu_slurp(ini, NULL);
    ck_assert_msg(strstr(text, "# From the layer: open_water_fraction for 2 of 3 districts, the "
                               "default 0.04 for the rest.\n"
                               "# From the layer: pump_capacity_mm_d.\n"
                               "# From the layer: flushing_m3s for 2 of 3 districts, the default 0 "
                               "for the rest.\n"
                               "# From the layer: summer_tolerance_m.\n"),
                  "%s", text);
    ck_assert_msg(!strstr(text, "Defaults, not from the layer"), "%s", text);
    zt_free(t);
    free(text);
    io_dpoly_free(&d);
}
END_TEST

/* Read a layer that must fail with ZT_EINPUT and a message holding a and b. */
static void expect_bad(const char *tag, const tpoly *p, int n, int levels_text, int nf,
                       io_dpoly_spec *s_over, const char *a, const char *b)
{
    char path[600];
    int32_t cell_id[NX * NY];
    io_dpoly d;
    zt_err err;
    zt_grid g = grid();
    write_gpkg(tmp(tag, "pg.gpkg", path, sizeof path), p, n, 28992, levels_text, nf);
    io_dpoly_spec s = s_over ? *s_over : spec_of(path);
    s.path = path;
    zt_err_clear(&err);
    tu_expect_fail(io_dpoly_read(&s, &g, cell_id, &d, NULL, &err), &err, ZT_EINPUT, a, b);
    io_dpoly_free(&d);
}

START_TEST(test_bad)
{
    tpoly p[3];
    io_dpoly_spec s;
    zt_err err;
    zt_grid g = grid();
    int32_t cell_id[NX * NY];
    io_dpoly d;

    /* missing file */
    s = spec_of("out/tests/no-such-dir/none.gpkg");
    zt_err_clear(&err);
    tu_expect_fail(io_dpoly_read(&s, &g, cell_id, &d, NULL, &err), &err, ZT_EINPUT,
                   "[districts] path", "none.gpkg");
    io_dpoly_free(&d);
    /* missing layer: the layers listed */
    s = spec_of(NULL);
    s.layer = "peilvak";
    expect_bad("dpoly_bad_layer", good, 3, 0, NF, &s, "peilvak", "peilgebied");
    /* an explicit field that is not there: the fields listed */
    s = spec_of(NULL);
    s.summer_field = "GPGZMRPL";
    expect_bad("dpoly_bad_field", good, 3, 0, NF, &s, "GPGZMRPL", "ZOMERPEIL, WINTERPEIL");
    /* no summer/winter and no fixed level field */
    expect_bad("dpoly_no_levels", good, 3, 0, 2, NULL, "ZOMERPEIL", "CODE, NAAM");
    /* a level that is not a number */
    memcpy(p, good, sizeof p);
    p[2].v[3] = "laag";
    expect_bad("dpoly_nan", p, 3, 1, NF, NULL, "WINTERPEIL", "FID 3 (code 'PG-C')");
    /* an empty level with no fixed level */
    memcpy(p, good, sizeof p);
    p[0].v[2] = NULL;
    expect_bad("dpoly_empty", p, 3, 0, NF, NULL, "'ZOMERPEIL': empty", "PG-A");
    /* an absurd level */
    memcpy(p, good, sizeof p);
    p[2].v[2] = "150";
    expect_bad("dpoly_absurd", p, 3, 0, NF, NULL, "ZOMERPEIL", "outside");
    /* duplicate codes */
    memcpy(p, good, sizeof p);
    p[2].v[0] = "PG-A";
    expect_bad("dpoly_dup", p, 3, 0, NF, NULL, "'CODE'", "duplicate");
    /* duplicate numeric ids ("021001" is 21001) */
    memcpy(p, good, sizeof p);
    p[0].v[0] = "21001";
    p[1].v[0] = "021001";
    s = spec_of(NULL);
    s.id_from_field_numeric = 1;
    expect_bad("dpoly_dupid", p, 3, 0, NF, &s, "'CODE'", "duplicate");
    /* a code that is not a number when ids are numeric */
    expect_bad("dpoly_numid", good, 3, 0, NF, &s, "'CODE'", "not an integer id");
    /* a province it cannot read */
    memcpy(p, good, sizeof p);
    p[1].v[5] = "Utrecht";
    expect_bad("dpoly_prov", p, 3, 0, NF, NULL, "'PROVINCIE'", "Utrecht");
    /* a supplied value it cannot read */
    memcpy(p, good, sizeof p);
    p[1].v[6] = "misschien";
    expect_bad("dpoly_sup", p, 3, 0, NF, NULL, "'AANVOER'", "misschien");
    /* district attributes: a named field that is not there (the fields listed) */
    s = spec_of(NULL);
    s.pump_field = "GEMAALCAP";
    expect_bad("dpoly_attr_field", good, 3, 0, NF_BASE, &s, "'GEMAALCAP' is not in layer",
               "PROVINCIE, AANVOER");
    /* values outside io_districts' ranges, or not numbers */
    static const struct {
        int a;
        const char *v, *want;
    } badv[] = {
        {0, "0", "open water fraction 0 (-) is outside (0, 1]"},
        {0, "1.5", "open water fraction 1.5"},
        {1, "600", "pumping capacity 600 (mm/d) is outside [0, 500]"},
        {1, "-1", "pumping capacity -1"},
        {2, "150", "flushing 150 (m3/s) is outside [0, 100]"},
        {3, "1.5", "summer tolerance 1.5 (m) is outside [0, 1]"},
        {3, "veel", "'veel' is not a number"},
    };
    for (size_t k = 0; k < sizeof badv / sizeof badv[0]; k++) {
        memcpy(p, good, sizeof p);
        p[1].v[NF_BASE + badv[k].a] = badv[k].v;
        s = spec_of(NULL);
        s.open_water_field = fnames[NF_BASE];
        s.pump_field = fnames[NF_BASE + 1];
        s.flushing_field = fnames[NF_BASE + 2];
        s.tolerance_field = fnames[NF_BASE + 3];
        char fld[64];
        snprintf(fld, sizeof fld, "FID 2 (code 'PG-B'): field '%s'", fnames[NF_BASE + badv[k].a]);
        expect_bad("dpoly_attr_bad", p, 3, 1, NF, &s, fld, badv[k].want);
    }
}
END_TEST

Suite *suite_dpoly(void)
{
    Suite *s = suite_create("dpoly");
    TCase *tc = tcase_create("dpoly");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hand_count);
    tcase_add_test(tc, test_wgs84);
    tcase_add_test(tc, test_write_ini);
    tcase_add_test(tc, test_attributes);
    tcase_add_test(tc, test_bad);
    suite_add_tcase(s, tc);
    return s;
}
