/*
 * test_domainspec.c: suite "domainspec", DOMAIN.ini and class tables
 * (io/io_domainspec.c).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_domainspec.h"
#include "testutil.h"

#define GRID "[grid]\nx0 = 120000\ny0 = 520000\ndx = 250\nnx = 4\nny = 3\n"
#define DIST "[districts]\nfile = \"peil.gpkg\"\nid = \"CODE\"\n"

static zt_status read_text(const char *tag, const char *text, io_domainspec *s, zt_err *err)
{
    char dir[256], path[300];
    tu_tmpdir(tag, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/domain.ini", dir);
    ck_assert_int_eq(tu_write(path, text), 0);
    zt_err_clear(err);
    return io_domainspec_read(path, s, err);
}

START_TEST(good_file)
{
    io_domainspec s;
    zt_err err;
    const char *text = GRID
        "[layer.ahn]\nfield = \"surface_level\"\nfile = \"ahn.tif\"\nresample = \"median\"\n"
        "factor = 0.01\n"
        "[layer.lgn]\nfield = \"landuse\"\nfile = \"lgn.tif\"\nclasses = \"lgn.csv\"\n"
        "[layer.water]\nfield = \"fixed_head\"\nfile = \"top10.gpkg\"\nlayer = \"waterdeel\"\n"
        "resample = \"fraction\"\nwhere = \"typewater = 'meer'\"\n"
        "[defaults]\nkd = 500\ngw_depth_init = 0.8\n" DIST "outside = \"nearest\"\n"
        "open_water = \"OPENWATER\"\npump = \"GEMAALCAP\"\nflushing = \"DOORSPOEL\"\n"
        "tolerance = \"TOLERANTIE\"\n";
    ck_assert_msg(read_text("ds_good", text, &s, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(s.grid.nx, 4);
    ck_assert_int_eq(s.grid.ny, 3);
    ck_assert_double_eq(s.grid.dx, 250.0);
    ck_assert_int_eq(s.nlayer, 3);
    ck_assert_int_eq(s.layer[0].field, DS_SURFACE);
    ck_assert_str_eq(io_ds_resample_names[s.layer[0].resample], "median");
    ck_assert_double_eq(s.layer[0].factor, 0.01);
    ck_assert(strstr(s.layer[0].file, "/ds_good/ahn.tif"));
    ck_assert_str_eq(io_ds_resample_names[s.layer[1].resample], "mode"); /* a class: mode */
    ck_assert_str_eq(s.layer[2].vlayer, "waterdeel");
    ck_assert_double_eq(s.def[DS_KD], 500.0);
    ck_assert(isnan(s.def[DS_DEEP_HEAD]));
    ck_assert_str_eq(s.districts.id, "CODE");
    ck_assert_int_eq(s.districts.outside_nearest, 1);
    ck_assert_str_eq(s.districts.open_water, "OPENWATER");
    ck_assert_str_eq(s.districts.pump, "GEMAALCAP");
    ck_assert_str_eq(s.districts.flushing, "DOORSPOEL");
    ck_assert_str_eq(s.districts.tolerance, "TOLERANTIE");
    ck_assert_ptr_null(s.districts.supplied); /* not given: NULL */
    io_domainspec_free(&s);
    /* the attribute keys are optional */
    ck_assert_msg(read_text("ds_noattr", GRID DIST, &s, &err) == ZT_OK, "%s", err.msg);
    ck_assert_ptr_null(s.districts.open_water);
    ck_assert_ptr_null(s.districts.pump);
    ck_assert_ptr_null(s.districts.flushing);
    ck_assert_ptr_null(s.districts.tolerance);
    io_domainspec_free(&s);
}
END_TEST

START_TEST(bad_files)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"[grid]\nx0 = 0\ny0 = 0\ndx = 250\nnx = 0\nny = 3\n" DIST, "[grid] nx"},
        {GRID "[layer.a]\nfield = \"height\"\nfile = \"a.tif\"\n" DIST, "[layer.a] field"},
        {GRID "[layer.b]\nfield = \"soil\"\nfile = \"b.tif\"\n" DIST, "needs a class table"},
        {GRID "[layer.b]\nfield = \"soil\"\nfile = \"b.tif\"\nclasses = \"c.csv\"\n"
              "resample = \"mean\"\n" DIST,
         "resample by mode or nearest"},
        {GRID "[layer.c]\nfield = \"fixed_head\"\nfile = \"c.tif\"\nresample = \"fraction\"\n" DIST,
         "needs the codes counted"},
        {GRID "[layer.d]\nfield = \"kd\"\nfile = \"d.tif\"\n[layer.e]\nfield = \"kd\"\n"
              "file = \"e.tif\"\n" DIST,
         "kd is filled by [layer.d] already"},
        {GRID "[layer.f]\nfield = \"kd\"\nfile = \"f.tif\"\nbnad = 2\n" DIST, "bnad"},
        {GRID, "[districts] file"},
        {GRID "[defaults]\nkd = \"big\"\n" DIST, "[defaults] kd"},
        {GRID DIST "pump = 12\n", "[districts] pump"}, /* a field name, not a value */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        io_domainspec s;
        zt_err err;
        ck_assert_int_eq(read_text("ds_bad", cases[i].text, &s, &err), ZT_ECONFIG);
        ck_assert_msg(strstr(err.msg, cases[i].want) && strstr(err.msg, "domain.ini"),
                      "case %zu: '%s' lacks '%s'", i, err.msg, cases[i].want);
    }
}
END_TEST

START_TEST(class_tables)
{
    char dir[256], path[300];
    double *codes;
    int *cls, n;
    zt_err err;
    tu_tmpdir("ds_classes", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/lgn.csv", dir);
    ck_assert_int_eq(tu_write(path, "# LGN to zoet\ncode,class,description\n1,grass,agrarisch "
                                    "gras\n2,arable,mais\n16,water,zoet water\n"),
                     0);
    zt_err_clear(&err);
    ck_assert_msg(io_ds_classes(path, zt_landuse_names, ZT_NLANDUSE, &codes, &cls, &n, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    ck_assert_int_eq(n, 3);
    ck_assert_double_eq(codes[2], 16.0);
    ck_assert_int_eq(cls[2], ZT_LU_WATER);
    ck_assert_int_eq(cls[0], ZT_LU_GRASS);
    zt_free(codes);
    zt_free(cls);
    ck_assert_int_eq(tu_write(path, "code,class\n1,grass\n2,meadow\n"), 0);
    zt_err_clear(&err);
    ck_assert_int_eq(io_ds_classes(path, zt_landuse_names, ZT_NLANDUSE, &codes, &cls, &n, &err),
                     ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "lgn.csv:3") && strstr(err.msg, "'meadow' is not a zoet class"),
                  "%s", err.msg);
    ck_assert_int_eq(tu_write(path, "code,class\n1,grass\n1,arable\n"), 0);
    zt_err_clear(&err);
    ck_assert_int_eq(io_ds_classes(path, zt_landuse_names, ZT_NLANDUSE, &codes, &cls, &n, &err),
                     ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "code 1 given twice"), "%s", err.msg);
    ck_assert_int_eq(tu_write(path, "code,class\n1.5,grass\n"), 0);
    zt_err_clear(&err);
    ck_assert_int_eq(io_ds_classes(path, zt_landuse_names, ZT_NLANDUSE, &codes, &cls, &n, &err),
                     ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "whole number"), "%s", err.msg);
}
END_TEST

Suite *suite_domainspec(void)
{
    Suite *su = suite_create("domainspec");
    TCase *tc = tcase_create("domainspec");
    tcase_add_test(tc, good_file);
    tcase_add_test(tc, bad_files);
    tcase_add_test(tc, class_tables);
    suite_add_tcase(su, tc);
    return su;
}
