/*
 * run.c: `zoet run`, the sequence of a run (DESIGN.md §1): load and
 * validate the inputs, build the model (core_couple.h), step the days, hand
 * the results to the writers. The physics of a day and its coupling live in
 * core/core_couple.c; this file only sequences:
 *
 *   forcing -> core_cpl_day_begin (root zone, groundwater, districts'
 *   demand) -> allocation over the supply network (supply.c) ->
 *   core_cpl_day_end (the district step, the balance) -> statistics and
 *   output.
 *
 * Three modes ([run] mode, io_scenario.h): coupled, rootzone, groundwater
 * (core_couple.h).
 */
#include "driver.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core_couple.h"
#include "io_balance.h"
#include "io_ckpt.h"
#include "io_districts.h"
#include "io_file.h"
#include "io_forcing.h"
#include "io_nc.h"
#include "io_outset.h"
#include "io_params.h"
#include "io_scenario.h"
#include "peat.h"
#include "supply.h"

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
    {"inlet_demand", "inlet demand of the cell's district, per unit of its area", "mm d-1", "mm",
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

/* ---- the run context ------------------------------------------------------ */

typedef struct run_ctx {
    io_scenario *sc;
    grid_domain *dom;
    io_params *par;
    io_forcing *forc;
    grid_district *dtab; /* the district table, sorted by id */
    int ndtab;
    core_cpl *m;         /* the model */
    char **d_name;       /* [nd] names of the districts (their ids) */
    int *d_prov;         /* [nd] province of each district */
    float *p, *et0;      /* forcing of the day (mm/d; p is recharge in groundwater mode) */
    uint8_t *outmask;    /* 1 for active cells: the others are written as fill */
    int *sel;            /* [nsel] catalogue index of each selected variable */
    int nsel;
    drv_supply *sup;     /* the supply network (coupled mode with [input] network), or NULL */
    double *abstr;       /* [ncell] wells' abstraction today (m/d), with the network */
    double *frac;        /* [nd * CORE_DCAT_COUNT] the allocation's fractions */
    drv_peat *peat;      /* groundwater statistics and peat (whenever groundwater is solved) */
    char out_root[4096]; /* the output folder (checkpoints go to its checkpoints/) */
    zt_day first;        /* the first day simulated (after a restart: the checkpoint's) */
    char ckpt_dir[4096]; /* the checkpoint continued from */
    double *cap;         /* [ncell] storage capacity of 1 December (mm) */
} run_ctx;

static void ctx_free(run_ctx *c)
{
    if (c->d_name && c->m) {
        for (int i = 0; i < c->m->nd; i++) {
            zt_free(c->d_name[i]);
        }
    }
    zt_free(c->d_name);
    zt_free(c->d_prov);
    zt_free(c->p);
    zt_free(c->et0);
    zt_free(c->sel);
    zt_free(c->outmask);
    zt_free(c->abstr);
    zt_free(c->frac);
    zt_free(c->cap);
    drv_supply_destroy(&c->sup);
    drv_peat_destroy(&c->peat);
    core_cpl_destroy(&c->m);
    zt_free(c->dtab);
    io_forcing_destroy(&c->forc);
    io_params_destroy(&c->par);
    grid_domain_destroy(&c->dom);
    io_scenario_destroy(&c->sc);
}

/* The district series of the day into tsval[v * nd + di]. */
static void district_series(const run_ctx *c, double *tsval)
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

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Load every input of a scenario into the context, validated. */
static zt_status load_inputs(run_ctx *c, const drv_run_opts *o, zt_err *err)
{
    const char *names[CORE_V_COUNT];
    zt_status st;

    for (int v = 0; v < CORE_V_COUNT; v++) {
        names[v] = catalogue[v].name;
    }
    st = io_scenario_load(o->scenario, names, CORE_V_COUNT, &c->sc, err);
    if (st == ZT_OK && o->out_dir) {
        st = io_scenario_set_out_dir(c->sc, o->out_dir, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    if (o->threads > 0) {
        c->sc->threads = o->threads;
    }
    st = io_params_load(c->sc->parameters, &c->par, err);
    if (st == ZT_OK) {
        st = io_domain_read(c->sc->domain, c->sc->field_src, c->sc->nfield_src, &c->dom, err);
    }
    if (st == ZT_OK && c->sc->mode != IO_MODE_ROOTZONE) {
        st = io_districts_load(c->sc->districts_file, &c->dtab, &c->ndtab, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    if (c->sc->mode != IO_MODE_GROUNDWATER) {
        return io_forcing_open(c->sc->forcing, &c->dom->g, c->dom->mask, c->sc->start,
                               c->sc->end, &c->forc, err);
    }
    return io_forcing_open_recharge(c->sc->recharge, &c->dom->g, c->dom->mask, c->sc->start,
                                    c->sc->end, &c->forc, err);
}

/* The model's settings from the scenario. */
static void model_config(const io_scenario *sc, core_cpl_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->mode = sc->mode == IO_MODE_ROOTZONE      ? CORE_CPL_ROOTZONE
                : sc->mode == IO_MODE_GROUNDWATER ? CORE_CPL_GROUNDWATER
                                                  : CORE_CPL_COUPLED;
    memcpy(cfg->summer_start, sc->summer_start, sizeof cfg->summer_start);
    memcpy(cfg->winter_start, sc->winter_start, sizeof cfg->winter_start);
    memcpy(cfg->precip_factor, sc->precip_factor, sizeof cfg->precip_factor);
    memcpy(cfg->et0_factor, sc->et0_factor, sizeof cfg->et0_factor);
    cfg->gw.tol_head = sc->gw_tol;
    cfg->gw.max_picard = sc->gw_max_picard;
    cfg->gw.max_cg = sc->gw_max_cg;
    cfg->c_spill = sc->c_spill;
    cfg->peat_target = sc->peat_target;
    cfg->peat_owd = sc->peat_owd;
    cfg->peat_owd_c = sc->peat_owd_c;
    cfg->peat_pd = sc->peat_pd;
    cfg->peat_pd_depth = sc->peat_pd_depth;
    cfg->peat_pd_c = sc->peat_pd_c;
    cfg->start = sc->start;
}

/* Names and provinces of the model's districts. */
static zt_status district_names(run_ctx *c, zt_err *err)
{
    const core_cpl *m = c->m;
    const size_t nd1 = (size_t)(m->nd > 0 ? m->nd : 1);
    c->d_name = zt_calloc(nd1, sizeof *c->d_name);
    c->d_prov = zt_calloc(nd1, sizeof *c->d_prov);
    if (!c->d_name || !c->d_prov) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for district names");
    }
    for (int i = 0; i < m->nd; i++) {
        char name[32];
        snprintf(name, sizeof name, "%ld", (long)m->d_id[i]);
        c->d_name[i] = zt_strdup(name);
        if (!c->d_name[i]) {
            return zt_fail(err, ZT_ENOMEM, "out of memory for district names");
        }
        c->d_prov[i] = m->dd ? m->dd[i].province : 0;
    }
    return ZT_OK;
}

/* Groundwater statistics and peat results (whenever groundwater is solved). */
static zt_status init_peat(run_ctx *c, zt_err *err)
{
    const core_cpl *m = c->m;
    drv_peat_setup su;
    c->cap = zt_malloc((size_t)m->ncell * sizeof *c->cap);
    if (!c->cap) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for the storage capacity");
    }
    memset(&su, 0, sizeof su);
    su.grid = c->dom->g;
    su.mask = c->dom->mask;
    su.soil = c->dom->soil;
    su.nd = m->nd;
    su.d_id = m->d_id;
    su.d_prov = c->d_prov;
    su.d_start = m->d_start;
    su.d_cells = m->d_cells;
    su.cell_area = m->cell_area;
    return drv_peat_create(&su, &c->peat, err);
}

/* The supply network (coupled mode with a network file). */
static zt_status init_supply(run_ctx *c, zt_err *err)
{
    const core_cpl *m = c->m;
    const size_t nd1 = (size_t)(m->nd > 0 ? m->nd : 1);
    drv_supply_setup su;
    double *cx = zt_calloc(nd1, sizeof *cx);
    zt_status st;

    c->frac = zt_calloc(nd1 * CORE_DCAT_COUNT, sizeof *c->frac);
    c->abstr = zt_calloc((size_t)m->ncell, sizeof *c->abstr);
    if (!cx || !c->frac || !c->abstr) {
        zt_free(cx);
        return zt_fail(err, ZT_ENOMEM, "out of memory for the supply network");
    }
    for (int di = 0; di < m->nd; di++) {
        double sx = 0.0;
        for (zt_idx q = m->d_start[di]; q < m->d_start[di + 1]; q++) {
            sx += (double)(m->d_cells[q] % c->dom->g.nx) + 0.5;
        }
        const zt_idx nq = m->d_start[di + 1] - m->d_start[di];
        cx[di] = c->dom->g.x0 + c->dom->g.dx * (nq > 0 ? sx / (double)nq : 0.0);
    }
    memset(&su, 0, sizeof su);
    su.network = c->sc->network;
    su.ijssel_factor = c->sc->ijssel_factor;
    su.ijssel_series = c->sc->ijssel_series;
    su.first = c->sc->start;
    su.last = c->sc->end;
    su.nd = m->nd;
    su.d_id = m->d_id;
    su.d_name = c->d_name;
    su.d_prov = c->d_prov;
    su.d_cx = cx;
    su.grid = c->dom->g;
    su.mask = c->dom->mask;
    st = drv_supply_create(&su, &c->sup, err);
    zt_free(cx);
    return st;
}

/* Select the output variables named in the scenario. */
static zt_status init_fields(run_ctx *c, zt_err *err)
{
    const core_cpl *m = c->m;
    c->nsel = c->sc->nout_vars;
    c->sel = zt_calloc((size_t)(c->nsel ? c->nsel : 1), sizeof *c->sel);
    c->outmask = zt_malloc((size_t)m->ncell);
    c->p = zt_calloc((size_t)m->ncell, sizeof *c->p);
    c->et0 = zt_calloc((size_t)m->ncell, sizeof *c->et0);
    if (!c->sel || !c->outmask || !c->p || !c->et0) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for output fields");
    }
    for (int i = 0; i < c->nsel; i++) {
        int v = -1;
        for (int j = 0; j < CORE_V_COUNT; j++) {
            if (strcmp(c->sc->out_vars[i], catalogue[j].name) == 0) {
                v = j;
            }
        }
        c->sel[i] = v;
        if (v < 0) {
            return zt_fail(err, ZT_EINTERNAL, "output variable %s not in the catalogue",
                           c->sc->out_vars[i]);
        }
        if ((!m->gw_on && v >= CORE_V_NRZ) ||
            (m->cfg.mode != CORE_CPL_COUPLED && v == CORE_V_DEMAND) ||
            (!m->rz_on && v < CORE_V_NRZ && v != CORE_V_RECHARGE)) {
            return zt_fail(err, ZT_ECONFIG,
                           "%s: [output] variables: \"%s\" is not computed in mode \"%s\"",
                           c->sc->file, c->sc->out_vars[i], m->gw_on ? "groundwater" : "rootzone");
        }
    }
    for (zt_idx k = 0; k < m->ncell; k++) {
        c->outmask[k] = c->dom->mask[k] == ZT_MASK_ACTIVE;
    }
    return ZT_OK;
}

/* Load, build and check everything a run needs. */
static zt_status setup(run_ctx *c, const drv_run_opts *o, zt_err *err)
{
    core_cpl_config cfg;
    zt_status st = load_inputs(c, o, err);
    if (st != ZT_OK) {
        return st;
    }
    if (c->sc->threads > 0) {
        omp_set_num_threads(c->sc->threads);
    }
    snprintf(c->out_root, sizeof c->out_root, "%s", c->sc->out_dir);
    /* a checkpoint ends a period of the gridded output */
    if (c->sc->checkpoint == IO_CKPT_MONTH && c->sc->agg == IO_AGG_YEAR) {
        return zt_fail(err, ZT_ECONFIG,
                       "%s: [run] checkpoint = \"month\" needs [output] aggregation of a month "
                       "or shorter (it is \"year\")",
                       c->sc->file);
    }
    model_config(c->sc, &cfg);
    const core_cpl_tables tab = {(const core_rz_params(*)[ZT_NSOIL])c->par->rz, c->par->sy};
    st = core_cpl_create(&cfg, c->dom, c->dtab, c->ndtab, &tab, &c->m, err);
    if (st == ZT_EINPUT) {
        /* a district missing from the table or without open water, or a
           domain without the groundwater fields */
        zt_err_prefix(err, "%s: ", c->dom->has_gw ? c->sc->districts_file : c->sc->domain);
    }
    if (st != ZT_OK) {
        return st;
    }
    /* the model holds the groundwater fields as it needs them */
    grid_domain_release_gw(c->dom);
    if (!isnan(c->sc->peat_target) && !o->quiet) {
        printf("zoet run: peat target depth %.2f m: the summer level of %d peat districts "
               "raised\n",
               c->sc->peat_target, core_cpl_peat_districts(c->m));
    }
    st = district_names(c, err);
    if (st == ZT_OK && c->m->gw_on && c->sc->mode == IO_MODE_COUPLED && c->sc->network) {
        st = init_supply(c, err);
    }
    if (st == ZT_OK && c->m->gw_on) {
        st = init_peat(c, err);
    }
    if (st == ZT_OK) {
        st = init_fields(c, err);
    }
    return st;
}

static void print_settings(const run_ctx *c, FILE *f)
{
    fprintf(f, "zoet run: settings in effect\n");
    io_scenario_print(c->sc, f);
    fprintf(f, "# threads = %d\n", omp_get_max_threads());
    fprintf(f, "# grid = %lld x %lld cells of %g m, west edge %.0f, south edge %.0f (RD New)\n",
            (long long)c->dom->g.nx, (long long)c->dom->g.ny, c->dom->g.dx, c->dom->g.x0,
            c->dom->g.y0);
    fprintf(f, "# districts = %d\n", c->m->nd);
    fprintf(f, "# forcing = %s\n", io_forcing_describe(c->forc));
    io_params_print(c->par, f);
}

/* The writers of a run: gridded, district series, supply accounting, balance. */
typedef struct run_out {
    io_gridout *grid;
    io_tsout *ts;
    io_balance *bal;
    char path_grid[4096], path_dnc[4096], path_dcsv[4096], path_bal[4096];
    io_var_spec *gvars;
    double *tsval;
} run_out;

/* Open the writers in dir (the output set's staging folder). */
static zt_status out_open(run_ctx *c, run_out *w, const char *dir, int ndays, zt_err *err)
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
        st = drv_supply_open(c->sup, dir, sc->start, ndays, c->m->d_id, c->d_name, err);
    }
    if (st == ZT_OK) {
        st = io_balance_open(w->path_bal, core_cpl_bterm_names, CORE_B_COUNT, &w->bal, err);
    }
    return st;
}

/* Close every writer: keep the files when ok. */
static zt_status out_close(run_ctx *c, run_out *w, int ok, zt_err *err)
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

/* One simulated day: forcing, the model, the allocation, the statistics and
 * the writers. */
static zt_status run_day(run_ctx *c, run_out *w, zt_day day, core_cpl_balance *x,
                         drv_run_stats *stats, zt_err *err)
{
    core_cpl *m = c->m;
    core_cpl_acc acc = {NULL, c->sel, 0, 0};
    int year, month, dd;
    double t1;
    zt_status st;

    zt_day_to_ymd(day, &year, &month, &dd);
    /* netCDF-C and HDF5 are not thread-safe: the forcing read takes the
       same lock as the output writer's thread */
    io_out_nc_lock();
    st = io_forcing_read_day(c->forc, day, c->p, c->et0, err);
    io_out_nc_unlock();
    if (st == ZT_OK && w->grid) {
        st = io_gridout_begin_day(w->grid, day, &acc.acc, &acc.first, err);
        acc.nsel = c->nsel;
    }
    if (st != ZT_OK) {
        return st;
    }
    t1 = now_seconds();
    if (c->sup) {
        double wtot = 0.0;
        memset(c->abstr, 0, (size_t)m->ncell * sizeof *c->abstr);
        drv_supply_wells(c->sup, core_cpl_summer(m, day), m->cell_area, c->abstr, &wtot);
    }
    st = core_cpl_day_begin(m, day, c->p, c->et0, c->sup ? c->abstr : NULL, &acc, err);
    stats->seconds_rz += now_seconds() - t1;
    if (st != ZT_OK) {
        return st;
    }
    if (m->gw_on) {
        stats->cg_total += m->gws.cg;
        stats->picard_total += m->gws.picard;
        drv_peat_day(c->peat, day, m->depth);
    }
    if (c->sup) {
        st = drv_supply_allocate(c->sup, day, m->summer, m->dem, m->surplus, c->frac, err);
        if (st != ZT_OK) {
            return st;
        }
    }
    st = core_cpl_day_end(m, c->sup ? c->frac : NULL, &acc, x, err);
    if (st == ZT_OK && c->sup) {
        st = drv_supply_account(c->sup, day, m->rep, m->real, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    if (m->cfg.mode == CORE_CPL_COUPLED) {
        /* the inlet for peat level maintenance, and the storage capacity
           of 1 December */
        for (int di = 0; di < m->nd; di++) {
            drv_peat_inlet(c->peat, di,
                           c->sup ? m->real[di * CORE_DCAT_COUNT + CORE_DCAT_PEAT]
                                  : m->dout[di].supplied_cat[CORE_DCAT_PEAT]);
        }
        if (month == 12 && dd == 1) {
            core_cpl_storage_capacity(m, c->cap);
            drv_peat_dec1(c->peat, c->cap);
        }
    }
    return ZT_OK;
}

/* The summary of a finished run on stdout. */
static void print_summary(const run_ctx *c, const run_out *w, const drv_run_stats *s)
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
           c->peat ? ", peat.nc, peat_districts.csv, peat_provinces.csv" : "", c->out_root);
    if (c->sup) {
        int nn, nu;
        double sec;
        long rounds;
        drv_supply_stats(c->sup, &nn, &nu, &sec, &rounds);
        printf("zoet run: supply network %s: %d nodes, %d users; allocation %.3f s "
               "(%.2f ms a day, %ld bottlenecks); wrote supply_users, supply_nodes, "
               "supply_regions (.nc, .csv)\n",
               c->sc->network, nn, nu, sec, 1e3 * sec / s->ndays, rounds);
    }
}

/* ---- checkpoints and restart ----------------------------------------- */

#define STATE_MAX 32 /* arrays of the state, at most */
#define STATE_FILE "state.nc"

/* What a state file must match to continue this run. */
static void fingerprint(const run_ctx *c, char *buf, size_t n)
{
    char a[11], b[11];
    const zt_grid *g = &c->dom->g;
    int len = snprintf(buf, n,
                       "zoet state 2; scenario %s; mode %d; grid %lld x %lld, %g m at %.1f %.1f; "
                       "%lld active cells; %d districts; %s to %s; aggregation %s; network %s; "
                       "variables",
                       c->sc->name, (int)c->sc->mode, (long long)g->nx, (long long)g->ny, g->dx,
                       g->x0, g->y0, (long long)c->m->d_start[c->m->nd], c->m->nd,
                       zt_day_format(c->sc->start, a), zt_day_format(c->sc->end, b),
                       io_agg_name(c->sc->agg), c->sup ? "yes" : "no");
    for (int i = 0; i < c->nsel && len > 0 && (size_t)len < n; i++) {
        len += snprintf(buf + len, n - (size_t)len, " %s", catalogue[c->sel[i]].name);
    }
}

/* Every array of the run's state. */
static int state_list(run_ctx *c, zt_named_array *list, zt_err *err)
{
    int n = core_cpl_state(c->m, list, STATE_MAX);
    if (n > STATE_MAX) {
        return zt_fail(err, ZT_EINTERNAL, "the state has more than %d arrays", STATE_MAX), -1;
    }
    if (c->peat) {
        int k = drv_peat_state(c->peat, list + n, STATE_MAX - n, err);
        if (k < 0) {
            return -1;
        }
        n += k;
    }
    if (c->sup) {
        const int k = drv_supply_state(c->sup, list + n, STATE_MAX - n);
        if (k > STATE_MAX - n) {
            return zt_fail(err, ZT_EINTERNAL, "the state has more than %d arrays", STATE_MAX), -1;
        }
        n += k;
    }
    return n;
}

/* 1 when a checkpoint is due after `day`: the next day starts a month or a
 * year (as [run] checkpoint says) and is still in the run. */
static int checkpoint_due(const run_ctx *c, zt_day day)
{
    int y, m, d;
    if (c->sc->checkpoint == IO_CKPT_NONE || day >= c->sc->end) {
        return 0;
    }
    zt_day_to_ymd(day + 1, &y, &m, &d);
    return d == 1 && (c->sc->checkpoint == IO_CKPT_MONTH || m == 1);
}

/* Write the checkpoint of `next` (the first day still to simulate): the
 * state and a copy of every output so far, into out/checkpoints/DATE. */
static zt_status checkpoint_write(run_ctx *c, run_out *w, zt_day next, zt_err *err)
{
    char tmp[4096], final[4096], path[4200], fp[2048];
    zt_named_array list[STATE_MAX];
    zt_status st = io_ckpt_begin(c->out_root, next, tmp, sizeof tmp, final, sizeof final, err);
    if (st != ZT_OK) {
        return st;
    }
    if (w->grid) {
        st = io_gridout_checkpoint(w->grid, tmp, err);
    }
    if (st == ZT_OK && w->ts) {
        st = io_tsout_checkpoint(w->ts, tmp, err);
    }
    if (st == ZT_OK && c->sup) {
        st = drv_supply_checkpoint(c->sup, tmp, err);
    }
    if (st == ZT_OK) {
        st = io_balance_checkpoint(w->bal, tmp, err);
    }
    const int n = st == ZT_OK ? state_list(c, list, err) : -1;
    if (n >= 0) {
        fingerprint(c, fp, sizeof fp);
        io_path_join(tmp, STATE_FILE, path, sizeof path);
        st = io_ckpt_write(path, next, fp, list, n, err);
    } else if (st == ZT_OK) {
        st = ZT_ENOMEM;
    }
    if (st == ZT_OK) {
        st = io_ckpt_commit(tmp, final, err);
    }
    if (st != ZT_OK) {
        io_ckpt_discard(tmp);
        return st;
    }
    core_cpl_restart_point(c->m);
    return ZT_OK;
}

/* Read a checkpoint's state into the model; the run continues at
 * c->first from the outputs in c->ckpt_dir. */
static zt_status restart_read(run_ctx *c, const char *state, zt_err *err)
{
    char fp[2048], want[2048], a[11];
    zt_named_array list[STATE_MAX];
    zt_status st = io_ckpt_peek(state, &c->first, fp, sizeof fp, err);
    if (st != ZT_OK) {
        return st;
    }
    fingerprint(c, want, sizeof want);
    if (strcmp(fp, want) != 0) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: the checkpoint is of another run (%s); this run is: %s", state, fp,
                       want);
    }
    if (c->first <= c->sc->start || c->first > c->sc->end) {
        return zt_fail(err, ZT_EINPUT, "%s: the checkpoint's day %s is not within the run",
                       state, zt_day_format(c->first, a));
    }
    const int n = state_list(c, list, err);
    if (n < 0) {
        return ZT_ENOMEM;
    }
    st = io_ckpt_read(state, list, n, err);
    if (st != ZT_OK) {
        return st;
    }
    if (c->peat) {
        drv_peat_state_loaded(c->peat);
    }
    if (c->sup) {
        drv_supply_state_loaded(c->sup);
    }
    core_cpl_restart_point(c->m);
    snprintf(c->ckpt_dir, sizeof c->ckpt_dir, "%s", state);
    char *slash = strrchr(c->ckpt_dir, '/');
    if (slash) {
        *slash = '\0';
    } else {
        snprintf(c->ckpt_dir, sizeof c->ckpt_dir, ".");
    }
    return ZT_OK;
}

/* The writers continue from the checkpoint's copies. */
static zt_status out_resume(run_ctx *c, run_out *w, zt_err *err)
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
    if (st == ZT_OK) {
        st = io_balance_resume(w->bal, c->ckpt_dir, err);
    }
    return st;
}

/* ---- the time loop ------------------------------------------------------ */

/* Progress on stderr: on a terminal the current day, rewritten; in a batch
 * log a line at the end of each simulated month. */
static void progress(const run_ctx *c, const drv_run_opts *o, zt_day day, double t0)
{
    char date[16];
    int y, m, d;
    const int done = (int)(day - c->first + 1), total = (int)(c->sc->end - c->first + 1);
    if (o->progress == DRV_PROGRESS_NONE) {
        return;
    }
    zt_day_format(day, date);
    if (o->progress == DRV_PROGRESS_TERMINAL) {
        fprintf(stderr, "\rzoet: %s  day %d of %d", date, done, total);
        fflush(stderr);
        return;
    }
    zt_day_to_ymd(day + 1, &y, &m, &d);
    if (d != 1 && day != c->sc->end) {
        return;
    }
    const double el = now_seconds() - t0;
    const double rate = el > 0.0 ? done / el : 0.0;
    fprintf(stderr, "zoet: %s  %d of %d days, %.1f days/s, %.0f s elapsed, %.0f s left\n", date,
            done, total, rate, el, rate > 0.0 ? (total - done) / rate : 0.0);
    fflush(stderr);
}

/* The time loop. */
static zt_status run_days(run_ctx *c, run_out *w, io_outset *set, const drv_run_opts *o,
                          drv_run_stats *s, zt_err *err)
{
    const double t0 = now_seconds();
    zt_status st = ZT_OK;
    for (zt_day day = c->first; day <= c->sc->end; day++) {
        core_cpl_balance x;
        st = io_outset_poll(set, err); /* SIGINT, SIGTERM */
        if (st == ZT_OK) {
            st = run_day(c, w, day, &x, s, err);
        }
        if (st == ZT_OK) {
            const io_balance_row row = {x.b,       x.err_rz,    x.err_gw,
                                        x.err_d,   x.err_all,   x.gross_all,
                                        x.rel_all, c->m->gw_on ? c->m->gws.picard : 0,
                                        c->m->gw_on ? c->m->gws.cg : 0};
            if (x.rel_all > s->max_rel_err) {
                s->max_rel_err = x.rel_all;
            }
            st = io_balance_add(w->bal, day, &row, err);
        }
        if (st == ZT_OK && w->grid) {
            st = io_gridout_end_day(w->grid, day, err);
        }
        if (st == ZT_OK && w->ts) {
            district_series(c, w->tsval);
            st = io_tsout_add_day(w->ts, day, w->tsval, err);
        }
        if (st == ZT_OK && checkpoint_due(c, day)) {
            st = checkpoint_write(c, w, day + 1, err);
        }
        if (st != ZT_OK) {
            char date[16];
            zt_err_prefix(err, "%s: ", zt_day_format(day, date));
            return st;
        }
        progress(c, o, day, t0);
    }
    if (o->progress == DRV_PROGRESS_TERMINAL) {
        fprintf(stderr, "\n");
    }
    s->seconds = now_seconds() - t0;
    return st;
}

zt_status drv_run(const drv_run_opts *o, drv_run_stats *stats, zt_err *err)
{
    run_ctx c;
    run_out w;
    drv_run_stats s;
    io_outset *set = NULL;
    zt_status st;

    memset(&c, 0, sizeof c);
    memset(&w, 0, sizeof w);
    memset(&s, 0, sizeof s);
    st = setup(&c, o, err);
    if (st == ZT_OK && !o->quiet) {
        print_settings(&c, stdout);
        fflush(stdout);
    }
    if (st != ZT_OK || o->check_only) {
        goto done;
    }
    c.first = c.sc->start;
    if (o->restart) {
        st = restart_read(&c, o->restart, err);
    }
    s.ndays = (int)(c.sc->end - c.first + 1);
    s.ncell_active = c.m->d_start[c.m->nd];
    if (st == ZT_OK) {
        /* outputs: into the staging folder of an output set, published
           whole at the end (io_outset.h) */
        const io_outset_info oi = {"zoet", ZOET_VERSION, c.sc->start, c.sc->end,
                                   omp_get_max_threads()};
        st = io_outset_create(c.sc->out_dir, &oi, stderr, &set, err);
        if (st == ZT_OK) {
            st = io_outset_add_scenario(set, c.sc, err);
        }
        if (st == ZT_OK && o->restart) {
            st = io_outset_add_input(set, "restart", o->restart, err);
        }
    }
    if (st == ZT_OK) {
        st = out_open(&c, &w, io_outset_staging(set), (int)(c.sc->end - c.sc->start + 1), err);
    }
    if (st == ZT_OK && o->restart) {
        st = out_resume(&c, &w, err);
    }
    if (st == ZT_OK) {
        st = run_days(&c, &w, set, o, &s, err);
    }
    if (st == ZT_OK) {
        const double t1 = now_seconds();
        s.seconds_out = w.grid ? io_gridout_seconds(w.grid) : 0.0;
        st = out_close(&c, &w, 1, err);
        s.seconds_close = now_seconds() - t1;
    }
    if (st == ZT_OK && c.peat) {
        st = drv_peat_write(c.peat, io_outset_staging(set),
                            c.sup ? drv_supply_source_m3(c.sup) : NAN, c.sc->peat_base, o->quiet,
                            err);
    }
    if (st == ZT_OK) {
        st = io_outset_publish(set, err);
    }
    if (c.sup) {
        int nn, nu;
        drv_supply_stats(c.sup, &nn, &nu, &s.seconds_alloc, &s.alloc_rounds);
    }
    if (st == ZT_OK && !o->quiet) {
        print_summary(&c, &w, &s);
    }
done:
    if (st != ZT_OK) {
        out_close(&c, &w, 0, err);
        st = io_outset_abort(set, st, err);
    }
    io_outset_destroy(&set);
    if (stats) {
        *stats = s;
    }
    ctx_free(&c);
    return st;
}
