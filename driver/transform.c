/*
 * transform.c: a station forcing file to a KNMI'14 scenario (transform.h).
 */
#include "transform.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_knmi14.h"
#include "io_knmi14.h"
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

/* Station i, all variables (work: 2 nd doubles). */
static zt_status station(io_stations *s, int i, const tf_days *c, const io_k14_deltas *dl,
                         double *w, zt_err *err)
{
    const size_t o = (size_t)i * (size_t)s->nd;
    double *a = w, *b = w + s->nd;
    for (int k = 0; k < s->nd; k++) {
        a[k] = s->p[o + k];
    }
    zt_status st = core_k14_precip(a, c->month, c->ymd, s->nd, dl->rr, NULL, err);
    for (int k = 0; st == ZT_OK && k < s->nd; k++) {
        s->p[o + k] = (float)(rint(10.0 * a[k]) / 10.0); /* 0.1 mm, as KNMI */
        a[k] = s->tg[o + k];
        b[k] = s->q[o + k];
    }
    if (st == ZT_OK) {
        st = core_k14_temperature_series(a, c->month, s->nd, dl->tg, err);
    }
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

zt_status drv_transform(const drv_transform_opts *o, zt_err *err)
{
    io_stations s;
    io_k14_deltas dl;
    tf_days c = {NULL, NULL, NULL};
    double *w = NULL;
    char region[8];
    zt_status st = io_stations_read(o->in, &s, err);
    if (st != ZT_OK) {
        return st;
    }
    if (!s.tg || !s.q) {
        io_stations_free(&s);
        return zt_fail(err, ZT_EINPUT,
                       "%s: no TG and Q (daily mean temperature and global radiation): the "
                       "KNMI'14 transformation recomputes Makkink from them; make the forcing "
                       "with zoet forcing knmi from station files that have both",
                       o->in);
    }
    st = days_make(&s, &c, err);
    w = zt_malloc(2 * (size_t)s.nd * sizeof *w);
    if (st == ZT_OK && !w) {
        st = zt_fail(err, ZT_ENOMEM, "transform: out of memory");
    }
    for (int i = 0; st == ZT_OK && i < s.ns; i++) {
        if (o->region) {
            snprintf(region, sizeof region, "%s", o->region);
        } else {
            st = io_k14_region(o->deltas, s.id[i], region, err);
        }
        if (st == ZT_OK) {
            st = io_k14_read(o->deltas, o->scenario, o->horizon, region, o->p99, &dl, err);
        }
        if (st == ZT_OK) {
            st = station(&s, i, &c, &dl, w, err);
        }
        if (st == ZT_OK && !o->quiet) {
            printf("zoet forcing transform: station %d (region %s) done\n", s.id[i], region);
        }
    }
    if (st == ZT_OK) {
        char what[160], note[512];
        snprintf(what, sizeof what, "KNMI'14 %s %s, p99 %s", o->scenario && o->scenario[0] ? o->scenario : "",
                 o->horizon, o->p99);
        snprintf(note, sizeof note,
                 "Transformed from %s with KNMI's KNMI'14 change factors (%s) by zoet's own "
                 "implementation of KNMI's transformation (docs/knmi14-transform-spec.md): "
                 "precipitation by wet-day frequency and amounts, TG by quantile shifts, Q by "
                 "a capped monthly factor, ET0 recomputed by Makkink from TG and Q.",
                 o->in, o->deltas);
        st = io_stations_write_copy(o->in, o->out, &s, what, note, err);
    }
    zt_free(w);
    days_free(&c);
    io_stations_free(&s);
    return st;
}
