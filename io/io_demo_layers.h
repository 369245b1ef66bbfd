/*
 * io_demo_layers.h: a domain and its district table written as the GIS
 * layers `zoet domain build` reads (issue 16, item 2): the demo as a worked
 * example a hydrologist can open in QGIS, and the recipe that builds the
 * same domain back from them (docs/domain.md, "The demo as the worked
 * example").
 *
 * In the folder `dir`:
 *   - one GeoTIFF per field, EPSG:28992, north-up (the top row is zoet's
 *     row ny-1), the exact values: Float32 with NaN as nodata for real
 *     fields (surface_level, gw_depth_init, the groundwater group,
 *     peat_thickness), Byte for classes (mask, fixed_head, soil, landuse,
 *     province, sprinkling_source; 255 nodata), Int32 for district (0
 *     nodata). surface_level is NaN outside active and fixed-head cells: the
 *     recipe makes a cell active where it has a surface level;
 *   - districts.gpkg, layer "districts": one MultiPolygon feature per
 *     district (every part of its cells, GDALPolygonize of the district
 *     raster, 4-connected), in id order, with CODE (the id), NAAM,
 *     ZOMERPEIL, WINTERPEIL (m NAP), PROVINCIE (20/21/22), AANVOER (1/0),
 *     OPENWATER (-), GEMAALCAP (mm/d), DOORSPOEL (m3/s), TOLERANTIE (m);
 *   - soil_classes.csv, landuse_classes.csv: identity class tables (code k
 *     is zoet's class k, zt_soil_names / zt_landuse_names);
 *   - DOMAIN.ini: the recipe: the same grid, every layer resampled by
 *     nearest, [districts] naming the fields above with numeric_ids = true
 *     and outside = "nearest" (fixed-head cells, which have no district of
 *     their own, take the nearest one).
 */
#ifndef IO_DEMO_LAYERS_H
#define IO_DEMO_LAYERS_H

#include "grid_domain.h"
#include "zt.h"

/*
 * Write domain d (borrowed, validated) and its n districts dist (borrowed,
 * sorted by id, each with a cell in d) into dir (made when missing), as
 * above. Every file is written under a temporary name and renamed.
 * Errors: ZT_EIO naming the file; ZT_EGDAL with GDAL's message; ZT_EINPUT
 * when a district of d's cells is not in dist; ZT_ENOMEM.
 */
zt_status io_demo_layers_write(const grid_domain *d, const grid_district *dist, int n,
                               const char *dir, zt_err *err);

#endif /* IO_DEMO_LAYERS_H */
