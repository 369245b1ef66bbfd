/*
 * test_district.c: suite "district", the surface water of a district for one
 * day (core/core_district.c) and the district table (io/io_districts.c).
 *
 * Physics: hand calculations in m3 written out above each check, on one
 * district of Aow = 10,000 m2 open water (1 mm over it is 10 m3) with a
 * pumping capacity of 500 m3/d, target -1.00 m NAP (summer) or -1.20 m NAP
 * (winter). Tolerances: TOL_M3 = 1e-9 m3 on volumes of at most a few
 * thousand m3 and 1e-12 m on levels (the hand numbers are exact decimals or
 * fractions, a few floating-point operations away); the random balance test
 * requires closure to 1e-9 relative to the size of the day's terms.
 *
 * Table: write / load round trip (bit-identical doubles), a TOML check with
 * python3 tomllib, bad tables (each ZT_ECONFIG naming file:line and the key),
 * writer errors, and every allocation failing in turn.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_district.h"
#include "io_districts.h"
#include "testutil.h"
#include "zt.h"

#define AOW 10000.0     /* m2 */
#define PUMP 500.0      /* m3/d */
#define SUMMER (-1.00)  /* m NAP */
#define WINTER (-1.20)  /* m NAP */
#define TOL_M3 1e-9     /* m3 */
#define TOL_LEVEL 1e-12 /* m */

static core_district_params base_params(void)
{
    core_district_params p;
    memset(&p, 0, sizeof p);
    p.aow = AOW;
    p.pump_cap = PUMP;
    return p;
}

/* A day with no terms at the summer target, fully supplied. */
static core_district_in quiet_day(double target)
{
    core_district_in in;
    memset(&in, 0, sizeof in);
    in.target = target;
    for (int c_ = 0; c_ < CORE_DCAT_COUNT; c_++) {
        in.supplied_frac[c_] = 1.0;
    }
    return in;
}

static double gains_of(const core_district_in *in)
{
    return in->drainage + in->spill + in->runoff + in->ow_net;
}

static double losses_of(const core_district_in *in)
{
    double s = 0.0;
    for (int c = 0; c < CORE_DCAT_COUNT; c++) {
        s += in->loss[c];
    }
    return s;
}

/* gains - losses + supplied - discharge - dv (m3/d). */
static double residual(const core_district_in *in, const core_district_out *o)
{
    return gains_of(in) - losses_of(in) + o->supplied - o->discharge - o->dv;
}

#define ASSERT_NEAR(a, b, tol)                                                                     \
    ck_assert_msg(fabs((a) - (b)) <= (tol), "%s = %.17g, expected %.17g (tol %g)", #a, (double)(a), \
                  (double)(b), (double)(tol))

/* ---- one day ------------------------------------------------------------- */

/*
 * Wet day within the capacity: gains 300 drainage + 50 runoff + 20 on open
 * water = 370 m3; losses 10 (peat) + 10 (agri) = 20 m3; the surplus of
 * 350 m3 is pumped (350 < 500), the level stays at -1.00, dv = 0, no demand.
 */
START_TEST(test_flushing_rule)
{
    /* without a store (V = 0): required 86,400 m3/d (1 m3/s): with no
     * discharge all of it, with 30,000 m3/d discharged 56,400, with more
     * than required none; a negative discharge (never in a run) counts as
     * none */
    ck_assert_double_eq(core_district_flushing(86400.0, 0.0, 0.0, 0.0), 86400.0);
    ck_assert_double_eq(core_district_flushing(86400.0, 30000.0, 0.0, 0.0), 56400.0);
    ck_assert_double_eq(core_district_flushing(86400.0, 90000.0, 0.0, 0.0), 0.0);
    ck_assert_double_eq(core_district_flushing(86400.0, -5.0, 0.0, 0.0), 86400.0);
    ck_assert_double_eq(core_district_flushing(0.0, 0.0, 0.0, 0.0), 0.0);
    /* with ditches of V = 100,000 m3 (by hand):
     * at the target (s = V), 30,000 discharged: 86,400 - 30,000 = 56,400;
     * fresh (s = 10,000): 10,000 + 86,400 <= V, no flushing;
     * half (s = 50,000), nothing discharged: (V / s)(s + 86,400 - V) =
     * 2 x 36,400 = 72,800, after which the store is exactly V again */
    ck_assert_double_eq_tol(core_district_flushing(86400.0, 30000.0, 1e5, 1e5), 56400.0, 1e-9);
    ck_assert_double_eq(core_district_flushing(86400.0, 0.0, 1e4, 1e5), 0.0);
    ck_assert_double_eq_tol(core_district_flushing(86400.0, 0.0, 5e4, 1e5), 72800.0, 1e-9);
    ck_assert_double_eq_tol(core_district_salt(5e4, 86400.0, 1e5, 72800.0), 1e5, 1e-9);
    /* saltier than the target after a cut (s = 2V): flushing stays at the
       design rate, the excess is not caught up */
    ck_assert_double_eq(core_district_flushing(86400.0, 0.0, 2e5, 1e5), 86400.0);
    /* an empty store that the day's load alone fills past V (V 50,000 <
       86,400): the design rate; one it does not fill: nothing */
    ck_assert_double_eq(core_district_flushing(86400.0, 0.0, 0.0, 5e4), 86400.0);
    ck_assert_double_eq(core_district_flushing(86400.0, 0.0, 0.0, 1e5), 0.0);
    /* a wet day carries more salt out than there is: the store empties */
    ck_assert_double_eq(core_district_salt(5e4, 86400.0, 1e5, 4e5), 0.0);
    ck_assert_double_eq(core_district_salt(5e4, 86400.0, 0.0, 1e3), 0.0);
}
END_TEST

START_TEST(test_wet_within_capacity)
{
    core_district_params p = base_params();
    core_district_in in = quiet_day(SUMMER);
    core_district_out o;
    double v = 0.0;
    in.drainage = 300.0;
    in.runoff = 50.0;
    in.ow_net = 20.0;
    in.loss[CORE_DCAT_PEAT] = 10.0;
    in.loss[CORE_DCAT_AGRI] = 10.0;
    core_district_step(&p, &in, SUMMER, &v, &o);
    ASSERT_NEAR(o.discharge, 350.0, TOL_M3);
    ASSERT_NEAR(v, 0.0, TOL_M3);
    ASSERT_NEAR(o.level, SUMMER, TOL_LEVEL);
    ASSERT_NEAR(o.dv, 0.0, TOL_M3);
    ck_assert(o.demand == 0.0 && o.supplied == 0.0 && o.shortage == 0.0 && o.carried == 0.0);
    for (int c = 0; c < CORE_DCAT_COUNT; c++) {
        ck_assert(o.demand_cat[c] == 0.0);
    }
    ASSERT_NEAR(residual(&in, &o), 0.0, TOL_M3);
}
END_TEST

/*
 * Wet day above the capacity: 800 drainage + 100 spill = 900 m3 surplus;
 * 500 m3 are pumped, 400 m3 stay: the level rises by 400 / 10,000 =
 * 0.04 m to -0.96 m NAP; dv = 400. The next quiet day pumps the 400 m3 and
 * the level is back at -1.00.
 */
START_TEST(test_wet_above_capacity)
{
    core_district_params p = base_params();
    core_district_in in = quiet_day(SUMMER);
    core_district_out o;
    double v = 0.0;
    in.drainage = 800.0;
    in.spill = 100.0;
    core_district_step(&p, &in, SUMMER, &v, &o);
    ASSERT_NEAR(o.discharge, 500.0, TOL_M3);
    ASSERT_NEAR(v, 400.0, TOL_M3);
    ASSERT_NEAR(o.level, -0.96, TOL_LEVEL);
    ASSERT_NEAR(o.dv, 400.0, TOL_M3);
    ck_assert(o.demand == 0.0);

    in = quiet_day(SUMMER);
    core_district_step(&p, &in, SUMMER, &v, &o);
    ASSERT_NEAR(o.discharge, 400.0, TOL_M3);
    ASSERT_NEAR(o.level, SUMMER, TOL_LEVEL);
    ASSERT_NEAR(o.dv, -400.0, TOL_M3);
}
END_TEST

/*
 * Dry day: gains 100 (drainage) - 50 (open-water evaporation, ow_net = -50)
 * = 50 m3; losses peat 200, nature 100, flushing 150, capital 50 = 500 m3.
 * Demand = 500 - 50 = 450 m3. Causes: peat 200, nature 100, flushing 150,
 * capital 50, agri 0 + 50 (evaporation); sum 550. Split:
 *   peat 450 x 200/550 = 1800/11, nature 900/11, flushing 1350/11,
 *   capital 450/11, agri 450/11 (sum 4950/11 = 450).
 * Full supply: supplied 450, level stays -1.00, dv = 0.
 */
static core_district_in dry_day(double frac)
{
    core_district_in in = quiet_day(SUMMER);
    in.drainage = 100.0;
    in.ow_net = -50.0;
    in.loss[CORE_DCAT_PEAT] = 200.0;
    in.loss[CORE_DCAT_NATURE] = 100.0;
    in.loss[CORE_DCAT_FLUSHING] = 150.0;
    in.loss[CORE_DCAT_CAPITAL] = 50.0;
    for (int c_ = 0; c_ < CORE_DCAT_COUNT; c_++) {
        in.supplied_frac[c_] = frac;
    }
    return in;
}

START_TEST(test_dry_full_supply)
{
    core_district_params p = base_params();
    core_district_in in = dry_day(1.0);
    core_district_out o;
    double v = 0.0, sum = 0.0;
    core_district_step(&p, &in, SUMMER, &v, &o);
    ASSERT_NEAR(o.demand, 450.0, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_PEAT], 1800.0 / 11.0, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_NATURE], 900.0 / 11.0, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_FLUSHING], 1350.0 / 11.0, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_CAPITAL], 450.0 / 11.0, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_AGRI], 450.0 / 11.0, TOL_M3);
    for (int c = 0; c < CORE_DCAT_COUNT; c++) {
        sum += o.demand_cat[c];
    }
    ASSERT_NEAR(sum, o.demand, 1e-12 * o.demand);
    ASSERT_NEAR(o.supplied, 450.0, TOL_M3);
    ASSERT_NEAR(o.shortage, 0.0, TOL_M3);
    ck_assert(o.discharge == 0.0 && o.carried == 0.0);
    ASSERT_NEAR(o.level, SUMMER, TOL_LEVEL);
    ASSERT_NEAR(o.dv, 0.0, TOL_M3);
    ASSERT_NEAR(residual(&in, &o), 0.0, TOL_M3);
}
END_TEST

/*
 * A summer tolerance of 0.03 m (300 m3 over 10,000 m2; issue 13), the dry
 * day's net loss 450 m3. Day 1 from the target: the level may sink 300 m3,
 * so the demand is 150 and the level ends at -1.03. Day 2 from there: the
 * whole 450 is asked, none of it carried (the margin is not a shortage),
 * the level stays at -1.03. A day losing 200 from the target asks nothing:
 * the level sinks to -1.02.
 */
START_TEST(test_summer_tolerance)
{
    core_district_params p = base_params();
    core_district_in in = dry_day(1.0);
    core_district_out o;
    double v = 0.0;
    in.tolerance = 0.03;
    core_district_step(&p, &in, SUMMER, &v, &o);
    ASSERT_NEAR(o.demand, 150.0, TOL_M3);
    ASSERT_NEAR(o.level, SUMMER - 0.03, TOL_LEVEL);
    ASSERT_NEAR(residual(&in, &o), 0.0, TOL_M3);
    core_district_step(&p, &in, SUMMER, &v, &o);
    ASSERT_NEAR(o.demand, 450.0, TOL_M3);
    ASSERT_NEAR(o.carried, 0.0, TOL_M3);
    ASSERT_NEAR(o.level, SUMMER - 0.03, TOL_LEVEL);
    v = 0.0;
    in = quiet_day(SUMMER);
    in.tolerance = 0.03;
    in.loss[CORE_DCAT_AGRI] = 200.0;
    core_district_step(&p, &in, SUMMER, &v, &o);
    ASSERT_NEAR(o.demand, 0.0, 0.0);
    ASSERT_NEAR(o.level, SUMMER - 0.02, TOL_LEVEL);
    ASSERT_NEAR(residual(&in, &o), 0.0, TOL_M3);
}
END_TEST

/*
 * The same dry day half supplied: supplied 225, shortage 225 m3; the level
 * drops by 225 / 10,000 = 0.0225 m to -1.0225 m NAP; dv = -225.
 * Next day (quiet): the missing 225 m3 are asked again (carried = 225), with
 * no base shares all as agriculture; with base shares peat 1, agri 1 half
 * each (112.5). Supplied in full, the level is back at -1.00.
 */
START_TEST(test_dry_half_supply)
{
    core_district_params p = base_params();
    core_district_in in = dry_day(0.5);
    core_district_out o;
    double v = 0.0, v2;
    core_district_step(&p, &in, SUMMER, &v, &o);
    ASSERT_NEAR(o.demand, 450.0, TOL_M3);
    ASSERT_NEAR(o.supplied, 225.0, TOL_M3);
    ASSERT_NEAR(o.shortage, 225.0, TOL_M3);
    ASSERT_NEAR(o.level, -1.0225, TOL_LEVEL);
    ASSERT_NEAR(o.dv, -225.0, TOL_M3);
    ASSERT_NEAR(v, -225.0, TOL_M3);
    ASSERT_NEAR(residual(&in, &o), 0.0, TOL_M3);

    v2 = v;
    in = quiet_day(SUMMER);
    core_district_step(&p, &in, SUMMER, &v, &o);
    ASSERT_NEAR(o.demand, 225.0, TOL_M3);
    ASSERT_NEAR(o.carried, 225.0, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_AGRI], 225.0, TOL_M3);
    /* by cause: all of it restated, all agriculture */
    ASSERT_NEAR(o.carried_cat[CORE_DCAT_AGRI], 225.0, TOL_M3);
    ASSERT_NEAR(o.carried_cat[CORE_DCAT_PEAT], 0.0, TOL_M3);
    ASSERT_NEAR(o.level, SUMMER, TOL_LEVEL);
    ASSERT_NEAR(o.dv, 225.0, TOL_M3);

    p.base_share[CORE_DCAT_PEAT] = 1.0;
    p.base_share[CORE_DCAT_AGRI] = 1.0;
    core_district_step(&p, &in, SUMMER, &v2, &o);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_PEAT], 112.5, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_AGRI], 112.5, TOL_M3);
    ASSERT_NEAR(o.carried_cat[CORE_DCAT_PEAT], 112.5, TOL_M3);
    ASSERT_NEAR(o.carried_cat[CORE_DCAT_AGRI], 112.5, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_NATURE], 0.0, TOL_M3);
}
END_TEST

/*
 * Summer -> winter, no other terms: at the summer target (v = 0) the
 * target drops 0.20 m: the 0.20 x 10,000 = 2,000 m3 between the two
 * targets are a surplus. Day 1 pumps 500: level -1.00 - 500/10,000 = -1.05
 * (continuous: it started at -1.00), v = 1,500 above winter, dv = -500.
 * Days 2-4 pump 500 each: -1.10, -1.15, -1.20; day 5 nothing.
 */
START_TEST(test_summer_to_winter)
{
    core_district_params p = base_params();
    core_district_in in = quiet_day(WINTER);
    core_district_out o;
    double v = 0.0, prev = SUMMER, pumped = 0.0;
    const double level[5] = {-1.05, -1.10, -1.15, -1.20, -1.20};
    for (int d = 0; d < 5; d++) {
        core_district_step(&p, &in, prev, &v, &o);
        prev = WINTER;
        pumped += o.discharge;
        ASSERT_NEAR(o.level, level[d], TOL_LEVEL);
        ASSERT_NEAR(o.dv, d < 4 ? -500.0 : 0.0, TOL_M3);
        ck_assert(o.demand == 0.0);
        ASSERT_NEAR(residual(&in, &o), 0.0, TOL_M3);
    }
    ASSERT_NEAR(pumped, 2000.0, TOL_M3);
    ASSERT_NEAR(v, 0.0, TOL_M3);
}
END_TEST

/*
 * Winter -> summer: at the winter target (v = 0) the target rises 0.20 m:
 * a demand of 2,000 m3 with no loss today.
 *   - no base shares: all 2,000 to agriculture;
 *   - base shares peat 0.3, nature 0.1, agri 0.6: 600, 200, 1,200;
 *   - no shares and a flushing loss of 100: demand 2,100, flushing 100 (its
 *     own loss), agriculture 2,000 (the rise): the rise is not charged to
 *     the day's only loss.
 * Fully supplied the level is -1.00 and dv = +2,000 (+2,100 - 100).
 * carried = 0: the level was at yesterday's target, nothing was missing.
 * Half supplied: level -1.20 + 1,000/10,000 = -1.10 (it rises from winter
 * level by what came in); dv = +1,000.
 */
START_TEST(test_winter_to_summer)
{
    core_district_params p = base_params();
    core_district_in in = quiet_day(SUMMER);
    core_district_out o;
    double v = 0.0;

    core_district_step(&p, &in, WINTER, &v, &o);
    ASSERT_NEAR(o.demand, 2000.0, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_AGRI], 2000.0, TOL_M3);
    ASSERT_NEAR(o.level, SUMMER, TOL_LEVEL);
    ASSERT_NEAR(o.dv, 2000.0, TOL_M3);
    ck_assert(o.carried == 0.0);
    ASSERT_NEAR(residual(&in, &o), 0.0, TOL_M3);

    v = 0.0;
    p.base_share[CORE_DCAT_PEAT] = 0.3;
    p.base_share[CORE_DCAT_NATURE] = 0.1;
    p.base_share[CORE_DCAT_AGRI] = 0.6;
    core_district_step(&p, &in, WINTER, &v, &o);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_PEAT], 600.0, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_NATURE], 200.0, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_AGRI], 1200.0, TOL_M3);

    v = 0.0;
    p = base_params();
    in.loss[CORE_DCAT_FLUSHING] = 100.0;
    core_district_step(&p, &in, WINTER, &v, &o);
    ASSERT_NEAR(o.demand, 2100.0, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_FLUSHING], 100.0, TOL_M3);
    ASSERT_NEAR(o.demand_cat[CORE_DCAT_AGRI], 2000.0, TOL_M3);
    ASSERT_NEAR(o.dv, 2000.0, TOL_M3);
    ASSERT_NEAR(residual(&in, &o), 0.0, TOL_M3);

    v = 0.0;
    in = quiet_day(SUMMER);
    for (int c_ = 0; c_ < CORE_DCAT_COUNT; c_++) {
        in.supplied_frac[c_] = 0.5;
    }
    core_district_step(&p, &in, WINTER, &v, &o);
    ASSERT_NEAR(o.shortage, 1000.0, TOL_M3);
    ASSERT_NEAR(o.level, -1.10, TOL_LEVEL);
    ASSERT_NEAR(o.dv, 1000.0, TOL_M3);
}
END_TEST

/* A deterministic generator (xorshift64*), uniform in [0, 1). */
static double urand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * 10,000 random days, chained (v carried over, the target switching between
 * summer and winter at random, some days with zero terms, capacity from 0):
 *   |gains - losses + supplied - discharge - dv| <= 1e-9 x scale,
 *   |(level' - level) Aow - dv| <= 1e-9 x scale (the storage from levels),
 * scale = the sum of the magnitudes of the day's terms and of the storage
 * (m3); and the invariants: parts >= 0 summing to the demand (1e-12
 * relative), supplied <= demand, discharge <= capacity, no demand and
 * discharge on one day, 0 <= carried <= demand.
 */
START_TEST(test_random_balance)
{
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    core_district_params p;
    core_district_in in;
    core_district_out o;
    double v = 0.0, prev = SUMMER, level0 = SUMMER;
    int ndemand = 0, ndischarge = 0;
    for (int d = 0; d < 10000; d++) {
        double scale, sum = 0.0, v0 = v;
        memset(&p, 0, sizeof p);
        memset(&in, 0, sizeof in);
        p.aow = 1e3 + 1e6 * urand(&seed);
        p.pump_cap = urand(&seed) < 0.1 ? 0.0 : 1e4 * urand(&seed);
        for (int c = 0; c < CORE_DCAT_COUNT; c++) {
            p.base_share[c] = urand(&seed) < 0.5 ? 0.0 : urand(&seed);
            in.loss[c] = urand(&seed) < 0.3 ? 0.0 : 3e3 * urand(&seed);
        }
        in.target = urand(&seed) < 0.9 ? prev : (urand(&seed) < 0.5 ? SUMMER : WINTER);
        in.drainage = 5e3 * urand(&seed);
        in.spill = urand(&seed) < 0.8 ? 0.0 : 1e3 * urand(&seed);
        in.runoff = 1e3 * urand(&seed);
        in.ow_net = 2e3 * (urand(&seed) - 0.6);
        for (int c_ = 0; c_ < CORE_DCAT_COUNT; c_++) {
            in.supplied_frac[c_] = urand(&seed) < 0.3 ? 1.0 : urand(&seed);
        }
        /* level0 is yesterday's level: re-express v0 on this day's aow */
        v = (level0 - prev) * p.aow;
        v0 = v;
        core_district_step(&p, &in, prev, &v, &o);
        scale = fabs(in.drainage) + fabs(in.spill) + fabs(in.runoff) + fabs(in.ow_net) +
                losses_of(&in) + o.supplied + o.discharge + fabs(v0) +
                fabs(prev - in.target) * p.aow + fabs(v);
        ck_assert_msg(fabs(residual(&in, &o)) <= 1e-9 * scale, "day %d: residual %g, scale %g", d,
                      residual(&in, &o), scale);
        ck_assert_msg(fabs((o.level - level0) * p.aow - o.dv) <= 1e-9 * scale,
                      "day %d: level change x aow %.17g, dv %.17g", d, (o.level - level0) * p.aow,
                      o.dv);
        for (int c = 0; c < CORE_DCAT_COUNT; c++) {
            ck_assert(o.demand_cat[c] >= 0.0);
            sum += o.demand_cat[c];
        }
        ck_assert_msg(fabs(sum - o.demand) <= 1e-12 * o.demand, "day %d: parts %.17g, demand %.17g",
                      d, sum, o.demand);
        ck_assert(o.supplied <= o.demand && o.supplied >= 0.0);
        ck_assert(fabs(o.shortage - (o.demand - o.supplied)) <= 1e-12 * o.demand);
        ck_assert(o.discharge >= 0.0 && o.discharge <= p.pump_cap);
        ck_assert(o.demand == 0.0 || o.discharge == 0.0);
        ck_assert(o.carried >= 0.0 && o.carried <= o.demand);
        {
            double csum = 0.0;
            for (int c_ = 0; c_ < CORE_DCAT_COUNT; c_++) {
                ck_assert(o.carried_cat[c_] >= 0.0 &&
                          o.carried_cat[c_] <= o.demand_cat[c_] * (1.0 + 1e-12));
                csum += o.carried_cat[c_];
            }
            ck_assert(csum <= o.carried * (1.0 + 1e-12) + 1e-9);
        }
        ndemand += o.demand > 0.0;
        ndischarge += o.discharge > 0.0;
        prev = in.target;
        level0 = o.level;
    }
    /* both branches were exercised many times */
    ck_assert_msg(ndemand > 1000 && ndischarge > 1000, "demand days %d, discharge days %d", ndemand,
                  ndischarge);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(core_dcat_names[CORE_DCAT_PEAT], "peat");
    ck_assert_str_eq(core_dcat_names[CORE_DCAT_NATURE], "nature");
    ck_assert_str_eq(core_dcat_names[CORE_DCAT_FLUSHING], "flushing");
    ck_assert_str_eq(core_dcat_names[CORE_DCAT_CAPITAL], "capital");
    ck_assert_str_eq(core_dcat_names[CORE_DCAT_AGRI], "agri");
}
END_TEST

/* ---- the table ------------------------------------------------------------ */

static char dir[512];

static void setup(void)
{
    tu_tmpdir("district", dir, sizeof dir);
}

static const char *fixture(const char *name, const char *text, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", dir, name);
    ck_assert_msg(tu_write(buf, text) == 0, "cannot write %s", buf);
    return buf;
}

static void need_tomllib(void)
{
    char why[512];
    int rc = tu_run("python3 -c 'import tomllib'", NULL, 0, why, sizeof why);
    ck_assert_msg(rc == 0, "python3 with tomllib (>= 3.11) is needed for the TOML check: %s", why);
}

/* A table: an unsorted set with awkward names and numbers. */
static void sample(grid_district d[3])
{
    memset(d, 0, 3 * sizeof *d);
    d[0].id = 22007;
    d[0].province = ZT_PROV_DRENTHE;
    snprintf(d[0].name, sizeof d[0].name, "Drents \"plateau\" \\ 7");
    d[0].summer_level = 0.1 + 0.2; /* 0.30000000000000004 */
    d[0].winter_level = 1.0 / 3.0;
    d[0].ow_fraction = 1e-5;
    d[0].pump_mm_d = 0.0;
    d[0].flushing_m3s = 100.0;
    d[1].id = 21001;
    d[1].province = ZT_PROV_FRYSLAN;
    snprintf(d[1].name, sizeof d[1].name, "Fryslân 001");
    d[1].summer_level = -1.10;
    d[1].winter_level = -1.25;
    d[1].ow_fraction = 0.06;
    d[1].pump_mm_d = 12.0;
    d[1].flushing_m3s = 0.0;
    d[1].unsupplied = 1;
    d[1].tolerance_m = 0.05;
    d[2].id = 2147483647;
    d[2].province = ZT_PROV_GRONINGEN;
    snprintf(d[2].name, sizeof d[2].name, "%s", "Grinslân; Noorderzijlvest # 1234567890123");
    d[2].summer_level = -9.999999999999;
    d[2].winter_level = -10.0;
    d[2].ow_fraction = 1.0;
    d[2].pump_mm_d = 500.0;
    d[2].flushing_m3s = 2.5e-7;
}

static void assert_same(const grid_district *a, const grid_district *b)
{
    ck_assert_int_eq(a->id, b->id);
    ck_assert_int_eq(a->province, b->province);
    ck_assert_str_eq(a->name, b->name);
    ck_assert_msg(a->summer_level == b->summer_level, "summer %.17g %.17g", a->summer_level,
                  b->summer_level);
    ck_assert_msg(a->winter_level == b->winter_level, "winter %.17g %.17g", a->winter_level,
                  b->winter_level);
    ck_assert_msg(a->ow_fraction == b->ow_fraction, "fraction %.17g %.17g", a->ow_fraction,
                  b->ow_fraction);
    ck_assert(a->pump_mm_d == b->pump_mm_d);
    ck_assert_msg(a->flushing_m3s == b->flushing_m3s, "flushing %.17g %.17g", a->flushing_m3s,
                  b->flushing_m3s);
    ck_assert_int_eq(a->unsupplied, b->unsupplied);
    ck_assert(a->tolerance_m == b->tolerance_m);
}

/*
 * Write three districts (unsorted), load them back: sorted by id, every
 * double bit-identical; write again: the same bytes; the file is TOML and
 * python reads the same values.
 */
START_TEST(test_table_round_trip)
{
    grid_district in[3], *out = NULL;
    char a[600], b[600], cmd[1600], why[512];
    const char *comment = "made by test_district; a ';' and a \"quote\"\n\nline 3 has a tab\t"
                          "and a control \x01 char and bad UTF-8 \xff here; and a long tail "
                          "0123456789012345678901234567890123456789012345678901234567890123456789"
                          "0123456789012345678901234567890123456789012345678901234567890123456789"
                          "ĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳĳ end";
    zt_err err;
    int n = 0;
    zt_err_clear(&err);
    sample(in);
    snprintf(a, sizeof a, "%s/a.ini", dir);
    snprintf(b, sizeof b, "%s/b.ini", dir);
    ck_assert_msg(io_districts_write(a, in, 3, comment, &err) == ZT_OK, "%s", err.msg);
    ck_assert(!tu_exists(strcat(strcpy(cmd, a), ".part")));
    ck_assert_msg(io_districts_load(a, &out, &n, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(n, 3);
    assert_same(&out[0], &in[1]);
    assert_same(&out[1], &in[0]);
    assert_same(&out[2], &in[2]);
    ck_assert_int_eq(io_districts_find(out, n, 21001), 0);
    ck_assert_int_eq(io_districts_find(out, n, 22007), 1);
    ck_assert_int_eq(io_districts_find(out, n, 2147483647), 2);
    ck_assert_int_eq(io_districts_find(out, n, 21002), -1);
    ck_assert_int_eq(io_districts_find(out, 0, 21001), -1);
    ck_assert_msg(io_districts_write(b, out, n, comment, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(tu_cmp_files(a, b), 0);
    zt_free(out);

    need_tomllib();
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import tomllib,sys; t=tomllib.load(open(sys.argv[1],'rb'))['district'];"
             " d=t['21001']; assert d['name']=='Fryslân 001' and d['province']==21 and "
             "d['summer_level']==-1.1 and d['pump_capacity_mm_d']==12.0, d; "
             "assert t['22007']['name']=='Drents \\\"plateau\\\" \\\\\\\\ 7', t['22007']; "
             "assert t['22007']['summer_level']==0.1+0.2 and t['22007']['winter_level']==1/3; "
             "assert sorted(t)==['21001','2147483647','22007']\" '%s'",
             a);
    ck_assert_msg(tu_run(cmd, NULL, 0, why, sizeof why) == 0, "not the TOML we meant: %s", why);
}
END_TEST

/* io_district_params, io_district_target: unit conversions by hand. */
START_TEST(test_params_and_season)
{
    grid_district d[3];
    core_district_params p;
    sample(d);
    /* 400 ha = 4e6 m2: Aow = 0.06 x 4e6 = 240,000 m2; 12 mm/d x 4e6 m2 = 48,000 m3/d */
    io_district_params(&d[1], 4e6, &p);
    ASSERT_NEAR(p.aow, 240000.0, 1e-6);
    ASSERT_NEAR(p.pump_cap, 48000.0, 1e-6);
    for (int c = 0; c < CORE_DCAT_COUNT; c++) {
        ck_assert(p.base_share[c] == 0.0);
    }
    ck_assert(io_district_target(&d[1], 3) == -1.25);
    ck_assert(io_district_target(&d[1], 4) == -1.10);
    ck_assert(io_district_target(&d[1], 9) == -1.10);
    ck_assert(io_district_target(&d[1], 10) == -1.25);
    ck_assert(!io_district_is_summer(1) && io_district_is_summer(7));
}
END_TEST

/* A good district section: 8 lines. */
#define GOOD(id)                                                                                   \
    "[district." id "]\n"                                                                          \
    "name = \"D " id "\"\n"                                                                        \
    "province = 21\n"                                                                              \
    "summer_level = -1.10      # m NAP\n"                                                          \
    "winter_level = -1.25      # m NAP\n"                                                          \
    "open_water_fraction = 0.06\n"                                                                 \
    "pump_capacity_mm_d = 12.0\n"                                                                  \
    "flushing_m3s = 0.0\n"

/* Load text as a table: it must fail with ZT_ECONFIG naming file:line and what. */
static void expect_bad(const char *name, const char *text, int line, const char *what)
{
    char path[600], at[700];
    grid_district *d = (grid_district *)1;
    int n = -1;
    zt_err err;
    zt_err_clear(&err);
    fixture(name, text, path, sizeof path);
    ck_assert_msg(io_districts_load(path, &d, &n, &err) == ZT_ECONFIG, "%s: %s: %s", name,
                  zt_status_name(err.status), err.msg);
    ck_assert_int_eq(err.status, ZT_ECONFIG);
    ck_assert(d == NULL && n == 0);
    if (line > 0) {
        snprintf(at, sizeof at, "%s:%d:", path, line);
    } else {
        snprintf(at, sizeof at, "%s", path);
    }
    ck_assert_msg(strstr(err.msg, at) != NULL, "%s: '%s' not in: %s", name, at, err.msg);
    ck_assert_msg(strstr(err.msg, what) != NULL, "%s: '%s' not in: %s", name, what, err.msg);
}

START_TEST(test_table_errors)
{
    /* the good table loads */
    {
        char path[600];
        grid_district *d = NULL;
        int n = 0;
        zt_err err;
        zt_err_clear(&err);
        fixture("good.ini", "# two\n" GOOD("21002") GOOD("21001"), path, sizeof path);
        ck_assert_msg(io_districts_load(path, &d, &n, &err) == ZT_OK, "%s", err.msg);
        ck_assert_int_eq(n, 2);
        ck_assert_int_eq(d[0].id, 21001);
        ck_assert_str_eq(d[1].name, "D 21002");
        ck_assert(d[0].summer_level == -1.10 && d[0].winter_level == -1.25);
        ck_assert_int_eq(d[0].unsupplied, 0); /* supplied unless said */
        zt_free(d);
    }
    /* outside the supply areas */
    {
        char path[600];
        grid_district *d = NULL;
        int n = 0;
        zt_err err;
        zt_err_clear(&err);
        fixture("unsup.ini", GOOD("21001") "supplied = false\n", path, sizeof path);
        ck_assert_msg(io_districts_load(path, &d, &n, &err) == ZT_OK, "%s", err.msg);
        ck_assert_int_eq(d[0].unsupplied, 1);
        zt_free(d);
    }
    expect_bad("supplied.ini", GOOD("21001") "supplied = \"no\"\n", 9, "supplied");
    expect_bad("tol.ini", GOOD("21001") "summer_tolerance_m = 1.5\n", 9, "summer_tolerance_m");
    /* unknown key, line 9 */
    expect_bad("unknown.ini", GOOD("21001") "pump_capacity = 12\n", 9, "pump_capacity");
    /* duplicate district: the second header is line 9 */
    expect_bad("dup.ini", GOOD("21001") GOOD("21001"), 9, "district.21001");
    /* ranges */
    expect_bad("frac0.ini",
               "[district.21001]\nname = \"x\"\nprovince = 21\nsummer_level = -1.1\n"
               "winter_level = -1.2\nopen_water_fraction = 0\npump_capacity_mm_d = 1\n"
               "flushing_m3s = 0\n",
               6, "open_water_fraction");
    expect_bad("level.ini",
               "[district.21001]\nname = \"x\"\nprovince = 21\nsummer_level = -10.5\n"
               "winter_level = -1.2\nopen_water_fraction = 0.1\npump_capacity_mm_d = 1\n"
               "flushing_m3s = 0\n",
               4, "summer_level");
    expect_bad("winter.ini",
               "[district.21001]\nname = \"x\"\nprovince = 21\nsummer_level = -1.1\n"
               "winter_level = 0.95\nopen_water_fraction = 0.1\npump_capacity_mm_d = 1\n"
               "flushing_m3s = 0\n",
               5, "winter_level");
    expect_bad("prov.ini",
               "[district.21001]\nname = \"x\"\nprovince = 23\nsummer_level = -1.1\n"
               "winter_level = -1.2\nopen_water_fraction = 0.1\npump_capacity_mm_d = 1\n"
               "flushing_m3s = 0\n",
               3, "province");
    expect_bad("pump.ini",
               "[district.21001]\nname = \"x\"\nprovince = 21\nsummer_level = -1.1\n"
               "winter_level = -1.2\nopen_water_fraction = 0.1\npump_capacity_mm_d = 501\n"
               "flushing_m3s = 0\n",
               7, "pump_capacity_mm_d");
    expect_bad("flush.ini",
               "[district.21001]\nname = \"x\"\nprovince = 21\nsummer_level = -1.1\n"
               "winter_level = -1.2\nopen_water_fraction = 0.1\npump_capacity_mm_d = 1\n"
               "flushing_m3s = -0.5\n",
               8, "flushing_m3s");
    expect_bad("type.ini",
               "[district.21001]\nname = \"x\"\nprovince = 21\nsummer_level = \"-1.1\"\n"
               "winter_level = -1.2\nopen_water_fraction = 0.1\npump_capacity_mm_d = 1\n"
               "flushing_m3s = 0\n",
               4, "summer_level");
    /* missing key: named at the section header (line 2) */
    expect_bad("missing.ini",
               "# no flushing\n[district.21001]\nname = \"x\"\nprovince = 21\n"
               "summer_level = -1.1\nwinter_level = -1.2\nopen_water_fraction = 0.1\n"
               "pump_capacity_mm_d = 1\n",
               2, "flushing_m3s");
    /* names */
    expect_bad("longname.ini",
               "[district.21001]\nname = \"0123456789012345678901234567890123456789012345678\"\n"
               "province = 21\nsummer_level = -1.1\nwinter_level = -1.2\n"
               "open_water_fraction = 0.1\npump_capacity_mm_d = 1\nflushing_m3s = 0\n",
               2, "name");
    expect_bad("ctlname.ini",
               "[district.21001]\nname = \"a\\nb\"\nprovince = 21\nsummer_level = -1.1\n"
               "winter_level = -1.2\nopen_water_fraction = 0.1\npump_capacity_mm_d = 1\n"
               "flushing_m3s = 0\n",
               2, "name");
    /* misnamed sections: a leading zero, not a district */
    expect_bad("zero.ini", GOOD("21001") GOOD("021002"), 9, "district.021002");
    expect_bad("other.ini", GOOD("21001") "[pumps]\nx = 1\n", 9, "[pumps]");
    /* an empty table, a missing file */
    expect_bad("empty.ini", "# nothing here\n", 0, "no [district.<id>] section");
    {
        char path[600];
        grid_district *d = NULL;
        int n = 0;
        zt_err err;
        zt_err_clear(&err);
        snprintf(path, sizeof path, "%s/nope.ini", dir);
        ck_assert(io_districts_load(path, &d, &n, &err) != ZT_OK);
        ck_assert_msg(strstr(err.msg, path) != NULL, "%s", err.msg);
        ck_assert(d == NULL && n == 0);
    }
}
END_TEST

/* extends: a scenario table raises the levels of one district. */
START_TEST(test_table_extends)
{
    char base[600], top[600];
    grid_district *d = NULL;
    int n = 0;
    zt_err err;
    zt_err_clear(&err);
    fixture("base.ini", GOOD("21001") GOOD("21002"), base, sizeof base);
    fixture("peat.ini",
            "extends = \"base.ini\"\n[district.21002]\nsummer_level = -0.80\n"
            "winter_level = -0.90\n",
            top, sizeof top);
    ck_assert_msg(io_districts_load(top, &d, &n, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(n, 2);
    ck_assert(d[0].summer_level == -1.10);
    ck_assert(d[1].summer_level == -0.80 && d[1].winter_level == -0.90);
    ck_assert(d[1].pump_mm_d == 12.0);
    zt_free(d);
}
END_TEST

START_TEST(test_write_errors)
{
    grid_district d[3];
    char path[600], part[700], bad[700];
    zt_err err;
    snprintf(path, sizeof path, "%s/w.ini", dir);
    snprintf(part, sizeof part, "%s.part", path);

    sample(d);
    zt_err_clear(&err);
    ck_assert_int_eq(io_districts_write(path, d, 0, NULL, &err), ZT_EINPUT);

    sample(d);
    d[2].id = 22007;
    zt_err_clear(&err);
    ck_assert_int_eq(io_districts_write(path, d, 3, NULL, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "22007") && strstr(err.msg, "twice"), "%s", err.msg);

    sample(d);
    d[1].ow_fraction = 0.0;
    zt_err_clear(&err);
    ck_assert_int_eq(io_districts_write(path, d, 3, NULL, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "21001") && strstr(err.msg, "open_water_fraction"), "%s",
                  err.msg);

    sample(d);
    d[0].name[3] = '\n';
    zt_err_clear(&err);
    ck_assert_int_eq(io_districts_write(path, d, 3, NULL, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "22007") && strstr(err.msg, "control"), "%s", err.msg);

    sample(d);
    d[0].winter_level = NAN;
    zt_err_clear(&err);
    ck_assert_int_eq(io_districts_write(path, d, 3, NULL, &err), ZT_EINPUT);

    ck_assert(!tu_exists(path) && !tu_exists(part));

    /* a folder that does not exist */
    sample(d);
    snprintf(bad, sizeof bad, "%s/no/such/dir/w.ini", dir);
    zt_err_clear(&err);
    ck_assert_int_eq(io_districts_write(bad, d, 3, NULL, &err), ZT_EIO);
    ck_assert_msg(strstr(err.msg, bad) != NULL, "%s", err.msg);
}
END_TEST

/* Every allocation failing in turn: ZT_ENOMEM, nothing returned, no leak. */
START_TEST(test_alloc_failure)
{
    grid_district in[3], *d = NULL;
    char path[600], other[600];
    int n = 0, k, done = 0;
    zt_err err;
    sample(in);
    snprintf(path, sizeof path, "%s/m.ini", dir);
    zt_err_clear(&err);
    ck_assert_int_eq(io_districts_write(path, in, 3, NULL, &err), ZT_OK);
    for (k = 1; k < 10000 && !done; k++) {
        zt_status st;
        zt_err_clear(&err);
        zt_alloc_fail_after(k);
        st = io_districts_load(path, &d, &n, &err);
        zt_alloc_fail_after(0);
        if (st == ZT_OK) {
            done = 1;
            ck_assert_int_eq(n, 3);
            zt_free(d);
            d = NULL;
        } else {
            ck_assert_msg(st == ZT_ENOMEM, "allocation %d: %s: %s", k, zt_status_name(st),
                          err.msg);
            ck_assert(d == NULL && n == 0);
        }
    }
    ck_assert(done);
    snprintf(other, sizeof other, "%s/m2.ini", dir);
    zt_err_clear(&err);
    zt_alloc_fail_after(1);
    ck_assert_int_eq(io_districts_write(other, in, 3, NULL, &err), ZT_ENOMEM);
    zt_alloc_fail_after(0);
    ck_assert(!tu_exists(other));
}
END_TEST

Suite *suite_district(void)
{
    Suite *s = suite_create("district");
    TCase *tc = tcase_create("step");
    TCase *tt = tcase_create("table");

    tcase_add_test(tc, test_flushing_rule);
    tcase_add_test(tc, test_summer_tolerance);
    tcase_add_test(tc, test_wet_within_capacity);
    tcase_add_test(tc, test_wet_above_capacity);
    tcase_add_test(tc, test_dry_full_supply);
    tcase_add_test(tc, test_dry_half_supply);
    tcase_add_test(tc, test_summer_to_winter);
    tcase_add_test(tc, test_winter_to_summer);
    tcase_add_test(tc, test_random_balance);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(tt, setup, NULL);
    tcase_add_test(tt, test_table_round_trip);
    tcase_add_test(tt, test_params_and_season);
    tcase_add_test(tt, test_table_errors);
    tcase_add_test(tt, test_table_extends);
    tcase_add_test(tt, test_write_errors);
    tcase_add_test(tt, test_alloc_failure);
    suite_add_tcase(s, tt);
    return s;
}
