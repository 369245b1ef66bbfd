/*
 * lake.h: the IJsselmeer and Markermeer in a run (issue 12; docs/lake.md):
 * the lake file and the Rhine at Lobith read, the day's inflows made from
 * them, the lake stepped (core_lake.h) around the allocation, and its
 * outputs:
 *   lake.nc / lake.csv   per day: level, target, available water, each
 *                        inflow and outflow, the buffer left (m NAP, m3/s,
 *                        Mm3, cm)
 * The day: drv_lake_begin (the water the users may draw) -> the
 * allocation -> the districts -> drv_lake_end (what they drew, and the
 * districts' drainage into the lake, which enters the next day).
 */
#ifndef DRV_LAKE_H
#define DRV_LAKE_H

#include "core_lake.h"
#include "io_lake.h"
#include "zt.h"

typedef struct drv_lake drv_lake; /* opaque */

/* Read the lake file and the Lobith series for the days first..last (with
 * the lake's lag; a replay year: that year). ZT_ECONFIG / ZT_EINPUT naming
 * the file; ZT_ENOMEM. */
zt_status drv_lake_create(const io_lake_cfg *cfg, zt_day first, zt_day last, drv_lake **out,
                          zt_err *err);
void drv_lake_destroy(drv_lake **l);

/* The lake file as read (its users join the supply network). */
const io_lake *drv_lake_desc(const drv_lake *l);

/* Open lake.nc and lake.csv in dir for ndays days from first. */
zt_status drv_lake_open(drv_lake *l, const char *dir, zt_day first, int ndays, zt_err *err);

/* Begin day `day`, with the day's mean precipitation and Makkink
 * evaporation over the model's cells (m/d): the water the users may draw
 * today (m3/d). */
zt_status drv_lake_begin(drv_lake *l, zt_day day, double p, double et0, double *available,
                         zt_err *err);

/* End the day: the users drew `withdrawal` (m3/d); the districts' drainage
 * into the lake today (m3/d, enters tomorrow). Writes the day's row. */
zt_status drv_lake_end(drv_lake *l, zt_day day, double withdrawal, double north, zt_err *err);

/* The lake's level now (m NAP): after drv_lake_begin, at the start of the
 * day. */
double drv_lake_level(const drv_lake *l);

/* The day just ended (for balance.csv). */
const core_lake_day *drv_lake_today(const drv_lake *l);

/* The day's lake columns of balance.csv (m3, the level in m NAP): inflow,
 * precipitation, evaporation, withdrawal, sluicing, pumping, storage
 * change, error, level. */
#define DRV_LAKE_NBAL 9
void drv_lake_balance(const drv_lake *l, double *col);

/* The run so far: the lowest level from summer_start to winter_start (m
 * NAP; INFINITY when no such day was simulated) and its day, the buffer
 * used down to it (Mm3 below the summer upper level), the days that ended
 * below the band's lower level, the wall time of the lake's steps (s). */
void drv_lake_stats(const drv_lake *l, double *low, zt_day *low_day, double *used_mm3,
                    long *below, double *seconds);

/* Close the outputs (ok: keep them). */
zt_status drv_lake_close(drv_lake *l, int ok, zt_err *err);

/* The state for checkpoints: the level and the drainage carried to the
 * next day (one array of 2) into list when it fits in max; returns 1. */
int drv_lake_state(drv_lake *l, zt_named_array *list, int max);
void drv_lake_state_loaded(drv_lake *l);

/* The outputs as they stand into dir (a checkpoint); continue them from
 * the copies in dir at `day` (a restart). */
zt_status drv_lake_checkpoint(drv_lake *l, const char *dir, zt_err *err);
zt_status drv_lake_resume(drv_lake *l, const char *dir, zt_day day, zt_err *err);

#endif /* DRV_LAKE_H */
