/*
 * io_demo_layers.c: a domain as GeoTIFFs, its districts as a GeoPackage and
 * the DOMAIN.ini that builds it back (io_demo_layers.h).
 */
#include "io_demo_layers.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "io_districts.h"
#include "io_file.h"

#define RD_EPSG 28992

static const char *gdal_msg(void)
{
    const char *m = CPLGetLastErrorMsg();
    return m && *m ? m : "(no message)";
}

/* Close ds (its last writes happen here); 0 when GDAL reported an error. */
static int close_ok(GDALDatasetH ds)
{
    CPLErrorReset();
    GDALClose(ds);
    return CPLGetLastErrorType() < CE_Failure;
}

/* "<dir>/<stem>.part.<ext>" and "<dir>/<stem>.<ext>": GDAL picks drivers
 * and checks names by the extension, so the temporary name keeps it. */
static void paths(const char *dir, const char *stem, const char *ext, char *tmp, char *fin,
                  size_t n)
{
    snprintf(tmp, n, "%s/%s.part.%s", dir, stem, ext);
    snprintf(fin, n, "%s/%s.%s", dir, stem, ext);
}

static zt_status commit(const char *tmp, const char *fin, zt_err *err)
{
    if (rename(tmp, fin) != 0) {
        const int e = errno;
        remove(tmp);
        return zt_fail(err, ZT_EIO, "%s: cannot rename from %s: %s", fin, tmp, strerror(e));
    }
    return ZT_OK;
}

/* RD New as WKT (returned, CPLFree) or NULL. */
static char *rd_wkt(void)
{
    OGRSpatialReferenceH rd = OSRNewSpatialReference(NULL);
    char *wkt = NULL;
    if (rd && OSRImportFromEPSG(rd, RD_EPSG) == OGRERR_NONE) {
        OSRExportToWkt(rd, &wkt);
    }
    OSRDestroySpatialReference(rd);
    return wkt;
}

/* A one-band MEM raster of d's grid, georeferenced, north-up, of type t,
 * holding the ncell values at src (zoet's row order: row 0 south), nodata
 * `nd` (NAN: none for integer types). NULL on failure (GDAL's message). */
static GDALDatasetH mem_raster(const zt_grid *g, GDALDataType t, const void *src, double nd)
{
    GDALDriverH mem = GDALGetDriverByName("MEM");
    GDALDatasetH ds = mem ? GDALCreate(mem, "", (int)g->nx, (int)g->ny, 1, t, NULL) : NULL;
    const size_t es = (size_t)GDALGetDataTypeSizeBytes(t);
    char *wkt = rd_wkt();
    double gt[6] = {g->x0, g->dx, 0.0, g->y0 + (double)g->ny * g->dx, 0.0, -g->dx};
    int ok = ds && wkt && GDALSetGeoTransform(ds, gt) == CE_None &&
             GDALSetProjection(ds, wkt) == CE_None;
    GDALRasterBandH b = ok ? GDALGetRasterBand(ds, 1) : NULL;
    if (ok && !(t != GDT_Float32 && isnan(nd))) {
        ok = GDALSetRasterNoDataValue(b, nd) == CE_None;
    }
    for (zt_idx r = 0; ok && r < g->ny; r++) {
        /* north-up: raster row r is zoet's row ny-1-r */
        const char *row = (const char *)src + (size_t)((g->ny - 1 - r) * g->nx) * es;
        ok = GDALRasterIO(b, GF_Write, 0, (int)r, (int)g->nx, 1, (void *)row, (int)g->nx, 1, t, 0,
                          0) == CE_None;
    }
    CPLFree(wkt);
    if (!ok && ds) {
        GDALClose(ds);
        ds = NULL;
    }
    return ds;
}

/* One field as <dir>/<name>.tif (deflate-compressed GeoTIFF). */
static zt_status write_tif(const char *dir, const char *name, const zt_grid *g, GDALDataType t,
                           const void *src, double nd, zt_err *err)
{
    char tmp[4096], fin[4096];
    paths(dir, name, "tif", tmp, fin, sizeof tmp);
    GDALDatasetH mem = mem_raster(g, t, src, nd);
    GDALDriverH gtiff = GDALGetDriverByName("GTiff");
    char **opt = CSLSetNameValue(NULL, "COMPRESS", "DEFLATE");
    GDALDatasetH out = mem && gtiff ? GDALCreateCopy(gtiff, tmp, mem, FALSE, opt, NULL, NULL) : NULL;
    CSLDestroy(opt);
    const int ok = out != NULL;
    if (out && !close_ok(out)) {
        remove(tmp);
        GDALClose(mem);
        return zt_fail(err, ZT_EIO, "%s: cannot write: %s", fin, gdal_msg());
    }
    if (mem) {
        GDALClose(mem);
    }
    if (!ok) {
        remove(tmp);
        return zt_fail(err, ZT_EGDAL, "%s: cannot make the GeoTIFF: %s", fin, gdal_msg());
    }
    return commit(tmp, fin, err);
}

static zt_status write_text(const char *dir, const char *stem, const char *ext, const char *text,
                            zt_err *err)
{
    char tmp[4096], fin[4096];
    paths(dir, stem, ext, tmp, fin, sizeof tmp);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        return zt_fail(err, ZT_EIO, "%s: cannot open: %s", tmp, strerror(errno));
    }
    const int bad = fputs(text, f) < 0;
    if (fclose(f) != 0 || bad) {
        remove(tmp);
        return zt_fail(err, ZT_EIO, "%s: cannot write", tmp);
    }
    return commit(tmp, fin, err);
}

/* An identity class table: code k, class names[k]. */
static zt_status write_classes(const char *dir, const char *stem, const char *const *names, int n,
                               zt_err *err)
{
    char text[1024];
    int len = snprintf(text, sizeof text,
                       "# zoet's own classes: code k is class k (an identity table, written by "
                       "zoet demo build)\ncode,class\n");
    for (int k = 0; k < n && len > 0 && (size_t)len < sizeof text; k++) {
        len += snprintf(text + len, sizeof text - (size_t)len, "%d,%s\n", k, names[k]);
    }
    return write_text(dir, stem, "csv", text, err);
}

/* ---- districts.gpkg ---------------------------------------------------------- */

enum { F_CODE, F_NAAM, F_ZOMER, F_WINTER, F_PROV, F_AANVOER, F_OW, F_PUMP, F_FLUSH, F_TOL, F_N };
static const struct { const char *name; OGRFieldType type; } dfields[F_N] = {
    {"CODE", OFTInteger},      {"NAAM", OFTString},      {"ZOMERPEIL", OFTReal},
    {"WINTERPEIL", OFTReal},   {"PROVINCIE", OFTInteger}, {"AANVOER", OFTInteger},
    {"OPENWATER", OFTReal},    {"GEMAALCAP", OFTReal},   {"DOORSPOEL", OFTReal},
    {"TOLERANTIE", OFTReal},
};

/* Polygonize the district raster of d (4-connected, 0 skipped) and gather
 * the parts of each district into multi[i] (one MultiPolygon per dist[i],
 * created here; the caller destroys them). */
static zt_status polygonize(const grid_domain *d, const grid_district *dist, int n,
                            OGRGeometryH *multi, const char *fin, zt_err *err)
{
    zt_status st = ZT_OK;
    GDALDatasetH r = mem_raster(&d->g, GDT_Int32, d->district, 0.0);
    GDALDriverH memv = GDALGetDriverByName("Memory");
    GDALDatasetH vds = memv ? GDALCreate(memv, "", 0, 0, 0, GDT_Unknown, NULL) : NULL;
    OGRLayerH lyr = vds ? GDALDatasetCreateLayer(vds, "p", NULL, wkbPolygon, NULL) : NULL;
    OGRFieldDefnH fd = OGR_Fld_Create("id", OFTInteger);
    if (!r || !lyr || OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE) {
        st = zt_fail(err, ZT_EGDAL, "%s: cannot set up polygonizing: %s", fin, gdal_msg());
        goto done;
    }
    GDALRasterBandH b = GDALGetRasterBand(r, 1);
    if (GDALPolygonize(b, GDALGetMaskBand(b), lyr, 0, NULL, NULL, NULL) != CE_None) {
        st = zt_fail(err, ZT_EGDAL, "%s: GDALPolygonize failed: %s", fin, gdal_msg());
        goto done;
    }
    for (int i = 0; i < n; i++) {
        multi[i] = OGR_G_CreateGeometry(wkbMultiPolygon);
    }
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while (st == ZT_OK && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
        const int id = OGR_F_GetFieldAsInteger(f, 0);
        const int i = io_districts_find(dist, n, id);
        if (i < 0) {
            st = zt_fail(err, ZT_EINPUT, "%s: district %d of the domain is not in the table", fin,
                         id);
        } else if (OGR_G_AddGeometry(multi[i], OGR_F_GetGeometryRef(f)) != OGRERR_NONE) {
            st = zt_fail(err, ZT_EGDAL, "%s: district %d: cannot add a part: %s", fin, id,
                         gdal_msg());
        }
        OGR_F_Destroy(f);
    }
done:
    OGR_Fld_Destroy(fd);
    if (vds) {
        GDALClose(vds);
    }
    if (r) {
        GDALClose(r);
    }
    return st;
}

static zt_status write_gpkg(const char *dir, const grid_domain *d, const grid_district *dist,
                            int n, zt_err *err)
{
    char tmp[4096], fin[4096];
    paths(dir, "districts", "gpkg", tmp, fin, sizeof tmp);
    remove(tmp);
    OGRGeometryH *multi = zt_calloc((size_t)n, sizeof *multi);
    if (!multi) {
        return zt_fail(err, ZT_ENOMEM, "out of memory");
    }
    zt_status st = polygonize(d, dist, n, multi, fin, err);
    GDALDriverH gpkg = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH rd = OSRNewSpatialReference(NULL);
    OGRLayerH lyr = NULL;
    /* a fixed date in gpkg_contents, so that the file is the same bytes on
     * every build (GDAL's GPKG driver honours OGR_CURRENT_DATE) */
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
    if (st == ZT_OK) {
        ds = gpkg ? GDALCreate(gpkg, tmp, 0, 0, 0, GDT_Unknown, NULL) : NULL;
        if (rd && OSRImportFromEPSG(rd, RD_EPSG) == OGRERR_NONE && ds) {
            lyr = GDALDatasetCreateLayer(ds, "districts", rd, wkbMultiPolygon, NULL);
        }
        for (int k = 0; lyr && k < F_N; k++) {
            OGRFieldDefnH fd = OGR_Fld_Create(dfields[k].name, dfields[k].type);
            if (OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE) {
                lyr = NULL;
            }
            OGR_Fld_Destroy(fd);
        }
        if (!lyr) {
            st = zt_fail(err, ZT_EGDAL, "%s: cannot create the layer: %s", fin, gdal_msg());
        }
    }
    if (st == ZT_OK && OGR_L_StartTransaction(lyr) != OGRERR_NONE) {
        st = zt_fail(err, ZT_EGDAL, "%s: cannot start a transaction: %s", fin, gdal_msg());
    }
    for (int i = 0; st == ZT_OK && i < n; i++) {
        const grid_district *x = &dist[i];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldInteger(f, F_CODE, x->id);
        OGR_F_SetFieldString(f, F_NAAM, x->name);
        OGR_F_SetFieldDouble(f, F_ZOMER, x->summer_level);
        OGR_F_SetFieldDouble(f, F_WINTER, x->winter_level);
        OGR_F_SetFieldInteger(f, F_PROV, x->province);
        OGR_F_SetFieldInteger(f, F_AANVOER, !x->unsupplied);
        OGR_F_SetFieldDouble(f, F_OW, x->ow_fraction);
        OGR_F_SetFieldDouble(f, F_PUMP, x->pump_mm_d);
        OGR_F_SetFieldDouble(f, F_FLUSH, x->flushing_m3s);
        OGR_F_SetFieldDouble(f, F_TOL, x->tolerance_m);
        OGR_F_SetGeometry(f, multi[i]);
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE) {
            st = zt_fail(err, ZT_EGDAL, "%s: district %d: cannot write: %s", fin, (int)x->id,
                         gdal_msg());
        }
        OGR_F_Destroy(f);
    }
    if (st == ZT_OK && OGR_L_CommitTransaction(lyr) != OGRERR_NONE) {
        st = zt_fail(err, ZT_EGDAL, "%s: cannot commit: %s", fin, gdal_msg());
    }
    if (ds && !close_ok(ds) && st == ZT_OK) {
        st = zt_fail(err, ZT_EIO, "%s: cannot write: %s", fin, gdal_msg());
    }
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    OSRDestroySpatialReference(rd);
    for (int i = 0; i < n; i++) {
        if (multi[i]) {
            OGR_G_DestroyGeometry(multi[i]);
        }
    }
    zt_free(multi);
    if (st != ZT_OK) {
        remove(tmp);
        return st;
    }
    return commit(tmp, fin, err);
}

/* ---- DOMAIN.ini ---------------------------------------------------------------- */

/* The fields the recipe reads, their GeoTIFF and the class table. */
typedef struct tif_field { const char *name; const char *classes; } tif_field;

static zt_status write_ini(const char *dir, const grid_domain *d, const tif_field *tf, int ntf,
                           zt_err *err)
{
    const size_t cap = 8192;
    char *t = zt_malloc(cap);
    if (!t) {
        return zt_fail(err, ZT_ENOMEM, "out of memory");
    }
    int len = snprintf(
        t, cap,
        "# zoet domain build recipe of the Noord-Nederland demo, written by `zoet demo build`:\n"
        "# every layer is on the domain's own grid and is taken cell for cell (nearest).\n"
        "# Open the .tif files and districts.gpkg in QGIS (EPSG:28992); docs/domain.md,\n"
        "# \"The demo as the worked example\".\n\n"
        "[grid]\nx0 = %.17g\ny0 = %.17g\ndx = %.17g\nnx = %lld\nny = %lld\n",
        d->g.x0, d->g.y0, d->g.dx, (long long)d->g.nx, (long long)d->g.ny);
    for (int i = 0; i < ntf && len > 0 && (size_t)len < cap; i++) {
        len += snprintf(t + len, cap - (size_t)len,
                        "\n[layer.%s]\nfield = \"%s\"\nfile = \"%s.tif\"\nresample = \"nearest\"\n",
                        tf[i].name, tf[i].name, tf[i].name);
        if (tf[i].classes && (size_t)len < cap) {
            len += snprintf(t + len, cap - (size_t)len, "classes = \"%s\"\n", tf[i].classes);
        }
    }
    if (len > 0 && (size_t)len < cap) {
        len += snprintf(
            t + len, cap - (size_t)len,
            "\n[districts]\nfile = \"districts.gpkg\"\nlayer = \"districts\"\nid = \"CODE\"\n"
            "numeric_ids = true\nname = \"NAAM\"\nsummer = \"ZOMERPEIL\"\nwinter = \"WINTERPEIL\"\n"
            "# PROVINCIE is in the layer too; not named here, so that every cell keeps the\n"
            "# province of province.tif (a district's province is then that of most of its cells)\n"
            "supplied = \"AANVOER\"\nopen_water = \"OPENWATER\"\npump = \"GEMAALCAP\"\n"
            "flushing = \"DOORSPOEL\"\ntolerance = \"TOLERANTIE\"\n"
            "# fixed-head cells (open water along the coast and the lakes) lie in no district\n"
            "# polygon: they take the nearest district\noutside = \"nearest\"\n");
    }
    zt_status st = len > 0 && (size_t)len < cap ? write_text(dir, "DOMAIN", "ini", t, err)
                                                : zt_fail(err, ZT_EINTERNAL, "DOMAIN.ini too long");
    zt_free(t);
    return st;
}

zt_status io_demo_layers_write(const grid_domain *d, const grid_district *dist, int n,
                               const char *dir, zt_err *err)
{
    const zt_idx nc = zt_grid_ncell(&d->g);
    float *surf = zt_malloc((size_t)nc * sizeof *surf);
    uint8_t *fixed = zt_malloc((size_t)nc * sizeof *fixed);
    tif_field tf[24];
    int ntf = 0;
    zt_status st = surf && fixed ? io_dir_ensure(dir, err) : zt_fail(err, ZT_ENOMEM, "out of memory");
    GDALAllRegister();
    for (zt_idx k = 0; st == ZT_OK && k < nc; k++) {
        surf[k] = d->mask[k] == ZT_MASK_INACTIVE ? NAN : d->surface[k];
        fixed[k] = d->mask[k] == ZT_MASK_FIXED;
    }
    /* what the recipe reads */
    struct { const char *name; GDALDataType t; const void *v; double nd; const char *classes; } f[] = {
        {"surface_level", GDT_Float32, surf, NAN, NULL},
        {"soil", GDT_Byte, d->soil, 255, "soil_classes.csv"},
        {"landuse", GDT_Byte, d->landuse, 255, "landuse_classes.csv"},
        {"province", GDT_Byte, d->province, 255, NULL},
        {"gw_depth_init", GDT_Float32, d->gwdepth, NAN, NULL},
        {"sprinkling_source", GDT_Byte, d->sprinkling, 255, NULL},
        {"fixed_head", GDT_Byte, fixed, 255, NULL},
        {"kd", GDT_Float32, d->kd, NAN, NULL},
        {"deep_head", GDT_Float32, d->deep_head, NAN, NULL},
        {"seepage_resistance", GDT_Float32, d->cv, NAN, NULL},
        {"ditch_resistance", GDT_Float32, d->ditch_c, NAN, NULL},
        {"ditch_infiltration_resistance", GDT_Float32, d->ditch_ci, NAN, NULL},
        {"trench_depth", GDT_Float32, d->trench_depth, NAN, NULL},
        {"trench_resistance", GDT_Float32, d->trench_c, NAN, NULL},
        {"tile_depth", GDT_Float32, d->tile_depth, NAN, NULL},
        {"tile_resistance", GDT_Float32, d->tile_c, NAN, NULL},
        {"peat_thickness", GDT_Float32, d->peat_thickness, NAN, NULL},
    };
    for (size_t i = 0; st == ZT_OK && i < sizeof f / sizeof f[0]; i++) {
        if (!f[i].v) {
            continue; /* no groundwater group, no peat thickness */
        }
        st = write_tif(dir, f[i].name, &d->g, f[i].t, f[i].v, f[i].nd, err);
        tf[ntf].name = f[i].name;
        tf[ntf++].classes = f[i].classes;
    }
    /* for the map reader only: the mask and the district ids as cells */
    if (st == ZT_OK) {
        st = write_tif(dir, "mask", &d->g, GDT_Byte, d->mask, 255, err);
    }
    if (st == ZT_OK) {
        st = write_tif(dir, "district", &d->g, GDT_Int32, d->district, 0, err);
    }
    if (st == ZT_OK) {
        st = write_classes(dir, "soil_classes", zt_soil_names, ZT_NSOIL, err);
    }
    if (st == ZT_OK) {
        st = write_classes(dir, "landuse_classes", zt_landuse_names, ZT_NLANDUSE, err);
    }
    if (st == ZT_OK) {
        st = write_gpkg(dir, d, dist, n, err);
    }
    if (st == ZT_OK) {
        st = write_ini(dir, d, tf, ntf, err);
    }
    zt_free(surf);
    zt_free(fixed);
    return st;
}
