/*
 * io_cftime.h: the CF time axis of zoet's output files (CF-1.8 §4.4, §7.1):
 * time in "days since 1970-01-01 00:00:00", calendar "standard", with
 * bounds time_bnds(time, nv). One writer for the gridded output, the time
 * series and the state files.
 */
#ifndef IO_CFTIME_H
#define IO_CFTIME_H

#include <stddef.h>

#include "zt.h"

#define IO_CFTIME_UNITS "days since 1970-01-01 00:00:00"

/*
 * Define time(time) and time_bnds(time, nv) in the open file ncid (in define
 * mode; the dimensions time and nv exist) with their attributes (long_name:
 * what a time value marks, NULL: "time"); chunk > 0 chunks both along time
 * by that many records. *vtime, *vbnds get the ids. ZT_EIO naming file and
 * what failed.
 */
zt_status io_cftime_define(int ncid, int dimt, int dimnv, size_t chunk, const char *long_name,
                           const char *file, int *vtime, int *vbnds, zt_err *err);

/*
 * Parse CF time units "<unit> since YYYY-MM-DD[( |T)hh:mm[:ss]][ ][zone]"
 * (unit: days, hours, minutes or seconds) into the length of the unit in
 * days and the reference instant (days since 1970-01-01 UTC, with a
 * fraction). The zone must be UTC: none, "Z", "UTC", "GMT" or a zero offset
 * ("+00:00"). A time-zone offset is refused rather than honoured: a daily
 * value stamped at local midnight would, honoured, move to the previous UT
 * day (the KNMI day is the UT day). Returns 0; -1 when not understood; -2
 * for a non-zero offset (*zone_min gets it, minutes). The one parser of
 * time units for every reader (forcing, series, maps).
 */
int io_cftime_parse_units(const char *units, double *unit_days, double *ref, int *zone_min);

/*
 * Write records rec .. rec + n - 1 of time and time_bnds for the days
 * first .. first + n - 1 (time = d + 0.5, bounds [d, d + 1]). buf: room for
 * 2 n doubles (scratch). ZT_EIO naming file.
 */
zt_status io_cftime_put_days(int ncid, int vtime, int vbnds, size_t rec, zt_day first, size_t n,
                             double *buf, const char *file, zt_err *err);

#endif /* IO_CFTIME_H */
