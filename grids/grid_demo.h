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

/*
 * The demo's district table for a domain d (borrowed; any validated domain,
 * the demo's own or one read from a file): one grid_district per district
 * id of d's active cells, sorted by id. *out (n entries) is returned to the
 * caller, who frees it with zt_free; *out is NULL and *n 0 on failure.
 * Rules (docs/demo-domain.md, "District table", grid_demo.c): province =
 * the most common province of the district's cells; name "<province> <nnn>" (nnn = id mod
 * 1000 when id / 1000 is the province code, else the id); from the land
 * cells (active, not open water; all cells when there are none): dominant
 * soil, and the 10th percentile z10 of the surface level (m NAP); summer
 * level = z10 - drainage depth (peat 0.60 m, clay 1.00 m, sand 1.20 m),
 * winter level = summer - 0.10 m (peat, clay) or - 0.20 m (sand);
 * ow_fraction peat 0.08, clay 0.04, sand 0.02; pump_mm_d 12; flushing_m3s
 * for districts whose centroid lies on the mainland within 10 km of the
 * Wadden dike: 2.5 million m3/d shared by area among those in Fryslân
 * (FACTS.md §1), 0.5 million m3/d [E] among those in Groningen, else 0.
 * ZT_EINPUT when d has no district; ZT_ENOMEM.
 */
zt_status grid_demo_districts(const grid_domain *d, grid_district **out, int *n, zt_err *err);

#endif /* GRID_DEMO_H */
