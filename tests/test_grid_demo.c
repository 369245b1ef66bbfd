/*
 * test_grid_demo.c: the built-in Noord-Nederland demo domain (grids/grid_demo.c).
 *
 * The domain is built once from data/boundaries/ (an unchecked fixture, so
 * the forked tests share it) and checked against the requirements
 * and hand calculations:
 * - grid: x0, y0 multiples of 250 m, dx = 250 m, the box tight around the
 *   active and fixed-head cells;
 * - active area per province within 10 % of the CBS land areas (Fryslân
 *   3340, Groningen 2330, Drenthe 2640 km2, issue text); Drenthe, which has
 *   no water polygon, within 1 % of its polygon area 2680 km2
 *   (shared/data/PROVENANCE.md): the cell-centre rule loses and gains about
 *   perimeter x dx / 2 in random sign, far under 1 %;
 * - classes: every active cell has a land use, soil, district and province;
 *   fixed-head and inactive cells none, with the water levels of the rules;
 * - districts: inside one province, 10-50 km2, at least 100;
 * - the fixed-head band by brute force: every fixed-head cell within 2000 m
 *   of an active cell, every other water cell of a province farther;
 * - rules at named places (RD New): soil, land use, levels, depths,
 *   sprinkling source recomputed from the documented table;
 * - groundwater (issue 3): every active cell against the documented rules
 *   (ranges per soil, the linear relations between the fields of a cell,
 *   the aimed seepage (phi - h0) / cv of FACTS §8), trenches and tile
 *   drains exactly where the rules put them, determinism;
 * - the peat thickness: NAN outside the active cells, 0 in active cells
 *   that are not peat, in every peat cell between 0.3 + 0.5 x dx / 1 km and
 *   the maximum of its province, the rule recomputed with a brute-force
 *   distance for a sample of cells, a cell at the edge of the Westerkwartier
 *   peat worked out by hand;
 * - the district table: every district once, sorted, the level rule
 *   recomputed, summer >= winter, summer below the median land surface,
 *   the flushing totals; a hand-made domain worked out by hand;
 * - determinism, grid_domain_validate, and the error paths (missing file,
 *   not a vector file, wrong coordinate system, a province missing, bad cell
 *   size, out of memory).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid_demo.h"
#include "testutil.h"

#define BOUNDARIES "data/boundaries/provinciegebied_noord_nederland_rd_new.geojson"

static grid_domain *demo; /* built once by the fixture */
static zt_status demo_status;
static zt_err demo_err;

static void demo_setup(void)
{
    zt_err_clear(&demo_err);
    demo_status = grid_demo_build(BOUNDARIES, GRID_DEMO_DX, &demo, &demo_err);
}

static void demo_teardown(void)
{
    grid_domain_destroy(&demo);
}

static void need_demo(void)
{
    ck_assert_msg(demo_status == ZT_OK && demo, "demo build failed: %s", demo_err.msg);
}

/* The cell holding RD point (x, y) (m); -1 outside the grid. */
static zt_idx cell_at(const grid_domain *d, double x, double y)
{
    zt_idx i = (zt_idx)floor((x - d->g.x0) / d->g.dx);
    zt_idx j = (zt_idx)floor((y - d->g.y0) / d->g.dx);
    if (i < 0 || j < 0 || i >= d->g.nx || j >= d->g.ny) {
        return -1;
    }
    return j * d->g.nx + i;
}

START_TEST(test_grid_geometry)
{
    const zt_grid *g;
    zt_idx i, j, n;
    int west = 0, east = 0, south = 0, north = 0;

    need_demo();
    g = &demo->g;
    ck_assert_double_eq(g->dx, 250.0);
    ck_assert_double_eq(fmod(g->x0, 250.0), 0.0);
    ck_assert_double_eq(fmod(g->y0, 250.0), 0.0);
    ck_assert_int_gt(g->nx, 400);
    ck_assert_int_gt(g->ny, 300);
    /* tight: each edge row and column holds a non-inactive cell */
    for (j = 0; j < g->ny; j++) {
        west |= demo->mask[j * g->nx] != ZT_MASK_INACTIVE;
        east |= demo->mask[j * g->nx + g->nx - 1] != ZT_MASK_INACTIVE;
    }
    for (i = 0; i < g->nx; i++) {
        south |= demo->mask[i] != ZT_MASK_INACTIVE;
        north |= demo->mask[(g->ny - 1) * g->nx + i] != ZT_MASK_INACTIVE;
    }
    ck_assert(west && east && south && north);
    /* the provinces' envelope is x 117000-278026, y 514316-621876 (ogrinfo) */
    ck_assert(g->x0 >= 117000.0 - 250.0 && g->x0 + g->nx * g->dx <= 278250.0);
    ck_assert(g->y0 >= 514250.0 && g->y0 + g->ny * g->dx <= 622000.0);
    n = zt_grid_ncell(g);
    printf("grid_demo: nx %lld ny %lld x0 %.0f y0 %.0f (%lld cells)\n", (long long)g->nx,
           (long long)g->ny, g->x0, g->y0, (long long)n);
}
END_TEST

START_TEST(test_land_areas)
{
    const double real[3] = {2330.0, 3340.0, 2640.0}; /* km2, CBS land (issue) */
    double area[3] = {0, 0, 0}, a = demo ? demo->g.dx * demo->g.dx / 1e6 : 0;
    zt_idx k, n;
    int p;

    need_demo();
    n = zt_grid_ncell(&demo->g);
    for (k = 0; k < n; k++) {
        if (demo->mask[k] == ZT_MASK_ACTIVE) {
            area[demo->province[k] - ZT_PROV_GRONINGEN] += a;
        }
    }
    for (p = 0; p < 3; p++) {
        printf("grid_demo: province %d active %.0f km2 (real land %.0f, %+.1f %%)\n", 20 + p,
               area[p], real[p], 100.0 * (area[p] / real[p] - 1.0));
        ck_assert_msg(fabs(area[p] / real[p] - 1.0) <= 0.10, "province %d: %.0f km2 vs %.0f",
                      20 + p, area[p], real[p]);
    }
    ck_assert_msg(fabs(area[2] / 2680.0 - 1.0) <= 0.01, "Drenthe %.1f km2 vs polygon 2680",
                  area[2]);
}
END_TEST

START_TEST(test_classes)
{
    zt_idx k, n;
    long nwater = 0, nactive = 0, ncap = 0;

    need_demo();
    n = zt_grid_ncell(&demo->g);
    for (k = 0; k < n; k++) {
        if (demo->mask[k] == ZT_MASK_ACTIVE) {
            nactive++;
            ck_assert_int_ge(demo->landuse[k], ZT_LU_GRASS);
            ck_assert_int_le(demo->landuse[k], ZT_LU_WATER);
            ck_assert_int_ge(demo->soil[k], ZT_SOIL_PEAT);
            ck_assert_int_le(demo->soil[k], ZT_SOIL_SAND);
            ck_assert_int_gt(demo->district[k], 0);
            ck_assert(demo->province[k] >= ZT_PROV_GRONINGEN &&
                      demo->province[k] <= ZT_PROV_DRENTHE);
            ck_assert(demo->surface[k] >= -2.5f && demo->surface[k] <= 30.0f);
            nwater += demo->landuse[k] == ZT_LU_WATER;
            ncap += demo->landuse[k] == ZT_LU_CAPITAL;
            if (demo->landuse[k] == ZT_LU_WATER) {
                ck_assert_float_eq(demo->gwdepth[k], 0.0f);
            }
        } else {
            ck_assert_int_eq(demo->landuse[k], 0);
            ck_assert_int_eq(demo->soil[k], 0);
            ck_assert_int_eq(demo->district[k], 0);
            ck_assert_int_eq(demo->sprinkling[k], 0);
            ck_assert_float_eq(demo->gwdepth[k], 0.0f);
            if (demo->mask[k] == ZT_MASK_FIXED) {
                /* IJsselmeer -0.20, Wadden/Eems 0.00, Lauwersmeer -0.90 m NAP */
                ck_assert(demo->surface[k] == -0.2f || demo->surface[k] == 0.0f ||
                          demo->surface[k] == -0.9f);
                ck_assert_int_ne(demo->province[k], 0);
            } else {
                ck_assert_float_eq(demo->surface[k], 0.0f);
            }
        }
    }
    /* lakes about 60 km2; capital-intensive crops "a few %" */
    ck_assert(nwater * 0.0625 > 30.0 && nwater * 0.0625 < 150.0);
    ck_assert(ncap > 0.005 * nactive && ncap < 0.06 * nactive);
}
END_TEST

START_TEST(test_districts)
{
    enum { MAXID = 23000 };
    long *cells = calloc(MAXID, sizeof *cells);
    int *prov = calloc(MAXID, sizeof *prov);
    double a, amin = 1e30, amax = 0;
    zt_idx k, n;
    int id, count = 0;

    need_demo();
    ck_assert(cells && prov);
    n = zt_grid_ncell(&demo->g);
    for (k = 0; k < n; k++) {
        id = demo->district[k];
        if (demo->mask[k] != ZT_MASK_ACTIVE) {
            continue;
        }
        ck_assert_int_lt(id, MAXID);
        ck_assert_int_eq(id / 1000, demo->province[k]);
        if (prov[id] == 0) {
            prov[id] = demo->province[k];
        }
        ck_assert_int_eq(prov[id], demo->province[k]);
        cells[id]++;
    }
    for (id = 0; id < MAXID; id++) {
        if (cells[id] > 0) {
            a = cells[id] * demo->g.dx * demo->g.dx / 1e6;
            ck_assert_msg(a >= 10.0 && a <= 50.0, "district %d has %.2f km2", id, a);
            amin = fmin(amin, a);
            amax = fmax(amax, a);
            count++;
        }
    }
    printf("grid_demo: %d districts, %.2f to %.2f km2\n", count, amin, amax);
    ck_assert_int_ge(count, 100);
    free(cells);
    free(prov);
}
END_TEST

/* Brute force: distance (m) from cell k to the nearest active cell, up to
 * `reach` m (returns a value > reach when none is that near). */
static double dist_to_active(const grid_domain *d, zt_idx k, double reach)
{
    zt_idx nx = d->g.nx, j = k / nx, i = k % nx, r = (zt_idx)ceil(reach / d->g.dx) + 1, dj, di;
    double best = reach + 1.0;
    for (dj = -r; dj <= r; dj++) {
        for (di = -r; di <= r; di++) {
            zt_idx jj = j + dj, ii = i + di;
            if (jj < 0 || ii < 0 || jj >= d->g.ny || ii >= nx) {
                continue;
            }
            if (d->mask[jj * nx + ii] == ZT_MASK_ACTIVE) {
                best = fmin(best, hypot((double)di, (double)dj) * d->g.dx);
            }
        }
    }
    return best;
}

START_TEST(test_fixed_band)
{
    zt_idx k, n;
    long nfixed = 0, ntouch = 0;

    need_demo();
    n = zt_grid_ncell(&demo->g);
    for (k = 0; k < n; k++) {
        if (demo->mask[k] == ZT_MASK_FIXED) {
            double dd = dist_to_active(demo, k, 2000.0);
            ck_assert_msg(dd <= 2000.0 + 1e-6, "fixed-head cell %lld is %.0f m from land",
                          (long long)k, dd);
            nfixed++;
            ntouch += dd <= 250.0 + 1e-6;
        } else if (demo->mask[k] == ZT_MASK_INACTIVE && demo->province[k] != 0) {
            /* water of a province beyond the band */
            ck_assert(dist_to_active(demo, k, 2000.0) > 2000.0);
        }
    }
    /* the band is about 2 km wide along some 400 km of coast and shore */
    ck_assert(nfixed * 0.0625 > 400.0 && nfixed * 0.0625 < 1500.0);
    ck_assert(ntouch > 0);
}
END_TEST

/* Named places (RD New, m; docs/demo-domain.md) against the rules. */
START_TEST(test_rules_at_places)
{
    zt_idx k;

    need_demo();
    /* Leeuwarden, Groningen, Assen centres: urban */
    ck_assert_int_eq(demo->landuse[cell_at(demo, 182600, 579500)], ZT_LU_URBAN);
    ck_assert_int_eq(demo->landuse[cell_at(demo, 233800, 582100)], ZT_LU_URBAN);
    ck_assert_int_eq(demo->landuse[cell_at(demo, 234000, 556800)], ZT_LU_URBAN);
    /* Tjeukemeer centre: open water at the boezem level -0.52 m NAP */
    k = cell_at(demo, 183600, 544800);
    ck_assert_int_eq(demo->landuse[k], ZT_LU_WATER);
    ck_assert_float_eq_tol(demo->surface[k], -0.52f, 1e-6f);
    /* between Leeuwarden and Heerenveen (Grou area, 185000 566000): low peat,
     * more than 6 km inside the peat, so z = -0.5 - 2.0 = -2.5 m NAP */
    k = cell_at(demo, 187000, 566000);
    ck_assert_int_eq(demo->soil[k], ZT_SOIL_PEAT);
    ck_assert_int_eq(demo->landuse[k], ZT_LU_GRASS);
    ck_assert(demo->surface[k] <= -1.5f && demo->surface[k] >= -2.5f);
    ck_assert(demo->gwdepth[k] >= 0.4f && demo->gwdepth[k] <= 0.6f);
    ck_assert_int_eq(demo->sprinkling[k], ZT_SPR_NONE);
    /* Uithuizen-Winsum (236000 600000): Groningen clay, arable, surface water */
    k = cell_at(demo, 236000, 600000);
    ck_assert_int_eq(demo->soil[k], ZT_SOIL_CLAY);
    ck_assert(demo->landuse[k] == ZT_LU_ARABLE || demo->landuse[k] == ZT_LU_URBAN);
    ck_assert(demo->surface[k] >= 0.0f && demo->surface[k] <= 1.5f);
    ck_assert(demo->gwdepth[k] >= 0.8f && demo->gwdepth[k] <= 1.2f);
    /* the Hondsrug between Borger and Odoorn: sand, well above +15 m NAP */
    k = cell_at(demo, 251500, 545500);
    ck_assert_int_eq(demo->soil[k], ZT_SOIL_SAND);
    ck_assert(demo->surface[k] > 15.0f && demo->surface[k] < 30.0f);
    /* Drents-Friese Wold: nature, no sprinkling */
    k = cell_at(demo, 216000, 547000);
    ck_assert_int_eq(demo->landuse[k], ZT_LU_NATURE);
    ck_assert_int_eq(demo->sprinkling[k], ZT_SPR_NONE);
    /* Terschelling (152500 601000): an active island cell, sand */
    k = cell_at(demo, 152500, 601200);
    ck_assert_int_eq(demo->mask[k], ZT_MASK_ACTIVE);
    ck_assert_int_eq(demo->soil[k], ZT_SOIL_SAND);
    ck_assert_int_eq(demo->province[k], ZT_PROV_FRYSLAN);
    /* the IJsselmeer off Stavoren and the Wadden off Harlingen: fixed head */
    k = cell_at(demo, 151500, 544000);
    ck_assert_int_eq(demo->mask[k], ZT_MASK_FIXED);
    ck_assert_float_eq(demo->surface[k], -0.2f);
    k = cell_at(demo, 155000, 577000);
    ck_assert_int_eq(demo->mask[k], ZT_MASK_FIXED);
    ck_assert_float_eq(demo->surface[k], 0.0f);
    /* the Lauwersmeer (211000 599000): fixed head at -0.90 m NAP */
    k = cell_at(demo, 211000, 599000);
    ck_assert_int_eq(demo->mask[k], ZT_MASK_FIXED);
    ck_assert_float_eq(demo->surface[k], -0.9f);
    /* far out in the Wadden Sea (200000 607000, 5 km off the coast): inactive */
    k = cell_at(demo, 200000, 606500);
    ck_assert_int_eq(demo->mask[k], ZT_MASK_INACTIVE);
}
END_TEST

/* Peat share and the sprinkling-source table on every cell. */
START_TEST(test_soil_and_sprinkling_rules)
{
    zt_idx k, n, n_spr = 0, n_farm = 0;
    double peat_fr = 0.0, a;

    need_demo();
    a = demo->g.dx * demo->g.dx / 1e6;
    n = zt_grid_ncell(&demo->g);
    for (k = 0; k < n; k++) {
        uint8_t lu = demo->landuse[k], s = demo->soil[k], want = ZT_SPR_NONE;
        if (demo->mask[k] != ZT_MASK_ACTIVE) {
            continue;
        }
        if (grid_demo_sprinkled(lu, demo->g.x0 + ((double)(k % demo->g.nx) + 0.5) * demo->g.dx,
                           demo->g.y0 + ((double)(k / demo->g.nx) + 0.5) * demo->g.dx)) {
            want = s == ZT_SOIL_SAND ? ZT_SPR_GROUND : ZT_SPR_SURFACE;
        }
        if (want != ZT_SPR_NONE) {
            n_spr++;
        }
        if (lu == ZT_LU_GRASS || lu == ZT_LU_ARABLE || lu == ZT_LU_CAPITAL) {
            n_farm++;
        }
        ck_assert_int_eq(demo->sprinkling[k], want);
        if (lu != ZT_LU_WATER) {
            if (s == ZT_SOIL_PEAT) {
                ck_assert(demo->gwdepth[k] >= 0.4f - 1e-6f && demo->gwdepth[k] <= 0.6f + 1e-6f);
            } else if (s == ZT_SOIL_CLAY) {
                ck_assert(demo->gwdepth[k] >= 0.8f - 1e-6f && demo->gwdepth[k] <= 1.2f + 1e-6f);
            } else {
                ck_assert(demo->gwdepth[k] >= 1.0f - 1e-6f && demo->gwdepth[k] <= 2.5f + 1e-6f);
            }
        }
        if (s == ZT_SOIL_PEAT && demo->province[k] == ZT_PROV_FRYSLAN) {
            peat_fr += a;
            if (lu != ZT_LU_WATER) {
                ck_assert(demo->surface[k] >= -2.5f - 1e-6f && demo->surface[k] <= -0.5f + 1e-6f);
            }
        }
    }
    /* FACTS.md §3: Frisian peat meadows at least 730 km2, about 1/4 of Fryslân */
    printf("grid_demo: peat in Fryslân %.0f km2\n", peat_fr);
    ck_assert(peat_fr >= 600.0 && peat_fr <= 1100.0);
    /* about a quarter of the farm land can be sprinkled (26 % of the grass
       and arable blocks, plus every capital-intensive cell) */
    printf("grid_demo: %.1f %% of farm land can be sprinkled\n",
           100.0 * (double)n_spr / (double)n_farm);
    ck_assert((double)n_spr > 0.20 * (double)n_farm && (double)n_spr < 0.35 * (double)n_farm);
}
END_TEST

START_TEST(test_deterministic_and_valid)
{
    grid_domain *d2 = NULL;
    zt_err err;
    size_t n;

    need_demo();
    zt_err_clear(&err);
    ck_assert_int_eq(grid_domain_validate(demo, BOUNDARIES, &err), ZT_OK);
    ck_assert_int_eq(grid_demo_build(BOUNDARIES, GRID_DEMO_DX, &d2, &err), ZT_OK);
    ck_assert(d2->g.nx == demo->g.nx && d2->g.ny == demo->g.ny);
    ck_assert(d2->g.x0 == demo->g.x0 && d2->g.y0 == demo->g.y0);
    n = (size_t)zt_grid_ncell(&demo->g);
    ck_assert(memcmp(d2->mask, demo->mask, n) == 0);
    ck_assert(memcmp(d2->surface, demo->surface, n * sizeof *demo->surface) == 0);
    ck_assert(memcmp(d2->soil, demo->soil, n) == 0);
    ck_assert(memcmp(d2->landuse, demo->landuse, n) == 0);
    ck_assert(memcmp(d2->district, demo->district, n * sizeof *demo->district) == 0);
    ck_assert(memcmp(d2->province, demo->province, n) == 0);
    ck_assert(memcmp(d2->gwdepth, demo->gwdepth, n * sizeof *demo->gwdepth) == 0);
    ck_assert(memcmp(d2->sprinkling, demo->sprinkling, n) == 0);
    ck_assert(memcmp(d2->peat_thickness, demo->peat_thickness,
                     n * sizeof *demo->peat_thickness) == 0);
    grid_domain_destroy(&d2);
    ck_assert_ptr_null(d2);
    grid_domain_destroy(&d2); /* NULL is fine */
}
END_TEST

/* ---- groundwater fields (issue 3) ------------------------------------- */

#define GW_TOL 1e-3 /* relative tolerance on values that went through float (-) */

static int near(double a, double b)
{
    return fabs(a - b) <= GW_TOL * fmax(1.0, fabs(b));
}

static double clamp01(double v)
{
    return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
}

/*
 * Every active cell against the documented rules (docs/demo-domain.md §7):
 * ranges per soil, and the rules' own relations: all quantities of a cell
 * are linear in one coordinate (tp into the peat, tc from the coast, ts up
 * the sand plateau), so e.g. for low peat cv = 1000 + 1000 tp with
 * tp = (kd - 5) / 15. Seepage q = (phi - h0) / cv at the initial water
 * table h0 = z - depth must be FACTS §8's [E] flux of the rule.
 */
START_TEST(test_gw_rules)
{
    zt_idx k, n, nsand_dr = 0, nboulder = 0, nfr_peat = 0;
    double qmin_fr = 1e9, qmax_fr = -1e9, qmin_dr = 1e9, qmax_dr = -1e9;
    grid_district *tab = NULL;
    int ntab = 0;
    zt_err e;

    need_demo();
    ck_assert_int_eq(demo->has_gw, 1);
    zt_err_clear(&e);
    ck_assert_int_eq(grid_demo_districts(demo, &tab, &ntab, &e), ZT_OK);
    n = zt_grid_ncell(&demo->g);
    for (k = 0; k < n; k++) {
        double kd = demo->kd[k], cv = demo->cv[k], dc = demo->ditch_c[k];
        double z = demo->surface[k], level = 0.0;
        double q; /* mm/d, > 0 up: the aimed seepage at the district's summer level */
        int t;
        for (t = 0; t < ntab; t++) {
            if (tab[t].id == demo->district[k]) {
                level = tab[t].summer_level;
            }
        }
        q = (demo->deep_head[k] - level) / cv * 1000.0;
        uint8_t s = demo->soil[k], lu = demo->landuse[k];
        int trench = lu == ZT_LU_GRASS && (s == ZT_SOIL_CLAY || s == ZT_SOIL_PEAT);
        int tile = (lu == ZT_LU_ARABLE || lu == ZT_LU_CAPITAL) && s == ZT_SOIL_CLAY;

        if (demo->mask[k] != ZT_MASK_ACTIVE) {
            ck_assert(isnan(demo->deep_head[k]) && isnan(cv) && isnan(dc) &&
                      isnan(demo->ditch_ci[k]) && isnan(demo->trench_depth[k]) &&
                      isnan(demo->tile_depth[k]));
            if (demo->mask[k] == ZT_MASK_FIXED) {
                ck_assert_float_eq(demo->kd[k], 30.0f);
            } else {
                ck_assert(isnan(demo->kd[k]));
            }
            continue;
        }
        ck_assert_msg(isfinite(demo->deep_head[k]), "phi cell %lld", (long long)k);
        ck_assert(near(demo->ditch_ci[k], 1.5 * dc));
        if (s == ZT_SOIL_PEAT) {
            double tp = (kd - 5.0) / 15.0;
            ck_assert_msg(kd >= 5.0 - 1e-4 && kd <= 20.0 + 1e-4, "peat kd %g", kd);
            ck_assert_msg(near(dc, 100.0 - 70.0 * tp), "peat ditch %g tp %g", dc, tp);
            if (demo->province[k] != ZT_PROV_DRENTHE) {
                ck_assert(near(cv, 1000.0 + 1000.0 * tp));
                ck_assert_msg(fabs(q - (0.2 + 0.2 * tp)) < 1e-3, "peat q %g", q);
                if (demo->province[k] == ZT_PROV_FRYSLAN) {
                    nfr_peat++;
                    qmin_fr = fmin(qmin_fr, q);
                    qmax_fr = fmax(qmax_fr, q);
                }
            } else {
                ck_assert((near(cv, 300.0) && fabs(q - 1.0) < 1e-3) ||
                          (near(cv, 1500.0) && fabs(q + 0.3) < 1e-3));
            }
        } else if (s == ZT_SOIL_CLAY) {
            double tc = (30.0 - kd) / 20.0;
            ck_assert_msg(kd >= 10.0 - 1e-4 && kd <= 30.0 + 1e-4, "clay kd %g", kd);
            ck_assert(near(cv, 1500.0 - 1000.0 * tc));
            ck_assert_msg(fabs(q - 0.1 * (1.0 - tc)) < 1e-3, "clay q %g", q);
            ck_assert(near(dc, 100.0 + 50.0 * clamp01(z / 1.5)));
        } else {
            double ts = clamp01(z / 20.0), base = 300.0 - 250.0 * ts;
            ck_assert_msg(kd >= 50.0 - 1e-4 && kd <= 300.0 + 1e-4, "sand kd %g", kd);
            ck_assert(near(cv, 200.0 + 300.0 * ts));
            ck_assert_msg(fabs(q - (-0.3 - 0.7 * ts)) < 1e-3, "sand q %g", q);
            ck_assert(near(dc, 150.0 + 150.0 * ts));
            if (demo->province[k] == ZT_PROV_DRENTHE) {
                nsand_dr++;
                qmin_dr = fmin(qmin_dr, q);
                qmax_dr = fmax(qmax_dr, q);
                if (!near(kd, base)) {
                    ck_assert(near(kd, fmax(50.0, 0.5 * base)));
                    nboulder++;
                }
            } else {
                ck_assert(near(kd, base));
            }
        }
        ck_assert(cv >= 200.0 - 1e-3 && cv <= 2000.0 + 1e-3);
        ck_assert(dc >= 30.0 - 1e-4 && dc <= 300.0 + 1e-4);
        if (trench) {
            ck_assert(demo->trench_depth[k] == 0.3f && demo->trench_c[k] == 30.0f);
        } else {
            ck_assert(isnan(demo->trench_depth[k]) && isnan(demo->trench_c[k]));
        }
        if (tile) {
            ck_assert(demo->tile_depth[k] == 1.0f && demo->tile_c[k] == 20.0f);
        } else {
            ck_assert(isnan(demo->tile_depth[k]) && isnan(demo->tile_c[k]));
        }
    }
    /* FACTS §8 [E]: Frisian peat polders +0.1 to +0.5 mm/d, Drents plateau
       -0.3 to -1 mm/d */
    ck_assert_int_gt(nfr_peat, 1000);
    ck_assert(qmin_fr >= 0.1 && qmax_fr <= 0.5);
    ck_assert(qmin_dr >= -1.0 - 1e-3 && qmax_dr <= -0.3 + 1e-3);
    /* the boulder-clay blocks: 30 % of the 1-km blocks, so 20-40 % of the
       cells whose kD the halving changes (it cannot change kD at 50) */
    printf("grid_demo: Frisian peat seepage %.2f to %.2f mm/d, Drenthe sand %.2f to %.2f mm/d, "
           "boulder clay in %.1f %% of Drenthe's sand\n",
           qmin_fr, qmax_fr, qmin_dr, qmax_dr, 100.0 * (double)nboulder / (double)nsand_dr);
    ck_assert(nboulder > nsand_dr / 5 && nboulder < 2 * nsand_dr / 5);
    zt_free(tab);
}
END_TEST

/* The gw fields of two builds are the same bytes. */
START_TEST(test_gw_deterministic)
{
    grid_domain *d2 = NULL;
    zt_err err;
    size_t n;

    need_demo();
    zt_err_clear(&err);
    ck_assert_int_eq(grid_demo_build(BOUNDARIES, GRID_DEMO_DX, &d2, &err), ZT_OK);
    n = (size_t)zt_grid_ncell(&demo->g) * sizeof(float);
    ck_assert(memcmp(d2->kd, demo->kd, n) == 0);
    ck_assert(memcmp(d2->deep_head, demo->deep_head, n) == 0);
    ck_assert(memcmp(d2->cv, demo->cv, n) == 0);
    ck_assert(memcmp(d2->ditch_c, demo->ditch_c, n) == 0);
    ck_assert(memcmp(d2->ditch_ci, demo->ditch_ci, n) == 0);
    ck_assert(memcmp(d2->trench_depth, demo->trench_depth, n) == 0);
    ck_assert(memcmp(d2->trench_c, demo->trench_c, n) == 0);
    ck_assert(memcmp(d2->tile_depth, demo->tile_depth, n) == 0);
    ck_assert(memcmp(d2->tile_c, demo->tile_c, n) == 0);
    grid_domain_destroy(&d2);
}
END_TEST

/* ---- peat thickness ----------------------------------------------------- */

/* The demo's maximum peat thickness of a province (m), docs/demo-domain.md. */
static double peat_tmax(uint8_t prov)
{
    return prov == ZT_PROV_FRYSLAN ? 2.5 : (prov == ZT_PROV_GRONINGEN ? 1.5 : 0.5);
}

/* The rule T = min(T_max, 0.3 + 0.5 d / 1 km) with the distance d (m) from
 * cell k to the nearest active non-peat cell found by brute force over all
 * cells (exact: squared distances in whole cells). */
static double peat_rule_brute(const grid_domain *d, zt_idx k)
{
    zt_idx nx = d->g.nx, n = zt_grid_ncell(&d->g), q;
    long long best = -1;
    for (q = 0; q < n; q++) {
        long long di, dj, d2;
        if (d->mask[q] != ZT_MASK_ACTIVE || d->soil[q] == ZT_SOIL_PEAT) {
            continue;
        }
        di = (long long)(q % nx - k % nx);
        dj = (long long)(q / nx - k / nx);
        d2 = di * di + dj * dj;
        if (best < 0 || d2 < best) {
            best = d2;
        }
    }
    ck_assert_int_ge(best, 1);
    return fmin(peat_tmax(d->province[k]), 0.3 + 0.5 * sqrt((double)best) * d->g.dx / 1000.0);
}

START_TEST(test_peat_thickness)
{
    static const char *const pname[3] = {"Groningen", "Fryslan", "Drenthe"};
    double tmin[3] = {1e9, 1e9, 1e9}, tmax[3] = {0, 0, 0}, tsum[3] = {0, 0, 0};
    double tedge; /* m: a peat cell next to a non-peat cell */
    long npeat[3] = {0, 0, 0}, nedge = 0, nbrute = 0;
    zt_idx k, n, e, w;
    int p;

    need_demo();
    ck_assert_ptr_nonnull(demo->peat_thickness);
    tedge = 0.3 + 0.5 * demo->g.dx / 1000.0; /* 0.425 m at dx = 250 m */
    n = zt_grid_ncell(&demo->g);
    for (k = 0; k < n; k++) {
        float t = demo->peat_thickness[k];
        zt_idx i = k % demo->g.nx;
        int edge = 0;
        if (demo->mask[k] != ZT_MASK_ACTIVE) {
            ck_assert_msg(isnan(t), "cell %lld (mask %d): %g", (long long)k, demo->mask[k], t);
            continue;
        }
        if (demo->soil[k] != ZT_SOIL_PEAT) {
            ck_assert_msg(t == 0.0f, "non-peat cell %lld: %g", (long long)k, t);
            continue;
        }
        p = demo->province[k] - ZT_PROV_GRONINGEN;
        ck_assert(p >= 0 && p < 3);
        ck_assert_msg(t >= 0.3f && t >= (float)tedge - 1e-6f &&
                          t <= (float)peat_tmax(demo->province[k]),
                      "peat cell %lld in %s: %g m", (long long)k, pname[p], t);
        npeat[p]++;
        tsum[p] += t;
        tmin[p] = fmin(tmin[p], t);
        tmax[p] = fmax(tmax[p], t);
        /* next to a non-peat land cell (west or east): the thinnest peat */
        for (e = -1; e <= 1; e += 2) {
            w = k + e;
            if (i + e >= 0 && i + e < demo->g.nx && demo->mask[w] == ZT_MASK_ACTIVE &&
                demo->soil[w] != ZT_SOIL_PEAT) {
                edge = 1;
            }
        }
        if (edge) {
            ck_assert_float_eq_tol(t, tedge, 1e-6);
            nedge++;
        }
        /* the rule with a brute-force distance, in every 97th peat cell */
        if ((npeat[0] + npeat[1] + npeat[2]) % 97 == 1) {
            double want = peat_rule_brute(demo, k); /* m */
            ck_assert_msg(fabs(t - want) < 1e-5, "cell %lld: %g vs %g", (long long)k, t, want);
            nbrute++;
        }
    }
    for (p = 0; p < 3; p++) {
        ck_assert_int_gt(npeat[p], 500);
        printf("grid_demo: peat thickness in %s: %ld cells, min %.3f mean %.3f max %.3f m\n",
               pname[p], npeat[p], tmin[p], tsum[p] / (double)npeat[p], tmax[p]);
    }
    /* the deepest Frisian and Groningen peat reaches its maximum */
    ck_assert_float_eq_tol(tmax[1], 2.5, 1e-6);
    ck_assert_float_eq_tol(tmax[0], 1.5, 1e-6);
    ck_assert_float_eq_tol(tmax[2], 0.5, 1e-6);
    ck_assert_int_gt(nedge, 100);
    ck_assert_int_gt(nbrute, 100);

    /* by hand: the east edge of the Westerkwartier peat disc (216500 576500,
       r 4.5 km) in the row of y 576625: the peat cell centred at x 220875
       has sand land at x 221125, one cell (250 m) east, so
       T = 0.3 + 0.5 x 0.25 = 0.425 m; the cell west of it 0.3 + 0.5 x 0.5
       = 0.55 m (its nearest non-peat cell is the same, 500 m away); the
       disc's centre lies more than 2.4 km in, at Groningen's 1.5 m */
    k = cell_at(demo, 220875.0, 576625.0);
    ck_assert(k >= 0 && demo->soil[k] == ZT_SOIL_PEAT && demo->province[k] == ZT_PROV_GRONINGEN);
    ck_assert(demo->soil[k + 1] == ZT_SOIL_SAND && demo->mask[k + 1] == ZT_MASK_ACTIVE);
    ck_assert_float_eq_tol(demo->peat_thickness[k], 0.425f, 1e-6f);
    ck_assert_float_eq_tol(demo->peat_thickness[k - 1], 0.55f, 1e-6f);
    ck_assert_float_eq(demo->peat_thickness[k + 1], 0.0f);
    k = cell_at(demo, 216500.0, 576500.0);
    ck_assert_float_eq_tol(demo->peat_thickness[k], 1.5f, 1e-6f);
}
END_TEST

/* ---- the district table ------------------------------------------------- */

static int cmp_float(const void *a, const void *b)
{
    float p = *(const float *)a, q = *(const float *)b;
    return (p > q) - (p < q);
}

START_TEST(test_demo_districts)
{
    enum { MAXID = 23000 };
    long *cells = calloc(MAXID, sizeof *cells);
    float *zs = NULL;
    grid_district *t = NULL, *t2 = NULL;
    int n = 0, n2 = 0, i, count = 0, nflush[3] = {0, 0, 0}, nuns = 0;
    double flush[3] = {0.0, 0.0, 0.0}; /* m3/s: Groningen, Fryslân, Drenthe */
    zt_idx k, nc;
    zt_err err;

    need_demo();
    nc = zt_grid_ncell(&demo->g);
    zs = malloc((size_t)nc * sizeof *zs);
    ck_assert(cells && zs);
    for (k = 0; k < nc; k++) {
        if (demo->mask[k] == ZT_MASK_ACTIVE) {
            cells[demo->district[k]]++;
        }
    }
    for (i = 0; i < MAXID; i++) {
        count += cells[i] > 0;
    }
    zt_err_clear(&err);
    ck_assert_msg(grid_demo_districts(demo, &t, &n, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(n, count); /* every district once ... */
    for (i = 0; i < n; i++) {
        const grid_district *r = &t[i];
        char want[48];
        int nz = 0, nsoil[4] = {0, 0, 0, 0}, soil = 2, s;
        double z10, median, summer;

        ck_assert(r->id > 0 && r->id < MAXID && cells[r->id] > 0);
        ck_assert(i == 0 || t[i - 1].id < r->id); /* ... sorted by id */
        ck_assert_int_eq(r->province, r->id / 1000);
        snprintf(want, sizeof want, "%s %03d",
                 r->province == ZT_PROV_GRONINGEN ? "Groningen"
                 : r->province == ZT_PROV_FRYSLAN ? "Fryslân"
                                                   : "Drenthe",
                 r->id % 1000);
        ck_assert_str_eq(r->name, want);
        /* recompute the level rule: land cells' 10th percentile (nearest
           rank) minus the drainage depth of the dominant soil */
        for (k = 0; k < nc; k++) {
            if (demo->mask[k] == ZT_MASK_ACTIVE && demo->district[k] == r->id &&
                demo->landuse[k] != ZT_LU_WATER) {
                zs[nz++] = demo->surface[k];
                nsoil[demo->soil[k]]++;
            }
        }
        ck_assert_int_gt(nz, 0);
        qsort(zs, (size_t)nz, sizeof *zs, cmp_float);
        z10 = zs[(int)ceil(0.1 * nz) - 1];
        median = nz % 2 ? zs[nz / 2] : 0.5 * (zs[nz / 2 - 1] + zs[nz / 2]);
        for (s = 1, soil = 0; s < 4; s++) {
            soil = nsoil[s] > (soil ? nsoil[soil] : 0) ? s : soil;
        }
        summer = z10 - (soil == ZT_SOIL_PEAT ? 0.6 : soil == ZT_SOIL_CLAY ? 1.0 : 1.2);
        summer = round(100.0 * summer) / 100.0; /* levels to the centimetre */
        ck_assert_msg(fabs(r->summer_level - summer) < 1e-9, "district %d: %g vs %g", r->id,
                      r->summer_level, summer);
        ck_assert(fabs(r->summer_level - r->winter_level -
                       (soil == ZT_SOIL_SAND ? 0.2 : 0.1)) < 0.0101);
        ck_assert(r->summer_level >= r->winter_level);
        ck_assert_msg(r->summer_level < median, "district %d: summer %g, median %g", r->id,
                      r->summer_level, median);
        ck_assert(fabs(r->ow_fraction - (soil == ZT_SOIL_PEAT   ? 0.08
                                         : soil == ZT_SOIL_CLAY ? 0.04
                                                                : 0.02)) < 1e-12);
        ck_assert(r->pump_mm_d == 12.0);
        ck_assert(r->tolerance_m == 0.10);
        /* supply areas (issue 13): sandy districts with a summer level above
           +2 m NAP lie outside them, but for the Veenkolonien (centroid x
           at least 245 km in Groningen, 250 km in Drenthe) */
        {
            double sx = 0.0;
            long nk = 0;
            for (k = 0; k < nc; k++) {
                if (demo->mask[k] == ZT_MASK_ACTIVE && demo->district[k] == r->id) {
                    sx += demo->g.x0 + demo->g.dx * ((double)(k % demo->g.nx) + 0.5);
                    nk++;
                }
            }
            const double cxx = sx / (double)nk;
            const int vk = (r->province == ZT_PROV_GRONINGEN && cxx >= 245000.0) ||
                           (r->province == ZT_PROV_DRENTHE && cxx >= 250000.0);
            const int want_uns = soil == ZT_SOIL_SAND && r->summer_level > 2.0 && !vk;
            ck_assert_msg(r->unsupplied == want_uns, "district %d: unsupplied %d, want %d",
                          r->id, r->unsupplied, want_uns);
            nuns += r->unsupplied;
        }
        ck_assert(r->flushing_m3s >= 0.0);
        if (r->flushing_m3s > 0.0) {
            nflush[r->province - 20]++;
            flush[r->province - 20] += r->flushing_m3s;
        }
    }
    /* FACTS §1: 2.5 million m3/d for northern Friesland; 0.5 [E] Groningen */
    printf("grid_demo: %d districts; flushing %d in Fryslân (%.2f m3/s), %d in Groningen "
           "(%.2f m3/s)\n",
           n, nflush[1], flush[1], nflush[0], flush[0]);
    printf("grid_demo: %d districts outside the supply areas\n", nuns);
    ck_assert_int_gt(nuns, 0);
    ck_assert_int_lt(nuns, n);
    ck_assert_int_ge(nflush[1], 3);
    ck_assert_int_ge(nflush[0], 3);
    ck_assert_int_eq(nflush[2], 0);
    ck_assert_double_eq_tol(flush[1], 2.5e6 / 86400.0, 1e-9);
    ck_assert_double_eq_tol(flush[0], 0.5e6 / 86400.0, 1e-9);
    /* deterministic */
    ck_assert_int_eq(grid_demo_districts(demo, &t2, &n2, &err), ZT_OK);
    ck_assert_int_eq(n2, n);
    ck_assert(memcmp(t, t2, (size_t)n * sizeof *t) == 0);
    zt_free(t);
    zt_free(t2);
    free(cells);
    free(zs);
}
END_TEST

/*
 * A hand-made domain of 6 x 2 cells of 250 m near Holwerd (about 4.5 km
 * south of the dike): district 21001 on cells 0-9 (land z = 1..9 m NAP on
 * cells 0-8, five sand then four peat; cell 9 open water at -5), district
 * 5 (no province) on cells 10-11 (peat at 0 and -1 m NAP).
 *   21001: 9 land cells, rank ceil(0.9) = 1 -> z10 = 1.0; sand dominant:
 *          summer 1.0 - 1.2 = -0.2, winter -0.4, ow 0.02; the only
 *          coastal Frisian district: all of 2.5e6 / 86400 = 28.935 m3/s.
 *   5:     rank ceil(0.2) = 1 -> z10 = -1.0; peat: summer -1.6, winter
 *          -1.7, ow 0.08; no province: no flushing; name "District 005".
 */
START_TEST(test_districts_by_hand)
{
    static const zt_grid g = {6, 2, 187000.0, 595000.0, 250.0};
    grid_domain *d = NULL;
    grid_district *t = NULL;
    int n = -1;
    long nth;
    zt_status st = ZT_ENOMEM;
    zt_idx k;
    zt_err err;

    zt_err_clear(&err);
    ck_assert_int_eq(grid_domain_create(&g, &d, &err), ZT_OK);
    /* no district at all */
    ck_assert_int_eq(grid_demo_districts(d, &t, &n, &err), ZT_EINPUT);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(n, 0);
    ck_assert_msg(strstr(err.msg, "no active cell with a district"), "%s", err.msg);
    for (k = 0; k < 12; k++) {
        d->mask[k] = ZT_MASK_ACTIVE;
        d->landuse[k] = ZT_LU_GRASS;
        d->district[k] = k < 10 ? 21001 : 5;
        d->province[k] = k < 10 ? ZT_PROV_FRYSLAN : ZT_PROV_NONE;
        d->soil[k] = k < 5 ? ZT_SOIL_SAND : ZT_SOIL_PEAT;
        d->surface[k] = (float)(k + 1);
    }
    d->landuse[9] = ZT_LU_WATER;
    d->soil[9] = ZT_SOIL_NONE;
    d->surface[9] = -5.0f;
    d->surface[10] = 0.0f;
    d->surface[11] = -1.0f;
    zt_err_clear(&err);
    ck_assert_msg(grid_demo_districts(d, &t, &n, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(t[0].id, 5);
    ck_assert_str_eq(t[0].name, "District 005");
    ck_assert_int_eq(t[0].province, ZT_PROV_NONE);
    ck_assert_double_eq_tol(t[0].summer_level, -1.6, 1e-12);
    ck_assert_double_eq_tol(t[0].winter_level, -1.7, 1e-12);
    ck_assert_double_eq_tol(t[0].ow_fraction, 0.08, 1e-12);
    ck_assert(t[0].flushing_m3s == 0.0);
    ck_assert_int_eq(t[1].id, 21001);
    ck_assert_str_eq(t[1].name, "Fryslân 001");
    ck_assert_int_eq(t[1].province, ZT_PROV_FRYSLAN);
    ck_assert_double_eq_tol(t[1].summer_level, -0.2, 1e-12);
    ck_assert_double_eq_tol(t[1].winter_level, -0.4, 1e-12);
    ck_assert_double_eq_tol(t[1].ow_fraction, 0.02, 1e-12);
    ck_assert_double_eq_tol(t[1].pump_mm_d, 12.0, 1e-12);
    ck_assert_double_eq_tol(t[1].flushing_m3s, 2.5e6 / 86400.0, 1e-9);
    zt_free(t);
    t = NULL;
    /* every allocation failing in turn */
    for (nth = 1; nth < 20 && st != ZT_OK; nth++) {
        zt_err_clear(&err);
        zt_alloc_fail_after(nth);
        st = grid_demo_districts(d, &t, &n, &err);
        zt_alloc_fail_after(0);
        if (st != ZT_OK) {
            ck_assert_int_eq(st, ZT_ENOMEM);
            ck_assert_ptr_null(t);
        }
    }
    ck_assert_int_eq(st, ZT_OK);
    ck_assert_int_gt(nth, 3);
    zt_free(t);
    grid_domain_destroy(&d);
}
END_TEST

START_TEST(test_missing_file)
{
    grid_domain *d = (grid_domain *)&d; /* must be reset to NULL */
    zt_err err;

    zt_err_clear(&err);
    ck_assert_int_eq(grid_demo_build("out/tests/no/such/provinces.geojson", 250.0, &d, &err),
                     ZT_EINPUT);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(err.msg, "out/tests/no/such/provinces.geojson") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(test_not_vector)
{
    char dir[256], path[512];
    grid_domain *d = NULL;
    zt_err err;

    tu_tmpdir("grid_demo_notvec", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/garbage.geojson", dir);
    ck_assert_int_eq(tu_write(path, "this is not { a GeoJSON file\n"), 0);
    zt_err_clear(&err);
    ck_assert_int_eq(grid_demo_build(path, 250.0, &d, &err), ZT_EINPUT);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(err.msg, path) != NULL, "%s", err.msg);
}
END_TEST

START_TEST(test_wrong_crs)
{
    char dir[256], path[512];
    grid_domain *d = NULL;
    zt_err err;
    /* GeoJSON without "crs" is WGS84 (RFC 7946) */
    const char *text = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                       "\"properties\":{\"code\":\"PV20\"},\"geometry\":{\"type\":\"Polygon\","
                       "\"coordinates\":[[[6.5,53.2],[6.6,53.2],[6.6,53.3],[6.5,53.2]]]}}]}\n";

    tu_tmpdir("grid_demo_crs", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/wgs84.geojson", dir);
    ck_assert_int_eq(tu_write(path, text), 0);
    zt_err_clear(&err);
    ck_assert_int_eq(grid_demo_build(path, 250.0, &d, &err), ZT_EINPUT);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(err.msg, "EPSG:28992") != NULL && strstr(err.msg, path) != NULL, "%s",
                  err.msg);
}
END_TEST

START_TEST(test_missing_province)
{
    char dir[256], path[512];
    grid_domain *d = NULL;
    zt_err err;
    /* RD New; Groningen (by code) and Drenthe (by naam) only */
    const char *text =
        "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
        "{\"name\":\"urn:ogc:def:crs:EPSG::28992\"}},\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"code\":\"20\"},\"geometry\":{\"type\":"
        "\"Polygon\",\"coordinates\":[[[230000,580000],[240000,580000],[240000,590000],"
        "[230000,580000]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"naam\":\"Drenthe\"},\"geometry\":{\"type\":"
        "\"Polygon\",\"coordinates\":[[[230000,550000],[240000,550000],[240000,560000],"
        "[230000,550000]]]}}]}\n";

    tu_tmpdir("grid_demo_prov", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/two.geojson", dir);
    ck_assert_int_eq(tu_write(path, text), 0);
    zt_err_clear(&err);
    ck_assert_int_eq(grid_demo_build(path, 250.0, &d, &err), ZT_EINPUT);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(err.msg, "PV21") != NULL && strstr(err.msg, path) != NULL, "%s", err.msg);
}
END_TEST

START_TEST(test_bad_cell_size)
{
    grid_domain *d = NULL;
    zt_err err;

    zt_err_clear(&err);
    ck_assert_int_eq(grid_demo_build(BOUNDARIES, 0.0, &d, &err), ZT_EINPUT);
    ck_assert_ptr_null(d);
    zt_err_clear(&err);
    ck_assert_int_eq(grid_demo_build(BOUNDARIES, NAN, &d, &err), ZT_EINPUT);
    ck_assert(strstr(err.msg, "cell size") != NULL);
}
END_TEST

/* Out of memory at several depths: ZT_ENOMEM, nothing returned, no leak
 * (valgrind). The allocations are numbered from the start of the build. */
START_TEST(test_out_of_memory)
{
    static const long nth[] = {1, 2, 5, 10, 20, 25, 30, 40};
    size_t i;

    for (i = 0; i < sizeof nth / sizeof nth[0]; i++) {
        grid_domain *d = NULL;
        zt_err err;
        zt_status st;
        zt_err_clear(&err);
        zt_alloc_fail_after(nth[i]);
        st = grid_demo_build(BOUNDARIES, 1000.0, &d, &err);
        zt_alloc_fail_after(0);
        ck_assert_msg(st == ZT_ENOMEM || st == ZT_OK, "fail after %ld: %s", nth[i], err.msg);
        if (st == ZT_ENOMEM) {
            ck_assert_ptr_null(d);
            ck_assert(strstr(err.msg, "memory") != NULL);
        }
        grid_domain_destroy(&d);
    }
}
END_TEST

Suite *suite_grid_demo(void)
{
    Suite *s = suite_create("grid_demo");
    TCase *tc = tcase_create("domain");
    TCase *te = tcase_create("errors");

    tcase_add_unchecked_fixture(tc, demo_setup, demo_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_grid_geometry);
    tcase_add_test(tc, test_land_areas);
    tcase_add_test(tc, test_classes);
    tcase_add_test(tc, test_districts);
    tcase_add_test(tc, test_fixed_band);
    tcase_add_test(tc, test_rules_at_places);
    tcase_add_test(tc, test_soil_and_sprinkling_rules);
    tcase_add_test(tc, test_deterministic_and_valid);
    tcase_add_test(tc, test_gw_rules);
    tcase_add_test(tc, test_gw_deterministic);
    tcase_add_test(tc, test_peat_thickness);
    tcase_add_test(tc, test_demo_districts);
    tcase_add_test(tc, test_districts_by_hand);
    suite_add_tcase(s, tc);

    tcase_set_timeout(te, 60);
    tcase_add_test(te, test_missing_file);
    tcase_add_test(te, test_not_vector);
    tcase_add_test(te, test_wrong_crs);
    tcase_add_test(te, test_missing_province);
    tcase_add_test(te, test_bad_cell_size);
    tcase_add_test(te, test_out_of_memory);
    suite_add_tcase(s, te);
    return s;
}
