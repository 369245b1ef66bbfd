/*
 * io_map_outlines.c: the polygons drawn over a map (the province outlines)
 * and their names (io_map_internal.h).
 *
 * The polygons of the first layer of a vector file are read with OGR (GDAL's
 * vector API) and kept as OGR geometries in RD New metres. A layer with a
 * CRS must be RD New (OSRIsSameEx, ignoring the axis order); a layer
 * without one is taken as RD New. A point (x, y) m is drawn at pixel
 *     px = left + (x - x0) / dx * scale,  py = top + (y0 + ny dx - y) / dx * scale,
 * the same transformation as the cells', so a boundary lands where the
 * world file says it is. Each ring is one cairo path, stroked 1 pixel wide
 * in dark grey and clipped to the raster.
 *
 * Names: at OGR_G_PointOnSurface (GEOS: a point inside the polygon, on its
 * widest horizontal section) of the part of the polygon inside the raster
 * (OGR_G_Intersection with the raster's rectangle), so that a map of part
 * of a province still names it; the centroid when GDAL was built without
 * GEOS. A name is left out where the visible part is less than MIN_SHARE of
 * the raster, where it does not fit into the raster, or where it would
 * cover a name drawn before.
 */
#include "io_map_internal.h"

#include <math.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "io_input.h"

#define MIN_SHARE 0.03 /* smallest visible share of the raster that gets a name (-) */
#define MAX_LABELS 64  /* names drawn at most */

struct map_outlines {
    int n, cap;
    OGRGeometryH *geom; /* polygons (RD New, m), owned */
    char **name;        /* their names, owned; NULL when none */
};

void map_outlines_free(map_outlines **p)
{
    int i;
    if (!p || !*p) {
        return;
    }
    for (i = 0; i < (*p)->n; i++) {
        OGR_G_DestroyGeometry((*p)->geom[i]);
        zt_free((*p)->name[i]);
    }
    zt_free((*p)->geom);
    zt_free((*p)->name);
    zt_free(*p);
    *p = NULL;
}

static const char *gdal_msg(void)
{
    const char *m = CPLGetLastErrorMsg();
    return (m && m[0]) ? m : "no message from GDAL";
}

/* ZT_OK when the layer has no CRS or RD New's. */
static zt_status check_rdnew(OGRLayerH lyr, const char *path, zt_err *err)
{
    static const char *const opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", NULL};
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr), rd;
    zt_status st = ZT_OK;

    if (!srs) {
        return ZT_OK;
    }
    rd = OSRNewSpatialReference(NULL);
    if (!rd || OSRImportFromEPSG(rd, 28992) != OGRERR_NONE) {
        st = zt_fail(err, ZT_EGDAL, "%s: cannot set up RD New (EPSG:28992) to compare: %s", path,
                     gdal_msg());
    } else if (!OSRIsSameEx(srs, rd, opts)) {
        const char *nm = OSRGetName(srs);
        st = zt_fail(err, ZT_EINPUT, "%s: the map's outlines are in %s, not RD New (EPSG:28992); "
                                     "convert them with ogr2ogr -t_srs EPSG:28992",
                     path, nm ? nm : "another coordinate system");
    }
    if (rd) {
        OSRDestroySpatialReference(rd);
    }
    return st;
}

/* Keep a copy of the polygon geometry of f and its name. */
static zt_status keep(map_outlines *o, OGRFeatureH f, OGRGeometryH g, const char *path,
                      zt_err *err)
{
    static const char *const keys[] = {"naam", "name"};
    int k;

    if (o->n == o->cap) {
        int cap = o->cap ? 2 * o->cap : 8;
        OGRGeometryH *ng = zt_realloc(o->geom, (size_t)cap * sizeof *ng);
        char **nn;
        if (!ng) {
            return zt_fail(err, ZT_ENOMEM, "%s: out of memory for the outlines", path);
        }
        o->geom = ng;
        nn = zt_realloc(o->name, (size_t)cap * sizeof *nn);
        if (!nn) {
            return zt_fail(err, ZT_ENOMEM, "%s: out of memory for the outlines", path);
        }
        o->name = nn;
        o->cap = cap;
    }
    o->name[o->n] = NULL;
    for (k = 0; k < 2 && !o->name[o->n]; k++) {
        int fi = OGR_F_GetFieldIndex(f, keys[k]);
        if (fi >= 0 && OGR_F_IsFieldSetAndNotNull(f, fi)) {
            o->name[o->n] = zt_strdup(OGR_F_GetFieldAsString(f, fi));
            if (!o->name[o->n]) {
                return zt_fail(err, ZT_ENOMEM, "%s: out of memory for the outlines", path);
            }
        }
    }
    o->geom[o->n] = OGR_G_Clone(g);
    if (!o->geom[o->n]) {
        zt_free(o->name[o->n]);
        return zt_fail(err, ZT_EGDAL, "%s: cannot copy a polygon: %s", path, gdal_msg());
    }
    o->n++;
    return ZT_OK;
}

zt_status map_outlines_read(const char *path, map_outlines **out, zt_err *err)
{
    GDALDatasetH ds = NULL;
    OGRLayerH lyr;
    OGRFeatureH f;
    map_outlines *o;
    zt_status st;

    *out = NULL;
    if ((st = io_input_check(path, "the map's outlines", ZT_EINPUT, err)) != ZT_OK) {
        return st;
    }
    if (!(o = zt_calloc(1, sizeof *o))) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory for the outlines", path);
    }
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    if (GDALGetDriverCount() == 0) {
        GDALAllRegister();
    }
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        st = zt_fail(err, ZT_EINPUT, "%s: cannot open the map's outlines (province boundaries) "
                                     "as a vector file: %s",
                     path, gdal_msg());
        goto done;
    }
    if (GDALDatasetGetLayerCount(ds) < 1 || !(lyr = GDALDatasetGetLayer(ds, 0))) {
        st = zt_fail(err, ZT_EINPUT, "%s: the map's outlines: no vector layer", path);
        goto done;
    }
    if ((st = check_rdnew(lyr, path, err)) != ZT_OK) {
        goto done;
    }
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
        if ((t == wkbPolygon || t == wkbMultiPolygon) && !OGR_G_IsEmpty(g)) {
            st = keep(o, f, g, path, err);
        }
        OGR_F_Destroy(f);
        if (st != ZT_OK) {
            goto done;
        }
    }
    if (o->n == 0) {
        st = zt_fail(err, ZT_EINPUT, "%s: the map's outlines: no polygon in the first layer",
                     path);
        goto done;
    }
done:
    if (ds) {
        GDALClose(ds);
    }
    CPLPopErrorHandler();
    if (st == ZT_OK) {
        *out = o;
    } else {
        map_outlines_free(&o);
    }
    return st;
}

/* ---- drawing ------------------------------------------------------------------ */

/* RD New metres to pixels. */
typedef struct to_px {
    double left, top, x0, ytop, k; /* k = scale / dx (pixels per m) */
} to_px;

/* Every ring (or line) of g as a cairo path. */
static void add_path(cairo_t *cr, OGRGeometryH g, const to_px *m)
{
    int i, n = OGR_G_GetGeometryCount(g);
    if (n > 0) {
        for (i = 0; i < n; i++) {
            add_path(cr, OGR_G_GetGeometryRef(g, i), m);
        }
        return;
    }
    n = OGR_G_GetPointCount(g);
    for (i = 0; i < n; i++) {
        double x = m->left + (OGR_G_GetX(g, i) - m->x0) * m->k;
        double y = m->top + (m->ytop - OGR_G_GetY(g, i)) * m->k;
        if (i == 0) {
            cairo_move_to(cr, x, y);
        } else {
            cairo_line_to(cr, x, y);
        }
    }
    /* a ring ends where it starts: closed, the corner gets a join, not two caps */
    if (n > 2 && OGR_G_GetX(g, 0) == OGR_G_GetX(g, n - 1) &&
        OGR_G_GetY(g, 0) == OGR_G_GetY(g, n - 1)) {
        cairo_close_path(cr);
    }
}

/* Where the name of g goes (pixels); 0 when it gets none. */
static int label_point(OGRGeometryH g, OGRGeometryH rect, double min_area, const to_px *m,
                       double *px, double *py)
{
    OGRGeometryH part = OGR_G_Intersection(g, rect); /* NULL without GEOS */
    OGRGeometryH src = part ? part : g;
    OGRGeometryH pt = NULL;
    int ok = 0;

    if (OGR_G_IsEmpty(src) || (part && OGR_G_Area(part) < min_area)) {
        goto done;
    }
    pt = OGR_G_PointOnSurface(src);
    if (!pt) {
        pt = OGR_G_CreateGeometry(wkbPoint);
        if (!pt || OGR_G_Centroid(src, pt) != OGRERR_NONE) {
            goto done;
        }
    }
    if (!OGR_G_IsEmpty(pt)) {
        *px = m->left + (OGR_G_GetX(pt, 0) - m->x0) * m->k;
        *py = m->top + (m->ytop - OGR_G_GetY(pt, 0)) * m->k;
        ok = 1;
    }
done:
    if (pt) {
        OGR_G_DestroyGeometry(pt);
    }
    if (part) {
        OGR_G_DestroyGeometry(part);
    }
    return ok;
}

/* The rectangle of the raster in RD New metres. */
static OGRGeometryH raster_rect(const zt_grid *g)
{
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    double x1 = g->x0 + (double)g->nx * g->dx, y1 = g->y0 + (double)g->ny * g->dx;
    if (!poly || !ring) {
        if (poly) {
            OGR_G_DestroyGeometry(poly);
        }
        if (ring) {
            OGR_G_DestroyGeometry(ring);
        }
        return NULL;
    }
    OGR_G_AddPoint_2D(ring, g->x0, g->y0);
    OGR_G_AddPoint_2D(ring, x1, g->y0);
    OGR_G_AddPoint_2D(ring, x1, y1);
    OGR_G_AddPoint_2D(ring, g->x0, y1);
    OGR_G_AddPoint_2D(ring, g->x0, g->y0);
    if (OGR_G_AddGeometryDirectly(poly, ring) != OGRERR_NONE) {
        OGR_G_DestroyGeometry(ring);
        OGR_G_DestroyGeometry(poly);
        return NULL;
    }
    return poly;
}

static void draw_names(cairo_t *cr, const map_outlines *ol, const map_view *mv,
                       const map_layout *lay, const to_px *m)
{
    double box[MAX_LABELS][4]; /* x0, y0, x1, y1 of the names drawn (pixels) */
    double min_area = MIN_SHARE * (double)mv->g.nx * (double)mv->g.ny * mv->g.dx * mv->g.dx;
    OGRGeometryH rect = raster_rect(&mv->g);
    cairo_font_extents_t fe;
    int i, k, nbox = 0;

    if (!rect) {
        return;
    }
    cairo_select_font_face(cr, MAP_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, MAP_PX_TEXT);
    cairo_font_extents(cr, &fe);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    for (i = 0; i < ol->n && nbox < MAX_LABELS; i++) {
        cairo_text_extents_t e;
        double x, y, hw, hh;
        int clash = 0;
        if (!ol->name[i] || !ol->name[i][0] ||
            !label_point(ol->geom[i], rect, min_area, m, &x, &y)) {
            continue;
        }
        cairo_text_extents(cr, ol->name[i], &e);
        hw = e.x_advance / 2.0 + 2.0;
        hh = (fe.ascent + fe.descent) / 2.0 + 1.0;
        if (2.0 * hw > lay->rw || 2.0 * hh > lay->rh) {
            continue; /* does not fit into the raster */
        }
        /* keep the whole name on the raster */
        x = fmin(fmax(x, lay->left + hw), lay->left + lay->rw - hw);
        y = fmin(fmax(y, lay->top + hh), lay->top + lay->rh - hh);
        for (k = 0; k < nbox && !clash; k++) {
            clash = x - hw < box[k][2] && x + hw > box[k][0] && y - hh < box[k][3] &&
                    y + hh > box[k][1];
        }
        if (clash) {
            continue;
        }
        box[nbox][0] = x - hw;
        box[nbox][1] = y - hh;
        box[nbox][2] = x + hw;
        box[nbox][3] = y + hh;
        nbox++;
        map_text_halo(cr, ol->name[i], x, y);
    }
    CPLPopErrorHandler();
    OGR_G_DestroyGeometry(rect);
}

void map_outlines_draw(cairo_t *cr, const map_outlines *ol, const map_view *mv,
                       const map_layout *lay)
{
    to_px m;
    int i;

    m.left = lay->left;
    m.top = lay->top;
    m.x0 = mv->g.x0;
    m.ytop = mv->g.y0 + (double)mv->g.ny * mv->g.dx;
    m.k = mv->scale / mv->g.dx;
    cairo_save(cr);
    cairo_rectangle(cr, lay->left, lay->top, lay->rw, lay->rh);
    cairo_clip(cr);
    cairo_new_path(cr);
    for (i = 0; i < ol->n; i++) {
        add_path(cr, ol->geom[i], &m);
    }
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 1.0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    draw_names(cr, ol, mv, lay, &m);
    cairo_restore(cr);
}
