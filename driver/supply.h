/*
 * supply.h: the supply network in a run (issue 4; docs/model.md §8): the
 * users (five demand causes per district, the point users of the network
 * file), the day's allocation by the verdringingsreeks (core_alloc), the
 * well abstractions of groundwater users, and the accounting files:
 *
 *   supply_users.nc/.csv    per user and day: demand, allocated, realised,
 *                           shortage (m3/s)
 *   supply_nodes.nc/.csv    per node and day: the flow over its link (from
 *                           the parent; for a source what is drawn from it),
 *                           its capacity, the local water used (m3/s)
 *   supply_regions.nc/.csv  per province and class and day: demand,
 *                           allocated, realised, shortage (m3/d)
 */
#ifndef DRV_SUPPLY_H
#define DRV_SUPPLY_H

#include "core_district.h"
#include "io_lake.h"
#include "io_network.h"
#include "zt.h"

typedef struct drv_supply drv_supply; /* opaque */

/* What the supply needs to know of the run (borrowed for the create call). */
typedef struct drv_supply_setup {
    const char *network;       /* network file */
    double ijssel_factor;      /* on the IJsselmeer inlets */
    const char *ijssel_series; /* CSV date,m3s or NULL */
    zt_day first, last;        /* the run's days */
    int nd;                    /* districts */
    const int32_t *d_id;       /* [nd] */
    char *const *d_name;       /* [nd] */
    const int *d_prov;         /* [nd] province (ZT_PROV_*) */
    const double *d_cx;        /* [nd] centroid x (RD, m) */
    const uint8_t *d_unsup;    /* [nd] 1: outside the supply areas (not a user of the
                                  network: no demand on it, none in its files); NULL: none */
    zt_grid grid;              /* for the wells */
    const uint8_t *mask;       /* active cells (ZT_MASK_ACTIVE) */
    const io_lake *lake;       /* the lake (its own users join the network), or NULL */
} drv_supply_setup;

/* Load the network, attach the districts, find the well cells. ZT_ECONFIG
 * naming the file for a district no rule attaches, a well field without an
 * active cell, a bad series; ZT_ENOMEM. */
zt_status drv_supply_create(const drv_supply_setup *su, drv_supply **out, zt_err *err);
void drv_supply_destroy(drv_supply **s);

/* Open the accounting files in dir (under .part names until close) for
 * ndays days from first; d_id, d_name: the districts (borrowed for the
 * call); users 0: no per-user series ([output] supply_users = false). */
zt_status drv_supply_open(drv_supply *s, const char *dir, zt_day first, int ndays,
                          const int32_t *d_id, char *const *d_name, int users, zt_err *err);

/* Before the groundwater solve of a day (month 1-12, summer 1 in the
 * summer half): the wells' abstraction per cell (m/d, added to abstr[]).
 * Returns the total (m3/d) through *total. */
void drv_supply_wells(drv_supply *s, int summer, double cell_area, double *abstr,
                      double *total);

/* The allocation of a day: dem[di * CORE_DCAT_COUNT + c] the districts'
 * demands by cause and surplus[di] their discharge (local water for their
 * node), m3/d; frac[di * CORE_DCAT_COUNT + c] gets the allocated fraction
 * of each cause (1 where there is no demand). */
zt_status drv_supply_allocate(drv_supply *s, zt_day day, int summer, const double *dem,
                              const double *surplus, double *frac, zt_err *err);

/* After the districts took their water: rep[di * CORE_DCAT_COUNT + c] the
 * demand to report (the new demand) and real[...] what each cause took
 * (m3/d); writes the day's accounting. */
zt_status drv_supply_account(drv_supply *s, zt_day day, const double *rep, const double *real,
                             zt_err *err);

/* Close the accounting files (ok: keep them). */
zt_status drv_supply_close(drv_supply *s, int ok, zt_err *err);

/* The water drawn from the sources (the IJsselmeer) so far (m3). */
double drv_supply_source_m3(const drv_supply *s);

/* For the log and the bench: nodes, users, the seconds spent allocating,
 * the bottlenecks met. */
void drv_supply_stats(const drv_supply *s, int *nnode, int *nuser, double *seconds,
                      long *rounds);

/* The state (checkpoints): the running totals as arrays into list when
 * they fit in max; returns their number (1) in any case. After reading a saved state into them, call
 * drv_supply_state_loaded. */
int drv_supply_state(drv_supply *s, zt_named_array *list, int max);
void drv_supply_state_loaded(drv_supply *s);

/* The accounting files as they stand into the folder dir (a checkpoint);
 * after drv_supply_open, continue them from the copies in dir at `day` (a
 * restart). io_tsout_checkpoint's statuses. */
zt_status drv_supply_checkpoint(drv_supply *s, const char *dir, zt_err *err);
zt_status drv_supply_resume(drv_supply *s, const char *dir, zt_day day, zt_err *err);

/* With a lake: the source's availability for the next allocation (m3/d;
 * NAN: the network file's) and the lake's level at the start of the day
 * (m NAP; NAN: none), which sets the capacity of the gravity inlets
 * (core_lake_inlet_share). */
void drv_supply_set_source(drv_supply *s, double m3d, double level);

/* After drv_supply_account: what the users drew from the source today
 * (m3/d). */
double drv_supply_drawn_today(const drv_supply *s);

/* After drv_supply_account: the districts' discharge that reaches the lake
 * today (m3/d): per node with pumps into the lake (to_lake_m3s), what its
 * districts pumped out less the local water its users took, at most the
 * pumps' capacity. */
double drv_supply_to_lake(const drv_supply *s, const core_district_out *dout);

/* The verdringingsreeks checked on every day's allocation, all days: the
 * user-days of class 1-2 users short; of those, the ones where a class 3-4
 * user got water through the full link that held the first back
 * (violations), and the ones with no full link above (unexplained); the
 * days the source was exhausted. */
void drv_supply_order(const drv_supply *s, long *shortd, long *violations, long *unexplained,
                      long *source_days);

#endif /* DRV_SUPPLY_H */
