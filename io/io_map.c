/*
 * io_map.c: maps as PNG (contract in io_map.h, use in docs/pictures.md):
 * the two entry points, the colour range and the field's statistics, what
 * a NetCDF variable says about itself, and the four files. The picture
 * itself is drawn in io_map_draw.c, the outlines in io_map_outlines.c.
 *
 * Range from the data: the 2nd and 98th percentiles of the valid values,
 * with linear interpolation between order statistics (Hyndman and Fan 1996,
 * definition 7, the default of R and NumPy):
 *     q(p) = x_(j) + (h - j)(x_(j+1) - x_(j)),  h = (n - 1) p, j = floor(h)
 * so that a few extreme cells do not wash out the map. The diverging ramp
 * from data uses [-m, m], m = max(|q(0.02)|, |q(0.98)|). A range of zero
 * width is widened to [v - 1, v + 1] (units of the field).
 *
 * Georeference of the whole picture, margins included: the raster's
 * upper-left pixel is (left, top) of the layout, a pixel is A = dx / scale
 * m, so the picture's upper-left corner is at
 *     X = x0 - left A,  Y = y0 + ny dx + top A               (m, RD New)
 * and the ESRI world file holds A, 0, 0, -A and the centre of that pixel,
 * C = X + A / 2, F = Y - A / 2. A PNG cannot hold a CRS: it goes to GDAL's
 * PAM file <png>.aux.xml as <PAMDataset><SRS>WKT</SRS></PAMDataset>, the
 * form GDAL itself writes (a WKT has no '<' or '&' to escape). The PNG is
 * written by cairo (cairo_surface_write_to_png_stream) into the .part file
 * of io_file.h and renamed when whole; RGB when no pixel is transparent.
 */
#include "io_map.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netcdf.h>

#include "io_cftime.h"
#include "io_file.h"
#include "io_input.h"
#include "io_map_internal.h"
#include "io_nc.h"

/* Largest raster (pixels): 2^28, about 1 GB of pixels in memory. */
#define MAP_MAX_PIXELS (1L << 28)
#define MAP_MAX_SCALE 64

void io_map_style_default(io_map_style *s)
{
    memset(s, 0, sizeof *s);
    s->vmin = NAN;
    s->vmax = NAN;
    s->scale = 1;
}

char *io_map_default_outlines(char *buf, size_t n)
{
    char dir[4096];
    return io_path_join(io_data_dir(dir, sizeof dir), IO_MAP_OUTLINES_FILE, buf, n);
}

/* ---- statistics and the colour range ----------------------------------------- */

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

/* What the legend reports about the field and the range. */
typedef struct map_stats {
    zt_idx nvalid, nnodata;
    double min, q02, median, mean, q98, max; /* units of the field */
    double vmin, vmax;                       /* colour range used */
    const char *range_from;                  /* how the range was chosen */
} map_stats;

/* Statistics of the valid values and the colour range (style's, else the
 * data's). `what` opens the message of a field without a valid value. */
static zt_status field_stats(const double *v, zt_idx ncell, const io_map_style *o,
                             const char *what, map_stats *s, zt_err *err)
{
    double *x = NULL, sum = 0.0;
    zt_idx k, n = 0;
    zt_status st = ZT_OK;
    int have_min = !isnan(o->vmin), have_max = !isnan(o->vmax);

    x = zt_malloc((size_t)ncell * sizeof *x);
    if (!x) {
        st = zt_fail(err, ZT_ENOMEM, "%s: no memory for %lld values", what, (long long)ncell);
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
        st = zt_fail(err, ZT_EINPUT, "%s: no valid value (every cell is fill or NaN)", what);
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

/* ---- what a NetCDF variable says about itself -------------------------------- */

/* What the legend and the title say about the field. */
typedef struct map_meta {
    zt_grid g;             /* the field's grid */
    const char *nc_path;   /* the file, NULL for a field in memory */
    const char *var;       /* the variable, NULL for a field in memory */
    char units[128];       /* units attribute, or "" */
    char long_name[256];   /* long_name attribute, or "" */
    int ndims;             /* 2 or 3 (0 for a field in memory) */
    char when[256];        /* time of the slice, in full; "" for 2-D */
    char when_short[64];   /* the same for a title: "July 2018", "2018-07-16" */
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

/* A period of whole days [d1, d2] for a title: "July 2018", "2018", "2018-07-16"
 * or "2018-07-01 to 2018-07-10". */
static void period_text(zt_day d1, zt_day d2, char *buf, size_t n)
{
    static const char *const month[12] = {"January", "February", "March",     "April",
                                          "May",     "June",     "July",      "August",
                                          "September", "October", "November", "December"};
    int y1, m1, a1, y2, m2, a2;
    char s1[11], s2[11];
    zt_day_to_ymd(d1, &y1, &m1, &a1);
    zt_day_to_ymd(d2 + 1, &y2, &m2, &a2); /* the day after the last */
    zt_day_format(d1, s1);
    zt_day_format(d2, s2);
    if (a1 == 1 && a2 == 1 && m1 == 1 && m2 == 1 && y2 == y1 + 1) {
        snprintf(buf, n, "%d", y1);
    } else if (a1 == 1 && a2 == 1 && d2 - d1 < 31 && m2 == m1 % 12 + 1) {
        snprintf(buf, n, "%s %d", month[m1 - 1], y1);
    } else if (d1 == d2) {
        snprintf(buf, n, "%s", s1);
    } else {
        snprintf(buf, n, "%s to %s", s1, s2);
    }
}

/*
 * The time of slice t of a 3-D variable, as readable text into m->when:
 * the value and units of the time coordinate, its date and, when the
 * coordinate has bounds, the period [lower, upper) as first and last day;
 * and shorter into m->when_short. Best effort: what cannot be read is left
 * out.
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
    zt_day day, b1, b2;

    snprintf(m->when, sizeof m->when, "index %zu", t);
    snprintf(m->when_short, sizeof m->when_short, "time index %zu", t);
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
    day = (zt_day)floor(ref + value * per);
    zt_day_format(day, d1);
    snprintf(m->when_short, sizeof m->when_short, "%s", d1);
    used += (size_t)snprintf(m->when + used, sizeof m->when - used, " (%s)", d1);
    att_text(ncid, tvar, "bounds", bname, sizeof bname);
    if (used >= sizeof m->when || bname[0] == '\0' ||
        nc_inq_varid(ncid, bname, &bvar) != NC_NOERR ||
        nc_get_vara_double(ncid, bvar, start, count, bnd) != NC_NOERR) {
        return;
    }
    /* The upper bound is exclusive: the last day is the one before it. */
    b1 = (zt_day)floor(ref + bnd[0] * per);
    b2 = (zt_day)ceil(ref + bnd[1] * per) - 1;
    zt_day_format(b1, d1);
    zt_day_format(b2, d2);
    snprintf(m->when + used, sizeof m->when - used, ", period %s to %s", d1, d2);
    if (b2 >= b1) {
        period_text(b1, b2, m->when_short, sizeof m->when_short);
    }
}

/* Open the file, find the variable and read its grid, units, name, time. */
static zt_status read_meta(const char *path, const char *var, size_t t, map_meta *m,
                           zt_err *err)
{
    int ncid = -1, varid, ydesc;
    char what[NC_MAX_NAME + 64];
    zt_status st;

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

/* ---- the files ------------------------------------------------------------------ */

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

static void write_legend(FILE *f, const char *png_path, const map_meta *m, const map_view *mv,
                         const map_layout *lay, const map_stats *s)
{
    map_ramp ramp = map_ramp_of(mv->diverging);
    const char *u = mv->units && mv->units[0] ? mv->units : "(no units)";
    int i;

    fprintf(f, "zoet map legend\n");
    fprintf(f, "picture:   %s, %d x %d pixels, north up; the cells %d x %d pixels from pixel "
               "(%d, %d), %d pixel(s) per cell edge\n",
            png_path, lay->width, lay->height, lay->rw, lay->rh, lay->left, lay->top, mv->scale);
    fprintf(f, "title:     %s\n", mv->title && mv->title[0] ? mv->title : "(none)");
    if (m->nc_path) {
        fprintf(f, "file:      %s\n", m->nc_path);
        fprintf(f, "variable:  %s%s%s%s\n", m->var, m->long_name[0] ? " (" : "", m->long_name,
                m->long_name[0] ? ")" : "");
    }
    fprintf(f, "units:     %s\n", u);
    if (m->nc_path) {
        fprintf(f, "time:      %s\n", m->ndims == 3 ? m->when : "none (2-D variable)");
    }
    fprintf(f, "grid:      %lld x %lld cells of %g m, west edge %.3f m, south edge %.3f m "
               "(RD New, EPSG:28992)\n",
            (long long)m->g.nx, (long long)m->g.ny, m->g.dx, m->g.x0, m->g.y0);
    fprintf(f, "ramp:      %s, linear in value%s; values outside the range take the end "
               "colours\n",
            mv->diverging ? "diverging blue-white-red (ColorBrewer RdBu)" : "sequential (viridis)",
            mv->diverging && s->vmin < 0.0 && s->vmax > 0.0 ? " on each side of 0 (white)" : "");
    fprintf(f, "range:     %.6g to %.6g %s (%s)\n", s->vmin, s->vmax, u, s->range_from);
    fprintf(f, "no data:   %s; cells without data: %lld\n",
            mv->opaque ? "light grey #DCDCDC" : "transparent", (long long)s->nnodata);
    fprintf(f, "values:    %lld valid cells; min %.6g, 2%% %.6g, median %.6g, mean %.6g, "
               "98%% %.6g, max %.6g %s\n",
            (long long)s->nvalid, s->min, s->q02, s->median, s->mean, s->q98, s->max, u);
    fprintf(f, "anchors (value in %s -> colour):\n", u);
    for (i = 0; i < MAP_RAMP_N; i++) {
        double t = (double)i / (MAP_RAMP_N - 1);
        fprintf(f, "  %12.6g  #%02X%02X%02X\n", map_ramp_value(t, s->vmin, s->vmax, mv->diverging),
                ramp[i][0], ramp[i][1], ramp[i][2]);
    }
}

static cairo_status_t png_out(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, (FILE *)closure) == len ? CAIRO_STATUS_SUCCESS
                                                        : CAIRO_STATUS_WRITE_ERROR;
}

/* The PNG through its .part file. */
static zt_status write_png(cairo_surface_t *s, const char *png_path, zt_err *err)
{
    FILE *f;
    cairo_status_t cs;
    int why;
    zt_status st = io_text_open(png_path, &f, err);

    if (st != ZT_OK) {
        return st;
    }
    errno = 0;
    cs = cairo_surface_write_to_png_stream(s, png_out, f);
    if (cs == CAIRO_STATUS_SUCCESS) {
        return io_text_close(f, png_path, 1, err);
    }
    why = errno;
    (void)io_text_close(f, png_path, 0, err);
    if (cs == CAIRO_STATUS_NO_MEMORY) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory writing the PNG", png_path);
    }
    return zt_fail(err, ZT_EIO, "%s: write failed: %s", png_path,
                   why ? strerror(why) : cairo_status_to_string(cs));
}

/* The legend, world file, PAM file and PNG; on failure none is left. */
static zt_status write_files(cairo_surface_t *s, const char *png_path, const map_meta *m,
                             const map_view *mv, const map_layout *lay, const map_stats *ms,
                             zt_err *err)
{
    char path[3][4096];
    const double a = mv->g.dx / mv->scale; /* pixel size (m) */
    const double x = mv->g.x0 - lay->left * a;
    const double y = mv->g.y0 + (double)mv->g.ny * mv->g.dx + lay->top * a;
    zt_status st = ZT_OK;
    int k, done = 0;

    snprintf(path[0], sizeof path[0], "%s.txt", png_path);
    world_path(png_path, path[1], sizeof path[1]);
    snprintf(path[2], sizeof path[2], "%s.aux.xml", png_path);
    for (k = 0; k < 3 && st == ZT_OK; k++) {
        FILE *f;
        if ((st = io_text_open(path[k], &f, err)) != ZT_OK) {
            break;
        }
        if (k == 0) {
            write_legend(f, png_path, m, mv, lay, ms);
        } else if (k == 1) {
            fprintf(f, "%.10f\n0.0000000000\n0.0000000000\n%.10f\n%.10f\n%.10f\n", a, -a,
                    x + a / 2.0, y - a / 2.0);
        } else {
            fprintf(f, "<PAMDataset>\n  <SRS dataAxisToSRSAxisMapping=\"1,2\">%s</SRS>\n"
                       "</PAMDataset>\n",
                    io_rdnew_wkt);
        }
        if ((st = io_text_close(f, path[k], 1, err)) == ZT_OK) {
            done = k + 1;
        }
    }
    if (st == ZT_OK) {
        st = write_png(s, png_path, err);
    }
    if (st != ZT_OK) {
        for (k = 0; k < done; k++) {
            (void)remove(path[k]);
        }
    }
    return st;
}

/* ---- the entry points ------------------------------------------------------------ */

/* The checks both entry points make before reading anything. */
static zt_status check_style(const io_map_style *o, const char *png_path, const char *what,
                             zt_err *err)
{
    const char *kind = io_input_kind(png_path);
    if (o->scale < 1 || o->scale > MAP_MAX_SCALE) {
        return zt_fail(err, ZT_EUSAGE, "map of %s: scale %d: must be 1-%d", what, o->scale,
                       MAP_MAX_SCALE);
    }
    if (isinf(o->vmin) || isinf(o->vmax)) {
        return zt_fail(err, ZT_EUSAGE, "map of %s: vmin %g, vmax %g: must be finite", what,
                       o->vmin, o->vmax);
    }
    if (!isnan(o->vmin) && !isnan(o->vmax) && !(o->vmin < o->vmax)) {
        return zt_fail(err, ZT_EUSAGE, "map of %s: vmin %g must be below vmax %g", what, o->vmin,
                       o->vmax);
    }
    if (kind && strcmp(kind, "a folder") == 0) {
        return zt_fail(err, ZT_EUSAGE, "%s: names a folder; give the map's file name",
                       png_path);
    }
    return ZT_OK;
}

static zt_status check_size(const zt_grid *g, int scale, const char *what, zt_err *err)
{
    if (g->nx * scale * g->ny * scale > MAP_MAX_PIXELS) {
        return zt_fail(err, ZT_EUSAGE, "map of %s: %lld x %lld cells at scale %d is more than "
                                       "%ld pixels",
                       what, (long long)g->nx, (long long)g->ny, scale, MAP_MAX_PIXELS);
    }
    return ZT_OK;
}

/* Draw v (on m->g) with style o and texts in mv, and write the files. */
static zt_status render(const double *v, const map_meta *m, const io_map_style *o,
                        map_view *mv, const char *png_path, const char *what, zt_err *err)
{
    char outlines[4096];
    map_outlines *ol = NULL;
    cairo_surface_t *s = NULL;
    map_layout lay;
    map_stats ms;
    zt_status st;

    memset(&ms, 0, sizeof ms);
    if (!o->outlines) {
        io_map_default_outlines(outlines, sizeof outlines);
    } else {
        snprintf(outlines, sizeof outlines, "%s", o->outlines);
    }
    if (outlines[0] && (st = map_outlines_read(outlines, &ol, err)) != ZT_OK) {
        goto done;
    }
    if ((st = field_stats(v, zt_grid_ncell(&m->g), o, what, &ms, err)) != ZT_OK) {
        goto done;
    }
    mv->v = v;
    mv->g = m->g;
    mv->vmin = ms.vmin;
    mv->vmax = ms.vmax;
    mv->diverging = o->diverging;
    mv->scale = o->scale;
    mv->opaque = o->opaque;
    if ((st = map_draw(mv, ol, png_path, &s, &lay, err)) != ZT_OK) {
        goto done;
    }
    st = write_files(s, png_path, m, mv, &lay, &ms, err);
done:
    cairo_surface_destroy(s);
    map_outlines_free(&ol);
    return st;
}

zt_status io_map_png(const char *nc_path, const char *var, long t, const char *png_path,
                     const io_map_style *style, zt_err *err)
{
    io_map_style o;
    map_meta m;
    map_view mv;
    float *f = NULL;
    double *v = NULL;
    char what[4200], title[400], subtitle[400];
    const char *base = strrchr(nc_path, '/');
    zt_idx k, ncell;
    zt_status st;

    memset(&m, 0, sizeof m);
    memset(&mv, 0, sizeof mv);
    if (style) {
        o = *style;
    } else {
        io_map_style_default(&o);
    }
    if (t < 0) {
        return zt_fail(err, ZT_EUSAGE, "map of %s: time index %ld: must be 0 or more", nc_path, t);
    }
    if ((st = check_style(&o, png_path, nc_path, err)) != ZT_OK ||
        (st = read_meta(nc_path, var, (size_t)t, &m, err)) != ZT_OK ||
        (st = check_size(&m.g, o.scale, nc_path, err)) != ZT_OK) {
        return st;
    }
    m.nc_path = nc_path;
    m.var = var;
    ncell = zt_grid_ncell(&m.g);
    f = zt_malloc((size_t)ncell * sizeof *f);
    v = zt_malloc((size_t)ncell * sizeof *v);
    if (!f || !v) {
        st = zt_fail(err, ZT_ENOMEM, "%s: variable '%s': no memory for %lld cells", nc_path, var,
                     (long long)ncell);
        goto done;
    }
    if ((st = io_nc_read_field(nc_path, var, NULL, NULL, (size_t)t, f, err)) != ZT_OK) {
        goto done;
    }
    for (k = 0; k < ncell; k++) {
        v[k] = f[k];
    }
    /* Title: the long name (first letter upper case) and the time. */
    snprintf(title, sizeof title, "%s%s%s", m.long_name[0] ? m.long_name : var,
             m.ndims == 3 ? ", " : "", m.ndims == 3 ? m.when_short : "");
    if (title[0] >= 'a' && title[0] <= 'z') {
        title[0] = (char)(title[0] - 'a' + 'A');
    }
    base = base ? base + 1 : nc_path;
    if (m.ndims == 3) {
        snprintf(subtitle, sizeof subtitle, "%s in %s, time index %ld", var, base, t);
    } else {
        snprintf(subtitle, sizeof subtitle, "%s in %s", var, base);
    }
    mv.title = o.title ? o.title : title;
    mv.subtitle = o.subtitle ? o.subtitle : subtitle;
    mv.units = o.units ? o.units : m.units;
    snprintf(what, sizeof what, "%s: variable '%s' at time index %ld", nc_path, var, t);
    st = render(v, &m, &o, &mv, png_path, what, err);
done:
    zt_free(f);
    zt_free(v);
    return st;
}

zt_status io_map_field_png(const double *field, const zt_grid *g, const io_map_style *style,
                           const char *png_path, zt_err *err)
{
    io_map_style o;
    map_meta m;
    map_view mv;
    zt_status st;

    memset(&m, 0, sizeof m);
    memset(&mv, 0, sizeof mv);
    if (style) {
        o = *style;
    } else {
        io_map_style_default(&o);
    }
    if (g->nx < 1 || g->ny < 1 || !(g->dx > 0.0) || !isfinite(g->dx)) {
        return zt_fail(err, ZT_EUSAGE, "map %s: a grid of %lld x %lld cells of %g m has nothing "
                                       "to draw",
                       png_path, (long long)g->nx, (long long)g->ny, g->dx);
    }
    if ((st = check_style(&o, png_path, png_path, err)) != ZT_OK ||
        (st = check_size(g, o.scale, png_path, err)) != ZT_OK) {
        return st;
    }
    m.g = *g;
    mv.title = o.title;
    mv.subtitle = o.subtitle;
    mv.units = o.units;
    return render(field, &m, &o, &mv, png_path, png_path, err);
}
