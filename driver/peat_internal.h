/*
 * peat_internal.h: the object behind peat.h, shared by driver/peat.c (the
 * sums of the run) and driver/peat_write.c (the files).
 */
#ifndef DRV_PEAT_INTERNAL_H
#define DRV_PEAT_INTERNAL_H

#include "core_gxg.h"
#include "peat.h"

#define DRV_PEAT_NPROV 3

/* Per district and calendar month, the class 1.2 water (m3) over the run. */
enum { PM_INLET = 0, PM_DEMAND, PM_COUNT };

#define DRV_PEAT_NDAYS 15 /* the values of mdays */

struct drv_peat {
    drv_peat_setup su;
    core_gxg *gxg;    /* over the active cells, in the order of su.d_cells */
    zt_idx nact;      /* active cells: su.d_start[su.nd] */
    double *dq;       /* [nact] the day's depths in that order */
    core_peat_params par;
    double *dec1;     /* [ncell] storage capacity of 1 December (mm), NaN: not in the run */
    double *inlet;    /* [nd] inlet for peat (m3); [nd]: have_dec1, for checkpoints */
    double *month;    /* [nd][12][PM_COUNT] class 1.2 supplied and demanded (m3) */
    double *mdays;    /* [12] days of the run in each calendar month; [12]: days in all;
                         [13], [14]: the first and the last day (zt_day) */
    int have_dec1;
    double *ysum;     /* [nact] this summer's sum of depths; [nact]: its days */
    double *years;    /* [nyears][NPROV][PY_COUNT] per complete summer */
    int y0, nyears;   /* the run's first calendar year, and its years */
};

/* Per complete summer and province: peat area with a depth, and of it
 * within, above and below 20-40 cm, and the area-weighted depth sum. */
enum { PY_HA = 0, PY_IN, PY_ABOVE, PY_BELOW, PY_DEPTH, PY_COUNT };

#endif /* DRV_PEAT_INTERNAL_H */
