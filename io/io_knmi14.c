/*
 * io_knmi14.c: the KNMI'14 delta files (io_knmi14.h).
 */
#include "io_knmi14.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io_csv.h"
#include "io_file.h"

#define K14_MAXCOL 12
#define K14_LINE 512

static const char *const mon_names[12] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

/* Split a line at whitespace into at most K14_MAXCOL fields; their number. */
static int split(char *line, char *f[K14_MAXCOL])
{
    int n = 0;
    for (char *t = strtok(line, " \t\r\n"); t && n < K14_MAXCOL; t = strtok(NULL, " \t\r\n")) {
        f[n++] = t;
    }
    return n;
}

/* The month 1-12 of a field ("7" or "JUL"), or 0. */
static int month_of(const char *s)
{
    char *end;
    long m = strtol(s, &end, 10);
    if (*end == '\0' && end != s) {
        return m >= 1 && m <= 12 ? (int)m : 0;
    }
    for (int i = 0; i < 12; i++) {
        if (strcasecmp(s, mon_names[i]) == 0) {
            return i + 1;
        }
    }
    return 0;
}

/* One delta file: the values of the wanted columns per month, for rows whose
 * column "regio" is region (when region is not NULL). */
typedef struct k14_file {
    const char *path;
    const char *region;
    int ncol;
    const char *cols[7];
    double v[12][7];
} k14_file;

static zt_status num(const k14_file *kf, int line, const char *col, const char *s, double *out,
                     zt_err *err)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    if (*end != '\0' || end == s || errno == ERANGE || !isfinite(*out) || fabs(*out) > 1000.0) {
        return zt_fail(err, ZT_EINPUT, "%s:%d: column %s: expected a change (%%, or degC), got '%s'",
                       kf->path, line, col, s);
    }
    return ZT_OK;
}

/* The header's index of each wanted column, of maand and of regio. */
static zt_status header(const k14_file *kf, char **f, int nf, int idx[7], int *im, int *ir,
                        zt_err *err)
{
    *im = *ir = -1;
    for (int i = 0; i < nf; i++) {
        if (strcmp(f[i], "maand") == 0) {
            *im = i;
        } else if (strcmp(f[i], "regio") == 0) {
            *ir = i;
        }
    }
    if (*im < 0 || (kf->region && *ir < 0)) {
        return zt_fail(err, ZT_EINPUT, "%s:1: the header has no column '%s'", kf->path,
                       *im < 0 ? "maand" : "regio");
    }
    for (int c = 0; c < kf->ncol; c++) {
        idx[c] = -1;
        for (int i = 0; i < nf; i++) {
            if (strcmp(f[i], kf->cols[c]) == 0) {
                idx[c] = i;
            }
        }
        if (idx[c] < 0) {
            return zt_fail(err, ZT_EINPUT, "%s:1: the header has no column '%s'", kf->path,
                           kf->cols[c]);
        }
    }
    return ZT_OK;
}

static zt_status read_rows(k14_file *kf, FILE *fp, zt_err *err)
{
    char line[K14_LINE], *f[K14_MAXCOL];
    int idx[7], im = -1, ir = -1, ln = 0, seen[12] = {0}, regions = 0;
    zt_status st = ZT_OK;
    while (st == ZT_OK && fgets(line, sizeof line, fp)) {
        ln++;
        const int nf = split(line, f);
        if (nf == 0) {
            continue;
        }
        if (im < 0) {
            st = header(kf, f, nf, idx, &im, &ir, err);
            continue;
        }
        if (kf->region && (ir >= nf || strcmp(f[ir], kf->region) != 0)) {
            continue;
        }
        regions++;
        const int m = im < nf ? month_of(f[im]) : 0;
        if (m == 0) {
            return zt_fail(err, ZT_EINPUT, "%s:%d: column maand: expected a month 1-12 or JAN-DEC",
                           kf->path, ln);
        }
        for (int c = 0; c < kf->ncol && st == ZT_OK; c++) {
            if (idx[c] >= nf) {
                return zt_fail(err, ZT_EINPUT, "%s:%d: %d fields, no column %s", kf->path, ln, nf,
                               kf->cols[c]);
            }
            st = num(kf, ln, kf->cols[c], f[idx[c]], &kf->v[m - 1][c], err);
        }
        seen[m - 1] = 1;
    }
    if (st != ZT_OK) {
        return st;
    }
    if (im < 0) {
        return zt_fail(err, ZT_EINPUT, "%s: empty (no header line)", kf->path);
    }
    if (kf->region && regions == 0) {
        return zt_fail(err, ZT_EINPUT, "%s: no rows of region %s", kf->path, kf->region);
    }
    for (int m = 0; m < 12; m++) {
        if (!seen[m]) {
            return zt_fail(err, ZT_EINPUT, "%s: no row for month %d%s%s", kf->path, m + 1,
                           kf->region ? " of region " : "", kf->region ? kf->region : "");
        }
    }
    return ZT_OK;
}

static zt_status read_file(const char *dir, const char *var, const char *sc, const char *h,
                           k14_file *kf, zt_err *err)
{
    char name[128], path[4096];
    snprintf(name, sizeof name, "deltas-KNMI14__%-4s_%s__%s.txt", var, sc[0] ? sc : "__", h);
    for (char *c = name + 15; c < name + 19; c++) {
        *c = *c == ' ' ? '_' : *c;
    }
    io_path_join(dir, name, path, sizeof path);
    kf->path = path;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        return zt_fail(err, ZT_EINPUT, "%s: cannot open the KNMI'14 deltas (%s)", path,
                       strerror(errno));
    }
    zt_status st = read_rows(kf, fp, err);
    fclose(fp);
    kf->path = NULL; /* it pointed into this frame */
    return st;
}

static int one_of(const char *s, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(s, *list) == 0) {
            return 1;
        }
    }
    return 0;
}

zt_status io_k14_read(const char *dir, const char *sc, const char *horizon, const char *region,
                      const char *p99, io_k14_deltas *out, zt_err *err)
{
    static const char *const scs[] = {"GL", "GH", "WL", "WH", NULL};
    static const char *const hs[] = {"2050", "2085", NULL};
    static const char *const p99s[] = {"lower", "centr", "upper", NULL};
    static const char *const tvars[3] = {"tg", "tn", "tx"};
    char p99col[32];
    zt_status st;
    sc = sc ? sc : "";
    if (!horizon || !(strcmp(horizon, "2030") == 0 ? sc[0] == '\0' : one_of(horizon, hs) && one_of(sc, scs))) {
        return zt_fail(err, ZT_EINPUT,
                       "KNMI'14: scenario '%s' and horizon '%s': expected GL, GH, WL or WH with "
                       "2050 or 2085, or no scenario with 2030",
                       sc, horizon ? horizon : "");
    }
    if (!region || !region[0]) {
        return zt_fail(err, ZT_EINPUT, "KNMI'14: no region for the temperatures (NON, MON, ...)");
    }
    if (!p99 || !one_of(p99, p99s)) {
        return zt_fail(err, ZT_EINPUT, "KNMI'14: p99 column '%s': expected lower, centr or upper",
                       p99 ? p99 : "");
    }
    snprintf(p99col, sizeof p99col, "p99.%s", p99);
    memset(out, 0, sizeof *out);
    k14_file rr = {NULL, NULL, 3, {"wdf", "ave", p99col}, {{0}}};
    st = read_file(dir, "rr", sc, horizon, &rr, err);
    for (int m = 0; st == ZT_OK && m < 12; m++) {
        out->rr[m] = (core_k14_rr_delta){rr.v[m][0], rr.v[m][1], rr.v[m][2]};
    }
    k14_file rs = {NULL, NULL, 1, {"ave"}, {{0}}};
    if (st == ZT_OK) {
        st = read_file(dir, "rsds", sc, horizon, &rs, err);
    }
    for (int m = 0; st == ZT_OK && m < 12; m++) {
        out->rsds[m] = rs.v[m][0];
    }
    for (int t = 0; st == ZT_OK && t < 3; t++) {
        k14_file tf = {NULL, region, 5, {"P01", "P05", "P50", "P95", "P99"}, {{0}}};
        double(*dst)[5] = t == 0 ? out->tg : (t == 1 ? out->tn : out->tx);
        st = read_file(dir, tvars[t], sc, horizon, &tf, err);
        for (int m = 0; st == ZT_OK && m < 12; m++) {
            memcpy(dst[m], tf.v[m], sizeof dst[m]);
        }
    }
    return st;
}

zt_status io_k14_region(const char *dir, int stn, char region[8], int *listed, zt_err *err)
{
    char path[4096], line[K14_LINE];
    int ln = 0;
    io_path_join(dir, "stationstabel", path, sizeof path);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        return zt_fail(err, ZT_EINPUT, "%s: cannot open (%s)", path, strerror(errno));
    }
    while (fgets(line, sizeof line, fp)) {
        int s;
        char r[16];
        ln++;
        if (sscanf(line, "%d %15s", &s, r) != 2 || strlen(r) > 7) {
            fclose(fp);
            return zt_fail(err, ZT_EINPUT, "%s:%d: expected '<station> <region>'", path, ln);
        }
        if (s == stn) {
            snprintf(region, 8, "%s", r);
            fclose(fp);
            if (listed) {
                *listed = 1;
            }
            return ZT_OK;
        }
    }
    fclose(fp);
    if (listed) {
        *listed = 0;
        return ZT_OK;
    }
    return zt_fail(err, ZT_EINPUT,
                   "%s: station %d is not listed; give its KNMI'14 region with --region (NON for "
                   "Noord-Nederland)",
                   path, stn);
}

zt_status io_monthly_change(const char *path, const char *const *keys, int nkeys, double pct[12],
                            zt_err *err)
{
    const io_csv_opts co = {.trim = 1, .comments = 1};
    io_csv *c = NULL;
    int col[12], got = 0, found = 0;
    zt_status st = io_csv_open(path, "the table of monthly changes", ZT_EINPUT, &co, &c, err);
    if (st == ZT_OK) {
        st = io_csv_header(c, err);
    }
    for (int m = 0; st == ZT_OK && m < 12; m++) {
        char name[8];
        snprintf(name, sizeof name, "m%02d", m + 1);
        st = io_csv_require(c, name, &col[m], err);
    }
    if (st == ZT_OK && col[0] < nkeys) {
        st = zt_fail(err, ZT_EINPUT, "%s:%ld: expected %d key columns before m01..m12", path,
                     io_csv_header_line(c), nkeys);
    }
    while (st == ZT_OK && !found && (st = io_csv_next(c, &got, err)) == ZT_OK && got) {
        found = 1;
        for (int k = 0; k < nkeys; k++) {
            found = found && strcmp(io_csv_field(c, k), keys[k]) == 0;
        }
        for (int m = 0; found && st == ZT_OK && m < 12; m++) {
            st = io_csv_double(c, col[m], &pct[m], err);
            if (st == ZT_OK && !(pct[m] >= -100.0 && pct[m] <= 1000.0)) {
                st = io_csv_fail(c, col[m], err, "expected a change in %% within -100..1000, got %g",
                                 pct[m]);
            }
        }
    }
    if (st == ZT_OK && !found) {
        char want[128] = "";
        for (int k = 0; k < nkeys; k++) {
            size_t l = strlen(want);
            snprintf(want + l, sizeof want - l, "%s%s", k ? "," : "", keys[k]);
        }
        st = zt_fail(err, ZT_EINPUT, "%s: no row for %s (the rows it has are all there is)", path, want);
    }
    io_csv_close(&c);
    return st;
}
