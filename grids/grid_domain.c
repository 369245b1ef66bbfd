/*
 * grid_domain.c: allocation and validation of the static fields.
 *
 * The groundwater group (issue 3, DESIGN.md §2 "Groundwater") is optional:
 * a root-zone-only domain has has_gw = 0 and NULL arrays;
 * grid_domain_add_gw gives a domain the nine arrays, all NAN. The checks of
 * grid_domain_validate follow from the equation of core_gw.h: kD, cv and
 * every resistance divide a head difference, so they must be finite and
 * > 0 where they are used, and within the accepted ranges of grid_domain.h
 * (docs/inputs.md: a resistance of 1e-30 d or a kD of 1e30 m2/d breaks the
 * solver or the balance instead of being named); depths of trenches and
 * tile drains are measured down from the surface (m, >= 0), NAN meaning
 * "no such system here".
 *
 * The peat thickness (m) is optional on its own (NULL: unknown). It is a
 * length down from the surface, so >= 0 and finite, at most
 * GRID_PEAT_THICKNESS_MAX; NAN ("unknown") is allowed only where the soil
 * is not peat, since the peat relation needs the thickness of every peat
 * cell once the domain gives one.
 */
#include "grid_domain.h"

#include <math.h>
#include <stdio.h>

zt_status grid_domain_create(const zt_grid *g, grid_domain **out, zt_err *err)
{
    grid_domain *d;
    zt_idx n;

    *out = NULL;
    if (g->nx <= 0 || g->ny <= 0 || !(g->dx > 0)) {
        return zt_fail(err, ZT_EINPUT, "grid of %lld x %lld cells of %g m is empty",
                       (long long)g->nx, (long long)g->ny, g->dx);
    }
    n = zt_grid_ncell(g);
    d = zt_calloc(1, sizeof *d);
    if (!d) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for a domain");
    }
    d->g = *g;
    d->mask = zt_calloc((size_t)n, sizeof *d->mask);
    d->surface = zt_calloc((size_t)n, sizeof *d->surface);
    d->soil = zt_calloc((size_t)n, sizeof *d->soil);
    d->landuse = zt_calloc((size_t)n, sizeof *d->landuse);
    d->district = zt_calloc((size_t)n, sizeof *d->district);
    d->province = zt_calloc((size_t)n, sizeof *d->province);
    d->gwdepth = zt_calloc((size_t)n, sizeof *d->gwdepth);
    d->sprinkling = zt_calloc((size_t)n, sizeof *d->sprinkling);
    if (!d->mask || !d->surface || !d->soil || !d->landuse || !d->district || !d->province ||
        !d->gwdepth || !d->sprinkling) {
        grid_domain_destroy(&d);
        return zt_fail(err, ZT_ENOMEM, "out of memory for a domain of %lld cells",
                       (long long)n);
    }
    *out = d;
    return ZT_OK;
}

/* The nine groundwater arrays of a domain, in a fixed order. */
static void gw_arrays(grid_domain *d, float **a[9])
{
    a[0] = &d->kd;
    a[1] = &d->deep_head;
    a[2] = &d->cv;
    a[3] = &d->ditch_c;
    a[4] = &d->ditch_ci;
    a[5] = &d->trench_depth;
    a[6] = &d->trench_c;
    a[7] = &d->tile_depth;
    a[8] = &d->tile_c;
}

/* Free the groundwater arrays and set has_gw = 0. */
static void gw_free(grid_domain *d)
{
    float **a[9];
    int i;
    gw_arrays(d, a);
    for (i = 0; i < 9; i++) {
        zt_free(*a[i]);
        *a[i] = NULL;
    }
    d->has_gw = 0;
}

void grid_domain_release_gw(grid_domain *d)
{
    gw_free(d);
}

zt_status grid_domain_add_gw(grid_domain *d, zt_err *err)
{
    zt_idx n = zt_grid_ncell(&d->g), k;
    float **a[9];
    int i;

    if (d->has_gw) {
        return ZT_OK;
    }
    gw_arrays(d, a);
    for (i = 0; i < 9; i++) {
        *a[i] = zt_malloc((size_t)n * sizeof **a[i]);
        if (!*a[i]) {
            gw_free(d);
            return zt_fail(err, ZT_ENOMEM,
                           "out of memory for the groundwater fields of a domain of %lld cells",
                           (long long)n);
        }
        for (k = 0; k < n; k++) {
            (*a[i])[k] = NAN;
        }
    }
    d->has_gw = 1;
    return ZT_OK;
}

zt_status grid_domain_add_peat_thickness(grid_domain *d, zt_err *err)
{
    zt_idx n = zt_grid_ncell(&d->g), k;

    if (d->peat_thickness) {
        return ZT_OK;
    }
    d->peat_thickness = zt_malloc((size_t)n * sizeof *d->peat_thickness);
    if (!d->peat_thickness) {
        return zt_fail(err, ZT_ENOMEM,
                       "out of memory for the peat thickness of a domain of %lld cells",
                       (long long)n);
    }
    for (k = 0; k < n; k++) {
        d->peat_thickness[k] = NAN;
    }
    return ZT_OK;
}

void grid_domain_destroy(grid_domain **d)
{
    if (!d || !*d) {
        return;
    }
    gw_free(*d);
    zt_free((*d)->peat_thickness);
    zt_free((*d)->mask);
    zt_free((*d)->surface);
    zt_free((*d)->soil);
    zt_free((*d)->landuse);
    zt_free((*d)->district);
    zt_free((*d)->province);
    zt_free((*d)->gwdepth);
    zt_free((*d)->sprinkling);
    zt_free(*d);
    *d = NULL;
}

static zt_status bad_cell(const grid_domain *d, zt_idx k, const char *what, const char *field,
                          const char *why, zt_err *err)
{
    zt_idx j = k / d->g.nx, i = k % d->g.nx;
    return zt_fail(err, ZT_EINPUT, "%s: variable %s: %s in active cell row %lld col %lld (x %.0f, y %.0f)",
                   what, field, why, (long long)j, (long long)i, d->g.x0 + (i + 0.5) * d->g.dx,
                   d->g.y0 + (j + 0.5) * d->g.dx);
}

/* v in [lo, hi] (unit); else the reason into why (NaN and +-Inf fail). */
static int bad_range(float v, double lo, double hi, const char *unit, char *why, size_t n)
{
    if (v >= lo && v <= hi) {
        return 0;
    }
    snprintf(why, n, "value %g, outside the accepted range [%g, %g] %s", (double)v, lo, hi,
             unit);
    return 1;
}

/* A drainage system (trenches or tile drains) of cell k: its depth, NAN for
 * none, and its resistance where a depth is given. */
static zt_status validate_drain(const grid_domain *d, zt_idx k, const char *what,
                                const float *depth, const float *c, const char *vdepth,
                                const char *vc, zt_err *err)
{
    char why[128];
    if (isnan(depth[k])) {
        return ZT_OK;
    }
    if (!(depth[k] >= 0.0f && depth[k] <= GRID_DRAIN_DEPTH_MAX)) {
        snprintf(why, sizeof why, "depth %g, must be >= 0 and <= %g m (or fill: none)",
                 (double)depth[k], GRID_DRAIN_DEPTH_MAX);
        return bad_cell(d, k, what, vdepth, why, err);
    }
    if (bad_range(c[k], GRID_C_MIN, GRID_C_MAX, "d", why, sizeof why)) {
        return bad_cell(d, k, what, vc, why, err);
    }
    return ZT_OK;
}

/*
 * The groundwater checks of one active cell k (see grid_domain.h); the
 * variable names are those of the domain file (io_nc.c).
 */
static zt_status validate_gw_cell(const grid_domain *d, zt_idx k, const char *what, zt_err *err)
{
    static const char *const cname[3] = {"seepage_resistance", "ditch_resistance",
                                          "ditch_infiltration_resistance"};
    const float *c[3] = {d->cv, d->ditch_c, d->ditch_ci};
    char why[128];
    zt_status st;
    int i;

    if (bad_range(d->kd[k], GRID_KD_MIN, GRID_KD_MAX, "m2 d-1", why, sizeof why)) {
        return bad_cell(d, k, what, "kd", why, err);
    }
    if (bad_range(d->deep_head[k], GRID_LEVEL_MIN, GRID_LEVEL_MAX, "m NAP", why, sizeof why)) {
        return bad_cell(d, k, what, "deep_head", why, err);
    }
    for (i = 0; i < 3; i++) {
        if (bad_range(c[i][k], GRID_C_MIN, GRID_C_MAX, "d", why, sizeof why)) {
            return bad_cell(d, k, what, cname[i], why, err);
        }
    }
    st = validate_drain(d, k, what, d->trench_depth, d->trench_c, "trench_depth",
                        "trench_resistance", err);
    if (st == ZT_OK) {
        st = validate_drain(d, k, what, d->tile_depth, d->tile_c, "tile_depth",
                            "tile_resistance", err);
    }
    return st;
}

/* The peat thickness of active cell k, when the domain has one: in [0,
 * GRID_PEAT_THICKNESS_MAX] m, or NAN (unknown) where the soil is not peat. */
static zt_status validate_peat_cell(const grid_domain *d, zt_idx k, const char *what,
                                    zt_err *err)
{
    char why[128];
    float t = d->peat_thickness[k];

    if (isnan(t)) {
        if (d->soil[k] != ZT_SOIL_PEAT) {
            return ZT_OK;
        }
        return bad_cell(d, k, what, "peat_thickness",
                        "no value (fill or NaN) where the soil is peat", err);
    }
    if (bad_range(t, 0.0, GRID_PEAT_THICKNESS_MAX, "m", why, sizeof why)) {
        return bad_cell(d, k, what, "peat_thickness", why, err);
    }
    return ZT_OK;
}

zt_status grid_domain_validate(const grid_domain *d, const char *what, zt_err *err)
{
    zt_idx n = zt_grid_ncell(&d->g);
    zt_idx k, nactive = 0;
    char why[128];

    for (k = 0; k < n; k++) {
        if (d->mask[k] > ZT_MASK_FIXED) {
            return bad_cell(d, k, what, "mask", "code outside 0-2", err);
        }
        if (d->mask[k] != ZT_MASK_ACTIVE) {
            continue;
        }
        nactive++;
        if (d->landuse[k] == ZT_LU_NONE || d->landuse[k] >= ZT_NLANDUSE) {
            return bad_cell(d, k, what, "landuse", "no known land-use class (1-6)", err);
        }
        if (d->soil[k] >= ZT_NSOIL ||
            (d->soil[k] == ZT_SOIL_NONE && d->landuse[k] != ZT_LU_WATER)) {
            return bad_cell(d, k, what, "soil", "no known soil class (1-3)", err);
        }
        if (d->district[k] <= 0) {
            return bad_cell(d, k, what, "district", "no district id (> 0)", err);
        }
        if (bad_range(d->surface[k], GRID_LEVEL_MIN, GRID_LEVEL_MAX, "m NAP", why,
                      sizeof why)) {
            return bad_cell(d, k, what, "surface_level", why, err);
        }
        if (bad_range(d->gwdepth[k], 0.0, GRID_GWDEPTH_MAX, "m", why, sizeof why)) {
            return bad_cell(d, k, what, "gw_depth_init", why, err);
        }
        if (d->sprinkling[k] > ZT_SPR_GROUND) {
            return bad_cell(d, k, what, "sprinkling_source", "code outside 0-2", err);
        }
        if (d->has_gw) {
            zt_status st = validate_gw_cell(d, k, what, err);
            if (st != ZT_OK) {
                return st;
            }
        }
        if (d->peat_thickness) {
            zt_status st = validate_peat_cell(d, k, what, err);
            if (st != ZT_OK) {
                return st;
            }
        }
    }
    if (nactive == 0) {
        return zt_fail(err, ZT_EINPUT, "%s: variable mask: no active cell", what);
    }
    return ZT_OK;
}
