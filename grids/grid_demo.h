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
 * file GDAL can open, in RD New or without a coordinate system, whose
 * features name the province by the attribute `code` ("20" or "PV20"),
 * `identificatie` ("PV20") or `naam` ("Groningen", "Fryslân", "Drenthe");
 * the Noord-Nederland GeoJSON of data/boundaries/) at cell size dx (m,
 * 25 to 5000; GRID_DEMO_DX for the demo). The grid is the bounding box of the
 * active and fixed-head cells with x0, y0 on multiples of dx. The rules are
 * in grid_demo.c and docs/demo-domain.md; the result is deterministic.
 * *out is returned to the caller (grid_domain_destroy); *out is NULL on
 * failure. Statuses: ZT_EINPUT naming the file when it cannot be opened as a
 * vector file, is not in RD New, or lacks one of the three provinces, or
 * when dx is out of range; ZT_ENOMEM; ZT_EGDAL when GDAL itself fails.
 */
zt_status grid_demo_build(const char *boundaries, double dx, grid_domain **out, zt_err *err);

/*
 * The demo's sprinkling rule, exposed for its test: 1 when a cell of land use
 * lu (enum zt_landuse) with its centre at (x, y) (m, RD New) can be
 * sprinkled: capital-intensive crops always, grass and arable in 26 % of the
 * 1-km blocks (CBS 2010, FACTS.md §4). The source then follows the soil.
 */
int grid_demo_sprinkled(uint8_t lu, double x, double y);

#endif /* GRID_DEMO_H */
