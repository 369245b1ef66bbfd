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

    /* peat thickness: optional on its own, not part of the group above.
       NULL when the domain has none: the thickness is unknown, and every
       peat cell is taken as thick enough to oxidise to the depth of the water
       table. When present: NAN in inactive and fixed-head cells; in active
       cells whose soil is not peat NAN means "unknown" (any value is
       allowed there: peat under a clay cover counts).
       grid_domain_add_peat_thickness allocates. */
    float *peat_thickness; /* m of peat from the surface down, >= 0 */
} grid_domain;

/*
 * Accepted ranges of the domain in active cells, checked by
 * grid_domain_validate (the reasons, with sources: docs/inputs.md). Wide
 * enough for every Dutch value, narrow enough that a unit error (mm for m,
 * m2/s for m2/d) or a garbage value (1e30, 1e-30) is refused by name.
 */
#define GRID_LEVEL_MIN (-20.0) /* m NAP: surface level, deep head; NL's lowest -6.76 */
#define GRID_LEVEL_MAX 400.0   /* m NAP: NL's highest point is 322.4 */
#define GRID_GWDEPTH_MAX 50.0  /* m: initial depth of the water table, >= 0 */
#define GRID_KD_MIN 1e-3       /* m2/d: a 10 cm layer of clay (k 0.01 m/d) */
#define GRID_KD_MAX 1e5        /* m2/d: 10 x the most permeable Dutch aquifers */
#define GRID_C_MIN 0.1         /* d: every resistance; below, 1 d steps are stiff */
#define GRID_C_MAX 1e6         /* d: 10 x the thickest Holocene clay and peat */
#define GRID_DRAIN_DEPTH_MAX 10.0 /* m: trenches and tile drains below surface */
/* m: peat thickness. The Holocene peat of the Netherlands is mostly a few m
   thick and nowhere near 20 m (the thickest, in raised bogs and the western
   peat district, some 5-10 m [E]); a thickness in cm (250 for 2.5 m) is
   refused. */
#define GRID_PEAT_THICKNESS_MAX 20.0

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
    double flushing_m3s;  /* throughflow needed against salt in summer (m3/s) */
    double tolerance_m;   /* m: in summer the level may sink this far below the target
                             before inlet starts (0: inlet at once) */
    int unsupplied;       /* 0: in a supply area, the network may let water in (the
                             zero default); 1: outside, the level falls when the
                             district needs water ("supplied = false") */
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

/*
 * Free the groundwater group (has_gw becomes 0, the arrays NULL): a run
 * calls it once the model has taken what it needs from them (the model
 * keeps its own copies), which saves 36 bytes a cell for the rest of the
 * run. Accepts a domain without the group.
 */
void grid_domain_release_gw(grid_domain *d);

/*
 * Give a domain the peat thickness: allocate peat_thickness, each cell NAN
 * (unknown). Does nothing when the domain has it already. ZT_ENOMEM (the
 * field stays NULL).
 */
zt_status grid_domain_add_peat_thickness(grid_domain *d, zt_err *err);

/* Free a domain; accepts NULL and *d == NULL; sets *d = NULL. */
void grid_domain_destroy(grid_domain **d);

/*
 * Check the invariants a run relies on and name the first cell that breaks
 * one (ZT_EINPUT, with row, column and RD coordinates): active cells have a
 * land use, a soil (none only for open water), a district > 0, a surface
 * level in [GRID_LEVEL_MIN, GRID_LEVEL_MAX] and an initial depth in [0,
 * GRID_GWDEPTH_MAX]; classes are known codes. With
 * the groundwater group (has_gw), active cells also have kd in [GRID_KD_MIN,
 * GRID_KD_MAX], cv, ditch_c and ditch_ci in [GRID_C_MIN, GRID_C_MAX], a
 * deep_head in [GRID_LEVEL_MIN, GRID_LEVEL_MAX] (surface levels too), trench
 * and tile depths in [0, GRID_DRAIN_DEPTH_MAX] or NAN (none), and a
 * resistance in the range above wherever a depth is given. With a
 * peat_thickness, active cells have one in [0, GRID_PEAT_THICKNESS_MAX] or
 * NAN (unknown), and NAN only where the soil is not peat. The message
 * states the range. Fixed-head and inactive cells are not checked.
 * `what` names the source (a file) for the message.
 */
zt_status grid_domain_validate(const grid_domain *d, const char *what, zt_err *err);

#endif /* GRID_DOMAIN_H */
