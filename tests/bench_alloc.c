/*
 * bench_alloc.c: the cost of a day's allocation over a synthetic supply
 * network of 10,000 districts (core/core_alloc.c), measured, not a timed
 * test. `int bench_alloc(int quick)` is called by tests/bench.c.
 *
 * The network, shaped as zoet builds it from a network file (districts hang
 * from the main water they take their water from): one source with an
 * availability, 10 main waters under it, 10 canals under each (100), 100
 * districts on each canal (10,000 districts), each district with its five
 * demand causes at the classes of the Noord-Nederland network (peat 1.2,
 * nature 1.3, flushing 4, capital 3, agri 4), plus 100 point users spread
 * over the canals (classes 1.1 to 4). Every canal has local water (the
 * surplus of its districts that drain). Capacities are set so
 * that the source, some main waters and some canals bind: the allocation
 * meets bottlenecks in most classes. 365 days with demands that follow a
 * dry summer; best of 3 repetitions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_alloc.h"

int bench_alloc(int quick);

static double ba_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int bench_alloc(int quick)
{
    const int nmain = 10, ncanal = 100, ndist = 10000, npt = 100, nc = 5;
    const int nnode = 1 + nmain + ncanal;
    const int nuser = ndist * nc + npt;
    const int cause_level[5] = {1, 2, 6, 5, 6};
    const int ndays = quick ? 30 : 365;
    int *parent = malloc((size_t)nnode * sizeof *parent);
    int *unode = malloc((size_t)nuser * sizeof *unode), *ulevel = malloc((size_t)nuser * sizeof *ulevel);
    double *cap = malloc((size_t)nnode * sizeof *cap), *local = calloc((size_t)nnode, sizeof *local);
    double *dem = malloc((size_t)nuser * sizeof *dem), *base = malloc((size_t)nuser * sizeof *base);
    double *al = malloc((size_t)nuser * sizeof *al), *fl = malloc((size_t)nnode * sizeof *fl);
    double *us = malloc((size_t)nnode * sizeof *us);
    core_alloc *a = NULL;
    zt_err err;
    unsigned long long seed = 12345;
    int rc = 1;

    if (!parent || !unode || !ulevel || !cap || !local || !dem || !base || !al || !fl || !us) {
        goto done;
    }
    /* the tree: source 0, main waters 1..10, canals, district nodes */
    parent[0] = -1;
    for (int m = 0; m < nmain; m++) {
        parent[1 + m] = 0;
    }
    for (int k = 0; k < ncanal; k++) {
        parent[1 + nmain + k] = 1 + k / (ncanal / nmain);
    }
    for (int d = 0; d < ndist; d++) {
        for (int c = 0; c < nc; c++) {
            int u = d * nc + c;
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            unode[u] = 1 + nmain + d / (ndist / ncanal);
            ulevel[u] = cause_level[c];
            base[u] = (c == 0 ? 3000.0 : c == 4 ? 8000.0 : 1500.0) *
                      (0.5 + (double)(seed >> 11) / 9007199254740992.0); /* m3/d */
        }
    }
    for (int j = 0; j < npt; j++) {
        int u = ndist * nc + j;
        unode[u] = 1 + nmain + j % ncanal;
        ulevel[u] = j % 7;
        base[u] = 20000.0;
    }
    core_alloc_net net = {nnode, parent, nuser, unode, ulevel, 7};
    zt_err_clear(&err);
    if (core_alloc_create(&net, &a, &err) != ZT_OK) {
        fprintf(stderr, "bench_alloc: %s\n", err.msg);
        goto done;
    }
    double best = 1e30;
    long rounds_best = 0;
    double short_frac = 0.0;
    for (int rep = 0; rep < 3; rep++) {
        double t = 0.0, dsum = 0.0, asum = 0.0;
        long rounds = 0;
        for (int day = 0; day < ndays; day++) {
            /* a dry summer: demand peaks in July at 2.5 times the base */
            double f = 1.0 + 1.5 * exp(-pow((day - 195) / 45.0, 2.0));
            for (int u = 0; u < nuser; u++) {
                dem[u] = f * base[u];
            }
            cap[0] = 2.0e8;                                     /* the source, m3/d */
            for (int m = 0; m < nmain; m++) {
                cap[1 + m] = (m % 3 == 0 ? 1.2e7 : 4.0e7);      /* some main waters bind */
            }
            for (int k = 0; k < ncanal; k++) {
                cap[1 + nmain + k] = (k % 7 == 0 ? 8.0e5 : 5.0e6); /* some canals bind */
            }
            for (int k = 0; k < ncanal; k++) {
                local[1 + nmain + k] = 40000.0; /* 10 districts draining 4000 m3/d each */
            }
            core_alloc_in in = {cap, local, dem};
            core_alloc_out out = {al, fl, us};
            int r = 0;
            double t0 = ba_now();
            if (core_alloc_day(a, &in, &out, &r, &err) != ZT_OK) {
                fprintf(stderr, "bench_alloc: %s\n", err.msg);
                goto done;
            }
            t += ba_now() - t0;
            rounds += r;
            for (int u = 0; u < nuser; u++) {
                dsum += dem[u];
                asum += al[u];
            }
        }
        if (t < best) {
            best = t;
            rounds_best = rounds;
            short_frac = 1.0 - asum / dsum;
        }
    }
    printf("allocation: synthetic network of %d districts (%d nodes, %d users, 7 classes), "
           "%d days: %.3f s = %.2f ms a day, %.1f bottlenecks a day, %.1f %% of the demand "
           "short\n",
           ndist, nnode, nuser, ndays, best, 1e3 * best / ndays, (double)rounds_best / ndays,
           100.0 * short_frac);
    rc = 0;
done:
    core_alloc_destroy(&a);
    free(parent);
    free(unode);
    free(ulevel);
    free(cap);
    free(local);
    free(dem);
    free(base);
    free(al);
    free(fl);
    free(us);
    return rc;
}
