/*
 * peat.h: groundwater statistics and peat results of a run (issue 5;
 * docs/model.md §9): GHG, GLG, GVG, mean summer and annual depth per cell,
 * subsidence and CO2 of the peat cells, the storage capacity on 1 December,
 * and per district and province the peat area, the share of it within
 * 20-40 cm in summer, subsidence, CO2, the inlet for peat level maintenance
 * and its share of the IJsselmeer's water. Files:
 *
 *   peat.nc              the gridded statistics (CF-1.8 on RD New)
 *   peat_districts.csv   per district
 *   peat_provinces.csv   per province
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
} drv_peat_setup;

zt_status drv_peat_create(const drv_peat_setup *su, drv_peat **out, zt_err *err);
void drv_peat_destroy(drv_peat **p);

/* One day: depth[k] of the water table below surface (m; NaN outside). */
void drv_peat_day(drv_peat *p, zt_day day, const double *depth);

/* The storage capacity of 1 December (mm per cell: Sy x depth + root-zone
 * deficit), copied. */
void drv_peat_dec1(drv_peat *p, const double *cap_mm);

/* Inlet water for peat level maintenance that district di took today (m3). */
void drv_peat_inlet(drv_peat *p, int di, double m3);

/* Write the files into dir. ijssel_m3: the IJsselmeer's water in the run
 * (m3), NaN without a supply network. base_dir (or NULL): the output folder
 * of the scenario this run extends; its peat tables give the differences
 * (columns d_...). Prints what a too short run lacks, peat cells above the
 * methane depth, and a base without tables (a warning). */
zt_status drv_peat_write(drv_peat *p, const char *dir, double ijssel_m3, const char *base_dir,
                         int quiet, zt_err *err);

/* The state (checkpoints): up to max arrays into list, pointing into the
 * object (valid until the next call); returns their number, or -1
 * (ZT_ENOMEM). After reading a saved state into them, call
 * drv_peat_state_loaded. */
int drv_peat_state(drv_peat *p, zt_named_array *list, int max, zt_err *err);
void drv_peat_state_loaded(drv_peat *p);

#endif /* DRV_PEAT_H */
