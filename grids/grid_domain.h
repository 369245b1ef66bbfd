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
} grid_domain;

/*
 * Allocate a domain for grid *g with every field zeroed; *out is returned to
 * the caller, who frees it with grid_domain_destroy. ZT_ENOMEM on failure.
 */
zt_status grid_domain_create(const zt_grid *g, grid_domain **out, zt_err *err);

/* Free a domain; accepts NULL and *d == NULL; sets *d = NULL. */
void grid_domain_destroy(grid_domain **d);

/*
 * Check the invariants a run relies on and name the first cell that breaks
 * one (ZT_EINPUT, with row, column and RD coordinates): active cells have a
 * land use, a soil (none only for open water), a district > 0, a finite
 * surface level and an initial depth >= 0; classes are known codes.
 * `what` names the source (a file) for the message.
 */
zt_status grid_domain_validate(const grid_domain *d, const char *what, zt_err *err);

#endif /* GRID_DOMAIN_H */
