/*
 * io_layer_vector.c: a vector layer onto zoet's grid (io_layer.h). The
 * features (after the attribute filter) are read with OGR, their geometries
 * transformed to RD New with OCTTransform when the layer is in another CRS,
 * and rasterized with GDALRasterizeGeometries (the cell-centre rule,
 * ALL_TOUCHED off) in the layer's order:
 *
 * - with a field: band 1 gets the field's value (the last feature wins),
 *   band 2 counts the features that reach each cell (MERGE_ALG=ADD), which
 *   gives rep->overlaps;
 * - fraction: 1 is burnt on a grid of 10 x 10 pixels per cell; a cell's
 *   share is the number of burnt pixels / 100.
 *
 * A text field is accepted when every value is a number ("3", " 2.5");
 * features whose field is null, or that have no geometry, are skipped.
 */
#include <errno.h>
#include <gdal_alg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ogr_api.h>

#include "io_layer_internal.h"

#define SUB 10 /* fraction: sub-pixels per cell side */

typedef struct feats {
    OGRGeometryH *geom; /* owned */
    double *burn;
    size_t n, cap;
    double env[4]; /* xmin, xmax, ymin, ymax of all geometries (m, RD New) */
} feats;

static void feats_free(feats *f)
{
    size_t i;
    for (i = 0; i < f->n; i++) {
        OGR_G_DestroyGeometry(f->geom[i]);
    }
    zt_free(f->geom);
    zt_free(f->burn);
    memset(f, 0, sizeof *f);
}

static zt_status feats_add(feats *f, OGRGeometryH geom, double burn, zt_err *err)
{
    OGREnvelope e;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 64;
        OGRGeometryH *g2 = zt_realloc(f->geom, cap * sizeof *g2);
        double *b2;
        if (!g2) {
            OGR_G_DestroyGeometry(geom);
            return zt_fail(err, ZT_ENOMEM, "out of memory for %zu features", cap);
        }
        f->geom = g2;
        if (!(b2 = zt_realloc(f->burn, cap * sizeof *b2))) {
            OGR_G_DestroyGeometry(geom);
            return zt_fail(err, ZT_ENOMEM, "out of memory for %zu features", cap);
        }
        f->burn = b2;
        f->cap = cap;
    }
    OGR_G_GetEnvelope(geom, &e);
    if (f->n == 0) {
        f->env[0] = e.MinX, f->env[1] = e.MaxX, f->env[2] = e.MinY, f->env[3] = e.MaxY;
    } else {
        f->env[0] = fmin(f->env[0], e.MinX), f->env[1] = fmax(f->env[1], e.MaxX);
        f->env[2] = fmin(f->env[2], e.MinY), f->env[3] = fmax(f->env[3], e.MaxY);
    }
    f->geom[f->n] = geom;
    f->burn[f->n++] = burn;
    return ZT_OK;
}

/* The layer to read: s->vlayer, or the first; ZT_EINPUT listing the layers. */
static zt_status pick_layer(GDALDatasetH ds, const io_layer_spec *s, OGRLayerH *out, zt_err *err)
{
    char list[512] = "";
    int i, n = GDALDatasetGetLayerCount(ds);

    *out = s->vlayer ? GDALDatasetGetLayerByName(ds, s->vlayer) : GDALDatasetGetLayer(ds, 0);
    if (*out) {
        return ZT_OK;
    }
    for (i = 0; i < n; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                 OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
    }
    return zt_fail(err, ZT_EINPUT, "no vector layer '%s'; the file has: %s",
                   s->vlayer ? s->vlayer : "", n ? list : "none");
}

/* The index of the numeric field s->field in lyr; ZT_EINPUT listing the fields. */
static zt_status pick_field(OGRLayerH lyr, const io_layer_spec *s, int *idx, zt_err *err)
{
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(lyr);
    OGRFieldType t;
    char list[512] = "";
    int i, n = OGR_FD_GetFieldCount(fd);

    if (!s->field || !s->field[0]) {
        return zt_fail(err, ZT_EINPUT,
                       "the rule %s on vector layer '%s' needs a field, the attribute to burn",
                       io_resample_names[s->rule], OGR_L_GetName(lyr));
    }
    *idx = OGR_FD_GetFieldIndex(fd, s->field);
    if (*idx < 0) {
        for (i = 0; i < n; i++) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                     OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i)));
        }
        return zt_fail(err, ZT_EINPUT, "vector layer '%s' has no field '%s'; its fields: %s",
                       OGR_L_GetName(lyr), s->field, n ? list : "none");
    }
    t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(fd, *idx));
    if (t != OFTInteger && t != OFTInteger64 && t != OFTReal && t != OFTString) {
        return zt_fail(err, ZT_EINPUT, "field '%s' of vector layer '%s' is of type %s, not a number",
                       s->field, OGR_L_GetName(lyr), OGR_GetFieldTypeName(t));
    }
    return ZT_OK;
}

/* Read the features of lyr into f, transformed by ct (NULL: none). */
static zt_status read_feats(OGRLayerH lyr, const io_layer_spec *s, int idx,
                            OGRCoordinateTransformationH ct, feats *f, zt_err *err)
{
    zt_status st = ZT_OK;
    OGRFeatureH ft;
    int frac = s->rule == IO_RS_FRACTION;

    OGR_L_ResetReading(lyr);
    CPLErrorReset();
    while ((ft = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH geom = OGR_F_GetGeometryRef(ft);
        double v = 1.0;
        long long fid = (long long)OGR_F_GetFID(ft);
        if (!geom || OGR_G_IsEmpty(geom) || (!frac && !OGR_F_IsFieldSetAndNotNull(ft, idx))) {
            OGR_F_Destroy(ft);
            continue;
        }
        if (frac) {
            OGRwkbGeometryType gt = wkbFlatten(OGR_G_GetGeometryType(geom));
            if (gt != wkbPolygon && gt != wkbMultiPolygon && gt != wkbCurvePolygon &&
                gt != wkbMultiSurface) {
                st = zt_fail(err, ZT_EINPUT,
                             "the rule fraction needs polygons; feature %lld of vector layer "
                             "'%s' is a %s",
                             fid, OGR_L_GetName(lyr), OGRGeometryTypeToName(gt));
                OGR_F_Destroy(ft);
                break;
            }
        } else if (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(ft, idx)) == OFTString) {
            const char *txt = OGR_F_GetFieldAsString(ft, idx);
            char *end;
            errno = 0;
            v = strtod(txt, &end);
            while (*end == ' ') {
                end++;
            }
            if (end == txt || *end || errno || !isfinite(v)) {
                st = zt_fail(err, ZT_EINPUT,
                             "field '%s' of vector layer '%s' is text, and feature %lld holds "
                             "\"%s\", not a number",
                             s->field, OGR_L_GetName(lyr), fid, txt);
                OGR_F_Destroy(ft);
                break;
            }
        } else {
            v = OGR_F_GetFieldAsDouble(ft, idx);
        }
        geom = OGR_G_Clone(geom);
        OGR_F_Destroy(ft);
        if (!geom) {
            st = zt_fail(err, ZT_ENOMEM, "cannot copy the geometry of feature %lld", fid);
            break;
        }
        if (ct && OGR_G_Transform(geom, ct) != OGRERR_NONE) {
            OGR_G_DestroyGeometry(geom);
            st = zt_fail(err, ZT_EGDAL, "cannot transform feature %lld to RD New: %s", fid,
                         io_layer_gdal_msg());
            break;
        }
        if ((st = feats_add(f, geom, v, err)) != ZT_OK) {
            break;
        }
        CPLErrorReset();
    }
    /* a filter some drivers (GPKG: SQL) only reject when the features are read */
    if (st == ZT_OK && CPLGetLastErrorType() >= CE_Failure) {
        st = s->where && s->where[0]
                 ? zt_fail(err, ZT_EINPUT,
                           "vector layer '%s': the filter \"%s\" is not valid: %s",
                           OGR_L_GetName(lyr), s->where, io_layer_gdal_msg())
                 : zt_fail(err, ZT_EGDAL, "reading vector layer '%s' failed: %s",
                           OGR_L_GetName(lyr), io_layer_gdal_msg());
    }
    return st;
}

/* Burn the field's values (band 1) and count the features per cell (band 2). */
static zt_status burn_field(const feats *f, const zt_grid *g, OGRSpatialReferenceH rd,
                            double *out, io_layer_report *rep, zt_err *err)
{
    zt_status st;
    GDALDatasetH mem = NULL;
    double *ones = NULL, *count = NULL;
    int b1 = 1, b2 = 2;
    char *add[] = {"MERGE_ALG=ADD", NULL};
    zt_idx k, n = zt_grid_ncell(g);
    size_t i;

    if ((st = io_layer_mem(g, 1, 2, GDT_Float64, rd, &mem, err)) != ZT_OK) {
        return st;
    }
    if (!(ones = zt_malloc(f->n * sizeof *ones)) || !(count = zt_malloc((size_t)n * sizeof *count))) {
        st = zt_fail(err, ZT_ENOMEM, "out of memory for the feature counts");
        goto done;
    }
    for (i = 0; i < f->n; i++) {
        ones[i] = 1.0;
    }
    CPLErrorReset();
    if (GDALFillRaster(GDALGetRasterBand(mem, 1), NAN, 0) != CE_None ||
        GDALRasterizeGeometries(mem, 1, &b1, (int)f->n, f->geom, NULL, NULL, f->burn, NULL, NULL,
                                NULL) != CE_None ||
        GDALRasterizeGeometries(mem, 1, &b2, (int)f->n, f->geom, NULL, NULL, ones, add, NULL,
                                NULL) != CE_None) {
        st = zt_fail(err, ZT_EGDAL, "rasterizing the features failed: %s", io_layer_gdal_msg());
        goto done;
    }
    if ((st = io_layer_fetch(mem, 1, g, out, err)) != ZT_OK ||
        (st = io_layer_fetch(mem, 2, g, count, err)) != ZT_OK) {
        goto done;
    }
    for (k = 0; k < n; k++) {
        rep->overlaps += count[k] > 1.5;
    }
done:
    zt_free(ones);
    zt_free(count);
    GDALClose(mem);
    return st;
}

/* The share of each cell the polygons cover, on SUB x SUB pixels a cell. */
static zt_status burn_fraction(const feats *f, const zt_grid *g, OGRSpatialReferenceH rd,
                               double *out, zt_err *err)
{
    zt_status st;
    GDALDatasetH mem = NULL;
    unsigned char *rows = NULL;
    int b1 = 1;
    size_t w = (size_t)g->nx * SUB;
    zt_idx i, j;

    if ((st = io_layer_mem(g, SUB, 1, GDT_Byte, rd, &mem, err)) != ZT_OK) {
        return st;
    }
    CPLErrorReset();
    if (!(rows = zt_malloc(w * SUB))) {
        st = zt_fail(err, ZT_ENOMEM, "out of memory for the sub-cell rows");
        goto done;
    }
    if (f->n && GDALRasterizeGeometries(mem, 1, &b1, (int)f->n, f->geom, NULL, NULL, f->burn,
                                        NULL, NULL, NULL) != CE_None) {
        st = zt_fail(err, ZT_EGDAL, "rasterizing the polygons failed: %s", io_layer_gdal_msg());
        goto done;
    }
    for (j = 0; j < g->ny; j++) {
        /* zoet's row j (from the south) is GDAL's SUB rows from (ny - 1 - j) * SUB */
        if (GDALRasterIO(GDALGetRasterBand(mem, 1), GF_Read, 0, (int)((g->ny - 1 - j) * SUB),
                         (int)w, SUB, rows, (int)w, SUB, GDT_Byte, 0, 0) != CE_None) {
            st = zt_fail(err, ZT_EGDAL, "cannot read a raster in memory: %s",
                         io_layer_gdal_msg());
            goto done;
        }
        for (i = 0; i < g->nx; i++) {
            int a, b, c = 0;
            for (b = 0; b < SUB; b++) {
                for (a = 0; a < SUB; a++) {
                    c += rows[(size_t)b * w + (size_t)i * SUB + (size_t)a] != 0;
                }
            }
            out[j * g->nx + i] = c / (double)(SUB * SUB);
        }
    }
done:
    zt_free(rows);
    GDALClose(mem);
    return st;
}

zt_status io_layer_vector(GDALDatasetH ds, const io_layer_spec *s, const zt_grid *g,
                          OGRSpatialReferenceH rd, double *out, io_layer_report *rep,
                          zt_err *err)
{
    zt_status st;
    OGRLayerH lyr;
    OGRSpatialReferenceH srs, own = NULL;
    OGRCoordinateTransformationH ct = NULL;
    feats f = {0};
    int idx = -1, frac = s->rule == IO_RS_FRACTION;
    double gx1 = g->x0 + (double)g->nx * g->dx, gy1 = g->y0 + (double)g->ny * g->dx;
    zt_idx i, j;

    if ((st = pick_layer(ds, s, &lyr, err)) != ZT_OK) {
        return st;
    }
    if (s->where && s->where[0] && OGR_L_SetAttributeFilter(lyr, s->where) != OGRERR_NONE) {
        return zt_fail(err, ZT_EINPUT, "vector layer '%s': the filter \"%s\" is not valid: %s",
                       OGR_L_GetName(lyr), s->where, io_layer_gdal_msg());
    }
    if (!frac && (st = pick_field(lyr, s, &idx, err)) != ZT_OK) {
        return st;
    }
    srs = OGR_L_GetSpatialRef(lyr);
    if ((st = io_layer_crs(srs, rd, rep, err)) != ZT_OK) {
        return st;
    }
    if (rep->warped) {
        own = OSRClone(srs);
        if (own) {
            OSRSetAxisMappingStrategy(own, OAMS_TRADITIONAL_GIS_ORDER);
        }
        CPLErrorReset();
        if (!own || !(ct = OCTNewCoordinateTransformation(own, rd))) {
            st = zt_fail(err, ZT_EGDAL, "cannot transform %s to RD New (EPSG:28992): %s",
                         rep->crs, io_layer_gdal_msg());
            goto done;
        }
    }
    if ((st = read_feats(lyr, s, idx, ct, &f, err)) != ZT_OK) {
        goto done;
    }
    if (f.n == 0) {
        st = zt_fail(err, ZT_EINPUT,
                     "does not cover the grid: vector layer '%s' holds no feature with a "
                     "geometry%s%s%s%s%s",
                     OGR_L_GetName(lyr), frac ? "" : " and a value of '",
                     frac ? "" : s->field, frac ? "" : "'", s->where ? " that passes the filter " : "",
                     s->where ? s->where : "");
        goto done;
    }
    if (f.env[1] <= g->x0 || f.env[0] >= gx1 || f.env[3] <= g->y0 ||
        f.env[2] >= gy1) {
        st = io_layer_nocover(g, rep, err);
        goto done;
    }
    if (frac) {
        st = burn_fraction(&f, g, rd, out, err);
        goto done;
    }
    if ((st = burn_field(&f, g, rd, out, rep, err)) != ZT_OK) {
        goto done;
    }
    for (j = 0; j < g->ny; j++) {
        for (i = 0; i < g->nx; i++) {
            double x = g->x0 + ((double)i + 0.5) * g->dx, y = g->y0 + ((double)j + 0.5) * g->dx;
            if (isnan(out[j * g->nx + i])) {
                rep->nodata++;
                rep->outside += x < f.env[0] || x > f.env[1] || y < f.env[2] || y > f.env[3];
            }
        }
    }
done:
    feats_free(&f);
    if (ct) {
        OCTDestroyCoordinateTransformation(ct);
    }
    OSRDestroySpatialReference(own);
    return st;
}
