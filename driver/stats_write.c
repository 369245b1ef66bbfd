/*
 * stats_write.c: the files of `zoet stats` (stats.h; docs/table.md).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_stats.h"
#include "io_file.h"
#include "io_table.h"
#include "stats.h"

/* The area and class of x as two CSV fields (an area may hold a comma). */
static void key(FILE *f, const drv_series *x)
{
    io_table_csv_field(f, x->area);
    fputc(',', f);
    io_table_csv_field(f, x->cls);
}

/* dir/name opened for writing (io_text_open) with its header line; path
 * gets the file's path for io_text_close. */
static zt_status open_table(const char *dir, const char *name, const char *header, char *path,
                            size_t n, FILE **f, zt_err *err)
{
    io_path_join(dir, name, path, n);
    zt_status st = io_text_open(path, f, err);
    if (st == ZT_OK) {
        fputs(header, *f);
    }
    return st;
}

/* years.csv: year,statistic,area,class,value,unit */
static zt_status write_years(const drv_stats *s, const char *dir, zt_err *err)
{
    char path[4096];
    FILE *f;
    zt_status st = open_table(dir, "years.csv", "year,statistic,area,class,value,unit\n", path, sizeof path, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    for (int y = 0; y < s->ny; y++) {
        for (int i = 0; i < s->nser; i++) {
            const drv_series *x = &s->ser[i];
            fprintf(f, "%d,%s,", s->y0 + y, x->stat);
            key(f, x);
            fprintf(f, ",%.6g,%s\n", x->v[y], x->unit);
        }
    }
    return io_text_close(f, path, 1, err);
}

/* return_periods.csv: per series and year its rank, exceedance
 * probability r/(m+1) and return period (m+1)/r (Weibull). */
static zt_status write_return(const drv_stats *s, const char *dir, int *rank, zt_err *err)
{
    char path[4096];
    FILE *f;
    zt_status st = open_table(dir, "return_periods.csv", "statistic,area,class,year,value,unit,rank,years_ranked,"
                          "exceedance_probability,return_period_yr\n", path, sizeof path, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    for (int i = 0; i < s->nser; i++) {
        const drv_series *x = &s->ser[i];
        const int m = core_stats_rank(x->v, s->ny, x->dir, rank);
        for (int y = 0; y < s->ny; y++) {
            if (rank[y] == 0) {
                continue;
            }
            fprintf(f, "%s,", x->stat);
            key(f, x);
            fprintf(f, ",%d,%.6g,%s,%d,%d,%.4f,%.3f\n", s->y0 + y, x->v[y], x->unit, rank[y], m,
                    rank[y] / (m + 1.0), (m + 1.0) / rank[y]);
        }
    }
    return io_text_close(f, path, 1, err);
}

/* summary.csv: the 1-in-2 and 1-in-10 values of every series, the values in
 * the average and the 1-in-10 dry year, and those years. */
static zt_status write_summary(const drv_stats *s, const char *dir, zt_err *err)
{
    char path[4096];
    FILE *f;
    zt_status st = open_table(dir, "summary.csv", "statistic,area,class,measure,year,value,unit\n", path, sizeof path, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    fprintf(f, "average_year,north,,year,,%g,year\n", s->avg_year ? s->avg_year : NAN);
    fprintf(f, "dry_1_in_10_year,north,,year,,%g,year\n", s->dry10_year ? s->dry10_year : NAN);
    fprintf(f, "run,,,first_year,,%d,year\n", s->y0);
    fprintf(f, "run,,,years,,%d,year\n", s->ny);
    char ya[16] = "", yd[16] = "";
    if (s->avg_year) {
        snprintf(ya, sizeof ya, "%d", s->avg_year);
    }
    if (s->dry10_year) {
        snprintf(yd, sizeof yd, "%d", s->dry10_year);
    }
    for (int i = 0; i < s->nser; i++) {
        const drv_series *x = &s->ser[i];
        const char *meas[4] = {"return_period_2", "return_period_10", "average_year",
                               "dry_1_in_10_year"};
        const char *year[4] = {"", "", ya, yd};
        const double v[4] = {core_stats_return_value(x->v, s->ny, x->dir, 2.0),
                             core_stats_return_value(x->v, s->ny, x->dir, 10.0),
                             drv_stats_value(s, x, s->avg_year),
                             drv_stats_value(s, x, s->dry10_year)};
        for (int k = 0; k < 4; k++) {
            fprintf(f, "%s,", x->stat);
            key(f, x);
            fprintf(f, ",%s,%s,%.6g,%s\n", meas[k], year[k], v[k], x->unit);
        }
    }
    return io_text_close(f, path, 1, err);
}

zt_status drv_stats_write(const drv_stats *s, const char *out_dir, zt_err *err)
{
    zt_status st = io_dir_ensure(out_dir, err);
    if (st != ZT_OK) {
        return st;
    }
    int *rank = zt_malloc((size_t)(s->ny > 0 ? s->ny : 1) * sizeof *rank);
    if (!rank) {
        return zt_fail(err, ZT_ENOMEM, "zoet stats: out of memory");
    }
    st = write_years(s, out_dir, err);
    if (st == ZT_OK) {
        st = write_return(s, out_dir, rank, err);
    }
    if (st == ZT_OK) {
        st = write_summary(s, out_dir, err);
    }
    zt_free(rank);
    return st;
}
