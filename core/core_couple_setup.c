/*
 * core_couple_setup.c: building the coupled model (core_couple.h) from the
 * domain, the district table and the parameter tables: the districts' CSR
 * lists, the cells' parameters and initial state, the district water, the
 * peat scenario's levels and drains, the groundwater arrays and solver; and
 * the state a checkpoint holds. No I/O.
 */
#include "core_couple.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_couple_impl.h"

/* kD given to fixed-head cells (open water): a face between land and open
   water then conducts 2 kD(land)/dx^2, the head of the water holding at the
   shore line (the face). */
#define KD_OPEN_WATER 1e7

/* A peat district: at least this share of its land is peat [E]. */
#define PEAT_DISTRICT_SHARE 0.25

/* ---- set-up ------------------------------------------------------------ */

void core_cpl_destroy(core_cpl **pm)
{
    core_cpl *m = pm ? *pm : NULL;
    if (!m) {
        return;
    }
    void *list[] = {m->d_id,      m->d_start,    m->d_cells,  m->d_area,     m->d_land,
                    m->dd,        m->dpar,       m->share,    (void *)m->cp, m->s,
                    m->spr_left,  m->rech,       m->rech_gw,  m->depth,      m->h,
                    m->kd,        m->sy,         m->surface,  m->phi,        m->cv,
                    m->ditch_level, m->ditch_c,  m->ditch_ci, m->trench_level, m->trench_c,
                    m->tile_level, m->tile_c,    m->tile_ci,  m->owd,        m->f_drain[0],
                    m->f_drain[1], m->f_drain[2], m->f_spill, m->f_seep,     m->f_stor,
                    m->f_lat,     m->dv,         m->dlevel,   m->dtarget,    m->dshort,
                    m->gfrac,     m->dsum,       m->din,      m->dout,       m->dem,
                    m->surplus,   m->rep,        m->real,     m->flush,      m->flush_need, m->qnat, m->salt, m->b_start,
                    m->b_d,       m->bsum,       m->dset,     m->pd_ci};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
        zt_free(list[i]);
    }
    core_gw_destroy(&m->gw);
    zt_free(m);
    *pm = NULL;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The index of district id in the sorted id list, or -1. */
static int district_index(const core_cpl *m, int32_t id)
{
    int lo = 0, hi = m->nd - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (m->d_id[mid] == id) {
            return mid;
        }
        if (m->d_id[mid] < id) {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return -1;
}

/* The blocks of the parallel cell loops (core_couple.h, CORE_CPL_BLOCK). */
static zt_status build_blocks(core_cpl *m, zt_err *err)
{
    int b = 0;
    m->nb = 0;
    for (int di = 0; di < m->nd; di++) {
        const zt_idx nq = m->d_start[di + 1] - m->d_start[di];
        m->nb += (int)((nq + CORE_CPL_BLOCK - 1) / CORE_CPL_BLOCK);
    }
    const size_t nb1 = (size_t)(m->nb > 0 ? m->nb : 1);
    m->b_start = zt_malloc((nb1 + 1) * sizeof *m->b_start);
    m->b_d = zt_malloc(nb1 * sizeof *m->b_d);
    m->bsum = zt_calloc(nb1 * CORE_S_COUNT, sizeof *m->bsum);
    m->dset = zt_calloc((size_t)(m->nd > 0 ? m->nd : 1), sizeof *m->dset);
    if (!m->b_start || !m->b_d || !m->bsum || !m->dset) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for %d blocks of cells", m->nb);
    }
    for (int di = 0; di < m->nd; di++) {
        for (zt_idx q = m->d_start[di]; q < m->d_start[di + 1]; q += CORE_CPL_BLOCK) {
            m->b_start[b] = q;
            m->b_d[b++] = di;
        }
    }
    m->b_start[m->nb] = m->d_start[m->nd];
    return ZT_OK;
}

/* The districts' ids and the CSR lists of their active cells, in cell order. */
static zt_status build_districts(core_cpl *m, zt_err *err)
{
    const grid_domain *d = m->dom;
    zt_idx k, nact = 0;
    zt_idx *fill = NULL;

    for (k = 0; k < m->ncell; k++) {
        nact += d->mask[k] == ZT_MASK_ACTIVE;
    }
    m->d_id = zt_malloc((size_t)(nact > 0 ? nact : 1) * sizeof *m->d_id);
    m->d_cells = zt_malloc((size_t)(nact > 0 ? nact : 1) * sizeof *m->d_cells);
    if (!m->d_id || !m->d_cells) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for %lld district cells", (long long)nact);
    }
    nact = 0;
    for (k = 0; k < m->ncell; k++) {
        if (d->mask[k] == ZT_MASK_ACTIVE) {
            m->d_id[nact++] = d->district[k];
        }
    }
    qsort(m->d_id, (size_t)nact, sizeof *m->d_id, cmp_i32);
    m->nd = 0;
    for (k = 0; k < nact; k++) {
        if (m->nd == 0 || m->d_id[m->nd - 1] != m->d_id[k]) {
            m->d_id[m->nd++] = m->d_id[k];
        }
    }
    const size_t nd1 = (size_t)(m->nd > 0 ? m->nd : 1);
    m->d_start = zt_calloc(nd1 + 1, sizeof *m->d_start);
    m->d_area = zt_calloc(nd1, sizeof *m->d_area);
    m->d_land = zt_calloc(nd1, sizeof *m->d_land);
    fill = zt_calloc(nd1, sizeof *fill);
    if (!m->d_start || !m->d_area || !m->d_land || !fill) {
        zt_free(fill);
        return zt_fail(err, ZT_ENOMEM, "out of memory for %d districts", m->nd);
    }
    for (k = 0; k < m->ncell; k++) {
        if (d->mask[k] == ZT_MASK_ACTIVE) {
            m->d_start[district_index(m, d->district[k]) + 1]++;
        }
    }
    for (int i = 0; i < m->nd; i++) {
        m->d_start[i + 1] += m->d_start[i];
    }
    for (k = 0; k < m->ncell; k++) {
        if (d->mask[k] == ZT_MASK_ACTIVE) {
            int di = district_index(m, d->district[k]);
            m->d_cells[m->d_start[di] + fill[di]++] = k;
            m->d_area[di] += m->cell_area;
        }
    }
    zt_free(fill);
    return build_blocks(m, err);
}

/* Per-cell parameters and the initial root zone: field capacity. */
static zt_status init_cells(core_cpl *m, const core_cpl_tables *tab, zt_err *err)
{
    const grid_domain *d = m->dom;
    const size_t n = (size_t)m->ncell;

    m->cp = zt_calloc(n, sizeof *m->cp);
    m->s = zt_calloc(n, sizeof *m->s);
    m->spr_left = zt_calloc(n, sizeof *m->spr_left);
    m->rech = zt_calloc(n, sizeof *m->rech);
    m->rech_gw = zt_calloc(n, sizeof *m->rech_gw);
    if (!m->cp || !m->s || !m->spr_left || !m->rech || !m->rech_gw) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for the state of %lld cells",
                       (long long)m->ncell);
    }
    memcpy(m->nospr, tab->rz, sizeof m->nospr);
    for (int lu = 0; lu < ZT_NLANDUSE; lu++) {
        for (int so = 0; so < ZT_NSOIL; so++) {
            m->nospr[lu][so].sprinkle = 0;
        }
    }
    /* a cell is sprinkled only where its land use allows it and the domain
       gives it a source (sprinkling_source > 0) */
    for (zt_idx k = 0; k < m->ncell; k++) {
        if (d->mask[k] == ZT_MASK_ACTIVE) {
            const core_rz_params *p = d->sprinkling[k] == ZT_SPR_NONE
                                          ? &m->nospr[d->landuse[k]][d->soil[k]]
                                          : &tab->rz[d->landuse[k]][d->soil[k]];
            m->cp[k] = p;
            m->s[k] = p->open_water ? 0.0 : p->smax;
        }
    }
    for (int di = 0; di < m->nd; di++) {
        for (zt_idx q = m->d_start[di]; q < m->d_start[di + 1]; q++) {
            const core_rz_params *p = m->cp[m->d_cells[q]];
            if (!p->open_water) {
                m->d_land[di] += (1.0 - p->paved) * m->cell_area;
            }
        }
    }
    return ZT_OK;
}

int core_cpl_summer(const core_cpl *m, zt_day day)
{
    int y, mo, d;
    zt_day_to_ymd(day, &y, &mo, &d);
    return in_summer(&m->cfg, mo, d);
}

/* The district table's entry of every district, its open water, pumps and
 * area shares; the state at the target. */
static zt_status init_district_water(core_cpl *m, const grid_district *dtab, int ntab,
                                     zt_err *err)
{
    const size_t nd1 = (size_t)(m->nd > 0 ? m->nd : 1);
    int j = 0;

    m->dd = zt_calloc(nd1, sizeof *m->dd);
    m->dpar = zt_calloc(nd1, sizeof *m->dpar);
    m->share = zt_calloc(nd1 * NC, sizeof *m->share);
    if (!m->dd || !m->dpar || !m->share) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for %d districts", m->nd);
    }
    for (int di = 0; di < m->nd; di++) {
        double land = 0.0, water = 0.0, peat = 0.0, nature = 0.0;
        while (j < ntab && dtab[j].id < m->d_id[di]) {
            j++;
        }
        if (j >= ntab || dtab[j].id != m->d_id[di]) {
            return zt_fail(err, ZT_EINPUT, "no [district.%ld] for district %ld of the domain",
                           (long)m->d_id[di], (long)m->d_id[di]);
        }
        m->dd[di] = dtab[j];
        for (zt_idx q = m->d_start[di]; q < m->d_start[di + 1]; q++) {
            const zt_idx k = m->d_cells[q];
            if (m->dom->landuse[k] == ZT_LU_WATER) {
                water += m->cell_area;
            } else {
                land += m->cell_area;
                if (m->dom->soil[k] == ZT_SOIL_PEAT) {
                    peat += m->cell_area;
                } else if (m->dom->landuse[k] == ZT_LU_NATURE) {
                    nature += m->cell_area;
                }
            }
        }
        /* a deficit the day starts with (a target rise, a shortage still
           missing) is charged to the land it serves, by area */
        double *sh = m->share + (size_t)di * NC;
        if (land > 0.0) {
            sh[CORE_DCAT_PEAT] = peat / land;
            sh[CORE_DCAT_NATURE] = nature / land;
            sh[CORE_DCAT_AGRI] = (land - peat - nature) / land;
        }
        memcpy(m->dpar[di].base_share, sh, sizeof m->dpar[di].base_share);
        /* the ditches' water surface plus the open-water cells */
        m->dpar[di].aow = m->dd[di].ow_fraction * land + water;
        m->dpar[di].pump_cap = 1e-3 * m->dd[di].pump_mm_d * m->d_area[di];
        if (!(m->dpar[di].aow > 0.0)) {
            return zt_fail(err, ZT_EINPUT,
                           "[district.%ld]: no open water (open_water_fraction x land area is 0)",
                           (long)m->d_id[di]);
        }
    }
    return ZT_OK;
}

/*
 * The peat scenario (cfg.peat_target): in every district whose land is at
 * least PEAT_DISTRICT_SHARE peat the summer target level is raised (never
 * lowered) to the area-mean surface level of its peat cells minus the
 * target depth, and the winter level by as much (docs/model.md §9.3).
 */
static void apply_peat_target(core_cpl *m)
{
    for (int di = 0; di < m->nd; di++) {
        double zsum = 0.0;
        zt_idx npeat = 0, nland = 0;
        for (zt_idx q = m->d_start[di]; q < m->d_start[di + 1]; q++) {
            const zt_idx k = m->d_cells[q];
            if (m->dom->landuse[k] == ZT_LU_WATER) {
                continue;
            }
            nland++;
            if (m->dom->soil[k] == ZT_SOIL_PEAT) {
                zsum += (double)m->dom->surface[k];
                npeat++;
            }
        }
        if (npeat == 0 || (double)npeat < PEAT_DISTRICT_SHARE * (double)nland) {
            continue;
        }
        grid_district *t = &m->dd[di];
        /* to the cm, as the table's levels */
        const double want = round(100.0 * (zsum / (double)npeat - m->cfg.peat_target)) / 100.0;
        if (want > t->summer_level) {
            t->winter_level += want - t->summer_level;
            t->summer_level = want;
            m->npeat_raised++;
        }
    }
}

int core_cpl_peat_districts(const core_cpl *m)
{
    return m ? m->npeat_raised : 0;
}

/* Allocate n doubles into every pointer of the list; 0 on success. */
static int alloc_doubles(zt_idx n, double **const *list, int count)
{
    int bad = 0;
    for (int i = 0; i < count; i++) {
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

/* Submerged drains (the tile system at ditch level, set each day, draining
 * and infiltrating through one resistance) or pressure drains (the tile
 * system held at a set depth below surface, infiltrating district water as
 * far as the district got its class 1.2 water) in every peat cell; the
 * trenches of those cells no deeper than the drains' control depth, or the
 * target depth (docs/model.md §9.3). */
static zt_status init_peat_drains(core_cpl *m, zt_err *err)
{
    const grid_domain *d = m->dom;
    m->tile_ci = zt_malloc((size_t)m->ncell * sizeof *m->tile_ci);
    m->owd = zt_calloc((size_t)m->ncell, 1);
    m->pd_ci = zt_malloc((size_t)(m->nd > 0 ? m->nd : 1) * sizeof *m->pd_ci);
    if (!m->tile_ci || !m->owd || !m->pd_ci) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for submerged drains");
    }
    for (int di = 0; di < m->nd; di++) {
        m->pd_ci[di] = NAN; /* none applied yet */
    }
    for (zt_idx k = 0; k < m->ncell; k++) {
        m->tile_ci[k] = INFINITY;
        if (d->mask[k] == ZT_MASK_ACTIVE && d->soil[k] == ZT_SOIL_PEAT) {
            if (m->cfg.peat_owd) {
                m->owd[k] = CPL_DRAIN_SUBMERGED; /* the level follows the ditch */
                m->tile_c[k] = m->cfg.peat_owd_c;
                m->tile_ci[k] = m->cfg.peat_owd_c;
            } else {
                m->owd[k] = CPL_DRAIN_PRESSURE;
                m->tile_level[k] = m->surface[k] - m->cfg.peat_pd_depth;
                m->tile_c[k] = m->cfg.peat_pd_c;
                m->tile_ci[k] = m->cfg.peat_pd_c; /* then as the district got water */
            }
        }
    }
    m->gwm.drain[CPL_TILE].ci = m->tile_ci;
    return ZT_OK;
}

/* The trenches of peat cells raised to the control depth of the scenario
 * (the pressure drains' depth, else the target depth), as farmers do when
 * the level rises: a trench deeper than that would drain the water table
 * below the target. Trenches already shallower stay. */
static void raise_peat_trenches(core_cpl *m)
{
    const double depth = m->cfg.peat_pd ? m->cfg.peat_pd_depth : m->cfg.peat_target;
    if (isnan(depth)) {
        return;
    }
    for (zt_idx k = 0; k < m->ncell; k++) {
        if (m->dom->mask[k] == ZT_MASK_ACTIVE && m->dom->soil[k] == ZT_SOIL_PEAT &&
            m->trench_level[k] < m->surface[k] - depth) {
            m->trench_level[k] = m->surface[k] - depth;
            m->ntrench_raised++;
        }
    }
}

/* The groundwater arrays of one cell from the domain. */
static void gw_cell(core_cpl *m, const core_cpl_tables *tab, zt_idx k)
{
    const grid_domain *d = m->dom;
    const double zs = fval(d->surface, k);
    const double ci_factor = m->cfg.ci_factor > 0.0 ? m->cfg.ci_factor : 1.0;
    m->surface[k] = zs;
    m->rech[k] = 0.0;
    if (d->mask[k] == ZT_MASK_ACTIVE) {
        m->kd[k] = fval(d->kd, k);
        m->sy[k] = tab->sy[d->soil[k]];
        m->phi[k] = fval(d->deep_head, k);
        m->cv[k] = fval(d->cv, k);
        m->h[k] = zs - fval(d->gwdepth, k);
        m->ditch_level[k] = NAN; /* set each day from the district level */
        m->ditch_c[k] = fval(d->ditch_c, k);
        m->ditch_ci[k] = ci_factor * fval(d->ditch_ci, k);
        m->trench_level[k] = zs - fval(d->trench_depth, k); /* NAN: none */
        m->trench_c[k] = isnan(m->trench_level[k]) ? 1.0 : fval(d->trench_c, k);
        m->tile_level[k] = zs - fval(d->tile_depth, k);
        m->tile_c[k] = isnan(m->tile_level[k]) ? 1.0 : fval(d->tile_c, k);
    } else {
        /* fixed-head cells hold the open water's level (surface_level);
           inactive cells are no-flow and never read */
        m->kd[k] = d->mask[k] == ZT_MASK_FIXED ? KD_OPEN_WATER : 0.0;
        m->sy[k] = 1.0;
        m->phi[k] = zs;
        m->cv[k] = 1.0;
        m->h[k] = d->mask[k] == ZT_MASK_FIXED ? zs : 0.0;
        m->ditch_level[k] = NAN;
        m->ditch_c[k] = 1.0;
        m->ditch_ci[k] = INFINITY;
        m->trench_level[k] = NAN;
        m->trench_c[k] = 1.0;
        m->tile_level[k] = NAN;
        m->tile_c[k] = 1.0;
    }
}

/* Groundwater arrays from the domain and the parameter table; the solver. */
static zt_status init_gw(core_cpl *m, const core_cpl_tables *tab, zt_err *err)
{
    const grid_domain *d = m->dom;
    double **const list[] = {&m->h,           &m->kd,          &m->sy,          &m->surface,
                             &m->phi,         &m->cv,          &m->ditch_level, &m->ditch_c,
                             &m->ditch_ci,    &m->trench_level, &m->trench_c,   &m->tile_level,
                             &m->tile_c,      &m->f_drain[0],  &m->f_drain[1],  &m->f_drain[2],
                             &m->f_spill,     &m->f_seep,      &m->f_stor,      &m->f_lat,
                             &m->depth};
    zt_status st;

    if (!d->has_gw) {
        return zt_fail(err, ZT_EINPUT,
                       "the groundwater variables (kd, deep_head, seepage_resistance, "
                       "ditch_resistance, ...) are missing; mode \"%s\" needs them",
                       m->cfg.mode == CORE_CPL_COUPLED ? "coupled" : "groundwater");
    }
    if (alloc_doubles(m->ncell, list, (int)(sizeof list / sizeof list[0])) != 0) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for the groundwater of %lld cells",
                       (long long)m->ncell);
    }
    for (zt_idx k = 0; k < m->ncell; k++) {
        gw_cell(m, tab, k);
        m->depth[k] = NAN; /* set in the active cells each day */
    }
    memset(&m->gwm, 0, sizeof m->gwm);
    m->gwm.g = d->g;
    m->gwm.mask = d->mask;
    m->gwm.kd = m->kd;
    m->gwm.sy = m->sy;
    m->gwm.surface = m->surface;
    m->gwm.c_spill = m->cfg.c_spill;
    m->gwm.phi = m->phi;
    m->gwm.cv = m->cv;
    m->gwm.ndrain = 3;
    m->gwm.drain[CPL_DITCH] = (core_gw_drain){"ditch", m->ditch_level, m->ditch_c, m->ditch_ci};
    m->gwm.drain[CPL_TRENCH] = (core_gw_drain){"trench", m->trench_level, m->trench_c, NULL};
    m->gwm.drain[CPL_TILE] = (core_gw_drain){"tile", m->tile_level, m->tile_c, NULL};
    if (m->cfg.peat_owd || m->cfg.peat_pd) {
        st = init_peat_drains(m, err);
        if (st != ZT_OK) {
            return st;
        }
    }
    raise_peat_trenches(m);
    core_gw_opts go = m->cfg.gw;
    /* the solver keeps its inputs and reads again only the levels that
       moved (groundwater mode: twice a year, so most days start from the
       previous day's end, docs/model.md §6.3.1); the coupled mode moves the
       ditch levels every day, and every day starts from its start heads */
    go.keep_inputs = 1;
    go.cold_start = m->cfg.mode != CORE_CPL_GROUNDWATER;
    return core_gw_create(&m->gwm, &go, &m->gw, err);
}

/* The district state and the day's district arrays. */
static zt_status init_district_state(core_cpl *m, zt_err *err)
{
    const size_t nd1 = (size_t)(m->nd > 0 ? m->nd : 1);
    int y, mo, d;

    m->dv = zt_calloc(nd1, sizeof *m->dv);
    m->dlevel = zt_calloc(nd1, sizeof *m->dlevel);
    m->dtarget = zt_calloc(nd1, sizeof *m->dtarget);
    m->dshort = zt_calloc(nd1 * NC, sizeof *m->dshort);
    m->gfrac = zt_calloc(nd1 * NC, sizeof *m->gfrac);
    m->dsum = zt_calloc(nd1 * CORE_S_COUNT, sizeof *m->dsum);
    m->din = zt_calloc(nd1, sizeof *m->din);
    m->dout = zt_calloc(nd1, sizeof *m->dout);
    m->dem = zt_calloc(nd1 * NC, sizeof *m->dem);
    m->surplus = zt_calloc(nd1, sizeof *m->surplus);
    m->rep = zt_calloc(nd1 * NC, sizeof *m->rep);
    m->real = zt_calloc(nd1 * NC, sizeof *m->real);
    m->flush = zt_calloc(nd1, sizeof *m->flush);
    m->flush_need = zt_calloc(nd1, sizeof *m->flush_need);
    m->qnat = zt_calloc(nd1, sizeof *m->qnat);
    m->salt = zt_calloc(nd1, sizeof *m->salt);
    if (!m->qnat || !m->salt ||
        !m->dv || !m->dlevel || !m->dtarget || !m->dshort || !m->gfrac || !m->dsum || !m->din ||
        !m->dout || !m->dem || !m->surplus || !m->rep || !m->real || !m->flush ||
        !m->flush_need) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for %d districts", m->nd);
    }
    zt_day_to_ymd(m->cfg.start, &y, &mo, &d);
    for (int di = 0; di < m->nd; di++) {
        if (m->dd) {
            m->dtarget[di] = target_of(&m->dd[di], in_summer(&m->cfg, mo, d));
        }
        m->dlevel[di] = m->dtarget[di];
        /* the ditches start at the target concentration (docs/model.md §7.6) */
        m->salt[di] = m->gw_on && m->dpar ? m->cfg.ditch_depth * m->dpar[di].aow : 0.0;
        for (int c = 0; c < NC; c++) {
            m->gfrac[(size_t)di * NC + c] = 1.0;
        }
    }
    return ZT_OK;
}

/* Root-zone storage (m over cells, summed) in district order. */
double core_cpl_rz_storage(const core_cpl *m)
{
    double tot = 0.0;
    for (int di = 0; di < m->nd; di++) {
        double sum = 0.0;
        for (zt_idx q = m->d_start[di]; q < m->d_start[di + 1]; q++) {
            const zt_idx k = m->d_cells[q];
            const core_rz_params *p = m->cp[k];
            if (!p->open_water) {
                sum += (1.0 - p->paved) * m->s[k];
            }
        }
        tot += sum;
    }
    return tot;
}

zt_status core_cpl_create(const core_cpl_config *cfg, const grid_domain *dom,
                          const grid_district *dtab, int ntab, const core_cpl_tables *tab,
                          core_cpl **out, zt_err *err)
{
    core_cpl *m;
    zt_status st;

    *out = NULL;
    m = zt_calloc(1, sizeof *m);
    if (!m) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for the model");
    }
    m->cfg = *cfg;
    m->dom = dom;
    m->ncell = zt_grid_ncell(&dom->g);
    m->cell_area = dom->g.dx * dom->g.dx;
    m->rz_on = cfg->mode != CORE_CPL_GROUNDWATER;
    m->gw_on = cfg->mode != CORE_CPL_ROOTZONE;
    st = build_districts(m, err);
    if (st == ZT_OK) {
        st = init_cells(m, tab, err);
    }
    if (st == ZT_OK && m->gw_on) {
        st = init_district_water(m, dtab, ntab, err);
        if (st == ZT_OK && !isnan(cfg->peat_target)) {
            apply_peat_target(m);
        }
        if (st == ZT_OK) {
            st = init_gw(m, tab, err);
        }
    }
    if (st == ZT_OK) {
        st = init_district_state(m, err);
    }
    if (st != ZT_OK) {
        core_cpl_destroy(&m);
        return st;
    }
    m->rz_total = m->rz_on ? core_cpl_rz_storage(m) : 0.0;
    *out = m;
    return ZT_OK;
}

/* ---- state ----------------------------------------------------------- */

int core_cpl_state(core_cpl *m, zt_named_array *list, int max)
{
    const size_t nc = (size_t)m->ncell, nd = (size_t)m->nd;
    zt_named_array all[] = {
        {"rootzone_storage", nc, m->s},
        {"sprinkling_left", nc, m->spr_left},
        {"rootzone_total", 1, &m->rz_total},
        {"district_storage", nd, m->dv},
        {"district_level", nd, m->dlevel},
        {"district_target", nd, m->dtarget},
        {"district_shortage", nd * NC, m->dshort},
        {"district_fraction", nd * NC, m->gfrac},
        {"district_discharge", nd, m->qnat},
        {"district_salt", nd, m->salt},
        {"precipitation_deficit", 1, &m->pdef},
        {"head", nc, m->h},
    };
    const int n = (int)(sizeof all / sizeof all[0]) - (m->gw_on ? 0 : 1);
    if (n <= max) {
        memcpy(list, all, (size_t)n * sizeof *list);
    }
    return n;
}

void core_cpl_restart_point(core_cpl *m)
{
    if (m->gw) {
        core_gw_inputs_changed(m->gw);
    }
}
