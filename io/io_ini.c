/*
 * io_ini.c: scenario and parameter files, read with libinih, with values
 * checked as TOML values so that every file zoet accepts is valid TOML too
 * (TOML 1.0, https://toml.io/en/v1.0.0; libinih r55,
 * https://github.com/benhoyt/inih). No physics here.
 *
 * What libinih does: it reads the file a line at a time through our
 * reader, skips blank lines, '#' and ';' comment lines and a UTF-8 BOM,
 * keeps track of the current [section], splits `name = value` at the first
 * '=' or ':' and strips the white space around both, and calls our handler
 * with section, name and value; a line that is none of these is its syntax
 * error, reported as the line number. Debian's build (r55 with run-time
 * options) lets us turn off what TOML does not have: continuation lines
 * (ini_allow_multiline) and ';' inline comments (ini_allow_inline_comments,
 * so a value reaches us whole, '#' comment included), and stop at the first
 * error. Its compile-time options stay: INI_HANDLER_LINENO 0 (the handler is
 * not told the line), INI_MAX_LINE 200 on the stack (no longer lines), and
 * INI_CALL_HANDLER_ON_NEW_SECTION 0 (a [section] with no keys is never
 * reported). r55 has no ini_parse_string_length.
 *
 * What zoet adds. The reader counts lines (the handler runs right after the
 * reader returned the line it is about, so ctx->lineno is its number), and
 * refuses what libinih would accept but TOML does not, or would get wrong:
 * lines too long for libinih's buffer (it would split them silently), NUL
 * bytes, indented lines, ';' comments, and [section] headers that are
 * malformed, repeated (TOML forbids a table twice) or followed by text
 * (libinih ignores text after ']'); it records each header with its line,
 * so that empty sections are known too. The handler checks the name as a
 * TOML bare key, refuses ':' as the separator, a key set twice and a
 * misplaced extends, and parses the value with the TOML grammar below.
 *
 * Values: "basic strings" with the TOML escapes, 'literal strings', integers
 * (with '_' between digits), floats (1.0, 1e-3, -0.5), true/false, local
 * dates 2018-01-01, and one-line arrays of these ([a, b, c], a trailing comma
 * allowed). Anything else is an error naming file:line and the key.
 *
 * extends: a file may name a parent at the root, before any section. The
 * child is parsed, then the parent (path relative to the child's folder) is
 * loaded with its own chain, then the child's keys override the parent's.
 * Cycles are found by comparing realpath()s along the chain.
 */
#include "io_ini.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_input.h"

#define INI_MAX_EXTENDS 16   /* longest extends chain (files) */
#define INI_SECTION_KEPT 49  /* libinih's INI_MAX_SECTION 50, less the NUL */

/* ---- values ------------------------------------------------------------ */

typedef enum iv_type { IV_STRING, IV_INT, IV_FLOAT, IV_BOOL, IV_DATE, IV_ARRAY } iv_type;

typedef struct ini_val {
    iv_type type;
    char *s;               /* IV_STRING: the decoded string (owned) */
    long i;                /* IV_INT */
    double d;              /* IV_FLOAT, and IV_INT as a double */
    int b;                 /* IV_BOOL */
    zt_day day;            /* IV_DATE */
    struct ini_val *items; /* IV_ARRAY: the items (owned, never arrays) */
    int nitems;
} ini_val;

typedef struct ini_entry {
    char *section; /* section name, "" for the root (owned) */
    char *key;     /* key (owned) */
    char *raw;     /* the value as written, comment stripped (owned) */
    ini_val v;
    int file;      /* index into io_ini.files */
    int line;      /* line number in that file (1-based) */
    int used;      /* 1 once a getter read it */
} ini_entry;

typedef struct ini_secrec {
    char *name; /* section name (owned) */
    int file;   /* file where the header is */
    int line;   /* line of the header */
} ini_secrec;

typedef struct ini_file {
    char *path; /* as given, or joined to the including file's folder (owned) */
    char *dir;  /* folder of path, "" when path has none (owned) */
} ini_file;

typedef struct ini_asked {
    char *section; /* owned */
    char *key;     /* owned */
} ini_asked;

/* A list of entries and section headers: one file's, or the merged set. */
typedef struct ini_layer {
    ini_entry *e;
    int n, cap;
    ini_secrec *sec;
    int nsec, capsec;
} ini_layer;

struct io_ini {
    ini_file *files;
    int nfiles, capfiles;
    ini_layer all;       /* the merged entries and every section header */
    ini_asked *asked;    /* (section, key) pairs some getter asked for */
    int nasked, capasked;
};

/* ---- small helpers ------------------------------------------------------ */

static char *dup_mem(const char *s, size_t n)
{
    char *p = zt_malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* Grow *arr (of element size sz) so that it holds at least need elements. */
static int grow(void **arr, int *cap, int need, size_t sz)
{
    void *p;
    int ncap;
    if (need <= *cap) {
        return 0;
    }
    ncap = *cap ? *cap * 2 : 8;
    while (ncap < need) {
        ncap *= 2;
    }
    p = zt_realloc(*arr, (size_t)ncap * sz);
    if (!p) {
        return -1;
    }
    *arr = p;
    *cap = ncap;
    return 0;
}

static void val_free(ini_val *v)
{
    int i;
    zt_free(v->s);
    v->s = NULL;
    for (i = 0; i < v->nitems; i++) {
        val_free(&v->items[i]);
    }
    zt_free(v->items);
    v->items = NULL;
    v->nitems = 0;
}

static void entry_free(ini_entry *e)
{
    zt_free(e->section);
    zt_free(e->key);
    zt_free(e->raw);
    val_free(&e->v);
}

static void layer_free(ini_layer *ly)
{
    int i;
    for (i = 0; i < ly->n; i++) {
        entry_free(&ly->e[i]);
    }
    for (i = 0; i < ly->nsec; i++) {
        zt_free(ly->sec[i].name);
    }
    zt_free(ly->e);
    zt_free(ly->sec);
    memset(ly, 0, sizeof *ly);
}

static int is_ws(int c)
{
    return c == ' ' || c == '\t';
}

static const char *skip_ws(const char *p)
{
    while (is_ws((unsigned char)*p)) {
        p++;
    }
    return p;
}

static int is_bare_key_char(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

static const char *file_path(const io_ini *ini, int file)
{
    return (file >= 0 && file < ini->nfiles) ? ini->files[file].path : "?";
}

/* "[section] key" or "key" for the root, into buf. */
static const char *where_key(const char *section, const char *key, char *buf, size_t n)
{
    if (section && section[0]) {
        snprintf(buf, n, "[%s] %s", section, key);
    } else {
        snprintf(buf, n, "%s", key);
    }
    return buf;
}

/* ---- value parser ------------------------------------------------------- */

/* Append the UTF-8 encoding of code point cp to out (room assumed); 0 if ok. */
static int put_utf8(unsigned long cp, char **out)
{
    char *o = *out;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return -1;
    }
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    *out = o;
    return 0;
}

/*
 * Parse a quoted string starting at *pp (at the quote). On success v is an
 * IV_STRING, *pp is past the closing quote, and 0 is returned; else msg
 * (size nmsg) says why and -1 is returned (-2: out of memory).
 */
static int parse_string(const char **pp, ini_val *v, char *msg, size_t nmsg)
{
    const char *p = *pp;
    char quote = *p;
    char *buf, *o;
    size_t len = strlen(p);

    if (strncmp(p, quote == '"' ? "\"\"\"" : "'''", 3) == 0) {
        snprintf(msg, nmsg, "multi-line strings are not supported; write the string on one line");
        return -1;
    }
    buf = zt_malloc(len + 1); /* the decoded text is never longer than the source */
    if (!buf) {
        return -2;
    }
    o = buf;
    p++;
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '\0' || c == '\n' || c == '\r') {
            snprintf(msg, nmsg, "string not closed: a %c is missing", quote);
            zt_free(buf);
            return -1;
        }
        if (c == (unsigned char)quote) {
            p++;
            break;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            snprintf(msg, nmsg, "control character 0x%02X in a string", c);
            zt_free(buf);
            return -1;
        }
        if (c == '\\' && quote == '"') {
            char e = p[1];
            p += 2;
            switch (e) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case 'n': *o++ = '\n'; break;
            case 't': *o++ = '\t'; break;
            case 'r': *o++ = '\r'; break;
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'u':
            case 'U': {
                int nd = e == 'u' ? 4 : 8, k;
                unsigned long cp = 0;
                for (k = 0; k < nd; k++) {
                    char h = p[k];
                    int dv = (h >= '0' && h <= '9')   ? h - '0'
                             : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                             : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                                      : -1;
                    if (dv < 0) {
                        snprintf(msg, nmsg, "bad \\%c escape: %d hex digits needed", e, nd);
                        zt_free(buf);
                        return -1;
                    }
                    cp = cp * 16 + (unsigned long)dv;
                }
                p += nd;
                if (cp == 0) {
                    /* a C string ends at NUL: "a\u0000b" would silently be "a" */
                    snprintf(msg, nmsg, "\\%c escape of NUL (U+0000): a NUL character is not "
                                        "allowed in a string", e);
                    zt_free(buf);
                    return -1;
                }
                /* \u is 6 source bytes for at most 3 out, \U 10 for at most 4 */
                if (put_utf8(cp, &o) != 0) {
                    snprintf(msg, nmsg, "\\%c escape is not a Unicode scalar value", e);
                    zt_free(buf);
                    return -1;
                }
                break;
            }
            default:
                snprintf(msg, nmsg,
                         "unknown escape '\\%c' in a string (TOML knows \\\" \\\\ \\n \\t \\r "
                         "\\b \\f \\uXXXX; write a backslash as \\\\)",
                         e ? e : ' ');
                zt_free(buf);
                return -1;
            }
            continue;
        }
        *o++ = (char)c;
        p++;
    }
    *o = '\0';
    v->type = IV_STRING;
    v->s = buf;
    *pp = p;
    return 0;
}

/* 1 when t (length n) is a run of digits with single '_' only between them. */
static int digits_ok(const char *t, size_t n)
{
    size_t k;
    if (n == 0 || t[0] == '_' || t[n - 1] == '_') {
        return 0;
    }
    for (k = 0; k < n; k++) {
        if (t[k] == '_') {
            if (t[k + 1] == '_') {
                return 0;
            }
        } else if (t[k] < '0' || t[k] > '9') {
            return 0;
        }
    }
    return 1;
}

/*
 * Classify a bare token (NUL-terminated): bool, date, integer or float, as
 * TOML writes them. 0 on success, -1 with msg on failure.
 */
static int parse_bare(const char *t, ini_val *v, char *msg, size_t nmsg)
{
    size_t n = strlen(t);
    const char *p = t;
    const char *ip, *fp = NULL, *ep = NULL;
    size_t ni, nf = 0, ne = 0;
    char clean[128];
    size_t k, m = 0;

    if (strcmp(t, "true") == 0 || strcmp(t, "false") == 0) {
        v->type = IV_BOOL;
        v->b = t[0] == 't';
        return 0;
    }
    /* a local date YYYY-MM-DD (dates with times are not supported) */
    if (n >= 10 && strspn(t, "0123456789") == 4 && t[4] == '-' &&
        strspn(t + 5, "0123456789") == 2 && t[7] == '-' && strspn(t + 8, "0123456789") == 2) {
        char d[11];
        if (n > 10) {
            snprintf(msg, nmsg, "'%s': date-times are not supported; give a date YYYY-MM-DD", t);
            return -1;
        }
        memcpy(d, t, 10);
        d[10] = '\0';
        if (zt_day_parse(d, &v->day) != 0) {
            snprintf(msg, nmsg, "bad date '%s': not a day of the calendar (YYYY-MM-DD)", t);
            return -1;
        }
        v->type = IV_DATE;
        return 0;
    }
    if (strspn(t, "0123456789") >= 4 && t[strspn(t, "0123456789")] == '-') {
        snprintf(msg, nmsg, "bad date '%s': expected YYYY-MM-DD", t);
        return -1;
    }
    if (strcmp(t, "inf") == 0 || strcmp(t, "+inf") == 0 || strcmp(t, "-inf") == 0 ||
        strcmp(t, "nan") == 0 || strcmp(t, "+nan") == 0 || strcmp(t, "-nan") == 0) {
        snprintf(msg, nmsg, "'%s': infinite or NaN values are not allowed", t);
        return -1;
    }
    if (!(t[0] == '+' || t[0] == '-' || t[0] == '.' || (t[0] >= '0' && t[0] <= '9'))) {
        snprintf(msg, nmsg, "unquoted text '%s': strings must be in double quotes, as TOML needs",
                 t);
        return -1;
    }
    /* number: [+-] int [. frac] [eE [+-] exp] */
    if (*p == '+' || *p == '-') {
        p++;
    }
    ip = p;
    while ((*p >= '0' && *p <= '9') || *p == '_') {
        p++;
    }
    ni = (size_t)(p - ip);
    if (*p == '.') {
        fp = ++p;
        while ((*p >= '0' && *p <= '9') || *p == '_') {
            p++;
        }
        nf = (size_t)(p - fp);
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') {
            p++;
        }
        ep = p;
        while ((*p >= '0' && *p <= '9') || *p == '_') {
            p++;
        }
        ne = (size_t)(p - ep);
    }
    if (*p != '\0' || !digits_ok(ip, ni) || (ni > 1 && ip[0] == '0') ||
        (fp && !digits_ok(fp, nf)) || (ep && !digits_ok(ep, ne)) || n >= sizeof clean) {
        snprintf(msg, nmsg, "bad number '%s'", t);
        return -1;
    }
    for (k = 0; k < n; k++) {
        if (t[k] != '_') {
            clean[m++] = t[k];
        }
    }
    clean[m] = '\0';
    errno = 0;
    if (!fp && !ep) {
        char *end;
        long i = strtol(clean, &end, 10);
        if (errno == ERANGE || *end != '\0') {
            snprintf(msg, nmsg, "integer '%s' out of range", t);
            return -1;
        }
        v->type = IV_INT;
        v->i = i;
        v->d = (double)i;
    } else {
        char *end;
        double d = strtod(clean, &end);
        if (*end != '\0' || !isfinite(d) || (errno == ERANGE && fabs(d) > 1.0)) {
            snprintf(msg, nmsg, "number '%s' out of range", t);
            return -1;
        }
        v->type = IV_FLOAT;
        v->d = d;
    }
    return 0;
}

/* A scalar (string or bare token) at *pp; in_array: ',' and ']' end tokens. */
static int parse_scalar(const char **pp, ini_val *v, char *msg, size_t nmsg)
{
    const char *p = *pp;
    const char *s = p;
    char tok[128];
    int rc;

    if (*p == '"' || *p == '\'') {
        return parse_string(pp, v, msg, nmsg);
    }
    if (*p == '[') {
        snprintf(msg, nmsg, "nested arrays are not supported");
        return -1;
    }
    if (*p == '{') {
        snprintf(msg, nmsg, "inline tables are not supported");
        return -1;
    }
    while (*p && !is_ws((unsigned char)*p) && *p != ',' && *p != ']' && *p != '#' &&
           *p != '\r' && *p != '\n') {
        p++;
    }
    if (p == s) {
        snprintf(msg, nmsg, "missing value");
        return -1;
    }
    if ((size_t)(p - s) >= sizeof tok) {
        snprintf(msg, nmsg, "value too long: '%.40s...'", s);
        return -1;
    }
    memcpy(tok, s, (size_t)(p - s));
    tok[p - s] = '\0';
    rc = parse_bare(tok, v, msg, nmsg);
    if (rc == 0) {
        *pp = p;
    }
    return rc;
}

/*
 * Parse the value text after '=' (the rest of the raw line): one value, then
 * optional white space and an optional '#' comment. On success v is filled,
 * *vlen is the length of the value as written, 0 returned; -1 with msg on a
 * bad value, -2 when out of memory.
 */
static int parse_value(const char *text, ini_val *v, size_t *vlen, char *msg, size_t nmsg)
{
    const char *p = skip_ws(text);
    const char *start = p;
    int rc;

    memset(v, 0, sizeof *v);
    if (*p == '\0' || *p == '\n' || *p == '\r' || *p == '#') {
        snprintf(msg, nmsg, "missing value");
        return -1;
    }
    if (*p == '[') {
        p++;
        int cap = 0;
        v->type = IV_ARRAY;
        for (;;) {
            ini_val item;
            p = skip_ws(p);
            if (*p == ']') {
                p++;
                break;
            }
            if (*p == '\0' || *p == '\n' || *p == '\r' || *p == '#') {
                snprintf(msg, nmsg, "array not closed on its line: a ']' is missing");
                val_free(v);
                return -1;
            }
            memset(&item, 0, sizeof item);
            rc = parse_scalar(&p, &item, msg, nmsg);
            if (rc != 0) {
                if (rc == -1) {
                    char inner[512];
                    snprintf(inner, sizeof inner, "%.500s", msg);
                    snprintf(msg, nmsg, "item %d: %s", v->nitems + 1, inner);
                }
                val_free(v);
                return rc;
            }
            if (grow((void **)&v->items, &cap, v->nitems + 1, sizeof *v->items) != 0) {
                val_free(&item);
                val_free(v);
                return -2;
            }
            v->items[v->nitems++] = item;
            p = skip_ws(p);
            if (*p == ',') {
                p++;
            } else if (*p != ']') {
                snprintf(msg, nmsg, "expected ',' or ']' after item %d", v->nitems);
                val_free(v);
                return -1;
            }
        }
    } else {
        rc = parse_scalar(&p, v, msg, nmsg);
        if (rc != 0) {
            return rc;
        }
    }
    *vlen = (size_t)(p - start);
    p = skip_ws(p);
    if (*p != '\0' && *p != '\n' && *p != '\r' && *p != '#') {
        snprintf(msg, nmsg, "unexpected text after the value: '%.40s'", p);
        val_free(v);
        return -1;
    }
    return 0;
}

/* ---- reading one file --------------------------------------------------- */

typedef struct parse_ctx {
    FILE *f;
    io_ini *ini;
    int file;           /* index of this file in ini->files */
    const char *path;   /* its path (borrowed from ini->files) */
    int lineno;         /* number of the line last read (1-based) */
    int colon;          /* 1 when that line's first '=' or ':' is a ':' */
    ini_layer ly;       /* this file's entries and headers */
    int extends;        /* index in ly.e of the extends entry, -1 if none */
    const char *cursec; /* the section of the current line ("" at the top) */
    zt_status st;       /* first failure */
    zt_err *err;
} parse_ctx;

static zt_status ctx_fail(parse_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static zt_status ctx_fail(parse_ctx *c, const char *fmt, ...)
{
    char m[ZT_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    if (c->st == ZT_OK) {
        c->st = zt_fail(c->err, ZT_ECONFIG, "%s:%d: %s", c->path, c->lineno, m);
    }
    return c->st;
}

static zt_status ctx_nomem(parse_ctx *c)
{
    if (c->st == ZT_OK) {
        c->st = zt_fail(c->err, ZT_ENOMEM, "%s:%d: out of memory", c->path, c->lineno);
    }
    return c->st;
}

/* A "[name]" header line (p at '['): check it and record it. */
static void read_header(parse_ctx *c, const char *p)
{
    const char *name = p + 1, *q;
    size_t n;
    int k;
    ini_secrec *r;

    if (p[1] == '[') {
        ctx_fail(c, "arrays of tables [[...]] are not supported");
        return;
    }
    q = strchr(name, ']');
    if (!q) {
        ctx_fail(c, "section header not closed: a ']' is missing");
        return;
    }
    n = (size_t)(q - name);
    if (n == 0) {
        ctx_fail(c, "empty section name []");
        return;
    }
    if (n > INI_SECTION_KEPT) {
        /* libinih would cut it, and its keys would land in another section */
        ctx_fail(c, "section name [%.*s] has %zu characters; libinih keeps %d", (int)n, name, n,
                 INI_SECTION_KEPT);
        return;
    }
    for (k = 0; k < (int)n; k++) {
        char ch = name[k];
        if (!(is_bare_key_char((unsigned char)ch) ||
              (ch == '.' && k > 0 && k < (int)n - 1 && name[k + 1] != '.'))) {
            ctx_fail(c, "bad section name [%.*s]: use letters, digits, '_', '-' and '.'", (int)n,
                     name);
            return;
        }
    }
    q = skip_ws(q + 1);
    if (*q != '\0' && *q != '#' && *q != '\r' && *q != '\n') {
        ctx_fail(c, "unexpected text after [%.*s]: '%.40s'", (int)n, name, q);
        return;
    }
    for (k = 0; k < c->ly.nsec; k++) {
        if (strlen(c->ly.sec[k].name) == n && strncmp(c->ly.sec[k].name, name, n) == 0) {
            ctx_fail(c, "section [%.*s] appears twice in this file (first on line %d)", (int)n,
                     name, c->ly.sec[k].line);
            return;
        }
    }
    if (grow((void **)&c->ly.sec, &c->ly.capsec, c->ly.nsec + 1, sizeof *c->ly.sec) != 0) {
        ctx_nomem(c);
        return;
    }
    r = &c->ly.sec[c->ly.nsec];
    r->name = dup_mem(name, n);
    if (!r->name) {
        ctx_nomem(c);
        return;
    }
    r->file = c->file;
    r->line = c->lineno;
    c->ly.nsec++;
    c->cursec = r->name;
}

/*
 * libinih's reader (fgets-style): one line into str (num bytes, libinih's
 * INI_MAX_LINE), counted, after the checks libinih does not make. Returns
 * NULL at the end of the file and after a failure (so libinih stops).
 */
static char *reader(char *str, int num, void *stream)
{
    parse_ctx *c = stream;
    size_t len = 0, cap = (size_t)num - 1;
    int ch = 0, eof = 0, trunc = 0;
    const char *p;

    if (c->st != ZT_OK) {
        return NULL;
    }
    for (;;) {
        ch = getc(c->f);
        if (ch == EOF) {
            eof = 1;
            break;
        }
        if (len < cap) {
            str[len++] = (char)ch;
        } else {
            trunc = 1; /* the rest of the line is not needed: we stop here */
            break;
        }
        if (ch == '\n') {
            break;
        }
    }
    if (eof && len == 0) {
        if (ferror(c->f)) {
            c->lineno++;
            c->st = zt_fail(c->err, ZT_EIO, "%s:%d: read error: %s", c->path, c->lineno,
                            strerror(errno));
        }
        return NULL;
    }
    c->lineno++;
    str[len] = '\0';
    if (memchr(str, '\0', len)) {
        ctx_fail(c, "NUL byte in the line (a binary file?)");
        return NULL;
    }
    /* the text without its line end; libinih needs room for "\r\n" and NUL */
    while (len > 0 && (str[len - 1] == '\n' || str[len - 1] == '\r')) {
        len--;
    }
    if (trunc || (int)len > num - 3) {
        /* name the key when the line starts with one */
        const char *k0 = skip_ws(str), *k1 = k0;
        char wk[300] = "";
        while (is_bare_key_char((unsigned char)*k1)) {
            k1++;
        }
        if (k1 > k0 && k1 - k0 < 128 && *skip_ws(k1) == '=') {
            char key[128];
            memcpy(key, k0, (size_t)(k1 - k0));
            key[k1 - k0] = '\0';
            where_key(c->cursec, key, wk, sizeof wk - 2);
            strcat(wk, ": ");
        }
        ctx_fail(c, "%sline longer than %d characters (libinih's limit); shorten it", wk,
                 num - 3);
        return NULL;
    }
    p = str;
    if (c->lineno == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3; /* UTF-8 byte-order mark; libinih skips it too */
    }
    if (is_ws((unsigned char)*p)) {
        const char *q = skip_ws(p);
        if (*q != '\0' && *q != '#' && *q != '\r' && *q != '\n') {
            ctx_fail(c, "indented line: in INI an indented line continues the value above, "
                        "which TOML does not allow; remove the indentation");
            return NULL;
        }
    }
    p = skip_ws(p);
    if (*p == ';') {
        ctx_fail(c, "';' comments are not TOML; start the comment with '#'");
        return NULL;
    }
    if (*p == '[') {
        read_header(c, p);
        if (c->st != ZT_OK) {
            return NULL;
        }
    }
    /* libinih splits at the first '=' or ':' and does not say which */
    c->colon = p[strcspn(p, "=:")] == ':';
    return str;
}

/*
 * libinih's handler: one `key = value` line, split by libinih into section,
 * name and value (white space stripped; inline comments are off, so the
 * value runs to the end of the line). Returns 1 to go on, 0 on error.
 */
static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    ini_entry e;
    char wk[300], msg[600];
    size_t klen = strlen(name), k, vlen = 0;
    int i, rc;

    if (c->st != ZT_OK) {
        return 0;
    }
    for (k = 0; k < klen && is_bare_key_char((unsigned char)name[k]); k++) {
    }
    if (klen == 0 || k < klen || klen >= 128) {
        ctx_fail(c, "bad key '%.60s': use letters, digits, '_' and '-' (no quotes, dots or spaces)",
                 name);
        return 0;
    }
    where_key(section, name, wk, sizeof wk);
    if (c->colon) {
        ctx_fail(c, "%s: write 'key = value' with '=' (TOML), not ':'", wk);
        return 0;
    }
    for (i = 0; i < c->ly.n; i++) {
        if (strcmp(c->ly.e[i].section, section) == 0 && strcmp(c->ly.e[i].key, name) == 0) {
            ctx_fail(c, "%s: set twice in this file (lines %d and %d)", wk, c->ly.e[i].line,
                     c->lineno);
            return 0;
        }
    }
    if (strcmp(name, "extends") == 0 && section[0] != '\0') {
        ctx_fail(c, "[%s] extends: extends is allowed only at the top, before any [section]",
                 section);
        return 0;
    }
    memset(&e, 0, sizeof e);
    rc = parse_value(value, &e.v, &vlen, msg, sizeof msg);
    if (rc == -2) {
        ctx_nomem(c);
        return 0;
    }
    if (rc != 0) {
        ctx_fail(c, "%s: %s", wk, msg);
        return 0;
    }
    if (grow((void **)&c->ly.e, &c->ly.cap, c->ly.n + 1, sizeof *c->ly.e) != 0) {
        val_free(&e.v);
        ctx_nomem(c);
        return 0;
    }
    e.section = zt_strdup(section);
    e.key = zt_strdup(name);
    e.raw = dup_mem(value, vlen);
    e.file = c->file;
    e.line = c->lineno;
    if (!e.section || !e.key || !e.raw) {
        entry_free(&e);
        ctx_nomem(c);
        return 0;
    }
    if (strcmp(name, "extends") == 0) {
        if (e.v.type != IV_STRING || e.v.s[0] == '\0') {
            entry_free(&e);
            ctx_fail(c, "extends: expected a file name in double quotes");
            return 0;
        }
        e.used = 1;
        c->extends = c->ly.n;
    }
    c->ly.e[c->ly.n++] = e;
    return 1;
}

/*
 * Parse one open file with libinih. Debian's libinih (r55 with its
 * run-time options patch) keeps its syntax options in globals; they are set
 * here for the one call and put back, so nothing else sees them. Loading a
 * configuration is single-threaded.
 */
static int parse_with_inih(parse_ctx *c)
{
    bool multiline = ini_allow_multiline, inline_comments = ini_allow_inline_comments;
    bool stop = ini_stop_on_first_error, no_value = ini_allow_no_value;
    int rc;

    ini_allow_multiline = false;       /* TOML has no continuation lines */
    ini_allow_inline_comments = false; /* ';' may be inside a TOML string; '#' is ours */
    ini_stop_on_first_error = true;    /* the first error is the one reported */
    ini_allow_no_value = false;        /* a line without '=' is a syntax error */
    rc = ini_parse_stream(reader, c, handler, c);
    ini_allow_multiline = multiline;
    ini_allow_inline_comments = inline_comments;
    ini_stop_on_first_error = stop;
    ini_allow_no_value = no_value;
    return rc;
}

/* Register a file (path as it will be shown); returns its index or -1. */
static int add_file(io_ini *ini, const char *path)
{
    ini_file *f;
    const char *slash;
    if (grow((void **)&ini->files, &ini->capfiles, ini->nfiles + 1, sizeof *ini->files) != 0) {
        return -1;
    }
    f = &ini->files[ini->nfiles];
    f->path = zt_strdup(path);
    slash = strrchr(path, '/');
    f->dir = slash ? dup_mem(path, (size_t)(slash - path + 1)) : zt_strdup("");
    if (!f->path || !f->dir) {
        zt_free(f->path);
        zt_free(f->dir);
        return -1;
    }
    return ini->nfiles++;
}

/* Merge a file's layer into the whole: its keys override earlier ones. */
static zt_status merge_layer(io_ini *ini, ini_layer *ly, const char *path, zt_err *err)
{
    int i, j;
    ini_layer *all = &ini->all;

    if (grow((void **)&all->e, &all->cap, all->n + ly->n, sizeof *all->e) != 0 ||
        grow((void **)&all->sec, &all->capsec, all->nsec + ly->nsec, sizeof *all->sec) != 0) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    for (i = 0; i < ly->n; i++) {
        ini_entry *e = &ly->e[i];
        for (j = 0; j < all->n; j++) {
            if (strcmp(all->e[j].section, e->section) == 0 && strcmp(all->e[j].key, e->key) == 0) {
                break;
            }
        }
        if (j < all->n) {
            entry_free(&all->e[j]);
            all->e[j] = *e;
        } else {
            all->e[all->n++] = *e;
        }
    }
    for (i = 0; i < ly->nsec; i++) {
        all->sec[all->nsec++] = ly->sec[i];
    }
    /* the entries and names now belong to ini->all */
    zt_free(ly->e);
    zt_free(ly->sec);
    memset(ly, 0, sizeof *ly);
    return ZT_OK;
}

/* Where an extends chain has been: real paths and shown paths. */
typedef struct chain {
    char real[INI_MAX_EXTENDS][PATH_MAX];
    const char *shown[INI_MAX_EXTENDS];
    int xline[INI_MAX_EXTENDS]; /* line of the extends in each file */
    int n;
} chain;

/*
 * Load `path` (shown as such) and its parents into ini. `from` / `from_line`
 * name the file and line of the extends that led here (NULL for the top).
 */
static zt_status load_file(io_ini *ini, const char *path, const char *from, int from_line,
                           chain *ch, zt_err *err)
{
    parse_ctx *c = NULL;
    char real[PATH_MAX];
    char *parent = NULL;
    zt_status st = ZT_OK;
    int i, rc, file;

    c = zt_calloc(1, sizeof *c);
    if (!c) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    c->extends = -1;
    c->cursec = "";
    c->err = err;
    if (io_input_kind(path)) {
        /* a FIFO would block fopen forever; a folder would read as empty */
        if (from) {
            st = zt_fail(err, ZT_ECONFIG, "%s:%d: extends: %s is %s, not a regular file", from,
                         from_line, path, io_input_kind(path));
        } else {
            st = io_input_check(path, NULL, ZT_ECONFIG, err);
        }
        goto done;
    }
    if (!realpath(path, real) || !(c->f = fopen(path, "r"))) {
        const char *why = strerror(errno);
        if (from) {
            st = zt_fail(err, ZT_ECONFIG, "%s:%d: extends: %s: cannot open: %s", from, from_line,
                         path, why);
        } else {
            st = zt_fail(err, ZT_ECONFIG, "%s: cannot open: %s", path, why);
        }
        goto done;
    }
    for (i = 0; i < ch->n; i++) {
        if (strcmp(ch->real[i], real) == 0) {
            char cyc[ZT_ERRMSG_MAX] = "";
            size_t used = 0;
            int k;
            for (k = i; k < ch->n && used < sizeof cyc; k++) {
                used += (size_t)snprintf(cyc + used, sizeof cyc - used, "%s -> ", ch->shown[k]);
            }
            if (used < sizeof cyc) {
                snprintf(cyc + used, sizeof cyc - used, "%s", path);
            }
            /* reported where the cycle starts: a.ini:1 for a -> b -> a */
            st = zt_fail(err, ZT_ECONFIG, "%s:%d: extends: cycle %s", ch->shown[i], ch->xline[i],
                         cyc);
            goto done;
        }
    }
    if (ch->n >= INI_MAX_EXTENDS) {
        st = zt_fail(err, ZT_ECONFIG, "%s:%d: extends: chain longer than %d files", from,
                     from_line, INI_MAX_EXTENDS);
        goto done;
    }
    file = add_file(ini, path);
    if (file < 0) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    memcpy(ch->real[ch->n], real, sizeof real);
    ch->shown[ch->n] = ini->files[file].path;
    ch->n++;

    c->ini = ini;
    c->file = file;
    c->path = ini->files[file].path;
    rc = parse_with_inih(c);
    if (c->st != ZT_OK) {
        st = c->st;
        goto done;
    }
    if (rc == -2) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory (libinih)", path);
        goto done;
    }
    if (rc != 0) {
        st = zt_fail(err, ZT_ECONFIG,
                     "%s:%d: syntax error (expected 'key = value', '[section]' or '# comment')",
                     path, rc);
        goto done;
    }
    fclose(c->f);
    c->f = NULL;

    if (c->extends >= 0) {
        const ini_entry *x = &c->ly.e[c->extends];
        const char *dir = ini->files[file].dir;
        size_t n = strlen(dir) + strlen(x->v.s) + 1;
        parent = zt_malloc(n);
        if (!parent) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
            goto done;
        }
        snprintf(parent, n, "%s%s", x->v.s[0] == '/' ? "" : dir, x->v.s);
        ch->xline[ch->n - 1] = x->line;
        st = load_file(ini, parent, ini->files[file].path, x->line, ch, err);
        if (st != ZT_OK) {
            goto done;
        }
    }
    st = merge_layer(ini, &c->ly, path, err);
    ch->n--;

done:
    if (c) {
        if (c->f) {
            fclose(c->f);
        }
        layer_free(&c->ly);
        zt_free(c);
    }
    zt_free(parent);
    return st;
}

/* ---- public: load and free ---------------------------------------------- */

zt_status io_ini_load(const char *path, io_ini **out, zt_err *err)
{
    io_ini *ini = NULL;
    chain *ch = NULL;
    zt_status st = ZT_OK;

    *out = NULL;
    ini = zt_calloc(1, sizeof *ini);
    ch = zt_calloc(1, sizeof *ch);
    if (!ini || !ch) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    st = load_file(ini, path, NULL, 0, ch, err);
    if (st != ZT_OK) {
        goto done;
    }
    *out = ini;
    ini = NULL;

done:
    io_ini_destroy(&ini);
    zt_free(ch);
    return st;
}

void io_ini_destroy(io_ini **pini)
{
    io_ini *ini;
    int i;
    if (!pini || !*pini) {
        return;
    }
    ini = *pini;
    layer_free(&ini->all);
    for (i = 0; i < ini->nfiles; i++) {
        zt_free(ini->files[i].path);
        zt_free(ini->files[i].dir);
    }
    zt_free(ini->files);
    for (i = 0; i < ini->nasked; i++) {
        zt_free(ini->asked[i].section);
        zt_free(ini->asked[i].key);
    }
    zt_free(ini->asked);
    zt_free(ini);
    *pini = NULL;
}

/* ---- lookups ------------------------------------------------------------- */

static const ini_secrec *header_of(const io_ini *ini, const char *section, int file);

static ini_entry *find(const io_ini *ini, const char *section, const char *key)
{
    int i;
    for (i = 0; i < ini->all.n; i++) {
        ini_entry *e = &ini->all.e[i];
        if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0) {
            return e;
        }
    }
    return NULL;
}

/* Record that section.key was asked for (so it is a known key). */
static zt_status note_asked(io_ini *ini, const char *section, const char *key, zt_err *err)
{
    int i;
    ini_asked *a;
    for (i = 0; i < ini->nasked; i++) {
        if (strcmp(ini->asked[i].section, section) == 0 && strcmp(ini->asked[i].key, key) == 0) {
            return ZT_OK;
        }
    }
    if (grow((void **)&ini->asked, &ini->capasked, ini->nasked + 1, sizeof *ini->asked) != 0) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", io_ini_file(ini));
    }
    a = &ini->asked[ini->nasked];
    a->section = zt_strdup(section);
    a->key = zt_strdup(key);
    if (!a->section || !a->key) {
        zt_free(a->section);
        zt_free(a->key);
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", io_ini_file(ini));
    }
    ini->nasked++;
    return ZT_OK;
}

/*
 * The start of every getter: note the key as known, find it, mark it used.
 * *e is NULL when absent; absence with required set is an error.
 */
static zt_status get_entry(io_ini *ini, const char *section, const char *key, int required,
                           ini_entry **e, zt_err *err)
{
    zt_status st = note_asked(ini, section, key, err);
    char wk[300];
    if (st != ZT_OK) {
        return st;
    }
    *e = find(ini, section, key);
    if (*e) {
        (*e)->used = 1;
        return ZT_OK;
    }
    if (required) {
        /* point at the section's header when there is one */
        const ini_secrec *h = header_of(ini, section, 0);
        where_key(section, key, wk, sizeof wk);
        if (h) {
            return zt_fail(err, ZT_ECONFIG, "%s:%d: %s: missing (required)",
                           file_path(ini, h->file), h->line, wk);
        }
        return zt_fail(err, ZT_ECONFIG, "%s: %s: missing (required)", io_ini_file(ini), wk);
    }
    return ZT_OK;
}

/* ZT_ECONFIG "file:line: [section] key: <msg>" about an entry. */
static zt_status entry_fail(const io_ini *ini, const ini_entry *e, zt_err *err, const char *fmt,
                            ...) __attribute__((format(printf, 4, 5)));

static zt_status entry_fail(const io_ini *ini, const ini_entry *e, zt_err *err, const char *fmt,
                            ...)
{
    char m[ZT_ERRMSG_MAX], wk[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    return zt_fail(err, ZT_ECONFIG, "%s:%d: %s: %s", file_path(ini, e->file), e->line,
                   where_key(e->section, e->key, wk, sizeof wk), m);
}

static const char *type_name(iv_type t)
{
    switch (t) {
    case IV_STRING: return "a string";
    case IV_INT: return "an integer";
    case IV_FLOAT: return "a number";
    case IV_BOOL: return "true/false";
    case IV_DATE: return "a date";
    case IV_ARRAY: return "an array";
    }
    return "?";
}

int io_ini_has(const io_ini *ini, const char *section, const char *key)
{
    return find(ini, section, key) != NULL;
}

zt_status io_ini_string(io_ini *ini, const char *section, const char *key, int required,
                        const char *def, const char **out, zt_err *err)
{
    ini_entry *e;
    zt_status st = get_entry(ini, section, key, required, &e, err);
    if (st != ZT_OK) {
        return st;
    }
    if (!e) {
        *out = def;
        return ZT_OK;
    }
    if (e->v.type != IV_STRING) {
        return entry_fail(ini, e, err, "expected a string in double quotes, got %s %s",
                          type_name(e->v.type), e->raw);
    }
    *out = e->v.s;
    return ZT_OK;
}

zt_status io_ini_path(io_ini *ini, const char *section, const char *key, int required,
                      const char *def, char **out, zt_err *err)
{
    ini_entry *e;
    const char *dir;
    char *p;
    size_t n;
    zt_status st = get_entry(ini, section, key, required, &e, err);

    *out = NULL;
    if (st != ZT_OK) {
        return st;
    }
    if (!e) {
        if (def) {
            *out = zt_strdup(def);
            if (!*out) {
                return zt_fail(err, ZT_ENOMEM, "%s: out of memory", io_ini_file(ini));
            }
        }
        return ZT_OK;
    }
    if (e->v.type != IV_STRING) {
        return entry_fail(ini, e, err, "expected a file name in double quotes, got %s %s",
                          type_name(e->v.type), e->raw);
    }
    if (e->v.s[0] == '\0') {
        return entry_fail(ini, e, err, "empty file name");
    }
    dir = e->v.s[0] == '/' ? "" : ini->files[e->file].dir;
    n = strlen(dir) + strlen(e->v.s) + 1;
    p = zt_malloc(n);
    if (!p) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", io_ini_file(ini));
    }
    snprintf(p, n, "%s%s", dir, e->v.s);
    *out = p;
    return ZT_OK;
}

/* Check a number against [min, max]; item is 0 for a scalar, else 1-based. */
static zt_status check_range(const io_ini *ini, const ini_entry *e, int item, double x,
                             double min, double max, zt_err *err)
{
    if (x >= min && x <= max) {
        return ZT_OK;
    }
    if (item > 0) {
        return entry_fail(ini, e, err, "item %d = %g is outside the allowed range [%g, %g]", item,
                          x, min, max);
    }
    return entry_fail(ini, e, err, "%g is outside the allowed range [%g, %g]", x, min, max);
}

zt_status io_ini_double(io_ini *ini, const char *section, const char *key, int required,
                        double def, double min, double max, double *out, zt_err *err)
{
    ini_entry *e;
    zt_status st = get_entry(ini, section, key, required, &e, err);
    if (st != ZT_OK) {
        return st;
    }
    if (!e) {
        *out = def;
        return ZT_OK;
    }
    if (e->v.type != IV_INT && e->v.type != IV_FLOAT) {
        return entry_fail(ini, e, err, "expected a number, got %s %s", type_name(e->v.type),
                          e->raw);
    }
    st = check_range(ini, e, 0, e->v.d, min, max, err);
    if (st == ZT_OK) {
        *out = e->v.d;
    }
    return st;
}

zt_status io_ini_int(io_ini *ini, const char *section, const char *key, int required, long def,
                     long min, long max, long *out, zt_err *err)
{
    ini_entry *e;
    zt_status st = get_entry(ini, section, key, required, &e, err);
    if (st != ZT_OK) {
        return st;
    }
    if (!e) {
        *out = def;
        return ZT_OK;
    }
    if (e->v.type != IV_INT) {
        return entry_fail(ini, e, err, "expected an integer, got %s %s", type_name(e->v.type),
                          e->raw);
    }
    if (e->v.i < min || e->v.i > max) {
        return entry_fail(ini, e, err, "%ld is outside the allowed range [%ld, %ld]", e->v.i, min,
                          max);
    }
    *out = e->v.i;
    return ZT_OK;
}

zt_status io_ini_bool(io_ini *ini, const char *section, const char *key, int required, int def,
                      int *out, zt_err *err)
{
    ini_entry *e;
    zt_status st = get_entry(ini, section, key, required, &e, err);
    if (st != ZT_OK) {
        return st;
    }
    if (!e) {
        *out = def;
        return ZT_OK;
    }
    if (e->v.type != IV_BOOL) {
        return entry_fail(ini, e, err, "expected true or false, got %s %s", type_name(e->v.type),
                          e->raw);
    }
    *out = e->v.b;
    return ZT_OK;
}

zt_status io_ini_date(io_ini *ini, const char *section, const char *key, int required,
                      zt_day def, zt_day *out, zt_err *err)
{
    ini_entry *e;
    zt_day d;
    zt_status st = get_entry(ini, section, key, required, &e, err);
    if (st != ZT_OK) {
        return st;
    }
    if (!e) {
        *out = def;
        return ZT_OK;
    }
    if (e->v.type == IV_DATE) {
        *out = e->v.day;
        return ZT_OK;
    }
    if (e->v.type == IV_STRING && strlen(e->v.s) == 10 && zt_day_parse(e->v.s, &d) == 0) {
        *out = d;
        return ZT_OK;
    }
    return entry_fail(ini, e, err, "bad date %s: expected a calendar day YYYY-MM-DD", e->raw);
}

zt_status io_ini_doubles_upto(io_ini *ini, const char *section, const char *key, int required,
                              int maxn, double min, double max, double *out, int *n, zt_err *err)
{
    ini_entry *e;
    zt_status st = get_entry(ini, section, key, required, &e, err);
    if (st != ZT_OK || !e) {
        return st;
    }
    if (e->v.type != IV_ARRAY || e->v.nitems < 1 || e->v.nitems > maxn) {
        return entry_fail(ini, e, err, "expected an array of 1 to %d numbers, got %s", maxn,
                          e->raw);
    }
    *n = e->v.nitems;
    return io_ini_doubles(ini, section, key, required, *n, min, max, out, err);
}

zt_status io_ini_doubles(io_ini *ini, const char *section, const char *key, int required,
                         int n, double min, double max, double *out, zt_err *err)
{
    ini_entry *e;
    int i;
    zt_status st = get_entry(ini, section, key, required, &e, err);
    if (st != ZT_OK || !e) {
        return st;
    }
    if (e->v.type == IV_INT || e->v.type == IV_FLOAT) {
        st = check_range(ini, e, 0, e->v.d, min, max, err);
        if (st != ZT_OK) {
            return st;
        }
        for (i = 0; i < n; i++) {
            out[i] = e->v.d;
        }
        return ZT_OK;
    }
    if (e->v.type != IV_ARRAY) {
        return entry_fail(ini, e, err, "expected an array of %d numbers, got %s %s", n,
                          type_name(e->v.type), e->raw);
    }
    if (e->v.nitems != n) {
        return entry_fail(ini, e, err, "expected an array of %d numbers, got %d", n,
                          e->v.nitems);
    }
    for (i = 0; i < n; i++) {
        const ini_val *v = &e->v.items[i];
        if (v->type != IV_INT && v->type != IV_FLOAT) {
            return entry_fail(ini, e, err, "item %d is %s, not a number", i + 1,
                              type_name(v->type));
        }
        st = check_range(ini, e, i + 1, v->d, min, max, err);
        if (st != ZT_OK) {
            return st;
        }
    }
    for (i = 0; i < n; i++) {
        out[i] = e->v.items[i].d;
    }
    return ZT_OK;
}

zt_status io_ini_strings(io_ini *ini, const char *section, const char *key, int required,
                         const char ***out, int *n, zt_err *err)
{
    ini_entry *e;
    const char **arr;
    int i;
    zt_status st = get_entry(ini, section, key, required, &e, err);

    *out = NULL;
    *n = 0;
    if (st != ZT_OK || !e) {
        return st;
    }
    if (e->v.type != IV_ARRAY) {
        return entry_fail(ini, e, err, "expected an array of strings [\"a\", \"b\"], got %s %s",
                          type_name(e->v.type), e->raw);
    }
    for (i = 0; i < e->v.nitems; i++) {
        if (e->v.items[i].type != IV_STRING) {
            return entry_fail(ini, e, err, "item %d is %s, not a string in double quotes", i + 1,
                              type_name(e->v.items[i].type));
        }
    }
    if (e->v.nitems == 0) {
        return ZT_OK;
    }
    arr = zt_malloc((size_t)e->v.nitems * sizeof *arr);
    if (!arr) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", io_ini_file(ini));
    }
    for (i = 0; i < e->v.nitems; i++) {
        arr[i] = e->v.items[i].s;
    }
    *out = arr;
    *n = e->v.nitems;
    return ZT_OK;
}

zt_status io_ini_paths(io_ini *ini, const char *section, const char *key, int required,
                       char ***out, int *n, zt_err *err)
{
    const char **items = NULL;
    char **paths = NULL;
    int k = 0;
    zt_status st = io_ini_strings(ini, section, key, required, &items, &k, err);

    *out = NULL;
    *n = 0;
    if (st != ZT_OK || k == 0) {
        return st;
    }
    /* the entry exists: io_ini_strings found it */
    const ini_entry *e = find(ini, section, key);
    paths = zt_calloc((size_t)k, sizeof *paths);
    if (!paths) {
        zt_free(items);
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", io_ini_file(ini));
    }
    for (int i = 0; i < k && st == ZT_OK; i++) {
        if (items[i][0] == '\0') {
            st = entry_fail(ini, e, err, "item %d: empty file name", i + 1);
            break;
        }
        const char *dir = items[i][0] == '/' ? "" : ini->files[e->file].dir;
        const size_t len = strlen(dir) + strlen(items[i]) + 1;
        paths[i] = zt_malloc(len);
        if (!paths[i]) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", io_ini_file(ini));
            break;
        }
        snprintf(paths[i], len, "%s%s", dir, items[i]);
    }
    zt_free(items);
    if (st != ZT_OK) {
        for (int i = 0; i < k; i++) {
            zt_free(paths[i]);
        }
        zt_free(paths);
        return st;
    }
    *out = paths;
    *n = k;
    return ZT_OK;
}

zt_status io_ini_choice(io_ini *ini, const char *section, const char *key, int required,
                        const char *const *choices, int def, int *out, zt_err *err)
{
    ini_entry *e;
    char list[512] = "";
    size_t used = 0;
    int i;
    zt_status st = get_entry(ini, section, key, required, &e, err);
    if (st != ZT_OK) {
        return st;
    }
    if (!e) {
        *out = def;
        return ZT_OK;
    }
    if (e->v.type == IV_STRING) {
        for (i = 0; choices[i]; i++) {
            if (strcmp(choices[i], e->v.s) == 0) {
                *out = i;
                return ZT_OK;
            }
        }
    }
    for (i = 0; choices[i] && used < sizeof list; i++) {
        used += (size_t)snprintf(list + used, sizeof list - used, "%s\"%s\"", i ? ", " : "",
                                 choices[i]);
    }
    return entry_fail(ini, e, err, "%s is not one of %s", e->raw, list);
}

zt_status io_ini_fail(const io_ini *ini, const char *section, const char *key, zt_err *err,
                      const char *fmt, ...)
{
    char m[ZT_ERRMSG_MAX], wk[300];
    const ini_entry *e = find(ini, section, key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    where_key(section, key, wk, sizeof wk);
    if (e) {
        return zt_fail(err, ZT_ECONFIG, "%s:%d: %s: %s", file_path(ini, e->file), e->line, wk, m);
    }
    return zt_fail(err, ZT_ECONFIG, "%s: %s: %s", io_ini_file(ini), wk, m);
}

/* ---- sections and unused keys ------------------------------------------- */

/* Index of the first header record of each distinct name, i-th such. */
static const ini_secrec *nth_section(const io_ini *ini, int want)
{
    int i, j, k = 0;
    for (i = 0; i < ini->all.nsec; i++) {
        for (j = 0; j < i; j++) {
            if (strcmp(ini->all.sec[j].name, ini->all.sec[i].name) == 0) {
                break;
            }
        }
        if (j == i) {
            if (k == want) {
                return &ini->all.sec[i];
            }
            k++;
        }
    }
    return NULL;
}

int io_ini_nsections(const io_ini *ini)
{
    int n = 0;
    while (nth_section(ini, n)) {
        n++;
    }
    return n;
}

const char *io_ini_section(const io_ini *ini, int i)
{
    const ini_secrec *r = i >= 0 ? nth_section(ini, i) : NULL;
    return r ? r->name : NULL;
}

int io_ini_has_section(const io_ini *ini, const char *section)
{
    int i;
    for (i = 0; i < ini->all.nsec; i++) {
        if (strcmp(ini->all.sec[i].name, section) == 0) {
            return 1;
        }
    }
    return 0;
}

static int section_known(const io_ini *ini, const char *section)
{
    int i;
    if (section[0] == '\0') {
        return 1;
    }
    for (i = 0; i < ini->nasked; i++) {
        if (strcmp(ini->asked[i].section, section) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The known keys of a section ("a, b, c"), or the known sections when
 * section is NULL, into buf. */
static void known_list(const io_ini *ini, const char *section, char *buf, size_t n)
{
    size_t used = 0;
    int i, j;
    buf[0] = '\0';
    for (i = 0; i < ini->nasked && used < n; i++) {
        const char *item = section ? ini->asked[i].key : ini->asked[i].section;
        if (section && strcmp(ini->asked[i].section, section) != 0) {
            continue;
        }
        if (!section) {
            if (item[0] == '\0') {
                continue;
            }
            for (j = 0; j < i; j++) {
                if (strcmp(ini->asked[j].section, item) == 0) {
                    break;
                }
            }
            if (j < i) {
                continue;
            }
        }
        used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "", item);
    }
    if (section && section[0] == '\0') {
        snprintf(buf + used, used < n ? n - used : 0, "%sextends", used ? ", " : "");
    }
}

/* The header record of a section in a given file (or any file). */
static const ini_secrec *header_of(const io_ini *ini, const char *section, int file)
{
    int i;
    const ini_secrec *any = NULL;
    for (i = 0; i < ini->all.nsec; i++) {
        if (strcmp(ini->all.sec[i].name, section) == 0) {
            if (ini->all.sec[i].file == file) {
                return &ini->all.sec[i];
            }
            if (!any) {
                any = &ini->all.sec[i];
            }
        }
    }
    return any;
}

zt_status io_ini_check_unused(const io_ini *ini, zt_err *err)
{
    char list[600];
    int i;

    for (i = 0; i < ini->all.n; i++) {
        const ini_entry *e = &ini->all.e[i];
        if (e->used) {
            continue;
        }
        if (!section_known(ini, e->section)) {
            const ini_secrec *h = header_of(ini, e->section, e->file);
            known_list(ini, NULL, list, sizeof list);
            return zt_fail(err, ZT_ECONFIG, "%s:%d: unknown section [%s] (known: %s)",
                           file_path(ini, h ? h->file : e->file), h ? h->line : e->line,
                           e->section, list);
        }
        known_list(ini, e->section, list, sizeof list);
        if (e->section[0] == '\0') {
            return zt_fail(err, ZT_ECONFIG,
                           "%s:%d: %s: unknown key at the top, before any section (known: %s)",
                           file_path(ini, e->file), e->line, e->key, list);
        }
        return zt_fail(err, ZT_ECONFIG, "%s:%d: [%s] %s: unknown key (known in [%s]: %s)",
                       file_path(ini, e->file), e->line, e->section, e->key, e->section, list);
    }
    for (i = 0; i < ini->all.nsec; i++) {
        const ini_secrec *h = &ini->all.sec[i];
        if (!section_known(ini, h->name)) {
            known_list(ini, NULL, list, sizeof list);
            return zt_fail(err, ZT_ECONFIG, "%s:%d: unknown section [%s] (known: %s)",
                           file_path(ini, h->file), h->line, h->name, list);
        }
    }
    return ZT_OK;
}

const char *io_ini_file(const io_ini *ini)
{
    return ini->nfiles > 0 ? ini->files[0].path : "?";
}

const char *io_ini_subname(const char *section, const char *prefix)
{
    const size_t len = strlen(prefix);
    return strncmp(section, prefix, len) == 0 && section[len] == '.' ? section + len + 1 : NULL;
}
