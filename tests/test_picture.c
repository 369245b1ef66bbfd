/*
 * test_picture.c: quicklook charts (io/io_picture.c); the maps are tested
 * in test_map.c.
 *
 * A small long-format CSV with a quoted key; the SVG's root, one
 * <polyline> per column (two after a NaN gap), the title (escaped), month
 * labels and the first point's coordinates by hand. Error paths: missing
 * file, column, key; bad number and date; options out of range; unwritable
 * folder (no .part left); failed allocations. io_nice_num by hand.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_file.h"
#include "io_picture.h"
#include "testutil.h"

static char *slurp_ok(const char *path)
{
    char *s = tu_slurp(path, NULL);
    ck_assert_msg(s != NULL, "cannot read %s", path);
    return s;
}


/* ---- charts ------------------------------------------------------------------ */

/* Demand 0..10 over 2018-06-28 .. 2018-08-03 for district A; a quoted key. */
static const char *make_csv(const char *dir, char *buf, size_t n)
{
    char *text = malloc(65536);
    size_t used = 0;
    zt_day d, d0 = zt_day_from_ymd(2018, 6, 28), d1 = zt_day_from_ymd(2018, 8, 3);
    ck_assert(text != NULL);
    used += (size_t)snprintf(text + used, 65536 - used, "date,district,demand,supplied,level\n");
    for (d = d0; d <= d1; d++) {
        char ds[11];
        double dem = 10.0 * (double)(d - d0) / (double)(d1 - d0); /* m3 s-1 */
        zt_day_format(d, ds);
        used += (size_t)snprintf(text + used, 65536 - used, "%s,A,%g,%g,-0.5\n", ds, dem,
                                 0.8 * dem);
        used += (size_t)snprintf(text + used, 65536 - used, "%s,\"B, \"\"quoted\"\"\",%g,%s,1\n",
                                 ds, 2.0, d == d0 + 3 ? "NaN" : "1.5");
    }
    io_path_join(dir, "districts.csv", buf, n);
    ck_assert_int_eq(tu_write(buf, text), 0);
    free(text);
    return buf;
}

static int count(const char *s, const char *needle)
{
    int k = 0;
    for (s = strstr(s, needle); s; s = strstr(s + 1, needle)) {
        k++;
    }
    return k;
}

START_TEST(test_chart)
{
    char dir[256], csv[512], svg[512];
    const char *cols[2] = {"demand", "supplied"};
    zt_err err;
    char *s;

    zt_err_clear(&err);
    tu_tmpdir("picture_chart", dir, sizeof dir);
    make_csv(dir, csv, sizeof csv);
    io_path_join(dir, "a.svg", svg, sizeof svg);
    ck_assert_msg(io_chart_svg(csv, "district", "A", cols, 2, svg, "Inlet demand & supply",
                               &err) == ZT_OK,
                  "%s", err.msg);
    s = slurp_ok(svg);
    ck_assert_msg(strncmp(s, "<svg ", 5) == 0, "%.80s", s);
    ck_assert_msg(strcmp(s + strlen(s) - 7, "</svg>\n") == 0, "no </svg> at the end");
    ck_assert_int_eq(count(s, "<polyline"), 2);
    ck_assert_int_eq(count(s, "data-column=\"demand\""), 1);
    ck_assert(strstr(s, "<title>Inlet demand &amp; supply</title>") != NULL);
    ck_assert(strstr(s, ">Inlet demand &amp; supply</text>") != NULL);
    /* Month ticks on 1 July and 1 August (the first labelled with its year). */
    ck_assert(strstr(s, ">Jul 2018</text>") != NULL);
    ck_assert(strstr(s, ">Aug</text>") != NULL);
    /* y axis: 0..10, nice step 2 (10/4 = 2.5 -> 2): labels 0, 2, ..., 10. */
    ck_assert(strstr(s, ">10</text>") != NULL);
    ck_assert(strstr(s, ">2</text>") != NULL);
    /* The first demand point: the first day at x = 90 (left), value 0 at
     * y = 470 (bottom); the last (10) at x = 760, y = 60 (top). */
    ck_assert(strstr(s, "points=\"90.0,470.0 ") != NULL);
    ck_assert(strstr(s, " 760.0,60.0\"/>") != NULL);
    /* Legend entries. */
    ck_assert(strstr(s, ">supplied</text>") != NULL);
    free(s);

    /* The quoted key; a NaN on the fourth day splits its line in two. */
    cols[0] = "supplied";
    ck_assert_msg(io_chart_svg(csv, "district", "B, \"quoted\"", cols, 1, svg, NULL, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    s = slurp_ok(svg);
    ck_assert_int_eq(count(s, "<polyline"), 2);
    ck_assert(strstr(s, "<title>district B, &quot;quoted&quot;</title>") != NULL);
    free(s);
}
END_TEST

/* A series shorter than two month starts gets dekad ticks; rows out of order. */
START_TEST(test_chart_short_unsorted)
{
    char dir[256], csv[512], svg[512];
    const char *cols[1] = {"q"};
    zt_err err;
    char *s;

    zt_err_clear(&err);
    tu_tmpdir("picture_short", dir, sizeof dir);
    io_path_join(dir, "s.csv", csv, sizeof csv);
    ck_assert_int_eq(tu_write(csv, "date,id,q\r\n2018-07-25,7,3\r\n2018-07-05,7,1\r\n"
                                   "2018-07-15,7,2\r\n"),
                     0);
    io_path_join(dir, "s.svg", svg, sizeof svg);
    ck_assert_msg(io_chart_svg(csv, "id", "7", cols, 1, svg, "short", &err) == ZT_OK, "%s",
                  err.msg);
    s = slurp_ok(svg);
    ck_assert(strstr(s, ">11 Jul</text>") != NULL);
    ck_assert(strstr(s, ">21 Jul</text>") != NULL);
    /* Sorted: 5 Jul (1) at the left bottom, 25 Jul (3) at the right top.
     * y: 1..3, nice range 2, step 0.5: axis 1 to 3. */
    ck_assert_msg(strstr(s, "points=\"90.0,470.0 425.0,265.0 760.0,60.0\"") != NULL, "%s", s);
    free(s);
}
END_TEST

START_TEST(test_chart_errors)
{
    char dir[256], csv[512], svg[512], bad[512];
    const char *cols[2] = {"demand", "nosuch"};
    zt_err err;

    tu_tmpdir("picture_charterr", dir, sizeof dir);
    make_csv(dir, csv, sizeof csv);
    io_path_join(dir, "e.svg", svg, sizeof svg);

    zt_err_clear(&err);
    io_path_join(dir, "absent.csv", bad, sizeof bad);
    tu_expect_fail(io_chart_svg(bad, "district", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "absent.csv", "cannot open");
    zt_err_clear(&err);
    tu_expect_fail(io_chart_svg(csv, "district", "A", cols, 2, svg, NULL, &err), &err, ZT_EINPUT,
                "column 'nosuch' not found", "columns: date, district, demand");
    zt_err_clear(&err);
    tu_expect_fail(io_chart_svg(csv, "region", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "column 'region' not found", NULL);
    zt_err_clear(&err);
    tu_expect_fail(io_chart_svg(csv, "district", "Z9", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "no rows with district = 'Z9'", "districts.csv");
    zt_err_clear(&err);
    tu_expect_fail(io_chart_svg(csv, "district", "A", cols, 0, svg, NULL, &err), &err, ZT_EUSAGE,
                "no column", NULL);

    io_path_join(dir, "bad.csv", bad, sizeof bad);
    ck_assert_int_eq(tu_write(bad, "date,district,demand\n2018-07-01,A,1\n2018-07-02,A,x1\n"), 0);
    zt_err_clear(&err);
    tu_expect_fail(io_chart_svg(bad, "district", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "bad.csv:3: column 'demand': expected a number, got 'x1'", NULL);
    ck_assert_int_eq(tu_write(bad, "date,district,demand\n2018-02-29,A,1\n"), 0);
    zt_err_clear(&err);
    tu_expect_fail(io_chart_svg(bad, "district", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "bad.csv:2: column 'date': expected a date YYYY-MM-DD, got '2018-02-29'", NULL);
    ck_assert_int_eq(tu_write(bad, "date,district,demand\n2018-07-01,A\n"), 0);
    zt_err_clear(&err);
    tu_expect_fail(io_chart_svg(bad, "district", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "bad.csv:2: 2 fields, but the header has 3", NULL);
    ck_assert_int_eq(tu_write(bad, ""), 0);
    zt_err_clear(&err);
    tu_expect_fail(io_chart_svg(bad, "district", "A", cols, 1, svg, NULL, &err), &err, ZT_EINPUT,
                "empty file", NULL);
    ck_assert(!tu_exists(svg));

    snprintf(bad, sizeof bad, "%s/nofolder/c.svg", dir);
    zt_err_clear(&err);
    tu_expect_fail(io_chart_svg(csv, "district", "A", cols, 1, bad, NULL, &err), &err, ZT_EIO,
                "nofolder", NULL);
}
END_TEST

START_TEST(test_chart_nomem)
{
    char dir[256], csv[512], svg[512];
    const char *cols[2] = {"demand", "supplied"};
    zt_err err;
    zt_status st = ZT_ENOMEM;
    long nth;

    tu_tmpdir("picture_chartnomem", dir, sizeof dir);
    make_csv(dir, csv, sizeof csv);
    io_path_join(dir, "m.svg", svg, sizeof svg);
    for (nth = 1; nth < 200 && st != ZT_OK; nth++) {
        zt_err_clear(&err);
        zt_alloc_fail_after(nth);
        st = io_chart_svg(csv, "district", "A", cols, 2, svg, NULL, &err);
        zt_alloc_fail_after(0);
        ck_assert_msg(st == ZT_OK || st == ZT_ENOMEM, "allocation %ld: %s", nth, err.msg);
        if (st != ZT_OK) {
            ck_assert(!tu_exists(svg));
        }
    }
    ck_assert_int_eq(st, ZT_OK);
    ck_assert_int_gt(nth, 2);
}
END_TEST

/* Heckbert's nice numbers: nearest (round_it 1) and not below (0). */
START_TEST(test_nice_num)
{
    ck_assert_double_eq_tol(io_nice_num(8.0, 0), 10.0, 1e-12);
    ck_assert_double_eq_tol(io_nice_num(8.0, 1), 10.0, 1e-12);
    ck_assert_double_eq_tol(io_nice_num(150.0, 0), 200.0, 1e-9);
    ck_assert_double_eq_tol(io_nice_num(2.5, 1), 2.0, 1e-12);
    ck_assert_double_eq_tol(io_nice_num(1.2, 1), 1.0, 1e-12);
    ck_assert_double_eq_tol(io_nice_num(0.33, 1), 0.5, 1e-12);
    ck_assert_double_eq_tol(io_nice_num(0.05, 0), 0.05, 1e-12);
}
END_TEST

Suite *suite_picture(void)
{
    Suite *s = suite_create("picture");
    TCase *tc = tcase_create("chart");
    tcase_add_test(tc, test_chart);
    tcase_add_test(tc, test_chart_short_unsorted);
    tcase_add_test(tc, test_chart_errors);
    tcase_add_test(tc, test_chart_nomem);
    tcase_add_test(tc, test_nice_num);
    suite_add_tcase(s, tc);
    return s;
}
