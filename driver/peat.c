/*
 * peat.c: groundwater statistics and peat results of a run, the sums
 * (peat.h; docs/model.md §9). The files: peat_write.c.
 */
#include "peat.h"

#include <math.h>
#include <string.h>

#include "peat_internal.h"

void drv_peat_destroy(drv_peat **pp)
{
    drv_peat *p;
    if (!pp || !*pp) {
        return;
    }
    p = *pp;
    core_gxg_destroy(&p->gxg);
    zt_free(p->dec1);
    zt_free(p->dq);
    zt_free(p->inlet);
    zt_free(p->month);
    zt_free(p->mdays);
    zt_free(p->ysum);
    zt_free(p->years);
    zt_free(p);
    *pp = NULL;
}

zt_status drv_peat_create(const drv_peat_setup *su, drv_peat **out, zt_err *err)
{
    const zt_idx n = zt_grid_ncell(&su->grid);
    const size_t nd1 = (size_t)su->nd + 1;
    drv_peat *p = zt_calloc(1, sizeof *p);
    zt_status st;
    *out = NULL;
    if (!p) {
        return zt_fail(err, ZT_ENOMEM, "peat results: out of memory");
    }
    p->su = *su;
    core_peat_defaults(&p->par);
    p->nact = su->d_start[su->nd];
    p->dec1 = zt_malloc((size_t)n * sizeof *p->dec1);
    p->inlet = zt_calloc(nd1, sizeof *p->inlet);
    p->month = zt_calloc(nd1 * 12 * PM_COUNT, sizeof *p->month);
    p->mdays = zt_calloc(DRV_PEAT_NDAYS, sizeof *p->mdays);
    p->dq = zt_malloc((size_t)(p->nact > 0 ? p->nact : 1) * sizeof *p->dq);
    int y1, mo, d;
    zt_day_to_ymd(su->first, &p->y0, &mo, &d);
    zt_day_to_ymd(su->last, &y1, &mo, &d);
    p->nyears = y1 - p->y0 + 1;
    p->ysum = zt_calloc((size_t)p->nact + 1, sizeof *p->ysum);
    p->years = zt_malloc((size_t)p->nyears * DRV_PEAT_NPROV * PY_COUNT * sizeof *p->years);
    if (!p->dec1 || !p->inlet || !p->month || !p->mdays || !p->dq || !p->ysum || !p->years) {
        drv_peat_destroy(&p);
        return zt_fail(err, ZT_ENOMEM, "peat results: out of memory");
    }
    for (zt_idx k = 0; k < n; k++) {
        p->dec1[k] = NAN;
    }
    for (size_t i = 0; i < (size_t)p->nyears * DRV_PEAT_NPROV * PY_COUNT; i++) {
        p->years[i] = NAN;
    }
    /* the statistics of the active cells only (the others are written as
       NaN): 15 doubles a cell */
    st = core_gxg_create(p->nact, &p->gxg, err);
    if (st != ZT_OK) {
        drv_peat_destroy(&p);
        return st;
    }
    *out = p;
    return ZT_OK;
}

/* A complete summer (1 April - 30 September, 183 days) ends: its mean
 * depth per peat cell, summed per province into year y's row. */
static void summer_end(drv_peat *p, int y)
{
    const drv_peat_setup *su = &p->su;
    const double ha = su->cell_area / 1e4, days = p->ysum[p->nact];
    double *row = p->years + (size_t)(y - p->y0) * DRV_PEAT_NPROV * PY_COUNT;
    for (int i = 0; i < DRV_PEAT_NPROV * PY_COUNT; i++) {
        row[i] = 0.0;
    }
    for (int di = 0; di < su->nd; di++) {
        const int pi = zt_prov_index(su->d_prov[di]);
        for (zt_idx q = su->d_start[di]; pi >= 0 && q < su->d_start[di + 1]; q++) {
            const double s = p->ysum[q] / days;
            double *r = row + pi * PY_COUNT;
            if (su->soil[su->d_cells[q]] != ZT_SOIL_PEAT || isnan(s)) {
                continue;
            }
            r[PY_HA] += ha;
            r[PY_IN] += s >= 0.20 && s <= 0.40 ? ha : 0.0;
            r[PY_ABOVE] += s < 0.20 ? ha : 0.0;
            r[PY_BELOW] += s > 0.40 ? ha : 0.0;
            r[PY_DEPTH] += ha * s;
        }
    }
}

/* The summer sums of the day (days of April to September). */
static void summer_day(drv_peat *p, int y, int mo, int d)
{
    if (mo < 4 || mo > 9) {
        return;
    }
    if (mo == 4 && d == 1) {
        memset(p->ysum, 0, ((size_t)p->nact + 1) * sizeof *p->ysum);
    }
    for (zt_idx q = 0; q < p->nact; q++) {
        p->ysum[q] += p->dq[q];
    }
    p->ysum[p->nact] += 1.0;
    if (mo == 9 && d == 30 && p->ysum[p->nact] == 183.0 && y >= p->y0 && y < p->y0 + p->nyears) {
        summer_end(p, y);
    }
}

void drv_peat_day(drv_peat *p, zt_day day, const double *depth)
{
    int y, mo, d;
    for (zt_idx q = 0; q < p->nact; q++) {
        p->dq[q] = depth[p->su.d_cells[q]];
    }
    core_gxg_day(p->gxg, day, p->dq);
    zt_day_to_ymd(day, &y, &mo, &d);
    summer_day(p, y, mo, d);
    if (p->mdays[12] == 0.0) {
        p->mdays[13] = (double)day;
    }
    p->mdays[14] = (double)day;
    p->mdays[mo - 1] += 1.0;
    p->mdays[12] += 1.0;
}

void drv_peat_dec1(drv_peat *p, const double *cap_mm)
{
    memcpy(p->dec1, cap_mm, (size_t)zt_grid_ncell(&p->su.grid) * sizeof *cap_mm);
    p->have_dec1 = 1;
}

void drv_peat_inlet(drv_peat *p, int di, zt_day day, double supplied_m3, double demand_m3)
{
    int y, mo, d;
    zt_day_to_ymd(day, &y, &mo, &d);
    double *m = p->month + ((size_t)di * 12 + (size_t)(mo - 1)) * PM_COUNT;
    p->inlet[di] += supplied_m3;
    m[PM_INLET] += supplied_m3;
    m[PM_DEMAND] += demand_m3;
}

int drv_peat_state(drv_peat *p, zt_named_array *list, int max, zt_err *err)
{
    int n = core_gxg_state(p->gxg, list, max - 6);
    if (n > max - 6) {
        return zt_fail(err, ZT_EINTERNAL, "drv_peat_state: room for %d arrays", max), -1;
    }
    p->inlet[p->su.nd] = p->have_dec1;
    list[n++] = (zt_named_array){"peat_dec1", (size_t)zt_grid_ncell(&p->su.grid), p->dec1};
    list[n++] = (zt_named_array){"peat_inlet_and_flag", (size_t)p->su.nd + 1, p->inlet};
    list[n++] = (zt_named_array){"peat_month", (size_t)p->su.nd * 12 * PM_COUNT, p->month};
    list[n++] = (zt_named_array){"peat_month_days", DRV_PEAT_NDAYS, p->mdays};
    list[n++] = (zt_named_array){"peat_summer_sums", (size_t)p->nact + 1, p->ysum};
    list[n++] = (zt_named_array){"peat_years", (size_t)p->nyears * DRV_PEAT_NPROV * PY_COUNT,
                                 p->years};
    return n;
}

void drv_peat_state_loaded(drv_peat *p)
{
    core_gxg_state_loaded(p->gxg);
    p->have_dec1 = (int)p->inlet[p->su.nd];
}
