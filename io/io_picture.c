/*
 * io_picture.c: quicklook pictures, a PNG map of one gridded field and an
 * SVG line chart of district series (contract in io_picture.h, use in
 * docs/pictures.md).
 *
 * Map. Each valid value v (variable's units) becomes a position on the ramp
 *     t = clamp((v - vmin) / (vmax - vmin), 0, 1)                  (-)
 * and, for the diverging ramp when vmin < 0 < vmax, piecewise so that 0 is
 * white:
 *     t = 0.5 (v - vmin) / (0 - vmin)   for v < 0,
 *     t = 0.5 + 0.5 v / vmax            for v >= 0.
 * The colour is interpolated linearly in sRGB between the two nearest of
 * n equally spaced anchor colours: with p = t (n - 1), i = floor(p),
 *     c = a_i + (p - i)(a_{i+1} - a_i), rounded to the nearest integer.
 * Anchors: sequential, the 9 colours of matplotlib's "viridis" at
 * t = 0, 1/8, ..., 1 (van der Walt and Smith 2015, designed to be
 * perceptually uniform and readable with colour-vision deficiency; the hex
 * values are those viridisLite::viridis(9) returns); diverging, ColorBrewer
 * "RdBu" with 9 classes (Brewer, colorbrewer2.org), reversed so that low
 * values are blue. Between anchors that close, linear sRGB interpolation
 * stays close to the uniform ramp [E].
 *
 * Range from the data: the 2nd and 98th percentiles of the valid values,
 * with linear interpolation between order statistics (Hyndman and Fan 1996,
 * definition 7, the default of R and NumPy):
 *     q(p) = x_(j) + (h - j)(x_(j+1) - x_(j)),  h = (n - 1) p, j = floor(h)
 * so that a few extreme cells do not wash out the map. The diverging ramp
 * from data uses [-m, m], m = max(|q(0.02)|, |q(0.98)|). A range of zero
 * width is widened to [v - 1, v + 1] (units of the variable).
 *
 * Orientation: our arrays have row 0 in the south (zt.h); the PNG's first
 * row is the north, so PNG row r shows grid row ny - 1 - floor(r / scale).
 * Georeference: the picture is built in a GDAL MEM dataset with the
 * geotransform (upper-left corner x0, y0 + ny dx; pixel A = dx / scale m,
 * height -A) and RD New (EPSG:28992), and GDAL's PNG driver writes it with
 * CreateCopy: WORLDFILE=YES writes the ESRI world file (pixel size and the
 * centre of the upper-left pixel, C = x0 + A / 2, F = y0 + ny dx - A / 2),
 * and the CRS, which a PNG cannot hold, goes to GDAL's PAM file .aux.xml.
 * Both are written beside the .part name and renamed with the PNG: the
 * world file to <name>.pgw (GDAL's PNG driver writes .wld; it reads .pgw
 * too), the PAM file to <png>.aux.xml.
 *
 * Chart. Values are mapped linearly to the plot area; y ticks are "nice"
 * numbers 1, 2 or 5 x 10^k (Heckbert, "Nice numbers for graph labels",
 * Graphics Gems, 1990); x ticks on the first day of each month (every third
 * month labelled beyond two years; dekads 1, 11, 21 when the series spans
 * less than two month starts). Line colours are the Okabe-Ito palette
 * (Okabe and Ito 2008, "Color Universal Design"), safe for colour-vision
 * deficiency.
 */
#include "io_picture.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <netcdf.h>

#include "io_csv.h"
#include "io_file.h"
#include "io_input.h"
#include "io_cftime.h"
#include "io_nc.h"

/* ---- colour ramps ---------------------------------------------------------- */

#define RAMP_N 9

/* viridis at t = 0, 1/8, ..., 1 (sRGB, 0-255). */
static const unsigned char ramp_viridis[RAMP_N][3] = {
    {0x44, 0x01, 0x54}, {0x47, 0x2D, 0x7B}, {0x3B, 0x52, 0x8B}, {0x2C, 0x72, 0x8E},
    {0x21, 0x90, 0x8C}, {0x27, 0xAD, 0x81}, {0x5D, 0xC8, 0x63}, {0xAA, 0xDC, 0x32},
    {0xFD, 0xE7, 0x25}};

/* ColorBrewer RdBu, 9 classes, reversed: blue (low) - white - red (high). */
static const unsigned char ramp_rdbu[RAMP_N][3] = {
    {0x21, 0x66, 0xAC}, {0x43, 0x93, 0xC3}, {0x92, 0xC5, 0xDE}, {0xD1, 0xE5, 0xF0},
    {0xF7, 0xF7, 0xF7}, {0xFD, 0xDB, 0xC7}, {0xF4, 0xA5, 0x82}, {0xD6, 0x60, 0x4D},
    {0xB2, 0x18, 0x2B}};

/* No-data colour of an opaque map: light grey [E]. */
static const unsigned char nodata_grey[3] = {0xDC, 0xDC, 0xDC};

/* Largest picture (pixels): 2^28, about 1 GB of RGBA in memory. */
#define MAP_MAX_PIXELS (1L << 28)
#define MAP_MAX_SCALE 64

void io_map_opts_default(io_map_opts *o)
{
    o->vmin = NAN;
    o->vmax = NAN;
    o->diverging = 0;
    o->scale = 1;
    o->opaque = 0;
}

/* Position on the ramp (0-1) of value v (units of the variable). */
static double ramp_pos(double v, double vmin, double vmax, int diverging)
{
    double t;
    if (diverging && vmin < 0.0 && vmax > 0.0) {
        t = v < 0.0 ? 0.5 * (v - vmin) / (0.0 - vmin) : 0.5 + 0.5 * v / vmax;
    } else {
        t = (v - vmin) / (vmax - vmin);
    }
    return t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
}

/* Value at ramp position t (0-1): the inverse of ramp_pos. */
static double ramp_value(double t, double vmin, double vmax, int diverging)
{
    if (diverging && vmin < 0.0 && vmax > 0.0) {
        return t < 0.5 ? vmin + (0.0 - vmin) * t / 0.5 : (t - 0.5) / 0.5 * vmax;
    }
    return vmin + t * (vmax - vmin);
}

/* Colour at ramp position t (0-1) into rgb[3]. */
static void ramp_colour(const unsigned char (*ramp)[3], double t, unsigned char rgb[3])
{
    double p = t * (RAMP_N - 1);
    int i = (int)floor(p), c;
    double f;
    if (i >= RAMP_N - 1) {
        i = RAMP_N - 2;
    }
    if (i < 0) {
        i = 0;
    }
    f = p - i;
    for (c = 0; c < 3; c++) {
        double a = ramp[i][c], b = ramp[i + 1][c];
        rgb[c] = (unsigned char)lround(a + f * (b - a));
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Percentile p (0-1) of sorted values x[0..n-1], n >= 1 (Hyndman-Fan 7). */
static double quantile(const double *x, zt_idx n, double p)
{
    double h = (double)(n - 1) * p;
    zt_idx j = (zt_idx)floor(h);
    if (j >= n - 1) {
        return x[n - 1];
    }
    return x[j] + (h - (double)j) * (x[j + 1] - x[j]);
}

/* ---- what the map shows: attributes and time ------------------------------ */

/* What the legend needs to know about the variable. */
typedef struct map_meta {
    zt_grid g;            /* the variable's grid */
    char units[128];      /* units attribute, or "" */
    char long_name[256];  /* long_name attribute, or "" */
    int ndims;            /* 2 or 3 */
    char when[256];       /* time of the slice, readable; "" for 2-D */
} map_meta;

/* Text attribute att of varid into buf (size n), "" when absent. */
static void att_text(int ncid, int varid, const char *att, char *buf, size_t n)
{
    size_t len = 0;
    nc_type type;
    buf[0] = '\0';
    if (nc_inq_att(ncid, varid, att, &type, &len) != NC_NOERR || type != NC_CHAR ||
        len >= n) {
        return;
    }
    if (nc_get_att_text(ncid, varid, att, buf) != NC_NOERR) {
        buf[0] = '\0';
        return;
    }
    buf[len] = '\0';
}

/*
 * The time of slice t of a 3-D variable, as readable text into m->when:
 * the value and units of the time coordinate, its date and, when the
 * coordinate has bounds, the period [lower, upper) as first and last day.
 * Best effort: what cannot be read is left out.
 */
static void slice_time(int ncid, int varid, size_t t, map_meta *m)
{
    int dims[NC_MAX_VAR_DIMS], tvar, bvar;
    char tname[NC_MAX_NAME + 1], tunits[256], bname[NC_MAX_NAME + 1];
    double value, bnd[2], per, ref;
    int zone;
    size_t start[2] = {t, 0}, count[2] = {1, 2};
    char d1[11], d2[11];
    size_t used;

    snprintf(m->when, sizeof m->when, "index %zu", t);
    if (nc_inq_vardimid(ncid, varid, dims) != NC_NOERR ||
        nc_inq_dimname(ncid, dims[0], tname) != NC_NOERR ||
        nc_inq_varid(ncid, tname, &tvar) != NC_NOERR ||
        nc_get_var1_double(ncid, tvar, &t, &value) != NC_NOERR) {
        return;
    }
    att_text(ncid, tvar, "units", tunits, sizeof tunits);
    used = (size_t)snprintf(m->when, sizeof m->when, "index %zu, %s = %.10g %s", t, tname, value,
                            tunits);
    if (io_cftime_parse_units(tunits, &per, &ref, &zone) != 0 || used >= sizeof m->when) {
        return;
    }
    zt_day_format((zt_day)floor(ref + value * per), d1);
    used += (size_t)snprintf(m->when + used, sizeof m->when - used, " (%s)", d1);
    att_text(ncid, tvar, "bounds", bname, sizeof bname);
    if (used >= sizeof m->when || bname[0] == '\0' ||
        nc_inq_varid(ncid, bname, &bvar) != NC_NOERR ||
        nc_get_vara_double(ncid, bvar, start, count, bnd) != NC_NOERR) {
        return;
    }
    /* The upper bound is exclusive: the last day is the one before it. */
    zt_day_format((zt_day)floor(ref + bnd[0] * per), d1);
    zt_day_format((zt_day)ceil(ref + bnd[1] * per) - 1, d2);
    snprintf(m->when + used, sizeof m->when - used, ", period %s to %s", d1, d2);
}

/* Open the file, find the variable and read its grid, units, name, time. */
static zt_status read_meta(const char *path, const char *var, size_t t, map_meta *m,
                           zt_err *err)
{
    int ncid = -1, varid, ydesc;
    char what[NC_MAX_NAME + 64];
    zt_status st;

    memset(m, 0, sizeof *m);
    if ((st = io_input_check(path, "the map's NetCDF file", ZT_EINPUT, err)) != ZT_OK ||
        (st = io_nc_check(nc_open(path, NC_NOWRITE, &ncid), ZT_EINPUT, path, "cannot open",
                          err)) != ZT_OK) {
        ncid = -1;
        goto done;
    }
    snprintf(what, sizeof what, "variable '%s' not found", var);
    if ((st = io_nc_check(nc_inq_varid(ncid, var, &varid), ZT_EINPUT, path, what, err)) !=
        ZT_OK) {
        goto done;
    }
    if ((st = io_nc_read_grid(ncid, varid, path, &m->g, &ydesc, err)) != ZT_OK) {
        goto done;
    }
    snprintf(what, sizeof what, "variable '%s': dimensions", var);
    if ((st = io_nc_check(nc_inq_varndims(ncid, varid, &m->ndims), ZT_EINPUT, path, what,
                          err)) != ZT_OK) {
        goto done;
    }
    att_text(ncid, varid, "units", m->units, sizeof m->units);
    att_text(ncid, varid, "long_name", m->long_name, sizeof m->long_name);
    if (m->ndims == 3) {
        size_t nt = 0;
        int dims[NC_MAX_VAR_DIMS];
        if (nc_inq_vardimid(ncid, varid, dims) == NC_NOERR &&
            nc_inq_dimlen(ncid, dims[0], &nt) == NC_NOERR && t >= nt) {
            st = zt_fail(err, ZT_EINPUT, "%s: variable '%s': time index %zu outside 0-%zu", path,
                         var, t, nt > 0 ? nt - 1 : 0);
            goto done;
        }
        slice_time(ncid, varid, t, m);
    }
    st = ZT_OK;
done:
    if (ncid >= 0) {
        nc_close(ncid);
    }
    return st;
}

/* ---- map files ------------------------------------------------------------- */

/* World file name: png_path with its extension replaced by ".pgw". */
static void world_path(const char *png_path, char *buf, size_t n)
{
    const char *slash = strrchr(png_path, '/');
    const char *dot = strrchr(png_path, '.');
    size_t stem = strlen(png_path);
    if (dot && (!slash || dot > slash + 1)) {
        stem = (size_t)(dot - png_path);
    }
    snprintf(buf, n, "%.*s.pgw", (int)stem, png_path);
}

/* Write text with the XML special characters escaped. */
static void xml_put(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&apos;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* What the legend reports about the field and the range. */
typedef struct map_stats {
    zt_idx nvalid, nnodata;
    double min, q02, median, mean, q98, max; /* units of the variable */
    double vmin, vmax;                       /* colour range used */
    const char *range_from;                  /* how the range was chosen */
} map_stats;

static zt_status write_legend(const char *path, const char *nc_path, const char *var,
                              const char *png_path, const map_meta *m, const io_map_opts *o,
                              const map_stats *s, zt_err *err)
{
    FILE *f = NULL;
    zt_status st;
    const unsigned char(*ramp)[3] = o->diverging ? ramp_rdbu : ramp_viridis;
    const char *u = m->units[0] ? m->units : "(no units attribute)";
    int i;

    if ((st = io_text_open(path, &f, err)) != ZT_OK) {
        return st;
    }
    fprintf(f, "zoet map legend\n");
    fprintf(f, "picture:   %s, %lld x %lld pixels, %d pixel(s) per cell edge, north up\n",
            png_path, (long long)(m->g.nx * o->scale), (long long)(m->g.ny * o->scale),
            o->scale);
    fprintf(f, "file:      %s\n", nc_path);
    fprintf(f, "variable:  %s%s%s%s\n", var, m->long_name[0] ? " (" : "", m->long_name,
            m->long_name[0] ? ")" : "");
    fprintf(f, "units:     %s\n", u);
    fprintf(f, "time:      %s\n", m->ndims == 3 ? m->when : "none (2-D variable)");
    fprintf(f, "grid:      %lld x %lld cells of %g m, west edge %.3f m, south edge %.3f m "
               "(RD New, EPSG:28992)\n",
            (long long)m->g.nx, (long long)m->g.ny, m->g.dx, m->g.x0, m->g.y0);
    fprintf(f, "ramp:      %s, linear in value%s; values outside the range take the end "
               "colours\n",
            o->diverging ? "diverging blue-white-red (ColorBrewer RdBu)"
                         : "sequential (viridis)",
            o->diverging && s->vmin < 0.0 && s->vmax > 0.0 ? " on each side of 0 (white)"
                                                            : "");
    fprintf(f, "range:     %.6g to %.6g %s (%s)\n", s->vmin, s->vmax, u, s->range_from);
    fprintf(f, "no data:   %s; cells without data: %lld\n",
            o->opaque ? "light grey #DCDCDC" : "transparent", (long long)s->nnodata);
    fprintf(f, "values:    %lld valid cells; min %.6g, 2%% %.6g, median %.6g, mean %.6g, "
               "98%% %.6g, max %.6g %s\n",
            (long long)s->nvalid, s->min, s->q02, s->median, s->mean, s->q98, s->max, u);
    fprintf(f, "anchors (value in %s -> colour):\n", u);
    for (i = 0; i < RAMP_N; i++) {
        double t = (double)i / (RAMP_N - 1);
        fprintf(f, "  %12.6g  #%02X%02X%02X\n", ramp_value(t, s->vmin, s->vmax, o->diverging),
                ramp[i][0], ramp[i][1], ramp[i][2]);
    }
    return io_text_close(f, path, 1, err);
}

/* Statistics of the valid values and the colour range (o's, else data's). */
static zt_status field_stats(const float *v, zt_idx ncell, const io_map_opts *o,
                             const char *nc_path, const char *var, long t, map_stats *s,
                             zt_err *err)
{
    double *x = NULL, sum = 0.0;
    zt_idx k, n = 0;
    zt_status st = ZT_OK;
    int have_min = !isnan(o->vmin), have_max = !isnan(o->vmax);

    x = zt_malloc((size_t)ncell * sizeof *x);
    if (!x) {
        st = zt_fail(err, ZT_ENOMEM, "%s: variable '%s': no memory for %lld values", nc_path,
                     var, (long long)ncell);
        goto done;
    }
    for (k = 0; k < ncell; k++) {
        if (isfinite(v[k])) {
            x[n++] = v[k];
            sum += v[k];
        }
    }
    s->nvalid = n;
    s->nnodata = ncell - n;
    if (n == 0) {
        st = zt_fail(err, ZT_EINPUT, "%s: variable '%s' at time index %ld: no valid value "
                                     "(every cell is fill or NaN)",
                     nc_path, var, t);
        goto done;
    }
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    s->min = x[0];
    s->max = x[n - 1];
    s->q02 = quantile(x, n, 0.02);
    s->q98 = quantile(x, n, 0.98);
    s->median = quantile(x, n, 0.5);
    s->mean = sum / (double)n;

    s->vmin = s->q02;
    s->vmax = s->q98;
    if (o->diverging) {
        double a = fmax(fabs(s->q02), fabs(s->q98));
        s->vmin = -a;
        s->vmax = a;
    }
    if (have_min) {
        s->vmin = o->vmin;
    }
    if (have_max) {
        s->vmax = o->vmax;
    }
    if (have_min && have_max) {
        s->range_from = "given";
    } else if (have_min || have_max) {
        s->range_from = o->diverging ? "one end given, the other symmetric 2nd/98th percentile"
                                     : "one end given, the other the 2nd/98th percentile";
    } else {
        s->range_from = o->diverging ? "from the data: -m to m, m the largest magnitude of the "
                                       "2nd and 98th percentiles"
                                     : "from the data: 2nd to 98th percentile";
    }
    if (!(s->vmax > s->vmin)) {
        /* Zero width (a constant field) or crossed ends: widen about the middle. */
        double c = have_min ? s->vmin : (have_max ? s->vmax : 0.5 * (s->vmin + s->vmax));
        s->vmin = c - 1.0;
        s->vmax = c + 1.0;
        s->range_from = "widened by 1 on each side: the range had no width";
    }
done:
    zt_free(x);
    return st;
}

/* Fill the band-sequential pixels (nb bands of w x h bytes). */
static void paint(const float *v, const zt_grid *g, const io_map_opts *o, const map_stats *s,
                  int nb, size_t w, size_t h, unsigned char *px)
{
    const unsigned char(*ramp)[3] = o->diverging ? ramp_rdbu : ramp_viridis;
    size_t r, c, plane = w * h;
    int b;
    for (r = 0; r < h; r++) {
        zt_idx j = g->ny - 1 - (zt_idx)(r / (size_t)o->scale); /* grid row, 0 = south */
        for (c = 0; c < w; c++) {
            zt_idx i = (zt_idx)(c / (size_t)o->scale);
            float val = v[j * g->nx + i];
            unsigned char rgb[3], alpha = 255;
            size_t p = r * w + c;
            if (isfinite(val)) {
                ramp_colour(ramp, ramp_pos(val, s->vmin, s->vmax, o->diverging), rgb);
            } else {
                memcpy(rgb, nodata_grey, 3);
                alpha = 0;
            }
            for (b = 0; b < 3; b++) {
                px[b * plane + p] = rgb[b];
            }
            if (nb == 4) {
                px[3 * plane + p] = alpha;
            }
        }
    }
}

/* Where the picture goes: the PNG and its two sidecars. */
typedef struct map_files {
    const char *png; /* the PNG */
    const char *pgw; /* its world file */
    const char *aux; /* GDAL's PAM file: the CRS */
} map_files;

/*
 * Write the pixels as a PNG through a MEM dataset with geotransform gt and
 * RD New: GDAL writes "<png>.part", its world file (CPLResetExtension(part,
 * "wld")) and "<png>.part.aux.xml"; the sidecars are renamed to their names
 * and the PNG committed. On failure nothing of this call is left.
 */
static zt_status write_png(const map_files *mf, const double gt[6], int nb, size_t w, size_t h,
                           unsigned char *px, zt_err *err)
{
    static const char *const options[] = {"WORLDFILE=YES", NULL};
    GDALDriverH mem, png;
    GDALDatasetH ds = NULL, out = NULL;
    char part[4096], part_aux[4200], part_wld[4200];
    zt_status st = ZT_OK;
    int b, moved_pgw = 0, moved_aux = 0;

    io_part_path(mf->png, part, sizeof part);
    snprintf(part_aux, sizeof part_aux, "%s.aux.xml", part);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    snprintf(part_wld, sizeof part_wld, "%s", CPLResetExtension(part, "wld"));
    mem = GDALGetDriverByName("MEM");
    png = GDALGetDriverByName("PNG");
    if (!mem || !png) {
        GDALAllRegister();
        mem = GDALGetDriverByName("MEM");
        png = GDALGetDriverByName("PNG");
    }
    if (!mem || !png) {
        st = zt_fail(err, ZT_EGDAL, "%s: GDAL has no %s driver", mf->png, mem ? "PNG" : "MEM");
        goto done;
    }
    ds = GDALCreate(mem, "", (int)w, (int)h, nb, GDT_Byte, NULL);
    if (!ds) {
        st = zt_fail(err, ZT_EGDAL, "%s: cannot create a %zu x %zu picture in memory: %s",
                     mf->png, w, h, CPLGetLastErrorMsg());
        goto done;
    }
    if (GDALSetGeoTransform(ds, (double *)gt) != CE_None ||
        GDALSetProjection(ds, io_rdnew_wkt) != CE_None) {
        st = zt_fail(err, ZT_EGDAL, "%s: cannot georeference the picture: %s", mf->png,
                     CPLGetLastErrorMsg());
        goto done;
    }
    for (b = 0; b < nb; b++) {
        GDALRasterBandH band = GDALGetRasterBand(ds, b + 1);
        if (GDALRasterIO(band, GF_Write, 0, 0, (int)w, (int)h, px + (size_t)b * w * h, (int)w,
                         (int)h, GDT_Byte, 0, 0) != CE_None) {
            st = zt_fail(err, ZT_EGDAL, "%s: band %d: %s", mf->png, b + 1,
                         CPLGetLastErrorMsg());
            goto done;
        }
        GDALSetRasterColorInterpretation(band, b == 0   ? GCI_RedBand
                                               : b == 1 ? GCI_GreenBand
                                               : b == 2 ? GCI_BlueBand
                                                        : GCI_AlphaBand);
    }
    out = GDALCreateCopy(png, part, ds, FALSE, (char **)options, NULL, NULL);
    if (!out) {
        st = zt_fail(err, ZT_EIO, "%s: cannot write the PNG: %s", part, CPLGetLastErrorMsg());
        goto done;
    }
    GDALClose(out); /* writes the PAM file */
    out = NULL;
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
        st = zt_fail(err, ZT_EIO, "%s: writing the PNG failed: %s", part,
                     CPLGetLastErrorMsg());
        goto done;
    }
    if (rename(part_wld, mf->pgw) != 0) {
        st = zt_fail(err, ZT_EIO, "%s: cannot rename GDAL's world file to %s: %s", part_wld,
                     mf->pgw, strerror(errno));
        goto done;
    }
    moved_pgw = 1;
    if (rename(part_aux, mf->aux) != 0) {
        st = zt_fail(err, ZT_EIO, "%s: cannot rename GDAL's .aux.xml (the CRS) to %s: %s",
                     part_aux, mf->aux, strerror(errno));
        goto done;
    }
    moved_aux = 1;
done:
    if (ds) {
        GDALClose(ds);
    }
    CPLPopErrorHandler();
    if (st == ZT_OK) {
        st = io_part_commit(mf->png, err);
    }
    if (st != ZT_OK) {
        io_part_discard(mf->png);
        (void)remove(part_wld);
        (void)remove(part_aux);
        if (moved_pgw) {
            (void)remove(mf->pgw);
        }
        if (moved_aux) {
            (void)remove(mf->aux);
        }
    }
    return st;
}

static zt_status check_out_path(const char *path, const char *what, zt_err *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        return zt_fail(err, ZT_EUSAGE, "%s: -o names a folder; give the %s's file name", path,
                       what);
    }
    return ZT_OK;
}

zt_status io_map_png(const char *nc_path, const char *var, long t, const char *png_path,
                     const io_map_opts *o_in, zt_err *err)
{
    io_map_opts o;
    map_meta m;
    map_stats s;
    float *v = NULL;
    unsigned char *px = NULL;
    char txt[4096], pgw[4096], aux[4096];
    int wrote_txt = 0, nb;
    size_t w, h;
    zt_idx ncell;
    zt_status st;

    memset(&s, 0, sizeof s);
    if (o_in) {
        o = *o_in;
    } else {
        io_map_opts_default(&o);
    }
    if (t < 0) {
        st = zt_fail(err, ZT_EUSAGE, "map of %s: time index %ld: must be 0 or more", nc_path, t);
        goto done;
    }
    if (o.scale < 1 || o.scale > MAP_MAX_SCALE) {
        st = zt_fail(err, ZT_EUSAGE, "map of %s: scale %d: must be 1-%d", nc_path, o.scale,
                     MAP_MAX_SCALE);
        goto done;
    }
    if (!isnan(o.vmin) && !isnan(o.vmax) && !(o.vmin < o.vmax)) {
        st = zt_fail(err, ZT_EUSAGE, "map of %s: vmin %g must be below vmax %g", nc_path,
                     o.vmin, o.vmax);
        goto done;
    }
    if ((st = check_out_path(png_path, "map", err)) != ZT_OK ||
        (st = read_meta(nc_path, var, (size_t)t, &m, err)) != ZT_OK) {
        goto done;
    }
    if (m.g.nx * o.scale * m.g.ny * o.scale > MAP_MAX_PIXELS) {
        st = zt_fail(err, ZT_EUSAGE, "map of %s: %lld x %lld cells at scale %d is more than "
                                     "%ld pixels",
                     nc_path, (long long)m.g.nx, (long long)m.g.ny, o.scale, MAP_MAX_PIXELS);
        goto done;
    }
    ncell = zt_grid_ncell(&m.g);
    v = zt_malloc((size_t)ncell * sizeof *v);
    if (!v) {
        st = zt_fail(err, ZT_ENOMEM, "%s: variable '%s': no memory for %lld cells", nc_path, var,
                     (long long)ncell);
        goto done;
    }
    if ((st = io_nc_read_field(nc_path, var, NULL, NULL, (size_t)t, v, err)) != ZT_OK) {
        goto done;
    }
    if ((st = field_stats(v, ncell, &o, nc_path, var, t, &s, err)) != ZT_OK) {
        goto done;
    }
    nb = o.opaque ? 3 : 4;
    w = (size_t)(m.g.nx * o.scale);
    h = (size_t)(m.g.ny * o.scale);
    px = zt_malloc(w * h * (size_t)nb);
    if (!px) {
        st = zt_fail(err, ZT_ENOMEM, "%s: no memory for %zu x %zu pixels", png_path, w, h);
        goto done;
    }
    paint(v, &m.g, &o, &s, nb, w, h, px);

    snprintf(txt, sizeof txt, "%s.txt", png_path);
    world_path(png_path, pgw, sizeof pgw);
    snprintf(aux, sizeof aux, "%s.aux.xml", png_path);
    if ((st = write_legend(txt, nc_path, var, png_path, &m, &o, &s, err)) != ZT_OK) {
        goto done;
    }
    wrote_txt = 1;
    {
        const double px_m = m.g.dx / o.scale; /* pixel size (m) */
        const double gt[6] = {m.g.x0, px_m, 0.0, m.g.y0 + (double)m.g.ny * m.g.dx, 0.0, -px_m};
        const map_files mf = {png_path, pgw, aux};
        st = write_png(&mf, gt, nb, w, h, px, err);
    }
done:
    if (st != ZT_OK && wrote_txt) {
        /* A map without its picture is no map: remove the legend beside it. */
        (void)remove(txt);
    }
    zt_free(px);
    zt_free(v);
    return st;
}

/* ---- CSV ------------------------------------------------------------------- */

/* The series selected from the CSV. */
typedef struct series {
    zt_idx n, cap;
    int ncols;
    zt_day *day;  /* date of row r */
    double *val;  /* val[r * ncols + c] (units of the CSV) */
} series;

static zt_status series_push(series *s, zt_day d, const double *v)
{
    if (s->n == s->cap) {
        zt_idx cap = s->cap ? 2 * s->cap : 256;
        zt_day *nd = zt_realloc(s->day, (size_t)cap * sizeof *nd);
        double *nv;
        if (!nd) {
            return ZT_ENOMEM;
        }
        s->day = nd;
        nv = zt_realloc(s->val, (size_t)cap * (size_t)s->ncols * sizeof *nv);
        if (!nv) {
            return ZT_ENOMEM;
        }
        s->val = nv;
        s->cap = cap;
    }
    s->day[s->n] = d;
    memcpy(s->val + s->n * s->ncols, v, (size_t)s->ncols * sizeof *v);
    s->n++;
    return ZT_OK;
}

/* Read the rows of the key from the CSV into s (ncols values per row). */
static zt_status read_series(const char *path, const char *key_col, const char *key,
                             const char *const *cols, int ncols, series *s, zt_err *err)
{
    io_csv *csv = NULL;
    int *ci = NULL, idate, ikey, c, got = 0;
    double *v = NULL;
    zt_status st;

    st = io_csv_open(path, "the chart's CSV file", ZT_EINPUT, NULL, &csv, err);
    if (st == ZT_OK) {
        st = io_csv_header(csv, err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    ci = zt_malloc((size_t)ncols * sizeof *ci);
    v = zt_malloc((size_t)ncols * sizeof *v);
    if (!ci || !v) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    if ((st = io_csv_require(csv, "date", &idate, err)) != ZT_OK ||
        (st = io_csv_require(csv, key_col, &ikey, err)) != ZT_OK) {
        goto done;
    }
    for (c = 0; c < ncols; c++) {
        if ((st = io_csv_require(csv, cols[c], &ci[c], err)) != ZT_OK) {
            goto done;
        }
    }
    while ((st = io_csv_next(csv, &got, err)) == ZT_OK && got) {
        zt_day d;
        if (strcmp(io_csv_field(csv, ikey), key) != 0) {
            continue;
        }
        if ((st = io_csv_day(csv, idate, &d, err)) != ZT_OK) {
            goto done;
        }
        for (c = 0; c < ncols; c++) {
            if (io_csv_field(csv, ci[c])[0] == '\0') {
                v[c] = NAN; /* an empty field: no value that day */
            } else if ((st = io_csv_double(csv, ci[c], &v[c], err)) != ZT_OK) {
                goto done;
            }
        }
        if (series_push(s, d, v) != ZT_OK) {
            st = zt_fail(err, ZT_ENOMEM, "%s:%ld: out of memory", path, io_csv_line(csv));
            goto done;
        }
    }
    if (st != ZT_OK) {
        goto done;
    }
    if (s->n == 0) {
        st = zt_fail(err, ZT_EINPUT, "%s: no rows with %s = '%s'", path, key_col, key);
        goto done;
    }
done:
    io_csv_close(&csv);
    zt_free(ci);
    zt_free(v);
    return st;
}

/* Sort the rows by date (stable for equal dates: insertion order kept). */
static zt_status series_sort(series *s)
{
    zt_idx r, q;
    int sorted = 1;
    for (r = 1; r < s->n; r++) {
        if (s->day[r] < s->day[r - 1]) {
            sorted = 0;
            break;
        }
    }
    if (sorted) {
        return ZT_OK;
    }
    {
        /* Insertion sort on a copy of the values: series are short (days). */
        double *tmp = zt_malloc((size_t)s->ncols * sizeof *tmp);
        if (!tmp) {
            return ZT_ENOMEM;
        }
        for (r = 1; r < s->n; r++) {
            zt_day d = s->day[r];
            memcpy(tmp, s->val + r * s->ncols, (size_t)s->ncols * sizeof *tmp);
            for (q = r; q > 0 && s->day[q - 1] > d; q--) {
                s->day[q] = s->day[q - 1];
                memcpy(s->val + q * s->ncols, s->val + (q - 1) * s->ncols,
                       (size_t)s->ncols * sizeof *tmp);
            }
            s->day[q] = d;
            memcpy(s->val + q * s->ncols, tmp, (size_t)s->ncols * sizeof *tmp);
        }
        zt_free(tmp);
    }
    return ZT_OK;
}

/* ---- SVG chart ------------------------------------------------------------- */

/* Picture and plot area (SVG user units = pixels). */
#define SVG_W 960.0
#define SVG_H 540.0
#define PLOT_L 90.0
#define PLOT_R 760.0
#define PLOT_T 60.0
#define PLOT_B 470.0

/* Okabe-Ito colours, most distinct first; the yellow comes last. */
static const char *const line_colours[] = {"#0072B2", "#D55E00", "#009E73", "#E69F00",
                                           "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
#define NLINE_COLOURS ((int)(sizeof line_colours / sizeof line_colours[0]))

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* A "nice" number near x > 0: 1, 2, 5 or 10 x 10^k (Heckbert 1990). */
static double nice_num(double x, int round_it)
{
    double e = floor(log10(x)), f = x / pow(10.0, e), nf;
    if (round_it) {
        nf = f < 1.5 ? 1.0 : (f < 3.0 ? 2.0 : (f < 7.0 ? 5.0 : 10.0));
    } else {
        nf = f <= 1.0 ? 1.0 : (f <= 2.0 ? 2.0 : (f <= 5.0 ? 5.0 : 10.0));
    }
    return nf * pow(10.0, e);
}

/* Chart coordinates. */
typedef struct chart {
    zt_day d0, d1;       /* first and last date */
    double ymin, ymax;   /* value range of the y axis */
    double ystep;        /* tick spacing */
} chart;

static double cx(const chart *ch, double day)
{
    if (ch->d1 == ch->d0) {
        return 0.5 * (PLOT_L + PLOT_R);
    }
    return PLOT_L + (day - ch->d0) / (double)(ch->d1 - ch->d0) * (PLOT_R - PLOT_L);
}

static double cy(const chart *ch, double v)
{
    return PLOT_B - (v - ch->ymin) / (ch->ymax - ch->ymin) * (PLOT_B - PLOT_T);
}

/* Value range and ticks from the finite values. */
static void chart_scale(const series *s, chart *ch)
{
    double lo = INFINITY, hi = -INFINITY, range;
    zt_idx k, n = s->n * s->ncols;
    for (k = 0; k < n; k++) {
        if (isfinite(s->val[k])) {
            lo = fmin(lo, s->val[k]);
            hi = fmax(hi, s->val[k]);
        }
    }
    if (!isfinite(lo)) {
        lo = 0.0;
        hi = 1.0;
    }
    if (hi == lo) {
        double pad = fabs(lo) > 0.0 ? 0.1 * fabs(lo) : 1.0;
        lo -= pad;
        hi += pad;
    }
    range = nice_num(hi - lo, 0);
    ch->ystep = nice_num(range / 4.0, 1);
    ch->ymin = floor(lo / ch->ystep) * ch->ystep;
    ch->ymax = ceil(hi / ch->ystep) * ch->ystep;
    if (ch->ymax <= ch->ymin) {
        ch->ymax = ch->ymin + ch->ystep;
    }
    ch->d0 = s->day[0];
    ch->d1 = s->day[s->n - 1];
}

static void svg_xtick(FILE *f, const chart *ch, zt_day d, const char *label)
{
    double x = cx(ch, d);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\"/>\n", x,
            PLOT_B, x, PLOT_B + 6.0);
    if (label) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x,
                PLOT_B + 22.0, label);
    }
}

/* Ticks on the first of each month, or on dekads when that gives fewer than 2. */
static void svg_xaxis(FILE *f, const chart *ch)
{
    int y0, m0, y, m, nmonth = 0, every, k = 0;
    zt_day d;
    char label[32];

    zt_day_to_ymd(ch->d0, &y0, &m0, NULL);
    for (y = y0, m = m0; (d = zt_day_from_ymd(y, m, 1)) <= ch->d1; m = m == 12 ? 1 : m + 1,
        y = m == 1 ? y + 1 : y) {
        nmonth += d >= ch->d0;
    }
    if (nmonth < 2) {
        static const int dekad[3] = {1, 11, 21};
        for (y = y0, m = m0; zt_day_from_ymd(y, m, 1) <= ch->d1;
             m = m == 12 ? 1 : m + 1, y = m == 1 ? y + 1 : y) {
            int i;
            for (i = 0; i < 3; i++) {
                d = zt_day_from_ymd(y, m, dekad[i]);
                if (d >= ch->d0 && d <= ch->d1) {
                    snprintf(label, sizeof label, "%d %s", dekad[i], month_abbr[m - 1]);
                    svg_xtick(f, ch, d, label);
                }
            }
        }
        return;
    }
    every = nmonth > 60 ? 12 : (nmonth > 24 ? 3 : 1);
    for (y = y0, m = m0; (d = zt_day_from_ymd(y, m, 1)) <= ch->d1;
         m = m == 12 ? 1 : m + 1, y = m == 1 ? y + 1 : y) {
        if (d < ch->d0) {
            continue;
        }
        if (k % every == 0) {
            if (k == 0 || m == 1) {
                snprintf(label, sizeof label, "%s %d", month_abbr[m - 1], y);
            } else {
                snprintf(label, sizeof label, "%s", month_abbr[m - 1]);
            }
            svg_xtick(f, ch, d, label);
        } else {
            svg_xtick(f, ch, d, NULL);
        }
        k++;
    }
}

static void svg_yaxis(FILE *f, const chart *ch)
{
    int i, n = (int)lround((ch->ymax - ch->ymin) / ch->ystep);
    for (i = 0; i <= n; i++) {
        double v = ch->ymin + i * ch->ystep, y = cy(ch, v);
        if (fabs(v) < 1e-9 * ch->ystep) {
            v = 0.0;
        }
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                PLOT_L, y, PLOT_R, y);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\"/>\n",
                PLOT_L - 6.0, y, PLOT_L, y);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.6g</text>\n",
                PLOT_L - 10.0, y + 4.0, v);
    }
}

/* One column as polylines, a new one after each NaN gap. */
static void svg_lines(FILE *f, const chart *ch, const series *s, int c, const char *name)
{
    zt_idx r;
    int open = 0;
    for (r = 0; r < s->n; r++) {
        double v = s->val[r * s->ncols + c];
        if (!isfinite(v)) {
            if (open) {
                fputs("\"/>\n", f);
                open = 0;
            }
            continue;
        }
        if (!open) {
            fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
                       "stroke-linejoin=\"round\" data-column=\"",
                    line_colours[c % NLINE_COLOURS]);
            xml_put(f, name);
            fputs("\" points=\"", f);
            open = 1;
        } else {
            fputc(' ', f);
        }
        fprintf(f, "%.1f,%.1f", cx(ch, s->day[r]), cy(ch, v));
    }
    if (open) {
        fputs("\"/>\n", f);
    }
}

static void svg_write(FILE *f, const char *csv_path, const char *key_col, const char *key,
                      const char *const *cols, int ncols, const char *title, const series *s)
{
    chart ch;
    char d0[11], d1[11];
    int c;

    chart_scale(s, &ch);
    zt_day_format(ch.d0, d0);
    zt_day_format(ch.d1, d1);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
               "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" "
               "font-size=\"12\">\n",
            SVG_W, SVG_H, SVG_W, SVG_H);
    fputs("<title>", f);
    xml_put(f, title);
    fputs("</title>\n<desc>zoet chart: ", f);
    xml_put(f, csv_path);
    fputs(", rows with ", f);
    xml_put(f, key_col);
    fputs(" = ", f);
    xml_put(f, key);
    fprintf(f, ", %lld dates from %s to %s</desc>\n", (long long)s->n, d0, d1);
    fprintf(f, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>\n", SVG_W, SVG_H);
    fprintf(f, "<text x=\"%.1f\" y=\"30\" text-anchor=\"middle\" font-size=\"16\" "
               "font-weight=\"bold\">",
            0.5 * (PLOT_L + PLOT_R));
    xml_put(f, title);
    fputs("</text>\n", f);
    svg_yaxis(f, &ch);
    svg_xaxis(f, &ch);
    fprintf(f, "<path fill=\"none\" stroke=\"#000\" d=\"M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f\"/>\n",
            PLOT_L, PLOT_T, PLOT_L, PLOT_B, PLOT_R, PLOT_B);
    for (c = 0; c < ncols; c++) {
        svg_lines(f, &ch, s, c, cols[c]);
    }
    for (c = 0; c < ncols; c++) {
        double y = PLOT_T + 10.0 + 22.0 * c;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"3\"/>\n",
                PLOT_R + 20.0, y, PLOT_R + 50.0, y, line_colours[c % NLINE_COLOURS]);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", PLOT_R + 58.0, y + 4.0);
        xml_put(f, cols[c]);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n", f);
}

zt_status io_chart_svg(const char *csv_path, const char *key_col, const char *key,
                       const char *const *cols, int ncols, const char *svg_path,
                       const char *title, zt_err *err)
{
    series s;
    FILE *f = NULL;
    char deftitle[512];
    zt_status st;

    memset(&s, 0, sizeof s);
    s.ncols = ncols;
    if (ncols < 1) {
        st = zt_fail(err, ZT_EUSAGE, "chart of %s: no column to draw", csv_path);
        goto done;
    }
    if ((st = check_out_path(svg_path, "chart", err)) != ZT_OK ||
        (st = read_series(csv_path, key_col, key, cols, ncols, &s, err)) != ZT_OK) {
        goto done;
    }
    if (series_sort(&s) != ZT_OK) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory sorting %lld rows", csv_path,
                     (long long)s.n);
        goto done;
    }
    if (!title) {
        snprintf(deftitle, sizeof deftitle, "%s %s", key_col, key);
        title = deftitle;
    }
    if ((st = io_text_open(svg_path, &f, err)) != ZT_OK) {
        goto done;
    }
    svg_write(f, csv_path, key_col, key, cols, ncols, title, &s);
    st = io_text_close(f, svg_path, 1, err);
    if (st != ZT_OK) {
        io_part_discard(svg_path); /* a failed rename leaves the .part behind */
    }
done:
    zt_free(s.day);
    zt_free(s.val);
    return st;
}
