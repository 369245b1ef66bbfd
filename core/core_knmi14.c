/*
 * core_knmi14.c: pieces of the KNMI'14 transformation (core_knmi14.h;
 * docs/knmi14-transform-spec.md).
 */
#include "core_knmi14.h"

#include <math.h>
#include <stdlib.h>

double core_k14_makkink(double tg, double q_kj)
{
    const double es = 6.107 * pow(10.0, 7.5 * tg / (237.3 + tg));      /* hPa */
    const double s = 7.5 * 237.3 / ((237.3 + tg) * (237.3 + tg)) * log(10.0) * es; /* hPa/K */
    const double gamma = 0.646 + 0.0006 * tg;                           /* hPa/K */
    const double lambda = 2.501e6 - 2.38e3 * tg;                        /* J/kg */
    /* Q (J/m2) / lambda (J/kg) = kg/m2 = mm */
    return 0.65 * s / (s + gamma) * (1000.0 * q_kj) / lambda;
}

double core_k14_quantile(const double *sorted, int n, double p)
{
    const double h = (n - 1) * p;
    const int i = (int)floor(h);
    if (i >= n - 1) {
        return sorted[n - 1];
    }
    return sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]);
}

double core_k14_temperature(double x, const double xp[5], const double yp[5])
{
    int k = 0; /* the segment: P01-P05, P05-P50, P50-P95, P95-P99 */
    if (x >= xp[3]) {
        k = 3;
    } else if (x >= xp[2]) {
        k = 2;
    } else if (x >= xp[1]) {
        k = 1;
    }
    const double w = xp[k + 1] - xp[k];
    if (!(w > 0.0)) {
        return x + (yp[k] - xp[k]); /* no width: the shift of the lower point */
    }
    return yp[k] + (x - xp[k]) * (yp[k + 1] - yp[k]) / w;
}

double core_k14_angot(double lat_deg, int doy)
{
    const double phi = lat_deg * M_PI / 180.0;
    const double dr = 1.0 + 0.033 * cos(2.0 * M_PI * doy / 365.0);
    const double decl = 0.409 * sin(2.0 * M_PI * doy / 365.0 - 1.39);
    double c = -tan(phi) * tan(decl);
    c = c < -1.0 ? -1.0 : (c > 1.0 ? 1.0 : c);
    const double ws = acos(c);
    /* MJ/m2/d (FAO-56 eq. 21, Gsc 0.0820 MJ/m2/min) to kJ */
    return 1000.0 * (24.0 * 60.0 / M_PI) * 0.0820 * dr *
           (ws * sin(phi) * sin(decl) + sin(ws) * cos(phi) * cos(decl));
}

/* mean(min(a x, cap)) */
static double capped_mean(const double *x, const double *cap, int n, double a)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) {
        const double y = a * x[i];
        s += y < cap[i] ? y : cap[i];
    }
    return s / n;
}

double core_k14_radiation_factor(const double *x, const double *cap, int n, double delta)
{
    if (delta <= 0.0 || n < 1) {
        return 1.0 + delta;
    }
    double m = 0.0;
    for (int i = 0; i < n; i++) {
        m += x[i];
    }
    const double want = (1.0 + delta) * m / n;
    double lo = 0.0, hi = 4.0;
    if (capped_mean(x, cap, n, hi) < want) {
        return hi;
    }
    while (hi - lo > 1e-9) {
        const double mid = 0.5 * (lo + hi);
        if (capped_mean(x, cap, n, mid) < want) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return 0.5 * (lo + hi);
}

/* The misfit F(b) of core_k14_exponent. */
static double misfit(const double *x, int n, double q_obs, double q_fut, double m_fut, double b)
{
    const double qb = pow(q_obs, b);
    double s = 0.0;
    for (int i = 0; i < n; i++) {
        s += x[i] < q_obs ? pow(x[i], b) : x[i] * qb / q_obs;
    }
    return q_fut / m_fut - qb / (s / n);
}

double core_k14_exponent(const double *x, int n, double q_obs, double q_fut, double m_fut,
                         int *bracketed)
{
    double lo = 0.1, hi = 3.0, b;
    const double flo = misfit(x, n, q_obs, q_fut, m_fut, lo);
    const double fhi = misfit(x, n, q_obs, q_fut, m_fut, hi);
    const int br = flo * fhi <= 0.0;
    if (br) {
        /* F falls with b */
        const double s = flo >= fhi ? 1.0 : -1.0;
        while (hi - lo > 1e-9) {
            const double mid = 0.5 * (lo + hi);
            if (s * misfit(x, n, q_obs, q_fut, m_fut, mid) > 0.0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        b = 0.5 * (lo + hi);
    } else {
        double best = INFINITY;
        b = 0.01;
        for (int k = 1; k <= 300; k++) {
            const double f = fabs(misfit(x, n, q_obs, q_fut, m_fut, 0.01 * k));
            if (f < best) {
                best = f;
                b = 0.01 * k;
            }
        }
    }
    if (bracketed) {
        *bracketed = br;
    }
    /* KNMI truncate to 3 decimals; the small guard keeps 1.5 - 1e-12 at 1.5 */
    return floor(1000.0 * b + 1e-6) / 1000.0;
}

double core_k14_wet_amount(double x, double b, double q_obs, double q_fut)
{
    const double y = x < q_obs ? (q_fut / pow(q_obs, b)) * pow(x, b) : (q_fut / q_obs) * x;
    return y < CORE_K14_WET ? CORE_K14_WET : y;
}

/* ---- step 1: the number of wet days --------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A target of drying: its amount and its month. */
typedef struct k14_target {
    double t;
    int month;
} k14_target;

static int cmp_target(const void *a, const void *b)
{
    return cmp_double(&((const k14_target *)a)->t, &((const k14_target *)b)->t);
}

/* The month's wet values of x, sorted, into w; their number. */
static int month_wet(const double *x, const int *month, int n, int m, double *w)
{
    int nw = 0;
    for (int d = 0; d < n; d++) {
        if (month[d] == m && x[d] >= CORE_K14_WET) {
            w[nw++] = x[d];
        }
    }
    qsort(w, (size_t)nw, sizeof *w, cmp_double);
    return nw;
}

/* The k-th (1-based) of `count` targets spaced over nw sorted values. */
static double spaced(const double *w, int nw, int count, int k)
{
    int i = (int)rint((k - 0.5) * (double)nw / count);
    i = i < 1 ? 1 : (i > nw ? nw : i);
    return w[i - 1];
}

/* The wet day of month m next to a dry day whose x is closest to t; -1: none. */
static int closest_edge(const double *x, const int *month, int n, int m, double t)
{
    int best = -1;
    double bd = INFINITY;
    for (int d = 0; d < n; d++) {
        if (month[d] != m || x[d] < CORE_K14_WET) {
            continue;
        }
        const int edge = d == 0 || x[d - 1] < CORE_K14_WET || d == n - 1 || x[d + 1] < CORE_K14_WET;
        if (edge && fabs(x[d] - t) < bd) {
            bd = fabs(x[d] - t);
            best = d;
        }
    }
    return best;
}

zt_status core_k14_dry(double *rr, const int *month, const int32_t *ymd, int n,
                       const double wdf[12], int *changed, zt_err *err)
{
    double *x = zt_malloc((size_t)(n > 0 ? n : 1) * sizeof *x);
    double *w = zt_malloc((size_t)(n > 0 ? n : 1) * sizeof *w);
    k14_target *tg = zt_malloc((size_t)(n > 0 ? n : 1) * sizeof *tg);
    int nt = 0;
    *changed = 0;
    if (!x || !w || !tg) {
        zt_free(x);
        zt_free(w);
        zt_free(tg);
        return zt_fail(err, ZT_ENOMEM, "knmi14: out of memory for %d days", n);
    }
    /* later dates slightly larger: ties between equal amounts go by date */
    for (int d = 0; d < n; d++) {
        x[d] = rr[d] >= CORE_K14_WET ? rr[d] + 1e-10 * (double)ymd[d] : rr[d];
    }
    for (int m = 1; m <= 12; m++) {
        if (!(wdf[m - 1] < 0.0)) {
            continue;
        }
        const int nw = month_wet(x, month, n, m, w);
        const int nd = (int)rint(-wdf[m - 1] / 100.0 * nw);
        for (int k = 1; k <= nd; k++) {
            tg[nt++] = (k14_target){spaced(w, nw, nd, k), m};
        }
    }
    qsort(tg, (size_t)nt, sizeof *tg, cmp_target);
    for (int i = 0; i < nt; i++) {
        const int d = closest_edge(x, month, n, tg[i].month, tg[i].t);
        if (d >= 0) {
            x[d] = 0.0;
            rr[d] = 0.0;
            (*changed)++;
        }
    }
    zt_free(x);
    zt_free(w);
    zt_free(tg);
    return ZT_OK;
}

/* A day chosen for wetting: its index and the day before's amount. */
typedef struct k14_pick {
    double prev;
    int d;
} k14_pick;

static int cmp_pick(const void *a, const void *b)
{
    const k14_pick *p = a, *q = b;
    const int c = cmp_double(&p->prev, &q->prev);
    return c ? c : (p->d > q->d) - (p->d < q->d);
}

/* Wet month m of rr (prev: the day before's amounts, fixed). */
static void wet_month(double *rr, const double *prev, const int *month, int n, int m,
                      double wdf, double *w, k14_pick *pk, int *changed)
{
    const int nw = month_wet(rr, month, n, m, w);
    const int na = (int)rint(wdf / 100.0 * nw);
    if (na <= 0) {
        return;
    }
    const double step = (double)nw / na;
    int s = 0, c = 0;
    for (int d = 0; d < n && s < na; d++) {
        if (month[d] != m) {
            continue;
        }
        c += rr[d] >= CORE_K14_WET;
        if (rr[d] < CORE_K14_WET && prev[d] >= CORE_K14_WET && c >= (s + 0.5) * step) {
            pk[s++] = (k14_pick){prev[d], d};
        }
    }
    qsort(pk, (size_t)s, sizeof *pk, cmp_pick);
    for (int r = 0; r < s; r++) {
        rr[pk[r].d] = spaced(w, nw, na, r + 1);
    }
    *changed += s;
}

zt_status core_k14_wet(double *rr, const int *month, int n, const double wdf[12], int *changed,
                       zt_err *err)
{
    const size_t n1 = (size_t)(n > 0 ? n : 1);
    double *prev = zt_malloc(n1 * sizeof *prev);
    double *w = zt_malloc(n1 * sizeof *w);
    k14_pick *pk = zt_malloc(n1 * sizeof *pk);
    *changed = 0;
    if (!prev || !w || !pk) {
        zt_free(prev);
        zt_free(w);
        zt_free(pk);
        return zt_fail(err, ZT_ENOMEM, "knmi14: out of memory for %d days", n);
    }
    for (int d = 0; d < n; d++) {
        prev[d] = d == 0 ? 1.0 : rr[d - 1]; /* the first day follows a wet day */
    }
    for (int m = 1; m <= 12; m++) {
        if (wdf[m - 1] > 0.0) {
            wet_month(rr, prev, month, n, m, wdf[m - 1], w, pk, changed);
        }
    }
    zt_free(prev);
    zt_free(w);
    zt_free(pk);
    return ZT_OK;
}

/* ---- step 2: the wet-day amounts ------------------------------------------ */

const double core_k14_p99_ratio[12] = {2.22,  2.271, 2.366, 2.147, 2.346, 2.166,
                                       2.276, 2.404, 2.476, 2.087, 2.336, 2.18};

/* A month's climatology of the series as given. */
typedef struct k14_clim {
    double q_obs, q_fut, m_fut;
    int nwet;
} k14_clim;

static void climatology(const double *rr, const int *month, int n, int m,
                        const core_k14_rr_delta *dl, double *w, k14_clim *c)
{
    int ndays = 0;
    double sum = 0.0;
    for (int d = 0; d < n; d++) {
        if (month[d] == m) {
            ndays++;
            sum += rr[d];
        }
    }
    c->nwet = month_wet(rr, month, n, m, w);
    if (c->nwet == 0) {
        return;
    }
    const double f_obs = (double)c->nwet / ndays, m_obs = sum / ndays;
    c->q_obs = core_k14_quantile(w, c->nwet, 0.90) * core_k14_p99_ratio[m - 1];
    c->q_fut = c->q_obs * (1.0 + dl->p99 / 100.0);
    c->m_fut = m_obs * (1.0 + dl->ave / 100.0) / (f_obs * (1.0 + dl->wdf / 100.0));
}

zt_status core_k14_precip(double *rr, const int *month, const int32_t *ymd, int n,
                          const core_k14_rr_delta delta[12], double b[12], zt_err *err)
{
    k14_clim c[12];
    double wdf[12];
    int changed;
    double *w = zt_malloc((size_t)(n > 0 ? n : 1) * sizeof *w);
    if (!w) {
        return zt_fail(err, ZT_ENOMEM, "knmi14: out of memory for %d days", n);
    }
    for (int m = 1; m <= 12; m++) {
        climatology(rr, month, n, m, &delta[m - 1], w, &c[m - 1]);
        wdf[m - 1] = delta[m - 1].wdf;
    }
    zt_status st = core_k14_dry(rr, month, ymd, n, wdf, &changed, err);
    if (st == ZT_OK) {
        st = core_k14_wet(rr, month, n, wdf, &changed, err);
    }
    for (int m = 1; st == ZT_OK && m <= 12; m++) {
        const k14_clim *k = &c[m - 1];
        const int nw = month_wet(rr, month, n, m, w);
        double bm = NAN;
        if (k->nwet > 0 && nw > 0) {
            bm = core_k14_exponent(w, nw, k->q_obs, k->q_fut, k->m_fut, NULL);
            for (int d = 0; d < n; d++) {
                if (month[d] == m && rr[d] >= CORE_K14_WET) {
                    rr[d] = core_k14_wet_amount(rr[d], bm, k->q_obs, k->q_fut);
                }
            }
        }
        if (b) {
            b[m - 1] = bm;
        }
    }
    zt_free(w);
    return st;
}

/* ---- temperature and radiation series --------------------------------------- */

zt_status core_k14_temperature_series(double *t, const int *month, int n, const double shift[12][5],
                                      zt_err *err)
{
    static const double p[5] = {0.01, 0.05, 0.50, 0.95, 0.99};
    double *w = zt_malloc((size_t)(n > 0 ? n : 1) * sizeof *w);
    if (!w) {
        return zt_fail(err, ZT_ENOMEM, "knmi14: out of memory for %d days", n);
    }
    for (int m = 1; m <= 12; m++) {
        int nm = 0;
        double xp[5], yp[5];
        for (int d = 0; d < n; d++) {
            if (month[d] == m && !isnan(t[d])) {
                w[nm++] = t[d];
            }
        }
        if (nm == 0) {
            continue;
        }
        qsort(w, (size_t)nm, sizeof *w, cmp_double);
        for (int k = 0; k < 5; k++) {
            xp[k] = core_k14_quantile(w, nm, p[k]);
            yp[k] = xp[k] + shift[m - 1][k];
        }
        for (int d = 0; d < n; d++) {
            if (month[d] == m && !isnan(t[d])) {
                t[d] = core_k14_temperature(t[d], xp, yp);
            }
        }
    }
    zt_free(w);
    return ZT_OK;
}

zt_status core_k14_radiation_series(double *q, const int *month, const int *doy, int n,
                                    double lat_deg, const double delta[12], zt_err *err)
{
    double *x = zt_malloc((size_t)(n > 0 ? n : 1) * sizeof *x);
    double *cap = zt_malloc((size_t)(n > 0 ? n : 1) * sizeof *cap);
    if (!x || !cap) {
        zt_free(x);
        zt_free(cap);
        return zt_fail(err, ZT_ENOMEM, "knmi14: out of memory for %d days", n);
    }
    for (int m = 1; m <= 12; m++) {
        int nm = 0;
        for (int d = 0; d < n; d++) {
            if (month[d] == m && !isnan(q[d])) {
                x[nm] = q[d];
                cap[nm++] = 0.75 * core_k14_angot(lat_deg, doy[d]);
            }
        }
        if (nm == 0) {
            continue;
        }
        const double a = core_k14_radiation_factor(x, cap, nm, delta[m - 1] / 100.0);
        for (int d = 0; d < n; d++) {
            if (month[d] == m && !isnan(q[d])) {
                const double y = a * q[d], c = 0.75 * core_k14_angot(lat_deg, doy[d]);
                q[d] = y < c ? y : c;
            }
        }
    }
    zt_free(x);
    zt_free(cap);
    return ZT_OK;
}
