/*
 * io_forcing.h: meteorological forcing, precipitation P and Makkink
 * reference evaporation ET0 (mm/d), from
 *   - a gridded CF NetCDF file: variables P(time, y, x) and ET0(time, y, x)
 *     on the model grid, time "days since ...", one value a day; or
 *   - a station file (CF discrete sampling geometry, featureType =
 *     "timeSeries"): P(station, time), ET0(station, time), station_id,
 *     station_name, x, y (RD New, m); each cell takes its nearest station
 *     (ties: the lower station index).
 * `zoet forcing knmi` writes station files from KNMI etmgeg files.
 * Formats, time convention and checks: docs/forcing.md.
 */
#ifndef IO_FORCING_H
#define IO_FORCING_H

#include <stdio.h>

#include "zt.h"

typedef struct io_forcing io_forcing; /* opaque */

/*
 * Accepted ranges of the forcing (mm d-1), checked when a file is read
 * (docs/inputs.md gives the reasons): generous, but a value outside is an
 * error in the file, not weather. NaN, fill and +-Inf are refused too.
 */
#define IO_P_MAX 500.0         /* P in [0, 500]: 2.4 x the Dutch record of 208 mm */
#define IO_ET0_MAX 20.0        /* ET0 in [0, 20]: above the radiation limit (~17) */
#define IO_RECHARGE_MIN (-25.0) /* recharge in [-25, 500]: -1.25 x ET0 max ... */
#define IO_RECHARGE_MAX 500.0  /* ... to P max */

/*
 * Open a forcing file for a run on grid *g (mask: enum zt_mask per cell,
 * borrowed, must outlive the handle; NULL = all active) from day `first` to
 * `last` inclusive.
 * Validates on open: the variables, their units (mm d-1 or mm), RD New and
 * the grid (gridded files), station coordinates, and that every day of the
 * run is in the file (else ZT_EINPUT naming the file and the first missing
 * date), and that the time units are UTC (an offset such as +01:00 is
 * ZT_EINPUT). Any numeric type is read, packed or not (io_nc_read_unpacked).
 * Station files are read whole for the run period and checked at once (no
 * NaN or fill, P in [0, IO_P_MAX], ET0 in [0, IO_ET0_MAX], naming station and
 * date); gridded files are checked day by day in read_day. A path that is
 * not a regular file (FIFO, folder, device) is ZT_EINPUT (io_input.h).
 * *out is returned to the caller (io_forcing_destroy); NULL on failure.
 * Statuses: ZT_EINPUT (the file), ZT_ENOMEM.
 */
zt_status io_forcing_open(const char *path, const zt_grid *g, const uint8_t *mask, zt_day first,
                          zt_day last, io_forcing **out, zt_err *err);

/*
 * The forcing of one day for every cell (mm/d) into p and et0 (ncell floats
 * each; inactive cells get 0; station files: every other cell its nearest
 * station's value). ZT_EINPUT naming file, variable, date and cell for NaN,
 * fill, negative values or values outside the accepted range above (+-Inf
 * included) in an active cell (in a fixed-head cell they become 0), or for a
 * day outside the opened period.
 */
zt_status io_forcing_read_day(io_forcing *f, zt_day day, float *p, float *et0, zt_err *err);

/*
 * Open a gridded recharge file for a groundwater-only run: recharge(time, y,
 * x) in mm d-1 (net flux into the groundwater; values in [IO_RECHARGE_MIN,
 * IO_RECHARGE_MAX] are valid, NaN, fill or others in an active cell are not). io_forcing_read_day then fills p
 * with the recharge and leaves et0 alone (it may be NULL).
 */
zt_status io_forcing_open_recharge(const char *path, const zt_grid *g, const uint8_t *mask,
                                   zt_day first, zt_day last, io_forcing **out, zt_err *err);

/*
 * Check, without a grid, that the forcing file `path` has a time step for
 * every day of [first, last]: the time axis of its variable `var` ("P", or
 * "recharge" for a recharge file; (station, time) or (time, y, x)). For a
 * run's inputs checked before the run (zoet ensemble). ZT_EINPUT naming the
 * file and the first missing day with the days the file covers ("F: no
 * forcing for 1990-12-31 (file covers 1991-01-01 to 2020-12-31)"), or what
 * is wrong with the file; ZT_ENOMEM.
 */
zt_status io_forcing_check_period(const char *path, const char *var, zt_day first, zt_day last,
                                  zt_err *err);

/* One line saying what was opened ("stations 251 270 ... nearest" / "gridded"). */
const char *io_forcing_describe(const io_forcing *f);

/* Free; accepts NULL and *f == NULL; sets *f = NULL. */
void io_forcing_destroy(io_forcing **f);

/*
 * A daily series: the 1-D variable `var` of NetCDF file `path` over a time
 * dimension with its coordinate variable (CF time units, standard
 * calendar, one step a day), for every day of [first, last] into out
 * (last - first + 1 values). Values must be finite and >= 0; when the
 * variable has units they must be `units` (e.g. "m3 s-1"). ZT_EINPUT naming
 * the file and variable (missing, not 1-D, a day missing, a bad value);
 * ZT_ENOMEM.
 */
zt_status io_forcing_read_series(const char *path, const char *var, const char *units,
                                 zt_day first, zt_day last, double *out, zt_err *err);

/*
 * Write a gridded forcing file (the format io_forcing_open reads) on grid *g
 * for ndays days from `first`: p and et0 (mm/d, borrowed) hold ndays x ncell
 * floats, day-major, each day row 0 southernmost as in zt_grid; NaN is
 * written as _FillValue. Written as .part and renamed when complete; ZT_EIO
 * naming the file. For tests, the demo and users' conversions.
 */
zt_status io_forcing_write_grid(const char *path, const zt_grid *g, zt_day first, zt_idx ndays,
                                const float *p, const float *et0, zt_err *err);

/* ---- KNMI daily station files -------------------------------------------- */

/* Options of the KNMI import. */
typedef struct io_knmi_opts {
    const char *stations; /* CSV "STN,name,lat,lon" for files without a KNMI
                             header (NULL: only header positions) */
    int fill_nearest;     /* 1: fill a missing day from the nearest station
                             that has it, and report every fill */
    zt_day first, last;   /* period to write (inclusive); the pair
                             IO_KNMI_COMMON_FIRST, IO_KNMI_COMMON_LAST: the
                             period all files have in common; any other
                             first > last is refused (ZT_EUSAGE) */
} io_knmi_opts;

/* io_knmi_opts.first and .last asking for the common period (the pair that
 * `zoet forcing knmi` passes without --from/--to; as dates, 1970-01-02 to
 * 1970-01-01, an empty period nobody means). */
#define IO_KNMI_COMMON_FIRST 1
#define IO_KNMI_COMMON_LAST 0

/*
 * Import KNMI daily station files (etmgeg_NNN.txt as KNMI publishes it, with
 * its header, or a CSV with the header line STN,YYYYMMDD,...,RH,...,EV24)
 * into a station forcing file at out_path (written as .part, renamed when
 * complete). RH and EV24 are in 0.1 mm; RH = -1 (trace) is 0. A missing day
 * (no row, or an empty RH/EV24) is ZT_EINPUT naming the file, station and
 * date, unless o->fill_nearest, in which case each fill is reported on
 * `report` (may be NULL). A malformed row is ZT_EINPUT naming file and line.
 * A period with o->first after o->last (other than the common-period pair)
 * is ZT_EUSAGE "OUT: --from D1 is after --to D2", before any file is read.
 * Stations without a position (file header or o->stations) are ZT_EINPUT;
 * ZT_EGDAL when PROJ cannot project; ZT_EIO (via io_nc_check) when the
 * output cannot be written; ZT_ENOMEM.
 */
zt_status io_knmi_import(const char *const *files, int nfiles, const io_knmi_opts *o,
                         const char *out_path, FILE *report, zt_err *err);

#endif /* IO_FORCING_H */
