/*
 * transform.c: a station forcing file to a KNMI'14 scenario (transform.h).
 */
#include "transform.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core_knmi14.h"
#include "io_knmi14.h"
#include "io_file.h"
#include "io_stations.h"

/* The calendar of the file's days. */
typedef struct tf_days {
    int *month, *doy;
    int32_t *ymd;
} tf_days;

static zt_status days_make(const io_stations *s, tf_days *c, zt_err *err)
{
    c->month = zt_malloc((size_t)s->nd * sizeof *c->month);
    c->doy = zt_malloc((size_t)s->nd * sizeof *c->doy);
    c->ymd = zt_malloc((size_t)s->nd * sizeof *c->ymd);
    if (!c->month || !c->doy || !c->ymd) {
        return zt_fail(err, ZT_ENOMEM, "transform: out of memory");
    }
    for (int k = 0; k < s->nd; k++) {
        int y, m, d;
        const zt_day day = s->first + k;
        zt_day_to_ymd(day, &y, &m, &d);
        c->month[k] = m;
        c->ymd[k] = y * 10000 + m * 100 + d;
        c->doy[k] = (int)(day - zt_day_from_ymd(y, 1, 1)) + 1;
    }
    return ZT_OK;
}

static void days_free(tf_days *c)
{
    zt_free(c->month);
    zt_free(c->doy);
    zt_free(c->ymd);
}

/* Station i under KNMI'14: precipitation always; TG, Q and Makkink from them
 * when the file has them, else ET0 scaled by mk[12] (%) (work: 2 nd doubles). */
static zt_status station_k14(io_stations *s, int i, const tf_days *c, const io_k14_deltas *dl,
                             const double *mk, double *w, zt_err *err)
{
    const size_t o = (size_t)i * (size_t)s->nd;
    double *a = w, *b = w + s->nd;
    for (int k = 0; k < s->nd; k++) {
        a[k] = s->p[o + k];
    }
    zt_status st = core_k14_precip(a, c->month, c->ymd, s->nd, dl->rr, NULL, err);
    for (int k = 0; st == ZT_OK && k < s->nd; k++) {
        s->p[o + k] = (float)(rint(10.0 * a[k]) / 10.0); /* 0.1 mm, as KNMI */
    }
    if (st != ZT_OK || !s->tg) {
        for (int k = 0; st == ZT_OK && k < s->nd; k++) {
            s->et0[o + k] = (float)(rint(100.0 * s->et0[o + k] * (1.0 + mk[c->month[k] - 1] / 100.0)) / 100.0);
        }
        return st;
    }
    for (int k = 0; k < s->nd; k++) {
        a[k] = s->tg[o + k];
        b[k] = s->q[o + k];
    }
    st = core_k14_temperature_series(a, c->month, s->nd, dl->tg, err);
    if (st == ZT_OK) {
        st = core_k14_radiation_series(b, c->month, c->doy, s->nd, s->lat[i], dl->rsds, err);
    }
    for (int k = 0; st == ZT_OK && k < s->nd; k++) {
        s->tg[o + k] = (float)a[k];
        s->q[o + k] = (float)b[k];
        /* Makkink from the transformed temperature and radiation; a day
           without them keeps its ET0 */
        if (isfinite(a[k]) && isfinite(b[k])) {
            s->et0[o + k] = (float)(rint(100.0 * core_k14_makkink(a[k], b[k])) / 100.0);
        }
    }
    return st;
}

/* The KNMI'14 region of every station: its own from stationstabel, or that
 * of the nearest listed station of the file (KNMI's rule), or --region. */
static zt_status regions(const drv_transform_opts *o, const io_stations *s, char (*rg)[8], zt_err *err)
{
    int *listed = zt_calloc((size_t)s->ns, sizeof *listed);
    zt_status st = listed ? ZT_OK : zt_fail(err, ZT_ENOMEM, "transform: out of memory");
    for (int i = 0; st == ZT_OK && i < s->ns; i++) {
        if (o->region) {
            snprintf(rg[i], 8, "%s", o->region);
            listed[i] = 1;
        } else {
            st = io_k14_region(o->deltas, s->id[i], rg[i], &listed[i], err);
        }
    }
    for (int i = 0; st == ZT_OK && i < s->ns; i++) {
        int near = -1;
        double dmin = INFINITY;
        for (int j = 0; !listed[i] && j < s->ns; j++) {
            const double d = hypot(s->x[j] - s->x[i], s->y[j] - s->y[i]);
            if (listed[j] && d < dmin) {
                dmin = d;
                near = j;
            }
        }
        if (!listed[i] && near < 0) {
            st = zt_fail(err, ZT_EINPUT,
                         "%s/stationstabel lists no station of %s (station %d first); give the "
                         "KNMI'14 region with --region (NON for Noord-Nederland)",
                         o->deltas, o->in, s->id[i]);
        } else if (!listed[i]) {
            snprintf(rg[i], 8, "%s", rg[near]);
            fprintf(stderr,
                    "zoet forcing transform: station %d is not in stationstabel: region %s of the "
                    "nearest listed station %d (%.1f km)\n",
                    s->id[i], rg[i], s->id[near], dmin / 1000.0);
        }
    }
    zt_free(listed);
    return st;
}

static zt_status transform_k14(const drv_transform_opts *o, io_stations *s, zt_err *err)
{
    io_k14_deltas dl;
    tf_days c = {NULL, NULL, NULL};
    double mk[12];
    char path[4096];
    char (*rg)[8] = zt_calloc((size_t)s->ns, sizeof *rg);
    double *w = zt_malloc(2 * (size_t)s->nd * sizeof *w);
    zt_status st = rg && w ? days_make(s, &c, err) : zt_fail(err, ZT_ENOMEM, "transform: out of memory");
    if (st == ZT_OK && !s->tg) {
        const char *keys[2] = {o->scenario && o->scenario[0] ? o->scenario : "-", o->horizon};
        st = io_monthly_change(io_path_join(o->deltas, "makkink-monthly-change.csv", path, sizeof path),
                               keys, 2, mk, err);
        if (st == ZT_OK) {
            fprintf(stderr,
                    "zoet forcing transform: %s has no TG and Q: ET0 is scaled by the scenario's "
                    "monthly Makkink change (%s) instead of recomputed (a fallback, labelled in "
                    "the file)\n",
                    o->in, path);
        }
    }
    if (st == ZT_OK) {
        st = regions(o, s, rg, err);
    }
    for (int i = 0; st == ZT_OK && i < s->ns; i++) {
        st = io_k14_read(o->deltas, o->scenario, o->horizon, rg[i], o->p99, &dl, err);
        if (st == ZT_OK) {
            st = station_k14(s, i, &c, &dl, mk, w, err);
        }
        if (st == ZT_OK && !o->quiet) {
            printf("zoet forcing transform: station %d (region %s) done\n", s->id[i], rg[i]);
        }
    }
    if (st == ZT_OK) {
        char what[200], note[5120];
        snprintf(what, sizeof what, "KNMI'14 %s %s, p99 %s%s",
                 o->scenario && o->scenario[0] ? o->scenario : "", o->horizon, o->p99,
                 s->tg ? "" : "; ET0 fallback: scaled by the monthly Makkink change");
        snprintf(note, sizeof note,
                 "Transformed from %s with KNMI's KNMI'14 change factors (%s) by zoet's own "
                 "implementation of KNMI's transformation (docs/knmi14-transform-spec.md): "
                 "precipitation by wet-day frequency and amounts%s",
                 o->in, o->deltas,
                 s->tg ? ", TG by quantile shifts, Q by a capped monthly factor, ET0 recomputed "
                         "by Makkink from TG and Q."
                       : ". The file has no TG and Q, so ET0 is not recomputed but scaled by the "
                         "scenario's monthly Makkink change (makkink-monthly-change.csv, from "
                         "zoet's transformation of Leeuwarden 1991-2020): a fallback.");
        st = io_stations_write_copy(o->in, o->out, s, what, note, err);
    }
    zt_free(rg);
    zt_free(w);
    days_free(&c);
    return st;
}

/* KNMI'23 as delta change: P and ET0 times the table's monthly factors. */
static zt_status transform_k23(const drv_transform_opts *o, io_stations *s, zt_err *err)
{
    double fp[12], fe[12];
    char path[4096];
    const char *kp[3] = {o->scenario, o->horizon, "P"}, *ke[3] = {o->scenario, o->horizon, "ET0"};
    tf_days c = {NULL, NULL, NULL};
    io_path_join(o->deltas, "approximation.csv", path, sizeof path);
    zt_status st = io_monthly_change(path, kp, 3, fp, err);
    if (st == ZT_OK) {
        st = io_monthly_change(path, ke, 3, fe, err);
    }
    if (st == ZT_OK) {
        st = days_make(s, &c, err);
    }
    for (int i = 0; st == ZT_OK && i < s->ns; i++) {
        const size_t o0 = (size_t)i * (size_t)s->nd;
        for (int k = 0; k < s->nd; k++) {
            const int m = c.month[k] - 1;
            s->p[o0 + k] = (float)(rint(10.0 * s->p[o0 + k] * (1.0 + fp[m] / 100.0)) / 10.0);
            s->et0[o0 + k] = (float)(rint(100.0 * s->et0[o0 + k] * (1.0 + fe[m] / 100.0)) / 100.0);
        }
    }
    if (st == ZT_OK) {
        char what[160], note[5120];
        snprintf(what, sizeof what, "KNMI'23 %s %s approximation (delta change)", o->scenario,
                 o->horizon);
        snprintf(note, sizeof note,
                 "APPROXIMATION: no official KNMI'23 factors are available; P and ET0 of %s are "
                 "multiplied by monthly factors built from national numbers (%s, docs/forcing.md). "
                 "Delta change keeps the wet days and under-states dry spells and deficits. TG and "
                 "Q are left as observed.",
                 o->in, path);
        st = io_stations_write_copy(o->in, o->out, s, what, note, err);
    }
    days_free(&c);
    return st;
}

zt_status drv_transform(const drv_transform_opts *o, zt_err *err)
{
    io_stations s;
    struct stat si, so;
    if (stat(o->in, &si) == 0 && stat(o->out, &so) == 0 && si.st_dev == so.st_dev &&
        si.st_ino == so.st_ino) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: the output is the input file; the transformed copy needs a name of "
                       "its own (the observed series would be lost)",
                       o->out);
    }
    zt_status st = io_stations_read(o->in, &s, err);
    if (st == ZT_OK) {
        st = o->knmi23 ? transform_k23(o, &s, err) : transform_k14(o, &s, err);
    }
    io_stations_free(&s);
    return st;
}
