/*
 * io_knmi.c: import of KNMI daily station files ("daggegevens", etmgeg) into
 * a zoet station forcing file (io_forcing.h; format in docs/forcing.md).
 *
 * Input, two layouts, recognised by the same reader:
 *   (a) the file as KNMI publishes it: free text, a station block
 *         STN      LON(east)   LAT(north)     ALT(m)  NAME
 *         270:         5.752       53.224       1.20  LEEUWARDEN
 *       (rows may also start with "# " and lack the ':', as in the output of
 *       KNMI's script interface), the column line "# STN,YYYYMMDD,...", and
 *       data rows of comma-separated, space-padded integers;
 *   (b) a plain CSV whose first line is "STN,YYYYMMDD,...", empty field =
 *       missing (the subsets in data/knmi/).
 * Only the columns STN, YYYYMMDD, RH and EV24 are interpreted, and TG and Q
 * when every file has them (for the climate transformation, issue 15); they
 * are found by name. A file may hold several stations (rows grouped or interleaved);
 * the dates of each station must increase.
 *
 * Conversions (KNMI units, see data/PROVENANCE-knmi.md):
 *   P   (mm d-1) = 0.1 * RH,   RH = -1 (trace, < 0.05 mm) -> P = 0;
 *   ET0 (mm d-1) = 0.1 * EV24  (Makkink reference crop evaporation);
 *   TG  (degC)   = 0.1 * TG,   Q (kJ m-2 d-1) = 10 * Q (J cm-2).
 * The KNMI day is 00-24 UT; it is stored as time = day start (days since
 * 1970-01-01) with time_bnds [d, d + 1].
 *
 * Station positions: the file's station block, else the CSV of
 * io_knmi_opts.stations (STN,name,lat,lon); WGS 84 latitude/longitude
 * (degrees) are projected to RD New (EPSG:28992, m) with GDAL/PROJ (OSR C
 * API, EPSG:4326 -> EPSG:28992, traditional lon/lat axis order).
 *
 * Missing days: with fill_nearest a missing RH or EV24 is taken from the
 * nearest station (Euclidean distance in RD New; ties: the lower station
 * number) that has an observed value that day; every fill is reported.
 */
#include "io_forcing.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <netcdf.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>

#include "io_csv.h"
#include "io_file.h"
#include "io_input.h"
#include "io_cftime.h"
#include "io_nc.h"

#define KNMI_MISSING INT32_MIN /* marker of a missing value in the series */
#define KNMI_NAME_MAX 64

/* One station's daily series as read, day d at index d - d0. */
typedef struct knmi_series {
    int stn;                  /* KNMI station number (-) */
    int file;                 /* index of the file it came from */
    zt_day d0;                /* day of index 0 */
    zt_day last;              /* last date read (for the increasing check) */
    zt_idx n;                 /* days held (index 0 .. n-1) */
    zt_idx cap;               /* days allocated */
    int32_t *rh;              /* precipitation (0.1 mm), KNMI_MISSING if absent */
    int32_t *ev;              /* Makkink evaporation (0.1 mm), KNMI_MISSING if absent */
    int32_t *tg;              /* daily mean temperature (0.1 degC), KNMI_MISSING if absent */
    int32_t *q;               /* global radiation (J/cm2), KNMI_MISSING if absent */
    int has_tq;               /* 1: its file has the columns TG and Q */
    double lat, lon;          /* position (degrees north, east; WGS 84) */
    double x, y;              /* position (m, RD New) */
    char name[KNMI_NAME_MAX]; /* station name */
} knmi_series;

/* A known station position, from a station block or the stations CSV. */
typedef struct knmi_pos {
    int stn;
    double lat, lon; /* degrees north, east */
    char name[KNMI_NAME_MAX];
} knmi_pos;

/* Everything the import holds; freed by import_free. */
typedef struct knmi_import {
    knmi_series *s; /* stations, in order of first appearance */
    int ns, caps;
    knmi_pos *hdr; /* positions from station blocks of the files */
    int nhdr, caphdr;
    knmi_pos *csv; /* positions from the stations CSV */
    int ncsv, capcsv;
} knmi_import;

/* ---- small text helpers ---------------------------------------------------- */

/* Trim white space (and a trailing CR) on both sides, in place. */
static char *trim(char *s)
{
    char *e;
    while (*s && isspace((unsigned char)*s)) {
        s++;
    }
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) {
        *--e = '\0';
    }
    return s;
}

/* A whole, trimmed field as an integer: 0, or -1 when it is not one. */
static int parse_int(const char *s, long *out)
{
    char *end;
    long v;
    if (!*s) {
        return -1;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < INT32_MIN + 1 || v > INT32_MAX) {
        return -1;
    }
    *out = v;
    return 0;
}

/* The text after leading white space, '#' marks and white space again. */
static const char *strip_comment_mark(const char *s)
{
    while (*s && (isspace((unsigned char)*s) || *s == '#')) {
        s++;
    }
    return s;
}

static void copy_name(char *dst, const char *src)
{
    snprintf(dst, KNMI_NAME_MAX, "%s", src);
}

/* ---- the import record ------------------------------------------------------ */

static void import_free(knmi_import *im)
{
    int i;
    for (i = 0; i < im->ns; i++) {
        zt_free(im->s[i].rh);
        zt_free(im->s[i].ev);
        zt_free(im->s[i].tg);
        zt_free(im->s[i].q);
    }
    zt_free(im->s);
    zt_free(im->hdr);
    zt_free(im->csv);
    memset(im, 0, sizeof *im);
}

/* Append a position to a list (grown by doubling). */
static zt_status pos_add(knmi_pos **list, int *n, int *cap, const knmi_pos *p, zt_err *err)
{
    if (*n == *cap) {
        int nc = *cap ? 2 * *cap : 16;
        knmi_pos *t = zt_realloc(*list, (size_t)nc * sizeof *t);
        if (!t) {
            return zt_fail(err, ZT_ENOMEM, "KNMI import: out of memory for station positions");
        }
        *list = t;
        *cap = nc;
    }
    (*list)[(*n)++] = *p;
    return ZT_OK;
}

static const knmi_pos *pos_find(const knmi_pos *list, int n, int stn)
{
    int i;
    for (i = 0; i < n; i++) {
        if (list[i].stn == stn) {
            return &list[i];
        }
    }
    return NULL;
}

/* Make room in a series for index idx (0-based from d0), filling new days as missing. */
static zt_status series_reserve(knmi_series *s, zt_idx idx, zt_err *err)
{
    zt_idx nc, i;
    int32_t **arr[4] = {&s->rh, &s->ev, &s->tg, &s->q};
    if (idx < s->cap) {
        return ZT_OK;
    }
    nc = s->cap ? s->cap : 512;
    while (nc <= idx) {
        nc *= 2;
    }
    for (int v = 0; v < 4; v++) {
        int32_t *a = zt_realloc(*arr[v], (size_t)nc * sizeof *a);
        if (!a) {
            return zt_fail(err, ZT_ENOMEM, "KNMI import: out of memory for station %d", s->stn);
        }
        *arr[v] = a;
        for (i = s->cap; i < nc; i++) {
            a[i] = KNMI_MISSING;
        }
    }
    s->cap = nc;
    return ZT_OK;
}

/* The series of station stn from file fi, created on first use. */
static zt_status series_get(knmi_import *im, int stn, int fi, const char *const *files,
                            const char *file, int line, knmi_series **out, zt_err *err)
{
    int i;
    for (i = 0; i < im->ns; i++) {
        if (im->s[i].stn == stn) {
            if (im->s[i].file != fi) {
                return zt_fail(err, ZT_EINPUT,
                               "%s:%d: station %d is also in %s; give each station once", file,
                               line, stn, files[im->s[i].file]);
            }
            *out = &im->s[i];
            return ZT_OK;
        }
    }
    if (im->ns == im->caps) {
        int nc = im->caps ? 2 * im->caps : 8;
        knmi_series *t = zt_realloc(im->s, (size_t)nc * sizeof *t);
        if (!t) {
            return zt_fail(err, ZT_ENOMEM, "KNMI import: out of memory for station %d", stn);
        }
        im->s = t;
        im->caps = nc;
    }
    memset(&im->s[im->ns], 0, sizeof im->s[im->ns]);
    im->s[im->ns].stn = stn;
    im->s[im->ns].file = fi;
    *out = &im->s[im->ns++];
    return ZT_OK;
}

/* ---- reading one KNMI file ----------------------------------------------- */

/*
 * Try to read a station-block row "270:  5.752  53.224  1.20  LEEUWARDEN"
 * (':' optional). Returns 1 and fills *p when the line is one, else 0.
 */
static int parse_station_row(const char *t, knmi_pos *p)
{
    int stn, n = 0;
    double lon, lat, alt;
    const char *q = t;
    if (sscanf(q, "%d%n", &stn, &n) != 1) {
        return 0;
    }
    q += n;
    if (*q == ':') {
        q++;
    }
    n = 0;
    if (sscanf(q, "%lf %lf %lf%n", &lon, &lat, &alt, &n) != 3) {
        return 0;
    }
    q += n;
    if (!isfinite(lon) || !isfinite(lat) || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
        return 0;
    }
    p->stn = stn;
    p->lat = lat;
    p->lon = lon;
    {
        char buf[KNMI_NAME_MAX];
        copy_name(buf, q);
        copy_name(p->name, trim(buf));
    }
    return 1;
}

/* Column indices of the fields zoet reads. */
typedef struct knmi_cols {
    int stn, date, rh, ev, tg, q; /* tg, q: -1 when the file has none */
} knmi_cols;

/* Find the columns zoet reads in the header (the column line). */
static zt_status find_columns(const io_csv *csv, int line, knmi_cols *c, zt_err *err)
{
    const char *file = io_csv_path(csv);
    c->stn = io_csv_col(csv, "STN");
    c->date = io_csv_col(csv, "YYYYMMDD");
    c->rh = io_csv_col(csv, "RH");
    c->ev = io_csv_col(csv, "EV24");
    c->tg = io_csv_col(csv, "TG");
    c->q = io_csv_col(csv, "Q");
    if (c->stn < 0 || c->date < 0) {
        return zt_fail(err, ZT_EINPUT, "%s:%d: the column line has no STN or YYYYMMDD column",
                       file, line);
    }
    if (c->rh < 0) {
        return zt_fail(err, ZT_EINPUT,
                       "%s:%d: the column line has no RH column (daily precipitation)", file,
                       line);
    }
    if (c->ev < 0) {
        return zt_fail(err, ZT_EINPUT,
                       "%s:%d: the column line has no EV24 column (Makkink evaporation)", file,
                       line);
    }
    return ZT_OK;
}

/*
 * One value of RH or EV24 (0.1 mm) from a trimmed field: empty -> missing;
 * RH = -1 (trace) -> 0; anything else negative is an error.
 */
static zt_status parse_amount(const char *s, const char *col, int is_rh, const char *file,
                              int line, int32_t *out, zt_err *err)
{
    long v;
    if (!*s) {
        *out = KNMI_MISSING;
        return ZT_OK;
    }
    if (parse_int(s, &v) != 0) {
        return zt_fail(err, ZT_EINPUT, "%s:%d: %s '%s' is not an integer", file, line, col, s);
    }
    if (is_rh && v == -1) {
        v = 0; /* KNMI: -1 means < 0.05 mm */
    }
    if (v < 0) {
        return zt_fail(err, ZT_EINPUT, "%s:%d: %s = %ld is negative (0.1 mm)", file, line, col,
                       v);
    }
    *out = (int32_t)v;
    return ZT_OK;
}

/* TG (0.1 degC, any sign) or Q (J/cm2, >= 0) from a trimmed field; empty:
 * missing. Absurd magnitudes (beyond +-60 degC, 5000 J/cm2) are errors. */
static zt_status parse_tq(const char *s, const char *col, const char *file, int line,
                          int32_t *out, zt_err *err)
{
    long v;
    const int is_q = col[0] == 'Q';
    if (!*s) {
        *out = KNMI_MISSING;
        return ZT_OK;
    }
    if (parse_int(s, &v) != 0) {
        return zt_fail(err, ZT_EINPUT, "%s:%d: %s '%s' is not an integer", file, line, col, s);
    }
    if (is_q ? (v < 0 || v > 5000) : (v < -600 || v > 600)) {
        return zt_fail(err, ZT_EINPUT, "%s:%d: %s = %ld is outside %s", file, line, col, v,
                       is_q ? "0-5000 J/cm2" : "-600..600 (0.1 degC)");
    }
    *out = (int32_t)v;
    return ZT_OK;
}

/* The current record of csv, a data row, into its station's series. */
static zt_status parse_data_row(knmi_import *im, const knmi_cols *c, const io_csv *csv, int fi,
                                const char *const *files, zt_err *err)
{
    const char *file = files[fi];
    const int line = (int)io_csv_line(csv);
    const char *stn_txt = io_csv_field(csv, c->stn), *date_txt = io_csv_field(csv, c->date);
    long stn;
    zt_day d;
    int32_t rh, ev, tg = KNMI_MISSING, q = KNMI_MISSING;
    knmi_series *s = NULL;
    zt_status st;
    char a[11], b[11];

    if (parse_int(stn_txt, &stn) != 0 || stn < 0) {
        return zt_fail(err, ZT_EINPUT, "%s:%d: STN '%s' is not a station number", file, line,
                       stn_txt);
    }
    if (strlen(date_txt) != 8 || zt_day_parse(date_txt, &d) != 0) {
        return zt_fail(err, ZT_EINPUT, "%s:%d: bad date '%s' (expected YYYYMMDD)", file, line,
                       date_txt);
    }
    st = parse_amount(io_csv_field(csv, c->rh), "RH", 1, file, line, &rh, err);
    if (st == ZT_OK) {
        st = parse_amount(io_csv_field(csv, c->ev), "EV24", 0, file, line, &ev, err);
    }
    if (st == ZT_OK && c->tg >= 0 && c->q >= 0) {
        st = parse_tq(io_csv_field(csv, c->tg), "TG", file, line, &tg, err);
        if (st == ZT_OK) {
            st = parse_tq(io_csv_field(csv, c->q), "Q", file, line, &q, err);
        }
    }
    if (st == ZT_OK) {
        st = series_get(im, (int)stn, fi, files, file, line, &s, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    if (s->n == 0) {
        s->d0 = d;
    } else if (d <= s->last) {
        return zt_fail(err, ZT_EINPUT,
                       "%s:%d: station %d: date %s does not follow %s (dates must increase)",
                       file, line, s->stn, zt_day_format(d, a), zt_day_format(s->last, b));
    }
    st = series_reserve(s, (zt_idx)(d - s->d0), err);
    if (st != ZT_OK) {
        return st;
    }
    s->rh[d - s->d0] = rh;
    s->ev[d - s->d0] = ev;
    s->tg[d - s->d0] = tg;
    s->q[d - s->d0] = q;
    s->has_tq = c->tg >= 0 && c->q >= 0;
    s->n = (zt_idx)(d - s->d0) + 1;
    s->last = d;
    return ZT_OK;
}

/*
 * Read one KNMI file (layout (a) or (b)) into the import record: free text
 * (with the station block) line by line up to the column line, which is the
 * CSV header, then the data rows as CSV records.
 */
static zt_status read_knmi_file(knmi_import *im, const char *const *files, int fi, zt_err *err)
{
    static const io_csv_opts opts = {1, 1, 0, "the column line"}; /* space-padded, '#' lines */
    const char *file = files[fi];
    io_csv *csv = NULL;
    const char *line = NULL;
    int in_block = 0, nrows = 0, got = 0;
    knmi_cols cols = {-1, -1, -1, -1, -1, -1};
    zt_status st;

    st = io_csv_open(file, "the KNMI file", ZT_EINPUT, &opts, &csv, err);
    if (st != ZT_OK) {
        goto done;
    }
    while ((st = io_csv_next_line(csv, &line, err)) == ZT_OK && line) {
        const char *t = strip_comment_mark(line);
        char buf[256];
        knmi_pos p;
        if (strncmp(t, "STN,", 4) == 0) {
            break; /* the column line */
        }
        snprintf(buf, sizeof buf, "%s", t);
        t = trim(buf);
        if (strncmp(t, "STN", 3) == 0 && strstr(t, "LON(east)")) {
            in_block = 1;
            continue;
        }
        if (in_block) {
            if (parse_station_row(t, &p)) {
                if (!pos_find(im->hdr, im->nhdr, p.stn)) {
                    st = pos_add(&im->hdr, &im->nhdr, &im->caphdr, &p, err);
                    if (st != ZT_OK) {
                        goto done;
                    }
                }
                continue;
            }
            in_block = 0;
        }
        /* free text of the header */
    }
    if (st != ZT_OK) {
        goto done;
    }
    if (!line) {
        st = zt_fail(err, ZT_EINPUT,
                     "%s: no column line 'STN,YYYYMMDD,...' found; not a KNMI daily file", file);
        goto done;
    }
    if ((st = io_csv_header_at(csv, (size_t)(strip_comment_mark(line) - line), err)) != ZT_OK ||
        (st = find_columns(csv, (int)io_csv_header_line(csv), &cols, err)) != ZT_OK) {
        goto done;
    }
    while ((st = io_csv_next(csv, &got, err)) == ZT_OK && got) {
        st = parse_data_row(im, &cols, csv, fi, files, err);
        if (st != ZT_OK) {
            goto done;
        }
        nrows++;
    }
    if (st != ZT_OK) {
        goto done;
    }
    if (nrows == 0) {
        st = zt_fail(err, ZT_EINPUT, "%s: no data rows after the column line", file);
        goto done;
    }
done:
    io_csv_close(&csv);
    return st;
}

/* Read the stations CSV: a header naming STN, name, lat, lon (any order). */
static zt_status read_stations_csv(knmi_import *im, const char *file, zt_err *err)
{
    static const io_csv_opts opts = {1, 1, 1, NULL}; /* blanks trimmed, '#' lines, any case */
    io_csv *csv = NULL;
    int cstn, cname, clat, clon, got = 0;
    zt_status st;

    st = io_csv_open(file, "the stations file", ZT_EINPUT, &opts, &csv, err);
    if (st == ZT_OK) {
        st = io_csv_header(csv, err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    cstn = io_csv_col(csv, "STN");
    cname = io_csv_col(csv, "name");
    clat = io_csv_col(csv, "lat");
    clon = io_csv_col(csv, "lon");
    if (cstn < 0 || clat < 0 || clon < 0) {
        st = zt_fail(err, ZT_EINPUT, "%s:%ld: the header must name the columns STN, name, lat, lon",
                     file, io_csv_header_line(csv));
        goto done;
    }
    while ((st = io_csv_next(csv, &got, err)) == ZT_OK && got) {
        knmi_pos p;
        long stn;
        char *e1, *e2;
        const int lineno = (int)io_csv_line(csv);
        const char *lat = io_csv_field(csv, clat), *lon = io_csv_field(csv, clon);
        memset(&p, 0, sizeof p);
        if (parse_int(io_csv_field(csv, cstn), &stn) != 0 || stn < 0) {
            st = zt_fail(err, ZT_EINPUT, "%s:%d: STN '%s' is not a station number", file, lineno,
                         io_csv_field(csv, cstn));
            goto done;
        }
        p.stn = (int)stn;
        p.lat = strtod(lat, &e1);
        p.lon = strtod(lon, &e2);
        if (!*lat || *e1 || !*lon || *e2 || !isfinite(p.lat) || !isfinite(p.lon) ||
            fabs(p.lat) > 90.0 || fabs(p.lon) > 180.0) {
            st = zt_fail(err, ZT_EINPUT, "%s:%d: station %d: lat '%s' / lon '%s' are not degrees",
                         file, lineno, p.stn, lat, lon);
            goto done;
        }
        copy_name(p.name, cname >= 0 ? io_csv_field(csv, cname) : "");
        if (!pos_find(im->csv, im->ncsv, p.stn)) {
            st = pos_add(&im->csv, &im->ncsv, &im->capcsv, &p, err);
            if (st != ZT_OK) {
                goto done;
            }
        }
    }
done:
    io_csv_close(&csv);
    return st;
}

/* ---- positions in RD New ------------------------------------------------- */

/*
 * Project (lat, lon) of every station to RD New with GDAL's OSR: EPSG:4326
 * (WGS 84) to EPSG:28992, both in traditional GIS order (x = lon, y = lat).
 * ZT_EGDAL with CPLGetLastErrorMsg() when GDAL/PROJ fails.
 */
static zt_status project_rd(knmi_series *s, int ns, zt_err *err)
{
    OGRSpatialReferenceH src = NULL, dst = NULL;
    OGRCoordinateTransformationH ct = NULL;
    double *x = NULL, *y = NULL;
    zt_status st = ZT_OK;
    int i;

    CPLErrorReset();
    src = OSRNewSpatialReference(NULL);
    dst = OSRNewSpatialReference(NULL);
    if (!src || !dst || OSRImportFromEPSG(src, 4326) != OGRERR_NONE ||
        OSRImportFromEPSG(dst, 28992) != OGRERR_NONE) {
        st = zt_fail(err, ZT_EGDAL,
                     "KNMI import: cannot set up EPSG:4326 and EPSG:28992 (is PROJ's "
                     "proj.db installed?): %s",
                     CPLGetLastErrorMsg());
        goto done;
    }
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
    ct = OCTNewCoordinateTransformation(src, dst);
    if (!ct) {
        st = zt_fail(err, ZT_EGDAL, "KNMI import: no transformation EPSG:4326 -> 28992: %s",
                     CPLGetLastErrorMsg());
        goto done;
    }
    x = zt_malloc((size_t)ns * sizeof *x);
    y = zt_malloc((size_t)ns * sizeof *y);
    if (!x || !y) {
        st = zt_fail(err, ZT_ENOMEM, "KNMI import: out of memory for station positions");
        goto done;
    }
    for (i = 0; i < ns; i++) {
        x[i] = s[i].lon;
        y[i] = s[i].lat;
    }
    if (!OCTTransform(ct, ns, x, y, NULL)) {
        st = zt_fail(err, ZT_EGDAL, "KNMI import: projecting station positions to RD New: %s",
                     CPLGetLastErrorMsg());
        goto done;
    }
    for (i = 0; i < ns; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) {
            st = zt_fail(err, ZT_EINPUT,
                         "KNMI import: station %d at %.3f N %.3f E cannot be projected to "
                         "RD New",
                         s[i].stn, s[i].lat, s[i].lon);
            goto done;
        }
        s[i].x = x[i];
        s[i].y = y[i];
    }
done:
    zt_free(x);
    zt_free(y);
    if (ct) {
        OCTDestroyCoordinateTransformation(ct);
    }
    if (src) {
        OSRDestroySpatialReference(src);
    }
    if (dst) {
        OSRDestroySpatialReference(dst);
    }
    return st;
}

/* ---- selecting the period and filling ------------------------------------- */

/* RH (is_rh) or EV24 of a station on day d (0.1 mm), KNMI_MISSING if absent. */
/* The variables of a series: 0 RH, 1 EV24, 2 TG, 3 Q. */
enum { KV_RH = 0, KV_EV, KV_TG, KV_Q };
static const char *const kv_names[4] = {"RH", "EV24", "TG", "Q"};

static int32_t series_at(const knmi_series *s, int var, zt_day d)
{
    const int32_t *a = var == KV_RH ? s->rh : (var == KV_EV ? s->ev : (var == KV_TG ? s->tg : s->q));
    if (d < s->d0 || d - s->d0 >= s->n) {
        return KNMI_MISSING;
    }
    return a[d - s->d0];
}

static int cmp_series(const void *a, const void *b)
{
    const knmi_series *x = a, *y = b;
    return (x->stn > y->stn) - (x->stn < y->stn);
}

/* The common period: the days from the latest first to the earliest last
 * day on which a station has both RH and EV24. */
static zt_status common_period(const knmi_series *s, int ns, zt_day *first, zt_day *last,
                               zt_err *err)
{
    int i;
    char a[11], b[11];
    for (i = 0; i < ns; i++) {
        zt_idx k, k0 = -1, k1 = -1;
        for (k = 0; k < s[i].n; k++) {
            if (s[i].rh[k] != KNMI_MISSING && s[i].ev[k] != KNMI_MISSING) {
                if (k0 < 0) {
                    k0 = k;
                }
                k1 = k;
            }
        }
        if (k0 < 0) {
            return zt_fail(err, ZT_EINPUT, "KNMI import: station %d has no day with both RH "
                                           "and EV24",
                           s[i].stn);
        }
        if (i == 0 || s[i].d0 + k0 > *first) {
            *first = s[i].d0 + (zt_day)k0;
        }
        if (i == 0 || s[i].d0 + k1 < *last) {
            *last = s[i].d0 + (zt_day)k1;
        }
    }
    if (*first > *last) {
        return zt_fail(err, ZT_EINPUT,
                       "KNMI import: the stations have no common period with RH and EV24 "
                       "(latest start %s, earliest end %s); give --from and --to",
                       zt_day_format(*first, a), zt_day_format(*last, b));
    }
    return ZT_OK;
}

/*
 * The value (0.1 mm) of station i on day d for RH (is_rh) or EV24, filled
 * from the nearest station when allowed (fill), which is counted in *nfill
 * and reported on `report`.
 */
static zt_status value_or_fill(const knmi_series *s, int ns, int i, int kv, zt_day d,
                               const char *const *files, int fill, FILE *report, int32_t *out,
                               long *nfill, zt_err *err)
{
    const char *var = kv_names[kv];
    int32_t v = series_at(&s[i], kv, d);
    int j, best = -1;
    double bestd = 0.0;
    char a[11];

    if (v != KNMI_MISSING) {
        *out = v;
        return ZT_OK;
    }
    if (!fill) {
        return zt_fail(err, ZT_EINPUT, "%s: station %d: no %s on %s", files[s[i].file],
                       s[i].stn, var, zt_day_format(d, a));
    }
    for (j = 0; j < ns; j++) {
        double dd;
        if (j == i || series_at(&s[j], kv, d) == KNMI_MISSING) {
            continue;
        }
        dd = hypot(s[j].x - s[i].x, s[j].y - s[i].y);
        if (best < 0 || dd < bestd) { /* strict: ties keep the lower station number */
            best = j;
            bestd = dd;
        }
    }
    if (best < 0) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: station %d: no %s on %s, and no other station has it to fill from",
                       files[s[i].file], s[i].stn, var, zt_day_format(d, a));
    }
    *out = series_at(&s[best], kv, d);
    (*nfill)++;
    if (report) {
        fprintf(report, "filled %s of %d on %s from %d (%.1f km)\n", var, s[i].stn,
                zt_day_format(d, a), s[best].stn, bestd / 1000.0);
    }
    return ZT_OK;
}

/* ---- writing the station forcing file ------------------------------------ */

#define NCOK(call, what)                                                                       \
    do {                                                                                       \
        st = io_nc_check((call), ZT_EIO, part, (what), err);                                   \
        if (st != ZT_OK) {                                                                     \
            goto done;                                                                         \
        }                                                                                      \
    } while (0)

/*
 * The scalar RD New grid-mapping variable `crs`, as io_nc_def_grid writes it
 * for grids (shared/CF_RDNEW.md 4.3; parameters from EPSG:28992).
 */
static int def_crs(int ncid, int *varid)
{
    int r, v;
    static const struct {
        const char *name;
        double value;
    } par[] = {
        {"latitude_of_projection_origin", 52.1561605555556},
        {"longitude_of_projection_origin", 5.38763888888889},
        {"longitude_of_central_meridian", 5.38763888888889},
        {"scale_factor_at_projection_origin", 0.9999079},
        {"false_easting", 155000.0},
        {"false_northing", 463000.0},
        {"semi_major_axis", 6377397.155},
        {"inverse_flattening", 299.1528128},
        {"longitude_of_prime_meridian", 0.0},
    };
    size_t i;
    if ((r = nc_def_var(ncid, "crs", NC_INT, 0, NULL, &v)) != NC_NOERR) {
        return r;
    }
    if ((r = io_nc_put_text(ncid, v, "grid_mapping_name", "oblique_stereographic")) != NC_NOERR) {
        return r;
    }
    for (i = 0; i < sizeof par / sizeof par[0]; i++) {
        if ((r = nc_put_att_double(ncid, v, par[i].name, NC_DOUBLE, 1, &par[i].value)) !=
            NC_NOERR) {
            return r;
        }
    }
    if ((r = io_nc_put_text(ncid, v, "projected_crs_name", "Amersfoort / RD New")) != NC_NOERR ||
        (r = io_nc_put_text(ncid, v, "geographic_crs_name", "Amersfoort")) != NC_NOERR ||
        (r = io_nc_put_text(ncid, v, "horizontal_datum_name", "Amersfoort")) != NC_NOERR ||
        (r = io_nc_put_text(ncid, v, "reference_ellipsoid_name", "Bessel 1841")) != NC_NOERR ||
        (r = io_nc_put_text(ncid, v, "crs_wkt", io_rdnew_wkt)) != NC_NOERR ||
        (r = io_nc_put_text(ncid, v, "spatial_ref", io_rdnew_wkt)) != NC_NOERR) {
        return r;
    }
    *varid = v;
    return NC_NOERR;
}

/*
 * One daily series (station, time) of the station file: chunked by station,
 * compressed, with its fill value, units, names and the DSG coordinates.
 */
static int def_series(int ncid, const char *name, const int dims[2], size_t nd, float fill,
                      const char *units, const char *long_name, const char *std_name, int *varid)
{
    const size_t chunk[2] = {1, nd};
    int r, v;
    if ((r = nc_def_var(ncid, name, NC_FLOAT, 2, dims, &v)) != NC_NOERR ||
        (r = nc_def_var_chunking(ncid, v, NC_CHUNKED, chunk)) != NC_NOERR ||
        (r = nc_def_var_deflate(ncid, v, 1, 1, 4)) != NC_NOERR ||
        (r = nc_def_var_fill(ncid, v, 0, &fill)) != NC_NOERR ||
        (r = io_nc_put_text(ncid, v, "units", units)) != NC_NOERR ||
        (r = io_nc_put_text(ncid, v, "coordinates", "time lat lon x y station_id")) != NC_NOERR ||
        (r = io_nc_put_text(ncid, v, "grid_mapping", "crs: x y")) != NC_NOERR ||
        (r = io_nc_put_text(ncid, v, "cell_methods", "time: mean")) != NC_NOERR ||
        (r = io_nc_put_text(ncid, v, "long_name", long_name)) != NC_NOERR ||
        (std_name && (r = io_nc_put_text(ncid, v, "standard_name", std_name)) != NC_NOERR)) {
        return r;
    }
    *varid = v;
    return NC_NOERR;
}

static zt_status write_station_file(const char *out_path, const knmi_series *s, int ns,
                                    zt_day first, zt_idx nd, const float *p, const float *e,
                                    const float *tg, const float *q, const char *const *files,
                                    int nfiles, long nfill, zt_err *err)
{
    char part[4096];
    int ncid = -1, dst, dt, dnv, vt, vtb, vid, vname, vx, vy, vlat, vlon, vp, ve, vcrs;
    int vtg = -1, vq = -1;
    int dims[2];
    zt_status st = ZT_OK;
    char *srcs = NULL, **names = NULL;
    double *buf = NULL;
    int *ids = NULL;
    size_t srclen = 0;
    zt_idx k;
    int i;

    io_part_path(out_path, part, sizeof part);
    /* the list of input files for the `source` attribute */
    for (i = 0; i < nfiles; i++) {
        srclen += strlen(files[i]) + 2;
    }
    srcs = zt_malloc(srclen + 128);
    buf = zt_malloc((size_t)(2 * (nd > ns ? nd : ns)) * sizeof *buf);
    ids = zt_malloc((size_t)ns * sizeof *ids);
    names = zt_malloc((size_t)ns * sizeof *names);
    if (!srcs || !buf || !ids || !names) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", out_path);
        goto done;
    }
    strcpy(srcs, "KNMI daily station data (etmgeg), Source: KNMI; files: ");
    for (i = 0; i < nfiles; i++) {
        strcat(srcs, files[i]);
        if (i + 1 < nfiles) {
            strcat(srcs, ", ");
        }
    }

    NCOK(nc_create(part, NC_NETCDF4 | NC_CLOBBER, &ncid), "cannot create");
    NCOK(nc_def_dim(ncid, "station", (size_t)ns, &dst), "defining dimension station");
    NCOK(nc_def_dim(ncid, "time", (size_t)nd, &dt), "defining dimension time");
    NCOK(nc_def_dim(ncid, "nv", 2, &dnv), "defining dimension nv");

    st = io_cftime_define(ncid, dt, dnv, 0, "start of the KNMI day (00 UT)", part, &vt, &vtb,
                          err);
    if (st != ZT_OK) {
        goto done;
    }

    NCOK(nc_def_var(ncid, "station_id", NC_INT, 1, &dst, &vid), "defining station_id");
    NCOK(io_nc_put_text(ncid, vid, "long_name", "KNMI station number"), "station_id attributes");
    NCOK(io_nc_put_text(ncid, vid, "cf_role", "timeseries_id"), "station_id attributes");
    NCOK(nc_def_var(ncid, "station_name", NC_STRING, 1, &dst, &vname), "defining station_name");
    NCOK(io_nc_put_text(ncid, vname, "long_name", "KNMI station name"), "station_name attributes");

    NCOK(nc_def_var(ncid, "x", NC_DOUBLE, 1, &dst, &vx), "defining x");
    NCOK(io_nc_put_text(ncid, vx, "standard_name", "projection_x_coordinate"), "x attributes");
    NCOK(io_nc_put_text(ncid, vx, "long_name", "station easting (RD New)"), "x attributes");
    NCOK(io_nc_put_text(ncid, vx, "units", "m"), "x attributes");
    NCOK(nc_def_var(ncid, "y", NC_DOUBLE, 1, &dst, &vy), "defining y");
    NCOK(io_nc_put_text(ncid, vy, "standard_name", "projection_y_coordinate"), "y attributes");
    NCOK(io_nc_put_text(ncid, vy, "long_name", "station northing (RD New)"), "y attributes");
    NCOK(io_nc_put_text(ncid, vy, "units", "m"), "y attributes");
    NCOK(nc_def_var(ncid, "lat", NC_DOUBLE, 1, &dst, &vlat), "defining lat");
    NCOK(io_nc_put_text(ncid, vlat, "standard_name", "latitude"), "lat attributes");
    NCOK(io_nc_put_text(ncid, vlat, "long_name", "station latitude (WGS 84, as given by KNMI)"),
         "lat attributes");
    NCOK(io_nc_put_text(ncid, vlat, "units", "degrees_north"), "lat attributes");
    NCOK(nc_def_var(ncid, "lon", NC_DOUBLE, 1, &dst, &vlon), "defining lon");
    NCOK(io_nc_put_text(ncid, vlon, "standard_name", "longitude"), "lon attributes");
    NCOK(io_nc_put_text(ncid, vlon, "long_name", "station longitude (WGS 84, as given by KNMI)"),
         "lon attributes");
    NCOK(io_nc_put_text(ncid, vlon, "units", "degrees_east"), "lon attributes");
    NCOK(def_crs(ncid, &vcrs), "defining crs");

    dims[0] = dst;
    dims[1] = dt;
    NCOK(def_series(ncid, "P", dims, (size_t)nd, -9999.0f, "mm d-1",
                    "daily precipitation (KNMI RH; trace counted as 0)", "lwe_precipitation_rate",
                    &vp),
         "defining P");
    NCOK(def_series(ncid, "ET0", dims, (size_t)nd, -9999.0f, "mm d-1",
                    "Makkink reference crop evaporation (KNMI EV24)", NULL, &ve),
         "defining ET0");
    if (tg && q) {
        NCOK(def_series(ncid, "TG", dims, (size_t)nd, NAN, "degC",
                        "daily mean air temperature (KNMI TG)", "air_temperature", &vtg),
             "defining TG");
        NCOK(def_series(ncid, "Q", dims, (size_t)nd, NAN, "kJ m-2 d-1",
                        "daily global radiation (KNMI Q)", NULL, &vq),
             "defining Q");
    }

    st = io_nc_put_global(ncid, part, "KNMI daily station forcing for zoet: P and ET0", NULL,
                          err);
    if (st != ZT_OK) {
        goto done;
    }
    NCOK(io_nc_put_text(ncid, NC_GLOBAL, "featureType", "timeSeries"), "global attributes");
    NCOK(io_nc_put_text(ncid, NC_GLOBAL, "source", srcs), "global attributes");
    NCOK(io_nc_put_text(ncid, NC_GLOBAL, "comment",
                  "P = 0.1 * RH (RH = -1, under 0.05 mm, as 0); ET0 = 0.1 * EV24; the KNMI day "
                  "runs 00-24 UT and is stamped at its start with time_bnds [d, d+1]. "
                  "Station x/y are projected from the KNMI latitude/longitude with PROJ "
                  "(EPSG:4326 -> EPSG:28992)."),
         "global attributes");
    {
        long long nf = nfill;
        NCOK(nc_put_att_longlong(ncid, NC_GLOBAL, "zoet_filled_values", NC_INT64, 1, &nf),
             "global attributes");
    }
    NCOK(nc_enddef(ncid), "leaving define mode");

    for (k = 0; k < nd; k++) {
        buf[k] = (double)(first + (zt_day)k);
    }
    NCOK(nc_put_var_double(ncid, vt, buf), "writing time");
    for (k = 0; k < nd; k++) {
        buf[2 * k] = (double)(first + (zt_day)k);
        buf[2 * k + 1] = (double)(first + (zt_day)k) + 1.0;
    }
    NCOK(nc_put_var_double(ncid, vtb, buf), "writing time_bnds");
    for (i = 0; i < ns; i++) {
        ids[i] = s[i].stn;
        names[i] = (char *)s[i].name;
    }
    NCOK(nc_put_var_int(ncid, vid, ids), "writing station_id");
    NCOK(nc_put_var_string(ncid, vname, (const char **)names), "writing station_name");
    for (i = 0; i < ns; i++) {
        buf[i] = s[i].x;
    }
    NCOK(nc_put_var_double(ncid, vx, buf), "writing x");
    for (i = 0; i < ns; i++) {
        buf[i] = s[i].y;
    }
    NCOK(nc_put_var_double(ncid, vy, buf), "writing y");
    for (i = 0; i < ns; i++) {
        buf[i] = s[i].lat;
    }
    NCOK(nc_put_var_double(ncid, vlat, buf), "writing lat");
    for (i = 0; i < ns; i++) {
        buf[i] = s[i].lon;
    }
    NCOK(nc_put_var_double(ncid, vlon, buf), "writing lon");
    NCOK(nc_put_var_float(ncid, vp, p), "writing P");
    NCOK(nc_put_var_float(ncid, ve, e), "writing ET0");
    if (vtg >= 0) {
        NCOK(nc_put_var_float(ncid, vtg, tg), "writing TG");
        NCOK(nc_put_var_float(ncid, vq, q), "writing Q");
    }
    (void)vcrs;
done:
    st = io_nc_close_part(ncid, out_path, st, err);
    zt_free(srcs);
    zt_free(buf);
    zt_free(ids);
    zt_free(names);
    return st;
}

/* ---- the import ------------------------------------------------------------ */

/* TG (degC) and Q (kJ m-2 d-1) of station i on day d: filled from the
 * nearest station like RH with fill, else NaN where missing (the
 * transformation leaves such days alone). */
static zt_status tq_day(const knmi_import *im, int i, zt_day d, const char *const *files,
                        int fill, FILE *report, float *tg, float *q, long *nfill, zt_err *err)
{
    int32_t v;
    zt_status st = ZT_OK;
    *tg = *q = NAN;
    if (fill || series_at(&im->s[i], KV_TG, d) != KNMI_MISSING) {
        st = value_or_fill(im->s, im->ns, i, KV_TG, d, files, fill, report, &v, nfill, err);
        if (st == ZT_OK) {
            *tg = (float)(0.1 * v);
        }
    }
    if (st == ZT_OK && (fill || series_at(&im->s[i], KV_Q, d) != KNMI_MISSING)) {
        st = value_or_fill(im->s, im->ns, i, KV_Q, d, files, fill, report, &v, nfill, err);
        if (st == ZT_OK) {
            *q = (float)(10.0 * v); /* J/cm2 -> kJ/m2 */
        }
    }
    return st;
}

zt_status io_knmi_import(const char *const *files, int nfiles, const io_knmi_opts *o,
                         const char *out_path, FILE *report, zt_err *err)
{
    knmi_import im;
    zt_status st = ZT_OK;
    zt_day first = 0, last = -1;
    zt_idx nd = 0, k;
    float *p = NULL, *e = NULL, *t = NULL, *r = NULL;
    long nfill = 0;
    int i, tq = 1, some_tq = 0;

    memset(&im, 0, sizeof im);
    if (!files || nfiles <= 0 || !o || !out_path) {
        return zt_fail(err, ZT_EUSAGE, "KNMI import: no input files or no output file given");
    }
    if (o->first > o->last &&
        !(o->first == IO_KNMI_COMMON_FIRST && o->last == IO_KNMI_COMMON_LAST)) {
        char a[11], b[11];
        return zt_fail(err, ZT_EUSAGE, "%s: --from %s is after --to %s: the period is empty",
                       out_path, zt_day_format(o->first, a), zt_day_format(o->last, b));
    }
    for (i = 0; i < nfiles; i++) {
        st = read_knmi_file(&im, files, i, err);
        if (st != ZT_OK) {
            goto done;
        }
    }
    if (o->stations) {
        st = read_stations_csv(&im, o->stations, err);
        if (st != ZT_OK) {
            goto done;
        }
    }
    /* positions: the file's station block first, then the stations CSV */
    for (i = 0; i < im.ns; i++) {
        knmi_series *s = &im.s[i];
        const knmi_pos *q = pos_find(im.hdr, im.nhdr, s->stn);
        if (!q) {
            q = pos_find(im.csv, im.ncsv, s->stn);
        }
        if (!q) {
            st = zt_fail(err, ZT_EINPUT,
                         "%s: station %d: position unknown (the file has no KNMI station "
                         "block%s); pass --stations with a CSV STN,name,lat,lon",
                         files[s->file], s->stn,
                         o->stations ? " and the stations file does not list it" : "");
            goto done;
        }
        s->lat = q->lat;
        s->lon = q->lon;
        copy_name(s->name, q->name);
    }
    st = project_rd(im.s, im.ns, err);
    if (st != ZT_OK) {
        goto done;
    }
    qsort(im.s, (size_t)im.ns, sizeof *im.s, cmp_series);

    if (o->first <= o->last) { /* else the common period (checked above) */
        first = o->first;
        last = o->last;
    } else {
        st = common_period(im.s, im.ns, &first, &last, err);
        if (st != ZT_OK) {
            goto done;
        }
    }
    nd = (zt_idx)(last - first) + 1;
    /* temperature and radiation only when every station's file has them */
    for (i = 0; i < im.ns; i++) {
        tq = tq && im.s[i].has_tq;
        some_tq = some_tq || im.s[i].has_tq;
    }
    p = zt_malloc((size_t)(nd * im.ns) * sizeof *p);
    e = zt_malloc((size_t)(nd * im.ns) * sizeof *e);
    if (tq) {
        t = zt_malloc((size_t)(nd * im.ns) * sizeof *t);
        r = zt_malloc((size_t)(nd * im.ns) * sizeof *r);
    }
    if (!p || !e || (tq && (!t || !r))) {
        st = zt_fail(err, ZT_ENOMEM, "KNMI import: out of memory for %lld station-days",
                     (long long)(nd * im.ns));
        goto done;
    }
    for (i = 0; i < im.ns; i++) {
        for (k = 0; k < nd; k++) {
            int32_t rh, ev;
            zt_day d = first + (zt_day)k;
            st = value_or_fill(im.s, im.ns, i, KV_RH, d, files, o->fill_nearest, report, &rh,
                               &nfill, err);
            if (st == ZT_OK) {
                st = value_or_fill(im.s, im.ns, i, KV_EV, d, files, o->fill_nearest, report, &ev,
                                   &nfill, err);
            }
            if (st == ZT_OK && tq) {
                st = tq_day(&im, i, d, files, o->fill_nearest, report, &t[i * nd + k],
                            &r[i * nd + k], &nfill, err);
            }
            if (st != ZT_OK) {
                goto done;
            }
            p[i * nd + k] = (float)(0.1 * rh); /* 0.1 mm -> mm */
            e[i * nd + k] = (float)(0.1 * ev);
        }
    }
    st = write_station_file(out_path, im.s, im.ns, first, nd, p, e, t, r, files, nfiles, nfill,
                            err);
    if (st == ZT_OK && report && !tq && some_tq) {
        fprintf(report, "no TG and Q written: not every station file has both columns\n");
    }

done:
    zt_free(p);
    zt_free(e);
    zt_free(t);
    zt_free(r);
    import_free(&im);
    return st;
}
