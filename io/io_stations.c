/*
 * io_stations.c: station forcing files read whole and written as a
 * transformed copy (io_stations.h).
 */
#include "io_stations.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <netcdf.h>

#include "io_file.h"
#include "io_nc.h"

void io_stations_free(io_stations *s)
{
    zt_free(s->id);
    zt_free(s->lat);
    zt_free(s->x);
    zt_free(s->y);
    zt_free(s->p);
    zt_free(s->et0);
    zt_free(s->tg);
    zt_free(s->q);
    memset(s, 0, sizeof *s);
}

/* A float variable (station, time) into a[ns * nd]; *absent = 1 when the
 * file has no such variable (then a is untouched). */
static zt_status read_var(int ncid, const char *path, const char *name, float *a, int *absent,
                          zt_err *err)
{
    int id, nd;
    *absent = 0;
    if (nc_inq_varid(ncid, name, &id) != NC_NOERR) {
        *absent = 1;
        return ZT_OK;
    }
    if (nc_inq_varndims(ncid, id, &nd) != NC_NOERR || nd != 2) {
        return zt_fail(err, ZT_EINPUT, "%s: variable %s: expected (station, time)", path, name);
    }
    int r = nc_get_var_float(ncid, id, a);
    return r == NC_NOERR ? ZT_OK
                         : zt_fail(err, ZT_EINPUT, "%s: variable %s: %s", path, name,
                                   nc_strerror(r));
}

static zt_status read_dims(int ncid, const char *path, io_stations *s, zt_err *err)
{
    int ds, dt, vt;
    size_t ns, nd;
    if (nc_inq_dimid(ncid, "station", &ds) != NC_NOERR ||
        nc_inq_dimid(ncid, "time", &dt) != NC_NOERR || nc_inq_dimlen(ncid, ds, &ns) != NC_NOERR ||
        nc_inq_dimlen(ncid, dt, &nd) != NC_NOERR || ns < 1 || nd < 1 || ns > 100000 ||
        nd > 100000) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: not a station forcing file (dimensions station and time expected; "
                       "make one with zoet forcing knmi)",
                       path);
    }
    s->ns = (int)ns;
    s->nd = (int)nd;
    double *t = zt_malloc(nd * sizeof *t);
    if (!t) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    zt_status st = ZT_OK;
    if (nc_inq_varid(ncid, "time", &vt) != NC_NOERR || nc_get_var_double(ncid, vt, t) != NC_NOERR) {
        st = zt_fail(err, ZT_EINPUT, "%s: no variable time", path);
    }
    for (size_t k = 1; st == ZT_OK && k < nd; k++) {
        if (t[k] != t[k - 1] + 1.0) {
            st = zt_fail(err, ZT_EINPUT, "%s: variable time: the days are not consecutive", path);
        }
    }
    if (st == ZT_OK) {
        s->first = (zt_day)t[0]; /* days since 1970-01-01, as zoet writes them */
    }
    zt_free(t);
    return st;
}

zt_status io_stations_read(const char *path, io_stations *s, zt_err *err)
{
    int ncid, vid, vlat, absent;
    memset(s, 0, sizeof *s);
    int r = nc_open(path, NC_NOWRITE, &ncid);
    if (r != NC_NOERR) {
        return zt_fail(err, ZT_EINPUT, "%s: cannot open (%s)", path, nc_strerror(r));
    }
    zt_status st = read_dims(ncid, path, s, err);
    const size_t n = (size_t)s->ns * (size_t)s->nd;
    if (st == ZT_OK) {
        s->id = zt_malloc((size_t)s->ns * sizeof *s->id);
        s->lat = zt_malloc((size_t)s->ns * sizeof *s->lat);
        s->x = zt_malloc((size_t)s->ns * sizeof *s->x);
        s->y = zt_malloc((size_t)s->ns * sizeof *s->y);
        s->p = zt_malloc(n * sizeof *s->p);
        s->et0 = zt_malloc(n * sizeof *s->et0);
        s->tg = zt_malloc(n * sizeof *s->tg);
        s->q = zt_malloc(n * sizeof *s->q);
        if (!s->id || !s->lat || !s->x || !s->y || !s->p || !s->et0 || !s->tg || !s->q) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        }
    }
    if (st == ZT_OK && (nc_inq_varid(ncid, "station_id", &vid) != NC_NOERR ||
                        nc_get_var_int(ncid, vid, s->id) != NC_NOERR ||
                        nc_inq_varid(ncid, "lat", &vlat) != NC_NOERR ||
                        nc_get_var_double(ncid, vlat, s->lat) != NC_NOERR ||
                        nc_inq_varid(ncid, "x", &vlat) != NC_NOERR ||
                        nc_get_var_double(ncid, vlat, s->x) != NC_NOERR ||
                        nc_inq_varid(ncid, "y", &vlat) != NC_NOERR ||
                        nc_get_var_double(ncid, vlat, s->y) != NC_NOERR)) {
        st = zt_fail(err, ZT_EINPUT, "%s: no station_id, lat, x or y", path);
    }
    if (st == ZT_OK) {
        st = read_var(ncid, path, "P", s->p, &absent, err);
        if (st == ZT_OK && absent) {
            st = zt_fail(err, ZT_EINPUT, "%s: no variable P", path);
        }
    }
    if (st == ZT_OK) {
        st = read_var(ncid, path, "ET0", s->et0, &absent, err);
        if (st == ZT_OK && absent) {
            st = zt_fail(err, ZT_EINPUT, "%s: no variable ET0", path);
        }
    }
    int atg = 1, aq = 1;
    if (st == ZT_OK) {
        st = read_var(ncid, path, "TG", s->tg, &atg, err);
    }
    if (st == ZT_OK) {
        st = read_var(ncid, path, "Q", s->q, &aq, err);
    }
    nc_close(ncid);
    if (st == ZT_OK && (atg || aq)) {
        zt_free(s->tg);
        zt_free(s->q);
        s->tg = s->q = NULL;
    }
    if (st != ZT_OK) {
        io_stations_free(s);
    }
    return st;
}

/* Copy a file byte for byte. */
static zt_status copy_file(const char *from, const char *to, zt_err *err)
{
    char buf[65536];
    size_t n;
    FILE *a = fopen(from, "rb");
    FILE *b = a ? fopen(to, "wb") : NULL;
    zt_status st = ZT_OK;
    if (!a || !b) {
        st = zt_fail(err, ZT_EIO, "%s: cannot copy to %s", from, to);
    }
    while (st == ZT_OK && (n = fread(buf, 1, sizeof buf, a)) > 0) {
        if (fwrite(buf, 1, n, b) != n) {
            st = zt_fail(err, ZT_EIO, "%s: cannot write", to);
        }
    }
    if (a) {
        fclose(a);
    }
    if (b && fclose(b) != 0 && st == ZT_OK) {
        st = zt_fail(err, ZT_EIO, "%s: cannot write", to);
    }
    return st;
}

#define NCW(call, what)                                                                          \
    do {                                                                                         \
        if (st == ZT_OK) {                                                                       \
            st = io_nc_check((call), ZT_EIO, part, (what), err);                                 \
        }                                                                                        \
    } while (0)

zt_status io_stations_write_copy(const char *in_path, const char *out_path, const io_stations *s,
                                 const char *transform, const char *comment, zt_err *err)
{
    char part[4096];
    int ncid = -1, v;
    io_part_path(out_path, part, sizeof part);
    zt_status st = copy_file(in_path, part, err);
    if (st == ZT_OK) {
        st = io_nc_check(nc_open(part, NC_WRITE, &ncid), ZT_EIO, part, "cannot open", err);
    }
    NCW(nc_redef(ncid), "define mode");
    NCW(io_nc_put_text(ncid, NC_GLOBAL, "zoet_transform", transform), "global attributes");
    NCW(io_nc_put_text(ncid, NC_GLOBAL, "comment_transform", comment), "global attributes");
    NCW(nc_enddef(ncid), "leaving define mode");
    NCW(nc_inq_varid(ncid, "P", &v), "P");
    NCW(nc_put_var_float(ncid, v, s->p), "writing P");
    NCW(nc_inq_varid(ncid, "ET0", &v), "ET0");
    NCW(nc_put_var_float(ncid, v, s->et0), "writing ET0");
    if (s->tg && s->q) {
        NCW(nc_inq_varid(ncid, "TG", &v), "TG");
        NCW(nc_put_var_float(ncid, v, s->tg), "writing TG");
        NCW(nc_inq_varid(ncid, "Q", &v), "Q");
        NCW(nc_put_var_float(ncid, v, s->q), "writing Q");
    }
    if (ncid < 0) {
        remove(part);
        return st;
    }
    return io_nc_close_part(ncid, out_path, st, err);
}
