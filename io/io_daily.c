/*
 * io_daily.c: the daily-series reader of io_daily.h.
 *
 * One pass over the file. `expect` is the next day the series needs (from,
 * then one more with each kept row); a row's date is compared with it:
 * equal and within the range, the row is kept; below it after a kept row,
 * a duplicate or a step back; above it, a gap when the file was already
 * inside the range (or just before it), else the file starts too late and
 * the coverage message, which names the file's first and last dates, is
 * given at the end. Rows outside the range are not checked for order, but
 * a day of the range may not come twice, wherever the second row is.
 */
#include "io_daily.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "io_csv.h"

/* The state of one reading. */
typedef struct daily_rd {
    io_csv *csv;
    const io_daily_opts *o;
    const char *what;  /* o->what or a default */
    const char *unit;  /* o->unit or "" */
    int dcol, vcol;    /* columns of the date and the value */
    zt_day from, to;   /* the days needed */
    zt_day expect;     /* the next day needed; to + 1 once complete */
    int before;        /* 1: a row before `from` was seen, so the file reaches the range */
    int late;          /* 1: the file starts after `from` (the coverage error at the end) */
    long rows;         /* data rows read */
    zt_day first_date; /* the first and the last row's dates so far (the coverage message; */
    zt_day last_date;  /* while a row is placed, last_date is the previous row's) */
    double *v;         /* [to - from + 1] the kept values */
} daily_rd;

/* Open the file, read its header and find the two columns. */
static zt_status open_columns(daily_rd *r, const char *path, zt_err *err)
{
    static const io_csv_opts copts = {1, 1, 0, NULL}; /* trimmed, '#' lines skipped */
    const io_daily_opts *o = r->o;
    zt_status st = io_csv_open(path, r->what, ZT_EINPUT, &copts, &r->csv, err);
    if (st == ZT_OK) {
        st = io_csv_header(r->csv, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    r->dcol = 0;
    r->vcol = 1;
    if (o->date_col && (st = io_csv_require(r->csv, o->date_col, &r->dcol, err)) != ZT_OK) {
        return st;
    }
    if (o->value_col && (st = io_csv_require(r->csv, o->value_col, &r->vcol, err)) != ZT_OK) {
        return st;
    }
    if (r->dcol == r->vcol) {
        return zt_fail(err, ZT_EINPUT,
                       "%s:%ld: the dates and the values of %s are both in column %d", path,
                       io_csv_header_line(r->csv), r->what, r->dcol + 1);
    }
    return ZT_OK;
}

/*
 * A row (so the header too: io_csv makes every row as long) must reach both
 * columns; a default column may lie beyond a header of one column.
 */
static zt_status check_width(const daily_rd *r, const char *path, zt_err *err)
{
    int nf = io_csv_nfields(r->csv);
    if (r->dcol >= nf || r->vcol >= nf) {
        return zt_fail(err, ZT_EINPUT,
                       "%s:%ld: the header has %d column; %s needs a date and a value column",
                       path, io_csv_header_line(r->csv), nf, r->what);
    }
    return ZT_OK;
}

/*
 * Place the current row, of date d, against r->expect: *keep = 1 when it is
 * the next day of the range. Errors for a gap, a duplicate or a step back.
 */
static zt_status place_row(daily_rd *r, zt_day d, int *keep, zt_err *err)
{
    char a[16], b[16], c[16];
    *keep = 0;
    if (r->late) {
        return ZT_OK; /* the file starts too late: only its last date matters now */
    }
    if (d == r->expect) {
        *keep = d <= r->to;
        r->expect += *keep;
        return ZT_OK;
    }
    if (d < r->expect) {
        if (d < r->from) {
            r->before = 1; /* before the range: its order is not checked */
            return ZT_OK;
        }
        /* a day of the range already kept: after a later row, or again */
        if (r->last_date > d) {
            return io_csv_fail(r->csv, r->dcol, err,
                               "%s after %s (the dates must increase day by day)",
                               zt_day_format(d, a), zt_day_format(r->last_date, b));
        }
        return io_csv_fail(r->csv, r->dcol, err, "%s a second time (one row per day)",
                           zt_day_format(d, a));
    }
    /* d > expect */
    if (r->expect > r->to) {
        return ZT_OK; /* complete; rows after the range are not checked */
    }
    if (r->expect > r->from || r->before) {
        return io_csv_fail(r->csv, r->dcol, err,
                           "no row for %s (the dates jump from %s to %s; one row per day)",
                           zt_day_format(r->expect, a), zt_day_format(r->expect - 1, b),
                           zt_day_format(d, c));
    }
    r->late = 1;
    return ZT_OK;
}

/* The current row's value, for day d, into r->v: present, finite, plausible. */
static zt_status read_value(daily_rd *r, zt_day d, zt_err *err)
{
    const io_daily_opts *o = r->o;
    const char *text = io_csv_field(r->csv, r->vcol);
    char a[16];
    double v;
    zt_status st;
    if (text[0] == '\0') {
        return io_csv_fail(r->csv, r->vcol, err, "no value (an empty field) on %s",
                           zt_day_format(d, a));
    }
    if ((st = io_csv_double(r->csv, r->vcol, &v, err)) != ZT_OK) {
        return st;
    }
    if (!isfinite(v)) {
        return io_csv_fail(r->csv, r->vcol, err, "expected a finite number, got '%s'", text);
    }
    if (v < o->min || v > o->max) {
        return io_csv_fail(r->csv, r->vcol, err,
                           "%s%s%s on %s is outside the plausible range [%g, %g]%s%s of %s", text,
                           *r->unit ? " " : "", r->unit, zt_day_format(d, a), o->min, o->max,
                           *r->unit ? " " : "", r->unit, r->what);
    }
    r->v[d - r->from] = v;
    return ZT_OK;
}

/* Every row of the file, placed and (when kept) its value read. */
static zt_status read_rows(daily_rd *r, const char *path, zt_err *err)
{
    zt_status st;
    int got = 0, keep = 0;
    zt_day d;
    while ((st = io_csv_next(r->csv, &got, err)) == ZT_OK && got) {
        if ((r->rows == 0 && (st = check_width(r, path, err)) != ZT_OK) ||
            (st = io_csv_day(r->csv, r->dcol, &d, err)) != ZT_OK ||
            (st = place_row(r, d, &keep, err)) != ZT_OK ||
            (keep && (st = read_value(r, d, err)) != ZT_OK)) {
            return st;
        }
        if (r->rows++ == 0) {
            r->first_date = d;
        }
        r->last_date = d;
    }
    return st;
}

/* The error when the file ended before `to` (or started after `from`). */
static zt_status coverage_error(const daily_rd *r, const char *path, zt_err *err)
{
    char a[16], b[16], c[16], e[16];
    zt_day_format(r->from, c);
    zt_day_format(r->to, e);
    if (r->rows == 0) {
        return zt_fail(err, ZT_EINPUT, "%s: %s has no rows, the run needs %s..%s", path, r->what,
                       c, e);
    }
    return zt_fail(err, ZT_EINPUT, "%s: %s covers %s..%s, the run needs %s..%s", path, r->what,
                   zt_day_format(r->first_date, a), zt_day_format(r->last_date, b), c, e);
}

zt_status io_daily_load(const char *path, const io_daily_opts *o, zt_day from, zt_day to,
                        io_daily *out, zt_err *err)
{
    daily_rd r;
    zt_status st;
    assert(path && o && out);
    assert(from <= to && o->min <= o->max);
    memset(out, 0, sizeof *out);
    memset(&r, 0, sizeof r);
    r.o = o;
    r.what = o->what ? o->what : "the daily series";
    r.unit = o->unit ? o->unit : "";
    r.from = from;
    r.to = to;
    r.expect = from;
    r.v = zt_malloc((size_t)(to - from + 1) * sizeof *r.v);
    if (!r.v) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory for %ld days of %s", path,
                       (long)(to - from + 1), r.what);
    }
    st = open_columns(&r, path, err);
    if (st == ZT_OK) {
        st = read_rows(&r, path, err);
    }
    if (st == ZT_OK && r.expect <= to) {
        st = coverage_error(&r, path, err);
    }
    io_csv_close(&r.csv);
    if (st != ZT_OK) {
        zt_free(r.v);
        return st;
    }
    out->first = from;
    out->n = (int)(to - from + 1);
    out->values = r.v;
    return ZT_OK;
}

void io_daily_free(io_daily *s)
{
    if (!s) {
        return;
    }
    zt_free(s->values);
    memset(s, 0, sizeof *s);
}

double io_daily_at(const io_daily *s, zt_day d)
{
    assert(s && s->values && d >= s->first && d - s->first < s->n);
    return s->values[d - s->first];
}
