/*
 * run.c: the time loop of `zoet run` (DESIGN.md §1, the order of a day):
 *
 *   forcing -> root zone -> groundwater solve -> district balances and
 *   demands -> (allocation: every demand is supplied until the network
 *   exists) -> statistics and output.
 *
 * Three modes ([run] mode, io_scenario.h):
 *   coupled      root zone, groundwater and districts (the default when the
 *                scenario names a district table);
 *   rootzone     the root zone alone with the water table held at its
 *                initial depth (zoet 0.1);
 *   groundwater  groundwater alone: recharge from a file, ditch levels at
 *                their targets, no district balance.
 *
 * Coupling within a day, explicit in the district levels: the root zone sees
 * the water table of yesterday's solve; the groundwater solve sees the ditch
 * levels at the end of yesterday; the districts then take the day's
 * drainage, infiltration and withdrawals and set today's level.
 *
 * Parallel and deterministic (STYLE.md 9): the cell loops run district by
 * district (a CSR list of the active cells of each district, in cell order),
 * OpenMP splitting the districts with schedule(static); every sum is taken
 * per district in cell order, then over districts in id order. The
 * groundwater solver reduces over fixed row blocks. 1 and N threads give the
 * same bytes.
 *
 * The water balance of every day is checked per compartment and for the
 * whole (docs/model.md §4): root zone and districts to 1e-9 of their gross
 * flux, groundwater and the total to 1e-6 (the solver's tolerance).
 */
#include "driver.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core_district.h"
#include "peat.h"
#include "supply.h"
#include "core_gw.h"
#include "core_rootzone.h"
#include "io_districts.h"
#include "io_file.h"
#include "io_forcing.h"
#include "io_nc.h"
#include "io_outset.h"
#include "io_params.h"
#include "io_scenario.h"

#define TOL_EXACT 1e-9 /* root zone, districts: exact bookkeeping */
#define TOL_GW 1e-6    /* groundwater and the whole: the solver's tolerance */

/* kD given to fixed-head cells (open water): a face between land and open
   water then conducts 2 kD(land)/dx^2, the head of the water holding at the
   shore line (the face). */
#define KD_OPEN_WATER 1e7

/* ---- the output catalogue ------------------------------------------------ */

/* Indices of the per-cell output values (order of the catalogue). */
enum {
    V_P,
    V_ET0,
    V_ETP,
    V_ETACT,
    V_EI,
    V_TA,
    V_EOW,
    V_PERC,
    V_CR,
    V_RECHARGE,
    V_RUNOFF,
    V_OWNET,
    V_SPR,
    V_SPRDEM,
    V_S,
    V_DEFICIT,
    V_NRZ, /* the values above come from the root zone, those below from groundwater */
    V_HEAD = V_NRZ,
    V_DEPTH,
    V_DRAIN_DITCH,
    V_INFILTRATION,
    V_DRAIN_TRENCH,
    V_DRAIN_TILE,
    V_SEEPAGE,
    V_SPILL,
    V_NGW, /* the values below are district values painted on their cells */
    V_DLEVEL = V_NGW,
    V_DEMAND,
    V_COUNT
};

static const io_var_spec catalogue[V_COUNT] = {
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

/* Factor from the model's unit (m, m/d) to the output unit (mm or m). */
static double catalogue_scale(int v)
{
    return (v == V_HEAD || v == V_DEPTH || v == V_DLEVEL) ? 1.0 : 1e3;
}

const io_var_spec *drv_output_catalogue(int *n)
{
    *n = V_COUNT;
    return catalogue;
}

/* ---- district series ------------------------------------------------------- */

/* Sums per district per day, in m3/d over the cells unless noted. */
enum {
    /* from the root zone */
    S_P,
    S_ET0,
    S_ETACT,
    S_TA,
    S_RECHARGE,
    S_S,           /* (1 - paved) x S summed (m x cells) */
    S_RUNOFF,      /* paved runoff + open-water net */
    S_SPRDEM,
    S_SPR,
    S_SPR_SW_CAP,  /* sprinkling withdrawn from surface water: capital crops */
    S_SPR_SW_AGRI, /* the same: other crops */
    S_SPR_GW,      /* sprinkling pumped from groundwater */
    /* balance terms of the root zone */
    S_CR,
    S_EI,
    S_EOW,
    S_PERC,
    S_OWNET,
    /* from groundwater */
    S_DRAIN,       /* to ditches (positive part), trenches and tiles */
    S_INF_PEAT,    /* infiltration from the ditches into peat cells */
    S_INF_NATURE,  /* ... into nature cells */
    S_INF_AGRI,    /* ... into the other cells */
    S_SPILL,
    S_SEEP,        /* to the deep aquifer (net, < 0: kwel) */
    S_FIXED,       /* lateral flow out of the district's cells (sums to the fixed-head exchange) */
    S_GWSTOR,      /* Sy (h' - h) */
    S_GWREACH,     /* recharge as the groundwater received it (perc - cr - spr_gw) */
    S_ABSTR,       /* abstraction by the wells of groundwater users (m x cells) */
    S_DEPTH,       /* depth of the water table summed (m x cells) */
    S_COUNT
};

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

/* ---- the domain water balance ----------------------------------------- */

enum {
    /* root zone */
    B_P,
    B_SPR,
    B_CR,
    B_EI,
    B_TA,
    B_EOW,
    B_PERC,
    B_RUNOFF,
    B_OWNET,
    B_DS_RZ,
    /* groundwater */
    B_RECH,    /* net flux into groundwater from above: perc - cr - spr_gw (or the file's) */
    B_SPR_GW,
    B_ABSTR,   /* wells of groundwater users (drinking water) */
    B_DRAIN,
    B_INF,
    B_SPILL,
    B_SEEP,
    B_FIXED,
    B_DS_GW,
    /* districts */
    B_SUPPLIED,
    B_SPR_SW,
    B_FLUSH,
    B_DISCHARGE,
    B_DV,
    B_COUNT
};

static const char *const balance_names[B_COUNT] = {
    "precipitation",     "sprinkling",        "capillary_rise",       "interception",
    "transpiration",     "open_water_evaporation", "percolation",     "paved_runoff",
    "open_water_net",    "rootzone_storage_change", "gw_recharge",    "sprinkling_from_gw",
    "gw_abstraction",    "drainage",          "infiltration",      "spill",                "seepage_out",
    "fixed_head_out",    "gw_storage_change", "inlet_supplied",       "sprinkling_from_sw",
    "flushing",          "discharge",         "district_storage_change"};

/* ---- the run context ------------------------------------------------------- */

typedef struct run_ctx {
    io_scenario *sc;
    grid_domain *dom;
    io_params *par;
    io_forcing *forc;
    zt_idx ncell;
    double cell_area; /* m2 */
    int coupled;      /* mode coupled */
    int gw_on;        /* groundwater solved (coupled or groundwater mode) */
    int rz_on;        /* root zone computed (coupled or rootzone mode) */

    /* districts: CSR list of active cells */
    int nd;
    int32_t *d_id;     /* [nd] ids, ascending */
    char **d_name;     /* [nd] names */
    zt_idx *d_start;   /* [nd + 1] offsets into d_cells */
    zt_idx *d_cells;   /* active cells, district by district, in cell order */
    double *d_area;    /* [nd] m2 */
    double *d_land;    /* [nd] land (non-water) area weighted by (1 - paved), m2 */

    /* district water (coupled and groundwater modes) */
    grid_district *dtab;         /* the table, sorted by id */
    int ndtab;
    const grid_district **dd;    /* [nd] the table entry of each district */
    core_district_params *dpar;  /* [nd] */
    double *dv;                  /* [nd] storage relative to the target (m3) */
    double *dlevel;              /* [nd] level at the end of the last day (m NAP) */
    double *dtarget;             /* [nd] target of the last day (m NAP) */
    double *dflush;              /* [nd] today's flushing (m3/d) */
    core_district_out *dout;     /* [nd] today's results */

    /* per cell: root zone */
    const core_rz_params **cp; /* parameters of each active cell (borrowed) */
    core_rz_params nospr[ZT_NLANDUSE][ZT_NSOIL]; /* the same, for cells without a
                                                   sprinkling source */
    double *s;                 /* root-zone storage (m, unpaved part) */
    double *spr_left;          /* sprinkling turn left (m) */
    float *p, *et0;            /* forcing of the day (mm/d; p is recharge in groundwater mode) */
    uint8_t *outmask;          /* 1 for active cells: the others are written as fill */
    int *sel;                  /* [nsel] catalogue index of each selected variable */
    int nsel;

    /* per cell: groundwater */
    core_gw_model gwm;
    core_gw_solver *gw;
    double *h, *h_prev;        /* head (m NAP) today, yesterday */
    double *kd, *sy, *surface, *phi, *cv;
    double *ditch_level, *ditch_c, *ditch_ci, *trench_level, *trench_c, *tile_level, *tile_c;
    double *rech;              /* net flux into groundwater today (m/d) */
    double *f_drain[3], *f_spill, *f_seep, *f_stor, *f_lat;
    core_gw_stats gws;

    /* per district, per day */
    double *dsum;  /* [nd * S_COUNT] */

    /* the supply network (coupled mode with [input] network), or NULL */
    drv_supply *sup;
    double *abstr;   /* [ncell] wells' abstraction today (m/d) */
    double *rech_gw; /* [ncell] rech - abstr: what the solver gets (m/d) */
    double *spr_sw;  /* [ncell] today's sprinkling from surface water (m over the cell) */
    double *ddem, *dfrac, *dreal; /* [nd * CORE_DCAT_COUNT] demand, allocated fraction, taken */
    double *drep;    /* [nd * CORE_DCAT_COUNT] the demand as reported (new demand, m3/d) */
    double *dshort;  /* [nd * CORE_DCAT_COUNT] the last day's shortage by cause (m3) */
    double *dshare;  /* [nd * CORE_DCAT_COUNT] the districts' area shares (base_share) */
    double *dsurp;   /* [nd] surplus (discharge) before the allocation (m3/d) */
    double rz_cut;   /* today's curtailed sprinkling (m3), taken out of the root zone */

    /* groundwater statistics and peat (whenever groundwater is solved) */
    drv_peat *peat;
    double *depth;   /* [ncell] today's depth of the water table (m), NaN outside */
    double *tile_ci; /* [ncell] submerged drains: infiltration resistance (d), or NULL */
    uint8_t *owd;    /* [ncell] 1 where the tile system is a submerged drain, or NULL */
    int *d_provs;    /* [nd] province of each district */
} run_ctx;

static void ctx_free(run_ctx *c)
{
    int i;
    if (c->d_name) {
        for (i = 0; i < c->nd; i++) {
            zt_free(c->d_name[i]);
        }
    }
    zt_free(c->d_name);
    zt_free(c->d_id);
    zt_free(c->d_start);
    zt_free(c->d_cells);
    zt_free(c->d_area);
    zt_free(c->d_land);
    zt_free(c->dtab);
    zt_free((void *)c->dd);
    zt_free(c->dpar);
    zt_free(c->dv);
    zt_free(c->dlevel);
    zt_free(c->dtarget);
    zt_free(c->dflush);
    zt_free(c->dout);
    zt_free((void *)c->cp);
    zt_free(c->s);
    zt_free(c->spr_left);
    zt_free(c->p);
    zt_free(c->et0);
    zt_free(c->sel);
    zt_free(c->outmask);
    core_gw_destroy(&c->gw);
    zt_free(c->h);
    zt_free(c->h_prev);
    zt_free(c->kd);
    zt_free(c->sy);
    zt_free(c->surface);
    zt_free(c->phi);
    zt_free(c->cv);
    zt_free(c->ditch_level);
    zt_free(c->ditch_c);
    zt_free(c->ditch_ci);
    zt_free(c->trench_level);
    zt_free(c->trench_c);
    zt_free(c->tile_level);
    zt_free(c->tile_c);
    zt_free(c->rech);
    for (i = 0; i < 3; i++) {
        zt_free(c->f_drain[i]);
    }
    zt_free(c->f_spill);
    zt_free(c->f_seep);
    zt_free(c->f_stor);
    zt_free(c->f_lat);
    zt_free(c->dsum);
    drv_supply_destroy(&c->sup);
    zt_free(c->abstr);
    zt_free(c->rech_gw);
    zt_free(c->spr_sw);
    zt_free(c->ddem);
    zt_free(c->dfrac);
    zt_free(c->dreal);
    zt_free(c->drep);
    zt_free(c->dshort);
    zt_free(c->dshare);
    zt_free(c->dsurp);
    drv_peat_destroy(&c->peat);
    zt_free(c->depth);
    zt_free(c->tile_ci);
    zt_free(c->owd);
    zt_free(c->d_provs);
    io_forcing_destroy(&c->forc);
    io_params_destroy(&c->par);
    grid_domain_destroy(&c->dom);
    io_scenario_destroy(&c->sc);
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Find the index of district id in the sorted id list (binary search). */
static int district_index(const run_ctx *c, int32_t id)
{
    int lo = 0, hi = c->nd - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (c->d_id[mid] == id) {
            return mid;
        }
        if (c->d_id[mid] < id) {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return -1;
}

/* Build the district CSR lists and areas from the domain. */
static zt_status build_districts(run_ctx *c, zt_err *err)
{
    const grid_domain *d = c->dom;
    zt_idx k, nact = 0;
    int32_t *ids = NULL;
    zt_idx *fill = NULL;
    int i;
    zt_status st = ZT_OK;

    for (k = 0; k < c->ncell; k++) {
        nact += d->mask[k] == ZT_MASK_ACTIVE;
    }
    ids = zt_malloc((size_t)nact * sizeof *ids);
    c->d_cells = zt_malloc((size_t)nact * sizeof *c->d_cells);
    if (!ids || !c->d_cells) {
        st = zt_fail(err, ZT_ENOMEM, "out of memory for %lld district cells", (long long)nact);
        goto done;
    }
    nact = 0;
    for (k = 0; k < c->ncell; k++) {
        if (d->mask[k] == ZT_MASK_ACTIVE) {
            ids[nact++] = d->district[k];
        }
    }
    qsort(ids, (size_t)nact, sizeof *ids, cmp_i32);
    c->nd = 0;
    for (k = 0; k < nact; k++) {
        if (c->nd == 0 || ids[c->nd - 1] != ids[k]) {
            ids[c->nd++] = ids[k];
        }
    }
    c->d_id = zt_malloc((size_t)c->nd * sizeof *c->d_id);
    c->d_name = zt_calloc((size_t)c->nd, sizeof *c->d_name);
    c->d_start = zt_calloc((size_t)c->nd + 1, sizeof *c->d_start);
    c->d_area = zt_calloc((size_t)c->nd, sizeof *c->d_area);
    c->d_land = zt_calloc((size_t)c->nd, sizeof *c->d_land);
    fill = zt_calloc((size_t)c->nd, sizeof *fill);
    if (!c->d_id || !c->d_name || !c->d_start || !c->d_area || !c->d_land || !fill) {
        st = zt_fail(err, ZT_ENOMEM, "out of memory for %d districts", c->nd);
        goto done;
    }
    memcpy(c->d_id, ids, (size_t)c->nd * sizeof *ids);
    for (i = 0; i < c->nd; i++) {
        char name[32];
        snprintf(name, sizeof name, "%ld", (long)c->d_id[i]);
        c->d_name[i] = zt_malloc(strlen(name) + 1);
        if (!c->d_name[i]) {
            st = zt_fail(err, ZT_ENOMEM, "out of memory for district names");
            goto done;
        }
        memcpy(c->d_name[i], name, strlen(name) + 1);
    }
    for (k = 0; k < c->ncell; k++) {
        if (d->mask[k] == ZT_MASK_ACTIVE) {
            c->d_start[district_index(c, d->district[k]) + 1]++;
        }
    }
    for (i = 0; i < c->nd; i++) {
        c->d_start[i + 1] += c->d_start[i];
    }
    for (k = 0; k < c->ncell; k++) {
        if (d->mask[k] == ZT_MASK_ACTIVE) {
            int di = district_index(c, d->district[k]);
            c->d_cells[c->d_start[di] + fill[di]++] = k;
            c->d_area[di] += c->cell_area;
        }
    }
done:
    zt_free(ids);
    zt_free(fill);
    return st;
}

/* Allocate the per-cell state and set the initial storage: field capacity. */
static zt_status init_cells(run_ctx *c, zt_err *err)
{
    const grid_domain *d = c->dom;
    zt_idx k;
    int di;

    c->cp = zt_calloc((size_t)c->ncell, sizeof *c->cp);
    c->s = zt_calloc((size_t)c->ncell, sizeof *c->s);
    c->spr_left = zt_calloc((size_t)c->ncell, sizeof *c->spr_left);
    c->p = zt_calloc((size_t)c->ncell, sizeof *c->p);
    c->et0 = zt_calloc((size_t)c->ncell, sizeof *c->et0);
    if (!c->cp || !c->s || !c->spr_left || !c->p || !c->et0) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for the state of %lld cells",
                       (long long)c->ncell);
    }
    memcpy(c->nospr, c->par->rz, sizeof c->nospr);
    for (int lu = 0; lu < ZT_NLANDUSE; lu++) {
        for (int so = 0; so < ZT_NSOIL; so++) {
            c->nospr[lu][so].sprinkle = 0;
        }
    }
    /* a cell is sprinkled only where its land use allows it and the domain
       gives it a source (sprinkling_source > 0) */
    for (k = 0; k < c->ncell; k++) {
        if (d->mask[k] == ZT_MASK_ACTIVE) {
            const core_rz_params *p = d->sprinkling[k] == ZT_SPR_NONE
                                          ? &c->nospr[d->landuse[k]][d->soil[k]]
                                          : &c->par->rz[d->landuse[k]][d->soil[k]];
            c->cp[k] = p;
            c->s[k] = p->open_water ? 0.0 : p->smax;
        }
    }
    for (di = 0; di < c->nd; di++) {
        zt_idx q;
        for (q = c->d_start[di]; q < c->d_start[di + 1]; q++) {
            const core_rz_params *p = c->cp[c->d_cells[q]];
            if (!p->open_water) {
                c->d_land[di] += (1.0 - p->paved) * c->cell_area;
            }
        }
    }
    return ZT_OK;
}

/* Allocate n doubles into every pointer of the list; 0 on success. */
static int alloc_doubles(zt_idx n, double **const *list, int count)
{
    int i, bad = 0;
    for (i = 0; i < count; i++) {
        *list[i] = zt_malloc((size_t)n * sizeof **list[i]);
        bad |= *list[i] == NULL;
    }
    return bad ? -1 : 0;
}

/* A domain float as a double, NAN kept. */
static double fval(const float *a, zt_idx k)
{
    return (double)a[k];
}

/* 1 when the date lies in the summer half ([districts] summer_start up to
   winter_start), else 0. */
static int in_summer(const run_ctx *c, int month, int day)
{
    int md = month * 100 + day;
    int ss = c->sc->summer_start[0] * 100 + c->sc->summer_start[1];
    int ws = c->sc->winter_start[0] * 100 + c->sc->winter_start[1];
    return md >= ss && md < ws;
}

/* Today's target level of a district entry (summer or winter, by date). */
static double target_of(const run_ctx *c, const grid_district *t, int month, int day)
{
    return in_summer(c, month, day) ? t->summer_level : t->winter_level;
}

/* The district table: every district of the domain must be in it. */
static zt_status init_district_water(run_ctx *c, int month, int day, zt_err *err)
{
    int di, j = 0;
    zt_status st;

    st = io_districts_load(c->sc->districts_file, &c->dtab, &c->ndtab, err);
    if (st != ZT_OK) {
        return st;
    }
    c->dd = zt_calloc((size_t)c->nd, sizeof *c->dd);
    c->dpar = zt_calloc((size_t)c->nd, sizeof *c->dpar);
    c->dv = zt_calloc((size_t)c->nd, sizeof *c->dv);
    c->dlevel = zt_calloc((size_t)c->nd, sizeof *c->dlevel);
    c->dtarget = zt_calloc((size_t)c->nd, sizeof *c->dtarget);
    c->dflush = zt_calloc((size_t)c->nd, sizeof *c->dflush);
    c->dout = zt_calloc((size_t)c->nd, sizeof *c->dout);
    if (!c->dd || !c->dpar || !c->dv || !c->dlevel || !c->dtarget || !c->dflush || !c->dout) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for %d districts", c->nd);
    }
    for (di = 0; di < c->nd; di++) {
        zt_idx q;
        double land = 0.0, water = 0.0;
        while (j < c->ndtab && c->dtab[j].id < c->d_id[di]) {
            j++;
        }
        if (j >= c->ndtab || c->dtab[j].id != c->d_id[di]) {
            return zt_fail(err, ZT_EINPUT,
                           "%s: no [district.%ld] for district %ld of the domain %s",
                           c->sc->districts_file, (long)c->d_id[di], (long)c->d_id[di],
                           c->sc->domain);
        }
        c->dd[di] = &c->dtab[j];
        double peat = 0.0, nature = 0.0;
        for (q = c->d_start[di]; q < c->d_start[di + 1]; q++) {
            const zt_idx k = c->d_cells[q];
            if (c->dom->landuse[k] == ZT_LU_WATER) {
                water += c->cell_area;
            } else {
                land += c->cell_area;
                if (c->dom->soil[k] == ZT_SOIL_PEAT) {
                    peat += c->cell_area;
                } else if (c->dom->landuse[k] == ZT_LU_NATURE) {
                    nature += c->cell_area;
                }
            }
        }
        /* a deficit the day starts with (a target rise, a shortage still
           missing) is charged to the land it serves, by area */
        if (land > 0.0) {
            c->dpar[di].base_share[CORE_DCAT_PEAT] = peat / land;
            c->dpar[di].base_share[CORE_DCAT_NATURE] = nature / land;
            c->dpar[di].base_share[CORE_DCAT_AGRI] = (land - peat - nature) / land;
        }
        /* the ditches' water surface plus the open-water cells */
        c->dpar[di].aow = c->dd[di]->ow_fraction * land + water;
        c->dpar[di].pump_cap = 1e-3 * c->dd[di]->pump_mm_d * c->d_area[di];
        if (!(c->dpar[di].aow > 0.0)) {
            return zt_fail(err, ZT_EINPUT, "%s: [district.%ld]: no open water (open_water_fraction "
                                           "x land area is 0)",
                           c->sc->districts_file, (long)c->d_id[di]);
        }
        c->dtarget[di] = target_of(c, c->dd[di], month, day);
        c->dlevel[di] = c->dtarget[di];
        c->dv[di] = 0.0;
    }
    return ZT_OK;
}

/*
 * The peat scenario ([peat] target_depth): in every district whose land is
 * at least PEAT_DISTRICT_SHARE peat the summer target level is raised
 * (never lowered) to the area-mean surface level of its peat cells minus
 * the target depth, and the winter level by as much (docs/model.md §9.3).
 * Returns the number of districts changed.
 */
#define PEAT_DISTRICT_SHARE 0.25 /* a peat district: at least this share of its land [E] */

static int apply_peat_target(run_ctx *c)
{
    int changed = 0;
    for (int di = 0; di < c->nd; di++) {
        double zsum = 0.0;
        zt_idx npeat = 0, nland = 0;
        for (zt_idx q = c->d_start[di]; q < c->d_start[di + 1]; q++) {
            const zt_idx k = c->d_cells[q];
            if (c->dom->landuse[k] == ZT_LU_WATER) {
                continue;
            }
            nland++;
            if (c->dom->soil[k] == ZT_SOIL_PEAT) {
                zsum += (double)c->dom->surface[k];
                npeat++;
            }
        }
        if (npeat == 0 || (double)npeat < PEAT_DISTRICT_SHARE * (double)nland) {
            continue;
        }
        grid_district *t = (grid_district *)c->dd[di];
        /* to the cm, as the table's levels */
        const double want = round(100.0 * (zsum / (double)npeat - c->sc->peat_target)) / 100.0;
        if (want > t->summer_level) {
            t->winter_level += want - t->summer_level;
            t->summer_level = want;
            changed++;
        }
    }
    return changed;
}

/* Groundwater arrays from the domain and the parameter table. */
static zt_status init_gw(run_ctx *c, zt_err *err)
{
    const grid_domain *d = c->dom;
    core_gw_opts go;
    zt_idx k;
    double **const list[] = {&c->h,         &c->h_prev,      &c->kd,          &c->sy,
                             &c->surface,   &c->phi,         &c->cv,          &c->ditch_level,
                             &c->ditch_c,   &c->ditch_ci,    &c->trench_level, &c->trench_c,
                             &c->tile_level, &c->tile_c,     &c->rech,        &c->f_drain[0],
                             &c->f_drain[1], &c->f_drain[2], &c->f_spill,     &c->f_seep,
                             &c->f_stor,    &c->f_lat};

    if (!d->has_gw) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: the groundwater variables (kd, deep_head, seepage_resistance, "
                       "ditch_resistance, ...) are missing; mode \"%s\" needs them",
                       c->sc->domain, c->coupled ? "coupled" : "groundwater");
    }
    if (alloc_doubles(c->ncell, list, (int)(sizeof list / sizeof list[0])) != 0) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for the groundwater of %lld cells",
                       (long long)c->ncell);
    }
    for (k = 0; k < c->ncell; k++) {
        double zs = fval(d->surface, k);
        c->surface[k] = zs;
        c->rech[k] = 0.0;
        if (d->mask[k] == ZT_MASK_ACTIVE) {
            c->kd[k] = fval(d->kd, k);
            c->sy[k] = c->par->sy[d->soil[k]];
            c->phi[k] = fval(d->deep_head, k);
            c->cv[k] = fval(d->cv, k);
            c->h[k] = zs - fval(d->gwdepth, k);
            c->ditch_level[k] = NAN; /* set each day from the district level */
            c->ditch_c[k] = fval(d->ditch_c, k);
            c->ditch_ci[k] = fval(d->ditch_ci, k);
            c->trench_level[k] = zs - fval(d->trench_depth, k); /* NAN: none */
            c->trench_c[k] = isnan(c->trench_level[k]) ? 1.0 : fval(d->trench_c, k);
            c->tile_level[k] = zs - fval(d->tile_depth, k);
            c->tile_c[k] = isnan(c->tile_level[k]) ? 1.0 : fval(d->tile_c, k);
        } else {
            /* fixed-head cells hold the open water's level (surface_level);
               inactive cells are no-flow and never read */
            c->kd[k] = d->mask[k] == ZT_MASK_FIXED ? KD_OPEN_WATER : 0.0;
            c->sy[k] = 1.0;
            c->phi[k] = zs;
            c->cv[k] = 1.0;
            c->h[k] = d->mask[k] == ZT_MASK_FIXED ? zs : 0.0;
            c->ditch_level[k] = NAN;
            c->ditch_c[k] = 1.0;
            c->ditch_ci[k] = INFINITY;
            c->trench_level[k] = NAN;
            c->trench_c[k] = 1.0;
            c->tile_level[k] = NAN;
            c->tile_c[k] = 1.0;
        }
        c->h_prev[k] = c->h[k];
    }
    memset(&c->gwm, 0, sizeof c->gwm);
    c->gwm.g = d->g;
    c->gwm.mask = d->mask;
    c->gwm.kd = c->kd;
    c->gwm.sy = c->sy;
    c->gwm.surface = c->surface;
    c->gwm.c_spill = c->sc->c_spill;
    c->gwm.phi = c->phi;
    c->gwm.cv = c->cv;
    c->gwm.ndrain = 3;
    c->gwm.drain[0] = (core_gw_drain){"ditch", c->ditch_level, c->ditch_c, c->ditch_ci};
    c->gwm.drain[1] = (core_gw_drain){"trench", c->trench_level, c->trench_c, NULL};
    c->gwm.drain[2] = (core_gw_drain){"tile", c->tile_level, c->tile_c, NULL};
    if (c->sc->peat_owd || c->sc->peat_pd) {
        /* submerged drains in every peat cell: the tile system at ditch level
           (set each day), draining and infiltrating through one resistance;
           pressure drains: the tile system at a set depth below surface,
           infiltrating district water (docs/model.md §9.3) */
        c->tile_ci = zt_malloc((size_t)c->ncell * sizeof *c->tile_ci);
        c->owd = zt_calloc((size_t)c->ncell, 1);
        if (!c->tile_ci || !c->owd) {
            return zt_fail(err, ZT_ENOMEM, "out of memory for submerged drains");
        }
        for (k = 0; k < c->ncell; k++) {
            c->tile_ci[k] = INFINITY;
            if (d->mask[k] == ZT_MASK_ACTIVE && d->soil[k] == ZT_SOIL_PEAT) {
                if (c->sc->peat_owd) {
                    c->owd[k] = 1; /* the level follows the ditch */
                    c->tile_c[k] = c->sc->peat_owd_c;
                    c->tile_ci[k] = c->sc->peat_owd_c;
                } else {
                    c->tile_level[k] = c->surface[k] - c->sc->peat_pd_depth;
                    c->tile_c[k] = c->sc->peat_pd_c;
                    c->tile_ci[k] = c->sc->peat_pd_c;
                }
            }
        }
        c->gwm.drain[2].ci = c->tile_ci;
    }
    memset(&go, 0, sizeof go);
    go.tol_head = c->sc->gw_tol;
    go.max_picard = c->sc->gw_max_picard;
    go.max_cg = c->sc->gw_max_cg;
    /* groundwater mode: the solver reads its inputs again only when a ditch
       level changes (set_ditch_levels), twice a year, so most days start
       from the previous day's end (docs/model.md §6.3.1); the coupled mode
       moves the ditch levels every day, so there it reads them every day */
    go.keep_inputs = !c->coupled;
    return core_gw_create(&c->gwm, &go, &c->gw, err);
}

/* Select the output variables named in the scenario. */
static zt_status init_fields(run_ctx *c, zt_err *err)
{
    int i, v;
    c->nsel = c->sc->nout_vars;
    c->sel = zt_calloc((size_t)(c->nsel ? c->nsel : 1), sizeof *c->sel);
    if (!c->sel) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for output fields");
    }
    for (i = 0; i < c->nsel; i++) {
        c->sel[i] = -1;
        for (v = 0; v < V_COUNT; v++) {
            if (strcmp(c->sc->out_vars[i], catalogue[v].name) == 0) {
                c->sel[i] = v;
            }
        }
        if (c->sel[i] < 0) {
            return zt_fail(err, ZT_EINTERNAL, "output variable %s not in the catalogue",
                           c->sc->out_vars[i]);
        }
        if ((!c->gw_on && c->sel[i] >= V_NRZ) || (!c->coupled && c->sel[i] == V_DEMAND) ||
            (!c->rz_on && c->sel[i] < V_NRZ && c->sel[i] != V_RECHARGE)) {
            return zt_fail(err, ZT_ECONFIG,
                           "%s: [output] variables: \"%s\" is not computed in mode \"%s\"",
                           c->sc->file, c->sc->out_vars[i],
                           c->gw_on ? "groundwater" : "rootzone");
        }
    }
    c->outmask = zt_malloc((size_t)c->ncell);
    if (!c->outmask) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for the output mask");
    }
    for (zt_idx k = 0; k < c->ncell; k++) {
        c->outmask[k] = c->dom->mask[k] == ZT_MASK_ACTIVE;
    }
    c->dsum = zt_calloc((size_t)c->nd * S_COUNT, sizeof *c->dsum);
    c->abstr = zt_calloc((size_t)c->ncell, sizeof *c->abstr);
    c->rech_gw = zt_calloc((size_t)c->ncell, sizeof *c->rech_gw);
    c->spr_sw = zt_calloc((size_t)c->ncell, sizeof *c->spr_sw);
    if (!c->dsum || !c->abstr || !c->rech_gw || !c->spr_sw) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for district sums");
    }
    return ZT_OK;
}

/* The province of each district (c->d_provs), made once for the supply
 * network and the peat results. 0 or -1 (out of memory). */
static int district_provinces(run_ctx *c)
{
    if (!c->d_provs) {
        c->d_provs = zt_calloc((size_t)(c->nd > 0 ? c->nd : 1), sizeof *c->d_provs);
        if (!c->d_provs) {
            return -1;
        }
        for (int di = 0; di < c->nd; di++) {
            c->d_provs[di] = c->dd[di]->province;
        }
    }
    return 0;
}

/* Groundwater statistics and peat results (whenever groundwater is solved). */
static zt_status init_peat(run_ctx *c, zt_err *err)
{
    drv_peat_setup su;
    c->depth = zt_malloc((size_t)c->ncell * sizeof *c->depth);
    if (!c->depth || district_provinces(c) != 0) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for the groundwater statistics");
    }
    /* NaN outside the active cells; gather_gw_day sets the active ones */
    for (zt_idx k = 0; k < c->ncell; k++) {
        c->depth[k] = NAN;
    }
    memset(&su, 0, sizeof su);
    su.grid = c->dom->g;
    su.mask = c->dom->mask;
    su.soil = c->dom->soil;
    su.nd = c->nd;
    su.d_id = c->d_id;
    su.d_prov = c->d_provs;
    su.d_start = c->d_start;
    su.d_cells = c->d_cells;
    su.cell_area = c->cell_area;
    return drv_peat_create(&su, &c->peat, err);
}

/* The supply network (coupled mode with a network file). */
static zt_status init_supply(run_ctx *c, zt_err *err)
{
    const size_t n = (size_t)c->nd * CORE_DCAT_COUNT;
    drv_supply_setup su;
    double *cx = NULL;
    zt_status st;

    c->ddem = zt_calloc(n, sizeof *c->ddem);
    c->dfrac = zt_calloc(n, sizeof *c->dfrac);
    c->dreal = zt_calloc(n, sizeof *c->dreal);
    c->drep = zt_calloc(n, sizeof *c->drep);
    c->dshort = zt_calloc(n, sizeof *c->dshort);
    c->dshare = zt_calloc(n, sizeof *c->dshare);
    c->dsurp = zt_calloc((size_t)c->nd, sizeof *c->dsurp);
    cx = zt_calloc((size_t)c->nd, sizeof *cx);
    if (!c->ddem || !c->dfrac || !c->dreal || !c->dsurp || !c->drep || !c->dshort || !c->dshare ||
        !cx || district_provinces(c) != 0) {
        zt_free(cx);
        return zt_fail(err, ZT_ENOMEM, "out of memory for the supply network");
    }
    for (int di = 0; di < c->nd; di++) {
        double sx = 0.0;
        zt_idx q;
        for (q = c->d_start[di]; q < c->d_start[di + 1]; q++) {
            sx += (double)(c->d_cells[q] % c->dom->g.nx) + 0.5;
        }
        for (int cc = 0; cc < CORE_DCAT_COUNT; cc++) {
            c->dshare[di * CORE_DCAT_COUNT + cc] = c->dpar[di].base_share[cc];
        }
        q = c->d_start[di + 1] - c->d_start[di];
        cx[di] = c->dom->g.x0 + c->dom->g.dx * (q > 0 ? sx / (double)q : 0.0);
    }
    memset(&su, 0, sizeof su);
    su.network = c->sc->network;
    su.ijssel_factor = c->sc->ijssel_factor;
    su.ijssel_series = c->sc->ijssel_series;
    su.first = c->sc->start;
    su.last = c->sc->end;
    su.nd = c->nd;
    su.d_id = c->d_id;
    su.d_name = c->d_name;
    su.d_prov = c->d_provs;
    su.d_cx = cx;
    su.grid = c->dom->g;
    su.mask = c->dom->mask;
    st = drv_supply_create(&su, &c->sup, err);
    zt_free(cx);
    return st;
}

/* Add (or set, when first) value x of variable v at cell k to the output. */
static inline void out_add(double *const *acc, const int *sel, int nsel, int first, zt_idx k,
                           const double *val, int lo, int hi)
{
    int i;
    for (i = 0; i < nsel; i++) {
        int v = sel[i];
        if (v >= lo && v < hi) {
            double x = catalogue_scale(v) * val[v];
            if (first) {
                acc[i][k] = x;
            } else {
                acc[i][k] += x;
            }
        }
    }
}

/*
 * Phase A, one day of the root zone over all active cells, district by
 * district: the water table depth comes from the head (coupled) or the
 * initial field (rootzone mode). Adds the root-zone output variables to the
 * period accumulators (acc NULL: no gridded output), sets the net flux into
 * groundwater per cell (rech) and fills the root-zone sums per district.
 */
static void rootzone_day(run_ctx *c, int month, double *const *acc, int first)
{
    const int nd = c->nd;
    const int nsel = acc ? c->nsel : 0;
    const double pf = c->sc->precip_factor[month - 1];
    const double ef = c->sc->et0_factor[month - 1];
    const grid_domain *dom = c->dom;
    const int coupled = c->coupled;
    int di;

#pragma omp parallel for schedule(static) default(none)                                        \
    shared(c, dom, acc) firstprivate(nd, nsel, pf, ef, month, first, coupled)
    for (di = 0; di < nd; di++) {
        /* local sums (not through c->dsum, which the compiler would have to
           assume aliases the output arrays), written back at the end */
        double ds[S_COUNT] = {0};
        double *dst = c->dsum + (size_t)di * S_COUNT;
        zt_idx q;
        int v;

        for (q = c->d_start[di]; q < c->d_start[di + 1]; q++) {
            const zt_idx k = c->d_cells[q];
            const core_rz_params *p = c->cp[k];
            core_rz_state s = {c->s[k], c->spr_left[k]};
            core_rz_in in;
            core_rz_out o;
            double val[V_NRZ];
            double demand, land, spr_gw = 0.0;

            demand = core_rz_sprinkle_demand(p, &s, month);
            in.p = 1e-3 * pf * c->p[k];
            in.et0 = 1e-3 * ef * c->et0[k];
            in.depth = coupled ? c->surface[k] - c->h[k] : (double)dom->gwdepth[k];
            in.month = month;
            in.spr_in = demand; /* every demand is supplied until the network exists */
            core_rz_step(p, &in, &s, &o);
            c->s[k] = s.s;
            c->spr_left[k] = s.spr_left;

            c->spr_sw[k] = 0.0;
            if (o.spr > 0.0) {
                if (dom->sprinkling[k] == ZT_SPR_GROUND) {
                    spr_gw = o.spr;
                } else if (dom->landuse[k] == ZT_LU_CAPITAL) {
                    ds[S_SPR_SW_CAP] += o.spr;
                    c->spr_sw[k] = o.spr;
                } else {
                    ds[S_SPR_SW_AGRI] += o.spr;
                    c->spr_sw[k] = o.spr;
                }
            }
            if (coupled) {
                c->rech[k] = o.recharge - spr_gw;
            }

            land = p->open_water ? 0.0 : 1.0 - p->paved;
            if (nsel > 0) {
                val[V_P] = in.p;
                val[V_ET0] = in.et0;
                val[V_ETP] = o.etp;
                val[V_ETACT] = o.ei + o.ta + o.eow;
                val[V_EI] = o.ei;
                val[V_TA] = o.ta;
                val[V_EOW] = o.eow;
                val[V_PERC] = o.perc;
                val[V_CR] = o.cr;
                val[V_RECHARGE] = o.recharge;
                val[V_RUNOFF] = o.runoff;
                val[V_OWNET] = o.ownet;
                val[V_SPR] = o.spr;
                val[V_SPRDEM] = demand;
                val[V_S] = p->open_water ? 0.0 : s.s;
                val[V_DEFICIT] = p->open_water ? 0.0 : p->smax - s.s;
                out_add(acc, c->sel, nsel, first, k, val, 0, V_NRZ);
            }

            ds[S_P] += in.p;
            ds[S_ET0] += in.et0;
            ds[S_ETACT] += o.ei + o.ta + o.eow;
            ds[S_TA] += o.ta;
            ds[S_RECHARGE] += o.recharge;
            ds[S_S] += land * s.s;
            ds[S_RUNOFF] += o.runoff + o.ownet;
            ds[S_SPRDEM] += demand;
            ds[S_SPR] += o.spr;
            ds[S_SPR_GW] += spr_gw;
            ds[S_CR] += o.cr;
            ds[S_EI] += o.ei;
            ds[S_EOW] += o.eow;
            ds[S_PERC] += o.perc;
            ds[S_OWNET] += o.ownet;
        }
        for (v = 0; v < S_COUNT; v++) {
            dst[v] = ds[v];
        }
    }
}

/*
 * Phase C: per district, the groundwater terms of the day (from the
 * solver's fluxes) and the groundwater output variables.
 */
static void gather_gw_day(run_ctx *c, double *const *acc, int first)
{
    const int nd = c->nd;
    const int nsel = acc ? c->nsel : 0;
    const grid_domain *dom = c->dom;
    int di;

#pragma omp parallel for schedule(static) default(none) shared(c, dom, acc)                    \
    firstprivate(nd, nsel, first)
    for (di = 0; di < nd; di++) {
        double ds[S_COUNT];
        double *dst = c->dsum + (size_t)di * S_COUNT;
        zt_idx q;
        int v;

        for (v = S_DRAIN; v < S_COUNT; v++) {
            ds[v] = 0.0;
        }
        for (q = c->d_start[di]; q < c->d_start[di + 1]; q++) {
            const zt_idx k = c->d_cells[q];
            const double ditch = c->f_drain[0][k];
            const double inf = ditch < 0.0 ? -ditch : 0.0;
            double val[V_COUNT];

            /* submerged drains (the tile system in peat cells) infiltrate too */
            const double tr = c->f_drain[1][k], ti = c->f_drain[2][k];
            const double inf_all = inf + (tr < 0.0 ? -tr : 0.0) + (ti < 0.0 ? -ti : 0.0);
            ds[S_DRAIN] += (ditch > 0.0 ? ditch : 0.0) + (tr > 0.0 ? tr : 0.0) +
                           (ti > 0.0 ? ti : 0.0);
            if (dom->soil[k] == ZT_SOIL_PEAT) {
                ds[S_INF_PEAT] += inf_all;
            } else if (dom->landuse[k] == ZT_LU_NATURE) {
                ds[S_INF_NATURE] += inf_all;
            } else {
                ds[S_INF_AGRI] += inf_all;
            }
            ds[S_SPILL] += c->f_spill[k];
            ds[S_SEEP] += c->f_seep[k];
            ds[S_FIXED] += c->f_lat[k];
            ds[S_GWSTOR] += c->f_stor[k];
            ds[S_GWREACH] += c->rech[k];
            ds[S_ABSTR] += c->abstr[k];
            c->depth[k] = c->surface[k] - c->h[k]; /* for the statistics */
            ds[S_DEPTH] += c->depth[k];
            if (nsel > 0) {
                val[V_HEAD] = c->h[k];
                val[V_DEPTH] = c->surface[k] - c->h[k];
                val[V_DRAIN_DITCH] = ditch > 0.0 ? ditch : 0.0;
                val[V_INFILTRATION] = inf;
                val[V_DRAIN_TRENCH] = c->f_drain[1][k];
                val[V_DRAIN_TILE] = c->f_drain[2][k];
                val[V_SEEPAGE] = -c->f_seep[k];
                val[V_SPILL] = c->f_spill[k];
                out_add(acc, c->sel, nsel, first, k, val, V_NRZ, V_NGW);
                if (!c->rz_on) {
                    val[V_RECHARGE] = c->rech[k]; /* groundwater mode: from the file */
                    out_add(acc, c->sel, nsel, first, k, val, V_RECHARGE, V_RECHARGE + 1);
                }
            }
        }
        for (v = S_DRAIN; v < S_COUNT; v++) {
            dst[v] = ds[v];
        }
    }
}

/*
 * Phase E: district values painted on their cells, for maps: the level and
 * the inlet demand per unit of the district's area.
 */
static void district_fields_day(run_ctx *c, double *const *acc, int first)
{
    const int nd = c->nd;
    const int nsel = c->nsel;
    int di;
#pragma omp parallel for schedule(static) default(none) shared(c, acc) firstprivate(nd, nsel, first)
    for (di = 0; di < nd; di++) {
        double val[V_COUNT];
        zt_idx q;
        val[V_DLEVEL] = c->dlevel[di];
        val[V_DEMAND] = c->coupled ? c->dout[di].demand / c->d_area[di] : 0.0;
        for (q = c->d_start[di]; q < c->d_start[di + 1]; q++) {
            out_add(acc, c->sel, nsel, first, c->d_cells[q], val, V_NGW, V_COUNT);
        }
    }
}

/* Set the ditch level of every active cell to its district's level; 1 if one changed. */
static int set_ditch_levels(run_ctx *c)
{
    const int nd = c->nd;
    int di, changed = 0;
#pragma omp parallel for schedule(static) default(none) shared(c) firstprivate(nd) \
    reduction(| : changed)
    for (di = 0; di < nd; di++) {
        zt_idx q;
        const double z = c->dlevel[di];
        for (q = c->d_start[di]; q < c->d_start[di + 1]; q++) {
            const zt_idx k = c->d_cells[q];
            /* bitwise, so that NaN (no level yet) to NaN is no change */
            changed |= memcmp(&c->ditch_level[k], &z, sizeof z) != 0;
            c->ditch_level[k] = z;
            if (c->owd && c->owd[k]) {
                changed |= memcmp(&c->tile_level[k], &z, sizeof z) != 0;
                c->tile_level[k] = z; /* submerged drains at ditch level */
            }
        }
    }
    return changed;
}

/* Storage of the root zone (m over cells, summed) in district order. */
static double rz_storage(const run_ctx *c)
{
    double tot = 0.0;
    int di;
    for (di = 0; di < c->nd; di++) {
        double sum = 0.0;
        zt_idx q;
        for (q = c->d_start[di]; q < c->d_start[di + 1]; q++) {
            const zt_idx k = c->d_cells[q];
            const core_rz_params *p = c->cp[k];
            if (!p->open_water) {
                sum += (1.0 - p->paved) * c->s[k];
            }
        }
        tot += sum;
    }
    return tot;
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
    const char *names[V_COUNT];
    zt_status st;
    int v;

    for (v = 0; v < V_COUNT; v++) {
        names[v] = catalogue[v].name;
    }
    st = io_scenario_load(o->scenario, names, V_COUNT, &c->sc, err);
    if (st != ZT_OK) {
        return st;
    }
    if (o->out_dir) {
        st = io_scenario_set_out_dir(c->sc, o->out_dir, err);
        if (st != ZT_OK) {
            return st;
        }
    }
    if (o->threads > 0) {
        c->sc->threads = o->threads;
    }
    c->coupled = c->sc->mode == IO_MODE_COUPLED;
    c->gw_on = c->sc->mode != IO_MODE_ROOTZONE;
    c->rz_on = c->sc->mode != IO_MODE_GROUNDWATER;
    st = io_params_load(c->sc->parameters, &c->par, err);
    if (st != ZT_OK) {
        return st;
    }
    st = io_domain_read(c->sc->domain, c->sc->field_src, c->sc->nfield_src, &c->dom, err);
    if (st != ZT_OK) {
        return st;
    }
    c->ncell = zt_grid_ncell(&c->dom->g);
    c->cell_area = c->dom->g.dx * c->dom->g.dx;
    if (c->rz_on) {
        return io_forcing_open(c->sc->forcing, &c->dom->g, c->dom->mask, c->sc->start,
                               c->sc->end, &c->forc, err);
    }
    return io_forcing_open_recharge(c->sc->recharge, &c->dom->g, c->dom->mask, c->sc->start,
                                    c->sc->end, &c->forc, err);
}

static void print_settings(const run_ctx *c, FILE *f)
{
    fprintf(f, "zoet run: settings in effect\n");
    io_scenario_print(c->sc, f);
    fprintf(f, "# threads = %d\n", omp_get_max_threads());
    fprintf(f, "# grid = %lld x %lld cells of %g m, west edge %.0f, south edge %.0f (RD New)\n",
            (long long)c->dom->g.nx, (long long)c->dom->g.ny, c->dom->g.dx, c->dom->g.x0,
            c->dom->g.y0);
    fprintf(f, "# districts = %d\n", c->nd);
    fprintf(f, "# forcing = %s\n", io_forcing_describe(c->forc));
    io_params_print(c->par, f);
}

/* The balance of one day: terms in m3/d (b), its errors and the check. */
typedef struct day_balance {
    double b[B_COUNT];
    double err_rz, err_gw, err_d, err_all;   /* m3/d */
    double gross_rz, gross_gw, gross_d, gross_all;
    double rel_rz, rel_gw, rel_d, rel_all;
} day_balance;

static double rel_of(double e, double gross)
{
    return gross > 0.0 ? fabs(e) / gross : fabs(e);
}

/* Close the balance of a day; mode says which compartments exist. */
static void balance_close(day_balance *x, io_mode mode)
{
    const double *b = x->b;
    x->err_rz = b[B_P] + b[B_SPR] + b[B_CR] - b[B_EI] - b[B_TA] - b[B_EOW] - b[B_PERC] -
                b[B_RUNOFF] - b[B_OWNET] - b[B_DS_RZ];
    x->gross_rz = fabs(b[B_P]) + fabs(b[B_SPR]) + fabs(b[B_CR]) + fabs(b[B_EI]) + fabs(b[B_TA]) +
                  fabs(b[B_EOW]) + fabs(b[B_PERC]) + fabs(b[B_RUNOFF]) + fabs(b[B_OWNET]) +
                  fabs(b[B_DS_RZ]);
    x->err_gw = b[B_RECH] - b[B_ABSTR] + b[B_INF] - b[B_DRAIN] - b[B_SPILL] - b[B_SEEP] -
                b[B_FIXED] - b[B_DS_GW];
    x->gross_gw = fabs(b[B_RECH]) + fabs(b[B_ABSTR]) + fabs(b[B_INF]) + fabs(b[B_DRAIN]) +
                  fabs(b[B_SPILL]) + fabs(b[B_SEEP]) + fabs(b[B_FIXED]) + fabs(b[B_DS_GW]);
    x->err_d = b[B_DRAIN] + b[B_SPILL] + b[B_RUNOFF] + b[B_OWNET] + b[B_SUPPLIED] - b[B_INF] -
               b[B_SPR_SW] - b[B_FLUSH] - b[B_DISCHARGE] - b[B_DV];
    x->gross_d = fabs(b[B_DRAIN]) + fabs(b[B_SPILL]) + fabs(b[B_RUNOFF]) + fabs(b[B_OWNET]) +
                 fabs(b[B_SUPPLIED]) + fabs(b[B_INF]) + fabs(b[B_SPR_SW]) + fabs(b[B_FLUSH]) +
                 fabs(b[B_DISCHARGE]) + fabs(b[B_DV]);
    if (mode == IO_MODE_ROOTZONE) {
        /* percolation, capillary rise and the flows to the district cross the
           model's boundary: only the root zone has a balance */
        x->err_gw = x->gross_gw = x->err_d = x->gross_d = 0.0;
    }
    x->err_all = x->err_rz + x->err_gw + x->err_d;
    x->gross_all = x->gross_rz + x->gross_gw + x->gross_d;
    x->rel_rz = rel_of(x->err_rz, x->gross_rz);
    x->rel_gw = rel_of(x->err_gw, x->gross_gw);
    x->rel_d = rel_of(x->err_d, x->gross_d);
    x->rel_all = rel_of(x->err_all, x->gross_all);
}

/*
 * Unmet sprinkling is not applied (docs/model.md §8.5): in district di a
 * fraction g_cap (g_agri) of today's surface-water sprinkling of capital
 * (other) crops is taken back out of the root zone of its cells, as far as
 * their storage holds it. The gridded output, the district sums and the
 * root-zone storage follow; cut[0], cut[1] get the volumes (m3).
 */
static void curtail_sprinkling(run_ctx *c, int di, double g_cap, double g_agri,
                               double *const *acc, double cut[2])
{
    double *ds = c->dsum + (size_t)di * S_COUNT;
    const int nsel = acc ? c->nsel : 0;
    cut[0] = cut[1] = 0.0;
    for (zt_idx q = c->d_start[di]; q < c->d_start[di + 1]; q++) {
        const zt_idx k = c->d_cells[q];
        const double spr = c->spr_sw[k]; /* m over the cell */
        if (!(spr > 0.0)) {
            continue;
        }
        const int cap = c->dom->landuse[k] == ZT_LU_CAPITAL;
        const core_rz_params *p = c->cp[k];
        const double land = 1.0 - p->paved;
        const double want = (cap ? g_cap : g_agri) * spr;       /* m over the cell */
        const double have = land * c->s[k];                      /* m over the cell */
        const double take = want < have ? want : have;
        if (!(take > 0.0)) {
            continue;
        }
        c->s[k] -= take / land;
        c->spr_sw[k] -= take;
        cut[cap ? 0 : 1] += take * c->cell_area;
        ds[S_SPR] -= take;
        ds[cap ? S_SPR_SW_CAP : S_SPR_SW_AGRI] -= take;
        ds[S_S] -= take;
        if (nsel > 0) {
            double val[V_COUNT];
            val[V_SPR] = -take;
            val[V_S] = -take / land;
            val[V_DEFICIT] = take / land;
            out_add(acc, c->sel, nsel, 0, k, val, V_SPR, V_SPR + 1);
            out_add(acc, c->sel, nsel, 0, k, val, V_S, V_S + 1);
            out_add(acc, c->sel, nsel, 0, k, val, V_DEFICIT, V_DEFICIT + 1);
        }
    }
}

/* The day's terms of district di (m3/d) into *in, supply fractions 1. */
static void district_in(run_ctx *c, int di, double target, int summer, core_district_in *in)
{
    const double *ds = c->dsum + (size_t)di * S_COUNT;
    const double a = c->cell_area;
    memset(in, 0, sizeof *in);
    in->target = target;
    in->drainage = a * ds[S_DRAIN];
    in->spill = a * ds[S_SPILL];
    in->runoff = a * (ds[S_RUNOFF] - ds[S_OWNET]);
    in->ow_net = a * ds[S_OWNET];
    in->loss[CORE_DCAT_PEAT] = a * ds[S_INF_PEAT];
    in->loss[CORE_DCAT_NATURE] = a * ds[S_INF_NATURE];
    /* flushing against salinisation runs in the summer half */
    in->loss[CORE_DCAT_FLUSHING] = summer ? 86400.0 * c->dd[di]->flushing_m3s : 0.0;
    in->loss[CORE_DCAT_CAPITAL] = a * ds[S_SPR_SW_CAP];
    in->loss[CORE_DCAT_AGRI] = a * (ds[S_INF_AGRI] + ds[S_SPR_SW_AGRI]);
    for (int cc = 0; cc < CORE_DCAT_COUNT; cc++) {
        in->supplied_frac[cc] = 1.0;
    }
}

/*
 * Phase D: the district balances of the day, and the day's balance terms.
 * With a supply network: each district's demand by cause first (a dry run
 * of the step), the allocation, unmet sprinkling taken back, then the step
 * with the allocated fractions, and the day's accounting.
 */
static zt_status districts_day(run_ctx *c, zt_day day, int month, int mday, double *const *acc,
                               day_balance *x, zt_err *err)
{
    const int summer = in_summer(c, month, mday);
    const int nc = CORE_DCAT_COUNT;
    int di;
    zt_status st;

    c->rz_cut = 0.0;
    if (c->sup) {
        for (di = 0; di < c->nd; di++) {
            core_district_in in;
            core_district_out o;
            double v = c->dv[di], stot = 0.0;
            /* a deficit the day starts with is charged to the causes that
             * went short (yesterday's shortage), else by area (a target rise) */
            for (int cc = 0; cc < nc; cc++) {
                stot += c->dshort[di * nc + cc];
            }
            for (int cc = 0; cc < nc; cc++) {
                c->dpar[di].base_share[cc] =
                    stot > 0.0 ? c->dshort[di * nc + cc] : c->dshare[di * nc + cc];
            }
            district_in(c, di, target_of(c, c->dd[di], month, mday), summer, &in);
            for (int cc = 0; cc < nc; cc++) {
                in.supplied_frac[cc] = 0.0;
            }
            core_district_step(&c->dpar[di], &in, c->dtarget[di], &v, &o);
            for (int cc = 0; cc < nc; cc++) {
                c->ddem[di * nc + cc] = o.demand_cat[cc];
            }
            c->dsurp[di] = o.discharge;
        }
        st = drv_supply_allocate(c->sup, day, summer, c->ddem, c->dsurp, c->dfrac, err);
        if (st != ZT_OK) {
            return st;
        }
    }
    for (di = 0; di < c->nd; di++) {
        const double target = target_of(c, c->dd[di], month, mday);
        core_district_in in;
        core_district_out *o = &c->dout[di];
        double cut[2] = {0.0, 0.0};

        district_in(c, di, target, summer, &in);
        if (c->sup) {
            const double *f = c->dfrac + (size_t)di * nc;
            if (f[CORE_DCAT_CAPITAL] < 1.0 || f[CORE_DCAT_AGRI] < 1.0) {
                curtail_sprinkling(c, di, 1.0 - f[CORE_DCAT_CAPITAL], 1.0 - f[CORE_DCAT_AGRI],
                                   acc, cut);
                in.loss[CORE_DCAT_CAPITAL] -= cut[0];
                in.loss[CORE_DCAT_AGRI] -= cut[1];
                in.loss[CORE_DCAT_CAPITAL] = in.loss[CORE_DCAT_CAPITAL] > 0.0
                                                 ? in.loss[CORE_DCAT_CAPITAL]
                                                 : 0.0;
                in.loss[CORE_DCAT_AGRI] = in.loss[CORE_DCAT_AGRI] > 0.0 ? in.loss[CORE_DCAT_AGRI]
                                                                        : 0.0;
                c->rz_cut += cut[0] + cut[1];
            }
            /* flushing that cannot be supplied is not done */
            if (f[CORE_DCAT_FLUSHING] < 1.0) {
                in.loss[CORE_DCAT_FLUSHING] *= f[CORE_DCAT_FLUSHING];
            }
            /* the demand after the curtailment (a dry run), and the
             * fractions of it that give each cause what it was allocated */
            core_district_in in2 = in;
            core_district_out o2;
            double v2 = c->dv[di];
            for (int cc = 0; cc < nc; cc++) {
                in2.supplied_frac[cc] = 0.0;
            }
            core_district_step(&c->dpar[di], &in2, c->dtarget[di], &v2, &o2);
            for (int cc = 0; cc < nc; cc++) {
                const double d1 = c->ddem[di * nc + cc], d2 = o2.demand_cat[cc];
                const double a = f[cc] >= 1.0 ? d1 : f[cc] * d1; /* allocated (m3/d) */
                in.supplied_frac[cc] = d2 > 0.0 ? (a >= d2 ? 1.0 : a / d2) : 1.0;
                /* reported: the new demand; for sprinkling and flushing the
                 * demand before the curtailment (the curtailed water is a
                 * shortage) */
                const int spr = cc == CORE_DCAT_CAPITAL || cc == CORE_DCAT_AGRI ||
                                cc == CORE_DCAT_FLUSHING;
                const double nd_ = (spr ? d1 : d2) - o2.carried_cat[cc];
                c->drep[di * nc + cc] = nd_ > 0.0 ? nd_ : 0.0;
            }
        }
        c->dflush[di] = in.loss[CORE_DCAT_FLUSHING];
        core_district_step(&c->dpar[di], &in, c->dtarget[di], &c->dv[di], o);
        c->dtarget[di] = target;
        c->dlevel[di] = o->level;
        if (c->sup) {
            for (int cc = 0; cc < nc; cc++) {
                const double sh = o->demand_cat[cc] - o->supplied_cat[cc];
                c->dreal[di * nc + cc] = o->supplied_cat[cc];
                c->dshort[di * nc + cc] = sh > 0.0 ? sh : 0.0;
            }
        }
        x->b[B_SUPPLIED] += o->supplied;
        x->b[B_SPR_SW] += in.loss[CORE_DCAT_CAPITAL] +
                          (c->cell_area * c->dsum[(size_t)di * S_COUNT + S_SPR_SW_AGRI]);
        x->b[B_FLUSH] += in.loss[CORE_DCAT_FLUSHING];
        x->b[B_DISCHARGE] += o->discharge;
        x->b[B_DV] += o->dv;
    }
    /* the sprinkling taken back never reached the root zone */
    x->b[B_SPR] -= c->rz_cut;
    x->b[B_DS_RZ] -= c->rz_cut;
    if (c->sup) {
        return drv_supply_account(c->sup, day, c->drep, c->dreal, err);
    }
    return ZT_OK;
}

/* The district series of the day into tsval[v * nd + di]. */
static void district_series(const run_ctx *c, double *tsval)
{
    const double a = c->cell_area;
    int di, i;
    for (di = 0; di < c->nd; di++) {
        const double *ds = c->dsum + (size_t)di * S_COUNT;
        const double area = c->d_area[di];
        const double ncells = area / a;
        double v[D_COUNT];
        memset(v, 0, sizeof v);
        v[D_LEVEL] = c->gw_on ? c->dlevel[di] : NAN;
        v[D_STORAGE] = c->coupled ? c->dv[di] : NAN;
        v[D_P] = 1e3 * a * ds[S_P] / area;
        v[D_ET0] = 1e3 * a * ds[S_ET0] / area;
        v[D_ETACT] = 1e3 * a * ds[S_ETACT] / area;
        v[D_TA] = 1e3 * a * ds[S_TA] / area;
        v[D_RECHARGE] = 1e3 * a * (c->rz_on ? ds[S_RECHARGE] : ds[S_GWREACH]) / area;
        v[D_S] = c->d_land[di] > 0 ? 1e3 * a * ds[S_S] / c->d_land[di] : 0.0;
        v[D_GWDEPTH] = c->gw_on ? ds[S_DEPTH] / ncells : NAN;
        v[D_TO_DISTRICT] = a * ds[S_RUNOFF] / 86400.0;
        v[D_DRAINAGE] = a * ds[S_DRAIN] / 86400.0;
        v[D_INFILTRATION] = a * (ds[S_INF_PEAT] + ds[S_INF_NATURE] + ds[S_INF_AGRI]) / 86400.0;
        v[D_SPILL] = a * ds[S_SPILL] / 86400.0;
        v[D_SPRDEM] = a * ds[S_SPRDEM] / 86400.0;
        v[D_SPR] = a * ds[S_SPR] / 86400.0;
        v[D_SPR_SW] = a * (ds[S_SPR_SW_CAP] + ds[S_SPR_SW_AGRI]) / 86400.0;
        if (c->coupled) {
            const core_district_out *o = &c->dout[di];
            v[D_FLUSHING] = c->dflush[di] / 86400.0;
            v[D_DISCHARGE] = o->discharge / 86400.0;
            v[D_DEMAND] = o->demand / 86400.0;
            v[D_DEMAND_PEAT] = o->demand_cat[CORE_DCAT_PEAT] / 86400.0;
            v[D_DEMAND_NATURE] = o->demand_cat[CORE_DCAT_NATURE] / 86400.0;
            v[D_DEMAND_FLUSHING] = o->demand_cat[CORE_DCAT_FLUSHING] / 86400.0;
            v[D_DEMAND_CAPITAL] = o->demand_cat[CORE_DCAT_CAPITAL] / 86400.0;
            v[D_DEMAND_AGRI] = o->demand_cat[CORE_DCAT_AGRI] / 86400.0;
            v[D_SUPPLIED] = o->supplied / 86400.0;
            v[D_SHORTAGE] = o->shortage / 86400.0;
            if (c->sup) {
                /* with the network: the demand as the supply accounting
                 * reports it (new demand; sprinkling before curtailment) */
                const double *rd = c->drep + (size_t)di * CORE_DCAT_COUNT;
                const double *rr = c->dreal + (size_t)di * CORE_DCAT_COUNT;
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
        for (i = 0; i < D_COUNT; i++) {
            tsval[(size_t)i * c->nd + di] = v[i];
        }
    }
}

zt_status drv_run(const drv_run_opts *o, drv_run_stats *stats, zt_err *err)
{
    run_ctx c;
    io_gridout *gout = NULL;
    io_tsout *tsout = NULL;
    io_outset *set = NULL;
    FILE *bal = NULL;
    char path_grid[4096], path_dnc[4096], path_dcsv[4096], path_bal[4096];
    io_var_spec *gvars = NULL;
    double *tsval = NULL;
    double rz_prev, t0, t1, t_rz = 0.0, t_gw = 0.0, t_wait = 0.0, max_rel = 0.0;
    long cg_total = 0, picard_total = 0;
    zt_status st;
    zt_day day;
    int ndays, i;

    memset(&c, 0, sizeof c);
    if (stats) {
        memset(stats, 0, sizeof *stats);
    }
    st = load_inputs(&c, o, err);
    if (st != ZT_OK) {
        goto done;
    }
    if (c.sc->threads > 0) {
        omp_set_num_threads(c.sc->threads);
    }
    st = build_districts(&c, err);
    if (st == ZT_OK) {
        st = init_cells(&c, err);
    }
    if (st == ZT_OK && c.gw_on) {
        int y, m, d;
        zt_day_to_ymd(c.sc->start, &y, &m, &d);
        st = init_district_water(&c, m, d, err);
        if (st == ZT_OK) {
            st = init_gw(&c, err);
        }
        if (st == ZT_OK && !isnan(c.sc->peat_target)) {
            int nch = apply_peat_target(&c);
            /* the start of the run may already be in summer */
            for (int di = 0; di < c.nd; di++) {
                c.dtarget[di] = target_of(&c, c.dd[di], m, d);
                c.dlevel[di] = c.dtarget[di];
            }
            if (!o->quiet) {
                printf("zoet run: peat target depth %.2f m: the summer level of %d peat "
                       "districts raised\n",
                       c.sc->peat_target, nch);
            }
        }
        if (st == ZT_OK && c.sc->network) {
            st = init_supply(&c, err);
        }
        if (st == ZT_OK) {
            st = init_peat(&c, err);
        }
    }
    if (st == ZT_OK) {
        st = init_fields(&c, err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    if (!o->quiet) {
        print_settings(&c, stdout);
        fflush(stdout);
    }
    if (o->check_only) {
        goto done;
    }

    /* outputs: into the staging folder of an output set, published whole
       at the end (io_outset.h) */
    {
        io_outset_info oi = {"zoet", ZOET_VERSION, c.sc->start, c.sc->end,
                             omp_get_max_threads()};
        st = io_outset_create(c.sc->out_dir, &oi, stderr, &set, err);
        if (st == ZT_OK) {
            st = io_outset_add_scenario(set, c.sc, err);
        }
        if (st != ZT_OK) {
            goto done;
        }
    }
    {
        char name[64];
        io_gridout_opts go;
        snprintf(name, sizeof name, "grids_%s.nc", io_agg_name(c.sc->agg));
        io_path_join(io_outset_staging(set), name, path_grid, sizeof path_grid);
        io_path_join(io_outset_staging(set), "districts.nc", path_dnc, sizeof path_dnc);
        io_path_join(io_outset_staging(set), "districts.csv", path_dcsv, sizeof path_dcsv);
        io_path_join(io_outset_staging(set), "balance.csv", path_bal, sizeof path_bal);
        gvars = zt_calloc((size_t)(c.nsel ? c.nsel : 1), sizeof *gvars);
        if (!gvars) {
            st = zt_fail(err, ZT_ENOMEM, "out of memory");
            goto done;
        }
        for (i = 0; i < c.nsel; i++) {
            gvars[i] = catalogue[c.sel[i]];
        }
        memset(&go, 0, sizeof go);
        go.agg = c.sc->agg;
        go.deflate = c.sc->deflate;
        go.nsd = c.sc->nsd;
        go.async = 1;
        go.title = c.sc->name;
        go.history = "zoet run";
        if (c.nsel > 0) {
            st = io_gridout_create(path_grid, &c.dom->g, c.outmask, gvars, c.nsel, &go, &gout,
                                   err);
            if (st != ZT_OK) {
                goto done;
            }
        }
    }
    ndays = (int)(c.sc->end - c.sc->start + 1);
    if (c.sc->districts) {
        st = io_tsout_create(path_dnc, path_dcsv, "district", c.d_id,
                             (const char *const *)c.d_name, c.nd, district_vars, D_COUNT,
                             c.sc->start, ndays, &tsout, err);
        if (st != ZT_OK) {
            goto done;
        }
        tsval = zt_calloc((size_t)c.nd * D_COUNT, sizeof *tsval);
        if (!tsval) {
            st = zt_fail(err, ZT_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (c.sup) {
        st = drv_supply_open(c.sup, io_outset_staging(set), c.sc->start, ndays, c.d_id,
                             c.d_name, err);
        if (st != ZT_OK) {
            goto done;
        }
    }
    st = io_text_open(path_bal, &bal, err);
    if (st != ZT_OK) {
        goto done;
    }
    fprintf(bal, "date");
    for (i = 0; i < B_COUNT; i++) {
        fprintf(bal, ",%s_m3", balance_names[i]);
    }
    fprintf(bal, ",rootzone_error_m3,gw_error_m3,district_error_m3,error_m3,gross_flux_m3,"
                 "relative_error,picard,cg_iterations\n");

    /* the time loop */
    rz_prev = c.rz_on ? rz_storage(&c) : 0.0;
    t0 = now_seconds();
    for (day = c.sc->start; day <= c.sc->end; day++) {
        day_balance x;
        double *const *acc = NULL;
        int year, month, dd, di, first = 0;
        char date[16];

        memset(&x, 0, sizeof x);
        zt_day_to_ymd(day, &year, &month, &dd);
        zt_day_format(day, date);
        st = io_outset_poll(set, err); /* SIGINT, SIGTERM */
        if (st != ZT_OK) {
            zt_err_prefix(err, "%s: ", date);
            goto done;
        }
        /* netCDF-C and HDF5 are not thread-safe: the forcing read takes the
           same lock as the output writer's thread */
        io_out_nc_lock();
        st = io_forcing_read_day(c.forc, day, c.p, c.et0, err);
        io_out_nc_unlock();
        if (st != ZT_OK) {
            goto done;
        }
        if (gout) {
            st = io_gridout_begin_day(gout, day, &acc, &first, err);
            if (st != ZT_OK) {
                goto done;
            }
        }

        /* A: root zone */
        t1 = now_seconds();
        if (c.rz_on) {
            double rz_now;
            rootzone_day(&c, month, gout ? acc : NULL, first);
            rz_now = rz_storage(&c);
            x.b[B_DS_RZ] = c.cell_area * (rz_now - rz_prev);
            rz_prev = rz_now;
        } else {
            for (zt_idx k = 0; k < c.ncell; k++) {
                c.rech[k] = c.dom->mask[k] == ZT_MASK_ACTIVE ? 1e-3 * (double)c.p[k] : 0.0;
            }
            memset(c.dsum, 0, (size_t)c.nd * S_COUNT * sizeof *c.dsum);
        }
        t_rz += now_seconds() - t1;

        /* B: groundwater, with the ditch levels of yesterday's end (coupled)
           or today's targets (groundwater mode) */
        if (c.gw_on) {
            core_gw_flux f;
            t1 = now_seconds();
            if (!c.coupled) {
                for (di = 0; di < c.nd; di++) {
                    c.dlevel[di] = target_of(&c, c.dd[di], month, dd);
                }
            }
            if (set_ditch_levels(&c)) {
                core_gw_inputs_changed(c.gw); /* the solver keeps its inputs otherwise */
            }
            memcpy(c.h_prev, c.h, (size_t)c.ncell * sizeof *c.h);
            memset(&f, 0, sizeof f);
            f.drain[0] = c.f_drain[0];
            f.drain[1] = c.f_drain[1];
            f.drain[2] = c.f_drain[2];
            f.spill = c.f_spill;
            f.seepage = c.f_seep;
            f.storage = c.f_stor;
            f.lateral = c.f_lat;
            /* the wells of groundwater users take their water from the solve */
            const double *rech_gw = c.rech;
            if (c.sup) {
                double wtot = 0.0;
                memset(c.abstr, 0, (size_t)c.ncell * sizeof *c.abstr);
                drv_supply_wells(c.sup, in_summer(&c, month, dd), c.cell_area, c.abstr, &wtot);
                for (zt_idx k = 0; k < c.ncell; k++) {
                    c.rech_gw[k] = c.rech[k] - c.abstr[k];
                }
                rech_gw = c.rech_gw;
            }
            st = core_gw_step(c.gw, 1.0, rech_gw, c.h, &f, &c.gws, err);
            t_gw += now_seconds() - t1;
            if (st != ZT_OK) {
                zt_err_prefix(err, "%s: groundwater: ", date);
                goto done;
            }
            cg_total += c.gws.cg;
            picard_total += c.gws.picard;
            gather_gw_day(&c, gout ? acc : NULL, first);
            drv_peat_day(c.peat, day, c.depth);
        }

        /* sums over districts, in id order */
        for (di = 0; di < c.nd; di++) {
            const double *ds = c.dsum + (size_t)di * S_COUNT;
            const double a = c.cell_area;
            x.b[B_P] += a * ds[S_P];
            x.b[B_SPR] += a * ds[S_SPR];
            x.b[B_CR] += a * ds[S_CR];
            x.b[B_EI] += a * ds[S_EI];
            x.b[B_TA] += a * ds[S_TA];
            x.b[B_EOW] += a * ds[S_EOW];
            x.b[B_PERC] += a * ds[S_PERC];
            x.b[B_RUNOFF] += a * (ds[S_RUNOFF] - ds[S_OWNET]);
            x.b[B_OWNET] += a * ds[S_OWNET];
            if (c.gw_on) {
                x.b[B_RECH] += a * ds[S_GWREACH];
                x.b[B_SPR_GW] += a * ds[S_SPR_GW];
                x.b[B_ABSTR] += a * ds[S_ABSTR];
                x.b[B_DRAIN] += a * ds[S_DRAIN];
                x.b[B_INF] += a * (ds[S_INF_PEAT] + ds[S_INF_NATURE] + ds[S_INF_AGRI]);
                x.b[B_SPILL] += a * ds[S_SPILL];
                x.b[B_SEEP] += a * ds[S_SEEP];
                x.b[B_FIXED] += a * ds[S_FIXED];
                x.b[B_DS_GW] += a * ds[S_GWSTOR];
            }
        }

        /* D: districts */
        if (c.coupled) {
            st = districts_day(&c, day, month, dd, gout ? acc : NULL, &x, err);
            if (st != ZT_OK) {
                zt_err_prefix(err, "%s: supply: ", date);
                goto done;
            }
            rz_prev -= c.rz_cut / c.cell_area;
        } else if (c.gw_on) {
            /* groundwater mode: the ditches are held at target; what they
               drain or give is exchanged with the outside of the model */
            x.b[B_SUPPLIED] = x.b[B_INF];
            x.b[B_DISCHARGE] = x.b[B_DRAIN] + x.b[B_SPILL];
        }
        if (!c.rz_on) {
            x.b[B_RUNOFF] = 0.0;
            x.b[B_OWNET] = 0.0;
        }
        if (gout && c.gw_on) {
            district_fields_day(&c, acc, first);
        }
        if (c.coupled) {
            /* the inlet for peat level maintenance, and the storage
               capacity of 1 December */
            for (di = 0; di < c.nd; di++) {
                drv_peat_inlet(c.peat, di,
                               c.sup ? c.dreal[di * CORE_DCAT_COUNT + CORE_DCAT_PEAT]
                                     : c.dout[di].supplied_cat[CORE_DCAT_PEAT]);
            }
            if (month == 12 && dd == 1) {
                double *cap = zt_malloc((size_t)c.ncell * sizeof *cap);
                if (!cap) {
                    st = zt_fail(err, ZT_ENOMEM, "out of memory");
                    goto done;
                }
                for (zt_idx k = 0; k < c.ncell; k++) {
                    cap[k] = NAN;
                    if (c.dom->mask[k] == ZT_MASK_ACTIVE) {
                        const core_rz_params *p = c.cp[k];
                        const double dep = c.depth[k] > 0.0 ? c.depth[k] : 0.0;
                        const double def = p->open_water ? 0.0 : (1.0 - p->paved) * (p->smax - c.s[k]);
                        cap[k] = 1e3 * (c.sy[k] * dep + def);
                    }
                }
                drv_peat_dec1(c.peat, cap);
                zt_free(cap);
            }
        }
        balance_close(&x, c.sc->mode);

        if (x.rel_all > max_rel) {
            max_rel = x.rel_all;
        }
        fprintf(bal, "%s", date);
        for (i = 0; i < B_COUNT; i++) {
            fprintf(bal, ",%.3f", x.b[i]);
        }
        fprintf(bal, ",%.6e,%.6e,%.6e,%.6e,%.3f,%.3e,%d,%d\n", x.err_rz, x.err_gw, x.err_d,
                x.err_all, x.gross_all, x.rel_all, c.gw_on ? c.gws.picard : 0,
                c.gw_on ? c.gws.cg : 0);
        if (x.rel_rz > TOL_EXACT || x.rel_d > TOL_EXACT || x.rel_gw > TOL_GW ||
            x.rel_all > TOL_GW) {
            st = zt_fail(err, ZT_EBALANCE,
                         "%s: the water balance does not close: relative errors root zone "
                         "%.2e, districts %.2e (tolerance %.0e), groundwater %.2e, whole %.2e "
                         "(tolerance %.0e)",
                         date, x.rel_rz, x.rel_d, TOL_EXACT, x.rel_gw, x.rel_all, TOL_GW);
            goto done;
        }

        t1 = now_seconds();
        if (gout) {
            st = io_gridout_end_day(gout, day, err);
            if (st != ZT_OK) {
                goto done;
            }
        }
        if (tsout) {
            district_series(&c, tsval);
            st = io_tsout_add_day(tsout, day, tsval, err);
            if (st != ZT_OK) {
                goto done;
            }
        }
        t_wait += now_seconds() - t1;
        if (o->progress) {
            fprintf(stderr, "\rzoet: %s  day %d of %d", date, (int)(day - c.sc->start + 1),
                    ndays);
            fflush(stderr);
        }
    }
    if (o->progress) {
        fprintf(stderr, "\n");
    }
    t1 = now_seconds();
    if (stats) {
        stats->seconds_out = gout ? io_gridout_seconds(gout) : 0.0;
    }
    /* the district series first: they are formatted while the writer thread
       still writes the last period of the grids */
    st = io_tsout_close(&tsout, 1, err);
    if (st == ZT_OK && c.sup) {
        st = drv_supply_close(c.sup, 1, err);
    }
    if (st == ZT_OK) {
        st = io_gridout_close(&gout, 1, err);
    }
    t_wait += now_seconds() - t1;
    if (stats) {
        stats->seconds_close = now_seconds() - t1;
    }
    if (st == ZT_OK) {
        FILE *f = bal;
        bal = NULL;
        st = io_text_close(f, path_bal, 1, err);
    }
    if (st == ZT_OK && c.peat) {
        st = drv_peat_write(c.peat, io_outset_staging(set),
                            c.sup ? drv_supply_source_m3(c.sup) : NAN, c.sc->peat_base, o->quiet,
                            err);
    }
    if (st == ZT_OK) {
        st = io_outset_publish(set, err);
    }
    if (stats) {
        stats->ncell_active = c.d_start ? c.d_start[c.nd] : 0;
        stats->ndays = ndays;
        stats->max_rel_err = max_rel;
        stats->seconds = now_seconds() - t0;
        stats->seconds_rz = t_rz;
        stats->seconds_gw = t_gw;
        stats->seconds_wait = t_wait;
        stats->cg_total = cg_total;
        stats->picard_total = picard_total;
        if (c.sup) {
            int nn_, nu_;
            drv_supply_stats(c.sup, &nn_, &nu_, &stats->seconds_alloc, &stats->alloc_rounds);
        }
    }
    if (st == ZT_OK && !o->quiet) {
        printf("zoet run: %d days, %lld active cells, %d districts; largest daily balance "
               "error %.2e of the gross flux",
               ndays, (long long)(c.d_start ? c.d_start[c.nd] : 0), c.nd, max_rel);
        if (c.gw_on) {
            printf("; groundwater %.1f Picard and %.1f CG iterations a day",
                   (double)picard_total / ndays, (double)cg_total / ndays);
        }
        printf("\nzoet run: wrote %s, %s, %s, balance.csv and run.json to %s\n",
               c.nsel ? strrchr(path_grid, '/') + 1 : "(no grids)",
               c.sc->districts ? "districts.nc" : "(no district series)",
               c.sc->districts ? "districts.csv" : "", c.sc->out_dir);
        if (c.sup) {
            int nn, nu;
            double sec;
            long rounds;
            drv_supply_stats(c.sup, &nn, &nu, &sec, &rounds);
            printf("zoet run: supply network %s: %d nodes, %d users; allocation %.3f s "
                   "(%.2f ms a day, %ld bottlenecks); wrote supply_users, supply_nodes, "
                   "supply_regions (.nc, .csv)\n",
                   c.sc->network, nn, nu, sec, 1e3 * sec / ndays, rounds);
        }
    }

done:
    if (st != ZT_OK) {
        zt_err scratch;
        zt_err_clear(&scratch);
        io_gridout_close(&gout, 0, &scratch);
        io_tsout_close(&tsout, 0, &scratch);
        if (c.sup) {
            drv_supply_close(c.sup, 0, &scratch);
        }
        if (bal) {
            io_text_close(bal, path_bal, 0, &scratch);
        }
    }
    st = io_outset_abort(set, st, err); /* names a full disk; previous outputs untouched */
    io_outset_destroy(&set);
    zt_free(gvars);
    zt_free(tsval);
    ctx_free(&c);
    return st;
}
