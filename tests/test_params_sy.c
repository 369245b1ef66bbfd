/*
 * test_params_sy.c: the specific yield of the parameter table (issue 3):
 * [soil.X] specific_yield, read by io/io_params.c into io_params.sy.
 *
 * - the defaults of scenarios/params/default.ini, recomputed by hand from
 *   their sources (docs/parameters.md §2.1): peat and clay as the drainable
 *   porosity theta_s - theta(h) of the Staring 2001 subsoils O17 at
 *   h = -50 cm and O11 at h = -100 cm (Mualem-Van Genuchten, FACTS.md §8),
 *   sand as the mean of the Cultuurtechnisch Vademecum table's podzols at
 *   100 cm; open water (soil 0) gets 1;
 * - out of range (0.6, 0.005) and missing keys rejected with ZT_ECONFIG
 *   naming file, line, section and key.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_params.h"
#include "testutil.h"

#define DEFAULT_INI "scenarios/params/default.ini"

/* Mualem-Van Genuchten water content (-) at suction h (cm). */
static double mvg_theta(double tr, double ts, double alpha, double n, double h_cm)
{
    double m = 1.0 - 1.0 / n;
    return tr + (ts - tr) * pow(1.0 + pow(alpha * fabs(h_cm), n), -m);
}

START_TEST(sy_defaults)
{
    io_params *p = NULL;
    zt_err err;
    double peat = 0.86 - mvg_theta(0.01, 0.86, 0.0123, 1.276, 50.0);  /* O17, 0.5 m */
    double clay = 0.42 - mvg_theta(0.00, 0.42, 0.0191, 1.152, 100.0); /* O11, 1.0 m */
    double sand = 0.5 * (0.15 + 0.10);                                /* podzols, 1.0 m */

    zt_err_clear(&err);
    ck_assert_msg(io_params_load(DEFAULT_INI, &p, &err) == ZT_OK, "%s", err.msg);
    /* the file holds the derived values to 3 significant digits */
    ck_assert_double_eq_tol(p->sy[ZT_SOIL_PEAT], peat, 0.0005);
    ck_assert_double_eq_tol(p->sy[ZT_SOIL_CLAY], clay, 0.0005);
    ck_assert_double_eq_tol(p->sy[ZT_SOIL_SAND], sand, 1e-12);
    ck_assert_double_eq(p->sy[ZT_SOIL_NONE], 1.0);
    /* within FACTS §8: sand 0.02-0.20 [S]; clay 0.02-0.06, peat 0.05-0.15 [E] */
    ck_assert(p->sy[ZT_SOIL_SAND] >= 0.02 && p->sy[ZT_SOIL_SAND] <= 0.20);
    ck_assert(p->sy[ZT_SOIL_CLAY] >= 0.02 && p->sy[ZT_SOIL_CLAY] <= 0.06);
    ck_assert(p->sy[ZT_SOIL_PEAT] >= 0.05 && p->sy[ZT_SOIL_PEAT] <= 0.15);
    io_params_destroy(&p);
    ck_assert_ptr_null(p);
}
END_TEST

/*
 * default.ini with the peat line "specific_yield = 0.0755" replaced by
 * `to` (NULL: the line removed); the load must fail with a message holding
 * `want` and the file's name.
 */
static void bad_sy(const char *name, const char *to, const char *want)
{
    char dir[256], path[512];
    const char *from = "specific_yield = 0.0755\n";
    size_t len = 0, pre;
    char *text = tu_slurp(DEFAULT_INI, &len), *out, *at;
    io_params *p = NULL;
    zt_err err;

    ck_assert_ptr_nonnull(text);
    at = strstr(text, from);
    ck_assert_ptr_nonnull(at);
    pre = (size_t)(at - text);
    out = malloc(len + 64);
    ck_assert_ptr_nonnull(out);
    snprintf(out, len + 64, "%.*s%s%s", (int)pre, text, to ? to : "", at + strlen(from));
    tu_tmpdir("params_sy", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(tu_write(path, out), 0);
    zt_err_clear(&err);
    ck_assert_msg(io_params_load(path, &p, &err) == ZT_ECONFIG, "%s loaded: %s", name, err.msg);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(err.msg, path) != NULL, "no file in: %s", err.msg);
    ck_assert_msg(strstr(err.msg, want) != NULL, "'%s' not in: %s", want, err.msg);
    free(out);
    free(text);
}

/* The line number (1-based) of the peat specific_yield in default.ini. */
static int peat_sy_line(void)
{
    size_t len = 0;
    char *text = tu_slurp(DEFAULT_INI, &len), *at;
    int line = 1;
    ck_assert_ptr_nonnull(text);
    at = strstr(text, "specific_yield = 0.0755\n");
    ck_assert_ptr_nonnull(at);
    for (char *c = text; c < at; c++) {
        line += *c == '\n';
    }
    free(text);
    return line;
}

START_TEST(sy_out_of_range)
{
    char want[128];
    int line = peat_sy_line();

    snprintf(want, sizeof want, ":%d: [soil.peat] specific_yield: 0.6 is outside the allowed "
             "range [0.01, 0.5]", line);
    bad_sy("high.ini", "specific_yield = 0.6\n", want);
    snprintf(want, sizeof want, ":%d: [soil.peat] specific_yield: 0.005 is outside", line);
    bad_sy("low.ini", "specific_yield = 0.005\n", want);
    /* a percentage instead of a fraction */
    snprintf(want, sizeof want, ":%d: [soil.peat] specific_yield: 7.55 is outside", line);
    bad_sy("percent.ini", "specific_yield = 7.55\n", want);
    /* required: the message names the section's line and the key */
    bad_sy("missing.ini", NULL, "[soil.peat] specific_yield: missing (required)");
}
END_TEST

Suite *suite_params_sy(void)
{
    Suite *s = suite_create("params_sy");
    TCase *tc = tcase_create("params_sy");
    tcase_add_test(tc, sy_defaults);
    tcase_add_test(tc, sy_out_of_range);
    suite_add_tcase(s, tc);
    return s;
}
