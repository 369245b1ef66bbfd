/*
 * io_districts.c: the district table, read and written (io_districts.h).
 * No physics here: the numbers feed core_district_step (docs/model.md §7).
 *
 * Reading goes through io_ini (TOML-valid INI with file:line:key errors);
 * every [district.<id>] section must give every key, and io_ini_check_unused
 * then reports anything left over (an unknown key, a misnamed section).
 * Writing uses the same checks (so a written table always loads back),
 * sorts by id, and prints each double with the shortest "%.{15,16,17}g" text
 * that strtod reads back exactly, made a TOML float (".0" added when the
 * text has neither '.' nor an exponent).
 */
#include "io_districts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_file.h"
#include "io_ini.h"

#define DIST_PREFIX "district."
#define DIST_NAME_MAX ((int)sizeof(((grid_district *)0)->name)) /* bytes, with the NUL */
#define DIST_COMMENT_WRAP 150 /* bytes of comment text per '#' line (libinih: < 198) */

/* ---- checks shared by the reader and the writer ------------------------- */

/*
 * The id of a section name "district.<id>", or 0 when the name is not one
 * (no prefix, not digits, a leading zero, 0, above INT32_MAX).
 */
static int32_t section_id(const char *sec)
{
    const char *p;
    long long id = 0;
    size_t plen = strlen(DIST_PREFIX);
    if (strncmp(sec, DIST_PREFIX, plen) != 0) {
        return 0;
    }
    p = sec + plen;
    if (*p < '1' || *p > '9') {
        return 0;
    }
    for (; *p; p++) {
        if (*p < '0' || *p > '9') {
            return 0;
        }
        id = id * 10 + (*p - '0');
        if (id > INT32_MAX) {
            return 0;
        }
    }
    return (int32_t)id;
}

/* NULL when s (a NUL-terminated name) is well-formed UTF-8 without control
 * characters, else why not. */
static const char *name_problem(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!*p) {
        return "empty name";
    }
    while (*p) {
        int len, k;
        unsigned long cp;
        if (*p < 0x20 || *p == 0x7f) {
            return "control character in the name";
        }
        if (*p < 0x80) {
            p++;
            continue;
        }
        if ((*p & 0xe0) == 0xc0) {
            len = 2;
            cp = *p & 0x1f;
        } else if ((*p & 0xf0) == 0xe0) {
            len = 3;
            cp = *p & 0x0f;
        } else if ((*p & 0xf8) == 0xf0) {
            len = 4;
            cp = *p & 0x07;
        } else {
            return "the name is not UTF-8";
        }
        for (k = 1; k < len; k++) {
            if ((p[k] & 0xc0) != 0x80) {
                return "the name is not UTF-8";
            }
            cp = (cp << 6) | (p[k] & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return "the name is not UTF-8";
        }
        p += len;
    }
    return NULL;
}

/* ---- reading ------------------------------------------------------------ */

static int cmp_district(const void *a, const void *b)
{
    int32_t x = ((const grid_district *)a)->id, y = ((const grid_district *)b)->id;
    return (x > y) - (x < y);
}

/* Read the keys of section sec into *d. */
static zt_status read_district(io_ini *ini, const char *sec, int32_t id, grid_district *d,
                               zt_err *err)
{
    const char *name = NULL, *why;
    long prov = 0;
    zt_status st;

    memset(d, 0, sizeof *d);
    d->id = id;
    st = io_ini_string(ini, sec, "name", 1, NULL, &name, err);
    if (st != ZT_OK) {
        return st;
    }
    if (strlen(name) >= (size_t)DIST_NAME_MAX) {
        return io_ini_fail(ini, sec, "name", err, "name too long: %zu bytes, at most %d",
                           strlen(name), DIST_NAME_MAX - 1);
    }
    why = name_problem(name);
    if (why) {
        return io_ini_fail(ini, sec, "name", err, "%s", why);
    }
    memcpy(d->name, name, strlen(name) + 1);
    st = io_ini_int(ini, sec, "province", 1, 0, ZT_PROV_GRONINGEN, ZT_PROV_DRENTHE, &prov, err);
    if (st != ZT_OK) {
        return st;
    }
    d->province = (uint8_t)prov;
    st = io_ini_double(ini, sec, "summer_level", 1, 0.0, IO_DIST_LEVEL_MIN, IO_DIST_LEVEL_MAX,
                       &d->summer_level, err);
    if (st != ZT_OK) {
        return st;
    }
    st = io_ini_double(ini, sec, "winter_level", 1, 0.0, IO_DIST_LEVEL_MIN, IO_DIST_LEVEL_MAX,
                       &d->winter_level, err);
    if (st != ZT_OK) {
        return st;
    }
    if (d->winter_level > d->summer_level + IO_DIST_WINTER_ABOVE) {
        return io_ini_fail(ini, sec, "winter_level", err,
                           "%g m NAP is more than %g m above the summer level %g m NAP",
                           d->winter_level, IO_DIST_WINTER_ABOVE, d->summer_level);
    }
    st = io_ini_double(ini, sec, "open_water_fraction", 1, 0.0, 0.0, 1.0, &d->ow_fraction, err);
    if (st != ZT_OK) {
        return st;
    }
    if (!(d->ow_fraction > 0.0)) {
        return io_ini_fail(ini, sec, "open_water_fraction", err,
                           "must be > 0 (a district holds ditch water)");
    }
    st = io_ini_double(ini, sec, "pump_capacity_mm_d", 1, 0.0, 0.0, IO_DIST_PUMP_MAX,
                       &d->pump_mm_d, err);
    if (st != ZT_OK) {
        return st;
    }
    st = io_ini_double(ini, sec, "flushing_m3s", 1, 0.0, 0.0, IO_DIST_FLUSH_MAX,
                       &d->flushing_m3s, err);
    if (st != ZT_OK) {
        return st;
    }
    int sup = 1;
    st = io_ini_bool(ini, sec, "supplied", 0, 1, &sup, err);
    d->unsupplied = !sup;
    if (st != ZT_OK) {
        return st;
    }
    return io_ini_double(ini, sec, "summer_tolerance_m", 0, 0.0, 0.0, IO_DIST_TOLERANCE_MAX,
                         &d->tolerance_m, err);
}

/* Add a hint on the section naming to an "unknown section" message. */
static void hint_sections(zt_err *err)
{
    size_t len;
    const char *hint = " (district sections are [district.<id>], id 1-2147483647 without "
                       "leading zeros)";
    if (!err || err->status != ZT_ECONFIG || !strstr(err->msg, "unknown section")) {
        return;
    }
    len = strlen(err->msg);
    if (len + strlen(hint) < sizeof err->msg) {
        memcpy(err->msg + len, hint, strlen(hint) + 1);
    }
}

zt_status io_districts_load(const char *path, grid_district **out, int *n, zt_err *err)
{
    io_ini *ini = NULL;
    grid_district *d = NULL;
    int nsec, i, k, nd = 0;
    zt_status st;

    *out = NULL;
    *n = 0;
    st = io_ini_load(path, &ini, err);
    if (st != ZT_OK) {
        goto done;
    }
    nsec = io_ini_nsections(ini);
    for (i = 0; i < nsec; i++) {
        if (section_id(io_ini_section(ini, i)) > 0) {
            nd++;
        }
    }
    if (nd > 0) {
        d = zt_malloc((size_t)nd * sizeof *d);
        if (!d) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory for %d districts", path, nd);
            goto done;
        }
    }
    for (i = 0, k = 0; i < nsec; i++) {
        const char *sec = io_ini_section(ini, i);
        int32_t id = section_id(sec);
        if (id > 0) {
            st = read_district(ini, sec, id, &d[k++], err);
            if (st != ZT_OK) {
                goto done;
            }
        }
    }
    st = io_ini_check_unused(ini, err);
    if (st != ZT_OK) {
        hint_sections(err);
        goto done;
    }
    if (nd == 0) {
        st = zt_fail(err, ZT_ECONFIG, "%s: no [district.<id>] section: the table is empty", path);
        goto done;
    }
    qsort(d, (size_t)nd, sizeof *d, cmp_district);
    for (i = 1; i < nd; i++) {
        if (d[i].id == d[i - 1].id) {
            char sec[64];
            snprintf(sec, sizeof sec, DIST_PREFIX "%ld", (long)d[i].id);
            st = io_ini_fail(ini, sec, "name", err, "district %ld appears twice", (long)d[i].id);
            goto done;
        }
    }
    *out = d;
    *n = nd;
    d = NULL;
done:
    zt_free(d);
    io_ini_destroy(&ini);
    return st;
}

/* ---- writing ------------------------------------------------------------ */

/* The shortest %.Ng text (N = 15..17) that reads back to x, as a TOML float. */
static void fmt_double(double x, char *buf, size_t n)
{
    int prec;
    for (prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) {
            break;
        }
    }
    if (!strpbrk(buf, ".eEn")) {
        size_t len = strlen(buf);
        if (len + 2 < n) {
            memcpy(buf + len, ".0", 3);
        }
    }
}

/* NULL when district d would load back, else why not (into buf). */
static const char *district_problem(const grid_district *d, char *buf, size_t n)
{
    const char *why;
    if (d->id <= 0) {
        return "id must be > 0";
    }
    if (!memchr(d->name, '\0', sizeof d->name)) {
        return "name not terminated within its 48 bytes";
    }
    why = name_problem(d->name);
    if (why) {
        return why;
    }
    if (d->province != ZT_PROV_GRONINGEN && d->province != ZT_PROV_FRYSLAN &&
        d->province != ZT_PROV_DRENTHE) {
        snprintf(buf, n, "province %d is not 20, 21 or 22", d->province);
        return buf;
    }
    if (!(d->summer_level >= IO_DIST_LEVEL_MIN && d->summer_level <= IO_DIST_LEVEL_MAX) ||
        !(d->winter_level >= IO_DIST_LEVEL_MIN && d->winter_level <= IO_DIST_LEVEL_MAX)) {
        snprintf(buf, n, "levels %g and %g m NAP: outside [%g, %g]", d->summer_level,
                 d->winter_level, IO_DIST_LEVEL_MIN, IO_DIST_LEVEL_MAX);
        return buf;
    }
    if (d->winter_level > d->summer_level + IO_DIST_WINTER_ABOVE) {
        snprintf(buf, n, "winter level %g m NAP more than %g m above summer %g m NAP",
                 d->winter_level, IO_DIST_WINTER_ABOVE, d->summer_level);
        return buf;
    }
    if (!(d->ow_fraction > 0.0 && d->ow_fraction <= 1.0)) {
        snprintf(buf, n, "open_water_fraction %g: outside (0, 1]", d->ow_fraction);
        return buf;
    }
    if (!(d->pump_mm_d >= 0.0 && d->pump_mm_d <= IO_DIST_PUMP_MAX)) {
        snprintf(buf, n, "pump_capacity_mm_d %g: outside [0, %g]", d->pump_mm_d,
                 IO_DIST_PUMP_MAX);
        return buf;
    }
    if (!(d->flushing_m3s >= 0.0 && d->flushing_m3s <= IO_DIST_FLUSH_MAX)) {
        snprintf(buf, n, "flushing_m3s %g: outside [0, %g]", d->flushing_m3s, IO_DIST_FLUSH_MAX);
        return buf;
    }
    if (!(d->tolerance_m >= 0.0 && d->tolerance_m <= IO_DIST_TOLERANCE_MAX)) {
        snprintf(buf, n, "summer_tolerance_m %g: outside [0, %g]", d->tolerance_m,
                 IO_DIST_TOLERANCE_MAX);
        return buf;
    }
    return NULL;
}

/* Length (1-4) of the UTF-8 character at p, or 0 when it is not one. */
static int utf8_len(const unsigned char *p)
{
    char one[5] = {0};
    int len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3
                              : (*p & 0xf8) == 0xf0                        ? 4
                                                                           : 0;
    int k;
    if (len <= 1) {
        return len;
    }
    for (k = 0; k < len; k++) {
        if (!p[k]) {
            return 0;
        }
        one[k] = (char)p[k];
    }
    return name_problem(one) ? 0 : len;
}

/* The comment as '#' lines: split at newlines, wrapped, cleaned for TOML. */
static void write_comment(FILE *f, const char *comment)
{
    const unsigned char *p = (const unsigned char *)comment;
    int col = -1; /* -1: no line open */
    while (*p) {
        int len;
        if (*p == '\n') {
            fputs(col < 0 ? "#\n" : "\n", f);
            col = -1;
            p++;
            continue;
        }
        if (col < 0) {
            fputs("# ", f);
            col = 0;
        } else if (col >= DIST_COMMENT_WRAP) {
            fputs("\n# ", f);
            col = 0;
        }
        len = utf8_len(p);
        if (len == 1 && ((*p < 0x20 && *p != '\t') || *p == 0x7f)) {
            len = 0;
        }
        if (len == 0) {
            fputc('?', f);
            p++;
            col++;
            continue;
        }
        fwrite(p, 1, (size_t)len, f);
        p += len;
        col += len;
    }
    if (col >= 0) {
        fputc('\n', f);
    }
}

/* name as a TOML basic string (d was checked: no control characters). */
static void write_name(FILE *f, const char *name)
{
    fputc('"', f);
    for (; *name; name++) {
        if (*name == '"' || *name == '\\') {
            fputc('\\', f);
        }
        fputc(*name, f);
    }
    fputc('"', f);
}

/* Sort key of the writer: an id and where it is in the caller's array. */
typedef struct dist_order {
    int32_t id;
    int at;
} dist_order;

static int cmp_order(const void *a, const void *b)
{
    int32_t x = ((const dist_order *)a)->id, y = ((const dist_order *)b)->id;
    return (x > y) - (x < y);
}

zt_status io_districts_write(const char *path, const grid_district *d, int n,
                             const char *comment, zt_err *err)
{
    dist_order *ord = NULL;
    FILE *f = NULL;
    char why[200], num[40];
    const char *bad;
    int i, ok = 0;
    zt_status st = ZT_OK;

    if (n < 1) {
        st = zt_fail(err, ZT_EINPUT, "%s: no districts to write", path);
        goto done;
    }
    ord = zt_malloc((size_t)n * sizeof *ord);
    if (!ord) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory for %d districts", path, n);
        goto done;
    }
    for (i = 0; i < n; i++) {
        bad = district_problem(&d[i], why, sizeof why);
        if (bad) {
            st = zt_fail(err, ZT_EINPUT, "%s: district %ld (entry %d): %s", path, (long)d[i].id, i,
                         bad);
            goto done;
        }
        ord[i].id = d[i].id;
        ord[i].at = i;
    }
    qsort(ord, (size_t)n, sizeof *ord, cmp_order);
    for (i = 1; i < n; i++) {
        if (ord[i].id == ord[i - 1].id) {
            st = zt_fail(err, ZT_EINPUT, "%s: district %ld appears twice (entries %d and %d)",
                         path, (long)ord[i].id, ord[i - 1].at, ord[i].at);
            goto done;
        }
    }

    st = io_text_open(path, &f, err);
    if (st != ZT_OK) {
        goto done;
    }
    if (comment && comment[0]) {
        write_comment(f, comment);
    }
    fputs("# zoet district table: one [district.<id>] section per district (peilgebied);\n"
          "# levels in m NAP, the open-water fraction of the land area, the pumping capacity\n"
          "# in mm/d over the district's area, flushing in m3/s in summer, whether the\n"
          "# district lies in a supply area (docs/model.md §7).\n",
          f);
    for (i = 0; i < n; i++) {
        const grid_district *x = &d[ord[i].at];
        fprintf(f, "\n[" DIST_PREFIX "%ld]\nname = ", (long)x->id);
        write_name(f, x->name);
        fprintf(f, "\nprovince = %d\n", x->province);
        fmt_double(x->summer_level, num, sizeof num);
        fprintf(f, "summer_level = %s  # m NAP\n", num);
        fmt_double(x->winter_level, num, sizeof num);
        fprintf(f, "winter_level = %s  # m NAP\n", num);
        fmt_double(x->ow_fraction, num, sizeof num);
        fprintf(f, "open_water_fraction = %s  # -\n", num);
        fmt_double(x->pump_mm_d, num, sizeof num);
        fprintf(f, "pump_capacity_mm_d = %s  # mm/d\n", num);
        fmt_double(x->flushing_m3s, num, sizeof num);
        fprintf(f, "flushing_m3s = %s  # m3/s\n", num);
        fprintf(f, "supplied = %s\n", x->unsupplied ? "false" : "true");
        fmt_double(x->tolerance_m, num, sizeof num);
        fprintf(f, "summer_tolerance_m = %s  # m\n", num);
    }
    ok = 1;
    st = io_text_close(f, path, ok, err);
    f = NULL;
done:
    if (f) {
        io_text_close(f, path, 0, NULL);
    }
    zt_free(ord);
    return st;
}

int io_districts_find(const grid_district *d, int n, int32_t id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (d[mid].id == id) {
            return mid;
        }
        if (d[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return -1;
}

void io_district_params(const grid_district *d, double area_m2, core_district_params *out)
{
    memset(out, 0, sizeof *out);
    out->aow = d->ow_fraction * area_m2;           /* m2 */
    out->pump_cap = d->pump_mm_d * 1e-3 * area_m2; /* m3/d */
}

int io_district_is_summer(int month)
{
    return month >= 4 && month <= 9;
}

double io_district_target(const grid_district *d, int month)
{
    return io_district_is_summer(month) ? d->summer_level : d->winter_level;
}
