/*
 * grid_domain.c: allocation and validation of the static fields.
 */
#include "grid_domain.h"

#include <math.h>

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

void grid_domain_destroy(grid_domain **d)
{
    if (!d || !*d) {
        return;
    }
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

zt_status grid_domain_validate(const grid_domain *d, const char *what, zt_err *err)
{
    zt_idx n = zt_grid_ncell(&d->g);
    zt_idx k, nactive = 0;

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
        if (!isfinite(d->surface[k]) || d->surface[k] < -20.0f || d->surface[k] > 400.0f) {
            return bad_cell(d, k, what, "surface_level", "value outside -20 to 400 m NAP", err);
        }
        if (!isfinite(d->gwdepth[k]) || d->gwdepth[k] < 0.0f || d->gwdepth[k] > 50.0f) {
            return bad_cell(d, k, what, "gw_depth_init", "depth outside 0 to 50 m", err);
        }
        if (d->sprinkling[k] > ZT_SPR_GROUND) {
            return bad_cell(d, k, what, "sprinkling_source", "code outside 0-2", err);
        }
    }
    if (nactive == 0) {
        return zt_fail(err, ZT_EINPUT, "%s: variable mask: no active cell", what);
    }
    return ZT_OK;
}
