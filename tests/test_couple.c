/*
 * test_couple.c: suite "couple", one day of the coupled model
 * (core/core_couple.c): root zone, groundwater and districts together, the
 * order of sprinkling and flushing, the balance of the day, the error paths
 * and determinism.
 *
 * Every physics test runs a small hand-made domain (cells of 100 m, so one
 * cell is A = 10,000 m2 and 1 mm over a cell is 10 m3) and checks against
 * the hand calculation written out above it, in mm or m3. Groundwater
 * tests use kD = 0 (no lateral flow: each cell is a reservoir with its own
 * backward-Euler equation) or identical cells, and levels, Sy and
 * resistances that are exact in float (the solver keeps those as float,
 * core_gw.h), with a solver tolerance of 1e-10 m.
 *
 * Tolerances: TOL_M (1e-12 m, m/d) on root-zone amounts a few operations
 * from the hand number, TOL_M3 (1e-8 m3) on volumes of a day, TOL_H (1e-9 m)
 * on heads; 2e-5 m3 where a district level that is not exact in float sets
 * a ditch (6e-8 m of rounding x at most 1e4 x 0.5/65 m2/d of a cell).
 */
#include <check.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_couple.h"
#include "grid_domain.h"
#include "zt.h"

#define NC CORE_DCAT_COUNT
#define TOL_M 1e-12    /* m or m/d */
#define TOL_M3 1e-8    /* m3 or m3/d */
#define TOL_H 1e-9     /* m */
#define TOL_FLOAT 2e-5 /* m3: a ditch level rounded to float */

#define ASSERT_NEAR(a, b, tol)                                                                     \
    ck_assert_msg(fabs((a) - (b)) <= (tol), "%s = %.17g, expected %.17g (tol %g)", #a,             \
                  (double)(a), (double)(b), (double)(tol))

/* ---- fixtures ------------------------------------------------------------ */

/* A domain of nx x ny cells of 100 m, all inactive; gw: with the groundwater
 * group (all NAN). */
static grid_domain *new_domain(zt_idx nx, zt_idx ny, int gw)
{
    zt_grid g = {nx, ny, 0.0, 0.0, 100.0};
    grid_domain *d = NULL;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_int_eq(grid_domain_create(&g, &d, &err), ZT_OK);
    if (gw) {
        ck_assert_int_eq(grid_domain_add_gw(d, &err), ZT_OK);
    }
    return d;
}

/* An active cell. zs: surface (m NAP); gwd: initial depth of the water
 * table (m); spr: enum zt_sprinkling. */
static void set_cell(grid_domain *d, zt_idx k, int lu, int soil, int32_t dist, float zs, float gwd,
                     int spr)
{
    d->mask[k] = ZT_MASK_ACTIVE;
    d->landuse[k] = (uint8_t)lu;
    d->soil[k] = (uint8_t)soil;
    d->district[k] = dist;
    d->surface[k] = zs;
    d->gwdepth[k] = gwd;
    d->sprinkling[k] = (uint8_t)spr;
}

/* The groundwater of a cell: kD (m2/d), ditch resistances (d); no deep
 * aquifer, trenches or tiles (NAN from grid_domain_add_gw). */
static void set_gw(grid_domain *d, zt_idx k, float kd, float c, float ci)
{
    d->kd[k] = kd;
    d->ditch_c[k] = c;
    d->ditch_ci[k] = ci;
}

/* A land use x soil without interception, kc 1, paved 0, no capillary rise
 * or sprinkling: Smax (m), root depth 0.30 m, p 0.5. */
static void land(core_rz_params *p, double smax)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < 12; i++) {
        p->kc[i] = 1.0;
    }
    p->smax = smax;
    p->root_depth = 0.30;
    p->p = 0.5;
}

static void open_water(core_rz_params *p)
{
    memset(p, 0, sizeof *p);
    p->open_water = 1;
    for (int i = 0; i < 12; i++) {
        p->kc[i] = 1.25;
    }
}

/* Specific yield by soil: none (open water) 0.5, peat 0.5, clay 0.125,
 * sand 0.25 (exact in float). */
static const double SY[ZT_NSOIL] = {0.5, 0.5, 0.125, 0.25};

static grid_district district(int32_t id, double summer, double winter, double owf, double flush)
{
    grid_district t;
    memset(&t, 0, sizeof t);
    t.id = id;
    snprintf(t.name, sizeof t.name, "d%ld", (long)id);
    t.summer_level = summer;
    t.winter_level = winter;
    t.ow_fraction = owf;
    t.pump_mm_d = 10.0;
    t.flushing_m3s = flush;
    return t;
}

/* Summer from 1 April, winter from 1 October; change factors 1; a tight
 * solver. */
static core_cpl_config config(core_cpl_mode mode, zt_day start)
{
    core_cpl_config c;
    memset(&c, 0, sizeof c);
    c.mode = mode;
    c.summer_start[0] = 4;
    c.summer_start[1] = 1;
    c.winter_start[0] = 10;
    c.winter_start[1] = 1;
    for (int i = 0; i < 12; i++) {
        c.precip_factor[i] = 1.0;
        c.et0_factor[i] = 1.0;
    }
    c.gw.tol_head = 1e-10;
    c.gw.tol_balance = 1e-12;
    c.c_spill = 1.0;
    c.peat_target = NAN;
    c.start = start;
    return c;
}

static void fill_f(float *a, zt_idx n, float v)
{
    for (zt_idx k = 0; k < n; k++) {
        a[k] = v;
    }
}

/* One whole day; both halves must succeed. */
static void run_day(core_cpl *m, zt_day day, const float *p, const float *et0, const double *frac,
                    const core_cpl_acc *acc, core_cpl_balance *bal)
{
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(core_cpl_day_begin(m, day, p, et0, NULL, acc, &err) == ZT_OK, "%s", err.msg);
    ck_assert_msg(core_cpl_day_end(m, frac, acc, bal, &err) == ZT_OK, "%s", err.msg);
}

/* ---- 1. root zone mode ------------------------------------------------- */

/*
 * Three cells of one district, 15 June 2018; change factors June P x 1.1,
 * ET0 x 0.8 (every other month x 2, so the wrong month would show). The
 * domain has no groundwater group: the root-zone mode needs none.
 *
 *   cell 0 grass x sand: Smax 100 mm, no interception, no capillary rise,
 *     water table at 2 m. P 10 x 1.1 = 11 mm, ET0 5 x 0.8 = 4 mm.
 *     S 100 + 11 = 111 -> perc 11, S 100; Ta = 4 (a = 1) -> S 96; ds -4.
 *   cell 1 arable x clay: Smax 60 mm, Icap 1 mm, crmax 2 mm/d, water
 *     table 0.25 m (above the root depth 0.30: d = 0, supply 2 mm/d).
 *     P 2 x 1.1 = 2.2 mm, ET0 6.25 x 0.8 = 5 mm. Ei = min(2.2, 1, 5) = 1,
 *     Pn 1.2: S 61.2 -> perc 1.2, S 60; Ta = 5 - 1 = 4 -> 56;
 *     CR = min(60 - 56, 2) = 2 -> S 58; ds -2; recharge 1.2 - 2 = -0.8.
 *   cell 2 open water (factor 1.25): P 11, ET0 4: Eow 5, ownet 6 mm.
 *
 * Balance (m3, x 10 per mm): P 110 + 22 + 110 = 242; CR 20; Ei 10;
 * Ta 40 + 40 = 80; Eow 50; perc 110 + 12 = 122; ownet 60; runoff 0;
 * dS = -40 - 20 = -60. In 242 + 20 = 262 = 10 + 80 + 50 + 122 + 60 - 60.
 * Gross 242 + 20 + 10 + 80 + 50 + 122 + 60 + 60 = 644. Groundwater and
 * district errors are 0 in this mode (nothing crosses them).
 *
 * Day 2, P 0, ET0 4 mm (raw 5): cell 0 Ta 4 -> S 92; cell 1 Ei 0, Ta 5 ->
 * 53, CR 2 -> 55, ds -3; cell 2 Eow 5, ownet -5. Balance: CR 20 = Ta 90 +
 * Eow 50 + ownet (-50) + dS (-70). The gridded output adds: Ta over the two
 * days 8, 9, 0 mm; S (set on day 1, added on day 2) 96 + 92 = 188,
 * 58 + 55 = 113, 0 mm.
 */
START_TEST(rootzone_mode)
{
    core_rz_params rz[ZT_NLANDUSE][ZT_NSOIL];
    grid_domain *d = new_domain(3, 1, 0);
    core_cpl *m = NULL;
    core_cpl_balance b;
    zt_err err;
    float p[3] = {10.0f, 2.0f, 10.0f}, et0[3] = {5.0f, 6.25f, 5.0f};
    double acc_ta[3], acc_s[3];
    double *accp[2] = {acc_ta, acc_s};
    const int sel[2] = {CORE_V_TA, CORE_V_S};
    core_cpl_acc acc = {accp, sel, 2, 1};
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    core_cpl_config cfg = config(CORE_CPL_ROOTZONE, day);
    const core_cpl_tables tab = {(const core_rz_params(*)[ZT_NSOIL])rz, SY};

    memset(rz, 0, sizeof rz);
    land(&rz[ZT_LU_GRASS][ZT_SOIL_SAND], 0.100);
    land(&rz[ZT_LU_ARABLE][ZT_SOIL_CLAY], 0.060);
    rz[ZT_LU_ARABLE][ZT_SOIL_CLAY].icap = 0.001;
    /* a flat capillary flux of 2 mm/d, full down to 1 um of deficit */
    static core_cap_table cap2 = {0.25, 1.0, 2, {0}};
    cap2.lnq[0] = cap2.lnq[1] = log(0.002);
    rz[ZT_LU_ARABLE][ZT_SOIL_CLAY].cap = &cap2;
    rz[ZT_LU_ARABLE][ZT_SOIL_CLAY].cap_full = 1e-6;
    open_water(&rz[ZT_LU_WATER][ZT_SOIL_NONE]);
    for (int i = 0; i < 12; i++) {
        cfg.precip_factor[i] = 2.0;
        cfg.et0_factor[i] = 2.0;
    }
    cfg.precip_factor[5] = 1.1;
    cfg.et0_factor[5] = 0.8;
    set_cell(d, 0, ZT_LU_GRASS, ZT_SOIL_SAND, 1, 0.0f, 2.0f, ZT_SPR_NONE);
    set_cell(d, 1, ZT_LU_ARABLE, ZT_SOIL_CLAY, 1, 0.0f, 0.25f, ZT_SPR_NONE);
    set_cell(d, 2, ZT_LU_WATER, ZT_SOIL_NONE, 1, 0.0f, 0.0f, ZT_SPR_NONE);
    zt_err_clear(&err);
    ck_assert_msg(core_cpl_create(&cfg, d, NULL, 0, &tab, &m, &err) == ZT_OK, "%s", err.msg);
    ck_assert(m->rz_on && !m->gw_on);
    ck_assert_int_eq(m->nd, 1);
    ASSERT_NEAR(m->s[0], 0.100, 0.0); /* field capacity */
    ASSERT_NEAR(m->s[1], 0.060, 0.0);

    run_day(m, day, p, et0, NULL, &acc, &b);
    ASSERT_NEAR(m->s[0], 0.096, TOL_M);
    ASSERT_NEAR(m->s[1], 0.058, TOL_M);
    ASSERT_NEAR(b.b[CORE_B_P], 242.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_CR], 20.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_EI], 10.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_TA], 80.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_EOW], 50.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_PERC], 122.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_OWNET], 60.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_RUNOFF], 0.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_SPR], 0.0, 0.0);
    ASSERT_NEAR(b.b[CORE_B_DS_RZ], -60.0, TOL_M3);
    ASSERT_NEAR(b.gross_rz, 644.0, TOL_M3);
    ASSERT_NEAR(b.err_rz, 0.0, TOL_M3);
    ck_assert(b.rel_rz <= CORE_CPL_TOL_EXACT);
    ck_assert(b.err_gw == 0.0 && b.gross_gw == 0.0 && b.err_d == 0.0 && b.gross_d == 0.0);
    ck_assert(b.b[CORE_B_RECH] == 0.0 && b.b[CORE_B_DRAIN] == 0.0 && b.b[CORE_B_SUPPLIED] == 0.0);
    ASSERT_NEAR(b.err_all, b.err_rz, 0.0);
    ASSERT_NEAR(acc_ta[0], 4.0, 1e-9);
    ASSERT_NEAR(acc_ta[1], 4.0, 1e-9);
    ASSERT_NEAR(acc_ta[2], 0.0, 0.0);

    p[0] = p[1] = p[2] = 0.0f;
    acc.first = 0;
    run_day(m, day + 1, p, et0, NULL, &acc, &b);
    ASSERT_NEAR(m->s[0], 0.092, TOL_M);
    ASSERT_NEAR(m->s[1], 0.055, TOL_M);
    ASSERT_NEAR(b.b[CORE_B_P], 0.0, 0.0);
    ASSERT_NEAR(b.b[CORE_B_CR], 20.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_TA], 90.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_EOW], 50.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_OWNET], -50.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_DS_RZ], -70.0, TOL_M3);
    ASSERT_NEAR(b.err_rz, 0.0, TOL_M3);
    ASSERT_NEAR(acc_ta[0], 8.0, 1e-9);
    ASSERT_NEAR(acc_ta[1], 9.0, 1e-9);
    ASSERT_NEAR(acc_s[0], 188.0, 1e-9);
    ASSERT_NEAR(acc_s[1], 113.0, 1e-9);
    ASSERT_NEAR(acc_s[2], 0.0, 0.0);
    core_cpl_destroy(&m);
    ck_assert_ptr_null(m);
    grid_domain_destroy(&d);
}
END_TEST

/* ---- 2. groundwater mode ----------------------------------------------- */

/*
 * A 1 x 3 strip of identical active cells (symmetric: no lateral flow),
 * kD 100 m2/d, Sy 0.25 (sand), surface 0, initial head h = -1.0 m NAP; a
 * ditch with c = 64 d, ci = 32 d; the deep aquifer at phi = -2.0 m NAP
 * behind cv = 512 d. District target -1.50 in winter, -0.75 in summer.
 *
 * Day 1, 31 March 2018 (winter, z = -1.5), recharge R = 2 mm/d; the head
 * stays above the ditch (drainage) and above phi (seepage out):
 *   h' = (Sy h + R + z/c + phi/cv) / (Sy + 1/c + 1/cv)
 *      = (-0.25 + 0.002 - 0.0234375 - 0.00390625)
 *        / (0.25 + 0.015625 + 0.001953125)
 *      = -0.27534375 / 0.267578125 = -17622/17125 = -1.0290218978102190
 *   drainage (h' - z)/c = 0.47097810219/64 = 0.0073590328467153 m/d,
 *   seepage (h' - phi)/cv = 0.97097810219/512 = 0.0018964416058394 m/d,
 *   storage Sy (h' - h) = -0.0072554744525547 m/d;
 *   0.0073590 + 0.0018964 - 0.0072555 = 0.002 = R.
 * Balance per day (m3, 3 cells of 1e4 m2): recharge 60, drainage 220.77,
 * seepage 56.89, storage -217.66; the district gets the drainage as
 * discharge (held at target).
 *
 * Day 2, 1 April (summer, z = -0.75 above the head), R = 0:
 *   h'' = (Sy h' - 0.75/32 + phi/cv) / (Sy + 1/32 + 1/512)
 *       = -2495366/2483125 = -1.0049296753083312
 *   infiltration (z - h'')/ci = 0.2549296753/32 = 0.0079665523533854 m/d,
 *   seepage 0.0019434967279134, storage 0.0060230556254719 m/d.
 * The solver keeps its inputs in this mode: the new level reaches it only
 * through core_gw_inputs_changed (with the winter level kept it would drain).
 */
START_TEST(groundwater_mode)
{
    core_rz_params rz[ZT_NLANDUSE][ZT_NSOIL];
    grid_domain *d = new_domain(3, 1, 1);
    grid_district t = district(4, -0.75, -1.5, 0.05, 0.0);
    core_cpl *m = NULL;
    core_cpl_balance b;
    zt_err err;
    float rech[3] = {2.0f, 2.0f, 2.0f}, et0[3] = {0};
    const zt_day day = zt_day_from_ymd(2018, 3, 31);
    const core_cpl_config cfg = config(CORE_CPL_GROUNDWATER, day);
    const core_cpl_tables tab = {(const core_rz_params(*)[ZT_NSOIL])rz, SY};
    const double h1 = -17622.0 / 17125.0, h2 = -2495366.0 / 2483125.0;

    memset(rz, 0, sizeof rz);
    land(&rz[ZT_LU_GRASS][ZT_SOIL_SAND], 0.1);
    for (zt_idx k = 0; k < 3; k++) {
        set_cell(d, k, ZT_LU_GRASS, ZT_SOIL_SAND, 4, 0.0f, 1.0f, ZT_SPR_NONE);
        set_gw(d, k, 100.0f, 64.0f, 32.0f);
        d->deep_head[k] = -2.0f;
        d->cv[k] = 512.0f;
    }
    zt_err_clear(&err);
    ck_assert_msg(core_cpl_create(&cfg, d, &t, 1, &tab, &m, &err) == ZT_OK, "%s", err.msg);
    ck_assert(!m->rz_on && m->gw_on);

    run_day(m, day, rech, et0, NULL, NULL, &b);
    for (zt_idx k = 0; k < 3; k++) {
        ASSERT_NEAR(m->h[k], h1, TOL_H);
        ASSERT_NEAR(m->f_drain[0][k], 0.0073590328467153, 1e-11);
        ASSERT_NEAR(m->f_seep[k], 0.0018964416058394, 1e-11);
        ASSERT_NEAR(m->f_stor[k], -0.0072554744525547, 1e-11);
        ASSERT_NEAR(m->f_lat[k], 0.0, 1e-11);
        ASSERT_NEAR(m->depth[k], -h1, TOL_H);
    }
    ASSERT_NEAR(m->dlevel[0], -1.5, 0.0);
    ASSERT_NEAR(b.b[CORE_B_RECH], 60.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_DRAIN], 3e4 * 0.0073590328467153, 1e-6);
    ASSERT_NEAR(b.b[CORE_B_SEEP], 3e4 * 0.0018964416058394, 1e-6);
    ASSERT_NEAR(b.b[CORE_B_DS_GW], 3e4 * -0.0072554744525547, 1e-6);
    ASSERT_NEAR(b.b[CORE_B_INF], 0.0, 0.0);
    ASSERT_NEAR(b.b[CORE_B_DISCHARGE], b.b[CORE_B_DRAIN], 0.0);
    ASSERT_NEAR(b.b[CORE_B_SUPPLIED], 0.0, 0.0);
    ck_assert(b.b[CORE_B_P] == 0.0 && b.b[CORE_B_TA] == 0.0 && b.b[CORE_B_DS_RZ] == 0.0);
    ck_assert(b.rel_gw <= 1e-9 && b.rel_d <= 1e-12 && b.rel_all <= 1e-9);

    rech[0] = rech[1] = rech[2] = 0.0f;
    run_day(m, day + 1, rech, et0, NULL, NULL, &b);
    for (zt_idx k = 0; k < 3; k++) {
        ASSERT_NEAR(m->h[k], h2, TOL_H);
        ASSERT_NEAR(m->f_drain[0][k], -0.0079665523533854, 1e-11);
        ASSERT_NEAR(m->f_seep[k], 0.0019434967279134, 1e-11);
        ASSERT_NEAR(m->f_stor[k], 0.0060230556254719, 1e-11);
    }
    ASSERT_NEAR(m->dlevel[0], -0.75, 0.0);
    ASSERT_NEAR(b.b[CORE_B_INF], 3e4 * 0.0079665523533854, 1e-6);
    ASSERT_NEAR(b.b[CORE_B_DRAIN], 0.0, 0.0);
    ASSERT_NEAR(b.b[CORE_B_SUPPLIED], b.b[CORE_B_INF], 0.0);
    ASSERT_NEAR(b.b[CORE_B_DISCHARGE], 0.0, 0.0);
    ASSERT_NEAR(b.err_gw, 0.0, 1e-6);
    ck_assert(b.rel_gw <= 1e-9 && b.rel_d <= 1e-12 && b.rel_all <= 1e-9);
    core_cpl_destroy(&m);
    grid_domain_destroy(&d);
}
END_TEST

/* ---- 3. coupled: the districts' demand --------------------------------- */

/*
 * 1 x 7 cells, kD 0 (each cell on its own), 15 June 2018 (summer), P 0,
 * ET0 4 mm everywhere. Land: kc 1, Smax 100 mm, no capillary rise: Ta 4 mm,
 * S 96 mm, recharge 0. Open water: Eow 1.25 x 4 = 5 mm, ownet -5 mm
 * (-50 m3). Cell 3 is inactive and separates:
 *
 *   district 10 (summer -1.50), cells 0-2, Aow = 0.05 x 20,000 + 10,000
 *     = 11,000 m2:
 *     0 grass x sand, Sy 0.25, h = 0 - 2.0 = -2.0, ci 256 d (agri)
 *     1 grass x peat, Sy 0.5, h = -0.5 - 1.5 = -2.0, ci 128 d (peat)
 *     2 open water, h = -1.0 - 1.0 = -2.0, ci infinite: no exchange
 *   district 20 (summer -0.75), cells 4-6, Aow = 0.10 x 20,000 + 10,000
 *     = 12,000 m2:
 *     4 nature x sand, Sy 0.25, h = 0.5 - 1.75 = -1.25, ci 64 d (nature)
 *     5 arable x clay, Sy 0.125, h = 0.25 - 1.25 = -1.0, ci 128 d (agri)
 *     6 open water, h = -0.25 - 1.75 = -2.0, ci infinite: no exchange
 *
 * The ditch lies above the head: infiltration, by backward Euler
 *   h' = (Sy h + z/ci) / (Sy + 1/ci),  inf = (z - h')/ci = Sy (z - h)/(Sy ci + 1):
 *     cell 0: 0.25 x 0.5 / 65 = 1/520 m/d -> 19.230769 m3 (h' = -259/130)
 *     cell 1: 0.5 x 0.5 / 65 = 1/260 m/d -> 38.461538 m3 (h' = -259/130)
 *     cell 4: 0.25 x 0.5 / 17 = 1/136 m/d -> 73.529412 m3 (h' = -83/68)
 *     cell 5: 0.125 x 0.25 / 17 = 1/544 m/d -> 18.382353 m3 (h' = -67/68)
 * Demand = losses - gains (no drainage, runoff or spill; the open-water
 * net -50 is the only gain):
 *   district 10: 38.461538 + 19.230769 + 50 = 1400/13 = 107.692308 m3:
 *     peat 500/13 = 38.461538, agri 250/13 + 50 = 900/13 = 69.230769;
 *   district 20: 73.529412 + 18.382353 + 50 = 4825/34 = 141.911765 m3:
 *     nature 1250/17 = 73.529412, agri 625/34 + 50 = 2325/34 = 68.382353.
 */
typedef struct c3 {
    grid_domain *d;
    grid_district t[2];
    core_rz_params rz[ZT_NLANDUSE][ZT_NSOIL];
    float p[7], et0[7];
} c3;

static void c3_init(c3 *f)
{
    memset(f, 0, sizeof *f);
    f->d = new_domain(7, 1, 1);
    land(&f->rz[ZT_LU_GRASS][ZT_SOIL_SAND], 0.1);
    land(&f->rz[ZT_LU_GRASS][ZT_SOIL_PEAT], 0.1);
    land(&f->rz[ZT_LU_NATURE][ZT_SOIL_SAND], 0.1);
    land(&f->rz[ZT_LU_ARABLE][ZT_SOIL_CLAY], 0.1);
    open_water(&f->rz[ZT_LU_WATER][ZT_SOIL_NONE]);
    set_cell(f->d, 0, ZT_LU_GRASS, ZT_SOIL_SAND, 10, 0.0f, 2.0f, ZT_SPR_NONE);
    set_cell(f->d, 1, ZT_LU_GRASS, ZT_SOIL_PEAT, 10, -0.5f, 1.5f, ZT_SPR_NONE);
    set_cell(f->d, 2, ZT_LU_WATER, ZT_SOIL_NONE, 10, -1.0f, 1.0f, ZT_SPR_NONE);
    set_cell(f->d, 4, ZT_LU_NATURE, ZT_SOIL_SAND, 20, 0.5f, 1.75f, ZT_SPR_NONE);
    set_cell(f->d, 5, ZT_LU_ARABLE, ZT_SOIL_CLAY, 20, 0.25f, 1.25f, ZT_SPR_NONE);
    set_cell(f->d, 6, ZT_LU_WATER, ZT_SOIL_NONE, 20, -0.25f, 1.75f, ZT_SPR_NONE);
    set_gw(f->d, 0, 0.0f, 16.0f, 256.0f);
    set_gw(f->d, 1, 0.0f, 16.0f, 128.0f);
    set_gw(f->d, 2, 0.0f, 16.0f, INFINITY);
    set_gw(f->d, 4, 0.0f, 16.0f, 64.0f);
    set_gw(f->d, 5, 0.0f, 16.0f, 128.0f);
    set_gw(f->d, 6, 0.0f, 16.0f, INFINITY);
    f->t[0] = district(10, -1.5, -1.75, 0.05, 0.0);
    f->t[1] = district(20, -0.75, -1.0, 0.10, 0.0);
    fill_f(f->p, 7, 0.0f);
    fill_f(f->et0, 7, 4.0f);
}

static core_cpl *c3_model(c3 *f, const core_cpl_config *cfg)
{
    core_cpl *m = NULL;
    zt_err err;
    const core_cpl_tables tab = {(const core_rz_params(*)[ZT_NSOIL])f->rz, SY};
    zt_err_clear(&err);
    ck_assert_msg(core_cpl_create(cfg, f->d, f->t, 2, &tab, &m, &err) == ZT_OK, "%s", err.msg);
    return m;
}

#define U(di, c) ((size_t)(di) * NC + (c))

/* The day's demand (after day_begin) and groundwater of the fixture. */
static void c3_check_day1(const core_cpl *m)
{
    ck_assert_int_eq(m->nd, 2);
    ck_assert_int_eq(m->d_id[0], 10);
    ck_assert_int_eq(m->d_id[1], 20);
    ASSERT_NEAR(m->dpar[0].aow, 11000.0, 1e-9);
    ASSERT_NEAR(m->dpar[1].aow, 12000.0, 1e-9);
    ASSERT_NEAR(m->h[0], -259.0 / 130.0, TOL_H);
    ASSERT_NEAR(m->h[1], -259.0 / 130.0, TOL_H);
    ASSERT_NEAR(m->h[2], -2.0, TOL_H);
    ASSERT_NEAR(m->h[4], -83.0 / 68.0, TOL_H);
    ASSERT_NEAR(m->h[5], -67.0 / 68.0, TOL_H);
    ASSERT_NEAR(m->h[6], -2.0, TOL_H);
    ASSERT_NEAR(m->f_drain[0][0], -1.0 / 520.0, 1e-12);
    ASSERT_NEAR(m->f_drain[0][1], -1.0 / 260.0, 1e-12);
    ASSERT_NEAR(m->f_drain[0][4], -1.0 / 136.0, 1e-12);
    ASSERT_NEAR(m->f_drain[0][5], -1.0 / 544.0, 1e-12);
    ASSERT_NEAR(m->s[0], 0.096, TOL_M);
    ASSERT_NEAR(m->din[0].ow_net, -50.0, TOL_M3);
    ASSERT_NEAR(m->din[0].loss[CORE_DCAT_PEAT], 500.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->din[0].loss[CORE_DCAT_AGRI], 250.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->din[1].loss[CORE_DCAT_NATURE], 1250.0 / 17.0, TOL_M3);
    ASSERT_NEAR(m->din[1].loss[CORE_DCAT_AGRI], 625.0 / 34.0, TOL_M3);
    ASSERT_NEAR(m->dem[U(0, CORE_DCAT_PEAT)], 500.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->dem[U(0, CORE_DCAT_AGRI)], 900.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->dem[U(1, CORE_DCAT_NATURE)], 1250.0 / 17.0, TOL_M3);
    ASSERT_NEAR(m->dem[U(1, CORE_DCAT_AGRI)], 2325.0 / 34.0, TOL_M3);
    for (int di = 0; di < 2; di++) {
        ck_assert(m->dem[U(di, CORE_DCAT_FLUSHING)] == 0.0);
        ck_assert(m->dem[U(di, CORE_DCAT_CAPITAL)] == 0.0);
        ck_assert(m->surplus[di] == 0.0);
    }
    ck_assert(m->dem[U(0, CORE_DCAT_NATURE)] == 0.0 && m->dem[U(1, CORE_DCAT_PEAT)] == 0.0);
}

/*
 * Without a network (frac NULL) all is supplied: inlet 1400/13 and
 * 4825/34 m3, the levels stay at -1.50 and -0.75, dv 0; what is reported
 * (m->rep) and taken (m->real) is the demand of each cause, no shortage.
 * Balance: infiltration 149.604072 m3 (19.230769 + 38.461538 + 73.529412 +
 * 18.382353) = groundwater storage; supplied 249.604072 = infiltration +
 * 100 of open-water evaporation (ownet -100); transpiration 160, root-zone
 * storage -160.
 */
START_TEST(coupled_demand_full)
{
    c3 f;
    core_cpl_balance b;
    zt_err err;
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    const core_cpl_config cfg = config(CORE_CPL_COUPLED, day);
    const double inf = 1e4 / 520 + 1e4 / 260 + 1e4 / 136 + 1e4 / 544;
    c3_init(&f);
    core_cpl *m = c3_model(&f, &cfg);
    ck_assert(m->rz_on && m->gw_on);
    ASSERT_NEAR(m->dlevel[0], -1.5, 0.0);
    ASSERT_NEAR(m->dlevel[1], -0.75, 0.0);

    zt_err_clear(&err);
    ck_assert_int_eq(core_cpl_day_begin(m, day, f.p, f.et0, NULL, NULL, &err), ZT_OK);
    ck_assert(m->summer);
    c3_check_day1(m);
    ck_assert_msg(core_cpl_day_end(m, NULL, NULL, &b, &err) == ZT_OK, "%s", err.msg);
    ASSERT_NEAR(m->dout[0].demand, 1400.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->dout[0].supplied, 1400.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->dout[1].demand, 4825.0 / 34.0, TOL_M3);
    ASSERT_NEAR(m->dout[1].supplied, 4825.0 / 34.0, TOL_M3);
    ASSERT_NEAR(m->dlevel[0], -1.5, 1e-15);
    ASSERT_NEAR(m->dlevel[1], -0.75, 1e-15);
    for (int di = 0; di < 2; di++) {
        ASSERT_NEAR(m->dv[di], 0.0, TOL_M3);
        ck_assert(m->dout[di].discharge == 0.0 && m->flush[di] == 0.0);
        for (int c = 0; c < NC; c++) {
            ASSERT_NEAR(m->rep[U(di, c)], m->dem[U(di, c)], TOL_M3);
            ASSERT_NEAR(m->real[U(di, c)], m->dem[U(di, c)], TOL_M3);
            ASSERT_NEAR(m->dshort[U(di, c)], 0.0, TOL_M3);
            ASSERT_NEAR(m->gfrac[U(di, c)], 1.0, 0.0);
        }
    }
    ASSERT_NEAR(b.b[CORE_B_INF], inf, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_DS_GW], inf, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_SUPPLIED], inf + 100.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_EOW], 100.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_OWNET], -100.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_TA], 160.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_DS_RZ], -160.0, TOL_M3);
    ck_assert(b.b[CORE_B_DRAIN] == 0.0 && b.b[CORE_B_DISCHARGE] == 0.0);
    ASSERT_NEAR(b.b[CORE_B_DV], 0.0, TOL_M3);
    ck_assert(b.rel_rz <= 1e-12 && b.rel_d <= 1e-12 && b.rel_gw <= 1e-9 && b.rel_all <= 1e-9);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

/*
 * The same day with the peat cause of district 10 given 0.5 and the nature
 * cause of district 20 given 0.25 (the rest 1):
 *   district 10: shortage 0.5 x 500/13 = 250/13 = 19.230769 m3; the level
 *     drops by 19.230769 / 11,000 = 0.0017482517 m to -1.5017482517;
 *     m->real peat 250/13, m->rep peat 500/13 (all of it new demand),
 *     m->dshort peat 250/13; agri real = rep = 900/13.
 *   district 20: shortage 0.75 x 1250/17 = 1875/34 = 55.147059 m3; level
 *     -0.75 - 55.147059/12,000 = -0.7545955882; real nature 625/34 =
 *     18.382353, rep 1250/17, dshort 1875/34.
 * Balance: supplied 249.604072 - 19.230769 - 55.147059 = 175.226244,
 * district storage -74.377828.
 *
 * Day 2 (16 June, frac NULL) starts with those deficits, charged to the
 * causes that went short. The ditches stand at yesterday's levels (the
 * solver holds them in float, ~6e-8 m: tolerance 2e-5 m3); by the same
 * backward Euler from yesterday's heads the peat cell infiltrates
 * 37.735342 m3 and the nature cell 68.528330 m3 (agri 18.867671 and
 * 16.963127). Peat: demand 19.230769 + 37.735342 = 56.966111 is all taken
 * (real), of which 19.230769 restates yesterday (carried), so rep =
 * 37.735342; nature: real 55.147059 + 68.528330 = 123.675389, rep 68.528330.
 * The levels are back at their targets.
 */
START_TEST(coupled_demand_short)
{
    c3 f;
    core_cpl_balance b;
    zt_err err;
    double frac[2 * NC];
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    const core_cpl_config cfg = config(CORE_CPL_COUPLED, day);
    const double inf = 1e4 / 520 + 1e4 / 260 + 1e4 / 136 + 1e4 / 544;
    c3_init(&f);
    core_cpl *m = c3_model(&f, &cfg);
    for (int i = 0; i < 2 * NC; i++) {
        frac[i] = 1.0;
    }
    frac[U(0, CORE_DCAT_PEAT)] = 0.5;
    frac[U(1, CORE_DCAT_NATURE)] = 0.25;

    zt_err_clear(&err);
    ck_assert_int_eq(core_cpl_day_begin(m, day, f.p, f.et0, NULL, NULL, &err), ZT_OK);
    c3_check_day1(m);
    ck_assert_msg(core_cpl_day_end(m, frac, NULL, &b, &err) == ZT_OK, "%s", err.msg);
    ASSERT_NEAR(m->dout[0].shortage, 250.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->dout[1].shortage, 1875.0 / 34.0, TOL_M3);
    ASSERT_NEAR(m->dlevel[0], -1.5017482517482517, 1e-12);
    ASSERT_NEAR(m->dlevel[1], -0.7545955882352942, 1e-12);
    ASSERT_NEAR(m->dv[0], -250.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->dv[1], -1875.0 / 34.0, TOL_M3);
    ASSERT_NEAR(m->real[U(0, CORE_DCAT_PEAT)], 250.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->rep[U(0, CORE_DCAT_PEAT)], 500.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->dshort[U(0, CORE_DCAT_PEAT)], 250.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->real[U(0, CORE_DCAT_AGRI)], 900.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->rep[U(0, CORE_DCAT_AGRI)], 900.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->dshort[U(0, CORE_DCAT_AGRI)], 0.0, TOL_M3);
    ASSERT_NEAR(m->real[U(1, CORE_DCAT_NATURE)], 625.0 / 34.0, TOL_M3);
    ASSERT_NEAR(m->rep[U(1, CORE_DCAT_NATURE)], 1250.0 / 17.0, TOL_M3);
    ASSERT_NEAR(m->dshort[U(1, CORE_DCAT_NATURE)], 1875.0 / 34.0, TOL_M3);
    ASSERT_NEAR(m->real[U(1, CORE_DCAT_AGRI)], 2325.0 / 34.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_SUPPLIED], inf + 100.0 - 250.0 / 13.0 - 1875.0 / 34.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_DV], -250.0 / 13.0 - 1875.0 / 34.0, TOL_M3);
    ck_assert(b.rel_d <= 1e-12 && b.rel_all <= 1e-9);

    run_day(m, day + 1, f.p, f.et0, NULL, NULL, &b);
    ASSERT_NEAR(m->dout[0].carried, 250.0 / 13.0, TOL_M3);
    ASSERT_NEAR(m->dout[1].carried, 1875.0 / 34.0, TOL_M3);
    ASSERT_NEAR(m->rep[U(0, CORE_DCAT_PEAT)], 37.735341581495426, TOL_FLOAT);
    ASSERT_NEAR(m->real[U(0, CORE_DCAT_PEAT)], 56.96611081226466, TOL_FLOAT);
    ASSERT_NEAR(m->rep[U(0, CORE_DCAT_AGRI)], 18.867670790747713 + 50.0, TOL_FLOAT);
    ASSERT_NEAR(m->rep[U(1, CORE_DCAT_NATURE)], 68.528330449827, TOL_FLOAT);
    ASSERT_NEAR(m->real[U(1, CORE_DCAT_NATURE)], 123.6753892733564, TOL_FLOAT);
    ASSERT_NEAR(m->rep[U(1, CORE_DCAT_AGRI)], 16.963127162629757 + 50.0, TOL_FLOAT);
    for (int c = 0; c < NC; c++) {
        ASSERT_NEAR(m->dshort[U(0, c)], 0.0, TOL_M3);
        ASSERT_NEAR(m->dshort[U(1, c)], 0.0, TOL_M3);
    }
    ASSERT_NEAR(m->dlevel[0], -1.5, 1e-12);
    ASSERT_NEAR(m->dlevel[1], -0.75, 1e-12);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

/* ---- 4. sprinkling and flushing follow yesterday's allocation ----------- */

/*
 * One district (id 5, summer -1.00, Aow = 0.10 x 30,000 + 10,000 =
 * 13,000 m2, flushing 0.001 m3/s = 86.4 m3/d in summer), 1 x 4 cells,
 * June, P 0 and ET0 0 (nothing but sprinkling moves):
 *   0 grass x sand, sprinkled from surface water (cause agri)
 *   1 capital x sand, sprinkled from surface water (cause capital)
 *   2 grass x sand, sprinkled from groundwater (wells: never cut)
 *   3 open water
 * Sprinkling: Smax 100 mm, trigger 1.5 (a turn starts on the first day at
 * field capacity), gift 30 mm, capacity 10 mm/d, April-September. Every
 * head starts at -2.0, a metre below the ditch, kD 0, ci infinite: no
 * drainage or infiltration, so the district sees only withdrawals.
 *
 * Day 1 (first day: fraction 1): each cell sprinkles its want of 10 mm
 * (100 m3), which percolates (S stays 100 mm). Withdrawals: flushing 86.4,
 * capital 100, agri 100 = demand 286.4 m3. The allocation gives flushing
 * 0.5, capital 0.7, agri 0.4: taken 43.2 + 70 + 40 = 153.2, short 43.2 +
 * 30 + 60 = 133.2 m3; level -1 - 133.2/13,000 = -1.0102461538.
 *
 * Day 2 (allocation all 1): cell 0 sprinkles 0.4 x 10 = 4 mm (40 m3), cell
 * 1 0.7 x 10 = 7 mm (70 m3), cell 2 its 10 mm; the cut turns end
 * (spr_left 0). Flushing 0.5 x 86.4 = 43.2 m3. Withdrawals 43.2 + 70 + 40;
 * with yesterday's 133.2 m3 deficit charged to the causes that went short,
 * demand by cause = withdrawal + yesterday's shortage: flushing 86.4,
 * capital 100, agri 100, of which 43.2, 30, 60 restate yesterday
 * (carried). Reported (m->rep): new demand 43.2, 70, 40 plus the want not
 * done 43.2, 30, 60 = 86.4, 100, 100; taken (m->real): 86.4, 100, 100, the
 * part beyond yesterday's shortage being only what was withdrawn today
 * (43.2, 70, 40: the 60 m3 not sprinkled is not in it). Root zone: spr 210
 * = perc 210, dS 0. Day 3 follows day 2's allocation (all 1): 300 m3 again.
 */
typedef struct c4 {
    grid_domain *d;
    grid_district t;
    core_rz_params rz[ZT_NLANDUSE][ZT_NSOIL];
    float p[4], et0[4];
} c4;

static void c4_init(c4 *f)
{
    memset(f, 0, sizeof *f);
    f->d = new_domain(4, 1, 1);
    land(&f->rz[ZT_LU_GRASS][ZT_SOIL_SAND], 0.1);
    open_water(&f->rz[ZT_LU_WATER][ZT_SOIL_NONE]);
    core_rz_params *g = &f->rz[ZT_LU_GRASS][ZT_SOIL_SAND];
    g->sprinkle = 1;
    g->spr_trigger = 1.5;
    g->spr_gift = 0.030;
    g->spr_cap = 0.010;
    g->spr_first_month = 4;
    g->spr_last_month = 9;
    f->rz[ZT_LU_CAPITAL][ZT_SOIL_SAND] = *g;
    set_cell(f->d, 0, ZT_LU_GRASS, ZT_SOIL_SAND, 5, 0.0f, 2.0f, ZT_SPR_SURFACE);
    set_cell(f->d, 1, ZT_LU_CAPITAL, ZT_SOIL_SAND, 5, 0.0f, 2.0f, ZT_SPR_SURFACE);
    set_cell(f->d, 2, ZT_LU_GRASS, ZT_SOIL_SAND, 5, 0.0f, 2.0f, ZT_SPR_GROUND);
    set_cell(f->d, 3, ZT_LU_WATER, ZT_SOIL_NONE, 5, -1.0f, 1.0f, ZT_SPR_NONE);
    for (zt_idx k = 0; k < 4; k++) {
        set_gw(f->d, k, 0.0f, 16.0f, INFINITY);
    }
    f->t = district(5, -1.0, -1.2, 0.10, 0.001);
    fill_f(f->p, 4, 0.0f);
    fill_f(f->et0, 4, 0.0f);
}


/* The c4 model with a config changed by the caller (issue 13's keys). */
static core_cpl *c4_model_cfg(c4 *f, const core_cpl_config *cfg)
{
    core_cpl *m = NULL;
    zt_err err;
    const core_cpl_tables tab = {(const core_rz_params(*)[ZT_NSOIL])f->rz, SY};
    zt_err_clear(&err);
    ck_assert_msg(core_cpl_create(cfg, f->d, &f->t, 1, &tab, &m, &err) == ZT_OK, "%s", err.msg);
    return m;
}

/* The c4 model with the test config from `day`. */
static core_cpl *c4_model(c4 *f, zt_day day)
{
    const core_cpl_config cfg = config(CORE_CPL_COUPLED, day);
    return c4_model_cfg(f, &cfg);
}

/* The root zone of the fixture: full every day, sprinkling = percolation. */
static void c4_check_rz(const core_cpl *m, const core_cpl_balance *b, double spr_m3)
{
    for (zt_idx k = 0; k < 3; k++) {
        ASSERT_NEAR(m->s[k], 0.1, TOL_M);
    }
    ASSERT_NEAR(b->b[CORE_B_SPR], spr_m3, TOL_M3);
    ASSERT_NEAR(b->b[CORE_B_PERC], spr_m3, TOL_M3);
    ASSERT_NEAR(b->b[CORE_B_DS_RZ], 0.0, TOL_M3);
    ASSERT_NEAR(b->err_rz, 0.0, TOL_M3);
    ck_assert(b->rel_rz <= 1e-12 && b->rel_d <= 1e-12 && b->rel_all <= 1e-9);
}

START_TEST(sprinkling_follows_yesterday)
{
    c4 f;
    core_cpl_balance b;
    double frac[NC] = {1.0, 1.0, 0.5, 0.7, 0.4}, all[NC] = {1.0, 1.0, 1.0, 1.0, 1.0};
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    const double notdone[NC] = {0.0, 0.0, 43.2, 30.0, 60.0};
    c4_init(&f);
    core_cpl *m = c4_model(&f, day);

    run_day(m, day, f.p, f.et0, frac, NULL, &b);
    c4_check_rz(m, &b, 300.0);
    ASSERT_NEAR(b.b[CORE_B_SPR_SW], 200.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_SPR_GW], 100.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_FLUSH], 86.4, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_SUPPLIED], 153.2, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_DV], -133.2, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_DRAIN] + b.b[CORE_B_INF], 0.0, 0.0);
    ASSERT_NEAR(m->dem[CORE_DCAT_FLUSHING], 86.4, TOL_M3);
    ASSERT_NEAR(m->dem[CORE_DCAT_CAPITAL], 100.0, TOL_M3);
    ASSERT_NEAR(m->dem[CORE_DCAT_AGRI], 100.0, TOL_M3);
    ASSERT_NEAR(m->real[CORE_DCAT_FLUSHING], 43.2, TOL_M3);
    ASSERT_NEAR(m->real[CORE_DCAT_CAPITAL], 70.0, TOL_M3);
    ASSERT_NEAR(m->real[CORE_DCAT_AGRI], 40.0, TOL_M3);
    ASSERT_NEAR(m->rep[CORE_DCAT_FLUSHING], 86.4, TOL_M3);
    ASSERT_NEAR(m->rep[CORE_DCAT_CAPITAL], 100.0, TOL_M3);
    ASSERT_NEAR(m->rep[CORE_DCAT_AGRI], 100.0, TOL_M3);
    ASSERT_NEAR(m->dlevel[0], -1.0 - 133.2 / 13000.0, 1e-12);
    ASSERT_NEAR(m->gfrac[CORE_DCAT_AGRI], 0.4, 0.0);
    ASSERT_NEAR(m->spr_left[0], 0.020, TOL_M);

    run_day(m, day + 1, f.p, f.et0, all, NULL, &b);
    c4_check_rz(m, &b, 210.0);
    ASSERT_NEAR(b.b[CORE_B_SPR_SW], 110.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_SPR_GW], 100.0, TOL_M3);
    ASSERT_NEAR(m->flush[0], 43.2, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_FLUSH], 43.2, TOL_M3);
    ASSERT_NEAR(m->din[0].loss[CORE_DCAT_CAPITAL], 70.0, TOL_M3);
    ASSERT_NEAR(m->din[0].loss[CORE_DCAT_AGRI], 40.0, TOL_M3);
    ASSERT_NEAR(m->spr_left[0], 0.0, 0.0); /* the cut turns end */
    ASSERT_NEAR(m->spr_left[1], 0.0, 0.0);
    ASSERT_NEAR(m->spr_left[2], 0.010, TOL_M);
    for (int c = CORE_DCAT_FLUSHING; c < NC; c++) {
        const core_district_out *o = &m->dout[0];
        ASSERT_NEAR(o->demand_cat[c], c == CORE_DCAT_FLUSHING ? 86.4 : 100.0, TOL_M3);
        ASSERT_NEAR(o->carried_cat[c], notdone[c], TOL_M3);
        ASSERT_NEAR(m->rep[c], o->demand_cat[c] - o->carried_cat[c] + notdone[c], TOL_M3);
        ASSERT_NEAR(m->real[c], o->supplied_cat[c], 0.0);
        ASSERT_NEAR(m->real[c] - o->carried_cat[c], m->din[0].loss[c], TOL_M3);
    }
    ASSERT_NEAR(m->rep[CORE_DCAT_AGRI], 100.0, TOL_M3);
    ASSERT_NEAR(m->real[CORE_DCAT_AGRI], 100.0, TOL_M3);
    ASSERT_NEAR(m->dlevel[0], -1.0, 1e-12);

    run_day(m, day + 2, f.p, f.et0, all, NULL, &b);
    c4_check_rz(m, &b, 300.0);
    ASSERT_NEAR(b.b[CORE_B_FLUSH], 86.4, TOL_M3);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

/*
 * Flushing tops up the district's own throughflow (issue 13): the c4
 * district, with 50 mm of rain on its open-water cell (10,000 m2) on day
 * 1 only. Day 1 starts with no discharge of yesterday: flushing 86.4 m3;
 * the district gains 500 m3 and loses 86.4 + 100 + 100 (sprinkling of
 * cells 0 and 1) = 286.4, so it discharges 213.6 m3 (pumps 10 mm/d x
 * 40,000 m2 = 400 m3/d). Day 2: 213.6 m3 of yesterday's discharge exceed
 * the 86.4 m3 needed: no flushing. Day 3: day 2 discharged nothing (its
 * 200 m3 of sprinkling came from the inlet): 86.4 m3 again.
 */
START_TEST(flushing_tops_up_discharge)
{
    c4 f;
    core_cpl_balance b;
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    c4_init(&f);
    core_cpl *m = c4_model(&f, day);
    f.p[3] = 50.0f;
    run_day(m, day, f.p, f.et0, NULL, NULL, &b);
    ASSERT_NEAR(m->flush[0], 86.4, TOL_M3);
    ASSERT_NEAR(m->dout[0].discharge, 213.6, TOL_M3);
    ASSERT_NEAR(m->qnat[0], 213.6, TOL_M3);
    f.p[3] = 0.0f;
    run_day(m, day + 1, f.p, f.et0, NULL, NULL, &b);
    ASSERT_NEAR(m->flush[0], 0.0, 0.0);
    ASSERT_NEAR(m->flush_need[0], 0.0, 0.0);
    ASSERT_NEAR(m->dout[0].discharge, 0.0, TOL_M3);
    ASSERT_NEAR(b.b[CORE_B_SUPPLIED], 200.0, TOL_M3);
    run_day(m, day + 2, f.p, f.et0, NULL, NULL, &b);
    ASSERT_NEAR(m->flush[0], 86.4, TOL_M3);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

/*
 * The salt store of the ditches (issue 13): the c4 district with 0.5 m of
 * water in its 13,000 m2 of ditches, V = 6,500 m3, a load of 86.4 m3/d.
 * Day 1 (50 mm of rain on the water cell): flushing 86.4, discharge 213.6,
 * so 300 m3 leave at the target: s = 6,500 + 86.4 - 300 = 6,286.4.
 * Day 2: s + 86.4 = 6,372.8 < V: no flushing (213.6 of yesterday's
 * discharge would have been enough anyway); s = 6,372.8. Day 3: nothing
 * was discharged, but s + 86.4 = 6,459.2 < V still: no flushing, where the
 * rule without a store flushes 86.4; s = 6,459.2. Day 4: the ditches
 * reach the target: flushing (6,500 / 6,459.2)(45.6) = 45.888...,
 * after which s = V.
 */
START_TEST(flushing_salt_store)
{
    c4 f;
    core_cpl_balance b;
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    c4_init(&f);
    core_cpl_config cfg = config(CORE_CPL_COUPLED, day);
    cfg.ditch_depth = 0.5;
    core_cpl *m = c4_model_cfg(&f, &cfg);
    ASSERT_NEAR(m->salt[0], 6500.0, 1e-9);
    f.p[3] = 50.0f;
    run_day(m, day, f.p, f.et0, NULL, NULL, &b);
    ASSERT_NEAR(m->flush[0], 86.4, TOL_M3);
    ASSERT_NEAR(m->salt[0], 6286.4, TOL_M3);
    f.p[3] = 0.0f;
    run_day(m, day + 1, f.p, f.et0, NULL, NULL, &b);
    ASSERT_NEAR(m->flush[0], 0.0, 0.0);
    ASSERT_NEAR(m->salt[0], 6372.8, TOL_M3);
    run_day(m, day + 2, f.p, f.et0, NULL, NULL, &b);
    ASSERT_NEAR(m->flush[0], 0.0, 0.0);
    ASSERT_NEAR(m->salt[0], 6459.2, TOL_M3);
    run_day(m, day + 3, f.p, f.et0, NULL, NULL, &b);
    ASSERT_NEAR(m->flush[0], 6500.0 / 6459.2 * 45.6, TOL_M3);
    ASSERT_NEAR(m->salt[0], 6500.0, TOL_M3);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

/*
 * The salt load follows the season's precipitation deficit (issue 13):
 * the c4 district, no salt store, full load at a deficit of 10 mm; ET0 2
 * mm/d and no rain on every cell from 15 June. Day 1: deficit 2 mm, the
 * load 0.2 x 86.4 = 17.28 m3; day 2: 4 mm, 34.56 m3; from day 5: 10 mm and
 * more, the full 86.4 m3. In winter (1 October on) there is no deficit and
 * no flushing.
 */
START_TEST(flushing_follows_deficit)
{
    c4 f;
    core_cpl_balance b;
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    c4_init(&f);
    fill_f(f.et0, 4, 2.0f);
    core_cpl_config cfg = config(CORE_CPL_COUPLED, day);
    cfg.flush_deficit = 0.010;
    core_cpl *m = c4_model_cfg(&f, &cfg);
    const double want[6] = {17.28, 34.56, 51.84, 69.12, 86.4, 86.4};
    for (int i = 0; i < 6; i++) {
        run_day(m, day + i, f.p, f.et0, NULL, NULL, &b);
        ASSERT_NEAR(m->pdef, 0.002 * (i + 1), 1e-9);
        ASSERT_NEAR(m->flush[0], want[i], 1e-6);
    }
    run_day(m, zt_day_from_ymd(2018, 10, 1), f.p, f.et0, NULL, NULL, &b);
    ASSERT_NEAR(m->pdef, 0.0, 0.0);
    ASSERT_NEAR(m->flush[0], 0.0, 0.0);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

/*
 * [groundwater] infiltration_resistance_factor (issue 13): the model's
 * ditch infiltration resistance is the domain's times the factor; 0 (a
 * config without it) counts as 1.
 */
START_TEST(infiltration_resistance_factor)
{
    c4 f;
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    const double factors[3] = {2.5, 0.0, 1.0};
    c4_init(&f);
    for (zt_idx k = 0; k < 4; k++) {
        set_gw(f.d, k, 0.0f, 16.0f, 20.0f);
    }
    for (int i = 0; i < 3; i++) {
        core_cpl_config cfg = config(CORE_CPL_COUPLED, day);
        cfg.ci_factor = factors[i];
        core_cpl *m = c4_model_cfg(&f, &cfg);
        for (zt_idx k = 0; k < 4; k++) {
            ASSERT_NEAR(m->ditch_ci[k], i == 0 ? 50.0 : 20.0, 0.0);
        }
        core_cpl_destroy(&m);
    }
    grid_domain_destroy(&f.d);
}
END_TEST

/*
 * A district outside the supply areas (issue 13): the c4 district with
 * supplied = false, no network (frac NULL: everything else would be
 * supplied). Day 1 starts from yesterday's fraction 1, so it sprinkles 200
 * m3 from its ditches and flushes 86.4 m3, but nothing comes in: the level
 * falls by 286.4 / 13,000 m. Day 2 follows day 1's fraction 0: no
 * sprinkling from the ditches, no flushing; nothing moves, and the level
 * stays. The demand is reported all the same.
 */
START_TEST(unsupplied_district)
{
    c4 f;
    core_cpl_balance b;
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    c4_init(&f);
    f.t.unsupplied = 1;
    core_cpl *m = c4_model(&f, day);
    run_day(m, day, f.p, f.et0, NULL, NULL, &b);
    ASSERT_NEAR(b.b[CORE_B_SUPPLIED], 0.0, 0.0);
    ASSERT_NEAR(b.b[CORE_B_SPR_SW], 200.0, TOL_M3);
    ASSERT_NEAR(m->dlevel[0], -1.0 - 286.4 / 13000.0, 1e-12);
    ASSERT_NEAR(m->rep[CORE_DCAT_FLUSHING], 86.4, TOL_M3);
    ASSERT_NEAR(m->gfrac[CORE_DCAT_AGRI], 0.0, 0.0);
    run_day(m, day + 1, f.p, f.et0, NULL, NULL, &b);
    ASSERT_NEAR(b.b[CORE_B_SPR_SW], 0.0, 0.0);
    ASSERT_NEAR(b.b[CORE_B_FLUSH], 0.0, 0.0);
    ASSERT_NEAR(b.b[CORE_B_SUPPLIED], 0.0, 0.0);
    ASSERT_NEAR(m->dlevel[0], -1.0 - 286.4 / 13000.0, 1e-12);
    /* the want not sprinkled is reported as demand not supplied */
    ASSERT_NEAR(m->rep[CORE_DCAT_AGRI], 100.0, TOL_M3);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

/*
 * Without a network (frac NULL every day) the want is sprinkled and
 * flushed in full: 300 m3 and 86.4 m3 on days 1 and 2; nothing is
 * reported beyond the demand (rep = real = demand: 86.4, 100, 100).
 */
START_TEST(sprinkling_without_network)
{
    c4 f;
    core_cpl_balance b;
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    c4_init(&f);
    core_cpl *m = c4_model(&f, day);
    for (int i = 0; i < 2; i++) {
        run_day(m, day + i, f.p, f.et0, NULL, NULL, &b);
        c4_check_rz(m, &b, 300.0);
        ASSERT_NEAR(b.b[CORE_B_FLUSH], 86.4, TOL_M3);
        ASSERT_NEAR(m->flush[0], 86.4, TOL_M3);
        ASSERT_NEAR(b.b[CORE_B_SUPPLIED], 286.4, TOL_M3);
        for (int c = CORE_DCAT_FLUSHING; c < NC; c++) {
            const double want = c == CORE_DCAT_FLUSHING ? 86.4 : 100.0;
            ASSERT_NEAR(m->rep[c], want, TOL_M3);
            ASSERT_NEAR(m->real[c], want, TOL_M3);
            ASSERT_NEAR(m->gfrac[c], 1.0, 0.0);
        }
        ASSERT_NEAR(m->dlevel[0], -1.0, 1e-12);
    }
    ASSERT_NEAR(m->spr_left[0], 0.010, TOL_M);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

/*
 * A day without an allocation (frac NULL: all supplied) after one that
 * cut: the next day follows the day without, so it sprinkles and flushes
 * in full (day 1 cut as above; day 2 cut to 0.4/0.7/0.5 as it follows day
 * 1; day 3 follows day 2, all supplied: 300 m3 and 86.4 m3).
 */
START_TEST(sprinkling_after_null_day)
{
    c4 f;
    core_cpl_balance b;
    double frac[NC] = {1.0, 1.0, 0.5, 0.7, 0.4};
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    c4_init(&f);
    core_cpl *m = c4_model(&f, day);
    run_day(m, day, f.p, f.et0, frac, NULL, &b);
    run_day(m, day + 1, f.p, f.et0, NULL, NULL, &b);
    c4_check_rz(m, &b, 210.0);
    run_day(m, day + 2, f.p, f.et0, NULL, NULL, &b);
    c4_check_rz(m, &b, 300.0);
    ASSERT_NEAR(b.b[CORE_B_FLUSH], 86.4, TOL_M3);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

/* ---- 5. error paths ------------------------------------------------------ */

START_TEST(district_missing)
{
    c3 f;
    core_cpl *m = (core_cpl *)&f; /* must be set to NULL */
    zt_err err;
    const core_cpl_config cfg = config(CORE_CPL_COUPLED, zt_day_from_ymd(2018, 6, 15));
    c3_init(&f);
    const core_cpl_tables tab = {(const core_rz_params(*)[ZT_NSOIL])f.rz, SY};
    /* only district 10 in the table: 20 is missing */
    zt_err_clear(&err);
    ck_assert_int_eq(core_cpl_create(&cfg, f.d, f.t, 1, &tab, &m, &err), ZT_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err.msg, "district 20") && strstr(err.msg, "[district.20]"), "%s",
                  err.msg);
    /* only district 20: 10 is missing (the first) */
    zt_err_clear(&err);
    ck_assert_int_eq(core_cpl_create(&cfg, f.d, f.t + 1, 1, &tab, &m, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "district 10"), "%s", err.msg);
    ck_assert_ptr_null(m);
    /* the groundwater mode needs the table too */
    const core_cpl_config gcfg = config(CORE_CPL_GROUNDWATER, zt_day_from_ymd(2018, 6, 15));
    zt_err_clear(&err);
    ck_assert_int_eq(core_cpl_create(&gcfg, f.d, f.t, 1, &tab, &m, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "district 20"), "%s", err.msg);
    grid_domain_destroy(&f.d);
}
END_TEST

START_TEST(district_without_open_water)
{
    c3 f;
    core_cpl *m = NULL;
    zt_err err;
    const core_cpl_config cfg = config(CORE_CPL_COUPLED, zt_day_from_ymd(2018, 6, 15));
    c3_init(&f);
    const core_cpl_tables tab = {(const core_rz_params(*)[ZT_NSOIL])f.rz, SY};
    /* district 20 without ditches (fraction 0) and its open-water cell made
       land: no open water at all */
    f.t[1].ow_fraction = 0.0;
    f.d->landuse[6] = ZT_LU_GRASS;
    f.d->soil[6] = ZT_SOIL_SAND;
    zt_err_clear(&err);
    ck_assert_int_eq(core_cpl_create(&cfg, f.d, f.t, 2, &tab, &m, &err), ZT_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err.msg, "[district.20]") && strstr(err.msg, "no open water"), "%s",
                  err.msg);
    /* ditches alone are enough: 0.01 x 30,000 m2 */
    f.t[1].ow_fraction = 0.01;
    zt_err_clear(&err);
    ck_assert_int_eq(core_cpl_create(&cfg, f.d, f.t, 2, &tab, &m, &err), ZT_OK);
    ASSERT_NEAR(m->dpar[1].aow, 300.0, 1e-9);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

START_TEST(domain_without_groundwater)
{
    c3 f;
    core_cpl *m = NULL;
    grid_domain *d = new_domain(7, 1, 0);
    zt_err err;
    const zt_day day = zt_day_from_ymd(2018, 6, 15);
    c3_init(&f);
    const core_cpl_tables tab = {(const core_rz_params(*)[ZT_NSOIL])f.rz, SY};
    const size_t n = 7;
    memcpy(d->mask, f.d->mask, n);
    memcpy(d->landuse, f.d->landuse, n);
    memcpy(d->soil, f.d->soil, n);
    memcpy(d->district, f.d->district, n * sizeof *d->district);
    memcpy(d->surface, f.d->surface, n * sizeof *d->surface);
    memcpy(d->gwdepth, f.d->gwdepth, n * sizeof *d->gwdepth);
    for (int mode = CORE_CPL_COUPLED; mode <= CORE_CPL_GROUNDWATER; mode++) {
        const core_cpl_config cfg = config((core_cpl_mode)mode, day);
        zt_err_clear(&err);
        zt_status st = core_cpl_create(&cfg, d, f.t, 2, &tab, &m, &err);
        if (mode == CORE_CPL_ROOTZONE) {
            ck_assert_int_eq(st, ZT_OK); /* the root zone needs no groundwater */
            core_cpl_destroy(&m);
        } else {
            ck_assert_int_eq(st, ZT_EINPUT);
            ck_assert_ptr_null(m);
            ck_assert_msg(
                strstr(err.msg, "groundwater variables") &&
                    strstr(err.msg, mode == CORE_CPL_COUPLED ? "\"coupled\"" : "\"groundwater\""),
                "%s", err.msg);
        }
    }
    grid_domain_destroy(&d);
    grid_domain_destroy(&f.d);
}
END_TEST

/*
 * Every allocation of core_cpl_create (and of the first day) fails in
 * turn: ZT_ENOMEM, *out NULL, nothing leaks (valgrind, ASan). The peat
 * cell gets submerged drains, so their allocations are in the count.
 */
START_TEST(alloc_failure)
{
    c3 f;
    zt_err err;
    core_cpl_config cfg = config(CORE_CPL_COUPLED, zt_day_from_ymd(2018, 6, 15));
    const int saved = omp_get_max_threads();
    int done = 0;
    long nth;
    cfg.peat_owd = 1;
    cfg.peat_owd_c = 64.0;
    c3_init(&f);
    const core_cpl_tables tab = {(const core_rz_params(*)[ZT_NSOIL])f.rz, SY};
    omp_set_num_threads(1); /* the hook counts without a lock */
    for (nth = 1; nth < 1000 && !done; nth++) {
        core_cpl *m = (core_cpl *)&f;
        core_cpl_balance b;
        zt_err_clear(&err);
        zt_alloc_fail_after(nth);
        zt_status st = core_cpl_create(&cfg, f.d, f.t, 2, &tab, &m, &err);
        if (st != ZT_OK) {
            ck_assert_ptr_null(m);
        } else {
            st = core_cpl_day_begin(m, cfg.start, f.p, f.et0, NULL, NULL, &err);
            if (st == ZT_OK) {
                st = core_cpl_day_end(m, NULL, NULL, &b, &err);
            }
        }
        zt_alloc_fail_after(0);
        if (st == ZT_OK) {
            done = 1;
        } else {
            ck_assert_msg(st == ZT_ENOMEM, "allocation %ld: %s: %s", nth, zt_status_name(st),
                          err.msg);
            ck_assert_msg(strstr(err.msg, "out of memory"), "%s", err.msg);
        }
        core_cpl_destroy(&m);
    }
    omp_set_num_threads(saved);
    ck_assert(done);
    ck_assert_int_gt(nth, 40); /* the model's own arrays alone are more */
    grid_domain_destroy(&f.d);
}
END_TEST

START_TEST(destroy_null)
{
    core_cpl *m = NULL;
    core_cpl_destroy(NULL);
    core_cpl_destroy(&m);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(core_cpl_peat_districts(NULL), 0);
}
END_TEST

/* ---- 6. determinism -------------------------------------------------------- */

/* ---- pressure drains (issue 14) ------------------------------------------ */

/*
 * One grass x peat cell on its own (kD 0), surface 0, water table at 0.60 m
 * (h = -0.6), Sy 0.5, area 10,000 m2, and an open-water cell; the district
 * holds its ditches at 0.0 m NAP (summer), above the head, with an infinite
 * infiltration resistance: the ditch neither drains nor feeds the cell. No
 * rain, no evaporation from the root zone; a well draws q = 4 mm/d from the
 * groundwater (the summer's pull on the water table). Pressure drains held
 * at 0.30 m below surface (z = -0.3) with resistance c = 10 d. Backward
 * Euler, one day:
 *   h' = (Sy h + z/c - q) / (Sy + 1/c) = (0.5 h - 0.034) / 0.6
 * h1 = -0.334 / 0.6 = -0.5566667, the drain presses in (z - h1)/c =
 * 0.0256667 m/d (256.667 m3 of class 1.2 water); the head approaches
 * h* = z - q c = -0.34 as h_n = h* + (h0 - h*) (5/6)^n: after 60 days
 * -0.3400046, a depth of 0.34 m, held within 20-40 cm.
 * When the network gives the district no water: day 1 starts from a full
 * supply (yesterday's share 1) and presses in as above; its class 1.2
 * demand is then not supplied, the share is 0, and from day 2 the drain
 * gives nothing: the head falls by q / Sy = 8 mm a day,
 * h_n = h1 - 0.008 (n - 1), while the deficit carried keeps the share 0.
 * Outside the supply areas the drains never press in: h_n = h0 - 0.008 n.
 * The solver keeps levels and resistances as float: heads within 1e-6 m.
 */
typedef struct pdfix {
    grid_domain *d;
    grid_district t;
    core_rz_params rz[ZT_NLANDUSE][ZT_NSOIL];
    float p[2], et0[2];
    double abstr[2];
} pdfix;

static core_cpl *pd_model(pdfix *f, int unsupplied, zt_day day)
{
    core_cpl *m = NULL;
    zt_err err;
    const core_cpl_tables tab = {(const core_rz_params(*)[ZT_NSOIL])f->rz, SY};
    core_cpl_config cfg = config(CORE_CPL_COUPLED, day);
    memset(f, 0, sizeof *f);
    f->d = new_domain(2, 1, 1);
    land(&f->rz[ZT_LU_GRASS][ZT_SOIL_PEAT], 0.1);
    open_water(&f->rz[ZT_LU_WATER][ZT_SOIL_NONE]);
    set_cell(f->d, 0, ZT_LU_GRASS, ZT_SOIL_PEAT, 7, 0.0f, 0.6f, ZT_SPR_NONE);
    set_cell(f->d, 1, ZT_LU_WATER, ZT_SOIL_NONE, 7, -1.0f, 1.0f, ZT_SPR_NONE);
    for (zt_idx k = 0; k < 2; k++) {
        set_gw(f->d, k, 0.0f, 16.0f, INFINITY);
    }
    f->t = district(7, 0.0, -0.2, 0.10, 0.0);
    f->t.unsupplied = unsupplied;
    f->abstr[0] = 0.004;
    cfg.peat_pd = 1;
    cfg.peat_pd_depth = 0.3;
    cfg.peat_pd_c = 10.0;
    zt_err_clear(&err);
    ck_assert_msg(core_cpl_create(&cfg, f->d, &f->t, 1, &tab, &m, &err) == ZT_OK, "%s", err.msg);
    return m;
}

/* One day; frac (NULL: all supplied) is the network's allocation. */
static void pd_day(core_cpl *m, pdfix *f, zt_day day, const double *frac, core_cpl_balance *b)
{
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(core_cpl_day_begin(m, day, f->p, f->et0, f->abstr, NULL, &err) == ZT_OK, "%s",
                  err.msg);
    ck_assert_msg(core_cpl_day_end(m, frac, NULL, b, &err) == ZT_OK, "%s", err.msg);
    ck_assert(b->rel_gw <= 1e-6 && b->rel_d <= 1e-9);
}

START_TEST(pressure_drain_holds_target)
{
    pdfix f;
    core_cpl_balance b;
    const zt_day day = zt_day_from_ymd(2018, 6, 1);
    core_cpl *m = pd_model(&f, 0, day);
    const double hs = -0.34, h0 = -0.6;
    pd_day(m, &f, day, NULL, &b);
    ASSERT_NEAR(m->h[0], -0.334 / 0.6, 1e-6);
    ASSERT_NEAR(-m->f_drain[2][0], (-0.3 + 0.334 / 0.6) / 10.0, 1e-7);
    ASSERT_NEAR(m->rep[CORE_DCAT_PEAT], 1e4 * (-0.3 + 0.334 / 0.6) / 10.0, 1e-3);
    ASSERT_NEAR(m->gfrac[CORE_DCAT_PEAT], 1.0, 0.0);
    for (int n = 2; n <= 60; n++) {
        pd_day(m, &f, day + n - 1, NULL, &b);
        ASSERT_NEAR(m->h[0], hs + (h0 - hs) * pow(5.0 / 6.0, n), 1e-6);
    }
    ASSERT_NEAR(m->depth[0], 0.34, 1e-5);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

START_TEST(pressure_drain_without_water)
{
    pdfix f;
    core_cpl_balance b;
    const zt_day day = zt_day_from_ymd(2018, 6, 1);
    const double none[CORE_DCAT_COUNT] = {0};
    core_cpl *m = pd_model(&f, 0, day);
    const double h1 = -0.334 / 0.6;
    pd_day(m, &f, day, none, &b);
    ASSERT_NEAR(m->h[0], h1, 1e-6);
    ASSERT_NEAR(m->gfrac[CORE_DCAT_PEAT], 0.0, 0.0);
    for (int n = 2; n <= 20; n++) {
        pd_day(m, &f, day + n - 1, none, &b);
        ASSERT_NEAR(m->h[0], h1 - 0.008 * (n - 1), 1e-6);
        ASSERT_NEAR(m->f_drain[2][0], 0.0, 0.0);
        ck_assert(isinf(m->tile_ci[0]));
        ASSERT_NEAR(m->gfrac[CORE_DCAT_PEAT], 0.0, 0.0);
    }
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

START_TEST(pressure_drain_outside_supply_area)
{
    pdfix f;
    core_cpl_balance b;
    const zt_day day = zt_day_from_ymd(2018, 6, 1);
    core_cpl *m = pd_model(&f, 1, day);
    for (int n = 1; n <= 10; n++) {
        pd_day(m, &f, day + n - 1, NULL, &b);
        ASSERT_NEAR(m->h[0], -0.6 - 0.008 * n, 1e-6);
        ASSERT_NEAR(m->f_drain[2][0], 0.0, 0.0);
        ASSERT_NEAR(m->rep[CORE_DCAT_PEAT], 0.0, 0.0);
    }
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}
END_TEST

static uint64_t rng;

static double urand(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * 12 x 9 cells: a fixed-head column of open water at the west edge, two
 * inactive cells, three districts (ids 3, 7, 11) in bands; land use, soil,
 * sprinkling source, surface, kD, seepage, trenches and tiles drawn from a
 * fixed seed. Peat cells get submerged drains.
 */
typedef struct c6 {
    grid_domain *d;
    grid_district t[3];
    core_rz_params rz[ZT_NLANDUSE][ZT_NSOIL];
    float p[108], et0[108];
} c6;

/* the capillary flux of subsoil O12, heavy clay (Staring 2001), for every
 * soil: small, so that the root zones dry out and sprinkle */
static core_cap_table c6_cap;

static void c6_init(c6 *f)
{
    const core_cap_soil o12 = {0.0102, 0.95, 1.158, -4.295};
    zt_err e;
    zt_err_clear(&e);
    ck_assert_int_eq(core_cap_build(&o12, 10.0, 0.25, 0.02, CORE_CAP_NZ, &c6_cap, &e), ZT_OK);
    const zt_idx nx = 12, ny = 9;
    memset(f, 0, sizeof *f);
    rng = 12345;
    f->d = new_domain(nx, ny, 1);
    for (int lu = ZT_LU_GRASS; lu <= ZT_LU_URBAN; lu++) {
        for (int so = ZT_SOIL_PEAT; so < ZT_NSOIL; so++) {
            core_rz_params *p = &f->rz[lu][so];
            land(p, so == ZT_SOIL_SAND ? 0.05 : (so == ZT_SOIL_CLAY ? 0.09 : 0.12));
            p->icap = 0.0005;
            p->cap = &c6_cap;
            p->cap_full = 0.5 * p->smax;
            p->paved = lu == ZT_LU_URBAN ? 0.4 : 0.0;
            p->kc[5] = lu == ZT_LU_NATURE ? 0.9 : 1.1;
            if (lu <= ZT_LU_CAPITAL) {
                p->sprinkle = 1;
                p->spr_trigger = 0.7;
                p->spr_gift = 0.02;
                p->spr_cap = 0.008;
                p->spr_first_month = 4;
                p->spr_last_month = 9;
            }
        }
    }
    open_water(&f->rz[ZT_LU_WATER][ZT_SOIL_NONE]);
    for (zt_idx j = 0; j < ny; j++) {
        for (zt_idx i = 0; i < nx; i++) {
            const zt_idx k = j * nx + i;
            if (i == 0) {
                f->d->mask[k] = ZT_MASK_FIXED;
                f->d->surface[k] = -1.2f;
                continue;
            }
            if (k == 30 || k == 77) {
                continue; /* inactive */
            }
            const int32_t id = i + j / 3 < 5 ? 3 : (i + j / 3 < 9 ? 7 : 11);
            int lu = 1 + (int)(urand() * 6.0);
            int so = lu == ZT_LU_WATER ? ZT_SOIL_NONE : 1 + (int)(urand() * 3.0);
            int spr = lu <= ZT_LU_CAPITAL ? (int)(urand() * 3.0) : ZT_SPR_NONE;
            set_cell(f->d, k, lu, so, id, (float)(0.3 * urand() - 0.02 * (double)i),
                     (float)(0.6 + urand()), spr);
            set_gw(f->d, k, (float)(50.0 + 250.0 * urand()), (float)(20.0 + 200.0 * urand()),
                   (float)(40.0 + 400.0 * urand()));
            f->d->deep_head[k] = (float)(-1.5 + urand());
            f->d->cv[k] = (float)(200.0 + 800.0 * urand());
            if (urand() < 0.3) {
                f->d->trench_depth[k] = 0.3f;
                f->d->trench_c[k] = 10.0f;
            }
            if (urand() < 0.3) {
                f->d->tile_depth[k] = 1.0f;
                f->d->tile_c[k] = 30.0f;
            }
        }
    }
    f->t[0] = district(3, -0.9, -1.1, 0.04, 0.002);
    f->t[1] = district(7, -1.0, -1.2, 0.03, 0.0);
    f->t[2] = district(11, -1.15, -1.3, 0.05, 0.001);
}

/* Day i's forcing (mm/d): mostly dry, a shower on days 2 and 5. */
static void c6_forcing(c6 *f, int day)
{
    for (int k = 0; k < 108; k++) {
        const double r = urand();
        f->p[k] = (float)((day == 2 || day == 5) ? 6.0 + 6.0 * r : 0.0);
        f->et0[k] = (float)(3.5 + 2.0 * r);
    }
}

/* The snapshot compared between thread counts. */
typedef struct snap {
    core_cpl_balance bal[8];
    double *acc[CORE_V_COUNT];
    double *s, *spr_left, *h;
    double dv[3], dlevel[3], dshort[3 * NC], gfrac[3 * NC], rep[3 * NC], real[3 * NC], dem[3 * NC];
    double spr_total, short_total, fixed_total;
} snap;

static void c6_run(int nthreads, snap *out)
{
    c6 f;
    core_cpl *m = NULL;
    zt_err err;
    int sel[CORE_V_COUNT];
    double frac[3 * NC];
    const zt_day day0 = zt_day_from_ymd(2018, 6, 1);
    core_cpl_config cfg = config(CORE_CPL_COUPLED, day0);
    cfg.gw.tol_head = 1e-6;
    cfg.gw.tol_balance = 0.0;
    cfg.peat_owd = 1;
    cfg.peat_owd_c = 50.0;
    cfg.precip_factor[5] = 1.05;
    c6_init(&f);
    const core_cpl_tables tab = {(const core_rz_params(*)[ZT_NSOIL])f.rz, SY};
    memset(out, 0, sizeof *out);
    for (int v = 0; v < CORE_V_COUNT; v++) {
        sel[v] = v;
        out->acc[v] = calloc(108, sizeof(double));
    }
    core_cpl_acc acc = {out->acc, sel, CORE_V_COUNT, 1};
    omp_set_num_threads(nthreads);
    zt_err_clear(&err);
    ck_assert_msg(core_cpl_create(&cfg, f.d, f.t, 3, &tab, &m, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(m->nd, 3);
    for (int day = 0; day < 8; day++) {
        c6_forcing(&f, day);
        zt_err_clear(&err);
        ck_assert_msg(core_cpl_day_begin(m, day0 + day, f.p, f.et0, NULL, &acc, &err) == ZT_OK,
                      "day %d: %s", day, err.msg);
        for (int u = 0; u < 3 * NC; u++) {
            frac[u] = u % NC == CORE_DCAT_PEAT ? 1.0 : 0.35 + 0.1 * (double)((day * 3 + u) % 7);
        }
        ck_assert_msg(core_cpl_day_end(m, frac, &acc, &out->bal[day], &err) == ZT_OK, "day %d: %s",
                      day, err.msg);
        acc.first = 0;
        out->spr_total += out->bal[day].b[CORE_B_SPR_SW];
        out->fixed_total += fabs(out->bal[day].b[CORE_B_FIXED]);
        for (int u = 0; u < 3 * NC; u++) {
            out->short_total += m->rep[u] - m->real[u] > 0.0 ? m->rep[u] - m->real[u] : 0.0;
        }
    }
    out->s = malloc(108 * sizeof(double));
    out->spr_left = malloc(108 * sizeof(double));
    out->h = malloc(108 * sizeof(double));
    memcpy(out->s, m->s, 108 * sizeof(double));
    memcpy(out->spr_left, m->spr_left, 108 * sizeof(double));
    memcpy(out->h, m->h, 108 * sizeof(double));
    memcpy(out->dv, m->dv, sizeof out->dv);
    memcpy(out->dlevel, m->dlevel, sizeof out->dlevel);
    memcpy(out->dshort, m->dshort, sizeof out->dshort);
    memcpy(out->gfrac, m->gfrac, sizeof out->gfrac);
    memcpy(out->rep, m->rep, sizeof out->rep);
    memcpy(out->real, m->real, sizeof out->real);
    memcpy(out->dem, m->dem, sizeof out->dem);
    core_cpl_destroy(&m);
    grid_domain_destroy(&f.d);
}

static void snap_free(snap *s)
{
    for (int v = 0; v < CORE_V_COUNT; v++) {
        free(s->acc[v]);
    }
    free(s->s);
    free(s->spr_left);
    free(s->h);
}

/*
 * Eight days on the 12 x 9 domain with an allocation that cuts every
 * cause but peat, with 1 and 2 threads: the balances of every day, the
 * state and every gridded output are the same bytes. The run must do
 * something: sprinkle from surface water, go short, exchange water with
 * the fixed-head column.
 */
START_TEST(threads_bitwise)
{
    snap a, b;
    const int saved = omp_get_max_threads();
    c6_run(1, &a);
    c6_run(2, &b);
    omp_set_num_threads(saved);
    ck_assert(a.spr_total > 0.0);
    ck_assert(a.short_total > 0.0);
    ck_assert(a.fixed_total > 0.0);
    ck_assert_msg(memcmp(a.bal, b.bal, sizeof a.bal) == 0, "balances differ");
    ck_assert_msg(memcmp(a.s, b.s, 108 * sizeof(double)) == 0, "root-zone storage differs");
    ck_assert_msg(memcmp(a.spr_left, b.spr_left, 108 * sizeof(double)) == 0, "spr_left differs");
    ck_assert_msg(memcmp(a.h, b.h, 108 * sizeof(double)) == 0, "heads differ");
    ck_assert(memcmp(a.dv, b.dv, sizeof a.dv) == 0 &&
              memcmp(a.dlevel, b.dlevel, sizeof a.dlevel) == 0);
    ck_assert(memcmp(a.dshort, b.dshort, sizeof a.dshort) == 0);
    ck_assert(memcmp(a.gfrac, b.gfrac, sizeof a.gfrac) == 0);
    ck_assert(memcmp(a.rep, b.rep, sizeof a.rep) == 0 &&
              memcmp(a.real, b.real, sizeof a.real) == 0);
    ck_assert(memcmp(a.dem, b.dem, sizeof a.dem) == 0);
    for (int v = 0; v < CORE_V_COUNT; v++) {
        ck_assert_msg(memcmp(a.acc[v], b.acc[v], 108 * sizeof(double)) == 0,
                      "gridded output %d differs", v);
    }
    snap_free(&a);
    snap_free(&b);
}
END_TEST

Suite *suite_couple(void)
{
    Suite *s = suite_create("couple");
    TCase *tc = tcase_create("couple");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rootzone_mode);
    tcase_add_test(tc, groundwater_mode);
    tcase_add_test(tc, coupled_demand_full);
    tcase_add_test(tc, coupled_demand_short);
    tcase_add_test(tc, sprinkling_follows_yesterday);
    tcase_add_test(tc, sprinkling_without_network);
    tcase_add_test(tc, flushing_tops_up_discharge);
    tcase_add_test(tc, unsupplied_district);
    tcase_add_test(tc, infiltration_resistance_factor);
    tcase_add_test(tc, flushing_salt_store);
    tcase_add_test(tc, flushing_follows_deficit);
    tcase_add_test(tc, sprinkling_after_null_day);
    tcase_add_test(tc, district_missing);
    tcase_add_test(tc, district_without_open_water);
    tcase_add_test(tc, domain_without_groundwater);
    tcase_add_test(tc, alloc_failure);
    tcase_add_test(tc, destroy_null);
    tcase_add_test(tc, threads_bitwise);
    tcase_add_test(tc, pressure_drain_holds_target);
    tcase_add_test(tc, pressure_drain_without_water);
    tcase_add_test(tc, pressure_drain_outside_supply_area);
    suite_add_tcase(s, tc);
    return s;
}
