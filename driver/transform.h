/*
 * transform.h: `zoet forcing transform IN.nc --knmi14 SC H -o OUT.nc`: a
 * station forcing file transformed to a KNMI'14 scenario (issue 15;
 * docs/knmi14-transform-spec.md): per station the precipitation (wet-day
 * frequency and amounts), the daily mean temperature, the global radiation,
 * and Makkink recomputed from the transformed temperature and radiation.
 */
#ifndef DRV_TRANSFORM_H
#define DRV_TRANSFORM_H

#include "zt.h"

typedef struct drv_transform_opts {
    const char *in, *out;
    const char *scenario;  /* GL, GH, WL, WH; NULL or "" with 2030 */
    const char *horizon;   /* 2030, 2050, 2085 */
    const char *p99;       /* lower, centr, upper */
    const char *region;    /* NULL: each station's from stationstabel */
    const char *deltas;    /* the folder of the delta files and stationstabel */
    int quiet;
} drv_transform_opts;

/* ZT_EINPUT for bad inputs (naming file, variable, station), ZT_EIO. */
zt_status drv_transform(const drv_transform_opts *o, zt_err *err);

#endif /* DRV_TRANSFORM_H */
