/*
 * io_map.h: maps of one gridded field as PNG that stand on their own
 * (DESIGN.md §3, issue 15), drawn with cairo.
 *
 * A map is one picture: the raster (north up, each cell scale x scale
 * pixels, at integer pixel positions so that a cell's colour is exact) with
 * the province outlines over it as thin dark lines and each province's name
 * at a point inside it; above it the title and a subtitle; at its right a
 * colour bar with tick values and the units; below it a scale bar (a round
 * length in km or m). Margins are white. Beside the PNG:
 *   <png>.txt      the legend as text: what the map shows, its grid, the
 *                  colour range and how it was chosen, the value of every
 *                  anchor colour, the field's statistics;
 *   <name>.pgw     the world file of the whole picture, margins included
 *                  (the PNG name with its extension replaced by .pgw, or
 *                  .pgw appended when it has none): pixel size A = dx /
 *                  scale (m), the centre of the upper-left pixel, so that
 *                  GDAL and QGIS place the raster part on the grid;
 *   <png>.aux.xml  the CRS (RD New, EPSG:28992) as a GDAL PAM file.
 * Every file is written as .part and renamed when complete (io_file.h); on
 * failure none of the four is left. docs/pictures.md shows a map.
 *
 * Outlines come from a vector file of polygons in RD New read with OGR
 * (any format GDAL reads; a layer without a CRS is taken as RD New): by
 * default data/boundaries/provinciegebied_noord_nederland_rd_new.geojson
 * in zoet's data folder (io_data_dir, io_file.h). A feature's name is its
 * attribute `naam`, else `name`; features that are not polygons are skipped.
 */
#ifndef IO_MAP_H
#define IO_MAP_H

#include <stddef.h>

#include "zt.h"

/* The default outlines, relative to zoet's data folder. */
#define IO_MAP_OUTLINES_FILE "boundaries/provinciegebied_noord_nederland_rd_new.geojson"

/*
 * How a map is drawn. io_map_style_default gives the defaults stated here.
 * Strings are borrowed for the call.
 */
typedef struct io_map_style {
    const char *title;    /* top line; NULL: io_map_png: the variable's long_name
                             (else its name) and the time; io_map_field_png: none */
    const char *subtitle; /* second, smaller line; NULL: io_map_png: variable, file
                             and time index; io_map_field_png: none */
    const char *units;    /* label of the colour bar; NULL: io_map_png: the
                             variable's units attribute; io_map_field_png: none */
    double vmin;          /* value (units of the field) drawn with the first colour;
                             NAN: the 2nd percentile of the field's valid values */
    double vmax;          /* value drawn with the last colour; NAN: the 98th
                             percentile */
    int diverging;        /* 0: sequential viridis ramp; 1: blue-white-red with
                             white at 0 and, from the data, a range symmetric about
                             0 (for signed fields: recharge, differences) */
    int scale;            /* pixels per cell edge, 1-64 (default 1) */
    int opaque;           /* 0: no-data cells transparent (default); 1: light grey */
    const char *outlines; /* polygons drawn over the map; NULL: the default file
                             (IO_MAP_OUTLINES_FILE in io_data_dir); "": none */
} io_map_style;

/* Fill s with the defaults: no texts (NULL), vmin = vmax = NAN, sequential,
 * scale 1, transparent no data, the default outlines. */
void io_map_style_default(io_map_style *s);

/* The default outlines file (io_data_dir + IO_MAP_OUTLINES_FILE) into buf
 * (size n); returns buf. */
char *io_map_default_outlines(char *buf, size_t n);

/*
 * Map the slice at time index t of variable `var` (time, y, x) of the NetCDF
 * file nc_path (t is ignored for a 2-D (y, x) variable) to png_path. Values
 * below vmin or above vmax take the end colours; NaN, _FillValue and
 * missing_value are no data. Also writes the three files beside it (above).
 * style may be NULL (defaults). All strings borrowed.
 *
 * Statuses: ZT_EUSAGE for t < 0, scale outside 1-64, vmin >= vmax or
 * either infinite, a
 * raster over 2^28 pixels or a picture wider or taller than 32767 pixels,
 * or png_path an existing folder; ZT_EINPUT naming file and variable for
 * what io_nc_read_field and io_nc_read_grid reject (missing file or
 * variable, time index outside, not RD New) and for a field without a
 * valid value, and naming the outlines file when it is missing, not a
 * regular file, not a vector file, has no polygon, or is not in RD New;
 * ZT_EGDAL with GDAL's message when GDAL fails on a file it has opened;
 * ZT_EIO naming the file when a file cannot be written (no .part is left);
 * ZT_ENOMEM (our allocations or cairo's); ZT_EINTERNAL with cairo's message
 * for another cairo failure.
 */
zt_status io_map_png(const char *nc_path, const char *var, long t, const char *png_path,
                     const io_map_style *style, zt_err *err);

/*
 * Map a field computed in memory: field[j * g->nx + i] is the value (units
 * of style->units) of column i, row j of grid g, row 0 the southernmost
 * (zt.h's layout; the picture is drawn north up); NaN is no data. Draws and
 * writes as io_map_png, with the title, subtitle and units taken from style
 * only. field, g, style and the strings are borrowed; style may be NULL.
 *
 * Statuses: ZT_EUSAGE for a grid without cells or with a cell size that is
 * not positive, and the style and path errors of io_map_png; ZT_EINPUT for a
 * field without a valid value and for the outlines file as io_map_png;
 * ZT_EGDAL; ZT_EIO naming the file (no .part is left); ZT_ENOMEM;
 * ZT_EINTERNAL.
 */
zt_status io_map_field_png(const double *field, const zt_grid *g, const io_map_style *style,
                           const char *png_path, zt_err *err);

#endif /* IO_MAP_H */
