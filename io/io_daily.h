/*
 * io_daily.h: a daily series (one value per calendar day) read from a CSV
 * file with a date column (YYYY-MM-DD) and a value column, such as the
 * Rhine's discharge at Lobith (data/lobith/Q_Lobith_1901-2025.csv, m3/s).
 *
 * The file is read with io_csv (io_csv.h): a header line, '#' comment lines
 * and blank lines skipped, blanks around fields trimmed. The caller names
 * the days it needs, [from, to]; only those rows are kept and checked for
 * their values, so a file may hold a long record with old gaps that a run
 * of one year never sees. Every row's date must parse, wherever it is.
 */
#ifndef IO_DAILY_H
#define IO_DAILY_H

#include "zt.h"

/* A daily series read from a CSV file with a date column (YYYY-MM-DD) and a value column. */
typedef struct io_daily {
    zt_day first;   /* date of values[0] */
    int n;          /* days */
    double *values; /* n values, in the file's unit (owned; io_daily_free) */
} io_daily;

/* What a series is and what values are plausible (all strings borrowed). */
typedef struct io_daily_opts {
    const char *what;      /* its role in messages: "the Rhine discharge at Lobith"
                              (NULL: "the daily series") */
    const char *date_col;  /* NULL: the first column */
    const char *value_col; /* NULL: the second column */
    const char *unit;      /* for messages: "m3/s"; NULL: none */
    double min, max;       /* plausible range, inclusive, in that unit (min <= max) */
} io_daily_opts;

/*
 * Read the days from..to (inclusive, from <= to) of the series in `path`
 * into *out: out->first = from, out->n = to - from + 1. out->values is
 * returned to the caller (io_daily_free). On failure *out is empty
 * ({0, 0, NULL}).
 *
 * The rows with from <= date <= to must step by exactly one day, and a row
 * with a date in the range may not come again later. Errors, ZT_EINPUT:
 * - "<file>:<line>: column 'date': expected a date YYYY-MM-DD, got 'x'"
 *   (any row, kept or not);
 * - "<file>:<line>: column 'date': no row for 2018-01-03 (the dates jump
 *   from 2018-01-02 to 2018-01-05; one row per day)";
 * - "<file>:<line>: column 'date': 2018-01-02 a second time (one row per day)";
 * - "<file>:<line>: column 'date': 2018-01-01 after 2018-01-03 (the dates
 *   must increase day by day)";
 * - "<file>:<line>: column 'Q': no value (an empty field) on 2018-01-02";
 * - "<file>:<line>: column 'Q': expected a number, got 'x1'" and
 *   "... expected a finite number, got 'nan'";
 * - "<file>:<line>: column 'Q': 20000 m3/s on 2018-01-02 is outside the
 *   plausible range [0, 16000] m3/s of <what>";
 * - "<file>: <what> covers 2018-03-01..2025-11-23, the run needs
 *   2018-01-01..2018-12-31" (or "... has no rows, ...");
 * - "<file>:<line>: the header has 1 column; <what> needs a date and a
 *   value column" (seen at the first row: io_csv gives no header width);
 *   "<file>:<line>: the dates and the values of <what> are both in column
 *   2" (a named date column where the value column defaults);
 * - io_csv's: a missing column (naming the header's columns), a row with
 *   another number of fields, "cannot open", an empty file, not a regular
 *   file;
 * ZT_EIO on a read error; ZT_ENOMEM.
 */
zt_status io_daily_load(const char *path, const io_daily_opts *o, zt_day from, zt_day to,
                        io_daily *out, zt_err *err);

/* Free the values and empty *s; accepts NULL and an empty series. */
void io_daily_free(io_daily *s);

/* The value on day d (the file's unit); the caller guarantees that
 * s->first <= d < s->first + s->n (asserted). */
double io_daily_at(const io_daily *s, zt_day d);

#endif /* IO_DAILY_H */
