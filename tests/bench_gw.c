/*
 * bench_gw.c: speed of the groundwater solver (core/core_gw.c), measured,
 * not a timed test. `int bench_gw(int quick)` is called by tests/bench.c.
 *
 *  1. a STREAM-like triad a = b + s c on three arrays of 16 M doubles
 *     (128 MB each, far beyond the 32 MB L3), 1 and 2 threads: the memory
 *     bandwidth the machine gives (bytes counted as STREAM does: 24 per
 *     element, no write-allocate);
 *  2. a groundwater-only year (365 daily steps) on 560 x 440 cells of 250 m
 *     (the size of the demo domain) and on 2000 x 2000, 1 and 2 threads:
 *     wall time, cell-days per second, CG and Picard iterations per day;
 *  3. the CG kernel alone: 200 iterations of one solve, from which the time
 *     per iteration and the bandwidth it reaches (120 bytes per cell per
 *     iteration: pass 1 reads r, 1/diag, p_old, diag, c_east, c_north and
 *     writes p, q; pass 2 reads x, p, r, q, 1/diag and writes x, r).
 *
 * The synthetic aquifer is a realistic Dutch polder case: kD 10-500 m2/d
 * and Sy 0.05-0.20 varying smoothly in space, a ditch system everywhere at
 * 0.8 m below surface with c 50-200 d (infiltration with ci = 1.5 c in the
 * western half), seepage from a deep head 0.3 m below surface through
 * cv = 500 d, a fixed-head boundary (the sea) along the north edge, and a
 * recharge that follows a Dutch year: R(t) = 0.5 + 2.0 cos(2 pi (t - 15)/365)
 * mm/d (winter up to +2.5, summer down to -1.5) times 0.7-1.3 in space.
 * Every run repeats and keeps the best (the machine is shared).
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_gw.h"

int bench_gw(int quick);

static double gw_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* STREAM-like triad; returns the best bandwidth (GB/s) of nrep. */
static double triad(int threads, int nrep)
{
    const long n = 16L * 1024 * 1024;
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    double *c = malloc((size_t)n * sizeof *c);
    double best = 0.0;
    if (!a || !b || !c) {
        free(a);
        free(b);
        free(c);
        return 0.0;
    }
#pragma omp parallel for schedule(static) num_threads(threads) default(none) shared(a, b, c, n)
    for (long i = 0; i < n; i++) {
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
    }
    for (int rep = 0; rep < nrep; rep++) {
        double t0 = gw_now();
#pragma omp parallel for schedule(static) num_threads(threads) default(none) shared(a, b, c, n)
        for (long i = 0; i < n; i++) {
            a[i] = b[i] + 3.0 * c[i];
        }
        double t = gw_now() - t0;
        double bw = 24.0 * (double)n / t * 1e-9;
        best = bw > best ? bw : best;
    }
    free(a);
    free(b);
    free(c);
    return best;
}

typedef struct gw_case {
    core_gw_model m;
    double *kd, *sy, *surf, *lev, *c, *ci, *phi, *cv, *rech, *h, *dflux;
    uint8_t *mask;
} gw_case;

static void case_free(gw_case *g)
{
    free(g->kd);
    free(g->sy);
    free(g->surf);
    free(g->lev);
    free(g->c);
    free(g->ci);
    free(g->phi);
    free(g->cv);
    free(g->rech);
    free(g->h);
    free(g->dflux);
    free(g->mask);
    memset(g, 0, sizeof *g);
}

static int case_make(gw_case *g, zt_idx nx, zt_idx ny)
{
    size_t n = (size_t)(nx * ny);
    memset(g, 0, sizeof *g);
    g->kd = malloc(n * sizeof(double));
    g->sy = malloc(n * sizeof(double));
    g->surf = malloc(n * sizeof(double));
    g->lev = malloc(n * sizeof(double));
    g->c = malloc(n * sizeof(double));
    g->ci = malloc(n * sizeof(double));
    g->phi = malloc(n * sizeof(double));
    g->cv = malloc(n * sizeof(double));
    g->rech = malloc(n * sizeof(double));
    g->h = malloc(n * sizeof(double));
    g->dflux = malloc(n * sizeof(double));
    g->mask = malloc(n);
    if (!g->kd || !g->sy || !g->surf || !g->lev || !g->c || !g->ci || !g->phi || !g->cv ||
        !g->rech || !g->h || !g->dflux || !g->mask) {
        case_free(g);
        return -1;
    }
    for (zt_idx j = 0; j < ny; j++) {
        for (zt_idx i = 0; i < nx; i++) {
            size_t k = (size_t)(j * nx + i);
            double u = (double)i / (double)nx, v = (double)j / (double)ny;
            double w1 = sin(6.1 * u + 2.3 * v) * cos(4.7 * v - 1.1 * u);
            double w2 = sin(13.0 * u * v + 3.0 * v);
            g->mask[k] = j == ny - 1 ? ZT_MASK_FIXED : ZT_MASK_ACTIVE;
            if ((i - nx / 3) * (i - nx / 3) + (j - ny / 2) * (j - ny / 2) < (nx / 40) * (nx / 40)) {
                g->mask[k] = ZT_MASK_INACTIVE; /* a lake outside the model */
            }
            g->kd[k] = 10.0 * pow(50.0, 0.5 + 0.5 * w1);          /* 10-500 m2/d */
            g->sy[k] = 0.125 + 0.075 * w2;                         /* 0.05-0.20 */
            g->surf[k] = 2.0 * (1.0 - v) + 0.5 * w1;               /* m NAP */
            g->lev[k] = g->surf[k] - 0.8;                          /* ditch level */
            g->c[k] = 125.0 + 75.0 * sin(9.0 * u + 5.0 * v);       /* 50-200 d */
            g->ci[k] = i < nx / 2 ? 1.5 * g->c[k] : INFINITY;      /* infiltration west */
            g->phi[k] = g->surf[k] - 0.3;                          /* deep head */
            g->cv[k] = 500.0;                                      /* d */
            g->h[k] = g->mask[k] == ZT_MASK_FIXED ? 0.0 : g->lev[k] + 0.1;
        }
    }
    g->m.g = (zt_grid){nx, ny, 0.0, 0.0, 250.0};
    g->m.mask = g->mask;
    g->m.kd = g->kd;
    g->m.sy = g->sy;
    g->m.surface = g->surf;
    g->m.c_spill = 1.0;
    g->m.phi = g->phi;
    g->m.cv = g->cv;
    g->m.ndrain = 1;
    g->m.drain[0] = (core_gw_drain){"ditch", g->lev, g->c, g->ci};
    return 0;
}

static void case_recharge(gw_case *g, int day)
{
    zt_idx nx = g->m.g.nx, ny = g->m.g.ny;
    double rt = 1e-3 * (0.5 + 2.0 * cos(2.0 * M_PI * (day - 15) / 365.0)); /* m/d */
    for (zt_idx j = 0; j < ny; j++) {
        for (zt_idx i = 0; i < nx; i++) {
            g->rech[j * nx + i] = rt * (1.0 + 0.3 * sin(0.01 * (double)i + 0.02 * (double)j));
        }
    }
}

/* A run of ndays steps; best wall time of nrep; iteration figures. */
static int gw_year(zt_idx nx, zt_idx ny, int ndays, int threads, int nrep, double tri, int keep,
                   double *wall)
{
    gw_case g;
    core_gw_solver *s = NULL;
    core_gw_flux f;
    core_gw_stats st;
    zt_err err;
    double best = 1e30, cg_mean = 0.0, pic_mean = 0.0, maxbal = 0.0, asm_mean = 0.0;
    double warm_share = 0.0;
    int cg_max = 0;

    zt_err_clear(&err);
    if (case_make(&g, nx, ny) != 0) {
        return 1;
    }
    omp_set_num_threads(threads);
    memset(&f, 0, sizeof f);
    f.drain[0] = g.dflux;
    double *h0 = malloc((size_t)(nx * ny) * sizeof *h0);
    core_gw_opts go = {0};
    go.keep_inputs = keep; /* the groundwater-only mode: fixed ditch levels */
    if (!h0 || core_gw_create(&g.m, &go, &s, &err) != ZT_OK) {
        fprintf(stderr, "bench_gw: %s\n", err.msg);
        free(h0);
        case_free(&g);
        return 1;
    }
    memcpy(h0, g.h, (size_t)(nx * ny) * sizeof *h0);
    for (int rep = 0; rep < nrep; rep++) {
        double tsolve = 0.0;
        long cgsum = 0, picsum = 0, asmsum = 0, warmsum = 0;
        memcpy(g.h, h0, (size_t)(nx * ny) * sizeof *h0);
        cg_max = 0;
        for (int d = 0; d < ndays; d++) {
            case_recharge(&g, d);
            double t0 = gw_now();
            if (core_gw_step(s, 1.0, g.rech, g.h, &f, &st, &err) != ZT_OK) {
                fprintf(stderr, "bench_gw: day %d: %s\n", d, err.msg);
                core_gw_destroy(&s);
                free(h0);
                case_free(&g);
                return 1;
            }
            tsolve += gw_now() - t0;
            cgsum += st.cg;
            asmsum += st.assemblies;
            warmsum += st.warm_start;
            picsum += st.picard;
            cg_max = st.cg > cg_max ? st.cg : cg_max;
            double rel = fabs(st.balance_err) / st.gross;
            maxbal = rel > maxbal ? rel : maxbal;
        }
        if (tsolve < best) {
            best = tsolve;
            cg_mean = (double)cgsum / ndays;
            pic_mean = (double)picsum / ndays;
            asm_mean = (double)asmsum / ndays;
            warm_share = (double)warmsum / ndays;
        }
    }
    double cd = (double)(nx * ny) * ndays;
    *wall = best;
    printf("groundwater %4lld x %-4lld %3d days  %d thr  %7.3f s = %6.1f M cell-days/s  "
           "CG/day mean %5.1f max %3d  Picard/day %4.2f  assemblies/day %4.2f  warm starts %3.0f %%"
           "  max |balance|/gross %.1e  %s\n",
           (long long)nx, (long long)ny, ndays, threads, best, 1e-6 * cd / best, cg_mean, cg_max,
           pic_mean, asm_mean, 100.0 * warm_share, maxbal,
           keep ? "(inputs kept)" : "(inputs read every step)");

    /* 3. the CG kernel: one step of dt = 1e6 d without drains or seepage
     * (a badly conditioned system, so CG does not reach round-off) limited to
     * 200 iterations; the one assembly pass is counted in (about 2 %). */
    if (keep) {
        core_gw_solver *s2 = NULL;
        core_gw_opts o = {1e-30, 1e-30, 1, 200, 0, 0, 0, 0};
        core_gw_model mk = g.m;
        double bestk = 1e30;
        mk.ndrain = 0;
        mk.phi = NULL;
        mk.surface = NULL;
        zt_err_clear(&err);
        if (core_gw_create(&mk, &o, &s2, &err) != ZT_OK) {
            fprintf(stderr, "bench_gw: %s\n", err.msg);
        } else {
            case_recharge(&g, 0);
            for (int rep = 0; rep < nrep; rep++) {
                memcpy(g.h, h0, (size_t)(nx * ny) * sizeof *h0);
                zt_err_clear(&err);
                double t0 = gw_now();
                zt_status rc = core_gw_step(s2, 1e6, g.rech, g.h, NULL, &st, &err);
                double t = gw_now() - t0;
                if (rc == ZT_ENOCONV && st.cg == 200 && t < bestk) {
                    bestk = t;
                }
            }
            double tit = bestk / 200.0;
            double bw = 120.0 * (double)(nx * ny) / tit * 1e-9;
            printf("groundwater %4lld x %-4lld CG kernel  %d thr  %8.3f ms/iteration = %6.1f GB/s"
                   " = %3.0f %% of the triad's %.1f GB/s\n",
                   (long long)nx, (long long)ny, threads, 1e3 * tit, bw, 100.0 * bw / tri, tri);
        }
        core_gw_destroy(&s2);
    }
    core_gw_destroy(&s);
    free(h0);
    case_free(&g);
    return 0;
}

int bench_gw(int quick)
{
    int maxthr = omp_get_max_threads() >= 2 ? 2 : 1;
    double tri[3] = {0.0, 0.0, 0.0};
    double small[3] = {0.0, 0.0, 0.0}, big[3] = {0.0, 0.0, 0.0}, every = 0.0;
    int nrep = quick == 1 ? 1 : 3; /* quick: 0 full, 1 smoke test, 2 the 560 x 440 year only */

    for (int t = 1; t <= maxthr; t++) {
        tri[t] = triad(t, quick ? 3 : 10);
        printf("groundwater: STREAM-like triad, 3 x 128 MB, %d thr: %.1f GB/s\n", t, tri[t]);
    }
    for (int t = 1; t <= maxthr; t++) {
        if (gw_year(560, 440, quick == 1 ? 30 : 365, t, nrep, tri[t], 1, &small[t]) != 0 ||
            gw_year(560, 440, quick == 1 ? 30 : 365, t, nrep, tri[t], 0, &every) != 0) {
            return 1;
        }
    }
    for (int t = 1; quick != 2 && t <= maxthr; t++) {
        if (gw_year(2000, 2000, quick ? 5 : 365, t, quick ? 1 : 1, tri[t], 1, &big[t]) != 0) {
            return 1;
        }
    }
    if (maxthr == 2) {
        /* the speed-up of the kept-input year, next to the memory's own */
        printf("groundwater: speed-up 1 -> 2 threads: 560 x 440 %.2f", small[1] / small[2]);
        if (quick != 2) {
            printf(", 2000 x 2000 %.2f", big[1] / big[2]);
        }
        printf(" (the triad's %.2f)\n", tri[2] / tri[1]);
    }
    return 0;
}
