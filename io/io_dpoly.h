/*
 * io_dpoly.h: a water board's peilgebieden (polygons with target levels)
 * onto zoet's grid and into its district table (io_districts.h), the
 * [districts] layer of `zoet domain build` (issue 16).
 *
 * The layer: any OGR vector source (GeoPackage, shapefile, ...), any CRS
 * (transformed to RD New, EPSG:28992; a layer without a CRS is taken as RD
 * New). Field names follow the flat export of DAMO's PeilgebiedPraktijk
 * that water boards publish: CODE and NAAM (DAMO's object code and name),
 * ZOMERPEIL, WINTERPEIL and VASTPEIL (m NAP). In DAMO itself the levels are
 * rows of the table Streefpeil (soortStreefpeil zomerpeil / winterpeil /
 * vast peil, waterhoogte in m NAP) joined on the peilgebied; an export
 * carries them flat on the polygon, and so does this reader. Every name can
 * be set; field names match without regard to case (OGR's rule).
 *
 * Rasterisation: the cell-centre rule (a cell belongs to a polygon when its
 * centre lies inside; GDALRasterizeGeometries, ALL_TOUCHED off). Where
 * centres lie in two or more polygons (an overlap) the FIRST polygon in
 * file order wins; such cells are counted in io_dpoly_report.overlaps.
 */
#ifndef IO_DPOLY_H
#define IO_DPOLY_H

#include <stdint.h>

#include "zt.h"

/* Defaults of io_dpoly_spec (NULL in the spec). */
#define IO_DPOLY_ID_FIELD "CODE"
#define IO_DPOLY_NAME_FIELD "NAAM"
#define IO_DPOLY_SUMMER_FIELD "ZOMERPEIL"
#define IO_DPOLY_WINTER_FIELD "WINTERPEIL"
#define IO_DPOLY_FIXED_FIELD "VASTPEIL"

/* What io_dpoly_write_ini writes for what a peilgebieden layer does not
 * give (the demo's values, docs/demo-domain.md "District table"): */
#define IO_DPOLY_OW_FRACTION 0.04 /* open water / land (-): the demo's clay value [E] */
#define IO_DPOLY_PUMP_MM_D 12.0   /* mm/d: the demo's; Dutch design norm 10-15 [E] */
#define IO_DPOLY_FLUSHING_M3S 0.0 /* m3/s: the demo's value away from the coast */
#define IO_DPOLY_TOLERANCE_M 0.0  /* m: summer tolerance, io_districts.h's own default */

/*
 * What to read. Strings are borrowed. A field given as NULL takes the
 * default above; a default field the layer lacks is allowed for name (the
 * code is the name) and fixed level, a field named explicitly must exist.
 * The layer must give the summer and winter fields, or the fixed field.
 */
typedef struct io_dpoly_spec {
    const char *path, *layer;            /* the polygon file (GPKG, SHP, ...) and layer (NULL: the first) */
    const char *id_field, *name_field;   /* default: DAMO's code field and naam */
    const char *summer_field, *winter_field, *fixed_field; /* summer/winter target level (m NAP); a
                                            fixed level (vast peil) used for both when the others are empty */
    const char *province_field;          /* optional (NULL: none): province code 20/21/22 (or PV20..)
                                            or name Groningen/Fryslân/Friesland/Drenthe */
    const char *supplied_field;          /* optional (NULL: none): 1/0, true/false, ja/nee, yes/no */
    /* Optional district attributes (NULL: not read, the defaults above are
     * written). A value empty or null on a feature takes the default for that
     * feature; a given value must lie in io_districts.h's range. */
    const char *open_water_field;        /* open water / land (-), 0 < f <= 1 */
    const char *pump_field;              /* pumping capacity (mm/d), 0..IO_DIST_PUMP_MAX */
    const char *flushing_field;          /* flushing in summer (m3/s), 0..IO_DIST_FLUSH_MAX */
    const char *tolerance_field;         /* summer tolerance (m), 0..IO_DIST_TOLERANCE_MAX */
    int id_from_field_numeric;           /* 1: ids are numeric in the field; 0: number them 1..n in file order, keep the code as name */
} io_dpoly_spec;

/*
 * The polygons, n of them, in file order (index i is feature i). Arrays of
 * length n, owned by the struct (io_dpoly_free). name: the name field, or
 * the code when there is none or it is empty. province: 20/21/22 or -1 (not
 * given); supplied: 1/0 or -1 (not given); ncells: cells the polygon got;
 * ow_fraction (-), pump_mm_d (mm/d), flushing_m3s (m3/s), tolerance_m (m):
 * from the optional fields, NaN where not given (no field, or empty).
 */
typedef struct io_dpoly {
    int n;
    int32_t *id; char **name; char **code; double *summer, *winter; int *province; int *supplied; /* -1: not given */
    long *ncells;                        /* cells assigned to each polygon */
    double *ow_fraction, *pump_mm_d, *flushing_m3s, *tolerance_m; /* NaN: not given */
} io_dpoly;

/* Counts of a rasterisation: cells in a polygon, in none, in two or more;
 * polygons without a cell; the layer's CRS ("EPSG:28992") and whether it
 * was transformed. */
typedef struct io_dpoly_report { long cells, in_none, overlaps; int empty_polygons; char crs[128]; int warped; } io_dpoly_report;

/*
 * Read the polygons of s and rasterise them onto g: cell_id[ncell] (row 0
 * south, zt_grid convention) gets the district id of each cell, 0 where
 * none. *out is filled (free with io_dpoly_free, also after a failure);
 * rep may be NULL.
 * Errors: ZT_EINPUT "[districts] path 'F': ..." for a file that cannot be
 * opened, a missing layer (the layers listed) or field (the fields listed),
 * a level that is empty (with no fixed level) or not a number, a level out
 * of IO_DIST_LEVEL_MIN..MAX (io_districts.h: -10..100 m NAP), a winter
 * level more than IO_DIST_WINTER_ABOVE above summer, an id that is not an
 * integer 1..2147483647, a duplicate id or code, a province or supplied
 * value it cannot read, an open water, pump, flushing or tolerance value
 * that is not a number or outside io_districts.h's range (each naming the
 * field, the feature's FID and code),
 * a CRS it cannot transform; ZT_EGDAL when rasterising fails; ZT_ENOMEM.
 */
zt_status io_dpoly_read(const io_dpoly_spec *s, const zt_grid *g, int32_t *cell_id, io_dpoly *out,
                        io_dpoly_report *rep, zt_err *err);

/* Free what io_dpoly_read allocated and zero *d; NULL-safe. */
void io_dpoly_free(io_dpoly *d);

/*
 * Write the district table as zoet run reads it (io_districts.h), one
 * [district.<id>] per polygon with a cell (ncells[i] > 0; ncells NULL: use
 * d->ncells), with open water, pump capacity, flushing and summer tolerance
 * from d where given (not NaN) and IO_DPOLY_OW_FRACTION, IO_DPOLY_PUMP_MM_D,
 * IO_DPOLY_FLUSHING_M3S and IO_DPOLY_TOLERANCE_M elsewhere, supplied where
 * not given; the name cut to 47 bytes on a UTF-8 bound. A comment at the
 * top names `source` (borrowed, may be NULL), which attributes came from
 * the layer (for how many of the districts written) and the defaults.
 * Errors: ZT_EINPUT "[districts] ...: district ID (code C): no province"
 * when a written polygon has province -1 (give province_field); no polygon
 * with a cell; io_districts_write's errors (ZT_EINPUT, ZT_EIO); ZT_ENOMEM.
 */
zt_status io_dpoly_write_ini(const io_dpoly *d, const long *ncells /* per polygon, 0: skip */, const char *path, const char *source, zt_err *err);

#endif /* IO_DPOLY_H */
