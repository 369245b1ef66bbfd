/*
 * peat.c: groundwater statistics and peat results of a run (peat.h;
 * docs/model.md §9).
 */
#include "peat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core_gxg.h"
#include "io_csv.h"
#include "io_file.h"
#include "io_nc.h"

#define NPROV 3

struct drv_peat {
    drv_peat_setup su;
    core_gxg *gxg;    /* over the active cells, in the order of su.d_cells */
    zt_idx nact;      /* active cells: su.d_start[su.nd] */
    double *dq;       /* [nact] the day's depths in that order */
    core_peat_params par;
    double *dec1;     /* [ncell] storage capacity of 1 December (mm), NaN: not in the run */
    double *inlet;    /* [nd] inlet for peat (m3); [nd]: have_dec1, for checkpoints */
    int have_dec1;
};


static const char *const prov_names[NPROV] = {"Groningen", "Fryslan", "Drenthe"};

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
    zt_free(p);
    *pp = NULL;
}

zt_status drv_peat_create(const drv_peat_setup *su, drv_peat **out, zt_err *err)
{
    const zt_idx n = zt_grid_ncell(&su->grid);
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
    p->inlet = zt_calloc((size_t)su->nd + 1, sizeof *p->inlet);
    p->dq = zt_malloc((size_t)(p->nact > 0 ? p->nact : 1) * sizeof *p->dq);
    if (!p->dec1 || !p->inlet || !p->dq) {
        drv_peat_destroy(&p);
        return zt_fail(err, ZT_ENOMEM, "peat results: out of memory");
    }
    for (zt_idx k = 0; k < n; k++) {
        p->dec1[k] = NAN;
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

void drv_peat_day(drv_peat *p, zt_day day, const double *depth)
{
    for (zt_idx q = 0; q < p->nact; q++) {
        p->dq[q] = depth[p->su.d_cells[q]];
    }
    core_gxg_day(p->gxg, day, p->dq);
}

void drv_peat_dec1(drv_peat *p, const double *cap_mm)
{
    memcpy(p->dec1, cap_mm, (size_t)zt_grid_ncell(&p->su.grid) * sizeof *cap_mm);
    p->have_dec1 = 1;
}

void drv_peat_inlet(drv_peat *p, int di, double m3)
{
    p->inlet[di] += m3;
}

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

/* Sums of one area (a district or a province). */
typedef struct area_sum {
    double peat_ha, in2040_ha, depth_ha, subs_ha, co2_t, inlet, cap_mm, ncap;
    int cells, methane;
} area_sum;

#define NV 9 /* values of a row */

static const char *const colnames[NV] = {
    "peat_area_ha",     "share_20_40cm", "summer_depth_peat_m",
    "subsidence_mm_yr", "co2_kt_yr",     "inlet_peat_Mm3",
    "inlet_peat_share_of_ijsselmeer", "storage_capacity_dec1_mm", "methane_cells"};

/* The values of a row. */
static void row_values(const area_sum *a, double ijssel, double v[NV])
{
    const double ha = a->peat_ha;
    v[0] = ha;
    v[1] = ha > 0.0 ? a->in2040_ha / ha : NAN;
    v[2] = ha > 0.0 ? a->depth_ha / ha : NAN;
    v[3] = ha > 0.0 ? a->subs_ha / ha : NAN;
    v[4] = 1e-3 * a->co2_t;
    v[5] = 1e-6 * a->inlet;
    v[6] = isfinite(ijssel) && ijssel > 0.0 ? a->inlet / ijssel : NAN;
    v[7] = a->ncap > 0 ? a->cap_mm / a->ncap : NAN;
    v[8] = a->methane;
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
 * not a peat table (no column peat_area_ha); a row that cannot be read is
 * ZT_EINPUT naming file, line and column.
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
    if (st != ZT_OK || io_csv_col(csv, colnames[0]) < 0) {
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
static void put_row(FILE *f, const char *name, const area_sum *a, double ijssel,
                    const base_table *base)
{
    static const char *const fmt[NV] = {"%.1f", "%.4f", "%.4f", "%.3f", "%.4f",
                                        "%.4f", "%.4g", "%.1f", "%.0f"};
    double v[NV];
    row_values(a, ijssel, v);
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
    double *ghg, *glg, *gvg, *sum, *ann, *subs, *co2;
    core_gxg_counts cnt;
} peat_cells;

static void cells_free(peat_cells *c)
{
    zt_free(c->ghg);
    zt_free(c->glg);
    zt_free(c->gvg);
    zt_free(c->sum);
    zt_free(c->ann);
    zt_free(c->subs);
    zt_free(c->co2);
}

/* The statistics of every cell, subsidence and CO2 of the peat cells. */
static zt_status cells_make(drv_peat *p, peat_cells *c, zt_err *err)
{
    const drv_peat_setup *su = &p->su;
    const size_t n = (size_t)zt_grid_ncell(&su->grid);
    c->ghg = zt_malloc(n * sizeof *c->ghg);
    c->glg = zt_malloc(n * sizeof *c->glg);
    c->gvg = zt_malloc(n * sizeof *c->gvg);
    c->sum = zt_malloc(n * sizeof *c->sum);
    c->ann = zt_malloc(n * sizeof *c->ann);
    c->subs = zt_malloc(n * sizeof *c->subs);
    c->co2 = zt_malloc(n * sizeof *c->co2);
    if (!c->ghg || !c->glg || !c->gvg || !c->sum || !c->ann || !c->subs || !c->co2) {
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
        const int peat = su->mask[k] == ZT_MASK_ACTIVE && su->soil[k] == ZT_SOIL_PEAT;
        c->subs[k] = peat ? core_peat_subsidence(&p->par, c->ann[k]) : NAN;
        c->co2[k] = peat ? core_peat_co2(&p->par, c->ann[k]) : NAN;
        if (su->mask[k] != ZT_MASK_ACTIVE) {
            c->ghg[k] = c->glg[k] = c->gvg[k] = c->sum[k] = c->ann[k] = NAN;
        }
    }
    return ZT_OK;
}

/* peat.nc: the gridded statistics; what a short run lacks is said. */
static zt_status write_grids(const drv_peat *p, const peat_cells *c, const char *dir, int quiet,
                             zt_err *err)
{
    const drv_peat_setup *su = &p->su;
    const core_gxg_counts cnt = c->cnt;
    double *ghg = c->ghg, *glg = c->glg, *gvg = c->gvg, *sum = c->sum, *ann = c->ann,
           *subs = c->subs, *co2 = c->co2;
    char path[4096];
    zt_status st;
    static const char *hy = "no complete hydrological year (1 April - 31 March) in the run";
    static const char *sp = "no year in the run holds 14 March, 28 March and 14 April";
    static const char *su_ = "no complete summer (1 April - 30 September) in the run";
    static const char *yr = "no complete calendar year in the run";
    const io_nc_field fields[] = {
        {"GHG", "mean highest groundwater, depth below surface", "m",
         cnt.hydro_years ? "mean of the 3 highest of the values on the 14th and 28th per "
                           "hydrological year"
                         : hy,
         ghg},
        {"GLG", "mean lowest groundwater, depth below surface", "m",
         cnt.hydro_years ? "mean of the 3 lowest of the values on the 14th and 28th per "
                           "hydrological year"
                         : hy,
         glg},
        {"GVG", "mean spring groundwater, depth below surface", "m",
         cnt.spring_years ? "mean of 14 March, 28 March and 14 April" : sp, gvg},
        {"summer_depth", "mean depth of the water table, April-September", "m",
         cnt.summers ? NULL : su_, sum},
        {"annual_depth", "mean depth of the water table over calendar years", "m",
         cnt.years ? NULL : yr, ann},
        {"subsidence", "subsidence of peat cells from the mean annual depth", "mm yr-1",
         cnt.years ? "default relation, to be calibrated (docs/model.md 9.2)" : yr, subs},
        {"co2", "CO2 emission of peat cells from the mean annual depth", "t ha-1 yr-1",
         cnt.years ? "default relation, to be calibrated (docs/model.md 9.2)" : yr, co2},
        {"storage_capacity_dec1", "storage capacity on 1 December: Sy x depth + root-zone "
                                  "deficit",
         "mm", p->have_dec1 ? NULL : "1 December is not in the run", p->dec1},
    };
    io_path_join(dir, "peat.nc", path, sizeof path);
    st = io_nc_write_fields(path, &su->grid, "zoet groundwater statistics and peat", fields,
                            (int)(sizeof fields / sizeof fields[0]), err);
    if (st != ZT_OK) {
        return st;
    }
    if (!quiet) {
        if (!cnt.hydro_years) {
            printf("zoet run: GHG and GLG: %s; written as missing\n", hy);
        }
        if (!cnt.spring_years) {
            printf("zoet run: GVG: %s; written as missing\n", sp);
        }
        if (!cnt.years) {
            printf("zoet run: subsidence and CO2: %s; written as missing\n", yr);
        }
    }
    return ZT_OK;
}

/* The sums of district di's cells. */
static void district_sum(const drv_peat *p, const peat_cells *c, int di, area_sum *a)
{
    const drv_peat_setup *su = &p->su;
    const double ha = su->cell_area / 1e4;
    memset(a, 0, sizeof *a);
    for (zt_idx q = su->d_start[di]; q < su->d_start[di + 1]; q++) {
        const zt_idx k = su->d_cells[q];
        if (isfinite(p->dec1[k])) {
            a->cap_mm += p->dec1[k];
            a->ncap += 1.0;
        }
        if (su->soil[k] != ZT_SOIL_PEAT) {
            continue;
        }
        a->peat_ha += ha;
        a->depth_ha += ha * c->sum[k];
        a->in2040_ha += c->sum[k] >= 0.20 && c->sum[k] <= 0.40 ? ha : 0.0;
        a->subs_ha += ha * c->subs[k];
        a->co2_t += ha * c->co2[k];
        a->methane += core_peat_methane(&p->par, c->ann[k]);
    }
    a->inlet = p->inlet[di];
}

/* Add the district's sums a to its province's b. */
static void province_add(area_sum *b, const area_sum *a)
{
    b->peat_ha += a->peat_ha;
    b->in2040_ha += a->in2040_ha;
    b->depth_ha += a->depth_ha;
    b->subs_ha += a->subs_ha;
    b->co2_t += a->co2_t;
    b->inlet += a->inlet;
    b->cap_mm += a->cap_mm;
    b->ncap += a->ncap;
    b->methane += a->methane;
}

/* peat_districts.csv and peat_provinces.csv (with the base's differences
 * when bd and bp are given); prov gets the provinces' sums. */
static zt_status write_tables(const drv_peat *p, const peat_cells *c, const char *dir,
                              double ijssel_m3, const base_table *bd, const base_table *bp,
                              area_sum prov[NPROV], zt_err *err)
{
    const drv_peat_setup *su = &p->su;
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
        snprintf(name, sizeof name, "%ld", (long)su->d_id[di]);
        put_row(f, name, &a, ijssel_m3, bd);
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
        put_row(f, prov_names[pi], &prov[pi], ijssel_m3, bp);
    }
    return io_text_close(f, path, 1, err);
}

zt_status drv_peat_write(drv_peat *p, const char *dir, double ijssel_m3, const char *base_dir,
                         int quiet, zt_err *err)
{
    base_table bd, bp;
    int have_base = 0;
    peat_cells c;
    area_sum prov[NPROV];
    zt_status st = ZT_OK;
    memset(&bd, 0, sizeof bd);
    memset(&bp, 0, sizeof bp);
    memset(&c, 0, sizeof c);
    if (base_dir) {
        char a[4096], b[4096];
        io_path_join(base_dir, "peat_districts.csv", a, sizeof a);
        io_path_join(base_dir, "peat_provinces.csv", b, sizeof b);
        int fd = 0, fp = 0;
        zt_status bst = base_load(a, &bd, &fd, err);
        if (bst == ZT_OK) {
            bst = base_load(b, &bp, &fp, err);
        }
        if (bst != ZT_OK) {
            base_free(&bd);
            return bst;
        }
        have_base = fd && fp;
        if (!have_base && !quiet) {
            printf("zoet run: warning: [peat] base: no peat tables in %s (run that scenario "
                   "first); the tables have no differences\n",
                   base_dir);
        }
    }
    st = cells_make(p, &c, err);
    if (st == ZT_OK) {
        st = write_grids(p, &c, dir, quiet, err);
    }
    if (st == ZT_OK) {
        st = write_tables(p, &c, dir, ijssel_m3, have_base ? &bd : NULL, have_base ? &bp : NULL,
                          prov, err);
    }
    if (st == ZT_OK && !quiet) {
        int meth = prov[0].methane + prov[1].methane + prov[2].methane;
        if (meth > 0) {
            printf("zoet run: warning: %d peat cells have a mean annual water table less than "
                   "%.2f m below surface: methane takes over there, the CO2 relation does not "
                   "hold (methane_cells in the peat tables)\n",
                   meth, p->par.ch4_depth);
        }
    }
    base_free(&bd);
    base_free(&bp);
    cells_free(&c);
    return st;
}

int drv_peat_state(drv_peat *p, zt_named_array *list, int max, zt_err *err)
{
    int n = core_gxg_state(p->gxg, list, max - 2);
    if (n > max - 2) {
        return zt_fail(err, ZT_EINTERNAL, "drv_peat_state: room for %d arrays", max), -1;
    }
    p->inlet[p->su.nd] = p->have_dec1;
    list[n++] = (zt_named_array){"peat_dec1", (size_t)zt_grid_ncell(&p->su.grid), p->dec1};
    list[n++] = (zt_named_array){"peat_inlet_and_flag", (size_t)p->su.nd + 1, p->inlet};
    return n;
}

void drv_peat_state_loaded(drv_peat *p)
{
    core_gxg_state_loaded(p->gxg);
    p->have_dec1 = (int)p->inlet[p->su.nd];
}
