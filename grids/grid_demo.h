/*
 * grid_demo.h: the built-in Noord-Nederland demo domain.
 *
 * Built deterministically from the province boundaries shipped in data/
 * (PDOK/Kadaster, RD New GeoJSON) read and rasterised with GDAL/OGR, plus
 * schematic fields from documented geographic rules (docs/demo-domain.md
 * says which fields are real and which are invented).
 */
#ifndef GRID_DEMO_H
#define GRID_DEMO_H

#include "grid_domain.h"
#include "zt.h"

/* The demo grid: RD New, 250 m, covering Fryslân, Groningen and Drenthe. */
#define GRID_DEMO_DX 250.0

/*
 * Build the demo domain from the province polygons in `boundaries` (a vector
 * file GDAL can open whose features have the attribute `code` "PV20",
 * "PV21", "PV22" or `naam`; the Noord-Nederland GeoJSON of data/boundaries/)
 * at cell size dx (m). *out is returned to the caller (grid_domain_destroy).
 * ZT_EINPUT naming the file when it cannot be read or lacks the provinces.
 */
zt_status grid_demo_build(const char *boundaries, double dx, grid_domain **out, zt_err *err);

#endif /* GRID_DEMO_H */
