/*
 * lake.c: the lake in a run (lake.h; docs/lake.md).
 */
#include "lake.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "io_daily.h"
#include "io_file.h"
#include "io_out.h"

#define S_DAY 86400.0

enum {
    L_LEVEL, L_TARGET, L_LOWER, L_AVAIL, L_LOBITH, L_IJSSEL, L_RIVERS, L_OTHER, L_NORTH, L_PREC, L_EVAP,
    L_WITHDRAW, L_SLUICE, L_PUMP, L_DSTORE, L_ERROR, L_BUFFER, L_BUFFER_CM, L_VOLUME, L_N
};

static const io_var_spec lake_vars[L_N] = {
    {"level", "lake level at the end of the day", "m", NULL, NULL, 0},
    {"target", "the sluicing target of the day (peilbesluit)", "m", NULL, NULL, 0},
    {"lower", "the lowest level of free use of the day (below it the water is rationed)", "m",
     NULL, NULL, 0},
    {"available", "water the users could draw", "m3 s-1", NULL, NULL, 0},
    {"lobith", "Rhine discharge at Lobith that reaches the lake today", "m3 s-1", NULL, NULL, 0},
    {"ijssel", "inflow of the IJssel", "m3 s-1", NULL, NULL, 0},
    {"rivers", "inflow of the other rivers (the Vecht)", "m3 s-1", NULL, NULL, 0},
    {"other_inflow", "the other regions' drainage into the lake", "m3 s-1", NULL, NULL, 0},
    {"north_inflow", "the modelled districts' drainage into the lake", "m3 s-1", NULL, NULL, 0},
    {"precipitation", "precipitation on the lake", "m3 s-1", NULL, NULL, 0},
    {"evaporation", "open-water evaporation from the lake", "m3 s-1", NULL, NULL, 0},
    {"withdrawal", "drawn by all users of the lake", "m3 s-1", NULL, NULL, 0},
    {"sluicing", "sluiced to the Wadden Sea", "m3 s-1", NULL, NULL, 0},
    {"pumping", "pumped to the Wadden Sea", "m3 s-1", NULL, NULL, 0},
    {"storage_change", "change of the lake's volume", "m3 s-1", NULL, NULL, 0},
    {"balance_error", "inflows + P - E - outflows - storage change", "m3 s-1", NULL, NULL, 0},
    {"buffer", "volume above the summer band's lower level (< 0: the crisis reserve)", "Mm3",
     NULL, NULL, 0},
    {"buffer_cm", "level above the summer band's lower level", "cm", NULL, NULL, 0},
    {"volume", "volume above the crisis floor (the water the users could ever draw)", "Mm3",
     NULL, NULL, 0},
};

struct drv_lake {
    io_lake_cfg cfg;      /* the scenario's [lake] (paths borrowed) */
    io_lake desc;         /* the lake file */
    io_daily lobith;      /* m3/s */
    core_lake lake;
    double north_prev;    /* the districts' drainage of yesterday (m3/d) */
    double lobith_today;  /* m3/s */
    double low;           /* the lowest level in the summer band's season (m NAP) */
    zt_day low_day;       /* its day */
    long below;           /* days that ended below the band's lower level in that season */
    double seconds;       /* wall time of begin and end, all days */
    double ckpt[5];
    io_tsout *ts;
    double vals[L_N];
};

/* The day whose Rhine a simulated day gets: `lag` days before it, in the
 * replay year if there is one (29 February of a replay year without one:
 * the 28th). */
static zt_day rhine_day(const drv_lake *l, zt_day day)
{
    int y, m, d;
    zt_day_to_ymd(day, &y, &m, &d);
    if (l->cfg.replay_year > 0) {
        const int dmax = zt_days_in_month(l->cfg.replay_year, m);
        day = zt_day_from_ymd(l->cfg.replay_year, m, d <= dmax ? d : dmax);
    }
    return day - l->desc.lag_days;
}

zt_status drv_lake_create(const io_lake_cfg *cfg, zt_day first, zt_day last, drv_lake **out,
                          zt_err *err)
{
    drv_lake *l = zt_calloc(1, sizeof *l);
    zt_status st;
    *out = NULL;
    if (!l) {
        return zt_fail(err, ZT_ENOMEM, "lake: out of memory");
    }
    l->cfg = *cfg;
    st = io_lake_load(cfg->file, &l->desc, err);
    if (st == ZT_OK) {
        /* every day the run asks for: the whole replay year, or the run's
           days, both moved back by the lag */
        zt_day from = rhine_day(l, first), to = rhine_day(l, last);
        if (cfg->replay_year > 0) {
            from = zt_day_from_ymd(cfg->replay_year, 1, 1) - l->desc.lag_days;
            to = zt_day_from_ymd(cfg->replay_year, 12, 31) - l->desc.lag_days;
        }
        const io_daily_opts o = {"the Rhine discharge at Lobith", "date", "Q_m3s", "m3/s", 0.0,
                                 20000.0};
        st = io_daily_load(cfg->lobith, &o, from, to, &l->lobith, err);
    }
    if (st == ZT_OK && !(l->desc.sea_low < cfg->floor)) {
        st = zt_fail(err, ZT_ECONFIG,
                     "%s: [lake] sea_low = %g m NAP: the low water outside must lie below the "
                     "scenario's [lake] floor (%g m NAP)",
                     cfg->file, l->desc.sea_low, cfg->floor);
    }
    if (st == ZT_OK) {
        const io_lake *d = &l->desc;
        const core_lake_params p = {d->area,         cfg->floor,        cfg->winter_level,
                                    cfg->summer_upper, cfg->summer_lower, cfg->spring_start,
                                    cfg->summer_start, cfg->winter_start, d->sluice_m3s,
                                    d->sluice_level, d->sea_low,        d->pump_m3s,
                                    cfg->pump_above};
        st = core_lake_init(&l->lake, &p, cfg->start_level, err);
    }
    if (st == ZT_OK) {
        l->low = INFINITY;
        *out = l;
        l = NULL;
    }
    drv_lake_destroy(&l);
    return st;
}

void drv_lake_destroy(drv_lake **pl)
{
    if (!pl || !*pl) {
        return;
    }
    drv_lake *l = *pl;
    io_tsout_close(&l->ts, 0, NULL);
    io_daily_free(&l->lobith);
    zt_free(l);
    *pl = NULL;
}

const io_lake *drv_lake_desc(const drv_lake *l)
{
    return &l->desc;
}

zt_status drv_lake_open(drv_lake *l, const char *dir, zt_day first, int ndays, zt_err *err)
{
    static const int32_t id = 1;
    static const char *const name = "ijsselmeer_markermeer";
    char pn[4096], pc[4096];
    io_path_join(dir, "lake.nc", pn, sizeof pn);
    io_path_join(dir, "lake.csv", pc, sizeof pc);
    return io_tsout_create(pn, pc, "lake", &id, &name, 1, lake_vars, L_N, first, ndays, &l->ts,
                           err);
}

zt_status drv_lake_begin(drv_lake *l, zt_day day, double p, double et0, double *available,
                         zt_err *err)
{
    const double t0 = drv_now();
    const io_lake *d = &l->desc;
    const double f = l->cfg.inflow_factor;
    int y, m, dd;
    zt_day_to_ymd(day, &y, &m, &dd);
    l->lobith_today = io_daily_at(&l->lobith, rhine_day(l, day)) * l->cfg.rhine_factor[m - 1];
    const double ij =
        f * (core_lake_curve(d->curve_q, d->curve_ij, d->ncurve, l->lobith_today) +
             d->ijssel_net[m - 1]);
    core_lake_in in = {(ij > 0.0 ? ij : 0.0) * S_DAY, 0.0, 0.0, l->north_prev, p,
                       d->evap_factor[m - 1] * et0};
    for (int i = 0; i < d->ninflow; i++) {
        const double q = d->inflow[i].m3s[m - 1] * S_DAY;
        if (d->inflow[i].scaled) {
            in.vecht += f * q;
        } else {
            in.other += q;
        }
    }
    /* the pumps at Den Oever from the year they work */
    l->lake.p.pump_m3s = y >= d->pump_from ? d->pump_m3s : 0.0;
    const zt_status st = core_lake_begin(&l->lake, day, &in, available, err);
    l->seconds += drv_now() - t0;
    return st;
}

zt_status drv_lake_end(drv_lake *l, zt_day day, double withdrawal, double north, zt_err *err)
{
    const double t0 = drv_now();
    zt_status st = core_lake_end(&l->lake, withdrawal, err);
    if (st != ZT_OK) {
        return st;
    }
    int yy, mm, dd;
    zt_day_to_ymd(day, &yy, &mm, &dd);
    const int md = mm * 100 + dd;
    if (md >= l->lake.p.summer_start && md < l->lake.p.winter_start) {
        if (l->lake.level < l->low) {
            l->low = l->lake.level;
            l->low_day = day;
        }
        l->below += l->lake.level < l->lake.p.summer_lower - 1e-12;
    }
    const core_lake_day *y = &l->lake.day;
    const core_lake_in *in = &l->lake.in;
    double *v = l->vals;
    l->north_prev = north;
    v[L_LEVEL] = y->level;
    v[L_TARGET] = y->target;
    v[L_LOWER] = y->lower;
    v[L_AVAIL] = y->available / S_DAY;
    v[L_LOBITH] = l->lobith_today;
    v[L_IJSSEL] = in->ijssel / S_DAY;
    v[L_RIVERS] = in->vecht / S_DAY;
    v[L_OTHER] = in->other / S_DAY;
    v[L_NORTH] = in->north / S_DAY;
    v[L_PREC] = y->precipitation / S_DAY;
    v[L_EVAP] = y->evaporation / S_DAY;
    v[L_WITHDRAW] = y->withdrawal / S_DAY;
    v[L_SLUICE] = y->sluicing / S_DAY;
    v[L_PUMP] = y->pumping / S_DAY;
    v[L_DSTORE] = y->storage_change / S_DAY;
    v[L_ERROR] = y->error / S_DAY;
    v[L_BUFFER] = y->buffer / 1e6;
    v[L_BUFFER_CM] = 100.0 * (y->level - l->lake.p.summer_lower);
    v[L_VOLUME] = l->lake.p.area * (y->level - l->lake.p.floor) / 1e6;
    st = l->ts ? io_tsout_add_day(l->ts, day, v, err) : ZT_OK;
    l->seconds += drv_now() - t0;
    return st;
}

double drv_lake_level(const drv_lake *l)
{
    return l->lake.level;
}

const core_lake_day *drv_lake_today(const drv_lake *l)
{
    return &l->lake.day;
}

void drv_lake_balance(const drv_lake *l, double *col)
{
    const core_lake_day *y = &l->lake.day;
    const double v[DRV_LAKE_NBAL] = {y->inflow,         y->precipitation, y->evaporation,
                                     y->withdrawal,     y->sluicing,      y->pumping,
                                     y->storage_change, y->error,         y->level};
    memcpy(col, v, sizeof v);
}

zt_status drv_lake_close(drv_lake *l, int ok, zt_err *err)
{
    return l ? io_tsout_close(&l->ts, ok, err) : ZT_OK;
}

int drv_lake_state(drv_lake *l, zt_named_array *list, int max)
{
    if (max >= 1) {
        l->ckpt[0] = l->lake.level;
        l->ckpt[1] = l->north_prev;
        l->ckpt[2] = l->low;
        l->ckpt[3] = (double)l->low_day;
        l->ckpt[4] = (double)l->below;
        list[0] = (zt_named_array){"lake", 5, l->ckpt};
    }
    return 1;
}

void drv_lake_state_loaded(drv_lake *l)
{
    l->lake.level = l->ckpt[0];
    l->north_prev = l->ckpt[1];
    l->low = l->ckpt[2];
    l->low_day = (zt_day)l->ckpt[3];
    l->below = (long)l->ckpt[4];
}

zt_status drv_lake_checkpoint(drv_lake *l, const char *dir, zt_err *err)
{
    return io_tsout_checkpoint(l->ts, dir, err);
}

zt_status drv_lake_resume(drv_lake *l, const char *dir, zt_day day, zt_err *err)
{
    return io_tsout_resume(l->ts, dir, day, err);
}

void drv_lake_stats(const drv_lake *l, double *low, zt_day *low_day, double *used_mm3,
                    long *below, double *seconds)
{
    *low = l->low;
    *low_day = l->low_day;
    *used_mm3 = isfinite(l->low) ? (l->lake.p.summer_upper - l->low) * l->lake.p.area / 1e6 : 0.0;
    *below = l->below;
    *seconds = l->seconds;
}
