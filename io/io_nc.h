/*
 * io_nc.h: NetCDF-4 / CF-1.8 on RD New: the checking path for every nc_*
 * call, the grid definition every gridded file shares, and the static domain
 * file (read with validation, written for the demo).
 *
 * The grid layout follows ../shared/CF_RDNEW.md §4.3 (copied into
 * docs/io.md): x(x), y(y) cell centres in m with x_bnds/y_bnds, a scalar
 * int `crs` with grid_mapping_name = "oblique_stereographic", the RD New
 * parameters, crs_wkt and spatial_ref; every data variable has
 * grid_mapping = "crs"; Conventions = "CF-1.8". The 2-D lat/lon auxiliary
 * coordinates of CF §5.6 are left out to keep files small: GDAL, QGIS and
 * pyproj place the grid from crs_wkt alone (CF_RDNEW.md §4.2).
 */
#ifndef IO_NC_H
#define IO_NC_H

#include "grid_domain.h"
#include "zt.h"

/* The WKT1 (GDAL form) of EPSG:28992, Amersfoort / RD New. */
extern const char io_rdnew_wkt[];

/*
 * The one checking path for nc_* calls: returns ZT_OK when ncret is NC_NOERR,
 * else records "<file>: <what>: <nc_strerror(ncret)>" with status st
 * (ZT_EINPUT for a user's input file, ZT_EIO for an output file, ZT_ENETCDF
 * for our own mistakes) and returns st.
 */
zt_status io_nc_check(int ncret, zt_status st, const char *file, const char *what, zt_err *err);

/* Most missing_value entries read (-). */
#define IO_NC_MAX_MISSING 8

/*
 * How the stored numbers of a variable become values, the one unpacking
 * path of every reader (gridded fields, station series): the values that
 * mean "no data" (_FillValue; up to IO_NC_MAX_MISSING missing_value; without
 * _FillValue the NetCDF default fill of the variable's type, except for
 * bytes: NUG) and the packing v = packed * scale_factor + add_offset
 * (CF-1.8 §8.1). Attributes are read as double whatever the variable's
 * type, so the fill of a double, int64 or short variable is compared in
 * that type's own values.
 */
typedef struct io_nc_unpack {
    double fills[IO_NC_MAX_MISSING + 1]; /* values meaning no data, as stored */
    size_t nfill;
    double scale, offset; /* packing; 1 and 0 when not packed */
} io_nc_unpack;

/*
 * Read the unpacking attributes of variable varid (named var in path, for
 * messages). ZT_EINPUT naming file, variable and attribute when one is text
 * or has too many values; ZT_EINPUT for a failed nc_* call.
 */
zt_status io_nc_unpack_init(int ncid, int varid, const char *path, const char *var,
                            io_nc_unpack *u, zt_err *err);

/*
 * Read the hyperslab start/count (as nc_get_vara) of a numeric variable as
 * double into out (the product of count values) and unpack it in place: no
 * data (a fill, a missing_value, NaN) becomes NAN, every other value
 * packed * scale_factor + add_offset. ZT_EINPUT naming file and variable;
 * ZT_ENOMEM never (out is the caller's).
 */
zt_status io_nc_read_unpacked(int ncid, int varid, const char *path, const char *var,
                              const size_t *start, const size_t *count, double *out,
                              zt_err *err);

/* A text attribute (nc_put_att_text with the string's length); NC status. */
int io_nc_put_text(int ncid, int varid, const char *name, const char *text);

/*
 * Finish a file written as "<final>.part": close ncid (when >= 0); when st
 * is ZT_OK and the close succeeds, rename it to final, otherwise remove the
 * .part file. Returns st, or the status of the close or rename (ZT_EIO
 * naming the file). Call it on the one exit path of a writer.
 */
zt_status io_nc_close_part(int ncid, const char *final, zt_status st, zt_err *err);

/*
 * In a file in define mode: define dimensions y, x, nv (if absent) and the
 * variables x, y, x_bnds, y_bnds, crs with their CF attributes; *dimy and
 * *dimx get the dimension ids. Values are written by io_nc_put_grid after
 * nc_enddef. Errors are ZT_EIO naming `path` (ZT_EINTERNAL when y or x
 * exists already with another length).
 */
zt_status io_nc_def_grid(int ncid, const zt_grid *g, const char *path, int *dimy, int *dimx,
                         zt_err *err);

/* Write the x, y, x_bnds, y_bnds values of the grid (data mode). ZT_EIO,
 * ZT_ENOMEM. */
zt_status io_nc_put_grid(int ncid, const zt_grid *g, const char *path, zt_err *err);

/*
 * Global attributes: Conventions = "CF-1.8", title, institution, source
 * ("zoet <version>"), history (creation time and the command), references.
 * `title` and `history` may be NULL; a NULL history is "<UTC time>: created
 * by zoet 0.1", the time taken from $SOURCE_DATE_EPOCH when set (so two runs
 * can give the same bytes). Call in define mode. ZT_EIO.
 */
zt_status io_nc_put_global(int ncid, const char *path, const char *title, const char *history,
                           zt_err *err);

/*
 * Read the grid of a variable from an open file: its x and y coordinate
 * variables (found by the variable's last two dimensions), which must be
 * evenly spaced with square cells; y may be ascending or descending
 * (*y_descending is set). The grid mapping must be RD New: a grid-mapping
 * variable whose crs_wkt or spatial_ref names EPSG 28992 / "RD New" or
 * whose parameters are those of RD New (GDAL's gdal_translate output is
 * accepted). A one-cell axis takes its size from its bounds variable, or
 * from the other axis. Errors are ZT_EINPUT naming file and variable:
 * "expected dimensions (y, x)" (fewer than 2, or (x, y) order), "no
 * coordinate variable", "not evenly spaced", "cells are not square", "x
 * coordinates must increase", "grid mapping is not RD New (EPSG:28992): …";
 * ZT_ENOMEM.
 */
zt_status io_nc_read_grid(int ncid, int varid, const char *path, zt_grid *g, int *y_descending,
                          zt_err *err);

/*
 * Read a 2-D variable (y, x), or the slice at time index `t` of a 3-D
 * variable (time, y, x) (t ignored for 2-D), of any numeric type, into out
 * (ncell floats, row 0 southernmost, whatever the file's y order), with
 * _FillValue / missing_value / NaN mapped to NAN. When `expect` is not NULL
 * the variable's grid must equal it (same nx, ny, x0, y0, dx within 1 mm)
 * else ZT_EINPUT "grid differs". When `units` is not NULL the variable's
 * units attribute must match it (accepting listed synonyms: "m" and "meter",
 * "mm d-1", "mm/d", "mm/day", "mm"); a variable without units is accepted
 * only in a file written by GDAL (global attribute GDAL), whose bands never
 * carry units. Packed values are unpacked (scale_factor, add_offset).
 * Errors name file and variable: ZT_EINPUT "cannot open: <nc text>",
 * "variable 'V' not found", "expected dimensions", "not numeric", "time
 * index outside", "grid differs", "units", and those of io_nc_read_grid;
 * ZT_ENOMEM.
 */
zt_status io_nc_read_field(const char *path, const char *var, const zt_grid *expect,
                           const char *units, size_t t, float *out, zt_err *err);

/*
 * Where a static field comes from: the domain file by its standard name, or a
 * user's file and variable ("ahn.nc" + "Band1", a GeoTIFF converted with
 * gdal_translate -of netCDF). `field` is one of: mask, surface_level, soil,
 * landuse, district, province, gw_depth_init, sprinkling_source, and the
 * groundwater group kd, deep_head, seepage_resistance, ditch_resistance,
 * ditch_infiltration_resistance, trench_depth, trench_resistance,
 * tile_depth, tile_resistance, and the optional peat_thickness.
 */
typedef struct io_field_source {
    const char *field; /* field name as above (borrowed) */
    const char *path;  /* file (borrowed) */
    const char *var;   /* variable in that file (borrowed) */
} io_field_source;

/*
 * Read the static domain from `path` (the grid is that of its `mask`
 * variable), replacing fields by the given sources, and validate it
 * (grid_domain_validate, and: every field on the same grid, RD New, units,
 * no fill or NaN in an active cell, class codes known). *out is returned to
 * the caller (grid_domain_destroy); *out is NULL on failure. src (borrowed,
 * nsrc entries, may be NULL when nsrc is 0): a later entry for the same field
 * wins; a replaced mask gives the grid. No data in the mask means inactive.
 * In active cells no data and unknown or non-integral class codes are
 * errors; outside them they become 0 (floats stay NAN). Errors are
 * ZT_EINPUT naming the file and variable (and the cell where it applies):
 * "cannot open", "is a FIFO/folder/device, not a regular file" (io_input.h),
 * "variable 'soil' not found", "expected dimensions (y, x),
 * found …", "grid differs from <mask file> (nx ny x0 y0 dx: … vs …)",
 * "grid mapping is not RD New", "units", "missing value (fill or NaN) in
 * active cell row j col i (x, y)", "unknown soil code"; then those of
 * grid_domain_validate; ZT_ENOMEM.
 * The groundwater group (kd ... tile_resistance, units "m2 d-1", "m" or
 * "d") is optional as a whole: when none of the nine is in the file or
 * given by a source, has_gw is 0 and the arrays are NULL; when some are,
 * the first missing one is an error ("variable 'seepage_resistance' not
 * found: the groundwater variables come as a group ..."). No data is allowed in active
 * cells only for trench_depth, trench_resistance, tile_depth and
 * tile_resistance (NAN: no such drains).
 * peat_thickness (units "m") is optional on its own: when it is neither in
 * the file nor given by a source, d->peat_thickness is NULL (unknown); when
 * it is, no data is allowed in active cells whose soil is not peat (NAN:
 * unknown), and grid_domain_validate checks the range and refuses no data
 * in a peat cell ("variable peat_thickness: no value (fill or NaN) where the
 * soil is peat in active cell row j col i (x, y)").
 */
zt_status io_domain_read(const char *path, const io_field_source *src, int nsrc,
                         grid_domain **out, zt_err *err);

/*
 * Write a domain as a CF-1.8 NetCDF-4 file (all fields, the groundwater
 * group only when has_gw, peat_thickness only when it is not NULL, class
 * variables with
 * flag_values/flag_meanings, chunked (ny, nx), shuffle + deflate), under a
 * .part name renamed when complete. NAN in float fields is written as
 * _FillValue -9999. d is borrowed; it is not validated (the caller does).
 * Errors ZT_EIO naming the file (the .part file is removed), ZT_ENOMEM.
 */
zt_status io_domain_write(const char *path, const grid_domain *d, const char *title,
                          zt_err *err);

/* One 2-D float field to write (io_nc_write_fields). */
typedef struct io_nc_field {
    const char *name, *long_name, *units;
    const char *comment;  /* or NULL */
    const double *data;   /* ncell values, row 0 south; NaN is written as _FillValue */
} io_nc_field;

#define IO_NC_MAX_FIELDS 16

/*
 * Write n (1-16) 2-D fields on grid g to `path` (CF-1.8 on RD New, as the
 * domain file; via path.part and a rename). ZT_EIO naming the file; ZT_ENOMEM.
 */
zt_status io_nc_write_fields(const char *path, const zt_grid *g, const char *title,
                             const io_nc_field *f, int n, zt_err *err);

#endif /* IO_NC_H */
