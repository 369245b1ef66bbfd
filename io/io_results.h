/*
 * io_results.h: a run's output folder read back for `zoet stats` and
 * `zoet table` (issue 15; docs/table.md): the manifest run.json (through
 * json-c) and the tidy CSV tables summed or minimised per calendar year.
 */
#ifndef IO_RESULTS_H
#define IO_RESULTS_H

#include "zt.h"

typedef struct io_run_manifest {
    zt_day start, end;   /* the run's first and last day */
    char forcing[4096];  /* the forcing file's path; "" for a run without one */
    char scenario[4096]; /* the scenario file's path */
} io_run_manifest;

/*
 * Read dir/run.json. ZT_EINPUT naming the file for a folder without one
 * ("not the output folder of a complete zoet run"), JSON that cannot be
 * parsed (json-c's reason), a run that is not complete, a missing or bad
 * start_date or end_date.
 */
zt_status io_results_manifest(const char *dir, io_run_manifest *m, zt_err *err);

/* Values per key (area and class) and calendar year. */
typedef struct io_ytab {
    int y0, ny, nkey;
    char (*area)[40];
    char (*cls)[16];
    double *v;    /* [nkey * ny]: key-major; NaN where no row was read */
    double *days; /* [nkey * ny]: the rows (days) that went into v */
} io_ytab;

typedef enum { IO_YT_SUM = 0, IO_YT_MIN } io_yt_mode;

/* What to read from a table: its time column ("date", YYYY-MM-DD, or
 * "year", a number), key columns (class_col may be NULL), the value column,
 * and the calendar months m0..m1 (1-12) whose rows count. */
typedef struct io_yt_spec {
    const char *time_col, *area_col, *class_col, *value_col;
    io_yt_mode mode;
    int m0, m1;
} io_yt_spec;

/*
 * Read the CSV path into t for the years y0 .. y0 + ny - 1 (rows of other
 * years are skipped), a key for every (area, class) met, in the order met.
 * ZT_EINPUT naming file, line and column for a missing file or column, a
 * bad date or number; ZT_ENOMEM. Free with io_ytab_free.
 */
zt_status io_results_yearly(const char *path, const io_yt_spec *s, int y0, int ny, io_ytab *t,
                            zt_err *err);
void io_ytab_free(io_ytab *t);

/* The global attribute zoet_transform of a forcing file (what `zoet
 * forcing transform` did) into buf, "" when it has none or cannot be read. */
void io_results_forcing_label(const char *forcing, char *buf, size_t n);

/*
 * A 2-D field of the run (e.g. peat.nc summer_depth) as doubles: *g gets
 * its grid, *out (ncell values, row 0 southernmost, NaN: no data) is
 * allocated. When expect is not NULL the grid must equal it. ZT_EINPUT
 * naming the file and variable (io_nc.h); ZT_ENOMEM.
 */
zt_status io_results_field(const char *dir, const char *file, const char *var,
                           const zt_grid *expect, zt_grid *g, double **out, zt_err *err);

#endif /* IO_RESULTS_H */
