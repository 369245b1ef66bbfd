/*
 * bench_run.c: whole runs of the program, timed as processes (issue 11,
 * item 8; docs/performance.md "Issue 11: the whole run"). Not a timed test.
 *
 *  1. the coupled demo year as `make demo` runs it (`zoet run` of a copy of
 *     scenarios/demo.ini), 1 and 2 threads: wall time of the whole process
 *     (start-up, reading, the year, writing, closing) and its peak RSS, also
 *     per active cell;
 *  2. the same with a competing busy process (a `yes > /dev/null` child,
 *     as another engineer's job) for 1 and 2 threads;
 *  3. a groundwater-only year on 560 x 440 cells as a whole run: one
 *     district, a ring of fixed-head cells, recharge read from a daily
 *     grid (recharge.nc), daily heads written (grids_day.nc), 1 and 2
 *     threads.
 *
 * `int bench_run(const char *zoet, const char *demo_input, int quick,
 * int gw_only)` is called by tests/bench.c (gw_only: item 3 alone). Every
 * figure is the best of a few runs (the machine is shared); the load
 * average is printed with them.
 */
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netcdf.h>

#include "grid_domain.h"
#include "io_file.h"
#include "io_nc.h"
#include "zt.h"

#define RUNDIR "out/bench/run"
#define GW_NX 560
#define GW_NY 440

extern char **environ;

int bench_run(const char *zoet, const char *demo_input, int quick, int gw_only);

static double run_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void load_note(void)
{
    double l[3];
    if (getloadavg(l, 3) == 3) {
        printf("  (load average %.2f %.2f %.2f)\n", l[0], l[1], l[2]);
    }
}

/* Run argv as a child, its stdout into `stdout_path` (NULL: /dev/null):
 * its wall time (s) and peak RSS (kB), or < 0. */
static double run_child_to(char *const argv[], const char *stdout_path, long *rss_kb)
{
    posix_spawn_file_actions_t fa;
    struct rusage ru;
    pid_t pid;
    int status;
    const double t0 = run_now();
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, stdout_path ? stdout_path : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (r != 0 || wait4(pid, &status, 0, &ru) != pid) {
        return -1.0;
    }
    const double t = run_now() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "zoet-bench: %s %s failed (status %d)\n", argv[0], argv[2], status);
        return -1.0;
    }
    *rss_kb = ru.ru_maxrss;
    return t;
}

static double run_child(char *const argv[], long *rss_kb)
{
    return run_child_to(argv, NULL, rss_kb);
}

/* The lake's share of a run of the demo (its summary line), for issue 12:
 * under 1 % of a day. */
static int lake_share(const char *zoet, const char *scen)
{
    char z[1024], s[2400], line[1024];
    const char *log = RUNDIR "/lake-summary.txt";
    long rss;
    snprintf(z, sizeof z, "%s", zoet);
    snprintf(s, sizeof s, "%s", scen);
    char *argv[] = {z, "run", s, "--out", RUNDIR "/lake-out", "--threads", "2", NULL};
    if (run_child_to(argv, log, &rss) < 0.0) {
        return -1;
    }
    FILE *f = fopen(log, "r");
    int found = 0;
    while (f && fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "; ");
        char *w = strstr(line, "; wrote");
        if (strncmp(line, "zoet run: lake: ", 16) == 0 && p && w) {
            *w = '\0';
            printf("  the lake's own steps (goal: < 1 %% of the run):%s\n", p + 1);
            found = 1;
        }
    }
    if (f) {
        fclose(f);
    }
    return found ? 0 : -1;
}

/* A busy process (`yes` into /dev/null), or -1. */
static pid_t busy_start(void)
{
    posix_spawn_file_actions_t fa;
    char *argv[] = {"/usr/bin/yes", NULL};
    pid_t pid;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    int r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return r == 0 ? pid : -1;
}

static void busy_stop(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
}

/* `zoet run scen --out out --quiet --threads t`, best wall of nrep runs;
 * with busy, a competing busy process during each run. */
static double best_run(const char *zoet, const char *scen, const char *out, int threads, int nrep,
                       int busy, long *rss_kb)
{
    char th[16], z[1024], s[1024], o[1024];
    double best = -1.0;
    snprintf(th, sizeof th, "%d", threads);
    snprintf(z, sizeof z, "%s", zoet);
    snprintf(s, sizeof s, "%s", scen);
    snprintf(o, sizeof o, "%s", out);
    char *argv[] = {z, "run", s, "--out", o, "--quiet", "--threads", th, NULL};
    *rss_kb = 0;
    for (int i = 0; i < nrep; i++) {
        long rss = 0;
        const pid_t b = busy ? busy_start() : 0;
        const double t = run_child(argv, &rss);
        busy_stop(b);
        if (t < 0.0) {
            return -1.0;
        }
        best = (best < 0.0 || t < best) ? t : best;
        *rss_kb = rss > *rss_kb ? rss : *rss_kb;
    }
    return best;
}

static int put_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return -1;
    }
    fputs(text, f);
    return fclose(f);
}

/* The groundwater-only domain: 560 x 440 cells of 250 m, one district (a
 * polder, surface 1.25-1.75 m below NAP, its ditches at 2.0 m below NAP in
 * summer), the outer ring fixed at 1.6 m below NAP (the boezem canals
 * around it); kD, cv and the ditch resistances as in tests/bench_gw.c. */
static int gw_domain(const char *path)
{
    const zt_grid g = {GW_NX, GW_NY, 100000.0, 500000.0, 250.0};
    grid_domain *d = NULL;
    zt_err err;
    zt_err_clear(&err);
    if (grid_domain_create(&g, &d, &err) != ZT_OK || grid_domain_add_gw(d, &err) != ZT_OK) {
        fprintf(stderr, "zoet-bench: %s\n", err.msg);
        grid_domain_destroy(&d);
        return -1;
    }
    for (zt_idx j = 0; j < GW_NY; j++) {
        for (zt_idx i = 0; i < GW_NX; i++) {
            const zt_idx k = j * GW_NX + i;
            const int ring = i == 0 || j == 0 || i == GW_NX - 1 || j == GW_NY - 1;
            const double x = (double)i / GW_NX, y = (double)j / GW_NY;
            d->mask[k] = ring ? ZT_MASK_FIXED : ZT_MASK_ACTIVE;
            d->surface[k] =
                ring ? -1.6f : (float)(-1.5 + 0.25 * sin(7.0 * x + 1.0) * cos(5.0 * y));
            d->soil[k] = ring ? 0 : (uint8_t)(1 + (i / 40 + j / 30) % 3);
            d->landuse[k] = ring ? 0 : (uint8_t)(1 + (i / 25 + j / 17) % 6);
            d->district[k] = ring ? 0 : 1;
            d->province[k] = ring ? 0 : ZT_PROV_FRYSLAN;
            d->gwdepth[k] = ring ? 0.0f : 0.6f;
            d->sprinkling[k] = ZT_SPR_NONE;
            d->kd[k] = (float)(10.0 + 490.0 * (0.5 + 0.5 * sin(6.0 * x) * cos(4.0 * y)));
            d->deep_head[k] = d->surface[k] - 0.3f;
            d->cv[k] = 500.0f;
            d->ditch_c[k] = (float)(50.0 + 150.0 * y);
            d->ditch_ci[k] = (float)(1.5 * (50.0 + 150.0 * y));
            d->trench_depth[k] = NAN;
            d->trench_c[k] = NAN;
            d->tile_depth[k] = NAN;
            d->tile_c[k] = NAN;
        }
    }
    const zt_status st = io_domain_write(path, d, "zoet bench: groundwater-only domain", &err);
    if (st != ZT_OK) {
        fprintf(stderr, "zoet-bench: %s\n", err.msg);
    }
    grid_domain_destroy(&d);
    return st == ZT_OK ? 0 : -1;
}

#define NCK(call)                                                                                 \
    do {                                                                                          \
        if ((r = (call)) != NC_NOERR) {                                                           \
            fprintf(stderr, "zoet-bench: %s: %s\n", path, nc_strerror(r));                        \
            goto done;                                                                            \
        }                                                                                         \
    } while (0)

/* A year of daily recharge (mm/d) on the groundwater-only grid: a Dutch
 * year, R(t) = 0.5 + 2.0 cos(2 pi (t - 15)/365) times 0.7-1.3 in space. */
static int gw_recharge(const char *path, int ndays)
{
    int nc = -1, r, dt, dy, dx, vt, vy, vx, vc, vr, dims[3];
    float *f = malloc((size_t)GW_NX * GW_NY * sizeof *f);
    double *c = malloc((size_t)(GW_NX > ndays ? GW_NX : ndays) * sizeof *c);
    int ok = 0;
    if (!f || !c) {
        goto done;
    }
    NCK(nc_create(path, NC_NETCDF4 | NC_CLOBBER, &nc));
    NCK(nc_def_dim(nc, "time", (size_t)ndays, &dt));
    NCK(nc_def_dim(nc, "y", GW_NY, &dy));
    NCK(nc_def_dim(nc, "x", GW_NX, &dx));
    NCK(nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt));
    NCK(nc_put_att_text(nc, vt, "units", 21, "days since 2018-01-01"));
    NCK(nc_put_att_text(nc, vt, "calendar", 8, "standard"));
    NCK(nc_def_var(nc, "y", NC_DOUBLE, 1, &dy, &vy));
    NCK(nc_put_att_text(nc, vy, "standard_name", 22, "projection_y_coordinate"));
    NCK(nc_put_att_text(nc, vy, "units", 1, "m"));
    NCK(nc_def_var(nc, "x", NC_DOUBLE, 1, &dx, &vx));
    NCK(nc_put_att_text(nc, vx, "standard_name", 22, "projection_x_coordinate"));
    NCK(nc_put_att_text(nc, vx, "units", 1, "m"));
    NCK(nc_def_var(nc, "crs", NC_INT, 0, NULL, &vc));
    NCK(nc_put_att_text(nc, vc, "grid_mapping_name", 21, "oblique_stereographic"));
    NCK(nc_put_att_text(nc, vc, "crs_wkt", strlen(io_rdnew_wkt), io_rdnew_wkt));
    dims[0] = dt;
    dims[1] = dy;
    dims[2] = dx;
    NCK(nc_def_var(nc, "recharge", NC_FLOAT, 3, dims, &vr));
    NCK(nc_put_att_text(nc, vr, "units", 6, "mm d-1"));
    NCK(nc_put_att_text(nc, vr, "grid_mapping", 3, "crs"));
    NCK(nc_enddef(nc));
    for (int t = 0; t < ndays; t++) {
        c[t] = t;
    }
    NCK(nc_put_var_double(nc, vt, c));
    for (int j = 0; j < GW_NY; j++) {
        c[j] = 500000.0 + 250.0 * (j + 0.5);
    }
    NCK(nc_put_var_double(nc, vy, c));
    for (int i = 0; i < GW_NX; i++) {
        c[i] = 100000.0 + 250.0 * (i + 0.5);
    }
    NCK(nc_put_var_double(nc, vx, c));
    for (int t = 0; t < ndays; t++) {
        const double rt = 0.5 + 2.0 * cos(2.0 * M_PI * (t - 15) / 365.0);
        const size_t start[3] = {(size_t)t, 0, 0}, count[3] = {1, GW_NY, GW_NX};
        for (int j = 0; j < GW_NY; j++) {
            for (int i = 0; i < GW_NX; i++) {
                f[j * GW_NX + i] =
                    (float)(rt * (1.0 + 0.3 * sin(0.02 * i) * cos(0.03 * j)));
            }
        }
        NCK(nc_put_vara_float(nc, vr, start, count, f));
    }
    ok = 1;
done:
    if (nc >= 0) {
        r = nc_close(nc);
        ok = ok && r == NC_NOERR;
    }
    free(f);
    free(c);
    return ok ? 0 : -1;
}

/* The groundwater-only case in RUNDIR/gw: domain, district, recharge,
 * scenario. */
static int gw_case(const char *cwd, int ndays, char *scen, size_t n)
{
    char path[2400], text[16384], end[16];
    zt_err err;
    zt_err_clear(&err);
    if (io_dir_ensure(RUNDIR "/gw", &err) != ZT_OK) {
        fprintf(stderr, "zoet-bench: %s\n", err.msg);
        return -1;
    }
    if (gw_domain(RUNDIR "/gw/domain.nc") != 0 || gw_recharge(RUNDIR "/gw/recharge.nc", ndays)) {
        return -1;
    }
    if (put_text(RUNDIR "/gw/districts.ini",
                 "[district.1]\nname = \"polder\"\nprovince = 21\nsummer_level = -2.0\n"
                 "winter_level = -2.3\nopen_water_fraction = 0.05\n"
                 "pump_capacity_mm_d = 12.0\nflushing_m3s = 0.0\n") != 0) {
        return -1;
    }
    zt_day_format(zt_day_from_ymd(2018, 1, 1) + ndays - 1, end);
    snprintf(text, sizeof text,
             "[run]\nname = \"gw-only\"\nstart = 2018-01-01\nend = %s\nmode = \"groundwater\"\n"
             "[input]\ndomain = \"%s/" RUNDIR "/gw/domain.nc\"\n"
             "recharge = \"%s/" RUNDIR "/gw/recharge.nc\"\n"
             "districts = \"%s/" RUNDIR "/gw/districts.ini\"\n"
             "parameters = \"%s/scenarios/params/default.ini\"\n"
             "[output]\ndir = \"%s/" RUNDIR "/gw/out\"\nvariables = [\"head\"]\n"
             "aggregation = \"day\"\ndistricts = false\n",
             end, cwd, cwd, cwd, cwd, cwd);
    snprintf(path, sizeof path, RUNDIR "/gw/gw.ini");
    snprintf(scen, n, "%s", path);
    return put_text(path, text);
}

int bench_run(const char *zoet, const char *demo_input, int quick, int gw_only)
{
    char cwd[2048], scen[2400], text[16384];
    const long nact_demo = 136967; /* active cells of the demo (zoet run prints it) */
    const int nrep = quick ? 1 : 3;
    long rss;
    double t[2];
    zt_err err;

    zt_err_clear(&err);
    if (!getcwd(cwd, sizeof cwd) || io_dir_ensure(RUNDIR, &err) != ZT_OK) {
        return 1;
    }
    /* 1-2. the coupled demo year, as make demo runs it */
    snprintf(text, sizeof text,
             "extends = \"%s/scenarios/demo.ini\"\n[run]\nend = %s\n[input]\n"
             "domain = \"%s/%s/domain.nc\"\nforcing = \"%s/%s/forcing.nc\"\n"
             "districts = \"%s/%s/districts.ini\"\n",
             cwd, quick ? "2018-01-31" : "2018-12-31", cwd, demo_input, cwd, demo_input, cwd,
             demo_input);
    snprintf(scen, sizeof scen, RUNDIR "/demo.ini");
    if (put_text(scen, text) != 0) {
        return 1;
    }
    printf("whole runs (the program, as processes; best of %d):\n", nrep);
    for (int busy = 0; busy <= 1 && !gw_only; busy++) {
        for (int th = 1; th <= 2; th++) {
            t[th - 1] = best_run(zoet, scen, RUNDIR "/demo-out", th, nrep, busy, &rss);
            if (t[th - 1] < 0.0) {
                return 1;
            }
            printf("  coupled demo %s, %d thr%s: %6.2f s wall, peak RSS %6.1f MB = %5.0f B per "
                   "active cell\n",
                   quick ? "January" : "year", th, busy ? ", one busy process beside" : "",
                   t[th - 1], rss / 1024.0, 1024.0 * rss / nact_demo);
        }
        printf("  coupled demo%s: 2 threads take %.2f x the time of 1\n",
               busy ? " beside a busy process" : "", t[1] / t[0]);
        load_note();
        if (!busy && lake_share(zoet, scen) != 0) {
            fprintf(stderr, "zoet-bench: no lake line in the demo's summary\n");
            return 1;
        }
    }
    /* 3. the groundwater-only year */
    if (gw_case(cwd, quick ? 31 : 365, scen, sizeof scen) != 0) {
        return 1;
    }
    for (int th = 1; th <= 2; th++) {
        t[th - 1] = best_run(zoet, scen, RUNDIR "/gw/out", th, nrep, 0, &rss);
        if (t[th - 1] < 0.0) {
            return 1;
        }
        printf("  groundwater-only 560 x 440 %s (recharge read, daily heads written), %d thr: "
               "%6.2f s wall, peak RSS %6.1f MB\n",
               quick ? "January" : "year", th, t[th - 1], rss / 1024.0);
    }
    load_note();
    return 0;
}
