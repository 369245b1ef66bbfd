/*
 * stats.h: `zoet stats RUN_DIR` (issue 15; docs/table.md): per complete
 * calendar year of a run its drought statistics, their empirical return
 * periods (Weibull plotting position), the 1-in-2 and 1-in-10 values, and
 * the years that stand for the average year and the 1-in-10 dry year.
 *
 * Statistics (areas in lower case; `north` is the three provinces):
 *   deficit_max_apr_sep  mm    per station and `north` (the stations' mean
 *                              P and ET0): the largest potential
 *                              precipitation deficit from 1 April to 30
 *                              September (core_stats_deficit_max)
 *   shortage             Mm3   per province and `north` and class of the
 *                              verdringingsreeks (and class 3-4): the
 *                              demand not supplied over the calendar year
 *                              (supply_regions.csv)
 *   peat_share_20_40cm   1     per province: the share of the peat whose
 *                              summer mean depth lies within 20-40 cm
 *                              (peat_years.csv)
 *   lake_min_level_apr_sep   m NAP  the IJsselmeer's lowest level in summer
 *   lake_min_buffer_apr_sep  Mm3    the least buffer left in summer
 *                              (lake.csv)
 * Files into OUT (default RUN_DIR/stats): years.csv, return_periods.csv,
 * summary.csv (tidy: one column per key).
 */
#ifndef DRV_STATS_H
#define DRV_STATS_H

#include "zt.h"

typedef struct drv_series {
    char stat[40], area[40], cls[16], unit[16];
    int dir;   /* +1: larger is drier; -1: smaller is */
    double *v; /* [ny] per year; NaN: none */
} drv_series;

typedef struct drv_stats {
    int y0, ny;         /* the complete calendar years y0 .. y0 + ny - 1 */
    int nser;
    drv_series *ser;
    int avg_year;       /* the year closest to the 1-in-2 deficit of `north`; 0: none */
    int dry10_year;     /* closest to its 1-in-10 deficit; 0: too few years */
    char forcing[4096]; /* the forcing the deficits come from */
} drv_stats;

/* The statistics of the run in run_dir. ZT_EINPUT naming the folder or
 * file for a folder that is not a complete run, a run without a complete
 * calendar year, a forcing that does not cover the summers, or a table
 * that cannot be read (io_results.h); ZT_ENOMEM. */
zt_status drv_stats_compute(const char *run_dir, drv_stats *s, zt_err *err);

/* years.csv, return_periods.csv and summary.csv into out_dir (made when
 * missing). ZT_EIO naming the file. */
zt_status drv_stats_write(const drv_stats *s, const char *out_dir, zt_err *err);

/* The series (stat, area, cls), or NULL. */
const drv_series *drv_stats_find(const drv_stats *s, const char *stat, const char *area,
                                 const char *cls);

/* The value of series x in calendar year y (NaN outside the run). */
double drv_stats_value(const drv_stats *s, const drv_series *x, int y);

void drv_stats_free(drv_stats *s);

#endif /* DRV_STATS_H */
