/*
 * domain_build.c: `zoet domain build` (domain_build.h; docs/domain.md).
 */
#include "domain_build.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grid_domain.h"
#include "io_domainspec.h"
#include "io_dpoly.h"
#include "io_file.h"
#include "io_layer.h"
#include "io_nc.h"

typedef struct build {
    io_domainspec s;
    grid_domain *d;
    double *f[DS_NFIELD]; /* each field per cell; NaN: none */
    int32_t *cell_id;
    io_dpoly dp;
    int quiet;
} build;

static void build_free(build *b)
{
    for (int i = 0; i < DS_NFIELD; i++) {
        zt_free(b->f[i]);
    }
    zt_free(b->cell_id);
    io_dpoly_free(&b->dp);
    grid_domain_destroy(&b->d);
    io_domainspec_free(&b->s);
}

/* Codes to zoet classes by the layer's class table; an unknown code is an
 * error naming the layer, the code and its cells. */
static zt_status classify(const io_ds_layer *l, double *v, zt_idx n, zt_err *err)
{
    double *codes;
    int *cls, nc;
    const int soil = l->field == DS_SOIL;
    zt_status st = io_ds_classes(l->classes, soil ? zt_soil_names : zt_landuse_names,
                                 soil ? ZT_NSOIL : ZT_NLANDUSE, &codes, &cls, &nc, err);
    long bad = 0;
    double bad_code = NAN;
    for (zt_idx k = 0; st == ZT_OK && k < n; k++) {
        int found = -1;
        for (int i = 0; !isnan(v[k]) && i < nc && found < 0; i++) {
            found = codes[i] == v[k] ? cls[i] : -1;
        }
        if (!isnan(v[k]) && found < 0) {
            bad_code = isnan(bad_code) ? v[k] : bad_code;
            bad++;
        }
        v[k] = found >= 0 ? found : NAN;
    }
    if (st == ZT_OK && bad) {
        st = zt_fail(err, ZT_EINPUT,
                     "[layer.%s] %s: code %g (and %ld cell(s) in all with a code) is not in the "
                     "class table %s",
                     l->name, l->file, bad_code, bad, l->classes);
    }
    zt_free(codes);
    zt_free(cls);
    return st;
}

static zt_status read_layers(build *b, zt_err *err)
{
    const zt_idx n = zt_grid_ncell(&b->s.grid);
    for (int i = 0; i < b->s.nlayer; i++) {
        const io_ds_layer *l = &b->s.layer[i];
        io_layer_report rep;
        io_layer_spec ls;
        memset(&ls, 0, sizeof ls);
        ls.name = l->name;
        ls.path = l->file;
        ls.band = l->band;
        ls.vlayer = l->vlayer;
        ls.field = l->attribute;
        ls.where = l->where;
        ls.rule = (io_resample)l->resample;
        ls.codes = l->codes;
        ls.ncodes = l->ncodes;
        double *v = zt_malloc((size_t)n * sizeof *v);
        if (!v) {
            return zt_fail(err, ZT_ENOMEM, "out of memory");
        }
        b->f[l->field] = v;
        zt_status st = io_layer_read(&ls, &b->s.grid, v, &rep, err);
        if (st == ZT_OK && l->classes) {
            st = classify(l, v, n, err);
        }
        for (zt_idx k = 0; st == ZT_OK && k < n && l->factor != 1.0; k++) {
            v[k] *= l->factor;
        }
        if (st != ZT_OK) {
            return st;
        }
        if (!b->quiet) {
            printf("zoet domain build: [layer.%s] %s -> %s (%s%s%s): %ld cells, %ld without a "
                   "value (%ld outside the layer)\n",
                   l->name, l->file, io_ds_field_names[l->field], io_ds_resample_names[l->resample],
                   rep.warped ? ", warped from " : "", rep.warped ? rep.crs : "", rep.cells,
                   rep.nodata, rep.outside);
        }
    }
    return ZT_OK;
}

/* Cells in no polygon take the district of the nearest cell that has one
 * (breadth-first over the 4 neighbours: the nearest in steps). */
static zt_status fill_nearest(const zt_grid *g, int32_t *id, zt_err *err)
{
    const zt_idx n = zt_grid_ncell(g);
    zt_idx *q = zt_malloc((size_t)n * sizeof *q), head = 0, tail = 0;
    if (!q) {
        return zt_fail(err, ZT_ENOMEM, "out of memory");
    }
    for (zt_idx k = 0; k < n; k++) {
        if (id[k] > 0) {
            q[tail++] = k;
        }
    }
    while (head < tail) {
        const zt_idx k = q[head++], i = k % g->nx, j = k / g->nx;
        const zt_idx nb[4] = {i > 0 ? k - 1 : -1, i + 1 < g->nx ? k + 1 : -1,
                              j > 0 ? k - g->nx : -1, j + 1 < g->ny ? k + g->nx : -1};
        for (int m = 0; m < 4; m++) {
            if (nb[m] >= 0 && id[nb[m]] == 0) {
                id[nb[m]] = id[k];
                q[tail++] = nb[m];
            }
        }
    }
    zt_free(q);
    return ZT_OK;
}

static zt_status read_districts(build *b, zt_err *err)
{
    const io_ds_districts *ds = &b->s.districts;
    const zt_idx n = zt_grid_ncell(&b->s.grid);
    io_dpoly_spec sp;
    io_dpoly_report rep;
    memset(&sp, 0, sizeof sp);
    sp.path = ds->file;
    sp.layer = ds->layer;
    sp.id_field = ds->id;
    sp.name_field = ds->name;
    sp.summer_field = ds->summer;
    sp.winter_field = ds->winter;
    sp.fixed_field = ds->fixed;
    sp.province_field = ds->province;
    sp.supplied_field = ds->supplied;
    sp.open_water_field = ds->open_water;
    sp.pump_field = ds->pump;
    sp.flushing_field = ds->flushing;
    sp.tolerance_field = ds->tolerance;
    sp.id_from_field_numeric = ds->numeric_ids;
    b->cell_id = zt_calloc((size_t)n, sizeof *b->cell_id);
    if (!b->cell_id) {
        return zt_fail(err, ZT_ENOMEM, "out of memory");
    }
    zt_status st = io_dpoly_read(&sp, &b->s.grid, b->cell_id, &b->dp, &rep, err);
    if (st == ZT_OK && !b->quiet) {
        printf("zoet domain build: [districts] %s: %d polygons, %ld cells in none (%s), %ld cells "
               "in more than one, %d polygons without a cell\n",
               ds->file, b->dp.n, rep.in_none, ds->outside_nearest ? "the nearest district" : "inactive",
               rep.overlaps, rep.empty_polygons);
    }
    if (st == ZT_OK && ds->outside_nearest) {
        st = fill_nearest(&b->s.grid, b->cell_id, err);
    }
    return st;
}

/* Field f in cell k: the layer's value, else the default, else NaN. */
static double value(const build *b, int f, zt_idx k)
{
    const double v = b->f[f] ? b->f[f][k] : NAN;
    return isnan(v) ? b->s.def[f] : v;
}

/* Where the field comes from, for messages. */
static const char *source(const build *b, int f, char *buf, size_t n)
{
    for (int i = 0; i < b->s.nlayer; i++) {
        if (b->s.layer[i].field == f) {
            snprintf(buf, n, "[layer.%s]", b->s.layer[i].name);
            return buf;
        }
    }
    snprintf(buf, n, "no layer");
    return buf;
}

/* An active cell without a value of a field it needs: an error naming the
 * field, its source, the count and the first cell. */
static zt_status need(const build *b, int f, const uint8_t *mask, zt_err *err)
{
    const zt_grid *g = &b->s.grid;
    long miss = 0;
    zt_idx first = -1;
    char src[128];
    for (zt_idx k = 0; k < zt_grid_ncell(g); k++) {
        if (mask[k] == ZT_MASK_ACTIVE && isnan(value(b, f, k))) {
            first = first < 0 ? k : first;
            miss++;
        }
    }
    if (!miss) {
        return ZT_OK;
    }
    return zt_fail(err, ZT_EINPUT,
                   "%s: %s (%s) has no value in %ld active cell(s), the first at RD %.0f %.0f; "
                   "give [defaults] %s = ... or a layer that covers them",
                   b->s.ini ? io_ini_file(b->s.ini) : "", io_ds_field_names[f], source(b, f, src, sizeof src),
                   miss, g->x0 + ((double)(first % g->nx) + 0.5) * g->dx,
                   g->y0 + ((double)(first / g->nx) + 0.5) * g->dx, io_ds_field_names[f]);
}

static int has_source(const build *b, int f)
{
    return b->f[f] != NULL || !isnan(b->s.def[f]);
}

/* The province of district polygon p, or 0 when the layer gives none. */
static int dp_province(const build *b, int32_t id)
{
    for (int p = 0; p < b->dp.n; p++) {
        if (b->dp.id[p] == id) {
            return b->dp.province && b->dp.province[p] > 0 ? b->dp.province[p] : 0;
        }
    }
    return 0;
}

static zt_status assemble(build *b, zt_err *err)
{
    const zt_grid *g = &b->s.grid;
    const zt_idx n = zt_grid_ncell(g);
    static const int gw[9] = {DS_KD, DS_DEEP_HEAD, DS_SEEPAGE_C, DS_DITCH_C, DS_DITCH_CI,
                              DS_TRENCH_DEPTH, DS_TRENCH_C, DS_TILE_DEPTH, DS_TILE_C};
    int want_gw = 0;
    for (int i = 0; i < 9; i++) {
        want_gw |= has_source(b, gw[i]);
    }
    zt_status st = grid_domain_create(g, &b->d, err);
    if (st == ZT_OK && want_gw) {
        st = grid_domain_add_gw(b->d, err);
    }
    if (st == ZT_OK && has_source(b, DS_PEAT_THICKNESS)) {
        st = grid_domain_add_peat_thickness(b->d, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    grid_domain *d = b->d;
    for (zt_idx k = 0; k < n; k++) {
        const double fh = value(b, DS_FIXED_HEAD, k);
        const int in = b->cell_id[k] > 0 && !isnan(value(b, DS_SURFACE, k));
        d->mask[k] = !in ? ZT_MASK_INACTIVE : fh >= 0.5 ? ZT_MASK_FIXED : ZT_MASK_ACTIVE;
        d->district[k] = in ? b->cell_id[k] : 0;
        d->surface[k] = (float)value(b, DS_SURFACE, k);
        const int prov = dp_province(b, b->cell_id[k]);
        const double pv = value(b, DS_PROVINCE, k);
        d->province[k] = (uint8_t)(prov ? prov : isnan(pv) ? 0 : (int)pv);
    }
    static const int need_f[5] = {DS_SOIL, DS_LANDUSE, DS_GWDEPTH, DS_SPRINKLING, DS_SURFACE};
    for (int i = 0; st == ZT_OK && i < 5; i++) {
        st = need(b, need_f[i], d->mask, err);
    }
    for (int i = 0; st == ZT_OK && want_gw && i < 9; i++) {
        /* a drain depth may be absent (no trenches, no tile drains) */
        if (gw[i] != DS_TRENCH_DEPTH && gw[i] != DS_TILE_DEPTH && gw[i] != DS_TRENCH_C &&
            gw[i] != DS_TILE_C) {
            st = need(b, gw[i], d->mask, err);
        }
    }
    if (st != ZT_OK) {
        return st;
    }
    for (zt_idx k = 0; k < n; k++) {
        const int act = d->mask[k] != ZT_MASK_INACTIVE;
        d->soil[k] = act ? (uint8_t)value(b, DS_SOIL, k) : 0;
        d->landuse[k] = act ? (uint8_t)value(b, DS_LANDUSE, k) : 0;
        d->gwdepth[k] = (float)(act ? value(b, DS_GWDEPTH, k) : NAN);
        d->sprinkling[k] = act ? (uint8_t)value(b, DS_SPRINKLING, k) : 0;
        if (d->peat_thickness) {
            d->peat_thickness[k] = (float)(act ? value(b, DS_PEAT_THICKNESS, k) : NAN);
        }
        if (d->has_gw) {
            float *const a[9] = {d->kd, d->deep_head, d->cv, d->ditch_c, d->ditch_ci,
                                 d->trench_depth, d->trench_c, d->tile_depth, d->tile_c};
            for (int i = 0; i < 9; i++) {
                a[i][k] = (float)(act ? value(b, gw[i], k) : NAN);
            }
        }
    }
    return grid_domain_validate(d, io_ini_file(b->s.ini), err);
}

/* Per polygon its active cells (the district table lists those with one),
 * and a province where the layer gives none: that of most of its cells. */
static zt_status districts_of_cells(build *b, long *nc, zt_err *err)
{
    long (*pc)[3] = zt_calloc((size_t)(b->dp.n > 0 ? b->dp.n : 1), sizeof *pc);
    if (!pc) {
        return zt_fail(err, ZT_ENOMEM, "out of memory");
    }
    for (zt_idx k = 0; k < zt_grid_ncell(&b->s.grid); k++) {
        for (int p = 0; b->d->mask[k] != ZT_MASK_INACTIVE && p < b->dp.n; p++) {
            if (b->dp.id[p] == b->d->district[k]) {
                const int pi = zt_prov_index(b->d->province[k]);
                nc[p]++;
                if (pi >= 0) {
                    pc[p][pi]++;
                }
                break;
            }
        }
    }
    static const int codes[3] = {ZT_PROV_GRONINGEN, ZT_PROV_FRYSLAN, ZT_PROV_DRENTHE};
    for (int p = 0; p < b->dp.n; p++) {
        if (b->dp.province[p] > 0) {
            continue;
        }
        const int best = pc[p][0] >= pc[p][1] && pc[p][0] >= pc[p][2] ? 0 : pc[p][1] >= pc[p][2] ? 1 : 2;
        b->dp.province[p] = pc[p][best] > 0 ? codes[best] : -1;
    }
    zt_free(pc);
    return ZT_OK;
}

static zt_status write_outputs(build *b, const char *out_dir, zt_err *err)
{
    char path[4096];
    long *nc = zt_calloc((size_t)(b->dp.n > 0 ? b->dp.n : 1), sizeof *nc);
    zt_status st = nc ? districts_of_cells(b, nc, err) : zt_fail(err, ZT_ENOMEM, "out of memory");
    if (st == ZT_OK) {
        st = io_dir_ensure(out_dir, err);
    }
    if (st == ZT_OK) {
        st = io_domain_write(io_path_join(out_dir, "domain.nc", path, sizeof path), b->d,
                             "zoet domain built from GIS layers (zoet domain build)", err);
    }
    if (st == ZT_OK) {
        st = io_dpoly_write_ini(&b->dp, nc, io_path_join(out_dir, "districts.ini", path, sizeof path),
                                b->s.districts.file, err);
    }
    zt_free(nc);
    return st;
}

zt_status drv_domain_build(const char *spec_path, const char *out_dir, int quiet, zt_err *err)
{
    build b;
    memset(&b, 0, sizeof b);
    b.quiet = quiet;
    zt_status st = io_domainspec_read(spec_path, &b.s, err);
    if (st == ZT_OK) {
        st = read_layers(&b, err);
    }
    if (st == ZT_OK) {
        st = read_districts(&b, err);
    }
    if (st == ZT_OK) {
        st = assemble(&b, err);
    }
    if (st == ZT_OK) {
        st = write_outputs(&b, out_dir, err);
    }
    if (st == ZT_OK && !quiet) {
        long act = 0;
        for (zt_idx k = 0; k < zt_grid_ncell(&b.s.grid); k++) {
            act += b.d->mask[k] == ZT_MASK_ACTIVE;
        }
        printf("zoet domain build: %ld active cells of %lld; wrote %s/domain.nc and districts.ini\n",
               act, (long long)zt_grid_ncell(&b.s.grid), out_dir);
    }
    build_free(&b);
    return st;
}
