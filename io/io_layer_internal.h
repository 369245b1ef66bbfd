/*
 * io_layer_internal.h: what io_layer.c shares with io_layer_raster.c and
 * io_layer_vector.c. Not a public header.
 *
 * The readers record failures with the reason only ("band 3 is out of
 * range ..."); io_layer_read prefixes "[layer.NAME] path: ".
 */
#ifndef IO_LAYER_INTERNAL_H
#define IO_LAYER_INTERNAL_H

#include <gdal.h>
#include <ogr_srs_api.h>

#include "io_layer.h"

/* GDAL's last error message, or "no message from GDAL"; never NULL. */
const char *io_layer_gdal_msg(void);

/* RD New (EPSG:28992), traditional GIS axis order (x = easting); the caller
 * destroys it with OSRDestroySpatialReference. NULL with err filled. */
OGRSpatialReferenceH io_layer_rd_new(zt_err *err);

/* Check the layer's CRS srs (borrowed, may be NULL: an error) against RD New
 * rd, and fill rep->crs and rep->warped. ZT_EINPUT when srs is NULL. */
zt_status io_layer_crs(OGRSpatialReferenceH srs, OGRSpatialReferenceH rd, io_layer_report *rep,
                       zt_err *err);

/*
 * A MEM raster over the grid g, each cell split into f x f pixels (f >= 1),
 * north-up (GDAL's row 0 is the northern one), nbands bands of type t, in
 * RD New rd. NULL with err filled.
 */
zt_status io_layer_mem(const zt_grid *g, int f, int nbands, GDALDataType t,
                       OGRSpatialReferenceH rd, GDALDatasetH *out, zt_err *err);

/* Read band `band` of the MEM raster mem (the grid, f = 1) into out,
 * turning GDAL's north-up rows into zoet's south-first ones. */
zt_status io_layer_fetch(GDALDatasetH mem, int band, const zt_grid *g, double *out, zt_err *err);

/* ZT_EINPUT "does not cover the grid (...)". */
zt_status io_layer_nocover(const zt_grid *g, const io_layer_report *rep, zt_err *err);

/* The two readers; ds is open in the right mode, rd is RD New; rep->cells
 * is set. Each fills out, rep->nodata, rep->outside, rep->overlaps. */
zt_status io_layer_raster(GDALDatasetH ds, const io_layer_spec *s, const zt_grid *g,
                          OGRSpatialReferenceH rd, double *out, io_layer_report *rep,
                          zt_err *err);
zt_status io_layer_vector(GDALDatasetH ds, const io_layer_spec *s, const zt_grid *g,
                          OGRSpatialReferenceH rd, double *out, io_layer_report *rep,
                          zt_err *err);

#endif
