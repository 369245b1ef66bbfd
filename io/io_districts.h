/*
 * io_districts.h: the district table (DESIGN.md §3 "Network and districts"):
 * one [district.<id>] section per district (peilgebied), in the INI format
 * of io_ini.h, so the file is valid TOML too:
 *
 *   [district.21001]
 *   name = "Fryslân 001"            # a readable name, < 48 bytes of UTF-8
 *   province = 21                   # 20 Groningen, 21 Fryslân, 22 Drenthe
 *   summer_level = -1.10            # target level in summer (m NAP)
 *   winter_level = -1.25            # target level in winter (m NAP)
 *   open_water_fraction = 0.06      # ditch water surface / land area (-)
 *   pump_capacity_mm_d = 12.0       # pumping capacity (mm/d over the area)
 *   flushing_m3s = 0.0              # throughflow needed against salt in summer (m3/s)
 *   supplied = true                 # in a supply area (optional, default true)
 *   summer_tolerance_m = 0.05       # the summer level may sink this far below
 *                                   # target before inlet (m, 0-1; optional, 0)
 *
 * Every key but `supplied` and `summer_tolerance_m` is required; other keys and sections are errors. The id is the
 * district code of the domain's district field: 1 to 2147483647, written
 * without leading zeros. A table may `extends` another (io_ini.h) and
 * override a few keys, e.g. the levels of the peat districts in a scenario.
 * The science that uses these numbers: docs/model.md §7.
 */
#ifndef IO_DISTRICTS_H
#define IO_DISTRICTS_H

#include "core_district.h"
#include "grid_domain.h"
#include "zt.h"

/* The bounds a table is checked against (inclusive unless said). */
#define IO_DIST_LEVEL_MIN (-10.0)   /* m NAP: below any Dutch polder level [E] */
#define IO_DIST_LEVEL_MAX 100.0     /* m NAP: above any land in the north [E] */
#define IO_DIST_WINTER_ABOVE 2.0    /* m: winter level at most this above summer */
#define IO_DIST_PUMP_MAX 500.0      /* mm/d */
#define IO_DIST_FLUSH_MAX 100.0     /* m3/s */
#define IO_DIST_TOLERANCE_MAX 1.0   /* m: summer_tolerance_m */
/* open_water_fraction: 0 < f <= 1 */

/*
 * Read the district table `path` (with its extends chain). *out (an array
 * of *n districts sorted by id, n >= 1) is returned to the caller, who
 * frees it with zt_free. On failure *out = NULL, *n = 0.
 * Errors: ZT_ECONFIG "file:line: [district.21001] key: why" for a missing
 * key (the line of the section header), a bad or out-of-range value, an
 * unknown key or section, a section that appears twice, a winter level more
 * than IO_DIST_WINTER_ABOVE above summer, a name too long, empty, with
 * control characters or not UTF-8; "file: no [district.<id>] section";
 * io_ini_load's errors (cannot open: ZT_ECONFIG; ZT_EIO); ZT_ENOMEM.
 */
zt_status io_districts_load(const char *path, grid_district **out, int *n, zt_err *err);

/*
 * Write n districts to `path` (via "<path>.part" and a rename, io_file.h),
 * sorted by id, in the format above, each number with the shortest text
 * that reads back to the same double; the file loads back identically with
 * io_districts_load and is valid TOML. `comment` (may be NULL; borrowed) is
 * written at the top as '#' lines (split at newlines, long lines wrapped,
 * control characters and invalid UTF-8 replaced by '?').
 * Errors: ZT_EINPUT "path: district 21001: why" when a district would not
 * load back (n < 1, id <= 0, a duplicate id, a value out of the ranges
 * above, a bad name); ZT_EIO naming the file; ZT_ENOMEM.
 */
zt_status io_districts_write(const char *path, const grid_district *d, int n,
                             const char *comment, zt_err *err);

/* Index of district `id` in d (n districts sorted by id, as loaded), or -1. */
int io_districts_find(const grid_district *d, int n, int32_t id);

/*
 * The core parameters of a district whose cells cover area_m2 (m2, > 0):
 * aow = open_water_fraction x area (m2), pump_cap = pump_mm_d / 1000 x area
 * (m3/d); base_share all zero (the caller may set it, core_district.h).
 */
void io_district_params(const grid_district *d, double area_m2, core_district_params *out);

/*
 * The target level (m NAP) of a district in month 1-12: summer_level from
 * April to September, winter_level from October to March [E] (the usual
 * season of Dutch peilbesluiten; a board's own dates may differ by two
 * weeks). Flushing (flushing_m3s) is meant for the same summer months.
 */
double io_district_target(const grid_district *d, int month);

/* 1 when month (1-12) is in the summer season of io_district_target. */
int io_district_is_summer(int month);

#endif /* IO_DISTRICTS_H */
