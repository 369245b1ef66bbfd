/*
 * io_layer_raster.c: a raster layer onto zoet's grid (io_layer.h) with
 * GDAL's warper: one band, Float64, the source's nodata honoured, NaN where
 * no valid source pixel reaches a cell. The warper is driven through
 * GDALWarpOptions and GDALChunkAndWarpImage rather than GDALWarp(), because
 * GDAL 3.6's gdalwarp options cannot pick one band of several (-srcband
 * came in 3.7).
 *
 * fraction: the source is first turned into a 0/1/255 mask of the same
 * size and georeference (1: the unpacked code is one of codes[], 0: another
 * valid value, 255: nodata), which is warped with GRA_Average; the result
 * is the share of the cell's valid-data area that holds one of the codes.
 * The mask takes one byte per source pixel.
 */
#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal_alg.h>
#include <gdalwarper.h>
#include <math.h>
#include <string.h>

#include "io_layer_internal.h"

/* GDAL's algorithm of each rule, indexed by io_resample. */
static const GDALResampleAlg rule_alg[] = {GRA_Average, GRA_Med, GRA_Mode,   GRA_Min,
                                           GRA_Max,     GRA_NearestNeighbour, GRA_Average};

/* The 0/1/255 mask of band b of src for the codes of s: a MEM raster of
 * src's size and georeference into *out (the caller closes it). */
static zt_status code_mask(GDALDatasetH src, GDALRasterBandH b, const io_layer_spec *s,
                           GDALDatasetH *out, zt_err *err)
{
    zt_status st = ZT_OK;
    int xs = GDALGetRasterXSize(src), ys = GDALGetRasterYSize(src), has_nd = 0, x, y, k;
    double nd = GDALGetRasterNoDataValue(b, &has_nd), gt[6];
    double scale = GDALGetRasterScale(b, NULL), offset = GDALGetRasterOffset(b, NULL);
    double *row = zt_malloc((size_t)xs * sizeof *row);
    unsigned char *m = zt_malloc((size_t)xs);
    GDALDriverH drv = GDALGetDriverByName("MEM");
    GDALDatasetH ds = NULL;
    GDALRasterBandH mb;

    if (!row || !m) {
        st = zt_fail(err, ZT_ENOMEM, "out of memory for a row of %d pixels", xs);
        goto fail;
    }
    if (!drv || !(ds = GDALCreate(drv, "", xs, ys, 1, GDT_Byte, NULL))) {
        st = zt_fail(err, ZT_ENOMEM, "cannot hold a %d x %d class mask in memory: %s", xs, ys,
                io_layer_gdal_msg());
        goto fail;
    }
    GDALGetGeoTransform(src, gt);
    mb = GDALGetRasterBand(ds, 1);
    if (GDALSetGeoTransform(ds, gt) != CE_None ||
        GDALSetSpatialRef(ds, GDALGetSpatialRef(src)) != CE_None ||
        GDALSetRasterNoDataValue(mb, 255.0) != CE_None) {
        st = zt_fail(err, ZT_EGDAL, "cannot georeference the class mask: %s", io_layer_gdal_msg());
        goto fail;
    }
    for (y = 0; y < ys; y++) {
        if (GDALRasterIO(b, GF_Read, 0, y, xs, 1, row, xs, 1, GDT_Float64, 0, 0) != CE_None) {
            st = zt_fail(err, ZT_EGDAL, "cannot read row %d: %s", y, io_layer_gdal_msg());
            goto fail;
        }
        for (x = 0; x < xs; x++) {
            double v = row[x];
            if (isnan(v) || (has_nd && v == nd)) {
                m[x] = 255;
                continue;
            }
            v = v * scale + offset;
            m[x] = 0;
            for (k = 0; k < s->ncodes; k++) {
                if (v == s->codes[k]) {
                    m[x] = 1;
                    break;
                }
            }
        }
        if (GDALRasterIO(mb, GF_Write, 0, y, xs, 1, m, xs, 1, GDT_Byte, 0, 0) != CE_None) {
            st = zt_fail(err, ZT_EGDAL, "cannot write the class mask: %s", io_layer_gdal_msg());
            goto fail;
        }
    }
    zt_free(row);
    zt_free(m);
    *out = ds;
    return ZT_OK;
fail:
    zt_free(row);
    zt_free(m);
    if (ds) {
        GDALClose(ds);
    }
    return st;
}

/* Count the NaN cells of out and, of those, the ones whose centre the
 * approximate transformer tr (grid pixel -> source pixel) puts outside the source. */
static void count_gaps(const zt_grid *g, const double *out, void *tr, int xs, int ys,
                       io_layer_report *rep)
{
    zt_idx i, j;

    for (j = 0; j < g->ny; j++) {
        for (i = 0; i < g->nx; i++) {
            double px = (double)i + 0.5, py = (double)(g->ny - 1 - j) + 0.5, pz = 0.0;
            int ok = 0;
            if (!isnan(out[j * g->nx + i])) {
                continue;
            }
            rep->nodata++;
            if (!GDALApproxTransform(tr, TRUE, 1, &px, &py, &pz, &ok) || !ok || px < 0.0 ||
                py < 0.0 || px > xs || py > ys) {
                rep->outside++;
            }
        }
    }
}

zt_status io_layer_raster(GDALDatasetH ds, const io_layer_spec *s, const zt_grid *g,
                          OGRSpatialReferenceH rd, double *out, io_layer_report *rep,
                          zt_err *err)
{
    zt_status st = ZT_OK;
    int band = s->band ? s->band : 1, nb = GDALGetRasterCount(ds), has_nd = 0;
    double gt[6], nd, scale, offset;
    GDALRasterBandH b;
    GDALDatasetH src = ds, mask = NULL, dst = NULL;
    GDALResampleAlg alg = rule_alg[s->rule];
    GDALWarpOptions *wo = NULL;
    GDALWarpOperationH op = NULL;
    void *gen = NULL;
    zt_idx k, n = zt_grid_ncell(g);

    if (band < 1 || band > nb) {
        return zt_fail(err, ZT_EINPUT, "band %d is out of range: the raster has %d band%s", band,
                       nb, nb == 1 ? "" : "s");
    }
    if (s->rule == IO_RS_FRACTION && (!s->codes || s->ncodes < 1)) {
        return zt_fail(err, ZT_EINPUT,
                       "the rule fraction on a raster needs the class codes to count (codes)");
    }
    if (GDALGetGeoTransform(ds, gt) != CE_None) {
        return zt_fail(err, ZT_EINPUT, "the raster has no georeferencing (no geotransform)");
    }
    if ((st = io_layer_crs(GDALGetSpatialRef(ds), rd, rep, err)) != ZT_OK) {
        return st;
    }
    b = GDALGetRasterBand(ds, band);
    nd = GDALGetRasterNoDataValue(b, &has_nd);
    scale = GDALGetRasterScale(b, NULL);
    offset = GDALGetRasterOffset(b, NULL);
    if (s->rule == IO_RS_FRACTION) {
        if ((st = code_mask(ds, b, s, &mask, err)) != ZT_OK) {
            return st;
        }
        src = mask;
        band = 1;
        has_nd = 1;
        nd = 255.0;
        scale = 1.0;
        offset = 0.0;
    } else if (scale < 0.0 && (alg == GRA_Min || alg == GRA_Max)) {
        alg = alg == GRA_Min ? GRA_Max : GRA_Min; /* the raw maximum is the unpacked minimum */
    }
    if ((st = io_layer_mem(g, 1, 1, GDT_Float64, rd, &dst, err)) != ZT_OK) {
        goto done;
    }
    GDALSetRasterNoDataValue(GDALGetRasterBand(dst, 1), NAN);

    wo = GDALCreateWarpOptions();
    wo->hSrcDS = src;
    wo->hDstDS = dst;
    wo->nBandCount = 1;
    wo->panSrcBands = CPLMalloc(sizeof(int));
    wo->panSrcBands[0] = band;
    wo->panDstBands = CPLMalloc(sizeof(int));
    wo->panDstBands[0] = 1;
    wo->eResampleAlg = alg;
    wo->eWorkingDataType = GDT_Float64;
    if (has_nd) {
        wo->padfSrcNoDataReal = CPLMalloc(sizeof(double));
        wo->padfSrcNoDataReal[0] = nd;
    }
    wo->padfDstNoDataReal = CPLMalloc(sizeof(double));
    wo->padfDstNoDataReal[0] = NAN;
    wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "INIT_DEST", "NO_DATA");
    CPLErrorReset();
    /* exact transformation every 0.125 pixel of error at most, interpolated
     * in between: gdalwarp's default, and 2 x faster from EPSG:4326 */
    if ((gen = GDALCreateGenImgProjTransformer2(src, dst, NULL)) != NULL &&
        (wo->pTransformerArg = GDALCreateApproxTransformer(GDALGenImgProjTransform, gen, 0.125)) !=
            NULL) {
        GDALApproxTransformerOwnsSubtransformer(wo->pTransformerArg, TRUE);
        gen = NULL;
    }
    if (!wo->pTransformerArg) {
        st = zt_fail(err, ZT_EGDAL, "cannot transform %s to RD New (EPSG:28992): %s", rep->crs,
                     io_layer_gdal_msg());
        goto done;
    }
    wo->pfnTransformer = GDALApproxTransform;
    if (!(op = GDALCreateWarpOperation(wo)) ||
        GDALChunkAndWarpImage(op, 0, 0, (int)g->nx, (int)g->ny) != CE_None) {
        st = zt_fail(err, ZT_EGDAL, "warping band %d onto the grid failed: %s", band,
                     io_layer_gdal_msg());
        goto done;
    }
    if ((st = io_layer_fetch(dst, 1, g, out, err)) != ZT_OK) {
        goto done;
    }
    for (k = 0; k < n; k++) {
        if (!isnan(out[k])) {
            out[k] = out[k] * scale + offset;
        }
    }
    count_gaps(g, out, wo->pTransformerArg, GDALGetRasterXSize(src), GDALGetRasterYSize(src),
               rep);
done:
    if (gen) {
        GDALDestroyGenImgProjTransformer(gen);
    }
    if (op) {
        GDALDestroyWarpOperation(op);
    }
    if (wo) {
        if (wo->pTransformerArg) {
            GDALDestroyApproxTransformer(wo->pTransformerArg);
        }
        GDALDestroyWarpOptions(wo);
    }
    if (dst) {
        GDALClose(dst);
    }
    if (mask) {
        GDALClose(mask);
    }
    return st;
}
