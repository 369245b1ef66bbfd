/*
 * bench.c: `make bench`: speed, measured (not a timed test).
 *
 *  1. the root zone on the demo (a year, 2018), 1 and 2 threads:
 *     cell-days per second of the root-zone step and of the whole loop;
 *  2. the root zone on a synthetic 4000 x 4000 grid (16 M cells, 10 days),
 *     1 and 2 threads;
 *  3. writing a year of daily compressed output of one 560 x 440 float field
 *     (deflate 1 + shuffle; and with 3 significant digits): MB/s and s/year;
 *  4. the demo as `make demo` runs it (monthly output on its own thread):
 *     the share of the run time the loop spent on output.
 *
 *  5. the groundwater solver (tests/bench_gw.c): a groundwater-only year on
 *     560 x 440 and 2000 x 2000 cells, CG iterations, memory bandwidth.
 *
 *  6. whole runs of the program as processes (tests/bench_run.c): the
 *     coupled demo year on 1 and 2 threads, alone and beside a busy
 *     process, its peak RSS per active cell; a groundwater-only 560 x 440
 *     year as a whole run (recharge read, daily heads written).
 *
 * Usage: zoet-bench [--quick | --demo-output | --gw | --gw-small | --alloc | --run]
 *   --quick: fewer days, for a smoke test; --demo-output: the demo run only;
 *   --gw: the groundwater solver only; --gw-small: its 560 x 440 year only;
 *   --alloc: the allocation over a synthetic network of 10,000 districts only;
 *   --run: the whole runs only (./zoet, built by make bench); --run-quick: the
 *   same for January; --run-gw: the groundwater-only whole year only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "io_file.h"
#include "io_nc.h"
#include "io_out.h"

#define BENCH "out/bench"

/* tests/bench_gw.c: the groundwater solver (issue 3). */
int bench_gw(int quick);
int bench_alloc(int quick);
int bench_run(const char *zoet, const char *demo_input, int quick, int gw_only);

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int die(const zt_err *err)
{
    fprintf(stderr, "zoet-bench: %s\n", err->msg);
    return 1;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return -1;
    }
    fputs(text, f);
    return fclose(f);
}

static int write_scenario(const char *path, const char *cwd, const char *input, const char *start,
                          const char *end, const char *out, int outputs)
{
    char text[8192], districts[2400] = "";
    /* with outputs: the coupled model as make demo runs it; without: the
       root zone alone, no output */
    if (outputs) {
        snprintf(districts, sizeof districts,
                 "districts = \"%s/%s/districts.ini\"\n"
                 "network = \"%s/scenarios/network/noord-nederland.ini\"\n",
                 cwd, input, cwd);
    }
    snprintf(text, sizeof text,
             "[run]\nname = \"bench\"\nstart = %s\nend = %s\n"
             "[input]\ndomain = \"%s/%s/domain.nc\"\nforcing = \"%s/%s/forcing.nc\"\n"
             "parameters = \"%s/scenarios/params/default.ini\"\n%s"
             "[output]\ndir = \"%s/%s\"\n%s\n",
             start, end, cwd, input, cwd, input, cwd, districts, cwd, out,
             outputs ? "variables = [\"P\", \"ETact\", \"recharge\", \"sprinkling\", "
                       "\"gw_depth\", \"seepage\", \"infiltration\", \"inlet_demand\"]\n"
                       "aggregation = \"month\"\ndistricts = true"
                     : "variables = []\ndistricts = false");
    return write_text(path, text);
}

static int run_case(const char *label, const char *scen, int threads, drv_run_stats *stats)
{
    drv_run_opts o;
    zt_err err;
    double cd;

    memset(&o, 0, sizeof o);
    zt_err_clear(&err);
    o.scenario = scen;
    o.threads = threads;
    o.quiet = 1;
    if (drv_run(&o, stats, &err) != ZT_OK) {
        return die(&err);
    }
    cd = (double)stats->ncell_active * stats->ndays;
    printf("%-34s %d thr  %9.0f cells x %3d days  root zone %7.3f s = %7.1f M cell-days/s"
           "  loop %7.3f s = %7.1f M cell-days/s\n",
           label, threads, (double)stats->ncell_active, stats->ndays, stats->seconds_rz,
           1e-6 * cd / stats->seconds_rz, stats->seconds, 1e-6 * cd / stats->seconds);
    if (stats->cg_total > 0) {
        printf("%-34s        groundwater %7.3f s = %7.1f M cell-days/s, %.1f CG and %.2f Picard "
               "iterations a day\n",
               "", stats->seconds_gw, 1e-6 * cd / stats->seconds_gw,
               (double)stats->cg_total / stats->ndays, (double)stats->picard_total / stats->ndays);
    }
    return 0;
}

/* A synthetic domain of n x n cells: blocks of 20 x 20 cells are districts,
 * land use and soil vary in stripes. */
static int make_synthetic(const char *dir, zt_idx n, const char *demo_forcing)
{
    zt_grid g = {n, n, 100000.0, 400000.0, 250.0};
    grid_domain *d = NULL;
    zt_err err;
    char path[1024], cmd[5200];
    zt_idx j, i;

    zt_err_clear(&err);
    if (io_dir_ensure(dir, &err) != ZT_OK || grid_domain_create(&g, &d, &err) != ZT_OK) {
        return die(&err);
    }
    for (j = 0; j < n; j++) {
        for (i = 0; i < n; i++) {
            zt_idx k = j * n + i;
            d->mask[k] = ZT_MASK_ACTIVE;
            d->landuse[k] = (uint8_t)(1 + (i / 7 + j / 11) % 6);
            d->soil[k] = (uint8_t)(1 + (i / 13 + j / 5) % 3);
            d->district[k] = (int32_t)(1 + (j / 20) * ((n + 19) / 20) + i / 20);
            d->province[k] = ZT_PROV_FRYSLAN;
            d->surface[k] = (float)(0.001 * (double)(i + j));
            d->gwdepth[k] = (float)(0.3 + 0.2 * (double)((i + 3 * j) % 10));
            d->sprinkling[k] = d->landuse[k] <= ZT_LU_CAPITAL ? ZT_SPR_SURFACE : ZT_SPR_NONE;
        }
    }
    snprintf(path, sizeof path, "%s/domain.nc", dir);
    if (io_domain_write(path, d, "zoet bench: synthetic domain", &err) != ZT_OK) {
        grid_domain_destroy(&d);
        return die(&err);
    }
    grid_domain_destroy(&d);
    snprintf(cmd, sizeof cmd, "cp %s %s/forcing.nc", demo_forcing, dir);
    return system(cmd) == 0 ? 0 : 1;
}

/* Write a year of one daily 560 x 440 field; print the rate. */
static int bench_output(int nsd, int async, int ndays)
{
    zt_grid g = {560, 440, 100000.0, 500000.0, 250.0};
    zt_idx n = zt_grid_ncell(&g), k;
    io_var_spec v = {"field", "a smooth test field", "mm d-1", "mm", NULL, 1};
    io_gridout_opts o;
    io_gridout *w = NULL;
    uint8_t *mask = malloc((size_t)n);
    float *f = malloc((size_t)n * sizeof *f);
    const float *fields[1];
    zt_err err;
    char path[256];
    double t0, t;
    struct stat sb;
    int day;

    zt_err_clear(&err);
    if (!mask || !f) {
        return 1;
    }
    for (k = 0; k < n; k++) {
        mask[k] = 1;
    }
    memset(&o, 0, sizeof o);
    o.agg = IO_AGG_DAY;
    o.deflate = 1;
    o.nsd = nsd;
    o.async = async;
    snprintf(path, sizeof path, BENCH "/output_nsd%d_async%d.nc", nsd, async);
    fields[0] = f;
    t0 = now_seconds();
    if (io_gridout_create(path, &g, mask, &v, 1, &o, &w, &err) != ZT_OK) {
        free(mask);
        free(f);
        return die(&err);
    }
    for (day = 0; day < ndays; day++) {
        for (k = 0; k < n; k++) {
            zt_idx i = k % g.nx, j = k / g.nx;
            f[k] = (float)(2.0 + sin(0.01 * (double)i + 0.1 * day) * cos(0.013 * (double)j) +
                           1e-3 * (double)((i * 7 + j * 13 + day) % 97));
        }
        if (io_gridout_add_day(w, zt_day_from_ymd(2018, 1, 1) + day, fields, &err) != ZT_OK) {
            io_gridout_close(&w, 0, &err);
            free(mask);
            free(f);
            return die(&err);
        }
    }
    if (io_gridout_close(&w, 1, &err) != ZT_OK) {
        free(mask);
        free(f);
        return die(&err);
    }
    t = now_seconds() - t0;
    stat(path, &sb);
    printf("output: %d days of a 560 x 440 float field, deflate 1 + shuffle, %s, %s: "
           "%.2f s = %.1f ms/day, %.1f MB/s of raw data, file %.1f MB\n",
           ndays, nsd ? "3 significant digits" : "no quantisation",
           async ? "writer thread" : "same thread", t, 1e3 * t / ndays,
           1e-6 * (double)n * 4.0 * ndays / t, 1e-6 * (double)sb.st_size);
    free(mask);
    free(f);
    return 0;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    int demo_only = argc > 1 && strcmp(argv[1], "--demo-output") == 0;
    int gw_only = argc > 1 && strcmp(argv[1], "--gw") == 0;
    int gw_small = argc > 1 && strcmp(argv[1], "--gw-small") == 0;
    int alloc_only = argc > 1 && strcmp(argv[1], "--alloc") == 0;
    int run_quick = argc > 1 && strcmp(argv[1], "--run-quick") == 0;
    int run_gw = argc > 1 && strcmp(argv[1], "--run-gw") == 0;
    int run_only = run_quick || run_gw || (argc > 1 && strcmp(argv[1], "--run") == 0);
    char cwd[2048], scen[2400], forcing[2400];
    drv_run_stats st1, st2;
    zt_err err;
    int t;

    if (argc > 2 || (argc == 2 && !quick && !demo_only && !gw_only && !gw_small && !alloc_only &&
                      !run_only)) {
        fprintf(stderr,
                "usage: %s [--quick | --demo-output | --gw | --gw-small | --alloc | --run |\n"
                "       --run-quick | --run-gw]\n"
                        "  (no option: every benchmark, the full sizes)\n",
                argv[0]);
        return 2;
    }

    zt_err_clear(&err);
    if (!getcwd(cwd, sizeof cwd)) {
        return 1;
    }
    if (io_dir_ensure(BENCH, &err) != ZT_OK) {
        return die(&err);
    }
    printf("zoet bench (%s)\n", quick ? "quick" : "full");
    if (gw_only || gw_small) {
        return bench_gw(gw_small ? 2 : 0);
    }
    if (alloc_only) {
        return bench_alloc(0);
    }
    if (drv_demo_build("data", BENCH "/input", 1, &err) != ZT_OK) {
        return die(&err);
    }

    if (demo_only) {
        goto demo_output;
    }
    if (run_only) {
        return bench_run("./zoet", BENCH "/input", run_quick, run_gw);
    }
    /* 1. the demo's root zone, a year */
    snprintf(scen, sizeof scen, BENCH "/demo-rz.ini");
    if (write_scenario(scen, cwd, BENCH "/input", "2018-01-01",
                       quick ? "2018-01-31" : "2018-12-31", BENCH "/demo-rz", 0) != 0) {
        return 1;
    }
    for (t = 1; t <= 2; t++) {
        if (run_case("demo root zone (no output)", scen, t, t == 1 ? &st1 : &st2) != 0) {
            return 1;
        }
    }
    printf("demo root zone: speed-up 1 -> 2 threads %.2f\n", st1.seconds_rz / st2.seconds_rz);

    /* 2. a synthetic 4000 x 4000 grid */
    snprintf(forcing, sizeof forcing, BENCH "/input/forcing.nc");
    if (make_synthetic(BENCH "/synthetic", quick ? 1000 : 4000, forcing) != 0) {
        return 1;
    }
    snprintf(scen, sizeof scen, BENCH "/synthetic.ini");
    if (write_scenario(scen, cwd, BENCH "/synthetic", "2018-06-01",
                       quick ? "2018-06-03" : "2018-06-10", BENCH "/synthetic-out", 0) != 0) {
        return 1;
    }
    for (t = 1; t <= 2; t++) {
        if (run_case(quick ? "synthetic 1000 x 1000" : "synthetic 4000 x 4000", scen, t,
                     t == 1 ? &st1 : &st2) != 0) {
            return 1;
        }
    }
    printf("synthetic: speed-up 1 -> 2 threads %.2f\n", st1.seconds_rz / st2.seconds_rz);

    /* 3. output rate */
    if (bench_output(0, 0, quick ? 30 : 365) != 0 || bench_output(3, 0, quick ? 30 : 365) != 0) {
        return 1;
    }

    /* 4. the groundwater solver */
    if (bench_gw(quick) != 0) {
        return 1;
    }

    /* 5. the demo as make demo runs it */
demo_output:
    snprintf(scen, sizeof scen, BENCH "/demo-full.ini");
    if (write_scenario(scen, cwd, BENCH "/input", "2018-01-01",
                       quick ? "2018-01-31" : "2018-12-31", BENCH "/demo-full", 1) != 0) {
        return 1;
    }
    if (run_case("demo with monthly output", scen, 2, &st2) != 0) {
        return 1;
    }
    printf("demo with output: writing %.3f s (writer thread); the loop waited %.3f s for "
           "output (%.3f s of it closing the files) = %.1f %% of the run's %.3f s\n",
           st2.seconds_out, st2.seconds_wait, st2.seconds_close,
           100.0 * st2.seconds_wait / st2.seconds, st2.seconds);
    printf("demo with output: allocation over the supply network %.4f s = %.3f ms a day = "
           "%.2f %% of a day's %.1f ms (%ld bottlenecks in the year)\n",
           st2.seconds_alloc, 1e3 * st2.seconds_alloc / st2.ndays,
           100.0 * st2.seconds_alloc / st2.seconds, 1e3 * st2.seconds / st2.ndays,
           st2.alloc_rounds);
    if (bench_alloc(quick) != 0) {
        return 1;
    }
    /* 6. whole runs of the program, from a fresh image of this one: a
       child's peak RSS counts the memory of the process that spawned it
       (posix_spawn shares it until the exec), and the benchmarks above
       have grown this one to about a gigabyte */
    if (demo_only) {
        return 0;
    }
    fflush(stdout);
    char *const av[] = {argv[0], quick ? "--run-quick" : "--run", NULL};
    execv("/proc/self/exe", av);
    perror("zoet-bench: exec /proc/self/exe");
    return 1;
}
