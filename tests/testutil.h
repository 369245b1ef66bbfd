/*
 * testutil.h: helpers shared by the test suites.
 */
#ifndef ZT_TESTUTIL_H
#define ZT_TESTUTIL_H

#include <stddef.h>

#include "zt.h"

/* The zoet program under test: $ZT_ZOET, else "./zoet". Borrowed string. */
const char *tu_zoet(void);

/*
 * A fresh empty folder under out/tests/ named after `tag` (removed first if it
 * exists); the path is written to buf (size n). Returns buf.
 */
char *tu_tmpdir(const char *tag, char *buf, size_t n);

/*
 * Run a shell command line; capture its standard error (up to n-1 bytes,
 * NUL-terminated) into err when err is not NULL, and its standard output into
 * out likewise. Returns the exit status (0-255), or -1 when it could not run.
 */
int tu_run(const char *cmdline, char *out, size_t nout, char *err, size_t nerr);

/* 1 when the file exists, else 0. */
int tu_exists(const char *path);

/* Write text to a file (creating or truncating it); returns 0 on success. */
int tu_write(const char *path, const char *text);

/* Read a whole file into a new buffer (caller frees); NULL on failure. */
char *tu_slurp(const char *path, size_t *len);

/* Number of lines in a NUL-terminated text (a last line without \n counts). */
int tu_count_lines(const char *text);

/* Compare two files byte by byte: 0 when identical, 1 when not, -1 on error. */
int tu_cmp_files(const char *a, const char *b);

/*
 * The value of column `name` in a CSV data line, given the header line (both
 * NUL-terminated, without line ends). Returns 0 and sets *out, or -1 when the
 * column is not there.
 */
int tu_csv_value(const char *header, const char *line, const char *name, double *out);

/*
 * The value of column `name` on the first data line of a whole CSV text
 * (header on its first line) that starts with the field `row`. Returns 0
 * and sets *out, or -1 when there is no such row or column.
 */
int tu_csv_row_value(const char *text, const char *row, const char *name, double *out);

/*
 * Read a balance.csv and return the number of days; *max_rel gets the largest
 * value of its relative_error column. -1 when the file or column is missing.
 */
int tu_balance_days(const char *path, double *max_rel);

/* Assert (check) that a call failed with status want and a message that
 * holds a (and b, when not NULL). */
void tu_expect_fail(zt_status got, const zt_err *err, zt_status want, const char *a,
                    const char *b);

#endif
