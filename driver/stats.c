/*
 * stats.c: `zoet stats RUN_DIR` (stats.h; docs/table.md).
 */
#include "stats.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_stats.h"
#include "io_file.h"
#include "io_results.h"
#include "io_stations.h"

#define SUMMER_DAYS 183 /* 1 April - 30 September */

static const char *const provinces[3] = {"groningen", "fryslan", "drenthe"};

void drv_stats_free(drv_stats *s)
{
    for (int i = 0; i < s->nser; i++) {
        zt_free(s->ser[i].v);
    }
    zt_free(s->ser);
    memset(s, 0, sizeof *s);
}

/* A new series, all NaN; NULL when out of memory. */
static drv_series *add(drv_stats *s, const char *stat, const char *area, const char *cls,
                       const char *unit, int dir)
{
    drv_series *n = zt_realloc(s->ser, ((size_t)s->nser + 1) * sizeof *n);
    if (!n) {
        return NULL;
    }
    s->ser = n;
    drv_series *x = &s->ser[s->nser];
    memset(x, 0, sizeof *x);
    x->v = zt_malloc((size_t)s->ny * sizeof *x->v);
    if (!x->v) {
        return NULL;
    }
    s->nser++;
    snprintf(x->stat, sizeof x->stat, "%s", stat);
    snprintf(x->area, sizeof x->area, "%s", area);
    snprintf(x->cls, sizeof x->cls, "%s", cls);
    snprintf(x->unit, sizeof x->unit, "%s", unit);
    x->dir = dir;
    for (int y = 0; y < s->ny; y++) {
        x->v[y] = NAN;
    }
    return x;
}

const drv_series *drv_stats_find(const drv_stats *s, const char *stat, const char *area,
                                 const char *cls)
{
    for (int i = 0; i < s->nser; i++) {
        const drv_series *x = &s->ser[i];
        if (strcmp(x->stat, stat) == 0 && strcmp(x->area, area) == 0 && strcmp(x->cls, cls) == 0) {
            return x;
        }
    }
    return NULL;
}

double drv_stats_value(const drv_stats *s, const drv_series *x, int y)
{
    return x && y >= s->y0 && y < s->y0 + s->ny ? x->v[y - s->y0] : NAN;
}

static zt_status nomem(zt_err *err)
{
    return zt_fail(err, ZT_ENOMEM, "zoet stats: out of memory");
}

/* The deficit of one station (or the mean, i < 0) in every year. */
static zt_status deficit_series(drv_stats *s, const io_stations *f, int i, zt_err *err)
{
    char area[40];
    double p[SUMMER_DAYS], e[SUMMER_DAYS];
    snprintf(area, sizeof area, i < 0 ? "north" : "station %d", i < 0 ? 0 : f->id[i]);
    drv_series *x = add(s, "deficit_max_apr_sep", area, "", "mm", +1);
    if (!x) {
        return nomem(err);
    }
    for (int y = 0; y < s->ny; y++) {
        const long k0 = (long)(zt_day_from_ymd(s->y0 + y, 4, 1) - f->first);
        if (k0 < 0 || k0 + SUMMER_DAYS > f->nd) {
            return zt_fail(err, ZT_EINPUT,
                           "%s: the forcing does not cover 1 April - 30 September %d of the run",
                           s->forcing, s->y0 + y);
        }
        for (int k = 0; k < SUMMER_DAYS; k++) {
            const int a = i < 0 ? 0 : i, b = i < 0 ? f->ns : i + 1;
            p[k] = e[k] = 0.0;
            for (int j = a; j < b; j++) {
                p[k] += f->p[(size_t)j * (size_t)f->nd + (size_t)(k0 + k)] / (double)(b - a);
                e[k] += f->et0[(size_t)j * (size_t)f->nd + (size_t)(k0 + k)] / (double)(b - a);
            }
        }
        x->v[y] = core_stats_deficit_max(p, e, SUMMER_DAYS);
    }
    return ZT_OK;
}

static zt_status deficits(drv_stats *s, zt_err *err)
{
    io_stations f;
    if (!s->forcing[0]) {
        return ZT_OK; /* a run on recharge: no precipitation deficit */
    }
    zt_status st = io_stations_read(s->forcing, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    st = deficit_series(s, &f, -1, err);
    for (int i = 0; st == ZT_OK && i < f.ns; i++) {
        st = deficit_series(s, &f, i, err);
    }
    io_stations_free(&f);
    return st;
}

static int exists(const char *dir, const char *name, char *path, size_t n)
{
    io_path_join(dir, name, path, n);
    return access(path, F_OK) == 0;
}

/* Series of stat from t (read from path): value x scale; areas in lower
 * case. Every key has in every year the rows of a complete run: one a day
 * (need_summer 0), one a day of April-September (1), or one (-1); other
 * counts (a truncated or edited table) are ZT_EINPUT naming the file. */
static zt_status from_table(drv_stats *s, const io_ytab *t, const char *path, const char *stat,
                            const char *unit, int dir, double scale, int need_summer, zt_err *err)
{
    for (int k = 0; k < t->nkey; k++) {
        char area[40];
        snprintf(area, sizeof area, "%s", t->area[k]);
        for (char *c = area; *c; c++) {
            *c = (char)tolower((unsigned char)*c);
        }
        drv_series *x = add(s, stat, area, t->cls[k], unit, dir);
        if (!x) {
            return nomem(err);
        }
        for (int y = 0; y < s->ny; y++) {
            const int yr = s->y0 + y;
            const double year_days = (double)(zt_day_from_ymd(yr + 1, 1, 1) - zt_day_from_ymd(yr, 1, 1));
            const double need = need_summer < 0 ? 1.0 : need_summer ? SUMMER_DAYS : year_days;
            const double d = t->days[(size_t)k * (size_t)t->ny + (size_t)y];
            if (d != need) {
                return zt_fail(err, ZT_EINPUT,
                               "%s: %s%s%s has %g row(s) in %d, expected %g (%s): a truncated or "
                               "edited table, or not this run's",
                               path, t->area[k], t->cls[k][0] ? " class " : "", t->cls[k], d, yr,
                               need, need_summer < 0 ? "one a year"
                                     : need_summer ? "one a day of April-September" : "one a day");
            }
            x->v[y] = scale * t->v[(size_t)k * (size_t)t->ny + (size_t)y];
        }
    }
    return ZT_OK;
}

/* Class 3-4 of every area, and `north` of every class, from the shortage
 * series of the provinces. */
static zt_status shortage_sums(drv_stats *s, zt_err *err)
{
    const int n0 = s->nser;
    for (int i = 0; i < n0; i++) {
        const drv_series *a = &s->ser[i];
        if (strcmp(a->stat, "shortage") != 0 || strcmp(a->area, "groningen") != 0) {
            continue;
        }
        char cls[16]; /* a copy: add() moves s->ser */
        snprintf(cls, sizeof cls, "%s", a->cls);
        drv_series *x = add(s, "shortage", "north", cls, "Mm3", +1);
        if (!x) {
            return nomem(err);
        }
        for (int y = 0; y < s->ny; y++) {
            x->v[y] = 0.0;
            for (int p = 0; p < 3; p++) {
                const drv_series *q = drv_stats_find(s, "shortage", provinces[p], x->cls);
                x->v[y] += q ? q->v[y] : NAN;
            }
        }
    }
    const int n1 = s->nser;
    for (int i = 0; i < n1; i++) {
        if (strcmp(s->ser[i].stat, "shortage") != 0 || strcmp(s->ser[i].cls, "3") != 0) {
            continue;
        }
        char area[40];
        snprintf(area, sizeof area, "%s", s->ser[i].area);
        drv_series *x = add(s, "shortage", area, "3-4", "Mm3", +1);
        if (!x) {
            return nomem(err);
        }
        /* found after add(), which moves s->ser */
        const drv_series *c3 = drv_stats_find(s, "shortage", area, "3");
        const drv_series *c4 = drv_stats_find(s, "shortage", area, "4");
        for (int y = 0; y < s->ny; y++) {
            x->v[y] = c3->v[y] + (c4 ? c4->v[y] : NAN);
        }
    }
    return ZT_OK;
}

/* One table of the run into series (absent file: nothing). */
static zt_status table(drv_stats *s, const char *dir, const char *name, const io_yt_spec *sp,
                       const char *stat, const char *unit, int dir_, double scale, int need,
                       zt_err *err)
{
    char path[4096];
    io_ytab t;
    if (!exists(dir, name, path, sizeof path)) {
        return ZT_OK;
    }
    zt_status st = io_results_yearly(path, sp, s->y0, s->ny, &t, err);
    if (st == ZT_OK) {
        st = from_table(s, &t, path, stat, unit, dir_, scale, need, err);
        io_ytab_free(&t);
    }
    return st;
}

static zt_status tables(drv_stats *s, const char *dir, zt_err *err)
{
    const io_yt_spec sh = {"date", "province", "class", "shortage", IO_YT_SUM, 1, 12};
    const io_yt_spec peat = {"year", "province", NULL, "share_20_40cm", IO_YT_SUM, 1, 12};
    const io_yt_spec lev = {"date", "lake", NULL, "level", IO_YT_MIN, 4, 9};
    const io_yt_spec buf = {"date", "lake", NULL, "buffer", IO_YT_MIN, 4, 9};
    zt_status st = table(s, dir, "supply_regions.csv", &sh, "shortage", "Mm3", +1, 1e-6, 0, err);
    if (st == ZT_OK) {
        st = shortage_sums(s, err);
    }
    if (st == ZT_OK) {
        st = table(s, dir, "peat_years.csv", &peat, "peat_share_20_40cm", "1", -1, 1.0, -1, err);
    }
    if (st == ZT_OK) {
        st = table(s, dir, "lake.csv", &lev, "lake_min_level_apr_sep", "m NAP", -1, 1.0, 1, err);
    }
    if (st == ZT_OK) {
        st = table(s, dir, "lake.csv", &buf, "lake_min_buffer_apr_sep", "Mm3", -1, 1.0, 1, err);
    }
    return st;
}

/* The average and the 1-in-10 dry year by the deficit of `north`. */
static void representative(drv_stats *s)
{
    const drv_series *d = drv_stats_find(s, "deficit_max_apr_sep", "north", "");
    if (!d) {
        return;
    }
    const int a = core_stats_closest(d->v, s->ny, core_stats_return_value(d->v, s->ny, +1, 2.0));
    const int b = core_stats_closest(d->v, s->ny, core_stats_return_value(d->v, s->ny, +1, 10.0));
    s->avg_year = a >= 0 ? s->y0 + a : 0;
    s->dry10_year = b >= 0 ? s->y0 + b : 0;
}

zt_status drv_stats_compute(const char *run_dir, drv_stats *s, zt_err *err)
{
    io_run_manifest m;
    int y0, y1, mo, d;
    memset(s, 0, sizeof *s);
    zt_status st = io_results_manifest(run_dir, &m, err);
    if (st != ZT_OK) {
        return st;
    }
    zt_day_to_ymd(m.start, &y0, &mo, &d);
    if (mo != 1 || d != 1) {
        y0++;
    }
    zt_day_to_ymd(m.end, &y1, &mo, &d);
    if (mo != 12 || d != 31) {
        y1--;
    }
    if (y1 < y0) {
        char a[16], b[16];
        return zt_fail(err, ZT_EINPUT, "%s: the run (%s to %s) has no complete calendar year",
                       run_dir, zt_day_format(m.start, a), zt_day_format(m.end, b));
    }
    s->y0 = y0;
    s->ny = y1 - y0 + 1;
    snprintf(s->forcing, sizeof s->forcing, "%s", m.forcing);
    st = deficits(s, err);
    if (st == ZT_OK) {
        st = tables(s, run_dir, err);
    }
    if (st == ZT_OK) {
        representative(s);
    } else {
        drv_stats_free(s);
    }
    return st;
}
