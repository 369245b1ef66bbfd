/*
 * run_outputs.c: the outputs of `zoet run` (run_internal.h): the catalogue of
 * gridded variables, the daily district series, opening, closing and
 * continuing the writers, the summary line.
 */
#include "run_internal.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_file.h"

/* ---- the output catalogue ------------------------------------------------ */

static const io_var_spec catalogue[CORE_V_COUNT] = {
    {"P", "precipitation", "mm d-1", "mm", NULL, 1},
    {"ET0", "Makkink reference evaporation", "mm d-1", "mm", NULL, 1},
    {"ETp", "potential evapotranspiration (crop factor x ET0; open water 1.25 x ET0)", "mm d-1",
     "mm", NULL, 1},
    {"ETact", "actual evapotranspiration (interception + transpiration + open water)", "mm d-1",
     "mm", NULL, 1},
    {"Ei", "interception evaporation", "mm d-1", "mm", NULL, 1},
    {"Ta", "actual transpiration", "mm d-1", "mm", NULL, 1},
    {"Eow", "open-water evaporation", "mm d-1", "mm", NULL, 1},
    {"perc", "percolation from the root zone to groundwater", "mm d-1", "mm", NULL, 1},
    {"CR", "capillary rise from groundwater into the root zone", "mm d-1", "mm", NULL, 1},
    {"recharge", "net recharge to groundwater (percolation - capillary rise)", "mm d-1", "mm",
     NULL, 1},
    {"runoff", "paved runoff to the district", "mm d-1", "mm", NULL, 1},
    {"ownet", "open water: precipitation - evaporation, to the district", "mm d-1", "mm", NULL, 1},
    {"sprinkling", "sprinkling applied", "mm d-1", "mm", NULL, 1},
    {"sprinkling_demand", "sprinkling demand", "mm d-1", "mm", NULL, 1},
    {"S", "root-zone storage above wilting point (unpaved part)", "mm", NULL, NULL, 0},
    {"deficit", "root-zone deficit, Smax - S (unpaved part)", "mm", NULL, NULL, 0},
    {"head", "phreatic groundwater head (m NAP)", "m", NULL, NULL, 0},
    {"gw_depth", "depth of the water table below surface", "m", NULL, NULL, 0},
    {"drain_ditch", "drainage to the district's ditches (infiltration excluded)", "mm d-1", "mm",
     NULL, 1},
    {"infiltration", "infiltration from the district's ditches into groundwater", "mm d-1", "mm",
     NULL, 1},
    {"drain_trench", "drainage to trenches (greppels)", "mm d-1", "mm", NULL, 1},
    {"drain_tile", "drainage to tile drains", "mm d-1", "mm", NULL, 1},
    {"seepage", "seepage from the deep aquifer (kwel > 0, wegzijging < 0)", "mm d-1", "mm", NULL,
     1},
    {"spill", "groundwater spilling above the surface to the district", "mm d-1", "mm", NULL, 1},
    {"district_level", "water level of the cell's district (m NAP)", "m", NULL, NULL, 0},
    {"inlet_demand",
     "new inlet demand of the cell's district (a shortage carried is not counted again), per unit "
     "of its area",
     "mm d-1", "mm",
     NULL, 1},
};

const io_var_spec *drv_output_catalogue(int *n)
{
    *n = CORE_V_COUNT;
    return catalogue;
}

/* ---- district series ------------------------------------------------------- */

/* District series written per day. */
enum {
    D_LEVEL,
    D_STORAGE,
    D_P,
    D_ET0,
    D_ETACT,
    D_TA,
    D_RECHARGE,
    D_S,
    D_GWDEPTH,
    D_TO_DISTRICT,
    D_DRAINAGE,
    D_INFILTRATION,
    D_SPILL,
    D_SPRDEM,
    D_SPR,
    D_SPR_SW,
    D_FLUSHING,
    D_DISCHARGE,
    D_DEMAND,
    D_DEMAND_PEAT,
    D_DEMAND_NATURE,
    D_DEMAND_FLUSHING,
    D_DEMAND_CAPITAL,
    D_DEMAND_AGRI,
    D_SUPPLIED,
    D_SHORTAGE,
    D_COUNT
};

static const io_var_spec district_vars[D_COUNT] = {
    {"level", "water level of the district's ditches (m NAP)", "m", NULL, NULL, 0},
    {"storage", "water stored above (> 0) or missing below (< 0) the target level", "m3", NULL,
     NULL, 0},
    {"P", "precipitation, district mean", "mm d-1", NULL, NULL, 1},
    {"ET0", "Makkink reference evaporation, district mean", "mm d-1", NULL, NULL, 1},
    {"ETact", "actual evapotranspiration, district mean", "mm d-1", NULL, NULL, 1},
    {"Ta", "actual transpiration, district mean", "mm d-1", NULL, NULL, 1},
    {"recharge", "net recharge to groundwater, district mean", "mm d-1", NULL, NULL, 1},
    {"S", "root-zone storage, district mean over land", "mm", NULL, NULL, 0},
    {"gw_depth", "depth of the water table below surface, district mean", "m", NULL, NULL, 0},
    {"to_district", "paved runoff + open-water P - E, into the district's water", "m3 s-1", NULL,
     NULL, 1},
    {"drainage", "groundwater drainage into ditches, trenches and tile drains", "m3 s-1", NULL,
     NULL, 1},
    {"infiltration", "infiltration from the ditches into groundwater", "m3 s-1", NULL, NULL, 1},
    {"spill", "groundwater spilling above the surface", "m3 s-1", NULL, NULL, 1},
    {"sprinkling_demand", "sprinkling demand", "m3 s-1", NULL, NULL, 1},
    {"sprinkling", "sprinkling applied (surface water and groundwater)", "m3 s-1", NULL, NULL, 1},
    {"sprinkling_surface", "sprinkling withdrawn from the district's water", "m3 s-1", NULL, NULL,
     1},
    {"flushing", "flushing against salinisation", "m3 s-1", NULL, NULL, 1},
    {"discharge", "pumped out of the district", "m3 s-1", NULL, NULL, 1},
    {"demand", "inlet demand: the water that keeps the level at target", "m3 s-1", NULL, NULL, 1},
    {"demand_peat", "inlet demand for peat level maintenance", "m3 s-1", NULL, NULL, 1},
    {"demand_nature", "inlet demand for wet nature", "m3 s-1", NULL, NULL, 1},
    {"demand_flushing", "inlet demand for flushing", "m3 s-1", NULL, NULL, 1},
    {"demand_capital", "inlet demand for sprinkling capital-intensive crops", "m3 s-1", NULL, NULL,
     1},
    {"demand_agri", "inlet demand for other agriculture", "m3 s-1", NULL, NULL, 1},
    {"supplied", "inlet supplied", "m3 s-1", NULL, NULL, 1},
    {"shortage", "inlet demand not supplied", "m3 s-1", NULL, NULL, 1},
};

/* The district series of the day into tsval[v * nd + di]. */
void drv_out_district_series(const run_ctx *c, double *tsval)
{
    const core_cpl *m = c->m;
    const double a = m->cell_area;
    const int coupled = m->cfg.mode == CORE_CPL_COUPLED;
    for (int di = 0; di < m->nd; di++) {
        const double *ds = m->dsum + (size_t)di * CORE_S_COUNT;
        const double area = m->d_area[di];
        const double ncells = area / a;
        double v[D_COUNT];
        memset(v, 0, sizeof v);
        v[D_LEVEL] = m->gw_on ? m->dlevel[di] : NAN;
        v[D_STORAGE] = coupled ? m->dv[di] : NAN;
        v[D_P] = 1e3 * a * ds[CORE_S_P] / area;
        v[D_ET0] = 1e3 * a * ds[CORE_S_ET0] / area;
        v[D_ETACT] = 1e3 * a * ds[CORE_S_ETACT] / area;
        v[D_TA] = 1e3 * a * ds[CORE_S_TA] / area;
        v[D_RECHARGE] = 1e3 * a * (m->rz_on ? ds[CORE_S_RECHARGE] : ds[CORE_S_GWREACH]) / area;
        v[D_S] = m->d_land[di] > 0 ? 1e3 * a * ds[CORE_S_S] / m->d_land[di] : 0.0;
        v[D_GWDEPTH] = m->gw_on ? ds[CORE_S_DEPTH] / ncells : NAN;
        v[D_TO_DISTRICT] = a * ds[CORE_S_RUNOFF] / 86400.0;
        v[D_DRAINAGE] = a * ds[CORE_S_DRAIN] / 86400.0;
        v[D_INFILTRATION] =
            a * (ds[CORE_S_INF_PEAT] + ds[CORE_S_INF_NATURE] + ds[CORE_S_INF_AGRI]) / 86400.0;
        v[D_SPILL] = a * ds[CORE_S_SPILL] / 86400.0;
        v[D_SPRDEM] = a * ds[CORE_S_SPRDEM] / 86400.0;
        v[D_SPR] = a * ds[CORE_S_SPR] / 86400.0;
        v[D_SPR_SW] = a * (ds[CORE_S_SPR_SW_CAP] + ds[CORE_S_SPR_SW_AGRI]) / 86400.0;
        if (coupled) {
            const core_district_out *o = &m->dout[di];
            v[D_FLUSHING] = m->flush[di] / 86400.0;
            v[D_DISCHARGE] = o->discharge / 86400.0;
            v[D_DEMAND] = o->demand / 86400.0;
            for (int cc = 0; cc < CORE_DCAT_COUNT; cc++) {
                v[D_DEMAND_PEAT + cc] = o->demand_cat[cc] / 86400.0;
            }
            v[D_SUPPLIED] = o->supplied / 86400.0;
            v[D_SHORTAGE] = o->shortage / 86400.0;
            if (c->sup) {
                /* with the network: the demand as the supply accounting
                 * reports it (new demand; sprinkling and flushing not done
                 * included) */
                const double *rd = m->rep + (size_t)di * CORE_DCAT_COUNT;
                const double *rr = m->real + (size_t)di * CORE_DCAT_COUNT;
                double dsum = 0.0, rsum = 0.0;
                for (int cc = 0; cc < CORE_DCAT_COUNT; cc++) {
                    v[D_DEMAND_PEAT + cc] = rd[cc] / 86400.0;
                    dsum += rd[cc];
                    rsum += rr[cc];
                }
                v[D_DEMAND] = dsum / 86400.0;
                v[D_SUPPLIED] = rsum / 86400.0;
                v[D_SHORTAGE] = (dsum - rsum) / 86400.0;
            }
        }
        for (int i = 0; i < D_COUNT; i++) {
            tsval[(size_t)i * m->nd + di] = v[i];
        }
    }
}

/* Open the writers in dir (the output set's staging folder). */
zt_status drv_out_open(run_ctx *c, run_out *w, const char *dir, int ndays, zt_err *err)
{
    const io_scenario *sc = c->sc;
    io_gridout_opts go;
    char name[64];
    zt_status st = ZT_OK;
    snprintf(name, sizeof name, "grids_%s.nc", io_agg_name(sc->agg));
    io_path_join(dir, name, w->path_grid, sizeof w->path_grid);
    io_path_join(dir, "districts.nc", w->path_dnc, sizeof w->path_dnc);
    io_path_join(dir, "districts.csv", w->path_dcsv, sizeof w->path_dcsv);
    io_path_join(dir, "balance.csv", w->path_bal, sizeof w->path_bal);
    w->gvars = zt_calloc((size_t)(c->nsel ? c->nsel : 1), sizeof *w->gvars);
    w->tsval = zt_calloc((size_t)c->m->nd * D_COUNT + 1, sizeof *w->tsval);
    if (!w->gvars || !w->tsval) {
        return zt_fail(err, ZT_ENOMEM, "out of memory");
    }
    for (int i = 0; i < c->nsel; i++) {
        w->gvars[i] = catalogue[c->sel[i]];
    }
    memset(&go, 0, sizeof go);
    go.agg = sc->agg;
    go.deflate = sc->deflate;
    go.nsd = sc->nsd;
    go.async = 1;
    go.title = sc->name;
    go.history = "zoet run";
    /* the model accumulates over its list of active cells (core_cpl_acc) */
    go.cells = c->m->d_cells;
    go.ncells = c->m->d_start[c->m->nd];
    if (c->nsel > 0) {
        st = io_gridout_create(w->path_grid, &c->dom->g, c->outmask, w->gvars, c->nsel, &go,
                               &w->grid, err);
    }
    if (st == ZT_OK && sc->districts) {
        st = io_tsout_create(w->path_dnc, w->path_dcsv, "district", c->m->d_id,
                             (const char *const *)c->d_name, c->m->nd, district_vars, D_COUNT,
                             sc->start, ndays, &w->ts, err);
    }
    if (st == ZT_OK && c->sup) {
        st = drv_supply_open(c->sup, dir, sc->start, ndays, c->m->d_id, c->d_name, sc->supply_users,
                             err);
    }
    if (st == ZT_OK && c->lake) {
        st = drv_lake_open(c->lake, dir, sc->start, ndays, err);
    }
    if (st == ZT_OK) {
        static const char *const lake_cols[] = {
            "lake_inflow_m3",  "lake_precipitation_m3", "lake_evaporation_m3",
            "lake_withdrawal_m3", "lake_sluicing_m3",   "lake_pumping_m3",
            "lake_storage_change_m3", "lake_error_m3",  "lake_level_m"};
        st = io_balance_open(w->path_bal, core_cpl_bterm_names, CORE_B_COUNT, lake_cols,
                             c->lake ? DRV_LAKE_NBAL : 0, &w->bal, err);
    }
    return st;
}

/* Close every writer: keep the files when ok. */
zt_status drv_out_close(run_ctx *c, run_out *w, int ok, zt_err *err)
{
    zt_err scratch;
    zt_err *e = ok ? err : &scratch;
    zt_status st;
    zt_err_clear(&scratch);
    /* the district series first: they are formatted while the writer thread
       still writes the last period of the grids */
    st = io_tsout_close(&w->ts, ok, e);
    if (c->sup) {
        zt_status s2 = drv_supply_close(c->sup, ok && st == ZT_OK, e);
        st = st == ZT_OK ? s2 : st;
    }
    if (c->lake) {
        zt_status s2 = drv_lake_close(c->lake, ok && st == ZT_OK, e);
        st = st == ZT_OK ? s2 : st;
    }
    zt_status s3 = io_gridout_close(&w->grid, ok && st == ZT_OK, e);
    st = st == ZT_OK ? s3 : st;
    zt_status s4 = io_balance_close(&w->bal, ok && st == ZT_OK, e);
    st = st == ZT_OK ? s4 : st;
    zt_free(w->gvars);
    zt_free(w->tsval);
    w->gvars = NULL;
    w->tsval = NULL;
    return ok ? st : ZT_OK;
}

/* The writers continue from the checkpoint's copies. */
zt_status drv_out_resume(run_ctx *c, run_out *w, zt_err *err)
{
    zt_status st = ZT_OK;
    if (w->grid) {
        st = io_gridout_resume(w->grid, c->ckpt_dir, c->first, err);
    }
    if (st == ZT_OK && w->ts) {
        st = io_tsout_resume(w->ts, c->ckpt_dir, c->first, err);
    }
    if (st == ZT_OK && c->sup) {
        st = drv_supply_resume(c->sup, c->ckpt_dir, c->first, err);
    }
    if (st == ZT_OK && c->lake) {
        st = drv_lake_resume(c->lake, c->ckpt_dir, c->first, err);
    }
    if (st == ZT_OK) {
        st = io_balance_resume(w->bal, c->ckpt_dir, (long)(c->first - c->sc->start), err);
    }
    return st;
}

/* The summary of a finished run on stdout. */
void drv_out_summary(const run_ctx *c, const run_out *w, const drv_run_stats *s)
{
    printf("zoet run: %d days, %lld active cells, %d districts; largest daily balance "
           "error %.2e of the gross flux",
           s->ndays, (long long)s->ncell_active, c->m->nd, s->max_rel_err);
    if (c->m->gw_on) {
        printf("; groundwater %.1f Picard and %.1f CG iterations a day",
               (double)s->picard_total / s->ndays, (double)s->cg_total / s->ndays);
    }
    printf("\nzoet run: wrote %s%s%s, balance.csv to %s\n",
           c->nsel ? strrchr(w->path_grid, '/') + 1 : "(no grids)",
           c->sc->districts ? ", districts.nc, districts.csv" : ", (no district series)",
           c->peat ? ", peat.nc, peat_districts.csv, peat_provinces.csv, peat_months.csv, peat_years.csv" : "", c->out_root);
    if (c->sup) {
        int nn, nu;
        double sec;
        long rounds;
        drv_supply_stats(c->sup, &nn, &nu, &sec, &rounds);
        printf("zoet run: supply network %s: %d nodes, %d users; allocation %.3f s "
               "(%.2f ms a day, %ld bottlenecks); wrote supply_users, supply_nodes, "
               "supply_regions (.nc, .csv)\n",
               c->sc->network, nn, nu, sec, 1e3 * sec / s->ndays, rounds);
        long sh, vi, un, sd;
        drv_supply_order(c->sup, &sh, &vi, &un, &sd);
        printf("zoet run: verdringingsreeks: %ld user-days of class 1-2 short, %ld of them "
               "while a class 3-4 user got water through the same bottleneck, %ld without a "
               "bottleneck; the IJsselmeer exhausted on %ld days\n",
               sh, vi, un, sd);
    }
    if (c->lake) {
        double low, used, sec;
        long below;
        zt_day lday;
        char date[16] = "-";
        drv_lake_stats(c->lake, &low, &lday, &used, &below, &sec);
        if (isfinite(low)) {
            zt_day_format(lday, date);
        }
        printf("zoet run: lake: lowest summer level %.3f m NAP on %s, %.0f Mm3 of the buffer "
               "used, %ld days below the band; %.3f ms a day (%.2f %% of the run); wrote "
               "lake.nc, lake.csv\n",
               low, date, used, below, 1e3 * sec / s->ndays,
               s->seconds > 0.0 ? 100.0 * sec / s->seconds : 0.0);
    }
}

