/*
 * calibrate.h: `zoet calibrate CALIB.ini` (issue 13; docs/calibration.md).
 *
 * NLopt's derivative-free BOBYQA or Sbplx minimises
 *   J(x) = sum_t w_t ((m_t(x) - o_t) / (tol_t |o_t|))^2
 * over the parameters x within their bounds (scaled to [0, 1] for the
 * optimiser), each m_t from a model run in this process. Every evaluation
 * writes the derived scenario (and parameter or district table) into
 * OUT/eval-input/ and runs it into OUT/eval/. Results in OUT:
 *   evaluations.csv  one row per run: the parameters, each target's model
 *                    value, the objective, the run's wall time
 *   calibrated.ini   a scenario that extends the calibrated one with the
 *                    best parameters (and calibrated_parameters.ini /
 *                    calibrated_districts.ini when those were calibrated);
 *                    written only when the calibration ends normally
 */
#ifndef DRV_CALIBRATE_H
#define DRV_CALIBRATE_H

#include "zt.h"

typedef struct drv_calib_result {
    int nevals;          /* model runs */
    double seconds;      /* wall time (s) */
    double best;         /* the objective at the best point */
    const char *stopped; /* why NLopt stopped, in words */
} drv_calib_result;

/* Calibrate: threads > 0 overrides the scenario's; quiet: no table on
 * stdout. Statuses: those of the file readers and of the runs; ZT_EINTERNAL
 * for an NLopt failure. */
zt_status drv_calibrate(const char *file, const char *out_dir, int threads, int quiet,
                        drv_calib_result *res, zt_err *err);

#endif /* DRV_CALIBRATE_H */
