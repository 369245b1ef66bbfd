/*
 * io_layer.h: one GIS layer (a raster or a vector file GDAL/OGR opens) read
 * onto zoet's grid in RD New (issue 16, item 1; `zoet domain build` reads
 * each [layer.NAME] of DOMAIN.ini through this).
 *
 * Rasters are warped with GDAL's warper (GDALWarpOptions, one band, Float64,
 * the source's nodata honoured, destination nodata NaN) onto an in-memory
 * raster with the grid's geotransform and EPSG:28992; a raster in another
 * CRS is transformed on the way. Scaled rasters (band scale/offset) are
 * unpacked after resampling (exact for every rule: each is a linear map of
 * the raw values; min and max trade places when the scale is negative).
 *   mean     GRA_Average: the mean of the source pixels in the cell, each
 *            weighted by the share of it that lies in the cell;
 *   median   GRA_Med, mode GRA_Mode, min GRA_Min, max GRA_Max: of the source
 *            pixels whose centre lies in the cell;
 *   nearest  GRA_NearestNeighbour: the source pixel under the cell's centre;
 *   fraction the share (0..1) of the cell's valid-data area whose code is
 *            in codes[]: a 0/1 mask of the source (nodata kept) warped with
 *            GRA_Average at the source's resolution; a cell that no valid
 *            source pixel covers is NaN, not 0.
 * Vectors are rasterized (GDALRasterizeGeometries) after their geometries
 * are transformed to RD New with OGR (OCTTransform), in the layer's order:
 *   any rule but fraction: the numeric field's value of the feature whose
 *            geometry holds the cell's centre (the cell-centre rule,
 *            ALL_TOUCHED off; a line or point burns the cells it passes);
 *            where features overlap the last one wins and the cell counts in
 *            rep->overlaps; a cell no feature reaches is NaN;
 *   fraction the share of the cell that the (filtered) polygons cover,
 *            rasterized on a 10 x 10 sub-grid per cell with the cell-centre
 *            rule and averaged: a precision of 1/100. No field is used; a
 *            cell no polygon covers is 0 (the layer says "none here"), never
 *            NaN.
 *
 * Statuses: ZT_EINPUT (exit code 2) for everything the layer or its spec can
 * be blamed for: a file missing or not a raster/vector GDAL opens, a band out
 * of range, a vector layer or field missing (the message lists what exists),
 * a field that is not numeric, a rule that does not apply, a layer without a
 * coordinate reference system, a layer that does not cover the grid at all;
 * ZT_EGDAL with GDAL's own message when GDAL fails on a file it opened;
 * ZT_ENOMEM. Every message starts "[layer.NAME] path: ". GDAL's own stderr
 * is kept quiet (CPLQuietErrorHandler) while a layer is read.
 */
#ifndef IO_LAYER_H
#define IO_LAYER_H

#include "zt.h"

typedef enum io_resample {
    IO_RS_MEAN = 0,
    IO_RS_MEDIAN,
    IO_RS_MODE,
    IO_RS_MIN,
    IO_RS_MAX,
    IO_RS_NEAREST,
    IO_RS_FRACTION
} io_resample;

/* "mean", "median", "mode", "min", "max", "nearest", "fraction", NULL: the
 * names of the rules, indexed by io_resample. */
extern const char *const io_resample_names[];

/* What to read and how. Every pointer is borrowed for the call. */
typedef struct io_layer_spec {
    const char *name;    /* the layer's name in DOMAIN.ini ([layer.NAME]), for messages */
    const char *path;    /* a raster or vector file, any format GDAL/OGR opens */
    int band;            /* raster: 1-based band (0: 1) */
    const char *vlayer;  /* vector: the layer inside the file (NULL: the first one) */
    const char *field;   /* vector: the attribute whose value is burnt (NULL with fraction) */
    const char *where;   /* vector, optional: an OGR attribute filter ("code = 3") */
    io_resample rule;
    const double *codes; /* raster with IO_RS_FRACTION: the class codes counted */
    int ncodes;
} io_layer_spec;

/* What the read found. */
typedef struct io_layer_report {
    long cells;    /* grid cells */
    long nodata;   /* cells left NaN: the layer has no valid value there */
    long outside;  /* of those, cells outside the layer's extent (raster: the
                    * cell's centre falls outside the source raster; vector:
                    * outside the bounding box of its features in RD New) */
    long overlaps; /* vector with a field: cells whose centre more than one
                    * feature holds (the last one's value is kept); else 0 */
    int warped;    /* 1: the layer's CRS is not RD New and was transformed */
    char crs[128]; /* the layer's CRS as GDAL names it (e.g. "EPSG:4326") */
} io_layer_report;

/*
 * Read layer s onto grid g (zt.h's zt_grid: cell (i, j) at out[j * nx + i],
 * row 0 the southernmost), NaN where the layer has no valid value.
 * out: nx * ny doubles, the caller's (in the layer's units; fraction: 0..1);
 * rep: filled on success (may be NULL); err: filled on failure.
 * A raster is told from a vector by what the file holds: a file with raster
 * bands is read as a raster unless s->vlayer, s->field or s->where is set.
 * Returns ZT_OK, ZT_EINPUT, ZT_EGDAL or ZT_ENOMEM (see above).
 */
zt_status io_layer_read(const io_layer_spec *s, const zt_grid *g, double *out,
                        io_layer_report *rep, zt_err *err);

#endif
