/*
 * peat_write.c: the files of the peat results (peat.h; docs/model.md §9.4):
 * peat.nc, peat_districts.csv, peat_provinces.csv, peat_months.csv and
 * peat_years.csv.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_csv.h"
#include "io_file.h"
#include "io_nc.h"
#include "peat_internal.h"

#define NPROV DRV_PEAT_NPROV

static const char *const prov_names[NPROV] = {"Groningen", "Fryslan", "Drenthe"};

/* Days of the calendar months in a common year (the monthly volumes). */
static const double month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

/* Values a[q] of the active cells (q < nact, in the order of d_cells) to
 * their grid cells a[d_cells[q]], the others NaN. In place: the cell lists
 * of the districts, taken together, are not in grid order, so the values
 * go through dq. */
static void spread_active(drv_peat *p, double *a)
{
    const zt_idx n = zt_grid_ncell(&p->su.grid);
    memcpy(p->dq, a, (size_t)p->nact * sizeof *a);
    for (zt_idx k = 0; k < n; k++) {
        a[k] = NAN;
    }
    for (zt_idx q = 0; q < p->nact; q++) {
        a[p->su.d_cells[q]] = p->dq[q];
    }
}

/* Sums of one area (a district or a province); the per-area sums of the
 * GxG count only the peat cells where the statistic exists. */
typedef struct area_sum {
    double peat_ha, sum_ha, in2040_ha, above_ha, below_ha, depth_ha, subs_ha, subs_ox_ha, co2_t;
    double gxg_ha[3], gxg_n[3];
    double inlet, demand, summer_inlet, cap_mm, ncap;
    int methane, thin;
} area_sum;

enum {
    C_AREA, C_SHARE, C_ABOVE, C_BELOW, C_DEPTH, C_GHG, C_GLG, C_GVG, C_SUBS, C_SUBS_OX, C_CO2E,
    C_INLET, C_INLET_MMD, C_SHORT, C_IJSSEL, C_CAP, C_METHANE, C_THIN, NV
};

static const char *const colnames[NV] = {
    "peat_area_ha",          "share_20_40cm",          "share_above_20cm",
    "share_below_40cm",      "summer_depth_peat_m",    "GHG_peat_m",
    "GLG_peat_m",            "GVG_peat_m",             "subsidence_mm_yr",
    "subsidence_oxidation_mm_yr", "co2e_kt_yr",        "inlet_peat_Mm3_yr",
    "inlet_peat_summer_mm_d", "shortage_peat_Mm3_yr",  "inlet_peat_share_of_ijsselmeer",
    "storage_capacity_dec1_mm", "methane_cells",       "peat_above_water_table_cells"};

/* The run's days: its whole calendar years (0 when it does not begin on
 * 1 January and end on 31 December: the values per year are then NaN) and
 * its summer days (April-September). */
typedef struct run_days {
    int years;
    double summer;
} run_days;

static run_days days_of(const drv_peat *p)
{
    run_days r = {0, 0.0};
    int y0, m0, d0, y1, m1, d1;
    for (int mo = 3; mo < 9; mo++) {
        r.summer += p->mdays[mo];
    }
    if (p->mdays[12] > 0.0) {
        zt_day_to_ymd((zt_day)p->mdays[13], &y0, &m0, &d0);
        zt_day_to_ymd((zt_day)p->mdays[14], &y1, &m1, &d1);
        if (m0 == 1 && d0 == 1 && m1 == 12 && d1 == 31) {
            r.years = y1 - y0 + 1;
        }
    }
    return r;
}

/* The values of a row. */
static void row_values(const area_sum *a, double ijssel, run_days rd, double v[NV])
{
    const double ha = a->peat_ha;
    const double per_year = rd.years > 0 ? 1.0 / rd.years : NAN;
    v[C_AREA] = ha;
    /* the summer values over the cells that have one (none: no complete
       summer in the run) */
    const double sha = a->sum_ha;
    v[C_SHARE] = sha > 0.0 ? a->in2040_ha / sha : NAN;
    v[C_ABOVE] = sha > 0.0 ? a->above_ha / sha : NAN;
    v[C_BELOW] = sha > 0.0 ? a->below_ha / sha : NAN;
    v[C_DEPTH] = sha > 0.0 ? a->depth_ha / sha : NAN;
    for (int i = 0; i < 3; i++) {
        v[C_GHG + i] = a->gxg_n[i] > 0.0 ? a->gxg_ha[i] / a->gxg_n[i] : NAN;
    }
    v[C_SUBS] = ha > 0.0 ? a->subs_ha / ha : NAN;
    v[C_SUBS_OX] = ha > 0.0 ? a->subs_ox_ha / ha : NAN;
    v[C_CO2E] = 1e-3 * a->co2_t;
    v[C_INLET] = 1e-6 * a->inlet * per_year;
    /* m3 / (ha x 1e4 m2) x 1e3 mm/m / days */
    v[C_INLET_MMD] = ha > 0.0 && rd.summer > 0.0 ? 0.1 * a->summer_inlet / ha / rd.summer : NAN;
    v[C_SHORT] = 1e-6 * (a->demand > a->inlet ? a->demand - a->inlet : 0.0) * per_year;
    v[C_IJSSEL] = isfinite(ijssel) && ijssel > 0.0 ? a->inlet / ijssel : NAN;
    v[C_CAP] = a->ncap > 0 ? a->cap_mm / a->ncap : NAN;
    v[C_METHANE] = a->methane;
    v[C_THIN] = a->thin;
}
/* The rows of a base table (the scenario a run extends). */
typedef struct base_table {
    int n;
    char (*name)[32];
    double (*v)[NV];
} base_table;

static void base_free(base_table *b)
{
    zt_free(b->name);
    zt_free(b->v);
    memset(b, 0, sizeof *b);
}

/*
 * Read a peat table written by drv_peat_write (the columns are found by
 * name; "nan" is a value). *found = 0 when there is no such file or it is
 * not a peat table of this version (a column is missing: an older zoet
 * wrote it); a row that cannot be read is ZT_EINPUT naming file, line and
 * column.
 */
static zt_status base_load(const char *path, base_table *b, int *found, zt_err *err)
{
    io_csv *csv = NULL;
    int cap = 0, got = 0, col[NV];
    zt_status st;

    memset(b, 0, sizeof *b);
    *found = 0;
    if (access(path, F_OK) != 0) {
        return ZT_OK; /* that scenario has not been run */
    }
    st = io_csv_open(path, "the base's peat table", ZT_EINPUT, NULL, &csv, err);
    if (st == ZT_OK) {
        st = io_csv_header(csv, err);
    }
    for (int i = 0; i < NV && st == ZT_OK; i++) {
        if (io_csv_col(csv, colnames[i]) < 0) {
            io_csv_close(&csv);
            return ZT_OK;
        }
    }
    if (st != ZT_OK) {
        io_csv_close(&csv);
        return st;
    }
    for (int i = 0; i < NV && st == ZT_OK; i++) {
        st = io_csv_require(csv, colnames[i], &col[i], err);
    }
    while (st == ZT_OK && (st = io_csv_next(csv, &got, err)) == ZT_OK && got) {
        if (b->n == cap) {
            cap = cap ? 2 * cap : 64;
            char(*nn)[32] = zt_realloc(b->name, (size_t)cap * sizeof *nn);
            if (nn) {
                b->name = nn;
            }
            double(*nv)[NV] = nn ? zt_realloc(b->v, (size_t)cap * sizeof *nv) : NULL;
            if (!nn || !nv) {
                st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
                break;
            }
            b->v = nv;
        }
        snprintf(b->name[b->n], sizeof b->name[b->n], "%s", io_csv_field(csv, 0));
        for (int i = 0; i < NV && st == ZT_OK; i++) {
            st = io_csv_double(csv, col[i], &b->v[b->n][i], err);
        }
        b->n++;
    }
    io_csv_close(&csv);
    if (st != ZT_OK) {
        base_free(b);
        return st;
    }
    *found = 1;
    return ZT_OK;
}

/* One row, and with a base its differences from the base's row of the
 * same name (NaN where the base has none). */
static void put_row(FILE *f, const char *name, const area_sum *a, double ijssel, run_days rd,
                    const base_table *base)
{
    static const char *const fmt[NV] = {"%.1f", "%.4f", "%.4f", "%.4f", "%.4f", "%.4f",
                                        "%.4f", "%.4f", "%.3f", "%.3f", "%.4f", "%.4f",
                                        "%.4f", "%.4f", "%.4g", "%.1f", "%.0f", "%.0f"};
    double v[NV];
    row_values(a, ijssel, rd, v);
    fputs(name, f);
    for (int i = 0; i < NV; i++) {
        fputc(',', f);
        fprintf(f, fmt[i], v[i]);
    }
    if (base) {
        const double *bv = NULL;
        for (int r = 0; r < base->n && !bv; r++) {
            if (strcmp(base->name[r], name) == 0) {
                bv = base->v[r];
            }
        }
        for (int i = 0; i < NV; i++) {
            fputc(',', f);
            fprintf(f, fmt[i], bv ? v[i] - bv[i] : NAN);
        }
    }
    fputc('\n', f);
}

/* The header: the columns, and with a base their differences (d_...). */
static void put_header(FILE *f, const char *first, int with_base)
{
    fputs(first, f);
    for (int i = 0; i < NV; i++) {
        fprintf(f, ",%s", colnames[i]);
    }
    for (int i = 0; with_base && i < NV; i++) {
        fprintf(f, ",d_%s", colnames[i]);
    }
    fputc('\n', f);
}


/* The per-cell statistics the files are written from (m, mm/yr, t/ha/yr;
 * NaN outside the active or peat cells). */
typedef struct peat_cells {
    double *ghg, *glg, *gvg, *sum, *ann, *subs, *subs_ox, *co2e, *thick;
    core_gxg_counts cnt;
} peat_cells;

#define NCELLARR 9

static double **cell_arrays(peat_cells *c, double **a[NCELLARR])
{
    a[0] = &c->ghg;
    a[1] = &c->glg;
    a[2] = &c->gvg;
    a[3] = &c->sum;
    a[4] = &c->ann;
    a[5] = &c->subs;
    a[6] = &c->subs_ox;
    a[7] = &c->co2e;
    a[8] = &c->thick;
    return a[0];
}

static void cells_free(peat_cells *c)
{
    double **a[NCELLARR];
    cell_arrays(c, a);
    for (int i = 0; i < NCELLARR; i++) {
        zt_free(*a[i]);
    }
}

/* The statistics of every cell; subsidence and CO2e of the peat cells. */
static zt_status cells_make(drv_peat *p, peat_cells *c, zt_err *err)
{
    const drv_peat_setup *su = &p->su;
    const size_t n = (size_t)zt_grid_ncell(&su->grid);
    double **a[NCELLARR];
    int bad = 0;
    cell_arrays(c, a);
    for (int i = 0; i < NCELLARR; i++) {
        *a[i] = zt_malloc(n * sizeof **a[i]);
        bad |= *a[i] == NULL;
    }
    if (bad) {
        return zt_fail(err, ZT_ENOMEM, "peat results: out of memory");
    }
    /* the active cells' statistics into the first nact values, then spread
       over the grid */
    core_gxg_get(p->gxg, c->ghg, c->glg, c->gvg, c->sum, c->ann, &c->cnt);
    spread_active(p, c->ghg);
    spread_active(p, c->glg);
    spread_active(p, c->gvg);
    spread_active(p, c->sum);
    spread_active(p, c->ann);
    for (size_t k = 0; k < n; k++) {
        const int act = su->mask[k] == ZT_MASK_ACTIVE;
        const int peat = act && su->soil[k] == ZT_SOIL_PEAT;
        const double t = su->thickness && act ? (double)su->thickness[k] : NAN;
        c->thick[k] = t;
        c->subs[k] = peat ? core_peat_subsidence(&p->par, c->ann[k], t) : NAN;
        c->subs_ox[k] = peat ? core_peat_subsidence_ox(&p->par, c->ann[k], t) : NAN;
        c->co2e[k] = peat ? core_peat_co2e(&p->par, c->ann[k], t) : NAN;
        if (!act) {
            c->ghg[k] = c->glg[k] = c->gvg[k] = c->sum[k] = c->ann[k] = NAN;
        }
    }
    return ZT_OK;
}

/* The messages for statistics without a complete period. */
static const char *const msg_hy = "no complete hydrological year (1 April - 31 March) in the run";
static const char *const msg_sp = "no year in the run holds 14 March, 28 March and 14 April";
static const char *const msg_su = "no complete summer (1 April - 30 September) in the run";
static const char *const msg_yr = "no complete calendar year in the run";

/* peat.nc: the gridded statistics. */
static zt_status write_grids(const drv_peat *p, const peat_cells *c, const char *dir, zt_err *err)
{
    const core_gxg_counts cnt = c->cnt;
    static const char *rel = "default relation, to be calibrated (docs/model.md 9.2)";
    char path[4096];
    const io_nc_field fields[] = {
        {"GHG", "mean highest groundwater, depth below surface", "m",
         cnt.hydro_years ? "mean of the 3 highest of the values on the 14th and 28th per "
                           "hydrological year"
                         : msg_hy,
         c->ghg},
        {"GLG", "mean lowest groundwater, depth below surface", "m",
         cnt.hydro_years ? "mean of the 3 lowest of the values on the 14th and 28th per "
                           "hydrological year"
                         : msg_hy,
         c->glg},
        {"GVG", "mean spring groundwater, depth below surface", "m",
         cnt.spring_years ? "mean of 14 March, 28 March and 14 April" : msg_sp, c->gvg},
        {"summer_depth", "mean depth of the water table, April-September", "m",
         cnt.summers ? NULL : msg_su, c->sum},
        {"annual_depth", "mean depth of the water table over calendar years", "m",
         cnt.years ? NULL : msg_yr, c->ann},
        {"subsidence", "subsidence of peat cells: oxidation, consolidation and creep",
         "mm yr-1", cnt.years ? rel : msg_yr, c->subs},
        {"subsidence_oxidation", "oxidative part of the subsidence of peat cells", "mm yr-1",
         cnt.years ? rel : msg_yr, c->subs_ox},
        {"co2e", "CO2-equivalent emission (CO2 and CH4, GWP100) of peat cells from the "
                 "depth of the aerated peat",
         "t ha-1 yr-1", cnt.years ? rel : msg_yr, c->co2e},
        {"storage_capacity_dec1", "storage capacity on 1 December: Sy x depth + root-zone "
                                  "deficit",
         "mm", p->have_dec1 ? NULL : "1 December is not in the run", p->dec1},
    };
    io_path_join(dir, "peat.nc", path, sizeof path);
    return io_nc_write_fields(path, &p->su.grid, "zoet groundwater statistics and peat", fields,
                              (int)(sizeof fields / sizeof fields[0]), err);
}

/* What a short run lacks, on the terminal. */
static void say_missing(const core_gxg_counts *cnt)
{
    if (!cnt->hydro_years) {
        printf("zoet run: GHG and GLG: %s; written as missing\n", msg_hy);
    }
    if (!cnt->spring_years) {
        printf("zoet run: GVG: %s; written as missing\n", msg_sp);
    }
    if (!cnt->years) {
        printf("zoet run: subsidence and CO2e: %s; written as missing\n", msg_yr);
    }
}

/* The peat cell k's terms into a. */
static void peat_cell_add(const drv_peat *p, const peat_cells *c, zt_idx k, double ha, area_sum *a)
{
    const double s = c->sum[k];
    const double g[3] = {c->ghg[k], c->glg[k], c->gvg[k]};
    a->peat_ha += ha;
    if (!isnan(s)) {
        a->sum_ha += ha;
        a->depth_ha += ha * s;
        a->in2040_ha += s >= 0.20 && s <= 0.40 ? ha : 0.0;
        a->above_ha += s < 0.20 ? ha : 0.0;
        a->below_ha += s > 0.40 ? ha : 0.0;
    }
    a->subs_ha += ha * c->subs[k];
    a->subs_ox_ha += ha * c->subs_ox[k];
    a->co2_t += ha * c->co2e[k];
    for (int i = 0; i < 3; i++) {
        if (!isnan(g[i])) {
            a->gxg_ha[i] += ha * g[i];
            a->gxg_n[i] += ha;
        }
    }
    a->methane += core_peat_methane(&p->par, c->ann[k]);
    a->thin += !isnan(c->thick[k]) && c->thick[k] < c->ann[k];
}

/* The sums of district di's cells. */
static void district_sum(const drv_peat *p, const peat_cells *c, int di, area_sum *a)
{
    const drv_peat_setup *su = &p->su;
    const double ha = su->cell_area / 1e4;
    const double *m = p->month + (size_t)di * 12 * PM_COUNT;
    memset(a, 0, sizeof *a);
    for (zt_idx q = su->d_start[di]; q < su->d_start[di + 1]; q++) {
        const zt_idx k = su->d_cells[q];
        if (isfinite(p->dec1[k])) {
            a->cap_mm += p->dec1[k];
            a->ncap += 1.0;
        }
        if (su->soil[k] == ZT_SOIL_PEAT) {
            peat_cell_add(p, c, k, ha, a);
        }
    }
    a->inlet = p->inlet[di];
    for (int mo = 0; mo < 12; mo++) {
        a->demand += m[mo * PM_COUNT + PM_DEMAND];
        a->summer_inlet += mo >= 3 && mo < 9 ? m[mo * PM_COUNT + PM_INLET] : 0.0;
    }
}

/* Add the district's sums a to its province's b. */
static void province_add(area_sum *b, const area_sum *a)
{
    b->peat_ha += a->peat_ha;
    b->sum_ha += a->sum_ha;
    b->in2040_ha += a->in2040_ha;
    b->above_ha += a->above_ha;
    b->below_ha += a->below_ha;
    b->depth_ha += a->depth_ha;
    b->subs_ha += a->subs_ha;
    b->subs_ox_ha += a->subs_ox_ha;
    b->co2_t += a->co2_t;
    for (int i = 0; i < 3; i++) {
        b->gxg_ha[i] += a->gxg_ha[i];
        b->gxg_n[i] += a->gxg_n[i];
    }
    b->inlet += a->inlet;
    b->demand += a->demand;
    b->summer_inlet += a->summer_inlet;
    b->cap_mm += a->cap_mm;
    b->ncap += a->ncap;
    b->methane += a->methane;
    b->thin += a->thin;
}

/* peat_districts.csv and peat_provinces.csv (with the base's differences
 * when bd and bp are given); prov gets the provinces' sums, peat_ha[nd] the
 * districts' peat areas (ha). */
static zt_status write_tables(const drv_peat *p, const peat_cells *c, const char *dir,
                              double ijssel_m3, const base_table *bd, const base_table *bp,
                              area_sum prov[NPROV], double *peat_ha, zt_err *err)
{
    const drv_peat_setup *su = &p->su;
    const run_days rd = days_of(p);
    char path[4096];
    FILE *f = NULL;
    memset(prov, 0, NPROV * sizeof *prov);
    io_path_join(dir, "peat_districts.csv", path, sizeof path);
    zt_status st = io_text_open(path, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    put_header(f, "district", bd != NULL);
    for (int di = 0; di < su->nd; di++) {
        area_sum a;
        char name[32];
        district_sum(p, c, di, &a);
        peat_ha[di] = a.peat_ha;
        snprintf(name, sizeof name, "%ld", (long)su->d_id[di]);
        put_row(f, name, &a, ijssel_m3, rd, bd);
        const int pi = zt_prov_index(su->d_prov[di]);
        if (pi >= 0) {
            province_add(&prov[pi], &a);
        }
    }
    st = io_text_close(f, path, 1, err);
    if (st != ZT_OK) {
        return st;
    }
    io_path_join(dir, "peat_provinces.csv", path, sizeof path);
    st = io_text_open(path, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    put_header(f, "province", bp != NULL);
    for (int pi = 0; pi < NPROV; pi++) {
        put_row(f, prov_names[pi], &prov[pi], ijssel_m3, rd, bp);
    }
    return io_text_close(f, path, 1, err);
}

/* The monthly rows of one area: m[12][PM_COUNT] summed over the run, the
 * peat area ha. Per month the mean day of the run in that month, times
 * the month's days (a common year): Mm3 in that month of a year, and mm/d
 * over the peat area. */
static void put_months(FILE *f, const char *name, const double *m, double ha, const double *mdays)
{
    for (int mo = 0; mo < 12; mo++) {
        const double n = mdays[mo];
        const double in = n > 0.0 ? m[mo * PM_COUNT + PM_INLET] / n : NAN;
        const double dem = n > 0.0 ? m[mo * PM_COUNT + PM_DEMAND] / n : NAN;
        /* signed: a month that makes up an earlier month's deficit gives
           more than it asks, and the months add up to the run's shortage */
        const double sh = dem - in;
        fprintf(f, "%s,%d,%.1f,%.0f,%.4f,%.4f,%.4f,%.4f\n", name, mo + 1, ha, n,
                1e-6 * in * month_days[mo], ha > 0.0 ? 0.1 * in / ha : NAN,
                1e-6 * dem * month_days[mo], 1e-6 * sh * month_days[mo]);
    }
}

/* peat_months.csv: per district and province and calendar month, with the
 * districts' and provinces' peat areas of write_tables. */
static zt_status write_months(const drv_peat *p, const double *peat_ha, const area_sum prov[NPROV],
                              const char *dir, zt_err *err)
{
    const drv_peat_setup *su = &p->su;
    double pm[NPROV][12 * PM_COUNT];
    char path[4096];
    FILE *f = NULL;
    memset(pm, 0, sizeof pm);
    io_path_join(dir, "peat_months.csv", path, sizeof path);
    zt_status st = io_text_open(path, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    fputs("area,month,peat_area_ha,days,inlet_peat_Mm3,inlet_peat_mm_d,demand_peat_Mm3,"
          "shortage_peat_Mm3\n",
          f);
    for (int di = 0; di < su->nd; di++) {
        char name[32];
        const double *m = p->month + (size_t)di * 12 * PM_COUNT;
        snprintf(name, sizeof name, "%ld", (long)su->d_id[di]);
        put_months(f, name, m, peat_ha[di], p->mdays);
        const int pi = zt_prov_index(su->d_prov[di]);
        if (pi >= 0) {
            for (int i = 0; i < 12 * PM_COUNT; i++) {
                pm[pi][i] += m[i];
            }
        }
    }
    for (int pi = 0; pi < NPROV; pi++) {
        put_months(f, prov_names[pi], pm[pi], prov[pi].peat_ha, p->mdays);
    }
    return io_text_close(f, path, 1, err);
}

/* peat_years.csv: per complete summer of the run and province. */
static zt_status write_years(const drv_peat *p, const char *dir, zt_err *err)
{
    char path[4096];
    FILE *f = NULL;
    io_path_join(dir, "peat_years.csv", path, sizeof path);
    zt_status st = io_text_open(path, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    fputs("year,province,peat_area_ha,share_20_40cm,share_above_20cm,share_below_40cm,"
          "summer_depth_peat_m\n",
          f);
    for (int y = 0; y < p->nyears; y++) {
        for (int pi = 0; pi < NPROV; pi++) {
            const double *r = p->years + ((size_t)y * NPROV + (size_t)pi) * PY_COUNT;
            const double ha = r[PY_HA];
            if (!(ha > 0.0)) {
                continue; /* no complete summer that year, or no peat */
            }
            fprintf(f, "%d,%s,%.1f,%.4f,%.4f,%.4f,%.4f\n", p->y0 + y, prov_names[pi], ha,
                    r[PY_IN] / ha, r[PY_ABOVE] / ha, r[PY_BELOW] / ha, r[PY_DEPTH] / ha);
        }
    }
    return io_text_close(f, path, 1, err);
}

/* The base's tables (the scenario this run extends), when it has them. */
static zt_status base_tables(const char *base_dir, base_table *bd, base_table *bp, int *have,
                             int quiet, zt_err *err)
{
    char a[4096], b[4096];
    int fd = 0, fp = 0;
    *have = 0;
    if (!base_dir) {
        return ZT_OK;
    }
    io_path_join(base_dir, "peat_districts.csv", a, sizeof a);
    io_path_join(base_dir, "peat_provinces.csv", b, sizeof b);
    zt_status st = base_load(a, bd, &fd, err);
    if (st == ZT_OK) {
        st = base_load(b, bp, &fp, err);
    }
    if (st != ZT_OK) {
        base_free(bd);
        return st;
    }
    *have = fd && fp;
    if (!*have && !quiet) {
        printf("zoet run: warning: [peat] base: no peat tables of this version in %s (run that "
               "scenario first); the tables have no differences\n",
               base_dir);
    }
    return ZT_OK;
}

zt_status drv_peat_check_base(const char *base_dir, zt_err *err)
{
    base_table bd, bp;
    int have = 0;
    memset(&bd, 0, sizeof bd);
    memset(&bp, 0, sizeof bp);
    zt_status st = base_tables(base_dir, &bd, &bp, &have, 1, err);
    base_free(&bd);
    base_free(&bp);
    return st;
}

zt_status drv_peat_write(drv_peat *p, const char *dir, double ijssel_m3, const char *base_dir,
                         int quiet, zt_err *err)
{
    base_table bd, bp;
    int have_base = 0;
    peat_cells c;
    area_sum prov[NPROV];
    memset(&bd, 0, sizeof bd);
    memset(&bp, 0, sizeof bp);
    memset(&c, 0, sizeof c);
    double *peat_ha = zt_malloc((size_t)(p->su.nd > 0 ? p->su.nd : 1) * sizeof *peat_ha);
    zt_status st = peat_ha ? base_tables(base_dir, &bd, &bp, &have_base, quiet, err)
                           : zt_fail(err, ZT_ENOMEM, "peat results: out of memory");
    if (st == ZT_OK) {
        st = cells_make(p, &c, err);
    }
    if (st == ZT_OK) {
        st = write_grids(p, &c, dir, err);
    }
    if (st == ZT_OK) {
        st = write_tables(p, &c, dir, ijssel_m3, have_base ? &bd : NULL, have_base ? &bp : NULL,
                          prov, peat_ha, err);
    }
    if (st == ZT_OK) {
        st = write_months(p, peat_ha, prov, dir, err);
    }
    if (st == ZT_OK) {
        st = write_years(p, dir, err);
    }
    if (st == ZT_OK && !quiet) {
        say_missing(&c.cnt);
        const int meth = prov[0].methane + prov[1].methane + prov[2].methane;
        if (meth > 0) {
            printf("zoet run: warning: %d peat cells have a mean annual water table less than "
                   "%.2f m below surface: methane takes over there, the emission relation does "
                   "not hold (methane_cells in the peat tables)\n",
                   meth, p->par.ch4_depth);
        }
    }
    base_free(&bd);
    base_free(&bp);
    cells_free(&c);
    zt_free(peat_ha);
    return st;
}
