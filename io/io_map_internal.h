/*
 * io_map_internal.h: what the files of the map module share (io_map.c: the
 * entry points, statistics and files; io_map_draw.c: ramps, layout and
 * drawing; io_map_outlines.c: the province outlines). Not a public header:
 * only io_map*.c include it.
 */
#ifndef IO_MAP_INTERNAL_H
#define IO_MAP_INTERNAL_H

#include <cairo.h>

#include "io_map.h"

/* ---- colour ramps (io_map_draw.c) ------------------------------------------ */

#define MAP_RAMP_N 9

/* The ramp's anchor colours (sRGB 0-255): viridis or, diverging, RdBu. */
typedef const unsigned char (*map_ramp)[3];
map_ramp map_ramp_of(int diverging);

/* Position on the ramp (0-1) of value v, clamped (units of the field). */
double map_ramp_pos(double v, double vmin, double vmax, int diverging);

/* Value at ramp position t (0-1): the inverse of map_ramp_pos. */
double map_ramp_value(double t, double vmin, double vmax, int diverging);

/* Colour at ramp position t (0-1) into rgb[3]. */
void map_ramp_colour(map_ramp ramp, double t, unsigned char rgb[3]);

/* No-data colour of an opaque map: light grey. */
extern const unsigned char map_nodata_grey[3];

/* ---- what is drawn, and where ---------------------------------------------- */

/* The field and how it is drawn (all pointers borrowed). */
typedef struct map_view {
    const double *v;      /* ncell values, row 0 south (zt.h), NaN no data */
    zt_grid g;            /* its grid */
    double vmin, vmax;    /* the colour range (units of the field), vmin < vmax */
    int diverging;        /* as io_map_style */
    int scale;            /* pixels per cell edge */
    int opaque;           /* as io_map_style */
    const char *title;    /* NULL or "": no line */
    const char *subtitle; /* NULL or "": no line */
    const char *units;    /* NULL or "": no label at the colour bar */
} map_view;

/* Where the parts of the picture are (pixels, origin at the upper left). */
typedef struct map_layout {
    int width, height; /* the picture */
    int left, top;     /* the raster's upper-left pixel */
    int rw, rh;        /* the raster: nx scale x ny scale */
    int bar_x, bar_y;  /* the colour ramp's upper-left pixel */
    int bar_w, bar_h;  /* its size; row 0 is vmax, row bar_h - 1 vmin */
} map_layout;

/* Polygons to draw over the map (io_map_outlines.c). */
typedef struct map_outlines map_outlines;

/* Font sizes (pixels) and the typeface of every text. */
#define MAP_FONT "sans-serif"
#define MAP_PX_TITLE 18.0
#define MAP_PX_TEXT 13.0

/*
 * Draw the picture of mv with the outlines ol (NULL: none) into a new
 * surface *out (ARGB32, or RGB24 when mv->opaque), caller destroys it; *lay
 * says where the parts are. what names the picture in messages. ZT_EUSAGE
 * when the picture would be wider or taller than cairo's 32767 pixels;
 * ZT_ENOMEM (cairo's status); ZT_EINTERNAL for another cairo status.
 */
zt_status map_draw(const map_view *mv, const map_outlines *ol, const char *what,
                   cairo_surface_t **out, map_layout *lay, zt_err *err);

/* ---- outlines (io_map_outlines.c) ------------------------------------------ */

/*
 * Read the polygons of the first layer of the vector file `path` and their
 * names (attribute naam, else name) into *out (caller frees with
 * map_outlines_free). ZT_EINPUT naming the file: not a regular file, cannot
 * be opened as a vector file (GDAL's reason), no layer, no polygon, not in
 * RD New; ZT_EGDAL; ZT_ENOMEM.
 */
zt_status map_outlines_read(const char *path, map_outlines **out, zt_err *err);
void map_outlines_free(map_outlines **p);

/*
 * Draw the outlines over the raster of lay (clipped to it), thin and dark,
 * then each polygon's name at a point inside the part that is visible
 * (skipped where that part is small, the name does not fit, or it would
 * cover a name already drawn).
 */
void map_outlines_draw(cairo_t *cr, const map_outlines *ol, const map_view *mv,
                       const map_layout *lay);

/* Text centred at (x, y) pixels, dark with a white halo, into cr's path and
 * paint (font set by the caller). */
void map_text_halo(cairo_t *cr, const char *s, double x, double y);

#endif /* IO_MAP_INTERNAL_H */
