/*
 * io_forcing.c: meteorological forcing for a run, precipitation P and
 * Makkink reference evaporation ET0 (mm d-1), from a gridded or a station
 * NetCDF file (formats in docs/forcing.md; KNMI import in io_knmi.c).
 *
 * Gridded: P(time, y, x) and ET0(time, y, x) on the model grid (checked with
 * io_nc_read_grid, within 1 mm), units mm d-1 (also "mm/d", "mm day-1",
 * "mm/day", "mm": a daily amount is a rate in mm per day). One day is read
 * per call through io_nc_read_field at the day's time index.
 *
 * Station: CF discrete sampling geometry (featureType "timeSeries"), P and
 * ET0 (station, time), station_id, x, y in RD New (m). The run period is read
 * whole at open and checked. Each cell takes the series of its nearest
 * station:
 *     s(k) = argmin_s (xc_k - x_s)^2 + (yc_k - y_s)^2
 * (xc, yc the cell centre, m; ties: the lower station index), i.e. Thiessen
 * polygons on the cell centres.
 *
 * Days: the time coordinate is "<unit> since <date>[ <time>][ <zone>]" with
 * unit days, hours, minutes or seconds and calendar standard / gregorian /
 * proleptic_gregorian (identical after 1582); the zone must be UTC (none,
 * Z, UTC, +00:00): another offset is refused (io_cftime_parse_units says why). A time step belongs to the day
 * that contains its lower time bound when the time variable has `bounds`,
 * else the day containing its time value; so day-start, mid-day and
 * bounded end-of-day stamps all work. Days must increase, one step per day.
 *
 * Cells: mask ZT_MASK_ACTIVE cells must have valid values (no NaN, no fill,
 * within the accepted range of io_forcing.h, so no negative P or ET0 and no
 * infinity) else ZT_EINPUT; ZT_MASK_FIXED cells (fixed head: sea, lakes)
 * take the value when it is valid, else 0; inactive cells get 0. Station
 * series are held to the same ranges. Values of every numeric type are read
 * and unpacked through io_nc_read_unpacked, the path the gridded reader
 * takes too.
 */
#include "io_forcing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <netcdf.h>

#include "io_file.h"
#include "io_input.h"
#include "io_cftime.h"
#include "io_nc.h"

enum { FORCING_STATION = 1, FORCING_GRID = 2 };

struct io_forcing {
    char *path;          /* file (owned copy) */
    int kind;            /* FORCING_STATION or FORCING_GRID */
    zt_grid g;           /* model grid */
    const uint8_t *mask; /* enum zt_mask per cell (borrowed; NULL: all active) */
    zt_day first, last;  /* run period (inclusive) */
    zt_idx nday;         /* last - first + 1 */
    /* station files */
    int nstation;
    int *station_id;    /* KNMI or user station numbers (-) */
    float *sp, *se;     /* P, ET0 (mm d-1): [s * nday + (day - first)] */
    int32_t *cell_stn;  /* per cell: station index, -1 inactive */
    /* gridded files */
    const char *vars[2]; /* the variables read: P and ET0, or recharge alone */
    int nvar;            /* 2, or 1 for a recharge file */
    int signed_ok;       /* 1: negative values are valid (recharge) */
    size_t *tindex;     /* per run day: time index in the file */
    char desc[512];     /* io_forcing_describe */
};

/* ---- helpers ----------------------------------------------------------------- */

/* A text attribute into buf (NUL-terminated, trimmed at n-1): 1 if present. */
static int get_text_att(int ncid, int varid, const char *name, char *buf, size_t n)
{
    size_t len;
    nc_type t;
    char *tmp;
    buf[0] = '\0';
    if (nc_inq_att(ncid, varid, name, &t, &len) != NC_NOERR) {
        return 0;
    }
    if (t == NC_CHAR) {
        tmp = zt_malloc(len + 1);
        if (!tmp || nc_get_att_text(ncid, varid, name, tmp) != NC_NOERR) {
            zt_free(tmp);
            return 0;
        }
        tmp[len] = '\0';
        snprintf(buf, n, "%s", tmp);
        zt_free(tmp);
        return 1;
    }
    if (t == NC_STRING && len == 1) {
        char *s = NULL;
        if (nc_get_att_string(ncid, varid, name, &s) != NC_NOERR) {
            return 0;
        }
        snprintf(buf, n, "%s", s ? s : "");
        nc_free_string(1, &s);
        return 1;
    }
    return 0;
}

/* Units of P and ET0 accepted as mm per day. */
static int units_ok(const char *u)
{
    static const char *const ok[] = {"mm d-1", "mm/d", "mm day-1", "mm/day", "mm",
                                     "mm d^-1", "mm.d-1"};
    size_t i;
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (strcmp(u, ok[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static zt_status check_units(int ncid, int varid, const char *path, const char *var,
                             zt_err *err)
{
    char u[128];
    if (!get_text_att(ncid, varid, "units", u, sizeof u)) {
        return zt_fail(err, ZT_EINPUT, "%s: variable %s has no units attribute (expected mm d-1)",
                       path, var);
    }
    if (!units_ok(u)) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: variable %s has units '%s'; expected mm d-1 (or mm/d, mm day-1, mm)",
                       path, var, u);
    }
    return ZT_OK;
}

/*
 * The day of every time step of the time variable `tvar` (ntime steps), into
 * *days (returned, zt_free): the day containing the lower bound (if bounds)
 * or the value. Days must increase strictly. ZT_EINPUT naming the file.
 */
static zt_status read_days(int ncid, int tvar, const char *path, size_t ntime, zt_day **days,
                           zt_err *err)
{
    char units[256], cal[64], bname[NC_MAX_NAME + 1];
    double unit_days, ref;
    int rc, zone;
    double *v = NULL;
    zt_day *out = NULL;
    int bvar = -1;
    size_t i;
    zt_status st = ZT_OK;
    char a[11], b[11];

    *days = NULL;
    if (!get_text_att(ncid, tvar, "units", units, sizeof units)) {
        units[0] = '\0';
        rc = -1;
    } else {
        rc = io_cftime_parse_units(units, &unit_days, &ref, &zone);
    }
    if (rc == -2) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: time: units '%s': the time-zone offset %c%02d:%02d is not "
                       "supported; give the times in UTC (no offset, Z, UTC or +00:00)",
                       path, units, zone < 0 ? '-' : '+', abs(zone) / 60, abs(zone) % 60);
    }
    if (rc != 0) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: time: units '%s' not understood (expected e.g. 'days since "
                       "1970-01-01')",
                       path, units);
    }
    if (get_text_att(ncid, tvar, "calendar", cal, sizeof cal) && strcasecmp(cal, "standard") &&
        strcasecmp(cal, "gregorian") && strcasecmp(cal, "proleptic_gregorian")) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: time: calendar '%s' is not supported (use standard or "
                       "proleptic_gregorian)",
                       path, cal);
    }
    if (ntime == 0) {
        return zt_fail(err, ZT_EINPUT, "%s: the time dimension is empty", path);
    }
    if (get_text_att(ncid, tvar, "bounds", bname, sizeof bname)) {
        int nd;
        if (nc_inq_varid(ncid, bname, &bvar) != NC_NOERR ||
            nc_inq_varndims(ncid, bvar, &nd) != NC_NOERR || nd != 2) {
            return zt_fail(err, ZT_EINPUT, "%s: time: bounds variable '%s' missing or not 2-D",
                           path, bname);
        }
    }
    v = zt_malloc(ntime * 2 * sizeof *v);
    out = zt_malloc(ntime * sizeof *out);
    if (!v || !out) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory for %zu time steps", path, ntime);
        goto done;
    }
    if (bvar >= 0) {
        st = io_nc_check(nc_get_var_double(ncid, bvar, v), ZT_EINPUT, path, bname, err);
    } else {
        st = io_nc_check(nc_get_var_double(ncid, tvar, v), ZT_EINPUT, path, "time", err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    for (i = 0; i < ntime; i++) {
        double t = bvar >= 0 ? v[2 * i] : v[i];
        double dd = ref + t * unit_days;
        if (!isfinite(dd) || fabs(dd) > 3.0e6) {
            st = zt_fail(err, ZT_EINPUT, "%s: time step %zu has no valid time", path, i);
            goto done;
        }
        out[i] = (zt_day)floor(dd + 1e-6); /* 1e-6 d = 0.09 s against rounding */
        if (i > 0 && out[i] <= out[i - 1]) {
            st = zt_fail(err, ZT_EINPUT,
                         "%s: time step %zu is on %s, not after step %zu on %s (one step a "
                         "day, increasing)",
                         path, i, zt_day_format(out[i], a), i - 1, zt_day_format(out[i - 1], b));
            goto done;
        }
    }
    *days = out;
    out = NULL;
done:
    zt_free(v);
    zt_free(out);
    return st;
}

/*
 * Check that every day of [first, last] has a time step; *t0 gets the index
 * of `first` (the steps of the period are then t0 .. t0 + last - first).
 */
static zt_status find_period(const char *path, const zt_day *days, size_t ntime, zt_day first,
                             zt_day last, size_t *t0, zt_err *err)
{
    size_t i = 0;
    zt_day d;
    char a[11], b[11], c[11];
    for (d = first; d <= last; d++) {
        while (i < ntime && days[i] < d) {
            i++;
        }
        if (i >= ntime || days[i] != d) {
            return zt_fail(err, ZT_EINPUT, "%s: no forcing for %s (file covers %s to %s)", path,
                           zt_day_format(d, a), zt_day_format(days[0], b),
                           zt_day_format(days[ntime - 1], c));
        }
        if (d == first) {
            *t0 = i;
        }
    }
    return ZT_OK;
}

/* The time variable of a dimension: the coordinate variable of that name. */
static zt_status time_var_of_dim(int ncid, int dim, const char *path, int *tvar, size_t *ntime,
                                 zt_err *err)
{
    char name[NC_MAX_NAME + 1];
    zt_status st;
    st = io_nc_check(nc_inq_dim(ncid, dim, name, ntime), ZT_EINPUT, path, "time dimension", err);
    if (st != ZT_OK) {
        return st;
    }
    if (nc_inq_varid(ncid, name, tvar) != NC_NOERR) {
        return zt_fail(err, ZT_EINPUT, "%s: no coordinate variable for the time dimension '%s'",
                       path, name);
    }
    return ZT_OK;
}

zt_status io_forcing_read_series(const char *path, const char *var, const char *units,
                                 zt_day first, zt_day last, double *out, zt_err *err)
{
    int ncid = -1, vid, nd, dim, tvar;
    size_t ntime = 0, t0 = 0, n = (size_t)(last - first + 1);
    zt_day *days = NULL;
    zt_status st;
    char u[64];

    st = io_input_check(path, "the series file", ZT_EINPUT, err);
    if (st == ZT_OK) {
        st = io_nc_check(nc_open(path, NC_NOWRITE, &ncid), ZT_EINPUT, path, "open", err);
    }
    if (st != ZT_OK) {
        return st;
    }
    if (nc_inq_varid(ncid, var, &vid) != NC_NOERR) {
        st = zt_fail(err, ZT_EINPUT, "%s: variable '%s' not found", path, var);
        goto done;
    }
    if (nc_inq_varndims(ncid, vid, &nd) != NC_NOERR || nd != 1 ||
        nc_inq_vardimid(ncid, vid, &dim) != NC_NOERR) {
        st = zt_fail(err, ZT_EINPUT, "%s: variable '%s': expected one dimension (time)", path,
                     var);
        goto done;
    }
    if (units && get_text_att(ncid, vid, "units", u, sizeof u) && strcmp(u, units) != 0) {
        st = zt_fail(err, ZT_EINPUT, "%s: variable '%s': units '%s', expected '%s'", path, var, u,
                     units);
        goto done;
    }
    st = time_var_of_dim(ncid, dim, path, &tvar, &ntime, err);
    if (st == ZT_OK) {
        st = read_days(ncid, tvar, path, ntime, &days, err);
    }
    if (st == ZT_OK) {
        st = find_period(path, days, ntime, first, last, &t0, err);
    }
    if (st == ZT_OK) {
        size_t start = t0, count = n;
        st = io_nc_read_unpacked(ncid, vid, path, var, &start, &count, out, err);
    }
    for (size_t i = 0; st == ZT_OK && i < n; i++) {
        if (!(out[i] >= 0.0) || !isfinite(out[i])) {
            char a[11];
            st = zt_fail(err, ZT_EINPUT, "%s: %s on %s = %g (must be finite and >= 0)", path, var,
                         zt_day_format(first + (zt_day)i, a), out[i]);
        }
    }
done:
    zt_free(days);
    nc_close(ncid);
    return st;
}

zt_status io_forcing_check_period(const char *path, const char *var, zt_day first, zt_day last,
                                  zt_err *err)
{
    int ncid = -1, vid, nd, dims[NC_MAX_VAR_DIMS], tvar;
    size_t ntime = 0, t0 = 0;
    zt_day *days = NULL;
    zt_status st = io_input_check(path, "the forcing file", ZT_EINPUT, err);
    if (st == ZT_OK) {
        st = io_nc_check(nc_open(path, NC_NOWRITE, &ncid), ZT_EINPUT, path,
                         "cannot open the forcing file", err);
    }
    if (st != ZT_OK) {
        return st;
    }
    if (nc_inq_varid(ncid, var, &vid) != NC_NOERR) {
        st = zt_fail(err, ZT_EINPUT, "%s: no variable %s", path, var);
    } else {
        st = io_nc_check(nc_inq_var(ncid, vid, NULL, NULL, &nd, dims, NULL), ZT_EINPUT, path, var,
                         err);
    }
    if (st == ZT_OK && nd != 2 && nd != 3) {
        st = zt_fail(err, ZT_EINPUT,
                     "%s: variable %s has %d dimensions; expected (station, time) or (time, y, x)",
                     path, var, nd);
    }
    if (st == ZT_OK) {
        st = time_var_of_dim(ncid, nd == 2 ? dims[1] : dims[0], path, &tvar, &ntime, err);
    }
    if (st == ZT_OK) {
        st = read_days(ncid, tvar, path, ntime, &days, err);
    }
    if (st == ZT_OK) {
        st = find_period(path, days, ntime, first, last, &t0, err);
    }
    zt_free(days);
    nc_close(ncid);
    return st;
}

static int cell_active(const io_forcing *f, zt_idx k)
{
    return !f->mask || f->mask[k] == ZT_MASK_ACTIVE;
}

/* ---- station files ------------------------------------------------------------ */

/*
 * The accepted range of a forcing variable (mm d-1): io_forcing.h, the
 * reasons in docs/inputs.md.
 */
static void var_range(const char *var, double *lo, double *hi)
{
    if (strcmp(var, "recharge") == 0) {
        *lo = IO_RECHARGE_MIN;
        *hi = IO_RECHARGE_MAX;
    } else if (strcmp(var, "ET0") == 0) {
        *lo = 0.0;
        *hi = IO_ET0_MAX;
    } else {
        *lo = 0.0;
        *hi = IO_P_MAX;
    }
}

/*
 * Why value v (mm d-1) is refused, into why (size n), or NULL when it is
 * accepted: missing (NaN: a fill or NaN in the file), negative (P, ET0),
 * or outside the accepted range [lo, hi] of its variable (var_range; +-Inf
 * included). The range is looked up once a field, not once a value.
 */
static const char *value_problem(double lo, double hi, double v, char *why, size_t n)
{
    if (v >= lo && v <= hi) {
        return NULL;
    }
    if (isnan(v)) {
        snprintf(why, n, "missing (NaN or _FillValue)");
    } else if (v < 0.0 && lo == 0.0) {
        snprintf(why, n, "negative (%g mm d-1)", v);
    } else {
        snprintf(why, n, "%g mm d-1, outside the accepted range [%g, %g] mm d-1", v, lo, hi);
    }
    return why;
}

/*
 * Read variable var (varid; station, time) of a station file for the run
 * period (from time index t0), unpacked whatever its type (io_nc.h), check
 * every value and store it as float in dst ([s * nday + day]).
 */
static zt_status read_station_var(io_forcing *f, int ncid, int varid, const char *var,
                                  size_t t0, float *dst, zt_err *err)
{
    size_t start[2] = {0, t0};
    size_t count[2] = {(size_t)f->nstation, (size_t)f->nday};
    size_t n = count[0] * count[1], i;
    double *v = zt_malloc(n * sizeof *v);
    zt_status st;
    char why[128], a[11];
    double lo, hi;

    if (!v) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory for %s", f->path, var);
    }
    var_range(var, &lo, &hi);
    st = io_nc_read_unpacked(ncid, varid, f->path, var, start, count, v, err);
    for (i = 0; st == ZT_OK && i < n; i++) {
        if (value_problem(lo, hi, v[i], why, sizeof why)) {
            st = zt_fail(err, ZT_EINPUT, "%s: %s of station %d on %s is %s", f->path, var,
                         f->station_id[i / count[1]],
                         zt_day_format(f->first + (zt_day)(i % count[1]), a), why);
        }
        dst[i] = (float)v[i];
    }
    zt_free(v);
    return st;
}

static zt_status open_station(io_forcing *f, int ncid, zt_err *err)
{
    const char *path = f->path;
    int dst, vp, ve, vid, vx, vy, tvar = -1, dims[NC_MAX_VAR_DIMS], nd;
    size_t ns, ntime, t0 = 0;
    zt_day *days = NULL;
    double *x = NULL, *y = NULL;
    zt_status st = ZT_OK;
    const char *vars[2] = {"P", "ET0"};
    int vv[2];
    int q, s;
    zt_idx k;

    if (nc_inq_dimid(ncid, "station", &dst) != NC_NOERR) {
        return zt_fail(err, ZT_EINPUT, "%s: station file without a 'station' dimension", path);
    }
    st = io_nc_check(nc_inq_dimlen(ncid, dst, &ns), ZT_EINPUT, path, "station dimension", err);
    if (st != ZT_OK) {
        return st;
    }
    if (ns == 0 || ns > 100000) {
        return zt_fail(err, ZT_EINPUT, "%s: %zu stations", path, ns);
    }
    for (q = 0; q < 2; q++) {
        if (nc_inq_varid(ncid, vars[q], &vv[q]) != NC_NOERR) {
            return zt_fail(err, ZT_EINPUT, "%s: no variable %s", path, vars[q]);
        }
        st = io_nc_check(nc_inq_var(ncid, vv[q], NULL, NULL, &nd, dims, NULL), ZT_EINPUT, path,
                         vars[q], err);
        if (st != ZT_OK) {
            return st;
        }
        if (nd != 2 || dims[0] != dst) {
            return zt_fail(err, ZT_EINPUT, "%s: variable %s must have dimensions (station, time)",
                           path, vars[q]);
        }
        if (q == 1 && dims[1] != tvar) {
            /* tvar holds the time dimension id of P here */
            return zt_fail(err, ZT_EINPUT, "%s: P and ET0 have different time dimensions", path);
        }
        if (q == 0) {
            tvar = dims[1];
        }
        st = check_units(ncid, vv[q], path, vars[q], err);
        if (st != ZT_OK) {
            return st;
        }
    }
    vp = vv[0];
    ve = vv[1];
    st = time_var_of_dim(ncid, tvar, path, &tvar, &ntime, err);
    if (st == ZT_OK) {
        st = read_days(ncid, tvar, path, ntime, &days, err);
    }
    if (st == ZT_OK) {
        st = find_period(path, days, ntime, f->first, f->last, &t0, err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    if (nc_inq_varid(ncid, "station_id", &vid) != NC_NOERR ||
        nc_inq_varid(ncid, "x", &vx) != NC_NOERR || nc_inq_varid(ncid, "y", &vy) != NC_NOERR) {
        st = zt_fail(err, ZT_EINPUT,
                     "%s: station file needs the variables station_id, x and y (RD New, m)",
                     path);
        goto done;
    }
    {
        char u[32];
        if (!get_text_att(ncid, vx, "units", u, sizeof u) || strcmp(u, "m") != 0 ||
            !get_text_att(ncid, vy, "units", u, sizeof u) || strcmp(u, "m") != 0) {
            st = zt_fail(err, ZT_EINPUT, "%s: station x and y must be RD New metres (units m)",
                         path);
            goto done;
        }
    }
    f->nstation = (int)ns;
    f->station_id = zt_malloc(ns * sizeof *f->station_id);
    x = zt_malloc(ns * sizeof *x);
    y = zt_malloc(ns * sizeof *y);
    f->sp = zt_malloc(ns * (size_t)f->nday * sizeof *f->sp);
    f->se = zt_malloc(ns * (size_t)f->nday * sizeof *f->se);
    f->cell_stn = zt_malloc((size_t)zt_grid_ncell(&f->g) * sizeof *f->cell_stn);
    if (!f->station_id || !x || !y || !f->sp || !f->se || !f->cell_stn) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory for %zu stations x %lld days", path, ns,
                     (long long)f->nday);
        goto done;
    }
    st = io_nc_check(nc_get_var_int(ncid, vid, f->station_id), ZT_EINPUT, path, "station_id",
                     err);
    if (st == ZT_OK) {
        st = io_nc_check(nc_get_var_double(ncid, vx, x), ZT_EINPUT, path, "x", err);
    }
    if (st == ZT_OK) {
        st = io_nc_check(nc_get_var_double(ncid, vy, y), ZT_EINPUT, path, "y", err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    for (s = 0; s < (int)ns; s++) {
        if (!isfinite(x[s]) || !isfinite(y[s]) || fabs(x[s]) > 1e7 || fabs(y[s]) > 1e7) {
            st = zt_fail(err, ZT_EINPUT, "%s: station %d has no valid x/y", path,
                         f->station_id[s]);
            goto done;
        }
    }
    st = read_station_var(f, ncid, vp, "P", t0, f->sp, err);
    if (st == ZT_OK) {
        st = read_station_var(f, ncid, ve, "ET0", t0, f->se, err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    /* nearest station of every cell; ties keep the lower index (strict <) */
    for (k = 0; k < zt_grid_ncell(&f->g); k++) {
        double xc = f->g.x0 + ((double)(k % f->g.nx) + 0.5) * f->g.dx; /* m */
        double yc = f->g.y0 + ((double)(k / f->g.nx) + 0.5) * f->g.dx; /* m */
        double best = 0.0;
        int bs = -1;
        if (f->mask && f->mask[k] == ZT_MASK_INACTIVE) {
            f->cell_stn[k] = -1;
            continue;
        }
        for (s = 0; s < (int)ns; s++) {
            double d2 = (xc - x[s]) * (xc - x[s]) + (yc - y[s]) * (yc - y[s]);
            if (bs < 0 || d2 < best) {
                bs = s;
                best = d2;
            }
        }
        f->cell_stn[k] = bs;
    }
    {
        size_t len;
        snprintf(f->desc, sizeof f->desc, "stations");
        for (s = 0; s < (int)ns; s++) {
            len = strlen(f->desc);
            if (len + 16 >= sizeof f->desc - 64) {
                snprintf(f->desc + len, sizeof f->desc - len, " ...");
                break;
            }
            snprintf(f->desc + len, sizeof f->desc - len, " %d", f->station_id[s]);
        }
        len = strlen(f->desc);
        snprintf(f->desc + len, sizeof f->desc - len, ", nearest station");
    }
done:
    zt_free(days);
    zt_free(x);
    zt_free(y);
    return st;
}

/* ---- gridded files ---------------------------------------------------------------- */

static zt_status open_grid(io_forcing *f, int ncid, zt_err *err)
{
    const char *path = f->path;
    const char *const *vars = f->vars;
    int q, tdim = -1, tvar, nd, dims[NC_MAX_VAR_DIMS], varid;
    size_t ntime, t0 = 0;
    zt_day *days = NULL;
    zt_status st = ZT_OK;
    zt_idx k;

    for (q = 0; q < f->nvar; q++) {
        zt_grid fg;
        int ydesc = 0;
        if (nc_inq_varid(ncid, vars[q], &varid) != NC_NOERR) {
            return zt_fail(err, ZT_EINPUT, "%s: no variable %s (expected %s(time, y, x))", path,
                           vars[q], vars[q]);
        }
        st = io_nc_check(nc_inq_var(ncid, varid, NULL, NULL, &nd, dims, NULL), ZT_EINPUT, path,
                         vars[q], err);
        if (st != ZT_OK) {
            return st;
        }
        if (nd != 3) {
            return zt_fail(err, ZT_EINPUT, "%s: variable %s has %d dimensions; expected (time, "
                                           "y, x)",
                           path, vars[q], nd);
        }
        if (q == 1 && dims[0] != tdim) {
            return zt_fail(err, ZT_EINPUT, "%s: P and ET0 have different time dimensions", path);
        }
        tdim = dims[0];
        st = check_units(ncid, varid, path, vars[q], err);
        if (st == ZT_OK) {
            st = io_nc_read_grid(ncid, varid, path, &fg, &ydesc, err);
        }
        if (st != ZT_OK) {
            return st;
        }
        if (fg.nx != f->g.nx || fg.ny != f->g.ny || fabs(fg.x0 - f->g.x0) > 1e-3 ||
            fabs(fg.y0 - f->g.y0) > 1e-3 || fabs(fg.dx - f->g.dx) > 1e-3) {
            return zt_fail(err, ZT_EINPUT,
                           "%s: %s: grid differs from the model grid (file %lld x %lld cells "
                           "of %g m from x0 %g, y0 %g m; model %lld x %lld of %g m from %g, %g)",
                           path, vars[q], (long long)fg.nx, (long long)fg.ny, fg.dx, fg.x0,
                           fg.y0, (long long)f->g.nx, (long long)f->g.ny, f->g.dx, f->g.x0,
                           f->g.y0);
        }
    }
    st = time_var_of_dim(ncid, tdim, path, &tvar, &ntime, err);
    if (st == ZT_OK) {
        st = read_days(ncid, tvar, path, ntime, &days, err);
    }
    if (st == ZT_OK) {
        st = find_period(path, days, ntime, f->first, f->last, &t0, err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    f->tindex = zt_malloc((size_t)f->nday * sizeof *f->tindex);
    if (!f->tindex) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (k = 0; k < f->nday; k++) {
        f->tindex[k] = t0 + (size_t)k;
    }
    snprintf(f->desc, sizeof f->desc, "gridded %s (%lld x %lld cells)",
             f->nvar == 2 ? "P and ET0" : vars[0], (long long)f->g.nx, (long long)f->g.ny);
done:
    zt_free(days);
    return st;
}

/* ---- public -------------------------------------------------------------------------- */

static zt_status forcing_open(const char *path, const zt_grid *g, const uint8_t *mask,
                             zt_day first, zt_day last, int recharge, io_forcing **out,
                             zt_err *err)
{
    io_forcing *f = NULL;
    int ncid = -1, dst;
    zt_status st = ZT_OK;
    char ft[64];
    char a[11], b[11];

    *out = NULL;
    if (first > last) {
        return zt_fail(err, ZT_EINPUT, "%s: empty run period %s to %s", path,
                       zt_day_format(first, a), zt_day_format(last, b));
    }
    f = zt_calloc(1, sizeof *f);
    if (!f) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    f->path = zt_malloc(strlen(path) + 1);
    if (!f->path) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    strcpy(f->path, path);
    f->g = *g;
    f->mask = mask;
    f->vars[0] = recharge ? "recharge" : "P";
    f->vars[1] = recharge ? NULL : "ET0";
    f->nvar = recharge ? 1 : 2;
    f->signed_ok = recharge;
    f->first = first;
    f->last = last;
    f->nday = (zt_idx)(last - first) + 1;

    st = io_input_check(path, recharge ? "the recharge file" : "the forcing file", ZT_EINPUT,
                        err);
    if (st == ZT_OK) {
        st = io_nc_check(nc_open(path, NC_NOWRITE, &ncid), ZT_EINPUT, path,
                         "cannot open the forcing file", err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    if ((get_text_att(ncid, NC_GLOBAL, "featureType", ft, sizeof ft) &&
         strcasecmp(ft, "timeSeries") == 0) ||
        nc_inq_dimid(ncid, "station", &dst) == NC_NOERR) {
        f->kind = FORCING_STATION;
        if (recharge) {
            st = zt_fail(err, ZT_EINPUT, "%s: a recharge file must be gridded: "
                         "recharge(time, y, x), not station series", path);
            goto done;
        }
        st = open_station(f, ncid, err);
    } else {
        f->kind = FORCING_GRID;
        st = open_grid(f, ncid, err);
    }
    if (st == ZT_OK) {
        size_t len = strlen(f->desc);
        snprintf(f->desc + len, sizeof f->desc - len, ", %s", path);
    }
done:
    if (ncid >= 0) {
        nc_close(ncid);
    }
    if (st != ZT_OK) {
        io_forcing_destroy(&f);
    }
    *out = f;
    return st;
}

zt_status io_forcing_open(const char *path, const zt_grid *g, const uint8_t *mask, zt_day first,
                          zt_day last, io_forcing **out, zt_err *err)
{
    return forcing_open(path, g, mask, first, last, 0, out, err);
}

zt_status io_forcing_open_recharge(const char *path, const zt_grid *g, const uint8_t *mask,
                                   zt_day first, zt_day last, io_forcing **out, zt_err *err)
{
    return forcing_open(path, g, mask, first, last, 1, out, err);
}

/* Check one gridded field of a day: see the file comment for the cell rules. */
static zt_status check_field(const io_forcing *f, const char *var, zt_day day, float *v,
                             zt_err *err)
{
    zt_idx k, n = zt_grid_ncell(&f->g);
    char a[11], why[128];
    double lo, hi;
    var_range(var, &lo, &hi);
    for (k = 0; k < n; k++) {
        const char *bad = value_problem(lo, hi, v[k], why, sizeof why);
        if (f->mask && f->mask[k] == ZT_MASK_INACTIVE) {
            v[k] = 0.0f;
        } else if (bad && cell_active(f, k)) {
            zt_idx i = k % f->g.nx, j = k / f->g.nx;
            return zt_fail(err, ZT_EINPUT,
                           "%s: %s on %s at row %lld, column %lld (x %.0f, y %.0f m; row 0 is "
                           "the south edge): %s",
                           f->path, var, zt_day_format(day, a), (long long)j, (long long)i,
                           f->g.x0 + ((double)i + 0.5) * f->g.dx,
                           f->g.y0 + ((double)j + 0.5) * f->g.dx, bad);
        } else if (bad) {
            v[k] = 0.0f; /* fixed-head cell without a valid value */
        }
    }
    return ZT_OK;
}

zt_status io_forcing_read_day(io_forcing *f, zt_day day, float *p, float *et0, zt_err *err)
{
    zt_idx k, n = zt_grid_ncell(&f->g), t;
    zt_status st;
    char a[11], b[11], c[11];

    if (day < f->first || day > f->last) {
        return zt_fail(err, ZT_EINPUT, "%s: no forcing for %s (opened for %s to %s)", f->path,
                       zt_day_format(day, a), zt_day_format(f->first, b),
                       zt_day_format(f->last, c));
    }
    t = (zt_idx)(day - f->first);
    if (f->kind == FORCING_STATION) {
        for (k = 0; k < n; k++) {
            int s = f->cell_stn[k];
            p[k] = s < 0 ? 0.0f : f->sp[(zt_idx)s * f->nday + t];
            et0[k] = s < 0 ? 0.0f : f->se[(zt_idx)s * f->nday + t];
        }
        return ZT_OK;
    }
    st = io_nc_read_field(f->path, f->vars[0], &f->g, NULL, f->tindex[t], p, err);
    if (st == ZT_OK && f->nvar == 2) {
        st = io_nc_read_field(f->path, f->vars[1], &f->g, NULL, f->tindex[t], et0, err);
    }
    if (st != ZT_OK) {
        zt_err_prefix(err, "forcing of %s: ", zt_day_format(day, a));
        return st;
    }
    st = check_field(f, f->vars[0], day, p, err);
    if (st == ZT_OK && f->nvar == 2) {
        st = check_field(f, f->vars[1], day, et0, err);
    }
    return st;
}

const char *io_forcing_describe(const io_forcing *f)
{
    return f ? f->desc : "(no forcing)";
}

void io_forcing_destroy(io_forcing **f)
{
    if (!f || !*f) {
        return;
    }
    zt_free((*f)->path);
    zt_free((*f)->station_id);
    zt_free((*f)->sp);
    zt_free((*f)->se);
    zt_free((*f)->cell_stn);
    zt_free((*f)->tindex);
    zt_free(*f);
    *f = NULL;
}

/* ---- writing gridded forcing ---------------------------------------------------------- */

#define NCOK(call, what)                                                                       \
    do {                                                                                       \
        st = io_nc_check((call), ZT_EIO, part, (what), err);                                   \
        if (st != ZT_OK) {                                                                     \
            goto done;                                                                         \
        }                                                                                      \
    } while (0)

zt_status io_forcing_write_grid(const char *path, const zt_grid *g, zt_day first, zt_idx ndays,
                                const float *p, const float *et0, zt_err *err)
{
    char part[4096];
    int ncid = -1, dimy, dimx, dimt, dimnv, vt, vtb, vv[2], dims[3], q;
    zt_idx n = zt_grid_ncell(g), d, k;
    float *buf = NULL;
    const float fill = -9999.0f;
    zt_status st = ZT_OK;
    static const char *const names[2] = {"P", "ET0"};
    static const char *const longn[2] = {"daily precipitation",
                                         "Makkink reference crop evaporation"};

    io_part_path(path, part, sizeof part);
    if (ndays <= 0) {
        return zt_fail(err, ZT_EINPUT, "%s: no days to write", path);
    }
    buf = zt_malloc((size_t)n * sizeof *buf);
    if (!buf) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    NCOK(nc_create(part, NC_NETCDF4 | NC_CLOBBER, &ncid), "cannot create");
    st = io_nc_def_grid(ncid, g, part, &dimy, &dimx, err);
    if (st != ZT_OK) {
        goto done;
    }
    NCOK(nc_def_dim(ncid, "time", NC_UNLIMITED, &dimt), "defining dimension time");
    NCOK(nc_inq_dimid(ncid, "nv", &dimnv), "dimension nv");
    st = io_cftime_define(ncid, dimt, dimnv, 0, "start of the day (00 UT)", part, &vt, &vtb,
                          err);
    if (st != ZT_OK) {
        goto done;
    }
    dims[0] = dimt;
    dims[1] = dimy;
    dims[2] = dimx;
    for (q = 0; q < 2; q++) {
        size_t chunk[3] = {1, (size_t)g->ny, (size_t)g->nx};
        NCOK(nc_def_var(ncid, names[q], NC_FLOAT, 3, dims, &vv[q]), names[q]);
        NCOK(nc_def_var_chunking(ncid, vv[q], NC_CHUNKED, chunk), names[q]);
        NCOK(nc_def_var_deflate(ncid, vv[q], 1, 1, 4), names[q]);
        NCOK(nc_def_var_fill(ncid, vv[q], 0, &fill), names[q]);
        NCOK(io_nc_put_text(ncid, vv[q], "long_name", longn[q]), names[q]);
        NCOK(io_nc_put_text(ncid, vv[q], "units", "mm d-1"), names[q]);
        NCOK(io_nc_put_text(ncid, vv[q], "grid_mapping", "crs"), names[q]);
        NCOK(io_nc_put_text(ncid, vv[q], "cell_methods", "time: mean"), names[q]);
    }
    NCOK(io_nc_put_text(ncid, vv[0], "standard_name", "lwe_precipitation_rate"), "P");
    st = io_nc_put_global(ncid, part, "zoet gridded forcing: P and ET0", NULL, err);
    if (st != ZT_OK) {
        goto done;
    }
    NCOK(nc_enddef(ncid), "leaving define mode");
    st = io_nc_put_grid(ncid, g, part, err);
    if (st != ZT_OK) {
        goto done;
    }
    for (d = 0; d < ndays; d++) {
        size_t s1 = (size_t)d;
        size_t start[3] = {(size_t)d, 0, 0};
        size_t count[3] = {1, (size_t)g->ny, (size_t)g->nx};
        size_t bstart[2] = {(size_t)d, 0}, bcount[2] = {1, 2};
        double tv = (double)(first + (zt_day)d);
        double tb[2] = {tv, tv + 1.0};
        NCOK(nc_put_var1_double(ncid, vt, &s1, &tv), "writing time");
        NCOK(nc_put_vara_double(ncid, vtb, bstart, bcount, tb), "writing time_bnds");
        for (q = 0; q < 2; q++) {
            const float *src = (q == 0 ? p : et0) + d * n;
            for (k = 0; k < n; k++) {
                buf[k] = isnan(src[k]) ? fill : src[k];
            }
            NCOK(nc_put_vara_float(ncid, vv[q], start, count, buf), names[q]);
        }
    }
done:
    st = io_nc_close_part(ncid, path, st, err);
    zt_free(buf);
    return st;
}
