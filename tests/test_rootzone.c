/*
 * test_rootzone.c: suite "rootzone", the root zone of one cell for one day
 * (core/core_rootzone.c) and its default parameter table
 * (scenarios/params/default.ini).
 *
 * Every physics test is a hand calculation written out in the comment above
 * its checks, in mm (the code works in m; MM converts). Tolerances: 1e-12 mm
 * (1e-15 m) where the hand result is exact in a few operations, 1e-9 mm
 * where it contains exp() or a rounded decimal; the random water-balance
 * test requires closure to 1e-15 m per cell-day.
 *
 * The parameter tests recompute the derived defaults of docs/parameters.md
 * from the Staring-series numbers in FACTS.md §8 (Mualem-van Genuchten
 * water contents, the capillary-rise fit) and compare with the file.
 *
 * Assertion tests (negative P, month 13) need a forked runner and are left
 * out when CK_FORK=no (valgrind runs).
 */
#include <check.h>
#include <ini.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core_rootzone.h"
#include "testutil.h"

#define MM 1e-3         /* m per mm */
#define TOL_EXACT 1e-15 /* m: a few exact operations */
#define TOL_EXP 1e-12   /* m: results with exp() or rounded decimals */

/*
 * The base parameter set of the hand calculations (mm in the comments):
 * kc = 1 every month except July 1.1, Icap 1 mm/d, Smax 60 mm, root depth
 * 0.30 m, p 0.5 (reduction below 30 mm), no capillary rise, unpaved, no
 * sprinkling; sprinkling settings gift 25 mm, capacity 4 mm/d, trigger 0.5,
 * season April-September.
 */
static core_rz_params base_params(void)
{
    core_rz_params p;
    memset(&p, 0, sizeof p);
    for (int m = 0; m < 12; m++) {
        p.kc[m] = 1.0;
    }
    p.kc[6] = 1.1;
    p.icap = 1.0 * MM;
    p.smax = 60.0 * MM;
    p.root_depth = 0.30;
    p.p = 0.5;
    p.cap = NULL;
    p.cap_full = 0.0;
    p.paved = 0.0;
    p.open_water = 0;
    p.sprinkle = 0;
    p.spr_trigger = 0.5;
    p.spr_gift = 25.0 * MM;
    p.spr_cap = 4.0 * MM;
    p.spr_first_month = 4;
    p.spr_last_month = 9;
    return p;
}

static core_rz_in day_in(double p_mm, double et0_mm, double depth_m, int month)
{
    core_rz_in in;
    in.p = p_mm * MM;
    in.et0 = et0_mm * MM;
    in.depth = depth_m;
    in.month = month;
    in.spr_in = 0.0;
    return in;
}

/* Residual of the cell balance (m/d): in - out - storage change. */
static double balance_residual(const core_rz_in *in, const core_rz_out *o)
{
    return (in->p + o->spr + o->cr) -
           (o->ei + o->ta + o->eow + o->perc + o->runoff + o->ownet + o->ds);
}

#define CK_MM(x, mm, tol) ck_assert_double_eq_tol((x), (mm)*MM, (tol))

/* ---- interception ------------------------------------------------------ */

START_TEST(interception_limited_by_p)
{
    /* P 0.5, ET0 3, kc 1 -> ETp 3; Ei = min(0.5, 1, 3) = 0.5; Pn = 0.
     * S0 = 60 >= 30 -> a = 1; Ta = min(60, 3 - 0.5) = 2.5; S = 57.5;
     * perc 0; ds = -2.5. */
    core_rz_params p = base_params();
    core_rz_state s = {60.0 * MM, 0.0};
    core_rz_in in = day_in(0.5, 3.0, 2.0, 5);
    core_rz_out o;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.etp, 3.0, TOL_EXACT);
    CK_MM(o.ei, 0.5, TOL_EXACT);
    CK_MM(o.ta, 2.5, TOL_EXACT);
    CK_MM(o.perc, 0.0, TOL_EXACT);
    CK_MM(o.ds, -2.5, TOL_EXACT);
    CK_MM(s.s, 57.5, TOL_EXACT);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
}
END_TEST

START_TEST(interception_limited_by_icap)
{
    /* P 10, ET0 3 -> ETp 3; Ei = min(10, 1, 3) = 1; Pn = 9.
     * S0 40: S1 = 49 <= 60, no percolation; 49 >= 30 -> a = 1;
     * Ta = 3 - 1 = 2; S = 47; ds = 7. Balance: 10 = 1 + 2 + 7. */
    core_rz_params p = base_params();
    core_rz_state s = {40.0 * MM, 0.0};
    core_rz_in in = day_in(10.0, 3.0, 2.0, 5);
    core_rz_out o;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ei, 1.0, TOL_EXACT);
    CK_MM(o.ta, 2.0, TOL_EXACT);
    CK_MM(o.perc, 0.0, TOL_EXACT);
    CK_MM(o.ds, 7.0, TOL_EXACT);
    CK_MM(s.s, 47.0, TOL_EXACT);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
}
END_TEST

START_TEST(interception_limited_by_etp)
{
    /* P 10, ET0 0.5 -> ETp 0.5; Ei = min(10, 1, 0.5) = 0.5; Pn = 9.5;
     * Ta demand 0.5 - 0.5 = 0. S0 55: S1 = 64.5 > 60 -> perc 4.5,
     * S = 60; ds = 5; recharge 4.5. Balance: 10 = 0.5 + 4.5 + 5. */
    core_rz_params p = base_params();
    core_rz_state s = {55.0 * MM, 0.0};
    core_rz_in in = day_in(10.0, 0.5, 2.0, 5);
    core_rz_out o;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ei, 0.5, TOL_EXACT);
    CK_MM(o.ta, 0.0, TOL_EXACT);
    CK_MM(o.perc, 4.5, TOL_EXACT);
    CK_MM(o.recharge, 4.5, TOL_EXACT);
    CK_MM(o.ds, 5.0, TOL_EXACT);
    CK_MM(s.s, 60.0, TOL_EXACT);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
}
END_TEST

/* ---- transpiration ------------------------------------------------------ */

START_TEST(transpiration_no_stress_month_kc)
{
    /* July: kc 1.1, ET0 4 -> ETp 4.4; P 0 -> Ei 0. S0 45 >= 30 -> a = 1;
     * Ta = 4.4; S = 40.6. */
    core_rz_params p = base_params();
    core_rz_state s = {45.0 * MM, 0.0};
    core_rz_in in = day_in(0.0, 4.0, 2.0, 7);
    core_rz_out o;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.etp, 4.4, TOL_EXACT);
    CK_MM(o.ei, 0.0, TOL_EXACT);
    CK_MM(o.ta, 4.4, TOL_EXACT);
    CK_MM(s.s, 40.6, TOL_EXACT);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
}
END_TEST

START_TEST(transpiration_with_stress)
{
    /* p Smax = 0.5 x 60 = 30. S0 15 -> a = 15/30 = 0.5.
     * July, ET0 4 -> ETp 4.4, Ta = 4.4 x 0.5 = 2.2; S = 12.8.
     * Same at S0 = 30 (a = 1 exactly at the threshold): Ta = 4.4.
     * Same at S0 = 6: a = 0.2, Ta = 0.88. */
    core_rz_params p = base_params();
    core_rz_in in = day_in(0.0, 4.0, 2.0, 7);
    core_rz_out o;
    core_rz_state s = {15.0 * MM, 0.0};
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ta, 2.2, TOL_EXACT);
    CK_MM(s.s, 12.8, TOL_EXACT);

    s.s = 30.0 * MM;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ta, 4.4, TOL_EXACT);

    s.s = 6.0 * MM;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ta, 0.88, TOL_EXACT);
    CK_MM(s.s, 5.12, TOL_EXACT);
}
END_TEST

START_TEST(transpiration_limited_by_storage)
{
    /* Smax 4, p 1: a = S/4. S0 1 -> a = 0.25; ETp 10 (ET0 10, May):
     * (ETp - Ei) a = 2.5 > S = 1, so Ta = min(1, 2.5) = 1 and S = 0. */
    core_rz_params p = base_params();
    core_rz_state s = {1.0 * MM, 0.0};
    core_rz_in in = day_in(0.0, 10.0, 2.0, 5);
    core_rz_out o;
    p.smax = 4.0 * MM;
    p.p = 1.0;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ta, 1.0, TOL_EXACT);
    ck_assert_double_eq(s.s, 0.0);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
}
END_TEST

/* ---- percolation ------------------------------------------------------ */

START_TEST(percolation_same_day)
{
    /* S0 58, P 25, ET0 2 (May, kc 1): ETp 2, Ei 1, Pn 24. S1 = 82 ->
     * perc 22, S2 = 60; Ta = 2 - 1 = 1 (a = 1); S = 59; ds = 1.
     * Balance: 25 = 1 + 1 + 22 + 1. Percolation is taken before
     * transpiration, so the day ends 1 mm below Smax. */
    core_rz_params p = base_params();
    core_rz_state s = {58.0 * MM, 0.0};
    core_rz_in in = day_in(25.0, 2.0, 2.0, 5);
    core_rz_out o;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.perc, 22.0, TOL_EXACT);
    CK_MM(o.ta, 1.0, TOL_EXACT);
    CK_MM(o.ds, 1.0, TOL_EXACT);
    CK_MM(s.s, 59.0, TOL_EXACT);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
}
END_TEST

/* ---- oxygen stress ------------------------------------------------------- */

START_TEST(oxygen_stress_by_hand)
{
    /* Root zone 0.30 m, h1 -10 cm, h2 -25 cm (a = 0.10, b = 0.25 m above
     * the water table), F(u) the integral of the ramp:
     * water table at 0.30 m: u from 0 to 0.30; F(0.30) = 0.075 + 0.05 =
     *   0.125, F(0) = 0 -> aox = 0.125 / 0.30 = 0.416667;
     * at 0.50 m: u 0.20-0.50; F(0.50) = 0.325, F(0.20) = 0.01 / 0.30 =
     *   0.033333 -> aox = 0.291667 / 0.30 = 0.972222;
     * at 0.55 m or deeper: 1; at 0.10 m or higher: 0. */
    ck_assert_double_eq_tol(core_rz_oxygen(0.30, 0.30, 0.10, 0.25), 0.125 / 0.30, 1e-15);
    ck_assert_double_eq_tol(core_rz_oxygen(0.50, 0.30, 0.10, 0.25), 0.291666666666667 / 0.30,
                            1e-14);
    ck_assert_double_eq(core_rz_oxygen(0.55, 0.30, 0.10, 0.25), 1.0);
    ck_assert_double_eq(core_rz_oxygen(2.0, 0.30, 0.10, 0.25), 1.0);
    ck_assert_double_eq(core_rz_oxygen(0.10, 0.30, 0.10, 0.25), 0.0);
    ck_assert_double_eq(core_rz_oxygen(-0.2, 0.30, 0.10, 0.25), 0.0);
    /* in the step: S full, ET0 3 in May (kc 1), water table at 0.30 m:
     * Ta = 3 x 0.416667 = 1.25 mm; without oxygen stress 3 */
    core_rz_params p = base_params();
    core_rz_out o;
    core_rz_state s = {60.0 * MM, 0.0};
    core_rz_in in = day_in(0.0, 3.0, 0.30, 5);
    p.oxygen = 1;
    p.ox_h1 = 0.10;
    p.ox_h2 = 0.25;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ta, 1.25, TOL_EXACT);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
    p.oxygen = 0;
    s.s = 60.0 * MM;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ta, 3.0, TOL_EXACT);
}
END_TEST

/* ---- capillary rise ------------------------------------------------------ */

/* A flat capillary table: flux q (mm/d) for distances up to 1.25 m, 0
 * beyond them. */
static core_cap_table flat_table(double q_mm)
{
    core_cap_table t;
    memset(&t, 0, sizeof t);
    t.z0 = 0.25;
    t.dz = 1.0;
    t.nz = 2;
    t.lnq[0] = t.lnq[1] = log(q_mm * MM);
    return t;
}

START_TEST(capillary_rise_full_and_tapering)
{
    /* q 5 mm/d, full below a deficit of 10 mm; root depth 0.30, water
     * table 0.80 (d = 0.50); P 0, ET0 0 (no Ta). By hand:
     * deficit 30: the rate stays full all day (t1 = 20/5 = 4 d): CR = 5;
     * deficit 12: full for t1 = 2/5 d, then D = 10 e^(-0.5 t):
     *   CR = 2 + 10 (1 - e^-0.3) = 4.591817793183 mm;
     * deficit 6: CR = 6 (1 - e^-0.5) = 2.360816041724 mm;
     * a water table 1.30 m below the roots (beyond the table): CR = 0. */
    core_rz_params p = base_params();
    core_cap_table t = flat_table(5.0);
    core_rz_out o;
    core_rz_state s = {30.0 * MM, 0.0};
    core_rz_in in = day_in(0.0, 0.0, 0.80, 5);
    p.cap = &t;
    p.cap_full = 10.0 * MM;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.cr, 5.0, TOL_EXP);
    CK_MM(o.recharge, -5.0, TOL_EXP);
    CK_MM(o.ds, 5.0, TOL_EXP);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
    s.s = 48.0 * MM;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.cr, 4.591817793183, TOL_EXP);
    s.s = 54.0 * MM;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.cr, 2.360816041724, TOL_EXP);
    CK_MM(s.s, 56.360816041724, TOL_EXP);
    s.s = 30.0 * MM;
    in.depth = 1.60;
    core_rz_step(&p, &in, &s, &o);
    ck_assert_double_eq(o.cr, 0.0);
}
END_TEST

START_TEST(capillary_rise_never_fills_past_capacity)
{
    /* q 5, full below 10 mm, water table at the root-zone bottom (d = 0,
     * held at the table's first flux): a deficit of 0.5 mm gets
     * 0.5 (1 - e^-0.5) = 0.196734670144 mm, never the whole deficit, and
     * never more than the flux of a day. A water table inside the root
     * zone (depth 0.10) counts as d = 0. */
    core_rz_params p = base_params();
    core_cap_table t = flat_table(5.0);
    core_rz_out o;
    core_rz_state s = {59.5 * MM, 0.0};
    core_rz_in in = day_in(0.0, 0.0, 0.30, 5);
    p.cap = &t;
    p.cap_full = 10.0 * MM;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.cr, 0.196734670144, TOL_EXP);
    ck_assert(s.s < p.smax);
    s.s = 20.0 * MM;
    in.depth = 0.10;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.cr, 5.0, TOL_EXP);
    for (double d = 0.0; d <= 0.2; d += 0.001) {
        const double r = core_cap_rise(5.0 * MM, d, 10.0 * MM);
        ck_assert(r >= 0.0 && r <= 5.0 * MM * (1.0 + 1e-15) && r <= d);
    }
}
END_TEST

START_TEST(capillary_rise_after_transpiration)
{
    /* The order is percolation, transpiration, then capillary rise:
     * S0 60, ET0 3 (May): Ta = 3, S = 57; q 5 at d = 0, full below 30 mm:
     * CR = 3 (1 - e^(-5/30)) = 0.460554825328 mm; recharge = -CR. */
    core_rz_params p = base_params();
    core_cap_table t = flat_table(5.0);
    core_rz_out o;
    core_rz_state s = {60.0 * MM, 0.0};
    core_rz_in in = day_in(0.0, 3.0, 0.30, 5);
    p.cap = &t;
    p.cap_full = 30.0 * MM;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ta, 3.0, TOL_EXACT);
    CK_MM(o.cr, 0.460554825328, TOL_EXP);
    CK_MM(o.recharge, -0.460554825328, TOL_EXP);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
}
END_TEST

/* ---- paved fraction ------------------------------------------------------ */

START_TEST(paved_runoff)
{
    /* paved 0.4. P 10, ET0 2 (May): ETp 2, Ei 1 (whole cell), Pn 9.
     * runoff = 0.4 x 9 = 3.6 per cell area. Unpaved (per unpaved area):
     * S0 20 + 9 = 29 < 30 -> a = 29/30; Ta_u = (2 - 1) x 29/30
     * = 0.966667; S = 29 - 29/30 = 28.033333.
     * Per cell area: ta = 0.6 x 29/30 = 0.58; ds = 0.6 x 8.033333 = 4.82.
     * Balance: 10 = 1 + 0.58 + 3.6 + 4.82. With a flux of 5 at d = 0 as
     * well, full below 30 mm: D = 31.966667, full for t1 = 0.393333 d, then
     * CR_u = 1.966667 + 30 (1 - e^(-(5/30)(1 - t1))) = 4.851688622812;
     * cr = 0.6 x CR_u = 2.911013173687 per cell. */
    core_rz_params p = base_params();
    core_rz_out o;
    core_rz_state s = {20.0 * MM, 0.0};
    core_rz_in in = day_in(10.0, 2.0, 2.0, 5);
    p.paved = 0.4;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ei, 1.0, TOL_EXACT);
    /* the paved part evaporates only what it intercepted (issue 13):
       ETp = 0.4 x 1 + 0.6 x 2 = 1.6, not 2 */
    CK_MM(o.etp, 1.6, TOL_EXACT);
    CK_MM(o.runoff, 3.6, TOL_EXACT);
    CK_MM(o.ta, 0.58, TOL_EXACT);
    CK_MM(o.ds, 4.82, TOL_EXACT);
    CK_MM(s.s, 29.0 - 29.0 / 30.0, TOL_EXACT);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);

    s.s = 20.0 * MM;
    core_cap_table t = flat_table(5.0);
    p.cap = &t;
    p.cap_full = 30.0 * MM;
    in.depth = 0.30;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.cr, 2.911013173687, TOL_EXP);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
}
END_TEST

START_TEST(fully_paved)
{
    /* paved 1: P 10, ET0 2 -> Ei 1, runoff 9, nothing else; S untouched. */
    core_rz_params p = base_params();
    core_rz_out o;
    core_rz_state s = {20.0 * MM, 0.0};
    core_rz_in in = day_in(10.0, 2.0, 0.3, 5);
    core_cap_table t = flat_table(5.0);
    p.paved = 1.0;
    p.cap = &t;
    p.cap_full = 10.0 * MM;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ei, 1.0, TOL_EXACT);
    CK_MM(o.etp, 1.0, TOL_EXACT); /* a paved cell: its interception only */
    CK_MM(o.runoff, 9.0, TOL_EXACT);
    ck_assert_double_eq(o.ta, 0.0);
    ck_assert_double_eq(o.cr, 0.0);
    ck_assert_double_eq(o.ds, 0.0);
    CK_MM(s.s, 20.0, TOL_EXACT);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
}
END_TEST

/* ---- open water ------------------------------------------------------ */

START_TEST(open_water)
{
    /* fow 1.25 in July, ET0 4 -> Eow = 5 (no limit); P 1 -> ownet = 1 - 5
     * = -4. No interception, transpiration or storage. A wet day, P 12:
     * ownet = 12 - 5 = 7. The factor is the month's: 0.5 in January, ET0 4
     * -> Eow = 2. */
    core_rz_params p = base_params();
    core_rz_out o;
    core_rz_state s = {20.0 * MM, 0.0};
    core_rz_in in = day_in(1.0, 4.0, 0.0, 7);
    p.open_water = 1;
    p.kc[6] = 1.25;
    p.kc[0] = 0.5;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.etp, 5.0, TOL_EXACT);
    CK_MM(o.eow, 5.0, TOL_EXACT);
    CK_MM(o.ownet, -4.0, TOL_EXACT);
    ck_assert_double_eq(o.ei, 0.0);
    ck_assert_double_eq(o.ta, 0.0);
    ck_assert_double_eq(o.ds, 0.0);
    ck_assert_double_eq(o.runoff, 0.0);
    CK_MM(s.s, 20.0, TOL_EXACT);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);

    in.p = 12.0 * MM;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.ownet, 7.0, TOL_EXACT);
    in.month = 1;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.eow, 2.0, TOL_EXACT);
    /* Open water asks no sprinkling. */
    p.sprinkle = 1;
    ck_assert_double_eq(core_rz_sprinkle_demand(&p, &s, 7), 0.0);
}
END_TEST

/* ---- sprinkling ------------------------------------------------------ */

START_TEST(sprinkling_turn)
{
    /* Trigger 0.5 x 60 = 30 mm. July, S0 20 < 30: a turn of 25 starts,
     * demand = min(4, 25) = 4. With P 0 and ET0 0 each day, supplying the
     * full demand: days 1-6 give 4 (S 24, 28, ..., 44; spr_left 21, 17,
     * 13, 9, 5, 1), day 7 gives min(4, 1) = 1 (S 45, spr_left 0).
     * Day 8: no turn running and S 45 >= 30 -> demand 0. The turn
     * continues on days 3-6 although S is already above the trigger. */
    static const double want[7] = {4, 4, 4, 4, 4, 4, 1};
    core_rz_params p = base_params();
    core_rz_out o;
    core_rz_state s = {20.0 * MM, 0.0};
    core_rz_in in = day_in(0.0, 0.0, 2.0, 7);
    double total = 0.0;
    p.sprinkle = 1;
    for (int day = 0; day < 7; day++) {
        double dem = core_rz_sprinkle_demand(&p, &s, 7);
        CK_MM(dem, want[day], TOL_EXACT);
        in.spr_in = dem;
        core_rz_step(&p, &in, &s, &o);
        CK_MM(o.spr, want[day], TOL_EXACT);
        ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
        total += o.spr;
    }
    CK_MM(total, 25.0, TOL_EXACT);
    CK_MM(s.s, 45.0, 1e-14);
    ck_assert_double_eq(s.spr_left, 0.0);
    ck_assert_double_eq(core_rz_sprinkle_demand(&p, &s, 7), 0.0);
}
END_TEST

START_TEST(sprinkling_trigger_threshold)
{
    /* S exactly at the trigger (30 mm) does not start a turn (S < 30 is
     * required); 29.9 mm does. A land use that may not be sprinkled asks
     * nothing at any S. */
    core_rz_params p = base_params();
    core_rz_state s = {30.0 * MM, 0.0};
    p.sprinkle = 1;
    ck_assert_double_eq(core_rz_sprinkle_demand(&p, &s, 6), 0.0);
    s.s = 29.9 * MM;
    CK_MM(core_rz_sprinkle_demand(&p, &s, 6), 4.0, TOL_EXACT);
    CK_MM(s.spr_left, 25.0, TOL_EXACT);

    p.sprinkle = 0;
    s.s = 1.0 * MM;
    s.spr_left = 0.0;
    ck_assert_double_eq(core_rz_sprinkle_demand(&p, &s, 6), 0.0);
}
END_TEST

START_TEST(sprinkling_cut_short)
{
    /* Turn starts (S0 10, demand 4); only 2.5 supplied: S = 12.5 and the
     * turn ends (spr_left 0). Next day S 12.5 < 30 still: a new turn of
     * 25 starts and asks 4 again. A day with 0 supplied also ends it. */
    core_rz_params p = base_params();
    core_rz_out o;
    core_rz_state s = {10.0 * MM, 0.0};
    core_rz_in in = day_in(0.0, 0.0, 2.0, 8);
    p.sprinkle = 1;
    CK_MM(core_rz_sprinkle_demand(&p, &s, 8), 4.0, TOL_EXACT);
    in.spr_in = 2.5 * MM;
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.spr, 2.5, TOL_EXACT);
    CK_MM(s.s, 12.5, TOL_EXACT);
    ck_assert_double_eq(s.spr_left, 0.0);

    CK_MM(core_rz_sprinkle_demand(&p, &s, 8), 4.0, TOL_EXACT);
    CK_MM(s.spr_left, 25.0, TOL_EXACT);
    in.spr_in = 0.0;
    core_rz_step(&p, &in, &s, &o);
    ck_assert_double_eq(s.spr_left, 0.0);
    CK_MM(s.s, 12.5, TOL_EXACT);
}
END_TEST

START_TEST(sprinkling_out_of_season)
{
    /* March and October lie outside April-September: no turn starts at
     * S 10 < 30. A turn running on 30 September (spr_left 9 after four
     * days) ends when October begins. A season wrapping the new year
     * (November-February) accepts January and refuses March. */
    core_rz_params p = base_params();
    core_rz_state s = {10.0 * MM, 0.0};
    p.sprinkle = 1;
    ck_assert_double_eq(core_rz_sprinkle_demand(&p, &s, 3), 0.0);
    ck_assert_double_eq(core_rz_sprinkle_demand(&p, &s, 10), 0.0);
    ck_assert_double_eq(s.spr_left, 0.0);

    s.spr_left = 9.0 * MM;
    CK_MM(core_rz_sprinkle_demand(&p, &s, 9), 4.0, TOL_EXACT);
    ck_assert_double_eq(core_rz_sprinkle_demand(&p, &s, 10), 0.0);
    ck_assert_double_eq(s.spr_left, 0.0);

    p.spr_first_month = 11;
    p.spr_last_month = 2;
    CK_MM(core_rz_sprinkle_demand(&p, &s, 1), 4.0, TOL_EXACT);
    s.spr_left = 0.0;
    ck_assert_double_eq(core_rz_sprinkle_demand(&p, &s, 3), 0.0);
}
END_TEST

START_TEST(sprinkling_paved_cell)
{
    /* paved 0.5: the gift is per cell area and lands on the unpaved half:
     * 4 mm over the cell raise S by 4 / 0.5 = 8 mm (10 -> 18); the balance
     * counts spr = 4 and ds = 0.5 x 8 = 4. */
    core_rz_params p = base_params();
    core_rz_out o;
    core_rz_state s = {10.0 * MM, 0.0};
    core_rz_in in = day_in(0.0, 0.0, 2.0, 6);
    p.sprinkle = 1;
    p.paved = 0.5;
    in.spr_in = core_rz_sprinkle_demand(&p, &s, 6);
    core_rz_step(&p, &in, &s, &o);
    CK_MM(o.spr, 4.0, TOL_EXACT);
    CK_MM(s.s, 18.0, TOL_EXACT);
    CK_MM(o.ds, 4.0, TOL_EXACT);
    CK_MM(s.spr_left, 21.0, TOL_EXACT);
    ck_assert_double_eq_tol(balance_residual(&in, &o), 0.0, TOL_EXACT);
}
END_TEST

/* ---- the balance over random inputs -------------------------------------- */

/* A 64-bit linear congruential generator (Knuth's MMIX constants), seeded,
 * so the test sees the same 10,000 cases on every run. */
typedef struct lcg {
    uint64_t x;
} lcg;

static double lcg_uniform(lcg *g)
{
    g->x = g->x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(g->x >> 11) * (1.0 / 9007199254740992.0); /* [0, 1) */
}

static double lcg_range(lcg *g, double lo, double hi)
{
    return lo + (hi - lo) * lcg_uniform(g);
}

START_TEST(balance_random)
{
    /* 10,000 random parameter sets, states and days, covering open water
     * (5 %), fully paved (5 %), dry days (30 %), full and partial supply
     * of sprinkling. Each must close the balance to 1e-15 m, report ds as
     * (1 - paved)(S_end - S_start), keep 0 <= S <= Smax, keep every flux
     * but ownet and recharge non-negative, and respect its limits. */
    lcg g = {20250101ULL};
    double worst = 0.0;
    for (int k = 0; k < 10000; k++) {
        core_rz_params p = base_params();
        core_rz_state s;
        core_rz_in in;
        core_rz_out o;
        double s_start;
        double u = lcg_uniform(&g);

        for (int m = 0; m < 12; m++) {
            p.kc[m] = lcg_range(&g, 0.0, 1.3);
        }
        p.icap = lcg_range(&g, 0.0, 3.0) * MM;
        p.root_depth = lcg_range(&g, 0.1, 1.0);
        p.smax = lcg_range(&g, 0.0, 200.0) * MM;
        p.p = lcg_range(&g, 0.2, 1.0);
        core_cap_table t = flat_table(lcg_range(&g, 0.0, 60.0));
        p.cap = lcg_uniform(&g) < 0.2 ? NULL : &t;
        p.cap_full = lcg_range(&g, 0.1, 1.0) * p.smax + 1e-6;
        p.paved = u < 0.05 ? 1.0 : (u < 0.5 ? 0.0 : lcg_uniform(&g));
        p.oxygen = lcg_uniform(&g) < 0.5;
        p.ox_h1 = lcg_range(&g, 0.0, 0.2);
        p.ox_h2 = p.ox_h1 + lcg_range(&g, 0.01, 0.3);
        p.open_water = lcg_uniform(&g) < 0.05;
        p.sprinkle = lcg_uniform(&g) < 0.5;
        p.spr_trigger = lcg_range(&g, 0.0, 1.0);
        p.spr_gift = lcg_range(&g, 5.0, 40.0) * MM;
        p.spr_cap = lcg_range(&g, 1.0, 8.0) * MM;

        s.s = lcg_uniform(&g) * p.smax;
        s.spr_left = lcg_uniform(&g) < 0.3 ? lcg_range(&g, 0.0, 25.0) * MM : 0.0;
        in.p = lcg_uniform(&g) < 0.3 ? 0.0 : lcg_range(&g, 0.0, 50.0) * MM;
        in.et0 = lcg_range(&g, 0.0, 6.0) * MM;
        in.depth = lcg_range(&g, -0.2, 3.0);
        in.month = 1 + (int)(lcg_uniform(&g) * 12.0);
        in.spr_in = core_rz_sprinkle_demand(&p, &s, in.month);
        if (lcg_uniform(&g) < 0.5) {
            in.spr_in *= lcg_uniform(&g);
        }
        s_start = s.s;

        core_rz_step(&p, &in, &s, &o);

        double r = fabs(balance_residual(&in, &o));
        if (r > worst) {
            worst = r;
        }
        ck_assert_msg(r <= 1e-15, "case %d: balance residual %g m", k, r);
        ck_assert_msg(fabs(o.ds - (1.0 - p.paved) * (s.s - s_start)) <= 1e-18,
                      "case %d: ds %g inconsistent", k, o.ds);
        ck_assert(s.s >= 0.0 && s.s <= p.smax);
        ck_assert(o.ei >= 0.0 && o.ta >= 0.0 && o.perc >= 0.0 && o.cr >= 0.0);
        ck_assert(o.runoff >= 0.0 && o.eow >= 0.0 && o.spr >= 0.0);
        ck_assert(o.ei <= in.p && o.ei <= p.icap);
        ck_assert(o.recharge == o.perc - o.cr);
        if (!p.open_water) {
            ck_assert(o.ei <= o.etp * (1.0 + 1e-15) + 1e-18);
            ck_assert(o.ta <= (o.etp - o.ei) * (1.0 + 1e-12) + 1e-18);
            ck_assert(o.cr <= (1.0 - p.paved) * (p.cap ? exp(t.lnq[0]) : 0.0) * (1.0 + 1e-12));
        }
    }
    ck_assert(worst <= 1e-15);
}
END_TEST

/* ---- assertions on programmer errors ---------------------------------- */

START_TEST(assert_negative_p)
{
    /* forked child: keep the expected assert() message out of the log */
    (void)freopen("/dev/null", "w", stderr);
    core_rz_params p = base_params();
    core_rz_state s = {10.0 * MM, 0.0};
    core_rz_in in = day_in(-1.0, 1.0, 1.0, 5);
    core_rz_out o;
    core_rz_step(&p, &in, &s, &o);
}
END_TEST

START_TEST(assert_bad_month)
{
    (void)freopen("/dev/null", "w", stderr);
    core_rz_params p = base_params();
    core_rz_state s = {10.0 * MM, 0.0};
    p.sprinkle = 1;
    (void)core_rz_sprinkle_demand(&p, &s, 13);
}
END_TEST

/* ---- the default parameter table -------------------------------------- */

#define DEFAULT_INI "scenarios/params/default.ini"

/* What the inih handler collects from default.ini. */
typedef struct ini_seen {
    int nsections_landuse; /* values seen in [landuse.*] */
    int nsections_soil;    /* values seen in [soil.*] */
    int nsprinkling;       /* values seen in [sprinkling] */
    double aw[3];          /* available_water_mm_per_m: peat, clay, sand */
    int crop_factor_count; /* crop_factor keys seen */
} ini_seen;

static int soil_index(const char *section)
{
    if (strcmp(section, "soil.peat") == 0) {
        return 0;
    }
    if (strcmp(section, "soil.clay") == 0) {
        return 1;
    }
    if (strcmp(section, "soil.sand") == 0) {
        return 2;
    }
    return -1;
}

static int ini_collect(void *user, const char *section, const char *name, const char *value)
{
    ini_seen *seen = user;
    int si = soil_index(section);
    if (strncmp(section, "landuse.", 8) == 0) {
        seen->nsections_landuse++;
        if (strcmp(name, "crop_factor") == 0) {
            seen->crop_factor_count++;
        }
    } else if (si >= 0) {
        seen->nsections_soil++;
        if (strcmp(name, "available_water_mm_per_m") == 0) {
            seen->aw[si] = atof(value);
        }
    } else if (strcmp(section, "sprinkling") == 0) {
        seen->nsprinkling++;
    } else {
        return 0; /* an unexpected section */
    }
    return 1;
}

/* Mualem-van Genuchten water content (-) at suction h (cm). */
static double mvg_theta(double tr, double ts, double alpha, double n, double h_cm)
{
    double m = 1.0 - 1.0 / n;
    return tr + (ts - tr) * pow(1.0 + pow(alpha * fabs(h_cm), n), -m);
}

START_TEST(defaults_parse_with_inih)
{
    /* libinih reads every line (no parse error), the file has the five
     * land uses with a crop factor plus open water, three soils with four
     * keys each and five sprinkling keys; no line is 200 characters or
     * longer (INI_MAX_LINE). */
    ini_seen seen;
    size_t len = 0;
    char *text = tu_slurp(DEFAULT_INI, &len);
    memset(&seen, 0, sizeof seen);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(ini_parse(DEFAULT_INI, ini_collect, &seen), 0);
    ck_assert_int_eq(seen.crop_factor_count, 5);
    ck_assert_int_eq(seen.nsections_landuse, 5 * 6 + 2 + 4 * 2); /* + oxygen h1, h2 */
    ck_assert_int_eq(seen.nsections_soil, 12);
    ck_assert_int_eq(seen.nsprinkling, 5);
    {
        size_t run = 0;
        for (size_t i = 0; i < len; i++) {
            run = text[i] == '\n' ? 0 : run + 1;
            ck_assert_msg(run < 199, "line too long near byte %zu", i);
            /* no indented lines: inih would take them as continuations */
            if (i == 0 || text[i - 1] == '\n') {
                ck_assert_msg(text[i] != ' ' && text[i] != '\t', "indented line at byte %zu", i);
            }
        }
    }
    free(text);
}
END_TEST

START_TEST(defaults_available_water)
{
    /* Available water = theta(-100 cm) - theta(-16000 cm), Staring 2001
     * (FACTS §8), in mm per m, against the file (rounded to 0.1 mm/m):
     * peat B17 (0, 0.72, 0.018, 1.14) -> 304.5; clay O11 (0, 0.42,
     * 0.0191, 1.152) -> 185.7; sand B1 (0.02, 0.43, 0.0234, 1.801)
     * -> 186.6. */
    static const double mvg[3][4] = {
        {0.00, 0.72, 0.0180, 1.140},
        {0.00, 0.42, 0.0191, 1.152},
        {0.02, 0.43, 0.0234, 1.801},
    };
    ini_seen seen;
    memset(&seen, 0, sizeof seen);
    ck_assert_int_eq(ini_parse(DEFAULT_INI, ini_collect, &seen), 0);
    for (int i = 0; i < 3; i++) {
        double aw = 1000.0 * (mvg_theta(mvg[i][0], mvg[i][1], mvg[i][2], mvg[i][3], 100.0) -
                              mvg_theta(mvg[i][0], mvg[i][1], mvg[i][2], mvg[i][3], 16000.0));
        ck_assert_double_eq_tol(seen.aw[i], aw, 0.05 + 1e-9);
    }
}
END_TEST

Suite *suite_rootzone(void)
{
    Suite *su = suite_create("rootzone");
    TCase *tc = tcase_create("physics");
    TCase *tp = tcase_create("defaults");
    const char *fork = getenv("CK_FORK");

    tcase_add_test(tc, interception_limited_by_p);
    tcase_add_test(tc, interception_limited_by_icap);
    tcase_add_test(tc, interception_limited_by_etp);
    tcase_add_test(tc, transpiration_no_stress_month_kc);
    tcase_add_test(tc, transpiration_with_stress);
    tcase_add_test(tc, transpiration_limited_by_storage);
    tcase_add_test(tc, percolation_same_day);
    tcase_add_test(tc, oxygen_stress_by_hand);
    tcase_add_test(tc, capillary_rise_full_and_tapering);
    tcase_add_test(tc, capillary_rise_never_fills_past_capacity);
    tcase_add_test(tc, capillary_rise_after_transpiration);
    tcase_add_test(tc, paved_runoff);
    tcase_add_test(tc, fully_paved);
    tcase_add_test(tc, open_water);
    tcase_add_test(tc, sprinkling_turn);
    tcase_add_test(tc, sprinkling_trigger_threshold);
    tcase_add_test(tc, sprinkling_cut_short);
    tcase_add_test(tc, sprinkling_out_of_season);
    tcase_add_test(tc, sprinkling_paved_cell);
    tcase_add_test(tc, balance_random);
    if (!fork || strcmp(fork, "no") != 0) {
        tcase_add_test_raise_signal(tc, assert_negative_p, SIGABRT);
        tcase_add_test_raise_signal(tc, assert_bad_month, SIGABRT);
    }
    suite_add_tcase(su, tc);

    tcase_add_test(tp, defaults_parse_with_inih);
    tcase_add_test(tp, defaults_available_water);
    suite_add_tcase(su, tp);
    return su;
}
