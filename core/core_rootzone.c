/*
 * core_rootzone.c: the root zone of one cell for one day (DESIGN.md §2;
 * the science and every choice below are written out in docs/model.md §3,
 * the default parameters and their sources in docs/parameters.md).
 *
 * A single bucket with storage S (m) of plant-available water above wilting
 * point, capacity Smax = available water x root depth, over the UNPAVED part
 * (fraction 1 - fp) of the cell. One explicit pass per day, in this order:
 *
 *   ETc  = kc(month) ET0                                  (m/d)
 *   Ei   = min(P, Icap, ETc)              whole cell       (m/d)
 *   ETp  = fp Ei + (1 - fp) ETc           the cell's potential: the paved
 *                                         part evaporates what it intercepted
 *   Pn   = P - Ei                                          (m/d)
 *   runoff = fp Pn                        paved part, per cell area
 *   unpaved part (per unpaved area):
 *     S1   = S0 + Pn + spr / (1 - fp)     infiltration and sprinkling
 *     perc = max(0, S1 - Smax),  S2 = min(S1, Smax)        percolation
 *     a    = 1 if S2 >= p Smax, else S2 / (p Smax)         Feddes-type
 *            x aox (oxygen stress, core_rz_oxygen, with the water table
 *            at yesterday's depth)
 *     Ta   = min(S2, (ETc - Ei) a),       S3 = S2 - Ta     transpiration
 *     CR   = rise(q(d), Smax - S3, Dfull),                  capillary rise
 *            d = max(0, depth - root depth),  S4 = S3 + CR
 *            (core_capillary.h: q the steady flux from the water table at
 *            distance d, in full while the deficit is at least Dfull, in
 *            proportion to the deficit above it; integrated over the day)
 *   per cell area: ta = (1-fp) Ta, perc = (1-fp) perc, cr = (1-fp) CR,
 *   ds = (1-fp) (S4 - S0), recharge = perc - cr.
 *
 * Open-water cells: ETp = Eow = fow(month) ET0 (no limit: the district supplies
 * the water), ownet = P - Eow to the district; no storage.
 *
 * Balance per cell area, exact up to rounding (tests/test_rootzone.c):
 *   P + spr + cr = ei + ta + eow + perc + runoff + ownet + ds
 *
 * Sprinkling (core_rz_sprinkle_demand, then core_rz_step): a turn of
 * spr_gift (m over the cell) starts when the land use may be sprinkled, the
 * month is in the season, S < trigger Smax and no turn is running; each day
 * asks min(spr_cap, spr_left). Water supplied is added to S before
 * percolation. A day supplied less than asked ends the turn (the water is
 * not there: a ban or a shortage); leaving the season ends it too.
 *
 * Pure: no I/O, no globals, no static locals; reentrant, so the driver may
 * call it from an OpenMP loop. Programmer errors are caught with assert().
 */
#include "core_rootzone.h"

#include <assert.h>
#include <math.h>

/*
 * Relative and absolute slack (-, m/d) when comparing the supplied
 * sprinkling with the demand: a driver that passes the demand back
 * unchanged (or after a multiplication by 1.0) must count as "fully
 * supplied". 1e-12 m is a nanometre-scale amount, far below any real gift.
 */
#define RZ_SPR_SLACK_REL 1e-12
#define RZ_SPR_SLACK_ABS 1e-15

static double rz_min(double a, double b)
{
    return a < b ? a : b;
}

static double rz_max(double a, double b)
{
    return a > b ? a : b;
}

/* 1 when month (1-12) lies in the season first..last; a season may wrap
 * around the new year (first > last, e.g. 11..2). */
static int rz_in_season(int month, int first, int last)
{
    if (first <= last) {
        return month >= first && month <= last;
    }
    return month >= first || month <= last;
}

/*
 * Asserts on a parameter set the loader must already have checked. They run
 * per cell per day, so only in checking builds (ZT_PARANOID, which `make
 * sanitize` sets): in a normal build they cost a tenth of the run time.
 */
static void rz_assert_params(const core_rz_params *p)
{
    assert(p);
#ifndef ZT_PARANOID
    (void)p;
    return;
#endif
    for (int m = 0; m < 12; m++) {
        assert(p->kc[m] >= 0.0);
    }
    if (p->open_water) {
        return;
    }
    assert(p->icap >= 0.0);
    assert(p->smax >= 0.0);
    assert(p->root_depth >= 0.0);
    assert(p->p > 0.0 && p->p <= 1.0);
    assert(p->cap == NULL || p->cap_full >= 0.0);
    assert(!p->oxygen || (p->ox_h1 >= 0.0 && p->ox_h2 > p->ox_h1));
    assert(p->paved >= 0.0 && p->paved <= 1.0);
    for (int m = 0; m < 12; m++) {
        assert(p->kc[m] >= 0.0);
    }
}

static double ox_ramp_integral(double u, double a, double b)
{
    if (u <= a) {
        return 0.0;
    }
    if (u < b) {
        return (u - a) * (u - a) / (2.0 * (b - a));
    }
    return 0.5 * (b - a) + (u - b);
}

double core_rz_oxygen(double d, double zr, double a, double b)
{
    if (!(zr > 0.0)) {
        return 1.0;
    }
    if (d >= zr + b) {
        return 1.0;
    }
    const double f = (ox_ramp_integral(d, a, b) - ox_ramp_integral(d - zr, a, b)) / zr;
    return f < 0.0 ? 0.0 : (f > 1.0 ? 1.0 : f);
}

/* Today's sprinkling demand from a running turn (m/d over the cell). */
static double rz_turn_demand(const core_rz_params *p, const core_rz_state *s)
{
    if (s->spr_left <= 0.0) {
        return 0.0;
    }
    return rz_min(p->spr_cap, s->spr_left);
}

double core_rz_sprinkle_demand(const core_rz_params *p, core_rz_state *s, int month)
{
    assert(p && s);
    assert(month >= 1 && month <= 12);
    rz_assert_params(p);

    /* Land that cannot be sprinkled, or has no unpaved part to sprinkle. */
    if (!p->sprinkle || p->open_water || p->paved >= 1.0 || p->smax <= 0.0 || p->spr_gift <= 0.0 ||
        p->spr_cap <= 0.0) {
        s->spr_left = 0.0;
        return 0.0;
    }
    /* Out of season: no turn starts, and a running turn ends. */
    if (!rz_in_season(month, p->spr_first_month, p->spr_last_month)) {
        s->spr_left = 0.0;
        return 0.0;
    }
    /* Start a turn when the root zone is dry enough and none is running. */
    if (s->spr_left <= 0.0 && s->s < p->spr_trigger * p->smax) {
        s->spr_left = p->spr_gift;
    }
    return rz_turn_demand(p, s);
}

/* Open water: evaporation at the month's open-water factor x ET0, the net
 * to the district. */
static void rz_step_open_water(const core_rz_params *p, const core_rz_in *in, core_rz_out *out)
{
    assert(in->spr_in == 0.0); /* open water is never sprinkled */
    out->etp = p->kc[in->month - 1] * in->et0;
    out->eow = out->etp;
    out->ownet = in->p - out->eow;
}

void core_rz_step(const core_rz_params *p, const core_rz_in *in, core_rz_state *s, core_rz_out *out)
{
    double fu;     /* unpaved fraction of the cell (-) */
    double pn;     /* net precipitation, whole cell (m/d) */
    double s0;     /* storage at the start of the day, unpaved area (m) */
    double su;     /* running storage, unpaved area (m) */
    double perc_u; /* percolation per unpaved area (m/d) */
    double ta_u;   /* transpiration per unpaved area (m/d) */
    double cr_u;   /* capillary rise per unpaved area (m/d) */
    double a;      /* Feddes-type reduction factor (-) */
    double d;      /* water table below the root zone (m) */
    double demand; /* today's sprinkling demand of the running turn (m/d) */
    double etp_c;  /* the crop's potential kc ET0 (m/d) */

    assert(p && in && s && out);
    rz_assert_params(p);
    assert(in->p >= 0.0 && isfinite(in->p));
    assert(in->et0 >= 0.0 && isfinite(in->et0));
    assert(in->month >= 1 && in->month <= 12);
    assert(in->spr_in >= 0.0 && isfinite(in->spr_in));
    assert(!isnan(in->depth));
    assert(s->s >= 0.0);

    /* Field by field: a compound-literal reset compiles to `rep stos`,
       which cost a fifth of the step's time. */
    out->etp = 0.0;
    out->ei = 0.0;
    out->ta = 0.0;
    out->eow = 0.0;
    out->perc = 0.0;
    out->cr = 0.0;
    out->recharge = 0.0;
    out->runoff = 0.0;
    out->ownet = 0.0;
    out->ds = 0.0;
    out->spr = in->spr_in;

    if (p->open_water) {
        rz_step_open_water(p, in, out);
        return;
    }

    /* Sprinkling bookkeeping: the demand is that of the turn running at
     * the start of the day (core_rz_sprinkle_demand set it up). */
    demand = rz_turn_demand(p, s);
    assert(in->spr_in <= demand * (1.0 + RZ_SPR_SLACK_REL) + RZ_SPR_SLACK_ABS);
    if (in->spr_in < demand * (1.0 - RZ_SPR_SLACK_REL) - RZ_SPR_SLACK_ABS) {
        s->spr_left = 0.0; /* cut short: less supplied than asked */
    } else {
        s->spr_left = rz_max(0.0, s->spr_left - in->spr_in);
        if (s->spr_left <= demand * RZ_SPR_SLACK_REL + RZ_SPR_SLACK_ABS) {
            s->spr_left = 0.0; /* rounding residue of a finished turn */
        }
    }

    /* Interception, whole cell, up to the crop's potential. */
    etp_c = p->kc[in->month - 1] * in->et0;
    out->ei = rz_min(in->p, rz_min(p->icap, etp_c));
    pn = in->p - out->ei;

    /* Paved part: the net precipitation runs off to the district; what it
     * can evaporate is what it intercepted (issue 13), so the cell's
     * potential is fp Ei + (1 - fp) kc ET0. */
    fu = 1.0 - p->paved;
    out->runoff = p->paved * pn;
    out->etp = p->paved * out->ei + fu * etp_c;
    if (fu <= 0.0) {
        assert(in->spr_in == 0.0); /* nothing to sprinkle */
        return;                    /* fully paved: no root zone */
    }

    /* Unpaved part, per unpaved area. Infiltration and sprinkling. */
    s0 = s->s;
    su = s0 + pn + in->spr_in / fu;

    /* Percolation: what exceeds Smax leaves the same day. */
    perc_u = 0.0;
    if (su > p->smax) {
        perc_u = su - p->smax;
        su = p->smax;
    }

    /* Transpiration with a Feddes-type linear reduction below p Smax. The
     * demand is what interception left of ETc. */
    if (su >= p->p * p->smax) {
        a = 1.0;
    } else {
        a = su / (p->p * p->smax);
    }
    if (p->oxygen) {
        a *= core_rz_oxygen(in->depth, p->root_depth, p->ox_h1, p->ox_h2);
    }
    ta_u = rz_min(su, (etp_c - out->ei) * a);
    su -= ta_u;

    /* Capillary rise from the water table: the steady flux at its
     * distance, less as the root zone nears field capacity. */
    d = rz_max(0.0, in->depth - p->root_depth);
    cr_u = 0.0;
    if (p->cap && su < p->smax) {
        const double deficit = p->smax - su; /* m */
        cr_u = core_cap_rise(core_cap_flux(p->cap, d), deficit, p->cap_full);
        su = cr_u >= deficit ? p->smax : su + cr_u;
    }

    s->s = su;
    out->ta = fu * ta_u;
    out->perc = fu * perc_u;
    out->cr = fu * cr_u;
    out->recharge = out->perc - out->cr;
    out->ds = fu * (su - s0);
}
