/*
 * io_cftime.c: the CF time axis of output files (io_cftime.h).
 */
#include "io_cftime.h"

#include <netcdf.h>

#include "io_nc.h"

zt_status io_cftime_define(int ncid, int dimt, int dimnv, size_t chunk, const char *file,
                           int *vtime, int *vbnds, zt_err *err)
{
    int dims[2] = {dimt, dimnv};
    zt_status st;

    st = io_nc_check(nc_def_var(ncid, "time", NC_DOUBLE, 1, dims, vtime), ZT_EIO, file,
                     "define variable time", err);
    if (st == ZT_OK) {
        st = io_nc_check(nc_def_var(ncid, "time_bnds", NC_DOUBLE, 2, dims, vbnds), ZT_EIO, file,
                         "define variable time_bnds", err);
    }
    if (st == ZT_OK && chunk > 0) {
        const size_t ch[2] = {chunk, 2};
        st = io_nc_check(nc_def_var_chunking(ncid, *vtime, NC_CHUNKED, ch), ZT_EIO, file,
                         "chunking of time", err);
        if (st == ZT_OK) {
            st = io_nc_check(nc_def_var_chunking(ncid, *vbnds, NC_CHUNKED, ch), ZT_EIO, file,
                             "chunking of time_bnds", err);
        }
    }
    if (st == ZT_OK) {
        int r = io_nc_put_text(ncid, *vtime, "standard_name", "time");
        if (r == NC_NOERR) {
            r = io_nc_put_text(ncid, *vtime, "long_name", "time");
        }
        if (r == NC_NOERR) {
            r = io_nc_put_text(ncid, *vtime, "units", IO_CFTIME_UNITS);
        }
        if (r == NC_NOERR) {
            r = io_nc_put_text(ncid, *vtime, "calendar", "standard");
        }
        if (r == NC_NOERR) {
            r = io_nc_put_text(ncid, *vtime, "axis", "T");
        }
        if (r == NC_NOERR) {
            r = io_nc_put_text(ncid, *vtime, "bounds", "time_bnds");
        }
        st = io_nc_check(r, ZT_EIO, file, "attributes of time", err);
    }
    return st;
}

zt_status io_cftime_put_days(int ncid, int vtime, int vbnds, size_t rec, zt_day first, size_t n,
                             double *buf, const char *file, zt_err *err)
{
    size_t start[2] = {rec, 0}, count[2] = {n, 2};
    zt_status st;
    for (size_t d = 0; d < n; d++) {
        buf[d] = (double)(first + (zt_day)d) + 0.5;
    }
    st = io_nc_check(nc_put_vara_double(ncid, vtime, start, count, buf), ZT_EIO, file,
                     "write time", err);
    for (size_t d = 0; d < n && st == ZT_OK; d++) {
        buf[2 * d] = (double)(first + (zt_day)d);
        buf[2 * d + 1] = (double)(first + (zt_day)d) + 1.0;
    }
    if (st == ZT_OK) {
        st = io_nc_check(nc_put_vara_double(ncid, vbnds, start, count, buf), ZT_EIO, file,
                         "write time_bnds", err);
    }
    return st;
}
