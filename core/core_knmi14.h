/*
 * core_knmi14.h: the pieces of KNMI's transformation of daily station
 * series to the KNMI'14 climate scenarios (issue 15; the specification is
 * docs/knmi14-transform-spec.md, after Bakker 2015, KNMI TR-349, as KNMI's
 * transformation program implements it). Pure functions of one station and
 * one calendar month's sample; the series, the delta files and the driver
 * that strings them together come later.
 *
 *   Makkink (mm/d) = 0.65 s/(s + gamma) Q / lambda        (KNMI's constants)
 *   temperature:  a day's value through the piecewise-linear map that moves
 *                 the month's P01, P05, P50, P95, P99 by the scenario's shifts
 *   radiation:    Y = min(a X, 0.75 Ra), a = 1 + delta (delta <= 0) or the
 *                 factor that raises the month's mean by delta
 *   precipitation amounts: T(x) = a x^b below the estimated P99 q_obs,
 *                 c x above it (c = q_fut / q_obs, a = q_fut / q_obs^b), b
 *                 such that the transformed wet-day mean is m_fut
 *
 * Units: degC, kJ m-2 d-1, mm. No I/O, no globals.
 */
#ifndef CORE_KNMI14_H
#define CORE_KNMI14_H

#include "zt.h"

/* The wet-day threshold (mm). */
#define CORE_K14_WET 0.1

/* Makkink reference evaporation (mm/d) from the daily mean temperature
 * (degC) and global radiation (kJ m-2 d-1), with KNMI's temperature-
 * dependent gamma and lambda. */
double core_k14_makkink(double tg, double q_kj);

/* The type-7 quantile (linear between order statistics, as R's default) of
 * n >= 1 values sorted ascending, at probability p in [0, 1]. */
double core_k14_quantile(const double *sorted, int n, double p);

/* A temperature through the month's map: xp[5] the month's P01, P05, P50,
 * P95, P99 (ascending), yp[5] = xp + the shifts. Linear between the points,
 * extrapolated from the outer segments; a segment of zero width keeps the
 * shift of its lower point. */
double core_k14_temperature(double x, const double xp[5], const double yp[5]);

/* Top-of-atmosphere (Angot) radiation (kJ m-2 d-1) at latitude lat (deg)
 * on day of year doy (1-366; FAO-56). */
double core_k14_angot(double lat_deg, int doy);

/* The radiation factor a of a month: n days x[] and their caps cap[]
 * (0.75 Ra), the change delta (fraction, e.g. -0.0969). delta <= 0: 1 +
 * delta; else the a in [0, 4] with mean(min(a x, cap)) = (1 + delta)
 * mean(x), by bisection to 1e-9 (4 when even that falls short). */
double core_k14_radiation_factor(const double *x, const double *cap, int n, double delta);

/* The power-law exponent b of the wet-day transform: n wet amounts x[]
 * (>= CORE_K14_WET), q_obs and q_fut the estimated P99 now and in the
 * scenario, m_fut the scenario's wet-day mean. The misfit
 *   F(b) = q_fut / m_fut - q_obs^b / mean(g_b(x)),  g_b(x) = x^b (x < q_obs),
 *          x q_obs^(b - 1) (x >= q_obs)
 * falls monotonically in b (every x / q_obs < 1 below q_obs), so when the
 * ends of [0.1, 3] bracket its root it is found by bisection to 1e-9 (KNMI
 * use Brent to 1e-4); else the grid 0.01 ... 3.00 point with the smallest
 * |F|. Then truncated to 3 decimals, as KNMI do. *bracketed says which (may
 * be NULL). */
double core_k14_exponent(const double *x, int n, double q_obs, double q_fut, double m_fut,
                         int *bracketed);

/* One wet-day amount through T (b from core_k14_exponent): a x^b below
 * q_obs, (q_fut / q_obs) x from q_obs on, never below CORE_K14_WET. */
double core_k14_wet_amount(double x, double b, double q_obs, double q_fut);

/*
 * The wet-day frequency, step 1 of the precipitation (spec §1). A series of
 * n days in date order: rr (mm, changed in place), month[] (1-12) and
 * ymd[] (YYYYMMDD, the tie-break) of each day; wdf[12] the change (%) of
 * the number of wet days (>= CORE_K14_WET) per calendar month, all years
 * of the series pooled. A month has either drying or wetting.
 *
 * core_k14_dry: for a month with wdf < 0, round(-wdf/100 n_wet) target
 * amounts spaced over the month's sorted wet amounts (the ((k - 1/2)
 * n_wet / n_dry)-th, rounded); all months' targets from the smallest up,
 * each dries the wet day of its month, next to a dry day, closest to it.
 * *changed gets the number of days dried.
 *
 * core_k14_wet: for a month with wdf > 0, dry days that follow a wet day
 * (the day before's amount after drying; the first day of the series
 * counts as following a wet day) become wet, the next one each time the
 * month's running count of wet days passes (s + 1/2) n_wet / n_add; they get
 * the spaced target amounts in the order of the day before's amount.
 * *changed gets the number of days wetted.
 *
 * ZT_ENOMEM; rounding is half to even (as KNMI's program in R).
 */
zt_status core_k14_dry(double *rr, const int *month, const int32_t *ymd, int n,
                       const double wdf[12], int *changed, zt_err *err);
zt_status core_k14_wet(double *rr, const int *month, int n, const double wdf[12], int *changed,
                       zt_err *err);

/* A month's precipitation deltas (%): wet-day frequency, mean amount, and
 * the 99th percentile of wet-day amounts (the p99 column chosen). */
typedef struct core_k14_rr_delta {
    double wdf, ave, p99;
} core_k14_rr_delta;

/* The national median P99 / P90 ratio of wet-day amounts per month, which
 * turns a month's P90 into its P99 estimate (KNMI's program, 240 stations). */
extern const double core_k14_p99_ratio[12];

/*
 * The precipitation of one station (spec §1-2): the climatology of the
 * series as given (per calendar month: the share of wet days, the mean
 * amount, P99 estimated as P90 x core_k14_p99_ratio), then the wet-day
 * frequency (core_k14_dry, core_k14_wet), then every wet day through
 * core_k14_wet_amount with the month's exponent, so that the wet-day mean
 * is the scenario's mean amount over its share of wet days. rr, month, ymd
 * as for core_k14_dry; b[12] (may be NULL) gets each month's exponent (NaN:
 * the month has no wet day). ZT_ENOMEM.
 */
zt_status core_k14_precip(double *rr, const int *month, const int32_t *ymd, int n,
                          const core_k14_rr_delta delta[12], double b[12], zt_err *err);

/* A temperature series of one station (spec §3): per calendar month the
 * type-7 P01, P05, P50, P95, P99 of the series (NaN days left out and left
 * alone), moved by shift[m][5] (degC: the delta file's columns for the
 * station's region), each day through core_k14_temperature. ZT_ENOMEM. */
zt_status core_k14_temperature_series(double *t, const int *month, int n, const double shift[12][5],
                                      zt_err *err);

/* A radiation series (kJ m-2 d-1) of one station at latitude lat (spec §4):
 * per month Y = min(a X, 0.75 Ra(day)) with a from
 * core_k14_radiation_factor and the month's change delta[12] (%); doy[]
 * the day of the year. ZT_ENOMEM. */
zt_status core_k14_radiation_series(double *q, const int *month, const int *doy, int n,
                                    double lat_deg, const double delta[12], zt_err *err);

#endif /* CORE_KNMI14_H */
