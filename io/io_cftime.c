/*
 * io_cftime.c: the CF time axis of output files (io_cftime.h).
 */
#include "io_cftime.h"

#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io_nc.h"

zt_status io_cftime_define(int ncid, int dimt, int dimnv, size_t chunk, const char *long_name,
                           const char *file, int *vtime, int *vbnds, zt_err *err)
{
    int dims[2] = {dimt, dimnv};
    zt_status st;

    st = io_nc_check(nc_def_var(ncid, "time", NC_DOUBLE, 1, dims, vtime), ZT_EIO, file,
                     "define variable time", err);
    if (st == ZT_OK) {
        st = io_nc_check(nc_def_var(ncid, "time_bnds", NC_DOUBLE, 2, dims, vbnds), ZT_EIO, file,
                         "define variable time_bnds", err);
    }
    if (st == ZT_OK && chunk > 0) {
        const size_t ch[2] = {chunk, 2};
        st = io_nc_check(nc_def_var_chunking(ncid, *vtime, NC_CHUNKED, ch), ZT_EIO, file,
                         "chunking of time", err);
        if (st == ZT_OK) {
            st = io_nc_check(nc_def_var_chunking(ncid, *vbnds, NC_CHUNKED, ch), ZT_EIO, file,
                             "chunking of time_bnds", err);
        }
    }
    if (st == ZT_OK) {
        int r = io_nc_put_text(ncid, *vtime, "standard_name", "time");
        if (r == NC_NOERR) {
            r = io_nc_put_text(ncid, *vtime, "long_name", long_name ? long_name : "time");
        }
        if (r == NC_NOERR) {
            r = io_nc_put_text(ncid, *vtime, "units", IO_CFTIME_UNITS);
        }
        if (r == NC_NOERR) {
            r = io_nc_put_text(ncid, *vtime, "calendar", "standard");
        }
        if (r == NC_NOERR) {
            r = io_nc_put_text(ncid, *vtime, "axis", "T");
        }
        if (r == NC_NOERR) {
            r = io_nc_put_text(ncid, *vtime, "bounds", "time_bnds");
        }
        st = io_nc_check(r, ZT_EIO, file, "attributes of time", err);
    }
    return st;
}

zt_status io_cftime_put_days(int ncid, int vtime, int vbnds, size_t rec, zt_day first, size_t n,
                             double *buf, const char *file, zt_err *err)
{
    size_t start[2] = {rec, 0}, count[2] = {n, 2};
    zt_status st;
    for (size_t d = 0; d < n; d++) {
        buf[d] = (double)(first + (zt_day)d) + 0.5;
    }
    st = io_nc_check(nc_put_vara_double(ncid, vtime, start, count, buf), ZT_EIO, file,
                     "write time", err);
    for (size_t d = 0; d < n && st == ZT_OK; d++) {
        buf[2 * d] = (double)(first + (zt_day)d);
        buf[2 * d + 1] = (double)(first + (zt_day)d) + 1.0;
    }
    if (st == ZT_OK) {
        st = io_nc_check(nc_put_vara_double(ncid, vbnds, start, count, buf), ZT_EIO, file,
                         "write time_bnds", err);
    }
    return st;
}

/* ---- parsing ----------------------------------------------------------- */

/* Read 1 to `max` digits at *p into *v; returns the number read. */
static int read_digits(const char **p, int max, int *v)
{
    int n = 0;
    *v = 0;
    while (n < max && **p >= '0' && **p <= '9') {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n;
}

/*
 * The time zone after the reference time: nothing, "Z", "UTC", "GMT" or an
 * offset "+hh", "+hh:mm", "+hhmm" (or '-'), blanks before it allowed.
 * Returns 0 and *minutes the offset (min), or -1 when not understood.
 */
static int parse_zone(const char *p, int *minutes)
{
    int sign, hh = 0, mm = 0, n;
    *minutes = 0;
    p += strspn(p, " ");
    if (*p == '\0' || strcmp(p, "Z") == 0 || strcasecmp(p, "UTC") == 0 ||
        strcasecmp(p, "GMT") == 0) {
        return 0;
    }
    if (*p != '+' && *p != '-') {
        return -1;
    }
    sign = *p++ == '-' ? -1 : 1;
    n = read_digits(&p, 2, &hh);
    if (n == 0) {
        return -1;
    }
    if (*p == ':') {
        p++;
    }
    if (*p && read_digits(&p, 2, &mm) != 2) {
        return -1;
    }
    if (*p != '\0' || hh > 14 || mm > 59) {
        return -1;
    }
    *minutes = sign * (hh * 60 + mm);
    return 0;
}

/*
 * The time of day after the date, "( |T)hh:mm[:ss[.f]]", into *frac (d);
 * *p is moved past it. Nothing there is midnight. 0, or -1.
 */
static int parse_clock(const char **p, double *frac)
{
    const char *q = *p;
    int hh, mm;
    double ss = 0.0;
    *frac = 0.0;
    if (*q != 'T' && *q != ' ') {
        return 0;
    }
    q += *q == 'T' ? 1 : strspn(q, " ");
    if (!(*q >= '0' && *q <= '9')) {
        return 0; /* a zone after the date: "2018-01-01 +01:00" */
    }
    if (read_digits(&q, 2, &hh) == 0 || *q++ != ':' || read_digits(&q, 2, &mm) == 0) {
        return -1;
    }
    if (*q == ':') {
        char *end;
        q++;
        ss = strtod(q, &end);
        if (end == q) {
            return -1;
        }
        q = end;
    }
    if (hh > 24 || mm > 59 || !(ss >= 0.0 && ss < 61.0)) {
        return -1;
    }
    *frac = (hh + (mm + ss / 60.0) / 60.0) / 24.0;
    *p = q;
    return 0;
}

int io_cftime_parse_units(const char *u, double *unit_days, double *ref, int *zone_min)
{
    char unit[32];
    int n = 0, y, m, d;
    double frac;
    const char *p;
    zt_day day;
    char datebuf[16];

    *zone_min = 0;
    if (sscanf(u, " %31s since %n", unit, &n) != 1 || n == 0) {
        return -1;
    }
    if (strcasecmp(unit, "days") == 0 || strcasecmp(unit, "day") == 0 ||
        strcasecmp(unit, "d") == 0) {
        *unit_days = 1.0;
    } else if (strcasecmp(unit, "hours") == 0 || strcasecmp(unit, "hour") == 0 ||
               strcasecmp(unit, "h") == 0) {
        *unit_days = 1.0 / 24.0;
    } else if (strcasecmp(unit, "minutes") == 0 || strcasecmp(unit, "minute") == 0) {
        *unit_days = 1.0 / 1440.0;
    } else if (strcasecmp(unit, "seconds") == 0 || strcasecmp(unit, "second") == 0 ||
               strcasecmp(unit, "s") == 0) {
        *unit_days = 1.0 / 86400.0;
    } else {
        return -1;
    }
    p = u + n;
    n = 0;
    if (sscanf(p, "%d-%d-%d%n", &y, &m, &d, &n) != 3) {
        return -1;
    }
    snprintf(datebuf, sizeof datebuf, "%04d-%02d-%02d", y, m, d);
    if (y < 1 || y > 9999 || zt_day_parse(datebuf, &day) != 0) {
        return -1;
    }
    p += n;
    if (parse_clock(&p, &frac) != 0 || parse_zone(p, zone_min) != 0) {
        return -1;
    }
    if (*zone_min != 0) {
        return -2;
    }
    *ref = (double)day + frac;
    return 0;
}

