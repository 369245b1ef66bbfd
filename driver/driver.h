/*
 * driver.h: the program layer. It owns the time loop, the OpenMP loops and
 * the order of a day (DESIGN.md §1); the physics of one cell comes from
 * core/, files from io/, the domain from grids/.
 */
#ifndef DRIVER_H
#define DRIVER_H

#include <stdio.h>

#include "grid_domain.h"
#include "io_out.h"
#include "zt.h"

/* The program's version (zoet --version, the manifest run.json). */
#define ZOET_VERSION "0.1.0"

/* How a run shows its progress on stderr. */
enum drv_progress {
    DRV_PROGRESS_NONE = 0, /* nothing (--quiet) */
    DRV_PROGRESS_TERMINAL, /* one line, rewritten each day */
    DRV_PROGRESS_LOG       /* a line a simulated month: date, days/s, elapsed, time left */
};

/* Options of `zoet run` that the command line sets. */
typedef struct drv_run_opts {
    const char *scenario; /* scenario file (borrowed) */
    const char *out_dir;  /* NULL: the scenario's [output] dir */
    int threads;          /* > 0: OpenMP threads, overrides the scenario */
    int quiet;            /* 1: no settings and summary on stdout */
    int progress;         /* enum drv_progress */
    const char *restart;  /* a checkpoint's state.nc to continue from, or NULL */
    int check_only;       /* 1: load and validate every input, run nothing */
} drv_run_opts;

/* Figures of a finished run (for the summary, tests and the bench). */
typedef struct drv_run_stats {
    zt_idx ncell_active; /* active cells */
    int ndays;           /* days simulated */
    double max_rel_err;  /* largest daily |balance error| / gross flux */
    double seconds;      /* wall time of the time loop (s) */
    double seconds_rz;   /* wall time of the root-zone step (s) */
    double seconds_gw;   /* wall time of the groundwater solve (s) */
    long cg_total;       /* CG iterations, all days */
    long picard_total;   /* Picard iterations, all days */
    double seconds_out;  /* time spent writing output (s, any thread) */
    double seconds_wait; /* time the loop waited for output, closing included (s) */
    double seconds_close; /* time spent closing the output files (s) */
    double seconds_alloc; /* time spent allocating over the supply network (s) */
    long alloc_rounds;    /* bottlenecks the allocation met, all days */
} drv_run_stats;

/*
 * Run a scenario: load and validate every input, simulate day by day, write
 * the outputs under their final names only when the run succeeds. stats may
 * be NULL. Statuses: those of the io_ and grid_ functions it calls, and
 * ZT_EBALANCE when a day's balance error exceeds 1e-9 of its gross flux.
 */
zt_status drv_run(const drv_run_opts *o, drv_run_stats *stats, zt_err *err);

/*
 * The catalogue of gridded output variables: *n gets their number; the
 * names are what [output] variables may list.
 */
const io_var_spec *drv_output_catalogue(int *n);

/*
 * Build the demo inputs into out_dir: domain.nc from the province polygons
 * in data_dir/boundaries and forcing.nc from the KNMI files in
 * data_dir/knmi for 2018.
 */
zt_status drv_demo_build(const char *data_dir, const char *out_dir, int quiet, zt_err *err);

#endif /* DRIVER_H */
