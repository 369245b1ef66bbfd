/*
 * core_gxg.c: GHG, GLG, GVG, mean summer and annual depth per cell
 * (core_gxg.h; docs/model.md §9).
 *
 * Streaming: per cell the 3 smallest and 3 largest depths of the current
 * hydrological year's sample dates (the 14th and 28th), the spring values,
 * and running sums; a period is added when its last day passes and the run
 * held its first day. Every cell shares the dates, so the counts are
 * global; a NaN depth makes the cell's statistic NaN.
 */
#include "core_gxg.h"

#include <assert.h>
#include <math.h>
#include <string.h>

struct core_gxg {
    zt_idx n;
    zt_day last;        /* the last day seen, or ZT_DAY_NONE */
    int have_day;
    /* hydrological year */
    int hy_on, hy_samples;
    double *hi, *lo;    /* [3n]: smallest and largest depths, sorted */
    double *sum_hg, *sum_lg;
    int nhy;
    /* spring */
    int sp_on;
    double *v14, *v28, *sum_vg;
    int nsp;
    /* summer and calendar year */
    int su_on, su_days, yr_on, yr_days;
    double *su_cur, *su_sum, *yr_cur, *yr_sum;
    int nsu, nyr;
    double scalars[13];   /* the scalars above as doubles, for checkpoints */
};

void core_gxg_destroy(core_gxg **pg)
{
    core_gxg *g;
    if (!pg || !*pg) {
        return;
    }
    g = *pg;
    zt_free(g->hi);
    zt_free(g->lo);
    zt_free(g->sum_hg);
    zt_free(g->sum_lg);
    zt_free(g->v14);
    zt_free(g->v28);
    zt_free(g->sum_vg);
    zt_free(g->su_cur);
    zt_free(g->su_sum);
    zt_free(g->yr_cur);
    zt_free(g->yr_sum);
    zt_free(g);
    *pg = NULL;
}

zt_status core_gxg_create(zt_idx n, core_gxg **out, zt_err *err)
{
    core_gxg *g = zt_calloc(1, sizeof *g);
    size_t m = (size_t)(n > 0 ? n : 1);
    *out = NULL;
    if (!g) {
        return zt_fail(err, ZT_ENOMEM, "groundwater statistics: out of memory");
    }
    g->n = n;
    g->hi = zt_calloc(3 * m, sizeof *g->hi);
    g->lo = zt_calloc(3 * m, sizeof *g->lo);
    g->sum_hg = zt_calloc(m, sizeof *g->sum_hg);
    g->sum_lg = zt_calloc(m, sizeof *g->sum_lg);
    g->v14 = zt_calloc(m, sizeof *g->v14);
    g->v28 = zt_calloc(m, sizeof *g->v28);
    g->sum_vg = zt_calloc(m, sizeof *g->sum_vg);
    g->su_cur = zt_calloc(m, sizeof *g->su_cur);
    g->su_sum = zt_calloc(m, sizeof *g->su_sum);
    g->yr_cur = zt_calloc(m, sizeof *g->yr_cur);
    g->yr_sum = zt_calloc(m, sizeof *g->yr_sum);
    if (!g->hi || !g->lo || !g->sum_hg || !g->sum_lg || !g->v14 || !g->v28 || !g->sum_vg ||
        !g->su_cur || !g->su_sum || !g->yr_cur || !g->yr_sum) {
        core_gxg_destroy(&g);
        return zt_fail(err, ZT_ENOMEM, "groundwater statistics: out of memory for %lld cells",
                       (long long)n);
    }
    *out = g;
    return ZT_OK;
}

/* Put depth d into the sorted triple t (ascending) if it belongs there:
 * smallest (want_small) or largest. count: how many are filled (0-3). */
static void keep3(double *t, int count, double d, int want_small)
{
    int i;
    if (count < 3) {
        i = count;
        t[i] = d;
    } else if (want_small ? d < t[2] : d > t[0]) {
        if (want_small) {
            i = 2;
            t[2] = d;
        } else {
            /* drop the smallest: shift down, insert from the top */
            t[0] = t[1];
            t[1] = t[2];
            t[2] = d;
            i = 2;
        }
    } else {
        return;
    }
    /* restore ascending order around position i */
    while (i > 0 && t[i] < t[i - 1]) {
        double x = t[i];
        t[i] = t[i - 1];
        t[i - 1] = x;
        i--;
    }
}

/* One day of a mean over a period from its first to its last day: a
 * period counts (into sum and count) only when the run held its first day. */
static void period_day(zt_idx n, int first, int last, const double *depth, int *on, int *days,
                       double *cur, double *sum, int *count)
{
    if (first) {
        *on = 1;
        *days = 0;
        memset(cur, 0, (size_t)n * sizeof *cur);
    }
    if (!*on) {
        return;
    }
    for (zt_idx k = 0; k < n; k++) {
        cur[k] += depth[k];
    }
    (*days)++;
    if (last) {
        for (zt_idx k = 0; k < n; k++) {
            sum[k] += cur[k] / *days;
        }
        (*count)++;
        *on = 0;
    }
}

void core_gxg_day(core_gxg *g, zt_day day, const double *depth)
{
    int y, m, d;
    const zt_idx n = g->n;

    assert(!g->have_day || day == g->last + 1);
    g->have_day = 1;
    g->last = day;
    zt_day_to_ymd(day, &y, &m, &d);

    /* calendar year; summer half, 1 April - 30 September */
    period_day(n, m == 1 && d == 1, m == 12 && d == 31, depth, &g->yr_on, &g->yr_days, g->yr_cur,
               g->yr_sum, &g->nyr);
    period_day(n, m == 4 && d == 1, m == 9 && d == 30, depth, &g->su_on, &g->su_days, g->su_cur,
               g->su_sum, &g->nsu);
    if (d != 14 && d != 28) {
        return;
    }
    /* spring: 14 March, 28 March, 14 April of one year */
    if (m == 3 && d == 14) {
        g->sp_on = 1;
        memcpy(g->v14, depth, (size_t)n * sizeof *depth);
    } else if (m == 3 && d == 28 && g->sp_on) {
        memcpy(g->v28, depth, (size_t)n * sizeof *depth);
    } else if (m == 4 && d == 14 && g->sp_on) {
        for (zt_idx k = 0; k < n; k++) {
            g->sum_vg[k] += (g->v14[k] + g->v28[k] + depth[k]) / 3.0;
        }
        g->nsp++;
        g->sp_on = 0;
    }
    /* hydrological year: from 14 April to 28 March, 24 dates */
    if (m == 4 && d == 14) {
        g->hy_on = 1;
        g->hy_samples = 0;
    }
    if (g->hy_on) {
        for (zt_idx k = 0; k < n; k++) {
            const double x = depth[k];
            double *hi = g->hi + 3 * k, *lo = g->lo + 3 * k;
            if (isnan(x) || (g->hy_samples > 0 && isnan(hi[0]))) {
                hi[0] = hi[1] = hi[2] = lo[0] = lo[1] = lo[2] = NAN;
                continue;
            }
            keep3(hi, g->hy_samples, x, 1);
            keep3(lo, g->hy_samples, x, 0);
        }
        g->hy_samples++;
        if (m == 3 && d == 28) {
            assert(g->hy_samples == 24);
            for (zt_idx k = 0; k < n; k++) {
                const double *hi = g->hi + 3 * k, *lo = g->lo + 3 * k;
                g->sum_hg[k] += (hi[0] + hi[1] + hi[2]) / 3.0;
                g->sum_lg[k] += (lo[0] + lo[1] + lo[2]) / 3.0;
            }
            g->nhy++;
            g->hy_on = 0;
        }
    }
}

/* out[k] = sum[k] / count, or NaN when count is 0. */
static void mean_of(const double *sum, int count, zt_idx n, double *out)
{
    if (!out) {
        return;
    }
    for (zt_idx k = 0; k < n; k++) {
        out[k] = count > 0 ? sum[k] / count : NAN;
    }
}

void core_gxg_get(const core_gxg *g, double *ghg, double *glg, double *gvg, double *summer,
                  double *annual, core_gxg_counts *counts)
{
    mean_of(g->sum_hg, g->nhy, g->n, ghg);
    mean_of(g->sum_lg, g->nhy, g->n, glg);
    mean_of(g->sum_vg, g->nsp, g->n, gvg);
    mean_of(g->su_sum, g->nsu, g->n, summer);
    mean_of(g->yr_sum, g->nyr, g->n, annual);
    if (counts) {
        counts->hydro_years = g->nhy;
        counts->spring_years = g->nsp;
        counts->summers = g->nsu;
        counts->years = g->nyr;
    }
}

/* The scalars of the state, in the order they are saved. */
#define GXG_NSCALAR 13

int core_gxg_state(core_gxg *g, zt_named_array *list, int max)
{
    const size_t m = (size_t)(g->n > 0 ? g->n : 1);
    const zt_named_array all[] = {
        {"gxg_scalars", GXG_NSCALAR, g->scalars}, {"gxg_high3", 3 * m, g->hi},
        {"gxg_low3", 3 * m, g->lo},              {"gxg_sum_hg", m, g->sum_hg},
        {"gxg_sum_lg", m, g->sum_lg},            {"gxg_v14", m, g->v14},
        {"gxg_v28", m, g->v28},                  {"gxg_sum_vg", m, g->sum_vg},
        {"gxg_summer", m, g->su_cur},            {"gxg_summer_sum", m, g->su_sum},
        {"gxg_year", m, g->yr_cur},              {"gxg_year_sum", m, g->yr_sum}};
    const double sc[GXG_NSCALAR] = {(double)g->last, g->have_day, g->hy_on,  g->hy_samples,
                                    g->nhy,          g->sp_on,    g->nsp,    g->su_on,
                                    g->su_days,      g->yr_on,    g->yr_days, g->nsu,
                                    g->nyr};
    const int n = (int)(sizeof all / sizeof all[0]);
    memcpy(g->scalars, sc, sizeof sc);
    if (n <= max) {
        memcpy(list, all, (size_t)n * sizeof *list);
    }
    return n;
}

void core_gxg_state_loaded(core_gxg *g)
{
    const double *b = g->scalars;
    g->last = (zt_day)b[0];
    g->have_day = (int)b[1];
    g->hy_on = (int)b[2];
    g->hy_samples = (int)b[3];
    g->nhy = (int)b[4];
    g->sp_on = (int)b[5];
    g->nsp = (int)b[6];
    g->su_on = (int)b[7];
    g->su_days = (int)b[8];
    g->yr_on = (int)b[9];
    g->yr_days = (int)b[10];
    g->nsu = (int)b[11];
    g->nyr = (int)b[12];
}
