/*
 * io_table.h: the consultation table of `zoet table` (issue 15;
 * docs/table.md) written as a tidy CSV, a Markdown table and one
 * self-contained HTML page (the table, bar charts as inline SVG, maps as
 * PNG files embedded as data: URIs).
 */
#ifndef IO_TABLE_H
#define IO_TABLE_H

#include <stdio.h>

#include "zt.h"

enum { IO_TABLE_NPER = 3 }; /* average year, 1-in-10 dry year, 2018 */

typedef struct io_table {
    int nrun;
    const char *const *run;     /* [nrun] names; run 0 is the reference */
    const char *const *climate; /* [nrun] the forcing's transformation ("" observed) */
    int nrow;
    const char *const *stat, *const *area, *const *cls, *const *unit; /* [nrow] */
    const int *year;            /* [nrun * NPER] the year of each period (0: none) */
    const double *v;            /* [(row * nrun + run) * NPER + period]; NaN: none */
} io_table;

/* A CSV field into f: as it is, or in double quotes (a quote doubled) when
 * it holds a comma, a quote or a line end (an area or a run's name). */
void io_table_csv_field(FILE *f, const char *s);

/* The periods' names: "average_year", "dry_1_in_10_year", "2018". */
extern const char *const io_table_periods[IO_TABLE_NPER];

/* table.csv: scenario,climate,statistic,area,class,period,year,value,unit,
 * difference_to_reference. ZT_EIO naming the file. */
zt_status io_table_csv(const io_table *t, const char *path, zt_err *err);

/* table.md: one Markdown table, a row per (statistic, area, class), a
 * column per run and period, the differences to the reference in brackets. */
zt_status io_table_md(const io_table *t, const char *path, zt_err *err);

/* A map to embed: a PNG file and its caption. */
typedef struct io_table_map {
    const char *png, *caption;
} io_table_map;

/* table.html: the table, a bar chart of each of the rows chart_rows[] (by
 * run and period, inline SVG), and the maps (read and embedded, so the page
 * stands alone). ZT_EINPUT naming a map that cannot be read; ZT_EIO. */
zt_status io_table_html(const io_table *t, const int *chart_rows, int ncharts,
                        const io_table_map *maps, int nmaps, const char *title, const char *path,
                        zt_err *err);

#endif /* IO_TABLE_H */
