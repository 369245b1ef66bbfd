/*
 * test_lake.c: suite "lake", the IJsselmeer and Markermeer as one lake
 * (core/core_lake.c), against hand calculations written out above each
 * check, and the order of cuts when the lake is the root of the supply
 * network (core/core_alloc.c).
 *
 * The test lake: A = 1e9 m2 (1 cm = 1e7 m3), floor and winter level -0.40,
 * summer band -0.30 .. -0.10 m NAP, spring from 1 March, summer from
 * 1 April, winter from 1 October; sluices of 500 m3/s at 0.0 m NAP with a
 * mean low water of -1.00 m NAP outside; pumps of 275 m3/s that run when
 * sluicing leaves more than 0.10 m above the target. Volumes are within
 * TOL_M3 (1e-6 m3 of volumes of 1e8-1e9 m3), levels within TOL_H (1e-12 m).
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "core_alloc.h"
#include "core_lake.h"
#include "zt.h"

#define TOL_M3 1e-6
#define TOL_H 1e-12
#define DAY 86400.0

#define ASSERT_NEAR(a, b, tol)                                                                     \
    ck_assert_msg(fabs((a) - (b)) <= (tol), "%s = %.17g, expected %.17g (tol %g)", #a,             \
                  (double)(a), (double)(b), (double)(tol))

static core_lake_params test_params(void)
{
    core_lake_params p = {1e9,  -0.40, -0.40, -0.10, -0.30, 301, 401, 1001,
                          500.0, 0.0,  -1.00, 275.0, 0.10};
    return p;
}

static core_lake lake_at(double level)
{
    core_lake l;
    core_lake_params p = test_params();
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(core_lake_init(&l, &p, level, &err) == ZT_OK, "%s", err.msg);
    return l;
}

START_TEST(volume_and_level)
{
    /* 1 July, level -0.20, inflow 1e7 m3 (IJssel 6e6, Vecht 1e6, other 2e6,
     * north 1e6), P 2 mm and E 4 mm: V* = 1e9 x 0.20 + 1e7 + (0.002 -
     * 0.004) x 1e9 = 2.08e8 m3 above the floor. Free use down to -0.30:
     * 2.08e8 - 1e8 = 1.08e8; the ration 2.08e8 / 92 days (1 July to
     * 1 October) is smaller, so 1.08e8 is available. 5e6 drawn: the level
     * -0.40 + 2.03e8 / 1e9 = -0.197, below the summer sluicing target
     * -0.10: no sluicing. Storage change 3e6 m3 = 1e7 + 2e6 - 4e6 - 5e6. */
    core_lake l = lake_at(-0.20);
    core_lake_in in = {6e6, 1e6, 2e6, 1e6, 0.002, 0.004};
    double av;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_begin(&l, zt_day_from_ymd(2018, 7, 1), &in, &av, &err), ZT_OK);
    ASSERT_NEAR(av, 1.08e8, TOL_M3);
    ck_assert_int_eq(core_lake_days_left(&l.p, zt_day_from_ymd(2018, 7, 1)), 92);
    ck_assert_int_eq(core_lake_end(&l, 5e6, &err), ZT_OK);
    ASSERT_NEAR(l.level, -0.197, TOL_H);
    ASSERT_NEAR(l.day.target, -0.10, 0.0);
    ASSERT_NEAR(l.day.sluicing, 0.0, 0.0);
    ASSERT_NEAR(l.day.storage_change, 3e6, TOL_M3);
    ASSERT_NEAR(l.day.precipitation, 2e6, TOL_M3);
    ASSERT_NEAR(l.day.evaporation, 4e6, TOL_M3);
    ASSERT_NEAR(l.day.buffer, 1.03e8, TOL_M3); /* 1e9 x (-0.197 + 0.30) */
    ck_assert(fabs(l.day.error) <= TOL_M3);
}
END_TEST

START_TEST(sluicing_at_capacity_and_pumps)
{
    /* 15 January (winter: target -0.40), level 0.00, nothing in or out.
     * Above the target: 1e9 x 0.40 = 4e8 m3. The sluices at 0.00 m NAP:
     * 500 x sqrt(1.0 / 1.0) m3/s = 4.32e7 m3/d, all used. Left 3.568e8 m3,
     * more than 0.10 m (1e8 m3): the pumps run at 275 m3/s = 2.376e7 m3/d.
     * Level 0.00 - (4.32e7 + 2.376e7) / 1e9 = -0.06696. */
    core_lake l = lake_at(0.0);
    core_lake_in in = {0};
    double av;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_begin(&l, zt_day_from_ymd(2018, 1, 15), &in, &av, &err), ZT_OK);
    ck_assert_int_eq(core_lake_end(&l, 0.0, &err), ZT_OK);
    ASSERT_NEAR(l.day.target, -0.40, 0.0);
    ASSERT_NEAR(l.day.sluicing, 4.32e7, TOL_M3);
    ASSERT_NEAR(l.day.pumping, 2.376e7, TOL_M3);
    ASSERT_NEAR(l.level, -0.06696, TOL_H);

    /* The next day from -0.06696: the sluices give 500 x sqrt(0.93304) m3/s
     * = 4.17311e7 m3/d (to 6 digits; computed below); left 3.3304e8 -
     * that, still above 1e8: the pumps again. */
    const double smax = 500.0 * sqrt(0.93304) * DAY;
    ck_assert_int_eq(core_lake_begin(&l, zt_day_from_ymd(2018, 1, 16), &in, &av, &err), ZT_OK);
    ck_assert_int_eq(core_lake_end(&l, 0.0, &err), ZT_OK);
    ASSERT_NEAR(l.day.sluicing, smax, TOL_M3);
    ASSERT_NEAR(l.day.pumping, 2.376e7, TOL_M3);
    ASSERT_NEAR(l.level, -0.06696 - (smax + 2.376e7) / 1e9, TOL_H);
}
END_TEST

START_TEST(sluicing_without_pumps)
{
    /* 15 November, level -0.35: 5e7 m3 above the winter target; the
     * sluices can take 500 x sqrt(0.65) m3/s = 3.4828e7 m3/d, leaving
     * 1.5172e7 m3 (1.5 cm), less than 0.10 m: no pumping. 1 August, level
     * -0.12 with 3e7 m3 of inflow: 1e7 m3 above -0.10, well within the
     * sluices: sluiced to -0.10 exactly. */
    core_lake l = lake_at(-0.35);
    core_lake_in in = {0};
    double av;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_begin(&l, zt_day_from_ymd(2018, 11, 15), &in, &av, &err), ZT_OK);
    ck_assert_int_eq(core_lake_end(&l, 0.0, &err), ZT_OK);
    ASSERT_NEAR(l.day.sluicing, 500.0 * sqrt(0.65) * DAY, TOL_M3);
    ASSERT_NEAR(l.day.pumping, 0.0, 0.0);
    ASSERT_NEAR(l.level, -0.35 - 500.0 * sqrt(0.65) * DAY / 1e9, TOL_H);

    l = lake_at(-0.12);
    in.ijssel = 3e7;
    ck_assert_int_eq(core_lake_begin(&l, zt_day_from_ymd(2018, 8, 1), &in, &av, &err), ZT_OK);
    ck_assert_int_eq(core_lake_end(&l, 0.0, &err), ZT_OK);
    ASSERT_NEAR(l.day.sluicing, 1e7, TOL_M3);
    ASSERT_NEAR(l.level, -0.10, TOL_H);
    /* spring (15 March): the target is the upper level, no sluicing at -0.20 */
    l = lake_at(-0.20);
    ck_assert_int_eq(core_lake_begin(&l, zt_day_from_ymd(2018, 3, 15), &in, &av, &err), ZT_OK);
    ck_assert_int_eq(core_lake_end(&l, 0.0, &err), ZT_OK);
    ASSERT_NEAR(l.day.sluicing, 0.0, 0.0);
    ASSERT_NEAR(l.level, -0.17, TOL_H);
    /* no sluicing below the mean low water outside */
    ASSERT_NEAR(core_lake_sluice_capacity(&l.p, -1.2), 0.0, 0.0);
    ASSERT_NEAR(core_lake_sluice_capacity(&l.p, -0.75), 250.0 * DAY, TOL_M3);
}
END_TEST

START_TEST(gravity_inlet_share)
{
    /* a sluice from the lake into a boezem at -0.52 m NAP, its capacity
     * stated at -0.10: at -0.20 the head is 0.32 of 0.42 m, the flow
     * sqrt(0.32 / 0.42) = 0.8728716 of it (by hand); 0.25 of the head
     * gives half; never more than the stated capacity; no head, no flow */
    ASSERT_NEAR(core_lake_inlet_share(-0.20, -0.52, -0.10), 0.8728715609439696, 1e-15);
    ASSERT_NEAR(core_lake_inlet_share(-0.415, -0.52, -0.10), 0.5, 1e-15);
    ASSERT_NEAR(core_lake_inlet_share(-0.10, -0.52, -0.10), 1.0, 0.0);
    ASSERT_NEAR(core_lake_inlet_share(0.30, -0.52, -0.10), 1.0, 0.0);
    ASSERT_NEAR(core_lake_inlet_share(-0.52, -0.52, -0.10), 0.0, 0.0);
    ASSERT_NEAR(core_lake_inlet_share(-0.60, -0.52, -0.10), 0.0, 0.0);
    ASSERT_NEAR(core_lake_inlet_share(NAN, -0.52, -0.10), 0.0, 0.0);
}
END_TEST

START_TEST(rationing_below_the_band)
{
    /* 31 August, level -0.35 (below the band's -0.30), nothing in: V* =
     * 5e7 m3 above the floor; free use 5e7 - 1e8 < 0; the ration spreads
     * it over the 31 days to 1 October: 5e7 / 31 m3 today. Drawn in full
     * every day with nothing coming in, the ration is the same every day
     * (V/n over n days) and the level reaches the floor on 1 October. */
    core_lake l = lake_at(-0.35);
    core_lake_in in = {0};
    double av;
    zt_err err;
    zt_err_clear(&err);
    const zt_day d0 = zt_day_from_ymd(2018, 8, 31);
    for (int i = 0; i < 31; i++) {
        ck_assert_int_eq(core_lake_begin(&l, d0 + i, &in, &av, &err), ZT_OK);
        ASSERT_NEAR(av, 5e7 / 31.0, 1e-6);
        ck_assert_int_eq(core_lake_end(&l, av, &err), ZT_OK);
    }
    ASSERT_NEAR(l.level, -0.40, 1e-12);
    /* winter: the floor is the winter level; nothing left to draw */
    ck_assert_int_eq(core_lake_begin(&l, d0 + 31, &in, &av, &err), ZT_OK);
    ASSERT_NEAR(av, 0.0, 1e-6);
    ck_assert_int_eq(core_lake_days_left(&l.p, d0 + 31), 182); /* to 1 April */
    /* evaporation below the floor takes the level under it: nothing
     * available, the level goes on */
    in.e = 0.001;
    ck_assert_int_eq(core_lake_begin(&l, d0 + 32, &in, &av, &err), ZT_OK);
    ASSERT_NEAR(av, 0.0, 0.0);
    ck_assert_int_eq(core_lake_end(&l, 0.0, &err), ZT_OK);
    ASSERT_NEAR(l.level, -0.401, 1e-12);
}
END_TEST

START_TEST(linear_rise)
{
    /* Constant inflow Q = 3e7 m3/d and withdrawal W = 1e7 m3/d from
     * -0.30 on 1 May: below the sluicing target the level rises linearly,
     * h_n = -0.30 + n (Q - W) / A = -0.30 + 0.02 n, until -0.10 (n = 10);
     * from then on sluicing holds -0.10 (the surplus 2e7 m3/d is well
     * within the sluices). */
    core_lake l = lake_at(-0.30);
    core_lake_in in = {3e7, 0, 0, 0, 0, 0};
    double av;
    zt_err err;
    zt_err_clear(&err);
    const zt_day d0 = zt_day_from_ymd(2018, 5, 1);
    for (int n = 1; n <= 20; n++) {
        ck_assert_int_eq(core_lake_begin(&l, d0 + n - 1, &in, &av, &err), ZT_OK);
        ck_assert_int_eq(core_lake_end(&l, 1e7, &err), ZT_OK);
        const double h = n <= 10 ? -0.30 + 0.02 * n : -0.10;
        ASSERT_NEAR(l.level, h, 1e-12);
        ASSERT_NEAR(l.day.sluicing, n <= 10 ? 0.0 : 2e7, 1e-3);
        ck_assert(fabs(l.day.error) <= TOL_M3);
    }
}
END_TEST

START_TEST(bad_inputs)
{
    core_lake l;
    core_lake_params p = test_params();
    zt_err err;
    double av;
    zt_err_clear(&err);
    p.area = 0.0;
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_init(&l, &p, -0.2, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "area"));
    p = test_params();
    p.summer_lower = -0.05; /* above the upper level */
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_init(&l, &p, -0.2, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "summer_upper"));
    p = test_params();
    p.winter_start = 1301;
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_init(&l, &p, -0.2, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "winter_start"));
    p = test_params();
    p.sea_low = -0.2;
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_init(&l, &p, -0.2, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "sea_low"));
    p = test_params();
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_init(&l, &p, -0.5, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "start level"));
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_init(&l, &p, NAN, &err), ZT_EINPUT);

    l = lake_at(-0.2);
    core_lake_in in = {1e6, 0, -1.0, 0, 0, 0};
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_begin(&l, zt_day_from_ymd(2018, 7, 1), &in, &av, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "other inflow"));
    in.other = 0.0;
    in.e = INFINITY;
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_begin(&l, zt_day_from_ymd(2018, 7, 1), &in, &av, &err), ZT_EINPUT);
    in.e = 0.0;
    ck_assert_int_eq(core_lake_begin(&l, zt_day_from_ymd(2018, 7, 1), &in, &av, &err), ZT_OK);
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_end(&l, av * 1.01, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "available"));
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_end(&l, -1.0, &err), ZT_EINPUT);
    /* an inflow no outlet can carry: above +2 m NAP the inputs are wrong */
    p = test_params();
    p.sluice_ref = 0.0;
    p.pump_m3s = 0.0;
    ck_assert_int_eq(core_lake_init(&l, &p, 1.9, &err), ZT_OK);
    in = (core_lake_in){2e8, 0, 0, 0, 0, 0};
    ck_assert_int_eq(core_lake_begin(&l, zt_day_from_ymd(2018, 1, 15), &in, &av, &err), ZT_OK);
    zt_err_clear(&err);
    ck_assert_int_eq(core_lake_end(&l, 0.0, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot carry"));
}
END_TEST

START_TEST(cuts_by_class_across_lake_and_north)
{
    /* The lake as the root of the network (core_alloc): node 0 the lake,
     * node 1 the north's main water behind a link of 50 (any unit: m3/d).
     * Users, levels 0 (class 1) .. 3 (class 4):
     *   u0 north, class 1, 10      u1 lake, class 2.1 (level 1), 10
     *   u2 north, class 3 (level 2), 10   u3 lake, class 3 (level 2), 10
     *   u4 north, class 4 (level 3), 10   u5 lake, class 4 (level 3), 10
     * With 55 available: classes 1-3 get all (40), class 4 shares 15 by
     * equal fractions: 7.5 each. With 25: class 1 and 2 get 20, class 3
     * shares 5 (2.5 each), class 4 nothing. With 8: class 1 gets 8, the
     * rest nothing. Never a class short while a later class gets water. */
    const int parent[2] = {-1, 0};
    const int unode[6] = {1, 0, 1, 0, 1, 0};
    const int ulevel[6] = {0, 1, 2, 2, 3, 3};
    const core_alloc_net net = {2, parent, 6, unode, ulevel, 4};
    const double demand[6] = {10, 10, 10, 10, 10, 10};
    const double avail[3] = {55.0, 25.0, 8.0};
    const double want[3][6] = {{10, 10, 10, 10, 7.5, 7.5}, {10, 10, 2.5, 2.5, 0, 0},
                               {8, 0, 0, 0, 0, 0}};
    core_alloc *a = NULL;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(core_alloc_create(&net, &a, &err) == ZT_OK, "%s", err.msg);
    for (int c = 0; c < 3; c++) {
        double cap[2] = {avail[c], 50.0}, alloc[6], flow[2], used[2];
        core_alloc_in in = {cap, NULL, demand};
        core_alloc_out out = {alloc, flow, used};
        ck_assert_msg(core_alloc_day(a, &in, &out, NULL, &err) == ZT_OK, "%s", err.msg);
        for (int u = 0; u < 6; u++) {
            ASSERT_NEAR(alloc[u], want[c][u], 1e-9);
        }
        for (int u = 0; u < 6; u++) {
            for (int v = 0; v < 6; v++) {
                ck_assert(!(ulevel[u] < ulevel[v] && alloc[u] < demand[u] - 1e-9 &&
                            alloc[v] > 1e-9));
            }
        }
    }
    core_alloc_destroy(&a);
}
END_TEST

START_TEST(ijssel_curve)
{
    /* The curve of docs/lake.md: 898 -> 145, 1590 -> 287 m3/s. At 1000:
     * 145 + (1000 - 898) / (1590 - 898) x (287 - 145) = 165.93; below the
     * first point in proportion (449: 72.5), above the last too (32000:
     * 4916); nothing for no Rhine. */
    const double x[3] = {898.0, 1590.0, 16000.0}, y[3] = {145.0, 287.0, 2458.0};
    ASSERT_NEAR(core_lake_curve(x, y, 3, 1000.0), 145.0 + 102.0 / 692.0 * 142.0, 1e-12);
    ASSERT_NEAR(core_lake_curve(x, y, 3, 898.0), 145.0, 1e-12);
    ASSERT_NEAR(core_lake_curve(x, y, 3, 1590.0), 287.0, 1e-12);
    ASSERT_NEAR(core_lake_curve(x, y, 3, 449.0), 72.5, 1e-12);
    ASSERT_NEAR(core_lake_curve(x, y, 3, 32000.0), 4916.0, 1e-9);
    ASSERT_NEAR(core_lake_curve(x, y, 3, 0.0), 0.0, 0.0);
}
END_TEST

Suite *suite_lake(void);
Suite *suite_lake(void)
{
    Suite *su = suite_create("lake");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, volume_and_level);
    tcase_add_test(tc, sluicing_at_capacity_and_pumps);
    tcase_add_test(tc, sluicing_without_pumps);
    tcase_add_test(tc, gravity_inlet_share);
    tcase_add_test(tc, rationing_below_the_band);
    tcase_add_test(tc, linear_rise);
    tcase_add_test(tc, bad_inputs);
    tcase_add_test(tc, cuts_by_class_across_lake_and_north);
    tcase_add_test(tc, ijssel_curve);
    suite_add_tcase(su, tc);
    return su;
}
