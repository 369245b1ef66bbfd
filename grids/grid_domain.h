/*
 * grid_domain.h: the static fields of a model domain, as structs of arrays
 * (STYLE.md 8): one contiguous array of length ncell per field, row-major,
 * row 0 the southernmost (see zt_grid).
 */
#ifndef GRID_DOMAIN_H
#define GRID_DOMAIN_H

#include "zt.h"

typedef struct grid_domain {
    zt_grid g;
    uint8_t *mask;       /* enum zt_mask: inactive, active, fixed head */
    float *surface;      /* surface level (m NAP) */
    uint8_t *soil;       /* enum zt_soil (0 outside active cells) */
    uint8_t *landuse;    /* enum zt_landuse (0 outside active cells) */
    int32_t *district;   /* district id, > 0 in active cells, 0 elsewhere */
    uint8_t *province;   /* enum zt_province, 0 outside the provinces */
    float *gwdepth;      /* initial depth of the water table below surface (m) */
    uint8_t *sprinkling; /* enum zt_sprinkling: source of sprinkling water */

    /* groundwater (issue 3): a group, all nine arrays or none. has_gw is 0
       for a root-zone-only domain (the arrays are then NULL); NAN marks
       "absent" where a comment says so, and fills inactive and fixed-head
       cells (their values are not used). grid_domain_add_gw allocates. */
    int has_gw;          /* 1 when the nine arrays below exist */
    float *kd;           /* transmissivity of the phreatic system (m2/d), > 0 */
    float *deep_head;    /* head of the deep aquifer phi (m NAP) */
    float *cv;           /* vertical resistance to the deep aquifer (d), > 0 */
    float *ditch_c;      /* drainage resistance of the district's ditches (d), > 0 */
    float *ditch_ci;     /* infiltration resistance of the ditches (d), > 0 */
    float *trench_depth; /* trenches (greppels): depth below surface (m), NAN: none */
    float *trench_c;     /* their drainage resistance (d) */
    float *tile_depth;   /* tile drains: depth below surface (m), NAN: none */
    float *tile_c;       /* their drainage resistance (d) */
} grid_domain;

/*
 * A district (peilgebied) as the district table describes it (the table is
 * an INI file, io/io_districts.h; the demo makes one from its domain).
 */
typedef struct grid_district {
    int32_t id;           /* district id, as in the domain's district field */
    uint8_t province;     /* enum zt_province */
    char name[48];        /* a readable name */
    double summer_level;  /* target level in summer (m NAP) */
    double winter_level;  /* target level in winter (m NAP) */
    double ow_fraction;   /* ditch water surface as a fraction of its land area (-) */
    double pump_mm_d;     /* pumping capacity (mm/d over the district's area) */
    double flushing_m3s;  /* flushing against salinisation in summer (m3/s) */
} grid_district;

/*
 * Allocate a domain for grid *g with every field zeroed; *out is returned to
 * the caller, who frees it with grid_domain_destroy. ZT_ENOMEM on failure.
 */
zt_status grid_domain_create(const zt_grid *g, grid_domain **out, zt_err *err);

/*
 * Give a domain the groundwater group: allocate the nine arrays, each cell
 * NAN, and set has_gw = 1. Does nothing when has_gw is 1 already. ZT_ENOMEM
 * (the domain is then unchanged: has_gw 0, arrays NULL).
 */
zt_status grid_domain_add_gw(grid_domain *d, zt_err *err);

/* Free a domain; accepts NULL and *d == NULL; sets *d = NULL. */
void grid_domain_destroy(grid_domain **d);

/*
 * Check the invariants a run relies on and name the first cell that breaks
 * one (ZT_EINPUT, with row, column and RD coordinates): active cells have a
 * land use, a soil (none only for open water), a district > 0, a finite
 * surface level and an initial depth >= 0; classes are known codes. With
 * the groundwater group (has_gw), active cells also have kd > 0, cv > 0,
 * ditch_c > 0, ditch_ci > 0 (all finite), a finite deep_head, trench and
 * tile depths >= 0 or NAN (none), and a finite resistance > 0 wherever a
 * depth is given. Fixed-head and inactive cells are not checked.
 * `what` names the source (a file) for the message.
 */
zt_status grid_domain_validate(const grid_domain *d, const char *what, zt_err *err);

#endif /* GRID_DOMAIN_H */
