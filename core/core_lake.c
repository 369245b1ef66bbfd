/*
 * core_lake.c: the IJsselmeer and the Markermeer as one lake (core_lake.h,
 * docs/lake.md).
 */
#include "core_lake.h"

#include <math.h>

#define LAKE_S_PER_DAY 86400.0
/* m NAP: no lake level of the IJsselmeer comes near it (the highest since
 * 1976 is +0.62 [S, HHNK 2023]); above it the inputs are wrong [E] */
#define LAKE_LEVEL_MAX 2.0

/* 1 if mmdd is a day of the year (February 29 included). */
static int mmdd_ok(int mmdd)
{
    const int m = mmdd / 100, d = mmdd % 100;
    return m >= 1 && m <= 12 && d >= 1 && d <= zt_days_in_month(2000, m);
}

/* 1 if mmdd lies in [from, to) of the year, the range wrapping past the
 * end of the year when to <= from. */
static int in_range(int mmdd, int from, int to)
{
    return from < to ? (mmdd >= from && mmdd < to) : (mmdd >= from || mmdd < to);
}

static zt_status bad(zt_err *err, const char *field, double v, const char *why)
{
    return zt_fail(err, ZT_EINPUT, "lake: %s = %g: %s", field, v, why);
}

static zt_status check_levels(const core_lake_params *p, zt_err *err)
{
    const double lv[] = {p->floor, p->winter_level, p->summer_lower, p->summer_upper,
                         p->level_ref, p->sea_low};
    const char *const nm[] = {"floor", "winter_level", "summer_lower", "summer_upper",
                              "level_ref", "sea_low"};
    for (int i = 0; i < 6; i++) {
        if (!isfinite(lv[i]) || fabs(lv[i]) > 100.0) {
            return bad(err, nm[i], lv[i], "a level must be finite, within 100 m of NAP");
        }
    }
    if (p->winter_level < p->floor) {
        return bad(err, "winter_level", p->winter_level, "below the floor");
    }
    if (p->summer_lower < p->winter_level) {
        return bad(err, "summer_lower", p->summer_lower, "below the winter level");
    }
    if (p->summer_upper < p->summer_lower) {
        return bad(err, "summer_upper", p->summer_upper, "below summer_lower");
    }
    if (p->sea_low >= p->floor) {
        return bad(err, "sea_low", p->sea_low, "must lie below the floor (no sluicing to it)");
    }
    if (p->level_ref <= p->sea_low) {
        return bad(err, "level_ref", p->level_ref, "must lie above sea_low");
    }
    return ZT_OK;
}

static zt_status check_dates(const core_lake_params *p, zt_err *err)
{
    const int dt[] = {p->spring_start, p->summer_start, p->winter_start};
    const char *const nm[] = {"spring_start", "summer_start", "winter_start"};
    for (int i = 0; i < 3; i++) {
        if (!mmdd_ok(dt[i])) {
            return zt_fail(err, ZT_EINPUT, "lake: %s = %04d: not a day of the year (MMDD)", nm[i],
                           dt[i]);
        }
    }
    if (!(p->spring_start < p->summer_start && p->summer_start < p->winter_start)) {
        return zt_fail(err, ZT_EINPUT,
                       "lake: the dates must follow each other within the year: spring_start "
                       "%04d < summer_start %04d < winter_start %04d",
                       p->spring_start, p->summer_start, p->winter_start);
    }
    return ZT_OK;
}

zt_status core_lake_init(core_lake *l, const core_lake_params *p, double level, zt_err *err)
{
    zt_status st;
    if (!(p->area > 0.0) || !isfinite(p->area)) {
        return bad(err, "area", p->area, "must be > 0 m2");
    }
    if ((st = check_levels(p, err)) != ZT_OK || (st = check_dates(p, err)) != ZT_OK) {
        return st;
    }
    const double nn[] = {p->sluice_ref, p->pump_m3s, p->pump_above};
    const char *const nm[] = {"sluice_ref", "pump_m3s", "pump_above"};
    for (int i = 0; i < 3; i++) {
        if (!(nn[i] >= 0.0) || !isfinite(nn[i])) {
            return bad(err, nm[i], nn[i], "must be >= 0 and finite");
        }
    }
    if (!isfinite(level) || level < p->floor) {
        return bad(err, "start level", level, "must be finite and not below the floor");
    }
    l->p = *p;
    l->level = level;
    l->date = 0;
    l->vstar = 0.0;
    l->in = (core_lake_in){0};
    l->day = (core_lake_day){0};
    l->day.level = level;
    return ZT_OK;
}

double core_lake_target(const core_lake_params *p, int mmdd)
{
    return in_range(mmdd, p->winter_start, p->spring_start) ? p->winter_level : p->summer_upper;
}

double core_lake_lower(const core_lake_params *p, int mmdd)
{
    /* the fill-up in spring does not ration the users: the band's lower
       level holds from summer_start */
    return in_range(mmdd, p->winter_start, p->summer_start) ? p->winter_level : p->summer_lower;
}

double core_lake_sluice_capacity(const core_lake_params *p, double h)
{
    const double head = h - p->sea_low;
    if (!(head > 0.0)) {
        return 0.0;
    }
    return p->sluice_ref * sqrt(head / (p->level_ref - p->sea_low)) * LAKE_S_PER_DAY;
}

static int mmdd_of(zt_day date)
{
    int y, m, d;
    zt_day_to_ymd(date, &y, &m, &d);
    return m * 100 + d;
}

int core_lake_days_left(const core_lake_params *p, zt_day date)
{
    int y, m, d;
    zt_day_to_ymd(date, &y, &m, &d);
    const int mmdd = m * 100 + d;
    /* the season's end: winter_start in summer, else the next summer_start */
    const int summer = in_range(mmdd, p->summer_start, p->winter_start);
    const int end_md = summer ? p->winter_start : p->summer_start;
    const int end_y = !summer && mmdd >= p->winter_start ? y + 1 : y;
    const int n = (int)(zt_day_from_ymd(end_y, end_md / 100, end_md % 100) - date);
    return n > 1 ? n : 1;
}

zt_status core_lake_begin(core_lake *l, zt_day date, const core_lake_in *in, double *available,
                          zt_err *err)
{
    const double v[] = {in->ijssel, in->vecht, in->other, in->north, in->p, in->e};
    const char *const nm[] = {"IJssel inflow", "Vecht inflow", "other inflow",
                              "the districts' drainage", "precipitation", "evaporation"};
    for (int i = 0; i < 6; i++) {
        if (!(v[i] >= 0.0) || !isfinite(v[i])) {
            char ds[16];
            return zt_fail(err, ZT_EINPUT, "lake: %s = %g on %s: must be >= 0 and finite", nm[i],
                           v[i], zt_day_format(date, ds));
        }
    }
    const core_lake_params *p = &l->p;
    const int mmdd = mmdd_of(date);
    const double a = p->area;
    l->date = date;
    l->in = *in;
    l->vstar = a * (l->level - p->floor) + in->ijssel + in->vecht + in->other + in->north +
               (in->p - in->e) * a;
    const double lower = core_lake_lower(p, mmdd);
    const double free_use = l->vstar - a * (lower - p->floor);
    const double ration = l->vstar / (double)core_lake_days_left(p, date);
    double av = free_use > ration ? free_use : ration;
    av = av > 0.0 ? av : 0.0;
    l->day = (core_lake_day){0};
    l->day.level0 = l->level;
    l->day.target = core_lake_target(p, mmdd);
    l->day.lower = lower;
    l->day.available = av;
    *available = av;
    return ZT_OK;
}

zt_status core_lake_end(core_lake *l, double withdrawal, zt_err *err)
{
    core_lake_day *y = &l->day;
    const core_lake_params *p = &l->p;
    const double a = p->area;
    if (!(withdrawal >= 0.0) || !isfinite(withdrawal) ||
        withdrawal > y->available * (1.0 + 1e-9)) {
        char ds[16];
        return zt_fail(err, ZT_EINPUT,
                       "lake: withdrawal %.9g m3 on %s: must be >= 0 and at most the %.9g m3 "
                       "available",
                       withdrawal, zt_day_format(l->date, ds), y->available);
    }
    /* the level before the outlets, then sluicing and the pumps */
    const double h1 = p->floor + (l->vstar - withdrawal) / a;
    const double over = a * (h1 - y->target);
    double s = 0.0, u = 0.0;
    if (over > 0.0) {
        const double smax = core_lake_sluice_capacity(p, h1);
        s = over < smax ? over : smax;
        const double left = over - s;
        if (p->pump_m3s > 0.0 && left > a * p->pump_above) {
            const double umax = p->pump_m3s * LAKE_S_PER_DAY;
            u = left < umax ? left : umax;
        }
    }
    l->level = h1 - (s + u) / a;
    if (!(l->level <= LAKE_LEVEL_MAX)) {
        char ds[16];
        return zt_fail(err, ZT_EINPUT,
                       "lake: level %.3f m NAP on %s, above %.1f m NAP: the outlets "
                       "(sluice_m3s, pump_m3s) cannot carry the inflows, or the area is too small",
                       l->level, zt_day_format(l->date, ds), LAKE_LEVEL_MAX);
    }
    y->level = l->level;
    y->inflow = l->in.ijssel + l->in.vecht + l->in.other + l->in.north;
    y->precipitation = l->in.p * a;
    y->evaporation = l->in.e * a;
    y->withdrawal = withdrawal;
    y->sluicing = s;
    y->pumping = u;
    y->storage_change = a * (y->level - y->level0);
    y->error = (y->inflow + y->precipitation - y->evaporation) -
               (y->withdrawal + y->sluicing + y->pumping) - y->storage_change;
    y->buffer = a * (y->level - p->summer_lower);
    /* the day's balance, checked as every compartment's (docs/model.md §4) */
    const double gross = y->inflow + y->precipitation + y->evaporation + y->withdrawal +
                         y->sluicing + y->pumping + fabs(y->storage_change);
    if (!(fabs(y->error) <= 1e-9 * gross + 1e-6)) {
        char ds[16];
        return zt_fail(err, ZT_EBALANCE, "lake: the balance does not close on %s: %.6g m3 of %.6g",
                       zt_day_format(l->date, ds), y->error, gross);
    }
    return ZT_OK;
}

double core_lake_curve(const double *x, const double *y, int n, double q)
{
    if (!(q > 0.0)) {
        return 0.0;
    }
    if (q <= x[0]) {
        return y[0] / x[0] * q;
    }
    if (q >= x[n - 1]) {
        return y[n - 1] / x[n - 1] * q;
    }
    int i = 1;
    while (x[i] < q) {
        i++;
    }
    return y[i - 1] + (y[i] - y[i - 1]) * (q - x[i - 1]) / (x[i] - x[i - 1]);
}

double core_lake_inlet_share(double h, double inside, double design)
{
    const double r = (h - inside) / (design - inside);
    return r >= 1.0 ? 1.0 : (r > 0.0 ? sqrt(r) : 0.0);
}
