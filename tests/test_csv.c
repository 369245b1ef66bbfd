/*
 * test_csv.c: suite "csv", the CSV reader (io/io_csv.c).
 *
 * Quoted fields as io_tsout's csv_field writes them (a comma, a doubled
 * quote, a line end inside quotes, which moves the next record's line
 * number on), CRLF line ends, empty fields, blank and '#' lines, blanks
 * trimmed when asked, a line of 100 000 characters, free text before a
 * header (KNMI's layout). Errors, each naming file and line: a short and a
 * long row, a number and a date that are not, a missing column (with the
 * header's columns), text after a closing quote, a quote left open at the
 * end of the file, an empty file, a missing file and a folder.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_csv.h"
#include "testutil.h"
#include "zt.h"

static char dir[256];

/* Write dir/name with text; the path goes to buf. */
static const char *fixture(const char *name, const char *text, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", dir, name);
    ck_assert_msg(tu_write(buf, text) == 0, "cannot write %s", buf);
    return buf;
}

/* Open path with opts and read its header; both must succeed. */
static io_csv *open_ok(const char *path, const io_csv_opts *opts)
{
    io_csv *c = NULL;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(io_csv_open(path, "the test file", ZT_EINPUT, opts, &c, &err) == ZT_OK, "%s",
                  err.msg);
    ck_assert_msg(io_csv_header(c, &err) == ZT_OK, "%s", err.msg);
    return c;
}

/* The next record must be there, with line `line` and n fields. */
static void next_ok(io_csv *c, long line, int n)
{
    zt_err err;
    int got = -1;
    zt_err_clear(&err);
    ck_assert_msg(io_csv_next(c, &got, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(got, 1);
    ck_assert_int_eq(io_csv_line(c), line);
    ck_assert_int_eq(io_csv_nfields(c), n);
}

static void at_end(io_csv *c)
{
    zt_err err;
    int got = -1;
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_next(c, &got, &err), ZT_OK);
    ck_assert_int_eq(got, 0);
}

/* err must hold status st and the text want (after "<path>"). */
static void expect_err(const zt_err *err, zt_status st, const char *path, const char *want)
{
    char full[900];
    snprintf(full, sizeof full, "%s%s", path, want);
    ck_assert_msg(err->status == st, "status %s: %s", zt_status_name(err->status), err->msg);
    ck_assert_msg(strstr(err->msg, full), "'%s' not in: %s", full, err->msg);
}

START_TEST(quotes_crlf_empty)
{
    char path[512];
    io_csv *c;
    zt_err err;
    double v = 0;
    zt_day d = 0;
    int col = -1;

    tu_tmpdir("csv", dir, sizeof dir);
    fixture("q.csv",
            "date,\"name, with comma\",value\r\n"
            "2018-07-01,\"say \"\"hi\"\"\",1.5\r\n"
            "\r\n"
            "2018-07-02,,\r\n"
            "2018-07-03,\"two\nlines\",-2e3\r\n"
            "2018-07-04,plain,7\n",
            path, sizeof path);
    c = open_ok(path, NULL);
    ck_assert_int_eq(io_csv_header_line(c), 1);
    ck_assert_int_eq(io_csv_col(c, "name, with comma"), 1);
    ck_assert_int_eq(io_csv_col(c, "Value"), -1); /* case matters by default */
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_require(c, "value", &col, &err), ZT_OK);
    ck_assert_int_eq(col, 2);

    next_ok(c, 2, 3);
    ck_assert_str_eq(io_csv_field(c, 1), "say \"hi\"");
    ck_assert_int_eq(io_csv_double(c, 2, &v, &err), ZT_OK);
    ck_assert(v == 1.5);
    ck_assert_int_eq(io_csv_day(c, 0, &d, &err), ZT_OK);
    ck_assert_int_eq(d, zt_day_from_ymd(2018, 7, 1));

    next_ok(c, 4, 3); /* the blank line 3 skipped */
    ck_assert_str_eq(io_csv_field(c, 1), "");
    ck_assert_str_eq(io_csv_field(c, 2), "");
    /* an empty field is not a number */
    ck_assert_int_eq(io_csv_double(c, 2, &v, &err), ZT_EINPUT);
    expect_err(&err, ZT_EINPUT, path, ":4: column 'value': expected a number, got ''");

    next_ok(c, 5, 3); /* a line end inside quotes: the record spans lines 5-6 */
    ck_assert_str_eq(io_csv_field(c, 1), "two\nlines");
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_double(c, 2, &v, &err), ZT_OK);
    ck_assert(v == -2000.0);
    next_ok(c, 7, 3);
    ck_assert_str_eq(io_csv_field(c, 1), "plain");
    at_end(c);
    io_csv_close(&c);
    ck_assert_ptr_null(c);
    io_csv_close(&c); /* NULL is fine */
    io_csv_close(NULL);
}
END_TEST

START_TEST(options_and_free_text)
{
    static const io_csv_opts knmi = {1, 1, 1, "the column line"};
    char path[512];
    const char *line = NULL;
    io_csv *c = NULL;
    zt_err err;
    int got = 0;

    tu_tmpdir("csv", dir, sizeof dir);
    fixture("k.txt",
            "BRON: KNMI\n"
            "# STN,YYYYMMDD,   RH\n"
            "\n"
            "# a comment\n"
            "  270,20180701,   12\n"
            "  270,20180702,     \n"
            "  270,20180703\n",
            path, sizeof path);
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_open(path, "the KNMI file", ZT_EINPUT, &knmi, &c, &err), ZT_OK);
    ck_assert_int_eq(io_csv_next_line(c, &line, &err), ZT_OK);
    ck_assert_str_eq(line, "BRON: KNMI");
    ck_assert_int_eq(io_csv_next_line(c, &line, &err), ZT_OK);
    ck_assert_str_eq(line, "# STN,YYYYMMDD,   RH");
    ck_assert_int_eq(io_csv_header_at(c, 2, &err), ZT_OK);
    ck_assert_int_eq(io_csv_header_line(c), 2);
    ck_assert_int_eq(io_csv_col(c, "rh"), 2); /* nocase */
    next_ok(c, 5, 3);                          /* blank and '#' lines skipped */
    ck_assert_str_eq(io_csv_field(c, 0), "270");
    ck_assert_str_eq(io_csv_field(c, 2), "12");
    next_ok(c, 6, 3);
    ck_assert_str_eq(io_csv_field(c, 2), "");
    /* a short row: the header is called as the caller said */
    ck_assert_int_eq(io_csv_next(c, &got, &err), ZT_EINPUT);
    ck_assert_int_eq(got, 0);
    expect_err(&err, ZT_EINPUT, path, ":7: 2 fields, but the column line has 3");
    io_csv_close(&c);

    /* without the options, blanks and '#' are data */
    c = open_ok(path, NULL);
    ck_assert_int_eq(io_csv_header_line(c), 1);
    ck_assert_int_eq(io_csv_nfields(c), 0); /* no record yet */
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_next(c, &got, &err), ZT_EINPUT); /* "# STN,..." has 3 fields */
    expect_err(&err, ZT_EINPUT, path, ":2: 3 fields, but the header has 1");
    io_csv_close(&c);
}
END_TEST

START_TEST(long_line)
{
    enum { N = 100000 };
    char path[512];
    char *text = malloc(2 * N + 64);
    io_csv *c;
    ck_assert_ptr_nonnull(text);
    tu_tmpdir("csv", dir, sizeof dir);
    strcpy(text, "a,b\n");
    memset(text + 4, 'x', N);
    strcpy(text + 4 + N, ",\"");
    memset(text + 6 + N, 'y', N);
    strcpy(text + 6 + 2 * N, "\"\n1,2\n");
    fixture("long.csv", text, path, sizeof path);
    free(text);
    c = open_ok(path, NULL);
    next_ok(c, 2, 2);
    ck_assert_uint_eq(strlen(io_csv_field(c, 0)), N);
    ck_assert_uint_eq(strlen(io_csv_field(c, 1)), N);
    ck_assert_int_eq(io_csv_field(c, 1)[N - 1], 'y');
    next_ok(c, 3, 2);
    ck_assert_str_eq(io_csv_field(c, 1), "2");
    at_end(c);
    io_csv_close(&c);
}
END_TEST

START_TEST(hex_and_nul)
{
    /* strtod reads "0x10" as 16: refused; a NUL byte in a line (a binary
     * file) is refused with its line, not cut there */
    char path[512];
    io_csv *c = NULL;
    zt_err err;
    int got = 0;
    double v = 0;
    FILE *f;

    tu_tmpdir("csv", dir, sizeof dir);
    fixture("hex.csv", "date,value\n2018-07-01,0x10\n2018-07-02,1e3\n", path, sizeof path);
    c = open_ok(path, NULL);
    next_ok(c, 2, 2);
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_double(c, 1, &v, &err), ZT_EINPUT);
    expect_err(&err, ZT_EINPUT, path, ":2: column 'value': expected a number, got '0x10'");
    next_ok(c, 3, 2);
    ck_assert_int_eq(io_csv_double(c, 1, &v, &err), ZT_OK);
    ck_assert(v == 1000.0);
    io_csv_close(&c);

    snprintf(path, sizeof path, "%s/nul.csv", dir);
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite("date,value\n2018-07-01,1000\0junk\n", 1, 32, f);
    fclose(f);
    c = open_ok(path, NULL);
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_next(c, &got, &err), ZT_EINPUT);
    expect_err(&err, ZT_EINPUT, path, ":2: NUL byte in the line");
    io_csv_close(&c);
}
END_TEST

START_TEST(errors)
{
    char path[512];
    io_csv *c = NULL;
    zt_err err;
    int got = 0, col = 0;
    double v = 0;
    zt_day d = 0;

    tu_tmpdir("csv", dir, sizeof dir);
    /* a long row, then values that are not what they should be */
    fixture("e.csv", "date,value\n2018-07-01,1,2\n2018-02-29,x1\n", path, sizeof path);
    c = open_ok(path, NULL);
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_next(c, &got, &err), ZT_EINPUT);
    expect_err(&err, ZT_EINPUT, path, ":2: 3 fields, but the header has 2");
    zt_err_clear(&err);
    next_ok(c, 3, 2);
    ck_assert_int_eq(io_csv_day(c, 0, &d, &err), ZT_EINPUT);
    expect_err(&err, ZT_EINPUT, path,
               ":3: column 'date': expected a date YYYY-MM-DD, got '2018-02-29'");
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_double(c, 1, &v, &err), ZT_EINPUT);
    expect_err(&err, ZT_EINPUT, path, ":3: column 'value': expected a number, got 'x1'");
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_require(c, "nosuch", &col, &err), ZT_EINPUT);
    ck_assert_int_eq(col, -1);
    expect_err(&err, ZT_EINPUT, path, ":1: column 'nosuch' not found (columns: date, value)");
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_fail(c, -1, &err, "day %d", 3), ZT_EINPUT);
    expect_err(&err, ZT_EINPUT, path, ":3: day 3");
    io_csv_close(&c);

    /* text after a closing quote; a quote open at the end (status of the caller) */
    fixture("q.csv", "a,b\n\"x\"y,1\n", path, sizeof path);
    c = open_ok(path, NULL);
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_next(c, &got, &err), ZT_EINPUT);
    expect_err(&err, ZT_EINPUT, path, ":2: field 1: text after the closing quote");
    io_csv_close(&c);
    fixture("open.csv", "a,b\n1,2\n3,\"four\n5,6\n", path, sizeof path);
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_open(path, NULL, ZT_ECONFIG, NULL, &c, &err), ZT_OK);
    ck_assert_int_eq(io_csv_header(c, &err), ZT_OK);
    next_ok(c, 2, 2);
    ck_assert_int_eq(io_csv_next(c, &got, &err), ZT_ECONFIG);
    expect_err(&err, ZT_ECONFIG, path, ":3: quoted field not closed");
    io_csv_close(&c);

    /* an empty file; a file of blank lines */
    fixture("empty.csv", "", path, sizeof path);
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_open(path, NULL, ZT_EINPUT, NULL, &c, &err), ZT_OK);
    ck_assert_int_eq(io_csv_header(c, &err), ZT_EINPUT);
    expect_err(&err, ZT_EINPUT, path, ": empty file (no header line)");
    io_csv_close(&c);
    fixture("blank.csv", "\n  \r\n", path, sizeof path);
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_open(path, NULL, ZT_EINPUT, NULL, &c, &err), ZT_OK);
    ck_assert_int_eq(io_csv_header(c, &err), ZT_EINPUT);
    expect_err(&err, ZT_EINPUT, path, ": empty file");
    io_csv_close(&c);

    /* a missing file; a folder */
    snprintf(path, sizeof path, "%s/absent.csv", dir);
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_open(path, "the test file", ZT_EINPUT, NULL, &c, &err), ZT_EINPUT);
    ck_assert_ptr_null(c);
    expect_err(&err, ZT_EINPUT, path, ": cannot open the test file: No such file");
    zt_err_clear(&err);
    ck_assert_int_eq(io_csv_open(dir, "the test file", ZT_ECONFIG, NULL, &c, &err), ZT_ECONFIG);
    ck_assert_ptr_null(c);
    expect_err(&err, ZT_ECONFIG, dir, ": the test file is a folder, not a regular file");
}
END_TEST

Suite *suite_csv(void)
{
    Suite *su = suite_create("csv");
    TCase *tc = tcase_create("csv");
    tcase_add_test(tc, quotes_crlf_empty);
    tcase_add_test(tc, options_and_free_text);
    tcase_add_test(tc, long_line);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, hex_and_nul);
    suite_add_tcase(su, tc);
    return su;
}
