/*
 * io_picture.c: quicklook charts, an SVG line chart of district series
 * (contract in io_picture.h, use in docs/pictures.md); the maps are in
 * io_map.c.
 *
 * Chart. Values are mapped linearly to the plot area; y ticks are "nice"
 * numbers 1, 2 or 5 x 10^k (Heckbert, "Nice numbers for graph labels",
 * Graphics Gems, 1990); x ticks on the first day of each month (every third
 * month labelled beyond two years; dekads 1, 11, 21 when the series spans
 * less than two month starts). Line colours are the Okabe-Ito palette
 * (Okabe and Ito 2008, "Color Universal Design"), safe for colour-vision
 * deficiency.
 */
#include "io_picture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io_csv.h"
#include "io_file.h"

/* Write text with the XML special characters escaped. */
static void xml_put(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&apos;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static zt_status check_out_path(const char *path, const char *what, zt_err *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        return zt_fail(err, ZT_EUSAGE, "%s: -o names a folder; give the %s's file name", path,
                       what);
    }
    return ZT_OK;
}

/* ---- CSV ------------------------------------------------------------------- */

/* The series selected from the CSV. */
typedef struct series {
    zt_idx n, cap;
    int ncols;
    zt_day *day;  /* date of row r */
    double *val;  /* val[r * ncols + c] (units of the CSV) */
} series;

static zt_status series_push(series *s, zt_day d, const double *v)
{
    if (s->n == s->cap) {
        zt_idx cap = s->cap ? 2 * s->cap : 256;
        zt_day *nd = zt_realloc(s->day, (size_t)cap * sizeof *nd);
        double *nv;
        if (!nd) {
            return ZT_ENOMEM;
        }
        s->day = nd;
        nv = zt_realloc(s->val, (size_t)cap * (size_t)s->ncols * sizeof *nv);
        if (!nv) {
            return ZT_ENOMEM;
        }
        s->val = nv;
        s->cap = cap;
    }
    s->day[s->n] = d;
    memcpy(s->val + s->n * s->ncols, v, (size_t)s->ncols * sizeof *v);
    s->n++;
    return ZT_OK;
}

/* Read the rows of the key from the CSV into s (ncols values per row). */
static zt_status read_series(const char *path, const char *key_col, const char *key,
                             const char *const *cols, int ncols, series *s, zt_err *err)
{
    io_csv *csv = NULL;
    int *ci = NULL, idate, ikey, c, got = 0;
    double *v = NULL;
    zt_status st;

    st = io_csv_open(path, "the chart's CSV file", ZT_EINPUT, NULL, &csv, err);
    if (st == ZT_OK) {
        st = io_csv_header(csv, err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    ci = zt_malloc((size_t)ncols * sizeof *ci);
    v = zt_malloc((size_t)ncols * sizeof *v);
    if (!ci || !v) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    if ((st = io_csv_require(csv, "date", &idate, err)) != ZT_OK ||
        (st = io_csv_require(csv, key_col, &ikey, err)) != ZT_OK) {
        goto done;
    }
    for (c = 0; c < ncols; c++) {
        if ((st = io_csv_require(csv, cols[c], &ci[c], err)) != ZT_OK) {
            goto done;
        }
    }
    while ((st = io_csv_next(csv, &got, err)) == ZT_OK && got) {
        zt_day d;
        if (strcmp(io_csv_field(csv, ikey), key) != 0) {
            continue;
        }
        if ((st = io_csv_day(csv, idate, &d, err)) != ZT_OK) {
            goto done;
        }
        for (c = 0; c < ncols; c++) {
            if (io_csv_field(csv, ci[c])[0] == '\0') {
                v[c] = NAN; /* an empty field: no value that day */
            } else if ((st = io_csv_double(csv, ci[c], &v[c], err)) != ZT_OK) {
                goto done;
            }
        }
        if (series_push(s, d, v) != ZT_OK) {
            st = zt_fail(err, ZT_ENOMEM, "%s:%ld: out of memory", path, io_csv_line(csv));
            goto done;
        }
    }
    if (st != ZT_OK) {
        goto done;
    }
    if (s->n == 0) {
        st = zt_fail(err, ZT_EINPUT, "%s: no rows with %s = '%s'", path, key_col, key);
        goto done;
    }
done:
    io_csv_close(&csv);
    zt_free(ci);
    zt_free(v);
    return st;
}

/* Sort the rows by date (stable for equal dates: insertion order kept). */
static zt_status series_sort(series *s)
{
    zt_idx r, q;
    int sorted = 1;
    for (r = 1; r < s->n; r++) {
        if (s->day[r] < s->day[r - 1]) {
            sorted = 0;
            break;
        }
    }
    if (sorted) {
        return ZT_OK;
    }
    {
        /* Insertion sort on a copy of the values: series are short (days). */
        double *tmp = zt_malloc((size_t)s->ncols * sizeof *tmp);
        if (!tmp) {
            return ZT_ENOMEM;
        }
        for (r = 1; r < s->n; r++) {
            zt_day d = s->day[r];
            memcpy(tmp, s->val + r * s->ncols, (size_t)s->ncols * sizeof *tmp);
            for (q = r; q > 0 && s->day[q - 1] > d; q--) {
                s->day[q] = s->day[q - 1];
                memcpy(s->val + q * s->ncols, s->val + (q - 1) * s->ncols,
                       (size_t)s->ncols * sizeof *tmp);
            }
            s->day[q] = d;
            memcpy(s->val + q * s->ncols, tmp, (size_t)s->ncols * sizeof *tmp);
        }
        zt_free(tmp);
    }
    return ZT_OK;
}

/* ---- SVG chart ------------------------------------------------------------- */

/* Picture and plot area (SVG user units = pixels). */
#define SVG_W 960.0
#define SVG_H 540.0
#define PLOT_L 90.0
#define PLOT_R 760.0
#define PLOT_T 60.0
#define PLOT_B 470.0

/* Okabe-Ito colours, most distinct first; the yellow comes last. */
static const char *const line_colours[] = {"#0072B2", "#D55E00", "#009E73", "#E69F00",
                                           "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
#define NLINE_COLOURS ((int)(sizeof line_colours / sizeof line_colours[0]))

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

double io_nice_num(double x, int round_it)
{
    double e = floor(log10(x)), f = x / pow(10.0, e), nf;
    if (round_it) {
        nf = f < 1.5 ? 1.0 : (f < 3.0 ? 2.0 : (f < 7.0 ? 5.0 : 10.0));
    } else {
        nf = f <= 1.0 ? 1.0 : (f <= 2.0 ? 2.0 : (f <= 5.0 ? 5.0 : 10.0));
    }
    return nf * pow(10.0, e);
}

/* Chart coordinates. */
typedef struct chart {
    zt_day d0, d1;       /* first and last date */
    double ymin, ymax;   /* value range of the y axis */
    double ystep;        /* tick spacing */
} chart;

static double cx(const chart *ch, double day)
{
    if (ch->d1 == ch->d0) {
        return 0.5 * (PLOT_L + PLOT_R);
    }
    return PLOT_L + (day - ch->d0) / (double)(ch->d1 - ch->d0) * (PLOT_R - PLOT_L);
}

static double cy(const chart *ch, double v)
{
    return PLOT_B - (v - ch->ymin) / (ch->ymax - ch->ymin) * (PLOT_B - PLOT_T);
}

/* Value range and ticks from the finite values. */
static void chart_scale(const series *s, chart *ch)
{
    double lo = INFINITY, hi = -INFINITY, range;
    zt_idx k, n = s->n * s->ncols;
    for (k = 0; k < n; k++) {
        if (isfinite(s->val[k])) {
            lo = fmin(lo, s->val[k]);
            hi = fmax(hi, s->val[k]);
        }
    }
    if (!isfinite(lo)) {
        lo = 0.0;
        hi = 1.0;
    }
    if (hi == lo) {
        double pad = fabs(lo) > 0.0 ? 0.1 * fabs(lo) : 1.0;
        lo -= pad;
        hi += pad;
    }
    range = io_nice_num(hi - lo, 0);
    ch->ystep = io_nice_num(range / 4.0, 1);
    ch->ymin = floor(lo / ch->ystep) * ch->ystep;
    ch->ymax = ceil(hi / ch->ystep) * ch->ystep;
    if (ch->ymax <= ch->ymin) {
        ch->ymax = ch->ymin + ch->ystep;
    }
    ch->d0 = s->day[0];
    ch->d1 = s->day[s->n - 1];
}

static void svg_xtick(FILE *f, const chart *ch, zt_day d, const char *label)
{
    double x = cx(ch, d);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\"/>\n", x,
            PLOT_B, x, PLOT_B + 6.0);
    if (label) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x,
                PLOT_B + 22.0, label);
    }
}

/* Ticks on the first of each month, or on dekads when that gives fewer than 2. */
static void svg_xaxis(FILE *f, const chart *ch)
{
    int y0, m0, y, m, nmonth = 0, every, k = 0;
    zt_day d;
    char label[32];

    zt_day_to_ymd(ch->d0, &y0, &m0, NULL);
    for (y = y0, m = m0; (d = zt_day_from_ymd(y, m, 1)) <= ch->d1; m = m == 12 ? 1 : m + 1,
        y = m == 1 ? y + 1 : y) {
        nmonth += d >= ch->d0;
    }
    if (nmonth < 2) {
        static const int dekad[3] = {1, 11, 21};
        for (y = y0, m = m0; zt_day_from_ymd(y, m, 1) <= ch->d1;
             m = m == 12 ? 1 : m + 1, y = m == 1 ? y + 1 : y) {
            int i;
            for (i = 0; i < 3; i++) {
                d = zt_day_from_ymd(y, m, dekad[i]);
                if (d >= ch->d0 && d <= ch->d1) {
                    snprintf(label, sizeof label, "%d %s", dekad[i], month_abbr[m - 1]);
                    svg_xtick(f, ch, d, label);
                }
            }
        }
        return;
    }
    every = nmonth > 60 ? 12 : (nmonth > 24 ? 3 : 1);
    for (y = y0, m = m0; (d = zt_day_from_ymd(y, m, 1)) <= ch->d1;
         m = m == 12 ? 1 : m + 1, y = m == 1 ? y + 1 : y) {
        if (d < ch->d0) {
            continue;
        }
        if (k % every == 0) {
            if (k == 0 || m == 1) {
                snprintf(label, sizeof label, "%s %d", month_abbr[m - 1], y);
            } else {
                snprintf(label, sizeof label, "%s", month_abbr[m - 1]);
            }
            svg_xtick(f, ch, d, label);
        } else {
            svg_xtick(f, ch, d, NULL);
        }
        k++;
    }
}

static void svg_yaxis(FILE *f, const chart *ch)
{
    int i, n = (int)lround((ch->ymax - ch->ymin) / ch->ystep);
    for (i = 0; i <= n; i++) {
        double v = ch->ymin + i * ch->ystep, y = cy(ch, v);
        if (fabs(v) < 1e-9 * ch->ystep) {
            v = 0.0;
        }
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                PLOT_L, y, PLOT_R, y);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\"/>\n",
                PLOT_L - 6.0, y, PLOT_L, y);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.6g</text>\n",
                PLOT_L - 10.0, y + 4.0, v);
    }
}

/* One column as polylines, a new one after each NaN gap. */
static void svg_lines(FILE *f, const chart *ch, const series *s, int c, const char *name)
{
    zt_idx r;
    int open = 0;
    for (r = 0; r < s->n; r++) {
        double v = s->val[r * s->ncols + c];
        if (!isfinite(v)) {
            if (open) {
                fputs("\"/>\n", f);
                open = 0;
            }
            continue;
        }
        if (!open) {
            fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
                       "stroke-linejoin=\"round\" data-column=\"",
                    line_colours[c % NLINE_COLOURS]);
            xml_put(f, name);
            fputs("\" points=\"", f);
            open = 1;
        } else {
            fputc(' ', f);
        }
        fprintf(f, "%.1f,%.1f", cx(ch, s->day[r]), cy(ch, v));
    }
    if (open) {
        fputs("\"/>\n", f);
    }
}

static void svg_write(FILE *f, const char *csv_path, const char *key_col, const char *key,
                      const char *const *cols, int ncols, const char *title, const series *s)
{
    chart ch;
    char d0[11], d1[11];
    int c;

    chart_scale(s, &ch);
    zt_day_format(ch.d0, d0);
    zt_day_format(ch.d1, d1);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
               "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" "
               "font-size=\"12\">\n",
            SVG_W, SVG_H, SVG_W, SVG_H);
    fputs("<title>", f);
    xml_put(f, title);
    fputs("</title>\n<desc>zoet chart: ", f);
    xml_put(f, csv_path);
    fputs(", rows with ", f);
    xml_put(f, key_col);
    fputs(" = ", f);
    xml_put(f, key);
    fprintf(f, ", %lld dates from %s to %s</desc>\n", (long long)s->n, d0, d1);
    fprintf(f, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>\n", SVG_W, SVG_H);
    fprintf(f, "<text x=\"%.1f\" y=\"30\" text-anchor=\"middle\" font-size=\"16\" "
               "font-weight=\"bold\">",
            0.5 * (PLOT_L + PLOT_R));
    xml_put(f, title);
    fputs("</text>\n", f);
    svg_yaxis(f, &ch);
    svg_xaxis(f, &ch);
    fprintf(f, "<path fill=\"none\" stroke=\"#000\" d=\"M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f\"/>\n",
            PLOT_L, PLOT_T, PLOT_L, PLOT_B, PLOT_R, PLOT_B);
    for (c = 0; c < ncols; c++) {
        svg_lines(f, &ch, s, c, cols[c]);
    }
    for (c = 0; c < ncols; c++) {
        double y = PLOT_T + 10.0 + 22.0 * c;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"3\"/>\n",
                PLOT_R + 20.0, y, PLOT_R + 50.0, y, line_colours[c % NLINE_COLOURS]);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", PLOT_R + 58.0, y + 4.0);
        xml_put(f, cols[c]);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n", f);
}

zt_status io_chart_svg(const char *csv_path, const char *key_col, const char *key,
                       const char *const *cols, int ncols, const char *svg_path,
                       const char *title, zt_err *err)
{
    series s;
    FILE *f = NULL;
    char deftitle[512];
    zt_status st;

    memset(&s, 0, sizeof s);
    s.ncols = ncols;
    if (ncols < 1) {
        st = zt_fail(err, ZT_EUSAGE, "chart of %s: no column to draw", csv_path);
        goto done;
    }
    if ((st = check_out_path(svg_path, "chart", err)) != ZT_OK ||
        (st = read_series(csv_path, key_col, key, cols, ncols, &s, err)) != ZT_OK) {
        goto done;
    }
    if (series_sort(&s) != ZT_OK) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory sorting %lld rows", csv_path,
                     (long long)s.n);
        goto done;
    }
    if (!title) {
        snprintf(deftitle, sizeof deftitle, "%s %s", key_col, key);
        title = deftitle;
    }
    if ((st = io_text_open(svg_path, &f, err)) != ZT_OK) {
        goto done;
    }
    svg_write(f, csv_path, key_col, key, cols, ncols, title, &s);
    st = io_text_close(f, svg_path, 1, err);
    if (st != ZT_OK) {
        io_part_discard(svg_path); /* a failed rename leaves the .part behind */
    }
done:
    zt_free(s.day);
    zt_free(s.val);
    return st;
}
