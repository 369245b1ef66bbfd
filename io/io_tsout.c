/*
 * io_tsout.c: daily time series per feature (district, supply user, node,
 * region), streamed to disk as they are produced (io_out.h), so that the
 * memory a run needs does not grow with the number of simulated years.
 *
 *   CSV     long format, one row per day and feature (date,<feature>,v1,...),
 *           numbers %.6g widened for large values so that no digit before
 *           the decimal point is lost (csv_number); rows are written every day.
 *   NetCDF  CF-1.8 discrete sampling geometry (featureType "timeSeries",
 *           orthogonal multidimensional array representation, CF §9.3.1):
 *           double v(feature, time) with time unlimited, chunks of
 *           (features, TS_BLOCK days); time = d + 0.5 with bounds [d, d + 1].
 *           Days are kept in a block of TS_BLOCK and written a block at a
 *           time (one put per variable).
 *
 * Checkpoints (io_tsout_checkpoint): the block is written, the NetCDF file
 * closed, both files copied into the checkpoint folder, and the NetCDF file
 * opened again; a run continued from the checkpoint (io_tsout_resume) copies
 * them back and opens them the same way, so that both runs make the same
 * library calls on the same bytes from there on and end with the same bytes.
 *
 * Every file is written under <name>.part and renamed when complete.
 */
#include "io_out.h"

#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_cftime.h"
#include "io_ckpt.h"
#include "io_file.h"
#include "io_nc.h"

#define TS_PATH_MAX 4096
#define TS_BLOCK 32 /* days a block (and the chunk along time) */

struct io_tsout {
    char nc_path[TS_PATH_MAX], nc_part[TS_PATH_MAX];   /* "" when not written */
    char csv_path[TS_PATH_MAX], csv_part[TS_PATH_MAX];
    char feature[64];           /* feature kind ("district") */
    const int32_t *ids;         /* borrowed, nfeat */
    const char *const *names;   /* borrowed, nfeat, may be NULL */
    int nfeat;
    io_ts_keys keys;            /* CSV key columns instead of the feature's name (n 0: none) */
    const io_var_spec *vars;    /* borrowed, nvar */
    int nvar;
    zt_day first;               /* first day of the series */
    int ndays;                  /* days at most */
    int ndone;                  /* days added (those in the block included) */
    FILE *csv;                  /* open while writing */
    int ncid;                   /* -1 when closed */
    int vtime, vbnds, *varid;   /* [nvar] */
    double *blk;                /* TS_BLOCK days of values: [(d * nvar + v) * nfeat + f] */
    int nblk;                   /* days in the block */
    double *row;                /* scratch: nfeat * TS_BLOCK (>= 2 TS_BLOCK) */
    int failed;
};

/* The name of feature f (its id in decimal when there are no names) into buf. */
static const char *feature_name(const io_tsout *t, int f, char *buf, size_t n)
{
    if (t->names && t->names[f]) {
        return t->names[f];
    }
    snprintf(buf, n, "%ld", (long)t->ids[f]);
    return buf;
}

/*
 * A number for CSV: %.6g, widened to keep every digit before the decimal
 * point and one after it from 1e5 on (so 12345678.9 m3 is 12345678.9, not
 * 1.23457e+07), at most 17 significant digits; NaN as "NaN".
 */
static void csv_number(double x, char *buf, size_t n)
{
    double a = fabs(x);
    int p = 6;
    if (isnan(x)) {
        snprintf(buf, n, "NaN");
        return;
    }
    if (isinf(x)) {
        snprintf(buf, n, "%s", x > 0 ? "Inf" : "-Inf");
        return;
    }
    if (a >= 1e5) {
        p = (int)floor(log10(a)) + 2;
        if (p > 17) {
            p = 17;
        }
    }
    snprintf(buf, n, "%.*g", p, x);
}

/* A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *c = s; *c; c++) {
        if (*c == '"') {
            fputc('"', f);
        }
        fputc(*c, f);
    }
    fputc('"', f);
}

static void csv_header(io_tsout *t)
{
    fputs("date", t->csv);
    if (t->keys.n > 0) {
        for (int k = 0; k < t->keys.n; k++) {
            fputc(',', t->csv);
            csv_field(t->csv, t->keys.names[k]);
        }
    } else {
        fputc(',', t->csv);
        csv_field(t->csv, t->feature);
    }
    for (int v = 0; v < t->nvar; v++) {
        fputc(',', t->csv);
        csv_field(t->csv, t->vars[v].name);
    }
    fputc('\n', t->csv);
}

/* The key columns of feature fe, or its name. */
static void csv_keys(io_tsout *t, int fe)
{
    char idbuf[32];
    if (t->keys.n == 0) {
        csv_field(t->csv, feature_name(t, fe, idbuf, sizeof idbuf));
        return;
    }
    for (int k = 0; k < t->keys.n; k++) {
        const char *v = t->keys.values[(size_t)fe * (size_t)t->keys.n + (size_t)k];
        if (k > 0) {
            fputc(',', t->csv);
        }
        csv_field(t->csv, v ? v : "");
    }
}

static zt_status csv_day(io_tsout *t, zt_day day, const double *values, zt_err *err)
{
    char num[64], date[11];
    zt_day_format(day, date);
    for (int fe = 0; fe < t->nfeat; fe++) {
        fputs(date, t->csv);
        fputc(',', t->csv);
        csv_keys(t, fe);
        for (int v = 0; v < t->nvar; v++) {
            csv_number(values[(size_t)v * (size_t)t->nfeat + (size_t)fe], num, sizeof num);
            fputc(',', t->csv);
            fputs(num, t->csv);
        }
        fputc('\n', t->csv);
    }
    if (ferror(t->csv)) {
        return zt_fail(err, ZT_EIO, "%s: cannot write", t->csv_part);
    }
    return ZT_OK;
}

/*
 * No chunk cache for a series variable: a block is one whole chunk, written
 * once; HDF5's default cache (16 MB a variable) would keep every chunk
 * written, so that memory grew with the years of a run. Not kept in the
 * file: set at create and again after every open.
 */
static int no_chunk_cache(int ncid, int varid)
{
    return nc_set_var_chunk_cache(ncid, varid, 1, 1, 1.0f);
}

/* The attributes of variable v (defined as varid). */
static int def_var_atts(const io_tsout *t, int varid, const io_var_spec *s, const char *coord)
{
    const char *cm = (s->is_flux && s->units && s->sum_units && strcmp(s->units, s->sum_units) == 0)
                         ? "time: sum"
                         : "time: mean";
    int r = NC_NOERR;
    size_t chunk[2] = {(size_t)t->nfeat, TS_BLOCK};
    r = nc_def_var_chunking(t->ncid, varid, NC_CHUNKED, chunk);
    if (r == NC_NOERR) {
        r = no_chunk_cache(t->ncid, varid);
    }
    if (r == NC_NOERR && s->long_name) {
        r = io_nc_put_text(t->ncid, varid, "long_name", s->long_name);
    }
    if (r == NC_NOERR && s->standard_name) {
        r = io_nc_put_text(t->ncid, varid, "standard_name", s->standard_name);
    }
    if (r == NC_NOERR && s->units) {
        r = io_nc_put_text(t->ncid, varid, "units", s->units);
    }
    if (r == NC_NOERR) {
        r = io_nc_put_text(t->ncid, varid, "cell_methods", cm);
    }
    if (r == NC_NOERR) {
        r = io_nc_put_text(t->ncid, varid, "coordinates", coord);
    }
    return r;
}

/* The feature variables: ids and names. */
static zt_status def_features(io_tsout *t, int dimf, int *vid, int *vname, char *coord,
                              size_t ncoord, zt_err *err)
{
    char what[300];
    int r;
    snprintf(coord, ncoord, "%s_id", t->feature);
    r = nc_def_var(t->ncid, coord, NC_INT, 1, &dimf, vid);
    if (r == NC_NOERR) {
        snprintf(what, sizeof what, "%s id", t->feature);
        r = io_nc_put_text(t->ncid, *vid, "long_name", what);
    }
    snprintf(coord, ncoord, "%s_name", t->feature);
    if (r == NC_NOERR) {
        r = nc_def_var(t->ncid, coord, NC_STRING, 1, &dimf, vname);
    }
    if (r == NC_NOERR) {
        snprintf(what, sizeof what, "%s name", t->feature);
        r = io_nc_put_text(t->ncid, *vname, "long_name", what);
    }
    if (r == NC_NOERR) {
        r = io_nc_put_text(t->ncid, *vname, "cf_role", "timeseries_id");
    }
    return io_nc_check(r, ZT_EIO, t->nc_part, "define the feature variables", err);
}

/* Define the file (holding the netCDF lock) and write the features. */
static zt_status define_nc(io_tsout *t, zt_err *err)
{
    char coord[128], what[300];
    int dimf, dimt, dimnv, dims[2], vid, vname;
    zt_status st;
    const char **names = NULL;
    char *idtext = NULL;

    st = io_nc_check(nc_def_dim(t->ncid, t->feature, (size_t)t->nfeat, &dimf), ZT_EIO,
                     t->nc_part, "define the feature dimension", err);
    if (st == ZT_OK) {
        st = io_nc_check(nc_def_dim(t->ncid, "time", NC_UNLIMITED, &dimt), ZT_EIO, t->nc_part,
                         "define dimension time", err);
    }
    if (st == ZT_OK) {
        st = io_nc_check(nc_def_dim(t->ncid, "nv", 2, &dimnv), ZT_EIO, t->nc_part,
                         "define dimension nv", err);
    }
    if (st == ZT_OK) {
        st = io_cftime_define(t->ncid, dimt, dimnv, TS_BLOCK, NULL, t->nc_part, &t->vtime, &t->vbnds,
                              err);
    }
    if (st == ZT_OK) {
        st = def_features(t, dimf, &vid, &vname, coord, sizeof coord, err);
    }
    dims[0] = dimf;
    dims[1] = dimt;
    for (int v = 0; v < t->nvar && st == ZT_OK; v++) {
        int r = nc_def_var(t->ncid, t->vars[v].name, NC_DOUBLE, 2, dims, &t->varid[v]);
        if (r == NC_NOERR) {
            r = def_var_atts(t, t->varid[v], &t->vars[v], coord);
        }
        snprintf(what, sizeof what, "define variable %s", t->vars[v].name);
        st = io_nc_check(r, ZT_EIO, t->nc_part, what, err);
    }
    if (st == ZT_OK) {
        snprintf(what, sizeof what, "zoet daily time series per %s", t->feature);
        st = io_nc_put_global(t->ncid, t->nc_part, what, NULL, err);
    }
    if (st == ZT_OK) {
        st = io_nc_check(io_nc_put_text(t->ncid, NC_GLOBAL, "featureType", "timeSeries"), ZT_EIO,
                         t->nc_part, "global attribute featureType", err);
    }
    if (st == ZT_OK) {
        st = io_nc_check(nc_enddef(t->ncid), ZT_EIO, t->nc_part, "end of definitions", err);
    }
    if (st == ZT_OK) {
        names = zt_calloc((size_t)t->nfeat, sizeof *names);
        idtext = zt_calloc((size_t)t->nfeat, 32);
        if (!names || !idtext) {
            st = zt_fail(err, ZT_ENOMEM, "%s: no memory", t->nc_part);
        }
    }
    if (st == ZT_OK) {
        size_t start = 0, count = (size_t)t->nfeat;
        for (int fe = 0; fe < t->nfeat; fe++) {
            names[fe] = feature_name(t, fe, idtext + 32 * (size_t)fe, 32);
        }
        int r = nc_put_vara_int(t->ncid, vid, &start, &count, t->ids);
        if (r == NC_NOERR) {
            r = nc_put_vara_string(t->ncid, vname, &start, &count, names);
        }
        st = io_nc_check(r, ZT_EIO, t->nc_part, "write the feature ids and names", err);
    }
    zt_free(names);
    zt_free(idtext);
    return st;
}

/* Write the block of days to the NetCDF file. */
static zt_status flush_block(io_tsout *t, zt_err *err)
{
    const size_t nb = (size_t)t->nblk, nf = (size_t)t->nfeat, nv = (size_t)t->nvar;
    const size_t rec = (size_t)(t->ndone - t->nblk);
    zt_status st = ZT_OK;

    if (t->ncid < 0 || nb == 0) {
        t->nblk = 0;
        return ZT_OK;
    }
    io_out_nc_lock();
    st = io_cftime_put_days(t->ncid, t->vtime, t->vbnds, rec, t->first + (zt_day)rec, nb, t->row,
                            t->nc_part, err);
    for (size_t v = 0; v < nv && st == ZT_OK; v++) {
        char what[300];
        size_t start[2] = {0, rec}, count[2] = {nf, nb};
        for (size_t fe = 0; fe < nf; fe++) {
            for (size_t d = 0; d < nb; d++) {
                t->row[fe * nb + d] = t->blk[(d * nv + v) * nf + fe];
            }
        }
        snprintf(what, sizeof what, "write variable %s", t->vars[v].name);
        st = io_nc_check(nc_put_vara_double(t->ncid, t->varid[v], start, count, t->row), ZT_EIO,
                         t->nc_part, what, err);
    }
    io_out_nc_unlock();
    t->nblk = 0;
    return st;
}

/* Create the NetCDF file afresh (under the netCDF lock). */
static zt_status create_nc(io_tsout *t, zt_err *err)
{
    zt_status st;
    io_out_nc_lock();
    int r = nc_create(t->nc_part, NC_NETCDF4 | NC_CLOBBER, &t->ncid);
    if (r != NC_NOERR) {
        t->ncid = -1;
    }
    st = io_nc_check(r, ZT_EIO, t->nc_part, "create", err);
    io_out_nc_unlock();
    if (st == ZT_OK) {
        io_out_nc_lock();
        st = define_nc(t, err);
        io_out_nc_unlock();
    }
    return st;
}

/* Open the NetCDF file again for appending: its ids, and its days. */
static zt_status reopen_nc(io_tsout *t, size_t *ntime, zt_err *err)
{
    int dimt;
    zt_status st;
    io_out_nc_lock();
    int r = nc_open(t->nc_part, NC_WRITE, &t->ncid);
    if (r != NC_NOERR) {
        t->ncid = -1;
    }
    if (r == NC_NOERR) {
        r = nc_inq_varid(t->ncid, "time", &t->vtime);
    }
    if (r == NC_NOERR) {
        r = nc_inq_varid(t->ncid, "time_bnds", &t->vbnds);
    }
    for (int v = 0; v < t->nvar && r == NC_NOERR; v++) {
        r = nc_inq_varid(t->ncid, t->vars[v].name, &t->varid[v]);
        if (r == NC_NOERR) {
            r = no_chunk_cache(t->ncid, t->varid[v]);
        }
    }
    if (r == NC_NOERR) {
        r = nc_inq_dimid(t->ncid, "time", &dimt);
    }
    if (r == NC_NOERR) {
        r = nc_inq_dimlen(t->ncid, dimt, ntime);
    }
    st = io_nc_check(r, ZT_EIO, t->nc_part, "open again for writing", err);
    io_out_nc_unlock();
    return st;
}

/* Close the NetCDF file (under the lock); the first error wins. */
static zt_status close_nc(io_tsout *t, zt_err *err)
{
    zt_status st = ZT_OK;
    if (t->ncid >= 0) {
        io_out_nc_lock();
        st = io_nc_check(nc_close(t->ncid), ZT_EIO, t->nc_part, "close", err);
        io_out_nc_unlock();
        t->ncid = -1;
    }
    return st;
}

zt_status io_tsout_create(const char *nc_path, const char *csv_path, const char *feature,
                          const int32_t *ids, const char *const *names, int nfeat,
                          const io_var_spec *vars, int nvar, zt_day first, int ndays,
                          io_tsout **out, zt_err *err)
{
    return io_tsout_create_keyed(nc_path, csv_path, feature, ids, names, nfeat, NULL, vars, nvar,
                                 first, ndays, out, err);
}

zt_status io_tsout_create_keyed(const char *nc_path, const char *csv_path, const char *feature,
                                const int32_t *ids, const char *const *names, int nfeat,
                                const io_ts_keys *keys, const io_var_spec *vars, int nvar,
                                zt_day first, int ndays, io_tsout **out, zt_err *err)
{
    io_tsout *t = NULL;
    zt_status st = ZT_OK;

    *out = NULL;
    if (keys && keys->n > 0 && (keys->n > IO_TS_MAX_KEYS || !keys->names || !keys->values)) {
        return zt_fail(err, ZT_EINTERNAL, "io_tsout_create (%s): bad key columns",
                       csv_path ? csv_path : "no file");
    }
    if (!feature || !feature[0] || strlen(feature) >= sizeof t->feature || !ids || nfeat < 1 ||
        !vars || nvar < 1 || ndays < 1) {
        return zt_fail(err, ZT_EINTERNAL,
                       "io_tsout_create (%s): bad arguments: %d features, %d variables, %d days",
                       nc_path ? nc_path : (csv_path ? csv_path : "no file"), nfeat, nvar, ndays);
    }
    for (int i = 0; i < nvar; i++) {
        if (!vars[i].name || !vars[i].name[0]) {
            return zt_fail(err, ZT_EINTERNAL, "io_tsout_create: variable %d has no name", i);
        }
    }
    if ((nc_path && strlen(nc_path) + 6 > TS_PATH_MAX) ||
        (csv_path && strlen(csv_path) + 6 > TS_PATH_MAX)) {
        return zt_fail(err, ZT_EIO, "%s: path too long", nc_path ? nc_path : csv_path);
    }
    t = zt_calloc(1, sizeof *t);
    if (!t) {
        return zt_fail(err, ZT_ENOMEM, "io_tsout_create: no memory");
    }
    t->ncid = -1;
    snprintf(t->feature, sizeof t->feature, "%s", feature);
    if (nc_path) {
        snprintf(t->nc_path, sizeof t->nc_path, "%s", nc_path);
        io_part_path(nc_path, t->nc_part, sizeof t->nc_part);
    }
    if (csv_path) {
        snprintf(t->csv_path, sizeof t->csv_path, "%s", csv_path);
        io_part_path(csv_path, t->csv_part, sizeof t->csv_part);
    }
    t->ids = ids;
    t->names = names;
    t->nfeat = nfeat;
    if (keys && keys->n > 0) {
        t->keys = *keys;
    }
    t->vars = vars;
    t->nvar = nvar;
    t->first = first;
    t->ndays = ndays;
    t->varid = zt_calloc((size_t)nvar, sizeof *t->varid);
    t->blk = zt_malloc((size_t)TS_BLOCK * (size_t)nvar * (size_t)nfeat * sizeof *t->blk);
    t->row = zt_malloc((size_t)TS_BLOCK * (size_t)(nfeat > 2 ? nfeat : 2) * sizeof *t->row);
    if (!t->varid || !t->blk || !t->row) {
        st = zt_fail(err, ZT_ENOMEM, "time series %s: no memory for %d variables x %d %ss",
                     nc_path ? nc_path : (csv_path ? csv_path : ""), nvar, nfeat, feature);
    }
    if (st == ZT_OK && csv_path) {
        st = io_text_open(csv_path, &t->csv, err);
        if (st == ZT_OK) {
            csv_header(t);
        }
    }
    if (st == ZT_OK && nc_path) {
        st = create_nc(t, err);
    }
    if (st != ZT_OK) {
        t->failed = 1;
        (void)io_tsout_close(&t, 0, NULL);
    }
    *out = t;
    return st;
}

zt_status io_tsout_add_day(io_tsout *t, zt_day day, const double *values, zt_err *err)
{
    char a[11], b[11];
    const size_t n = (size_t)t->nvar * (size_t)t->nfeat;
    const zt_day expect = t->first + t->ndone;
    zt_status st = ZT_OK;

    if (t->failed) {
        return zt_fail(err, ZT_EINTERNAL, "time series %s: a write failed before", t->feature);
    }
    if (t->ndone >= t->ndays) {
        return zt_fail(err, ZT_EINTERNAL, "time series %s: day %s beyond the %d days reserved",
                       t->feature, zt_day_format(day, a), t->ndays);
    }
    if (day != expect) {
        return zt_fail(err, ZT_EINTERNAL,
                       "time series %s: days not consecutive: got %s, expected %s", t->feature,
                       zt_day_format(day, a), zt_day_format(expect, b));
    }
    if (t->csv) {
        st = csv_day(t, day, values, err);
    }
    memcpy(t->blk + (size_t)t->nblk * n, values, n * sizeof *values);
    t->nblk++;
    t->ndone++;
    if (st == ZT_OK && t->nblk == TS_BLOCK) {
        st = flush_block(t, err);
    }
    t->failed = st != ZT_OK;
    return st;
}

zt_status io_tsout_checkpoint(io_tsout *t, const char *dir, zt_err *err)
{
    size_t ntime = 0;
    zt_status st = t->failed ? zt_fail(err, ZT_EINTERNAL, "time series %s: failed before",
                                       t->feature)
                             : ZT_OK;
    if (st == ZT_OK) {
        st = flush_block(t, err);
    }
    if (st == ZT_OK && t->csv && fflush(t->csv) != 0) {
        st = zt_fail(err, ZT_EIO, "%s: cannot write", t->csv_part);
    }
    if (st == ZT_OK && t->csv) {
        st = io_ckpt_copy_in(t->csv_part, dir, t->csv_path, err);
    }
    if (st == ZT_OK && t->ncid >= 0) {
        st = close_nc(t, err);
        if (st == ZT_OK) {
            st = io_ckpt_copy_in(t->nc_part, dir, t->nc_path, err);
        }
        if (st == ZT_OK) {
            st = reopen_nc(t, &ntime, err);
        }
    }
    t->failed = st != ZT_OK;
    return st;
}

zt_status io_tsout_resume(io_tsout *t, const char *dir, zt_day day, zt_err *err)
{
    char a[11];
    size_t ntime = 0;
    zt_status st = ZT_OK;
    const int nd = (int)(day - t->first);

    if (t->ndone != 0 || nd < 0 || nd > t->ndays) {
        return zt_fail(err, ZT_EINTERNAL, "time series %s: cannot resume at %s", t->feature,
                       zt_day_format(day, a));
    }
    if (t->csv) {
        /* the header and a row per day and feature */
        st = io_ckpt_resume_text(&t->csv, dir, t->csv_path, t->csv_part,
                                 1 + (long)nd * t->nfeat, err);
    }
    if (st == ZT_OK && t->ncid >= 0) {
        st = close_nc(t, err);
        if (st == ZT_OK) {
            st = io_ckpt_copy_out(dir, t->nc_path, t->nc_part, err);
        }
        if (st == ZT_OK) {
            st = reopen_nc(t, &ntime, err);
        }
        if (st == ZT_OK && ntime != (size_t)nd) {
            st = zt_fail(err, ZT_EINPUT, "%s: the checkpoint's copy holds %zu days, expected %d",
                         dir, ntime, nd);
        }
    }
    t->ndone = nd;
    t->failed = st != ZT_OK;
    return st;
}

zt_status io_tsout_close(io_tsout **tp, int ok, zt_err *err)
{
    io_tsout *t;
    zt_status st = ZT_OK;

    if (!tp || !*tp) {
        return ZT_OK;
    }
    t = *tp;
    ok = ok && !t->failed;
    if (ok) {
        st = flush_block(t, err);
    }
    zt_status s2 = close_nc(t, ok && st == ZT_OK ? err : NULL);
    st = st == ZT_OK ? s2 : st;
    if (t->csv) {
        s2 = io_text_close(t->csv, t->csv_path, ok && st == ZT_OK, ok && st == ZT_OK ? err : NULL);
        st = st == ZT_OK ? s2 : st;
        t->csv = NULL;
    }
    if (t->nc_path[0]) {
        if (ok && st == ZT_OK) {
            st = io_part_commit(t->nc_path, err);
        } else {
            io_part_discard(t->nc_path);
        }
    }
    if (st != ZT_OK && t->csv_path[0]) {
        (void)remove(t->csv_path); /* both files or neither */
    }
    zt_free(t->varid);
    zt_free(t->blk);
    zt_free(t->row);
    zt_free(t);
    *tp = NULL;
    return ok ? st : ZT_OK;
}
