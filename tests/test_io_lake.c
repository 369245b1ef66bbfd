/*
 * test_io_lake.c: suite "io_lake", the lake file (io/io_lake.c): the
 * project's own file read whole, and each bad file refused with a message
 * that names the file, the line and the key.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io_lake.h"
#include "io_network.h"
#include "testutil.h"
#include "zt.h"

static char dir[512];

static void setup(void)
{
    tu_tmpdir("io_lake", dir, sizeof dir);
}

/* A minimal good lake file: 12 lines up to the sea. */
#define LAKE_MIN                                                                                   \
    "[lake]\n"                                                                                     \
    "area_km2 = 1833.0\n"                                                                          \
    "lobith_m3s = [600, 898, 1590]\n"                                                              \
    "ijssel_m3s = [85, 145, 287]\n"                                                                \
    "sluice_m3s = 2000.0\n"                                                                        \
    "sluice_level = 0.0\n"                                                                         \
    "sea_low = -0.9\n"

START_TEST(the_project_file)
{
    /* scenarios/lake/ijsselmeer-markermeer.ini, as docs/lake.md gives it */
    io_lake l;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(io_lake_load("scenarios/lake/ijsselmeer-markermeer.ini", &l, &err) == ZT_OK,
                  "%s", err.msg);
    ck_assert(fabs(l.area - 1833e6) < 1.0);
    ck_assert_int_eq(l.ncurve, 8);
    ck_assert(l.curve_q[3] == 898.0 && l.curve_ij[3] == 145.0);
    ck_assert_int_eq(l.lag_days, 2);
    ck_assert(l.pump_m3s == 275.0 && l.pump_from == 2026);
    ck_assert_int_eq(l.ninflow, 4);
    ck_assert_str_eq(l.inflow[0].name, "vecht");
    ck_assert_int_eq(l.inflow[0].scaled, 1);
    ck_assert_int_eq(l.inflow[1].scaled, 0);
    ck_assert_int_eq(l.nuser, 6);
    ck_assert_str_eq(l.user[0].name, "andijk_drinking");
    ck_assert_str_eq(io_net_level_names[l.user[0].level], "2.1");
    ck_assert(l.user[0].m3s[6] == 0.761);
    /* the other users' classes */
    ck_assert_str_eq(io_net_level_names[l.user[1].level], "1.2");
    ck_assert_str_eq(io_net_level_names[l.user[2].level], "4");
}
END_TEST

/* A lake file that must fail, naming file:line and the key. */
static void bad(const char *name, const char *text, int line, const char *key)
{
    char path[700], at[800];
    io_lake l;
    zt_err err;
    zt_err_clear(&err);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(tu_write(path, text), 0);
    ck_assert_int_eq(io_lake_load(path, &l, &err), ZT_ECONFIG);
    snprintf(at, sizeof at, "%s:%d:", path, line);
    ck_assert_msg(strstr(err.msg, at) && strstr(err.msg, key), "%s: '%s' and '%s' not in: %s",
                  name, at, key, err.msg);
}

START_TEST(bad_files)
{
    char path[700];
    io_lake l;
    zt_err err;
    zt_err_clear(&err);
    snprintf(path, sizeof path, "%s/good.ini", dir);
    ck_assert_int_eq(tu_write(path, LAKE_MIN), 0);
    ck_assert_msg(io_lake_load(path, &l, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(l.lag_days, 0);
    ck_assert(l.evap_factor[5] == 1.0 && l.ijssel_net[5] == 0.0 && l.pump_m3s == 0.0);

    bad("b1.ini", "[lake]\narea_km2 = 0\n", 2, "area_km2");
    bad("b2.ini", LAKE_MIN "lag_days = 40\n", 8, "lag_days");
    bad("b3.ini",
        "[lake]\narea_km2 = 1833.0\nlobith_m3s = [600, 598, 1590]\nijssel_m3s = [85, 145, 287]\n",
        3, "lobith_m3s");
    bad("b4.ini",
        "[lake]\narea_km2 = 1833.0\nlobith_m3s = [600, 898, 1590]\nijssel_m3s = [85, 145]\n", 4,
        "ijssel_m3s");
    bad("b5.ini",
        "[lake]\narea_km2 = 1833.0\nlobith_m3s = [600, 898, 1590]\nijssel_m3s = [85, 145, 2000]\n",
        4, "ijssel_m3s");
    bad("b6.ini", "[lake]\narea_km2 = 1833.0\nlobith_m3s = [600]\nijssel_m3s = [85]\n", 3,
        "lobith_m3s");
    bad("b7.ini", LAKE_MIN "evaporation_factor = [1, 1]\n", 8, "evaporation_factor");
    bad("b8.ini", LAKE_MIN "[user.andijk]\nclass = \"2.3\"\nmonthly_m3s = 0.76\n", 9, "class");
    bad("b9.ini", LAKE_MIN "[user.andijk]\nclass = \"2.1\"\nmonthly_m3s = -1\n", 10,
        "monthly_m3s");
    bad("b10.ini", LAKE_MIN "[inflow.vecht]\nmonthly_m3s = 30\nscaled = 1\n", 10, "scaled");
    bad("b11.ini", LAKE_MIN "pumps = 275\n", 8, "pumps");
    bad("b12.ini", LAKE_MIN "[user.Andijk]\nclass = \"2.1\"\nmonthly_m3s = 1\n", 10, "Andijk");
    bad("b13.ini",
        "[lake]\narea_km2 = 1833.0\nlobith_m3s = [0, 898, 1590]\nijssel_m3s = [0, 145, 287]\n",
        3, "lobith_m3s");
    bad("b14.ini", LAKE_MIN "sluice_m3s = 0\n", 8, "sluice_m3s");
    bad("b15.ini",
        "[lake]\narea_km2 = 1833.0\nlobith_m3s = [600, 898]\nijssel_m3s = [85, 145]\n"
        "sluice_m3s = 2000.0\nsluice_level = -1.0\nsea_low = -0.9\n",
        7, "sea_low");
}
END_TEST

Suite *suite_io_lake(void);
Suite *suite_io_lake(void)
{
    Suite *su = suite_create("io_lake");
    TCase *tc = tcase_create("file");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, the_project_file);
    tcase_add_test(tc, bad_files);
    suite_add_tcase(su, tc);
    return su;
}
