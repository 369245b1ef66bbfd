/*
 * io_calib.h: the calibration file of `zoet calibrate` (issue 13;
 * docs/calibration.md), in the INI format of io_ini.h:
 *
 *   [calibrate]
 *   scenario = "../scenarios/demo.ini"   # the scenario calibrated (relative to this file)
 *   algorithm = "bobyqa"                 # bobyqa | sbplx (NLopt, derivative-free)
 *   max_evaluations = 60                 # budget: model runs, 1-100000
 *   max_seconds = 3600                   # budget: wall time (s), > 0
 *   xtol_rel = 1e-4                      # stop when the parameters move less (-)
 *   out = "out/calibrate"                # folder of the results (relative to this file)
 *
 *   [parameter.infiltration]             # one section per parameter
 *   scenario = "groundwater.spill_resistance_d"   # a scenario key, or
 *   parameters = "soil.peat.specific_yield"  # a key of the parameter table, or
 *   districts = "summer_tolerance_m"     # a key of every district of the table
 *   multiply = false                     # districts: x multiplies each district's value
 *   start = 1.5
 *   min = 1.0                            # bounds: the documented physical range
 *   max = 5.0
 *
 *   [target.fryslan_inlet]               # one section per target
 *   file = "supply_nodes.csv"            # a CSV output of the run
 *   column = "flow"                      # its value column
 *   where = "node=friese_boezem"         # keep rows whose column has the value (optional)
 *   from = 2018-04-01                    # the period (optional: the whole run)
 *   to = 2018-09-30
 *   years = [2014, 2015, 2021]           # keep only these calendar years (optional)
 *   reduce = "sum"                       # sum | mean | max | sum_per_year (the sum
 *                                        # over the rows kept / the years they span)
 *   scale = 0.0864                       # on the result (m3/s a day -> Mm3), default 1
 *   observed = 300.0                     # the reported value, after scale
 *   tolerance = 0.25                     # relative (0.25: +-25 %), > 0
 *   weight = 1.0                         # >= 0, default 1
 *
 * Errors are ZT_ECONFIG "file:line: [section] key: why".
 */
#ifndef IO_CALIB_H
#define IO_CALIB_H

#include "zt.h"

enum { IO_CAL_SCENARIO, IO_CAL_PARAMS, IO_CAL_DISTRICTS };
enum { IO_CAL_SUM, IO_CAL_MEAN, IO_CAL_MAX, IO_CAL_SUM_PER_YEAR };
#define IO_CAL_MAXYEARS 200
enum { IO_CAL_BOBYQA, IO_CAL_SBPLX };

typedef struct io_cal_param {
    char name[48];
    int where;          /* IO_CAL_* */
    char section[64];   /* scenario, parameters: the section (may hold dots) */
    char key[64];       /* the key */
    int multiply;       /* districts: x multiplies each district's value */
    double start, lo, hi;
} io_cal_param;

typedef struct io_cal_target {
    char name[48];
    char file[64];      /* a file name in the run's output folder */
    char column[64];
    char where_col[64]; /* "" : every row */
    char where_val[64];
    zt_day from, to;    /* from > to: the whole run */
    int nyears;         /* 0: every year */
    int years[IO_CAL_MAXYEARS];
    int reduce;         /* IO_CAL_SUM ... */
    double scale, observed, tolerance, weight;
} io_cal_target;

typedef struct io_calib {
    char *file;         /* the calibration file */
    char *scenario;     /* resolved path */
    char *out;          /* resolved path */
    int algorithm;
    long max_eval;
    double max_seconds, xtol_rel;
    int npar, ntgt;
    io_cal_param *par;
    io_cal_target *tgt;
} io_calib;

/* Read and check a calibration file into *c (zeroed on failure). */
zt_status io_calib_load(const char *path, io_calib *c, zt_err *err);
void io_calib_free(io_calib *c);

/* The district keys a [parameter] may set (NULL-terminated). */
extern const char *const io_calib_district_keys[];

/*
 * A target's model value from the run in folder dir: the rows of
 * dir/file whose date lies in [from, to] and whose where column matches,
 * reduced and scaled. ZT_EINPUT naming the file and line for a missing
 * column or a bad number, and for no row kept.
 */
zt_status io_calib_target_value(const char *dir, const io_cal_target *t, double *value,
                                zt_err *err);

#endif /* IO_CALIB_H */
