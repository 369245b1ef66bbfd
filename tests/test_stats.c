/*
 * test_stats.c: suite "stats", core/core_stats.c by hand.
 */
#include <check.h>
#include <math.h>

#include "core_stats.h"

START_TEST(deficit_by_hand)
{
    /* ET0 - P: +3, +3, -10 (floored at 0, no surplus), +4, +5: the running
       deficit 3, 6, 0, 4, 9: max 9 (without the floor it would be 6) */
    const double p[5] = {0, 1, 12, 0, 0}, e[5] = {3, 4, 2, 4, 5};
    ck_assert_double_eq_tol(core_stats_deficit_max(p, e, 5), 9.0, 1e-12);
    const double pw[3] = {5, 5, 5}, ew[3] = {1, 1, 1};
    ck_assert_double_eq(core_stats_deficit_max(pw, ew, 3), 0.0);
    const double pn[2] = {0, NAN};
    ck_assert(isnan(core_stats_deficit_max(pn, e, 2)));
}
END_TEST

START_TEST(ranks_and_return_values)
{
    /* nine years: the 1-in-10 value is the largest (r = 10/10 = 1); the
       median (T = 2): r = 5, the fifth largest */
    const double v[9] = {100, 300, 200, 250, 150, 120, 180, 90, 210};
    int rank[9];
    ck_assert_int_eq(core_stats_rank(v, 9, +1, rank), 9);
    ck_assert_int_eq(rank[1], 1);
    ck_assert_int_eq(rank[7], 9);
    ck_assert_double_eq(core_stats_return_value(v, 9, +1, 10.0), 300.0);
    ck_assert_double_eq(core_stats_return_value(v, 9, +1, 2.0), 180.0);
    /* T = 4: r = 2.5, between 250 (rank 2) and 210 (rank 3): 230 */
    ck_assert_double_eq_tol(core_stats_return_value(v, 9, +1, 4.0), 230.0, 1e-12);
    /* smaller is more extreme: the 1-in-10 value is the smallest */
    ck_assert_double_eq(core_stats_return_value(v, 9, -1, 10.0), 90.0);
    /* eight years cannot give a 1-in-10 value; NaN is not counted */
    ck_assert(isnan(core_stats_return_value(v, 8, +1, 10.0)));
    const double w[4] = {1, NAN, 3, 3};
    int rw[4];
    ck_assert_int_eq(core_stats_rank(w, 4, +1, rw), 3);
    ck_assert_int_eq(rw[1], 0);
    ck_assert_int_eq(rw[2], 1); /* equal values rank in the order given */
    ck_assert_int_eq(rw[3], 2);
    ck_assert_int_eq(rw[0], 3);
    ck_assert_int_eq(core_stats_closest(v, 9, 207.0), 8); /* 210 beats 200 */
    ck_assert_int_eq(core_stats_closest(w, 4, 2.0), 0);   /* 1 and 3 tie: first */
    ck_assert_int_eq(core_stats_closest(v, 9, NAN), -1);
}
END_TEST

Suite *suite_stats(void)
{
    Suite *su = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_add_test(tc, deficit_by_hand);
    tcase_add_test(tc, ranks_and_return_values);
    suite_add_tcase(su, tc);
    return su;
}
