/*
 * test_io_daily.c: suite "io_daily", the daily-series reader (io/io_daily.c).
 *
 * Small CSV files written into out/tests/io_daily/: a good file (comments,
 * blanks, named and default columns) read whole and in part; rows outside
 * the range that are not checked. Errors, each ZT_EINPUT with the file name
 * and the line (or the covered dates): a gap, a duplicate, a step back, a
 * value out of range, nan and inf, a bad date, an empty value, a range not
 * covered (late start, early end, no rows), a missing column, a header of
 * one column; out of memory. The real file data/lobith/Q_Lobith_1901-2025.csv
 * for 2018 against its README's checks (the tests run from the repository
 * root).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "io_daily.h"
#include "testutil.h"
#include "zt.h"

static char dir[256];

/* The options of the tests: discharge-like values in m3/s. */
static const io_daily_opts qopts = {"the test discharge", NULL, NULL, "m3/s", 0.0, 16000.0};

static zt_day ymd(int y, int m, int d)
{
    return zt_day_from_ymd(y, m, d);
}

/* Write dir/name with text; the path goes to buf. */
static const char *fixture(const char *name, const char *text, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", dir, name);
    ck_assert_msg(tu_write(buf, text) == 0, "cannot write %s", buf);
    return buf;
}

/* Load [from, to] of `text` (written to dir/name) with o; the load must fail
 * with ZT_EINPUT and a message holding "<path><want>". */
static void expect_fail(const char *name, const char *text, const io_daily_opts *o, zt_day from,
                        zt_day to, const char *want)
{
    char path[512], full[1024];
    io_daily s = {1, 1, NULL};
    zt_err err;
    zt_err_clear(&err);
    fixture(name, text, path, sizeof path);
    ck_assert_int_eq(io_daily_load(path, o, from, to, &s, &err), ZT_EINPUT);
    ck_assert_int_eq(err.status, ZT_EINPUT);
    ck_assert_ptr_null(s.values);
    ck_assert_int_eq(s.n, 0);
    snprintf(full, sizeof full, "%s%s", path, want);
    ck_assert_msg(strstr(err.msg, full), "'%s' not in: %s", full, err.msg);
}

START_TEST(good_file)
{
    char path[512];
    io_daily s = {0, 0, NULL};
    io_daily_opts named = qopts;
    zt_err err;

    tu_tmpdir("io_daily", dir, sizeof dir);
    fixture("q.csv",
            "# a comment before the header\n"
            "date, Q_m3s\n"
            "2017-12-30,1\n"
            "2017-12-29,999999\n" /* before the range: order and range not checked */
            "2018-01-01 , 2035.5\n"
            "\n"
            "# a comment between rows\n"
            "2018-01-02,2270\r\n"
            "2018-01-03,1e3\n"
            "2018-01-04,0\n"
            "2018-01-05,16000\n" /* both bounds are allowed */
            "2018-01-07,nan\n",  /* after the range: not checked */
            path, sizeof path);

    /* the whole range */
    zt_err_clear(&err);
    ck_assert_msg(io_daily_load(path, &qopts, ymd(2018, 1, 1), ymd(2018, 1, 5), &s, &err) == ZT_OK,
                  "%s", err.msg);
    ck_assert_int_eq(s.first, ymd(2018, 1, 1));
    ck_assert_int_eq(s.n, 5);
    ck_assert(s.values[0] == 2035.5);
    ck_assert(s.values[1] == 2270.0);
    ck_assert(s.values[2] == 1000.0);
    ck_assert(s.values[3] == 0.0);
    ck_assert(s.values[4] == 16000.0);
    ck_assert(io_daily_at(&s, ymd(2018, 1, 3)) == 1000.0);
    io_daily_free(&s);
    ck_assert_ptr_null(s.values);
    ck_assert_int_eq(s.n, 0);
    io_daily_free(&s); /* twice, and NULL */
    io_daily_free(NULL);

    /* a sub-range, the columns by name */
    named.date_col = "date";
    named.value_col = "Q_m3s";
    ck_assert_msg(io_daily_load(path, &named, ymd(2018, 1, 2), ymd(2018, 1, 3), &s, &err) == ZT_OK,
                  "%s", err.msg);
    ck_assert_int_eq(s.first, ymd(2018, 1, 2));
    ck_assert_int_eq(s.n, 2);
    ck_assert(io_daily_at(&s, ymd(2018, 1, 2)) == 2270.0);
    ck_assert(io_daily_at(&s, ymd(2018, 1, 3)) == 1000.0);
    io_daily_free(&s);

    /* one day; the first row of the file */
    ck_assert_msg(io_daily_load(path, &qopts, ymd(2017, 12, 30), ymd(2017, 12, 30), &s, &err) ==
                      ZT_OK,
                  "%s", err.msg);
    ck_assert_int_eq(s.n, 1);
    ck_assert(s.values[0] == 1.0);
    io_daily_free(&s);

    /* the value column first, found by name */
    fixture("swap.csv", "Q,day,note\n5.5,2018-03-01,x\n6.5,2018-03-02,y\n", path, sizeof path);
    named.date_col = "day";
    named.value_col = "Q";
    ck_assert_msg(io_daily_load(path, &named, ymd(2018, 3, 1), ymd(2018, 3, 2), &s, &err) == ZT_OK,
                  "%s", err.msg);
    ck_assert(s.values[0] == 5.5 && s.values[1] == 6.5);
    io_daily_free(&s);
}
END_TEST

START_TEST(order_errors)
{
    tu_tmpdir("io_daily", dir, sizeof dir);
    /* a gap inside the range */
    expect_fail("gap.csv", "date,Q\n2018-01-01,1\n2018-01-02,2\n2018-01-05,5\n", &qopts,
                ymd(2018, 1, 1), ymd(2018, 1, 10),
                ":4: column 'date': no row for 2018-01-03 (the dates jump from 2018-01-02 to "
                "2018-01-05");
    /* a gap over the range's first day, the file starting before it */
    expect_fail("gap0.csv", "date,Q\n2017-12-30,1\n2018-01-02,2\n", &qopts, ymd(2018, 1, 1),
                ymd(2018, 1, 2), ":3: column 'date': no row for 2018-01-01");
    /* a gap over the whole range: not "the file does not cover it" */
    expect_fail("gapall.csv", "date,Q\n2017-12-31,1\n2019-01-01,2\n", &qopts, ymd(2018, 1, 1),
                ymd(2018, 12, 31), ":3: column 'date': no row for 2018-01-01");
    /* a duplicate */
    expect_fail("dup.csv", "date,Q\n2018-01-01,1\n2018-01-02,2\n2018-01-02,2\n2018-01-03,3\n",
                &qopts, ymd(2018, 1, 1), ymd(2018, 1, 3),
                ":4: column 'date': 2018-01-02 a second time");
    /* a step back */
    expect_fail("back.csv", "date,Q\n2018-01-01,1\n2018-01-02,2\n2018-01-03,3\n2018-01-01,1\n",
                &qopts, ymd(2018, 1, 1), ymd(2018, 1, 2),
                ":5: column 'date': 2018-01-01 after 2018-01-03 (the dates must increase");
    /* a day of the range again after rows outside it (a second piece glued on) */
    expect_fail("again.csv", "date,Q\n2018-01-01,1\n2018-01-02,2\n2017-06-01,0\n2018-01-02,2\n",
                &qopts, ymd(2018, 1, 1), ymd(2018, 1, 2),
                ":5: column 'date': 2018-01-02 a second time (one row per day)");
    /* a bad date anywhere, even outside the range */
    expect_fail("baddate.csv", "date,Q\n2018-01-01,1\n2018-02-30,2\n", &qopts, ymd(2018, 1, 1),
                ymd(2018, 1, 1), ":3: column 'date': expected a date YYYY-MM-DD, got '2018-02-30'");
    expect_fail("baddate2.csv", "date,Q\n1/1/2018,1\n", &qopts, ymd(2018, 1, 1), ymd(2018, 1, 1),
                ":2: column 'date': expected a date YYYY-MM-DD, got '1/1/2018'");
}
END_TEST

START_TEST(value_errors)
{
    tu_tmpdir("io_daily", dir, sizeof dir);
    expect_fail("high.csv", "date,Q\n2018-01-01,1\n2018-01-02,16000.5\n", &qopts, ymd(2018, 1, 1),
                ymd(2018, 1, 2),
                ":3: column 'Q': 16000.5 m3/s on 2018-01-02 is outside the plausible range "
                "[0, 16000] m3/s of the test discharge");
    expect_fail("neg.csv", "date,Q\n2018-01-01,-0.1\n", &qopts, ymd(2018, 1, 1), ymd(2018, 1, 1),
                ":2: column 'Q': -0.1 m3/s on 2018-01-01 is outside the plausible range");
    expect_fail("nan.csv", "date,Q\n2018-01-01,NaN\n", &qopts, ymd(2018, 1, 1), ymd(2018, 1, 1),
                ":2: column 'Q': expected a finite number, got 'NaN'");
    expect_fail("inf.csv", "date,Q\n2018-01-01,1\n2018-01-02,-inf\n", &qopts, ymd(2018, 1, 1),
                ymd(2018, 1, 2), ":3: column 'Q': expected a finite number, got '-inf'");
    expect_fail("empty.csv", "date,Q\n2018-01-01,1\n2018-01-02, \n", &qopts, ymd(2018, 1, 1),
                ymd(2018, 1, 2), ":3: column 'Q': no value (an empty field) on 2018-01-02");
    expect_fail("text.csv", "date,Q\n2018-01-01,12a\n", &qopts, ymd(2018, 1, 1), ymd(2018, 1, 1),
                ":2: column 'Q': expected a number, got '12a'");
}
END_TEST

START_TEST(cover_and_columns)
{
    io_daily_opts named = qopts;
    char path[512];
    io_daily s = {0, 0, NULL};
    zt_err err;
    const char *rows = "date,Q\n2018-03-01,1\n2018-03-02,2\n2018-03-03,3\n";

    tu_tmpdir("io_daily", dir, sizeof dir);
    /* starting too late, ending too early, entirely before or after */
    expect_fail("late.csv", rows, &qopts, ymd(2018, 1, 1), ymd(2018, 3, 2),
                ": the test discharge covers 2018-03-01..2018-03-03, the run needs "
                "2018-01-01..2018-03-02");
    expect_fail("early.csv", rows, &qopts, ymd(2018, 3, 2), ymd(2018, 3, 4),
                ": the test discharge covers 2018-03-01..2018-03-03, the run needs "
                "2018-03-02..2018-03-04");
    expect_fail("after.csv", rows, &qopts, ymd(2019, 1, 1), ymd(2019, 1, 1),
                ": the test discharge covers 2018-03-01..2018-03-03, the run needs "
                "2019-01-01..2019-01-01");
    expect_fail("before.csv", rows, &qopts, ymd(2017, 1, 1), ymd(2017, 1, 1),
                ": the test discharge covers 2018-03-01..2018-03-03");
    expect_fail("norows.csv", "# nothing\ndate,Q\n", &qopts, ymd(2018, 1, 1), ymd(2018, 1, 1),
                ": the test discharge has no rows, the run needs 2018-01-01..2018-01-01");

    /* columns: a name that is not there; a header of one column */
    named.value_col = "Q_m3s";
    expect_fail("col.csv", rows, &named, ymd(2018, 3, 1), ymd(2018, 3, 1),
                ":1: column 'Q_m3s' not found (columns: date, Q)");
    named = qopts;
    named.date_col = "Date";
    expect_fail("col2.csv", rows, &named, ymd(2018, 3, 1), ymd(2018, 3, 1),
                ":1: column 'Date' not found");
    expect_fail("one.csv", "date\n2018-03-01\n", &qopts, ymd(2018, 3, 1), ymd(2018, 3, 1),
                ":1: the header has 1 column; the test discharge needs a date and a value column");
    /* a named date column where the value column defaults to the same one */
    named = qopts;
    named.date_col = "Q";
    expect_fail("same.csv", "x,Q\n1,2018-03-01\n", &named, ymd(2018, 3, 1), ymd(2018, 3, 1),
                ":1: the dates and the values of the test discharge are both in column 2");
    /* a row of another length (io_csv's message) */
    expect_fail("short.csv", "date,Q\n2018-03-01\n", &qopts, ymd(2018, 3, 1), ymd(2018, 3, 1),
                ":2: 1 fields, but the header has 2");

    /* a missing file: io_csv's message, with the role */
    snprintf(path, sizeof path, "%s/absent.csv", dir);
    zt_err_clear(&err);
    ck_assert_int_eq(io_daily_load(path, &qopts, ymd(2018, 3, 1), ymd(2018, 3, 1), &s, &err),
                     ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "absent.csv: cannot open the test discharge"), "%s", err.msg);

    /* out of memory, at each allocation in turn, until the load succeeds */
    fixture("ok.csv", rows, path, sizeof path);
    for (long k = 1;; k++) {
        zt_status st;
        zt_err_clear(&err);
        zt_alloc_fail_after(k);
        st = io_daily_load(path, &qopts, ymd(2018, 3, 1), ymd(2018, 3, 3), &s, &err);
        zt_alloc_fail_after(0);
        if (st == ZT_OK) {
            ck_assert(io_daily_at(&s, ymd(2018, 3, 3)) == 3.0);
            io_daily_free(&s);
            break;
        }
        ck_assert_msg(st == ZT_ENOMEM, "allocation %ld: %s", k, err.msg);
        ck_assert_ptr_null(s.values);
        ck_assert_msg(k < 100, "still failing after %ld allocations", k);
    }
}
END_TEST

/* data/lobith/README.md: 2018 August mean 915 m3/s, the year's minimum
 * 732 m3/s (2018-10-29), 120 days below 1,000 m3/s. */
START_TEST(lobith_2018)
{
    const char *path = "data/lobith/Q_Lobith_1901-2025.csv";
    const io_daily_opts o = {"the Rhine discharge at Lobith", "date", "Q_m3s", "m3/s", 0.0,
                             20000.0};
    io_daily s = {0, 0, NULL};
    zt_err err;
    double sum = 0.0, min = 1e30;
    int below = 0;

    zt_err_clear(&err);
    ck_assert_msg(io_daily_load(path, &o, ymd(2018, 1, 1), ymd(2018, 12, 31), &s, &err) == ZT_OK,
                  "%s", err.msg);
    ck_assert_int_eq(s.n, 365);
    for (zt_day d = ymd(2018, 8, 1); d <= ymd(2018, 8, 31); d++) {
        sum += io_daily_at(&s, d); /* m3/s */
    }
    ck_assert_double_eq_tol(sum / 31.0, 915.0, 0.5);
    for (int i = 0; i < s.n; i++) {
        min = s.values[i] < min ? s.values[i] : min;
        below += s.values[i] < 1000.0;
    }
    ck_assert_double_eq_tol(min, 732.0, 0.5);
    ck_assert(io_daily_at(&s, ymd(2018, 10, 29)) == min);
    ck_assert_int_eq(below, 120);
    io_daily_free(&s);

    /* the whole record: every day from 1901-01-01 to 2025-11-23 */
    ck_assert_msg(io_daily_load(path, &o, ymd(1901, 1, 1), ymd(2025, 11, 23), &s, &err) == ZT_OK,
                  "%s", err.msg);
    ck_assert_int_eq(s.n, 45618);
    ck_assert(io_daily_at(&s, ymd(1929, 2, 18)) == 575.0); /* the record minimum */
    io_daily_free(&s);
}
END_TEST

Suite *suite_io_daily(void)
{
    Suite *su = suite_create("io_daily");
    TCase *tc = tcase_create("io_daily");
    tcase_add_test(tc, good_file);
    tcase_add_test(tc, order_errors);
    tcase_add_test(tc, value_errors);
    tcase_add_test(tc, cover_and_columns);
    tcase_add_test(tc, lobith_2018);
    suite_add_tcase(su, tc);
    return su;
}
