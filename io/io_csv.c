/*
 * io_csv.c: the CSV reader of io_csv.h (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180).
 *
 * A record is assembled from physical lines (read with getline, so no line
 * is too long) until its quotes are balanced, then split in place: quoted
 * fields lose their quotes and "" becomes '"'. The record keeps the number
 * of the line it starts on, for messages.
 */
#include "io_csv.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io_input.h"

/* Fields of a split record: pointers into a buffer. */
typedef struct csv_rec {
    char *buf;   /* the record's text, split in place (owned) */
    size_t cap;  /* bytes allocated for buf */
    char **f;    /* field starts (owned array; strings in buf) */
    int n, capf; /* fields, and room for them */
    long line;   /* line where the record starts (1-based) */
} csv_rec;

struct io_csv {
    FILE *fp;
    char *path;     /* owned copy */
    zt_status kind; /* status of errors about the content */
    io_csv_opts o;
    char *phys;     /* the last physical line (from getline: malloc's) */
    size_t physcap;
    long lineno;    /* physical lines read */
    csv_rec cur;    /* the current record */
    csv_rec hdr;    /* the header (n == 0: none) */
};

static zt_status nomem(const io_csv *c, zt_err *err)
{
    return zt_fail(err, ZT_ENOMEM, "%s:%ld: out of memory", c->path, c->lineno);
}

zt_status io_csv_open(const char *path, const char *what, zt_status kind,
                      const io_csv_opts *opts, io_csv **out, zt_err *err)
{
    io_csv *c;
    zt_status st;
    size_t n = strlen(path) + 1;

    *out = NULL;
    st = io_input_check(path, what, kind, err);
    if (st != ZT_OK) {
        return st;
    }
    c = zt_calloc(1, sizeof *c);
    if (!c) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    c->path = zt_malloc(n);
    if (!c->path) {
        zt_free(c);
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    memcpy(c->path, path, n);
    c->kind = kind;
    if (opts) {
        c->o = *opts;
    }
    if (!c->o.header) {
        c->o.header = "the header";
    }
    c->fp = fopen(path, "r");
    if (!c->fp) {
        st = zt_fail(err, kind, "%s: cannot open%s%s: %s", path, what ? " " : "",
                     what ? what : "", strerror(errno));
        io_csv_close(&c);
        return st;
    }
    *out = c;
    return ZT_OK;
}

static void rec_free(csv_rec *r)
{
    zt_free(r->buf);
    zt_free(r->f);
    memset(r, 0, sizeof *r);
}

void io_csv_close(io_csv **pc)
{
    io_csv *c;
    if (!pc || !*pc) {
        return;
    }
    c = *pc;
    if (c->fp) {
        fclose(c->fp);
    }
    free(c->phys); /* getline allocates with malloc */
    rec_free(&c->cur);
    rec_free(&c->hdr);
    zt_free(c->path);
    zt_free(c);
    *pc = NULL;
}

/* The next physical line into c->phys, line end removed: 1, or 0 at the
 * end of the file; -1 after a read error (reported). */
static int read_phys(io_csv *c, size_t *len, zt_err *err)
{
    ssize_t n = getline(&c->phys, &c->physcap, c->fp);
    if (n < 0) {
        if (ferror(c->fp)) {
            zt_fail(err, ZT_EIO, "%s: read error after line %ld: %s", c->path, c->lineno,
                    strerror(errno));
            return -1;
        }
        return 0;
    }
    c->lineno++;
    if (memchr(c->phys, '\0', (size_t)n)) {
        zt_fail(err, c->kind, "%s:%ld: NUL byte in the line (a binary file?)", c->path,
                c->lineno);
        return -1;
    }
    while (n > 0 && (c->phys[n - 1] == '\n' || c->phys[n - 1] == '\r')) {
        n--;
    }
    c->phys[n] = '\0';
    *len = (size_t)n;
    return 1;
}

/* The status read_phys reported (a read error, a NUL byte). */
static zt_status phys_status(const zt_err *err)
{
    return err && err->status != ZT_OK ? err->status : ZT_EIO;
}

/* Append text (n bytes) to the record's buffer at *used; 0, or -1. */
static int rec_append(csv_rec *r, size_t *used, const char *text, size_t n)
{
    if (*used + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 256;
        char *nb;
        while (cap < *used + n + 1) {
            cap *= 2;
        }
        nb = zt_realloc(r->buf, cap);
        if (!nb) {
            return -1;
        }
        r->buf = nb;
        r->cap = cap;
    }
    memcpy(r->buf + *used, text, n);
    *used += n;
    r->buf[*used] = '\0';
    return 0;
}

/* 1 when the quotes in s leave a quoted field open at its end. */
static int quote_open(const char *s, int open)
{
    for (; *s; s++) {
        if (*s == '"') {
            open = !open; /* "" inside quotes toggles twice */
        }
    }
    return open;
}

static int is_blank(int ch)
{
    return ch == ' ' || ch == '\t';
}

/* Split r->buf into fields in place. */
static zt_status rec_split(io_csv *c, csv_rec *r, zt_err *err)
{
    char *p = r->buf;
    r->n = 0;
    for (;;) {
        char *out, *start;
        if (r->n == r->capf) {
            int capf = r->capf ? 2 * r->capf : 16;
            char **nf = zt_realloc(r->f, (size_t)capf * sizeof *nf);
            if (!nf) {
                return nomem(c, err);
            }
            r->f = nf;
            r->capf = capf;
        }
        if (c->o.trim) {
            while (is_blank((unsigned char)*p)) {
                p++;
            }
        }
        out = start = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0') {
                    /* rec_read balanced the quotes: not reached */
                    return zt_fail(err, c->kind, "%s:%ld: quoted field not closed", c->path,
                                   r->line);
                }
                if (*p == '"') {
                    if (p[1] == '"') {
                        *out++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *out++ = *p++;
            }
            while (is_blank((unsigned char)*p)) {
                p++;
            }
            if (*p != '\0' && *p != ',') {
                return zt_fail(err, c->kind, "%s:%ld: field %d: text after the closing quote",
                               c->path, r->line, r->n + 1);
            }
        } else {
            while (*p && *p != ',') {
                *out++ = *p++;
            }
            if (c->o.trim) {
                while (out > start && is_blank((unsigned char)out[-1])) {
                    out--;
                }
            }
        }
        {
            int last = *p == '\0';
            *out = '\0';
            r->f[r->n++] = start;
            if (last) {
                return ZT_OK;
            }
            p++;
        }
    }
}

/* The next record (blank and, if asked, comment lines skipped) into r:
 * *got = 1, or 0 at the end of the file. */
static zt_status rec_read(io_csv *c, csv_rec *r, int *got, zt_err *err)
{
    size_t len = 0, used = 0;
    int rc;
    const char *t;

    *got = 0;
    for (;;) {
        rc = read_phys(c, &len, err);
        if (rc <= 0) {
            return rc < 0 ? phys_status(err) : ZT_OK;
        }
        t = c->phys;
        while (is_blank((unsigned char)*t)) {
            t++;
        }
        if (*t == '\0' || (c->o.comments && *t == '#')) {
            continue;
        }
        break;
    }
    r->line = c->lineno;
    if (rec_append(r, &used, c->phys, len) != 0) {
        return nomem(c, err);
    }
    /* a quoted field may hold line ends: join lines until it closes */
    while (quote_open(r->buf, 0)) {
        rc = read_phys(c, &len, err);
        if (rc < 0) {
            return phys_status(err);
        }
        if (rc == 0) {
            return zt_fail(err, c->kind,
                           "%s:%ld: quoted field not closed (a '\"' is missing before the end "
                           "of the file)",
                           c->path, r->line);
        }
        if (rec_append(r, &used, "\n", 1) != 0 || rec_append(r, &used, c->phys, len) != 0) {
            return nomem(c, err);
        }
    }
    *got = 1;
    return rec_split(c, r, err);
}

zt_status io_csv_header(io_csv *c, zt_err *err)
{
    int got = 0;
    zt_status st = rec_read(c, &c->hdr, &got, err);
    if (st != ZT_OK) {
        return st;
    }
    if (!got) {
        return zt_fail(err, c->kind, "%s: empty file (no header line)", c->path);
    }
    return ZT_OK;
}

zt_status io_csv_next(io_csv *c, int *got, zt_err *err)
{
    zt_status st = rec_read(c, &c->cur, got, err);
    if (st != ZT_OK) {
        *got = 0;
        return st;
    }
    if (*got && c->hdr.n > 0 && c->cur.n != c->hdr.n) {
        *got = 0;
        return zt_fail(err, c->kind, "%s:%ld: %d fields, but %s has %d", c->path, c->cur.line,
                       c->cur.n, c->o.header, c->hdr.n);
    }
    return ZT_OK;
}

zt_status io_csv_next_line(io_csv *c, const char **text, zt_err *err)
{
    size_t len = 0;
    int rc = read_phys(c, &len, err);
    *text = rc > 0 ? c->phys : NULL;
    return rc < 0 ? phys_status(err) : ZT_OK;
}

zt_status io_csv_header_at(io_csv *c, size_t skip, zt_err *err)
{
    size_t used = 0, len = strlen(c->phys);
    assert(skip <= len);
    c->hdr.line = c->lineno;
    if (rec_append(&c->hdr, &used, c->phys + skip, len - skip) != 0) {
        return nomem(c, err);
    }
    if (quote_open(c->hdr.buf, 0)) {
        return zt_fail(err, c->kind, "%s:%ld: quoted field not closed", c->path, c->lineno);
    }
    return rec_split(c, &c->hdr, err);
}

int io_csv_nfields(const io_csv *c)
{
    return c->cur.n;
}

const char *io_csv_field(const io_csv *c, int i)
{
    assert(i >= 0 && i < c->cur.n);
    return c->cur.f[i];
}

long io_csv_line(const io_csv *c)
{
    return c->cur.line;
}

long io_csv_header_line(const io_csv *c)
{
    return c->hdr.line;
}

const char *io_csv_path(const io_csv *c)
{
    return c->path;
}

int io_csv_col(const io_csv *c, const char *name)
{
    int i;
    for (i = 0; i < c->hdr.n; i++) {
        if (c->o.nocase ? strcasecmp(c->hdr.f[i], name) == 0 : strcmp(c->hdr.f[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

zt_status io_csv_require(const io_csv *c, const char *name, int *col, zt_err *err)
{
    char list[512];
    size_t used = 0;
    int i;
    *col = io_csv_col(c, name);
    if (*col >= 0) {
        return ZT_OK;
    }
    list[0] = '\0';
    for (i = 0; i < c->hdr.n && used < sizeof list; i++) {
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 c->hdr.f[i]);
    }
    return zt_fail(err, c->kind, "%s:%ld: column '%s' not found (columns: %s)", c->path,
                   c->hdr.line, name, list);
}

zt_status io_csv_fail(const io_csv *c, int col, zt_err *err, const char *fmt, ...)
{
    char m[ZT_ERRMSG_MAX], name[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    if (col < 0) {
        return zt_fail(err, c->kind, "%s:%ld: %s", c->path, c->cur.line, m);
    }
    if (col < c->hdr.n) {
        snprintf(name, sizeof name, "'%s'", c->hdr.f[col]);
    } else {
        snprintf(name, sizeof name, "%d", col + 1);
    }
    return zt_fail(err, c->kind, "%s:%ld: column %s: %s", c->path, c->cur.line, name, m);
}

zt_status io_csv_double(const io_csv *c, int col, double *out, zt_err *err)
{
    const char *t = io_csv_field(c, col);
    char *end;
    /* decimal: strtod would read "0x10" as 16 (NaN and Inf stay for the
       callers that write or check them) */
    if (strpbrk(t, "xX")) {
        return io_csv_fail(c, col, err, "expected a number, got '%s' (decimal only)", t);
    }
    double v = strtod(t, &end);
    while (is_blank((unsigned char)*end)) {
        end++;
    }
    if (end == t || *end != '\0') {
        return io_csv_fail(c, col, err, "expected a number, got '%s'", t);
    }
    *out = v;
    return ZT_OK;
}

zt_status io_csv_day(const io_csv *c, int col, zt_day *out, zt_err *err)
{
    const char *t = io_csv_field(c, col);
    if (strlen(t) != 10 || zt_day_parse(t, out) != 0) {
        return io_csv_fail(c, col, err, "expected a date YYYY-MM-DD, got '%s'", t);
    }
    return ZT_OK;
}
