/*
 * core_lake.h: the IJsselmeer and the Markermeer as one lake, stepped
 * daily (docs/lake.md; issue 12). The lake is the root of the supply
 * network: what its users may draw on a day is its availability, which
 * the allocation (core_alloc.h) shares by the verdringingsreeks among the
 * north's users and the lake's own.
 *
 * One reservoir with vertical banks: volume V = A (h - floor) above the
 * crisis floor, h the level (m NAP). A day, with every flux in m3/d:
 *
 *   V' = V + Qin + (P - E) A - W - S - U
 *
 * Qin: the inflows (the IJssel from the Rhine at Lobith, the Vecht, the
 * other regions' drainage, the north's drainage into the lake); P, E
 * precipitation and open-water evaporation on the lake (m/d); W the
 * withdrawals the allocation gave; S gravity sluicing to the Wadden Sea;
 * U the pumps at Den Oever.
 *
 * Level management (the peilbesluit IJsselmeergebied 2018, FACTS §9):
 * from winter_start to spring_start the lake is sluiced down to the
 * winter level; from spring_start it fills up, and from then to
 * winter_start it is sluiced only above the summer upper level. The users
 * draw freely down to the lower level: the winter level from winter_start
 * to summer_start (the fill-up included), the band's lower level from
 * summer_start to winter_start; below it the water above the floor is
 * rationed: spread evenly over the days left in that season.
 *
 * Sluicing: the volume above the sluicing target, at most the
 * tide-averaged capacity, which grows with the square root of the head
 * over the mean low water outside (an orifice at low tide):
 *   Smax = sluice_ref * sqrt(max(0, h - sea_low) / (level_ref - sea_low)) * 86400.
 * Pumps: when sluicing leaves the lake more than pump_above above the
 * target, what is above the target, at most the pumps' capacity.
 *
 * Pure: no I/O, no globals. Units: m, m NAP, m2, m3/d, m3/s where named.
 */
#ifndef CORE_LAKE_H
#define CORE_LAKE_H

#include "zt.h"

/* The lake and its management; every field is required (docs/lake.md
 * gives the defaults and their sources). Dates are month * 100 + day. */
typedef struct core_lake_params {
    double area;           /* m2, the lake's surface */
    double floor;          /* m NAP, the crisis floor: never drawn below */
    double winter_level;   /* m NAP, sluiced down to it in winter */
    double summer_upper;   /* m NAP, sluiced above it from spring_start to winter_start */
    double summer_lower;   /* m NAP, drawn freely down to it in summer */
    int spring_start;      /* MMDD, the fill-up begins (0301) */
    int summer_start;      /* MMDD, the band's lower level holds from it (0401) */
    int winter_start;      /* MMDD, the winter level begins (1001) */
    double sluice_ref;     /* m3/s, tide-averaged sluice capacity at level_ref */
    double level_ref;      /* m NAP */
    double sea_low;        /* m NAP, the mean low water outside: no sluicing below it */
    double pump_m3s;       /* m3/s, the pumps' capacity; 0: none */
    double pump_above;     /* m, the pumps run above the sluicing target plus this */
} core_lake_params;

/* The day's inflows and weather (m3/d, m/d). */
typedef struct core_lake_in {
    double ijssel;         /* m3/d */
    double vecht;          /* m3/d */
    double other;          /* m3/d, the other regions' net drainage into the lake */
    double north;          /* m3/d, the modelled districts' drainage into the lake */
    double p;              /* m/d on the lake */
    double e;              /* m/d, open-water evaporation from the lake */
} core_lake_in;

/* What a day did (m3/d unless named). */
typedef struct core_lake_day {
    double level0, level;  /* m NAP, at the start and at the end */
    double target;         /* m NAP, today's sluicing target */
    double lower;          /* m NAP, today's lower level of free use */
    double available;      /* what the users could draw today */
    double inflow;         /* ijssel + vecht + other + north */
    double precipitation, evaporation;
    double withdrawal;     /* what the users drew */
    double sluicing, pumping;
    double storage_change; /* A (level - level0) */
    double error;          /* inflow + P - E - W - S - U - storage change */
    double buffer;         /* A (level - summer_lower): what is left of the band (< 0: the crisis
                            * reserve is in use) */
} core_lake_day;

typedef struct core_lake {
    core_lake_params p;
    double level;          /* m NAP, the state */
    zt_day date;           /* the day begun last */
    core_lake_in in;       /* its inputs */
    double vstar;          /* m3 above the floor after its inflows and weather */
    core_lake_day day;     /* the day begun or ended last */
} core_lake;

/*
 * Check the parameters and set the start level (m NAP). ZT_EINPUT naming
 * the field for: area <= 0; levels not finite or out of order (floor <=
 * winter_level <= summer_lower <= summer_upper, sea_low < floor, level_ref
 * > sea_low); a date that is no day of the year or the three dates not in
 * the order spring < summer < winter; sluice_ref, pump_m3s or pump_above
 * negative; a start level not finite or below the floor.
 */
zt_status core_lake_init(core_lake *l, const core_lake_params *p, double level, zt_err *err);

/* The sluicing target and the lower level of free use on a date (MMDD). */
double core_lake_target(const core_lake_params *p, int mmdd);
double core_lake_lower(const core_lake_params *p, int mmdd);

/* The tide-averaged sluice capacity at level h (m3/d). */
double core_lake_sluice_capacity(const core_lake_params *p, double h);

/*
 * The share of a gravity inlet's capacity at lake level h (m NAP): the
 * flow through a submerged sluice goes with the square root of its head,
 *   sqrt(clamp((h - inside) / (design - inside), 0, 1)),
 * with `inside` the level of the water it lets the lake into and `design`
 * the lake level at which its stated capacity holds (never more: the
 * stated capacity is the most it carries). Needs design > inside.
 */
double core_lake_inlet_share(double h, double inside, double design);

/*
 * Begin day `date`: the water the users may draw today (m3/d),
 *   max(V* - V(lower), (V* - V(floor)) / n, 0),
 * with V* the volume after today's inflows and weather and n the days
 * left in the season (core_lake_days_left). ZT_EINPUT for an inflow, P or E
 * that is negative or not finite.
 */
zt_status core_lake_begin(core_lake *l, zt_day date, const core_lake_in *in, double *available,
                          zt_err *err);

/* The days from `date` to the end of its season (at least 1): to
 * winter_start from summer_start on, else to the next summer_start. */
int core_lake_days_left(const core_lake_params *p, zt_day date);

/*
 * End the day: the users drew `withdrawal` (m3/d, at most the
 * availability); sluicing and pumping, the new level, the balance. Fills
 * l->day. ZT_EINPUT for a withdrawal that is negative, not finite or above
 * the availability (more than 1e-9 relative), and for a level above +2 m
 * NAP at the end of the day (the outlets cannot carry the inflows: wrong
 * inputs); ZT_EBALANCE when the day's balance error exceeds 1e-9 of its
 * gross flux.
 */
zt_status core_lake_end(core_lake *l, double withdrawal, zt_err *err);

/*
 * A discharge from a curve of n >= 2 points (x strictly increasing, > 0):
 * linear between the points, in proportion to q beyond its ends (y0/x0 q
 * below the first, y/x q of the last above it); 0 for q <= 0. The IJssel's
 * discharge from the Rhine's at Lobith (docs/lake.md §2).
 */
double core_lake_curve(const double *x, const double *y, int n, double q);

#endif /* CORE_LAKE_H */
