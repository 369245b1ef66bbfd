/*
 * io_knmi14.h: KNMI's KNMI'14 change factors (the delta files of KNMI's
 * transformation program, data/knmi14/README.md) for one scenario, horizon
 * and region (issue 15; docs/knmi14-transform-spec.md).
 *
 * Files in dir: deltas-KNMI14__<var>_<SC>__<H>.txt, var rr, tg, tn, tx, rsds
 * (padded with '_' to 4 characters), SC GL, GH, WL, WH ("__" for 2030), H
 * 2030, 2050, 2085; whitespace separated with a header line; the columns are
 * found by name; months 1-12 or JAN-DEC.
 */
#ifndef IO_KNMI14_H
#define IO_KNMI14_H

#include "core_knmi14.h"
#include "zt.h"

typedef struct io_k14_deltas {
    core_k14_rr_delta rr[12]; /* wdf, ave and the chosen p99 column (%) */
    double tg[12][5];         /* degC at P01, P05, P50, P95, P99, for the region */
    double tn[12][5], tx[12][5];
    double rsds[12];          /* % */
} io_k14_deltas;

/*
 * Read the deltas of scenario sc ("GL", "GH", "WL", "WH"; NULL or "" with
 * horizon "2030") and horizon ("2030", "2050", "2085") from dir, the
 * temperatures of `region` ("NON", ...), the 99th percentile of wet-day
 * amounts from column p99.<p99> ("lower", "centr", "upper"). ZT_EINPUT
 * naming the file (and line and column) for a missing file, column, month
 * or region, a value that is not a number, or an unknown scenario, horizon
 * or p99 column.
 */
zt_status io_k14_read(const char *dir, const char *sc, const char *horizon, const char *region,
                      const char *p99, io_k14_deltas *out, zt_err *err);

/* The KNMI'14 region of station stn from `stationstabel` in dir (lines
 * "<station> <region>") into region[8]. A station the table does not list:
 * *listed = 0 and ZT_OK when listed is not NULL, else ZT_EINPUT naming the
 * file (give the region yourself). ZT_EINPUT for a bad line. */
zt_status io_k14_region(const char *dir, int stn, char region[8], int *listed, zt_err *err);

/*
 * One row of a table of monthly changes (%): a CSV with '#' comment lines
 * and the header `<key columns>,m01,...,m12` (data/knmi14/makkink-monthly-
 * change.csv: scenario,horizon; data/knmi23/approximation.csv: scenario,
 * horizon,variable). The row whose first nkeys fields equal keys[] gives
 * pct[12]. ZT_EINPUT naming the file (and line and column) for a missing
 * file or column, no such row (naming the keys), a value that is not a
 * number or outside -100..1000 %.
 */
zt_status io_monthly_change(const char *path, const char *const *keys, int nkeys, double pct[12],
                            zt_err *err);

#endif /* IO_KNMI14_H */
