/*
 * io_csv.h: one reader for the CSV files zoet reads (the chart's CSV, KNMI
 * station files and stations.csv, the IJsselmeer series, peat tables).
 *
 * RFC 4180 as zoet's writers produce it (csv_field in io_tsout.c): fields
 * separated by ',', a field in double quotes may hold ',', '"' written as
 * "" and line ends; records end in "\n" or "\r\n". Blank lines are skipped
 * (and, when asked, '#' comment lines). The reader counts physical lines, so
 * every message names the file and the line where the record starts:
 *
 *   "<file>:<line>: column '<name>': expected a number, got 'x1'"
 *
 * The reader knows nothing of what a column means: each caller checks the
 * meaning of its fields itself, with io_csv_fail() for its messages.
 *
 * Errors (status `kind` given to io_csv_open: ZT_EINPUT or ZT_ECONFIG):
 * "<file>: <what> is a FIFO ..., not a regular file" (io_input.h);
 * "<file>: cannot open <what>: <strerror>"; "<file>: empty file (no header
 * line)"; "<file>:<line>: N fields, but the header has M"; "<file>:<line>:
 * quoted field not closed"; "<file>:<line>: field N: text after the closing
 * quote"; "<file>:<line>: column 'X' not found (columns: a, b)"; ZT_EIO on a
 * read error; ZT_ENOMEM.
 */
#ifndef IO_CSV_H
#define IO_CSV_H

#include "zt.h"

typedef struct io_csv io_csv; /* opaque */

typedef struct io_csv_opts {
    int trim;           /* 1: strip blanks around fields (KNMI pads with spaces) */
    int comments;       /* 1: skip lines whose first non-blank character is '#' */
    int nocase;         /* 1: io_csv_col ignores case */
    const char *header; /* what the header is called in messages; NULL: "the header" */
} io_csv_opts;

/*
 * Open `path` (checked with io_input_check first; `what` names its role,
 * "the stations file"); no line is read yet. opts may be NULL (all 0).
 * Errors have status `kind`. *out is returned to the caller.
 */
zt_status io_csv_open(const char *path, const char *what, zt_status kind,
                      const io_csv_opts *opts, io_csv **out, zt_err *err);

/* Close; accepts NULL and *c == NULL; sets *c = NULL. */
void io_csv_close(io_csv **c);

/* Read the next record as the header ("empty file (no header line)" at the
 * end of the file). From now on every record must have as many fields. */
zt_status io_csv_header(io_csv *c, zt_err *err);

/*
 * The next record, split into fields: *got = 1, or *got = 0 at the end of
 * the file. With a header, a record of another number of fields is an error.
 */
zt_status io_csv_next(io_csv *c, int *got, zt_err *err);

/*
 * The next physical line as text, line end removed, not split (for free
 * text before the header, as in KNMI's files); *text = NULL at the end. The
 * text is borrowed until the next read. io_csv_header_at() then makes the
 * part of it from byte `skip` on the header.
 */
zt_status io_csv_next_line(io_csv *c, const char **text, zt_err *err);
zt_status io_csv_header_at(io_csv *c, size_t skip, zt_err *err);

/* The current record: number of fields, field i (borrowed), its line. */
int io_csv_nfields(const io_csv *c);
const char *io_csv_field(const io_csv *c, int i);
long io_csv_line(const io_csv *c);
long io_csv_header_line(const io_csv *c); /* the header's line; 0 before it is read */
const char *io_csv_path(const io_csv *c);

/* Index of the header column `name`, -1 when there is none. */
int io_csv_col(const io_csv *c, const char *name);

/* Like io_csv_col, but absence is an error naming the header's columns. */
zt_status io_csv_require(const io_csv *c, const char *name, int *col, zt_err *err);

/* Field `col` of the current record as a number (strtod's whole text,
 * blanks around allowed; nan and inf pass: the caller checks the range). */
zt_status io_csv_double(const io_csv *c, int col, double *out, zt_err *err);

/* Field `col` as a calendar day YYYY-MM-DD. */
zt_status io_csv_day(const io_csv *c, int col, zt_day *out, zt_err *err);

/*
 * The caller's own error about field `col` of the current record, with the
 * status given to io_csv_open: "<file>:<line>: column '<name>': <msg>"
 * (col < 0: "<file>:<line>: <msg>"). Returns that status.
 */
zt_status io_csv_fail(const io_csv *c, int col, zt_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* IO_CSV_H */
