/*
 * io_dpoly.c: peilgebieden onto the grid and into the district table
 * (contract in io_dpoly.h).
 *
 * Steps: open the layer; resolve the fields (explicit names must exist);
 * read every feature in file order (levels, id, province, supplied, and the
 * optional open water, pump, flushing and tolerance), each value checked
 * and named on failure; clone the geometries and transform
 * them to RD New when the layer's CRS is another; rasterise into a MEM
 * dataset of two Int32 bands on the grid (north-up, so row 0 of GDAL is the
 * north row of zoet's grid): band 1 the polygon index + 1, burnt from the
 * last feature to the first with REPLACE so the first in file order wins
 * an overlap; band 2 a count, burnt with MERGE_ALG=ADD.
 */
#include "io_dpoly.h"

#include <errno.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <math.h>
#include <stdarg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grid_domain.h"
#include "io_districts.h"

static const char *gdal_msg(void)
{
    const char *m = CPLGetLastErrorMsg();
    return (m && m[0]) ? m : "no message from GDAL";
}

/* The resolved field indexes (-1: absent). */
typedef struct fields {
    int id, name, summer, winter, fixed, province, supplied;
    const char *nid, *nname, *nsummer, *nwinter, *nfixed, *nprov, *nsup;
    int attr[4];          /* the optional attributes, in the order of attrs[] */
    const char *nattr[4];
} fields;

/* The optional numeric district attributes: what they are, their range
 * (io_districts.h; lo exclusive when lo_open) and unit. */
enum { A_OW, A_PUMP, A_FLUSH, A_TOL, A_N };
static const struct {
    const char *what, *unit;
    double lo, hi;
    int lo_open;
} attrs[A_N] = {
    {"open water fraction", "-", 0.0, 1.0, 1},
    {"pumping capacity", "mm/d", 0.0, IO_DIST_PUMP_MAX, 0},
    {"flushing", "m3/s", 0.0, IO_DIST_FLUSH_MAX, 0},
    {"summer tolerance", "m", 0.0, IO_DIST_TOLERANCE_MAX, 0},
};

/* The arrays of d that hold attribute a. */
static double *attr_array(const io_dpoly *d, int a)
{
    return a == A_OW ? d->ow_fraction : a == A_PUMP ? d->pump_mm_d
                                      : a == A_FLUSH ? d->flushing_m3s
                                                     : d->tolerance_m;
}

/* "A, B, C" of the layer's fields into buf. */
static void list_fields(OGRFeatureDefnH fd, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < OGR_FD_GetFieldCount(fd) && used + 1 < n; i++) {
        int k = snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
                         OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i)));
        used += k > 0 ? (size_t)k : 0;
    }
    if (!buf[0]) {
        snprintf(buf, n, "(none)");
    }
}

/* Resolve one field: name (NULL: dflt, which may be absent when optional). */
static zt_status find_field(OGRFeatureDefnH fd, const char *name, const char *dflt, int optional,
                            int *idx, const char **used, const io_dpoly_spec *s, zt_err *err)
{
    char list[512];
    *used = name ? name : dflt;
    *idx = *used ? OGR_FD_GetFieldIndex(fd, *used) : -1;
    if (*idx >= 0 || !*used || (optional && !name)) {
        return ZT_OK;
    }
    list_fields(fd, list, sizeof list);
    return zt_fail(err, ZT_EINPUT, "[districts] path '%s': field '%s' is not in layer '%s'; it has: %s",
                   s->path, *used, OGR_FD_GetName(fd), list);
}

/* The text of field idx of f, "" when unset or null. */
static const char *text_of(OGRFeatureH f, int idx)
{
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx)) {
        return "";
    }
    return OGR_F_GetFieldAsString(f, idx);
}

static int blank(const char *t)
{
    while (*t == ' ' || *t == '\t') {
        t++;
    }
    return *t == '\0';
}

/* Parse a level text (a decimal comma accepted): 0 ok, -1 not a number. */
static int parse_level(const char *t, double *v)
{
    char buf[64], *end;
    size_t n = strlen(t);
    if (n >= sizeof buf) {
        return -1;
    }
    memcpy(buf, t, n + 1);
    char *c = strchr(buf, ',');
    if (c && !strchr(c + 1, ',') && !strchr(buf, '.')) {
        *c = '.';
    }
    errno = 0;
    *v = strtod(buf, &end);
    while (*end == ' ') {
        end++;
    }
    return (end == buf || *end || errno || !isfinite(*v)) ? -1 : 0;
}

/* The number in field idx of f: a Real field read as the double it holds
 * (its text has 15 digits only, which would not round-trip), any other
 * field parsed from its text t by parse_level. 0 ok, -1 not a number. */
static int number_of(OGRFeatureH f, int idx, const char *t, double *v)
{
    OGRFieldDefnH fd = idx >= 0 ? OGR_F_GetFieldDefnRef(f, idx) : NULL;
    if (fd && OGR_Fld_GetType(fd) == OFTReal) {
        *v = OGR_F_GetFieldAsDouble(f, idx);
        return isfinite(*v) ? 0 : -1;
    }
    return parse_level(t, v);
}

/* Province from a code 20/21/22, "PV21" or a name; -1 when unreadable. */
static int parse_province(const char *t)
{
    static const struct { const char *name; int code; } names[] = {
        {"Groningen", ZT_PROV_GRONINGEN}, {"Fryslân", ZT_PROV_FRYSLAN},
        {"Fryslan", ZT_PROV_FRYSLAN},     {"Friesland", ZT_PROV_FRYSLAN},
        {"Drenthe", ZT_PROV_DRENTHE}};
    char *end;
    const char *p = strncasecmp(t, "PV", 2) == 0 ? t + 2 : t;
    long v = strtol(p, &end, 10);
    if (end != p && *end == '\0' && (v == ZT_PROV_GRONINGEN || v == ZT_PROV_FRYSLAN ||
                                     v == ZT_PROV_DRENTHE)) {
        return (int)v;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(t, names[i].name) == 0) {
            return names[i].code;
        }
    }
    return -1;
}

/* 1/0 from 1/0, true/false, ja/nee, yes/no, j/n, y/n; -1 when unreadable. */
static int parse_bool(const char *t)
{
    static const char *yes[] = {"1", "true", "ja", "yes", "j", "y", "t"};
    static const char *no[] = {"0", "false", "nee", "no", "n", "f"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(t, yes[i]) == 0) {
            return 1;
        }
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        if (strcasecmp(t, no[i]) == 0) {
            return 0;
        }
    }
    return -1;
}

/* ZT_EINPUT naming the file, the feature's FID and code, and the field. */
__attribute__((format(printf, 6, 7))) static zt_status
feat_fail(zt_err *err, const io_dpoly_spec *s, OGRFeatureH f, const char *code,
          const char *fieldname, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return zt_fail(err, ZT_EINPUT, "[districts] path '%s': feature FID %lld (code '%s'): field '%s': %s",
                   s->path, (long long)OGR_F_GetFID(f), code, fieldname, why);
}
#define FEAT_FAIL(fieldname, ...) feat_fail(err, s, f, code, fieldname, __VA_ARGS__)

/* One level of feature f: its own field, else the fixed level. */
static zt_status level_of(OGRFeatureH f, const io_dpoly_spec *s, const fields *fl, int idx,
                          const char *fname, const char *code, double *out, zt_err *err)
{
    const char *t = text_of(f, idx);
    const char *used = fname;
    int used_idx = idx;
    if (blank(t) && fl->fixed >= 0) {
        t = text_of(f, fl->fixed);
        used = fl->nfixed;
        used_idx = fl->fixed;
    }
    if (blank(t)) {
        return fl->fixed >= 0
                   ? FEAT_FAIL(fname, "empty, and so is the fixed level '%s'", fl->nfixed)
                   : FEAT_FAIL(fname, "empty (no fixed level field '%s' either)", fl->nfixed);
    }
    if (number_of(f, used_idx, t, out) != 0) {
        return FEAT_FAIL(used, "'%s' is not a number (m NAP)", t);
    }
    if (*out < IO_DIST_LEVEL_MIN || *out > IO_DIST_LEVEL_MAX) {
        return FEAT_FAIL(used, "level %g m NAP is outside %g to %g", *out, IO_DIST_LEVEL_MIN,
                         IO_DIST_LEVEL_MAX);
    }
    return ZT_OK;
}

/* Read the attributes of feature i. */
static zt_status read_feature(OGRFeatureH f, int i, const io_dpoly_spec *s, const fields *fl,
                              io_dpoly *d, zt_err *err)
{
    const char *code = text_of(f, fl->id);
    zt_status st;
    if (blank(code)) {
        return FEAT_FAIL(fl->nid, "the id/code is empty");
    }
    if (!(d->code[i] = zt_strdup(code))) {
        return zt_fail(err, ZT_ENOMEM, "[districts] out of memory");
    }
    /* OGR's text of a non-string field lives only until the next call */
    code = d->code[i];
    const char *nm = fl->name >= 0 ? text_of(f, fl->name) : "";
    if (!(d->name[i] = zt_strdup(blank(nm) ? code : nm))) {
        return zt_fail(err, ZT_ENOMEM, "[districts] out of memory");
    }
    if (s->id_from_field_numeric) {
        char *end;
        errno = 0;
        long long v = strtoll(code, &end, 10);
        if (end == code || *end || errno || v < 1 || v > INT32_MAX) {
            return FEAT_FAIL(fl->nid, "'%s' is not an integer id 1 to 2147483647", code);
        }
        d->id[i] = (int32_t)v;
    } else {
        d->id[i] = i + 1;
    }
    for (int j = 0; j < i; j++) {
        if (d->id[j] == d->id[i] || strcmp(d->code[j], code) == 0) {
            return FEAT_FAIL(fl->nid, "duplicate id/code (also feature %d in file order)", j + 1);
        }
    }
    if ((st = level_of(f, s, fl, fl->summer, fl->nsummer, code, &d->summer[i], err)) ||
        (st = level_of(f, s, fl, fl->winter, fl->nwinter, code, &d->winter[i], err))) {
        return st;
    }
    if (d->winter[i] > d->summer[i] + IO_DIST_WINTER_ABOVE) {
        return FEAT_FAIL(fl->nwinter, "winter level %g is more than %g m above the summer level %g",
                         d->winter[i], IO_DIST_WINTER_ABOVE, d->summer[i]);
    }
    d->province[i] = -1;
    const char *t = text_of(f, fl->province);
    if (!blank(t) && (d->province[i] = parse_province(t)) < 0) {
        return FEAT_FAIL(fl->nprov, "'%s' is not a province of the north (20/21/22, Groningen, "
                         "Fryslân, Drenthe)", t);
    }
    d->supplied[i] = -1;
    t = text_of(f, fl->supplied);
    if (!blank(t) && (d->supplied[i] = parse_bool(t)) < 0) {
        return FEAT_FAIL(fl->nsup, "'%s' is not 1/0, true/false or ja/nee", t);
    }
    for (int a = 0; a < A_N; a++) {
        double v = NAN;
        t = text_of(f, fl->attr[a]);
        if (!blank(t)) {
            if (number_of(f, fl->attr[a], t, &v) != 0) {
                return FEAT_FAIL(fl->nattr[a], "'%s' is not a number (%s, %s)", t, attrs[a].what,
                                 attrs[a].unit);
            }
            if ((attrs[a].lo_open ? !(v > attrs[a].lo) : !(v >= attrs[a].lo)) || !(v <= attrs[a].hi)) {
                return FEAT_FAIL(fl->nattr[a], "%s %g (%s) is outside %s%g, %g]", attrs[a].what, v,
                                 attrs[a].unit, attrs[a].lo_open ? "(" : "[", attrs[a].lo,
                                 attrs[a].hi);
            }
        }
        attr_array(d, a)[i] = v;
    }
    return ZT_OK;
}

static zt_status grow(io_dpoly *d, int cap)
{
#define GROW(p)                                                                                    \
    do {                                                                                           \
        void *q_ = zt_realloc(d->p, (size_t)cap * sizeof *d->p);                                   \
        if (!q_) {                                                                                 \
            return ZT_ENOMEM;                                                                      \
        }                                                                                          \
        d->p = q_;                                                                                 \
    } while (0)
    GROW(id);
    GROW(name);
    GROW(code);
    GROW(summer);
    GROW(winter);
    GROW(province);
    GROW(supplied);
    GROW(ncells);
    GROW(ow_fraction);
    GROW(pump_mm_d);
    GROW(flushing_m3s);
    GROW(tolerance_m);
#undef GROW
    return ZT_OK;
}

/* The transformation of the layer's CRS to RD New (NULL: none needed). */
static zt_status setup_crs(OGRLayerH lyr, const io_dpoly_spec *s, io_dpoly_report *rep,
                           OGRCoordinateTransformationH *ct, zt_err *err)
{
    OGRSpatialReferenceH src = OGR_L_GetSpatialRef(lyr), a = NULL, rd = NULL;
    zt_status st = ZT_OK;
    *ct = NULL;
    if (!src) {
        snprintf(rep->crs, sizeof rep->crs, "none (taken as EPSG:28992)");
        return ZT_OK;
    }
    const char *an = OSRGetAuthorityName(src, NULL), *ac = OSRGetAuthorityCode(src, NULL);
    if (an && ac) {
        snprintf(rep->crs, sizeof rep->crs, "%s:%s", an, ac);
    } else {
        snprintf(rep->crs, sizeof rep->crs, "%s", OSRGetName(src) ? OSRGetName(src) : "unnamed");
    }
    rd = OSRNewSpatialReference(NULL);
    a = OSRClone(src);
    if (!rd || !a || OSRImportFromEPSG(rd, 28992) != OGRERR_NONE) {
        st = zt_fail(err, ZT_EGDAL, "[districts] cannot set up EPSG:28992: %s", gdal_msg());
        goto done;
    }
    OSRSetAxisMappingStrategy(rd, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(a, OAMS_TRADITIONAL_GIS_ORDER);
    if (OSRIsSame(a, rd)) {
        goto done;
    }
    if (!(*ct = OCTNewCoordinateTransformation(a, rd))) {
        st = zt_fail(err, ZT_EINPUT, "[districts] path '%s': cannot transform its CRS %s to RD New: %s",
                     s->path, rep->crs, gdal_msg());
        goto done;
    }
    rep->warped = 1;
done:
    OSRDestroySpatialReference(a);
    OSRDestroySpatialReference(rd);
    return st;
}

/* Rasterise geometries geom[0..n) (NULL entries skipped) into cell_id. */
static zt_status rasterise(OGRGeometryH *geom, const io_dpoly *d, const zt_grid *g,
                           int32_t *cell_id, io_dpoly_report *rep, zt_err *err)
{
    zt_status st = ZT_OK;
    GDALDriverH drv = GDALGetDriverByName("MEM");
    GDALDatasetH ds = NULL;
    int32_t *b1 = NULL, *b2 = NULL;
    OGRGeometryH *list = zt_malloc((size_t)(d->n ? d->n : 1) * sizeof *list);
    double *burn = zt_malloc((size_t)(d->n ? d->n : 1) * sizeof *burn);
    zt_idx nc = zt_grid_ncell(g);
    int m = 0;
    if (!list || !burn || !(b1 = zt_malloc((size_t)nc * sizeof *b1)) ||
        !(b2 = zt_malloc((size_t)nc * sizeof *b2))) {
        st = zt_fail(err, ZT_ENOMEM, "[districts] out of memory rasterising");
        goto done;
    }
    if (!drv || !(ds = GDALCreate(drv, "", (int)g->nx, (int)g->ny, 2, GDT_Int32, NULL))) {
        st = zt_fail(err, ZT_EGDAL, "[districts] cannot create a MEM raster: %s", gdal_msg());
        goto done;
    }
    double gt[6] = {g->x0, g->dx, 0.0, g->y0 + (double)g->ny * g->dx, 0.0, -g->dx};
    GDALSetGeoTransform(ds, gt);
    for (int i = d->n - 1; i >= 0; i--) { /* last first: the first in file order wins */
        if (geom[i]) {
            list[m] = geom[i];
            burn[m++] = i + 1;
        }
    }
    int band1 = 1, band2 = 2;
    char *o_rep[] = {"MERGE_ALG=REPLACE", NULL}, *o_add[] = {"MERGE_ALG=ADD", NULL};
    double *ones = burn; /* reused after band 1 */
    if (m > 0) {
        if (GDALRasterizeGeometries(ds, 1, &band1, m, list, NULL, NULL, burn, o_rep, NULL, NULL) !=
            CE_None) {
            st = zt_fail(err, ZT_EGDAL, "[districts] rasterising failed: %s", gdal_msg());
            goto done;
        }
        for (int i = 0; i < m; i++) {
            ones[i] = 1.0;
        }
        if (GDALRasterizeGeometries(ds, 1, &band2, m, list, NULL, NULL, ones, o_add, NULL, NULL) !=
            CE_None) {
            st = zt_fail(err, ZT_EGDAL, "[districts] rasterising failed: %s", gdal_msg());
            goto done;
        }
    }
    if (GDALDatasetRasterIO(ds, GF_Read, 0, 0, (int)g->nx, (int)g->ny, b1, (int)g->nx, (int)g->ny,
                            GDT_Int32, 1, &band1, 0, 0, 0) != CE_None ||
        GDALDatasetRasterIO(ds, GF_Read, 0, 0, (int)g->nx, (int)g->ny, b2, (int)g->nx, (int)g->ny,
                            GDT_Int32, 1, &band2, 0, 0, 0) != CE_None) {
        st = zt_fail(err, ZT_EGDAL, "[districts] cannot read the MEM raster: %s", gdal_msg());
        goto done;
    }
    for (zt_idx j = 0; j < g->ny; j++) {     /* zoet row j is GDAL row ny-1-j */
        for (zt_idx i = 0; i < g->nx; i++) {
            zt_idx src = (g->ny - 1 - j) * g->nx + i, k = j * g->nx + i;
            int32_t p = b1[src];
            cell_id[k] = p > 0 ? d->id[p - 1] : 0;
            if (p > 0) {
                d->ncells[p - 1]++;
                rep->cells++;
            } else {
                rep->in_none++;
            }
            rep->overlaps += b2[src] >= 2;
        }
    }
    for (int i = 0; i < d->n; i++) {
        rep->empty_polygons += d->ncells[i] == 0;
    }
done:
    if (ds) {
        GDALClose(ds);
    }
    zt_free(list);
    zt_free(burn);
    zt_free(b1);
    zt_free(b2);
    return st;
}

zt_status io_dpoly_read(const io_dpoly_spec *s, const zt_grid *g, int32_t *cell_id, io_dpoly *out,
                        io_dpoly_report *rep, zt_err *err)
{
    io_dpoly_report rdummy;
    GDALDatasetH ds = NULL;
    OGRLayerH lyr = NULL;
    OGRFeatureH f = NULL;
    OGRCoordinateTransformationH ct = NULL;
    OGRGeometryH *geom = NULL;
    fields fl;
    zt_status st = ZT_OK;
    int cap = 0;
    char list[512];

    memset(out, 0, sizeof *out);
    rep = rep ? rep : &rdummy;
    memset(rep, 0, sizeof *rep);
    if (!s->path) {
        return zt_fail(err, ZT_EINPUT, "[districts] path: not given");
    }
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    if (!(ds = GDALOpenEx(s->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL))) {
        st = zt_fail(err, ZT_EINPUT, "[districts] path '%s': cannot open as a vector layer: %s",
                     s->path, gdal_msg());
        goto done;
    }
    lyr = s->layer ? GDALDatasetGetLayerByName(ds, s->layer) : GDALDatasetGetLayer(ds, 0);
    if (!lyr) {
        size_t used = 0;
        list[0] = '\0';
        for (int i = 0; i < GDALDatasetGetLayerCount(ds) && used + 1 < sizeof list; i++) {
            int k = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                             OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
            used += k > 0 ? (size_t)k : 0;
        }
        st = zt_fail(err, ZT_EINPUT, "[districts] path '%s': no layer '%s'; it has: %s", s->path,
                     s->layer ? s->layer : "(first)", list[0] ? list : "(none)");
        goto done;
    }
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(lyr);
    if ((st = find_field(fd, s->id_field, IO_DPOLY_ID_FIELD, 0, &fl.id, &fl.nid, s, err)) ||
        (st = find_field(fd, s->name_field, IO_DPOLY_NAME_FIELD, 1, &fl.name, &fl.nname, s, err)) ||
        (st = find_field(fd, s->fixed_field, IO_DPOLY_FIXED_FIELD, 1, &fl.fixed, &fl.nfixed, s, err)) ||
        (st = find_field(fd, s->summer_field, IO_DPOLY_SUMMER_FIELD, fl.fixed >= 0, &fl.summer,
                         &fl.nsummer, s, err)) ||
        (st = find_field(fd, s->winter_field, IO_DPOLY_WINTER_FIELD, fl.fixed >= 0, &fl.winter,
                         &fl.nwinter, s, err)) ||
        (st = find_field(fd, s->province_field, NULL, 1, &fl.province, &fl.nprov, s, err)) ||
        (st = find_field(fd, s->supplied_field, NULL, 1, &fl.supplied, &fl.nsup, s, err))) {
        goto done;
    }
    const char *attr_field[A_N] = {s->open_water_field, s->pump_field, s->flushing_field,
                                   s->tolerance_field};
    for (int a = 0; a < A_N; a++) {
        if ((st = find_field(fd, attr_field[a], NULL, 1, &fl.attr[a], &fl.nattr[a], s, err))) {
            goto done;
        }
    }
    if ((st = setup_crs(lyr, s, rep, &ct, err))) {
        goto done;
    }
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        int i = out->n;
        if (i == cap) {
            cap = cap ? 2 * cap : 16;
            OGRGeometryH *ng = zt_realloc(geom, (size_t)cap * sizeof *ng);
            geom = ng ? ng : geom; /* a failed realloc leaves the old block */
            if (!ng || grow(out, cap) != ZT_OK) {
                st = zt_fail(err, ZT_ENOMEM, "[districts] out of memory reading '%s'", s->path);
                goto done;
            }
        }
        out->n++;
        geom[i] = NULL;
        out->name[i] = out->code[i] = NULL;
        out->ncells[i] = 0;
        if ((st = read_feature(f, i, s, &fl, out, err))) {
            goto done;
        }
        OGRGeometryH g0 = OGR_F_GetGeometryRef(f);
        if (g0 && !OGR_G_IsEmpty(g0)) {
            if (!(geom[i] = OGR_G_Clone(g0))) {
                st = zt_fail(err, ZT_ENOMEM, "[districts] out of memory copying a geometry");
                goto done;
            }
            if (ct && OGR_G_Transform(geom[i], ct) != OGRERR_NONE) {
                st = zt_fail(err, ZT_EINPUT, "[districts] path '%s': feature FID %lld (code '%s'): "
                             "cannot transform it from %s to RD New: %s", s->path,
                             (long long)OGR_F_GetFID(f), out->code[i], rep->crs, gdal_msg());
                goto done;
            }
        }
        OGR_F_Destroy(f);
        f = NULL;
    }
    st = rasterise(geom, out, g, cell_id, rep, err);
done:
    if (f) {
        OGR_F_Destroy(f);
    }
    for (int i = 0; geom && i < out->n; i++) {
        if (geom[i]) {
            OGR_G_DestroyGeometry(geom[i]);
        }
    }
    zt_free(geom);
    if (ct) {
        OCTDestroyCoordinateTransformation(ct);
    }
    if (ds) {
        GDALClose(ds);
    }
    CPLPopErrorHandler();
    return st;
}

void io_dpoly_free(io_dpoly *d)
{
    if (!d) {
        return;
    }
    for (int i = 0; i < d->n; i++) {
        zt_free(d->name ? d->name[i] : NULL);
        zt_free(d->code ? d->code[i] : NULL);
    }
    zt_free(d->id);
    zt_free(d->name);
    zt_free(d->code);
    zt_free(d->summer);
    zt_free(d->winter);
    zt_free(d->province);
    zt_free(d->supplied);
    zt_free(d->ncells);
    zt_free(d->ow_fraction);
    zt_free(d->pump_mm_d);
    zt_free(d->flushing_m3s);
    zt_free(d->tolerance_m);
    memset(d, 0, sizeof *d);
}

/* Copy src into dst[48]: control characters to '?', cut to 47 bytes on a
 * UTF-8 bound. */
static void copy_name(char *dst, size_t n, const char *src)
{
    size_t k = strlen(src);
    if (k > n - 1) {
        k = n - 1;
        while (k > 0 && ((unsigned char)src[k] & 0xC0) == 0x80) {
            k--; /* src[k] continues a character: cut before it */
        }
    }
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    dst[k] = '\0';
}

zt_status io_dpoly_write_ini(const io_dpoly *d, const long *ncells, const char *path,
                             const char *source, zt_err *err)
{
    static const char *const key[A_N] = {"open_water_fraction", "pump_capacity_mm_d",
                                         "flushing_m3s", "summer_tolerance_m"};
    static const double dflt[A_N] = {IO_DPOLY_OW_FRACTION, IO_DPOLY_PUMP_MM_D,
                                     IO_DPOLY_FLUSHING_M3S, IO_DPOLY_TOLERANCE_M};
    grid_district *t;
    int m = 0, given[A_N] = {0};
    char comment[1536], from[512], dfl[512];
    size_t nfrom = 0, ndfl = 0;
    zt_status st;
    ncells = ncells ? ncells : d->ncells;
    if (!(t = zt_calloc((size_t)(d->n ? d->n : 1), sizeof *t))) {
        return zt_fail(err, ZT_ENOMEM, "[districts] out of memory");
    }
    for (int i = 0; i < d->n; i++) {
        if (ncells[i] <= 0) {
            continue;
        }
        if (d->province[i] < 0) {
            zt_free(t);
            return zt_fail(err, ZT_EINPUT, "[districts] %s: district %d (code '%s'): no province "
                           "(give [districts] province_field)", path, (int)d->id[i], d->code[i]);
        }
        grid_district *x = &t[m++];
        x->id = d->id[i];
        x->province = (uint8_t)d->province[i];
        copy_name(x->name, sizeof x->name, d->name[i][0] ? d->name[i] : d->code[i]);
        x->summer_level = d->summer[i];
        x->winter_level = d->winter[i];
        double v[A_N];
        for (int a = 0; a < A_N; a++) {
            const double *arr = attr_array(d, a);
            const int has = arr && !isnan(arr[i]);
            v[a] = has ? arr[i] : dflt[a];
            given[a] += has;
        }
        x->ow_fraction = v[A_OW];
        x->pump_mm_d = v[A_PUMP];
        x->flushing_m3s = v[A_FLUSH];
        x->tolerance_m = v[A_TOL];
        x->unsupplied = d->supplied[i] == 0;
    }
    if (m == 0) {
        zt_free(t);
        return zt_fail(err, ZT_EINPUT, "[districts] %s: no polygon covers a cell of the grid", path);
    }
    /* One line per attribute from the layer, the rest on the defaults line. */
    from[0] = dfl[0] = '\0';
    for (int a = 0; a < A_N; a++) {
        int k = 0;
        if (given[a] == m) {
            k = snprintf(from + nfrom, sizeof from - nfrom, "\nFrom the layer: %s.", key[a]);
        } else if (given[a] > 0) {
            k = snprintf(from + nfrom, sizeof from - nfrom,
                         "\nFrom the layer: %s for %d of %d districts, the default %g for the rest.",
                         key[a], given[a], m, dflt[a]);
        }
        nfrom += k > 0 && (size_t)k < sizeof from - nfrom ? (size_t)k : 0;
        if (given[a] == 0) {
            k = snprintf(dfl + ndfl, sizeof dfl - ndfl, "%s%s %g", ndfl ? ", " : "", key[a],
                         dflt[a]);
            ndfl += k > 0 && (size_t)k < sizeof dfl - ndfl ? (size_t)k : 0;
        }
    }
    snprintf(comment, sizeof comment,
             "District table from the peilgebieden of %s (io_dpoly).\n"
             "From the layer: id, name, province, summer and winter level, supplied.%s%s%s%s",
             source ? source : "(unnamed)", from, ndfl ? "\nDefaults, not from the layer: " : "",
             dfl, ndfl ? " (docs/demo-domain.md)." : "");
    st = io_districts_write(path, t, m, comment, err);
    zt_free(t);
    return st;
}
