/*
 * io_out.c: gridded model output (io_out.h); the time series are in io_tsout.c.
 *
 * Gridded output. One CF-1.8 NetCDF-4 file per run with dimensions
 * time (unlimited), y, x, nv and, per variable, float v(time, y, x):
 *
 *   flux  (is_flux = 1): V_p = sum_{d in p} v_d      units sum_units ("mm"),
 *                        cell_methods "time: sum" (also for daily output: a
 *                        daily flux in mm d-1 over one day is a sum in mm)
 *   state (is_flux = 0): V_p = (1/n_p) sum_{d in p} v_d   units as given,
 *                        cell_methods "time: mean"
 *
 * where p is the period (a day; a dekad: days 1-10, 11-20 or 21 to the end
 * of a month; a calendar month; a calendar year) and n_p the number of model days in it. The sums are kept
 * in double per cell and rounded to float once, when the period is written.
 * Time (CF-1.8 §4.4, §7.1): "days since 1970-01-01 00:00:00", calendar
 * "standard", time = (t0 + t1) / 2 with time_bnds = [t0, t1], t0 the first
 * day of the period at 00:00 and t1 the day after its last day (for one day d:
 * time = d + 0.5, bounds [d, d + 1]). A period cut by the start or the end of
 * the run keeps its true bounds; the variable ndays(time) gives the number of
 * days in each period and the global attribute incomplete_periods names the
 * cut periods. Cells with mask 0 hold _FillValue = -9999.f.
 *
 * Storage: chunks (1, ny, nx), shuffle + deflate at the chosen level, and
 * optionally BitGroom quantisation (Zender 2016, Geosci. Model Dev. 9,
 * 3199-3211; nc_def_var_quantize, netCDF-C >= 4.9.0), which keeps
 * ceil(nsd log2 10) + 1 mantissa bits, so that a stored value q of a value v
 * satisfies |q - v| <= 0.5 10^-nsd |v|: nsd correct significant digits
 * (the CF conventions' chapter 8 on lossy compression by quantisation
 * states the weaker "half of the unit value at the NSD decimal place"; the
 * tighter bound was also measured on 2e5 random values for nsd 1-6).
 * nsd = 7 is float precision itself and writes unquantised values.
 *
 * Asynchronous writing: with opts.async a writer thread takes completed
 * periods from a queue of two buffers (double buffering) and writes them
 * while the model computes; add_day blocks only when both buffers are
 * waiting. The writer makes exactly the nc_* calls, in the same order, that
 * the synchronous path makes, so the file's bytes do not depend on the mode
 * or on timing. Its errors are kept and returned by the next add_day or by
 * close.
 *
 * Time series: io_tsout.c.
 *
 * Every file is written under <name>.part and renamed when complete.
 */
#include "io_out.h"

#include <hdf5.h>
#include <math.h>
#include <netcdf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io_cftime.h"
#include "io_ckpt.h"
#include "io_file.h"
#include "io_nc.h"

#define OUT_PATH_MAX 4096
#define OUT_FILL (-9999.0f)       /* _FillValue of gridded output (-) */
#define OUT_NOTE_MAX 512          /* incomplete_periods text (bytes) */
#define OUT_TIME_CHUNK 512        /* chunk of time, time_bnds, ndays (records) */
/*
 * Significant digits a float holds anyway (24-bit significand: relative
 * rounding error 2^-24 = 6e-8 < 0.5e-7): nsd = 7 asks for no quantisation.
 * It must not be passed on: netCDF-C 4.9.0 accepts BitGroom nsd = 7 for
 * NC_FLOAT (NC_QUANTIZE_MAX_FLOAT_NSD) but then corrupts the data
 * (Unidata/netcdf-c issue #3389; we measured relative errors of 1e10).
 */
#define OUT_NSD_FLOAT 7

/* ---- the process-wide netCDF lock ------------------------------------- */

/*
 * netCDF-C keeps global state (its open-file list, HDF5's library state), so
 * two threads must never be inside nc_* at once. This mutex is process-wide
 * by nature: it guards a process-wide library.
 */
static pthread_mutex_t nc_mutex = PTHREAD_MUTEX_INITIALIZER;

void io_out_nc_lock(void)
{
    (void)pthread_mutex_lock(&nc_mutex);
}

void io_out_nc_unlock(void)
{
    (void)pthread_mutex_unlock(&nc_mutex);
}

/* ---- aggregation periods ------------------------------------------------ */

static const char *const agg_names[] = {"day", "10day", "month", "year"};

const char *io_agg_name(io_agg a)
{
    if ((int)a < 0 || (int)a > (int)IO_AGG_YEAR) {
        return "unknown";
    }
    return agg_names[a];
}

int io_agg_parse(const char *name, io_agg *out)
{
    int i;
    if (!name) {
        return -1;
    }
    for (i = 0; i <= (int)IO_AGG_YEAR; i++) {
        if (strcmp(name, agg_names[i]) == 0) {
            *out = (io_agg)i;
            return 0;
        }
    }
    return -1;
}

/* The nominal period [*first, *last] (days, inclusive) that contains day d. */
static void period_of(io_agg a, zt_day d, zt_day *first, zt_day *last)
{
    int y, m, dd;
    zt_day_to_ymd(d, &y, &m, &dd);
    switch (a) {
    case IO_AGG_10DAY:
        if (dd <= 10) {
            *first = zt_day_from_ymd(y, m, 1);
            *last = zt_day_from_ymd(y, m, 10);
        } else if (dd <= 20) {
            *first = zt_day_from_ymd(y, m, 11);
            *last = zt_day_from_ymd(y, m, 20);
        } else {
            *first = zt_day_from_ymd(y, m, 21);
            *last = zt_day_from_ymd(y, m, zt_days_in_month(y, m));
        }
        break;
    case IO_AGG_MONTH:
        *first = zt_day_from_ymd(y, m, 1);
        *last = zt_day_from_ymd(y, m, zt_days_in_month(y, m));
        break;
    case IO_AGG_YEAR:
        *first = zt_day_from_ymd(y, 1, 1);
        *last = zt_day_from_ymd(y, 12, 31);
        break;
    case IO_AGG_DAY:
    default:
        *first = d;
        *last = d;
        break;
    }
}

/*
 * Units and cell_methods of a gridded variable as written: fluxes are period
 * sums in sum_units (units when sum_units is NULL).
 */
static void var_units(const io_var_spec *v, const char **units, const char **cell_methods)
{
    if (v->is_flux) {
        *units = v->sum_units ? v->sum_units : v->units;
        *cell_methods = "time: sum";
    } else {
        *units = v->units;
        *cell_methods = "time: mean";
    }
}

/* Wall-clock seconds (monotonic). */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/*
 * Check that "<final>.part" can be created, with the system's own reason when
 * not (HDF5 reports a missing folder as "Permission denied"), and early, so a
 * long run does not fail at its end.
 */
static zt_status probe_writable(const char *final, zt_err *err)
{
    FILE *f;
    zt_status st = io_text_open(final, &f, err);
    if (st == ZT_OK) {
        fclose(f);
        io_part_discard(final);
    }
    return st;
}

/* ==== gridded output ==================================================== */

enum { SLOT_FREE = 0, SLOT_PENDING, SLOT_WRITING };

/* One completed period, ready to write. */
typedef struct out_slot {
    float *data;     /* nvar * ncell values as written (units of the file) */
    double time;     /* midpoint (days since 1970-01-01) */
    double bnds[2];  /* [t0, t1] (days since 1970-01-01) */
    int ndays;       /* model days in the period (d) */
    size_t rec;      /* record (time index) */
    int state;       /* SLOT_* (guarded by mu when async) */
} out_slot;

struct io_gridout {
    char path[OUT_PATH_MAX]; /* final name */
    char part[OUT_PATH_MAX]; /* name while writing */
    zt_grid g;
    zt_idx ncell;
    const uint8_t *mask;     /* borrowed; NULL: every cell active */
    const io_var_spec *vars; /* borrowed */
    int nvar;
    io_gridout_opts o;

    int ncid;     /* -1 when closed */
    int *varid;   /* nvar */
    int vtime, vbnds, vndays;

    /* the period being accumulated */
    int started;       /* a day has been added */
    zt_day next;       /* the day expected next */
    zt_day nom_first;  /* nominal period of the current accumulation */
    zt_day nom_last;
    zt_day p_first;    /* first day added to it */
    int p_n;           /* days added to it (0: none) */
    zt_idx nacc;       /* values an accumulator holds: ncell, or o.ncells (o.cells) */
    double *acc;       /* nvar * nacc sums (units of the daily value x d) */
    double **accv;     /* nvar pointers into acc, one per variable */
    size_t nrec;       /* records emitted */
    char note[OUT_NOTE_MAX]; /* incomplete_periods text */

    /* writing */
    out_slot slot[2];
    int nslot;         /* 1 (sync) or 2 (async) */
    double seconds;    /* time in nc_put calls (s), guarded by mu */
    int failed;        /* a step failed: the file is bad */

    /* async */
    int thread_on;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv_work; /* a slot became pending, or stop */
    pthread_cond_t cv_free; /* a slot became free */
    int stop;               /* writer: exit when the queue is empty */
    int discard;            /* writer: drop pending slots unwritten */
    zt_err werr;            /* the writer thread's first error */
};

/* Write one slot (the caller holds no lock; takes the netCDF lock). */
static zt_status write_slot(io_gridout *w, const out_slot *s, zt_err *err)
{
    char what[256];
    char d0[11], d1[11];
    size_t start[3], count[3];
    double t0, t1;
    zt_status st = ZT_OK;
    int v;

    zt_day_format((zt_day)s->bnds[0], d0);
    zt_day_format((zt_day)s->bnds[1] - 1, d1);
    io_out_nc_lock();
    t0 = now_seconds();
    start[0] = s->rec;
    start[1] = 0;
    start[2] = 0;
    count[0] = 1;
    count[1] = 2;
    snprintf(what, sizeof what, "write time of the period %s to %s", d0, d1);
    st = io_nc_check(nc_put_vara_double(w->ncid, w->vtime, start, count, &s->time), ZT_EIO,
                     w->part, what, err);
    if (st == ZT_OK) {
        st = io_nc_check(nc_put_vara_double(w->ncid, w->vbnds, start, count, s->bnds), ZT_EIO,
                         w->part, what, err);
    }
    if (st == ZT_OK) {
        st = io_nc_check(nc_put_vara_int(w->ncid, w->vndays, start, count, &s->ndays), ZT_EIO,
                         w->part, what, err);
    }
    count[1] = (size_t)w->g.ny;
    count[2] = (size_t)w->g.nx;
    for (v = 0; v < w->nvar && st == ZT_OK; v++) {
        snprintf(what, sizeof what, "write variable %s for %s to %s", w->vars[v].name, d0, d1);
        st = io_nc_check(nc_put_vara_float(w->ncid, w->varid[v], start, count,
                                           s->data + (size_t)v * (size_t)w->ncell),
                         ZT_EIO, w->part, what, err);
    }
    t1 = now_seconds();
    io_out_nc_unlock();
    if (w->thread_on) {
        pthread_mutex_lock(&w->mu);
    }
    w->seconds += t1 - t0;
    if (w->thread_on) {
        pthread_mutex_unlock(&w->mu);
    }
    return st;
}

/* The writer thread: write pending slots in record order until stopped. */
static void *writer_main(void *arg)
{
    io_gridout *w = arg;
    /* HDF5 keeps its error-printing switch per thread, and netCDF turns it
       off only on the thread that initialised it: silence it here too, the
       errors come back through the nc_* return codes */
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    pthread_mutex_lock(&w->mu);
    for (;;) {
        out_slot *s = NULL;
        int i;
        for (i = 0; i < w->nslot; i++) {
            if (w->slot[i].state == SLOT_PENDING && (!s || w->slot[i].rec < s->rec)) {
                s = &w->slot[i];
            }
        }
        if (!s) {
            if (w->stop) {
                break;
            }
            pthread_cond_wait(&w->cv_work, &w->mu);
            continue;
        }
        if (w->werr.status == ZT_OK && !w->discard) {
            zt_err e;
            zt_status st;
            s->state = SLOT_WRITING;
            pthread_mutex_unlock(&w->mu);
            zt_err_clear(&e);
            st = write_slot(w, s, &e);
            pthread_mutex_lock(&w->mu);
            if (st != ZT_OK && w->werr.status == ZT_OK) {
                w->werr = e;
            }
        }
        s->state = SLOT_FREE;
        pthread_cond_broadcast(&w->cv_free);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* The writer thread's error, if any, into err (async only). */
static zt_status writer_error(io_gridout *w, zt_err *err)
{
    zt_status st = ZT_OK;
    if (!w->thread_on) {
        return ZT_OK;
    }
    pthread_mutex_lock(&w->mu);
    if (w->werr.status != ZT_OK) {
        st = zt_fail(err, w->werr.status, "%s", w->werr.msg);
    }
    pthread_mutex_unlock(&w->mu);
    return st;
}

/* Stop the writer thread after it has written (or, discard, dropped) the queue. */
static void writer_stop(io_gridout *w, int discard)
{
    if (!w->thread_on) {
        return;
    }
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    w->discard = discard;
    pthread_cond_broadcast(&w->cv_work);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->thread_on = 0;
    pthread_cond_destroy(&w->cv_work);
    pthread_cond_destroy(&w->cv_free);
    pthread_mutex_destroy(&w->mu);
}

/* Append one line to the incomplete_periods note. */
static void note_incomplete(io_gridout *w, zt_day first, zt_day last, zt_day nom_first,
                            zt_day nom_last)
{
    char a[11], b[11];
    size_t len = strlen(w->note);
    snprintf(w->note + len, sizeof w->note - len, "%s%s to %s (%d of %d days)",
             len ? "; " : "", zt_day_format(first, a), zt_day_format(last, b),
             (int)(last - first + 1), (int)(nom_last - nom_first + 1));
}

/*
 * Emit the period accumulated so far (p_n > 0): fill a free slot and write it
 * (sync) or queue it (async; waits while both slots are busy).
 */
static zt_status emit_period(io_gridout *w, zt_err *err)
{
    out_slot *s = NULL;
    zt_day last = w->p_first + w->p_n - 1;
    zt_idx k;
    int v, i;
    zt_status st = ZT_OK;

    if (w->p_first != w->nom_first || last != w->nom_last) {
        note_incomplete(w, w->p_first, last, w->nom_first, w->nom_last);
    }
    if (w->thread_on) {
        pthread_mutex_lock(&w->mu);
        for (;;) {
            if (w->werr.status != ZT_OK) {
                break;
            }
            for (i = 0; i < w->nslot; i++) {
                if (w->slot[i].state == SLOT_FREE) {
                    s = &w->slot[i];
                    break;
                }
            }
            if (s) {
                break;
            }
            pthread_cond_wait(&w->cv_free, &w->mu);
        }
        pthread_mutex_unlock(&w->mu);
        if (!s) {
            return writer_error(w, err);
        }
    } else {
        s = &w->slot[0];
    }

    /* the slot is free: only this thread touches it until it is queued */
    for (v = 0; v < w->nvar; v++) {
        const double *a = w->acc + (size_t)v * (size_t)w->nacc;
        float *out = s->data + (size_t)v * (size_t)w->ncell;
        double n = w->vars[v].is_flux ? 1.0 : (double)w->p_n; /* sum or mean */
        if (w->o.cells) {
            const zt_idx *cells = w->o.cells;
            for (k = 0; k < w->ncell; k++) {
                out[k] = OUT_FILL;
            }
            for (zt_idx j = 0; j < w->nacc; j++) {
                const zt_idx c = cells[j];
                out[c] = (w->mask && w->mask[c] == 0) ? OUT_FILL : (float)(a[j] / n);
            }
            continue;
        }
        for (k = 0; k < w->ncell; k++) {
            out[k] = (w->mask && w->mask[k] == 0) ? OUT_FILL : (float)(a[k] / n);
        }
    }
    s->bnds[0] = (double)w->p_first;
    s->bnds[1] = (double)(last + 1);
    s->time = 0.5 * (s->bnds[0] + s->bnds[1]);
    s->ndays = w->p_n;
    s->rec = w->nrec++;
    w->p_n = 0;

    if (w->thread_on) {
        pthread_mutex_lock(&w->mu);
        s->state = SLOT_PENDING;
        pthread_cond_broadcast(&w->cv_work);
        pthread_mutex_unlock(&w->mu);
    } else {
        st = write_slot(w, s, err);
    }
    return st;
}

/* Define the file's dimensions, variables and attributes (define mode). */
static zt_status define_grid_file(io_gridout *w, zt_err *err)
{
    char what[256];
    int dimt, dimy, dimx, dimnv, dims[3];
    size_t chunk[3], tchunk = OUT_TIME_CHUNK;
    float fill = OUT_FILL;
    zt_status st;
    int v, r;

    st = io_nc_check(nc_def_dim(w->ncid, "time", NC_UNLIMITED, &dimt), ZT_EIO, w->part,
                     "define dimension time", err);
    if (st != ZT_OK) {
        return st;
    }
    st = io_nc_def_grid(w->ncid, &w->g, w->part, &dimy, &dimx, err);
    if (st != ZT_OK) {
        return st;
    }
    st = io_nc_check(nc_inq_dimid(w->ncid, "nv", &dimnv), ZT_EIO, w->part,
                     "dimension nv (io_nc_def_grid defines it)", err);
    if (st == ZT_OK) {
        st = io_cftime_define(w->ncid, dimt, dimnv, OUT_TIME_CHUNK, NULL, w->part, &w->vtime, &w->vbnds,
                              err);
    }
    if (st == ZT_OK) {
        st = io_nc_check(nc_def_var(w->ncid, "ndays", NC_INT, 1, &dimt, &w->vndays), ZT_EIO,
                         w->part, "define variable ndays", err);
    }
    if (st == ZT_OK) {
        r = nc_def_var_chunking(w->ncid, w->vndays, NC_CHUNKED, &tchunk);
        if (r == NC_NOERR) {
            r = io_nc_put_text(w->ncid, w->vndays, "long_name", "number of model days in the period");
        }
        if (r == NC_NOERR) {
            r = io_nc_put_text(w->ncid, w->vndays, "units", "d");
        }
        st = io_nc_check(r, ZT_EIO, w->part, "define variable ndays", err);
    }

    dims[0] = dimt;
    dims[1] = dimy;
    dims[2] = dimx;
    chunk[0] = 1;
    chunk[1] = (size_t)w->g.ny;
    chunk[2] = (size_t)w->g.nx;
    for (v = 0; v < w->nvar && st == ZT_OK; v++) {
        const io_var_spec *s = &w->vars[v];
        const char *units, *cm;
        var_units(s, &units, &cm);
        snprintf(what, sizeof what, "define variable %s", s->name);
        r = nc_def_var(w->ncid, s->name, NC_FLOAT, 3, dims, &w->varid[v]);
        if (r == NC_NOERR) {
            r = nc_def_var_chunking(w->ncid, w->varid[v], NC_CHUNKED, chunk);
        }
        if (r == NC_NOERR) {
            /* no chunk cache: a record is compressed and written within its
             * nc_put call (on the writer thread), not piled up for nc_close */
            r = nc_set_var_chunk_cache(w->ncid, w->varid[v], 1, 1, 1.0f);
        }
        if (r == NC_NOERR && w->o.deflate > 0) {
            r = nc_def_var_deflate(w->ncid, w->varid[v], 1, 1, w->o.deflate);
        }
        if (r == NC_NOERR && w->o.nsd > 0 && w->o.nsd < OUT_NSD_FLOAT) {
            r = nc_def_var_quantize(w->ncid, w->varid[v], NC_QUANTIZE_BITGROOM, w->o.nsd);
        }
        if (r == NC_NOERR) {
            r = nc_def_var_fill(w->ncid, w->varid[v], NC_FILL, &fill);
        }
        if (r == NC_NOERR && s->long_name) {
            r = io_nc_put_text(w->ncid, w->varid[v], "long_name", s->long_name);
        }
        if (r == NC_NOERR && s->standard_name) {
            r = io_nc_put_text(w->ncid, w->varid[v], "standard_name", s->standard_name);
        }
        if (r == NC_NOERR && units) {
            r = io_nc_put_text(w->ncid, w->varid[v], "units", units);
        }
        if (r == NC_NOERR) {
            r = io_nc_put_text(w->ncid, w->varid[v], "grid_mapping", "crs");
        }
        if (r == NC_NOERR) {
            r = io_nc_put_text(w->ncid, w->varid[v], "cell_methods", cm);
        }
        st = io_nc_check(r, ZT_EIO, w->part, what, err);
    }
    if (st == ZT_OK) {
        st = io_nc_put_global(w->ncid, w->part, w->o.title, w->o.history, err);
    }
    if (st == ZT_OK) {
        r = io_nc_put_text(w->ncid, NC_GLOBAL, "aggregation", io_agg_name(w->o.agg));
        st = io_nc_check(r, ZT_EIO, w->part, "global attribute aggregation", err);
    }
    return st;
}

zt_status io_gridout_create(const char *path, const zt_grid *g, const uint8_t *mask,
                            const io_var_spec *vars, int nvar, const io_gridout_opts *o,
                            io_gridout **out, zt_err *err)
{
    io_gridout *w = NULL;
    zt_status st = ZT_OK;
    size_t nval;
    int i, ncret;

    *out = NULL;
    if (!path || !g || !vars || nvar < 1 || !o || g->nx < 1 || g->ny < 1) {
        return zt_fail(err, ZT_EINTERNAL, "io_gridout_create: bad arguments (path %s, %d variables)",
                       path ? path : "(null)", nvar);
    }
    if (strlen(path) + 6 > OUT_PATH_MAX) {
        return zt_fail(err, ZT_EIO, "%s: path too long", path);
    }
    if ((int)o->agg < 0 || (int)o->agg > (int)IO_AGG_YEAR || o->deflate < 0 || o->deflate > 9 ||
        o->nsd < 0 || o->nsd > NC_QUANTIZE_MAX_FLOAT_NSD) {
        return zt_fail(err, ZT_ECONFIG,
                       "%s: output options out of range: aggregation %d, deflate %d (0-9), "
                       "significant digits %d (0-%d)",
                       path, (int)o->agg, o->deflate, o->nsd, NC_QUANTIZE_MAX_FLOAT_NSD);
    }
    for (i = 0; i < nvar; i++) {
        if (!vars[i].name || !vars[i].name[0]) {
            return zt_fail(err, ZT_EINTERNAL, "%s: output variable %d has no name", path, i);
        }
    }

    w = zt_calloc(1, sizeof *w);
    if (!w) {
        st = zt_fail(err, ZT_ENOMEM, "%s: no memory for the output writer", path);
        goto done;
    }
    w->ncid = -1;
    snprintf(w->path, sizeof w->path, "%s", path);
    io_part_path(path, w->part, sizeof w->part);
    w->g = *g;
    w->ncell = zt_grid_ncell(g);
    w->mask = mask;
    w->vars = vars;
    w->nvar = nvar;
    w->o = *o;
    w->nslot = o->async ? 2 : 1;
    nval = (size_t)nvar * (size_t)w->ncell;
    w->nacc = o->cells ? o->ncells : w->ncell;
    w->varid = zt_calloc((size_t)nvar, sizeof *w->varid);
    w->acc = zt_calloc((size_t)nvar * (size_t)(w->nacc > 0 ? w->nacc : 1), sizeof *w->acc);
    w->accv = zt_calloc((size_t)nvar, sizeof *w->accv);
    if (w->acc && w->accv) {
        for (int v = 0; v < nvar; v++) {
            w->accv[v] = w->acc + (size_t)v * (size_t)w->nacc;
        }
    }
    if (!w->varid || !w->acc || !w->accv) {
        st = zt_fail(err, ZT_ENOMEM, "%s: no memory for %d variables of %lld cells", path, nvar,
                     (long long)w->ncell);
        goto done;
    }
    for (i = 0; i < w->nslot; i++) {
        w->slot[i].data = zt_malloc(nval * sizeof *w->slot[i].data);
        if (!w->slot[i].data) {
            st = zt_fail(err, ZT_ENOMEM, "%s: no memory for the output buffers", path);
            goto done;
        }
    }

    st = probe_writable(path, err);
    if (st != ZT_OK) {
        goto done;
    }
    io_out_nc_lock();
    ncret = nc_create(w->part, NC_NETCDF4 | NC_CLOBBER, &w->ncid);
    if (ncret != NC_NOERR) {
        w->ncid = -1;
    }
    st = io_nc_check(ncret, ZT_EIO, w->part, "create", err);
    if (st == ZT_OK) {
        st = define_grid_file(w, err);
    }
    if (st == ZT_OK) {
        st = io_nc_check(nc_enddef(w->ncid), ZT_EIO, w->part, "end of definitions", err);
    }
    if (st == ZT_OK) {
        st = io_nc_put_grid(w->ncid, &w->g, w->part, err);
    }
    io_out_nc_unlock();
    if (st != ZT_OK) {
        goto done;
    }

    if (o->async) {
        int r = pthread_mutex_init(&w->mu, NULL);
        if (r == 0) {
            r = pthread_cond_init(&w->cv_work, NULL);
            if (r != 0) {
                pthread_mutex_destroy(&w->mu);
            }
        }
        if (r == 0) {
            r = pthread_cond_init(&w->cv_free, NULL);
            if (r != 0) {
                pthread_cond_destroy(&w->cv_work);
                pthread_mutex_destroy(&w->mu);
            }
        }
        if (r == 0) {
            r = pthread_create(&w->thread, NULL, writer_main, w);
            if (r != 0) {
                pthread_cond_destroy(&w->cv_free);
                pthread_cond_destroy(&w->cv_work);
                pthread_mutex_destroy(&w->mu);
            }
        }
        if (r != 0) {
            st = zt_fail(err, ZT_ETHREAD, "%s: cannot start the writer thread: %s", path,
                         strerror(r));
            goto done;
        }
        w->thread_on = 1;
    }

done:
    if (st != ZT_OK && w) {
        w->failed = 1;
        (void)io_gridout_close(&w, 0, NULL);
    }
    *out = w;
    return st;
}

zt_status io_gridout_begin_day(io_gridout *w, zt_day day, double *const **acc, int *first,
                               zt_err *err)
{
    char a[11], b[11];
    zt_status st;

    if (w->failed) {
        st = writer_error(w, err);
        if (st == ZT_OK) {
            st = zt_fail(err, ZT_EINTERNAL, "%s: add_day after an earlier failure", w->path);
        }
        return st;
    }
    st = writer_error(w, err);
    if (st != ZT_OK) {
        w->failed = 1;
        return st;
    }
    if (w->started && day != w->next) {
        w->failed = 1;
        return zt_fail(err, ZT_EINTERNAL, "%s: days not consecutive: got %s, expected %s", w->path,
                       zt_day_format(day, a), zt_day_format(w->next, b));
    }
    if (w->p_n == 0) {
        period_of(w->o.agg, day, &w->nom_first, &w->nom_last);
        w->p_first = day;
    }
    *acc = w->accv;
    *first = w->p_n == 0;
    return ZT_OK;
}

zt_status io_gridout_end_day(io_gridout *w, zt_day day, zt_err *err)
{
    zt_status st = ZT_OK;

    w->p_n++;
    w->started = 1;
    w->next = day + 1;
    if (day == w->nom_last) {
        st = emit_period(w, err);
        if (st != ZT_OK) {
            w->failed = 1;
        }
    }
    return st;
}

zt_status io_gridout_add_day(io_gridout *w, zt_day day, const float *const *fields, zt_err *err)
{
    double *const *acc;
    zt_status st;
    zt_idx k;
    int v, first;

    st = io_gridout_begin_day(w, day, &acc, &first, err);
    if (st != ZT_OK) {
        return st;
    }
    /* Accumulate every cell, masked or not: the mask is applied when a period
       is written (masked cells become _FillValue there), so this loop has no
       branch and vectorises; element by element, so the result does not
       depend on the threads. */
    for (v = 0; v < w->nvar; v++) {
        const float *f = fields[v];
        double *a = acc[v];
        const zt_idx n = w->ncell;
        if (w->o.cells) {
            for (zt_idx j = 0; j < w->nacc; j++) {
                const double x = (double)f[w->o.cells[j]];
                a[j] = first ? x : a[j] + x;
            }
            continue;
        }
        if (first) {
#pragma omp parallel for schedule(static) default(none) shared(a, f) firstprivate(n)
            for (k = 0; k < n; k++) {
                a[k] = (double)f[k];
            }
        } else {
#pragma omp parallel for schedule(static) default(none) shared(a, f) firstprivate(n)
            for (k = 0; k < n; k++) {
                a[k] += (double)f[k];
            }
        }
    }
    return io_gridout_end_day(w, day, err);
}

zt_status io_gridout_close(io_gridout **wp, int ok, zt_err *err)
{
    io_gridout *w;
    zt_status st = ZT_OK;
    int i;

    if (!wp || !*wp) {
        return ZT_OK;
    }
    w = *wp;
    if (w->failed) {
        ok = 0;
    }
    /* let the writer finish the queue (or drop it), then report its error */
    writer_stop(w, !ok);
    if (ok && w->werr.status != ZT_OK) {
        st = zt_fail(err, w->werr.status, "%s", w->werr.msg);
        ok = 0;
    }
    if (ok && w->p_n > 0) {
        st = emit_period(w, err);
        if (st != ZT_OK) {
            ok = 0;
        }
    }
    if (w->ncid >= 0) {
        int r;
        io_out_nc_lock();
        if (ok && w->note[0]) {
            r = nc_redef(w->ncid);
            if (r == NC_NOERR) {
                r = io_nc_put_text(w->ncid, NC_GLOBAL, "incomplete_periods", w->note);
            }
            if (r == NC_NOERR) {
                r = nc_enddef(w->ncid);
            }
            st = io_nc_check(r, ZT_EIO, w->part, "global attribute incomplete_periods", err);
            if (st != ZT_OK) {
                ok = 0;
            }
        }
        r = nc_close(w->ncid);
        io_out_nc_unlock();
        w->ncid = -1;
        if (ok) {
            st = io_nc_check(r, ZT_EIO, w->part, "close", err);
            if (st != ZT_OK) {
                ok = 0;
            }
        }
        if (ok) {
            st = io_part_commit(w->path, err);
        }
        if (!ok) {
            io_part_discard(w->path);
        }
    }
    for (i = 0; i < 2; i++) {
        zt_free(w->slot[i].data);
    }
    zt_free(w->acc);
    zt_free(w->accv);
    zt_free(w->varid);
    zt_free(w);
    *wp = NULL;
    return st;
}

double io_gridout_seconds(const io_gridout *w)
{
    double s;
    io_gridout *mw = (io_gridout *)w; /* the mutex is not part of the value */
    if (!w) {
        return 0.0;
    }
    if (mw->thread_on) {
        pthread_mutex_lock(&mw->mu);
    }
    s = w->seconds;
    if (mw->thread_on) {
        pthread_mutex_unlock(&mw->mu);
    }
    return s;
}

/* ---- checkpoints ------------------------------------------------------- */

/* Wait until the writer thread has written every queued period. */
static void writer_wait_idle(io_gridout *w)
{
    if (!w->thread_on) {
        return;
    }
    pthread_mutex_lock(&w->mu);
    for (;;) {
        int busy = 0;
        for (int i = 0; i < w->nslot; i++) {
            busy |= w->slot[i].state != SLOT_FREE;
        }
        if (!busy || w->werr.status != ZT_OK) {
            break;
        }
        pthread_cond_wait(&w->cv_free, &w->mu);
    }
    pthread_mutex_unlock(&w->mu);
}

/* Open the .part file again for writing (holding the netCDF lock): the
 * ids, the records written and the incomplete_periods note. */
static zt_status reopen_locked(io_gridout *w, zt_err *err)
{
    int dimt;
    size_t len = 0;
    int r = nc_open(w->part, NC_WRITE, &w->ncid);
    if (r != NC_NOERR) {
        w->ncid = -1;
    }
    if (r == NC_NOERR) {
        r = nc_inq_varid(w->ncid, "time", &w->vtime);
    }
    if (r == NC_NOERR) {
        r = nc_inq_varid(w->ncid, "time_bnds", &w->vbnds);
    }
    if (r == NC_NOERR) {
        r = nc_inq_varid(w->ncid, "ndays", &w->vndays);
    }
    for (int v = 0; v < w->nvar && r == NC_NOERR; v++) {
        r = nc_inq_varid(w->ncid, w->vars[v].name, &w->varid[v]);
        if (r == NC_NOERR) {
            /* no chunk cache, as at create (the setting is not kept in the file) */
            r = nc_set_var_chunk_cache(w->ncid, w->varid[v], 1, 1, 1.0f);
        }
    }
    if (r == NC_NOERR) {
        r = nc_inq_dimid(w->ncid, "time", &dimt);
    }
    if (r == NC_NOERR) {
        r = nc_inq_dimlen(w->ncid, dimt, &w->nrec);
    }
    w->note[0] = '\0';
    if (r == NC_NOERR && nc_inq_attlen(w->ncid, NC_GLOBAL, "incomplete_periods", &len) == NC_NOERR &&
        len < sizeof w->note) {
        r = nc_get_att_text(w->ncid, NC_GLOBAL, "incomplete_periods", w->note);
        w->note[len] = '\0';
    }
    return io_nc_check(r, ZT_EIO, w->part, "open again for writing", err);
}

zt_status io_gridout_checkpoint(io_gridout *w, const char *dir, zt_err *err)
{
    zt_status st;
    if (w->failed || w->p_n != 0) {
        return zt_fail(err, ZT_EINTERNAL, "%s: a checkpoint %s", w->path,
                       w->failed ? "after a failure" : "within a period");
    }
    writer_wait_idle(w);
    st = writer_error(w, err);
    if (st != ZT_OK) {
        w->failed = 1;
        return st;
    }
    io_out_nc_lock();
    int r = NC_NOERR;
    if (w->note[0]) {
        /* the note so far, so that a continued run finds it */
        r = nc_redef(w->ncid);
        if (r == NC_NOERR) {
            r = io_nc_put_text(w->ncid, NC_GLOBAL, "incomplete_periods", w->note);
        }
        if (r == NC_NOERR) {
            r = nc_enddef(w->ncid);
        }
    }
    st = io_nc_check(r, ZT_EIO, w->part, "global attribute incomplete_periods", err);
    r = nc_close(w->ncid);
    w->ncid = -1;
    if (st == ZT_OK) {
        st = io_nc_check(r, ZT_EIO, w->part, "close", err);
    }
    if (st == ZT_OK) {
        st = io_ckpt_copy_in(w->part, dir, w->path, err);
    }
    if (st == ZT_OK) {
        st = reopen_locked(w, err);
    }
    io_out_nc_unlock();
    w->failed = st != ZT_OK;
    return st;
}

zt_status io_gridout_resume(io_gridout *w, const char *dir, zt_day day, zt_err *err)
{
    zt_status st;
    if (w->started || w->failed) {
        return zt_fail(err, ZT_EINTERNAL, "%s: resume after days were added", w->path);
    }
    io_out_nc_lock();
    (void)nc_close(w->ncid);
    w->ncid = -1;
    st = io_ckpt_copy_out(dir, w->path, w->part, err);
    if (st == ZT_OK) {
        st = reopen_locked(w, err);
    }
    io_out_nc_unlock();
    w->started = 1;
    w->next = day;
    w->failed = st != ZT_OK;
    return st;
}
