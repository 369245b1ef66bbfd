/*
 * core_district.h: the surface water of one district (peilgebied /
 * afwateringseenheid) for one day (DESIGN.md §2).
 *
 * The ditch network of a district is one reservoir of storage V over its
 * open-water area Aow, held at a target level (summer or winter):
 *     level = z_target + (V - V_target) / Aow,   V_target = 0 (V is counted
 *     from the target level, so V < 0 below target).
 * Gains: drainage from groundwater, spill, paved runoff, net precipitation on
 * open water (may be < 0). Losses: infiltration into groundwater, sprinkling
 * withdrawals, flushing. After gains and losses:
 *   - what lies above the target is discharged, up to the pumping capacity;
 *     the rest raises the level;
 *   - what is missing below target - tolerance is the INLET DEMAND: the water
 *     that keeps the level at target - tolerance (the tolerance 0: at target). It is split by cause into the categories
 *     below, in proportion to each cause's share of the day's losses (so the
 *     parts add up to the demand exactly). Causes: loss[c]; open-water
 *     evaporation (max(0, -ow_net)) counts as CORE_DCAT_AGRI; a deficit the
 *     day STARTS with (a target rise, or yesterday's unsupplied shortage) is
 *     a cause too, split by p->base_share (all zero: all to CORE_DCAT_AGRI);
 *   - the supplied part (per cause a fraction given by the caller, the
 *     allocation of the supply network) is added; what is not supplied
 *     lowers the level (a shortage).
 *
 * Pure: no I/O, no globals. Units: m3, m3/d, m NAP.
 */
#ifndef CORE_DISTRICT_H
#define CORE_DISTRICT_H

#include "zt.h"

/* Causes of the inlet demand (the categories the verdringingsreeks acts on). */
enum core_dcat {
    CORE_DCAT_PEAT = 0,    /* level maintenance of peat (infiltration into peat cells) */
    CORE_DCAT_NATURE,      /* wet nature (infiltration into nature cells) */
    CORE_DCAT_FLUSHING,    /* flushing against salinisation */
    CORE_DCAT_CAPITAL,     /* sprinkling of capital-intensive crops */
    CORE_DCAT_AGRI,        /* other agriculture: other infiltration and sprinkling, evaporation */
    CORE_DCAT_COUNT
};

/* Short names of the categories ("peat", "nature", ...), index by enum. */
extern const char *const core_dcat_names[CORE_DCAT_COUNT];

/* Static parameters of a district. */
typedef struct core_district_params {
    double aow;         /* open-water area (m2), > 0 */
    double pump_cap;    /* pumping capacity (m3/d), >= 0 */
    double base_share[CORE_DCAT_COUNT]; /* how a deficit the day starts with
                           (a target rise, an unsupplied shortage) is split by
                           category (-), >= 0, e.g. the district's area shares
                           of peat, nature and other land; all zero (the
                           zero-initialised default): all to CORE_DCAT_AGRI */
} core_district_params;

/* One day's terms of a district (m3/d, all >= 0 unless said). */
typedef struct core_district_in {
    double target;          /* today's target level (m NAP) */
    double tolerance;       /* m, >= 0: the level may sink this far below the target
                               before inlet starts; the inlet then holds it there */
    double drainage;        /* groundwater drainage into the ditches (all systems) */
    double spill;           /* groundwater spilling above the surface */
    double runoff;          /* paved runoff */
    double ow_net;          /* P - E on open water (may be < 0) */
    double loss[CORE_DCAT_COUNT]; /* losses by cause: infiltration into peat and
                                     nature cells, flushing, sprinkling withdrawals
                                     of capital crops, the rest (other infiltration,
                                     other sprinkling) */
    double supplied_frac[CORE_DCAT_COUNT]; /* fraction of each cause's demand that is
                                               supplied (0-1; the allocation) */
} core_district_in;

/* One day's results. */
typedef struct core_district_out {
    double level;                   /* level at the end of the day (m NAP) */
    double demand;                  /* inlet demand (m3/d) */
    double demand_cat[CORE_DCAT_COUNT]; /* demand by cause, sums to demand */
    double supplied;                /* inlet supplied (m3/d) */
    double supplied_cat[CORE_DCAT_COUNT]; /* supplied by cause, sums to supplied */
    double carried_cat[CORE_DCAT_COUNT];  /* carried by cause: the part of demand_cat
                                             that restates an earlier shortage,
                                             0 <= carried_cat <= demand_cat */
    double shortage;                /* demand - supplied (m3/d) */
    double carried;                 /* the part of the demand that restates an
                                       earlier day's shortage still missing
                                       (m3/d), 0 <= carried <= demand; sum
                                       demand - carried over days for the NEW
                                       demand of a period (no double count) */
    double discharge;               /* pumped out (m3/d) */
    double dv;                      /* change of storage (m3/d) */
} core_district_out;

/*
 * One day of a district (m3, m3/d, m NAP): *v is the storage relative to the target level (m3)
 * at the start of the day (relative to YESTERDAY's target; a change of target
 * between days is a change of the reference, handled here so that the level
 * itself is continuous) and gets the storage at the end. prev_target is
 * yesterday's target level. Balance, exact to rounding:
 *   gains - losses + supplied - discharge = dv,
 * gains = drainage + spill + runoff + ow_net, losses = sum of loss[].
 * Never fails; programmer errors (aow <= 0, pump_cap < 0, a supplied_frac
 * outside 0-1, negative losses or shares) are caught with assert().
 * Pure and reentrant. All pointers borrowed; p, in, v, out must not be NULL.
 */
void core_district_step(const core_district_params *p, const core_district_in *in,
                        double prev_target, double *v, core_district_out *out);

/*
 * Flushing against salt (issue 13, docs/model.md §7.6). The ditches of a
 * coastal district (water volume V, m3) take a brackish seepage load L;
 * `required` = L / (C_target - C_fresh) (m3/d) is the throughflow that holds
 * them at the target. The salt is kept as a store s (m3: the salt in
 * volumes of water at the target, so the ditches are at the target when
 * s = V); it gains `required` a day and loses s / V of every m3 that
 * leaves (discharge and flushing):
 *   s' = s + required - (s / V) (discharge + flushing).
 * The flushing that keeps s' <= V, with yesterday's discharge for today's:
 *   flushing = max(0, (V / s) (s + required - V) - discharge)
 * (at s = V: max(0, required - discharge); nothing while the ditches are
 * fresher than the target and the day's load does not fill them up), and
 * never more than `required`, the design rate: salt left by a cut (s > V)
 * is not caught up, it stays in the ditches.
 * V <= 0: no store, flushing = max(0, required - discharge). All m3, m3/d.
 */
double core_district_flushing(double required, double discharge, double store, double volume);

/* The store at the end of the day (m3, >= 0) after the day's outflow (m3/d:
 * discharge and flushing); V <= 0: 0. */
double core_district_salt(double store, double required, double volume, double outflow);

#endif /* CORE_DISTRICT_H */
