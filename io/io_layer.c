/*
 * io_layer.c: one GIS layer onto zoet's grid (io_layer.h): opening the file,
 * telling a raster from a vector, the CRS check and the in-memory grid the
 * readers share. The raster reader is in io_layer_raster.c, the vector
 * reader in io_layer_vector.c.
 */
#include "io_layer.h"

#include <cpl_error.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "io_layer_internal.h"

const char *const io_resample_names[] = {"mean", "median",  "mode",     "min",
                                         "max",  "nearest", "fraction", NULL};

const char *io_layer_gdal_msg(void)
{
    const char *m = CPLGetLastErrorMsg();
    return (m && m[0]) ? m : "no message from GDAL";
}

OGRSpatialReferenceH io_layer_rd_new(zt_err *err)
{
    OGRSpatialReferenceH rd = OSRNewSpatialReference(NULL);
    if (!rd || OSRImportFromEPSG(rd, 28992) != OGRERR_NONE) {
        zt_fail(err, ZT_EGDAL, "cannot set up RD New (EPSG:28992): %s", io_layer_gdal_msg());
        OSRDestroySpatialReference(rd);
        return NULL;
    }
    OSRSetAxisMappingStrategy(rd, OAMS_TRADITIONAL_GIS_ORDER);
    return rd;
}

zt_status io_layer_crs(OGRSpatialReferenceH srs, OGRSpatialReferenceH rd, io_layer_report *rep,
                       zt_err *err)
{
    const char *opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", NULL};
    const char *auth, *code, *nm;

    /* a local (engineering) CRS, or a GeoPackage's "Undefined geographic SRS"
     * and "Undefined Cartesian SRS" (srs_id 0 and -1, what GDAL writes for a
     * layer without a CRS), says nothing about where the layer lies */
    if (!srs || OSRIsLocal(srs) ||
        (!OSRGetAuthorityCode(srs, NULL) && OSRGetName(srs) &&
         strncasecmp(OSRGetName(srs), "Undefined ", 10) == 0)) {
        return zt_fail(err, ZT_EINPUT,
                       "has no coordinate reference system%s%s%s (assign one, e.g. with "
                       "gdal_edit.py -a_srs EPSG:28992 or ogr2ogr -a_srs EPSG:28992)",
                       srs ? ", only a local one ('" : "", srs ? OSRGetName(srs) : "",
                       srs ? "')" : "");
    }
    auth = OSRGetAuthorityName(srs, NULL);
    code = OSRGetAuthorityCode(srs, NULL);
    nm = OSRGetName(srs);
    if (auth && code) {
        snprintf(rep->crs, sizeof rep->crs, "%s:%s", auth, code);
    } else {
        snprintf(rep->crs, sizeof rep->crs, "%s", nm ? nm : "an unnamed CRS");
    }
    rep->warped = !OSRIsSameEx(srs, rd, opts);
    return ZT_OK;
}

zt_status io_layer_mem(const zt_grid *g, int f, int nbands, GDALDataType t,
                       OGRSpatialReferenceH rd, GDALDatasetH *out, zt_err *err)
{
    GDALDriverH drv = GDALGetDriverByName("MEM");
    GDALDatasetH ds;
    double gt[6];

    *out = NULL;
    if (!drv) {
        return zt_fail(err, ZT_EGDAL, "GDAL has no MEM driver: %s", io_layer_gdal_msg());
    }
    if (g->nx * f > 1000000000 / (g->ny * f > 0 ? g->ny * f : 1) || g->nx * f > INT32_MAX ||
        g->ny * f > INT32_MAX) {
        return zt_fail(err, ZT_ENOMEM, "a grid of %lld x %lld pixels is too large to hold in memory",
                       (long long)(g->nx * f), (long long)(g->ny * f));
    }
    ds = GDALCreate(drv, "", (int)(g->nx * f), (int)(g->ny * f), nbands, t, NULL);
    if (!ds) {
        return zt_fail(err, ZT_ENOMEM, "cannot create a %lld x %lld raster in memory: %s",
                       (long long)(g->nx * f), (long long)(g->ny * f), io_layer_gdal_msg());
    }
    gt[0] = g->x0;
    gt[1] = g->dx / f;
    gt[2] = 0.0;
    gt[3] = g->y0 + (double)g->ny * g->dx;
    gt[4] = 0.0;
    gt[5] = -g->dx / f;
    if (GDALSetGeoTransform(ds, gt) != CE_None || GDALSetSpatialRef(ds, rd) != CE_None) {
        GDALClose(ds);
        return zt_fail(err, ZT_EGDAL, "cannot georeference a raster in memory: %s",
                       io_layer_gdal_msg());
    }
    *out = ds;
    return ZT_OK;
}

zt_status io_layer_fetch(GDALDatasetH mem, int band, const zt_grid *g, double *out, zt_err *err)
{
    zt_idx j;
    GDALRasterBandH b = GDALGetRasterBand(mem, band);

    for (j = 0; j < g->ny; j++) {
        /* GDAL's row j counts from the north; zoet's from the south */
        if (GDALRasterIO(b, GF_Read, 0, (int)j, (int)g->nx, 1, out + (g->ny - 1 - j) * g->nx,
                         (int)g->nx, 1, GDT_Float64, 0, 0) != CE_None) {
            return zt_fail(err, ZT_EGDAL, "cannot read a raster in memory: %s",
                           io_layer_gdal_msg());
        }
    }
    return ZT_OK;
}

zt_status io_layer_nocover(const zt_grid *g, const io_layer_report *rep, zt_err *err)
{
    return zt_fail(err, ZT_EINPUT,
                   "does not cover the grid (the layer, in %s, lies wholly outside "
                   "x %.0f..%.0f, y %.0f..%.0f m RD New)",
                   rep->crs, g->x0, g->x0 + (double)g->nx * g->dx, g->y0,
                   g->y0 + (double)g->ny * g->dx);
}

/* 1 when the open dataset is to be read as a vector. */
static int is_vector(GDALDatasetH ds, const io_layer_spec *s)
{
    if (GDALGetRasterCount(ds) < 1) {
        return 1;
    }
    return GDALDatasetGetLayerCount(ds) > 0 && (s->vlayer || s->field || s->where);
}

static zt_status read_layer(const io_layer_spec *s, const zt_grid *g, double *out,
                            io_layer_report *rep, zt_err *err)
{
    zt_status st;
    struct stat sb;
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH rd = NULL;

    if ((unsigned)s->rule > IO_RS_FRACTION) {
        return zt_fail(err, ZT_EINPUT, "unknown resampling rule %d", (int)s->rule);
    }
    if (stat(s->path, &sb) != 0) {
        return zt_fail(err, ZT_EINPUT, "cannot read the layer's file: %s", strerror(errno));
    }
    if (GDALGetDriverCount() == 0) {
        GDALAllRegister();
    }
    CPLErrorReset();
    ds = GDALOpenEx(s->path, GDAL_OF_RASTER | GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL,
                    NULL);
    if (!ds || (GDALGetRasterCount(ds) < 1 && GDALDatasetGetLayerCount(ds) < 1)) {
        st = zt_fail(err, ZT_EINPUT, "not a raster or vector file GDAL can open: %s",
                     ds ? "it holds no band and no layer" : io_layer_gdal_msg());
        goto done;
    }
    if (!(rd = io_layer_rd_new(err))) {
        st = ZT_EGDAL;
        goto done;
    }
    if (is_vector(ds, s)) {
        st = io_layer_vector(ds, s, g, rd, out, rep, err);
    } else {
        st = io_layer_raster(ds, s, g, rd, out, rep, err);
    }
    if (st == ZT_OK && rep->outside == rep->cells) {
        st = io_layer_nocover(g, rep, err);
    }
done:
    OSRDestroySpatialReference(rd);
    if (ds) {
        GDALClose(ds);
    }
    return st;
}

zt_status io_layer_read(const io_layer_spec *s, const zt_grid *g, double *out,
                        io_layer_report *rep, zt_err *err)
{
    io_layer_report own;
    zt_status st;

    if (!rep) {
        rep = &own;
    }
    memset(rep, 0, sizeof *rep);
    rep->cells = (long)zt_grid_ncell(g);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    st = read_layer(s, g, out, rep, err);
    CPLPopErrorHandler();
    if (st != ZT_OK) {
        zt_err_prefix(err, "[layer.%s] %s: ", s->name ? s->name : "?", s->path);
    }
    return st;
}
