/*
 * run_ckpt.c: checkpoints and restart of `zoet run` (run_internal.h;
 * docs/io.md, "Checkpoints and restart").
 */
#include "run_internal.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_ckpt.h"
#include "io_file.h"

/* ---- checkpoints and restart ----------------------------------------- */

#define STATE_MAX 64 /* arrays of the state, at most */
#define STATE_FILE "state.nc"

/* What a state file must match to continue this run. */
static void fingerprint(const run_ctx *c, char *buf, size_t n)
{
    char a[11], b[11];
    const zt_grid *g = &c->dom->g;
    int ncat;
    int len = snprintf(buf, n,
                       "zoet state 6; scenario %s; mode %d; grid %lld x %lld, %g m at %.1f %.1f; "
                       "%lld active cells; %d districts; %s to %s; aggregation %s; network %s; "
                       "lake %s %g %d %g %g %g %g %g; district series %s; inputs sha256 %s; "
                       "variables",
                       c->sc->name, (int)c->sc->mode, (long long)g->nx, (long long)g->ny, g->dx,
                       g->x0, g->y0, (long long)c->m->d_start[c->m->nd], c->m->nd,
                       zt_day_format(c->sc->start, a), zt_day_format(c->sc->end, b),
                       io_agg_name(c->sc->agg), c->sup ? "yes" : "no", c->lake ? "yes" : "no",
                       c->sc->lake.inflow_factor, c->sc->lake.replay_year, c->sc->lake.floor,
                       c->sc->lake.winter_level, c->sc->lake.summer_lower,
                       c->sc->lake.summer_upper, c->sc->lake.start_level,
                       c->sc->districts ? "yes" : "no", c->inputs_sha);
    for (int i = 0; i < c->nsel && len > 0 && (size_t)len < n; i++) {
        len += snprintf(buf + len, n - (size_t)len, " %s",
                        drv_output_catalogue(&ncat)[c->sel[i]].name);
    }
}

/* Every array of the run's state. */
static zt_status state_list(run_ctx *c, zt_named_array *list, int *count, zt_err *err)
{
    int n = core_cpl_state(c->m, list, STATE_MAX);
    if (n > STATE_MAX) {
        return zt_fail(err, ZT_EINTERNAL, "the state has more than %d arrays", STATE_MAX);
    }
    if (c->peat) {
        const int k = drv_peat_state(c->peat, list + n, STATE_MAX - n, err);
        if (k < 0) {
            return err->status != ZT_OK ? err->status : ZT_EINTERNAL;
        }
        n += k;
    }
    if (n + 1 > STATE_MAX) {
        return zt_fail(err, ZT_EINTERNAL, "the state has more than %d arrays", STATE_MAX);
    }
    list[n++] = (zt_named_array){"run_totals", 3, c->totals};
    if (c->sup) {
        const int k = drv_supply_state(c->sup, list + n, STATE_MAX - n);
        if (k > STATE_MAX - n) {
            return zt_fail(err, ZT_EINTERNAL, "the state has more than %d arrays", STATE_MAX);
        }
        n += k;
    }
    if (c->lake) {
        const int k = drv_lake_state(c->lake, list + n, STATE_MAX - n);
        if (k > STATE_MAX - n) {
            return zt_fail(err, ZT_EINTERNAL, "the state has more than %d arrays", STATE_MAX);
        }
        n += k;
    }
    *count = n;
    return ZT_OK;
}

/* 1 when a checkpoint is due after `day`: the next day starts a month or a
 * year (as [run] checkpoint says) and is still in the run. */
int drv_ckpt_due(const run_ctx *c, zt_day day)
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
zt_status drv_ckpt_write(run_ctx *c, run_out *w, zt_day next, zt_err *err)
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
    if (st == ZT_OK && c->lake) {
        st = drv_lake_checkpoint(c->lake, tmp, err);
    }
    if (st == ZT_OK && c->sup) {
        st = drv_supply_checkpoint(c->sup, tmp, err);
    }
    if (st == ZT_OK) {
        st = io_balance_checkpoint(w->bal, tmp, err);
    }
    int n = 0;
    if (st == ZT_OK) {
        st = state_list(c, list, &n, err);
    }
    if (st == ZT_OK) {
        fingerprint(c, fp, sizeof fp);
        io_path_join(tmp, STATE_FILE, path, sizeof path);
        st = io_ckpt_write(path, next, fp, list, n, err);
    }
    if (st == ZT_OK) {
        st = io_ckpt_commit(tmp, final, err);
    }
    if (st != ZT_OK) {
        io_ckpt_discard(tmp);
        return st;
    }
    /* each holds every output so far: this run's older ones go, and those
       of another run dated after this one (stale); a failure to remove one
       is said, and the run goes on */
    zt_err perr;
    zt_err_clear(&perr);
    if (io_ckpt_prune(c->out_root, c->first, next, c->sc->checkpoints_kept, &perr) != ZT_OK) {
        fprintf(stderr, "zoet: warning: %s\n", perr.msg);
    }
    core_cpl_restart_point(c->m);
    return ZT_OK;
}

/* Read a checkpoint's state into the model; the run continues at
 * c->first from the outputs in c->ckpt_dir. */
zt_status drv_ckpt_restart(run_ctx *c, const char *state, zt_err *err)
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
    int n = 0;
    st = state_list(c, list, &n, err);
    if (st != ZT_OK) {
        return st;
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
    if (c->lake) {
        drv_lake_state_loaded(c->lake);
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

