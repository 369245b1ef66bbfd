/*
 * core_rootzone.h: the root zone of one cell for one day (DESIGN.md §2).
 *
 * Pure physics: no I/O, no globals, reentrant. Units inside are metres and
 * days: depths in m, fluxes in m/d over the WHOLE cell area unless a field
 * says otherwise. The driver converts from and to mm.
 *
 * Processes, in the order they are applied within the day:
 *   ETc  = kc(month) x ET0                      the crop's potential
 *   Ei   = min(P, Icap, ETc)                    interception (whole cell)
 *   ETp  = fp Ei + (1 - fp) ETc                 the cell's potential: a paved
 *                                               part evaporates only what it
 *                                               intercepted
 *   Pn   = P - Ei                               net precipitation
 *   paved fraction fp: runoff = fp x Pn         straight to the district
 *   unpaved part (fraction 1 - fp), storage S over the unpaved area:
 *     S1   = S0 + Pn + sprinkling               infiltration
 *     perc = max(0, S1 - Smax)                  percolation, same day
 *     Ta   = min(S, (ETc - Ei) x a(S) x aox)    a = 1 for S >= p Smax,
 *                                               else S / (p Smax)   (Feddes-type);
 *                                               aox: oxygen stress near saturation
 *                                               (core_rz_oxygen; 1 without)
 *     CR   = core_cap_rise(q(d), Smax - S, Dfull) capillary rise: the steady flux
 *                                               q from the water table d below the root
 *                                               zone (core_capillary.h), in full down to
 *                                               a deficit Dfull, less towards field
 *                                               capacity, integrated over the day
 *     recharge = perc - CR                      to groundwater (may be < 0)
 *   open-water cells: Eow = fow(month) x ET0 (fow in kc), no root zone; the net
 *     P - Eow goes to the district.
 *
 * Water balance of a cell (all per cell area, m/d), exact to rounding:
 *   P + spr + cr = ei + ta + eow + perc + runoff + ownet + dS
 */
#ifndef CORE_ROOTZONE_H
#define CORE_ROOTZONE_H

#include "core_capillary.h"
#include "zt.h"

/* Parameters of one land-use x soil combination. */
typedef struct core_rz_params {
    double kc[12];       /* crop factor on Makkink ET0 per month, Jan..Dec (-); open
                            water: the open-water factor of the month */
    double icap;         /* interception capacity (m/d) */
    double smax;         /* available water of the root zone = awc x root depth (m) */
    double root_depth;   /* root depth (m) */
    double p;            /* fraction of smax below which transpiration falls (-) */
    const core_cap_table *cap; /* the subsoil's capillary flux against the distance of
                                  the water table (borrowed); NULL: no capillary rise */
    double cap_full;     /* the deficit (m) from which the rise runs at the full flux
                            (the root zone at pF 3), >= 0 (0: always full) */
    int oxygen;          /* 1: oxygen stress near saturation (Feddes h1-h2) */
    double ox_h1;        /* m above the water table (-h1): no uptake at or below it */
    double ox_h2;        /* m above the water table (-h2): full uptake above it; > ox_h1 */
    double paved;        /* paved fraction of the cell (-) */
    int open_water;      /* 1: open water, E = kc(month) x ET0, no root zone */
    int sprinkle;        /* 1: this land use may be sprinkled */
    double spr_trigger;  /* a turn starts when S < spr_trigger x smax (-) */
    double spr_gift;     /* depth of one sprinkling turn over the cell (m) */
    double spr_cap;      /* sprinkling capacity over the cell (m/d) */
    int spr_first_month; /* first month of the sprinkling season (1-12) */
    int spr_last_month;  /* last month of the sprinkling season (1-12) */
} core_rz_params;

/* State of one cell, carried from day to day. */
typedef struct core_rz_state {
    double s;        /* root-zone storage above wilting point, over the unpaved part (m) */
    double spr_left; /* depth still to give in the current sprinkling turn (m) */
} core_rz_state;

/* Inputs of one cell for one day. */
typedef struct core_rz_in {
    double p;       /* precipitation (m/d) */
    double et0;     /* Makkink reference evaporation (m/d) */
    double depth;   /* depth of the water table below surface (m) */
    int month;      /* month of the day (1-12) */
    double spr_in;  /* sprinkling water supplied today over the cell (m/d), >= 0 */
} core_rz_in;

/* Fluxes of one cell for one day, per cell area (m/d). */
typedef struct core_rz_out {
    double etp;      /* potential evapotranspiration of the cell: fp Ei + (1 - fp) kc ET0
                        (open water: fow x ET0) */
    double ei;       /* interception evaporation */
    double ta;       /* actual transpiration (unpaved part, per cell area) */
    double eow;      /* open-water evaporation */
    double perc;     /* percolation to groundwater */
    double cr;       /* capillary rise from groundwater */
    double recharge; /* perc - cr, net flux to groundwater (may be < 0) */
    double runoff;   /* paved runoff to the district */
    double ownet;    /* open water: P - Eow to the district (may be < 0) */
    double spr;      /* sprinkling applied */
    double ds;       /* change of root-zone storage, per cell area */
} core_rz_out;

/*
 * Sprinkling demand of a cell today (m/d over the cell), from the state at
 * the start of the day. A turn of spr_gift starts when the land use may be
 * sprinkled, the month lies in the season and S < spr_trigger x smax (and no
 * turn is running); the turn is delivered at most spr_cap a day until
 * spr_left is zero. May update s->spr_left (it starts a turn, and ends one
 * out of season or where sprinkling is not possible). Returns 0 when no
 * sprinkling is wanted. Call it once a day, before core_rz_step.
 */
double core_rz_sprinkle_demand(const core_rz_params *p, core_rz_state *s, int month);

/*
 * Oxygen stress (Feddes et al. 1978): the reduction of uptake in the root
 * zone of depth zr (m) over a water table at depth d (m below surface),
 * with the pressure head hydrostatic above it (h = -(distance above the
 * water table)). Uptake is 0 where h >= h1, full where h <= h2, linear in
 * between; averaged over the root zone (roots evenly spread):
 *   aox = (F(d) - F(d - zr)) / zr,  F the integral of the Feddes ramp over
 *   the distance u above the water table, with a = -h1, b = -h2 (m):
 *   F(u) = 0 (u <= a), (u - a)^2 / (2 (b - a)) (a < u < b),
 *          (b - a) / 2 + (u - b) (u >= b).
 * 0 <= aox <= 1; 1 when d >= zr + b.
 */
double core_rz_oxygen(double d, double zr, double a, double b);

/*
 * One day of the root zone of one cell. in->spr_in is what was supplied of
 * today's demand (0 <= spr_in <= demand, 0 on open water); the turn is cut
 * short (spr_left = 0) when less was supplied than asked. Updates *s and
 * fills *out. Asserts on inputs a caller must have validated (negative or
 * non-finite P or ET0, NaN depth, month outside 1-12, S < 0, spr_in above
 * the demand) and on parameters the loader must have checked.
 */
void core_rz_step(const core_rz_params *p, const core_rz_in *in, core_rz_state *s,
                  core_rz_out *out);

#endif /* CORE_ROOTZONE_H */
