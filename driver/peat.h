/*
 * peat.h: groundwater statistics and peat results of a run (issues 5 and
 * 14; docs/model.md §9): GHG, GLG, GVG, mean summer and annual depth per
 * cell, subsidence and CO2e of the peat cells, the storage capacity on 1
 * December; per district and province the peat area, the shares of it
 * within, above and below 20-40 cm in summer, GxG, subsidence, CO2e, the
 * class 1.2 water for the peat (supplied, per year and per summer day, and
 * short) and its share of the IJsselmeer's water; per month the same water.
 * Files:
 *
 *   peat.nc              the gridded statistics (CF-1.8 on RD New)
 *   peat_districts.csv   per district
 *   peat_provinces.csv   per province
 *   peat_months.csv      per district and province and calendar month
 *   peat_years.csv       per complete summer and province: the shares of the
 *                        peat within, above and below 20-40 cm and the mean
 *                        summer depth (for `zoet stats`)
 */
#ifndef DRV_PEAT_H
#define DRV_PEAT_H

#include "core_peat.h"
#include "zt.h"

typedef struct drv_peat drv_peat; /* opaque */

/* What the results need of the run (borrowed; must outlive the object). */
typedef struct drv_peat_setup {
    zt_grid grid;
    const uint8_t *mask;      /* ZT_MASK_ACTIVE cells count */
    const uint8_t *soil;      /* ZT_SOIL_PEAT: a peat cell */
    int nd;                   /* districts */
    const int32_t *d_id;      /* [nd] */
    const int *d_prov;        /* [nd] ZT_PROV_* */
    const zt_idx *d_start;    /* [nd + 1] CSR of the districts' cells */
    const zt_idx *d_cells;
    double cell_area;         /* m2 */
    const float *thickness;   /* peat thickness (m) per cell, or NULL: unknown */
    zt_day first, last;       /* the run's first and last day */
} drv_peat_setup;

zt_status drv_peat_create(const drv_peat_setup *su, drv_peat **out, zt_err *err);
void drv_peat_destroy(drv_peat **p);

/* One day: depth[k] of the water table below surface (m; NaN outside). */
void drv_peat_day(drv_peat *p, zt_day day, const double *depth);

/* The storage capacity of 1 December (mm per cell: Sy x depth + root-zone
 * deficit), copied. */
void drv_peat_dec1(drv_peat *p, const double *cap_mm);

/* The class 1.2 water of district di today (m3): what it got (supplied)
 * and what it asked (the new demand, an earlier shortage not counted
 * again). */
void drv_peat_inlet(drv_peat *p, int di, zt_day day, double supplied_m3, double demand_m3);

/* Write the files into dir. ijssel_m3: the IJsselmeer's water in the run
 * (m3), NaN without a supply network. base_dir (or NULL): the output folder
 * of the scenario this run extends; its peat tables give the differences
 * (columns d_...). Prints what a too short run lacks, peat cells above the
 * methane depth, and a base without tables (a warning). */
zt_status drv_peat_write(drv_peat *p, const char *dir, double ijssel_m3, const char *base_dir,
                         int quiet, zt_err *err);

/* Read the peat tables of base_dir (NULL: nothing to do) as drv_peat_write
 * will, before the run: ZT_EINPUT naming file, line and column for a row
 * that cannot be read; a folder without tables of this version is no error
 * (the write warns). */
zt_status drv_peat_check_base(const char *base_dir, zt_err *err);

/* The state (checkpoints): up to max arrays into list, pointing into the
 * object (valid until the next call); returns their number, or -1
 * (ZT_ENOMEM). After reading a saved state into them, call
 * drv_peat_state_loaded. */
int drv_peat_state(drv_peat *p, zt_named_array *list, int max, zt_err *err);
void drv_peat_state_loaded(drv_peat *p);

#endif /* DRV_PEAT_H */
