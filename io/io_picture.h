/*
 * io_picture.h: quicklook pictures (DESIGN.md §3): a map of one gridded
 * field as PNG, and a line chart of district series as SVG.
 *
 * A map is a PNG written through GDAL (a MEM dataset copied by the PNG
 * driver), with three files beside it so that it can be read and placed
 * without a text-rendering library:
 *   <png>.txt      the legend as text: file, variable, long name, units,
 *                  time, grid, colour range and the value of every anchor
 *                  colour of the ramp, and the field's statistics;
 *   <name>.pgw     the world file (the PNG name with its extension replaced
 *                  by .pgw), which GDAL, QGIS and ArcGIS read;
 *   <png>.aux.xml  the CRS (RD New, EPSG:28992) as a GDAL PAM file.
 * A chart is an SVG 1.1 file (text, so axes, labels and a legend are easy).
 * Every file is written as .part and renamed when complete (io_file.h).
 * docs/pictures.md shows how to use them.
 */
#ifndef IO_PICTURE_H
#define IO_PICTURE_H

#include "zt.h"

/* Options of a map. io_map_opts_default gives the defaults stated here. */
typedef struct io_map_opts {
    double vmin;   /* value (variable's units) drawn with the first colour;
                      NAN: the 2nd percentile of the field's valid values */
    double vmax;   /* value drawn with the last colour; NAN: the 98th percentile */
    int diverging; /* 0: sequential viridis-like ramp; 1: blue-white-red, with
                      white at 0 and a range symmetric about 0 when taken from
                      the data (for signed variables) */
    int scale;     /* pixels per cell edge, 1-64 (default 1) */
    int opaque;    /* 0: no-data cells transparent (RGBA PNG, default);
                      1: no-data cells light grey (RGB PNG) */
} io_map_opts;

/* Fill o with the defaults: vmin = vmax = NAN, sequential, scale 1, RGBA. */
void io_map_opts_default(io_map_opts *o);

/*
 * Map the slice at time index t of variable `var` (time, y, x) of the NetCDF
 * file nc_path (t is ignored for a 2-D (y, x) variable) to png_path, north
 * up (the first PNG row is the northernmost grid row), each cell scale x
 * scale pixels. Values below vmin or above vmax take the end colours; NaN,
 * _FillValue and missing_value are no data. Also writes <png_path>.txt, the
 * world file (png_path with its extension replaced by ".pgw", or ".pgw"
 * appended when it has none) and <png_path>.aux.xml. o may be NULL
 * (defaults). All strings borrowed.
 *
 * Statuses: ZT_EUSAGE for t < 0, scale outside 1-64, vmin >= vmax, a
 * picture over 2^28 pixels, or png_path an existing folder; ZT_EINPUT naming file and variable for what
 * io_nc_read_field and io_nc_read_grid reject (missing file or variable,
 * time index outside, not RD New) and for a field without a valid value;
 * ZT_EGDAL with CPLGetLastErrorMsg() when GDAL cannot make the PNG; ZT_EIO
 * naming the file when a file cannot be written (no .part is left);
 * ZT_ENOMEM.
 */
zt_status io_map_png(const char *nc_path, const char *var, long t, const char *png_path,
                     const io_map_opts *o, zt_err *err);

/*
 * A line chart of a long-format CSV (docs/io.md: header `date,<key>,v1,...`,
 * one row per date and feature, RFC 4180 quoting): the rows whose column
 * key_col equals key (text comparison, e.g. key_col "district", key
 * "21003"), each of the ncols >= 1 columns cols[] drawn as a line against
 * the date (column "date", YYYY-MM-DD), with axes, month ticks and labels on
 * the x axis, value ticks and labels on the y axis, a legend and the title
 * (NULL: "<key_col> <key>"). Rows are drawn in date order; NaN values leave
 * a gap (a new <polyline> after it). All strings borrowed.
 *
 * Statuses: ZT_EUSAGE for ncols < 1 or svg_path an existing folder (checked
 * before anything is read or written); ZT_EINPUT naming the file for a file
 * that cannot be opened (system's reason) or is not a regular file, an empty file, a missing column
 * (named, with the columns the file has), no rows for the key (named), a bad
 * date or number (line and column); ZT_EIO naming the SVG file when it
 * cannot be written (no .part is left); ZT_ENOMEM.
 */
zt_status io_chart_svg(const char *csv_path, const char *key_col, const char *key,
                       const char *const *cols, int ncols, const char *svg_path,
                       const char *title, zt_err *err);

#endif /* IO_PICTURE_H */
