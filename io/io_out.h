/*
 * io_out.h: model output.
 *
 * Gridded output: one CF-1.8 NetCDF-4 file with the chosen variables as
 * float(time, y, x), daily or aggregated over 10 days (dekads: days 1-10,
 * 11-20, 21-end of each month), months or years; fluxes are summed over the
 * period (cell_methods "time: sum", units mm), states averaged ("time: mean");
 * time is the period's midpoint with time_bnds; chunks (1, ny, nx), shuffle +
 * deflate, optional quantisation (nc_def_var_quantize, BitGroom, a stated
 * number of significant digits). Writing runs on its own thread so the model
 * computes the next day meanwhile; results do not depend on that.
 *
 * Time series: per feature (district, region) and day, as NetCDF (CF
 * featureType timeSeries) and CSV.
 *
 * Every file is written as .part and renamed on success (io_file.h).
 */
#ifndef IO_OUT_H
#define IO_OUT_H

#include "zt.h"

typedef enum io_agg { IO_AGG_DAY = 0, IO_AGG_10DAY, IO_AGG_MONTH, IO_AGG_YEAR } io_agg;

/* "day", "10day", "month", "year" <-> io_agg; parse returns 0, or -1 if unknown. */
const char *io_agg_name(io_agg a);
int io_agg_parse(const char *name, io_agg *out);

/* One output variable. All strings borrowed; they must outlive the writer. */
typedef struct io_var_spec {
    const char *name;          /* NetCDF / CSV name */
    const char *long_name;     /* CF long_name */
    const char *units;         /* units of the daily value ("mm d-1", "mm", "m") */
    const char *sum_units;     /* units of a period sum ("mm"): units x 1 d, so a
                                  rate must be per day; NULL for states */
    const char *standard_name; /* CF standard name or NULL */
    int is_flux;               /* 1: summed over a period; 0: averaged */
} io_var_spec;

typedef struct io_gridout_opts {
    io_agg agg;        /* aggregation period */
    int deflate;       /* deflate level 0-9 */
    int nsd;           /* quantisation: significant digits, 0 = none */
    int async;         /* 1: write on a thread of its own */
    const char *title; /* global title (borrowed, may be NULL) */
    const char *history; /* global history (borrowed, may be NULL) */
    const zt_idx *cells; /* NULL: an accumulator holds every cell of the grid; else it
                          * holds ncells values, value j that of grid cell cells[j]
                          * (borrowed, must outlive the writer; distinct cells; cells
                          * not listed are written as _FillValue) */
    zt_idx ncells;
} io_gridout_opts;

typedef struct io_gridout io_gridout; /* opaque */

/*
 * Create a gridded output file `path` (written as path.part). mask (borrowed,
 * must outlive the writer; NULL: every cell active): cells with mask 0 are
 * written as _FillValue (-9999.f). vars (borrowed) are nvar >= 1 variables.
 * *out is returned to the caller (NULL on failure, and no file is left).
 * Statuses: ZT_EIO naming the file and the system's or nc_strerror's reason
 * (folder missing or not writable), ZT_ECONFIG for options out of range
 * (deflate 0-9, nsd 0-7), ZT_ENOMEM, ZT_ETHREAD (writer thread), ZT_EINTERNAL
 * for bad arguments.
 *
 * Besides the variables the file holds time, time_bnds, ndays(time) (model
 * days in each period) and, when the first or last period is cut by the run,
 * the global attribute incomplete_periods. See docs/io-output.md.
 */
zt_status io_gridout_create(const char *path, const zt_grid *g, const uint8_t *mask,
                            const io_var_spec *vars, int nvar, const io_gridout_opts *o,
                            io_gridout **out, zt_err *err);

/*
 * Add one day: fields[v] is the day's value of variable v for every cell
 * (ncell floats in the variable's daily units, borrowed for the call only;
 * values at mask 0 cells are ignored). Days must be consecutive, else
 * ZT_EINTERNAL naming both dates. A period is written (sync) or queued
 * (async; blocks while two periods wait) when its last day is added; an
 * error of the writer thread is returned here (ZT_EIO naming the file,
 * variable and period). After a failure the writer only accepts close.
 */
zt_status io_gridout_add_day(io_gridout *w, zt_day day, const float *const *fields, zt_err *err);

/*
 * The same in two steps, for a caller that accumulates in its own (parallel)
 * loop and so saves a pass over memory: io_gridout_begin_day checks the day
 * like add_day and returns the period accumulators acc[v] (ncell doubles
 * each, borrowed until end_day; with opts.cells, ncells doubles each, index
 * j for grid cell cells[j]) and *first = 1 on the first day of a period,
 * when the caller must SET acc[v][k] = value, else ADD value to it, for every
 * cell with mask != 0 (other cells may be left alone). io_gridout_end_day
 * then counts the day and writes or queues the period when it is complete.
 */
zt_status io_gridout_begin_day(io_gridout *w, zt_day day, double *const **acc, int *first,
                               zt_err *err);
zt_status io_gridout_end_day(io_gridout *w, zt_day day, zt_err *err);

/*
 * Finish: when ok, write an incomplete last period (with its true bounds),
 * close and rename to the final name; when !ok (or anything failed before)
 * remove the .part file and return ZT_OK. Frees *w and sets it to NULL;
 * accepts NULL. Statuses (ok only): ZT_EIO naming the file (a writer
 * thread's error, nc_close, rename).
 */
zt_status io_gridout_close(io_gridout **w, int ok, zt_err *err);

/*
 * Checkpoint at the end of a period (no day of the next one added yet):
 * the queued periods are written and the file copied as it stands into the
 * folder dir; the writer goes on. io_gridout_resume(w, dir, day), right
 * after create, replaces the new file by the copy in dir and goes on at
 * `day`, the first day of a period. Both runs end with the same bytes.
 * ZT_EIO naming the file; ZT_EINTERNAL within a period.
 */
zt_status io_gridout_checkpoint(io_gridout *w, const char *dir, zt_err *err);
zt_status io_gridout_resume(io_gridout *w, const char *dir, zt_day day, zt_err *err);

/* Seconds spent writing (on whichever thread), for the performance log. */
double io_gridout_seconds(const io_gridout *w);

/*
 * netCDF-C (4.9) and the HDF5 under it are not thread-safe, not even for
 * different files. Every nc_* call in io_out.c runs under one process-wide
 * lock; while an async writer exists, other code that calls nc_* on another
 * thread (the driver reading forcing) must hold it too, and must not hold it
 * across a call to an io_gridout_ or io_tsout_ function (deadlock).
 */
void io_out_nc_lock(void);
void io_out_nc_unlock(void);

typedef struct io_tsout io_tsout; /* opaque */

/*
 * Create a time-series writer for nfeat features (ids and names borrowed, must
 * outlive the writer) and nvar variables over at most ndays days from
 * `first`. Values are streamed to nc_path (CF timeSeries, dims (feature,
 * time), time unlimited, written a block of days at a time) and csv_path
 * (long format: date,<feature>,var1,var2,..., a day's rows at a time), both
 * under .part names until close; either path may be NULL; the memory held
 * does not depend on ndays. `feature` names the feature kind ("district").
 * names may be NULL (the ids are then the names). The .part files are
 * created here, so an unwritable path fails early: ZT_EIO naming the file;
 * ZT_ENOMEM; ZT_EINTERNAL for bad arguments. *out is returned to the caller.
 */
zt_status io_tsout_create(const char *nc_path, const char *csv_path, const char *feature,
                          const int32_t *ids, const char *const *names, int nfeat,
                          const io_var_spec *vars, int nvar, zt_day first, int ndays,
                          io_tsout **out, zt_err *err);

/* Key columns of a long CSV (tidy data: one column per key). */
#define IO_TS_MAX_KEYS 8
typedef struct io_ts_keys {
    int n;                     /* key columns, 0 .. IO_TS_MAX_KEYS (0: none) */
    const char *const *names;  /* [n] their names */
    const char *const *values; /* [nfeat * n]: feature f's value of key k at [f * n + k]
                                  (NULL: empty) */
} io_ts_keys;

/*
 * As io_tsout_create, but the CSV names each feature by its key columns
 * (date,<key 1>,...,<key n>,var1,...) instead of one name column; keys may
 * be NULL or have n = 0 (then exactly io_tsout_create). The NetCDF file is
 * the same either way. keys and its arrays are borrowed and must outlive
 * the writer. ZT_EINTERNAL for n > IO_TS_MAX_KEYS or missing arrays.
 */
zt_status io_tsout_create_keyed(const char *nc_path, const char *csv_path, const char *feature,
                                const int32_t *ids, const char *const *names, int nfeat,
                                const io_ts_keys *keys, const io_var_spec *vars, int nvar,
                                zt_day first, int ndays, io_tsout **out, zt_err *err);

/*
 * Set the values of day `day` (days must come in order from `first`, at most
 * ndays of them, else ZT_EINTERNAL): values[v * nfeat + f] (borrowed for the
 * call), the day's value in the variable's `units`. In the files a flux whose
 * units equal its sum_units is a daily amount ("time: sum"), any other value
 * a daily mean ("time: mean").
 */
zt_status io_tsout_add_day(io_tsout *t, zt_day day, const double *values, zt_err *err);

/*
 * Checkpoint: write what is held, and copy both files as they stand into
 * the folder dir (under their final names); the writer goes on. A run that
 * continues from the checkpoint calls io_tsout_resume(t, dir, day) right
 * after create: the copies replace the new files and writing continues at
 * `day` (the first day not in them). Both end with the same bytes as a run
 * that made the checkpoint and went on. ZT_EIO naming the file (ZT_EINPUT
 * when the copies do not hold the days before `day`).
 */
zt_status io_tsout_checkpoint(io_tsout *t, const char *dir, zt_err *err);
zt_status io_tsout_resume(io_tsout *t, const char *dir, zt_day day, zt_err *err);

/*
 * Write (when ok) the days set so far, and free, as io_gridout_close. ZT_EIO
 * naming the file; when one of the two files fails neither is left.
 */
zt_status io_tsout_close(io_tsout **t, int ok, zt_err *err);

#endif /* IO_OUT_H */
