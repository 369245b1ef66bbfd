/*
 * test_demo_layers.c: the demo built two ways gives the same domain (issue
 * 16, item 2):
 *   - in memory: grid_demo_build and grid_demo_districts, written with
 *     io_domain_write and io_districts_write (the path `zoet demo build`
 *     took before);
 *   - from its layers: io_demo_layers_write (GeoTIFFs, a GeoPackage,
 *     DOMAIN.ini) and drv_domain_build, the path it takes now.
 * Both domain.nc files are read back and compared field by field, cell by
 * cell (bitwise, NaN equal to NaN), counted by the cells' mask; the district
 * tables value for value. The differences that remain, with their causes,
 * are printed and asserted to be exactly these:
 *   - district in fixed-head cells: 0 in memory; the nearest district from
 *     the layers (DOMAIN.ini outside = "nearest", which makes the fixed-head
 *     cells part of the domain at all; a run does not use their district);
 *   - surface_level and gw_depth_init in inactive cells: the demo's values
 *     in memory; NaN from the layers (surface_level.tif is NaN there, which
 *     keeps those cells inactive under outside = "nearest"; the build writes
 *     no initial depth outside the domain). A run reads neither. (The
 *     groundwater group and peat thickness are NaN there both ways.)
 * The time of drv_domain_build is printed (issue 16: under 10 s).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain_build.h"
#include "grid_demo.h"
#include "io_demo_layers.h"
#include "io_districts.h"
#include "io_file.h"
#include "io_nc.h"
#include "testutil.h"

#define BOUNDARIES "data/boundaries/provinciegebied_noord_nederland_rd_new.geojson"
#define DIR "out/tests/demo_layers"

static grid_domain *mem_d, *lay_d;
static grid_district *mem_t, *lay_t;
static int mem_n, lay_n;
static zt_status setup_st;
static zt_err setup_err;
static double build_s;

static void setup(void)
{
    grid_domain *d = NULL;
    grid_district *t = NULL;
    int n = 0;
    struct timespec t0, t1;
    zt_err *err = &setup_err;
    zt_err_clear(err);
    zt_status st = io_dir_ensure(DIR "/mem", err);
    if (st == ZT_OK) {
        st = grid_demo_build(BOUNDARIES, GRID_DEMO_DX, &d, err);
    }
    if (st == ZT_OK) {
        st = grid_demo_districts(d, &t, &n, err);
    }
    if (st == ZT_OK) {
        st = io_domain_write(DIR "/mem/domain.nc", d, "demo in memory", err);
    }
    if (st == ZT_OK) {
        st = io_districts_write(DIR "/mem/districts.ini", t, n, NULL, err);
    }
    if (st == ZT_OK) {
        st = io_demo_layers_write(d, t, n, DIR "/layers", err);
    }
    if (st == ZT_OK) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        st = drv_domain_build(DIR "/layers/DOMAIN.ini", DIR "/built", 1, err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        build_s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        printf("demo_layers: zoet domain build of the demo from its layers: %.2f s\n", build_s);
    }
    if (st == ZT_OK) {
        st = io_domain_read(DIR "/mem/domain.nc", NULL, 0, &mem_d, err);
    }
    if (st == ZT_OK) {
        st = io_domain_read(DIR "/built/domain.nc", NULL, 0, &lay_d, err);
    }
    if (st == ZT_OK) {
        st = io_districts_load(DIR "/mem/districts.ini", &mem_t, &mem_n, err);
    }
    if (st == ZT_OK) {
        st = io_districts_load(DIR "/built/districts.ini", &lay_t, &lay_n, err);
    }
    setup_st = st;
    zt_free(t);
    grid_domain_destroy(&d);
}

static void teardown(void)
{
    grid_domain_destroy(&mem_d);
    grid_domain_destroy(&lay_d);
    zt_free(mem_t);
    zt_free(lay_t);
}

static void need(void)
{
    ck_assert_msg(setup_st == ZT_OK, "setup failed: %s", setup_err.msg);
}

START_TEST(test_time)
{
    need();
    ck_assert_msg(build_s < 10.0, "the build took %.2f s (issue 16: under 10 s)", build_s);
}
END_TEST

START_TEST(test_grid)
{
    need();
    ck_assert_int_eq(mem_d->g.nx, lay_d->g.nx);
    ck_assert_int_eq(mem_d->g.ny, lay_d->g.ny);
    ck_assert(mem_d->g.x0 == lay_d->g.x0 && mem_d->g.y0 == lay_d->g.y0 &&
              mem_d->g.dx == lay_d->g.dx);
    ck_assert_int_eq(mem_d->has_gw, lay_d->has_gw);
    ck_assert_int_eq(mem_d->peat_thickness != NULL, lay_d->peat_thickness != NULL);
}
END_TEST

/* Cell k of field f (an array of elem bytes) equal in both: bitwise, or
 * both NaN for floats. */
static int same(const void *a, const void *b, size_t elem, zt_idx k, int isfloat)
{
    if (isfloat) {
        const float x = ((const float *)a)[k], y = ((const float *)b)[k];
        return (isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof x) == 0;
    }
    return memcmp((const char *)a + (size_t)k * elem, (const char *)b + (size_t)k * elem, elem) == 0;
}

START_TEST(test_fields)
{
    need();
    const grid_domain *a = mem_d, *b = lay_d;
    struct { const char *name; const void *a, *b; size_t elem; int isfloat; } f[] = {
        {"mask", a->mask, b->mask, 1, 0},
        {"surface_level", a->surface, b->surface, 4, 1},
        {"soil", a->soil, b->soil, 1, 0},
        {"landuse", a->landuse, b->landuse, 1, 0},
        {"district", a->district, b->district, 4, 0},
        {"province", a->province, b->province, 1, 0},
        {"gw_depth_init", a->gwdepth, b->gwdepth, 4, 1},
        {"sprinkling_source", a->sprinkling, b->sprinkling, 1, 0},
        {"kd", a->kd, b->kd, 4, 1},
        {"deep_head", a->deep_head, b->deep_head, 4, 1},
        {"seepage_resistance", a->cv, b->cv, 4, 1},
        {"ditch_resistance", a->ditch_c, b->ditch_c, 4, 1},
        {"ditch_infiltration_resistance", a->ditch_ci, b->ditch_ci, 4, 1},
        {"trench_depth", a->trench_depth, b->trench_depth, 4, 1},
        {"trench_resistance", a->trench_c, b->trench_c, 4, 1},
        {"tile_depth", a->tile_depth, b->tile_depth, 4, 1},
        {"tile_resistance", a->tile_c, b->tile_c, 4, 1},
        {"peat_thickness", a->peat_thickness, b->peat_thickness, 4, 1},
    };
    const zt_idx n = zt_grid_ncell(&a->g);
    long bad_active = 0;
    printf("demo_layers: cells that differ (in memory vs from the layers), by mask:\n"
           "  %-30s %9s %9s %9s\n", "field", "active", "fixed", "inactive");
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        long diff[3] = {0, 0, 0};
        if (!f[i].a || !f[i].b) {
            ck_assert_msg(!f[i].a && !f[i].b, "%s: in one domain only", f[i].name);
            continue;
        }
        for (zt_idx k = 0; k < n; k++) {
            const int m = a->mask[k] == ZT_MASK_ACTIVE ? 0 : a->mask[k] == ZT_MASK_FIXED ? 1 : 2;
            diff[m] += !same(f[i].a, f[i].b, f[i].elem, k, f[i].isfloat);
        }
        printf("  %-30s %9ld %9ld %9ld\n", f[i].name, diff[0], diff[1], diff[2]);
        bad_active += diff[0];
        /* the differences the header explains, and no others */
        if (strcmp(f[i].name, "district") != 0) {
            ck_assert_msg(diff[1] == 0, "%s: %ld fixed-head cells differ", f[i].name, diff[1]);
        }
        if (strcmp(f[i].name, "surface_level") != 0 && strcmp(f[i].name, "gw_depth_init") != 0) {
            ck_assert_msg(diff[2] == 0, "%s: %ld inactive cells differ", f[i].name, diff[2]);
        }
    }
    ck_assert_msg(bad_active == 0, "%ld active cell values differ", bad_active);
}
END_TEST

START_TEST(test_districts)
{
    need();
    ck_assert_int_eq(mem_n, lay_n);
    for (int i = 0; i < mem_n; i++) {
        const grid_district *x = &mem_t[i], *y = &lay_t[i];
        ck_assert_int_eq(x->id, y->id);
        ck_assert_str_eq(x->name, y->name);
        ck_assert_int_eq(x->province, y->province);
        ck_assert_msg(x->summer_level == y->summer_level && x->winter_level == y->winter_level,
                      "district %d: levels %.17g/%.17g vs %.17g/%.17g", (int)x->id,
                      x->summer_level, x->winter_level, y->summer_level, y->winter_level);
        ck_assert(x->ow_fraction == y->ow_fraction);
        ck_assert(x->pump_mm_d == y->pump_mm_d);
        ck_assert(x->flushing_m3s == y->flushing_m3s);
        ck_assert(x->tolerance_m == y->tolerance_m);
        ck_assert_int_eq(x->unsupplied, y->unsupplied);
    }
}
END_TEST

Suite *suite_demo_layers(void)
{
    Suite *s = suite_create("demo_layers");
    TCase *tc = tcase_create("both_ways");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_grid);
    tcase_add_test(tc, test_fields);
    tcase_add_test(tc, test_districts);
    tcase_add_test(tc, test_time);
    suite_add_tcase(s, tc);
    return s;
}
