/*
 * core_couple.c: one day of the coupled model (core_couple.h); building
 * the model and its state are in core_couple_setup.c.
 *
 * Coupling within a day, explicit in the district levels: the root zone
 * sees the water table of yesterday's solve; the groundwater solve sees the
 * ditch levels at the end of yesterday; the districts then take the day's
 * drainage, infiltration and withdrawals and set today's level.
 *
 * The water balance of every day is checked per compartment and for the
 * whole (docs/model.md §4): root zone and districts to 1e-9 of their gross
 * flux, groundwater and the whole to 1e-6 (the solver's tolerance).
 */
#include "core_couple.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_couple_impl.h"

const char *const core_cpl_bterm_names[CORE_B_COUNT] = {
    "precipitation",     "sprinkling",        "capillary_rise",       "interception",
    "transpiration",     "open_water_evaporation", "percolation",     "paved_runoff",
    "open_water_net",    "rootzone_storage_change", "gw_recharge",    "sprinkling_from_gw",
    "gw_abstraction",    "drainage",          "infiltration",      "spill",                "seepage_out",
    "fixed_head_out",    "gw_storage_change", "inlet_supplied",       "sprinkling_from_sw",
    "flushing",          "discharge",         "district_storage_change"};

double core_cpl_var_scale(int v)
{
    return (v == CORE_V_HEAD || v == CORE_V_DEPTH || v == CORE_V_DLEVEL) ? 1.0 : 1e3;
}

/* ---- the day ------------------------------------------------------------ */

/* The selected variables one pass adds to the accumulators, made once a
 * pass (not looked up for every cell): dst[i] gets scale[i] x val[v[i]],
 * set when first. */
typedef struct acc_list {
    int n, first;
    int v[CORE_V_COUNT];
    double scale[CORE_V_COUNT];
    double *dst[CORE_V_COUNT];
} acc_list;

/* The selected variables v with lo <= v < hi, and v == also (-1: none). */
static void acc_list_make(const core_cpl_acc *a, int lo, int hi, int also, acc_list *l)
{
    l->n = 0;
    l->first = a ? a->first : 0;
    for (int i = 0; a && i < a->nsel; i++) {
        const int v = a->sel[i];
        if ((v >= lo && v < hi) || v == also) {
            l->v[l->n] = v;
            l->scale[l->n] = core_cpl_var_scale(v);
            l->dst[l->n] = a->acc[i];
            l->n++;
        }
    }
}

/* Add (or set, when first) the listed values of the cell at q in the cell
 * list (core_cpl_acc). */
static inline void out_add(const acc_list *l, zt_idx q, const double *val)
{
    if (l->first) {
        for (int i = 0; i < l->n; i++) {
            l->dst[i][q] = l->scale[i] * val[l->v[i]];
        }
    } else {
        for (int i = 0; i < l->n; i++) {
            l->dst[i][q] += l->scale[i] * val[l->v[i]];
        }
    }
}

/* The root zone of the cell at q in the cell list for the day; adds its
 * terms to ds[]. g: the fractions of district di's causes (today's
 * sprinkling). */
static void rz_cell(core_cpl *m, zt_idx q, int month, double pf, double ef, const float *p,
                    const float *et0, const double *g, const acc_list *acc, double *ds)
{
    const grid_domain *dom = m->dom;
    const zt_idx k = m->d_cells[q];
    const core_rz_params *pr = m->cp[k];
    core_rz_state s = {m->s[k], m->spr_left[k]};
    core_rz_in in;
    core_rz_out o;
    double spr_gw = 0.0;
    const int ground = dom->sprinkling[k] == ZT_SPR_GROUND;
    const int cap = dom->landuse[k] == ZT_LU_CAPITAL;

    const double want = core_rz_sprinkle_demand(pr, &s, month);
    /* surface water gives the fraction of the want that yesterday's
       allocation gave the cause; wells give all of it */
    const double gf = ground ? 1.0 : g[cap ? CORE_DCAT_CAPITAL : CORE_DCAT_AGRI];
    in.p = 1e-3 * pf * p[k];
    in.et0 = 1e-3 * ef * et0[k];
    in.depth = m->gw_on ? m->surface[k] - m->h[k] : (double)dom->gwdepth[k];
    in.month = month;
    in.spr_in = gf >= 1.0 ? want : gf * want;
    core_rz_step(pr, &in, &s, &o);
    m->s[k] = s.s;
    m->spr_left[k] = s.spr_left;

    if (want > 0.0 && !ground) {
        ds[cap ? CORE_S_SPRDEM_CAP : CORE_S_SPRDEM_AGRI] += want;
    }
    if (o.spr > 0.0) {
        if (ground) {
            spr_gw = o.spr;
        } else {
            ds[cap ? CORE_S_SPR_SW_CAP : CORE_S_SPR_SW_AGRI] += o.spr;
        }
    }
    if (m->gw_on) {
        m->rech[k] = o.recharge - spr_gw;
    }
    const double land = pr->open_water ? 0.0 : 1.0 - pr->paved;
    if (acc->n > 0) {
        double val[CORE_V_NRZ];
        val[CORE_V_P] = in.p;
        val[CORE_V_ET0] = in.et0;
        val[CORE_V_ETP] = o.etp;
        val[CORE_V_ETACT] = o.ei + o.ta + o.eow;
        val[CORE_V_EI] = o.ei;
        val[CORE_V_TA] = o.ta;
        val[CORE_V_EOW] = o.eow;
        val[CORE_V_PERC] = o.perc;
        val[CORE_V_CR] = o.cr;
        val[CORE_V_RECHARGE] = o.recharge;
        val[CORE_V_RUNOFF] = o.runoff;
        val[CORE_V_OWNET] = o.ownet;
        val[CORE_V_SPR] = o.spr;
        val[CORE_V_SPRDEM] = want;
        val[CORE_V_S] = pr->open_water ? 0.0 : s.s;
        val[CORE_V_DEFICIT] = pr->open_water ? 0.0 : pr->smax - s.s;
        out_add(acc, q, val);
    }
    ds[CORE_S_P] += in.p;
    ds[CORE_S_ET0] += in.et0;
    ds[CORE_S_ETACT] += o.ei + o.ta + o.eow;
    ds[CORE_S_TA] += o.ta;
    ds[CORE_S_RECHARGE] += o.recharge;
    ds[CORE_S_S] += land * s.s;
    ds[CORE_S_RUNOFF] += o.runoff + o.ownet;
    ds[CORE_S_SPRDEM] += want;
    ds[CORE_S_SPR] += o.spr;
    ds[CORE_S_SPR_GW] += spr_gw;
    ds[CORE_S_CR] += o.cr;
    ds[CORE_S_EI] += o.ei;
    ds[CORE_S_EOW] += o.eow;
    ds[CORE_S_PERC] += o.perc;
    ds[CORE_S_OWNET] += o.ownet;
}

/* The sums lo <= v < hi of every district from its blocks' sums, in block
 * order: a district of one block gets that block's sums bit for bit. */
static void sums_of_blocks(core_cpl *m, int lo, int hi)
{
    for (int b = 0; b < m->nb; b++) {
        const double *bs = m->bsum + (size_t)b * CORE_S_COUNT;
        double *ds = m->dsum + (size_t)m->b_d[b] * CORE_S_COUNT;
        if (b == 0 || m->b_d[b - 1] != m->b_d[b]) {
            for (int v = lo; v < hi; v++) {
                ds[v] = bs[v];
            }
        } else {
            for (int v = lo; v < hi; v++) {
                ds[v] += bs[v];
            }
        }
    }
}

/* The root zone of every active cell, block by block; the root-zone sums
 * of each district. */
static void rootzone_day(core_cpl *m, int month, const float *p, const float *et0,
                         const core_cpl_acc *acc)
{
    const int nb = m->nb;
    const double pf = m->cfg.precip_factor[month - 1];
    const double ef = m->cfg.et0_factor[month - 1];
    acc_list al;
    int b;

    acc_list_make(acc, 0, CORE_V_NRZ, -1, &al);
#pragma omp parallel for schedule(static) default(none) shared(m, p, et0, al)                  \
    firstprivate(nb, pf, ef, month)
    for (b = 0; b < nb; b++) {
        /* local sums (not through m->bsum, which the compiler would have to
           assume aliases the output arrays), written back at the end */
        double ds[CORE_S_COUNT] = {0};
        const double *g = m->gfrac + (size_t)m->b_d[b] * NC;
        for (zt_idx q = m->b_start[b]; q < m->b_start[b + 1]; q++) {
            rz_cell(m, q, month, pf, ef, p, et0, g, &al, ds);
        }
        memcpy(m->bsum + (size_t)b * CORE_S_COUNT, ds, sizeof ds);
    }
    sums_of_blocks(m, 0, CORE_S_COUNT);
}

/* The groundwater terms of the cell at q in the cell list into ds[] and
 * the output. */
static void gw_cell_day(core_cpl *m, zt_idx q, const double *abstr, const acc_list *acc,
                        double *ds)
{
    const grid_domain *dom = m->dom;
    const zt_idx k = m->d_cells[q];
    const double ditch = m->f_drain[0][k];
    const double inf = ditch < 0.0 ? -ditch : 0.0;
    /* submerged drains (the tile system in peat cells) infiltrate too */
    const double tr = m->f_drain[1][k], ti = m->f_drain[2][k];
    const double inf_all = inf + (tr < 0.0 ? -tr : 0.0) + (ti < 0.0 ? -ti : 0.0);

    ds[CORE_S_DRAIN] += (ditch > 0.0 ? ditch : 0.0) + (tr > 0.0 ? tr : 0.0) + (ti > 0.0 ? ti : 0.0);
    if (dom->soil[k] == ZT_SOIL_PEAT) {
        ds[CORE_S_INF_PEAT] += inf_all;
    } else if (dom->landuse[k] == ZT_LU_NATURE) {
        ds[CORE_S_INF_NATURE] += inf_all;
    } else {
        ds[CORE_S_INF_AGRI] += inf_all;
    }
    ds[CORE_S_SPILL] += m->f_spill[k];
    ds[CORE_S_SEEP] += m->f_seep[k];
    ds[CORE_S_FIXED] += m->f_lat[k];
    ds[CORE_S_GWSTOR] += m->f_stor[k];
    ds[CORE_S_GWREACH] += m->rech[k];
    ds[CORE_S_ABSTR] += abstr ? abstr[k] : 0.0;
    m->depth[k] = m->surface[k] - m->h[k];
    ds[CORE_S_DEPTH] += m->depth[k];
    if (acc->n > 0) {
        double val[CORE_V_COUNT];
        val[CORE_V_HEAD] = m->h[k];
        val[CORE_V_DEPTH] = m->surface[k] - m->h[k];
        val[CORE_V_DRAIN_DITCH] = ditch > 0.0 ? ditch : 0.0;
        val[CORE_V_INFILTRATION] = inf;
        val[CORE_V_DRAIN_TRENCH] = tr;
        val[CORE_V_DRAIN_TILE] = ti;
        val[CORE_V_SEEPAGE] = -m->f_seep[k];
        val[CORE_V_SPILL] = m->f_spill[k];
        val[CORE_V_RECHARGE] = m->rech[k]; /* groundwater mode: given */
        out_add(acc, q, val);
    }
}

/* Per district, the groundwater terms of the day (from the solver's fluxes). */
static void gather_gw_day(core_cpl *m, const double *abstr, const core_cpl_acc *acc)
{
    const int nb = m->nb;
    acc_list al;
    int b;

    /* groundwater mode: the recharge is given, and written from here */
    acc_list_make(acc, CORE_V_NRZ, CORE_V_NGW, m->rz_on ? -1 : CORE_V_RECHARGE, &al);
#pragma omp parallel for schedule(static) default(none) shared(m, abstr, al) firstprivate(nb)
    for (b = 0; b < nb; b++) {
        double ds[CORE_S_COUNT];
        double *dst = m->bsum + (size_t)b * CORE_S_COUNT;
        for (int v = CORE_S_DRAIN; v < CORE_S_COUNT; v++) {
            ds[v] = 0.0;
        }
        for (zt_idx q = m->b_start[b]; q < m->b_start[b + 1]; q++) {
            gw_cell_day(m, q, abstr, &al, ds);
        }
        for (int v = CORE_S_DRAIN; v < CORE_S_COUNT; v++) {
            dst[v] = ds[v];
        }
    }
    sums_of_blocks(m, CORE_S_DRAIN, CORE_S_COUNT);
}

/* Set the ditch level of every active cell to its district's level (and
 * the submerged drains' where there are any); 1 if a ditch level changed,
 * 2 if a drain level did (their sum if both). Nothing to do when no
 * district's level moved since the last call (groundwater mode: all but
 * two days a year). */
static int set_ditch_levels(core_cpl *m)
{
    const int nb = m->nb;
    const size_t nbytes = (size_t)m->nd * sizeof *m->dlevel;
    int b, changed = 0;
    if (m->dset_ok && memcmp(m->dset, m->dlevel, nbytes) == 0) {
        return 0;
    }
#pragma omp parallel for schedule(static) default(none) shared(m) firstprivate(nb)             \
    reduction(| : changed)
    for (b = 0; b < nb; b++) {
        const double z = m->dlevel[m->b_d[b]];
        for (zt_idx q = m->b_start[b]; q < m->b_start[b + 1]; q++) {
            const zt_idx k = m->d_cells[q];
            /* bitwise, so that NaN (no level yet) to NaN is no change */
            changed |= memcmp(&m->ditch_level[k], &z, sizeof z) != 0;
            m->ditch_level[k] = z;
            if (m->owd && m->owd[k] == CPL_DRAIN_SUBMERGED) {
                changed |= (memcmp(&m->tile_level[k], &z, sizeof z) != 0) << 1;
                m->tile_level[k] = z; /* submerged drains at ditch level */
            }
        }
    }
    memcpy(m->dset, m->dlevel, nbytes);
    m->dset_ok = 1;
    return changed;
}

/* The pressure drains infiltrate district water as far as the district
 * got its class 1.2 water yesterday: their infiltration resistance is
 * c / f, with f the supplied share of yesterday's class 1.2 demand (1
 * without demand; f = 0: they get nothing, ci infinite). Outside the supply
 * areas no inlet comes, and the drains, which live on inlet, get nothing
 * (f = 0); they still drain. 1 if a resistance changed. */
static int set_pressure_supply(core_cpl *m)
{
    int changed = 0;
    for (int di = 0; di < m->nd; di++) {
        const double f =
            m->dd[di].unsupplied ? 0.0 : m->gfrac[(size_t)di * NC + CORE_DCAT_PEAT];
        const double ci = f > 0.0 ? m->cfg.peat_pd_c / f : INFINITY;
        if (ci == m->pd_ci[di]) {
            continue; /* the district's drains have it already */
        }
        m->pd_ci[di] = ci;
        for (zt_idx q = m->d_start[di]; q < m->d_start[di + 1]; q++) {
            const zt_idx k = m->d_cells[q];
            if (m->owd[k] == CPL_DRAIN_PRESSURE) {
                m->tile_ci[k] = ci;
                changed = 1;
            }
        }
    }
    return changed;
}

/* The groundwater solve of the day, with the ditch levels of yesterday's
 * end (coupled) or today's targets (groundwater mode). */
static zt_status groundwater_day(core_cpl *m, const double *abstr, const core_cpl_acc *acc,
                                 zt_err *err)
{
    core_gw_flux f;
    zt_status st;

    if (m->cfg.mode == CORE_CPL_GROUNDWATER) {
        for (int di = 0; di < m->nd; di++) {
            m->dlevel[di] = target_of(&m->dd[di], m->summer);
        }
    }
    /* the solver keeps its inputs, and reads again only what moved */
    int moved = set_ditch_levels(m);
    if (m->cfg.peat_pd && m->cfg.mode == CORE_CPL_COUPLED && set_pressure_supply(m)) {
        moved |= 2;
    }
    if (moved & 1) {
        core_gw_drain_changed(m->gw, CPL_DITCH);
    }
    if (moved & 2) {
        core_gw_drain_changed(m->gw, CPL_TILE);
    }
    memset(&f, 0, sizeof f);
    for (int i = 0; i < 3; i++) {
        f.drain[i] = m->f_drain[i];
    }
    f.spill = m->f_spill;
    f.seepage = m->f_seep;
    f.storage = m->f_stor;
    f.lateral = m->f_lat;
    /* the wells of groundwater users take their water from the solve */
    const double *r = m->rech;
    if (abstr) {
        for (zt_idx k = 0; k < m->ncell; k++) {
            m->rech_gw[k] = m->rech[k] - abstr[k];
        }
        r = m->rech_gw;
    }
    st = core_gw_step(m->gw, 1.0, r, m->h, &f, &m->gws, err);
    if (st != ZT_OK) {
        return st;
    }
    gather_gw_day(m, abstr, acc);
    return ZT_OK;
}

/* The salt load of district di today (m3/d at the target concentration):
 * its flushing rate, in proportion to the season's precipitation deficit
 * up to flush_deficit (docs/model.md §7.6). */
static double salt_load(const core_cpl *m, int di)
{
    const double q = 86400.0 * m->dd[di].flushing_m3s, d = m->cfg.flush_deficit;
    return d > 0.0 && m->pdef < d ? q * (m->pdef / d) : q;
}

/* The water in district di's ditches (m3), for their salt. */
static double ditch_volume(const core_cpl *m, int di)
{
    return m->cfg.ditch_depth * m->dpar[di].aow;
}

/* The day's terms of district di (m3/d) into m->din[di], supply fractions 1;
 * flushing the fraction of its need that yesterday's allocation gave. */
static void district_in(core_cpl *m, int di)
{
    const double *ds = m->dsum + (size_t)di * CORE_S_COUNT;
    const double a = m->cell_area;
    core_district_in *in = &m->din[di];
    memset(in, 0, sizeof *in);
    in->target = target_of(&m->dd[di], m->summer);
    in->tolerance = m->summer ? m->dd[di].tolerance_m : 0.0;
    in->drainage = a * ds[CORE_S_DRAIN];
    in->spill = a * ds[CORE_S_SPILL];
    in->runoff = a * (ds[CORE_S_RUNOFF] - ds[CORE_S_OWNET]);
    in->ow_net = a * ds[CORE_S_OWNET];
    in->loss[CORE_DCAT_PEAT] = a * ds[CORE_S_INF_PEAT];
    in->loss[CORE_DCAT_NATURE] = a * ds[CORE_S_INF_NATURE];
    /* flushing against salinisation, in the summer half when the water is
       used: the throughflow the district needs (its flushing rate) less
       what its own discharge gave yesterday (docs/model.md §7.6) */
    const double gfl = m->gfrac[(size_t)di * NC + CORE_DCAT_FLUSHING];
    const double need = m->summer ? core_district_flushing(salt_load(m, di), m->qnat[di],
                                                           m->salt[di], ditch_volume(m, di))
                                  : 0.0;
    m->flush_need[di] = need;
    in->loss[CORE_DCAT_FLUSHING] = gfl >= 1.0 ? need : gfl * need;
    in->loss[CORE_DCAT_CAPITAL] = a * ds[CORE_S_SPR_SW_CAP];
    in->loss[CORE_DCAT_AGRI] = a * (ds[CORE_S_INF_AGRI] + ds[CORE_S_SPR_SW_AGRI]);
    for (int c = 0; c < NC; c++) {
        in->supplied_frac[c] = 1.0;
    }
    /* a deficit the day starts with is charged to the causes that went
       short (yesterday's shortage), else by area (a target rise) */
    const double *sh = m->dshort + (size_t)di * NC;
    double stot = 0.0;
    for (int c = 0; c < NC; c++) {
        stot += sh[c];
    }
    for (int c = 0; c < NC; c++) {
        m->dpar[di].base_share[c] = stot > 0.0 ? sh[c] : m->share[(size_t)di * NC + c];
    }
}

/* The demand of every district by cause, and its surplus: the district
 * step evaluated on a copy of the state (nothing is changed). */
static void districts_demand(core_cpl *m)
{
    for (int di = 0; di < m->nd; di++) {
        core_district_in in = m->din[di];
        core_district_out o;
        double v = m->dv[di];
        for (int c = 0; c < NC; c++) {
            in.supplied_frac[c] = 0.0;
        }
        core_district_step(&m->dpar[di], &in, m->dtarget[di], &v, &o);
        for (int c = 0; c < NC; c++) {
            m->dem[(size_t)di * NC + c] = o.demand_cat[c];
        }
        m->surplus[di] = o.discharge;
    }
}

zt_status core_cpl_day_begin(core_cpl *m, zt_day day, const float *p, const float *et0,
                             const double *abstr, const core_cpl_acc *acc, zt_err *err)
{
    int y, month, mday;
    zt_status st;

    zt_day_to_ymd(day, &y, &month, &mday);
    m->summer = in_summer(&m->cfg, month, mday);
    if (m->rz_on) {
        rootzone_day(m, month, p, et0, acc);
    } else {
        for (zt_idx k = 0; k < m->ncell; k++) {
            m->rech[k] = m->dom->mask[k] == ZT_MASK_ACTIVE ? 1e-3 * (double)p[k] : 0.0;
        }
        memset(m->dsum, 0, (size_t)m->nd * CORE_S_COUNT * sizeof *m->dsum);
    }
    if (m->gw_on) {
        st = groundwater_day(m, abstr, acc, err);
        if (st != ZT_OK) {
            return st;
        }
    }
    if (m->cfg.mode == CORE_CPL_COUPLED) {
        /* the season's precipitation deficit, from summer_start on */
        double pm, em;
        core_cpl_mean_forcing(m, &pm, &em);
        if (month == m->cfg.summer_start[0] && mday == m->cfg.summer_start[1]) {
            m->pdef = 0.0;
        }
        m->pdef = m->summer && m->pdef + em - pm > 0.0 ? m->pdef + em - pm : 0.0;
        for (int di = 0; di < m->nd; di++) {
            district_in(m, di);
        }
        districts_demand(m);
    }
    return ZT_OK;
}

/* The one real step of district di with the allocated fractions f (NULL:
 * all supplied); what each cause took, its shortage, and what is reported. */
static void district_day(core_cpl *m, int di, const double *f)
{
    core_district_in *in = &m->din[di];
    core_district_out *o = &m->dout[di];
    const double *ds = m->dsum + (size_t)di * CORE_S_COUNT;
    const double a = m->cell_area;
    double *g = m->gfrac + (size_t)di * NC;

    if (f) {
        for (int c = 0; c < NC; c++) {
            const double x = f[(size_t)di * NC + c];
            in->supplied_frac[c] = x > 1.0 ? 1.0 : (x > 0.0 ? x : 0.0);
        }
    }
    if (m->dd[di].unsupplied) {
        /* outside the supply areas no inlet comes: the level falls, and
           neither sprinkling from the ditches nor flushing follows
           (docs/model.md §7.7) */
        for (int c = 0; c < NC; c++) {
            in->supplied_frac[c] = 0.0;
        }
    }
    /* the want that was not sprinkled or flushed (a cut by yesterday's
       allocation) is reported as demand not supplied */
    const double need_fl = m->flush_need[di];
    double notdone[NC] = {0};
    notdone[CORE_DCAT_FLUSHING] = need_fl - in->loss[CORE_DCAT_FLUSHING];
    notdone[CORE_DCAT_CAPITAL] = a * (ds[CORE_S_SPRDEM_CAP] - ds[CORE_S_SPR_SW_CAP]);
    notdone[CORE_DCAT_AGRI] = a * (ds[CORE_S_SPRDEM_AGRI] - ds[CORE_S_SPR_SW_AGRI]);

    m->flush[di] = in->loss[CORE_DCAT_FLUSHING];
    core_district_step(&m->dpar[di], in, m->dtarget[di], &m->dv[di], o);
    m->qnat[di] = o->discharge;
    m->salt[di] = core_district_salt(m->salt[di], salt_load(m, di), ditch_volume(m, di),
                                     o->discharge + m->flush[di]);
    m->dtarget[di] = in->target;
    m->dlevel[di] = o->level;
    for (int c = 0; c < NC; c++) {
        const size_t u = (size_t)di * NC + c;
        const double sh = o->demand_cat[c] - o->supplied_cat[c];
        const double rep = o->demand_cat[c] - o->carried_cat[c] + (notdone[c] > 0.0 ? notdone[c] : 0.0);
        m->real[u] = o->supplied_cat[c];
        m->dshort[u] = sh > 0.0 ? sh : 0.0;
        m->rep[u] = rep > 0.0 ? rep : 0.0;
    }
    /* tomorrow's sprinkling and flushing: the fraction given today (1 when
       all was supplied, f NULL) */
    g[CORE_DCAT_FLUSHING] = in->supplied_frac[CORE_DCAT_FLUSHING];
    /* tomorrow's pressure drains: the share of today's class 1.2 demand
       that came (1 without demand) */
    const double dp = o->demand_cat[CORE_DCAT_PEAT];
    g[CORE_DCAT_PEAT] = dp > 0.0 ? o->supplied_cat[CORE_DCAT_PEAT] / dp : 1.0;
    g[CORE_DCAT_CAPITAL] = in->supplied_frac[CORE_DCAT_CAPITAL];
    g[CORE_DCAT_AGRI] = in->supplied_frac[CORE_DCAT_AGRI];
}

/* District values painted on their cells: the level and the inlet demand
 * per unit of the district's area. */
static void district_fields_day(core_cpl *m, const core_cpl_acc *acc)
{
    const int nb = m->nb;
    acc_list al;
    int b;
    acc_list_make(acc, CORE_V_NGW, CORE_V_COUNT, -1, &al);
    if (al.n == 0) {
        return;
    }
#pragma omp parallel for schedule(static) default(none) shared(m, al) firstprivate(nb)
    for (b = 0; b < nb; b++) {
        const int di = m->b_d[b];
        double val[CORE_V_COUNT];
        val[CORE_V_DLEVEL] = m->dlevel[di];
        /* the new demand (an earlier shortage carried is not counted again;
           sprinkling and flushing not done are), as the district series */
        double rep = 0.0;
        for (int c = 0; c < NC && m->cfg.mode == CORE_CPL_COUPLED; c++) {
            rep += m->rep[(size_t)di * NC + c];
        }
        val[CORE_V_DEMAND] = rep / m->d_area[di];
        for (zt_idx q = m->b_start[b]; q < m->b_start[b + 1]; q++) {
            out_add(&al, q, val);
        }
    }
}

static double rel_of(double e, double gross)
{
    return gross > 0.0 ? fabs(e) / gross : fabs(e);
}

/* Errors and gross fluxes of the balance; mode says which compartments exist. */
static void balance_close(core_cpl_balance *x, core_cpl_mode mode)
{
    const double *b = x->b;
    x->err_rz = b[CORE_B_P] + b[CORE_B_SPR] + b[CORE_B_CR] - b[CORE_B_EI] - b[CORE_B_TA] -
                b[CORE_B_EOW] - b[CORE_B_PERC] - b[CORE_B_RUNOFF] - b[CORE_B_OWNET] -
                b[CORE_B_DS_RZ];
    x->gross_rz = fabs(b[CORE_B_P]) + fabs(b[CORE_B_SPR]) + fabs(b[CORE_B_CR]) +
                  fabs(b[CORE_B_EI]) + fabs(b[CORE_B_TA]) + fabs(b[CORE_B_EOW]) +
                  fabs(b[CORE_B_PERC]) + fabs(b[CORE_B_RUNOFF]) + fabs(b[CORE_B_OWNET]) +
                  fabs(b[CORE_B_DS_RZ]);
    x->err_gw = b[CORE_B_RECH] - b[CORE_B_ABSTR] + b[CORE_B_INF] - b[CORE_B_DRAIN] -
                b[CORE_B_SPILL] - b[CORE_B_SEEP] - b[CORE_B_FIXED] - b[CORE_B_DS_GW];
    /* the recharge is net of the sprinkling from wells, which crosses the
       water table twice: its rounding scales with it (a day on which only
       wells sprinkle has a recharge of 0 +- rounding) */
    x->gross_gw = fabs(b[CORE_B_RECH]) + fabs(b[CORE_B_SPR_GW]) + fabs(b[CORE_B_ABSTR]) +
                  fabs(b[CORE_B_INF]) +
                  fabs(b[CORE_B_DRAIN]) + fabs(b[CORE_B_SPILL]) + fabs(b[CORE_B_SEEP]) +
                  fabs(b[CORE_B_FIXED]) + fabs(b[CORE_B_DS_GW]);
    x->err_d = b[CORE_B_DRAIN] + b[CORE_B_SPILL] + b[CORE_B_RUNOFF] + b[CORE_B_OWNET] +
               b[CORE_B_SUPPLIED] - b[CORE_B_INF] - b[CORE_B_SPR_SW] - b[CORE_B_FLUSH] -
               b[CORE_B_DISCHARGE] - b[CORE_B_DV];
    x->gross_d = fabs(b[CORE_B_DRAIN]) + fabs(b[CORE_B_SPILL]) + fabs(b[CORE_B_RUNOFF]) +
                 fabs(b[CORE_B_OWNET]) + fabs(b[CORE_B_SUPPLIED]) + fabs(b[CORE_B_INF]) +
                 fabs(b[CORE_B_SPR_SW]) + fabs(b[CORE_B_FLUSH]) + fabs(b[CORE_B_DISCHARGE]) +
                 fabs(b[CORE_B_DV]);
    if (mode == CORE_CPL_ROOTZONE) {
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

/* The terms of the root zone and groundwater: sums over districts, in id order. */
static void balance_cells(const core_cpl *m, core_cpl_balance *x)
{
    const double a = m->cell_area;
    for (int di = 0; di < m->nd; di++) {
        const double *ds = m->dsum + (size_t)di * CORE_S_COUNT;
        x->b[CORE_B_P] += a * ds[CORE_S_P];
        x->b[CORE_B_SPR] += a * ds[CORE_S_SPR];
        x->b[CORE_B_CR] += a * ds[CORE_S_CR];
        x->b[CORE_B_EI] += a * ds[CORE_S_EI];
        x->b[CORE_B_TA] += a * ds[CORE_S_TA];
        x->b[CORE_B_EOW] += a * ds[CORE_S_EOW];
        x->b[CORE_B_PERC] += a * ds[CORE_S_PERC];
        x->b[CORE_B_RUNOFF] += a * (ds[CORE_S_RUNOFF] - ds[CORE_S_OWNET]);
        x->b[CORE_B_OWNET] += a * ds[CORE_S_OWNET];
        if (m->gw_on) {
            x->b[CORE_B_RECH] += a * ds[CORE_S_GWREACH];
            x->b[CORE_B_SPR_GW] += a * ds[CORE_S_SPR_GW];
            x->b[CORE_B_ABSTR] += a * ds[CORE_S_ABSTR];
            x->b[CORE_B_DRAIN] += a * ds[CORE_S_DRAIN];
            x->b[CORE_B_INF] +=
                a * (ds[CORE_S_INF_PEAT] + ds[CORE_S_INF_NATURE] + ds[CORE_S_INF_AGRI]);
            x->b[CORE_B_SPILL] += a * ds[CORE_S_SPILL];
            x->b[CORE_B_SEEP] += a * ds[CORE_S_SEEP];
            x->b[CORE_B_FIXED] += a * ds[CORE_S_FIXED];
            x->b[CORE_B_DS_GW] += a * ds[CORE_S_GWSTOR];
        }
    }
}

zt_status core_cpl_day_end(core_cpl *m, const double *frac, const core_cpl_acc *acc,
                           core_cpl_balance *x, zt_err *err)
{
    memset(x, 0, sizeof *x);
    if (m->rz_on) {
        /* the root zone's storage as rz_storage() sums it, from the sums
           the day's pass took in the same order (open water adds 0) */
        double rz_now = 0.0;
        for (int di = 0; di < m->nd; di++) {
            rz_now += m->dsum[(size_t)di * CORE_S_COUNT + CORE_S_S];
        }
        x->b[CORE_B_DS_RZ] = m->cell_area * (rz_now - m->rz_total);
        m->rz_total = rz_now;
    }
    balance_cells(m, x);
    if (m->cfg.mode == CORE_CPL_COUPLED) {
        for (int di = 0; di < m->nd; di++) {
            const core_district_out *o = &m->dout[di];
            district_day(m, di, frac);
            x->b[CORE_B_SUPPLIED] += o->supplied;
            x->b[CORE_B_SPR_SW] += m->din[di].loss[CORE_DCAT_CAPITAL] +
                                   m->cell_area * m->dsum[(size_t)di * CORE_S_COUNT +
                                                          CORE_S_SPR_SW_AGRI];
            x->b[CORE_B_FLUSH] += m->din[di].loss[CORE_DCAT_FLUSHING];
            x->b[CORE_B_DISCHARGE] += o->discharge;
            x->b[CORE_B_DV] += o->dv;
        }
    } else if (m->gw_on) {
        /* groundwater mode: the ditches are held at target; what they
           drain or give is exchanged with the outside of the model */
        x->b[CORE_B_SUPPLIED] = x->b[CORE_B_INF];
        x->b[CORE_B_DISCHARGE] = x->b[CORE_B_DRAIN] + x->b[CORE_B_SPILL];
    }
    if (!m->rz_on) {
        x->b[CORE_B_RUNOFF] = 0.0;
        x->b[CORE_B_OWNET] = 0.0;
    }
    if (acc && acc->nsel > 0 && m->gw_on) {
        district_fields_day(m, acc);
    }
    balance_close(x, m->cfg.mode);
    if (x->rel_rz > CORE_CPL_TOL_EXACT || x->rel_d > CORE_CPL_TOL_EXACT ||
        x->rel_gw > CORE_CPL_TOL_GW || x->rel_all > CORE_CPL_TOL_GW) {
        return zt_fail(err, ZT_EBALANCE,
                       "the water balance does not close: relative errors root zone %.2e, "
                       "districts %.2e (tolerance %.0e), groundwater %.2e, whole %.2e "
                       "(tolerance %.0e)",
                       x->rel_rz, x->rel_d, CORE_CPL_TOL_EXACT, x->rel_gw, x->rel_all,
                       CORE_CPL_TOL_GW);
    }
    return ZT_OK;
}

void core_cpl_storage_capacity(const core_cpl *m, double *cap)
{
    for (zt_idx k = 0; k < m->ncell; k++) {
        cap[k] = NAN;
        if (m->dom->mask[k] == ZT_MASK_ACTIVE) {
            const core_rz_params *p = m->cp[k];
            const double dep = m->depth && m->depth[k] > 0.0 ? m->depth[k] : 0.0;
            const double def = p->open_water ? 0.0 : (1.0 - p->paved) * (p->smax - m->s[k]);
            cap[k] = 1e3 * ((m->sy ? m->sy[k] : 0.0) * dep + def);
        }
    }
}


void core_cpl_mean_forcing(const core_cpl *m, double *p, double *et0)
{
    double sp = 0.0, se = 0.0;
    const zt_idx n = m->d_start[m->nd];
    for (int di = 0; di < m->nd; di++) {
        sp += m->dsum[(size_t)di * CORE_S_COUNT + CORE_S_P];
        se += m->dsum[(size_t)di * CORE_S_COUNT + CORE_S_ET0];
    }
    *p = n > 0 ? sp / (double)n : 0.0;
    *et0 = n > 0 ? se / (double)n : 0.0;
}
