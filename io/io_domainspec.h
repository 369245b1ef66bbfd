/*
 * io_domainspec.h: the recipe of `zoet domain build DOMAIN.ini` (issue 16;
 * docs/domain.md): the grid, the GIS layers and which zoet field each fills
 * (how it is resampled, a class table for codes, a unit factor), constants
 * for fields no layer gives, and the district polygons with their field
 * names. Only the file is read here; the layers are read by io_layer.h and
 * io_dpoly.h, the domain is made by driver/domain_build.c.
 *
 *   [grid]     x0, y0 (lower-left corner, RD New m), dx (m), nx, ny
 *   [layer.N]  field (a zoet field, below), file, band (raster), layer and
 *              attribute (vector), where (vector filter), resample (mean,
 *              median, mode, min, max, nearest, fraction), codes (fraction:
 *              the codes counted), classes (a class table CSV for soil and
 *              landuse), factor (multiplied, e.g. 0.01 for cm)
 *   [defaults] <field> = value: the value where no layer gives one
 *   [districts] file, layer, id, name, summer, winter, fixed, province,
 *              supplied, open_water, pump, flushing, tolerance (field
 *              names), outside (inactive | nearest), numeric_ids (bool)
 */
#ifndef IO_DOMAINSPEC_H
#define IO_DOMAINSPEC_H

#include "io_ini.h"
#include "zt.h"

/* The zoet fields a layer or a default can fill. */
enum {
    DS_SURFACE = 0, DS_SOIL, DS_LANDUSE, DS_PROVINCE, DS_GWDEPTH, DS_SPRINKLING, DS_KD,
    DS_DEEP_HEAD, DS_SEEPAGE_C, DS_DITCH_C, DS_DITCH_CI, DS_TRENCH_DEPTH, DS_TRENCH_C,
    DS_TILE_DEPTH, DS_TILE_C, DS_PEAT_THICKNESS, DS_FIXED_HEAD, DS_NFIELD
};

/* The fields' names as DOMAIN.ini writes them (and domain.nc names them;
 * fixed_head: cells whose head is held, a 0/1 or fraction layer). */
extern const char *const io_ds_field_names[DS_NFIELD + 1];

#define DS_MAXCODES 64

typedef struct io_ds_layer {
    char *name;       /* N of [layer.N] */
    int field;        /* DS_* */
    char *file;       /* resolved against DOMAIN.ini's folder */
    int band;         /* raster band, 1-based */
    const char *vlayer, *attribute, *where; /* vector; borrowed from the ini */
    int resample;     /* index into io_ds_resample_names */
    double codes[DS_MAXCODES];
    int ncodes;
    char *classes;    /* class table CSV, or NULL */
    double factor;    /* 1 unless given */
} io_ds_layer;

extern const char *const io_ds_resample_names[]; /* mean ... fraction, NULL */

typedef struct io_ds_districts {
    char *file;
    const char *layer, *id, *name, *summer, *winter, *fixed, *province, *supplied;
    const char *open_water, *pump, *flushing, *tolerance; /* optional fields: open water
                            fraction (-), pump capacity (mm/d), flushing (m3/s), summer tolerance (m) */
    int outside_nearest; /* cells in no polygon: 0 inactive, 1 the nearest district */
    int numeric_ids;     /* numeric_ids = true: the id field holds the district ids (whole
                            numbers 1..2147483647, kept); false (default): ids 1..n in file
                            order, the code kept as the name when there is none */
} io_ds_districts;

typedef struct io_domainspec {
    io_ini *ini;               /* holds the borrowed strings */
    zt_grid grid;
    int nlayer;
    io_ds_layer *layer;
    double def[DS_NFIELD];     /* [defaults]; NaN where none */
    io_ds_districts districts;
} io_domainspec;

/*
 * Read DOMAIN.ini. ZT_ECONFIG "file:line: [section] key: ..." for a missing
 * or bad key (a grid without cells, a field name that is not one of
 * io_ds_field_names, a resample rule that is not known or does not fit the
 * field (soil and landuse need mode or nearest and a class table), fraction
 * without codes, two layers for one field, an unknown key or section);
 * ZT_ENOMEM. Free with io_domainspec_free.
 */
zt_status io_domainspec_read(const char *path, io_domainspec *s, zt_err *err);
void io_domainspec_free(io_domainspec *s);

/*
 * A class table: CSV `code,class[,description]` with '#' comments, class one
 * of names[0..n-1] ("grass", "peat", ...). codes[k] -> out_class[k]. ZT_EINPUT
 * naming file and line for an unknown class, a repeated code, a code that is
 * not a whole number. *out_codes, *out_class allocated.
 */
zt_status io_ds_classes(const char *path, const char *const *names, int n, double **out_codes,
                        int **out_class, int *ncode, zt_err *err);

#endif /* IO_DOMAINSPEC_H */
