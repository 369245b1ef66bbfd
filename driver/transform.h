/*
 * transform.h: `zoet forcing transform IN.nc --knmi14 SC H -o OUT.nc`: a
 * station forcing file transformed to a KNMI'14 scenario (issue 15;
 * docs/knmi14-transform-spec.md): per station the precipitation (wet-day
 * frequency and amounts), the daily mean temperature, the global radiation,
 * and Makkink recomputed from the transformed temperature and radiation; for
 * a file without TG and Q, ET0 scaled by the scenario's monthly Makkink
 * change instead (a fallback, said on stderr and in the file's attributes).
 * `--knmi23 SC H`: P and ET0 scaled by monthly factors, labelled an
 * approximation (data/knmi23/approximation.csv).
 */
#ifndef DRV_TRANSFORM_H
#define DRV_TRANSFORM_H

#include "zt.h"

typedef struct drv_transform_opts {
    const char *in, *out;
    int knmi23;            /* 0: KNMI'14; 1: the KNMI'23 approximation (delta change) */
    const char *scenario;  /* KNMI'14: GL, GH, WL, WH; NULL or "" with 2030;
                              KNMI'23: a scenario of <deltas>/approximation.csv (Ln, Hd) */
    const char *horizon;   /* KNMI'14: 2030, 2050, 2085; KNMI'23: 2050, 2100 */
    const char *p99;       /* lower, centr, upper */
    const char *region;    /* NULL: each station's from stationstabel */
    const char *deltas;    /* KNMI'14: the folder of the delta files, stationstabel
                              and makkink-monthly-change.csv; KNMI'23: the folder
                              of approximation.csv */
    int quiet;
} drv_transform_opts;

/* ZT_EINPUT for bad inputs (naming file, variable, station), ZT_EIO. */
zt_status drv_transform(const drv_transform_opts *o, zt_err *err);

#endif /* DRV_TRANSFORM_H */
