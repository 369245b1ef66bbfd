/*
 * run.c: the time loop of `zoet run` (DESIGN.md §1, the order of a day):
 *
 *   forcing -> root zone (per cell, parallel over districts) -> district
 *   sums -> domain water balance (checked every day) -> output.
 *
 * Parallel and deterministic (STYLE.md 9): the cells are visited district by
 * district (a CSR list of the active cells of each district, in cell order);
 * OpenMP splits the districts with schedule(static). Every sum is taken per
 * district in cell order, then over districts in id order, so 1 and N
 * threads give the same bytes.
 *
 * Water balance of the domain, per day (m3), over the active cells:
 *   in  = P + sprinkling + capillary rise
 *   out = interception + transpiration + open-water evaporation
 *         + percolation + paved runoff + open-water net (to the district)
 *   error = in - out - (storage at the end - storage at the start)
 * where storage = sum of (1 - paved) x S x cell area is summed afresh each
 * day, independently of the fluxes. |error| must stay <= 1e-9 x (in + out).
 */
#include "driver.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core_rootzone.h"
#include "io_file.h"
#include "io_forcing.h"
#include "io_nc.h"
#include "io_params.h"
#include "io_scenario.h"

#define BALANCE_TOL 1e-9

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
};

const io_var_spec *drv_output_catalogue(int *n)
{
    *n = V_COUNT;
    return catalogue;
}

/* District series: area means in mm/d, exchanges with the district in m3/s. */
enum {
    D_P,
    D_ET0,
    D_ETACT,
    D_TA,
    D_RECHARGE,
    D_S,
    D_TO_DISTRICT,
    D_SPRDEM,
    D_SPR,
    D_COUNT
};

static const io_var_spec district_vars[D_COUNT] = {
    {"P", "precipitation, district mean", "mm d-1", NULL, NULL, 1},
    {"ET0", "Makkink reference evaporation, district mean", "mm d-1", NULL, NULL, 1},
    {"ETact", "actual evapotranspiration, district mean", "mm d-1", NULL, NULL, 1},
    {"Ta", "actual transpiration, district mean", "mm d-1", NULL, NULL, 1},
    {"recharge", "net recharge to groundwater, district mean", "mm d-1", NULL, NULL, 1},
    {"S", "root-zone storage, district mean over land", "mm", NULL, NULL, 0},
    {"to_district", "paved runoff + open-water P - E, into the district's water", "m3 s-1", NULL,
     NULL, 1},
    {"sprinkling_demand", "sprinkling demand", "m3 s-1", NULL, NULL, 1},
    {"sprinkling", "sprinkling supplied", "m3 s-1", NULL, NULL, 1},
};

/* ---- the domain water balance ----------------------------------------- */

enum {
    B_P,
    B_SPR,
    B_CR,
    B_EI,
    B_TA,
    B_EOW,
    B_PERC,
    B_RUNOFF,
    B_OWNET,
    B_STORAGE, /* storage at the end of the day (m over cells, summed) */
    B_COUNT
};

static const char *const balance_names[B_COUNT] = {
    "precipitation",  "sprinkling",   "capillary_rise", "interception",
    "transpiration",  "open_water_evaporation", "percolation", "paved_runoff",
    "open_water_net", "storage"};

/* ---- the run context ------------------------------------------------------- */

typedef struct run_ctx {
    io_scenario *sc;
    grid_domain *dom;
    io_params *par;
    io_forcing *forc;
    zt_idx ncell;
    double cell_area; /* m2 */

    /* districts: CSR list of active cells */
    int nd;
    int32_t *d_id;     /* [nd] ids, ascending */
    char **d_name;     /* [nd] names */
    zt_idx *d_start;   /* [nd + 1] offsets into d_cells */
    zt_idx *d_cells;   /* active cells, district by district, in cell order */
    double *d_area;    /* [nd] m2 */
    double *d_land;    /* [nd] land (non-water) area weighted by (1 - paved), m2 */

    /* per cell */
    const core_rz_params **cp; /* parameters of each active cell (borrowed) */
    core_rz_params nospr[ZT_NLANDUSE][ZT_NSOIL]; /* the same, for cells without a
                                                   sprinkling source */
    double *s;                 /* root-zone storage (m, unpaved part) */
    double *spr_left;          /* sprinkling turn left (m) */
    float *p, *et0;            /* forcing of the day (mm/d) */
    uint8_t *outmask;          /* 1 for active cells: the others are written as fill */
    int *sel;                  /* [nsel] catalogue index of each selected variable */
    int nsel;

    /* per district, per day */
    double *dsum;  /* [nd * (D_COUNT + B_COUNT)] */
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
    zt_free((void *)c->cp);
    zt_free(c->s);
    zt_free(c->spr_left);
    zt_free(c->p);
    zt_free(c->et0);
    zt_free(c->sel);
    zt_free(c->outmask);
    zt_free(c->dsum);
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
        c->d_name[i] = strdup(name);
        if (!c->d_name[i]) {
            st = zt_fail(err, ZT_ENOMEM, "out of memory for district names");
            goto done;
        }
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

/* Select the output fields named in the scenario. */
static zt_status init_fields(run_ctx *c, zt_err *err)
{
    int i, v;
    c->nsel = c->sc->nout_vars;
    c->sel = zt_calloc((size_t)c->nsel, sizeof *c->sel);
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
    }
    c->outmask = zt_malloc((size_t)c->ncell);
    if (!c->outmask) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for the output mask");
    }
    for (zt_idx k = 0; k < c->ncell; k++) {
        c->outmask[k] = c->dom->mask[k] == ZT_MASK_ACTIVE;
    }
    c->dsum = zt_calloc((size_t)c->nd * (D_COUNT + B_COUNT), sizeof *c->dsum);
    if (!c->dsum) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for district sums");
    }
    return ZT_OK;
}

/*
 * One day of the root zone over all active cells, district by district.
 * Adds the selected output variables (mm) to the period accumulators acc[v]
 * of the gridded output (sets them when `first`; acc NULL: no gridded
 * output) and fills, per district, the sums of the district series (D_*) and
 * of the balance terms (B_*, in m over cells).
 */
static void rootzone_day(run_ctx *c, int month, double *const *acc, int first)
{
    const int nd = c->nd;
    const int nsel = acc ? c->nsel : 0;
    const double pf = c->sc->precip_factor[month - 1];
    const double ef = c->sc->et0_factor[month - 1];
    const float *gwdepth = c->dom->gwdepth;
    int di;

#pragma omp parallel for schedule(static) default(none)                                        \
    shared(c, gwdepth, acc) firstprivate(nd, nsel, pf, ef, month, first)
    for (di = 0; di < nd; di++) {
        /* local sums (not through c->dsum, which the compiler would have to
           assume aliases the output fields), written back at the end */
        double ds[D_COUNT] = {0}, bs[B_COUNT] = {0};
        double *dst = c->dsum + (size_t)di * (D_COUNT + B_COUNT);
        zt_idx q;
        int v;

        for (q = c->d_start[di]; q < c->d_start[di + 1]; q++) {
            const zt_idx k = c->d_cells[q];
            const core_rz_params *p = c->cp[k];
            core_rz_state s = {c->s[k], c->spr_left[k]};
            core_rz_in in;
            core_rz_out o;
            double val[V_COUNT];
            double demand, land;

            demand = core_rz_sprinkle_demand(p, &s, month);
            in.p = 1e-3 * pf * c->p[k];
            in.et0 = 1e-3 * ef * c->et0[k];
            in.depth = gwdepth[k];
            in.month = month;
            in.spr_in = demand; /* every demand is supplied until the network exists */
            core_rz_step(p, &in, &s, &o);
            c->s[k] = s.s;
            c->spr_left[k] = s.spr_left;

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
                if (first) {
                    for (v = 0; v < nsel; v++) {
                        acc[v][k] = 1e3 * val[c->sel[v]];
                    }
                } else {
                    for (v = 0; v < nsel; v++) {
                        acc[v][k] += 1e3 * val[c->sel[v]];
                    }
                }
            }

            ds[D_P] += in.p;
            ds[D_ET0] += in.et0;
            ds[D_ETACT] += o.ei + o.ta + o.eow;
            ds[D_TA] += o.ta;
            ds[D_RECHARGE] += o.recharge;
            ds[D_S] += land * s.s;
            ds[D_TO_DISTRICT] += o.runoff + o.ownet;
            ds[D_SPRDEM] += demand;
            ds[D_SPR] += o.spr;

            bs[B_P] += in.p;
            bs[B_SPR] += o.spr;
            bs[B_CR] += o.cr;
            bs[B_EI] += o.ei;
            bs[B_TA] += o.ta;
            bs[B_EOW] += o.eow;
            bs[B_PERC] += o.perc;
            bs[B_RUNOFF] += o.runoff;
            bs[B_OWNET] += o.ownet;
            bs[B_STORAGE] += land * s.s;
        }
        for (v = 0; v < D_COUNT; v++) {
            dst[v] = ds[v];
        }
        for (v = 0; v < B_COUNT; v++) {
            dst[D_COUNT + v] = bs[v];
        }
    }
}

/* Storage (m over cells, summed) of the root zone, in district order. */
static double storage_total(const run_ctx *c)
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
    return io_forcing_open(c->sc->forcing, &c->dom->g, c->dom->mask, c->sc->start, c->sc->end,
                           &c->forc, err);
}

static void print_settings(const run_ctx *c, FILE *f)
{
    fprintf(f, "zoet run: settings in effect\n");
    io_scenario_print(c->sc, f);
    fprintf(f, "threads = %d\n", omp_get_max_threads());
    fprintf(f, "grid = %lld x %lld cells of %g m, west edge %.0f, south edge %.0f (RD New)\n",
            (long long)c->dom->g.nx, (long long)c->dom->g.ny, c->dom->g.dx, c->dom->g.x0,
            c->dom->g.y0);
    fprintf(f, "districts = %d\n", c->nd);
    fprintf(f, "forcing = %s\n", io_forcing_describe(c->forc));
    io_params_print(c->par, f);
}

zt_status drv_run(const drv_run_opts *o, drv_run_stats *stats, zt_err *err)
{
    run_ctx c;
    io_gridout *gout = NULL;
    io_tsout *tsout = NULL;
    FILE *bal = NULL;
    char path_grid[4096], path_dnc[4096], path_dcsv[4096], path_bal[4096];
    io_var_spec *gvars = NULL;
    double *tsval = NULL;
    double storage_prev, t0, t1, t_rz = 0.0, t_wait = 0.0, max_rel = 0.0;
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

    /* outputs, under .part names until the run succeeds */
    st = io_dir_ensure(c.sc->out_dir, err);
    if (st != ZT_OK) {
        goto done;
    }
    {
        char name[64];
        io_gridout_opts go;
        snprintf(name, sizeof name, "grids_%s.nc", io_agg_name(c.sc->agg));
        io_path_join(c.sc->out_dir, name, path_grid, sizeof path_grid);
        io_path_join(c.sc->out_dir, "districts.nc", path_dnc, sizeof path_dnc);
        io_path_join(c.sc->out_dir, "districts.csv", path_dcsv, sizeof path_dcsv);
        io_path_join(c.sc->out_dir, "balance.csv", path_bal, sizeof path_bal);
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
    st = io_text_open(path_bal, &bal, err);
    if (st != ZT_OK) {
        goto done;
    }
    fprintf(bal, "date");
    for (i = 0; i < B_COUNT - 1; i++) {
        fprintf(bal, ",%s_m3", balance_names[i]);
    }
    fprintf(bal, ",storage_change_m3,error_m3,gross_flux_m3,relative_error\n");

    /* the time loop */
    storage_prev = storage_total(&c);
    t0 = now_seconds();
    for (day = c.sc->start; day <= c.sc->end; day++) {
        double b[B_COUNT], in, out, dstor, errm3, gross, rel;
        double *const *acc = NULL;
        int year, month, dd, di, first = 0;
        char date[16];

        zt_day_to_ymd(day, &year, &month, &dd);
        zt_day_format(day, date);
        /* netCDF-C and HDF5 are not thread-safe: the forcing read takes the
           same lock as the output writer's thread */
        io_out_nc_lock();
        st = io_forcing_read_day(c.forc, day, c.p, c.et0, err);
        io_out_nc_unlock();
        if (st != ZT_OK) {
            goto done;
        }
        t1 = now_seconds();
        if (gout) {
            st = io_gridout_begin_day(gout, day, &acc, &first, err);
            if (st != ZT_OK) {
                goto done;
            }
        }
        rootzone_day(&c, month, gout ? acc : NULL, first);
        t_rz += now_seconds() - t1;

        /* sums over districts, in id order */
        for (i = 0; i < B_COUNT; i++) {
            b[i] = 0.0;
        }
        for (di = 0; di < c.nd; di++) {
            const double *ds = c.dsum + (size_t)di * (D_COUNT + B_COUNT);
            for (i = 0; i < B_COUNT; i++) {
                b[i] += ds[D_COUNT + i];
            }
            if (tsval) {
                const double area = c.d_area[di];
                for (i = 0; i < D_COUNT; i++) {
                    double v = ds[i] * c.cell_area; /* m3/d */
                    if (i == D_S) {
                        v = c.d_land[di] > 0 ? 1e3 * v / c.d_land[di] : 0.0;
                    } else if (district_vars[i].units[0] == 'm' &&
                               district_vars[i].units[1] == 'm') {
                        v = 1e3 * v / area; /* mm/d */
                    } else {
                        v /= 86400.0; /* m3/s */
                    }
                    tsval[(size_t)i * c.nd + di] = v;
                }
            }
        }
        for (i = 0; i < B_COUNT; i++) {
            b[i] *= c.cell_area;
        }
        in = b[B_P] + b[B_SPR] + b[B_CR];
        out = b[B_EI] + b[B_TA] + b[B_EOW] + b[B_PERC] + b[B_RUNOFF] + b[B_OWNET];
        dstor = b[B_STORAGE] - storage_prev * c.cell_area;
        errm3 = in - out - dstor;
        gross = 0.0;
        for (i = 0; i < B_STORAGE; i++) {
            gross += fabs(b[i]);
        }
        rel = gross > 0 ? fabs(errm3) / gross : fabs(errm3);
        storage_prev = b[B_STORAGE] / c.cell_area;
        if (rel > max_rel) {
            max_rel = rel;
        }
        fprintf(bal, "%s", date);
        for (i = 0; i < B_COUNT - 1; i++) {
            fprintf(bal, ",%.3f", b[i]);
        }
        fprintf(bal, ",%.3f,%.6e,%.3f,%.3e\n", dstor, errm3, gross, rel);
        if (rel > BALANCE_TOL) {
            st = zt_fail(err, ZT_EBALANCE,
                         "%s: the domain water balance does not close: error %.3e m3 is %.3e of "
                         "the gross flux %.3e m3 (tolerance %.0e)",
                         date, errm3, rel, gross, BALANCE_TOL);
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
    if (stats) {
        stats->ncell_active = c.d_start ? c.d_start[c.nd] : 0;
        stats->ndays = ndays;
        stats->max_rel_err = max_rel;
        stats->seconds = now_seconds() - t0;
        stats->seconds_rz = t_rz;
        stats->seconds_wait = t_wait;
    }
    if (st == ZT_OK && !o->quiet) {
        printf("zoet run: %d days, %lld active cells, %d districts; largest daily balance "
               "error %.2e of the gross flux\n",
               ndays, (long long)(c.d_start ? c.d_start[c.nd] : 0), c.nd, max_rel);
        printf("zoet run: wrote %s, %s, %s, %s\n", c.nsel ? path_grid : "(no grids)",
               c.sc->districts ? path_dnc : "(no district series)",
               c.sc->districts ? path_dcsv : "", path_bal);
    }

done:
    if (st != ZT_OK) {
        zt_err scratch;
        zt_err_clear(&scratch);
        io_gridout_close(&gout, 0, &scratch);
        io_tsout_close(&tsout, 0, &scratch);
        if (bal) {
            io_text_close(bal, path_bal, 0, &scratch);
        }
    }
    zt_free(gvars);
    zt_free(tsval);
    ctx_free(&c);
    return st;
}
