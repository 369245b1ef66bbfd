/*
 * run_setup.c: the set-up of `zoet run` (run_internal.h): every input loaded
 * and checked, the model built (core_couple.h), the supply network, the
 * groundwater statistics and the output selection.
 */
#include "run_internal.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_districts.h"
#include "io_nc.h"

void drv_run_free(run_ctx *c)
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
    drv_lake_destroy(&c->lake);
    drv_peat_destroy(&c->peat);
    core_cpl_destroy(&c->m);
    zt_free(c->dtab);
    io_forcing_destroy(&c->forc);
    io_params_destroy(&c->par);
    grid_domain_destroy(&c->dom);
    io_scenario_destroy(&c->sc);
}

/* Load every input of a scenario into the context, validated. */
static zt_status load_inputs(run_ctx *c, const drv_run_opts *o, zt_err *err)
{
    const char *names[CORE_V_COUNT];
    int ncat;
    const io_var_spec *cat = drv_output_catalogue(&ncat);
    zt_status st;

    for (int v = 0; v < CORE_V_COUNT; v++) {
        names[v] = cat[v].name;
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
    cfg->ci_factor = sc->ci_factor;
    cfg->ditch_depth = sc->ditch_depth;
    cfg->flush_deficit = sc->flush_deficit_mm / 1000.0;
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
    su.thickness = c->dom->peat_thickness; /* NULL: unknown */
    su.first = c->sc->start;
    su.last = c->sc->end;
    /* a bad base table would throw the whole run away at its end */
    zt_status st = drv_peat_check_base(c->sc->peat_base, err);
    if (st != ZT_OK) {
        return st;
    }
    return drv_peat_create(&su, &c->peat, err);
}

/* The supply network (coupled mode with a network file). */
static zt_status init_supply(run_ctx *c, zt_err *err)
{
    const core_cpl *m = c->m;
    const size_t nd1 = (size_t)(m->nd > 0 ? m->nd : 1);
    drv_supply_setup su;
    double *cx = zt_calloc(nd1, sizeof *cx);
    uint8_t *unsup = zt_calloc(nd1, sizeof *unsup);
    zt_status st;

    c->frac = zt_calloc(nd1 * CORE_DCAT_COUNT, sizeof *c->frac);
    c->abstr = zt_calloc((size_t)m->ncell, sizeof *c->abstr);
    if (!cx || !unsup || !c->frac || !c->abstr) {
        zt_free(cx);
        zt_free(unsup);
        return zt_fail(err, ZT_ENOMEM, "out of memory for the supply network");
    }
    for (int di = 0; di < m->nd; di++) {
        double sx = 0.0;
        for (zt_idx q = m->d_start[di]; q < m->d_start[di + 1]; q++) {
            sx += (double)(m->d_cells[q] % c->dom->g.nx) + 0.5;
        }
        const zt_idx nq = m->d_start[di + 1] - m->d_start[di];
        cx[di] = c->dom->g.x0 + c->dom->g.dx * (nq > 0 ? sx / (double)nq : 0.0);
        unsup[di] = (uint8_t)(m->dd[di].unsupplied != 0);
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
    su.d_unsup = unsup;
    su.grid = c->dom->g;
    su.mask = c->dom->mask;
    st = c->sc->lake.enabled
             ? drv_lake_create(&c->sc->lake, c->sc->start, c->sc->end, &c->lake, err)
             : ZT_OK;
    su.lake = c->lake ? drv_lake_desc(c->lake) : NULL;
    if (st == ZT_OK) {
        st = drv_supply_create(&su, &c->sup, err);
    }
    zt_free(cx);
    zt_free(unsup);
    return st;
}

/* Select the output variables named in the scenario. */
static zt_status init_fields(run_ctx *c, zt_err *err)
{
    const core_cpl *m = c->m;
    int ncat;
    const io_var_spec *cat = drv_output_catalogue(&ncat);
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
            if (strcmp(c->sc->out_vars[i], cat[j].name) == 0) {
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
zt_status drv_run_setup(run_ctx *c, const drv_run_opts *o, zt_err *err)
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
    if ((c->sc->peat_pd || c->sc->peat_owd) && !o->quiet) {
        if (c->sc->peat_pd) {
            printf("zoet run: pressure drains in every peat cell, held at %.2f m below its "
                   "surface (resistance %g d), fed with district water (class 1.2)\n",
                   c->sc->peat_pd_depth, c->sc->peat_pd_c);
        } else {
            printf("zoet run: submerged drains in every peat cell at its district's ditch "
                   "level (resistance %g d)\n",
                   c->sc->peat_owd_c);
        }
    }
    if (c->m->ntrench_raised > 0 && !o->quiet) {
        printf("zoet run: the trenches of %ld peat cells raised to %.2f m below surface\n",
               c->m->ntrench_raised, c->sc->peat_pd ? c->sc->peat_pd_depth : c->sc->peat_target);
    }
    st = district_names(c, err);
    if (st == ZT_OK && c->m->gw_on && c->sc->mode == IO_MODE_COUPLED && c->sc->network) {
        st = init_supply(c, err);
    }
    if (st == ZT_OK && c->m->gw_on) {
        st = init_peat(c, err);
        if (st == ZT_OK && !c->dom->peat_thickness && !o->quiet) {
            printf("zoet run: the domain has no peat_thickness: every peat cell is taken as "
                   "thick enough to oxidise down to the water table\n");
        }
    }
    if (st == ZT_OK) {
        st = init_fields(c, err);
    }
    return st;
}

void drv_run_settings(const run_ctx *c, FILE *f)
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

