/*
 * test_domain_build.c: suite "domain_build", `zoet domain build` end to end
 * (driver/domain_build.c) on layers made here with GDAL's own tools: ASCII
 * grids turned into GeoTIFFs in RD New (gdal_translate) and peilgebieden as
 * a GeoPackage (ogr2ogr from GeoJSON). The grid: 4 x 3 cells of 250 m,
 * lower-left corner x 181000, y 578000. By hand:
 *   ahn (m NAP, rows north to south):   -1.0 -1.1 -1.2 -1.3
 *                                       -1.4 -1.5 -1.6 -1.7
 *                                       -1.8 -1.9 -2.0 -2.1
 *   lgn: 1 (grass) everywhere, 16 (water) in the north-east cell;
 *   bofek: 1001 (peat) in the west half, 3001 (sand) in the east;
 *   peilgebieden: P1 the west half (x < 181500, ZOMERPEIL -1.5, WINTERPEIL
 *   -1.7, PROVINCIE 21, GEMAALCAP 14.5 mm/d), P2 the east half (VASTPEIL
 *   -2.2, PROVINCIE Fryslan, GEMAALCAP null: the default pump capacity)
 *   but its south-east cell is left out: that cell is inactive.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grid_domain.h"
#include "io_districts.h"
#include "io_dpoly.h"
#include "io_nc.h"
#include "testutil.h"

static void asc(const char *dir, const char *name, const char *rows)
{
    char path[600], cmd[1400];
    snprintf(path, sizeof path, "%s/%s.asc", dir, name);
    snprintf(cmd, sizeof cmd,
             "ncols 4\nnrows 3\nxllcorner 181000\nyllcorner 578000\ncellsize 250\n"
             "NODATA_value -9999\n%s",
             rows);
    ck_assert_int_eq(tu_write(path, cmd), 0);
    snprintf(cmd, sizeof cmd, "gdal_translate -q -a_srs EPSG:28992 '%s/%s.asc' '%s/%s.tif'", dir,
             name, dir, name);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, NULL, 0), 0);
}

static void peil(const char *dir)
{
    char path[600], cmd[1400];
    snprintf(path, sizeof path, "%s/peil.geojson", dir);
    /* P2: the east half without its south-east cell */
    ck_assert_int_eq(
        tu_write(path,
                 "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\": "
                 "{\"name\": \"urn:ogc:def:crs:EPSG::28992\"}}, \"features\": ["
                 "{\"type\": \"Feature\", \"properties\": {\"CODE\": \"1\", \"NAAM\": \"P1\", "
                 "\"ZOMERPEIL\": -1.5, \"WINTERPEIL\": -1.7, \"VASTPEIL\": null, \"PROVINCIE\": "
                 "\"21\", \"GEMAALCAP\": 14.5}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[181000, "
                 "578000], [181500, 578000], [181500, 578750], [181000, 578750], [181000, "
                 "578000]]]}},"
                 "{\"type\": \"Feature\", \"properties\": {\"CODE\": \"2\", \"NAAM\": \"P2\", "
                 "\"ZOMERPEIL\": null, \"WINTERPEIL\": null, \"VASTPEIL\": -2.2, \"PROVINCIE\": "
                 "\"Fryslan\", \"GEMAALCAP\": null}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[181500, "
                 "578000], [181750, 578000], [181750, 578250], [182000, 578250], [182000, 578750], "
                 "[181500, 578750], [181500, 578000]]]}}]}\n"),
        0);
    snprintf(cmd, sizeof cmd, "ogr2ogr -q -f GPKG '%s/peil.gpkg' '%s'", dir, path);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, NULL, 0), 0);
}

static void layers(const char *dir)
{
    char path[600];
    asc(dir, "ahn", "-1.0 -1.1 -1.2 -1.3\n-1.4 -1.5 -1.6 -1.7\n-1.8 -1.9 -2.0 -2.1\n");
    asc(dir, "lgn", "1 1 1 16\n1 1 1 1\n1 1 1 1\n");
    asc(dir, "bofek", "1001 1001 3001 3001\n1001 1001 3001 3001\n1001 1001 3001 3001\n");
    peil(dir);
    char cwd[1024], text[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(path, sizeof path, "%s/domain.ini", dir);
    snprintf(text, sizeof text,
             "[grid]\nx0 = 181000\ny0 = 578000\ndx = 250\nnx = 4\nny = 3\n"
             "[layer.ahn]\nfield = \"surface_level\"\nfile = \"ahn.tif\"\n"
             "[layer.lgn]\nfield = \"landuse\"\nfile = \"lgn.tif\"\n"
             "classes = \"%s/data/classes/lgn.csv\"\n"
             "[layer.bofek]\nfield = \"soil\"\nfile = \"bofek.tif\"\n"
             "classes = \"%s/data/classes/bofek2020.csv\"\n"
             "[defaults]\ngw_depth_init = 0.6\nsprinkling_source = 0\n"
             "[districts]\nfile = \"peil.gpkg\"\nprovince = \"PROVINCIE\"\npump = \"GEMAALCAP\"\n",
             cwd, cwd);
    ck_assert_int_eq(tu_write(path, text), 0);
}

START_TEST(build_by_hand)
{
    char dir[256], cmd[1200], out[4096], e[4096], path[600];
    grid_domain *d = NULL;
    grid_district *dist = NULL;
    int nd = 0;
    zt_err err;
    tu_tmpdir("domain_build", dir, sizeof dir);
    layers(dir);
    snprintf(cmd, sizeof cmd, "'%s' domain build '%s/domain.ini' --out '%s/out'", tu_zoet(), dir, dir);
    const int rc = tu_run(cmd, out, sizeof out, e, sizeof e);
    ck_assert_msg(rc == 0, "exit %d: %s %s", rc, out, e);
    ck_assert_msg(strstr(out, "[districts]") && strstr(out, "1 cells in none"), "%s", out);
    snprintf(path, sizeof path, "%s/out/domain.nc", dir);
    zt_err_clear(&err);
    ck_assert_msg(io_domain_read(path, NULL, 0, &d, &err) == ZT_OK, "%s", err.msg);
    /* row 0 south: cell (i, j) at j * 4 + i */
    ck_assert_float_eq_tol(d->surface[0], -1.8f, 1e-5f);
    ck_assert_float_eq_tol(d->surface[2 * 4 + 3], -1.3f, 1e-5f);
    ck_assert_int_eq(d->landuse[2 * 4 + 3], ZT_LU_WATER);
    ck_assert_int_eq(d->landuse[0], ZT_LU_GRASS);
    ck_assert_int_eq(d->soil[0], ZT_SOIL_PEAT);
    ck_assert_int_eq(d->soil[3 + 4], ZT_SOIL_SAND);
    ck_assert_int_eq(d->district[0], 1);
    ck_assert_int_eq(d->district[1 * 4 + 2], 2);
    ck_assert_int_eq(d->mask[3], ZT_MASK_INACTIVE); /* the south-east cell: in no polygon */
    ck_assert_int_eq(d->district[3], 0);
    ck_assert_int_eq(d->province[0], ZT_PROV_FRYSLAN);
    ck_assert_float_eq_tol(d->gwdepth[5], 0.6f, 1e-6f);
    grid_domain_destroy(&d);
    snprintf(path, sizeof path, "%s/out/districts.ini", dir);
    ck_assert_msg(io_districts_load(path, &dist, &nd, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(nd, 2);
    const int k = io_districts_find(dist, nd, 2);
    ck_assert_int_ge(k, 0);
    ck_assert_double_eq_tol(dist[k].summer_level, -2.2, 1e-9);
    ck_assert_double_eq_tol(dist[k].winter_level, -2.2, 1e-9);
    ck_assert_double_eq(dist[k].pump_mm_d, IO_DPOLY_PUMP_MM_D); /* GEMAALCAP null: the default */
    ck_assert_double_eq(dist[io_districts_find(dist, nd, 1)].pump_mm_d, 14.5); /* [districts] pump */
    zt_free(dist);
}
END_TEST

START_TEST(bad_builds)
{
    char dir[256], cmd[1200], path[600], e[4096];
    tu_tmpdir("domain_build_bad", dir, sizeof dir);
    layers(dir);
    /* a land-use code the class table does not know */
    asc(dir, "lgn", "1 1 1 99\n1 1 1 1\n1 1 1 1\n");
    snprintf(cmd, sizeof cmd, "'%s' domain build '%s/domain.ini' --out '%s/out' --quiet", tu_zoet(),
             dir, dir);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, e, sizeof e), 2);
    ck_assert_msg(strstr(e, "[layer.lgn]") && strstr(e, "code 99"), "%s", e);
    snprintf(path, sizeof path, "%s/out/domain.nc", dir);
    ck_assert(!tu_exists(path));
    /* no initial depth: the field, its count and the key to give */
    asc(dir, "lgn", "1 1 1 16\n1 1 1 1\n1 1 1 1\n");
    char *text = tu_slurp(strcat(strcpy(path, dir), "/domain.ini"), NULL);
    ck_assert_ptr_nonnull(text);
    char *p = strstr(text, "gw_depth_init = 0.6\n");
    ck_assert_ptr_nonnull(p);
    memmove(p, p + strlen("gw_depth_init = 0.6\n"), strlen(p + strlen("gw_depth_init = 0.6\n")) + 1);
    ck_assert_int_eq(tu_write(path, text), 0);
    free(text);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, e, sizeof e), 2);
    ck_assert_msg(strstr(e, "gw_depth_init (no layer) has no value in 11 active cell(s)") &&
                      strstr(e, "[defaults] gw_depth_init"),
                  "%s", e);
}
END_TEST

Suite *suite_domain_build(void)
{
    Suite *su = suite_create("domain_build");
    TCase *tc = tcase_create("domain_build");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, build_by_hand);
    tcase_add_test(tc, bad_builds);
    suite_add_tcase(su, tc);
    return su;
}
