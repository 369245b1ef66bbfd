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
#include "run_internal.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "io_outset.h"

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
    t1 = drv_now();
    if (c->sup) {
        double wtot = 0.0;
        memset(c->abstr, 0, (size_t)m->ncell * sizeof *c->abstr);
        drv_supply_wells(c->sup, core_cpl_summer(m, day), m->cell_area, c->abstr, &wtot);
    }
    st = core_cpl_day_begin(m, day, c->p, c->et0, c->sup ? c->abstr : NULL, &acc, err);
    stats->seconds_rz += drv_now() - t1;
    if (st != ZT_OK) {
        return st;
    }
    if (m->gw_on) {
        stats->cg_total += m->gws.cg;
        stats->picard_total += m->gws.picard;
        drv_peat_day(c->peat, day, m->depth);
    }
    if (c->lake) {
        /* the water the lake can give today heads the network */
        double pm, em, avail;
        core_cpl_mean_forcing(m, &pm, &em);
        st = drv_lake_begin(c->lake, day, pm, em, &avail, err);
        if (st != ZT_OK) {
            return st;
        }
        drv_supply_set_source(c->sup, avail, drv_lake_level(c->lake));
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
    if (st == ZT_OK && c->lake) {
        st = drv_lake_end(c->lake, day, drv_supply_drawn_today(c->sup),
                          drv_supply_to_lake(c->sup, m->dout), err);
    }
    if (st != ZT_OK) {
        return st;
    }
    if (m->cfg.mode == CORE_CPL_COUPLED) {
        /* the inlet for peat level maintenance, and the storage capacity
           of 1 December */
        for (int di = 0; di < m->nd; di++) {
            const size_t u = (size_t)di * CORE_DCAT_COUNT + CORE_DCAT_PEAT;
            drv_peat_inlet(c->peat, di, day, m->real[u], m->rep[u]);
        }
        if (month == 12 && dd == 1) {
            core_cpl_storage_capacity(m, c->cap);
            drv_peat_dec1(c->peat, c->cap);
        }
    }
    return ZT_OK;
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
    const double el = drv_now() - t0;
    const double rate = el > 0.0 ? done / el : 0.0;
    fprintf(stderr, "zoet: %s  %d of %d days, %.1f days/s, %.0f s elapsed, %.0f s left\n", date,
            done, total, rate, el, rate > 0.0 ? (total - done) / rate : 0.0);
    fflush(stderr);
}

/* The time loop. */
static zt_status run_days(run_ctx *c, run_out *w, io_outset *set, const drv_run_opts *o,
                          drv_run_stats *s, zt_err *err)
{
    const double t0 = drv_now();
    zt_status st = ZT_OK;
    for (zt_day day = c->first; day <= c->sc->end; day++) {
        core_cpl_balance x;
        st = io_outset_poll(set, err); /* SIGINT, SIGTERM */
        if (st == ZT_OK) {
            st = run_day(c, w, day, &x, s, err);
        }
        if (st == ZT_OK) {
            double lake[DRV_LAKE_NBAL];
            if (c->lake) {
                drv_lake_balance(c->lake, lake);
            }
            const io_balance_row row = {x.b,       x.err_rz,    x.err_gw,
                                        x.err_d,   x.err_all,   x.gross_all,
                                        x.rel_all, c->m->gw_on ? c->m->gws.picard : 0,
                                        c->m->gw_on ? c->m->gws.cg : 0,
                                        c->lake ? lake : NULL};
            if (x.rel_all > s->max_rel_err) {
                s->max_rel_err = x.rel_all;
            }
            st = io_balance_add(w->bal, day, &row, err);
        }
        if (st == ZT_OK && w->grid) {
            st = io_gridout_end_day(w->grid, day, err);
        }
        if (st == ZT_OK && w->ts) {
            drv_out_district_series(c, w->tsval);
            st = io_tsout_add_day(w->ts, day, w->tsval, err);
        }
        if (st == ZT_OK && drv_ckpt_due(c, day)) {
            /* the summary's running figures go into the state too */
            c->totals[0] = s->max_rel_err;
            c->totals[1] = (double)s->cg_total;
            c->totals[2] = (double)s->picard_total;
            st = drv_ckpt_write(c, w, day + 1, err);
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
    s->seconds = drv_now() - t0;
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
    st = drv_run_setup(&c, o, err);
    if (st == ZT_OK && !o->quiet) {
        drv_run_settings(&c, stdout);
        fflush(stdout);
    }
    if (st != ZT_OK || o->check_only) {
        goto done;
    }
    /* outputs: into the staging folder of an output set, published whole
       at the end (io_outset.h); the set hashes every input */
    {
        const io_outset_info oi = {"zoet", ZOET_VERSION, c.sc->start, c.sc->end,
                                   omp_get_max_threads()};
        st = io_outset_create(c.sc->out_dir, &oi, stderr, &set, err);
    }
    if (st == ZT_OK) {
        st = io_outset_add_scenario(set, c.sc, err);
    }
    if (st == ZT_OK) {
        st = io_outset_inputs_digest(set, c.inputs_sha, err);
    }
    c.first = c.sc->start;
    if (st == ZT_OK && o->restart) {
        st = io_outset_add_input(set, "restart", o->restart, err);
        if (st == ZT_OK) {
            st = drv_ckpt_restart(&c, o->restart, err);
        }
        s.max_rel_err = c.totals[0];
        s.cg_total = (long)c.totals[1];
        s.picard_total = (long)c.totals[2];
    }
    /* the whole run's days: a continued run's summary covers the days
       before the checkpoint too (their figures are in the state) */
    s.ndays = (int)(c.sc->end - c.sc->start + 1);
    s.ncell_active = c.m->d_start[c.m->nd];
    if (st == ZT_OK) {
        st = drv_out_open(&c, &w, io_outset_staging(set), (int)(c.sc->end - c.sc->start + 1), err);
    }
    if (st == ZT_OK && o->restart) {
        st = drv_out_resume(&c, &w, err);
    }
    if (st == ZT_OK) {
        st = run_days(&c, &w, set, o, &s, err);
    }
    if (st == ZT_OK) {
        const double t1 = drv_now();
        s.seconds_out = w.grid ? io_gridout_seconds(w.grid) : 0.0;
        st = drv_out_close(&c, &w, 1, err);
        s.seconds_close = drv_now() - t1;
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
        drv_out_summary(&c, &w, &s);
    }
done:
    if (st != ZT_OK) {
        drv_out_close(&c, &w, 0, err);
        st = io_outset_abort(set, st, err);
    }
    io_outset_destroy(&set);
    if (stats) {
        *stats = s;
    }
    drv_run_free(&c);
    return st;
}
