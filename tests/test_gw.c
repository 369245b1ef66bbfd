/*
 * test_gw.c: suite "gw", the groundwater solver (core/core_gw.c) and the
 * deterministic reduction (core/core_red.c).
 *
 * Physics against analytical solutions, each hand-derived in the comment
 * above its checks:
 *   - Hooghoudt's steady head between parallel ditches (kD form);
 *   - the linear-reservoir recession of one cell with one drain (the
 *     backward-Euler recursion exactly, the continuous exponential within 1 %);
 *   - Kraijenhoff van de Leur's transient head between ditches;
 *   - the seepage/drain steady state of one cell (drainage and infiltration
 *     branches, so Picard must switch) and the leaky-aquifer profile;
 * then numerics: the daily balance on random heterogeneous fields, the
 * head-error bound against a tenfold tighter solve, 1 vs 2 threads bit for
 * bit, and the error paths (bad model, bad drain in a step, no convergence,
 * failed allocation).
 */
#include <check.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_gw.h"
#include "core_red.h"
#include "testutil.h"

/* A model with owned arrays; fields default to "absent". */
typedef struct tm {
    core_gw_model m;
    zt_idx n;
    uint8_t *mask;
    double *kd, *sy, *surf, *phi, *cv, *h, *rech;
    double *lev[2], *c[2], *ci[2];
    double *fd[2], *fsp, *fse, *fst, *fla;
} tm;

static double *dfill(zt_idx n, double v)
{
    double *a = malloc((size_t)n * sizeof *a);
    ck_assert_ptr_nonnull(a);
    for (zt_idx k = 0; k < n; k++) {
        a[k] = v;
    }
    return a;
}

/* nx x ny cells of dx m, all active, kD, Sy uniform; no drains, no seepage. */
static void tm_init(tm *t, zt_idx nx, zt_idx ny, double dx, double kd, double sy)
{
    memset(t, 0, sizeof *t);
    t->n = nx * ny;
    t->mask = malloc((size_t)t->n);
    ck_assert_ptr_nonnull(t->mask);
    memset(t->mask, ZT_MASK_ACTIVE, (size_t)t->n);
    t->kd = dfill(t->n, kd);
    t->sy = dfill(t->n, sy);
    t->h = dfill(t->n, 0.0);
    t->rech = dfill(t->n, 0.0);
    for (int d = 0; d < 2; d++) {
        t->fd[d] = dfill(t->n, 0.0);
    }
    t->fsp = dfill(t->n, 0.0);
    t->fse = dfill(t->n, 0.0);
    t->fst = dfill(t->n, 0.0);
    t->fla = dfill(t->n, 0.0);
    t->m.g = (zt_grid){nx, ny, 0.0, 0.0, dx};
    t->m.mask = t->mask;
    t->m.kd = t->kd;
    t->m.sy = t->sy;
    t->m.c_spill = 1.0;
}

/* Add drain system d with uniform level z, c, ci (INFINITY: none). */
static void tm_drain(tm *t, int d, double z, double c, double ci)
{
    t->lev[d] = dfill(t->n, z);
    t->c[d] = dfill(t->n, c);
    t->ci[d] = dfill(t->n, ci);
    t->m.drain[d] = (core_gw_drain){d == 0 ? "ditch" : "tile", t->lev[d], t->c[d], t->ci[d]};
    if (t->m.ndrain < d + 1) {
        t->m.ndrain = d + 1;
    }
}

static void tm_seepage(tm *t, double phi, double cv)
{
    t->phi = dfill(t->n, phi);
    t->cv = dfill(t->n, cv);
    t->m.phi = t->phi;
    t->m.cv = t->cv;
}

static core_gw_flux tm_flux(tm *t)
{
    core_gw_flux f;
    memset(&f, 0, sizeof f);
    f.drain[0] = t->fd[0];
    f.drain[1] = t->fd[1];
    f.spill = t->fsp;
    f.seepage = t->fse;
    f.storage = t->fst;
    f.lateral = t->fla;
    return f;
}

static void tm_free(tm *t)
{
    free(t->mask);
    free(t->kd);
    free(t->sy);
    free(t->surf);
    free(t->phi);
    free(t->cv);
    free(t->h);
    free(t->rech);
    for (int d = 0; d < 2; d++) {
        free(t->lev[d]);
        free(t->c[d]);
        free(t->ci[d]);
        free(t->fd[d]);
    }
    free(t->fsp);
    free(t->fse);
    free(t->fst);
    free(t->fla);
}

/* Run nstep steps of dt; fail the test on any error. */
static void run_steps(core_gw_solver *s, tm *t, double dt, int nstep, core_gw_stats *st)
{
    zt_err err;
    core_gw_flux f = tm_flux(t);
    zt_err_clear(&err);
    for (int i = 0; i < nstep; i++) {
        zt_status rc = core_gw_step(s, dt, t->rech, t->h, &f, st, &err);
        ck_assert_msg(rc == ZT_OK, "step %d: %s", i, err.msg);
    }
}

/* A strip of nact active cells between two fixed-head columns (head 0), 3
 * rows (rows are identical: the north/south faces carry no flow). */
static void strip(tm *t, zt_idx nact, double dx, double kd, double sy, double n_rech)
{
    zt_idx nx = nact + 2;
    tm_init(t, nx, 3, dx, kd, sy);
    for (zt_idx j = 0; j < 3; j++) {
        t->mask[j * nx] = ZT_MASK_FIXED;
        t->mask[j * nx + nx - 1] = ZT_MASK_FIXED;
        for (zt_idx i = 1; i < nx - 1; i++) {
            t->rech[j * nx + i] = n_rech;
        }
    }
}

/* ---- core_red -------------------------------------------------------------- */

START_TEST(red_rows_and_combine)
{
    /* 10 rows in 4 blocks: [0,2) [2,5) [5,7) [7,10) (b ny / nblock, floor). */
    zt_idx j0, j1;
    const zt_idx expect[5] = {0, 2, 5, 7, 10};
    for (int b = 0; b < 4; b++) {
        core_red_rows(10, 4, b, &j0, &j1);
        ck_assert_int_eq(j0, expect[b]);
        ck_assert_int_eq(j1, expect[b + 1]);
    }
    /* 4 blocks over 3 threads: [0,1) [1,2) [2,4). */
    int b0, b1;
    core_red_share(4, 3, 2, &b0, &b1);
    ck_assert_int_eq(b0, 2);
    ck_assert_int_eq(b1, 4);
    /* Block order: (1e16 + 1) + 1 - 1e16 = 0 in double (1e16 + 1 rounds to 1e16,
     * and again), a different order would give 2: the order is fixed. */
    double part[4 * 2] = {1e16, 5.0, 1.0, -2.0, 1.0, NAN, -1e16, 7.0};
    core_red_op op[2] = {CORE_RED_SUM, CORE_RED_MAX};
    double out[2];
    core_red_combine(part, 4, 2, 2, op, out);
    ck_assert_double_eq(out[0], 0.0);
    ck_assert(isnan(out[1])); /* a NaN partial is never hidden by a max */
    core_red_op mn[1] = {CORE_RED_MIN};
    double part2[3] = {3.0, -1.0, 2.0};
    core_red_combine(part2, 3, 1, 1, mn, out);
    ck_assert_double_eq(out[0], -1.0);
}
END_TEST

/* ---- analytical solutions ---------------------------------------------------- */

START_TEST(hooghoudt_steady)
{
    /* 99 active cells of dx = 10 m between fixed heads 0 whose centres are
     * L = 100 dx = 1000 m apart; kD = 100 m2/d, N = 1 mm/d. Steady state of
     * kD h'' = -N with h(0) = h(L) = 0: h = N x (L - x) / (2 kD); midfield
     * m = N L^2 / (8 kD) = 1e-3 * 1e6 / 800 = 1.25 m. The 3-point
     * difference is exact for a parabola, so the discrete answer equals it
     * up to the solver tolerance. Steady state: steps of dt = 1e4 d; the
     * slowest mode decays per step by (Sy/dt) / (Sy/dt + kD pi^2/L^2) =
     * 1e-5 / (1e-5 + 9.9e-4) = 0.01, so after 6 steps the head is steady to
     * 1e-12 relative. Tolerance: 1e-6 m on the head. At steady state all
     * recharge leaves to the fixed columns: fixed_in = -N * (99 cells * dx^2)
     * * 3 rows = -1e-3 * 99 * 100 * 3 = -29.7 m3/d. */
    tm t;
    core_gw_solver *s = NULL;
    core_gw_opts o = {1e-8, 1e-10, 0, 0, 0, 0, 0, 0};
    core_gw_stats st;
    zt_err err;
    strip(&t, 99, 10.0, 100.0, 0.1, 1e-3);
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, &o, &s, &err), ZT_OK);
    run_steps(s, &t, 1e4, 6, &st);
    for (zt_idx j = 0; j < 3; j++) {
        for (zt_idx i = 1; i <= 99; i++) {
            double x = 10.0 * (double)i;
            ck_assert_double_eq_tol(t.h[j * 101 + i], 1e-3 * x * (1000.0 - x) / 200.0, 1e-6);
        }
    }
    ck_assert_double_eq_tol(t.h[50], 1.25, 1e-6);
    ck_assert_double_eq_tol(st.fixed_in, -29.7, 1e-6);
    ck_assert(st.head_bound <= 1e-8);
    core_gw_destroy(&s);
    ck_assert_ptr_null(s);
    tm_free(&t);
}
END_TEST

START_TEST(linear_reservoir)
{
    /* One cell, Sy = 0.1, drain at z = 0 with c = 100 d, h0 = 1 m, no
     * recharge. Continuous: Sy dh/dt = -h/c -> h = exp(-t/(Sy c)), Sy c = 10 d.
     * Backward Euler: Sy (h' - h)/dt = -h'/c -> h' = h / (1 + dt/(Sy c)).
     * (a) dt = 1 d, 50 steps: h_n = 1.1^-n exactly (to 1e-12).
     * (b) dt = 0.01 d, 1000 steps to t = 10 d: exp(-1) = 0.367879; BE gives
     *     1.001^-1000 = exp(-1000 ln 1.001) = exp(-0.9995) = 0.368063, 0.05 %
     *     off: within 1 %. Drain flux of the last step = h'/c (m/d), storage
     *     = -h'/c.
     * The solver holds Sy and 1/c as float (core_gw.h), so the exact
     * answers use Sy = F(0.1) and 1/c = F(1/100), F: rounding to float. */
    const double syf = (double)(float)0.1, gc = (double)(float)(1.0 / 100.0);
    tm t;
    core_gw_solver *s = NULL;
    core_gw_opts o = {1e-14, 1e-12, 0, 0, 0, 0, 0, 0};
    core_gw_stats st;
    zt_err err;
    tm_init(&t, 1, 1, 100.0, 50.0, 0.1);
    tm_drain(&t, 0, 0.0, 100.0, INFINITY);
    t.h[0] = 1.0;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, &o, &s, &err), ZT_OK);
    for (int n = 1; n <= 50; n++) {
        run_steps(s, &t, 1.0, 1, &st);
        ck_assert_double_eq_tol(t.h[0], pow(1.0 + gc / syf, -n), 1e-12);
        ck_assert_double_eq_tol(t.h[0], pow(1.1, -n), 1e-6); /* F changes it by < 1e-6 */
    }
    ck_assert_double_eq_tol(t.fd[0][0], pow(1.0 + gc / syf, -50) * gc, 1e-14);
    ck_assert_double_eq_tol(t.fst[0], -pow(1.0 + gc / syf, -50) * gc, 1e-14);
    t.h[0] = 1.0;
    run_steps(s, &t, 0.01, 1000, &st);
    ck_assert_double_eq_tol(t.h[0], pow(1.0 + 0.01 * gc / syf, -1000), 1e-12);
    ck_assert_double_eq_tol(t.h[0] / exp(-1.0), 1.0, 0.01);
    core_gw_destroy(&s);
    tm_free(&t);
}
END_TEST

/* Kraijenhoff van de Leur (1958) / Glover-Dumm: h(x, t) for a strip of width
 * L with h = 0 at x = 0 and x = L, h(x, 0) = 0 and constant recharge N:
 *   h = 4 N L^2 / (pi^3 kD) sum_{n odd} n^-3 sin(n pi x / L) (1 - exp(-n^2 t / j)),
 *   j = Sy L^2 / (pi^2 kD).
 * At t -> inf and x = L/2 the sum is pi^3/32, giving Hooghoudt's N L^2/(8 kD). */
static double kvdl(double x, double t, double nr, double l, double kd, double sy)
{
    double j = sy * l * l / (M_PI * M_PI * kd), sum = 0.0;
    for (int n = 1; n < 4001; n += 2) {
        sum += sin(n * M_PI * x / l) * (1.0 - exp(-(double)n * n * t / j)) / ((double)n * n * n);
    }
    return 4.0 * nr * l * l / (M_PI * M_PI * M_PI * kd) * sum;
}

START_TEST(kraijenhoff_transient)
{
    /* L = 1000 m (199 active cells of 5 m), kD = 100 m2/d, Sy = 0.1,
     * N = 2 mm/d: j = 0.1e6 / (9.8696 * 100) = 101.3 d; final midfield head
     * 2e-3 * 1e6 / 800 = 2.5 m. Errors of the scheme: space (n pi dx/L)^2/12
     * = 2e-5 for the first term; time dt/(2 j) = 0.25 % for dt = 0.5 d on the
     * transient part. Check the midfield head at t = 10, 50, 100, 200, 400 d
     * within 1 %. Early on, the midfield rises as N t / Sy (10 d: 0.2 m). */
    tm t;
    core_gw_solver *s = NULL;
    core_gw_opts o = {1e-7, 1e-9, 0, 0, 0, 0, 0, 0};
    core_gw_stats st;
    zt_err err;
    const double times[5] = {10.0, 50.0, 100.0, 200.0, 400.0};
    double tnow = 0.0;
    strip(&t, 199, 5.0, 100.0, 0.1, 2e-3);
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, &o, &s, &err), ZT_OK);
    for (int k = 0; k < 5; k++) {
        int nstep = (int)lround((times[k] - tnow) / 0.5);
        run_steps(s, &t, 0.5, nstep, &st);
        tnow = times[k];
        double an = kvdl(500.0, tnow, 2e-3, 1000.0, 100.0, 0.1);
        ck_assert_msg(fabs(t.h[201 + 100] / an - 1.0) < 0.01, "t = %g d: %g vs %g", tnow,
                      t.h[201 + 100], an);
        /* and a quarter of the way: x = 250 m is cell 50 */
        double aq = kvdl(250.0, tnow, 2e-3, 1000.0, 100.0, 0.1);
        ck_assert_msg(fabs(t.h[201 + 50] / aq - 1.0) < 0.01, "t = %g d, x = L/4", tnow);
    }
    ck_assert_double_eq_tol(kvdl(500.0, 1e6, 2e-3, 1000.0, 100.0, 0.1), 2.5, 1e-9);
    core_gw_destroy(&s);
    tm_free(&t);
}
END_TEST

START_TEST(seepage_drain_steady)
{
    /* One cell, drain z = 0, c = 100 d; seepage from phi through cv = 400 d.
     * Steady: (h - z)/c = (phi - h)/cv -> h = (z/c + phi/cv)/(1/c + 1/cv).
     * (a) phi = 1: h = (1/400)/(1/100 + 1/400) = 0.0025/0.0125 = 0.2 m > z:
     *     drainage branch; drain flux 0.2/100 = 2 mm/d = kwel.
     * (b) phi = -1, ci = 200 d, starting at h = 1 (drainage branch): the
     *     answer lies below z, so Picard must switch to infiltration:
     *     h = (0/200 - 1/400)/(1/200 + 1/400) = -0.0025/0.0075 = -1/3 m;
     *     drain flux (h - z)/ci = -1/600 m/d (infiltration).
     * (c) phi = -1, no infiltration (ci = inf): h = phi = -1.
     * The solver holds 1/c, 1/cv and 1/ci as float (core_gw.h): the fluxes
     * are checked with those, F: rounding to float. */
    const double g = (double)(float)(1.0 / 100.0), gv = (double)(float)(1.0 / 400.0);
    const double gi = (double)(float)(1.0 / 200.0);
    tm t;
    core_gw_solver *s = NULL;
    core_gw_opts o = {1e-12, 1e-12, 0, 0, 0, 0, 0, 0};
    core_gw_stats st;
    zt_err err;
    tm_init(&t, 1, 1, 100.0, 50.0, 0.1);
    tm_drain(&t, 0, 0.0, 100.0, INFINITY);
    tm_seepage(&t, 1.0, 400.0);
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, &o, &s, &err), ZT_OK);
    run_steps(s, &t, 1e8, 3, &st);
    ck_assert_double_eq_tol(t.h[0], 0.2, 1e-7);
    ck_assert_double_eq_tol(t.h[0], gv / (g + gv), 1e-9);
    ck_assert_double_eq_tol(t.fd[0][0], g * gv / (g + gv), 1e-11);
    ck_assert_double_eq_tol(t.fse[0], -g * gv / (g + gv), 1e-11);
    ck_assert_double_eq_tol(t.fd[0][0], 0.002, 1e-9);

    t.phi[0] = -1.0;
    t.ci[0][0] = 200.0;
    t.h[0] = 1.0;
    run_steps(s, &t, 1e8, 1, &st);
    ck_assert_int_ge(st.picard, 2);
    run_steps(s, &t, 1e8, 2, &st);
    ck_assert_double_eq_tol(t.h[0], -gv / (gi + gv), 1e-9);
    ck_assert_double_eq_tol(t.h[0], -1.0 / 3.0, 1e-7);
    ck_assert_double_eq_tol(t.fd[0][0], -gi * gv / (gi + gv), 1e-11);

    t.ci[0][0] = INFINITY;
    run_steps(s, &t, 1e8, 3, &st);
    ck_assert_double_eq_tol(t.h[0], -1.0, 1e-9);
    ck_assert(t.fd[0][0] == 0.0);
    core_gw_destroy(&s);
    tm_free(&t);
}
END_TEST

START_TEST(leaky_aquifer)
{
    /* A strip with a fixed head h0 = 1 in column 0, phi = 0, cv = 100 d,
     * kD = 100 m2/d: leakage factor lambda = sqrt(kD cv) = 100 m. Steady:
     * kD h'' = (h - phi)/cv -> h - phi = (h0 - phi) exp(-x/lambda) for a
     * long strip; with a no-flow end at Le = 1000 m the exact profile is
     * cosh((Le - x)/lambda)/cosh(Le/lambda), which differs from exp by
     * e^{-2 (Le - x)/lambda} < 1e-5 at x <= 3 lambda. Grid dx = 5 m: the
     * discrete decay per cell mu solves mu + 1/mu = 2 + dx^2/(kD cv), whose
     * log differs from dx/lambda by (dx/lambda)^3/24 per cell: 0.01 % at
     * x = 3 lambda. Check x = 100, 200, 300 m (cells 20, 40, 60) within 1 %:
     * exp(-1) = 0.3679, exp(-2) = 0.1353, exp(-3) = 0.0498. The inflow from
     * the fixed cell equals the total seepage out (steady state). */
    tm t;
    core_gw_solver *s = NULL;
    core_gw_opts o = {1e-10, 1e-10, 0, 0, 0, 0, 0, 0};
    core_gw_stats st;
    zt_err err;
    tm_init(&t, 201, 1, 5.0, 100.0, 0.1);
    tm_seepage(&t, 0.0, 100.0);
    t.mask[0] = ZT_MASK_FIXED;
    t.h[0] = 1.0;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, &o, &s, &err), ZT_OK);
    run_steps(s, &t, 1e8, 3, &st);
    for (int m = 1; m <= 3; m++) {
        double an = exp(-(double)m);
        ck_assert_msg(fabs(t.h[20 * m] / an - 1.0) < 0.01, "x = %d lambda: %g vs %g", m,
                      t.h[20 * m], an);
    }
    double seep = 0.0;
    for (int i = 1; i < 201; i++) {
        seep += t.fse[i] * 25.0;
    }
    ck_assert_double_eq_tol(st.fixed_in, seep, 1e-9 * seep);
    /* continuous: inflow = kD h0 / lambda per metre width = 1 m2/d * 5 m = 5 m3/d (1 %) */
    ck_assert_double_eq_tol(st.fixed_in / 5.0, 1.0, 0.03);
    core_gw_destroy(&s);
    tm_free(&t);
}
END_TEST

/* ---- random heterogeneous fields ----------------------------------------------- */

static uint64_t rng_state;
static double urand(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

/* nx x ny cells of 100 m: kD log-uniform 1-1000 m2/d, Sy 0.03-0.3, 5 %
 * inactive, a fixed-head west column (head 0.5), a ditch system with
 * infiltration in half the cells, a tile system in a third of the cells
 * without infiltration, seepage, spill over a surface 0.3-1.3 m. */
static void random_model(tm *t, zt_idx nx, zt_idx ny, uint64_t seed)
{
    rng_state = seed;
    tm_init(t, nx, ny, 100.0, 1.0, 0.1);
    tm_drain(t, 0, 0.0, 1.0, INFINITY);
    tm_drain(t, 1, 0.0, 1.0, INFINITY);
    tm_seepage(t, 0.0, 1.0);
    t->surf = dfill(t->n, 0.0);
    t->m.surface = t->surf;
    t->m.c_spill = 5.0;
    for (zt_idx k = 0; k < t->n; k++) {
        t->kd[k] = pow(10.0, 3.0 * urand());
        t->sy[k] = 0.03 + 0.27 * urand();
        t->surf[k] = 0.3 + urand();
        t->lev[0][k] = t->surf[k] - 0.3 - 0.9 * urand();
        t->c[0][k] = 20.0 + 280.0 * urand();
        t->ci[0][k] = urand() < 0.5 ? t->c[0][k] * (1.0 + urand()) : INFINITY;
        t->lev[1][k] = urand() < 0.33 ? t->surf[k] - 0.9 : NAN;
        t->c[1][k] = 10.0 + 20.0 * urand();
        t->phi[k] = urand() < 0.7 ? t->surf[k] - 1.0 + 1.5 * urand() : NAN;
        t->cv[k] = 100.0 + 2000.0 * urand();
        t->h[k] = t->lev[0][k] + 0.5 * (urand() - 0.5);
        t->mask[k] = urand() < 0.05 ? ZT_MASK_INACTIVE : ZT_MASK_ACTIVE;
        if (k % nx == 0) {
            t->mask[k] = ZT_MASK_FIXED;
            t->h[k] = 0.5;
        }
    }
}

static void random_recharge(tm *t, int day)
{
    for (zt_idx k = 0; k < t->n; k++) {
        t->rech[k] = 1e-3 * (day % 7 < 3 ? 8.0 * urand() : -2.0 * urand());
    }
}

START_TEST(random_balance_and_bound)
{
    /* 30 daily steps. Every step: |balance error| <= 1e-6 of the gross flux;
     * the balance error equals the sum over active cells of the per-cell
     * residual rebuilt from the returned fluxes, and the domain balance
     * sum R A + fixed_in - drains - spill - seepage - storage; the head bound
     * holds (<= tol_head = 1e-3 m); and a solve from the same start with
     * tol_head tenfold tighter moves no head by more than 1e-3 + 1e-4 m
     * (each is within its bound of the same exact solution). */
    tm t, u;
    core_gw_solver *s = NULL, *s2 = NULL;
    core_gw_opts o = {1e-3, 1e-8, 0, 0, 8, 0, 0, 0};
    core_gw_opts o2 = {1e-4, 1e-8, 0, 0, 8, 0, 0, 0};
    core_gw_stats st, st2;
    zt_err err;
    random_model(&t, 40, 30, 12345);
    random_model(&u, 40, 30, 12345);
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, &o, &s, &err), ZT_OK);
    ck_assert_int_eq(core_gw_create(&u.m, &o2, &s2, &err), ZT_OK);
    core_gw_flux f = tm_flux(&t), f2 = tm_flux(&u);
    int picard_max = 0;
    double worst_dh = 0.0;
    for (int day = 0; day < 30; day++) {
        random_recharge(&t, day);
        memcpy(u.rech, t.rech, (size_t)t.n * sizeof *t.rech);
        memcpy(u.h, t.h, (size_t)t.n * sizeof *t.h);
        double *hstart = malloc((size_t)t.n * sizeof *hstart);
        memcpy(hstart, t.h, (size_t)t.n * sizeof *hstart);
        ck_assert_int_eq(core_gw_step(s, 1.0, t.rech, t.h, &f, &st, &err), ZT_OK);
        ck_assert_int_eq(core_gw_step(s2, 1.0, u.rech, u.h, &f2, &st2, &err), ZT_OK);
        ck_assert_msg(fabs(st.balance_err) <= 1e-6 * st.gross, "day %d: %g of %g", day,
                      st.balance_err, st.gross);
        ck_assert(st.head_bound <= 1e-3);
        ck_assert(st2.head_bound <= 1e-4);
        picard_max = st.picard > picard_max ? st.picard : picard_max;
        double rsum = 0.0, dom = st.fixed_in;
        for (zt_idx k = 0; k < t.n; k++) {
            if (t.mask[k] != ZT_MASK_ACTIVE) {
                ck_assert_double_eq(t.h[k], hstart[k]);
                continue;
            }
            double out = t.fd[0][k] + t.fd[1][k] + t.fsp[k] + t.fse[k] + t.fst[k];
            rsum += t.rech[k] - t.fla[k] - out;
            dom += (t.rech[k] - out) * 1e4;
            ck_assert(t.fsp[k] >= 0.0);
            ck_assert_double_eq_tol(t.fst[k], (double)(float)t.sy[k] * (t.h[k] - hstart[k]),
                                    1e-15); /* Sy as the solver holds it */
            double dh = fabs(t.h[k] - u.h[k]);
            worst_dh = dh > worst_dh ? dh : worst_dh;
        }
        ck_assert_double_eq_tol(rsum * 1e4, st.balance_err, 1e-9 * st.gross);
        ck_assert_double_eq_tol(dom, st.balance_err, 1e-9 * st.gross);
        ck_assert_msg(worst_dh <= 1.1e-3, "day %d: heads differ by %g m", day, worst_dh);
        memcpy(t.h, u.h, (size_t)t.n * sizeof *t.h); /* continue from the same start */
        free(hstart);
    }
    ck_assert_int_ge(picard_max, 2); /* the drain sets did change */
    core_gw_destroy(&s);
    core_gw_destroy(&s2);
    tm_free(&t);
    tm_free(&u);
}
END_TEST

START_TEST(threads_bitwise)
{
    /* The same 10 steps with 1 and 2 threads: heads and fluxes identical
     * byte for byte (fixed blocks, block-order sums), with the inputs read
     * every step and with them kept. 260 x 140 cells, so
     * that the solver does use 2 threads (it takes one per 16384 cells). */
    double *ref_h = NULL, *ref_f = NULL;
    int nthr[4] = {1, 2, 1, 2};
    int saved = omp_get_max_threads();
    for (int a = 0; a < 4; a++) {
        tm t;
        core_gw_solver *s = NULL;
        core_gw_opts o = {1e-4, 1e-9, 0, 0, 16, 0, 0, 0};
        o.keep_inputs = a >= 2; /* and with the inputs kept (warm starts) */
        core_gw_stats st;
        zt_err err;
        random_model(&t, 260, 140, 777);
        zt_err_clear(&err);
        omp_set_num_threads(nthr[a]);
        ck_assert_int_eq(core_gw_create(&t.m, &o, &s, &err), ZT_OK);
        rng_state = 99;
        for (int day = 0; day < 10; day++) {
            random_recharge(&t, day);
            run_steps(s, &t, 1.0, 1, &st);
        }
        if (a == 0 || a == 2) {
            free(ref_h);
            free(ref_f);
            ref_h = malloc((size_t)t.n * sizeof *ref_h);
            ref_f = malloc((size_t)t.n * sizeof *ref_f);
            memcpy(ref_h, t.h, (size_t)t.n * sizeof *ref_h);
            memcpy(ref_f, t.fd[0], (size_t)t.n * sizeof *ref_f);
        } else {
            ck_assert_msg(memcmp(ref_h, t.h, (size_t)t.n * sizeof *ref_h) == 0,
                          "heads differ with %d threads", nthr[a]);
            ck_assert_msg(memcmp(ref_f, t.fd[0], (size_t)t.n * sizeof *ref_f) == 0,
                          "drain fluxes differ with %d threads", nthr[a]);
        }
        core_gw_destroy(&s);
        tm_free(&t);
    }
    omp_set_num_threads(saved);
    free(ref_h);
    free(ref_f);
}
END_TEST

START_TEST(keep_inputs_warm_start)
{
    /* Four solvers on the random model, 30 daily steps with the same
     * recharge: A reads its inputs every step (keep_inputs = 0), B keeps
     * them (1) and is told of every change, C keeps them and is not told
     * when its ditch levels change, D keeps them and its levels never
     * change. Checks:
     *  - B starts most steps from the previous step's end (warm_start) and
     *    takes fewer full assemblies than A;
     *  - every step of A and B closes its balance (<= 1e-6 of the gross
     *    flux) and their heads agree within the sum of the bounds (2 x 1e-3 m);
     *  - day 10: the caller changes two heads (an active and a fixed cell)
     *    before the step: B's step starts cold (a full assembly) and agrees;
     *  - day 15: the ditch levels of A, B and C fall 0.2 m; B is told: it
     *    agrees with A; C is not: it keeps the old levels, the same bytes
     *    as D;
     *  - day 20: a step of 0.5 d: another dt makes every solver read its
     *    inputs again, so C now has the new levels and differs from D;
     *  - last: a NaN recharge on a warm start is the error of that cell. */
    tm t[4];
    core_gw_solver *s[4] = {NULL, NULL, NULL, NULL};
    core_gw_stats st[4];
    zt_err err;
    long warm = 0, asm_a = 0, asm_b = 0;
    for (int i = 0; i < 4; i++) {
        core_gw_opts o = {1e-3, 1e-8, 0, 0, 8, 0, 0, 0};
        o.keep_inputs = i > 0;
        random_model(&t[i], 40, 30, 4242);
        zt_err_clear(&err);
        ck_assert_int_eq(core_gw_create(&t[i].m, &o, &s[i], &err), ZT_OK);
    }
    rng_state = 31;
    for (int day = 0; day < 30; day++) {
        const double dt = day == 20 ? 0.5 : 1.0;
        random_recharge(&t[0], day);
        /* A starts from B's heads (A reads everything anyway) */
        memcpy(t[0].h, t[1].h, (size_t)t[0].n * sizeof *t[0].h);
        if (day == 15) {
            for (int i = 0; i < 3; i++) {
                for (zt_idx k = 0; k < t[i].n; k++) {
                    t[i].lev[0][k] -= 0.2;
                }
            }
            core_gw_inputs_changed(s[1]);
        }
        for (int i = 1; i < 4; i++) {
            memcpy(t[i].rech, t[0].rech, (size_t)t[0].n * sizeof *t[0].rech);
        }
        for (int i = 0; day == 10 && i < 4; i++) {
            t[i].h[5 * 40 + 7] += 0.05; /* an active cell (row 5, column 7) */
            t[i].h[8 * 40] = 0.45;      /* a fixed cell (column 0) */
        }
        for (int i = 0; i < 4; i++) {
            run_steps(s[i], &t[i], dt, 1, &st[i]);
        }
        for (int i = 0; i < 2; i++) {
            ck_assert_msg(fabs(st[i].balance_err) <= 1e-6 * st[i].gross, "day %d solver %d", day,
                          i);
            ck_assert(st[i].head_bound <= 1e-3);
        }
        ck_assert_int_eq(st[0].warm_start, 0);
        if (day == 0 || day == 10 || day == 15 || day == 20 || day == 21) {
            ck_assert_msg(st[1].warm_start == 0, "day %d started warm", day);
        }
        warm += st[1].warm_start;
        asm_a += st[0].assemblies;
        asm_b += st[1].assemblies;
        double worst = 0.0;
        for (zt_idx k = 0; k < t[0].n; k++) {
            double dh = fabs(t[0].h[k] - t[1].h[k]);
            worst = dh > worst ? dh : worst;
        }
        ck_assert_msg(worst <= 2e-3, "day %d: A and B differ by %g m", day, worst);
        /* until the new dt of day 20, which makes C read its inputs again */
        ck_assert_msg(day >= 20 || memcmp(t[2].h, t[3].h, (size_t)t[2].n * sizeof *t[2].h) == 0,
                      "day %d: C, not told of the new levels, differs from D", day);
        ck_assert_msg(day >= 20 || memcmp(t[2].fd[0], t[3].fd[0],
                                          (size_t)t[2].n * sizeof *t[2].fd[0]) == 0,
                      "day %d: C's drain fluxes differ from D's", day);
        if (day == 20) {
            ck_assert(memcmp(t[2].h, t[3].h, (size_t)t[2].n * sizeof *t[2].h) != 0);
        }
    }
    ck_assert_msg(warm >= 15, "%ld warm starts in 30 steps", warm);
    ck_assert_msg(asm_b < asm_a, "assemblies: kept %ld, read every step %ld", asm_b, asm_a);
    /* a NaN recharge on a warm start (the heads are the solver's own) */
    t[3].rech[12 * 40 + 20] = NAN;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_step(s[3], 1.0, t[3].rech, t[3].h, NULL, &st[3], &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "cell 500 (row 12, column 20)"));
    ck_assert_ptr_nonnull(strstr(err.msg, "recharge = nan m/d (must be finite)"));
    for (int i = 0; i < 4; i++) {
        core_gw_destroy(&s[i]);
        tm_free(&t[i]);
    }
}
END_TEST

/* ---- row spans: inactive margins cost nothing and change nothing ------------- */

/* The random model with ragged inactive margins: per row 1-9 inactive
 * cells on the west (column 0 always: its cells use the formulas of the
 * grid's edge) and 0-6 on the east, every eleventh row wholly inactive, a
 * fixed cell (head 0.5) at the start of every third row. Inactive cells get
 * values that must not be read. */
static void ragged_model(tm *t, zt_idx nx, zt_idx ny, uint64_t seed)
{
    random_model(t, nx, ny, seed);
    for (zt_idx j = 0; j < ny; j++) {
        const zt_idx w = 1 + (zt_idx)(9.0 * urand()), e = (zt_idx)(7.0 * urand());
        for (zt_idx i = 0; i < nx; i++) {
            const zt_idx k = j * nx + i;
            t->mask[k] = t->mask[k] == ZT_MASK_FIXED ? ZT_MASK_ACTIVE : t->mask[k];
            if (i < w || i >= nx - e || j % 11 == 5) {
                t->mask[k] = ZT_MASK_INACTIVE;
            } else if (i == w && j % 3 == 0) {
                t->mask[k] = ZT_MASK_FIXED;
                t->h[k] = 0.5;
            }
        }
    }
}

/* Poison the inactive cells of t (inputs and heads). */
static void poison_inactive(tm *t)
{
    for (zt_idx k = 0; k < t->n; k++) {
        if (t->mask[k] == ZT_MASK_INACTIVE) {
            t->h[k] = NAN;
            t->rech[k] = NAN;
            t->sy[k] = NAN;
            t->kd[k] = NAN;
            t->surf[k] = -INFINITY;
            t->phi[k] = INFINITY;
            t->cv[k] = 0.0;
            for (int d = 0; d < 2; d++) {
                t->lev[d][k] = 1e300;
                t->c[d][k] = -1.0;
                t->ci[d][k] = NAN;
            }
        }
    }
}

/* b := a with pad inactive columns on the west (a multiple of 4: the lanes
 * of every sum stay those of a's cells), poisoned. */
static void pad_west(const tm *a, tm *b, zt_idx pad)
{
    const zt_idx nx = a->m.g.nx, ny = a->m.g.ny, nb = nx + pad;
    random_model(b, nb, ny, 1); /* the arrays; every value set below */
    b->m.c_spill = a->m.c_spill;
    for (zt_idx j = 0; j < ny; j++) {
        for (zt_idx i = 0; i < nb; i++) {
            const zt_idx kb = j * nb + i, ka = j * nx + i - pad;
            const int in = i >= pad;
            b->mask[kb] = in ? a->mask[ka] : ZT_MASK_INACTIVE;
            b->kd[kb] = in ? a->kd[ka] : 0.0;
            b->sy[kb] = in ? a->sy[ka] : 0.0;
            b->surf[kb] = in ? a->surf[ka] : 0.0;
            b->phi[kb] = in ? a->phi[ka] : 0.0;
            b->cv[kb] = in ? a->cv[ka] : 0.0;
            b->h[kb] = in ? a->h[ka] : 0.0;
            for (int d = 0; d < 2; d++) {
                b->lev[d][kb] = in ? a->lev[d][ka] : 0.0;
                b->c[d][kb] = in ? a->c[d][ka] : 0.0;
                b->ci[d][kb] = in ? a->ci[d][ka] : 0.0;
            }
        }
    }
    poison_inactive(b);
}

/* The flux arrays of t, filled with NaN. */
static void flux_nan(tm *t)
{
    double *fa[6] = {t->fd[0], t->fd[1], t->fsp, t->fse, t->fst, t->fla};
    for (int q = 0; q < 6; q++) {
        for (zt_idx k = 0; k < t->n; k++) {
            fa[q][k] = NAN;
        }
    }
}

START_TEST(spans_margins)
{
    /* The solver works on each row's span (the first to the last cell that
     * is not inactive, widened to multiples of 4). A model A with ragged
     * inactive margins (183 x 180 cells, 2 threads possible) and the same
     * model B with 4 and 12 more inactive columns on the west, poisoned
     * (NaN heads, recharge, Sy, kD, bad resistances and levels), with 1 and
     * 2 threads, inputs read every step and kept, in four combinations (warm starts; on day 6 the
     * ditch levels fall and the solver is told): every step's statistics
     * and A's heads and fluxes in every cell are the same bytes as those of
     * A solved over whole rows (full_rows, the passes without spans) and in
     * B; B's
     * other heads are left alone (NaN), and every flux array, filled with
     * NaN before the first step, holds +0 outside the active cells. */
    const zt_idx nx = 183, ny = 180, pads[2] = {4, 12};
    int saved = omp_get_max_threads();
    for (int v = 0; v < 4; v++) {
        const int keep = v & 1, nthr = 1 + ((v >> 1) & 1);
        const zt_idx pad = pads[(v ^ (v >> 1)) & 1];
        tm a, b, c;
        core_gw_solver *sa = NULL, *sb = NULL, *sc = NULL;
        core_gw_opts o = {1e-3, 1e-8, 0, 0, 16, 0, 0, 0}, of;
        core_gw_stats sta, stb, stc;
        zt_err err;
        o.keep_inputs = keep;
        of = o;
        of.full_rows = 1;
        ragged_model(&a, nx, ny, 2024);
        poison_inactive(&a);
        ragged_model(&c, nx, ny, 2024);
        poison_inactive(&c);
        pad_west(&a, &b, pad);
        flux_nan(&a);
        flux_nan(&b);
        flux_nan(&c);
        omp_set_num_threads(nthr);
        zt_err_clear(&err);
        ck_assert_int_eq(core_gw_create(&a.m, &o, &sa, &err), ZT_OK);
        ck_assert_int_eq(core_gw_create(&b.m, &o, &sb, &err), ZT_OK);
        ck_assert_int_eq(core_gw_create(&c.m, &of, &sc, &err), ZT_OK);
        core_gw_flux fa = tm_flux(&a), fb = tm_flux(&b), fc = tm_flux(&c);
        rng_state = 7;
        long warm = 0;
        for (int day = 0; day < 10; day++) {
            for (zt_idx k = 0; k < a.n; k++) {
                a.rech[k] = 2e-4 * urand(); /* small: few branches change, warm starts */
            }
            if (day == 6) {
                for (zt_idx k = 0; k < a.n; k++) {
                    a.lev[0][k] -= a.mask[k] != ZT_MASK_INACTIVE ? 0.2 : 0.0;
                }
                for (zt_idx k = 0; k < b.n; k++) {
                    b.lev[0][k] -= b.mask[k] != ZT_MASK_INACTIVE ? 0.2 : 0.0;
                }
                memcpy(c.lev[0], a.lev[0], (size_t)a.n * sizeof *a.lev[0]);
                core_gw_inputs_changed(sa);
                core_gw_inputs_changed(sb);
                core_gw_inputs_changed(sc);
            }
            for (zt_idx j = 0; j < ny; j++) {
                for (zt_idx i = 0; i < nx; i++) {
                    const zt_idx k = j * nx + i;
                    a.rech[k] = a.mask[k] == ZT_MASK_INACTIVE ? NAN : a.rech[k];
                    b.rech[j * (nx + pad) + pad + i] = a.rech[k];
                }
            }
            ck_assert_msg(core_gw_step(sa, 1.0, a.rech, a.h, &fa, &sta, &err) == ZT_OK, "%s",
                          err.msg);
            ck_assert_msg(core_gw_step(sb, 1.0, b.rech, b.h, &fb, &stb, &err) == ZT_OK, "%s",
                          err.msg);
            memcpy(c.rech, a.rech, (size_t)a.n * sizeof *a.rech);
            ck_assert_msg(core_gw_step(sc, 1.0, c.rech, c.h, &fc, &stc, &err) == ZT_OK, "%s",
                          err.msg);
            ck_assert_mem_eq(&sta, &stb, sizeof sta);
            ck_assert_mem_eq(&sta, &stc, sizeof sta);
            const double *xa[7] = {a.h, a.fd[0], a.fd[1], a.fsp, a.fse, a.fst, a.fla};
            const double *xc[7] = {c.h, c.fd[0], c.fd[1], c.fsp, c.fse, c.fst, c.fla};
            for (int q = 0; q < 7; q++) {
                ck_assert_msg(memcmp(xa[q], xc[q], (size_t)a.n * sizeof *xa[q]) == 0,
                              "variant %d, day %d: array %d differs from the whole rows'", v,
                              day, q);
            }
            warm += sta.warm_start;
            /* counted, then one assertion (a passing ck_assert costs a write) */
            long badflux = 0, badpad = 0, diff = 0;
            for (zt_idx kb = 0; kb < b.n; kb++) {
                const zt_idx i = kb % (nx + pad), j = kb / (nx + pad), ka = j * nx + i - pad;
                const double *xb[7] = {b.h, b.fd[0], b.fd[1], b.fsp, b.fse, b.fst, b.fla};
                for (int q = 1; q < 7 && b.mask[kb] != ZT_MASK_ACTIVE; q++) {
                    badflux += xb[q][kb] != 0.0 || signbit(xb[q][kb]);
                }
                if (i < pad) {
                    badpad += !isnan(b.h[kb]);
                    continue;
                }
                for (int q = 0; q < 7; q++) {
                    diff += memcmp(&xa[q][ka], &xb[q][kb], sizeof(double)) != 0;
                }
            }
            ck_assert_msg(badflux == 0 && badpad == 0 && diff == 0,
                          "variant %d, day %d: %ld fluxes not +0 outside the active cells, %ld "
                          "heads set in the margin, %ld values differ",
                          v, day, badflux, badpad, diff);
        }
        ck_assert_msg(!keep || warm >= 3, "%ld warm starts", warm);
        core_gw_destroy(&sa);
        core_gw_destroy(&sb);
        core_gw_destroy(&sc);
        tm_free(&a);
        tm_free(&b);
        tm_free(&c);
    }
    omp_set_num_threads(saved);
}
END_TEST

START_TEST(drain_changed_only)
{
    /* A solver that keeps its inputs and is told which drain system moved
     * (core_gw_drain_changed, cold starts) against one that reads every
     * input at every step: on a ragged random model with two systems, 12
     * days in which system 0's levels move (days 2, 5, 9), system 1's
     * (days 3, 9) or none, with 1 and 2 threads, every step's statistics,
     * heads and fluxes are the same bytes. Then a resistance of 0 in one
     * active cell of system 1, told, is found and named (the same message
     * as the solver that reads everything); a level change not told is not
     * seen (the solver keeps what it read). */
    const zt_idx nx = 97, ny = 61;
    int saved = omp_get_max_threads();
    for (int nthr = 1; nthr <= 2; nthr++) {
        tm a, b;
        core_gw_solver *sa = NULL, *sb = NULL;
        core_gw_opts oa = {1e-3, 1e-8, 0, 0, 16, 1, 0, 1};
        core_gw_opts ob = {1e-3, 1e-8, 0, 0, 16, 0, 0, 0};
        core_gw_stats sta, stb;
        zt_err err, errb;
        omp_set_num_threads(nthr);
        ragged_model(&a, nx, ny, 77);
        ragged_model(&b, nx, ny, 77);
        zt_err_clear(&err);
        zt_err_clear(&errb);
        ck_assert_int_eq(core_gw_create(&a.m, &oa, &sa, &err), ZT_OK);
        ck_assert_int_eq(core_gw_create(&b.m, &ob, &sb, &err), ZT_OK);
        core_gw_flux fa = tm_flux(&a), fb = tm_flux(&b);
        rng_state = 11;
        for (int day = 0; day < 12; day++) {
            const int move0 = day == 2 || day == 5 || day == 9, move1 = day == 3 || day == 9;
            for (zt_idx k = 0; k < a.n; k++) {
                a.rech[k] = b.rech[k] = 1e-3 * (urand() - 0.3);
                for (int d = 0; d < 2; d++) {
                    const double dz = (d == 0 ? move0 : move1) ? 0.05 * (urand() - 0.5) : 0.0;
                    a.lev[d][k] += dz;
                    b.lev[d][k] += dz;
                }
            }
            if (move0) {
                core_gw_drain_changed(sa, 0);
            }
            if (move1) {
                core_gw_drain_changed(sa, 1);
            }
            ck_assert_msg(core_gw_step(sa, 1.0, a.rech, a.h, &fa, &sta, &err) == ZT_OK, "%s",
                          err.msg);
            ck_assert_msg(core_gw_step(sb, 1.0, b.rech, b.h, &fb, &stb, &err) == ZT_OK, "%s",
                          err.msg);
            ck_assert_int_eq(sta.warm_start, 0);
            ck_assert_mem_eq(&sta, &stb, sizeof sta);
            const double *xa[7] = {a.h, a.fd[0], a.fd[1], a.fsp, a.fse, a.fst, a.fla};
            const double *xb[7] = {b.h, b.fd[0], b.fd[1], b.fsp, b.fse, b.fst, b.fla};
            for (int q = 0; q < 7; q++) {
                ck_assert_msg(memcmp(xa[q], xb[q], (size_t)a.n * sizeof *xa[q]) == 0,
                              "%d threads, day %d: array %d differs", nthr, day, q);
            }
        }
        /* a bad resistance in system 1, told */
        zt_idx kbad = 0;
        while (a.mask[kbad] != ZT_MASK_ACTIVE || isnan(a.lev[1][kbad])) {
            kbad++;
        }
        a.c[1][kbad] = b.c[1][kbad] = 0.0;
        core_gw_drain_changed(sa, 1);
        ck_assert_int_eq(core_gw_step(sa, 1.0, a.rech, a.h, &fa, &sta, &err), ZT_EINPUT);
        ck_assert_int_eq(core_gw_step(sb, 1.0, b.rech, b.h, &fb, &stb, &errb), ZT_EINPUT);
        ck_assert_str_eq(err.msg, errb.msg);
        /* repaired and told: on again; a level moved and not told: not seen */
        a.c[1][kbad] = b.c[1][kbad] = 100.0;
        core_gw_drain_changed(sa, 1);
        ck_assert_int_eq(core_gw_step(sa, 1.0, a.rech, a.h, &fa, &sta, &err), ZT_OK);
        ck_assert_int_eq(core_gw_step(sb, 1.0, b.rech, b.h, &fb, &stb, &err), ZT_OK);
        ck_assert_mem_eq(a.h, b.h, (size_t)a.n * sizeof *a.h);
        for (zt_idx k = 0; k < a.n; k++) {
            a.lev[0][k] += 0.3;
            b.lev[0][k] += 0.3;
        }
        ck_assert_int_eq(core_gw_step(sa, 1.0, a.rech, a.h, &fa, &sta, &err), ZT_OK);
        ck_assert_int_eq(core_gw_step(sb, 1.0, b.rech, b.h, &fb, &stb, &err), ZT_OK);
        ck_assert_msg(memcmp(a.h, b.h, (size_t)a.n * sizeof *a.h) != 0,
                      "a level change not told was seen");
        core_gw_destroy(&sa);
        core_gw_destroy(&sb);
        tm_free(&a);
        tm_free(&b);
    }
    omp_set_num_threads(saved);
}
END_TEST

/* ---- the accumulated head error over a year ------------------------------------ */

/* A small polder in the manner of tests/bench_gw.c: nx x ny cells of 250 m,
 * kD 10-500 m2/d and Sy 0.05-0.20 varying smoothly, a ditch everywhere 0.8 m
 * below a sloping surface with c 50-200 d and no infiltration (so that a
 * head below the ditch has nothing but the seepage to damp it), seepage to
 * a deep head 0.3 m below the surface through cv = 500 d, spill, a fixed
 * row (head 0) along the north edge. */
static void polder_model(tm *t, zt_idx nx, zt_idx ny)
{
    tm_init(t, nx, ny, 250.0, 1.0, 0.1);
    tm_drain(t, 0, 0.0, 1.0, INFINITY);
    tm_seepage(t, 0.0, 500.0);
    t->surf = dfill(t->n, 0.0);
    t->m.surface = t->surf;
    t->m.c_spill = 1.0;
    for (zt_idx j = 0; j < ny; j++) {
        for (zt_idx i = 0; i < nx; i++) {
            const zt_idx k = j * nx + i;
            const double u = (double)i / (double)nx, v = (double)j / (double)ny;
            const double w1 = sin(6.1 * u + 2.3 * v) * cos(4.7 * v - 1.1 * u);
            const double w2 = sin(13.0 * u * v + 3.0 * v);
            t->kd[k] = 10.0 * pow(50.0, 0.5 + 0.5 * w1);
            t->sy[k] = 0.125 + 0.075 * w2;
            t->surf[k] = 2.0 * (1.0 - v) + 0.5 * w1;
            t->lev[0][k] = t->surf[k] - 0.8;
            t->c[0][k] = 125.0 + 75.0 * sin(9.0 * u + 5.0 * v);
            t->phi[k] = t->surf[k] - 0.3;
            t->mask[k] = j == ny - 1 ? ZT_MASK_FIXED : ZT_MASK_ACTIVE;
            t->h[k] = j == ny - 1 ? 0.0 : t->lev[0][k] + 0.1;
        }
    }
}

/* The recharge of a Dutch year (m/d): 0.5 + 2.0 cos(2 pi (day - 15)/365)
 * mm/d, winter +2.5, summer -1.5, times 0.7-1.3 in space. */
static void polder_recharge(tm *t, int day)
{
    const zt_idx nx = t->m.g.nx;
    const double rt = 1e-3 * (0.5 + 2.0 * cos(2.0 * M_PI * (day - 15) / 365.0));
    for (zt_idx k = 0; k < t->n; k++) {
        t->rech[k] = rt * (1.0 + 0.3 * sin(0.3 * (double)(k % nx) + 0.5 * (double)(k / nx)));
    }
}

START_TEST(year_within_tolerance)
{
    /* A year of daily steps with the default head tolerance (1 mm), with
     * the inputs read every step (A) and kept (B), against a solve of the
     * same equations with tol_head = 1e-7 m (T): every day every head of A
     * and B is within 1 mm of T's. The error of one day's solve is carried
     * into the next day's storage term; in summer the heads are below the
     * ditches, which do not infiltrate, and only the seepage (1/cv =
     * 0.002 /d against Sy/dt = 0.05-0.2 /d) damps it, so a rule that bounds
     * each day's error alone let it add up to 7.7 mm here (and 13 mm on the
     * 560 x 440 year of tests/bench_gw.c). Also: every day's balance closes
     * within the balance tolerance, and the heads go below the ditches. */
    tm t[3];
    core_gw_solver *s[3] = {NULL, NULL, NULL};
    core_gw_stats st[3];
    zt_err err;
    double worst = 0.0;
    int worst_day = -1, below = 0;
    for (int i = 0; i < 3; i++) {
        core_gw_opts o;
        memset(&o, 0, sizeof o); /* the defaults: tol_head 1e-3 m, tol_balance 1e-8 */
        o.keep_inputs = i == 1;
        o.tol_head = i == 2 ? 1e-7 : 0.0;
        polder_model(&t[i], 48, 36);
        zt_err_clear(&err);
        ck_assert_int_eq(core_gw_create(&t[i].m, &o, &s[i], &err), ZT_OK);
    }
    for (int day = 0; day < 365; day++) {
        for (int i = 0; i < 3; i++) {
            polder_recharge(&t[i], day);
            run_steps(s[i], &t[i], 1.0, 1, &st[i]);
            ck_assert_msg(fabs(st[i].balance_err) <= 1e-8 * st[i].gross,
                          "day %d solver %d: balance %g of %g m3/d", day, i, st[i].balance_err,
                          st[i].gross);
        }
        ck_assert(st[0].head_bound <= 1e-3 && st[1].head_bound <= 1e-3);
        int nb = 0;
        for (zt_idx k = 0; k < t[2].n; k++) {
            if (t[2].mask[k] != ZT_MASK_ACTIVE) {
                continue;
            }
            nb += t[2].h[k] < t[2].lev[0][k];
            for (int i = 0; i < 2; i++) {
                const double e = fabs(t[i].h[k] - t[2].h[k]);
                if (e > worst) {
                    worst = e;
                    worst_day = day;
                }
            }
        }
        below = nb > below ? nb : below;
    }
    ck_assert_msg(worst <= 1e-3, "heads %.3g m from the tight solve (day %d)", worst, worst_day);
    ck_assert_int_ge(below, (int)(t[2].n / 2)); /* most heads went below the ditches */
    for (int i = 0; i < 3; i++) {
        core_gw_destroy(&s[i]);
        tm_free(&t[i]);
    }
}
END_TEST

/* ---- error paths ------------------------------------------------------------------ */

START_TEST(bad_model)
{
    /* 4 x 3 grid: cell 7 = row 1, column 3. */
    tm t;
    core_gw_solver *s = NULL;
    zt_err err;
    tm_init(&t, 4, 3, 100.0, 10.0, 0.1);
    t.kd[7] = -1.0;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, NULL, &s, &err), ZT_EINPUT);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err.msg, "row 1, column 3"));
    ck_assert_ptr_nonnull(strstr(err.msg, "kD = -1"));
    t.kd[7] = 10.0;
    t.sy[5] = 0.0;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, NULL, &s, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "row 1, column 1"));
    ck_assert_ptr_nonnull(strstr(err.msg, "Sy = 0"));
    /* a Sy that a float cannot hold would make the cell inactive */
    t.sy[5] = 1e-40;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, NULL, &s, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "row 1, column 1"));
    ck_assert_ptr_nonnull(strstr(err.msg, "as a float"));
    t.sy[5] = 0.0;
    /* Sy = 0 in an inactive cell is fine */
    t.mask[5] = ZT_MASK_INACTIVE;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, NULL, &s, &err), ZT_OK);
    core_gw_destroy(&s);
    core_gw_destroy(&s); /* NULL-safe */
    core_gw_destroy(NULL);
    /* a bad drain resistance is found in the step (drain arrays may change) */
    tm_drain(&t, 0, 0.0, 100.0, INFINITY);
    t.c[0][10] = 0.0;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, NULL, &s, &err), ZT_OK);
    ck_assert_int_eq(core_gw_step(s, 1.0, t.rech, t.h, NULL, NULL, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "row 2, column 2"));
    ck_assert_ptr_nonnull(strstr(err.msg, "ditch"));
    /* a NaN recharge names its cell */
    t.c[0][10] = 100.0;
    t.rech[3] = NAN;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_step(s, 1.0, t.rech, t.h, NULL, NULL, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "row 0, column 3"));
    ck_assert_ptr_nonnull(strstr(err.msg, "recharge = nan"));
    t.rech[3] = 0.0;
    /* so does a NaN start head */
    t.h[6] = NAN;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_step(s, 1.0, t.rech, t.h, NULL, NULL, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "row 1, column 2"));
    ck_assert_ptr_nonnull(strstr(err.msg, "start head = nan"));
    t.h[6] = 0.0;
    /* a level or a resistance beyond what a float holds names the system */
    t.lev[0][9] = 1e39;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_step(s, 1.0, t.rech, t.h, NULL, NULL, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "row 2, column 1), drainage system ditch: level = 1e+39"));
    t.lev[0][9] = 0.0;
    t.c[0][9] = 1e-40;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_step(s, 1.0, t.rech, t.h, NULL, NULL, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "ditch: resistance = 1e-40"));
    t.c[0][9] = 100.0;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_step(s, 0.0, t.rech, t.h, NULL, NULL, &err), ZT_EINPUT);
    core_gw_destroy(&s);
    tm_free(&t);
}
END_TEST

/* The surface, the deep head and cv beyond what a float holds name their
 * cell and what is wrong. */
START_TEST(float_range)
{
    tm t;
    core_gw_solver *s = NULL;
    zt_err err;
    tm_init(&t, 4, 3, 100.0, 10.0, 0.1);
    tm_seepage(&t, 0.0, 500.0);
    t.surf = dfill(t.n, 1.0);
    t.m.surface = t.surf;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, NULL, &s, &err), ZT_OK);
    ck_assert_int_eq(core_gw_step(s, 1.0, t.rech, t.h, NULL, NULL, &err), ZT_OK);
    const struct {
        double *a;
        zt_idx k;
        double v;
        const char *msg;
    } bad[] = {{t.surf, 3, 1e39, "row 0, column 3): surface = 1e+39 m NAP (beyond"},
               {t.phi, 4, -1e39, "row 1, column 0): deep head phi = -1e+39"},
               {t.cv, 5, 1e-40, "row 1, column 1): resistance = 1e-40 d (too small"}};
    for (int i = 0; i < 3; i++) {
        const double keep = bad[i].a[bad[i].k];
        bad[i].a[bad[i].k] = bad[i].v;
        zt_err_clear(&err);
        ck_assert_int_eq(core_gw_step(s, 1.0, t.rech, t.h, NULL, NULL, &err), ZT_EINPUT);
        ck_assert_msg(strstr(err.msg, bad[i].msg) != NULL, "%s", err.msg);
        bad[i].a[bad[i].k] = keep;
    }
    core_gw_destroy(&s);
    tm_free(&t);
}
END_TEST

/* Without a surface there is no spill, and c_spill is not read (0 here). */
START_TEST(no_surface_no_spill)
{
    tm t;
    core_gw_solver *s = NULL;
    core_gw_stats st;
    zt_err err;
    tm_init(&t, 6, 5, 100.0, 10.0, 0.1);
    tm_drain(&t, 0, 0.0, 100.0, INFINITY);
    t.m.c_spill = 0.0;
    for (zt_idx k = 0; k < t.n; k++) {
        t.h[k] = 0.5;
        t.rech[k] = 1e-3;
    }
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, NULL, &s, &err), ZT_OK);
    ck_assert_int_eq(core_gw_step(s, 1.0, t.rech, t.h, NULL, &st, &err), ZT_OK);
    ck_assert(fabs(st.balance_err) <= 1e-6 * st.gross);
    /* no lateral flow (uniform): Sy (h' - h)/dt = R - h'/c, h' = (0.05 + 0.001) / 0.11
     * (to the float rounding of Sy and 1/c, 1e-7 relative) */
    for (zt_idx k = 0; k < t.n; k++) {
        ck_assert_double_eq_tol(t.h[k], 0.051 / 0.11, 1e-6);
    }
    core_gw_destroy(&s);
    tm_free(&t);
}
END_TEST

/* What lies outside the equations is never read into them: NaN heads,
 * recharge, Sy, levels and resistances in inactive cells, and a NaN fixed
 * head with no active neighbour, give the same bytes as zeros there. A
 * NaN fixed head next to an active cell, and ci <= 0 where a system is
 * present, are errors naming the cell. */
START_TEST(outside_values_unused)
{
    tm a, b;
    core_gw_solver *sa = NULL, *sb = NULL;
    core_gw_stats st;
    zt_err err;
    tm *ts[2] = {&a, &b};
    for (int v = 0; v < 2; v++) {
        tm *t = ts[v];
        tm_init(t, 6, 5, 100.0, 20.0, 0.1);
        tm_drain(t, 0, -0.5, 50.0, 75.0);
        tm_seepage(t, 0.2, 400.0);
        for (zt_idx k = 0; k < t->n; k++) {
            t->rech[k] = 1e-3 * (double)(k % 7);
            t->h[k] = 0.1 * (double)(k % 3);
        }
        /* column 0: fixed cells (0 and 6 next to inactive/fixed only) */
        t->mask[0] = ZT_MASK_FIXED;
        t->mask[1] = ZT_MASK_INACTIVE;
        t->mask[6] = ZT_MASK_FIXED;
        t->mask[7] = ZT_MASK_INACTIVE;
        t->mask[12] = ZT_MASK_FIXED; /* next to active cell 13 */
        t->mask[20] = ZT_MASK_INACTIVE;
        t->mask[29] = ZT_MASK_INACTIVE;
    }
    const zt_idx out[] = {0, 1, 6, 7, 20, 29};
    for (size_t q = 0; q < sizeof out / sizeof out[0]; q++) {
        zt_idx k = out[q];
        b.h[k] = NAN;
        if (b.mask[k] == ZT_MASK_INACTIVE) {
            b.rech[k] = NAN;
            b.sy[k] = NAN;
            b.lev[0][k] = NAN;
            b.c[0][k] = -1.0;
            b.ci[0][k] = NAN;
            b.phi[k] = INFINITY;
            b.cv[k] = 0.0;
        }
    }
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&a.m, NULL, &sa, &err), ZT_OK);
    ck_assert_int_eq(core_gw_create(&b.m, NULL, &sb, &err), ZT_OK);
    core_gw_flux fa = tm_flux(&a), fb = tm_flux(&b);
    for (int step = 0; step < 3; step++) {
        ck_assert_msg(core_gw_step(sa, 1.0, a.rech, a.h, &fa, &st, &err) == ZT_OK, "%s", err.msg);
        ck_assert_msg(core_gw_step(sb, 1.0, b.rech, b.h, &fb, &st, &err) == ZT_OK, "%s", err.msg);
    }
    for (zt_idx k = 0; k < a.n; k++) {
        if (a.mask[k] == ZT_MASK_ACTIVE) {
            ck_assert_mem_eq(&a.h[k], &b.h[k], sizeof(double));
            ck_assert_mem_eq(&a.fd[0][k], &b.fd[0][k], sizeof(double));
            ck_assert_mem_eq(&a.fse[k], &b.fse[k], sizeof(double));
        } else {
            /* fluxes outside the active cells are 0 (never -0, never NaN) */
            ck_assert_uint_eq(signbit(b.fd[0][k]) || b.fd[0][k] != 0.0, 0);
            ck_assert_uint_eq(signbit(b.fse[k]) || b.fse[k] != 0.0, 0);
            ck_assert_uint_eq(signbit(b.fst[k]) || b.fst[k] != 0.0, 0);
        }
    }
    /* a NaN fixed head next to an active cell */
    b.h[12] = NAN;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_step(sb, 1.0, b.rech, b.h, &fb, &st, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "row 2, column 0"));
    ck_assert_ptr_nonnull(strstr(err.msg, "fixed head"));
    b.h[12] = 0.0;
    /* ci = 0 where the ditch is present */
    b.ci[0][15] = 0.0;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_step(sb, 1.0, b.rech, b.h, &fb, &st, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "row 2, column 3"));
    ck_assert_ptr_nonnull(strstr(err.msg, "infiltration resistance ci"));
    b.ci[0][15] = 75.0;
    /* cv = 0 where the deep head is given */
    b.cv[16] = 0.0;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_step(sb, 1.0, b.rech, b.h, &fb, &st, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "row 2, column 4"));
    ck_assert_ptr_nonnull(strstr(err.msg, "seepage resistance cv"));
    core_gw_destroy(&sa);
    core_gw_destroy(&sb);
    tm_free(&a);
    tm_free(&b);
}
END_TEST

START_TEST(no_convergence)
{
    /* max_cg = 1 cannot reach 1e-6 m on the random field: ZT_ENOCONV, with
     * the iterations and the achieved bound in the message. max_picard = 1
     * with drain sets that change: ZT_ENOCONV naming Picard. */
    tm t;
    core_gw_solver *s = NULL;
    core_gw_opts o = {1e-6, 1e-9, 0, 1, 0, 0, 0, 0};
    core_gw_stats st;
    zt_err err;
    random_model(&t, 30, 20, 4242);
    random_recharge(&t, 0);
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, &o, &s, &err), ZT_OK);
    ck_assert_int_eq(core_gw_step(s, 1.0, t.rech, t.h, NULL, &st, &err), ZT_ENOCONV);
    ck_assert_ptr_nonnull(strstr(err.msg, "CG did not converge in 1 iterations"));
    ck_assert_ptr_nonnull(strstr(err.msg, "head bound"));
    core_gw_destroy(&s);

    core_gw_opts o2 = {1e-6, 1e-9, 1, 0, 0, 0, 0, 0};
    tm_free(&t);
    random_model(&t, 30, 20, 4242);
    random_recharge(&t, 0);
    zt_err_clear(&err);
    ck_assert_int_eq(core_gw_create(&t.m, &o2, &s, &err), ZT_OK);
    ck_assert_int_eq(core_gw_step(s, 1.0, t.rech, t.h, NULL, &st, &err), ZT_ENOCONV);
    ck_assert_ptr_nonnull(strstr(err.msg, "Picard did not converge in 1 iterations"));
    core_gw_destroy(&s);
    tm_free(&t);
}
END_TEST

START_TEST(alloc_failure)
{
    /* Every allocation of create and of the first step fails in turn:
     * ZT_ENOMEM, nothing leaks (valgrind), *out stays NULL; with the inputs
     * read every step and with them kept. */
    tm t;
    zt_err err;
    random_model(&t, 12, 9, 5);
    for (int keep = 0; keep < 2; keep++) {
        int done = 0;
        for (long nth = 1; nth < 40 && !done; nth++) {
            core_gw_solver *s = NULL;
            core_gw_opts o = {0};
            o.keep_inputs = keep;
            zt_err_clear(&err);
            zt_alloc_fail_after(nth);
            zt_status rc = core_gw_create(&t.m, &o, &s, &err);
            if (rc == ZT_OK) {
                rc = core_gw_step(s, 1.0, t.rech, t.h, NULL, NULL, &err);
            }
            zt_alloc_fail_after(0);
            if (rc == ZT_OK) {
                ck_assert_int_gt(nth, 10);
                done = 1;
            } else {
                ck_assert_int_eq(rc, ZT_ENOMEM);
                ck_assert_ptr_nonnull(strstr(err.msg, "out of memory"));
            }
            core_gw_destroy(&s);
        }
        ck_assert(done);
    }
    tm_free(&t);
}
END_TEST

Suite *suite_gw(void)
{
    Suite *su = suite_create("gw");
    TCase *tc = tcase_create("gw");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, red_rows_and_combine);
    tcase_add_test(tc, hooghoudt_steady);
    tcase_add_test(tc, linear_reservoir);
    tcase_add_test(tc, kraijenhoff_transient);
    tcase_add_test(tc, seepage_drain_steady);
    tcase_add_test(tc, leaky_aquifer);
    tcase_add_test(tc, random_balance_and_bound);
    tcase_add_test(tc, threads_bitwise);
    tcase_add_test(tc, spans_margins);
    tcase_add_test(tc, drain_changed_only);
    tcase_add_test(tc, keep_inputs_warm_start);
    tcase_add_test(tc, year_within_tolerance);
    tcase_add_test(tc, bad_model);
    tcase_add_test(tc, no_surface_no_spill);
    tcase_add_test(tc, float_range);
    tcase_add_test(tc, outside_values_unused);
    tcase_add_test(tc, no_convergence);
    tcase_add_test(tc, alloc_failure);
    suite_add_tcase(su, tc);
    return su;
}
