/*
 * io_lake.c: the lake file (io_lake.h).
 */
#include "io_lake.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io_ini.h"
#include "io_network.h"

void io_lake_cfg_free(io_lake_cfg *c)
{
    if (c) {
        zt_free(c->file);
        zt_free(c->lobith);
        c->file = c->lobith = NULL;
    }
}

/* The IJssel's curve: two arrays of equal length (2 to IO_LAKE_MAXCURVE),
 * Lobith discharges strictly increasing, IJssel discharges not falling and
 * below the Lobith discharge. */
static zt_status read_curve(io_ini *ini, io_lake *l, zt_err *err)
{
    const char *const keys[2] = {"lobith_m3s", "ijssel_m3s"};
    double *dst[2] = {l->curve_q, l->curve_ij};
    int n[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        zt_status st = io_ini_doubles_upto(ini, "lake", keys[k], 1, IO_LAKE_MAXCURVE, 0.0, 1e5,
                                           dst[k], &n[k], err);
        if (st != ZT_OK) {
            return st;
        }
        if (n[k] < 2) {
            return io_ini_fail(ini, "lake", keys[k], err, "1 value: a curve needs 2 to %d",
                               IO_LAKE_MAXCURVE);
        }
    }
    if (n[0] != n[1]) {
        return io_ini_fail(ini, "lake", "ijssel_m3s", err,
                           "%d values, but lobith_m3s has %d: one IJssel discharge for each", n[1],
                           n[0]);
    }
    l->ncurve = n[0];
    for (int i = 0; i < l->ncurve; i++) {
        if (i > 0 && !(l->curve_q[i] > l->curve_q[i - 1])) {
            return io_ini_fail(ini, "lake", "lobith_m3s", err,
                               "value %d (%g) must be above the one before (%g)", i + 1,
                               l->curve_q[i], l->curve_q[i - 1]);
        }
        if (i > 0 && l->curve_ij[i] < l->curve_ij[i - 1]) {
            return io_ini_fail(ini, "lake", "ijssel_m3s", err,
                               "value %d (%g) falls below the one before (%g)", i + 1,
                               l->curve_ij[i], l->curve_ij[i - 1]);
        }
        if (!(l->curve_q[i] > 0.0)) {
            return io_ini_fail(ini, "lake", "lobith_m3s", err,
                               "value %d is %g: the Rhine's discharges must be > 0 m3/s", i + 1,
                               l->curve_q[i]);
        }
        if (l->curve_ij[i] > l->curve_q[i]) {
            return io_ini_fail(ini, "lake", "ijssel_m3s", err,
                               "value %d (%g m3/s) must lie within the Rhine's %g m3/s", i + 1,
                               l->curve_ij[i], l->curve_q[i]);
        }
    }
    return ZT_OK;
}

static zt_status read_main(io_ini *ini, io_lake *l, zt_err *err)
{
    const char *name = NULL;
    long lag = 0, from = 0;
    zt_status st;
    for (int m = 0; m < 12; m++) {
        l->ijssel_net[m] = 0.0;
        l->evap_factor[m] = 1.0;
    }
    if ((st = io_ini_string(ini, "lake", "name", 0, "lake", &name, err)) != ZT_OK ||
        (st = io_ini_double(ini, "lake", "area_km2", 1, 0.0, 1.0, 1e5, &l->area, err)) !=
            ZT_OK ||
        (st = read_curve(ini, l, err)) != ZT_OK ||
        (st = io_ini_int(ini, "lake", "lag_days", 0, 0, 0, 30, &lag, err)) != ZT_OK ||
        (st = io_ini_doubles(ini, "lake", "ijssel_net_m3s", 0, 12, -1e4, 1e4, l->ijssel_net,
                             err)) != ZT_OK ||
        (st = io_ini_doubles(ini, "lake", "evaporation_factor", 0, 12, 0.0, 3.0, l->evap_factor,
                             err)) != ZT_OK ||
        (st = io_ini_double(ini, "lake", "sluice_m3s", 1, 0.0, 1.0, 1e5, &l->sluice_m3s, err)) !=
            ZT_OK ||
        (st = io_ini_double(ini, "lake", "sluice_level", 1, 0.0, -10.0, 10.0, &l->sluice_level,
                            err)) != ZT_OK ||
        (st = io_ini_double(ini, "lake", "sea_low", 1, 0.0, -10.0, 10.0, &l->sea_low, err)) !=
            ZT_OK ||
        (st = io_ini_double(ini, "lake", "pump_m3s", 0, 0.0, 0.0, 1e5, &l->pump_m3s, err)) !=
            ZT_OK ||
        (st = io_ini_int(ini, "lake", "pump_from", 0, 0, 0, 9999, &from, err)) != ZT_OK) {
        return st;
    }
    if (!(l->sea_low < l->sluice_level)) {
        return io_ini_fail(ini, "lake", "sea_low", err,
                           "%g m NAP: the low water outside must lie below sluice_level (%g m "
                           "NAP), where the sluices carry sluice_m3s",
                           l->sea_low, l->sluice_level);
    }
    snprintf(l->name, sizeof l->name, "%s", name);
    l->area *= 1e6; /* km2 to m2 */
    l->lag_days = (int)lag;
    l->pump_from = (int)from;
    return ZT_OK;
}

/* The [inflow.NAME] and [user.NAME] sections. */
static zt_status read_series(io_ini *ini, io_lake *l, zt_err *err)
{
    zt_status st;
    for (int i = 0; i < io_ini_nsections(ini); i++) {
        const char *s = io_ini_section(ini, i);
        const char *in = io_ini_subname(s, "inflow"), *us = io_ini_subname(s, "user");
        const char *name = in ? in : us;
        double *m3s;
        if (!name) {
            continue;
        }
        if (!io_net_good_name(name)) {
            return io_ini_fail(ini, s, "monthly_m3s", err,
                               "bad name \"%s\" (a-z, 0-9 and _, at most 47 characters)", name);
        }
        if (in) {
            if (l->ninflow == IO_LAKE_MAXINFLOW) {
                return io_ini_fail(ini, s, "monthly_m3s", err, "more than %d inflows",
                                   IO_LAKE_MAXINFLOW);
            }
            io_lake_series *x = &l->inflow[l->ninflow++];
            snprintf(x->name, sizeof x->name, "%s", name);
            if ((st = io_ini_bool(ini, s, "scaled", 0, 0, &x->scaled, err)) != ZT_OK) {
                return st;
            }
            m3s = x->m3s;
        } else {
            if (l->nuser == IO_LAKE_MAXUSER) {
                return io_ini_fail(ini, s, "monthly_m3s", err, "more than %d users",
                                   IO_LAKE_MAXUSER);
            }
            io_lake_user *u = &l->user[l->nuser++];
            snprintf(u->name, sizeof u->name, "%s", name);
            if ((st = io_net_read_level(ini, s, "class", 1, NULL, &u->level, err)) != ZT_OK) {
                return st;
            }
            m3s = u->m3s;
        }
        if ((st = io_ini_doubles(ini, s, "monthly_m3s", 1, 12, 0.0, 1e4, m3s, err)) != ZT_OK) {
            return st;
        }
    }
    return ZT_OK;
}

zt_status io_lake_load(const char *path, io_lake *out, zt_err *err)
{
    io_ini *ini = NULL;
    zt_status st;
    memset(out, 0, sizeof *out);
    if ((st = io_ini_load(path, &ini, err)) == ZT_OK && (st = read_main(ini, out, err)) == ZT_OK &&
        (st = read_series(ini, out, err)) == ZT_OK) {
        st = io_ini_check_unused(ini, err);
    }
    io_ini_destroy(&ini);
    return st;
}
