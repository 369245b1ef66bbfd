/*
 * test_io_knmi14.c: suite "io_knmi14", the KNMI'14 delta files
 * (io/io_knmi14.c) as they are in data/knmi14, and bad ones.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_knmi14.h"
#include "testutil.h"

#define K14 "data/knmi14"

START_TEST(read_the_files)
{
    /* WH 2050, by hand from the files: rr January wdf 1.919, ave 17.368,
     * p99.centr 13.55 (lower 8.9); July wdf -11.308; tg NON January 5.985
     * 4.476 2.472 1.864 1.567, July P99 2.909; rsds January -5.89. 2030
     * (months JAN..DEC, no scenario): January wdf 1.187, p99.upper 7.7. */
    io_k14_deltas d;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(io_k14_read(K14, "WH", "2050", "NON", "centr", &d, &err) == ZT_OK, "%s", err.msg);
    ck_assert_double_eq(d.rr[0].wdf, 1.919);
    ck_assert_double_eq(d.rr[0].ave, 17.368);
    ck_assert_double_eq(d.rr[0].p99, 13.55);
    ck_assert_double_eq(d.rr[6].wdf, -11.308);
    ck_assert_double_eq(d.tg[0][0], 5.985);
    ck_assert_double_eq(d.tg[0][4], 1.567);
    ck_assert_double_eq(d.tg[6][4], 2.909);
    ck_assert_double_eq(d.rsds[0], -5.89);
    ck_assert_msg(io_k14_read(K14, "WH", "2050", "NON", "lower", &d, &err) == ZT_OK, "%s", err.msg);
    ck_assert_double_eq(d.rr[0].p99, 8.9);
    ck_assert_msg(io_k14_read(K14, NULL, "2030", "NON", "upper", &d, &err) == ZT_OK, "%s", err.msg);
    ck_assert_double_eq(d.rr[0].wdf, 1.187);
    ck_assert_double_eq(d.rr[0].p99, 7.7);
}
END_TEST

/* Expect ZT_EINPUT and every piece of `want` (|-separated) in the message. */
static void expect_bad(zt_status st, const zt_err *err, const char *want)
{
    char buf[512], *save = NULL;
    ck_assert_int_eq(st, ZT_EINPUT);
    snprintf(buf, sizeof buf, "%s", want);
    for (char *w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
        ck_assert_msg(strstr(err->msg, w), "'%s' not in: %s", w, err->msg);
    }
}

/* A copy of the WH 2050 files in a fresh folder, rr replaced by text. */
static void copy_with_rr(const char *dir, const char *rr_text)
{
    static const char *const vars[] = {"rr___", "rsds_", "tg___", "tn___", "tx___"};
    char src[600], dst[600];
    for (int i = 0; i < 5; i++) {
        snprintf(src, sizeof src, K14 "/deltas-KNMI14__%sWH__2050.txt", vars[i]);
        snprintf(dst, sizeof dst, "%s/deltas-KNMI14__%sWH__2050.txt", dir, vars[i]);
        char *t = tu_slurp(src, NULL);
        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(tu_write(dst, i == 0 && rr_text ? rr_text : t), 0);
        free(t);
    }
}

/* zt_fail keeps the first error of an err: clear it before each call */
#define BAD(call, want)                                                                           \
    do {                                                                                          \
        zt_err_clear(&err);                                                                       \
        expect_bad((call), &err, (want));                                                         \
    } while (0)

START_TEST(bad_files)
{
    io_k14_deltas d;
    zt_err err;
    char dir[256];
    zt_err_clear(&err);
    BAD(io_k14_read(K14, "WX", "2050", "NON", "centr", &d, &err), "'WX'|GL, GH");
    BAD(io_k14_read(K14, "WH", "2030", "NON", "centr", &d, &err), "'2030'");
    BAD(io_k14_read(K14, "WH", "2050", "NON", "middle", &d, &err), "'middle'");
    BAD(io_k14_read(K14, "WH", "2050", "XXX", "centr", &d, &err),
               "tg___WH__2050.txt|no rows of region XXX");
    BAD(io_k14_read("/nonexistent", "WH", "2050", "NON", "centr", &d, &err),
               "/nonexistent/deltas-KNMI14__rr___WH__2050.txt|cannot open");
    tu_tmpdir("k14_bad", dir, sizeof dir);
    copy_with_rr(dir, "maand wdf ave p99.centr\n1 1 2 x\n");
    BAD(io_k14_read(dir, "WH", "2050", "NON", "centr", &d, &err),
               "rr___WH__2050.txt:2: column p99.centr|'x'");
    copy_with_rr(dir, "maand wdf ave\n1 1 2\n");
    BAD(io_k14_read(dir, "WH", "2050", "NON", "centr", &d, &err),
               "rr___WH__2050.txt:1: the header has no column 'p99.centr'");
    copy_with_rr(dir, "maand wdf ave p99.centr\n1 1 2 3\n2 1 2 3\n");
    BAD(io_k14_read(dir, "WH", "2050", "NON", "centr", &d, &err),
               "no row for month 3");
    copy_with_rr(dir, "maand wdf ave p99.centr\n13 1 2 3\n");
    BAD(io_k14_read(dir, "WH", "2050", "NON", "centr", &d, &err),
               ":2: column maand");
    copy_with_rr(dir, "maand wdf ave p99.centr\n1 1 2 1e30\n");
    BAD(io_k14_read(dir, "WH", "2050", "NON", "centr", &d, &err), "'1e30'");
    copy_with_rr(dir, "");
    BAD(io_k14_read(dir, "WH", "2050", "NON", "centr", &d, &err), "empty");
}
END_TEST

Suite *suite_io_knmi14(void)
{
    Suite *su = suite_create("io_knmi14");
    TCase *tc = tcase_create("io_knmi14");
    tcase_add_test(tc, read_the_files);
    tcase_add_test(tc, bad_files);
    suite_add_tcase(su, tc);
    return su;
}
