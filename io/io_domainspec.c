/*
 * io_domainspec.c: DOMAIN.ini (io_domainspec.h).
 */
#include "io_domainspec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_csv.h"

const char *const io_ds_field_names[DS_NFIELD + 1] = {
    "surface_level", "soil", "landuse", "province", "gw_depth_init", "sprinkling_source", "kd",
    "deep_head", "seepage_resistance", "ditch_resistance", "ditch_infiltration_resistance",
    "trench_depth", "trench_resistance", "tile_depth", "tile_resistance", "peat_thickness",
    "fixed_head", NULL};

const char *const io_ds_resample_names[] = {"mean", "median", "mode", "min", "max", "nearest",
                                            "fraction", NULL};
enum { RS_MODE = 2, RS_NEAREST = 5, RS_FRACTION = 6 };

void io_domainspec_free(io_domainspec *s)
{
    for (int i = 0; i < s->nlayer; i++) {
        zt_free(s->layer[i].name);
        zt_free(s->layer[i].file);
        zt_free(s->layer[i].classes);
    }
    zt_free(s->layer);
    zt_free(s->districts.file);
    io_ini_destroy(&s->ini);
    memset(s, 0, sizeof *s);
}

static zt_status read_grid(io_domainspec *s, zt_err *err)
{
    long nx, ny;
    zt_status st;
    if ((st = io_ini_double(s->ini, "grid", "x0", 1, 0, -1e7, 1e7, &s->grid.x0, err)) != ZT_OK ||
        (st = io_ini_double(s->ini, "grid", "y0", 1, 0, -1e7, 1e7, &s->grid.y0, err)) != ZT_OK ||
        (st = io_ini_double(s->ini, "grid", "dx", 1, 0, 1.0, 1e5, &s->grid.dx, err)) != ZT_OK ||
        (st = io_ini_int(s->ini, "grid", "nx", 1, 0, 1, 100000, &nx, err)) != ZT_OK ||
        (st = io_ini_int(s->ini, "grid", "ny", 1, 0, 1, 100000, &ny, err)) != ZT_OK) {
        return st;
    }
    s->grid.nx = nx;
    s->grid.ny = ny;
    if ((double)nx * (double)ny > 1e8) {
        return io_ini_fail(s->ini, "grid", "ny", err, "%ld x %ld cells: more than 10^8", nx, ny);
    }
    return ZT_OK;
}

static zt_status read_layer(io_domainspec *s, const char *sec, io_ds_layer *l, zt_err *err)
{
    long band;
    int field, rs;
    const char *fname;
    zt_status st;
    l->name = zt_strdup(io_ini_subname(sec, "layer"));
    if (!l->name) {
        return zt_fail(err, ZT_ENOMEM, "out of memory");
    }
    if ((st = io_ini_choice(s->ini, sec, "field", 1, io_ds_field_names, 0, &field, err)) != ZT_OK ||
        (st = io_ini_path(s->ini, sec, "file", 1, NULL, &l->file, err)) != ZT_OK ||
        (st = io_ini_int(s->ini, sec, "band", 0, 1, 1, 10000, &band, err)) != ZT_OK ||
        (st = io_ini_string(s->ini, sec, "layer", 0, NULL, &l->vlayer, err)) != ZT_OK ||
        (st = io_ini_string(s->ini, sec, "attribute", 0, NULL, &l->attribute, err)) != ZT_OK ||
        (st = io_ini_string(s->ini, sec, "where", 0, NULL, &l->where, err)) != ZT_OK ||
        (st = io_ini_path(s->ini, sec, "classes", 0, NULL, &l->classes, err)) != ZT_OK ||
        (st = io_ini_double(s->ini, sec, "factor", 0, 1.0, -1e6, 1e6, &l->factor, err)) != ZT_OK) {
        return st;
    }
    const int classy = field == DS_SOIL || field == DS_LANDUSE;
    const int def_rs = classy ? RS_MODE : 0;
    if ((st = io_ini_choice(s->ini, sec, "resample", 0, io_ds_resample_names, def_rs, &rs, err)) !=
        ZT_OK) {
        return st;
    }
    if ((st = io_ini_doubles_upto(s->ini, sec, "codes", 0, DS_MAXCODES, -1e9, 1e9, l->codes,
                                  &l->ncodes, err)) != ZT_OK) {
        return st;
    }
    l->field = field;
    l->band = (int)band;
    l->resample = rs;
    fname = io_ds_field_names[field];
    if (classy && rs != RS_MODE && rs != RS_NEAREST) {
        return io_ini_fail(s->ini, sec, "resample", err,
                           "%s is a class: resample by mode or nearest, not %s", fname,
                           io_ds_resample_names[rs]);
    }
    if (classy && !l->classes) {
        return io_ini_fail(s->ini, sec, "classes", err,
                           "%s needs a class table (code,class) from the layer's codes to "
                           "zoet's classes (data/classes/ has defaults)",
                           fname);
    }
    if (rs == RS_FRACTION && !l->attribute && l->ncodes == 0 && !l->where) {
        return io_ini_fail(s->ini, sec, "codes", err,
                           "resample = fraction needs the codes counted (a raster) or the "
                           "polygons (a vector layer, optionally with where)");
    }
    return ZT_OK;
}

static zt_status read_layers(io_domainspec *s, zt_err *err)
{
    int n = 0;
    for (int i = 0; i < io_ini_nsections(s->ini); i++) {
        n += io_ini_subname(io_ini_section(s->ini, i), "layer") != NULL;
    }
    s->layer = zt_calloc((size_t)(n ? n : 1), sizeof *s->layer);
    if (!s->layer) {
        return zt_fail(err, ZT_ENOMEM, "out of memory");
    }
    for (int i = 0; i < io_ini_nsections(s->ini); i++) {
        const char *sec = io_ini_section(s->ini, i);
        if (!io_ini_subname(sec, "layer")) {
            continue;
        }
        io_ds_layer *l = &s->layer[s->nlayer++];
        zt_status st = read_layer(s, sec, l, err);
        if (st != ZT_OK) {
            return st;
        }
        for (int k = 0; k < s->nlayer - 1; k++) {
            if (s->layer[k].field == l->field) {
                return io_ini_fail(s->ini, sec, "field", err, "%s is filled by [layer.%s] already",
                                   io_ds_field_names[l->field], s->layer[k].name);
            }
        }
    }
    return ZT_OK;
}

static zt_status read_defaults(io_domainspec *s, zt_err *err)
{
    for (int f = 0; f < DS_NFIELD; f++) {
        s->def[f] = NAN;
        zt_status st = io_ini_double(s->ini, "defaults", io_ds_field_names[f], 0, NAN, -1e6, 1e6,
                                     &s->def[f], err);
        if (st != ZT_OK) {
            return st;
        }
    }
    return ZT_OK;
}

static zt_status read_districts(io_domainspec *s, zt_err *err)
{
    io_ds_districts *d = &s->districts;
    static const char *const outside[] = {"inactive", "nearest", NULL};
    zt_status st;
    if ((st = io_ini_path(s->ini, "districts", "file", 1, NULL, &d->file, err)) != ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "layer", 0, NULL, &d->layer, err)) != ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "id", 0, NULL, &d->id, err)) != ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "name", 0, NULL, &d->name, err)) != ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "summer", 0, NULL, &d->summer, err)) != ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "winter", 0, NULL, &d->winter, err)) != ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "fixed", 0, NULL, &d->fixed, err)) != ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "province", 0, NULL, &d->province, err)) !=
            ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "supplied", 0, NULL, &d->supplied, err)) !=
            ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "open_water", 0, NULL, &d->open_water, err)) !=
            ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "pump", 0, NULL, &d->pump, err)) != ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "flushing", 0, NULL, &d->flushing, err)) !=
            ZT_OK ||
        (st = io_ini_string(s->ini, "districts", "tolerance", 0, NULL, &d->tolerance, err)) !=
            ZT_OK ||
        (st = io_ini_bool(s->ini, "districts", "numeric_ids", 0, 0, &d->numeric_ids, err)) !=
            ZT_OK ||
        (st = io_ini_choice(s->ini, "districts", "outside", 0, outside, 0, &d->outside_nearest,
                            err)) != ZT_OK) {
        return st;
    }
    return ZT_OK;
}

zt_status io_domainspec_read(const char *path, io_domainspec *s, zt_err *err)
{
    memset(s, 0, sizeof *s);
    zt_status st = io_ini_load(path, &s->ini, err);
    if (st == ZT_OK) {
        st = read_grid(s, err);
    }
    if (st == ZT_OK) {
        st = read_layers(s, err);
    }
    if (st == ZT_OK) {
        st = read_defaults(s, err);
    }
    if (st == ZT_OK) {
        st = read_districts(s, err);
    }
    if (st == ZT_OK) {
        st = io_ini_check_unused(s->ini, err);
    }
    if (st != ZT_OK) {
        io_domainspec_free(s);
    }
    return st;
}

zt_status io_ds_classes(const char *path, const char *const *names, int n, double **out_codes,
                        int **out_class, int *ncode, zt_err *err)
{
    const io_csv_opts co = {.trim = 1, .comments = 1};
    io_csv *c = NULL;
    int cc, ck, got = 0, cap = 0;
    *out_codes = NULL;
    *out_class = NULL;
    *ncode = 0;
    zt_status st = io_csv_open(path, "the class table", ZT_EINPUT, &co, &c, err);
    if (st == ZT_OK) {
        st = io_csv_header(c, err);
    }
    if (st == ZT_OK) {
        st = io_csv_require(c, "code", &cc, err);
    }
    if (st == ZT_OK) {
        st = io_csv_require(c, "class", &ck, err);
    }
    while (st == ZT_OK && (st = io_csv_next(c, &got, err)) == ZT_OK && got) {
        double code;
        int k = -1;
        st = io_csv_double(c, cc, &code, err);
        if (st == ZT_OK && !(code == rint(code) && fabs(code) < 1e9)) {
            st = io_csv_fail(c, cc, err, "expected a whole number, got '%s'", io_csv_field(c, cc));
        }
        for (int i = 0; st == ZT_OK && i < n && k < 0; i++) {
            k = strcmp(io_csv_field(c, ck), names[i]) == 0 ? i : -1;
        }
        if (st == ZT_OK && k < 0) {
            st = io_csv_fail(c, ck, err, "'%s' is not a zoet class", io_csv_field(c, ck));
        }
        for (int i = 0; st == ZT_OK && i < *ncode; i++) {
            if ((*out_codes)[i] == code) {
                st = io_csv_fail(c, cc, err, "code %g given twice", code);
            }
        }
        if (st == ZT_OK && *ncode == cap) {
            cap = cap ? 2 * cap : 32;
            double *a = zt_realloc(*out_codes, (size_t)cap * sizeof *a);
            if (a) {
                *out_codes = a;
            }
            int *b = zt_realloc(*out_class, (size_t)cap * sizeof *b);
            if (b) {
                *out_class = b;
            }
            if (!a || !b) {
                st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
            }
        }
        if (st == ZT_OK) {
            (*out_codes)[*ncode] = code;
            (*out_class)[(*ncode)++] = k;
        }
    }
    io_csv_close(&c);
    if (st != ZT_OK) {
        zt_free(*out_codes);
        zt_free(*out_class);
        *out_codes = NULL;
        *out_class = NULL;
        *ncode = 0;
    }
    return st;
}
