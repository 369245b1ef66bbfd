/*
 * io_stations.h: a station forcing file (as `zoet forcing knmi` writes it,
 * docs/forcing.md) read whole, and a transformed copy of it written
 * (issue 15: `zoet forcing transform`).
 */
#ifndef IO_STATIONS_H
#define IO_STATIONS_H

#include "zt.h"

typedef struct io_stations {
    int ns;            /* stations */
    int nd;            /* days, consecutive from first */
    zt_day first;
    int *id;           /* [ns] KNMI station numbers */
    double *lat;       /* [ns] degrees north */
    double *x, *y;     /* [ns] RD New (m) */
    float *p, *et0;    /* [ns * nd] station-major: mm d-1 */
    float *tg, *q;     /* [ns * nd] degC, kJ m-2 d-1; NULL when the file has none */
} io_stations;

/* Read path: ZT_EINPUT naming the file and variable for a file that is not
 * a station forcing file, days that are not consecutive; ZT_ENOMEM. */
zt_status io_stations_read(const char *path, io_stations *s, zt_err *err);
void io_stations_free(io_stations *s);

/* Write out_path as a copy of in_path with P, ET0 (and TG, Q when s has
 * them) replaced by s's, and the global attributes `zoet_transform` and
 * `comment_transform` set; under a .part name until complete (removed on
 * failure). ZT_EIO naming the file. */
zt_status io_stations_write_copy(const char *in_path, const char *out_path, const io_stations *s,
                                 const char *transform, const char *comment, zt_err *err);

#endif /* IO_STATIONS_H */
